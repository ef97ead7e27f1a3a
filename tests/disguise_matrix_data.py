"""Every content kind leakscan reads, each holding one person table (Faker ja_JP, fixed seed), and every extension
family leakscan knows: the cells of the disguise matrix (tests/test_disguise_matrix.py, session 17). A file renamed
to another format's name must end as the person file it is, or at least as a listed lead or skip whose reason says
what the content is (insiders rename files to hide them)."""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import struct
import tempfile
from pathlib import Path

from tests.pii_data import csv_bytes, encrypted_xlsx, ods_bytes, people, xls_bytes, xlsb_bytes, xlsx_bytes

HEADERS = ["氏名", "フリガナ", "住所", "電話番号", "生年月日"]
COLUMNS = ["name", "kana", "address", "tel", "birthday"]  # a Japanese system's columns, romanised
PEOPLE = 8
TITLE = "顧客名簿 2019年3月"

# extension families leakscan knows (signatures/content_types.toml, the inspectors' own names), a few names each
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "spreadsheet": (".xlsx", ".xls", ".csv", ".ods"),
    "text": (".txt", ".log"),
    "markup": (".html", ".htm", ".xml"),
    "document": (".docx", ".doc", ".pdf", ".rtf", ".odt"),
    "presentation": (".pptx", ".ppt"),
    "picture": (".jpg", ".png"),
    "audio-video": (".mp3", ".mp4"),
    "archive": (".zip", ".7z", ".gz"),
    "executable": (".exe", ".dll"),
    "none": ("",),
    "random": (".dat", ".bak"),
}


def rows(n: int = PEOPLE, seed: int = 1717) -> list[list[object]]:
    return [HEADERS, *([p.name, p.kana, p.address, p.phone, p.birth] for p in people(n, seed))]


def _sqlite(table: list[list[object]]) -> bytes:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "crm.sqlite"
        con = sqlite3.connect(path)
        con.execute(f"CREATE TABLE customers (id INTEGER PRIMARY KEY, {', '.join(c + ' TEXT' for c in COLUMNS)})")
        con.executemany(f"INSERT INTO customers VALUES (?, {', '.join('?' * len(COLUMNS))})",
                        [(i, *map(str, r)) for i, r in enumerate(table[1:], 1)])
        con.commit()
        con.close()
        return path.read_bytes()


def _sqlite_dump(table: list[list[object]]) -> bytes:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE customers (id INTEGER PRIMARY KEY, {', '.join(c + ' TEXT' for c in COLUMNS)})")
    db.executemany(f"INSERT INTO customers VALUES (?, {', '.join('?' * len(COLUMNS))})",
                   [(i, *map(str, r)) for i, r in enumerate(table[1:], 1)])
    db.commit()
    return ("\n".join(db.iterdump()) + "\n").encode("utf-8")


def _sylk(table: list[list[object]]) -> bytes:
    out = ["ID;PWXL;N;E"]
    for y, row in enumerate(table, 1):
        for x, value in enumerate(row, 1):
            text = str(value).replace(";", ";;").replace('"', "")
            out.append(f'C;Y{y};X{x};K"{text}"' if x == 1 else f'C;X{x};K"{text}"')
    out.append("E")
    return ("\r\n".join(out) + "\r\n").encode("cp932")


def _dbf(table: list[list[object]]) -> bytes:
    fields = [("SHIMEI", "C", 40), ("KANA", "C", 60), ("JUSHO", "C", 100), ("TEL", "C", 20), ("SEINENGAPI", "C", 10)]
    record_len = 1 + sum(w for _, _, w in fields)
    header_len = 32 + 32 * len(fields) + 1
    head = struct.pack("<B3BIHH", 0x03, 124, 5, 1, len(table) - 1, header_len, record_len) + bytes(17) + b"\x13\0\0"
    out = bytearray(head + b"".join(struct.pack("<11sc4xBB14x", n.encode(), k.encode(), w, 0) for n, k, w in fields))
    out += b"\x0d"
    for row in table[1:]:
        out += b" " + b"".join(str(v).encode("cp932")[:w].ljust(w, b" ") for (_, _, w), v in zip(fields, row, strict=True))
    return bytes(out + b"\x1a")


def _html(table: list[list[object]]) -> bytes:
    from tests.table_damage import html_table

    return html_table(table)


def _spreadsheetml(table: list[list[object]]) -> bytes:
    from tests.table_damage import spreadsheetml

    return spreadsheetml({"名簿": table})


def _json(table: list[list[object]]) -> bytes:
    records = [{"id": i, **dict(zip(COLUMNS, map(str, r), strict=True))} for i, r in enumerate(table[1:], 1)]
    return json.dumps(records, ensure_ascii=False, indent=2).encode("utf-8")


def _pdf(name: str, data: bytes) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(200, 200)
    w.add_attachment(name, data)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def contents(work: Path) -> dict[str, bytes]:
    """{content kind: bytes}: one person table of ``PEOPLE`` people in every format leakscan reads."""
    from tests.archive_data import seven_zip, zip_bytes
    from tests.mail_data import mbox, message, msg_file

    table = rows()
    titled = [[TITLE], [], *table]
    xlsx = xlsx_bytes({"名簿": table})
    csv = csv_bytes(table, "cp932")
    eml = message([("顧客名簿.csv", csv, "rfc2231-utf8")])
    return {
        "csv-cp932": csv,
        "csv-utf8": csv_bytes(table, "utf-8"),
        "csv-utf8-bom": csv_bytes(table, "utf-8-sig"),
        "csv-utf16": csv_bytes(table, "utf-16le-bom"),
        "csv-titled": csv_bytes(titled, "cp932"),
        "csv-titled-utf8": csv_bytes(titled, "utf-8"),
        "tsv-cp932": csv_bytes(table, "cp932", "\t"),
        "tsv-utf16": csv_bytes(table, "utf-16le-bom", "\t"),
        "xlsx": xlsx,
        "xlsx-encrypted": encrypted_xlsx(xlsx),
        "xls": xls_bytes({"名簿": table}),
        "xlsb": xlsb_bytes({"名簿": table}),
        "ods": ods_bytes({"名簿": table}),
        "spreadsheetml": _spreadsheetml(table),
        "html-table": _html(table),
        "sqlite": _sqlite(table),
        "json": _json(table),
        "sql-dump": _sqlite_dump(table),
        "dbf": _dbf(table),
        "sylk": _sylk(table),
        "eml": eml,
        "mbox": mbox([eml]),
        "msg": msg_file(work, "名簿送付", [("顧客名簿.csv", csv)]),
        "zip": zip_bytes({"顧客名簿.xlsx": xlsx}),
        "7z": seven_zip({"顧客名簿.csv": csv}),
        "gzip": gzip.compress(csv, mtime=0),
        "pdf-attachment": _pdf("顧客名簿.csv", csv),
    }


def cell_name(kind: str, ext: str) -> str:
    """The file name of one cell: the content kind and the extension family it is renamed to."""
    return f"{kind}_as{ext.replace('.', '_') or '_none'}{ext}"
