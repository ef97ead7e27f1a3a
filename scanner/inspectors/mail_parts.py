"""What every mail reader gives back: a message's attachments, the messages attached to it, and its damage.

Shared by the MIME reader (scanner.inspectors.mail_mime: .eml, mbox, .emlx), the Outlook readers
(scanner.inspectors.mail_outlook: .msg, .pst/.ost) and the inspector that turns them into children
(scanner.inspectors.mail). Plain values: no reader's objects leak out of the reader.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from ..codes import Status

SHOWN_SUBJECT = 2  # characters of a subject shown in a location (a subject can hold a person's name)
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|wg|sv|tr)\s*(?:\[\d+\])?\s*[:：]|転送\s*[:：]|返信\s*[:：])\s*",
                           re.IGNORECASE)
TNEF_NAMES = ("winmail.dat", "win.dat")


@dataclass
class Attachment:
    """One attached file: its name as the sender gave it, and its bytes (None: not readable, ``problem`` says why)."""

    name: str
    data: bytes | None
    problem: tuple[Status, str] | None = None  # damaged (bytes given anyway) or unreadable (data None)
    raw_hex: str | None = None  # the name's raw bytes when they were not UTF-8 (8-bit headers)
    tnef: bool = False  # a TNEF winmail.dat: examined as a file, the attachments inside it not read
    body: bool = False  # the message's own text, read as a table (scanner.inspectors.mail_body)


@dataclass
class Mail:
    """One message: what its location shows (date, masked subject), its attachments, the messages attached
    to it (forwarded as attachments, Outlook items), and what was wrong with it."""

    date: str | None = None  # ISO 8601 UTC (timeutil.iso_utc: ``2026-11-03T00:12:00Z``)
    subject: str = ""  # clear text: only ``shown_subject`` ever leaves the worker
    attachments: list[Attachment] = field(default_factory=list)
    attached: list[Mail] = field(default_factory=list)
    problems: list[tuple[Status, str]] = field(default_factory=list)
    contact: list[str] | None = None  # an Outlook contact item (IPM.Contact): one person's row (CONTACT_HEADER)

    def shown_subject(self) -> str:
        return shown_subject(self.subject)


def shown_subject(subject: str) -> str:
    """The start of a subject, never the whole of it: reply and forward prefixes dropped, then the first two
    characters (one of a subject of three or fewer) and an ellipsis; "" for no subject. A subject may name a
    person or a customer, so the rest is never shown, and the mask does not tell its length."""
    text = unicodedata.normalize("NFKC", subject).replace("\r", " ").replace("\n", " ")
    while (stripped := _REPLY_PREFIX.sub("", text, count=1)) != text:
        text = stripped
    text = " ".join(text.split())
    if not text:
        return ""
    keep = 1 if len(text) <= 3 else SHOWN_SUBJECT
    return f"{text[:keep]}…"


def message_label(number: str, mail: Mail) -> str:
    """How a message shows in a location, from facts that hold no personal value but the masked subject
    start: ``#12 2026-11-03T00:12Z 「顧客…」`` (``number``: its number in its store, or ``message 1`` for the
    first message attached to another; the sent time in UTC, to the minute)."""
    parts = [number]
    if mail.date:
        parts.append(mail.date[:16] + "Z")  # to the minute: 2026-11-03T00:12Z
    subject = mail.shown_subject()
    if subject:
        parts.append(f"「{subject}」")
    return " ".join(parts).replace("/", "_").replace("\\", "_")


CONTACTS_TABLE = "(contacts).csv"  # a store folder's contact items as one table (a person table)
CONTACT_TABLE = "(contact).csv"  # one contact item (a .msg saved from Outlook's Contacts, an attached contact)
CONTACT_HEADER = ("氏名", "郵便番号", "住所", "電話番号", "携帯電話", "勤務先電話")


def contacts_table(rows: list[list[str]], name: str = CONTACTS_TABLE) -> Attachment:
    """A folder's contact items as a CSV child (UTF-8 with a BOM) read by the table readers like any CSV: an
    address book is a person table, each contact one person, though no file of it was ever saved."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CONTACT_HEADER)
    writer.writerows(rows)
    return Attachment(name, ("\ufeff" + out.getvalue()).encode("utf-8", "surrogatepass"), body=True)


def is_tnef(name: str, content_type: str = "") -> bool:
    return name.casefold() in TNEF_NAMES or content_type.casefold() in ("application/ms-tnef", "application/vnd.ms-tnef")
