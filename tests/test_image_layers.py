"""Real images with layers (../shared/corpus/images): Volume Shadow Copies from Windows Server 2003, LVM in
QCOW2, an APFS container, a cpio archive and a differencing VHD handed over without its parent.

Each is checked against a reader that is not leakscan's walk: dfvfs' own back-end for that layer (VSS
stores through TYPE_INDICATOR_VSHADOW, APFS through libfsapfs), The Sleuth Kit's fls on the logical
volume, GNU cpio for the archive; and nothing may come out silently empty.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from scanner.errors import ReadError
from scanner.models import Link, Skipped
from scanner.sources.image import ImageSource, looks_like_image
from tests.conftest import run_leakscan

VSS_STORES = 6


def _gunzip(src: Path, dst: Path) -> Path:
    with gzip.open(src, "rb") as fin, open(dst, "wb") as fout:
        shutil.copyfileobj(fin, fout)
    return dst


@pytest.fixture(scope="session")
def vss_disk(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Windows Server 2003 disk: 128 GiB apparent, kept sparse (``tar -S``), about 80 MiB on disk."""
    folder = tmp_path_factory.mktemp("vss")
    subprocess.run(["tar", "-xSzf", str(corpus / "images" / "dfir_ntfs__vss_2003.tgz"), "-C", str(folder)], check=True)
    (raw,) = folder.glob("*.raw")
    assert raw.stat().st_blocks * 512 < 200 * (1 << 20), "unpacked without holes: sparse extraction failed"
    return raw


@pytest.fixture(scope="session")
def vss_walk(vss_disk: Path) -> dict[str, dict[str, object]]:
    """Layer name (p1, vss1 ...) -> {path: entry} of the allocated files leakscan lists there, and hops."""
    out: dict[str, dict[str, object]] = defaultdict(dict)
    with ImageSource(str(vss_disk)) as src:
        details = src.describe()
        for item in src.entries():
            if isinstance(item, Skipped | Link) or item.deleted:
                continue
            layer = item.location.containers[-1].name.split(" (")[0]
            out[layer][item.location.path] = item.location
    out["_details"] = details  # type: ignore[assignment]
    return out


def _dfvfs_files(fs_spec: object) -> set[str]:
    """Every allocated regular file dfvfs' own back-end lists under the file system's root."""
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


def _no_streams(paths: set[str]) -> set[str]:
    """NTFS named data streams (``file:stream``) are entries for leakscan, attributes for dfvfs."""
    return {p for p in paths if ":" not in p.rsplit("/", 1)[-1]}


def test_each_shadow_copy_store_is_its_own_file_system_equal_to_dfvfs_vss_backend(vss_disk: Path, vss_walk) -> None:
    from dfvfs.path import factory

    os_spec = factory.Factory.NewPathSpec("OS", location=str(vss_disk))
    raw = factory.Factory.NewPathSpec("RAW", parent=os_spec)
    part = factory.Factory.NewPathSpec("TSK_PARTITION", location="/p1", parent=raw)
    live = _dfvfs_files(factory.Factory.NewPathSpec("NTFS", location="\\", parent=part))
    assert _no_streams(set(vss_walk["p1"])) == live
    listings = []
    for index in range(VSS_STORES):
        store = factory.Factory.NewPathSpec("VSHADOW", location=f"/vss{index + 1}", store_index=index, parent=part)
        theirs = _dfvfs_files(factory.Factory.NewPathSpec("NTFS", location="\\", parent=store))
        ours = _no_streams(set(vss_walk[f"vss{index + 1}"]))
        assert ours == theirs, f"vss{index + 1}: {sorted(ours ^ theirs)[:5]}"
        assert theirs, f"vss{index + 1} lists nothing"
        listings.append(frozenset(theirs))
    # the snapshots are not the live volume read again: each differs from it and from the others
    assert all(listing != frozenset(live) for listing in listings)
    assert len(set(listings)) == VSS_STORES
    only_in_a_snapshot = set().union(*listings) - live
    assert only_in_a_snapshot, "files deleted since a snapshot must be found in it"


