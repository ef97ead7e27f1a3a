"""A PDF's page text as table rows, for the person-table detector (pdftext24: a client list printed to PDF, Excel's
"save as PDF", a Word table exported, a scan with an OCR text layer, gave no line: only attached files were read).

pypdf walks each page's content stream and hands every text run to a visitor with its position (user space). Runs
whose baselines are within ``ROW_SLACK`` points of each other are one row; within a page, an x where runs start in at
least ``COLUMN_ROWS`` rows is a column, and a run starting at a column opens a new cell (a run elsewhere, a word or a
glyph a writer placed on its own, joins the cell before it). The pages' rows follow each other in one sheet ("page
text"), so a list over many pages is one table, its header repeated or not. Runs in the worker (scanner.isolation),
under pypdf's decoder output caps, the cell and time caps (scanner.sheet), a page cap (``MAX_PAGES``) and a text cap
(``MAX_TEXT``): past either, what was read is analysed and the file is ``too-large``, the cap said. A page pypdf
cannot read, or content it had to recover (it warns), is said as damage on the sheet, never nothing; a PDF whose
pages hold pictures and no text at all is ``textless`` (no text layer: only OCR could read it).
"""

from __future__ import annotations

import bisect
import io
import itertools
import logging
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from .backends import load
from .codes import Status
from .details import Detail, say
from .errors import ReadError, error_name
from .isolation import decoding
from .sheet import Caps, CellBudget, Sheet

MAX_PAGES = 5_000  # pages read from one PDF (a list of 100,000 persons is ~2,500 pages)
MAX_TEXT = 32 << 20  # characters of page text read from one PDF
ROW_SLACK = 2.0  # points: runs whose baselines differ by less are on one row (a superscript, a rounding)
COLUMN_ROWS = 3  # rows in which runs start at one x before that x is a column of the page
CENTRED_SLACK = 6.0  # points: middles of runs this close are one centred column's (half a 12 pt glyph)
X_SLACK = 1.5  # points: starts this close are one column
# pdf25: one page's work is bounded inside the page (the budget is checked between pages; a page of millions of text
# runs cost ~8 s and ~290 MB before pypdf's own 2,000,000-token limit): a page whose content shows more than
# PAGE_RUNS texts (Tj/TJ counted in its bytes, before pypdf parses it; the densest of 1,220 real PDFs shows 16,388) or whose
# visitor is handed more is not read; the clock is checked every few runs; pypdf's token limit is pinned at its own
# default (400,000 said 2 real drawings of pdf.js, 2.7 MB of paths and ~500 texts, too large)
PAGE_TOKENS = 2_000_000
PAGE_RUNS = 100_000
TICK_RUNS = 2_048
PAGE_OPERATORS = 2 * PAGE_TOKENS  # operators walked on one page, its forms' counted at each draw (one stream holds fewer)
# a page whose text is this share undecodable (unassigned, private-use or surrogate code points, U+FFFD, pypdf's glyph
# name fallbacks "/gE6D", letters of scripts mixed inside one run) is noise: a font without a usable ToUnicode map
UNDECODED_SHARE = 0.10
UNDECODED_MIN = 12  # undecodable characters on a page before it is said (a stray symbol-font bullet is not)
# pypdf's Configuration: the most bytes each of its decoders may output (LimitReachedError past it)
_OUTPUT_CAPS = ("zlib_maximum_output_length", "lzw_maximum_output_length", "run_length_maximum_output_length",
                "brotli_maximum_output_length", "array_based_stream_maximum_output_length",
                "jbig2_maximum_output_length")


@dataclass
class PageText:
    """What reading the page text gave besides the rows: pages, whether no page holds text but some a picture."""

    pages: int = 0
    read: int = 0
    textless: bool = False
    undecodable: int = 0  # pages whose text is noise (a font without a usable ToUnicode map)
    vertical: int = 0  # pages set vertically (縦書き), read column by column
    damage: list[str] = field(default_factory=list)


