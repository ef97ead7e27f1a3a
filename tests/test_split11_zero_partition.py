"""Session 11: a never-formatted partition larger than the whole-read size (256 MiB), all zero, made every scan of
its disk incomplete for ever (review10g #9): it is read through (bounded) and, all zero, described as empty; one
byte of data between the samples keeps it listed (incomplete)."""

from __future__ import annotations

from pathlib import Path

from tests.image_data import LEAKED as LEAKED_NAME
from tests.image_data import MIB, fat_image, leaked_workbook
from tests.test_image_parttypes import disk, scan, skips, volumes


def test_a_large_all_zero_partition_is_empty_not_incomplete(tmp_path: Path) -> None:
    fat = fat_image(tmp_path / "fat.img", {f"/A/{LEAKED_NAME}": leaked_workbook(rows=3)}, size_mib=8, bits=16,
                    sectors_per_cluster=1)
    zero = tmp_path / "zero.img"
    disk(zero, "dos", [(9, "6", fat, 0), (300, "83", None, 0)])  # p2: 300 MiB, never formatted, sparse
    code, doc = scan(zero, tmp_path / "out")
    by = {v["name"]: v for v in volumes(doc)}
    assert by["p2"]["status"] == "empty-volume" and by["p2"]["all_zero"] is True, by["p2"]
    assert "empty (all zero" in by["p2"]["detail"] and f"all {300 * MIB} bytes read" in by["p2"]["detail"]
    assert "p2" not in skips(doc)
    assert code == 1 and doc["scan"]["complete"] is True

    data = tmp_path / "data.img"  # one byte between the samples: listed, the scan incomplete as before
    disk(data, "dos", [(9, "6", fat, 0), (300, "83", b"\x01", 150 * MIB + 12345)])
    code, doc = scan(data, tmp_path / "out2")
    assert skips(doc)["p2"]["reason"] == "unsupported" and code == 3