def test_shadow_copies_are_hops_below_their_partition_with_creation_times(vss_disk: Path, vss_walk) -> None:
    details = vss_walk["_details"]
    rows = {v["name"]: v for v in details["volumes"]}
    assert set(rows) == {"p1", *(f"p1/vss{i}" for i in range(1, VSS_STORES + 1))}
    assert rows["p1"]["offset"] == 63 * 512 and rows["p1"]["fs_type"] == "NTFS"
    for i in range(1, VSS_STORES + 1):
        row = rows[f"p1/vss{i}"]
        assert row["status"] == "ok" and row["fs_type"] == "NTFS" and row["offset"] is None
        assert row["volume_system"] == "Volume Shadow Copies" and row["snapshot_created"].startswith("2019-06-")
    location = next(iter(vss_walk["vss2"].values()))
    assert [h.kind for h in location.containers] == ["image", "volume", "snapshot"]
    assert location.display().startswith(f"{vss_disk} » p1 » vss2 (NTFS) » /")
    assert location.containers[-1].detail["store_index"] == 1


def test_a_file_only_in_a_snapshot_is_reported_through_the_cli(vss_disk: Path, vss_walk, tmp_path: Path) -> None:
    live = set(vss_walk["p1"])
    gone = sorted(p for p in vss_walk["vss1"] if p not in live and "System Volume" not in p)
    assert gone
    name = gone[0].rsplit("/", 1)[-1]
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(vss_disk), "--name", name, "--out", str(out), "--quiet")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    paths = {f["path"] for f in doc["files"]}
    assert f"{vss_disk} » p1 » vss1 (NTFS) » {gone[0]}" in paths
    live_copies = [f for f in doc["files"] if f["path"] == f"{vss_disk} » p1 (NTFS) » {gone[0]}"]
    assert all(f["deleted"] for f in live_copies)  # in the live volume at most a deleted name is left
    hit = next(f for f in doc["files"] if f["path"] == f"{vss_disk} » p1 » vss1 (NTFS) » {gone[0]}")
    assert hit["sha256"] and hit["status"] == "ok"


@pytest.fixture(scope="session")
def apfs_raw(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _gunzip(corpus / "images" / "dfvfs__apfs.raw.gz", tmp_path_factory.mktemp("apfs") / "container")


def test_apfs_container_without_extension_is_recognised_and_walked_like_dfvfs(apfs_raw: Path) -> None:
    from dfvfs.path import factory

    assert looks_like_image(str(apfs_raw))  # no extension: recognised by content
    with ImageSource(str(apfs_raw)) as src:
        items = list(src.entries())
        (row,) = src.describe()["volumes"]
        files = {i.location.path: i for i in items if not isinstance(i, Skipped | Link)}
        with files["/passwords.txt"].open() as f:
            ours = f.read()
    assert not [i for i in items if isinstance(i, Skipped)]
    assert row["name"] == "apfs1" and row["fs_type"] == "APFS" and "deleted files are not listed" in row["walker"]
    container = factory.Factory.NewPathSpec("APFS_CONTAINER", location="/apfs1", volume_index=0,
                                            parent=factory.Factory.NewPathSpec("OS", location=str(apfs_raw)))
    assert set(files) == _dfvfs_files(factory.Factory.NewPathSpec("APFS", location="/", parent=container))
    assert {"/passwords.txt", "/a_directory/another_file"} <= set(files)
    from dfvfs.resolver import resolver

    spec = factory.Factory.NewPathSpec("APFS", location="/passwords.txt", parent=container)
    assert hashlib.sha256(ours).digest() == hashlib.sha256(resolver.Resolver.OpenFileObject(spec).read()).digest()


def test_apfs_partition_beside_ext2_in_a_gpt_disk_both_walked(apfs_raw: Path, tmp_path: Path) -> None:
    from tests.image_data import ext_image, partitioned_disk, write_tree

    ext = ext_image(tmp_path / "ext.img", write_tree(tmp_path / "t", {"/home/list.txt": b"x\n"}), size_mib=2, fs="ext2")
    disk = tmp_path / "mac.img"
    partitioned_disk(disk, [(apfs_raw, "7C3457EF-0000-11AA-AA11-00306543ECAC"),
                            (ext, "0FC63DAF-8483-4772-8E79-3D69D8477DE4")], label="gpt")
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(disk), "--name", "passwords.txt", "--name", "list.txt", "--out", str(out), "--quiet")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert {f["path"] for f in doc["files"]} == {f"{disk} » p1 » apfs1 (APFS) » /passwords.txt",
                                                 f"{disk} » p2 (ext2) » /home/list.txt"}


