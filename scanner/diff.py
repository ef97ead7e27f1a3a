"""Baseline vs rescan: set arithmetic on identity keys (where) and content keys (SHA-256).

Pure functions over two typed findings documents (scanner.evidence, checked when loaded); no I/O. Every
baseline hit and every rescan hit gets exactly one class, and every identical copy is tracked on
its own, so a surviving copy never hides a deleted one and a moved copy is never "missing":

- ``removed``: the baseline path holds no hit any more;
- ``remaining``: same path, same SHA-256; or (fixsplit12) a split series' part the rescan read inside its series'
  joined row (``annotations.joined_parts``; ``read_in`` that row's path, no SHA-256 of the part alone);
- ``changed``: same path, other content;
- ``unverified``: the baseline path is still there but could not be read in the rescan;
- ``relocated``: a new path whose SHA-256 equals a baseline hit's (renamed, moved or copied);
- ``new``: a new path with content never seen in the baseline.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from .accept import AcceptList, accepted_keys, same_path
from .codes import (
    BLOCKING,
    CLASSES,
    LEAK_REASONS,
    MAIL_HOP_FORMATS,
    NO_CONTENT_SKIPS,
    DiffClass,
    Lingering,
    Status,
    Verdict,
    VerdictReason,
)
from .completeness import is_complete
from .evidence import Finding, FindingsDoc, persons_not_combined, scan_starts
from .models import CHAIN_SEPARATOR

DIFF_SCHEMA = "leakscan/diff@1"

CLEAN, REMAINING, NOT_VERIFIED = Verdict.CLEAN, Verdict.REMAINING, Verdict.NOT_VERIFIED

# Settings whose difference changes what a scan can find (the scope); times and masking do not.
SCOPE_SETTINGS = ("sources", "names", "use_keywords", "max_inspect_bytes", "max_cells", "archive_depth",
                  "max_archive_total", "max_archive_ratio", "known_hashes_count", "references",
                  "min_overlap", "parse_timeout", "content_check")
_UNORDERED = {"sources", "names", "references"}


def _parts(f: Finding) -> list[str]:
    hops = [h.name for h in f.containers]
    return [p for h in [*hops, f.inner_path] for p in re.split(r"[\\/]", h) if p]


_AUTORECOVER = re.compile(r"^~ar[0-9a-f]*\.xar$|\.asd$|^autorecovery save of ", re.IGNORECASE)
_RECYCLE_DIRS = {"$recycle.bin", "recycler", "recycled", ".recycle"}


def lingering(f: Finding) -> list[Lingering]:
    """Places where a deleted copy lingers: recycle bins, owner and AutoRecover files, archives ..."""
    parts = _parts(f)
    base = parts[-1] if parts else ""
    low = [p.casefold() for p in parts[:-1]]
    kinds: list[Lingering] = []
    if any(p in _RECYCLE_DIRS or p.startswith(".trash") for p in low):
        kinds.append(Lingering.RECYCLE_BIN)
    rules = " ".join(f.matched_rules)  # the name rules say it too (signatures/name_variants.toml)
    if base.startswith("~$") or "owner-file" in rules or "lock-libreoffice" in rules:
        kinds.append(Lingering.OWNER_FILE)
    if _AUTORECOVER.search(base) or "autorecovery" in low or "autorecover" in rules:
        kinds.append(Lingering.AUTORECOVER)
    mail = [h.kind == "archive" and (h.detail or {}).get("format") in MAIL_HOP_FORMATS for h in f.containers]
    if any(h.kind == "archive" and not in_mail for h, in_mail in zip(f.containers, mail, strict=True)):
        kinds.append(Lingering.ARCHIVE)
    if any(mail):
        kinds.append(Lingering.MAIL)
    if any(p.startswith("@gmt-") for p in low):
        kinds.append(Lingering.SNAPSHOT)
    if f.deleted:
        kinds.append(Lingering.DELETED)
    return kinds


def is_leak(f: Finding) -> bool:
    return f.has_reason(LEAK_REASONS)


def _entry(cls: DiffClass, f: Finding, leak: bool, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "class": cls,
        "path": f.path,
        "sha256": f.sha256,
        "size": f.size,
        "reasons": list(f.reasons),
        "leak": leak,
        "source": f.source,
        "container": f.location.to_json(),
        "inner_path": f.inner_path,
        "raw_path_hex": f.raw_path_hex,
        "deleted": f.deleted,
        "status": f.status,
        "lingering": lingering(f),
    }
    if f.annotations:
        out["annotations"] = f.annotations
    out.update(extra)
    return out


MIXED = "(differs between the merged scans)"  # remediation.html.j2 says it in words (scope_mixed)


def _scope_settings(doc: FindingsDoc) -> dict[str, Any]:
    """The settings that make a document's scope. A merged case's ``scan.settings`` are its first input's
    (review21c: a rescan of the first input's sources alone had the scope of the whole case, the others' copies read
    as removed, clean): its sources are every input's, and a setting its inputs differ in has no one value."""
    settings = dict(doc.scan.settings)
    merge = doc.sections.get("merge")
    if isinstance(merge, dict):
        settings["sources"] = list(doc.scan.sources)
        differ = merge.get("scope_differences")
        for k in differ if isinstance(differ, list) else []:
            if k in SCOPE_SETTINGS:
                settings[k] = MIXED
    return settings


