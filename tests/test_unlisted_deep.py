"""A folder of a disk image too deep to be walked is a place never listed (review10g).

The image walkers stop at 256 nested directories (a loop guard) and list the next one as ``path-too-long``
"deeper than 256 directories"; the files under it are never listed, as with a folder that could not be read,
yet the scan ended complete (exit 1 with a copy found elsewhere, 0 without). Nesting is a way to hide a file
from a tool that stops at a depth: the scan is incomplete, the folder named in ``scan.incomplete.unlisted``.
An ext2 image written by mke2fs -d from a real tree.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_leakscan
from tests.image_data import LEAKED, ext_image, leaked_workbook, write_tree


def test_a_folder_deeper_than_the_walk_goes_makes_the_scan_incomplete(tmp_path: Path) -> None:
    deep = "/".join(["d"] * 258)
    tree = write_tree(tmp_path / "t", {f"/{LEAKED}": leaked_workbook(seed=5, rows=4), f"/{deep}/hidden.txt": b"memo\n"})
    image = ext_image(tmp_path / "deep.img", tree, size_mib=4, fs="ext2")
    out = tmp_path / "out"
    run = run_leakscan("scan", str(image), "--name", LEAKED, "--out", str(out), "--quiet")
    assert "Traceback" not in run.stderr, run.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    [deepest] = [s for s in doc["skipped"] if s["reason"] == "path-too-long"]
    assert run.returncode == 3, (run.stderr, doc["skipped"])
    assert doc["scan"]["complete"] is False
    assert [u["path"] for u in doc["scan"]["incomplete"]["unlisted"]] == [deepest["path"]]
    assert "INCOMPLETE SCAN" in run.stderr
