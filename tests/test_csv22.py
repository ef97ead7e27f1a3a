"""csv22: damaged text tables that lost a person and still said `ok` (damage21's leftovers). A flipped delimiter byte
makes a row one field short (or long), its columns shifted: the person was not counted and nothing said. Each test
failed before its fix.

People are Faker ja_JP with a fixed seed (tests/document_data.py); nothing here is real.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import ScanCases, own_lines
from tests.document_data import people_rows
from tests.pii_data import csv_bytes

N = 12
cases = ScanCases("csv22")
scanned = cases.fixture()


def _in_row(data: bytes, row: int, old: bytes, new: bytes) -> bytes:
    """``data`` with the first ``old`` of line ``row`` (0-based) replaced by ``new``."""
    lines = data.split(b"\n")
    at = lines[row].index(old)
    lines[row] = lines[row][:at] + new + lines[row][at + len(old):]
    return b"\n".join(lines)


def _quoted(rows: list[list[str]]) -> bytes:
    return b"".join(b",".join(b'"' + v.encode("utf-8") + b'"' for v in r) + b"\r\n" for r in rows)


@cases.case
def _delimiter_flipped() -> dict[str, bytes]:
    rows = people_rows(N, seed=2201)
    sjis = csv_bytes(rows, "cp932")
    quoted = _quoted(rows)
    at = quoted.index(b'",', quoted.index(rows[3][0].encode()))
    return {"flip_dot.csv": _in_row(sjis, 5, b",", b"."),
            "flip_semicolon.csv": _in_row(sjis, 5, b",", b";"),
            "flip_tab.tsv": _in_row(csv_bytes(rows, "cp932", "\t"), 5, b"\t", b"\x08"),
            "flip_pipe.txt": _in_row(csv_bytes(rows, "utf-8", "|"), 7, b"|", b"~"),
            "flip_long.csv": _in_row(sjis, 6, "都".encode("cp932"), b","),
            "flip_quote.csv": quoted[:at] + b"'" + quoted[at + 1:]}


def test_a_row_a_field_short_or_long_is_said_or_its_person_counted(scanned: dict[str, Any]) -> None:
    """A delimiter byte flipped in one row (``,`` -> ``.``/``;``, a tab or bar likewise, a byte of an address flipped
    into ``,``, a closing quote lost) shifts that row's columns: 11 of 12 persons and `ok`. Now every such file either
    still counts all 12 or is listed `corrupt` with `rows-malformed` (the rows counted)."""
    lines = own_lines(scanned, "delimiter_flipped")
    hits = {Path(h["path"]).name: h for h in lines["files"]}
    listed = {Path(s["path"]).name: s for s in lines["skipped"]}
    for name in scanned["books"]["delimiter_flipped"]:
        records = hits[name]["pii"]["records"]
        if records == N:
            continue
        assert records == N - 1, (name, records)
        assert hits[name]["status"] == "corrupt", (name, hits[name]["status"])
        said = [c.get("code") for c in listed[name]["detail_codes"]]
        assert "rows-malformed" in said, (name, said)
        assert {"code": "rows-malformed", "n": 1}.items() <= next(
            c for c in listed[name]["detail_codes"] if c.get("code") == "rows-malformed").items()


@cases.case
def _trailing_fields_left_out() -> dict[str, bytes]:
    rows = [[*r, "備考"] if i == 0 else [*r, "要連絡"] if i % 3 == 0 else r
            for i, r in enumerate(people_rows(N, seed=2202))]
    return {"ragged_ok.csv": csv_bytes(rows, "cp932")}


def test_rows_that_leave_out_empty_trailing_fields_stay_ok(scanned: dict[str, Any]) -> None:
    """A real export that leaves out a row's empty last fields (備考 only on some rows): every person is read, the
    file stays `ok` (the short rows are no damage)."""
    lines = own_lines(scanned, "trailing_fields_left_out")
    assert [(h["status"], h["pii"]["records"]) for h in lines["files"]] == [("ok", N)]
    assert lines["skipped"] == []


@cases.case
def _dbase_values_undecoded() -> dict[str, bytes]:
    import re

    from tests.test_review16e_dbase import N as DBF_N
    from tests.test_review16e_dbase import _table_in

    books = {}
    for name, page, byte in (("undecoded_named.dbf", 0x13, 0x85), ("undecoded_guessed.dbf", 0, 0x85),
                             ("undecoded_silent.dbf", 0x13, 0xFD)):
        data = bytearray(_table_in("cp932", page))
        header_len = int.from_bytes(data[8:10], "little")
        at = re.compile(rb"[\x88-\x9f][\x40-\xfc]").search(data, header_len + (len(data) - header_len) // 2)
        assert at is not None
        data[at.start()] = byte  # a kanji's first byte -> no Shift_JIS character starts with it
        books[name] = bytes(data)
    assert DBF_N >= 10
    return books


def test_a_dbase_value_that_no_longer_decodes_is_said_and_its_record_counted(scanned: dict[str, Any]) -> None:
    """A byte flipped inside a cp932 dBase value (code page named or guessed): the table was `ok` with a "decoding:
    partial" note (0x85), or said nothing at all (0xFD, which Python's cp932 maps to a private-use character). As
    for text, XML and SYLK since damage21: `corrupt` with `values-undecoded`, every record still counted."""
    from tests.test_review16e_dbase import N as DBF_N

    lines = own_lines(scanned, "dbase_values_undecoded")
    hits = {Path(h["path"]).name: h for h in lines["files"]}
    listed = {Path(s["path"]).name: s for s in lines["skipped"]}
    for name in scanned["books"]["dbase_values_undecoded"]:
        assert hits[name]["pii"]["records"] >= DBF_N - 1, (name, hits[name]["pii"])
        assert hits[name]["status"] == "corrupt", (name, hits[name]["status"])
        assert "values-undecoded" in [c.get("code") for c in listed[name]["detail_codes"]], listed[name]


def _sylk_said(data: bytes) -> list[str]:
    from scanner.details import codes_of
    from scanner.sheet import Caps
    from scanner.sylk import iter_sylk

    return [c["code"] for sheet in iter_sylk(data, Caps()) for d in sheet.damage for c in codes_of(d)]


def test_a_sylk_cell_moved_by_a_flipped_coordinate_letter_is_said() -> None:
    """``C;Y6;X1;K"..."`` -> ``C;Y6;Y1;K"..."`` (X flipped to Y: the name written over the header's 氏名) and
    ``C;X3;K"..."`` -> ``C;Y3;K"..."`` (the address moved to row 3, over another person's): a cell moved, a person
    lost, nothing said (damage21's leftover). Now `sylk-records-damaged`: a record naming its row or column twice, a
    cell written where a value already stands."""
    from tests.test_wild16 import _sylk

    data = _sylk(people_rows(N, seed=2203))
    assert _sylk_said(data) == []
    at = data.index(b"C;Y6;X1;") + 5
    assert _sylk_said(data[:at] + b"Y" + data[at + 1:]) == ["sylk-records-damaged"]
    at = data.index(b"\r\nC;X3;", data.index(b"C;Y8;")) + 4
    assert _sylk_said(data[:at] + b"Y" + data[at + 1:]) == ["sylk-records-damaged"]


@cases.case
def _stata_tail_zeroed() -> dict[str, bytes]:
    from tests.test_wild20 import old_dta

    data = old_dta(people_rows(N, seed=2204), 104)
    middle = len(data) - 700  # inside the records (12 of ~100 bytes), the last ones kept
    return {"stata_zeroed_tail.dta": data[:-400] + bytes(400), "stata_whole.dta": data,
            "stata_zeroed_middle.dta": data[:middle] + bytes(520) + data[middle + 520:]}


def test_an_old_stata_file_whose_tail_is_zeroed_is_listed(scanned: dict[str, Any]) -> None:
    """A Stata 104 file whose last 400 bytes are zeroed (a block lost on disk): ReadStat reads the zeroed records as
    empty rows and the file was `ok` with 9 of 12 persons. Now `corrupt` (`stats-rows-zeroed`, the rows counted), the
    persons before the block still counted; the whole file stays `ok`."""
    lines = own_lines(scanned, "stata_tail_zeroed")
    hits = {Path(h["path"]).name: h for h in lines["files"]}
    listed = {Path(s["path"]).name: s for s in lines["skipped"]}
    assert (hits["stata_whole.dta"]["status"], hits["stata_whole.dta"]["pii"]["records"]) == ("ok", N)
    for name in ("stata_zeroed_tail.dta", "stata_zeroed_middle.dta"):  # (a block zeroed inside: the sweep's 119)
        assert 0 < hits[name]["pii"]["records"] < N
        assert hits[name]["status"] == "corrupt", name
        said = [c.get("code") for c in listed[name]["detail_codes"]]
        assert "stats-rows-zeroed" in said, (name, said)


@cases.case
def _mac_japanese() -> dict[str, bytes]:
    rows = [[*r, "備考"] if i == 0 else [*r, "Macintosh\xa9 Works\u2122 \u2026" if i % 4 == 1 else ""]
            for i, r in enumerate(people_rows(N, seed=2205))]
    text = csv_bytes(rows, "utf-8", newline="\r").decode()
    mac = text.replace("\xa9", "\x01").replace("\u2122", "\x02").replace("\u2026", "\x03").encode("cp932")
    for mark, byte in ((b"\x01", b"\xfd"), (b"\x02", b"\xfe"), (b"\x03", b"\xff")):  # MacJapanese: (c), (tm), ...
        mac = mac.replace(mark, byte)
    assert mac.count(b"\xfd") == 3
    return {"mac_sjis.csv": mac}


def test_old_mac_shift_jis_symbols_are_read_not_said_damaged(scanned: dict[str, Any]) -> None:
    """Classic Mac OS text (CR line ends) in MacJapanese, Shift_JIS with (c) (tm) ... at 0xFD-0xFF: since damage21
    those bytes were `values-undecoded` (corrupt), as a flipped byte is. They are MacJapanese's symbols: read as such
    (a note says so), every person counted, the file `ok`."""
    lines = own_lines(scanned, "mac_japanese")
    assert [(h["status"], h["pii"]["records"]) for h in lines["files"]] == [("ok", N)], lines
    assert lines["skipped"] == []
    assert any("MacJapanese" in r for r in lines["files"][0]["pii"].get("reading", [])), lines["files"][0]["pii"]


def _euc_jp_ms(rows: list[list[str]]) -> bytes:
    """``rows`` as CSV in EUC-JP-MS, written by glibc's iconv (the vendor characters as MySQL eucjpms and PHP
    eucJP-win write them: ① ㈱ at AD xx, 髙 﨑 ⅰ at 8F F3-F4 xx)."""
    import shutil
    import subprocess

    import pytest

    if shutil.which("iconv") is None:
        pytest.skip("iconv (glibc) writes the EUC-JP-MS test file")
    text = csv_bytes(rows, "utf-8")
    return subprocess.run(["iconv", "-f", "UTF-8", "-t", "EUC-JP-MS"], input=text, capture_output=True,
                          check=True).stdout


def _vendor_rows() -> list[list[str]]:
    rows = people_rows(N, seed=2206)
    vendor = ["髙橋", "山﨑", "①", "㈱", "ⅲ", "№", "黑"]
    for i, r in enumerate(rows[1:], 1):
        r[0] = vendor[i % 2] + r[0][1:]
        r[2] = r[2] + vendor[2 + i % 5]
    return rows


def test_euc_jp_ms_vendor_characters_read_as_written() -> None:
    """EUC-JP-MS (iconv, MySQL eucjpms, PHP eucJP-win) vendor characters: Python's euc_jp has none, so 髙橋 read as
    "\\ufffd橋" and ① as U+FFFD (review21d kept them from being counted as damage, but the names stayed garbled:
    two 髙橋 and 高橋 persons told apart by a U+FFFD). Each now reads as the character written."""
    from scanner.sheet import Caps
    from scanner.tables import read_tables

    rows = _vendor_rows()
    book = read_tables(_euc_jp_ms(rows), Caps())
    assert [list(map(str, r)) for r in book.sheets[0].rows] == rows


@cases.case
def _euc_jp_ms_vendor() -> dict[str, bytes]:
    return {"eucjpms.csv": _euc_jp_ms(_vendor_rows())}


def test_an_euc_jp_ms_export_with_vendor_characters_is_read_whole(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "euc_jp_ms_vendor")
    assert [(h["status"], h["pii"]["records"]) for h in lines["files"]] == [("ok", N)], lines
    assert "decoding" not in lines["files"][0]["pii"], lines["files"][0]["pii"]


def _fixed_width(rows: list[list[str]]) -> bytes:
    """``rows`` as a fixed-width text (固定長, Excel's .prn): each column padded to its widest value in display width."""
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "FWA" else 1 for c in s)

    widths = [max(width(r[i]) for r in rows) + 2 for i in range(len(rows[0]))]
    lines = ["".join(v + " " * (w - width(v)) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\r\n".join(lines).encode("cp932") + b"\r\n"


@cases.case
def _fixed_width_shifted() -> dict[str, bytes]:
    data = _fixed_width(people_rows(N, seed=2207))
    lines = data.split(b"\r\n")
    at = lines[5].index(b"  ")
    lines[5] = lines[5][:at] + lines[5][at + 3:]  # 3 bytes of one row lost: its later columns 3 to the left
    return {"fixed_whole.prn": data, "fixed_shifted.prn": b"\r\n".join(lines)}


def test_a_fixed_width_row_shifted_loses_at_most_its_person_and_says_so(scanned: dict[str, Any]) -> None:
    """A fixed-width text one of whose rows lost 3 bytes: no column boundary was blank on every line any more, so
    the text was no table and none of its 12 persons was read. Now the boundaries blank on nearly every line are
    kept, every person read, and the shifted row said (`rows-malformed`: its values are cut at the wrong places)."""
    lines = own_lines(scanned, "fixed_width_shifted")
    hits = {Path(h["path"]).name: h for h in lines["files"]}
    listed = {Path(s["path"]).name: s for s in lines["skipped"]}
    assert (hits["fixed_whole.prn"]["status"], hits["fixed_whole.prn"]["pii"]["records"]) == ("ok", N)
    assert hits.get("fixed_shifted.prn", {}).get("pii", {}).get("records", 0) >= N - 1, (hits, listed)
    assert hits["fixed_shifted.prn"]["status"] == "corrupt"
    said = [c.get("code") for c in listed["fixed_shifted.prn"]["detail_codes"]]
    assert "rows-malformed" in said, said


_COMPANIES = [["株式会社山田商事", "カブシキガイシャヤマダショウジ", "東京都港区芝5-1-1", "03-1234-5678"],
              ["有限会社テスト", "ユウゲンガイシャテスト", "大阪府大阪市北区梅田1-1-1", "06-1234-5678"]]


@cases.case
def _ragged_exports_well_formed() -> dict[str, bytes]:
    """Real exports whose rows are of other field counts than the first row of three or more, every person readable
    (review22v): a title line of 3 fields above the header and a 合計 line; a 5-field 合計 line with empty fields;
    every row ending in a comma (one field more than the header) with company rows; a 備考 column left out where empty
    (companies without one); a note column the header lacks on some rows (companies with one)."""
    rows = people_rows(N, seed=2209)
    head, people = rows[0], rows[1:]
    return {
        "rag_title_total.csv": csv_bytes([["会員名簿", "", "2024年4月1日現在"], head, *people, ["合計", "12名", "", ""]],
                                         "cp932"),
        "rag_total_five.csv": csv_bytes([head, *people, ["合計", "", "", "12", "件"]], "cp932"),
        "rag_trailing_comma.csv": csv_bytes([[*head], *([*r, ""] for r in people + _COMPANIES)], "cp932"),
        "rag_notes_dropped.csv": csv_bytes([[*head, "備考"], *([*r, "要連絡"] if i % 3 == 0 else r
                                                                for i, r in enumerate(people)), *_COMPANIES], "cp932"),
        "rag_notes_extra.csv": csv_bytes([head, *([*r, "要連絡"] if i % 3 == 0 else r for i, r in enumerate(people)),
                                          *([*c, "法人"] for c in _COMPANIES)], "cp932")}


def test_ragged_exports_with_every_person_read_are_not_said_malformed(scanned: dict[str, Any]) -> None:
    """A row of another field count than the first wide row that gave no person is no damage when the table's own
    shape explains it (a title line, a 合計 line with empty fields, company rows of a shape persons' rows also have):
    every person read, `ok` (csv22 listed these `corrupt` with `rows-malformed`; main said `ok`)."""
    lines = own_lines(scanned, "ragged_exports_well_formed")
    got = {Path(h["path"]).name: (h["status"], h["pii"]["records"]) for h in lines["files"]}
    assert got == {name: ("ok", N) for name in scanned["books"]["ragged_exports_well_formed"]}, got
    assert lines["skipped"] == []


def test_euc_jp_ms_ibm_extensions_decode_as_iconv_does() -> None:
    """EUC-JP-MS 8F F3F3-8F F4FE (IBM extensions) read as glibc's ``iconv -f EUC-JP-MS`` reads them, every one: 22 of
    the table's 106 are CJK compatibility ideographs (塚 U+FA10, 神 U+FA19, 福 U+FA1B ...) that csv22's table held
    NFC-normalised (U+585A, U+795E ...): a value read otherwise than written, and otherwise than cp932 reads the same
    character (review22v). Python's own euc_jp decodes the same as before wherever it decodes at all."""
    import shutil
    import subprocess

    import pytest

    from scanner.textdecode import EUC_JP_MS

    if shutil.which("iconv") is None:
        pytest.skip("iconv (glibc) gives the reference decoding")
    seqs = [bytes([0x8F, 0xF3, b]) for b in range(0xF3, 0xFF)] + [bytes([0x8F, 0xF4, b]) for b in range(0xA1, 0xFF)]
    want = subprocess.run(["iconv", "-f", "EUC-JP-MS", "-t", "UTF-8"], input=b"\n".join(seqs), capture_output=True,
                          check=True).stdout.decode("utf-8").split("\n")
    got = [s.decode(EUC_JP_MS) for s in seqs]
    assert [(s.hex(), f"{ord(g):04X}", f"{ord(w):04X}") for s, g, w in zip(seqs, got, want, strict=True) if g != w] == []
    for seq in (bytes([a, b]) for a in range(0xA1, 0xFF) for b in range(0xA1, 0xFF)):
        try:
            expected = seq.decode("euc_jp")
        except UnicodeDecodeError:
            continue
        assert seq.decode(EUC_JP_MS) == expected, seq


def test_a_stata_file_with_a_row_of_missing_values_is_not_said_zeroed(tmp_path: Path) -> None:
    """A real Stata file (pandas' ``to_stata``, formats 114/117) whose last observation is all missing (NaN numbers,
    empty strings), as pandas' own stata2_114.dta and stata9_115.dta: their headers hold 512 NULs (empty labels), so
    every such file was `stats-rows-zeroed` (corrupt). A zeroed record reads as numbers 0, not missing (review22v)."""
    import pandas as pd

    from scanner.details import codes_of
    from scanner.sheet import Caps
    from scanner.statsdata import iter_stats

    people = [["Yamada Taro", "Tokyo Minato 5-1-1", 1980.0, 3.0], ["Sato Hanako", "Osaka Kita 1-2-3", 1975.0, 1.0],
              ["", "", float("nan"), float("nan")]]
    frame = pd.DataFrame(people, columns=["name", "address", "born", "visits"])
    for i in range(6):  # more variables with empty labels: a header of NUL runs (81 bytes a label in format 114)
        frame[f"score{i}"] = frame["visits"] * i
    for version in (114, 117):
        path = tmp_path / f"missing{version}.dta"
        frame.to_stata(path, write_index=False, version=version)
        data = path.read_bytes()
        assert bytes(512) in data, version
        sheet = iter_stats(data, "dta", Caps())
        rows = list(sheet.rows)
        assert len(rows) == 4 and rows[3][2:] == [""] * 8, rows
        assert [c["code"] for d in sheet.damage for c in codes_of(d)] == [], (version, sheet.damage)


def test_euc_jp_ms_incremental_decoder_keeps_its_state() -> None:
    """The incremental decoder's state is its buffered bytes (a character cut at a chunk's end), as euc_jp's: csv22's
    said none (``getstate`` -> (b"", 0)), so a reader that saves and restores it (TextIOWrapper's tell/seek) lost the
    cut character's first bytes (review22v)."""
    import codecs

    from scanner.textdecode import EUC_JP_MS

    dec = codecs.getincrementaldecoder(EUC_JP_MS)()
    assert dec.decode(b"a\x8f\xf4") == "a"
    state = dec.getstate()
    assert state == (b"\x8f\xf4", 0)
    again = codecs.getincrementaldecoder(EUC_JP_MS)()
    again.setstate(state)
    assert again.decode(b"\xfb\xb6\xb6", final=True) == "\u9ad9\u6a4b"  # 髙橋


def _hand_aligned(rows: list[list[str]]) -> bytes:
    """``rows`` aligned by hand: each column as wide as its second-longest value and two spaces, so the longest value
    runs into the gap (one space before the next column)."""
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "FWA" else 1 for c in s)

    widths = [sorted(width(r[i]) for r in rows)[-2] + 2 for i in range(len(rows[0]))]
    lines = ["".join(v + " " * max(w - width(v), 1) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\r\n".join(lines).encode("cp932") + b"\r\n"


@cases.case
def _fixed_width_hand_aligned() -> dict[str, bytes]:
    return {"aligned12.txt": _hand_aligned(people_rows(N, seed=31))}


def test_a_hand_aligned_roster_is_read_whole_and_its_names_kept_whole(scanned: dict[str, Any]) -> None:
    """A text aligned by hand (one address running into the gap, the "姓 名" space at one column on most rows): the
    boundary tolerance (one line in ten may cross) cut the name column at that space (佐藤 | 和也, 林 翔 | 太) and
    said 3 rows malformed (`corrupt`) though every person was read. A boundary a line crosses needs a gap two
    columns wide; a row is malformed when a value crosses a boundary, not when it reaches the gap (review22v)."""
    from scanner.sheet import Caps
    from scanner.tables import read_tables

    data = scanned["books"]["fixed_width_hand_aligned"]["aligned12.txt"]
    rows = [list(map(str, r)) for r in read_tables(data, Caps()).sheets[0].rows]
    assert [r[0] for r in rows[1:]] == [r[0] for r in people_rows(N, seed=31)[1:]], rows
    lines = own_lines(scanned, "fixed_width_hand_aligned")
    assert [(h["status"], h["pii"]["records"]) for h in lines["files"]] == [("ok", N)], lines
    assert lines["skipped"] == []
