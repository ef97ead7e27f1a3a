"""Masking shows the start of a name, never the whole name: honorifics and titles come off first,
characters are counted (not whitespace tokens), and a sheet name is masked like a name."""

from __future__ import annotations

import pytest

from scanner.masking import mask_address, mask_field, mask_name, name_core

NAMES = [  # (written, shown, hidden part that must not appear)
    ("鈴木一郎太 様", "鈴木**", "一郎太"),
    ("田中次郎左衛門\u3000殿", "田中**", "次郎"),
    ("山田 太郎", "山田 **", "太郎"),
    ("山田\u3000太郎", "山田 **", "太郎"),
    ("山田太郎", "山田**", "太郎"),
    ("林 太郎", "林 **", "太郎"),
    ("林太郎", "林**", "太郎"),
    ("佐々木 花子 さん", "佐々木 **", "花子"),
    ("勅使河原 三郎", "勅使**", "河原"),
    ("山田太郎様方 御中", "山田**", "太郎"),
    ("（故）山田 太郎", "山田 **", "太郎"),
    ("山田太郎（ヤマダタロウ）", "山田**", "ヤマダ"),
    ("★高橋 一 くん", "高橋 **", "一"),
    ("ヤマダ タロウ", "ヤマダ **", "タロウ"),
    ("John Smith", "J**", "Smith"),
    ("Mr. John Smith", "J**", "John"),
    ("Dr Jane Doe", "J**", "Doe"),
    ("ｽｽﾞｷ ﾊﾅｺ様", "スズキ **", "ハナコ"),
]


@pytest.mark.parametrize(("written", "shown", "hidden"), NAMES)
def test_name_is_masked_by_characters_after_honorifics(written: str, shown: str, hidden: str) -> None:
    masked = mask_name(written)
    assert masked == shown
    assert hidden not in masked
    assert masked.endswith("**")


def test_never_the_whole_name_whatever_follows_it() -> None:
    """Whatever honorific, title or remark follows, at most three characters of the name are shown, and
    at least one stays hidden."""
    for name in ["鈴木一郎太", "田中次郎左衛門", "山田花", "長谷川まり子", "Alexander"]:
        for tail in ["", " 様", "様", "　殿", "さん", " 君", "氏", " 御中", "（ヤマダ）", " 先生", " 様方"]:
            masked = mask_name(name + tail)
            shown = masked.removesuffix("**").strip()
            assert len(shown) <= 3 and len(shown) < len(name), (name + tail, masked)
            assert name.startswith(shown), (name + tail, masked)


def test_core_keeps_names_that_only_look_like_affixes() -> None:
    assert name_core("様") == "様"  # nothing but an honorific: kept, then masked like any name
    assert mask_name("様") == "様**"
    assert name_core("Doris Day") == "Doris Day"  # "Dr" is a title only as a word of its own
    assert mask_name("") == ""


def test_fields_and_addresses() -> None:
    assert mask_field("name", "鈴木一郎太 様") == "鈴木**"
    assert mask_field("reading", "スズキ イチロウタ サマ") == "スズキ **"
    assert mask_address("東京都小金井市本町3-12-5") == "東京都小金井市***"
    assert mask_field("phone", "090-1234-5678") == "0***"
