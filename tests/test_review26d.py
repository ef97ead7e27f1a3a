"""Session 26 review of damage26 (review26d): damaged person lists its rules let through unsaid or said wrong.

In process (``analyse_bytes``). Every list is generated (Faker ja_JP people of ``make_people``, fixed seeds) and
damaged as real files are (a delimiter flipped one bit). Each test was committed failing before its fix.
"""

from __future__ import annotations

import random

from tests.test_damage26 import read

# a `,` (0x2C) flipped one bit: - . ( $ < FF l ｬ (cp932 0xAC)
FLIPS = (0x2D, 0x2E, 0x28, 0x24, 0x3C, 0x0C, 0x6C, 0xAC)

LAYOUTS = {
    "phone_first": (["電話番号", "氏名", "フリガナ", "住所"], ["phone", "name", "kana", "address"]),
    "phone_first_note": (["電話番号", "氏名", "フリガナ", "住所", "備考"], ["phone", "name", "kana", "address", "note"]),
    "two_phones": (["氏名", "フリガナ", "住所", "電話番号", "携帯電話"], ["name", "kana", "address", "phone", "mobile"]),
    "two_phones_no_kana": (["氏名", "住所", "電話番号", "携帯電話"], ["name", "address", "phone", "mobile"]),
}


def phone_list(layout: str, seed: int, ragged: bool) -> bytes:
    """A cp932 list of 18 persons in ``layout`` (a phone column first, or a home phone and a mobile side by side);
    ``ragged``: every row's empty trailing fields left out (Excel's CSV)."""
    from scanner.demo import make_people
    from tests.pii_data import csv_bytes

    rnd = random.Random(seed)
    head, keys = LAYOUTS[layout]
    rows = [head]
    for i, p in enumerate(make_people(18, seed)):
        cells = {"name": p.name, "kana": p.kana, "address": p.address, "phone": p.phone,
                 "note": rnd.choice(["要連絡", "東京都在住", "", "会員"]) if i != 4 else "要連絡",
                 "mobile": f"090-{rnd.randint(1000, 9999)}-{rnd.randint(1000, 9999)}"}
        rows.append([cells[k] for k in keys])
    data = csv_bytes(rows)
    return b"\r\n".join(line.rstrip(b",") for line in data.split(b"\r\n")) if ragged else data


def flip(data: bytes, row: int, field: int, byte: int) -> bytes:
    """``data`` with the delimiter after field ``field`` of line ``row`` flipped into ``byte``."""
    lines = data.split(b"\r\n")
    parts = lines[row].split(b",")
    lines[row] = b",".join(parts[:field + 1]) + bytes([byte]) + b",".join(parts[field + 1:])
    return b"\r\n".join(lines)


# unsaid on ce28c390 as well (left): name｢kana glued by `l` in a ragged list whose 備考 is optional, the row's count
# one of the table's own (the rows without a note) and its phone in place
KNOWN = ("phone_first_note", True, 1, 0x6C)


def test_a_flip_that_leaves_a_row_one_field_short_beside_the_learnt_column_is_said() -> None:
    """damage26's Excel-ragged rule took a short row for one Excel saved without its empty trailing fields when the
    learnt phone column held a phone: a flip right of a first phone column (name｢kana, kana｢address) or left of a
    home phone beside a mobile (the mobile moved into the phone's place) glued two values, the person was lost
    (17 of 18) and the list `ok`: 228 of 1,856 flips (said before damage26). Each such flip is said again."""
    unsaid = []
    for layout in LAYOUTS:
        for seed in (0, 3):
            for ragged in (False, True):
                data = phone_list(layout, seed, ragged)
                clean = read(data)
                assert clean[0] == [], (layout, seed, ragged, clean)
                for field in (0, 1, 2):
                    for byte in FLIPS:
                        damage, persons = read(flip(data, 5, field, byte))
                        if not damage and persons != clean[1] and (layout, ragged, field, byte) != KNOWN:
                            unsaid.append((layout, seed, ragged, field, hex(byte)))
    assert not unsaid, (len(unsaid), unsaid)


def test_a_lone_half_width_ya_in_a_utf8_list_is_no_flipped_comma() -> None:
    """damage26's lone-ｬ rule: a `,` flipped one bit is 0xAC, ｬ in cp932. In UTF-8 0xAC is a bare continuation byte
    (U+FFFD), never ｬ: an honest UTF-8 list whose kana cell was typed in mixed widths (ヤｬ) or whose 備考 holds a
    kaomoji with ｬ in it was said `rows-malformed` (corrupt), 6 of 6 lists (ce28c390: none). Only where a line may be
    read as cp932 is a lone ｬ a flip; the cp932 lists keep damage26's test."""
    from scanner.demo import make_people

    said = []
    for seed in range(3):
        people = make_people(30, seed)
        head = ["氏名", "フリガナ", "住所", "電話番号", "備考"]
        rows = [[p.name, p.kana, p.address, p.phone, ""] for p in people]
        typed = [r[:] for r in rows]
        typed[7][1] = typed[7][1][:2] + "ｬ" + typed[7][1][2:]
        noted = [r[:] for r in rows]
        noted[7][4] = "(ﾉ∀`)ｬ ﾀﾞﾒﾎﾟ"
        for what, table in (("typed", typed), ("noted", noted)):
            data = "\r\n".join(",".join(r) for r in [head, *table]).encode("utf-8")
            damage, persons = read(data)
            if damage or persons != 30:
                said.append((seed, what, damage, persons))
    assert not said, said


def test_an_address_written_after_a_label_is_the_same_person_as_without_it() -> None:
    """damage26 read `旧住所-東京都…` as an address but kept the label in the record's address: the persons key
    (record_key) held it, so a copy of a list whose moved persons' addresses carry a label counted each of them again
    (two copies of 15 persons, one with 5 labelled: 20 persons, 20 distinct name + address; ce28c390: 15, the 5
    records dropped). The record's address is the value after the label: the same key as the unlabelled copy's."""
    from scanner.demo import make_people
    from scanner.inspectors.spreadsheet import analyse_bytes
    from scanner.persons.normalise import record_key
    from scanner.sheet import Caps
    from scanner.tables import sniff_format
    from tests.pii_data import csv_bytes
    from tests.test_damage25b import KANA_LAYOUTS
    from tests.test_damage26 import labelled_list

    def keys(data: bytes) -> set[tuple[str, str]]:
        findings, _, _ = analyse_bytes(data, sniff_format(data), Caps())
        return {record_key(r.fields["name"], r.fields.get("address", "")) for f in findings if f.kind.name != "NAMES"
                for r in f.records}

    apart = {}
    for layout, (head, fields) in KANA_LAYOUTS.items():
        for seed in (300, 301):
            rows = [head]
            for p in make_people(15, seed):
                cells = {"name": p.name, "kana": p.kana, "address": p.address}
                rows.append([cells[k] for k in fields] + ([""] if len(head) > len(fields) else []))
            plain, labelled = keys(csv_bytes(rows)), keys(labelled_list(layout, seed))
            if len(plain) != 15 or labelled != plain:
                apart[(layout, seed)] = (len(plain), len(labelled), len(labelled - plain))
    assert not apart, apart
