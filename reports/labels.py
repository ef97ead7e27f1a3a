"""Every word the reports show, from gettext catalogues (reports/locale/<lang>/LC_MESSAGES/report.mo).

msgids are label keys (``case_id``, ``status_encrypted``); the Japanese and English catalogues give the
words. The .po files are the source, compiled to .mo by ``python3 tools/catalogues.py`` (Babel) and
shipped as package data, so a wheel reads them like a checkout. A label for a code (scanner/codes.py)
is looked up in one place, ``code_label``: the key is the code's family prefix and its value, and a test
fails when a code of any family lacks a label in either language.
"""

from __future__ import annotations

import gettext
from functools import cache
from importlib import resources

from scanner.codes import (
    AcceptStatus,
    Code,
    DiffClass,
    Lingering,
    Reason,
    Rejection,
    SheetKind,
    Status,
    Verdict,
    VerdictReason,
)
from scanner.config import LANGS
from scanner.details import Detail
from scanner.errors import RuleError

DOMAIN = "report"
# the label key of a code: family prefix + value (``status_encrypted``, ``rem_class_relocated``)
CODE_PREFIXES: dict[type[Code], str] = {
    Status: "status_", Reason: "reason_", SheetKind: "pii_kind_", Rejection: "pii_rejected_", DiffClass: "rem_class_",
    Verdict: "rem_verdict_", VerdictReason: "rem_why_", Lingering: "rem_linger_", AcceptStatus: "rem_accept_",
    Detail: "detail_",  # a detail code's words take its parameters: reports.details
}


class Catalogue(gettext.GNUTranslations):
    """A compiled catalogue that can say whether it has a key (gettext alone echoes unknown ones)."""

    def __contains__(self, key: object) -> bool:
        return key in self._catalog  # type: ignore[attr-defined]  # GNUTranslations' own table, untyped

    def keys(self) -> set[str]:
        return {k for k in self._catalog if isinstance(k, str) and k}  # type: ignore[attr-defined]


@cache
def catalogue(lang: str) -> Catalogue:
    """The report catalogue of ``lang`` (one of config.LANGS); a missing one stops leakscan loudly."""
    if lang not in LANGS:
        raise RuleError(f"no report language {lang!r} (known: {', '.join(LANGS)})")
    path = resources.files("reports").joinpath("locale", lang, "LC_MESSAGES", f"{DOMAIN}.mo")
    try:
        with path.open("rb") as f:
            return Catalogue(f)
    except OSError as e:
        raise RuleError(f"report catalogue {lang}/{DOMAIN}.mo missing: reinstall leakscan ({e})") from e


class MissingLabel(LookupError):
    """A template named a label (``t.some_key``) that the catalogue does not have: the report is not
    written with an empty cell where words belong (the strict half of the labels: fixed keys)."""


class Labels:
    """The templates' ``t``. A fixed key (``t.case_id``) must exist, or rendering stops with
    MissingLabel; a key built from data (``t["status_" ~ code]``) gives "" when absent, so the
    template's ``t[key] or code`` shows the code itself (every code's label is checked by tests)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._catalogue = catalogue(lang)

    def __getitem__(self, key: str) -> str:
        return self._catalogue.gettext(key) if key in self._catalogue else ""

    def __getattr__(self, key: str) -> str:
        if key.startswith("_"):
            raise AttributeError(key)
        if key not in self._catalogue:
            # not AttributeError: Jinja would take that for "try t[key]" and render "" silently
            raise MissingLabel(f"report label {key!r} missing from the {self.lang} catalogue")
        return self._catalogue.gettext(key)

    def __contains__(self, key: object) -> bool:
        return key in self._catalogue


def label(key: str, lang: str) -> str:
    """The words for one label key ("" when there are none)."""
    return Labels(lang)[key]


def code_key(code: Code) -> str:
    """The label key of a code: its family's prefix and its value."""
    for family, prefix in CODE_PREFIXES.items():
        if isinstance(code, family):
            return prefix + code.value
    raise KeyError(f"no label family for {type(code).__name__}")


def code_label(code: Code, lang: str) -> str:
    """The words for a code (``Status.ENCRYPTED`` -> 暗号化（パスワード保護）); the code itself if none."""
    return label(code_key(code), lang) or str(code)
