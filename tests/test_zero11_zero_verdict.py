"""zero11: the verdict on an unformatted, all-zero partition depends only on its bytes (review11a #12: a wall-clock
cap on the read-through made the same image 'empty' on a quiet machine and listed/incomplete on a loaded one), and
an image whose only partition is all zero is a normal scan listing it, not a source error (review11a #15)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from scanner.sources import image_parttypes as pt
from tests.test_image_parttypes import GPT_TYPES, disk, scan, volumes

MIB = 1 << 20


def test_zero_read_through_does_not_depend_on_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """A clock that jumps an hour at every look (a loaded machine, taken to the extreme): the same bytes, the
    same verdict."""
    size = pt.WHOLE_BELOW + 8 * MIB  # just over the sample threshold: sampled, then read through
    calls: list[int] = []

    def read(offset: int, n: int) -> bytes:
        return bytes(n)

    quiet = pt.describe("p1", 0x83, read, size, progress=lambda: calls.append(1))
    now = [0.0]

    def clock() -> float:
        now[0] += 3600.0
        return now[0]

    monkeypatch.setattr(time, "monotonic", clock)
    monkeypatch.setattr(pt, "READ_THROUGH_SECONDS", 0.0, raising=False)
    loaded = pt.describe("p1", 0x83, read, size)
    assert quiet is not None and loaded is not None
    assert (loaded.skip, loaded.reason, loaded.detail) == (quiet.skip, quiet.reason, quiet.detail)
    assert not loaded.skip and "empty (all zero)" in loaded.detail and f"all {size} bytes read" in loaded.detail
    assert len(calls) >= size // (4 * MIB)  # the walker's clock is told at each step: a long read is no hang


def test_a_disk_whose_only_partition_is_all_zero_is_a_normal_scan(tmp_path: Path) -> None:
    image = tmp_path / "blank.img"
    disk(image, "gpt", [(2, GPT_TYPES["linux"], None, 0)])
    code, doc = scan(image, tmp_path / "out")
    assert code == 0, doc.get("scan", {}).get("errors")
    (row,) = volumes(doc)
    assert row["status"] == "empty-volume" and row["all_zero"] is True, row
    assert "empty (all zero)" in row["detail"]
    assert not doc["skipped"], doc["skipped"]
    assert doc["scan"]["complete"] is True, doc["scan"]
