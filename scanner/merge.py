"""Combine scans made separately (one per PC image or share, maybe on other machines) into one case.

Files, sources and skips are concatenated (a hit listed by two inputs under the same location key is
kept once), duplicate groups are recomputed across all of them, and person counts are combined when
every input used the same case key (``case.key``): the keyed fingerprints of different scans are then
comparable, and the distinct people across all scans is the size of their union. With different keys
the per-scan counts are listed and the report says they cannot be added up.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import completeness
from .codes import Status
from .consistency import require_consistent
from .details import read_details
from .diff import scan_scopes
from .evidence import (
    FILE_DETAIL_CODES,
    FINDINGS,
    NOT_COMBINED_KEYS,
    NOT_COMBINED_RULES,
    SKIP_DETAIL_CODES,
    FindingsDoc,
    chain_counts,
    chain_figures,
    chain_path,
    keying_stated,
    persons_not_combined,
    read_case_file,
    read_findings,
    room_stage_count,
    scan_starts,
)
from .models import Location
from .output import require_intact, require_vouched, write_private
from .persons.keys import CASE_KEY, check_key_id, key_id, key_text, keying_id, read_key_file
from .promote import RENAMED_SAME_SHA256, SAME_SHA256, apply_to_findings
from .store import duplicate_groups, tool_info, with_codes, with_volume_codes
from .textsafe import shown


def _folder(out: Path) -> Path:
    return out if out.is_dir() else out.parent


def merge_findings(outs: list[Path], command_line: list[str], started: str, finished: str) -> dict[str, Any]:
    """One ``leakscan/findings@1`` document for several scans' output folders (each checked on reading:
    a findings.json or case.key leakscan would not write stops the merge with exit 2)."""
    read = [read_findings(o) for o in outs]
    every_key = [read_key_file(_folder(o) / CASE_KEY) for o in outs]  # each input checked, a repeat too
    for o, (_doc, digest), key in zip(outs, read, every_key, strict=True):  # what the inputs' manifests vouch for
        require_vouched(_folder(o), FINDINGS, digest)
        require_intact(_folder(o))
        require_consistent(_doc.to_json(), str(_folder(o) / FINDINGS), _folder(o))
        check_key_id(_doc.persons or {}, key, _folder(o))
        if key is not None:
            require_vouched(_folder(o), CASE_KEY, hashlib.sha256(read_case_file(_folder(o) / CASE_KEY, 128)).hexdigest())
    kept = _once_each(outs, [digest for _doc, digest in read])
    outs, read, keys = [outs[k] for k in kept], [read[k] for k in kept], [every_key[k] for k in kept]
    docs = [d for d, _sha in read]
    folders = [_folder(o) for o in outs]
    first = docs[0]
    files: list[dict[str, Any]] = []
    seen: dict[tuple[str, str | None], int] = {}  # (location key, SHA-256) -> merged id
    id_maps: list[dict[int, int]] = []
    origins: list[int] = []  # which input each merged file came from
    canon = _canonical_sources(docs)

    tags = _place_tags(docs)

    def place(k: int, loc: Location) -> str:
        """A location's key in this merge: under the source text the case keys that folder by (a folder one
        input scanned inside another's source, or wrote another way, is the same place on the same machine),
        told apart by what makes the same path another place (another volume; an input with no host)."""
        text = canon.get((k, loc.source))
        key = loc.key() if text is None else replace(loc, source=text).key()
        tag = tags.get((k, loc.source))
        return key if tag is None else f"{key}\0{tag}"

    read_by = _read_by(docs, place)
    folded: list[tuple[dict[int, int], int, str]] = []
    for k, doc in enumerate(docs):
        ids: dict[int, int] = {}
        for f in doc.files:
            if f.sha256 is None and read_by.get(place(k, f.location), {k}) - {k}:
                folded.append((ids, f.id, place(k, f.location)))  # not read here, read by another input: its hit
                continue
            where = (place(k, f.location), f.sha256)  # the same place with other bytes (changed between scans): two
            if where in seen:
                ids[f.id] = seen[where]  # the same hit listed by another input
                continue
            g = with_codes(f.to_json(), "status_detail", FILE_DETAIL_CODES, recorded=True)  # an input written before the codes too
            g["id"] = seen[where] = len(files) + 1
            ids[f.id] = g["id"]
            files.append(g)
            origins.append(k)
        id_maps.append(ids)
    first_read = {loc: n for (loc, sha), n in sorted(seen.items(), key=lambda kv: kv[1]) if sha is not None}
    for ids, fid, loc in folded:
        ids[fid] = first_read.get(loc, fid)
    _renumber_promotions(files, origins, id_maps)
    apply_to_findings(files)  # a lead in one scan may hold a copy found by another scan
    differences = _scope_differences(docs)
    overlap = _overlapping_sources(docs)
    counts = _seen_and_read(docs)
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
            "sources": _once([s for sc in scans for s in sc.sources]),
            "source_details": with_volume_codes(_once([s for sc in scans for s in sc.source_details]), recorded=True),
            "source_errors": _once([s for sc in scans for s in sc.source_errors]),
            "files_seen": counts["files_seen"],
            "bytes_read": counts["bytes_read"],
            "settings": first.scan.settings,
            "masked": all(sc.masked for sc in scans),
        },
        "files": files,
        "duplicate_groups": duplicate_groups(files),
        "skipped": _skipped_once([(with_codes(s.to_json(), "detail", SKIP_DETAIL_CODES, recorded=True), (place(k, s.location), s.reason, s.detail))
                             for k, d in enumerate(docs)
                             for s in d.skipped
                             if not (s.reason in NOT_READ and read_by.get(place(k, s.location), {k}) - {k})]),
        "links": _once([link for d in docs for link in d.links]),
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
    keyings = _keyings([(d.persons, None, {}) for d in docs if d.persons])
    from .traces.analysis import merge_traces  # leads from every input, once each

    merged.update(merge_traces([d.sections for d in docs]))
    merged["merge"] = {
        "inputs": inputs,
        "duplicate_hits_dropped": sum(len(d.files) for d in docs) - len(files),
        "same_scope": not differences,
        "scope_differences": differences,
        "overlapping_sources": overlap,
        "unidentified_places": unidentified_places(docs),
        "counts": counts,
        "persons": note,
        # the inputs' persons.keying when persons were not combined for another keying (the report says it in words)
        **({"persons_keyings": keyings} if note.startswith(_OTHER_RULES) else {}),
    }
    return merged


# skip reasons that say only that this scan could not read the file (another input that read it examined it)
NOT_READ = frozenset({Status.UNREADABLE, Status.VANISHED, Status.CHANGED_DURING_READ, Status.CONNECTION,
                      Status.SOURCE_LOST})


def _read_by(docs: list[FindingsDoc], key: Callable[[int, Location], str]) -> dict[str, set[int]]:
    """Location key -> the inputs that read (hashed) a hit there: a file one scan could not read (locked, a
    dropped connection) and another read is examined, and listed once, as the one read."""
    found: dict[str, set[int]] = {}
    for k, d in enumerate(docs):
        for f in d.files:
            if f.sha256:
                found.setdefault(key(k, f.location), set()).add(k)
    return found


def _canonical_sources(docs: list[FindingsDoc]) -> dict[tuple[int, str], str]:
    """(input, SOURCE text) -> the text the merge keys its files under, for local folder sources on the same
    machine (chain_of_custody.host): the outermost folder any input scanned that holds it (the first input's
    text for the same folder written two ways). A folder scanned on its own and again inside a share, or given
    as a relative path in one scan and an absolute one in another, is then the same place: its files are the
    same files (their paths are absolute in both), listed and counted once. An input that records no host is a
    machine of its own: folders of two unknown machines are not the same place, and treating them so would hide
    the second machine's files (a hit listed twice is visible; a hit dropped is not)."""
    folders = _local_folders(docs)
    canon = {}
    for host, path, text, k in folders:
        holders = [f for f in folders if f[0] == host and (path == f[1] or path.startswith(f[1].rstrip("/") + "/"))]
        outer = min(holders, key=lambda f: (len(f[1]), f[3]))
        if outer[2] != text:
            canon[(k, text)] = outer[2]
    return canon


