"""Evidence integrity: re-check an output folder's manifest, and re-hash the hits it lists at their sources.

Local files are reopened read-only (O_NOATIME) by their path. Hits inside images, SMB shares or
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
from .config import ScanConfig
from .contracts import NoProgress, ScanContext, ScanResult
from .diff import identity_key
from .errors import LeakscanError, ReadError
from .fingerprint import hash_stream
from .inspectors.archive import ArchiveInspector
from .names import NameRules
from .output import MANIFEST, check_manifest, unlisted_files
from .pipeline import walk
from .sources import open_source
from .sources.local import open_file, open_under

MATCH = VerifyStatus.MATCH


def check_outputs(out: Path) -> list[dict[str, str]]:
    """Every output file that is missing, changed or not listed in manifest.sha256 (nothing is followed
    out of the folder, and an unlisted file is named, never read)."""
    problems = [{"file": f, "problem": p} for f, p in check_manifest(out)]
    if (out / MANIFEST).is_file():
        problems += [{"file": rel, "problem": "not listed in the manifest"} for rel in unlisted_files(out)]
    return problems


def _is_local(f: dict[str, Any]) -> bool:
    return not f.get("container") and not str(f.get("source", "")).startswith("smb://") \
        and os.path.isdir(f.get("source") or "")


def _hash_local(f: dict[str, Any]) -> tuple[str, str | None, str]:
    """Open a local hit read-only (O_NOATIME, no symlink followed below its source) by its raw path and
    hash it: a folder swapped for a link since the scan cannot make another copy pass for the hit."""
    raw = bytes.fromhex(f["raw_path_hex"]) if f.get("raw_path_hex") else os.fsencode(f["inner_path"])
    root = os.fsencode(os.path.abspath(f.get("source") or "/")).rstrip(b"/")
    try:
        stream = open_under(root, raw[len(root) + 1:]) if raw.startswith(root + b"/") else open_file(raw)
    except ReadError as e:
        if e.reason == Status.VANISHED:
            return VerifyStatus.MISSING, None, "no file at this path any more"
        if e.reason == Status.SPECIAL_FILE:
            return VerifyStatus.CHANGED, None, e.detail or "no longer a regular file"
        return VerifyStatus.UNREADABLE, None, e.detail
    with stream:
        sha = hash_stream(stream).digests.sha256
    return (VerifyStatus.MATCH if sha == f["sha256"] else VerifyStatus.CHANGED), sha, ""


def _rescan_source(source: str, files: list[dict[str, Any]], doc: dict[str, Any]) -> dict[str, tuple]:
    """Walk one source again, hashing every file, and find the listed hits by location key."""
    settings = (doc.get("scan") or {}).get("settings") or {}
    cfg = ScanConfig(sources=[source], out=Path("."), names=list((doc.get("case") or {}).get("names") or []),
                     use_keywords=False, known_hashes=[f["sha256"] for f in files],
                     archive_depth=int(settings.get("archive_depth", 3)))
    # the walk only: no post-scan analyses (they would count persons and write a case key)
    result = ScanResult(config=cfg, started="")
    ctx = ScanContext(cfg, NameRules(cfg.names, False), [ArchiveInspector(cfg)], result, NoProgress(),
                      frozenset(cfg.known_hashes))
    try:
        with open_source(source) as src:
            walk(src.entries(), ctx)
    except (LeakscanError, OSError) as e:
        return {identity_key(f): (VerifyStatus.UNREACHABLE, None, str(e)) for f in files}
    found = {h.location.key(): h for h in result.hits}
    skipped = {s.location.key(): s for s in result.skipped}
    out: dict[str, tuple] = {}
    for f in files:
        key = identity_key(f)
        hit = found.get(key)
        if hit is not None and hit.digests is not None:
            out[key] = (VerifyStatus.MATCH if hit.digests.sha256 == f["sha256"] else VerifyStatus.CHANGED,
                        hit.digests.sha256, "")
        elif key in skipped:
            out[key] = (VerifyStatus.UNREADABLE, None, skipped[key].detail)
        else:
            out[key] = (VerifyStatus.MISSING, None, "not found at its place (gone, or changed and no longer matching)")
    return out


def verify_sources(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Re-hash every hit of a findings document where it was found; one row per hit."""
    rows: list[dict[str, Any]] = []
    remote: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in doc.get("files") or []:
        if not f.get("sha256"):
            rows.append(_row(f, VerifyStatus.NOT_HASHED, None, "never read in the scan (see its status)"))
        elif _is_local(f):
            rows.append(_row(f, *_hash_local(f)))
        else:
            remote[f.get("source") or ""].append(f)
    for source, files in remote.items():
        results = _rescan_source(source, files, doc)
        rows += [_row(f, *results[identity_key(f)]) for f in files]
    return rows


def _row(f: dict[str, Any], status: str, sha: str | None, detail: str) -> dict[str, Any]:
    return {"path": f.get("path"), "sha256": f.get("sha256"), "status": status, "now_sha256": sha,
            "detail": detail}
