"""Baseline vs rescan: set arithmetic on identity keys (where) and content keys (SHA-256).

Pure functions over two findings documents (dicts loaded from findings.json); no I/O. Every
baseline hit and every rescan hit gets exactly one class, and every identical copy is tracked on
its own, so a surviving copy never hides a deleted one and a moved copy is never "missing":

- ``removed``: the baseline path holds no hit any more;
- ``remaining``: same path, same SHA-256;
- ``changed``: same path, other content;
- ``unverified``: the baseline path is still there but could not be read in the rescan;
- ``relocated``: a new path whose SHA-256 equals a baseline hit's (renamed, moved or copied);
- ``new``: a new path with content never seen in the baseline.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from .codes import (
    BLOCKING,
    CLASSES,
    LEAK_REASONS,
    NO_CONTENT_SKIPS,
    DiffClass,
    Lingering,
    Status,
    Verdict,
    VerdictReason,
)
from .models import Location

DIFF_SCHEMA = "leakscan/diff@1"

CLEAN, REMAINING, NOT_VERIFIED = Verdict.CLEAN, Verdict.REMAINING, Verdict.NOT_VERIFIED

# Settings whose difference changes what a scan can find (the scope); times and masking do not.
SCOPE_SETTINGS = ("sources", "names", "use_keywords", "max_inspect_bytes", "max_cells", "archive_depth",
                  "max_archive_total", "max_archive_ratio", "known_hashes_count", "references",
                  "min_overlap", "parse_timeout")
_UNORDERED = {"sources", "names", "references"}


def identity_key(f: dict[str, Any]) -> str:
    """The same key as :meth:`scanner.models.Location.key`, rebuilt from a findings entry."""
    inner = f.get("raw_path_hex") or f.get("inner_path") or f.get("path") or ""
    hops = [f"{h.get('kind')}:{h.get('name')}" for h in f.get("container") or []]
    return "\x1f".join([f.get("source") or "", *hops, inner])


def _parts(f: dict[str, Any]) -> list[str]:
    hops = [h.get("name") or "" for h in f.get("container") or []]
    return [p for h in [*hops, f.get("inner_path") or f.get("path") or ""] for p in re.split(r"[\\/]", h) if p]


_AUTORECOVER = re.compile(r"^~ar[0-9a-f]*\.xar$|\.asd$|^autorecovery save of ", re.IGNORECASE)
_RECYCLE_DIRS = {"$recycle.bin", "recycler", "recycled", ".recycle"}


def lingering(f: dict[str, Any]) -> list[Lingering]:
    """Places where a deleted copy lingers: recycle bins, owner and AutoRecover files, archives ..."""
    parts = _parts(f)
    base = parts[-1] if parts else ""
    low = [p.casefold() for p in parts[:-1]]
    kinds: list[Lingering] = []
    if any(p in _RECYCLE_DIRS or p.startswith(".trash") for p in low):
        kinds.append(Lingering.RECYCLE_BIN)
    if base.startswith("~$"):
        kinds.append(Lingering.OWNER_FILE)
    if _AUTORECOVER.search(base) or "autorecovery" in low:
        kinds.append(Lingering.AUTORECOVER)
    if any(h.get("kind") == "archive" for h in f.get("container") or []):
        kinds.append(Lingering.ARCHIVE)
    if any(p.startswith("@gmt-") for p in low):
        kinds.append(Lingering.SNAPSHOT)
    if f.get("deleted"):
        kinds.append(Lingering.DELETED)
    return kinds


def is_leak(reasons: list[str] | set[str]) -> bool:
    return bool(LEAK_REASONS & set(reasons))


def _entry(cls: DiffClass, f: dict[str, Any], leak: bool, **extra: Any) -> dict[str, Any]:
    out = {
        "class": cls,
        "path": f.get("path"),
        "sha256": f.get("sha256"),
        "size": f.get("size"),
        "reasons": list(f.get("reasons") or []),
        "leak": leak,
        "source": f.get("source"),
        "container": f.get("container") or [],
        "inner_path": f.get("inner_path"),
        "raw_path_hex": f.get("raw_path_hex"),
        "deleted": bool(f.get("deleted")),
        "status": f.get("status", Status.OK),
        "lingering": lingering(f),
    }
    if f.get("annotations"):
        out["annotations"] = f["annotations"]
    out.update(extra)
    return out


def scope_differences(base: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Every difference in sources, names, rules and caps between the two scans (empty: same scope)."""
    diffs: list[dict[str, Any]] = []
    b_set = (base.get("scan") or {}).get("settings") or {}
    n_set = (new.get("scan") or {}).get("settings") or {}
    for k in SCOPE_SETTINGS:
        bv, nv = b_set.get(k), n_set.get(k)
        same = sorted(bv or []) == sorted(nv or []) if k in _UNORDERED else bv == nv
        if not same:
            diffs.append({"field": k, "baseline": bv, "rescan": nv})
    b_rules = (base.get("tool") or {}).get("ruleset_sha256")
    n_rules = (new.get("tool") or {}).get("ruleset_sha256")
    if b_rules != n_rules:
        diffs.append({"field": "ruleset_sha256", "baseline": b_rules, "rescan": n_rules})
    return diffs