def _comparable(k: str, v: object) -> str:
    """One scope value as text that compares as the setting does (a list of names in any order is the same)."""
    if k in _UNORDERED:
        v = sorted(map(str, v)) if isinstance(v, list) else v
    return json.dumps(v, sort_keys=True, default=str)


def scan_scopes(doc: FindingsDoc) -> list[dict[str, Any]] | None:
    """What each scan a document holds looked for, with its sources: ``{"sources": [...], "settings": {scope
    setting: value, ruleset_sha256: ...}}`` (a plain scan: one; a merged case: each input's, through merged merges:
    ``merge.inputs[].scopes``). None when a merged input recorded none (merged before Session 22) or what it recorded
    is not what leakscan writes: that side is compared as a whole."""
    merge = doc.sections.get("merge")
    if not isinstance(merge, dict):
        own = {k: doc.scan.settings.get(k) for k in SCOPE_SETTINGS if k != "sources"}
        return [{"sources": [s for s in doc.scan.sources if isinstance(s, str)],
                 "settings": {**own, "ruleset_sha256": doc.tool.get("ruleset_sha256")}}]
    inputs = merge.get("inputs")
    out: list[dict[str, Any]] = []
    for i in inputs if isinstance(inputs, list) and inputs else [None]:
        scopes = i.get("scopes") if isinstance(i, dict) else None
        if not isinstance(scopes, list) or not scopes:
            return None
        for one in scopes:
            if not (isinstance(one, dict) and isinstance(one.get("sources"), list)
                    and all(isinstance(x, str) for x in one["sources"]) and isinstance(one.get("settings"), dict)):
                return None
            out.append({"sources": list(one["sources"]), "settings": dict(one["settings"])})
    return out


def _per_source(doc: FindingsDoc) -> dict[str, dict[str, set[str]]] | None:
    """Each source's scope values (setting -> the values its scans used, as comparable text); None: not known per
    source (scan_scopes)."""
    scopes = scan_scopes(doc)
    if scopes is None:
        return None
    out: dict[str, dict[str, set[str]]] = {}
    for one in scopes:
        for source in one["sources"]:
            values = out.setdefault(source, defaultdict(set))
            for k in (*(k for k in SCOPE_SETTINGS if k != "sources"), "ruleset_sha256"):
                values[k].add(_comparable(k, one["settings"].get(k)))
    return out


def _one_value(doc: FindingsDoc, k: str) -> Any:
    """A setting's value for the whole document as shown in diff.json: its scans' one value, else MIXED."""
    scopes = scan_scopes(doc)
    if scopes is None:
        return doc.tool.get(k) if k == "ruleset_sha256" else _scope_settings(doc).get(k)
    values = {_comparable(k, one["settings"].get(k)): one["settings"].get(k) for one in scopes}
    return next(iter(values.values())) if len(values) == 1 else MIXED


