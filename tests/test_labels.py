"""Labels come from the gettext catalogues (reports/locale), driven by the codes: every code of every
family has words in Japanese and English, every key a template names exists in both catalogues, and
the shipped .mo files are the compilation of their .po sources."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reports.labels import CODE_PREFIXES, Labels, catalogue, code_key, code_label
from scanner import codes, details
from scanner.config import LANGS

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "reports" / "templates"
# code families that no report shows (terminal and JSON only), with why
NOT_IN_REPORTS = {codes.VerifyStatus: "printed by leakscan verify on the terminal"}


def _families() -> list[type[codes.Code]]:
    return [c for module in (codes, details) for c in vars(module).values()
            if isinstance(c, type) and issubclass(c, codes.Code) and c is not codes.Code]


def test_every_code_family_is_labelled_or_said_to_be_terminal_only() -> None:
    assert set(_families()) == set(CODE_PREFIXES) | set(NOT_IN_REPORTS)


@pytest.mark.parametrize("lang", LANGS)
def test_every_code_has_words_in_both_languages(lang: str) -> None:
    missing = [code_key(c) for family in CODE_PREFIXES for c in family if not Labels(lang)[code_key(c)]]
    assert missing == [], f"{lang}: no label for {missing}"


def test_code_label_gives_words_and_falls_back_to_the_code() -> None:
    assert code_label(codes.Status.ENCRYPTED, "ja") == "暗号化（パスワード保護）"
    assert code_label(codes.Status.ENCRYPTED, "en") != code_label(codes.Status.ENCRYPTED, "ja")
    assert Labels("ja")["no_such_key_anywhere"] == ""  # so a template's `t[key] or code` shows the code


def test_both_catalogues_have_the_same_keys() -> None:
    ja, en = catalogue("ja").keys(), catalogue("en").keys()
    assert ja - en == set() and en - ja == set()


def test_every_key_a_template_names_is_in_both_catalogues() -> None:
    used: set[str] = set()
    for template in TEMPLATES.rglob("*.j2"):
        text = template.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\.([a-z][a-z0-9_]*)\b", text))
        used |= set(re.findall(r"""\bt\[["']([a-z][a-z0-9_-]*)["']\]""", text))
        used |= set(re.findall(r"""\b_\(["']([a-z][a-z0-9_-]*)["']\)""", text))
    from reports.sections import SECTIONS

    used |= {s.title for s in SECTIONS}
    used -= {"format", "get", "items"}  # string methods called on a label, not keys
    for lang in LANGS:
        missing = sorted(k for k in used if k not in catalogue(lang))
        assert missing == [], f"{lang}: {missing}"


def test_the_i18n_extension_reads_the_same_catalogue() -> None:
    from reports.html import environment

    for lang in LANGS:
        rendered = environment(lang).from_string('{{ _("case_id") }}').render()
        assert rendered == Labels(lang).case_id != ""


def test_shipped_catalogues_are_compiled_from_their_sources() -> None:
    if importlib.util.find_spec("babel") is None:
        if os.environ.get("CI"):
            pytest.fail("Babel missing in CI (the test extra installs it)")
        pytest.skip("Babel not installed (allowed outside CI only)")
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "catalogues.py"), "--check"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, f"{done.stderr}: run python3 tools/catalogues.py"


# ---------------------------------------------------------------- the terminal and --help


def _cli_catalogue() -> dict[str, str]:
    import gettext

    with (ROOT / "scanner" / "locale" / "ja" / "LC_MESSAGES" / "cli.mo").open("rb") as f:
        return dict(gettext.GNUTranslations(f)._catalog)  # every msgid with its Japanese text


def test_every_terminal_message_has_japanese_words() -> None:
    """Every _("...") in scanner/ (found by Babel's extractor) is in the Japanese terminal catalogue."""
    if importlib.util.find_spec("babel") is None:
        if os.environ.get("CI"):
            pytest.fail("Babel missing in CI (the test extra installs it)")
        pytest.skip("Babel not installed (allowed outside CI only)")
    from babel.messages.extract import extract_from_file

    ja = _cli_catalogue()
    found = {m for p in (ROOT / "scanner").rglob("*.py")
             for _line, m, _c, _x in extract_from_file("python", str(p), keywords={"_": None})}
    found |= {"error", "see --help"}  # said inside f-strings, which the extractor does not read
    assert len(found) > 80
    missing = sorted(m for m in found if not ja.get(m))
    assert missing == []
    for m in found:  # the same placeholders, or .format() would fail in Japanese only
        assert sorted(re.findall(r"\{[^}]*\}", m)) == sorted(re.findall(r"\{[^}]*\}", ja[m])), m


@pytest.mark.parametrize(("lang", "words", "not_words"), [
    ("ja_JP.UTF-8", ["使い方:", "オプション:", "出力フォルダー:", "このヘルプを表示して終了します"], ["options:"]),
    ("C.UTF-8", ["usage:", "options:", "output folder:"], ["オプション"]),
])
def test_help_speaks_the_locale_s_language(lang: str, words: list[str], not_words: list[str]) -> None:
    from conftest import run_leakscan

    done = run_leakscan("scan", "--help", env={"LANG": lang, "LC_ALL": "", "LC_MESSAGES": ""})
    assert done.returncode == 0, done.stderr
    for w in words:
        assert w in done.stdout, w
    for w in not_words:
        assert w not in done.stdout, w


def test_terminal_summary_and_errors_in_japanese(tmp_path: Path) -> None:
    from conftest import run_leakscan

    from scanner.demo import client_list_xlsx, make_people

    share = tmp_path / "share" / "PC01"
    share.mkdir(parents=True)
    (share / "名簿.xlsx").write_bytes(client_list_xlsx(make_people(8, seed=2)))
    env = {"LANG": "ja_JP.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
    done = run_leakscan("scan", str(tmp_path / "share"), "--name", "名簿.xlsx", "--out", str(tmp_path / "out"),
                        env=env)
    assert done.returncode == 1, done.stderr
    assert "探索したファイルのコピー:" in done.stderr and "影響を受けた本人の数:" in done.stderr
    assert "8 人（レコード 8 件" in done.stderr
    wrong = run_leakscan("scan", str(tmp_path / "share"), "--name", "名簿.xlsx", "--out", str(tmp_path / "out"),
                         env=env)
    assert wrong.returncode == 2 and wrong.stderr.startswith("leakscan: エラー: "), wrong.stderr


@pytest.mark.parametrize("lang", LANGS)
def test_a_fixed_label_missing_from_the_catalogue_stops_the_render(lang: str) -> None:
    """``t.key`` in a template is a fixed key: a missing one must fail loudly, never render as an empty
    cell; ``t[built key]`` stays lenient so ``t[key] or code`` shows the code."""
    from reports.html import environment
    from reports.labels import MissingLabel

    env = environment(lang)
    fine = env.from_string("{{ t.case_id }}|{{ t['status_' ~ code] or code }}").render(t=Labels(lang), code="zzz")
    assert fine == f"{Labels(lang).case_id}|zzz" and Labels(lang).case_id
    with pytest.raises(MissingLabel, match="no_such_label_key"):
        env.from_string("<td>{{ t.no_such_label_key }}</td>").render(t=Labels(lang))
