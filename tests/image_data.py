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

from scanner.demo import birth_date

LEAKED = "介護予防_利用者名簿.xlsx"

# A ``sitecustomize`` for a scan's PYTHONPATH (tests/test_image_walker.py, test_split11_walk_error.py): pytsk3 (and
# dfvfs's APFS reader, by LEAKSCAN_TEST_DFVFS_FAULTS) crash, hang or raise on the names and settings it reads.
WALK_FAULTS = '''
import os, signal, time

try:
    import pytsk3 as _tsk
except ImportError:
    _tsk = None


def _fault(name, where):
    """SIGSEGV or a hang when ``name`` holds LEAKSCAN-<where>-SEGV / -HANG."""
    if f"LEAKSCAN-{where}-SEGV".encode() in name:
        os.kill(os.getpid(), signal.SIGSEGV)
    if f"LEAKSCAN-{where}-HANG".encode() in name:
        time.sleep(3600)


if _tsk is not None:
    _Real = _tsk.FS_Info

    class _File:
        """A pytsk3 file whose content read crashes or hangs when its name holds a marker."""

        def __init__(self, real):
            self._real = real

        def read_random(self, *args, **kwargs):
            _fault(self._real.info.name.name or b"", "READ")
            return self._real.read_random(*args, **kwargs)

        def __iter__(self):
            return iter(self._real)

        def __getattr__(self, name):
            return getattr(self._real, name)

    class _Raising:
        """A pytsk3 entry whose metadata cannot be read: its ``info`` raises OSError (the library failing)."""

        def __init__(self, real):
            self._real = real

        @property
        def info(self):
            raise OSError("injected: the library failed reading an entry")

        def __getattr__(self, name):
            return getattr(self._real, name)

    class FS_Info:
        """pytsk3's file system: listing a directory holding a marker crashes or hangs (the entries of one
        holding LEAKSCAN-WALK-OSERR raise OSError when their metadata is read); so does opening the
        root's metadata when LEAKSCAN_TEST_WALK_ROOT_SEGV is set. Each opening is logged (one per walker)."""

        def __init__(self, *args, **kwargs):
            if os.environ.get("LEAKSCAN_TEST_WALK_OPEN_SEGV"):
                os.kill(os.getpid(), signal.SIGSEGV)
            if os.environ.get("LEAKSCAN_TEST_WALK_LOG"):
                with open(os.environ["LEAKSCAN_TEST_WALK_LOG"], "a") as log:
                    log.write(f"{os.getpid()}\\n")
            self._real = _Real(*args, **kwargs)

        def open_dir(self, *args, **kwargs):
            for f in self._real.open_dir(*args, **kwargs):
                _fault(f.info.name.name or b"", "WALK")
                if b"LEAKSCAN-WALK-FLAKY" in (f.info.name.name or b""):  # listed fine once, crashes after
                    flag = os.environ["LEAKSCAN_TEST_WALK_FLAG"]
                    if os.path.exists(flag):
                        os.kill(os.getpid(), signal.SIGSEGV)
                    open(flag, "w").close()
            return [_Raising(f) if b"LEAKSCAN-WALK-OSERR" in (f.info.name.name or b"") else _File(f)
                    for f in self._real.open_dir(*args, **kwargs)]

        def open_meta(self, *args, **kwargs):
            if os.environ.get("LEAKSCAN_TEST_WALK_ROOT_SEGV") and kwargs.get("inode") == self._real.info.root_inum:
                os.kill(os.getpid(), signal.SIGSEGV)
            return self._real.open_meta(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(self._real, name)

    _tsk.FS_Info = FS_Info

_DFVFS = os.environ.get("LEAKSCAN_TEST_DFVFS_FAULTS", "")  # "DIRECTORY:FILE": dfvfs (libfsapfs) crashes on them
if _DFVFS:
    from dfvfs.file_io import apfs_file_io as _afi
    from dfvfs.vfs import apfs_file_entry as _afe

    _bad_dir, _bad_file = _DFVFS.split(":")
    _subs, _read = _afe.APFSFileEntry._GetSubFileEntries, _afi.APFSFile.read

    def _listing(self):
        if self.name == _bad_dir:
            os.kill(os.getpid(), signal.SIGSEGV)
        return _subs(self)

    def _reading(self, *args, **kwargs):
        if (getattr(self._path_spec, "location", "") or "").endswith("/" + _bad_file):
            os.kill(os.getpid(), signal.SIGSEGV)
        return _read(self, *args, **kwargs)

    _afe.APFSFileEntry._GetSubFileEntries, _afi.APFSFile.read = _listing, _reading
'''
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
                   birth_date(fake).isoformat()])
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


