"""Review of wild19 (Session 19, review19w): what real files and damage do to its DIF reader, its place words and its
one-name rule; each test fails on wild19's tree."""

from __future__ import annotations

import pytest

from scanner.dif import iter_dif
from scanner.sheet import Caps
from tests.test_wild19 import SEED, _dif


@pytest.fixture(scope="module")
def dif_list() -> bytes:
    from faker import Faker

    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    rows = [["氏名", "住所", "電話番号"]] + [[fake.name(), fake.address(), fake.phone_number()] for _ in range(40)]
    return _dif(rows)


def _whole_rows(data: bytes) -> tuple[int, list[str]]:
    sheet = next(iter_dif(data, Caps()))
    return sum(1 for r in sheet.rows if len(r) == 4), sheet.damage


@pytest.mark.parametrize("stray", [b"\x0c", b"\x0b", b"\x1c", b"\x1e"])
def test_dif_control_byte_in_a_text_loses_no_row(dif_list: bytes, stray: bytes) -> None:
    """A form feed or another control byte in a text (a flipped byte, a pasted value) is no line end for DIF, whose
    lines end in CR/LF: str.splitlines() split there, every type/value pair after it was read one line out of step and
    40 persons became 2 rows (`corrupt` data-cut, the persons lost)."""
    at = dif_list.index("電話番号".encode("cp932")) + 300
    whole, _ = _whole_rows(dif_list[:at] + stray + dif_list[at:])
    assert whole == 41


def test_dif_line_separator_in_utf8_text_loses_no_row(dif_list: bytes) -> None:
    data = dif_list.decode("cp932").encode("utf-8")
    at = data.index("電話番号".encode()) + 300
    for sep in ("\u2028", "\x85"):
        assert _whole_rows(data[:at] + sep.encode() + data[at:])[0] == 41, repr(sep)


def test_dif_text_holding_a_line_break_stays_one_value(dif_list: bytes) -> None:
    """A cell's text with a line break in it (Alt+Enter), written inside its quotes: one value, the rows after it
    in step (it put every later pair out of step: 2 rows)."""
    data = dif_list.replace("電話番号".encode("cp932"), "電話\r\n番号".encode("cp932"))
    sheet = next(iter_dif(data, Caps()))
    assert sheet.rows[0][2] == "電話\n番号" and sum(1 for r in sheet.rows if len(r) == 4) == 41 and not sheet.damage


@pytest.mark.parametrize("how", ["lost", "added"])
def test_dif_line_lost_or_added_reads_on_in_step_and_says_so(dif_list: bytes, how: str) -> None:
    """A line lost or a stray line added in the data (a damaged copy): the reader finds the next type line and reads
    on in step; the damage is said (`dif-lines-damaged`)."""
    lines = dif_list.split(b"\r\n")
    at = 60  # a value line inside the data
    lines[at:at + 1] = [] if how == "lost" else [lines[at], b"garbage"]
    whole, damage = _whole_rows(b"\r\n".join(lines))
    assert whole >= 40 and any(d.startswith("DIF") for d in damage), damage


@pytest.mark.parametrize("old, new", [(b"-1,0\r\nBOT", b"-5,0\r\nBOT"), (b"-1,0\r\nBOT", b"-1,0\r\nBOU"),
                                      (b"0,42\r\nV", b"0,42\r\nW")])
def test_dif_damaged_directive_or_number_is_said(dif_list: bytes, old: bytes, new: bytes) -> None:
    """A flipped byte in a row's BOT or its type line ran the row on in the one before (two persons' cells in one row,
    `ok`); a flipped V kept as text, nothing said. The rows stay apart and the damage is said."""
    at = dif_list.index(old, dif_list.index(old) + 1000)
    whole, damage = _whole_rows(dif_list[:at] + new + dif_list[at + len(old):])
    assert whole == 41 and any(d.startswith("DIF") for d in damage), damage


def test_dif_quoted_directives_are_directives() -> None:
    """Some DIF writers quote BOT and EOD ("EOD"): read as the directives, not a cut file."""
    data = b'TABLE\n0,1\n"x"\nDATA\n0,0\n""\n-1,0\n"BOT"\n1,0\n"a"\n-1,0\n"BOT"\n1,0\n"b"\n-1,0\n"EOD"\n'
    sheet = next(iter_dif(data, Caps()))
    assert sheet.rows == [["a"], ["b"]] and not sheet.damage


@pytest.fixture(scope="module")
def one_client() -> tuple[str, list[str]]:
    from faker import Faker

    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    return fake.name(), [fake.address() for _ in range(30)]


def _visits(one_client: tuple[str, list[str]], header: list[str] | None) -> list[list[str]]:
    name, places = one_client
    return ([header] if header else []) + [[f"2024/01/{d + 1:02d}", name, a, "訪問"] for d, a in enumerate(places)]


@pytest.mark.parametrize("header", [["日付", "氏名", "訪問先住所", "内容"], None], ids=["氏名", "no header"])
def test_one_persons_rows_at_many_places_stay_a_lead(one_client: tuple[str, list[str]], header: list[str] | None
                                                    ) -> None:
    """One client's visit log (or one person's address history): one name on every row beside 30 places. wild19's
    "one name on every row is no list of names" made it nothing (it was a `names` lead); a word of a registry's own
    column (header `process`) stays refused, but a column a header calls a name, or a table with no header, is one
    person's rows: a lead."""
    from scanner.detectors.pii import analyse_sheet

    found = analyse_sheet("s", _visits(one_client, header))
    assert found is not None and found.kind == "names" and found.count == 30, found


# English speakers whose family or given name is a street or place word that no name list here holds (Faker's en,
# en_NZ and hr_HR person providers hold some: Forest, River, Brook, Cliff, Street, Pike, Way, Car)
_PLACE_NAMED = ("Emma Lake", "Margaret Court", "Forest Whitaker", "River Jones", "Jane Street", "Sarah Pike",
                "David Lodge", "Alicia Keys", "Chris Pine", "Mary Shore", "Adam Beach", "Cliff Richard")


@pytest.mark.parametrize("value", _PLACE_NAMED)
def test_a_name_that_is_also_a_place_word_is_a_name(value: str) -> None:
    """wild19's place words took every value holding one out of the known names: a person named Street, Lake or
    Court, or called Forest or River, was no name. A word that is someone's name marks a place only between two other
    words (Charlotte Street Car Park, Ashton Way Car Park)."""
    from scanner.detectors import person_names as N

    assert N.latin_name_known(value)
    assert N.latin_name_known(value.upper())


@pytest.mark.parametrize("value", ["CHARLOTTE STREET CAR PARK", "ASHTON WAY CAR PARK", "RED LION CAR PARK",
                                   "Charlotte Street Entrance", "Victoria Road", "Sydney Gardens"])
def test_places_stay_places(value: str) -> None:
    from scanner.detectors import person_names as N

    assert not N.latin_name_known(value)


def test_a_small_list_with_place_word_names_keeps_its_persons() -> None:
    """Ten people under the public-toilets file's columns (no header naming them), four of them with a family or
    given name that is a place word: 0 persons (6 of 10 known names, under the 70 % the value rule asks)."""
    from faker import Faker

    from tests.test_wild19 import _persons, _rows

    fake = Faker("en_GB")
    fake.seed_instance(1)
    names = [*_PLACE_NAMED[:4], *(fake.name() for _ in range(6))]
    assert _persons(_rows(names)) == 10
