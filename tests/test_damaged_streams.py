"""A cut or damaged compressed stream (.gz, .bz2, .xz, a .tar.gz) keeps what inflated before the break.

Found by tests/test_damaged_demo.py: a demo CSV of 300 people gzipped and cut at 90 % was listed as
`corrupt` with no hit at all (Python's gzip/bz2/lzma readers raise at the break and drop the buffer they
were inflating), and a .tar.gz cut inside its CSV member the same. Now the bytes before the break are read:
the member is a hit with the records that survive, status `corrupt` (never a complete read), and the
archive is listed with where it broke.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.codes import Status
from scanner.config import ScanConfig
from scanner.contracts import NoProgress, ScanContext, ScanResult
from scanner.inspectors.archive import ArchiveInspector
from scanner.inspectors.archive_formats import inflate_prefix
from scanner.inspectors.spreadsheet import SpreadsheetInspector
from scanner.models import Skipped
from scanner.names import NameRules
from scanner.sources.single import SingleFileEntry
from tests.pii_data import csv_bytes, people, standard

COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gz": lambda b: gzip.compress(b, mtime=0), "bz2": bz2.compress, "xz": lzma.compress}
ROWS = 200


@pytest.fixture(scope="module")
def table() -> bytes:
    return csv_bytes(standard(people(ROWS, seed=9)), "cp932")


@pytest.mark.parametrize("kind", sorted(COMPRESSORS))
def test_inflate_prefix_keeps_what_came_before_the_break(kind: str) -> None:
    raw = b"".join(b"%06d,\xe5\x90\x8d\xe7\xb0\xbf\r\n" % i for i in range(200_000))  # 2.6 MB, several bz2 blocks
    packed = COMPRESSORS[kind](raw)
    assert inflate_prefix(packed, 1 << 30) == (raw, None)
    assert inflate_prefix(packed + packed, 1 << 30) == (raw + raw, None)  # concatenated streams
    assert inflate_prefix(packed + bytes(512), 1 << 30) == (raw, None)  # zero padding after the end
    assert inflate_prefix(packed, 1000)[0] == raw[:1000]  # the cap: never inflates past it
    got, why = inflate_prefix(packed[: len(packed) * 3 // 4], 1 << 30)
    assert why == "the stream ends early" and got == raw[: len(got)]
    assert len(got) > len(raw) // 3  # most of what was there (bzip2 loses the block it was in)
    flipped = bytearray(packed)
    flipped[len(flipped) // 2] ^= 0x04
    got, why = inflate_prefix(bytes(flipped), 1 << 30)
    assert why is not None  # a flip is always noticed: a decoding error, or the stream's own check
    assert got[:1000] == raw[:1000]  # and what came before it is the original


def test_inflate_prefix_refuses_what_is_not_a_stream() -> None:
    assert inflate_prefix(b"PK\x03\x04 not compressed", 100) == (b"", "not a gzip, bzip2 or xz stream")
    assert inflate_prefix(b"", 100) == (b"", None)


def _context(tmp_path: Path) -> ScanContext:
    config = ScanConfig(sources=[str(tmp_path)], out=tmp_path / "unused", names=["x.xlsx"], parse_timeout=10)
    inspectors = [SpreadsheetInspector(config), ArchiveInspector(config)]
    return ScanContext(config, NameRules(config.names, True), inspectors, ScanResult(config, started=""), NoProgress())


def _open(name: str, data: bytes, tmp_path: Path) -> tuple[list, list[Skipped], ScanContext]:
    path = tmp_path / name
    path.write_bytes(data)
    ctx = _context(tmp_path)
    ins = ArchiveInspector(ctx.config).inspect(SingleFileEntry(str(path)), data, "", ctx)
    children = list(ins.children)
    return ([c for c in children if not isinstance(c, Skipped)], [c for c in children if isinstance(c, Skipped)], ctx)


def _records(member, ctx: ScanContext):
    data = member.open().read()
    return SpreadsheetInspector(ctx.config).inspect(member, data, "", ctx)


@pytest.mark.parametrize("kind", ["gz", "xz"])  # bzip2 gives nothing before its first 900 kB block ends
def test_cut_compressed_csv_is_a_corrupt_hit_with_the_records_that_survive(kind: str, table: bytes,
                                                                          tmp_path: Path) -> None:
    packed = COMPRESSORS[kind](table)
    whole, skips, ctx = _open(f"名簿.csv.{kind}", packed, tmp_path)
    assert not skips and _records(whole[0], ctx).pii["records"] == ROWS
    members, skips, ctx = _open(f"cut.csv.{kind}", packed[: len(packed) * 6 // 10], tmp_path)
    (member,) = members
    assert [s.reason for s in skips] == [Status.CORRUPT] and "stream breaks after" in skips[0].detail
    ins = _records(member, ctx)
    assert ins.status == Status.CORRUPT and "only the bytes before the break" in ins.detail
    assert 0 < ins.pii["records"] < ROWS


def test_flipped_gzip_csv_is_corrupt_never_ok(table: bytes, tmp_path: Path) -> None:
    packed = bytearray(COMPRESSORS["gz"](table))
    packed[-6] ^= 0x01  # the stored CRC: every byte inflates, the check fails
    members, skips, ctx = _open("flip.csv.gz", bytes(packed), tmp_path)
    assert skips and skips[0].reason == Status.CORRUPT
    ins = _records(members[0], ctx)
    assert ins.status == Status.CORRUPT and ins.pii["records"] == ROWS


def test_cut_tar_gz_member_is_read_up_to_the_break(table: bytes, tmp_path: Path) -> None:
    buf = io.BytesIO()
    other = csv_bytes(standard(people(ROWS, seed=10)), "cp932")  # not a copy: deflate would make it tiny
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, content in (("a/名簿.csv", table), ("b/名簿.csv", other)):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            t.addfile(info, io.BytesIO(content))
    packed = gzip.compress(buf.getvalue(), mtime=0)
    members, skips, ctx = _open("backup.tar.gz", packed[: len(packed) * 3 // 4], tmp_path)  # inside b/名簿.csv
    assert [m.name for m in members] == ["名簿.csv", "名簿.csv"]
    assert len(skips) == 1 and skips[0].reason == Status.CORRUPT and "cut after" in skips[0].detail
    first, second = (_records(m, ctx) for m in members)
    assert first.status == Status.OK and first.pii["records"] == ROWS
    assert second.status == Status.CORRUPT and 0 < second.pii["records"] < ROWS


def test_archive_error_details_quote_no_member_name(tmp_path: Path) -> None:
    """zipfile's 'Bad CRC-32 for file ...' quoted the member name as zipfile decoded it: for a name written
    on Japanese Windows (cp932, no UTF-8 flag) that is cp437 mojibake in the report, and a member name can
    be a person's. The member's location names it (decoded properly); the detail keeps the error only."""
    import zipfile

    from tests.archive_data import zip_raw_names

    name = "鈴木花子様_連絡先.csv"
    packed = bytearray(zip_raw_names([(name.encode("cp932"), b"No,name\r\n" * 50)], zipfile.ZIP_STORED))
    packed[packed.index(b"No,name") + 3] ^= 0x01  # one byte of the stored data: the CRC check fails
    members, skips, ctx = _open("backup.zip", bytes(packed), tmp_path)
    (member,) = members
    assert member.location.display().endswith(name)
    # Session 12: every byte is kept (the CRC is compared after the last one), the member marked with the damage
    assert len(member.open().read()) == len(b"No,name\r\n" * 50)
    detail = member.damage
    assert "CRC mismatch" in detail, detail
    quoted = name.encode("cp932").decode("cp437")
    assert quoted not in detail and name not in detail and "鈴木" not in detail


def _tar_gz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            t.addfile(info, io.BytesIO(content))
    return gzip.compress(buf.getvalue(), mtime=0)


def test_tar_gz_with_a_bad_stream_check_is_never_a_complete_read(table: bytes, tmp_path: Path) -> None:
    """tarfile never checks the gzip CRC: a .tar.gz whose stream fails its check (or whose deflate data
    was flipped into other bytes) gave every member as ok, and the archive was listed nowhere."""
    packed = _tar_gz({"a/名簿.csv": table, "b/名簿.csv": table})
    members, skips, ctx = _open("ok.tar.gz", packed, tmp_path)
    assert not skips and all(_records(m, ctx).status == Status.OK for m in members)
    bad = bytearray(packed)
    bad[-8] ^= 0x01  # the stored CRC-32: every byte inflates as before
    members, skips, ctx = _open("crc.tar.gz", bytes(bad), tmp_path)
    assert [s.reason for s in skips] == [Status.CORRUPT] and "stream damaged" in skips[0].detail
    assert len(members) == 2
    for m in members:
        ins = _records(m, ctx)
        assert ins.status == Status.CORRUPT and ins.pii["records"] == ROWS and "may be damaged" in ins.detail


class _Unseekable(io.RawIOBase):
    """Where zipfile writes as a streaming writer does: sizes and CRC in a descriptor after each member."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[override]
        self.data += b
        return len(b)


