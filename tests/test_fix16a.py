"""Small fixes of session 16 (fix16a), each through the CLI.

- A fake Word/PowerPoint document (a compound-file signature, then random bytes: the bench share holds 1,132) was
  listed corrupt with olefile's ``ValueError: Exceeds the limit (4300 digits) for integer string conversion``
  (olefile formats ``2 ** sector_shift`` of the random header into a debug line): the detail named a Python limit,
  not a damaged OLE2 document.
"""

from __future__ import annotations

import random
import struct
from pathlib import Path

from tests.test_wild13 import _scan

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _fake_compound(seed: int, shifts: tuple[int, int] | None = None) -> bytes:
    """A compound-file signature and 4 KiB of random bytes (``shifts``: the sector and mini-sector shift fields)."""
    body = bytearray(OLE_MAGIC + random.Random(seed).randbytes(4096))
    if shifts is not None:
        body[0x1E:0x22] = struct.pack("<HH", *shifts)
    return bytes(body)


def test_fake_ole_documents_say_damaged_container(tmp_path: Path) -> None:
    files = {"fake.doc": _fake_compound(1, (0xF000, 6)), "fake_mini.doc": _fake_compound(2, (9, 0xF000)),
             "fake.ppt": _fake_compound(3, (0xF000, 6))}
    findings = _scan(tmp_path, files)
    skipped = {Path(s["path"]).name: s for s in findings["skipped"]}
    assert set(skipped) == set(files), (skipped, findings["files"])
    for name, row in skipped.items():
        assert row["reason"] == "corrupt", row
        said = repr(row["detail_codes"])
        assert "digits" not in row["detail"] and "ValueError" not in said, (name, row)
        assert "ole-corrupt" in said, (name, row)

