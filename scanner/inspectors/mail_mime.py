"""Internet mail with the standard library's ``email`` package: a saved message (.eml), an mbox (Thunderbird's
``Inbox`` with no extension, ``.mbox``), an Apple Mail ``.emlx``.

The package does the MIME work: base64 and quoted-printable bodies, RFC 2231 parameters (``filename*=``,
continuations, ISO-2022-JP or UTF-8) and RFC 2047 encoded words (inside a quoted ``filename`` too, as Outlook
and Japanese clients write them). An attachment name sent as raw 8-bit bytes (cp932 from an old Japanese
mailer) is taken from the raw header and decoded as file names are (UTF-8, then cp932), keeping its bytes.
The package never raises on a damaged message: it records defects, and those that lose bytes (a base64 body
cut short, a multipart without its closing boundary) are said, with the part they hit.
"""

from __future__ import annotations

import base64
import email
import email.errors
import email.utils
import html as html_entities
import re
from collections.abc import Iterator
from email import policy
from email.headerregistry import ContentTypeHeader, HeaderRegistry
from email.message import Message
from typing import IO

from ..codes import Status
from ..details import Detail, join_details, say
from ..markup import repair_encoding_name
from ..sources.local import decode_name
from ..timeutil import iso_utc
from .mail_body import body_text, looks_tabular, table_body, unflowed, uu_files, wide_commas_folded
from .mail_parts import Attachment, Mail, is_tnef

# header names that open a saved message (RFC 5322, plus what mail servers and clients add first)
MAIL_HEADERS = (b"received", b"return-path", b"from", b"to", b"subject", b"date", b"message-id", b"mime-version",
                b"delivered-to", b"x-mozilla-status", b"x-apple-", b"reply-to", b"x-", b"cc", b"sender",
                b"content-type", b"thread-", b"dkim-signature", b"arc-", b"authentication-results", b"x-ms-")
_STRONG = re.compile(rb"(?im)^(?:from|date|subject|message-id|received|mime-version|return-path):")
_FIELD = re.compile(rb"^[!-9;-~]+:")  # an RFC 5322 field name then a colon
_MBOX_SEPARATOR = re.compile(rb"(?m)^From ")
_EMLX_LENGTH = re.compile(rb"^\s*(\d{1,12})\s*\n")
_LOSSES = (email.errors.CloseBoundaryNotFoundDefect, email.errors.StartBoundaryNotFoundDefect,
           email.errors.InvalidBase64PaddingDefect, email.errors.InvalidBase64CharactersDefect,
           email.errors.InvalidBase64LengthDefect, email.errors.MultipartInvariantViolationDefect)
_RAW_NAME = re.compile(rb"""(?i)(?:^|;)\s*(?:file)?name\s*=\s*(?:"([^"]*)"|([^;\s]+))""")
_ENCRYPTED_TYPES = ("multipart/encrypted",)
_SMIME_TYPES = ("application/pkcs7-mime", "application/x-pkcs7-mime")
BODY_TYPES = (b"text/plain", b"text/html", b"text/enriched", b"text/richtext")  # a message's own text
MAX_PARTS = 10_000  # MIME parts read from one message (a crafted message of millions of empty parts)


def looks_like_headers(head: bytes) -> bool:
    """A saved message by its first bytes: header fields from its first line (no blank line before them), at
    least one of them one every message has (From, Date, Subject, Message-ID, Received ...)."""
    lines = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 8)[:-1] or [head]
    if not lines or not _FIELD.match(lines[0]) or not lines[0].lower().startswith(MAIL_HEADERS):
        return False
    fields = 0
    for line in lines:
        line = line.rstrip(b"\r")
        if not line:
            break
        if _FIELD.match(line):
            fields += 1
        elif line[:1] not in (b" ", b"\t"):
            if fields < 2:
                return False
            break  # a body typed right after the headers, without the blank line: still a message
    return _STRONG.search(head) is not None


_HEADER_END = re.compile(rb"\r?\n\r?\n")
_CONTENT_TYPE = re.compile(rb"(?im)^content-type:[ \t]*([^;\r\n]*)")
_NAMED = re.compile(rb"(?im)^content-disposition:[ \t]*attachment|\bname\*?[0-9]*\*?[ \t]*=")


