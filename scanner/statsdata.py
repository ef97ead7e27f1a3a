"""Statistics programs' data files read as tables (Session 15): SPSS (``.sav``, ``.zsav``, ``.por``), Stata
(``.dta``) and SAS (``.sas7bdat``, XPORT ``.xpt``) through pyreadstat (ReadStat's C reader, run in the worker like
every decoder of untrusted bytes). Survey and register microdata keep a respondent or a patient a row.

One sheet per file: the header row is each variable's label where it has one (``氏名``, ``住所``: what the person
detector reads), else its name (``name``, ``addr``); then a row per case, a missing value an empty cell. A file
ReadStat cannot read (cut, damaged) is a ReadError (``corrupt``, its message quoted); ReadStat reads no part of a
cut file, so no row of it is counted. A SAS file ReadStat cannot read for a limit of its own (no memory, a compression
or character set it lacks) whose header is whole and length right is ``unsupported`` (its message quoted: wild21);
damage inside its pages stays ``corrupt`` (review21w).
"""

from __future__ import annotations

import codecs
import io
import math
import re
import struct
from collections.abc import Iterator

from .backends import load
from .codes import Status
from .details import Detail, say
from .errors import ReadError
from .isolation import decoding
from .sheet import Caps, CellBudget, Sheet

# format (the extension without its dot) -> pyreadstat's reader
READERS = {"sav": "read_sav", "zsav": "read_sav", "por": "read_por", "dta": "read_dta",
           "sas7bdat": "read_sas7bdat", "xpt": "read_xport"}
STATS_FORMATS = frozenset(READERS)


_STATA_UNREAD = (b"\x66", b"\x67")  # Stata formats 102 and 103 (the first releases): ReadStat answers "not supported"
_ZERO_BLOCK = bytes(512)  # a zeroed sector: Stata pads strings with NULs, but no record of values is 512 of them
_CHUNK_CELLS = 1 << 20  # cells read per call (rows in chunks: a large survey is never held whole in Python objects)
_FIRST_ROWS = 16  # rows of the first call, which brings the metadata (a small file is read whole by it)


# a SAS transport (XPORT) member's first header record, version 5 and 8: a file is a library, PROC COPY puts
# several datasets in one; ReadStat reads the first only (review15c: the people in a second ended as nothing)
_XPORT_MEMBER = re.compile(rb"HEADER RECORD\*{7}(?:MEMBER  |MEMBV8  )HEADER RECORD!{7}")
_XPORT_RECORD = 80
_XPORT_LIBRARY_HEADER = 3 * _XPORT_RECORD


def stats_sheets(data: bytes, fmt: str, caps: Caps) -> Iterator[Sheet]:
    """A sheet per dataset: one for every format but XPORT, one per member of an XPORT library (each member read
    as a library of its own: the library's header records and the member's bytes)."""
    starts = [m.start() for m in _XPORT_MEMBER.finditer(data, _XPORT_LIBRARY_HEADER)
              if m.start() % _XPORT_RECORD == 0] if fmt == "xpt" else []
    if len(starts) < 2:
        yield _said_cut(iter_stats(data, fmt, caps), data, fmt)
        return
    for start, end in zip(starts, [*starts[1:], len(data)], strict=True):
        yield _said_cut(iter_stats(data[:_XPORT_LIBRARY_HEADER] + data[start:end], fmt, caps, by_table=True),
                        data[:end], fmt)


def _said_cut(sheet: Sheet, data: bytes, fmt: str) -> Sheet:
    """``sheet`` with its cut said when ``data`` is an XPORT file (or a library up to a member's end) that stops
    inside an 80-byte record: XPORT records no row count and ReadStat reads the whole rows before a cut without a
    word (review15c: a cut copy passed as ok). SPSS and Stata files state their row count: ReadStat refuses a cut."""
    if fmt == "xpt" and (inside := len(data) % _XPORT_RECORD):
        sheet.damage.append(say(Detail.XPORT_CUT, n=inside))
    return sheet


