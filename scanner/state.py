"""Scan state in SQLite (``scan-state.sqlite`` in --out, 0600), so a killed scan can be resumed.

As the scan goes, each examined file's outcome (its hits and skips as JSON, keyed by a salted hash of
the location's identity key, so a file without a hit leaves no path behind) is written in batches, together with the configuration. ``scan --resume OUT`` walks
again (name checks are cheap) but replays recorded files instead of re-reading and re-hashing them,
so the final findings equal those of an uninterrupted scan. Files whose person records the post-scan
analyses need are not recorded: those records never leave memory in clear, so such files are read
again on resume; so are hits with annotations (a recycle bin's ``$I`` file), whose inspector must
see them again to pair them with their ``$R`` file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import secrets
import sqlite3
import time
from pathlib import Path
from typing import Any

from .codes import INCOMPLETE_REASONS, Status
from .config import ScanConfig
from .contracts import Poison, ResultMark, ScanResult
from .details import Said, codes_of
from .errors import UsageError
from .models import Digests, FileHit, FileStat, Hop, Link, Location, Skipped
from .output import PENDING_STATE
from .timeutil import now_utc

STATE_FILE = "scan-state.sqlite"
STATE_VERSION = 2  # 2: files keyed by a salted hash of their location key, not the path itself
BATCH_FILES = 256
BATCH_SECONDS = 1.0
# The rollback journal is kept between commits (its header zeroed, not the file deleted and created again at each of the
# scan's few hundred commits) and deleted when the state is closed: ``scan-state.sqlite-journal`` is one of the output
# folder's working files (``output._WORKING``), and a zeroed journal left by a killed scan is no hot journal to SQLite
JOURNAL_MODE = "PERSIST"
# Test hook only: seconds to sleep after each recorded file, so a test can kill a scan mid-way.
TEST_HOOK_DELAY_ENV = "LEAKSCAN_TEST_HOOK_DELAY_PER_FILE"

# ``record``'s outcome of a file read with nothing found, as json.dumps writes it (tests/test_resume.py keeps it so)
_READ_ONLY = '{"hits": [], "skipped": [], "skipped_codes": [], "links": [], "files_seen": %d, "bytes_read": %d}'

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS done (key TEXT PRIMARY KEY, outcome TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS started (key TEXT PRIMARY KEY, times INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS poisoned (key TEXT NOT NULL, part TEXT NOT NULL, step TEXT NOT NULL,
                                     status TEXT NOT NULL, detail TEXT NOT NULL, PRIMARY KEY (key, part));
"""
# A file in flight when the scan itself ended twice (killed, machine down) runs alone in a fresh worker, or, if
# the scan process would decode it itself, is not entered again (scanner.pipeline).
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
        out = json.loads(json.dumps(self.stored))
        # post-scan analyses may add reasons, rules and facts (scanner.promote): the object has the last word
        out["reasons"], out["matched_rules"] = list(self.reasons), list(self.matched_rules)
        for key in ("overlap", "annotations"):
            value = getattr(self, key)
            if value:
                out[key] = json.loads(json.dumps(value))
        if isinstance(self.status_detail, Said) and out.get("status_detail") == self.status_detail:
            out["status_detail"] = self.status_detail  # with the codes it was said with (scanner.details.Said)
        return out


def _said_again(text: object, codes: object) -> Any:
    """A detail replayed from the state with the codes it was recorded with (Session 12), else its text (read
    back when findings.json is written: a state written before the codes were kept)."""
    if isinstance(text, str) and isinstance(codes, list) and codes and all(isinstance(d, dict) for d in codes):
        return Said(text, codes)
    return text


def _with_said_codes(j: dict[str, Any]) -> dict[str, Any]:
    """A hit's JSON for the state, with the codes its detail was said with."""
    if isinstance(j.get("status_detail"), Said):
        j["status_detail_codes"] = codes_of(j["status_detail"])
    return j


