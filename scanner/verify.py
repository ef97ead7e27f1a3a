"""Evidence integrity: re-check an output folder's manifest, and re-hash the hits it lists at their sources.

Only sources the examiner names (scanner.scope) are read again; findings.json is untrusted input.
Local files are reopened read-only (O_NOATIME) by their path, only inside their source. Hits inside images, SMB shares or
archives are looked for by walking their source again through the normal pipeline (archives opened,
every file hashed against the listed SHA-256 values) and matched by location key; a source that cannot
be opened makes its hits "unreachable", which is reported, never taken as a match.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from .codes import Status, VerifyStatus
from .completeness import detail_codes
from .config import ScanConfig
from .contracts import NoProgress, ScanContext, ScanResult
from .details import Detail, codes_of, os_error, say
from .errors import LeakscanError, ReadError, UsageError
from .evidence import FINDINGS, Finding, FindingsDoc, read_findings
from .fingerprint import hash_stream
from .image_walker import isolated
from .inspectors.archive import ArchiveInspector
from .models import Location, Skipped
from .names import NameRules
from .output import MANIFEST, check_manifest, unlisted_files
from .pipeline import walk, worker_settings
from .scope import NOT_NAMED_DETAIL, NamedSources, local_file_inside
from .sources import open_source
from .sources.local import open_file, open_under
from .textsafe import shown
from .timeutil import iso_utc

MATCH = VerifyStatus.MATCH
NOT_HASHED = VerifyStatus.NOT_HASHED
# a hit the scan never read (no SHA-256: encrypted, the first part of its zip lost ...) found again at its place:
# nothing differs, nothing can be compared; one gone is ``missing`` as any hit (split14: it was a difference)
NOT_HASHED_DETAIL = say(Detail.VERIFY_NOT_HASHED)


INCONSISTENT = "inconsistent"


def check_outputs(out: Path, scans: tuple[Path, ...] = (), said: list[str] | None = None) -> list[dict[str, str]]:
    """Every output file that is missing, changed or not listed in manifest.sha256 (nothing is followed
    out of the folder, and an unlisted file is named, never read); ``scans``: where a diff's scans are now
    (``verify --scans``); ``said``: notes for the terminal (a diff not recomputed, and why)."""
    problems = [{"file": f, "problem": p} for f, p in check_manifest(out)]
    if (out / MANIFEST).is_file():
        problems += [{"file": rel, "problem": "not listed in the manifest"} for rel in unlisted_files(out)]
    if not any(p["file"] == FINDINGS for p in problems):
        problems += [{"file": FINDINGS, "problem": f"{INCONSISTENT}: {p}"} for p in _inconsistencies(out)]
    if not any(p["file"] == "diff.json" for p in problems):
        problems += [{"file": "diff.json", "problem": f"{INCONSISTENT}: {p}"} for p in _diff_inconsistencies(out, scans, said)]
    named = {p["file"] for p in problems}
    problems += [{"file": name, "problem": f"{INCONSISTENT}: {why}"} for name, why in _not_made_from(out)
                 if name not in named]
    if _compared_with_a_baseline(out):  # a rescan stripped of its verdict would read as a plain scan
        problems += [{"file": name, "problem": VerifyStatus.MISSING} for name in ("diff.json", "remediation.html")
                     if name not in named and not os.path.lexists(out / name)]
    return problems


def _diff_inconsistencies(out: Path, scans: tuple[Path, ...] = (), said: list[str] | None = None) -> list[str]:
    """What a diff.json the manifest vouches for says against itself (diff.contradictions, Session 22)."""
    import hashlib

    from .diff import contradictions
    from .evidence import parse_json, read_case_file

    if not os.path.lexists(out / "diff.json"):
        return []
    try:
        doc = parse_json(read_case_file(out / "diff.json"), str(out / "diff.json"))
    except UsageError as e:
        return [f"not a diff.json leakscan writes ({e})"]
    found = contradictions(doc)
    if not found and os.path.lexists(out / FINDINGS):  # a rescan's folder: the diff is of the findings.json beside it
        from .diff import unaccounted_hits

        try:
            raw = read_case_file(out / FINDINGS)
            findings = parse_json(raw, str(out / FINDINGS))
        except UsageError:
            return found  # the manifest check and the findings checks say why it cannot be read
        files = findings.get("files") if isinstance(findings, dict) else None
        found = unaccounted_hits(doc, hashlib.sha256(raw).hexdigest(), files)
    if not found:  # case23: the diff of the two scans it names, made again
        found = recomputed(doc, out, scans, said)
    return found


def recomputed(diff: object, out: Path, scans: tuple[Path, ...] = (), said: list[str] | None = None) -> list[str]:
    """What a diff.json says against the two scans it names (case23: rewritten whole, consistent with itself, it
    passed verify): each side's folder (as recorded, else a folder of that name beside ``out``, else any folder
    beside it, review24c; the rescan of a ``scan --baseline`` folder is the findings.json in ``out``) must hold the
    findings.json of the SHA-256 it names, sound, and the diff of the two, with its own accept list, must be this
    one. ``scans``: folders the examiner names (``verify --scans``: review23c, a case copied to another disk with
    its scans renamed could not be verified by any means), tried too; the SHA-256 the diff names still decides which
    is which.

    case24: a diff.json naming no folders (a leakscan before case23 records none; or both struck) is recomputed too
    when the scans of the SHA-256 it names are found (``scans``, a ``scan --baseline`` folder's own findings.json and
    the baseline its command line names, the folders beside ``out``): each copy's fate and the verdict must be the
    recomputed ones. Not found: refused when the rule sets it names are of a leakscan that records folders
    (scanner.era), else said in ``said`` (not recomputed). In a ``scan --baseline`` folder the diff must name the
    findings.json beside it as its rescan. Empty: nothing found against it."""
    from .accept import Acceptance, AcceptList
    from .consistency import read_sound_findings
    from .diff import compute_diff

    if not isinstance(diff, dict):
        return []  # not a diff document: diff.contradictions says so
    sides = [diff.get(side) for side in ("baseline", "rescan")]
    if not all(isinstance(side, dict) for side in sides):
        return []  # diff.contradictions says so
    mine = _read_own(out)  # case25: read once here (it was read again as the rescan and for its --baseline)
    own = mine[1] if mine is not None and _baseline_args(mine[0].scan.command_line) else None
    if own is not None and sides[1].get("findings_sha256") != own:  # type: ignore[union-attr]
        return ["it does not name the findings.json beside it as its rescan, though this folder is that rescan's "
                "(scan --baseline; edited?)"]
    recorded = all(isinstance(side.get("folder"), str) for side in sides)  # type: ignore[union-attr]
    if not recorded and any("folder" in side for side in sides):  # type: ignore[operator]
        # review23c: one struck, or not a path, passed as a diff of a leakscan before case23 and went unchecked
        return ["its scans' folders (baseline.folder, rescan.folder) are not of the form leakscan writes: "
                "both paths, or neither (a leakscan before case23)"]
    docs = []
    found_at = []
    missing: list[tuple[str, Path]] = []
    for name, side in zip(("baseline", "rescan"), sides, strict=True):
        digest = side.get("findings_sha256")  # type: ignore[union-attr]
        if mine is not None and mine[1] == digest and _holds(out / FINDINGS, digest):  # out's own: read above
            folder: Path | None = out
        elif recorded:
            at = Path(side["folder"])  # type: ignore[index]
            # review24c: then the folders beside, as for a diff naming none (a scan folder renamed by the examiner
            # made an honest diff 'cannot be recomputed'); the SHA-256 decides, never a link
            candidates: tuple[Path, ...] = (at, out.parent / at.name, *scans, out, *_beside(out))
            folder = next((f for f in candidates if _holds(f / FINDINGS, digest)), None)
        else:
            candidates = (*scans, out, *_baselines_named(mine[0] if mine is not None else None, out), *_beside(out))
            folder = next((f for f in candidates if _holds(f / FINDINGS, digest)), None)
        if folder is None and recorded:
            missing.append((name, at))  # case25: every side missing is named, and only those
            continue
        if folder is None:
            return _unfound(sides, said)
        try:
            docs.append(mine if folder is out and mine is not None and mine[1] == digest else
                        read_findings(folder) if folder.resolve() == out.resolve() else read_sound_findings(folder))
        except UsageError as e:
            return [f"cannot be recomputed: its {name} is not sound ({e})"]
        found_at.append(folder)
    if missing:
        return [_unrecomputable(missing)]
    accepted = diff.get("accepted")
    accept = None
    if isinstance(accepted, dict):
        try:
            accept = AcceptList(str(accepted["file"]), str(accepted["sha256"]), tuple(
                Acceptance(int(ln["line"]), str(ln["path"]), str(ln["sha256"]), str(ln["reason"]))
                for ln in accepted["lines"]))
        except (KeyError, TypeError, ValueError):
            return ["its accept list is not of the form leakscan writes"]
    (base, b_sha), (new, n_sha) = docs
    again = compute_diff(base, new, base_sha256=b_sha, new_sha256=n_sha, accept=accept)
    if not recorded:  # made by another leakscan: each copy's fate and the verdict, not every field, are compared
        if _fates(again) != _fates(diff):
            return ["it is not the diff of the two scans of the SHA-256 it names (found at "
                    f"{', '.join(shown(f) for f in found_at)}), recomputed from their findings.json: another fate of a copy "
                    "or another verdict (its folders struck? edited?)"]
        if said is not None:
            from .i18n import _

            said.append(_("note: diff.json names no folders of its scans (a leakscan before case23); found by their "
                          "SHA-256 at {0}: each copy's fate and the verdict recomputed, the same").format(
                ", ".join(shown(f) for f in found_at)))
        return []
    for side in ("baseline", "rescan"):
        again[side]["folder"] = diff[side]["folder"]
    if _json_form(again) != diff:
        return ["it is not the diff of the two scans it names, recomputed from their findings.json (edited?)"]
    return []


def _unrecomputable(missing: list[tuple[str, Path]]) -> str:
    """The refusal of a diff whose recorded scans (``missing``: side, folder recorded) are not found: one line naming
    each one missing and exactly the ``--scans`` to give (case25: a rescan folder alone was asked for BASELINE RESCAN,
    its rescan being the folder in hand)."""
    where = ", nor ".join(f"as its {name} at {at}" for name, at in missing)
    what = "the folders of both scans, wherever they are now" if len(missing) > 1 else \
        f"the folder of its {missing[0][0]}, wherever it is now"
    return (f"cannot be recomputed: no findings.json of the SHA-256 it names {where} (moved, replaced or not there): "
            f"give {what}: --scans {' '.join(name.upper() for name, _at in missing)}")


def _json_form(doc: object) -> object:
    import json

    return json.loads(json.dumps(doc, default=str))


def _fates(diff: dict[str, Any]) -> tuple[list[str], object]:
    """What a diff says of each copy (class, path, SHA-256, leak, accepted), sorted, and its verdict. Total."""
    import json

    entries = diff.get("entries")
    fates = sorted(json.dumps([e.get("class"), e.get("path"), e.get("sha256"), e.get("leak"), e.get("accepted")],
                              sort_keys=True, default=str)
                   for e in (entries if isinstance(entries, list) else []) if isinstance(e, dict))
    return fates, diff.get("verdict")


class NotRecomputed(str):
    """The note of a diff.json that was NOT recomputed from its scans (none found): readers mark it where the diff is
    shown (remediation.html, verify --json), so a printed report cannot pass as verified (case24b)."""


def not_recomputed(said: list[str]) -> bool:
    """Whether ``said`` (the notes of ``recomputed``) holds a diff not recomputed from its scans."""
    return any(isinstance(n, NotRecomputed) for n in said)


def _unfound(sides: list[Any], said: list[str] | None) -> list[str]:
    """A diff naming no folders whose scans are nowhere to be found: refused when a scan it names was made with a rule
    set of a leakscan that records folders (scanner.era: both struck, case24), else said (a diff of a leakscan before
    case23 copied alone)."""
    from .era import may_predate

    rulesets = [(side.get("tool") or {}).get("ruleset_sha256") if isinstance(side.get("tool"), dict) else None
                for side in sides]
    if not all(may_predate("diff_folders", r) for r in rulesets):
        return ["it names no folders of its scans, though the rule sets it names are of a leakscan that records them "
                "(struck?), and no findings.json of the SHA-256 it names was found (name their folders with --scans)"]
    if said is not None:
        from .i18n import _

        said.append(NotRecomputed(_("note: diff.json names no folders of its scans (a leakscan before case23) and no "
                                    "findings.json of the SHA-256 it names was found: not recomputed (name their "
                                    "folders with --scans to check it)")))
    return []


def _read_own(out: Path) -> tuple[FindingsDoc, str] | None:
    """The findings.json in ``out`` and its SHA-256 (a ``scan --baseline`` folder's is its diff's rescan), None when
    there is none or it cannot be read. Never raises."""
    try:
        return read_findings(out) if os.path.lexists(out / FINDINGS) else None
    except (UsageError, OSError, ValueError):
        return None


def _baseline_args(command_line: object) -> list[str]:
    """The ``--baseline`` values of a recorded command line. Total."""
    args = [a for a in command_line if isinstance(a, str)] if isinstance(command_line, (list, tuple)) else []
    found = [a.split("=", 1)[1] for a in args if a.startswith("--baseline=")]
    found += [b for a, b in zip(args, args[1:], strict=False) if a == "--baseline"]
    return found


def _baselines_named(doc: FindingsDoc | None, out: Path) -> list[Path]:
    """Where the baseline of a ``scan --baseline`` folder may be: the ``--baseline`` its command line (``doc``, the
    findings.json in ``out``) names (a folder, or a findings.json: its folder), as given and by its name beside
    ``out``. Total."""
    found: list[Path] = []
    for text in _baseline_args(doc.scan.command_line) if doc is not None else []:
        given = Path(text)
        folder = given.parent if given.name == FINDINGS else given
        found += [folder, out.parent / folder.name]
    return found


def _beside(out: Path, limit: int = 256) -> list[Path]:
    """The folders beside ``out`` (never through a link; at most ``limit``), where a case's other scans usually are.
    Never raises."""
    try:
        with os.scandir(out.parent) as it:
            names = sorted(e.name for e in it if e.is_dir(follow_symlinks=False))
    except OSError:
        return []
    return [out.parent / n for n in names if n != out.name][:limit]


def _holds(path: Path, digest: object) -> bool:
    """``path`` is a regular file (never through a link) of SHA-256 ``digest``. Never raises."""
    from .anchor import file_sha256

    try:
        return os.path.lexists(path) and file_sha256(path) == digest
    except (OSError, UsageError):
        return False


def _compared_with_a_baseline(out: Path) -> bool:
    """The findings.json in ``out`` was written by ``scan --baseline`` (its command line says so), so diff.json and
    remediation.html belong beside it (Session 21: both deleted with their manifest lines verified). Never raises."""
    try:
        doc, _digest = read_findings(out)
    except (UsageError, OSError, ValueError):
        return False
    return any(a == "--baseline" or a.startswith("--baseline=") for a in doc.scan.command_line if isinstance(a, str))


def _not_made_from(out: Path) -> list[tuple[str, str]]:
    """Files that do not belong to the document beside them (Session 9): the exports and CSV lists are made
    from findings.json alone and are made again here; report.html and remediation.html print the SHA-256 of
    the findings.json / diff.json they were made from. A file copied in from another case, with the manifest
    made again, passed verify. Checked only for documents this leakscan wrote with these rules (another
    version may write them otherwise: genuine older evidence raises no false alarm)."""
    import hashlib

    from .consistency import exports_started, made_by_this_code, same_code
    from .evidence import parse_json, read_case_file
    from .exports import MADE_FROM_FINDINGS

    found = []
    for document, html, made in ((FINDINGS, "report.html", MADE_FROM_FINDINGS), ("diff.json", "remediation.html", {})):
        try:
            raw = read_case_file(out / document)
            doc = parse_json(raw, str(out / document))
        except (UsageError, OSError):  # absent, a link, not JSON: the manifest check and the loader say so
            continue
        if not isinstance(doc, dict):
            continue
        tool = (doc.get("rescan") or {}).get("tool") if document == "diff.json" else doc.get("tool")
        if not same_code({"tool": tool}):
            continue
        digest = hashlib.sha256(raw).hexdigest()
        why = f"not made from the {document} beside it (copied in from another case, or edited)"
        # made again only by the code that made them: same version and rules is not the same code (review9h)
        for name, make in made.items() if made_by_this_code({"tool": tool}) and _typed(doc) else ():
            data = _regular_bytes(out / name)
            if data is not None:
                expected = make(doc)
                if data != (expected.encode("utf-8") if isinstance(expected, str) else expected):
                    found.append((name, why))
        if document == FINDINGS and os.path.lexists(out / "scan-state.sqlite"):
            from .state import recorded_scope

            scope = (((doc.get("case") or {}).get("id") or ""), (doc.get("scan") or {}).get("sources"),
                     (doc.get("scan") or {}).get("started"))
            if recorded_scope(out / "scan-state.sqlite") != scope:
                found.append(("scan-state.sqlite", f"the state of another case, other sources or another scan than "
                                                   f"the {document} beside it (copied in, or not a leakscan state)"))
        if document == FINDINGS:
            found += exports_started(out, doc)
        data = _regular_bytes(out / html)
        if data is not None and digest.encode() not in data:
            found.append((html, f"does not name the SHA-256 of the {document} beside it (copied in from another "
                               "case, or edited)"))
    return found


def _typed(doc: dict[str, Any]) -> bool:
    """The findings.json is one leakscan writes (typed loader): only then are its exports made again to compare
    (Session 22: a hostile field crashed the export code, internal error); else the loader's word says why."""
    from .evidence import FindingsDoc

    try:
        FindingsDoc.from_json(doc)
    except UsageError:
        return False
    return True


