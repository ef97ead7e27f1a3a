"""Real images made by other projects' tools (tests/data/images, see its README): Volume Shadow Copies in QCOW2
(plaso), UDIF with zlib chunks (hdiutil, via dfvfs), a differencing VHD with its parent, a split raw image and
cpio archives in three formats, a monolithic sparse VMDK and a raw HFS+ image (dfvfs), exFAT (obhq/exfat),
UDIF with ADC, bzip2, LZFSE and LZMA chunks (keramics).

Each file system is compared with what dfvfs' own back-end lists for it (shadow-copy stores through
TYPE_INDICATOR_VSHADOW with store_index), and nothing may come out silently empty. These files ship with the
tests (CI sees them); the larger corpus images are checked in test_image_layers.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
from pathlib import Path
from typing import Any

import pytest

from scanner.models import Link, Skipped
from scanner.sources.image import ImageSource
from tests.conftest import run_cli, run_leakscan

DATA = Path(__file__).parent / "data" / "images"


def _unpack(folder: Path, *names: str) -> Path:
    """Unpack tests/data/images/ORIGIN__NAME.gz as folder/NAME (dfvfs when no origin is given); the first."""
    for name in names:
        shipped = name if "__" in name else f"dfvfs__{name}"
        (folder / shipped.split("__", 1)[1]).write_bytes(gzip.decompress((DATA / f"{shipped}.gz").read_bytes()))
    return folder / names[0].split("__", 1)[-1]


def _ours(image: Path) -> tuple[dict[str, set[str]], list[Skipped], dict[str, Any], ImageSource]:
    """Layer name (fs, vss1, p1 ...) -> allocated paths leakscan lists; what it skipped; its description."""
    layers: dict[str, set[str]] = {}
    with ImageSource(str(image)) as src:
        details = src.describe()
        items = list(src.entries())
    skipped = [i for i in items if isinstance(i, Skipped)]
    for item in items:
        if isinstance(item, Skipped | Link) or item.deleted:
            continue
        layers.setdefault(item.location.containers[-1].name.split(" (")[0], set()).add(item.location.path)
    return layers, skipped, details, src


def _dfvfs_files(fs_spec: Any) -> set[str]:
    """Every allocated regular file (and named stream-less entry) dfvfs' own back-end lists."""
    from dfvfs.resolver import resolver

    fs = resolver.Resolver.OpenFileSystem(fs_spec)
    found, stack = set(), [(fs.GetRootFileEntry(), "")]
    while stack:
        directory, path = stack.pop()
        for child in directory.sub_file_entries:
            text = f"{path}/{child.name}"
            if child.IsDirectory():
                stack.append((child, text))
            elif child.IsFile():
                found.add(text)
    return found


def _dfvfs_leaves(image: Path) -> list[Any]:
    """The file-system path specs dfvfs' SourceScanner finds in an image (no shadow copies, no keys)."""
    from dfvfs.helpers import source_scanner
    from dfvfs.lib import definitions

    scanner = source_scanner.SourceScanner()
    context = source_scanner.SourceScannerContext()
    context.OpenSourcePath(str(image))
    scanner.Scan(context)
    leaves, stack = [], [context.GetRootScanNode()]
    while stack:
        node = stack.pop()
        if node.path_spec.type_indicator in definitions.FILE_SYSTEM_TYPE_INDICATORS and not node.sub_nodes:
            leaves.append(node.path_spec)
        stack.extend(node.sub_nodes)
    return leaves


def _plain(paths: set[str]) -> set[str]:
    """NTFS named streams (file:stream) are entries for leakscan, attributes for dfvfs; symlinks are files for
    neither (dfvfs' IsFile is False for them, leakscan lists them as links)."""
    return {p for p in paths if ":" not in p.rsplit("/", 1)[-1]}