def _hit_from(loc: dict[str, Any], j: dict[str, Any]) -> ReplayedHit:
    d = Digests(j["md5"], j["sha1"], j["sha256"], j["size"]) if j.get("sha256") else None
    st = FileStat(j["size"], j.get("mtime"), j.get("atime"), j.get("ctime"), j.get("btime"), j.get("time_note"))
    hit = ReplayedHit(_loc_from(loc), st, d, j.get("type", ""), list(j.get("reasons") or []),
                      status=j.get("status", Status.OK),
                      status_detail=_said_again(j.get("status_detail", ""), j.get("status_detail_codes")),
                      deleted=bool(j.get("deleted")), type_mismatch=j.get("type_mismatch"),
                      matched_rules=list(j.get("matched_rules") or []), pii=j.get("pii"),
                      overlap=j.get("overlap"), annotations=j.get("annotations"))
    hit.stored = j
    return hit


class StateDamage(ValueError):
    """A scan state that SQLite reads but leakscan would not have written."""


_COLUMNS = {"meta": {"key", "value"}, "done": {"key", "outcome"}, "started": {"key", "times"},
            "poisoned": {"key", "part", "step", "status", "detail"}}
_STATUSES = frozenset(str(s) for s in Status)


def check_state(db: sqlite3.Connection) -> None:
    """The tables a scan state has, each with its columns (a state is never completed by creating them)."""
    for table, columns in _COLUMNS.items():
        found = {row[1] for row in db.execute("SELECT * FROM pragma_table_info(?)", (table,))}
        if not found:
            raise StateDamage(f"no table {table}")
        if not columns <= found:
            raise StateDamage(f"table {table} lacks a column")


def _config_value_ok(name: str, value: object) -> bool:
    """A recorded setting has the type of ScanConfig's field (the state is read back as untrusted input)."""
    default = {f.name: f for f in dataclasses.fields(ScanConfig)}[name]
    sample = default.default if default.default is not dataclasses.MISSING else (
        default.default_factory() if default.default_factory is not dataclasses.MISSING else None)
    if name == "sources":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if name in ("out", "baseline", "password_file", "accept", "verify_images") or sample is None:
        return value is None or isinstance(value, (str, bool))
    if isinstance(sample, bool):
        return isinstance(value, bool)
    if isinstance(sample, (int, float)):
        return isinstance(value, (int, float)) and not isinstance(value, bool) and (
            isinstance(sample, float) or isinstance(value, int))
    if isinstance(sample, str):
        return isinstance(value, str)
    if isinstance(sample, (list, tuple)):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if isinstance(sample, dict):
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    return True


def _check_outcome(o: object) -> None:
    """One recorded file's outcome replays: the shape ``record`` writes, locations and hits that rebuild."""
    if not isinstance(o, dict):
        raise StateDamage("a recorded outcome is not a record")
    for name in ("files_seen", "bytes_read"):
        if not isinstance(o.get(name), int) or isinstance(o.get(name), bool) or o[name] < 0:
            raise StateDamage(f"a recorded outcome's {name} is not a count")
    for name in ("hits", "skipped", "links"):
        if not isinstance(o.get(name), list) or not all(isinstance(x, list) and x for x in o[name]):
            raise StateDamage(f"a recorded outcome's {name} is not a list of entries")
    for loc, j in o["hits"]:
        if not isinstance(j, dict) or not isinstance(j.get("size"), int) or not isinstance(j.get("reasons"), list):
            raise StateDamage("a recorded hit is not readable")
        if j.get("sha256") is not None and not all(isinstance(j.get(k), str) for k in ("md5", "sha1", "sha256")):
            raise StateDamage("a recorded hit's digests are not readable")
        _hit_from(_check_loc(loc), j)
    for s in o["skipped"]:
        if not 3 <= len(s) <= 4 or s[1] not in _STATUSES or not all(isinstance(v, str) for v in s[1:]):
            raise StateDamage("a recorded skip is not readable")
        _check_loc(s[0])
    for link in o["links"]:
        if len(link) != 2 or not isinstance(link[1], str):
            raise StateDamage("a recorded link is not readable")
        _check_loc(link[0])


def _check_loc(d: object) -> dict[str, Any]:
    if not isinstance(d, dict) or not isinstance(d.get("source"), str) or not isinstance(d.get("path"), str) \
            or not (d.get("raw") is None or isinstance(d.get("raw"), str)) or not isinstance(d.get("hops"), list) \
            or not all(isinstance(h, list) and len(h) == 3 and all(isinstance(x, str) for x in h[:2])
                       and (h[2] is None or isinstance(h[2], dict)) for h in d["hops"]):
        raise StateDamage("a recorded location is not readable")
    _loc_from(d)
    return d


