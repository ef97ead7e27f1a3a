"""Review of ole19's whole-storage objects (scanner.cfbwrite fed by a hostile parent): review19o.

- A stream of an embedded object that declares more bytes than its compound file holds (its sectors shared with other
  streams, or its FAT chain looping back on itself) was read whole by olefile, every copy charged to the 4 GiB archive
  budget: 40 such streams in a 240 KB .xls made a 420 MB child (listed too-large, its 30 persons lost); one made a
  200 MB child read with the damage unsaid. Now such a stream is not read, the object is read without it and listed.

Files are scanner.cfbwrite's output patched (sizes, FAT links): the writer itself is checked against olefile in
tests/test_office_objects.py.
"""

from __future__ import annotations

import io
import json
import struct

import olefile
import pytest

from scanner.cfbwrite import write_compound
from scanner.details import codes_of
from scanner.inspectors.archive_members import ArchiveLimits, InflateBudget
from scanner.inspectors.legacy_embedded import doc_objects
from tests.conftest import scan_findings
from tests.pii_data import people, standard, xlsx_bytes
from tests.test_containers import slides_ppt, workbook_stream
from tests.test_office_objects import INNER_N, SHEET_N, WORD, WORD_CLASS, WORD_N, _comp_obj

MBD = "MBD0001A2B3"


def _entry_at(data: bytes, name: str) -> int:
    """The byte offset of the directory entry named ``name`` (the directory read along its FAT chain)."""
    fat_ids = struct.unpack_from("<109I", data, 0x4C)[:struct.unpack_from("<I", data, 0x2C)[0]]
    fat = [v for i in fat_ids for v in struct.unpack_from("<128I", data, (i + 1) * 512)]
    sid = struct.unpack_from("<I", data, 0x30)[0]
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    while sid < 0xFFFFFFFA:
        for at in range((sid + 1) * 512, (sid + 2) * 512, 128):
            if data[at:at + len(encoded)] == encoded and struct.unpack_from("<H", data, at + 0x40)[0] == len(encoded):
                return at
        sid = fat[sid]
    raise KeyError(name)


