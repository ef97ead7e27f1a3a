"""Damage sweep over the readers added in sessions 14-15, then every older format (bench/fuzz_campaign.py's seeds).

Session 16 (damage16). Seeds are person tables (Faker ja_JP, fixed seed; the test suite's writers): SQL dumps
(mysqldump UTF-8 and cp932, pg_dump COPY, sqlite3 .dump, an SSMS script in UTF-16), JSON exports (array, JSON Lines,
object keyed by id), SPSS/Stata/SAS transport via pyreadstat (.sav, .zsav, .por, .dta, .xpt), an RTF letter holding
objects, a .ppt whose ExObjList holds a workbook, a PDF with an attached CSV, a mailbox saved as .txt, a .tar.bz2,
a CSV and a zip in front of a zip, an SQLite database, and split series (x.7z.001.., x.zip.aa..) placed as one
folder each. Each seed is damaged by ``random.Random("SEED:format")``:

- cuts at *structural boundaries* (each line start or statement end of a text, each zip record signature, each
  ``{\\object``/``\\objdata`` of an RTF, each ``obj``/``stream``/``xref``/``trailer`` of a PDF, each 512-byte
  sector of an OLE2 file, each tar header, each bzip2 block magic, each piece of a series), at small offsets
  inside the header (1, 2, 4 ... 1024) and a few random points;
- flips at many seeds (one byte, and 8 bits) in the head, the tail and anywhere; zeroed and duplicated blocks;
- for texts: encodings mixed within the file (a tail re-encoded, a row in another encoding in the middle);
- for series: a piece cut, flipped, zeroed, removed.

Every damaged file (or series folder) goes through the real CLI in batches (``bench/fuzz_campaign.py``'s
``_scan_batch``: a batch that crashes or hangs is re-scanned one file a scan) and ends as one outcome: ``listed``,
``hit-ok`` (records), ``fewer-ok`` (ok with fewer records than the seed: a silent partial to judge), ``silent``
(neither hit nor listed though the seed held people), ``silent-hit`` (a hit with 0 records), ``crash``, ``hang``,
``leak``. Outputs under --work: results.jsonl, matrix.md, silent.tsv. Examples:

    nice -n 19 python3 bench/damage_sweep.py --work /tmp/dmg --formats new
    nice -n 19 python3 bench/damage_sweep.py --work /tmp/dmg-all --formats all --flips 6
"""

from __future__ import annotations

import argparse
import bz2
import io
import json
import random
import re
import sqlite3
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

import fuzz_campaign as F  # noqa: E402

from tests.fuzz_data import Mutant  # noqa: E402
from tests.test_split15_series_in_archives import _seven, _zip  # noqa: E402

COLUMNS = ["name", "kana", "address", "tel", "birthday"]
Classify = Callable[[str, dict, list[str]], tuple[str, dict]]


# ---------------------------------------------------------------- seeds of the session 14-15 readers


def _sql(rows: list[list[object]]) -> dict[str, tuple[str, bytes]]:
    from tests.test_wild15 import mysqldump, pg_dump, sqlite_dump, sqlserver_script

    return {
        "sql-mysql": (".sql", mysqldump(rows).encode("utf-8")),
        "sql-mysql-cp932": (".txt", mysqldump(rows).replace("utf8mb4", "cp932").encode("cp932")),
        "sql-pgdump": (".sql", pg_dump(rows).encode("utf-8")),
        "sql-sqlite": (".sql", sqlite_dump(rows).encode("utf-8")),
        "sql-mssql-utf16": (".sql", b"\xff\xfe" + sqlserver_script(rows).encode("utf-16-le")),
    }


def _json(rows: list[list[object]]) -> dict[str, tuple[str, bytes]]:
    people = [{"id": i, "name": n, "kana": k, "address": {"full": a}, "tel": t, "birthday": b, "tags": ["member"]}
              for i, (n, k, a, t, b) in enumerate(rows[1:], 1)]
    return {
        "json-array": (".json", json.dumps(people, ensure_ascii=False, indent=2).encode("utf-8")),
        "json-lines": (".jsonl", "\n".join(json.dumps(p, ensure_ascii=False) for p in people).encode("utf-8") + b"\n"),
        "json-keyed": (".json", json.dumps({f"u{p['id']}": p for p in people}, ensure_ascii=False).encode("utf-8")),
    }


def _stats(work: Path, rows: list[list[object]]) -> dict[str, tuple[str, bytes]]:
    import pandas as pd
    import pyreadstat

    labels = [str(c) for c in rows[0]]
    names = [f"v{i}" for i in range(len(labels))]
    df = pd.DataFrame([[str(c) for c in r] for r in rows[1:]], columns=names)
    out: dict[str, tuple[str, bytes]] = {}
    writers = {"sav": lambda p: pyreadstat.write_sav(df, p, column_labels=labels),
               "zsav": lambda p: pyreadstat.write_sav(df, p, column_labels=labels, compress=True),
               "por": lambda p: pyreadstat.write_por(df, p, column_labels=labels),
               "dta": lambda p: pyreadstat.write_dta(df, p, column_labels=labels),
               "xpt": lambda p: pyreadstat.write_xport(df, p, column_labels=labels)}
    for kind, write in writers.items():
        path = work / f"stats.{kind}"
        try:
            write(str(path))
            out[f"stats-{kind}"] = (f".{kind}", path.read_bytes())
        except Exception as e:  # noqa: BLE001 - a writer pyreadstat lacks leaves the format out, said on stderr
            print(f"stats-{kind} seed not made: {type(e).__name__}: {e}", file=sys.stderr)
    return out


def _containers(rows: list[list[object]], xlsx: bytes, csv: bytes) -> dict[str, tuple[str, bytes]]:
    from tests.pii_data import xls_bytes
    from tests.test_containers import native, ole_package, rtf, slides_ppt
    from tests.test_pdf_attachments import _listed_pdf

    letter = rtf([("Excel.Sheet.8", xls_bytes({"名簿": rows})), ("Excel.Sheet.12", ole_package(xlsx)),
                  ("Package", native("利用者.csv", csv)[4:])])
    return {
        "rtf-objects": (".rtf", letter),
        "ppt-exobj": (".ppt", slides_ppt(ole_package(xlsx))),
        "pdf-attach": (".pdf", _listed_pdf({"顧客名簿.csv": csv})),
        "pdf-as-jpg": (".jpg", _listed_pdf({"顧客名簿.csv": csv})),
    }


