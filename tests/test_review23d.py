"""Session 23 review of damage23 (review23d): undamaged tables its damage rules took for damaged ones.

Every table is generated (Faker ja_JP, fixed seeds, the suite's writers) in layouts real customer lists have; each
test was committed failing before its fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import ScanCases, own_lines
from tests.document_data import people_rows
from tests.pii_data import csv_bytes

cases = ScanCases("review23d")
scanned = cases.fixture()
N = 30
_SHOJI = ["株式会社山田商事", "カブシキガイシャヤマダショウジ", "東京都港区芝5-1-1"]


def _with_company(head: list[str], person: Any, company: list[str], at: int = 10) -> bytes:
    """A cp932 person table (``head``; each person's row from ``person(i, name, kana, address, phone)``) with one
    company's row (no person in it) after person ``at``."""
    rows = [head]
    for i, (n, k, a, t) in enumerate(people_rows(N, seed=7701)[1:]):
        rows.append(person(i, n, k, a, t))
        if i == at:
            rows.append(company)
    return csv_bytes(rows)


@cases.case
def _phone_columns() -> dict[str, bytes]:
    """Undamaged customer lists whose company row has its phone number one column off the persons' (a TEL noted
    代表 with the FAX beside it, a blank home phone and a mobile, an extension, the number in the notes column), or a
    number-like value beside a blank phone (a Hokkaido postcode 060-0001, a member number 00077)."""
    return {
        "tel_fax.csv": _with_company(["氏名", "フリガナ", "住所", "TEL", "FAX"], lambda i, n, k, a, t: [n, k, a, t, ""],
                                     [*_SHOJI, "03-1234-5678（代表）", "03-1234-5679"]),
        "home_mobile.csv": _with_company(["氏名", "フリガナ", "住所", "自宅電話", "携帯電話"],
                                         lambda i, n, k, a, t: [n, k, a, t, f"090-1111-{i:04d}"],
                                         [*_SHOJI, "", "090-2222-3333"]),
        "naisen.csv": _with_company(["氏名", "フリガナ", "住所", "電話番号", "担当者携帯"], lambda i, n, k, a, t: [n, k, a, t, ""],
                                    [*_SHOJI, "03-1234-5678 内線123", "080-1234-5678"], at=5),
        "postcode.csv": _with_company(["氏名", "フリガナ", "電話番号", "郵便番号", "住所"],
                                      lambda i, n, k, a, t: [n, k, t, "150-0001", a],
                                      ["株式会社北海商事", "カブシキガイシャホッカイショウジ", "", "060-0001", "北海道札幌市中央区北一条西1-1"]),
        "phone_in_notes.csv": _with_company(["氏名", "フリガナ", "住所", "電話番号", "備考"],
                                            lambda i, n, k, a, t: [n, k, a, t, ""],
                                            [*_SHOJI, "代表番号は備考", "03-1234-5678"], at=3),
        "member_no.csv": _with_company(["氏名", "フリガナ", "住所", "電話番号", "会員番号", "", ""],
                                       lambda i, n, k, a, t: [n, k, a, t, f"{1000 + i:05d}", "", ""],
                                       [*_SHOJI, "", "00077", "", ""], at=9),
    }


def _trailing_dropped(data: bytes) -> bytes:
    """``data`` as Excel saves a CSV whose last column is sparse: the empty trailing fields of rows after the 16th
    left out (a ragged table: rows of 4 and 5 fields)."""
    lines = data.split(b"\r\n")
    return b"\r\n".join(line.rstrip(b",") if i > 16 else line for i, line in enumerate(lines))


@cases.case
def _phone_columns_ragged() -> dict[str, bytes]:
    """The TEL/FAX and 内線 lists as Excel saves them (empty trailing fields left out after row 16), the company's row
    after it: its field count one back is then a count the table's own rows have."""
    return {
        "tel_fax_excel.csv": _trailing_dropped(_with_company(
            ["氏名", "フリガナ", "住所", "TEL", "FAX"], lambda i, n, k, a, t: [n, k, a, t, ""],
            [*_SHOJI, "03-1234-5678（代表）", "03-1234-5679"], at=20)),
        "naisen_excel.csv": _trailing_dropped(_with_company(
            ["氏名", "フリガナ", "住所", "電話番号", "担当者携帯"], lambda i, n, k, a, t: [n, k, a, t, ""],
            [*_SHOJI, "03-1234-5678 内線123", "080-1234-5678"], at=20)),
    }


def test_a_company_row_with_its_phone_beside_the_column_is_no_damage(scanned: dict[str, Any]) -> None:
    """damage23 learnt the phone column from the first 200 rows and called any row whose number stood one column off
    and gave no person `rows-malformed`: each of these undamaged lists (every person read, 30 of 30) was `corrupt`,
    because its one company row holds its number (or a postcode, a member number) beside a blank or annotated phone
    cell. A delimiter lost or added moves the row's field count too: its count, one back, is the table's own."""
    lines = own_lines(scanned, "phone_columns")
    hits = {Path(h["path"]).name: h for h in lines["files"]}
    listed = {Path(s["path"]).name: s for s in lines["skipped"]}
    got = {name: (hits[name]["status"], hits[name]["pii"]["records"]) for name in scanned["books"]["phone_columns"]}
    assert got == dict.fromkeys(scanned["books"]["phone_columns"], ("ok", N)), got
    assert not listed, {n: [c.get("code") for c in s["detail_codes"]] for n, s in listed.items()}


def test_an_annotated_phone_in_a_ragged_excel_export_is_no_damage(scanned: dict[str, Any]) -> None:
    """In a ragged table (Excel leaves out empty trailing fields after row 16) the company row's field count one back
    is the table's own: its TEL cell holds the number with 代表 or 内線 after it, and the FAX or mobile beside it.
    A split cell (a delimiter added inside an address) holds the address's tail there, no phone number."""
    lines = own_lines(scanned, "phone_columns_ragged")
    got = {Path(h["path"]).name: (h["status"], h["pii"]["records"]) for h in lines["files"]}
    assert got == dict.fromkeys(scanned["books"]["phone_columns_ragged"], ("ok", N)), got
    assert not lines["skipped"]


@cases.case
def _mac_trademarks() -> dict[str, bytes]:
    """A classic-Mac MacJapanese CSV (CR line ends; (c) (tm) ... at 0xFD-0xFF, as csv22's) whose notes name products
    the Japanese way: a katakana name, ™, a katakana or hiragana word after it."""
    notes = ["ウォークマン™シリーズ購入", "アクオス™の修理", "", "Macintosh© Works™ …"]
    rows = [[*r, "備考"] if i == 0 else [*r, notes[i % 4]] for i, r in enumerate(people_rows(12, seed=2205))]
    text = csv_bytes(rows, "utf-8", newline="\r").decode()
    mac = text.replace("\xa9", "\x01").replace("\u2122", "\x02").replace("\u2026", "\x03").encode("cp932")
    for mark, byte in ((b"\x01", b"\xfd"), (b"\x02", b"\xfe"), (b"\x03", b"\xff")):
        mac = mac.replace(mark, byte)
    return {"mac_trademarks.csv": mac}


def test_a_trademark_between_kana_in_a_mac_text_is_no_damage(scanned: dict[str, Any]) -> None:
    """damage23 said (c)/(tm) between two Japanese characters of a MacJapanese text a kanji's flipped lead byte
    (`values-undecoded`, `corrupt`): a Mac customer list noting ウォークマン™シリーズ was `corrupt` though every
    byte is as written. A flipped lead byte stands inside a name or an address, between kanji (its trail byte pairs
    with the next one: a kanji too, or a kana one time in ninety); ™ after a katakana product name is how it is used."""
    lines = own_lines(scanned, "mac_trademarks")
    assert [(h["status"], h["pii"]["records"]) for h in lines["files"]] == [("ok", 12)], [
        (h["status"], h.get("status_detail_codes")) for h in lines["files"]]
    assert lines["skipped"] == []
