"""Outlook's files: a saved message (.msg, .oft) with olefile, a store (.pst, .ost) with libpff (pypff).

A .msg is a compound file ([MS-OXMSG]): the message's properties are streams named ``__substg1.0_<id><type>``
(strings, binaries) and a ``__properties_version1.0`` stream (fixed-size values: times, the attach method);
each attachment is a storage ``__attach_version1.0_#<n>`` holding its file (``__substg1.0_37010102``) and
names, or, for an attached Outlook item, a message storage of its own (``__substg1.0_3701000D``), read
here the same way. A .pst/.ost ([MS-PST]) is read by libpff: folders, their messages and attachments, and the
orphan items it finds (messages no folder lists any more: deleted, still in the file).
"""

from __future__ import annotations

import io
import re
import struct
import time
from collections.abc import Callable, Iterator
from datetime import UTC
from typing import IO, TYPE_CHECKING, Any, Protocol

from ..backends import load
from ..codes import Status
from ..details import Detail, say
from ..errors import ReadError
from ..isolation import decoding
from ..models import Entry
from ..sources.local import decode_name
from ..timeutil import iso_utc
from .legacy_embedded import CompoundProbe, directory_loops, unreached_entries
from .mail_body import body_text, rtf_source, rtf_table, table_body, uu_files
from .mail_parts import Attachment, Mail, is_tnef
from .mail_pstitem import HeapItem, NotAPropertyContext, unreached
from .mail_pstitem import properties as item_properties

if TYPE_CHECKING:
    from olefile import OleFileIO


class PffObject(Protocol):
    """A libpff (pypff) item, folder, message or attachment: a C object without type information, whose
    accessors (``get_subject``, ``get_number_of_attachments``, ``read_buffer`` ...) raise OSError on damage."""

    def __getattr__(self, name: str) -> Any: ...


class RecordSets(Protocol):
    """What ``contact_row`` reads: libpff's item, or a .msg's, a heap's or a TNEF stream's properties so shaped."""

    def get_number_of_record_sets(self) -> int: ...

    def get_record_set(self, index: int, /) -> Any: ...


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PST_MAGIC = b"!BDN"
PST_CLIENTS = {b"SM": "pst", b"SO": "ost", b"SA": "pab"}  # wMagicClient at offset 8
MSG_MARK = "__substg1.0_".encode("utf-16-le")  # in a .msg's directory sectors
PT_LONG, PT_SYSTIME, PT_STRING8, PT_UNICODE = 0x0003, 0x0040, 0x001E, 0x001F
PR_SUBJECT, PR_CLIENT_SUBMIT_TIME, PR_DELIVERY_TIME, PR_MESSAGE_CLASS = 0x0037, 0x0039, 0x0E06, 0x001A
PR_ATTACH_DATA, PR_ATTACH_FILENAME, PR_ATTACH_LONG_FILENAME, PR_DISPLAY_NAME = 0x3701, 0x3704, 0x3707, 0x3001
PR_ATTACH_METHOD, PR_ATTACH_MIME_TAG = 0x3705, 0x370E
BY_VALUE, EMBEDDED_MESSAGE, OLE_OBJECT = 1, 5, 6
BY_REFERENCE = (2, 3, 4, 7)  # a link to a file elsewhere: the message holds no bytes of it
MAX_NESTING = 16  # attached items inside attached items (the archive depth stops earlier; this bounds a crafted loop)
MAX_FOLDERS = 100_000
PR_BODY, PR_RTF_COMPRESSED, PR_HTML, PR_INTERNET_CPID = 0x1000, 0x1009, 0x1013, 0x3FDE
BODY_STREAMS = {f"__substg1.0_{prop:04X}{ptype:04X}" for prop, ptype in (
    (PR_BODY, PT_UNICODE), (PR_BODY, PT_STRING8), (PR_HTML, 0x0102), (PR_HTML, PT_UNICODE), (PR_HTML, PT_STRING8),
    (PR_RTF_COMPRESSED, 0x0102))}
MIN_TABLE_BODY = 48  # bytes of a body below which it cannot hold a header and two records
_ATTACH = "__attach_version1.0_#"
_EMBEDDED = f"__substg1.0_{PR_ATTACH_DATA:04X}000D"
_EPOCH_DIFF = 11_644_473_600


def sniff_pst(head: bytes) -> str | None:
    """pst, ost or pab by the header (``!BDN`` then the client magic), else None."""
    if not head.startswith(PST_MAGIC):
        return None
    return PST_CLIENTS.get(head[8:10], "pst")


def pst_declared_size(head: bytes) -> int | None:
    """The file size a .pst/.ost header declares (ROOT.ibFileEof: 64-bit at 0xB8 in a Unicode store, wVer 23
    and later; 32-bit at 0xA8 in an ANSI one), or None when the header is too short."""
    if len(head) < 0xC0:
        return None
    version = struct.unpack_from("<H", head, 10)[0]
    if version >= 23:
        return int(struct.unpack_from("<Q", head, 0xB8)[0])
    return int(struct.unpack_from("<I", head, 0xA8)[0])


# ---------------------------------------------------------------- .msg

_PROBE_ERRORS = (ValueError, struct.error, IndexError, OverflowError)
_MOST_ENTRIES = 8000  # directory entries the probe reads (1 MiB of directory): past it, it cannot tell


SMALL_MSG = 1 << 16  # a local .msg up to this size is read whole for its directory (one open, as legacy's)


