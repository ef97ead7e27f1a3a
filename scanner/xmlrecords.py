"""XML exports of records as tables: a sheet per kind of record.

Care and municipal systems export their client lists as XML as often as as CSV: an element per person repeated
(``<利用者><氏名>山田 太郎</氏名><住所>東京都…</住所></利用者>``), a person's fields as attributes (``<row name="…"
address="…"/>``), an ADO recordset (``<rs:data><z:row 氏名="…"/>``), a .NET DataSet (``<NewDataSet><Table>…``, often
after an inline XML Schema), in a namespace or none, declared Shift_JIS, EUC-JP or UTF-16. Nothing names the record
element, so it is found:

1. A survey (``_survey``) streams the document once and keeps, for every path of element names (``利用者一覧/利用者``),
   how many elements it has, how many of them one parent holds at most, and their fields: attributes and the children
   that hold text (a leaf) or only leaves (a group such as ``<住所><都道府県>…</都道府県><市区町村>…</市区町村></住所>``).
   A child met twice in one element is a list, no field. Schemas (XML Schema, ADO's) are passed over.
2. A path whose elements hold two fields or more (half of them at least: one damaged is no less a record; no mixed
   text, as a paragraph's; one element alone holding no more than one list or subtree) is a kind of record
   (``_record_paths``) when it is what the document holds (the kinds under one parent cover half its elements outside
   schemas), a list of MANY, or people named with an address, a postcode, a phone, a birth date or a reading (a
   household's members in an application); a name and an e-mail address alone are a document's authors (a Maven POM's
   developers, a specification's editors). Outermost first: a path inside a record is a kind of its own only when its
   elements repeat side by side (a client's list of services), else it is a column of that record (its address).
   With the caller's ``field_of`` (the person detector's header words) only kinds whose names name a person (a name or
   a reading and one more personal field) are read; documents, feeds and build files (DOCUMENT_ROOTS,
   DOCUMENT_NAMESPACES) are never records.
3. The kinds are read in one more stream (``_read``): a sheet each, its header the attributes then the children in
   the order first met; a group's leaves joined in document order into the group's column (an address in parts), or
   each its own column when they name two kinds of field (``<氏名><姓/><名/></氏名>``: a family and a given name, which
   the person detector joins; ``<連絡先><住所/><電話/></連絡先>``: two columns); anything deeper joined; a child met twice joined with "; ". The
   kind with the most records is streamed to the classifier, the others kept until their sheet.

The rows go to the person machinery as any table's do (scanner.detectors.pii); nothing here judges a value.

Safe and bounded: lxml's pull parser with entities never expanded, no DTD, no network, and before it the DOCTYPE's
internal subset blanked and every entity reference but XML's own written as text (``_plain_entities``: the billion
laughs and an external entity are read as the words they are); the text is decoded as a text table is
(scanner.textdecode: Shift_JIS, EUC-JP, UTF-16, lines in mixed encodings, bytes nothing explains said) and fed as UTF-8
in chunks; elements are freed as they are read; the caller's cell and time caps apply (scanner.sheet.CellBudget).
Damage is read past: where the parser stops (a flipped byte, a lost ``<``, a zeroed block) it starts again at the next
element whose name is known at a level still open, with those levels reopened (``_events``), so the records after the
damage are read and a record damaged in one field keeps its others; a file cut short gives the records before the cut.
Either is said (``xml-records-damaged``, ``xml-records-cut``) and the file is listed ``corrupt``.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from .codes import Status
from .details import Detail, join_details, say
from .errors import ReadError
from .markup import NOT_XML, drop_handled
from .sheet import Caps, CellBudget, Sheet
from .textdecode import Decoding, iter_lines, japanese_score, plan_decoding, reading_notes, zeroed_block

CHUNK = 1 << 20  # bytes fed to the parser at a time
MAX_PATHS = 20_000  # distinct paths of element names surveyed (a document with more is no export of records)
MAX_NAMES = 512  # attribute and child names kept per path
MAX_SHEETS = 32  # kinds of record read from one file
MANY = 50  # elements of one kind that are a list of records wherever they stand (else they must be what the document is)
MAX_RESTARTS = 64  # places of damage read past; the rest of a file damaged more often is left unread (said)
RESTART_LOOK = 1 << 20  # bytes searched past a damaged place for an element to start again at
# namespaces of schemas written before the records (a .NET DataSet's inline XML Schema, ADO's XDR schema): their
# elements describe the columns (``<xs:element name="氏名"/>``), they are no records
SCHEMA_NAMESPACES = frozenset({"http://www.w3.org/2001/XMLSchema", "uuid:BDC6E3F0-6DA3-11d1-A2A3-00AA00C14882",
                               "urn:schemas-microsoft-com:xml-data"})
# attributes that are markup, not data: namespace declarations, xml:lang / xml:space, xsi:nil / xsi:type
_MARKUP_ATTRS = ("{http://www.w3.org/XML/1998/namespace}", "{http://www.w3.org/2001/XMLSchema-instance}")
_ASCII_END = re.compile(r"[0-9A-Za-z]\Z")
_ASCII_START = re.compile(r"\A[0-9A-Za-z]")
_BLANK_TAIL = b" \t\r\n\x00\xef\xbf\xbd"  # what may follow the root's end (white space, NULs or U+FFFD: a zeroed tail)

FieldOf = Callable[[str], str | None]  # a column name -> the kind of personal field it names, or None
Known = Callable[[str], bool]  # whether the person detector reads a column name as saying what its column holds (a
# header word, or any name but a placeholder such as col1: scanner.detectors.headerless.names_a_column)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


# --- the head (the scan process: no parser, only the names) ----------------------------------------------------------

_PROLOG = re.compile(r"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*", re.S)
_HEAD_TAG = re.compile(r"<([^\W\d][\w.\-:]*)((?:\s+[^\s=/<>]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*)\s*/?>")
_TAG_NAME = re.compile(r"<([^\W\d][\w.\-:]*)")  # a start tag's name
_ATTR_NAME = re.compile(r"""\s([^\W\d][\w.\-:]*)\s*=\s*["']""")  # an attribute's name (or text looking like one)
_DECLARED = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")
HTML_ROOTS = frozenset({"html", "table", "body", "head"})  # a page or a fragment of one (scanner.markup reads it)
# documents, feeds and build files whose repeated elements are no records though they name people (an Atom feed's
# entries and their authors, a Maven POM's developers, a TEI or DocBook text's authors, a W3C specification's editors;
# a page, a drawing, a property list, an RSS feed): never read as records (xml19: measured on third-party XML)
DOCUMENT_ROOTS = frozenset({*HTML_ROOTS, "svg", "plist", "rss", "feed", "opml", "stylesheet", "transform", "spec", "tei",
                            "tei.2", "project"})  # (project: a POM without its namespace, an Ant build file)
DOCUMENT_NAMESPACES = frozenset({"http://www.w3.org/2005/Atom", "http://www.w3.org/1999/xhtml",
                                 "http://www.w3.org/2000/svg", "http://www.w3.org/1999/XSL/Transform",
                                 "http://purl.org/rss/1.0/", "http://maven.apache.org/POM/4.0.0",
                                 "http://www.tei-c.org/ns/1.0", "http://docbook.org/ns/docbook"})


