"""Every name rule in signatures/name_variants.toml, read from the file: its positive and negative examples.

A rule without an example of each kind, an origin, a description or a label in both languages fails here.
Each example is tried for three named files (the demo's, a keyword-free one, and one whose UTF-8 bytes read
as cp932 losslessly), in NFC, NFD (macOS), full-width, half-width and upper-case forms; decorated
look-alikes of each named file (another year, a part of the name, a truncated name) must meet no name rule.
"""

from __future__ import annotations

import email.header
import re
import unicodedata
import urllib.parse

import jaconv
import pytest

from scanner import rules
from scanner.codes import Reason
from scanner.names import NameRules, split_ext

TARGETS = ["介護予防_利用者名簿.xlsx", "2017年度_集計.xlsx", "ケアプラン一覧.xlsx"]
DATA = rules.load("name_variants")
# the sections whose rules are matched by name, with the reason their examples must give
SECTIONS = {"rule": None, "decoration": Reason.NAME_VARIANT, "lock": None, "mojibake": None}
ENTRIES = [(s, e) for s in SECTIONS for e in DATA.get(s, [])] + [("contains", e) for e in DATA["contains"]["hint"]]
PLACEHOLDER = re.compile(r"\{(name|stem|ext)(?:@([\w-]+)>([\w-]+))?\}")


def _windows_decode(raw: bytes, encoding: str) -> str:
    """bytes -> text as Windows shows them: cp1252's five undefined bytes become C1 controls, not errors."""
    if encoding == "cp1252":
        return "".join(bytes([b]).decode("cp1252", errors="strict") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
                       else chr(b) for b in raw)
    return raw.decode(encoding)


def expand(template: str, target: str) -> str | None:
    """A rule example for one named file; None when its mojibake form is not a lossless round trip."""
    stem, ext = split_ext(target)
    parts = {"name": target, "stem": stem, "ext": ext}

    def one(m: re.Match[str]) -> str:
        text = parts[m.group(1)]
        if m.group(3) == "percent":  # {name@utf-8>percent}: the %XX escapes of the name's bytes
            text = urllib.parse.quote(text.encode(m.group(2)), safe=" ()")
        elif m.group(3) in ("mime-word", "mime-word-windows"):  # an RFC 2047 word; on Windows ? stands as _
            text = email.header.Header(text, m.group(2), maxlinelen=10_000).encode()
            text = text.replace("?", "_") if m.group(3) == "mime-word-windows" else text
        elif m.group(2):  # {name@cp932>cp437}: the name's cp932 bytes read as code page 437
            text = _windows_decode(text.encode(m.group(2)), m.group(3))
        return text

    try:
        return PLACEHOLDER.sub(one, template)
    except UnicodeError:
        return None


def forms(name: str, mojibake: bool) -> list[str]:
    """The same name as macOS, full-width, half-width and upper-case writers store it."""
    out = [name, unicodedata.normalize("NFD", name)]
    if not mojibake:  # a mojibake name is what a tool wrote: only macOS decomposes it again
        out += [jaconv.h2z(name, kana=False, ascii=True, digit=True), jaconv.z2h(name, kana=True, ascii=False, digit=False),
                name.upper()]
    return list(dict.fromkeys(out))


@pytest.fixture(scope="module")
def named() -> dict[str, NameRules]:
    return {t: NameRules([t]) for t in TARGETS}


def _rule_parts(match) -> list[str]:
    return match.rule.split("+") if match else []


def _strongest(r: NameRules, name: str):
    return next((m for m in r.match(name) if m.reason != Reason.NAME_KEYWORD), None)


@pytest.mark.parametrize(("section", "entry"), ENTRIES, ids=[e["name"] for _s, e in ENTRIES])
def test_every_rule_is_documented_and_has_both_kinds_of_example(section: str, entry: dict) -> None:
    for key in ("origin", "description", "label_ja", "label_en"):
        assert entry.get(key, "").strip(), f"{entry['name']}: no {key}"
    assert entry.get("examples"), f"{entry['name']}: no positive example"
    assert entry.get("not_examples"), f"{entry['name']}: no negative example"
    for template in entry["examples"]:
        assert any(expand(template, t) for t in TARGETS), f"{entry['name']}: {template} fits no named file"


