"""Session 6: phones and postal codes stored as numbers lose their leading zeros, and are still phones.

Excel turns a typed ``03`` | ``1234`` | ``0567`` into the numbers 3 | 1234 | 567, and ``0312345678`` into
312345678; a CSV saved from such a sheet holds the same digits as text. DOMAIN.md: a Japanese phone is 10
digits starting 0[1-9] (11 for 050/070/080/090), a postal code 3 + 4 digits. The pieces were dropped (``3``
failed the 2-5 digit test, so only the first column was taken and failed as a phone) or shown without their
zeros. Each case here is read through the real readers (openpyxl writes numbers, calamine reads them back as
floats; the CSV holds the digits as text), and the phone must be the whole number, the same for every copy.
"""

from __future__ import annotations

import io

import openpyxl
import pytest

from scanner.detectors.pii import analyse_sheet
from scanner.tables import Caps, read_tables
from tests import person_tables_data as T

JA = T.ja_people(24, seed=6606)
# the zero-losing shapes: a fixed line with a one-digit area code, a mobile, a subscriber number starting with 0
PHONES = ["03-1234-0567", "090-2345-6789", "045-987-0012", "06-6123-4567", "0120-12-3456", "011-222-0333"]
POSTCODES = ["060-0001", "100-0005", "004-0051", "930-0008"]


def _phone_of(i: int) -> str:
    return PHONES[i % len(PHONES)]


def _postcode_of(i: int) -> str:
    return POSTCODES[i % len(POSTCODES)]


def _as_number(piece: str) -> int:
    return int(piece)  # what Excel keeps of a piece typed into a number cell


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _csv(rows: list[list[object]]) -> bytes:
    return "".join(",".join(str(v) for v in r) + "\r\n" for r in rows).encode("cp932")


def _fields(data: bytes) -> dict[int, dict[str, str]]:
    """Row -> fields of the persons found in the file, read by the scanner's own readers."""
    wb = read_tables(data, Caps())
    found = analyse_sheet(wb.sheets[0].name, wb.sheets[0].rows)
    assert found is not None
    return {r.row: r.fields for r in found.records}


def pieces_rows() -> list[list[object]]:
    rows: list[list[object]] = [["氏名", "郵便番号1", "郵便番号2", "住所", "電話番号1", "電話番号2", "電話番号3"]]
    for i, p in enumerate(JA):
        rows.append([p.name, *map(_as_number, _postcode_of(i).split("-")), p.address,
                     *map(_as_number, _phone_of(i).split("-"))])
    return rows


@pytest.mark.parametrize("writer", [_xlsx, _csv], ids=["xlsx-numbers", "csv-digits"])
def test_phone_and_postcode_pieces_stored_as_numbers_are_whole(writer):
    assert pieces_rows()[1][4:] == [3, 1234, 567]  # the damage is real: zeros gone
    got = _fields(writer(pieces_rows()))
    for i, _ in enumerate(JA):
        assert got[i + 2]["phone"] == _phone_of(i), (i, got[i + 2])
        assert got[i + 2]["postcode"] == _postcode_of(i), (i, got[i + 2])


@pytest.mark.parametrize("writer", [_xlsx, _csv], ids=["xlsx-numbers", "csv-digits"])
def test_one_phone_column_stored_as_a_number_gets_its_zero(writer):
    rows: list[list[object]] = [["氏名", "住所", "電話番号"]]
    rows += [[p.name, p.address, int(_phone_of(i).replace("-", ""))] for i, p in enumerate(JA)]
    assert rows[1][2] == 312340567
    got = _fields(writer(rows))
    assert [got[i + 2]["phone"] for i in range(len(JA))] == [_phone_of(i).replace("-", "") for i in range(len(JA))]


def test_same_person_same_phone_in_text_and_number_copies():
    """One copy typed the phone as text, another as numbers: the phone shown is the same digits."""
    text_rows = [["氏名", "住所", "電話番号"]] + [[p.name, p.address, _phone_of(i).replace("-", "")]
                                              for i, p in enumerate(JA)]
    number_rows = [["氏名", "住所", "電話番号"]] + [[p.name, p.address, int(_phone_of(i).replace("-", ""))]
                                                for i, p in enumerate(JA)]
    assert _fields(_xlsx(text_rows)) == _fields(_xlsx(number_rows))


def test_digits_that_are_no_phone_after_a_zero_stay_as_they_are():
    """A 10-digit number not starting 0 whose zeroed form is no Japanese phone (11 digits, not 0X0) is kept."""
    rows: list[list[object]] = [["氏名", "住所", "電話番号"]]
    rows += [[p.name, p.address, "03-1234-5678" if i % 4 else 3123456789] for i, p in enumerate(JA)]
    got = _fields(_xlsx(rows))
    assert got[2]["phone"] == "3123456789"


def test_two_whole_numbered_phones_stored_as_numbers_stay_apart():
    """電話番号1 | 電話番号2 = home and mobile, each a whole number stored as a number: the first is the phone."""
    rows: list[list[object]] = [["氏名", "住所", "電話番号1", "電話番号2"]]
    rows += [[p.name, p.address, 312345678, 9011112222] for p in JA]
    got = _fields(_xlsx(rows))
    assert {f["phone"] for f in got.values()} == {"0312345678"}
