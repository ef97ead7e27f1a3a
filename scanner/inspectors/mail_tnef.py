"""Outlook's TNEF wrapper (``winmail.dat``, application/ms-tnef) with tnefparse: the files and the body Outlook
sent inside it when the message left Exchange in rich text.

tnefparse (pure Python, LGPL-3.0) lists the attachments and the plain/HTML body; each TNEF object carries a
checksum, so a cut or damaged winmail.dat is said (corrupt), and what was read is examined. Its log messages
(checksum warnings) are silenced: the problems are listed instead. Runs in the worker with the rest of the mail.
"""

from __future__ import annotations

import logging

from ..backends import MissingBackend, load
from ..codes import Status
from ..details import Detail, say
from ..sources.local import decode_name
from .mail_body import body_text, rtf_table, table_body, uu_files
from .mail_outlook import contact_row
from .mail_parts import Attachment, Mail

IMESSAGE = "attached message"


def read_tnef(data: bytes) -> Mail:
    """The attachments and body of a winmail.dat; its damage in ``problems`` (never raises)."""
    mail = Mail()
    try:
        tnefparse = load("tnefparse")
    except MissingBackend as e:
        mail.problems.append((Status.UNSUPPORTED, say(Detail.TNEF_NO_LIBRARY, library=str(e))))
        return mail
    logging.getLogger("tnefparse").setLevel(logging.CRITICAL)  # checksum warnings: listed as problems instead
    crafted = _overcounted(data)
    if crafted is not None:  # tnefparse would loop over a count of 4 billion properties: refused, not read
        mail.problems.append((Status.CORRUPT, say(Detail.TNEF_CRAFTED, at=crafted)))
        return mail
    try:
        tnef = tnefparse.TNEF(data, do_checksum=True)
    except Exception as e:  # noqa: BLE001 - a damaged wrapper: said, nothing read from it
        mail.problems.append((Status.CORRUPT, say(Detail.TNEF_UNREADABLE, error=type(e).__name__)))
        return mail
    _contents(tnef, data, mail, 0)
    return mail


def _contents(tnef: object, data: bytes, mail: Mail, depth: int) -> None:
    """What one TNEF stream holds (its damage, files, body); an Outlook item attached inside it (forwarded as an
    attachment: its own TNEF stream, parsed by tnefparse as ``embed``) is an attached message, read the same way."""
    objects = getattr(tnef, "objects", [])
    bad = sum(1 for o in objects if not o.good_checksum)
    what = "TNEF (winmail.dat)" if depth == 0 else "TNEF attached Outlook item"
    if bad:
        mail.problems.append((Status.CORRUPT, say(Detail.TNEF_CHECKSUMS, what=what, bad=bad, n=len(objects))))
    elif depth == 0 and not any(o.name == 0x9006 for o in objects):  # attTnefVersion: every writer puts it first
        mail.problems.append((Status.CORRUPT, say(Detail.TNEF_NO_VERSION, what=what)))
    elif (cut := _cut_at(data)) is not None:
        mail.problems.append((Status.CORRUPT, say(Detail.TNEF_CUT, what=what, at=cut, size=len(data))))
    for number, att in enumerate(getattr(tnef, "attachments", []), 1):
        embed = getattr(att, "embed", None)
        if embed is not None:
            if depth >= MAX_EMBEDDED:
                mail.attachments.append(Attachment(f"attached-item-{number}", None, (Status.TOO_DEEP, say(Detail.TNEF_ITEMS_TOO_DEEP,
                                                                                                   n=MAX_EMBEDDED))))
                continue
            inner = Mail(subject=str(getattr(embed, "subject", "") or ""))
            inner_data = getattr(att, "data", b"")
            _contents(embed, inner_data if isinstance(inner_data, bytes) else b"", inner, depth + 1)
            if _message_class(embed).casefold().startswith("ipm.contact"):  # a contact forwarded: a person
                inner.contact = contact_row(_TnefProperties(embed))
            mail.attached.append(inner)
            continue
        try:
            mail.attachments.append(_attachment(att, number))
        except Exception as e:  # noqa: BLE001 - one damaged attachment; the others go on
            mail.attachments.append(Attachment(f"attachment-{number}", None,
                                               (Status.CORRUPT, say(Detail.TNEF_ATTACHMENT_UNREADABLE, error=type(e).__name__))))
    _body(tnef, mail)


