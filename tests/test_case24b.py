"""case24b: review24c's "Left" of case24. A diff.json whose scans are nowhere to be found (both folders struck, or a
diff of a leakscan before case23 copied alone) was only *said* "not recomputed" on the terminal: remediation.html
rendered "clean" with no mark, so a printed remediation report could pass as verified. And a session-23 diff or
rescan folder handed over alone was refused by report without saying which folders to give."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_cli, run_leakscan
from tests.test_case24 import FIRST_RULESET, NAME, _forge, _only_removed, _strike_folders, story  # noqa: F401  (the module's shared scans)


def _nowhere(diff: dict) -> None:
    _only_removed(diff)
    _strike_folders(diff)
    for side in ("baseline", "rescan"):
        diff[side]["findings_sha256"] = "0" * 64
        # case25: today's rule set is one no leakscan before case23 had (session 25 changed the rules): such a diff
        # is refused; the mark is for a diff naming an older rule set (a genuine older diff copied alone)
        diff[side]["tool"]["ruleset_sha256"] = FIRST_RULESET


@pytest.mark.parametrize("lang, words", [("en", "NOT recomputed"), ("ja", "再計算していません")])
def test_a_diff_not_recomputed_is_marked_in_the_rendered_page(story: dict, tmp_path: Path, lang: str,  # noqa: F811
                                                              words: str) -> None:
    """Scans nowhere, rule set of before case23: verify 0 with a note, report 0 with a terminal note only: the page
    (what is printed and handed over) said "clean" with no word of it."""
    case = tmp_path / "alone" / "diff"
    shutil.copytree(story["diff"], case)
    _forge(case, _nowhere)
    report = run_cli("report", str(case), "--lang", lang)
    assert report.returncode == 0, report.stdout + report.stderr
    page = (case / "remediation.html").read_text(encoding="utf-8")
    assert 'id="not-recomputed"' in page and words in page and "--scans" in page, page[:3000]
    assert page.index('id="not-recomputed"') < page.index('id="verdict"')  # above the verdict, not a footnote
    done = run_cli("verify", str(case), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["diff_not_recomputed"] is True


def test_a_recomputed_diff_carries_no_mark(story: dict, tmp_path: Path) -> None:  # noqa: F811
    case = tmp_path / "diff"
    shutil.copytree(story["diff"], case)
    assert run_cli("report", str(case), "--lang", "en").returncode == 0
    assert 'id="not-recomputed"' not in (case / "remediation.html").read_text(encoding="utf-8")
    done = run_cli("verify", str(case), "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["diff_not_recomputed"] is False, done.stdout


@pytest.fixture(scope="module")
def alone(story: dict, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:  # noqa: F811
    """An honest session-23 rescan folder (scan --baseline) and diff folder, each handed over alone: their baseline
    deleted, each in a folder of its own (nothing beside it)."""
    root = tmp_path_factory.mktemp("alone")
    base = root / "t" / "base"
    shutil.copytree(story["base"], base)
    done = run_leakscan("scan", str(story["share"]), "--name", NAME, "--out", str(root / "t" / "rescan"), "--workers",
                        "1", "--quiet", "--baseline", str(base), timeout=300)
    assert done.returncode == 1, done.stderr[-2000:]
    done = run_cli("diff", str(base), str(root / "t" / "rescan"), "--out", str(root / "t" / "diff"), "--quiet")
    assert done.returncode == 1, done.stdout + done.stderr
    folders = {}
    for name in ("rescan", "diff"):
        folders[name] = root / f"only-{name}" / name
        folders[name].parent.mkdir()
        (root / "t" / name).rename(folders[name])
    shutil.rmtree(root / "t")
    return folders


@pytest.mark.parametrize("folder", ["diff", "rescan"])
def test_a_session23_folder_alone_is_refused_saying_what_to_give(alone: dict[str, Path], folder: str) -> None:
    """An honest diff or rescan folder (its scans' folders recorded) handed over alone: report refused (exit 2) with
    "a copy elsewhere: name its folder with --scans" (which folder? both are needed): it must say exactly what to do."""
    report = run_cli("report", str(alone[folder]))
    assert report.returncode == 2, report.stdout + report.stderr
    wanted = "--scans BASELINE RESCAN" if folder == "diff" else "--scans BASELINE;"  # case25: a rescan folder is its own rescan
    assert wanted in report.stderr, report.stderr
    done = run_cli("verify", str(alone[folder]))
    assert done.returncode == 1 and wanted.rstrip(";") in done.stdout, done.stdout


@pytest.mark.parametrize("lang, words", [("en", "NOTrecomputed"), ("ja", "再計算していません")])
def test_the_mark_is_on_the_printed_a4_page(story: dict, tmp_path: Path, lang: str, words: str) -> None:  # noqa: F811
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        pytest.skip("chromium not installed")
    import re

    from tests.test_case24 import _pdf_text

    case = tmp_path / "alone" / "diff"
    shutil.copytree(story["diff"], case)
    _forge(case, _nowhere)
    done = run_cli("report", str(case), "--lang", lang, "--pdf")
    assert done.returncode == 0, done.stdout + done.stderr
    text, sizes = _pdf_text(case / "remediation.pdf")
    assert all(abs(w - 595.3) < 1.5 and abs(h - 841.9) < 1.5 for w, h in sizes), sizes  # A4 portrait
    import pypdf

    first = re.sub(r"\s+", "", pypdf.PdfReader(case / "remediation.pdf").pages[0].extract_text())  # page one
    assert words in first and "--scans" in first, first[:2000]


def test_a_rescan_folders_report_marks_a_diff_not_recomputed(tmp_path: Path) -> None:
    """A scan --baseline folder alone (its baseline deleted) whose diff names no folders: report.html's summary showed
    the diff's verdict with no mark (only remediation.html was marked). case25: a rescan folder of this leakscan so
    struck is refused (its own findings.json names today's rule set, one no leakscan before case23 had: session 25
    changed the rules); the mark is for a genuine older one, a 2026-12-06 rescan (tests/data/oldcases) handed over
    alone."""
    import tarfile

    with tarfile.open(Path(__file__).parent / "data" / "oldcases" / "6198f647.tar.gz") as tar:
        tar.extractall(tmp_path / "x", filter="data")
    case = tmp_path / "alone" / "rescan"
    case.parent.mkdir()
    (tmp_path / "x" / "rescan").rename(case)
    done = run_cli("report", str(case), "--lang", "en")
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'id="not-recomputed"' in (case / "remediation.html").read_text(encoding="utf-8")
    assert 'id="summary-not-recomputed"' in (case / "report.html").read_text(encoding="utf-8")
