"""Session 9 review (review9c) of tables9: household / 連名 columns, example rows, fused two-line cells.

Values from Faker ja_JP (fixed seed, not the seeds tables9 tuned to), never real data. Found wrong on main efa6ed7:
- a household column holding counts (``2人``, ``3名``), yes/no words (``あり`` / ``なし``, ``有`` / ``無`` on a short
  list) or relationship words (``妻・長男``) made each value a person at the row's address;
- a 連名 cell that is an honorific or a word (``様``, ``御中``, ``代理人``) or a company, beside names, was a person;
- ``佐藤一郎・鈴木花子`` (two full names) gave ``佐藤 鈴木花子``;
- a real list whose column holds サンプル / 見本 as a value (a sample-request list) lost its first rows as examples;
- one-line cells under a fused ``フリガナ⏎氏名`` header (a person without a reading) were read as the reading: lost.
"""

from __future__ import annotations

import pytest

from scanner.codes import Rejection
from scanner.detectors.pii import SheetKind, analyse_sheet
from tests import person_tables_data as T

PS = T.ja_people(12, seed=93011)
OTHERS = T.ja_people(12, seed=93012)


def _names(f) -> list[str]:
    assert f is not None and f.kind == SheetKind.PERSONS, f
    return sorted(r.fields["name"].replace(" ", "") for r in f.records)


def _rows_only(f, ps=PS) -> None:
    assert _names(f) == sorted(p.name_unspaced for p in ps)


# --- household columns that hold no names ------------------------------------------------------------------

@pytest.mark.parametrize(("head", "value"), [
    ("子供1", lambda i: f"{i % 3}人"), ("家族", lambda i: f"{i + 1}名"), ("家族", lambda i: f"扶養{'あり' if i % 2 else 'なし'}"),
    ("配偶者", lambda i: "あり" if i % 2 else "なし"), ("配偶者", lambda i: "有り" if i % 3 else "無し"),
    ("家族", lambda i: ("妻・長男", "夫", "妻・長女・次男", "")[i % 4]), ("同居家族", lambda i: ("父", "母", "父・母", "")[i % 4]),
])
def test_a_household_column_of_counts_words_or_relations_adds_no_one(head, value):
    rows = [["氏名", "住所", head]] + [[p.name, p.address, value(i)] for i, p in enumerate(PS)]
    _rows_only(analyse_sheet("職員名簿", rows))


def test_a_yes_no_household_column_on_a_short_list_adds_no_one():
    ps = PS[:3]
    rows = [["氏名", "住所", "配偶者"]] + [[p.name, p.address, "有" if i % 2 else "無"] for i, p in enumerate(ps)]
    _rows_only(analyse_sheet("名簿", rows), ps)


@pytest.mark.parametrize("junk", ["様", "御中", "株式会社ミライ商事", "他2名", "一同", "ほか", "妻"])
def test_words_in_a_joint_column_of_names_add_no_one(junk):
    """The column is names (so it is read), but two cells hold an honorific, 御中, a company, a count or a relation."""
    rows = [["氏名", "連名", "住所"]] + [[p.name, junk if i in (1, 6) else o.given, p.address]
                                       for i, (p, o) in enumerate(zip(PS, OTHERS, strict=True))]
    f = analyse_sheet("年賀状", rows)
    want = sorted([p.name_unspaced for p in PS] + [p.family + o.given for i, (p, o) in enumerate(zip(PS, OTHERS, strict=True))
                                                    if i not in (1, 6)])
    assert _names(f) == want


@pytest.mark.parametrize("tail", ["様", "御中", "代理人", "他", "外1名", "社長", "会長", "様方", "院長"])
def test_a_word_after_a_middle_dot_in_the_name_cell_is_no_person(tail):
    rows = [["氏名", "住所"]] + [[p.name_unspaced + ("・" + tail if i == 0 else ""), p.address] for i, p in enumerate(PS)]
    f = analyse_sheet("名簿", rows)
    assert len(f.records) == len(PS)
    assert all(tail not in r.fields["name"] for r in f.records[1:])


def test_two_full_names_after_a_middle_dot_stay_two_full_names():
    rows = [["氏名", "住所"]] + [[f"{p.name_unspaced}・{o.name_unspaced}", p.address] for p, o in zip(PS, OTHERS, strict=True)]
    assert _names(analyse_sheet("名簿", rows)) == sorted([p.name_unspaced for p in PS] + [o.name_unspaced for o in OTHERS])


# --- example rows: a mark that is a column's value ------------------------------------------------------------

@pytest.mark.parametrize("mark", ["サンプル", "見本"])
def test_a_column_holding_an_example_word_as_its_value_keeps_every_row(mark):
    """A sample-request list: 送付物 holds サンプル or カタログ on every row; its first rows are real people."""
    ps = T.ja_people(20, seed=93013)
    rows = [["氏名", "住所", "送付物"]] + [[p.name, p.address, mark if i % 3 != 2 else "カタログ"] for i, p in enumerate(ps)]
    f = analyse_sheet("送付リスト", rows)
    _rows_only(f, ps)
    assert Rejection.EXAMPLE not in f.rejected


