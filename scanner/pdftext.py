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
import logging
import re
from collections.abc import Iterator
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
X_SLACK = 1.5  # points: starts this close are one column
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


def pdf_sheets(data: bytes, caps: Caps, seen: PageText | None = None) -> Iterator[Sheet]:
    """The page text of a PDF as one sheet of rows (``seen`` gets pages, damage and whether it is textless). ReadError:
    encrypted with a password, unopenable (corrupt), or a cap after the rows read before it were yielded."""
    pypdf = load("pypdf")
    decoding("pypdf")
    seen = seen if seen is not None else PageText()
    budget = CellBudget(caps)
    warned = _Warned()
    log = logging.getLogger("pypdf")
    log.addHandler(warned)
    sheet = Sheet("page text", [])
    capped: ReadError | None = None
    try:
        with pypdf.apply_configuration(**dict.fromkeys(_OUTPUT_CAPS, max(caps.max_inflated, 1 << 20))):
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
                    runs = _runs(page)
                    if not runs and not pictures:
                        pictures = _has_picture(page)
                except ReadError:
                    raise
                except Exception as e:  # noqa: BLE001 - one page's damage: said, the others read
                    failed += 1
                    limited += error_name(e) == "LimitReachedError"  # (pypdf's cap on a page's stream: no damage)
                    continue
                seen.read += 1
                text += sum(len(r[2]) for r in runs)
                rows, columns = _rows(runs, columns)
                for row in rows:
                    budget.add(len(row))
                    sheet.rows.append(row)  # type: ignore[attr-defined]
            if failed and failed == seen.pages:
                if limited == failed:  # every page past pypdf's caps (millions of text runs): too large, not broken
                    raise ReadError(Status.TOO_LARGE, say(Detail.PDF_TEXT_UNREAD, error="LimitReachedError"))
                raise ReadError(Status.CORRUPT, say(Detail.PDF_TEXT_PAGES_UNREAD, n=failed, pages=seen.pages))
            if failed:
                seen.damage.append(say(Detail.PDF_TEXT_PAGES_UNREAD, n=failed, pages=seen.pages))
            if warned.count:
                seen.damage.append(say(Detail.PDF_TEXT_RECOVERED, n=warned.count))
            seen.textless = text == 0 and pictures
    finally:
        log.removeHandler(warned)
    sheet.damage += seen.damage
    if seen.textless:
        sheet.notes.append(say(Detail.PDF_NO_TEXT_LAYER, pages=seen.pages))
    yield sheet
    if capped is not None:
        raise capped


_INFLATE_FAILED = re.compile(r"decompress|zlib|Error -\d", re.IGNORECASE)  # pypdf's warning for a broken deflate
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")  # a page object written in the clear
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


def _runs(page: object) -> list[Run]:
    """Every text run of a page with its position (pypdf's text visitor: the text matrix times the CTM)."""
    out: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: object) -> None:
        if text and not text.isspace():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = abs(tm[0] * cm[0]) or 1.0
            wide = sum(1.0 if ord(ch) > 0x2E7F else 0.5 for ch in text)  # (CJK a square, others about half)
            out.append((y, x, text, wide * float(size if isinstance(size, (int, float)) else 10) * scale))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
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


def _rows(runs: list[Run], before: list[float]) -> tuple[list[list[str]], list[float]]:
    """A page's runs as rows of cells, top to bottom, and its columns: one row per baseline; a run's cell is the
    page's column whose start is the last at or left of it (a centred header's word falls in its column), runs of one
    cell joined. A page with too few rows to show columns (a list's last two persons) takes the page's ``before``."""
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
    if len(columns) < 2 and len(lines) < 2 * COLUMN_ROWS:
        columns = before
    rows = []
    for line in lines:
        cells: list[str] = []
        end = 0.0  # where the run before ended (estimated)
        for _, x, text, wide in sorted(line, key=lambda r: r[1]):
            at = max(bisect.bisect_right(columns, x + X_SLACK) - 1, 0)
            gap = x - end > wide / max(len(text), 1) * 0.6  # more than about half a character: a space between words
            text, end = text.strip(), x + wide
            if at < len(cells):
                last = cells[at]
                cells[at] = f"{last} {text}" if last and gap and last[-1].isascii() and text[:1].isascii() else last + text
            else:
                cells += [""] * (at - len(cells)) + [text]
        if len(cells) == 1 and (_GAPS.search(cells[0]) is not None):  # a whole line in one run: its tabs (or
            cells = [c.strip() for c in _GAPS.split(cells[0])]  # runs of spaces) part its cells (docs24's table)
        rows.append(cells)
    return rows, columns
