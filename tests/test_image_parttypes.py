"""Partitions that hold no file system say what they are (issue 10, session 6): the type from the partition
table (GPT type GUID, MBR type byte) and what their bytes say (Linux swap signature written by mkswap, all
zero). An all-zero partition (an MSR as Windows leaves it) is described, not listed as skipped; a swap
partition is listed as not examined (it may hold fragments of the leaked file); any other partition with
data but no file system is listed, naming its type. Disks built with sfdisk, mkswap and mkfs in the test.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.image_data import LEAKED, MIB, ext_image, fat_image, leaked_workbook, sha256, write_tree

GPT_TYPES = {  # sfdisk type GUIDs
    "linux": "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
    "msr": "E3C9E316-0B5C-4DB8-817D-F92DF00215AE",
    "swap": "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F",
    "bios": "21686148-6449-6E6F-744E-656564454649",
    "lvm": "E6D6D379-F507-44C2-A23C-238F2A3DF928",
}


def swap_area(path: Path, size_mib: int) -> Path:
    """A Linux swap area written by mkswap (SWAPSPACE2 at the end of the first page)."""
    with open(path, "wb") as f:
        f.truncate(size_mib * MIB)
    os.chmod(path, 0o600)
    subprocess.run(["mkswap", str(path)], check=True, capture_output=True)
    return path


def disk(path: Path, label: str, parts: list[tuple[int, str, Path | bytes | None, int]]) -> list[int]:
    """A disk of (size in MiB, type, content, where) partitions: content is an image laid at its start, bytes
    written ``where`` bytes into it, or None (left all zero, sparse). Returns each partition's byte offset."""
    start, lines, offsets = 2048, [f"label: {label}"], []
    for size, ptype, _, _ in parts:
        lines.append(f"start={start}, size={size * 2048}, type={ptype}")
        offsets.append(start * 512)
        start += size * 2048
    with open(path, "wb") as f:
        f.truncate((start + 2048) * 512)
    subprocess.run(["sfdisk", "-q", str(path)], input=("\n".join(lines) + "\n").encode(), check=True,
                   capture_output=True)
    with open(path, "r+b") as f:
        for (_, _, content, where), off in zip(parts, offsets, strict=True):
            if content is not None:
                f.seek(off + where)
                f.write(content.read_bytes() if isinstance(content, Path) else content)
    return offsets


