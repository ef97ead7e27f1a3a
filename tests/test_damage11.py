"""Session 11 damage campaign: every format leakscan reads, damaged a few ways, ends as something.

Each seed holds Faker ja_JP person rows (fixed seed, bench/fuzz_campaign.person_rows) in one format leakscan
reads; each is truncated at a few points, flipped at a few offsets (one ``random.Random`` per format, fixed
seed) and, for texts, given mixed encodings (cp932 + UTF-8 lines, NUL-widened bytes). All the mutants are
scanned once by the real CLI (-v) and each must end as a hit with records, or a hit or skip listed with a
reason: never nothing, never a crash or hang of the scan, never a person's value in the log or findings.json.
The full matrix is bench/fuzz_campaign.py's; this is its fast subset (one shared scan).
"""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.fuzz_data import Mutant, _flip
from tests.pii_data import csv_bytes, xlsx_bytes
from tests.test_fuzz_campaign import _inspect, _outcome, _records

sys.path.insert(0, str(ROOT / "bench"))
from fuzz_campaign import person_rows, secrets_of  # noqa: E402

SEED = 20261206
SEP = " » "  # between a container and what was read inside it
ROWS = person_rows(40, SEED)


def widened(data: bytes, upto: int | None = None) -> bytes:
    """Each byte followed by a NUL (a tool that read the text as Latin-1 and saved it as UTF-16LE), up to
    ``upto`` bytes (all of them by default)."""
    upto = len(data) if upto is None else upto
    return bytes(b for c in data[:upto] for b in (c, 0)) + data[upto:]


@pytest.mark.parametrize("encoding", ["cp932", "utf-8"])
def test_nul_widened_text_keeps_its_records(tmp_path: Path, encoding: str) -> None:
    """A cp932 or UTF-8 CSV whose bytes were each followed by a NUL (read as Latin-1, saved as UTF-16LE by a
    converter; or widened in its first KiB only) read as UTF-16 mojibake: no name, no address, and the file
    passed as clean, listed nowhere (Session 10's campaign: the one silent synthetic CSV). The widened bytes
    are narrowed back and read: the records are counted and the file is listed corrupt, saying why."""
    data = csv_bytes(ROWS, encoding)
    for name, damaged in (("all.csv", widened(data)), ("head.csv", widened(data, 4000))):
        ins = _inspect(tmp_path, name, damaged)
        assert _records(ins) == len(ROWS) - 1, (name, ins.status, ins.detail, _records(ins))
        assert ins.status == "corrupt" and "NUL" in ins.detail, (name, ins.detail)


def test_nul_widening_past_the_head_is_found(tmp_path: Path) -> None:
    """The widening decided on the first 256 KiB only: a CSV widened from 300 KiB on (a converter that broke off
    part-way, a file appended to by another tool) read its plain head and lost every row of the widened tail, as
    ok (Session 11, left open). The first NUL's neighbourhood decides too: the tail is narrowed, counted, said."""
    rows = [ROWS[0], *ROWS[1:] * 100]
    data = csv_bytes(rows, "cp932")
    cut = data.index(b"\r\n", 300 << 10) + 2
    assert len(data) > cut > 1 << 18
    ins = _inspect(tmp_path, "tail.csv", data[:cut] + widened(data[cut:]))
    assert _records(ins) == len(rows) - 1, (ins.status, ins.detail, _records(ins))
    assert ins.status == "corrupt" and "NUL" in ins.detail, ins.detail


def test_nul_widened_markup_keeps_its_records(tmp_path: Path) -> None:
    """The same for an HTML table and an Excel XML spreadsheet saved as .xls."""
    from tests.table_damage import html_table, spreadsheetml

    for name, data in (("page.xls", html_table(ROWS)), ("ssml.xls", spreadsheetml({"名簿": ROWS}))):
        assert _records(_inspect(tmp_path, name, data)) == len(ROWS) - 1
        ins = _inspect(tmp_path, "w" + name, widened(data))
        assert _records(ins) == len(ROWS) - 1, (name, ins.status, ins.detail)
        assert ins.status == "corrupt" and "NUL" in ins.detail, (name, ins.detail)


def test_real_utf16_text_is_not_narrowed(tmp_path: Path) -> None:
    """UTF-16 text without a BOM (Japanese, or Western with accented letters) is left as it is."""
    rows = [*ROWS, ["Müller Café", "ミュラー", "東京都港区1-1", "03-0000-0000", "1950-01-01"]]
    for codec in ("utf-16-le", "utf-16-be"):
        ins = _inspect(tmp_path, f"{codec}.csv", csv_bytes(rows, codec))
        assert _records(ins) >= len(ROWS) - 1 and ins.status == "ok", (codec, ins.status, ins.detail)
    western = "name,city\r\n" + "".join(f"Zoé Müller {i},Café Straße {i}\r\n" for i in range(40))
    ins = _inspect(tmp_path, "western.csv", western.encode("utf-16-le"))
    assert "NUL" not in (ins.detail or ""), ins.detail


