"""``--known-hashes FILE``: digests of the leaked file(s), one per line, sha256sum or hashdeep format.

Any file whose MD5, SHA-1 or SHA-256 is listed gets reason ``known-hash`` (the pipeline compares).
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import UsageError
from .optionfile import read_option_file

#: a list of digests, also a whole hashdeep listing of a case, fits well below this; /dev/zero does not
KNOWN_HASHES_LIMIT = 256 * 1024 * 1024

_HEX = re.compile(r"^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$")
_HASH_COLUMNS = {"md5", "sha1", "sha256"}


def parse_known_hashes(text: str) -> list[str]:
    """Digests from a plain list, ``sha256sum``/``md5sum`` output or a ``hashdeep`` file (lower case)."""
    digests: list[str] = []
    columns: list[str] | None = None
    for raw in text.splitlines():
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        if line.startswith("%%%%"):
            header = line[4:].strip()
            if "," in header and not header.upper().startswith("HASHDEEP"):
                columns = [c.strip().lower() for c in header.split(",")]
            continue
        if columns:  # hashdeep: size,md5,sha256,filename (the file name may hold commas)
            cells = line.split(",", len(columns) - 1)
            digests += [c.lower() for col, c in zip(columns, cells, strict=False)
                        if col in _HASH_COLUMNS and _HEX.match(c)]
            continue
        first = line.split()[0].lstrip("\\")  # sha256sum: "<digest>  name" or "<digest> *name"
        if _HEX.match(first):
            digests.append(first.lower())
    return list(dict.fromkeys(digests))


def load_known_hashes(path: Path) -> list[str]:
    """The digests listed in ``path``, read as an option file (never blocking on a FIFO or a device, at most
    KNOWN_HASHES_LIMIT bytes)."""
    raw, _ = read_option_file(path, "--known-hashes", KNOWN_HASHES_LIMIT)
    text = raw.decode("utf-8-sig", errors="replace")
    digests = parse_known_hashes(text)
    if not digests:
        raise UsageError(f"--known-hashes {path}: no MD5, SHA-1 or SHA-256 digest found")
    return digests
