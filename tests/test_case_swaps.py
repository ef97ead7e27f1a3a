"""Case folders made from pieces of two cases, half-written, or handed to the wrong command (Session 9).

A checksum list in the folder is no signature: a file copied in from another case, with the manifest made
again, passes it. What a folder holds is still tied together: every export and list beside findings.json is
made from it alone (DFXML, CASE, hashdeep, the CSV lists) and report.html / remediation.html print the
SHA-256 of the document they were made from. verify checks those ties; report, like merge, persons and diff,
refuses a findings.json whose case.key is not its fingerprints' key; a half-written folder (a scan that
crashed or was stopped) is named as such, with the command that completes it, by every reader.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from conftest import run_cli
from remediation_data import load

from scanner.demo import LEAKED_NAME, client_list_xlsx, make_people
from scanner.output import write_manifest


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two small cases of the same organisation, each with its own case.key."""
    root = tmp_path_factory.mktemp("swaps")
    people = make_people(40, seed=9091)
    made: dict[str, Path] = {}
    for name, sub in (("a", "PC01"), ("b", "PC02")):
        share = root / f"share-{name}" / sub
        share.mkdir(parents=True)
        (share / LEAKED_NAME).write_bytes(client_list_xlsx(people[: 30 if name == "a" else 25]))
        (share / "=cmd|' calc'!A0.xlsx").write_bytes(client_list_xlsx(people[5:20]))  # a formula-looking name
        if name == "b":  # a keyword lead and a damaged workbook: the CSV lists differ between the cases
            (share / "職員名簿_2016.txt").write_text("memo\n", encoding="utf-8")
            (share / "集計.xlsx").write_bytes(client_list_xlsx(people[:5])[:700])
        out = root / f"out-{name}"
        run = run_cli("scan", str(share.parent), "--name", LEAKED_NAME, "--quiet", "--out", str(out),
                      "--case-id", "S9-1")
        assert run.returncode == 1, run.stderr
        made[name] = out
    made["root"] = root
    return made


def _copy(case: Path, to: Path) -> Path:
    shutil.copytree(case, to, ignore=shutil.ignore_patterns(".leakscan.lock"))
    return to


@pytest.mark.parametrize("swapped", ["report.html", "findings.dfxml", "findings.case.jsonld", "copies.hashdeep",
                                     "keyword-leads.csv", "skipped.csv", "scan-state.sqlite"])
def test_a_file_from_another_case_with_the_manifest_made_again_does_not_verify(
        swapped: str, cases: dict[str, Path], tmp_path: Path) -> None:
    case = _copy(cases["a"], tmp_path / "case")
    other = cases["b"] / swapped
    assert (case / swapped).read_bytes() != other.read_bytes()
    shutil.copyfile(other, case / swapped)
    write_manifest(case)
    run = run_cli("verify", str(case))
    assert run.returncode == 1, run.stdout + run.stderr
    assert swapped in run.stdout and "findings.json" in run.stdout


def test_the_state_of_another_scan_of_the_same_case_and_sources_does_not_verify(cases: dict[str, Path],
                                                                                tmp_path: Path) -> None:
    """Session 21: the state was tied to its findings.json by case id and sources only, so the state of another
    scan of the same case and sources (the scan run twice into two folders) swapped in with the manifest made again
    verified; the state records when its scan started, and so does findings.json."""
    source = load(cases["a"])["scan"]["sources"]
    again = tmp_path / "again"
    time.sleep(1.05 - time.time() % 1)  # review21c: a scan begun in the same second as "a" has its start (to the second)
    run = run_cli("scan", *source, "--name", LEAKED_NAME, "--quiet", "--out", str(again), "--case-id", "S9-1")
    assert run.returncode == 1, run.stderr
    case = _copy(cases["a"], tmp_path / "case")
    shutil.copyfile(again / "scan-state.sqlite", case / "scan-state.sqlite")
    write_manifest(case)
    run = run_cli("verify", str(case))
    assert run.returncode == 1 and "scan-state.sqlite" in run.stdout, run.stdout + run.stderr
    resume = run_cli("scan", "--resume", str(case))
    assert resume.returncode == 2 and "scan-state.sqlite" in resume.stderr and "Traceback" not in resume.stderr