class _Warned(logging.Handler):
    """Counts pypdf's warnings (a content stream it had to recover); their texts are not kept (they may quote bytes)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        try:  # only a stream that failed to inflate is damage: pypdf also warns of benign slips ("Ignoring wrong
            damaged = _INFLATE_FAILED.search(str(record.msg) % record.args if record.args else str(record.msg))
        except Exception:  # noqa: BLE001 - a message that cannot be formatted: not counted
            damaged = None  # pointing object", font widths: 32 of 266 real whole PDFs were said recovered for those)
        self.count += damaged is not None


def withheld_log() -> logging.Logger:
    """pypdf's logger, its records kept from the scan's log (pdf26): they quote the file (a form's name, "Impossible to
    decode XFormObject /山田太郎", once per draw after a stop); the handlers leakscan adds while pypdf reads count
    them where they mean damage."""
    log = logging.getLogger("pypdf")
    if log.propagate:
        log.addHandler(logging.NullHandler())  # (no handler at all: logging's last resort would print them)
        log.propagate = False
    return log


def pdf_sheets(data: bytes, caps: Caps, seen: PageText | None = None) -> Iterator[Sheet]:
    """The page text of a PDF as one sheet of rows (``seen`` gets pages, damage and whether it is textless). ReadError:
    encrypted with a password, unopenable (corrupt), or a cap after the rows read before it were yielded."""
    pypdf = load("pypdf")
    decoding("pypdf")
    seen = seen if seen is not None else PageText()
    budget = CellBudget(caps)
    warned = _Warned()
    log = withheld_log()
    log.addHandler(warned)
    sheet = Sheet("page text", [])
    capped: ReadError | None = None
    try:
        with pypdf.apply_configuration(**dict.fromkeys(_OUTPUT_CAPS, max(caps.max_inflated, 1 << 20)),
                                       stream_parsing_work_maximum_count=PAGE_TOKENS):
            try:
                pages = _pages(pypdf, data)
            except ReadError:
                raise
            except Exception as e:  # noqa: BLE001 - pypdf's errors of every kind: the PDF cannot be opened as written
                try:  # cut before its cross-reference (a copy that stopped): pypdf rebuilds the table from the
                    pages = _pages(pypdf, data + MEND)  # objects when a startxref is wrong, not when there is none
                except Exception:  # noqa: BLE001 - not even so
                    reason = Status.ENCRYPTED if "decrypt" in str(e).casefold() else Status.CORRUPT
                    if error_name(e) == "LimitReachedError":  # pypdf's own cap (a page tree or stream past its
                        reason = Status.TOO_LARGE  # limits), not damage (review24f: 300,000 pages were said corrupt)
                    raise ReadError(reason, say(Detail.PDF_TEXT_UNREAD, error=error_name(e))) from e
            seen.pages = len(pages)
            if not pages:  # a PDF has a page; none found: its page tree is damaged (review24f: /Kids misspelt or a
                found = max(len(_PAGE.findall(data)), 1)  # ref broken gave 0 pages and a silent clean), never nothing
                raise ReadError(Status.CORRUPT, say(Detail.PDF_TEXT_PAGES_UNREAD, n=found, pages=found))
            text = 0
            columns: list[float] = []
            pictures = False
            failed = 0
            limited = 0
            odd = chars = listed = 0
            parted: dict[int, int] = {}  # sheet rows parted at tabs -> their cell count
            for number in range(seen.pages):
                if number >= MAX_PAGES:
                    capped = ReadError(Status.TOO_LARGE, say(Detail.PDF_PAGES_OVER_CAP, n=seen.pages, cap=MAX_PAGES))
                    break
                if text > MAX_TEXT:
                    capped = ReadError(Status.TOO_LARGE, say(Detail.PDF_TEXT_OVER_CAP, cap=MAX_TEXT, n=number))
                    break
                budget.tick()
                try:
                    page = pages[number]
                    fonts: list[bool] = []
                    turned: list[int] = []
                    blanks: list[Run] = []
                    runs = _runs(page, budget, fonts, turned, blanks)
                    if not runs and not pictures:
                        pictures = _has_picture(page)
                except ReadError:
                    raise
                except Exception as e:  # noqa: BLE001 - one page's damage: said, the others read
                    failed += 1
                    limited += isinstance(e, PageCapped) or error_name(e) == "LimitReachedError"  # (a cap on one
                    continue  # page's work, pypdf's on a stream or ours on its runs: no damage)
                seen.read += 1
                text += sum(len(r[2]) for r in runs)
                raw = runs
                vertical = _vertical(runs) or _downward(runs, turned)
                if vertical:  # 縦書き: each column a row, read top to bottom, the rightmost first
                    seen.vertical += 1
                    listed += _LISTED.search("".join(r[2] for r in runs).replace("\n", "")) is not None
                    runs = _merged([_turned(run, turned[at] if at < len(turned) else UPRIGHT) for at, run in enumerate(runs)],
                                   [_turned(blank, SIDEWAYS) for blank in blanks])  # (its glyphs as words: their scripts
                page_odd, page_chars = _undecoded(runs)  # mixed are noise, pdfminer's kampo.pdf: 8 -> 46 in 100)
                page_odd = min(page_odd + _unlike(raw, fonts), page_chars)  # (one script of noise: pdf26)
                odd, chars = odd + page_odd, chars + page_chars
                seen.undecodable += page_odd >= UNDECODED_MIN and page_odd >= UNDECODED_SHARE * page_chars
                if vertical:  # (its words one cell each, in order: a list set as lines has no columns to align,
                    rows, cut = _lined(runs), set[int]()  # pdf26: 6 of 12 persons by pdf25's columns, ragged)
                else:
                    rows, columns, cut = _rows(runs, columns)
                for at, row in enumerate(rows):
                    budget.add(len(row))
                    if at in cut:
                        parted[len(sheet.rows)] = len(row)  # type: ignore[arg-type]
                    sheet.rows.append(row)  # type: ignore[attr-defined]
            if failed and failed == seen.pages:
                if limited == failed:  # every page past the caps on a page's work (millions of text runs): too large,
                    raise ReadError(Status.TOO_LARGE, say(Detail.PDF_PAGE_OVER_CAP, n=limited, pages=seen.pages,
                                                          runs=PAGE_RUNS, tokens=PAGE_TOKENS))  # not broken
                raise ReadError(Status.CORRUPT, say(Detail.PDF_TEXT_PAGES_UNREAD, n=failed, pages=seen.pages))
            if failed > limited:
                seen.damage.append(say(Detail.PDF_TEXT_PAGES_UNREAD, n=failed - limited, pages=seen.pages))
            if limited and capped is None:  # a page past the caps on one page's work: what the others held is read
                capped = ReadError(Status.TOO_LARGE, say(Detail.PDF_PAGE_OVER_CAP, n=limited, pages=seen.pages,
                                                         runs=PAGE_RUNS, tokens=PAGE_TOKENS))
            sheet.odd_rows.update(_odd_parted(parted))
            if warned.count:
                seen.damage.append(say(Detail.PDF_TEXT_RECOVERED, n=warned.count))
            seen.textless = text == 0 and pictures
    finally:
        log.removeHandler(warned)
    sheet.damage += seen.damage
    if seen.textless:
        sheet.notes.append(say(Detail.PDF_NO_TEXT_LAYER, pages=seen.pages))
    if seen.undecodable:
        sheet.notes.append(say(Detail.PDF_TEXT_UNDECODABLE, n=seen.undecodable, pages=seen.pages,
                               share=round(100 * odd / max(chars, 1))))
    if seen.vertical:
        sheet.notes.append(say(Detail.PDF_TEXT_VERTICAL, n=seen.vertical, pages=seen.pages, listed=listed))
    yield sheet
    if capped is not None:
        raise capped


_INFLATE_FAILED = re.compile(r"decompress|zlib|Error -\d", re.IGNORECASE)  # pypdf's warning for a broken deflate
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")  # a page object written in the clear
# a person list's column headings (a vertical page holding one and giving no person is said: pdf25)
_LISTED = re.compile("氏名|名前|住所|電話|フリガナ|ふりがな|生年月日|連絡先|名簿")
_SHOWS = re.compile(rb"T[jJ]|['\"]|Do")  # a text-show operator (Tj, TJ, ', ") or a form drawn
_SHOW_OPS = frozenset({b"Tj", b"TJ", b"'", b'"'})
_GAPS = re.compile(r"\t|  +")  # a tab, or two spaces or more, inside one run: a writer's column gap
MEND = b"\nstartxref\n0\n%%EOF\n"  # (as scanner.inspectors.pdf_attachments mends a cut PDF)


def _pages(pypdf: object, data: bytes) -> list[object]:
    """The pages of a PDF opened by pypdf (an empty open password tried: most "protected" PDFs set rights only)."""
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)  # type: ignore[attr-defined]
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except Exception as e:  # noqa: BLE001 - an unknown security handler or cipher
            raise ReadError(Status.UNSUPPORTED, say(Detail.PDF_TEXT_UNREAD, error=error_name(e))) from e
        if not opened:
            raise ReadError(Status.ENCRYPTED, say(Detail.PDF_TEXT_PASSWORD))
    return list(reader.pages)


Run = tuple[float, float, str, float]  # (baseline y, start x, text, its estimated width)


class PageCapped(Exception):
    """A page holds more text runs than ``PAGE_RUNS``: its reading stops there (said, the other pages read)."""


def _runs(page: object, budget: CellBudget | None = None, japanese: list[bool] | None = None,
          sideways: list[int] | None = None, spaces: list[Run] | None = None) -> list[Run]:
    """Every text run of a page with its position (pypdf's text visitor: the text matrix times the CTM); past
    ``PAGE_RUNS`` runs PageCapped, the clock checked every ``TICK_RUNS`` (ReadError timeout). ``japanese`` gets, run
    by run, whether its font is a Japanese one (``_japanese_font``), ``sideways`` how it is set: ``UPRIGHT``,
    ``SIDEWAYS`` (turned a quarter, its text's x going down the page: a number in a vertical column) or ``DOWNWARD``
    (a font of vertical writing, Identity-V, UniJIS-UCS2-V: its text goes down from its origin); ``spaces`` gets the runs of blanks (a space
    drawn between two words of a vertical column is what tells it from a cell's padding)."""
    contents = page.get_contents()  # type: ignore[attr-defined]
    shown = contents.get_data() if contents is not None else b""
    if shown.count(b"Tj") + shown.count(b"TJ") > PAGE_RUNS:  # (a text in a string counted too: only over-counts)
        raise PageCapped(PAGE_RUNS)
    if not _SHOWS.search(shown):  # no text shown, no form drawn: no text (a scan, a drawing); pypdf shows text
        return []  # outside BT too (a BT flipped by one byte, review25f: 12 persons -> 0 unsaid when BT was asked)
    out: list[Run] = []
    calls = [0, 0]  # text runs, operators
    stop: list[Exception] = []  # the cap or the clock, once hit: raised at every call after (pypdf swallows what a
    # visitor raises inside a form, "Impossible to decode XFormObject", and goes on to the next draw: review25f)

    def check(count: int, cap: int) -> None:
        if stop:
            raise stop[0]
        if not count % TICK_RUNS:
            try:
                if count > cap:
                    raise PageCapped(count)
                if budget is not None:
                    budget.tick()
            except Exception as e:
                stop.append(e)
                raise

    fonts_seen: dict[int, tuple[bool, bool]] = {}
    shown_at: list[tuple[list[float], list[float]]] = []  # (cm, tm) where the first text shown since the last run was

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: object) -> None:
        calls[0] += 1
        check(calls[0], PAGE_RUNS)
        known = fonts_seen.get(id(font))  # (the page's font dictionaries live while it is read: ids hold)
        if known is None:
            known = fonts_seen[id(font)] = (_japanese_font(font), _downward_font(font))
        if shown_at:  # pypdf hands a run the matrix it memorised before a Td on the same line moved the pen (Chromium
            if known[1] or _sideways(*shown_at[0]):  # sets a vertical column's sideways digits by Tm then "146.6 0
                cm, tm = shown_at[0]  # Td": every number of an address was placed at the column's top, cut out of
            shown_at.clear()  # it; pdf25's "Left"). An upright run keeps pypdf's place: a writer that puts a cell by
            # Tm at its origin then a Td by its alignment (right-aligned No, centred names) has its columns at the
            # origins (review26f: placed where shown, a table's cells sat ragged, 30 persons -> 9, nothing said)
        if text and text.isspace() and spaces is not None and "\n" not in text:
            spaces.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], tm[4] * cm[0] + tm[5] * cm[2] + cm[4], " ", 0.0))
        if text and not text.isspace():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = abs(complex(tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3])) or 1.0  # (text space's x
            # unit on the page: a run turned sideways has cm[0] = 0, and was given 1.0, twice its width: pdf26)
            wide = sum(1.0 if ord(ch) > 0x2E7F else 0.5 for ch in text)  # (CJK a square, others about half)
            out.append((y, x, text, wide * float(size if isinstance(size, (int, float)) else 10) * scale))
            if japanese is not None:
                japanese.append(known[0])
            if sideways is not None:
                sideways.append(DOWNWARD if known[1] else SIDEWAYS if _sideways(cm, tm) else UPRIGHT)

    def operator(op: object, operands: object, cm: object, tm: object) -> None:  # every operator, forms' too: a
        calls[1] += 1  # form drawn again and again is parsed and walked again each time (review25f: a 9 KB page, 10
        check(calls[1], PAGE_OPERATORS)  # draws of a 300,000-path form: 65 s CPU, its clock never asked)
        if not shown_at and op in _SHOW_OPS:
            shown_at.append((list(cm), list(tm)))  # type: ignore[call-overload]

    page.extract_text(visitor_text=visit, visitor_operand_before=operator)  # type: ignore[attr-defined]
    if stop:  # (hit inside the last form drawn: swallowed there)
        raise stop[0]
    return out


