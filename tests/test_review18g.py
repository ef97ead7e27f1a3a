"""review18g: docs18's paths (documents under archive names, protected Office files, Word 2003 XML, OpenOffice.org 1,
split tables) tried with real layouts and damage: an ordinary XML file mentioning Word 2003's namespace, a damaged
EncryptionInfo stream, ... One CLI scan of one tree serves the end-to-end tests.

People are Faker ja_JP with a fixed seed (tests.document_data.people_rows).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import hit_of, skip_of

from scanner.doctables import document_kind
from tests.conftest import ROOT
from tests.docs18_data import WORDML_NS, wordml_with_table
from tests.document_data import docx_with_table, fodt_with_table, people_rows

ROWS = people_rows(20, seed=2026121818)
PERSONS = len(ROWS) - 1
WORDML16_NAMES = ("名簿.xml", "名簿.doc", "名簿.dat")
FODT_NAMES = ("名簿.fodt", "名簿.xml", "名簿.dat", "名簿.jpg", "名簿")


def _export_xml() -> bytes:
    """A data export (not a Word document) whose root names Word 2003's namespace and element in an attribute, as a
    converter's log or an XSLT's notes do."""
    people = "".join(f"<person><name>{r[0]}</name><kana>{r[1]}</kana></person>" for r in ROWS[1:])
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<export source="{WORDML_NS}" note="w:wordDocument converted">'
            f"{people}</export>").encode()


def _cut_zip_with_a_stored_document() -> bytes:
    """A zip (as Windows' or 7-Zip's "store") of a person list, a .docx with its table and a text, cut inside the text:
    its own directory is lost, and the stored .docx's end of directory is the last one in the file."""
    csv = "\n".join(",".join(r) for r in ROWS).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("名簿.csv", csv)
        zf.writestr("報告.docx", docx_with_table(ROWS))
        zf.writestr("メモ.txt", "打合せメモ\n" * 400)
    return out.getvalue()[:-3000]


