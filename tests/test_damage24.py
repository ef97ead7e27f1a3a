"""Session 24 (damage24): damaged-input leftovers of damage23/review23d/fixed23/review23x (bench/README.md
"Session 24 (damage24)").

Every case is real data: generated person tables (Faker ja_JP, fixed seeds, the suite's writers) damaged as disks and
transfers damage them (a bit flipped, bytes cut), or written by a third-party tool; each test was committed failing
before its fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scanner.demo import make_people
from tests.conftest import ScanCases, own_lines
from tests.pii_data import csv_bytes

N = 12
cases = ScanCases("damage24")
scanned = cases.fixture()


def typed_people(n: int, seed: int) -> list[dict[str, str]]:
    """``n`` generated persons (Faker ja_JP) with the values of a list without a phone column: name, kana, birth date,
    postcode, address, e-mail and a member number."""
    from faker import Faker

    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    return [{"name": p.name, "kana": p.kana, "birth": p.birth.replace("-", "/"), "post": p.postcode,
             "address": p.address, "mail": fake.email(), "no": f"{10000 + i * 7}"}
            for i, p in enumerate(make_people(n, seed))]


# layouts of real person lists without a phone column: (header, the keys of a person's row); each holds a 備考 column
# at its end, left out where empty (Excel's CSV keeps it; hand-made exports drop it)
LAYOUTS = {
    "birth": (["氏名", "フリガナ", "生年月日", "郵便番号", "住所", "備考"], ["name", "kana", "birth", "post", "address"]),
    "mail": (["氏名", "フリガナ", "住所", "メールアドレス", "備考"], ["name", "kana", "address", "mail"]),
    "numbered": (["No.", "氏名", "住所", "生年月日", "備考"], ["no", "name", "address", "birth"]),
    "member": (["会員番号", "氏名", "フリガナ", "住所", "会員番号2", "備考"], ["no", "name", "kana", "address", "no"]),
    "post": (["氏名", "フリガナ", "郵便番号", "住所", "備考"], ["name", "kana", "post", "address"]),
}


def _flip_in_row(data: bytes, row: int, field: int) -> bytes:
    """``data`` (a cp932 CSV) with the comma after field ``field`` of line ``row`` (0-based) flipped to 0xAC (one bit:
    ``,`` 0x2C -> ｬ, damage21's sweep)."""
    lines = data.split(b"\r\n")
    parts = lines[row].split(b",")
    lines[row] = b",".join(parts[:field]) + b"," * bool(field) + parts[field] + b"\xac" + b",".join(parts[field + 1:])
    return b"\r\n".join(lines)


def typed_list(layout: str, seed: int, n: int = N, noted: int = 3) -> bytes:
    """A cp932 person list of ``layout`` whose 備考 is left out where empty (every ``noted``-th person has one)."""
    head, keys = LAYOUTS[layout]
    rows = [head]
    for i, p in enumerate(typed_people(n, seed)):
        rows.append([p[k] for k in keys] + (["要連絡"] if i % noted == 0 else []))
    return csv_bytes(rows)


@cases.case
def _typed_flipped() -> dict[str, bytes]:
    """Ragged person lists without a phone column, each with one person row's delimiter flipped in a row with a note
    (line 4): the row takes the field count of the table's rows without one."""
    out = {}
    for k, layout in enumerate(LAYOUTS):
        data = typed_list(layout, 2401 + k)
        out[f"typed_{layout}_ok.csv"] = data
        for f in range(len(LAYOUTS[layout][1]) - 1):
            out[f"typed_{layout}_flip{f}.csv"] = _flip_in_row(data, 4, f)
    return out


def test_a_flipped_delimiter_in_a_ragged_list_without_phones_is_said(scanned: dict[str, Any]) -> None:
    """1. damage23 learnt the phone column; a list without one (birth dates, postcodes, e-mail, member numbers) whose
    flipped row takes the field count of its rows without a note lost that person unsaid: `ok` N-1. Now the row's
    typed value one column off its column says it: `corrupt` `rows-malformed` 1; the undamaged lists stay `ok` N."""
    lines = own_lines(scanned, "typed_flipped")
    hits = {Path(h["path"]).name: h for h in lines["files"]}
    listed = {Path(s["path"]).name: s for s in lines["skipped"]}
    lost = 0
    for name in scanned["books"]["typed_flipped"]:
        if name.endswith("_ok.csv"):
            assert (hits[name]["status"], hits[name]["pii"]["records"]) == ("ok", N), (name, hits[name]["status"])
            assert name not in listed
            continue
        if hits[name]["pii"]["records"] == N:
            continue  # (the merged name or address still read: the person counted, nothing lost)
        lost += 1
        assert hits[name]["pii"]["records"] == N - 1, (name, hits[name]["pii"]["records"])
        assert hits[name]["status"] == "corrupt", (name, hits[name]["status"])
        said = {c.get("code"): c for c in listed[name]["detail_codes"]}
        assert said.get("rows-malformed", {}).get("n") == 1, (name, said)
    assert lost >= 8, lost  # (mail, member, numbered: 8 of 22 flips lost their person on main c0ece0e1, unsaid)


@cases.case
def _phone_note_ragged() -> dict[str, bytes]:
    """review23d's customer list whose company row says in its phone cell where the number is (``代表番号は備考``, the
    number in 備考), as Excel saves it (empty trailing fields left out after row 16: a ragged table), and the same with
    other notes written in a phone cell."""
    from tests.test_review23d import _SHOJI, _trailing_dropped, _with_company

    out = {}
    for k, note in enumerate(["代表番号は備考", "電話は備考欄", "TEL：備考参照", "携帯のみ（備考）", "非公開・備考に記載"]):
        out[f"phone_note{k}_excel.csv"] = _trailing_dropped(_with_company(
            ["氏名", "フリガナ", "住所", "電話番号", "備考"], lambda i, n, k, a, t: [n, k, a, t, ""],
            [*_SHOJI, note, "03-1234-5678"], at=20))
    return out


def test_a_note_in_the_phone_cell_of_a_ragged_list_is_no_damage(scanned: dict[str, Any]) -> None:
    """2. A company's row whose phone cell says where its number is (``代表番号は備考``) with the number in 備考, in a list
    Excel saved ragged: the number one column right of the phone column and a field count one back that the table has
    made it a split row (a delimiter flipped into an address), `corrupt` `rows-malformed` though undamaged (review23d's
    residual). A split leaves a piece of a name or an address in the phone's cell, never words about a phone number:
    now `ok` with every person."""
    lines = own_lines(scanned, "phone_note_ragged")
    hits = {Path(h["path"]).name: h for h in lines["files"]}
    listed = {Path(s["path"]).name: s for s in lines["skipped"]}
    for name in scanned["books"]["phone_note_ragged"]:
        assert (hits[name]["status"], hits[name]["pii"]["records"]) == ("ok", 30), (name, hits[name]["status"])
        assert name not in listed, (name, listed[name]["detail_codes"])
