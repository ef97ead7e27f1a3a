"""Session 25 (damage25b): damaged person lists with only name / kana / address columns, and false `corrupt` on honest
lists (bench/README.md "Session 25 (damage25b)").

In process (``analyse_bytes``, as the inspector reads). Every list is generated (Faker ja_JP people, the suite's
``make_people``, fixed seeds), written as Excel writes a CSV (cp932, CRLF), and damaged as a disk or a transfer does
(one bit of a delimiter flipped: ``,`` 0x2C -> 0xAC ｬ). Each test was committed failing before its fix.
"""

from __future__ import annotations

from typing import Any

from scanner.demo import make_people
from scanner.inspectors.spreadsheet import analyse_bytes
from scanner.sheet import Caps
from scanner.tables import sniff_format
from tests.pii_data import csv_bytes

# person lists with only name, kana and address columns (no phone, postcode, date, e-mail or number to learn a column
# from), a 備考 left out where empty (Excel keeps it; hand-made exports drop it) or none
KANA_LAYOUTS = {
    "nka": (["氏名", "フリガナ", "住所"], ["name", "kana", "address"]),
    "nka_note": (["氏名", "フリガナ", "住所", "備考"], ["name", "kana", "address"]),
    "nak_note": (["氏名", "住所", "フリガナ", "備考"], ["name", "address", "kana"]),
    "nak": (["氏名", "住所", "フリガナ"], ["name", "address", "kana"]),
    "kna_note": (["フリガナ", "氏名", "住所", "備考"], ["kana", "name", "address"]),
}


def read(data: bytes) -> tuple[list[str], int]:
    """The damage a reading says and the persons it counts."""
    findings, _, reading = analyse_bytes(data, sniff_format(data), Caps())
    return list(reading.damage), sum(f.count for f in findings if f.kind.name != "NAMES")


def flip_in_row(data: bytes, row: int, field: int) -> bytes:
    """``data`` with the comma after field ``field`` of line ``row`` (0-based) flipped to 0xAC (one bit)."""
    lines = data.split(b"\r\n")
    parts = lines[row].split(b",")
    lines[row] = b",".join(parts[:field]) + b"," * bool(field) + parts[field] + b"\xac" + b",".join(parts[field + 1:])
    return b"\r\n".join(lines)


def kana_list(layout: str, seed: int, n: int = 12, noted: int = 3) -> bytes:
    """A cp932 list of ``layout``; where it has a 備考, every ``noted``-th person has one (left out where empty)."""
    head, keys = KANA_LAYOUTS[layout]
    rows = [head]
    for i, p in enumerate(make_people(n, seed)):
        cells = {"name": p.name, "kana": p.kana, "address": p.address}
        rows.append([cells[k] for k in keys] + (["要連絡"] if len(head) > len(keys) and i % noted == 0 else []))
    return csv_bytes(rows)


def test_a_flipped_delimiter_in_a_name_kana_address_list_is_said() -> None:
    """1. A list without any typed column: a flipped delimiter merges two of the row's fields (name｢kana,
    kana｢address, address｢kana); in a ragged list the row's new field count is one its rows have and the person's
    record changed (or was lost) unsaid. The kana column (every cell kana) learnt: a row whose kana cell holds an
    address, or kana glued to the cell before or after it, is `rows-malformed`; the undamaged lists say nothing."""
    unsaid, false = [], []
    for layout in KANA_LAYOUTS:
        for seed in (2550, 2551, 2552):
            data = kana_list(layout, seed)
            if read(data)[0]:
                false.append((layout, seed))
            for row in (2, 4, 7):
                for f in range(len(KANA_LAYOUTS[layout][1]) - 1):
                    damage, _ = read(flip_in_row(data, row, f))
                    if not damage:
                        unsaid.append((layout, seed, row, f))
    assert not false
    assert not unsaid, f"{len(unsaid)} flipped lists unsaid: {unsaid[:8]}"


def mail_list(seed: int, labels: list[str], n: int = 15) -> bytes:
    """A cp932 list (氏名, フリガナ, 住所, メールアドレス, 備考: 備考 left out where empty) where every third row is a
    company's, its contact's address typed after the address with a label (担当:), the blank mail and 備考 left out (a
    hand-made export, Excel's from row 17)."""
    from tests.test_damage24 import typed_people

    rows = [["氏名", "フリガナ", "住所", "メールアドレス", "備考"]]
    for i, p in enumerate(typed_people(n, seed)):
        if i % 3 == 1:
            label = labels[i % len(labels)]
            rows.append([f"株式会社{p['name'][:2]}商事", "カブシキガイシャ", f"{p['address']} {label}{p['mail']}"])
        else:
            rows.append([p["name"], p["kana"], p["address"], p["mail"]] + (["要連絡"] if i % 4 == 0 else []))
    return csv_bytes(rows)