def _files_seen_at(doc: FindingsDoc, source: str) -> object:
    """What an input recorded it saw under one of its SOURCEs (``files_seen`` in source_details), else None."""
    for s in doc.scan.source_details:
        if s.get("source") == source and s.get("kind") == "directory":
            return s.get("files_seen")
    return None


def unidentified_places(docs: list[FindingsDoc]) -> list[str]:
    """Local folders that several inputs of one host scanned on a file system that gives no id (FUSE: ewfmount,
    ntfs-3g, sshfs; statvfs f_fsid 0), each seeing the same number of files: taken for one place, which leakscan
    cannot prove (Session 9: said in a warning)."""
    seen: dict[tuple[object, str], set[int]] = {}
    for (host, volume), _path, text, k in _local_folders(docs):
        if volume is None and not isinstance(host, tuple):
            seen.setdefault((host, text), set()).add(k)
    return sorted(text for (_host, text), ks in seen.items() if len(ks) > 1
                  and len({json.dumps(_files_seen_at(docs[k], text)) for k in ks}) == 1)


def _local_folders(docs: list[FindingsDoc]) -> list[tuple[tuple[object, str | None], str, str, int]]:
    """((machine, volume), absolute path, SOURCE text, input) of every local folder source. The machine is
    chain_of_custody.host (an input that records none is a machine of its own); the volume is the file system the
    folder was on (``volume`` in source_details, Session 8; None when not recorded): two PC disks mounted in turn
    at one path of the analysis host are two places, the same disk scanned twice is one."""
    folders = []
    for k, d in enumerate(docs):
        host = d.chain_of_custody.get("host") or ("no host recorded", k)
        for s in d.scan.source_details:
            if s.get("kind") == "directory" and isinstance(s.get("path"), str) and isinstance(s.get("source"), str):
                volume = s["volume"] if isinstance(s.get("volume"), str) else None
                folders.append(((host, volume), s["path"].rstrip("/") or "/", s["source"], k))
    return folders