def ext2_before_after(root: Path, added: dict[str, bytes]) -> Path:
    """ROOT/before.raw and ROOT/after.raw: two 4 MiB ext2 file systems made alike (fixed UUID, hash seed and time),
    both holding keep.txt, the second also ADDED, so a QCOW2 overlay or a differencing disk of the second over the
    first stores only the clusters that differ. Returns ROOT."""
    same = ["-U", "11111111-2222-3333-4444-555555555555", "-E", "hash_seed=11111111-2222-3333-4444-555555555555"]
    env = {**os.environ, "E2FSPROGS_FAKE_TIME": "1700000000"}
    for name, files in (("before", {"keep.txt": b"kept\n"}), ("after", {"keep.txt": b"kept\n", **added})):
        tree = root / f"tree_{name}"
        tree.mkdir()
        for file, data in files.items():
            (tree / file).write_bytes(data)
        subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", *same, "-d", str(tree), str(root / f"{name}.raw"), "4M"],
                       check=True, env=env, capture_output=True)
    return root


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
    for (img, _), off in zip(parts, offsets, strict=True):
        sparse_copy(img, path, off)
    return offsets


def base_and_grown_disks(base: Path, leaked: bytes, extra: bytes) -> tuple[Path, Path]:
    """Two MBR disks of one FAT16 partition: the first holds ``/A/LEAKED``, the second the same plus
    ``/A/added_later.xlsx`` (what a VM's parent and child disk hold after a snapshot)."""
    fat1 = fat_image(base / "f1.img", {f"/A/{LEAKED}": leaked}, size_mib=8, bits=16, sectors_per_cluster=1)
    fat2 = fat_image(base / "f2.img", {f"/A/{LEAKED}": leaked, "/A/added_later.xlsx": extra}, size_mib=8, bits=16,
                     sectors_per_cluster=1)
    disk1, disk2 = base / "disk1.raw", base / "disk2.raw"
    partitioned_disk(disk1, [(fat1, "6")])
    partitioned_disk(disk2, [(fat2, "6")])
    return disk1, disk2


def sparse_copy(src: Path, dst: Path, offset: int, chunk: int = MIB) -> None:
    """Write SRC into DST at OFFSET, skipping all-zero chunks (a 300 MiB XFS stays a few MiB on disk)."""
    with open(src, "rb") as fin, open(dst, "r+b") as fout:
        at = 0
        while data := fin.read(chunk):
            if any(data):
                fout.seek(offset + at)
                fout.write(data)
            at += len(data)


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


def xfs_image(path: Path, files: dict[str, bytes]) -> Path:
    """``mkfs.xfs -p PROTOFILE`` (no mount, no root): XFS holding FILES (one directory level at most).

    300 MiB is the smallest XFS current mkfs.xfs makes; the file is sparse.
    """
    stage = path.parent / (path.name + ".stage")
    stage.mkdir(exist_ok=True)
    tree: dict[str, list[tuple[str, Path]]] = {}
    for i, (inner, data) in enumerate(files.items()):
        folder, _, name = inner.strip("/").rpartition("/")
        local = stage / f"{i}.bin"
        local.write_bytes(data)
        tree.setdefault(folder, []).append((name, local))
    lines = ["/dev/null", "0 0", "d--755 0 0"]
    for folder, entries in tree.items():
        if folder:
            lines.append(f"{folder} d--755 0 0")
        lines += [f"{name} ---644 0 0 {local}" for name, local in entries]
        if folder:
            lines.append("$")
    lines.append("$")
    proto = stage / "proto"
    proto.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open(path, "wb") as f:
        f.truncate(300 * MIB)
    run("mkfs.xfs", "-q", "-f", "-p", str(proto), str(path))
    shutil.rmtree(stage)
    return path


def ntfs_image(path: Path, files: dict[str, bytes], size_mib: int = 8) -> Path:
    """``mkntfs`` then ``ntfscp`` (ntfs-3g tools, no mount): NTFS holding FILES in its root folder."""
    with open(path, "wb") as f:
        f.truncate(size_mib * MIB)
    run("mkntfs", "-q", "-F", "-f", "-L", "EVIDENCE", str(path))
    for inner, data in files.items():
        local = path.parent / (path.name + ".in")
        local.write_bytes(data)
        run("ntfscp", "-f", str(path), str(local), inner.strip("/"))
        local.unlink()
    return path


LUKS_KEY = bytes(range(64))  # the volume key the test volumes are made with (aes-xts-plain64, 512 bits)


