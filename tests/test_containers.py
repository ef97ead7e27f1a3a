"""Containers under a table's name, and objects embedded in legacy and OpenDocument files (session 6).

An insider hides a client list by renaming the archive that holds it (``list.csv`` that is a zip), a mail
system saves a zipped attachment under the name of its content, an export is gzip-compressed but keeps its
``.csv`` name: such a file is opened as the archive it is, whatever its name, and its members are examined
one container hop deeper (``list.csv » 顧客.xlsx``). An OOXML or OpenDocument package stays a workbook.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.pii_data import csv_bytes, ods_bytes, people, standard, xls_bytes, xlsx_bytes, zip_bytes

ZIPPED, GZIPPED, BZIPPED, XZIPPED, MAILED = 30, 24, 18, 12, 16


def _zip(members: dict[str, bytes]) -> bytes:
    return zip_bytes(members, stored=())


def _scan(share: Path, out: Path, *args: str) -> dict:
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet", *args)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert (out / "findings.json").exists(), proc.stderr
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _hits(doc: dict) -> dict[str, dict]:
    return {f["path"]: f for f in doc["files"]}


def _skips(doc: dict) -> dict[str, dict]:
    return {s["path"]: s for s in doc["skipped"]}


def renamed_files() -> dict[str, bytes]:
    """The files of the ``renamed`` share (byte-identical from run to run: no clock in them)."""
    files: dict[str, bytes] = {}
    roster = xlsx_bytes({"名簿": standard(people(ZIPPED, seed=31))})
    files["list.csv"] = _zip({"顧客.xlsx": roster})  # an archive renamed to hide it
    mailed = csv_bytes(standard(people(MAILED, seed=32)))
    files["顧客.xlsx"] = _zip({"顧客一覧.csv": mailed})  # a zipped attachment saved as .xlsx
    files["old.xls"] = _zip({"2017/顧客.xlsx": roster})
    files["export.csv"] = gzip.compress(csv_bytes(standard(people(GZIPPED, seed=33))), mtime=0)
    files["export_b.csv"] = bz2.compress(csv_bytes(standard(people(BZIPPED, seed=34))))
    files["export_x.tsv"] = lzma.compress(csv_bytes(standard(people(XZIPPED, seed=35)), delimiter="\t"))
    whole = _zip({"顧客.xlsx": roster})
    files["cut.csv"] = whole[: len(whole) // 3]  # damaged: the directory and most data lost
    cut_gzip = gzip.compress(csv_bytes(standard(people(200, seed=36))), mtime=0)
    files["cut_export.csv"] = cut_gzip[: len(cut_gzip) // 2]
    files["old_report.doc"] = _zip({"顧客.xlsx": roster})  # an archive under a document's name
    files["real.csv"] = roster  # a workbook named .csv is still read as the workbook it is
    return files


def _write(share: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (share / name).write_bytes(data)


@pytest.fixture(scope="module")
def renamed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    share = tmp_path_factory.mktemp("renamed") / "share"
    share.mkdir()
    _write(share, renamed_files())
    out = tmp_path_factory.mktemp("renamed-out")
    return share, _scan(share, out)


def test_zip_renamed_as_a_table_is_opened_with_a_container_hop(renamed: tuple[Path, dict]) -> None:
    share, doc = renamed
    hits = _hits(doc)
    hit = hits[f"{share}/list.csv » 顧客.xlsx"]
    assert hit["pii"]["records"] == ZIPPED
    assert hit["container"][0]["kind"] == "archive" and hit["container"][0]["name"] == f"{share}/list.csv"
    assert hit["container"][0]["detail"]["format"] == "zip"
    assert hits[f"{share}/顧客.xlsx » 顧客一覧.csv"]["pii"]["records"] == MAILED
    assert hits[f"{share}/old.xls » 2017/顧客.xlsx"]["pii"]["records"] == ZIPPED
    assert hits[f"{share}/old_report.doc » 顧客.xlsx"]["pii"]["records"] == ZIPPED
    skipped = _skips(doc)
    for name in ("list.csv", "顧客.xlsx", "old.xls"):  # no longer "unsupported: zip file that is not a workbook"
        assert f"{share}/{name}" not in skipped, skipped.get(f"{share}/{name}")


def test_compressed_table_keeps_its_name_inside(renamed: tuple[Path, dict]) -> None:
    share, doc = renamed
    hits = _hits(doc)
    for name, n, fmt in (("export.csv", GZIPPED, "gzip"), ("export_b.csv", BZIPPED, "bzip2"),
                         ("export_x.tsv", XZIPPED, "xz")):
        hit = hits[f"{share}/{name} » {name}"]
        assert hit["pii"]["records"] == n, name
        assert hit["container"][-1]["detail"]["format"] == fmt
        assert f"{share}/{name}" not in _skips(doc)


def test_damaged_renamed_archives_are_listed(renamed: tuple[Path, dict]) -> None:
    share, doc = renamed
    skipped = _skips(doc)
    cut = [s for p, s in skipped.items() if p.startswith(f"{share}/cut.csv")]
    assert cut and all(s["reason"] == "corrupt" and s["detail"] for s in cut), cut
    # a cut gzip: what inflated before the cut is read, and the file is listed as damaged
    assert skipped[f"{share}/cut_export.csv"]["reason"] == "corrupt"
    part = _hits(doc)[f"{share}/cut_export.csv » cut_export.csv"]
    assert 0 < part["pii"]["records"] < 200 and part["status"] == "corrupt"


def test_workbook_under_a_table_name_stays_a_workbook(renamed: tuple[Path, dict]) -> None:
    share, doc = renamed
    hit = _hits(doc)[f"{share}/real.csv"]
    assert hit["pii"]["records"] == ZIPPED and hit["pii"]["format"] == "xlsx"
    assert not [p for p in _hits(doc) if p.startswith(f"{share}/real.csv » ")]


# ---------------------------------------------------------------- objects in legacy and OpenDocument files

DOC_XLS, DOC_XLSX, DOC_NATIVE, PPT_N, RTF_XLS, RTF_XLSX, RTF_NATIVE, ODT_ODS, ODT_OLE = 11, 13, 64, 15, 17, 19, 62, 21, 23
XLS_N = 9
LEAK = "介護予防_利用者名簿.csv"
FREE, END = 0xFFFFFFFF, 0xFFFFFFFE


def compound(tree: dict) -> bytes:
    """A compound file (version 3) of nested storages (dicts) and streams (bytes), as Word keeps an
    ObjectPool: written here from [MS-CFB], independently of leakscan. Streams are at least 4,096 bytes
    (payloads are made that large), so no mini stream is needed; siblings are chained to the right."""
    entries: list[list] = []  # name, type, right, child, start, size
    body = bytearray()

    def add(name: str, node: dict | bytes, kind: int | None = None) -> int:
        idx = len(entries)
        entries.append([name, kind or (1 if isinstance(node, dict) else 2), FREE, FREE, 0, 0])
        if isinstance(node, dict):
            kids = [add(k, v) for k, v in node.items()]
            for a, b in zip(kids, kids[1:], strict=False):
                entries[a][2] = b
            entries[idx][3] = kids[0] if kids else FREE
            entries[idx][4] = END
        else:
            assert len(node) >= 4096, name
            entries[idx][4], entries[idx][5] = len(body) // 512, len(node)
            body.extend(node + b"\x00" * (-len(node) % 512))
        return idx

    add("Root Entry", tree, kind=5)
    directory = bytearray()
    for name, kind, right, child, start, size in entries:
        e = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        e[:len(encoded)] = encoded
        struct.pack_into("<HBBIII", e, 0x40, len(encoded), kind, 1, FREE, right, child)
        struct.pack_into("<II", e, 0x74, start, size)
        directory += e
    directory += b"\x00" * (-len(directory) % 512)
    data_n, dir_n = len(body) // 512, len(directory) // 512
    fat_n = 1
    while data_n + dir_n + fat_n > fat_n * 128:
        fat_n += 1
    # chains: every stream's sectors run on to the next; each stream ends its own chain
    ends = {e[4] + (e[5] + 511) // 512 - 1 for e in entries if e[1] == 2}
    fat = [END if i in ends else i + 1 for i in range(data_n)]
    fat += [data_n + i + 1 for i in range(dir_n - 1)] + [END] + [0xFFFFFFFD] * fat_n
    fat += [FREE] * (fat_n * 128 - len(fat))
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 0x2C, fat_n, data_n, 0, 4096, END, 0, END, 0)
    struct.pack_into("<109I", header, 0x4C, *([data_n + dir_n + i for i in range(fat_n)] + [FREE] * (109 - fat_n)))
    return bytes(header) + bytes(body) + bytes(directory) + struct.pack(f"<{len(fat)}I", *fat)


def native(label: str, data: bytes) -> bytes:
    """An OLE 1.0 Package stream as the Windows Packager writes a dropped file ([MS-OLEDS] OLENativeStream)."""
    name = label.encode("cp932") + b"\x00"
    temp = ("C:\\Users\\staff\\AppData\\Local\\Temp\\" + label).encode("cp932") + b"\x00"
    body = (struct.pack("<H", 2) + name + name + struct.pack("<HH", 0, 3) + struct.pack("<I", len(temp)) + temp
            + struct.pack("<I", len(data)) + data)
    return struct.pack("<I", len(body)) + body


def word_doc(objects: dict[str, dict]) -> bytes:
    """A Word 97 letter (a FIB, its text and piece table: word18 reads every .doc's tables) and ``objects``."""
    import olefile

    from tests.document_data import doc_bytes

    with olefile.OleFileIO(io.BytesIO(doc_bytes([("月例報告です。\r", "para", 0, ())] * 600))) as ole:
        tree: dict = {"WordDocument": ole.openstream("WordDocument").read(), "1Table": ole.openstream("1Table").read()}
    if objects:
        tree["ObjectPool"] = objects
    return compound(tree)


def _record(ver_instance: int, rec_type: int, body: bytes) -> bytes:
    return struct.pack("<HHI", ver_instance, rec_type, len(body)) + body


def slides_ppt(embedded: bytes | None) -> bytes:
    """A PowerPoint 97-2003 stream: the DocumentContainer (DocumentAtom, and an ExObjList with an
    ExOleEmbedContainer when an object is embedded), slide filler, then the ExOleObjStg record, zlib-compressed as PowerPoint writes it."""
    atom = _record(0x0001, 0x03E9, bytes(40))
    embed = _record(0x000F, 0x0FCC, _record(0x0000, 0x0FCD, bytes(12)))  # ExOleEmbedContainer, ExOleEmbedAtom
    objects = _record(0x000F, 0x0409, _record(0x0000, 0x040A, bytes(4)) + embed) if embedded else b""
    stream = _record(0x000F, 0x03E8, atom + objects) + _record(0x000F, 0x03EE, bytes(6000))
    if embedded:
        stream += _record(0x0010, 0x1011, struct.pack("<I", len(embedded)) + zlib.compress(embedded))
    stream += _record(0x0000, 0x0FF5, bytes(28))  # UserEditAtom
    return compound({"PowerPoint Document": stream.ljust(4096, b"\x00"), "Current User": bytes(4096)})


def ole1(klass: str, native_data: bytes) -> bytes:
    """An OLE 1.0 EmbeddedObject as RTF's \\objdata holds it ([MS-OLEDS] 2.2.5)."""
    name = klass.encode("ascii") + b"\x00"
    return (struct.pack("<II", 0x0501, 2) + struct.pack("<I", len(name)) + name + struct.pack("<II", 0, 0)
            + struct.pack("<I", len(native_data)) + native_data)


def rtf(objects: list[tuple[str, bytes]]) -> bytes:
    """An RTF letter with each object as Word writes it: hex in lines of 128 digits, a \\result picture group."""
    parts = [b"{\\rtf1\\ansi\\ansicpg932\\deff0{\\fonttbl{\\f0\\fnil MS Mincho;}}\\pard \\u26376?\\u20363?\\par "]
    for klass, native_data in objects:
        digits = ole1(klass, native_data).hex()
        lines = "\r\n".join(digits[i:i + 128] for i in range(0, len(digits), 128))
        parts.append(b"{\\object\\objemb{\\*\\objclass " + klass.encode() + b"}\\objw1440\\objh720{\\*\\objdata \r\n"
                     + lines.encode() + b"\r\n}{\\result {\\pict\\wmetafile8 0100}}}")
    return b"".join(parts) + b"\\par }"


def odt(members: dict[str, bytes]) -> bytes:
    """An OpenDocument text (mimetype first and stored), with the given object members."""
    return zip_bytes({
        "mimetype": "application/vnd.oasis.opendocument.text",
        "content.xml": '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:'
                       'opendocument:xmlns:office:1.0"><office:body><office:text/></office:body></office:document-content>',
        **members, "META-INF/manifest.xml": "<manifest/>"})


def workbook_stream(ps: list) -> bytes:
    """The Workbook stream of an .xls: what Word keeps in the object's storage (the storage is the workbook's
    compound file, inside the document's)."""
    import olefile

    with olefile.OleFileIO(io.BytesIO(xls_bytes({"名簿": standard(ps)}))) as ole:
        return ole.openstream("Workbook").read()


def ole_package(payload: bytes) -> bytes:
    return compound({"\x01CompObj": bytes(4096), "Package": payload})


def document_files() -> dict[str, bytes]:
    """The files of the ``documents`` share: documents with objects, and plain ones (byte-identical from run to
    run: no clock in them)."""
    files: dict[str, bytes] = {}
    listing = csv_bytes(standard(people(DOC_NATIVE, seed=43)))
    files["report.doc"] = word_doc({
        "_1345470949": {"\x01CompObj": bytes(4096), "Workbook": workbook_stream(people(DOC_XLS, seed=41))},
        "_1345471034": {"Package": xlsx_bytes({"名簿": standard(people(DOC_XLSX, seed=42))})},
        "_1345471035": {"\x01Ole10Native": native(LEAK, listing)},
    })
    files["plain.doc"] = word_doc({})
    files["budget.xls"] = compound({  # an Excel 97-2003 workbook embedding another (MBD storage)
        "Workbook": workbook_stream(people(3, seed=51)),
        "MBD0001A2B3": {"\x01CompObj": bytes(4096), "Package": xlsx_bytes({"名簿": standard(people(XLS_N, seed=52))})},
    })
    files["deck.ppt"] = slides_ppt(ole_package(xlsx_bytes({"名簿": standard(people(PPT_N, seed=44))})))
    files["plain.ppt"] = slides_ppt(None)
    files["letter.rtf"] = rtf([
        ("Excel.Sheet.8", xls_bytes({"名簿": standard(people(RTF_XLS, seed=45))})),
        ("Excel.Sheet.12", ole_package(xlsx_bytes({"名簿": standard(people(RTF_XLSX, seed=46))}))),
        ("Package", native(LEAK, csv_bytes(standard(people(RTF_NATIVE, seed=47))))[4:]),
    ])
    files["saved_as.doc"] = rtf([("Excel.Sheet.8", xls_bytes({"名簿": standard(people(RTF_XLS, seed=45))}))])
    files["plain.rtf"] = b"{\\rtf1\\ansi the word \\\\objdata in a letter\\par }" * 3
    ods = ods_bytes({"名簿": standard(people(ODT_ODS, seed=48))})
    with zipfile.ZipFile(io.BytesIO(ods)) as z:
        sub = z.read("content.xml")
    files["minutes.odt"] = odt({
        "Object 1/content.xml": sub, "Object 1/styles.xml": b"<office:document-styles/>",
        "ObjectReplacements/Object 1": b"\x01\x00\x09\x00",
        "Object 2": ole_package(xlsx_bytes({"名簿": standard(people(ODT_OLE, seed=49))})),
    })
    files["plain.odt"] = odt({})
    with zipfile.ZipFile(io.BytesIO(ods_bytes({"予算": [["項目", "金額"], ["備品", 1200]]}))) as z:
        book = {name: z.read(name) for name in z.namelist()}
    book["Object 1"] = ole_package(xlsx_bytes({"名簿": standard(people(ODT_OLE, seed=50))}))
    files["budget.ods"] = zip_bytes(book)  # a spreadsheet that embeds a workbook
    return files


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    share = tmp_path_factory.mktemp("documents") / "share"
    share.mkdir()
    _write(share, document_files())
    out = tmp_path_factory.mktemp("documents-out")
    return share, _scan(share, out, "--name", LEAK)


def test_workbooks_embedded_in_a_word_97_document(documents: tuple[Path, dict]) -> None:
    share, doc = documents
    hits = _hits(doc)
    xls = hits[f"{share}/report.doc » ObjectPool/_1345470949/Workbook"]
    assert xls["pii"]["records"] == DOC_XLS and xls["pii"]["format"] == "xls"
    assert xls["container"][0]["name"] == f"{share}/report.doc" and xls["container"][0]["detail"]["format"] == "doc"
    assert hits[f"{share}/report.doc » ObjectPool/_1345471034/Package"]["pii"]["records"] == DOC_XLSX
    dropped = hits[f"{share}/report.doc » ObjectPool/_1345471035/{LEAK}"]
    assert dropped["pii"]["records"] == DOC_NATIVE and "name" in dropped["reasons"]


def test_workbook_embedded_in_an_excel_97_workbook(documents: tuple[Path, dict]) -> None:
    share, doc = documents
    hit = _hits(doc)[f"{share}/budget.xls » MBD0001A2B3/Package"]
    assert hit["pii"]["records"] == XLS_N and hit["container"][0]["detail"]["format"] == "xls"
    assert _hits(doc)[f"{share}/budget.xls"]["pii"]["records"] == 3  # the workbook's own sheet is still read


def test_workbook_embedded_in_a_powerpoint_97_deck(documents: tuple[Path, dict]) -> None:
    share, doc = documents
    (path,) = [p for p in _hits(doc) if p.startswith(f"{share}/deck.ppt » ")]
    assert path.endswith(" » Package") and "PowerPoint Document/ExOleObjStg_" in path
    assert _hits(doc)[path]["pii"]["records"] == PPT_N


def test_objects_in_an_rtf_letter(documents: tuple[Path, dict]) -> None:
    share, doc = documents
    hits = _hits(doc)
    assert hits[f"{share}/letter.rtf » object1 (Excel.Sheet.8)"]["pii"]["records"] == RTF_XLS
    assert hits[f"{share}/letter.rtf » object2 (Excel.Sheet.12) » Package"]["pii"]["records"] == RTF_XLSX
    assert hits[f"{share}/letter.rtf » object3/{LEAK}"]["pii"]["records"] == RTF_NATIVE
    assert hits[f"{share}/saved_as.doc » object1 (Excel.Sheet.8)"]["pii"]["records"] == RTF_XLS  # RTF named .doc


def test_objects_in_an_opendocument_text(documents: tuple[Path, dict]) -> None:
    share, doc = documents
    hits = _hits(doc)
    assert hits[f"{share}/budget.ods » Object 1 » Package"]["pii"]["records"] == ODT_OLE
    sheet = hits[f"{share}/minutes.odt » Object 1"]
    assert sheet["pii"]["records"] == ODT_ODS and sheet["pii"]["format"] == "ods"
    assert hits[f"{share}/minutes.odt » Object 2 » Package"]["pii"]["records"] == ODT_OLE


def test_documents_without_objects_add_nothing(documents: tuple[Path, dict]) -> None:
    share, doc = documents
    for name in ("plain.doc", "plain.ppt", "plain.rtf", "plain.odt"):
        assert not [p for p in _hits(doc) if p.startswith(f"{share}/{name}")], name
        assert not [p for p in _skips(doc) if p.startswith(f"{share}/{name}")], name
    assert not doc["skipped"], doc["skipped"]


def test_the_pre_check_opens_only_documents_that_can_hold_an_object(documents: tuple[Path, dict]) -> None:
    """Cheap checks in the walk (a few sectors of the compound file's directory, the head of a presentation,
    ``\\objdata`` in an RTF file): documents without objects are never read by a worker."""
    from scanner.config import ScanConfig
    from scanner.inspectors.archive import ArchiveInspector
    from scanner.sources.local import LocalSource

    share, _ = documents
    inspector = ArchiveInspector(ScanConfig(sources=[str(share)], out=str(share.parent / "unused")))
    wanted = {}
    for entry in LocalSource(str(share)).entries():
        if hasattr(entry, "stat"):
            size = entry.stat().size
            wanted[entry.name] = inspector.wants(entry, size, lambda e=entry: e.open().read(512))
    assert {n for n, w in wanted.items() if w} == {"report.doc", "deck.ppt", "letter.rtf", "minutes.odt", "saved_as.doc"}


def _flip(data: bytes, at: int, n: int = 16) -> bytes:
    return data[:at] + bytes(b ^ 0xA5 for b in data[at:at + n]) + data[at + n:]


def damaged_files(documents: dict[str, bytes]) -> dict[str, bytes]:
    """Damaged copies of every document with objects (``document_files``): cut at several points, bytes flipped
    at random (fixed seeds), plus targeted damage whose outcome is known."""
    import random

    originals = {name: documents[name] for name in ("report.doc", "deck.ppt", "letter.rtf", "minutes.odt")}
    originals["list.csv"] = _zip({"顧客.xlsx": xlsx_bytes({"名簿": standard(people(ZIPPED, seed=31))})})
    made = {}
    rnd = random.Random(61)
    for name, data in originals.items():
        stem, ext = name.rsplit(".", 1)
        for frac in (0.3, 0.6, 0.99):
            made[f"{stem}_cut{int(frac * 100)}.{ext}"] = data[:int(len(data) * frac)]
        for k in range(3):
            flipped = bytearray(data)
            for _ in range(6):
                flipped[rnd.randrange(len(flipped))] ^= 1 << rnd.randrange(8)
            made[f"{stem}_flip{k}.{ext}"] = bytes(flipped)
    doc = originals["report.doc"]
    sheet = doc.find(b"xl/worksheets/sheet1.xml")
    made["report_badpackage.doc"] = _flip(doc, sheet + 40, 200)  # the sheet data of the embedded .xlsx
    deck = originals["deck.ppt"]
    zdata = deck.find(b"\x10\x00\x11\x10") + 14  # inside the compressed object storage
    made["deck_badzlib.ppt"] = _flip(deck, zdata + 20, 64)
    package = ole_package(xlsx_bytes({"名簿": standard(people(PPT_N, seed=44))}))
    root = package.find("Root Entry".encode("utf-16-le"))
    lost = package[:root + 128] + bytes(384) + package[root + 512:]  # the object's streams lost from its directory
    made["deck_nodirectory.ppt"] = slides_ppt(lost)
    minutes = originals["minutes.odt"]
    central = minutes.rfind(b"Object 2")  # its entry in the zip's central directory
    made["minutes_renamed.odt"] = minutes[:central] + b"Objact 2" + minutes[central + 8:]
    made["minutes_notole.odt"] = odt({"Object 2": b"\xd8\xcf\x11\xe0" + bytes(4000)})  # its OLE header damaged
    letter = originals["letter.rtf"]
    second = letter.find(b"\\objdata", letter.find(b"\\objdata") + 1)
    made["letter_cutobject.rtf"] = letter[:second + 3000] + b"}}}"  # the second object's hex ends early
    return made


@pytest.fixture(scope="module")
def damaged(documents: tuple[Path, dict], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    source, _ = documents
    share = tmp_path_factory.mktemp("damaged") / "share"
    share.mkdir()
    made = damaged_files({p.name: p.read_bytes() for p in source.iterdir()})
    _write(share, made)
    out = tmp_path_factory.mktemp("damaged-out")
    return share, _scan(share, out, "--name", LEAK), made


def test_damaged_documents_never_crash_and_known_damage_is_listed(damaged: tuple[Path, dict, dict]) -> None:
    share, doc, _ = damaged
    skipped = _skips(doc)

    def listed(name: str) -> list[dict]:
        return [s for p, s in skipped.items() if p == f"{share}/{name}" or p.startswith(f"{share}/{name} » ")]

    bad = listed("report_badpackage.doc")
    assert bad and bad[0]["reason"] == "corrupt", bad
    assert f"{share}/report_badpackage.doc » ObjectPool/_1345471035/{LEAK}" in _hits(doc)  # the others still read
    (deck,) = listed("deck_badzlib.ppt")
    assert deck["reason"] == "corrupt" and "ppt" in deck["detail"], deck
    (lost,) = listed("deck_nodirectory.ppt")  # an object whose directory lost its streams is no silent clean
    assert lost["reason"] == "corrupt" and "OLE" in lost["detail"], lost
    renamed = listed("minutes_renamed.odt")  # a flipped bit renamed the object in the directory only
    assert [r for r in renamed if r["reason"] == "corrupt" and r["path"] == f"{share}/minutes_renamed.odt"], renamed
    assert f"{share}/minutes_renamed.odt » Object 1" in _hits(doc)  # the other object is still read
    (notole,) = listed("minutes_notole.odt")
    assert notole["reason"] == "corrupt" and "compound-file header" in notole["detail"], notole
    (letter,) = listed("letter_cutobject.rtf")
    assert letter["reason"] == "corrupt" and "object2" in letter["detail"], letter
    assert f"{share}/letter_cutobject.rtf » object1 (Excel.Sheet.8)" in _hits(doc)


def test_every_damaged_copy_that_shows_an_object_is_a_hit_or_listed(damaged: tuple[Path, dict, dict]) -> None:
    """No silent clean: a damaged document whose pre-check saw an object gives hits or is listed."""
    from scanner.config import ScanConfig
    from scanner.inspectors.archive import ArchiveInspector
    from scanner.sources.local import LocalSource

    share, doc, made = damaged
    inspector = ArchiveInspector(ScanConfig(sources=[str(share)], out=str(share.parent / "unused")))
    seen = [p for p in [*_hits(doc), *_skips(doc)]]
    wanted = 0
    for entry in LocalSource(str(share)).entries():
        if not hasattr(entry, "stat") or entry.name.endswith(".csv"):
            continue
        if inspector.wants(entry, entry.stat().size, lambda e=entry: e.open().read(512)):
            wanted += 1
            path = f"{share}/{entry.name}"
            assert [p for p in seen if p == path or p.startswith(path + " » ")], entry.name
    assert wanted >= len([n for n in made if not n.endswith(".csv")]) // 2
    for name in made:
        if name.startswith("list"):  # a renamed zip is read by the spreadsheet inspector's name
            path = f"{share}/{name}"
            assert [p for p in seen if p == path or p.startswith(path + " » ")], name


def test_cut_presentation_holding_an_object_is_listed_not_passed(tmp_path: Path) -> None:
    """A .ppt cut short (a copy that stopped mid-way) loses the compound file's directory, which sits after the
    streams, so the pre-check cannot follow its structure; the object record (ExOleEmbedContainer) is still in
    its bytes. It is opened, and listed as damaged, never passed as a document without objects."""
    share = tmp_path / "share"
    share.mkdir()
    deck = slides_ppt(ole_package(xlsx_bytes({"名簿": standard(people(PPT_N, seed=44))})))
    for frac in (0.3, 0.6, 0.99):
        (share / f"deck_cut{int(frac * 100)}.ppt").write_bytes(deck[:int(len(deck) * frac)])
    doc = _scan(share, tmp_path / "out", "--name", LEAK)
    seen = [*_hits(doc), *_skips(doc)]
    for frac in (30, 60, 99):
        path = f"{share}/deck_cut{frac}.ppt"
        assert [p for p in seen if p == path or p.startswith(path + " » ")], path


def test_presentation_with_header_like_runs_still_gives_its_object() -> None:
    """Thousands of byte runs that look like object storage records, each claiming the rest of the stream (a
    damaged or crafted deck), are passed over one by one (no copy of the stream's rest each: that was quadratic)
    and the real object record after them is still found, whole and once."""
    from scanner.inspectors.archive_members import ArchiveLimits, InflateBudget
    from scanner.inspectors.legacy_embedded import ppt_objects

    obj = ole_package(xlsx_bytes({"名簿": standard(people(PPT_N, seed=44))}))
    fake = (b"\x00\x00\x11\x10" + struct.pack("<I", 0xFFFFFFFF)).ljust(64, b"\x00") * 3000
    real = _record(0x0000, 0x1011, obj)
    stream = _record(0x000F, 0x03E8, _record(0x0001, 0x03E9, bytes(40))) + fake + real
    deck = compound({"PowerPoint Document": stream, "Current User": bytes(4096)})
    caps = ArchiveLimits(100, InflateBudget(1 << 30), 1 << 30)
    found = list(ppt_objects(deck, caps))
    assert [(content, why) for _, content, why in found] == [(obj, "")]
    assert caps.budget.used == len(stream) + len(obj)  # the stream read, then the one object, nothing more


class _Whole:
    """An entry that can only be opened (a local file's stream)."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self.data, self.opened = name, data, False

    def open(self):
        self.opened = True
        return io.BytesIO(self.data)


class _RangedOnly(_Whole):
    """An entry as an SMB file offers it: ``read_range`` for parts besides ``open`` (a stream read whole)."""

    def __init__(self, name: str, data: bytes) -> None:
        super().__init__(name, data)
        self.asked = 0

    def read_range(self, offset: int, length: int) -> bytes:
        self.asked += length
        return self.data[offset:offset + length]


def test_remote_word_document_is_probed_by_ranges_with_the_local_answer() -> None:
    """Over SMB a large .doc is decided from the few sectors of its directory (read_range), never read whole;
    the answer is the one the whole-file check gives, with and without an ObjectPool."""
    from scanner.inspectors.archive import sniff
    from scanner.inspectors.legacy_embedded import may_embed

    pad = bytes(1 << 20)  # a 1 MiB picture stream: the document is far larger than its directory
    with_object = compound({"WordDocument": pad, "1Table": bytes(4096),
                            "ObjectPool": {"_1234": {"Package": ole_package(b"x" * 4096)}}})
    without = compound({"WordDocument": pad, "1Table": bytes(4096)})
    for data, expected in ((with_object, True), (without, False)):
        remote = _RangedOnly("月例報告.doc", data)
        assert may_embed(remote, len(data), 1 << 30, lambda h: sniff(h) is not None) is expected  # type: ignore[arg-type]
        assert not remote.opened and remote.asked < 64 * 1024, remote.asked
        local = _Whole("月例報告.doc", data)
        assert may_embed(local, len(data), 1 << 30, lambda h: sniff(h) is not None) is expected  # type: ignore[arg-type]


def test_one_object_over_the_cap_does_not_cost_the_documents_other_objects() -> None:
    """A Word document holding a large object (over what is left of the archive cap, or an .xls stream over the
    6 MiB a one-level FAT can hold) and a small workbook: the large one is listed, the small one still read."""
    from scanner.inspectors.archive_members import ArchiveLimits, InflateBudget
    from scanner.inspectors.legacy_embedded import doc_objects

    small = xlsx_bytes({"名簿": standard(people(DOC_XLSX, seed=42))})
    doc = word_doc({"_1": {"Package": bytes(400_000)}, "_2": {"Package": small}})
    caps = ArchiveLimits(100, InflateBudget(len(small) + 100_000), 1 << 30)
    found = list(doc_objects(doc, caps))
    assert [content for _, content, _ in found if content is not None] == [small]
    (name, _, why), = [f for f in found if f[1] is None]
    assert name == "ObjectPool/_1" and getattr(why, "reason", None) == "too-large", why


def test_damaged_xls_keeps_the_listing_of_its_damaged_embedded_object(tmp_path: Path) -> None:
    """An .xls whose own sheets are damaged and whose embedded-object storage (MBD...) is damaged too: both are
    said. Before, the object's problem was dropped whenever the workbook itself was already listed."""
    share = tmp_path / "share"
    share.mkdir()
    stream = workbook_stream(people(40, seed=51))
    cut = stream[:len(stream) * 2 // 3].ljust(4096, b"\x00")  # the workbook stream ends mid-way (no EOF)
    (share / "budget.xls").write_bytes(compound({"Workbook": cut, "MBD0001A2B3": {}}))
    doc = _scan(share, tmp_path / "out", "--name", LEAK)
    listed = [s for p, s in _skips(doc).items() if p.startswith(f"{share}/budget.xls")]
    hits = [f for p, f in _hits(doc).items() if p.startswith(f"{share}/budget.xls")]
    details = " ".join(str(x.get("detail", "")) + str(x.get("status_detail", "")) for x in listed + hits)
    assert "MBD0001A2B3" in details, (listed, hits)


def test_an_excel_97_workbook_read_with_its_signature_restored_has_its_objects_examined(tmp_path: Path) -> None:
    """An .xls embedding a workbook (MBD storage) whose OLE2 signature has a flipped byte: read with the signature
    restored (tree13), its embedded workbook is examined as the intact file's is (review13f: left unread, said
    nowhere: the check for objects looked at the damaged bytes)."""
    from tests.conftest import run_cli

    share = tmp_path / "share"
    share.mkdir()
    budget = compound({"Workbook": workbook_stream(people(3, seed=51)), "MBD0001A2B3": {
        "\x01CompObj": bytes(4096), "Package": xlsx_bytes({"名簿": standard(people(XLS_N, seed=52))})}})
    (share / "budget.xls").write_bytes(bytes([budget[0] ^ 0x01]) + budget[1:])
    done = run_cli("scan", str(share), "--out", str(tmp_path / "out"), "--quiet", "--workers", "1")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    hits = _hits(doc)
    own = hits[f"{share}/budget.xls"]
    assert own["status"] == "corrupt" and "signature damaged" in own["status_detail"] and own["pii"]["records"] == 3
    assert hits[f"{share}/budget.xls » MBD0001A2B3/Package"]["pii"]["records"] == XLS_N


def test_fixture_documents_are_the_same_bytes_whatever_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every fixture of this file is built twice, the second time with the clock a day and some seconds later
    (Python's ``time.time`` for zip entry times and gzip headers, ``datetime.now`` for openpyxl's document
    properties): the bytes are the same. Session 13: openpyxl's created/modified time made the damaged copies
    differ per run, so a flip that made a file end as nothing was met by chance and not again."""
    import datetime as dt
    import time

    def build() -> dict[str, bytes]:
        documents = document_files()
        return {**renamed_files(), **documents, **{f"damaged/{k}": v for k, v in damaged_files(documents).items()}}

    first = build()
    real_time, real_datetime = time.time, dt.datetime

    class Later(real_datetime):  # type: ignore[misc,valid-type]
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            return real_datetime.now(tz) + dt.timedelta(days=1, seconds=7)

    monkeypatch.setattr(time, "time", lambda: real_time() + 86_407)
    monkeypatch.setattr(dt, "datetime", Later)
    second = build()
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
