"""macOS sparse bundles assembled and read (issue #10): a bundle folder given as the SOURCE is read as the disk its
bands make (Info.plist's size and band-size, band N at N x band-size, absent bands as zeros), opened read-only and
walked like any image. Built here from a real ext2 image cut into bands as hdiutil lays them out; damaged variants
(Info.plist flipped, both plists damaged, a band cut short or grown, an encrypted token) are listed with a reason."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.image_data import sparse_bundle as _bundle

BAND = 1 << 16
LEAKED = "名簿.xlsx"



@pytest.fixture(scope="module")
def disk(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from tests.image_data import ext_image

    base = tmp_path_factory.mktemp("bundle_disk")
    tree = base / "tree"
    (tree / "Users" / "staff").mkdir(parents=True)
    (tree / "Users" / "staff" / LEAKED).write_bytes(b"PK\x03\x04 not a real workbook" * 100)
    return ext_image(base / "disk.img", tree, 4, "ext2").read_bytes()


def _scan(source: Path, out: Path) -> tuple[int, dict]:
    proc = run_leakscan("scan", str(source), "--name", LEAKED, "--out", str(out), "--quiet", timeout=180)
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8")) if (out / "findings.json").exists() else {}
    return proc.returncode, doc


def _paths(doc: dict) -> list[str]:
    return [f["path"] for f in doc.get("files", [])]


def test_a_sparse_bundle_given_as_the_source_is_read_as_its_disk(disk: bytes, tmp_path: Path) -> None:
    bundle = _bundle(tmp_path / "Users.sparsebundle", disk)
    present = sorted(os.listdir(bundle / "bands"))
    assert len(present) < len(disk) // BAND  # some bands absent: they read as zeros
    before = {p: os.stat(bundle / "bands" / p).st_atime_ns for p in present}
    code, doc = _scan(bundle, tmp_path / "out")
    assert any(p.endswith("/Users/staff/" + LEAKED) for p in _paths(doc)), (code, doc.get("skipped"))
    details = doc["scan"]["source_details"][0]
    assert details["format"] == "macOS sparse bundle"
    assert details["size"] == len(disk)
    bundle_facts = details["sparse_bundle"]
    assert bundle_facts["band_size"] == BAND and bundle_facts["bands_present"] == len(present)
    assert bundle_facts["bands_absent"] == len(disk) // BAND - len(present)
    assert not [s for s in doc["skipped"] if "sparse bundle" in s.get("detail", "")], doc["skipped"]
    assert {p: os.stat(bundle / "bands" / p).st_atime_ns for p in present} == before  # read-only, no atime


def test_a_bundle_whose_info_plist_is_damaged_is_read_from_its_backup(disk: bytes, tmp_path: Path) -> None:
    bundle = _bundle(tmp_path / "b.sparsebundle", disk)
    raw = bytearray((bundle / "Info.plist").read_bytes())
    raw[len(raw) // 2] ^= 0xFF  # one flipped byte: no plist any more
    (bundle / "Info.plist").write_bytes(bytes(raw))
    code, doc = _scan(bundle, tmp_path / "out")
    assert any(p.endswith("/" + LEAKED) for p in _paths(doc)), doc.get("skipped")
    assert "Info.bckup" in doc["scan"]["source_details"][0]["sparse_bundle"]["note"]


def test_a_bundle_with_both_plists_damaged_is_listed_corrupt(disk: bytes, tmp_path: Path) -> None:
    bundle = _bundle(tmp_path / "b.sparsebundle", disk)
    for name in ("Info.plist", "Info.bckup"):
        (bundle / name).write_bytes(b"<?xml version='1.0'?><plist><dict><key>diskimage-bundle-type</key>"
                                    b"<string>com.apple.diskimage.sparsebundle</string><key>band-size</key>")
    code, doc = _scan(bundle, tmp_path / "out")
    rows = [s for s in doc["skipped"] if "sparse bundle" in s.get("detail", "") and s["reason"] != "source-error"]
    assert rows and rows[0]["reason"] == "corrupt" and "Info.bckup" in rows[0]["detail"], doc["skipped"]


def test_a_damaged_band_is_listed_and_the_rest_read(disk: bytes, tmp_path: Path) -> None:
    bundle = _bundle(tmp_path / "b.sparsebundle", disk)
    bands = sorted((bundle / "bands").iterdir(), key=lambda p: int(p.name, 16))
    with open(bands[0], "ab") as f:
        f.write(b"x" * 10)  # longer than the band size: only band-size bytes are part of the disk
    (bundle / "bands" / f"{len(disk) // BAND + 3:x}").write_bytes(b"y")  # past the disk's end
    code, doc = _scan(bundle, tmp_path / "out")
    assert any(p.endswith("/" + LEAKED) for p in _paths(doc)), doc.get("skipped")
    rows = [s for s in doc["skipped"] if "sparse bundle" in s.get("detail", "")]
    assert [s["reason"] for s in rows] == ["corrupt"], doc["skipped"]
    assert f"band {bands[0].name} is {BAND + 10} bytes" in rows[0]["detail"] and "past the disk" in rows[0]["detail"]


def test_a_band_cut_short_is_listed_not_a_crash(disk: bytes, tmp_path: Path) -> None:
    bundle = _bundle(tmp_path / "b.sparsebundle", disk)
    last = max((bundle / "bands").iterdir(), key=lambda p: int(p.name, 16))
    last.write_bytes(last.read_bytes()[: BAND // 2])  # a copy that stopped part-way: its end reads as zeros
    code, doc = _scan(bundle, tmp_path / "out")
    rows = [s for s in doc["skipped"] if "sparse bundle" in s.get("detail", "")]
    assert [s["reason"] for s in rows] == ["corrupt"], doc["skipped"]
    assert f"band {last.name} is {BAND // 2} bytes of {BAND}" in rows[0]["detail"]
    assert doc["scan"]["source_details"][0]["sparse_bundle"]["bands_short"] == 1


def test_an_encrypted_bundle_given_as_the_source_stays_encrypted(disk: bytes, tmp_path: Path) -> None:
    bundle = _bundle(tmp_path / "e.sparsebundle", disk, token=b"encrcdsa" + bytes(100))
    code, doc = _scan(bundle, tmp_path / "out")
    rows = [s for s in doc["skipped"] if "sparse bundle" in s.get("detail", "") and s["reason"] != "source-error"]
    assert [s["reason"] for s in rows] == ["encrypted"], doc.get("skipped")
    assert not _paths(doc)


def test_a_sparse_bundle_met_in_a_scanned_folder_is_read(disk: bytes, tmp_path: Path) -> None:
    root = tmp_path / "share"
    bundle = _bundle(root / "backup" / "Users.sparsebundle", disk)
    _bundle(root / "Secret.sparsebundle", disk, token=b"encrcdsa" + bytes(100))
    (root / "other.txt").write_bytes(b"x")
    code, doc = _scan(root, tmp_path / "out")
    found = [p for p in _paths(doc) if p.endswith("/Users/staff/" + LEAKED)]
    assert found and found[0].startswith(str(bundle) + " » "), (found, doc.get("skipped"))
    assert "/bands/" not in json.dumps(_paths(doc), ensure_ascii=False)  # no band walked as a file
    rows = {Path(s["path"]).name: s["reason"] for s in doc["skipped"] if "bundle" in s.get("detail", "")}
    assert rows == {"Secret.sparsebundle": "encrypted"}, doc["skipped"]
    nested = [d for d in doc["scan"]["source_details"] if d.get("format") == "macOS sparse bundle"]
    assert len(nested) == 1 and nested[0]["sparse_bundle"]["bands_present"] == len(os.listdir(bundle / "bands"))


def test_the_band_reader_gives_the_disk_byte_for_byte(disk: bytes, tmp_path: Path) -> None:
    from scanner.sources.image_bundle import BundleReader, bundle_info

    reader = BundleReader(bundle_info(str(_bundle(tmp_path / "b.sparsebundle", disk))))
    try:
        assert reader.get_size() == len(disk) and reader.read(0, len(disk) + 10) == disk
        assert reader.read(BAND - 7, 3 * BAND) == disk[BAND - 7:4 * BAND - 7]  # across present and absent bands
    finally:
        reader.close()


def test_a_damaged_bundle_met_in_a_scanned_folder_is_listed_on_its_info_plist(disk: bytes, tmp_path: Path) -> None:
    root = tmp_path / "share"
    bundle = _bundle(root / "Users.sparsebundle", disk)
    for name in ("Info.plist", "Info.bckup"):
        (bundle / name).write_bytes(b"<?xml version='1.0'?><plist><dict><key>diskimage-bundle-type</key>"
                                    b"<string>com.apple.diskimage.sparsebundle</string><key>band-size</key>")
    code, doc = _scan(root, tmp_path / "out")
    rows = [s for s in doc["skipped"] if s["path"].endswith("Users.sparsebundle/Info.plist")]
    assert [s["reason"] for s in rows] == ["corrupt"], doc["skipped"]
    assert "Info.bckup" in rows[0]["detail"], rows[0]["detail"]
    assert "/bands/" not in json.dumps(_paths(doc), ensure_ascii=False)


def test_files_put_beside_the_bands_of_a_bundle_given_as_the_source_are_walked(disk: bytes, tmp_path: Path) -> None:
    """review10c: a folder made to look like a bundle hid every other file in it (rc 0, no row) when given as
    the SOURCE: the disk was read and nothing else. Its other files are walked, as in a folder walk."""
    bundle = _bundle(tmp_path / "b.sparsebundle", disk)
    (bundle / "顧客.xlsx").write_bytes(b"PK\x03\x04 beside the bands" * 10)
    (bundle / "bands" / "名簿.xlsx").write_bytes(b"PK\x03\x04 among the bands" * 10)
    code, doc = _scan(bundle, tmp_path / "out")
    listed = _paths(doc) + [s["path"] for s in doc["skipped"]]
    assert any(p.endswith("/Users/staff/" + LEAKED) for p in _paths(doc)), (code, doc.get("skipped"))
    assert any(p.endswith("b.sparsebundle/顧客.xlsx") for p in listed), listed
    assert any(p.endswith("b.sparsebundle/bands/名簿.xlsx") for p in listed), listed


def test_one_rule_names_a_band_in_the_walk_and_in_the_reader(disk: bytes, tmp_path: Path) -> None:
    """review10c: the walk took any lowercase hex name for a band (bands/ then not walked) while the reader took
    only names without a leading zero, and "-1" for band -1: a file "00" in bands/ was read by neither."""
    from scanner.sources.image_bundle import bundle_info
    from scanner.sources.sparse_bundle import band_number, bands_in

    assert [band_number(n) for n in ("0", "1f", "00", "01", "-1", "+1", "1F", " 1", "1_0")] == [0, 31] + [None] * 7
    assert bands_in(["0", "00", "-1"]) == (1, True)
    bundle = _bundle(tmp_path / "b.sparsebundle", disk)
    (bundle / "bands" / "-1").write_bytes(b"x" * 100)
    assert -1 not in bundle_info(str(bundle)).bands
    root = tmp_path / "share"
    inner = _bundle(root / "Users.sparsebundle", disk)
    (inner / "bands" / "00").write_bytes(b"PK\x03\x04 a damaged archive, listed once walked" * 10)
    code, doc = _scan(root, tmp_path / "out")
    listed = _paths(doc) + [s["path"] for s in doc["skipped"]]
    assert any(p.endswith("Users.sparsebundle/bands/00") for p in listed), listed


def test_bands_that_are_a_link_out_of_the_evidence_are_not_followed(disk: bytes, tmp_path: Path) -> None:
    """review10c: a bundle whose bands/ is a symbolic link was read through it, in a folder walk too: the disk
    came from bands anywhere on the examiner's machine. A link is no bundle's bands/: the walk lists it
    (links)."""
    from scanner.sources.image_bundle import is_bundle_folder

    elsewhere = _bundle(tmp_path / "elsewhere.sparsebundle", disk)
    root = tmp_path / "share"
    bundle = root / "Users.sparsebundle"
    bundle.mkdir(parents=True)
    for name in ("Info.plist", "Info.bckup", "token"):
        (bundle / name).write_bytes((elsewhere / name).read_bytes())
    (bundle / "bands").symlink_to(elsewhere / "bands")
    assert not is_bundle_folder(str(bundle))
    code, doc = _scan(root, tmp_path / "out")
    assert not [p for p in _paths(doc) if p.endswith("/Users/staff/" + LEAKED)], _paths(doc)
    assert [link["path"].rsplit("/", 2)[-2:] for link in doc["links"]] == [["Users.sparsebundle", "bands"]]
    assert not [d for d in doc["scan"]["source_details"] if d.get("format") == "macOS sparse bundle"]
    from scanner.sources.image_bundle import BundleRefused, bundle_info

    with pytest.raises(BundleRefused):  # given itself (audit10), a linked bands/ is not listed through the link
        bundle_info(str(bundle))


def test_the_bundle_folders_keep_their_access_time(disk: bytes, tmp_path: Path) -> None:
    """review10c: listing bands/ (and the bundle's folder) moved their access time: evidence is read-only, its
    folders included (relatime moves an access time older than the modification time: set so here)."""
    bundle = _bundle(tmp_path / "b.sparsebundle", disk)
    folders = [bundle, bundle / "bands"]
    for folder in folders:
        os.utime(folder, ns=(1_000_000_000, os.stat(folder).st_mtime_ns))
    code, doc = _scan(bundle, tmp_path / "out")
    assert any(p.endswith("/Users/staff/" + LEAKED) for p in _paths(doc)), (code, doc.get("skipped"))
    assert [os.stat(f).st_atime_ns for f in folders] == [1_000_000_000] * 2
