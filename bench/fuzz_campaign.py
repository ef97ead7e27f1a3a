"""Damage campaign: every format leakscan reads, damaged many ways, each file scanned by the real CLI.

Seeds are generated with fixed seeds (Faker ja_JP person records, the writers in tests/*_data.py; the PST
stores shipped in tests/data/mail; the corpus in ../shared/corpus when present), then damaged by one
``random.Random(--seed)`` per format: truncation at many points, flipped bytes in the header, at the end
(central directories, record tables, 7z headers) and at random, zeroed and duplicated regions, shuffled
chunks, encodings mixed within a CSV, zip/7z/tar structure fields (giant declared sizes, offsets, counts),
recursion (a zip quine, an OLE2 FAT loop, archives nested deeper than --archive-depth) and content damage
inside well-formed workbooks.

Damaged files are scanned in small batches (``nice leakscan scan BATCH -v --parse-timeout T``), and each
file's outcome is classified:

- ``listed``: a hit with records, or a hit/skip whose status says it was not fully read (the file is
  accounted for);
- ``clean``: neither a hit nor listed (judged by hand from ``silent.tsv``: a damaged file whose remaining
  content really is read whole and holds no person can be clean; a cut person workbook cannot);
- ``crash``: the scan exited 2 / printed a traceback / died (the batch is re-scanned one file a scan to
  name the file);
- ``hang``: the scan ran past its limit (same re-scan);
- ``leak``: a person's full name, address or phone number in stderr (the -v log) or in findings.json.

Outputs under --work: ``results.jsonl`` (one line per damaged file), ``matrix.md`` (format x damage ->
outcome counts), ``silent.tsv`` (the clean ones, for judgement). Example:

    nice -n 19 python3 bench/fuzz_campaign.py --work /tmp/fuzz --seed 20261205 --batch 40
"""

from __future__ import annotations

import argparse
import bz2
import collections
import gzip
import io
import json
import lzma
import os
import random
import shutil
import struct
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzz_data import Mutant, generic, sevenz_structure, tar_structure, xlsx_content, zip_structure  # noqa: E402

SEP = " » "
CORPUS = ROOT.parent / "shared" / "corpus"
HEADERS = ["氏名", "フリガナ", "住所", "電話番号", "生年月日"]


# ---------------------------------------------------------------- seeds


def person_rows(n: int, seed: int) -> list[list[object]]:
    """Fictitious people: Faker ja_JP with a fixed seed."""
    from faker import Faker

    from scanner.demo import birth_date

    fake = Faker("ja_JP")  # birth dates counted back from a fixed day: the same seeds on any day (Session 21)
    fake.seed_instance(seed)
    rows: list[list[object]] = [list(HEADERS)]
    for _ in range(n):
        rows.append([fake.name(), fake.kana_name(), fake.address(), fake.phone_number(),
                     birth_date(fake, minimum_age=65, maximum_age=99).isoformat()])
    return rows


def _ole_fat_loop(ole: bytes) -> bytes:
    """An OLE2 file whose FAT sends the directory chain back to itself (a sector pointing at itself)."""
    b = bytearray(ole)
    if len(b) < 1024 or b[:8] != bytes.fromhex("d0cf11e0a1b11ae1"):
        return ole
    shift = struct.unpack_from("<H", b, 30)[0]
    size = 1 << shift
    dir_start = struct.unpack_from("<I", b, 48)[0]
    fat0 = struct.unpack_from("<I", b, 76)[0]
    at = (fat0 + 1) * size + 4 * dir_start
    if at + 4 <= len(b):
        struct.pack_into("<I", b, at, dir_start)
    return bytes(b)


