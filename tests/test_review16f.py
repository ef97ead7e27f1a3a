"""Review of damage16 (Session 16, review16f): undamaged real-shaped files the new damage checks listed ``corrupt``.

- SQL dumps: a CREATE TABLE column named ``key``, ``index``, ``period`` or ``exclude`` (sqlite3 writes the schema as
  it was typed: Chrome's and Firefox's ``meta(key LONGVARCHAR ... PRIMARY KEY, value ...)``; pg_dump leaves non-reserved
  names unquoted) was taken for a constraint and left out of the header: every row then had one value more than the
  header and was counted ``sql-rows-unparsed`` (damage16's value-count check), the whole dump said damaged.
- JSON: records keyed by one-letter names (SheetJS ``sheet_to_json(ws, {header: "A"})`` writes ``A``, ``B``, ... and
  leaves empty cells out) are all one character apart: a sparse column was read under another and the file said
  ``json-key-mended`` (a damaged byte).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.test_damage16 import _outcome
from tests.test_wild13 import _scan

sys.path.insert(0, str(ROOT / "bench"))
from fuzz_campaign import person_rows  # noqa: E402

ROWS = person_rows(40, 20261216)[1:]


def _dump(schema: str, table: str, rows: list[tuple[str, ...]]) -> bytes:
    db = sqlite3.connect(":memory:")
    db.execute(schema)
    db.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    return ("\n".join(db.iterdump()) + "\n").encode("utf-8")


def _sql_files() -> dict[str, bytes]:
    meta = _dump("CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR)", "meta",
                 [("version", "56"), ("last_compatible_version", "16")])
    people = _dump("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, kana TEXT, address TEXT, tel TEXT)",
                   "customers", [(str(i), n, k, a, t) for i, (n, k, a, t, _) in enumerate(ROWS, 1)])
    keyed = _dump("CREATE TABLE members (key varchar(8) PRIMARY KEY, name TEXT, address TEXT, tel TEXT, period TEXT,"
                  " exclude boolean, [index] INTEGER, UNIQUE (name, address), CHECK (key <> ''))", "members",
                  [(f"m{i}", n, a, t, "2024", "0", str(i)) for i, (n, _, a, t, _) in enumerate(ROWS, 1)])
    return {"chrome_like.sql": meta + people, "keyed.sql": keyed}


def test_sql_columns_named_like_a_constraint_word_are_columns(tmp_path: Path) -> None:
    files = _sql_files()
    findings = _scan(tmp_path, files)
    for name in files:  # were corrupt, sql-rows-unparsed (2 and 40 "value lists could not be parsed")
        assert _outcome(findings, name) == (len(ROWS), []), (name, _outcome(findings, name))


def test_one_letter_keys_of_a_sheetjs_export_stay_their_columns(tmp_path: Path) -> None:
    rows = []
    for i, (n, k, a, t, _) in enumerate(ROWS):
        row = {"A": n, "B": k, "C": a, "D": t}
        if i % 12 == 3:  # no home phone, a mobile in the sparse column E (empty cells are left out)
            row["E"] = row.pop("D")
        rows.append(row)
    findings = _scan(tmp_path, {"sheetjs.json": json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")})
    assert _outcome(findings, "sheetjs.json") == (len(ROWS), []), _outcome(findings, "sheetjs.json")  # was corrupt


def test_sql_generated_and_inherited_columns_are_no_damage(tmp_path: Path) -> None:
    """sqlite3 .dump leaves a generated column's value out of its INSERT (no column list); pg_dump's CREATE TABLE of
    a child table lists only its own columns (``INHERITS``) while ``--inserts`` writes every value: each row has a
    value count other than the CREATE TABLE's, and damage16's check counted every row ``sql-rows-unparsed``."""
    generated = _dump("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, kana TEXT, address TEXT, tel TEXT,"
                      " label TEXT GENERATED ALWAYS AS (name || ' ' || tel) VIRTUAL, kind TEXT AS (upper(kana)))",
                      "people(id, name, kana, address, tel)",
                      [(str(i), n, k, a, t) for i, (n, k, a, t, _) in enumerate(ROWS, 1)])
    assert b"GENERATED" in generated and b'INSERT INTO "people" VALUES(1,' in generated  # no column list

    def quoted(value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    inherits = "\n".join([
        "--", "-- PostgreSQL database dump", "--", "",
        "CREATE TABLE public.contacts (", "    id integer NOT NULL,", "    name text,", "    address text", ");", "",
        "CREATE TABLE public.customers (", "    tel text,", "    kana text", ")", "INHERITS (public.contacts);", "",
        *(f"INSERT INTO public.customers VALUES ({i}, {quoted(n)}, {quoted(a)}, {quoted(t)}, {quoted(k)});"
          for i, (n, k, a, t, _) in enumerate(ROWS, 1)),
        "", "--", "-- PostgreSQL database dump complete", "--", ""]).encode("utf-8")
    findings = _scan(tmp_path, {"generated.sql": generated, "inherits.sql": inherits})
    for name in ("generated.sql", "inherits.sql"):  # were corrupt, 40 "value lists could not be parsed"
        assert _outcome(findings, name) == (len(ROWS), []), (name, _outcome(findings, name))


def _favicon() -> bytes:
    """A 16x16 32-bit .ico as Windows writes favicons: its opaque AND mask is a run of NUL bytes."""
    import struct

    pixels, mask = bytes([0, 0, 0xFF, 0xFF]) * 256, bytes(64)
    image = struct.pack("<IiiHHIIiiII", 40, 16, 32, 1, 32, 0, len(pixels) + len(mask), 0, 0, 0, 0) + pixels + mask
    return struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", 16, 16, 0, 0, 1, 32, len(image), 22) + image


def test_a_web_archive_s_binary_parts_are_no_zeroed_block(tmp_path: Path) -> None:
    """Chrome saves offline pages as MHTML with ``Content-Transfer-Encoding: binary`` parts: a favicon's mask or an
    image holds runs of NUL bytes. damage16's markup check looked for a NUL block over the whole file and listed an
    undamaged page corrupt ``nul-block``; a zeroed block in its HTML part is still said."""
    from tests.table_damage import html_table

    page = html_table(person_rows(40, 20261216))
    page = page.replace(b"<table", b"<style>" + b".c{color:#000}\n" * 5000 + b"</style>\n<table", 1)  # > 64 KiB
    bound = b"----MultipartBoundary--x1y2z3----"

    def archive(html: bytes) -> bytes:
        return (b"From: <Saved by Blink>\r\nSnapshot-Content-Location: https://intra.example.jp/meibo\r\n"
                b"Subject: meibo\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n"
                b"\tboundary=\"" + bound + b"\"\r\n\r\n\r\n--" + bound + b"\r\nContent-Type: text/html\r\n"
                b"Content-ID: <frame-1@mhtml.blink>\r\nContent-Transfer-Encoding: binary\r\n"
                b"Content-Location: https://intra.example.jp/meibo\r\n\r\n" + html + b"\r\n--" + bound +
                b"\r\nContent-Type: image/vnd.microsoft.icon\r\nContent-Transfer-Encoding: binary\r\n"
                b"Content-Location: https://intra.example.jp/favicon.ico\r\n\r\n" + _favicon() + b"\r\n--" + bound +
                b"--\r\n")

    at = page.index(b"<table") + len(page[page.index(b"<table"):]) // 2
    findings = _scan(tmp_path, {"offline.mhtml": archive(page),
                                "zeroed.mhtml": archive(page[:at] + bytes(512) + page[at + 512:])})
    assert _outcome(findings, "offline.mhtml") == (len(ROWS), []), _outcome(findings, "offline.mhtml")  # was corrupt
    records, listed = _outcome(findings, "zeroed.mhtml")
    assert records and any("nul-block" in x for x in listed), (records, listed)


def test_a_web_archive_with_binary_parts_in_its_head_is_read(tmp_path: Path) -> None:
    """Chrome's offline page with a page under 64 KiB: its binary favicon made the whole file sniff as binary, and a
    web archive sniffed so was neither read nor listed (ended as nothing, before damage16 too)."""
    from tests.table_damage import html_table

    bound = b"----MultipartBoundary--x1y2z3----"
    page = (b"From: <Saved by Blink>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n"
            b"\tboundary=\"" + bound + b"\"\r\n\r\n--" + bound + b"\r\nContent-Type: text/html\r\n"
            b"Content-Transfer-Encoding: binary\r\n\r\n" + html_table(person_rows(40, 20261216)) + b"\r\n--" + bound +
            b"\r\nContent-Type: image/vnd.microsoft.icon\r\nContent-Transfer-Encoding: binary\r\n\r\n" + _favicon() +
            b"\r\n--" + bound + b"--\r\n")
    assert len(page) < 1 << 16
    findings = _scan(tmp_path, {"offline.mhtml": page, "offline.mht": page})
    for name in ("offline.mhtml", "offline.mht"):
        assert _outcome(findings, name) == (len(ROWS), []), (name, _outcome(findings, name))  # were (0, [])
