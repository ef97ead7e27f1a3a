#!/usr/bin/env python3
"""Sweep: many variants of each image family an examiner meets, built here, each scanned by the CLI and compared.

Families (built with the Linux tools of this machine, tests/image_data.py's builders): cpio in every format GNU cpio
writes (hard links, symlinks, a device node, a FIFO, long and non-UTF-8 names, empty files; cut, byte-flipped,
inside .gz/.tar/.zip, trailer missing); QCOW2 (v2/v3, compressed, overlay chains, backing missing or renamed, raw
backing); VMDK (monolithicSparse, twoGbMaxExtentSparse, monolithicFlat, streamOptimized, an extent missing); VHD
fixed/dynamic, VHDX; partitioned disks (MBR and GPT, ext2/ext4/FAT/exFAT/NTFS/XFS, LUKS1/LUKS2 with and without the
passphrase, an unknown type, overlapping and out-of-disk partitions, a damaged primary GPT); UDIF; and the corpus'
APFS, LVM-in-QCOW2, VSS and differencing VHD with damaged copies. Every variant is also scanned renamed with no
extension and as ``.bin``.

Each scan: ``scan.py scan FILE --known-hashes ALL --workers 1`` (every file is hashed, every file whose bytes are
known is a hit), compared with what The Sleuth Kit lists (``fls -r -p`` per partition, bytes by ``icat``) or, for
cpio, with the tree archived. A row says: exit code, files found / expected (live; deleted where TSK recovers
them), the skipped reasons and codes, and a verdict: ``ok``; ``missing`` (expected files not found, and nothing
listed nor exit 3: silent); ``crash`` (a traceback or internal error); ``hang`` (the time limit).

Usage: PYTHONPATH=. python bench/image_variants.py [--only cpio,qcow,vmdk,vhd,disk,corpus] [--keep DIR]
       [--json OUT.json] [--no-renamed]
"""

from __future__ import annotations

import argparse
import collections
import gzip
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import image_data as idata  # noqa: E402  (tests/image_data.py: the builders the tests use)

CORPUS = ROOT.parent / "shared" / "corpus" / "images"
EMPTY = hashlib.sha256(b"").hexdigest()
MIB = 1 << 20
TIMEOUT = 300
# the bytes of the files base_disk deletes (ext4 /gone.txt, FAT /A/del.txt): a deleted file recovered is a hit too
DELETED_KNOWN = {hashlib.sha256(b"deleted later\n" * 20).hexdigest(), hashlib.sha256(b"fat deleted\n" * 10).hexdigest()}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def run(*cmd: str, cwd: Path | None = None, input: bytes | None = None) -> bytes:
    return subprocess.run(cmd, check=True, capture_output=True, cwd=cwd, input=input).stdout


# ---------------------------------------------------------------- what is expected


def tsk_expected(raw: Path) -> tuple[collections.Counter, collections.Counter]:
    """(live, deleted) Counters of (path, sha256) that The Sleuth Kit lists and reads in RAW, every partition."""
    offsets = [0]
    try:
        out = run("mmls", "-a", str(raw)).decode()
        offsets = [int(line.split()[2]) for line in out.splitlines() if line[:3].strip().rstrip(":").isdigit()]
    except subprocess.CalledProcessError:
        pass
    live: collections.Counter = collections.Counter()
    deleted: collections.Counter = collections.Counter()
    for off in offsets:
        try:
            listing = run("fls", "-r", "-p", "-o", str(off), str(raw)).decode("utf-8", "replace")
        except subprocess.CalledProcessError:
            continue
        for line in listing.splitlines():
            head, _, path = line.partition("\t")
            kind, gone, inode = head.split()[0], "*" in head, head.split()[-1].rstrip(":")
            if not kind.startswith("r/r") or "$OrphanFiles" in path or path.split("/")[-1].startswith("$") \
                    or ":" in path.split("/")[-1] or "(realloc)" in head or "(Volume Label Entry)" in path:
                continue
            try:
                data = run("icat", "-o", str(off), str(raw), inode)
            except subprocess.CalledProcessError:
                continue
            (deleted if gone else live)[("/" + path, sha(data))] += 1
    return live, deleted


