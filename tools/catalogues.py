"""Compile leakscan's gettext catalogues: {reports,scanner}/locale/<lang>/LC_MESSAGES/<domain>.po -> .mo (Babel).

The .po files are the source (edit them); the .mo files are shipped beside them, so a checkout and an
installed wheel read the same compiled catalogues with the standard library's gettext.
tests/test_labels.py fails when a .mo is not the compilation of its .po:

    python3 tools/catalogues.py          # compile every catalogue
    python3 tools/catalogues.py --check  # exit 1 when a .mo is out of date
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

FIXED = datetime(2026, 1, 1, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent
LOCALES = (ROOT / "reports" / "locale", ROOT / "scanner" / "locale")  # report labels; terminal and --help


def compiled(po: Path) -> bytes:
    """The .mo bytes of a .po file (fuzzy entries included: every entry here is reviewed)."""
    with po.open("rb") as f:
        catalog = read_po(f, locale=po.parent.parent.name)
    catalog.creation_date = catalog.revision_date = FIXED  # else "now": the same .po would compile differently
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=True)
    return buf.getvalue()


def catalogues() -> list[Path]:
    return sorted(po for locale in LOCALES for po in locale.glob("*/LC_MESSAGES/*.po"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that every .mo is up to date")
    args = parser.parse_args(argv)
    stale = []
    for po in catalogues():
        mo = po.with_suffix(".mo")
        data = compiled(po)
        if mo.exists() and mo.read_bytes() == data:
            continue
        stale.append(mo)
        if not args.check:
            mo.write_bytes(data)
            print(f"compiled {mo.relative_to(ROOT)}")
    if args.check and stale:
        print("out of date: " + ", ".join(str(m) for m in stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