def _place_tags(docs: list[FindingsDoc]) -> dict[tuple[int, str], str]:
    """(input, SOURCE text) -> what tells that folder's place apart from the same text in another input: the
    input itself when it records no host, else the volume when recorded. Folders with the same text are the same
    place only with the same tag (or none): a hit dropped as "the same file" would be a silent miss."""
    tags = {}
    unidentified: dict[tuple[object, str], dict[int, object]] = {}
    for (host, volume), _path, text, k in _local_folders(docs):
        if isinstance(host, tuple):
            tags[(k, text)] = f"input {k}"
        elif volume is not None:
            tags[(k, text)] = f"volume {volume}"
        else:
            unidentified.setdefault((host, text), {})[k] = _files_seen_at(docs[k], text)
    # a file system that gives no id (FUSE; Session 9): inputs that saw a different number of files there scanned
    # different disks mounted in turn, not one place (their identical copies were dropped as the same files)
    for (_host, text), seen in unidentified.items():
        if len({json.dumps(v) for v in seen.values()}) > 1:
            for k, v in seen.items():
                tags[(k, text)] = f"no file-system id, {v} files seen"
    return tags


def _said(entry: dict[str, Any]) -> bool:
    """Its detail codes were recorded as said (Session 12): they differ from its text read back. Codes equal to the
    read-back may have been read back when the case was written (a case of Session 11 read a hostile name's words
    as another code). Total."""
    try:
        codes = entry.get(SKIP_DETAIL_CODES)
        return isinstance(codes, list) and codes != read_details(str(entry.get("detail") or ""))
    except Exception:  # noqa: BLE001 - deciding which duplicate's codes to keep never fails the merge
        return False


