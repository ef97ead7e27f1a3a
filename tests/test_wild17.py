"""Files other projects wrote (Session 17, wild17: SheetJS test_files, Apache POI test-data, calamine, xlrd, openpyxl,
csvkit, tablib, frictionless, rust_xlsxwriter, a Noto shelter list, geolonia's town lists, encoding.js samples), scanned
whole: what ended unread, stalled or was misread, each with its fix and a file the test makes."""

from __future__ import annotations

import re
from re import _parser as sre_parse  # type: ignore[attr-defined]

import pytest

from scanner.detectors import pii as P

SEED = 20261217

# pii._HINTS' Latin field names as first written (before wild17): one expression led by a character set of the
# words' first letters, each letter then tried against every word by a look-behind
_LATIN_AS_WRITTEN = re.compile(
    r"[NnAaSsZzPpEe](?:(?<=[Nn])ame|(?<=N)AME|(?<=[Aa])ddress|(?<=A)DDRESS|(?<=[Ss])treet|(?<=S)TREET"
    r"|(?<=[Zz])ip|(?<=Z)IP|(?<=[Pp])ostcode|(?<=[Pp])hone|(?<=P)HONE|(?<=[Ee])-?[Mm]ail|(?<=E)-?MAIL)")


def _latin_hint(text: str) -> bool:
    pre, rx = P._HINTS[3]
    return (pre is None or pre.search(text) is not None) and rx.search(text) is not None


def test_latin_field_hint_skips_to_its_words_in_c() -> None:
    """SheetJS large_strings.xlsb (rows of "a" x 1..9,999 in 17 columns) was listed timeout after 120 s, its
    other two sheets unread (the .xlsx of the same cells: read in seconds): the later-table search joins a block's
    text cells and searched them with one expression led by [NnAaSsZzPpEe], so at every a, e, n, s ... of a long
    text Python's re tried thirteen look-behinds (~0.6 us a letter: 40-110 s for that sheet). Each word's expression
    now starts with a literal part of it, which re finds by a C-level search; a text holding none of them costs a
    scan per word. Checked by the expressions' first operation (no clock in tests: bench/README.md has the times)."""
    _, rx = P._HINTS[3]
    expressions = getattr(rx, "expressions", (rx,))
    for e in expressions:
        first = sre_parse.parse(e.pattern)[0][0]
        assert first == sre_parse.LITERAL, (e.pattern, first)


@pytest.mark.parametrize("text", [
    "Name", "name", "NAME", "Surname", "First Name", "Address", "ADDRESS", "Street", "STREET", "Zip", "ZIP", "zip",
    "Postcode", "postcode", "Phone", "PHONE", "phone", "E-mail", "e-mail", "Email", "EMAIL", "E-MAIL", "eMail",
    "e-Mail", "x\x1fName\x1fy", "contact@example.com", "Nam e", "Adress", "ZIp", "Zi p", "PostCode", "E--mail",
    "E mail", "mail", "MAIL", "EMail", "Emaıl", "a" * 5000, "same old place", "shipping", "IP address", "ame", "AME",
    "NAme", "nAME", "ADDRESs", "e-MAIL", "E-Mail", "Telephone", "TELEPHONE", "Username", "", "ostcode", "Ppostcode",
])
def test_latin_field_hint_finds_what_it_found(text: str) -> None:
    """The literal-led expressions find a Latin field name exactly where the expression as first written did."""
    assert _latin_hint(text) == (_LATIN_AS_WRITTEN.search(text) is not None), text


def _facility_list(manager: str, address: str, n: int = 40) -> str:
    """A municipality's shelter list (七尾市 指定緊急避難場所一覧's shape, CC BY 4.0, with 管理者 added as many towns
    publish it): a facility per row, its address, capacity, the facility's manager and its phone. Faker ja_JP."""
    import csv
    import io
    import random

    from faker import Faker

    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    rnd = random.Random(SEED)
    kinds = ["小学校", "中学校", "公民館", "図書館", "体育館", "児童館", "集会所", "コミュニティセンター", "保育所", "消防署"]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["避難所名", address, "収容人数", manager, "連絡先"])
    for i in range(n):
        w.writerow([f"{fake.town()}{kinds[i % len(kinds)]}",
                    f"{fake.prefecture()}{fake.city()}{fake.town()}{fake.chome()}{fake.ban()}{fake.gou()}",
                    rnd.randint(50, 800), fake.name(), fake.phone_number()])
    return out.getvalue()