def test_an_example_mark_after_a_real_row_is_a_value():
    """Examples come first: a mark on row 3 under two real persons is that row's value, not a template's example."""
    rows = [["氏名", "住所", "備考"]] + [[p.name, p.address, "見本" if i == 2 else ""] for i, p in enumerate(PS)]
    _rows_only(analyse_sheet("名簿", rows))


def test_an_example_row_first_is_still_left_out():
    rows = [["No", "氏名", "住所"], ["例", "見本 花子", "東京都千代田区霞が関1-1-1"]]
    rows += [[i, p.name, p.address] for i, p in enumerate(PS, 1)]
    f = analyse_sheet("名簿", rows)
    _rows_only(f)
    assert f.rejected.get(Rejection.EXAMPLE) == 1


# --- fused two-line cells: a cell of one line ------------------------------------------------------------------

@pytest.mark.parametrize("head", ["フリガナ\n氏名", "氏名\nフリガナ"])
def test_a_one_line_cell_under_a_fused_header_is_the_field_it_fits(head):
    kana_first = head.startswith("フ")
    def cell(i, p):
        if i % 3 == 0:
            return p.name  # no reading written
        return f"{p.kana}\n{p.name}" if kana_first else f"{p.name}\n{p.kana}"
    rows = [[head, "住所"]] + [[cell(i, p), p.address] for i, p in enumerate(PS)]
    _rows_only(analyse_sheet("名簿", rows))


def test_three_line_cells_under_a_header_naming_two_fields_are_split():
    """フリガナ⏎氏名 over cells with a third line (a birth date): the two named lines are read, the person counted."""
    rows = [["フリガナ\n氏名", "住所"]] + [[f"{p.kana}\n{p.name}\n{p.birth}", p.address] for p in PS]
    f = analyse_sheet("名簿", rows)
    _rows_only(f)
    assert {r.fields.get("reading") for r in f.records} == {p.kana for p in PS}


def test_three_line_cells_under_a_header_naming_three_fields_are_split():
    rows = [["フリガナ\n氏名\n電話番号", "住所"]] + [[f"{p.kana}\n{p.name}\n{p.phone}", p.address] for p in PS]
    f = analyse_sheet("名簿", rows)
    _rows_only(f)
    assert {(r.fields.get("reading"), r.fields.get("phone")) for r in f.records} == {(p.kana, p.phone) for p in PS}


@pytest.mark.parametrize("head", ["氏名\n生年月日", "生年月日\n氏名", "氏名\n性別"])
def test_a_fused_header_naming_a_field_without_a_value_test_does_not_crash(head):
    """Before: KeyError (no value test for birth / sex lines): the whole file failed, its persons lost."""
    second = "birth" if "生年月日" in head else "sex"
    cell = (lambda p: f"{getattr(p, second)}\n{p.name}") if head.startswith("生") else (lambda p: f"{p.name}\n{getattr(p, second)}")
    rows = [[head, "住所"]] + [[cell(p), p.address] for p in PS]
    _rows_only(analyse_sheet("名簿", rows))


# --- short split-address headers (区, 地番) over values that are no address --------------------------------------

@pytest.mark.parametrize(("head", "value"), [("区", lambda i: f"{i % 4 + 1}区"), ("地番", lambda i: f"{i + 10}番"),
                                             ("町", lambda i: f"{i % 3 + 1}組")])
def test_a_names_list_with_a_district_number_column_stays_a_names_lead(head, value):
    """区 / 地番 / 町 became address words (tables9); a 地区 number (1区) or a lot number alone passed the column's
    check, every row was then rejected for its address and the names list gave nothing (before tables9: a lead)."""
    rows = [["氏名", head, "電話番号"]] + [[p.name, value(i), p.phone] for i, p in enumerate(PS)]
    f = analyse_sheet("名簿", rows)
    assert f is not None and f.kind == SheetKind.NAMES and f.count == len(PS)


# --- example forms: a mark above the name that is a hint's label or a field's value --------------------------------

def _filled_form(p, above):
    return [["利用申込書", "", "", ""], *above, ["氏名", p.name, "", ""], ["住所", p.address, "", ""], ["電話番号", p.phone, "", ""]]


@pytest.mark.parametrize("above", [[["申込日", "令和6年5月1日", "（例）", "令和6年4月1日"]], [["申込日", "2024/05/01", "例", "2024/04/01"]],
                                   [["申込区分", "見本"]], [["品目", "サンプル", "数量", "2"]]])
def test_a_filled_form_with_a_hint_or_a_sample_value_above_the_name_keeps_its_person(above):
    """A template hint kept on a filled form (（例） then the hint text), or サンプル / 見本 as a field's value, above the
    name: the form is real (before: no person, silently)."""
    p = PS[3]
    f = analyse_sheet("申込書", _filled_form(p, above))
    assert f is not None and [r.fields["name"] for r in f.records] == [p.name]


