"""Session 23 (damage23): damaged inputs left by damage21/csv22/review22v (bench/README.md "Session 23 (damage23)").

Every case is real data: generated person tables (Faker ja_JP, fixed seeds, the suite's writers) or written by a
third-party tool; each test was committed failing before its fix.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from scanner import tables
from scanner.sheet import Caps
from tests.conftest import ScanCases, own_lines
from tests.document_data import people_rows
from tests.pii_data import xls_bytes

N = 12
CORPUS = Path("../shared/corpus/spreadsheets")
cases = ScanCases("damage23")
scanned = cases.fixture()


def _merged_book(ref: bytes) -> tuple[bytes, list[list[str]]]:
    """An .xlsx (openpyxl) of 氏名/フリガナ/住所/電話番号 where four persons of one household share one address cell
    merged down over their rows (C2:C5), the merge written as ``ref``."""
    import openpyxl

    rows = people_rows(8, seed=2301)
    for r in rows[2:5]:
        r[2] = rows[1][2]
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, r in enumerate(rows):
        ws.append([None if 2 <= i <= 4 and j == 2 else v for j, v in enumerate(r)])
    ws.merge_cells("C2:C5")
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body, n = re.subn(rb'ref="C2:C5"', b'ref="' + ref + b'"', body)
                assert n == 1
            z.writestr(info, body)
    return out.getvalue(), rows


def test_merge_written_with_dollars_fills_down() -> None:
    """7. A merged range written ``$C$2:$C$5`` (absolute, as some writers and hand edits give it) was left out
    (calamine refuses the workbook; review22w dropped the range): the household's shared address was read for its
    first person only. The reference is read as ``C2:C5``: every person of the household has the address."""
    for ref in (b"$C$2:$C$5", b" C2:C5 ", b"$C2:C$5"):
        data, rows = _merged_book(ref)
        wb = tables.read_tables(data, Caps())
        got = [[str(c) for c in r] for r in wb.sheets[0].rows]
        assert [r[2] for r in got[1:5]] == [rows[1][2]] * 4, (ref, [r[2][:3] for r in got[1:5]])
        assert not wb.sheets[0].damage


@cases.case
def _zeroed_xls() -> dict[str, bytes]:
    made = xls_bytes({"名簿": people_rows(N, seed=2302)})
    third = (CORPUS / "positive" / "calamine__biff5-rich-text-string.xls").read_bytes()
    return {"whole.xls": bytes(len(made)), "head512.xls": bytes(512) + made[512:],
            "head4096.xls": bytes(4096) + made[4096:], "third_head512.xls": bytes(512) + third[512:],
            "but_tail.xls": bytes(len(third) - 512) + third[-512:]}


def test_a_zeroed_xls_is_corrupt_with_why(scanned: dict[str, Any]) -> None:
    """6. An .xls zeroed whole or from its start (a sector or more zeroed on disk: its OLE2 header gone) was
    `unsupported` "binary content that is not a known workbook format", as if it were some other program's file. A
    file named as a workbook whose first bytes are NUL is a damaged workbook: `corrupt`, with how many bytes are zero."""
    lines = own_lines(scanned, "zeroed_xls")
    listed = {Path(s["path"]).name: s for s in lines["skipped"]}
    assert sorted(listed) == sorted(scanned["books"]["zeroed_xls"]), sorted(listed)
    for name, s in listed.items():
        assert s["reason"] == "corrupt", (name, s["reason"], s["detail"])
        assert "workbook-zeroed" in [c.get("code") for c in s["detail_codes"]], (name, s["detail_codes"])
