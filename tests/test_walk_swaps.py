"""The local walk never follows a directory swapped for a symbolic link during the scan (made
deterministic by swapping inside the walk): the link is recorded, the directory listed as not walked,
and nothing outside the tree is read; files are read through their folder's descriptor."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from tree_data import LEAKED, hit_paths, scan_dirs, write_files

from scanner.models import Link
from scanner.sources.local import LocalEntry, LocalSource


class _Swapping:
    """A LocalSource whose tree is changed by ``meddle(item)`` just before each item reaches the pipeline."""

    def __init__(self, root: Path, meddle) -> None:
        self._src = LocalSource(str(root))
        self.text, self._meddle = self._src.text, meddle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def describe(self):
        return self._src.describe()

    def entries(self):
        for item in self._src.entries():
            self._meddle(item)
            yield item


def _once(test):
    done = []

    def meddle(item: object) -> None:
        if not done and test(item):
            done.append(item)
            meddle.action()

    return meddle


def _outside(tmp_path: Path) -> Path:
    """A folder outside the evidence holding a file with the leaked name and the same layout."""
    write_files(tmp_path / "outside", {LEAKED: b"NOT EVIDENCE", f"q/{LEAKED}": b"NOT EVIDENCE"})
    return tmp_path / "outside"


def _first_file(name: str):
    return lambda item: isinstance(item, LocalEntry) and item.name == name


def test_directory_swapped_for_a_link_is_recorded_not_followed(tmp_path: Path) -> None:
    root, outside = tmp_path / "share", _outside(tmp_path)
    write_files(root, {"a/first.txt": b"", f"b/{LEAKED}": b"evidence"})
    meddle = _once(_first_file("first.txt"))  # a is walked before b (names sorted): b is listed, not entered

    def swap() -> None:
        (root / "b").rename(tmp_path / "b.moved")
        (root / "b").symlink_to(outside)

    meddle.action = swap
    result = scan_dirs([root], [LEAKED], sources=[_Swapping(root, meddle)], use_keywords=False)
    assert hit_paths(result) == {}  # the outside copy was never read
    assert [(lk.location.path, lk.target) for lk in result.links] == [(str(root / "b"), str(outside))]
    assert [(s.location.path, s.reason) for s in result.skipped] == [(str(root / "b"), "vanished")]
    assert "not followed" in result.skipped[0].detail


def test_parent_swapped_for_a_link_is_caught_below_it(tmp_path: Path) -> None:
    """p is listed (its sub-folder q queued), then p becomes a link to a look-alike tree: opening p/q by
    path would pass through the link; the walk sees q is not the directory it listed."""
    root, outside = tmp_path / "share", _outside(tmp_path)
    write_files(root, {"p/here.txt": b"", f"p/q/{LEAKED}": b"evidence"})
    meddle = _once(_first_file("here.txt"))

    def swap() -> None:
        (root / "p").rename(tmp_path / "p.moved")
        (root / "p").symlink_to(outside)

    meddle.action = swap
    result = scan_dirs([root], [LEAKED], sources=[_Swapping(root, meddle)], use_keywords=False)
    assert hit_paths(result) == {}
    assert [lk.location.path for lk in result.links] == [str(root / "p")]
    assert [(s.location.path, s.reason) for s in result.skipped] == [(str(root / "p" / "q"), "vanished")]


def test_files_are_read_through_their_folders_descriptor(tmp_path: Path) -> None:
    """The folder is swapped for a link while its files are being examined: they are still read from
    the folder that was listed (by descriptor), never from where the link points."""
    root, outside = tmp_path / "share", _outside(tmp_path)
    write_files(root, {f"f/{LEAKED}": b"evidence", "f/~$other.xlsx": b"x"})
    meddle = _once(lambda item: isinstance(item, LocalEntry) and item.name.startswith("~$"))

    def swap() -> None:
        (root / "f").rename(tmp_path / "f.moved")
        (root / "f").symlink_to(outside)

    meddle.action = swap
    result = scan_dirs([root], [LEAKED, "other.xlsx"], sources=[_Swapping(root, meddle)], use_keywords=False)
    by_path = {h.location.path: h for h in result.hits}
    hit = by_path[str(root / "f" / LEAKED)]
    assert hit.status == "ok" and hit.digests.sha256 == hashlib.sha256(b"evidence").hexdigest()


def test_entry_opened_after_the_walk_left_its_folder_checks_the_folder(tmp_path: Path) -> None:
    """An entry examined after its folder's descriptor was closed reopens the folder and refuses it when
    it is no longer the directory that was listed."""
    root, outside = tmp_path / "share", _outside(tmp_path)
    write_files(root, {LEAKED: b"evidence"})
    entries = [e for e in LocalSource(str(root)).entries() if isinstance(e, LocalEntry)]
    assert entries[0].open().read() == b"evidence"  # folder unchanged: reopened and read
    root.rename(tmp_path / "moved")
    root.symlink_to(outside)
    try:
        entries[0].open()
    except Exception as e:  # noqa: BLE001 - the type and reason are checked
        assert getattr(e, "reason", "") == "vanished", e
    else:
        raise AssertionError("read through a swapped folder")


def test_symlinked_root_given_by_the_user_is_walked(tmp_path: Path) -> None:
    """The SOURCE path itself may hold links (a mount point, /tmp -> /private/tmp): that is the user's
    choice, not a swap."""
    write_files(tmp_path / "real", {f"x/{LEAKED}": b"evidence"})
    os.symlink(tmp_path / "real", tmp_path / "via")
    result = scan_dirs([tmp_path / "via"], [LEAKED], use_keywords=False)
    assert list(hit_paths(result)) == [str(tmp_path / "via" / "x" / LEAKED)]
    assert not any(isinstance(i, Link) for i in result.links)


def test_verify_sources_does_not_follow_a_swapped_folder(tmp_path: Path) -> None:
    """After the scan the hit's folder is swapped for a link to an identical copy elsewhere: re-hashing
    through the link would say 'match' for a file that is gone; verify says it changed."""
    import json

    from conftest import run_leakscan

    root = tmp_path / "share"
    write_files(root, {f"PC01/{LEAKED}": b"evidence"})
    write_files(tmp_path / "elsewhere", {LEAKED: b"evidence"})
    out = tmp_path / "out"
    assert run_leakscan("scan", str(root), "--name", LEAKED, "--out", str(out), "--quiet").returncode == 1
    assert run_leakscan("verify", str(out), "--sources", str(root)).returncode == 0
    (root / "PC01").rename(tmp_path / "moved")
    (root / "PC01").symlink_to(tmp_path / "elsewhere")
    done = run_leakscan("verify", str(out), "--sources", str(root), "--json")
    assert done.returncode == 1
    [row] = json.loads(done.stdout)["sources"]
    assert row["status"] == "changed" and "symbolic link" in row["detail"]