def text_only(head: bytes, complete: bool = False) -> bool:
    """Whether a message's header block, whole within ``head``, says it is one text part with no name: such a
    message holds no attachment (a body only), and needs no reading. Multipart, message, application ...
    types, a named part, or headers longer than ``head`` (a long Received chain) are never text-only.
    ``complete``: ``head`` is the whole file; then a message with no Content-Type but text ones and no named
    part anywhere is text-only too, whether or not a blank line ends its headers (a body typed after them)."""
    if not looks_like_headers(head):
        return False  # not a message's headers: the worker reads it and lists what it is
    end = _header_end(head)
    if end is None and not complete:
        return False
    block = head if end is None else head[:end[0]]
    if _FOLDED.search(block) is not None:  # (one pass: two ``in`` searches for a two-byte needle cost 5x as much)
        block = re.sub(rb"\r?\n[ \t]+", b" ", block)  # unfolded
    # each pattern only where its literal occurs (both fold ASCII letters only, as bytes.lower does): the walk
    # asks this of every .eml, and a pattern without a literal prefix is tried at every byte of 16 KiB
    lowered = block.lower()
    kinds = _CONTENT_TYPE.findall(block) if b"content-type:" in lowered else []
    if any(k.strip().lower() not in BODY_TYPES for k in kinds):  # text/csv is a file, not a body
        return False
    if b"boundary=" in lowered and b"multipart/" in lowered:  # a multipart whose Content-Type name is damaged
        return False
    if b"name" not in lowered and b"content-disposition:" not in lowered:
        return True
    return _NAMED.search(block) is None


def _header_end(head: bytes) -> tuple[int, int] | None:
    """Where ``_HEADER_END`` first matches in ``head`` (start, end; None: nowhere), found by ``bytes.find``: from
    the first LF followed by LF or CRLF (one byte earlier when a CR comes before it) to the second LF. The walk's
    checks of one .eml ask it three times of the same bytes (``text_only``, ``body_may_hold_table``,
    ``cut_in_header``): the last answer is kept for that object (two searches of the whole message each time)."""
    last, found = _LAST_END[0]
    if head is last:
        return found
    found = _find_header_end(head)
    if len(head) <= _KEPT_END and type(head) is bytes:  # (the walk's at most 16 KiB: no large object kept alive;
        _LAST_END[0] = (head, found)  # immutable: a bytearray could change under its identity)
    return found


# the last bytes asked about and their header end, one tuple (replaced whole: threads of a Dask worker may ask; the
# object is kept here, so its identity is not reused)
_LAST_END: list[tuple[bytes | None, tuple[int, int] | None]] = [(None, None)]
_KEPT_END = 1 << 16
_FOLDED = re.compile(rb"\n[ \t]")  # a folded header line


def _find_header_end(head: bytes) -> tuple[int, int] | None:
    i, j = head.find(b"\n\n"), head.find(b"\n\r\n")
    first = min(i, j) if i >= 0 and j >= 0 else max(i, j)
    if first < 0:
        return None
    start = first - 1 if first > 0 and head[first - 1] == 13 else first
    return start, first + (2 if head[first + 1] == 10 else 3)


def cut_in_header(raw: bytes) -> bool:
    """Whether a whole message ends in the middle of a header line, before the blank line that starts its body
    (Session 10: such a cut .eml was neither read nor listed): a complete message ends its lines. Its last line
    is a header field or a folded continuation of one (a body after headers without a blank line is no cut)."""
    if not raw or raw.endswith((b"\n", b"\r")) or _header_end(raw) is not None:
        return False
    last = raw.rfind(b"\n") + 1
    if _HEADER_LINE.match(raw, last) is not None:
        return True
    # cut inside a field's name (``Content-T``, damage16: an mbox cut so was neither read nor listed): a word with no
    # colon yet, right after a header line
    return (last > 0 and _FIELD_NAME_PART.fullmatch(raw, last) is not None
            and _HEADER_LINE.match(raw, raw.rfind(b"\n", 0, last - 1) + 1) is not None)


_HEADER_LINE = re.compile(rb"[!-9;-~]+:|[ \t]")
_FIELD_NAME_PART = re.compile(rb"[!-9;-~]+\r?")


# a base64 body, also under a Content-Transfer-Encoding name with a damaged byte (the worker reads it: review9f)
_BASE64_BODY = re.compile(rb"(?im)^[!-9;-~]{23,27}:[ \t]*base64[ \t]*\r?$")
_FLOWED = re.compile(rb'(?i)format="?flowed')
_UU_BEGIN_LINE = re.compile(rb"(?m)^begin(?:-base64)? [0-7]{3,4} ")
_DELSP = re.compile(rb'(?i)delsp="?yes')