def _cases(kind: str) -> list[tuple[str, str, str]]:
    return [(s, e["name"], x) for s, e in ENTRIES for x in e[kind]]


@pytest.mark.parametrize(("section", "rule", "template"), _cases("examples"))
def test_positive_example_meets_its_rule(named: dict[str, NameRules], section: str, rule: str, template: str) -> None:
    tried = 0
    for target in TARGETS:
        name = expand(template, target)
        if name is None:
            continue
        for form in forms(name, section == "mojibake"):
            m = _strongest(named[target], form)
            assert m is not None and rule in _rule_parts(m), (target, form, m)
            assert m.target == target
            if section == "contains":
                assert m.reason == Reason.NAME_CONTAINS, (form, m)
            elif section in ("decoration", "lock") or rule == "other-extension":
                assert m.reason == Reason.NAME_VARIANT, (form, m)
            elif rule == "exact":
                assert m.reason == Reason.NAME, (form, m)
            tried += 1
    assert tried


@pytest.mark.parametrize(("section", "rule", "template"), _cases("not_examples"))
def test_negative_example_does_not_meet_its_rule(named: dict[str, NameRules], section: str, rule: str,
                                                 template: str) -> None:
    for target in TARGETS:
        name = expand(template, target)
        if name is None:
            continue
        for form in forms(name, section == "mojibake"):
            assert rule not in _rule_parts(_strongest(named[target], form)), (target, form)


