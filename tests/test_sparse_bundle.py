"""macOS sparse bundles (NAME.sparsebundle: Info.plist, token, bands/) met in a scanned folder or given as the
SOURCE: listed once as what they are (unsupported, or encrypted when the token holds an encrcdsa header), never
walked as a folder of meaningless band files. Built here as hdiutil lays them out: an XML Info.plist with
diskimage-bundle-type, band files named in lowercase hex, bands never written left out."""

from __future__ import annotations

import json
import plistlib
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.image_data import sparse_bundle as _bundle


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bundles") / "src"
    written = "名簿.xlsx".encode().ljust(1 << 16, b"\x01")
    disk = written + bytes(1 << 16) + written + bytes(1 << 16)  # bands 1 and 3 never written: absent
    _bundle(root / "Users.sparsebundle", disk)
    _bundle(root / "Secret.sparsebundle", disk, token=b"encrcdsa" + bytes(100))
    _bundle(root / "renamed", disk)  # no extension: recognised by its Info.plist
    not_one = root / "photos.sparsebundle"  # the name alone decides nothing
    (not_one / "bands").mkdir(parents=True)
    (not_one / "bands" / "名簿.xlsx").write_bytes(b"x")
    (root / "Users.sparsebundle" / "名簿.xlsx").write_bytes(b"x")  # not part of any bundle: put there by someone
    (root / "Users.sparsebundle" / "extra").mkdir()
    (root / "Users.sparsebundle" / "extra" / "名簿.xlsx").write_bytes(b"y")
    (root / "renamed" / "bands" / "名簿.xlsx").write_bytes(b"z")  # no band (not a hex number): never hidden
    (root / "名簿.xlsx").write_bytes(b"not a workbook")
    return root


def test_sparse_bundles_are_listed_once_and_their_bands_not_walked(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(tree), "--name", "名簿.xlsx", "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    rows = {Path(s["path"]).name: s for s in doc["skipped"] if "bundle" in s.get("detail", "")
            and not s["path"].endswith("/Info.plist")}
    assert set(rows) == {"Secret.sparsebundle"}, doc["skipped"]
    assert rows["Secret.sparsebundle"]["reason"] == "encrypted" and "password" in rows["Secret.sparsebundle"]["detail"]
    # bundle10: a local bundle's disk is read through its Info.plist (test_sparse_bundle_read); these bands
    # hold no file system, which is listed on the bundle's Info.plist, never a clean pass
    read = {s["path"].rsplit("/", 2)[-2]: s for s in doc["skipped"] if s["path"].endswith("/Info.plist")}
    assert set(read) == {"Users.sparsebundle", "renamed"}, doc["skipped"]
    for name in ("Users.sparsebundle", "renamed"):
        assert read[name]["reason"] == "unsupported" and "macOS sparse bundle" in read[name]["detail"]
        assert "no file system recognised" in read[name]["detail"]
    text = json.dumps(doc["files"], ensure_ascii=False)
    assert "Users.sparsebundle/bands/" not in text  # no band walked as a file
    assert "renamed/bands/名簿.xlsx" in text  # bands/ holding a file that is no band: walked, the bundle still listed
    # review9d: a file or folder a bundle never holds, put into one, is walked: the bundle's row covers its bands
    # only, and a folder that holds a bundle's Info.plist and bands/ must not hide anything else
    assert "Users.sparsebundle/名簿.xlsx" in text and "Users.sparsebundle/extra/名簿.xlsx" in text
    assert "photos.sparsebundle/bands/名簿.xlsx" in text  # a folder that is no bundle is walked as before


def test_a_sparse_bundle_as_the_source_is_read_not_clean(tree: Path, tmp_path: Path) -> None:
    """bundle10: a bundle given as the SOURCE is assembled and read as a disk (test_sparse_bundle_read); this
    one's bands hold no file system, which is said, never a clean scan."""
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(tree / "Users.sparsebundle"), "--name", "名簿.xlsx", "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    rows = [s for s in doc["skipped"] if s["reason"] == "unsupported"]
    assert rows and "no file system recognised" in rows[0]["detail"], doc["skipped"]
    assert "Users.sparsebundle" in rows[0]["path"]
    # review10c: this bundle's folder holds files hdiutil never puts there: it is walked as a folder (its disk
    # read through its Info.plist, the row above), so they are walked too, never hidden behind its disk
    text = json.dumps(doc["files"], ensure_ascii=False)
    assert "Users.sparsebundle/名簿.xlsx" in text and "Users.sparsebundle/extra/名簿.xlsx" in text


