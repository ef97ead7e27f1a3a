"""Office 97-2003 compound files whose content ended as nothing or lost its children (ole19).

- A Word document embedded in an .xls (an ``MBD...`` storage), in a .doc (``ObjectPool``) or in a .ppt (a compressed
  ExOleObjStg record) is examined as a child: its storage is written as a compound file of its own
  (scanner.cfbwrite) and read by content, its own objects its children (an .xls with 3 persons and an embedded
  30-person Word table gave 3).
- Content decides, not the name: a .doc saved as .msg is read (was ``corrupt`` without its persons), the objects of a
  .doc or .ppt under another name are its children (they were lost), a .doc whose
  WordDocument name is damaged is listed under any name (under .dat it ended as nothing), an .xls whose Workbook
  stream is zeroed is listed (nothing), a deck encrypted without an EncryptedSummary stream is ``encrypted``
  (nothing).

Generated files are written by tests/test_containers.py's ``compound`` ([MS-CFB] from scratch, no mini stream) and
tests/document_data.py; Apache POI's files are in tests/data/objects (README).
"""

from __future__ import annotations

import gzip
import io
import random
from pathlib import Path

import olefile
import pytest

from scanner.cfbwrite import write_compound
from scanner.inspectors.archive_members import ArchiveLimits, InflateBudget
from scanner.inspectors.legacy_embedded import doc_objects
from scanner.word97 import open_word97
from tests.conftest import scan_findings
from tests.document_data import doc_with_table, people_rows
from tests.pii_data import people
from tests.test_containers import compound, slides_ppt, word_doc, workbook_stream

POI = Path(__file__).parent / "data" / "objects"
WORD_N, SHEET_N, INNER_N = 30, 3, 9


def _pad(data: bytes) -> bytes:
    return data.ljust(4096, b"\x00")  # ``compound`` keeps every stream out of the mini stream


def _comp_obj(user_type: str, prog_id: str) -> bytes:
    """A CompObj stream ([MS-OLEDS] 2.3.8): header, CLSID, user type, clipboard format, ProgID."""
    def text(s: str) -> bytes:
        raw = s.encode("ascii") + b"\x00"
        return len(raw).to_bytes(4, "little") + raw

    return _pad(b"\x01\x00\xfe\xff\x03\x0a\x00\x00\xff\xff\xff\xff" + bytes(16) + text(user_type) + text("MSWordDoc")
                + text(prog_id))


def _streams(data: bytes) -> dict[str, bytes]:
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        return {"/".join(e): ole.openstream(e).read() for e in ole.listdir()}


WORD = _streams(doc_with_table(people_rows(WORD_N, seed=7)))
WORD_CLASS = _comp_obj("Microsoft Word Document", "Word.Document.8")


def word_object(**more: dict | bytes) -> dict:
    """A Word document's storage as an object keeps it: its streams beside the object's CompObj."""
    return {"\x01CompObj": WORD_CLASS, **{k: _pad(v) for k, v in WORD.items()}, **more}


def files() -> dict[str, bytes]:
    sheet = workbook_stream(people(SHEET_N, seed=51))
    inner = {"_1345470950": {"\x01CompObj": _comp_obj("Microsoft Excel Worksheet", "Excel.Sheet.8"),
                             "Workbook": workbook_stream(people(INNER_N, seed=52))}}
    lost = {k if k != "WordDocument" else "WordDocumenX": v for k, v in word_object().items()}
    plain = doc_with_table(people_rows(WORD_N, seed=7))
    damaged = bytearray(plain)
    at = plain.find("WordDocument".encode("utf-16-le"))
    damaged[at] = ord("X")
    with gzip.open(POI / "poi__Password_Protected-np-hello.ppt.gz") as f:
        np_hello = f.read()
    report, deck = word_doc({"_1345470949": word_object()}), slides_ppt(compound(word_object()))
    return {
        "budget.xls": compound({"Workbook": sheet, "MBD0001A2B3": word_object()}),
        "report.doc": report,
        "deck.ppt": deck,
        "報告.dat": report,  # renamed: its objects were lost (the archive inspector opens .doc/.ppt names only)
        "報告.msg": report,
        "資料.dat": deck,
        "資料.msg": deck,
        "nested.xls": compound({"Workbook": sheet, "MBD0001A2B3": word_object(ObjectPool=inner)}),
        "lost.xls": compound({"Workbook": sheet, "MBD0001A2B3": lost}),
        "zeroed.xls": compound({"Workbook": bytes(len(sheet)), "MBD0001A2B3": word_object()}),
        "名簿.msg": plain,
        "名簿.dat": bytes(damaged),
        "名簿.docx": bytes(damaged),
        "名簿.doc": bytes(damaged),
        "np-hello.ppt": np_hello,
    }


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    share = tmp_path_factory.mktemp("objects") / "share"
    share.mkdir()
    for name, data in files().items():
        (share / name).write_bytes(data)
    for gz in sorted(POI.glob("poi__*.gz")):
        if "np-hello" not in gz.name:
            (share / gz.name.removesuffix(".gz")).write_bytes(gzip.decompress(gz.read_bytes()))
    doc = scan_findings(share, tmp_path_factory.mktemp("objects-out"))
    hits = {f["path"].removeprefix(f"{share}/"): f for f in doc["files"]}
    skips = {s["path"].removeprefix(f"{share}/"): s for s in doc["skipped"]}
    return share, hits, skips


