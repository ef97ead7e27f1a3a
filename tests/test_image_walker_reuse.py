"""Dozens of PC images per case: the walker process that finished one SOURCE image cleanly walks the next, so a
scan starts one interpreter (and imports dfvfs once) for all of them, not one per image (each cost ~0.3 s of CPU).
A walker that stopped part-way is never reused (test_image_walker covers that every image after a crash or a
hang is walked by a new walker)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.image_walker import close_spare_walkers, isolated
from scanner.models import Skipped
from scanner.sources.image import ImageSource
from tests.image_data import fat_image


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    base = tmp_path_factory.mktemp("reuse")
    return [fat_image(base / f"pc{i}.img", {"/U/LIST.CSV": b"a,b\n", f"/U/memo{i}.txt": b"x"}) for i in range(3)]


def _walk(image: Path, settings: object) -> tuple[int | None, list[str]]:
    source = isolated(ImageSource(str(image)), settings)  # type: ignore[arg-type]
    names = []
    with source:
        pid = source._worker.pid  # type: ignore[attr-defined]
        for item in source.entries():
            if not isinstance(item, Skipped):
                names.append(item.location.path)
    return pid, names


def test_one_walker_walks_one_image_after_another(images: list[Path], tmp_path: Path) -> None:
    from scanner.config import ScanConfig
    from scanner.pipeline import scan_context, worker_settings

    settings = worker_settings(scan_context(ScanConfig(sources=[], out=tmp_path / "out", names=["LIST.CSV"])))
    try:
        walked = [_walk(image, settings) for image in images]
        assert len({pid for pid, _ in walked}) == 1  # one process for the three images
        assert [sorted(names) for _, names in walked] == [["/U/LIST.CSV", f"/U/memo{i}.txt"] for i in range(3)]
    finally:
        close_spare_walkers()


def test_a_spare_walker_that_died_while_idle_does_not_cost_the_next_image(images: list[Path], tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """review9d: the idle walker can die between two images (the OOM killer picks the idle process that holds the
    last image's memory, an operator's kill): the next image is then walked by a new walker, whole, not lost as
    "could not be opened" (a new walker would have opened it: the cost of reuse must never be an image)."""
    import os
    import signal

    from scanner import image_walker
    from scanner.config import ScanConfig
    from scanner.pipeline import scan_context, worker_settings

    settings = worker_settings(scan_context(ScanConfig(sources=[], out=tmp_path / "out", names=["LIST.CSV"])))
    taken = image_walker._spare_walker

    def dies_once_taken(memory: int):  # type: ignore[no-untyped-def]
        worker = taken(memory)
        if worker is not None and worker.pid:
            os.kill(worker.pid, signal.SIGKILL)
        return worker

    try:
        first_pid, _ = _walk(images[0], settings)
        monkeypatch.setattr(image_walker, "_spare_walker", dies_once_taken)
        pid, names = _walk(images[1], settings)
        assert sorted(names) == ["/U/LIST.CSV", "/U/memo1.txt"]
        assert pid != first_pid
    finally:
        close_spare_walkers()