def _mail_and_archives(rows: list[list[object]], xlsx: bytes, csv: bytes) -> dict[str, tuple[str, bytes]]:
    from tests.mail_data import mbox, message

    box = mbox([message([("利用者.csv", csv, "rfc2231-utf8")]),
                message([("利用者名簿.xlsx", xlsx, "rfc2231-utf8")], subject="再送")])
    inner = F._tar({"名簿/利用者.csv": csv, "名簿/利用者名簿.xlsx": xlsx})
    zipped = _zip({"写真/memo.txt": b"photos attached\n" * 50})
    first = _zip({"利用者.csv": csv})
    return {
        "mbox-as-txt": (".txt", box),
        "mbox-as-csv": (".csv", box),
        "tar.bz2": (".tar.bz2", bz2.compress(inner, compresslevel=1)),
        "csv-before-zip": (".zip", csv.replace(b"\r\n", b"\n").decode("cp932").encode("utf-8") + zipped),
        "zip-before-zip": (".zip", first + zipped),
        "sqlite": (".sqlite", _sqlite(rows)),
    }


def _sqlite(rows: list[list[object]]) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "crm.sqlite"
        con = sqlite3.connect(path)
        con.execute(f"CREATE TABLE customers (id INTEGER PRIMARY KEY, {', '.join(c + ' TEXT' for c in COLUMNS)})")
        con.executemany(f"INSERT INTO customers VALUES (?, {', '.join('?' * len(COLUMNS))})",
                        [(i, *map(str, r)) for i, r in enumerate(rows[1:], 1)])
        con.commit()
        con.close()
        return path.read_bytes()


def new_seeds(work: Path, seed: int) -> dict[str, tuple[str, bytes]]:
    """{format: (extension, bytes)} for the readers of sessions 14-15 (series apart: see ``series_seeds``)."""
    from tests.pii_data import csv_bytes, xlsx_bytes

    rows = F.person_rows(40, seed)
    xlsx = xlsx_bytes({"名簿": rows})
    csv = csv_bytes(rows, "cp932")
    out: dict[str, tuple[str, bytes]] = {}
    for part in (lambda: _sql(rows), lambda: _json(rows), lambda: _stats(work, rows),
                 lambda: _containers(rows, xlsx, csv), lambda: _mail_and_archives(rows, xlsx, csv)):
        try:
            out.update(part())
        except Exception as e:  # noqa: BLE001 - a missing writer leaves its formats out, said on stderr
            print(f"seeds not made: {type(e).__name__}: {e}", file=sys.stderr)
    return out


