"""review24c: case folders written by older leakscans (not made by this code), read by verify and report.

tests/data/oldcases/COMMIT.tar.gz holds the folders three older leakscans wrote with their own code (``git archive``
of the commit, tests/data/oldcases/README.md): a baseline, a ``scan --baseline`` rescan after remediation (one copy
removed, one moved, one saved again on another PC, one left inside a zip) and ``leakscan diff`` of the two. Each must
still verify (exit 0) and render (exit 0): case24's era rule and report's recomputation refuse only forgeries.
"""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import pytest

from tests.conftest import run_cli

DATA = Path(__file__).parent / "data" / "oldcases"
ERAS = {
    "42776ca8": "2026-12-04, before the exports and the code hash; diffs name no folders",
    "6198f647": "2026-12-06, exports and code hash; diffs name no folders",
    "c0ece0e1": "2026-12-07, session 23's end: diffs name their scans' folders",
}


def _case(era: str, root: Path) -> Path:
    with tarfile.open(DATA / f"{era}.tar.gz") as tar:
        tar.extractall(root / era, filter="data")
    return root / era


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("oldcases")
    return {era: _case(era, root) for era in ERAS}


@pytest.mark.parametrize("folder", ["base", "rescan", "diff"])
@pytest.mark.parametrize("era", list(ERAS))
def test_a_genuine_older_folder_verifies_and_renders(cases: dict[str, Path], era: str, folder: str,
                                                     tmp_path: Path) -> None:
    case = cases[era]
    done = run_cli("verify", str(case / folder))
    assert done.returncode == 0, done.stdout + done.stderr
    copy = tmp_path / era
    shutil.copytree(case, copy, symlinks=True)  # report writes into the folder: a copy, the scans beside it
    for lang in ("en", "ja"):
        done = run_cli("report", str(copy / folder), "--lang", lang)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "internal error" not in done.stderr
    written = "remediation.html" if folder == "diff" else "report.html"
    assert (copy / folder / written).stat().st_size > 1000


@pytest.mark.parametrize("renamed", ["base", "rescan"])
def test_an_honest_tree_of_session_23_with_a_scan_folder_renamed_is_found_by_sha256(
        cases: dict[str, Path], tmp_path: Path, renamed: str) -> None:
    """A diff.json naming its scans' folders (case23 on) looked for each only at the folder recorded, a folder of that
    name beside it, --scans and its own folder: the examiner's renamed scan folder (2026-12-07-base) made an honest
    diff "cannot be recomputed" (verify 1, report 2), while a diff naming no folders (older, or struck) is found by
    SHA-256 among the folders beside it. The SHA-256 still decides which is which."""
    case = tmp_path / "case"
    shutil.copytree(cases["c0ece0e1"], case)
    (case / renamed).rename(case / f"2026-12-07-{renamed}")
    done = run_cli("verify", str(case / "diff"))
    assert done.returncode == 0, done.stdout + done.stderr
    done = run_cli("report", str(case / "diff"), "--lang", "en")
    assert done.returncode == 0, done.stdout + done.stderr
    if renamed == "base":  # the rescan folder's own diff finds its baseline too
        assert run_cli("verify", str(case / "rescan")).returncode == 0