def iter_stats(data: bytes, fmt: str, caps: Caps, by_table: bool = False) -> Sheet:
    """The one sheet of a statistics data file (see the module docstring). Its rows are read in chunks of about
    ``_CHUNK_CELLS`` cells (pyreadstat's row_offset/row_limit), each counted against the file's cell budget.
    ``by_table``: the sheet is named by its dataset's name (the members of an XPORT library), else by ``fmt``."""
    if fmt == "dta" and data[:1] in _STATA_UNREAD:  # ReadStat reads format 104 on, its message would say damaged
        raise ReadError(Status.UNSUPPORTED, say(Detail.STATS_VERSION_UNREAD, n=data[0]))  # (wild20: pandas' files)
    pyreadstat = load("pyreadstat")
    decoding("pyreadstat")
    reader = getattr(pyreadstat, READERS[fmt])

    # what a failed read asked for, kept for every later read of the file: dates as the numbers stored (a date
    # Python cannot hold), an encoding ReadStat could not take from the file (Stata before 14 records none)
    more: dict[str, object] = {}

    failed: list[str] = []  # the first failure's words (what made an encoding be tried)

    def read(**how: object) -> tuple[dict[str, list[object]], object]:
        try:
            while True:
                try:
                    got = reader(io.BytesIO(data), output_format="dict", **how, **more)
                    break
                except MemoryError:
                    raise
                except Exception as e:  # noqa: BLE001 - tried again only as _retry says, else listed below
                    failed.append(str(e)[:200] or type(e).__name__)
                    if not _retry(e, fmt, more):
                        raise
        except MemoryError as e:
            raise ReadError(Status.TOO_LARGE, say(Detail.OUT_OF_MEMORY_PARSING)) from e
        except Exception as e:  # noqa: BLE001 - ReadstatError, PyreadstatError ...: a damaged file is data
            words = str(e)[:200] or type(e).__name__
            if fmt == "sas7bdat" and _sas_limit(words) and _sas_whole(data):  # a limit of ReadStat (wild21)
                raise ReadError(Status.UNSUPPORTED, say(Detail.STATS_SAS_UNREAD, library=words)) from e
            raise ReadError(Status.CORRUPT, say(Detail.STATS_UNREADABLE, kind=fmt, library=words)) from e
        if _utf8_after_all(got, more.get("encoding")):  # a damaged UTF-8 file read as mojibake: its persons lost
            raise ReadError(Status.CORRUPT, say(Detail.STATS_UNREADABLE, kind=fmt, library=failed[0]))
        return got

    # the metadata comes with the first row: every pyreadstat call costs time quadratic in the variables (its
    # duplicate-name check runs over a list: 5.5 s a call for pandas' stata1_119.dta of 32,999 variables, which a
    # metadata-only read paid once more and the loaded machine listed `timeout`: wild21)
    first, meta = read(row_offset=0, row_limit=_FIRST_ROWS)
    names = [str(n) for n in getattr(meta, "column_names", None) or []]
    declared = getattr(meta, "number_rows", None)
    if not names and isinstance(declared, int) and declared > 0:  # ReadStat reads it as an empty table (review20w:
        # a Stata file whose variable count was zeroed passed as ok, its persons unread); no program saves rows of
        # no variable
        raise ReadError(Status.CORRUPT, say(Detail.STATS_UNREADABLE, kind=fmt, library=f"{declared} rows of no variable"))
    labels = list(getattr(meta, "column_labels", None) or [])
    header: list[object] = [str(labels[i]) if i < len(labels) and labels[i] else name for i, name in enumerate(names)]
    # value labels (a coded 都道府県 1..47 labelled 北海道 ... 沖縄県, 性別 1/2): a cell reads as its label, as SPSS and
    # Stata show it (review15c #5: codes were read as numbers, an address split into a coded prefecture lost it);
    # pyreadstat's apply_value_formats wants a data frame, so the labels are applied here
    coded = dict(getattr(meta, "variable_value_labels", None) or {})
    decode = [coded.get(name) or None for name in names]
    chunk = max(1, _CHUNK_CELLS // max(len(names), 1))
    budget = CellBudget(caps)

    # a tail of NULs, or a block of 512 inside (a sector lost): its records read as empty rows (csv22)
    zeroed = fmt == "dta" and ((len(data) >= 16 and not any(data[-16:])) or _ZERO_BLOCK in data)
    emptied = [0, False]  # empty rows after a row with values; a row with values seen

    def rows() -> Iterator[list[object]]:
        yield header
        offset, columns, asked = 0, first, _FIRST_ROWS
        while True:
            values = [columns.get(name, []) for name in names]
            got = max((len(v) for v in values), default=0)
            for n in range(got):
                budget.add(len(header))
                row = [_cell(_labelled(v[n], decode[i])) if n < len(v) else "" for i, v in enumerate(values)]
                if zeroed and all(c == "" or c == 0 for c in row) and not any(
                        n < len(v) and _missing(v[n]) for v in values):  # (zeroed bytes read 0 or "", never a
                    # missing value: Stata writes those as codes, not zeros; sweep22, pandas' stata2_114.dta)
                    emptied[0] += emptied[1]
                    yield row
                    continue
                emptied[1] = True
                yield row
            offset += got
            if got < asked:
                if emptied[0]:  # rows with values, and rows of nothing where the file's bytes are zeroed
                    sheet.damage.append(say(Detail.STATS_ROWS_ZEROED, n=emptied[0], total=offset))
                return
            budget.tick()
            columns, _ = read(row_offset=offset, row_limit=chunk)
            asked = chunk

    table = str(getattr(meta, "table_name", None) or "").strip() if by_table else ""
    sheet = Sheet(table or fmt, ())
    sheet.rows = rows()
    return sheet


# encodings tried, in turn, when ReadStat cannot convert a file's strings with the one it assumed: Stata before 14
# records none and ReadStat takes Windows-1252 (a Japanese Stata 13 file, Shift_JIS, was listed corrupt, its people
# unread: review15c); an SPSS file's code page may be missing or wrong the same way. Windows-1252 last: a Stata 14+
# file that declares UTF-8 and holds Western European text unconverted (pandas' stata1_encoding_118.dta, read by
# pandas with a warning) was listed corrupt (wild21); after the Japanese encodings, which a Japanese file converts in
# first, and checked like them (``_utf8_after_all``: a damaged UTF-8 file is no Windows-1252 one)
_ENCODINGS = ("UTF-8", "CP932", "EUC-JP", "WINDOWS-1252")
_NO_ENCODING_PARAMETER = frozenset({"por"})


_SAS_MAGIC = bytes.fromhex("000000000000000000000000c2ea8160b31411cfbd92080009c7318c181f1011")


# ReadStat's words for what it lacks, not for damage (readstat_error.c): no memory (its allocation of nothing for a
# dataset of no variables: pandas' zero_variables.sas7bdat), an unsupported compression or character set. "Invalid
# file, or file has unsupported features", "A row in the file was not the expected length", "File did not contain the
# expected number of rows" are what a damaged page gives (review21w: 86 of 1,120 flipped bits and zeroed sectors in
# pandas' readable files failed, every one with these words; wild21 listed them `unsupported`)
_SAS_LIMITS = ("unable to allocate memory", "unsupported compression", "unsupported character set")


def _sas_limit(words: str) -> bool:
    """Whether ReadStat's message names a limit of its own (:data:`_SAS_LIMITS`), not a file it finds invalid."""
    return any(limit in words.lower() for limit in _SAS_LIMITS)


def _sas_whole(data: bytes) -> bool:
    """Whether a SAS7BDAT file's header is whole: its magic number, and a length equal to the header length plus
    page count x page size as the header states them (SAS writes whole pages; a cut or damaged header gives another
    length: pandas' corrupt.sas7bdat states 3.7 TB in 292 bytes). ReadStat failing on such a file meets a feature it
    lacks (pandas' zero_variables.sas7bdat: "Unable to allocate memory"), not damage. Never raises."""
    try:
        if not data.startswith(_SAS_MAGIC) or len(data) < 240:
            return False
        wide = data[32] == 0x33  # 64-bit: the page count in 8 bytes
        pad = 4 if data[35] == 0x33 else 0  # alignment bytes before the header's dates and lengths
        order = "<" if data[37] == 0x01 else ">"
        header, page = struct.unpack_from(order + "ii", data, 196 + pad)
        (pages,) = struct.unpack_from(order + ("q" if wide else "i"), data, 204 + pad)
        return header >= 1024 and page > 0 and pages > 0 and header + page * pages == len(data)
    except (IndexError, struct.error):
        return False


def _retry(error: Exception, fmt: str, more: dict[str, object]) -> bool:
    """Whether a failed read is tried again, ``more`` changed for it: the next of ``_ENCODINGS`` when ReadStat
    could not convert a string (or pyreadstat could not decode one); once with dates as stored numbers for any other
    failure (haven's datetime.sav: "date value out of range"). Never raises."""
    try:
        if ("convert string" in str(error) or isinstance(error, UnicodeDecodeError)) and fmt not in _NO_ENCODING_PARAMETER:
            # (UnicodeDecodeError: pyreadstat's own UTF-8 decoding of a Stata 14+ file that declares UTF-8 and holds
            # Shift_JIS text; it was listed corrupt with its persons unread, wild20)
            tried = _ENCODINGS.index(str(more["encoding"])) + 1 if "encoding" in more else 0
            if tried < len(_ENCODINGS):
                more["encoding"] = _ENCODINGS[tried]
                return True
            return False
        if "disable_datetime_conversion" in more:
            return False
        more["disable_datetime_conversion"] = True
        return True
    except Exception:  # noqa: BLE001 - a failure path: no retry
        return False


def _utf8_after_all(got: tuple[dict[str, list[object]], object], encoding: object) -> bool:
    """Whether texts read in a fallback encoding (CP932, EUC-JP, Windows-1252) are mostly UTF-8 after all (their bytes
    in that encoding decode as UTF-8, a cut last character aside), or, read as Windows-1252, EUC-JP: the file's texts
    are in that encoding with a damaged byte, and every string happened to convert (review20w: a Stata 118 or SPSS
    file with one flipped byte came out as mojibake with status ok, its persons lost without a listing; review21w: an
    EUC-JP one in Windows-1252, which takes every byte EUC-JP uses). Shift_JIS or EUC-JP text is almost never UTF-8;
    Western European text almost never EUC-JP (an accented letter alone between ASCII ones is no EUC-JP: 0-6% of
    Faker's de, fr, es, pt, sv, da, pl, cs, hu, tr names and addresses). Never raises."""
    if encoding not in _ENCODINGS[1:]:
        return False
    after_all = _AFTER_ALL.get(str(encoding), ("utf-8",))
    try:
        columns, meta = got
        texts = [*(v for values in columns.values() for v in values), *(getattr(meta, "column_labels", None) or []),
                 *(t for labels in (getattr(meta, "variable_value_labels", None) or {}).values()
                   for t in labels.values())]
        after = other = 0
        for text in texts:
            if isinstance(text, str) and not text.isascii():
                if any(_decodes(text.encode(str(encoding)), other_encoding) for other_encoding in after_all):
                    after += 1
                else:
                    other += 1
        return after > other
    except Exception:  # noqa: BLE001 - a check on a failure path: the read stands
        return False


# what a fallback reading's texts may be after all (a damaged file in that encoding): UTF-8 for every fallback, EUC-JP
# too for Windows-1252 (a damaged CP932 file rarely converts there: 0x81, 0x8D, 0x8F, 0x90 and 0x9D are no
# Windows-1252 bytes, and every address in CP932 holds one)
_AFTER_ALL = {"WINDOWS-1252": ("utf-8", "euc_jp")}


def _decodes(raw: bytes, encoding: str) -> bool:
    """Whether ``raw`` decodes in ``encoding``, a cut last character aside (ReadStat drops a trailing lead byte that
    converts to nothing)."""
    try:
        codecs.getincrementaldecoder(encoding)().decode(raw, final=False)
        return True
    except UnicodeError:
        return False


def _labelled(value: object, labels: dict[object, object] | None) -> object:
    """``value``'s label where its variable labels it, else the value. Total (a value that cannot be looked up
    stays itself)."""
    if not labels:
        return value
    try:
        return labels.get(value, value)
    except TypeError:
        return value


def _missing(value: object) -> bool:
    """Whether ReadStat gave a missing value (None, NaN): a value the file holds as a missing code, not zero bytes."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _cell(value: object) -> object:
    """A value as the table readers give it: a missing one (None, NaN) empty, a whole float a whole number."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
