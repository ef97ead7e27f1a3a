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