def _zip(members: dict[str, bytes], method: int, streamed: bool) -> bytes:
    out: io.RawIOBase | io.BytesIO = _Unseekable() if streamed else io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return bytes(out.data) if isinstance(out, _Unseekable) else out.getvalue()


@pytest.mark.parametrize(("method", "streamed"), [(zipfile.ZIP_DEFLATED, False), (zipfile.ZIP_STORED, False),
                                                  (zipfile.ZIP_DEFLATED, True), (zipfile.ZIP_STORED, True)])
def test_cut_zip_members_are_read_from_their_local_headers(method: int, streamed: bool, tmp_path: Path) -> None:
    """A zip cut before its central directory (an interrupted copy or download) was `corrupt` as a whole:
    'File is not a zip file', no member read. The members before the cut are whole behind their local
    headers: each is examined, the cut one up to its cut (corrupt), and the zip is listed."""
    tables = {f"控え/名簿{i}.csv": csv_bytes(standard(people(ROWS, seed=20 + i)), "cp932") for i in range(3)}
    packed = _zip(tables, method, streamed)
    members, skips, ctx = _open("whole.zip", packed, tmp_path)
    assert len(members) == 3 and not skips
    cut = packed[: len(packed) * 8 // 10]  # inside the third member
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(cut))
    path = tmp_path / "cut.zip"
    path.write_bytes(cut)
    ctx = _context(tmp_path)
    ins = ArchiveInspector(ctx.config).inspect(SingleFileEntry(str(path)), cut, "", ctx)
    assert ins.status == Status.CORRUPT and "central directory unreadable" in ins.detail
    members = [c for c in ins.children if not isinstance(c, Skipped)]
    assert [m.location.display().rsplit(" » ", 1)[1] for m in members] == list(tables)
    results = [_records(m, ctx) for m in members]
    assert [r.status for r in results] == [Status.OK, Status.OK, Status.CORRUPT]
    assert [r.pii["records"] for r in results[:2]] == [ROWS, ROWS] and 0 < results[2].pii["records"] < ROWS
    assert "read from its local header" in results[2].detail