def scope_differences(base: FindingsDoc, new: FindingsDoc) -> list[dict[str, Any]]:
    """Every difference in sources, names, rules and caps between the two scans (empty: same scope). Settings are
    compared per source (Session 22): a merged case whose inputs looked for different things compares each source
    with the settings its own scan used; ``sources`` names the ones that differ (the rest of a source's scans agree).
    A side merged before per-source records (or hand-edited) is compared as a whole: a setting its inputs differ in
    has no one value and always differs."""
    diffs: list[dict[str, Any]] = []
    b_set, n_set = _scope_settings(base), _scope_settings(new)
    b_src, n_src = _per_source(base), _per_source(new)
    common = sorted(set(b_src) & set(n_src)) if b_src is not None and n_src is not None else []
    for k in (*SCOPE_SETTINGS, "ruleset_sha256"):
        bv, nv = (_one_value(base, k), _one_value(new, k)) if k != "sources" else (b_set.get(k), n_set.get(k))
        where: list[str] | None = None
        if k == "sources":
            same = sorted(map(str, bv or [])) == sorted(map(str, nv or []))
        elif common and b_src is not None and n_src is not None:
            where = [s for s in common if len(b_src[s][k]) != 1 or len(n_src[s][k]) != 1 or b_src[s][k] != n_src[s][k]]
            same = not where
        elif MIXED in (bv, nv):  # the merged scans looked for different things: no single scope to compare
            same = False
        else:
            same = _comparable(k, bv) == _comparable(k, nv)
        if not same:
            diffs.append({"field": k, "baseline": bv, "rescan": nv, **({"sources": where} if where else {})})
    return diffs


def _scan_summary(doc: FindingsDoc, sha256: str | None) -> dict[str, Any]:
    scan, tool = doc.scan, doc.tool
    return {
        "findings_sha256": sha256,
        "case": doc.case,
        "chain_of_custody": doc.chain_of_custody,
        "tool": {"name": tool.get("name"), "version": tool.get("version"),
                 "ruleset_sha256": tool.get("ruleset_sha256")},
        "started": scan.started,
        "finished": scan.finished,
        "command_line": list(scan.command_line),
        "sources": list(scan.sources),
        "files": len(doc.files),
        "skipped": len(doc.skipped),
        "complete": is_complete(doc),
    }


def _own_sha256(f: Finding) -> str | None:
    """The SHA-256 of the first part of a split series as it lies (``annotations.part_digests``): the row's own is
    the joined file's since Session 11; a case written before hashed the part alone, so an untouched part is
    matched by this one (split12). None for any other row. Total."""
    own = f.annotations.get("part_digests") if isinstance(f.annotations, dict) else None
    sha = own.get("sha256") if isinstance(own, dict) else None
    return sha if isinstance(sha, str) else None


def _read_joined(files: Sequence[Finding]) -> dict[str, Finding]:
    """The keys of the parts read inside a split series' row (``annotations.joined_parts``: their names, beside the
    row's own in its folder), each with that row (fixsplit12: a rescan that joins parts the baseline read apart
    lists no row for them). Total: a row whose note cannot be read gives none."""
    out: dict[str, Finding] = {}
    for f in files:
        names = f.annotations.get("joined_parts") if isinstance(f.annotations, dict) else None
        if not isinstance(names, list):
            continue
        loc = f.location
        cut = max(loc.path.rfind("/"), loc.path.rfind("\\"))
        if cut < 0:
            continue
        for name in names:
            if isinstance(name, str) and name:
                key = dataclasses.replace(loc, path=loc.path[:cut + 1] + name, raw_path_hex=None).key()
                if key != f.key():
                    out.setdefault(key, f)
    return out


