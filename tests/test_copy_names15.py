"""Session 15 red team of the copy names, through the CLI (Windows in other languages: `` - 副本``, `` - 複製``): names real software gives a copy of the insider's
file (利用者名簿_2019.xlsx) that earlier rules left as leads or missed, and the names they must not pull in.

* Office: the title bar's mode written into a saved name (``[読み取り専用]``, ``[互換モード]``, ``[Read-Only]``,
  ``[Compatibility Mode]``), AutoRecover names without the brackets the old rule wanted (``_AutoRecovered``,
  `` の自動回復``, ``(AutoRecovered)``, ``(保存済み)``);
* Unix backups: numbered copies after the whole name (``.1``: logrotate, savelog; ``.~2~``: GNU cp/mv/rsync
  ``--backup=numbered``), vim's swap file (``.NAME.swp``: the text it edits);
* Google Sheets' download of an uploaded workbook (``NAME.xlsx - Sheet1.csv``) and a name saved with its
  extension typed again while Windows hid it (``NAME.xlsx.xlsx``, ``NAME.xlsx.csv``);
* the Japanese IME's long-vowel mark typed for a hyphen (``利用者名簿ー2019``, ``ｰ`` half-width);
* temporary copies: rsync's ``.NAME.Ab12Cd`` (only behind the dot rsync puts first), macOS safe-save's
  ``NAME.sb-1a2b3c4d-Xy9Zq0``; FreeFileSync's versions (``NAME.xlsx 2019-05-01 101010.xlsx``); a stray space or dot around the stem (``NAME .xlsx``, ``NAME..xlsx``, `` NAME.xlsx``);
* and the reverse: a name holding only a part of the named one (``名簿.xlsx``, ``利用者名簿.xlsx``, another year)
  is no copy, and the hand-edited names stay leads.

Every file holds other people (its own seed), so no lead is promoted by its content: the name rules alone decide.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from scanner.demo import client_list_xlsx, make_people
from scanner.names import NameRules

NAME = "利用者名簿_2019.xlsx"
S = "利用者名簿_2019"

# name -> a rule its matched_rules must hold (a copy: reason name-variant)
COPIES = {
    f"{S} [読み取り専用].xlsx": "office-title-mode",
    f"{S} [互換モード].xls": "office-title-mode",
    f"{S} [Read-Only].xlsx": "office-title-mode",
    f"{S} [Compatibility Mode].xlsx": "office-title-mode",
    f"{S}_AutoRecovered.xlsx": "autorecover-saved",
    f"{S} (AutoRecovered).xlsx": "autorecover-saved",
    f"{S} の自動回復.xlsx": "autorecover-saved",
    f"{S} (保存済み).xlsx": "autorecover-saved",
    f"{S}.xlsx.1": "numbered-backup",
    f"{S}.xlsx.~2~": "numbered-backup",
    f".{S}.xlsx.swp": "editor-swap",
    f"{S}.xlsx - Sheet1.csv": "sheets-download",
    f"{S}.xlsx.xlsx": "repeated-extension",
    f"{S}.xlsx.csv": "repeated-extension",
    "利用者名簿ー2019.xlsx": "separator-variant",
    "利用者名簿ｰ2019 - コピー.xlsx": "separator-variant",
    f".{S}.xlsx.Ab12Cd": "rsync-temp",
    f"{S}.xlsx.sb-7c8b5a1f-Qz0Ytr": "macos-safe-save",
    f"{S} .xlsx": "space-before-extension",
    f"{S}..xlsx": "space-before-extension",
    f" {S}.xlsx": "space-before-name",
    f"{S}.xlsx 2019-05-01 101010.xlsx": "freefilesync-version",
    f"{S} - 複製.xlsx": "windows-copy-other",
    f"{S} - 副本 (2).xlsx": "windows-copy-other",
}
# hand-edited names and other types: leads (name-contains), as before
LEADS = [f"{S}_old.xlsx", f"{S}_20190501.xlsx", f"{S}.pdf", f"{S}.zip", f"{S} 2.xlsx", f"{S}_bak.xlsx",
         f"{S}.xlsx.Ab12Cd", f"{S} - Sheet1.csv"]
# a part of the named name, another year: no name rule but a keyword (名簿) at most
OTHERS = ["名簿.xlsx", "利用者名簿.xlsx", "利用者名簿_2018.xlsx", "利用者名簿_2018 [読み取り専用].xlsx",
          "利用者名簿_2018.xlsx.1", "名簿ー2019.xlsx"]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, dict]]:
    root = tmp_path_factory.mktemp("copies15")
    share = root / "share"
    share.mkdir()
    for i, name in enumerate([*COPIES, *LEADS, *OTHERS]):
        (share / name).write_bytes(client_list_xlsx(make_people(3, seed=1500 + i)))
    out = root / "out"
    done = run_cli("scan", str(share), "--name", NAME, "--out", str(out), "--quiet")
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    return done.returncode, {Path(f["path"]).name: f for f in doc["files"]}


def test_copy_names_real_software_gives_are_copies(scanned) -> None:
    code, files = scanned
    assert code == 1
    wrong = [(n, files.get(n, {}).get("matched_rules")) for n, rule in COPIES.items()
             if rule not in _copy_rules(files.get(n, {}))]
    assert wrong == []


def _copy_rules(entry: dict) -> list[str]:
    """The rules of a file's name-variant hit ("name-variant:office-title-mode+other-extension")."""
    return [r for m in entry.get("matched_rules", []) if m.startswith("name-variant:")
            for r in m.removeprefix("name-variant:").split("+")]


def test_hand_edited_names_stay_leads_and_parts_of_the_name_stay_out(scanned) -> None:
    _code, files = scanned
    assert [(n, files.get(n, {}).get("reasons")) for n in LEADS
            if "name-contains" not in files.get(n, {}).get("reasons", [])
            or "name-variant" in files[n]["reasons"]] == []
    assert "name-contains:duplicate-number" in files[f"{S} 2.xlsx"]["matched_rules"]  # the report says which number
    assert [(n, files[n]["reasons"]) for n in OTHERS if n in files
            and set(files[n]["reasons"]) & {"name", "name-variant", "name-contains"}] == []


@pytest.mark.parametrize("given", ["データ_2019.xlsx", "コーヒー_名簿一覧.xlsx"])
def test_a_long_vowel_mark_after_kana_is_part_of_the_word(given: str) -> None:
    """ー stands for a typed hyphen only after a kanji, a digit or a letter: after kana it is the word's own long
    vowel (データ is not デタ; データー_2019 and データー2019 are other spellings, not copies)."""
    rules = NameRules([given], use_keywords=False)
    stem = given.removesuffix(".xlsx")
    for other in (stem.replace("ー", ""), stem.replace("ー", "ーー"), stem.replace("_", "ー")):
        assert [m.rule for m in rules.match(other + ".xlsx") if m.reason.value in ("name", "name-variant")] == [], other
    kanji = NameRules(["利用者名簿_2019.xlsx"], use_keywords=False)
    assert [m.rule for m in kanji.match("利用者名簿ーー2019.xlsx")] == ["separator-variant"]
    assert [m.rule for m in kanji.match("利用者名簿ｰ2019.xlsx")] == ["separator-variant"]