def _skipped_once(items: list[tuple[dict[str, Any], Any]]) -> list[dict[str, Any]]:
    """The first skipped entry of each identity, in order, with the codes of a duplicate that recorded them as said
    when the first did not (an input written before Session 12 beside one written after: the older one's codes may
    be its text read back, a hostile folder name's words taken for another code, the folder not counted unlisted)."""
    first_of: dict[str, dict[str, Any]] = {}
    out = []
    for item, identity in items:
        k = json.dumps(identity, sort_keys=True, ensure_ascii=False, default=str)
        kept = first_of.get(k)
        if kept is None:
            first_of[k] = item
            out.append(item)
        elif not _said(kept) and _said(item):
            kept[SKIP_DETAIL_CODES] = item[SKIP_DETAIL_CODES]
    return out


def _once_by(items: list[tuple[Any, Any]]) -> list[Any]:
    """The first item of each identity, in order."""
    seen: set[str] = set()
    out = []
    for item, identity in items:
        k = json.dumps(identity, sort_keys=True, ensure_ascii=False, default=str)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def warnings(doc: dict[str, Any]) -> list[str]:
    """What the examiner must know about a merged case's inputs (printed once the case is written)."""
    merge = doc.get("merge") or {}
    out = []
    if merge.get("scope_differences"):
        out.append(f"the inputs were scanned with different settings ({', '.join(merge['scope_differences'])}): "
                   "each input's hits are what it looked for; see merge.inputs in findings.json")
    overlap = merge.get("overlapping_sources") or []
    counts = merge.get("counts") or {}
    if overlap:
        seen = ("\"files seen\" and \"bytes read\" count them once (each input saw them alike)"
                if counts.get("exact") else
                f"\"files seen\" and \"bytes read\" are an upper bound ({_why(counts)})")
        out.append(f"{len(overlap)} source(s) scanned by more than one input (e.g. {shown(overlap[0])}): each file "
                   f"there is listed and its persons counted once; {seen}")
    elif counts.get("exact") is False:
        out.append(f"\"files seen\" and \"bytes read\" are an upper bound ({_why(counts)})")
    keying = (doc.get("persons") or {}).get("keying")
    if same := keying_stated(doc.get("persons") or {}, key_checked=True):  # inputs of keying 12-14: nothing proves it
        out.append(f"persons combined under persons.keying {keying} as the inputs state it: keyings "
                   f"{'/'.join(map(str, same))} write record chains of one format, so the chains cannot prove it "
                   "(an input counted by another of them would be combined all the same)")
    unidentified = merge.get("unidentified_places") or []
    if unidentified:
        out.append(f"{len(unidentified)} folder(s) scanned by more than one input lie on a file system with no "
                   f"file-system id (FUSE: ewfmount, ntfs-3g, sshfs; e.g. {shown(unidentified[0])}): each input saw the "
                   "same number of files there, so they are taken for one disk and each file there is listed once; "
                   "if different disks were mounted there in turn, merge their scans with the disks mounted at "
                   "different paths")
    return out


_WHY = {"nested": "the source {0} lies inside another input's source, or is one written another way",
        "no-own-figures": "an input recorded no figures of its own for {0} (written before Session 7, on a "
                          "cluster, or the source failed)",
        "different-figures": "the inputs saw {0} with different figures (it changed between the scans)"}


def _why(counts: dict[str, Any]) -> str:
    return _WHY.get(str(counts.get("reason")), "{0}").format(shown(str(counts.get("source"))))


def _seen_and_read(docs: list[FindingsDoc]) -> dict[str, Any]:
    """Files seen and bytes read across the inputs, each source counted once. A source more than one input
    scanned is counted once when every one of them recorded its own figures for it (``source_details``,
    Session 7) and they agree (the same files and bytes seen); otherwise the sum of the inputs is kept and
    said to be an upper bound (``exact`` false, with why), never passed off as exact. A source lying inside
    another input's source (a folder of a scanned share scanned again on its own) makes the sum an upper bound
    too. ``reason``: nested, no-own-figures (an input written before Session 7, on a cluster, or whose
    source failed) or different-figures (it changed between the scans)."""
    total = {"files_seen": sum(d.scan.files_seen for d in docs), "bytes_read": sum(d.scan.bytes_read for d in docs)}
    result: dict[str, Any] = {**total, "exact": True, "reason": None, "source": None, "inputs_sum": dict(total)}
    nested = _nested_sources(docs)
    if nested:
        return {**result, "exact": False, "reason": "nested", "source": nested}
    groups = _source_groups(docs)
    for source, scanned_by in ((s, ks) for (s, _tag), ks in groups.items() if len(ks) > 1):
        figures = set()
        for d in (docs[k] for k in scanned_by):
            own = [s for s in d.scan.source_details if s.get("source") == source]
            if len(own) != 1 or not all(isinstance(own[0].get(k), int) for k in total):
                return {**result, "exact": False, "reason": "no-own-figures", "source": source}
            figures.add((own[0]["files_seen"], own[0]["bytes_read"]))
        if len(figures) != 1:
            return {**result, "exact": False, "reason": "different-figures", "source": source}
        files, size = figures.pop()
        copies = len(scanned_by) - 1
        result["files_seen"] -= copies * files
        result["bytes_read"] -= copies * size
    return result