def head_text(head: bytes) -> str:
    """The first bytes of a markup text as text: UTF-16 by its BOM or NULs, UTF-8, else the encoding the declaration
    names (Shift_JIS, EUC-JP), else cp932; a character cut at the end is dropped."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "ignore")
    if head[:1] == b"\x00" or head[1:2] == b"\x00":
        return head[:len(head) & ~1].decode("utf-16-be" if head[:1] == b"\x00" else "utf-16-le", "ignore")
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if e.start >= len(head) - 3 and not head[e.start:].startswith(b"\xef\xbf\xbd"):
            try:
                return head[:e.start].decode("utf-8-sig")
            except UnicodeDecodeError:
                pass
    if _mostly_utf8(head):  # a byte or two damaged in UTF-8 text (damage20: read as cp932, the names noise, the file
        return head.decode("utf-8-sig", "replace")  # passed over: its 30 persons ended as nothing)
    return head.decode(_byte_codec(head), "ignore")


def _mostly_utf8(data: bytes) -> bool:
    """Whether bytes that are no clean UTF-8 are UTF-8 text with a few damaged bytes (at most one undecodable byte
    per 64 of its multi-byte characters) or with a tail in another encoding (16 multi-byte characters before the
    first byte UTF-8 cannot read): Shift_JIS or EUC-JP text read as UTF-8 fails at nearly every character."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    wide = sum(1 for c in text if c > "\x7f") - bad
    if wide >= 16 and 64 * bad <= wide:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return sum(1 for c in data[:e.start].decode("utf-8") if c > "\x7f") >= 16
    return False


def _byte_codec(data: bytes) -> str:
    """The 8-bit codec of bytes that are no UTF-8: the declared one, Shift_JIS (cp932) or EUC-JP, whichever decodes
    them all and reads most like Japanese (the declared one on a tie). Exports declare what their template says
    (``encoding="UTF-8"`` over Shift_JIS bytes) or nothing (EUC-JP from a Unix host): by the declaration alone the
    element names were noise and the head check failed (review19x)."""
    declared = _DECLARED.search(data[:200])
    codec = _eight_bit(declared.group(1).decode("ascii")) if declared else "cp932"
    scored = []
    for i, name in enumerate(dict.fromkeys((codec, "cp932", "euc_jp"))):
        try:
            text = codecs.getincrementaldecoder(name)("replace").decode(data)  # (a character cut at the end: left out)
        except LookupError:
            continue
        bad = text.count("\ufffd")  # a byte or two damaged (damage20: one flip in an EUC-JP export's head and it was
        if bad and 64 * bad > sum(1 for c in text if c > "\x7f"):  # read as cp932, its names noise, passed over)
            continue
        scored.append((japanese_score(text[:4096]), -i, name))  # (its first characters: the scan process pays it)
    return max(scored)[2] if scored else "cp932"


def _eight_bit(declared: str) -> str:
    """The codec an 8-bit document's declared encoding names, cp932 for Shift_JIS's names, and for one that names no
    8-bit text codec (UTF-16 or UTF-32 over bytes without NULs, as a .NET DataSet's GetXml() saved in the system code
    page keeps; codecs of bytes or of text such as zlib, bz2, rot13; IDNA, punycode): cp932. (review20d: decoding
    with such a codec raised UnicodeError or TypeError, or decompressed, in the scan process: the whole scan ended.)"""
    try:
        info = codecs.lookup(declared)
    except LookupError:
        return "cp932"
    name = info.name.replace("-", "_")
    if name in ("shift_jis", "sjis", "x_sjis", "windows_31j", "ms932") or not getattr(info, "_is_text_encoding", True):
        return "cp932"
    return "cp932" if name.startswith(("utf_16", "utf_32", "utf_7")) or name in _NO_8BIT else name


_NO_8BIT = frozenset({"idna", "punycode", "undefined", "unicode_escape", "raw_unicode_escape", "mbcs", "oem"})


_DAMAGED_ROOT = 1024  # characters after a declared document's damaged root start tag searched for the next whole one


def _root(text: str) -> re.Match[str] | None:
    """The root element's start tag of a document's first characters: after the prolog (a declaration, comments, a
    DOCTYPE), when the text is declared XML or the tag is followed by markup (a child, its end, nothing: a title line
    such as ``<会員名簿>`` over a CSV is no XML)."""
    text = text.lstrip("\ufeff")
    start = _PROLOG.match(text)
    at = start.end() if start else 0
    root = _HEAD_TAG.match(text, at)
    if root is None and text.startswith("<?xml") and at < len(text):  # declared XML whose root start tag is damaged (a
        root = _HEAD_TAG.search(text, at + 1, at + _DAMAGED_ROOT)  # flipped byte in its name or an attribute: xml21,
        # such an export ended as nothing): the first whole start tag after it stands for it
    if root is None:
        return None
    after = text[root.end():].lstrip()
    if text.startswith("<?xml") or root.group(0).endswith("/>") or not after or after.startswith("<"):
        return root
    return None


def xml_root(head: bytes) -> str | None:
    """The local name of the root element ``head`` opens (see ``_root``), or None when it opens no XML document."""
    root = _root(head_text(head))
    return None if root is None else root.group(1).rsplit(":", 1)[-1]


def _document(root: re.Match[str]) -> bool:
    """Whether a root start tag (``_root``) opens a document or a feed rather than records (DOCUMENT_ROOTS, by its name
    or by the namespace it is in)."""
    qname = root.group(1)
    prefix, _, local = qname.rpartition(":")
    if local.lower() in DOCUMENT_ROOTS:
        return True
    declared = re.search(rf"""\sxmlns{':' + re.escape(prefix) if prefix else ''}\s*=\s*["']([^"']*)["']""", root.group(2))
    return declared is not None and declared.group(1).strip() in DOCUMENT_NAMESPACES


def opens_document(head: bytes) -> bool:
    """Whether ``head`` opens a document, a feed or a build file (``_document``): no records, whatever follows."""
    root = _root(head_text(head))
    return root is not None and _document(root)


def head_names(head: bytes) -> set[str] | None:
    """The local names of the elements and attributes that open the document in ``head`` (namespace declarations
    left out); None when ``head`` opens no XML document (``xml_root``), a page, a feed or a drawing (``_document``)."""
    text = head_text(head)
    root = _root(text)
    if root is None or _document(root):
        return None
    return _names(text[root.start():])


def _names(body: str) -> set[str]:
    """The local names of the start tags and attributes in ``body`` (two scans in C, then the distinct names: not a
    Python step per tag)."""
    names = {name.rsplit(":", 1)[-1] for name in set(_TAG_NAME.findall(body))}
    names.update(attr.rsplit(":", 1)[-1] for attr in set(_ATTR_NAME.findall(body))
                 if attr != "xmlns" and not attr.startswith(("xmlns:", "xml:", "xsi:")))
    return names