def tree_expected(files: dict[str, bytes]) -> collections.Counter:
    return collections.Counter((p if p.startswith("/") else "/" + p, sha(d)) for p, d in files.items())


# ---------------------------------------------------------------- the scan


def scan(path: Path, known: set[str], work: Path, env: dict[str, str] | None = None,
         extra: tuple[str, ...] = ()) -> dict:
    out = work / ("out-" + hashlib.md5(str(path).encode()).hexdigest()[:8])
    shutil.rmtree(out, ignore_errors=True)
    kh = work / "known.txt"
    kh.write_text("\n".join(sorted(known)) + "\n")
    cmd = [sys.executable, str(ROOT / "scan.py"), "scan", str(path), "--known-hashes", str(kh), "--out", str(out),
           "--workers", "1", "--quiet", "--no-keywords", *extra]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, cwd=work,
                              env={**os.environ, **(env or {})})
    except subprocess.TimeoutExpired:
        return {"exit": "hang"}
    row: dict = {"exit": done.returncode, "stderr": done.stderr[-600:]}
    try:
        doc = json.loads((out / "findings.json").read_text())
    except (OSError, ValueError):
        row["found"] = collections.Counter()
        row["skipped"] = []
        return row
    found: collections.Counter = collections.Counter()
    found_deleted: collections.Counter = collections.Counter()
    for f in doc["files"]:
        if f.get("sha256") and "known-hash" in f.get("reasons", []):
            inner = f["inner_path"] if f["inner_path"].startswith("/") else "/" + f["inner_path"]
            (found_deleted if f.get("deleted") else found)[(inner, f["sha256"])] += 1
    row["found"], row["found_deleted"] = found, found_deleted
    row["skipped"] = [(s.get("inner_path") or s.get("path", ""), s.get("reason"), ",".join(c.get("code", "") for c in s.get("detail_codes") or []),
                       (s.get("detail") or "")[:160]) for s in doc["skipped"]]
    row["complete"] = doc["scan"].get("complete")
    row["source_errors"] = [str(e)[:200] for e in doc["scan"].get("source_errors", [])]
    row["formats"] = sorted({str(d.get("format")) for d in doc["scan"].get("source_details", []) if d.get("format")})
    row["volumes"] = [(v.get("name"), v.get("fs_type"), v.get("status")) for d in doc["scan"]["source_details"]
                      for v in d.get("volumes") or []]
    return row


def verdict(row: dict, live: collections.Counter, damaged: bool) -> str:
    if row["exit"] == "hang":
        return "hang"
    if "Traceback" in row.get("stderr", "") or "internal error" in row.get("stderr", ""):
        return "crash"
    missing = live - row["found"]
    said = [s for s in row["skipped"] if s[1] not in ("special-file",)] or row.get("source_errors")
    if missing and row["exit"] in (0, 1) and not said:
        return "SILENT-missing"
    if damaged and row["exit"] in (0, 1) and not row["skipped"]:
        return "damaged-but-clean"  # a damaged copy read whole with nothing said: worth a look
    if not live and not row["found"] and not row["skipped"] and not row.get("source_errors") and row["exit"] in (0, 1):
        return "SILENT-empty"
    return "ok" if not missing else "listed"


# ---------------------------------------------------------------- cpio

CPIO_FORMATS = ["newc", "crc", "odc", "bin", "ustar", "tar", "hpodc", "hpbin"]