def _cut_at(data: bytes) -> int | None:
    """Where the chain of TNEF objects (level, id, type, 32-bit length, data, checksum) stops fitting the
    bytes, or None when the last object ends at the end: tnefparse stops quietly at a cut between objects."""
    offset = 6
    while offset < len(data):
        if len(data) - offset < 11:  # a header cut short; a line end or NULs after the last object are padding
            return offset if data[offset:].strip(b"\r\n\x00 ") else None
        declared = int.from_bytes(data[offset + 5:offset + 9], "little")
        if offset + 11 + declared > len(data):
            return offset
        offset += 11 + declared
    return None


_COUNTED = (0x9003, 0x9004, 0x9005)  # attMAPIProps, attRecipTable, attAttachment: a 32-bit count, then the rows
# MAPI property types by the bytes of one value (the rest hold a length and bytes per value: 4 bytes at least)
_FIXED = {0x0002: 2, 0x000B: 2, 0x0003: 4, 0x0004: 4, 0x000A: 4, 0x0005: 8, 0x0006: 8, 0x0007: 8, 0x0014: 8,
          0x0040: 8, 0x0048: 16}
_VARIABLE = (0x0000, 0x000D, 0x001E, 0x001F, 0x0102)  # unspecified, object, string, Unicode string, binary
_OBJECT, _MULTI, _NAMED_ID = 0x000D, 0x1000, 0x8000
_IMESSAGE = bytes.fromhex("0703020000000000c000000000000046")  # an attached Outlook item's own TNEF stream
MAX_EMBEDDED = 8  # Outlook items inside Outlook items inside TNEF (each level parsed again by tnefparse)


class _Overcounted(Exception):
    """A count that cannot fit in the bytes after it (tnefparse would loop over it)."""


def _overcounted(data: bytes, depth: int = 0) -> int | None:
    """The offset of an object holding a count that cannot fit in its bytes, else None: the object's count of
    properties or recipient rows, each row's count of properties, a multi-valued property's count of values,
    a string or binary property's count of values; inside an Outlook item embedded in an attachment too.
    tnefparse loops over each of these counts unchecked (4 billion turns, or an object appended per value
    until the memory cap). One pass over the bytes: each count is checked before it is walked."""
    offset = 6
    while offset + 11 <= len(data):
        name = int.from_bytes(data[offset + 1:offset + 3], "little")
        declared = int.from_bytes(data[offset + 5:offset + 9], "little")
        body = data[offset + 9:offset + 9 + declared]
        if name in _COUNTED and len(body) >= 4:
            try:
                if name == 0x9004:
                    rows, at = _count(body, 0, 8), 4
                    for _ in range(rows):
                        at = _properties(body, at, depth)
                else:
                    _properties(body, 0, depth)
            except _Overcounted:
                return offset
        offset += 11 + declared
    return None


def _count(body: bytes, at: int, least: int) -> int:
    """The 32-bit count at ``at`` when ``least`` bytes per item fit after it; _Overcounted else."""
    n = int.from_bytes(body[at:at + 4], "little")
    if n * least > len(body) - at - 4:
        raise _Overcounted
    return n