def look_alikes(target: str) -> list[str]:
    """Stems an investigator must not be shown: another number in the same place, a part, a truncation."""
    stem, _ext = split_ext(target)
    out = []
    for m in re.finditer(r"\d+", stem):
        for delta in (-1, 1):
            out.append(stem[:m.start()] + str(int(m.group()) + delta).zfill(len(m.group())) + stem[m.end():])
    out += [p for p in re.split(r"[_\s-]", stem) if p and p != stem]
    out += [stem[:-1], stem[1:], stem[: len(stem) // 2]]
    return [s for s in dict.fromkeys(out) if s and stem not in s]


def test_look_alikes_are_generated() -> None:
    assert "2016年度_集計" in look_alikes("2017年度_集計.xlsx")
    assert {"集計", "2017年度", "2017年度_集"} <= set(look_alikes("2017年度_集計.xlsx"))


@pytest.mark.parametrize("target", TARGETS)
def test_decorated_look_alikes_stay_quiet(named: dict[str, NameRules], target: str) -> None:
    """Every positive example of every rule, built on a look-alike stem, meets no name rule of the target."""
    stem, ext = split_ext(target)
    checked = 0
    for other in look_alikes(target):
        for _section, entry in ENTRIES:
            if entry["name"] == "owner-file" and stem.endswith(other):
                continue  # '~$' + the stem less its first characters IS Office's short owner-file form
            for template in entry["examples"]:
                name = expand(template, other + ext)
                if name is None:
                    continue
                found = [m for m in named[target].match(name) if m.reason != Reason.NAME_KEYWORD]
                assert found == [], (name, found)
                checked += 1
    assert checked > 100


def test_rules_have_unique_names() -> None:
    names = [e["name"] for _s, e in ENTRIES] + [e["name"] for e in DATA.get("promotion", [])]
    assert len(names) == len(set(names))


def test_readme_lists_every_rule_with_an_example() -> None:
    """The README's Name rules section names every rule of the file, each on a line with an example."""
    from conftest import documentation

    readme = documentation()  # README.md + docs/reference.md (the section moved there) + docs/guide.ja.md
    section = re.search(r"^## Name rules\n(.*?)(?=^## )", readme, re.S | re.M).group(1)  # type: ignore[union-attr]
    for _s, entry in [*ENTRIES, *(("promotion", e) for e in DATA.get("promotion", []))]:
        lines = [ln for ln in section.splitlines() if f"`{entry['name']}`" in ln]
        assert lines, f"README Name rules: {entry['name']} missing"
        if _s in ("decoration", "lock"):
            assert any(ln.count("`") >= 4 for ln in lines), f"README Name rules: {entry['name']} has no example"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_rule_has_plain_words_in_the_report(lang: str) -> None:
    """The report's words for each rule come from the rule files: none may fall back to the code."""
    from reports.rulewords import rule_words
    from scanner.names import rule_catalogue

    catalogue = rule_catalogue()
    assert any(k.startswith("keyword:") for k in catalogue) and "promoted-same-sha256" in catalogue
    for code in catalogue:
        words = rule_words(f"name-variant:{code}", lang)
        assert words != f"name-variant:{code}" and words.strip(), code
    combined = rule_words("name-variant:owner-file+windows-copy-ja+other-extension", lang)
    assert combined.count(" + ") == 2
    assert rule_words("pii:name+address", lang) == "pii:name+address"  # content rules keep their code


def test_schema_lists_every_reason() -> None:
    """findings.schema.json's reason enum is exactly the codes (a new reason must be added to both)."""
    import json
    from importlib import resources

    schema = json.loads(resources.files("scanner").joinpath("schemas/findings.schema.json").read_text("utf-8"))
    assert set(schema["$defs"]["reason"]["enum"]) == set(Reason)


SPELLING = DATA["spelling"]


@pytest.mark.parametrize("example", SPELLING["examples"])
def test_a_stem_with_its_separators_written_another_way_is_a_copy_or_a_lead(example: str) -> None:
    """Session 8: `介護予防 利用者名簿.xlsx` for `--name 介護予防_利用者名簿.xlsx` (retyped, tidied, an upload that
    replaced spaces) was no hit at all. The rule's examples are for the demo's named file, in every written form."""
    r = NameRules([TARGETS[0]], use_keywords=False)
    for form in forms(example, mojibake=False):
        m = _strongest(r, form)
        assert m is not None and m.reason in (Reason.NAME_VARIANT, Reason.NAME_CONTAINS), form
        assert SPELLING["name"] in _rule_parts(m), (form, m)


@pytest.mark.parametrize("example", SPELLING["not_examples"])
def test_separators_alone_do_not_make_a_copy(example: str) -> None:
    """Separators added inside a piece, or a piece left out, are another name; the name as given stays exact."""
    r = NameRules([TARGETS[0]], use_keywords=False)
    m = _strongest(r, example)
    assert m is None or SPELLING["name"] not in _rule_parts(m), (example, m)


def test_a_respelt_name_is_never_the_named_file_itself() -> None:
    r = NameRules(["2017年度_集計.xlsx"], use_keywords=False)
    assert r.stem_target("2017年度 集計.xls") is None and r.stem_target("2017年度_集計.xls") == "2017年度_集計.xlsx"
    assert [(m.reason, m.rule) for m in r.match("2017年度集計.xlsx")] == [(Reason.NAME_VARIANT, SPELLING["name"])]
    given_without = NameRules(["ケアプラン一覧2017.xlsx"], use_keywords=False)  # separators where none were given
    for name in ("ケアプラン一覧_2017.xlsx", "ケアプラン 一覧 2017 - コピー.xlsx", "~$ケアプラン一覧-2017.xlsx"):
        m = _strongest(given_without, name)
        assert m is not None and m.reason == Reason.NAME_VARIANT and SPELLING["name"] in _rule_parts(m), name
    framed = "\0" + "\0".join(["a.txt", "ケアプラン 一覧 2017.xlsx", "ケアプラン一覧.xlsx"]) + "\0"
    assert given_without.maybe_matching(framed) == [1]  # the folder pre-check lets it through
    assert not NameRules(["名_簿.xlsx"], use_keywords=False).match("名簿.xlsx")  # too short to be evidence


def test_a_name_saved_as_folded_encoded_words_is_recovered() -> None:
    """Session 8: a mail client that saves the attachment under its header name keeps RFC 2047's folding: words
    separated by white space, which is no part of the name (and a / a file system refused, written as _)."""
    r = NameRules([TARGETS[0]], use_keywords=False)
    folded = email.header.Header(TARGETS[0], "utf-8", maxlinelen=40).encode()
    assert folded.count("=?") > 1
    for name in (folded.replace("\n", ""), folded.replace("?", "_").replace("\n", "")):
        assert [m.rule for m in r.match(name)] == ["mime-encoded-word+exact"], name
    assert not r.match("=?utf-8?b?not-base64!?=.xlsx") and not r.match("100%25 done.xlsx")