def test_lvm_in_qcow2_each_logical_volume_walked_and_equal_to_fls(corpus: Path, tmp_path: Path) -> None:
    image = corpus / "images" / "dfvfs__lvmtest.qcow2"
    with ImageSource(str(image)) as src:
        items = list(src.entries())
        rows = {v["name"]: v for v in src.describe()["volumes"]}
    assert rows["lvm1"]["status"] == "ok" and rows["lvm1"]["volume_system"] == "LVM" and rows["lvm1"]["fs_type"] == "ext2"
    assert rows["lvm1"]["size"] == 8 * (1 << 20)
    ours = {i.location.path for i in items if not isinstance(i, Skipped | Link)
            and i.location.containers[-1].name == "lvm1 (ext2)"}
    # The Sleuth Kit on the same image converted to raw: the logical volume's data starts 1 MiB in
    raw = tmp_path / "lvm.raw"
    subprocess.run(["qemu-img", "convert", "-O", "raw", str(image), str(raw)], check=True)
    fls = subprocess.run(["fls", "-r", "-p", "-o", "2048", str(raw)], capture_output=True, text=True, check=True).stdout
    theirs = {"/" + line.split(":\t", 1)[1] for line in fls.splitlines() if line.startswith("r/r") and "*" not in line}
    assert ours == theirs and "/passwords.txt" in ours
    # lvm2 lists nothing: said, not taken as clean
    empty = [i for i in items if isinstance(i, Skipped) and i.location.containers[-1].name.startswith("lvm2")]
    assert [e.reason for e in empty] == ["empty-volume"] or rows["lvm2"]["status"] == "ok"
    assert not [i for i in items if isinstance(i, Skipped) and i.reason not in ("empty-volume",)]


def test_cpio_members_are_read_and_equal_gnu_cpio(corpus: Path, tmp_path: Path) -> None:
    archive = corpus / "images" / "dfvfs__syslog.bin.cpio"
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(archive), "--name", "syslog", "--out", str(out), "--quiet")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    (hit,) = [f for f in doc["files"] if "name" in f["reasons"]]  # the archive's own name is only a lead
    assert hit["path"] == f"{archive} » syslog" and hit["container"][-1]["detail"]["format"].startswith("cpio (bin")
    with open(archive, "rb") as f:
        content = subprocess.run(["cpio", "-i", "--quiet", "--to-stdout", "syslog"], stdin=f, capture_output=True,
                                 check=True).stdout
    assert content and hit["sha256"] == hashlib.sha256(content).hexdigest()
    assert doc["skipped"] == []


def test_differencing_vhd_without_parent_names_the_missing_parent(corpus: Path, tmp_path: Path) -> None:
    vhd = _gunzip(corpus / "images" / "dfvfs__fat-differential.vhd.gz", tmp_path / "fat-differential.vhd")
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(vhd), "--name", "x.xlsx", "--out", str(out), "--quiet")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    (line,) = [ln for ln in proc.stderr.splitlines() if ln.startswith("leakscan: error:")]
    assert "parent file missing" in line and "fat-parent.vhd" in line and "missing parent file" in line
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert doc["skipped"][0]["reason"] == "source-error" and "fat-parent.vhd" in doc["skipped"][0]["detail"]