def _properties(body: bytes, at: int, depth: int) -> int:
    """Walk one MAPI property list as tnefparse will (a count, then type, id, [named id], [value count], values);
    the offset after it. A walk past the end stops there: tnefparse stops too."""
    listed = _count(body, at, 4)
    at += 4
    for _ in range(listed):
        if at + 4 > len(body):
            return at
        ptype, pid = int.from_bytes(body[at:at + 2], "little"), int.from_bytes(body[at + 2:at + 4], "little")
        at += 4
        if pid >= _NAMED_ID:  # a GUID, a kind, then a number or a name (padded to 4)
            kind = int.from_bytes(body[at + 16:at + 20], "little")
            size = int.from_bytes(body[at + 20:at + 24], "little")
            at += 24 + (0 if kind == 0 else -(-size // 4) * 4)
        multi, ptype, values = bool(ptype & _MULTI), ptype & ~_MULTI, 1
        if multi:  # a count of values, each a fixed-size value or a length and bytes
            values = _count(body, at, _FIXED.get(ptype, 4)) or 1
            at += 4
        if ptype in _FIXED:
            at += values * _FIXED[ptype] + (2 if values % 2 and _FIXED[ptype] == 2 else 0)  # padded to 4
            continue
        if ptype not in _VARIABLE:
            return at  # an unknown type: tnefparse stops reading the list there
        if not multi:  # a string, binary or object property has its own count of values
            values = _count(body, at, 4)
            at += 4
        for _ in range(values):
            size = int.from_bytes(body[at:at + 4], "little")
            value = body[at + 4:at + 4 + size]
            if ptype == _OBJECT and value.startswith(_IMESSAGE):
                if depth >= MAX_EMBEDDED or _overcounted(value[len(_IMESSAGE):], depth + 1) is not None:
                    raise _Overcounted
            at += 4 + -(-size // 4) * 4
            if at > len(body):
                return at
    return at


def _attachment(att: object, number: int) -> Attachment:
    data = getattr(att, "data", b"")
    name = ""
    for attr in getattr(att, "mapi_attrs", []):  # the long file name, decoded by its MAPI type
        if getattr(attr, "name", None) == 0x3707 and isinstance(attr.data, str):
            name = attr.data.strip("\x00")
    raw = getattr(att, "_name", b"")
    if not name and isinstance(raw, bytes) and raw.strip(b"\x00"):
        name = decode_name(raw.strip(b"\x00"))[0]  # 8-bit: the sender's code page, cp932 in Japan
    elif not name and isinstance(raw, str):
        name = raw.strip("\x00")
    name = name.replace("/", "_").replace("\\", "_") or f"attachment-{number}"
    return Attachment(name, data if isinstance(data, bytes) else b"")


def _body(tnef: object, mail: Mail) -> None:
    """The wrapped message's body as a table when it looks like one (HTML first, then the plain text)."""
    html, plain = getattr(tnef, "htmlbody", None), getattr(tnef, "body", None)
    found = None
    if html:
        text, problem = (html, None) if isinstance(html, str) else body_text(html, None)
        found = table_body(text, True, problem)
    if plain:
        text, problem = (plain, None) if isinstance(plain, str) else body_text(plain.rstrip(b"\x00"), None)
        text, files, problems = uu_files(text.rstrip("\x00"))
        mail.attachments.extend(files)
        mail.problems.extend(problems)
        found = found or table_body(text, False, problem)
    rtf = getattr(tnef, "_rtfbody", None)
    if found is None and not html and isinstance(rtf, bytes) and rtf:  # \fromhtml1 RTF: its HTML table
        found, why = rtf_table(rtf, html_only=bool(plain))
        mail.problems.extend([why] if why is not None else [])
    if found is not None:
        mail.attachments.append(found)


def _message_class(tnef: object) -> str:
    """A TNEF stream's message class (attMessageClass), '' when it has none."""
    for attr in getattr(tnef, "msgprops", []):
        if getattr(attr, "name", None) == 0x8008 and isinstance(attr.data, str):
            return attr.data
    return ""


class _TnefProperties:
    """A TNEF stream's string MAPI properties (attMsgProps, decoded by tnefparse) shaped as libpff's record set,
    which ``contact_row`` reads."""

    def __init__(self, tnef: object) -> None:
        self.attrs = [a for a in getattr(tnef, "mapiprops", []) if isinstance(getattr(a, "data", None), str)]

    def get_number_of_record_sets(self) -> int:
        return 1

    def get_record_set(self, _index: int) -> _TnefProperties:
        return self

    def get_number_of_entries(self) -> int:
        return len(self.attrs)

    def get_entry(self, k: int) -> _TnefEntry:
        return _TnefEntry(self.attrs[k].name, self.attrs[k].data)


class _TnefEntry:
    def __init__(self, tag: int, text: str) -> None:
        self.tag, self.text = tag, text

    def get_entry_type(self) -> int:
        return self.tag

    def get_value_type(self) -> int:
        return 0x001F  # PT_UNICODE: tnefparse gives 8-bit and Unicode strings decoded

    def get_data(self) -> bytes:
        return self.text.encode("utf-16-le", "surrogatepass")