def zip_quine_like(inner: bytes) -> bytes:
    """A zip whose one stored member is the zip's own bytes up to that member (a self-reference), and a
    member that is the whole outer zip again (recursion the depth limit must stop)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("self.zip", inner)
        z.writestr("again/self.zip", inner)
    first = buf.getvalue()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("self.zip", first)
        z.writestr("名簿.zip", inner)
    return buf.getvalue()


def _cpio_newc(members: dict[str, bytes]) -> bytes:
    out = b""
    ino = 1
    for name, data in [*members.items(), ("TRAILER!!!", b"")]:
        raw = name.encode() + b"\x00"
        hdr = b"070701" + b"".join(b"%08X" % v for v in (ino, 0o100644, 0, 0, 1, 1488363630, len(data), 0, 0, 0, 0,
                                                        len(raw), 0))
        out += hdr + raw
        out += b"\x00" * (-len(out) % 4) + data + b"\x00" * (-len(data) % 4)
        ino += 1
    return out


def seeds(work: Path, seed: int) -> dict[str, tuple[str, bytes]]:
    """{format: (extension, bytes)}: every format the scan reads, each holding people (PST apart)."""
    from tests.archive_data import seven_zip, zip_bytes, zip_raw_names, zip_tool_encrypted
    from tests.mail_data import mbox, message, msg_file
    from tests.pii_data import csv_bytes, encrypted_xlsx, ods_bytes, xls_bytes, xlsx_bytes
    from tests.table_damage import html_table, spreadsheetml
    from tests.test_caches import pivot_book
    from tests.test_embedded import SLIDES, WORD, package

    rows = person_rows(40, seed)
    few = person_rows(12, seed + 1)
    xlsx = xlsx_bytes({"名簿": rows})
    csv = csv_bytes(rows, "cp932")
    out: dict[str, tuple[str, bytes]] = {
        "xlsx": (".xlsx", xlsx),
        "xlsm": (".xlsm", xlsx),
        "xls-biff8": (".xls", xls_bytes({"名簿": rows})),
        "xls-html": (".xls", html_table(rows)),
        "xls-ssml": (".xls", spreadsheetml({"名簿": rows})),
        "ods": (".ods", ods_bytes({"名簿": rows})),
        "csv-utf8": (".csv", csv_bytes(rows, "utf-8")),
        "csv-utf8bom": (".csv", csv_bytes(rows, "utf-8-sig")),
        "tsv-utf16": (".txt", csv_bytes(rows, "utf-16le-bom", "\t")),
        "csv-cp932": (".csv", csv),
        "csv-eucjp": (".csv", csv_bytes(rows, "euc_jp")),
        "csv-iso2022jp": (".csv", csv_bytes(rows, "iso2022_jp")),
        "csv-mixed": (".csv", csv_bytes(rows[:20], "cp932") + csv_bytes(rows[20:], "utf-8")),
        "zip": (".zip", zip_bytes({"名簿/利用者名簿.xlsx": xlsx, "名簿/利用者.csv": csv})),
        "zip-cp932": (".zip", zip_raw_names([("利用者名簿.xlsx".encode("cp932"), xlsx),
                                             ("利用者.csv".encode("cp932"), csv)])),
        "zip-encrypted": (".zip", zip_tool_encrypted(work, {"meibo.csv": csv}, "pw", {"plain.csv": csv})),
        "7z": (".7z", seven_zip({"利用者名簿.xlsx": xlsx, "利用者.csv": csv})),
        "gz": (".csv.gz", gzip.compress(csv, mtime=0)),
        "bz2": (".csv.bz2", bz2.compress(csv)),
        "xz": (".csv.xz", lzma.compress(csv)),
        "tar": (".tar", _tar({"名簿/利用者名簿.xlsx": xlsx, "名簿/利用者.csv": csv})),
        "tar.gz": (".tar.gz", gzip.compress(_tar({"a/利用者名簿.xlsx": xlsx, "a/利用者.csv": csv}), mtime=0)),
        "cpio": (".cpio", _cpio_newc({"meibo/riyousha.csv": csv, "meibo/riyousha.xlsx": xlsx})),
        "eml": (".eml", message([("利用者名簿.xlsx", xlsx, "rfc2231-utf8"), ("利用者.csv", csv, "rfc2231-utf8")])),
        "mbox": (".mbox", mbox([message([("利用者.csv", csv, "rfc2231-utf8")]),
                                message([("利用者名簿.xlsx", xlsx, "rfc2231-utf8")], subject="再送")])),
        "msg": (".msg", msg_file(work, "名簿送付", [("利用者名簿.xlsx", xlsx), ("利用者.csv", csv)])),
        "docx-embed": (".docx", package(WORD, {"Microsoft_Excel_Worksheet.xlsx": xlsx})),
        "pptx-embed": (".pptx", package(SLIDES, {"Microsoft_Excel_Worksheet1.xlsx": xlsx})),
        "doc-ole": (".doc", _ole_package(xlsx)),
        "xlsx-encrypted": (".xlsx", encrypted_xlsx(xlsx)),
        "pivot-cache": (".xlsx", pivot_book({"集計": [["区分", "人数"], ["要支援1", 3]]}, few)),
    }
    try:
        out["zip64"] = (".zip", _zip64({"名簿.xlsx": xlsx, "利用者.csv": csv}))
    except Exception as e:  # noqa: BLE001 - a missing writer leaves the format out, said on stderr
        print(f"zip64 seed not made: {e}", file=sys.stderr)
    try:
        out["xlsb"] = (".xlsb", _xlsb(rows))
    except Exception as e:  # noqa: BLE001
        print(f"xlsb seed not made: {e}", file=sys.stderr)
    for pst in sorted((ROOT / "tests" / "data" / "mail").glob("*.pst.gz")):
        out[f"pst-{pst.name.split('__')[0]}"] = (".pst", gzip.decompress(pst.read_bytes()))
    out.update(_images(work, xlsx))
    try:
        out.update(session9_seeds(work, seed))
    except Exception as e:  # noqa: BLE001 - a missing writer leaves the formats out, said on stderr
        print(f"session 9 seeds not made: {type(e).__name__}: {e}", file=sys.stderr)
    return out


def session9_seeds(work: Path, seed: int) -> dict[str, tuple[str, bytes]]:
    """Formats added in session 8 and never fuzzed: vCards, mail bodies (plain/HTML tables, uuencode), a
    winmail.dat, RTF and .msg bodies, BIFF2-5, Excel MHTML, a browser's MHTML, CSVs with mixed encodings."""
    import base64
    import binascii
    import quopri
    from email import policy
    from email.header import Header
    from email.message import Message
    from email.mime.nonmultipart import MIMENonMultipart
    from email.mime.text import MIMEText

    import compressed_rtf

    from tests import person_tables_data as T
    from tests.mail_data import msg_file, tnef, with_tnef
    from tests.pii_data import csv_bytes, xlsx_bytes
    from tests.table_damage import html_table, mhtml
    from tests.test_old_excel import biff5_book, worksheet
    from tests.test_vcard import feature_phone, iphone

    rows = person_rows(40, seed)
    text_rows = [[str(c) for c in r] for r in rows]
    tsv = "お世話になっております。\n名簿を貼ります。\n\n" + "\n".join("\t".join(r) for r in text_rows) + "\n\n以上\n"
    html = ('<html><head><meta charset="utf-8"></head><body><div>名簿です</div><table border="1">'
            + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in text_rows)
            + "</table></body></html>")

    def mail(part: Message) -> bytes:
        part["From"] = "insider@example.jp"
        part["To"] = "outside@example.com"
        part["Subject"] = Header("顧客リストです", "utf-8").encode()
        part["Date"] = "Tue, 03 Nov 2026 09:12:00 +0900"
        return part.as_bytes(policy=policy.SMTP)

    def based(text: str, subtype: str, charset: str) -> Message:
        part = MIMENonMultipart("text", subtype, charset=charset)
        part.set_payload(base64.b64encode(text.encode(charset)).decode("ascii"))
        part["Content-Transfer-Encoding"] = "base64"
        return part

    def rtf() -> bytes:
        def esc(v: str) -> str:
            return v if v.isascii() else "".join(f"\\'{b:02x}" for b in v.encode("cp932"))
        body = "".join(r"\trowd\cellx1000\cellx2000 \intbl " + "".join(esc(c) + r"\cell " for c in r) + r"\row" + "\r\n"
                       for r in text_rows)
        return (r"{\rtf1\ansi\ansicpg932\deff0{\fonttbl{\f0\fnil\fcharset128 MS PGothic;}}\f0 " + "\r\n" + r"\par "
                + body + "}").encode("ascii")

    xlsx = xlsx_bytes({"名簿": rows})
    uu = "".join(binascii.b2a_uu(xlsx[i:i + 45]).decode("ascii") for i in range(0, len(xlsx), 45))
    people = T.ja_people(40, seed)
    utf16 = csv_bytes(rows, "utf-8").decode("utf-8").encode("utf-16-le")
    half = len(rows) // 2
    cp932_in_utf8 = b"".join(csv_bytes([r], "cp932" if i % 7 == 3 else "utf-8") for i, r in enumerate(rows))
    page = html_table(rows, encoding="utf-8")
    browser = ("From: <Saved by Blink>\r\nSnapshot-Content-Location: https://intra.example.jp/meibo\r\n"
               "Subject: =?utf-8?Q?=E5=90=8D=E7=B0=BF?=\r\nDate: Tue, 3 Nov 2026 09:12:00 +0900\r\n"
               "MIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n"
               "\tboundary=\"----MultipartBoundary--Q2xpZW50TGlzdA----\"\r\n\r\n\r\n"
               "------MultipartBoundary--Q2xpZW50TGlzdA----\r\nContent-Type: text/html\r\nContent-ID: <frame-1@mhtml.blink>\r\n"
               "Content-Transfer-Encoding: quoted-printable\r\nContent-Location: https://intra.example.jp/meibo\r\n\r\n"
               ).encode("ascii") + quopri.encodestring(("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head>"
                                                         + html.split("<body>", 1)[1]).encode("utf-8")).replace(b"\n", b"\r\n") \
        + b"\r\n------MultipartBoundary--Q2xpZW50TGlzdA------\r\n"
    return {
        "vcf-21-sjis-qp": (".vcf", feature_phone(people)),
        "vcf-30-utf8": (".vcf", iphone(people)),
        "body-plain-jis": (".eml", mail(MIMEText(tsv, "plain", "iso-2022-jp"))),
        "body-html": (".eml", mail(based(html, "html", "utf-8"))),
        "body-uuencode": (".eml", mail(MIMEText(f"添付します。\n\nbegin 644 meibo.xlsx\n{uu}`\nend\n", "plain", "utf-8"))),
        "winmail": (".eml", with_tnef(tnef([("利用者名簿.xlsx", xlsx)], body=tsv.encode("cp932")))),
        "winmail-dat": (".dat", tnef([("利用者名簿.xlsx", xlsx)], body=tsv.encode("cp932"))),
        "msg-body": (".msg", msg_file(work, "名簿", [], bodies={
            "__substg1.0_1000001F": tsv.replace("\n", "\r\n").encode("utf-16-le"),
            "__substg1.0_10130102": html.replace('charset="utf-8"', 'charset="shift_jis"').encode("cp932")})),
        "msg-rtf": (".msg", msg_file(work, "名簿", [], bodies={"__substg1.0_10090102": compressed_rtf.compress(rtf())})),
        "biff2": (".xls", worksheet(rows, 2)),
        "biff3": (".xls", worksheet(rows, 3)),
        "biff4": (".xls", worksheet(rows, 4)),
        "biff5": (".xls", biff5_book({"名簿": rows}, 932)),
        "mhtml-excel": (".mht", mhtml(html_table(rows))),
        "mhtml-browser": (".mhtml", browser),
        "html-late-table": (".xls", page.replace(b"<style>", b"<style>" + b"/* x */ .c { color: red; }\r\n" * 200, 1)),
        "csv-cp932-in-utf8": (".csv", cp932_in_utf8),
        "csv-bom-cp932": (".csv", b"\xef\xbb\xbf" + csv_bytes(rows, "cp932")),
        "csv-utf16-nobom": (".csv", utf16),
        "csv-half-cp932-half-utf8": (".csv", csv_bytes(rows[:half], "utf-8") + csv_bytes(rows[half:], "cp932")),
    }