@pytest.fixture(scope="session")
def vss_volume_qcow2(vss_disk: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same NTFS volume without its partition table, in QCOW2: QCOW2 > VSS > NTFS (shadow copies at
    the top of the image), made with qemu-img reading the partition's byte range."""
    out = tmp_path_factory.mktemp("vssq") / "volume.qcow2"
    spec = json.dumps({"driver": "raw", "offset": 63 * 512, "size": (268430085 - 63 + 1) * 512,
                       "file": {"driver": "file", "filename": str(vss_disk)}})
    subprocess.run(["qemu-img", "convert", "-O", "qcow2", f"json:{spec}", str(out)], check=True)
    return out


def test_shadow_copies_at_the_top_of_a_qcow2_are_read_per_store(vss_volume_qcow2: Path, vss_walk) -> None:
    per_layer: dict[str, set[str]] = defaultdict(set)
    with ImageSource(str(vss_volume_qcow2)) as src:
        rows = {v["name"]: v for v in src.describe()["volumes"]}
        for item in src.entries():
            if isinstance(item, Skipped | Link) or item.deleted:
                continue
            hop = item.location.containers[-1]
            per_layer[hop.name.split(" (")[0]].add(item.location.path)
            if hop.name.startswith("vss3"):
                shown = item.location
    assert set(rows) == {"fs", *(f"vss{i}" for i in range(1, VSS_STORES + 1))}
    assert all(r["status"] == "ok" and r["fs_type"] == "NTFS" for r in rows.values())
    # the same stores as read below the partition of the raw disk: same files, store by store
    assert per_layer["fs"] == set(vss_walk["p1"])
    for i in range(1, VSS_STORES + 1):
        assert per_layer[f"vss{i}"] == set(vss_walk[f"vss{i}"]), f"vss{i}"
    assert [h.kind for h in shown.containers] == ["image", "snapshot"]
    assert shown.display().startswith(f"{vss_volume_qcow2} » vss3 (NTFS) » /")


def test_a_store_kept_on_another_volume_or_unreadable_is_listed_and_the_others_walked(vss_disk: Path,
                                                                                     monkeypatch) -> None:
    """Stores whose data lies on another volume (not in the image) or whose catalogue entry cannot be read
    were a crash of the whole image (BackEndError, exit 2): now each is one listed layer."""
    from dfvfs.lib import errors as dfvfs_errors
    from dfvfs.vfs import vshadow_file_entry

    real = vshadow_file_entry.VShadowFileEntry.GetVShadowStore

    class Elsewhere:
        def __init__(self, store: object) -> None:
            self._store = store

        def __getattr__(self, name: str) -> object:
            return getattr(self._store, name)

        def has_in_volume_data(self) -> bool:
            return False

    def store(entry: object) -> object:
        index = getattr(entry.path_spec, "store_index", None)
        if index == 1:
            return Elsewhere(real(entry))
        if index == 3:
            raise dfvfs_errors.BackEndError("Unable to open store: libvshadow_store_read_block_descriptors failed")
        return real(entry)

    monkeypatch.setattr(vshadow_file_entry.VShadowFileEntry, "GetVShadowStore", store)
    with ImageSource(str(vss_disk)) as src:
        rows = {v["name"]: v for v in src.describe()["volumes"]}
        items = list(src.entries())
    assert rows["p1/vss2"]["status"] == "unsupported" and "another volume" in rows["p1/vss2"]["detail"]
    assert rows["p1/vss4"]["status"] == "corrupt" and "libvshadow_store_read_block_descriptors" in rows["p1/vss4"]["detail"]
    walked = {i.location.containers[-1].name for i in items if not isinstance(i, Skipped | Link)}
    assert walked == {"p1 (NTFS)", *(f"vss{i} (NTFS)" for i in (1, 3, 5, 6))}
    listed = {i.location.containers[-1].name: i.reason for i in items if isinstance(i, Skipped)
              and i.location.path == "/"}
    assert listed == {"vss2": "unsupported", "vss4": "corrupt"}


def test_cpio_formats_written_by_gnu_cpio_and_a_truncated_one(tmp_path: Path) -> None:
    from tests.image_data import LEAKED, leaked_workbook, sha256, write_tree

    leaked = leaked_workbook(seed=13)
    tree = write_tree(tmp_path / "tree", {f"/home/staff/{LEAKED}": leaked, "/etc/motd": b"hello\n"})
    (tree / "home" / "link").symlink_to("staff")
    names = subprocess.run(["find", "."], cwd=tree, capture_output=True, check=True).stdout
    share = tmp_path / "share"
    share.mkdir()
    for fmt in ("newc", "crc", "odc", "bin"):
        archive = share / f"backup.{fmt}.cpio"
        with open(archive, "wb") as f:
            subprocess.run(["cpio", "-o", "--quiet", "-H", fmt], cwd=tree, input=names, stdout=f, check=True)
        shutil.copyfile(archive, share / f"backup_{fmt}")  # no extension: recognised by its header
    data = (share / "backup.newc.cpio").read_bytes()
    (share / "cut.cpio").write_bytes(data[: data.index(b"TRAILER!!!") - 200])  # last member and trailer gone
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(share), "--name", LEAKED, "--out", str(out), "--quiet")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    hits = {f["path"]: f for f in doc["files"]}
    archives = [*(f"backup.{fmt}.cpio" for fmt in ("newc", "crc", "odc", "bin")),
                *(f"backup_{fmt}" for fmt in ("newc", "crc", "odc", "bin"))]
    assert set(hits) == {f"{share}/{a} » home/staff/{LEAKED}" for a in archives} | {f"{share}/cut.cpio » home/staff/{LEAKED}"}
    assert all(h["sha256"] == sha256(leaked) and h["pii"]["records"] == 30 for h in hits.values())
    assert {lk["path"] for lk in doc["links"] if "cut.cpio" not in lk["path"]} == {f"{share}/{a} » home/link" for a in archives}
    formats = {h["container"][-1]["detail"]["format"] for h in hits.values()}
    assert formats == {"cpio (newc)", "cpio (crc)", "cpio (odc)", "cpio (bin-little-endian)"}
    (cut,) = doc["skipped"]
    assert cut["path"] == f"{share}/cut.cpio" and cut["reason"] == "corrupt" and cut["detail"].startswith("cpio:")