def _has_picture(page: object) -> bool:
    """Whether a page's resources name an image (a scan without a text layer)."""
    try:
        res = page.get("/Resources")  # type: ignore[attr-defined]
        res = res.get_object() if res is not None else None
        xobjects = res.get("/XObject") if res is not None else None
        xobjects = xobjects.get_object() if xobjects is not None else None
        return any(str(x.get_object().get("/Subtype")) == "/Image" for x in (xobjects or {}).values())
    except Exception:  # noqa: BLE001 - damaged resources: no picture known
        return False


def _rows(runs: list[Run], before: list[float]) -> tuple[list[list[str]], list[float], set[int]]:
    """A page's runs as rows of cells, top to bottom, its columns, and which rows were one run parted at tabs: one row
    per baseline; a run's cell is the page's column whose start is the last at or left of it (a centred header's word
    falls in its column), runs of one cell joined. A page with too few rows to show columns (a list's last two
    persons) takes the page's ``before``."""
    lines: list[list[Run]] = []
    for run in sorted(runs, key=lambda r: (-r[0], r[1])):
        if lines and abs(lines[-1][0][0] - run[0]) < ROW_SLACK:
            lines[-1].append(run)
        else:
            lines.append([run])
    starts: dict[int, int] = {}
    for line in lines:
        for start in {round(r[1] / X_SLACK) for r in line}:
            starts[start] = starts.get(start, 0) + 1
    columns: list[float] = []
    for key in sorted(x for x, n in starts.items() if n >= COLUMN_ROWS):
        if not columns or key * X_SLACK - columns[-1] > 2 * X_SLACK:
            columns.append(key * X_SLACK)
    centres: dict[float, float] = {}
    columns = _inside(columns, lines, centres)
    if len(columns) < 2 and len(lines) < 2 * COLUMN_ROWS:
        columns = before
    rows: list[list[str]] = []
    cut: set[int] = set()
    for line in lines:
        cells: list[str] = []
        end = 0.0  # where the run before ended (estimated)
        for _, x, text, wide in sorted(line, key=lambda r: r[1]):
            at = max(bisect.bisect_right(columns, x + X_SLACK) - 1, 0)
            after = columns[at + 1] if at + 1 < len(columns) else None  # a centred column's longest cell begins
            if after in centres and x + wide > after and abs(x + wide / 2 - centres[after]) <= CENTRED_SLACK:  # left
                at += 1  # of its first start (review26f: 2 of 30 addresses glued to the name before them)
            gap = x - end > wide / max(len(text), 1) * 0.6  # more than about half a character: a space between words
            text, end = text.strip(), x + wide
            if at < len(cells):
                last = cells[at]
                cells[at] = f"{last} {text}" if last and gap and last[-1].isascii() and text[:1].isascii() else last + text
            else:
                cells += [""] * (at - len(cells)) + [text]
        if len(cells) == 1 and (_GAPS.search(cells[0]) is not None):  # a whole line in one run: its tabs (or
            cells = [c.strip() for c in _GAPS.split(cells[0])]  # runs of spaces) part its cells (docs24's table)
            cut.add(len(rows))
        rows.append(cells)
    return rows, columns, cut


