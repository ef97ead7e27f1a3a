"""fix14a: review14a's open defects 8 and 7 (and 6).

8: exclusion words ([exclude] in signatures/pii_columns.toml) matched inside other words: ``venue`` in ``Avenue``,
``locationaddress`` in ``Home Location Address``, so a person's address column was lost. An exclusion word now
counts only as whole words of the header.

Values: Faker (en_US, ja_JP) with fixed seeds (tests/person_tables_data.py); never real data.
"""

from __future__ import annotations

import pytest

from scanner.detectors.columns import classify_header, is_excluded
from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

Rows = list[list[object]]
EN = T.en_people(40, seed=14)


@pytest.mark.parametrize("header", ["Home Location Address", "Current Location Address", "Avenue Address",
                                    "Street Avenue", "Avenue"])
def test_an_exclusion_word_inside_another_word_excludes_nothing(header):
    assert not is_excluded(header)
    assert classify_header(header) == ("address" if "Address" in header else None)


@pytest.mark.parametrize("header", ["Location Address", "Location Name", "Venue", "Venue Name", "Customer IP Address",
                                    "DeviceMACAddress", "XactNet Address",
                                    "Phonetic Middle Name", "Company Name", "File Name", "IPAddress", "Sales Rep",
                                    "Account Owner", "Event Location", "会場住所", "施設名", "保管場所"])
def test_exclusion_words_as_whole_words_still_exclude(header):
    assert is_excluded(header)
    assert classify_header(header) is None


@pytest.mark.parametrize("header", ["Home Location Address", "Current Location Address", "Avenue Address"])
def test_a_person_list_under_such_an_address_header_is_persons(header):
    rows: Rows = [["Name", header, "Phone"]]
    rows += [[f"{p.first} {p.last}", f"{p.street}, {p.city}, {p.state} {p.zip}", p.phone] for p in EN]
    found = analyse_sheet("Sheet1", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == len(EN), found


@pytest.mark.parametrize("header", ["Customer IP Address", "Device MAC Address"])
def test_an_ip_or_mac_address_after_another_word_is_still_no_address(header):
    ip = "IP" in header
    rows: Rows = [["Name", header, "Phone"]]
    rows += [[f"{p.first} {p.last}", f"10.{i}.{i * 7 % 256}.{i * 13 % 256}" if ip else f"00:1a:2b:{i:02x}:{i * 3 % 256:02x}:0f",
              p.phone] for i, p in enumerate(EN)]
    found = analyse_sheet("Sheet1", iter(rows))
    assert found is None or found.kind != SheetKind.PERSONS, found