def msg_may_hold_attachments(entry: Entry, limit: int, named: bool = True, size: int | None = None) -> bool:
    """The walk's cheap check of a .msg: False only when a few sectors of its compound-file directory show an
    Outlook message (``__substg1.0_`` streams) with no attachment storage, so a message without attachments
    costs no worker; a file whose directory cannot be followed goes to the worker, which lists why.
    ``named`` False (a compound file under another name, a .dat): True only when the directory shows a
    message stream with an attachment storage or a body long enough for a table; whatever else it is, other
    inspectors read it. ``size`` (the walk's): a small local file is read whole in one open, no file object."""
    try:
        ranged = getattr(entry, "read_range", None)  # a remote file (sources.smb): a few ranges only
        if ranged is not None:
            return _directory_says(ranged, named)
        small = getattr(entry, "read_small", None)
        got = small(size + 1) if small is not None and size is not None and size <= SMALL_MSG else None
        if got is not None and size is not None and len(got[0]) <= size:  # the whole file as the walk saw it (one
            whole = got[0]  # that grew since: read below)
            return len(whole) > limit or _directory_says(lambda offset, length: whole[offset:offset + length], named)
        with entry.open() as f:
            if f.seekable():
                def read_at(offset: int, length: int) -> bytes:
                    f.seek(offset)
                    return f.read(length)

                return _directory_says(read_at, named)
            data = f.read(limit + 1)
            return len(data) > limit or _directory_says(lambda offset, length: data[offset:offset + length], named)
    except (ReadError, OSError):
        return named  # the worker reads it again and lists why it could not


def renamed_msg_read(data: bytes, limit: int) -> bool:
    """Whether the mail inspector takes this compound file under a name not .msg (``MailInspector._renamed_msg``'s
    predicate on bytes already read): a caller that defers to it defers only then (Session 9)."""
    return len(data) >= 512 and (len(data) > limit or _directory_says(
        lambda offset, length: data[offset:offset + length], False))


def msg_directory_damage(data: bytes) -> str | None:
    """Why a .msg under another name (a table's) is read by nobody: its compound file's directory cannot be
    followed to its end (a chain that breaks or loops); None when it can."""
    try:
        probe = CompoundProbe(lambda offset, length: data[offset:offset + length])
        for _entry in probe.entries():
            pass
    except _PROBE_ERRORS as e:
        return say(Detail.MSG_OTHER_NAME_BREAKS, error=type(e).__name__)
    return say(Detail.MSG_OTHER_NAME_LOOPS) if probe.looped else None


# the names Outlook (and every other writer seen: Aspose, msg-extractor, libgsf) gives a .msg's storages and streams
OUTLOOK_NAME = re.compile(r"__substg1\.0_[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{8})?|__properties_version1\.0|__nameid_version1\.0"
                          r"|__(attach|recip)_version1\.0_#[0-9A-Fa-f]{8}")


# what Office writes into any compound file it saves, a message too (wild14: MSGReader's
# sender_not_found_from_exchange.msg): document properties and the custom XML data store (a storage of
# 32-character names holding Item and Properties streams); and Outlook 2002/2003's own side properties
# (review14i: Apache POI hsmf/51873.msg, Olk10SideProps_0001); no damaged Outlook name
OFFICE_STREAMS = re.compile(r"\x05SummaryInformation|\x05DocumentSummaryInformation|MsoDataStore|Olk10SideProps_\d{4}")


def _directory_says(read_at: Callable[[int, int], bytes], named: bool) -> bool:
    message, count, odd = False, 0, False
    try:
        probe = CompoundProbe(read_at)
        for name, kind, _start, size in probe.entries():
            count += 1
            # a stream of no Outlook name, long enough for a table (a damaged name: its data is unreachable by name)
            odd = odd or (kind == 2 and size >= MIN_TABLE_BODY and OUTLOOK_NAME.fullmatch(name) is None)
            if name.startswith(_ATTACH) or (name in BODY_STREAMS and size >= MIN_TABLE_BODY) or name in CONTACT_STREAMS:
                return True  # an attachment, a body long enough to hold a pasted table, a contact's address or
                # phone (read in the worker), under its own name or another (a .msg saved as .dat or without one)
            if named and _damaged_name(name):
                return True  # a stream whose name lost its form (a body, an attachment?): the worker says so
            message = message or name.startswith("__substg1.0_")
    except _PROBE_ERRORS:
        # damaged past a message stream already listed: an Outlook message under any name, read in the worker,
        # which lists the damage (a .msg saved as 名簿.xls whose directory chain breaks was a silent clean)
        return named or message
    if named and probe.looped:
        return True  # the directory chain loops (a damaged FAT): entries after the loop unseen; the worker says so
    if message and odd:
        return True  # read in the worker, which lists the stream names no .msg holds
    if not named:
        return message and count >= _MOST_ENTRIES
    return not message or count >= _MOST_ENTRIES



_HARMLESS = re.compile(r"OLE header|storage with size>0")  # olefile's notes that lose no stream (header fields)


