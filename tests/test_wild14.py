"""Files other projects wrote (mikel/mail, libarchive, R haven/readxl/readODS, docx4j, python-docx, MSGReader,
msg-extractor, openpreserve format-corpus, py-pdf sample-files), scanned whole (Session 14, wild14): what ended
unread or was misread, each with its fix."""

from __future__ import annotations

import base64
import csv
import io
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.test_wild13 import _scan  # findings.json of a CLI scan over a share of files, no traceback

sys.path.insert(0, str(ROOT / "bench"))
from fuzz_campaign import person_rows  # noqa: E402

ROWS = person_rows(40, 20261214)


def _csv_bytes() -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(ROWS)
    return text.getvalue().encode("utf-8-sig")


def _unquoted_boundary_mail(boundary: str, subtype: str = "mixed") -> bytes:
    """A message whose multipart boundary is written without quotes although it holds '=' (Outlook Express's
    ``----=_NextPart_...``; mikel/mail spec/fixtures raw_email_with_illegal_boundary.eml,
    raw_email_bad_time.eml): every mail program takes the whole token; Python's default email policy stops the
    boundary at the '='."""
    att = base64.encodebytes(_csv_bytes()).decode("ascii")
    return (f"From: a@example.jp\r\nTo: b@example.jp\r\nSubject: list\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: multipart/{subtype};\r\n\tboundary={boundary}\r\n\r\n"
            f"This is a multi-part message in MIME format.\r\n\r\n"
            f"--{boundary}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nsee the list\r\n\r\n"
            f"--{boundary}\r\nContent-Type: text/csv; name=list.csv\r\nContent-Transfer-Encoding: base64\r\n"
            f"Content-Disposition: attachment; filename=list.csv\r\n\r\n{att}\r\n"
            f"--{boundary}--\r\n").encode("ascii")


def test_unquoted_boundary_with_equals_sign_is_read_not_corrupt(tmp_path: Path) -> None:
    """wild14: such a message was listed corrupt "RecursionError" (the repair of a damaged multipart read it
    again with the same cut boundary, for ever) and its attachment was never examined: 40 people unread."""
    mail = _unquoted_boundary_mail("----=_NextPart_000_0093_01C81419.EB75E850")
    alt = _unquoted_boundary_mail("----=_Part_13069834_15179892.1376435426074", "related")
    findings = _scan(tmp_path, {"oe.eml": mail, "related.eml": alt,
                                "box.mbox": b"From a@example.jp Sat Jan  1 00:00:00 2000\r\n" + mail})
    assert not findings["skipped"], findings["skipped"]
    got = sorted((Path(f["path"]).name, f["pii"]["records"]) for f in findings["files"] if f.get("pii"))
    assert [n for _, n in got] == [len(ROWS) - 1] * 3, got


def _tar_of(files: dict[str, bytes]) -> bytes:
    import tarfile

    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT) as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 1_700_000_000, 0o644
            tf.addfile(info, io.BytesIO(data))
    return out.getvalue()


def test_tar_in_concatenated_compressed_streams_is_read_whole(tmp_path: Path) -> None:
    """wild14 (libarchive test_compat_bzip2_1.tbz, test_compat_gzip_1.tgz, test_compat_xz_1.txz): a tar
    compressed as several streams one after another (pbzip2 and lbzip2 write one bzip2 stream per block, pigz
    --independent / ``cat a.gz b.gz``, xz of parts) is one tar to GNU tar, bunzip2 and libarchive; leakscan read
    the first stream's members only and listed it corrupt ("unreadable after 1 members"): the list after it was
    never examined."""
    import bz2
    import gzip
    import lzma

    tar = _tar_of({"readme.txt": b"see the list\n" * 50, "list.csv": _csv_bytes()})
    cut = 1024  # inside the list's data: the second stream begins mid-member, as pbzip2's blocks do
    files = {"gz.tar.gz": gzip.compress(tar[:cut], mtime=0) + gzip.compress(tar[cut:], mtime=0),
             "bz.tar.bz2": bz2.compress(tar[:cut]) + bz2.compress(tar[cut:]),
             "xz.tar.xz": lzma.compress(tar[:cut]) + lzma.compress(tar[cut:])}
    findings = _scan(tmp_path, files)
    assert not findings["skipped"], [(s["path"], s["detail"]) for s in findings["skipped"]]
    got = sorted((f["path"].split("/")[-1], f["pii"]["records"]) for f in findings["files"] if f.get("pii"))
    assert [n for _, n in got] == [len(ROWS) - 1] * 3, got