@pytest.mark.parametrize("above", [[["【記入例】", "", "", ""]], [["", "", "", "記入例"]]])
def test_a_form_marked_as_an_example_on_a_row_of_its_own_is_no_person(above):
    assert analyse_sheet("申込書", _filled_form(PS[4], above)) is None


def test_a_two_line_row_past_the_sample_with_an_extra_cell_keeps_its_person():
    """A note typed beyond the sheet's last column on a row past the sample: the row was left unsplit, its person
    lost without a rejection."""
    from scanner.detectors.pii import HEADER_SCAN_ROWS, SAMPLE_ROWS

    n = HEADER_SCAN_ROWS + SAMPLE_ROWS + 5
    ps = (PS * (n // len(PS) + 1))[:n]
    rows = [["No", "フリガナ\n氏名", "住所"]] + [[i, f"{p.kana}\n{p.name}", p.address, *(["", "要連絡"] if i == n - 2 else [])]
                                            for i, p in enumerate(ps)]
    f = analyse_sheet("名簿", rows)
    assert f is not None and f.count == n and not f.rejected


@pytest.mark.parametrize(("head", "cell"), [("氏名\n(フリガナ)", lambda p: f"{p.name}\n({p.kana})"),
                                            ("氏名\n（ふりがな）", lambda p: f"{p.name}\n（{p.kana}）"),
                                            ("氏名", lambda p: f"{p.kana}\n{p.name}"),
                                            ("名前", lambda p: f"{p.name}\n{p.kana}")])
def test_a_name_cell_with_its_reading_on_a_second_line_is_split(head, cell):
    """Before: the name read was both lines (佐藤 零⏎(サトウ レイ)): the same person elsewhere did not match it."""
    rows = [[head, "住所"]] + [[cell(p), p.address] for p in PS]
    f = analyse_sheet("名簿", rows)
    assert f is not None and sorted(r.fields["name"] for r in f.records) == sorted(p.name for p in PS)
    assert {r.fields.get("reading") for r in f.records} == {p.kana for p in PS}


@pytest.mark.parametrize("head", ["フリガナ\n保護者氏名", "保護者氏名\nフリガナ"])
def test_a_roles_fused_two_line_column_keeps_its_role(head):
    """児童氏名 | フリガナ⏎保護者氏名 (a school 連絡網): before, the fused cell was rewritten as a plain 氏名 | フリガナ,
    the guardians were lost and their readings given to the children."""
    kids = OTHERS
    first = head.startswith("フ")
    rows = [["児童氏名", head, "住所"]] + [[k.name, f"{p.kana}\n{p.name}" if first else f"{p.name}\n{p.kana}", p.address]
                                        for k, p in zip(kids, PS, strict=True)]
    f = analyse_sheet("連絡網", rows)
    assert f is not None
    got = {(r.fields["name"], r.fields.get("reading") or "") for r in f.records}
    assert {(p.name, p.kana) for p in PS} <= got
    assert not {k.name for k in kids} & {n for n, reading in got if reading}


# --- an organisation in the name column (with or without ・) -------------------------------------------------------

@pytest.mark.parametrize("org", ["山田・田中法律事務所", "佐藤税理士事務所", "鈴木商店", "高橋建設", "ミライ商事", "中央薬局"])
def test_an_office_or_shop_in_the_name_column_is_no_person(org):
    rows = [["氏名", "住所"]] + [[org if i == 2 else p.name, p.address] for i, p in enumerate(PS)]
    f = analyse_sheet("顧客名簿", rows)
    assert org not in [r.fields["name"] for r in f.records] and len(f.records) == len(PS) - 1
    assert f.rejected.get(Rejection.NOT_A_NAME) == 1


# --- a role's numbered name columns that are one name's parts or lines (not numbered persons) ------------------------

@pytest.mark.parametrize(("head", "cells"), [
    (["児童氏名", "保護者氏名1", "保護者氏名2", "住所"], lambda k, p: [k.name, p.family, p.given, k.address]),
    (["氏名", "住所", "緊急連絡先氏名1", "緊急連絡先氏名2", "緊急連絡先電話"], lambda k, p: [k.name, k.address, p.family, p.given, p.phone]),
    (["送付先氏名1", "送付先氏名2", "送付先住所"], lambda k, p: [p.name, "様方", k.address]),
])
def test_numbered_name_columns_of_a_role_without_data_of_their_own_are_one_person(head, cells):
    """姓 | 名 as 氏名1 | 氏名2, or a 宛名 in two lines (氏名, 様方): tables9 made each number a person (斎藤, くみ子, 様方).
    One person per row (its name from the first column, as before tables9: joining the parts is left open)."""
    rows = [head] + [cells(k, p) for k, p in zip(OTHERS, PS, strict=True)]
    f = analyse_sheet("名簿", rows)
    assert f is not None
    names = [r.fields["name"].replace(" ", "") for r in f.records if r.fields["name"] not in {k.name for k in OTHERS}]
    assert len(names) == len(PS)
    assert all(p.name_unspaced.startswith(n) for n, p in zip(names, PS, strict=True)), names
