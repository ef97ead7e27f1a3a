"""Combine scans made separately (one per PC image or share, maybe on other machines) into one case.

Files, sources and skips are concatenated (a hit listed by two inputs under the same location key is
kept once), duplicate groups are recomputed across all of them, and person counts are combined when
every input used the same case key (``case.key``): the keyed fingerprints of different scans are then
comparable, and the distinct people across all scans is the size of their union. With different keys
the per-scan counts are listed and the report says they cannot be added up.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from . import completeness
from .evidence import FindingsDoc, read_findings
from .output import write_private
from .persons.keys import CASE_KEY, key_text, read_key_file
from .promote import SAME_SHA256, apply_to_findings
from .store import duplicate_groups, tool_info
from .textsafe import shown


def _folder(out: Path) -> Path:
    return out if out.is_dir() else out.parent


def merge_findings(outs: list[Path], command_line: list[str], started: str, finished: str) -> dict[str, Any]:
    """One ``leakscan/findings@1`` document for several scans' output folders (each checked on reading:
    a findings.json or case.key leakscan would not write stops the merge with exit 2)."""
    outs, read = _once_each(outs, [read_findings(o) for o in outs])
    docs = [d for d, _sha in read]
    folders = [_folder(o) for o in outs]
    keys = [read_key_file(f / CASE_KEY) for f in folders]
    first = docs[0]
    files: list[dict[str, Any]] = []
    seen: dict[str, int] = {}  # identity key -> merged id
    id_maps: list[dict[int, int]] = []
    origins: list[int] = []  # which input each merged file came from
    for k, doc in enumerate(docs):
        ids: dict[int, int] = {}
        for f in doc.files:
            key = f.key()
            if key in seen:
                ids[f.id] = seen[key]  # the same hit listed by another input
                continue
            g = f.to_json()
            g["id"] = seen[key] = len(files) + 1
            ids[f.id] = g["id"]
            files.append(g)
            origins.append(k)
        id_maps.append(ids)
    _renumber_promotions(files, origins, id_maps)
    apply_to_findings(files)  # a lead in one scan may hold a copy found by another scan
    inputs = [_input_summary(doc, folder, sha) for (doc, sha), folder in zip(read, folders, strict=True)]
    scans = [d.scan for d in docs]
    merged: dict[str, Any] = {
        "schema": first.schema,
        "tool": tool_info(),
        "case": dict(first.case),
        "chain_of_custody": first.chain_of_custody,
        "scan": {
            "started": started,
            "finished": finished,
            "command_line": command_line,
            "sources": [s for sc in scans for s in sc.sources],
            "source_details": [s for sc in scans for s in sc.source_details],
            "source_errors": [s for sc in scans for s in sc.source_errors],
            "files_seen": sum(sc.files_seen for sc in scans),
            "bytes_read": sum(sc.bytes_read for sc in scans),
            "settings": first.scan.settings,
            "masked": all(sc.masked for sc in scans),
        },
        "files": files,
        "duplicate_groups": duplicate_groups(files),
        "skipped": [s.to_json() for d in docs for s in d.skipped],
        "links": [link for d in docs for link in d.links],
    }
    incomplete = completeness.summary(merged)  # an input that lost part of a source leaves the case incomplete
    merged["scan"]["complete"] = incomplete is None
    if incomplete is not None:
        merged["scan"]["incomplete"] = incomplete
    merged["case"]["names"] = sorted({n for d in docs for n in d.names})
    merged["case"]["notes"] = [n for d in docs for n in d.case.get("notes") or []]
    named = [{**e, "input": k + 1} for k, d in enumerate(docs) for e in d.sections.get("named_files") or []]
    if named:  # each scan's own decision on the extension typed after --name, kept with its input
        merged["named_files"] = named
    persons, note = _merge_persons(docs, keys, id_maps)
    if persons is not None:
        merged["persons"] = persons
    from .traces.analysis import merge_traces  # leads from every input, once each

    merged.update(merge_traces([d.sections for d in docs]))
    merged["merge"] = {
        "inputs": inputs,
        "duplicate_hits_dropped": sum(len(d.files) for d in docs) - len(files),
        "same_scope": _same_scope(docs),
        "persons": note,
    }
    return merged


def _once_each(outs: list[Path], read: list[tuple[FindingsDoc, str]]) -> tuple[list[Path], list[tuple[FindingsDoc, str]]]:
    """``outs`` and what was read from them, each scan once: one scan given twice (the same folder, or a copy
    of it: the same findings.json) would add its records, files seen, sources and skips to the case twice.
    A repeat is dropped with a warning."""
    first: dict[str, int] = {}
    for k, (out, (_doc, digest)) in enumerate(zip(outs, read, strict=True)):
        if digest in first:
            print(f"leakscan: warning: {shown(str(out))} is the same scan as {shown(str(outs[first[digest]]))} "
                  "(the same findings.json): merged once", file=sys.stderr)
            continue
        first[digest] = k
    return [outs[k] for k in first.values()], [read[k] for k in first.values()]


def _renumber_promotions(files: list[dict[str, Any]], origins: list[int], id_maps: list[dict[int, int]]) -> None:
    """An input's promoted lead names its copies by that input's file ids: give them the merged ids."""
    for g, k in zip(files, origins, strict=True):
        promoted = (g.get("annotations") or {}).get("promoted")
        if promoted and promoted.get("rule") == SAME_SHA256:
            renumbered = [id_maps[k].get(i, i) for i in promoted.get("files") or []]
            g["annotations"] = {**g["annotations"], "promoted": {**promoted, "files": renumbered}}


def _input_summary(doc: FindingsDoc, folder: Path, sha256: str) -> dict[str, Any]:
    scan = doc.scan
    return {
        "folder": str(folder),
        "findings_sha256": sha256,
        "case": doc.case,
        "chain_of_custody": doc.chain_of_custody,
        "tool": {k: doc.tool.get(k) for k in ("name", "version", "ruleset_sha256")},
        "started": scan.started,
        "finished": scan.finished,
        "command_line": list(scan.command_line),
        "sources": list(scan.sources),
        "files": len(doc.files),
        "persons_unique": (doc.persons or {}).get("unique"),
    }


def _same_scope(docs: list[FindingsDoc]) -> bool:
    """Same names, rules and caps in every input (sources differ by design)."""
    def scope(d: FindingsDoc) -> tuple[str, object]:
        s = dict(d.scan.settings)
        s.pop("sources", None)
        return (repr(sorted(s.items())), d.tool.get("ruleset_sha256"))

    return len({scope(d) for d in docs}) == 1


def _merge_persons(docs: list[FindingsDoc], keys: list[bytes | None],
                   id_maps: list[dict[int, int]]) -> tuple[dict[str, Any] | None, str]:
    with_persons = [(d.persons, k, m) for d, k, m in zip(docs, keys, id_maps, strict=True) if d.persons]
    if not with_persons:
        return None, "no input counted persons"
    used = {k for _p, k, _m in with_persons}
    if len(used) != 1 or None in used:
        return None, ("not combined: the inputs used different case keys (case.key); copy one case.key into "
                      "every --out before scanning to count persons across scans. Per-scan counts: see inputs.")
    if len({_person_rules(d) for d in docs if d.persons}) != 1:
        return None, ("not combined: the inputs keyed persons with different rules (leakscan version, "
                      "person_variants.toml, towns.tsv), so their fingerprints do not compare; rescan with one "
                      "version. Per-scan counts: see inputs.")
    union: set[str] = set()
    merged: dict[str, Any] = {"records": 0, "unique_exact": None, "without_name": 0, "merges": {},
                              "rules": with_persons[0][0].get("rules", []), "review": [], "review_total": 0,
                              "probable": [], "probable_total": 0, "files": []}
    for p, _f, ids in with_persons:
        union |= set(p.get("fingerprints") or [])
        for k in ("records", "without_name", "review_total", "probable_total"):
            merged[k] += p.get(k) or 0
        for rule, n in (p.get("merges") or {}).items():
            merged["merges"][rule] = merged["merges"].get(rule, 0) + n
        merged["review"] += p.get("review") or []
        merged["probable"] += p.get("probable") or []
        merged["files"] += [{**f, "id": ids.get(f["id"], f["id"])} for f in p.get("files") or []]
    merged["unique"] = len(union)
    merged["fingerprints"] = sorted(union)
    merged["fingerprint"] = with_persons[0][0].get("fingerprint")
    return merged, ("combined: distinct persons across all inputs = union of their keyed fingerprints; "
                    "merges and review pairs are per input")


PERSON_RULE_FILES = ("person_variants.toml", "towns.tsv", "municipalities.toml")


def _person_rules(doc: FindingsDoc) -> tuple:
    """What a person's key depends on besides the case key: the tool version, the rules and their data."""
    tool = doc.tool
    files = tool.get("rule_files") or {}
    return (tool.get("version"), tuple((doc.persons or {}).get("rules") or ()),
            tuple(files.get(name) for name in PERSON_RULE_FILES))


def copy_case_key(outs: list[Path], dest: Path) -> None:
    """Keep the shared case key beside the merged findings, so later scans can use it too. Each input's
    case.key is checked (a regular file holding a key, never a link); only the key itself is written."""
    keys = {read_key_file(_folder(o) / CASE_KEY) for o in outs} - {None}
    if len(keys) == 1:
        key = keys.pop()
        assert key is not None
        write_private(dest / CASE_KEY, key_text(key))