def body_may_hold_table(raw: bytes, complete: bool) -> bool:
    """The walk's cheap check of a text-only message (``text_only``): whether its body may hold a pasted table
    (scanner.inspectors.mail_body), from its raw bytes, without decoding anything: the same tabular rule on the
    bytes as they are (delimiters and spaces are ASCII in every charset a mail body uses), an HTML table, or a
    body it cannot see (base64, or more than ``raw`` when ``raw`` is not the whole file) -> True."""
    if not complete:
        return True
    end = _header_end(raw)
    if end is None:
        return False
    body, block = raw[end[1]:], raw[:end[0]]
    if b"base64" in block.lower() and _BASE64_BODY.search(block):  # the pattern where it may match
        return bool(body.strip())  # not decoded in the walk: the worker reads it
    if b"begin" in body and _UU_BEGIN_LINE.search(body):  # a uuencoded file in the text (or a whole x-uuencode part)
        return True
    body = body.replace(b"=\r\n", b"").replace(b"=\n", b"")  # quoted-printable soft line breaks (<ta=\nble>)
    text = body.decode("latin-1")
    if _FLOWED.search(raw):  # Thunderbird's wrapped lines joined (a space is a space in any charset)
        text = unflowed(text, _DELSP.search(raw) is not None)
    return looks_tabular(wide_commas_folded(text), html=b"<table" in body.lower())


def looks_like_mbox(head: bytes) -> bool:
    """An mbox: a ``From `` separator line first, then a message's header fields."""
    if not head.startswith(b"From "):
        return False
    nl = head.find(b"\n")
    return nl > 0 and looks_like_headers(head[nl + 1:])


def looks_like_emlx(head: bytes) -> bool:
    """Apple Mail's .emlx: the message's length in bytes on the first line, then the message."""
    found = _EMLX_LENGTH.match(head)
    return found is not None and looks_like_headers(head[found.end():])


class _WholeBoundary(ContentTypeHeader):
    """Content-Type with an unquoted boundary holding '=' taken whole, as every mail program reads it
    (Outlook Express's ``boundary=----=_NextPart_...``); Python's default policy stops the token at the '=', and
    its cut ``----`` then matches a text line of dashes, whose closing form makes the parser drop every line
    after it (review14i). Applies to every part's header, nested multiparts too."""

    @classmethod
    def parse(cls, value: str, kwds: dict[str, object]) -> None:
        super().parse(_UNQUOTED_EQUALS_BOUNDARY.sub(r'\1"\2"', value), kwds)


_UNQUOTED_EQUALS_BOUNDARY = re.compile(r'(?i)(;\s*boundary\s*=\s*)([^";\s]*=[^";\s]*)')
_HEADERS = HeaderRegistry()
_HEADERS.map_to_type("content-type", _WholeBoundary)  # type: ignore[arg-type]  # a mixin: the registry adds BaseHeader
MAIL_POLICY = policy.default.clone(header_factory=_HEADERS)


def read_message(raw: bytes) -> Mail:
    """One message's attachments, the messages attached to it, and what is damaged in it. A message nesting
    multiparts deeper than Python's mail parser can follow (it recurses once a level: about a thousand levels)
    is listed corrupt ``mime-too-deep`` (review14i: Python's English RecursionError text was its detail)."""
    try:
        return _read_message(raw)
    except RecursionError:
        return Mail(problems=[(Status.CORRUPT, say(Detail.MIME_TOO_DEEP))])


def _read_message(raw: bytes) -> Mail:
    msg = email.message_from_bytes(raw, policy=MAIL_POLICY)
    mail = _mail_of(msg, raw_is_message=True)
    # A damaged delimiter line ("/-boundary": its part and everything in it is read as the text before it) or
    # a line that is no header field inside the header block (bytes pasted over it: the email package ends
    # the headers there and reads Content-Type as body) makes attachments vanish without a defect worth the
    # name: the message is read again repaired, and kept so, listed corrupt, when that finds more.
    for repair, what in ((_with_delimiters_repaired, Detail.MIME_DELIMITER_REPAIRED),
                         (_without_stray_header_lines, Detail.HEADER_BLOCK_REPAIRED)):
        fixed = repair(raw, msg)
        if fixed is None:
            continue
        again = _mail_of(email.message_from_bytes(fixed, policy=MAIL_POLICY), raw_is_message=True)
        if len(again.attachments) + len(again.attached) > len(mail.attachments) + len(mail.attached):
            again.problems.append((Status.CORRUPT, say(what)))
            return again
    if not mail.problems and cut_in_header(raw):
        mail.problems.append((Status.CORRUPT, say(Detail.CUT_IN_HEADER)))
    return mail


def _with_delimiters_repaired(raw: bytes, msg: Message) -> bytes | None:
    """The message with each line that ends in one of its boundaries after 1-3 other characters than "--"
    (a flipped byte in a delimiter) made a delimiter again; None when there is none."""
    fixed = raw
    for part in msg.walk():
        boundary = part.get_param("boundary")
        if isinstance(boundary, str) and 0 < len(boundary) <= 200:
            mark = re.escape(boundary.encode("utf-8", "surrogateescape"))
            fixed = re.sub(rb"(?m)^(?!--)[^\r\n]{1,3}(" + mark + rb"(?:--)?[ \t]*\r?)$", rb"--\1", fixed)
    return None if fixed == raw else fixed


_FIELD = re.compile(rb"[\x21-\x39\x3b-\x7e]+[ \t]*:")


