"""Archive members as entries: names, nesting, depth, encryption, formats, caps and broken archives.

These run the real pipeline in-process on trees built in tmp_path (tests/test_archive_cli.py runs the
command line as a user would).
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import zipfile
from pathlib import Path

import pytest

from scanner.config import MiB, ScanConfig
from scanner.contracts import Inspection
from scanner.inspectors.archive import ArchiveInspector
from scanner.inspectors.archive_formats import zip_member_name
from scanner.models import FileStat, Location
from scanner.pipeline import run_scan
from scanner.registry import inspectors_for
from scanner.sources import open_source
from scanner.store import build_findings
from tests.archive_data import (
    LEAK_NAME,
    corrupt_zip,
    lying_zip,
    nested_zip,
    roster_xlsx,
    seven_zip,
    tar_bytes,
    zip_bytes,
    zip_raw_names,
    zip_tool_encrypted,
)


def scan(root: Path, names: list[str] | tuple[str, ...] = (LEAK_NAME,), inspectors=None, **cfg) -> dict:
    config = ScanConfig(sources=[str(root)], out=root.parent / "out", names=list(names), **cfg)
    if inspectors is not None:
        inspectors = [i(config) if isinstance(i, type) else i for i in inspectors]
    result = run_scan(config, [open_source(str(root))], inspectors=inspectors)
    return build_findings(result)


def by_path(doc: dict) -> dict[str, dict]:
    return {f["path"]: f for f in doc["files"]}


def skips(doc: dict) -> dict[str, tuple[str, str]]:
    return {s["path"]: (s["reason"], s["detail"]) for s in doc["skipped"]}


@pytest.fixture
def share(tmp_path: Path) -> Path:
    d = tmp_path / "share"
    d.mkdir()
    return d


@pytest.fixture(scope="module")
def roster() -> bytes:
    return roster_xlsx()


def test_mixed_zip_names_decoded_per_member(share: Path, roster: bytes) -> None:
    # one cp932 name without the flag (Explorer), one UTF-8 name without the flag (macOS),
    # one flagged UTF-8 name (zipfile), in the same archive
    cp932 = LEAK_NAME.encode("cp932")
    mac = "書類/住所録.csv".encode()
    data = zip_raw_names([(cp932, roster), (mac, "氏名,住所\n".encode()), ("フォルダ/利用者名簿 - コピー.xlsx", roster)])
    flags = [i.flag_bits & 0x800 for i in zipfile.ZipFile(io.BytesIO(data)).infolist()]
    assert flags == [0, 0, 0x800]
    (share / "backup_2017.zip").write_bytes(data)
    doc = scan(share)
    files = by_path(doc)
    arc = str(share / "backup_2017.zip")
    hit = files[f"{arc} » {LEAK_NAME}"]
    assert hit["inner_path"] == LEAK_NAME
    assert hit["raw_path_hex"] == cp932.hex()
    assert hit["sha256"] == hashlib.sha256(roster).hexdigest()
    assert hit["size"] == len(roster)
    assert "name" in hit["reasons"]
    assert hit["container"] == [{"kind": "archive", "name": arc, "detail": {"format": "zip"}}]
    assert hit["mtime"] == "2017-03-01T10:20:30" and "local time" in hit["time_note"]
    assert files[f"{arc} » 書類/住所録.csv"]["raw_path_hex"] is None
    assert f"{arc} » フォルダ/利用者名簿 - コピー.xlsx" in files


def test_unflagged_name_neither_utf8_nor_cp932_keeps_raw_bytes() -> None:
    raw = b"\x81\x7f\xff.xlsx"  # not UTF-8, not cp932
    info = zipfile.ZipInfo(raw.decode("cp437"))
    text, raw_hex = zip_member_name(info)
    assert raw_hex == raw.hex()
    assert text.endswith(".xlsx")


def test_unicode_path_extra_field_wins_over_raw_bytes() -> None:
    # Info-ZIP writes the raw (here cp437-only) name and the real UTF-8 name in extra field 0x7075
    import struct
    import zlib

    raw = b"?????.xlsx"
    real = "利用者名簿.xlsx".encode()
    info = zipfile.ZipInfo(raw.decode("cp437"))
    info.extra = struct.pack("<HHBI", 0x7075, 5 + len(real), 1, zlib.crc32(raw)) + real
    assert zip_member_name(info) == ("利用者名簿.xlsx", None)


def test_nested_zip_found_with_two_hop_path(share: Path, roster: bytes) -> None:
    (share / "a.zip").write_bytes(zip_bytes({"inner.zip": zip_bytes({LEAK_NAME: roster})}))
    doc = scan(share)
    arc = str(share / "a.zip")
    hit = by_path(doc)[f"{arc} » inner.zip » {LEAK_NAME}"]
    assert hit["sha256"] == hashlib.sha256(roster).hexdigest()
    assert [(c["kind"], c["name"]) for c in hit["container"]] == [("archive", arc), ("archive", "inner.zip")]
    assert Location.parse_display(hit["path"]) == [arc, "inner.zip", LEAK_NAME]


@pytest.mark.parametrize("depth, found", [(3, True), (2, False), (0, False)])
def test_depth_cap(share: Path, roster: bytes, depth: int, found: bool) -> None:
    (share / "level1.zip").write_bytes(nested_zip(3, LEAK_NAME, roster))
    doc = scan(share, archive_depth=depth)
    arc = str(share / "level1.zip")
    deep_path = f"{arc} » level2.zip » level3.zip » {LEAK_NAME}"
    assert (deep_path in by_path(doc)) is found
    too_deep = {p for p, (reason, _) in skips(doc).items() if reason == "too-deep"}
    if depth == 3:
        assert not too_deep
    elif depth == 2:
        assert too_deep == {f"{arc} » level2.zip » level3.zip"}
    else:
        assert too_deep == {arc}


def test_default_depth_stops_at_the_fourth_archive(share: Path, roster: bytes) -> None:
    (share / "level1.zip").write_bytes(nested_zip(4, LEAK_NAME, roster))
    doc = scan(share)
    assert not any(p.endswith(LEAK_NAME) for p in by_path(doc))
    arc = str(share / "level1.zip")
    assert skips(doc)[f"{arc} » level2.zip » level3.zip » level4.zip"][0] == "too-deep"


def test_encrypted_zip_from_zip_tool(share: Path, tmp_path: Path, roster: bytes) -> None:
    data = zip_tool_encrypted(tmp_path, {LEAK_NAME: roster, "memo.txt": b"secret memo"}, "pw",
                              plain={"readme.txt": b"plain text"})
    (share / "enc.zip").write_bytes(data)
    doc = scan(share, names=[LEAK_NAME, "readme.txt"])
    arc = str(share / "enc.zip")
    sk = skips(doc)
    assert sk[arc][0] == "encrypted" and "2 of 3" in sk[arc][1]
    assert sk[f"{arc} » memo.txt"][0] == "encrypted"
    assert sk[f"{arc} » {LEAK_NAME}"][0] == "encrypted"
    files = by_path(doc)
    hit = files[f"{arc} » {LEAK_NAME}"]  # still a hit by name, not readable
    assert hit["status"] == "encrypted" and hit["sha256"] is None and "name" in hit["reasons"]
    assert files[f"{arc} » readme.txt"]["sha256"] == hashlib.sha256(b"plain text").hexdigest()
    assert f"{arc} » memo.txt" not in files


def test_encrypted_7z_lists_members_and_header_encrypted_7z_is_listed(share: Path, roster: bytes) -> None:
    (share / "enc.7z").write_bytes(seven_zip({f"docs/{LEAK_NAME}": roster, "a.txt": b"x"}, password="pw"))
    (share / "hidden.7z").write_bytes(seven_zip({LEAK_NAME: roster}, password="pw", header_encryption=True))
    doc = scan(share)
    sk = skips(doc)
    enc = str(share / "enc.7z")
    assert sk[enc][0] == "encrypted"
    assert sk[f"{enc} » a.txt"][0] == "encrypted"
    assert by_path(doc)[f"{enc} » docs/{LEAK_NAME}"]["status"] == "encrypted"
    hidden = str(share / "hidden.7z")
    assert sk[hidden][0] == "encrypted" and "header" in sk[hidden][1]


def test_7z_and_tar_members_found(share: Path, roster: bytes) -> None:
    (share / "b.7z").write_bytes(seven_zip({f"2017/{LEAK_NAME}": roster, "other.txt": b"abc"}))
    (share / "c.tar.gz").write_bytes(tar_bytes({f"home/{LEAK_NAME}": roster}, symlinks={"home/link.xlsx": LEAK_NAME},
                                               fifos=("home/pipe",)))
    (share / "d.tar.bz2").write_bytes(tar_bytes({LEAK_NAME: roster}, mode="w:bz2"))
    (share / "e.tar.xz").write_bytes(tar_bytes({LEAK_NAME: roster}, mode="w:xz"))
    (share / "f.tar").write_bytes(tar_bytes({LEAK_NAME: roster}, mode="w"))
    doc = scan(share)
    files = by_path(doc)
    want = hashlib.sha256(roster).hexdigest()
    for path in (f"b.7z » 2017/{LEAK_NAME}", f"c.tar.gz » home/{LEAK_NAME}", f"d.tar.bz2 » {LEAK_NAME}",
                 f"e.tar.xz » {LEAK_NAME}", f"f.tar » {LEAK_NAME}"):
        hit = files[f"{share}/{path}"]
        assert hit["sha256"] == want and hit["size"] == len(roster), path
    assert files[f"{share}/c.tar.gz » home/{LEAK_NAME}"]["mtime"] == "2017-03-01T10:20:30Z"
    assert {"path": f"{share}/c.tar.gz » home/link.xlsx", "target": LEAK_NAME} in doc["links"]
    assert skips(doc)[f"{share}/c.tar.gz » home/pipe"][0] == "special-file"


def test_archive_sniffed_by_content_but_office_files_are_not_expanded(share: Path, roster: bytes) -> None:
    (share / "backup.dat").write_bytes(zip_bytes({LEAK_NAME: roster}))
    (share / "old.bak").write_bytes(tar_bytes({LEAK_NAME: roster}, mode="w"))
    (share / "roster.xlsx").write_bytes(roster)
    (share / "roster.bin").write_bytes(roster)  # a workbook under another name: still not an archive
    doc = scan(share, names=[LEAK_NAME, "roster.xlsx"], inspectors=[ArchiveInspector])
    paths = set(by_path(doc)) | set(skips(doc))
    assert f"{share}/backup.dat » {LEAK_NAME}" in paths
    assert f"{share}/old.bak » {LEAK_NAME}" in paths
    assert not any("roster.xlsx »" in p or "roster.bin »" in p for p in paths)
    assert by_path(doc)[f"{share}/roster.xlsx"]["status"] == "ok"


def test_wants_is_cheap_and_by_extension_or_magic(tmp_path: Path) -> None:
    insp = ArchiveInspector(ScanConfig(sources=[], out=tmp_path))

    class E:
        def __init__(self, name: str, data: bytes = b"") -> None:
            self.name = name
            self.data = data

        def open(self) -> io.BytesIO:
            return io.BytesIO(self.data)

    def no_head() -> bytes:
        raise AssertionError("head must not be read for a known extension")

    assert insp.wants(E("a.ZIP"), 100, no_head)
    assert insp.wants(E("a.tar.gz"), 100, no_head)
    ooxml = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"})
    embeds = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>",
                        "xl/embeddings/Microsoft_Excel_Worksheet.xlsx": b"PK"})
    # an OOXML document: only its zip directory is looked at, for embedded objects (scanner.inspectors.embedded)
    assert not insp.wants(E("report.docx", ooxml), len(ooxml), no_head)
    assert insp.wants(E("report.docx", embeds), len(embeds), no_head)
    assert not insp.wants(E("名簿.xlsx", embeds), len(embeds), no_head)  # the spreadsheet inspector yields its parts
    assert not insp.wants(E("x.ods"), 100, no_head)
    assert insp.wants(E("x.dat"), 600, lambda: b"7z\xbc\xaf\x27\x1c" + bytes(506))
    assert insp.wants(E("x.dat"), 600, lambda: bytes(257) + b"ustar\x0000" + bytes(248))
    assert not insp.wants(E("x.dat"), 600, lambda: b"hello world" + bytes(500))
    assert not insp.wants(E("x.dat", ooxml), len(ooxml), lambda: ooxml[:512])
    assert insp.wants(E("x.dat", embeds), len(embeds), lambda: embeds[:512])


def test_corrupt_archives_listed_as_corrupt(share: Path, roster: bytes) -> None:
    (share / "cut.zip").write_bytes(corrupt_zip({LEAK_NAME: roster, "b.txt": b"x" * 5000}))
    (share / "junk.7z").write_bytes(b"7z\xbc\xaf\x27\x1c" + os.urandom(300))
    (share / "junk.tar.gz").write_bytes(b"\x1f\x8b\x08\x00" + os.urandom(300))
    (share / "text.zip").write_bytes(b"this is not an archive at all")
    doc = scan(share)
    sk = skips(doc)
    for name in ("cut.zip", "junk.7z", "junk.tar.gz", "text.zip"):
        assert sk[f"{share}/{name}"][0] == "corrupt", name


def test_member_with_bad_data_is_corrupt_and_the_rest_still_read(share: Path, roster: bytes) -> None:
    data = bytearray(zip_bytes({LEAK_NAME: roster, "ok.txt": b"fine"}, method=zipfile.ZIP_STORED))
    start = data.index(b"PK\x03\x04") + 30 + len(LEAK_NAME.encode())
    data[start + 100] ^= 0xFF  # CRC of the first member no longer matches
    (share / "bad.zip").write_bytes(bytes(data))
    doc = scan(share, names=[LEAK_NAME, "ok.txt"])
    arc = str(share / "bad.zip")
    hit = by_path(doc)[f"{arc} » {LEAK_NAME}"]
    # Session 12: every byte is read (the CRC is compared after the last one): the digests are those of the bytes as
    # they are, and the member is corrupt, naming the CRC (before: nothing kept, no digest)
    flipped = bytearray(roster)
    flipped[100] ^= 0xFF
    assert hit["status"] == "corrupt" and "CRC mismatch" in hit["status_detail"]
    assert hit["sha256"] == hashlib.sha256(bytes(flipped)).hexdigest()
    assert by_path(doc)[f"{arc} » ok.txt"]["sha256"] == hashlib.sha256(b"fine").hexdigest()


def test_lying_header_is_stopped_at_the_declared_size(share: Path) -> None:
    (share / "liar.zip").write_bytes(lying_zip(64, 1000))
    doc = scan(share, names=["report.csv"])
    hit = by_path(doc)[f"{share}/liar.zip » report.csv"]
    # the declared 1000 bytes and no more, and the CRC of the member's real data does not match them (Session 12:
    # those bytes are kept and hashed, the member corrupt; before, nothing was kept)
    assert hit["status"] in {"corrupt", "bomb"} and "CRC mismatch" in hit["status_detail"]
    assert hit["sha256"] in (None, hashlib.sha256(bytes(1000)).hexdigest())


def test_total_cap_lists_members_past_it_as_too_large(share: Path) -> None:
    rng = random.Random(7)
    members = {f"part{i}.bin": rng.randbytes(2 * MiB) for i in range(4)}
    (share / "parts.zip").write_bytes(zip_bytes(members))
    doc = scan(share, names=list(members), max_archive_total=5 * MiB)
    files = by_path(doc)
    arc = str(share / "parts.zip")
    ok = [n for n in members if files[f"{arc} » {n}"]["sha256"] == hashlib.sha256(members[n]).hexdigest()]
    refused = [n for n in members if files[f"{arc} » {n}"]["status"] == "too-large"]
    assert ok == ["part0.bin", "part1.bin"] and refused == ["part2.bin", "part3.bin"]


@pytest.mark.parametrize("fmt", ["zip", "7z", "tar.gz"])
def test_bombs_refused_in_every_format(share: Path, fmt: str) -> None:
    zeros = bytes(64 * MiB)
    maker = {"zip": lambda: zip_bytes({"zeros.csv": zeros, "small.csv": b"a,b"}),
             "7z": lambda: seven_zip({"small.csv": b"a,b", "zeros.csv": zeros}),
             "tar.gz": lambda: tar_bytes({"small.csv": b"a,b", "zeros.csv": zeros})}[fmt]
    (share / f"bomb.{fmt}").write_bytes(maker())
    doc = scan(share, names=["zeros.csv", "small.csv"], max_archive_ratio=20)
    arc = f"{share}/bomb.{fmt}"
    files = by_path(doc)
    assert files[f"{arc} » zeros.csv"]["status"] == "bomb" and files[f"{arc} » zeros.csv"]["sha256"] is None
    assert files[f"{arc} » small.csv"]["sha256"] == hashlib.sha256(b"a,b").hexdigest()
    assert skips(doc)[f"{arc} » zeros.csv"][0] == "bomb"


def test_traversal_names_are_display_text_only(share: Path, tmp_path: Path, roster: bytes) -> None:
    (share / "evil.zip").write_bytes(zip_bytes({f"../../{LEAK_NAME}": roster, f"/etc/{LEAK_NAME}": roster}))
    # where an extracting tool would have written them: beside the share's grandparent, in /etc, or
    # anywhere in this test's own folder (other tests' folders are not searched: they may be huge)
    landing = [share.parent.parent / LEAK_NAME, Path("/etc") / LEAK_NAME]

    def written() -> list[Path]:
        return sorted([p for p in landing if p.exists()] + [p for p in tmp_path.rglob("*") if LEAK_NAME in p.name])

    before = written()
    doc = scan(share)
    assert before == written() == []
    files = by_path(doc)
    assert f"{share}/evil.zip » ../../{LEAK_NAME}" in files
    assert f"{share}/evil.zip » /etc/{LEAK_NAME}" in files


def test_members_reach_the_other_content_inspectors(share: Path, roster: bytes) -> None:
    seen: dict[str, bytes] = {}

    class Recorder:
        name = "recorder"

        def __init__(self, config: ScanConfig) -> None:
            pass

        def wants(self, entry, size, head) -> bool:
            return entry.name.endswith(".xlsx")

        def inspect(self, entry, data, ctype, ctx) -> Inspection:
            seen[entry.location.display()] = data
            return Inspection(reasons=["content-test"])

    (share / "backup.zip").write_bytes(zip_bytes({"sub/meibo.xlsx": roster}))
    doc = scan(share, names=[], inspectors=[ArchiveInspector, Recorder])
    path = f"{share}/backup.zip » sub/meibo.xlsx"
    assert seen == {path: roster}
    assert by_path(doc)[path]["reasons"] == ["content-test"]


def test_spreadsheet_inspector_sees_the_same_in_and_out_of_an_archive(share: Path, roster: bytes, tmp_path: Path) -> None:
    config = ScanConfig(sources=[], out=tmp_path / "out")
    if not any(i.name != "archive" for i in inspectors_for(config)):
        pytest.skip("no content inspector besides archives in this tree yet")
    (share / "meibo.xlsx").write_bytes(roster)
    (share / "backup.zip").write_bytes(zip_bytes({"meibo.xlsx": roster}))
    files = by_path(scan(share, names=[]))
    outside = files.get(f"{share}/meibo.xlsx")
    inside = files.get(f"{share}/backup.zip » meibo.xlsx")
    assert outside is not None and inside is not None
    for key in ("reasons", "pii", "sha256", "status"):
        assert inside.get(key) == outside.get(key), key


def test_mangled_archives_never_crash_the_scan(share: Path, roster: bytes) -> None:
    rng = random.Random(11)
    sources = [zip_bytes({LEAK_NAME: roster, "a.zip": zip_bytes({"x.txt": b"x"})}),
               seven_zip({LEAK_NAME: roster}), tar_bytes({LEAK_NAME: roster})]
    names = ["m.zip", "m.7z", "m.tar.gz"]
    # Session 11 (trim11): the first 24 of the 60 archives this test used to make (same seed, same bytes), 8 of
    # each format; tests/test_fuzz_inputs.py sweeps the same formats, and asserts each file is accounted for
    for i in range(24):
        data = bytearray(sources[i % 3])
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        (share / f"{i:02d}_{names[i % 3]}").write_bytes(bytes(data))
    doc = scan(share)
    assert doc["files"] or doc["skipped"]


def test_member_entry_stat_and_reopen(share: Path, roster: bytes) -> None:
    from scanner.inspectors.archive_members import ArchiveMemberEntry

    (share / "x.zip").write_bytes(zip_bytes({LEAK_NAME: roster}))
    config = ScanConfig(sources=[str(share)], out=share.parent / "o", names=[LEAK_NAME])
    members: list[ArchiveMemberEntry] = []
    insp = ArchiveInspector(config)

    class Keep:
        name = "keep"

        def wants(self, entry, size, head) -> bool:
            if isinstance(entry, ArchiveMemberEntry):
                members.append(entry)
            return False

        def inspect(self, entry, data, ctype, ctx) -> Inspection:
            return Inspection()

    run_scan(config, [open_source(str(share))], inspectors=[insp, Keep()])
    (m,) = members
    assert m.kind == "file" and m.name == LEAK_NAME and m.deleted is False
    assert m.stat() == FileStat(len(roster), "2017-03-01T10:20:30", time_note=m.stat().time_note)
    with m.open() as f:
        assert f.read() == roster
    with m.open() as f:  # a second open reads it again from the start
        assert f.read(4) == roster[:4]


def test_single_compressed_files_and_unsupported_archives(share: Path, roster: bytes) -> None:
    import bz2
    import gzip
    import lzma

    (share / f"{LEAK_NAME}.gz").write_bytes(gzip.compress(roster, mtime=1488363630))
    (share / "名簿.csv.bz2").write_bytes(bz2.compress("氏名,住所\n".encode()))
    (share / "notes.txt.xz").write_bytes(lzma.compress(b"notes"))
    (share / "zeros.csv.gz").write_bytes(gzip.compress(bytes(64 * MiB)))
    (share / "old.lzh").write_bytes(b"\x00\x00-lh5-" + bytes(100))
    (share / "old.rar").write_bytes(b"Rar!\x1a\x07\x00" + bytes(100))
    (share / "broken.gz").write_bytes(b"\x1f\x8b\x08\x00" + os.urandom(200))
    doc = scan(share, names=[LEAK_NAME, "zeros.csv", "notes.txt"], max_archive_ratio=50)
    files, sk = by_path(doc), skips(doc)
    hit = files[f"{share}/{LEAK_NAME}.gz » {LEAK_NAME}"]
    assert hit["sha256"] == hashlib.sha256(roster).hexdigest() and hit["mtime"] == "2017-03-01T10:20:30Z"
    assert f"{share}/名簿.csv.bz2 » 名簿.csv" in files
    assert files[f"{share}/notes.txt.xz » notes.txt"]["sha256"] == hashlib.sha256(b"notes").hexdigest()
    assert files[f"{share}/zeros.csv.gz » zeros.csv"]["status"] == "bomb"
    assert sk[f"{share}/old.lzh"][0] == "unsupported" and sk[f"{share}/old.rar"][0] == "unsupported"
    assert sk[f"{share}/broken.gz"][0] == "corrupt"


def test_wants_name_lets_the_pipeline_skip_known_types(tmp_path: Path) -> None:
    insp = ArchiveInspector(ScanConfig(sources=[], out=tmp_path))
    assert not insp.wants_name("photo.JPG") and not insp.wants_name("名簿.xlsx") and not insp.wants_name("a.csv")
    assert insp.wants_name("report.docx") and insp.wants_name("deck.pptx")  # OOXML documents may embed workbooks
    assert insp.wants_name("backup.zip") and insp.wants_name("backup.bak") and insp.wants_name("README")


def test_members_of_a_deleted_archive_in_an_image_keep_the_chain_and_deleted_flag(roster: bytes, tmp_path: Path) -> None:
    from scanner.models import Hop

    data = zip_bytes({f"2017/{LEAK_NAME}": roster})

    class DeletedZip:  # what an image source yields for a deleted file TSK could recover
        location = Location("/cases/pc08.E01", "/Users/staff/backup.zip",
                            (Hop("image", "/cases/pc08.E01"), Hop("volume", "p1 (FAT32)")))
        name = "backup.zip"
        kind = "file"
        deleted = True

        def stat(self) -> FileStat:
            return FileStat(len(data))

        def open(self):
            return io.BytesIO(data)

    class ImageLike:
        text = "/cases/pc08.E01"

        def __enter__(self):
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def describe(self) -> dict:
            return {"source": self.text, "kind": "test"}

        def entries(self):
            yield DeletedZip()

    config = ScanConfig(sources=["/cases/pc08.E01"], out=tmp_path / "out", names=[LEAK_NAME])
    doc = build_findings(run_scan(config, [ImageLike()], inspectors=[ArchiveInspector(config)]))
    (hit,) = doc["files"]
    assert hit["path"] == f"/cases/pc08.E01 » p1 (FAT32) » /Users/staff/backup.zip » 2017/{LEAK_NAME}"
    assert hit["deleted"] is True and hit["source"] == "/cases/pc08.E01"
    assert [c["kind"] for c in hit["container"]] == ["image", "volume", "archive"]
    assert hit["sha256"] == hashlib.sha256(roster).hexdigest()


def test_hop_format_names_what_was_opened(share: Path, roster: bytes) -> None:
    import gzip

    (share / "a.gz").write_bytes(gzip.compress(roster))
    (share / "b.gz").write_bytes(gzip.compress(tar_bytes({"in.txt": b"t"}, mode="w")))
    (share / "c.tgz").write_bytes(tar_bytes({"in.txt": b"t"}))
    doc = scan(share, names=["a", "in.txt"])
    formats = {f["path"]: f["container"][-1]["detail"]["format"] for f in doc["files"] if f["container"]}
    assert formats == {f"{share}/a.gz » a": "gzip", f"{share}/b.gz » in.txt": "tar", f"{share}/c.tgz » in.txt": "tar"}