def recorded_scope(path: Path) -> tuple[object, object, object] | None:
    """(case id, sources, when the scan began) a state file records, read only (never through a link, nothing
    written; a journal beside it ignored); None when it is not a state leakscan can read. verify ties the state to
    the findings.json beside it with this (Session 9), as ``--resume`` does; the start (``scan.started`` in
    findings.json, kept across resumes) tells it from another scan of the same case and sources (Session 21)."""
    import stat as stat_

    try:
        if not stat_.S_ISREG(os.lstat(path).st_mode):
            return None
        db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except (OSError, sqlite3.Error):
        return None
    try:
        meta = {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM meta")}
        config = meta.get("config")
        if not isinstance(config, dict):
            return None
        return config.get("case_id", ""), config.get("sources"), meta.get("started")
    except (sqlite3.Error, ValueError, TypeError, RecursionError):
        return None
    finally:
        db.close()


def _refuse_other_case(out: Path, state: ScanState, same_scan: bool) -> None:
    """A state copied in from another case must not replace (or mix with) the outputs this folder holds. The state of
    the scan that wrote them (``same_scan``: not an interrupted rerun's pending state) began when they say, too."""
    from .evidence import EvidenceError, read_case_file

    if not (out / "findings.json").exists():
        return
    try:
        published = json.loads(read_case_file(out / "findings.json"))
        case_id, sources = (published.get("case") or {}).get("id"), (published.get("scan") or {}).get("sources")
        started = (published.get("scan") or {}).get("started")
    except (EvidenceError, UsageError, ValueError, AttributeError, RecursionError):
        case_id = sources = started = None
    meta = state._meta()
    config = meta["config"]
    if (case_id != config.get("case_id", "") or sources != config.get("sources")
            or (same_scan and started != meta.get("started"))):
        raise UsageError(f"--resume {out}: {STATE_FILE} is the state of another case or other sources than the "
                         "findings.json beside it (or that findings.json is not readable): not resumed; scan again "
                         "into a new --out")


class ScanState:
    """The SQLite state of one --out folder; consulted by the pipeline's examine() when present
    (it is the pipeline's ``contracts.ResumeLog``)."""

    def __init__(self, path: Path, resuming: bool) -> None:
        self.path = path
        self.resuming = resuming
        self._db = sqlite3.connect(path)
        # no fsync per commit (a killed scan loses nothing committed; after a power cut the state may be
        # unreadable and the scan is started again), so files in flight can be written down before any of
        # their bytes is decoded: 0.3 ms a commit instead of 20-30 ms
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute(f"PRAGMA journal_mode={JOURNAL_MODE}")
        if resuming:  # a state is checked as it is, never completed with missing tables (check_state)
            check_state(self._db)
        else:
            self._db.executescript(_SCHEMA)
        self._pending: list[tuple[str, str]] = []
        self._last_flush = time.monotonic()
        self._delay = float(os.environ.get(TEST_HOOK_DELAY_ENV) or 0)
        self.started = ""  # when the scan first began (kept across resumes)
        self.resumed: list[str] = []  # when it was resumed
        self.started_in: str | None = None  # the working folder the scan started in (None: not recorded)
        self.retry: frozenset[str] = frozenset()  # skip reasons whose recorded files are examined again
        self._salt = b""

    def _row_key(self, key: str) -> str:
        """Files examined without a hit leave no path in the state: a client's name used as a file name is
        personal data, and the state needs only to recognise the file again (salted SHA-256)."""
        return hashlib.sha256(self._salt + key.encode("utf-8", "surrogatepass")).hexdigest()

    # -- opening ---------------------------------------------------------------------------------
    @classmethod
    def create(cls, out: Path, config: ScanConfig, started: str, rerun: bool = False) -> ScanState:
        """A fresh state for a new scan. A rerun into a finished output folder (--overwrite) keeps the
        earlier state untouched under its name and writes ``scan-state.next.sqlite`` until it completes
        (:meth:`commit`), so a failed rerun leaves the earlier outputs as they were."""
        path = out / (PENDING_STATE if rerun else STATE_FILE)
        # an abandoned rerun's state, or a journal left without its database (our own working files, never
        # evidence), would be taken for this state's: started again
        for suffix in ("", "-journal", "-wal", "-shm") if rerun else ("-journal", "-wal", "-shm"):
            if rerun or not path.exists():
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                             | getattr(os, "O_CLOEXEC", 0), 0o600))
        except FileExistsError as e:
            raise UsageError(f"--out {out}: already holds {path.name} (an earlier scan); choose a new folder") from e
        state = cls(path, resuming=False)
        cfg = config.to_record()  # never the passwords
        state._salt = secrets.token_bytes(16)
        # the folder the scan started in: its relative paths (SOURCE, --baseline ...) mean "from there"
        state._set_meta(version=STATE_VERSION, config=cfg, started=started, status="running", resumed=[],
                        salt=state._salt.hex(), cwd=os.getcwd())
        state.started = started
        return state

    @classmethod
    def resume(cls, out: Path, retry_unreadable: bool = False) -> ScanState:
        """The state of an interrupted or incomplete scan in ``out``. Files recorded as lost to the source
        (``connection``, ``source-lost``) are examined again, and with ``retry_unreadable`` those recorded
        ``unreadable`` too (after the examiner fixed permissions); every other recorded file is replayed."""
        pending = (out / PENDING_STATE).is_file()  # an interrupted rerun: its outputs replace the earlier ones
        path = out / (PENDING_STATE if pending else STATE_FILE)
        if not path.is_file():
            raise UsageError(f"--resume {out}: no {STATE_FILE} in that folder (nothing to resume)")
        if path.is_symlink():
            raise UsageError(f"--resume {out}: {path.name} is a symbolic link, not a scan state")
        try:
            state = cls(path, resuming=True)
            damage = state._db.execute("SELECT count(*) FROM pragma_quick_check WHERE quick_check != 'ok'").fetchone()[0]
            if damage:  # a damaged state would fail half-way through the replay, or replay wrong rows
                raise sqlite3.DatabaseError("damaged: PRAGMA quick_check failed")
            meta = state._meta()
            salt = bytes.fromhex(meta.get("salt", ""))
            if meta.get("version") != STATE_VERSION or "config" not in meta:
                raise UsageError(f"--resume {out}: {STATE_FILE} was written by another version")
            if len(salt) != 16:
                raise StateDamage("its salt is not 16 bytes")
            if not isinstance(meta.get("started", ""), str) or not isinstance(meta.get("resumed", []), list):
                raise StateDamage("its times are not readable")
            if not isinstance(meta.get("cwd", ""), str):
                raise StateDamage("its starting folder is not a path")
            state.config(out)  # the recorded settings make a configuration
            state.check_rows()  # every recorded outcome replays, before anything is done
        except (sqlite3.Error, UnicodeDecodeError, ValueError, TypeError, AttributeError, KeyError,
                IndexError, RecursionError) as e:
            # a damaged file can fail in the SQLite library, in decoding its text or in its JSON
            why = str(e) if isinstance(e, (sqlite3.Error, StateDamage)) else type(e).__name__
            raise UsageError(f"--resume {out}: {STATE_FILE} is not a readable scan state ({why}); it cannot be "
                             "resumed: scan again into a new --out") from None
        _refuse_other_case(out, state, same_scan=not pending)
        published = (out / "findings.json").is_file() and (out / "manifest.sha256").is_file()
        if not pending and meta.get("status") == "finished" and published:  # replaying would rewrite a finished scan's evidence with today's walk
            raise UsageError(f"--resume {out}: that scan finished; nothing to resume (to scan again, use a new --out "
                             "or --overwrite)")
        # an incomplete scan (status "ended-incomplete": part of a source went away) is resumed like an interrupted
        # one: what it lost to the source is examined again, everything it recorded is replayed
        state.retry = frozenset(INCOMPLETE_REASONS | ({Status.UNREADABLE} if retry_unreadable else set()))
        state._salt = salt
        state.started_in = meta.get("cwd") or None  # None: a state written before it was recorded
        state.started, state.resumed = meta.get("started", ""), [*meta.get("resumed", []), now_utc()]
        state._set_meta(status="running", resumed=state.resumed)
        return state

    @property
    def rerun(self) -> bool:
        """Whether this state belongs to a rerun that replaces earlier outputs when it completes."""
        return self.path.name == PENDING_STATE

    def commit(self) -> None:
        """A completed rerun's state takes the place of the earlier one (call after :meth:`close`)."""
        if self.rerun:
            final = self.path.with_name(STATE_FILE)
            os.replace(self.path, final)
            self.path = final

    def discard(self) -> None:
        """Drop a rerun's own state (the rerun wrote nothing worth keeping); the earlier one stays."""
        if self.rerun:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def config(self, out: Path) -> ScanConfig:
        """The configuration the interrupted scan was started with (its --out is this folder)."""
        stored = self._meta()["config"]
        if not isinstance(stored, dict):
            raise StateDamage("its configuration is not a record")
        names = {f.name for f in dataclasses.fields(ScanConfig)}
        for k, v in stored.items():
            if k in names and not _config_value_ok(k, v):
                raise StateDamage(f"its recorded setting {k!r} is not of its type")
        if not stored.get("sources"):
            raise StateDamage("it records no source")
        cfg = ScanConfig(**{k: v for k, v in stored.items() if k in names})
        cfg.out = out
        cfg.baseline = Path(stored["baseline"]) if stored.get("baseline") else None
        return cfg


    def check_rows(self) -> None:
        """Every row the resume will read, checked now: a damaged row (a cut JSON, a wrong type, an unknown
        reason) would otherwise stop the resumed scan half-way. Raises StateDamage (or what decoding raises)."""
        for key, outcome in self._db.execute("SELECT key, outcome FROM done"):
            if not isinstance(key, str) or not isinstance(outcome, str):
                raise StateDamage("a recorded file's row holds a value of the wrong type")
            _check_outcome(json.loads(outcome))
        for key, times in self._db.execute("SELECT key, times FROM started"):
            if not isinstance(key, str) or not isinstance(times, int):
                raise StateDamage("a row of files in flight holds a value of the wrong type")
        for row in self._db.execute("SELECT key, part, step, status, detail FROM poisoned"):
            if not all(isinstance(v, str) for v in row) or row[3] not in _STATUSES:
                raise StateDamage("a row of files that stopped a worker is not readable")

    # -- the pipeline hooks ------------------------------------------------------------------------
    def replay(self, key: str, result: ScanResult) -> bool:
        """Append a recorded file's outcome to ``result``; False when it was not recorded."""
        if not self.resuming:
            return False
        row = self._db.execute("SELECT outcome FROM done WHERE key = ?", (self._row_key(key),)).fetchone()
        if row is None:
            return False
        o = json.loads(row[0])
        if self.retry and any(s[1] in self.retry for s in o["skipped"]):
            return False  # lost to the source (or unreadable, when asked): examined again
        result.hits += [_hit_from(loc, j) for loc, j in o["hits"]]
        codes = o.get("skipped_codes") if isinstance(o.get("skipped_codes"), list) else []
        result.skipped += [Skipped(_loc_from(s[0]), s[1], _said_again(s[2], codes[i] if i < len(codes) else None), *s[3:])
                           for i, s in enumerate(o["skipped"])]  # [loc, reason, detail(, sha256)]
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
        if len(result.traces) != m.traces:
            return  # trace artefacts stay in memory until the analysis: read again on resume
        if len(result.sources) != m.sources:
            return  # a disk image inside the source, described in the findings: walked again on resume
        if not hits and len(result.skipped) == m.skipped and len(result.links) == m.links:  # most files: read, nothing
            # found (the text json.dumps gives the dict below, without building and encoding it)
            self._pending.append((self._row_key(key), _READ_ONLY % (result.files_seen - m.files_seen, n_bytes)))
        else:
            self._pending.append((self._row_key(key), json.dumps(self._outcome(result, m, n_bytes), ensure_ascii=False)))
        if len(self._pending) >= BATCH_FILES or time.monotonic() - self._last_flush > BATCH_SECONDS:
            self.flush()
        if self._delay:
            time.sleep(self._delay)

    @staticmethod
    def _outcome(result: ScanResult, m: ResultMark, n_bytes: int) -> dict[str, Any]:
        hits = result.hits[m.hits:]
        return {
            "hits": [[_loc_json(h.location), _with_said_codes(h.to_json())] for h in hits],
            "skipped": [[_loc_json(s.location), s.reason, s.detail, *([s.sha256] if s.sha256 else [])]
                        for s in result.skipped[m.skipped:]],
            # the codes each detail was said with (a detail replayed is never read back: scanner.details.Said)
            "skipped_codes": [codes_of(s.detail) if isinstance(s.detail, Said) else None
                              for s in result.skipped[m.skipped:]],
            "links": [[_loc_json(k.location), k.target] for k in result.links[m.links:]],
            "files_seen": result.files_seen - m.files_seen,
            "bytes_read": n_bytes,
        }

    def in_flight(self, keys: list[str]) -> None:
        """Files sent to a worker, written down before any of their bytes is decoded: if the scan itself
        ends while they are in flight, a resume knows (``interrupted``)."""
        with self._db:  # the files recorded done since the last commit go in the same commit (one instead of two)
            self._db.executemany("INSERT INTO started (key, times) VALUES (?, 1) "
                                 "ON CONFLICT(key) DO UPDATE SET times = times + 1",
                                 [(self._row_key(k),) for k in keys])
            self._write_pending()

    def poison(self, key: str, part: str, poison: Poison) -> None:
        """A step of this file (or of its archive member ``part``) killed or hung a worker: written down at
        once, so a resume gives its recorded outcome instead of running it again. ``part`` is kept as it is
        (a location key): that file or member is listed as skipped in the findings anyway."""
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO poisoned (key, part, step, status, detail) VALUES (?, ?, ?, ?, ?)",
                             (self._row_key(key), part, poison.step, str(poison.status), poison.detail))

    def poisons(self, key: str) -> dict[str, Poison]:
        """The steps that killed a worker on this file in an earlier run of this scan (part -> poison)."""
        rows = self._db.execute("SELECT part, step, status, detail FROM poisoned WHERE key = ?", (self._row_key(key),))
        return {part: Poison(step, Status(status), detail) for part, step, status, detail in rows}

    def interrupted(self, key: str) -> int:
        """How many scans of this state ended while this file was in flight (it was never recorded done)."""
        row = self._db.execute("SELECT times FROM started WHERE key = ?", (self._row_key(key),)).fetchone()
        return row[0] if row else 0

    def remember(self, name: str, value: object) -> None:
        """Keep a small JSON value with the state (a distributed scan's merged parts: who scanned them)."""
        self._set_meta(**{f"note:{name}": value})

    def recall(self, name: str) -> object:
        """A value kept with :meth:`remember`, or None."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (f"note:{name}",)).fetchone()
        return json.loads(row[0]) if row else None

    def forget(self, keys: list[str]) -> None:
        """Drop the recorded outcomes of these locations: --resume examines them again (their errors were
        the source's, found out after they were recorded)."""
        self.flush()
        with self._db:
            self._db.executemany("DELETE FROM done WHERE key = ?", [(self._row_key(k),) for k in keys])

    # -- bookkeeping -----------------------------------------------------------------------------
    def flush(self) -> None:
        if self._pending:
            with self._db:
                self._write_pending()
        self._last_flush = time.monotonic()

    def _write_pending(self) -> None:
        """The recorded files not yet written (inside the caller's transaction)."""
        if self._pending:
            self._db.executemany("INSERT OR REPLACE INTO done (key, outcome) VALUES (?, ?)", self._pending)
            self._pending.clear()

    def finish(self, complete: bool = True) -> None:
        """Everything recorded; the scan completed (a later --resume is refused: its outputs stand), or
        ended incomplete because part of a source went away (a later --resume examines that part)."""
        self.flush()
        self._set_meta(status="finished" if complete else "ended-incomplete")

    def close(self) -> None:
        try:
            self.flush()
            try:
                self._db.execute("PRAGMA journal_mode=DELETE")  # the kept journal deleted: the state is one file again
            except sqlite3.OperationalError:
                pass  # (a zeroed journal left beside it is a working file, as a killed scan's)
        finally:
            self._db.close()

    def _meta(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self._db.execute("SELECT key, value FROM meta")}

    def _set_meta(self, **values: Any) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                 [(k, json.dumps(v)) for k, v in values.items()])