def luks_image(path: Path, inner: Path | None, passphrase: str, version: str = "luks1") -> Path:
    """``cryptsetup luksFormat`` on a file (no device mapper needed), then INNER encrypted into its data
    area with the known volume key: AES-XTS, plain64 sector numbers, as dm-crypt writes it.

    ``inner=None`` leaves the data area empty (for volumes that are only meant to be recognised).
    """
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    data = inner.read_bytes() if inner is not None else b""
    with open(path, "wb") as f:
        f.truncate(17 * MIB + len(data))
    key, secret = path.parent / (path.name + ".vk"), path.parent / (path.name + ".pw")
    key.write_bytes(LUKS_KEY)
    secret.write_text(passphrase)
    args = ["cryptsetup", "luksFormat", "-q", "--type", version, "--cipher", "aes-xts-plain64", "--key-size", "512",
            "--volume-key-file", str(key), "--key-file", str(secret)]
    if version == "luks1":
        args += ["--pbkdf-force-iterations", "1000"]
    else:  # what current cryptsetup writes by default: argon2id
        args += ["--pbkdf", "argon2id", "--pbkdf-force-iterations", "4", "--pbkdf-memory", "32"]
    run(*args, str(path))
    key.unlink()
    secret.unlink()
    if data:
        header = path.read_bytes()[:512]
        assert header[:6] == b"LUKS\xba\xbe" and version == "luks1", "only LUKS1 volumes get content"
        payload = struct.unpack(">I", header[104:108])[0] * 512
        out = bytearray()
        for i in range(0, len(data), 512):
            tweak = struct.pack("<Q", i // 512) + bytes(8)
            enc = Cipher(algorithms.AES(LUKS_KEY), modes.XTS(tweak)).encryptor()
            out += enc.update(data[i:i + 512].ljust(512, b"\0")) + enc.finalize()
        with open(path, "r+b") as f:
            f.seek(payload)
            f.write(out)
    return path


def qemu_convert(src: Path, dst: Path, fmt: str, *options: str) -> Path:
    run("qemu-img", "convert", "-f", "raw", "-O", fmt, *options, str(src), str(dst))
    return dst


def qcow2_overlay(base_raw: Path, changed_raw: Path, folder: Path) -> tuple[Path, Path]:
    """BASE as base.qcow2, and overlay.qcow2 holding only what CHANGED differs in (backing file by
    relative name, as qemu-img writes it for a VM's snapshot chain)."""
    base = qemu_convert(base_raw, folder / "base.qcow2", "qcow2")
    overlay = folder / "overlay.qcow2"
    run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", "-B", "base.qcow2", "-F", "qcow2", str(changed_raw),
        str(overlay))
    return base, overlay