# a start tag naming its field by a value (``<field name="氏名">``, FileMaker's ``<FIELD NAME="氏名">``): its tag, the value
# (and whether text follows: ``<property name="name" value="x"/>`` of a Spring or Hibernate file names no value held)
# (bounded spans: a crafted tag of thousands of name="x" with no end was quadratic, 4.5 s a 64 KiB head)
_VALUE_NAMED = re.compile(r"""<([^\W\d][\w.\-:]*)\s[^<>]{0,1000}?\b(?:name|NAME|Name|key|KEY|Key)\s*=\s*["']([^"'<>&]{1,40})["']"""
                          r"""([^<>]{0,200})>([^<\s])?(?:\s{0,20}<((?:[\w.\-]+:)?(?:data|value|DATA|VALUE|Value))>[^<\s])?""")  # (its
# text in a data or value child: FileMaker fmresultset's ``<field name="氏名"><data>山田``, xml21; not a settings key's
# ``<default>``, a document property's ``<vt:lpwstr>``)
_VALUE_ATTR = re.compile(r"""\b(?:value|VALUE|Value)\s*=""")  # (``<item key="住所" value="…"/>``: the value held there)
_DECLARING = frozenset({"element", "attribute", "attributetype", "elementtype", "simpletype", "complextype", "group",
                        "attributegroup"})  # a schema's declarations (a .NET DataSet's, ADO's): their records are read


def value_names(head: bytes, valued: bool = False) -> set[str]:
    """The field names a document opened by ``head`` gives as values (``<field name="氏名">山田</field>`` repeated, a
    FileMaker export's ``<METADATA><FIELD NAME="氏名"/>``; ``valued``: also an element holding its value in an attribute,
    ``<item key="住所" value="…"/>``): records whose columns are named there (review19x: such a client list ended as
    nothing; read since xml20, ``_by_value``; those that form no record are listed, ``xml-fields-by-value``)."""
    text = head_text(head)
    root = _root(text)
    if root is None or _document(root):
        return set()
    filemaker = "FMPXMLRESULT" in root.group(1)  # (its METADATA's FIELD NAME="…"/> name the ROWs' COLs in order)
    fmresultset = root.group(1).rsplit(":", 1)[-1] == "fmresultset"  # (metadata/field-definition name="…"/>: its
    # records' fields, xml21)
    return {value.strip() for tag, value, rest, held, inside in set(_VALUE_NAMED.findall(text, root.start()))
            if (held or inside or (valued and _VALUE_ATTR.search(rest)) or (filemaker and tag == "FIELD")
                or (fmresultset and tag == "field-definition"))
            and tag.rsplit(":", 1)[-1].lower() not in _DECLARING}


# a coded field name (``C001``, ``F1``, ``col1``, ``FIELD_02``): a column whose tag says nothing of what it holds
_CODED = re.compile(r"([A-Za-z]{1,6})[_-]?([0-9]{1,4})")


def coded(names: Iterable[str], most: bool = True) -> bool:
    """Whether field names are coded (``<C001>…</C001><C002>…</C002>``): two or more of one letter prefix and
    different numbers, and (``most``) at least half of them so coded (a document's head holds other names too). The
    columns of such records are classified by their values, as a header-less table's are (xml20: a client list
    exported so ended as nothing)."""
    names = list(names)
    numbers: dict[str, set[str]] = {}
    count = 0
    for name in names:
        found = _CODED.fullmatch(name)
        if found is not None:
            count += 1
            numbers.setdefault(found.group(1).lower(), set()).add(found.group(2))
    return (not most or 2 * count >= len(names)) and any(len(n) >= 2 for n in numbers.values())


# a start tag of a coded name followed by its text (``<C001>山田``)
_CODED_HELD = re.compile(r"<(?:[\w.\-]+:)?([A-Za-z]{1,6}[_-]?[0-9]{1,4})(?:\s[^<>]{0,200})?>[^<\s]")
# an attribute of a coded name holding a value that opens with no digit or sign (``C001="山田"``; not a drawing's
# ``x1="0" y2="-3.5"``; unprefixed: not a namespace declared for a coded prefix, ``xmlns:n1="http://…"``, nor lxml's c14n
# test files' ``b:att1="val1"``)
_CODED_ATTR_HELD = re.compile(r"""\s([A-Za-z]{1,6}[_-]?[0-9]{1,4})\s*=\s*["'][^"'\s<0-9.+\-]""")


def _coded_held(text: str, start: int = 0) -> set[str]:
    """The coded names of the elements holding text and of the attributes holding a value in ``text`` (an attribute's
    on three elements or more: records repeat them; one element's ``accent1="…" accent2="…"``, PowerPoint's colour map,
    a test file's ``test1="5" test2="6"`` are no records)."""
    attrs = Counter(_CODED_ATTR_HELD.findall(text, start))
    return set(_CODED_HELD.findall(text, start)) | {name for name, n in attrs.items() if n >= 3}


def coded_head(head: bytes) -> bool:
    """Whether the document ``head`` opens holds coded fields with text in them (``<C001>山田 太郎</C001><C002>…``,
    or as attributes, ``<row C001="山田" C002="…"/>``, xml21: ``coded``): read in the worker, where the values say what
    the columns are (elements named ``e1``, ``e2`` holding nothing or other elements, as a test file's, are no such
    fields)."""
    text = head_text(head)
    root = _root(text)
    return root is not None and not _document(root) and coded(_coded_held(text, root.start()), most=False)


def declared_names(head: bytes) -> set[str]:
    """The field names an inline schema at the head of a document declares (ADO's ``<s:AttributeType name="氏名">``,
    a .NET DataSet's ``<xs:element name="氏名">``): the records after it hold those fields. A recordset cut inside or
    right after its schema names its person fields nowhere else (damage20: such a cut export ended as nothing). A
    document whose root is the schema (a standalone .xsd or XDR file) holds no records: nothing (review20d: one cut
    short was listed ``xml-records-cut``)."""
    text = head_text(head)
    root = _root(text)
    if root is None or _document(root) or root.group(1).rsplit(":", 1)[-1].lower() == "schema":
        return set()
    return {found[1].strip() for found in set(_VALUE_NAMED.findall(text, root.start()))  # (tag, name, ...)
            if found[0].rsplit(":", 1)[-1].lower() in _DECLARING}


def _names_a_person(names: set[str], field_of: FieldOf) -> bool:
    fields = {f for name in names if (f := field_of(name)) is not None}
    return bool(fields & NAME_FIELDS) and len(fields & (NAME_FIELDS | PERSON_FIELDS)) >= 2


def tail_names(head: bytes, tail: bytes) -> set[str]:
    """The local names of the elements and attributes in the last bytes of a document (``tail``, from an even offset)
    that ``head`` opens, decoded as its head is: records after a long head (a .NET DataSet's inline XML Schema of
    hundreds of KiB, a settings block) name their fields only there (review19x: such an export ended as nothing)."""
    return _names(_tail_text(head, tail))


