"""Seeds and deterministic mutants for the robustness sweep (tests/test_fuzz_inputs.py).

Seeds are generated at test time (Faker ja_JP with a fixed seed, openpyxl, xlwt, py7zr, tarfile,
mkfs.vfat + mcopy, ewfacquire); mutants come from one ``random.Random(seed)``, so the same tree is
built on every run. Mutations: truncations, bit flips in the header area and at random offsets, zeroed
blocks, duplicated and shuffled chunks, and for zip-based files damaged central directories and local
headers (sizes inflated, offsets, name lengths, methods, flags, entry counts).
"""

from __future__ import annotations

import gzip
import io
import os
import random
import re
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from scanner.demo import birth_date, simple_xlsx
from tests.image_data import e01, fat_image
from tests.pii_data import csv_bytes, people, standard, xls_bytes

LEAKED = "介護予防_利用者名簿.xlsx"
STEM = "介護予防_利用者名簿"
EOCD = b"PK\x05\x06"
CDH = b"PK\x01\x02"
LFH = b"PK\x03\x04"


@dataclass(frozen=True)
class Mutant:
    name: str  # what the mutation did, for messages (the file name adds a name-rule decoration)
    data: bytes
    # images only, what a scan must show at least: "found" (the workbook is a hit, whatever its status),
    # "listed" (found, or something listed as skipped, or a source error), "any" (no crash, valid output)
    expect: str = "listed"


FIXED_TIME = (2017, 3, 1, 10, 20, 30)
FIXED_EPOCH = 1488363630


def workbook(rows: int = 12, seed: int = 21) -> bytes:
    """The leaked list: fictitious people (Faker ja_JP, fixed seed), saved byte-for-byte reproducibly."""
    from faker import Faker

    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    table: list[list[object]] = [["氏名", "フリガナ", "住所", "電話番号", "生年月日"]]
    for _ in range(rows):
        table.append([fake.name(), fake.kana_name(), fake.address(), fake.phone_number(),
                      birth_date(fake).isoformat()])
    return simple_xlsx(table, "利用者")


def _seven_zip(workdir: Path, members: dict[str, bytes]) -> bytes:
    """py7zr stamps writestr members with the current time: write real files with a fixed mtime instead."""
    import py7zr

    stage = workdir / "7z_stage"
    for name, content in members.items():
        p = stage / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content)
        os.utime(p, (FIXED_EPOCH, FIXED_EPOCH))
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w") as z:
        for name in members:
            z.write(stage / name, name)
    return buf.getvalue()


def _tar_gz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(content), FIXED_EPOCH
            t.addfile(info, io.BytesIO(content))
    return gzip.compress(buf.getvalue(), mtime=0)  # tarfile's gzip header would carry the current time


def seeds(workdir: Path) -> dict[str, bytes]:
    """Valid files of every kind the tree holds, keyed by extension; each carries the same people."""
    xlsx = workbook()
    table = standard(people(12, seed=21))
    members = {f"backup/{LEAKED}": xlsx, "backup/名簿.csv": csv_bytes(table)}
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(zipfile.ZipInfo(name, date_time=FIXED_TIME), content, compress_type=zipfile.ZIP_DEFLATED)
    return {
        ".xlsx": xlsx,
        ".xls": xls_bytes({"名簿": table}),
        ".csv": csv_bytes(table, "cp932"),
        ".zip": zbuf.getvalue(),
        ".7z": _seven_zip(workdir, members),
        ".tar.gz": _tar_gz(members),
    }


def fat_seed(workdir: Path) -> bytes:
    """A 1 MiB FAT12 file system holding the leaked workbook in a folder."""
    return fat_image(workdir / "seed.img", {f"/Documents/{LEAKED}": workbook()}, size_mib=1, bits=12,
                     mtime=FIXED_EPOCH).read_bytes()


def e01_seed(workdir: Path, raw: bytes) -> bytes:
    """The FAT image acquired as one E01 segment (ewfacquire, no compression)."""
    src = workdir / "e01src.img"
    src.write_bytes(raw)
    return e01(src, workdir / "seed").read_bytes()


# ---------------------------------------------------------------- generic byte mutations


