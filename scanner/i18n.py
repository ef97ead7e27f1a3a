"""Terminal messages and ``--help`` in the user's language: Japanese when the locale is Japanese
(LC_ALL, LC_MESSAGES or LANG starting with ``ja``, e.g. ``LANG=ja_JP.UTF-8``), English otherwise.

msgids are the English texts (``_("copies of the named file")``); the Japanese catalogue is
scanner/locale/ja/LC_MESSAGES/cli.po, compiled to .mo by ``python3 tools/catalogues.py`` and shipped as
package data. A missing Japanese word falls back to the English text (a test finds every one).
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from importlib import resources

DOMAIN = "cli"


def cli_language() -> str:
    """``ja`` or ``en`` from the locale variables, in POSIX precedence (LC_ALL, LC_MESSAGES, LANG)."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    path = resources.files("scanner").joinpath("locale", lang, "LC_MESSAGES", f"{DOMAIN}.mo")
    try:
        with path.open("rb") as f:
            return gettext.GNUTranslations(f)
    except OSError:
        return gettext.NullTranslations()  # said in English rather than not at all


def _(message: str) -> str:
    """``message`` in the terminal's language."""
    return _translations(cli_language()).gettext(message)