def test_deleted_ntfs_files_whose_mft_entry_moved_on_are_recovered_as_icat_does(vss_disk: Path) -> None:
    """Windows moves a deleted file's MFT entry to the next sequence number; The Sleuth Kit then attaches
    no metadata to the name left in the index, and its name type is wiped. fls still shows the file
    (``-/r * 75-128-1``) and icat recovers it: leakscan lists each such file as deleted with icat's bytes
    (before: 'entry of unknown type', unrecoverable, no hash)."""
    import re

    listing = subprocess.run(["fls", "-r", "-p", "-d", "-o", "63", str(vss_disk)], capture_output=True, text=True,
                             check=True).stdout
    wiped = {"/" + m.group(2): m.group(1) for m in re.finditer(r"^-/r \* (\d+)-\d+-\d+:\t(.*)$", listing, re.M)}
    assert len(wiped) >= 10
    found: dict[str, set[str]] = defaultdict(set)  # a name may also be left a second time, without metadata
    with ImageSource(str(vss_disk)) as src:
        for item in src.entries():
            if isinstance(item, Skipped | Link) or item.location.containers[-1].name != "p1 (NTFS)":
                continue
            if item.location.path in wiped:
                assert item.deleted
                try:
                    with item.open() as f:
                        found[item.location.path].add(hashlib.sha256(f.read()).hexdigest())
                except ReadError:
                    continue  # the other entry of that name, with no metadata address left
    assert set(found) == set(wiped)
    for path in list(wiped)[:8]:
        icat = subprocess.run(["icat", "-o", "63", str(vss_disk), wiped[path]], capture_output=True, check=True).stdout
        assert hashlib.sha256(icat).hexdigest() in found[path], path
