"""Real images written by other projects (../shared/corpus/images), checked against The Sleuth Kit's
own tools: every file ``fls -r`` lists is found (deleted ones marked deleted), nothing is invented,
content equals ``icat``, sizes and modification times equal ``fls -m``."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from scanner.errors import ReadError
from scanner.models import Link, Skipped
from scanner.sources.image import ImageSource, looks_like_image
from tests.conftest import run_leakscan

IMAGES = {  # image file -> its fls listing in expected/
    "dfvfs__ext2.E01": "dfvfs_ext2.E01.fls",
    "dfvfs__ímynd.dd": "dfvfs_imynd.dd.fls",
    "sleuthkit__image.E01": "tsk_image.E01.fls",
    "ntfs__testfs1": "ntfs_testfs1.fls",
    "dfir_ntfs__ntfs3.raw.gz": "ntfs3.raw.fls",
    "rust-fatfs__fat12.img": "rust-fatfs_fat12.img.fls",
    "dfir_ntfs__fat_lfn_test.raw.gz": "fat_lfn_test.raw.fls",
    "go-ext4__hierarchy_32.ext4": "hierarchy_32.ext4.fls",
}
FLS_LINE = re.compile(r"^(?P<name>[-a-zA-Z])/(?P<meta>[-a-zA-Z])(?P<deleted> \*)? (?P<addr>[\d-]+)(?:\(realloc\))?:\t(?P<path>.*)$")


@pytest.fixture(scope="module")
def images(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Image name -> a readable path (``.gz`` ones unpacked into a temporary folder)."""
    tmp = tmp_path_factory.mktemp("corpus_images")
    out = {}
    for name in IMAGES:
        src = corpus / "images" / name
        if name.endswith(".gz"):
            dst = tmp / name[:-3]
            with gzip.open(src, "rb") as fin, open(dst, "wb") as fout:
                shutil.copyfileobj(fin, fout)
            out[name] = dst
        else:
            out[name] = src
    return out


def fls_files(corpus: Path, listing: str) -> list[tuple[str, str, bool]]:
    """(path, metadata address, deleted) of every regular file in a stored ``fls -r -p`` listing."""
    rows = []
    for line in (corpus / "expected" / listing).read_text(encoding="utf-8").splitlines():
        m = FLS_LINE.match(line)
        if not m or "r" not in (m["name"], m["meta"]) or m["path"].endswith("(Volume Label Entry)"):
            continue
        rows.append(("/" + m["path"], m["addr"], bool(m["deleted"])))
    return rows


@contextmanager
def walked(image: Path) -> Iterator[dict[str, Any]]:
    """Path -> entry for every file of the image, with the image still open to read them."""
    with ImageSource(str(image)) as src:
        yield {i.location.path: i for i in src.entries() if not isinstance(i, Skipped | Link)}


def base(path: str) -> str:
    """NTFS attribute suffix off (``$Secure:$SDS`` -> ``$Secure``): fls lists index streams too."""
    head, _, tail = path.rpartition("/")
    return f"{head}/{tail.split(':')[0]}"


@pytest.mark.parametrize("name", sorted(IMAGES))
def test_every_file_fls_lists_is_found_and_nothing_invented(name: str, images, corpus: Path) -> None:
    image = images[name]
    assert looks_like_image(str(image))
    expected = fls_files(corpus, IMAGES[name])
    with walked(image) as entries:
        pass
    ours = {base(p) for p in entries}
    theirs = {base(p) for p, _, _ in expected}
    missing = theirs - ours
    assert not missing, f"in fls, not found: {sorted(missing)[:10]}"
    invented = ours - theirs
    assert not invented, f"found, not in fls: {sorted(invented)[:10]}"
    for path, _, deleted in expected:
        if path in entries:
            assert entries[path].deleted is deleted, path


@pytest.mark.parametrize("name", sorted(IMAGES))
def test_content_equals_icat_and_times_equal_fls_body(name: str, images, corpus: Path) -> None:
    image = images[name]
    with walked(image) as entries:
        _compare_with_tsk_tools(image, entries, fls_files(corpus, IMAGES[name]))


def _compare_with_tsk_tools(image: Path, entries: dict[str, Any], expected: list[tuple[str, str, bool]]) -> None:
    body = {}
    listing = subprocess.run(["fls", "-r", "-m", "/", str(image)], capture_output=True, check=True).stdout
    for line in listing.decode("utf-8", "replace").splitlines():
        f = line.split("|")
        body[f[1]] = (int(f[6]), int(f[8]))  # size, mtime
    checked = 0
    for path, addr, deleted in expected:
        entry = entries.get(path)
        if deleted or entry is None or path.startswith("/$"):
            continue
        want = subprocess.run(["icat", str(image), addr], capture_output=True, check=True).stdout
        with entry.open() as fh:
            got = fh.read()
        assert hashlib.sha256(got).digest() == hashlib.sha256(want).digest(), path
        st = entry.stat()
        size, mtime = body[path]
        assert st.size == size == len(got), path
        if st.mtime:
            assert _epoch(st.mtime, bool(st.time_note)) == mtime, path
        checked += 1
    assert checked >= 1


def _epoch(iso: str, local: bool) -> int:
    """Our text back to POSIX seconds: UTC (``Z``), or the FAT wall clock in this process's zone."""
    if not local:
        return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC).timestamp())
    return int(time.mktime(time.strptime(iso.split(".")[0], "%Y-%m-%dT%H:%M:%S")))


def test_deleted_entries_without_content_are_unrecoverable(images) -> None:
    with walked(images["dfvfs__ímynd.dd"]) as entries:
        for path in ("/a_directory/.another_file.swp", "/a_directory/another_file~"):
            assert entries[path].deleted
            with pytest.raises(ReadError) as err:
                entries[path].open()
            assert err.value.reason == "unrecoverable"
    with walked(images["dfir_ntfs__ntfs3.raw.gz"]) as orphans:
        pass
    assert sorted(p for p, e in orphans.items() if e.deleted) == [f"/$OrphanFiles/OrphanFile-{i}" for i in range(16, 24)]


def test_ntfs_system_files_listed_but_not_read(images) -> None:
    with walked(images["ntfs__testfs1"]) as entries:
        with pytest.raises(ReadError) as err:
            entries["/$BadClus:$Bad"].open()
        assert err.value.reason == "special-file"
        with entries["/sparse-file"].open() as fh:
            assert len(fh.read()) == 500005


def test_e01_from_sleuthkit_through_the_cli(images, tmp_path: Path) -> None:
    image = images["sleuthkit__image.E01"]
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(image), "--name", "passwords.txt", "--name", ".another_file.swp",
                        "--out", str(out), "--quiet", "--verify-images")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    files = {f["path"]: f for f in doc["files"]}
    pw = files[f"{image} » fs (ext2) » /passwords.txt"]
    icat = subprocess.run(["icat", str(image), "15"], capture_output=True, check=True).stdout
    assert pw["sha256"] == hashlib.sha256(icat).hexdigest() and pw["deleted"] is False
    swp = files[f"{image} » fs (ext2) » /a_directory/.another_file.swp"]
    assert swp["deleted"] is True and swp["status"] == "unrecoverable" and swp["sha256"] is None
    details = doc["scan"]["source_details"][0]
    assert details["format"] == "EWF (E01)" and set(details["image_hashes"]) == {"md5"}
    assert details["verified"] is True
    assert details["computed_hashes"]["md5"] == details["image_hashes"]["md5"]