def _nested_sources(docs: list[FindingsDoc]) -> str | None:
    """A local folder source of one input that lies strictly inside a folder source of another input, or is the
    same folder written another way (``dir2`` and ``/cases/dir2``), by the absolute paths the scans recorded on
    the same machine."""
    folders = _local_folders(docs)
    for host, path, text, k in folders:
        for outer_host, outer, outer_text, j in folders:
            if j != k and host == outer_host and (
                    path.startswith(outer.rstrip("/") + "/") or (path == outer and text != outer_text)):
                return path
    return None


def _once(items: list[Any]) -> list[Any]:
    """Items in order, each once (a source, a skipped file or a link two overlapping scans both list)."""
    seen: set[str] = set()
    out = []
    for item in items:
        k = json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def _overlapping_sources(docs: list[FindingsDoc]) -> list[str]:
    """Sources more than one input scanned at the same place (files seen and bytes read under them are counted
    once per input)."""
    return sorted({s for (s, _tag), ks in _source_groups(docs).items() if len(ks) > 1})


def _source_groups(docs: list[FindingsDoc]) -> dict[tuple[str, str | None], list[int]]:
    """(SOURCE text, place tag) -> the inputs that scanned it (a folder on another volume, or of an input with no
    host, is scanned by that input alone)."""
    tags = _place_tags(docs)
    groups: dict[tuple[str, str | None], list[int]] = {}
    for k, d in enumerate(docs):
        for s in sorted(set(d.scan.sources)):
            groups.setdefault((s, tags.get((k, s))), []).append(k)
    return groups


def _once_each(outs: list[Path], digests: list[str]) -> list[int]:
    """The inputs to merge, by index, each scan once: one scan given twice (the same folder, or a copy of it:
    the same findings.json, by its digest) would add its records, files seen, sources and skips to the case
    twice. A repeat is dropped with a warning (after every input was checked: a repeat is no way around)."""
    first: dict[str, int] = {}
    for k, (out, digest) in enumerate(zip(outs, digests, strict=True)):
        if digest in first:
            print(f"leakscan: warning: {shown(str(out))} is the same scan as {shown(str(outs[first[digest]]))} "
                  "(the same findings.json): merged once", file=sys.stderr)
            continue
        first[digest] = k
    return list(first.values())


def _renumber_promotions(files: list[dict[str, Any]], origins: list[int], id_maps: list[dict[int, int]]) -> None:
    """An input's promoted lead names its copies by that input's file ids: give them the merged ids."""
    for g, k in zip(files, origins, strict=True):
        promoted = (g.get("annotations") or {}).get("promoted")
        if promoted and promoted.get("rule") in (SAME_SHA256, RENAMED_SAME_SHA256):
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
        # a merged input's own "started" is when it was merged: when its scans began orders a rescan (review21c)
        **({"scans_started": [{"started": t, "sources": list(s)} for t, s in scan_starts(doc)]}
           if doc.sections.get("merge") is not None else {}),
        # what each of its scans looked for, per source (Session 22: a rescan is compared per source with them)
        **({"scopes": scopes} if (scopes := scan_scopes(doc)) is not None else {}),
    }


