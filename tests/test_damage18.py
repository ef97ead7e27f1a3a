"""damage18: damaged and third-party inputs for the readers of session 17 (bench/damage_sweep.py ``--formats s17``)
and the damage leftovers of session 17: a generated file and its damaged copies, each failing before its fix.

People are Faker ja_JP with a fixed seed, or for a cp1252 table invented Latin name parts combined by a seeded
generator (tests/damage_data.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.dbase import dbf_sheets
from scanner.sheet import Caps
from tests.damage_data import dbf_of, latin_people
from tests.document_data import people_rows


def _first_column(data: bytes) -> list[str]:
    sheet = next(dbf_sheets(data, Caps()))
    return [str(r[0]) for r in list(sheet.rows)[1:]]


def test_a_cp1252_dbase_table_without_a_code_page_is_not_read_as_cp932() -> None:
    """A Latin table with no code page mark whose every value also decodes as cp932 ("Noémie Garçon" -> "No駑ie
    Gar輟n") was read as cp932 (review17g: 6 of 20 French tables): a kanji between Latin letters counts against a
    double-byte reading now. Seeds 7, 11, 17 failed on main."""
    for seed in (7, 11, 17):
        for n in (3, 5):
            rows = latin_people(n, seed)
            assert _first_column(dbf_of(rows, "cp1252")) == [r[0] for r in rows[1:]], (seed, n)


def test_a_cp932_dbase_table_with_latin_words_stays_cp932() -> None:
    """Japanese values beside Latin words (a building named in romaji, an e-mail) keep their code page."""
    rows = [["NAME", "KANA", "ADDRESS", "TEL"]]
    rows += [[r[0], r[1], f"{r[2]} Grandハイツ{i}号室 mail:taro{i}@example.jp", r[3]]
             for i, r in enumerate(people_rows(5, header=False))]
    got = _first_column(dbf_of(rows, "cp932", kinds="CCCC", widths=(30, 40, 120, 16)))
    assert got == [r[0] for r in rows[1:]]


ROWS = people_rows(30)


def _mixed(text_lines: list[str], first: str, then: str, at: int) -> bytes:
    return "".join(text_lines[:at]).encode(first) + "".join(text_lines[at:]).encode(then)


def test_a_csv_with_a_cp932_body_and_an_euc_jp_tail_is_read_line_by_line() -> None:
    """cp932 rows with EUC-JP rows appended (another program's export added to the file), rows short enough (a name
    and a phone: under 8 bytes past ASCII) that a line in the other encoding was mended, not switched: was decoded
    whole as gb18030 (charset-normalizer's pick once the line-by-line plan replaced too much): names as Chinese
    mojibake, said nowhere."""
    from scanner.tables import read_tables

    lines = [f"{r[0]},{r[3]}\r\n" for r in ROWS]
    book = read_tables(_mixed(lines, "cp932", "euc_jp", 10), Caps(), "text")
    rows = [list(r) for s in book.sheets for r in s.rows]
    assert [r[0] for r in rows[1:]] == [r[0] for r in ROWS[1:]]
    assert any("mixed encodings" in n for s in book.sheets for n in s.notes), [s.notes for s in book.sheets]


def test_short_cp932_lines_among_utf8_lines_keep_their_text() -> None:
    """A legacy mongo shell print (one value a line) whose tail was saved in cp932: a short line ("name" : "林 翼")
    has under 8 bytes past ASCII, all replaced in UTF-8; with the replacements dropped it looked like office text and
    was kept mended: the names read as U+FFFD, 'ok'. The line is cp932's now."""
    from scanner.jsontables import iter_json

    docs = [f'{{\n\t"_id" : ObjectId("{i:024d}"),\n\t"name" : "{r[0]}",\n\t"kana" : "{r[1]}",\n\t"tel" : "{r[3]}"\n}}\n'
            for i, r in enumerate(ROWS[1:])]
    lines = "".join(docs).splitlines(keepends=True)
    sheets = list(iter_json(_mixed(lines, "utf-8", "cp932", len(lines) // 2), Caps()))
    rows = [list(r) for s in sheets for r in s.rows]
    names = [r[rows[0].index("name")] for r in rows[1:]]
    assert names == [r[0] for r in ROWS[1:]]
    assert any("mixed encodings" in n for s in sheets for n in s.notes)


def _sqlite_bytes(rows: list[list[str]]) -> bytes:
    import sqlite3
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "crm.sqlite"
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE customers (name TEXT, kana TEXT, address TEXT, tel TEXT)")
        con.executemany("INSERT INTO customers VALUES (?, ?, ?, ?)", rows[1:])
        con.commit()
        con.close()
        return path.read_bytes()


def _flip(data: bytes, at: int, mask: int = 0x20) -> bytes:
    return data[:at] + bytes([data[at] ^ mask]) + data[at + 1:]


@pytest.fixture(scope="module")
def damaged_heads(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """One CLI scan of every damaged copy below (built once for the module)."""
    from tests.conftest import scan_findings
    from tests.document_data import docx_with_table, fodt_with_table, odt_with_table
    from tests.pii_data import xls_bytes, xlsx_bytes

    tree = tmp_path_factory.mktemp("heads")
    docx, odt, fodt = docx_with_table(ROWS), odt_with_table(ROWS), fodt_with_table(ROWS)
    files = {
        "cut8.docx": docx[:8], "cut100.docx": docx[:100], "cut64.odt": odt[:64],
        "cut-before-table.fodt": fodt[:fodt.index(b"<table:table ")],
        "flipped.docx": _flip(docx, 0), "写真.jpg": _flip(docx, 1, 0x01), "名簿.dat": _flip(xlsx_bytes({"名簿": ROWS}), 3, 4),
        "page.html": _flip(xls_bytes({"名簿": ROWS}), 0), "crm": _flip(_sqlite_bytes(ROWS), 2),
        "zeroed.docx": bytes(64) + docx[64:],
    }
    for name, data in files.items():
        (tree / name).write_bytes(data)
    return tree, scan_findings(tree, tmp_path_factory.mktemp("out"))


def test_a_document_cut_before_its_first_part_or_table_is_listed(damaged_heads: tuple[Path, dict[str, Any]]) -> None:
    """A .docx/.odt cut inside its first zip member (8-100 bytes: no part named, no member whole) and a flat .fodt
    cut before its first table ended as nothing (the archive inspector lists no member, the document reader saw no
    table): listed `corrupt` now."""
    tree, found = damaged_heads
    listed = {Path(s["path"]).name: s for s in found["skipped"]}
    for name in ("cut8.docx", "cut100.docx", "cut64.odt", "cut-before-table.fodt"):
        assert name in listed and listed[name]["reason"] == "corrupt", (name, sorted(listed))
    assert "document-part-cut" in json.dumps(listed["cut-before-table.fodt"])


def test_a_damaged_signature_is_restored_under_any_name(damaged_heads: tuple[Path, dict[str, Any]]) -> None:
    """A zip (a .docx, an .xlsx), an OLE2 .xls or an SQLite database with a byte of its signature changed ended as
    nothing under its own document name and renamed .jpg/.dat/.html/none (review17e: 364 of 960 damaged-head
    copies): read with the signature restored, all persons, listed `corrupt` with `head-restored`."""
    tree, found = damaged_heads
    hits = {Path(h["path"]).name: h for h in found["files"]}
    listed = {Path(s["path"]).name: s for s in found["skipped"]}
    for name in ("flipped.docx", "写真.jpg", "名簿.dat", "page.html", "crm"):
        assert name in hits and hits[name]["pii"]["records"] == len(ROWS) - 1, (name, hits.get(name))
        assert name in listed and listed[name]["reason"] == "corrupt", (name, listed.get(name))
        assert "head-restored" in json.dumps(listed[name]) or "signature-restored" in json.dumps(listed[name])


def test_a_document_whose_first_sector_is_zeroed_is_read_from_its_directory(
        damaged_heads: tuple[Path, dict[str, Any]]) -> None:
    """A .docx whose first 64 bytes are zero (its first member's local header lost, its central directory whole)
    ended as nothing under its own name: read from its directory, listed `corrupt` `head-zeroed`."""
    tree, found = damaged_heads
    hit = next(h for h in found["files"] if Path(h["path"]).name == "zeroed.docx")
    listed = next(s for s in found["skipped"] if Path(s["path"]).name == "zeroed.docx")
    assert hit["pii"]["records"] == len(ROWS) - 1 and listed["reason"] == "corrupt"
    assert "head-zeroed" in json.dumps(listed)


def test_a_sylk_file_with_an_euc_jp_tail_reads_each_line_in_its_encoding() -> None:
    """SYLK was decoded whole in the plan's first codec whatever the plan said: a cp932 file with rows appended in
    EUC-JP (plan: line by line) lost its cp932 cells to U+FFFD, 27 of 30 read, nothing said. Each line is decoded
    on its own now and the mixture said."""
    from scanner.sylk import iter_sylk
    from tests.test_wild16 import _sylk

    lines = _sylk(ROWS).decode("cp932").splitlines(keepends=True)
    data = _mixed(lines, "cp932", "euc_jp", len(lines) * 2 // 3)
    (sheet,) = iter_sylk(data, Caps())
    rows = [list(r) for r in sheet.rows]
    assert rows == [list(r) for r in ROWS]
    assert any("mixed encodings" in n for n in sheet.notes), sheet.notes