def read_msg(data: bytes) -> Mail:
    """A .msg's message: its attachments, the Outlook items attached to it (recursively), damage found."""
    import olefile  # a dependency of msoffcrypto-tool

    decoding("olefile")
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - converted at the boundary
        raise ReadError(Status.CORRUPT, say(Detail.MSG_NOT_COMPOUND, error=type(e).__name__, library=str(e)[:120])) from e
    with ole:
        paths = ["/".join(p) for p in ole.listdir(streams=True, storages=True)]
        if not any(p.startswith("__substg1.0_") or p.startswith(_ATTACH) for p in paths):
            raise ReadError(Status.CORRUPT, say(Detail.MSG_NO_STREAMS))
        mail = _message(ole, paths, "", 32, 0)
        odd = sum(1 for path in ole.listdir(streams=True, storages=True) if OUTLOOK_NAME.fullmatch(path[-1]) is None
                  and not any(part.startswith(_EMBEDDED) for part in path[:-1])  # an attached object's own names
                  and OFFICE_STREAMS.fullmatch(path[0]) is None)
        issues = sorted({str(why) for _kind, why in getattr(ole, "parsing_issues", []) if not _HARMLESS.search(str(why))})
    lost = unreached_entries(data, len(paths))  # what is below a damaged directory link is simply absent
    if lost:
        mail.problems.append((Status.CORRUPT, say(Detail.MSG_ENTRIES_UNREACHED, n=lost)))
    elif issues:  # olefile reads on past a broken FAT or directory link: what lay beyond it is simply absent
        mail.problems.append((Status.CORRUPT, say(Detail.MSG_COMPOUND_DAMAGED, why="; ".join(issues)[:160])))
    if directory_loops(data):  # review9f: olefile read the first directory sectors again and again, no error
        mail.problems.append((Status.CORRUPT, say(Detail.MSG_CHAIN_LOOPS)))
    if odd:  # a damaged name: the stream's content (a body, an attachment's data) is not read by its property
        mail.problems.append((Status.CORRUPT, say(Detail.MSG_NAMES_DAMAGED, n=odd)))
    return mail


def _damaged_name(name: str) -> bool:
    return name.startswith("__") and OUTLOOK_NAME.fullmatch(name) is None  # ([MS-OXMSG] 2.1-2.2)


def _message(ole: OleFileIO, paths: list[str], prefix: str, header: int, nesting: int) -> Mail:
    props = _fixed_properties(ole, prefix + "__properties_version1.0", header)
    when = props.get((PR_CLIENT_SUBMIT_TIME, PT_SYSTIME)) or props.get((PR_DELIVERY_TIME, PT_SYSTIME))
    mail = Mail(date=_filetime(when) if when else None, subject=_msg_string(ole, prefix, PR_SUBJECT) or "")
    klass = _msg_string(ole, prefix, PR_MESSAGE_CLASS) or ""
    _encrypted(klass, mail)
    if klass.casefold().startswith("ipm.contact"):  # a contact saved as .msg (dragged out of Outlook): a person
        named = _msg_address_names(ole)  # the .msg's own name-to-id map (one, at its top level)
        mail.contact = contact_row(_MsgProperties(ole, prefix, (*_CONTACT_TAGS, *named)), named)
    try:
        _msg_body(ole, prefix, props.get((PR_INTERNET_CPID, PT_LONG)), mail)
    except Exception as e:  # noqa: BLE001 - a damaged body stream; the attachments go on
        mail.problems.append((Status.CORRUPT, say(Detail.MSG_BODY_UNREADABLE, error=type(e).__name__)))
    storages = sorted({p[len(prefix):].split("/", 1)[0] for p in paths
                       if p.startswith(prefix + _ATTACH) and "/" in p[len(prefix):]})
    for storage in storages:
        base = f"{prefix}{storage}/"
        try:
            found = _msg_attachment(ole, paths, base, nesting, mail)
        except Exception as e:  # noqa: BLE001 - one damaged attachment; the message's others go on
            found = Attachment(storage, None, (Status.CORRUPT, say(Detail.MSG_ATTACHMENT_UNREADABLE, error=type(e).__name__)))
        if found is not None:
            mail.attachments.append(found)
    return mail


def _msg_attachment(ole: OleFileIO, paths: list[str], base: str, nesting: int, mail: Mail) -> Attachment | None:
    props = _fixed_properties(ole, base + "__properties_version1.0", 8)
    method = props.get((PR_ATTACH_METHOD, PT_LONG))
    name = (_msg_string(ole, base, PR_ATTACH_LONG_FILENAME) or _msg_string(ole, base, PR_ATTACH_FILENAME)
            or _msg_string(ole, base, PR_DISPLAY_NAME) or base.rstrip("/").rsplit("/", 1)[-1])
    if any(p.startswith(base + _EMBEDDED + "/") for p in paths):
        if method == OLE_OBJECT:
            return Attachment(name, None, (Status.UNSUPPORTED, say(Detail.OLE_ATTACHMENT)))
        if nesting >= MAX_NESTING:
            return Attachment(name, None, (Status.TOO_DEEP, say(Detail.OUTLOOK_ITEMS_TOO_DEEP, n=MAX_NESTING)))
        mail.attached.append(_message(ole, paths, base + _EMBEDDED + "/", 24, nesting + 1))
        return None
    stream = f"{base}__substg1.0_{PR_ATTACH_DATA:04X}0102"
    if not ole.exists(stream):
        if method in BY_REFERENCE:
            return None  # a link to a file elsewhere (a share, the cloud): no bytes here, the file is scanned there
        return Attachment(name, None, (Status.CORRUPT, say(Detail.MSG_ATTACHMENT_NO_DATA)))
    size = ole.get_size(stream)
    data = ole.openstream(stream).read()
    problem = None
    if len(data) != size:
        problem = (Status.CORRUPT, say(Detail.MSG_ATTACHMENT_SHORT, n=len(data), size=size))
    mime = _msg_string(ole, base, PR_ATTACH_MIME_TAG) or ""
    return Attachment(name, data, problem, tnef=is_tnef(name, mime))