def _inside(columns: list[float], lines: list[list[Run]], centres: dict[float, float]) -> list[float]:
    """``columns`` without the starts of centred cells: a start that runs of ``COLUMN_ROWS`` rows or more cross (begun
    left of it, ended right of it) with their middles where the middles of the runs begun at it are. Centred cells
    start wherever their text's length puts them; names of one length made a column of their own, the others fell
    into the columns beside it (review26f: a Chromium table whose 氏名 cells were centred, 30 persons -> 5, nothing
    said). A tab stop that long cells cross is kept: their middles are elsewhere. ``centres`` gets a centred column's
    middle (the longest cells begin left of its first start)."""
    if len(columns) < 3:
        return columns
    crossing: dict[float, list[float]] = {c: [] for c in columns}
    begun: dict[float, list[float]] = {c: [] for c in columns}
    for line in lines:
        for _, x, _, wide in line:
            low = bisect.bisect_left(columns, x - 2 * X_SLACK)
            for column in columns[low:bisect.bisect_right(columns, x + wide - 2 * X_SLACK)]:  # (a run crosses few)
                if abs(x - column) <= 2 * X_SLACK:
                    begun[column].append(x + wide / 2)
                elif x < column - 2 * X_SLACK:
                    crossing[column].append(x + wide / 2)
    kept = [columns[0]]
    middles: dict[float, list[float]] = {}  # a centred column's runs' middles (its starts dropped into it)
    for column in columns[1:]:
        across, at = crossing[column], begun[column]
        if len(across) < COLUMN_ROWS or not at or abs(sum(across) / len(across) - sum(at) / len(at)) > CENTRED_SLACK:
            kept.append(column)
        else:
            middles.setdefault(kept[-1], list(begun[kept[-1]])).extend(at)
    centres.update({c: sum(m) / len(m) for c, m in middles.items() if m})
    return kept


