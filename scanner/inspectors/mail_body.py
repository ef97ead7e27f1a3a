"""A message's own text as evidence: a client list pasted into a mail body, and files uuencoded inside it.

An insider may paste the spreadsheet into the body instead of attaching it: a text body then holds tab- or
comma-separated (or space-aligned) rows, an HTML body the ``<table>`` Outlook and Gmail make of cells pasted
from Excel. Such a body is handed back as a child file (``(body).txt`` / ``(body).html``) that the
spreadsheet inspector reads with the same text and HTML table readers as a CSV or an HTML table saved as .xls
(scanner.tables, scanner.markup): nothing here parses a table. Only bodies that look tabular (several lines
with the same count of one delimiter, aligned columns, or an HTML table) become children, so prose costs no
table reading. The child's bytes are the body's text in UTF-8 with a BOM (its declared charset, ISO-2022-JP,
Shift_JIS ..., already applied), so its hash is of that text, not of the bytes as sent.

Old mailers sent files uuencoded inside the text (``begin 644 名簿.xlsx`` ... ``end``): they are decoded
(binascii.a2b_uu, line by line) and examined as attachments; yEnc (``=ybegin``), which no installed library
decodes, is listed unsupported.
"""

from __future__ import annotations

import binascii
import codecs
import importlib
import re
import struct

from ..backends import MissingBackend, load
from ..codes import Status
from ..details import Detail, join_details, say
from ..textdecode import decode_text
from .mail_parts import Attachment

TEXT_BODY, HTML_BODY = "(body).txt", "(body).html"
BOM = "\ufeff"
MIN_ROWS = 3  # lines sharing one delimiter count: a header and two records at least
WIDE_COMMA = "\uff0c"  # the IME's comma: rows typed on a Japanese keyboard
DELIMITERS = ("\t", ",", ";", "|", WIDE_COMMA)
# the wide comma's bytes (UTF-8, Shift_JIS, EUC-JP; ISO-2022-JP's after ESC $ B) read as latin-1 by the walk
_WIDE_COMMA_BYTES = ("\xef\xbc\x8c", "\x81C", "\xa1\xa4")
_HTML_TABLE = re.compile(r"<table\b", re.IGNORECASE)
_HTML_CELL = re.compile(r"<t[dh]\b", re.IGNORECASE)
_HTML_PRE = re.compile(r"<pre\b", re.IGNORECASE)
_ALIGNED = re.compile(r"\S(?: {2,}|\u3000+)\S")  # two spaces (or full-width ones) between words: a column gap
# labels Japanese mailers write for encodings Python names otherwise (never Python's shift_jis: DOMAIN.md 5)
_CODECS = {"shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "windows-31j": "cp932",
           "ms932": "cp932", "cp932": "cp932", "iso-2022-jp": "iso2022_jp_ext", "csiso2022jp": "iso2022_jp_ext",
           "iso-2022-jp-2": "iso2022_jp_2", "iso-2022-jp-3": "iso2022_jp_2004", "euc-jp": "euc_jp",
           "x-euc-jp": "euc_jp", "cp50220": "iso2022_jp_ext", "cp50221": "iso2022_jp_ext",
           "cp50222": "iso2022_jp_ext", "cp20932": "euc_jp", "cp51932": "euc_jp", "cp65001": "utf-8",
           # Windows code pages Outlook records (PR_INTERNET_CPID) that Python names otherwise
           "cp1200": "utf-16-le", "cp1201": "utf-16-be", "cp65000": "utf-7", "cp936": "gbk", "cp54936": "gb18030",
           "cp20866": "koi8_r", "cp21866": "koi8_u", "cp10000": "mac_roman", "cp52936": "hz",
           **{f"cp{28590 + n}": f"iso8859_{n}" for n in range(1, 16)}}
# labels that say only "ASCII": 8-bit bytes under them are common (Windows writes cp20127 for HTML with NBSP):
# read as an unlabelled body would be, not called damaged
_ASCII = {"us-ascii", "ascii", "cp20127", "ansi_x3.4-1968", "iso646-us",
          "unknown-8bit", "x-unknown", "unknown"}  # labels that say there is none (Python's email, mutt)
