"""A detail (why a file or a layer was skipped or read in part) in the reader's words.

The English report shows a detail as findings.json records it. The Japanese report (and the terminal under
LANG=ja) says each part in Japanese from its detail code (scanner.details: ``detail_<code>`` labels), with
a library's own message (third-party exception text, kept verbatim for the examiner) quoted after it in a
smaller ``<code>`` line; a part no code says (a case written before the codes, or a message leakscan only
passes on) is quoted after the explanation of its reason (``detail_reason_<status>``). The codes are those findings.json recorded when the
detail was written (``detail_codes``, ``status_detail_codes``); a case written before them is read back from the
text (scanner.details.read_details), so older cases are said the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from scanner.codes import Status
from scanner.details import Detail, doing_parts, params_of, read_details, span_parts

from .labels import Labels

JA_SEP = "。"
_CODES = frozenset(d.value for d in Detail)


# parameters that name a file's status (scanner.codes.Status value): said by the status's label
_STATUS_PARAMS = frozenset({"status", "reason"})
_STATUSES = frozenset(str(s.value) for s in Status)


# truncated-fs's ``what`` (sources.image: "<label> file system", "APFS container", "LVM physical volume")
_FS_WHAT = re.compile(r"(\S+) (file system|container|physical volume)")


def _number(n: int) -> str:
    return f"{n:,}"


def _said(items: list[dict[str, Any]], t: Labels, quoted: list[str], raw: list[str],
          visible: Callable[[object], Markup] | None) -> list[Markup | str]:
    """The words of each coded part; library messages go to ``quoted``, uncoded parts to ``raw``. ``visible``
    (HTML) escapes a word and shows its control and bidi characters: a volume's name may hold any character."""
    html = visible is not None
    out: list[Markup | str] = []
    for item in items:
        code = item.get("code")
        if code not in _CODES or not t["detail_" + str(code)]:
            raw.append(str(item.get("text") or item))
            continue
        params: dict[str, Any] = {}
        for name, kind in params_of(Detail(code)).items():
            value = item.get(name)
            if kind == "d":
                params[name] = _number(value) if isinstance(value, int) else str(value)
            elif kind == "lib":
                if isinstance(value, list):  # recorded as a detail by an earlier version (media-file-missing's
                    # names before review13g): its parts' texts, quoted as they were written
                    value = "; ".join(str(v.get("text", v)) if isinstance(v, dict) else str(v) for v in value)
                quoted.append(str(value))
                params[name] = ""
            elif kind == "detail":
                # a text: a case written when this parameter was a library's message (split series' problem,
                # a task's failure before Session 13) -- read back, so its parts are said too
                inner_items = value if isinstance(value, list) else read_details(value) if isinstance(value, str) else []
                inner = _said(inner_items, t, quoted, raw, visible)
                params[name] = (Markup(JA_SEP) if html else JA_SEP).join(inner)
            elif name == "doing" and (parts := doing_parts(value)) is not None and t["doing_reading"]:
                params[name] = _doing(parts, t, visible)  # what a worker was doing, in the reader's words
            elif name == "how" and isinstance(value, str) and t["how_" + value]:
                params[name] = t["how_" + value]  # how a worker ended, when words say it (not a signal's name)
            elif name == "kind" and isinstance(value, str) and t["kind_" + value]:
                params[name] = t["kind_" + value]  # a split series' kind in words ("split file": review13g)
            elif code == Detail.MEDIA_FILE_MISSING and name == "what" and isinstance(value, str) \
                    and t["media_what_" + value]:
                params[name] = t["media_what_" + value]  # segment, extent (review13g #4)
            elif code == Detail.TRUNCATED_FS and name == "what" and isinstance(value, str) \
                    and (fs_what := _FS_WHAT.fullmatch(value)) and t["fs_what_" + fs_what[2]]:
                fs = Markup("<code>{}</code>").format(visible(fs_what[1])) if visible else fs_what[1]  # FAT12, LVM
                fs_label = t["fs_what_" + fs_what[2]]  # "FAT12 file system" in words (jawords13)
                params[name] = (Markup(escape(fs_label)) if html else fs_label).format(name=fs)
            elif name == "span" and (span := span_parts(value)) is not None:
                params[name] = _span(span, t, visible)  # the bytes of the media not read, in words
            elif name == "nt" and isinstance(value, str) and t["nt_" + value]:
                code_word = Markup("<code>{}</code>").format(visible(value)) if visible else value
                params[name] = (Markup("{}（{}）") if html else "{}（{}）").format(t["nt_" + value], code_word)
            elif name == "layout" and isinstance(value, str) and t["raid_layout_" + value]:  # md's name kept
                code_word = Markup("<code>{}</code>").format(visible(value)) if visible else value
                params[name] = (Markup("{}（{}）") if html else "{}（{}）").format(t["raid_layout_" + value], code_word)
            elif name == "errno" and isinstance(value, str) and t["errno_" + value]:
                code_word = Markup("<code>{}</code>").format(visible(value)) if visible else value
                params[name] = (Markup("{}（{}）") if html else "{}（{}）").format(t["errno_" + value], code_word)
            elif name in _STATUS_PARAMS and value in _STATUSES and t["status_" + str(value)]:
                params[name] = t["status_" + str(value)]  # a status said by its own words (review11d)
            elif kind == "list" and isinstance(value, list) and value \
                    and all(isinstance(w, str) and t["part_" + w] for w in value):
                # parts of an image's own structure (footer copy, dynamic header ...) in the reader's words
                # (review15d #3: the Japanese sentence held English words)
                params[name] = (Markup("、") if html else "、").join(t["part_" + w] for w in value)
            else:
                words = value if isinstance(value, list) else [value]
                shown = [Markup("<code>{}</code>").format(visible(w)) if visible else str(w) for w in words]
                params[name] = (Markup("、") if html else "、").join(shown)
        label = t["detail_" + str(code)]
        out.append(Markup(escape(label)).format(**params) if html else label.format(**params))
    return out


