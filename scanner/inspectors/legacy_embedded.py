"""Objects embedded in legacy Office files and RTF: a client list pasted into a Word 97-2003 report, a
PowerPoint 97-2003 deck or an RTF letter is a spreadsheet like any other, examined as a child of its document.

- Word (.doc): each embedded object is a storage of the compound file (``ObjectPool/_1345470949/``); one
  holding a ``Package`` stream (an .xlsx stored whole) gives that stream, one holding ``\x01Ole10Native`` (a
  file dropped in via the Packager) gives that file under its own name, one holding a ``Workbook``/``Book``
  stream (an .xls) gives that stream in a compound file of its own, so the spreadsheet inspector reads it.
- PowerPoint (.ppt): each object is an ExOleObjStg record of the ``PowerPoint Document`` stream, holding a
  whole compound file, zlib-compressed or not ([MS-PPT] 2.10.34/35).
- RTF: each ``{\\object ... {\\*\\objdata <hex>}}`` holds an OLE 1.0 EmbeddedObject ([MS-OLEDS] 2.2.5): a
  class name and native data, which is a compound file, or for the ``Package`` class the dropped file.
- Access (.mdb, .accdb: scanner.access.access_objects): each OLE-object value is Access's package header (0x1C15)
  over the same OLE 1.0 EmbeddedObject; each attachment (ACE) a wrapper over the file, deflated or not (access18).

Each object is a child one archive hop deeper (``report.doc » ObjectPool/_1345470949/Package``), under the
archive limits (depth, bytes, ratio); the compound files it yields go through the embedded-object reader
of scanner.inspectors.embedded like an OOXML ``oleObject1.bin``. Only documents whose cheap pre-check finds an
object are opened (``wants``): an ObjectPool storage in the compound file's directory, an embedded-object
record (ExOleEmbedContainer) in the head of a presentation's document record, ``\\objdata`` in an RTF file.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from typing import IO

from ..access import access_objects
from ..cfbwrite import Storage, write_compound
from ..codes import Status
from ..contracts import Inspection
from ..details import Detail, join_details, say
from ..doctables import flat_objects
from ..errors import ReadError
from ..isolation import decoding
from ..models import Entry, Hop
from ..olefiles import ole_file
from ..sheet import Caps, CellBudget
from ..sources.base import Item
from ..tables import damaged_head, ole_header_impossible
from .archive_formats import InflateBroken, inflate_keeping
from .archive_members import ArchiveLimits, ArchiveMemberEntry, error_reason, member_base_name

SHOWN_PROBLEMS = 8  # the objects a document's detail names; the rest are counted


def _first_problems(problems: list[str]) -> str:
    """The first objects' problems joined keeping their codes, the rest counted (never cut mid-sentence)."""
    more = len(problems) - SHOWN_PROBLEMS
    return join_details([*problems[:SHOWN_PROBLEMS], *([say(Detail.MORE_PROBLEMS, n=more)] if more > 0 else [])])


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD_EXTS = (".doc", ".dot")
SLIDES_EXTS = (".ppt", ".pps", ".pot")
RTF_EXTS = (".rtf",)
LEGACY_EXTS = WORD_EXTS + SLIDES_EXTS + RTF_EXTS
# the hop formats of objects taken out of these documents (their compound files are OLE objects); an Access database's
# OLE-object and attachment values (scanner.access, access18)
OBJECT_HOPS = ("doc", "ppt", "rtf", "xls", "access")
XLS_OBJECT = "MBD".encode("utf-16-le")  # an Excel 97-2003 workbook keeps each embedded object in an MBD... storage
RTF_MAGIC = b"{\\rt"  # "{\rtf1", and "{\rt" that Word also reads
WORKBOOK_STREAMS = ("Workbook", "Book", "WORKBOOK", "BOOK")
PACKAGE_STREAMS = ("Package", "package", "PACKAGE")
# the main stream of an object that is a compound file of its own: a workbook, a Word document, a presentation
WHOLE_OBJECT_STREAMS = (*WORKBOOK_STREAMS, "WordDocument", "PowerPoint Document")
NATIVE_STREAM = "\x01Ole10Native"
_OBJECT_POOL = "ObjectPool".encode("utf-16-le")
_SLIDES_STREAM = "PowerPoint Document"
_PPT_ENCRYPTED = "EncryptedSummary"  # a password-protected presentation's summary (the deck's streams are RC4)
_PPT_USER = "Current User"
_PPT_TOKEN_ENCRYPTED = b"\xdf\xc4\xd1\xf3"  # CurrentUserAtom.headerToken of an encrypted presentation
_CONTAINER = b"\x0f\x00"  # recVer 0xF, recInstance 0: a container record's header starts so (DocumentContainer)
_EX_OLE_EMBED = b"\x0f\x00\xcc\x0f"  # ExOleEmbedContainer (recVer 0xF, recType 0x0FCC), in the ExObjList
_EX_OLE_OBJ_STG = (b"\x00\x00\x11\x10", b"\x10\x00\x11\x10")  # ExOleObjStg, uncompressed / compressed
_OTHER_SLIDES_STREAMS = ("pp40",)  # PowerPoint 4.0
_OBJECT_STORAGE = re.compile(r"_\d{4,}")  # Word names each embedded object's storage _<number>
_OBJDATA = re.compile(rb"(?<!\\)\\objdata\b")  # the control word, not an escaped backslash before text
_PROBE_DIRECTORY = 1 << 20  # directory bytes read by the pre-check (8,192 entries)
_PROBE_SLIDES = 1 << 12  # head of the PowerPoint Document stream read by the pre-check
_READ_CHUNK = 1 << 20
_SMALL = 1 << 16  # a local file this small is probed from one read
# the classes (a CompObj's ProgID) whose object holds a stream leakscan reads: an object naming one without it is damaged
OBJECT_CLASSES = (b"Excel.Sheet", b"Excel.Chart", b"Package", b"Packager", b"Word.Document", b"PowerPoint.Show",
                  b"PowerPoint.Slide")
END = 0xFFFFFFFE
_STGTY_STREAM = 2  # olefile's type of a stream entry


def kind_of(name: str) -> str | None:
    """doc, ppt or rtf by the file's extension (the content decides later), else None."""
    low = name.casefold()
    if low.endswith(WORD_EXTS):
        return "doc"
    if low.endswith(SLIDES_EXTS):
        return "ppt"
    if low.endswith(RTF_EXTS):
        return "rtf"
    return None


# ---------------------------------------------------------------- the cheap pre-check (in the walk)