def test_zstd_and_lz4_by_their_other_frame_magics_are_listed(tmp_path: Path) -> None:
    """wild14 (libarchive test_compat_zstd_2.tar.zst, test_compat_lz4_skippable_frames_B4.tar.lz4,
    test_compat_lz4_3.tar.lz4): a Zstandard or LZ4 file that begins with a skippable frame (0x184D2A5?: zstd
    --patch-from dictionaries, pzstd, lz4 with metadata) or an LZ4 legacy frame (``lz4 -l``, the Linux kernel's
    and old lz4 tools' format) ended as nothing, while a .zst or .lz4 with the plain frame magic is listed
    unsupported (no reader)."""
    import struct

    skippable = struct.pack("<II", 0x184D2A5E, 8) + b"\x00" * 8
    zstd = b"\x28\xb5\x2f\xfd\x04\x58" + bytes(range(40))
    files = {"a.tar.zst": skippable + zstd,
             "b.tar.lz4": struct.pack("<II", 0x184D2A50, 4) + b"meta" + b"\x04\x22\x4d\x18\x64\x40\xa7" + bytes(40),
             "c.tar.lz4": struct.pack("<II", 0x184C2102, 60) + bytes(range(60)),
             "backup.bin": struct.pack("<II", 0x184C2102, 60) + bytes(range(60))}
    findings = _scan(tmp_path, files)
    listed = {s["path"].split("/")[-1]: s["reason"] for s in findings["skipped"]}
    # Session 15: skippable frames then a Zstandard frame are read as Zstandard (this frame's bytes are noise: corrupt);
    # Session 26 (images26): the legacy LZ4 frame is read (python-lz4): these, whose first block length no block can
    # have, are damaged LZ4 (corrupt), no longer an unknown format
    assert listed == {**dict.fromkeys(files, "unsupported"), "a.tar.zst": "corrupt", "c.tar.lz4": "corrupt",
                      "backup.bin": "corrupt"}, findings["skipped"]


SAS7BDAT_MAGIC = bytes(12) + bytes.fromhex("c2ea8160b31411cfbd92080009c7318c181f1011")


def test_statistics_data_files_are_listed_not_passed(tmp_path: Path) -> None:
    """wild14 (R haven tests/testthat spss/*.sav, stata/*.dta, sas/*.sas7bdat): survey and register microdata
    saved by SPSS, Stata or SAS (a respondent or patient per row) is a table of persons every statistics program
    reads; they ended as nothing. No reader here takes them yet: listed unsupported by format. A .sav that is
    not SPSS's (a game's save) is not listed."""
    files = {"survey.sav": b"$FL2@(#) IBM SPSS STATISTICS 64-bit MS Windows 25.0.0.0" + bytes(200),
             "survey.zsav": b"$FL3@(#) IBM SPSS STATISTICS 64-bit MS Windows 25.0.0.0" + bytes(200),
             "panel.dta": b"<stata_dta><header><release>118</release><byteorder>LSF</byteorder>" + bytes(200),
             "old.dta": bytes.fromhex("73020100010001000000") + bytes(200),
             "patients.sas7bdat": SAS7BDAT_MAGIC + bytes(300),
             "export.xpt": b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!000000000000000000000000000000  "
                           + bytes(200),
             "slot1.sav": bytes(range(256)) * 2}
    findings = _scan(tmp_path, files)
    listed = {s["path"].split("/")[-1]: (s["reason"], s["detail_codes"][0]["code"]) for s in findings["skipped"]}
    # Session 15: read by pyreadstat (tests/test_statsdata15.py); these are headers without a body: corrupt
    assert listed == dict.fromkeys(("survey.sav", "survey.zsav", "panel.dta", "old.dta", "patients.sas7bdat",
                                    "export.xpt"), ("corrupt", "stats-unreadable")), listed