def _lined(runs: list[Run]) -> list[list[str]]:
    """A turned vertical page's words (``_merged``) as rows, top to bottom, each word a cell in its order."""
    lines: list[list[Run]] = []
    for run in sorted(runs, key=lambda r: -r[0]):
        if lines and abs(lines[-1][0][0] - run[0]) < ROW_SLACK:
            lines[-1].append(run)
        else:
            lines.append([run])
    return [[r[2].strip() for r in sorted(line, key=lambda r: r[1])] for line in lines]


def _odd_parted(parted: dict[int, int]) -> dict[int, int]:
    """Rows parted at tabs whose cell count is not the one most such rows have (1-based sheet rows -> their count): a
    tab flipped into a character, or a character into a tab (docs24's ``jpage_flip``: one person lost, nothing said);
    the person-table reading says those that gave no person (``Sheet.odd_rows``, as a text table's)."""
    counts: dict[int, int] = {}
    for n in parted.values():
        counts[n] = counts.get(n, 0) + 1
    if len(counts) < 2 or len(parted) < 2 * COLUMN_ROWS:
        return {}
    usual = max(counts, key=lambda n: counts[n])
    return {row + 1: n for row, n in parted.items() if n != usual and counts[n] * 4 < len(parted)}


_GLYPH = re.compile(r"/(?:g[0-9A-F]{1,5}|(?:cid|gid|glyph|uni)[0-9A-Fa-f]+)(?![0-9A-Za-z])")  # pypdf's fallback
_JAPANESE = frozenset({"CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "IDEOGRAPHIC", "FULLWIDTH", "HALFWIDTH", "KANGXI", "CIRCLED",
                       "PARENTHESIZED", "SQUARED", "VERTICAL"})