_UU_BEGIN = re.compile(r"^begin(?:-base64)? ([0-7]{3,4}) (.+)$")  # the name stripped after: a lazy name before
# ``\s*$`` costs a square of the spaces in a hostile line
_QUOTE = re.compile(r"(?m)^(?:[ \t]*>)+ ?")
_QUOTE_MARKS = re.compile(r"(?:>+ ?)+")  # '> ', '>> ', '> > ': a reply's quote marks before a line
_YENC = re.compile(r"(?m)^=ybegin .*\bname=")


def looks_tabular(text: str, html: bool) -> bool:
    """Whether a body may hold a table: an HTML ``<table>`` with cells (or a ``<pre>`` with aligned or tab lines), or
    ``MIN_ROWS`` consecutive lines (blank lines between them allowed) with the same count of one delimiter (a tab,
    ``;`` or ``|`` once or more; a comma twice or more, as prose has commas), or ``MIN_ROWS`` consecutive lines with
    the same number (two or more) of space-aligned column gaps.
    Cheap (one pass over the lines); the table readers decide what the rows are."""
    if html:
        return (_HTML_TABLE.search(text) is not None and _HTML_CELL.search(text) is not None) or (
            _HTML_PRE.search(text) is not None and (_aligned_block(text) is not None or _delimited(text) == "\t"))
        # (a roster aligned in a <pre> block of an HTML-only message: docs26, never read)
    return _delimited(text) is not None or _aligned_block(text) is not None


def unflowed(text: str, delsp: bool = False) -> str:
    """A ``format=flowed`` text body (RFC 3676: Thunderbird, Apple Mail) as written: a line ending in a space
    goes on in the next one (the space dropped when ``DelSp=yes``; the next line's quote marks, the same as the
    first's, dropped too), a leading space is stuffing; the signature line ``-- `` stays. Thunderbird wraps at
    72 characters, so a pasted row is otherwise cut into pieces."""
    out: list[str] = []
    held = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        quote = _QUOTE_MARKS.match(line)
        marks = quote.group(0) if quote else ""
        body = line[len(marks):]
        body = body[1:] if body.startswith(" ") else body  # space-stuffed
        line = held + body if held else marks + body
        if line.endswith(" ") and body != "-- ":
            held = line[:-1] if delsp else line
            continue
        held = ""
        out.append(line)
    return "\n".join([*out, held] if held else out)


def wide_commas_folded(latin1: str) -> str:
    """Raw body bytes (read as latin-1, undecoded: the walk's check) with the wide comma's encoded forms as
    ``，``, so the delimiter rule sees rows typed with it whatever the charset."""
    for form in (*_WIDE_COMMA_BYTES, *(("!$",) if "\x1b$B" in latin1 else ())):
        latin1 = latin1.replace(form, WIDE_COMMA)
    return latin1


def _delimited(text: str) -> str | None:
    """The delimiter ``MIN_ROWS`` consecutive lines share, or None. A last line cut short (no line end after it, no
    more delimiters than the line before; none only below a header of three cells or more) after lines sharing a
    count is a table too: a message cut inside its table's first or second record had fewer whole lines, and nothing
    was read or listed (damage16, fix16a, damage17), when the lines' first is a header of labels, no sentence
    (``_header_like``); the table readers decide what the rows are."""
    cut = not text.endswith(("\n", "\r"))
    for d in DELIMITERS:
        if d not in text:
            continue
        least = 2 if d in (",", WIDE_COMMA) else 1
        run, last, head = 0, -1, ""  # the run's first line: its header
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if not line.strip():  # a blank line between pasted rows (some clients, some people) ends no run
                continue
            n = line.count(d)
            if cut and i == len(lines) - 1 and run and (0 < n <= last or n == 0 and last >= 2) and _header_like(
                    head, d):
                return d  # (cut in its first cell or its last too, below a header of 3+ cells: damage17)
            run = run + 1 if n >= least and n == last else (1 if n >= least else 0)
            last, head = n, line if run == 1 else head
            if run >= MIN_ROWS:
                return d
    return None


