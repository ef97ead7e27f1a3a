"""Word (.docx), OpenDocument text (.odt, .fodt) and RTF documents written from rows, for tests of tables inside documents
(scanner.doctables). No python-docx or LibreOffice here: the XML is written with the zipfile module, as Word and
LibreOffice lay it out (a body paragraph, the table, a closing paragraph)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

from scanner.demo import make_people

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
Rows = Sequence[Sequence[str]]

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                 'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                 '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
                 'document.main+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def people_rows(n: int, seed: int = 20261206, header: bool = True) -> list[list[str]]:
    """A 名簿 of ``n`` generated people (Faker ja_JP, fixed seed): 氏名, フリガナ, 住所, 電話番号."""
    rows = [["氏名", "フリガナ", "住所", "電話番号"]] if header else []
    rows += [[p.name, p.kana, p.address, p.phone] for p in make_people(n, seed)]
    return rows


def w_para(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def w_cell(text: str, span: int = 1, vmerge: str | None = None, runs: str | None = None) -> str:
    pr = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (
        f'<w:vMerge w:val="{vmerge}"/>' if vmerge == "restart" else "<w:vMerge/>" if vmerge else "")
    body = runs if runs is not None else "".join(w_para(line) for line in text.split("\n"))
    return f'<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/>{pr}</w:tcPr>{body}</w:tc>'


def w_table(rows: Rows, cells: Sequence[Sequence[str]] | None = None) -> str:
    """A ``w:tbl`` of plain rows, or of ``cells`` already written (``w_cell``) row by row."""
    width = max((len(r) for r in rows), default=1)
    grid = "".join('<w:gridCol w:w="2000"/>' for _ in range(width))
    body = "".join("<w:tr>" + "".join(w_cell(str(v)) for v in r) + "</w:tr>" for r in rows) if cells is None else (
        "".join("<w:tr>" + "".join(r) + "</w:tr>" for r in cells))
    return (f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
            f'<w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>')


def docx_xml(body: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}" '
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>')


def docx_bytes(body: str, parts: dict[str, str] | None = None) -> bytes:
    """A .docx whose body is ``body`` (paragraphs and tables as XML); ``parts``: more parts (headers ...)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", docx_xml(body))
        for name, xml in (parts or {}).items():
            z.writestr(name, xml)
        z.writestr("docProps/app.xml", '<?xml version="1.0"?><Properties/>')
    return buf.getvalue()


def docx_with_table(rows: Rows, title: str = "利用者名簿") -> bytes:
    return docx_bytes(w_para(title) + w_para("令和6年4月1日現在") + w_table(rows) + w_para("以上"))


ODF = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.2"')


def odf_table(rows: Rows, name: str = "表1", header: bool = True) -> str:
    width = max((len(r) for r in rows), default=1)

    def row(r: Sequence[str]) -> str:
        return "<table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'
            for v in r) + "</table:table-row>"

    head = f"<table:table-header-rows>{row(rows[0])}</table:table-header-rows>" if header and rows else (
        row(rows[0]) if rows else "")
    return (f'<table:table table:name="{name}"><table:table-column table:number-columns-repeated="{width}"/>'
            + head + "".join(row(r) for r in rows[1:]) + "</table:table>")


def odt_content(body: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ODF}><office:body><office:text>'
            f"{body}</office:text></office:body></office:document-content>")


def odt_bytes(body: str, styles: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", odt_content(body))
        if styles is not None:
            z.writestr("styles.xml", styles)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                   '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.text"/></manifest:manifest>')
    return buf.getvalue()


def odt_with_table(rows: Rows) -> bytes:
    return odt_bytes(f"<text:p>利用者名簿</text:p>{odf_table(rows)}<text:p>以上</text:p>")


def fodt_with_table(rows: Rows) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {ODF} office:mimetype="application/vnd.oasis.'
            f'opendocument.text"><office:body><office:text><text:p>名簿</text:p>{odf_table(rows)}</office:text>'
            "</office:body></office:document>").encode()


def rtf_text(text: str, codec: str = "cp932") -> str:
    """RTF escapes of ``text``: ASCII as it is, the rest as \\'hh bytes in ``codec`` (as Word writes Japanese)."""
    out = []
    for ch in text:
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ord(ch) < 128:
            out.append(ch)
        else:
            try:
                out.append("".join(f"\\'{b:02x}" for b in ch.encode(codec)))
            except UnicodeEncodeError:
                out.append(f"\\u{ord(ch) if ord(ch) < 32768 else ord(ch) - 65536}?")
    return "".join(out)


