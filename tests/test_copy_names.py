"""Red team of the copy names (Session 9): every name a copy of the named file really gets, from Windows,
macOS, Linux, Office, browsers, sync clients and people, written here from how those programs name files, not
from signatures/name_variants.toml's examples (tests/test_name_rules.py checks those).

For a Japanese and an ASCII named file, each given with and without its extension:
* a copy name must be a hit (reason ``name`` or ``name-variant``) whose every rule has plain words in both
  languages (the report says why it matched);
* a name people edit by hand (a date, a version, 【最新】, _修正, _old, another type) must be a lead
  (``name-contains``): shown apart, promoted to a copy by its content;
* an unrelated name (``名簿.xlsx`` for ``介護予防利用者名簿.xlsx``, a temporary file without the name) must meet
  no name rule.
One CLI scan of a tree holding them (NFD names on disk, a zip, recycle bins of Vista+ and XP) checks the same
from the outputs.
"""

from __future__ import annotations

import json
import unicodedata
import zipfile
from pathlib import Path

import pytest

from scanner.codes import Reason
from scanner.names import NameRules, rule_catalogue

JA, ASCII = "介護予防利用者名簿", "Riyosha_Meibo"
HIT = (Reason.NAME, Reason.NAME_VARIANT)


def _full_width(text: str) -> str:
    return text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})


def copy_names(s: str, e: str = ".xlsx") -> list[str]:
    """Names programs give a copy of ``s + e`` (each with where it comes from)."""
    return [
        # Windows Explorer (Vista+: ja, en; XP: ja, en), 'keep both', Office owner / AutoRecover / backup
        f"{s} - コピー{e}", f"{s} - コピー (2){e}", f"{s} - Copy{e}", f"{s} - Copy (2){e}",
        f"コピー ～ {s}{e}", f"コピー (2) ～ {s}{e}", f"Copy of {s}{e}", f"Copy (2) of {s}{e}", f"{s} (2){e}",
        f"~${s}{e}", f"{s}((自動回復済み)){e}", f"{s} (自動回復済み){e}", f"{s} (version 1).xlsb",
        f"{s} (バージョン 1).xlsb", f"バックアップ ～ {s}.xlk", f"Backup of {s}.xlk", f"{s} のバックアップ.xlk",
        f"{s}{e}.tmp", f"{s} (Autosaved){e}", f"{s} (Recovered){e}", f"{s} [Repaired]{e}",
        f"{s}((Unsaved-307945728302395760)).xlsb",
        # macOS Finder (ja, en; Duplicate, Keep Both), AppleDouble, NFD, Trash duplicates
        f"{s} のコピー{e}", f"{s} のコピー 2{e}", f"{s} copy{e}", f"{s} copy 2{e}", f"{s} 2{e}", f"._{s}{e}",
        unicodedata.normalize("NFD", f"{s} のコピー{e}"), unicodedata.normalize("NFD", f"{s}{e}"),
        f"{s} 10.27.33{e}", f"{s} 2.27.33 PM{e}",
        # Linux file managers, LibreOffice lock, editors' backups
        f".~lock.{s}{e}#", f"{s} (copy){e}", f"{s} (another copy){e}", f"{s} (3rd copy){e}",
        f"{s} (21st copy){e}", f"{s} (copy 2){e}", f"{s} (コピー){e}", f"{s}{e}~",
        # browsers, downloads, sync clients, mail attachments
        f"{s} (1){e}", f"{s}(1){e}", f"{s}{e}.crdownload", f"{s}{e}.part", f"{s}{e}.download",
        f"{s}-PCNAME{e}", f"{s}-DESKTOP-7Q2K1AB{e}", f"{s} (conflicted copy 2023-04-01){e}",
        f"{s} (山田太郎の競合コピー 2023-04-01){e}", f"{s}-1{e}", f"{s}[1]{e}",
        # re-saved, full width, upper case, backups
        f"{s}.xls", f"{s}.csv", f"{s}.ods", f"{s}.xlsm", f"{s}{e.upper()}", _full_width(s) + e,
        f"{s}{e}.bak", f"{s}.bak",
    ]