def _tar(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 1488363630
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _zip64(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        for name, data in members.items():
            with z.open(zipfile.ZipInfo(name, date_time=(2017, 3, 1, 10, 20, 30)), "w", force_zip64=True) as f:
                f.write(data)
    return buf.getvalue()


def _xlsb(rows: list[list[object]]) -> bytes:
    from tests.pii_data import xlsb_bytes

    return xlsb_bytes({"名簿": [[str(v) for v in r] for r in rows]})


def _ole_package(xlsx: bytes) -> bytes:
    """A compound file holding a workbook as an OLE 1.0 Package stream (a legacy .doc's embedded object)."""
    from tests.test_embedded import native, ole_with_stream

    return ole_with_stream("\x01Ole10Native", native("利用者名簿.xlsx", xlsx))


def _images(work: Path, xlsx: bytes) -> dict[str, tuple[str, bytes]]:
    from tests.image_data import e01, ext_image, fat_image, ntfs_image, qemu_convert, vhd_fixed, write_tree

    made: dict[str, tuple[str, bytes]] = {}
    files = {"/Documents/利用者名簿.xlsx": xlsx}
    steps: list[tuple[str, str, Callable[[], Path]]] = [
        ("img-fat", ".img", lambda: fat_image(work / "fat.img", files, size_mib=1, bits=12, mtime=1488363630)),
        ("img-ext4", ".img", lambda: ext_image(work / "ext.img", write_tree(work / "exttree", files), size_mib=4)),
        ("img-ntfs", ".img", lambda: ntfs_image(work / "ntfs.img", {"/利用者名簿.xlsx": xlsx}, size_mib=2)),
        ("img-e01", ".E01", lambda: e01(work / "fat.img", work / "fatE")),
        ("img-vhd", ".vhd", lambda: vhd_fixed(work / "fat.img", work / "fat.vhd")),
        ("img-vhdx", ".vhdx", lambda: qemu_convert(work / "fat.img", work / "fat.vhdx", "vhdx")),
        ("img-qcow2", ".qcow2", lambda: qemu_convert(work / "fat.img", work / "fat.qcow2", "qcow2")),
    ]
    for name, ext, step in steps:
        try:
            made[name] = (ext, step().read_bytes())
        except Exception as e:  # noqa: BLE001 - a missing tool leaves the format out, said on stderr
            print(f"{name} seed not made: {type(e).__name__}: {str(e)[:200]}", file=sys.stderr)
    return made


def corpus_seeds() -> dict[str, tuple[str, bytes]]:
    """Files other projects made (../shared/corpus): spreadsheets and small images."""
    out: dict[str, tuple[str, bytes]] = {}
    if not CORPUS.is_dir():
        return out
    for p in sorted((CORPUS / "spreadsheets").rglob("*")):
        if p.is_file() and p.stat().st_size < 2 << 20:
            out[f"corpus-{p.stem[:40]}"] = (p.suffix.lower(), p.read_bytes())
    for p in sorted((CORPUS / "images").iterdir()):
        if p.is_file() and p.stat().st_size < 4 << 20 and not p.name.endswith((".gz", ".tgz")):
            out[f"corpus-{p.stem[:40]}"] = (p.suffix or ".img", p.read_bytes())
    return out


# ---------------------------------------------------------------- damage


def _flip(data: bytes, offsets: list[int], rng: random.Random) -> bytes:
    b = bytearray(data)
    for off in offsets:
        b[off] ^= 1 + rng.randrange(255)
    return bytes(b)


def extra_damage(data: bytes, rng: random.Random, cuts: int) -> Iterator[Mutant]:
    """Beyond tests.fuzz_data.generic: more cut points, flips in the tail (central directories, 7z headers,
    OLE directories), bigger zeroed regions and duplicated regions."""
    n = len(data)
    if n < 16:
        return
    for _ in range(cuts):
        cut = rng.randrange(1, n)
        yield Mutant(f"cut@{cut}", data[:cut])
    tail = max(0, n - 2048)
    for i in range(4):
        yield Mutant(f"tailflip{i}", _flip(data, [rng.randrange(tail, n) for _ in range(1 + i)], rng))
    for i in range(2):
        at = rng.randrange(n)
        yield Mutant(f"zerobig{i}", data[:at] + bytes(min(n - at, n // 3)) + data[at + n // 3:])
    at = rng.randrange(n)
    yield Mutant("dupmid", data[:at] + data[at:at + 8192] * 3 + data[at:])


def csv_mix(data: bytes, rng: random.Random) -> Iterator[Mutant]:
    """Encodings mixed within one CSV: halves in other encodings, a row re-encoded inside the text."""
    bom = 3 if data[:3] == b"\xef\xbb\xbf" else 0  # a UTF-8 BOM before cp932 lines (Excel's "CSV UTF-8" edited)
    for enc in ("cp932", "utf-8", "euc_jp", "utf-16-le"):
        try:
            text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data[bom:].decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data[bom:].decode("cp932")
            except UnicodeDecodeError:
                text = data[bom:].decode("euc_jp", "replace")
        lines = text.splitlines(keepends=True)
        k = rng.randrange(1, max(2, len(lines)))
        # Session 9 (mixenc9): the head was measured without the BOM and cp932 after a BOM read as EUC-JP with
        # replacements, so the "UTF-8 tail" was U+FFFD, not the rows re-encoded
        yield Mutant(f"mix-tail-{enc}", data[: bom + len("".join(lines[:k]).encode(_guess(data[bom:]), "replace"))]
                     + "".join(lines[k:]).encode(enc, "replace"))
    mid = rng.randrange(len(data))
    yield Mutant("mix-row-utf8-in-middle", data[:mid] + "山田 太郎,東京都千代田区1-1\r\n".encode() + data[mid:])
    yield Mutant("nul-every-other", bytes(b for c in data[:4000] for b in (c, 0)) + data[4000:])


def _guess(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp932"


def recursive(fmt: str, data: bytes) -> Iterator[Mutant]:
    if fmt.startswith("zip") or fmt in ("xlsx", "docx-embed"):
        yield Mutant("zip-quine", zip_quine_like(data))
        nest = data
        for level in range(12):
            b = io.BytesIO()
            with zipfile.ZipFile(b, "w", zipfile.ZIP_STORED) as z:
                z.writestr(f"l{level}.zip", nest)
            nest = b.getvalue()
        yield Mutant("nested12", nest)
    if data[:8] == bytes.fromhex("d0cf11e0a1b11ae1"):
        yield Mutant("ole-fat-loop", _ole_fat_loop(data))
        b = bytearray(data)
        struct.pack_into("<I", b, 44, 0x7FFFFFFF)  # FAT sector count
        yield Mutant("ole-fat-count-huge", bytes(b))
        b = bytearray(data)
        struct.pack_into("<I", b, 48, 0xFFFFFFFA)  # directory start: a special value
        yield Mutant("ole-dir-special", bytes(b))
    if fmt in ("gz", "tar.gz"):
        b = bytearray(data)
        b[-4:] = b"\xff\xff\xff\x7f"  # ISIZE: 2 GiB declared
        yield Mutant("gz-isize-huge", bytes(b))
        yield Mutant("gz-concat", data + data)
        yield Mutant("gz-bomb", gzip.compress(bytes(64 << 20), compresslevel=9, mtime=0))
    if fmt == "csv-cp932":
        yield Mutant("csv-one-huge-field", b'"' + b"A" * (40 << 20))


def mutants(fmt: str, data: bytes, rng: random.Random, cuts: int) -> list[Mutant]:
    if len(data) < 64:
        return []
    made = list(generic(data, rng, header=512, flips=4, randoms=6))
    made += list(extra_damage(data, rng, cuts))
    made += list(recursive(fmt, data))
    if data[:4] == b"PK\x03\x04" and fmt != "xlsx-encrypted":
        try:
            made += [m for m in zip_structure(data, rng) if rng.random() < 0.5]
        except (struct.error, ValueError, IndexError):
            pass
    if fmt in ("xlsx", "pivot-cache"):
        made += list(xlsx_content(data, rng)) if fmt == "xlsx" else []
    if fmt.startswith(("csv", "tsv")):
        made += list(csv_mix(data, rng))
    if fmt == "7z":
        made += list(sevenz_structure(data, rng))
    if fmt == "tar.gz":
        made += list(tar_structure(data))
    return made


# ---------------------------------------------------------------- scanning and classifying


def secrets_of(seed: int) -> list[str]:
    """Clear values that must never reach stderr/log or findings.json: full names, addresses, phones."""
    values: list[str] = []
    for rows in (person_rows(40, seed), person_rows(12, seed + 1)):
        for r in rows[1:]:
            name, _, address, phone = (str(v) for v in r[:4])
            values += [name, name.replace(" ", ""), address, phone]
    from tests import person_tables_data as T

    for p in T.ja_people(40, seed):
        values += [p.name, p.name_unspaced, p.phone, f"{p.prefecture}{p.city}{p.town}{p.block}"]
    return [v for v in values if len(v) >= 4]


def run_scan(folder: Path, out: Path, parse_timeout: float, limit: float) -> dict:
    cmd = ["nice", "-n", os.environ.get("LEAKSCAN_BENCH_NICE", "19"), sys.executable, str(ROOT / "scan.py"), "-v", "scan", str(folder), "--out", str(out),
           "--parse-timeout", str(parse_timeout), "--workers", "1", "--archive-depth", "4"]
    shutil.rmtree(out, ignore_errors=True)
    started = time.monotonic()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=limit, cwd=ROOT, errors="replace")
    except subprocess.TimeoutExpired as e:
        err = e.stderr.decode("utf-8", "replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        return {"rc": None, "stderr": err, "seconds": time.monotonic() - started, "findings": None}
    findings = None
    if (out / "findings.json").is_file():
        findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return {"rc": done.returncode, "stderr": done.stderr, "seconds": time.monotonic() - started, "findings": findings}


def crashed(scan: dict) -> bool:
    """Exit 2, no findings, or a traceback printed (a handled error's traceback in a -v DEBUG line is one
    escaped line, not a crash)."""
    return (scan["rc"] not in (0, 1) or scan["findings"] is None
            or any(line.startswith("Traceback") for line in scan["stderr"].splitlines()))


def classify(path: str, scan: dict, secrets: list[str]) -> tuple[str, dict]:
    """One damaged file's outcome in one scan."""
    leaked = [s for s in secrets if s in scan["stderr"]]
    if scan["findings"] is not None and not leaked:
        text = json.dumps(scan["findings"], ensure_ascii=False)
        leaked = [s for s in secrets if s in text]
    if scan["rc"] is None:
        return "hang", {}
    if crashed(scan):
        return "crash", {"rc": scan["rc"]}
    if leaked:
        return "leak", {"values": len(leaked)}
    f = scan["findings"]
    hits = [h for h in f.get("files", []) if h["path"] == path or h["path"].startswith(path + SEP)]
    skips = [s for s in f.get("skipped", []) if s["path"] == path or s["path"].startswith(path + SEP)]
    records = sum((h.get("pii") or {}).get("records", 0) for h in hits)
    info = {"records": records, "skips": sorted({s["reason"] for s in skips})[:4],
            "status": sorted({h.get("status", "ok") for h in hits})}
    if skips or any(h.get("status", "ok") != "ok" for h in hits):
        return "listed", info
    if records:
        return "hit-ok", info
    if hits:
        return "hit-no-records", info
    return "clean", info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=20261205)
    ap.add_argument("--batch", type=int, default=40)
    ap.add_argument("--cuts", type=int, default=8, help="random cut points per seed, beyond the fixed ones")
    ap.add_argument("--parse-timeout", type=float, default=3)
    ap.add_argument("--formats", default="", help="comma-separated subset of formats (default: all)")
    ap.add_argument("--no-corpus", action="store_true")
    ap.add_argument("--matrix-only", action="store_true", help="only write matrix.md/silent.tsv from results.jsonl")
    args = ap.parse_args(argv)
    work: Path = args.work
    if args.matrix_only:
        write_matrix(work, 0)
        return 0
    work.mkdir(parents=True, exist_ok=True)
    gen = work / "gen"
    gen.mkdir(exist_ok=True)
    started = time.monotonic()
    all_seeds = seeds(gen, args.seed)
    if not args.no_corpus:
        all_seeds.update(corpus_seeds())
    if args.formats:
        keep = set(args.formats.split(","))
        all_seeds = {k: v for k, v in all_seeds.items() if k in keep or k.split("-")[0] in keep}
    secrets = secrets_of(args.seed)
    files: list[tuple[str, str, str, Path]] = []  # (format, damage, expected-ext, path)
    batches = work / "batches"
    for fmt, (ext, data) in sorted(all_seeds.items()):
        rng = random.Random(f"{args.seed}:{fmt}")
        for i, m in enumerate([Mutant("seed", data), *mutants(fmt, data, rng, args.cuts)]):
            files.append((fmt, m.name, ext, Path()))
            files[-1] = (fmt, m.name, ext, _place(batches, len(files) - 1, args.batch, fmt, i, ext, m.data))
    print(f"{len(all_seeds)} seeds, {len(files)} files, made in {time.monotonic() - started:.0f} s", flush=True)
    scan_all(files, work, args, secrets, started)
    return 0


def scan_all(files: list[tuple[str, str, str, Path]], work: Path, args: argparse.Namespace, secrets: list[str],
             started: float) -> None:
    """Every placed file scanned in its batch (those already in results.jsonl skipped: a run resumes), then the
    matrix written."""
    results = work / "results.jsonl"
    done_ids = set()
    if results.exists():
        done_ids = {json.loads(line)["id"] for line in results.read_text().splitlines()}
    with results.open("a", encoding="utf-8") as log:
        for b in range(0, len(files), args.batch):
            ids = [i for i in range(b, min(b + args.batch, len(files))) if i not in done_ids]
            if not ids:
                continue
            _scan_batch(files, ids, work, args, secrets, log)
            print(f"{min(b + args.batch, len(files))}/{len(files)} files, {time.monotonic() - started:.0f} s",
                  flush=True)
    write_matrix(work, time.monotonic() - started)


def _place(batches: Path, index: int, batch: int, fmt: str, i: int, ext: str, data: bytes) -> Path:
    folder = batches / f"b{index // batch:04d}"
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / f"{fmt}-{i:03d}{ext}"
    p.write_bytes(data)
    return p


def _scan_batch(files: list[tuple[str, str, str, Path]], ids: list[int], work: Path, args: argparse.Namespace,
                secrets: list[str], log: io.TextIOBase) -> None:
    folder = files[ids[0]][3].parent
    limit = 60 + 6 * args.parse_timeout * len(ids)
    scan = run_scan(folder, work / "out" / folder.name, args.parse_timeout, limit)
    one_by_one = scan["rc"] is None or crashed(scan)
    if one_by_one:
        (work / "out" / f"{folder.name}.stderr").write_text(scan["stderr"], encoding="utf-8")
    for i in ids:
        fmt, damage, _, path = files[i]
        this = scan
        if one_by_one:  # name the file that crashed or hung the batch: scan it alone
            alone = work / "alone" / f"{i:05d}"
            alone.mkdir(parents=True, exist_ok=True)
            target = alone / path.name
            if not target.exists():
                os.link(path, target)
            this = run_scan(alone, work / "out-alone" / f"{i:05d}", args.parse_timeout, 60 + 6 * args.parse_timeout)
            where = str(target)
        else:
            where = str(path)
        outcome, info = classify(where, this, secrets)
        row = {"id": i, "format": fmt, "damage": damage, "path": str(path), "outcome": outcome, **info,
               "seconds": round(this["seconds"], 1)}
        if outcome in ("crash", "hang"):
            row["stderr_tail"] = this["stderr"][-800:]
        log.write(json.dumps(row, ensure_ascii=False) + "\n")
        log.flush()


def damage_kind(name: str) -> str:
    for prefix, kind in (("trunc", "truncate"), ("cut@", "truncate"), ("hdrflip", "flip-header"),
                         ("tailflip", "flip-tail"), ("flip", "flip-random"), ("zero", "zero"), ("dup", "duplicate"),
                         ("shuffle", "shuffle"), ("mix", "mix-encodings"), ("nul-", "mix-encodings"),
                         ("zip-quine", "recursive"), ("nested", "recursive"), ("ole-", "recursive"),
                         ("zip-", "zip-structure"), ("7z-", "7z-structure"), ("tar-", "tar-structure"),
                         ("gz-", "giant-size"), ("content-", "content"), ("csv-", "giant-size"), ("seed", "seed")):
        if name.startswith(prefix):
            return kind
    return "other"


def write_matrix(work: Path, seconds: float) -> None:
    """matrix.md (format x outcome, damage kind x outcome) and silent.tsv. A file neither hit nor listed is
    ``silent`` when its seed held person records (to be judged: really nothing left, or missed) and
    ``clean`` when the seed held none (a damaged file of a clean seed may well be clean)."""
    rows = {}
    for line in (work / "results.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        rows[r["id"]] = r  # a file scanned again (a rerun) counts once, with its last outcome
    seed_records = {r["format"]: r.get("records", 0) for r in rows.values() if r["damage"] == "seed"}
    for r in rows.values():
        if r["damage"] == "trunc0" and r["outcome"] == "clean":
            r["outcome"] = "empty"  # nothing left at all: a 0-byte file holds no one
        elif r["outcome"] in ("clean", "hit-no-records") and seed_records.get(r["format"], 0):
            r["outcome"] = "silent" if r["outcome"] == "clean" else "silent-hit"
        elif r["outcome"] == "hit-ok" and r["damage"] != "seed" and r.get("records", 0) < seed_records.get(r["format"], 0):
            r["outcome"] = "fewer-ok"  # 'ok' with fewer records than the seed: a silent partial, to be judged
    outcomes = ["listed", "hit-ok", "fewer-ok", "hit-no-records", "empty", "clean", "silent", "silent-hit", "crash",
                "hang", "leak"]
    by_fmt: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    by_kind: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for r in rows.values():
        by_fmt[r["format"]][r["outcome"]] += 1
        by_kind[damage_kind(r["damage"])][r["outcome"]] += 1
    lines = [f"{len(rows)} files" + (f", {seconds:.0f} s wall" if seconds else ""), "",
             "| format | " + " | ".join(outcomes) + " |", "|---|" + "---|" * len(outcomes)]
    for fmt, c in sorted(by_fmt.items()):
        lines.append(f"| {fmt} | " + " | ".join(str(c.get(o, 0)) for o in outcomes) + " |")
    lines += ["", "| damage | " + " | ".join(outcomes) + " |", "|---|" + "---|" * len(outcomes)]
    for kind, c in sorted(by_kind.items()):
        lines.append(f"| {kind} | " + " | ".join(str(c.get(o, 0)) for o in outcomes) + " |")
    (work / "matrix.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (work / "silent.tsv").open("w", encoding="utf-8") as f:
        for r in rows.values():
            if r["outcome"] in ("silent", "silent-hit", "fewer-ok", "crash", "hang", "leak"):
                f.write(f"{r['outcome']}\t{r['format']}\t{r['damage']}\t{r.get('records', 0)}\t{r['path']}\n")
    print("\n".join(lines))


if __name__ == "__main__":
    raise SystemExit(main())
