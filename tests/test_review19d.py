"""review19d: breaking damage19's dBase memo files beside their table, its RTF/SYLK damage marks and head cuts.

People are Faker ja_JP with a fixed seed (tests/document_data.py); tables and memo files are written by
tests/damage_data.py's ``dbf_with_memo``. Each test failed before its fix.
"""

from __future__ import annotations

import random
import struct
import subprocess
from pathlib import Path

import pytest

from scanner.dbase import MemoBeside, dbf_sheets
from scanner.sheet import Caps
from scanner.sources.image import _QCOW2_DAMAGE
from scanner.sources.image_qcow import inconsistencies
from scanner.sources.memo_beside import memos_in
from tests.damage_data import dbf_with_memo
from tests.document_data import people_rows

N = 12


def _rows(seed: int) -> list[list[str]]:
    return [["NAME", "KANA", "ADDRESS", "TEL"], *people_rows(N, seed=seed)[1:]]


def test_a_table_takes_the_memo_file_of_its_own_name_before_one_another_case_shares() -> None:
    """Two tables whose names differ only in case (a case-sensitive folder: same.dbf, SAME.DBF), each with its memo
    file: each reads its own (both were given SAME.FPT, the first listed: same.dbf's 12 persons lost, listed as a
    damaged memo). A memo file whose stem only one table has exactly is not lent to the other."""
    assert memos_in(["SAME.DBF", "SAME.FPT", "same.dbf", "same.fpt"]) == {"SAME.DBF": "SAME.FPT",
                                                                          "same.dbf": "same.fpt"}
    assert memos_in(["SAME.DBF", "SAME.FPT", "same.dbf"]) == {"SAME.DBF": "SAME.FPT", "same.dbf": None}
    assert memos_in(["Kokyaku.dbf", "KOKYAKU.FPT"]) == {"Kokyaku.dbf": "KOKYAKU.FPT"}  # any case when alone
    assert memos_in(["a.dbf", "A.dbt", "a.fpt"]) == {"a.dbf": "a.fpt"}  # its own stem first, FoxPro's first


@pytest.mark.parametrize("kind", ["fpt", "dbt3", "dbt4"])
def test_memo_text_of_a_table_naming_no_code_page_is_read_in_the_code_page_it_decodes_in(kind: str) -> None:
    """A table whose only character field is ASCII (the phone) and whose code page byte is 0 (dBase III writers
    leave it so) was read as UTF-8, its cp932 names and addresses in the memo file read as U+FFFD: 0 persons, no
    note, no skip (a silent clean). The memo text is read in the first of the guessed code pages that decodes it."""
    rows = _rows(211)
    table, memo = dbf_with_memo(rows, kind, memo_columns=(0, 1, 2))
    table = table[:29] + b"\x00" + table[30:]
    name = "x.fpt" if kind == "fpt" else "x.dbt"
    sheet = next(dbf_sheets(table, Caps(), MemoBeside(name, memo)))
    read = list(sheet.rows)
    assert [r[:3] for r in read[1:]] == [r[:3] for r in rows[1:]], read[1:3]
    assert not [n for n in sheet.notes if n.startswith("decoding")], sheet.notes


def _qcow2(tmp_path: Path, *options: str) -> bytearray:
    """A 4 MiB disk half random, half runs, as a QCOW2 file qemu-img check finds clean."""
    rng = random.Random(19)
    disk = bytearray()
    while len(disk) < 4 << 20:
        disk += rng.randbytes(4096) if rng.random() < 0.5 else bytes([rng.randrange(256)]) * 4096
    (tmp_path / "disk.raw").write_bytes(disk)
    image = tmp_path / "disk.qcow2"
    subprocess.run(["qemu-img", "convert", "-q", "-O", "qcow2", *options, str(tmp_path / "disk.raw"), str(image)],
                   check=True)
    assert subprocess.run(["qemu-img", "check", str(image)], capture_output=True).returncode == 0
    return bytearray(image.read_bytes())