_SCRIPTS: dict[str, str] = {}


def _script(ch: str) -> str:
    """"!" for a code point no honest text holds (unassigned, private use, a lone surrogate, U+FFFD), "" for one of
    every script (ASCII, digits, punctuation, Latin, combining), else its script's name ("ja" for Japanese)."""
    got = _SCRIPTS.get(ch)
    if got is None:
        cat = unicodedata.category(ch)
        if "\uf000" <= ch <= "\uf0ff":  # a symbol font's glyphs (Symbol, Wingdings: Microsoft's convention puts
            got = ""  # them at U+F0xx): bullets, a + or = of a formula (pdf.js issue16263: 120 of 400 characters)
        elif cat in ("Cn", "Cs", "Co") or ch == "\ufffd":
            got = "!"
        elif ch.isascii() or cat[0] in "NPSZ" or cat in ("Cc", "Cf") or ch < "\u0250" or "\u2100" <= ch <= "\u214f" \
                or "\U0001d400" <= ch <= "\U0001d7ff":  # Latin-1's µ ª º, letterlike ℓ Ω K Å, math letters: no script
            got = ""
        else:
            word = unicodedata.name(ch, "").split(" ", 1)[0]
            got = "ja" if word in _JAPANESE else "" if word in ("LATIN", "COMBINING", "MODIFIER", "") else word
        if len(_SCRIPTS) < 1 << 16:
            _SCRIPTS[ch] = got
    return got


def _undecoded(runs: list[Run]) -> tuple[int, int]:
    """A page's undecodable characters and all its characters (not spaces): code points no honest text holds,
    pypdf's glyph-name fallbacks, and within one run the letters of every script but its most used (a CID read as a
    code point: Gujarati, Hebrew, Syriac in one word). review24f: a list's ToUnicode maps broken gave ~25 % such."""
    odd = chars = 0
    for run in runs:
        text = run[2]
        chars += len(text) - sum(ch.isspace() for ch in text)
        bad = sum(len(m) for m in _GLYPH.findall(text))
        scripts: dict[str, int] = {}
        for ch in text:
            key = _script(ch)
            if key == "!":
                bad += 1
            elif key:
                scripts[key] = scripts.get(key, 0) + 1
        if "ja" in scripts:  # Greek and Cyrillic letters are Japanese text's own (JIS X 0208 rows 6-7: α, β in a
            scripts["ja"] += scripts.pop("GREEK", 0) + scripts.pop("CYRILLIC", 0)  # sentence; review25f)
        if len(scripts) > 1:
            bad += sum(scripts.values()) - max(scripts.values())
        odd += bad
    return min(odd, chars), chars


# pdf26: noise in ONE script passes the mixed-script measure (a ToUnicode map pointing every glyph into the CJK block,
# or into Hangul or Cyrillic): each reads as words of one script, no person, nothing said. Three signs of text that is
# no language's: kanji none of Japan's, China's or Taiwan's first-level sets holds (JIS X 0208 level 1, GB 2312 level 1,
# Big5's common 5,401: honest Japanese and Chinese pages 0-1 in 100 of their kanji, a map shifted into the CJK block
# 36-53 in 100); letters of a script a Japanese font has no glyph for (Hangul, Arabic, Thai ... set in IPA Gothic); and
# Cyrillic or Greek words whose case changes inside them (ыФУвХфХ: a map into a bicameral alphabet)
RARE_KANJI_SHARE = 0.20  # of a page's kanji rare in all three sets before they count as noise (honest pages <= 0.01)
_KANJI_LEVEL1 = (("cp932", 0x889F, 0x9872), ("gb2312", 0xB0A1, 0xD7FE), ("big5", 0xA440, 0xC67E))
_COMMON: dict[str, bool] = {}
# a font naming a Japanese family (its subset tag dropped, case and punctuation ignored), or a Japanese CMap / ordering
_JAPANESE_FONT = re.compile(r"ipa(?:ex)?(?:p?gothic|p?mincho)|mincho|meiryo|yu(?:gothic|mincho)|hiragino|heisei|koz(?:uka)?"
                            r"(?:min|go)|msp?gothic|msuigothic|takao|osaka|ryumin|gothicbbb|notos(?:ans|erif)jp|bizud|^hg")
