"""case24: case-folder leftovers of session 23 (real scans of generated shares, real CLI; no mocks).

The story every test here reads: a share with the named list on four PCs (PC03's copy saved again, so its own bytes),
scanned; then two copies removed, PC03's moved to PC05, PC04's left, a copy saved again on PC06; rescanned with
``--baseline``; the two scans diffed with ``leakscan diff``. Each copy's fate is exact (gone / remains / moved /
appeared), and the folders are then forged as someone making a "clean" rerun would.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_cli, run_leakscan
from tests.image_data import leaked_workbook, write_tree

NAME = "利用者名簿.xlsx"


def _saved_again(data: bytes, by: str) -> bytes:
    """The workbook saved again by openpyxl (the same records, other bytes), as Excel records who saved it."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    wb.properties.lastModifiedBy = by
    buf = io.BytesIO()
    wb.save(buf)
    assert buf.getvalue() != data
    return buf.getvalue()


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("story")
    data = leaked_workbook()
    pc03 = _saved_again(data, "総務課")
    share = write_tree(root / "share", {f"PC01/{NAME}": data, f"PC02/{NAME}": data, f"PC03/backup/{NAME}": pc03,
                                        f"PC04/{NAME}": data, "PC02/memo.txt": b"memo\n"})
    base, rescan, diff = root / "base", root / "rescan", root / "diff"
    done = run_leakscan("scan", str(share), "--name", NAME, "--out", str(base), "--workers", "1", "--quiet",
                        "--case-id", "2026-024", timeout=300)
    assert done.returncode == 1, done.stderr[-2000:]
    (share / "PC01" / NAME).unlink()  # two copies removed
    (share / "PC02" / NAME).unlink()
    (share / "PC05" / "old").mkdir(parents=True)
    (share / "PC03" / "backup" / NAME).rename(share / "PC05" / "old" / NAME)  # one moved
    (share / "PC06").mkdir()
    (share / "PC06" / NAME).write_bytes(_saved_again(data, "営業課"))  # one appeared
    done = run_leakscan("scan", str(share), "--name", NAME, "--out", str(rescan), "--workers", "1", "--quiet",
                        "--baseline", str(base), timeout=300)
    assert done.returncode == 1, done.stderr[-2000:]
    done = run_cli("diff", str(base), str(rescan), "--out", str(diff), "--quiet")
    assert done.returncode == 1, done.stdout + done.stderr
    return {"share": share, "base": base, "rescan": rescan, "diff": diff}


def _load(folder: Path, name: str = "diff.json") -> dict:
    return json.loads((folder / name).read_text("utf-8"))


def _fates(diff: dict, share: Path) -> dict[tuple[str, str], list[str] | None]:
    """(class, path under the share) of every leak entry, with the baseline paths of a relocated one."""
    def rel(p: str) -> str:
        return p.replace(str(share) + "/", "")

    return {(e["class"], rel(e["path"])): ([rel(p) for p in e["baseline_paths"]] if "baseline_paths" in e else None)
            for e in diff["entries"] if e["leak"]}


# -- 7: the rerun story end to end ----------------------------------------------------------------------------------

def test_each_copys_fate_is_exact_in_both_diffs(story: dict) -> None:
    expected = {("removed", f"PC01/{NAME}"): None, ("removed", f"PC02/{NAME}"): None,
                ("removed", f"PC03/backup/{NAME}"): None, ("remaining", f"PC04/{NAME}"): None,
                ("relocated", f"PC05/old/{NAME}"): [f"PC03/backup/{NAME}"], ("new", f"PC06/{NAME}"): None}
    for folder in (story["rescan"], story["diff"]):
        diff = _load(folder)
        assert _fates(diff, story["share"]) == expected, folder
        assert diff["verdict"] == "remaining" and diff["verdict_reasons"] == ["remaining", "relocated", "new"]
    one, two = _load(story["rescan"]), _load(story["diff"])
    assert one["entries"] == two["entries"] and one["baseline"] == two["baseline"]  # the same diff both ways


def test_every_folder_of_the_story_verifies(story: dict) -> None:
    for name in ("base", "rescan", "diff"):
        done = run_cli("verify", str(story[name]))
        assert done.returncode == 0, (name, done.stdout + done.stderr)


