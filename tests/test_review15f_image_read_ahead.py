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