def session16_seeds(seed: int) -> tuple[dict[str, tuple[str, bytes]], list[str]]:
    """({format: (extension, bytes)}, their clear values) for the readers of session 16: SYLK (.slk and named .txt),
    dBase (III cp932, FoxPro with a memo file's block numbers, dBase 7, UTF-8 without a code page), JSONC, a mongosh
    print and a Python dict printed, the carriers' export CSVs (cp932), a .jar holding a CSV, numbered contacts side
    by side (cp932 CSV)."""
    from tests import person_tables_data as T
    from tests.pii_data import csv_bytes, people, standard
    from tests.test_dbase16 import dbf_bytes
    from tests.test_review16e_dbase import _dbase7, _table_in
    from tests.test_tables16 import EXPORTS, RECIPIENTS, SENDERS, _export
    from tests.test_wild16 import _sylk

    rows = F.person_rows(40, seed)
    table = standard(people(40, seed=161))  # the dBase writers' people (secrets below)
    records = [dict(zip(COLUMNS, map(str, r), strict=True)) for r in rows[1:]]
    obj = json.dumps({"users": records}, ensure_ascii=False, indent=2)
    mongosh = "\n".join(f'{{ _id: ObjectId("{i:024d}"), ' + json.dumps(p, ensure_ascii=False)[1:]
                         for i, p in enumerate(records))
    contacts = T.ja_people(90, seed=seed)
    clients, first, second = contacts[:30], contacts[30:60], contacts[60:]
    numbered: list[list[object]] = [["利用者氏名", "住所", "電話", "緊急連絡先氏名1", "緊急連絡先氏名2", "緊急連絡先住所1",
                                     "緊急連絡先住所2", "緊急連絡先電話1", "緊急連絡先電話2"]]
    numbered += [[c.name, c.address, c.phone, a.name, b.name, a.address, b.address, a.phone, b.phone]
                 for c, a, b in zip(clients, first, second, strict=True)]
    jar = io.BytesIO()
    with zipfile.ZipFile(jar, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nMain-Class: app.Main\r\n\r\n")
        z.writestr("app/Main.class", b"\xca\xfe\xba\xbe" + random.Random(seed).randbytes(64))
        z.writestr("data/名簿.csv", csv_bytes(rows, "utf-8"))
    out: dict[str, tuple[str, bytes]] = {
        "sylk-slk": (".slk", _sylk(rows)),
        "sylk-txt": (".txt", _sylk(rows)),
        "dbf-iii": (".dbf", dbf_bytes(table)),
        "dbf-foxpro-memo": (".dbf", dbf_bytes(table, version=0xF5, memo=True)),
        "dbf-7": (".dbf", _dbase7()),
        "dbf-utf8": (".dbf", _table_in("utf-8", 0)),
        "jsonc": (".json", ("{ // exported by the member system\n" + obj[1:]).encode()),
        "mongosh": (".txt", mongosh.encode()),
        "pydict": (".txt", ("{'users': " + repr(records) + "}").encode()),
        "jar": (".jar", jar.getvalue()),
        "contacts-numbered": (".csv", csv_bytes(numbered, "cp932")),
    }
    for carrier, (header, fields) in EXPORTS.items():
        out[f"carrier-{carrier}"] = (".csv", csv_bytes(_export(header, fields, shop=False), "cp932"))
    secrets = [v for r in table[1:] for v in (str(r[1]), str(r[1]).replace(" ", ""), str(r[6]), str(r[7]))]
    for p in (*contacts, *RECIPIENTS, *SENDERS):
        secrets += [p.name, p.name_unspaced, p.phone, p.address]
    return out, secrets


def session17_seeds(seed: int) -> tuple[dict[str, tuple[str, bytes]], list[str]]:
    """({format: (extension, bytes)}, their clear values) for the readers of session 17 (damage18): person tables
    inside documents (.docx, .odt, .fodt, RTF: scanner/doctables.py), the JSON relatives' rewrite (a mongosh
    ``.pretty()`` print, a pprint with wrapped values and tuples, JSONC), dBase without a code page (cp932 and a
    cp1252 Latin table: the code page guess), SYLK (.slk and under .csv)."""
    import pprint

    from tests.damage_data import dbf_of, latin_people
    from tests.document_data import (
        docx_with_table,
        fodt_with_table,
        odt_with_table,
        people_rows,
        rtf_with_table,
    )
    from tests.test_wild16 import _sylk

    rows = people_rows(30, seed=seed)
    latin = latin_people(30, seed)
    records = [dict(zip(("name", "kana", "address", "tel"), r, strict=True)) for r in rows[1:]]
    pretty = "\n".join(f'{{\n\t"_id" : ObjectId("{i:024d}"),\n'
                        + ",\n".join(f'\t"{k}" : {json.dumps(v, ensure_ascii=False)}' for k, v in p.items())
                        + ',\n\t"since" : ISODate("2020-04-01T00:00:00Z")\n}' for i, p in enumerate(records))
    printed = pprint.pformat({"users": [{**p, "tags": ("member", "mail")} for p in records]}, width=40)
    jsonc = "// exported\n" + json.dumps({"users": records}, ensure_ascii=False, indent=2).replace(
        '"tel"', "tel").replace("}\n  ]", "},\n  ]")
    out: dict[str, tuple[str, bytes]] = {
        "doc-docx": (".docx", docx_with_table(rows)),
        "doc-odt": (".odt", odt_with_table(rows)),
        "doc-fodt": (".fodt", fodt_with_table(rows)),
        "doc-rtf": (".rtf", rtf_with_table(rows)),
        "mongosh-pretty": (".txt", pretty.encode()),
        "pydict-pprint": (".txt", printed.encode()),
        "jsonc-bare": (".jsonc", jsonc.encode()),
        "dbf-cp932-nocp": (".dbf", dbf_of([["NAME", "KANA", "ADDRESS", "TEL"], *rows[1:]], "cp932", kinds="CCCC",
                                          widths=(30, 40, 100, 16))),
        "dbf-cp1252-nocp": (".dbf", dbf_of(latin, "cp1252")),
        "sylk-s17": (".slk", _sylk(rows)),
        "sylk-as-csv": (".csv", _sylk(rows)),
    }
    secrets = [v for r in rows[1:] for v in (r[0], r[0].replace(" ", "").replace("\u3000", ""), r[2], r[3])]
    secrets += [v for r in latin[1:] for v in (r[0], r[1], r[2])]
    return out, secrets


def session24_seeds(seed: int) -> tuple[dict[str, tuple[str, bytes]], list[str]]:
    """Session 24 (damage24): fixed-width person lists, which the sweep had no seed of (fixed23): Excel's .prn
    (formatted text, space delimited; cp932 byte widths, 姓　名 with U+3000) of 20 persons, and hand-aligned lists
    (tests/test_fixed23.py's writer) of 9 and 3 persons, half-width padded and U+3000-padded."""
    from tests import person_tables_data as T
    from tests.document_data import people_rows
    from tests.test_export_layouts import _fixed_width
    from tests.test_fixed23 import _aligned

    ja = T.ja_people(20, seed=seed % 10000)
    lists = {"fixed-aligned9": (people_rows(9, seed=seed + 9), "aligned", set()),
             "fixed-fullwidth9": (people_rows(9, seed=seed + 19), "pushed", {0, 1}),
             "fixed-aligned3": (people_rows(3, seed=seed + 3), "aligned", set())}
    made = {"fixed-prn-cp932": (".prn", _fixed_width(ja))}
    made.update({k: (".txt", _aligned(rows, kind, full)) for k, (rows, kind, full) in lists.items()})
    values = [v for p in ja for v in (p.name, p.name_unspaced, p.phone, p.address)]
    values += [str(v) for rows, _, _ in lists.values() for r in rows[1:] for v in (r[0], r[2], r[3])]
    return made, values


def session25_seeds(seed: int) -> tuple[dict[str, tuple[str, bytes]], list[str]]:
    """Session 25 (damage25): hand-aligned lists of 15 persons whose name and kana columns are padded with U+3000
    (aligned, and pushed into a one-blank gap), mixed U+3000 and ASCII padding, and the same list a line a cell in one
    column of an .xlsx (tests/test_damage25.py's writer)."""
    import io

    import openpyxl

    from tests.document_data import people_rows
    from tests.test_damage25 import padded_list

    full = {0: "full", 1: "full"}
    lists = {"fixed-full15": (people_rows(15, seed=seed + 15), "aligned", full),
             "fixed-fullpushed15": (people_rows(15, seed=seed + 25), "pushed", full),
             "fixed-mixed15": (people_rows(15, seed=seed + 35), "aligned", {0: "mixed", 1: "mixed"})}
    made = {k: (".txt", padded_list(rows, kind, hows, seed=seed).encode("cp932"))
            for k, (rows, kind, hows) in lists.items()}
    wb = openpyxl.Workbook()
    for line in padded_list(lists["fixed-full15"][0], "aligned", full).split("\r\n"):
        if line:
            wb.active.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    made["onecol-xlsx15"] = (".xlsx", buf.getvalue())
    values = [str(v) for rows, _, _ in lists.values() for r in rows[1:] for v in (r[0], r[2], r[3])]
    return made, values


def fixed_shifts(data: bytes, rng: random.Random) -> Iterator[Mutant]:
    """A fixed-width text's own damage: one data line with 1 or 3 bytes lost at a gap, or 2 blanks added (its later
    columns shifted; fixed23's mini-sweep), on four lines picked at random."""
    lines = data.split(b"\r\n")
    body = [i for i, ln in enumerate(lines) if i and ln.strip()]
    for k in rng.sample(body, min(4, len(body))):
        ln = lines[k]
        gap = ln.find(b"  ") if b"  " in ln else ln.find(b" ")
        if gap < 0:
            continue
        for name, new in (("lose1", ln[:gap] + ln[gap + 1:]), ("lose3", ln[:gap] + ln[gap + 3:]),
                          ("add2", ln[:gap] + b"  " + ln[gap:])):
            yield Mutant(f"{name}@line{k}", b"\r\n".join([*lines[:k], new, *lines[k + 1:]]))


def _qcow2(rows: list[list[str]], work: Path) -> bytes | None:
    """A small compressed QCOW2 (``qemu-img convert -c``) of an 8 MiB FAT volume holding the person list as a cp932
    CSV, made the same on every run (mkfs.vfat --invariant, a fixed volume id and file time); None without qemu-img,
    mkfs.vfat or mcopy (said on stderr)."""
    import os
    import subprocess

    from tests.pii_data import csv_bytes

    where = work / "qcow"
    where.mkdir(parents=True, exist_ok=True)
    img, csv = where / "vol.img", where / "meibo.csv"
    csv.write_bytes(csv_bytes(rows, "cp932"))
    os.utime(csv, (1577836800, 1577836800))
    with open(img, "wb") as f:
        f.truncate(8 << 20)
    try:
        for cmd in (["mkfs.vfat", "--invariant", "-i", "1234abcd", str(img)],
                    ["mcopy", "-m", "-i", str(img), str(csv), "::meibo.csv"],
                    ["qemu-img", "convert", "-q", "-c", "-O", "qcow2", "-o", "cluster_size=4096", str(img),
                     str(where / "vol.qcow2")]):
            subprocess.run(cmd, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"qcow2 seed not made: {type(e).__name__}", file=sys.stderr)
        return None
    return (where / "vol.qcow2").read_bytes()


def session18_seeds(seed: int, work: Path) -> tuple[dict[str, tuple[str, bytes]], list[str]]:
    """({format: (extension, bytes)}, their clear values) for the readers of session 18 (damage19): a Word 97-2003
    ``.doc`` table (also renamed .dat), Word 2003 XML (.xml and .doc), an OpenOffice.org 1 ``.sxw``, a flat ``.fodt``
    under .xml, Access databases holding a person workbook as an OLE object (Packager) and a person CSV as an
    attachment (tests/test_access18.py's), a compressed QCOW2 holding a person CSV."""
    from tests.docs18_data import sxw_with_table, wordml_with_table
    from tests.document_data import doc_with_table, fodt_with_table, people_rows
    from tests.pii_data import people, standard, xlsx_bytes
    from tests.test_access18 import access_package, attachment_database, attachment_value, ole_database

    rows = people_rows(30, seed=seed)
    doc = doc_with_table(rows)
    wordml = wordml_with_table(rows)
    inner = standard(people(20, seed=seed % 1000 + 7))
    outer = standard(people(12, seed=seed % 1000 + 8))
    book = access_package("顧客名簿.xlsx", xlsx_bytes({"名簿": inner}))
    csv = "\r\n".join(",".join(str(v) for v in r) for r in inner).encode("cp932")
    out: dict[str, tuple[str, bytes]] = {
        "w97-doc": (".doc", doc),
        "w97-as-dat": (".dat", doc),
        "wordml-xml": (".xml", wordml),
        "wordml-doc": (".doc", wordml),
        "sxw": (".sxw", sxw_with_table(rows)),
        "fodt-xml": (".xml", fodt_with_table(rows)),
        "access-ole": (".mdb", ole_database(outer, {2: book})),
        "access-attach": (".accdb", attachment_database(attachment_value("名簿.csv", csv))),
    }
    image = _qcow2(rows, work)
    if image is not None:
        out["qcow2-compressed"] = (".qcow2", image)
    secrets = [v for r in rows[1:] for v in (r[0], r[0].replace(" ", "").replace("\u3000", ""), r[2], r[3])]
    secrets += [str(v) for r in (*inner[1:], *outer[1:]) for v in (r[1], r[6], r[7])]
    return out, secrets


def _stream_ranges(data: bytes, storage: str) -> list[tuple[int, int]]:
    """(start, end) byte ranges of the sectors holding the streams under ``storage`` (a storage of an OLE2 file, e.g.
    an embedded object's ``MBD0001A2B3``): where damage inside the embedded object lands."""
    import olefile

    out: list[tuple[int, int]] = []
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        for path in ole.listdir():
            if path[0] != storage and storage not in path:
                continue
            entry = ole.direntries[ole._find(path)]
            if entry.size < ole.minisectorcutoff:
                continue
            sect, size = entry.isectStart, ole.sectorsize
            while 0 <= sect < len(ole.fat) and sect < 0xFFFFFFFA:
                out.append(((sect + 1) * size, (sect + 2) * size))
                sect = ole.fat[sect]
    return out


def session19_seeds(seed: int, work: Path) -> tuple[dict[str, tuple[str, bytes]], dict[str, dict[str, bytes]],
                                                    list[str]]:
    """({format: (extension, bytes)}, {format: {file name: bytes}}, their clear values) for the readers of session 19
    (damage20): XML record exports (elements, attributes, ADO, DataSet; Shift_JIS, EUC-JP, UTF-16: scanner/
    xmlrecords.py), DIF (scanner/dif.py), an .xls and a .doc holding an embedded Word document (scanner/cfbwrite.py),
    each also renamed .dat; groups of files: a .dbf with its .fpt/.dbt memo file (also the table renamed .dat) and md
    raid5/raid6 members holding a FAT volume with a person CSV (also renamed .dat)."""
    from tests import xml19_data as X
    from tests.damage_data import dbf_with_memo
    from tests.document_data import people_rows
    from tests.pii_data import people
    from tests.test_containers import compound, word_doc, workbook_stream
    from tests.test_office_objects import word_object
    from tests.test_wild19 import _dif

    people_x = X.make_people(30, seed=seed)
    rows = people_rows(30, seed=seed)
    texts = {"xml-elements": X.elements(people_x).encode(),
             "xml-attributes": X.attributes(people_x).encode(),
             "xml-ado": X.ado(people_x).encode(),
             "xml-dataset": X.dataset(people_x).encode(),
             "xml-sjis": X.elements(people_x, encoding="Shift_JIS").encode("cp932"),
             "xml-eucjp": X.elements(people_x, encoding="EUC-JP").encode("euc_jp"),
             "xml-utf16": X.elements(people_x, encoding="UTF-16").encode("utf-16")}
    out: dict[str, tuple[str, bytes]] = {}
    for fmt, data in texts.items():
        out[fmt] = (".xml", data)
        out[f"{fmt}-as-dat"] = (".dat", data)
    dif = _dif([["氏名", "住所", "電話番号"], *[[r[0], r[2], r[3]] for r in rows[1:]]])
    out["dif"] = (".dif", dif)
    out["dif-as-dat"] = (".dat", dif)
    sheet = workbook_stream(people(3, seed=seed % 1000 + 51))
    xls = compound({"Workbook": sheet, "MBD0001A2B3": word_object()})
    doc = word_doc({"_1345470949": word_object()})
    out["objects-xls"] = (".xls", xls)
    out["objects-xls-as-dat"] = (".dat", xls)
    out["objects-doc"] = (".doc", doc)
    out["objects-doc-as-dat"] = (".dat", doc)
    groups: dict[str, dict[str, bytes]] = {}
    memo_rows = [["NAME", "KANA", "ADDRESS", "TEL"], *rows[1:]]
    for kind, memo_ext in (("fpt", ".fpt"), ("dbt3", ".dbt"), ("dbt4", ".dbt")):
        table, memo = dbf_with_memo(memo_rows, kind)
        groups[f"memo-{kind}"] = {"kokyaku.dbf": table, f"kokyaku{memo_ext}": memo}
    table, memo = dbf_with_memo(memo_rows, "fpt")
    groups["memo-fpt-as-dat"] = {"kokyaku.dat": table, "kokyaku.fpt": memo}
    for fmt, members in _md_members(rows, work).items():
        groups[fmt] = members
        groups[f"{fmt}-as-dat"] = {k.replace(".img", ".dat"): v for k, v in members.items()}
    secrets = [v for r in rows[1:] for v in (r[0], r[0].replace(" ", "").replace("\u3000", ""), r[2], r[3])]
    secrets += [v for p in people_x for v in (p.name, p.address, p.phone)]
    return out, groups, secrets


def _md_members(rows: list[list[str]], work: Path) -> dict[str, dict[str, bytes]]:
    """{format: {member name: bytes}}: md raid5 (3 members, metadata 1.2) and raid6 (4 members, metadata 1.0)
    holding a 4 MiB FAT volume with the person list as a cp932 CSV (tests/md_data.py's writer); {} without mtools."""
    from tests.image_data import fat_image
    from tests.md_data import write_members
    from tests.pii_data import csv_bytes

    where = work / "md"
    where.mkdir(parents=True, exist_ok=True)
    try:
        volume = fat_image(where / "vol.img", {"名簿.csv": csv_bytes(rows, "cp932")}, size_mib=4, bits=12,
                           mtime=1577836800).read_bytes()
    except Exception as e:  # noqa: BLE001 - a missing tool: said, the group left out
        print(f"md seeds not made: {type(e).__name__}", file=sys.stderr)
        return {}
    out = {}
    for fmt, level, n, version, chunk in (("md-raid5", 5, 3, "1.2", 64 * 1024), ("md-raid6", 6, 4, "1.0", 32 * 1024)):
        folder = where / fmt
        folder.mkdir(exist_ok=True)
        paths = write_members(folder, volume, level, n, chunk=chunk, version=version, stem=fmt)
        out[fmt] = {p.name: p.read_bytes() for p in paths}
    return out


def series_seeds(seed: int) -> dict[str, dict[str, bytes]]:
    """{format: {piece name: bytes}}: an archive of people cut into pieces, three namings."""
    from tests.pii_data import csv_bytes

    csv = csv_bytes(F.person_rows(300, seed), "utf-8")
    seven, zipped = _seven(csv, "顧客.csv"), _zip({"顧客.csv": csv})

    def cut(data: bytes, n: int, name: Callable[[int], str]) -> dict[str, bytes]:
        size = -(-len(data) // n)
        return {name(i): data[i * size:(i + 1) * size] for i in range(n)}

    return {"series-7z-001": cut(seven, 3, lambda i: f"x.7z.{i + 1:03d}"),
            "series-zip-aa": cut(zipped, 3, lambda i: f"x.zip.a{chr(97 + i)}"),
            "series-7z-part": cut(seven, 3, lambda i: f"x.7z.part{i + 1}")}


# ---------------------------------------------------------------- damage at structural boundaries

_MARKS: dict[str, list[bytes]] = {
    "sql": [b";\n", b";\r\n", b"\nINSERT", b"\nCOPY", b"\n\\.", b"\nCREATE", b"\nGO", b"),(", b"','"],
    "json": [b"},", b"}\n", b'":', b"[", b"]"],
    "rtf": [b"{\\object", b"\\objdata", b"\\objclass", b"}}", b"{\\result", b"\\row", b"\\cell ", b"\\trowd"],
    "pdf": [b" obj", b"stream\r\n", b"stream\n", b"endstream", b"xref", b"trailer", b"startxref", b"/EmbeddedFile"],
    "zip": [b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06", b"PK\x07\x08"],
    "bz2": [b"1AY&SY", b"\x17rE8P\x90"],
    "mail": [b"\nFrom ", b"\n--", b"\r\n--", b"\n\n", b"\r\n\r\n", b"Content-Type", b"base64"],
    "sylk": [b"\nC;", b"\nF;", b"\nB;", b"\nE", b";K", b'"\r\n'],
    "xml": [b"<table:table-row", b"</table:table-cell>", b"<text:p>", b"</office:text>", b"<w:tr>", b"</w:tc>",
            b"<w:t>", b"</w:tbl>"],
    "records": ["<利用者>".encode(), "</利用者>".encode(), "<住所>".encode(), b"<row ", b"<z:row ", b"<Table>", b"</Table>",
                b"<rs:data>", b"</xs:schema>", b"<row ".decode().encode("utf-16-le"), "<利用者>".encode("cp932"),
                "<利用者>".encode("euc_jp"), "<利用者>".encode("utf-16-le")],
    "dif": [b"\r\nBOT", b"\r\n-1,0", b"\r\n1,0", b'"\r\n', b"\r\nDATA", b"\r\nEOD"],
    "stats": [b"\x02\x00\x00\x00", b"\x03\x00\x00\x00", b"\xe7\x03\x00\x00", b"<variable_labels>", b"<data>",
              b"<strls>", b"HEADER RECORD", b"</header>"],
}


def _family(fmt: str) -> list[str]:
    fams = []
    for key, fam in (("sql", "sql"), ("json", "json"), ("rtf", "rtf"), ("pdf", "pdf"), ("zip", "zip"),
                     ("bz2", "bz2"), ("mbox", "mail"), ("eml", "mail"), ("mht", "mail"), ("stats", "stats"),
                     ("sylk", "sylk"), ("jsonc", "json"), ("mongosh", "json"), ("pydict", "json"), ("jar", "zip"),
                     ("xlsx", "zip"), ("docx", "zip"), ("odt", "zip"), ("doc-rtf", "rtf"), ("fodt", "xml"), ("wordml", "xml"), ("sxw", "zip"), ("pptx", "zip"), ("ods", "zip"), ("xlsb", "zip"),
                     ("xml-", "records"), ("dif", "dif")):
        if key in fmt:
            fams.append(fam)
    return fams


def boundaries(fmt: str, data: bytes, rng: random.Random, most: int) -> list[int]:
    """Cut points: small header offsets, every structural mark of the format's family (sampled down to ``most``),
    line starts of a text, 512-byte sectors of an OLE2 file, 512-byte tar headers after decompression apart."""
    n = len(data)
    points = {k for k in (1, 2, 3, 4, 8, 12, 16, 24, 32, 48, 64, 100, 128, 176, 256, 512, 1024) if k < n}
    points |= {n - k for k in (1, 2, 4, 16, 22, 64) if n - k > 0}
    marks: set[int] = set()
    for fam in _family(fmt):
        for mark in _MARKS[fam]:
            for m in re.finditer(re.escape(mark), data):
                marks |= {m.start(), m.start() + 1, m.end()}
    if data[:8] == bytes.fromhex("d0cf11e0a1b11ae1"):
        marks |= set(range(512, n, 512))
    if fmt.startswith("dbf") and n > 12:  # each field descriptor, the header's end, each record's start
        header_len, record_len = int.from_bytes(data[8:10], "little"), max(1, int.from_bytes(data[10:12], "little"))
        step = 48 if data[0] in (0x04, 0x8C) else 32
        marks |= set(range(step, header_len, step)) | set(range(header_len, n, record_len))
    if fmt.startswith("access"):  # each page (Jet 3: 2 KiB, Jet 4 and ACE: 4 KiB)
        marks |= set(range(2048 if data[0x14:0x15] == b"\x00" else 4096, n, 2048 if data[0x14:0x15] == b"\x00"
                           else 4096))
    if fmt.startswith("qcow2") and n > 32:  # each cluster, the L1 table's start
        marks |= set(range(1 << int.from_bytes(data[20:24], "big"), n, 1 << int.from_bytes(data[20:24], "big")))
        marks.add(int.from_bytes(data[40:48], "big"))
    if not marks and b"\n" in data[:4096]:  # a text: every line start
        marks |= {m.end() for m in re.finditer(rb"\n", data)}
    marks = {m for m in marks if 0 < m < n}
    picked = sorted(marks) if len(marks) <= most else sorted(rng.sample(sorted(marks), most))
    return sorted(points | set(picked))


def flips(data: bytes, rng: random.Random, seeds: int) -> Iterator[Mutant]:
    n = len(data)
    head = min(n, 1024)
    for s in range(seeds):
        b = bytearray(data)
        at = rng.randrange(head) if s % 3 == 0 else (rng.randrange(max(0, n - 1024), n) if s % 3 == 1
                                                      else rng.randrange(n))
        b[at] ^= 1 + rng.randrange(255)
        yield Mutant(f"flip1-s{s}@{at}", bytes(b))
        b = bytearray(data)
        for _ in range(8):
            b[rng.randrange(n)] ^= 1 << rng.randrange(8)
        yield Mutant(f"flip8-s{s}", bytes(b))


def blocks(data: bytes, rng: random.Random) -> Iterator[Mutant]:
    n = len(data)
    for size in (16, 512, 4096):
        if size >= n:
            continue
        at = rng.randrange(n - size)
        yield Mutant(f"zero{size}@{at}", data[:at] + bytes(size) + data[at + size:])
        at = rng.randrange(n - size)
        yield Mutant(f"dup{size}@{at}", data[:at + size] + data[at:at + size] + data[at + size:])


def text_mix(data: bytes, rng: random.Random) -> Iterator[Mutant]:
    """Encodings mixed within one text: its tail re-encoded, a row in another encoding in its middle."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return
    enc = F._guess(data)
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return
    lines = text.splitlines(keepends=True)
    if len(lines) < 4:
        return
    k = rng.randrange(1, len(lines))
    for other in ("cp932", "utf-8", "euc_jp"):
        if other != enc:
            yield Mutant(f"mix-tail-{other}", "".join(lines[:k]).encode(enc)
                         + "".join(lines[k:]).encode(other, "replace"))
    m = rng.randrange(1, len(lines))
    other = "cp932" if enc == "utf-8" else "utf-8"
    yield Mutant(f"mix-line-{other}", "".join(lines[:m]).encode(enc) + lines[m].encode(other, "replace")
                 + "".join(lines[m + 1:]).encode(enc))


def mutants(fmt: str, data: bytes, rng: random.Random, cuts: int, flip_seeds: int) -> list[Mutant]:
    made = [Mutant(f"cut@{k}", data[:k]) for k in boundaries(fmt, data, rng, cuts)]
    made += list(flips(data, rng, flip_seeds))
    made += list(blocks(data, rng))
    if fmt.startswith("fixed"):  # fixed-width lists: a row's bytes lost or added (damage24)
        made += list(fixed_shifts(data, rng))
    if fmt.startswith(("sql", "json", "mbox", "csv", "fixed", "sylk", "mongosh", "pydict", "carrier", "contacts",
                       "doc-fodt", "wordml", "fodt-xml", "xml-", "dif")) or (
            fmt.startswith(("corpus", "extra")) and b"\x00" not in data[:4096]):
        made += list(text_mix(data, rng))
    if fmt.startswith("objects"):  # damage inside the embedded Word document's storage (damage20)
        inside = _stream_ranges(data, "MBD0001A2B3" if b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in data
                                else "ObjectPool")
        for s in range(flip_seeds):
            lo, hi = inside[rng.randrange(len(inside))]
            at = rng.randrange(lo, hi)
            b = bytearray(data)
            b[at] ^= 1 + rng.randrange(255)
            made.append(Mutant(f"object-flip1-s{s}@{at}", bytes(b)))
            b = bytearray(data)
            for _ in range(8):
                lo, hi = inside[rng.randrange(len(inside))]
                b[rng.randrange(lo, hi)] ^= 1 << rng.randrange(8)
            made.append(Mutant(f"object-flip8-s{s}", bytes(b)))
        for lo, hi in rng.sample(inside, min(4, len(inside))):
            made.append(Mutant(f"object-zero512@{lo}", data[:lo] + bytes(hi - lo) + data[hi:]))
            made.append(Mutant(f"object-cut@{lo + 100}", data[:lo + 100]))
    return made


def series_mutants(pieces: dict[str, bytes], rng: random.Random) -> Iterator[tuple[str, dict[str, bytes]]]:
    names = sorted(pieces)
    for name in names:
        data = pieces[name]
        for k in (1, 100, len(data) // 2, len(data) - 1):
            yield f"{name}:cut@{k}", {**pieces, name: data[:k]}
        for s in range(2):
            b = bytearray(data)
            at = rng.randrange(len(b))
            b[at] ^= 1 + rng.randrange(255)
            yield f"{name}:flip-s{s}@{at}", {**pieces, name: bytes(b)}
        at = rng.randrange(max(1, len(data) - 512))
        yield f"{name}:zero512@{at}", {**pieces, name: data[:at] + bytes(min(512, len(data) - at)) + data[at + 512:]}
        yield f"{name}:removed", {k: v for k, v in pieces.items() if k != name}


def _md_places(member: bytes) -> tuple[int, int]:
    """(superblock offset, data offset) of an md member written by tests/md_data.py (metadata 1.x)."""
    at = member.find(b"\xfc\x4e\x2b\xa9")
    return at, int.from_bytes(member[at + 128:at + 136], "little") * 512


def group_mutants(fmt: str, pieces: dict[str, bytes], rng: random.Random, flip_seeds: int
                  ) -> Iterator[tuple[str, dict[str, bytes]]]:
    """Damaged copies of a group of files (damage20): a .dbf and its memo file (the memo, the table, both), md
    members (each member's superblock, data and parity cut, flipped, zeroed; a member removed)."""
    def flip(data: bytes, at: int) -> bytes:
        b = bytearray(data)
        b[at] ^= 1 + rng.randrange(255)
        return bytes(b)

    def zero(data: bytes, at: int, size: int) -> bytes:
        return data[:at] + bytes(min(size, len(data) - at)) + data[at + size:]

    if not fmt.startswith("md-"):
        table = next(k for k in pieces if not k.endswith((".fpt", ".dbt")))
        memo = next(k for k in pieces if k != table)
        t, m = pieces[table], pieces[memo]
        header_len, record_len = int.from_bytes(t[8:10], "little"), int.from_bytes(t[10:12], "little")
        block = 64 if memo.endswith(".fpt") else (512 if t[0] == 0x83 else int.from_bytes(m[20:22], "little") or 512)
        memo_cuts = sorted({1, 4, 8, 16, 100, 511, 512, 513, *rng.sample(range(513, len(m)), min(12, len(m) - 513)),
                            *list(range(block, len(m), block))[-4:], len(m) - 1})
        for k in memo_cuts:
            yield f"memo:cut@{k}", {**pieces, memo: m[:k]}
        for k in sorted({1, 16, 31, 32, header_len - 1, header_len, header_len + record_len * 5, len(t) - 1}):
            yield f"table:cut@{k}", {**pieces, table: t[:k]}
        for s in range(flip_seeds):
            at = rng.randrange(len(m)) if s % 3 else rng.randrange(min(len(m), 600))
            yield f"memo:flip1-s{s}@{at}", {**pieces, memo: flip(m, at)}
            at = rng.randrange(len(t)) if s % 3 else rng.randrange(header_len)
            yield f"table:flip1-s{s}@{at}", {**pieces, table: flip(t, at)}
            at, at2 = rng.randrange(len(t)), rng.randrange(len(m))
            yield f"both:flip1-s{s}@{at},{at2}", {table: flip(t, at), memo: flip(m, at2)}
        for size in (16, 512):
            at = rng.randrange(512, len(m) - size)
            yield f"memo:zero{size}@{at}", {**pieces, memo: zero(m, at, size)}
            at = rng.randrange(header_len, len(t) - size)
            yield f"table:zero{size}@{at}", {**pieces, table: zero(t, at, size)}
        yield f"both:cut@{len(t) // 2},{len(m) // 2}", {table: t[:len(t) // 2], memo: m[:len(m) // 2]}
        yield "memo:removed", {table: t}
        yield "table:removed", {memo: m}
        return
    from tests.md_data import _stripe_roles

    names = sorted(pieces)
    level, n = (5, 3) if "raid5" in fmt else (6, 4)
    chunk = 64 * 1024 if level == 5 else 32 * 1024
    mark = "東京都".encode("cp932")  # the CSV's text: where the person rows lie on a member
    for i, name in enumerate(names):
        data = pieces[name]
        sb, data_at = _md_places(data)
        yield f"{name}:sb-cut@{sb + 100}", {**pieces, name: data[:sb + 100]}
        yield f"{name}:cut-half", {**pieces, name: data[:len(data) // 2]}
        for s in range(2):
            at = sb + rng.randrange(256)
            yield f"{name}:sb-flip-s{s}@{at}", {**pieces, name: flip(data, at)}
        row = data.find(mark, data_at)  # the person CSV, if on this member
        if row >= 0:
            stripe = (row - data_at) // chunk
            held, p, q = _stripe_roles(level, 2, n, stripe)
            kind = "data" if i in held else "parity-p" if i == p else "parity-q"  # Q equals D0 where D1.. are 0
            yield f"{name}:{kind}-flip@{row}", {**pieces, name: flip(data, row)}
            yield f"{name}:{kind}-zero4096@{row}", {**pieces, name: zero(data, row - row % 4096, 4096)}
            for role, member in (("p", p), ("q", q)):
                if member is not None and member != i:
                    other = names[member]
                    yield (f"{other}:parity-{role}-zero4096@{row}",
                           {**pieces, other: zero(pieces[other], row - row % 4096, 4096)})
                    if i == 0:
                        yield (f"{other}:parity-{role}-zero4096+{name}:removed",
                               {k: (zero(v, row - row % 4096, 4096) if k == other else v)
                                for k, v in pieces.items() if k != name})
        at = data_at + rng.randrange(min(chunk, len(data) - data_at))
        yield f"{name}:data-flip1@{at}", {**pieces, name: flip(data, at)}
        b = bytearray(data)
        for _ in range(8):
            b[rng.randrange(data_at, len(data) - 65536)] ^= 1 << rng.randrange(8)
        yield f"{name}:data-flip8", {**pieces, name: bytes(b)}
        yield f"{name}:removed", {k: v for k, v in pieces.items() if k != name}


# ---------------------------------------------------------------- run


_PLAIN_CLASSIFY = F.classify
_PLAIN_CRASHED = F.crashed


def crashed(scan: dict) -> bool:
    """fuzz_campaign's test, but exit 3 (an incomplete scan: a disk image or another source not wholly examined, its
    findings written) is no crash: it is what a damaged image should give (damage19: every damaged QCOW2 counted as
    a crash and its batch re-scanned one file a scan)."""
    if scan["rc"] == 3 and scan["findings"] is not None:
        return _PLAIN_CRASHED({**scan, "rc": 0})
    return _PLAIN_CRASHED(scan)


def classify_folder(folder: str, scan: dict, secrets: list[str]) -> tuple[str, dict]:
    """A series folder: its pieces' rows count for it."""
    outcome, info = _PLAIN_CLASSIFY(folder, scan, secrets)
    if outcome != "clean":
        return outcome, info
    f = scan["findings"] or {}
    hits = [h for h in f.get("files", []) if h["path"].startswith(folder + "/")]
    skips = [s for s in f.get("skipped", []) if s["path"].startswith(folder + "/")]
    records = sum((h.get("pii") or {}).get("records", 0) for h in hits)
    info = {"records": records, "skips": sorted({s["reason"] for s in skips})[:4],
            "status": sorted({h.get("status", "ok") for h in hits})}
    if skips or any(h.get("status", "ok") != "ok" for h in hits):
        return "listed", info
    return ("hit-ok" if records else "hit-no-records" if hits else "clean"), info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=20261216)
    ap.add_argument("--batch", type=int, default=40)
    ap.add_argument("--cuts", type=int, default=24, help="structural cut points per seed (sampled)")
    ap.add_argument("--flips", type=int, default=9, help="flip seeds per seed (each: 1 byte and 8 bits)")
    ap.add_argument("--parse-timeout", type=float, default=10)
    ap.add_argument("--formats", default="new",
                    help="new (sessions 14-15 readers and series), s16, s17, s18, s19, s24, s25 (that session's readers), old "
                         "(fuzz_campaign's seeds), all, or a list (groups or formats)")
    ap.add_argument("--extra", type=Path, action="append", default=[],
                    help="a folder of third-party files, each a seed (with --formats corpus: ../shared/corpus's "
                         "spreadsheets and these)")
    ap.add_argument("--matrix-only", action="store_true")
    args = ap.parse_args(argv)
    work: Path = args.work
    if args.matrix_only:
        F.write_matrix(work, 0)
        write_said(work)
        return 0
    gen = work / "gen"
    gen.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    want = args.formats
    singles: dict[str, tuple[str, bytes]] = {}
    series: dict[str, dict[str, bytes]] = {}
    groups: dict[str, dict[str, bytes]] = {}  # files that belong together: a table and its memo, md members
    secrets = F.secrets_of(args.seed)
    if want == "corpus":
        singles.update({k: v for k, v in F.corpus_seeds().items()
                        if v[0].lower() in (".xls", ".xlsx", ".xlsb", ".ods", ".csv") and v[1]})  # its spreadsheets
        for folder in args.extra:
            singles.update({f"extra-{p.stem[:40]}": (p.suffix.lower(), p.read_bytes())
                            for p in sorted(folder.rglob("*")) if p.is_file() and p.stat().st_size < 2 << 20})
    else:
        named = {"new", "old", "s16", "s17", "s18", "s19", "s24", "s25", "all"}
        asked = set(want.split(",")) if want != "all" else named
        listed = not asked <= named  # a list of formats: every group made, then kept by name
        if asked & {"new", "all"} or listed:
            singles.update(new_seeds(gen, args.seed))
            series.update(series_seeds(args.seed))
        for group, make in (("s16", lambda: session16_seeds(args.seed)), ("s17", lambda: session17_seeds(args.seed)),
                            ("s18", lambda: session18_seeds(args.seed, gen))):
            if group in asked or "all" in asked or listed:
                made, values = make()
                singles.update(made)
                secrets += [v for v in values if len(v) >= 4]
        if asked & {"s24", "all"} or listed:
            made24, values24 = session24_seeds(args.seed)
            singles.update(made24)
            secrets += [v for v in values24 if len(v) >= 4]
        if asked & {"s25", "all"} or listed:
            made25, values25 = session25_seeds(args.seed)
            singles.update(made25)
            secrets += [v for v in values25 if len(v) >= 4]
        if asked & {"s19", "all"} or listed:
            made, grouped, values = session19_seeds(args.seed, gen)
            singles.update(made)
            groups.update(grouped)
            secrets += [v for v in values if len(v) >= 4]
        if asked & {"old", "all"} or listed:
            singles.update({k: v for k, v in F.seeds(gen, args.seed).items() if not k.startswith("img-")
                            and not k.startswith("pst-")})
        if listed:
            keep = asked
            singles = {k: v for k, v in singles.items() if k in keep or k.split("-")[0] in keep}
            series = {k: v for k, v in series.items() if k in keep or "series" in keep}
            groups = {k: v for k, v in groups.items() if k in keep or k.split("-")[0] in keep}
    files: list[tuple[str, str, str, Path]] = []
    batches = work / "batches"
    for fmt, (ext, data) in sorted(singles.items()):
        rng = random.Random(f"{args.seed}:{fmt}")
        for i, m in enumerate([Mutant("seed", data), *mutants(fmt, data, rng, args.cuts, args.flips)]):
            files.append((fmt, m.name, ext, F._place(batches, len(files), args.batch, fmt, i, ext, m.data)))
    for fmt, pieces in sorted(series.items()):
        rng = random.Random(f"{args.seed}:{fmt}")
        for i, (name, made) in enumerate([("seed", pieces), *series_mutants(pieces, rng)]):
            folder = batches / f"b{len(files) // args.batch:04d}" / f"{fmt}-{i:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            for piece, data in made.items():
                (folder / piece).write_bytes(data)
            files.append((fmt, name, "/", folder))
    for fmt, pieces in sorted(groups.items()):
        rng = random.Random(f"{args.seed}:{fmt}")
        for i, (name, made) in enumerate([("seed", pieces), *group_mutants(fmt, pieces, rng, args.flips)]):
            folder = batches / f"b{len(files) // args.batch:04d}" / f"{fmt}-{i:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            for piece, data in made.items():
                (folder / piece).write_bytes(data)
            files.append((fmt, name, "/", folder))
    print(f"{len(singles)} seeds, {len(series) + len(groups)} series and groups, {len(files)} files, made in "
          f"{time.monotonic() - started:.0f} s", flush=True)
    F.classify = _classify_any(F.classify)
    F.crashed = crashed
    F.scan_all(files, work, args, secrets, started)
    write_said(work)
    return 0


SAID = ("all-read", "fewer-said", "fewer-unsaid", "nothing", "crash", "hang", "leak")


def said(outcome: str, records: int, whole: int) -> str:
    """One damaged copy in four words (damage18): all its seed's people read (listed or not), fewer read and the file
    listed (said), fewer read and not listed (unsaid), nothing (neither a hit nor listed); a crash, hang or leak by
    its name (damage19: were one word, ``bad``)."""
    if outcome in ("crash", "hang", "leak"):
        return outcome
    if outcome in ("clean", "silent", "empty"):
        return "nothing"
    if records >= whole:
        return "all-read"
    return "fewer-said" if outcome == "listed" else "fewer-unsaid"


def write_said(work: Path) -> None:
    """said.md: format x (all-read, fewer-said, fewer-unsaid, nothing, crash, hang, leak) from results.jsonl;
    unsaid.tsv lists the copies that ended in any of the last five."""
    rows = {}
    for line in (work / "results.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        rows[r["id"]] = r
    whole = {r["format"]: r.get("records", 0) for r in rows.values() if r["damage"] == "seed"}
    table: dict[str, dict[str, int]] = {}
    with (work / "unsaid.tsv").open("w", encoding="utf-8") as f:
        for r in sorted(rows.values(), key=lambda r: r["id"]):
            word = said(r["outcome"], r.get("records", 0), whole.get(r["format"], 0))
            table.setdefault(r["format"], dict.fromkeys(SAID, 0))[word] += 1
            if word not in ("all-read", "fewer-said") and (whole.get(r["format"], 0) or word in SAID[4:]):
                f.write(f"{word}\t{r['format']}\t{r['damage']}\t{r.get('records', 0)}\t{r['path']}\n")
    total = dict.fromkeys(SAID, 0)
    lines = ["| format | seed people | " + " | ".join(SAID) + " |", "|---|---|" + "---|" * len(SAID)]
    for fmt, c in sorted(table.items()):
        lines.append(f"| {fmt} | {whole.get(fmt, 0)} | " + " | ".join(str(c[w]) for w in SAID) + " |")
        for w in SAID:
            total[w] += c[w]
    lines.append("| all | | " + " | ".join(str(total[w]) for w in SAID) + " |")
    (work / "said.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def _classify_any(plain: Classify) -> Classify:
    def classify(path: str, scan: dict, secrets: list[str]) -> tuple[str, dict]:
        if Path(path).is_dir():
            return classify_folder(path, scan, secrets)
        return plain(path, scan, secrets)
    return classify


if __name__ == "__main__":
    raise SystemExit(main())
