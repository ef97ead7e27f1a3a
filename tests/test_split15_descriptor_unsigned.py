"""A stored member whose start is lost, ended by a data descriptor without its signature (Session 15, split15;
review14c #9).

APPNOTE 4.3.9.3: the descriptor's signature ``PK\\x07\\x08`` is optional (older writers leave it out). split14's
``_stored_after_loss`` dropped a descriptor only by its signature: one without it (CRC-32 and two sizes, 12 bytes)
stayed on the end of the member's last row. The central directory still gives the CRC and the sizes, so the
descriptor is known by its very bytes and dropped.
"""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
from pathlib import Path

from conftest import run_cli
from pii_data import csv_bytes, people, standard

A = csv_bytes(standard(people(400, seed=158)), "utf-8")


class _Forward(io.RawIOBase):
    """A stream that cannot seek: zipfile writes each member's data descriptor (flag bit 3)."""

    def __init__(self) -> None:
        super().__init__()
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: bytes) -> int:  # type: ignore[override]
        self.data += b
        return len(b)


def _unsigned_descriptor_zip() -> bytes:
    out = _Forward()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z, z.open(zipfile.ZipInfo("名簿.csv", (2024, 1, 1, 0, 0, 0)), "w") as f:
        f.write(A)
    data = bytes(out.data)
    at = data.rfind(b"PK\x07\x08")
    assert at > 0 and data[at + 16:at + 20] == b"PK\x01\x02"
    data = data[:at] + data[at + 4:]  # the descriptor's signature left out (the directory 4 bytes earlier)
    end = data.rfind(b"PK\x05\x06")
    cd_at = struct.unpack_from("<I", data, end + 16)[0]
    return data[:end + 16] + struct.pack("<I", cd_at - 4) + data[end + 20:]


def test_an_unsigned_descriptor_is_not_read_as_the_last_rows_end(tmp_path: Path) -> None:
    data = _unsigned_descriptor_zip()
    assert zipfile.ZipFile(io.BytesIO(data)).read("名簿.csv") == A
    src = tmp_path / "src"
    src.mkdir()
    size = -(-len(data) // 4)
    for i in range(1, 4):  # .001 lost
        (src / f"list.zip.{i + 1:03d}").write_bytes(data[i * size:(i + 1) * size])
    for cut in (1, 5):  # damaged: the last part cut into the descriptor
        (src / f"cut{cut}").mkdir()
        for i in range(1, 4):
            piece = data[i * size:(i + 1) * size]
            (src / f"cut{cut}" / f"list.zip.{i + 1:03d}").write_bytes(piece if i < 3 else piece[:-(22 + 46 + 10 + cut)])
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    row = next(s for s in doc["skipped"] if s["path"] == f"{src / 'list.zip.002'} » 名簿.csv")
    kept = int(re.search(r"(\d+) of its \d+ bytes kept", row["detail"]).group(1))
    lost = size - 30 - len("名簿.csv".encode())  # the bytes of the member in the lost part (its header before them)
    assert kept == len(A) - A.index(b"\n", lost) - 1, row["detail"]  # from the first line start to the table's end
    for cut in (1, 5):  # every part of the cut series ends as records or a listed reason
        for i in range(2, 5):
            at = str(src / f"cut{cut}" / f"list.zip.{i:03d}")
            assert any(p == at or p.startswith(f"{at} » ") for p in
                       (*(f["path"] for f in doc["files"]), *(s["path"] for s in doc["skipped"]))), at