def _msg_body(ole: OleFileIO, prefix: str, code_page: int | None, mail: Mail) -> None:
    """A .msg's body as a table when it looks like one (scanner.inspectors.mail_body): the HTML body when it
    holds a table, else the plain text (uuencoded files taken out of it); a body kept only as compressed RTF
    (no plain text or HTML beside it: rare, Outlook writes the plain text too), else."""
    charset = f"cp{code_page}" if code_page else None
    html, html_charset = _stream(ole, prefix, PR_HTML, 0x0102), charset
    if html is None and (wide := _stream(ole, prefix, PR_HTML, PT_UNICODE)) is not None:
        html, html_charset = wide.decode("utf-16-le", "replace").rstrip("\x00").encode("utf-8"), "utf-8"
    tables: list[Attachment] = []
    if html is not None:
        text, problem = body_text(html.rstrip(b"\x00"), html_charset)
        found = table_body(text, True, problem)
        if found is not None:
            tables.append(found)
    plain, problem = _stream(ole, prefix, PR_BODY, PT_UNICODE), None
    raw = _stream(ole, prefix, PR_BODY, PT_STRING8) if plain is None else None
    if html is None and (rtf := _stream(ole, prefix, PR_RTF_COMPRESSED, 0x0102)):
        # no HTML property: an HTML message is kept as RTF encapsulating it (\fromhtml1), its table read as HTML;
        # plain RTF is read for its text only when there is no plain-text body (the same text)
        found, why = rtf_table(rtf, html_only=plain is not None or raw is not None)
        tables.extend([found] if found is not None else [])
        mail.problems.extend([why] if why is not None else [])
    if plain is not None:
        text = plain.decode("utf-16-le", "replace").rstrip("\x00")
    elif raw is not None:
        text, problem = body_text(raw.rstrip(b"\x00"), charset)
    else:
        text = ""
    if text:
        text, files, found_problems = uu_files(text)
        mail.attachments.extend(files)
        mail.problems.extend(found_problems)
        if not tables and (found := table_body(text, False, problem)) is not None:
            tables.append(found)
    mail.attachments.extend(tables[:1])


class _MsgProperties:
    """A .msg's string properties shaped as libpff's record set (``contact_row`` reads either)."""

    def __init__(self, ole: OleFileIO, prefix: str, tags: tuple[int, ...]) -> None:
        self.ole, self.prefix, self.tags = ole, prefix, tags

    def get_number_of_record_sets(self) -> int:
        return 1

    def get_record_set(self, _index: int) -> _MsgProperties:
        return self

    def get_number_of_entries(self) -> int:
        return len(self.tags)

    def get_entry(self, k: int) -> _MsgEntry:
        return _MsgEntry(self.tags[k], _msg_string(self.ole, self.prefix, self.tags[k]) or "")


class _MsgEntry:
    def __init__(self, tag: int, text: str) -> None:
        self.tag, self.text = tag, text

    def get_entry_type(self) -> int:
        return self.tag

    def get_value_type(self) -> int:
        return PT_UNICODE

    def get_data(self) -> bytes:
        return self.text.encode("utf-16-le")


def _stream(ole: OleFileIO, prefix: str, prop: int, ptype: int) -> bytes | None:
    """The bytes of one property stream, None when the message has none."""
    stream = f"{prefix}__substg1.0_{prop:04X}{ptype:04X}"
    return ole.openstream(stream).read() if ole.exists(stream) else None


def _encrypted(message_class: str, mail: Mail) -> None:
    """An S/MIME encrypted message (class IPM.Note.SMIME, not the signed-only IPM.Note.SMIME.MultipartSigned)
    carries its attachments inside an encrypted smime.p7m: said, never taken for a message without any."""
    low = message_class.casefold()
    if low.startswith("ipm.note.smime") and "multipartsigned" not in low:
        mail.problems.append((Status.ENCRYPTED, say(Detail.SMIME_ENCRYPTED)))


def _msg_string(ole: OleFileIO, prefix: str, prop: int) -> str | None:
    for ptype in (PT_UNICODE, PT_STRING8):
        stream = f"{prefix}__substg1.0_{prop:04X}{ptype:04X}"
        if ole.exists(stream):
            raw = ole.openstream(stream).read(1 << 16)
            if ptype == PT_UNICODE:
                return raw.decode("utf-16-le", "replace").rstrip("\x00")
            return decode_name(raw.rstrip(b"\x00"))[0]  # 8-bit: the message's code page, cp932 in Japan
    return None


def _fixed_properties(ole: OleFileIO, stream: str, header: int) -> dict[tuple[int, int], int]:
    """(property id, type) -> value of the fixed-size properties (8-byte values) of a properties stream."""
    if not ole.exists(stream):
        return {}
    raw = ole.openstream(stream).read(1 << 20)
    out: dict[tuple[int, int], int] = {}
    for at in range(header, len(raw) - 15, 16):
        tag, _flags, value = struct.unpack_from("<IIQ", raw, at)
        out[(tag >> 16, tag & 0xFFFF)] = value
    return out


def _filetime(value: int) -> str | None:
    seconds = value / 10_000_000 - _EPOCH_DIFF
    return iso_utc(seconds) if 0 < seconds < 32_503_680_000 else None


# ---------------------------------------------------------------- .pst / .ost