def _without_stray_header_lines(raw: bytes, msg: Message) -> bytes | None:
    """The message with the lines of its header block that are neither a field nor a folded continuation
    left out; None when there is none (or the email package saw its headers end well)."""
    if not any(isinstance(d, email.errors.MissingHeaderBodySeparatorDefect) for d in msg.defects):
        return None
    end = _HEADER_END.search(raw)
    block = raw[:end.start()] if end else raw
    lines = block.splitlines(keepends=True)
    kept = [ln for ln in lines if _FIELD.match(ln) or ln[:1] in (b" ", b"\t")]
    if len(kept) == len(lines):
        return None
    return b"".join(kept) + (raw[end.start():] if end else b"")


_BODY_REREADS = 3  # a body read again as parts, in a body read again as parts ...: each re-read parses the rest again


def _mail_of(msg: Message, raw_is_message: bool = False, rereads: int = _BODY_REREADS) -> Mail:
    mail = Mail(date=_date(msg), subject=_header_text(msg, "Subject"))
    if raw_is_message and not any(k for k, _ in msg.raw_items()):
        mail.problems.append((Status.CORRUPT, say(Detail.NO_MAIL_HEADER)))
    count = 0
    bodies: dict[int, list[tuple[bool, Message]]] = {}  # the bodies of one multipart/alternative (or one alone)
    parents: dict[int, Message] = {}  # part -> the multipart holding it
    sides = _Sides()  # the HTML bodies' words and the plain bodies' verdicts, each computed once
    for part, alternative in _walk(msg):
        count += 1
        if count > MAX_PARTS:
            mail.problems.append((Status.TOO_LARGE, say(Detail.MIME_PARTS_OVER, n=MAX_PARTS)))
            break
        losses = [type(d).__name__ for d in part.defects if isinstance(d, _LOSSES)]
        kind = part.get_content_type()
        if kind in _ENCRYPTED_TYPES or (kind in _SMIME_TYPES and "signed" not in str(part.get_param("smime-type", ""))):
            mail.problems.append((Status.ENCRYPTED, say(Detail.MAIL_ENCRYPTED_PART, kind=kind)))
            if part.is_multipart():
                break
        if kind in ("message/rfc822", "message/global"):
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                mail.attached.append(_mail_of(inner[0]))
            continue
        name, raw_hex = (None, None) if part.is_multipart() else part_name(part)
        fixed, retyped = (None, False) if part.is_multipart() else _damaged_multipart(part)
        reread = fixed is None and not part.is_multipart() and _is_body(part, name)
        if reread:
            # a body holding delimited MIME parts no header announced (nested ones a few levels deep at most: a
            # body of thousands of nested delimiters was parsed again at each, review14g)
            fixed = _parts_in_body(part) if rereads > 0 else None
            if fixed is not None:
                mail.problems.append((Status.CORRUPT, say(Detail.MIME_PARTS_IN_BODY)))
            elif _part_headers_in_body(part) or (rereads <= 0 and _BODY_DELIMITER.search(_raw_body(part))):
                mail.problems.append((Status.CORRUPT, say(Detail.MIME_PARTS_IN_BODY_UNREAD)))
        elif fixed is not None:  # a damaged Content-Type ("mulvipart/mixed") over a body of MIME parts
            if retyped:  # not when only Python's parser cut an unquoted boundary holding '=' (wild14)
                mail.problems.append((Status.CORRUPT, say(Detail.CONTENT_TYPE_REPAIRED)))
        if fixed is not None:
            inner = _mail_of(fixed, rereads=rereads - 1 if reread else rereads)
            mail.attachments += inner.attachments
            mail.attached += inner.attached
            mail.problems += inner.problems
            continue
        if part.is_multipart():
            for sub in part.get_payload():
                parents[id(sub)] = part
            if losses:
                mail.problems.append((Status.CORRUPT, say(Detail.MIME_STRUCTURE_DAMAGED, why=", ".join(sorted(set(losses))))))
            continue
        if (damaged := repair_encoding_name(part, UU_ENCODINGS)) is not None:
            mail.problems.append((Status.CORRUPT, say(Detail.TRANSFER_ENCODING_REPAIRED, name=repr(damaged))))
            name, raw_hex = part_name(part)
        if str(part.get("Content-Transfer-Encoding", "")).strip().lower() in UU_ENCODINGS:
            _uuencoded_part(part, name, raw_hex, mail)  # the file itself, not a body (email would decode it as one)
            continue
        if _is_body(part, name):
            # a body (text, html): not an attached file, but it may hold a pasted table or uuencoded files
            bodies.setdefault(_body_group(part, alternative, parents, sides), []).append((kind == "text/html", part))
            continue
        attachment = _attachment(part, name, raw_hex, len(mail.attachments) + 1)
        mail.attachments.append(attachment)
    for group in bodies.values():
        _read_bodies(group, mail)
    return mail