def _header_like(line: str, delimiter: str) -> bool:
    """A line of labels: short cells, none a phrase, no sentence's end (review17g: a letter's line "We met on
    Monday, Tuesday, and Wednesday." above its signature was read as a table's header and the message listed cut)."""
    cells = [c.strip() for c in line.split(delimiter)]
    return (not line.rstrip().endswith((".", "。", "!", "?", "！", "？", ":", "："))
            and all(len(c) <= 24 and len(c.split()) <= 3 and ": " not in c for c in cells))


def _cut_first_row(text: str, delimiter: str) -> str | None:
    """``text-cut-in-row`` for a body that ends, with no line end, inside the first row under its header (fewer
    cells): no table above it for the text reader to measure the cut against (damage17: read `ok`, or nothing)."""
    if text.endswith(("\n", "\r")):
        return None
    rows = [ln for ln in text.splitlines() if ln.strip()]
    header = next((k for k in range(len(rows) - 1) if rows[k].count(delimiter)), None)
    if header is None or header != len(rows) - 2 or not _header_like(rows[header], delimiter):
        return None
    last, cells = rows[-1].count(delimiter) + 1, rows[-2].count(delimiter) + 1
    return say(Detail.TEXT_CUT_IN_ROW, last=last, cells=cells) if last < cells else None


def _aligned_block(text: str) -> tuple[int, int] | None:
    """(first, last + 1) line of the space-aligned rows of a body (``MIN_ROWS`` consecutive lines or more with
    the same number, two or more, of column gaps), or None. The fixed-width reader needs straight blank columns
    on every line it is given, so a greeting above the table or a signature below it is left out of what it
    reads; blank lines inside the block are kept."""
    lines = text.splitlines()
    gaps = [len(_ALIGNED.findall(line.strip())) if "  " in line or "\u3000" in line else 0 for line in lines]
    first = last = None
    run, previous, start = 0, -1, 0
    for i, g in enumerate(gaps):
        if not lines[i].strip():  # a blank line between rows ends no run (kept inside the block)
            continue
        run = run + 1 if g >= 2 and g == previous else (1 if g >= 2 else 0)
        start = i if run == 1 else start
        previous = g
        if run >= MIN_ROWS:
            first = start if first is None else first
            last = i + 1
    return (first, last) if first is not None and last is not None else None


def body_text(raw: bytes, charset: str | None) -> tuple[str, tuple[Status, str] | None]:
    """A body's text from its transfer-decoded bytes and its declared charset; when the label is unknown or
    does not fit the bytes, the text as the table readers would decode it, with why it is damaged."""
    label = (charset or "").strip().lower()
    if label in _ASCII:
        label = ""
    codec = _CODECS.get(label, label) if label else ("us-ascii" if raw.isascii() else "")
    tried = []
    if codec:
        for name in (codec, *(("iso2022_jp_2004", "iso2022_jp_2") if codec == "iso2022_jp_ext" else ())):
            try:
                codecs.lookup(name)
                return raw.decode(name), None
            except LookupError:
                break
            except UnicodeError:  # undecodable bytes; or a codec that refuses all ('undefined'): not this label
                tried.append(name)
        if codec == "iso2022_jp_ext" and (windows := windows_jis(raw)) is not None:
            return windows, None
    text, found = decode_text(raw)
    if not label:  # 8-bit text without a label (old Japanese mailers): read as a text table would be
        return text.lstrip(BOM), None
    said = say(Detail.CHARSET_MISFIT if tried else Detail.CHARSET_UNKNOWN, label=label[:40], found=str(found))
    return text.lstrip(BOM), (Status.CORRUPT, said)


_JIS_RUN = re.compile(rb"\x1b(\$[@B]|\([BJI])")