def _regular_bytes(path: Path) -> bytes | None:
    """A file's bytes when it is a regular file in the folder (never through a link), else None (the manifest
    check names what is missing or a link)."""
    from .output import read_nofollow

    try:
        return read_nofollow(path, 1 << 30)
    except (OSError, UsageError):
        return None


def _inconsistencies(out: Path) -> list[str]:
    """What a findings.json the manifest vouches for says against itself: the manifest is a checksum list, not
    a signature, so an edit with the manifest made again passes it; a figure that no longer agrees with the
    records it is counted from (persons, the summary) or a case.key that is not the fingerprints' key does not."""
    from .consistency import contradictions
    from .persons.keys import CASE_KEY, check_key_id, read_key_file

    if not os.path.lexists(out / FINDINGS):
        return []
    try:
        doc, _digest = read_findings(out)
        check_key_id(doc.persons or {}, read_key_file(out / CASE_KEY), out)
    except UsageError as e:  # EvidenceError too: not what leakscan writes
        return [f"not consistent leakscan evidence ({e})"]
    return contradictions(doc.to_json())


def stated_keying(out: Path) -> dict[str, Any] | None:
    """The case's ``persons.keying`` when nothing proves it (evidence.keying_stated: 12 and 13, 14 and 15 write one
    chain format, and a case of keying 12-14 holds no keying_id): {"keying": 14, "same_format": [14, 15]}; None
    otherwise, or when the folder
    holds no readable findings.json with persons (its problems are reported by check_outputs). Never raises."""
    from .evidence import keying_stated
    from .persons.keys import CASE_KEY

    try:
        doc, _digest = read_findings(out)
    except (UsageError, OSError, ValueError):
        return None
    persons = doc.persons or {}
    keying = persons.get("keying")
    # a keying_id was checked with the folder's case.key (_inconsistencies): proven; without a key, only stated
    same = keying_stated(persons, key_checked=os.path.isfile(out / CASE_KEY) and not os.path.islink(out / CASE_KEY))
    return {"keying": keying, "same_format": list(same)} if same else None


