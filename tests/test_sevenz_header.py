"""A 7z whose header is damaged is never a clean archive with fewer records (Session 11's closing note, HIGH).

A flip inside a 7z's packed (encoded) header can decode to other member names with no error anywhere: the
session-11 demo saw ``名簿.csv`` read as ``名簿.cóv`` and the intact list of 60 people pass as a clean file that is
no table. The header's own checksums (start header, next header, the EncodedHeader's unpack digest) are verified by
scanner.inspectors.sevenz_header: a mismatch lists the archive ``corrupt`` and its members are still read. py7zr
writes no unpack digest, so a flip in the packed header of its archives cannot be seen by any checksum: what the
renamed member holds is read by its content (a person table under an unknown extension).
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import struct
import zlib
from pathlib import Path

import py7zr
import pytest
from py7zr.archiveinfo import HeaderStreamsInfo

from scanner.codes import Status
from scanner.config import ScanConfig
from scanner.contracts import NoProgress, ScanContext, ScanResult
from scanner.errors import ReadError
from scanner.inspectors import sevenz_header
from scanner.inspectors.archive import ArchiveInspector
from scanner.inspectors.disguise import HEAD_READ, checked_entry_ext
from scanner.inspectors.spreadsheet import SpreadsheetInspector
from scanner.models import Skipped
from scanner.names import NameRules
from scanner.sources.single import SingleFileEntry
from tests.archive_data import seven_zip_fixed
from tests.conftest import run_leakscan
from tests.pii_data import csv_bytes, people, standard

ROWS = 60
FLIPS = 400
LZMA2 = [{"id": py7zr.FILTER_LZMA2}]  # (py7zr's default adds BCJ: its packed header then decodes to nothing flips rename)


@pytest.fixture(scope="module")
def roster() -> bytes:
    return csv_bytes(standard(people(ROWS, seed=11)), "cp932")


def _context(tmp_path: Path) -> ScanContext:
    config = ScanConfig(sources=[str(tmp_path)], out=tmp_path / "unused", names=["x.xlsx"], parse_timeout=10)
    inspectors = [SpreadsheetInspector(config), ArchiveInspector(config)]
    return ScanContext(config, NameRules(config.names, True), inspectors, ScanResult(config, started=""), NoProgress())


def _header_region(data: bytes) -> list[int]:
    """Offsets of the signature header, the packed header and the next header: where a flip damages the header."""
    offset, size = struct.unpack_from("<QQ", data, 12)
    header = data[32 + offset:32 + offset + size]
    streams = HeaderStreamsInfo.retrieve(io.BytesIO(header[1:]))
    packed = 32 + streams.packinfo.packpos
    return [*range(8, 32), *range(packed, packed + streams.packinfo.packsizes[0]), *range(32 + offset, len(data))]


class Outcome:
    """What a scan would make of one archive: listed with a reason (the archive or a member not ``ok``), and the
    records its members give to the spreadsheet inspector when the pipeline would give them to it."""

    def __init__(self) -> None:
        self.listed: list[str] = []
        self.records = 0
        self.names: list[str] = []


def _examine(data: bytes, tmp_path: Path, ctx: ScanContext, seen: dict[bytes, tuple[int, str]]) -> Outcome:
    path = tmp_path / "archive.7z"
    path.write_bytes(data)
    out = Outcome()
    ins = ArchiveInspector(ctx.config).inspect(SingleFileEntry(str(path)), data, "", ctx)
    if ins.status != Status.OK:
        out.listed.append(f"archive {ins.status}: {ins.detail}")
    sheets = SpreadsheetInspector(ctx.config)
    for child in ins.children:
        if isinstance(child, Skipped):
            out.listed.append(f"skipped {child.reason}")
            continue
        if not hasattr(child, "open"):
            out.listed.append("link")  # a flipped attribute made the member a link: listed in the links section
            continue
        out.names.append(child.name)
        try:
            content = child.open().read()
        except ReadError as e:
            out.listed.append(f"member {e.reason}")
            continue
        if getattr(child, "damage", None):
            out.listed.append(f"member damage {child.damage}")
        key = hashlib.sha256(child.name.encode() + b"\0" + content).digest()
        if key not in seen:
            head = content[:512]
            wanted = ((sheets.wants_name(child.name) and sheets.wants(child, len(content), lambda h=head: h))
                      or (checked_entry_ext(child.name, child.location) is not None
                          and sheets.wants_disguised(child, content[:HEAD_READ])))
            got = sheets.inspect(child, content, "", ctx) if wanted else None
            seen[key] = ((got.pii or {}).get("records", 0) if got and got.pii else 0,
                         str(got.status) if got is not None and got.status != Status.OK else "")
        records, status = seen[key]
        out.records += records
        if status:
            out.listed.append(f"member {status}")
    return out


@pytest.mark.parametrize("digest", [False, True], ids=["as-py7zr-writes", "with-header-crc"])
def test_no_flip_in_a_7z_header_ends_clean_with_fewer_records(digest: bool, roster: bytes, tmp_path: Path) -> None:
    data = seven_zip_fixed({"名簿.csv": roster}, LZMA2, digest=digest)
    ctx = _context(tmp_path)
    seen: dict[bytes, tuple[int, str]] = {}
    whole = _examine(data, tmp_path, ctx, seen)
    assert not whole.listed and whole.records == ROWS and whole.names == ["名簿.csv"]
    rng = random.Random(f"20261206-7z-{digest}")
    region = _header_region(data)
    silent, renamed, listed = [], 0, 0
    for _ in range(FLIPS):
        b = bytearray(data)
        at = rng.choice(region)
        b[at] ^= 1 << rng.randrange(8)
        got = _examine(bytes(b), tmp_path, ctx, seen)
        renamed += got.names not in ([], ["名簿.csv"])
        listed += bool(got.listed)
        if not got.listed and got.records < ROWS:
            silent.append((at, got.names, got.records))
    assert not silent, silent
    assert renamed and listed > FLIPS // 2  # the flips did reach the names, and most were seen as damage


def _renaming_flip(data: bytes) -> bytes:
    """The first single-bit flip of the packed header (front to back) that py7zr reads as a renamed member."""
    for at in _header_region(data):
        for bit in range(8):
            b = bytearray(data)
            b[at] ^= 1 << bit
            checked = sevenz_header.check(bytes(b))
            try:
                names = [f.filename for f in py7zr.SevenZipFile(io.BytesIO(checked.data)).files]
            except Exception:  # noqa: BLE001 - refused: not the flip looked for
                continue
            if names and names != ["名簿.csv"] and checked.damaged:
                return bytes(b)
    raise AssertionError("no renaming flip")


def test_header_checksums_are_verified_and_the_archive_is_read_from_a_copy_that_agrees(roster: bytes) -> None:
    data = seven_zip_fixed({"名簿.csv": roster}, LZMA2, digest=True)
    assert sevenz_header.check(data) == sevenz_header.HeaderCheck("", data)
    start = bytearray(data)
    start[9] ^= 0x10  # the start header's own CRC
    checked = sevenz_header.check(bytes(start))
    assert checked.damaged == "start header" and checked.data == data
    offset, size = struct.unpack_from("<QQ", data, 12)
    nxt = bytearray(data)
    nxt[28] ^= 0x01  # the next header's CRC as the start header stores it (the start header CRC no longer matches)
    assert sevenz_header.check(bytes(nxt)).damaged == "start header + next header"
    renamed = _renaming_flip(data)
    checked = sevenz_header.check(renamed)
    assert checked.damaged == "encoded header"
    assert zlib.crc32(checked.data[32 + offset:32 + offset + size]) == struct.unpack_from("<I", checked.data, 28)[0]
    # a cut or an offset past the end is left to py7zr (it refuses with its own error)
    assert sevenz_header.check(data[:20]).damaged == ""
    assert sevenz_header.check(data[:40]).damaged == "" or "start header" not in sevenz_header.check(data[:40]).damaged


def test_a_renamed_member_of_a_damaged_7z_is_read_and_the_archive_listed_corrupt(roster: bytes, tmp_path: Path) -> None:
    """Through the CLI: a 7z whose packed header (with its CRC, as 7-Zip writes) was damaged into another member
    name is listed corrupt, naming the header; its member is read (60 people) under the name it now has. A 7z as
    py7zr writes it (no CRC of the packed header: nothing can see the damage) keeps its 60 people by content."""
    share = tmp_path / "share"
    share.mkdir()
    (share / "crc.7z").write_bytes(_renaming_flip(seven_zip_fixed({"名簿.csv": roster}, LZMA2, digest=True)))
    (share / "plain.7z").write_bytes(_renaming_flip_without_crc(seven_zip_fixed({"名簿.csv": roster}, LZMA2)))
    out = tmp_path / "case"
    done = run_leakscan("scan", str(share), "--out", str(out), "--quiet", timeout=240)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    crc = [s for s in doc["skipped"] if s["path"].endswith("/crc.7z")]
    assert [s["reason"] for s in crc] == ["corrupt"], doc["skipped"]
    assert [d["code"] for d in crc[0]["detail_codes"]] == ["sevenz-header-crc", "sevenz-header-salvaged"], crc
    members = sorted((f["path"].split(" » ")[0].rsplit("/", 1)[1], (f.get("pii") or {}).get("records"))
                     for f in doc["files"] if " » " in f["path"])
    assert members == [("crc.7z", ROWS), ("plain.7z", ROWS)], doc["files"]
    assert all(not f["path"].endswith("名簿.csv") for f in doc["files"])  # both read under their damaged names


def _renaming_flip_without_crc(data: bytes) -> bytes:
    """The first single-bit flip of a py7zr archive's packed header that renames its member, no error anywhere."""
    for at in _header_region(data):
        for bit in range(8):
            b = bytearray(data)
            b[at] ^= 1 << bit
            try:
                names = [f.filename for f in py7zr.SevenZipFile(io.BytesIO(bytes(b))).files]
            except Exception:  # noqa: BLE001 - refused: not the flip looked for
                continue
            if names and names != ["名簿.csv"]:
                assert sevenz_header.check(bytes(b)).damaged == ""  # nothing to verify: no CRC of the packed header
                return bytes(b)
    raise AssertionError("no renaming flip")
