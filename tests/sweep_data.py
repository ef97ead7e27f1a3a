"""Damaged copies of the containers that hold embedded objects, for the Session 14 sweep (bench/sweep_embedded.py)
and its fixed sample (tests/test_containers_sweep14.py): the seeds are built by the tests' own writers (no clock in
them: the same bytes every run), damaged by bit flips at fixed seeds and by cuts, and judged from ONE scan of a
folder holding every copy."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

SEP = " » "


def seeds() -> dict[str, bytes]:
    """name -> bytes of every seed container (the tests' builders, fixed seeds, no clock)."""
    from tests import mail_data
    from tests import test_containers as tc
    from tests import test_embedded as te
    from tests.pii_data import people, standard, xlsx_bytes

    docs = tc.document_files()
    renamed = tc.renamed_files()
    roster = xlsx_bytes({"名簿": standard(people(12, seed=81))})
    out = {name: docs[name] for name in ("report.doc", "deck.ppt", "budget.xls", "letter.rtf", "minutes.odt",
                                         "budget.ods")}
    out["list.csv"] = renamed["list.csv"]
    out["export.csv"] = renamed["export.csv"]
    out["report.docx"] = te.package(te.WORD, {"Microsoft_Excel_Worksheet.xlsx": roster})
    out["deck.pptx"] = te.package(te.SLIDES, {"oleObject1.bin": te.ole_with_stream("Package", roster)})
    out["mail.eml"] = mail_data.message([("顧客名簿.xlsx", roster, "rfc2231-utf8")])
    return out


def flipped(data: bytes, rng: random.Random, bits: int) -> bytes:
    b = bytearray(data)
    for _ in range(bits):
        b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    return bytes(b)


def damaged(name: str, data: bytes, n_seeds: int, n_cuts: int) -> Iterator[tuple[str, str, bytes]]:
    """(copy name, damage, bytes) of one seed container."""
    stem, ext = name.rsplit(".", 1)
    for s in range(n_seeds):
        bits = 1 + s % 8
        yield f"{stem}__f{s:03d}b{bits}.{ext}", f"flip{bits}", flipped(data, random.Random(f"{name}:{s}"), bits)
    for k in range(1, n_cuts + 1):
        at = len(data) * k // (n_cuts + 1)
        yield f"{stem}__t{at:07d}.{ext}", "cut", data[:at]


def build(folder: Path, n_seeds: int, n_cuts: int, kinds: list[str] | None = None) -> dict[str, tuple[str, str]]:
    """Writes every damaged copy into ``folder`` (of the seeds named in ``kinds``, all by default): copy name ->
    (seed name, damage)."""
    made: dict[str, tuple[str, str]] = {}
    for name, data in seeds().items():
        if kinds and name not in kinds:
            continue
        for copy, damage, body in damaged(name, data, n_seeds, n_cuts):
            if body == data:
                continue  # a flip that hit the same bit twice
            (folder / copy).write_bytes(body)
            made[copy] = (name, damage)
    return made


def wanted(folder: Path) -> set[str]:
    """The copies some inspector's pre-check takes (what the walk asks before a worker reads a file)."""
    from scanner.config import ScanConfig
    from scanner.inspectors.archive import ArchiveInspector
    from scanner.inspectors.mail import MailInspector
    from scanner.inspectors.spreadsheet import SpreadsheetInspector
    from scanner.sources.local import LocalSource

    config = ScanConfig(sources=[str(folder)], out=str(folder.parent / "unused"))
    inspectors = [ArchiveInspector(config), MailInspector(config), SpreadsheetInspector(config)]
    taken = set()
    for entry in LocalSource(str(folder)).entries():
        if not hasattr(entry, "stat"):
            continue
        size = entry.stat().size
        if any(i.wants(entry, size, lambda e=entry: e.open().read(512)) for i in inspectors):
            taken.add(entry.name)
    return taken


def outcomes(folder: Path, findings: dict) -> dict[str, str]:
    """copy name -> 'seen' or 'nothing'."""
    seen: set[str] = set()
    prefix = str(folder) + "/"
    for row in [*findings["files"], *findings["skipped"]]:
        path = row["path"]
        if path.startswith(prefix):
            seen.add(path[len(prefix):].split(SEP, 1)[0])
    return {p.name: ("seen" if p.name in seen else "nothing") for p in folder.iterdir()}
