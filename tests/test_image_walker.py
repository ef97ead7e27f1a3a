"""A SOURCE disk image is walked in a killable process of its own (scanner.image_walker): a crash or a
hang of The Sleuth Kit on one image costs that image's walk, never the scan (real processes, real signals).

Which directory crashes TSK on which input is not stable enough for a test, so ``WALK_FAULTS`` is installed as
a ``sitecustomize`` on the scan's PYTHONPATH: pytsk3's directory listing then really kills its process with
SIGSEGV (or hangs) when the directory holds a marker file name. The images, the scan, the walker process and
its signal are real; only the choice of the victim is the test's.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import run_leakscan
from image_data import LEAKED, fat_image, leaked_workbook, partitioned_disk
from remediation_data import load, with_case_key

WALK_FAULTS = '''
import os, signal, time

try:
    import pytsk3 as _tsk
except ImportError:
    _tsk = None
if _tsk is not None:
    _Real = _tsk.FS_Info

    class FS_Info:
        """pytsk3's file system, whose directory listing crashes or hangs on a directory holding a marker."""

        def __init__(self, *args, **kwargs):
            if os.environ.get("LEAKSCAN_TEST_WALK_OPEN_SEGV"):
                os.kill(os.getpid(), signal.SIGSEGV)
            self._real = _Real(*args, **kwargs)

        def open_dir(self, *args, **kwargs):
            names = [f.info.name.name or b"" for f in self._real.open_dir(*args, **kwargs)]
            if any(b"LEAKSCAN-WALK-SEGV" in n for n in names):
                os.kill(os.getpid(), signal.SIGSEGV)
            if any(b"LEAKSCAN-WALK-HANG" in n for n in names):
                time.sleep(3600)
            return self._real.open_dir(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(self._real, name)

    _tsk.FS_Info = FS_Info
'''

PEOPLE = 30


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Four SOURCEs: an image whose walk crashes in its second folder, one whose walk hangs there, a healthy
    image and a folder, each with a copy of the leaked list; the faulty ones hold a copy listed before."""
    base = tmp_path_factory.mktemp("walker")
    book = leaked_workbook(rows=PEOPLE)
    images = {}
    for kind in ("SEGV", "HANG"):
        images[kind] = fat_image(base / f"{kind.lower()}.img", {
            f"/A/{LEAKED}": book,  # listed before the fault: examined as usual
            f"/B/LEAKSCAN-WALK-{kind}.TXT": b"marker",  # listing this folder crashes / hangs TSK
            f"/B/{LEAKED}": book,
            f"/C/{LEAKED}": book,  # after the fault: never listed
        })
    images["healthy"] = fat_image(base / "healthy.img", {f"/D/{LEAKED}": book, "/D/memo.txt": b"nothing"})
    folder = base / "share"
    (folder / "E").mkdir(parents=True)
    (folder / "E" / LEAKED).write_bytes(book)
    site = base / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(WALK_FAULTS, encoding="utf-8")
    return {**images, "folder": folder, "site": site, "base": base}


def _scan(case: dict[str, Path], *sources: Path, extra: tuple[str, ...] = (), faults: bool = True,
          env: dict[str, str] | None = None) -> tuple[object, dict, float]:
    out = with_case_key(case["base"] / f"out-{len(list(case['base'].glob('out-*')))}")
    t0 = time.monotonic()
    done = run_leakscan("scan", *map(str, sources), "--name", LEAKED, "--out", str(out), "--quiet", *extra,
                        env={**({"PYTHONPATH": str(case["site"])} if faults else {}), **(env or {})}, timeout=600)
    return done, load(out), time.monotonic() - t0


def test_a_crashing_and_a_hanging_image_walk_cost_their_image_not_the_scan(case: dict[str, Path]) -> None:
    done, doc, seconds = _scan(case, case["SEGV"], case["HANG"], case["healthy"], case["folder"],
                               extra=("--parse-timeout", "3", "--workers", "2"))
    assert done.returncode == 3, done.stderr  # copies found, but the scan is incomplete: 3 says so first
    assert doc["scan"]["complete"] is False
    files = {f["path"]: f for f in doc["files"]}
    stopped = {s["source"]: s for s in doc["skipped"] if s["reason"] == "walk-stopped"}
    segv, hang = str(case["SEGV"]), str(case["HANG"])
    assert set(stopped) == {segv, hang}
    assert "died (SIGSEGV)" in stopped[segv]["detail"] and "pytsk3" in stopped[segv]["detail"]
    assert "no progress for 13 s" in stopped[hang]["detail"] and "pytsk3" in stopped[hang]["detail"]
    for s in stopped.values():  # attributed to the file system whose walk stopped, after the last path listed
        assert s["container"][-1]["name"] == "fs (FAT16)" and "while walking fs (FAT16)" in s["detail"]
        assert f"after /A/{LEAKED}" in s["detail"]
    # what was listed before the fault stays, and is examined as usual
    for image in (segv, hang):
        before = f"{image} » fs (FAT16) » /A/{LEAKED}"
        assert files[before]["status"] == "ok" and files[before]["pii"]["records"] == PEOPLE
        assert not any(p.startswith(f"{image} » fs (FAT16) » /C/") for p in files)  # never listed
    # the other SOURCEs: their usual hits
    assert files[f"{case['healthy']} » fs (FAT16) » /D/{LEAKED}"]["pii"]["records"] == PEOPLE
    assert files[str(case["folder"] / "E" / LEAKED)]["pii"]["records"] == PEOPLE
    incomplete = doc["scan"]["incomplete"]
    assert incomplete["not_examined"] == 2 and not incomplete["sources_not_opened"]
    assert seconds < 120  # the hang was stopped by the walker's clock, not by the test's timeout
    assert "INCOMPLETE" in done.stderr and "a disk image's walk stopped" in done.stderr


def test_the_same_images_without_the_fault_are_walked_whole(case: dict[str, Path]) -> None:
    """The markers alone change nothing: the faults above are the walker's, not the images'."""
    done, doc, _ = _scan(case, case["SEGV"], case["HANG"], faults=False)
    assert done.returncode == 1, done.stderr
    assert doc["scan"]["complete"] is True
    files = {f["path"] for f in doc["files"]}
    assert {f"{case[k]} » fs (FAT16) » /{d}/{LEAKED}" for d in "ABC" for k in ("SEGV", "HANG")} <= files


def test_a_walk_that_dies_on_its_first_listing_lists_the_image(case: dict[str, Path]) -> None:
    root_crash = fat_image(case["base"] / "root.img", {"/LEAKSCAN-WALK-SEGV.TXT": b"x", f"/{LEAKED}": b"y"})
    done, doc, _ = _scan(case, root_crash, case["healthy"])
    assert done.returncode == 3, done.stderr
    [stopped] = [s for s in doc["skipped"] if s["reason"] == "walk-stopped"]
    assert stopped["source"] == str(root_crash) and "walk stopped after 0 entries" in stopped["detail"]
    assert "SIGSEGV" in stopped["detail"]
    assert f"{case['healthy']} » fs (FAT16) » /D/{LEAKED}" in {f["path"] for f in doc["files"]}


def test_a_walker_that_dies_while_opening_the_image_makes_it_a_source_error(case: dict[str, Path]) -> None:
    """A crash before the image was opened (here: in every file system TSK opens) is a SOURCE that could
    not be opened, with the signal and the step; the folder beside it is scanned."""
    done, doc, _ = _scan(case, case["healthy"], case["folder"], env={"LEAKSCAN_TEST_WALK_OPEN_SEGV": "1"})
    assert done.returncode == 2, done.stderr
    [error] = doc["scan"]["source_errors"]
    assert error["source"] == str(case["healthy"]) and "SIGSEGV" in error["error"]
    assert "opening fs" in error["error"]
    assert doc["files"][0]["path"] == str(case["folder"] / "E" / LEAKED)


def test_a_partition_whose_walk_crashes_does_not_hide_the_next_one(case: dict[str, Path]) -> None:
    """The walker dies in p1: p1 is listed as stopped (after what it listed), a new walker walks p2."""
    base = case["base"]
    book = leaked_workbook(rows=PEOPLE)
    p1 = fat_image(base / "part1.img", {f"/A/{LEAKED}": book, "/B/LEAKSCAN-WALK-SEGV.TXT": b"x", f"/C/{LEAKED}": book})
    p2 = fat_image(base / "part2.img", {f"/D/{LEAKED}": book})
    disk = base / "disk.raw"
    partitioned_disk(disk, [(p1, "6"), (p2, "6")])
    done, doc, _ = _scan(case, disk)
    assert done.returncode == 3, done.stderr
    files = {f["path"]: f for f in doc["files"]}
    assert files[f"{disk} » p1 (FAT16) » /A/{LEAKED}"]["pii"]["records"] == PEOPLE  # listed before the crash
    assert f"{disk} » p1 (FAT16) » /C/{LEAKED}" not in files
    assert files[f"{disk} » p2 (FAT16) » /D/{LEAKED}"]["pii"]["records"] == PEOPLE  # the next partition
    [stopped] = [s for s in doc["skipped"] if s["reason"] == "walk-stopped"]
    assert stopped["container"][-1]["name"] == "p1 (FAT16)" and "SIGSEGV" in stopped["detail"]
    assert "the rest of this file system was not examined" in stopped["detail"]
    # the image is described once, with both partitions
    [described] = [d for d in doc["scan"]["source_details"] if d["source"] == str(disk)]
    assert [(v["name"], v["status"]) for v in described["volumes"]] == [("p1", "walk-stopped"), ("p2", "ok")]
    assert described["volumes"][0]["detail"] == stopped["detail"]
