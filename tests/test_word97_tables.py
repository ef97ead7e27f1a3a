"""Tables of Word 97-2003 documents (scanner.word97 + scanner.doctables, session 18): a 名簿 kept as a table in a .doc
is read through the piece table and the paragraph properties and counted like a .docx table; before, such a .doc was
listed ``unsupported`` ``word97-tables-unread`` (its persons not counted). A password-protected .doc or .ppt is listed
``encrypted`` (each ended as nothing); damaged copies are listed, never a crash."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

from conftest import hit_of, skip_of

from scanner.doctables import document_sheets
from scanner.errors import ReadError
from scanner.sheet import Caps
from scanner.tables import read_tables, sniff_delimiter
from tests.document_data import doc_bytes, doc_paragraphs, doc_with_table, people_rows
from tests.test_doctables import ROWS, THIRD_PARTY, _scan

ITEMS = [["品名", "数量", "単価"], ["コピー用紙", "10", "500"], ["トナー", "2", "8000"], ["封筒", "100", "5"]]


def _rows(data: bytes) -> list[tuple[str, list[list[object]], list[str]]]:
    return [(s.name, [list(r) for r in s.rows], s.damage) for s in read_tables(data, Caps(), "doc").sheets]


def test_a_person_table_in_a_doc_is_counted_under_any_name(tmp_path: Path) -> None:
    """Written as Word lays it out (Unicode text, one PAPX a paragraph), fast-saved (pieces out of order), under .dot
    and renamed .docx/.jpg/.xls/.dat: 30 persons each; an item table and POI's simple-table.doc: read, nothing;
    a password-protected .doc (generated and POI's) and POI's password-protected .ppt: ``encrypted``."""
    tree = tmp_path / "tree"
    tree.mkdir()
    doc = doc_with_table(ROWS)
    files = {f"名簿{i}.{ext}": doc + bytes([i]) for i, ext in enumerate(("doc", "dot", "docx", "jpg", "xls", "dat"))}
    files["fast.doc"] = doc_with_table(ROWS, fast_saved=True)
    files["items.doc"] = doc_with_table(ITEMS)
    files["locked.doc"] = doc_with_table(ROWS, encrypted=True)
    files["simple-table.doc"] = gzip.decompress((THIRD_PARTY / "poi__simple-table.doc.gz").read_bytes())
    files["PasswordProtected.doc"] = gzip.decompress((THIRD_PARTY / "poi__PasswordProtected.doc.gz").read_bytes())
    files["Password_Protected-hello.ppt"] = gzip.decompress((THIRD_PARTY / "poi__Password_Protected-hello.ppt.gz").read_bytes())
    for name, data in files.items():
        (tree / name).write_bytes(data)
    found = _scan(tree, tmp_path / "out")
    for name in [n for n in files if n.startswith("名簿")] + ["fast.doc"]:
        hit = hit_of(found, tree / name)
        assert hit is not None and hit["pii"]["records"] == len(ROWS) - 1, (name, hit, found["skipped"])
        assert skip_of(found, tree / name) is None
    for name in ("items.doc", "simple-table.doc"):
        assert hit_of(found, tree / name) is None and skip_of(found, tree / name) is None, name
    for name in ("locked.doc", "PasswordProtected.doc", "Password_Protected-hello.ppt"):  # (the .ppt: nothing before)
        skip = skip_of(found, tree / name)
        assert skip is not None and skip["reason"] == "encrypted" and "97-2003" in json.dumps(skip), skip


def test_cells_paragraphs_fields_nesting_and_merges_are_read() -> None:
    """A cell of two paragraphs is one value on two lines; a field's code is dropped, its result kept; a table nested
    in a cell is a sheet of its own (the outer cell keeps its own text); a cell merged down gives its text below;
    8-bit (cp1252) pieces read as Unicode ones."""
    paras = doc_paragraphs([["a", "b"], ["c\nd", "\x13 HYPERLINK x \x14e\x15"], ["f", "g"]],
                           nested=[["x", "y"], ["z", "w"]])
    sheets = _rows(doc_bytes(paras))
    assert sheets == [("table 2", [["x", "y"], ["z", "w"]], []),
                      ("table 1", [["a", "b"], ["c\nd", "e"], ["f", "g"]], [])]
    merged = doc_paragraphs([["A", "B"]], title="T", end="E")[:-1]
    merged[-1] = (*merged[-1][:3], (1, 0))  # the first row's first cell starts a merge down
    merged += [("\x07", "cell", 1, ()), ("c\x07", "cell", 1, ()), ("\x07", "row", 1, (2, 0)), ("E\r", "para", 0, ())]
    assert _rows(doc_bytes(merged, compressed=True)) == [("table 1", [["A", "B"], ["A", "c"]], [])]


def test_a_cell_mark_lost_to_damage_is_said() -> None:
    """A cell mark changed into a letter (one byte of the text): the row has fewer cells than its table definition
    (sprmTDefTable) says; the table is read and the row said (``word97-row-cells``), never a clean shifted row."""
    doc = doc_with_table(people_rows(5))
    text = "東京都".encode("utf-16-le")
    at = doc.find(b"\x07\x00", doc.find(text))  # the cell mark after the first address
    sheets = _rows(doc[:at] + b"x\x00" + doc[at + 2:])
    assert [len(rows) for _, rows, _ in sheets if rows] == [6]
    assert any("word97-row-cells" in json.dumps(d) or "table definition" in " ".join(d) for _, _, d in sheets), sheets
    assert all(not d for _, _, d in _rows(doc)), "the whole copy is clean"


def test_a_name_outside_the_basic_plane_keeps_its_rows() -> None:
    """A name written with a character outside the Basic Multilingual Plane (𠮷田: two UTF-16 code units, one
    character position each in Word's count): the cell and row marks after it keep their properties (review18h: every
    mark after it was looked up two bytes early, the row end taken for a cell: rows joined, said shifted)."""
    rows = people_rows(5)
    rows[1][0] = "𠮷田 太郎"
    rows[3][2] = "東京都𩸽市1番2号"
    sheets = _rows(doc_with_table(rows))
    assert sheets == [("table 1", rows, [])], sheets


def test_a_property_page_with_an_impossible_run_count_loses_its_runs_only() -> None:
    """A paragraph FKP whose run count (its last byte) is damaged to more runs than a page can hold (at most 29):
    that page is said unreadable and the other pages' rows are read (review18h: an IndexError ended the whole file as
    "reader failed", its persons lost)."""
    import io

    import olefile

    doc = doc_with_table(people_rows(30))
    with olefile.OleFileIO(io.BytesIO(doc)) as ole:
        word = ole.openstream("WordDocument").read()
    last = doc.find(word[-512:]) + 511  # the last paragraph page's run count
    for crun in (30, 60, 101):
        sheets = _rows(doc[:last] + bytes([crun]) + doc[last + 1:])
        assert sum(len(rows) for _, rows, _ in sheets) >= 20, (crun, sheets)
        assert any("property pages unreadable" in " ".join(d) for _, _, d in sheets), sheets


def test_a_row_whose_end_mark_reads_as_a_cell_is_kept_and_said() -> None:
    """The last row's end mark with a cell's properties (its sprmPFTtp lost): the table closes at the next paragraph
    with that row's cells pending; they are a row, said (review18h: dropped silently, one person fewer and no word)."""
    rows = people_rows(4)
    paras = doc_paragraphs(rows)
    paras[-2] = ("\x07", "cell", 1, ())  # the last row end, as a cell end
    sheets = _rows(doc_bytes(paras))
    assert [r[:4] for _, got, _ in sheets for r in got] == rows, sheets
    assert any("word97-row-cells" in json.dumps(d) or "table definition" in " ".join(d) for _, _, d in sheets), sheets


