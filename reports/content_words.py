"""Content types in words a reader knows ("Excel ブック", "テキスト"), from libmagic's descriptions.

libmagic's own description stays in findings.json (``type``) and in the report's appendix; the body
shows these words. The first pattern that matches the start of the description wins; anything else is
"another kind of data" in the body, with libmagic's words in the appendix.
"""

from __future__ import annotations

import re

from scanner.codes import MAIL_HOP_FORMATS

# (pattern over libmagic's description, Japanese, English); most specific first
_WORDS: tuple[tuple[str, str, str], ...] = (
    (r"CDFV2 Encrypted|Encrypted", "暗号化された Office 文書", "encrypted Office document"),
    (r"Microsoft Excel 2007\+|Microsoft OOXML", "Excel ブック（.xlsx 形式）", "Excel workbook (.xlsx)"),
    (r"Composite Document File V2 Document.*Excel|Microsoft Excel", "Excel ブック（旧形式 .xls）",
     "Excel workbook (old .xls)"),
    (r"Composite Document File", "Office 文書（旧形式）", "Office document (old format)"),
    (r"Microsoft Word", "Word 文書", "Word document"),
    (r"OpenDocument Spreadsheet", "OpenDocument 表計算", "OpenDocument spreadsheet"),
    (r"OpenDocument", "OpenDocument 文書", "OpenDocument document"),
    (r"CSV text", "CSV（カンマ区切りテキスト）", "CSV text"),
    (r"HTML document", "HTML 文書", "HTML document"),
    (r"XML", "XML 文書", "XML document"),
    (r"vCard", "アドレス帳（vCard）", "address book (vCard)"),
    (r"MIME entity", "MIME 形式（メール・Web ページの保存）", "MIME message (mail or saved web page)"),
    (r"(Unicode|UTF-8|UTF-16|ISO-8859|ASCII|Non-ISO extended-ASCII|ISO-2022|EUC|Shift_JIS|JIS)?.*text",
     "テキスト", "text"),
    (r"Zip archive|ZIP", "ZIP 書庫", "ZIP archive"),
    (r"7-zip archive", "7z 書庫", "7z archive"),
    (r"(POSIX |GNU )?tar archive", "tar 書庫", "tar archive"),
    (r"gzip compressed", "gzip 圧縮ファイル", "gzip file"),
    (r"RAR archive", "RAR 書庫", "RAR archive"),
    (r"PDF document", "PDF 文書", "PDF document"),
    (r"MS Windows shortcut", "Windows のショートカット", "Windows shortcut"),
    (r"MS Windows registry", "Windows のレジストリ", "Windows registry hive"),
    (r"(JPEG|PNG|GIF|TIFF) image", "画像", "image"),
    (r"empty", "空のファイル", "empty file"),
    (r"data$", "内容を判別できないデータ", "unrecognised data"),
)
_COMPILED = tuple((re.compile(p, re.IGNORECASE), ja, en) for p, ja, en in _WORDS)
OTHER = {"ja": "その他のデータ（付録に判定結果）", "en": "other data (see the appendix)"}


def content_words(description: str | None, lang: str = "ja") -> str:
    """libmagic's description -> plain words in ``lang``; unknown ones say "other data"."""
    text = (description or "").strip()
    if not text:
        return "-"
    for pattern, ja, en in _COMPILED:
        if pattern.match(text):
            return en if lang == "en" else ja
    return OTHER["en" if lang == "en" else "ja"]


# a child named (body).txt / (body).html of a mail hop (scanner.codes.MAIL_HOP_FORMATS) is the message's own
# text read as a table (scanner.inspectors.mail_body), not an attachment
MAIL_BODIES = ("(body).txt", "(body).html")


def mail_body(f: dict) -> bool:
    """Whether a hit is the body of a message (its last hop a mail format, its own name (body).txt/.html)."""
    hops = f.get("container") or []
    detail = (hops[-1].get("detail") or {}) if hops else {}
    return bool(hops) and detail.get("format") in MAIL_HOP_FORMATS and str(f.get("path", "")).endswith(
        tuple(" » " + b for b in MAIL_BODIES))
