"""Review of wild20 (session 20): review20w.

1. A statistics file whose texts are UTF-8 with one damaged byte (a Stata 118 file, which declares UTF-8; an SPSS
   file written in UTF-8) was read in CP932 when every string happened to convert: all its texts came out as
   mojibake with status ok, its persons lost without a listing (nothing). wild20 made this reachable for Stata
   14+ files (pyreadstat's UnicodeDecodeError now tries CP932); for SPSS it was older. Now a fallback read whose
   texts turn out to be UTF-8 (their CP932 bytes decode as UTF-8) is not taken: the file is listed corrupt.
2. A .docx/.odt with bytes before its zip (an HTTP response header saved with it, an installer stub, junk from a bad
   copy) ended as nothing: it does not start as a zip, so no document reader took it, and the archive inspector does
   not open a document's name. (An .xlsx so was listed corrupt.) Now read as the zip that follows, listed corrupt
   (`data-before-zip`).
3. A zip read from its local headers whose name length is damaged made the member's data its name: a stored CSV's
   persons, unmasked, in every report; and wild20's escaped zip was "the last of the 12381 parts of a spanned zip".
4. A Stata file whose variable count is zeroed was read by ReadStat as an empty table: ok, its persons unread.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import hit_of, scan_findings, skip_of
from tests.document_data import docx_with_table, odt_with_table
from tests.pii_data import people, standard, xlsx_bytes
from tests.test_embedded import WORD, package

N = 4


def _converts(rows: list[list[str]], tmp: Path) -> bool:
    """Whether ReadStat converts these texts, written as UTF-8, from CP932 (iconv's CP932 is stricter than
    Python's: the test picks generated persons whose UTF-8 bytes it takes)."""
    import pandas as pd
    import pyreadstat

    pyreadstat.write_sav(pd.DataFrame(rows, columns=["v0", "v1"]), str(tmp / "probe.sav"))
    try:
        pyreadstat.read_sav(io.BytesIO((tmp / "probe.sav").read_bytes()), encoding="CP932")
    except Exception:  # noqa: BLE001 - a probe: the person is not used
        return False
    return True


def _flipped(data: bytes, text: str, ext: str) -> bytes:
    """``data`` with one bit of ``text`` flipped so that it is no UTF-8 but the file still converts from CP932."""
    import pyreadstat

    raw = text.encode()
    at = data.index(raw)
    for i in range(len(raw)):
        for bit in (0x10, 0x20, 0x40, 0x01, 0x02, 0x04, 0x08):
            changed = raw[:i] + bytes([raw[i] ^ bit]) + raw[i + 1:]
            try:
                changed.decode("utf-8")
                continue
            except UnicodeDecodeError:
                damaged = data[:at] + changed + data[at + len(raw):]
            try:
                getattr(pyreadstat, f"read_{ext}")(io.BytesIO(damaged), encoding="CP932")
            except Exception:  # noqa: BLE001 - a probe: another bit is tried
                continue
            return damaged
    raise AssertionError("no flip found")


@pytest.fixture(scope="module")
def utf8_damaged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    import pandas as pd
    import pyreadstat

    made = tmp_path_factory.mktemp("made")
    rows = [[p.name, p.address] for p in people(60, seed=11)]
    rows = [r for r in rows if _converts([r], made)][:N]
    assert len(rows) == N and _converts(rows, made)
    folder = tmp_path_factory.mktemp("review20w")
    frame = pd.DataFrame(rows, columns=["v0", "v1"])  # no labels: the persons are told by their texts
    pyreadstat.write_dta(frame, str(made / "u.dta"), version=14)
    pyreadstat.write_sav(frame, str(made / "u.sav"))
    for ext in ("dta", "sav"):
        data = (made / f"u.{ext}").read_bytes()
        (folder / f"sound.{ext}").write_bytes(data)
        (folder / f"flipped.{ext}").write_bytes(_flipped(data, rows[0][0], ext))
    return folder, scan_findings(folder, tmp_path_factory.mktemp("review20w-out"))


@pytest.mark.parametrize("ext", ["dta", "sav"])
def test_utf8_stats_file_with_a_damaged_byte_is_not_read_as_cp932(utf8_damaged: tuple[Path, dict[str, Any]],
                                                                  ext: str) -> None:
    folder, findings = utf8_damaged
    sound = hit_of(findings, folder / f"sound.{ext}")
    assert sound is not None and sound["pii"]["records"] == N, (sound, skip_of(findings, folder / f"sound.{ext}"))
    listed = skip_of(findings, folder / f"flipped.{ext}")
    assert listed is not None and listed["reason"] == "corrupt", (listed, hit_of(findings, folder / f"flipped.{ext}"))


PREFIXES = {"http": b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n", "stub": b"MZ" + bytes(4000)}


@pytest.fixture(scope="module")
def prefixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("prefixed")
    rows = standard(people(12, seed=2021))
    for ext, data in {"docx": docx_with_table(rows), "odt": odt_with_table(rows)}.items():
        for name, prefix in PREFIXES.items():
            (folder / f"{name}.{ext}").write_bytes(prefix + data)
            (folder / f"{name}-{ext}.zip").write_bytes(prefix + data)  # renamed as the archive it is (review21h)
    report = package(WORD, {"Microsoft_Excel_Worksheet.xlsx": xlsx_bytes({"名簿": rows})})  # a report embedding a 名簿
    (folder / "http-embeds.docx").write_bytes(PREFIXES["http"] + report)
    (folder / "zeroed-embeds.docx").write_bytes(bytes(512) + report[512:])  # (its first sector zeroed on disk)
    return folder, scan_findings(folder, tmp_path_factory.mktemp("prefixed-out"))


@pytest.mark.parametrize("name", [f"{p}.{e}" for p in PREFIXES for e in ("docx", "odt")])
def test_document_with_bytes_before_its_zip_is_read_and_listed(prefixed: tuple[Path, dict[str, Any]],
                                                               name: str) -> None:
    folder, findings = prefixed
    hit = hit_of(findings, folder / name)
    assert hit is not None and hit["pii"]["records"] == 12, (hit, skip_of(findings, folder / name))
    listed = skip_of(findings, folder / name)
    assert listed is not None and listed["reason"] == "corrupt", listed
    assert '"data-before-zip"' in json.dumps(listed["detail_codes"]), listed


@pytest.mark.parametrize("name", ["http-embeds.docx", "zeroed-embeds.docx"])
def test_a_document_read_past_its_damaged_head_has_its_embedded_workbook_examined(
        prefixed: tuple[Path, dict[str, Any]], name: str) -> None:
    """review21h: a report embedding a person workbook, with bytes before its zip or its first bytes zeroed, was read
    as the zip that follows (its own text: no table) and listed corrupt "read as the zip that follows", but its
    embedded workbook was never examined (the archive inspector does not take a document that does not start as a
    zip): 12 persons lost behind a listing that said it was read."""
    folder, findings = prefixed
    member = hit_of(findings, Path(f"{folder / name} » word/embeddings/Microsoft_Excel_Worksheet.xlsx"))
    assert member is not None and member["pii"]["records"] == 12, ([h["path"] for h in findings["files"]],
                                                                   skip_of(findings, folder / name))
    listed = skip_of(findings, folder / name)
    assert listed is not None and listed["reason"] == "corrupt", listed


@pytest.mark.parametrize("name", [f"{p}-{e}.zip" for p in PREFIXES for e in ("docx", "odt")])
def test_document_with_bytes_before_its_zip_renamed_zip_is_read_and_listed(prefixed: tuple[Path, dict[str, Any]],
                                                                            name: str) -> None:
    """review21h: such a document renamed .zip (as .zip, .jar, .7z: docs18 reads a document's tables under an
    archive's name) ended as nothing: zipfile opens a zip with bytes before it, its XML parts were examined as
    members and held no table, and the document's tables were read only for bytes that start as a zip."""
    folder, findings = prefixed
    hit = hit_of(findings, folder / name)
    assert hit is not None and hit["pii"]["records"] == 12, (hit, skip_of(findings, folder / name))
    listed = skip_of(findings, folder / name)
    assert listed is not None and listed["reason"] == "corrupt", listed
    assert '"data-before-zip"' in json.dumps(listed["detail_codes"]), listed


def test_an_escaped_zip_is_no_spanned_zips_last_part(tmp_path: Path) -> None:
    """wild20's leftover: a zip with every NUL written as ``\\00`` (LibreOffice Online's corrupted.odt's damage) has
    ``\\0`` (0x305C) as its end record's disk number: it was listed as "the last of the 12381 parts of a spanned zip".
    A disk number no split writer gives (over 999 parts, or a directory on a later disk than the last) is damage."""
    import zipfile

    share = tmp_path / "share"
    share.mkdir()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("名簿.csv", "\n".join(",".join(map(str, r)) for r in standard(people(12, seed=2022))))
    (share / "名簿.zip").write_bytes(buf.getvalue().replace(b"\0", b"\\00"))
    findings = scan_findings(share, tmp_path / "out")
    listed = skip_of(findings, share / "名簿.zip")
    assert listed is not None and listed["reason"] == "corrupt", (listed, [s["detail"] for s in findings["skipped"]])
    assert '"spanned-last"' not in json.dumps(findings["skipped"]), [s["detail"] for s in findings["skipped"]]


def test_a_damaged_local_header_name_does_not_put_the_members_content_in_the_reports(tmp_path: Path) -> None:
    """A zip read from its local headers whose name length is damaged (here: the escaped zip above, ``\\0`` as its
    length, 12,380 bytes) took the member's data for its name: the CSV's persons, unmasked, were the member's path
    (and its raw hex) in findings.json, skipped.csv, report.html, the DFXML and CASE files. A name with a control
    character (no zip writer stores one) or over 512 bytes is damage: the member is named by its offset."""
    import zipfile

    share = tmp_path / "share"
    share.mkdir()
    persons = people(12, seed=2023)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("名簿.csv", "\n".join(",".join(map(str, r)) for r in standard(persons)))
    (share / "名簿.zip").write_bytes(buf.getvalue().replace(b"\0", b"\\00"))
    out = tmp_path / "out"
    scan_findings(share, out)
    written = "".join(f.read_text(encoding="utf-8", errors="replace") for f in out.iterdir() if f.suffix != ".sqlite")
    leaked = [p.phone for p in persons if p.phone in written] + [p.address for p in persons if p.address in written]
    assert not leaked, leaked
    hexed = "".join(f"{b:02x}" for b in persons[0].address.encode())
    assert hexed not in written


def _no_variables(data: bytes) -> bytes:
    """A Stata file with its variable count zeroed (a bit flipped in a count of 8, a zeroed field): 104-115 keep it
    as 2 bytes at offset 4, 118 inside ``<K>``."""
    if data.startswith(b"<stata_dta>"):
        at = data.index(b"<K>") + 3
        return data[:at] + b"\0\0" + data[at + 2:]
    return data[:4] + b"\0\0" + data[6:]


def test_stata_file_whose_variable_count_is_zeroed_is_listed(tmp_path: Path) -> None:
    """ReadStat reads a Stata file declaring rows but no variable as an empty table: status ok, its persons unread
    (nothing). A file declaring rows of no variable is damaged (Stata saves no dataset without variables)."""
    import pandas as pd
    import pyreadstat

    from tests.test_wild20 import old_dta

    share = tmp_path / "share"
    share.mkdir()
    rows = standard(people(8, seed=2024))
    (share / "s104.dta").write_bytes(_no_variables(old_dta(rows, 104)))
    frame = pd.DataFrame([[str(c) for c in r] for r in rows[1:]], columns=[f"v{i}" for i in range(len(rows[0]))])
    pyreadstat.write_dta(frame, str(tmp_path / "u.dta"), column_labels=[str(h) for h in rows[0]], version=14)
    (share / "s118.dta").write_bytes(_no_variables((tmp_path / "u.dta").read_bytes()))
    findings = scan_findings(share, tmp_path / "out")
    for name in ("s104.dta", "s118.dta"):
        listed = skip_of(findings, share / name)
        assert listed is not None and listed["reason"] == "corrupt", (name, listed, hit_of(findings, share / name))
