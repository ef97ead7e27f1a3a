"""Long lists in the report: summarised by reason and folder, the first rows shown, the rest in a CSV.

A zip of 50,000 empty members named 名簿N.csv made 50,000 keyword-lead rows and a 44 MB report nobody
could open or print. The report now shows, for each long list (copies, keyword leads, skipped files,
the paths of a duplicate group): how many there are, counts by reason and by folder, and the first rows;
findings.json keeps every row, and the CSV files beside it (listed in the manifest) hold the keyword
leads and the skipped files one per line, for a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.codes import Reason

FIRST_HITS = 500  # copies and other hits shown in full in the report
FIRST_ROWS = 200  # keyword leads and skipped files shown in the report
FIRST_FOLDERS = 20  # folders named in a summary
FIRST_GROUPS = 100  # duplicate groups shown
FIRST_GROUP_PATHS = 50  # paths shown per duplicate group

LEADS_CSV = "keyword-leads.csv"
SKIPPED_CSV = "skipped.csv"
CSV_FILES = (LEADS_CSV, SKIPPED_CSV)

KEYWORD_ONLY = [Reason.NAME_KEYWORD]  # a lead by its name alone
COPY_REASONS = {Reason.NAME, Reason.NAME_VARIANT, Reason.KNOWN_HASH}


def is_contains_lead(f: dict[str, Any]) -> bool:
    """A name holding the named file's whole name with other text, not (yet) tied to a copy."""
    reasons = f.get("reasons") or []
    return Reason.NAME_CONTAINS in reasons and not COPY_REASONS.intersection(reasons)


@dataclass
class Shown:
    """One long list as the report shows it."""

    total: int
    rows: Sequence[Mapping[str, Any]]
    by_reason: list[tuple[str, int]]
    by_folder: list[tuple[str, int]]
    folders: int

    @property
    def cut(self) -> bool:
        return len(self.rows) < self.total


def folder_of(path: str) -> str:
    """The folder a displayed path lies in (hops kept: ``image » p1 » /Users/a``)."""
    head, sep, _ = path.rpartition("/")
    return head if sep else path


def shown(items: Sequence[Mapping[str, Any]], first: int, reason_of: str | None = None) -> Shown:
    folders = Counter(folder_of(str(i.get("path") or "")) for i in items)
    reasons: Counter[str] = Counter()
    if reason_of is not None:
        reasons.update(str(i.get(reason_of)) for i in items)
    return Shown(len(items), items[:first], reasons.most_common(), folders.most_common(FIRST_FOLDERS), len(folders))


def report_lists(doc: dict[str, Any]) -> dict[str, Any]:
    """The lists report.html shows, each bounded (one pass over the files, the skips and the groups)."""
    strong: list[dict[str, Any]] = []
    leads: list[dict[str, Any]] = []
    contains: list[dict[str, Any]] = []
    for f in doc.get("files") or []:
        if f.get("reasons") == KEYWORD_ONLY:
            leads.append(f)
        elif is_contains_lead(f):
            contains.append(f)
        else:
            strong.append(f)
    groups = doc.get("duplicate_groups") or []
    return {
        "hits": shown(strong, FIRST_HITS),
        "leads": shown(leads, FIRST_ROWS),
        "contains": shown(contains, FIRST_ROWS),
        "skipped": shown(list(doc.get("skipped") or []), FIRST_ROWS, "reason"),
        "groups": [{**g, "paths": g["paths"][:FIRST_GROUP_PATHS], "cut": max(0, len(g["paths"]) - FIRST_GROUP_PATHS)}
                   for g in groups[:FIRST_GROUPS]],
        "groups_cut": max(0, len(groups) - FIRST_GROUPS),
        "csv": {"leads": LEADS_CSV, "skipped": SKIPPED_CSV},
    }


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run: file names are attacker-controlled, and ``=HYPERLINK(...)``
    in a name must stay text (a leading apostrophe, as OWASP advises for CSV injection)."""
    text = "" if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(header: list[str], rows: Iterable[list[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return "\ufeff" + buf.getvalue()  # a BOM: Excel then reads the UTF-8 (Japanese names) right


def leads_csv(doc: dict[str, Any]) -> str:
    """Every keyword lead, one per line (the report shows the first ones)."""
    rows = ([f.get("id"), f.get("path"), f.get("size"), f.get("sha256"), f.get("mtime"), f.get("status"),
             ";".join(f.get("matched_rules") or []), f.get("source"), f.get("inner_path"), f.get("raw_path_hex"),
             f.get("container") or []]
            for f in doc.get("files") or [] if f.get("reasons") == KEYWORD_ONLY)
    return _csv(["id", "path", "size", "sha256", "mtime", "status", "rules", "source", "inner_path", "raw_path_hex",
                 "container"], rows)


def skipped_csv(doc: dict[str, Any]) -> str:
    """Every file that could not be examined, one per line, with its reason: the detail as findings.json records it
    (English), its codes (``detail_codes``: the recorded codes' names, " + " between parts) and the detail in
    Japanese (``detail_ja``: said from those codes, a library's own message quoted in 「」) whatever the report's
    language, so the list is made again the same from findings.json alone (verify)."""
    from .details import codes_list, detail_text

    said: dict[str, tuple[str, str]] = {}  # by the three fields said from: most skips share their detail

    def codes_and_words(s: dict[str, Any]) -> tuple[str, str]:
        key = repr((s.get("detail"), s.get("reason"), s.get("detail_codes")))  # a JSON value's repr is the value
        if (got := said.get(key)) is None:
            got = said[key] = (
                " + ".join(c.get("code", "?") for c in codes_list(s.get("detail") or "", s.get("detail_codes"))),
                detail_text(str(s.get("detail") or ""), str(s.get("reason") or ""), "ja", s.get("detail_codes")))
        return got

    rows = ([s.get("path"), s.get("reason"), s.get("detail"), s.get("source"), s.get("inner_path"),
             s.get("raw_path_hex"), s.get("container") or [], *codes_and_words(s)]
            for s in doc.get("skipped") or [])
    return _csv(["path", "reason", "detail", "source", "inner_path", "raw_path_hex", "container", "detail_codes",
                 "detail_ja"], rows)