def test_a_labelled_mail_after_an_address_beside_a_blank_mail_cell_is_no_damage() -> None:
    """2a. A contact's e-mail typed after the address with a label (…1-2-3 担当:foo@example.jp), the mail cell blank:
    said a glued address|mail flip (`corrupt` `rows-malformed`) though honest. A flipped `,` (0x2C) gives `(`, `$`, `<`,
    ｬ (one bit), never a label's `:` (damage25's observation); the flipped copies stay said."""
    from tests.test_damage24 import _flip_in_row

    labels = ["担当:", "担当：", "連絡先:", "担当=", "代理人　"]
    false, unsaid = [], []
    for seed in (2560, 2561, 2562):
        data = mail_list(seed, labels)
        if read(data)[0]:
            false.append(seed)
        if not read(_flip_in_row(data, 3, 2))[0]:  # the address|mail delimiter of a row with its own mail flipped
            unsaid.append(seed)
    assert not false, false
    assert not unsaid, unsaid


def _note_word_lists() -> dict[str, bytes]:
    """review24d's company lists (30 persons, one company row, Excel-ragged) whose company's typed cell holds a note
    word no list names (退会, 休会, 確認中, 保留, 転居済) with its value in the next column."""
    from faker import Faker

    from tests.test_review23d import _SHOJI, _trailing_dropped, _with_company

    fake = Faker("ja_JP")
    fake.seed_instance(2563)
    mails = [fake.email() for _ in range(40)]
    out = {}
    for word in ("退会", "休会", "確認中", "保留", "転居済"):
        layouts: dict[str, tuple[list[str], Any, list[str]]] = {
            "mail": (["氏名", "フリガナ", "住所", "メールアドレス", "備考"],
                     lambda i, n, k, a, t: [n, k, a, mails[i], ""], [*_SHOJI, word, "info@yamada.co.jp"]),
            "member": (["氏名", "フリガナ", "住所", "会員番号", "旧会員番号"],
                       lambda i, n, k, a, t: [n, k, a, f"{1000 + i}", ""], [*_SHOJI, word, "00077"]),
            "birth": (["氏名", "フリガナ", "住所", "生年月日", "入会日"],
                      lambda i, n, k, a, t: [n, k, a, "1950/01/02", ""], [*_SHOJI, word, "2020/04/01"]),
        }
        for name, (head, person, company) in layouts.items():
            for at in (3, 20):
                out[f"{name}_{word}_{at}.csv"] = _trailing_dropped(_with_company(head, person, company, at=at))
    return out


def test_a_note_word_in_a_typed_cell_beside_its_value_is_no_split() -> None:
    """2b. A company row whose typed cell holds a note word (退会, 確認中) with its value in the next column was said a
    split (`corrupt` `rows-malformed`) unless the word was in review24d's list. A split leaves in the typed cell a
    piece of the column before it (an address's number tail 2-3, a whole address, kana): a cell holding none of the
    address column's digits is no such piece. A person row whose address is split (a byte of its 目 damaged into a
    comma: the number tail 17番2号 in the typed cell) still stands shifted (the reader's ``shifted_rows``; its person,
    read with the address cut, is counted: damage24's rule says a shifted row that gave no person)."""
    from scanner.tables import iter_text_table

    lists = _note_word_lists()
    got = {name: read(data) for name, data in lists.items()}
    assert got == {name: ([], 30) for name in got}, {n: g for n, g in got.items() if g != ([], 30)}
    unsaid = []
    me = "目".encode("cp932")
    for name, data in lists.items():
        lines = data.split(b"\r\n")
        k = next(i for i, line in enumerate(lines) if i > 5 and me in line and b"\x8a\x94\x8e\xae" not in line)
        damaged = b"\r\n".join([*lines[:k], lines[k].replace(me, me[:1] + b",", 1), *lines[k + 1:]])
        sheet = iter_text_table(damaged, Caps().fresh())[0]
        for _ in sheet.rows:
            pass
        if k + 1 not in sheet.shifted_rows:
            unsaid.append(name)
    assert not unsaid, unsaid