def persons_apart(out: Path) -> str | None:
    """Why a merged case holds no persons (``case keys`` or ``rules``: evidence.persons_not_combined), said by verify
    beside "every file matches" so a matching folder is not read as a counted case (Session 21). Never raises."""
    from .evidence import persons_not_combined

    try:
        doc, _digest = read_findings(out)
    except (UsageError, OSError, ValueError):
        return None
    return persons_not_combined(doc)


def _is_local(f: Finding) -> bool:
    return not f.containers and not f.source.startswith("smb://") and os.path.isdir(f.source)


def _joined(doc: FindingsDoc) -> set[tuple[str, str]]:
    """(source, path) of every hit that is the first part of a split series the scan read joined (its digests are
    the joined archive's, its own in ``annotations.part_digests``; a member's hop says ``joined_parts``): such a
    hit is checked by walking its folder again (the series joined again), never by re-hashing the part file alone
    (review11a)."""
    out = {(f.source, f.inner_path) for f in doc.files if f.annotations and "part_digests" in f.annotations}
    out |= {(g.source, g.containers[0].name) for g in doc.files if g.containers
            and isinstance(g.containers[0].detail, dict) and g.containers[0].detail.get("joined_parts")}
    return out


def _hash_local(f: Finding) -> tuple[VerifyStatus, str | None, str]:
    """Open a local hit read-only (O_NOATIME, no symlink followed below its source) by its raw path and
    hash it, only when that path lies inside its (named) source: findings.json cannot point verify at
    another file, and a folder swapped for a link since the scan cannot make another copy pass for the hit."""
    raw = bytes.fromhex(f.raw_path_hex) if f.raw_path_hex else os.fsencode(f.inner_path)
    base = os.fsencode(os.path.abspath(f.source or "/")).rstrip(b"/")
    if not local_file_inside(raw, os.fsdecode(base), resolve=False):  # every part then opened O_NOFOLLOW
        return VerifyStatus.NOT_NAMED, None, say(Detail.REREAD_OUTSIDE_SOURCE)
    try:
        stream = open_under(base, raw[len(base) + 1:]) if raw.startswith(base + b"/") else open_file(raw)
    except ReadError as e:
        if e.reason == Status.VANISHED:
            return VerifyStatus.MISSING, None, say(Detail.VERIFY_GONE)
        if e.reason == Status.SPECIAL_FILE:
            return VerifyStatus.CHANGED, None, e.detail or "no longer a regular file"
        return VerifyStatus.UNREADABLE, None, e.detail
    with stream:
        if not f.sha256:  # still there: nothing recorded to compare it with (Session 14) but its size
            st = os.fstat(stream.fileno())
            return _unhashed(f, st.st_size, iso_utc(st.st_mtime))
        sha = hash_stream(stream).digests.sha256
    return (VerifyStatus.MATCH if sha == f.sha256 else VerifyStatus.CHANGED), sha, ""

