"""A small tree holding one file for each skip reason and detail a scan of a local folder can produce quickly
(tests/test_detail_codes.py): damaged, encrypted, over a cap, nested too deep, a bomb, a special file, mixed
encodings, rows lost to a wrong decoding, a member name that escapes its folder."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from tests.archive_data import (
    corrupt_zip,
    lying_zip,
    nested_zip,
    seven_zip,
    tar_bytes,
    zip_bytes,
    zip_raw_names,
)
from tests.pii_data import csv_bytes, encrypted_xlsx, people, standard, xls_bytes, xlsx_bytes

OPTIONS = ("--max-inspect-mb", "1", "--archive-depth", "2")


def build(root: Path) -> dict[str, str]:
    """The tree under ``root``; returns each file's name -> what it is made to show."""
    rows = standard(people(12, seed=7))
    book = xlsx_bytes({"名簿": rows})
    cp932 = csv_bytes(rows)
    made = {
        "truncated.xlsx": (book[: len(book) // 2], "a workbook cut in half: rebuilt from its local headers"),
        "junk.xlsx": (bytes(100), "binary content under a workbook's name"),
        "big.csv": (cp932 * (2 + (1 << 20) // len(cp932)), "over --max-inspect-mb"),
        "mixed.csv": (cp932 + "\r\n".join(",".join(map(str, r)) for r in rows[1:4]).encode("utf-8"),
                      "cp932 and UTF-8 lines"),
        "lost.csv": (cp932 + ("\r\n" + "\ufffd" * 6 + "," + "\ufffd" * 9) .encode("utf-8") * 4, "rows lost to U+FFFD"),
        "image.dd": (b"\xeb\x3c\x90MSDOS5.0" + bytes(5000), "named like a disk image"),
        "locked.xlsx": (encrypted_xlsx(book), "a password-protected workbook"),
        "locked.7z": (seven_zip({"名簿.csv": cp932}, password="pw"), "an encrypted 7z"),
        "cut.zip": (corrupt_zip({"名簿.csv": cp932, "b.csv": cp932}), "a zip without its central directory"),
        "deep.zip": (nested_zip(4, "名簿.csv", cp932), "zips nested past --archive-depth"),
        "lying.zip": (lying_zip(2, 100), "a member inflating past its declared size"),
        "escape.zip": (zip_raw_names([(b"../../escape.csv", cp932)]), "a member name escaping its folder"),
        "special.tar": (tar_bytes({"a.csv": cp932}, fifos=("pipe",)), "a FIFO in a tar"),
        "old.xls": (xls_bytes({"名簿": rows})[:3000], "an .xls cut short"),
        "stored.zip": (zip_bytes({"名簿.csv": cp932}, method=zipfile.ZIP_STORED), "a plain zip (no skip)"),
    }
    root.mkdir(parents=True, exist_ok=True)
    for name, (data, _) in made.items():
        (root / name).write_bytes(data)
    os.mkfifo(root / "pipe.fifo")
    return {**{k: v[1] for k, v in made.items()}, "pipe.fifo": "a FIFO"}
