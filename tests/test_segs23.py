"""segs23: numbered log files whose lowest numbers were rotated away are files, not a disk cut.

``app.005`` .. ``app.009`` (no ``app.001``), each exactly 8 KiB of log text: images23 (``_cut_evenly``: pieces of
one whole-sector size) listed every one ``later-segment`` naming ``app.001``, the scan incomplete (exit 3) in every
source; at 833d2d7d they were read as the text files they are, exit 0. A real cut of a disk rarely falls at a line
end on every piece: text pieces that each end with a line end are files.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import run_leakscan
from image_data import fat_image


def _log(n: int) -> bytes:
    """Exactly 8 KiB of log lines (the last line padded so the file ends with its line end), as a logger rotating
    by size at 8 KiB writes."""
    out = b""
    k = 0
    while True:
        line = f"2026-12-0{n % 9 + 1}T10:{k % 60:02d}:00Z INFO worker {k} handled request id={n * 1000 + k}\n".encode()
        if len(out) + len(line) > 8192 - 40:
            break
        out += line
        k += 1
    pad = 8192 - len(out) - len(b"2026-12-01T11:00:00Z INFO ") - 1
    return out + b"2026-12-01T11:00:00Z INFO " + b"." * pad + b"\n"


def _logs() -> dict[str, bytes]:
    return {f"app.{n:03d}": _log(n) for n in range(5, 10)}


def _later(doc: dict[str, Any]) -> list[str]:
    return sorted(s["path"] for s in doc["skipped"]
                  if "later-segment" in [c["code"] for c in s.get("detail_codes") or []])


def _scan(out: Path, *sources: str) -> tuple[int, dict[str, Any], str]:
    done = run_leakscan("scan", *sources, "--out", str(out), "--workers", "1", "--quiet", timeout=240)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8")), done.stderr


def test_the_logs_are_8_kib_of_lines() -> None:
    assert all(len(d) == 8192 and d.endswith(b"\n") and d[:4] == b"2026" for d in _logs().values())


def test_rotated_logs_in_a_folder_a_zip_and_a_disk_image_are_files(tmp_path: Path) -> None:
    """Before (images23): 5 later-segment in the folder, 5 in the zip, 5 in the FAT image, exit 3. Now none, exit 0."""
    ev = tmp_path / "evidence"
    (ev / "logs").mkdir(parents=True)
    for name, data in _logs().items():
        (ev / "logs" / name).write_bytes(data)
    with zipfile.ZipFile(ev / "logs.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in _logs().items():
            z.writestr(f"logs/{name}", data)
    if all(shutil.which(t) for t in ("mkfs.vfat", "mcopy")):
        fat_image(ev / "usb.img", {f"/logs/{n}": d for n, d in _logs().items()})
    code, doc, err = _scan(tmp_path / "out", str(ev))
    assert _later(doc) == [], doc["skipped"]
    assert code == 0, (err[-2000:], doc["skipped"])


def test_the_same_logs_cut_mid_line_stay_a_cut() -> None:
    """The rule over a listing: pieces of one whole-sector size are still a cut when a piece ends mid-line (or its
    tail cannot be read); only every piece ending with a line end makes them files."""
    from scanner.sources.split_series import segments_in

    logs = _logs()
    sizes = {n: len(d) for n, d in logs.items()}

    def grouped(tails: dict[str, bytes | None]) -> list[str]:
        return sorted(segments_in(sizes, sizes.get, lambda name: False, tails.get))

    assert grouped({n: d[-64:] for n, d in logs.items()}) == []
    cut = {n: d[-64:] for n, d in logs.items()} | {"app.007": b"request id=7"}
    assert grouped(cut) == sorted(logs)
    assert grouped({n: d[-64:] for n, d in logs.items()} | {"app.006": None}) == sorted(logs)
    assert sorted(segments_in(sizes, sizes.get, lambda name: False)) == sorted(logs)  # no tails: as before
    assert grouped({n: d[-64:].decode().encode("utf-16-le") for n, d in logs.items()}) == []


def test_a_split_ext4_in_a_zip_is_joined(tmp_path: Path) -> None:
    """``split -b 1M`` of a 4 MiB ext4 (mke2fs -d, a person workbook in /home), disk.001 .. disk.004 all in a zip.
    Before: read from disk.001 alone (truncated image: "describes 4194304 bytes, the image holds 1048576", /home
    unreadable), the workbook never read, exit 3. Now the pieces are joined as a local folder's set is read: the
    workbook found inside, nothing listed, exit 0."""
    from image_data import ext_image, leaked_workbook, write_tree

    if not shutil.which("mke2fs"):
        pytest.skip("mke2fs builds the file system")
    tree = write_tree(tmp_path / "tree", {"home/名簿.xlsx": leaked_workbook(seed=6)})
    raw = ext_image(tmp_path / "ext4.img", tree, size_mib=4).read_bytes()
    ev = tmp_path / "evidence"
    ev.mkdir()
    with zipfile.ZipFile(ev / "usb.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(0, len(raw), 1 << 20):
            z.writestr(f"dump/disk.{i // (1 << 20) + 1:03d}", raw[i:i + (1 << 20)])
    code, doc, err = _scan(tmp_path / "out", str(ev))
    assert doc["skipped"] == [], doc["skipped"]
    assert [f["path"].rsplit(" » ", 2)[-2:] for f in doc["files"]] == [["fs (ext4)", "/home/名簿.xlsx"]], doc["files"]
    assert code == 0, err


def test_a_split_ext4_in_a_zip_with_a_piece_lost_is_not_joined(tmp_path: Path) -> None:
    """The same set without disk.003: no whole image to join; disk.001 is read alone as before (truncated, exit 3)."""
    from image_data import ext_image, leaked_workbook, write_tree

    if not shutil.which("mke2fs"):
        pytest.skip("mke2fs builds the file system")
    tree = write_tree(tmp_path / "tree", {"home/名簿.xlsx": leaked_workbook(seed=6)})
    raw = ext_image(tmp_path / "ext4.img", tree, size_mib=4).read_bytes()
    ev = tmp_path / "evidence"
    ev.mkdir()
    with zipfile.ZipFile(ev / "usb.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(0, len(raw), 1 << 20):
            if i // (1 << 20) + 1 != 3:
                z.writestr(f"dump/disk.{i // (1 << 20) + 1:03d}", raw[i:i + (1 << 20)])
    code, doc, err = _scan(tmp_path / "out", str(ev))
    assert any("disk.001" in s["path"] and "4194304" in s["detail"] for s in doc["skipped"]), doc["skipped"]
    assert code == 3, err
