"""Scan state in SQLite (``scan-state.sqlite`` in --out, 0600), so a killed scan can be resumed.

As the scan goes, each examined file's outcome (its hits and skips as JSON, keyed by the location's
identity key) is written in batches, together with the configuration. ``scan --resume OUT`` walks
again (name checks are cheap) but replays recorded files instead of re-reading and re-hashing them,
so the final findings equal those of an uninterrupted scan. Files whose person records the post-scan
analyses need are not recorded: those records never leave memory in clear, so such files are read
again on resume; so are hits with annotations (a recycle bin's ``$I`` file), whose inspector must
see them again to pair them with their ``$R`` file.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from .codes import Status
from .config import ScanConfig
from .contracts import ResultMark, ScanResult
from .errors import UsageError
from .models import Digests, FileHit, FileStat, Hop, Link, Location, Skipped
from .timeutil import now_utc

STATE_FILE = "scan-state.sqlite"
STATE_VERSION = 1
BATCH_FILES = 256
BATCH_SECONDS = 1.0
# Test hook only: seconds to sleep after each recorded file, so a test can kill a scan mid-way.
TEST_HOOK_DELAY_ENV = "LEAKSCAN_TEST_HOOK_DELAY_PER_FILE"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS done (key TEXT PRIMARY KEY, outcome TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS started (key TEXT PRIMARY KEY, times INTEGER NOT NULL);
"""
# A file a scan was examining when the scan itself ended twice (killed, machine down) is not entered again.
INTERRUPTED_LIMIT = 2


def _loc_json(loc: Location) -> dict[str, Any]:
    return {"source": loc.source, "path": loc.path, "raw": loc.raw_path_hex,
            "hops": [[h.kind, h.name, h.detail] for h in loc.containers]}


def _loc_from(d: dict[str, Any]) -> Location:
    return Location(d["source"], d["path"], tuple(Hop(k, n, det or {}) for k, n, det in d["hops"]), d["raw"])


class ReplayedHit(FileHit):
    """A hit restored from the state: attributes for the analyses, and the exact JSON it had."""

    stored: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return json.loads(json.dumps(self.stored))


def _hit_from(loc: dict[str, Any], j: dict[str, Any]) -> ReplayedHit:
    d = Digests(j["md5"], j["sha1"], j["sha256"], j["size"]) if j.get("sha256") else None
    st = FileStat(j["size"], j.get("mtime"), j.get("atime"), j.get("ctime"), j.get("btime"), j.get("time_note"))
    hit = ReplayedHit(_loc_from(loc), st, d, j.get("type", ""), list(j.get("reasons") or []),
                      status=j.get("status", Status.OK), status_detail=j.get("status_detail", ""),
                      deleted=bool(j.get("deleted")), type_mismatch=j.get("type_mismatch"),
                      matched_rules=list(j.get("matched_rules") or []), pii=j.get("pii"),
                      overlap=j.get("overlap"), annotations=j.get("annotations"))
    hit.stored = j
    return hit


