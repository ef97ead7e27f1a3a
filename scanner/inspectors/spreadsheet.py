"""SpreadsheetInspector: which files hold personal records (names with addresses), and how many.

Candidates are picked cheaply (extension, or PK / D0 CF 11 E0 leading bytes for unknown extensions such
as a renamed .dat); the format is then decided from content. Workbooks and text tables are parsed in a
killable worker process (scanner.isolation: the scan's pool worker itself, or the shared worker when a
file is read again) under the cell, inflated-size and time caps. A workbook that cannot be read gets a precise status (encrypted, corrupt, unsupported, too-large,
timeout), never "no personal data".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..codes import Reason
from ..config import MiB, ScanConfig
from ..contracts import Inspection, ScanContext
from ..detectors.pii import KINDS, RecordList, SheetFinding, analyse_sheet
from ..errors import ReadError
from ..isolation import shared_worker
from ..models import Entry
from ..names import split_ext
from ..tables import BINARY_FORMATS, OLE_MAGIC, ZIP_MAGIC, Caps, iter_tables, sniff_format, unreadable_reason

SHEET_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlt", ".xlsb", ".xlam", ".ods",
                              ".ots", ".csv", ".tsv", ".txt", ".tab", ".prn"})
TEXT_EXTENSIONS = frozenset({".csv", ".tsv", ".txt", ".tab", ".prn"})
# known containers of other kinds: never sniffed for a workbook (the archive inspector handles zips)
OTHER_EXTENSIONS = frozenset({
    ".zip", ".jar", ".apk", ".epub", ".docx", ".docm", ".pptx", ".pptm", ".odt", ".odp", ".doc", ".ppt", ".msg",
    ".msi", ".7z", ".lzh", ".gz", ".tar", ".pdf", ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff",
    ".mp3", ".mp4", ".mov", ".avi", ".wav", ".exe", ".dll", ".sys", ".so", ".py", ".js", ".html", ".htm",
    ".css", ".xml", ".json", ".log", ".ini", ".lnk", ".jtd", ".mdb", ".accdb"})


def caps_for(config: ScanConfig, size: int) -> Caps:
    """Cell cap and timeout from the config; inflated-bytes cap from the archive caps (ratio, total)."""
    inflated = max(64 * MiB, min(config.max_archive_total, size * config.max_archive_ratio))
    return Caps(max_cells=config.max_cells, max_inflated=inflated, timeout=config.parse_timeout)


def analyse_bytes(data: bytes, fmt: str, caps: Caps) -> tuple[list[SheetFinding], int, str | None]:
    """Read + classify + count in one pass (in the worker for binary formats): findings, sheets, encoding.

    Sheets are analysed while they stream out of the reader, so rows are never all held at once.
    """
    sheets, encoding = iter_tables(data, caps, fmt)
    findings, n = [], 0
    for sheet in sheets:
        n += 1
        found = analyse_sheet(sheet.name, sheet.rows, sheet.first_row, sheet.first_col)
        if found is not None:
            findings.append(found)
    return findings, n, encoding


def pii_summary(findings: list[SheetFinding], fmt: str, unmask: bool) -> dict[str, Any]:
    """The ``pii`` block of findings.json: always masked examples; clear ones only in memory for --unmask."""
    sheets = [f.to_json(unmask=False) for f in findings]
    if unmask:
        for js, f in zip(sheets, findings, strict=True):
            js["examples_clear"] = f.examples(unmask=True)  # removed before findings.json is written
    kinds = {k for f in findings for k in f.fields}
    return {"records": sum(f.count for f in findings), "format": fmt, "sheets": sheets,
            "fields": [k for k in KINDS if k in kinds]}


class SpreadsheetInspector:
    """Personal-records detector for every spreadsheet format a Japanese office produces."""

    name = "spreadsheet"
    skip_extensions = OTHER_EXTENSIONS  # wants_name as data, so the pipeline rejects names in bulk

    def __init__(self, config: ScanConfig) -> None:
        self.config = config

    def wants_name(self, name: str) -> bool:
        """Name-only pre-check: known non-workbook extensions are never sniffed (no stat, no read)."""
        return split_ext(name)[1].casefold() not in OTHER_EXTENSIONS

    def wants(self, entry: Entry, size: int, head: Callable[[], bytes]) -> bool:
        ext = split_ext(entry.name)[1].casefold()
        if entry.name.startswith("~$") and size <= 512:
            return False  # an Excel owner (lock) file: a user name, not a workbook
        if ext in SHEET_EXTENSIONS:
            return True
        if ext in OTHER_EXTENSIONS or size < 512:
            return False
        return head().startswith((ZIP_MAGIC, OLE_MAGIC))

    def inspect(self, entry: Entry, data: bytes, ctype: str, ctx: ScanContext) -> Inspection:
        ext = split_ext(entry.name)[1].casefold()
        fmt = sniff_format(data)
        claimed = ext in SHEET_EXTENSIONS
        if fmt in ("empty",):
            return Inspection()
        if fmt in ("zip-other", "ole-other", "binary") and not claimed:
            return Inspection()  # a renamed non-workbook: nothing for this inspector
        if fmt == "text" and ext not in TEXT_EXTENSIONS and not claimed:
            return Inspection()
        if fmt not in BINARY_FORMATS and fmt not in ("text", "ole-encrypted"):
            reason, detail = unreadable_reason(fmt)
            return Inspection(status=reason, detail=detail)
        caps = caps_for(self.config, len(data))
        try:  # every format in a killable worker (inline when this already is one): CSV decoding too
            findings, _, _ = shared_worker().call(analyse_bytes, (data, fmt, caps), caps.timeout + 5)
        except ReadError as e:
            return Inspection(status=e.reason, detail=e.detail)
        if not findings:
            return Inspection()
        return Inspection(reasons=[Reason.PII], rules=["pii:name+address"],
                          pii=pii_summary(findings, fmt, self.config.unmask), records=RecordList(findings))