Outcome = tuple[VerifyStatus, str | None, str]


def _unhashed(f: Finding, size: int | None, mtime: str | None) -> Outcome:
    """A hit the scan never read, found again: ``not-hashed`` unless its size or modification time now differs from
    what the scan recorded (review14c: an archive replaced by another holding a member of the same name passed as
    unchanged)."""
    if size is not None and size != f.size:
        return VerifyStatus.CHANGED, None, say(Detail.VERIFY_SIZE_DIFFERS, then=f.size, now=size)
    if mtime is not None and f.mtime is not None and mtime != f.mtime:
        return VerifyStatus.CHANGED, None, say(Detail.VERIFY_MTIME_DIFFERS, then=f.mtime, now=mtime)
    return VerifyStatus.NOT_HASHED, None, NOT_HASHED_DETAIL


def _rescan_source(source: str, files: list[Finding], doc: FindingsDoc,
                   passwords: tuple[str, ...] = ()) -> dict[str, Outcome]:
    """Walk one source again, hashing every file, and find the listed hits by location key."""
    settings = doc.scan.settings
    depth = settings.get("archive_depth", ScanConfig.archive_depth)
    cfg = ScanConfig(sources=[source], out=Path("."), names=list(doc.names),
                     use_keywords=False, known_hashes=[f.sha256 for f in files if f.sha256],
                     archive_depth=depth if isinstance(depth, int) and not isinstance(depth, bool) else 3,
                     passwords=passwords)  # encrypted archive members are hashed again with them
    # the walk only: no post-scan analyses (they would count persons and write a case key)
    result = ScanResult(config=cfg, started="")
    ctx = ScanContext(cfg, NameRules(cfg.names, False), [ArchiveInspector(cfg)], result, NoProgress(),
                      frozenset(cfg.known_hashes))
    try:
        src = open_source(source)
        if getattr(src, "kind", None) == "image":  # TSK, dfvfs and libyal run in a killable walker process
            src = isolated(src, worker_settings(ctx))
        with src:
            batches = getattr(src, "batches", None)
            walk(src.entries() if batches is None else batches(), ctx)
    except LeakscanError as e:
        return {f.key(): (VerifyStatus.UNREACHABLE, None, str(e)) for f in files}
    except OSError as e:
        return {f.key(): (VerifyStatus.UNREACHABLE, None, os_error(e)) for f in files}
    found = {h.location.key(): h for h in result.hits}
    skipped = {s.location.key(): s for s in result.skipped}
    stopped = [s for s in result.skipped if _walk_stopped(s)]
    out: dict[str, Outcome] = {}
    for f in files:
        key = f.key()
        hit = found.get(key)
        if not f.sha256 and (hit is not None or key in skipped):
            out[key] = _unhashed(f, *((hit.stat.size, hit.stat.mtime) if hit is not None else (None, None)))
        elif hit is not None and hit.digests is not None:
            out[key] = (VerifyStatus.MATCH if hit.digests.sha256 == f.sha256 else VerifyStatus.CHANGED,
                        hit.digests.sha256, "")
        elif key in skipped:
            out[key] = (VerifyStatus.UNREADABLE, None, skipped[key].detail)
        elif (over := _stopped_over(f.location, stopped)) is not None:  # not walked: not known to be gone
            out[key] = (VerifyStatus.UNREADABLE, None, say(Detail.VERIFY_NOT_WALKED, why=over.detail))
        else:
            out[key] = (VerifyStatus.MISSING, None, say(Detail.VERIFY_NOT_FOUND))
    return out


