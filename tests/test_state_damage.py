"""``scan --resume`` of a scan state that SQLite still reads (PRAGMA quick_check passes) but leakscan would not
have written: another schema version, a missing table or column, values of the wrong type, a cut or misshapen
JSON outcome, a garbage journal beside it, a state copied in from another case. Each either resumes to the
findings of an uninterrupted scan or stops in one line (exit 2) before anything is written: never a traceback
half-way through the replay, never a half-written case."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_cli
from remediation_data import share, strip_times

from scanner.demo import LEAKED_NAME
from scanner.output import LOCK

STATE = "scan-state.sqlite"


@pytest.fixture(scope="module")
def stopped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A scan of the demo share whose outputs are taken away again: its state is that of a scan stopped
    just before publishing (every file recorded), and the findings of the whole scan to compare with."""
    root = tmp_path_factory.mktemp("state")
    src = share(root)
    out = root / "out"
    run = run_cli("scan", str(src), "--name", LEAKED_NAME, "--quiet", "--out", str(out), "--case-id", "S-1")
    assert run.returncode == 1, run.stderr
    whole = root / "whole.json"
    shutil.copy(out / "findings.json", whole)
    for p in out.iterdir():
        if p.name not in (STATE, "case.key"):
            p.unlink()
    with sqlite3.connect(out / STATE) as db:  # the test means something: outcomes are replayed
        assert db.execute("SELECT count(*) FROM done WHERE outcome LIKE '%\"hits\": [[%'").fetchone()[0] > 0
    return out, whole


def _sql(*statements: str) -> Callable[[Path], None]:
    def damage(state: Path) -> None:
        with sqlite3.connect(state) as db:
            for statement in statements:
                db.execute(statement)
        db.close()
    return damage


def _nested(state: Path) -> None:
    with sqlite3.connect(state) as db:
        db.execute("UPDATE done SET outcome = ? WHERE rowid = (SELECT min(rowid) FROM done)",
                   ("[" * 100_000 + "]" * 100_000,))
    db.close()