_BOUNDARY = re.compile(r'(?i)\bmultipart/[^;]*;.*?\bboundary="?([^";\s]{1,200})')
UU_ENCODINGS = ("x-uuencode", "x-uue", "uuencode", "x-uuencoded", "uue")


def _is_body(part: Message, name: str | None) -> bool:
    """A message's own text (text/plain, text/html ... without a name, not an ``attachment``)."""
    return (name is None and part.get_content_disposition() != "attachment"
            and part.get_content_type().encode() in BODY_TYPES)


class _Sides:
    """One message's plain/HTML comparison state: each multipart's HTML parts found and each decoded and stripped once (both
    were done again for every text/plain part: 200 plain parts in 1 MB took 6 s), each distinct plain text's verdict once, and at most
    MAX_PLAIN_COMPARED distinct plain texts compared per multipart (past it, a text of its own: read, never lost)."""

    def __init__(self) -> None:
        self.words: dict[int, str] = {}
        self.verdicts: dict[tuple[int, tuple[str, ...]], int] = {}
        self.compared: dict[int, int] = {}
        self.siblings: dict[int, list[Message]] = {}

    def htmls(self, parent: Message) -> list[Message]:
        """The multipart's HTML bodies (its parts' headers parsed once, not again for each plain part)."""
        key = id(parent)
        if key not in self.siblings:
            self.siblings[key] = [sub for sub in parent.get_payload() if isinstance(sub, Message)
                                  and not sub.is_multipart() and sub.get_content_type() == "text/html"
                                  and _is_body(sub, part_name(sub)[0])]
        return self.siblings[key]

    def html_words(self, html_part: Message) -> str:
        key = id(html_part)
        if key not in self.words:
            self.words[key] = "".join(html_entities.unescape(_TAG.sub(" ", _decoded(html_part))).split())
        return self.words[key]