def _scope_differences(docs: list[FindingsDoc]) -> list[str]:
    """What the inputs looked for differently: settings by name (sources differ by design), ``rules`` (another
    signatures/ rule set), ``version`` (another leakscan)."""
    settings = [dict(d.scan.settings) for d in docs]
    names = sorted({k for s in settings for k in s} - {"sources"})
    differ = [k for k in names if len({json.dumps(s.get(k), sort_keys=True, default=str) for s in settings}) > 1]
    if len({d.tool.get("ruleset_sha256") for d in docs}) > 1:
        differ.append("rules")
    if len({d.tool.get("version") for d in docs}) > 1:
        differ.append("version")
    return differ


def _merge_persons(docs: list[FindingsDoc], keys: list[bytes | None],
                   id_maps: list[dict[int, int]]) -> tuple[dict[str, Any] | None, str]:
    """The persons of the union of the inputs, counted as one scan of it counts them: each examined file once
    (a leak-set file by its merged hit: same location and same SHA-256; a --reference file by its path and
    SHA-256), distinct records and persons over the union of the inputs' keyed stage chains."""
    with_persons = [(d.persons, k, m) for d, k, m in zip(docs, keys, id_maps, strict=True) if d.persons]
    apart = {persons_not_combined(d) for d in docs if d.persons is None} - {None}
    if apart:  # a merged input holding no count for its own inputs' persons (review21c: the others' count was taken
        # for the whole case, or "no leaked file" was said): this merge holds none either, for the same reason
        return None, (f"{NOT_COMBINED_KEYS} (case.key; an input is a merge whose scans' persons were not counted "
                      "together). Per-scan counts: leakscan persons on each input." if "case keys" in apart else
                      f"{_OTHER_RULES} (an input is a merge whose scans' persons were counted by different rules). "
                      "Per-scan counts: leakscan persons on each input.")
    if not with_persons:
        return None, "no input counted persons"
    used = {k for _p, k, _m in with_persons}
    if len(used) != 1 or None in used:
        return None, (f"{NOT_COMBINED_KEYS} (case.key); copy one case.key into "
                      "every --out before scanning to count persons across scans. Per-scan counts: see inputs.")
    if len({_person_rules(d) for d in docs if d.persons}) != 1:
        return None, (f"{_OTHER_RULES} (leakscan version, persons.keying "
                      f"{_keyings(with_persons)}, {', '.join(PERSON_RULE_FILES)}), so their fingerprints do not "
                      "compare; rescan with one version. Per-scan counts: see inputs.")
    files, records, nameless = _person_files([(p, ids) for p, _k, ids in with_persons])
    union: set[str] = set()
    for p, _k, _m in with_persons:
        union |= set(p.get("fingerprints") or [])
    rules = with_persons[0][0].get("rules", [])
    merged: dict[str, Any] = {"records": records, "without_name": nameless, "unique": len(union),
                              "rules": rules, "files": files, "fingerprints": sorted(union),
                              "fingerprint": with_persons[0][0].get("fingerprint"), "key_id": key_id(next(iter(used)) or b"")}
    if with_persons[0][0].get("keying") is not None:
        merged["keying"] = with_persons[0][0]["keying"]
    chains = [p.get("chains") for p, _k, _m in with_persons]
    resolved = _resolve_union(with_persons, rules)
    if resolved is not None:
        every, distinct, persons, prints, known = resolved
        merged.update(unique=len(persons), unique_exact=distinct[0], chains=every, fingerprints=prints,
                      room_stages=with_persons[0][0]["room_stages"],
                      joined=sorted(f for f in known if f[:16] not in persons),
                      merges={rule: distinct[i] - (distinct[i + 1] if i + 1 < len(rules) else len(persons))
                              for i, rule in enumerate(rules)},
                      review_total=distinct[0] - len(persons))
        how = ("distinct records, merges per rule and persons over the union of their keyed records (rooms and wings "
               "told apart over the union, as one scan of it does)")
    elif all(isinstance(c, list) for c in chains):  # an input written before Session 11: rooms as each scan had them
        every = _one_chain_a_record(with_persons, len(rules))
        distinct = chain_counts(every, len(rules) + 1)
        persons = {chain_path(c, len(rules), 0)[-1] for c in every}
        merged.update(unique=len(persons), fingerprints=sorted(f for f in union if f[:16] in persons),
                      unique_exact=distinct[0], chains=every,
                      merges={rule: distinct[i] - distinct[i + 1] for i, rule in enumerate(rules)},
                      review_total=distinct[0] - distinct[-1])
        how = ("distinct records, merges per rule and persons over the union of their keyed records; rooms as each "
               "input told them apart (an input written before room stages were kept, or without a fingerprint for "
               "each person: a person whose rows name different rooms in different inputs may be counted "
               "differently than one scan of both)")
    else:  # an input written before the chains were kept: persons only
        merged.update(unique_exact=None, merges={}, review_total=sum(p.get("review_total") or 0
                                                                    for p, _k, _m in with_persons))
        how = ("distinct persons = union of their keyed fingerprints (an input holds no record chains: distinct "
               "records and merges per rule not combined)")
    if "keying_id" in with_persons[0][0]:  # every input proved the keying (check_key_id); the union proves it again
        merged["keying_id"] = keying_id(next(iter(used)) or b"", merged.get("keying"), merged.get("chains"))
    merged["review"] = _pairs([(p.get("review") or [], ids) for p, _k, ids in with_persons], files=True)
    merged["probable"] = _pairs([(p.get("probable") or [], ids) for p, _k, ids in with_persons], files=False)
    listed = sum(len(p.get("probable") or []) for p, _k, _m in with_persons)
    merged["probable_total"] = len(merged["probable"]) + sum(
        (p.get("probable_total") or 0) for p, _k, _m in with_persons) - listed
    return merged, (f"combined: each examined file once; {how}; probable pairs (not merged) are those "
                    "found within an input")


