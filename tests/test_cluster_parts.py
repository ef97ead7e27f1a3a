"""The parts a distributed scan walks apart (scanner.cluster.plan, LocalSource.batches(top)): one after
another they are exactly the local walk, whatever the names; a top-level folder swapped for a link
after it was planned is recorded, not followed."""

from __future__ import annotations

import os
from pathlib import Path

from scanner.cluster import Part, plan
from scanner.models import Link, Skipped
from scanner.sources.base import NameBatch
from scanner.sources.local import LocalSource


def _flat(items) -> list[tuple[str, str]]:
    out = []
    for item in items:
        for one in (item if isinstance(item, NameBatch) else [item]):
            kind = "skip:" + one.reason if isinstance(one, Skipped) else "link" if isinstance(one, Link) else "file"
            out.append((kind, one.location.key()))
    return out


def _tree(root: Path) -> None:
    for rel in ("a.txt", "名簿/x.xlsx", "名簿/sub/y.csv", "b/z.txt", "c/d/e/f.txt", "empty/.keep"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"x")
    odd = os.path.join(os.fsencode(root), "旧フォルダ".encode("cp932"))  # a folder name that is not UTF-8
    os.makedirs(os.path.join(odd, b"in"))
    with open(os.path.join(odd, b"in", "名簿.csv".encode("cp932")), "wb") as f:
        f.write(b"x")
    (root / "link_to_b").symlink_to(root / "b")
    os.mkfifo(root / "pipe")
    (root / "zz.txt").write_bytes(b"x")


def test_the_parts_one_after_another_are_the_local_walk(tmp_path: Path) -> None:
    root = tmp_path / "share"
    _tree(root)
    whole = _flat(LocalSource(str(root)).batches())
    parts = plan([str(root)])
    assert parts[0] == Part(str(root), b"") and len(parts) == 1 + 5  # root's own entries, then 5 folders
    joined = [x for part in parts for x in _flat(LocalSource(part.source).batches(part.top))]
    assert joined == whole
    assert ("link", LocalSource(str(root))._location(os.fsencode(root / "link_to_b")).key()) in joined


def test_a_top_folder_swapped_for_a_link_after_planning_is_recorded_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "share"
    _tree(root)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "secret").mkdir(parents=True)
    (elsewhere / "secret" / "s.txt").write_bytes(b"x")
    part = next(p for p in plan([str(root)]) if p.top == b"b")
    (root / "b" / "z.txt").unlink()
    (root / "b").rmdir()
    (root / "b").symlink_to(elsewhere / "secret")
    got = _flat(LocalSource(part.source).batches(part.top))
    assert [k for k, _ in got] == ["link", "skip:vanished"]
    gone = next(p for p in plan([str(root)]) if p.top == "名簿".encode())
    (root / "名簿" / "sub" / "y.csv").unlink()
    for p in ((root / "名簿" / "sub"), ):
        p.rmdir()
    (root / "名簿" / "x.xlsx").unlink()
    (root / "名簿").rmdir()
    assert [k for k, _ in _flat(LocalSource(gone.source).batches(gone.top))] == ["skip:vanished"]


def test_what_is_not_a_directory_here_is_one_part(tmp_path: Path) -> None:
    (tmp_path / "book.xlsx").write_bytes(b"PK")
    assert plan([str(tmp_path / "book.xlsx"), "smb://u@host/share", str(tmp_path / "nowhere")]) == [
        Part(str(tmp_path / "book.xlsx")), Part("smb://u@host/share"), Part(str(tmp_path / "nowhere"))]
