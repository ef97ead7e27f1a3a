"""Tables as municipal and care systems export them, and the damage files suffer (issue 9 tests).

Writers: an HTML table saved as .xls the way Excel's "Web page" and many in-house systems write it
(cp932 with a meta charset, unquoted attributes, colspan title, <br> in cells, conditional comments),
the same page as an MHTML "single file web page", and an Excel 2003 XML Spreadsheet. Damage: byte
flips, truncation, encodings joined, stray quotes. Everything is built from the fictitious people of
tests/pii_data.py (Faker ja_JP, fixed seed).
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
from xml.sax.saxutils import escape, quoteattr

Rows = list[list[object]]


def html_table(rows: Rows, title: str = "利用者名簿", encoding: str = "cp932", sheet: str = "名簿") -> bytes:
    """An Excel-style HTML page with one table (title row spanning the columns, header, records)."""
    charset = {"cp932": "shift_jis", "utf-8": "utf-8", "euc_jp": "euc-jp"}[encoding]
    width = max(len(r) for r in rows)
    out = [
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"',
        'xmlns:x="urn:schemas-microsoft-com:office:excel"',
        'xmlns="http://www.w3.org/TR/REC-html40">',
        f'<head><meta http-equiv=Content-Type content="text/html; charset={charset}">',
        "<meta name=ProgId content=Excel.Sheet>",
        "<!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets><x:ExcelWorksheet>",
        f"<x:Name>{escape(sheet)}</x:Name></x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook></xml><![endif]-->",
        "<style>td {mso-number-format:\\@;}</style></head>",
        "<body link=blue vlink=purple>",
        "<table border=0 cellpadding=0 cellspacing=0 width=900 style='border-collapse:collapse'>",
        "<col width=72 span=9>",
        f"<tr height=24><td colspan={width} class=xl65>{escape(title)}</td></tr>",
    ]
    for i, row in enumerate(rows):
        tag = "th" if i == 0 else "td"
        cells = []
        for v in row:
            text = escape("" if v is None else str(v))
            cells.append(f"<{tag} class=xl66>{text}</{tag}>")
        out.append("<tr height=18>" + "".join(cells) + "</tr>")
    out += ["<![if supportMisalignedColumns]>", "<tr height=0 style='display:none'><td width=72></td></tr>",
            "<![endif]>", "</table>", "</body>", "</html>", ""]
    return "\r\n".join(out).encode(encoding)


def mhtml(html: bytes, charset: str = "shift_jis") -> bytes:
    """The page as Excel's "single file web page": MIME multipart/related, the HTML base64-encoded."""
    body = base64.encodebytes(html).decode("ascii")
    return ("MIME-Version: 1.0\r\n"
            'Content-Type: multipart/related; boundary="----=_NextPart_01D00000.00000000"\r\n\r\n'
            "This document is a Single File Web Page, also known as a Web Archive file.\r\n\r\n"
            "------=_NextPart_01D00000.00000000\r\n"
            "Content-Location: file:///C:/D2F0E0/meibo.htm\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            f'Content-Type: text/html; charset="{charset}"\r\n\r\n'
            f"{body}\r\n"
            "------=_NextPart_01D00000.00000000--\r\n").encode("ascii")


def _ssml_cell(v: object) -> str:
    if v in ("", None):
        return "<Cell/>"
    if isinstance(v, bool):
        return f'<Cell><Data ss:Type="Boolean">{int(v)}</Data></Cell>'
    if isinstance(v, int | float):
        return f'<Cell><Data ss:Type="Number">{v}</Data></Cell>'
    if isinstance(v, dt.date):
        return f'<Cell ss:StyleID="s21"><Data ss:Type="DateTime">{v.isoformat()}T00:00:00.000</Data></Cell>'
    return f'<Cell><Data ss:Type="String">{escape(str(v))}</Data></Cell>'


def spreadsheetml(sheets: dict[str, Rows], gap_before: int = 0) -> bytes:
    """An Excel 2003 XML Spreadsheet; ``gap_before`` > 0 places the first row with ss:Index."""
    out = ['<?xml version="1.0"?>', '<?mso-application progid="Excel.Sheet"?>',
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"',
           ' xmlns:o="urn:schemas-microsoft-com:office:office"',
           ' xmlns:x="urn:schemas-microsoft-com:office:excel"',
           ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"',
           ' xmlns:html="http://www.w3.org/TR/REC-html40">',
           ' <Styles><Style ss:ID="s21"><NumberFormat ss:Format="Short Date"/></Style></Styles>']
    for name, rows in sheets.items():
        width = max((len(r) for r in rows), default=0)
        out.append(f" <Worksheet ss:Name={quoteattr(name)}>")
        out.append(f'  <Table ss:ExpandedColumnCount="{width}" ss:ExpandedRowCount="{len(rows) + gap_before}"'
                   ' x:FullColumns="1" x:FullRows="1">')
        for i, row in enumerate(rows):
            index = f' ss:Index="{gap_before + 1}"' if i == 0 and gap_before else ""
            out.append(f"   <Row{index}>" + "".join(_ssml_cell(v) for v in row) + "</Row>")
        out.append("  </Table>")
        out.append(" </Worksheet>")
    out.append("</Workbook>")
    return "\r\n".join(out).encode("utf-8")


def csv_text(rows: Rows, delimiter: str = ",") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue()


def record_offsets(rows: Rows, encoding: str, delimiter: str = ",", start: int = 0) -> list[tuple[int, int, int]]:
    """(start, start of the address field, end) byte offsets of every row as :func:`csv_text` encodes
    it; ``start`` skips a BOM."""
    address = rows[0].index("住所") if "住所" in rows[0] else 1
    out, pos = [], start
    for r in rows:
        line = csv_text([r], delimiter).encode(encoding)
        before = csv_text([r[:address] + [""]], delimiter).encode(encoding)
        before = before[:len(before) - len("\r\n".encode(encoding))]
        out.append((pos, pos + len(before), pos + len(line)))
        pos += len(line)
    return out


def records_before(offsets: list[tuple[int, int, int]], cut: int) -> int:
    """Person rows a table cut at byte ``cut`` still holds: a row counts once a byte of its address is in."""
    return sum(1 for _, address, _ in offsets[1:] if cut > address)


def stray_quote(data: bytes, line: int) -> bytes:
    """A ``"`` put at the start of the second field of ``line`` (0-based), as a slip of the hand does."""
    lines = data.split(b"\r\n")
    lines[line] = lines[line].replace(b",", b',"', 1)
    return b"\r\n".join(lines)


def flip(data: bytes, offset: int, value: int = 0xFF) -> bytes:
    b = bytearray(data)
    b[offset] = value
    return bytes(b)
