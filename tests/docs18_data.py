"""Word 2003 XML and OpenOffice.org 1 (.sxw) documents written from rows, laid out as Word 2003 and OpenOffice.org 1.1
save them, for tests of scanner.doctables (docs18). No Word or OpenOffice here: the XML is written by hand."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from tests.document_data import Rows

WORDML_NS = "http://schemas.microsoft.com/office/word/2003/wordml"


def wordml_cell(text: str, vmerge: str | None = None) -> str:
    pr = f'<w:vmerge w:val="{vmerge}"/>' if vmerge == "restart" else "<w:vmerge/>" if vmerge else ""
    paras = "".join(f'<w:p><w:r><w:t>{escape(line)}</w:t></w:r></w:p>' for line in text.split("\n"))
    return f'<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/>{pr}</w:tcPr>{paras}</w:tc>'


def wordml_table(rows: Rows) -> str:
    body = "".join("<w:tr>" + "".join(wordml_cell(str(v)) for v in r) + "</w:tr>" for r in rows)
    return f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>{body}</w:tbl>'


def wordml_document(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<?mso-application progid="Word.Document"?>\n'
            f'<w:wordDocument xmlns:w="{WORDML_NS}" xmlns:wx="http://schemas.microsoft.com/office/word/2003/auxHint" '
            'xmlns:o="urn:schemas-microsoft-com:office:office" w:macrosPresent="no" w:embeddedObjPresent="no" '
            'w:ocxPresent="no" xml:space="preserve"><o:DocumentProperties><o:Author>作成者</o:Author>'
            '</o:DocumentProperties><w:body><wx:sect><w:p><w:r><w:t>利用者名簿</w:t></w:r></w:p>'
            f'{body}<w:p/><w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></wx:sect></w:body>'
            '</w:wordDocument>').encode()


def wordml_with_table(rows: Rows) -> bytes:
    return wordml_document(wordml_table(rows))


SXW_MIMETYPE = "application/vnd.sun.xml.writer"


def sxw_table(rows: Rows, header: bool = True) -> str:
    width = max(len(r) for r in rows)

    def row(r: list[str] | tuple[str, ...] | object) -> str:
        cells = "".join(f'<table:table-cell table:value-type="string"><text:p>{escape(str(v))}</text:p>'
                        '</table:table-cell>' for v in r)  # type: ignore[attr-defined]
        return f"<table:table-row>{cells}</table:table-row>"

    first, rest = (rows[0], rows[1:]) if header else (None, rows)
    head = f"<table:table-header-rows>{row(first)}</table:table-header-rows>" if first is not None else ""
    return (f'<table:table table:name="表1"><table:table-column table:number-columns-repeated="{width}"/>'
            f'{head}{"".join(row(r) for r in rest)}</table:table>')


def sxw_content(body: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE office:document-content PUBLIC "-//OpenOffice.org//DTD '
            'OfficeDocument 1.0//EN" "office.dtd">\n<office:document-content xmlns:office="http://openoffice.org/2000/office" '
            'xmlns:style="http://openoffice.org/2000/style" xmlns:text="http://openoffice.org/2000/text" '
            'xmlns:table="http://openoffice.org/2000/table" office:class="text" office:version="1.0">'
            f'<office:body><text:p>利用者名簿</text:p>{body}<text:p/></office:body></office:document-content>')


def sxw_bytes(body: str, mimetype: str = SXW_MIMETYPE) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", sxw_content(body))
        zf.writestr("styles.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles '
                    'xmlns:office="http://openoffice.org/2000/office" office:version="1.0"/>')
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
                    'xmlns:manifest="http://openoffice.org/2001/manifest"/>')
    return out.getvalue()


def sxw_with_table(rows: Rows) -> bytes:
    return sxw_bytes(sxw_table(rows))
