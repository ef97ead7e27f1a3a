"""Session 26 (damage26): damaged person lists that still read wrong unsaid (bench/README.md "Session 26
(damage26)").

In process (``analyse_bytes``, as the inspector reads). Every list is generated (Faker ja_JP people of the suite's
``people_rows`` / ``make_people``, fixed seeds) and damaged as real files are (bytes lost in a row, a flipped
delimiter, rows left ragged by Excel, a line broken by a newline). Each test was committed failing before its fix.
"""

from __future__ import annotations

from tests.document_data import people_rows
from tests.test_damage25 import read_names


def two_shifted(n: int, s: int, kind: str, lose: int, pair: tuple[int, int]) -> tuple[bytes, set[str]]:
    """review25d's hand-aligned list (cp932) whose two no-phone rows ``pair`` lost ``lose`` bytes at their first gap
    of two blanks (or their first blank: the longest value pushed into a one-blank gap), and its persons' names."""
    from tests.test_fixed23 import _aligned

    rows = [list(r) for r in people_rows(n, seed=2570 + 10 * n + s)]
    for line in pair:
        rows[line][3] = ""
    lines = _aligned(rows, kind, set()).split(b"\r\n")
    for line in pair:
        at = lines[line].find(b"  ")
        at = lines[line].find(b" ") if at < 0 else at
        lines[line] = lines[line][:at] + lines[line][at + lose:]
    return b"\r\n".join(lines), {r[0].replace(" ", "") for r in rows[1:]}


def test_a_short_or_long_list_with_two_shifted_rows_is_not_read_wrong_unsaid() -> None:
    """1. Two rows of a hand-aligned list lost 3-4 bytes: review25d's pair rule (6-19 lines, each left-out line
    crossing two columns) missed the 6-person pushed lists whose longest name runs into its gap (the line crosses one
    column only), lists of 20+ lines (a tenth may cross: the pushed longest value and two shifted rows are three) and
    lists of 4-5 persons: read as nothing or with name and kana glued, `ok` (97 + 6 of review25d's 1,152 grid). Each
    reading now says the damage or reads every person whole."""
    bad = {}
    for n, s, kind, lose, pair in [(6, 0, "pushed", 4, (2, 4)), (4, 0, "pushed", 4, (2, 3)),
                                   (5, 1, "pushed", 3, (2, 3)), (21, 0, "pushed", 4, (2, 11)),
                                   (25, 0, "pushed", 4, (24, 25)), (19, 0, "pushed", 3, (2, 10)),
                                   (4, 0, "aligned", 4, (3, 4))]:  # (11 persons, last two rows: left, notes)
        data, names = two_shifted(n, s, kind, lose, pair)
        damage, counted, whole = read_names(data, names)
        if not damage and (counted, whole) != (n, n):
            bad[(n, s, kind, lose, pair)] = (counted, whole)
    assert not bad, bad


def labelled_list(layout: str, seed: int, labels: tuple[str, ...] = ("旧住所-", "現住所：", "住所 ")) -> bytes:
    """damage25b's name / kana / address list (cp932 CSV, 15 persons) whose every third address is written after a
    label (旧住所-東京都…), as a moved person's row is kept in a hand-kept list."""
    from scanner.demo import make_people
    from tests.pii_data import csv_bytes
    from tests.test_damage25b import KANA_LAYOUTS

    head, keys = KANA_LAYOUTS[layout]
    rows = [head]
    for i, p in enumerate(make_people(15, seed)):
        cells = {"name": p.name, "kana": p.kana, "address": p.address}
        if i % 3 == 1:
            cells["address"] = labels[i % len(labels)] + p.address
        rows.append([cells[k] for k in keys] + ([""] if len(head) > len(keys) else []))
    return csv_bytes(rows)


def test_an_address_written_after_a_label_keeps_its_person() -> None:
    """4. `旧住所-東京都…`: the placeholder filter took the 住所 in the value for a template's stand-in (住所, ○○県) and
    dropped the person, the list `ok` with 10 of 15 persons (20 of 20 lists). The value after a label is the address,
    kept as written (with its `-`); a `,` flipped one bit to `-` before a prefecture (name｢address) is still said."""
    from scanner.inspectors.spreadsheet import analyse_bytes
    from scanner.sheet import Caps
    from scanner.tables import sniff_format
    from tests.test_damage25b import KANA_LAYOUTS

    bad, unsaid = {}, []
    for layout in KANA_LAYOUTS:
        for seed in range(4):
            data = labelled_list(layout, 300 + seed)
            findings, _, reading = analyse_bytes(data, sniff_format(data), Caps())
            addresses = [r.fields.get("address", "") for f in findings if f.kind.name != "NAMES" for r in f.records]
            written = sum(a.startswith(("旧住所-", "現住所：", "住所 ")) for a in addresses)
            if reading.damage or len(addresses) != 15 or written != 5:
                bad[(layout, seed)] = (list(reading.damage), len(addresses), written)
            if layout.startswith("na"):  # name first: the name｢address glue of a `,` flipped to `-` (0x2C -> 0x2D)
                lines = data.split(b"\r\n")
                lines[4] = lines[4].replace(b",", b"-", 1)
                flipped = b"\r\n".join(lines)
                if not analyse_bytes(flipped, sniff_format(flipped), Caps())[2].damage:
                    unsaid.append((layout, seed))
    assert not bad and not unsaid, (bad, unsaid)