def test_a_sparse_bundle_on_an_smb_share_is_listed_not_walked_as_bands(tree: Path, tmp_path: Path) -> None:
    """review9d: Time Machine and many Mac backups on a NAS are sparse bundles reached over SMB. There, too, the
    bundle is listed once (its disk is not examined: never a clean walk of meaningless band files), and what
    else its folder holds is walked."""
    from tests.smb_data import PASSWORD, SambaServer, require_smbd

    require_smbd()
    server = SambaServer(tmp_path / "samba", {"ev": tree})
    try:
        server.start()
        out = tmp_path / "out"
        proc = run_leakscan("scan", server.url("ev"), "--name", "名簿.xlsx", "--out", str(out), "--quiet",
                            env={"LEAKSCAN_SMB_PASSWORD": PASSWORD})
    finally:
        server.kill()
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    rows = {s["path"].rsplit("/", 1)[-1]: s for s in doc["skipped"] if "sparse bundle" in s.get("detail", "")}
    assert set(rows) == {"Users.sparsebundle", "Secret.sparsebundle", "renamed"}, doc["skipped"]
    assert rows["Secret.sparsebundle"]["reason"] == "encrypted"
    assert "2 band files present" in rows["renamed"]["detail"]
    text = json.dumps(doc["files"], ensure_ascii=False)
    assert "Users.sparsebundle/名簿.xlsx" in text and "photos.sparsebundle/bands/名簿.xlsx" in text
    assert "Users.sparsebundle/bands" not in text and "renamed/bands/名簿.xlsx" in text


def test_a_sparse_bundle_inside_a_disk_image_is_listed_not_walked_as_bands(tree: Path, tmp_path: Path) -> None:
    """review9d: an external drive imaged with a Mac's sparse bundle on it (a Time Machine disk): inside the image,
    too, the bundle is listed once and its bands are not walked as files; the rest of its folder is."""
    from scanner.models import Link, Skipped
    from scanner.sources.image import ImageSource
    from tests.image_data import ext_image

    image = ext_image(tmp_path / "drive.img", tree, 4, "ext2")
    with ImageSource(str(image)) as src:
        items = list(src.entries())
    rows = {i.location.path.rsplit("/", 1)[-1]: i for i in items
            if isinstance(i, Skipped) and "sparse bundle" in i.detail}
    assert set(rows) == {"Users.sparsebundle", "Secret.sparsebundle", "renamed"}, [
        (i.location.path, i.detail) for i in items if isinstance(i, Skipped)]
    assert rows["Secret.sparsebundle"].reason == "encrypted" and "2 band files present" in rows["renamed"].detail
    walked = {i.location.path for i in items if not isinstance(i, Skipped | Link)}
    assert "/Users.sparsebundle/名簿.xlsx" in walked and "/Users.sparsebundle/extra/名簿.xlsx" in walked
    assert "/photos.sparsebundle/bands/名簿.xlsx" in walked and "/renamed/bands/名簿.xlsx" in walked
    assert not [p for p in walked if "sparsebundle/bands/" in p and "photos" not in p], walked


def test_a_folder_whose_info_plist_is_a_fifo_or_a_deep_plist_is_walked(tmp_path: Path) -> None:
    """audit9: the bundle check opened Info.plist blocking (a FIFO there hung the walk) and parsed it with
    plistlib in the walk (a binary plist of nested arrays raised RecursionError and ended it). Neither is a
    bundle: the folders are walked as folders, their files found."""
    import os

    root = tmp_path / "src"
    fifo = root / "fifo"
    (fifo / "bands").mkdir(parents=True)
    os.mkfifo(fifo / "Info.plist")
    (fifo / "名簿.xlsx").write_bytes(b"x")
    deep = root / "deep"
    (deep / "bands").mkdir(parents=True)
    nested: list = []
    for _ in range(3000):
        nested = [nested]
    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(10000)
    try:
        (deep / "Info.plist").write_bytes(plistlib.dumps(nested, fmt=plistlib.FMT_BINARY))
    finally:
        sys.setrecursionlimit(limit)
    (deep / "名簿.xlsx").write_bytes(b"x")
    out = tmp_path / "out"
    run = run_leakscan("scan", str(root), "--out", str(out), "--name", "名簿.xlsx", "--quiet", timeout=120)
    assert "Traceback" not in run.stderr, run.stderr
    text = json.dumps(json.loads((out / "findings.json").read_text(encoding="utf-8"))["files"], ensure_ascii=False)
    assert "fifo/名簿.xlsx" in text and "deep/名簿.xlsx" in text