def _walk_stopped(s: Skipped) -> bool:
    """A part of an image not walked to its end: the walker's own ``walk-stopped``, or a file system whose library
    failed mid-walk (``corrupt`` "walk stopped", Detail.FS_WALK_STOPPED, split11). Total."""
    if s.reason == Status.WALK_STOPPED:
        return True
    if s.reason != Status.CORRUPT:
        return False
    try:
        return Detail.FS_WALK_STOPPED in detail_codes({"detail": s.detail, "detail_codes": codes_of(s.detail)})  # as said
    except Exception:  # noqa: BLE001 - a failure path: the hit is then said missing, as before
        return False


def _stopped_over(loc: Location, stopped: list[Skipped]) -> Skipped | None:
    """The ``walk-stopped`` skip whose part of a disk image (the image, a file system, a directory) holds
    ``loc``, if any: a hit there was not looked for, so it is not missing."""
    for s in stopped:
        hops = s.location.containers
        if s.location.source != loc.source or len(loc.containers) < len(hops):
            continue
        if [(h.kind, h.name) for h in loc.containers[:len(hops)]] != [(h.kind, h.name) for h in hops]:
            continue
        where = s.location.path.rstrip("/")
        inner = loc.path if len(loc.containers) == len(hops) else loc.containers[len(hops)].name
        if not where or inner == where or inner.startswith(where + "/"):
            return s
    return None


