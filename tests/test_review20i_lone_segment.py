"""A disk image named like a later split-raw segment with no first segment beside it (``disk.002``: the second disk
of a case, or a segment copied alone that happens to start with a file system): libsmraw's glob raises RuntimeError
("invalid naming schema missing value") and md20's member check (image_sniff.split_segments, through
image_media.open_md_member) let it out, so the image as a SOURCE was "the image walker failed: RuntimeError" and
in a folder "inspector image failed" (corrupt, the scan complete, exit 0): its files were never read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.image_data import fat_image, leaked_workbook

pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("mkfs.vfat", "mcopy")), reason="needs mtools")


@pytest.fixture(scope="module")
def lone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lone") / "evidence"
    folder.mkdir()
    fat_image(folder / "disk.002", {"/名簿.xlsx": leaked_workbook(seed=22)})
    return folder


@pytest.mark.parametrize("given", ["image", "folder"])
def test_an_image_named_like_a_later_segment_alone_is_walked(lone: Path, tmp_path: Path, given: str) -> None:
    source = lone / "disk.002" if given == "image" else lone
    done = run_cli("scan", str(source), "--name", "名簿.xlsx", "--out", str(tmp_path / "out"), "--workers", "1",
                   "--quiet")
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    found = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert [h["inner_path"] for h in found["files"]] == ["/名簿.xlsx"], (found["skipped"], found["scan"])
    assert not found["skipped"], found["skipped"]