class Store:
    """An open .pst/.ost: its messages, folder by folder, as (label, identifier, mail, deleted)."""

    def __init__(self, data: bytes | IO[bytes], most: int = 1 << 62) -> None:
        """``data``: the store's bytes, or a seekable file object (a store too large to hold: read in place);
        ``most``: the largest attachment read into memory (--max-inspect-mb), a larger one is too-large."""
        self.most = most
        self._pff = load("pypff")
        stream = io.BytesIO(data) if isinstance(data, bytes) else data
        stream.seek(0)
        self.head = stream.read(512)
        stream.seek(0)
        decoding("libpff (pypff)")
        self._file = self._pff.file()
        try:
            self._file.open_file_object(stream)
            self.root = self._file.get_root_folder()
        except Exception as e:  # noqa: BLE001 - converted at the boundary
            raise ReadError(Status.CORRUPT, say(Detail.PFF_NOT_OPENED, library=_short(e))) from e
        if self.root is None:
            raise ReadError(Status.CORRUPT, say(Detail.PFF_NO_ROOT))
        self.problems: list[tuple[Status, str]] = []
        self.messages_read = 0
        self._named = _address_names(self._file)  # this store's property id -> PSETID_Address LID
        self.contacts: dict[str, list[list[str]]] = {}  # folder -> its contact items' rows (an address book)

    def close(self) -> None:
        try:
            self._file.close()
        except Exception:  # noqa: BLE001 - closing an in-memory store cannot lose evidence
            pass

    def messages(self, budget: float) -> Iterator[tuple[str, int, Mail, bool]]:
        """Every message with its folder path (``Top of Personal Folders/受信トレイ``), then the orphan items;
        stops, saying so in ``problems``, after ``budget`` seconds of CPU spent here."""
        spent = 0.0
        stack: list[tuple[PffObject, str]] = [(self.root, "")]
        folders = 0
        while stack:
            folder, path = stack.pop()
            folders += 1
            if folders > MAX_FOLDERS:
                self.problems.append((Status.TOO_LARGE, say(Detail.PST_FOLDERS_OVER, n=MAX_FOLDERS)))
                return
            started = time.process_time()
            try:
                count = folder.get_number_of_sub_messages()
            except Exception as e:  # noqa: BLE001 - a damaged folder: said, the others go on
                self.problems.append((Status.CORRUPT, say(Detail.PST_MESSAGES_NOT_LISTED, folder=path or "(root)",
                                                                      library=_short(e))))
                count = 0
            for i in range(count):
                try:
                    item = folder.get_sub_message(i)
                    found = self._mail(item)
                except Exception as e:  # noqa: BLE001 - a damaged message: said, the folder's others go on
                    self.problems.append((Status.CORRUPT, say(Detail.PST_MESSAGE_UNREADABLE, folder=path or "(root)",
                                                                          n=i + 1, count=count, library=_short(e))))
                    found = None  # still on the clock: a damaged count of 2**31 unreadable messages ends too
                spent += time.process_time() - started
                if spent > budget:
                    self.problems.append((Status.TIMEOUT, say(Detail.PST_STOPPED, n=self.messages_read, seconds=f"{budget:g}")))
                    return
                if found is not None:
                    self.messages_read += 1
                    if found.contact is not None:  # one table per folder, not a child per contact
                        self.contacts.setdefault(path, []).append(found.contact)
                        found.contact = None
                    yield path, int(item.get_identifier()), found, False
                started = time.process_time()
            subs = []
            try:
                count = folder.get_number_of_sub_folders()
            except Exception as e:  # noqa: BLE001
                self.problems.append((Status.CORRUPT, say(Detail.PST_SUBFOLDERS_NOT_LISTED, folder=path or "(root)",
                                                                      library=_short(e))))
                count = 0
            for i in range(count):
                try:
                    subs.append(folder.get_sub_folder(i))
                except Exception as e:  # noqa: BLE001 - one damaged sub-folder; its siblings go on
                    self.problems.append((Status.CORRUPT, say(Detail.PST_SUBFOLDER_UNREADABLE, folder=path or "(root)",
                                                                          n=i + 1, count=count, library=_short(e))))
            for sub in reversed(subs):
                name = _folder_name(sub)
                stack.append((sub, f"{path}/{name}" if path else name))
        yield from self._orphans(budget - spent)

    def _orphans(self, budget: float) -> Iterator[tuple[str, int, Mail, bool]]:
        try:
            count = self._file.get_number_of_orphan_items()
        except Exception:  # noqa: BLE001 - no orphan index: nothing recovered, nothing lost
            return
        spent, started = 0.0, time.process_time()
        for i in range(count):
            try:
                item = self._file.get_orphan_item(i)
                found = self._mail(item)
            except Exception:  # noqa: BLE001 - a deleted item's remains: best effort, as any deleted file
                found = None
            spent += time.process_time() - started
            started = time.process_time()
            if spent > budget:  # the folders' messages and these share one --parse-timeout
                self.problems.append((Status.TIMEOUT, say(Detail.PST_ORPHANS_STOPPED, n=i + 1, count=count)))
                return
            if found is not None and found.contact is not None:
                self.contacts.setdefault(ORPHANS, []).append(found.contact)
                found.contact = None
            if found is not None and (found.attachments or found.problems):
                yield ORPHANS, int(item.get_identifier()), found, True

    def _mail(self, item: PffObject) -> Mail | None:
        if not isinstance(item, self._pff.message):
            return None  # a folder-associated or other item: no attachments
        when = item.get_client_submit_time() or item.get_delivery_time() or item.get_creation_time()
        mail = Mail(date=iso_utc(when.replace(tzinfo=UTC).timestamp()) if when else None,  # libpff: naive UTC
                    subject=item.get_subject() or "")
        klass = (_record(item, PR_MESSAGE_CLASS) or "")
        _encrypted(str(klass), mail)
        if str(klass).casefold().startswith("ipm.contact"):
            mail.contact = contact_row(item, self._named)
        try:
            _pst_body(item, mail)
        except Exception as e:  # noqa: BLE001 - a damaged body; the attachments go on
            mail.problems.append((Status.CORRUPT, say(Detail.PST_BODY_UNREADABLE, library=_short(e))))
        for k in range(item.get_number_of_attachments()):
            try:
                att = item.get_attachment(k)
                if _record(att, PR_ATTACH_METHOD) == EMBEDDED_MESSAGE and not _calendar(str(klass)):
                    mail.attached.append(_pst_item(att, self.most))  # a message forwarded as an attachment
                    continue
                mail.attachments.append(_pst_attachment(att, k + 1, str(klass), self.most))
            except _Skip:
                continue
            except Exception as e:  # noqa: BLE001 - one damaged attachment; the message's others go on
                mail.attachments.append(Attachment(f"attachment-{k + 1}", None,
                                                   (Status.CORRUPT, say(Detail.PST_ATTACHMENT_UNREADABLE, library=_short(e)))))
        return mail


