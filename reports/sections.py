"""The report's sections in the order its readers need them, named once.

report.html.j2 renders the summary box, then a table of contents and each section below, in this order,
numbering those shown. Adding a section is one template in ``templates/sections/`` and one line here:
its anchor, its template, the label of its title, and when it is shown (a section with nothing to say
is left out of both the contents and the body, unless it must say "none").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Doc = Mapping[str, Any]


def _always(_doc: Doc) -> bool:
    return True


@dataclass(frozen=True)
class Section:
    anchor: str  # the id of its <section> and the target of its contents link
    template: str  # under templates/
    title: str  # the label key (reports/locale catalogues) of its heading
    shown: Callable[[Doc], bool] = _always


def _has_pii(doc: Doc) -> bool:
    return any((f.get("pii") or {}).get("sheets") for f in doc.get("files") or [])


def _has_leads(doc: Doc) -> bool:
    summary = doc.get("summary") or {}
    return bool(summary.get("keyword_leads") or summary.get("name_contains") or summary.get("names_only_lists")
                or summary.get("disguised")
                or any((f.get("pii") or {}).get("leads") for f in doc.get("files") or []))


SECTIONS: tuple[Section, ...] = (
    Section("copies", "sections/copies.html.j2", "sec_copies"),
    Section("pii", "sections/pii.html.j2", "sec_pii", _has_pii),
    Section("persons", "sections/persons.html.j2", "persons_title",
            lambda d: bool(d.get("persons") or d.get("persons_error"))),
    Section("overlap", "sections/overlap.html.j2", "overlap_title", lambda d: bool((d.get("overlap") or {}).get("files"))),
    Section("traces", "sections/traces.html.j2", "traces_title", lambda d: bool(d.get("trace_artefacts"))),
    Section("leads", "sections/leads.html.j2", "sec_leads", _has_leads),
    Section("breach", "sections/breach.html.j2", "breach_items"),
    Section("not-examined", "sections/skipped.html.j2", "sec_not_examined"),
    Section("limits", "sections/scope.html.j2", "sec_scope"),
    Section("method", "sections/method.html.j2", "sec_method"),
    Section("merge", "sections/merge.html.j2", "merge_inputs", lambda d: bool(d.get("merge"))),
    Section("custody", "sections/custody.html.j2", "sec_custody"),
)


def shown_sections(doc: Doc) -> list[Section]:
    """The sections this document has something for, in the reader's order."""
    return [s for s in SECTIONS if s.shown(doc)]