def _body_group(part: Message, alternative: Message | None, parents: dict[int, Message],
                sides: _Sides | None = None) -> int:
    """Which bodies are one text: those of one multipart/alternative; and a text/plain beside a text/html in a
    multipart/mixed (a client that writes both without the alternative wrapper) when most of the plain text's
    lines are in the HTML's words, so their rows are read once. Any other body is a text of its own (Apple Mail's
    text, picture, text; a list's footer part; a second table of other people)."""
    if alternative is not None:
        return id(alternative)
    parent = parents.get(id(part))
    if parent is None or part.get_content_type() != "text/plain":
        return id(part)
    sides = sides if sides is not None else _Sides()
    htmls = sides.htmls(parent)
    if not htmls or len(htmls) > MAX_SIDE_BY_SIDE:
        return id(part)
    lines = [bare for line in _decoded(part).splitlines() if (bare := "".join(line.split()))]
    lines = lines[::max(1, len(lines) // SAMPLED_LINES)][:SAMPLED_LINES]
    key = (id(parent), tuple(lines))
    if key in sides.verdicts:
        return sides.verdicts[key] if sides.verdicts[key] else id(part)
    if sides.compared.get(id(parent), 0) >= MAX_PLAIN_COMPARED:
        return id(part)  # a text of its own: its rows read (perhaps twice), never lost
    sides.compared[id(parent)] = sides.compared.get(id(parent), 0) + 1
    found = 0
    for html_part in htmls:
        words = sides.html_words(html_part)
        if lines and 2 * sum(line in words for line in lines) >= len(lines):
            found = id(html_part)  # the same text as this HTML: one group, one table
            break
    sides.verdicts[key] = found
    return found or id(part)


MAX_PLAIN_COMPARED = 64  # distinct text/plain bodies of one multipart compared with its HTML ones
MAX_SIDE_BY_SIDE, SAMPLED_LINES = 16, 64  # HTML bodies of one mixed compared; plain-text lines looked up in them
_TAG = re.compile(r"<[^>]*>")


def _decoded(part: Message) -> str:
    """A body's text (empty when it cannot be decoded: it is then a text of its own, read and said later)."""
    try:
        raw = part.get_payload(decode=True)
        return body_text(raw if isinstance(raw, bytes) else b"", part.get_content_charset())[0]
    except Exception:  # noqa: BLE001
        return ""


def _uuencoded_part(part: Message, name: str | None, raw_hex: str | None, mail: Mail) -> None:
    """A part sent with Content-Transfer-Encoding x-uuencode (old Outlook Express, Becky!, mailers of the 1990s):
    the files its ``begin`` ... ``end`` blocks hold, named by the part (else by the block); none: corrupt."""
    # the payload as received (8-bit bytes kept as surrogates): get_payload(decode=False) replaces the bytes of a
    # Shift_JIS name in a begin line with U+FFFD; each name is decoded as a file name below
    raw = getattr(part, "_payload", None)
    _rest, files, problems = uu_files(raw if isinstance(raw, str) else "")
    for found in files:
        if any("\udc80" <= ch <= "\udcff" for ch in found.name):
            found.name = decode_name(found.name.encode("utf-8", "surrogateescape"))[0]
    mail.problems.extend(problems)
    if not files:
        mail.attachments.append(Attachment(name or f"attachment-{len(mail.attachments) + 1}", None, (
            Status.CORRUPT, say(Detail.UUENCODE_NO_BEGIN)), raw_hex))
    if name and len(files) == 1:  # the part is the file (several files: each keeps its begin line's name)
        files[0].name, files[0].raw_hex = name, raw_hex
    mail.attachments.extend(files)


def _damaged_multipart(part: Message) -> tuple[Message | None, bool]:
    """A part whose type is not multipart although it names a boundary and its body is cut by that boundary's
    delimiter lines (a flipped byte in "multipart"), parsed again as multipart/mixed, and whether its header
    was damaged; (None, False) otherwise.

    wild14: a multipart part whose boundary is written without quotes although it holds '=' (Outlook Express's
    ``boundary=----=_NextPart_...``) is read by every mail program with the whole token; Python's default policy
    stops the boundary at the '=' and reads no part. Its body's delimiter lines decide which boundary is meant;
    such a part is read as what it declares (its subtype kept), not as damaged. The message parsed again must
    be multipart (a boundary no delimiter line fits is never tried again: that was endless)."""
    declared = part.get_content_maintype() == "multipart"
    param = part.get_param("boundary")
    if param is None:  # Session 9: a damaged header name ("C/ntent-Type"): its value still names the boundary
        found = (_BOUNDARY.search(str(v)) for k, v in part.items() if k.lower() != "content-type")
        param = next((m.group(1) for m in found if m is not None), None)
    named = [b for b in (_raw_boundary(part), param) if isinstance(b, str) and b and len(b) <= 200 and '"' not in b]
    if not named:
        return None, False
    body = part.get_payload(decode=False)
    if not isinstance(body, str):
        return None, False
    for boundary in named:
        if re.search(r"(?m)^--" + re.escape(boundary) + r"(?:--)?[ \t]*\r?$", body) is None:
            continue
        kind = part.get_content_type() if declared else "multipart/mixed"
        head = f'Content-Type: {kind}; boundary="{boundary}"\r\n\r\n'
        again = email.message_from_bytes((head + body).encode("utf-8", "surrogateescape"), policy=MAIL_POLICY)
        if again.is_multipart():
            return again, not (declared and boundary != part.get_param("boundary"))
    return None, False


# A delimiter line directly followed by a part's header block that names a Content-* field: MIME parts, whatever
# the headers above them say. The token is the boundary the parts were written with (possibly itself damaged).
_BODY_DELIMITER = re.compile(rb"(?m)^--([!-~]{1,200}?)[ \t]*\r?\n(?:[!-9;-~]+[ \t]*:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*){0,8}?"
                             rb"(?i:content-(?:type|transfer-encoding|disposition))[ \t]*:")
_PART_HEADER = re.compile(rb"(?im)^content-(?:type|transfer-encoding|disposition)[ \t]*:[^\r\n]*\r?\n"
                          rb"(?:[!-~][^\r\n]*\r?\n|[ \t][^\r\n]*\r?\n){0,8}?\r?\n[A-Za-z0-9+/]{40,}={0,2}\r?$")


def _raw_body(part: Message) -> bytes:
    """A part's undecoded body as its bytes (total: b"" when the package cannot give it)."""
    try:
        body = part.get_payload(decode=False)
    except Exception:  # noqa: BLE001 - a damaged part: nothing to look at
        return b""
    return body.encode("utf-8", "surrogateescape") if isinstance(body, str) else b""


def _parts_in_body(part: Message) -> Message | None:
    """A body part (text, no name) whose text holds delimited MIME parts: a damaged header line or delimiter made
    the email package end a header block or a part early, so the parts after it were read as this text (Session 14
    sweep: the top ``Content-Type:`` lost its colon; a flipped byte in a delimiter line, so the attachment's part
    header and base64 became the text part's lines). The body is read again as multipart/mixed with the boundary
    its first such delimiter line gives; the text before that line stays a part of this part's own type (it was
    this part's text, not a preamble). None when the body holds no such line or it does not parse as multipart."""
    body = _raw_body(part)
    found = _BODY_DELIMITER.search(body) if b"--" in body else None
    if found is None:
        return None
    boundary = found.group(1)
    if b'"' in boundary:
        return None
    own = "".join(f"{k}: {v}\r\n" for k, v in part.raw_items() if k.lower().startswith("content-"))
    head = (f'Content-Type: multipart/mixed; boundary="{boundary.decode("ascii")}"\r\n\r\n'
            f'--{boundary.decode("ascii")}\r\n{own}\r\n').encode("utf-8", "surrogateescape")
    try:
        again = email.message_from_bytes(head + body, policy=policy.default)
    except Exception:  # noqa: BLE001 - not readable again: the caller lists the part
        return None
    return again if again.is_multipart() and len(again.get_payload()) > 1 else None


def _part_headers_in_body(part: Message) -> bool:
    """A body part whose text holds a part header block (a Content-* field) followed by base64 lines: MIME parts
    whose delimiters are lost; they cannot be read as parts, so the message is listed (never a silent clean)."""
    body = _raw_body(part)
    return b"ontent-" in body and _PART_HEADER.search(body) is not None


_RAW_BOUNDARY = re.compile(r'(?i)(?:^|;)\s*boundary\s*=\s*(?:"([^"]{1,200})"|([^;\s"]{1,200}))')


def _raw_boundary(part: Message) -> str | None:
    """The boundary as written in the part's Content-Type (an unquoted token taken whole, '=' included)."""
    raw = next((v for k, v in part.raw_items() if k.lower() == "content-type"), None)
    if not isinstance(raw, str):
        return None
    found = _RAW_BOUNDARY.search(re.sub(r"\s+", " ", raw))
    return None if found is None else found.group(1) or found.group(2)


def _read_bodies(group: list[tuple[bool, Message]], mail: Mail) -> None:
    """The bodies of one group of alternatives (the same text as plain text and HTML): uuencoded files from
    the plain text, and one table: the HTML one when it holds a table, else the plain text's (never both,
    which would count the same rows twice)."""
    tables: list[Attachment] = []
    for html, part in sorted(group, key=lambda g: not g[0]):  # HTML first
        try:
            raw = _decoded_payload(part)
        except Exception as e:  # noqa: BLE001 - a damaged body is data about this message
            mail.problems.append((Status.CORRUPT, say(Detail.BODY_NOT_DECODED, error=type(e).__name__)))
            continue
        if not isinstance(raw, bytes) or not raw.strip():
            continue
        losses = sorted({type(d).__name__ for d in part.defects if isinstance(d, _LOSSES)})
        try:
            charset = part.get_content_charset()
        except Exception:  # noqa: BLE001 - a malformed parameter: read as a text table would be
            charset = None
        text, problem = body_text(raw, charset)
        if not html and str(part.get_param("format") or "").lower() == "flowed":
            text = unflowed(text, str(part.get_param("delsp") or "").lower() == "yes")
        if losses:
            cut = say(Detail.BODY_DAMAGED, why=", ".join(losses))
            problem = (Status.CORRUPT, join_details((problem[1], cut)) if problem else cut)
        if not html:
            text, files, found = uu_files(text)
            mail.attachments.extend(files)
            mail.problems.extend(found)
        table = table_body(text, html, problem)
        if table is not None:
            tables.append(table)
        elif problem is not None:
            mail.problems.append(problem)
    if tables:
        mail.attachments.append(tables[0])


def _walk(msg: Message, alternative: Message | None = None) -> Iterator[tuple[Message, Message | None]]:
    """Every part with the nearest multipart/alternative above it (the HTML of [plain, related [html, image]] is
    the plain text's alternative one level down), without descending into attached messages (they are read as
    messages of their own)."""
    yield msg, alternative
    if msg.is_multipart() and msg.get_content_maintype() != "message":
        inner = msg if msg.get_content_subtype() == "alternative" else alternative
        for sub in msg.get_payload():
            if isinstance(sub, Message):
                yield from _walk(sub, inner)


def _attachment(part: Message, name: str | None, raw_hex: str | None, number: int) -> Attachment:
    shown = name or f"attachment-{number}"
    try:
        data = _decoded_payload(part)
    except Exception as e:  # noqa: BLE001 - a damaged part is data about this attachment
        return Attachment(shown, None, (Status.CORRUPT, say(Detail.ATTACHMENT_NOT_DECODED, error=type(e).__name__)),
                          raw_hex)
    if not isinstance(data, bytes):
        data = b""
    losses = sorted({type(d).__name__ for d in part.defects if isinstance(d, _LOSSES)})
    problem = (Status.CORRUPT, say(Detail.ATTACHMENT_DAMAGED, why=", ".join(losses))) if losses else None
    return Attachment(shown, data, problem, raw_hex, tnef=is_tnef(shown, part.get_content_type()))


_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]+")


def _decoded_payload(part: Message) -> object:
    """``part.get_payload(decode=True)``, but a base64 body whose digits stop one past a whole group gives its
    whole groups decoded (``_base64_prefix``), for an attachment and a message body alike (a body's pasted table
    was read as its base64 text, 0 rows, review14g)."""
    data = part.get_payload(decode=True)
    if any(isinstance(d, email.errors.InvalidBase64LengthDefect) for d in part.defects):
        return _base64_prefix(part)  # the package gives the base64 text itself back (bpo-27397)
    return data


def _base64_prefix(part: Message) -> bytes:
    """The bytes of a base64 body whose digits stop one past a whole group (a message cut mid-attachment: a
    quarter of the time): the whole groups decoded. Python's email package returns the undecoded text for it,
    which was then read as a text file ("text without delimited rows") and a cut workbook's rows were lost
    (Session 14). Total: b"" when nothing decodes."""
    try:
        raw = part.get_payload(decode=False)
        text = raw.encode("ascii", "ignore") if isinstance(raw, str) else b""
        digits = _NOT_BASE64.sub(b"", text.split(b"=", 1)[0])
        return base64.b64decode(digits[:len(digits) // 4 * 4])
    except Exception:  # noqa: BLE001 - a failure path never raises
        return b""


def part_name(part: Message) -> tuple[str | None, str | None]:
    """(file name, raw hex or None) of a part: RFC 2231 and RFC 2047 names as the package decodes them; a name
    sent as raw 8-bit bytes from its raw header bytes (UTF-8, else cp932), with those bytes kept."""
    for key, value in part.raw_items():
        if key.lower() not in ("content-disposition", "content-type") or value.isascii():
            continue
        try:
            raw = value.encode("ascii", "surrogateescape")  # message_from_bytes kept 8-bit bytes as surrogates
        except UnicodeEncodeError:
            raw = value.encode("utf-8")
        found = _RAW_NAME.search(raw.replace(b"\r\n", b"").replace(b"\n", b""))
        if found:
            name_bytes = found.group(1) if found.group(1) is not None else found.group(2)
            text, was_utf8 = decode_name(name_bytes)
            return text, None if was_utf8 else name_bytes.hex()
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001 - a malformed parameter: the part is still an attachment, unnamed
        return None, None
    return (str(name), None) if name else (None, None)


def _header_text(msg: Message, key: str) -> str:
    try:
        value = msg.get(key)
    except Exception:  # noqa: BLE001 - a malformed header is no reason to lose the attachments
        return ""
    return str(value) if value is not None else ""


def _date(msg: Message) -> str | None:
    try:
        text = msg.get("Date")
        if text is None:
            return None
        when = email.utils.parsedate_to_datetime(str(text))
        return iso_utc(when.timestamp())
    except Exception:  # noqa: BLE001 - an unparseable date: shown without one
        return None


def mbox_messages(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(number from 1, bytes) of each message of an mbox: split at ``From `` lines (mboxo and mboxrd writers
    escape such lines inside a message as ``>From ``); the separator line is left out."""
    starts = (m.start() for m in _MBOX_SEPARATOR.finditer(data))  # lazily: millions of separators hold no list
    start = next(starts, None)
    if start is None and data:  # named .mbox but no separator line at all: read as the one message it holds
        yield 1, data
        return
    number = 0
    while start is not None:
        end = next(starts, None)
        stop = len(data) if end is None else end
        nl = data.find(b"\n", start, stop)
        number += 1
        yield number, data[nl + 1:stop] if nl >= 0 else b""
        start = end


LINE_CHUNK = 1 << 20  # the most of one line a streamed mbox reads at once


def mbox_stream_messages(stream: IO[bytes], most: int) -> Iterator[tuple[int, bytes | None]]:
    """``mbox_messages`` of an mbox read from a stream, line by line, one message in memory at a time; a
    message over ``most`` bytes is given as None (it is skipped to its end, never held)."""
    number, size, started, at_start = 0, 0, False, True
    lines: list[bytes] = []
    while line := stream.readline(LINE_CHUNK):  # a line with no end for gigabytes is read a piece at a time
        line_start, at_start = at_start, line.endswith(b"\n")
        if line_start and line.startswith(b"From "):
            if started:
                yield number, (b"".join(lines) if size <= most else None)
            number, lines, size, started = number + 1, [], 0, True
            continue
        if not started:
            size += len(line)  # bytes before the first separator: not a message (counted: a file of none)
            continue
        size += len(line)
        if size <= most:
            lines.append(line)
        else:
            lines = []
    if started:
        yield number, (b"".join(lines) if size <= most else None)
    elif size:  # no separator line at all (named .mbox): one message, as large as the file
        yield 1, None


def emlx_message(data: bytes) -> tuple[bytes, str | None]:
    """The message inside an .emlx and, when the file holds fewer bytes than its first line says, why."""
    found = _EMLX_LENGTH.match(data)
    if found is None:
        return data, "no length line: read as a plain message"
    length = int(found.group(1))
    body = data[found.end():found.end() + length]
    if len(body) < length:
        return body, f"holds {len(body)} of the {length} message bytes its first line declares (cut)"
    return body, None
