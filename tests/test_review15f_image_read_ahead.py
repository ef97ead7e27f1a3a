"""A SOURCE disk image's folder: the scan reads ahead in the walker's stream only as far as a split series needs,
holding a bounded amount of the other files' content (review15f).

split15 joins a SOURCE image folder's split series by reading ahead in the walker's messages to the folder's last
part. Every file read on the way (up to --max-inspect-mb each, up to 1,024 files a folder batch) was held in the
scan's memory until the scan reached it: one name such as ``report.001`` or ``scan01`` at a folder's end made the
scan hold the whole folder's content at once (before, what the scan had passed was let go as it went). A lone part
name has no series to join: no read-ahead; a series is read ahead to only while the other files' bytes held stay
within a bound (past it, the parts are examined as they are, as before split15).
"""

from __future__ import annotations

from typing import Any

from scanner import image_walker
from scanner.image_walker import Found, _BatchReader

MiB = 1 << 20
BLOB = bytes(MiB)  # one buffer shared by every fake file: the test itself holds 1 MiB


class _Walk:
    """The scan's side of a walker process: a folder batch's ``found`` messages, in order."""

    def __init__(self, ops: list[tuple[Any, ...]]) -> None:
        self._ops = ops
        self._listed = 0
        self._last_path = ""
        self._filesystems: dict[int, Any] = {}
        self.text = "usb.img"

    def _op(self) -> tuple[Any, ...] | None:
        return self._ops.pop(0) if self._ops else None

    def _unget(self, op: tuple[Any, ...]) -> None:
        self._ops.insert(0, op)


def _found(data: bytes) -> Found:
    found = Found.__new__(Found)
    found.st = found.head = found.hashed = found.wanted = found.affinity = None
    found.st_error = found.head_error = found.data_error = found.hashed_error = None
    found.data = data
    return found


def _reader(names: list[str]) -> _BatchReader:
    ops: list[tuple[Any, ...]] = [("found", i, _found(BLOB)) for i in range(len(names))] + [("end",)]
    basics = [(0, f"/A/{n}", False, None) for n in names]
    return _BatchReader(_Walk(ops), names, basics)  # type: ignore[arg-type]


def _held(reader: _BatchReader) -> int:
    return sum(len(f.data or b"") for f in reader._found.values() if f is not None)


def test_a_lone_part_name_at_a_folders_end_reads_nothing_ahead() -> None:
    names = [f"{k:04d}.csv" for k in range(300)] + ["report.001"]
    reader = _reader(names)
    reader.entry(0)
    assert _held(reader) <= 2 * MiB  # was 301 MiB: the whole folder held to reach report.001


def test_a_series_at_a_folders_end_holds_a_bounded_read_ahead() -> None:
    names = [f"{k:04d}.csv" for k in range(300)] + ["x.csv.001", "x.csv.002"]
    reader = _reader(names)
    reader.entry(0)
    assert _held(reader) <= image_walker.READ_AHEAD + 2 * MiB
    for i in range(len(names)):  # every file still reaches the scan with what the walker read of it
        assert reader.entry(i) is not None


def test_a_series_with_a_part_not_read_whole_is_not_joined_without_it() -> None:
    """review15f: a SOURCE image folder's series was joined from the parts the walker read whole, leaving out one
    it read only in its head (over --max-inspect-mb) or not at all: ``a.csv.001`` + ``.002`` read as the whole
    file (``.003`` beside them); an archive so made says its last part "is not here". A series is joined only when
    every part named so in the folder was read whole; another series beside it still is."""
    from scanner.models import FileStat
    from scanner.sources.series_join import SeriesEntry

    text = b"".join(b"%d,row\n" % k for k in range(3000))
    cut = len(text) // 3 + 1
    parts = [text[:cut], text[cut:2 * cut], text[2 * cut:]]
    names = ["a.csv.001", "a.csv.002", "a.csv.003", "b.csv.001", "b.csv.002"]
    datas = [parts[0], parts[1], parts[2][:100], parts[0], parts[1]]  # a.csv.003: only its head read
    sizes = [len(parts[0]), len(parts[1]), len(parts[2]), len(parts[0]), len(parts[1])]
    ops: list[tuple[Any, ...]] = []
    for i, (data, size) in enumerate(zip(datas, sizes, strict=True)):
        found = _found(data)
        found.st = FileStat(size)
        found.head = data[:4608]
        ops.append(("found", i, found))
    reader = _BatchReader(_Walk([*ops, ("end",)]), names, [(0, f"/A/{n}", False, None) for n in names])  # type: ignore[arg-type]
    assert not isinstance(reader.entry(0), SeriesEntry)  # a.csv: .003 not read whole, not joined without it
    assert isinstance(reader.entry(3), SeriesEntry)  # b.csv: both parts read whole, joined