def _fat_entry(data: bytes, sid: int) -> int:
    fat_ids = struct.unpack_from("<109I", data, 0x4C)
    return (fat_ids[sid // 128] + 1) * 512 + (sid % 128) * 4


def _looping(streams: int, claim: int) -> bytes:
    """An .xls embedding the 30-person Word document, its object storage holding ``streams`` more streams that all
    start at one sector whose FAT entry points back at itself, each declaring ``claim`` bytes."""
    extra = {f"D{i}": bytes([i + 1]) * 5000 for i in range(streams)}
    data = bytearray(write_compound({"Workbook": workbook_stream(people(SHEET_N, seed=51)),
                                     MBD: {"\x01CompObj": WORD_CLASS, **WORD, **extra}}))
    start = struct.unpack_from("<I", data, _entry_at(data, "D0") + 0x74)[0]
    struct.pack_into("<I", data, _fat_entry(data, start), start)  # the chain loops on its first sector
    for i in range(streams):
        struct.pack_into("<II", data, _entry_at(data, f"D{i}") + 0x74, start, claim)
    return bytes(data)


def test_a_stream_declaring_more_than_the_file_is_not_read_the_object_is() -> None:
    data = _looping(3, 20 << 20)
    found = list(doc_objects(data, ArchiveLimits(100, InflateBudget(1 << 32), 1 << 28), xls=True))
    assert [name for name, _, _ in found] == [f"{MBD}/WordDocument"]
    _, child, why = found[0]
    size = len(child) if child is not None else -1
    assert 0 < size < 2 * len(data), size  # no 60 MB copy of one sector
    assert [c["code"] for c in codes_of(why)] == ["stream-over-file"] * 3, why
    with olefile.OleFileIO(io.BytesIO(child)) as ole:  # the Word document's own streams whole, the looping ones empty
        assert {k: ole.openstream(k).read() for k in WORD} == WORD
        assert ole.openstream("D1").read() == b""


def _word(**more: dict) -> dict:
    return {"\x01CompObj": WORD_CLASS, **WORD, **more}


# the third level of Word objects in an .xls (xls » Word » Word » leaf: the leaf lies inside 3 containers)
LEAVES = {"leaf.xls": _word(),  # no ObjectPool: nothing to open (POI's WithEmbeddedObjects.xls's third level)
          "pool.xls": _word(ObjectPool={}),  # an empty one (what Word leaves after its objects are deleted)
          "deeper.xls": _word(ObjectPool={"_1345470999": _word()})}  # an object past the limit: listed


def _three_levels(leaf: dict) -> bytes:
    middle = _word(ObjectPool={"_1345470951": leaf})
    return write_compound({"Workbook": workbook_stream(people(SHEET_N, seed=51)),
                           MBD: _word(ObjectPool={"_1345470950": middle})})


SHEET_OBJECT = {"\x01CompObj": _comp_obj("Microsoft Excel Worksheet", "Excel.Sheet.8"),
                "Workbook": workbook_stream(people(INNER_N, seed=52))}
WORKBOOK_OBJECTS = {
    # a Word document with its own 30-person table embedding an Excel sheet: its own table was never read (the Word
    # pre-check took any Workbook stream in the directory, the object's too, for an .xls renamed .doc)
    "table.doc": write_compound({**WORD, "ObjectPool": {"_1345470950": SHEET_OBJECT}}),
    "table.dat": write_compound({**WORD, "ObjectPool": {"_1345470950": SHEET_OBJECT}}),
    # an .xls renamed .doc embedding a Word document stays a workbook (its sheet and its object read)
    "budget.doc": write_compound({"Workbook": workbook_stream(people(SHEET_N, seed=51)), MBD: _word()}),
}
# storage names holding "/" ([MS-CFB] forbids it; a hostile or damaged file): olefile's path strings split them, so the
# object was not found (the .xls's Word object lost with nothing said; the .doc's own table too)
SLASHED = {
    "slash.xls": write_compound({"Workbook": workbook_stream(people(SHEET_N, seed=51)), "MBD0001/A2B3": _word()}),
    "slash.doc": write_compound({**WORD, "ObjectPool": {"_1345/470950": SHEET_OBJECT}}),
}
THIRD = f"{MBD}/WordDocument » ObjectPool/_1345470950/WordDocument » ObjectPool/_1345470951/WordDocument"


def _package_looping(claim: int) -> bytes:
    """An OLE object whose Package stream (an .xlsx) declares ``claim`` bytes, its FAT chain looping on its first
    sector."""
    data = bytearray(write_compound({"\x01CompObj": bytes(64),
                                     "Package": xlsx_bytes({"s": standard(people(5, seed=9))}).ljust(4096, b"\x00")}))
    at = _entry_at(data, "Package")
    start = struct.unpack_from("<I", data, at + 0x74)[0]
    struct.pack_into("<I", data, _fat_entry(data, start), start)
    struct.pack_into("<I", data, at + 0x78, claim)
    return bytes(data)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    share = tmp_path_factory.mktemp("r19o") / "share"
    share.mkdir()
    (share / "shared.xls").write_bytes(_looping(40, 10 << 20))  # was a 420 MB child, listed too-large: 30 lost
    (share / "claim.xls").write_bytes(_looping(1, 200 << 20))  # was a 200 MB child, read, the damage unsaid
    for name, leaf in LEAVES.items():
        (share / name).write_bytes(_three_levels(leaf))
    (share / "deck.ppt").write_bytes(slides_ppt(_package_looping(100 << 20)))  # was read round to 100 MB
    for name, data in {**WORKBOOK_OBJECTS, **SLASHED}.items():
        (share / name).write_bytes(data)
    doc = scan_findings(share, tmp_path_factory.mktemp("r19o-out"))
    hits = {f["path"].removeprefix(f"{share}/"): f for f in doc["files"]}
    skips = {s["path"].removeprefix(f"{share}/"): s for s in doc["skipped"]}
    return hits, skips


@pytest.mark.parametrize("name", ["shared.xls", "claim.xls"])
def test_an_object_whose_streams_share_looping_sectors_is_read_and_listed(scanned: tuple[dict, dict],
                                                                           name: str) -> None:
    hits, skips = scanned
    assert hits[name]["pii"]["records"] == SHEET_N
    assert hits[f"{name} » {MBD}/WordDocument"]["pii"]["records"] == WORD_N
    said = skips[name]
    assert said["reason"] == "corrupt" and MBD in said["detail"], said
    assert '"code": "stream-over-file"' in json.dumps(said["detail_codes"]), said  # nested in the object's problem


@pytest.mark.parametrize("name", sorted(LEAVES))
def test_an_object_at_the_depth_limit_is_too_deep_only_when_it_holds_objects(scanned: tuple[dict, dict],
                                                                             name: str) -> None:
    """Each level of Word objects is read (its own table) down to the third; the third is listed ``too-deep`` only
    when it holds an object the limit leaves unread (ole19 listed every third level: POI's leaf Word object was
    "not opened" though it was read whole and held nothing more)."""
    hits, skips = scanned
    for level in range(1, 4):
        path = " » ".join([name, *THIRD.split(" » ")[:level]])
        assert hits[path]["pii"]["records"] == WORD_N, path
    listed = {p: s["reason"] for p, s in skips.items() if p.startswith(name)}
    assert listed == ({f"{name} » {THIRD}": "too-deep"} if name == "deeper.xls" else {}), listed


def test_a_word_document_embedding_a_workbook_has_its_own_tables_read(scanned: tuple[dict, dict]) -> None:
    hits, skips = scanned
    for name in ("table.doc", "table.dat"):
        assert hits.get(name, {}).get("pii", {}).get("records") == WORD_N, (name, sorted(hits))  # were never read
        assert hits[f"{name} » ObjectPool/_1345470950/Workbook"]["pii"]["records"] == INNER_N
    assert hits["budget.doc"]["pii"]["records"] == SHEET_N
    assert hits[f"budget.doc » {MBD}/WordDocument"]["pii"]["records"] == WORD_N
    assert not [p for p in skips if p.startswith(("table.", "budget.doc"))], skips.keys()


def test_an_object_whose_storage_name_holds_a_slash_is_read(scanned: tuple[dict, dict]) -> None:
    hits, skips = scanned
    assert hits["slash.xls"]["pii"]["records"] == SHEET_N
    assert hits["slash.xls » MBD0001/A2B3/WordDocument"]["pii"]["records"] == WORD_N  # was lost, nothing said
    assert hits["slash.doc"]["pii"]["records"] == WORD_N
    assert hits["slash.doc » ObjectPool/_1345/470950/Workbook"]["pii"]["records"] == INNER_N


def _in_order(data: bytes) -> list[list[str]]:
    """Each storage's children as the directory's search tree orders them (in-order walk of the left/right links)."""
    directory = b""
    sid = struct.unpack_from("<I", data, 0x30)[0]
    fat_ids = struct.unpack_from("<109I", data, 0x4C)[:struct.unpack_from("<I", data, 0x2C)[0]]
    fat = [v for i in fat_ids for v in struct.unpack_from("<128I", data, (i + 1) * 512)]
    while sid < 0xFFFFFFFA:
        directory += data[(sid + 1) * 512:(sid + 2) * 512]
        sid = fat[sid]
    entries = [directory[at:at + 128] for at in range(0, len(directory), 128)]

    def name(e: bytes) -> str:
        return e[:struct.unpack_from("<H", e, 0x40)[0] - 2].decode("utf-16-le")

    def walk(top: int) -> list[int]:
        out: list[int] = []
        stack: list[int] = []
        node = top
        while stack or node != 0xFFFFFFFF:
            while node != 0xFFFFFFFF:
                stack.append(node)
                node = struct.unpack_from("<I", entries[node], 0x44)[0]
            node = stack.pop()
            out.append(node)
            node = struct.unpack_from("<I", entries[node], 0x48)[0]
        return out

    orders = []
    for e in entries:
        if e[0x42] in (1, 5):
            orders.append([name(entries[k]) for k in walk(struct.unpack_from("<I", e, 0x4C)[0])])
    return orders


def test_the_writer_keeps_siblings_in_the_order_ms_cfb_asks() -> None:
    """olefile finds every entry however its siblings are linked; a reader that searches the tree (as [MS-CFB] 2.6.4
    allows) needs them ordered: shorter names first, then by upper-cased names (review19o: untested before)."""
    names = ["WordDocument", "1Table", "Data", "\x01CompObj", "\x05SummaryInformation", "ObjectPool", "a", "B", "名簿",
             "_1345470949", "Zz", "zZ0"]
    tree = {n: (b"x" * 10 if k % 3 else {"In": b"y", "aa": b"", "A": b"z"}) for k, n in enumerate(names)}
    for order in _in_order(write_compound(tree)):
        keys = [(len(n.encode("utf-16-le")), n.upper()) for n in order]
        assert keys == sorted(keys) and len(set(keys)) == len(keys), order
    assert sorted(_in_order(write_compound(tree))[0]) == sorted(names)


def test_an_ole_object_whose_package_stream_declares_more_than_it_holds_is_listed_unread(
        scanned: tuple[dict, dict]) -> None:
    _, skips = scanned
    said = [s for p, s in skips.items() if p.startswith("deck.ppt » PowerPoint Document/ExOleObjStg_")]
    assert len(said) == 1 and said[0]["reason"] == "corrupt", said
    assert '"code": "stream-over-file"' in json.dumps(said[0]["detail_codes"]), said
