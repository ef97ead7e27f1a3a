"""people20: person tables and the person count, session-19 leftovers (Faker ja_JP, fixed seed 2020)."""

from __future__ import annotations

import pytest
from faker import Faker

from scanner.detectors import pii as P

SEED = 2020
FAKE = Faker("ja_JP")
FAKE.seed_instance(SEED)
PEOPLE = [(FAKE.last_name(), FAKE.first_name(), FAKE.prefecture(), FAKE.city(), FAKE.town(), FAKE.chome() + FAKE.ban(),
           FAKE.postcode(), FAKE.phone_number(), FAKE.building_name(), str(FAKE.random_int(101, 905)))
          for _ in range(40)]

Rows = list[list[object]]


# --- 1: English / romaji headers of registry and care-system exports -------------------------------------------------

EXPORTS = {
    "camelCase": (["lastName", "firstName", "postalCode", "prefecture", "cityName", "townName", "streetNumber",
                   "buildingName", "roomNo", "telNo"],
                  lambda p: [p[0], p[1], p[6], p[2], p[3], p[4], p[5], p[8], p[9], p[7]]),
    "snake_case": (["full_name", "prefecture", "city_name", "street_number", "tel_no"],
                   lambda p: [f"{p[0]} {p[1]}", p[2], p[3], p[4] + p[5], p[7]]),
    "romaji": (["seimei", "yubin", "todofuken", "shichoson", "chomei_banchi", "tel1"],
               lambda p: [f"{p[0]} {p[1]}", p[6], p[2], p[3], p[4] + p[5], p[7]]),
}


@pytest.mark.parametrize("layout", EXPORTS)
def test_registry_export_headers_name_every_address_part_and_the_phone(layout: str) -> None:
    """Exports of registry and care systems name their columns in English or romaji (cityName | streetNumber, telNo,
    shichoson). The city and block were found by their values only, so the prefecture column beside them was dropped
    from every address, and telNo was no phone: both are header words now."""
    header, row = EXPORTS[layout]
    found = P.analyse_sheet("export", [header, *[row(p) for p in PEOPLE]])
    assert found is not None and found.count == len(PEOPLE)
    assert [(r.fields["name"].replace(" ", ""), r.fields["address"][:len(p[2] + p[3])], r.fields.get("phone"))
            for r, p in zip(found.records, PEOPLE, strict=True)] == [(p[0] + p[1], p[2] + p[3], p[7]) for p in PEOPLE]
