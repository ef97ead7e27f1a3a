"""Files other projects wrote (tecolicom/nenga-print, inaniwaudon/nenga-atena, masaccio/numbers-parser, readr,
textract, jackcess, java-libpst, commons-csv, pyexcel, xlsx2csv, odfpy ...), scanned whole (Session 16, wild16): what
ended unread or was misread, each with its fix."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from faker import Faker

from scanner.detectors.columns import read_header
from tests.conftest import run_leakscan
from tests.test_wild13 import _scan  # findings.json of a CLI scan over a share of files, no traceback

SEED = 20261216


def _people(n: int) -> list[list[object]]:
    """A header and ``n`` fictitious people (Faker ja_JP, fixed seed): name, postcode, address."""
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    return [["氏名", "郵便番号", "住所"], *([fake.name(), fake.postcode(), fake.address()] for _ in range(n))]


def _flipped(data: bytes, ext: str, copies: int, per_copy: int, start: int = 0) -> dict[str, bytes]:
    """``copies`` copies of ``data`` with ``per_copy`` bytes inverted each (fixed seed), past ``start``."""
    import random

    rng = random.Random(SEED)
    out = {}
    for i in range(copies):
        b = bytearray(data)
        for at in rng.sample(range(start, len(b)), per_copy):
            b[at] ^= 0xFF
        out[f"flip{i}{ext}"] = bytes(b)
    return out


def _ended_as_nothing(findings: dict, names: set[str]) -> list[str]:
    """The files of ``names`` with neither records nor a listing (an archive member's outcome counts for it)."""
    def base(path: str) -> str:
        return Path(path.split(" » ")[0]).name

    read = {base(f["path"]) for f in findings["files"] if (f.get("pii") or {}).get("records")}
    return sorted(names - read - {base(s["path"]) for s in findings["skipped"]})


def _address_book(n: int, headers: list[str]) -> str:
    """A New Year's card address book (nenga-print's sample.csv shape): No | 姓 | 名 | 配偶者 | 家族 | 〒 | prefecture |
    municipality | the rest of the address under one header joined of two address words (番地・建物) | 備考."""
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["No", "姓", "名", "配偶者", "家族", "〒", *headers, "備考"])
    for i in range(n):
        w.writerow([i, fake.last_name(), fake.first_name(), fake.first_name() if i % 3 == 0 else "", "",
                    fake.postcode(), fake.prefecture(), fake.city(),
                    f"{fake.town()}{fake.chome()}{fake.ban()}{fake.gou()} {fake.building_name()}{i + 101}号室",
                    "差出人" if i == 0 else ""])
    return out.getvalue()


def test_address_header_joined_of_address_words() -> None:
    """番地・建物, 番地／号室, 丁目・番地・号: each part is an address word only as a whole cell (番地, 建物, 号室), so the
    joined header named nothing, the address was cut to prefecture + municipality ("no address") and the whole
    address book ended as nothing (nenga-print sample.csv, 31 people)."""
    for text in ["番地・建物", "番地／建物", "番地/号室", "番地、建物", "丁目・番地・号室", "番地 ・ 建物"]:
        h = read_header(text)
        assert h is not None and h.field == "address" and not h.role, (text, h)
    # parts that are not all address words are read as before: a name's parts, an address beside a phone, a note
    before = {"姓・名": "name", "住所・電話番号": "phone", "No・番地": None, "備考・番地": None}
    for text, field in before.items():
        h = read_header(text)
        assert (h.field if h is not None else None) == field, (text, h)


def test_address_book_with_joined_header_gives_persons(tmp_path: Path) -> None:
    books = {f"nenga{i}.csv": _address_book(40, ["都道府県", "市区町村", header]).encode("utf-8")
             for i, header in enumerate(["番地・建物", "番地／建物"])}
    books["nenga_sjis.csv"] = _address_book(40, ["都道府県", "市区町村", "番地・建物"]).encode("cp932")
    findings = _scan(tmp_path, books)
    assert not findings["skipped"], findings["skipped"]
    got = {Path(f["path"]).name: f["pii"]["records"] for f in findings["files"]}
    assert got == dict.fromkeys(books, 40), got


