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
from scanner import codes
from scanner.config import LANGS

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "reports" / "templates"
# code families that no report shows (terminal and JSON only), with why
NOT_IN_REPORTS = {codes.VerifyStatus: "printed by leakscan verify on the terminal"}


def _families() -> list[type[codes.Code]]:
    return [c for c in vars(codes).values() if isinstance(c, type) and issubclass(c, codes.Code) and c is not codes.Code]


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
