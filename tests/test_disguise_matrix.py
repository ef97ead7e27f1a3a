"""Session 17 (disguise17): every content kind leakscan reads, holding one person table, renamed to every extension
family leakscan knows (tests/disguise_matrix_data.py) ends as the person file it is: its people read (the file's row
or a row inside it), or, for an encrypted workbook, listed ``encrypted`` saying it is a password-protected workbook.
None ends as nothing (no hit, no skip). Before: 195 of 756 cells ended as nothing (a CSV or .xlsx renamed .html/.xml,
an encrypted workbook renamed .docx, a titled list renamed .jpg, a database or a dump under a picture's name ...) and
63 were listed "not an archive" without saying what they were.

The files are built once, scanned once as one folder through the CLI, and each cell is asserted on its own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scanner.decrypt import protected_kind
from tests.conftest import ROOT
from tests.disguise_matrix_data import EXTENSIONS, PEOPLE, cell_name, contents
from tests.pii_data import xlsx_bytes

SEP = " » "
KINDS = ("csv-cp932", "csv-utf8", "csv-utf8-bom", "csv-utf16", "csv-titled", "csv-titled-utf8", "tsv-cp932",
         "tsv-utf16", "xlsx", "xlsx-encrypted", "xls", "xlsb", "ods", "spreadsheetml", "html-table", "sqlite", "json",
         "sql-dump", "dbf", "sylk", "eml", "mbox", "msg", "zip", "7z", "gzip", "pdf-attachment")
CELLS = [(kind, family, ext) for kind in KINDS for family, exts in EXTENSIONS.items() for ext in exts]


def _scan(folder: Path, out: Path, *more: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(ROOT / "scan.py"), "scan", str(folder), "--out", str(out),
                           "--workers", "2", "--quiet", *more], capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert "Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr[-2000:]
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    work = tmp_path_factory.mktemp("matrix")
    tree = work / "tree"
    tree.mkdir()
    made = contents(work)
    assert sorted(made) == sorted(KINDS)
    for kind, _family, ext in CELLS:
        (tree / cell_name(kind, ext)).write_bytes(made[kind])
    return tree, _scan(tree, work / "out")


def test_the_matrix_covers_every_family() -> None:
    assert set(EXTENSIONS) == {"spreadsheet", "text", "markup", "document", "presentation", "picture", "audio-video",
                               "archive", "executable", "none", "random"}
    assert len(CELLS) == len(KINDS) * sum(map(len, EXTENSIONS.values()))


@pytest.mark.parametrize(("kind", "family", "ext"), CELLS, ids=[f"{k}-as-{e or 'none'}" for k, _, e in CELLS])
def test_a_renamed_person_file_ends_as_one(matrix: tuple[Path, dict[str, Any]], kind: str, family: str,
                                          ext: str) -> None:
    tree, found = matrix
    path = str(tree / cell_name(kind, ext))
    hits = [h for h in found["files"] if h["path"] == path or h["path"].startswith(path + SEP)]
    skips = [s for s in found["skipped"] if s["path"] == path or s["path"].startswith(path + SEP)]
    records = sum((h.get("pii") or {}).get("records", 0) for h in hits)
    said = [(h["path"][len(str(tree)):], h["reasons"], h["status"]) for h in hits] + [
        (s["path"][len(str(tree)):], s["reason"], s["detail"]) for s in skips]
    if kind == "xlsx-encrypted":  # its people are behind the password: listed, saying what it is and what to do (the
        # encryption hides the kind: a document's or a presentation's name says so since docs18, any other name a
        # workbook or a neutral Office file)
        what = protected_kind(ext)
        assert any(s["path"] == path and s["reason"] == "encrypted" and what.value in json.dumps(s["detail_codes"])
                   for s in skips), said
        return
    assert records >= PEOPLE, said


def test_disguised_person_files_are_leads_saying_what_they_are(matrix: tuple[Path, dict[str, Any]]) -> None:
    """Under a picture's, a program's or a page's name the file's own row says what its content is."""
    tree, found = matrix
    rows = {h["path"]: h for h in found["files"]}
    for kind, family in (("csv-titled", ".jpg"), ("sqlite", ".mp4"), ("json", ".exe"), ("dbf", ".png"),
                         ("sylk", ".html"), ("xlsx", ".xml"), ("csv-cp932", ".htm")):
        hit = rows.get(str(tree / cell_name(kind, family)))
        assert hit is not None and "extension-mismatch" in hit["reasons"], (kind, family)
        assert any(r.startswith("extension-mismatch:") for r in hit["matched_rules"]), hit["matched_rules"]


def test_a_renamed_copy_of_the_named_file_is_grouped_by_its_hash(tmp_path: Path) -> None:
    """--name 顧客名簿.xlsx: the named file, a name-contains copy renamed 顧客名簿_2019.html and a copy renamed
    holiday.jpg (the same bytes) are one group of identical copies, each renamed one a copy by its SHA-256."""
    from tests.disguise_matrix_data import rows

    tree = tmp_path / "tree"
    tree.mkdir()
    book = xlsx_bytes({"名簿": rows()})
    for name in ("顧客名簿.xlsx", "顧客名簿_2019.html", "holiday.jpg", "backup.dat"):
        (tree / name).write_bytes(book)
    found = _scan(tree, tmp_path / "out", "--name", "顧客名簿.xlsx")
    rows_by_name = {h["path"].rsplit("/", 1)[-1]: h for h in found["files"]}
    assert set(rows_by_name) == {"顧客名簿.xlsx", "顧客名簿_2019.html", "holiday.jpg", "backup.dat"}, rows_by_name
    digest = rows_by_name["顧客名簿.xlsx"]["sha256"]
    for name in ("顧客名簿_2019.html", "holiday.jpg", "backup.dat"):
        hit = rows_by_name[name]
        assert hit["sha256"] == digest and "name-variant" in hit["reasons"], (name, hit["reasons"])
        assert any(r.startswith("name-variant:promoted-") for r in hit["matched_rules"]), (name, hit["matched_rules"])
    for name in ("顧客名簿_2019.html", "holiday.jpg"):
        assert "extension-mismatch" in rows_by_name[name]["reasons"], (name, rows_by_name[name]["reasons"])
    groups = [g for g in found["duplicate_groups"] if g["sha256"] == digest]
    assert groups and groups[0]["count"] == 4, found.get("duplicates")


def test_text_table_families_are_seen_in_the_head_their_first_character_allows() -> None:
    """SYLK, JSON records and SQL scripts (UTF-8, and an SSMS script in UTF-16) are families of the head; a web page
    and one settings object are none (their first character opens no such text, or one object is no records)."""
    from scanner.inspectors.disguise import check, family_of
    from tests.test_wild15 import mysqldump, sqlserver_script

    assert check("a.jpg", mysqldump().encode("utf-8")[:4096]).family == "sqldump"
    assert check("a.jpg", b"\xff\xfe" + sqlserver_script().encode("utf-16-le")[:4094]) is not None
    assert family_of(b'ID;PWXL;N;E\r\nC;Y1;X1;K"name"\r\n') == "sylk"
    assert family_of(b'[{"name": "a", "address": "b"}, {"name": "c", "address": "d"}]') == "json"
    assert family_of(b'{"name": "x", "address": "y"}') is None
    assert family_of(b"<html><head><title>price list</title></head><body>" * 3) is None
    assert family_of(b"") is None
