"""review21i: images21's change pushed with an investigator's inputs.

1. A later split-raw segment without its first (``NAME.NNN``, NNN >= 2, no ``NAME.001`` beside it) makes a folder
   incomplete (images21). Ordinary files named so are no disk's middle: a gzip'd list ``backup.003``, an SQLite
   database ``clients.002``, a tar ``archive.004``, an 8-byte ``tiny.002`` (a segment holds whole sectors). Before:
   each listed ``unsupported`` later-segment naming ``backup.001`` ... (the SQLite hit's status ``unsupported``), the
   scan incomplete (exit 3) though every one of them was read; given as the SOURCE, ``backup.003`` was refused as a
   usage error (exit 2) that asked for a ``backup.001`` that never existed.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import sqlite3
import tarfile
from pathlib import Path
from typing import Any

import pytest
from conftest import run_leakscan

from tests.pii_data import csv_bytes, people, standard

ROWS = standard(people(30, seed=2121))


def _scan(out: Path, *sources: Path) -> tuple[int, dict[str, Any], str]:
    done = run_leakscan("scan", *map(str, sources), "--out", str(out), "--workers", "1", "--quiet", timeout=240)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8")), done.stderr


def _codes(skip: dict[str, Any]) -> list[str]:
    return [c["code"] for c in skip.get("detail_codes") or []]


def _sqlite(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute(f"create table clients ({', '.join(f'c{i}' for i in range(len(ROWS[0])))})")
    con.executemany(f"insert into clients values ({', '.join('?' * len(ROWS[0]))})", [tuple(map(str, r)) for r in ROWS[1:]])
    con.commit()
    con.close()


def _tar(member: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        info = tarfile.TarInfo(member)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.fixture(scope="module")
def numbered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Ordinary files named NAME.NNN with no NAME.001 (one folder) and a real disk's middle segment (another)."""
    root = tmp_path_factory.mktemp("numbered")
    files = root / "files"
    files.mkdir()
    table = csv_bytes(ROWS, encoding="utf-8")
    (files / "backup.003").write_bytes(gzip.compress(table))
    _sqlite(files / "clients.002")
    (files / "archive.004").write_bytes(_tar("名簿.csv", table))
    (files / "tiny.002").write_bytes(b"\x00\x01\x02hello")
    disk = root / "disk"
    disk.mkdir()
    (disk / "pc.002").write_bytes(random.Random(2121).randbytes(1 << 20))  # the middle of a disk: still listed
    code, doc, err = _scan(root / "out", files, disk)
    return {"root": root, "code": code, "doc": doc, "err": err}


def test_ordinary_numbered_files_are_no_later_segments(numbered: dict[str, Any]) -> None:
    later = sorted(Path(s["path"]).name for s in numbered["doc"]["skipped"] if "later-segment" in _codes(s))
    assert later == ["pc.002"], numbered["doc"]["skipped"]


def test_ordinary_numbered_files_are_read_as_what_they_are(numbered: dict[str, Any]) -> None:
    hits = {Path(h["path"].split(" » ")[0]).name: h for h in numbered["doc"]["files"]}
    for name in ("backup.003", "clients.002", "archive.004"):
        assert name in hits and (hits[name].get("pii") or {}).get("records"), (name, hits.get(name))
    assert hits["clients.002"]["status"] == "ok", hits["clients.002"]


def test_an_ordinary_numbered_file_given_as_the_source_is_scanned(numbered: dict[str, Any]) -> None:
    root = numbered["root"]
    code, doc, err = _scan(root / "out-one", root / "files" / "backup.003")
    assert code == 0, err  # scanned (no --name: exit 0), not a usage error asking for backup.001 (exit 2)
    assert doc["scan"]["complete"] is True and any((h.get("pii") or {}).get("records") for h in doc["files"])


# --- 2. a unit a worker failed on: only the file it failed on, with the worker's own reason ----------------------

_HOOK = """
import os
try:
    import scanner.work as _work
    _run = _work.run_task

    def _task(task, *a, **k):
        if task.name == "big.csv":
            raise (MemoryError() if os.environ.get("REVIEW21I_KIND") == "memory" else TypeError("cell 山田"))
        return _run(task, *a, **k)

    _work.run_task = _task
except Exception:
    pass
"""


@pytest.mark.parametrize(("kind", "reason"), [("memory", "too-large"), ("bug", "internal-error")])
def test_a_unit_failed_on_lists_its_file_with_the_workers_reason(tmp_path: Path, kind: str, reason: str) -> None:
    """A file whose examination fails outside every inspector in a worker (run_task raising): the worker says why
    (a MemoryError under the worker's memory cap: too-large; any other exception escaping: a bug). Before: every
    file of the unit not yet acknowledged (those examined before it, whose outcomes were held, and those never
    begun) listed internal-error "a bug in leakscan", a memory cap too; now only that file, with the worker's reason,
    and the others examined."""
    import os

    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(_HOOK, encoding="utf-8")
    share = tmp_path / "share"
    share.mkdir()
    table = csv_bytes(ROWS)
    for name in ("a.csv", "big.csv", "z.csv"):
        (share / name).write_bytes(table)
    root = Path(__file__).resolve().parent.parent
    env = {"PYTHONPATH": os.pathsep.join([str(hook), str(root)]), "REVIEW21I_KIND": kind}
    done = run_leakscan("scan", str(share), "--out", str(tmp_path / "out"), "--workers", "2", "--quiet", env=env,
                        timeout=240)
    assert "Traceback" not in done.stderr and "山田" not in done.stderr, done.stderr[-2000:]
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    said = sorted((Path(s["path"]).name, s["reason"]) for s in doc["skipped"])
    assert said == [("big.csv", reason)], doc["skipped"]
    read = {Path(h["path"]).name for h in doc["files"] if (h.get("pii") or {}).get("records")}
    assert {"a.csv", "z.csv"} <= read, doc["files"]


# --- 3. internal-error or corrupt: where the programming-error type was raised decides ---------------------------

def csv_to_xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row in ROWS:
        book.active.append([str(v) for v in row])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _run(inspect: Any, path: Path) -> Any:
    from scanner.contracts import run_inspector
    from scanner.sources.single import SingleFileEntry

    class Probe:
        name = "probe"

    Probe.inspect = staticmethod(inspect)  # type: ignore[attr-defined]
    return run_inspector(Probe(), SingleFileEntry(str(path)), path.read_bytes(), "", None)  # type: ignore[arg-type]


def test_a_library_raising_a_programming_error_type_in_its_own_code_is_corrupt(tmp_path: Path) -> None:
    """zipfile raising KeyError (a member the workbook's content types name is not in it) with our inspector on the
    stack: the file's damage, corrupt; images21's test of a library's refusal used BadZipFile, no programming-error
    type, so a classification by type alone passed it too."""
    import zipfile

    def inspect(entry: Any, data: bytes, ctype: str, ctx: Any) -> Any:
        zipfile.ZipFile(io.BytesIO(data)).read("xl/no-such-part.xml")

    path = tmp_path / "名簿.xlsx"
    path.write_bytes(csv_to_xlsx())
    found = _run(inspect, path)
    assert found.status == "corrupt" and "KeyError" in found.detail, found