@pytest.mark.parametrize("manager", ["施設管理者", "管理者", "管理者氏名", "責任者"])
def test_a_facility_list_with_each_facilitys_manager_counts_nobody(tmp_path, manager: str) -> None:
    """避難所名 | 住所 | 収容人数 | 施設管理者 | 連絡先: the manager is a staff word, and with 住所 and a phone beside it the
    staff-roster rule took the list for employees at their homes (40 of 40 rows counted as persons, 60 in the sweep's
    list). Each row names another facility (公民館, 小学校: a place by its name's ending) and 住所 is the facility's, as
    a 施設名 header already said. A staff roster keeps its persons (tests/test_staff_roster*.py)."""
    from tests.test_wild13 import _scan

    findings = _scan(tmp_path, {f"避難所一覧_{address}.csv": _facility_list(manager, address).encode("cp932")
                                for address in ("住所", "所在地")})
    assert not [f for f in findings["files"] if (f.get("pii") or {}).get("records")], findings["files"]
    assert not findings["skipped"], findings["skipped"]


@pytest.mark.parametrize("officer", ["店長名", "館長名", "支配人", "局長名", "署長名"])
def test_a_list_of_places_with_each_ones_head_counts_nobody(officer: str) -> None:
    """店名 | 住所 | 電話 | 店長名: the head of each listed shop, hall or office at its address (院長, 所長, 園長, 校長 were
    excluded as "the officer of a listed organisation"; 店長, 館長, 支配人, 局長, 署長 were not, and the column's values
    read as names made 40 persons of a shop list)."""
    import random

    from faker import Faker

    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    rnd = random.Random(SEED)
    rows: list[list[object]] = [["店名", "住所", "電話", officer]]
    for _ in range(40):
        rows.append([f"{fake.last_name()}{rnd.choice(['商店', '本店', '会館', '郵便局', '支店'])}",
                     f"{fake.prefecture()}{fake.city()}{fake.town()}{fake.chome()}{fake.ban()}{fake.gou()}",
                     fake.phone_number(), fake.name()])
    found = P.analyse_sheet("店舗一覧", rows)
    assert found is None or not found.count, (found.kind, found.count, found.columns)


def test_an_address_columns_update_date_and_serial_are_no_part_of_it() -> None:
    """POI 46904.xls (a Danish customer list, 5,976 rows): NAVN1 | ADRESSE2 | ADRESSE3 | POSTNR | ... | ADRESSELBNR |
    ADRESSEOPDATERET: the address's serial number and its update date were joined into the address ("Gyvelvej 45 50502
    01-09-2006"), so the same person at the same street was another address after each update; 住所変更日, 住所更新日,
    Address Verified the same. A column of dates is never a part of an address (by its values: the header words stay
    free for a roster's 登録日); lbnr (løbenummer) and opdateret (as updated) name an address's bookkeeping."""
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    rows: list[list[object]] = [["NAVN1", "ADRESSE2", "POSTNR", "ADRESSELBNR", "ADRESSEOPDATERET"]]
    for i in range(40):
        rows.append([fake.name(), fake.street_address(), str(1000 + i * 37), 50000 + i * 91,
                     f"{1 + i % 28:02}-{1 + i % 12:02}-20{10 + i % 10}" if i % 3 else ""])
    found = P.analyse_sheet("kunder", rows)
    assert found is not None and found.count == 40
    for rec, row in zip(found.records, rows[1:], strict=True):
        assert rec.fields["address"] == row[1], (rec.fields, row)
    jp = Faker("ja_JP")
    jp.seed_instance(SEED)
    for header in ["住所変更日", "住所更新日", "住所確認日", "住所登録日", "Address Verified", "住所（更新）"]:  # the last
        # by its values alone: a column of dates
        rows = [["氏名", "住所", header, "電話番号"]]
        for i in range(40):
            rows.append([jp.name(), f"{jp.prefecture()}{jp.city()}{jp.town()}{jp.chome()}{jp.ban()}{jp.gou()}",
                         f"20{10 + i % 10}/{1 + i % 12}/{1 + i % 28}", jp.phone_number()])
        found = P.analyse_sheet("名簿", rows)
        assert found is not None and found.count == 40, header
        assert [r.fields["address"] for r in found.records] == [r[1] for r in rows[1:]], header
