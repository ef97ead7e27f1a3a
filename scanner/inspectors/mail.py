"""Mail met while walking: a client list e-mailed to oneself sits as an attachment in a saved message (.eml,
.msg, Apple Mail .emlx), a Thunderbird mbox (``Inbox``, no extension) or an Outlook store (.pst, .ost).

Mail is opened like an archive: each attachment is a child one container hop deeper and goes through the
same checks as any file (name rules, hashes, spreadsheets, archives, mail again), in the worker, under the
archive limits (``--archive-depth``, ``--max-archive-mb``, ``--max-inspect-mb``, ``--parse-timeout``).

Locations: a message file is one hop (``送付.eml » 顧客名簿.xlsx``); a message in a store is a hop of its own
named by its folder, its number in the store, its sent time and the first two characters of its subject
(``mail.pst » Top of Personal Folders/受信トレイ/#2097348 2026-11-03T00:12Z 「顧客…」 » 顧客名簿.xlsx``): a
subject or an address may hold a person's name, so no address and no more of the subject is ever shown. A
message attached to a message (forwarded as an attachment, an Outlook item) is a hop too (``message 1 ...``).
A message inside a store does not count as a level of ``--archive-depth`` (the store does); an attached
message does.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import IO

from ..codes import Status
from ..config import ScanConfig
from ..contracts import Inspection, ScanContext
from ..details import Detail, say
from ..doctail import WORKBOOK_EXTS
from ..errors import ReadError
from ..models import Entry, Hop, Location, Skipped
from ..sources.base import Item
from ..tables import markup_table, sniff_format
from ..word97 import holds_word97
from .archive import guard_listing, limits_for
from .archive_members import (
    ARCHIVE_EXTS,
    DOCUMENT_EXTS,
    NOT_ARCHIVE_EXTS,
    UNSUPPORTED_EXTS,
    ArchiveLimits,
    ArchiveMemberEntry,
    archive_depth,
    error_reason,
    member_base_name,
)
from .disguise import check as disguised
from .embedded import objects_kind
from .mail_mime import (
    body_may_hold_table,
    cut_in_header,
    emlx_message,
    looks_like_emlx,
    looks_like_headers,
    looks_like_mbox,
    mbox_messages,
    mbox_stream_messages,
    read_message,
    text_only,
)
from .mail_outlook import (
    MSG_MARK,
    OLE_MAGIC,
    ORPHANS,
    Store,
    msg_may_hold_attachments,
    pst_declared_size,
    read_msg,
    sniff_pst,
)
from .mail_parts import CONTACT_TABLE, Attachment, Mail, contacts_table, message_label
from .mail_tnef import read_tnef

MESSAGE_EXTS = {".eml": "eml", ".emlx": "emlx", ".msg": "msg", ".oft": "msg", ".mbox": "mbox", ".mbx": "mbox",
                ".pst": "pst", ".ost": "ost", ".dbx": "dbx"}
# Outlook's saved messages (compound files): never sniffed for a workbook by the spreadsheet inspector
OUTLOOK_MESSAGE_EXTS = frozenset(e for e, kind in MESSAGE_EXTS.items() if kind == "msg")
IN_STORE = "message"  # hop format of a message inside a store (not a level of --archive-depth)
ATTACHED = "attached-message"  # hop format of a message attached to a message
TIME_NOTE = "mail: the message's sent time (Date header or Outlook's submit time), not a file time"
# extensions that are never mail: no head read for them (a client list's own formats, documents, media)
_NEVER_MAIL = ((NOT_ARCHIVE_EXTS - set(MESSAGE_EXTS)) | set(DOCUMENT_EXTS) | set(UNSUPPORTED_EXTS)
               | {e for e in ARCHIVE_EXTS if e.count(".") == 1}
               | {".xlsb", ".xlt", ".xlw", ".ods", ".tab", ".prn", ".msf", ".db", ".pub", ".vsd", ".one", ".mht",
                  ".mhtml", ".ics", ".vcf", ".dot", ".pps", ".pot", ".xla"})


def _last_ext(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].casefold() if dot > 0 else ""


def detect(head: bytes, name: str) -> str | None:
    """The kind of mail file by content (an Outlook store, a compound file, an mbox, an .emlx, a message's
    headers), else by name; None when it is none."""
    store = sniff_pst(head)
    if store is not None:
        return store
    if head.startswith(OLE_MAGIC):
        return "msg"  # a compound file: a message only if its directory names __substg1.0_ streams
    if looks_like_mbox(head):
        return "mbox"
    if looks_like_emlx(head):
        return "emlx"
    if looks_like_headers(head):
        return "eml"
    if head.startswith(TNEF_SIGNATURE):  # a winmail.dat saved to disk (a client that cannot open it shows a file)
        return "tnef"
    return MESSAGE_EXTS.get(_last_ext(name))


HEADER_PROBE = 16 << 10
_ZEROED = re.compile(rb"\x00{16,}")  # no message holds a NUL run (8-bit parts are text; binary ones base64)
NUL_RUN = b"\x00" * 16  # where ``_ZEROED`` matches
TNEF_SIGNATURE = b"\x78\x9f\x3e\x22"  # 0x223E9F78 little-endian ([MS-OXTNEF] 2.1.3.1)


def _header_bytes(entry: Entry, size: int, head: Callable[[], bytes]) -> bytes:
    """The start of a saved message, enough to hold its header block: the 512-byte head when the block ends in
    it, else up to 16 KiB (one more read; a file that cannot be read is left to the worker, which lists it)."""
    h = head()
    if b"\n\n" in h or b"\n\r\n" in h or len(h) >= size:
        return h
    small = getattr(entry, "read_small", None)  # a local file: one open, no file object (sources.local)
    got = small(HEADER_PROBE) if small is not None else None
    if got is not None:
        return got[0]
    try:
        with entry.open() as f:
            return f.read(HEADER_PROBE)
    except (ReadError, OSError):
        return b""


# names a saved .msg may be given to hide it (Office's compound-file family, text-table names): asked of the mail
# inspector only for a compound file whose directory shows an Outlook message stream (others read the rest)
TEXT_HOSTS = frozenset({".txt", ".csv", ".tsv", ".tab", ".prn"})  # text-table names a mailbox may be saved under too
OLE_HOSTS = frozenset({".doc", ".dot", ".xls", ".xlt", ".xla", ".xlw", ".ppt", ".pps", ".pot", ".pub", ".vsd",
                       *TEXT_HOSTS})  # .log: no inspector reads it by name (a name cost)
# names another inspector reads by name (as a table, markup, an RTF document) that a saved message or mbox may be
# renamed to (fix16b: a .eml renamed 名簿.xls, 資料.rtf, page.html or data.xml was read as text, no table found, and
# its attached list ended as nothing): their head, read anyway, is asked whether it is mail (content decides)
MAIL_HOSTS = frozenset({*OLE_HOSTS, *WORKBOOK_EXTS, ".ods", ".ots", ".rtf", ".html", ".htm", ".xhtml", ".xml"})


class MailInspector:
    """Opens mail files and stores and hands their attachments back to the pipeline as children."""

    name = "mail"
    reads_beyond_bytes: frozenset[str] = frozenset()  # (contracts)
    skip_extensions = frozenset(_NEVER_MAIL - MAIL_HOSTS)
    # called even for a file over --max-inspect-mb (with its head only): a .pst/.ost is then read in place by
    # libpff through a file object, an mbox message by message; other mail files that large are too-large
    opens_itself = True

    def __init__(self, config: ScanConfig) -> None:
        self.config = config

    def wants_name(self, name: str) -> bool:
        return _last_ext(name) not in self.skip_extensions

    def wants(self, entry: Entry, size: int, head: Callable[[], bytes]) -> bool:
        if not self.wants_name(entry.name) or size == 0:
            return False
        ext = _last_ext(entry.name)
        if ext in OLE_HOSTS:  # a .msg saved as 名簿.doc / .xls / .txt: only when its directory says so
            if size >= 512 and self._renamed_msg(entry, size, head()):  # no head read for a smaller file
                return True
            # a mailbox or a raw message saved under a text name (wild15: MimeKit's *.mbox.txt) or under a
            # workbook's (fix16b): its attachments
            return size >= 32 and not head().startswith(OLE_MAGIC) and (
                self._mail_text if ext in TEXT_HOSTS else self._hosted_mail)(head(), size)
        if ext in MAIL_HOSTS:  # a message saved as 名簿.xlsx / 資料.rtf / page.html / data.xml (fix16b), an Outlook
            if head().startswith(OLE_MAGIC):  # .msg too (session 17: a .msg renamed 名簿.xlsx/.ods ended as nothing)
                return size >= 512 and self._renamed_msg(entry, size, head())
            return size >= 32 and self._hosted_mail(head(), size)
        if ext in MESSAGE_EXTS and ext not in OUTLOOK_MESSAGE_EXTS and head().startswith(OLE_MAGIC):
            return self._renamed_msg(entry, size, head())  # a .msg saved as .eml: not a disguised workbook
        if ext in MESSAGE_EXTS and disguised(entry.name, head()) is not None:
            return False  # a workbook, an archive or a table named .msg/.eml: read by its content (disguise)
        if ext in OUTLOOK_MESSAGE_EXTS:  # a message without attachments costs no worker
            return msg_may_hold_attachments(entry, self.config.max_inspect_bytes, size=size)
        if ext == ".eml":  # headers are often longer than 512 bytes (Received chains): up to 16 KiB of them
            start = _header_bytes(entry, size, head)
            complete = len(start) >= size
            return (not text_only(start, complete=complete) or body_may_hold_table(start, complete)
                    or NUL_RUN in start  # a zeroed block (``_ZEROED``, found by bytes search: the walk asks it of
                    # every .eml, and the pattern, no literal to search for, tried at every byte cost 27 us a 3.6 KB
                    # message): the worker lists it
                    or (complete and cut_in_header(start)))  # cut mid-header: the worker lists it
        if ext in MESSAGE_EXTS:
            return True
        if size < 32:
            return False
        h = head()
        if h.startswith(OLE_MAGIC):  # named neither .msg nor as another Office file: its directory tells
            return msg_may_hold_attachments(entry, self.config.max_inspect_bytes, named=False, size=size)
        kind = detect(h, "")
        return kind is not None and (kind != "eml" or self._mail_text(h, size))

    @classmethod
    def _hosted_mail(cls, head: bytes, size: int) -> bool:
        """``_mail_text`` under a name the spreadsheet inspector reads, but an Excel or browser single-file web page
        (a MIME message too: read there as the table it is, not twice)."""
        return cls._mail_text(head, size) and markup_table(head) != "mhtml"

    @staticmethod
    def _mail_text(head: bytes, size: int) -> bool:
        """An mbox, an .emlx, or a message's headers with more than plain text after them (an attachment, a body
        that may hold a table): worth opening as mail whatever its name."""
        kind = detect(head, "")
        return kind in ("mbox", "emlx", "eml") and not (
            kind == "eml" and text_only(head) and not body_may_hold_table(head, len(head) >= size))

    def wants_disguised(self, entry: Entry, head: bytes) -> bool:
        """A file no inspector reads by its name (名簿.jpg) that is a .msg (its directory shows an Outlook message
        stream with an attachment or a body), an Outlook store by its header, or a saved message or mbox (the
        disguise family ``mail``: review16a, a .eml renamed .jpg ended as nothing)."""
        if sniff_pst(head) is not None:
            return True
        if not head.startswith(OLE_MAGIC):  # what ``_renamed_msg`` asks first: no stat of every photo.jpg and report.pdf
            return (told := disguised(entry.name, head)) is not None and told.family == "mail"
        try:
            size = entry.stat().size
        except ReadError:
            return False  # not read: the other inspectors' checks list it
        return self._renamed_msg(entry, size, head)

    def _renamed_msg(self, entry: Entry, size: int, head: bytes) -> bool:
        return (size >= 512 and head.startswith(OLE_MAGIC)
                and msg_may_hold_attachments(entry, self.config.max_inspect_bytes, named=False, size=size))

    settle_bytes = 1 << 16  # the byte search needs the whole file: a fake .msg of up to 64 KiB costs no worker

    def settles_here(self, data: bytes) -> bool:
        """A compound file without an Outlook message stream (``inspect``: corrupt when named .msg/.oft, else
        nothing): settled by a byte search, so a small fake .msg costs no worker round trip; one whose directory names a
        Word document's or a workbook's streams goes to the worker (read as what it is)."""
        return data.startswith(OLE_MAGIC) and MSG_MARK not in data and not any(n in data for n in _OFFICE_NAMES)

    def inspect(self, entry: Entry, data: bytes, ctype: str, ctx: ScanContext) -> Inspection:
        cfg = self.config
        depth = archive_depth(entry.location)
        kind = detect(data[:4096], entry.name)
        if kind is None:
            return Inspection()
        size = entry.stat().size
        partial = size > cfg.max_inspect_bytes and len(data) < size  # over --max-inspect-mb: its head only
        if partial and kind not in ("mbox", "pst", "ost"):
            return Inspection(status=Status.TOO_LARGE, detail=say(Detail.MAIL_OVER_CAP, kind=kind, size=size,
                                                                           cap=cfg.max_inspect_bytes))
        if kind == "msg" and MSG_MARK not in data:
            if _last_ext(entry.name) in OUTLOOK_MESSAGE_EXTS:
                reader = next((i for i in ctx.inspectors if i.name == "spreadsheet"), None)
                if reader is not None and _office_file(data):  # a Word document or a workbook saved as .msg: read as
                    return reader.inspect(entry, data, ctype, ctx)  # what it is (ole19: listed corrupt, tables unread)
                return Inspection(status=Status.CORRUPT, detail=say(Detail.MSG_NO_STREAM))
            return Inspection()  # a compound file that is no message (handled, if at all, by other inspectors)
        if kind == "dbx":
            return Inspection(status=Status.UNSUPPORTED, detail=say(Detail.DBX_NO_LIBRARY))
        if depth >= cfg.archive_depth:
            return Inspection(status=Status.TOO_DEEP,
                              detail=say(Detail.INSIDE_CONTAINERS, depth=depth, limit=cfg.archive_depth))
        caps = limits_for(cfg, entry)
        detail: dict[str, object] = {"format": kind}
        if entry.location.raw_path_hex:
            detail["raw_path_hex"] = entry.location.raw_path_hex
        hop = Hop("archive", entry.location.path, detail)
        try:
            items = (self._in_place(entry, kind, hop, caps, ctx) if partial
                     else self._items(entry, data, kind, hop, caps, ctx))
        except ReadError as e:
            return Inspection(status=e.reason, detail=e.detail)
        except Exception as e:  # noqa: BLE001 - a damaged mail file is data, not a crash (libpff missing: unsupported)
            reason, text = error_reason(e)
            return Inspection(status=reason, detail=say(Detail.MAIL_PROBLEM, kind=kind, why=text))
        return Inspection(children=guard_listing(_bounded(items, entry.location, kind), entry, kind))

    def _in_place(self, entry: Entry, kind: str, hop: Hop, caps: ArchiveLimits, ctx: ScanContext) -> Iterator[Item]:
        """A store over --max-inspect-mb, read where it is: a .pst/.ost through a seekable file object (libpff
        reads only what it needs), an mbox streamed message by message. A stream that cannot seek (a member of
        an archive) cannot give a .pst: too-large."""
        lister = _Lister(entry, caps, ctx, self.config)
        stream = entry.open()
        if kind == "mbox":
            return _closing(lister.mbox_stream(stream, hop), stream)
        if not stream.seekable():
            stream.close()
            raise ReadError(Status.TOO_LARGE, say(Detail.MAIL_STORE_NOT_IN_PLACE, kind=kind))
        try:
            store = Store(stream, self.config.max_inspect_bytes)
        except BaseException:
            stream.close()
            raise
        return _closing(lister.store(store, kind, hop, entry.stat().size), stream)

    def _items(self, entry: Entry, data: bytes, kind: str, hop: Hop, caps: ArchiveLimits,
               ctx: ScanContext) -> Iterator[Item]:
        """The children of one mail file; a single message is read here (so a file that is no message is known
        at once), a store lazily, message by message."""
        lister = _Lister(entry, caps, ctx, self.config)
        if kind in ("pst", "ost", "pab"):
            return lister.store(Store(data, self.config.max_inspect_bytes), kind, hop, len(data))
        if kind == "mbox":
            return lister.mbox(data, hop)
        if kind == "tnef":  # Session 9: a winmail.dat on disk was never opened (its files unseen)
            return lister.message(entry.location, hop, read_tnef(data), kind)
        problem = None
        if kind == "emlx":
            data, problem = emlx_message(data)
        mail = read_msg(data) if kind == "msg" else read_message(data)  # no header at all: a problem it lists
        if problem:
            mail.problems.append((Status.CORRUPT, say(Detail.EMLX_PROBLEM, why=problem)))
        if kind != "msg" and (zeroed := _ZEROED.search(data)) is not None:  # Session 9: a zeroed header was 'clean'
            mail.problems.append((Status.CORRUPT, say(Detail.MAIL_NUL_BLOCK, kind=kind, n=zeroed.end() - zeroed.start(),
                                                          at=zeroed.start())))
        hop.detail.update(_facts(mail))
        return lister.message(entry.location, hop, mail, kind)


MAX_LISTED = 1000  # problem rows of one mail file listed one by one; the rest are counted (one row per reason)


def _bounded(items: Iterator[Item], location: Location, kind: str) -> Iterator[Item]:
    """The children of one mail file with at most ``MAX_LISTED`` problem rows: an mbox of a million ``From ``
    lines (a few bytes each) would otherwise be a findings.json of a million rows. The rest are counted, never
    dropped unsaid; a row saying where reading stopped (timeout) is always listed."""
    listed = 0
    rest: dict[Status, int] = {}

    def counted() -> list[Skipped]:
        return [Skipped(location, status, say(Detail.MAIL_MORE_NOT_LISTED, kind=kind, n=n, status=status.value,
                                                  rows=MAX_LISTED)) for status, n in rest.items()]

    try:
        for item in items:
            if isinstance(item, Skipped) and item.reason != Status.TIMEOUT:
                listed += 1
                if listed > MAX_LISTED:
                    rest[Status(item.reason)] = rest.get(Status(item.reason), 0) + 1
                    continue
            yield item
    except Exception:  # the listing broke off (guard_listing says so): what was counted is said first
        yield from counted()
        raise
    yield from counted()


def _closing(items: Iterator[Item], stream: IO[bytes]) -> Iterator[Item]:
    try:
        yield from items
    finally:
        stream.close()


def _facts(mail: Mail) -> dict[str, object]:
    """What a message hop records besides its name: the sent time and the masked subject start."""
    facts: dict[str, object] = {}
    if mail.date:
        facts["date"] = mail.date
    if mail.subject:
        facts["subject"] = mail.shown_subject()
    return facts


class _Lister:
    """Turns read messages into children: attachments as entries (or listed when they cannot be read),
    attached messages as deeper hops, damage as skipped entries."""

    def __init__(self, entry: Entry, caps: ArchiveLimits, ctx: ScanContext, config: ScanConfig) -> None:
        self.entry, self.caps, self.ctx, self.config = entry, caps, ctx, config

    def store(self, store: Store, kind: str, hop: Hop, size: int) -> Iterator[Item]:
        declared = pst_declared_size(store.head)
        if declared is not None and size < declared:  # libpff reads what is referenced and may not notice
            yield Skipped(self.entry.location, Status.CORRUPT, say(Detail.STORE_CUT, kind=kind, size=size, declared=declared))
        try:
            for folder, ident, mail, deleted in store.messages(self.config.parse_timeout):
                label = message_label(f"#{ident}", mail)
                label = f"{folder}/{label}" if folder else label
                yield from self._in_store(hop, label, mail, kind, deleted)
            for status, why in store.problems:
                yield Skipped(self.entry.location, status, say(Detail.MAIL_PROBLEM, kind=kind, why=why))
            for folder, rows in store.contacts.items():  # an address book is a person table
                table = contacts_table(rows)
                loc = self.entry.location.child(hop, f"{folder}/{table.name}" if folder else table.name)
                yield from self._attachment(loc, table, Mail(), folder == ORPHANS or self.entry.deleted)
        finally:
            store.close()

    def mbox_stream(self, stream: IO[bytes], hop: Hop) -> Iterator[Item]:
        """An mbox too large to hold, message by message; a message over --max-inspect-mb is listed too-large."""
        return self._mbox(mbox_stream_messages(stream, self.config.max_inspect_bytes), hop)

    def mbox(self, data: bytes, hop: Hop) -> Iterator[Item]:
        return self._mbox(mbox_messages(data), hop)

    def _mbox(self, messages: Iterator[tuple[int, bytes | None]], hop: Hop) -> Iterator[Item]:
        spent = 0.0
        for number, raw in messages:
            if raw is None:
                yield Skipped(self.entry.location, Status.TOO_LARGE, say(Detail.MBOX_MESSAGE_OVER_CAP, n=number))
                continue
            started = time.process_time()
            try:
                mail = read_message(raw)
            except Exception as e:  # noqa: BLE001 - one damaged message; the mbox's others go on
                yield Skipped(self.entry.location, Status.CORRUPT, say(Detail.MBOX_MESSAGE_UNREADABLE, n=number, error=type(e).__name__))
                continue
            spent += time.process_time() - started
            if (zeroed := _ZEROED.search(raw)) is not None:  # review9f: as in a saved .eml (it was passed over)
                mail.problems.append((Status.CORRUPT, say(Detail.MBOX_MESSAGE_NUL_BLOCK, number=number,
                                                          n=zeroed.end() - zeroed.start())))
            if spent > self.config.parse_timeout:
                yield Skipped(self.entry.location, Status.TIMEOUT, say(Detail.MBOX_STOPPED, n=number, seconds=f"{self.config.parse_timeout:g}"))
                return
            if mail.attachments or mail.attached or mail.problems:
                yield from self._in_store(hop, message_label(f"#{number}", mail), mail, "mbox", self.entry.deleted)

    def _in_store(self, store_hop: Hop, label: str, mail: Mail, kind: str, deleted: bool) -> Iterator[Item]:
        base = self.entry.location.child(store_hop, label)
        hop = Hop("archive", label, {"format": IN_STORE, "store": kind, **_facts(mail)})
        yield from self.message(base, hop, mail, kind, deleted)

    def message(self, base: Location, hop: Hop, mail: Mail, kind: str, deleted: bool | None = None) -> Iterator[Item]:
        """The children of one message whose location is ``base`` and whose hop is ``hop``."""
        deleted = self.entry.deleted if deleted is None else deleted
        for status, why in mail.problems:
            yield Skipped(base, status, why if why.startswith(f"{kind}:") else say(Detail.MAIL_PROBLEM, kind=kind, why=why))
        taken: set[str] = set()
        if mail.contact is not None:  # a contact item (.msg, or attached to a message): a one-person table
            mail.attachments.append(contacts_table([mail.contact], CONTACT_TABLE))
        for number, attachment in enumerate(mail.attachments, 1):
            path = attachment.name if attachment.name not in taken else f"{number}/{attachment.name}"
            taken.add(path)
            yield from self._attachment(base.child(hop, path, attachment.raw_hex), attachment, mail, deleted)
        for number, inner in enumerate(mail.attached, 1):
            label = message_label(f"message {number}", inner)
            inner_base = base.child(hop, label)
            depth = archive_depth(inner_base)
            if depth >= self.config.archive_depth:
                yield Skipped(inner_base, Status.TOO_DEEP, say(Detail.ATTACHED_MESSAGE_TOO_DEEP, depth=depth,
                                                       limit=self.config.archive_depth))
                continue
            inner_hop = Hop("archive", label, {"format": ATTACHED, **_facts(inner)})
            yield from self.message(inner_base, inner_hop, inner, kind, deleted)

    def _attachment(self, loc: Location, attachment: Attachment, mail: Mail, deleted: bool) -> Iterator[Item]:
        data, caps = attachment.data, self.caps
        blocked = attachment.problem if data is None else None
        size = len(data) if data is not None else 0
        if data is not None:
            blocked = caps.declared(size, None)
            if blocked is None and size > caps.member_memory:
                blocked = (Status.TOO_LARGE, say(Detail.ATTACHMENT_OVER_CAP, size=size))
        name = member_base_name(loc.path)
        if blocked is not None and not self.ctx.rules.match(name):
            yield Skipped(loc, *blocked)
            return
        if blocked is None and data is not None:
            caps.budget.charge(size)
            opener: Callable[[], io.BytesIO] = partial(io.BytesIO, data)
        else:
            opener = partial(io.BytesIO, b"")
        member = ArchiveMemberEntry(loc, name, deleted, size, None, mail.date, TIME_NOTE, opener, caps, blocked,
                                    size if blocked is None else 0)
        member.read_as_table = attachment.body  # a body that looks tabular: read by the table readers
        if attachment.body and blocked is None and attachment.problem is not None:
            member.damage = attachment.problem[1]  # its rows are read, and the finding says it is damaged
        yield member
        if blocked is None and attachment.problem is not None and not attachment.body:
            yield Skipped(loc, *attachment.problem)
        if blocked is None and attachment.tnef and data is not None:
            yield from self._tnef(loc, data, deleted)

    def _tnef(self, loc: Location, data: bytes, deleted: bool) -> Iterator[Item]:
        """The files (and a pasted table) inside a TNEF winmail.dat: children one hop deeper than it."""
        depth = archive_depth(loc)
        if depth >= self.config.archive_depth:
            yield Skipped(loc, Status.TOO_DEEP, say(Detail.TNEF_TOO_DEEP, depth=depth, limit=self.config.archive_depth))
            return
        inner = read_tnef(data)
        hop = Hop("archive", loc.path, {"format": "tnef"})
        yield from self.message(loc, hop, inner, "tnef", deleted)


# a compound file's directory naming a Word document's or a workbook's streams (``_office_file`` decides in the worker)
_OFFICE_NAMES = tuple(n.encode("utf-16-le") for n in ("WordDocument", "1Table", "0Table", "Workbook", "Book",
                                                       "PowerPoint Document"))


def _office_file(data: bytes) -> bool:
    """Whether a compound file without a message stream is an Excel 97-2003 workbook (or a protected Office file), a
    Word 97-2003 document (scanner.word97.holds_word97: its main stream, or its table stream with the main one's name
    damaged) or a presentation: the spreadsheet inspector reads it (a presentation's embedded objects). Parses the
    directory: called in the worker."""
    return any(n in data for n in _OFFICE_NAMES) and (sniff_format(data) in ("xls", "ole-encrypted")
                                                      or holds_word97(data) or objects_kind(data) == "ppt")