def test_an_untouched_case_still_verifies(cases: dict[str, Path]) -> None:
    for name in ("a", "b"):
        run = run_cli("verify", str(cases[name]))
        assert run.returncode == 0, run.stdout + run.stderr


def test_report_refuses_a_findings_json_from_another_case(cases: dict[str, Path], tmp_path: Path) -> None:
    """findings.json (and the manifest) of case B beside case A's case.key: verify, merge, persons and diff
    refuse it; report wrote a fresh report and manifest from it."""
    case = _copy(cases["a"], tmp_path / "case")
    shutil.copyfile(cases["b"] / "findings.json", case / "findings.json")
    write_manifest(case)
    before = (case / "report.html").read_bytes()
    run = run_cli("report", str(case))
    assert run.returncode == 2, run.stderr
    assert "case.key" in run.stderr and run.stderr.count("\n") == 1
    assert (case / "report.html").read_bytes() == before


@pytest.mark.parametrize("command", ["verify", "report", "persons", "merge", "diff", "diff-new", "baseline"])
def test_a_half_written_case_is_named_with_the_command_that_completes_it(
        command: str, cases: dict[str, Path], tmp_path: Path) -> None:
    """A scan stopped before its findings were written leaves its state and case.key: every reader says it is an
    unfinished scan and how to complete it (it said "no such file" or "not a leakscan output folder")."""
    half = tmp_path / "half"
    half.mkdir(mode=0o700)
    for name in ("scan-state.sqlite", "case.key"):
        shutil.copyfile(cases["a"] / name, half / name)
    other = str(cases["b"])
    argv = {"verify": ["verify", str(half)], "report": ["report", str(half)], "persons": ["persons", str(half)],
            "merge": ["merge", str(half), other, "--out", str(tmp_path / "m")],
            "diff": ["diff", str(half), other, "--out", str(tmp_path / "d")],
            "diff-new": ["diff", other, str(half), "--out", str(tmp_path / "d")],
            "baseline": ["scan", str(tmp_path / "src"), "--name", LEAKED_NAME, "--out", str(tmp_path / "r"),
                         "--baseline", str(half)]}[command]
    (tmp_path / "src").mkdir()
    run = run_cli(*argv)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "unfinished scan" in run.stderr and f"leakscan scan --resume {half}" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert sorted(p.name for p in half.iterdir()) == ["case.key", "scan-state.sqlite"]


@pytest.mark.parametrize("sources", [[], ["elsewhere"]], ids=["no-sources", "another-folder"])
def test_an_export_that_reads_no_copy_again_writes_nothing(sources: list[str], cases: dict[str, Path],
                                                          tmp_path: Path) -> None:
    """``persons --export`` without --sources (and no terminal to confirm a source) read no copy again and wrote
    an empty notification list with exit 0: an examiner sends no letter to anyone from it."""
    target = tmp_path / "notify.xlsx"
    given = [str(tmp_path / s) for s in sources]
    for g in given:
        Path(g).mkdir()
    run = run_cli("persons", str(cases["a"]), "--export", str(target), *(["--sources", *given] if given else []))
    assert run.returncode == 2, run.stderr
    assert not target.exists()
    assert "nothing written" in run.stderr and "--sources" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("damage", ["line-out-of-the-folder", "report-changed", "export-missing"])