def _tail_text(head: bytes, tail: bytes) -> str:
    """The last bytes of a document that ``head`` opens, decoded as its head is."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:1] == b"\x00" or head[1:2] == b"\x00":
        big = head.startswith(b"\xfe\xff") or head[:1] == b"\x00"
        return tail[:len(tail) & ~1].decode("utf-16-be" if big else "utf-16-le", "ignore")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head)
        codec = "utf-8"
    except UnicodeDecodeError:
        codec = _byte_codec(head)
    return tail.decode(codec, "ignore")


def coded_tail(head: bytes, tail: bytes) -> bool:
    """Whether the last bytes of a document that ``head`` opens hold coded fields with text in them (``coded_head``'s
    test over ``tail``): coded records whose first rows are empty or follow a long head (review20x: 2,000 empty
    ``<C001/>`` rows before the clients ended as nothing)."""
    return coded(_coded_held(_tail_text(head, tail)), most=False)


# --- text ----------------------------------------------------------------------------------------------------------

def _utf8(data: bytes) -> tuple[bytes, Decoding | None]:
    """The document as UTF-8 for the parser, with characters XML cannot hold as U+FFFD, and how it was decoded when
    it is no clean UTF-8 (a text table's decoding: BOM, UTF-16, Shift_JIS, EUC-JP, mixed encodings line by line)."""
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and data[:1] != b"\x00" and data[1:2] != b"\x00":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        else:
            if NOT_XML.search(text):
                return NOT_XML.sub("\ufffd", text).encode("utf-8", "replace"), None
            return (data[3:] if data.startswith(b"\xef\xbb\xbf") else data), None
    dec = plan_decoding(data, b"<")
    text = "".join(iter_lines(data, dec, b"<", max_line=len(data) + 1))
    return NOT_XML.sub("\ufffd", text).lstrip("\ufeff").encode("utf-8", "replace"), dec


_SUBSET = re.compile(rb"<!DOCTYPE\b[^\[>]*\[(.*?)\]\s*>", re.S)  # a DOCTYPE's internal subset (entity declarations)
_FIRST_START = re.compile(rb"<[^?!]")
_ENTITY_REF = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,8}|#x[0-9A-Fa-f]{1,6});)")


def _plain_entities(doc: bytes) -> bytes:
    """The document with its DOCTYPE's internal subset blanked (same length, line ends kept) and every entity
    reference but XML's own written as text (``&x;`` -> ``&amp;x;``): nothing declared is ever expanded or loaded
    (libxml2 refuses the billion laughs only after an error whose place it misreports), and a stray ``&`` is text."""
    subset = _SUBSET.search(doc, 0, min(len(doc), 1 << 20))
    if subset is not None and _FIRST_START.search(doc, 0, subset.start()) is None:
        blank = re.sub(rb"[^\n]", b" ", subset.group(1))
        doc = doc[:subset.start(1)] + blank + doc[subset.end(1):]
    return _ENTITY_REF.sub(b"&amp;", doc) if _ENTITY_REF.search(doc) else doc


# --- the stream, read past damage ------------------------------------------------------------------------------------

@dataclass
class _Damage:
    """Where the document could not be parsed: places read past, the first one's line, whether it ends cut."""

    places: int = 0
    line: int = 0
    cut: bool = False
    stopped: bool = False  # more damaged places than MAX_RESTARTS: the rest unread
    too_deep: int = 0  # elements nested past the parser's limit (its depth): those branches unread
    deep_skips: int = 0  # such branches stepped over

    def add(self, line: int) -> None:
        self.places += 1
        self.line = self.line or line


class _Paths:
    """Paths of element names as small numbers: (parent's number, local name) -> number, and back. Past MAX_PATHS
    every new path is OVERFLOW (its elements are read as no kind of record: said)."""

    OVERFLOW = -2

    def __init__(self) -> None:
        self.ids: dict[tuple[int, str], int] = {}
        self.parent: list[int] = []
        self.name: list[str] = []
        self.full = False

    def of(self, parent: int, name: str) -> int:
        got = self.ids.get((parent, name))
        if got is None:
            if parent == self.OVERFLOW or len(self.name) >= MAX_PATHS:
                self.full = True
                return self.OVERFLOW
            got = self.ids[(parent, name)] = len(self.name)
            self.parent.append(parent)
            self.name.append(name)
        return got

    def tags(self, path: int) -> tuple[str, ...]:
        out = []
        while path >= 0:
            out.append(self.name[path])
            path = self.parent[path]
        return tuple(reversed(out))

    def inside(self, path: int, outer: int) -> bool:
        while path >= 0:
            if path == outer:
                return True
            path = self.parent[path]
        return False


_TOO_DEEP = re.compile(r"Excessive depth in document: (\d+)")  # libxml2's limit on nested elements (256)


def _parser():
    from lxml import etree

    return etree.XMLPullParser(events=("start", "end"), encoding="utf-8", resolve_entities=False, no_network=True,
                               load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)


def _offset(doc: bytes, start: int, prefix: bytes, line: int, column: int) -> int:
    """The byte of ``doc`` where the parser, fed ``prefix`` then ``doc[start:]``, reported an error (libxml2's line, and
    its column in characters)."""
    if line <= 1:  # the prefix (the reopened start tags) holds no line end: line 1 is it and the first line read on
        end = doc.find(b"\n", start)
        text = prefix + doc[start:len(doc) if end < 0 else end]
        at = start - len(prefix)
    else:
        at = start
        for _ in range(line - 1):
            nl = doc.find(b"\n", at)
            if nl < 0:
                return len(doc)
            at = nl + 1
        end = doc.find(b"\n", at)
        text = doc[at:len(doc) if end < 0 else end]
    at += len(text.decode("utf-8", "replace")[:max(0, column - 1)].encode("utf-8", "replace"))
    return max(start, min(at, len(doc)))


def _qname(el) -> str:  # (lxml elements: no type information)
    prefix = el.prefix
    return f"{prefix}:{_local(el.tag)}" if prefix else _local(el.tag)


def _reopen(els: list) -> bytes:
    """Start tags that open the elements ``els`` again (their names as written), the namespaces in scope declared on
    the first."""
    if not els:
        return b""
    scope = els[-1].nsmap
    decl = "".join(f' xmlns:{p}="{u}"' if p else f' xmlns="{u}"' for p, u in scope.items()
                   if '"' not in u and "<" not in u and "&" not in u)
    return "".join([f"<{_qname(els[0])}{decl}>", *(f"<{_qname(el)}>" for el in els[1:])]).encode("utf-8")


_TAG = re.compile(rb"<(/?)([^\x00-\x20/<>!?\"'=][^\x00-\x20/<>\"'=]*)")  # a start or an end tag's name (bytes of UTF-8)
_MISMATCH = re.compile(r"Opening and ending tag mismatch: \S+ line \d+ and ([^\s,]+)")
_SENTINEL = b"<!---->"  # fed after the document: libxml2 parses all it holds, and never closes what is still open


