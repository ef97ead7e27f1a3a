"""Session 24 review of damage24 (review24d): false `corrupt` on undamaged lists and silent flips its rules made.

In process (``analyse_bytes``): each list is generated (Faker ja_JP, the suite's writers, fixed seeds); each test was
committed failing before its fix."""

from __future__ import annotations

from typing import Any

from scanner.inspectors.spreadsheet import _undecoded, analyse_bytes
from scanner.sheet import Caps
from scanner.tables import sniff_format


def _read(data: bytes) -> tuple[list[str], int]:
    """The damage a reading says (with `values-undecoded`, as the inspector adds it) and the persons counted."""
    fmt = sniff_format(data)
    findings, _, reading = analyse_bytes(data, fmt, Caps())
    damage = list(reading.damage)
    if findings and (n := _undecoded(data, reading)):
        damage.append(f"values-undecoded {n}")
    return damage, sum(f.count for f in findings if f.kind.name != "NAMES")


def _company_lists() -> dict[str, bytes]:
    """review23d's customer list (30 persons, one company row, Excel-ragged: empty trailing fields left out after row
    16) without a phone column: the company's typed cell (e-mail, birth date, member number, age) holds a note and
    its value stands in the next column."""
    from faker import Faker

    from tests.test_review23d import _SHOJI, _trailing_dropped, _with_company

    fake = Faker("ja_JP")
    fake.seed_instance(2424)
    mails = [fake.email() for _ in range(40)]
    layouts: dict[str, tuple[list[str], Any, list[str]]] = {
        "mail_in_note": (["氏名", "フリガナ", "住所", "メールアドレス", "備考"],
                         lambda i, n, k, a, t: [n, k, a, mails[i], ""], [*_SHOJI, "代表アドレスは備考", "info@yamada.co.jp"]),
        "mail_none_mobile": (["氏名", "フリガナ", "住所", "PCメール", "携帯メール"],
                             lambda i, n, k, a, t: [n, k, a, mails[i], ""], [*_SHOJI, "なし", "yamada@docomo.ne.jp"]),
        "birth_join": (["氏名", "フリガナ", "住所", "生年月日", "入会日"],
                       lambda i, n, k, a, t: [n, k, a, "1950/01/02", ""], [*_SHOJI, "法人", "2020/04/01"]),
        "member_old": (["氏名", "フリガナ", "住所", "会員番号", "旧会員番号"],
                       lambda i, n, k, a, t: [n, k, a, f"{1000 + i}", ""], [*_SHOJI, "法人", "00077"]),
        "age_score": (["氏名", "フリガナ", "住所", "年齢", "点数"],
                      lambda i, n, k, a, t: [n, k, a, str(60 + i), ""], [*_SHOJI, "-", "85"]),
    }
    return {f"{name}_{at}.csv": _trailing_dropped(_with_company(head, person, company, at=at))
            for name, (head, person, company) in layouts.items() for at in (3, 20)}


def test_a_note_in_a_typed_cell_of_an_excel_ragged_list_is_no_damage() -> None:
    """damage24 learnt a list's rightmost postcode/e-mail/date/number column when it has no phone column, and took a
    company row whose typed cell holds a note (``なし``, ``法人``, ``-``, ``代表アドレスは備考``) with its value in the next
    column for a split row: 10 undamaged Excel-ragged lists `corrupt` `rows-malformed` 1 (main c0ece0e1: `ok`). A
    split leaves a piece of a name or address there, never a note that the value is elsewhere or none."""
    got = {name: _read(data) for name, data in _company_lists().items()}
    assert got == {name: ([], 30) for name in got}, {n: g for n, g in got.items() if g != ([], 30)}


def _mac_flips() -> dict[str, bytes]:
    """A classic-Mac list (damage24's writer, 60 persons) with the lead byte of a kanji whose trail byte is a capital
    before a designator kanji (山口: 山 = 0x8E 0x52 'R' before 口; 六番町: 六 = 0x98 0x5A 'Z' before 番) flipped to
    0xFD-0xFF."""
    from tests.test_damage24 import _mac_list

    out = {}
    for seed in (2425, 77):
        mac = _mac_list(["", "Macintosh© Works™ …"], n=60, seed=seed)
        for word in ("山口".encode("cp932"), "六番".encode("cp932")):
            at = mac.find(word, mac.find(b"\r"))
            if at < 0:
                continue
            for byte in (0xFD, 0xFE, 0xFF):
                out[f"{seed}_{word.decode('cp932')}_{byte:x}"] = mac[:at] + bytes([byte]) + mac[at + 1:]
    return out


def test_a_flipped_kanji_before_a_designator_kanji_is_said() -> None:
    """damage24 made a capital before a designator kanji Mac text's own (``…A棟``, ``©A社``): a flipped lead byte of 山
    in 山口 (its trail 'R' before 口) or of 六 in 六番町 ('Z' before 番) read as ``©R口`` / ``…Z番``, `ok` with the name
    garbled (main c0ece0e1: `values-undecoded`). Designators run from A: towns, wards and names of Japan hold 518
    kanji + designator pairs with a capital trail byte (山口 157, 谷口 48, 世田谷区 ...), 1 with A-E (辰口)."""
    flips = _mac_flips()
    assert len(flips) >= 9, sorted(flips)
    unsaid = sorted(name for name, data in flips.items() if not any(d.startswith("values-undecoded") for d in _read(data)[0]))
    assert not unsaid, unsaid


def _fixed_lists() -> dict[str, bytes]:
    """Undamaged hand-aligned lists (fixed23's writer) of 4-10 persons with one blank フリガナ, or one address longer
    than the others by a building after U+3000."""
    from tests.document_data import people_rows
    from tests.test_fixed23 import _aligned

    out = {}
    for n, s, how in ((4, 0, "nokana"), (5, 1, "nokana"), (6, 3, "nokana"), (4, 1, "building"), (7, 3, "building"),
                      (10, 1, "building")):
        rows = [list(r) for r in people_rows(n, seed=9000 + 10 * n + s)]
        if how == "nokana":
            rows[1][1] = ""
        else:
            rows[2][2] += "　メゾン北山２０１号"
        for kind in ("aligned", "pushed"):
            out[f"{how}{n}_{s}_{kind}.txt"] = _aligned(rows, kind, set())
    return out


def test_an_undamaged_short_aligned_list_with_a_blank_or_a_long_value_is_ok() -> None:
    """damage24 let the tolerated line of a 5-11-line text cross a one-column gap: a one-column gap crossed by one line
    inside a column (the space of a kana ヤマシタ ナナミ beside a blank フリガナ, an address's U+3000 before a building)
    became a boundary, the crossing line `rows-malformed`: these 12 undamaged lists `corrupt` (main c0ece0e1: `ok`).
    A boundary's next column starts on the lines (all but the crossing one and a blank), not on two."""
    got = {name: _read(data) for name, data in _fixed_lists().items()}
    want = {name: ([], int(name.split("_")[0].removeprefix("nokana").removeprefix("building"))) for name in got}
    assert got == want, {n: g for n, g in got.items() if g != want[n]}
