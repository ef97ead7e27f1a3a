"""Combine scans made separately (one per PC image or share, maybe on other machines) into one case.

Files, sources and skips are concatenated (a hit listed by two inputs under the same location key is
kept once), duplicate groups are recomputed across all of them, and person counts are combined when
every input used the same case key (``case.key``): the keyed fingerprints of different scans are then
comparable, and the distinct people across all scans is the size of their union. With different keys
the per-scan counts are listed and the report says they cannot be added up.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from .diff import identity_key
from .output import write_private
from .store import FINDINGS, duplicate_groups, load_findings, tool_info

CASE_KEY = "case.key"


def _key_digest(out: Path) -> str | None:
    path = out / CASE_KEY
    return hashlib.sha256(path.read_bytes().strip()).hexdigest() if path.is_file() else None


def merge_findings(outs: list[Path], command_line: list[str], started: str, finished: str) -> dict[str, Any]:
    """One ``leakscan/findings@1`` document for several scans' output folders."""
    docs = [load_findings(o) for o in outs]
    folders = [o if o.is_dir() else o.parent for o in outs]
    first = docs[0]
    files: list[dict[str, Any]] = []
    seen: set[str] = set()
    id_maps: list[dict[int, int]] = []
    for doc in docs:
        ids: dict[int, int] = {}
        for f in doc.get("files") or []:
            key = identity_key(f)
            if key in seen:
                continue
            seen.add(key)
            g = dict(f)
            g["id"] = len(files) + 1
            ids[f.get("id", 0)] = g["id"]
            files.append(g)
        id_maps.append(ids)
    inputs = [_input_summary(doc, folder) for doc, folder in zip(docs, folders, strict=True)]
    scans = [d.get("scan") or {} for d in docs]
    merged: dict[str, Any] = {
        "schema": first["schema"],
        "tool": tool_info(),
        "case": dict(first.get("case") or {}),
        "chain_of_custody": first.get("chain_of_custody") or {},
        "scan": {
            "started": started,
            "finished": finished,
            "command_line": command_line,
            "sources": [s for sc in scans for s in sc.get("sources") or []],
            "source_details": [s for sc in scans for s in sc.get("source_details") or []],
            "source_errors": [s for sc in scans for s in sc.get("source_errors") or []],
            "files_seen": sum(sc.get("files_seen") or 0 for sc in scans),
            "bytes_read": sum(sc.get("bytes_read") or 0 for sc in scans),
            "settings": (first.get("scan") or {}).get("settings") or {},
            "masked": all(sc.get("masked", True) for sc in scans),
        },
        "files": files,
        "duplicate_groups": duplicate_groups(files),
        "skipped": [s for d in docs for s in d.get("skipped") or []],
        "links": [link for d in docs for link in d.get("links") or []],
    }
    merged["case"]["names"] = sorted({n for d in docs for n in (d.get("case") or {}).get("names") or []})
    merged["case"]["notes"] = [n for d in docs for n in (d.get("case") or {}).get("notes") or []]
    persons, note = _merge_persons(docs, folders, id_maps)
    if persons is not None:
        merged["persons"] = persons
    from .traces.analysis import merge_traces  # leads from every input, once each

    merged.update(merge_traces(docs))
    merged["merge"] = {
        "inputs": inputs,
        "duplicate_hits_dropped": sum(len(d.get("files") or []) for d in docs) - len(files),
        "same_scope": _same_scope(docs),
        "persons": note,
    }
    return merged


def _input_summary(doc: dict[str, Any], folder: Path) -> dict[str, Any]:
    scan = doc.get("scan") or {}
    raw = (folder / FINDINGS).read_bytes() if (folder / FINDINGS).is_file() else b""
    return {
        "folder": str(folder),
        "findings_sha256": hashlib.sha256(raw).hexdigest(),
        "case": doc.get("case") or {},
        "chain_of_custody": doc.get("chain_of_custody") or {},
        "tool": {k: (doc.get("tool") or {}).get(k) for k in ("name", "version", "ruleset_sha256")},
        "started": scan.get("started"),
        "finished": scan.get("finished"),
        "command_line": scan.get("command_line") or [],
        "sources": scan.get("sources") or [],
        "files": len(doc.get("files") or []),
        "persons_unique": (doc.get("persons") or {}).get("unique"),
    }


def _same_scope(docs: list[dict[str, Any]]) -> bool:
    """Same names, rules and caps in every input (sources differ by design)."""
    def scope(d: dict[str, Any]) -> tuple:
        s = dict((d.get("scan") or {}).get("settings") or {})
        s.pop("sources", None)
        return (repr(sorted(s.items())), (d.get("tool") or {}).get("ruleset_sha256"))

    return len({scope(d) for d in docs}) == 1


def _merge_persons(docs: list[dict[str, Any]], folders: list[Path],
                   id_maps: list[dict[int, int]]) -> tuple[dict[str, Any] | None, str]:
    with_persons = [(d["persons"], f, m) for d, f, m in zip(docs, folders, id_maps, strict=True) if d.get("persons")]
    if not with_persons:
        return None, "no input counted persons"
    keys = {_key_digest(f) for _p, f, _m in with_persons}
    if len(keys) != 1 or None in keys:
        return None, ("not combined: the inputs used different case keys (case.key); copy one case.key into "
                      "every --out before scanning to count persons across scans. Per-scan counts: see inputs.")
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


def copy_case_key(outs: list[Path], dest: Path) -> None:
    """Keep the shared case key beside the merged findings, so later scans can use it too."""
    folders = [o if o.is_dir() else o.parent for o in outs]
    keys = {(f / CASE_KEY).read_bytes() for f in folders if (f / CASE_KEY).is_file()}
    if len(keys) == 1:
        write_private(dest / CASE_KEY, keys.pop())
