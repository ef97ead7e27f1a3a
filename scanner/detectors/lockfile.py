"""Lock (owner) files: who had a file open, on which machine, and when. Pure parsers over bytes read.

Office writes ``~$NAME`` and LibreOffice ``.~lock.NAME#`` beside a file while it is open; the name rules
(signatures/name_variants.toml, ``[[lock]]``) make them hits, and scanner/inspectors/lockfile.py hands
their bytes to these parsers:

* Office owner file (162 bytes for Word, 165 for Excel and PowerPoint): the Office user name, once in the
  Windows ANSI code page (a length byte, then the name) and once in UTF-16LE at offset 54 (Word) or 55
  (Excel, PowerPoint), as LibreOffice's svl/source/misc/msodocumentlockfile.cxx reads it;
* LibreOffice lock file: one UTF-8 line ``user name,account,host,DD.MM.YYYY HH:MM,profile URL;`` with
  ``\\`` escaping ``,`` ``;`` and ``\\`` (svl/source/misc/lockfilecommon.cxx).

Parsing is pure, over at most MAX_LOCK_BYTES already read; a file that does not hold what its format
says is reported ``corrupt`` with the reason, never a crash. The user name is a person's name: masked in
findings.json (``山田 **``), shown in clear in the report only with --unmask. The account and host are
kept like paths (the report shows ``C:\\Users\\account`` paths in clear anyway).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..masking import mask_name

MAX_LOCK_BYTES = 4096  # real ones are 162/165 bytes (Office) or one short line (LibreOffice)
MSO_NAME_MAX = 52  # Office refuses longer user names
_MSO_UTF16_AT = (54, 55)  # Word; Excel and PowerPoint
_LO_FIELDS = 5
_LO_TIME = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4}) (\d{1,2}):(\d{2})$")


class LockFormatError(ValueError):
    """The bytes are not what the lock format says; the message says what is wrong (no personal value)."""


@dataclass(frozen=True)
class LockInfo:
    format: str  # mso-owner, libreoffice-lock, emacs-lock
    user: str | None  # the application's user name (a person's name): masked before it leaves memory
    account: str | None = None  # the OS account (LibreOffice)
    host: str | None = None  # the machine (LibreOffice)
    opened: str | None = None  # when it was opened, local wall-clock time of that machine (LibreOffice)

    def to_json(self, unmask: bool) -> dict[str, Any]:
        """The ``annotations.lock`` object: user masked; the clear one only for the --unmask report."""
        out: dict[str, Any] = {"format": self.format, "user": mask_name(self.user) if self.user else None}
        if unmask and self.user:
            out["user_clear"] = self.user  # dropped again before findings.json is written
        for key in ("account", "host", "opened"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


def _printable(text: str) -> bool:
    return bool(text) and text.isprintable()


def parse_mso_owner(data: bytes) -> LockInfo:
    """The user name in an Office owner file (``~$…``)."""
    if not data:
        raise LockFormatError("empty owner file")
    n = data[0]
    if not 0 < n <= MSO_NAME_MAX or len(data) < 1 + n:
        raise LockFormatError("no user name length in the first byte")
    user = _mso_utf16(data) or _mso_ansi(data[1:1 + n]) or _mso_ansi(data[1:_MSO_UTF16_AT[0]].split(b"\x00")[0].rstrip(b" "))
    if user is None:
        raise LockFormatError("user name is neither valid UTF-16 nor ANSI text")
    return LockInfo("mso-owner", user)


MSO_OWNER_SIZES = (162, 165)  # Word; Excel and PowerPoint: the size Office writes every owner file at


def looks_like_mso_owner(data: bytes) -> bool:
    """Whether bytes are laid out as an Office owner file though its user name cannot be read (Session 14: a name
    length byte of 0, a name longer than Office allows, a file of NULs gave a noise row when read as the table its
    name claims): its UTF-16 copy of a name at its place, or the size Office writes with at least 30 % of it
    NUL or space (padding, the UTF-16 copy's high bytes). Random bytes (~1 %) and tables of other sizes are not;
    text (``text_not_owner``) is never asked."""
    if _mso_utf16(data) is not None:
        return True
    return len(data) in MSO_OWNER_SIZES and sum(1 for b in data if b in (0, 0x20)) * 10 >= len(data) * 3


def text_not_owner(data: bytes) -> bool:
    """Whether bytes are text, which no Office owner file is: less its padding, no control byte but tab and line
    ends. An owner file's first byte is its name's length (a control byte up to 31 characters), and the UTF-16 copy's
    length is followed by a NUL (review14c: a small table under a ``~$`` name beginning with ``1,`` was read as an
    owner file named by its first row, and a table padded with spaces to Office's size as one whose name cannot be
    read: both ended as nothing)."""
    body = data.rstrip(b" \x00")
    return bool(body) and not any(b < 0x20 and b not in (0x09, 0x0A, 0x0D) for b in body)


def _mso_utf16(data: bytes) -> str | None:
    """The UTF-16LE copy of the name, at the position Word or Excel puts it (LibreOffice's rule)."""
    if len(data) <= _MSO_UTF16_AT[1]:
        return None
    at = _MSO_UTF16_AT[0]
    n = data[at]
    if n == 0x20 and (data[at - 1] != 0 or data[at - 2] != 0):  # Excel/PowerPoint pad with spaces
        at, n = _MSO_UTF16_AT[1], data[_MSO_UTF16_AT[1]]
    if not 0 < n <= MSO_NAME_MAX or len(data) < at + 2 + 2 * n:
        return None
    try:
        text = data[at + 2:at + 2 + 2 * n].decode("utf-16-le")
    except UnicodeDecodeError:
        return None
    return text if _printable(text) else None


def _mso_ansi(raw: bytes) -> str | None:
    """The ANSI copy: cp932 on Japanese Windows, else a Western code page."""
    for encoding in ("cp932", "cp1252"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _printable(text):
            return text
    return None


def parse_libreoffice_lock(data: bytes) -> LockInfo:
    """User, account, host and time in a LibreOffice lock file (``.~lock.…#``)."""
    if not data:
        raise LockFormatError("empty lock file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise LockFormatError("not UTF-8 text") from e
    fields: list[str] = []
    cur: list[str] = []
    chars = iter(text)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "")
            if nxt not in (",", ";", "\\"):
                raise LockFormatError("bad escape")
            cur.append(nxt)
        elif ch in ",;":
            fields.append("".join(cur))
            cur = []
            if ch == ";":
                break
        else:
            cur.append(ch)
    else:
        raise LockFormatError("no end of entry (;)")
    if len(fields) != _LO_FIELDS:
        raise LockFormatError(f"{len(fields)} fields, not {_LO_FIELDS}")
    user, account, host, when, _profile = (f.strip() for f in fields)
    if not any((user, account, host)) or not all(f.isprintable() for f in (user, account, host, when)):
        raise LockFormatError("no user, account or host")
    return LockInfo("libreoffice-lock", user or None, account or None, host or None, _lo_time(when))


def _lo_time(text: str) -> str | None:
    """``15.01.2017 10:22`` (the writer's local time) -> ``2017-01-15T10:22:00`` (no zone: local)."""
    m = _LO_TIME.match(text)
    if not m:
        return None
    day, month, year, hour, minute = (int(g) for g in m.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00"


# Emacs' lock (src/filelock.c): 'USER@HOST.PID' with ':BOOT-TIME' after it where the boot time is known
_EMACS_LOCK = re.compile(r"^([^@\s]+)@(\S+)\.(\d+)(?::\d+)?$")


def parse_emacs_lock(data: bytes) -> LockInfo:
    """Emacs' ``.#NAME``: the target of the link (or the text of the file where no link could be made)."""
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError as e:
        raise LockFormatError("Emacs lock file that is not UTF-8 text") from e
    m = _EMACS_LOCK.match(text)
    if m is None or not _printable(text):
        raise LockFormatError("Emacs lock file without 'user@host.pid'")
    return LockInfo("emacs-lock", None, m.group(1), m.group(2))


PARSERS: dict[str, Callable[[bytes], LockInfo]] = {
    "mso-owner": parse_mso_owner,
    "libreoffice-lock": parse_libreoffice_lock,
    "emacs-lock": parse_emacs_lock,
}


def make_mso_owner(user: str, word: bool = False) -> bytes:
    """The bytes Office writes for an owner file (tests and the demo), laid out as LibreOffice writes them
    for Office; the ANSI copy in cp932 (Japanese Windows), its length byte counting bytes."""
    name = user[:MSO_NAME_MAX]
    ansi = name.encode("cp932", errors="replace")[:MSO_NAME_MAX]
    size = 162 if word else 165
    out = bytearray([len(ansi)]) + ansi
    pad_to = MSO_NAME_MAX + (2 if word else 3)
    out += (b"\x00" if word else b" ") * max(0, pad_to - len(out))
    out += bytes([len(name), 0]) + name.encode("utf-16-le")
    while len(out) < size:
        out += b"\x00" if word else (b" \x00" if size - len(out) > 1 else b" ")
    return bytes(out[:size])


def make_libreoffice_lock(user: str, account: str, host: str, when: str, profile: str) -> bytes:
    """The bytes LibreOffice writes for a lock file (tests and the demo); ``when`` as ``DD.MM.YYYY HH:MM``."""
    def esc(s: str) -> str:
        return re.sub(r"([\\,;])", r"\\\1", s)

    return (",".join(esc(f) for f in (user, account, host, when, profile)) + ";").encode("utf-8")