def _tree(root: Path) -> dict[str, Path]:
    tree = root / "tree"
    tree.mkdir()
    files: dict[str, Path] = {}

    def put(key: str, name: str, data: bytes) -> None:
        files[key] = tree / name
        files[key].write_bytes(data)

    put("export.xml", "export.xml", _export_xml())
    put("export.dat", "export.dat", _export_xml())
    put("wordml.xml", "名簿.xml", wordml_with_table(ROWS))
    put("cut zip", "資料.zip", _cut_zip_with_a_stored_document())
    utf16 = b"\xff\xfe" + wordml_with_table(ROWS).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le")
    for name in WORDML16_NAMES:
        put(f"wordml16 {name}", f"w16-{name}", utf16)
    for name in FODT_NAMES:
        put(f"fodt {name}", f"f-{name}", fodt_with_table(ROWS))
    return files


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path], dict[str, Any]]:
    root = tmp_path_factory.mktemp("review18g")
    files = _tree(root)
    done = subprocess.run([sys.executable, str(ROOT / "scan.py"), "scan", str(root / "tree"), "--out", str(root / "out"),
                           "--workers", "1", "--quiet"], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert "Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr[-2000:]
    return files, json.loads((root / "out" / "findings.json").read_text(encoding="utf-8"))


def test_an_xml_file_naming_word2003s_namespace_is_no_word_document(scanned: tuple[dict[str, Path], Any]) -> None:
    """docs18 took any XML whose head held Word 2003's namespace and the word ``wordDocument`` for a Word 2003 XML
    document: an ordinary export saying so in an attribute was listed ``corrupt`` (document-part-cut, a false alarm).
    Only a root element ``wordDocument`` in that namespace is one; the real one is still read."""
    files, found = scanned
    for key in ("export.xml", "export.dat"):
        assert skip_of(found, files[key]) is None, skip_of(found, files[key])
    hit = hit_of(found, files["wordml.xml"])
    assert hit is not None and hit["pii"]["records"] == PERSONS


def test_a_cut_zip_whose_last_whole_member_is_a_stored_document(scanned: tuple[dict[str, Path], Any]) -> None:
    """zipfile opens a cut zip by the last end-of-directory record in it: the stored .docx's. The zip was taken for
    that document: its other members (a person list) were never examined and the cut never said (nothing on
    ab6a1a11; docs18 then read the outer file as the .docx). Now read from its local headers: listed corrupt, each
    member examined once."""
    files, found = scanned
    zip_path = files["cut zip"]
    skip = skip_of(found, zip_path)
    assert skip is not None and skip["reason"] == "corrupt", skip
    members = {h["path"].rsplit(" » ", 1)[-1]: h for h in found["files"] if h["path"].startswith(f"{zip_path} » ")}
    assert members["名簿.csv"]["pii"]["records"] == PERSONS, members.keys()
    assert members["報告.docx"]["pii"]["records"] == PERSONS
    outer = hit_of(found, zip_path)
    assert outer is None or not outer.get("pii"), outer


def test_a_flat_opendocument_text_is_read_under_any_name(scanned: tuple[dict[str, Path], Any]) -> None:
    """A flat OpenDocument text (.fodt, one XML file) renamed .xml, .dat, .jpg or left without an extension ended as
    nothing (only .fodt and .txt were read): like docs18's Word 2003 XML, a family of its own, read by content."""
    files, found = scanned
    wrong = {n: hit_of(found, files[f"fodt {n}"]) for n in FODT_NAMES
             if (hit_of(found, files[f"fodt {n}"]) or {}).get("pii", {}).get("records") != PERSONS}
    assert not wrong, {n: (h or {}).get("reasons") for n, h in wrong.items()}


def test_word2003_xml_saved_in_utf16_is_read(scanned: tuple[dict[str, Path], Any]) -> None:
    """Word 2003 XML written in UTF-16 (a byte order mark; .NET code writing it through a StringWriter): every check
    looked for its namespace as ASCII bytes, so it ended as nothing (docs18 left it out)."""
    files, found = scanned
    wrong = {n: (hit_of(found, files[f"wordml16 {n}"]) or {}).get("reasons") for n in WORDML16_NAMES
             if (hit_of(found, files[f"wordml16 {n}"]) or {}).get("pii", {}).get("records") != PERSONS}
    assert not wrong, wrong


def test_word2003_xml_is_known_by_its_root_element() -> None:
    wordml = wordml_with_table(ROWS)
    assert document_kind(wordml) == "wordml"
    commented = wordml.replace(b"?>\n<w:", b'?>\n<!-- saved by Word --><!DOCTYPE w:wordDocument [<!ENTITY a "b">]>\n<w:', 1)
    assert document_kind(commented) == "wordml"
    assert document_kind(_export_xml()) is None
    xslt = (f'<?xml version="1.0"?><xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" '
            f'xmlns:w="{WORDML_NS}"><xsl:template match="/"><w:wordDocument/></xsl:template></xsl:stylesheet>').encode()
    assert document_kind(xslt) is None


def _poi(name: str) -> bytes:
    import gzip

    return gzip.decompress((ROOT / "tests" / "data" / "documents18" / f"poi__{name}.gz").read_bytes())


def _unlock_reason(data: bytes) -> tuple[str, str]:
    from scanner.decrypt import unlock_workbook
    from scanner.details import Detail
    from scanner.errors import ReadError

    with pytest.raises(ReadError) as e:
        unlock_workbook(data, (), Detail.PROTECTED_DOCUMENT)
    return e.value.reason, e.value.detail


def test_a_damaged_encryption_header_is_corrupt_not_an_unstarted_decryption() -> None:
    """docs18 called every EncryptionInfo stream olefile could read "intact" (``decrypt-not-started``: "its encryption
    header reads"): one zeroed or whose XML lost its key data was listed ``encrypted`` as if sound. Only a header of a
    known version whose agile XML holds its key data is; POI's bug53475-password-is-pass.docx still is one."""
    agile = _poi("protected_agile.docx")
    at = agile.find(b"<?xml")
    zeroed = agile[:at - 8] + bytes(308) + agile[at + 300:]
    no_key = agile.replace(b"<keyData ", b"<XXXData ", 1)
    assert no_key != agile
    for damaged in (zeroed, no_key):
        reason, detail = _unlock_reason(damaged)
        assert reason == "corrupt", detail
    reason, detail = _unlock_reason(_poi("bug53475-password-is-pass.docx"))
    assert reason == "encrypted" and "cannot start" in detail, detail
