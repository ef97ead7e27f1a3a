"""damage20: damaged inputs of the session-19 readers (bench/damage_sweep.py ``--formats s19``) and the damage
leftovers of session 19 (SYLK values holding a bare ``;``, a SYLK record glued to a value, a compressed QCOW2
cluster inflating to other text, a memo file over the inspect limit). Each test failed before its fix.

People are Faker ja_JP with a fixed seed (tests/document_data.py); nothing here is real.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import pytest

from scanner.dbase import dbf_sheets
from scanner.details import codes_of
from scanner.sheet import Caps
from scanner.sources.memo_beside import MemoTable, memo_of
from tests.damage_data import dbf_with_memo
from tests.document_data import people_rows
from tests.pii_data import csv_bytes
from tests.test_wild16 import _sylk

N = 12


def _sylk_read(data: bytes) -> tuple[list[list[object]], list[str]]:
    from scanner.sylk import iter_sylk

    sheets = list(iter_sylk(data, Caps()))
    rows = [list(r) for sheet in sheets for r in sheet.rows]
    return rows, [c["code"] for sheet in sheets for d in sheet.damage for c in codes_of(d)]


def test_a_sylk_value_holding_a_bare_semicolon_is_read_whole_and_not_called_damaged() -> None:
    """Writers that do not double a ``;`` inside a text (``K"東京都;渋谷区"``): the value was cut at the ``;``, its
    rest read as a field with a damaged letter and the file said `sylk-records-damaged` (review19d: a false alarm, the
    address cut). Now the quoted value is read whole, nothing said."""
    rows = people_rows(N, seed=211)
    plain = _sylk(rows)
    bare = plain.replace(b";;", b";")  # the same file from a writer that leaves ; as it is
    rows[3][2] = rows[3][2].replace("東京都", "東京都;")
    data = _sylk(rows).replace(b";;", b";")
    assert data != bare
    read, said = _sylk_read(data)
    assert said == []
    assert read[3][2] == rows[3][2]


def test_a_sylk_record_glued_to_the_value_before_it_says_so() -> None:
    """A flipped line break glues a cell record to the value before it (``K"佐藤 一郎"%C;X2;K"サトウ イチロウ"``): the
    first cell's value swallowed the record, the second cell lost, `ok` (damage19's unsaid SYLK flips). Said now."""
    data = _sylk(people_rows(N, seed=212))
    assert _sylk_read(data)[1] == []
    at = data.find(b"\r\nC;X2;", data.find(b"C;Y5;"))
    glued = data[:at] + b"%" + data[at + 2:]
    assert "sylk-records-damaged" in _sylk_read(glued)[1]
    lf = data.replace(b"\r\n", b"\n")
    at = lf.find(b"\nC;X3;", lf.find(b"C;Y7;"))
    assert "sylk-records-damaged" in _sylk_read(lf[:at] + b"J" + lf[at + 1:])[1]


def _cluster_and_damage() -> tuple[bytes, bytes, list[bytes]]:
    """A 4 KiB disk cluster of a cp932 person CSV, its raw deflate stream as qemu-img convert -c writes it (padded
    to its sector as read), and damaged copies of the stream (16 bytes zeroed) that inflate to a whole cluster of
    other bytes without a zlib error."""
    raw = csv_bytes(people_rows(60, seed=213), "cp932")[:4096]
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = packer.compress(raw) + packer.flush()
    packed += bytes(-len(packed) % 512)
    damaged = []
    for at in range(16, len(packed) - 16):
        copy = packed[:at] + bytes(16) + packed[at + 16:]
        try:
            out = zlib.decompressobj(-15).decompress(copy, 4096)
        except zlib.error:
            continue
        if len(out) == 4096 and out != raw:
            damaged.append(copy)
    return raw, packed, damaged


def test_a_compressed_qcow2_cluster_inflating_to_other_text_is_a_damaged_cluster() -> None:
    """16 zeroed bytes inside a compressed QCOW2 cluster inflated to a whole cluster of valid cp932 mojibake (qemu
    reads the same): the CSV on the volume gave 0 persons with only a decoding note, scan complete (damage19's
    QCOW2 seed, zero16@21120). A deflate stream that runs past its cluster or does not end is damaged now: the read
    is an OSError naming the cluster, as a stream that does not decompress is; the intact stream reads as before."""
    from scanner.sources.image_qcow import inflate

    raw, packed, damaged = _cluster_and_damage()
    assert inflate(packed, 4096, zstd=False) == raw
    assert len(damaged) > 100
    caught = 0
    for copy in damaged:
        try:
            inflate(copy, 4096, zstd=False)
        except ValueError as e:
            caught += 1
            assert "does not end" in str(e) or "invalid" in str(e)
    assert caught >= 0.8 * len(damaged), (caught, len(damaged))  # the rest end exactly with the cluster: no mark


def test_memo_values_past_the_inspect_limit_are_said_too_large_not_damaged() -> None:
    """A memo file larger than --max-inspect-mb was read up to the limit and the values past it said
    `dbf-memo-damaged` ("point past its end"): a wrong reason, and no hint to raise the limit. Now
    `dbf-memo-too-large` (unread: the table not wholly examined); a memo file within the limit reads as before."""

    class Memo:
        name = "x.dbt"

        def __init__(self, data: bytes) -> None:
            self.data = data

        def open(self) -> object:
            import io

            return io.BytesIO(self.data)

    table, memo = dbf_with_memo([["NAME", "KANA", "ADDRESS", "TEL"], *people_rows(N, seed=214)[1:]], "dbt3")
    whole = memo_of(MemoTable(object(), Memo(memo)), len(memo))  # type: ignore[arg-type]
    assert whole is not None and whole.data == memo and not whole.cut_at
    sheet = next(dbf_sheets(table, Caps(), whole))
    assert len(list(sheet.rows)) == N + 1 and not sheet.damage and not sheet.unread
    half = memo_of(MemoTable(object(), Memo(memo)), len(memo) // 2)  # type: ignore[arg-type]
    assert half is not None and half.cut_at == len(memo) // 2
    sheet = next(dbf_sheets(table, Caps(), half))
    rows = list(sheet.rows)
    assert len(rows) == N + 1 and any(r[0] for r in rows[1:])
    assert [c["code"] for n in sheet.unread for c in codes_of(n)] == ["dbf-memo-too-large"], sheet.unread
    assert not sheet.damage, sheet.damage


@pytest.mark.parametrize("kind", ["fpt", "dbt4"])
def test_memo_values_running_past_the_inspect_limit_are_too_large(kind: str) -> None:
    """The same for the two memo layouts whose values carry their length (FoxPro, dBase IV): a value whose head is
    read but whose text runs past the limit is unread, not damaged."""

    class Memo:
        name = "x.fpt" if kind == "fpt" else "x.dbt"

        def __init__(self, data: bytes) -> None:
            self.data = data

        def open(self) -> object:
            import io

            return io.BytesIO(self.data)

    table, memo = dbf_with_memo([["NAME", "KANA", "ADDRESS", "TEL"], *people_rows(N, seed=215)[1:]], kind)
    whole = [list(r) for r in next(dbf_sheets(table, Caps(), memo_of(MemoTable(object(), Memo(memo)),
                                                                        len(memo)))).rows]  # type: ignore[arg-type]
    short = 0
    for most in range(600, len(memo) - 8, 37):
        cut = memo_of(MemoTable(object(), Memo(memo)), most)  # type: ignore[arg-type]
        assert cut is not None
        sheet = next(dbf_sheets(table, Caps(), cut))
        rows = [list(r) for r in sheet.rows]
        assert not sheet.damage, (most, sheet.damage)
        said = [c["code"] for n in sheet.unread for c in codes_of(n)]
        assert said == (["dbf-memo-too-large"] if rows != whole else []), most  # every value lost is said
        short += rows != whole
    assert short > 10


# --- the s19 sweep's copies that ended as nothing: one CLI scan --------------------------------------------------

def _sweep_files() -> dict[str, bytes]:
    from tests import xml19_data as X
    from tests.test_containers import word_doc
    from tests.test_office_objects import word_object

    ado = X.ado().encode()
    kanji = ado.find("住所=".encode(), len(ado) // 2) + 1  # a byte inside a record's attribute name
    damaged = ado[:kanji] + b"\xff" + ado[kanji + 1:]  # one byte that is no UTF-8 in a UTF-8 export
    half = ado.find(b"<z:row", len(ado) // 2)
    mixed = ado[:half] + ado[half:].decode().encode("euc_jp")  # a tail saved by another program
    schema_end = ado.find(b"<rs:data>") + len(b"<rs:data>")
    dataset = X.dataset().encode()
    doc = word_doc({"_1345470949": word_object()})
    directory = (int.from_bytes(doc[48:52], "little") + 1) * 512  # the directory's first sector
    shifted = doc[:directory - 600] + doc[directory - 616:directory - 600] + doc[directory - 600:]
    from tests.test_wild19 import _dif

    dif = _dif([["氏名", "住所", "電話番号"], *[[r[0], r[2], r[3]] for r in people_rows(N, seed=216)[1:]]])
    dif = dif.replace(b"VECTORS", b"VEC\x14ORS", 1)  # a control byte flipped into its head
    euc = X.elements(encoding="EUC-JP").encode("euc_jp")
    at = euc.find("<氏名>".encode("euc_jp")) + 1  # the first record's name tag: its lead byte made no EUC-JP
    euc = euc[:at] + b"\x8f\xff" + euc[at + 2:]
    return {"dif_flipped.dat": dif, "euc_flipped.xml": euc, "ado_flipped.xml": damaged, "ado_flipped.dat": damaged, "ado_mixed.xml": mixed,
            "ado_cut.xml": ado[:schema_end + 2], "dataset_cut.xml": dataset[:dataset.find(b"</xs:schema>") + 20],
            "shifted.doc": shifted, "shifted.dat": shifted}


@pytest.fixture(scope="module")
def sweep_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    from tests.conftest import scan_findings

    share = tmp_path_factory.mktemp("s19") / "share"
    share.mkdir()
    for name, data in _sweep_files().items():
        (share / name).write_bytes(data)
    return share, scan_findings(share, share.parent / "out")


@pytest.mark.parametrize("name", ["ado_flipped.xml", "ado_flipped.dat", "ado_mixed.xml", "euc_flipped.xml"])
def test_a_utf8_xml_export_with_a_damaged_byte_or_another_tail_is_read(sweep_scan: tuple[Path, dict],
                                                                        name: str) -> None:
    """One byte that is no UTF-8 (a flip) or a tail in EUC-JP made the head check decode the UTF-8 export as cp932:
    its field names noise, the file passed over, 30 persons ended as nothing (the s19 sweep: 36 of 74 ADO copies).
    The head is read as UTF-8 with the damaged bytes replaced now, and the reader reads the records. So for an
    EUC-JP export with a damaged byte in its head (it was read as cp932, which decodes every byte)."""
    from tests import xml19_data as X
    from tests.conftest import hit_of

    share, doc = sweep_scan
    hit = hit_of(doc, share / name)
    assert hit is not None and hit["pii"]["records"] >= len(X.PEOPLE) - 1, hit


@pytest.mark.parametrize("name", ["ado_cut.xml", "dataset_cut.xml"])
def test_a_recordset_cut_after_its_schema_is_listed_cut(sweep_scan: tuple[Path, dict], name: str) -> None:
    """An ADO recordset or a .NET DataSet cut inside or right after its inline schema names its person fields only
    there (as declarations: ``<s:AttributeType name="氏名">``): it ended as nothing. Listed `corrupt` now
    (`xml-records-cut`: the records were lost)."""
    from tests.conftest import skip_of

    share, doc = sweep_scan
    skip = skip_of(doc, share / name)
    assert skip is not None and skip["reason"] == "corrupt", skip
    assert "xml-records-cut" in {c["code"] for c in skip["detail_codes"]}, skip


@pytest.mark.parametrize("name", ["shifted.doc", "shifted.dat"])
def test_a_compound_file_whose_directory_is_shifted_is_listed_damaged(sweep_scan: tuple[Path, dict],
                                                                      name: str) -> None:
    """16 bytes duplicated before a .doc's directory (every sector after them shifted): olefile read an empty
    directory, the .doc and its embedded 30-person Word document ended as nothing (under .doc and .dat). Listed
    `corrupt` now (a damaged OLE2 container)."""
    from tests.conftest import hit_of, skip_of

    share, doc = sweep_scan
    listed = skip_of(doc, share / name) or hit_of(doc, share / name)
    assert listed is not None and listed.get("reason", listed.get("status")) == "corrupt", listed


def test_a_dif_file_with_a_control_byte_under_another_name_is_read(sweep_scan: tuple[Path, dict]) -> None:
    """A DIF file renamed .dat with a byte flipped to a control byte in its head failed the text gate before the DIF
    check: its persons ended as nothing (the s19 sweep's dif-as-dat flip8). Its TABLE topic decides now."""
    from tests.conftest import hit_of

    share, doc = sweep_scan
    hit = hit_of(doc, share / "dif_flipped.dat")
    assert hit is not None and hit["pii"]["records"] >= N - 1, hit


def test_a_second_copy_of_md_members_in_another_folder_is_listed_not_dropped(tmp_path: Path) -> None:
    """The same raid5 array's disks imaged twice into two folders of one scan (same UUID, slots and event count):
    one copy was read and the other's members were marked unread with no listing, the scan complete: whatever that
    copy held was never examined (the s19 sweep's md copies ended as nothing so). Each member of the copy not read
    is listed now (`md-member-duplicate`, md20's code for a slot filled twice), the scan incomplete."""
    import shutil

    from tests.conftest import run_leakscan
    from tests.image_data import fat_image
    from tests.md_data import write_members

    if shutil.which("mcopy") is None:
        pytest.skip("mtools builds the file system")
    volume = fat_image(tmp_path / "vol.img", {"名簿.csv": csv_bytes(people_rows(N, seed=217), "cp932")}, size_mib=4,
                       bits=12).read_bytes()
    share = tmp_path / "share"
    for year in ("2024", "2025"):
        (share / year).mkdir(parents=True)
    first, second = (write_members(share / year, volume, 5, 3) for year in ("2024", "2025"))
    done = run_leakscan("scan", str(share), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet", timeout=240)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.returncode == 3, done.stderr[-2000:]  # a member not examined: incomplete
    import json

    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert [h["pii"]["records"] for h in doc["files"]] == [N]
    said = [c for s in doc["skipped"] for c in s["detail_codes"] if c["code"] == "md-member-duplicate"]
    assert len(said) == 3, doc["skipped"]
    assert {c["name"] for c in said} == {os.path.join(p.parent.name, p.name) for p in second} or {
        c["name"] for c in said} == {os.path.join(p.parent.name, p.name) for p in first}