def _restart(doc: bytes, at: int, ids: list[int], paths: _Paths, mismatch: bool = False) -> tuple[int, int, int] | None:
    """Where to read on after damage at ``at`` with the paths ``ids`` open: (byte of the next start tag, how many open
    levels its end tags leave open, how many stay open for it). The end tags before it close the levels they name
    (``mismatch``: the first, at ``at``, closes the innermost whatever its name: one of the two names was damaged);
    then the deepest level left open that has held an element of that name before takes it (the next field of a
    record, else the next record), else the innermost. (start, 0, 0) when nothing is open (a new document, or damage
    before the root); None when no start tag follows within RESTART_LOOK bytes."""
    open_names = [paths.name[i] if i >= 0 else "" for i in ids]
    end = min(len(doc), at + RESTART_LOOK)
    for m in _TAG.finditer(doc, at, end):
        name = m.group(2).decode("utf-8", "replace").rsplit(":", 1)[-1]
        if m.group(1):  # an end tag: the level it names (and those inside it) closed
            if name in open_names:
                del open_names[len(open_names) - 1 - open_names[::-1].index(name):]
            elif mismatch and m.start() == at and open_names:
                open_names.pop()
            continue
        closed = len(open_names)
        for d in range(closed, 0, -1):
            if (ids[d - 1], name) in paths.ids:
                return m.start(), closed, d
        return m.start(), closed, closed
    return None


def _past_branch(doc: bytes, at: int) -> int:
    """Where the element that went past the parser's depth at ``at`` (its start tag the last ``<`` before) ends: the
    byte after its end tag, read on from there (its branch unread); -1 when it never ends (a cut file)."""
    begin = doc.rfind(b"<", 0, at + 1)
    depth = 0
    for m in _TAG.finditer(doc, max(begin, 0)):
        if m.group(1):
            depth -= 1
        elif doc[m.end():doc.find(b">", m.end()) + 1].endswith(b"/>"):
            continue  # (an empty element)
        else:
            depth += 1
        if depth <= 0:
            close = doc.find(b">", m.end())
            return -1 if close < 0 else close + 1
    return -1


def _events(doc: bytes, budget: CellBudget, paths: _Paths, damage: _Damage) -> Iterator[tuple[str, Any, int, int]]:
    """(event, element, path number, depth) of every element, in document order, read on past damage: then
    ``("restart", None, -1, depth)`` says the levels below ``depth`` were lost and those above reopened, and a
    ``"reopen"`` event gives each reopened level's new element (its end event follows in the document's order).
    What is still open at the end was cut (``damage.cut``)."""
    from lxml import etree

    els: list[Any] = []  # the open elements
    ids: list[int] = []  # their paths' numbers
    local: dict[str, str] = {}  # tag -> local name
    start, prefix, reopened = 0, b"", 0
    ended = False  # a root element closed: what follows is another document or trailing bytes
    while True:
        parser = _parser()
        chunks = chain([prefix] if prefix else [], (doc[i:i + CHUNK] for i in range(start, len(doc), CHUNK)))
        try:  # libxml2 parses all it holds once the sentinel is fed; it raises some errors (a broken attribute) only
            # when closed, and then closes what is still open (a cut file's last record would end as if whole): those
            # last events are never taken, only the error
            for chunk in chain(chunks, [_SENTINEL]):
                try:
                    parser.feed(chunk)
                    failed: Exception | None = None
                except etree.XMLSyntaxError as e:
                    failed = e  # (the events before the damage first)
                for event, el in parser.read_events():
                    if event == "start":
                        if reopened < len(els):  # a reopened level's own start tag
                            els[reopened] = el
                            reopened += 1
                            yield "reopen", el, ids[reopened - 1], reopened
                            continue
                        tag = el.tag
                        name = local.get(tag) if isinstance(tag, str) else ""
                        if name is None:
                            name = local[tag] = _local(tag)
                        path = paths.of(ids[-1] if ids else -1, name)
                        els.append(el)
                        ids.append(path)
                        reopened = len(els)
                        yield "start", el, path, reopened
                    elif els:
                        els.pop()
                        path = ids.pop()
                        reopened = len(els)
                        yield "end", el, path, reopened + 1
                        ended = not els
                if failed is not None:
                    raise failed
                budget.tick()
            parser.close()
        except etree.XMLSyntaxError as e:
            line, column = getattr(e, "position", None) or (0, 0)
            at = max(start + 1, _offset(doc, start, prefix, line, column))  # (never the same place again)
            mismatch = _MISMATCH.search(str(e.msg))  # libxml2 says where it stopped, past the end tag: that tag
            back = -1
            if (deep := _TOO_DEEP.search(str(e.msg))) is not None:  # no damage: libxml2's limit (docs22: 500 levels
                damage.too_deep = int(deep.group(1))  # were "damaged in more than 64 places", each restart as deep)
                damage.line = damage.line or max(1, line) + doc.count(b"\n", 0, start)
                damage.deep_skips += 1
                at = _past_branch(doc, at) if damage.deep_skips <= MAX_RESTARTS else -1  # read on after the deep
                # branch (review22d: docs22 stopped there, the records after a deep note never read: 30 -> 5)
                if at < 0:
                    return
            elif mismatch is not None:
                tag_bytes = b"</" + mismatch.group(1).encode("utf-8", "replace")
                back = doc.rfind(tag_bytes, start, at + len(tag_bytes))
                at = back if back > start else at
            rest = doc[at:].lstrip(_BLANK_TAIL) if ended and not els else None
            if rest is not None and not rest:
                return  # white space, NULs or U+FFFD after the root: the document is whole
            if deep is None and (rest is None or not rest.startswith(b"<?xml")):  # (another document after the
                # last: no damage; past a branch too deep: said as such)
                damage.add(max(1, line) + doc.count(b"\n", 0, start))
            if damage.places > MAX_RESTARTS:
                damage.stopped = True
                return
            found = _restart(doc, at, ids, paths, at == back)
            if found is None:
                damage.cut = bool(els) and not doc[at:].strip(_BLANK_TAIL)  # nothing but the end after it: cut
                return
            start, closed, depth = found
            while len(els) > closed:  # levels their end tags close: ended (a record damaged in its last field)
                el, path = els.pop(), ids.pop()
                yield "end", el, path, len(els) + 1
            del els[depth:], ids[depth:]
            yield "restart", None, -1, depth
            prefix, reopened, ended = _reopen(els), 0, False
            continue
        if els or not ended:  # (libxml2 said nothing: never seen, but what is open was cut all the same)
            damage.cut = True
            damage.add(doc.count(b"\n") + 1)
        return


# --- the survey ----------------------------------------------------------------------------------------------------

@dataclass
class _Kind:
    """What the elements of one path hold, summed over them."""

    n: int = 0
    side_by_side: int = 0  # the most of them one parent holds
    fields: int = 0  # elements holding two fields or more (attributes, single leaf or group children)
    mixed: int = 0  # elements with text of their own beside child elements (a paragraph, not a record)
    below: int = 0  # levels below it: 0 a leaf, 1 only leaves under it, 2 deeper
    text: bool = False  # a leaf that held text
    schema: bool = False
    size: int = 0  # elements in their subtrees (schemas left out)
    lists: int = 0  # the most children one of them holds that are no field (a list, a subtree: a document, no record)
    attrs: dict[str, None] = field(default_factory=dict)
    children: dict[str, None] = field(default_factory=dict)
    named: dict[str, None] = field(default_factory=dict)  # columns named by values (``<field name="氏名">``, FileMaker's)
    by_value: dict[str, None] = field(default_factory=dict)  # the children naming them (``field``, ``item``, ``COL``)