_JAPANESE_CMAP = re.compile(r"rksj|unijis|^ext-|^euc-[hv]$|^[hv]$|^add-|japan1", re.IGNORECASE)
_JAPANESE_GLYPHS = frozenset({"ja", "GREEK", "CYRILLIC"})  # what a JIS font draws besides Latin (rows 6-7 of JIS X 0208)


def _japanese_font(font: object) -> bool:
    """Whether a text run's font is a Japanese one (it draws kana, JIS kanji, Latin, Greek and Cyrillic, nothing
    else): its name (MS Gothic, IPA Mincho, Meiryo, HeiseiMin ...), its CMap or its CID ordering (Japan1)."""
    if not hasattr(font, "get"):
        return False
    try:
        name = re.sub(r"^[A-Z]{6}\+", "", str(font.get("/BaseFont", "")).lstrip("/"))
        got = _JAPANESE_FONT.search(re.sub(r"[^a-z]", "", name.casefold())) is not None or (
            name.startswith("HG") or _JAPANESE_CMAP.search(str(font.get("/Encoding", "")).lstrip("/")) is not None)
        for kid in () if got else font.get("/DescendantFonts") or ():
            info = kid.get_object().get("/CIDSystemInfo")
            got = got or (info is not None and str(info.get_object().get("/Ordering", "")) == "Japan1")
    except Exception:  # noqa: BLE001 - a damaged font dictionary: not known to be Japanese
        return False
    return got


def _common_kanji(ch: str) -> bool:
    """Whether a kanji is in the first (commonest) level of JIS X 0208, GB 2312 or Big5."""
    got = _COMMON.get(ch)
    if got is None:
        got = False
        for codec, low, high in _KANJI_LEVEL1:
            try:
                code = int.from_bytes(ch.encode(codec), "big")
            except UnicodeError:
                continue
            if low <= code <= high:
                got = True
                break
        if len(_COMMON) < 1 << 16:
            _COMMON[ch] = got
    return got


_CASED = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]+")  # a Greek or Cyrillic word


def _unlike(runs: list[Run], japanese: list[bool]) -> int:
    """A page's characters that are text of no language though each is a letter of one script (pdf26): kanji rare
    in Japanese and Chinese alike when they are ``RARE_KANJI_SHARE`` of the page's kanji, letters a Japanese font
    cannot draw, Greek or Cyrillic words whose case changes inside them."""
    odd = kanji = rare = 0
    for at, (_, _, text, _) in enumerate(runs):
        font = at < len(japanese) and japanese[at]
        for ch in text:
            if "\u4e00" <= ch <= "\u9fff":
                kanji += 1
                rare += not _common_kanji(ch)
            elif font and ch.isalpha() and _script(ch) not in ("", "!") and _script(ch) not in _JAPANESE_GLYPHS:
                odd += 1  # (Hangul in IPA Gothic: the map says what the font has no glyph for)
        for word in _CASED.findall(text):
            if any(a.islower() and b.isupper() for a, b in itertools.pairwise(word)):
                odd += len(word)
    return odd + (rare if rare >= RARE_KANJI_SHARE * kanji else 0)


def _vertical(runs: list[Run]) -> bool:
    """Whether a page is set vertically (縦書き): most runs follow the one before one glyph down the same column
    (Chromium writes each glyph of vertical text as its own run), few beside it on its line, and most runs are one
    glyph (pdf26: a horizontal table drawn column by column, as reportlab code does, has its one-glyph cells (性別 男/女,
    No 1-9) one under another and nothing across: 30 persons turned into columns and lost; there a quarter of the runs
    are one glyph, in Chromium's vertical pages 88 in 100)."""
    if 2 * sum(len(r[2].strip()) == 1 for r in runs) <= len(runs):
        return False
    down = across = 0
    for (y0, x0, t0, w0), (y1, x1, _, _) in itertools.pairwise(runs):
        glyph = len(t0.strip())
        if glyph == 1 and abs(x1 - x0) < 0.5 and 0 < y0 - y1 < 2 * max(w0, 1.0):  # (a glyph's size: a line of
            down += 1  # text's width would take lines one under another at one margin for a column: an ISO spec)
        elif abs(y1 - y0) < 0.5 and x1 > x0:
            across += 1
    return down >= 20 and down > 2 * across