ORPHANS = "(orphan items)"  # the folder name given to items libpff finds that no folder lists (deleted)
PR_SURNAME, PR_GIVEN_NAME, PR_POSTAL_ADDRESS = 0x3A11, 0x3A06, 0x3A15
PR_HOME_PHONE, PR_BUSINESS_PHONE, PR_PRIMARY_PHONE, PR_MOBILE_PHONE = 0x3A09, 0x3A08, 0x3A1A, 0x3A1C
# (postal code, prefecture/state, city, street) of a contact's home, other and business addresses
_ADDRESSES = ((0x3A5B, 0x3A5C, 0x3A59, 0x3A5D), (0x3A61, 0x3A62, 0x3A5F, 0x3A63), (0x3A2A, 0x3A28, 0x3A27, 0x3A29))


_CONTACT_TAGS = (PR_DISPLAY_NAME, PR_SURNAME, PR_GIVEN_NAME, PR_POSTAL_ADDRESS, PR_HOME_PHONE, PR_BUSINESS_PHONE,
                 PR_PRIMARY_PHONE, PR_MOBILE_PHONE, *(tag for address in _ADDRESSES for tag in address))


# a contact's surname, address and phone streams: the walk's sign that a .msg is a contact (a person)
CONTACT_STREAMS = frozenset(f"__substg1.0_{tag:04X}{ptype:04X}" for tag in (
    PR_SURNAME, PR_POSTAL_ADDRESS, PR_HOME_PHONE, PR_MOBILE_PHONE, PR_BUSINESS_PHONE, 0x3A5D, 0x3A29)
    for ptype in (PT_UNICODE, PT_STRING8))


def contact_row(item: PffObject | RecordSets, named: dict[int, int] | None = None) -> list[str]:
    """An Outlook contact (IPM.Contact) as one row of CONTACT_HEADER: name (surname then given name, as a
    Japanese address book writes it; else the display name), postal code and address (home, else other, else
    the mailing address; Japanese order: prefecture, city, street; else the whole address text Outlook keeps as
    a named property: home, work, other), phones. ``named``: the store's property ids of PSETID_Address's
    address properties (its name-to-id map). Its e-mail addresses are not needed to count the person."""
    named = named or {}
    found_values = _records(item, set(_CONTACT_TAGS) | set(named))
    # a named address by its LID (the property id differs per store and may equal another LID): standard tags
    # are below 0x8000, LIDs at or above it, so the two sets never meet
    values = {tag: v for tag, v in found_values.items() if tag not in named}
    values.update({lid: found_values[pid] for pid, lid in named.items() if pid in found_values})
    name = " ".join(v for v in (values.get(PR_SURNAME), values.get(PR_GIVEN_NAME)) if v) or values.get(PR_DISPLAY_NAME, "")
    # the first of home, other, mailing with a street and a city or prefecture; a part-filled one (a prefecture
    # alone) only when no address is whole, neither structured nor as text (the mailing text, named properties)
    found = [parts for tags in (*_ADDRESSES, _NAMED_WORK) if any((parts := [values.get(t, "") for t in tags])[1:])]
    whole = next((p for p in found if p[3] and (p[1] or p[2])), None)
    text = next((t for tag in (PR_POSTAL_ADDRESS, *_NAMED_ADDRESSES) if (t := " ".join(values.get(tag, "").split()))),
                "")
    if whole is not None:
        postcode, address = whole[0], "".join(whole[1:])
    elif text:
        postcode, address = next((p[0] for p in found if p[0]), ""), text
    else:
        postcode, address = (found[0][0], "".join(found[0][1:])) if found else ("", "")
    phone = values.get(PR_HOME_PHONE) or values.get(PR_PRIMARY_PHONE) or ""
    return [name, postcode, address, phone, values.get(PR_MOBILE_PHONE, ""), values.get(PR_BUSINESS_PHONE, "")]


