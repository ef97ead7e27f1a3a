"""A SOURCE disk image is walked in a killable process of its own (scanner.image_walker): a crash or a
hang of The Sleuth Kit on one image costs that image's walk, never the scan (real processes, real signals).

Which directory crashes TSK on which input is not stable enough for a test, so ``WALK_FAULTS`` is installed as
a ``sitecustomize`` on the scan's PYTHONPATH: pytsk3's directory listing then really kills its process with
SIGSEGV (or hangs) when the directory holds a marker file name. The images, the scan, the walker process and
its signal are real; only the choice of the victim is the test's.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import run_leakscan
from image_data import LEAKED, WALK_FAULTS, fat_image, leaked_workbook, partitioned_disk
from remediation_data import load, with_case_key

PEOPLE = 30
READ_CRASH = "LEAKSCAN-READ-SEGV.xlsx"


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """SOURCEs: images whose walk crashes or hangs listing their second folder (/B), one whose walk crashes
    reading a file in /B, a healthy image and a folder, each with copies of the leaked list."""
    base = tmp_path_factory.mktemp("walker")
    book = leaked_workbook(rows=PEOPLE)
    images = {}
    for kind in ("SEGV", "HANG"):
        images[kind] = fat_image(base / f"{kind.lower()}.img", {
            f"/A/{LEAKED}": book,  # listed before the fault: examined as usual
            f"/B/LEAKSCAN-WALK-{kind}.TXT": b"marker",  # listing this folder crashes / hangs TSK
            f"/B/{LEAKED}": book,
            f"/C/{LEAKED}": book,  # after the fault: walked by a new walker
        })
    images["READ"] = fat_image(base / "read.img", {
        f"/A/{LEAKED}": book,
        f"/B/{READ_CRASH}": book,  # reading it crashes TSK
        f"/B/{LEAKED}": book,  # the next file in the same folder
        f"/C/{LEAKED}": book,
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
          env: dict[str, str] | None = None) -> tuple[Any, dict, float]:
    out = with_case_key(case["base"] / f"out-{len(list(case['base'].glob('out-*')))}")
    t0 = time.monotonic()
    done = run_leakscan("scan", *map(str, sources), "--name", LEAKED, "--out", str(out), "--quiet", *extra,
                        env={**({"PYTHONPATH": str(case["site"])} if faults else {}), **(env or {})}, timeout=600)
    done.out = out
    return done, load(out), time.monotonic() - t0


@pytest.fixture(scope="module")
def healthy(case: dict[str, Path]) -> dict:
    """The faulty images scanned without the faults: what a faulted walk is compared with."""
    done, doc, _ = _scan(case, case["SEGV"], case["HANG"], case["READ"], faults=False)
    assert done.returncode == 1, done.stderr
    case["healthy_out"] = done.out
    return doc


def _rows(doc: dict, key: str, image: Path) -> dict[str, dict]:
    """``files`` or ``skipped`` rows of one image, by path, without times and copy groups (which count copies)."""
    drop = {"mtime", "atime", "ctime", "btime", "copies", "copy_group", "group", "id"}
    return {r["path"]: {k: v for k, v in r.items() if k not in drop}
            for r in doc[key] if r["path"].startswith(f"{image} » ")}


def _minus(healthy: dict, faulted: dict, image: Path, listed: set[str]) -> None:
    """The faulted walk found exactly what the healthy walk found, less what it lists as walk-stopped; and what
    it lists is what the healthy walk had there."""
    ok, bad = _rows(healthy, "files", image), _rows(faulted, "files", image)
    gone = {p for p in ok if any(p == x or p.startswith(x + "/") for x in listed)}
    hits_not_read = {p for p, r in bad.items() if r["status"] == "walk-stopped"}  # a name hit stays a hit
    assert hits_not_read <= listed
    bad = {p: r for p, r in bad.items() if p not in hits_not_read}
    assert gone and set(bad) == set(ok) - gone
    for path, row in bad.items():
        assert row == ok[path], path
    stopped = {p: r for p, r in _rows(faulted, "skipped", image).items() if r["reason"] == "walk-stopped"}
    assert set(stopped) == listed
    others = {p: r for p, r in _rows(faulted, "skipped", image).items() if r["reason"] != "walk-stopped"}
    assert others == {p: r for p, r in _rows(healthy, "skipped", image).items() if p not in gone}


def test_a_crashing_and_a_hanging_directory_listing_cost_that_directory(case: dict[str, Path], healthy: dict) -> None:
    """TSK dies (or hangs) listing /B: /B is listed as walk-stopped and a new walker takes up the walk of the
    same file system after it, so /C is examined; the healthy image and the folder beside are scanned."""
    done, doc, seconds = _scan(case, case["SEGV"], case["HANG"], case["healthy"], case["folder"],
                               extra=("--parse-timeout", "3", "--workers", "2"))
    assert done.returncode == 3, done.stderr  # copies found, but the scan is incomplete: 3 says so first
    assert doc["scan"]["complete"] is False
    files = {f["path"]: f for f in doc["files"]}
    stopped = {s["source"]: s for s in doc["skipped"] if s["reason"] == "walk-stopped"}
    segv, hang = str(case["SEGV"]), str(case["HANG"])
    assert set(stopped) == {segv, hang}
    assert "died (SIGSEGV) while listing this directory" in stopped[segv]["detail"]
    # a sleeping listing: its 13 s clock stops it (the no-CPU limit, isolation.Stall, is 30 s)
    assert any(f"{said} while listing this directory" in stopped[hang]["detail"]
               for said in ("no progress for 13 s", "used no CPU for 30 s")), stopped[hang]["detail"]
    for image, s in stopped.items():  # the directory, in the file system, with the step and the library
        assert s["path"] == f"{image} » fs (FAT16) » /B" and s["container"][-1]["name"] == "fs (FAT16)"
        assert "walking fs (FAT16), pytsk3" in s["detail"] and "its subfolders, were not examined" in s["detail"]
        for d in "AC":  # before and after it: examined as usual
            assert files[f"{image} » fs (FAT16) » /{d}/{LEAKED}"]["pii"]["records"] == PEOPLE
        assert f"{image} » fs (FAT16) » /B/{LEAKED}" not in files
    for kind in ("SEGV", "HANG"):
        _minus(healthy, doc, case[kind], {f"{case[kind]} » fs (FAT16) » /B"})
    # the other SOURCEs: their usual hits
    assert files[f"{case['healthy']} » fs (FAT16) » /D/{LEAKED}"]["pii"]["records"] == PEOPLE
    assert files[str(case["folder"] / "E" / LEAKED)]["pii"]["records"] == PEOPLE
    incomplete = doc["scan"]["incomplete"]
    assert incomplete["not_examined"] == 2 and not incomplete["sources_not_opened"]
    described = {d["source"]: d for d in doc["scan"]["source_details"]}
    for image in (segv, hang):
        [volume] = described[image]["volumes"]
        assert volume["status"] == "ok" and "stopped 1 time(s)" in volume["detail"]
    assert seconds < 120  # the hang was stopped by the walker's clock, not by the test's timeout
    assert "INCOMPLETE" in done.stderr and "a disk image's walk stopped" in done.stderr


def test_a_crash_reading_one_file_costs_that_file(case: dict[str, Path], healthy: dict) -> None:
    """TSK dies reading /B/LEAKSCAN-READ-SEGV.xlsx: that file alone is listed; the next file of the same
    folder and the folders after it are examined by a new walker, records counted as in a healthy walk."""
    log = case["base"] / "walkers-read.log"
    done, doc, _ = _scan(case, case["READ"], env={"LEAKSCAN_TEST_WALK_LOG": str(log)})
    assert done.returncode == 3, done.stderr
    image = case["READ"]
    crashed = f"{image} » fs (FAT16) » /B/{READ_CRASH}"
    [stopped] = [s for s in doc["skipped"] if s["reason"] == "walk-stopped"]
    assert stopped["path"] == crashed
    assert "died (SIGSEGV) while reading this file (walking fs (FAT16), pytsk3" in stopped["detail"]
    assert "the walk went on after it" in stopped["detail"]
    files = {f["path"]: f for f in doc["files"]}
    for path in (f"/A/{LEAKED}", f"/B/{LEAKED}", f"/C/{LEAKED}"):
        assert files[f"{image} » fs (FAT16) » {path}"]["pii"]["records"] == PEOPLE
    assert crashed in {f["path"] for f in healthy["files"]}  # the healthy walk examined it
    _minus(healthy, doc, image, {crashed})
    assert len(set(log.read_text().split())) == 2  # the first walker and the one that took up its walk
    assert doc["scan"]["incomplete"]["not_examined"] == 1
    # --resume (the fault gone): the image is walked again, that file examined, the scan complete
    again = run_leakscan("scan", "--resume", str(done.out), "--quiet", timeout=600)
    assert again.returncode == 1, again.stderr
    resumed = load(done.out)
    assert resumed["scan"]["complete"] is True and not [s for s in resumed["skipped"] if s["reason"] == "walk-stopped"]
    assert {f["path"]: f["pii"]["records"] for f in resumed["files"]} == {
        f["path"]: f["pii"]["records"] for f in healthy["files"] if f["path"].startswith(f"{image} » ")}


def test_the_same_images_without_the_fault_are_walked_whole(case: dict[str, Path], healthy: dict) -> None:
    """The markers alone change nothing: the faults above are the walker's, not the images'."""
    assert healthy["scan"]["complete"] is True
    files = {f["path"] for f in healthy["files"]}
    assert {f"{case[k]} » fs (FAT16) » /{d}/{LEAKED}" for d in "ABC" for k in ("SEGV", "HANG", "READ")} <= files


def test_a_walk_that_dies_listing_the_root_lists_the_root(case: dict[str, Path]) -> None:
    root_crash = fat_image(case["base"] / "root.img", {"/LEAKSCAN-WALK-SEGV.TXT": b"x", f"/{LEAKED}": b"y"})
    done, doc, _ = _scan(case, root_crash, case["healthy"])
    assert done.returncode == 3, done.stderr
    [stopped] = [s for s in doc["skipped"] if s["reason"] == "walk-stopped"]
    assert stopped["path"] == f"{root_crash} » fs (FAT16) » /" and "SIGSEGV" in stopped["detail"]
    assert "while listing this directory" in stopped["detail"]
    assert not [s for s in doc["skipped"] if s["reason"] == "empty-volume"]  # not listed as an empty disk
    assert f"{case['healthy']} » fs (FAT16) » /D/{LEAKED}" in {f["path"] for f in doc["files"]}


def test_a_crash_at_the_same_place_again_gives_up_that_file_system(case: dict[str, Path]) -> None:
    """TSK dies opening the root's metadata, before any directory is listed: the walker taken up there dies at
    the same place, so the file system is given up (listed walk-stopped) after two walkers, not retried forever."""
    log = case["base"] / "walkers-root.log"
    done, doc, seconds = _scan(case, case["healthy"], case["folder"],
                               env={"LEAKSCAN_TEST_WALK_ROOT_SEGV": "1", "LEAKSCAN_TEST_WALK_LOG": str(log)})
    assert done.returncode == 3, done.stderr
    [stopped] = [s for s in doc["skipped"] if s["reason"] == "walk-stopped"]
    assert stopped["source"] == str(case["healthy"]) and stopped["container"][-1]["name"] == "fs (FAT16)"
    assert "the rest of this file system was not examined" in stopped["detail"]
    assert "SIGSEGV" in stopped["detail"] and "again at the same place" in stopped["detail"]
    assert len(set(log.read_text().split())) == 2
    assert doc["files"][0]["path"] == str(case["folder"] / "E" / LEAKED)
    assert seconds < 120

def test_a_walker_that_dies_while_opening_the_image_makes_it_a_source_error(case: dict[str, Path]) -> None:
    """A crash before the image was opened (here: in every file system TSK opens) is a SOURCE that could
    not be opened, with the signal and the step; the folder beside it is scanned."""
    done, doc, _ = _scan(case, case["healthy"], case["folder"], env={"LEAKSCAN_TEST_WALK_OPEN_SEGV": "1"})
    assert done.returncode == 2, done.stderr
    [error] = doc["scan"]["source_errors"]
    assert error["source"] == str(case["healthy"]) and "SIGSEGV" in error["error"]
    assert "opening fs" in error["error"]
    assert doc["files"][0]["path"] == str(case["folder"] / "E" / LEAKED)


def test_a_walker_that_dies_before_the_point_it_takes_up_gives_up_that_file_system(case: dict[str, Path]) -> None:
    """/A lists fine the first time and crashes TSK the next; /B crashes it: the walker started again to go on
    after /B dies re-walking /A, before it got there, so the file system is given up (no endless loop)."""
    image = fat_image(case["base"] / "flaky.img", {
        f"/A/{LEAKED}": leaked_workbook(rows=PEOPLE), "/A/LEAKSCAN-WALK-FLAKY.TXT": b"x",
        "/B/LEAKSCAN-WALK-SEGV.TXT": b"x", f"/C/{LEAKED}": leaked_workbook(rows=PEOPLE)})
    log, flag = case["base"] / "walkers-flaky.log", case["base"] / "flaky.flag"
    done, doc, _ = _scan(case, image, env={"LEAKSCAN_TEST_WALK_LOG": str(log), "LEAKSCAN_TEST_WALK_FLAG": str(flag)})
    assert done.returncode == 3, done.stderr
    [stopped] = [s for s in doc["skipped"] if s["reason"] == "walk-stopped"]
    assert stopped["container"][-1]["name"] == "fs (FAT16)" and stopped["path"] == f"{image} » fs (FAT16) » /"
    assert "died before it got where the one before it had stopped" in stopped["detail"]
    assert f"{image} » fs (FAT16) » /A/{LEAKED}" in {f["path"] for f in doc["files"]}  # listed before: examined
    assert len(set(log.read_text().split())) == 2


def test_too_many_crashes_in_one_partition_give_it_up_not_the_next_one(case: dict[str, Path]) -> None:
    """Every file of p1's /B crashes TSK: after MAX_RESUMES files listed one by one, the rest of p1 is given up
    (listed walk-stopped) and a new walker walks p2. Bounded: one walker per crash, no more."""
    from scanner.image_walker import MAX_RESUMES

    base = case["base"]
    book = leaked_workbook(rows=PEOPLE)
    crashing = {f"/B/LEAKSCAN-READ-SEGV-{i:02d}.xlsx": book for i in range(MAX_RESUMES + 2)}
    p1 = fat_image(base / "part1.img", {f"/A/{LEAKED}": book, **crashing, f"/C/{LEAKED}": book})
    p2 = fat_image(base / "part2.img", {f"/D/{LEAKED}": book})
    disk = base / "disk.raw"
    partitioned_disk(disk, [(p1, "6"), (p2, "6")])
    log = base / "walkers-disk.log"
    done, doc, _ = _scan(case, disk, env={"LEAKSCAN_TEST_WALK_LOG": str(log)})
    assert done.returncode == 3, done.stderr
    files = {f["path"]: f for f in doc["files"]}
    assert files[f"{disk} » p1 (FAT16) » /A/{LEAKED}"]["pii"]["records"] == PEOPLE  # listed before the crashes
    assert f"{disk} » p1 (FAT16) » /C/{LEAKED}" not in files  # after the give-up
    assert files[f"{disk} » p2 (FAT16) » /D/{LEAKED}"]["pii"]["records"] == PEOPLE  # the next partition
    stopped = [s for s in doc["skipped"] if s["reason"] == "walk-stopped"]
    one_by_one = [s for s in stopped if "while reading this file" in s["detail"]]
    assert [s["path"] for s in one_by_one] == [f"{disk} » p1 (FAT16) » {p}" for p in sorted(crashing)[:MAX_RESUMES]]
    # the give-up: the files of that folder batch the walker had not read, and the rest of p1
    unread = [s["path"] for s in stopped if s["detail"].startswith("not read by the image walker")]
    assert unread == [f"{disk} » p1 (FAT16) » {p}" for p in sorted(crashing)[MAX_RESUMES:]]
    [rest] = [s for s in stopped if s not in one_by_one and s["path"] not in unread]
    assert rest["container"][-1]["name"] == "p1 (FAT16)" and "SIGSEGV" in rest["detail"]
    assert "the rest of this file system was not examined" in rest["detail"]
    assert f"stopped {MAX_RESUMES} times in this file system" in rest["detail"]
    # one walker per crash (the first, MAX_RESUMES taken up, the one given up) and one for p2
    walkers = log.read_text().split()
    assert len(set(walkers)) == MAX_RESUMES + 2
    # the image is described once, with both partitions
    [described] = [d for d in doc["scan"]["source_details"] if d["source"] == str(disk)]
    assert [(v["name"], v["status"]) for v in described["volumes"]] == [("p1", "walk-stopped"), ("p2", "ok")]
    assert described["volumes"][0]["detail"] == rest["detail"]


def test_verify_sources_walks_images_in_the_walker_a_crash_costs_what_it_was_on(case: dict[str, Path],
                                                                              healthy: dict) -> None:
    """``verify --sources`` walks an image again in the walker process too: TSK crashing on one file or one
    directory makes those hits ``unreadable`` (with why), never a traceback, and the others are re-hashed."""
    segv, read = case["SEGV"], case["READ"]
    # without faults: every hit of the named images matches
    clean = run_leakscan("verify", str(case["healthy_out"]), "--sources", str(segv), str(read), "--json", timeout=600)
    rows = {r["path"]: r for r in json.loads(clean.stdout)["sources"]}
    for image in (segv, read):
        mine = [r for p, r in rows.items() if p.startswith(f"{image} » ")]
        assert mine and all(r["status"] == "match" for r in mine), mine
    done = run_leakscan("verify", str(case["healthy_out"]), "--sources", str(segv), str(read), "--json",
                        env={"PYTHONPATH": str(case["site"])}, timeout=600)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    rows = {r["path"]: r for r in json.loads(done.stdout)["sources"]}
    crashed = rows[f"{read} » fs (FAT16) » /B/{READ_CRASH}"]
    assert crashed["status"] == "unreadable" and "while reading this file" in crashed["detail"]
    unlisted = rows[f"{segv} » fs (FAT16) » /B/{LEAKED}"]  # in the directory whose listing crashed
    assert unlisted["status"] == "unreadable" and "not walked again" in unlisted["detail"]
    assert "while listing this directory" in unlisted["detail"]
    for image in (segv, read):
        for d in "AC":
            assert rows[f"{image} » fs (FAT16) » /{d}/{LEAKED}"]["status"] == "match"
        assert rows[f"{read} » fs (FAT16) » /B/{LEAKED}"]["status"] == "match"  # after the crash, same folder
    assert all(r["status"] == "not-named" for p, r in rows.items() if p.startswith(f"{case['HANG']} » "))


def test_persons_export_reads_image_hits_in_the_walker(case: dict[str, Path], healthy: dict) -> None:
    """``persons --export`` reads each copy inside an image again in a walker process that reads only that
    file: TSK crashing on the directory of one copy costs that copy (said, with why), not the command."""
    segv = case["SEGV"]
    export = case["base"] / "persons.xlsx"
    done = run_leakscan("persons", str(case["healthy_out"]), "--export", str(export), "--sources", str(segv),
                        env={"PYTHONPATH": str(case["site"])}, timeout=600)
    # Session 10: a list missing the persons of a copy not read again is partial (exit 3, said as such)
    assert done.returncode == 3 and "Traceback" not in done.stderr, done.stderr
    assert "INCOMPLETE LIST" in done.stderr, done.stderr
    [lost] = [line for line in done.stderr.splitlines() if f"{segv} » fs (FAT16) » /B/" in line]
    assert "walk-stopped" in lost and "while listing this directory" in lost and "not read again" in lost
    for d in "AC":  # the copies before and after it were read again in the same image
        assert not [line for line in done.stderr.splitlines() if f"{segv} » fs (FAT16) » /{d}/" in line]
    assert re.search(rf"^persons:\s+{PEOPLE}$", done.stdout + done.stderr, re.M)
    assert export.is_file()


def test_a_dfvfs_walk_is_taken_up_after_a_crash_too(case: dict[str, Path], corpus: Path) -> None:
    """APFS is walked through dfvfs (libfsapfs), not TSK: a crash reading /passwords.txt costs that file, a
    crash listing /a_directory costs that directory; /.fseventsd after them is walked (real corpus image)."""
    import gzip
    import shutil

    image = case["base"] / "apfs.raw"
    with gzip.open(corpus / "images" / "dfvfs__apfs.raw.gz", "rb") as fin, open(image, "wb") as fout:
        shutil.copyfileobj(fin, fout)
    names = ("--name", "passwords.txt", "--name", "another_file", "--name", "fseventsd-uuid")
    ok, healthy_doc, _ = _scan(case, image, extra=names, faults=False)
    done, doc, _ = _scan(case, image, extra=names, env={"LEAKSCAN_TEST_DFVFS_FAULTS": "a_directory:passwords.txt"})
    assert ok.returncode == 1 and done.returncode == 3, done.stderr
    fs = f"{image} » apfs1 (APFS) » "
    assert {f"{fs}/passwords.txt", f"{fs}/a_directory/another_file"} <= {f["path"] for f in healthy_doc["files"]}
    stopped = {s["path"]: s["detail"] for s in doc["skipped"] if s["reason"] == "walk-stopped"}
    assert set(stopped) == {f"{fs}/passwords.txt", f"{fs}/a_directory"}
    assert "SIGSEGV) while reading this file (walking apfs1 (APFS), dfvfs (libfsapfs)" in stopped[f"{fs}/passwords.txt"]
    assert "SIGSEGV) while listing this directory" in stopped[f"{fs}/a_directory"]
    assert f"{fs}/.fseventsd/fseventsd-uuid" in {f["path"] for f in doc["files"]}
    _minus(healthy_doc, doc, image, set(stopped))
