"""Session 8 review: names saved encoded, separator variants, and digits (review8b).

Each case is a name another tool really writes (email.header's Q words, urllib's quoting, Explorer's copy
suffix on a downloaded name) or a different file whose name differs only where its separators split a number.
"""

from __future__ import annotations

import quopri
import urllib.parse

import pytest

from scanner.codes import Reason
from scanner.names import NameRules

TARGET = "介護予防_利用者名簿.xlsx"


@pytest.fixture(scope="module")
def rules() -> NameRules:
    return NameRules([TARGET], use_keywords=False)


def _copy_or_name(r: NameRules, name: str) -> list[str]:
    pre = r.maybe_matching("\0" + name + "\0")
    assert pre == [0], (name, pre)  # the folder pre-check must let it through too
    return [m.rule for m in r.match(name) if m.reason in (Reason.NAME, Reason.NAME_VARIANT)]


def _q_word(text: str) -> str:
    """An RFC 2047 Q word as email.header writes it: a space as _, other bytes as =XX."""
    body = quopri.encodestring(text.encode(), header=True).decode().replace("=\n", "")
    return f"=?utf-8?q?{body}?="


def test_a_q_word_holding_a_space_is_recovered(rules: NameRules) -> None:
    name = _q_word("介護予防 利用者名簿.xlsx")  # the _ inside the payload is a space, not the word's end
    assert "_=" in name
    assert _copy_or_name(rules, name) == ["mime-encoded-word+separator-variant"]


def test_a_percent_encoded_name_copied_by_explorer_is_recovered(rules: NameRules) -> None:
    quoted = urllib.parse.quote("介護予防_利用者名簿")
    assert _copy_or_name(rules, quoted + " - コピー.xlsx") == ["percent-encoded-utf8+windows-copy-ja"]


def test_a_cp932_percent_name_with_ascii_trail_bytes_still_decodes() -> None:
    r = NameRules(["アイ名簿.xlsx"], use_keywords=False)  # ア = 83 41: urllib leaves the trail byte as "A"
    quoted = urllib.parse.quote("アイ名簿".encode("cp932"))
    assert "%83A" in quoted
    assert _copy_or_name(r, quoted + " - コピー.xlsx") == ["percent-encoded-cp932+windows-copy-ja"]


@pytest.mark.parametrize("name, rule", [
    (urllib.parse.quote("介護予防 利用者名簿") + ".xlsx", "percent-encoded-utf8+separator-variant"),
    ("介護予防利用者名簿.xlsx".encode("cp932").decode("cp437"), "cp932-as-cp437+separator-variant"),
])
def test_an_encoded_or_mojibake_name_with_other_separators_is_a_copy(rules: NameRules, name: str,
                                                                     rule: str) -> None:
    assert _copy_or_name(rules, name) == [rule]


@pytest.mark.parametrize("target, other", [
    ("名簿_1_12.xlsx", "名簿_11_2.xlsx"),  # 1 December / 11 February
    ("client_list_2019.xlsx", "client_list_201_9.xlsx"),
    ("client_list_2019.xlsx", "client-list-20-19.xlsx"),
    ("利用者名簿_v10.xlsx", "利用者名簿_v1_0.xlsx"),
])
def test_a_separator_inside_a_number_makes_another_name(target: str, other: str) -> None:
    r = NameRules([target], use_keywords=False)
    assert [m for m in r.match(other) if m.reason in (Reason.NAME, Reason.NAME_VARIANT)] == []


@pytest.mark.parametrize("target, same", [
    ("名簿_1_12.xlsx", "名簿-1-12.xlsx"),
    ("名簿_2019-01-15.xlsx", "名簿 20190115.xlsx"),  # separators between numbers left out: still that date
    ("client_list_2019.xlsx", "client-list-2019.xlsx"),
    ("client_list_2019.xlsx", "ClientList2019.xlsx"),
])
def test_separators_between_numbers_may_still_change_or_go(target: str, same: str) -> None:
    r = NameRules([target], use_keywords=False)
    assert [m.rule for m in r.match(same)] == ["separator-variant"]


def test_encoded_words_that_split_a_character_are_joined(rules: NameRules) -> None:
    """Some mailers cut a long name into words by bytes, not characters (RFC 2047 forbids it; Python's
    email.header.decode_header joins adjacent words of one charset before decoding, so mail clients read it)."""
    import base64
    import email.header

    raw = TARGET.encode()
    words = [f"=?UTF-8?B?{base64.b64encode(part).decode()}?=" for part in (raw[:10], raw[10:20], raw[20:])]
    name = " ".join(words)
    assert "".join(str(b, c) for b, c in email.header.decode_header(name)) == TARGET  # how a mail client reads it
    assert _copy_or_name(rules, name) == ["mime-encoded-word+exact"]
