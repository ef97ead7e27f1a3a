"""A source that goes away during the scan never yields a clean scan; ``--resume`` completes it.

Local folders: the scanned folder is renamed away (or, where this machine allows mounting, the bind
mount it is reached through is unmounted) part-way through a real CLI scan; the scan must end
*incomplete* (exit 3, ``scan.complete`` false, ``source-lost`` skips, a banner in the report, a warning
on the terminal naming what was not examined), and after the folder is back ``scan --resume`` must
give the findings of an uninterrupted scan. Disk images: the image file goes away (renamed and emptied
under the open descriptor, as when its device fails) in the middle of the walk.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_leakscan
from image_data import fat_image
from remediation_data import load, strike_mid_walk, strip_times, with_case_key

from scanner.codes import Status
from scanner.config import ScanConfig
from scanner.demo import LEAKED_NAME, client_list_xlsx, make_people, simple_xlsx
from scanner.pipeline import run_scan
from scanner.sources.image import ImageSource


def _tree(root: Path) -> Path:
    """14 folders, each with a copy of the named file, a clean workbook and memos; two person lists."""
    people = make_people(30, seed=5)
    copy = client_list_xlsx(people[:12])
    budget = simple_xlsx([["項目", "金額"], ["消耗品", 1200]])
    for i in range(14):
        d = root / f"課{i:02d}" / f"PC{i:02d}"
        d.mkdir(parents=True)
        (d / LEAKED_NAME).write_bytes(copy)
        (d / f"予算_{i}.xlsx").write_bytes(budget)
        for k in range(4):
            (d / f"メモ_{k}.txt").write_text(f"memo {i} {k}\n")
    (root / "課03" / "名簿.xlsx").write_bytes(client_list_xlsx(people[10:]))
    return root


def _scan_and_pull_away(source: Path, out: Path, away: Callable[[], object],
                        *options: str) -> subprocess.CompletedProcess[str]:
    """A real scan of ``source``; ``away()`` runs while its walk waits after the first folder with files."""
    return strike_mid_walk(["scan", str(source), "--name", LEAKED_NAME, "--quiet", "--out", str(out), *options],
                           out.parent / f"{out.name}.pause", lambda go: away(), timeout=120)


def _assert_incomplete(run: subprocess.CompletedProcess[str], out: Path) -> dict:
    assert run.returncode == 3, run.stderr
    assert "INCOMPLETE SCAN" in run.stderr and f"scan --resume {out}" in run.stderr
    assert "Traceback" not in run.stderr
    doc = load(out)
    assert doc["scan"]["complete"] is False
    lost = [s for s in doc["skipped"] if s["reason"] == Status.SOURCE_LOST]
    assert lost and doc["scan"]["incomplete"]["not_examined"] == len(lost)
    assert all(s["reason"] in (Status.SOURCE_LOST,) for s in doc["skipped"]), doc["skipped"]
    shown = doc["scan"]["incomplete"]["paths"]
    assert shown == [s["path"] for s in lost][:len(shown)]
    assert all(f"not examined: {p}" in run.stderr for p in shown)
    report = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="incomplete"' in report and str(len(lost)) in report
    return doc


def _resume_equals_whole(source: Path, out: Path, whole: Path) -> None:
    resumed = run_leakscan("scan", "--resume", str(out))
    assert resumed.returncode == 1, resumed.stderr
    assert "INCOMPLETE" not in resumed.stderr
    full = run_leakscan("scan", str(source), "--name", LEAKED_NAME, "--quiet", "--out", str(whole))
    assert full.returncode == 1, full.stderr
    a, b = load(out), load(whole)
    assert a["scan"]["resumed"] and a["scan"]["complete"] is True and "incomplete" not in a["scan"]
    for doc in (a, b):
        doc["scan"].pop("command_line")
        doc["scan"].pop("resumed", None)
    assert strip_times(a) == strip_times(b)
    assert len(a["files"]) >= 14 and not a["skipped"]
    again = run_leakscan("scan", "--resume", str(out))  # complete now: nothing left to resume
    assert again.returncode == 2 and "nothing to resume" in again.stderr


def test_scanned_folder_taken_away_then_resumed(tmp_path: Path) -> None:
    source = _tree(tmp_path / "share")
    out, whole = with_case_key(tmp_path / "out"), with_case_key(tmp_path / "whole")
    parked = tmp_path / "parked"
    run = _scan_and_pull_away(source, out, lambda: source.rename(parked))
    doc = _assert_incomplete(run, out)
    assert all("cannot be reached any more" in s["detail"] for s in doc["skipped"])
    found = {f["path"] for f in doc["files"] if f["status"] == "ok"}
    # the folder goes while the walk waits after its first folder with files: the copies of the others
    # are lost; the resume finds them all
    assert len(found) < 14
    parked.rename(source)
    _resume_equals_whole(source, out, whole)


def _can_mount(probe: Path) -> bool:
    probe.mkdir()
    target = probe.parent / "probe-target"
    target.mkdir()
    ok = subprocess.run(["mount", "--bind", str(probe), str(target)], capture_output=True).returncode == 0
    if ok:
        subprocess.run(["umount", str(target)], capture_output=True)
    return ok


def test_mount_unmounted_then_resumed(tmp_path: Path) -> None:
    """The share is reached through a (bind) mount that goes away: the mount point shows another folder."""
    if shutil.which("mount") is None or os.geteuid() != 0 or not _can_mount(tmp_path / "probe"):
        pytest.skip("mounting needs root and mount permission (CAP_SYS_ADMIN) on this machine")
    real = _tree(tmp_path / "real")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    subprocess.run(["mount", "--bind", str(real), str(mnt)], check=True)
    try:
        out, whole = with_case_key(tmp_path / "out"), with_case_key(tmp_path / "whole")
        run = _scan_and_pull_away(mnt, out, lambda: subprocess.run(["umount", "-l", str(mnt)], check=True))
        doc = _assert_incomplete(run, out)
        assert all("unmounted or replaced" in s["detail"] for s in doc["skipped"])
        subprocess.run(["mount", "--bind", str(real), str(mnt)], check=True)
        _resume_equals_whole(mnt, out, whole)
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_image_file_gone_mid_walk_is_source_lost(tmp_path: Path) -> None:
    """The image file is taken away and its bytes become unreadable under the open descriptor (what a
    failing or unplugged disk does): what TSK then fails to read is the loss's, not the image's damage."""
    files = {f"D{i:02d}/{LEAKED_NAME}": b"evidence" * 200 for i in range(6)}
    image = fat_image(tmp_path / "disk.img", files)
    parked = tmp_path / "parked.img"

    class Vanishing:
        def __init__(self) -> None:
            self.src = ImageSource(str(image))
            self.text = self.src.text

        def __enter__(self):
            self.src.__enter__()
            return self

        def __exit__(self, *exc):
            self.src.__exit__(*exc)

        def describe(self):
            return self.src.describe()

        def lost(self):
            return self.src.lost()

        def entries(self):
            for i, item in enumerate(self.src.entries()):
                if i == 2:
                    image.rename(parked)
                    os.truncate(parked, 0)  # the same file (open descriptor): nothing readable any more
                yield item

    cfg = ScanConfig(sources=[str(image)], out=tmp_path / "out", names=[LEAKED_NAME])
    result = run_scan(cfg, [Vanishing()], inspectors=[])
    lost = [s for s in result.skipped if s.reason == Status.SOURCE_LOST]
    assert lost, [(s.reason, s.detail) for s in result.skipped]
    assert all("the image file went away during the scan" in s.detail for s in lost)
    assert not [s for s in result.skipped if s.reason in (Status.CORRUPT, Status.UNREADABLE)]
    unread = [h for h in result.hits if h.digests is None]
    assert all(h.status == Status.SOURCE_LOST for h in unread)


def test_an_intact_image_is_not_lost(tmp_path: Path) -> None:
    image = fat_image(tmp_path / "disk.img", {f"DOCS/{LEAKED_NAME}": b"evidence" * 100})
    with ImageSource(str(image)) as src:
        list(src.entries())
        assert src.lost() == ""
    (tmp_path / "disk.img").rename(tmp_path / "moved.img")
    assert "went away" in src.lost()


def test_findings_say_complete_when_nothing_went_away(tmp_path: Path) -> None:
    source = _tree(tmp_path / "share")
    run = run_leakscan("scan", str(source), "--name", LEAKED_NAME, "--quiet", "--out", str(tmp_path / "out"))
    assert run.returncode == 1 and "INCOMPLETE" not in run.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert doc["scan"]["complete"] is True and "incomplete" not in doc["scan"]
    assert 'id="incomplete"' not in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def _classes(diff: dict) -> list[tuple[str, str]]:
    return sorted((e["class"], e["path"]) for e in diff["entries"])


def test_incomplete_rescan_is_not_verified_merged_incomplete_and_resumed_to_the_real_verdict(tmp_path: Path) -> None:
    """After remediation, a rescan whose source goes away proves nothing about what it did not see: its
    verdict is not-verified (reason incomplete) with exit 3, the copies it did not reach are unverified,
    never removed; `diff` and `merge` of it say the same; resumed, it gives the verdict of a rescan that
    saw no outage."""
    source = _tree(tmp_path / "share")
    base = with_case_key(tmp_path / "base")
    first = run_leakscan("scan", str(source), "--name", LEAKED_NAME, "--quiet", "--out", str(base))
    assert first.returncode == 1, first.stderr
    for i in range(0, 14, 2):  # half the copies removed: the rest remain
        (source / f"課{i:02d}" / f"PC{i:02d}" / LEAKED_NAME).unlink()
    rescan, whole = with_case_key(tmp_path / "rescan"), with_case_key(tmp_path / "whole")
    parked = tmp_path / "parked"
    run = _scan_and_pull_away(source, rescan, lambda: source.rename(parked), "--baseline", str(base))
    assert run.returncode == 3, run.stderr
    assert "INCOMPLETE SCAN" in run.stderr and "Traceback" not in run.stderr
    diff = json.loads((rescan / "diff.json").read_text(encoding="utf-8"))
    seen_left = any(e["leak"] and e["class"] == "remaining" for e in diff["entries"])
    # never clean: not-verified, or remaining when a copy the rescan did reach is still there
    assert diff["verdict"] == ("remaining" if seen_left else "not-verified"), diff["verdict"]
    assert "incomplete" in diff["verdict_reasons"]
    assert diff["rescan"]["complete"] is False and diff["baseline"]["complete"] is True
    lost = [s["path"].rstrip("/") + "/" for s in load(rescan)["skipped"] if s["reason"] == Status.SOURCE_LOST]
    unreached = [e for e in diff["entries"] if any(e["path"].startswith(p) for p in lost)]
    assert unreached and all(e["class"] == "unverified" for e in unreached), unreached

    again = run_leakscan("diff", str(base), str(rescan), "--out", str(tmp_path / "diff"))
    assert again.returncode == 1, again.stderr
    redone = json.loads((tmp_path / "diff" / "diff.json").read_text(encoding="utf-8"))
    assert redone["verdict"] == diff["verdict"] and "incomplete" in redone["verdict_reasons"]
    backwards = run_leakscan("diff", str(rescan), str(base), "--out", str(tmp_path / "diff-back"))
    assert backwards.returncode == 1  # an incomplete baseline proves nothing either
    assert "incomplete" in json.loads((tmp_path / "diff-back" / "diff.json").read_text())["verdict_reasons"]

    merged = run_leakscan("merge", str(base), str(rescan), "--out", str(tmp_path / "merged"), "--quiet")
    assert merged.returncode == 3, merged.stderr
    assert load(tmp_path / "merged")["scan"]["complete"] is False
    assert 'id="incomplete"' in (tmp_path / "merged" / "report.html").read_text(encoding="utf-8")

    parked.rename(source)
    resumed = run_leakscan("scan", "--resume", str(rescan))
    uninterrupted = run_leakscan("scan", str(source), "--name", LEAKED_NAME, "--quiet", "--out", str(whole),
                                 "--baseline", str(base))
    assert resumed.returncode == uninterrupted.returncode == 1, (resumed.stderr, uninterrupted.stderr)
    a = json.loads((rescan / "diff.json").read_text(encoding="utf-8"))
    b = json.loads((whole / "diff.json").read_text(encoding="utf-8"))
    assert a["verdict"] == b["verdict"] == "remaining" and a["verdict_reasons"] == b["verdict_reasons"]
    assert _classes(a) == _classes(b) and a["rescan"]["complete"] is True
    assert sum(1 for c, _ in _classes(a) if c == "removed") == 7


class _Denied:
    """A local entry whose open is refused (what a file without read permission gives a non-root
    examiner; the tests run as root, who may read anything)."""

    def __init__(self, entry: object) -> None:
        self._entry = entry

    def __getattr__(self, name: str) -> object:
        return getattr(self._entry, name)

    def ref(self) -> None:
        return None  # read here, where the refusal is

    def open(self) -> object:
        from scanner.errors import ReadError

        raise ReadError(Status.UNREADABLE, "Permission denied")


def test_retry_unreadable_reads_again_the_files_refused_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two SOURCEs: in the first a file may not be read; the second is taken away part-way (the scan is
    incomplete). --resume examines what was lost and replays the refusal; --retry-unreadable, after
    permissions are fixed, reads that file too, and the case then equals an uninterrupted scan. (Errors
    in a source that is itself gone at the end of its walk are the loss's: always read again.)"""
    from conftest import run_cli

    from scanner.sources.base import NameBatch
    from scanner.sources.local import LocalSource

    first, second = _tree(tmp_path / "share-a"), _tree(tmp_path / "share-b")
    refused = str(first / "課00" / "PC00" / LEAKED_NAME)
    parked = tmp_path / "parked"
    real_batches = LocalSource.batches
    fault = {"away": True, "deny": True}

    def batches(self: LocalSource):  # type: ignore[no-untyped-def]
        seen = 0
        for item in real_batches(self):
            if isinstance(item, NameBatch):
                def entry(i: int, factory=item.entry):  # type: ignore[no-untyped-def]
                    e = factory(i)
                    return _Denied(e) if fault["deny"] and e.location.path == refused else e

                item = NameBatch(item.names, entry, item.framed)
                seen += 1
            yield item
            if seen == 3 and fault["away"] and second.exists() and self.text == str(second):
                second.rename(parked)

    def scan_then_restore(out: Path) -> None:
        fault.update(away=True, deny=True)
        run = run_cli("scan", str(first), str(second), "--name", LEAKED_NAME, "--quiet", "--out", str(out))
        assert run.returncode == 3, run.stderr
        reasons = {s["path"]: s["reason"] for s in load(out)["skipped"]}
        assert reasons.pop(refused) == Status.UNREADABLE
        assert reasons and set(reasons.values()) == {Status.SOURCE_LOST}
        assert all(p.startswith(str(second)) for p in reasons)
        parked.rename(second)
        fault["away"] = False

    monkeypatch.setattr(LocalSource, "batches", batches)
    out = with_case_key(tmp_path / "out")
    scan_then_restore(out)
    resumed = run_cli("scan", "--resume", str(out))  # the file is still refused: replayed, not asked again
    assert resumed.returncode == 1, resumed.stderr
    doc = load(out)
    assert doc["scan"]["complete"] is True and [s["path"] for s in doc["skipped"]] == [refused]
    fault["deny"] = False  # permissions fixed now: a finished scan's evidence stands, a new --out reads it
    again = run_cli("scan", "--resume", str(out), "--retry-unreadable")
    assert again.returncode == 2 and "nothing to resume" in again.stderr

    plain, retried = with_case_key(tmp_path / "plain"), with_case_key(tmp_path / "retried")
    scan_then_restore(plain)
    fault["deny"] = False
    assert run_cli("scan", "--resume", str(plain)).returncode == 1  # without the flag the refusal is replayed
    assert [s["path"] for s in load(plain)["skipped"]] == [refused]
    scan_then_restore(retried)
    fault["deny"] = False
    done = run_cli("scan", "--resume", str(retried), "--retry-unreadable")
    assert done.returncode == 1, done.stderr
    whole = with_case_key(tmp_path / "whole")
    assert run_cli("scan", str(first), str(second), "--name", LEAKED_NAME, "--quiet", "--out",
                   str(whole)).returncode == 1
    a, b = load(retried), load(whole)
    assert not a["skipped"] and a["scan"]["complete"] is True
    for d in (a, b):
        d["scan"].pop("command_line")
        d["scan"].pop("resumed", None)
    assert strip_times(a) == strip_times(b)
