"""Build disk images for the image tests without root: mkfs.vfat + mtools, mke2fs -d, debugfs, sfdisk,
ewfacquire. Contents come from lists (Faker ja_JP with a fixed seed for the leaked workbook).

Every builder returns what it put in (bytes per path) so tests compare with hashlib, never with
hard-coded digests.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import struct
import subprocess
from pathlib import Path

LEAKED = "介護予防_利用者名簿.xlsx"
MIB = 1 << 20
ENV = {**os.environ, "MTOOLS_SKIP_CHECK": "1", "LC_ALL": "C.UTF-8"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def leaked_workbook(seed: int = 4, rows: int = 30) -> bytes:
    """The 'leaked' list: a real .xlsx of fictitious people (Faker ja_JP, fixed seed)."""
    from faker import Faker
    from openpyxl import Workbook

    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    wb = Workbook()
    ws = wb.active
    ws.title = "利用者"
    ws.append(["氏名", "フリガナ", "住所", "電話番号", "生年月日"])
    for _ in range(rows):
        ws.append([fake.name(), fake.kana_name(), fake.address(), fake.phone_number(),
                   fake.date_of_birth().isoformat()])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(*cmd: str, input: bytes | None = None, env: dict[str, str] | None = None) -> None:
    subprocess.run(cmd, check=True, env=env or ENV, input=input, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def fat_image(path: Path, files: dict[str, bytes], deleted: dict[str, bytes] | None = None,
              size_mib: int = 16, bits: int = 16, sectors_per_cluster: int | None = None,
              mtime: float | None = None, tz: str = "UTC0") -> Path:
    """A FAT file system image holding ``files``; each of ``deleted`` is copied in, then ``mdel``-ed.

    mtools writes times as the local wall clock of zone ``tz`` (as a Windows PC would); ``mtime`` sets
    the modification time of every file (``mcopy -m``).
    """
    env = {**ENV, "TZ": tz}
    with open(path, "wb") as f:
        f.truncate(size_mib * MIB)
    args = ["mkfs.vfat", "-F", str(bits), "-n", "EVIDENCE"]
    if sectors_per_cluster:
        args += ["-s", str(sectors_per_cluster)]
    run(*args, str(path))
    stage = path.parent / (path.name + ".stage")
    stage.mkdir(exist_ok=True)
    made: set[str] = set()
    for i, (inner, data) in enumerate([*files.items(), *(deleted or {}).items()]):
        parts = inner.strip("/").split("/")
        for depth in range(1, len(parts)):
            d = "/".join(parts[:depth])
            if d not in made:
                run("mmd", "-i", str(path), f"::/{d}")
                made.add(d)
        local = stage / f"{i}_{parts[-1]}"
        local.write_bytes(data)
        if mtime is not None:
            os.utime(local, (mtime, mtime))
        run("mcopy", "-m", "-i", str(path), str(local), f"::/{'/'.join(parts)}", env=env)
    for inner in deleted or {}:
        run("mdel", "-i", str(path), f"::/{inner.strip('/')}", env=env)
    shutil.rmtree(stage)
    return path


def write_tree(root: Path, files: dict[str, bytes]) -> Path:
    for inner, data in files.items():
        p = root / inner.strip("/")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return root


def ext_image(path: Path, tree: Path, size_mib: int = 8, fs: str = "ext4", debugfs: list[str] = ()) -> Path:
    """``mke2fs -d TREE`` (no root needed), then optional ``debugfs -w`` requests (rm, clri, link ...)."""
    run("mke2fs", "-q", "-F", "-t", fs, "-d", str(tree), str(path), f"{size_mib}M")
    for request in debugfs:
        run("debugfs", "-w", "-R", request, str(path))
    return path


def partitioned_disk(path: Path, parts: list[tuple[Path, str]], label: str = "dos") -> list[int]:
    """Lay file-system images into a new disk with an MBR ("dos") or GPT table; returns byte offsets.

    ``parts`` holds (image, type): sfdisk type codes (``6``, ``83``, ``7``) for MBR, GUIDs for GPT.
    """
    start = 2048
    lines, offsets = [f"label: {label}"], []
    for img, ptype in parts:
        sectors = -(-img.stat().st_size // 512)
        lines.append(f"start={start}, size={sectors}, type={ptype}")
        offsets.append(start * 512)
        start += sectors + 2048
    total = (start + 2048) * 512
    with open(path, "wb") as f:
        f.truncate(total)
    run("sfdisk", "-q", str(path), input=("\n".join(lines) + "\n").encode())
    with open(path, "r+b") as f:
        for (img, _), off in zip(parts, offsets, strict=True):
            f.seek(off)
            f.write(img.read_bytes())
    return offsets


def e01(raw: Path, target: Path, segment: str = "8MiB") -> Path:
    """``ewfacquire`` a raw image into TARGET.E01 (.E02 ...), MD5 + SHA-1 stored, no compression."""
    run("ewfacquire", "-u", "-q", "-t", str(target), "-c", "none", "-d", "sha1", "-S", segment,
        "-C", "2026-001", "-e", "examiner", "-E", "PC08", "-D", "test image", "-N", "generated", str(raw))
    return target.with_suffix(".E01")


def split_raw(raw: Path, stem: Path, pieces: int = 3) -> list[Path]:
    """Cut a raw image into STEM.000, STEM.001 ... (split raw, as dd/FTK produce)."""
    data = raw.read_bytes()
    step = -(-len(data) // pieces)
    step += -step % 512
    out = []
    for i in range(pieces):
        p = stem.with_name(f"{stem.name}.{i:03d}")
        p.write_bytes(data[i * step:(i + 1) * step])
        out.append(p)
    return out


def fat16_geometry(img: bytes) -> tuple[int, int, int, int]:
    """(bytes per sector, FAT offset, FAT size in bytes, number of FATs) from the boot sector."""
    bps, _spc, reserved, nfats, _roots, _total, _media, fat_sectors = struct.unpack_from("<HBHBHHBH", img, 11)
    return bps, reserved * bps, fat_sectors * bps, nfats


def fat16_loop_directory(path: Path, directory: str) -> list[int]:
    """Make the cluster chain of a root-level FAT16 directory loop back to its first cluster."""
    b = bytearray(path.read_bytes())
    bps, fat, fat_size, nfats = fat16_geometry(b)
    roots = struct.unpack_from("<H", b, 17)[0]
    root_dir = fat + nfats * fat_size
    short = directory.upper().ljust(11).encode()
    first = next(struct.unpack_from("<H", b, root_dir + 32 * i + 26)[0] for i in range(roots)
                 if b[root_dir + 32 * i: root_dir + 32 * i + 11] == short)
    chain = [first]
    while (nxt := struct.unpack_from("<H", b, fat + 2 * chain[-1])[0]) < 0xFFF8:
        chain.append(nxt)
    for k in range(nfats):
        struct.pack_into("<H", b, fat + k * fat_size + 2 * chain[-1], first)
    path.write_bytes(bytes(b))
    return chain


def vhd_fixed(raw: Path, out: Path) -> Path:
    """A fixed-size VHD: the raw bytes plus the 512-byte 'conectix' footer (what Hyper-V/Virtual PC write)."""
    data = raw.read_bytes()
    size = len(data)
    cylinders, heads, spt = min(size // (16 * 63 * 512), 65535), 16, 63
    footer = bytearray(512)
    struct.pack_into(">8sIIQI4sIIQQHBBII16sB", footer, 0, b"conectix", 2, 0x00010000, 0xFFFFFFFFFFFFFFFF, 0,
                     b"lksc", 0x00010000, 0x5769326B, size, size, cylinders, heads, spt, 2, 0,
                     bytes(range(16)), 0)
    checksum = ~sum(footer) & 0xFFFFFFFF
    struct.pack_into(">I", footer, 64, checksum)
    out.write_bytes(data + bytes(footer))
    return out


def fat16_subdir_points_to(path: Path, parent: str, child: str) -> int:
    """Point the FAT16 directory entry PARENT/CHILD at PARENT's own first cluster: a directory cycle."""
    b = bytearray(path.read_bytes())
    bps, fat, fat_size, nfats = fat16_geometry(b)
    spc = b[13]
    roots = struct.unpack_from("<H", b, 17)[0]
    root_dir = fat + nfats * fat_size
    data_start = root_dir + roots * 32
    short = parent.upper().ljust(11).encode()
    first = next(struct.unpack_from("<H", b, root_dir + 32 * i + 26)[0] for i in range(roots)
                 if b[root_dir + 32 * i: root_dir + 32 * i + 11] == short)
    cluster_at = data_start + (first - 2) * spc * bps
    want = child.upper().ljust(11).encode()
    for off in range(cluster_at, cluster_at + spc * bps, 32):
        if b[off: off + 11] == want:
            struct.pack_into("<H", b, off + 26, first)
            path.write_bytes(bytes(b))
            return first
    raise ValueError(f"{parent}/{child} not found")