class _Frame:
    """An open element in the survey: its kind, and what its children were (name -> how many, levels below them; the
    columns the children named by values name, by child name)."""

    __slots__ = ("kind", "counts", "below", "schema", "size", "named")

    def __init__(self, kind: _Kind, schema: bool) -> None:
        self.kind = kind
        self.counts: dict[str, int] | None = None
        self.below: dict[str, int] | None = None
        self.schema = schema
        self.size = 0 if schema else 1
        self.named: dict[str, list[str]] | None = None


def _attr_names(el) -> list[str]:
    return [_local(k) for k in el.keys() if not k.startswith(_MARKUP_ATTRS)]


# fields named by values: an element whose attribute names a column and whose text or ``value`` attribute is the value
# (``<field name="氏名">山田</field>``, ``<item key="住所" value="…"/>``: generic exports of records, EAV tables), and
# FileMaker's FMPXMLRESULT (``<METADATA><FIELD NAME="氏名"/>…`` names the columns of ``<ROW><COL><DATA>`` in order)
_NAMING = frozenset({"name", "key", "field", "column", "fieldname", "colname"})
_VALUE = frozenset({"value", "val"})
_FILEMAKER_ROW, _FILEMAKER_COL = "ROW", "COL"


def _by_value(el) -> tuple[str, str] | None:
    """(column name, value) of a leaf naming its field by an attribute's value, None for any other element (one whose
    naming attribute holds no name, or that holds no value: ``<property name="x" ref="y"/>``, a schema's
    ``<xs:element name="氏名"/>``)."""
    column = value = None
    for key in el.keys():
        local = _local(key).lower()
        if local in _NAMING and column is None:
            column = (el.get(key) or "").strip()
        elif local in _VALUE and value is None:
            value = (el.get(key) or "").strip()
    if not column or len(column) > 100:
        return None
    if value is None:
        if len(el):  # its value in children of one name holding text only (FileMaker fmresultset's ``<field
            value = _held_by_children(el)  # name="氏名"><data>山田</data></field>``, a repeating field's data joined)
            if value is None:
                return None
        elif el.text is None:
            return None
        else:
            value = _text(el)
    return column, value


def _held_by_children(el) -> str | None:
    """The value of an element naming its field whose text is in children of one name that hold text only (up to 100:
    a repeating field's repetitions joined with "; "), None for any other (``<field name="x"><a/><b/></field>``)."""
    if len(el) > 100 or (el.text or "").strip():
        return None
    tag = el[0].tag
    if not isinstance(tag, str):
        return None
    for child in el:
        if child.tag != tag or len(child):
            return None
    return "; ".join(t for d in el if (t := _text(d)))


def _filemaker_col(el) -> str:
    """A FileMaker COL's value: its DATA elements' texts (a repeating field's repetitions joined with "; ")."""
    return "; ".join(t for d in el if (t := _text(d))) if len(el) else _text(el)


def _survey(doc: bytes, budget: CellBudget, paths: _Paths, damage: _Damage, filemaker: list[str]
            ) -> tuple[dict[int, _Kind], int]:
    """What every path's elements hold (``_Kind``), and how many elements the document has outside schemas;
    ``filemaker`` gets a FileMaker export's field names (METADATA/FIELD NAME, in order)."""
    kinds: dict[int, _Kind] = {}
    total = 0
    frames: list[_Frame] = []
    for event, el, path, depth in _events(doc, budget, paths, damage):
        if event == "start":
            kind = kinds.get(path)
            if kind is None:
                kind = kinds[path] = _Kind()
            schema = (bool(frames) and frames[-1].schema) or (el.tag[:1] == "{" and _namespace(el.tag) in SCHEMA_NAMESPACES)
            kind.schema |= schema
            frames.append(_Frame(kind, schema))
            continue
        if event == "restart":
            del frames[depth:]
            continue
        if event != "end":
            continue  # (a reopened level keeps its frame)
        frame = frames.pop() if frames else _Frame(kinds.setdefault(path, _Kind()), False)
        kind = frame.kind
        kind.n += 1
        counts, below_of = frame.counts, frame.below
        below = 1 + max(below_of.values()) if below_of else 0
        if below > kind.below:
            kind.below = below
        attrs = _attr_names(el) if el.keys() else []
        fields = len(attrs)
        if below == 0:
            kind.text = kind.text or bool((el.text or "").strip())
        else:
            if (el.text or "").strip() or any((c.tail or "").strip() for c in el):
                kind.mixed += 1
            assert counts is not None and below_of is not None
            lists = 0
            valued = {name: columns for name, columns in (frame.named or {}).items()  # children naming their fields
                      if counts.get(name) == len(columns) and len(set(columns)) >= 2}  # by values: each a field here
            for name, count in counts.items():
                if name in valued:
                    fields += len(set(valued[name]))
                    kind.by_value.setdefault(name, None)
                    for column in valued[name]:
                        if len(kind.named) < MAX_NAMES:
                            kind.named.setdefault(column, None)
                    continue
                if count == 1 and below_of[name] <= 1:
                    fields += 1
                else:
                    lists += 1
                if len(kind.children) < MAX_NAMES:
                    kind.children.setdefault(name, None)
                child = paths.ids.get((path, name))
                if child is not None and (sub := kinds.get(child)) is not None and count > sub.side_by_side:
                    sub.side_by_side = count
            kind.lists = max(kind.lists, lists)
        kind.fields += fields >= 2
        kind.size += frame.size
        total += frame.size and 1
        for name in attrs:
            if len(kind.attrs) < MAX_NAMES:
                kind.attrs.setdefault(name, None)
        if frames and path >= 0:
            parent = frames[-1]
            if parent.counts is None:
                parent.counts, parent.below = {}, {}
            assert parent.below is not None
            parent.size += frame.size
            name = paths.name[path]
            if name == "FIELD" and paths.name[paths.parent[path]] == "METADATA":
                filemaker.append((el.get("NAME") or "").strip() or f"FIELD {len(filemaker) + 1}")
            if below <= 1 and not frame.schema and (attrs or name == _FILEMAKER_COL):  # (no attribute: nothing named)
                named = _named(el, name, path, paths, filemaker, parent.counts.get(name, 0), below)
                if named is not None:
                    if parent.named is None:
                        parent.named = {}
                    parent.named.setdefault(name, []).append(named)
            parent.counts[name] = parent.counts.get(name, 0) + 1
            if below >= parent.below.get(name, 0):
                parent.below[name] = below
        drop_handled(el)
    return kinds, total


def _header_cell(label: str, known: Known | None) -> str:
    """A column's label in a sheet's header row: a coded name the person detector knows nothing of (``col1``,
    ``C001``: ``known`` False) left blank, so that it reads the columns under it by their values (review20x: ``col1 |
    col2 | col3``, read as a header-less table's first row, was counted as one more person); one it knows (``TEL1``,
    an excluded ``owner1``) is kept."""
    return "" if known is not None and _CODED.fullmatch(label) and not known(label) else label