def test_cut_zip_with_an_encrypted_member_lists_it(table: bytes, tmp_path: Path) -> None:
    """From the local headers too, an encrypted member is listed as encrypted, never read as plain bytes."""
    from tests.archive_data import zip_tool_encrypted

    work = tmp_path / "work"
    work.mkdir()
    packed = zip_tool_encrypted(work, {"secret.csv": table}, "pw", plain={"open.csv": table})
    cut = packed[: len(packed) - 60]  # the central directory is gone, both members are whole
    path = tmp_path / "cut.zip"
    path.write_bytes(cut)
    ctx = _context(tmp_path)
    ins = ArchiveInspector(ctx.config).inspect(SingleFileEntry(str(path)), cut, "", ctx)
    assert ins.status == Status.CORRUPT
    children = list(ins.children)
    skipped = [c for c in children if isinstance(c, Skipped)]
    assert [(s.location.display().rsplit(" » ", 1)[1], s.reason) for s in skipped] == [("secret.csv", Status.ENCRYPTED)]
    (plain,) = [c for c in children if not isinstance(c, Skipped)]
    assert _records(plain, ctx).pii["records"] == ROWS


# ---------------------------------------------------------------- Session 12: every byte up to the damage


def _one_member_zip(content: bytes) -> tuple[bytes, int, int]:
    """A deflated zip of one member, its data's offset and compressed size (the directory stays sound)."""
    packed = _zip({"名簿.csv": content}, zipfile.ZIP_DEFLATED, False)
    info = zipfile.ZipFile(io.BytesIO(packed)).infolist()[0]
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    return packed, start, info.compress_size