# ---------------------------------------------------------------- the campaign: one shared scan


def _seeds(work: Path) -> dict[str, tuple[str, bytes]]:
    """{format: (extension, bytes)}: each format leakscan reads, holding the same 40 people."""
    from fuzz_campaign import _tar, _xlsb

    from tests.archive_data import seven_zip, zip_bytes
    from tests.mail_data import message, msg_file
    from tests.pii_data import ods_bytes, xls_bytes
    from tests.table_damage import html_table, spreadsheetml

    xlsx, csv = xlsx_bytes({"名簿": ROWS}), csv_bytes(ROWS, "cp932")
    return {
        "xlsx": (".xlsx", xlsx), "xlsm": (".xlsm", xlsx), "xls": (".xls", xls_bytes({"名簿": ROWS})),
        "xlsb": (".xlsb", _xlsb(ROWS)), "ods": (".ods", ods_bytes({"名簿": ROWS})),
        "csv-cp932": (".csv", csv), "csv-utf8": (".csv", csv_bytes(ROWS, "utf-8")),
        "csv-utf16": (".csv", csv_bytes(ROWS, "utf-16le-bom")),
        "xls-html": (".xls", html_table(ROWS)), "xls-xml": (".xls", spreadsheetml({"名簿": ROWS})),
        "zip": (".zip", zip_bytes({"名簿/利用者名簿.xlsx": xlsx, "名簿/利用者.csv": csv})),
        "7z": (".7z", seven_zip({"利用者名簿.xlsx": xlsx, "利用者.csv": csv})),
        "tar": (".tar", _tar({"名簿/利用者名簿.xlsx": xlsx, "名簿/利用者.csv": csv})),
        "tar.gz": (".tar.gz", gzip.compress(_tar({"a/利用者名簿.xlsx": xlsx, "a/利用者.csv": csv}), mtime=0)),
        "eml": (".eml", message([("利用者名簿.xlsx", xlsx, "rfc2231-utf8"), ("利用者.csv", csv, "rfc2231-utf8")])),
        "msg": (".msg", msg_file(work, "名簿送付", [("利用者名簿.xlsx", xlsx), ("利用者.csv", csv)])),
    }