PSETID_ADDRESS = bytes.fromhex("0420060000000000c000000000000046")  # {00062004-0000-0000-C000-000000000046}, LE
_NAMED_ADDRESSES = (0x801A, 0x801B, 0x801C)  # PidLidHomeAddress, PidLidWorkAddress, PidLidOtherAddress (LIDs)
# the Business address Outlook keeps only as named properties (postal code, state, city, street:
# PidLidWorkAddressPostalCode, ...StateOrProvince, ...City, ...Street)
_NAMED_WORK = (0x8048, 0x8047, 0x8046, 0x8045)
_NAMED_LIDS = frozenset((*_NAMED_ADDRESSES, *_NAMED_WORK))
_MOST_NAMED = 1 << 16  # name-to-id entries read (a property id is 0x8000 + a 15-bit index)


def _address_names(pff_file: PffObject) -> dict[int, int]:
    """Property id -> LID of the store's named address properties ([MS-PST] 2.4.7: the name-to-id map's entry
    stream (0x0003) of 8-byte NAMEID records and its GUID stream (0x0002)); empty when unreadable (the
    standard address properties are still read)."""
    try:
        streams: dict[int, bytes] = {}
        record = pff_file.get_name_to_id_map().get_record_set(0)
        for k in range(record.get_number_of_entries()):
            entry = record.get_entry(k)
            if entry.get_entry_type() in (0x0002, 0x0003):
                streams[entry.get_entry_type()] = bytes(entry.get_data() or b"")
        return _address_lids(streams.get(0x0002, b""), streams.get(0x0003, b""))
    except Exception:  # noqa: BLE001 - a damaged map: the standard properties are read all the same
        return {}


def _msg_address_names(ole: OleFileIO) -> dict[int, int]:
    """The same for a .msg: its __nameid_version1.0 storage holds the same GUID and entry streams ([MS-OXMSG]
    2.2.3)."""
    try:
        return _address_lids(*(_stream(ole, "__nameid_version1.0/", tag, 0x0102) or b"" for tag in (0x0002, 0x0003)))
    except Exception:  # noqa: BLE001 - a damaged map: the standard properties are read all the same
        return {}


def _address_lids(guids: bytes, names: bytes) -> dict[int, int]:
    """Property id -> LID of the PSETID_Address address properties among NAMEID records (8 bytes each: LID or
    string offset, GUID index << 1 | is-a-string, property index)."""
    out: dict[int, int] = {}
    for at in range(0, min(len(names), 8 * _MOST_NAMED) - 7, 8):
        lid, guid, index = struct.unpack_from("<IHH", names, at)
        slot = (guid >> 1) - 3  # 1: PS_MAPI, 2: PS_PUBLIC_STRINGS, 3 on: the GUID stream
        if not guid & 1 and lid in _NAMED_LIDS and 0 <= slot and guids[16 * slot:16 * slot + 16] == PSETID_ADDRESS:
            out[0x8000 + index] = lid
    return out


def _records(item: PffObject | RecordSets, wanted: set[int]) -> dict[int, str]:
    """The string properties ``wanted`` of a libpff item's first record set, in one pass; a damaged set gives
    what was read before the damage."""
    out: dict[int, str] = {}
    try:
        if not item.get_number_of_record_sets():
            return out
        record = item.get_record_set(0)
        for k in range(record.get_number_of_entries()):
            entry = record.get_entry(k)
            tag = entry.get_entry_type()
            if tag not in wanted:
                continue
            vtype, data = entry.get_value_type(), entry.get_data() or b""
            if vtype == PT_UNICODE:
                out[tag] = data.decode("utf-16-le", "replace").rstrip("\x00").strip()
            elif vtype == PT_STRING8:
                out[tag] = decode_name(data.rstrip(b"\x00"))[0].strip()
    except Exception:  # noqa: BLE001 - a damaged record set: the fields read so far
        return out
    return out


def _pst_body(item: PffObject | HeapItem, mail: Mail) -> None:
    """A store message's body as a table when it looks like one: libpff gives the plain text in UTF-8 and the
    HTML as stored (in the message's code page); the HTML one when it holds a table, else the plain text."""
    code_page = _record(item, PR_INTERNET_CPID)
    charset = f"cp{code_page}" if isinstance(code_page, int) and code_page else None
    tables: list[Attachment] = []
    html = item.get_html_body()
    if html:
        text, problem = body_text(bytes(html).rstrip(b"\x00"), charset)
        if (found := table_body(text, True, problem)) is not None:
            tables.append(found)
    plain = item.get_plain_text_body()
    if not html and (rtf := _rtf_body(item, bool(plain))):  # libpff gives it decompressed; \fromhtml1: read as HTML
        found, why = rtf_table(bytes(rtf).rstrip(b"\x00"), compressed=False, html_only=bool(plain))
        tables.extend([found] if found is not None else [])
        mail.problems.extend([why] if why is not None else [])
    if plain:
        text, problem = body_text(bytes(plain).rstrip(b"\x00"), "utf-8")
        text, files, problems = uu_files(text)
        mail.attachments.extend(files)
        mail.problems.extend(problems)
        if not tables and (found := table_body(text, False, problem)) is not None:
            tables.append(found)
    mail.attachments.extend(tables[:1])


def _rtf_body(item: PffObject | HeapItem, has_plain: bool) -> bytes | None:
    """A store message's RTF body; one libpff cannot give is damage only when it is the message's only body
    (beside a plain text, which was read, it is the same text: a password-protected store's RTF fails so)."""
    try:
        rtf = item.get_rtf_body()
    except Exception:
        if has_plain:
            return None
        raise
    return bytes(rtf) if rtf else None


