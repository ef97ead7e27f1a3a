"""Render findings (and later diffs) into self-contained HTML with Jinja2.

File names on a seized share are attacker-controlled: autoescape is on, and the ``visible`` filter
shows control and bidirectional characters as ``⟨U+202E⟩`` so a name cannot hide its extension.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import MutableMapping
from functools import cache
from types import CodeType
from typing import Any

import jinja2
from markupsafe import Markup, escape

from scanner.config import LANGS
from scanner.summary import classify, summarise
from scanner.textsafe import all_visible, is_hidden
from scanner.timeutil import to_jst

from .content_words import content_words, mail_body
from .details import detail_html
from .labels import Labels, catalogue
from .lists import FIRST_HITS, FIRST_ROWS, report_lists, shown
from .rulewords import rule_words
from .sections import shown_sections
from .template_cache import settings_key, template_cache

HASH_GROUP = 16  # a hash breaks only between groups of this many hex digits
_SEPARATORS = frozenset("/\\»")


def visible(value: object) -> Markup:
    """Escape a value and make every control, format or bidi character visible as ⟨U+XXXX⟩."""
    text = "" if value is None else str(value)
    if all_visible(text):  # no hidden character (each category is outside str.isprintable's): escaped whole
        return escape(text)
    out = []
    for ch in text:
        if is_hidden(ch):  # bidi overrides, zero-width and control characters that disguise names
            out.append(Markup('<span class="cc">⟨U+{:04X}⟩</span>').format(ord(ch)))
        else:
            out.append(escape(ch))
    return Markup("").join(out)


def path_text(value: object) -> Markup:
    """A path for people: escaped and made visible like ``visible``, with a line-break opportunity after
    each separator (``/``, ``\\``, ``»``), so a long path wraps at its folders, not inside a name."""
    text = "" if value is None else str(value)
    if all_visible(text):  # as ``visible``: escaped whole (no separator is escaped), a break after each separator
        return Markup(str(escape(text)).replace("/", "/<wbr>").replace("\\", "\\<wbr>").replace("»", "»<wbr>"))
    out = []
    for ch in text:
        if is_hidden(ch):
            out.append(Markup('<span class="cc">⟨U+{:04X}⟩</span>').format(ord(ch)))
        else:
            out.append(escape(ch))
            if ch in _SEPARATORS:
                out.append(Markup("<wbr>"))
    return Markup("").join(out)


def hash_block(value: str | None) -> Markup:
    """A digest in monospace groups of HASH_GROUP digits that may break only between groups; copying it
    gives the digest without spaces."""
    if not value:
        return Markup("-")
    text = str(value)
    groups = [escape(text[i:i + HASH_GROUP]) for i in range(0, len(text), HASH_GROUP)]
    inner = Markup("<wbr>").join(Markup('<span class="hg">{}</span>').format(g) for g in groups)
    return Markup('<code class="digest">{}</code>').format(inner)


def when(value: str | None, local_note: str = "") -> str:
    """A file or scan time for a person: UTC (``Z``) shown in JST without the zone (the column names it);
    a local wall-clock time (FAT, zip) as it is, followed by ``local_note``."""
    if not value:
        return "-"
    if value.endswith("Z"):
        return (to_jst(value) or value).removesuffix(" JST")
    return value.replace("T", " ")[:19] + local_note


def number(n: object) -> str:
    """1077 -> "1,077"; None -> "-"."""
    return f"{n:,}" if isinstance(n, int) and not isinstance(n, bool) else ("-" if n is None else str(n))


def css_string(value: object) -> Markup:
    """A CSS string literal for ``content:`` (the running header): every character that is not a plain
    letter or digit escaped, so no value can end the string or the style element."""
    text = "" if value is None else str(value)
    return Markup('"{}"'.format("".join(c if c.isalnum() and c.isascii() else f"\\{ord(c):06x}" for c in text)))


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


class ShippedLoader(jinja2.PackageLoader):
    """The report's templates, each one's code taken from reports/compiled/ (tools/templates.py) when that was
    compiled from this very source, by this Jinja2 and Python with these settings; else compiled from the
    source as Jinja2 does (through the per-user cache when one is set). Saves a scan ~0.25 s of CPU (issue 11)."""

    def load(self, environment: jinja2.Environment, name: str,
             globals: MutableMapping[str, object] | None = None) -> jinja2.Template:  # noqa: A002 - Jinja2's parameter name
        source, _filename, uptodate = self.get_source(environment, name)
        code = _shipped_code(environment, name, source)
        if code is not None:
            try:
                return environment.template_class.from_code(environment, code, globals or {}, uptodate)
            except Exception:  # noqa: BLE001 - Python but not a whole template's code (cut short, emptied)
                pass
        return super().load(environment, name, globals)


def _shipped_code(environment: jinja2.Environment, name: str, source: str) -> CodeType | None:
    """The shipped compiled code of template ``name`` if it was made from ``source`` for ``environment``'s
    settings, else None (never an exception: a report is rendered in any case)."""
    try:
        from . import compiled

        entry = compiled.TEMPLATES.get(name)
        if entry is None or entry[0] != hashlib.sha256(source.encode("utf-8")).hexdigest():
            return None
        if compiled.KEY != settings_key(environment):  # ~10 us a template, once per environment and name
            return None
        spec = importlib.util.find_spec(f"{compiled.__name__}.{entry[1]}")
        if spec is None or spec.loader is None or not hasattr(spec.loader, "get_code"):
            return None
        code = spec.loader.get_code(spec.name)  # from its cached bytecode, as any module
        return code if isinstance(code, CodeType) else None
    except Exception:  # noqa: BLE001 - a damaged or missing module: the template is compiled instead
        return None


@cache
def environment(lang: str = "ja") -> jinja2.Environment:
    """One Jinja2 environment per report language, with Jinja2's i18n extension bound to that language's
    catalogue (``{{ _("case_id") }}`` in a template is the same as ``{{ t.case_id }}``). Compiled templates
    come from the per-user cache when it holds them for these sources and settings."""
    env = jinja2.Environment(
        loader=ShippedLoader("reports", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(catalogue(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["visible"] = visible
    env.filters["jst"] = to_jst
    env.filters["size"] = human_size
    env.filters["rule_words"] = rule_words
    env.filters["trace_time"] = trace_time
    env.filters["path"] = path_text
    env.filters["hash"] = hash_block
    env.filters["when"] = when
    env.filters["num"] = number
    env.filters["css_string"] = css_string
    env.filters["content_words"] = content_words
    env.filters["detail"] = lambda text, reason="", codes=None: detail_html(text, reason, lang, visible, codes)
    env.tests["mail_body"] = mail_body
    env.bytecode_cache = template_cache(env)  # compiled templates kept per user (reports.template_cache)
    return env


def render(template: str, doc: dict[str, Any], lang: str = "ja", **extra: Any) -> str:
    """Render ``template`` (e.g. report.html.j2) for a findings or diff document."""
    lang = lang if lang in LANGS else LANGS[0]
    return environment(lang).get_template(template).render(doc=doc, t=Labels(lang), lang=lang, **extra)


def render_report(doc: dict[str, Any], lang: str = "ja", diff: dict[str, Any] | None = None,
                  anchor: str | None = None, not_recomputed: bool = False) -> str:
    """report.html for a findings document; with the rescan's ``diff``, its verdict is in the summary;
    ``anchor``: the SHA-256 of the findings.json written (scanner.anchor), for the complaint.

    Every group of hits (scanner.summary.classify) is shown bounded (reports.lists): counted by folder,
    the first rows listed, every row in findings.json and the CSV files beside it."""
    summary = summarise(doc, diff)
    view = {**doc, "summary": summary}
    hits = classify(doc)
    groups = {name: shown(files, FIRST_HITS if name == "copies" else FIRST_ROWS) for name, files in hits.items()}
    return render("report.html.j2", view, lang, summary=summary, hits=hits, groups=groups, lists=report_lists(doc),
                  sections=shown_sections(view), anchor=anchor, not_recomputed=not_recomputed)