def rtf_row(row: Sequence[str], merge: Sequence[str] = ()) -> str:
    defs = "".join(f"{merge[i] if i < len(merge) else ''}\\cellx{2000 * (i + 1)}" for i in range(len(row)))
    cells = "".join(f"\\pard\\intbl {rtf_text(str(v))}\\cell " for v in row)
    return f"\\trowd\\trgaph108{defs}{cells}\\pard\\intbl{{\\trowd\\trgaph108{defs}\\row}}\n"


def rtf_with_table(rows: Rows) -> bytes:
    body = "".join(rtf_row(r) for r in rows)
    return ("{\\rtf1\\ansi\\ansicpg932\\deff0{\\fonttbl{\\f0\\fnil\\fcharset128 MS Mincho;}}\n"
            f"\\pard {rtf_text('利用者名簿')}\\par\n{body}\\pard {rtf_text('以上')}\\par\n}}").encode("ascii")


# --- Word 97-2003 (.doc) --------------------------------------------------------------------------------------------
# No writer of .doc is on this machine (no LibreOffice, no antiword): the FIB, piece table and paragraph FKPs are
# written here as [MS-DOC] lays them out (Word's own files are checked in tests/data/documents and by the POI sweep).

CELL, ROW_END, PARA = "cell", "row", "para"


def _papx(kind: str, depth: int, merges: Sequence[int] = ()) -> bytes:
    """A paragraph's properties: style 0, in-table depth, cell or row end (with a sprmTDefTable of vertical merges)."""
    sprms = b""
    if depth:
        sprms += b"\x16\x24\x01" + b"\x49\x66" + depth.to_bytes(4, "little")  # sprmPFInTable, sprmPItap
        if depth > 1 and kind == CELL:
            sprms += b"\x4b\x24\x01"  # sprmPFInnerTableCell
        if kind == ROW_END:
            sprms += b"\x17\x24\x01" if depth == 1 else b"\x4c\x24\x01"  # sprmPFTtp / sprmPFInnerTtp
            if merges:
                n = len(merges)
                tcs = b"".join(((0x60 if m == 1 else 0x20 if m == 2 else 0)).to_bytes(2, "little") + bytes(18)
                               for m in merges)
                body = bytes([n]) + b"".join((1000 * i).to_bytes(2, "little") for i in range(n + 1)) + tcs
                sprms += b"\x08\xd6" + (len(body) + 1).to_bytes(2, "little") + body  # sprmTDefTable
    return b"\x00\x00" + sprms


def doc_paragraphs(rows: Rows, title: str = "利用者名簿", end: str = "以上", nested: Rows | None = None,
                   merges: Sequence[int] = ()) -> list[tuple[str, str, int, Sequence[int]]]:
    """(text with its mark, kind, depth, merges) of a .doc: a title, the table (``nested``: a table inside the first
    cell of the second row), a closing paragraph."""
    out: list[tuple[str, str, int, Sequence[int]]] = [(title + "\r", PARA, 0, ())]
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if nested is not None and i == 1 and j == 0:
                for inner in nested:
                    out += [(c + "\r", CELL, 2, ()) for c in inner] + [("\r", ROW_END, 2, (0,) * len(inner))]
            lines = cell.split("\n")
            out += [(line + "\r", PARA, 1, ()) for line in lines[:-1]] + [(lines[-1] + "\x07", CELL, 1, ())]
        out.append(("\x07", ROW_END, 1, merges or (0,) * len(row)))  # Word defines every row's cells (sprmTDefTable)
    out.append((end + "\r", PARA, 0, ()))
    return out


