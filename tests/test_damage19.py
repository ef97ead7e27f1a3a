"""damage19: dBase memo files read beside their table, and damaged inputs of the session-18 readers
(bench/damage_sweep.py ``--formats s18``). Each test failed before its fix.

People are Faker ja_JP with a fixed seed (tests/document_data.py); the tables and memo files are written by
tests/damage_data.py's ``dbf_with_memo`` (FoxPro .fpt, dBase III and IV .dbt).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from scanner.dbase import MemoBeside, dbf_sheets
from scanner.details import codes_of
from scanner.sheet import Caps
from scanner.sources.memo_beside import MemoTable, memo_of
from tests.conftest import scan_findings
from tests.damage_data import dbf_with_memo
from tests.docs18_data import sxw_with_table, wordml_with_table
from tests.document_data import doc_with_table, fodt_with_table, people_rows

N = 12
CUTS = (4, 12, 64)
HEAD_CUTS = (4, 48, 64, 220)


def _rows(seed: int = 191) -> list[list[str]]:
    """NAME and ADDRESS are the memo fields: without the memo file no person is left in the table."""
    return [["NAME", "KANA", "ADDRESS", "TEL"], *people_rows(N, seed=seed)[1:]]


def _root_cuts(data: bytes, root: bytes) -> list[int]:
    """Cut points around a flat document's root element: just before it, in its name, in its start tag, at the tag's
    last byte."""
    at = data.find(root)
    return [at - 1, at + 5, at + len(root) + 20, data.find(b">", at)]


@pytest.fixture(scope="module")
def memo_scan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One CLI scan of a folder of dBase tables with memo files: FoxPro beside an upper-case ``.FPT``, dBase III
    and IV ``.dbt``, a table whose memo file is missing, one whose memo file is cut, one whose memo file is a
    folder (unreadable); a named copy of the FoxPro table."""
    root = tmp_path_factory.mktemp("memo")
    share = root / "share"
    share.mkdir()
    fox, fox_memo = dbf_with_memo(_rows(191), "fpt")
    (share / "kokyaku.dbf").write_bytes(fox)
    (share / "KOKYAKU.FPT").write_bytes(fox_memo)
    for name, kind, seed in (("riyosha", "dbt3", 192), ("meibo4", "dbt4", 193)):
        table, memo = dbf_with_memo(_rows(seed), kind)
        (share / f"{name}.dbf").write_bytes(table)
        (share / f"{name}.dbt").write_bytes(memo)
    lone, _ = dbf_with_memo(_rows(194), "fpt")
    (share / "lone.dbf").write_bytes(lone)
    cut, cut_memo = dbf_with_memo(_rows(195), "fpt")
    (share / "cut.dbf").write_bytes(cut)
    (share / "cut.fpt").write_bytes(cut_memo[:len(cut_memo) // 2])
    odd, _ = dbf_with_memo(_rows(196), "dbt3")
    (share / "odd.dbf").write_bytes(odd)
    (share / "odd.dbt").mkdir()
    sxw = sxw_with_table(people_rows(N, seed=201))
    for k in CUTS:  # an OpenOffice.org 1 text cut in its first member (test_a_cut_sxw_is_listed_like_an_odt)
        (share / f"cut{k}.sxw").write_bytes(sxw[:k])
    word, wordml, flat = (doc_with_table(people_rows(N, seed=202)), wordml_with_table(people_rows(N, seed=203)),
                          fodt_with_table(people_rows(N, seed=204)))
    for k in HEAD_CUTS:  # cut in their first bytes (test_documents_cut_in_their_head_are_listed)
        (share / f"head{k}.doc").write_bytes(word[:k])
    for k, cut in enumerate(_root_cuts(wordml, b"<w:wordDocument")):  # past Word's mark, before the root or in it
        (share / f"wordml{k}.xml").write_bytes(wordml[:cut])
        (share / f"wordml{k}.doc").write_bytes(wordml[:cut])
    for k, cut in enumerate(_root_cuts(flat, b"<office:document")[2:]):  # in the root's start tag
        (share / f"flat{k}.xml").write_bytes(flat[:cut])
    before = {p.name: (p.stat().st_atime_ns, p.stat().st_mtime_ns) for p in share.iterdir() if p.is_file()}
    doc = scan_findings(share, root / "out", "--name", "kokyaku.dbf")
    after = {p.name: (p.stat().st_atime_ns, p.stat().st_mtime_ns) for p in share.iterdir() if p.is_file()}
    return {"doc": doc, "before": before, "after": after}


def _by_name(doc: dict[str, Any]) -> tuple[dict[str, dict], dict[str, list[dict]]]:
    hits = {os.path.basename(h["path"]): h for h in doc["files"]}
    skips: dict[str, list[dict]] = {}
    for s in doc["skipped"]:
        skips.setdefault(os.path.basename(s["path"]), []).append(s)
    return hits, skips


def _codes(rows: object) -> set[str]:
    """Every detail code in ``rows`` (nested details included)."""
    if isinstance(rows, dict):
        own = {rows["code"]} if isinstance(rows.get("code"), str) else set()
        return own.union(*(_codes(v) for v in rows.values()))
    if isinstance(rows, list):
        return set().union(*(_codes(v) for v in rows))
    return set()


def test_memo_fields_are_read_from_the_memo_file_beside_the_table(memo_scan: dict[str, Any]) -> None:
    """FoxPro (.FPT in upper case beside kokyaku.dbf), dBase III and dBase IV (.dbt): the names and addresses kept
    in the memo file are counted (were 0 persons: `dbf-memo-unread`, partially examined), and the table is no longer
    listed as partially examined."""
    hits, skips = _by_name(memo_scan["doc"])
    for name in ("kokyaku.dbf", "riyosha.dbf", "meibo4.dbf"):
        assert hits[name]["pii"]["records"] == N, (name, hits.get(name))
        assert hits[name].get("status", "ok") == "ok", hits[name]
        assert "dbf-memo-unread" not in _codes(skips.get(name, [])), skips.get(name)
    assert memo_scan["after"] == memo_scan["before"]  # read-only: no time of the tables or memos moved


def test_a_missing_unreadable_or_cut_memo_file_is_listed_with_its_reason(memo_scan: dict[str, Any]) -> None:
    """A table whose memo file is not beside it (or a folder has its name), or is cut: listed with a reason each
    (the rows a cut memo still holds read)."""
    hits, skips = _by_name(memo_scan["doc"])
    assert "dbf-memo-missing" in _codes(skips["lone.dbf"]), skips.get("lone.dbf")
    assert "dbf-memo-missing" in _codes(skips["odd.dbf"]), skips.get("odd.dbf")
    assert "dbf-memo-damaged" in _codes(skips["cut.dbf"]), skips.get("cut.dbf")
    assert 0 < hits["cut.dbf"]["pii"]["records"] < N, hits.get("cut.dbf")


def test_a_memo_file_that_cannot_be_read_is_said_with_its_error() -> None:
    """A memo file the source lists but cannot open (removed, no permission): the table is read without its memos
    and says why (`dbf-memo-unreadable` with the OS error)."""

    class Gone:
        name = "x.fpt"

        def open(self) -> None:
            raise PermissionError(13, "Permission denied")

    table, _ = dbf_with_memo(_rows(198), "fpt")
    memo = memo_of(MemoTable(object(), Gone()), 1 << 20)  # type: ignore[arg-type]
    assert memo is not None and memo.data is None and memo.error
    sheet = next(dbf_sheets(table, Caps(), memo))
    assert len(list(sheet.rows)) == N + 1
    assert [c["code"] for n in sheet.unread for c in codes_of(n)][:1] == ["dbf-memo-unreadable"], sheet.unread
    assert "EACCES" in sheet.unread[0], sheet.unread


@pytest.mark.parametrize("kind", ["fpt", "dbt3", "dbt4"])
def test_damaged_memo_files_are_read_or_said_never_a_crash(kind: str) -> None:
    """Every byte of a memo file's head and of its first values flipped, and cuts at every 16 bytes: the table reads
    with its memo values or empty ones, the damage said when a value points past the file or its block is broken;
    never an exception."""
    table, memo = dbf_with_memo(_rows(197), kind)
    name = "x.fpt" if kind == "fpt" else "x.dbt"
    for at in range(0, min(len(memo), 1200)):
        for damaged in (memo[:at] + bytes([memo[at] ^ 0xFF]) + memo[at + 1:], memo[:at]):
            sheet = next(dbf_sheets(table, Caps(), MemoBeside(name, damaged)))
            rows = list(sheet.rows)
            assert len(rows) == N + 1
            if len(damaged) < len(memo) // 2:
                assert sheet.damage, (kind, at)


def test_memo_files_on_an_smb_share_are_read_beside_their_table(tmp_path: Path) -> None:
    """Over SMB as in a local folder: a FoxPro table beside its ``.FPT`` counts the names and addresses kept there;
    a table without its memo file is listed `dbf-memo-missing`."""
    import json

    from tests.conftest import run_cli
    from tests.smb_data import PASSWORD, SambaServer

    share = tmp_path / "share"
    share.mkdir()
    table, memo = dbf_with_memo(_rows(199), "fpt")
    (share / "kokyaku.dbf").write_bytes(table)
    (share / "KOKYAKU.FPT").write_bytes(memo)
    (share / "lone.dbf").write_bytes(dbf_with_memo(_rows(200), "dbt4")[0])
    server = SambaServer(tmp_path / "samba", {"ev": share}).start()
    try:
        out = tmp_path / "out"
        run = run_cli("scan", server.url("ev"), "--out", str(out), "--quiet",
                      env={"LEAKSCAN_SMB_PASSWORD": PASSWORD})
        assert run.returncode in (0, 1, 3), run.stderr
        doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    finally:
        server.kill()
    hits, skips = _by_name(doc)
    assert hits["kokyaku.dbf"]["pii"]["records"] == N, hits.get("kokyaku.dbf")
    assert "dbf-memo-missing" in _codes(skips["lone.dbf"]), skips.get("lone.dbf")


def test_a_cut_sxw_is_listed_like_an_odt(memo_scan: dict[str, Any]) -> None:
    """An OpenOffice.org 1 text (.sxw) cut at 4-12 bytes ended as nothing (the sweep's s18 seeds: 6 copies), where
    an .odt cut so is listed `corrupt` (damaged zip): .sxw/.stw are OpenDocument texts' names to the document rules
    now."""
    _, skips = _by_name(memo_scan["doc"])
    for k in CUTS:
        assert [s["reason"] for s in skips.get(f"cut{k}.sxw", [])] == ["corrupt"], (k, skips.get(f"cut{k}.sxw"))


def test_documents_cut_in_their_head_are_listed(memo_scan: dict[str, Any]) -> None:
    """A Word 97-2003 .doc cut inside its OLE2 header (under 64 bytes it ended as nothing; an .xls cut so is listed),
    Word 2003 XML under .xml/.doc and a flat ODF text under .xml cut inside their root element's start tag (ended as
    nothing at every cut up to 128-256 bytes in the s18 sweep): `corrupt`."""
    _, skips = _by_name(memo_scan["doc"])
    names = [f"head{k}.doc" for k in HEAD_CUTS] + [f"wordml{k}.{e}" for k in range(4) for e in ("xml", "doc")]
    names += [f"flat{k}.xml" for k in range(2)]
    for name in names:
        assert [s["reason"] for s in skips.get(name, [])] == ["corrupt"], (name, skips.get(name))


@pytest.mark.parametrize(("mark", "damaged"), [
    (b"\\trgaph", b"\\trga\xc8h"),  # a letter of a row definition's word flipped to a byte that is no letter
    (b"\\trowd", b"\\tro7d"),
    (b"\\intbl", b"\\iotbl"),  # one letter off: the cell's paragraph no longer in the table
    (b"\\pard", b"\\pabd"),
    (b"\\'8d", b"\x1c'8d"),  # the backslash of a character escape flipped to a control byte
])
def test_an_rtf_table_with_a_damaged_mark_says_so(mark: bytes, damaged: bytes) -> None:
    """Byte flips in an RTF table's marks lost a row or merged two cells, `ok` (the s17 sweep's RTF flips: 29 of 30
    read, unsaid): a control word one letter off a table mark, a prefix of one cut by a byte that is no letter, or a
    control byte in the text is said (`rtf-marks-damaged`: the file is listed `corrupt`). The whole RTF says
    nothing."""
    from scanner.tables import iter_tables
    from tests.document_data import rtf_with_table

    def damage(data: bytes) -> list[str]:
        sheets = list(iter_tables(data, Caps(), "rtf")[0])
        for sheet in sheets:
            list(sheet.rows)
        return [c["code"] for sheet in sheets for d in sheet.damage for c in codes_of(d)]

    rtf = rtf_with_table(people_rows(N, seed=205))
    assert not damage(rtf)
    at = rtf.find(mark, len(rtf) // 2)
    assert at > 0, mark
    said = damage(rtf[:at] + damaged + rtf[at + len(mark):])
    assert "rtf-marks-damaged" in said, (mark, said)


@pytest.mark.parametrize(("mark", "damaged"), [(b"C;Y9;", b"C;\xff9;"), (b"C;X4;", b"C;+4;"), (b"C;X3;", b"C X3;"),
                                               (b"\nC;X3;", b"\n\xc3;X3;")])
def test_a_sylk_cell_record_with_a_damaged_field_letter_says_so(mark: bytes, damaged: bytes) -> None:
    """A SYLK cell record whose row letter, column letter or separator is flipped lost its cell or read it at the
    previous cell's place (one person fewer, `ok`: the s17 sweep's SYLK flips): said (`sylk-records-damaged`)."""
    from scanner.sylk import iter_sylk
    from tests.test_wild16 import _sylk

    def damage(data: bytes) -> list[str]:
        sheets = list(iter_sylk(data, Caps()))
        for sheet in sheets:
            list(sheet.rows)
        return [c["code"] for sheet in sheets for d in sheet.damage for c in codes_of(d)]

    slk = _sylk(people_rows(N, seed=206))
    assert not damage(slk)
    at = slk.find(mark)
    assert at > 0, mark
    assert "sylk-records-damaged" in damage(slk[:at] + damaged + slk[at + len(mark):]), mark