def _folder_name(folder: PffObject) -> str:
    """A folder's name as a path part; a damaged one by its identifier."""
    try:
        name = (folder.get_name() or "").replace("/", "_")
    except Exception:  # noqa: BLE001 - the name's table is damaged: the folder is still read
        name = ""
    if name:
        return name
    try:
        return f"(folder {folder.get_identifier()})"
    except Exception:  # noqa: BLE001
        return "(folder)"


class _Skip(Exception):
    """An attachment that holds no file (a link, a calendar exception)."""


def _pst_attachment(att: PffObject, number: int, message_class: str, most: int) -> Attachment:
    method = _record(att, PR_ATTACH_METHOD)
    if method in BY_REFERENCE:
        raise _Skip
    if method == EMBEDDED_MESSAGE:  # (an item is read by _pst_item; here only a calendar's)
        raise _Skip  # a recurring meeting's exceptions: calendar items, not files
    name = str(att.get_long_filename() or _record(att, PR_ATTACH_FILENAME) or _record(att, PR_DISPLAY_NAME)
               or f"attachment-{number}")
    # an OLE object (attach method 6: a picture or a sheet pasted into a rich-text message) is given by libpff
    # as the compound file it is, and examined as one (an Excel object is read as the .xls it holds)
    size = att.get_size()
    if size > most:  # told by its size, before any of it is read (a store read in place may hold gigabytes)
        return Attachment(name, None, (Status.TOO_LARGE, say(Detail.ATTACHMENT_OVER_CAP, size=size)))
    data = att.read_buffer(size) if size else b""
    problem = (Status.CORRUPT, say(Detail.ATTACHMENT_SHORT, n=len(data), size=size)) if len(data) != size else None
    mime = str(_record(att, PR_ATTACH_MIME_TAG) or "")
    return Attachment(name, data, problem, tnef=is_tnef(name, mime))


def _calendar(message_class: str) -> bool:
    """A meeting's class: its attached items are the exceptions of a recurring meeting, not files."""
    return message_class.startswith("IPM.Appointment") or message_class.startswith("IPM.Schedule")


def _pst_item(att: PffObject, most: int) -> Mail:
    """An Outlook item attached inside a store (scanner.inspectors.mail_pstitem): its subject, sent time and
    body from its own property context; what lives beyond it (its attachments, a long body) said unsupported."""
    inner = Mail()
    size = att.get_size()
    if size > most:
        inner.problems.append((Status.TOO_LARGE, say(Detail.OUTLOOK_ITEM_OVER_CAP, size=size)))
        return inner
    try:
        props = item_properties(att.read_buffer(size) if size else b"")
    except NotAPropertyContext as e:
        inner.problems.append((Status.UNSUPPORTED, say(Detail.PST_ITEM_NO_LIBRARY, library=str(e))))
        return inner
    klass = props.get(PR_MESSAGE_CLASS)
    if klass is not None and klass.data and klass.ptype == PT_UNICODE and klass.data.decode(
            "utf-16-le", "replace").casefold().startswith("ipm.contact"):  # a contact forwarded as an item: a person
        inner.contact = contact_row(HeapItem(props, None))
    subject = props.get(PR_SUBJECT)
    if subject is not None and subject.data and subject.ptype == PT_UNICODE:
        text = subject.data.decode("utf-16-le", "replace").rstrip("\x00")
        inner.subject = text[2:] if text.startswith("\x01") else text  # a prefix-length marker, then the subject
    sent = props.get(PR_CLIENT_SUBMIT_TIME) or props.get(PR_DELIVERY_TIME)
    if sent is not None and sent.data and len(sent.data) == 8:
        inner.date = _filetime(int.from_bytes(sent.data, "little"))
    rtf = None
    compressed = props.get(PR_RTF_COMPRESSED)
    if compressed is not None and compressed.data:
        source, why = rtf_source(compressed.data)
        rtf = source.encode("latin-1") if source is not None else None
        inner.problems.extend([why] if why is not None else [])
    try:
        _pst_body(HeapItem(props, rtf), inner)
    except Exception as e:  # noqa: BLE001 - a damaged body; what else the item holds is still said
        inner.problems.append((Status.CORRUPT, say(Detail.ITEM_BODY_UNREADABLE, library=_short(e))))
    inner.problems.extend(unreached(props))
    return inner


def _record(item: PffObject | HeapItem, prop: int) -> str | int | None:
    """A property of a libpff item from its first record set: strings decoded, 32-bit integers as int."""
    try:
        sets = item.get_number_of_record_sets()
        if not sets:
            return None
        record = item.get_record_set(0)
        for k in range(record.get_number_of_entries()):
            entry = record.get_entry(k)
            if entry.get_entry_type() != prop:
                continue
            vtype, data = entry.get_value_type(), entry.get_data() or b""
            if vtype == PT_UNICODE:
                return data.decode("utf-16-le", "replace").rstrip("\x00")
            if vtype == PT_STRING8:
                return decode_name(data.rstrip(b"\x00"))[0]
            if vtype == PT_LONG and len(data) >= 4:
                return int.from_bytes(data[:4], "little")
            return None
    except Exception:  # noqa: BLE001 - a damaged record set: the property is unknown
        return None
    return None


def _short(e: BaseException) -> str:
    """A library error in a few words, without what it quotes (names, paths)."""
    text = str(e).splitlines()[0][:120] if str(e) else ""
    return f"{type(e).__name__}: {text}" if text else type(e).__name__