def _pdf_text(pdf: Path) -> tuple[str, list[tuple[float, float]]]:
    import pypdf

    reader = pypdf.PdfReader(pdf)
    return ("\n".join(p.extract_text() for p in reader.pages),
            [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages])


@pytest.mark.parametrize("lang, words", [
    ("ja", ("残存あり", "残存", "移動", "新規")),
    ("en", ("remaining", "relocated", "new")),
])
def test_the_rerun_report_is_readable_on_a4(story: dict, tmp_path: Path, lang: str, words: tuple[str, ...]) -> None:
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        pytest.skip("chromium not installed")
    for name in ("rescan", "diff"):
        case = tmp_path / name
        shutil.copytree(story[name], case)
        done = run_cli("report", str(case), "--lang", lang, "--pdf")
        assert done.returncode == 0, done.stdout + done.stderr
        assert run_cli("verify", str(case), "--scans", str(story["base"]), str(story["rescan"])).returncode == 0
        text, sizes = _pdf_text(case / "remediation.pdf")
        assert all(abs(w - 595.3) < 1.5 and abs(h - 841.9) < 1.5 for w, h in sizes), sizes  # A4 portrait
        assert len(sizes) <= 10, len(sizes)
        flat = re.sub(r"\s+", "", text)
        for word in words:
            assert word in text, (name, word)
        for where in ("PC01", "PC02", "PC03/backup", "PC04", "PC05/old", "PC06"):  # every copy named, path whole
            assert re.sub(r"\s+", "", f"{where}/{NAME}") in flat, (name, where)


# -- 1: ``leakscan report`` of a rewritten diff.json ----------------------------------------------------------------

def _forge(case: Path, edit: Callable[[dict], None]) -> None:
    """diff.json rewritten by ``edit`` and kept consistent with itself (counts, leak counts, lingering made again;
    verdict clean), remediation.html rendered from it with leakscan's own code and the manifest made again, as a
    forger holding leakscan would."""
    from scanner.codes import CLASSES
    from scanner.diff import contradictions
    from scanner.output import write_manifest
    from scanner.remediation import write_diff

    diff = _load(case)
    edit(diff)
    diff["counts"] = {c: sum(1 for e in diff["entries"] if e["class"] == c) for c in CLASSES}
    diff["leak_counts"] = {c: sum(1 for e in diff["entries"] if e["class"] == c and e["leak"]) for c in CLASSES}
    diff["lingering"] = []
    diff["verdict"], diff["verdict_reasons"] = "clean", []
    assert contradictions(diff) == [], contradictions(diff)  # agrees with itself
    write_diff(diff, case, "ja")
    write_manifest(case)


def _only_removed(diff: dict) -> None:
    diff["entries"] = [e for e in diff["entries"] if e["class"] == "removed"]


def _no_leaks(diff: dict) -> None:
    """Every entry kept (so no hit of the rescan beside it is left out), each marked as no leak."""
    for e in diff["entries"]:
        e["leak"] = False


@pytest.mark.parametrize("folder, edit", [("diff", _only_removed), ("rescan", _no_leaks)],
                         ids=["diff-folder", "rescan-folder"])
def test_report_refuses_a_diff_json_that_is_not_the_diff_of_its_scans(story: dict, tmp_path: Path, folder: str,
                                                                      edit: Callable[[dict], None]) -> None:
    """Only verify recomputed a diff.json from the scans it names: ``leakscan report`` rendered a rewritten one into
    remediation.html ("clean") and vouched for it with a fresh manifest."""
    case = tmp_path / folder
    shutil.copytree(story[folder], case)
    _forge(case, edit)
    before = (case / "remediation.html").read_bytes()
    done = run_cli("report", str(case), "--lang", "en")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "diff.json" in done.stderr and "recomputed" in done.stderr, done.stderr
    assert (case / "remediation.html").read_bytes() == before  # nothing rendered from it


def test_report_says_it_recomputed_the_diff(story: dict, tmp_path: Path) -> None:
    case = tmp_path / "diff"
    shutil.copytree(story["diff"], case)
    done = run_cli("report", str(case))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "recomputed" in done.stderr, done.stderr
    moved = tmp_path / "usb"
    shutil.copytree(story["diff"], moved / "03-diff")
    alone = run_cli("report", str(moved / "03-diff"))  # scans at their recorded folders still: found there
    assert alone.returncode == 0, alone.stdout + alone.stderr


