"""Third-party files swept in session 20 (wild20): classes found in pandas' io test data and LibreOffice Online's
test documents, rebuilt with generated data.

1. Stata data files of format 102-104 (pandas' stata1_104.dta, stata-compat-102.dta ...): the `.dta` magic check knew
   105-115 only, so these were never wanted and ended as nothing (no hit, no skip), a 104 file that ReadStat reads
   too; 102/103, which ReadStat does not read, were not even listed.
2. A document package whose zip directory names parts it cannot give (LibreOffice Online's corrupted.odt: every NUL
   byte written as the text ``\\00``): neither the archive inspector (its directory names package parts and no
   embedding) nor the document reader (no document part opens) said anything: nothing.
3. A Stata 14+ file (format 118, which declares UTF-8) whose text is Shift_JIS (a tool that wrote its bytes unconverted):
   pyreadstat's own UTF-8 decoding failed (UnicodeDecodeError, not ReadStat's "convert string"), so no other
   encoding was tried and the file was listed `corrupt` with its persons unread.
4. An object storage with an Ole10Native stream and no CompObj whose data is another program's (Apache Tika's
   coffee.xls: a SymyxDraw drawing) was parsed as a Packager file and the workbook listed `corrupt` ("data of
   1684370529 bytes past the stream's end"): Excel opens it.
"""

from __future__ import annotations

import gzip
import json
import struct
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import hit_of, scan_findings, skip_of
from tests.document_data import odt_with_table
from tests.pii_data import people, standard

N = 12


def old_dta(rows: list[list[object]], version: int, big: bool = False) -> bytes:
    """A Stata file of format 102-104 as Stata 1-4 wrote it: every variable a string (type 0x7F + width), the first row
    the variable labels, text in cp932 (Stata before 14 records no encoding)."""
    e = ">" if big else "<"
    header, body = rows[0], rows[1:]
    cells = [[str(c).encode("cp932") for c in r] for r in body]
    widths = [max(1, *(len(r[i]) for r in cells)) for i in range(len(header))]
    out = bytearray((version, 1 if big else 2, 1, 0))
    out += struct.pack(e + "HI", len(header), len(body)) + b"generated".ljust(32, b"\0")
    out += bytes(0x7F + w for w in widths)
    out += b"".join(f"v{i}".encode().ljust(9, b"\0") for i in range(len(header)))
    out += bytes(2 * (len(header) + 1))
    out += b"".join(f"%{w}s".encode().ljust(7, b"\0") for w in widths)
    out += bytes(9 * len(header))
    out += b"".join(str(h).encode("cp932")[:31].ljust(32, b"\0") for h in header)
    for r in cells:
        out += b"".join(c.ljust(w, b"\0") for c, w in zip(r, widths, strict=True))
    return bytes(out)


def sjis_118(rows: list[list[object]], tmp: Path) -> bytes:
    """A Stata 118 file (pyreadstat writes UTF-8) whose texts were then put in cp932, each in its own field."""
    import pandas as pd
    import pyreadstat

    header, body = rows[0], rows[1:]
    frame = pd.DataFrame([[str(c) for c in r] for r in body], columns=[f"v{i}" for i in range(len(header))])
    pyreadstat.write_dta(frame, str(tmp / "u.dta"), column_labels=[str(h) for h in header], version=14)
    data = (tmp / "u.dta").read_bytes()
    for text in sorted({str(c) for r in rows for c in r if not str(c).isascii()}, key=lambda t: -len(t.encode())):
        utf8, sjis = text.encode(), text.encode("cp932")
        data = data.replace(utf8, sjis.ljust(len(utf8), b"\0"))
    return data


def escaped(data: bytes) -> bytes:
    """``data`` with every NUL byte written as the three characters ``\\00`` (LibreOffice Online's corrupted.odt)."""
    return data.replace(b"\0", b"\\00")


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("wild20")
    rows = standard(people(N, seed=2020))
    files = {"stata104.dta": old_dta(rows, 104), "stata104be.dta": old_dta(rows, 104, big=True),
             "stata103.dta": old_dta(rows, 103), "stata102.dta": old_dta(rows, 102),
             "名簿.odt": odt_with_table(rows), "corrupted.odt": escaped(odt_with_table(rows)),
             "sjis118.dta": sjis_118(rows, tmp_path_factory.mktemp("made"))}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder, scan_findings(folder, tmp_path_factory.mktemp("wild20-out"))


@pytest.mark.parametrize("name", ["stata104.dta", "stata104be.dta", "sjis118.dta"])
def test_stata_104_and_shift_jis_118_files_are_read(found: tuple[Path, dict[str, Any]], name: str) -> None:
    folder, findings = found
    hit = hit_of(findings, folder / name)
    assert hit is not None and hit["pii"]["records"] == N, (hit, skip_of(findings, folder / name))


@pytest.mark.parametrize("name", ["stata103.dta", "stata102.dta"])
def test_stata_102_103_files_are_listed_as_unread_versions(found: tuple[Path, dict[str, Any]], name: str) -> None:
    folder, findings = found
    listed = skip_of(findings, folder / name)
    assert listed is not None and listed["reason"] == "unsupported", (listed, hit_of(findings, folder / name))
    assert '"stats-version-unread"' in json.dumps(listed["detail_codes"]), listed


def test_document_whose_parts_cannot_be_opened_is_listed(found: tuple[Path, dict[str, Any]]) -> None:
    folder, findings = found
    assert hit_of(findings, folder / "名簿.odt")["pii"]["records"] == N  # the same document, sound
    listed = skip_of(findings, folder / "corrupted.odt")
    assert listed is not None and listed["reason"] == "corrupt", (listed, hit_of(findings, folder / "corrupted.odt"))


DATA = Path(__file__).parent / "data" / "tables"


def test_another_programs_native_data_without_compobj_is_no_damaged_package(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "coffee.xls").write_bytes(gzip.decompress((DATA / "tika__coffee.xls.gz").read_bytes()))
    findings = scan_findings(share, tmp_path / "out")
    assert findings["skipped"] == [] and findings["files"] == [], (findings["skipped"], findings["files"])


def test_native_data_is_told_from_a_package_by_its_header() -> None:
    from scanner.errors import ReadError
    from scanner.inspectors.legacy_embedded import native_object

    drawing = b"\x01\x03\x00\x04A \x00\x1dCreated by SymyxDraw" + bytes(40)
    stream = len(drawing).to_bytes(4, "little") + drawing
    assert native_object(stream, None) == ("Ole10Native", drawing)
    package = b"\x02\x00list.csv\x00C:\\list.csv\x00\x00\x00\x03\x00" + (10 ** 9).to_bytes(4, "little")
    with pytest.raises(ReadError) as e:  # a Packager header (flags 2) pointing past its stream stays damage
        native_object(len(package).to_bytes(4, "little") + package, None)
    assert e.value.reason == "corrupt"