def windows_jis(raw: bytes) -> str | None:
    """ISO-2022-JP as Windows writes it (code page 50220/50221: Outlook, Thunderbird on Windows): the NEC and
    IBM extensions (① ㈱ № 髙 﨑) sent as JIS rows Python's iso2022 codecs refuse. Each two-byte JIS pair is the
    Shift_JIS pair of the same row and cell (JIS X 0208's own mapping), decoded as cp932; None when the bytes
    are not such 7-bit JIS."""
    if not raw.isascii():
        return None
    out = bytearray()
    mode = b"(B"
    at = 0
    for found in (*_JIS_RUN.finditer(raw), None):
        end = found.start() if found is not None else len(raw)
        run = raw[at:end]
        if mode in (b"$@", b"$B"):
            if len(run) % 2 or b"\n" in run:  # a line ends only after a switch back to ASCII
                return None
            for j1, j2 in zip(run[::2], run[1::2], strict=False):
                if not (0x21 <= j1 <= 0x7E and 0x21 <= j2 <= 0x7E):
                    return None
                s1 = ((j1 - 0x21) >> 1) + 0x81
                s1 += 0x40 if s1 > 0x9F else 0
                s2 = j2 + (0x1F + (j2 >= 0x60) if j1 & 1 else 0x7E)
                out += bytes((s1, s2))
        elif mode == b"(I":  # half-width katakana by shift
            out += bytes(b + 0x80 if 0x21 <= b <= 0x5F else b for b in run)
        else:
            out += run
        if found is not None:
            mode, at = found.group(1), found.end()
    try:
        return out.decode("cp932")
    except UnicodeDecodeError:
        return None


def rtf_source(raw: bytes, compressed: bool = True) -> tuple[str | None, tuple[Status, str] | None]:
    """An RTF body as text (latin-1: RTF is 7-bit with escapes): Outlook's compressed RTF (PR_RTF_COMPRESSED,
    attRtfCompressed) decompressed with compressed-rtf, or RTF as libpff gives it; None and why when it cannot
    be read."""
    try:
        if compressed:
            size = struct.unpack_from("<I", raw)[0] + 4 if len(raw) >= 16 else len(raw)
            if size > len(raw) + 3:  # writers drop up to three padding bytes; more missing is a cut stream
                return None, (Status.CORRUPT, say(Detail.RTF_BODY_CUT, n=len(raw), size=size))
            raw = load("compressed_rtf").decompress((raw + bytes(3))[:size])
        return raw.decode("latin-1"), None
    except MissingBackend as e:
        return None, (Status.UNSUPPORTED, say(Detail.RTF_BODY_NO_LIBRARY, library=str(e)))
    except Exception as e:  # noqa: BLE001 - a damaged body (bad CRC, bad header): said, never raised
        return None, (Status.CORRUPT, say(Detail.RTF_BODY_DAMAGED, error=type(e).__name__))


def rtf_text(raw: bytes, compressed: bool = True) -> tuple[str | None, tuple[Status, str] | None]:
    """The text of an RTF body by striprtf, which writes a table's cells as ``|``-separated rows (a delimiter the
    text table reader splits at); None and why when it cannot be read."""
    source, problem = rtf_source(raw, compressed)
    if source is None:
        return None, problem
    try:
        to_text = importlib.import_module(load("striprtf").__name__ + ".striprtf").rtf_to_text
        return str(to_text(source, errors="replace")), None
    except MissingBackend as e:
        return None, (Status.UNSUPPORTED, say(Detail.RTF_BODY_NO_LIBRARY, library=str(e)))
    except Exception as e:  # noqa: BLE001 - a damaged body (broken groups): said, never raised
        return None, (Status.CORRUPT, say(Detail.RTF_BODY_DAMAGED, error=type(e).__name__))


_RTF_TOKEN = re.compile(r"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|([^\\{}\r\n]+)|[\r\n]+",
                        re.DOTALL)
_RTF_SKIPPED = frozenset(("fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "header", "footer",
                          "listtable", "listoverridetable", "rsidtbl", "generator", "xmlnstbl", "themedata",
                          "datastore", "latentstyles", "filetbl", "revtbl"))
MAX_RTF_GROUPS = 10_000  # nesting kept track of; deeper groups are read as their parent (a crafted file)