def test_a_zip_member_failing_only_its_crc_keeps_every_byte(table: bytes, tmp_path: Path) -> None:
    """Both stored CRCs changed, the data sound: zipfile raised inside the read that reached the end, and the last
    up to 8 KiB of the member were lost (171-231 of 200-300 rows). Every byte is examined now, `corrupt`."""
    packed, _, _ = _one_member_zip(table)
    crc = zlib.crc32(table).to_bytes(4, "little")
    assert packed.count(crc) == 2  # the local header and the central directory
    bad = packed.replace(crc, (zlib.crc32(table) ^ 0x10).to_bytes(4, "little"))
    (member,), skips, ctx = _open("crc.zip", bad, tmp_path)
    ins = _records(member, ctx)
    assert not skips and ins.status == Status.CORRUPT and ins.pii["records"] == ROWS
    assert f"member data breaks after {len(table)} bytes" in ins.detail and "CRC mismatch" in ins.detail


def test_a_zip_member_breaking_in_its_first_8_kib_keeps_the_bytes_before(table: bytes, tmp_path: Path) -> None:
    """The member's deflate data overwritten with zeros 800 bytes in (a zeroed sector): zlib breaks inside the first
    8 KiB the member reader asks for, and nothing was kept (the member listed with no record). Now the bytes up to
    the break are inflated again from the member's local header and read: the rows before it, `corrupt`."""
    packed, start, size = _one_member_zip(table)
    cut_at = start + 800
    bad = packed[:cut_at] + bytes(start + size - cut_at) + packed[start + size:]
    (member,), skips, ctx = _open("zeroed.zip", bad, tmp_path)
    ins = _records(member, ctx)
    assert ins.status == Status.CORRUPT and 5 <= ins.pii["records"] < ROWS, (ins.status, ins.detail, ins.pii)
    assert "member data breaks after" in ins.detail and "while decompressing" in ins.detail


def test_a_7z_member_failing_its_crc_keeps_its_bytes(table: bytes, tmp_path: Path) -> None:
    """A stored 7z member with a flipped byte: py7zr wrote every byte, then raised CrcError, and the member was
    listed with no record. Its bytes are examined now, `corrupt` naming the CRC."""
    import py7zr

    from tests.archive_data import seven_zip_fixed

    packed = bytearray(seven_zip_fixed({"名簿.csv": table}, [{"id": py7zr.FILTER_COPY}]))
    at = 32 + len(table) // 2
    packed[at] ^= 0x01  # inside a cell: one character changes
    (member,), skips, ctx = _open("crc.7z", bytes(packed), tmp_path)
    ins = _records(member, ctx)
    assert ins.status == Status.CORRUPT and ins.pii["records"] >= ROWS - 1, (ins.status, ins.detail, ins.pii)
    assert "CrcError" in ins.detail