def _named(el, name: str, path: int, paths: _Paths, filemaker: list[str], before: int, below: int) -> str | None:
    """The column an element names by a value (``_by_value``), or a FileMaker COL's by its place in its ROW (``before``:
    the COLs before it), None for any other."""
    if name == _FILEMAKER_COL and filemaker and paths.name[paths.parent[path]] == _FILEMAKER_ROW:
        return filemaker[before] if before < len(filemaker) else f"COL {before + 1}"
    if below > 1:  # (a leaf, or its value in leaf children: ``_held_by_children``)
        return None
    found = _by_value(el)
    return None if found is None else found[0]


NAME_FIELDS = frozenset({"name", "name_family", "name_given", "reading", "reading_family", "reading_given"})
PERSON_FIELDS = frozenset({"address", "postcode", "phone", "birth", "sex", "age", "email", "mynumber", "care_number",
                           "care_level", "pension_number", "resident_number", "emergency_contact"})
# what a list of a few people names beside their names for it to be read wherever it stands (an address, a birth date:
# a household's members in an application); a name and an e-mail address are a document's authors (a Maven POM's
# developers, a W3C specification's editors: read only when they are what the document holds)
STRONG_FIELDS = frozenset(PERSON_FIELDS - {"email", "sex", "age"})


def _fields(path: int, kinds: dict[int, _Kind], paths: _Paths, field_of: FieldOf) -> set[str]:
    """The kinds of personal field a kind of record's names (attributes, children, a group's leaves) name."""
    kind = kinds[path]
    names = [*kind.attrs, *kind.children, *kind.named]
    for name in kind.children:
        child = paths.ids.get((path, name))
        if child is not None and (sub := kinds.get(child)) is not None and sub.below == 1:
            names.extend(sub.children)
    return {f for name in names if (f := field_of(name)) is not None}


def _record_paths(kinds: dict[int, _Kind], paths: _Paths, total: int, field_of: FieldOf | None) -> list[int]:
    """The kinds of record (see the module docstring), in the order first met, outermost first. With ``field_of``, only
    those whose names name a person (a name or a reading and one more personal field)."""
    candidates = [path for path in sorted(kinds)  # numbered as first met: a parent before its children
                  if not (kind := kinds[path]).schema and kind.n and 2 * kind.fields >= kind.n and 2 * kind.mixed <= kind.n
                  and (kind.n > 1 or kind.lists <= 1)]
    fields = {path: _fields(path, kinds, paths, field_of) for path in candidates} if field_of is not None else {}
    chosen: list[int] = []
    for path in candidates:
        kind = kinds[path]
        if any(paths.inside(path, outer) for outer in chosen):
            if kind.side_by_side >= 2:
                chosen.append(path)  # a list inside a record (a client's services); else a part of it (its address)
            continue
        parent = paths.parent[path]
        share = sum(kinds[p].size for p in candidates if paths.parent[p] == parent)
        strong = bool(fields.get(path, set()) & NAME_FIELDS) and bool(fields.get(path, set()) & STRONG_FIELDS)
        if field_of is not None and not fields[path] and kind.n >= 3 and coded([*kind.attrs, *kind.children]):
            strong = True  # coded fields (their values classify them): a short client list after a settings block
            # (xml21: 30 coded records after 1,500 settings were no kind of record, ended as nothing)
        if kind.n >= MANY or 2 * share >= total or strong:
            chosen.append(path)  # what the document holds (with the kinds beside it), a long list in it, or people
    if field_of is None:
        return chosen
    return [path for path in chosen if (fields[path] & NAME_FIELDS and len(fields[path] & (NAME_FIELDS | PERSON_FIELDS)) >= 2)
            or (not fields[path] and coded([*kinds[path].attrs, *kinds[path].children, *kinds[path].named]))]


# --- the rows ------------------------------------------------------------------------------------------------------

def _joined(parts: list[str]) -> str:
    """Texts in document order as one value: side by side, a space only between two Latin letters or digits
    (``東京都`` + ``千代田区`` + ``1-2-3``; ``Taro`` + ``Yamada``)."""
    out = ""
    for part in parts:
        if not part:
            continue
        if out and _ASCII_END.search(out) and _ASCII_START.search(part):
            out += " "
        out += part
    return out


def _text(el) -> str:
    return _joined([t.strip() for t in el.itertext()])


@dataclass
class _Plan:
    """How a record's elements become a row: the header, an attribute's column, a child's handling."""

    header: list[str]
    attrs: dict[str, int]
    leaf: dict[str, int] = field(default_factory=dict)  # a child whose text is its column's value (joined, if deeper)
    parts: dict[str, dict[str, int]] = field(default_factory=dict)  # a group whose leaves have columns of their own
    named: dict[str, int] = field(default_factory=dict)  # a column named by values (``_by_value``, FileMaker's COL)
    by_value: frozenset[str] = frozenset()  # the children naming them
    filemaker: tuple[str, ...] = ()  # a FileMaker export's field names, its COLs' columns in order


def _plan(path: int, kinds: dict[int, _Kind], paths: _Paths, records: list[int], field_of: FieldOf | None,
          filemaker: list[str]) -> _Plan:
    kind = kinds[path]
    header: list[str] = []

    def column(name: str, outer: str = "") -> int:
        label = name if name not in header else f"{outer}.{name}" if outer else name
        n = 2
        while label in header:
            label, n = f"{name} ({n})", n + 1
        header.append(label)
        return len(header) - 1

    plan = _Plan(header, {name: column(name) for name in kind.attrs})
    for name in kind.children:
        if name in kind.by_value:
            continue
        child = paths.ids.get((path, name))
        sub = kinds.get(child) if child is not None else None
        if sub is None or sub.schema or any(paths.inside(r, child) for r in records if child is not None):
            continue  # a kind of record of its own (or holding one): not a column of this one
        if sub.below == 1 and field_of is not None and _named_apart(sub, field_of):
            plan.parts[name] = {leaf: column(leaf, name) for leaf in sub.children}
        else:
            plan.leaf[name] = column(name)
    plan.named = {name: column(name) for name in kind.named}
    plan.by_value = frozenset(kind.by_value)
    plan.filemaker = tuple(filemaker) if paths.name[path] == _FILEMAKER_ROW else ()
    return plan


def _named_apart(group: _Kind, field_of: FieldOf) -> bool:
    """Whether a group's leaves name two kinds of personal field (a name and a reading, an address and a phone, a
    family and a given name): columns of their own; else (an address in parts, parts whose names say nothing) one
    joined column."""
    return len({f for leaf in group.children if (f := field_of(leaf)) is not None}) >= 2