def _kinds(data: bytearray) -> set[str]:
    return {i.kind for i in inconsistencies(lambda o, n: bytes(data[o:o + n]) if o >= 0 else b"", len(data))}


@pytest.mark.parametrize("options", [(), ("-c",)], ids=["plain", "compressed"])
def test_a_qcow2_whose_l2_table_is_zeroed_is_damaged_not_blank(tmp_path: Path, options: tuple[str, ...]) -> None:
    """An L2 table zeroed (damage19's open case: a 512-byte block zeroed or duplicated in a compressed QCOW2 shifted
    or erased it): qemu and libqcow read the disk blank, no reference count is exceeded, and the scan said complete
    with the volume `empty-volume`. The data clusters are still counted in use and no table points to them:
    `qcow2-clusters-unreferenced`. One leaked cluster among many mapped (a write cut by a crash) is no damage."""
    data = _qcow2(tmp_path, *options)
    assert _kinds(data) == set()
    l1_at, = struct.unpack_from(">Q", data, 40)
    l2_at = struct.unpack_from(">Q", data, l1_at)[0] & 0x00FFFFFFFFFFFE00
    cluster = 1 << struct.unpack_from(">I", data, 20)[0]
    zeroed = data[:l2_at] + bytes(cluster) + data[l2_at + cluster:]
    assert _kinds(zeroed) == {"unreferenced"}
    assert _QCOW2_DAMAGE["unreferenced"] == "qcow2-clusters-unreferenced"
    # a leak: a cluster added at the end, counted in use, pointed to by nothing
    rt_at, = struct.unpack_from(">Q", data, 48)
    block_at = struct.unpack_from(">Q", data, rt_at)[0]
    end = len(data) // cluster
    leaked = data + bytes(cluster)
    struct.pack_into(">H", leaked, block_at + 2 * end, 1)  # 16-bit reference counts (qemu's default)
    assert _kinds(leaked) == set()


def test_the_table_names_the_memo_file_its_values_were_read_from() -> None:
    """The memo file holds the names and addresses, yet no row named it (a copy or removal of the table alone
    leaves them in X.fpt): the table's reading says which file they were read from (`dbf-memo-read`)."""
    from scanner.details import codes_of

    table, memo = dbf_with_memo(_rows(212), "fpt")
    sheet = next(dbf_sheets(table, Caps(), MemoBeside("KOKYAKU.FPT", memo)))
    list(sheet.rows)
    said = [c for n in sheet.notes for c in codes_of(n)]
    assert [c["code"] for c in said] == ["dbf-memo-read"], sheet.notes
    assert "KOKYAKU.FPT" in sheet.notes[0], sheet.notes


def test_memo_values_pointing_into_one_unended_block_read_no_more_than_the_memo_file_holds() -> None:
    """A dBase III memo file whose end marks are lost (every byte after its header one letter, no 1A) and records
    that all point into it: each value was read to the 1 MiB cap, 400 values = 400 MiB of cells from a 3 MiB file
    (4,000: 9 s and 1 GB in a worker, more and the worker's memory cap ends the table, its other columns with it).
    The memo text read in all is bounded by the memo file's size; the rest is read as empty and said damaged."""
    rows = [["NAME", "KANA", "ADDRESS", "TEL"], *people_rows(200, seed=213)[1:]]
    table, memo = dbf_with_memo(rows, "dbt3")
    memo = memo[:512] + b"A" * (3 << 20)
    sheet = next(dbf_sheets(table, Caps(), MemoBeside("x.dbt", memo)))
    read = sum(len(cell) for row in list(sheet.rows)[1:] for cell in (row[0], row[2]))
    assert read <= 2 * len(memo) + (1 << 20), read
    from scanner.details import codes_of

    assert [c["code"] for d in sheet.damage for c in codes_of(d)] == ["dbf-memo-damaged"], sheet.damage