def _mutants(fmt: str, data: bytes) -> list[Mutant]:
    """A cut and a flip (1-3 bytes) for every format; for texts also cp932 + UTF-8 lines and NUL-widened bytes.
    One ``random.Random`` per format with a fixed seed: the same files on every run."""
    rng = random.Random(f"{SEED}:{fmt}")
    n = len(data)
    cut = int(n * rng.uniform(0.3, 0.95))
    made = [Mutant(f"cut{cut}", data[:cut]),
            Mutant("flip", _flip(data, [rng.randrange(n // 8, n) for _ in range(rng.randint(1, 3))], rng))]
    if fmt.startswith(("csv", "xls-")) and fmt != "csv-utf16":
        own = "utf-8" if data.isascii() or _decodes(data, "utf-8") else "cp932"
        lines = data.decode(own).splitlines(keepends=True)
        k = rng.randrange(2, len(lines) - 2)
        other = "utf-8" if own == "cp932" else "cp932"  # the rows after line k re-encoded (a table appended to)
        made.append(Mutant(f"mix-{other}", data[:len("".join(lines[:k]).encode(own))]
                           + "".join(lines[k:]).encode(other, "replace")))
        made.append(Mutant("nul-widened", widened(data, rng.choice((1000, 4000, n)))))
    return made


def _broken_member(csv: bytes) -> bytes:
    """A zip whose one deflated member has a flip that breaks its deflate stream (zlib.error) after 2/3 of it."""
    import io
    import zipfile
    import zlib

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("名簿.csv", csv)
    data = bytearray(buf.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()[0]
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)

    def breaks(at: int) -> bool:
        stream = bytearray(data[start:start + info.compress_size])
        stream[at] ^= 0x55
        try:
            zlib.decompressobj(-15).decompress(bytes(stream))
        except zlib.error:
            return True
        return False

    data[start + next(i for i in range(info.compress_size * 2 // 3, info.compress_size) if breaks(i))] ^= 0x55
    return bytes(data)


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, list[tuple[str, Path]]], dict[str, Any], str]:
    work = tmp_path_factory.mktemp("damage11")
    tree = work / "tree"
    tree.mkdir()
    files: dict[str, list[tuple[str, Path]]] = {}
    for fmt, (ext, data) in _seeds(work).items():
        for m in _mutants(fmt, data):
            path = tree / f"{fmt.replace('.', '_')}__{m.name}{ext}"
            path.write_bytes(m.data)
            files.setdefault(fmt, []).append((m.name, path))
    member = tree / "zip__deflate-broken.zip"  # a sound zip, its CSV member's deflate data broken at 2/3
    member.write_bytes(_broken_member(csv_bytes(person_rows(300, SEED + 2), "cp932")))
    files["zip-member"] = [("deflate-broken", member)]
    out = work / "out"
    done = subprocess.run([sys.executable, str(ROOT / "scan.py"), "-v", "scan", str(tree), "--out", str(out),
                           "--parse-timeout", "5", "--workers", "1"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT, errors="replace")
    assert not any(line.startswith("Traceback") for line in done.stderr.splitlines()), done.stderr[-3000:]
    assert done.returncode in (0, 1), (done.returncode, done.stderr[-2000:])  # 3 (incomplete) lists a folder
    found = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return files, found, done.stderr + done.stdout


FORMATS = ["xlsx", "xlsm", "xls", "xlsb", "ods", "csv-cp932", "csv-utf8", "csv-utf16", "xls-html", "xls-xml", "zip",
           "7z", "tar", "tar.gz", "eml", "msg"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_damaged_file_ends_as_something(campaign: tuple[dict[str, list[tuple[str, Path]]], dict[str, Any], str],
                                              fmt: str) -> None:
    """Each mutant is a hit with records, or a hit or skip listed with a reason (corrupt, unsupported ...): a
    damaged file that ends as nothing (no hit, no skip) is the worst outcome."""
    files, found, _ = campaign
    silent = []
    for name, path in files[fmt]:
        records, statuses, skips = _outcome(found, path)
        if not (records or skips or any(s != "ok" for s in statuses)):
            silent.append((name, statuses))
    assert not silent, (fmt, silent)


def test_no_person_value_in_the_log_or_findings(campaign: tuple[dict[str, list[tuple[str, Path]]], dict[str, Any],
                                                                str]) -> None:
    files, found, log = campaign
    assert sum(len(v) for v in files.values()) >= 2 * len(FORMATS)
    text = json.dumps(found, ensure_ascii=False)
    leaked = [v for v in secrets_of(SEED) if v in log or v in text]
    assert not leaked, len(leaked)  # (the count only: the values are what must not be printed)


def test_a_zip_member_whose_deflate_data_breaks_keeps_the_rows_before(
        campaign: tuple[dict[str, list[tuple[str, Path]]], dict[str, Any], str]) -> None:
    """A sound zip (central directory whole) whose CSV member's deflate data breaks: zipfile raised inside the
    one big read the scan asked for, and every row of the member was lost (corrupt, no record). The member is
    read a few KiB at a time, so what inflated before the break is examined: its rows counted, listed corrupt."""
    files, found, _ = campaign
    (_, path), = files["zip-member"]
    records, statuses, skips = _outcome(found, path)
    assert 150 < records < 300 and statuses == ["corrupt"], (records, statuses, skips)
    member = next(h for h in found["files"] if h["path"].startswith(str(path) + SEP))
    assert "breaks after" in member["status_detail"], member["status_detail"]


def _html_mutants() -> dict[str, bytes]:
    from tests.fuzz_data import generic
    from tests.table_damage import html_table

    data = html_table(person_rows(40, 20261207))
    return {m.name: m.data for m in generic(data, random.Random("20261207:xls-html"), header=512, flips=3, randoms=3)}


def test_shuffled_html_table_is_read_as_html(tmp_path: Path) -> None:
    """An HTML table saved as .xls whose chunks were shuffled (a carved or reassembled file: its <html> head no
    longer first) was sniffed as a text table, read as CSV: no record, clean (Session 11 exploration). A text under
    a table's name holding HTML table rows that gives no record as text is read as HTML too: its records
    counted, listed corrupt saying the head was lost."""
    made = _html_mutants()
    for name in ("shuffle0", "shuffle1"):
        ins = _inspect(tmp_path, f"{name}.xls", made[name])
        assert _records(ins) > 0 and ins.status == "corrupt" and "read as HTML" in ins.detail, (name, ins.detail)
    # a CSV whose cells hold bits of HTML is still a CSV
    rows = [*ROWS[:1], *([*r[:4], "<td>memo</td></tr>"] for r in ROWS[1:])]
    ins = _inspect(tmp_path, "cells.csv", csv_bytes(rows, "cp932"))
    assert _records(ins) == len(ROWS) - 1 and ins.status == "ok", ins.detail


def test_duplicated_region_in_html_header_is_not_clean(tmp_path: Path) -> None:
    """An HTML table saved as .xls with a 4 KiB region duplicated into its header row: the header's cells moved
    into a data row (氏名 inside an address cell, フリガナ over the phones), rows of people above and below it. The
    header was taken as it stood, no column's values fitted it, and the 40 people passed as a clean file (Session 11,
    left open). A header naming persons that none of its columns' values fit is read by the values, as a sheet
    without a header."""
    ins = _inspect(tmp_path, "dup0.xls", _html_mutants()["dup0"])
    assert _records(ins) >= 40, (ins.status, ins.detail)