def fromhtml(source: str) -> str | None:
    """The HTML an RTF body encapsulates (``\\fromhtml1``: how Outlook keeps an HTML message in a .msg, a .pst
    and a winmail.dat when no HTML property is stored), per [MS-OXRTFEX]: the text of ``{\\*\\htmltag ...}``
    groups and the text outside ``\\htmlrtf`` ... ``\\htmlrtf0`` runs, in the body's code page
    (``\\ansicpg``); None when the RTF is no encapsulated HTML. One pass over the tokens."""
    if "\\fromhtml" not in source[:4096]:
        return None
    out: list[str] = []
    pending = bytearray()
    codec = "cp1252"  # the document's (\ansicpg)
    fonts: dict[int, str] = {}  # font number -> the code page of its \fcharset, when it names one
    font_no = 0
    # per group: (skipped, in an htmltag, inside \htmlrtf, \uc count, the current font's code page, in \fonttbl)
    stack: list[tuple[bool, bool, bool, int, str | None, bool]] = []
    skip, tag, hidden, uc, font, in_fonts = False, False, False, 1, None, False
    deeper, star, fallback, start = 0, False, 0, True

    def flush() -> None:
        if pending:
            out.append(pending.decode(font or codec, "replace"))
            pending.clear()

    for found in _RTF_TOKEN.finditer(source):
        word, param, hexbyte, symbol, brace, text = found.groups()
        first, start = start, False
        if brace == "{":
            flush()
            if len(stack) < MAX_RTF_GROUPS:
                stack.append((skip, tag, hidden, uc, font, in_fonts))
            else:
                deeper += 1
            start, star = True, False
            continue
        if brace == "}":
            flush()
            if deeper:
                deeper -= 1
            elif stack:
                skip, tag, hidden, uc, font, in_fonts = stack.pop()
            fallback = 0
            continue
        shown = not skip and (tag or not hidden)
        if word is not None:
            if in_fonts and word in ("f", "fcharset") and param and param.lstrip("-").isdigit():
                font_no = int(param) if word == "f" else font_no
                if word == "fcharset" and int(param) in _FCHARSETS and len(fonts) < MAX_RTF_GROUPS:
                    fonts[font_no] = _FCHARSETS[int(param)]
            elif word == "fonttbl":
                skip = in_fonts = True
            elif word == "f" and param and not skip:
                flush()
                font = fonts.get(int(param))
            elif word == "htmltag" and (star or first):
                flush()
                skip, tag = False, True
            elif star or word in _RTF_SKIPPED:
                skip = True
            elif word == "htmlrtf":
                flush()
                hidden = param != "0"
            elif word == "ansicpg" and param and param.isdigit():
                codec = _rtf_codec(int(param))
            elif word == "uc" and param:
                uc = max(0, int(param))
            elif word == "u" and param and shown:
                flush()
                out.append(chr(int(param) % 65536))
                fallback = uc
            elif word in ("par", "line") and shown:
                flush()
                out.append("\n")
            elif word == "tab" and shown:
                flush()
                out.append("\t")
            star = False
            continue
        if symbol is not None:
            if symbol == "*":
                star = True
            elif shown and symbol in "\\{}":
                flush()
                out.append(symbol)
            elif shown and symbol == "~":
                flush()
                out.append("\u00a0")
            continue
        if fallback:  # the replacement characters after a \uN
            if hexbyte is not None:
                fallback -= 1
                continue
            if text is not None:
                dropped = min(fallback, len(text))
                fallback -= dropped
                text = text[dropped:]
        if hexbyte is not None and shown:
            pending.append(int(hexbyte, 16))
        elif text and shown:
            flush()
            out.append(text)
    flush()
    # a character beyond the BMP (an emoji) is written as two \\uN halves: joined here; a lone half is U+FFFD
    return "".join(out).encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


# \fcharset -> code page (RTF 1.9.1; the ANSI, default and symbol sets 0, 1, 2 follow \ansicpg)
_FCHARSETS = {128: "cp932", 129: "cp949", 130: "cp1361", 134: "gbk", 136: "cp950", 161: "cp1253", 162: "cp1254",
              163: "cp1258", 177: "cp1255", 178: "cp1256", 186: "cp1257", 204: "cp1251", 222: "cp874", 238: "cp1250"}


def _rtf_codec(code_page: int) -> str:
    """Python's codec for an RTF code page (932 -> cp932); cp1252 when Python has none."""
    name = _CODECS.get(f"cp{code_page}", f"cp{code_page}")
    try:
        codecs.lookup(name)
    except LookupError:
        return "cp1252"
    return name