UPRIGHT, SIDEWAYS, DOWNWARD = 0, 1, 2  # how a run is set (``_runs``)


def _sideways(cm: Sequence[float], tm: Sequence[float]) -> bool:
    """Whether text shown with these matrices is turned a quarter, its x going down the page (a number set sideways in
    a vertical column)."""
    return abs(tm[0] * cm[0] + tm[1] * cm[2]) < 1e-6 and tm[0] * cm[1] + tm[1] * cm[3] < 0


def _downward_font(font: object) -> bool:
    """Whether a font writes vertically: its CMap is a vertical one (Identity-V, UniJIS-UCS2-V, 90ms-RKSJ-V ...)."""
    try:
        return hasattr(font, "get") and str(font.get("/Encoding", "")).endswith("-V")
    except Exception:  # noqa: BLE001 - a damaged font dictionary
        return False


def _downward(runs: list[Run], how: list[int]) -> bool:
    """Whether most of a page's text is in vertical-writing fonts (pdf26: pypdf gives each of their strings as one run
    at its origin, the text going down the page; reportlab's UniJIS-UCS2-V list of 12 persons read 0, nothing said)."""
    down = sum(len(r[2].strip()) for r, h in zip(runs, how, strict=False) if h == DOWNWARD)
    return down >= 20 and 2 * down > sum(len(r[2].strip()) for r in runs)


def _turned(run: Run, how: int = 0) -> Run:
    """A run of a vertical page turned: its column a row (x the row, the way down the place in it), without the line
    feeds pypdf puts after each glyph of a column (they stayed inside the words: 東\n京\n都, and widened each glyph by
    half a character). An upright glyph's origin is its foot: it starts one glyph higher up the column; a number set
    sideways starts at its origin (pdf26: the numbers of 千束1丁目22番18号 fell one glyph early, inside the glyph
    before them, and the address was cut at each); a run in a vertical-writing font starts at its origin, its top."""
    y, x, text, wide = run
    if "\n" in text or text[:1] == " ":  # (a sideways number: pypdf's word space before it)
        flat = text.replace("\n", "").strip()
        wide *= _weight(flat) / max(_weight(text), 0.5)
        text = flat
    if how == UPRIGHT:
        y += wide / max(_weight(text), 0.5)
    return (x, -y, text, wide)


def _weight(text: str) -> float:
    return sum(1.0 if ord(ch) > 0x2E7F else 0.5 for ch in text)


def _merged(runs: list[Run], spaces: Sequence[Run] = ()) -> list[Run]:
    """Glyph runs (in reading order) that follow each other on one line without a gap, as one run (a column of vertical
    text turned into a row: its glyphs one word, so that the column starts are the cells', not every glyph's). A line
    is the runs within ``ROW_SLACK`` of its first (pdf26: sideways digits sit 1.4 points off the kanji's line; rounded
    lines put them on a line of their own, 千束 丁目 番 号 apart from 1 22 18). Glyphs touch in a column; a gap of
    0.3-0.75 glyph is a space between words when a blank was drawn in it (石川 明美: joined with a space; U+3000, one
    glyph, parts cells), else a
    cell's padding (山田裕美子 | 東京都..., 0.57 of a glyph: pdf25's 0.6 joined them)."""
    lines: list[list[Run]] = []
    for run in sorted(runs, key=lambda r: -r[0]):
        if lines and abs(lines[-1][0][0] - run[0]) < ROW_SLACK:
            lines[-1].append(run)
        else:
            lines.append([run])
    blank = sorted((round(r[0] / ROW_SLACK), r[1]) for r in spaces)
    out: list[Run] = []
    for line in lines:
        first = len(out)
        for run in sorted(line, key=lambda r: r[1]):
            if len(out) > first:
                y, x, text, wide = out[-1]
                glyph = wide / max(_weight(text), 0.5)
                gap = run[1] - (x + wide)
                if gap < 0.3 * glyph or (gap < 0.75 * glyph and _blank_in(blank, y, x + wide - 0.3 * glyph, run[1])):
                    out[-1] = (y, x, text + (" " if gap >= 0.3 * glyph else "") + run[2],
                               max(x + wide, run[1] + run[3]) - x)
                    continue
            out.append(run)
    return out


def _blank_in(blanks: list[tuple[int, float]], y: float, start: float, end: float) -> bool:
    """Whether a blank was drawn on line ``y`` between ``start`` and ``end``."""
    for key in (round(y / ROW_SLACK) - 1, round(y / ROW_SLACK), round(y / ROW_SLACK) + 1):
        at = bisect.bisect_left(blanks, (key, start))
        if at < len(blanks) and blanks[at][0] == key and blanks[at][1] <= end:
            return True
    return False
