"""Session 23 (damage23): damaged inputs left by damage21/csv22/review22v (bench/README.md "Session 23 (damage23)").

Every case is real data: generated person tables (Faker ja_JP, fixed seeds, the suite's writers) or written by a
third-party tool; each test was committed failing before its fix.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from scanner import tables
from scanner.sheet import Caps
from tests.conftest import ScanCases, own_lines
from tests.document_data import people_rows
from tests.pii_data import xls_bytes

N = 12
CORPUS = Path("../shared/corpus/spreadsheets")
cases = ScanCases("damage23")
scanned = cases.fixture()


def _merged_book(ref: bytes) -> tuple[bytes, list[list[str]]]:
    """An .xlsx (openpyxl) of 氏名/フリガナ/住所/電話番号 where four persons of one household share one address cell
    merged down over their rows (C2:C5), the merge written as ``ref``."""
    import openpyxl

    rows = people_rows(8, seed=2301)
    for r in rows[2:5]:
        r[2] = rows[1][2]
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, r in enumerate(rows):
        ws.append([None if 2 <= i <= 4 and j == 2 else v for j, v in enumerate(r)])
    ws.merge_cells("C2:C5")
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body, n = re.subn(rb'ref="C2:C5"', b'ref="' + ref + b'"', body)
                assert n == 1
            z.writestr(info, body)
    return out.getvalue(), rows


def test_merge_written_with_dollars_fills_down() -> None:
    """7. A merged range written ``$C$2:$C$5`` (absolute, as some writers and hand edits give it) was left out
    (calamine refuses the workbook; review22w dropped the range): the household's shared address was read for its
    first person only. The reference is read as ``C2:C5``: every person of the household has the address."""
    for ref in (b"$C$2:$C$5", b" C2:C5 ", b"$C2:C$5"):
        data, rows = _merged_book(ref)
        wb = tables.read_tables(data, Caps())
        got = [[str(c) for c in r] for r in wb.sheets[0].rows]
        assert [r[2] for r in got[1:5]] == [rows[1][2]] * 4, (ref, [r[2][:3] for r in got[1:5]])
        assert not wb.sheets[0].damage


@cases.case
def _zeroed_xls() -> dict[str, bytes]:
    made = xls_bytes({"名簿": people_rows(N, seed=2302)})
    third = (CORPUS / "positive" / "calamine__biff5-rich-text-string.xls").read_bytes()
    return {"whole.xls": bytes(len(made)), "head512.xls": bytes(512) + made[512:],
            "head4096.xls": bytes(4096) + made[4096:], "third_head512.xls": bytes(512) + third[512:],
            "but_tail.xls": bytes(len(third) - 512) + third[-512:],
            "issue444_head512.xls": bytes(512) + (CORPUS / "positive" / "calamine__issue444.xls").read_bytes()[512:]}


def test_a_zeroed_xls_is_corrupt_with_why(scanned: dict[str, Any]) -> None:
    """6. An .xls zeroed whole or from its start (a sector or more zeroed on disk: its OLE2 header gone) was
    `unsupported` "binary content that is not a known workbook format", as if it were some other program's file. A
    file named as a workbook whose first bytes are NUL is a damaged workbook: `corrupt`, with how many bytes are zero.
    (calamine's issue444.xls with its first 512 bytes zeroed said "damaged zip container": the wrong container.)"""
    lines = own_lines(scanned, "zeroed_xls")
    listed = {Path(s["path"]).name: s for s in lines["skipped"]}
    assert sorted(listed) == sorted(scanned["books"]["zeroed_xls"]), sorted(listed)
    for name, s in listed.items():
        assert s["reason"] == "corrupt", (name, s["reason"], s["detail"])
        assert "workbook-zeroed" in [c.get("code") for c in s["detail_codes"]], (name, s["detail_codes"])


def _sjis_to_euc(s1: int, s2: int) -> bytes:
    """A Shift_JIS double byte as its EUC-JP bytes (JIS X 0208 row/cell + 0x80)."""
    row = (s1 - (0x70 if s1 < 0xA0 else 0xB0)) * 2 - (s2 < 0x9F)
    cell = s2 - (0x1F + (s2 > 0x7F) if s2 < 0x9F else 0x7E)
    return bytes([row + 0x80, cell + 0x80])


def _cp51932(text: str) -> bytes:
    """``text`` as Windows' CP51932 writes it: EUC-JP, with the NEC-selected IBM extension kanji (cp932 ED40-EEFC:
    髙 﨑 德 ...) in rows 89-92 (F9A1-FCFE). Python has no CP51932 codec; the bytes are checked against Node's
    WHATWG ``TextDecoder("euc-jp")`` (which decodes those rows the same way) in the test."""
    nec: dict[str, bytes] = {}
    for s1 in (0xED, 0xEE):
        for s2 in [*range(0x40, 0x7F), *range(0x80, 0xFD)]:
            try:
                nec.setdefault(bytes([s1, s2]).decode("cp932"), _sjis_to_euc(s1, s2))
            except UnicodeDecodeError:
                pass
    return b"".join(nec[c] if c in nec else c.encode("euc_jp") for c in text)


def test_cp51932_nec_selected_ibm_kanji_read_as_written(tmp_path: Path) -> None:
    """3. CP51932 (Windows' EUC-JP; also how browsers' WHATWG EUC-JP decoder reads these bytes) writes 髙 﨑 德 ... of
    a name at F9A1-FCFE, where eucJP-ms (glibc) has user-defined characters: csv22's euc_jp_ms read them as private-use
    characters (no U+FFFD, no note: the names silently wrong). Now read as the kanji."""
    import shutil
    import subprocess

    from scanner.sheet import Caps as _Caps

    rows = people_rows(N, seed=2303)
    names = ["髙橋 一郎", "山﨑 花子", "德永 次郎", "黑田 三郎", "濵田 四郎", "瀨川 五郎"]
    for r, name in zip(rows[1:], names, strict=False):
        r[0] = name
    text = "".join(",".join(r) + "\r\n" for r in rows)
    data = _cp51932(text)
    assert any(0xF9 <= b <= 0xFC for b in data)
    if shutil.which("node") is not None:  # the bytes as a third-party decoder reads them (the reader is checked anyway)
        js = "const fs=require('fs');process.stdout.write(new TextDecoder('euc-jp').decode(fs.readFileSync(0)))"
        assert subprocess.run(["node", "-e", js], input=data, capture_output=True, check=True).stdout.decode() == text
    sheet = tables.read_text_table(data, _Caps()).sheets[0]
    got = [r[0] for r in sheet.rows][1:len(names) + 1]
    assert got == names, [ascii(n) for n in got]


def test_cp51932_rows_89_to_92_decode_as_whatwg_does() -> None:
    """Every F9A1-FCFE pair decodes as Node's WHATWG ``TextDecoder("euc-jp")`` decodes it (the pairs it has no
    character for stay private-use, as before)."""
    import shutil
    import subprocess

    import pytest

    import scanner.textdecode  # noqa: F401 - registers euc_jp_ms

    if shutil.which("node") is None:
        pytest.skip("node's TextDecoder gives the reference decoding")
    seqs = [bytes([a, b]) for a in range(0xF9, 0xFD) for b in range(0xA1, 0xFF)]
    js = ("const fs=require('fs');const d=new TextDecoder('euc-jp');process.stdout.write(JSON.stringify("
          "fs.readFileSync(0).toString('latin1').split('\\n').map(s=>d.decode(Buffer.from(s,'latin1')))))")
    import json

    want = json.loads(subprocess.run(["node", "-e", js], input=b"\n".join(seqs), capture_output=True,
                                     check=True).stdout)
    got = [s.decode("euc_jp_ms") for s in seqs]
    differ = [(s.hex(), w, g) for s, w, g in zip(seqs, want, got, strict=True) if w != "\ufffd" and w != g]
    assert not differ and sum(w != "\ufffd" for w in want) >= 370, differ[:5]


_COMPANIES = [["株式会社山田商事", "カブシキガイシャヤマダショウジ", "東京都港区芝5-1-1", "03-1234-5678"],
              ["有限会社テスト", "ユウゲンガイシャテスト", "大阪府大阪市北区梅田1-1-1", "06-1234-5678"]]


def _flip_in_row(data: bytes, row: int, field: int) -> bytes:
    """``data`` (a cp932 CSV) with the comma after field ``field`` of line ``row`` (0-based) flipped to 0xAC (one bit:
    ``,`` 0x2C -> ｬ, damage21's sweep)."""
    lines = data.split(b"\r\n")
    parts = lines[row].split(b",")
    lines[row] = b",".join(parts[:field]) + b"," * bool(field) + parts[field] + b"\xac" + b",".join(parts[field + 1:])
    return b"\r\n".join(lines)


@cases.case
def _ragged_flipped() -> dict[str, bytes]:
    """review22v's ragged person tables (a 備考 column left out where empty; a note column the header lacks on some
    rows), each with one person row's delimiter flipped so that it takes the field count of the table's own short
    (or header) rows: 0-based line 4 holds a note in both."""
    from tests.pii_data import csv_bytes

    rows = people_rows(N, seed=2304)
    head, people = rows[0], rows[1:]
    dropped = csv_bytes([[*head, "備考"], *([*r, "要連絡"] if i % 3 == 0 else r for i, r in enumerate(people)),
                         *_COMPANIES], "cp932")
    extra = csv_bytes([head, *([*r, "要連絡"] if i % 3 == 0 else r for i, r in enumerate(people)),
                       *([*c, "法人"] for c in _COMPANIES)], "cp932")
    return {"rag_dropped_ok.csv": dropped, "rag_extra_ok.csv": extra,
            "rag_dropped_flip_kana.csv": _flip_in_row(dropped, 4, 0),
            "rag_dropped_flip_address.csv": _flip_in_row(dropped, 4, 2),
            "rag_extra_flip_kana.csv": _flip_in_row(extra, 4, 0),
            "rag_extra_flip_address.csv": _flip_in_row(extra, 4, 2)}


def test_a_flipped_delimiter_in_a_ragged_person_table_is_said(scanned: dict[str, Any]) -> None:
    """1. A delimiter flipped in a person row of a legitimately ragged table gives the row a field count the table's own
    rows have (a 備考 left out, or the header's own count): review22v takes such a count as the table's shape, so the
    lost person was `ok`, nothing said. The row's values stand out of their columns (the phone number one column to
    the left of where every other row has it): now `corrupt`, `rows-malformed` 1, and the real ragged files stay `ok`."""
    lines = own_lines(scanned, "ragged_flipped")
    hits = {Path(h["path"]).name: h for h in lines["files"]}
    listed = {Path(s["path"]).name: s for s in lines["skipped"]}
    for name in ("rag_dropped_ok.csv", "rag_extra_ok.csv"):
        assert (hits[name]["status"], hits[name]["pii"]["records"]) == ("ok", N), (name, hits[name].get("status"))
        assert name not in listed
    for name in scanned["books"]["ragged_flipped"]:
        if name.endswith("_ok.csv") or (hits[name]["pii"]["records"] == N and "kana" not in name):
            continue  # (a flip between address and phone leaves the person readable: counted, nothing lost)
        assert hits[name]["pii"]["records"] == N - 1, (name, hits[name]["pii"]["records"])
        assert hits[name]["status"] == "corrupt", (name, hits[name]["status"])
        said = {c.get("code"): c for c in listed[name]["detail_codes"]}
        assert said.get("rows-malformed", {}).get("n") == 1, (name, said)


def test_an_xls_whose_shared_strings_have_an_empty_continue_is_read() -> None:
    """5. ExcelDataReader's Test_git_issue_467 workbook: its shared-string table (SST) is continued by a CONTINUE record
    of no bytes. calamine 0.37 panics (xls.rs parse_sst: "index out of bounds"), so the file was `corrupt`
    "calamine: PanicException" with none of its cells read. The same workbook with the CONTINUE records 1 + 5 bytes
    long (EDR's other test file) reads; now the empty record is left out in a copy in memory and the cells are read
    as that one's (said: xls-sst-empty-continue)."""
    import gzip

    data_dir = Path(__file__).parent / "data" / "tables"
    damaged, sound = (gzip.decompress((data_dir / f"edr__Test_git_issue_467_{n}.xls.gz").read_bytes())
                      for n in ("empty_continue_leftoverbytes", "sst_empty_continue"))
    want = [(s.name, [list(r) for r in s.rows]) for s in tables.read_tables(sound, Caps()).sheets]
    wb = tables.read_tables(damaged, Caps())
    got = [(s.name, [list(r) for r in s.rows]) for s in wb.sheets]
    assert [(n, len(r)) for n, r in got] == [(n, len(r)) for n, r in want] and sum(len(r) for _, r in got) >= 140
    # the two files were made in a hex editor (EDR's comments): the continued string holds "LC" in one, "CC" in the
    # other, as their bytes say (flag 01, then the characters); every other cell is the same
    differ = [(a, b) for (_, ra), (_, rb) in zip(got, want, strict=True) for x, y in zip(ra, rb, strict=True)
              for a, b in zip(x, y, strict=True) if a != b]
    assert len(differ) == 1 and differ[0][0].replace("theLCsion", "theCCsion") == differ[0][1], len(differ)
    assert not any(s.damage for s in wb.sheets)
    assert "empty CONTINUE" in str([s.notes for s in wb.sheets])


@cases.case
def _fixed_width_short() -> dict[str, bytes]:
    from tests.test_csv22 import _fixed_width

    out = {}
    for n in (5, 8):
        data = _fixed_width(people_rows(n, seed=2305 + n))
        lines = data.split(b"\r\n")
        at = lines[3].index(b"  ")
        lines[3] = lines[3][:at] + lines[3][at + 3:]  # 3 bytes of one row lost: its later columns 3 to the left
        out[f"short{n}_whole.prn"] = data
        out[f"short{n}_shifted.prn"] = b"\r\n".join(lines)
    return out


def test_a_short_fixed_width_text_with_a_shifted_row_is_read_and_said(scanned: dict[str, Any]) -> None:
    """4. csv22 tolerates a shifted row in a fixed-width text of 10 lines or more only: a roster of 5 or 8 persons
    with one row 3 bytes short was no table (0 persons; a .prn of no delimiter). Now one crossing line is tolerated
    from 5 lines: every person read but the shifted row's at most, the file `corrupt` with `rows-malformed`."""
    lines = own_lines(scanned, "fixed_width_short")
    hits = {Path(h["path"]).name: h for h in lines["files"]}
    listed = {Path(s["path"]).name: s for s in lines["skipped"]}
    for n in (5, 8):
        whole, shifted = f"short{n}_whole.prn", f"short{n}_shifted.prn"
        assert (hits[whole]["status"], hits[whole]["pii"]["records"]) == ("ok", n), hits.get(whole)
        assert hits.get(shifted, {}).get("pii", {}).get("records", 0) >= n - 1, (shifted, listed.get(shifted))
        assert hits[shifted]["status"] == "corrupt"
        assert "rows-malformed" in [c.get("code") for c in listed[shifted]["detail_codes"]]


@cases.case
def _cut_at_block_end() -> dict[str, bytes]:
    from tests.pii_data import csv_bytes

    rows = people_rows(200, seed=2306)
    data = csv_bytes(rows, "cp932")
    ends = [i + 2 for i in range(len(data)) if data.startswith(b"\r\n", i)]
    k = max(i for i, e in enumerate(ends) if e < 8192)  # one address padded with spaces: a line ends at 8192
    padded = [r[:] for r in rows]
    padded[k][2] += " " * (8192 - ends[k])
    whole = csv_bytes(padded, "cp932")
    assert whole[8190:8192] == b"\r\n", whole[8185:8195]
    return {"block_whole.csv": whole, "block_cut.csv": whole[:8192]}


def test_a_csv_cut_at_a_block_end_on_a_line_end_is_noted(scanned: dict[str, Any]) -> None:
    """2. A CSV cut exactly at a line end reads as a complete shorter file: nothing in its bytes tells the two apart.
    What can be told: a copy cut on disk stops at a block (cluster) boundary, so a text whose size is a whole number
    of 4 KiB blocks and which ends at a line end is noted (`text-block-end`: rows after it cannot be ruled out). The
    whole file (not at a block end) has no note."""
    lines = own_lines(scanned, "cut_at_block_end")
    hits = {Path(h["path"]).name: h for h in lines["files"]}
    said = {n: str(h.get("notes") or "") + str(h.get("status_detail_codes") or "") + str(h) for n, h in hits.items()}
    assert "text-block-end" in said["block_cut.csv"] or "4 KiB" in said["block_cut.csv"], said["block_cut.csv"][:400]
    assert "4 KiB" not in said["block_whole.csv"], said["block_whole.csv"][:400]


@cases.case
def _mac_flipped() -> dict[str, bytes]:
    """csv22's classic-Mac MacJapanese CSV (CR line ends, (c) (tm) ... at 0xFD-0xFF in a notes column), with the lead
    byte of a kanji in a name (row 3) and in an address (row 6) flipped to 0xFD / 0xFE / 0xFF."""
    from tests.test_csv22 import _mac_japanese

    mac = _mac_japanese()["mac_sjis.csv"]
    lines = mac.split(b"\r")
    out = {"mac_whole.csv": mac}
    for byte in (0xFD, 0xFE, 0xFF):
        for row in (3, 6):
            text = lines[row].decode("cp932")
            at = next(i for i, c in enumerate(text) if "\u4e00" <= c <= "\u9fff")
            off = len(text[:at].encode("cp932"))
            changed = lines[:]
            changed[row] = lines[row][:off] + bytes([byte]) + lines[row][off + 1:]
            out[f"mac_{byte:x}_row{row}.csv"] = b"\r".join(changed)
    return out


def test_a_flipped_byte_in_a_mac_japanese_text_is_said(scanned: dict[str, Any]) -> None:
    """3. In a classic-Mac text 0xFD-0xFF are read as MacJapanese's (c) (tm) ... (csv22), so a kanji's lead byte
    flipped to one of them read as a symbol glued inside a name or address (its trail byte left as a letter or a
    half-width kana): `ok`, a garbled value, nothing said. Such a symbol between Japanese characters is no
    MacJapanese text: `values-undecoded`; the Mac file itself stays `ok`."""
    lines = own_lines(scanned, "mac_flipped")
    hits = {Path(h["path"]).name: h for h in lines["files"]}
    assert (hits["mac_whole.csv"]["status"], hits["mac_whole.csv"]["pii"]["records"]) == ("ok", N)
    for name in scanned["books"]["mac_flipped"]:
        if name == "mac_whole.csv":
            continue
        codes = [c.get("code") for c in hits[name].get("status_detail_codes") or []]
        assert hits[name]["status"] == "corrupt" and "values-undecoded" in codes, (name, hits[name]["status"], codes)