# -- 4: the start of the scan in the exports: every occurrence, read whole ------------------------------------------

def _as_older(case: Path) -> str:
    """findings.json passed off as an older leakscan's (case23's forgery: scan.outputs struck, the start cut to the
    second, the code hash edited, the state kept apart), the exports kept; returns the start it now states."""
    doc = _load(case, "findings.json")
    del doc["scan"]["outputs"]
    doc["scan"]["started"] = doc["scan"]["started"].split(".")[0] + "Z"
    doc["tool"]["code_sha256"] = "0" * 64
    (case / "findings.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", "utf-8")
    (case / "scan-state.sqlite").unlink()
    return str(doc["scan"]["started"])


def _second_start_first(case: Path, started: str) -> None:
    """Each export given a second start of the scan, findings.json's forged one, ahead of its own (DFXML: in the
    creator block; CASE: on the first node of the graph), as a forger who read which one is compared would."""
    dfxml = (case / "findings.dfxml").read_text("utf-8")
    at = dfxml.index("<creator")
    (case / "findings.dfxml").write_text(dfxml[:at] + f"<start_time>{started}</start_time>" + dfxml[at:], "utf-8")
    graph = json.loads((case / "findings.case.jsonld").read_text("utf-8"))
    first = graph["@graph"][0]
    graph["@graph"][0] = {"uco-action:startTime": {"@type": "xsd:dateTime", "@value": started}, **first}
    (case / "findings.case.jsonld").write_text(json.dumps(graph, ensure_ascii=False, indent=2) + "\n", "utf-8")


def _struck_start(case: Path, started: str) -> None:
    """Each export's start of the scan struck out."""
    dfxml = (case / "findings.dfxml").read_text("utf-8")
    (case / "findings.dfxml").write_text(re.sub(r"<start_time>[^<]*</start_time>", "", dfxml), "utf-8")
    graph = json.loads((case / "findings.case.jsonld").read_text("utf-8"))
    for node in graph["@graph"]:
        node.pop("uco-action:startTime", None)
    (case / "findings.case.jsonld").write_text(json.dumps(graph, ensure_ascii=False, indent=2) + "\n", "utf-8")


@pytest.mark.parametrize("forge", [_second_start_first, _struck_start], ids=["two-starts", "start-struck"])
def test_an_export_stating_another_start_anywhere_is_not_made_from_findings_json(
        story: dict, tmp_path: Path, forge: Callable[[Path, str], None]) -> None:
    """verify23 left the choice open: the first start in the export was compared (a whole read), so a forged one put
    ahead of the export's own passed; the last alone (a tail read) would pass one put behind it. Decided: every start
    the export states is compared (whole read, as before) and there is exactly one, as every leakscan writes."""
    from scanner.output import write_manifest

    case = tmp_path / "base"
    shutil.copytree(story["base"], case)
    started = _as_older(case)
    forge(case, started)
    write_manifest(case)
    run_cli("report", str(case))
    write_manifest(case)
    done = run_cli("verify", str(case))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "findings.dfxml" in done.stdout and "findings.case.jsonld" in done.stdout, done.stdout
    merged = run_cli("merge", str(case), "--out", str(tmp_path / "merged"))
    assert merged.returncode == 2, merged.stdout + merged.stderr


# -- 2: a diff.json with both folders struck ------------------------------------------------------------------------

def _strike_folders(diff: dict) -> None:
    for side in ("baseline", "rescan"):
        diff[side].pop("folder")


@pytest.mark.parametrize("folder, edit", [("diff", _only_removed), ("rescan", _no_leaks)],
                         ids=["diff-folder", "rescan-folder"])
def test_a_forged_diff_with_both_folders_struck_is_recomputed_from_the_scans_found(
        story: dict, tmp_path: Path, folder: str, edit: Callable[[dict], None]) -> None:
    """review23c left it: both folders struck read as a diff of a leakscan before case23 (which records none) and was
    checked against itself only: a forged clean verdict verified (exit 0) and was rendered. The scans it names are
    still found by their SHA-256 (beside the diff's folder; a rescan folder's own findings.json and the baseline its
    command line names; --scans) and it is recomputed from them."""
    tree = tmp_path / "tree"
    for name in ("base", "rescan", "diff"):
        shutil.copytree(story[name], tree / f"0-{name}")  # other names than recorded: found by SHA-256, not by name
    case = tree / f"0-{folder}"

    def forged(diff: dict) -> None:
        edit(diff)
        _strike_folders(diff)

    _forge(case, forged)
    done = run_cli("verify", str(case))
    assert done.returncode == 1 and "OUTPUT INCONSISTENT: diff.json" in done.stdout, done.stdout + done.stderr
    assert run_cli("report", str(case)).returncode == 2