def _span(parts: dict[str, Any], t: Labels, visible: Callable[[object], Markup] | None) -> Markup | str:
    """The bytes of a media an image file's absence leaves unread (scanner.details.span_parts) in the report's words;
    numbers grouped, the evidence's file names in ``<code>``."""
    def word(w: object) -> Markup | str:
        return Markup("<code>{}</code>").format(visible(w)) if visible else str(w)

    def fill(key: str, **values: object) -> Markup | str:
        return Markup(escape(t[key])).format(**values) if visible else t[key].format(**values)

    out: list[Markup | str] = []
    if parts["end"] is not None:
        out.append(fill("span_media", start=_number(parts["start"]), end=_number(parts["end"])))
    elif parts["start"] is not None:
        out.append(fill("span_disk", start=_number(parts["start"])))
    if parts["sizes"]:
        sizes = [fill("span_extent_size", name=word(n), actual=_number(a), size=_number(z)) for n, a, z in parts["sizes"]]
        out.append(fill("span_sizes", sizes=(Markup("、") if visible else "、").join(sizes)))
    if parts["between"]:
        out.append(fill("span_between", names=(Markup("、") if visible else "、").join(word(n) for n in parts["between"])))
    return (Markup("") if visible else "").join(out)


def _doing(parts: dict[str, Any], t: Labels, visible: Callable[[object], Markup] | None) -> Markup | str:
    """A worker's step (scanner.details.doing) in the report's words; the step and decoder names as recorded."""
    def word(w: object) -> Markup | str:
        return Markup("<code>{}</code>").format(visible(w)) if visible else str(w)

    label = t["doing_inspector"] if parts["step"] else t["doing_reading"]
    out = (Markup(escape(label)).format(step=word(parts["step"])) if visible
           else label.format(step=parts["step"]))
    if parts["decoder"]:
        out += Markup("（{}）").format(word(parts["decoder"])) if visible else f"（{parts['decoder']}）"
    if parts["member"]:
        out += Markup(escape(t["doing_member"])) if visible else t["doing_member"]
    return out


def _items(text: str, codes: object) -> list[dict[str, Any]]:
    """The codes recorded with a detail (a list of objects), else its text read back (an older case)."""
    if isinstance(codes, list) and codes and all(isinstance(d, dict) for d in codes):
        return codes
    return read_details(text)


def codes_list(text: str, codes: object) -> list[dict[str, Any]]:
    """The codes of a detail as recorded (else read back from its text); total."""
    try:
        return [c for c in _items(text, codes) if isinstance(c, dict)] if text else []
    except Exception:  # noqa: BLE001 - a garbled case still gives its list
        return []


def detail_html(text: object, reason: object, lang: str, visible: Callable[[object], Markup],
                codes: object = None) -> Markup:
    """A detail for the report: as recorded in English; in Japanese, said by its codes (``codes``: as recorded,
    else read from the text) with library text quoted (``visible``: how the report escapes recorded text, control
    and bidi characters shown)."""
    if not text:
        return Markup("")
    if lang == "en":
        return visible(text)
    t = Labels(lang)
    quoted: list[str] = []
    raw: list[str] = []
    words = _said(_items(str(text), codes), t, quoted, raw, visible)
    if raw:
        words.append(Markup(escape(t["detail_reason_" + str(reason)] or t["detail_unexplained"])))
    out = Markup('<span class="said">{}</span>').format(Markup(JA_SEP).join(words))
    for q in [*quoted, *raw]:
        out += Markup('<br><small><code class="lib">{}</code></small>').format(visible(q))
    return out


def detail_text(text: str, reason: str, lang: str, codes: object = None) -> str:
    """A detail for the terminal: as recorded in English; in Japanese, its words with library text in 「」."""
    if not text or lang == "en":
        return text
    t = Labels(lang)
    quoted: list[str] = []
    raw: list[str] = []
    words = [str(w) for w in _said(_items(text, codes), t, quoted, raw, None)]
    if raw:
        words.append(t["detail_reason_" + reason] or t["detail_unexplained"])
    return JA_SEP.join(words) + "".join(f"「{q}」" for q in [*quoted, *raw])
