"""Crafted case folders (Session 22): a real scan's findings.json made hostile (non-finite or huge numbers, wrong
types, deep nesting, duplicate keys, impossible times, a merge section of the wrong shape, links out of the folder),
the manifest made again as a tamperer would. Every reader (verify, persons, report, merge, diff, scan --baseline)
gives a clear one-line error, never an internal error, and never a clean verdict from it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import run_cli

from scanner.demo import LEAKED_NAME, client_list_xlsx, make_people
from scanner.output import write_manifest


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """A scan holding the named file, and a scan of the share after it was deleted (the rescan)."""
    root = tmp_path_factory.mktemp("hostile")
    src = root / "share"
    src.mkdir()
    (src / LEAKED_NAME).write_bytes(client_list_xlsx(make_people(8)))
    good = root / "good"
    assert run_cli("scan", str(src), "--name", LEAKED_NAME, "--out", str(good), "--quiet").returncode == 1
    (src / LEAKED_NAME).unlink()
    after = root / "after"
    assert run_cli("scan", str(src), "--name", LEAKED_NAME, "--out", str(after), "--quiet").returncode == 0
    yield {"root": root, "src": src, "good": good, "after": after}


def _edit(doc: dict, where: str, value: object) -> str:
    """``doc`` with the value at a dotted path replaced, as JSON."""
    doc = json.loads(json.dumps(doc))
    *path, last = where.split(".")
    at = doc
    for k in path:
        at = at[int(k)] if isinstance(at, list) else at[k]
    at[int(last) if isinstance(at, list) else last] = value
    return json.dumps(doc, ensure_ascii=False)


def _texts(text: str, doc: dict) -> dict[str, Callable[[], str]]:
    deep = "[" * 100_000 + "]" * 100_000
    return {
        "nan": lambda: text.replace('"files_seen": ', '"files_seen": NaN, "x": ', 1),
        "infinite": lambda: text.replace('"files_seen": ', '"files_seen": 1e999, "x": ', 1),
        "huge-int": lambda: text.replace('"files_seen": ', '"files_seen": ' + "9" * 5000 + ", \"x\": ", 1),
        "deep": lambda: text.replace('"links": [', '"links": [' + deep + ",", 1),
        "duplicate-keys": lambda: text.replace('"case": {', '"case": {"id": "other"}, "case": {', 1),
        "duplicate-files": lambda: text.replace('"files": [', '"files": [], "files": [', 1),
        "impossible-time": lambda: _edit(doc, "scan.started", "9999-99-99T00:00:00Z"),
        "reason-not-text": lambda: _edit(doc, "files.0.reasons", [[1]]),
        "merge-inputs-text": lambda: _edit(doc, "merge", {"inputs": "abc", "persons": "combined"}),
        "merge-input-types": lambda: _edit(doc, "merge", {"inputs": [{"folder": 1, "sources": [[2]], "started": 3}],
                                                        "persons": 5, "scope_differences": {"x": 1}}),
        "outputs-not-names": lambda: _edit(doc, "scan.outputs", {"x": 1}),
        "outputs-paths": lambda: _edit(doc, "scan.outputs", ["../../etc/passwd"]),
        "summary-list": lambda: _edit(doc, "summary", [1, 2]),
        "size-too-large": lambda: _edit(doc, "files.0.size", 10**30),
    }


NAMES = list(_texts("", {}))


def _commands(folder: Path, case: dict[str, Path], name: str) -> list[list[str]]:
    root, after = case["root"], case["after"]
    return [["verify", str(folder)], ["persons", str(folder)], ["report", str(folder)],
            ["merge", str(folder), str(after), "--out", str(root / f"{name}-merge")],
            ["diff", str(folder), str(after), "--out", str(root / f"{name}-diff")],
            ["scan", str(case["src"]), "--name", LEAKED_NAME, "--out", str(root / f"{name}-rescan"), "--baseline",
             str(folder)]]


def _refused(folder: Path, case: dict[str, Path], name: str) -> None:
    for command in _commands(folder, case, name):
        run = run_cli(*command)
        said = (command[0], run.returncode, run.stderr[-400:])
        assert "internal error" not in run.stderr and "Traceback" not in run.stderr, said
        assert run.returncode == (1 if command[0] == "verify" else 2), said
        if command[0] != "verify":
            assert "error:" in run.stderr, said


@pytest.mark.parametrize("name", NAMES)
def test_a_hostile_findings_json_is_refused_in_one_line(name: str, case: dict[str, Path]) -> None:
    folder = case["root"] / name
    shutil.copytree(case["good"], folder)
    text = (case["good"] / "findings.json").read_text(encoding="utf-8")
    (folder / "findings.json").write_text(_texts(text, json.loads(text))[name](), encoding="utf-8")
    write_manifest(folder)
    _refused(folder, case, name)


@pytest.mark.parametrize("name", ["findings.json", "case.key", "report.html"])
def test_a_case_file_linked_out_of_the_folder_is_not_followed(name: str, case: dict[str, Path]) -> None:
    """A case file replaced by a link to a copy outside the folder (the manifest made again): never read through."""
    folder = case["root"] / f"link-{name}"
    shutil.copytree(case["good"], folder)
    outside = case["root"] / f"outside-{name}"
    shutil.copyfile(folder / name, outside)
    (folder / name).unlink()
    (folder / name).symlink_to(outside)
    write_manifest(folder)
    before = outside.read_bytes()
    commands = _commands(folder, case, f"link-{name}")
    for command in [c for c in commands if c[0] != "report"] + [c for c in commands if c[0] == "report"]:
        run = run_cli(*command)
        said = (command[0], run.returncode, run.stderr[-400:])
        assert "internal error" not in run.stderr and "Traceback" not in run.stderr, said
        # `report` writes report.html again from the vouched findings.json: the link is replaced, never written through
        assert run.returncode != 0 or (command[0], name) == ("report", "report.html"), said
    assert outside.read_bytes() == before and not (folder / name).is_symlink() if name == "report.html" else True


def _diff_folder(case: dict[str, Path], name: str, edit: Callable[[dict], None]) -> Path:
    """A diff of the case's scan against a scan of the same share (the copy still there: remaining), its diff.json
    edited and the manifest made again."""
    folder = case["root"] / f"diff-{name}"
    assert run_cli("diff", str(case["good"]), str(case["good"]), "--out", str(folder), "--quiet").returncode == 1
    doc = json.loads((folder / "diff.json").read_text(encoding="utf-8"))
    assert doc["verdict"] == "remaining"
    edit(doc)
    (folder / "diff.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    write_manifest(folder)
    return folder


DIFF_EDITS: dict[str, Callable[[dict], None]] = {
    "verdict-clean": lambda d: d.update(verdict="clean", verdict_reasons=[]),
    "verdict-list": lambda d: d.update(verdict=[1]),
    "entries-text": lambda d: d.update(entries="x"),
    "impossible-time": lambda d: d["baseline"].update(started="9999-99-99T00:00:00Z"),
    "counts-none": lambda d: d.update(counts=None),
}


@pytest.mark.parametrize("name", list(DIFF_EDITS))
def test_a_hostile_diff_json_is_refused_and_never_shown_clean(name: str, case: dict[str, Path]) -> None:
    """Session 22: diff.json was read by no checker: an edited verdict ("clean" over copies that remain) or a field
    of another type was rendered by `leakscan report` into remediation.html (exit 0), the manifest made again, and
    verify then said every file matches; an impossible time crashed the report (internal error). A diff.json whose
    verdict does not follow from its own entries, or of another shape, is refused (report exit 2, verify exit 1)."""
    folder = _diff_folder(case, name, DIFF_EDITS[name])
    run = run_cli("report", str(folder))
    assert run.returncode == 2 and "error:" in run.stderr and "internal error" not in run.stderr, run.stderr
    assert "clean" not in (folder / "remediation.html").read_text(encoding="utf-8").split("data-verdict=")[1][:12]
    run = run_cli("verify", str(folder))
    assert run.returncode == 1 and "internal error" not in run.stderr, (run.stdout, run.stderr)
    assert "diff.json" in run.stdout, run.stdout