def test_a_rescan_folder_moved_away_from_its_baseline_finds_it_by_its_command_line(story: dict, tmp_path: Path) -> None:
    """review24c: the baseline a ``scan --baseline`` folder's command line names is one of the places its diff's scans
    are looked for (verify._baselines_named), but no test needed it: the baseline was always beside the rescan too,
    and with that search gone every test still passed. Here the rescan folder is copied elsewhere, alone, its diff
    forged clean with both folders struck: only the command line leads to the baseline, and it is recomputed."""
    case = tmp_path / "elsewhere" / "rescan"
    shutil.copytree(story["rescan"], case)

    def forged(diff: dict) -> None:
        _no_leaks(diff)
        _strike_folders(diff)

    _forge(case, forged)
    done = run_cli("verify", str(case))
    assert done.returncode == 1 and "OUTPUT INCONSISTENT: diff.json" in done.stdout, done.stdout + done.stderr
    assert "it is not the diff of the two scans" in done.stdout, done.stdout
    assert run_cli("report", str(case)).returncode == 2


def test_a_rescan_folders_diff_naming_another_rescan_is_refused(story: dict, tmp_path: Path) -> None:
    """In a scan --baseline folder diff.json is the diff of the findings.json beside it. Its rescan's SHA-256 changed
    (and both folders struck), nothing compared it with that findings.json: verify 0."""
    case = tmp_path / "rescan"
    shutil.copytree(story["rescan"], case)

    def forged(diff: dict) -> None:
        _no_leaks(diff)
        _strike_folders(diff)
        diff["rescan"]["findings_sha256"] = "0" * 64

    _forge(case, forged)
    done = run_cli("verify", str(case))
    assert done.returncode == 1 and "OUTPUT INCONSISTENT: diff.json" in done.stdout, done.stdout + done.stderr
    assert run_cli("report", str(case)).returncode == 2


def test_a_diff_with_both_folders_struck_and_its_scans_nowhere(story: dict, tmp_path: Path) -> None:
    """Scans nowhere to be found (their SHA-256 changed too): a diff naming a rule set this leakscan does not know as
    one before case23 (every rule set after the first rule change since: today's, since e3a743e5 of session 25) must
    name its folders: refused. Under a rule set of before case23 it is said not recomputed (a note), as a genuine
    older diff copied alone."""
    case = tmp_path / "alone" / "diff"
    shutil.copytree(story["diff"], case)

    def nowhere(diff: dict) -> None:
        _only_removed(diff)
        _strike_folders(diff)
        for side in ("baseline", "rescan"):
            diff[side]["findings_sha256"] = "0" * 64

    _forge(case, nowhere)
    done = run_cli("verify", str(case))  # today's rule set (case25: new since session 25's rules change)
    assert done.returncode == 1 and "OUTPUT INCONSISTENT: diff.json" in done.stdout, done.stdout + done.stderr
    assert run_cli("report", str(case)).returncode == 2

    def older(diff: dict) -> None:
        for side in ("baseline", "rescan"):
            diff[side]["tool"]["ruleset_sha256"] = FIRST_RULESET  # a rule set of a leakscan before case23

    _forge(case, older)
    done = run_cli("verify", str(case))
    assert done.returncode == 0 and "not recomputed" in done.stdout, done.stdout + done.stderr
    report = run_cli("report", str(case))
    assert report.returncode == 0 and "not recomputed" in report.stderr, report.stdout + report.stderr

    def later(diff: dict) -> None:
        for side in ("baseline", "rescan"):
            diff[side]["tool"]["ruleset_sha256"] = "ab" * 32  # a rule set this leakscan knows of no leakscan before

    _forge(case, later)
    done = run_cli("verify", str(case))
    assert done.returncode == 1 and "OUTPUT INCONSISTENT: diff.json" in done.stdout, done.stdout + done.stderr
    assert run_cli("report", str(case)).returncode == 2


