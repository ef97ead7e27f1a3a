"""EWF (E01) images whose file name does not say which segment they are, and EWF media with no file system.

Found on images made by other software (session 7 QA: Velocidex go-ewf's ``test.ntfs.dd.E01`` and its
six-segment ``rand.dd.E01`` set, dissect.evidence's ``ewf.E01``): an E01 renamed ``evidence`` or held in a
zip or tar was "not readable: truncated, or a segment missing" (pyewf.glob wants an ``.E01`` name), the
message carried the scanner's private in-memory path, and a complete, verified E01 of a disk that holds no
file system (random or wiped media) was said to be "not readable (truncated, or a segment missing?)".
Built here with ewfacquire on a FAT image (mtools), so the test needs no fetched file.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.image_data import LEAKED, MIB, e01, fat_image, leaked_workbook, sha256

pytestmark = pytest.mark.skipif(not (shutil.which("ewfacquire") and shutil.which("mcopy")),
                                reason="ewfacquire (ewf-tools) and mtools are needed")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | bytes]:
    tmp = tmp_path_factory.mktemp("ewfnames")
    leaked = leaked_workbook()
    fat = fat_image(tmp / "usb.raw", {f"/docs/{LEAKED}": leaked}, size_mib=8, bits=12)
    (tmp / "one").mkdir()
    one = e01(fat, tmp / "one" / "pc", segment="64MiB")
    (tmp / "set").mkdir()
    noise = tmp / "noise.raw"
    noise.write_bytes(os.urandom(3 * MIB))  # random media: no partition table, no file system
    many = e01(fat, tmp / "set" / "pc", segment="1MiB")
    (tmp / "noise").mkdir()
    rand = e01(noise, tmp / "noise" / "wiped")
    return {"leaked": leaked, "one": one, "many": many, "noise": rand, "tmp": tmp}


def scan(tmp: Path, source: Path, name: str) -> tuple[int, dict, str]:
    out = tmp / "out"
    proc = run_leakscan("scan", str(source), "--name", LEAKED, "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    text = (out / "findings.json").read_text(encoding="utf-8")
    return proc.returncode, json.loads(text), text + proc.stderr


def test_single_segment_e01_renamed_without_extension_is_walked(made, tmp_path: Path) -> None:
    renamed = tmp_path / "evidence"
    shutil.copyfile(made["one"], renamed)
    code, doc, _ = scan(tmp_path, renamed, "evidence")
    assert code == 1, doc["skipped"]
    (hit,) = [f for f in doc["files"] if f["path"].endswith(LEAKED)]
    assert hit["path"] == f"{renamed} » fs (FAT12) » /docs/{LEAKED}" and hit["sha256"] == sha256(made["leaked"])
    (details,) = doc["scan"]["source_details"]
    assert details["verified"] is True and details["format"].startswith("EWF")


@pytest.mark.parametrize("packer", ["zip", "tar"])
@pytest.mark.parametrize("member", ["pc.E01", "evidence.bin"])
def test_single_segment_e01_inside_an_archive_is_walked(made, tmp_path: Path, packer: str, member: str) -> None:
    archive = tmp_path / f"case.{packer}"
    if packer == "zip":
        with zipfile.ZipFile(archive, "w") as z:
            z.write(made["one"], f"img/{member}")
    else:
        with tarfile.open(archive, "w") as t:
            t.add(made["one"], f"img/{member}")
    code, doc, text = scan(tmp_path, archive, member)
    assert code == 1, doc["skipped"]
    (hit,) = [f for f in doc["files"] if f["path"].endswith(LEAKED)]
    assert hit["path"] == f"{archive} » img/{member} » fs (FAT12) » /docs/{LEAKED}"
    assert hit["sha256"] == sha256(made["leaked"])
    assert "leakscan-images-" not in text  # never the scanner's private in-memory path


def test_segmented_e01_inside_a_zip_names_its_segments_where_they_are(made, tmp_path: Path) -> None:
    segments = sorted(Path(made["many"]).parent.glob("pc.E*"))
    assert len(segments) >= 3
    archive = tmp_path / "case.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for seg in segments:
            z.write(seg, f"img/{seg.name}")
    code, doc, text = scan(tmp_path, archive, "case.zip")
    assert "leakscan-images-" not in text
    assert code == 3  # Session 10: the segments not found leave the media unlisted: incomplete
    first = [s for s in doc["skipped"] if s["path"].startswith(f"{archive} » img/pc.E01")]
    assert first, doc["skipped"]
    # the first segment: what follows it is named as the member beside it, and how to get it read
    assert any("img/pc.E02" in s["detail"] and "extract" in s["detail"] for s in first), first
    later = [s for s in doc["skipped"] if s["path"] == f"{archive} » img/pc.E02"]
    (two,) = later
    assert "segment 2 of an EWF set" in two["detail"] and "truncated" not in two["detail"]
    for s in doc["skipped"]:
        assert "truncated, or a segment" not in s["detail"], s


def test_complete_e01_of_media_without_file_system_is_not_called_truncated(made, tmp_path: Path) -> None:
    code, doc, text = scan(tmp_path, Path(made["noise"]), "noise")
    assert code == 2
    assert "truncated" not in text and "segment missing" not in text
    (err,) = [s for s in doc["skipped"] if s["reason"] == "source-error"]
    assert "complete, its stored MD5" in err["detail"] and "match" in err["detail"]
    assert "no file system" in err["detail"]


def test_image_that_is_a_source_error_keeps_its_provenance(made, tmp_path: Path) -> None:
    """Nothing walkable is no reason to lose the chain of custody: format, files, stored and computed hashes
    and each layer are still in source_details (before: an empty list)."""
    code, doc, _ = scan(tmp_path, Path(made["noise"]), "noise")
    assert code == 2
    (details,) = doc["scan"]["source_details"]
    assert details["source"] == str(made["noise"]) and details["format"] == "EWF (E01)"
    assert details["verified"] is True and details["computed_hashes"]["md5"] == details["image_hashes"]["md5"]
    assert [f["role"] for f in details["files"]] == ["segment"] and details["files"][0]["sha256"]
    assert [v["status"] for v in details["volumes"]] == ["unsupported"]


def test_segment_inside_an_image_is_never_read_by_its_path_on_this_machine(made, tmp_path: Path) -> None:
    """dfvfs refuses an EWF segment not named like one; leakscan then reads the file's own header to see if it
    is a first segment. For a file inside an image (a TSK path spec) that header is read through dfvfs, never
    from the host file that happens to have the same path: here the in-image location names a real E01 on this
    machine, but the in-image file cannot be opened, so it is not taken for a segment."""
    from types import SimpleNamespace

    from dfvfs.lib import errors

    from scanner.sources.image_parents import _ewf_glob_or_itself

    host_copy = tmp_path / "evidence"
    shutil.copyfile(made["one"], host_copy)

    def refuses(file_system: object, path_spec: object) -> list[object]:
        raise errors.PathSpecError("unsupported segment name")

    segments = _ewf_glob_or_itself(refuses)
    on_host = SimpleNamespace(type_indicator="OS", location=str(host_copy))
    assert segments(None, SimpleNamespace(parent=on_host)) == [on_host]  # a host file: its header decides
    in_image = SimpleNamespace(type_indicator="TSK", location=str(host_copy), parent=None)
    with pytest.raises(errors.PathSpecError):
        segments(None, SimpleNamespace(parent=in_image))
