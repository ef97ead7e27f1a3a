"""Header qualifiers and context columns (session 8, tables8), values from Faker ja_JP / en_US with fixed seeds.

- A bracketed qualifier does not change the field: ``Name (confirmed)`` was an organisation column (brackets are
  dropped from the key, and "confirmed" holds "firm"), so a person list with it was nothing; a qualifier that is
  itself a word of ours keeps its meaning (氏名（保護者）, 住所（カタカナ）, 氏名（会社名）).
- Context columns of other sectors are what a client belongs to (在籍校, 保育園, 主治医, 担当営業所: ``provider``),
  and a private person's 勤務先 is context too (``employer``): neither makes a person list business contacts,
  while 会社名, or 勤務先 with a title column, still does; lists of schools or hospitals with their heads stay quiet.
"""

from __future__ import annotations

import pytest

from scanner.detectors.columns import read_header
from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

JA = T.ja_people(12, seed=848)


@pytest.mark.parametrize(("text", "field", "role", "rendition"), [
    ("Name (confirmed)", "name", "", ""), ("氏名（確認済）", "name", "", ""), ("住所(新)", "address", "", ""),
    ("Name (Kanji)", "name", "", ""), ("Address (Romaji)", "address", "", "latin"),
    ("氏名（保護者）", "name", "guardian", ""), ("住所（カタカナ）", "address", "", "kana"),
    ("氏名（会社名）", "organisation", "", ""), ("Name (firm)", "organisation", "", ""),
])
def test_a_bracketed_qualifier_keeps_the_field_unless_it_is_a_word_of_ours(text, field, role, rendition):
    h = read_header(text)
    assert h is not None and (h.field, h.role, h.rendition) == (field, role, rendition)


def test_a_person_list_with_qualified_headers_is_persons():
    rows = [["Name (confirmed)", "Address (confirmed)", "Phone"]] + [[p.roman, p.address, p.phone] for p in JA]
    f = analyse_sheet("s", rows)
    assert f is not None and f.kind == SheetKind.PERSONS and f.count == len(JA)


@pytest.mark.parametrize(("header", "value", "context"), [
    ("在籍校", "{t}小学校", "provider"), ("学校名", "{t}中学校", "provider"), ("保育園", "{t}保育園", "provider"),
    ("主治医", "{t}クリニック", "provider"), ("担当営業所", "{t}営業所", "provider"), ("勤務先", "株式会社{t}", "employer"),
])
def test_a_client_or_member_list_with_a_context_column_stays_persons(header, value, context):
    rows = [["氏名", "住所", "電話番号", header]] + [[p.name, p.address, p.phone, value.format(t=p.town)] for p in JA]
    f = analyse_sheet("s", rows)
    assert f is not None and f.kind == SheetKind.PERSONS and f.count == len(JA) and f.columns[context] == [header]


def test_business_contacts_stay_business():
    company = [["氏名", "会社名", "住所", "電話番号"]] + [[p.name, f"株式会社{p.town}", p.address, p.phone] for p in JA]
    titled = [["氏名", "勤務先", "役職", "住所"]] + [[p.name, f"株式会社{p.town}", "課長", p.address] for p in JA]
    for rows in (company, titled):
        f = analyse_sheet("s", rows)
        assert f is not None and f.kind == SheetKind.BUSINESS and f.count == len(JA)


@pytest.mark.parametrize("rows", [
    [["学校名", "校長名", "所在地", "電話番号"]] + [[f"{p.town}小学校", p.name, p.address, p.phone] for p in JA],
    [["病院名", "院長", "所在地", "電話番号"]] + [[f"{p.town}病院", p.name, p.address, p.phone] for p in JA],
    [["保育園", "園長", "所在地", "電話番号"]] + [[f"{p.town}保育園", p.name, p.address, p.phone] for p in JA],
])
def test_lists_of_schools_hospitals_and_nurseries_stay_quiet(rows):
    assert analyse_sheet("s", rows) is None
