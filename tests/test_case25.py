"""case25: session 24's case-folder leftovers. A session-23 rescan folder handed over alone was refused saying
"--scans BASELINE RESCAN" although its rescan is the folder itself (only the baseline was missing: which folders?),
and verify/report of a rescan folder read its own findings.json once more than needed (~+10 %)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.test_case24 import story  # noqa: F401  (the module's shared scans)
from tests.test_case24b import alone  # noqa: F401


def _one_error_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


def test_a_rescan_folder_alone_is_told_to_give_its_baseline_only(alone: dict[str, Path], story: dict) -> None:  # noqa: F811
    """Its rescan is the findings.json beside the diff: asking for BASELINE RESCAN sent the examiner looking for a
    second folder that is the one in hand. The refusal (report and verify alike) names the one folder to give."""
    report = run_cli("report", str(alone["rescan"]))
    assert report.returncode == 2, report.stdout + report.stderr
    line = _one_error_line(report.stderr)
    assert "--scans BASELINE" in line and "RESCAN" not in line, line
    done = run_cli("verify", str(alone["rescan"]))
    assert done.returncode == 1 and "--scans BASELINE" in done.stdout and "RESCAN" not in done.stdout, done.stdout
    # and what it says is enough: the baseline's folder alone makes it render and verify
    assert run_cli("report", str(alone["rescan"]), "--scans", str(story["base"])).returncode == 0
    assert run_cli("verify", str(alone["rescan"]), "--scans", str(story["base"])).returncode == 0


def test_a_diff_folder_alone_is_told_to_give_both(alone: dict[str, Path]) -> None:  # noqa: F811
    report = run_cli("report", str(alone["diff"]))
    assert report.returncode == 2
    line = _one_error_line(report.stderr)
    assert "--scans BASELINE RESCAN" in line and "as its baseline" in line and "rescan" in line, line
    done = run_cli("verify", str(alone["diff"]))
    assert done.returncode == 1 and "--scans BASELINE RESCAN" in done.stdout, done.stdout


@pytest.mark.parametrize("struck", [False, True], ids=["recorded", "folders-struck"])
def test_a_rescan_folders_own_findings_are_read_once(story: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
                                                     struck: bool) -> None:
    """recomputed() read the rescan folder's own findings.json twice (to learn it is a rescan, then as the rescan;
    three times when the folders are struck): ~+10 % of verify/report on an 8 MB findings.json."""
    import json
    import shutil

    from scanner import verify

    case = tmp_path / "rescan"
    shutil.copytree(story["rescan"], case)
    shutil.copytree(story["base"], tmp_path / "base")
    diff = json.loads((case / "diff.json").read_text("utf-8"))
    if struck:
        for side in ("baseline", "rescan"):
            diff[side].pop("folder")
    reads: list[Path] = []
    real = verify.read_findings

    def counted(path: Path):  # type: ignore[no-untyped-def]
        reads.append(Path(path))
        return real(path)

    monkeypatch.setattr(verify, "read_findings", counted)
    said: list[str] = []
    assert verify.recomputed(diff, case, (), said) == []
    assert sum(1 for p in reads if p.resolve() in (case.resolve(), (case / "findings.json").resolve())) == 1, reads