def edited_names(s: str, e: str = ".xlsx") -> list[str]:
    """Names people give a copy by hand: leads, not copies."""
    return [f"{s}_20230401{e}", f"{s}(2023.4.1){e}", f"{s}_R5.4.1{e}", f"{s} 令和5年度{e}", f"【最新】{s}{e}",
            f"{s}_v2{e}", f"{s}_修正{e}", f"{s}_old{e}", f"{s}_bak{e}", f"{s} 最終版{e}", f"{s}.pdf", f"{s}.zip",
            f"{s}(2023.4.1) - コピー{e}"]


UNRELATED = {
    JA: ["名簿.xlsx", "利用者名簿.xlsx", "介護予防.xlsx", "予防利用者名簿 - コピー.xlsx", "Unconfirmed 123456.crdownload",
         "~WRL0001.tmp", "~ar1234.xar", "介護予防利用者名.xlsx", "._名簿.xlsx"],
    ASCII: ["Meibo.xlsx", "Riyosha.xlsx", "Riyosha_Meibox.xlsx", "XRiyosha_Meibo.xlsx", "._Meibo.xlsx",
            "Riyosha_Meib.xlsx", "Meibo_Riyosha.xlsx"],
}


def _rules(given: str) -> NameRules:
    return NameRules([given], use_keywords=False)


def _strongest(rules: NameRules, name: str):
    return next(iter(rules.match(name)), None)


@pytest.mark.parametrize("given", [f"{JA}.xlsx", JA, f"{ASCII}.xlsx", ASCII])
def test_every_copy_name_is_a_hit_with_words_for_its_rules(given: str) -> None:
    rules, words = _rules(given), rule_catalogue()
    stem = given.removesuffix(".xlsx")
    missed = []
    for name in copy_names(stem):
        m = _strongest(rules, name)
        if m is None or m.reason not in HIT:
            missed.append((name, m and (m.reason.value, m.rule)))
            continue
        for part in m.rule.split("+"):
            assert words[part]["label_ja"] and words[part]["label_en"], (name, part)
    assert missed == []


@pytest.mark.parametrize("given", [f"{JA}.xlsx", JA, f"{ASCII}.xlsx", ASCII])
def test_hand_edited_names_are_leads(given: str) -> None:
    rules = _rules(given)
    stem = given.removesuffix(".xlsx")
    wrong = [(n, m and (m.reason.value, m.rule)) for n in edited_names(stem)
             for m in [_strongest(rules, n)] if m is None or m.reason != Reason.NAME_CONTAINS]
    assert wrong == []


@pytest.mark.parametrize("given", [f"{JA}.xlsx", JA, f"{ASCII}.xlsx", ASCII])
def test_unrelated_names_stay_out(given: str) -> None:
    rules = _rules(given)
    stem = given.removesuffix(".xlsx")
    found = [(n, [(m.reason.value, m.rule) for m in rules.match(n)]) for n in UNRELATED[stem]]
    assert [f for f in found if f[1]] == []


def test_new_rules_say_why_in_the_findings_words() -> None:
    """The rule names the new copies are explained by (not a catch-all): one per program family."""
    rules = _rules(f"{JA}.xlsx")
    expect = {f"{JA} (another copy).xlsx": "linux-copy", f"{JA} 10.27.33.xlsx": "macos-trash-time",
              f"._{JA}.xlsx": "appledouble", f"バックアップ ～ {JA}.xlk": "excel-backup-ja-old",
              f"{JA}.xlsx.crdownload": "partial-download", f"{JA}.xlsx.tmp": "temp-suffix",
              f"{JA}((自動回復済み)).xlsx": "autorecover-saved",
              f"._{JA} - コピー.xlsx.part": "appledouble+windows-copy-ja+partial-download"}
    got = {n: _strongest(rules, n).rule for n in expect}  # type: ignore[union-attr]
    assert got == expect
