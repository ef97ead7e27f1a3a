"""images21: trust first. A file leakscan's own code crashed on is no damaged file, and a volume never read (a split
raw image's later segments whose first segment is missing) never leaves the scan complete.

Before: an inspector's crash in leakscan's own code (a bug) was listed ``corrupt`` "inspector image failed" and the
scan complete (exit 0): the file's content unexamined, passed off as the evidence's fault; ``disk.002`` and
``disk.003`` without ``disk.001`` (no file system at their start) were examined as plain files and listed nowhere, the
scan complete (exit 0)."""

from __future__ import annotations

import json
import shutil
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import run_leakscan
from image_data import fat_image, leaked_workbook

from scanner.codes import Status
from scanner.contracts import Inspection, run_inspector
from scanner.sources.single import SingleFileEntry

needs_mtools = pytest.mark.skipif(not all(shutil.which(t) for t in ("mkfs.vfat", "mcopy")), reason="needs mtools")


def _scan(out: Path, *sources: Path, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any], str]:
    done = run_leakscan("scan", *map(str, sources), "--out", str(out), "--workers", "1", "--quiet", "--name",
                        "名簿.xlsx", env=env, timeout=240)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8")), done.stderr


def _codes(skip: dict[str, Any]) -> list[str]:
    return [c["code"] for c in skip.get("detail_codes") or []]


@pytest.fixture(scope="module")
def disk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("img21")
    return fat_image(folder / "pc.img", {"/共有/名簿.xlsx": leaked_workbook(seed=21)})


# --- 1. a crash of leakscan's own code is an internal error -----------------------------------------------------

@needs_mtools
def test_a_crash_in_leakscans_own_code_is_an_internal_error(disk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in the image inspector (a TypeError raised in scanner/inspectors/image.py) on a real FAT image: the
    image is not damaged, so it is not called corrupt; the stage (the inspector, where it failed) is said."""
    from scanner.config import ScanConfig
    from scanner.inspectors import image

    monkeypatch.setattr(image, "MAX_IMAGE_NESTING", None)  # image_depth(entry) >= None: a TypeError in our code
    found = run_inspector(image.ImageInspector(ScanConfig([str(disk)], disk.parent / "out")), SingleFileEntry(str(disk)), b"", "", None)  # type: ignore[arg-type]
    assert found.status == Status.INTERNAL_ERROR, found
    assert "inspector image" in found.detail and "TypeError" in found.detail and "image.py" in found.detail
    assert "corrupt" not in found.detail


def test_a_library_refusing_the_file_is_still_corrupt(corpus: Path) -> None:
    """A third-party reader raising on the bytes (zipfile on the corpus's empty .xlsx) says the file is damaged."""

    class Reader:
        name = "zipreader"

        def inspect(self, entry: Any, data: bytes, ctype: str, ctx: Any) -> Inspection:
            import io

            zipfile.ZipFile(io.BytesIO(data))
            return Inspection()

    path = corpus / "spreadsheets/robust/openpyxl__null_file.xlsx"
    found = run_inspector(Reader(), SingleFileEntry(str(path)), path.read_bytes(), "", None)  # type: ignore[arg-type]
    assert found.status == Status.CORRUPT and "BadZipFile" in found.detail


@needs_mtools
def test_an_internal_error_makes_the_scan_incomplete(disk: Path, tmp_path: Path) -> None:
    """End to end: the same bug injected into every interpreter of the scan (workers are fresh interpreters):
    the image listed internal-error, the scan incomplete (exit 3), never complete with a 'corrupt' file."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(textwrap.dedent("""
        try:
            import scanner.inspectors.image as _image
            _image.MAX_IMAGE_NESTING = None
        except Exception:
            pass
    """))
    import os

    root = Path(__file__).resolve().parent.parent
    folder = tmp_path / "share"
    folder.mkdir()
    shutil.copyfile(disk, folder / "pc.img")
    code, doc, err = _scan(tmp_path / "out", folder,
                           env={"PYTHONPATH": os.pathsep.join([str(hook), str(root)])})
    said = [s for s in doc["skipped"] if s["path"].endswith("pc.img")]
    assert [(s["reason"], _codes(s)) for s in said] == [("internal-error", ["inspector-internal-error"])], doc["skipped"]
    assert doc["scan"]["complete"] is False
    assert code == 3, err
    assert "internal-error" in err


# --- 2. a split raw image's later segments without the first ----------------------------------------------------

@pytest.fixture(scope="module")
def later(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """disk.002 and disk.003 of a split raw image (the middle of a disk: no file system starts there), disk.001 not
    handed over."""
    import random

    folder = tmp_path_factory.mktemp("later") / "evidence"
    folder.mkdir()
    rnd = random.Random(21)
    (folder / "disk.002").write_bytes(rnd.randbytes(2 << 20))
    (folder / "disk.003").write_bytes(rnd.randbytes(1 << 20))
    return folder


def test_later_segments_without_the_first_are_listed_and_the_scan_incomplete(later: Path, tmp_path: Path) -> None:
    code, doc, err = _scan(tmp_path / "out", later)
    said = sorted((Path(s["path"]).name, s["reason"], _codes(s)) for s in doc["skipped"])
    assert said == [("disk.002", "unsupported", ["later-segment"]), ("disk.003", "unsupported", ["later-segment"])]
    assert all("disk.001" in s["detail"] for s in doc["skipped"])
    assert doc["scan"]["complete"] is False
    assert code == 3, err


def test_a_later_segment_given_as_the_source_names_its_first(later: Path, tmp_path: Path) -> None:
    """As an E02 given alone: a usage error naming the first segment (before: read as a plain file, exit 0)."""
    done = run_leakscan("scan", str(later / "disk.002"), "--out", str(tmp_path / "out"), "--quiet", "--name", "名簿.xlsx")
    assert done.returncode == 2, done.stderr
    assert "disk.001" in done.stderr and "later segment" in done.stderr


def test_a_text_piece_named_so_is_not_taken_for_a_segment(tmp_path: Path) -> None:
    """A CSV cut by ``split`` whose first piece is lost: text, read by its content as before, no segment listed."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "list.002").write_text("山田,東京都\n" * 2000, encoding="utf-8")
    _, doc, _ = _scan(tmp_path / "out", folder)
    assert not [s for s in doc["skipped"] if "later-segment" in _codes(s)], doc["skipped"]