class CompoundProbe:
    """Just enough of a compound file's structure, read sector by sector through ``read_at``, to list its
    directory and the head of one stream without reading the file: the header, the FAT sectors a chain
    passes through (via the DIFAT), the directory sectors. Bounded; any inconsistency ends the walk."""

    def __init__(self, read_at: Callable[[int, int], bytes]) -> None:
        self.read_at = read_at
        head = read_at(0, 512)
        if len(head) < 512 or not head.startswith(OLE_MAGIC):
            raise ValueError("no compound file header")
        shift = struct.unpack_from("<H", head, 0x1E)[0]
        if shift not in (9, 12):
            raise ValueError("bad sector size")
        self.size = 1 << shift
        self.first_dir, = struct.unpack_from("<I", head, 0x30)
        self.difat = list(struct.unpack_from("<109I", head, 0x4C))
        self.next_difat, self.difat_left = struct.unpack_from("<II", head, 0x44)
        self._fat: dict[int, bytes] = {}
        self.looped = False  # a chain came back to a sector it had passed (a damaged FAT): what follows is lost

    def _sector(self, sid: int) -> bytes:
        data = self.read_at((sid + 1) * self.size, self.size)
        if len(data) < self.size:
            raise ValueError("sector past the end of the file")
        return data

    def _fat_sector(self, index: int) -> bytes:
        while index >= len(self.difat) and self.difat_left and self.next_difat < END and len(self.difat) < 1 << 16:
            more = self._sector(self.next_difat)
            if len(more) < self.size:
                break
            n = self.size // 4 - 1
            self.difat += struct.unpack_from(f"<{n}I", more)
            self.next_difat = struct.unpack_from("<I", more, n * 4)[0]
            self.difat_left -= 1
        if index >= len(self.difat) or self.difat[index] >= END:
            raise ValueError("FAT sector outside the DIFAT")
        if index not in self._fat:
            self._fat[index] = self._sector(self.difat[index])
        return self._fat[index]

    def chain(self, start: int, limit: int) -> Iterator[bytes]:
        """The sectors of the chain from ``start``, at most ``limit`` bytes."""
        per = self.size // 4
        seen: set[int] = set()
        sid, got = start, 0
        while sid < END and got < limit and sid not in seen:
            seen.add(sid)
            data = self._sector(sid)
            if len(data) < self.size:
                return
            yield data
            got += len(data)
            fat = self._fat_sector(sid // per)
            if len(fat) < self.size:
                return
            sid = struct.unpack_from("<I", fat, (sid % per) * 4)[0]
        self.looped = self.looped or (sid in seen and got < limit)

    def entries(self) -> Iterator[tuple[str, int, int, int]]:
        """(name, type, start sector, size) of each directory entry."""
        for sector in self.chain(self.first_dir, _PROBE_DIRECTORY):
            for at in range(0, self.size, 128):
                n = struct.unpack_from("<H", sector, at + 0x40)[0]
                kind = sector[at + 0x42]
                start, size = struct.unpack_from("<II", sector, at + 0x74)
                yield sector[at:at + min(n, 64)].decode("utf-16-le", "replace").rstrip("\x00"), kind, start, size


def _directory(probe: CompoundProbe) -> list[bytes]:
    """The directory's 128-byte entries (as ``CompoundProbe.entries`` reads them)."""
    return [sector[at:at + 128] for sector in probe.chain(probe.first_dir, _PROBE_DIRECTORY)
            for at in range(0, probe.size, 128)]


def _entry_name(entry: bytes) -> str:
    n = struct.unpack_from("<H", entry, 0x40)[0]
    return entry[:min(n, 64)].decode("utf-16-le", "replace").rstrip("\x00")


def _root_streams(raw: list[bytes]) -> set[str]:
    """The names of the streams at the root of the directory ``raw`` (``_directory``): the root entry's child and its
    siblings, followed by their left/right links (an entry met twice or out of range ends its branch). A Workbook
    stream inside an object's storage is the object's, not the file's (review19o)."""
    if not raw:
        return set()
    names: set[str] = set()
    seen: set[int] = set()
    todo = [struct.unpack_from("<I", raw[0], 0x4C)[0]]
    while todo:
        sid = todo.pop()
        if sid >= len(raw) or sid in seen:
            continue
        seen.add(sid)
        entry = raw[sid]
        if entry[0x42] == 2:
            names.add(_entry_name(entry))
        todo += struct.unpack_from("<II", entry, 0x44)
    return names


def _object_in_directory(probe: CompoundProbe, kind: str) -> bool:
    """Whether the directory shows an object: an ObjectPool storage, or an object storage (``_1345470949``) whose
    pool's name is damaged (Word); an embedded-object record in the head of the presentation's stream. A
    presentation without its PowerPoint Document stream (a damaged name, Session 14; not a PowerPoint 4.0 file,
    whose stream is PP40) is taken too: the worker lists it, it never passes as a deck without objects; so is a
    "document" holding an Excel Workbook stream and no WordDocument stream (an .xls renamed .doc: read as the workbook),
    and a password-protected Office package (an EncryptedPackage stream; session 17: an encrypted workbook renamed .doc
    or .ppt ended as nothing or as a damaged deck): listed encrypted."""
    other = word = sheet = False
    entries = list(probe.entries())
    if not entries or entries[0][1] != 5:  # its first entry is no root storage: the directory is damaged (shifted
        return True  # by bytes lost or added before it: damage20, a .doc ended as nothing); the worker lists it
    if kind == "ppt" and any(typ == 2 and name == _PPT_ENCRYPTED for name, typ, _, _ in entries):
        return True  # a password-protected presentation: the worker lists it encrypted
    for name, typ, start, size in entries:
        if kind == "doc" and typ == 1 and (name == "ObjectPool" or _OBJECT_STORAGE.fullmatch(name)):  # a storage
            return True
        if typ == 2 and name == "EncryptedPackage":
            return True
        word = word or (typ == 2 and name == "WordDocument")
        sheet = sheet or (typ == 2 and name in ("Workbook", "Book"))
        if kind == "ppt" and name.casefold() == _SLIDES_STREAM.casefold() and typ == 2:  # olefile finds it so
            if size < 4096:
                return True  # in the mini stream: read by the worker (a presentation is never this small)
            head = b"".join(probe.chain(start, _PROBE_SLIDES))[:_PROBE_SLIDES]
            # a stream whose first record is no container goes to the worker too: encrypted with only the Current User
            # stream saying so (no EncryptedSummary: POI's Password_Protected-np-hello.ppt ended as nothing), damaged,
            # or a PowerPoint 95 file (the worker finds no object record in it)
            return not head.startswith(_CONTAINER) or _EX_OLE_EMBED in head or object_list_damaged(head)
        other = other or (typ == 2 and name.casefold() in _OTHER_SLIDES_STREAMS)
    # an .xls renamed .doc (review16a), also one embedding a Word document (its WordDocument is the object's, not at the
    # root: review19o, such a file ended as nothing)
    return (kind == "ppt" and not other) or (kind == "doc" and sheet and not (word and "WordDocument" in
                                                                                 _root_streams(_directory(probe))))


def shows_objects(data: bytes, kind: str) -> bool:
    """``_object_in_directory`` of a compound file's bytes: the pre-check a .doc/.ppt name gets in the walk, for one
    under another name (its objects are read as under its own name, no more: ole19). A directory that cannot be
    followed counts (the reader lists it)."""
    try:
        return _object_in_directory(CompoundProbe(lambda at, n: data[at:at + n]), kind)
    except (ValueError, struct.error, IndexError, OverflowError):
        return True


_EX_OBJ_LIST = b"\x0f\x00\x09\x04"  # ExObjListContainer (recVer 0xF, recType 0x0409)
_EX_OBJ_LIST_ATOM = 0x040A
# the containers an ExObjList holds ([MS-PPT] 2.10.1 ExObjListSubContainer), each with the atom that opens it where
# the specification names one (None: AVI, CD audio, MCI movie, MIDI, WAV embedded/linked)
_EX_OBJ_KINDS: dict[int, int | None] = {0x0FCC: 0x0FCD, 0x0FCE: 0x0FD1, 0x0FD7: 0x0FD3, 0x0FEE: 0x0FFB, 0x1006: None,
                                        0x100E: None, 0x1007: None, 0x100D: None, 0x100F: None, 0x1010: None}


def object_list_damaged(head: bytes) -> bool:
    """Whether the external-object list (ExObjList) in the head of a presentation's document stream breaks its
    own structure: a child record of another type than its atom and the object containers, a header that is not
    that record's (recVer and recInstance: 0xF and 0 for a container), a container not opened by its own atom (an
    embedded object's container flipped to a linked one's type), a child running past the list's end. A flipped
    bit in an embedded object's record header hides the object from the pre-check's ``ExOleEmbedContainer``
    search (Session 15: such a deck passed as one without objects, its workbook unread); the list's broken
    structure shows it. Only the part of the list inside ``head`` is walked (a list running past it is no damage)."""
    at = head.find(_EX_OBJ_LIST)
    if at < 0 or at + 8 > len(head):
        return False
    end = at + 8 + int.from_bytes(head[at + 4:at + 8], "little")
    pos = at + 8
    while pos + 8 <= min(end, len(head)):
        ver_inst, typ, size = struct.unpack_from("<HHI", head, pos)
        if typ == _EX_OBJ_LIST_ATOM:
            sound = ver_inst == 0
        else:
            opener = _EX_OBJ_KINDS.get(typ, -1)
            sound = ver_inst == 0xF and opener != -1 and (
                opener is None or pos + 12 > len(head) or int.from_bytes(head[pos + 10:pos + 12], "little") == opener)
        if not sound or pos + 8 + size > end:
            return True
        pos += 8 + size
    return pos != end and end <= len(head)


def may_embed(entry: Entry, size: int, limit: int, archive_head: Callable[[bytes], bool]) -> bool:
    """Whether a .doc/.ppt/.rtf may hold an embedded object, from a few of its bytes: the compound file's
    directory names an ObjectPool storage (Word) or the presentation's document record lists an embedded
    object (PowerPoint); an RTF file holds ``\\objdata``. An RTF file under a Word name (Word saves them so)
    counts as RTF. A compound file whose directory cannot be followed (cut, damaged) or whose signature differs
    in one or two bytes counts (the worker lists it: a .doc names its ObjectPool in the directory only), as does a
    .ppt without its PowerPoint Document stream (not PowerPoint 4.0's PP40) and a .doc with object storages outside
    an ObjectPool. An archive under such a name (``archive_head``) counts too. A stream that cannot seek is read
    whole, up to ``limit``."""
    kind = kind_of(entry.name)
    if kind is None or size < 64:
        return False
    ranged = getattr(entry, "read_range", None)  # a remote file (sources.smb): a few ranges, not a whole read
    if ranged is not None and size > _SMALL:
        decided = _may_embed_ranged(ranged, kind, archive_head)
        if decided is not None:
            return decided
    small = getattr(entry, "read_small", None)  # a local file: one open, no file object (sources.local)
    if small is not None and size <= _SMALL:
        got = small(size + 1)
        if got is not None:
            return _may_embed(io.BytesIO(got[0]), kind, len(got[0]), limit, archive_head)
    try:
        with entry.open() as f:
            return _may_embed(f, kind, size, limit, archive_head)
    except (ReadError, OSError):
        return True  # the worker reads it again and lists why it could not


def workbook_or_encrypted(entry: Entry, limit: int) -> bool:
    """Whether a compound file under an Office package's name (報告.docx) is an Excel 97-2003 workbook (its directory
    names a Workbook/Book stream) or a password-protected package (an EncryptedPackage stream: a workbook or a
    document, which the password hides; session 17: an encrypted workbook renamed .docx ended as nothing). A directory
    that cannot be followed counts (the spreadsheet worker reads it and lists why), as does a read error."""
    names = _stream_names(entry, limit)
    return names is None or bool(names[0] & {"Workbook", "Book", "EncryptedPackage"})


def holds_word_stream(entry: Entry, limit: int, size: int | None = None) -> bool:
    """Whether a compound file is a Word 97-2003 document: its directory names a WordDocument stream, or a Word table
    stream (1Table, 0Table: the main stream's name damaged, listed by the reader; ole19: under .docx it ended as
    nothing), and no workbook stream at its root (an .xls renamed .doc is the archive inspector's; review19o: one in
    an embedded Excel object's storage left a .doc's own tables unread, silently). A directory that cannot be
    followed: False (the archive inspector lists a damaged one it opens). ``size`` (the walk's): a small local file is
    read in one open."""
    names = _stream_names(entry, limit, size)
    return (names is not None and bool(names[0] & {"WordDocument", "1Table", "0Table"})
            and not names[1] & {"Workbook", "Book"})


def holds_ppt_root(entry: Entry, limit: int, size: int | None = None) -> bool:
    """Whether a compound file is a PowerPoint 97-2003 deck: a PowerPoint Document stream at its root and no Word or
    workbook stream there (docs23: a deck renamed .doc/.docx was read as Word, found no WordDocument stream and ended
    as nothing). A directory that cannot be followed: False (as ``holds_word_stream``)."""
    names = _stream_names(entry, limit, size)
    return (names is not None and "PowerPoint Document" in names[1]
            and not names[1] & {"WordDocument", "1Table", "0Table", "Workbook", "Book"})


def _stream_names(entry: Entry, limit: int, size: int | None = None) -> tuple[set[str], set[str]] | None:
    """The streams a compound file's directory names, and those at its root (``_root_streams``), read sector by sector
    (CompoundProbe); None when the directory cannot be followed, the file cannot be read, or a stream that cannot
    seek holds more than ``limit`` bytes (read whole up to it). A small local file of ``size`` bytes is read in one open, no file object (as ``may_embed``)."""
    small = getattr(entry, "read_small", None)
    got = small(size + 1) if small is not None and size is not None and size <= _SMALL else None
    try:
        if got is not None and size is not None and len(got[0]) <= size:  # (one that grew since the walk: below)
            return _names_in(io.BytesIO(got[0]))
        with entry.open() as f:
            if not f.seekable():
                data = f.read(limit + 1)
                if len(data) > limit:
                    return None
                return _names_in(io.BytesIO(data))
            return _names_in(f)
    except (ValueError, struct.error, IndexError, OverflowError, ReadError, OSError):
        return None


def _names_in(f: IO[bytes]) -> tuple[set[str], set[str]]:
    def read_at(offset: int, n: int) -> bytes:
        f.seek(offset)
        return f.read(n)

    raw = _directory(CompoundProbe(read_at))  # read once: the walk's pre-check of every .doc
    return {_entry_name(e) for e in raw if e[0x42] == 2}, _root_streams(raw)


def _may_embed_ranged(read_range: Callable[[int, int], bytes], kind: str,
                      archive_head: Callable[[bytes], bool]) -> bool | None:
    """``may_embed`` of a compound file from the few sectors its directory needs (an SMB file: a stream that
    cannot seek would be read whole); None where only the whole-file check can decide (an RTF, or a
    directory that cannot be followed), so the answer is the one a local folder gives."""
    try:
        head = read_range(0, 512)
        if head.startswith(RTF_MAGIC):
            return None
        if archive_head(head):
            return True
        if kind != "rtf" and damaged_head(head) == "ole-corrupt":
            return True
        if not head.startswith(OLE_MAGIC) or kind == "rtf":
            return False
        return _object_in_directory(CompoundProbe(read_range), kind)
    except (ReadError, OSError):
        return True  # the worker reads it again and lists why it could not
    except (ValueError, struct.error, IndexError, OverflowError):
        return None


def _may_embed(f: IO[bytes], kind: str, size: int, limit: int, archive_head: Callable[[bytes], bool]) -> bool:
    """``may_embed`` over an open file."""
    if not f.seekable():
        data = f.read(limit + 1)
        if len(data) > limit:
            return True  # listed as too large by the worker
        f = io.BytesIO(data)
    head = f.read(512)
    if head.startswith(RTF_MAGIC):
        return _rtf_has_objects(f, head, limit)
    if archive_head(head):
        return True  # an archive under a document's name: opened as the archive it is
    if kind != "rtf" and damaged_head(head) == "ole-corrupt":
        return True  # a compound file whose signature is damaged: read restored and listed by the worker (Session 14)
    if not head.startswith(OLE_MAGIC) or kind == "rtf":
        return False

    def read_at(offset: int, n: int) -> bytes:
        f.seek(offset)
        return f.read(n)

    try:
        return _object_in_directory(CompoundProbe(read_at), kind)
    except (ValueError, struct.error, IndexError, OverflowError):
        # a cut or damaged compound file (the directory usually sits after the streams): whether it held an
        # object cannot be told from its bytes (a .doc names its ObjectPool in the directory only), so the worker
        # opens it and lists it as damaged (Session 14: a cut .doc holding objects ended as nothing)
        return True


def _rtf_has_objects(f: IO[bytes], head: bytes, limit: int) -> bool:
    """``\\objdata`` anywhere in the first ``limit`` bytes (read in chunks; a file past the limit counts)."""
    carry, got = head, len(head)
    while True:
        if _OBJDATA.search(carry):
            return True
        chunk = f.read(_READ_CHUNK)
        if not chunk:
            return False
        got += len(chunk)
        if got > limit:
            return True
        carry = carry[-16:] + chunk


# ---------------------------------------------------------------- opening (in the worker)


def open_legacy(entry: Entry, data: bytes, caps: ArchiveLimits, kind: str | None = None,
                table_caps: Caps | None = None) -> Inspection:
    """The embedded objects of a .doc, .ppt, .rtf (or, ``kind`` "xls", an .xls; "access", an Access database's OLE
    objects and attachments, read under ``table_caps``' time) as children; a damaged
    document is listed (corrupt). A compound file whose signature is damaged (one or two of its first 8 bytes:
    ``tables.damaged_head``) is read with it restored (a copy in memory) and listed corrupt, the restored
    signature said (Session 14: such a .doc was passed as a document without objects)."""
    kind = kind or ("rtf" if data.startswith(RTF_MAGIC) else kind_of(entry.name))
    if kind != "rtf" and not data.startswith(OLE_MAGIC) and damaged_head(data) == "ole-corrupt":
        differ = sum(a != b for a, b in zip(data[:8], OLE_MAGIC, strict=True))
        found = open_legacy(entry, OLE_MAGIC + data[8:], caps, kind)
        said = say(Detail.SIGNATURE_RESTORED, format="OLE2", n=differ)
        found.detail = join_details(tuple(d for d in (said, found.detail) if d))
        found.status = Status.CORRUPT if found.status in (Status.OK, Status.UNSUPPORTED) else found.status
        return found
    hop = Hop("archive", entry.location.path, {"format": kind or "ole"})
    try:
        if kind == "access":
            decoding("access objects")
            objects = list(access_found(data, caps, table_caps or Caps()))
        elif kind == "flatopc":  # Office flat XML: its binary parts in an embeddings folder, from their base64
            decoding("flat XML parts")
            objects = [(name, content, why or "") for name, content, why in flat_objects(data, caps.budget.remaining())]
        elif kind == "rtf":
            decoding("rtf objdata")
            objects = list(rtf_objects(data, caps))
            if (left_open := rtf_open_groups(data)) > 0:  # cut: the objects after the cut are absent (Session 15)
                objects.append(("", None, say(Detail.RTF_CUT, n=left_open)))
        else:
            decoding("olefile")
            objects = list(ppt_objects(data, caps) if kind == "ppt" else
                           doc_objects(data, caps, xls=True) if kind == "xls" else doc_objects(data, caps))
    except Exception as e:  # noqa: BLE001 - a damaged document is data, not a crash
        if isinstance(e, ReadError) and e.reason == Status.ENCRYPTED and kind == "ppt":
            return Inspection(status=e.reason, detail=e.detail)  # a password-protected presentation (said whole)
        reason, text = error_reason(e)
        if kind != "rtf" and reason == Status.CORRUPT and ole_header_impossible(data):
            text = say(Detail.OLE_CORRUPT)  # not the library's words (a Python limit hit on a random header)
        return Inspection(status=reason, detail=say(Detail.LEGACY_EMBEDDED, kind=str(kind), why=text))
    children: list[Item] = []
    problems: list[str] = []  # each said (object name quoted, its own detail's codes kept)
    reasons: list[Status] = []  # of objects that could not be read at all, when a ReadError named one
    for name, content, why in objects:
        if isinstance(why, ReadError):
            reasons.append(why.reason)
            why = why.detail
        if content is None:
            problems.append(say(Detail.EMBEDDED_OBJECT_PROBLEM, name=str(name), why=why) if name else why)
            continue
        child = ArchiveMemberEntry(entry.location.child(hop, name), member_base_name(name), entry.deleted,
                                   len(content), None, None, None, _opener(content), caps, charged=len(content))
        if why:  # what could be read of it is examined; the document is listed as damaged either way
            child.damage = why
            problems.append(say(Detail.EMBEDDED_OBJECT_PROBLEM, name=str(name), why=why))
        children.append(child)
    if problems:
        # damage wins; objects listed only for a cap (too-large, bomb ...) give the document that reason
        status = reasons[0] if reasons and len(reasons) == len(problems) else Status.CORRUPT
        return Inspection(status=status, detail=say(Detail.LEGACY_EMBEDDED, kind=str(kind), why=_first_problems(problems)),
                          children=iter(children))
    return Inspection(children=iter(children))


def _opener(content: bytes) -> Callable[[], io.BytesIO]:
    return lambda: io.BytesIO(content)


# (child name, bytes or None when unreadable, why damaged / unreadable: a ReadError keeps its reason, too-large ...)
Found = tuple[str, bytes | None, "str | ReadError"]


def doc_objects(data: bytes, caps: ArchiveLimits, xls: bool = False) -> Iterator[Found]:
    """Every storage of a compound file holding an object's data (the ObjectPool of a Word document, at any
    depth; with ``xls``, the ``MBD...`` storages of an Excel 97-2003 workbook): its Package stream, its
    dropped file, or, for an object that is a compound file of its own (a workbook, a Word document, a presentation:
    ``WHOLE_OBJECT_STREAMS``), the whole storage written as a compound file (scanner.cfbwrite), read by its content
    like a file on disk; the objects inside such an object are its own (read when it is examined)."""
    import olefile  # a dependency of msoffcrypto-tool

    with ole_file(data) as ole:  # (the format sniff's failure on these bytes raised again: scanner.olefiles)
        level = 1 if xls else 2  # the path length of one object's storage

        def pooled(path: list[str]) -> bool:
            return path[0].startswith("MBD") if xls else path[0] == "ObjectPool"

        storages = [e for e in ole.listdir(streams=False, storages=True) if e and pooled(e)]
        every = ole.listdir(streams=True, storages=False)
        empty = not any(len(e) > 1 for e in storages) and not any(e[0] == "ObjectPool" for e in every)
        if not xls and (empty or not storages) and _OBJECT_POOL in data and (
                lost := unreached_entries(data, len(every) + len(storages))):
            # an empty ObjectPool is what Word leaves after its objects are deleted; entries in use that the
            # directory tree does not reach are damage (a flipped bit in a sibling or child link)
            raise ReadError(Status.CORRUPT, say(Detail.DIRECTORY_ENTRIES_UNREACHED, n=lost))
        given = 0
        whole: list[list[str]] = []  # storages handed on whole: what lies inside them is theirs
        room = [len(data)]  # the bytes the objects' streams may still hold (``_stream``)
        for path in sorted(storages, key=len):
            if any(path[:len(w)] == w for w in whole):
                continue
            where = "/".join(path)
            streams = {s: path + [s] for s in (*PACKAGE_STREAMS, NATIVE_STREAM, *WHOLE_OBJECT_STREAMS)
                       if ole.exists(path + [s]) and ole.get_type(path + [s]) == olefile.STGTY_STREAM}
            if not streams:
                if len(path) == level and not any(e[:level] == path for e in every):
                    given += 1
                    yield where, None, "the object's storage lists no stream"
                elif len(path) == level and ole.exists(path + ["\x01CompObj"]):
                    comp = ole.openstream(path + ["\x01CompObj"]).read(4096)
                    named = next((c for c in OBJECT_CLASSES if c in comp), None)
                    if named is not None:
                        given += 1
                        yield where, None, say(Detail.OLE_COMPOBJ_NO_STREAM, named=named.decode())
                continue
            stream = next(iter(streams))
            given += 1
            try:
                if stream in WHOLE_OBJECT_STREAMS:
                    whole.append(path)
                    tree, why = _storage_tree(ole, path, caps, room)
                    yield f"{where}/{stream}", write_compound(tree), why
                    continue
                content = _stream(ole, streams[stream], caps, room)
                if stream == NATIVE_STREAM:
                    comp = (ole.openstream(path + ["\x01CompObj"]).read(4096)
                            if ole.exists(path + ["\x01CompObj"]) else None)
                    label, content = native_object(content, comp)
                    yield f"{where}/{label}", content, ""
                else:
                    yield f"{where}/{stream}", content, ""
            except ReadError as e:  # this object over a cap, or damaged: listed with its own reason, the others read
                yield where, None, e
            except Exception as e:  # noqa: BLE001 - one damaged object is listed, the others still read
                yield where, None, error_reason(e)[1]
        if not given and not xls:
            astray = [e for e in ole.listdir(streams=False, storages=True)
                      if _OBJECT_STORAGE.fullmatch(e[-1]) and "ObjectPool" not in e]
            if astray:  # an object storage whose pool's name is damaged: its objects are not read as such
                raise ReadError(Status.CORRUPT, say(Detail.OBJECT_STORAGES_ASTRAY, n=len(astray)))
        if not given and (damage := compound_damage(ole, data)):
            # no object's data reached while the directory is damaged: the objects may be what was lost (Session 14)
            raise ReadError(Status.CORRUPT, damage)


def _storage_tree(ole: object, path: list[str], caps: ArchiveLimits, room: list[int]) -> tuple[Storage, str]:
    """The streams and storages under ``path`` as a tree for ``write_compound``, each stream read under the archive
    limits and ``room`` (``_stream``); a stream read short keeps what was read, one declaring more than the file holds
    is left empty, and why is said (the object is examined, listed as damaged)."""
    tree: Storage = {}
    short: list[str] = []
    for entry in ole.listdir(streams=True, storages=True):  # type: ignore[attr-defined]
        if len(entry) <= len(path) or entry[:len(path)] != path:
            continue
        node = tree
        for part in entry[len(path):-1]:
            inner = node.setdefault(part, {})
            if not isinstance(inner, dict):
                raise ValueError("a stream and a storage of one name")
            node = inner
        name = entry  # a list: olefile splits a path string at "/", which a damaged or hostile name may hold
        if ole.get_type(name) != _STGTY_STREAM:  # type: ignore[attr-defined]
            node.setdefault(entry[-1], {})
            continue
        over = _claim(room, name, ole.get_size(name))  # type: ignore[attr-defined]
        if over:
            node[entry[-1]] = b""
            short.append(over)
            continue
        try:
            node[entry[-1]] = _stream(ole, name, caps)
        except ReadError as e:
            if e.reason != Status.CORRUPT:
                raise
            node[entry[-1]] = kept = ole.openstream(name).read(ole.get_size(name))  # type: ignore[attr-defined]
            caps.budget.charge(len(kept))
            short.append(e.detail)
    return tree, join_details(short[:SHOWN_PROBLEMS])


def unreached_entries(data: bytes, reached: int) -> int:
    """How many storages and streams the directory holds beyond the ``reached`` ones olefile's tree walk
    found (0 when the directory cannot be read entry by entry)."""
    try:
        live = sum(1 for _, kind, _, _ in CompoundProbe(lambda at, n: data[at:at + n]).entries() if kind in (1, 2))
    except (ValueError, struct.error, IndexError, OverflowError):
        return 0
    return max(live - reached, 0)


def directory_loops(data: bytes) -> bool:
    """Whether the directory's sector chain comes back to a sector it passed (a damaged FAT): olefile reads the
    sectors before the loop again and again, without an error, and the entries after them are lost."""
    try:
        probe = CompoundProbe(lambda at, n: data[at:at + n])
        for _ in probe.entries():
            pass
    except (ValueError, struct.error, IndexError, OverflowError):
        return False
    return probe.looped


# olefile's notes (read on past) that lose directory entries; others (a header field, a stream's size: real files
# from Word 6 and POI's test data carry them) lose none, and a short stream is said where it is read
_LOSING_ISSUES = re.compile(r"DirEntry|directory tree|Entry referenced|Duplicate filename|storage type")


def compound_damage(ole: object, data: bytes) -> str:
    """Why what olefile read of the compound file ``data`` may be missing entries (a coded detail), or "": entries
    in use its tree walk does not reach (a flipped sibling or child link), damage olefile noted and read on past
    (an entry index out of range, a broken FAT chain), a directory chain that loops back. An object whose
    streams were lost this way is damage, never an object without content (Session 14: a flipped .ppt ended as
    nothing). Total: never raises."""
    try:
        reached = len(ole.listdir(streams=True, storages=True))  # type: ignore[attr-defined]
        lost = unreached_entries(data, reached)
        if lost:
            return say(Detail.DIRECTORY_ENTRIES_UNREACHED, n=lost)
        if directory_loops(data):
            return say(Detail.COMPOUND_CHAIN_LOOPS)
        issues = sorted({str(why) for _kind, why in getattr(ole, "parsing_issues", [])
                         if _LOSING_ISSUES.search(str(why))})
        return say(Detail.COMPOUND_DAMAGED, why="; ".join(issues)[:160]) if issues else ""
    except Exception:  # noqa: BLE001 - a failure path never raises
        return ""


def _claim(room: list[int], name: str | list[str], size: int) -> str:
    """Why a stream of ``size`` bytes is not read (``_stream``), or "" with ``room`` lowered by its size."""
    if size > room[0]:
        return say(Detail.STREAM_OVER_FILE, stream=_last(name), size=size, left=room[0])
    room[0] -= size
    return ""


def _joined(name: str | list[str]) -> str:
    return "/".join(name) if isinstance(name, list) else name


def _last(name: str | list[str]) -> str:
    """A stream's own name (the last part of its path), as said in a detail."""
    return (name[-1] if isinstance(name, list) else name.rsplit("/", 1)[-1]).lstrip(chr(1))


def _stream(ole: object, name: str | list[str], caps: ArchiveLimits, room: list[int] | None = None) -> bytes:
    """A stream's bytes, refused by its declared size when over the archive limits or, with ``room`` (the bytes left of
    the file for the streams read from it, lowered here), over what the file can hold: the streams of a compound file
    hold no more than its bytes, so one declaring more shares its sectors with another or follows a chain that loops,
    which olefile reads round and round (review19o: forty such streams in a 240 KB .xls made a 420 MB object)."""
    size = ole.get_size(name)  # type: ignore[attr-defined]
    if room is not None and (over := _claim(room, name, size)):
        raise ReadError(Status.CORRUPT, over)
    blocked = caps.declared(size, None)
    if blocked:
        raise ReadError(blocked[0], say(Detail.STREAM_BLOCKED, stream=_joined(name).lstrip(chr(1)), why=blocked[1]))
    content: bytes = ole.openstream(name).read(size + 1)  # type: ignore[attr-defined]
    if len(content) != size:
        raise ReadError(Status.CORRUPT, say(Detail.STREAM_SHORT, stream=_joined(name).lstrip(chr(1)), n=len(content),
                                            size=size))
    caps.budget.charge(size)
    return content


def ppt_objects(data: bytes, caps: ArchiveLimits) -> Iterator[Found]:
    """The compound file of every ExOleObjStg record in the PowerPoint Document stream. Records are found by
    their header and kept only when their content is a compound file (zlib-inflated first when compressed),
    so a header-like run of bytes elsewhere in the stream adds nothing."""
    import olefile

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        user = ole.openstream(_PPT_USER).read(16) if ole.exists(_PPT_USER) else b""
        if ole.exists(_PPT_ENCRYPTED) or user[12:16] == _PPT_TOKEN_ENCRYPTED:  # [MS-PPT] 2.3.2 / 2.3.7: RC4 CryptoAPI
            raise ReadError(Status.ENCRYPTED, say(Detail.PROTECTED_FORMAT, format="PowerPoint 97-2003 presentation",
                                                  marker="Current User headerToken, EncryptedSummary stream"))
        if not ole.exists(_SLIDES_STREAM):
            raise ReadError(Status.CORRUPT, say(Detail.NO_PPT_STREAM))
        stream = _stream(ole, _SLIDES_STREAM, caps)
    starts = sorted(i for tag in _EX_OLE_OBJ_STG for i in _find_all(stream, tag))
    if len(starts) > _MAX_OBJECTS:
        raise ReadError(Status.TOO_LARGE, say(Detail.OBJECT_RECORDS_OVER, n=_MAX_OBJECTS))
    found = 0
    view = memoryview(stream)  # a record's body is copied only when it holds an object: thousands of
    # header-like runs that each claim the rest of the stream cost no copy each (quadratic time before)
    for at in starts:
        length, = struct.unpack_from("<I", stream, at + 4) if at + 8 <= len(stream) else (0,)
        body = view[at + 8:at + 8 + length]
        name = f"{_SLIDES_STREAM}/ExOleObjStg_{at}"
        if stream[at] == 0x10:  # compressed: the inflated size, then a zlib stream
            if len(body) < 6 or body[4] & 0x0F != 8:
                continue
            size, = struct.unpack_from("<I", body)
            blocked = caps.declared(size, len(body) - 4)
            if blocked:
                yield name, None, blocked[1]
                continue
            inflated, why = _inflate(body[4:], size)
            if not inflated.startswith(OLE_MAGIC):
                if why and int.from_bytes(body[4:6], "big") % 31 == 0 and len(body) == length:
                    # a whole record with a sound zlib header whose data breaks: a damaged object, never dropped
                    # without a word (a run of header-like bytes elsewhere in the stream fails these checks)
                    yield name, None, why
                continue
            caps.budget.charge(len(inflated))
            found += 1
            yield name, inflated, why
        elif body[:8] == OLE_MAGIC:
            content = bytes(body)
            caps.budget.charge(len(content))
            found += 1
            yield name, content, "" if len(content) == length else say(Detail.RECORD_CUT, n=len(content), size=length)
    if not found and _EX_OLE_EMBED in stream:
        raise ReadError(Status.CORRUPT, say(Detail.NO_OBJECT_RECORD))


def _find_all(data: bytes, tag: bytes) -> Iterator[int]:
    at = data.find(tag)
    while at >= 0:
        yield at
        at = data.find(tag, at + 1)


_INFLATE_PIECE = 1 << 16


def _inflate(data: bytes | memoryview, size: int) -> tuple[bytes, str]:
    """At most ``size`` bytes from a zlib stream; what came before a break, and why it broke. Fed a piece at a
    time (``inflate_keeping``): zlib raises at a break and drops what that call inflated, so a flipped byte
    anywhere in an object's deflate data lost the whole object (review14g: returned b"" though its docstring
    promised what came before)."""
    d = zlib.decompressobj()
    out = bytearray()
    view = memoryview(data)
    for at in range(0, len(view), _INFLATE_PIECE):
        if len(out) >= size or d.eof:
            break
        try:
            out += inflate_keeping(d, bytes(view[at:at + _INFLATE_PIECE]), size - len(out))
        except InflateBroken as e:
            return bytes(out) + e.before, f"zlib: {e.error}"
    if len(out) < size:
        return bytes(out), f"inflated {len(out)} of {size} bytes"
    return bytes(out[:size]), ""


_BRACE = re.compile(rb"[{}]")
_MAX_OBJECTS = 10_000
_NOT_HEX = re.compile(rb"[^0-9A-Fa-f]+")
_CONTROL = re.compile(rb"\\[a-zA-Z]+-?\d* ?|\\[^a-zA-Z]")


def rtf_objects(data: bytes, caps: ArchiveLimits) -> Iterator[Found]:
    """Each ``\\objdata`` group of an RTF file, decoded from hex: an OLE 1.0 EmbeddedObject whose native data
    is a compound file (``object1 (Excel.Sheet.12)``), or for the Package class the file dropped in
    (``object1/名簿.csv``). Control words and groups inside the hex are skipped."""
    pos, n = 0, 0
    while (match := _OBJDATA.search(data, pos)) is not None:
        n += 1
        if n > _MAX_OBJECTS:
            raise ReadError(Status.TOO_LARGE, say(Detail.OBJDATA_GROUPS_OVER, n=_MAX_OBJECTS))
        raw, pos = _objdata_bytes(data, match.end(), caps)  # the next object is searched after this one
        try:
            klass, native = ole1_native(raw)
        except (ValueError, struct.error, UnicodeDecodeError) as e:
            yield f"object{n}", None, f"objdata: {e}"
            continue
        if klass.casefold() == "package":
            try:
                label, content = native_file(struct.pack("<I", len(native)) + native)
            except (ValueError, ReadError, struct.error) as e:
                yield f"object{n} (Package)", None, str(getattr(e, "detail", e))
                continue
            yield f"object{n}/{label}", content, ""
        else:
            yield f"object{n} ({klass})", native, ""


_GROUPING = re.compile(rb"\\[\\{}]|\\bin(-?\d{1,10}) ?|[{}]")  # an escaped brace or backslash, \binN (N raw bytes follow), a brace


def rtf_open_groups(data: bytes) -> int:
    """How many groups are still open where an RTF file ends: 0 for a whole file, more for one cut short (its
    document group ``{\\rtf1 ...}`` never closed). Escaped braces and the raw bytes after ``\\binN`` do not
    count. A file closing more groups than it opens (real writers' slips: Tika's TIKA_1713) gives 0, as does
    one that ends after its document group: only an end inside the document counts (Session 15: an RTF cut
    between its objects passed as ok with the later objects absent; 4 of 53 real RTFs do not balance, none holding
    an object: none of them ends inside a group while holding ``\\objdata``)."""
    depth, pos = 0, 0
    while (token := _GROUPING.search(data, pos)) is not None:
        pos = token.end()
        if token.group(1) is not None:
            pos += max(int(token.group(1)), 0)
        elif token.group() == b"{":
            depth += 1
        elif token.group() == b"}":
            depth -= 1
    return max(depth, 0)


def _objdata_bytes(data: bytes, start: int, caps: ArchiveLimits) -> tuple[bytes, int]:
    """The hex digits of one objdata group, up to the brace that closes it (nested groups and control words
    inside it left out), as bytes, and where the group ends. Regular expressions do the scanning: an RTF file
    may hold megabytes of hex."""
    depth, at, pieces, end = 0, start, [], len(data)
    for brace in _BRACE.finditer(data, start):
        if brace.group() == b"{":
            if depth == 0:
                pieces.append(data[at:brace.start()])
            depth += 1
        elif depth == 0:
            pieces.append(data[at:brace.start()])
            end = brace.end()
            break
        else:
            depth -= 1
            at = brace.end()
    else:
        if depth == 0:
            pieces.append(data[at:])  # the group never closes (a cut file): what is there
    digits = _NOT_HEX.sub(b"", _CONTROL.sub(b"", b"".join(pieces)))
    if len(digits) > 2 * min(caps.budget.remaining(), caps.member_memory):
        raise ReadError(Status.TOO_LARGE, say(Detail.OBJDATA_OVER_CAP))
    raw = bytes.fromhex(digits[: len(digits) // 2 * 2].decode("ascii"))
    caps.budget.charge(len(raw))
    return raw, end


ACCESS_PACKAGE = b"\x15\x1c"  # the signature of Access's own header over an OLE-object value (jackcess' OleUtil)


def access_found(data: bytes, caps: ArchiveLimits, table_caps: Caps) -> Iterator[Found]:
    """Each OLE-object and attachment value of an Access database (scanner.access.access_objects) as the file it
    holds: an OLE value without Access's package header and its OLE 1.0 wrapping (a Package object gives the file
    dropped in, under its own name; another class its native data: an Excel.Sheet's compound file, a bitmap), an
    attachment without its wrapper (inflated when deflated). A value cut or too large for the archive limits, or
    whose wrapping is damaged, is listed with why."""
    for obj in access_objects(data, CellBudget(table_caps), caps.member_memory):
        if obj.lost:
            yield obj.name, None, obj.lost
            continue
        if obj.cut == "longer than kept":  # (not read)
            yield obj.name, None, ReadError(Status.TOO_LARGE, say(Detail.ACCESS_OBJECT_OVER, size=obj.size,
                                                                      cap=caps.member_memory))
            continue
        if obj.size > caps.budget.remaining():
            yield obj.name, None, ReadError(Status.TOO_LARGE, say(Detail.DECLARES_OVER_LEFT, size=obj.size,
                                                                      left=caps.budget.remaining()))
            continue
        if obj.deleted and (obj.cut or not obj.data):  # a deleted row's object whose freed pages were taken: gone
            continue  # (no damage of the file: review18a)
        why = say(Detail.ACCESS_OBJECT_CUT, n=len(obj.data), size=obj.size, why=obj.cut.split(" + ")) if obj.cut else ""
        if not obj.data:
            yield obj.name, None, why or say(Detail.ACCESS_OBJECT_DAMAGED, why="no bytes")
            continue
        # a value read short: zeros up to its size keep its wrapping whole, what was read examined; zeros far past what
        # was read are an inflation (a crafted head: 200 MiB of them a value, review18a), refused by the archive ratio
        raw = obj.data.ljust(obj.size if caps.declared(obj.size, len(obj.data)) is None else 0, b"\x00")
        caps.budget.charge(len(raw))
        try:
            label, content = (access_attachment(raw, caps) if obj.kind == "attachment" else access_ole(raw))
        except (ValueError, struct.error, ReadError) as e:  # (a value read short breaks its wrapping: the cut said)
            if obj.deleted and (not isinstance(e, ReadError) or e.reason == Status.CORRUPT):
                continue  # (a deleted row's object broken: its pages taken by later values, no damage of the file)
            yield obj.name, None, why or (e if isinstance(e, ReadError) else say(Detail.ACCESS_OBJECT_DAMAGED,
                                                                                 why=str(e)[:80]))
            continue
        if not content and not why:  # a linked object (its file outside the database) or an empty one: nothing held
            continue
        yield (f"{obj.name}/{label}" if label else obj.name), content, why


def access_ole(raw: bytes) -> tuple[str, bytes]:
    """(label, content) of an Access OLE-object value: Access's header (signature 0x1C15, its length, names), then
    an OLE 1.0 EmbeddedObject (``ole1_native``); a Package object's file under its label, another class's native
    data as ``(class)``. A value without Access's header (a program's raw bytes) is examined as it is; a linked
    object (an OLE 1.0 LinkedObject, a Package linking a file) holds no file: ("", b"")."""
    if not raw.startswith(ACCESS_PACKAGE):
        return "", raw
    header = int.from_bytes(raw[2:4], "little")
    if not 20 <= header <= len(raw):
        raise ValueError(f"Access OLE header of {header} bytes")
    if raw[header + 4:header + 8] == LINKED_OBJECT:  # (its file stays where it is linked from: nothing held)
        return "", b""
    klass, native = ole1_native(raw[header:])
    if klass.casefold() == "package":
        if _linked_package(native):
            return "", b""
        return native_file(struct.pack("<I", len(native)) + native)
    return f"({klass})", native


LINKED_OBJECT = (1).to_bytes(4, "little")  # an OLE 1.0 object's FormatID 1: LinkedObject (2: EmbeddedObject)
_LINKED_FILE = (0x010000).to_bytes(4, "little")  # a Package's type after its names: a linked file (jackcess' OleUtil)


def _linked_package(stream: bytes) -> bool:
    """Whether a Package object's stream (signature, label, path) links a file instead of holding it (Insert Object >
    Link: jackcess' PS_LINKED_FILE, then a short and the link, no file data)."""
    at = 2
    for _ in range(2):
        end = stream.find(b"\x00", at, at + 1024)
        if end < 0:
            return False
        at = end + 1
    return stream[at:at + 4] == _LINKED_FILE


def access_attachment(raw: bytes, caps: ArchiveLimits) -> tuple[str, bytes]:
    """("", the file) of an ACE attachment value: a type (0 stored, 1 deflated with zlib), the length of what
    follows, then a header (its own length first, then the file's extension) before the file's bytes."""
    kind, length = struct.unpack_from("<II", raw)
    if kind not in (0, 1):
        raise ValueError(f"attachment data type {kind}")
    blocked = caps.declared(length, len(raw) - 8)
    if blocked:
        raise ReadError(*blocked)
    body, why = (_inflate(raw[8:], length) if kind == 1 else (raw[8:8 + length], ""))
    if kind == 1:
        caps.budget.charge(len(body))
    header = int.from_bytes(body[:4], "little")
    if why or len(body) < length or not 12 <= header <= length:
        raise ReadError(Status.CORRUPT, say(Detail.ACCESS_OBJECT_DAMAGED, why=why or f"{len(body)} of {length} bytes"))
    return "", body[header:length]


def ole1_native(raw: bytes) -> tuple[str, bytes]:
    """(class name, native data) of an OLE 1.0 EmbeddedObject: OLEVersion, FormatID (2: embedded), then
    length-prefixed ANSI ClassName, TopicName, ItemName, then NativeDataSize and NativeData."""
    version, format_id = struct.unpack_from("<II", raw, 0)
    if format_id != 2:
        raise ValueError(f"FormatID {format_id} is not an embedded object")
    at = 8
    names = []
    for _ in range(3):
        n, = struct.unpack_from("<I", raw, at)
        if n > 1024:
            raise ValueError("name longer than 1024 bytes")
        names.append(raw[at + 4:at + 4 + n].rstrip(b"\x00").decode("latin-1"))
        at += 4 + n
    size, = struct.unpack_from("<I", raw, at)
    native = raw[at + 4:at + 4 + size]
    if len(native) < size:
        raise ValueError(f"native data holds {len(native)} of {size} bytes")
    return names[0] or "object", native


# ---------------------------------------------------------------- OLE 1.0 native data (Ole10Native)


def packaged(comp: bytes | None) -> bool:
    """Whether an object's ``\x01CompObj`` (None: it has none) leaves its ``\x01Ole10Native`` stream a Packager
    one. Other OLE 1.0 classes keep their own data there (Microsoft Equation 3.0, Paintbrush, MS Graph): parsed as
    a Package it read as damage (Tika's testException2.doc and POI's 20-Force-on-a-current-S00.doc were listed
    corrupt with Python's struct.error text, wild13)."""
    return comp is None or b"Package" in comp


def native_data(stream: bytes) -> tuple[str, bytes]:
    """Another OLE 1.0 class's native data (see packaged): its bytes after the 4-byte size, examined by content."""
    size = int.from_bytes(stream[:4], "little")
    return "Ole10Native", stream[4:4 + size]


def native_object(stream: bytes, comp: bytes | None) -> tuple[str, bytes]:
    """(child name, bytes) of an ``\x01Ole10Native`` stream: a Packager file (``native_file``) or another class's
    native data (``native_data``). An object with no CompObj is taken for a Package, unless its header does not parse
    and does not start with the Packager's flags (2): then it is another program's data (wild20: Apache Tika's
    coffee.xls, a SymyxDraw drawing with no CompObj, was listed corrupt, "data of 1684370529 bytes past the stream's
    end"). A damaged Package header (flags 2) stays damage."""
    if not packaged(comp):
        return native_data(stream)
    try:
        return native_file(stream)
    except (ReadError, ValueError):
        if comp is None and stream[4:6] != b"\x02\x00":
            return native_data(stream)
        raise


def native_file(stream: bytes) -> tuple[str, bytes]:
    """The file inside an OLE 1.0 Package object (MS-OLEDS OLENativeStream as the Packager writes it): size,
    flags, label, source path, flags, unknown, temporary path (length-prefixed), data size, data. Names
    are ANSI: cp932 on Japanese Windows. The label (the file's name) names the child."""
    def cstring(at: int) -> tuple[bytes, int]:
        end = stream.index(b"\x00", at, at + 1024)  # ValueError on a damaged header
        return stream[at:end], end + 1

    label, at = cstring(6)
    _source, at = cstring(at)
    at += 4
    if at + 4 > len(stream):  # the header ends before its temporary path's length (struct.error text before, wild13)
        raise ReadError(Status.CORRUPT, say(Detail.OLE10NATIVE_HEADER_CUT, n=len(stream)))
    (temp_len,) = struct.unpack_from("<I", stream, at)
    at += 4 + temp_len
    if at + 4 > len(stream):  # the temporary path's length points past the stream (POI's 60460.xls: 600 MB on;
        # Python's struct.error text was the detail, wild12)
        raise ReadError(Status.CORRUPT, say(Detail.OLE10NATIVE_PAST_END, size=temp_len))
    (size,) = struct.unpack_from("<I", stream, at)
    at += 4
    if temp_len > len(stream) or at + size > len(stream):
        raise ReadError(Status.CORRUPT, say(Detail.OLE10NATIVE_PAST_END, size=size))
    try:
        name = label.decode("cp932")
    except UnicodeDecodeError:
        name = label.decode("latin-1")
    return name.replace("/", "_") or "Ole10Native", stream[at:at + size]
