"""exFAT with files, as a USB stick or an SD card holds them (issue 10, session 6): made by mkfs.exfat
(exfatprogs) and written through the exfat-fuse driver on a loop device (a file copied in, one in a
folder, one deleted), then laid into an MBR disk (type 0x07) and copied with no extension. The walk must
list what ``fls -r -p`` lists, the deleted file too, with ``icat``'s bytes.

Loop devices and FUSE are needed to write the files (no Linux tool writes exFAT files without mounting):
where the sandbox has neither, the test skips with the reason (as the LVM test does).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.image_data import LEAKED, MIB, Unavailable, leaked_workbook, partitioned_disk, sha256


def exfat_image(path: Path, files: dict[str, bytes], deleted: dict[str, bytes], size_mib: int = 16) -> Path:
    """mkfs.exfat, then FILES written and DELETED written then removed, through mount.exfat-fuse."""
    with open(path, "wb") as f:
        f.truncate(size_mib * MIB)
    subprocess.run(["mkfs.exfat", "-L", "USB", str(path)], check=True, capture_output=True)
    try:
        loop = subprocess.run(["losetup", "-f", "--show", str(path)], check=True, capture_output=True,
                              text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as e:
        raise Unavailable(f"no loop device: {e}") from e
    mnt = Path(tempfile.mkdtemp(prefix="exfat-mnt-"))
    try:
        try:
            subprocess.run(["mount.exfat-fuse", loop, str(mnt)], check=True, capture_output=True, timeout=30)
        except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
            raise Unavailable(f"exfat-fuse cannot mount here: {e}") from e
        try:
            for name, data in {**files, **deleted}.items():
                target = mnt / name.lstrip("/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            for name in deleted:
                (mnt / name.lstrip("/")).unlink()
        finally:
            subprocess.run(["fusermount", "-u", str(mnt)], capture_output=True, timeout=30)
    finally:
        subprocess.run(["losetup", "-d", loop], capture_output=True)
        shutil.rmtree(mnt, ignore_errors=True)
    return path


def fls_files(image: Path, offset_sectors: int = 0) -> set[tuple[str, bool]]:
    """(path, deleted) of every regular file ``fls -r -p`` lists, TSK's own metadata files left out."""
    out = subprocess.run(["fls", "-r", "-p", "-o", str(offset_sectors), str(image)], check=True, capture_output=True,
                         text=True).stdout
    files = set()
    for line in out.splitlines():
        kind, _, rest = line.partition(" ")
        deleted = rest.startswith("* ")
        path = rest.split(":\t", 1)[1]
        if kind == "r/r" and not path.startswith("$") and "(Volume Label Entry)" not in path:
            files.add(("/" + path, deleted))
    return files


@pytest.fixture(scope="module")
def usb(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("exfat")
    leaked, old = leaked_workbook(seed=51, rows=7), leaked_workbook(seed=52, rows=9)
    files = {f"/名簿/{LEAKED}": leaked, "/memo.txt": b"memo\n" * 50}
    try:
        fs = exfat_image(base / "usb.img", files, {f"/old_{LEAKED}": old})
    except Unavailable as e:
        pytest.skip(str(e))
    disk = base / "usb-disk.img"
    offsets = partitioned_disk(disk, [(fs, "7")])
    bare = base / "usbdump"  # the same disk, copied with no extension
    shutil.copyfile(disk, bare)
    return {"fs": fs, "disk": disk, "bare": bare, "offset": offsets[0], "leaked": sha256(leaked), "old": sha256(old)}


def test_exfat_files_and_deleted_file_as_fls_and_icat_see_them(usb: dict, tmp_path: Path) -> None:
    proc = run_leakscan("scan", str(usb["disk"]), str(usb["bare"]), "--name", LEAKED, "--name", f"old_{LEAKED}",
                        "--name", "memo.txt", "--out", str(tmp_path / "out"), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    expected = fls_files(usb["disk"], usb["offset"] // 512)
    assert (f"/old_{LEAKED}", True) in expected and (f"/名簿/{LEAKED}", False) in expected  # what TSK sees
    for source in (usb["disk"], usb["bare"]):
        rows = [f for f in doc["files"] if f["source"] == str(source)]
        listed = {(f["path"].rsplit(" » ", 1)[1], bool(f.get("deleted"))) for f in rows}
        assert listed == expected, (source, listed)
        assert {f["container"][-1]["name"] for f in rows} == {"p1 (exFAT)"}
        by_path = {f["path"].rsplit(" » ", 1)[1]: f for f in rows}
        assert by_path[f"/名簿/{LEAKED}"]["sha256"] == usb["leaked"]
        assert by_path[f"/old_{LEAKED}"]["sha256"] == usb["old"]  # the deleted copy, recovered
        for path, f in by_path.items():
            inode = _inode(usb["disk"], usb["offset"] // 512, path)
            icat = subprocess.run(["icat", "-o", str(usb["offset"] // 512), str(usb["disk"]), inode],
                                  check=True, capture_output=True).stdout
            assert f["sha256"] == sha256(icat), path
    volumes = doc["scan"]["source_details"][0]["volumes"]
    assert [(v["name"], v["fs_type"], v["partition_type"]) for v in volumes] == [("p1", "exFAT", "NTFS / exFAT (0x07)")]
    assert not [s for s in doc["skipped"] if s["reason"] not in ("special-file",)], doc["skipped"]


def _inode(image: Path, offset: int, path: str) -> str:
    out = subprocess.run(["fls", "-r", "-p", "-o", str(offset), str(image)], check=True, capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        head, _, name = line.partition(":\t")
        if "/" + name == path:
            return head.split()[-1]
    raise AssertionError(path)