def _resolve_union(with_persons: list[tuple[dict[str, Any], bytes | None, dict[int, int]]], rules: list[str]
                   ) -> tuple[list[str], list[int], set[str], list[str], set[str]] | None:
    """Persons over the union of the inputs' chains, rooms and wings resolved again (every input written with
    room_stages): the chains, distinct keys per stage, the persons (chain parts), their full fingerprints and every
    fingerprint the inputs know. None when an input has no room stages, or the inputs do not hold a fingerprint for
    every person (a findings.json edited by hand): the persons are then combined as each input resolved them."""
    if not all(isinstance(p.get("chains"), list) and "room_stages" in p for p, _k, _m in with_persons):
        return None
    every = sorted({c for p, _k, _m in with_persons for c in p["chains"]})
    distinct, person = chain_figures(every, len(rules), room_stage_count(with_persons[0][0]))
    persons = set(person.values())
    # a person's full fingerprint: every input lists its persons, and the keys its rows joined a room under
    known = {f for p, _k, _m in with_persons for f in (*(p.get("fingerprints") or ()), *(p.get("joined") or ()))}
    prints = sorted(f for f in known if f[:16] in persons)
    if len(prints) != len(persons):
        return None
    return every, distinct, persons, prints, known


def _one_chain_a_record(with_persons: list[tuple[dict[str, Any], bytes | None, dict[int, int]]], rules: int
                        ) -> list[str]:
    """The union's chains in the form written before Session 11, one a record (its first part) as one scan writes
    them: a record two inputs resolved to different persons (a Session 10 scan keys A棟101 as room 101, a Session 11
    scan as room 101 of wing A) keeps the person of the first input with room stages (the finer rule), else of the
    first input; counting both made one person two (more persons than records: a findings.json verify refused)."""
    by_record: dict[str, str] = {}
    for p, _k, _m in sorted(with_persons, key=lambda x: "room_stages" not in x[0]):
        for chain in _person_chains(p, rules):
            by_record.setdefault(chain.partition(",")[0], chain)
    return sorted(by_record.values())


def _person_chains(p: dict[str, Any], rules: int) -> list[str]:
    """An input's chains in the form written before Session 11 (the last stage is the record's person as that
    scan resolved it), so that chains with and without room stages combine."""
    chains = p.get("chains") or []
    if "room_stages" not in p:
        return list(chains)
    _distinct, person = chain_figures(chains, rules, room_stage_count(p))
    out = []
    for chain in chains:
        parts = chain.split(",")[:rules + 1]
        current = ""
        for part in parts[:rules]:
            current = part or current
        parts[rules] = "" if person[chain] == current else person[chain]
        out.append(",".join(parts))
    return out