def compute_diff(base: FindingsDoc, new: FindingsDoc, *, base_sha256: str | None = None,
                 new_sha256: str | None = None, accept: AcceptList | None = None) -> dict[str, Any]:
    """The ``leakscan/diff@1`` document for a baseline and a rescan findings document; with ``accept`` (the
    examiner's out-of-scope list), the rescan's files and skips it names are marked and do not block."""
    b_files, n_files = base.files, new.files
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(n_files):
        by_key[f.key()].append(i)
    skipped_keys = {s.key() for s in new.skipped}
    skipped_dirs = {k if k.endswith("/") else k + "/" for k in skipped_keys}  # a skipped folder covers its files
    unopened = {s.location.source for s in new.skipped if s.reason == Status.SOURCE_ERROR}
    read_in = _read_joined(n_files)
    b_by_sha: dict[str, list[Finding]] = defaultdict(list)
    for f in b_files:
        if f.sha256:
            b_by_sha[f.sha256].append(f)

    entries: list[dict[str, Any]] = []
    keys: list[str] = []  # each entry's location key, for the accept list

    def add(cls: DiffClass, f: Finding, leak: bool, **extra: Any) -> None:
        entries.append(_entry(cls, f, leak, **extra))
        keys.append(f.key())

    matched: set[int] = set()
    for b in b_files:
        key = b.key()
        pending = by_key.get(key)
        while pending and pending[0] in matched:  # linear: each rescan index is passed over once
            pending.pop(0)
        if pending:
            i = pending.pop(0)
            matched.add(i)
            n = n_files[i]
            if not n.sha256:
                add(DiffClass.UNVERIFIED, n, is_leak(b) or is_leak(n),
                    baseline_sha256=b.sha256, detail=n.status_detail)
            elif n.sha256 == b.sha256 or (b.sha256 is not None and b.sha256 == _own_sha256(n) != _own_sha256(b)):
                add(DiffClass.REMAINING, n, is_leak(b) or is_leak(n), baseline_sha256=b.sha256)
            else:
                add(DiffClass.CHANGED, n, is_leak(n), baseline_sha256=b.sha256,
                    baseline_reasons=list(b.reasons))
        elif key in read_in:  # a part read inside a joined row (a missing part turned up): there, not removed
            row = read_in[key]
            add(DiffClass.REMAINING, b, is_leak(b) or is_leak(row), baseline_sha256=b.sha256, sha256=None,
                read_in=row.path)
        elif key in skipped_keys or _under(key, skipped_dirs) or b.source in unopened:  # not examined
            add(DiffClass.UNVERIFIED, b, is_leak(b), baseline_sha256=b.sha256, sha256=None)
        else:
            add(DiffClass.REMOVED, b, is_leak(b), baseline_sha256=b.sha256)
    for i, n in enumerate(n_files):
        if i in matched:
            continue
        same = b_by_sha.get(n.sha256 or "", [])
        if same:
            leak = is_leak(n) or any(is_leak(b) for b in same)
            add(DiffClass.RELOCATED, n, leak, baseline_paths=[b.path for b in same])
        else:
            add(DiffClass.NEW, n, is_leak(n))

    accepted_at: dict[str, Any] = {}
    accepted: dict[str, Any] | None = None
    if accept is not None:
        found = [(f.key(), f.path, f.sha256) for f in n_files] + [(s.key(), s.path, s.sha256) for s in new.skipped]
        accepted_at, lines = accepted_keys(accept, found)
        accepted = {"file": accept.file, "sha256": accept.sha256, "lines": lines, "skipped": []}
        for e, key in zip(entries, keys, strict=True):
            if key in accepted_at:
                e["accepted"] = accepted_at[key].note()
    not_verified = []
    for s in new.skipped:
        if s.reason in NO_CONTENT_SKIPS:
            continue
        if s.key() in accepted_at and accepted is not None:  # listed apart, with the examiner's reason
            accepted["skipped"].append({**s.to_json(), "accepted": accepted_at[s.key()].note()})
        else:
            not_verified.append(s.to_json())
    scope = scope_differences(base, new)
    counts = {c: sum(1 for e in entries if e["class"] == c) for c in CLASSES}
    leak_counts = {c: sum(1 for e in entries if e["class"] == c and e["leak"]) for c in CLASSES}
    verdict, why = _verdict(entries, not_verified, scope, not (is_complete(base) and is_complete(new)),
                            _rescan_first(base, new))
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
        **({"accepted": accepted} if accepted is not None else {}),
        "source_errors": list(new.scan.source_errors),
        "lingering": [e for e in entries if e["lingering"] and e["class"] != DiffClass.REMOVED],
        "traces": _traces(base, new),
        "persons": persons_change(base, new),
    }


def persons_change(base: FindingsDoc, new: FindingsDoc) -> dict[str, Any]:
    """Persons counted by each scan and the keying of the rules that counted them (persons.keying): a rescan by
    another keying may count the same rows as other persons (Session 13: メゾン2000 A棟305 and メゾン2001 A棟305 became
    two), so a changed count is said to come from the rules, not from the files, when the keyings differ. Never part
    of the verdict (the diff compares files)."""
    def side(doc: FindingsDoc) -> tuple[int | None, int | str | None]:
        p = doc.persons or {}
        unique, keying = p.get("unique"), p.get("keying")
        return (unique if type(unique) is int else None,
                keying if type(keying) is int or keying is None else "other")  # a hand-edited value is never echoed

    (b_unique, b_keying), (n_unique, n_keying) = side(base), side(new)
    counted = base.persons is not None and new.persons is not None
    # a merged case whose inputs' persons were not counted together (Session 21: its "-" read as none counted)
    apart = {f"{name}_not_combined": why for name, doc in (("baseline", base), ("rescan", new))
             if (why := persons_not_combined(doc)) is not None}
    return {"baseline": b_unique, "rescan": n_unique, "baseline_keying": b_keying, "rescan_keying": n_keying,
            "same_keying": not counted or b_keying == n_keying, **apart}


