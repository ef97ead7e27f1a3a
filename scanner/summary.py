"""The scan's key figures, defined once: findings.json ``summary``, the report's first screen, the
breach-report box, the terminal summary and the README's demo description all say these numbers.

What counts as a copy of the named file is decided here and nowhere else: a file found by the named
file's exact name, by a name its copies and re-saves get (``name-variant``) or by a known hash. Lock
files (Office's ``~$NAME``, LibreOffice's ``.~lock.NAME#``) prove the file was open but hold none of its
content, and marker files (a macOS ``._NAME`` companion, a ``NAME:Zone.Identifier`` download mark, a trash or
recycle-bin record, an iCloud placeholder) prove a copy was there but hold none of it: both are counted apart,
as are leads (names that contain the named file's name, keyword
names, lists of names without addresses). A pure function of the findings document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from .codes import COPY_REASONS, Reason, Status
from .details import Detail, read_details
from .names import lock_rules as lock_rule_list
from .names import marker_rules

_SEP = re.compile(r"[/\\]")


@cache
def lock_rules() -> frozenset[str]:
    """Names of the name rules whose files are lock files (signatures/name_variants.toml [[lock]])."""
    return frozenset(rule.name for rule in lock_rule_list())


def is_lock_file(f: Mapping[str, Any]) -> bool:
    """A hit that is a copy by name only because it is a lock file of the named file."""
    reasons = set(f.get("reasons") or ())
    if reasons & {Reason.NAME, Reason.KNOWN_HASH} or Reason.NAME_VARIANT not in reasons:
        return False
    variant = [r.partition(":")[2] for r in f.get("matched_rules") or () if r.startswith(f"{Reason.NAME_VARIANT}:")]
    return bool(variant) and all(r.split("+")[0] in lock_rules() for r in variant)


_CONTENT_REASONS = frozenset({Reason.NAME, Reason.KNOWN_HASH, Reason.PII, Reason.RECORD_OVERLAP})


def is_marker(f: Mapping[str, Any]) -> bool:
    """A hit that is a copy by name only because it marks one (signatures/name_variants.toml ``marker``: ``._NAME``,
    ``NAME:Zone.Identifier``, ``NAME.trashinfo``, ``.NAME.icloud``, a recycle bin's ``$I`` / ``INFO2``): it holds
    none of the named file's content, unless its content says otherwise (the records, a known hash)."""
    reasons = set(f.get("reasons") or ())
    if reasons & _CONTENT_REASONS or Reason.NAME_VARIANT not in reasons:
        return False
    rules = f.get("matched_rules") or ()
    naming = [r.partition(":")[2].split("+") for r in rules if r.startswith(f"{Reason.NAME_VARIANT}:")]
    naming += [[r] for r in rules if r in marker_rules()]  # a recycle bin's record ($I, INFO2); its content: neutral
    return bool(naming) and all(set(parts) & marker_rules() for parts in naming)


def is_copy(f: Mapping[str, Any]) -> bool:
    """A copy of the named file: its name, a copy's or re-save's name, or a known hash; never a lock file nor
    a marker file."""
    return bool(COPY_REASONS & set(f.get("reasons") or ())) and not is_lock_file(f) and not is_marker(f)


def place_of(f: Mapping[str, Any]) -> str:
    """Where a hit lies, for "found on PC01, PC02 ...": the disk image or SMB share it is in, else the
    folder right under the scanned folder (one folder per PC in a typical collection)."""
    source = str(f.get("source") or "")
    hops = [c.get("kind") for c in f.get("container") or () if isinstance(c, Mapping)]
    if source.startswith("smb://"):
        return source
    name = (PureWindowsPath(source) if "\\" in source else PurePosixPath(source)).name or source
    if hops and hops[0] in ("image", "volume"):
        return name
    path = str(f.get("path") or "").split(" » ")[0]
    rel = path[len(source):] if source and path.startswith(source) else ""
    parts = [p for p in _SEP.split(rel) if p]
    return parts[0] if len(parts) > 1 else name


def classify(doc: Mapping[str, Any]) -> dict[str, list[Mapping[str, Any]]]:
    """Every hit in the one group a reader looks for it in (first that fits): copies, lock files, marker files, names
    containing the named file's name, files sharing persons with the leak set, other person lists,
    lists of names without addresses, keyword names. The counts of the summary are these groups' sizes."""
    groups: dict[str, list[Mapping[str, Any]]] = {k: [] for k in GROUPS}
    for f in doc.get("files") or []:
        reasons = set(f.get("reasons") or ())
        if is_copy(f):
            groups["copies"].append(f)
        elif is_lock_file(f):
            groups["lock_files"].append(f)
        elif is_marker(f):
            groups["markers"].append(f)
        elif Reason.NAME_CONTAINS in reasons:  # a strong lead until promoted to a copy (scanner/promote.py)
            groups["name_contains"].append(f)
        elif Reason.RECORD_OVERLAP in reasons:
            groups["record_overlap"].append(f)
        elif Reason.PII in reasons:
            groups["other_person_files"].append(f)
        elif Reason.PII_NAMES in reasons:
            groups["names_only_lists"].append(f)
        elif Reason.EXTENSION_MISMATCH in reasons:  # a workbook, archive or table under another type's name
            groups["disguised"].append(f)
        else:
            groups["keyword_leads"].append(f)
    return groups


# the groups of classify(), in the report's order
GROUPS = ("copies", "lock_files", "markers", "name_contains", "record_overlap", "other_person_files", "names_only_lists",
          "disguised", "keyword_leads")


def summarise(doc: Mapping[str, Any], diff: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The key figures of a findings document (and of the rescan's diff, when there is one)."""
    groups = classify(doc)
    copies = groups["copies"]
    summary: dict[str, Any] = {
        "copies": len(copies),
        "copies_by_name": sum(1 for f in copies if Reason.NAME in f["reasons"]),
        "copies_renamed": sum(1 for f in copies if Reason.NAME not in f["reasons"]
                              and Reason.NAME_VARIANT in f["reasons"]),
        "copies_by_hash": sum(1 for f in copies if set(f["reasons"]) & COPY_REASONS == {Reason.KNOWN_HASH}),
        "copies_deleted": sum(1 for f in copies if f.get("deleted")),
        "copies_in_archives": sum(1 for f in copies
                                  if any(c.get("kind") == "archive" for c in f.get("container") or ())),
        "copies_unread": sum(1 for f in copies if f.get("status") != Status.OK),
        "copies_with_records": sum(1 for f in copies if (f.get("pii") or {}).get("records")),
        "places": list(dict.fromkeys(place_of(f) for f in copies)),
        **{k: len(v) for k, v in groups.items() if k != "copies"},
        "not_examined": len(doc.get("skipped") or []),
        "split_series_incomplete": split_series_incomplete(doc),
        "persons": _persons(doc),
        "rescan": None,
    }
    if diff is not None:
        summary["rescan"] = {"verdict": diff.get("verdict"), "reasons": list(diff.get("verdict_reasons") or [])}
    return summary


# a row of a byte-split series whose parts are not all here (scanner.examine, inspectors.archive): what the missing
# parts held was not examined, whatever was read of the others (fixsplit12, review12c #4)
_SERIES_INCOMPLETE = frozenset({Detail.SPLIT_SERIES_PARTLY, Detail.SPLIT_SERIES_INCOMPLETE, Detail.SPLIT_7Z_HEADER_ABSENT,
                                Detail.SPLIT_ZIP_END_ABSENT})


def split_series_incomplete(doc: Mapping[str, Any]) -> int:
    """How many split series found have parts missing: their rows (hits and skipped entries, each part listed) by
    the folder and the whole file's name their detail codes say (a row whose codes name no whole: by its path). A
    fact about the evidence, not a scan failure: the scan stays complete. Total: a detail that cannot be read counts
    nothing."""
    series: set[tuple[str, str]] = set()
    for row in [*(doc.get("files") or []), *(doc.get("skipped") or [])]:
        if not isinstance(row, Mapping):
            continue
        path = str(row.get("path") or "")
        for code in _codes(row):
            if code.get("code") in _SERIES_INCOMPLETE:
                whole = code.get("whole")
                folder = path[:max(path.rfind("/"), path.rfind("\\"), 0)]
                series.add((folder, whole) if isinstance(whole, str) else (path, ""))
                break
    return len(series)


def _codes(row: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Every code object of a row's detail (``status_detail_codes`` of a hit, ``detail_codes`` of a skipped entry;
    read back from the text for a case written before them), nested ones included."""
    recorded = row.get("status_detail_codes", row.get("detail_codes"))
    try:
        items = recorded if isinstance(recorded, list) else \
            read_details(str(row.get("status_detail", row.get("detail")) or ""))
    except Exception:  # noqa: BLE001 - a summary never fails on a detail it cannot read
        return []
    out: list[Mapping[str, Any]] = []
    todo = list(items)
    while todo:
        item = todo.pop(0)
        if isinstance(item, Mapping):
            out.append(item)
            todo += [v for value in item.values() if isinstance(value, list) for v in value]
    return out


def _persons(doc: Mapping[str, Any]) -> dict[str, Any] | None:
    p = doc.get("persons")
    if not isinstance(p, Mapping):
        return None
    files = [f for f in p.get("files") or [] if isinstance(f, Mapping)]
    return {
        "records": p.get("records"),
        "distinct": p.get("unique_exact"),  # None in a merge whose inputs could not be combined exactly
        "persons": p.get("unique"),
        "files": len(files),
        "unread_files": sum(1 for f in files if f.get("status") != Status.OK),
    }
