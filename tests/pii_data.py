"""Generated personal-records workbooks and look-alikes for the issue-3 tests (Faker ja_JP, fixed seed).

Layouts are lists of rows; writers turn them into .xlsx (openpyxl), .xls (xlwt), .ods (a minimal
OpenDocument zip written here, no LibreOffice) and CSV in the encodings Japanese offices produce.
``labelled_corpus`` builds >= 100 files, each with the answer the detector must give.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from scanner.demo import Person, make_people

Rows = list[list[object]]
TITLE = "介護予防事業 利用者名簿（平成28年11月現在）"


def people(n: int, seed: int = 3) -> list[Person]:
    return make_people(n, seed)


def _split_name(p: Person) -> tuple[str, str]:
    fam, giv = p.name.split(" ", 1)
    return fam, giv


def _split_address(p: Person) -> tuple[str, str]:
    """住所1 = prefecture + municipality + town, 住所2 = block numbers (as a clerk would type them)."""
    a = p.address
    for i, ch in enumerate(a):
        if ch.isdigit():
            return a[:i], a[i:]
    return a, ""


# --- positive layouts (name + address records) ------------------------------------------------------

def standard(ps: list[Person]) -> Rows:
    rows: Rows = [["No", "氏名", "フリガナ", "性別", "生年月日", "郵便番号", "住所", "電話番号", "要介護度"]]
    rows += [[i, p.name, p.kana, p.sex, p.birth, p.postcode, p.address, p.phone, p.care] for i, p in enumerate(ps, 1)]
    return rows


def titled(ps: list[Person]) -> Rows:
    """Title in A1, a blank row, the header in row 3 (the leaked file's shape)."""
    return [[TITLE], [], *standard(ps)]


def split_columns(ps: list[Person]) -> Rows:
    rows: Rows = [["姓", "名", "セイ", "メイ", "〒", "住所１", "住所２", "TEL"]]
    for p in ps:
        fam, giv = _split_name(p)
        kf, kg = p.kana.split(" ", 1)
        a1, a2 = _split_address(p)
        rows.append([fam, giv, kf, kg, p.postcode, a1, a2, p.phone])
    return rows


def bracket_headers(ps: list[Person]) -> Rows:
    rows: Rows = [["【利用者氏名】", "ふりがな", "（現住所）", "生年月日", "携帯"]]
    rows += [[p.name, p.kana, p.address, _wareki(p.birth), p.phone] for p in ps]
    return rows


def english(ps: list[Person]) -> Rows:
    rows: Rows = [["First Name", "Last Name", "Address 1", "Address 2", "City", "Postal Code", "Phone"]]
    for p in ps:
        fam, giv = _split_name(p)
        a1, a2 = _split_address(p)
        rows.append([giv, fam, a2, "", a1, p.postcode, p.phone])
    return rows


def headerless(ps: list[Person]) -> Rows:
    """No header at all: names, addresses and phone numbers."""
    return [[p.name, p.address, p.phone] for p in ps]


def _wareki(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    for era, start in (("令和", 2019), ("平成", 1989), ("昭和", 1926), ("大正", 1912)):
        if d.year >= start:
            y = d.year - start + 1
            return f"{era}{'元' if y == 1 else y}年{d.month}月{d.day}日"
    return f"明治{d.year - 1867}年{d.month}月{d.day}日"


POSITIVE: dict[str, Callable[[list[Person]], Rows]] = {
    "standard": standard, "titled": titled, "split": split_columns, "brackets": bracket_headers,
    "english": english, "headerless": headerless,
}


# --- look-alikes (must not be hits) ------------------------------------------------------------------

def staff_list(ps: list[Person]) -> Rows:
    return [["氏名", "フリガナ", "所属", "内線"]] + [[p.name, p.kana, "介護課", 200 + i] for i, p in enumerate(ps)]


def facility_list(ps: list[Person]) -> Rows:
    rows: Rows = [["施設名", "所在地", "電話番号", "定員"]]
    kinds = ["デイサービスセンター", "ケアホーム", "訪問介護事業所", "グループホーム"]
    rows += [[f"{p.address[3:6]}{kinds[i % 4]}", p.address, p.phone, 20 + i] for i, p in enumerate(ps)]
    return rows


def empty_template(ps: list[Person]) -> Rows:
    return [[TITLE], [], ["No", "氏名", "フリガナ", "性別", "生年月日", "郵便番号", "住所", "電話番号"],
            *[[i, "", "", "", "", "", "", ""] for i in range(1, 11)]]


def inventory(ps: list[Person]) -> Rows:
    items = ["車椅子", "歩行器", "介護ベッド", "ポータブルトイレ", "手すり"]
    rows: Rows = [["品名", "数量", "保管場所", "担当者名", "備考"]]
    rows += [[items[i % 5], i + 1, f"{p.address[:6]}倉庫{i % 3 + 1}番棚", p.name, ""] for i, p in enumerate(ps)]
    return rows


def product_list(n: int, seed: int = 7) -> Rows:
    """A purchase list of ``n`` rows (items, amounts, ISO dates): no person and no hint of one (pii._HINTS)."""
    items = ["コピー用紙", "トナー", "ファイル", "封筒", "ボールペン", "付箋", "電池", "マスク"]
    rnd = random.Random(seed)
    rows: Rows = [["品名", "数量", "単価", "金額", "購入日", "備考"]]
    for _ in range(n):
        q, p = rnd.randint(1, 50), rnd.randint(100, 20000)
        rows.append([rnd.choice(items), q, p, q * p, f"20{rnd.randint(14, 23)}-{rnd.randint(1, 12):02d}-"
                     f"{rnd.randint(1, 28):02d}", rnd.choice(["", "至急", "追加"])])
    return rows


def postal_reference(ps: list[Person]) -> Rows:
    """Japan Post KEN_ALL-like rows: codes, kana, prefecture, municipality, town; no people."""
    towns = ["飯田橋", "一番町", "岩本町", "内神田", "内幸町", "大手町", "鍛冶町", "霞が関"]
    return [[13101, "100  ", f"10{i:05d}", "ﾄｳｷｮｳﾄ", "ﾁﾖﾀﾞｸ", "ｲｲﾀﾞﾊﾞｼ", "東京都", "千代田区", towns[i % 8], 0, 0, 1]
            for i in range(len(ps))]


def names_only(ps: list[Person]) -> Rows:
    return [["No", "氏名", "性別", "年齢"]] + [[i, p.name, p.sex, 70 + i % 20] for i, p in enumerate(ps, 1)]


def addresses_only(ps: list[Person]) -> Rows:
    return [["配送先住所", "件数"]] + [[p.address, i] for i, p in enumerate(ps, 1)]


def budget(ps: list[Person]) -> Rows:
    return [["項目", "金額"], ["消耗品", 12000], ["研修", 30000], ["旅費", 8000]]


NEGATIVE: dict[str, Callable[[list[Person]], Rows]] = {
    "staff": staff_list, "facility": facility_list, "template": empty_template, "inventory": inventory,
    "postal": postal_reference, "names_only": names_only, "addresses_only": addresses_only, "budget": budget,
}


# --- writers ---------------------------------------------------------------------------------------
# Fixtures never depend on the clock (Session 14): a writer that stamps "now" (openpyxl's created/modified
# properties and zip entry times, Python's zipfile for a str member name, gzip's header) made the same fixture
# differ from run to run, so damage at a fixed offset landed on different structures each run.
FIXED_TIME = dt.datetime(2024, 4, 1, 9, 0, 0)
ZIP_TIME = FIXED_TIME.timetuple()[:6]
_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def zip_bytes(members: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED,
              stored: tuple[str, ...] = ("mimetype",)) -> bytes:
    """A zip of ``members`` in order, every entry dated FIXED_TIME (``stored`` names kept uncompressed)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED if name in stored else compression
            z.writestr(info, data)
    return buf.getvalue()


def steady_zip(data: bytes) -> bytes:
    """A zip a library wrote (openpyxl, python-docx ...) with its clock-dependent parts fixed: every entry dated
    FIXED_TIME, the created/modified dates of docProps/core.xml set to FIXED_TIME; member order, names and
    compression kept."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for old in src.infolist():
            body = src.read(old)
            if old.filename == "docProps/core.xml":
                body = _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(2), body)
            info = zipfile.ZipInfo(old.filename, ZIP_TIME)
            info.compress_type, info.external_attr = old.compress_type, old.external_attr
            dst.writestr(info, body)
    return out.getvalue()


def xlsx_bytes(sheets: dict[str, Rows]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.created = wb.properties.modified = FIXED_TIME  # openpyxl sets modified to "now" on save too
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return steady_zip(buf.getvalue())


def xlsb_bytes(sheets: dict[str, Rows]) -> bytes:
    from pyxlsbwriter import XlsbWriter

    buf = io.BytesIO()
    with XlsbWriter(buf) as w:
        for name, rows in sheets.items():
            w.add_sheet(name)
            w.write_sheet(rows)
    return buf.getvalue()


def xls_bytes(sheets: dict[str, Rows]) -> bytes:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        ws = wb.add_sheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v not in ("", None):
                    ws.write(r, c, v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ods_bytes(sheets: dict[str, Rows]) -> bytes:
    """A minimal OpenDocument spreadsheet (mimetype first and stored, content.xml, manifest)."""
    body = []
    for name, rows in sheets.items():
        body.append(f'<table:table table:name="{escape(name)}">')
        for row in rows:
            body.append("<table:table-row>")
            for v in row:
                if isinstance(v, int | float) and not isinstance(v, bool):
                    body.append(f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p>'
                                "</table:table-cell>")
                elif v in ("", None):
                    body.append("<table:table-cell/>")
                else:
                    body.append(f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p>'
                                "</table:table-cell>")
            body.append("</table:table-row>")
        body.append("</table:table>")
    return ods_package("".join(body))


ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def ods_package(tables: str) -> bytes:
    """An .ods around ``tables`` (the <table:table> elements' XML): mimetype first and stored, content, manifest."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS} office:version="1.2">'
               f'<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>'
               "</office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    return zip_bytes({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": content,
                      "META-INF/manifest.xml": manifest})


def csv_bytes(rows: Rows, encoding: str = "cp932", delimiter: str = ",", newline: str = "\r\n") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    text = buf.getvalue()
    if encoding == "utf-16le-bom":
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode(encoding)


def encrypted_xlsx(plain: bytes, password: str = "secret") -> bytes:
    """Password-protect an .xlsx the way Excel does (Agile encryption in an OLE2 container)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt(password, out)
    return out.getvalue()


# --- labelled corpus ----------------------------------------------------------------------------------

FORMATS = ("xlsx", "xls", "ods", "csv-cp932", "csv-utf8bom", "tsv-utf16", "csv-eucjp", "csv-cr", "dat")


def write_format(rows: Rows, fmt: str, sheet: str = "名簿") -> tuple[str, bytes]:
    """(extension, bytes) of ``rows`` in one of FORMATS."""
    if fmt == "xlsx":
        return ".xlsx", xlsx_bytes({sheet: rows})
    if fmt == "dat":  # a workbook renamed to .dat
        return ".dat", xlsx_bytes({sheet: rows})
    if fmt == "xls":
        return ".xls", xls_bytes({sheet: rows})
    if fmt == "ods":
        return ".ods", ods_bytes({sheet: rows})
    if fmt == "csv-cp932":
        return ".csv", csv_bytes(rows, "cp932")
    if fmt == "csv-utf8bom":
        return ".csv", csv_bytes(rows, "utf-8-sig")
    if fmt == "tsv-utf16":
        return ".txt", csv_bytes(rows, "utf-16le-bom", "\t")
    if fmt == "csv-eucjp":
        return ".csv", csv_bytes(rows, "euc_jp")
    if fmt == "csv-cr":
        return ".csv", csv_bytes(rows, "cp932", newline="\r")
    raise ValueError(fmt)


@dataclass(frozen=True)
class Labelled:
    path: Path
    positive: bool
    records: int  # expected record count (0 for look-alikes)


def labelled_corpus(root: Path, seed: int = 11) -> list[Labelled]:
    """Every layout in every format, with varying sizes: >= 100 files and their expected answers."""
    rnd = random.Random(seed)
    pool = people(60, seed)
    out: list[Labelled] = []
    for fmt in FORMATS:
        for kind, layouts, positive in (("pos", POSITIVE, True), ("neg", NEGATIVE, False)):
            for name, layout in layouts.items():
                n = rnd.randint(3, 25)
                ps = rnd.sample(pool, n)
                ext, data = write_format(layout(ps), fmt)
                path = root / fmt / f"{kind}_{name}{ext}"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                out.append(Labelled(path, positive, n if positive else 0))
    return out


def records_of(path: Path) -> list:
    """The clear person records the spreadsheet inspector reads from one file. A scan never hands these
    over (its workers return keyed fingerprints, ``ScanResult.prints``): tests of the records read them here."""
    from scanner.config import ScanConfig
    from scanner.inspectors.spreadsheet import SpreadsheetInspector
    from scanner.persons.reread import path_entry

    inspector = SpreadsheetInspector(ScanConfig(sources=[str(path)], out=path.parent / "out"))
    return list(inspector.inspect(path_entry(str(path)), path.read_bytes(), "", None).records or [])
