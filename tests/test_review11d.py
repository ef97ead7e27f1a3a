"""review11d: completeness decided by detail codes read back from the text: a library message holding the part
separator "; " (a real Sleuth Kit message: "hfs_dinode_copy: failed to read contents of symbolic link; expected
...") must not turn a walk that stopped part-way into an uncoded detail, and so a silently complete scan."""

from __future__ import annotations

from pathlib import Path

from conftest import run_leakscan
from image_data import LEAKED, fat_image, leaked_workbook
from remediation_data import load, with_case_key
from test_split11_walk_error import FAULT

from scanner import completeness
from scanner.details import Detail, read_details, say

TSK_SEMICOLON = ("hfs_dinode_copy: failed to read contents of symbolic link; expected 12 bytes but "
                 "tsk_fs_file_read() returned 0")


def test_a_walk_stopped_by_a_library_message_holding_the_separator_is_read_back_as_walk_stopped() -> None:
    text = say(Detail.FS_WALK_STOPPED, name="p1", library=TSK_SEMICOLON)
    assert text == f"p1: walk stopped ({TSK_SEMICOLON})"  # the English text unchanged
    assert read_details(text)[0]["code"] == Detail.FS_WALK_STOPPED.value
    skip = {"reason": "corrupt", "detail": text, "inner_path": "", "container": [{"kind": "image"}]}
    assert completeness.unlisted_kind(skip) == "volume"  # an old case's text read back too (no detail_codes)


def test_a_walk_stopped_with_a_semicolon_in_the_library_message_makes_the_scan_incomplete(tmp_path: Path) -> None:
    book = leaked_workbook(rows=5)
    image = fat_image(tmp_path / "disk.img", {f"/A/{LEAKED}": book, "/B/LEAKSCAN-WALK-OSERR.TXT": b"marker",
                                              f"/C/{LEAKED}": book})
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        FAULT.replace("injected: the library failed reading an entry", TSK_SEMICOLON), encoding="utf-8")
    out = with_case_key(tmp_path / "out")
    done = run_leakscan("scan", str(image), "--name", LEAKED, "--out", str(out), "--quiet",
                        env={"PYTHONPATH": str(site)}, timeout=300)
    doc = load(out)
    [stop] = [s for s in doc["skipped"] if "walk stopped" in (s.get("detail") or "")]
    assert stop["detail_codes"][0]["code"] == Detail.FS_WALK_STOPPED.value
    assert done.returncode == 3, done.stderr
    assert doc["scan"]["complete"] is False
    assert "INCOMPLETE" in done.stderr