@pytest.fixture(scope="module")
def vss(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _unpack(tmp_path_factory.mktemp("vss"), "plaso__vsstest.qcow2")


def test_shadow_copy_stores_at_the_top_of_a_qcow2_equal_dfvfs_vshadow(vss: Path) -> None:
    from dfvfs.path import factory

    layers, skipped, details, _ = _ours(vss)
    assert [(v["name"], v["fs_type"]) for v in details["volumes"]] == [("fs", "NTFS"), ("vss1", "NTFS"),
                                                                         ("vss2", "NTFS")]
    assert not [s for s in skipped if s.reason.value not in ("special-file",)], skipped
    qcow = factory.Factory.NewPathSpec("QCOW", parent=factory.Factory.NewPathSpec("OS", location=str(vss)))
    live = _dfvfs_files(factory.Factory.NewPathSpec("NTFS", location="\\", parent=qcow))
    assert _plain(layers["fs"]) == live
    stores = []
    for index in (0, 1):
        store = factory.Factory.NewPathSpec("VSHADOW", location=f"/vss{index + 1}", store_index=index, parent=qcow)
        theirs = _dfvfs_files(factory.Factory.NewPathSpec("NTFS", location="\\", parent=store))
        assert theirs and _plain(layers[f"vss{index + 1}"]) == theirs, sorted(_plain(layers[f"vss{index + 1}"]) ^ theirs)
        stores.append(frozenset(theirs))
    assert len({frozenset(live), *stores}) == 3  # each store is its own state, not the live volume read again
    assert (stores[0] | stores[1]) - live, "a file that exists only in a snapshot must be found there"


def test_udif_dmg_with_zlib_chunks_equals_dfvfs_and_hashes_match(tmp_path: Path) -> None:
    from dfvfs.path import factory
    from dfvfs.resolver import resolver

    dmg = _unpack(tmp_path, "hfsplus_zlib.dmg")
    layers, skipped, details, _ = _ours(dmg)
    (leaf,) = _dfvfs_leaves(dmg)
    theirs = _dfvfs_files(leaf)
    assert "UDIF" in details["format"]
    assert [(v["name"], v["fs_type"]) for v in details["volumes"]] == [("p1", "HFS+")]
    assert theirs and _plain(layers["p1"]) - {p for p in layers["p1"] if p.startswith("/$")} - {"/a_link"} == theirs
    with ImageSource(str(dmg)) as src:
        ours = {i.location.path: i for i in src.entries() if not isinstance(i, Skipped | Link)}
        with ours["/passwords.txt"].open() as f:
            mine = f.read()
    spec = factory.Factory.NewPathSpec(leaf.type_indicator, location="/passwords.txt", parent=leaf.parent)
    assert mine and hashlib.sha256(mine).digest() == hashlib.sha256(resolver.Resolver.OpenFileObject(spec).read()).digest()


def test_differencing_vhd_read_through_its_parent_and_names_it_when_missing(tmp_path: Path) -> None:
    child = _unpack(tmp_path, "image-differential.vhd", "image.vhd")
    layers, skipped, details, _ = _ours(child)
    (leaf,) = _dfvfs_leaves(child)
    assert layers["fs"] and layers["fs"] == _dfvfs_files(leaf)
    files = [Path(f["path"]).name for f in details["files"]]
    assert files == ["image-differential.vhd", "image.vhd"]  # the parent that was read is in the custody record
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / child.name).write_bytes(child.read_bytes())
    proc = run_leakscan("scan", str(alone / child.name), "--name", "x", "--out", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "parent file missing: image.vhd" in proc.stderr


def test_split_raw_segments_read_as_one_disk(tmp_path: Path) -> None:
    first = _unpack(tmp_path, "ext2.splitraw.000", "ext2.splitraw.001")
    layers, skipped, details, _ = _ours(first)
    (leaf,) = _dfvfs_leaves(first)
    assert layers["fs"] - {"/a_link"} == _dfvfs_files(leaf) and not skipped
    assert [Path(f["path"]).name for f in details["files"]] == ["ext2.splitraw.000", "ext2.splitraw.001"]


def test_cpio_in_odc_crc_and_newc_formats_yield_the_same_member(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    _unpack(folder, "syslog.odc.cpio", "syslog.crc.cpio", "syslog.newc.cpio")
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(folder), "--name", "syslog", "--out", str(out), "--quiet")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    members = {f["path"]: f for f in doc["files"] if f["path"].endswith(" » syslog")}
    assert len(members) == 3 and doc["skipped"] == []
    assert len({f["sha256"] for f in members.values()}) == 1 and all(f["size"] > 1000 for f in members.values())


def test_a_renamed_parent_is_found_by_its_identifier_without_moving_the_folder_s_access_time(tmp_path: Path) -> None:
    # audit10: the folder of a differencing VHD was listed with os.listdir (its access time moved, relatime)
    import os

    from scanner.backends import load
    from scanner.sources.image_parents import vhd_parent_by_identifier

    child = _unpack(tmp_path, "image-differential.vhd", "image.vhd")
    copy = tmp_path / "image (copy).vhd"
    (tmp_path / "image.vhd").rename(copy)
    f = load("pyvhdi").file()
    f.open(str(child))
    identifier = str(f.parent_identifier)
    f.close()
    old = 1_000_000_000
    os.utime(tmp_path, (old, old))
    assert vhd_parent_by_identifier(str(tmp_path), identifier, str(child)) == str(copy)
    assert os.stat(tmp_path).st_atime == old


def _passwords_sha256(leaf: Any) -> str:
    """SHA-256 of /passwords.txt as dfvfs' own back-end reads it from the file system at LEAF."""
    from dfvfs.path import factory
    from dfvfs.resolver import resolver

    spec = factory.Factory.NewPathSpec(leaf.type_indicator, location="/passwords.txt", parent=leaf.parent)
    return hashlib.sha256(resolver.Resolver.OpenFileObject(spec).read()).hexdigest()


def _hashes(image: Path) -> dict[str, str]:
    with ImageSource(str(image)) as src:
        out = {}
        for item in src.entries():
            if not isinstance(item, Skipped | Link):
                with item.open() as f:
                    out[item.location.path] = hashlib.sha256(f.read()).hexdigest()
    return out


@pytest.mark.parametrize("name", ["ext2.vmdk", "hfsplus.raw"])
def test_a_sparse_vmdk_and_a_raw_hfs_plus_equal_dfvfs_and_hash_alike(tmp_path: Path, name: str) -> None:
    """dfvfs' monolithic sparse VMDK (VMware's KDMV grains, descriptor inside) and raw HFS+ image: every file
    its own back-end lists is found, /passwords.txt hashes alike; a copy cut short is listed, never clean."""
    image = _unpack(tmp_path, name)
    layers, skipped, details, _ = _ours(image)
    (leaf,) = _dfvfs_leaves(image)
    theirs = _dfvfs_files(leaf)
    ours = _plain(layers["fs"]) - {p for p in layers["fs"] if p.startswith("/$")} - {"/a_link"}
    assert theirs and ours == theirs and not skipped, (ours ^ theirs, skipped)
    assert _hashes(image)["/passwords.txt"] == _passwords_sha256(leaf)
    alone = tmp_path / "cut"
    alone.mkdir()
    (alone / name).write_bytes(image.read_bytes()[:len(image.read_bytes()) // 4])
    proc = run_leakscan("scan", str(alone / name), "--name", "passwords", "--out", str(tmp_path / "out"), "--quiet")
    assert "Traceback" not in proc.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert proc.returncode in (2, 3) and doc["skipped"] and doc["scan"]["complete"] is False, (proc.returncode,
                                                                                                doc["skipped"])


def test_a_renamed_sparse_vmdk_reads_its_own_grains_not_the_file_its_descriptor_names(tmp_path: Path) -> None:
    """A monolithic sparse VMDK holds its descriptor and its one extent in itself; the descriptor still names
    the file as it was first called (``RW 8192 SPARSE "ext2.vmdk"``). Renamed (evidence.vmdk, or a cut copy)
    with another file of that first name beside it, dfvfs opened the OTHER file as its extent: the scan read
    another disk's bytes as this one's, said complete, and the custody record named evidence.vmdk only. Now
    such a VMDK is always its own extent: its own files are read, and the cut copy is listed, not read clean."""
    from tests.image_data import ext_image, write_tree

    folder = tmp_path / "seized"
    folder.mkdir()
    image = _unpack(tmp_path, "ext2.vmdk")
    (folder / "evidence.vmdk").write_bytes(image.read_bytes())
    other = ext_image(tmp_path / "other.ext2", write_tree(tmp_path / "t", {"/passwords.txt": b"another disk\n",
                                                                           "/only_in_other.txt": b"x\n"}),
                      size_mib=4, fs="ext2")
    import subprocess

    subprocess.run(["qemu-img", "convert", "-f", "raw", "-O", "vmdk", str(other), str(folder / "ext2.vmdk")],
                   check=True, capture_output=True)
    (leaf,) = _dfvfs_leaves(image)
    ours = _hashes(folder / "evidence.vmdk")
    assert set(ours) == {"/passwords.txt", "/a_directory/a_file", "/a_directory/another_file"}, sorted(ours)
    assert ours["/passwords.txt"] == _passwords_sha256(leaf)
    cut = folder / "cut.vmdk"
    cut.write_bytes(image.read_bytes()[:128 * 1024])  # the grains of /passwords.txt and the rest are gone
    (folder / "ext2.vmdk").write_bytes(image.read_bytes())  # now the whole original lies beside the cut copy
    proc = run_leakscan("scan", str(cut), "--name", "passwords", "--out", str(tmp_path / "out"), "--quiet")
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert proc.returncode == 3 and doc["scan"]["complete"] is False and doc["skipped"], (proc.returncode,
                                                                                           doc["files"])
    assert [f["path"] for f in doc["scan"]["source_details"][0]["files"]] == [str(cut)]


def test_an_exfat_image_equals_fls_and_icat_and_a_cut_copy_is_listed(tmp_path: Path) -> None:
    """exFAT written by another tool (the obhq/exfat crate's test image): every regular file `fls -r -p` lists
    is found, each file's bytes equal `icat`'s; a copy cut short is listed, never clean."""
    import re
    import subprocess

    image = _unpack(tmp_path, "obhq-exfat__exfat.img")
    fls = subprocess.run(["fls", "-r", "-p", str(image)], capture_output=True, text=True, check=True).stdout
    theirs = {path: addr for addr, path in ((m[1], "/" + m[2]) for m in re.finditer(r"^r/r (\d+):\t(.*)$", fls, re.M))
              if "Volume Label" not in path}
    ours = _hashes(image)
    assert set(ours) == set(theirs) and {"/file1", "/dir1/file2"} <= set(ours), (sorted(ours), sorted(theirs))
    for path, addr in theirs.items():
        icat = subprocess.run(["icat", str(image), addr], capture_output=True, check=True).stdout
        assert ours[path] == hashlib.sha256(icat).hexdigest(), path
    cut = tmp_path / "cut"
    cut.mkdir()
    (cut / "exfat.img").write_bytes(image.read_bytes()[:64 * 1024])
    proc = run_leakscan("scan", str(cut / "exfat.img"), "--name", "file1", "--out", str(tmp_path / "out"), "--quiet")
    assert "Traceback" not in proc.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert proc.returncode in (2, 3) and doc["skipped"] and doc["scan"]["complete"] is False, (proc.returncode,
                                                                                                doc["skipped"])


@pytest.mark.parametrize("method", ["adc", "bzip2", "lzfse", "lzma"])
def test_udif_dmg_with_adc_bzip2_lzfse_and_lzma_chunks_equals_the_zlib_one_through_dfvfs(tmp_path: Path,
                                                                                         method: str) -> None:
    """UDIF images written by hdiutil with each of its other chunk compressions (keramics' test data; dfvfs'
    libmodi here reads none of these four: "missing support for LZMA compression"): the HFS+ volume inside lists
    what dfvfs' own back-end lists for the same volume written with zlib chunks, every file's bytes alike; a copy
    cut in half is listed (`corrupt` udif-trailer-missing, ADC too, whose first chunk has no signature), never
    nothing."""
    dmg = _unpack(tmp_path, f"keramics__hfsplus_{method}.dmg", "keramics__hfsplus_zlib.dmg")
    zlib = tmp_path / "hfsplus_zlib.dmg"
    layers, skipped, details, _ = _ours(dmg)
    (leaf,) = _dfvfs_leaves(zlib)
    theirs = _dfvfs_files(leaf)
    assert "UDIF" in details["format"] and [(v["name"], v["fs_type"]) for v in details["volumes"]] == [("p1", "HFS+")]
    # HFS+ names "forward:slash" (no stream) and the private folder's NULs (TSK writes "^", dfvfs "\u2400")
    ours = {p.replace("^", "\u2400") for p in layers["p1"] if not p.startswith("/$")}
    assert "/testdir1/testfile1" in ours and ours == theirs, sorted(ours ^ theirs)
    mine, reference = _hashes(dmg), _hashes(zlib)
    assert {p: h for p, h in mine.items() if not p.startswith("/$")} == {
        p: h for p, h in reference.items() if not p.startswith("/$")}
    assert mine["/testdir1/testfile1"] != hashlib.sha256(b"").hexdigest()
    cut = tmp_path / "cut"
    cut.mkdir()
    (cut / dmg.name).write_bytes(dmg.read_bytes()[:dmg.stat().st_size // 2])
    proc = run_leakscan("scan", str(cut / dmg.name), "--name", "testfile1", "--out", str(tmp_path / "out"), "--quiet")
    assert "Traceback" not in proc.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8")) if (
        tmp_path / "out" / "findings.json").exists() else {}
    # its trailer (koly: the block map, the only index of the chunks) is gone: listed, named, never nothing
    # (a bzip2 or LZMA first chunk is also tried as a compressed file: its own rows beside)
    listed = [(s["path"].removesuffix(" » "), s["reason"]) for s in doc["skipped"]]
    assert (str(cut / dmg.name), "corrupt") in listed, doc["skipped"]


@pytest.mark.parametrize("method", ["adc", "zlib", "bzip2", "lzfse", "lzma"])
def test_a_udif_dmg_cut_short_is_a_damaged_image_not_a_complete_scan(tmp_path: Path, method: str) -> None:
    """A .dmg cut in half (its trailer gone: koly, the only map of its chunks), keramics' images. Before: given
    as the SOURCE, it was taken for a plain file, listed `unsupported` not-a-disk-image, and the scan said
    complete (exit 0), where a cut QCOW2 or VMDK given so is a source error (exit 2, incomplete). Now it is a
    damaged disk image in both places: as the source, exit 2 and incomplete; met in a folder, listed `corrupt`
    with the code udif-trailer-missing (as any image that does not open there, the folder scan stays complete)."""
    dmg = _unpack(tmp_path, f"keramics__hfsplus_{method}.dmg")
    cut = tmp_path / "cut"
    cut.mkdir()
    (cut / dmg.name).write_bytes(dmg.read_bytes()[:dmg.stat().st_size // 2])
    for source, rc_wanted in ((cut / dmg.name, 2), (cut, 0)):
        out = tmp_path / f"out-{source.name}"
        proc = run_leakscan("scan", str(source), "--name", "testfile1", "--out", str(out), "--quiet")
        assert "Traceback" not in proc.stderr
        doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
        assert proc.returncode == rc_wanted, (proc.stderr, doc["skipped"])
        assert doc["scan"]["complete"] is (source == cut)
        # (a bzip2 or LZMA first chunk is also tried as a compressed file: its own rows beside)
        rows = [s for s in doc["skipped"] if s["path"].startswith(str(cut / dmg.name))
                and [c["code"] for c in s.get("detail_codes", [])] == ["udif-trailer-missing"]]
        assert [s["reason"] for s in rows] == ["corrupt"], doc["skipped"]


@pytest.mark.parametrize("method", ["adc", "zlib", "bzip2", "lzfse", "lzma"])
def test_a_dmg_cut_anywhere_is_never_a_complete_scan_whatever_its_chunks(tmp_path: Path, method: str) -> None:
    """keramics' UDIF images cut at several offsets (a few bytes, inside the first chunk, in the middle, inside the
    block-map plist, one byte short of the trailer). The trailer (koly, the last 512 bytes) is UDIF's only
    signature: a file named .dmg without it and recognised as nothing else is a damaged UDIF whatever its first
    chunk holds. Before: a cut ADC image (ADC streams carry no signature) given as the SOURCE was `unsupported`
    not-a-disk-image and the scan complete (exit 0) - a silent clean. Now every cut is a source error (exit 2,
    incomplete, `corrupt` udif-trailer-missing). Session 15: a cut to its first byte holds no UDIF structure (one
    byte cannot be told from random bytes): listed `unsupported` dmg-unrecognised, as random bytes are."""
    data = _unpack(tmp_path, f"keramics__hfsplus_{method}.dmg").read_bytes()
    size = len(data)
    (tmp_path / "c1").mkdir()
    (tmp_path / "c1" / "evidence.dmg").write_bytes(data[:1])
    proc = run_cli("scan", str(tmp_path / "c1" / "evidence.dmg"), "--out", str(tmp_path / "out1"), "--quiet")
    doc = json.loads((tmp_path / "out1" / "findings.json").read_text(encoding="utf-8"))
    assert [(s["reason"], [c["code"] for c in s.get("detail_codes", [])]) for s in doc["skipped"]] == [
        ("unsupported", ["dmg-unrecognised"])], doc["skipped"]
    for cut in (100, 1500, size // 2, size - 1200, size - 1):
        image = tmp_path / f"c{cut}" / "evidence.dmg"
        image.parent.mkdir()
        image.write_bytes(data[:cut])
        out = tmp_path / f"out{cut}"
        proc = run_cli("scan", str(image), "--name", "testfile1", "--out", str(out), "--quiet")
        doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
        assert proc.returncode == 2 and doc["scan"]["complete"] is False, (cut, proc.returncode, doc["skipped"])
        rows = [(s["reason"], [c["code"] for c in s.get("detail_codes", [])]) for s in doc["skipped"]
                if s["path"].startswith(str(image))]
        assert ("corrupt", ["udif-trailer-missing"]) in rows, (cut, doc["skipped"])


def test_a_raw_disk_named_dmg_is_still_read_as_a_raw_disk(tmp_path: Path) -> None:
    """hdiutil can write raw images named .dmg (UDTO/raw dd copies): no koly trailer, but a file system that only
    dfvfs' scanner recognises (HFS+ here). The trailer-less .dmg rule applies only when nothing else recognises the
    file, so this one is walked, not refused as a damaged UDIF."""
    raw = _unpack(tmp_path, "hfsplus.raw")
    image = tmp_path / "disk.dmg"
    raw.rename(image)
    out = tmp_path / "out"
    proc = run_cli("scan", str(image), "--name", "testfile1", "--out", str(out), "--quiet")
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert proc.returncode in (0, 1) and doc["scan"]["complete"] is True and not doc["skipped"], doc["skipped"]
    assert [v["fs_type"] for v in doc["scan"]["source_details"][0]["volumes"]] == ["HFS+"]


def _other_files_named_dmg(folder: Path) -> dict[str, bytes]:
    """Readable files of other formats under a .dmg name (a list renamed to pass for an installer): a zip of the
    workbook, the workbook itself, the list as CSV text (Faker ja_JP, fixed seed), and a PDF."""
    import io
    import zipfile

    from openpyxl import load_workbook

    from tests.image_data import leaked_workbook

    book = leaked_workbook(seed=13)
    rows = load_workbook(io.BytesIO(book)).active.iter_rows(values_only=True)
    text = "\n".join(",".join(str(v) for v in row) for row in rows).encode("utf-8")
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as z:
        z.writestr("顧客一覧.xlsx", book)
    files = {"setup.dmg": packed.getvalue(), "installer.dmg": book, "notes.dmg": text,
             "manual.dmg": b"%PDF-1.4\n1 0 obj<<>>endobj\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


@pytest.mark.parametrize("name", ["setup.dmg", "installer.dmg", "notes.dmg"])
def test_a_readable_file_of_another_format_named_dmg_is_read_not_refused_as_a_cut_udif(tmp_path: Path,
                                                                                      name: str) -> None:
    """A zip, a workbook or a CSV list renamed .dmg has no koly trailer, but its own format's signature (or it is
    text): no UDIF chunk starts so. Before (session 13): given as the SOURCE it was a source error (exit 2) and its
    content never read - the list hidden behind a false `corrupt` udif-trailer-missing. It is read as the single
    file it is (as before session 13), and listed as named like an image but none."""
    folder = tmp_path / "given"
    folder.mkdir()
    _other_files_named_dmg(folder)
    out = tmp_path / "out"
    proc = run_cli("scan", str(folder / name), "--out", str(out), "--quiet")
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert proc.returncode in (0, 1) and doc["scan"]["complete"] is True, (proc.returncode, doc["skipped"])
    assert [f for f in doc["files"] if f["path"].startswith(str(folder / name))], doc["skipped"]
    rows = [(s["reason"], [c.get("code") for c in s.get("detail_codes", [])]) for s in doc["skipped"]]
    assert rows == [("unsupported", ["not-a-disk-image"])], rows


def _folder_listing(folder: Path, out: Path) -> tuple[dict, dict[str, tuple[str, list[str]]]]:
    """One scan of FOLDER (exit 0 or 1): the findings and {file name: (reason, detail codes)} of its skipped rows."""
    proc = run_cli("scan", str(folder), "--out", str(out), "--quiet")
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert proc.returncode in (0, 1), proc.stderr
    return doc, {Path(s["path"]).name: (s["reason"], [c.get("code") for c in s.get("detail_codes", [])])
                 for s in doc["skipped"]}


def test_files_of_other_formats_named_dmg_in_a_folder_are_not_called_cut_udifs(tmp_path: Path) -> None:
    """Met in a folder walk, the same files are read and listed as named like an image but none, never `corrupt`
    "cut short or damaged?"; a UDIF really cut (ADC chunks: no signature) beside them stays `corrupt`."""
    folder = tmp_path / "share"
    folder.mkdir()
    files = _other_files_named_dmg(folder)
    adc = _unpack(tmp_path, "keramics__hfsplus_adc.dmg").read_bytes()
    (folder / "cut.dmg").write_bytes(adc[:len(adc) // 2])
    doc, listed = _folder_listing(folder, tmp_path / "out")
    assert listed == {**{name: ("unsupported", ["not-a-disk-image"]) for name in files},
                      "cut.dmg": ("corrupt", ["udif-trailer-missing"])}, listed
    read = {Path(f["path"].split(" » ")[0]).name for f in doc["files"]}
    assert {"setup.dmg", "installer.dmg", "notes.dmg"} <= read, read


def test_short_notes_utf16_text_and_random_bytes_named_dmg_are_not_called_damaged_udifs(tmp_path: Path) -> None:
    """Session 13 left these `corrupt` udif-trailer-missing ("cut short or damaged?"): a text note under 64 bytes,
    UTF-16 text (its NUL bytes looked binary), random or wiped bytes. Text is read as text (not-a-disk-image, as
    any renamed file); random bytes (4 KiB, 1 MiB) and zeros hold no UDIF structure at all - their first bytes are
    no zlib/bzip2/LZFSE/xz chunk and no ADC stream whose copies hold - so they are listed `unsupported`
    dmg-unrecognised, never called a damaged UDIF. As the SOURCE, random bytes are a complete scan listing that row.
    A UDIF really cut (ADC: no signature) beside them stays `corrupt`. Session 15: random files under 1 KiB (an ADC
    literal run) and a UDIF cut to its first 3 bytes (no structure left) are dmg-unrecognised too."""
    folder = tmp_path / "share"
    folder.mkdir()
    rng = random.Random(10)
    texts = {"memo.dmg": "パスワードは金庫の中\n".encode(), "todo.dmg": b"call back\n",
             "bom.dmg": "顧客一覧のメモ\r\n".encode("utf-16"), "latin.dmg": "customer list memo\r\n".encode("utf-16-le")}
    adc = _unpack(tmp_path, "keramics__hfsplus_adc.dmg").read_bytes()
    noise = {"noise.dmg": rng.randbytes(4096), "big.dmg": rng.randbytes(1 << 20), "wiped.dmg": bytes(8192),
             "stub.dmg": adc[:3], **{f"small{size}.dmg": random.Random(size).randbytes(size) for size in (71, 104, 121)}}
    cut = {"cut.dmg": adc[:len(adc) // 2]}
    for name, data in {**texts, **noise, **cut}.items():
        (folder / name).write_bytes(data)
    _, listed = _folder_listing(folder, tmp_path / "out")
    assert listed == {**{name: ("unsupported", ["not-a-disk-image"]) for name in texts},
                      **{name: ("unsupported", ["dmg-unrecognised"]) for name in noise},
                      **{name: ("corrupt", ["udif-trailer-missing"]) for name in cut}}, listed
    out = tmp_path / "source"
    proc = run_cli("scan", str(folder / "noise.dmg"), "--out", str(out), "--quiet")
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    rows = [(s["reason"], [c.get("code") for c in s.get("detail_codes", [])]) for s in doc["skipped"]]
    assert proc.returncode in (0, 1) and doc["scan"]["complete"] is True, (proc.returncode, rows)
    assert rows == [("unsupported", ["dmg-unrecognised"])], rows


def test_every_cut_of_the_shipped_udifs_is_still_a_cut_udif_and_random_bytes_are_not() -> None:
    """The UDIF-chunk check behind dmg-unrecognised: every cut holding a chunk's structure (from 42 bytes on; first
    200 bytes each, then every 7th byte) of the six shipped UDIFs (ADC, zlib x2, bzip2, LZFSE, LZMA) is still a cut
    UDIF; random bytes of any size never start as one. Session 15: random files under 1 KiB read as an ADC literal
    run and were called cut UDIFs (36 of 150 in review14f); an ADC stream must now compress (copies make a quarter
    of what it writes), a zlib one inflate, a bzip2 one show its block header: the first bytes of a cut (under 42
    here) that hold none of that are listed dmg-unrecognised, as random bytes are - both listed, never silent."""
    from scanner.sources.image_sniff import HEAD, cut_udif

    for packed in sorted(DATA.glob("*.dmg.gz")):
        data = gzip.decompress(packed.read_bytes())
        for cut in [*range(42, 200), *range(200, len(data) - 512, 7)]:
            assert cut_udif(data[:cut][:HEAD], data[cut - 512:cut] if cut >= 1024 else b""), (packed.name, cut)
    rng = random.Random(14)
    assert sum(cut_udif(rng.randbytes(size)[:HEAD], b"") for size in (1024, 4096, 65536) for _ in range(300)) == 0
    small = [rng.randbytes(size) for size in range(1, 1024) for _ in range(2)]
    assert [data for data in small if cut_udif(data, b"")] == []