def _row(parts: list, plan: _Plan) -> list[str]:
    """The row of a record element (``parts``: the element, and the piece of it read before damage when its reading
    started again inside it)."""
    cells: list[list[str]] = [[] for _ in plan.header]
    for el in parts:
        # the names, then only the planned ones' values: lxml finds each value by a walk along the element's
        # attributes, so fetching all of them was quadratic (200,000 held the worker to its timeout, review19x)
        for key in el.keys() if plan.attrs else ():
            at = plan.attrs.get(_local(key))
            if at is not None and (value := (el.get(key) or "").strip()):
                cells[at].append(value)
        cols = 0  # (a FileMaker ROW's COLs before this one)
        for child in el:
            name = _local(child.tag)
            if name in plan.by_value:
                if plan.filemaker and name == _FILEMAKER_COL:
                    column: str | None = plan.filemaker[cols] if cols < len(plan.filemaker) else f"COL {cols + 1}"
                    value = _filemaker_col(child)
                    cols += 1
                else:
                    found = _by_value(child)
                    column, value = found if found is not None else (None, "")
                at = plan.named.get(column) if column is not None else None
                if at is not None and value:
                    cells[at].append(value)
                continue
            at = plan.leaf.get(name)
            if at is not None:
                if (text := _text(child)):
                    cells[at].append(text)
                continue
            leaves = plan.parts.get(name)
            if leaves is None:
                continue
            for leaf in child:
                at = leaves.get(_local(leaf.tag))
                if at is not None and (text := _text(leaf)):
                    cells[at].append(text)
    return ["; ".join(c) for c in cells]


def _read(doc: bytes, budget: CellBudget, paths: _Paths, plans: dict[int, _Plan], count: list[int]
          ) -> Iterator[tuple[int, list[str]]]:
    """(path, row) of every record element of the paths ``plans`` names, in document order (one more stream of the
    document); a record's pieces read before damage are joined to it when its reading started again inside it."""
    active: list[list[Any]] = []  # records being read: [depth, path, element, pieces before damage]
    for event, el, path, depth in _events(doc, budget, paths, _Damage()):
        if event == "start":
            if path in plans:
                active.append([depth, path, el, []])
            continue
        if event == "end":
            if active and active[-1][0] == depth and active[-1][1] == path:
                _, _, _, pieces = active.pop()
                plan = plans[path]
                budget.add(len(plan.header) or 1)
                count[0] += 1
                row = _row([*pieces, el], plan)
                if any(row):  # (a record holding nothing is no row: thousands of empty ones before the clients hid
                    yield path, row  # them from the classifier, xml21)
                drop_handled(el)  # (inside a record: one of its own kinds of record, read; else any element read)
            elif not active:
                drop_handled(el)
        elif event == "restart":
            while active and active[-1][0] > depth:
                active.pop()  # its levels lost: what was read of it is no record
            for record in active:
                record[3].append(record[2])
        elif event == "reopen":
            for record in active:
                if record[0] == depth:
                    record[2] = el


# --- the sheets ----------------------------------------------------------------------------------------------------

def record_sheets(data: bytes, caps: Caps, field_of: FieldOf | None = None, known: Known | None = None
                  ) -> Iterator[Sheet]:
    """A sheet per kind of record in an XML document (see the module docstring), the kind with the most records
    first (its rows streamed; the others' kept until their sheet); ReadError ``unsupported`` (``xml-other``) when
    it holds none, ``corrupt`` when damage leaves none. ``known``: the detector's header words (``_header_cell``)."""
    budget = CellBudget(caps)
    root = _root(head_text(data[:65536]))
    if root is not None and _document(root):
        raise ReadError(Status.UNSUPPORTED, say(Detail.XML_OTHER))
    doc, dec = _utf8(data)
    doc = _plain_entities(doc)
    paths, damage = _Paths(), _Damage()
    filemaker: list[str] = []
    kinds, total = _survey(doc, budget, paths, damage, filemaker)
    records = _record_paths(kinds, paths, total, field_of)
    said = _damage_said(damage, 0)
    if not records:
        if said is not None:
            raise ReadError(Status.CORRUPT, said)
        if paths.full:
            raise ReadError(Status.UNSUPPORTED, say(Detail.XML_PATHS_LEFT, n=MAX_PATHS))
        if field_of is not None and _names_a_person(value_names(data[:65536]), field_of):
            raise ReadError(Status.UNSUPPORTED, say(Detail.XML_FIELDS_BY_VALUE))  # a person's fields named by values
        if field_of is None:
            raise ReadError(Status.UNSUPPORTED, say(Detail.XML_OTHER))
        return  # read whole: no kind of record names a person (a Maven POM's developers, a specification's editors)
    left = records[MAX_SHEETS:]
    records = sorted(records[:MAX_SHEETS], key=lambda p: -kinds[p].n)  # (stable: document order among equals)
    plans = {path: _plan(path, kinds, paths, records, field_of, filemaker) for path in records}
    count = [0]
    zeroed = zeroed_block(data)  # NULs read as U+FFFD may leave the elements around them whole: said all the same
    kept: dict[int, list[list[str]]] = {path: [] for path in records[1:]}
    reader = _read(doc, budget, paths, plans, count)
    names: set[str] = set()
    for i, path in enumerate(records):
        tags = paths.tags(path)
        name = next((n for k in range(2, len(tags) + 1) if (n := "/".join(tags[-k:])) not in names), "/".join(tags))
        names.add(name)
        sheet = Sheet(name, [])

        def rows(path: int = path, sheet: Sheet = sheet, last: bool = i == len(records) - 1) -> Iterator[list[str]]:
            yield [_header_cell(label, known) for label in plans[path].header]
            for kind, row in reader:  # the first sheet's rows as they are read; the others' kept for theirs
                if kind == path:
                    yield row
                else:
                    kept[kind].append(row)
            yield from kept.pop(path, [])
            if last:
                if (said := _damage_said(damage, count[0])) is not None:
                    sheet.damage.append(said)
                if zeroed is not None:
                    sheet.damage.append(say(Detail.NUL_BLOCK, n=zeroed[1], at=zeroed[0]))
                if left:
                    sheet.unread.append(say(Detail.XML_RECORD_KINDS_LEFT, n=len(left)))
                if paths.full:
                    sheet.unread.append(say(Detail.XML_PATHS_LEFT, n=MAX_PATHS))
                sheet.notes.extend(reading_notes(dec))

        sheet.rows = rows()
        yield sheet


def _damage_said(damage: _Damage, records: int) -> str | None:
    if damage.too_deep:
        deep = say(Detail.XML_TOO_DEEP, limit=damage.too_deep, line=damage.line, records=records)
        return join_details((say(Detail.XML_RECORDS_DAMAGED, n=damage.places, line=damage.line, records=records), deep)
                            ) if damage.places else deep
    if damage.stopped:
        return say(Detail.XML_RECORDS_DAMAGED_STOPPED, n=MAX_RESTARTS, line=damage.line, records=records)
    if damage.places and not damage.cut:
        return say(Detail.XML_RECORDS_DAMAGED, n=damage.places, line=damage.line, records=records)
    if damage.cut:
        return say(Detail.XML_RECORDS_CUT, records=records) if damage.places <= 1 else say(
            Detail.XML_RECORDS_DAMAGED_CUT, n=damage.places - 1, line=damage.line, records=records)
    return None