def _person_files(inputs: list[tuple[dict[str, Any], dict[int, int]]]) -> tuple[list[dict[str, Any]], int, int]:
    """The counted files of every input once each, renumbered (hits by their merged id, references R1...),
    with the records and nameless records of those files."""
    files: list[dict[str, Any]] = []
    seen: set[tuple[str, object, object]] = set()
    for p, ids in inputs:
        for f in p.get("files") or []:
            if f.get("role") == "reference":
                key: tuple[str, object, object] = ("reference", f.get("source_path") or f.get("path"), f.get("sha256"))
            else:
                key = ("hit", ids.get(f["id"], f["id"]), f.get("sha256"))
            if key in seen:
                continue
            seen.add(key)
            fid = key[1] if key[0] == "hit" else f"R{sum(1 for g in files if g.get('role') == 'reference') + 1}"
            files.append({**f, "id": fid})
    records = sum(int(f.get("records") or 0) + int(f.get("without_name") or 0) for f in files)
    return files, records, sum(int(f.get("without_name") or 0) for f in files)


def _pairs(inputs: list[tuple[list[dict[str, Any]], dict[int, int]]], files: bool) -> list[dict[str, Any]]:
    """Review or probable pairs of every input, a pair two inputs both list once (by its masked spellings),
    file ids renumbered to the merged ones."""
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for pairs, ids in inputs:
        for pair in pairs:
            a, b = pair.get("a") or {}, pair.get("b") or {}
            key = (str(pair.get("rule")), str(a.get("name")), str(a.get("address")),
                   str(b.get("name")), str(b.get("address")))
            if not files:
                out.setdefault(key, pair)
                continue
            sides = {s: {**side, "files": sorted({ids.get(i, i) if isinstance(i, int) else i
                                                  for i in side.get("files") or []}, key=str)}
                     for s, side in (("a", a), ("b", b))}
            if key in out:
                for s in ("a", "b"):
                    out[key][s]["files"] = sorted({*out[key][s]["files"], *sides[s]["files"]}, key=str)
            else:
                out[key] = {**pair, **sides}
    return list(out.values())


_OTHER_RULES = NOT_COMBINED_RULES
PERSON_RULE_FILES = ("person_variants.toml", "towns.tsv", "municipalities.toml", "old_municipalities.toml",
                     "room_notes.toml")


def _keyings(with_persons: list[tuple[dict[str, Any], bytes | None, dict[int, int]]]) -> str:
    """The inputs' persons.keying, as said in merge's note: a number, "none" (written before Session 12), or "other"
    (anything else a hand-edited findings.json holds is never echoed)."""
    def said(k: object) -> str:
        return "none" if k is None else str(k) if type(k) is int else "other"
    return "/".join(sorted({said(p.get("keying")) for p, _k, _m in with_persons}))


def _person_rules(doc: FindingsDoc) -> str:
    """What a person's key depends on besides the case key: the tool version, the rules and their data, as one
    canonical JSON text (a hand-edited findings.json may hold lists or objects there: compared, never hashed)."""
    tool = doc.tool
    files = tool.get("rule_files")
    files = files if isinstance(files, dict) else {}
    persons = doc.persons or {}
    return json.dumps([tool.get("version"), persons.get("rules") or [], persons.get("keying"),
                       [files.get(name) for name in PERSON_RULE_FILES]], sort_keys=True, default=repr)


def copy_case_key(outs: list[Path], dest: Path) -> None:
    """Keep the shared case key beside the merged findings, so later scans can use it too. Each input's
    case.key is checked (a regular file holding a key, never a link); only the key itself is written."""
    keys = {read_key_file(_folder(o) / CASE_KEY) for o in outs} - {None}
    if len(keys) == 1:
        key = keys.pop()
        assert key is not None
        write_private(dest / CASE_KEY, key_text(key))