def cpio_tree(root: Path) -> dict[str, bytes]:
    """A tree with the awkward members: hard links, a symlink, a device node, a FIFO, long and non-UTF-8 names,
    empty files. Returns the regular files' bytes by name (as GNU cpio writes them: ``./``-less)."""
    files = {"a.txt": b"alpha\n" * 50, "dir/b.csv": "氏名,住所\n山田,東京都\n".encode() * 40, "empty.txt": b"",
             "dir/sub/c.bin": os.urandom(70_000), ("L" * 90) + "/" + ("long" * 30) + ".txt": b"long name\n"}
    for name, data in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    os.link(root / "a.txt", root / "dir" / "hard.txt")
    files["dir/hard.txt"] = files["a.txt"]
    bad = os.fsencode(root) + b"/\x96\xbc\x95\xeb.txt"  # cp932 名簿: not UTF-8
    with open(bad, "wb") as f:
        f.write(b"non-utf8 name\n")
    os.symlink("a.txt", root / "link.txt")
    os.mkfifo(root / "fifo")
    try:
        os.mknod(root / "null", 0o600 | 0o020000, os.makedev(1, 3))
    except PermissionError:
        pass
    return files


def cpio_archive(root: Path, fmt: str) -> bytes:
    names = run("find", ".", "-mindepth", "1", cwd=root)
    return run("cpio", "-o", "--quiet", "-H", fmt, cwd=root, input=names)


def swap_bin(data: bytes) -> bytes:
    """A cpio ``bin`` archive in the other byte order (GNU cpio writes the machine's: little-endian here):
    every header's 13 16-bit words swapped, names and data kept (as a big-endian machine writes it)."""
    out = bytearray(data)
    off = 0
    while off + 26 <= len(out):
        words = struct.unpack_from("<13H", out, off)
        if words[0] != 0o070707:
            break
        struct.pack_into(">13H", out, off, *words)
        namesize = words[10]
        filesize = (words[11] << 16) | words[12]
        name_end = off + 26 + namesize + (namesize & 1)
        if out[off + 26: off + 26 + namesize - 1] == b"TRAILER!!!":
            break
        # the mtime and filesize are two words, most significant first, in either order: kept as written
        off = name_end + filesize + (filesize & 1)
    return bytes(out)