def test_cut_tar_in_concatenated_streams_keeps_the_rows_before_the_cut(tmp_path: Path) -> None:
    """wild14: the same tar cut inside its second stream: the rows before the cut are read and it is listed
    corrupt (the tar reader stopped at the first stream's end: no row at all)."""
    import bz2
    import gzip
    import lzma

    tar = _tar_of({"readme.txt": b"see the list\n" * 50, "list.csv": _csv_bytes()})
    cut = 1024
    whole = {"gz.tar.gz": gzip.compress(tar[:cut], mtime=0) + gzip.compress(tar[cut:], mtime=0),
             "bz.tar.bz2": bz2.compress(tar[:cut]) + bz2.compress(tar[cut:]),
             "xz.tar.xz": lzma.compress(tar[:cut]) + lzma.compress(tar[cut:])}
    findings = _scan(tmp_path, {name: data[:len(data) * 9 // 10] for name, data in whole.items()})
    listed = {s["path"].split("/")[-1].split(" » ")[0] for s in findings["skipped"] if s["reason"] == "corrupt"}
    assert listed == set(whole), findings["skipped"]
    got = {f["path"].split("/")[-1].split(" » ")[0]: f["pii"]["records"] for f in findings["files"] if f.get("pii")}
    # a bzip2 stream gives whole blocks only: its cut second stream gives nothing, the tar is listed corrupt
    assert set(got) == {"gz.tar.gz", "xz.tar.xz"} and all(n >= 5 for n in got.values()), got


def _msg_read_whole(tmp_path: Path, extra: dict[str, bytes]) -> None:
    """An Outlook message with a 40-person CSV attached and the ``extra`` streams (paths under the root, ``/``
    between storages), written by libgsf: read, its list found, nothing listed."""
    import subprocess

    from tests.mail_data import _write_message

    tree = tmp_path / "msgtree"
    _write_message(tree, "名簿", [("list.csv", _csv_bytes())], 32)
    for name, data in extra.items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_bytes(data)
    out = tmp_path / "saved.msg"
    subprocess.run(["gsf", "createole", str(out), *sorted(p.name for p in tree.iterdir())], cwd=tree, check=True,
                   capture_output=True)
    findings = _scan(tmp_path, {"saved.msg": out.read_bytes()})
    assert not findings["skipped"], findings["skipped"]
    assert [f["pii"]["records"] for f in findings["files"] if f.get("pii")] == [len(ROWS) - 1]


def test_msg_with_office_property_streams_is_not_damaged(tmp_path: Path) -> None:
    """wild14 (MSGReader SampleFiles/sender_not_found_from_exchange.msg): a message Outlook saved with the
    Office document-property streams every compound file may carry (\\x05SummaryInformation, and MsoDataStore:
    custom XML parts, a storage of 32-character names with Item and Properties streams) was listed corrupt
    "8 stream or storage names damaged": they are no damage, and its attachment was read all along."""
    store = "MsoDataStore/\u00d5L\u00cc\u00d63\u00d1\u00ca\u00d8\u00c0USFM\u00de\u00c4L3\u00d9J4W\u00d0=="
    _msg_read_whole(tmp_path, {"\x05SummaryInformation": b"\xfe\xff" + bytes(46),
                               "\x05DocumentSummaryInformation": b"\xfe\xff" + bytes(46),
                               f"{store}/Item": b"<?xml version='1.0'?><b:Sources xmlns:b='x'/>",
                               f"{store}/Properties": b"<?xml version='1.0'?><ds:datastoreItem xmlns:ds='y'/>"})


def test_damaged_copies_of_the_fixed_files_never_end_as_nothing(tmp_path: Path) -> None:
    """The files the fixes above read (a multi-stream tar of each compression, an unquoted-boundary message),
    cut at many offsets and flipped at many places: each ends with records or listed, never as nothing."""
    import bz2
    import gzip
    import lzma
    import random

    tar = _tar_of({"readme.txt": b"see the list\n" * 50, "list.csv": _csv_bytes()})
    sound = {"gz.tar.gz": gzip.compress(tar[:1024], mtime=0) + gzip.compress(tar[1024:], mtime=0),
             "bz.tar.bz2": bz2.compress(tar[:1024]) + bz2.compress(tar[1024:]),
             "xz.tar.xz": lzma.compress(tar[:1024]) + lzma.compress(tar[1024:]),
             "oe.eml": _unquoted_boundary_mail("----=_NextPart_000_0093_01C81419.EB75E850")}
    rng = random.Random(20261214)
    files: dict[str, bytes] = {}
    for name, data in sound.items():
        stem, ext = name.split(".", 1)
        for _ in range(3):
            at = rng.randrange(16, len(data) - 2)
            files[f"{stem}.cut{at}.{ext}"] = data[:at]
            where = rng.randrange(16, len(data) - 4)
            flipped = bytearray(data)
            for i in range(where, where + 4):
                flipped[i] ^= 0x5A
            files[f"{stem}.flip{where}.{ext}"] = bytes(flipped)
    findings = _scan(tmp_path, files)
    seen = {f["path"].split("/")[-1].split(" » ")[0] for f in findings["files"] if (f.get("pii") or {}).get("records")}
    seen |= {s["path"].split("/")[-1].split(" » ")[0] for s in findings["skipped"]}
    assert set(files) <= seen, sorted(set(files) - seen)


def test_unquoted_boundary_whose_cut_matches_a_dash_line_is_read_whole(tmp_path: Path) -> None:
    """review14i: Python's default policy cuts ``boundary=----=_NextPart_...`` to ``----``; a text part holding a
    line of six or eight dashes (a signature rule) then matches that cut delimiter, so the message parsed as a
    multipart of the wrong parts: listed corrupt "CloseBoundaryNotFoundDefect" and its attachment (40 people)
    never examined; eight dashes (the cut closing delimiter) made Python's parser drop every line after them. The
    boundary as written decides."""
    boundary = "----=_NextPart_000_0093_01C81419.EB75E850"
    files = {f"rule{n}.eml": _unquoted_boundary_mail(boundary).replace(
        b"see the list\r\n", b"see the list\r\n" + rule + b"\r\nregards\r\n")
        for n, rule in enumerate((b"------", b"------ \t", b"--------"))}
    findings = _scan(tmp_path, files)
    assert not findings["skipped"], findings["skipped"]
    got = sorted(f["pii"]["records"] for f in findings["files"] if f.get("pii"))
    assert got == [len(ROWS) - 1] * 3, got


def test_tar_in_very_many_compressed_streams_is_read(tmp_path: Path) -> None:
    """review14i: the whole-stream check copied the rest of the file at each stream's end, so a tar.gz of many
    tiny members (300 000 empty gzip members between the tar's own, 6 MB) cost the square of their number: the
    worker was stopped after 130 s without progress, listed ``timeout``, its 40 people unread. Each stream now
    costs its own size."""
    import gzip

    tar = _tar_of({"list.csv": _csv_bytes()})
    parts = [gzip.compress(tar[i:i + 1024], mtime=0) for i in range(0, len(tar), 1024)]
    findings = _scan(tmp_path, {"many.tar.gz": parts[0] + gzip.compress(b"", mtime=0) * 300_000 + b"".join(parts[1:])})
    assert not findings["skipped"], findings["skipped"]
    assert [f["pii"]["records"] for f in findings["files"] if f.get("pii")] == [len(ROWS) - 1]


def test_password_protected_spss_file_is_listed(tmp_path: Path) -> None:
    """review14i: SPSS 21 and later save a data file with a password inside an encrypted wrapper (a fixed 36-byte
    header, ``ENCRYPTEDSAV`` at offset 8, then AES blocks: PSPP's "Encrypted File Wrappers"; its test
    hotel-encrypted.sav): no $FL2 magic, so the .sav ended as nothing while a plain one is listed."""
    header = bytes.fromhex("1c00000000000000") + b"ENCRYPTEDSAV" + bytes.fromhex("15") + bytes(15)
    noise = bytes((i * 151 + 7) % 256 for i in range(4096))  # what AES blocks look like: no structure
    findings = _scan(tmp_path, {"survey.sav": header + noise, "survey2.zsav": header + noise})
    # Session 15: ``encrypted`` with its own detail (was ``unsupported`` "no reader for this format")
    assert sorted((s["reason"], s["detail_codes"][0]["code"]) for s in findings["skipped"]) == [
        ("encrypted", "spss-encrypted")] * 2, findings["skipped"]


def test_msg_with_outlook_side_properties_is_not_damaged(tmp_path: Path) -> None:
    """review14i (Apache POI test-data/hsmf/51873.msg, a message Outlook 2002/2003 saved): its
    ``Olk10SideProps_0001`` stream (Outlook's own side properties, written beside the __substg1.0_ streams) was
    counted a damaged name and the message listed corrupt "1 stream or storage name(s) damaged"."""
    _msg_read_whole(tmp_path, {"Olk10SideProps_0001": bytes.fromhex("1800000000000000") + bytes(40) + b"pstprx.dll\x00"})
