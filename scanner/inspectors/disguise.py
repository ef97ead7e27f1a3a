"""A file whose content contradicts its extension: a workbook, a container, an archive or a person table under
another type's name (an .xlsx renamed ``photo.jpg``, a zip of the list named ``scan.pdf``, a CSV named ``.log``).

Autopsy's "Extension Mismatch Detector" checks content against extension for every file; leakscan does the same
for the files whose extension no inspector reads (pictures, PDFs, programs, mail, media, logs ...). The check is
cheap and runs during the walk: the first ``HEAD_CHECK`` bytes of each such file (one open and read, without
touching atime, as every head read) are matched against fixed signatures (the ones the inspectors already use:
zip, OLE2, the archive magics); only text is decoded, and only its first line is read as a header. python-magic
(libmagic) is not run on every file (~1 ms each): it names the content of the few files found disguised, for
the finding. A file whose head matches no family here (a real JPEG, PDF, PNG, unknown bytes) stays as before.

Families (``Disguise.family``):

* ``zip``: a zip (an Office or OpenDocument file, or a zip archive) — ``PK\\x03\\x04`` / ``PK\\x05\\x06``;
* ``ole2``: an OLE2 compound file (an .xls, a .doc, an encrypted OOXML workbook) — ``D0 CF 11 E0 ...``;
* ``archive``: 7z, gzip, bzip2, xz, cpio, or an archive no installed library reads (RAR, CAB, LZH, zstd ...)
  by a magic of at least 4 bytes (2-byte magics such as ARJ or compress are too weak for every file);
* ``table``: text whose first line is a delimited header naming a person's field (a name, a reading or an
  address) and one more personal field (address, postcode, phone, birth date ...), read as
  scanner.detectors.columns reads headers.

Each extension in ``signatures/content_types.toml`` ``[disguise]`` lists the families its own format may hold
(``.jar`` a zip, ``.msg`` an OLE2 file); a file with no extension may hold any but a text table (its zip, OLE2
or archive content is sniffed by the inspectors anyway: no lead). Any other extension (a
spreadsheet's, an archive's, or one nobody knows such as ``.dat``) is never a disguise: its content decides as
before.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cache

from .. import rules
from ..models import Location
from .archive import sniff as archive_sniff
from .archive import sniff_unsupported
from .archive_members import (
    CPIO_ASCII_MAGIC,
    CPIO_BINARY_MAGIC,
    DOCUMENT_EXTS,
    GZIP_MAGIC,
    SEVENZ_MAGIC,
    UNSUPPORTED_MAGIC,
    XZ_MAGIC,
    ZIP_EMPTY_MAGIC,
    ZIP_MAGIC,
)

HEAD_CHECK = 64  # bytes read of each file whose extension no inspector reads
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_HEADS = (ZIP_MAGIC, ZIP_EMPTY_MAGIC)
# every container or archive magic at offset 0 (zip, OLE2, 7z, gzip, bzip2, xz, cpio, the unsupported ones of 4 bytes
# or more): one C call rejects the heads of pictures, PDFs and programs, which are nearly every file checked
_MAGICS = (*ZIP_HEADS, OLE_MAGIC, SEVENZ_MAGIC, GZIP_MAGIC, XZ_MAGIC, b"BZh", *CPIO_ASCII_MAGIC, *CPIO_BINARY_MAGIC,
           *(magic for offset, magic, _ in UNSUPPORTED_MAGIC if offset == 0 and len(magic) >= 4))
_DELIMITER_BYTES = (b",", b"\t", b";", b"|")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f]")
_WEAK_ARCHIVE = frozenset(name for _, magic, name in UNSUPPORTED_MAGIC if len(magic) < 4) | {"LZMA (.lzma)"}
_DELIMITERS = ",\t;|"
_NAME_FIELDS = frozenset({"name", "name_family", "name_given", "reading", "reading_family", "reading_given"})
_PERSON_FIELDS = frozenset({"address", "postcode", "phone", "birth", "sex", "age", "email", "mynumber",
                            "care_number", "care_level", "pension_number", "resident_number", "emergency_contact"})

LABELS = {"zip": "a zip (Office/OpenDocument file or zip archive)", "ole2": "an OLE2 compound file",
          "archive": "an archive", "table": "a text table"}


@dataclass(frozen=True, slots=True)
class Disguise:
    """What the head of a file says it is, against what its extension says."""

    ext: str  # the last extension, casefolded ("" when the name has none)
    family: str  # zip, ole2, archive or table

    def note(self, content: str = "") -> str:
        """``named .jpg, content is Microsoft Excel 2007+`` (``content``: libmagic's description, when known; only
        its first part: the rest may quote document properties such as an OLE2 file's author)."""
        named = f"named {self.ext}" if self.ext else "named without an extension"
        kind = content.split(",")[0].strip()
        return f"{named}, content is {kind if kind and not kind.startswith('unknown') else LABELS[self.family]}"

    @property
    def rule(self) -> str:
        return f"extension-mismatch:{self.ext or 'none'}>{self.family}"


@cache
def expected() -> dict[str, frozenset[str]]:
    """Extension -> the families its own format may hold (signatures/content_types.toml ``[disguise]``)."""
    table = rules.load("content_types").get("disguise") or {}
    out = {ext.casefold(): frozenset(fams) for ext, fams in table.items()}
    # a file without an extension claims no type: a zip, OLE2 file or archive under such a name is opened by its
    # content anyway (the spreadsheet and archive inspectors sniff it) and is everyday on Linux and macOS
    # (.fseventsd logs are gzip, backups are cpio/tar), so it is no lead; a text table is read only through here
    out[""] = frozenset({"zip", "ole2", "archive"})
    return out


def checked_ext(name: str) -> str | None:
    """The casefolded last extension of ``name`` when its content is checked against it, else None."""
    dot = name.rfind(".")
    ext = name[dot:].casefold() if dot > 0 else ""
    return ext if ext in expected() else None


# hops whose members are parts of a document, named by its format (Workbook, Package, ExOleObjStg_6112, Object 1)
_DOCUMENT_HOPS = frozenset({"ole", "doc", "ppt", "rtf", "xls"})


def checked_entry_ext(name: str, location: Location) -> str | None:
    """``checked_ext`` for a file at ``location``: a part of a document without an extension (an embedded
    object's ``Package`` or ``Workbook`` stream) was never named by a person, so its missing extension says
    nothing and it is not checked."""
    ext = checked_ext(name)
    if ext == "" and location.containers:
        hop = location.containers[-1]
        if hop.kind == "archive" and (hop.detail.get("format") in _DOCUMENT_HOPS
                                      or hop.name.casefold().endswith(DOCUMENT_EXTS)):
            return None
    return ext


def family_of(head: bytes) -> str | None:
    """The family of the first bytes of a file (see the module docstring), or None."""
    if head.startswith(_MAGICS) or head[2:4] == b"-l":  # LZH: "-lh5-" at offset 2
        if head.startswith(ZIP_HEADS):
            return "zip"
        if head.startswith(OLE_MAGIC):
            return "ole2"
        if archive_sniff(head) is not None:
            return "archive"
        other = sniff_unsupported(head)
        if other is not None and other not in _WEAK_ARCHIVE:
            return "archive"
    if table_head(head):
        return "table"
    return None


def check(name: str, head: bytes) -> Disguise | None:
    """A disguise when ``name``'s extension is one whose content is checked and ``head`` is a family its
    format never holds; None otherwise (a real JPEG, an unknown extension, unidentified bytes)."""
    if not head:
        return None
    ext = checked_ext(name)
    if ext is None:
        return None
    family = family_of(head)
    if family is None or family in expected()[ext]:
        return None
    return Disguise(ext, family)


def table_head(head: bytes) -> bool:
    """Whether the first line of ``head`` is a delimited header of a person table (a name or reading field and
    one more personal field: 氏名,フリガナ,住所 / Name,Address,Phone). UTF-8, cp932 and UTF-16 with a BOM;
    a line cut at the end of ``head`` counts with the cells it shows."""
    if b"," not in head and b"\t" not in head and b";" not in head and b"|" not in head:
        return False
    text = _first_line(head)
    if text is None:
        return False
    delimiter = max(_DELIMITERS, key=text.count)
    cells = text.split(delimiter)
    if len(cells) < 2:
        return False
    from ..detectors.columns import read_header  # the person detector's header words, loaded on first use

    fields = set()
    for cell in cells:
        cell = cell.strip().strip('"').strip()
        if cell:
            header = read_header(cell)
            if header is not None and not header.role:
                fields.add(header.field)
    return bool(fields & _NAME_FIELDS) and len(fields & (_NAME_FIELDS | _PERSON_FIELDS)) >= 2


def _first_line(head: bytes) -> str | None:
    """The first line of a text head, decoded (the line cut at the head's end may lose its last character)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head[2:len(head) - len(head) % 2].decode("utf-16-le" if head[:2] == codecs.BOM_UTF16_LE
                                                        else "utf-16-be", "replace")
        line = text.split("\n", 1)[0].rstrip("\r")
        return line if line.replace("\t", " ").isprintable() else None
    head = head.removeprefix(codecs.BOM_UTF8)
    raw = head.split(b"\n", 1)[0].rstrip(b"\r")
    # controls but tab, CR, LF and ESC (ISO-2022-JP) never occur in a text table's first line
    if not raw or _CONTROL_BYTES.search(raw) or not any(d in raw for d in _DELIMITER_BYTES):
        return None
    cut = len(raw) == len(head)  # no line end inside the head: the last character may be cut
    for encoding in ("utf-8", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as e:
            if cut and e.start >= len(raw) - 3:
                try:
                    return raw[:e.start].decode(encoding)
                except UnicodeDecodeError:
                    continue
    return None
