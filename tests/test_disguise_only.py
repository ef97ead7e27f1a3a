"""``disguise_only`` (scanner.contracts): an inspector that declares it is not asked ``wants_disguised`` about bytes
the disguise check cleared (examine._by_content runs that check once per document or picture, not twice). The
declaration must hold: its ``wants_disguised`` is False wherever ``disguise.check`` is None."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest
from archive_data import seven_zip, zip_bytes
from pii_data import csv_bytes, people, standard, xls_bytes, xlsx_bytes

from scanner.config import ScanConfig
from scanner.inspectors.disguise import check
from scanner.models import Hop, Location
from scanner.registry import inspectors_for

CONFIG = ScanConfig(sources=["src"], out="unused")  # never written: only the inspectors read it
NAMES = ["photo.jpg", "scan.pdf", "app.log", "clients", "song.mp3", "report.docx", "mail.msg", "名簿.xlsx", "list.csv",
         "memo.txt", "page.html", "lib.dll", "Package", "data.bin", "x.JPG"]


@dataclass
class _Entry:
    name: str
    location: Location


def heads() -> list[bytes]:
    rows = standard(people(6, seed=3))
    rnd = random.Random(16)
    whole = [xlsx_bytes({"名簿": rows}), xls_bytes({"名簿": rows}), csv_bytes(rows), csv_bytes(rows, "utf-16"),
             csv_bytes(rows, "utf-8", "\t"), zip_bytes({"a.csv": csv_bytes(rows)}), seven_zip({"a.csv": csv_bytes(rows)}),
             b"%PDF-1.7\n" + bytes(rnd.randbytes(300)), "<html><body><table><tr><td>氏名</td><td>住所</td></tr></table>".encode(),
             b"\xff\xd8\xff\xe0" + rnd.randbytes(200), b"memo\n" * 40]
    return [w[:cut] for w in whole for cut in (1, 8, 64, 65, 512, 4096)] + [rnd.randbytes(rnd.randint(1, 600))
                                                                         for _ in range(40)]


def test_disguise_only_inspectors_want_nothing_the_check_clears() -> None:
    chosen = [i for i in inspectors_for(CONFIG) if getattr(i, "disguise_only", False)]
    assert chosen  # the spreadsheet inspector declares it
    in_doc = Location("src", "a.doc/Package", (Hop("archive", "a.doc", {"format": "ole"}),))
    seen = 0
    for head in heads():
        for name in NAMES:
            for location in (Location("src", name), in_doc):
                if check(name, head) is not None:
                    continue
                for inspector in chosen:
                    seen += 1
                    assert not inspector.wants_disguised(_Entry(name, location), head), (inspector.name, name, head[:20])
    assert seen > 1000


@pytest.mark.parametrize("name", ["photo.jpg", "clients", "app.log"])
def test_a_disguised_head_is_still_wanted(name: str) -> None:
    rows = standard(people(6, seed=3))
    head = xlsx_bytes({"名簿": rows})[:512] if name == "photo.jpg" else csv_bytes(rows)[:512]  # no extension: a table
    assert check(name, head) is not None
    spreadsheet = next(i for i in inspectors_for(CONFIG) if getattr(i, "disguise_only", False))
    assert spreadsheet.wants_disguised(_Entry(name, Location("src", name)), head)
