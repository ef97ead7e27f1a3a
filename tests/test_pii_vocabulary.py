"""Header vocabulary as data: every entry of signatures/pii_columns.toml is run with its own positive and
negative headers (pdscan's habit), so a vocabulary entry without tests fails here."""

from __future__ import annotations

import pytest

from scanner import rules
from scanner.detectors.columns import is_officials_header, normalise_header, read_header

DATA = rules.load("pii_columns")
COLUMNS = DATA["column"]
ROLES = DATA["role"]


def _id(entry: dict) -> str:
    return f"{entry.get('field', entry.get('name'))}-{entry.get('lang', '')}"


def _reads_as(header: str, entry: dict) -> bool:
    """The header names this entry's field, for the row's own person, as the value itself."""
    h = read_header(header)
    return (h is not None and h.field == entry["field"] and not h.role and h.main
            and h.weak == bool(entry.get("weak", False)))


@pytest.mark.parametrize("entry", COLUMNS, ids=_id)
def test_every_column_entry_has_positive_and_negative_headers(entry):
    assert entry.get("description"), entry
    assert entry.get("positive"), f"{_id(entry)}: no positive header"
    assert entry.get("negative"), f"{_id(entry)}: no negative header"


@pytest.mark.parametrize("entry", COLUMNS, ids=_id)
def test_positive_headers_name_the_field(entry):
    wrong = {h: read_header(h) for h in entry["positive"] if not _reads_as(h, entry)}
    assert not wrong, f"{_id(entry)}: {wrong}"


@pytest.mark.parametrize("entry", COLUMNS, ids=_id)
def test_negative_headers_do_not(entry):
    wrong = {h: read_header(h) for h in entry["negative"] if _reads_as(h, entry)}
    assert not wrong, f"{_id(entry)}: {wrong}"


@pytest.mark.parametrize("entry", COLUMNS, ids=_id)
def test_every_word_alone_names_its_field(entry):
    words = entry.get("words", []) + entry.get("exact", [])
    assert words, _id(entry)
    wrong = {w: read_header(w) for w in words if (h := read_header(w)) is None or h.field != entry["field"]}
    assert not wrong, f"{_id(entry)}: {wrong}"


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r["name"])
def test_roles_have_positive_and_negative_headers(role):
    assert role.get("positive") and role.get("negative") and role.get("description")
    wrong = {h: read_header(h) for h in role["positive"] if (read_header(h) or None) is None
             or read_header(h).role != role["name"]}
    assert not wrong, wrong
    wrong = {h: read_header(h) for h in role["negative"] if (h2 := read_header(h)) is not None and h2.role == role["name"]}
    assert not wrong, wrong


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r["name"])
def test_every_role_word_qualifies_a_name_and_an_address(role):
    for word in role["words"]:
        for suffix, field in (("氏名", "name"), ("住所", "address")):
            h = read_header(word + suffix)
            assert h is not None and (h.role, h.field) == (role["name"], field), (word, suffix, h)


def test_officials_markers():
    marks = DATA["officials"]
    assert marks["positive"] and marks["negative"]
    assert all(is_officials_header(h) for h in marks["positive"])
    assert not any(is_officials_header(h) for h in marks["negative"])


@pytest.mark.parametrize("header,field", [
    ("氏名（カタカナ）", "reading"), ("お名前（ふりがな）", "reading"), ("姓（カタカナ）", "reading_family"),
    ("名（フリガナ）", "reading_given"), ("last_name_kana", "reading_family"), ("FirstNameKana", "reading_given"),
    ("申込者氏名カナ", "reading"),
])
def test_a_kana_rendition_of_a_name_is_its_reading(header, field):
    h = read_header(header)
    assert h is not None and h.field == field and h.main


@pytest.mark.parametrize("header,field", [("住所（カタカナ）", "address"), ("住所（ローマ字）", "address"),
                                          ("氏名（ローマ字）", "name"), ("名（ローマ字）", "name_given"),
                                          ("jusho_romaji", "address"), ("Name (English)", "name")])
def test_other_renditions_are_never_the_value(header, field):
    h = read_header(header)
    assert h is not None and h.field == field and not h.main


def test_every_rendition_word_is_read_off_the_header():
    for kind in ("kana", "latin"):
        for word in DATA["rendition"][kind]:
            h = read_header("住所" + word)
            assert h is not None and h.field == "address" and h.rendition == kind, (word, h)


@pytest.mark.parametrize("header,number", [("住所1", 1), ("住所５", 5), ("jusho3", 3), ("address_line2", 2),
                                           ("Address 1", 1), ("住所", 0)])
def test_numbered_headers_keep_their_number(header, number):
    assert read_header(header).number == number


def test_identifiers_are_normalised_like_words():
    assert normalise_header("customer_name") == normalise_header("CustomerName") == normalise_header("Customer Name")
    assert normalise_header("address_line1") == "addressline"