def scan(image: Path, out: Path) -> tuple[int, dict]:
    proc = run_leakscan("scan", str(image), "--name", LEAKED, "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def volumes(doc: dict) -> list[dict]:
    return doc["scan"]["source_details"][0]["volumes"]


def skips(doc: dict) -> dict[str, dict]:
    """Partition name -> its skip."""
    return {s["container"][-1]["name"]: s for s in doc["skipped"] if s["container"][-1]["kind"] == "volume"}


@pytest.fixture(scope="module")
def disks(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("parttypes")
    leaked = leaked_workbook(seed=31, rows=8)
    ext = ext_image(base / "ext.img", write_tree(base / "t", {f"/home/{LEAKED}": leaked}), size_mib=4, fs="ext2")
    fat = fat_image(base / "fat.img", {f"/A/{LEAKED}": leaked}, size_mib=8, bits=16, sectors_per_cluster=1)
    swap = swap_area(base / "swap.img", 4)
    noise = os.urandom(64 * 1024)
    gpt = base / "gpt.img"
    disk(gpt, "gpt", [(5, GPT_TYPES["linux"], ext, 0), (2, GPT_TYPES["msr"], None, 0),
                      (4, GPT_TYPES["swap"], swap, 0), (2, GPT_TYPES["linux"], None, 0),
                      (1, GPT_TYPES["bios"], noise[:4096], 512), (2, GPT_TYPES["lvm"], noise, 0)])
    mbr = base / "mbr.img"  # p3: 64 MiB, sparse and all zero (checked by samples); p4: data only near its end
    disk(mbr, "dos", [(9, "6", fat, 0), (4, "82", swap, 0), (64, "27", None, 0), (32, "8e", noise, 32 * MIB - len(noise))])
    bios = base / "bios.img"  # a GRUB disk of a PC that boots by BIOS from GPT: p1 BIOS boot (core.img), p2 Linux
    disk(bios, "gpt", [(1, GPT_TYPES["bios"], noise[:4096], 512), (5, GPT_TYPES["linux"], ext, 0)])
    return {"gpt": gpt, "mbr": mbr, "bios": bios, "leaked": sha256(leaked)}


def test_gpt_partitions_without_file_system_say_what_they_are(disks: dict, tmp_path: Path) -> None:
    code, doc = scan(disks["gpt"], tmp_path / "out")
    assert code == 3  # Session 10: partitions holding data nobody could list make the scan incomplete
    assert [f["sha256"] for f in doc["files"] if f["path"].endswith(LEAKED)] == [disks["leaked"]]
    rows = volumes(doc)
    assert sorted(v["name"] for v in rows) == ["p1", "p2", "p3", "p4", "p5", "p6"]  # every partition, once
    by = {v["name"]: v for v in rows}
    assert by["p1"]["status"] == "ok" and by["p1"]["partition_type"] == "Linux file system"
    # the MSR and the unformatted Linux partition: all zero, described, not skipped
    for name, kind in (("p2", "Microsoft Reserved (MSR)"), ("p4", "Linux file system")):
        assert by[name]["partition_type"] == kind
        assert by[name]["status"] == "empty-volume" and by[name]["all_zero"] is True, by[name]
        assert f"{name} ({kind}): empty (all zero)" in by[name]["detail"]
    skipped = skips(doc)
    assert sorted(skipped) == ["p3", "p5", "p6"], skipped
    assert skipped["p3"]["reason"] == "unsupported"
    assert "Linux swap: not a file system (not carved)" in skipped["p3"]["detail"]
    assert by["p3"]["partition_type"] == "Linux swap"
    # data, no file system: not examined, the type named (BIOS boot code, an LVM type without LVM in it)
    assert skipped["p5"]["detail"].startswith("p5 (BIOS boot): boot loader code"), skipped["p5"]
    assert skipped["p6"]["detail"].startswith("p6 (Linux LVM): holds data"), skipped["p6"]
    assert "no file system recognised" not in json.dumps(doc["skipped"])
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Microsoft Reserved (MSR)" in report and "Linux swap" in report


def test_a_bios_boot_partition_does_not_make_the_scan_incomplete(disks: dict, tmp_path: Path) -> None:
    """review10g: a BIOS boot partition holds the boot loader's code (GRUB's core.img), never a file system, like
    swap: listed as not examined, but every GRUB disk of a BIOS PC with GPT exited 3 (incomplete) for it."""
    code, doc = scan(disks["bios"], tmp_path / "out")
    assert code == 1, doc["skipped"]
    assert doc["scan"]["complete"] is True
    skipped = skips(doc)
    assert sorted(skipped) == ["p1"] and skipped["p1"]["reason"] == "unsupported", skipped
    assert skipped["p1"]["detail"].startswith("p1 (BIOS boot): "), skipped["p1"]


def test_mbr_partition_types_and_a_sampled_zero_partition(disks: dict, tmp_path: Path) -> None:
    code, doc = scan(disks["mbr"], tmp_path / "out")
    assert code == 3  # Session 10: partitions holding data nobody could list make the scan incomplete
    by = {v["name"]: v for v in volumes(doc)}
    assert by["p1"]["status"] == "ok" and by["p1"]["partition_type"] == "FAT16 (0x06)"
    skipped = skips(doc)
    assert sorted(skipped) == ["p2", "p4"], skipped
    assert skipped["p2"]["detail"].startswith("p2: Linux swap: not a file system (not carved)")
    assert skipped["p4"]["detail"].startswith("p4 (Linux LVM (0x8e)): holds data"), skipped["p4"]
    # 64 MiB of zeros: read whole (under WHOLE_BELOW), so it is described as empty, not listed
    assert by["p3"]["status"] == "empty-volume" and by["p3"]["all_zero"] is True
    assert "Windows Recovery (hidden NTFS) (0x27)" in by["p3"]["detail"] and "all 67108864 bytes read" in by["p3"]["detail"]


def test_all_zero_only_on_zero_bytes() -> None:
    """The sampled check sees data at the start, at the end and at a sample point; a short read is no zero."""
    from scanner.sources.image_parttypes import SAMPLE, describe, looks_all_zero

    size = 64 * 1024 * MIB  # far over WHOLE_BELOW: sampled

    def one_byte_at(at: int):
        return lambda o, n: bytes(at - o) + b"\1" + bytes(o + n - at - 1) if o <= at < o + n else bytes(n)

    for at in (0, size - 1, 65536 + (size - 2 * 65536) // 257 * 7 + SAMPLE // 2):
        assert looks_all_zero(one_byte_at(at), size)[0] is False, at
    assert looks_all_zero(lambda o, n: bytes(n), size)[0] is True
    assert describe("p1", None, lambda o, n: b"", 0) is None


def test_a_sampled_zero_partition_is_listed_not_called_empty() -> None:
    """Zero at every sample of a partition too large to read whole: the bytes between the samples were not
    seen, so it is listed as not examined (never described as empty); read whole and zero: described."""
    from scanner.sources.image_parttypes import WHOLE_BELOW, describe

    big = describe("p2", 0x07, lambda o, n: bytes(n), 64 * 1024 * MIB)
    assert big is not None and big.skip and "not read whole" in big.detail and "not examined" in big.detail
    small = describe("p2", 0x07, lambda o, n: bytes(n), WHOLE_BELOW)
    assert small is not None and not small.skip and "empty (all zero)" in small.detail
