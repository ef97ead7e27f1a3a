"""Write the pre-parsed form of the largest rule files: signatures/<name>.toml -> <name>.compact.json.

The TOML is the source (edit it); the compact form is what each process loads (scanner.rules.COMPACT), used
only while the SHA-256 it records equals the TOML's. tests/test_rules_compact.py fails when one is stale:

    python3 tools/compact_rules.py          # write every compact form
    python3 tools/compact_rules.py --check  # exit 1 when one is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanner.rules import COMPACT, COMPACT_SUFFIX, make_compact  # noqa: E402

SIGNATURES = ROOT / "signatures"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only report stale compact forms (exit 1)")
    args = ap.parse_args()
    stale = []
    for name in COMPACT:
        text = make_compact((SIGNATURES / f"{name}.toml").read_bytes())
        target = SIGNATURES / f"{name}{COMPACT_SUFFIX}"
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(target.name)
        if not args.check:
            target.write_text(text, encoding="utf-8")
    print(("stale: " if args.check else "written: ") + (", ".join(stale) or "none"))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