def doc_bytes(paragraphs: Sequence[tuple[str, str, int, Sequence[int]]], compressed: bool = False,
              fast_saved: bool = False, encrypted: bool = False) -> bytes:
    """A Word 97-2003 .doc (FIB, 1Table with the piece table and the PlcBtePapx, paragraph FKPs) of ``paragraphs``.
    ``compressed``: text in 8-bit cp1252 pieces (ASCII text only); ``fast_saved``: the text in two pieces stored
    in reverse order (as a fast save appends); ``encrypted``: the fEncrypted bit (the rest left plain)."""
    from tests.test_caches import ole_file

    text = "".join(p[0] for p in paragraphs)
    width = 1 if compressed else 2
    encoded = text.encode("cp1252") if compressed else text.encode("utf-16-le")
    units = len(encoded) // width  # character positions count UTF-16 code units (a pair such as 𠮷 is two)
    base = 0x800
    half = (units // 2) if fast_saved else units
    if fast_saved:  # the second half first in the stream
        first, second = encoded[:half * width], encoded[half * width:]
        fcs = [base + len(second), base]
        body = second + first
    else:
        fcs, body = [base], encoded
    word = bytearray(base) + body
    word += bytes(-len(word) % 512)

    def fc_of(cp: int) -> int:
        return fcs[0] + cp * width if cp < half else fcs[1] + (cp - half) * width

    runs = []  # (fc start, fc end, papx) per paragraph: as Word writes them, from its first character (or the first
    cp = 0  # of its mark's piece) to after its mark, so the runs of a piece cover it without a gap
    for chunk, kind, depth, merges in paragraphs:
        size = len(chunk.encode("cp1252" if compressed else "utf-16-le")) // width
        mark = cp + size - 1
        first = cp if (cp < half) == (mark < half) else half
        runs.append((fc_of(first), fc_of(mark) + width, _papx(kind, depth, merges) if depth else b""))
        cp += size
    runs.sort()
    pages, bte_fcs = [], []
    at = 0
    while at < len(runs):
        chunk = [runs[at]]  # as many runs as the page holds: fcs, 13-byte entries, PAPXs from its end
        while at + len(chunk) < len(runs) and 4 * (len(chunk) + 2) + 13 * (len(chunk) + 1) + sum(
                len(r[2]) + 3 for r in [*chunk, runs[at + len(chunk)]]) <= 510:
            chunk.append(runs[at + len(chunk)])
        at += len(chunk)
        page = bytearray(512)
        crun = len(chunk)
        fcs_page = [r[0] for r in chunk] + [chunk[-1][1]]
        page[:4 * (crun + 1)] = b"".join(f.to_bytes(4, "little") for f in fcs_page)
        free = 510
        for j, (_, _, papx) in enumerate(chunk):
            offset = 0
            if papx:
                cb = (len(papx) + 2) // 2  # the PAPX's 2 * cb - 1 bytes hold it
                blob = bytes([cb]) + papx + bytes(2 * cb - 1 - len(papx))
                free -= len(blob) + (len(blob) & 1)
                page[free:free + len(blob)] = blob
                offset = free // 2
            page[4 * (crun + 1) + 13 * j] = offset
        page[511] = crun
        bte_fcs.append(fcs_page[0])
        pages.append(bytes(page))
    first_pn = len(word) // 512
    word += b"".join(pages)
    pieces_cp = [0, half, units] if fast_saved else [0, units]
    pcds = b"".join(b"\x00\x00" + ((f * 2) | 0x40000000 if compressed else f).to_bytes(4, "little") + b"\x00\x00"
                    for f in fcs)
    plc = b"".join(c.to_bytes(4, "little") for c in pieces_cp) + pcds
    clx = b"\x02" + len(plc).to_bytes(4, "little") + plc
    bte = (b"".join(f.to_bytes(4, "little") for f in [*bte_fcs, runs[-1][1]])
           + b"".join((first_pn + k).to_bytes(4, "little") for k in range(len(pages))))
    table = clx + bte
    fib = bytearray(0x384)
    fib[0:4] = b"\xec\xa5\xc1\x00"
    fib[0x0A:0x0C] = (0x0200 | (0x0004 if fast_saved else 0) | (0x0100 if encrypted else 0)).to_bytes(2, "little")
    fib[0x20:0x22] = (14).to_bytes(2, "little")
    fib[0x3E:0x40] = (22).to_bytes(2, "little")
    fib[0x4C:0x50] = units.to_bytes(4, "little")
    fib[0x98:0x9A] = (0x5D).to_bytes(2, "little")
    fib[0x102:0x10A] = len(clx).to_bytes(4, "little") + len(bte).to_bytes(4, "little")
    fib[0x1A2:0x1AA] = (0).to_bytes(4, "little") + len(clx).to_bytes(4, "little")
    word[:len(fib)] = fib
    return ole_file({"WordDocument": bytes(word), "1Table": table})


def doc_with_table(rows: Rows, **kw: object) -> bytes:
    return doc_bytes(doc_paragraphs(rows), **kw)  # type: ignore[arg-type]