HIT_ROW = "(SELECT min(rowid) FROM done WHERE outcome LIKE '%\"hits\": [[%')"
DAMAGES: dict[str, Callable[[Path], None]] = {
    "older-version": _sql("UPDATE meta SET value = '1' WHERE key = 'version'"),
    "no-done-table": _sql("DROP TABLE done"),
    "no-poisoned-table": _sql("DROP TABLE poisoned"),
    "done-without-outcome": _sql("ALTER TABLE done RENAME COLUMN outcome TO result"),
    "outcome-an-integer": _sql(f"UPDATE done SET outcome = 42 WHERE rowid = {HIT_ROW}"),
    "outcome-a-blob": _sql(f"UPDATE done SET outcome = CAST(outcome AS BLOB) WHERE rowid = {HIT_ROW}"),
    "outcome-json-cut": _sql(f"UPDATE done SET outcome = substr(outcome, 1, length(outcome) / 2) WHERE rowid = {HIT_ROW}"),
    "outcome-wrong-shape": _sql(f"UPDATE done SET outcome = '{{\"hits\": 5}}' WHERE rowid = {HIT_ROW}"),
    "hit-without-size": _sql(f"UPDATE done SET outcome = replace(outcome, '\"size\"', '\"sise\"') WHERE rowid = {HIT_ROW}"),
    "unknown-skip-reason": _sql("INSERT INTO done VALUES ('k', '{\"hits\": [], \"links\": [], \"files_seen\": 1, "
                                "\"bytes_read\": 1, \"skipped\": [[{\"source\": \"/s\", \"path\": \"/s/x\", "
                                "\"raw\": null, \"hops\": []}, \"no-such-reason\", \"\"]]}')"),
    "nested-outcome": _nested,
    "started-times-text": _sql("INSERT INTO started VALUES ('k', 'twice')"),
    "poisoned-unknown-status": _sql("INSERT INTO poisoned VALUES ('k', 'p', 'inspect', 'exploded', '')"),
    "config-sources-text": _sql("UPDATE meta SET value = json_set(value, '$.sources', 'C:') WHERE key = 'config'"),
    "config-workers-text": _sql("UPDATE meta SET value = json_set(value, '$.workers', 'many') WHERE key = 'config'"),
    "config-not-a-record": _sql("UPDATE meta SET value = '[1, 2]' WHERE key = 'config'"),
    "salt-short": _sql("UPDATE meta SET value = '\"abcd\"' WHERE key = 'salt'"),
    "resumed-not-a-list": _sql("UPDATE meta SET value = '7' WHERE key = 'resumed'"),
    "meta-value-integer": _sql("UPDATE meta SET value = 7 WHERE key = 'started'"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_state_is_refused_in_one_line_before_anything_is_done(damage: str, stopped: tuple[Path, Path],
                                                                         tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(stopped[0], out)
    DAMAGES[damage](out / STATE)
    with sqlite3.connect(out / STATE) as db:  # what the earlier check alone let through
        assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    db.close()
    before = (out / STATE).read_bytes()
    done = run_cli("scan", "--resume", str(out))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    said = "written by another version" if damage == "older-version" else "is not a readable scan state"
    assert said in done.stderr
    assert sorted(p.name for p in out.iterdir() if p.name != LOCK) == ["case.key", STATE]  # no output
    assert (out / STATE).read_bytes() == before


@pytest.mark.parametrize("journal", ["-wal", "-journal"])
def test_a_garbage_journal_beside_the_state_resumes_to_the_whole_scan(journal: str, stopped: tuple[Path, Path],
                                                                       tmp_path: Path) -> None:
    """A cut or garbage WAL / rollback journal (a copy made mid-write) is not a valid journal: SQLite ignores
    it, the state's committed rows replay and the findings equal the uninterrupted scan's."""
    out = tmp_path / "out"
    shutil.copytree(stopped[0], out)
    (out / f"{STATE}{journal}").write_bytes(b"\x37\x7f\x06\x82" + bytes(range(256)) * 3)
    done = run_cli("scan", "--resume", str(out), "--quiet")
    assert done.returncode == 1, done.stderr
    resumed = json.loads((out / "findings.json").read_text("utf-8"))
    whole = json.loads(stopped[1].read_text("utf-8"))
    for doc in (resumed, whole):
        doc["scan"].pop("resumed", None)
        doc.pop("chain_of_custody")
    assert strip_times(resumed)["files"] == strip_times(whole)["files"]
    assert resumed["persons"]["unique"] == whole["persons"]["unique"]
    assert run_cli("verify", str(out)).returncode == 0


@pytest.mark.parametrize("other", ["case", "sources"])
def test_a_state_of_another_case_is_not_resumed_over_this_case(other: str, stopped: tuple[Path, Path],
                                                               tmp_path: Path) -> None:
    """A folder holding an incomplete case S-2 (findings.json kept for --resume) and a state copied in from case
    S-1 (or from a scan of other sources): resuming would publish S-1's findings over S-2's."""
    out = tmp_path / "out"
    shutil.copytree(stopped[0], out)
    other_doc = json.loads(stopped[1].read_text("utf-8"))
    if other == "case":
        other_doc["case"]["id"] = "S-2"
    else:
        other_doc["scan"]["sources"] = ["/mnt/pc02"]
    (out / "findings.json").write_text(json.dumps(other_doc, ensure_ascii=False), "utf-8")
    with sqlite3.connect(out / STATE) as db:
        db.execute("UPDATE meta SET value = '\"ended-incomplete\"' WHERE key = 'status'")
    db.close()
    before = (out / "findings.json").read_bytes()
    done = run_cli("scan", "--resume", str(out))
    assert done.returncode == 2 and "another case or other sources" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert (out / "findings.json").read_bytes() == before


def test_a_state_in_wal_mode_with_its_wal_cut_resumes_to_the_whole_scan(stopped: tuple[Path, Path],
                                                                         tmp_path: Path) -> None:
    """A state switched to WAL mode whose last writes sit in a WAL cut in the middle (a copy made while it was
    written): SQLite keeps the whole transactions before the cut; the rows lost are files examined again."""
    out = tmp_path / "out"
    shutil.copytree(stopped[0], out)
    state = out / STATE
    db = sqlite3.connect(state)
    assert db.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
    db.execute("PRAGMA wal_autocheckpoint=0")
    rows = db.execute("SELECT key, outcome FROM done").fetchall()
    for key, outcome in rows:  # every row written again: the WAL holds them all
        with db:
            db.execute("DELETE FROM done WHERE key = ?", (key,))
            db.execute("INSERT INTO done VALUES (?, ?)", (key, outcome))
    wal = Path(f"{state}-wal").read_bytes()
    main = state.read_bytes()
    db.close()
    state.write_bytes(main)  # the database as it was before the checkpoint on close, with half its WAL
    Path(f"{state}-wal").write_bytes(wal[: len(wal) // 2 + 123])
    done = run_cli("scan", "--resume", str(out), "--quiet")
    assert done.returncode == 1, done.stderr
    resumed = json.loads((out / "findings.json").read_text("utf-8"))
    whole = json.loads(stopped[1].read_text("utf-8"))
    assert strip_times(resumed)["files"] == strip_times(whole)["files"]
    assert resumed["persons"]["unique"] == whole["persons"]["unique"]
