"""Review of wild22's in-memory repair of workbooks calamine refuses (``tables._rewritten``: whole-line merges, odd
sheet states, bare column numbers), pushed with damaged and odd input.

1. A damaged part whose tags never close (``<mergeCell a="1" `` or ``<sheet a="1" `` or ``<c a="1" `` repeated with
   no ``>``: a sector of a sheet overwritten by a repeated record) made the repair's searches quadratic: each tag's
   ``[^>]*?`` ran to the part's end. 280 KB of such bytes took 87 s (workbook part), 107 s (merges) and 39 s (cell
   references) on one core: a file calamine refuses in milliseconds burnt the worker's time limit before it was
   listed. XML allows no ``<`` inside a tag, so the searches stop at the next ``<``: linear.
2. A whole-line merge written as ``<mergeCell ref="1:1"></mergeCell>`` (an element with an end tag, as XmlWriter-
   based writers write it) or with ``$`` (``$1:$1``) was not left out: the workbook stayed `corrupt` ("calamine:
   CalamineError; openpyxl: TypeError") with none of its persons read.
3. Other merged ranges calamine refuses (below).
"""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest

from scanner import tables
from scanner.errors import ReadError
from scanner.sheet import Caps
from tests.document_data import people_rows

N = 12


def _book(sheet: bytes = b"", workbook: bytes = b"", merges: bytes = b"", after_sheets: bytes = b"") -> bytes:
    """An .xlsx of a title row over N persons (openpyxl), with ``sheet`` appended inside the first sheet's data, the
    workbook part's first ``<sheet`` given ``workbook`` (``after_sheets`` after its sheets) and ``merges`` written
    as its merged cells."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["利用者名簿 (令和6年度)"])
    for r in people_rows(N, seed=2231):
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                tail = b"<mergeCells>" + merges + b"</mergeCells>" if merges else b""
                assert body.count(b"</sheetData>") == 1
                body = body.replace(b"</sheetData>", sheet + b"</sheetData>" + tail)
            if info.filename == "xl/workbook.xml" and workbook:
                body, n = re.subn(rb"<sheet ", lambda _m: b"<sheet " + workbook, body, count=1)
                assert n == 1 and body.count(b"</sheets>") == 1
                body = body.replace(b"</sheets>", b"</sheets>" + after_sheets)
            z.writestr(info, body)
    return out.getvalue()


# 280 KB of tags that never close, where a sector was overwritten by a repeated record
UNCLOSED = {"merges": {"merges": b'<mergeCell a="1" ' * 20000},
            "workbook": {"workbook": b'state="show" ', "after_sheets": b'<sheet a="1" ' * 20000},
            "cells": {"sheet": b'<c a="1" ' * 20000}}


@pytest.mark.parametrize("where", sorted(UNCLOSED))
def test_unclosed_tags_are_quick(where: str) -> None:
    """Listed corrupt, or read, within seconds either way."""
    data = _book(**UNCLOSED[where])
    start = time.process_time()
    try:
        rows = sum(len(list(s.rows)) for s in tables.read_tables(data, Caps()).sheets)
    except ReadError as e:
        assert e.reason == "corrupt", e
        rows = 0
    took = time.process_time() - start
    assert took < 5, f"{took:.1f} s of CPU for a 280 KB damaged part"
    assert rows in (0, N + 2), rows


@pytest.mark.parametrize("merge", [b'<mergeCell ref="1:1"></mergeCell>', b'<mergeCell ref="$1:$1"/>',
                                   b'<mergeCell ref="$A:$A" ></mergeCell >', b'<x:mergeCell ref="B:D"></x:mergeCell>'])
def test_whole_line_merges_in_other_forms_are_left_out(merge: bytes) -> None:
    wb = tables.read_tables(_book(merges=merge), Caps())
    sheets = [(s.name, list(s.rows), s.notes, s.damage) for s in wb.sheets]
    assert len(sheets) == 1 and len(sheets[0][1]) == N + 2 and not sheets[0][3], sheets
    assert "line-merges" in str(sheets[0][2]) or "whole columns or rows" in str(sheets[0][2]), sheets[0][2]


@pytest.mark.parametrize("merge", [b'<mergeCell ref=""/>', b'<mergeCell ref="1:"/>', b'<mergeCell ref="A:B3"/>',
                                   b'<mergeCell ref="A2:B3 C4:D5"/>'])
def test_merges_calamine_refuses_are_left_out(merge: bytes) -> None:
    """3. A merged range whose reference calamine refuses otherwise (empty, a part missing, ``$``, spaces, two ranges:
    a writer's bug or a hand edit) left the workbook `corrupt` ("calamine: CalamineError; openpyxl: TypeError" or
    ValueError), its persons unread; such a range is left out like a whole-line one, with its own words. (``$A$2:$B$3``
    and `` A2:B3 `` are read as plain references since damage23: tests/test_damage23.py.)"""
    wb = tables.read_tables(_book(merges=b'<mergeCell ref="A5:B6"/>' + merge), Caps())
    sheets = [(s.name, list(s.rows), s.notes, s.damage) for s in wb.sheets]
    assert len(sheets) == 1 and len(sheets[0][1]) == N + 2 and not sheets[0][3], sheets
    assert "1 merged range(s) whose reference calamine and openpyxl refuse" in str(sheets[0][2]), sheets[0][2]
    assert "whole columns or rows" not in str(sheets[0][2]), sheets[0][2]


@pytest.mark.parametrize("merge", [b'<mergeCell ref=" A2:B3 "/>', b'<mergeCell ref="$A$2:$B$3"></mergeCell>'])
def test_merges_with_dollars_or_spaces_are_read_plain(merge: bytes) -> None:
    """damage23: ``$`` and spaces are no other range; the merge is kept as ``A2:B3`` and said so."""
    wb = tables.read_tables(_book(merges=b'<mergeCell ref="A5:B6"/>' + merge), Caps())
    sheets = [(s.name, list(s.rows), s.notes, s.damage) for s in wb.sheets]
    assert len(sheets) == 1 and len(sheets[0][1]) == N + 2 and not sheets[0][3], sheets
    assert "1 merged range(s) written with $ or spaces" in str(sheets[0][2]), sheets[0][2]
    assert "refuse (empty" not in str(sheets[0][2]), sheets[0][2]
