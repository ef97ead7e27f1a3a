"""review21x: defects found reviewing xml21 (slide tables, coded attributes, damaged root tags, flat-part-altered).

People are Faker ja_JP with a fixed seed (tests.xml19_data via tests.test_xml21); nothing here is real.
"""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest

from scanner.doctables import flat_objects
from tests.test_xml20 import MAIN_TYPE, XLSX_TYPE, _document, flat


def _zeros_zip(mib: int) -> bytes:
    """A zip of one member of ``mib`` MiB of NULs, deflated (about 1,000 to 1): a zip bomb's shape."""
    raw = zlib.compressobj(1, zlib.DEFLATED, -15)
    chunk = bytes(1 << 20)
    body = b"".join(raw.compress(chunk) for _ in range(mib)) + raw.flush()
    name = b"xl/worksheets/sheet1.xml"
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(chunk, crc)
    size = mib << 20
    local = (b"PK\x03\x04" + (20).to_bytes(2, "little") + bytes(2) + (8).to_bytes(2, "little") + bytes(4)
             + crc.to_bytes(4, "little") + len(body).to_bytes(4, "little") + size.to_bytes(4, "little")
             + len(name).to_bytes(2, "little") + bytes(2) + name)
    central = (b"PK\x01\x02" + (20).to_bytes(2, "little") * 2 + bytes(2) + (8).to_bytes(2, "little") + bytes(4)
               + crc.to_bytes(4, "little") + len(body).to_bytes(4, "little") + size.to_bytes(4, "little")
               + len(name).to_bytes(2, "little") + bytes(8) + bytes(4) + bytes(4) + name)
    end = (b"PK\x05\x06" + bytes(4) + (1).to_bytes(2, "little") * 2 + len(central).to_bytes(4, "little")
           + (len(local) + len(body)).to_bytes(4, "little") + bytes(2))
    return local + body + central + end


def test_a_zip_bomb_in_a_flat_object_is_not_inflated_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """xml21's flat-part-altered check inflated every member of an embedded zip to its end, unbounded: a flat .docx
    of 5.6 MB holding a 4 GiB bomb took 40 s in flat_objects (48 s a scan). The check now stops at its own cap."""
    bomb = _zeros_zip(1024)
    with zipfile.ZipFile(io.BytesIO(bomb)) as z:
        assert z.infolist()[0].file_size == 1 << 30
    doc = flat([("/word/document.xml", MAIN_TYPE, _document(table=False)),
                ("/word/embeddings/Microsoft_Excel_Worksheet.xlsx", XLSX_TYPE, bomb)])
    read = zipfile.ZipExtFile.read
    inflated = [0]

    def counted(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        got = read(self, n)
        inflated[0] += len(got)
        return got

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counted)
    parts = list(flat_objects(doc, 1 << 30))
    assert [(name, len(body)) for name, body, _ in parts] == [("word/embeddings/Microsoft_Excel_Worksheet.xlsx", len(bomb))]
    assert inflated[0] <= 256 << 20, inflated[0]  # (1 GiB before: the whole bomb)
