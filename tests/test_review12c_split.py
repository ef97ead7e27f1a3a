"""review12c: split series under hostile names and sources (split12 review).

A byte-split CSV whose name is not UTF-8 (``名簿.csv.001`` ... written in cp932 by a Japanese Windows machine) was not
joined: the walk decodes such a name (cp932) before it asks for the file's series, which is keyed by the raw
(surrogate-escaped) name, so ``.001`` was "named like a disk image" (unread) and ``.002`` ... ended as nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import run_cli
from test_split12_partial import _complete_lines, _csv

RAW = "名簿".encode("cp932")  # not UTF-8


def _write_parts(folder: Path, data: bytes, parts: int, drop: int | None = None) -> list[bytes]:
    """``split -b`` of ``data`` under the cp932 name; part ``drop`` (1-based) left out. Raw paths of those written."""
    folder.mkdir()
    size = -(-len(data) // parts)
    written = []
    for k in range(parts):
        path = os.fsencode(folder) + b"/" + RAW + b".csv.%03d" % (k + 1)
        if k + 1 == drop:
            continue
        with open(path, "wb") as f:
            f.write(data[k * size:(k + 1) * size])
        written.append(path)
    return written


def test_a_split_csv_with_a_name_that_is_not_utf8_is_joined(tmp_path: Path) -> None:
    data = _csv(300, seed=77)
    src = tmp_path / "src"
    src.mkdir()
    whole = _write_parts(src / "whole", data, 3)
    gap = _write_parts(src / "gap", data, 4, drop=3)
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    files = {f["path"]: f for f in doc["files"]}
    listed = {s["path"]: s for s in doc["skipped"]}
    shown = {p: p.decode("cp932") for p in whole + gap}
    first = files.get(os.fsdecode(os.fsencode(src)) + "/whole/" + shown[whole[0]].rsplit("/", 1)[-1])
    assert first is not None and first["pii"]["records"] == 300, (sorted(files), sorted(listed))
    rows = [files.get(shown[p]) for p in gap]
    assert rows[0] is not None and rows[0]["pii"]["records"] == _complete_lines(data[:2 * -(-len(data) // 4)],
                                                                                skip_first=True), rows[0]
    for p in gap:  # every part present read or listed, naming the missing one
        assert shown[p] in listed and "csv.003" in listed[shown[p]]["detail"], (shown[p], sorted(listed))
    assert "read joined with part 1" in listed[shown[gap[1]]]["detail"], listed[shown[gap[1]]]


def _gnu_split(folder: Path, data: bytes, size: int) -> list[Path]:
    """``split -d -a 3`` as GNU split numbers it by default: ``c.csv.000``, ``.001`` ..."""
    import subprocess

    folder.mkdir()
    (folder / "c.csv").write_bytes(data)
    subprocess.run(["split", "-b", str(size), "-d", "-a", "3", "c.csv", "c.csv."], cwd=folder, check=True)
    (folder / "c.csv").unlink()
    return sorted(folder.glob("c.csv.[0-9]*"))


def test_a_split_numbered_from_000_is_read_from_its_first_part(tmp_path: Path) -> None:
    """GNU ``split -d`` numbers from ``.000``: ``.001`` onwards were read as the whole file (``ok``, its first rows
    and header in ``.000`` uncounted) and ``.000`` was "named like a disk image" (its people not counted)."""
    data = _csv(600, seed=78)
    src = tmp_path / "src"
    src.mkdir()
    whole = _gnu_split(src / "whole", data, 20000)
    gap = _gnu_split(src / "gap", data, 20000)
    gap[1].unlink()  # .001 lost: .000 read up to its last line end, .002 on from its first
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    files = {f["path"]: f for f in doc["files"]}
    listed = {s["path"]: s for s in doc["skipped"]}
    row = files.get(str(whole[0]))
    assert row is not None and row["pii"]["records"] == 600 and row["status"] == "ok", (row, sorted(listed))
    for p in whole[1:]:
        assert str(p) not in files or files[str(p)].get("pii") is None, files[str(p)]
    first = files[str(gap[0])]
    assert first["pii"]["records"] == _complete_lines(gap[0].read_bytes(), skip_first=False), first
    assert "c.csv.001" in listed[str(gap[0])]["detail"], listed[str(gap[0])]
    after = files[str(gap[2])]
    assert after["pii"]["records"] == _complete_lines(b"".join(p.read_bytes() for p in gap[2:]), skip_first=True)


class _Remote:
    """A file of a source whose workers read it over their own connection (an SMB file with the password in the
    environment): ``ref`` is a small value; ``open`` counts the reads the scan process makes."""

    deleted = False
    kind = "file"

    def __init__(self, name: str, size: int, opened: list[str], has_ref: bool = True) -> None:
        from scanner.models import Location

        self.name, self.size, self.opened, self.has_ref = name, size, opened, has_ref
        self.location = Location("smb://host/ev", f"/{name}")

    def stat(self):  # noqa: ANN201
        from scanner.models import FileStat

        return FileStat(self.size)

    def open(self):  # noqa: ANN201
        import io

        self.opened.append(self.name)
        return io.BytesIO(b"x" * self.size)

    def ref(self) -> tuple[str, str] | None:
        return ("ref", self.name) if self.has_ref else None


def test_a_large_series_whose_parts_have_refs_is_left_to_the_workers(monkeypatch) -> None:  # noqa: ANN001
    """A series larger than BYTES_HERE (256 MiB) whose parts the workers can read themselves had no ref: the
    pipeline then read it whole into the scan process (up to --max-inspect-mb) and sent the bytes. And a series
    whose parts travel as bytes read its first part twice (as the first part and as part 1)."""
    from scanner.sources import series_join
    from scanner.sources.split_series import Series

    monkeypatch.setattr(series_join, "BYTES_HERE", 100)
    opened: list[str] = []
    parts = [_Remote(f"c.csv.{k:03d}", 80, opened) for k in (1, 2)]
    series = Series("c.csv", tuple(p.name for p in parts), (80, 80), plain=True)
    ref = series_join.SeriesEntry(parts[0], list(parts), series, None).ref()
    assert ref is not None and not opened, opened  # 160 bytes > BYTES_HERE, every part with a ref of its own
    small = [_Remote(f"c.csv.{k:03d}", 30, opened, has_ref=False) for k in (1, 2)]
    ref = series_join.SeriesEntry(small[0], list(small), series, None).ref()
    assert ref is not None and sorted(opened) == ["c.csv.001", "c.csv.002"], opened  # each part read once