def test_a_damaged_file_information_block_is_said() -> None:
    """One FIB value damaged: a story length negative or shortened, the Word 97 layout counts (csw, cbRgFcLcb) of a
    Word 97 file (nFib 0xC1), the piece table's end cut, a Unicode piece at an odd offset: all rows read or the
    damage said (review18h: each read as a file without tables, or fewer rows, with nothing said)."""
    import io

    import olefile

    rows = people_rows(12)
    doc = doc_with_table(rows)
    with olefile.OleFileIO(io.BytesIO(doc)) as ole:
        word, table = ole.openstream("WordDocument").read(), ole.openstream("1Table").read()
    fib, clx = doc.find(word[:0x400]), doc.find(table[:16])

    def changed(at: int, value: int) -> bytes:
        return doc[:at] + bytes([value]) + doc[at + 1:]

    copies = {"ccpText negative": changed(fib + 0x4F, 0x80), "ccpText short": changed(fib + 0x4D, 0),
              "csw": changed(fib + 0x20, 0), "cslw": changed(fib + 0x3E, 0), "cbRgFcLcb": changed(fib + 0x98, 1),
              "piece table end cut": changed(clx + 10, 0), "odd piece offset": changed(clx + 15, 1)}
    for what, data in copies.items():
        try:
            sheets = _rows(data)
        except ReadError:
            continue  # listed
        read = [r for _, got, _ in sheets for r in got]
        assert read == rows or any(d and "(?)" not in " ".join(d) for _, _, d in sheets), (what, sheets)
        if what.startswith("ccpText"):
            assert [r for r in rows if r not in read] == [], what  # the pieces' text is all read


def test_deep_nesting_that_holds_no_rows_makes_no_sheets() -> None:
    """Paragraphs that jump between depth 64 and the body (a hostile or damaged file): the tables opened on the way
    hold no row and make no sheet (review18h: 64 empty sheets a paragraph; a 133 KB file gave 128,001 sheets in 16 s,
    a 1.3 MB one ran past its time limit)."""
    sheets = _rows(doc_bytes([("x\r", "para", 64, ()), ("y\r", "para", 0, ())] * 100))
    assert 0 < len(sheets) <= 101, len(sheets)
    assert all(rows or damage for _, rows, damage in sheets)