def udif_image(raw: Path, out: Path, sectors_per_chunk: int = 2048, tables: list[int] | None = None) -> Path:
    """A UDIF (.dmg) as hdiutil writes it: zlib chunks (zero runs as ignore chunks), a blkx plist and the
    512-byte ``koly`` trailer. Built here because no Linux tool writes UDIF. TABLES: the first sector of each
    block table after the first (hdiutil writes one per partition); one table for the whole disk by default."""
    import itertools
    import plistlib
    import zlib

    data = raw.read_bytes()
    sectors = -(-len(data) // 512)
    fork = bytearray()
    starts = [0, *(tables or []), sectors]
    entries = []
    for n, (start, end) in enumerate(itertools.pairwise(starts)):
        chunks = []
        for first in range(start, end, sectors_per_chunk):
            count = min(sectors_per_chunk, end - first)
            block = data[first * 512:(first + count) * 512].ljust(count * 512, b"\0")
            if not any(block):
                chunks.append((0x00000002, first - start, count, len(fork), 0))
                continue
            packed = zlib.compress(block)
            chunks.append((0x80000005, first - start, count, len(fork), len(packed)))
            fork += packed
        chunks.append((0xFFFFFFFF, end - start, 0, len(fork), 0))
        mish = struct.pack(">4sIQQQII24sII128sI", b"mish", 1, start, end - start, 0, sectors_per_chunk, n,
                           bytes(24), 0, 0, bytes(128), len(chunks))
        mish += b"".join(struct.pack(">IIQQQQ", kind, 0, first, count, off, size)
                         for kind, first, count, off, size in chunks)
        name = f"part {n} (Apple_HFS : {n})"
        entries.append({"Attributes": "0x0050", "CFName": name, "Data": mish, "ID": str(n), "Name": name})
    plist = plistlib.dumps({"resource-fork": {"blkx": entries}})
    koly = struct.pack(">4sIIIQQQQQII16sII128sQQ120sII128sIQ12s", b"koly", 4, 512, 1, 0, 0, len(fork), 0, 0, 1, 1,
                       bytes(range(16)), 0, 0, bytes(128), len(fork), len(plist), bytes(120), 0, 0, bytes(128), 1,
                       sectors, bytes(12))
    assert len(koly) == 512
    out.write_bytes(bytes(fork) + plist + koly)
    return out


class Unavailable(Exception):
    """The sandbox cannot run a tool the builder needs (e.g. no loop devices for LVM)."""


def lvm2_group(path: Path, lvs: str, size_mib: int = 16, copies: int = 1, force: bool = False) -> int:
    """PATH (SIZE_MIB, the whole file one physical volume) made a real LVM2 physical volume (pvcreate/vgcreate
    on a loop device, 1 MiB extents, COPIES metadata areas: 2 puts one at its end too) whose group holds the
    logical volumes LVS (a logical_volumes section's body), written by lvm2's vgcfgrestore; returns pe_start in
    bytes. Without device-mapper no volume can be
    created or activated, so the metadata is restored and the volumes' bytes are the caller's to write. FORCE:
    vgcfgrestore --force (lvm2 asks for it to restore thin volumes)."""
    import uuid

    with open(path, "wb") as f:
        f.truncate(size_mib * MIB)
    vg = f"lksc{uuid.uuid4().hex[:10]}"
    try:
        loop = subprocess.run(["losetup", "-f", "--show", str(path)], check=True, capture_output=True,
                              text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as e:
        raise Unavailable(f"no loop device: {e}") from e
    meta = path.parent / (path.name + ".vg")
    try:
        run("pvcreate", "-q", "--pvmetadatacopies", str(copies), loop)
        run("vgcreate", "-q", "-s", "1m", vg, loop)
        run("vgcfgbackup", "-q", "-f", str(meta), vg)
        text = meta.read_text()
        end = text.rstrip().rfind("}")
        meta.write_text(text[:end] + "logical_volumes {\n" + lvs + "}\n}\n")
        run("vgcfgrestore", "-q", *(["--force"] if force else []), "-f", str(meta), vg)
        return int(text.split("pe_start = ")[1].split()[0]) * 512
    except subprocess.CalledProcessError as e:
        raise Unavailable(f"LVM tools failed: {e.stderr.decode(errors='replace')[-300:]}") from e
    finally:
        subprocess.run(["vgchange", "-q", "-an", vg], capture_output=True)
        subprocess.run(["losetup", "-d", loop], capture_output=True)
        meta.unlink(missing_ok=True)


def lvm_volume(path: Path, inner: Path, size_mib: int = 16) -> Path:
    """A real LVM2 physical volume (lvm2_group) holding one linear logical volume with INNER in it, written
    where its extents are (from extent 1)."""
    extents = -(-inner.stat().st_size // MIB)
    lv = (f"\tdata {{\n\t\tid = \"{_lvm_id()}\"\n\t\tstatus = [\"READ\", \"WRITE\", "
          f"\"VISIBLE\"]\n\t\tflags = []\n\t\tsegment_count = 1\n\t\tsegment1 {{\n\t\t\tstart_extent = 0\n"
          f"\t\t\textent_count = {extents}\n\t\t\ttype = \"striped\"\n\t\t\tstripe_count = 1\n"
          f"\t\t\tstripes = [\"pv0\", 1]\n\t\t}}\n\t}}\n")
    pe_start = lvm2_group(path, lv, size_mib)
    sparse_copy(inner, path, pe_start + 1 * MIB)  # the LV starts at extent 1 (1 MiB extents)
    return path


def _lvm_id() -> str:
    import random

    chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    rnd = random.Random(7)
    parts = [6, 4, 4, 4, 4, 4, 6]
    return "-".join("".join(rnd.choice(chars) for _ in range(n)) for n in parts)


def sparse_bundle(folder: Path, disk: bytes, token: bytes = b"", band: int = 1 << 16) -> Path:
    """DISK as a macOS sparse bundle laid out as hdiutil writes one: an XML Info.plist (and its copy Info.bckup)
    with diskimage-bundle-type, size and band-size, a token, band files named in lowercase hex, bands never
    written (all zeros) left out."""
    import plistlib

    (folder / "bands").mkdir(parents=True)
    info = {"CFBundleInfoDictionaryVersion": "6.0", "band-size": band, "bundle-backingstore-version": 1,
            "diskimage-bundle-type": "com.apple.diskimage.sparsebundle", "size": len(disk)}
    (folder / "Info.plist").write_bytes(plistlib.dumps(info))
    (folder / "Info.bckup").write_bytes(plistlib.dumps(info))
    (folder / "token").write_bytes(token)
    for i in range(0, len(disk), band):
        if any(disk[i:i + band]):
            (folder / "bands" / f"{i // band:x}").write_bytes(disk[i:i + band])
    return folder