def cpio_variants(work: Path) -> Iterator[tuple[str, Path, collections.Counter, bool, dict]]:
    src = work / "cpio-tree"
    files = cpio_tree(src)
    bad_name = "/" + b"\x96\xbc\x95\xeb.txt".decode("cp932")
    live = tree_expected(files) + collections.Counter({(bad_name, sha(b"non-utf8 name\n")): 1})
    for fmt in CPIO_FORMATS:
        data = cpio_archive(src, fmt)
        name = f"x-{fmt}.cpio" if fmt not in ("tar", "ustar") else f"x-{fmt}.tar"
        p = work / name
        p.write_bytes(data)
        # GNU cpio cannot put a name component over 100 bytes in a tar header ("file name too long"): not in it
        held = live if fmt not in ("tar", "ustar") else collections.Counter(
            {k: v for k, v in live.items() if not any(len(part) > 100 for part in k[0].split("/"))})
        yield f"cpio {fmt}", p, held, False, {}
    data = cpio_archive(src, "bin")
    (work / "x-bin-be.cpio").write_bytes(swap_bin(data))
    yield "cpio bin big-endian", work / "x-bin-be.cpio", live, False, {}
    newc = cpio_archive(src, "newc")
    for label, damaged in (("cut at half", newc[:len(newc) // 2]),
                           ("cut in a header", newc[:newc.index(b"070701", 200) + 40]),
                           ("trailer missing", newc[:newc.rindex(b"070701")]),
                           ("header byte-flipped", _flip(newc, newc.index(b"070701", 200) + 60)),
                           ("magic byte-flipped", _flip(newc, newc.index(b"070701", 200) + 2))):
        p = work / f"x-newc-{label.replace(' ', '-')}.cpio"
        p.write_bytes(damaged)
        yield f"cpio newc {label}", p, live, True, {}
    odc = cpio_archive(src, "odc")
    p = work / "x-odc-cut.cpio"
    p.write_bytes(odc[: len(odc) * 2 // 3])
    yield "cpio odc cut", p, live, True, {}
    wrapped = work / "x.cpio.gz"
    wrapped.write_bytes(gzip.compress(newc))
    yield "cpio newc in .gz", wrapped, live, False, {}
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        info = tarfile.TarInfo("inner/x.cpio")
        info.size = len(newc)
        t.addfile(info, io.BytesIO(newc))
    (work / "x-cpio.tar").write_bytes(buf.getvalue())
    yield "cpio newc in .tar", work / "x-cpio.tar", live, False, {}
    with zipfile.ZipFile(work / "x-cpio.zip", "w") as z:
        z.writestr("inner/x.cpio", newc)
    yield "cpio newc in .zip", work / "x-cpio.zip", live, False, {}


def _flip(data: bytes, at: int) -> bytes:
    b = bytearray(data)
    b[at] ^= 0x5A
    return bytes(b)


# ---------------------------------------------------------------- disks and containers


def base_disk(work: Path, tag: str, extra: dict[str, bytes] | None = None, size_extra: int = 0) -> Path:
    """An MBR disk: p1 ext4 (files + one deleted), p2 FAT16 (files + one deleted)."""
    tree = work / f"tree-{tag}"
    shutil.rmtree(tree, ignore_errors=True)
    files = {"docs/a.txt": b"ext alpha\n" * 30, "docs/名簿.csv": "氏名,住所\n".encode() * 200,
             "gone.txt": b"deleted later\n" * 20, **(extra or {})}
    idata.write_tree(tree, files)
    ext = idata.ext_image(work / f"ext-{tag}.img", tree, 8, "ext4", debugfs=["rm /gone.txt"])
    fat = idata.fat_image(work / f"fat-{tag}.img", {"/A/b.txt": b"fat bravo\n" * 40, **(extra or {})},
                          deleted={"/A/del.txt": b"fat deleted\n" * 10}, size_mib=8, bits=16,
                          sectors_per_cluster=1)
    disk = work / f"disk-{tag}.raw"
    idata.partitioned_disk(disk, [(ext, "83"), (fat, "6")])
    if size_extra:
        with open(disk, "r+b") as f:
            f.truncate(disk.stat().st_size + size_extra)
    return disk


def container_variants(work: Path) -> Iterator[tuple[str, Path, collections.Counter, bool, dict]]:
    d0 = base_disk(work, "s0")
    d1 = base_disk(work, "s1", {"added1.txt": b"added in state 1\n" * 9})
    d2 = base_disk(work, "s2", {"added1.txt": b"added in state 1\n" * 9, "added2.txt": b"state 2\n" * 7})
    live0, _ = tsk_expected(d0)
    live2, _ = tsk_expected(d2)
    live1, _ = tsk_expected(d1)
    yield "raw MBR ext4+FAT16", d0, live0, False, {}
    for label, opts in (("qcow2 v3", ("-o", "compat=1.1")), ("qcow2 v2", ("-o", "compat=0.10")),
                        ("qcow2 compressed", ("-c",)), ("qcow2 v2 compressed", ("-c", "-o", "compat=0.10"))):
        p = work / f"{label.replace(' ', '-')}.qcow2"
        idata.qemu_convert(d0, p, "qcow2", *opts)
        yield label, p, live0, False, {}
    chain = work / "chain"
    chain.mkdir()
    idata.qemu_convert(d0, chain / "base.qcow2", "qcow2")
    run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", "-B", "base.qcow2", "-F", "qcow2", str(d1),
        "mid.qcow2", cwd=chain)
    run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", "-B", "mid.qcow2", "-F", "qcow2", str(d2),
        "top.qcow2", cwd=chain)
    yield "qcow2 chain of 2", chain / "mid.qcow2", live1, False, {}
    yield "qcow2 chain of 3", chain / "top.qcow2", live2, False, {}
    alone = work / "alone"
    alone.mkdir()
    shutil.copy(chain / "top.qcow2", alone / "top.qcow2")
    yield "qcow2 overlay, backing missing", alone / "top.qcow2", live2, True, {}
    renamed = work / "renamed-backing"
    shutil.copytree(chain, renamed)
    os.rename(renamed / "base.qcow2", renamed / "base-copy.qcow2")
    yield "qcow2 chain, base renamed", renamed / "top.qcow2", live2, True, {}
    rawb = work / "rawback"
    rawb.mkdir()
    shutil.copy(d0, rawb / "base.raw")
    run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", "-B", "base.raw", "-F", "raw", str(d1), "ov.qcow2",
        cwd=rawb)
    yield "qcow2 over raw backing", rawb / "ov.qcow2", live1, False, {}
    for sub in ("monolithicSparse", "monolithicFlat", "streamOptimized", "twoGbMaxExtentSparse",
                "twoGbMaxExtentFlat"):
        folder = work / f"vmdk-{sub}"
        folder.mkdir()
        idata.qemu_convert(d0, folder / "disk.vmdk", "vmdk", "-o", f"subformat={sub}")
        yield f"vmdk {sub}", folder / "disk.vmdk", live0, False, {}
    big = work / "big.raw"
    shutil.copy(d0, big)
    with open(big, "r+b") as f:
        f.truncate(4200 * MIB)  # three 2 GiB extents; the partitions in the first
    for sub in ("twoGbMaxExtentSparse", "twoGbMaxExtentFlat"):
        folder = work / f"vmdk-big-{sub}"
        folder.mkdir()
        idata.qemu_convert(big, folder / "disk.vmdk", "vmdk", "-o", f"subformat={sub}")
        yield f"vmdk {sub} 3 extents", folder / "disk.vmdk", live0, False, {}
        gone = work / f"vmdk-big-{sub}-gone"
        shutil.copytree(folder, gone)
        extents = sorted(p for p in gone.iterdir() if p.name.startswith(("disk-s0", "disk-f0")))
        extents[-1].unlink()
        yield f"vmdk {sub} last extent missing", gone / "disk.vmdk", live0, True, {}
        first = work / f"vmdk-big-{sub}-gone1"
        shutil.copytree(folder, first)
        sorted(p for p in first.iterdir() if p.name.startswith(("disk-s0", "disk-f0")))[0].unlink()
        yield f"vmdk {sub} first extent missing", first / "disk.vmdk", live0, True, {}
    big.unlink()
    for label, fmt, opts in (("vhd fixed", "vpc", ("-o", "subformat=fixed")),
                             ("vhd dynamic", "vpc", ("-o", "subformat=dynamic")),
                             ("vhdx dynamic", "vhdx", ()), ("vhdx fixed", "vhdx", ("-o", "subformat=fixed"))):
        ext = ".vhd" if fmt == "vpc" else ".vhdx"
        p = work / (label.replace(" ", "-") + ext)
        idata.qemu_convert(d0, p, fmt, *opts)
        yield label, p, live0, False, {}
        cut = work / (label.replace(" ", "-") + "-cut" + ext)
        cut.write_bytes(p.read_bytes()[: p.stat().st_size * 2 // 3])
        yield label + " cut to 2/3", cut, live0, True, {}
    q = work / "qcow2-v3.qcow2"
    cut = work / "qcow2-cut.qcow2"
    cut.write_bytes(q.read_bytes()[: q.stat().st_size // 2])
    yield "qcow2 cut at half", cut, live0, True, {}
    flipped = work / "qcow2-l1-flipped.qcow2"
    b = bytearray(q.read_bytes())
    l1 = struct.unpack_from(">Q", b, 40)[0]
    b[l1 + 3] ^= 0x40
    flipped.write_bytes(bytes(b))
    yield "qcow2 L1 entry flipped", flipped, live0, True, {}
    dmg = idata.udif_image(d0, work / "disk.dmg")
    yield "udif zlib", dmg, live0, False, {}
    b = bytearray(dmg.read_bytes())
    b[-512 + 0x28] ^= 0xFF  # koly: data fork length
    (work / "disk-koly.dmg").write_bytes(bytes(b))
    yield "udif koly damaged", work / "disk-koly.dmg", live0, True, {}
    (work / "disk-cut.dmg").write_bytes(dmg.read_bytes()[: dmg.stat().st_size // 2])
    yield "udif cut at half", work / "disk-cut.dmg", live0, True, {}


def disk_variants(work: Path) -> Iterator[tuple[str, Path, collections.Counter, bool, dict]]:
    files = {"/a.txt": b"one\n" * 100, "/sub/b.txt": b"two\n" * 300}
    tree = idata.write_tree(work / "dtree", {k.lstrip("/"): v for k, v in files.items()})
    ext2 = idata.ext_image(work / "p-ext2.img", tree, 4, "ext2")
    ext4 = idata.ext_image(work / "p-ext4.img", tree, 8, "ext4")
    fat = idata.fat_image(work / "p-fat.img", {"/fat/a.txt": b"fat one\n" * 80}, size_mib=8, bits=16,
                          sectors_per_cluster=1)
    ntfs = idata.ntfs_image(work / "p-ntfs.img", {"/ntfs.txt": b"ntfs one\n" * 90})
    exfat = work / "p-exfat.img"
    with open(exfat, "wb") as f:
        f.truncate(8 * MIB)
    run("mkfs.exfat", str(exfat))
    xfs = idata.xfs_image(work / "p-xfs.img", {"/xfs.txt": b"xfs one\n" * 70, "/d/x2.txt": b"xfs two\n"})
    luks_inner = idata.ext_image(work / "p-luksfs.img", tree, 4, "ext2")
    luks1 = idata.luks_image(work / "p-luks1.img", luks_inner, "pass-word")
    luks2 = idata.luks_image(work / "p-luks2.img", None, "pass-word", "luks2")
    xfs_files = tree_expected({"/xfs.txt": b"xfs one\n" * 70, "/d/x2.txt": b"xfs two\n"})
    luks_files = tree_expected(files)
    mbr = work / "mbr-mix.raw"
    idata.partitioned_disk(mbr, [(ext2, "83"), (fat, "6"), (ntfs, "7")])
    live, _ = tsk_expected(mbr)
    yield "MBR ext2+FAT16+NTFS", mbr, live, False, {}
    gpt = work / "gpt-mix.raw"
    L, B = "0FC63DAF-8483-4772-8E79-3D69D8477DE4", "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"
    idata.partitioned_disk(gpt, [(ext4, L), (exfat, B), (ntfs, B), (xfs, L), (luks1, L), (luks2, L)], "gpt")
    glive, _ = tsk_expected(gpt)
    glive += xfs_files
    yield "GPT ext4+exFAT+NTFS+XFS+LUKS1+LUKS2", gpt, glive, False, {}
    yield "GPT ... with --luks-passphrase", gpt, glive + luks_files, False, {
        "env": {"LEAKSCAN_LUKS_PASSPHRASE": "pass-word"}, "extra": ("--luks-passphrase",)}
    yield "GPT ... wrong passphrase", gpt, glive, False, {
        "env": {"LEAKSCAN_LUKS_PASSPHRASE": "nope"}, "extra": ("--luks-passphrase",)}
    unknown = work / "mbr-unknown.raw"
    idata.partitioned_disk(unknown, [(ext2, "83"), (fat, "da")])
    ulive, _ = tsk_expected(unknown)
    yield "MBR with unknown type 0xda (FAT inside)", unknown, ulive, False, {}
    rnd = work / "p-rnd.img"
    rnd.write_bytes(os.urandom(2 * MIB))
    unknown2 = work / "mbr-random.raw"
    idata.partitioned_disk(unknown2, [(ext2, "83"), (rnd, "da")])
    yield "MBR with random-data partition", unknown2, tsk_expected(unknown2)[0], False, {}
    # overlapping: p2 starts inside p1
    over = work / "mbr-overlap.raw"
    idata.partitioned_disk(over, [(ext2, "83"), (fat, "6")])
    table = run("sfdisk", "-d", str(over)).decode().splitlines()
    lines = [t for t in table if t.startswith(str(over))]
    body = "label: dos\n" + lines[0].split(":", 1)[1] + "\n" + "start=4096, size=16384, type=83\n" + \
        lines[1].split(":", 1)[1] + "\n"
    subprocess.run(["sfdisk", "-q", "--no-reread", "-f", str(over)], input=body.encode(), capture_output=True)
    yield "MBR overlapping partitions", over, tsk_expected(over)[0], False, {}
    out = work / "mbr-past-end.raw"
    idata.partitioned_disk(out, [(ext2, "83"), (fat, "6")])
    olive, _ = tsk_expected(out)
    with open(out, "r+b") as f:
        f.seek(446 + 16 + 12)
        f.write(struct.pack("<I", 400_000))  # p2 now claims ~195 MiB on a ~16 MiB disk
    yield "MBR partition running out of the disk", out, olive, True, {}
    damaged = work / "gpt-primary-damaged.raw"
    shutil.copy(gpt, damaged)
    with open(damaged, "r+b") as f:
        f.seek(512 + 16)
        f.write(b"\xff\xff\xff\xff")  # header CRC
    yield "GPT primary header damaged", damaged, glive, False, {}
    damaged2 = work / "gpt-primary-zeroed.raw"
    shutil.copy(gpt, damaged2)
    with open(damaged2, "r+b") as f:
        f.seek(512)
        f.write(bytes(33 * 512))
    yield "GPT primary header+entries zeroed", damaged2, glive, False, {}
    cut = work / "gpt-cut.raw"
    cut.write_bytes(gpt.read_bytes()[: gpt.stat().st_size // 3])
    yield "GPT disk cut at a third", cut, glive, True, {}
    ext4cut = work / "ext4-alone-cut.raw"
    ext4cut.write_bytes(ext4.read_bytes()[: 3 * MIB])
    yield "ext4 alone cut", ext4cut, tree_expected(files), True, {}
    yield "LUKS1 alone, no key", luks1, collections.Counter(), False, {}
    yield "LUKS1 alone, key", luks1, luks_files, False, {
        "env": {"LEAKSCAN_LUKS_PASSPHRASE": "pass-word"}, "extra": ("--luks-passphrase",)}
    yield "LUKS2 alone, no key", luks2, collections.Counter(), False, {}
    yield "XFS alone", xfs, xfs_files, False, {}
    yield "exFAT alone (empty)", exfat, collections.Counter(), False, {}


def corpus_variants(work: Path) -> Iterator[tuple[str, Path, collections.Counter, bool, dict]]:
    apfs = work / "apfs.raw"
    apfs.write_bytes(gzip.decompress((CORPUS / "dfvfs__apfs.raw.gz").read_bytes()))
    yield "APFS container", apfs, collections.Counter(), False, {}
    b = bytearray(apfs.read_bytes())
    b[32 + 40] ^= 0xFF  # container superblock: block count
    (work / "apfs-nx-flipped.raw").write_bytes(bytes(b))
    yield "APFS nx_superblock flipped", work / "apfs-nx-flipped.raw", collections.Counter(), True, {}
    (work / "apfs-cut.raw").write_bytes(apfs.read_bytes()[: apfs.stat().st_size // 2])
    yield "APFS cut at half", work / "apfs-cut.raw", collections.Counter(), True, {}
    gpt_apfs = work / "gpt-apfs.raw"
    idata.partitioned_disk(gpt_apfs, [(apfs, "7C3457EF-0000-11AA-AA11-00306543ECAC")], "gpt")
    yield "GPT with APFS partition", gpt_apfs, collections.Counter(), False, {}
    dmg = idata.udif_image(gpt_apfs, work / "apfs.dmg")
    yield "UDIF > GPT > APFS", dmg, collections.Counter(), False, {}
    lvm = CORPUS / "dfvfs__lvmtest.qcow2"
    yield "QCOW2 > LVM (dfvfs)", lvm, collections.Counter(), False, {}
    raw = work / "lvm.raw"
    run("qemu-img", "convert", "-O", "raw", str(lvm), str(raw))
    lvm_live, _ = tsk_expected(raw)
    yield "raw > LVM (dfvfs)", raw, lvm_live, False, {}
    b = bytearray(raw.read_bytes())
    at = b.find(b"LVM2 x[5A%r0N*>")
    if at > 0:
        b[at + 200] ^= 0x20  # metadata text: checksum fails
    (work / "lvm-meta-flipped.raw").write_bytes(bytes(b))
    yield "LVM metadata flipped", work / "lvm-meta-flipped.raw", lvm_live, True, {}
    (work / "lvm-cut.raw").write_bytes(raw.read_bytes()[: raw.stat().st_size // 3])
    yield "LVM cut at a third", work / "lvm-cut.raw", lvm_live, True, {}
    vhd = work / "fat-differential.vhd"
    vhd.write_bytes(gzip.decompress((CORPUS / "dfvfs__fat-differential.vhd.gz").read_bytes()))
    yield "differencing VHD, parent missing", vhd, collections.Counter(), True, {}
    vss = work / "vss"
    vss.mkdir()
    run("tar", "-xzf", str(CORPUS / "dfir_ntfs__vss_2003.tgz"), "-C", str(vss))
    image = max((p for p in vss.rglob("*") if p.is_file()), key=lambda p: p.stat().st_size)
    yield "VSS (Windows 2003)", image, collections.Counter(), False, {}


FAMILIES: dict[str, Callable[[Path], Iterator[tuple[str, Path, collections.Counter, bool, dict]]]] = {
    "cpio": cpio_variants, "containers": container_variants, "disk": disk_variants, "corpus": corpus_variants}


def renamed(path: Path, suffix: str) -> Path:
    """PATH under another name in its own folder (its chain, extents and parents beside it stay found)."""
    stem = path.name.split(".")[0] + "-renamed"
    target = path.with_name(stem + suffix)
    if not target.exists():
        try:
            os.link(path, target)
        except OSError:
            shutil.copyfile(path, target)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(FAMILIES))
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--no-renamed", action="store_true")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="imgvariants-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for family in args.only.split(","):
        fam = work / family
        shutil.rmtree(fam, ignore_errors=True)
        fam.mkdir()
        for label, path, live, damaged, opts in FAMILIES[family](fam):
            known = {h for _, h in live} | {EMPTY} | DELETED_KNOWN
            names = [("", path)] if args.no_renamed else [("", path), (" (no ext)", renamed(path, "")),
                                                           (" (.bin)", renamed(path, ".bin"))]
            if path.name.endswith(".gz"):
                names = names[:1]  # a gzip is read by its content either way
            for tag, p in names:
                row = scan(p, known, fam, opts.get("env"), opts.get("extra", ()))
                v = verdict(row, live, damaged)
                found = row.get("found", collections.Counter())
                line = {"family": family, "variant": label + tag, "verdict": v, "exit": row["exit"],
                        "found": sum((found & live).values()), "expected": sum(live.values()),
                        "missing": sorted(p for p, _ in (live - found))[:6],
                        "extra": sorted(p for p, _ in (found - live))[:6],
                        "deleted_found": sum(row.get("found_deleted", collections.Counter()).values()),
                        "formats": row.get("formats"), "volumes": row.get("volumes"),
                        "skipped": sorted({(s[1], s[2]) for s in row.get("skipped", [])}),
                        "skip_details": sorted({s[3] for s in row.get("skipped", [])})[:4],
                        "source_errors": row.get("source_errors"),
                        "stderr": row.get("stderr", "")[-300:] if v in ("crash", "hang") else ""}
                rows.append(line)
                print(json.dumps(line, ensure_ascii=False, default=str), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
    bad = [r for r in rows if r["verdict"] not in ("ok", "listed")]
    print(f"{len(rows)} scans, {len(bad)} to look at", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
