"""Case folders edited by hand, then given to ``verify``, ``merge``, ``report`` and ``persons``.

Two kinds of forger: one who edits findings.json (or swaps case.key) and leaves manifest.sha256 as it was,
and one who also makes the manifest again (a checksum list is no signature; anyone holding the folder can).
The first is caught by the manifest everywhere. The second is caught where the edit contradicts the rest of
the document: a person count against its fingerprints and record chains, the summary against the findings,
duplicate groups against the hits, case.key against the fingerprints' key id; a hit moved to another path
or given another SHA-256 consistently is caught by ``verify --sources`` at the evidence. Every refusal is one
line, exit 2 (verify: exit 1 naming the file), never a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_cli
from remediation_data import load, remake_derived, share

from scanner.demo import LEAKED_NAME
from scanner.output import write_manifest


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("tamper")
    src = share(root)
    out = root / "out"
    run = run_cli("scan", str(src), "--name", LEAKED_NAME, "--quiet", "--out", str(out), "--case-id", "T-1")
    assert run.returncode == 1, run.stderr
    assert run_cli("verify", str(out)).returncode == 0
    return src, out


def _persons_plus_one(doc: dict) -> None:
    doc["persons"]["unique"] += 1
    doc["summary"]["persons"]["persons"] += 1


def _records_minus_100(doc: dict) -> None:
    doc["persons"]["records"] -= 100
    doc["summary"]["persons"]["records"] -= 100


def _distinct_changed(doc: dict) -> None:
    doc["persons"]["unique_exact"] -= 5
    doc["summary"]["persons"]["distinct"] -= 5


def _summary_only(doc: dict) -> None:
    doc["summary"]["persons"]["persons"] = 3


def _moved(doc: dict) -> None:
    hit = next(f for f in doc["files"] if f["sha256"] and "PC01" in f["path"])
    hit["path"] = hit["inner_path"] = hit["path"].replace("PC01", "PC09")


def _digest(doc: dict) -> None:
    """A hit in no duplicate group and not counted for persons (nothing else in the document names its hash)."""
    grouped = {p for g in doc["duplicate_groups"] for p in g["paths"]}
    counted = {f["path"] for f in doc["persons"]["files"]}
    hit = next(f for f in doc["files"] if f["sha256"] and f["path"] not in grouped | counted)
    hit["sha256"] = "ab" * 32


def _consistently(edit: Callable[[dict], None]) -> Callable[[dict], None]:
    """The careful forger: the edit, then the duplicate groups and the summary made again to agree with it."""
    from scanner.store import duplicate_groups
    from scanner.summary import summarise

    def forged(doc: dict) -> None:
        before = {f["id"]: (f["path"], f["sha256"]) for f in doc["files"]}
        edit(doc)
        for counted in doc["persons"]["files"]:
            if counted["role"] == "leak" and before[counted["id"]] == (counted["path"], counted["sha256"]):
                hit = next(f for f in doc["files"] if f["id"] == counted["id"])
                counted["path"], counted["sha256"] = hit["path"], hit["sha256"]
        doc["duplicate_groups"] = duplicate_groups(doc["files"])
        doc.pop("summary")
        doc["summary"] = summarise(doc)
    return forged


EDITS: dict[str, Callable[[dict], None]] = {
    "persons+1": _persons_plus_one, "records-100": _records_minus_100, "distinct-5": _distinct_changed,
    "summary-only": _summary_only, "hit-moved": _moved, "sha256-changed": _digest,
    "hit-moved-consistently": _consistently(_moved), "sha256-changed-consistently": _consistently(_digest)}
ONLY_AT_THE_EVIDENCE = {"hit-moved-consistently", "sha256-changed-consistently", "sha256-changed"}


def _copy(out: Path, dest: Path, edit: Callable[[dict], None] | None, remanifest: bool) -> Path:
    shutil.copytree(out, dest)
    if edit is not None:
        doc = load(dest)
        edit(doc)
        (dest / "findings.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), "utf-8")
    if remanifest:
        write_manifest(dest)
    return dest


def _one_line(run, said: str) -> None:
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr and said in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr


@pytest.mark.parametrize("remanifest", [False, True], ids=["manifest-kept", "manifest-made-again"])
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_edited_findings_json(edit: str, remanifest: bool, case: tuple[Path, Path], tmp_path: Path) -> None:
    src, out = case
    forged = _copy(out, tmp_path / "forged", EDITS[edit], remanifest)
    verify = run_cli("verify", str(forged))
    caught = not remanifest or edit not in ONLY_AT_THE_EVIDENCE
    if caught:
        assert verify.returncode == 1 and "findings.json" in verify.stdout, verify.stdout
        said = "findings.json"  # its manifest line, or the figure that contradicts the rest
        _one_line(run_cli("merge", str(out), str(forged), "--out", str(tmp_path / "m"), "--quiet"), said)
        _one_line(run_cli("persons", str(forged)), said)
        _one_line(run_cli("report", str(forged)), said)
        assert not (tmp_path / "m").exists()
    else:  # consistent with itself: the files made from it tell (Session 9), then only the evidence
        assert verify.returncode == 1 and "not made from the findings.json beside it" in verify.stdout, verify.stdout
        remake_derived(forged)
        verify = run_cli("verify", str(forged))
        assert verify.returncode == 0, verify.stdout
        deep = run_cli("verify", str(forged), "--sources", str(src))
        assert deep.returncode == 1 and ("SOURCE MISSING" in deep.stdout or "SOURCE CHANGED" in deep.stdout)


@pytest.mark.parametrize("remanifest", [False, True], ids=["manifest-kept", "manifest-made-again"])
def test_a_case_key_from_another_case(remanifest: bool, case: tuple[Path, Path], tmp_path: Path) -> None:
    """Another case's case.key would make every person look new in a merge (and the notification list
    unverifiable): refused by the key id the fingerprints were made with."""
    _src, out = case
    forged = _copy(out, tmp_path / "forged", None, remanifest=False)
    os.chmod(forged / "case.key", 0o600)
    (forged / "case.key").write_text("22" * 32 + "\n")
    if remanifest:
        write_manifest(forged)
    verify = run_cli("verify", str(forged))
    assert verify.returncode == 1 and "case.key" in verify.stdout, verify.stdout
    said = "case.key"
    _one_line(run_cli("merge", str(out), str(forged), "--out", str(tmp_path / "m"), "--quiet"), said)
    _one_line(run_cli("persons", str(forged)), said)


@pytest.mark.parametrize("what", ["fifo", "link-out", "huge", "nested"])
def test_a_findings_json_that_is_no_document(what: str, case: tuple[Path, Path], tmp_path: Path) -> None:
    """A FIFO (would block), a link out of the folder, 300 MiB of spaces, 100,000 nested lists: every command
    answers in one line, none hangs, follows the link or fills the memory."""
    _src, out = case
    forged = _copy(out, tmp_path / "forged", None, remanifest=False)
    (forged / "findings.json").unlink()
    if what == "fifo":
        os.mkfifo(forged / "findings.json")
    elif what == "link-out":
        (forged / "findings.json").symlink_to(out / "findings.json")
    elif what == "huge":
        with open(forged / "findings.json", "wb") as f:
            f.truncate(300 << 20)
    else:
        (forged / "findings.json").write_text("[" * 100_000 + "]" * 100_000)
    for command in (["merge", str(out), str(forged), "--out", str(tmp_path / "m"), "--quiet"],
                    ["persons", str(forged)], ["report", str(forged)]):
        run = run_cli(*command)
        assert run.returncode == 2 and "Traceback" not in run.stderr, (command, run.stderr)
        assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    verify = run_cli("verify", str(forged))
    assert verify.returncode == 1 and "findings.json" in verify.stdout, verify.stdout
    assert not (tmp_path / "m").exists()
    assert (out / "findings.json").is_file() and run_cli("verify", str(out)).returncode == 0


def test_a_report_folder_with_links_out_of_it(case: tuple[Path, Path], tmp_path: Path) -> None:
    """Links planted in a case folder (to a file outside, to /): verify names each, nothing outside is read
    or written by report, merge takes nothing through them."""
    _src, out = case
    forged = _copy(out, tmp_path / "forged", None, remanifest=False)
    outside = tmp_path / "outside.txt"
    outside.write_text("not leakscan's")
    (forged / "report.html").unlink()
    (forged / "report.html").symlink_to(outside)
    (forged / "evidence").symlink_to("/")
    verify = run_cli("verify", str(forged))
    assert verify.returncode == 1 and "report.html" in verify.stdout and "evidence" in verify.stdout
    run = run_cli("report", str(forged))
    assert run.returncode == 0, run.stderr
    assert outside.read_text() == "not leakscan's" and not (forged / "report.html").is_symlink()
    run = run_cli("merge", str(out), str(forged), "--out", str(tmp_path / "m"), "--quiet")
    assert run.returncode == 1 and "same scan" in run.stderr  # the same findings.json: merged once


def test_a_folder_of_another_version_is_checked_on_its_person_figures_only(case: tuple[Path, Path],
                                                                           tmp_path: Path) -> None:
    """Another leakscan version may define a summary figure otherwise (no false alarm on genuine older
    evidence); its person figures are pass-throughs of the persons section and are still compared."""
    _src, out = case

    def older(doc: dict) -> None:
        doc["tool"]["version"] = "0.0.9"
        doc["summary"]["copies"] += 1  # as if that version counted copies otherwise

    def older_and_persons(doc: dict) -> None:
        older(doc)
        doc["summary"]["persons"]["persons"] += 1

    assert run_cli("verify", str(_copy(out, tmp_path / "older", older, remanifest=True))).returncode == 0
    forged = _copy(out, tmp_path / "forged", older_and_persons, remanifest=True)
    verify = run_cli("verify", str(forged))
    assert verify.returncode == 1 and "summary" in verify.stdout, verify.stdout
