"""Render findings (and later diffs) into self-contained HTML with Jinja2.

File names on a seized share are attacker-controlled: autoescape is on, and the ``visible`` filter
shows control and bidirectional characters as ``⟨U+202E⟩`` so a name cannot hide its extension.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup, escape

from scanner.textsafe import is_hidden
from scanner.timeutil import to_jst

from .lists import report_lists
from .rulewords import rule_words
from .strings import STRINGS


def visible(value: object) -> Markup:
    """Escape a value and make every control, format or bidi character visible as ⟨U+XXXX⟩."""
    text = "" if value is None else str(value)
    out = []
    for ch in text:
        if is_hidden(ch):  # bidi overrides, zero-width and control characters that disguise names
            out.append(Markup('<span class="cc">⟨U+{:04X}⟩</span>').format(ord(ch)))
        else:
            out.append(escape(ch))
    return Markup("").join(out)


def human_size(n: int | None) -> str:
    if n is None:
        return ""
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{int(size)} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(n)


def trace_time(value: str | None, local_note: str = " (local)") -> str:
    """A UTC time (``Z``) in JST; a local wall-clock time (setupapi, FAT) as it is, marked as local."""
    if not value:
        return ""
    if value.endswith("Z"):
        return to_jst(value) or value
    return value.replace("T", " ")[:19] + local_note


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reports", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["visible"] = visible
    env.filters["jst"] = to_jst
    env.filters["size"] = human_size
    env.filters["rule_words"] = rule_words
    env.filters["trace_time"] = trace_time
    return env


def render(template: str, doc: dict[str, Any], lang: str = "ja", **extra: Any) -> str:
    """Render ``template`` (e.g. report.html.j2) for a findings or diff document."""
    strings = STRINGS.get(lang, STRINGS["ja"])
    return environment().get_template(template).render(doc=doc, t=strings, lang=lang, **extra)


def render_report(doc: dict[str, Any], lang: str = "ja") -> str:
    """report.html: long lists summarised and cut (reports.lists), so its size stays bounded."""
    return render("report.html.j2", doc, lang, lists=report_lists(doc))
