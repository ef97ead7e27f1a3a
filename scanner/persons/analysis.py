"""Post-scan analysis: count the people in the leak set and find files that share its records.

The leak set is every hit found by the leaked file's name or a known hash, plus the organisation's
original list given with ``--reference``. The scan's workers hand over keyed fingerprints of the records
(persons.prints), never the records; findings.json receives the counts, masked review pairs and keyed
fingerprints only.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from ..codes import COUNTED_REASONS, Reason, Status
from ..contracts import Inspector, ScanContext, ScanResult
from ..details import codes_of
from ..evidence import PATH_STAGES, ROOM_STAGES, resolve_persons
from ..models import FilePrints, RowPrint
from ..output import prepare_out
from .keys import case_key, key_id, keying_id

log = logging.getLogger("leakscan")

MATRIX_CAP = 60  # files in the overlap matrix; the rest are listed without it


class PersonCount:
    """The post-scan analysis registered in scanner/registry.py (a ``contracts.Analysis``)."""

    name = "persons"
    what = "counting persons"

    def __call__(self, ctx: ScanContext) -> None:
        analyse(ctx.result, ctx.inspectors, ctx.case_key)


def leak_set_indexes(result: ScanResult) -> list[int]:
    """Hit indexes of the leak set whose persons are counted (codes.COUNTED_REASONS)."""
    return [i for i, h in enumerate(result.hits) if COUNTED_REASONS & set(h.reasons)]


def _file_info(fid: int | str, path: str, role: str, rows: list[RowPrint], extra: dict[str, Any]) -> dict[str, Any]:
    """A counted file (its persons are filled in once the whole leak set is counted: rooms are told apart there)."""
    return {"id": fid, "path": path, "role": role, "records": len(rows), "persons": 0, **extra}


def analyse(result: ScanResult, inspectors: list[Inspector], ctx_key: bytes | None = None) -> None:
    """Fill result.extra['persons'] and ['overlap']; add reason record-overlap to derived files.

    ``inspectors`` read the ``--reference`` files (the scan's own, so they are read the same way);
    ``ctx_key`` is the key the scan's fingerprints were made with (written as case.key when there is none).
    """
    config = result.config
    leak = leak_set_indexes(result)
    if not leak and not config.references:
        return
    from .count import count, joined_keys  # the counting machinery only when there is something to count
    from .normalise import KEYING
    from .prints import file_prints
    from .reread import Rereader, path_entry

    key = case_key(prepare_out(Path(config.out)), new=ctx_key)
    files: list[dict[str, Any]] = []
    rows_by_file: list[list[RowPrint]] = []
    nameless = 0
    for i in leak:
        hit = result.hits[i]
        found = result.prints.get(i)
        rows = _rows(found, len(files))
        nameless += found.nameless if found is not None else 0
        status = Status.OK if found is not None else (
            hit.status if hit.status != Status.OK
            else Status.NAMES_ONLY if Reason.PII_NAMES in hit.reasons else Status.NO_RECORDS)
        info: dict[str, Any] = {"sha256": hit.digests.sha256 if hit.digests else None, "status": status,
                                "without_name": found.nameless if found is not None else 0}
        if found is not None and hit.status != Status.OK:
            info["damaged"] = hit.status  # counted from the rows read before the damage: the figure may lack some
        files.append(_file_info(i + 1, hit.location.display(), "leak", rows, info))
        rows_by_file.append(rows)
    reader = Rereader(config, inspectors, result)
    scanned = {result.hits[i].location.path: i + 1 for i in leak if not result.hits[i].location.containers}
    for k, ref in enumerate(config.references, 1):
        if os.path.abspath(ref) in scanned:  # the reference lies in a scanned source: already counted
            log.info("--reference %s is leak-set file #%d", ref, scanned[os.path.abspath(ref)])
            continue
        records, outcome, detail = reader.read(path_entry(ref))
        found = file_prints(records or [], key, rows=True, unmask=config.unmask)
        rows = _rows(found, len(files))
        nameless += found.nameless
        info = {"sha256": detail if outcome == Status.OK else None, "status": outcome,
                "source_path": os.path.abspath(ref), "without_name": found.nameless}
        if outcome != Status.OK:
            info["detail"], info["detail_codes"] = detail, codes_of(detail)  # codes as said (Session 13)
        files.append(_file_info(f"R{k}", ref, "reference", rows, info))
        rows_by_file.append(rows)

    all_rows = [r for rows in rows_by_file for r in rows]
    counted = count(all_rows, nameless, unmask=config.unmask, file_ids=[f["id"] for f in files])
    person_of = {id(r): k for k, group in counted.persons.items() for r in group}
    for f, rows in zip(files, rows_by_file, strict=True):
        f["persons"] = len({person_of[id(r)] for r in rows})
    # the overlap compares persons as the count tells them apart (rooms and wings resolved with the leak set)
    prints = [{prefix(person_of[id(r)]) for r in rows} for rows in rows_by_file]
    leak_paths, leak_links = _leak_paths(rows_by_file)
    overlapping = _overlaps(result, set(leak), leak_paths, leak_links, files)
    persons = counted.to_json()
    persons["files"] = files
    persons["fingerprints"] = sorted({k.hex() for k in counted.persons})
    persons["fingerprint"] = "HMAC-SHA256(case.key, name key \\x1f address key [\\x1f room [\\x1f wing]])"
    persons["room_stages"] = list(ROOM_STAGES)
    persons["keying"] = KEYING
    persons["chains"] = stage_chains(all_rows)
    persons["keying_id"] = keying_id(key, KEYING, persons["chains"])  # the chains vouch for the keying (keying 15 on)
    persons["joined"] = sorted(k.hex() for k in joined_keys(all_rows, counted.persons))
    persons["key_id"] = key_id(key)
    result.extra["persons"] = persons
    result.extra["overlap"] = _matrix(files, prints, overlapping, config.min_overlap, leak_paths, leak_links)
    log.debug("persons: %d records, %d unique", counted.records, counted.unique)


def stage_chains(rows: list[RowPrint]) -> list[str]:
    """Each distinct record's keyed key after trimming, after every rule, then with its room and its wing
    (ROOM_STAGES), so that ``leakscan merge`` can count distinct records, merges per rule and persons over the
    union of several scans exactly as one scan does: the first 8 bytes (16 hex digits) of each stage's
    fingerprint, comma-separated, left empty where a rule did not change the key (most rules change few
    records) and where the record names no room or wing. A record's chain follows from its first stage, so
    chains from scans with one case key and one version of the rules compare; persons are resolved from the
    chains' last stages (evidence.resolve_persons) over whichever chains are counted together."""
    from .prints import PREFIX

    chains: dict[bytes, str] = {}
    for r in rows:
        if r.stages[0] in chains:
            continue
        parts, before = [r.stages[0][:PREFIX].hex()], r.stages[0]
        for stage in r.stages[1:]:
            parts.append("" if stage == before else stage[:PREFIX].hex())
            before = stage
        parts += [r.rooms[i][:PREFIX].hex() if i < len(r.rooms) else "" for i in range(PATH_STAGES)]
        parts += [x[:PREFIX].hex() for x in r.links]  # number tag, wing tag, alias ("" for none: b"")
        chains[r.stages[0]] = ",".join(parts)
    return sorted(chains.values())


def _rows(found: FilePrints | None, file: int) -> list[RowPrint]:
    """The file's row prints, numbered for the counter (a file read without them has none)."""
    rows = (found.rows or []) if found is not None else []
    for r in rows:
        r.file = file
    return rows


LeakPaths = dict[int, dict[tuple[int, ...], set[int]]]
Links = dict[int, set[tuple[tuple[int, ...], tuple[int, int, int]]]]


def _leak_paths(rows_by_file: list[list[RowPrint]]) -> tuple[LeakPaths, Links]:
    """Person prefix (building set aside) -> the key paths of the leak set's rows -> the counted files holding it;
    and the (path, links) of its rows naming a room (evidence.resolve_persons)."""
    out: LeakPaths = {}
    links: Links = {}
    for i, rows in enumerate(rows_by_file):
        for r in rows:
            k = prefix(r.key)
            path = (k, *(prefix(x) for x in r.rooms))
            out.setdefault(k, {}).setdefault(path, set()).add(i)
            if r.rooms:
                links.setdefault(k, set()).add((path, (prefix(r.links[0]) if r.links[0] else 0,
                                                       prefix(r.links[1]) if r.links[1] else 0,
                                                       prefix(r.links[2]) if r.links[2] else 0)))
    return out, links


def prefix(digest: bytes) -> int:
    from .prints import prefix as first_bytes

    return first_bytes(digest)


class _Overlap:
    """A records file outside the leak set: its persons and, per counted file, the persons they share, with rooms
    and wings resolved over the leak set and this file together (as one count of both would tell them apart)."""

    def __init__(self, info: dict[str, Any], persons: set[int], shared: dict[int, set[int]],
                 paths: dict[int, set[tuple[int, ...]]], links: Links) -> None:
        self.info, self.persons, self.shared, self.paths, self.links = info, persons, shared, paths, links


def _shared_outside(a: _Overlap, b: _Overlap, leak: LeakPaths, leak_links: Links) -> int:
    """Persons two files outside the leak set share, with rooms and wings resolved over the leak set and both files
    together (as one count of the three would tell them apart): a copy without its room in one file joins the only
    room the other holds."""
    shared = 0
    for k in a.paths.keys() & b.paths.keys():
        mine, theirs, leaked = a.paths[k], b.paths[k], leak.get(k, {}).keys()
        if mine == theirs == {(k,)} and leaked <= {(k,)}:  # no room anywhere (most persons)
            shared += 1
            continue
        person = resolve_persons(mine | theirs | set(leaked),
                                 a.links.get(k, set()) | b.links.get(k, set()) | leak_links.get(k, set()))
        shared += len({person[p] for p in mine} & {person[p] for p in theirs})
    return shared


def _persons_of(paths: dict[int, set[tuple[int, ...]]], links: Links, leak: LeakPaths, leak_links: Links
                ) -> tuple[set[int], dict[int, set[int]]]:
    """A file's persons and the ones it shares with each counted file."""
    mine: set[int] = set()
    shared: dict[int, set[int]] = {}
    for k, own in paths.items():
        theirs = leak.get(k)
        if own == {(k,)} and (theirs is None or theirs.keys() == {(k,)}):  # no room on either side (most persons)
            mine.add(k)
            for i in (theirs or {}).get((k,), ()):
                shared.setdefault(i, set()).add(k)
            continue
        person = resolve_persons(own | set(theirs or ()), links.get(k, set()) | leak_links.get(k, set()))
        found = {person[p] for p in own}
        mine |= found
        for p, files in (theirs or {}).items():
            if person[p] in found:
                for i in files:
                    shared.setdefault(i, set()).add(person[p])
    return mine, shared


def _overlaps(result: ScanResult, leak: set[int], leak_paths: LeakPaths, leak_links: Links, files: list[dict[str, Any]]
              ) -> list[_Overlap]:
    """Every other personal-records file sharing at least --min-overlap persons with the leak set."""
    found = []
    for i, fp in sorted(result.prints.items()):
        if i in leak or not fp.records or not fp.persons:
            continue
        if sum(1 for x in fp.persons if x in leak_paths) < result.config.min_overlap:
            continue  # a person shared lies in a name and address shared (building set aside): cheap first test
        paths, links = fp.paths(), fp.links()
        persons, shared_by_file = _persons_of(paths, links, leak_paths, leak_links)
        shared = len(set().union(*shared_by_file.values())) if shared_by_file else 0
        if shared < result.config.min_overlap:
            continue
        hit = result.hits[i]
        which = [f["id"] for n, f in enumerate(files) if shared_by_file.get(n)]
        hit.overlap = {"records": shared, "share_of_file": round(shared / len(persons), 4),
                       "file_persons": len(persons), "files": which}
        if Reason.RECORD_OVERLAP not in hit.reasons:
            hit.reasons.append(Reason.RECORD_OVERLAP)
            hit.matched_rules.append(Reason.RECORD_OVERLAP)
        found.append(_Overlap({"id": i + 1, "path": hit.location.display(), "role": "overlap", "records": fp.records,
                               "persons": len(persons), "sha256": hit.digests.sha256 if hit.digests else None},
                              persons, shared_by_file, paths, links))
    return found


def _matrix(files: list[dict[str, Any]], prints: list[set[int]], overlapping: list[_Overlap],
            min_overlap: int, leak: LeakPaths, leak_links: Links) -> dict[str, Any]:
    """How many persons each pair of files shares (the diagonal: persons in the file). Two counted files compare
    the count's persons; a file outside the leak set and a counted file, its persons resolved with the leak set;
    two files outside it, their persons resolved with the leak set and each other (_shared_outside)."""
    members: list[tuple[dict[str, Any], set[int], _Overlap | None]] = \
        [(f, p, None) for f, p in zip(files, prints, strict=True)] + [(o.info, o.persons, o) for o in overlapping]
    shown = members[:MATRIX_CAP]

    def cell(a: int, b: int) -> int:
        (_f, pa, oa), (_g, pb, ob) = shown[a], shown[b]
        if oa is None and ob is not None:
            return len(ob.shared.get(a, ()))
        if ob is None and oa is not None:
            return len(oa.shared.get(b, ()))
        if oa is not None and ob is not None and a != b:
            return _shared_outside(oa, ob, leak, leak_links)
        return len(pa & pb)

    return {
        "min_overlap": min_overlap,
        "files": [{"id": f["id"], "path": f["path"], "role": f["role"], "persons": len(p)} for f, p, _s in members],
        "overlapping": [o.info["id"] for o in overlapping],
        "matrix": [[cell(a, b) for b in range(len(shown))] for a in range(len(shown))],
        "matrix_truncated": len(members) > MATRIX_CAP,
    }