def test_a_word_document_whose_stream_name_is_damaged_is_said() -> None:
    """The WordDocument stream's directory name damaged (one letter): the table stream (1Table) is still there, so
    the file is a damaged Word document, listed corrupt (review18h: read as no Word document, nothing said; under a
    name that says no person list, nothing at all)."""
    doc = doc_with_table(people_rows(3))
    at = doc.find("WordDocument".encode("utf-16-le"))
    for damaged in (doc[:at + 2] + b"X" + doc[at + 3:], doc[:at] + b"0" + doc[at + 1:]):
        try:
            sheets = _rows(damaged)
        except ReadError as e:
            assert e.reason == "corrupt" and "WordDocument" in e.detail, e.detail
        else:
            raise AssertionError(f"a Word document without its WordDocument name gave {sheets}")


def test_a_field_begin_without_its_end_does_not_hide_the_rest() -> None:
    """One character of a cell damaged into a field begin (0x13) with no separator or end: the field's code is dropped
    only to the cell's end, the damage said (review18h: every character after it was taken as field code, 8 of 10
    persons' cells empty, nothing said)."""
    rows = people_rows(10)
    doc = doc_with_table(rows)
    at = doc.find(rows[2][1].encode("utf-16-le"))
    sheets = _rows(doc[:at] + b"\x13\x00" + doc[at + 2:])
    read = [r for _, got, _ in sheets for r in got]
    assert read[3:] == rows[3:] and read[2][2:] == rows[2][2:], read
    assert any("field" in " ".join(d) for _, _, d in sheets), sheets


def test_third_party_docs_give_their_tables(tmp_path: Path) -> None:
    """Apache POI's Word 97 files: simple-table.doc is its 2 x 3 table; simple.doc holds none."""
    table = gzip.decompress((THIRD_PARTY / "poi__simple-table.doc.gz").read_bytes())
    assert _rows(table) == [("table 1", [["Cell 1,1", "Cell 1,2", "Cell 1,3"], ["Cell 2,1", "Cell 2,2", "Cell 2,3"]], [])]
    assert _rows(gzip.decompress((THIRD_PARTY / "poi__simple.doc.gz").read_bytes())) == []


def test_damaged_docs_are_listed_or_read_never_a_crash() -> None:
    """Cut anywhere, or bytes changed past the OLE header: a ReadError (listed) or sheets; a copy giving all its rows
    without damage is one whose change did not touch them; never an exception of another kind, never nothing at all
    from a copy that still names its WordDocument stream."""
    doc = doc_with_table(people_rows(12))
    rnd = random.Random(18)
    copies = [doc[:len(doc) * k // 24] for k in range(1, 24)]
    for _ in range(120):
        b = bytearray(doc)
        for _ in range(rnd.choice((1, 8))):
            b[rnd.randrange(512, len(b))] = rnd.randrange(256)
        copies.append(bytes(b))
    outcomes = {"error": 0, "read": 0}
    for data in copies:
        try:
            sheets = list(document_sheets(data, "doc", Caps(timeout=20), sniff_delimiter))
        except ReadError as e:
            assert not e.detail.startswith("doc:"), e.detail  # an exception the reader did not expect (review18h)
            outcomes["error"] += 1
            continue
        outcomes["read"] += 1
        # all 13 rows, or the damage said (review18h: the test took any sheet, or none at all, as a pass)
        assert sum(len(s.rows) for s in sheets) == 13 or any(s.damage for s in sheets), sheets  # type: ignore[arg-type]
    assert outcomes["error"] >= 10 and outcomes["read"] >= 10, outcomes


def test_a_word_document_inside_a_storage_is_not_the_files_own() -> None:
    """An Outlook message holding an attached Word document (its WordDocument stream in an attachment's storage) is no
    Word document itself: not read as one, not called damaged (the mail reader's); a directory naming WordDocument
    that its tree does not reach is damage."""
    import io

    import olefile

    from scanner.word97 import holds_word97, open_word97
    from tests.test_caches import ole_file

    doc = doc_with_table(people_rows(3))
    with olefile.OleFileIO(io.BytesIO(doc)) as ole:
        word = ole.openstream("WordDocument").read()
    message = ole_file({"__properties_version1.0": b"x" * 64, "__attach_version1.0_#00000000/WordDocument": word})
    assert holds_word97(doc) and not holds_word97(message) and open_word97(message) is None
    by_value = ole_file({"__properties_version1.0": b"x" * 64, "__attach_version1.0_#00000000/__substg1.0_37010102": doc})
    # the Word document attached by value (its bytes, directory and all, in one stream): no directory entry of this
    # file is named WordDocument (review18h: such a message renamed .xls/.dat/.jpg was listed corrupt)
    assert not holds_word97(by_value) and open_word97(by_value) is None
    cut_tree = bytearray(doc)
    root = cut_tree.find("Root Entry".encode("utf-16-le"))
    cut_tree[root + 0x4C:root + 0x50] = b"\xff\xff\xff\xff"  # the root's child link lost
    assert holds_word97(bytes(cut_tree))
    try:
        open_word97(bytes(cut_tree))
    except ReadError as e:
        assert "word97-pieces-damaged" in json.dumps(e.detail) or "not found" in e.detail
    else:
        raise AssertionError("a Word document whose directory lost its stream read as no Word document")
