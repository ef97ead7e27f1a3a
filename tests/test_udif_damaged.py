"""A UDIF .dmg one of whose block tables (blkx/mish) is damaged (issue #10): libmodi refuses the whole image; the
other tables are read, what the damaged one covers reads as zeros, and the image is listed as damaged with the
table named. Built here: an MBR disk of two ext2 partitions written as a UDIF with one block table per partition
(as hdiutil writes them), then one table's base64 or its mish header broken."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tests.conftest import run_leakscan

LEAKED = "名簿.xlsx"


@pytest.fixture(scope="module")
def disk(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    from tests.image_data import ext_image, partitioned_disk

    root = tmp_path_factory.mktemp("udif")
    parts = []
    for n in (1, 2):
        tree = root / f"tree{n}"
        tree.mkdir()
        (tree / f"p{n}_{LEAKED}").write_bytes(b"PK\x03\x04 list " * 40)
        parts.append((ext_image(root / f"p{n}.img", tree, 2, "ext2"), "83"))
    offsets = partitioned_disk(root / "disk.raw", parts)
    return root / "disk.raw", [o // 512 for o in offsets]


def _dmg(disk: tuple[Path, list[int]], out: Path, table: int, damage: str) -> Path:
    from tests.image_data import udif_image

    raw, starts = disk
    dmg = bytearray(udif_image(raw, out, 256, tables=starts).read_bytes())
    koly = dmg[-512:]
    xml_at, xml_len = int.from_bytes(koly[0xD8:0xE0], "big"), int.from_bytes(koly[0xE0:0xE8], "big")
    xml = bytes(dmg[xml_at:xml_at + xml_len])
    at = -1
    for _ in range(table + 1):
        at = xml.index(b"<data>", at + 1)
    end = xml.index(b"</data>", at)
    body = xml[at + 6:end]
    if damage == "base64":
        broken = body[:100] + b"!!!!" + body[104:]
    else:  # a mish header no reader knows: its magic overwritten, the base64 still whole
        raw_table = bytearray(base64.b64decode(b"".join(body.split())))
        raw_table[:4] = b"XXXX"
        broken = base64.b64encode(bytes(raw_table))
        assert len(broken) <= len(body)
        broken = broken + b"\n" * (len(body) - len(broken))
    dmg[xml_at + at + 6:xml_at + end] = broken
    out.write_bytes(bytes(dmg))
    return out


def _scan(image: Path, out: Path) -> tuple[int, dict]:
    proc = run_leakscan("scan", str(image), "--name", LEAKED, "--out", str(out), "--quiet", timeout=180)
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8")) if (out / "findings.json").exists() else {}
    return proc.returncode, doc


def test_an_intact_multi_table_udif_is_read_whole(disk: tuple[Path, list[int]], tmp_path: Path) -> None:
    from tests.image_data import udif_image

    dmg = udif_image(disk[0], tmp_path / "disk.dmg", 256, tables=disk[1])
    code, doc = _scan(dmg, tmp_path / "out")
    names = {f["path"].rsplit("/", 1)[-1] for f in doc.get("files", [])}
    assert {f"p1_{LEAKED}", f"p2_{LEAKED}"} <= names, doc.get("skipped")


@pytest.mark.parametrize("damage", ["base64", "magic"])
def test_a_damaged_block_table_leaves_the_others_read(disk: tuple[Path, list[int]], tmp_path: Path,
                                                      damage: str) -> None:
    dmg = _dmg(disk, tmp_path / "disk.dmg", 2, damage)  # table 2: partition 2
    code, doc = _scan(dmg, tmp_path / "out")
    names = {f["path"].rsplit("/", 1)[-1] for f in doc.get("files", [])}
    assert f"p1_{LEAKED}" in names and f"p2_{LEAKED}" not in names, doc.get("skipped")
    rows = [s for s in doc["skipped"] if "block table" in s.get("detail", "")]
    assert [s["reason"] for s in rows] == ["corrupt"], doc["skipped"]
    assert "part 2" in rows[0]["detail"] and "zeros" in rows[0]["detail"], rows[0]["detail"]
    details = doc["scan"]["source_details"][0]
    assert details["format"].startswith("UDIF") and details["udif"]["tables_damaged"] == 1, details


def test_a_udif_with_every_table_damaged_is_refused_with_the_reason(disk: tuple[Path, list[int]],
                                                                     tmp_path: Path) -> None:
    dmg = tmp_path / "disk.dmg"
    _dmg(disk, dmg, 0, "magic")
    for table in (1, 2):
        _dmg_in_place(dmg, table)
    code, doc = _scan(dmg, tmp_path / "out")
    assert code != 0 or not doc.get("files"), doc
    rows = [s for s in doc["skipped"] if s["reason"] == "source-error"]
    assert rows and "macOS disk image" in rows[0]["detail"], doc["skipped"]


def _dmg_in_place(dmg: Path, table: int) -> None:
    data = bytearray(dmg.read_bytes())
    xml_at = int.from_bytes(data[-512 + 0xD8:-512 + 0xE0], "big")
    at = xml_at - 1
    for _ in range(table + 1):
        at = data.index(b"<data>", at + 1)
    data[at + 6:at + 10] = b"!!!!"
    dmg.write_bytes(bytes(data))


def test_the_table_by_table_reader_gives_the_disk_byte_for_byte(disk: tuple[Path, list[int]], tmp_path: Path) -> None:
    from scanner.sources.image_udif import UdifReader, udif_info
    from tests.image_data import udif_image

    raw = disk[0].read_bytes()
    reader = UdifReader(udif_info(str(udif_image(disk[0], tmp_path / "disk.dmg", 256, tables=disk[1]))))
    try:
        assert reader.get_size() == len(raw)
        assert reader.read(0, len(raw) + 4096) == raw  # past the end: nothing more
        assert reader.read(1000, 300000) == raw[1000:301000]  # across chunks and tables
    finally:
        reader.close()


@pytest.mark.parametrize("codec", ["zlib", "bz2", "lzma", "raw"])
def test_a_chunk_that_decodes_short_is_an_error_not_zeros(tmp_path: Path, codec: str) -> None:
    """review10c: a chunk whose stored bytes end before its sectors are filled (a cut stream, a stored length
    too small) was padded with zeros: the files there read as clean zeros, nothing listed. It is a damaged
    chunk, as a bad stream is (OSError: the files on it are listed corrupt)."""
    import bz2
    import lzma
    import os
    import zlib

    from scanner.sources.image_udif import Chunk, UdifInfo, UdifReader

    block = os.urandom(512) * 8
    packed = {"zlib": zlib.compress, "bz2": bz2.compress, "lzma": lzma.compress, "raw": bytes}[codec](block)
    kind = {"zlib": 0x80000005, "bz2": 0x80000006, "lzma": 0x80000008, "raw": 1}[codec]
    image = tmp_path / "cut.dmg"
    image.write_bytes(packed)
    for length, ok in ((len(packed), True), (len(packed) * 2 // 3, False)):
        reader = UdifReader(UdifInfo(str(image), 8, [Chunk(0, 8, kind, 0, length)], 1))
        try:
            if ok:
                assert reader.read(0, 4096) == block
            else:
                with pytest.raises(OSError, match="sectors 0-7"):
                    reader.read(0, 4096)
        finally:
            reader.close()


def test_overlapping_chunks_make_a_damaged_table(disk: tuple[Path, list[int]], tmp_path: Path) -> None:
    """review10c: chunks that claim the same sectors (in one table, or two tables over one range) were taken as
    they came: where a short chunk starts inside a longer one, the longer one's rest read as zeros, nothing
    listed. Such a table is damaged: listed, as any other damaged table."""
    import struct

    from scanner.sources.image_udif import _mish, udif_info
    from tests.image_data import udif_image

    head = struct.pack(">4sIQQQII24sII128sI", b"mish", 1, 0, 16, 0, 8, 0, bytes(24), 0, 0, bytes(128), 2)
    rows = struct.pack(">IIQQQQ", 1, 0, 0, 8, 0, 4096) + struct.pack(">IIQQQQ", 1, 0, 4, 4, 4096, 2048)
    with pytest.raises(ValueError, match="overlap"):
        _mish(head + rows, 0, 1 << 20, 16)
    dmg = bytearray(udif_image(disk[0], tmp_path / "disk.dmg", 256, tables=disk[1]).read_bytes())
    koly = dmg[-512:]
    xml_at, xml_len = int.from_bytes(koly[0xD8:0xE0], "big"), int.from_bytes(koly[0xE0:0xE8], "big")
    xml = bytes(dmg[xml_at:xml_at + xml_len])
    at = xml.index(b"<data>", xml.index(b"<data>") + 1)  # the second table: moved onto the first one's sectors
    end = xml.index(b"</data>", at)
    table = bytearray(base64.b64decode(b"".join(xml[at + 6:end].split())))
    table[8:16] = (1).to_bytes(8, "big")
    moved = base64.b64encode(bytes(table))
    dmg[xml_at + at + 6:xml_at + end] = moved + b"\n" * (end - at - 6 - len(moved))
    (tmp_path / "moved.dmg").write_bytes(bytes(dmg))
    info = udif_info(str(tmp_path / "moved.dmg"))
    assert len(info.damaged) == 1 and "overlap" in info.damaged[0], info.damaged


def test_the_tables_are_decoded_once_per_image(disk: tuple[Path, list[int]], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """review10c: the plist search and every table's decoding (up to 64 MiB of plist) ran twice for one image:
    once for its facts, again when dfvfs opened the reader over the same file."""
    import scanner.sources.image_udif as udif
    from scanner.backends import load
    from scanner.sources.image import ImageSource

    load("pytsk3")
    load("dfvfs")
    calls = []
    decode = udif.udif_info
    monkeypatch.setattr(udif, "udif_info", lambda path: calls.append(path) or decode(path))
    source = ImageSource(str(_dmg(disk, tmp_path / "disk.dmg", 2, "magic")))
    source.__enter__()
    try:
        assert source.describe()["udif"]["tables_damaged"] == 1 and len(calls) == 1, calls
    finally:
        source.__exit__(None, None, None)

def test_thousands_of_damaged_tables_are_counted_and_a_few_named(disk: tuple[Path, list[int]], tmp_path: Path) -> None:
    # audit10: each damaged table was one more part of the image's detail, unbounded (a crafted plist of 64 MiB
    # holds hundreds of thousands); the good tables are still read
    from scanner.sources.image_udif import udif_info
    from tests.image_data import udif_image

    raw, starts = disk
    dmg = udif_image(raw, tmp_path / "good.dmg", 256, tables=starts).read_bytes()
    koly = bytearray(dmg[-512:])
    xml_at, xml_len = int.from_bytes(koly[0xD8:0xE0], "big"), int.from_bytes(koly[0xE0:0xE8], "big")
    xml = dmg[xml_at:xml_at + xml_len]
    bad = b"<dict><key>Data</key><data>!!!!</data><key>Name</key><string>crafted</string></dict>"
    at = xml.index(b"<key>blkx</key>")
    at = xml.index(b"<array>", at) + len(b"<array>")
    xml = xml[:at] + bad * 5000 + xml[at:]
    koly[0xE0:0xE8] = len(xml).to_bytes(8, "big")
    crafted = tmp_path / "crafted.dmg"
    crafted.write_bytes(dmg[:xml_at] + xml + dmg[xml_at + xml_len:-512] + bytes(koly))
    info = udif_info(str(crafted))
    assert info.facts()["tables_damaged"] == 5000 and info.chunks
    assert len(info.damaged) <= 21 and "4980 more" in info.damaged[-1], info.damaged[-2:]