@pytest.mark.parametrize("command", ["merge", "diff", "persons"])
def test_a_case_verify_fails_on_is_not_used_silently(damage: str, command: str, cases: dict[str, Path],
                                                       tmp_path: Path) -> None:
    """The findings.json line of the manifest is right, but another line is not (a line naming a file out of the
    folder, a changed report, an export gone): verify says the folder is not intact, so merge, diff and persons
    refuse it (they used it without a word)."""
    case = _copy(cases["a"], tmp_path / "case")
    if damage == "line-out-of-the-folder":
        with (case / "manifest.sha256").open("a") as f:
            f.write(f"{'0' * 64}  ../../etc/passwd\n")
    elif damage == "report-changed":
        (case / "report.html").write_bytes((case / "report.html").read_bytes() + b"<!-- -->")
    else:
        (case / "findings.dfxml").unlink()
    assert run_cli("verify", str(case)).returncode == 1
    argv = {"merge": ["merge", str(case), str(cases["b"]), "--out", str(tmp_path / "m")],
            "diff": ["diff", str(case), str(cases["b"]), "--out", str(tmp_path / "m")],
            "persons": ["persons", str(case)]}[command]
    run = run_cli(*argv)
    assert run.returncode == 2, run.stderr
    assert "manifest" in run.stderr and "leakscan verify" in run.stderr, run.stderr
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("how", ["same-folder", "a-copy"])
def test_a_scan_diffed_with_itself_is_said_to_prove_nothing(how: str, cases: dict[str, Path], tmp_path: Path) -> None:
    """``diff OLD OLD`` (or OLD and a copy of it) compared a scan with itself without a word: nothing was scanned
    again, yet a verdict was written (clean, when the baseline had no leak-set hit)."""
    other = cases["a"] if how == "same-folder" else _copy(cases["a"], tmp_path / "copy")
    run = run_cli("diff", str(cases["a"]), str(other), "--out", str(tmp_path / "d"), "--quiet")
    assert run.returncode == 1, run.stderr  # every copy remains: the verdict itself is right
    assert "the same scan as the baseline" in run.stderr and "nothing was scanned again" in run.stderr, run.stderr



# review9h: the next leakscan of the same version and rules, as a checkout of another commit is: a file it writes a
# little otherwise (a CSV column renamed; a summary figure added)
OTHER_CODE = {
    "skipped.csv-column": ("reports/lists.py", '"raw_path_hex", "container", "detail_codes",',
                           '"raw_path_hex", "archive", "detail_codes",',
                           "skipped.csv", "raw_path_hex,archive"),
    "summary-figure": ("scanner/summary.py", '"rescan": None,\n    }', '"rescan": None,\n        "copies_on_usb": 0,\n    }',
                       "findings.json", '"copies_on_usb"'),
}


@pytest.mark.parametrize("change", sorted(OTHER_CODE))
def test_a_genuine_case_made_by_other_code_of_the_same_version_and_rules_is_used(change: str, cases: dict[str, Path],
                                                                                 tmp_path: Path) -> None:
    """review9h: verify made the exports and CSV lists again and compared bytes, and every reader compared the
    summary with the one this code computes, whenever the case recorded this version and rule set. The version
    number is not the code: a genuine case of a leakscan of the same version and rules that writes one file or
    figure a little otherwise was "copied in from another case, or edited", and merge, diff and persons refused
    it (exit 2)."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    other = tmp_path / "other-build"
    for part in ("scanner", "reports", "signatures"):
        shutil.copytree(ROOT / part, other / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "scan.py", other / "scan.py")
    file, old, new, written, marker = OTHER_CODE[change]
    text = (other / file).read_text(encoding="utf-8")
    assert text.count(old) == 1
    (other / file).write_text(text.replace(old, new), encoding="utf-8")
    out = tmp_path / "case"
    run = subprocess.run([sys.executable, str(other / "scan.py"), "scan", str(cases["root"] / "share-b"), "--name",
                          LEAKED_NAME, "--quiet", "--out", str(out)], cwd=other, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 1, run.stderr
    assert marker in (out / written).read_text(encoding="utf-8-sig")  # the other code really wrote it otherwise
    run = run_cli("verify", str(out))
    assert run.returncode == 0, run.stdout + run.stderr
    run = run_cli("merge", str(out), str(cases["a"]), "--out", str(tmp_path / "m"), "--quiet")  # as diff, persons
    assert run.returncode == 1, run.stderr