def test_word_documents_embedded_in_xls_doc_and_ppt_are_read(scanned: tuple[Path, dict, dict]) -> None:
    _, hits, skips = scanned
    assert hits["budget.xls"]["pii"]["records"] == SHEET_N  # the workbook's own sheet
    assert hits["budget.xls » MBD0001A2B3/WordDocument"]["pii"]["records"] == WORD_N  # was never read
    assert hits["report.doc » ObjectPool/_1345470949/WordDocument"]["pii"]["records"] == WORD_N
    deck = [p for p in hits if p.startswith("deck.ppt » PowerPoint Document/ExOleObjStg_")]
    assert len(deck) == 1 and hits[deck[0]]["pii"]["records"] == WORD_N  # compressed (zlib) in its record
    for name in ("budget.xls", "report.doc", "deck.ppt"):
        assert not [s for s in skips if s.startswith(name)], (name, skips)


def test_an_object_inside_an_embedded_word_document_is_its_child(scanned: tuple[Path, dict, dict]) -> None:
    _, hits, _ = scanned
    assert hits["nested.xls » MBD0001A2B3/WordDocument"]["pii"]["records"] == WORD_N
    inner = hits["nested.xls » MBD0001A2B3/WordDocument » ObjectPool/_1345470950/Workbook"]
    assert inner["pii"]["records"] == INNER_N


def test_a_word_object_whose_document_stream_is_lost_is_listed(scanned: tuple[Path, dict, dict]) -> None:
    _, hits, skips = scanned
    assert hits["lost.xls"]["pii"]["records"] == SHEET_N
    said = skips["lost.xls"]
    assert said["reason"] == "corrupt" and "MBD0001A2B3" in said["detail"] and "Word.Document" in said["detail"], said


def test_content_decides_not_the_name(scanned: tuple[Path, dict, dict]) -> None:
    _, hits, skips = scanned
    assert hits["名簿.msg"]["pii"]["records"] == WORD_N and "名簿.msg" not in skips  # was corrupt, persons unread
    for name in ("名簿.dat", "名簿.docx", "名簿.doc"):  # its WordDocument name damaged: was nothing (under .doc too)
        said = skips[name]
        assert said["reason"] == "corrupt" and "WordDocument stream not found" in said["detail"], said
    zeroed = skips["zeroed.xls"]  # its Workbook stream zeroed: was nothing (its object read either way)
    assert zeroed["reason"] == "corrupt" and "BOF record" in zeroed["detail"], zeroed
    assert hits["zeroed.xls » MBD0001A2B3/WordDocument"]["pii"]["records"] == WORD_N
    assert skips["np-hello.ppt"]["reason"] == "encrypted", skips.get("np-hello.ppt")  # only Current User says so
    for name in ("報告.dat", "報告.msg"):  # a Word document's objects under another name
        assert hits[f"{name} » ObjectPool/_1345470949/WordDocument"]["pii"]["records"] == WORD_N, name
    for name in ("資料.dat", "資料.msg"):  # a presentation's
        assert [hits[p]["pii"]["records"] for p in hits if p.startswith(f"{name} » PowerPoint Document/")] == [WORD_N]
    assert not [s for s in skips if s.startswith(("報告", "資料"))], skips.keys()


def test_third_party_files_with_embedded_objects_give_no_hit_and_no_listing(scanned: tuple[Path, dict, dict]) -> None:
    """POI's files embed Word documents, presentations and workbooks (no person among them); the deepest level of
    WithEmbeddedObjects.xls lies at the default --archive-depth 3, read whole and holding no object: not listed
    (review19o: it was listed too-deep, "not opened")."""
    _, hits, skips = scanned
    assert not [p for p in hits if p.startswith("poi__")], hits.keys()
    assert not [s for s in skips if s.startswith("poi__")], [s for s in skips if s.startswith("poi__")]