def test_address_book_with_joined_header_damaged_copies(tmp_path: Path) -> None:
    """Cut copies (at a line end and inside a row) and byte flips of that address book: records or listed."""
    data = _address_book(40, ["都道府県", "市区町村", "番地・建物"]).encode("cp932")
    copies = {f"cut{i}.csv": data[:at] for i, at in enumerate((len(data) // 2, len(data) // 3, data.rfind(b"\n", 0, 900)))}
    copies |= _flipped(data, ".csv", 3, 8, 200)
    assert not _ended_as_nothing(_scan(tmp_path, copies), set(copies))

def _iwa(payload: bytes) -> bytes:
    """An iWork archive chunk as Numbers writes it: a 0 byte, the chunk's length (3 bytes, little-endian), then
    Snappy data (here one literal: the uncompressed length as a varint, a literal tag, the bytes)."""
    body = bytes([len(payload)]) + bytes([(len(payload) - 1) << 2]) + payload
    return b"\x00" + len(body).to_bytes(3, "little") + body


def test_numbers_saved_as_a_folder_is_listed(tmp_path: Path) -> None:
    """A Numbers document saved as a package folder (masaccio/numbers-parser test-5.numbers/Index/*.iwa, or one
    inside a zip) ended as nothing: the zipped .numbers is listed `unsupported`, its folder's parts were passed as
    unknown binaries. Each part of a Numbers folder is listed now; a Pages document's parts are not tables."""
    share = tmp_path / "share"
    parts = {"顧客.numbers/Index/Document.iwa": _iwa(b"\x08\x01\x12\x05Sheet"),
             "顧客.numbers/Index/Tables/DataList-875166.iwa": _iwa(b"\x08\x02\x12\x06tanaka"),
             "顧客.numbers/Metadata/DocumentIdentifier": b"2D1C6C8E-0F4B-4A7B-9D0E-3C1B2A4F5E6D",
             "letter.pages/Index/Document.iwa": _iwa(b"\x08\x01\x12\x04Text")}
    for name, data in parts.items():
        (share / name).parent.mkdir(parents=True, exist_ok=True)
        (share / name).write_bytes(data)
    with zipfile.ZipFile(share / "backup.zip", "w") as z:
        for name in ("顧客.numbers/Index/Document.iwa", "顧客.numbers/Index/Tables/DataList-875166.iwa"):
            z.writestr(name, parts[name])
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    skipped = {s["path"].replace(str(share) + "/", ""): (s["reason"], s["detail"])
               for s in json.loads((out / "findings.json").read_text())["skipped"]}
    listed = {p for p, (reason, detail) in skipped.items() if reason == "unsupported" and "Numbers" in detail}
    assert listed == {"顧客.numbers/Index/Document.iwa", "顧客.numbers/Index/Tables/DataList-875166.iwa",
                      "backup.zip » 顧客.numbers/Index/Document.iwa",
                      "backup.zip » 顧客.numbers/Index/Tables/DataList-875166.iwa"}, skipped
    assert not any("letter.pages" in p for p in skipped), skipped


def _rtf() -> bytes:
    """An RTF document as Word writes it: a group a line (font, colour and style tables), then its text."""
    lines = [r"{\rtf1\adeflang1025\ansi\ansicpg1252\uc1\adeff0\deff0\stshfdbch15\deflang1033",
             r"{\fonttbl{\f0\fbidi \froman\fcharset0\fprq2{\*\panose 02020603050405020304}Times New Roman;}}",
             r"{\colortbl;\red0\green0\blue0;\red0\green0\blue255;}",
             r"{\stylesheet{\ql \li0\ri0\widctlpar\wrapdefault \fs24\lang1033 \snext0 Normal;}}",
             r"{\*\rsidtbl \rsid1533\rsid2425}{\*\generator Microsoft Word 14.0;}{\info{\title x}}",
             r"\pard\plain \ltrpar\ql This is a document [{see below}] about nothing in particular.\par }"]
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def test_rtf_under_a_text_name_is_no_damaged_json(tmp_path: Path) -> None:
    """textract tests/rtf/raw_text.rtf named .txt was listed `corrupt` "JSON damaged or cut": its lines start
    with `{` and end with `}` (groups), which the JSON Lines sniff took for records. A JSON object opens with `{`
    then a key's quote (or `}`); brace groups of other languages are no JSON."""
    findings = _scan(tmp_path, {"notes.txt": _rtf(), "memo": _rtf(), "doc.dat": _rtf()})
    assert not findings["skipped"], findings["skipped"]


def _gnumeric_old(rows: list[list[str]], ns: str, content: bool) -> bytes:
    """A workbook as Gnumeric 0.x/1.0 wrote it (GNOME/gnumeric samples test-indent.gnumeric: namespace
    http://www.gnome.org/gnumeric/, each cell's value in <gmr:Content>; test-date, hypothetical-sales: .../v6, v7,
    the value as the cell's text)."""
    from xml.sax.saxutils import escape

    def cell(r: int, c: int, v: str) -> str:
        inner = f"<gmr:Content>{escape(v)}</gmr:Content>" if content else escape(v)
        return f'<gmr:Cell Col="{c}" Row="{r}" ValueType="60">{inner}</gmr:Cell>\n'

    cells = "".join(cell(r, c, v) for r, row in enumerate(rows) for c, v in enumerate(row))
    return (f'<?xml version="1.0"?>\n<gmr:Workbook xmlns:gmr="{ns}">\n<gmr:Sheets>\n<gmr:Sheet>\n'
            f"<gmr:Name>名簿</gmr:Name>\n<gmr:Cells>\n{cells}</gmr:Cells>\n</gmr:Sheet>\n</gmr:Sheets>\n"
            "</gmr:Workbook>\n").encode()


def test_gnumeric_workbooks_of_older_versions_are_read(tmp_path: Path) -> None:
    """Gnumeric workbooks saved before 1.2 (namespace www.gnome.org/gnumeric/, /v6, /v7: GNOME/gnumeric samples
    test-indent, test-date, test-format, hypothetical-sales, anova-2w-wrep) were listed `unsupported` "XML that is not
    an Excel 2003 XML Spreadsheet": only the gnumeric.org namespace was taken. Both are read now, gzipped or plain."""
    import gzip

    rows = [[str(v) for v in r] for r in _people(40)]
    books = {"v0.gnumeric": gzip.compress(_gnumeric_old(rows, "http://www.gnome.org/gnumeric/", True), mtime=0),
             "v6.gnumeric": gzip.compress(_gnumeric_old(rows, "http://www.gnome.org/gnumeric/v6", False), mtime=0),
             "v7.gnumeric": _gnumeric_old(rows, "http://www.gnome.org/gnumeric/v7", False)}
    findings = _scan(tmp_path, books)
    assert not findings["skipped"], findings["skipped"]
    got = {Path(f["path"].split(" » ")[0]).name: f["pii"]["records"] for f in findings["files"]}
    assert got == dict.fromkeys(books, 40), got


def test_gnumeric_old_workbook_damaged_copies(tmp_path: Path) -> None:
    """Cuts and flips of an old-namespace Gnumeric workbook (plain and gzipped): records or listed."""
    import gzip

    xml = _gnumeric_old([[str(v) for v in r] for r in _people(40)], "http://www.gnome.org/gnumeric/v7", False)
    copies: dict[str, bytes] = {}
    for i, at in enumerate((len(xml) // 2, len(xml) // 3, len(xml) - 30)):
        copies[f"cut{i}.gnumeric"] = xml[:at]
        copies[f"gzcut{i}.gnumeric"] = gzip.compress(xml, mtime=0)[:at // 3]
    copies |= _flipped(xml, ".gnumeric", 3, 6, 300)
    assert not _ended_as_nothing(_scan(tmp_path, copies), set(copies))

def _sylk(rows: list[list[object]]) -> bytes:
    """A SYLK file as Excel writes it ("SYLK (Symbolic Link) (*.slk)"): the ID record, formats, the bounds record,
    then a C record per cell (Y only when the row changes, X always), a ; inside a text doubled, E last;
    Shift_JIS and CRLF on a Japanese Windows."""
    out = ["ID;PWXL;N;E", "P;PGeneral", "P;FＭＳ Ｐゴシック;M220", "F;P0;DG0G8;M255",
           f"B;Y{len(rows)};X{max(len(r) for r in rows)};D0 0 {len(rows) - 1} {max(len(r) for r in rows) - 1}",
           "O;L;D;V0;K47;G100 0.001"]
    for y, row in enumerate(rows, 1):
        for x, v in enumerate(row, 1):
            value = str(v).replace(";", ";;")
            at = f"Y{y};X{x}" if x == 1 else f"X{x}"
            out.append(f"C;{at};K" + (value if isinstance(v, int) else f'"{value}"'))
    out.append("E")
    return ("\r\n".join(out) + "\r\n").encode("cp932")


def test_sylk_spreadsheets_are_read(tmp_path: Path) -> None:
    """SYLK (.slk, .sylk: GNOME/gnumeric samples/sylk) was listed `unsupported` (.slk) or ended as nothing (.sylk);
    a person list saved as SYLK (Excel, old accounting and payroll programs export it) now gives its persons, under
    those names and under .txt/.csv."""
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    rows: list[list[object]] = [["No", "氏名", "郵便番号", "住所", "電話番号"]]
    rows += [[i, fake.name(), fake.postcode(), fake.address(), fake.phone_number()] for i in range(1, 41)]
    data = _sylk(rows)
    books = {"名簿.slk": data, "名簿.sylk": data, "名簿.txt": data, "名簿.csv": data}
    findings = _scan(tmp_path, books)
    assert not findings["skipped"], findings["skipped"]
    got = {Path(f["path"]).name: f["pii"]["records"] for f in findings["files"]}
    assert got == dict.fromkeys(books, 40), got


def test_sylk_damaged_copies(tmp_path: Path) -> None:
    """Cuts and flips of that SYLK file: records or listed (a cut one `corrupt` sylk-cut with the rows before it)."""
    data = _sylk(_people(40))
    copies = {f"cut{i}.slk": data[:at] for i, at in enumerate((len(data) // 2, len(data) // 3, len(data) - 4, 200))}
    copies |= _flipped(data, ".slk", 4, 8)
    findings = _scan(tmp_path, copies)
    assert not _ended_as_nothing(findings, set(copies))
    cut = {Path(f["path"]).name: f["status"] for f in findings["files"] if Path(f["path"]).name.startswith("cut")}
    assert cut.get("cut0.slk") == "corrupt", cut


def test_a_header_of_field_identifiers_is_no_person(tmp_path: Path) -> None:
    """hamada2029/letterpack_label_csv sample.csv's layout (to_zip, to_add, to_name, to_tel1 ... from_name): no header
    word of ours, so the columns are found by their values, and the header row itself was counted as a person
    (name "to_name" at "to_add"): 41 for 40. A first row whose name and address cells are field identifiers
    (snake_case) is a header."""
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    head = ["to_zip", "to_add", "to_name", "to_tel1", "to_tel2", "to_tel3", "from_zip", "from_add", "from_name", "desc"]
    rows = [head, *([fake.postcode().replace("-", ""), fake.address(), fake.name(), *fake.phone_number().split("-")[:3],
                     "1000001", "東京都千代田区千代田1-1", "差出 太郎", "書類"] for _ in range(40))]
    text = "\r\n".join(",".join(f'"{v}"' for v in r) for r in rows) + "\r\n"
    findings = _scan(tmp_path, {"letterpack.csv": text.encode("utf-8")})
    (hit,) = findings["files"]
    assert hit["pii"]["records"] == 40, hit["pii"]


def test_sylk_escaped_latin_letters_are_letters() -> None:
    """Excel writes é as ESC N B e and £ as ESC N # in SYLK (GNOME/gnumeric encoding.sylk): a Western name keeps
    its letters (was cut: "Jos" for "José")."""
    from scanner.config import ScanConfig
    from scanner.inspectors.spreadsheet import caps_for
    from scanner.tables import read_tables

    data = _sylk([["Name", "City"], ["Jos\x1bNBe M\x1bNHuller", "S\x1bNCao Paulo \x1bN#"]])
    caps = caps_for(ScanConfig(sources=["x"], out=Path("unused"), names=[]), len(data))
    wb = read_tables(data, caps)
    assert wb.format == "sylk" and wb.sheets[0].rows[1] == ["José Müller", "Sâo Paulo £"], wb.sheets[0].rows


def test_a_text_cut_inside_a_quoted_cell_is_listed(tmp_path: Path) -> None:
    """readr chickens.csv (a quoted motto in each row) cut inside its last quoted cell ended as nothing, and a person
    list so cut was `ok` with the rows after the cut silently lost: a quote opened on the last line and never closed,
    with no line end after it, only made a note. It is the text cut inside a row: `corrupt` text-cut-in-quote. A
    stray quote on a line that ends (the file goes on, or ends with its line end) is still read, as before."""
    people = _people(30)
    lines = ["氏名,郵便番号,住所,メモ", *(f'{n},{c},{a},"{a}, {n}"' for n, c, a in people[1:])]
    whole = ("\r\n".join(lines) + "\r\n").encode("cp932")
    cut = whole[:whole.rfind(b", ")]  # inside the last row's quoted memo
    plain = b"chicken,sex,eggs_laid,motto\r\nFoghorn Leghorn,rooster,0,\"That's a joke, son.\"\r\nGinger,hen,12,\"Listen. We"
    stray = ("\r\n".join([*lines[:-1], lines[-1] + ',"note']) + "\r\n").encode("cp932")  # ends with its line end
    # a stray quote 20 lines above the end of a file without a final line end: no cut (the rows after it are read)
    bare = ["氏名,郵便番号,住所,メモ", *(f"{n},{c},{a},-" for n, c, a in people[1:])]
    early = ("\r\n".join([*bare[:10], bare[10] + ',"note', *bare[11:]])).encode("cp932")
    findings = _scan(tmp_path, {"cut.csv": cut, "chickens.csv": plain, "stray.csv": stray, "early.csv": early})
    got = {Path(f["path"]).name: (f["status"], f["pii"]["records"]) for f in findings["files"]}
    listed = {Path(s["path"]).name: s for s in findings["skipped"]}
    assert got.get("cut.csv") == ("corrupt", 30), (got, listed)
    assert got.get("stray.csv") == ("ok", 30), (got, listed)
    assert got.get("early.csv") == ("ok", 30), (got, listed)
    codes = [d["code"] for d in listed.get("chickens.csv", {}).get("detail_codes", [])]
    assert "text-cut-in-quote" in codes, (got, listed)