def _flip(data: bytes, offsets: list[int], rng: random.Random) -> bytes:
    b = bytearray(data)
    for off in offsets:
        b[off] ^= 1 << rng.randrange(8)
    return bytes(b)


def generic(data: bytes, rng: random.Random, header: int, flips: int, randoms: int) -> Iterator[Mutant]:
    """Mutations that apply to any file; ``header`` is the size of the area where structure lives."""
    n = len(data)
    for frac in (0.0, 0.05, 0.25, 0.5, 0.75, 0.95):
        cut = int(n * frac)
        yield Mutant(f"trunc{cut}", data[:cut])
    yield Mutant("trunc-last", data[:-1])
    yield Mutant("trunc-22", data[:-22])
    head = min(header, n)
    for i in range(flips):
        yield Mutant(f"hdrflip{i}", _flip(data, [rng.randrange(head) for _ in range(1 + i % 3)], rng))
    for i in range(randoms):
        yield Mutant(f"flip{i}", _flip(data, [rng.randrange(n) for _ in range(1 + i % 4)], rng))
    for i in range(3):
        start, size = rng.randrange(n), rng.choice((16, 256, 4096))
        yield Mutant(f"zero{i}", data[:start] + bytes(min(size, n - start)) + data[start + size:])
    for i in range(2):
        a, b = sorted(rng.sample(range(n), 2))
        at = rng.randrange(n)
        yield Mutant(f"dup{i}", data[:at] + data[a:b][:4096] + data[at:])
    for i in range(2):
        k = rng.choice((3, 5, 8))
        step = -(-n // k)
        chunks = [data[j:j + step] for j in range(0, n, step)]
        rng.shuffle(chunks)
        yield Mutant(f"shuffle{i}", b"".join(chunks))


# ---------------------------------------------------------------- zip structure mutations


def _central_entries(data: bytes) -> list[int]:
    """Offsets of every central directory header (walked from the end-of-central-directory record)."""
    eocd = data.rfind(EOCD)
    cd = struct.unpack_from("<I", data, eocd + 16)[0]
    out = []
    while data[cd:cd + 4] == CDH:
        out.append(cd)
        n, m, k = struct.unpack_from("<HHH", data, cd + 28)
        cd += 46 + n + m + k
    return out


def _largest(data: bytes, entries: list[int]) -> int:
    return max(entries, key=lambda cd: struct.unpack_from("<I", data, cd + 20)[0])


def _put(data: bytes, off: int, fmt: str, value: int) -> bytes:
    b = bytearray(data)
    struct.pack_into(fmt, b, off, value)
    return bytes(b)


def zip_structure(data: bytes, rng: random.Random) -> Iterator[Mutant]:
    """Central directory and local headers damaged field by field, on the largest member (the sheet or
    the workbook) and on one other member picked at random."""
    eocd = data.rfind(EOCD)
    entries = _central_entries(data)
    targets = {"big": _largest(data, entries), "any": rng.choice(entries)}
    for label, cd in targets.items():
        local = struct.unpack_from("<I", data, cd + 42)[0]
        edits: list[tuple[str, int, str, int]] = [
            ("usize-huge", cd + 24, "<I", 0x7FFF_FFFF),
            ("usize-ffff", cd + 24, "<I", 0xFFFF_FFFF),
            ("usize-small", cd + 24, "<I", 3),
            ("csize-huge", cd + 20, "<I", 0x7FFF_FFFF),
            ("csize-zero", cd + 20, "<I", 0),
            ("offset-past", cd + 42, "<I", len(data) + 100),
            ("offset-rand", cd + 42, "<I", rng.randrange(len(data))),
            ("namelen-big", cd + 28, "<H", 0xFFFF),
            ("extralen-big", cd + 30, "<H", 0x7FFF),
            ("method-aes", cd + 10, "<H", 99),
            ("method-deflate64", cd + 10, "<H", 9),
            ("method-lzma", cd + 10, "<H", 14),
            ("flag-encrypted", cd + 8, "<H", 1),
            ("crc", cd + 16, "<I", rng.randrange(1 << 32)),
            ("local-usize-huge", local + 22, "<I", 0x7FFF_FFFF),
            ("local-csize-huge", local + 18, "<I", 0x7FFF_FFFF),
            ("local-namelen", local + 26, "<H", 0xFFFF),
            ("local-method", local + 8, "<H", 12),
        ]
        for what, off, fmt, value in edits:
            yield Mutant(f"zip-{label}-{what}", _put(data, off, fmt, value))
    for what, off, fmt, value in [
        ("eocd-count0", eocd + 10, "<H", 0),
        ("eocd-countffff", eocd + 10, "<H", 0xFFFF),
        ("eocd-cdsize-big", eocd + 12, "<I", 0xFFFF_FFF0),
        ("eocd-cdoffset-past", eocd + 16, "<I", len(data)),
        ("eocd-cdoffset-0", eocd + 16, "<I", 0),
        ("eocd-comment-len", eocd + 20, "<H", 0xFFFF),
    ]:
        yield Mutant(f"zip-{what}", _put(data, off, fmt, value))
    cd0 = entries[0]
    yield Mutant("zip-cd-zeroed", data[:cd0] + bytes(eocd - cd0) + data[eocd:])
    yield Mutant("zip-cd-dup", data[:eocd] + data[cd0:eocd] + data[eocd:])
    yield Mutant("zip-no-eocd", data[:eocd])


# ---------------------------------------------------------------- 7z and tar headers, checksums kept valid


def _7z_with_header(data: bytes, offset: int | None = None, size: int | None = None, body: bytes | None = None) -> bytes:
    """A 7z whose start header says another next-header offset/size, or whose next header is replaced;
    the CRCs are recomputed so the damage gets past the checksum into the parser."""
    old_off, old_size = struct.unpack_from("<QQ", data, 12)
    start = 32 + old_off
    if body is not None:
        data = data[:start] + body + data[start + old_size:]
        old_size = len(body)
    head_crc = zlib.crc32(data[start:start + old_size]) if body is not None else struct.unpack_from("<I", data, 28)[0]
    fields = struct.pack("<QQI", old_off if offset is None else offset, old_size if size is None else size, head_crc)
    return data[:8] + struct.pack("<I", zlib.crc32(fields)) + fields + data[32:]


def sevenz_structure(data: bytes, rng: random.Random) -> Iterator[Mutant]:
    off, size = struct.unpack_from("<QQ", data, 12)
    header = data[32 + off:32 + off + size]
    yield Mutant("7z-offset-huge", _7z_with_header(data, offset=1 << 62))
    yield Mutant("7z-offset-zero", _7z_with_header(data, offset=0))
    yield Mutant("7z-size-huge", _7z_with_header(data, size=1 << 40))
    yield Mutant("7z-size-zero", _7z_with_header(data, size=0))
    for i in range(4):
        yield Mutant(f"7z-header-flip{i}", _7z_with_header(
            data, body=_flip(header, [rng.randrange(len(header)) for _ in range(1 + i)], rng)))
    yield Mutant("7z-header-numbers-ff", _7z_with_header(data, body=header[:2] + b"\xff" * 9 + header[11:]))


def _tar_edit(tar: bytes, member: int, field: slice, value: bytes) -> bytes:
    """A tar header field rewritten (and its checksum fixed), then gzip'd again."""
    b = bytearray(tar)
    hdr, n = 0, 0
    while n < member:  # walk to the member'th header
        size = int(b[hdr + 124:hdr + 136].strip(b"\x00 ") or b"0", 8)
        hdr += 512 + -(-size // 512) * 512
        n += 1
    b[hdr + field.start:hdr + field.stop] = value.ljust(field.stop - field.start, b"\x00")[: field.stop - field.start]
    b[hdr + 148:hdr + 156] = b" " * 8
    b[hdr + 148:hdr + 156] = b"%06o\x00 " % sum(b[hdr:hdr + 512])
    return gzip.compress(bytes(b), mtime=0)


def tar_structure(tgz: bytes) -> Iterator[Mutant]:
    tar = gzip.decompress(tgz)
    yield Mutant("tar-size-huge", _tar_edit(tar, 0, slice(124, 136), b"77777777777"))
    yield Mutant("tar-size-past-end", _tar_edit(tar, 1, slice(124, 136), b"00000100000"))
    yield Mutant("tar-size-garbage", _tar_edit(tar, 0, slice(124, 136), b"zz"))
    yield Mutant("tar-type-dir", _tar_edit(tar, 0, slice(156, 157), b"5"))
    yield Mutant("tar-type-longname", _tar_edit(tar, 0, slice(156, 157), b"L"))
    yield Mutant("tar-type-pax", _tar_edit(tar, 0, slice(156, 157), b"x"))
    yield Mutant("tar-name-unterminated", _tar_edit(tar, 0, slice(0, 100), b"\xff" * 100))
    yield Mutant("tar-bad-gzip-tail", tgz[:-8] + bytes(8))


# ---------------------------------------------------------------- content mutations (the container stays valid)


def rezip(xlsx: bytes, change: dict[str, bytes | None]) -> bytes:
    """The workbook with some parts replaced (None: removed), re-zipped with correct CRCs, so the damage
    reaches the XML parsers instead of stopping at the zip layer."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = change.get(info.filename, src.read(info.filename))
            if data is not None:
                dst.writestr(zipfile.ZipInfo(info.filename, date_time=FIXED_TIME), data,
                             compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
          + b"".join(b'<!ENTITY %s "%s">' % (bytes([99 + i]), (b"&" + bytes([98 + i]) + b";") * 10) for i in range(8))
          + b"]>")


def xlsx_content(xlsx: bytes, rng: random.Random) -> Iterator[Mutant]:
    """Damaged sheet XML, impossible cell references and missing parts inside a well-formed zip."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        sheet = z.read(SHEET)
    last_row = sheet.rfind(b"</row>")
    edits: dict[str, dict[str, bytes | None]] = {
        "xml-trunc": {SHEET: sheet[: len(sheet) // 2]},
        "xml-flips": {SHEET: _flip(sheet, [rng.randrange(len(sheet)) for _ in range(6)], rng)},
        "dim-max": {SHEET: sheet.replace(b'ref="A1:E13"', b'ref="A1:XFD1048576"')},
        "dim-garbage": {SHEET: sheet.replace(b'ref="A1:E13"', b'ref="A0:-5"')},
        "cell-far": {SHEET: sheet[:last_row] + b'<c r="XFD1048576"><v>1</v></c>' + sheet[last_row:]},
        "cell-past-max": {SHEET: sheet[:last_row] + b'<c r="ZZZZ99999999"><v>1</v></c>' + sheet[last_row:]},
        "row-zero": {SHEET: sheet.replace(b'<row r="2"', b'<row r="0"', 1)},
        "row-huge": {SHEET: sheet.replace(b'<row r="3"', b'<row r="99999999999"', 1)},
        "cell-no-row": {SHEET: sheet.replace(b'r="A2"', b'r="A"', 1)},
        "shared-missing": {SHEET: sheet.replace(b't="inlineStr"><is><t>', b't="s"><v>99999</v><is><t>', 3)},
        "entity-laughs": {SHEET: LAUGHS + sheet.replace(b"<t>", b"<t>&i;", 1)},
        "no-sheet": {SHEET: None},
        "no-workbook": {"xl/workbook.xml": None},
        "no-content-types": {"[Content_Types].xml": None},
        "rels-garbage": {"xl/_rels/workbook.xml.rels": b"\x00\xff<Relationships"},
        "workbook-empty": {"xl/workbook.xml": b""},
    }
    for name, change in edits.items():
        yield Mutant(f"content-{name}", rezip(xlsx, change))


def csv_content(csv: bytes) -> Iterator[Mutant]:
    """Text that breaks CSV readers: an unclosed quote swallowing the file, NULs, one endless line."""
    yield Mutant("csv-open-quote", b'"' + csv * (140_000 // len(csv) + 1))
    yield Mutant("csv-nul", csv.replace(b",", b"\x00,", 20))
    yield Mutant("csv-one-line", csv.replace(b"\r\n", b",") * 20)
    yield Mutant("csv-bom-mix", b"\xef\xbb\xbf" + csv)
    yield Mutant("csv-utf16-odd", b"\xff\xfe" + csv[:-1])


# ---------------------------------------------------------------- the tree


# name decorations, so the name rules hit some mutants (exact, copies, numbered, owner file, keyword)
def _file_name(ext: str, i: int, mutation: str, used: set[str]) -> str:
    plain = f"fuzz_{i:03d}_{mutation}{ext}"
    choices: list[Callable[[], str]] = [
        lambda: f"{STEM}{ext}",
        lambda: f"{STEM} - コピー ({i}){ext}",
        lambda: f"{STEM} ({i}){ext}",
        lambda: f"Copy of {STEM} ({i}){ext}",
        lambda: f"住所録_{i:03d}{ext}",
    ]
    if i % 3 == 0:
        name = choices[(i // 3) % len(choices)]()
        if name not in used:
            return name
    return plain


# Session 11 (trim11): the tree keeps every kind of damage but not every repeat of it. All mutants are still
# made from the same ``random.Random(seed)`` in the same order, so each one written is byte for byte, and under
# the same file name, the mutant of earlier sessions; these repeats are made and not written (the scan of the
# tree cost ~0.45 s of CPU per file, a fresh worker after most native-decoder failures):
# - truncations at 25, 75 and 95 % (kept: empty, 5 %, 50 %, all but the last byte, all but the last 22 bytes);
# - hdrflip3/4 (1 and 2 flipped bits in the first 512 bytes again: kept hdrflip0-2, 1, 2 and 3 bits);
# - flip4-7 (1-4 bits anywhere again: kept flip0-3, 1, 2, 3 and 4 bits);
# - zero2, dup1, shuffle1 (kept zero0-1, a zeroed block of two random sizes, dup0, shuffle0);
# - on the member picked at random ("any"), the zip fields also damaged on the largest member ("big"), which
#   keeps all 18: kept on "any" are one size, one offset, one name length, one method, the flag, the CRC and
#   two local-header fields.
REPEATS = re.compile(r"(hdrflip[34]|flip[4-7]|zero2|dup1|shuffle1|zip-any-(usize-ffff|usize-small|csize-huge"
                     r"|offset-past|extralen-big|method-deflate64|method-lzma|local-usize-huge|local-method))")


def build_tree(root: Path, seeds_by_ext: dict[str, bytes], seed: int = 20261126) -> dict[Path, str]:
    """Write the mutants (less REPEATS) under ``root/<kind>/``; returns {path: mutation} for messages."""
    rng = random.Random(seed)
    made: dict[Path, str] = {}
    for ext, data in seeds_by_ext.items():
        repeated_cuts = {f"trunc{int(len(data) * frac)}" for frac in (0.25, 0.75, 0.95)}
        folder = root / ext.strip(".").replace(".", "_")
        folder.mkdir(parents=True)
        mutants = list(generic(data, rng, header=512, flips=5, randoms=8))
        if ext in (".xlsx", ".zip"):
            mutants += list(zip_structure(data, rng))
        if ext == ".xlsx":
            mutants += list(xlsx_content(data, rng))
        if ext == ".csv":
            mutants += list(csv_content(data))
        if ext == ".7z":
            mutants += list(sevenz_structure(data, rng))
        if ext == ".tar.gz":
            mutants += list(tar_structure(data))
        used: set[str] = set()
        for i, m in enumerate(mutants):
            if REPEATS.fullmatch(m.name) or m.name in repeated_cuts:
                continue
            name = _file_name(ext, i, m.name, used)
            used.add(name)
            (folder / name).write_bytes(m.data)
            made[folder / name] = m.name
    return made


def _fat_layout(img: bytes) -> dict[str, int]:
    """Offsets of a FAT12/16 image's structures, and of the leaked workbook's directory entry."""
    bps, spc = struct.unpack_from("<H", img, 11)[0], img[13]
    reserved, nfats, root_entries = struct.unpack_from("<H", img, 14)[0], img[16], struct.unpack_from("<H", img, 17)[0]
    fat_size = struct.unpack_from("<H", img, 22)[0]
    fat = reserved * bps
    root = fat + nfats * fat_size * bps
    data = root + root_entries * 32

    def entries(start: int, count: int) -> Iterator[int]:
        for off in range(start, start + count * 32, 32):
            if img[off] not in (0, 0xE5) and img[off + 11] != 0x0F:
                yield off

    folder = next(o for o in entries(root, root_entries) if img[o + 11] & 0x10)
    cluster = struct.unpack_from("<H", img, folder + 26)[0]
    sub = data + (cluster - 2) * spc * bps
    leaked = next(o for o in entries(sub, spc * bps // 32) if img[o + 11] & 0x20 and img[o] != 0x2E)
    return {"fat": fat, "fat_bytes": fat_size * bps, "root": root, "folder": folder, "folder_cluster": cluster,
            "leaked": leaked, "leaked_cluster": struct.unpack_from("<H", img, leaked + 26)[0]}


def _fat12_set(img: bytes, fat: int, cluster: int, value: int) -> bytes:
    b = bytearray(img)
    off = fat + cluster * 3 // 2
    word = struct.unpack_from("<H", b, off)[0]
    word = (word & 0x000F) | (value << 4) if cluster & 1 else (word & 0xF000) | value
    struct.pack_into("<H", b, off, word)
    return bytes(b)


def fat_mutants(img: bytes, rng: random.Random) -> list[Mutant]:
    """A FAT12 image damaged where it matters: boot sector fields, the FAT, the directory entries."""
    n, lay = len(img), _fat_layout(img)
    leaked, folder = lay["leaked"], lay["folder"]
    return [
        Mutant("trunc-half", img[: n // 2], "found"),  # the workbook lies in the first few clusters
        Mutant("trunc-4k", img[:4096]),
        Mutant("flip", _flip(img, [rng.randrange(n) for _ in range(4)], rng)),
        # no longer an image: read as one file, with a warning on the terminal
        Mutant("shuffle", b"".join(img[j:j + n // 4] for j in (n // 4, 0, 3 * n // 4, n // 2)), "any"),
        Mutant("bps-zero", _put(img, 11, "<H", 0)),
        Mutant("spc-zero", _put(img, 13, "<B", 0)),
        Mutant("root-entries-zero", _put(img, 17, "<H", 0)),
        Mutant("total-sectors-huge", _put(_put(img, 19, "<H", 0), 32, "<I", 0x7FFF_FFFF)),
        Mutant("fat-zeroed", img[: lay["fat"]] + bytes(lay["fat_bytes"]) + img[lay["fat"] + lay["fat_bytes"]:]),
        Mutant("chain-loop", _fat12_set(img, lay["fat"], lay["leaked_cluster"], lay["leaked_cluster"]), "found"),
        Mutant("file-size-huge", _put(img, leaked + 28, "<I", 0xFFFF_FFF0)),
        Mutant("file-cluster-past", _put(img, leaked + 26, "<H", 0xFF0)),
        Mutant("file-is-dir", _put(img, leaked + 11, "<B", 0x10)),
        Mutant("file-deleted", _put(img, leaked, "<B", 0xE5), "found"),
        Mutant("folder-cluster-root", _put(img, folder + 26, "<H", 0)),
        Mutant("folder-cluster-self", _fat12_set(img, lay["fat"], lay["folder_cluster"], lay["folder_cluster"]),
               "found"),
        # the folder becomes an empty file: the workbook's entry sits in a cluster no directory reaches,
        # which TSK (and so leakscan) cannot list; finding it would take carving
        Mutant("folder-not-dir", _put(img, folder + 11, "<B", 0x20), "any"),
        Mutant("root-zeroed", img[: lay["root"]] + bytes(512) + img[lay["root"] + 512:]),
    ]


def e01_mutants(ewf: bytes, rng: random.Random) -> list[Mutant]:
    """An E01 damaged in its headers, its chunk data (checksummed) and its chunk table."""
    n = len(ewf)
    table = ewf.find(b"table\x00")
    sectors = ewf.find(b"sectors\x00")
    data_start = sectors + 76 + 100  # past the section descriptor: chunk data
    return [
        Mutant("trunc-half", ewf[: n // 2]),
        Mutant("trunc-4k", ewf[:4096]),
        Mutant("trunc-before-table", ewf[:table]),
        Mutant("hdrflip", _flip(ewf, [rng.randrange(1024) for _ in range(3)], rng)),
        Mutant("data-flip", _flip(ewf, [rng.randrange(data_start, table) for _ in range(6)], rng)),
        Mutant("data-zero-early", ewf[:data_start] + bytes(32768) + ewf[data_start + 32768:]),
        Mutant("table-flip", _flip(ewf, [rng.randrange(table + 76, table + 200) for _ in range(4)], rng)),
    ]