@pytest.mark.parametrize(("name", "xls", "objects"), [
    ("poi__ole2-embedding.xls", True, ["MBD06CAB431/WordDocument", "MBD06CAC85A/PowerPoint Document"]),
    ("poi__word_with_embeded.doc", False, ["ObjectPool/_1269427300/WordDocument",
                                           "ObjectPool/_1269427326/PowerPoint Document",
                                           "ObjectPool/_1269427460/Workbook", "ObjectPool/_1269427461/Workbook"]),
    ("poi__WithEmbeddedObjects.xls", True, ["MBD001805CA/WordDocument", "MBD001805CB/WordDocument"]),
])
def test_real_objects_are_their_storages_stream_for_stream(name: str, xls: bool, objects: list[str]) -> None:
    """Each object of POI's files is handed on as its storage whole: every stream of the child (mini stream or not,
    in nested storages) is the parent's, byte for byte; a Word child opens with the Word reader."""
    data = gzip.decompress((POI / f"{name}.gz").read_bytes())
    found = list(doc_objects(data, ArchiveLimits(100, InflateBudget(1 << 30), 1 << 28), xls=xls))
    assert [n for n, _, _ in found] == objects and all(not why for _, _, why in found)
    parent = _streams(data)
    for label, child, _ in found:
        storage = label.rsplit("/", 1)[0]
        mine = {k.removeprefix(storage + "/"): v for k, v in parent.items() if k.startswith(storage + "/")}
        assert child is not None and _streams(child) == mine, label
        if label.endswith("WordDocument"):
            assert open_word97(child) is not None, label


def _tree(rng: random.Random, depth: int) -> dict:
    out: dict = {}
    for i in range(rng.randint(0, 6)):
        name = rng.choice(["WordDocument", "1Table", "\x01CompObj", "ObjectPool", "_1345470949", "Zz", "名簿"]) + str(i)
        if depth < 3 and rng.random() < 0.3:
            out[name] = _tree(rng, depth + 1)
        else:
            size = rng.choice([0, 1, 63, 64, 65, 4095, 4096, 4097, rng.randint(0, 20_000)])
            out[name] = rng.randbytes(size)
    return out


def _read_back(data: bytes) -> dict:
    """The tree olefile reads, strictly (any defect it notices raises)."""
    got: dict = {}
    with olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT) as ole:
        for path in ole.listdir(streams=False, storages=True):
            node = got
            for part in path:
                node = node.setdefault(part, {})
        for path in ole.listdir():
            node = got
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = ole.openstream(path).read()
    return got


def test_the_compound_file_writer_is_read_back_by_olefile() -> None:
    """scanner.cfbwrite against olefile (strict): nested storages, streams around the mini-stream cutoff and the
    sector size, empty ones, names sorted as [MS-CFB] asks; and a stream past 109 FAT sectors (DIFAT sectors)."""
    rng = random.Random(19)
    for _ in range(150):
        tree = _tree(rng, 0)
        assert _read_back(write_compound(tree)) == tree
    big = {"WordDocument": rng.randbytes(8 << 20), "1Table": b"x" * 100, "ObjectPool": {"_1": {"Workbook": b"y" * 5000}}}
    data = write_compound(big)
    assert len(data) > 109 * 128 * 512 and _read_back(data) == big


def test_damaged_copies_are_read_or_listed_never_silently_short(tmp_path: Path) -> None:
    """Seeded byte flips past the header of an .xls and a .doc that embed the Word table: each copy gives its 3 + 30
    persons with nothing listed, or is listed (the file or its object); never fewer persons unsaid, never a crash."""
    made = files()
    rng = random.Random(1906)
    share = tmp_path / "share"
    share.mkdir()
    for base in ("budget.xls", "report.doc"):
        data = made[base]
        for k in range(12):
            copy = bytearray(data)
            n = rng.choice([1, 4, 16])
            at = rng.randrange(512, len(copy) - n)
            for i in range(n):
                copy[at + i] ^= rng.randrange(1, 256)
            (share / f"{k:02d}_{base}").write_bytes(bytes(copy))
    doc = scan_findings(share, tmp_path / "out")
    for name in sorted(p.name for p in share.iterdir()):
        hits = {f["path"].removeprefix(f"{share}/{name}"): f["pii"]["records"] for f in doc["files"]
                if f["path"].startswith(f"{share}/{name}")}
        listed = [s for s in doc["skipped"] if s["path"].startswith(f"{share}/{name}")]
        assert not [s for s in listed if "failed" in s["detail"]], listed
        whole = {"": SHEET_N} if name.endswith(".xls") else {}
        whole[" » " + ("MBD0001A2B3" if name.endswith(".xls") else "ObjectPool/_1345470949") + "/WordDocument"] = WORD_N
        assert listed or hits == whole, (name, hits)