def _traces(base: FindingsDoc, new: FindingsDoc) -> dict[str, list[dict[str, Any]]]:
    from .traces.diff import diff_traces  # leads only: never part of the verdict

    return diff_traces(base.sections, new.sections)


def _under(key: str, folders: set[str]) -> bool:
    """Whether a location key lies inside one of the skipped folders (keys ending in '/')."""
    at = key.rfind("/")
    while at >= 0:
        if key[:at + 1] in folders:
            return True
        at = key.rfind("/", 0, at)
    return False


def _starts(doc: FindingsDoc, merge_time_stands: bool) -> list[tuple[datetime.datetime | None, frozenset[str]]]:
    """When the scans of a document began, each with its sources (evidence.scan_starts: a merged case's by its
    scans', through merged merges too); None for a time that is not one leakscan writes, or not known."""
    out: list[tuple[datetime.datetime | None, frozenset[str]]] = []
    for text, sources in scan_starts(doc, merge_time_stands):
        try:
            when = datetime.datetime.fromisoformat(text) if isinstance(text, str) else None
        except ValueError:
            when = None
        out.append((when if when is not None and when.tzinfo is not None else None,
                    frozenset(s for s in sources if isinstance(s, str))))
    return out


def _rescan_first(base: FindingsDoc, new: FindingsDoc) -> bool:
    """A scan of the rescan began before the baseline's scans of its sources did (of all its scans when none shares
    a source), or a time cannot be read: the two swapped, ``diff NEW OLD`` (Session 21: a copy made between them
    read as removed, verdict clean). Per source (review21c): PCs scanned and rescanned one after another, merged,
    are in order though PC01's rescan began before PC02's baseline."""
    b, n = _starts(base, merge_time_stands=True), _starts(new, merge_time_stands=False)
    known_b = [(t, s) for t, s in b if t is not None]
    known_n = [(t, s) for t, s in n if t is not None]
    if not known_b or not known_n or len(known_b) != len(b) or len(known_n) != len(n):
        return True
    for when, sources in known_n:
        before = [t for t, s in known_b if s & sources] or [t for t, _s in known_b]
        if when < max(before):
            return True
    return False


def _verdict(entries: list[dict[str, Any]], not_verified: list[dict[str, Any]],
             scope: list[dict[str, Any]], incomplete: bool = False,
             rescan_first: bool = False) -> tuple[Verdict, list[VerdictReason]]:
    """clean only when no leak-set hit is left anywhere, nothing in scope went unexamined and the rescan came after
    the baseline."""
    why: list[VerdictReason] = []
    if rescan_first:
        why.append(VerdictReason.ORDER)
    if incomplete:
        why.append(VerdictReason.INCOMPLETE)
    left = {e["class"] for e in entries if e["leak"] and e["class"] in BLOCKING and not e.get("accepted")}
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


_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z")