class ScanState:
    """The SQLite state of one --out folder; consulted by the pipeline's examine() when present
    (it is the pipeline's ``contracts.ResumeLog``)."""

    def __init__(self, path: Path, resuming: bool) -> None:
        self.path = path
        self.resuming = resuming
        self._db = sqlite3.connect(path)
        # WAL: a commit costs no fsync (a killed scan loses nothing committed; a power cut at most the last
        # commits), so files in flight can be written down before any of their bytes is decoded
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._pending: list[tuple[str, str]] = []
        self._last_flush = time.monotonic()
        self._delay = float(os.environ.get(TEST_HOOK_DELAY_ENV) or 0)
        self.started = ""  # when the scan first began (kept across resumes)
        self.resumed: list[str] = []  # when it was resumed

    # -- opening ---------------------------------------------------------------------------------
    @classmethod
    def create(cls, out: Path, config: ScanConfig, started: str) -> ScanState:
        """A fresh state for a new scan (an earlier state in the same --out is replaced)."""
        path = out / STATE_FILE
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600))
        state = cls(path, resuming=False)
        cfg = {k: (str(v) if isinstance(v, Path) else v) for k, v in dataclasses.asdict(config).items()}
        state._set_meta(version=STATE_VERSION, config=cfg, started=started, status="running", resumed=[])
        state.started = started
        return state

    @classmethod
    def resume(cls, out: Path) -> ScanState:
        path = out / STATE_FILE
        if not path.is_file():
            raise UsageError(f"--resume {out}: no {STATE_FILE} in that folder (nothing to resume)")
        os.chmod(path, 0o600)
        try:
            state = cls(path, resuming=True)
            meta = state._meta()
        except sqlite3.Error as e:
            raise UsageError(f"--resume {out}: {STATE_FILE} is not a readable scan state ({e})") from e
        if meta.get("version") != STATE_VERSION or "config" not in meta:
            raise UsageError(f"--resume {out}: {STATE_FILE} was written by another version")
        if meta.get("status") == "finished" and (out / "findings.json").is_file():  # replaying would rewrite a finished scan's evidence with today's walk
            raise UsageError(f"--resume {out}: that scan finished; nothing to resume (to scan again, use a new --out)")
        state.started, state.resumed = meta.get("started", ""), [*meta.get("resumed", []), now_utc()]
        state._set_meta(status="running", resumed=state.resumed)
        return state

    def config(self, out: Path) -> ScanConfig:
        """The configuration the interrupted scan was started with (its --out is this folder)."""
        stored = self._meta()["config"]
        names = {f.name for f in dataclasses.fields(ScanConfig)}
        cfg = ScanConfig(**{k: v for k, v in stored.items() if k in names})
        cfg.out = out
        cfg.baseline = Path(stored["baseline"]) if stored.get("baseline") else None
        return cfg


    # -- the pipeline hooks ------------------------------------------------------------------------
    def replay(self, key: str, result: ScanResult) -> bool:
        """Append a recorded file's outcome to ``result``; False when it was not recorded."""
        if not self.resuming:
            return False
        row = self._db.execute("SELECT outcome FROM done WHERE key = ?", (key,)).fetchone()
        if row is None:
            return False
        o = json.loads(row[0])
        result.hits += [_hit_from(loc, j) for loc, j in o["hits"]]
        result.skipped += [Skipped(_loc_from(loc), r, d) for loc, r, d in o["skipped"]]
        result.links += [Link(_loc_from(loc), t) for loc, t in o["links"]]
        result.files_seen += o["files_seen"]
        result.bytes_read += o["bytes_read"]
        return True

    def record(self, key: str, result: ScanResult, m: ResultMark) -> None:
        """Remember what examining one file (and its archive members) added to ``result``."""
        n_bytes = result.bytes_read - m.bytes_read
        hits = result.hits[m.hits:]
        if not n_bytes and not hits and len(result.skipped) == m.skipped:
            return  # no I/O was done: walking again costs nothing
        if any(i in result.prints for i in range(m.hits, len(result.hits))):
            return  # person fingerprints are not written to the state: this file is read again on resume
        if any(h.annotations for h in hits):
            return  # an inspector remembered something across files ($I -> $R): read again on resume
        outcome = {
            "hits": [[_loc_json(h.location), h.to_json()] for h in hits],
            "skipped": [[_loc_json(s.location), s.reason, s.detail] for s in result.skipped[m.skipped:]],
            "links": [[_loc_json(k.location), k.target] for k in result.links[m.links:]],
            "files_seen": result.files_seen - m.files_seen,
            "bytes_read": n_bytes,
        }
        self._pending.append((key, json.dumps(outcome, ensure_ascii=False)))
        if len(self._pending) >= BATCH_FILES or time.monotonic() - self._last_flush > BATCH_SECONDS:
            self.flush()
        if self._delay:
            time.sleep(self._delay)

    def in_flight(self, keys: list[str]) -> None:
        """Files sent to a worker, written down before any of their bytes is decoded: if the scan itself
        ends while they are in flight, a resume knows (``interrupted``)."""
        with self._db:
            self._db.executemany("INSERT INTO started (key, times) VALUES (?, 1) "
                                 "ON CONFLICT(key) DO UPDATE SET times = times + 1", [(k,) for k in keys])

    def interrupted(self, key: str) -> int:
        """How many scans of this state ended while this file was in flight (it was never recorded done)."""
        row = self._db.execute("SELECT times FROM started WHERE key = ?", (key,)).fetchone()
        return row[0] if row else 0

    # -- bookkeeping -----------------------------------------------------------------------------
    def flush(self) -> None:
        if self._pending:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO done (key, outcome) VALUES (?, ?)", self._pending)
            self._pending.clear()
        self._last_flush = time.monotonic()

    def finish(self) -> None:
        """Everything recorded; the scan completed (a later --resume is refused: its outputs stand)."""
        self.flush()
        self._set_meta(status="finished")

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self._db.close()

    def _meta(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self._db.execute("SELECT key, value FROM meta")}

    def _set_meta(self, **values: Any) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                 [(k, json.dumps(v, ensure_ascii=False)) for k, v in values.items()])