def _scan_summary(doc: dict[str, Any], sha256: str | None) -> dict[str, Any]:
    scan = doc.get("scan") or {}
    tool = doc.get("tool") or {}
    return {
        "findings_sha256": sha256,
        "case": doc.get("case") or {},
        "chain_of_custody": doc.get("chain_of_custody") or {},
        "tool": {"name": tool.get("name"), "version": tool.get("version"),
                 "ruleset_sha256": tool.get("ruleset_sha256")},
        "started": scan.get("started"),
        "finished": scan.get("finished"),
        "command_line": scan.get("command_line") or [],
        "sources": scan.get("sources") or [],
        "files": len(doc.get("files") or []),
        "skipped": len(doc.get("skipped") or []),
    }


def compute_diff(base: dict[str, Any], new: dict[str, Any], *, base_sha256: str | None = None,
                 new_sha256: str | None = None) -> dict[str, Any]:
    """The ``leakscan/diff@1`` document for a baseline and a rescan findings document."""
    b_files = list(base.get("files") or [])
    n_files = list(new.get("files") or [])
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(n_files):
        by_key[identity_key(f)].append(i)
    skipped_keys = {identity_key({**s, "inner_path": _skip_inner(s)}) for s in new.get("skipped") or []}
    b_by_sha: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in b_files:
        if f.get("sha256"):
            b_by_sha[f["sha256"]].append(f)

    entries: list[dict[str, Any]] = []
    matched: set[int] = set()
    for b in b_files:
        key = identity_key(b)
        pending = [i for i in by_key.get(key, []) if i not in matched]
        if pending:
            i = pending[0]
            matched.add(i)
            n = n_files[i]
            if not n.get("sha256"):
                entries.append(_entry(DiffClass.UNVERIFIED, n, is_leak(b["reasons"]) or is_leak(n["reasons"]),
                                      baseline_sha256=b.get("sha256"), detail=n.get("status_detail", "")))
            elif n["sha256"] == b.get("sha256"):
                entries.append(_entry(DiffClass.REMAINING, n, is_leak(b["reasons"]) or is_leak(n["reasons"]),
                                      baseline_sha256=b.get("sha256")))
            else:
                entries.append(_entry(DiffClass.CHANGED, n, is_leak(n["reasons"]), baseline_sha256=b.get("sha256"),
                                      baseline_reasons=list(b.get("reasons") or [])))
        elif key in skipped_keys:
            entries.append(_entry(DiffClass.UNVERIFIED, b, is_leak(b["reasons"]), baseline_sha256=b.get("sha256"),
                                  sha256=None))
        else:
            entries.append(_entry(DiffClass.REMOVED, b, is_leak(b["reasons"]), baseline_sha256=b.get("sha256")))
    for i, n in enumerate(n_files):
        if i in matched:
            continue
        same = b_by_sha.get(n.get("sha256") or "", [])
        if same:
            leak = is_leak(n["reasons"]) or any(is_leak(b["reasons"]) for b in same)
            entries.append(_entry(DiffClass.RELOCATED, n, leak, baseline_paths=[b["path"] for b in same]))
        else:
            entries.append(_entry(DiffClass.NEW, n, is_leak(n["reasons"])))

    not_verified = [s for s in new.get("skipped") or [] if s.get("reason") not in NO_CONTENT_SKIPS]
    scope = scope_differences(base, new)
    counts = {c: sum(1 for e in entries if e["class"] == c) for c in CLASSES}
    leak_counts = {c: sum(1 for e in entries if e["class"] == c and e["leak"]) for c in CLASSES}
    verdict, why = _verdict(entries, not_verified, scope)
    return {
        "schema": DIFF_SCHEMA,
        "verdict": verdict,
        "verdict_reasons": why,
        "leak_reasons": sorted(LEAK_REASONS),
        "baseline": _scan_summary(base, base_sha256),
        "rescan": _scan_summary(new, new_sha256),
        "scope": {"same": not scope, "differences": scope},
        "counts": counts,
        "leak_counts": leak_counts,
        "entries": entries,
        "not_verified": not_verified,
        "source_errors": list((new.get("scan") or {}).get("source_errors") or []),
        "lingering": [e for e in entries if e["lingering"] and e["class"] != DiffClass.REMOVED],
        "traces": _traces(base, new),
    }


def _traces(base: dict[str, Any], new: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    from .traces.diff import diff_traces  # leads only: never part of the verdict

    return diff_traces(base, new)


def _skip_inner(s: dict[str, Any]) -> str:
    """A skipped entry stores the displayed path; the inner path is its last ``»`` part."""
    return Location.parse_display(s.get("path") or "")[-1]


def _verdict(entries: list[dict[str, Any]], not_verified: list[dict[str, Any]],
             scope: list[dict[str, Any]]) -> tuple[Verdict, list[VerdictReason]]:
    """clean only when no leak-set hit is left anywhere and nothing in scope went unexamined."""
    why: list[VerdictReason] = []
    left = {e["class"] for e in entries if e["leak"] and e["class"] in BLOCKING}
    why += [VerdictReason(c) for c in (DiffClass.REMAINING, DiffClass.CHANGED, DiffClass.RELOCATED, DiffClass.NEW)
            if c in left]
    if DiffClass.UNVERIFIED in left:
        why.append(VerdictReason.UNVERIFIED)
    if not_verified:
        why.append(VerdictReason.SKIPPED)
    if scope:
        why.append(VerdictReason.SCOPE)
    if left - {DiffClass.UNVERIFIED}:
        return REMAINING, why
    return (NOT_VERIFIED, why) if why else (CLEAN, why)


def exit_code(diff: dict[str, Any]) -> int:
    """0 clean, 1 copies remain or not verified, 2 the rescan could not open a source."""
    if diff.get("source_errors"):
        return 2
    return 0 if diff["verdict"] == CLEAN else 1