def _a_time(value: object) -> bool:
    if value is None:
        return True
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        return False
    try:
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def contradictions(diff: object) -> list[str]:
    """What a diff.json read from a case folder says against itself or leakscan's form (empty: none). Session 22:
    diff.json was checked by no reader, so a verdict edited to "clean" over copies that remain (or a field of
    another type) was rendered into remediation.html by ``leakscan report`` and verified. The verdict and its
    reasons must be what :func:`_verdict` gives for its own entries, skips, scope and completeness (the order is
    taken as stated: it compares the two scans, not the entries); the counts what its entries count."""
    if not isinstance(diff, dict) or diff.get("schema") != DIFF_SCHEMA:
        return [f"not a {DIFF_SCHEMA} document"]
    entries, not_verified, scope = diff.get("entries"), diff.get("not_verified"), diff.get("scope")
    sides = [diff.get("baseline"), diff.get("rescan")]
    reasons = diff.get("verdict_reasons")
    if not (isinstance(entries, list) and all(isinstance(e, dict) and e.get("class") in CLASSES
                                              and isinstance(e.get("leak"), bool) for e in entries)
            and isinstance(not_verified, list) and isinstance(scope, dict) and isinstance(scope.get("same"), bool)
            and isinstance(scope.get("differences"), list)
            and all(isinstance(d, dict) and isinstance(d.get("field"), str) for d in scope["differences"])
            and isinstance(reasons, list) and all(isinstance(r, str) for r in reasons)
            and all(isinstance(side, dict) and isinstance(side.get("complete", True), bool)
                    and _a_time(side.get("started")) and _a_time(side.get("finished")) for side in sides)
            and diff.get("verdict") in (CLEAN, REMAINING, NOT_VERIFIED)):
        return ["its fields are not of the form leakscan writes"]
    incomplete = not all(side.get("complete", True) for side in sides)  # type: ignore[union-attr]
    verdict, why = _verdict(entries, not_verified, scope["differences"], incomplete, VerdictReason.ORDER in reasons)
    found = []
    from . import __version__, rules

    # another leakscan may have given more or fewer reasons; a clean verdict over a hit or a skip never holds
    tool = sides[1].get("tool") if isinstance(sides[1].get("tool"), dict) else {}  # type: ignore[union-attr]
    exact = tool.get("version") == __version__ and tool.get("ruleset_sha256") == rules.ruleset_sha256()
    if (diff["verdict"] == CLEAN and verdict != CLEAN) or (exact and (diff["verdict"], reasons) != (verdict, why)):
        found.append("its verdict does not follow from its own entries (edited?)")
    if _unapplied_acceptances(diff, entries):
        found.append("it marks entries accepted that no line of its accept list covers (edited?)")
    counts = {c: sum(1 for e in entries if e["class"] == c) for c in CLASSES}
    leak_counts = {c: sum(1 for e in entries if e["class"] == c and e["leak"]) for c in CLASSES}
    if exact and (diff.get("counts") != counts or diff.get("leak_counts") != leak_counts
                  or scope["same"] == bool(scope["differences"])):
        found.append("its counts or scope do not agree with its own entries (edited?)")
    return found


def unaccounted_hits(diff: object, findings_sha256: str, files: object) -> list[str]:
    """What a diff.json leaves out of the rescan it names: when its ``rescan.findings_sha256`` is ``findings_sha256``
    (the findings.json beside it, a ``scan --baseline`` folder, whose ``files`` these are), each hit must have an
    entry of its path and SHA-256 that is not ``removed`` (compute_diff gives every rescan hit one). review22c: the
    copy that remains struck from the entries, counts made again, was shown clean and verified. A diff of another
    findings.json makes no claim about this one: nothing."""
    from collections import Counter

    rescan = diff.get("rescan") if isinstance(diff, dict) else None
    entries = diff.get("entries") if isinstance(diff, dict) else None
    if not (isinstance(rescan, dict) and isinstance(entries, list) and isinstance(files, list)
            and rescan.get("findings_sha256") == findings_sha256):
        return []
    listed = Counter((e.get("path"), e.get("sha256")) for e in entries
                     if isinstance(e, dict) and e.get("class") != DiffClass.REMOVED)
    hits = Counter((f.get("path"), f.get("sha256")) for f in files if isinstance(f, dict))
    if hits - listed:
        return ["it leaves out hits of the findings.json beside it, the rescan it compares (edited?)"]
    return []


def _unapplied_acceptances(diff: dict[str, Any], entries: list[dict[str, Any]]) -> bool:
    """An entry marked ``accepted`` (which keeps it from the verdict) that no applied line of the diff's own accept
    list covers: that very path and SHA-256, or a container it lies in (accept.accepted_keys). review22c: the copies
    that remain marked accepted, without any --accept, made a clean verdict that report rendered and verify passed."""
    marked = [e for e in entries if e.get("accepted") is not None]
    if not marked:
        return False
    accepted = diff.get("accepted")
    lines = accepted.get("lines") if isinstance(accepted, dict) else None
    applied = {ln.get("line"): ln for ln in lines if isinstance(ln, dict) and ln.get("status") == "applied"} \
        if isinstance(lines, list) else {}
    for e in marked:
        note = e["accepted"]
        line = applied.get(note.get("line")) if isinstance(note, dict) else None
        if line is None or line.get("reason") != note.get("reason") or not isinstance(e.get("path"), str):
            return True
        path, at = same_path(e["path"]), line.get("path")
        # an unverified copy's entry has no SHA-256 of its own: the skipped file's (the line matched) is elsewhere
        if not ((path == at and e.get("sha256") in (None, line.get("sha256")))
                or (isinstance(at, str) and path.startswith(at + CHAIN_SEPARATOR))):
            return True
    return False


def exit_code(diff: dict[str, Any]) -> int:
    """0 clean, 1 copies remain or not verified, 2 the rescan could not open a source."""
    if diff.get("source_errors"):
        return 2
    return 0 if diff["verdict"] == CLEAN else 1
