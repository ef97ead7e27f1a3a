"""Name rules: the named file, every copy decoration, owner files, NFKC/case/NFD, keywords, negatives."""

from __future__ import annotations

import pytest
from tree_data import KEYWORDS, LEADS, LEAKED, LOOK_ALIKES, NO_KEYWORD, NOT_COPIES, SAME_NAME, VARIANTS, nfd

from scanner.codes import Reason
from scanner.names import NameRules, normalise_name


@pytest.fixture(scope="module")
def rules() -> NameRules:
    return NameRules([LEAKED])


def _strong(matches) -> list[tuple[str, str]]:
    """The copy rules met (name, name-variant): leads by contained stem or keyword left out."""
    return [(m.reason, m.rule) for m in matches if m.reason in (Reason.NAME, Reason.NAME_VARIANT)]


def _by_name(matches) -> list[tuple[str, str]]:
    """Every name rule met except keywords."""
    return [(m.reason, m.rule) for m in matches if m.reason != Reason.NAME_KEYWORD]


def test_exact_name(rules: NameRules) -> None:
    assert _strong(rules.match(LEAKED)) == [(Reason.NAME, "exact")]


@pytest.mark.parametrize("name", SAME_NAME)
def test_same_name_after_nfkc_and_case(rules: NameRules, name: str) -> None:
    assert _strong(rules.match(name)) == [(Reason.NAME, "exact")]


@pytest.mark.parametrize(("name", "rule"), VARIANTS)
def test_every_variant_form(rules: NameRules, name: str, rule: str) -> None:
    matches = rules.match(name)
    assert _strong(matches) == [(Reason.NAME_VARIANT, rule)]
    assert matches[0].target == LEAKED


@pytest.mark.parametrize(("name", "rule"), VARIANTS[:8])
def test_variant_forms_in_full_width_and_upper_case(rules: NameRules, name: str, rule: str) -> None:
    wide = name.replace("(", "（").replace(")", "）").replace("_", "＿").replace(".xlsx", ".XLSX")
    assert wide != name
    assert _strong(rules.match(wide)) == [(Reason.NAME_VARIANT, rule)]


@pytest.mark.parametrize("name", NOT_COPIES)
def test_not_a_copy(rules: NameRules, name: str) -> None:
    assert _strong(rules.match(name)) == []


@pytest.mark.parametrize(("name", "hint"), LEADS)
def test_names_holding_the_stem_are_leads(rules: NameRules, name: str, hint: str) -> None:
    matches = rules.match(name)
    assert _by_name(matches) == [(Reason.NAME_CONTAINS, hint)]
    assert matches[0].target == LEAKED


@pytest.mark.parametrize("name", LOOK_ALIKES)
def test_look_alikes_meet_no_name_rule(rules: NameRules, name: str) -> None:
    assert _by_name(rules.match(name)) == []


def test_macos_nfd_names_match() -> None:
    """A target with voiced kana: NFD splits デ into テ + U+3099; NFKC joins it again."""
    target = "顧客データ_バックアップ.xlsx"
    r = NameRules([target], use_keywords=False)
    decomposed = nfd(target)
    assert decomposed != target
    assert _strong(r.match(decomposed)) == [(Reason.NAME, "exact")]
    assert _strong(r.match(nfd("顧客データ_バックアップ - コピー.xlsx"))) == [(Reason.NAME_VARIANT, "windows-copy-ja")]
    assert _strong(r.match(nfd("顧客データ_バックアップ.pdf"))) == []


def test_owner_file_short_target_needs_a_stem() -> None:
    r = NameRules(["ab.xlsx"], use_keywords=False)
    assert _strong(r.match("~$ab.xlsx")) == [(Reason.NAME_VARIANT, "owner-file")]
    assert _by_name(r.match("~$.xlsx")) == []
    assert _by_name(r.match("~$b.xlsx")) == []


def test_owner_file_short_forms_follow_words_rule() -> None:
    """Word drops the first character of a 7-character stem and the first two of a longer one."""
    seven = NameRules(["abcdefg.docx"], use_keywords=False)
    assert _strong(seven.match("~$bcdefg.docx")) == [(Reason.NAME_VARIANT, "owner-file")]
    assert _by_name(seven.match("~$cdefg.docx")) == []
    eight = NameRules(["abcdefgh.docx"], use_keywords=False)
    assert _strong(eight.match("~$cdefgh.docx")) == [(Reason.NAME_VARIANT, "owner-file")]
    assert _by_name(eight.match("~$bcdefgh.docx")) == []


def test_target_given_as_a_path_and_several_targets() -> None:
    r = NameRules([r"C:\共有\介護予防_利用者名簿.xlsx", "会計.xlsx"], use_keywords=False)
    assert _strong(r.match(LEAKED)) == [(Reason.NAME, "exact")]
    assert _strong(r.match("会計 (2).xlsx")) == [(Reason.NAME_VARIANT, "numbered")]
    assert r.match("会計.xlsx")[0].target == "会計.xlsx"
    assert _strong(r.match("予算.xlsx")) == []


def test_no_targets_means_no_name_hits() -> None:
    r = NameRules([], use_keywords=False)
    assert r.match(LEAKED) == [] and r.match("~$" + LEAKED) == []


@pytest.mark.parametrize(("rule", "name"), [(k, n) for k, names in KEYWORDS.items() for n in names])
def test_keyword_rules(rule: str, name: str) -> None:
    r = NameRules([])
    found = [m.rule for m in r.match(name)]
    assert f"keyword:{rule}" in found
    assert all(m.reason == Reason.NAME_KEYWORD for m in r.match(name))


@pytest.mark.parametrize("name", NO_KEYWORD)
def test_keyword_negatives(name: str) -> None:
    assert NameRules([]).match(name) == []


def test_keywords_can_be_turned_off() -> None:
    assert NameRules([], use_keywords=False).match("職員名簿.xlsx") == []
    assert [m.reason for m in NameRules([LEAKED], use_keywords=False).match(LEAKED)] == [Reason.NAME]


def test_each_keyword_reported_once() -> None:
    found = NameRules([]).match("名簿_名簿_めいぼ.xlsx")
    assert [m.rule for m in found] == ["keyword:meibo"]


def test_normalise_name() -> None:
    assert normalise_name("介護予防＿利用者名簿.XLSX") == "介護予防_利用者名簿.xlsx"
    assert normalise_name("ﾒｲﾎﾞ.CSV. ") == "メイボ.csv"
