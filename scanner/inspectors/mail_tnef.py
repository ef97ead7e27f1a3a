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
from ..sources.local import decode_name
from .mail_body import body_text, rtf_table, table_body, uu_files
from .mail_parts import Attachment, Mail

IMESSAGE = "attached message"


def read_tnef(data: bytes) -> Mail:
    """The attachments and body of a winmail.dat; its damage in ``problems`` (never raises)."""
    mail = Mail()
    try:
        tnefparse = load("tnefparse")
    except MissingBackend as e:
        mail.problems.append((Status.UNSUPPORTED, f"TNEF (winmail.dat): {e}; its attachments were not read"))
        return mail
    logging.getLogger("tnefparse").setLevel(logging.CRITICAL)  # checksum warnings: listed as problems instead
    crafted = _overcounted(data)
    if crafted is not None:  # tnefparse would loop over a count of 4 billion properties: refused, not read
        mail.problems.append((Status.CORRUPT, f"TNEF (winmail.dat) damaged: an object at byte {crafted} claims more "
                              "properties than it holds bytes; not read"))
        return mail
    try:
        tnef = tnefparse.TNEF(data, do_checksum=True)
    except Exception as e:  # noqa: BLE001 - a damaged wrapper: said, nothing read from it
        mail.problems.append((Status.CORRUPT, f"TNEF (winmail.dat) unreadable ({type(e).__name__})"))
        return mail
    bad = sum(1 for o in tnef.objects if not o.good_checksum)
    if bad:
        mail.problems.append((Status.CORRUPT, f"TNEF (winmail.dat) damaged: {bad} of {len(tnef.objects)} objects fail "
                              "their checksum (cut or altered): what could be read was examined"))
    elif not any(o.name == 0x9006 for o in tnef.objects):  # attTnefVersion: every writer puts it first
        mail.problems.append((Status.CORRUPT, "TNEF (winmail.dat) damaged: no TNEF version object; what could be "
                              "read was examined"))
    elif (cut := _cut_at(data)) is not None:
        mail.problems.append((Status.CORRUPT, f"TNEF (winmail.dat) cut: its objects end at byte {cut} of "
                              f"{len(data)} (the last one is incomplete): what could be read was examined"))
    for number, att in enumerate(tnef.attachments, 1):
        try:
            mail.attachments.append(_attachment(att, number))
        except Exception as e:  # noqa: BLE001 - one damaged attachment; the others go on
            mail.attachments.append(Attachment(f"attachment-{number}", None,
                                               (Status.CORRUPT, f"TNEF attachment unreadable ({type(e).__name__})")))
    _body(tnef, mail)
    return mail


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


def _overcounted(data: bytes) -> int | None:
    """The offset of an object whose count of properties (or recipient rows) cannot fit in its bytes (each
    takes 8 bytes at least), else None."""
    offset = 6
    while offset + 11 <= len(data):
        name = int.from_bytes(data[offset + 1:offset + 3], "little")
        declared = int.from_bytes(data[offset + 5:offset + 9], "little")
        body = data[offset + 9:offset + 9 + declared]
        if name in _COUNTED and len(body) >= 4 and int.from_bytes(body[:4], "little") * 8 > len(body):
            return offset
        offset += 11 + declared
    return None


def _attachment(att: object, number: int) -> Attachment:
    data = getattr(att, "data", b"")
    if getattr(att, "embed", None) is not None:  # an attached Outlook item: its own TNEF stream
        return Attachment(f"attached-item-{number}", data if isinstance(data, bytes) else None,
                          (Status.UNSUPPORTED, "an Outlook item attached inside TNEF: examined as a file only"))
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
    if found is None and not html and not plain and isinstance(rtf, bytes) and rtf:
        found, why = rtf_table(rtf)
        mail.problems.extend([why] if why is not None else [])
    if found is not None:
        mail.attachments.append(found)
