"""Disk images cut short or handed over incomplete, as examiners receive them (issue 10, QA of images made
by other software): a GPT disk whose end (and backup GPT header) was cut off, an MBR disk cut inside its
extended partition, an E01 set with its last or a middle segment missing, and a segmented set given as
``pc08.E0*``. Whatever is there is walked; whatever is not is listed with a reason; nothing is silently
missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.image_data import (
    LEAKED,
    MIB,
    e01,
    ext_image,
    fat_image,
    leaked_workbook,
    partitioned_disk,
    sha256,
    write_tree,
)

LINUX = "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
MSDATA = "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"


def scan(*sources: Path, out: Path) -> tuple[int, dict, str]:
    proc = run_leakscan("scan", *map(str, sources), "--name", LEAKED, "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8")) if (out / "findings.json").exists() else {}
    return proc.returncode, doc, proc.stderr


def copies(doc: dict) -> dict[str, str]:
    """Layer name -> SHA-256 of the leaked file found there."""
    return {f["container"][-1]["name"]: f["sha256"] for f in doc["files"] if f["path"].endswith(LEAKED)}


def volumes(doc: dict) -> dict[str, dict]:
    return {v["name"]: v for v in doc["scan"]["source_details"][0]["volumes"]}


def image_level(doc: dict) -> list[dict]:
    """Skips recorded for the image itself (not for a partition or a file)."""
    return [s for s in doc["skipped"] if s["container"] and s["container"][-1]["kind"] == "image"]


@pytest.fixture(scope="module")
def disks(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("cut")
    leaked = leaked_workbook(seed=23, rows=12)
    ext_a = ext_image(base / "a.img", write_tree(base / "ta", {f"/home/a/{LEAKED}": leaked}), size_mib=4, fs="ext2")
    ext_b = ext_image(base / "b.img", write_tree(base / "tb", {f"/home/b/{LEAKED}": leaked}), size_mib=4, fs="ext2")
    fat = fat_image(base / "fat.img", {f"/B/{LEAKED}": leaked}, size_mib=8, bits=16, sectors_per_cluster=1)
    gpt = base / "gpt.img"
    gpt_offsets = partitioned_disk(gpt, [(ext_a, LINUX), (fat, MSDATA), (ext_b, LINUX)], label="gpt")
    gpt_cut = base / "gpt_cut.img"  # cut inside p2: p1 whole, p2 partly there, p3 and the backup header gone
    with open(gpt, "rb") as f:
        gpt_cut.write_bytes(f.read(gpt_offsets[1] + 2 * MIB))
    # MBR: p1 FAT16, then an extended partition holding p5 and p9 (ext2)
    mbr = base / "mbr.img"
    start = 2048
    size = {p: -(-p.stat().st_size // 512) for p in (fat, ext_a, ext_b)}
    p5, p9 = start + size[fat] + 2048 + 2048, 0
    p9 = p5 + size[ext_a] + 2048
    end = p9 + size[ext_b] + 2048
    with open(mbr, "wb") as f:
        f.truncate(end * 512)
    table = (f"label: dos\nstart={start}, size={size[fat]}, type=6\n"
             f"start={p5 - 2048}, size={end - (p5 - 2048)}, type=5\n"
             f"start={p5}, size={size[ext_a]}, type=83\nstart={p9}, size={size[ext_b]}, type=83\n")
    subprocess.run(["sfdisk", "-q", str(mbr)], input=table.encode(), check=True, capture_output=True)
    for img, sector in ((fat, start), (ext_a, p5), (ext_b, p9)):
        with open(img, "rb") as src, open(mbr, "r+b") as dst:
            dst.seek(sector * 512)
            dst.write(src.read())
    mbr_cut = base / "mbr_cut.img"  # cut inside p5: p9's boot record (and p9) are gone
    with open(mbr, "rb") as f:
        mbr_cut.write_bytes(f.read(p5 * 512 + 2 * MIB))
    ewf = base / "ewf"
    ewf.mkdir()
    first = e01(mbr, ewf / "pc08", segment="1MiB")
    segments = sorted(ewf.glob("pc08.E*"))
    assert len(segments) >= 4, segments
    return {"base": base, "leaked": sha256(leaked), "gpt_cut": gpt_cut, "mbr_cut": mbr_cut, "e01": first,
            "segments": segments}


def test_gpt_disk_cut_short_walks_what_is_there(disks: dict, tmp_path: Path) -> None:
    """libvsgpt refuses a GPT without its backup header (the disk's last sector): the table is read
    directly, the whole partition is walked, the cut one says how much is there, the missing one and the
    image itself say 'truncated'. Before: exit 2, nothing walked."""
    code, doc, err = scan(disks["gpt_cut"], out=tmp_path / "out")
    assert code == 3, err  # Session 10: the partition past the end was not listed: incomplete
    assert copies(doc).get("p1 (ext2)") == disks["leaked"]
    vols = volumes(doc)
    assert vols["p1"]["status"] == "ok" and vols["p1"]["volume_system"] == "GPT (read directly)"
    assert "backup partition table header" in vols["p1"]["note"]
    assert "runs past the end of the image" in vols["p2"].get("note", vols["p2"].get("detail", ""))
    assert vols["p3"]["status"] == "unsupported" and "past the end of the image" in vols["p3"]["detail"]
    cut = image_level(doc)
    assert [s["reason"] for s in cut] == ["corrupt"] and "truncated image" in cut[0]["detail"]


def test_mbr_disk_cut_inside_its_extended_partition_says_so(disks: dict, tmp_path: Path) -> None:
    """The Sleuth Kit stops the chain of logical partitions silently where a boot record is cut off: the
    image-level 'truncated' entry is what tells the examiner that p9 may exist. Before: no word."""
    code, doc, err = scan(disks["mbr_cut"], out=tmp_path / "out")
    assert code == 3, err  # Session 10: partitions past the end were not listed: incomplete
    assert copies(doc).get("p1 (FAT16)") == disks["leaked"]
    assert "p9" not in volumes(doc)
    cut = image_level(doc)
    assert len(cut) == 1 and cut[0]["reason"] == "corrupt"
    assert "truncated image" in cut[0]["detail"] and "logical partitions" in cut[0]["detail"]


def test_e01_set_whole_and_given_as_a_glob(disks: dict, tmp_path: Path) -> None:
    """`leakscan scan pc08.E0*`: the later segments are read with the first (one note), not opened as
    images of their own (before: one source error each, exit 2). Nothing is flagged truncated."""
    code, doc, err = scan(*disks["segments"], out=tmp_path / "out")
    assert code == 1, err
    assert doc["scan"]["sources"] == [str(disks["e01"])]
    assert doc["scan"]["source_errors"] == []
    assert "later segments of" in err
    assert set(copies(doc)) == {"p1 (FAT16)", "p5 (ext2)", "p9 (ext2)"}
    assert image_level(doc) == []
    alone = run_leakscan("scan", str(disks["segments"][1]), "--out", str(tmp_path / "out2"), "--quiet")
    assert alone.returncode == 2 and "give its first segment" in alone.stderr and disks["e01"].name in alone.stderr


@pytest.mark.parametrize("which", ["last", "middle"])
def test_e01_with_a_segment_missing_names_it_and_walks_what_is_there(disks: dict, tmp_path: Path, which: str) -> None:
    """pyewf.glob stops at the first gap and libewf then fails every read past it; The Sleuth Kit probes
    the end of the media while recognising a file system, so before, no partition at all was walked
    (exit 2, 'p1: no file system recognised') and the missing file was never named."""
    folder = tmp_path / "set"
    folder.mkdir()
    segments = disks["segments"]
    gone = segments[-1] if which == "last" else segments[2]
    for seg in segments:
        if seg != gone:
            shutil.copyfile(seg, folder / seg.name)
    code, doc, err = scan(folder / disks["e01"].name, out=tmp_path / "out")
    missing = image_level(doc)
    assert len(missing) == 1 and missing[0]["reason"] == "unreadable", doc["skipped"]
    assert f"segment file missing: {gone.name}" in missing[0]["detail"]
    files = doc["scan"]["source_details"][0]["files"]
    assert [f["path"] for f in files if f.get("missing")] == [str(folder / gone.name)]
    if which == "last":  # the last segment holds the end of the media only: every partition is walked
        assert code == 3, err  # Session 10: the media after the gap was not listed: incomplete
        assert set(copies(doc)) == {"p1 (FAT16)", "p5 (ext2)", "p9 (ext2)"}
        assert all(h == disks["leaked"] for h in copies(doc).values())
    else:  # past a gap in the middle nothing can be read; what was before it is walked or listed
        assert code in (2, 3), err  # Session 10: incomplete (or no SOURCE opened)
        assert "segment file missing" in err or code == 1


def test_split_raw_named_as_gnu_split_names_it_is_read_whole(disks: dict, tmp_path: Path) -> None:
    """`split -b 8M disk.img disk.img.` writes .aa, .ab ...: dfvfs (libsmraw) took the set as split raw, but
    the walk read the first piece only, so partitions past it fell to dfvfs' walkers and the NTFS file
    count crashed the walker (exit 2, 'AttributeError'). Now every piece is read; the later ones given
    as SOURCEs too are read with the first."""
    raw = (disks["base"] / "mbr.img").read_bytes()
    folder = tmp_path / "pieces"
    folder.mkdir()
    step = 8 * MIB
    pieces = []
    for i, start in enumerate(range(0, len(raw), step)):
        piece = folder / f"pc12.img.a{'abcdefghij'[i]}"
        piece.write_bytes(raw[start:start + step])
        pieces.append(piece)
    assert len(pieces) >= 3
    code, doc, err = scan(*pieces, out=tmp_path / "out")
    assert code == 1, err
    assert doc["scan"]["sources"] == [str(pieces[0])]
    assert doc["scan"]["source_details"][0]["segments"] == len(pieces)
    assert set(copies(doc)) == {"p1 (FAT16)", "p5 (ext2)", "p9 (ext2)"}
    assert image_level(doc) == []


def test_a_file_count_never_fails_an_image() -> None:
    """The progress estimate reads NTFS' $MFT bitmap through The Sleuth Kit; an NTFS walked by dfvfs (TSK
    refused it) has no such object: no count, and the walk goes on."""
    from scanner.sources.image_count import files_in

    class DfvfsNtfs:  # what dfvfs' NTFSFileSystem offers: no open_meta
        pass

    assert files_in("NTFS", DfvfsNtfs(), None) is None


def test_a_folder_holding_a_segmented_set_walks_it_once(disks: dict, tmp_path: Path) -> None:
    """An evidence folder with pc08.E01 ... pc08.E0N: the set is walked from its first segment; the later
    segments are files of the folder, not failed images (before: two false 'not readable' entries each)."""
    code, doc, err = scan(disks["e01"].parent, out=tmp_path / "out")
    assert code == 1, err
    images = [s for s in doc["scan"]["source_details"] if s.get("kind") == "image"]
    assert [s["source"] for s in images] == [str(disks["e01"])]
    assert images[0]["segments"] == len(disks["segments"])
    assert set(copies(doc)) == {"p1 (FAT16)", "p5 (ext2)", "p9 (ext2)"}
    assert [s for s in doc["skipped"] if s["reason"] != "special-file"] == []