def table_body(text: str, html: bool, problem: tuple[Status, str] | None) -> Attachment | None:
    """The body as a child file when it looks tabular, else None (prose is not a table)."""
    if not looks_tabular(text, html):
        return None
    if not html and ">" in text:  # a reply quotes the rows: the values are what follows the quote marks
        text = _QUOTE.sub("", text)
    delimiter = None if html else _delimited(text)
    if delimiter is not None and (cut := _cut_first_row(text, delimiter)) is not None:
        problem = (Status.CORRUPT, join_details((problem[1], cut)) if problem else cut)
    if delimiter == WIDE_COMMA and "\t" not in text:  # the table readers split at ASCII delimiters: a tab here
        text = text.replace(WIDE_COMMA, "\t")
    if not html and delimiter is None:  # aligned columns only: the block of aligned lines is the table
        block = _aligned_block(text)
        if block is not None:
            text = "\n".join(text.splitlines()[block[0]:block[1]]) + "\n"
    data = (BOM + text).encode("utf-8", "surrogatepass")
    return Attachment(HTML_BODY if html else TEXT_BODY, data, problem, body=True)


def rtf_table(raw: bytes, compressed: bool = True,
              html_only: bool = False) -> tuple[Attachment | None, tuple[Status, str] | None]:
    """An RTF body as a table child when it looks like one, or why it could not be read: the HTML it
    encapsulates (``\\fromhtml1``: Outlook's usual form of an HTML message) read as an HTML body; else (unless
    ``html_only``: a message with a plain-text body beside, whose text is the same) its text by striprtf."""
    source, problem = rtf_source(raw, compressed)
    if source is None:
        return None, problem
    html = fromhtml(source)
    if html is not None:
        return table_body(html, True, None), None
    if html_only:
        return None, None
    text, problem = rtf_text(source.encode("latin-1"), compressed=False)
    if text is None:
        return None, problem
    return table_body(text, False, None), None


def uu_files(text: str) -> tuple[str, list[Attachment], list[tuple[Status, str]]]:
    """(the text without its uuencoded blocks, the files they hold, problems) of a text body: each block from
    ``begin <mode> <name>`` to ``end`` decoded line by line; a block cut before ``end`` or with lines that do
    not decode gives what decoded, said corrupt. yEnc (``=ybegin``) is listed unsupported."""
    problems: list[tuple[Status, str]] = []
    if _YENC.search(text):
        problems.append((Status.UNSUPPORTED, say(Detail.YENC_NO_LIBRARY)))
    if "begin " not in text:
        return text, [], problems
    kept: list[str] = []
    files: list[Attachment] = []
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        found = _UU_BEGIN.match(lines[i].rstrip("\r\n"))
        if found is None:
            kept.append(lines[i])
            i += 1
            continue
        name = found.group(2).strip() or f"uuencoded-{len(files) + 1}"
        base64 = lines[i].startswith("begin-base64")
        i += 1
        opened = i
        chunks: list[bytes] = []
        bad, ended = 0, False
        while i < len(lines):
            line = lines[i].rstrip("\r\n")
            i += 1
            if line.strip() in ("end", "===="):
                ended = True
                break
            if not line.strip() or line == "`":
                continue
            try:
                chunks.append(binascii.a2b_base64(line) if base64 else _uu_line(line))
            except (binascii.Error, ValueError):
                bad += 1
        why = []
        if bad:
            why.append(f"{bad} lines did not decode")
        if not ended:
            why.append("no 'end' line (cut)")
            kept.extend(lines[opened:])  # the rest of the body is looked at too (a table after a stray begin line)
        problem = (Status.CORRUPT, say(Detail.UUENCODED_DAMAGED, why=", ".join(why))) if why else None
        files.append(Attachment(name, b"".join(chunks), problem))
    return "".join(kept), files, problems


def _uu_line(line: str) -> bytes:
    """One uuencoded line; the trailing padding some encoders drop or add is tolerated as uudecode does."""
    raw = line.encode("latin-1")
    try:
        return binascii.a2b_uu(raw)
    except binascii.Error:
        length = (raw[0] - 32) & 63
        return binascii.a2b_uu(raw[:(length + 2) // 3 * 4 + 1])  # extra characters after the data