# -- 3: findings.json stripped of every field newer than the exports ------------------------------------------------

FIRST_RULESET = "ba9df17757d7365d9e4ac20df993cb2967ca7b66729fbd6fd1dd53e8a8edbdf8"  # 304c7ba2, the walking skeleton


def _as_before_the_exports(case: Path, ruleset: str | None) -> None:
    """findings.json as a 2026-12-03 leakscan wrote it: scan.outputs, tool.code_sha256 and persons struck (a case
    without persons), the start cut to the second, the summary made again; the exports, the state and case.key
    deleted; report.html and the manifest made again. ``ruleset``: the rule set it then names (None: kept)."""
    from scanner.output import write_manifest
    from scanner.summary import summarise

    doc = _load(case, "findings.json")
    del doc["scan"]["outputs"]
    doc["scan"]["started"] = doc["scan"]["started"].split(".")[0] + "Z"
    del doc["tool"]["code_sha256"]
    doc.pop("persons", None)
    if ruleset is not None:
        doc["tool"]["ruleset_sha256"] = ruleset
    doc.pop("summary", None)
    doc["summary"] = summarise(doc)
    (case / "findings.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", "utf-8")
    for name in ("findings.dfxml", "findings.case.jsonld", "copies.hashdeep", "keyword-leads.csv", "skipped.csv",
                 "scan-state.sqlite", "case.key"):
        (case / name).unlink()
    write_manifest(case)
    run_cli("report", str(case))
    write_manifest(case)


@pytest.mark.parametrize("ruleset", [None, "ab" * 32], ids=["its-rule-set", "a-rule-set-made-up"])
def test_a_findings_json_stripped_to_before_the_exports_is_refused_by_its_rule_set(
        story: dict, tmp_path: Path, ruleset: str | None) -> None:
    """case23's left item: every field newer than the exports struck, the exports deleted: it read as a 12-03 folder
    (verify 0). The rule set it names was recorded by no leakscan before the exports (scanner/eras.py, from git
    history), so the exports (and tool.code_sha256) must be there."""
    case = tmp_path / "base"
    shutil.copytree(story["base"], case)
    _as_before_the_exports(case, ruleset)
    done = run_cli("verify", str(case))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "OUTPUT MISSING: findings.dfxml" in done.stdout and "code_sha256" in done.stdout, done.stdout
    assert run_cli("persons", str(case)).returncode == 2


def test_the_limit_a_forger_naming_a_rule_set_of_before_the_exports(story: dict, tmp_path: Path) -> None:
    """What is left: a forger who also names a rule set a leakscan before the exports recorded (he needs a folder or a
    copy of leakscan of that time; scanner/eras.py holds only digests of them) passes as a 12-03 folder; the SHA-256
    written down when the case was made (--expect-sha256) still catches it."""
    case = tmp_path / "base"
    shutil.copytree(story["base"], case)
    anchor = __import__("hashlib").sha256((case / "findings.json").read_bytes()).hexdigest()
    _as_before_the_exports(case, FIRST_RULESET)
    assert run_cli("verify", str(case)).returncode == 0
    done = run_cli("verify", str(case), "--expect-sha256", anchor)
    assert done.returncode == 1 and "ANCHOR MISMATCH" in done.stdout, done.stdout


def test_the_rule_set_table_is_what_git_history_gives() -> None:
    """scanner/eras.py is made from this repository's history by tools/make_eras.py (rule sets as each commit's
    scanner.rules computed them; checked by hand against 74992560, ff16f1ca and 833d2d7d's own code). Later commits
    descend from every feature, so the table stays in step until a feature is added."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    probe = subprocess.run(["git", "-C", str(root), "rev-parse", "--is-shallow-repository"], capture_output=True,
                           text=True)
    if probe.returncode != 0 or probe.stdout.strip() != "false":
        pytest.skip("needs a checkout with its whole git history")
    done = subprocess.run([sys.executable, str(root / "tools" / "make_eras.py"), "--check"], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    from scanner import rules
    from scanner.era import may_predate

    assert not may_predate("exports", rules.ruleset_sha256()) and not may_predate("code_sha256", rules.ruleset_sha256())
    assert all(may_predate(f, FIRST_RULESET) for f in ("exports", "code_sha256", "diff_folders"))