def verify_sources(doc: FindingsDoc, named: NamedSources, passwords: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Re-hash every hit of a findings document where it was found; one row per hit. Only sources the
    examiner named (or confirmed) are read: the others' hits are rows with status ``not-named``."""
    rows: list[dict[str, Any]] = []
    remote: dict[str, list[Finding]] = defaultdict(list)
    joined = _joined(doc)
    for f in doc.files:
        if not named.allows(f.source):
            rows.append(_row(f, VerifyStatus.NOT_NAMED, None, NOT_NAMED_DETAIL))
        elif _is_local(f) and (f.source, f.inner_path) not in joined:
            rows.append(_row(f, *_hash_local(f)))
        else:
            remote[f.source].append(f)
    for source, files in remote.items():
        results = _rescan_source(source, files, doc, passwords)
        rows += [_row(f, *results[f.key()]) for f in files]
    return rows


def _row(f: Finding, status: str, sha: str | None, detail: str) -> dict[str, Any]:
    """One verify row; ``detail_codes`` as the scan's skipped entries carry them (the terminal says them in its
    language, another tool reads them without parsing English)."""
    return {"path": f.path, "sha256": f.sha256, "status": status, "now_sha256": sha, "detail": detail,
            "detail_codes": codes_of(detail) if detail else []}
