"""Member listings for each archive format: zip (stdlib), 7z (py7zr), tar and compressed tars (stdlib).

Each opener reads the archive's directory at once (so a corrupt or encrypted archive is known before
any member is examined) and returns an object whose ``items()`` yields members lazily, one at a time,
as ArchiveMemberEntry, Link or Skipped values.
"""

from __future__ import annotations

import bisect
import bz2
import importlib
import io
import lzma
import re
import stat as statmod
import struct
import sys
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any, Protocol, Self, cast

from ..backends import MissingBackend, load
from ..codes import Status
from ..contracts import ScanContext
from ..details import Detail, codes_of, join_details, say
from ..doctables import stored_inner_directory
from ..errors import ReadError
from ..isolation import decoding
from ..models import Entry, Hop, Link, Location, Skipped
from ..passwords import byte_forms, entries
from ..sources.base import Item
from ..sources.local import decode_name
from ..sources.split_series import archive_part, is_text
from ..timeutil import iso_utc
from . import bzip2_blocks, sevenz_header
from .archive_members import (
    DOCUMENT_MARKERS,
    LZ4_LEGACY_MAGIC,
    LZ4_MAGIC,
    LZMA_EXTS,
    UNSUPPORTED_MAGIC,
    ZIP_MAGIC,
    ZSTD_MAGIC,
    ArchiveLimits,
    ArchiveMemberEntry,
    error_reason,
    lzma_alone,
    member_base_name,
    v7_tar,
    zstd_after_skippable,
)

if TYPE_CHECKING:
    from py7zr import SevenZipFile

DOS_TIME_NOTE = "zip: local time of the computer that made the archive, 2 s resolution"
UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
AES_METHOD = 99


COMPRESSED_MAGIC = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", ZSTD_MAGIC, LZ4_MAGIC, LZ4_LEGACY_MAGIC)
TAR_EXTS = (".tar", ".tgz", ".tar.gz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.lzma", ".tlz", ".tar.zst",
            ".tzst", ".tar.lz4")


def guess_by_name(name: str, data: bytes) -> str | None:
    """Content did not say: compressed files and tars by extension, a .zip with a prefix (self-extractor)."""
    low = name.casefold()
    if low.endswith((".gz", ".tgz", ".bz2", ".tbz2", ".tbz", ".xz", ".txz", ".zst", ".tzst")) and _compressed(data):
        return "compressed"
    if low.endswith(LZMA_EXTS) and lzma_alone(data, named=True):
        return "compressed"
    if low.endswith(".tar"):
        return "tar"
    part = archive_part(name)  # the first part of a byte-split zip read joined (a stub before it: Session 14)
    if (low.endswith(".zip") or (part is not None and part[0] == "zip")) and zipfile.is_zipfile(io.BytesIO(data)):
        return "zip"
    if part is not None and part[0] == "zip" and is_text(data[:512]) and ZIP_MAGIC in data:  # its end cut too:
        return "zip"  # read from its local headers (split15: it was read as text, its members unread)
    return None


@dataclass
class Opened:
    """An archive whose directory was read: its status and a lazy member listing."""

    items: Callable[[], Iterator[Item]]
    status: Status = Status.OK
    detail: str = ""
    is_document: bool = False
    annotations: dict[str, Any] | None = None  # e.g. ``password``: the --password-file entries that opened it


@dataclass
class _Member:
    """What every format tells about a member, before deciding how to yield it."""

    path: str
    raw_hex: str | None
    size: int
    compressed: int | None
    mtime: str | None
    time_note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _yield_member(parent: Entry, hop: Hop, m: _Member, ctx: ScanContext, caps: ArchiveLimits,
                  opener: Callable[[], IO[bytes]], blocked: tuple[Status, str] | None, charged: int = 0,
                  under: Location | None = None):
    """A readable member becomes an entry; a blocked one (encrypted, refused) becomes a Skipped, unless its
    name matches a rule: then it is an entry whose open() fails, so the pipeline lists it as a hit too. UNDER: the
    location the member hangs under when it is not the archive's own (a cpio inside a member whose header broke)."""
    loc = (under or parent.location).child(hop, m.path, m.raw_hex)
    name = member_base_name(m.path)
    if blocked and not ctx.rules.match(name):
        return Skipped(loc, *blocked)
    return ArchiveMemberEntry(loc, name, parent.deleted, m.size, m.compressed, m.mtime, m.time_note, opener,
                              caps, blocked, charged)


# ---------------------------------------------------------------- zip


def _zip_extra_fields(extra: bytes) -> Iterator[tuple[int, bytes]]:
    i = 0
    while i + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, i)
        yield tag, extra[i + 4:i + 4 + size]
        i += 4 + size


def zip_member_name(info: zipfile.ZipInfo) -> tuple[str, str | None]:
    """(decoded path, raw hex or None). Flagged UTF-8 names as they are; unflagged names (Japanese
    Windows writes cp932 without the flag) from their raw bytes: the Info-ZIP Unicode Path field when
    its CRC matches, else strict UTF-8 (macOS writes UTF-8 without the flag), else cp932."""
    if info.flag_bits & UTF8_FLAG:
        return info.orig_filename, None
    raw = info.orig_filename.encode("cp437")  # zipfile decoded unflagged names as cp437: lossless
    for tag, body in _zip_extra_fields(info.extra):
        if tag == 0x7075 and len(body) > 5 and body[0] == 1 and struct.unpack_from("<I", body, 1)[0] == zlib.crc32(raw):
            try:
                return body[5:].decode("utf-8"), None
            except UnicodeDecodeError:
                break
    text, was_utf8 = decode_name(raw)
    return text, None if was_utf8 else raw.hex()


def zip_member_time(info: zipfile.ZipInfo) -> tuple[str | None, str | None]:
    """UTC from the extended-timestamp (0x5455) or NTFS (0x000a) field, else the DOS local time."""
    for tag, body in _zip_extra_fields(info.extra):
        if tag == 0x5455 and len(body) >= 5 and body[0] & 1:
            return iso_utc(struct.unpack_from("<i", body, 1)[0]), None
        if tag == 0x000A and len(body) >= 32 and struct.unpack_from("<HH", body, 4) == (1, 24):
            ft = struct.unpack_from("<Q", body, 8)[0]
            return iso_utc(ft / 10_000_000 - 11_644_473_600), None
    try:
        return datetime(*info.date_time).isoformat(), DOS_TIME_NOTE
    except ValueError:
        return None, DOS_TIME_NOTE


def _zip_is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and statmod.S_ISLNK(info.external_attr >> 16)


def _zip_encrypted(info: zipfile.ZipInfo) -> bool:
    return bool(info.flag_bits & ENCRYPTED_FLAG) or info.compress_type == AES_METHOD


TRIAL_BYTES = 1 << 16  # a password is tried on a member's first 64 KiB (all of a smaller member: its CRC is checked)


def _reads_through(open_member: Callable[..., IO[bytes]], info: zipfile.ZipInfo, pwd: bytes) -> bool:
    """Whether ``pwd`` opens a member. The ZipCrypto check byte lets one wrong password in 256 through;
    inflating the first 64 KiB catches nearly all of those, and a stored member or one no larger than that is
    read to its end, where the CRC (ZipCrypto) or the HMAC (AES) is checked. Decryption runs at about 0.5 MB/s
    (pure Python), so a large deflated member is not read twice: a wrong password that slipped through would
    show as a CRC error when the member is read, and the member be listed as corrupt, never as clean."""
    # a stored member has nothing to inflate: only its CRC at the end tells a wrong password from the right one
    limit = info.file_size + 1 if info.compress_type == zipfile.ZIP_STORED else TRIAL_BYTES
    try:
        with open_member(info, pwd=pwd) as f:
            read = 0
            while read < limit and (chunk := f.read(1 << 16)):
                read += len(chunk)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception:  # noqa: BLE001 - bad password, CRC or HMAC mismatch, garbage inflated: not this one
        return False
    return True


def _zip_keys(data: bytes, zf: zipfile.ZipFile, files: list[zipfile.ZipInfo], caps: ArchiveLimits,
              passwords: tuple[str, ...]) -> tuple[dict[int, tuple[int, Callable[[], IO[bytes]]]], str]:
    """Member index -> (--password-file entry, opener) for every encrypted member a password opens (ZipCrypto
    with the standard library, WinZip AES with pyzipper), and a note on what could not be tried."""
    found: dict[int, tuple[int, Callable[[], IO[bytes]]]] = {}
    aes: list[zipfile.ZipInfo] | None = None
    opener_of: Any = None
    last: int | None = None  # archives use one password for all members, mostly: the last that fitted first
    note = ""
    for k, info in enumerate(files):
        if not _zip_encrypted(info) or _zip_is_symlink(info) or caps.declared(info.file_size, info.compress_size):
            continue
        target, open_member = info, zf.open
        if info.compress_type == AES_METHOD or info.flag_bits & 0x40:  # WinZip AES or strong encryption
            if aes is None:
                try:
                    opener_of = load("pyzipper").AESZipFile(io.BytesIO(data))
                    aes = [i for i in opener_of.infolist() if not i.is_dir()]
                except MissingBackend as e:  # pyzipper not installed: said, with the command that installs it
                    aes, note = [], e.args[0] if e.args else str(e)  # its Said
            if len(aes) != len(files):
                continue
            target, open_member = aes[k], opener_of.open
        for entry, password in entries(passwords, last):
            pwd = next((b for b in byte_forms(password) if _reads_through(open_member, target, b)), None)
            if pwd is not None:
                found[k] = (entry, partial(open_member, target, pwd=pwd))
                last = entry
                break
    return found, note


def _span_offsets(parent: Entry, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """A spanned zip read joined (``X.z01`` ... ``X.zip``, scanner.sources.split_series): each member's offset in
    the central directory is relative to its own part (``ZipInfo.volume``), and zipfile shifted every one by the
    start of the last part (where the directory is); each is moved to the start of its own part instead."""
    starts = getattr(parent, "disk_starts", None)
    if not starts or zf.start_dir < starts[-1]:  # no parts, or a directory that begins on an earlier part: as read
        return
    for info in infos:
        if 0 <= info.volume < len(starts):
            info.header_offset += starts[info.volume] - starts[-1]


def open_zip(parent: Entry, data: bytes, ctx: ScanContext, caps: ArchiveLimits, hop: Hop) -> Opened:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        if stored_inner_directory(zf, data):
            raise zipfile.BadZipFile(LOST_END)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error) as e:
        # no central directory (a cut or overwritten end): the members are still there, each behind its
        # own local header, up to the damage
        recovered = _zip_from_local_headers(parent, data, ctx, caps, hop, e)
        if recovered is None:
            raise
        return recovered
    infos = zf.infolist()
    _span_offsets(parent, zf, infos)
    names = {i.filename for i in infos}
    files = [i for i in infos if not i.is_dir()]
    locked = sum(1 for i in files if _zip_encrypted(i))
    passwords = ctx.config.passwords
    keys, key_note = _zip_keys(data, zf, files, caps, passwords) if locked and passwords else ({}, "")
    used = sorted({entry for entry, _ in keys.values()})
    if used:  # every member's location says with which entries its archive was opened
        hop = Hop(hop.kind, hop.name, {**hop.detail, "password_entries": used})
    why_locked = say(Detail.MEMBER_ENCRYPTED, format="zip", why=key_note or (
        say(Detail.PASSWORDS_NONE_OPEN, n=sum(1 for p in passwords if p)) if passwords else say(Detail.PASSWORD_NEEDED)))

    ends = sorted({i.header_offset for i in infos} | {int(getattr(zf, "start_dir", len(data)))})
    before, before_name = _before(data, ends[0] if ends else 0, names)

    def items() -> Iterator[Item]:
        if before:  # a table the zip was appended to (``cat list.csv x.zip > x.zip``): read as text (split15); a
            # file it was appended to (``cat a.zip b.zip``): examined by its content (review15f)
            caps.budget.charge(len(before))
            yield _yield_member(parent, hop, _Member(before_name, None, len(before), None, None), ctx, caps,
                                partial(io.BytesIO, before), None, len(before))
        for k, info in enumerate(files):
            path, raw_hex = zip_member_name(info)
            mtime, note = zip_member_time(info)
            m = _Member(path, raw_hex, info.file_size, info.compress_size, mtime, note)
            encrypted = _zip_encrypted(info) and k not in keys
            if _zip_is_symlink(info):
                target = "?"
                if not encrypted and info.file_size <= 4096:
                    try:
                        target = decode_name(zf.read(info))[0]
                    except Exception:  # noqa: BLE001 - the link is still listed
                        pass
                yield Link(parent.location.child(hop, path, raw_hex), target)
                continue
            blocked = ((Status.ENCRYPTED, why_locked) if encrypted
                       else caps.declared(info.file_size, info.compress_size))
            opener = keys[k][1] if k in keys else cast(Callable[[], IO[bytes]], partial(_ZipMember, zf, info, data))
            tail = b"" if encrypted or blocked else _stored_after_loss(data, info, ends)
            if tail:  # its start lost: the text after the loss is read (Session 14)
                caps.budget.charge(len(tail))
                got = _yield_member(parent, hop, m, ctx, caps, partial(io.BytesIO, tail), None, len(tail))
                if isinstance(got, ArchiveMemberEntry):
                    got.damage = say(Detail.ZIP_STORED_START_LOST, n=len(tail), size=info.file_size)
                yield got
                continue
            got = _yield_member(parent, hop, m, ctx, caps, opener, blocked)
            if isinstance(got, ArchiveMemberEntry) and k not in keys:
                got.peek = partial(class_head, data, info)
            yield got

    left = locked - len(keys)
    status, detail = ((Status.ENCRYPTED, say(Detail.ZIP_MEMBERS_ENCRYPTED_SOME_OPENED, left=left, n=len(files),
                                             opened=len(keys)) if keys else say(Detail.ZIP_MEMBERS_ENCRYPTED, left=left,
                                                                                n=len(files))) if left else (Status.OK, ""))
    return Opened(items, status, detail, is_document=any(n in names for n in DOCUMENT_MARKERS),
                  annotations={"password": {"entries": used, "members": len(keys)}} if used else None)


JAVA_CLASS_MAGIC = b"\xca\xfe\xba\xbe"
_PLAIN_FLAGS = 0x080E  # general purpose bits zipfile reads a member with as is: deflate options, data descriptor, UTF-8


def class_head(data: bytes, info: zipfile.ZipInfo, size: int) -> bytes | None:
    """The first ``size`` bytes of a zip member that is a compiled Java class (CAFEBABE), inflating its first 4 bytes
    and, when they are that, up to ``size`` (the member's reader inflated up to 8 KiB: issue 11, a .jar's thousands
    of classes); None for any other member, a smaller one (its reader checks its CRC and size), or one zipfile would
    not read as plainly (its reader says why). The bytes are those ``_ZipMember`` gives first. Total."""
    try:
        if info.file_size <= size or info.flag_bits & ~_PLAIN_FLAGS or info.compress_type not in (
                zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return None
        at = info.header_offset
        sig, *_, nlen, elen = _LOCAL_HEADER.unpack_from(data, at)
        name = data[at + _LOCAL_HEADER.size:at + _LOCAL_HEADER.size + nlen]
        if sig != b"PK\x03\x04" or name != info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437"):
            return None
        start = at + _LOCAL_HEADER.size + nlen + elen
        raw = memoryview(data)[start:start + info.compress_size]
        if info.compress_type == zipfile.ZIP_STORED:
            head = bytes(raw[:size])
        else:
            d, head, fed = zlib.decompressobj(-15), b"", 0
            for want in (len(JAVA_CLASS_MAGIC), size):
                while len(head) < want and not d.eof:
                    piece = d.unconsumed_tail or raw[fed:fed + CLASS_FEED]
                    if not d.unconsumed_tail:
                        fed += len(piece)
                    if not piece:
                        break
                    head += d.decompress(piece, want - len(head))
                if not head.startswith(JAVA_CLASS_MAGIC[:want]):
                    return None
        return head if len(head) == size and head.startswith(JAVA_CLASS_MAGIC) else None
    except Exception:  # noqa: BLE001 - a failure path never raises: the member is read through its reader
        return None


CLASS_FEED = 256  # compressed bytes fed at a time for a class's head (512 bytes of a class: ~300-400 of them)


TEXT_BEFORE = "(text before the zip).txt"  # the child that holds the text a zip was appended to
DATA_BEFORE = "(data before the zip)"  # the child that holds another file a zip was appended to (no extension:
# examined by its content)
PROGRAM_HEADS = (b"MZ", b"\x7fELF")  # a self-extractor's program before its zip: the zip's own, not a file of its own


# why a zip opening with a local header whose directory is a stored document member's is read from its local headers
LOST_END = "its own end is lost; the last directory in it is a stored document's"


def _before(data: bytes, first: int, names: set[str]) -> tuple[bytes, str]:
    """The bytes before a zip's first member (zipfile reads a zip past anything in front of it) and the name of the
    child that holds them, when the zip is no document package: text (no control byte text never holds; a CSV
    with an archive appended under a ``.zip`` name ended as a clean archive, its rows unexamined, review14c #8)
    as TEXT_BEFORE; any other file (another zip: ``cat a.zip b.zip > c.zip`` read only ``b.zip``'s members, the
    others ended as nothing, review15f) as DATA_BEFORE. (b"", "") otherwise: no prefix, a self-extractor's
    program, zeros of a lost part, a spanning mark. Total."""
    try:
        if first <= 0 or any(n in names for n in DOCUMENT_MARKERS):
            return b"", ""
        head = data[:first]
        if is_text(head[:4096]):
            return head, TEXT_BEFORE
        if first <= 4 or head.startswith(PROGRAM_HEADS) or not any(head[:4096]):
            return b"", ""
        return head, DATA_BEFORE
    except Exception:  # noqa: BLE001 - a failure path never raises
        return b"", ""


def _stored_after_loss(data: bytes, info: zipfile.ZipInfo, ends: list[int]) -> bytes:
    """The text of a stored (uncompressed) member whose local header begins with zeros (the first part of its split
    series lost, read as zeros; a zeroed block on disk): its bytes after the zeros up to the next member's header (or the
    central directory), from the first line start, when they are text (Session 14: such a CSV gave nothing
    although its rows lie plain in the parts that remain). b"" for any other member. Total."""
    try:
        at = info.header_offset
        if info.compress_type != zipfile.ZIP_STORED or data[at:at + 4] != bytes(4):  # its signature lost
            return b""
        k = bisect.bisect_right(ends, at)  # the next member's header (review14c: each walked them all)
        end = ends[k] if k < len(ends) else len(data)
        region = data[at:end]
        start = len(region) - len(region.lstrip(b"\x00"))
        body = region[start:]
        if info.flag_bits & 0x08 and (d := body.rfind(b"PK\x07\x08", max(len(body) - 24, 0))) >= 0:
            body = body[:d]  # its data descriptor
        elif info.flag_bits & 0x08:  # one without its optional signature (APPNOTE 4.3.9.3): known by its very
            # bytes, the CRC and sizes the directory gives (review14c #9: it stayed on the last row's end)
            for desc in (struct.pack("<III", info.CRC, info.compress_size, info.file_size),
                         struct.pack("<IQQ", info.CRC, info.compress_size, info.file_size)):
                if body.endswith(desc):
                    body = body[:-len(desc)]
                    break
        first = body.find(b"\n") + 1
        body = body[first:] if first > 0 else b""
        return body if body and is_text(body[:512]) else b""
    except Exception:  # noqa: BLE001 - a failure path never raises: the member is read as before
        return b""


class _ZipMember(io.RawIOBase):
    """A member of a zip with a sound directory, read so that damage keeps every byte before it (Session 12).

    zipfile loses bytes at both kinds of damage: it checks the CRC inside the read that reaches the end and raises
    there, so that read's bytes (up to the 8 KiB the member reader asks for) were dropped; and it inflates 4 KiB of
    input at a time, so a break dropped what that piece inflated (a break in the first 8 KiB kept nothing). Here the
    CRC is compared after the last byte was given (the error comes with the next read), and at a break the member's
    raw data is inflated again from its local header with ``inflate_keeping`` up to the break, those bytes given
    before the error. Encrypted members are read by zipfile as before (their own readers)."""

    def __init__(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes) -> None:
        super().__init__()
        self._zf, self._info, self._data = zf, info, data
        self._f = zf.open(info)
        self._check = getattr(self._f, "_expected_crc", None) is not None  # zipfile's own check, done here instead
        if self._check:
            self._f._expected_crc = None  # type: ignore[attr-defined]  # (CPython's ZipExtFile: checked below)
        self._crc, self._pos = 0, 0
        self._rest = b""  # bytes inflated again up to a break, given before its error
        self._error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if self._rest:
            n = len(self._rest) if size is None or size < 0 else size
            out, self._rest = self._rest[:n], self._rest[n:]
            self._pos += len(out)
            return out
        if self._error is not None:
            raise self._error
        try:
            chunk = self._f.read(-1 if size is None else size)
        except (zlib.error, zipfile.BadZipFile, EOFError) as e:
            self._error = e
            self._rest = self._again_to_break()
            if not self._rest:
                raise
            return self.read(size)
        self._pos += len(chunk)
        if self._check:
            self._crc = zlib.crc32(chunk, self._crc)
        if self._check and (not chunk or self._pos >= self._info.file_size) and self._crc != self._info.CRC:
            self._error = zipfile.BadZipFile(say(Detail.CRC_MISMATCH))  # said with the next read: these bytes count
            if not chunk:
                raise self._error
        return chunk

    def _again_to_break(self) -> bytes:
        """The bytes after those already given, inflated again from the member's raw data up to the break: at most
        ``AGAIN_MOST`` of them (zipfile loses at most what one call inflated, 8 KiB or so, and what it held), never
        past the declared size, and those before ``_pos`` not kept (a member broken at its end costs one more
        inflate, no memory). Total."""
        info, keep = self._info, bytearray()
        try:
            if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & ENCRYPTED_FLAG:
                return b""
            at = info.header_offset
            nlen, elen = struct.unpack_from("<HH", self._data, at + 26)
            start = at + _LOCAL_HEADER.size + nlen + elen
            raw = self._data[start:start + info.compress_size]
            d, made, fed, broken = zlib.decompressobj(-15), 0, 0, False
            room = min(info.file_size, self._pos + AGAIN_MOST)
            while not d.eof and made < room and not broken:
                piece = d.unconsumed_tail or raw[fed:fed + INFLATE_FEED]
                if not d.unconsumed_tail:
                    fed += len(piece)
                if not piece:
                    break
                try:
                    got = inflate_keeping(d, piece, min(room - made, INFLATE_STEP))
                except InflateBroken as e:
                    got, broken = e.before, True  # the break: nothing after it
                keep += got[max(0, self._pos - made):]
                made += len(got)
        except Exception:  # noqa: BLE001 - a failure path never raises: the first error stands
            return b""
        return bytes(keep)

    def close(self) -> None:
        try:
            self._f.close()
        finally:
            super().close()


CDH = b"PK\x01\x02"  # a central directory header: what follows the last member
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")  # signature ... file name length, extra field length


INFLATE_STEP = 1 << 20  # output per call at most (a bomb stops at the limit, never in one huge call)
INFLATE_FEED = 1 << 12  # input per call: a break keeps what these bytes inflated before it (inflate_keeping)
AGAIN_MOST = 1 << 16  # bytes past those given a zip member's reader inflates again at a break (_ZipMember)


class InflateBroken(Exception):
    """A zlib stream broke inside one piece of input: ``before`` is what that piece inflated up to the break."""

    def __init__(self, before: bytes, error: zlib.error) -> None:
        super().__init__(str(error))
        self.before, self.error = before, error


class _Inflater(Protocol):
    """A zlib decompressor (``zlib.decompressobj``): copyable, so a piece can be inflated again up to a break."""

    def decompress(self, data: bytes, max_length: int = ..., /) -> bytes: ...

    def copy(self) -> _Inflater: ...


def inflate_keeping(d: _Inflater, piece: bytes, room: int) -> bytes:
    """``d.decompress(piece, room)`` of a zlib decompressor, except that a break inside ``piece`` raises
    :class:`InflateBroken` carrying what the piece inflated before it (zlib raises and drops it: a flip in a
    sheet's deflate data lost every row inflated from that piece, Session 10). The piece is inflated again
    from a copy of the decompressor taken before it, a byte at a time, up to the break; never past ``room``."""
    saved = d.copy()
    try:
        return d.decompress(piece, room)
    except zlib.error as e:
        before = bytearray()
        for i in range(len(piece)):
            if len(before) >= room:
                break
            try:
                before += saved.decompress(piece[i:i + 1], room - len(before))
            except zlib.error:
                break
        raise InflateBroken(bytes(before[:room]), e) from None


_CDH_NAME = struct.Struct("<28xH")  # a central directory record's name length


def _no_path(raw: bytes, data: bytes, longest: list[int | None]) -> bool:
    """Whether a local header's name is no plausible path but a member's data read as one (its length damaged,
    damage21): data-looking separators (a tab, two commas, two of ``"<>|*?`` that no Windows name holds), two
    control bytes, or longer than every name of the central directory's records found in ``data`` (counted once,
    kept in ``longest``)."""
    if b"\t" in raw or raw.count(b",") >= 2 or sum(map(raw.count, (b'"', b"<", b">", b"|", b"*", b"?"))) >= 2:
        return True
    if len(raw) - len(raw.translate(None, _CONTROL_BYTES)) >= 2:
        return True
    if not longest:
        names = [_CDH_NAME.unpack_from(data, at)[0] for at in _cdh_offsets(data) if at + 46 <= len(data)]
        longest.append(max(names) if names else None)
    most = longest[0]
    return most is not None and len(raw) > most


_CONTROL_BYTES = bytes((*range(32), 127))
_RECORDS = (ZIP_MAGIC, CDH, b"PK\x05\x06", b"PK\x06\x06", b"PK\x06\x07", b"PK\x07\x08")  # what follows a member's data


def _ends_at_record(data: bytes, start: int, csize: int, flags: int) -> bool:
    """Whether the member whose data starts at ``start`` (after its name and extra field) ends, by its header's
    compressed size, where another zip record starts or where the file ends: then its name length is whole,
    whatever the name holds (review21d: ``山田, 太郎, 履歴書.csv``, a quoted word, a deep path whose directory
    record was cut off were named damaged by ``_no_path``; a length grown into the data ends the member that much
    past its next record). False when that cannot be told (sizes in a descriptor, data past the end)."""
    if flags & 0x08 or csize in (0, 0xFFFFFFFF):
        return False
    end = start + csize
    return end == len(data) or data[end:end + 4] in _RECORDS


def _cdh_offsets(data: bytes) -> Iterator[int]:
    at = data.find(CDH)
    while at >= 0:
        yield at
        at = data.find(CDH, at + 4)


def _zip_local_entries(data: bytes, most: int, left: Callable[[], int] | None = None,
                       ) -> Iterator[tuple[zipfile.ZipInfo, bytes | None, str]]:
    """Members found by their local headers, front to back: (info, bytes or None, why incomplete or "").
    Stored and deflated members only (what zip writers use; others are named, not read); a member whose data
    runs past the end or breaks gives what came before (reading goes on after a broken one whose local header
    gives its size); encrypted ones give None. ``most``: bytes inflated at most for one member; ``left``: what is
    left of the caller's cap over all members, asked before each member (Session 9: each part was inflated up to
    the whole cap before the cap over all parts applied)."""
    pos, cut = data.find(ZIP_MAGIC), False
    longest: list[int | None] = []  # the longest name of the central directory's records found, once asked
    while 0 <= pos and pos + _LOCAL_HEADER.size <= len(data):
        limit = max(0, min(most, left())) if left is not None else most
        _, _, flags, method, t, d, crc, csize, usize, nlen, elen = _LOCAL_HEADER.unpack_from(data, pos)
        start = pos + _LOCAL_HEADER.size + nlen + elen
        if start > len(data) and cut:  # one cut header is named (below); hostile runs of them cost no decoding
            pos = data.find(ZIP_MAGIC, pos + 4)
            continue
        raw_name, extra = data[pos + 30:pos + 30 + nlen], data[pos + 30 + nlen:start]
        if len(raw_name) > _NAME_PROBE or b"\n" in raw_name or b"\r" in raw_name or (
                not _ends_at_record(data, start, csize, flags) and _no_path(raw_name, data, longest)):
            # its length damaged: the "name" runs into the member's data, lines of a text (review20w: a CSV's persons
            # were the path in every report; damage21: a length grown by up to 512 bytes over a one-line JSON, a CSV
            # row, a TSV); a flipped byte in a name, one control character, leaves it a lead for the name rules
            raw_name, flags = f"damaged-name-at-{pos}".encode(), flags | UTF8_FLAG
        info = zipfile.ZipInfo(raw_name.decode("utf-8" if flags & UTF8_FLAG else "cp437", "replace"))
        info.orig_filename, info.flag_bits, info.extra, info.compress_type = info.filename, flags, extra, method
        info.date_time = ((d >> 9) + 1980, (d >> 5) & 15 or 1, d & 31 or 1, t >> 11, (t >> 5) & 63, min((t & 31) * 2, 59))
        for tag, body in _zip_extra_fields(extra):  # zip64 sizes
            if tag == 0x0001 and len(body) >= 16 and usize == csize == 0xFFFFFFFF:
                usize, csize = struct.unpack_from("<QQ", body)
        if start > len(data):  # its name or extra field runs past the end: the file is cut, or a length damaged
            yield info, b"", say(Detail.ZIP_LOCAL_HEADER_CUT)  # named once: hostile runs of them make no member each
            cut = True
            pos = data.find(ZIP_MAGIC, pos + 4)  # a damaged length hides no whole member after it
            continue
        known = not (flags & 0x08) or csize not in (0, 0xFFFFFFFF)  # sizes follow the data (a descriptor)
        if flags & ENCRYPTED_FLAG or method not in (0, 8):
            yield info, None, Status.ENCRYPTED if flags & ENCRYPTED_FLAG else f"compression method {method}"
            if not known:
                return  # where it ends cannot be told
            end = start + csize
        elif method == 0 and not known:  # stored, sizes in a descriptor after the data: up to the next header
            found = [i for i in (data.find(ZIP_MAGIC, start), data.find(CDH, start)) if i >= 0]
            end = min(found) if found else len(data)
            content, why = data[start:end], "" if found else say(Detail.ZIP_DATA_TO_END)
            for size in (16, 24, 12):  # descriptor with signature, zip64 with signature, without
                tail = content[-size:]
                if len(content) >= size and (size == 12 or tail.startswith(b"PK\x07\x08")):
                    body, stored_crc = content[:-size], struct.unpack_from("<I", tail, 4 if size != 12 else 0)[0]
                    if zlib.crc32(body) == stored_crc:
                        content, why = body, ""
                        break
            else:
                why = why or say(Detail.ZIP_NO_DESCRIPTOR)
            yield info, content[:limit], why
        elif method == 0:
            end = start + csize
            content = data[start:min(end, start + limit)]
            why = "" if len(content) == min(csize, limit) else say(Detail.MEMBER_CUT_AFTER, n=len(content), size=csize)
            yield info, content, why or ("" if zlib.crc32(content) == crc or csize > limit else say(Detail.CRC_MISMATCH))
        else:
            z = zlib.decompressobj(-15)
            out, at, tail, why = bytearray(), start, b"", ""
            try:
                while not z.eof and len(out) < limit:
                    piece = tail or data[at:at + INFLATE_FEED]
                    if not tail:
                        at += len(piece)
                    if not piece:
                        why = say(Detail.DATA_CUT)
                        break
                    out += inflate_keeping(z, piece, limit - len(out))
                    tail = z.unconsumed_tail
            except InflateBroken as e:  # what inflated before the break is kept (the rows before the damage)
                out += e.before
                why = say(Detail.DEFLATE_DAMAGED, library=str(e.error))
            if not why and z.eof and known and zlib.crc32(out) != crc:
                why = say(Detail.CRC_MISMATCH)
            end = at - len(tail) - len(z.unused_data)
            yield info, bytes(out), why
            if why.startswith("deflate data damaged") and known:  # its local header says where it ends
                end = start + csize
            elif not z.eof:
                return
        pos = data.find(ZIP_MAGIC, max(end, pos + 4))


_EOCD = b"PK\x05\x06"  # the end of central directory record: where zipfile finds the directory
_NAME_CONTROLS = bytes(range(32)) + b"\x7f"
_NAME_CONTROL = re.compile(b"[" + re.escape(_NAME_CONTROLS) + b"]")  # searched in place: no copy per header
NO_MEMBER = ("zip: no central directory, and no local header gives a member (each is cut, or names none and holds no "
             "data a reader inflates: a zip signature followed by other bytes); nothing to read")


_NAME_PROBE = 512  # bytes of a name looked at: a path is at most 260 characters on Windows (hostile 64 KiB: linear)


def _could_be_name(raw: bytes) -> bool:
    """Whether a member name's bytes (whole or cut by the end of the file) hold text a reader lists and the name
    rules look at: without their control characters (a flipped byte), they decode as UTF-8 (zip's flag) or as
    cp932 (what Japanese Windows stores; ASCII is both) but for a few bytes (a flipped or cut byte inside a
    character). Noise does not, once it is a few dozen bytes long (a fake document's cut name is kilobytes)."""
    text = raw.translate(None, _NAME_CONTROLS)
    if not text:
        return False
    # a flipped or cut byte inside a multi-byte character costs a character or two; noise costs about every
    # second byte as UTF-8 and one in sixteen as cp932 (measured on random bytes: never under one in 27)
    return (text.decode("utf-8", "replace").count("\ufffd") <= 1 + len(text) // 8
            or text.decode("cp932", "replace").count("\ufffd") <= 2 + len(text) // 48)


# the last bytes asked about and the answer, one tuple (replaced whole: threads of a Dask worker may ask at once);
# only bytes up to KEPT_BYTES are kept (a worker's whole archive of 256 MiB would stay alive into its next file)
_NO_MEMBER_LAST: list[tuple[bytes | None, bool]] = [(None, False)]
KEPT_BYTES = 1 << 16  # the archive inspector's settle_bytes: the fake documents asked about more than once


def zip_names_no_member(data: bytes) -> bool:
    """``_names_no_member(data)``, kept for the last bytes object asked about: a fake document is asked about three
    times, by the same bytes (the spreadsheet inspector's ``wants``, the archive inspector's ``settles_here`` and
    ``inspect``: one read of a small local file, ``LocalEntry.read_small``), ~40 us each (cheap21). The same object
    holds the same bytes (it is kept here, so its identity is not reused)."""
    last, found = _NO_MEMBER_LAST[0]
    if data is last:
        return found
    found = _names_no_member(data)
    if len(data) <= KEPT_BYTES and type(data) is bytes:  # (immutable: a bytearray could change under its identity)
        _NO_MEMBER_LAST[0] = (data, found)
    return found


def _names_no_member(data: bytes) -> bool:
    """Whether bytes that begin as a zip give nothing to read: no end-of-central-directory record anywhere (zipfile
    finds no directory), and no local header that names a member (a whole name that could be one: not empty, no
    control character, which no zip writer stores and Windows forbids) or gives data (whole, neither encrypted nor
    compressed by a method other than store or deflate). A zip signature followed by noise (a fake or overwritten
    document): ``_zip_local_entries`` would give at most empty members under garbage names (tests/test_small_files.py
    checks this against it). A byte search and a few header fields, no decoder: such a zip is listed corrupt in the
    scan process (``settles_here``)."""
    if not data.startswith(ZIP_MAGIC) or _EOCD in data:
        return False
    pos = 0
    while 0 <= pos and pos + _LOCAL_HEADER.size <= len(data):
        _, _, flags, method, _, _, _, _, _, n, extra = _LOCAL_HEADER.unpack_from(data, pos)
        end = pos + 30 + n
        if n and end <= len(data) and _NAME_CONTROL.search(data, pos + 30, end) is None:
            return False  # a whole name: the member is listed, read or named (as a worker does)
        if _could_be_name(data[pos + 30:min(end, pos + 30 + _NAME_PROBE)]):
            return False  # a cut or damaged name that is still text: a worker lists it (a lead for the name rules)
        if pos + 30 + n + extra <= len(data) and method in (0, 8) and not flags & ENCRYPTED_FLAG:
            return False  # its data is read (a damaged name does not stop the reader)
        pos = data.find(ZIP_MAGIC, pos + 4)
    return True


def _zip_from_local_headers(parent: Entry, data: bytes, ctx: ScanContext, caps: ArchiveLimits, hop: Hop,
                            error: BaseException) -> Opened | None:
    """The members of a zip without a readable central directory, read from their local headers; None when
    there is none. The zip is `corrupt`; each member read whole is examined as usual, a cut one is examined
    up to its cut and `corrupt`."""
    if data.find(ZIP_MAGIC) < 0:
        return None
    why_dir = error_reason(error)[1]
    at = data.find(ZIP_MAGIC)
    first = _LOCAL_HEADER.unpack_from(data, at)[9] if len(data) >= at + _LOCAL_HEADER.size else 0
    first_name = data[at + _LOCAL_HEADER.size:at + _LOCAL_HEADER.size + first]

    def items() -> Iterator[Item]:
        for info, content, why in _zip_local_entries(data, caps.member_memory, caps.budget.remaining):
            if info.filename.endswith("/"):
                continue
            path, raw_hex = zip_member_name(info)
            mtime, note = zip_member_time(info)
            m = _Member(path, raw_hex, len(content or b""), None, mtime, note)
            if content is None:
                status = Status.ENCRYPTED if why == Status.ENCRYPTED else Status.UNSUPPORTED
                blocked = (status, f"zip member ({why}), read from its local header")
                yield _yield_member(parent, hop, m, ctx, caps, _no_open, blocked)
                continue
            caps.budget.charge(len(content))
            member = _yield_member(parent, hop, m, ctx, caps, partial(io.BytesIO, content), None, len(content))
            if why and isinstance(member, ArchiveMemberEntry):
                member.damage = say(Detail.ZIP_MEMBER_LOCAL_CUT, why=why)
            yield member

    return Opened(items, Status.CORRUPT, join_details((say(Detail.ZIP_DIRECTORY_UNREADABLE, library=why_dir), say(Detail.LOCAL_HEADERS))), is_document=first_name.decode("cp437") in DOCUMENT_MARKERS)


# ---------------------------------------------------------------- 7z


class _CappedWriter:
    """py7zr writes each member here; over its cap or the archive budget, extraction stops."""

    def __init__(self, name: str, limit: int, caps: ArchiveLimits, done: dict[str, bytes]) -> None:
        self.name, self.limit, self.caps, self.done = name, limit, caps, done
        self.buf = io.BytesIO()

    def write(self, s: bytes | bytearray) -> int:
        if self.buf.tell() + len(s) > self.limit:
            raise ReadError(Status.TOO_LARGE, say(Detail.SEVENZ_MEMBER_OVER, limit=self.limit))
        self.caps.budget.charge(len(s))
        return self.buf.write(s)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.buf.tell()

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return self.buf.tell()

    def close(self) -> None:
        self.done[self.name] = self.buf.getvalue()


class _DiscardingWriter:
    """Receives a member extracted only to test a password: counted, not kept, not charged to the budget."""

    def __init__(self) -> None:
        self.n = 0

    def write(self, s: bytes | bytearray) -> int:
        self.n += len(s)
        return len(s)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.n

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return self.n

    def close(self) -> None:
        return None


def _7z_fits(py7zr: ModuleType, data: bytes, password: str) -> bool:
    """Whether ``password`` opens a 7z: its encrypted header parses, and its smallest member extracts with the
    right CRC (extracted under a neutral name into nothing: py7zr checks names against the current folder)."""
    from py7zr.io import WriterFactory

    class Discard(WriterFactory):
        def create(self, filename: str) -> Any:
            return _DiscardingWriter()

    try:
        z = py7zr.SevenZipFile(io.BytesIO(data), password=password)
        members = sorted((f for f in z.files if not f.is_directory and not f.is_symlink),
                         key=lambda f: int(f.uncompressed or 0))
        if members:
            members[0]._file_info["filename"] = "member-test"
            z.extract(targets=["member-test"], factory=Discard())
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - garbage header, bad LZMA stream, CRC mismatch: not this password
        return False
    return True


_last_7z_fit: dict[str, int] = {}  # the entry that opened the last 7z in this process: tried first (a key costs ~0.3 s)


class _Trickle(io.BytesIO):
    """The bytes a 7z is read from: while ``trickle`` is set, a read gives at most that many bytes. py7zr reads a
    block of packed data per decode call (``get_default_blocksize()``, no public way to make it smaller) and a
    stream that breaks inside a call gives nothing of it (lzma raises, the call's output is dropped): with packed
    data given a little at a time, each call decodes a little, so what came before the break reaches the writer.
    Short reads are ordinary for a stream (py7zr counts what each read gave); set only to extract again a member
    whose data broke (Session 13)."""

    trickle = 0

    def read(self, size: int | None = -1, /) -> bytes:
        if self.trickle and (size is None or size < 0 or size > self.trickle):
            size = self.trickle
        return super().read(size)


TRICKLE = 1024  # packed bytes per read when a broken member is extracted again (what one read decodes is lost)


def _open_7z(py7zr: ModuleType, data: bytes, passwords: tuple[str, ...]) -> tuple[Any, int | None, str]:
    """(archive, the --password-file entry that opened it or None, why it stays locked or ""); the archive reads
    from a ``_Trickle`` (py7zr keeps the file object it was given as ``fp``: ``_extracted_again``)."""
    try:
        z = py7zr.SevenZipFile(_Trickle(data))
    except py7zr.exceptions.PasswordRequired:  # header encrypted: not even the names can be read without it
        z = None
    if z is not None and not z.needs_password():
        return z, None, ""
    given = list(entries(passwords, _last_7z_fit.get("entry")))
    for entry, password in given:
        if _7z_fits(py7zr, data, password):
            _last_7z_fit["entry"] = entry
            return py7zr.SevenZipFile(_Trickle(data), password=password), entry, ""
    why = say(Detail.PASSWORDS_NONE_OPEN, n=len(given)) if given else say(Detail.PASSWORD_NEEDED)
    if z is None:
        raise ReadError(Status.ENCRYPTED, say(Detail.HEADER_ENCRYPTED, why=why))
    return z, None, why


def seven_zip_header_at(data: bytes) -> int | None:
    """Where a 7z's (next) header begins, from its start header (signature, version, CRC, then the next header's
    offset after these 32 bytes); None without a 7z signature."""
    if not data.startswith(b"7z\xbc\xaf\x27\x1c") or len(data) < 32:
        return None
    return 32 + int.from_bytes(data[12:20], "little")


def open_7z(parent: Entry, data: bytes, ctx: ScanContext, caps: ArchiveLimits, hop: Hop) -> Opened:
    py7zr = load("py7zr")  # slow to import, and optional: the member list says when it is missing

    header = sevenz_header.check(data)  # a header checksum that does not match: read as it is, listed corrupt
    damage = say(Detail.SEVENZ_HEADER_CRC, what=header.damaged) if header.damaged else ""
    data = header.data
    try:
        z, entry, why = _open_7z(py7zr, data, ctx.config.passwords)
    except Exception as e:
        if not damage:
            raise
        raise ReadError(Status.CORRUPT, join_details((damage, error_reason(e)[1]))) from e
    if not damage and (gap := sevenz_header.unclaimed(z)) is not None:  # no checksum covers a py7zr header
        damage = say(Detail.SEVENZ_HEADER_STREAMS, taken=gap[0], held=gap[1])
    if not damage and (lost := sevenz_header.unaccounted(z, data)):
        damage = say(Detail.SEVENZ_HEADER_UNACCOUNTED, n=lost)
    encrypted = bool(why)
    if entry is not None:  # every member's location says with which entry its archive was opened
        hop = Hop(hop.kind, hop.name, {**hop.detail, "password_entries": [entry]})
    files = list(z.files)
    # a folder never has data, and a link's data is its target's path: one with more is a file whose attributes
    # were damaged (a flip in a py7zr header, which no checksum covers, made the list of 60 people a folder)
    odd = [f for f in files if (f.is_directory or f.is_symlink) and sevenz_header.holds_data(f)]
    if odd and not damage:
        damage = say(Detail.SEVENZ_ATTRIBUTES_DAMAGED, n=len(odd))
    regular = [f for f in files if not (f.is_directory or f.is_symlink) or f in odd]
    # py7zr checks every extracted name against the current folder (and refuses '..', absolute names ...),
    # so one member named ../../x stopped the whole archive. Members are only ever read into memory: each is
    # extracted under a neutral name of its own, and keeps its recorded name in the listing.
    names = {f.id: f.filename for f in files}
    for f in regular:
        f._file_info["filename"] = f"member-{f.id}"
    from py7zr.io import Py7zIO, WriterFactory

    class Factory(WriterFactory):
        def __init__(self, limits: dict[str, int], done: dict[str, bytes]) -> None:
            self.limits, self.done, self.current = limits, done, ""
            self.writer: _CappedWriter | None = None  # the member being extracted: its bytes so far (a break)

        def create(self, filename: str) -> Py7zIO:
            self.current = filename
            self.writer = _CappedWriter(filename, self.limits.get(filename, 0), caps, self.done)
            return self.writer  # type: ignore[return-value]

    def member(f: Any) -> _Member:
        lw = f.lastwritetime
        mtime = lw.as_datetime().astimezone(UTC).isoformat().replace("+00:00", "Z") if lw is not None else None
        return _Member(names.get(f.id, f.filename), None, int(f.uncompressed or 0), None, mtime)

    def items() -> Iterator[Item]:
        for f in files:
            if f.is_symlink and f not in odd:
                yield Link(parent.location.child(hop, names.get(f.id, f.filename)), "?")
        inflated = 0
        plan: list[tuple[Any, tuple[Status, str] | None]] = []
        for f in regular:
            size = int(f.uncompressed or 0)
            inflated += size
            blocked = (Status.ENCRYPTED, say(Detail.MEMBER_ENCRYPTED, format="7z", why=why)) if encrypted else \
                caps.declared(size, None)
            if blocked is None and inflated > caps.whole_archive_limit(len(data)):
                blocked = (Status.BOMB, say(Detail.SEVENZ_BOMB, n=inflated, size=len(data), ratio=str(caps.ratio)))
            if blocked is None and size > caps.member_memory:
                blocked = (Status.TOO_LARGE, say(Detail.SEVENZ_MEMBER_OVER_MEMORY, size=size, cap=caps.member_memory))
            plan.append((f, blocked))
        batch: list[Any] = []
        batch_size = 0
        for f, blocked in [*plan, (None, None)]:
            size = int(f.uncompressed or 0) if f is not None else 0
            if f is None or (batch and batch_size + size > caps.member_memory):
                yield from _extract_7z_batch(z, batch, Factory, parent, hop, ctx, caps, member, data)
                batch, batch_size = [], 0
            if f is None:
                break
            if blocked:
                yield _yield_member(parent, hop, member(f), ctx, caps, _no_open, blocked)
            else:
                batch.append(f)
                batch_size += size

    status, detail = (Status.ENCRYPTED, say(Detail.MEMBERS_ENCRYPTED, format="7z", why=why)) if encrypted else (
        Status.OK, "")
    if damage:
        status, detail = Status.CORRUPT, join_details(d for d in (damage, say(Detail.SEVENZ_HEADER_SALVAGED), detail) if d)
    return Opened(items, status, detail,
                  annotations={"password": {"entries": [entry], "members": len(regular)}} if entry is not None else None)


def _no_open() -> IO[bytes]:
    raise ReadError(Status.UNREADABLE, say(Detail.NOT_EXTRACTED))


# the library that runs each 7z coder (py7zr's method names): named when one crashes or hangs a worker
_7Z_CODERS = {"PPMd": "pyppmd", "LZMA": "lzma", "LZMA2": "lzma", "DEFLATE": "zlib", "DEFLATE64": "inflate64",
              "BZip2": "bz2", "ZStandard": "pyzstd", "Brotli": "brotli", "BCJ": "pybcj", "ARM": "pybcj",
              "ARMT": "pybcj", "PPC": "pybcj", "SPARC": "pybcj", "IA64": "pybcj", "7zAES": "pycryptodomex"}


_HEAP_RISK_CODERS = tuple(lib for lib in dict.fromkeys(_7Z_CODERS.values()) if lib not in ("lzma", "zlib", "bz2"))


def seven_zip_decoders(z: SevenZipFile) -> str:
    """``py7zr (PPMd: pyppmd)``: the decoders a 7z's members go through (names only, read from its header)."""
    try:
        methods = [str(m) for m in z._get_method_names()]  # py7zr: no public per-archive list without a path
    except Exception:  # noqa: BLE001 - a header py7zr parsed but cannot describe: the library is named anyway
        return "py7zr"
    named = [f"{m}: {_7Z_CODERS[m]}" if m in _7Z_CODERS else m for m in dict.fromkeys(methods)]
    return f"py7zr ({', '.join(named)})" if named else "py7zr"


def _extract_7z_batch(z: Any, batch: list[Any], factory_cls: Any, parent: Entry, hop: Hop, ctx: ScanContext,
                      caps: ArchiveLimits, member: Callable[[Any], _Member], data: bytes = b"") -> Iterator[Item]:
    """Extract a few members (at most the in-memory cap in all) in one pass, then yield them."""
    if not batch:
        return
    done: dict[str, bytes] = {}
    limits = {f.filename: min(int(f.uncompressed or 0), caps.member_memory) for f in batch}
    factory = factory_cls(limits, done)
    failure: tuple[Status, str] | None = None
    decoders = seven_zip_decoders(z)
    # the break is decoded again only by Python's own lzma/zlib/bz2: a native decoder outside them (pyppmd ...)
    # that failed may have damaged its worker's heap, so nothing runs in that worker again (the pool recycles it)
    retry = not any(lib in decoders for lib in _HEAP_RISK_CODERS)
    try:
        decoding(decoders)
        z.reset()
        z.extract(targets=[f.filename for f in batch], factory=factory)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001 - py7zr errors of every kind are data
        failure = error_reason(e)
        if "ZStandard" in decoders and isinstance(e, EOFError) and "Zstandard frame" in str(e):
            # wild14: py7zr 1.1.4 fails so on every 7z 7-Zip ZS and libarchive write with the Zstandard coder
            # (several frames a stream); 7-Zip reads them: the library's limit, not damage
            failure, retry = (Status.UNSUPPORTED, say(Detail.SEVENZ_CODER_UNREAD, coder="ZStandard", error=type(e).__name__,
                                                      library=str(e)[:120])), False
        elif type(e).__name__ == "UnsupportedCompressionMethodError":  # wild15: LZ4, Brotli, BCJ2 (7-Zip ZS, 7-Zip)
            failure, retry = (Status.UNSUPPORTED, say(Detail.SEVENZ_CODER_UNREAD, coder=_unread_coder(z, e),
                                                      error=type(e).__name__, library=_said_text(e))), False
        if isinstance(e, MemoryError) and factory.current in limits:  # a member within the in-memory cap: pyppmd
            failure, retry = (Status.CORRUPT, failure[1]), False  # answers damaged PPMd data so (Session 13):
            # damage, its bytes written before kept (``_kept_before``), not given to the same decoder again
    blocks, note = _bzip2_members(z, data, batch, factory, failure, caps.member_memory)
    again = _extracted_again(z, factory_cls, limits, factory, failure) if retry and not blocks else b""
    for f in batch:
        m = member(f)
        kept = _kept_before(factory, f.filename, failure)
        if f.filename == factory.current and len(again) > len(kept):
            kept = again
        if f.filename in blocks:  # a BZip2 folder: its whole blocks, not the decoder's bytes of a damaged block
            kept, exact = blocks[f.filename]
            if exact:
                done[f.filename] = kept
                kept = b""
            elif kept:
                got = _yield_member(parent, hop, m, ctx, caps, partial(io.BytesIO, kept), None, len(kept))
                if isinstance(got, ArchiveMemberEntry):
                    got.damage = join_details((failure[1] if failure else "", note))
                yield got
                continue
        if kept and "PPMd" in decoders:
            kept = _before_garbage(kept)
        if f.filename in done or kept:
            content = done[f.filename] if f.filename in done else kept
            got = _yield_member(parent, hop, m, ctx, caps, partial(io.BytesIO, content), None, len(content))
            if kept and failure and isinstance(got, ArchiveMemberEntry):  # the bytes before the break are examined
                got.damage = say(Detail.MEMBER_BREAKS_AFTER, n=len(kept), why=failure[1])
            yield got
        else:
            # an undecodable coder (unsupported) holds back every member of the batch alike: each says why
            why = failure if failure and (f.filename == factory.current or failure[0] == Status.UNSUPPORTED) else (
                failure[0] if failure else Status.CORRUPT,
                "not extracted: extraction stopped at an earlier member" if failure else "missing from the 7z stream")
            yield _yield_member(parent, hop, m, ctx, caps, _no_open, why)


def _unread_coder(z: SevenZipFile, e: BaseException) -> str:
    """The coder py7zr cannot decode: the method names it marks so (``LZ4*``), else the method id the error gives
    (``04010C``), else "unknown". Total (a failure path)."""
    try:
        starred = [str(m).rstrip("*") for m in z._get_method_names() if str(m).endswith("*")]
        if starred:
            return "+".join(dict.fromkeys(starred))
        method = next((a for a in e.args if isinstance(a, bytes | bytearray)), b"")
        return bytes(method).hex().upper() if method else "unknown"
    except Exception:  # noqa: BLE001 - a failure path never raises
        return "unknown"


def _said_text(e: BaseException) -> str:
    """An exception's own words: its text arguments (py7zr raises with a tuple of an id and a message, whose
    repr is no sentence); capped. Total."""
    try:
        words = [a for a in e.args if isinstance(a, str)]
        return (" ".join(words) if words else str(e))[:120]
    except Exception:  # noqa: BLE001 - a failure path never raises
        return type(e).__name__


_BZIP2_METHOD = b"\x04\x02\x02"  # 7z's method id of BZip2


def _bzip2_members(z: SevenZipFile, data: bytes, batch: list[Any], factory: object, failure: tuple[Status, str] | None,
                   limit: int) -> tuple[dict[str, tuple[bytes, bool]], str]:
    """The members of ``batch`` not yet extracted when a BZip2 folder broke, rebuilt from the folder's whole blocks
    (``bzip2_blocks.recover``): name -> (bytes, whole), and the note that says it. The blocks from the folder's
    start and those that end at its end (the last block found) are placed by offset, so a member lying in them is
    whole; blocks between two lost ones are given to a member only when all the bytes they may belong to are that
    member's. A member's pieces either side of a lost block are cut at line ends. ({}, "") for any other folder or
    failure. Total."""
    try:
        name = getattr(factory, "current", "")
        done = getattr(factory, "done", {})
        if failure is None or failure[0] != Status.CORRUPT or not name or not data:
            return {}, ""
        broken = next((f for f in batch if f.filename == name), None)
        folder = getattr(broken, "folder", None)
        coders = getattr(folder, "coders", None) or []
        if folder is None or len(coders) != 1 or coders[0].get("method") != _BZIP2_METHOD:
            return {}, ""
        streams = z.header.main_streams
        folders = list(streams.unpackinfo.folders)
        index = next(i for i, fo in enumerate(folders) if fo is folder)
        pack = sum(int(fo.num_packedstreams) for fo in folders[:index])
        start = 32 + int(streams.packinfo.packpositions[pack])
        packed = data[start:start + int(streams.packinfo.packsizes[pack])]
        members = [f for f in z.files if getattr(f, "folder", None) is folder]
        total = sum(int(f.uncompressed or 0) for f in members)
        if total > limit:  # the whole folder is decoded again: within the in-memory cap only
            return {}, ""
        rec = bzip2_blocks.recover(packed, total, 0)  # the decoder broke: its bytes count for nothing (review14c: the
        # end magic flipped, every block whole, was not recovered and the member in the last block was lost)
        if rec is None:
            return {}, ""
        head = len(rec.head)
        tail = rec.runs[-1] if rec.to_end else b""
        middle = rec.runs[:-1] if rec.to_end else rec.runs
        end = total - len(tail)  # the unplaced bytes lie in [head, end)
        wanted = {f.filename for f in batch if f.filename not in done}
        out: dict[str, tuple[bytes, bool]] = {}
        at = 0
        for f in members:
            a, b = at, at + int(f.uncompressed or 0)
            at = b
            if f.filename not in wanted:
                continue
            if b <= head or a >= end:  # whole in placed blocks
                whole = rec.head[a:b] if b <= head else tail[a - end:b - end]
                digest = f._file_info.get("digest")
                out[f.filename] = (whole, digest is None or zlib.crc32(whole) == digest)
                continue
            runs = [*(middle if a <= head and end <= b else []), *([tail[:b - end]] if b > end else [])]
            out[f.filename] = (bzip2_blocks.joined(rec.head[a:b] if a < head else b"", runs), False)
        return out, say(Detail.BZIP2_BLOCKS_RECOVERED, lost=rec.lost, found=rec.found)
    except Exception:  # noqa: BLE001 - a failure path never raises
        return {}, ""


def _extracted_again(z: SevenZipFile, factory_cls: Callable[[dict[str, int], dict[str, bytes]], object],
                     limits: dict[str, int], factory: object, failure: tuple[Status, str] | None) -> bytes:
    """The member whose data broke, extracted once more with its packed data given ``TRICKLE`` bytes per read
    (``_Trickle``): what decoded before the break (a break inside py7zr's one decode call kept nothing of an LZMA or
    LZMA2 member). b"" for any other failure, an archive not read from a ``_Trickle``, or when it fails. Total."""
    try:
        name = getattr(factory, "current", "")
        stream = getattr(z, "fp", None)
        if (failure is None or failure[0] != Status.CORRUPT or not name or name in getattr(factory, "done", {})
                or not isinstance(stream, _Trickle)):
            return b""
        done: dict[str, bytes] = {}
        again = factory_cls({name: limits.get(name, 0)}, done)
        stream.trickle = TRICKLE
        try:
            z.reset()
            z.extract(targets=[name], factory=again)  # type: ignore[arg-type]  # the batch's own WriterFactory
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # noqa: BLE001 - it breaks again, where it broke: what came before is kept
            pass
        finally:
            stream.trickle = 0
        writer = getattr(again, "writer", None)
        return done.get(name) or (bytes(writer.buf.getvalue()) if writer is not None else b"")
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - a failure path never raises
        return b""


_TEXT_ENCODINGS = ("utf-8", "cp932")  # a PPMd member's text: what tells its bytes from pyppmd's garbage


def _before_garbage(kept: bytes) -> bytes:
    """What is kept of a PPMd member that broke: PPMd has no check of its own, and past the break pyppmd goes on
    writing what its model predicts (rows made of pieces of other rows, a name with another person's address) up
    to the declared size or a MemoryError (review13e: 134 records of 118 people). Of a text member (UTF-8 or cp932
    well past its start) the lines before the first byte sequence its encoding cannot decode; any other bytes as
    they are (a reader lists what it cannot read). Total."""
    try:
        reach = 0
        for encoding in _TEXT_ENCODINGS:
            try:
                kept.decode(encoding)
                return kept  # no undecodable byte: nothing tells where the garbage begins
            except UnicodeDecodeError as e:
                reach = max(reach, e.start)
        if reach < min(len(kept), 512):
            return kept  # no text well past its start: not cut
        end = kept.rfind(b"\n", 0, reach) + 1
        return kept[:end] if end > 0 else kept[:reach]
    except Exception:  # noqa: BLE001 - a failure path never raises
        return kept


def _kept_before(factory: object, name: str, failure: tuple[Status, str] | None) -> bytes:
    """What py7zr had written of the member it was extracting when its data broke (a damaged stream or a CRC
    mismatch), so the bytes before the break are examined (Session 12: a 7z member breaking anywhere kept
    nothing). Empty for any other member or failure (a cap, a password). Total."""
    try:
        if (failure is None or failure[0] != Status.CORRUPT or name != getattr(factory, "current", None)
                or name in getattr(factory, "done", ())):
            return b""
        return bytes(getattr(factory, "writer").buf.getvalue())  # noqa: B009 - the batch's own Factory class
    except Exception:  # noqa: BLE001 - a failure path never raises
        return b""


# ---------------------------------------------------------------- tar


class _WatchedTarInfo(tarfile.TarInfo):
    """Remembers why tarfile stopped: past the first member, tarfile.next() takes a damaged or zeroed
    header for the end of the archive and returns None, which would drop every member after it unseen."""

    @classmethod
    def fromtarfile(cls, tarfile_: tarfile.TarFile) -> Self:
        try:
            return super().fromtarfile(tarfile_)
        except tarfile.HeaderError as e:
            tarfile_.leakscan_stop = e  # type: ignore[attr-defined]
            raise

    def _proc_pax(self, tarfile_: tarfile.TarFile) -> Self:
        """A pax header (type ``x``/``g``) whose data is no pax records is a damaged type flag: tarfile takes the
        member's bytes for records, finds none and goes on without an error, the member lost (Session 9: such a
        tar was read ``ok`` with fewer records). Its data is watched as tarfile reads it, and said."""
        real = tarfile_.fileobj
        watched = _FirstRead(real)
        tarfile_.fileobj = watched
        try:
            return super()._proc_pax(tarfile_)  # type: ignore[misc]
        finally:
            tarfile_.fileobj = real
            if watched.first is not None and not _pax_records(watched.first[:self.size]):
                tarfile_.leakscan_lost = (  # type: ignore[attr-defined]
                    say(Detail.PAX_NO_RECORDS, type=repr(self.type.decode("latin-1")), size=self.size))


class _Reads(Protocol):
    def read(self, size: int, /) -> bytes: ...


class _FirstRead:
    """A file object that keeps the bytes of its first read (and passes every read on)."""

    def __init__(self, inner: _Reads) -> None:
        self.inner = inner
        self.first: bytes | None = None

    def read(self, size: int = -1) -> bytes:
        data = self.inner.read(size)
        if self.first is None:
            self.first = data
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


_PAX_RECORD = re.compile(rb"(\d{1,20}) [^=\n]+=")


def _pax_records(buf: bytes) -> bool:
    """Whether ``buf`` is pax extended header records (``LEN key=value\\n`` each, LEN counting the whole record),
    then NUL padding only (POSIX.1-2008 pax)."""
    at = 0
    while at < len(buf) and buf[at]:
        m = _PAX_RECORD.match(buf, at)
        if m is None:
            return False
        length = int(m.group(1))
        if length < len(m.group()) + 1 or at + length > len(buf) or buf[at + length - 1] != 0x0A:
            return False
        at += length
    return not buf[at:].strip(b"\x00")


def _tar_tail(tf: tarfile.TarFile) -> str | None:
    """Why the listing ended early at a damaged or cut header, or None (tarfile's end-of-archive: _tar_after_end)."""
    stop = getattr(tf, "leakscan_stop", None)
    # tarfile's header errors are not in typeshed's stubs (undocumented, present since Python 3.2)
    if isinstance(stop, (tarfile.InvalidHeaderError, tarfile.TruncatedHeaderError)):  # type: ignore[attr-defined]
        return f"{type(stop).__name__}: {stop}"
    return None


def _tar_after_end(tf: tarfile.TarFile, limit: int) -> tuple[int, int, bool] | None:
    """After tarfile met a zero block (its end of archive): None when only zeros follow (the real end), else
    (the first byte that is not zero, the bytes from it read, whether the end marker was two zero blocks)."""
    read = tf.offset + 512  # tarfile has read the zero block
    first: int | None = None
    marker: bool | None = None
    while read < limit:
        try:
            chunk = tf.fileobj.read(1 << 20)
        except Exception:  # noqa: BLE001 - a broken trailer after the members: they were all read
            break
        if not chunk:
            break
        if marker is None:
            marker = not chunk[:512].strip(b"\x00")
        if first is None and (nonzero := _NON_ZERO.search(chunk)) is not None:
            first = read + nonzero.start()
        read += len(chunk)
    return None if first is None else (first, read - first, bool(marker) and first >= tf.offset + 1024)


class _StreamBroken(OSError):
    """A compressed tar stream the whole-stream check found sound broke while read (past the check's limit)."""


class _ReadsChunks(Protocol):
    def read1(self, size: int = ..., /) -> bytes: ...


class _Multistream:
    """gzip/bzip2/xz data read through Python's file readers, which go on across concatenated streams (and
    skip the zero padding after the last). A break gives the bytes inflated before it first, then an OSError
    (what tarfile's reader meets at a break too)."""

    def __init__(self, reader: _ReadsChunks) -> None:
        self._reader = reader
        self._broken: _StreamBroken | None = None

    def read(self, size: int = -1) -> bytes:
        if self._broken is not None:
            raise self._broken
        want = size if size >= 0 else 1 << 62
        got = bytearray()
        while len(got) < want:
            try:
                chunk = self._reader.read1(min(want - len(got), 1 << 16))
            except MissingBackend:
                raise
            except Exception as e:  # noqa: BLE001 - EOFError, OSError, LZMAError, zlib.error, ZstdError: a break
                self._broken = _StreamBroken(f"{type(e).__name__}: {str(e)[:80]}")
                if not got:
                    raise self._broken from None
                break
            if not chunk:
                break
            got += chunk
        return bytes(got)


def _multistream_reader(data: bytes) -> IO[bytes]:
    import gzip

    raw = io.BytesIO(data)
    reader = (gzip.GzipFile(fileobj=raw, mode="rb") if data.startswith(b"\x1f\x8b") else
              bz2.BZ2File(raw) if data.startswith(b"BZh") else
              lzma.LZMAFile(raw, format=lzma.FORMAT_ALONE) if _any_lzma_alone(data) else
              _zstd().ZstdFile(raw) if _zstd_head(data) else
              _lz4("frame").LZ4FrameFile(raw) if data.startswith(LZ4_MAGIC) else
              _Lz4LegacyFile(data) if data.startswith(LZ4_LEGACY_MAGIC) else lzma.LZMAFile(raw))
    return cast(IO[bytes], _Multistream(reader))


class _Lz4LegacyFile:
    """LZ4 legacy streams one after another (``cat``), read a chunk at a time as Python's file readers are."""

    def __init__(self, data: bytes) -> None:
        self.data, self.at = memoryview(data), 0
        self.d = _Lz4Legacy(self.data)

    def read1(self, size: int = -1) -> bytes:
        while True:
            chunk = self.d.decompress(b"", size if size >= 0 else 1 << 62)
            if chunk or not self.d.eof:
                return chunk
            self.at += self.d.consumed
            if not bytes(self.data[self.at:self.at + 4]) == LZ4_LEGACY_MAGIC:
                return b""  # the end (zeros or other bytes after it are no stream)
            self.d = _Lz4Legacy(self.data[self.at:])


def _norm(name: str) -> str:
    """A tar member name as a hard link names it (``./sub/a`` and ``sub/a`` are one member)."""
    while name.startswith("./"):
        name = name[2:]
    return name.lstrip("/")


def _tar_member_prefix(data: bytes, ti: tarfile.TarInfo, limit: int) -> bytes:
    """The bytes of a tar member that are there before its archive breaks (a cut or damaged .tar.gz):
    the (inflated) tar up to the break, from the member's data offset."""
    end = min(ti.offset_data + ti.size, limit)
    tar = inflate_prefix(data, end)[0] if _compressed(data) or _any_lzma_alone(data) else data[:end]
    return tar[ti.offset_data:end]


def open_tar(parent: Entry, data: bytes, ctx: ScanContext, caps: ArchiveLimits, hop: Hop) -> Opened:
    """Read as a stream (compressed tars are inflated once, front to back); each regular member is read
    whole into memory before it is yielded, so nothing is inflated twice."""
    ratio_limit = caps.whole_archive_limit(len(data))
    # tarfile never checks the gzip CRC, and a flipped bit in a deflate stream inflates to other bytes
    # without an error: the stream is checked once first; if damaged (not only cut: a cut is found
    # where it happens), no member read from it is a complete, exact read
    garbled = None
    after = None  # bytes after the whole compressed stream(s)
    multistream: IO[bytes] | None = None
    if _compressed(data) or _any_lzma_alone(data):
        ends: list[int] = []
        broken = inflate_prefix(data, ratio_limit, keep=False, ends=ends)[1]
        if broken == STREAM_DATA_AFTER_END:
            # every stream before them ended whole, its check passed: the members are exact; the bytes after the
            # stream are no part of the tar and are not examined: said on the archive (review14i: every member was
            # called possibly damaged)
            after = say(Detail.DATA_AFTER_STREAM, format=_compression_name(data))
            broken = None
        if broken and broken != STREAM_ENDS_EARLY:
            garbled = {"format": _compression_name(data), "library": str(broken)}
        elif len(ends) >= (1 if broken else 2):  # a cut in a later stream: the members before it are read
            # wild14: a whole stream may be several streams one after another (pbzip2/lbzip2 write one bzip2
            # stream a block, pigz --independent and ``cat`` gzip members, xz of parts): one tar to GNU tar and
            # libarchive; tarfile's own decompressors stop after the first. Python's file readers go on.
            multistream = _multistream_reader(data)
        if multistream is None and (_any_lzma_alone(data) or _zstd_head(data) or data.startswith(LZ4_MAGIC)
                                    or data.startswith(LZ4_LEGACY_MAGIC)):
            # tarfile knows .lzma with an 8 MiB dictionary only, no Zstandard before Python 3.14, and no LZ4
            multistream = _multistream_reader(data)
    if garbled and data.startswith(b"BZh"):  # a bzip2 block damaged: tarfile stops there (split15)
        rec = bzip2_blocks.recover(data, ratio_limit, 0)  # the decoder's bytes of the damaged block are made up
        if rec is not None and (rec.head or rec.runs):
            return Opened(partial(_tar_from_blocks, parent, hop, ctx, caps, rec))
    head: str | None = None  # the first header damaged, skipped to the next whole one (as GNU tar does)
    first_held: _Held | None = None
    try:
        tf = (tarfile.open(fileobj=io.BytesIO(data), mode="r|*", tarinfo=_WatchedTarInfo) if multistream is None
              else tarfile.open(fileobj=multistream, mode="r|", tarinfo=_WatchedTarInfo))
    except tarfile.ReadError:
        resumed = _tar_resync(None, data, ratio_limit)
        if resumed is None:
            raise
        _, found, tf, error, first_held = resumed
        head = _skip_said(0, found, say(Detail.TAR_HEADER_BAD, error=error), first_held)

    def mark(item: Item) -> Item:
        if garbled and isinstance(item, ArchiveMemberEntry) and not item.damage:
            item.damage = say(Detail.TAR_MEMBER_MAY_BE_DAMAGED, **garbled)
        return item

    regular: dict[str, tarfile.TarInfo] = {}  # regular members by name, for the hard links that follow them

    def held_member(held: _Held, said: str) -> Item:
        """A member whose header is damaged read from the bytes its size or the tar it holds gives: a tar in it is
        opened as this member's own (``backup.tar » inner.tar » inner.txt``), marked with the damage."""
        m = _Member(held.name, held.raw_hex, len(held.body), None, None)
        blocked = caps.declared(len(held.body), None)
        if blocked is None and len(held.body) > caps.member_memory:
            blocked = (Status.TOO_LARGE, say(Detail.TAR_MEMBER_OVER_CAP, size=len(held.body), cap=caps.member_memory))
        charged = 0
        if blocked is None:
            caps.budget.charge(charged := len(held.body))
        got = _yield_member(parent, hop, m, ctx, caps, partial(io.BytesIO, held.body), blocked, charged)
        if isinstance(got, ArchiveMemberEntry):
            got.damage = said
        return mark(got)

    def items() -> Iterator[Item]:
        if garbled:
            yield Skipped(parent.location, Status.CORRUPT, say(Detail.TAR_STREAM_DAMAGED, **garbled))
        if after:
            yield Skipped(parent.location, Status.CORRUPT, after)
        if head:
            yield Skipped(parent.location, Status.CORRUPT, head)
            if first_held is not None:
                yield held_member(first_held, head)
        nonlocal tf
        count, skips = 0, 0
        negative: tarfile.TarInfo | None = None  # the last member declared a negative size: where it ends is unknown
        while True:
            if negative is not None:
                # tarfile would seek to before the member (its offset + a negative size): "StreamError: seeking
                # backwards is not allowed" named as the cause (images25b). GNU tar skips to the next header.
                next_header, rest = _tar_after_negative(data, negative, ratio_limit)
                if next_header is not None and skips < _TAR_SKIPS:
                    header_at, tf, held = next_header
                    said = _skip_said(negative.offset, header_at, say(Detail.TAR_NEGATIVE_SIZE, size=negative.size),
                                      held)
                    yield Skipped(parent.location, Status.CORRUPT, said)
                    if held is not None:
                        yield held_member(held, said)
                    skips += 1
                    negative = None
                    continue
                if rest:  # bytes after it, no whole header in them
                    yield Skipped(parent.location, Status.CORRUPT, say(Detail.TAR_MEMBERS_AFTER_NOT_READ, n=count,
                                  why=say(Detail.SIZE_NEGATIVE, size=negative.size)))
                return
            try:
                ti = tf.next()
            except (tarfile.TarError, EOFError, OSError, zlib.error, ValueError) as e:
                reason, text = error_reason(e)
                if (lost := getattr(tf, "leakscan_lost", None)) is not None:
                    text = join_details((lost, text))
                yield Skipped(parent.location, Status.CORRUPT, say(Detail.TAR_UNREADABLE_AFTER, n=count, why=text))
                return
            if ti is None:
                # end blocks with bytes after them: another tar joined (cat), a zeroed header, or bytes a tool
                # appended (a firmware .tar.md5's checksum line); zeros only is the real end
                at_end = isinstance(getattr(tf, "leakscan_stop", None), tarfile.EOFHeaderError)  # type: ignore[attr-defined]
                tail = _tar_after_end(tf, ratio_limit) if at_end else None
                resumed = (_tar_resync(tf, data, ratio_limit) if skips < _TAR_SKIPS and (tail or not at_end)
                           else None)
                if resumed is not None:  # as GNU tar ("skipping to next header"): one damaged header hides nothing
                    at, found, tf, error, held = resumed
                    said = (_skip_said(at, found, say(Detail.TAR_HEADER_BAD, error=error), held) if error else
                            say(Detail.TAR_INNER_END, start=at, end=found) if skips else
                            say(Detail.TAR_AFTER_END, start=at, end=found))
                    yield Skipped(parent.location, Status.CORRUPT, said)
                    if held is not None:
                        yield held_member(held, said)
                    skips += 1
                    continue
                if (lost := getattr(tf, "leakscan_lost", None)) is not None:
                    yield Skipped(parent.location, Status.CORRUPT, say(Detail.TAR_AFTER_MEMBER, n=count, why=str(lost)))
                if tail is not None and tail[2]:  # two end blocks, then bytes no header is in: no members of it
                    yield Skipped(parent.location, Status.UNSUPPORTED, say(Detail.TAR_DATA_AFTER_END, at=tail[0],
                                                                           n=tail[1]))
                    return
                why = say(Detail.ZEROED_HEADER_BLOCK) if tail is not None else None if at_end else _tar_tail(tf)
                if why:
                    yield Skipped(parent.location, Status.CORRUPT, say(Detail.TAR_MEMBERS_AFTER_NOT_READ, n=count, why=why))
                return
            count += 1
            if ti.size < 0:
                negative = ti
            if (lost := getattr(tf, "leakscan_lost", None)) is not None:
                tf.leakscan_lost = None  # type: ignore[attr-defined]
                yield Skipped(parent.location, Status.CORRUPT, say(Detail.TAR_BEFORE_MEMBER, n=count, why=str(lost)))
            raw = ti.name.encode("utf-8", "surrogateescape")
            if len(raw) > 4096 or any(c < 0x20 for c in raw):
                # no path: a damaged type flag made a member's data the long name of the one after it (the
                # member itself is gone), or the name field is noise
                yield Skipped(parent.location, Status.CORRUPT, say(Detail.TAR_MEMBER_NO_PATH, n=count, size=len(raw)))
            path, was_utf8 = decode_name(raw)
            raw_hex = None if was_utf8 else raw.hex()
            loc = parent.location.child(hop, path, raw_hex)
            if ti.isdir():
                continue
            if ti.islnk() and _norm(ti.linkname) in regular:
                # a hard link is the same file under another name (the name may be the leaked one): examined
                # with its target's bytes, and recorded as a link too
                yield Link(loc, ti.linkname + " (hard link)")
                target = regular[_norm(ti.linkname)]
                m = _Member(path, raw_hex, target.size, None, iso_utc(ti.mtime))
                blocked = caps.declared(target.size, None)
                if blocked is None and target.size > caps.member_memory:
                    blocked = (Status.TOO_LARGE, say(Detail.TAR_MEMBER_OVER, size=target.size))
                if blocked:
                    yield _yield_member(parent, hop, m, ctx, caps, _no_open, blocked)
                    continue
                content = _tar_member_prefix(data, target, ratio_limit)
                caps.budget.charge(len(content))
                yield mark(_yield_member(parent, hop, m, ctx, caps, partial(io.BytesIO, content), None, len(content)))
                continue
            if ti.issym() or ti.islnk():
                yield Link(loc, ti.linkname + (" (hard link)" if ti.islnk() else ""))
                continue
            if not ti.isreg():
                kind = "fifo" if ti.isfifo() else "device" if (ti.ischr() or ti.isblk()) else "other"
                yield Skipped(loc, Status.SPECIAL_FILE, say(Detail.TAR_SPECIAL, kind=kind))
                continue
            regular[_norm(ti.name)] = ti
            m = _Member(path, raw_hex, ti.size, None, iso_utc(ti.mtime))
            end = ti.offset_data + ti.size
            if end > ratio_limit:
                yield _yield_member(parent, hop, m, ctx, caps, _no_open,
                                    (Status.BOMB, say(Detail.TAR_BOMB, n=end, size=len(data), ratio=str(caps.ratio))))
                yield Skipped(parent.location, Status.BOMB, say(Detail.TAR_BOMB_AFTER, path=repr(path)))
                return
            blocked = caps.declared(ti.size, None)
            if blocked is None and ti.size > caps.member_memory:
                blocked = (Status.TOO_LARGE, say(Detail.TAR_MEMBER_OVER_CAP, size=ti.size, cap=caps.member_memory))
            if blocked:
                yield _yield_member(parent, hop, m, ctx, caps, _no_open, blocked)
                continue
            try:
                f = tf.extractfile(ti)
                content = f.read() if f is not None else b""
                caps.budget.charge(len(content))
            except ReadError as e:
                yield _yield_member(parent, hop, m, ctx, caps, _no_open, (e.reason, e.detail))
                return
            except (tarfile.TarError, EOFError, OSError, zlib.error, ValueError) as e:
                reason, text = error_reason(e)
                content = _tar_member_prefix(data, ti, ratio_limit)
                if not content:
                    yield _yield_member(parent, hop, m, ctx, caps, _no_open, (reason, text))
                    return
                # the archive breaks inside this member: what came before the break is still read
                caps.budget.charge(len(content))
                why = say(Detail.TAR_MEMBER_CUT, n=len(content), size=ti.size, why=text)
                member = _yield_member(parent, hop, m, ctx, caps, partial(io.BytesIO, content), None, len(content))
                if isinstance(member, ArchiveMemberEntry):
                    member.damage = say(Detail.ONLY_BEFORE_BREAK, why=why)
                yield Skipped(parent.location, reason, say(Detail.TAR_STOPPED, why=why))
                yield member
                return
            yield mark(_yield_member(parent, hop, m, ctx, caps, partial(io.BytesIO, content), None, len(content)))

    return Opened(items)


_TAR_SKIPS = 64  # damaged headers skipped in one tar (each said); past that the tar is listed as stopped
# type flags of headers whose data is no file of the archive (links, devices, directories, FIFOs; GNU long names,
# pax records, Solaris extended headers): a damaged one is skipped, never read as a member
_TAR_NO_FILE_TYPES = frozenset(bytes((c,)) for c in b"123456LKxgX")


def _skip_said(at: int, found: int, why: str, held: _Held | None) -> str:
    """The row for a damaged (or negative-size) header: its member read (held) or skipped, and where reading went on."""
    if held is None:
        return say(Detail.TAR_SKIPPED_PAST, start=at, end=found, why=why)
    return say(Detail.TAR_MEMBER_READ_DAMAGED, start=at, why=why, data=held.start, stop=held.stop,
               basis=say(held.basis), end=found)
_TAR_SUM = re.compile(rb"[ \x00]*[0-7]{1,8}[ \x00]*")


def _tar_header_at(plain: bytes, at: int) -> bool:
    """Whether a whole tar header (its checksum holds) is at AT."""
    if not _TAR_SUM.fullmatch(plain, at + 148, at + 156):
        return False
    try:
        tarfile.TarInfo.frombuf(plain[at:at + 512], "utf-8", "surrogateescape")
    except (tarfile.HeaderError, ValueError):
        return False
    return True


@dataclass
class _Held:
    """A member whose header is damaged (or declares a negative size) read all the same: its bytes from the tar, where
    they run (as its size says, or up to the end blocks of the tar it holds), and why."""

    name: str
    raw_hex: str | None
    start: int
    stop: int
    body: bytes
    basis: Detail


def _held_name(plain: bytes, at: int) -> tuple[str, str | None]:
    """The name in the damaged tar header at AT (ustar prefix too) when it reads, else where the header is."""
    raw = plain[at:at + 100].split(b"\x00", 1)[0]
    if plain[at + 257:at + 262] == b"ustar" and (prefix := plain[at + 345:at + 500].split(b"\x00", 1)[0]):
        raw = prefix + b"/" + raw
    if not raw or any(c < 0x20 for c in raw):
        return f"(member at byte {at}, header damaged)", None
    path, was_utf8 = decode_name(raw)
    return path, None if was_utf8 else raw.hex()


def _tar_inner_span(plain: bytes, data_at: int, end: int, size: int) -> tuple[int, int] | None:
    """When the member whose data begins at DATA_AT holds a tar (a whole header there, a chain of members ending in
    end blocks): (where that tar's end blocks end, the next whole header after them), or None. SIZE, when the
    damaged header's size field reads (else -1): a chain running past it is this tar's own members; unread, the
    outer tar must go on after the end blocks (a whole header there), or the members are taken as this tar's."""
    at = data_at
    while at + 512 <= end and _tar_header_at(plain, at):
        n = tarfile.nti(plain[at + 124:at + 136])  # type: ignore[attr-defined]  # checked by _tar_header_at
        if n < 0:
            return None
        extended = plain[at + 156:at + 157] == b"S" and plain[at + 482] != 0
        at += 512
        while extended and at < end:  # old GNU sparse: 512-byte extension blocks, each flagged at byte 504
            extended = plain[at + 504] != 0
            at += 512
        at += -(-n // 512) * 512
    if at == data_at or at + 512 > end or plain[at:at + 512].strip(b"\x00"):
        return None  # no end block where the chain ends: no tar of its own
    stop = at + 1024 if at + 1024 <= end and not plain[at + 512:at + 1024].strip(b"\x00") else at + 512
    if size >= 0 and data_at + size < at:
        return None
    nxt = _next_tar_header(plain, stop, end)
    return (stop, nxt) if nxt is not None else None


def _tar_resync(tf: tarfile.TarFile | None, data: bytes, limit: int
                ) -> tuple[int, int, tarfile.TarFile, str, _Held | None] | None:
    """After tarfile stopped at a damaged header (its checksum fails), where the next whole header is, as GNU tar
    skips to it: (the damaged header's offset, a tarfile reading from the next header, why), or None (the real
    end, a cut). The damaged header's size, when it still reads and a whole header (or the end) follows the data it
    gives, steps over the member whole (a tar inside it is not taken for the outer's members); else block by block.
    After a skip, end blocks followed by a whole header are those of a tar inside the member skipped: read on."""
    plain = data if not (_compressed(data) or _any_lzma_alone(data)) else _inflated_tar(data, limit)
    if tf is None:  # tarfile refused the first header (review25i: the whole tar was unread, exit 0)
        if not plain[:512].strip(b"\x00") or _tar_header_at(plain, 0):
            return None
        stop: Any = tarfile.InvalidHeaderError("bad checksum")  # type: ignore[attr-defined]
        at = 0
    else:
        stop, at = getattr(tf, "leakscan_stop", None), tf.offset
    inner_end = isinstance(stop, tarfile.EOFHeaderError)  # type: ignore[attr-defined]  # after a skip or not
    if not (isinstance(stop, tarfile.InvalidHeaderError) or inner_end) or (at <= 0 and tf is not None):  # type: ignore[attr-defined]
        return None
    end = min(len(plain), limit)
    found = None
    try:
        size = tarfile.nti(plain[at + 124:at + 136])  # type: ignore[attr-defined]  # in tarfile, not in typeshed
    except (tarfile.HeaderError, ValueError):
        size = -1
    step = at + 512 + -(-size // 512) * 512
    first = _next_tar_header(plain, at + 512, end)
    lands = 0 <= size and step <= end and _tar_header_at(plain, step)
    own = first is not None and first < step <= end and _tar_chain_reaches(plain, first, step, not lands)
    held: _Held | None = None
    # a header that holds no file (a directory, a link, a device; a GNU long name or pax records for the next
    # member) is never read as a member (review26i: ``././@LongLink`` listed corrupt, a directory's "data" up to
    # a cat-joined tar's end blocks taken for a tar inside it and the first tar's members named under it)
    no_file = plain[at + 156:at + 157] in _TAR_NO_FILE_TYPES or plain[at:at + 100].split(b"\x00", 1)[0].endswith(b"/")
    if not inner_end and 0 <= size and step <= end and (lands or not plain[step:step + 1024].strip(b"\x00")) \
            and not own:
        # the whole headers inside the member chain to its own end (a tar in it), not to where the size says: the
        # member is read as its size says (images26: it was stepped over, a tar in it unread)
        if step >= end or not plain[step:step + 1024].strip(b"\x00"):
            if size <= 0 or at + 512 + size > end:
                return None  # the damaged header was the last member's: said as members not read after it
        found = step
        if size > 0 and not no_file:
            held = _Held(*_held_name(plain, at), at + 512, at + 512 + size, plain[at + 512:at + 512 + size],
                         Detail.TAR_BY_SIZE)
    else:  # the size unreadable, or wrong (a bit flipped: whole headers of this tar chain up to where it points)
        found = first
        span = (_tar_inner_span(plain, at + 512, end, size) if not inner_end and not no_file and first == at + 512
                else None)
        if span is not None:  # a tar in the member: read as the member's (it was named as this tar's: images25)
            held = _Held(*_held_name(plain, at), at + 512, span[0], plain[at + 512:span[0]], Detail.TAR_BY_INNER_END)
            found = span[1]
    if found is None:
        return None
    why = "" if inner_end else f"{type(stop).__name__}: {stop}"  # "": a tar's end inside the member skipped
    bio = io.BytesIO(plain)
    bio.seek(found)
    return at, found, tarfile.TarFile(fileobj=bio, mode="r", tarinfo=_WatchedTarInfo), why, held


def _tar_after_negative(data: bytes, ti: tarfile.TarInfo, limit: int
                        ) -> tuple[tuple[int, tarfile.TarFile, _Held | None] | None, bool]:
    """After a member whose header declares a negative size (its checksum holds: tarfile reads it, then cannot
    go on): the next whole header after the member's header, block by block on the bytes in hand (a compressed
    tar inflated; a stream cannot be rewound), with a tarfile reading from it; and whether any byte that is not
    zero follows the header (None and False: the member was the last, only end blocks after it)."""
    plain = data if not (_compressed(data) or _any_lzma_alone(data)) else _inflated_tar(data, limit)
    end = min(len(plain), limit)
    found = _next_tar_header(plain, ti.offset_data, end)
    if found is None:
        return None, bool(plain[ti.offset_data:end].strip(b"\x00"))
    held = None
    span = (_tar_inner_span(plain, found, end, -1) if found == ti.offset_data and ti.type not in _TAR_NO_FILE_TYPES
            and not ti.name.endswith("/") else None)
    if span is not None:  # a tar in the member: its members are the member's, not this tar's (images25b's left item)
        raw = ti.name.encode("utf-8", "surrogateescape")
        path, was_utf8 = decode_name(raw)
        held = _Held(path, None if was_utf8 else raw.hex(), found, span[0], plain[found:span[0]],
                     Detail.TAR_BY_INNER_END)
        found = span[1]
    bio = io.BytesIO(plain)
    bio.seek(found)
    return (found, tarfile.TarFile(fileobj=bio, mode="r", tarinfo=_WatchedTarInfo), held), True


def _next_tar_header(plain: bytes, start: int, end: int) -> int | None:
    """The first whole tar header at a 512-byte step from START before END, or None."""
    return next((b for b in range(start, end - 511, 512) if _tar_header_at(plain, b)), None)


def _tar_chain_reaches(plain: bytes, at: int, target: int, at_end: bool) -> bool:
    """Whether the whole headers from AT, each followed by its member's data, chain to TARGET: this tar's own
    members (a damaged header's size too large by a flipped bit points past them), not a tar inside a member (its
    headers end in its end blocks, then more of the member). GNU sparse headers' extension blocks are followed too.
    AT_END: TARGET is in zeros (the size points at or past this tar's end): a chain ending in zeros up to it is
    this tar's own (a tar that is the last member is then read as this tar's members: more read, never fewer).)"""
    while at < target:
        if not _tar_header_at(plain, at):  # TARGET in this tar's end zeros and zeros only up to it: its end blocks
            return at_end and not plain[at:target].strip(b"\x00")
        size = tarfile.nti(plain[at + 124:at + 136])  # type: ignore[attr-defined]  # checked by _tar_header_at
        if size < 0:  # base-256 negative: no member's
            return False
        extended = plain[at + 156:at + 157] == b"S" and plain[at + 482] != 0
        at += 512
        while extended and at < target:  # old GNU sparse: 512-byte extension blocks, each flagged at byte 504
            extended = plain[at + 504] != 0
            at += 512
        at += -(-size // 512) * 512
    return at == target


def _inflated_tar(data: bytes, limit: int) -> bytes:
    """A compressed tar's bytes, inflated to at most LIMIT, to find a header again after a damaged one."""
    if data.startswith(COMPRESSED_MAGIC):
        return inflate_prefix(data, limit)[0]
    try:
        return _multistream_reader(data).read(limit)
    except (OSError, EOFError, ValueError, zlib.error):
        return b""


def _tar_headers(run: bytes) -> list[int]:
    """Where tar headers begin in a run of recovered bytes: ``ustar`` at 257 and a checksum that holds, at any
    offset (a lost bzip2 block moves what follows by an amount no 512-byte grid survives)."""
    out: list[int] = []
    at = run.find(b"ustar")
    while at >= 0:
        h = at - 257
        if h >= 0 and h + 512 <= len(run):
            block = run[h:h + 512]
            try:
                stored = int(block[148:156].replace(b"\0", b" ").strip() or b"-1", 8)
            except ValueError:
                stored = -1
            rest = block[:148] + block[156:]  # the checksum field counts as 8 spaces, bytes unsigned or signed
            if stored in (256 + sum(rest), 256 + sum(struct.unpack("148b356b", rest))):
                out.append(h)
        at = run.find(b"ustar", at + 1)
    return out


_PAX_PATH = re.compile(rb"(?:^|\n)\d{1,20} path=([^\n]*)\n")


def _tar_from_blocks(parent: Entry, hop: Hop, ctx: ScanContext, caps: ArchiveLimits,
                     rec: bzip2_blocks.Recovered) -> Iterator[Item]:
    """The members of a ``.tar.bz2`` whose bzip2 stream is damaged inside a block (split15): the whole blocks
    (``bzip2_blocks.recover``: from the start up to the first lost block, and each run after it) searched for tar
    headers (``_tar_headers``); each regular member found read from its header, cut where its run ends (listed);
    the bytes of a run before its first header (the rest of a member whose header was lost) read from their first
    line start to their last line end when they are text, as ``(tar header lost, run K).txt``. The tar itself is
    listed ``corrupt`` (``bzip2-blocks-recovered``)."""
    recovered = say(Detail.BZIP2_BLOCKS_RECOVERED, lost=rec.lost, found=rec.found)
    yield Skipped(parent.location, Status.CORRUPT, join_details(
        (say(Detail.TAR_STREAM_DAMAGED, format="bzip2", library="a block's CRC does not match"), recovered)))
    runs = ([rec.head] if rec.head else []) + rec.runs
    for k, run in enumerate(runs, 1):
        heads = _tar_headers(run)
        lead = run[:heads[0] if heads else len(run)]
        if lead and not (k == 1 and rec.head):  # the rest of a member whose header lies in a lost block
            start = lead.find(b"\n") + 1
            body = lead[start:lead.rstrip(b"\0").rfind(b"\n") + 1] if start > 0 else b""
            if body and is_text(body[:512]):
                caps.budget.charge(len(body))
                m = _Member(f"(tar header lost, run {k}).txt", None, len(body), None, None)
                got = _yield_member(parent, hop, m, ctx, caps, partial(io.BytesIO, body), None, len(body))
                if isinstance(got, ArchiveMemberEntry):
                    got.damage = recovered
                yield got
        name: bytes | None = None  # a long name (GNU ``L``, pax ``path``) for the header after it
        end = 0  # where the last header read's data ends: a header before it is that member's data (a tar in
        # the tar: its members are its own, not the outer tar's; review15f)
        for h in heads:
            if h < end:
                continue
            try:
                ti = tarfile.TarInfo.frombuf(run[h:h + 512], "utf-8", "surrogateescape")
            except (tarfile.HeaderError, ValueError):
                name = None
                continue
            end = h + 512 + -(-max(ti.size, 0) // 512) * 512
            body = run[h + 512:h + 512 + max(ti.size, 0)]
            if ti.type in (tarfile.XHDTYPE, tarfile.GNUTYPE_LONGNAME):
                found = _PAX_PATH.search(body) if ti.type == tarfile.XHDTYPE else None
                name = found.group(1) if found else body.rstrip(b"\0") if ti.type == tarfile.GNUTYPE_LONGNAME else None
                continue
            raw, name = name or ti.name.encode("utf-8", "surrogateescape"), None
            if not ti.isreg() or len(raw) > 4096:
                continue
            path, was_utf8 = decode_name(raw)
            m = _Member(path, None if was_utf8 else raw.hex(), ti.size, None, iso_utc(ti.mtime))
            blocked = caps.declared(ti.size, None)
            if blocked:
                yield _yield_member(parent, hop, m, ctx, caps, _no_open, blocked)
                continue
            caps.budget.charge(len(body))
            got = _yield_member(parent, hop, m, ctx, caps, partial(io.BytesIO, body), None, len(body))
            if isinstance(got, ArchiveMemberEntry) and len(body) < ti.size:  # its run ends inside it
                got.damage = join_details((say(Detail.TAR_MEMBER_CUT, n=len(body), size=ti.size, why=recovered),))
            yield got


# ---------------------------------------------------------------- a single compressed file (.gz, .bz2, .xz)


def open_compressed(parent: Entry, data: bytes, ctx: ScanContext, caps: ArchiveLimits, hop: Hop) -> Opened:
    """A compressed tar (by name, or ``ustar`` in the first inflated block), or else one compressed
    file (``名簿.xlsx.gz`` holds ``名簿.xlsx``)."""
    if parent.name.casefold().endswith(TAR_EXTS) or _inflate_head(data)[257:262] == b"ustar":
        return open_tar(parent, data, ctx, caps, hop)
    hop = Hop(hop.kind, hop.name, {**hop.detail, "format": _compression_name(data)})
    inner = compressed_member_name(parent.name)
    content, size, blocked, broken = _inflate_single(data, caps)  # nothing inflated before a break: corrupt
    after = None
    if broken == STREAM_DATA_AFTER_END:  # the stream whole, bytes after it: the file is whole (review14i)
        after, broken = say(Detail.DATA_AFTER_STREAM, format=_compression_name(data)), None
    mtime = struct.unpack_from("<I", data, 4)[0] if data.startswith(b"\x1f\x8b") and len(data) >= 8 else 0
    m = _Member(inner, None, size, len(data), iso_utc(mtime) if mtime else None)

    def items() -> Iterator[Item]:
        if blocked:
            yield _yield_member(parent, hop, m, ctx, caps, _no_open, blocked)
            return
        member = _yield_member(parent, hop, m, ctx, caps, partial(io.BytesIO, content), None, len(content))
        if after:
            yield Skipped(parent.location, Status.CORRUPT, after)
        if broken:  # what inflated before the break is read (a cut CSV still names its people), and said
            recovered = any(c.get("code") == Detail.BZIP2_BLOCKS_RECOVERED.value for c in codes_of(broken))
            why = broken if recovered else say(Detail.STREAM_BREAKS, format=_compression_name(data), n=size,
                                                library=str(broken))
            if isinstance(member, ArchiveMemberEntry):
                member.damage = why if recovered else say(Detail.ONLY_BEFORE_BREAK, why=why)
            yield Skipped(parent.location, Status.CORRUPT, say(Detail.COMPRESSED_BREAK, why=why))
        yield member

    return Opened(items)


COMPRESSION_EXTS = (".gz", ".gzip", ".bz2", ".bz", ".xz", ".z", ".lzma", ".zst", ".lz4")


def compressed_member_name(name: str) -> str:
    """The name of the one file a .gz/.bz2/.xz holds: its own name less the compression extension
    (``名簿.csv.gz`` holds ``名簿.csv``); a compressed file under another name keeps it whole (a gzip saved as
    ``list.csv`` holds ``list.csv``, so the table is read as the CSV it is)."""
    dot = name.rfind(".")
    if dot <= 0:
        return name + ".out"
    return name[:dot] if name[dot:].casefold() in COMPRESSION_EXTS else name


def _compression_name(data: bytes) -> str:
    return ("gzip" if data.startswith(b"\x1f\x8b") else "bzip2" if data.startswith(b"BZh") else
            "xz" if data.startswith(b"\xfd7zXZ\x00") else "zstd" if _zstd_head(data) else
            "lz4" if data.startswith((LZ4_MAGIC, LZ4_LEGACY_MAGIC)) else "lzma")


def _compressed(data: bytes) -> bool:
    """A gzip, bzip2, xz or Zstandard stream by its first bytes (Zstandard after skippable frames too)."""
    return data.startswith(COMPRESSED_MAGIC) or zstd_after_skippable(data)


def _zstd_head(data: bytes) -> bool:
    return data.startswith(ZSTD_MAGIC) or zstd_after_skippable(data)


def _skippable(data: bytes) -> bool:
    """A Zstandard skippable frame (magic 0x184D2A50-5F): metadata between frames."""
    return len(data) >= 8 and data[1:4] == b"\x2a\x4d\x18" and 0x50 <= data[0] <= 0x5F


def _zstd() -> Any:
    """Zstandard: Python 3.14's compression.zstd, else its backport (backports.zstd, also py7zr's)."""
    if sys.version_info >= (3, 14):
        return importlib.import_module("compression.zstd")
    return load("backports.zstd")


def _lz4(part: str) -> Any:
    """python-lz4's frame or block module (MissingBackend, with the install hint, when lz4 is not installed)."""
    load("lz4")
    return importlib.import_module(f"lz4.{part}")


def _any_lzma_alone(data: bytes) -> bool:
    """A legacy .lzma stream, by the looser header check (the file was taken as compressed by its content or by its
    .lzma/.tlz name before it got here; gzip, bzip2 and xz have their magic first)."""
    return not _compressed(data) and data[257:262] != b"ustar" and not v7_tar(data) and lzma_alone(data, named=True)


def _inflate_head(data: bytes) -> bytes:
    head, _ = inflate_prefix(data, 512)
    return head


STREAM_ENDS_EARLY = say(Detail.STREAM_ENDS_EARLY)  # a Said: compares as its text
STREAM_DATA_AFTER_END = say(Detail.STREAM_DATA_AFTER_END)
_NOT_ZERO = re.compile(rb"[^\x00]")
_ZLIB_TYPE = type(zlib.decompressobj())


def inflate_prefix(data: bytes, limit: int, keep: bool = True,
                   ends: list[int] | None = None) -> tuple[bytes, str | None]:
    """Inflate a gzip, bzip2 or xz stream (concatenated streams too) to at most ``limit`` bytes, keeping
    what inflated before a break: (bytes, None when the stream ended cleanly, else why it broke).
    ``keep=False`` only checks the stream (the bytes are dropped as they come; b"" is returned). ``ends``, when
    given, gets the inflated size at each stream's end (several: concatenated streams).

    A cut or byte-flipped backup still holds everything before the damage; Python's file readers
    (gzip.open ...) raise at the break and drop the buffer they were inflating, so the decompressor
    objects are driven here, fed a few KiB at a time (bzip2 can only give whole 900 kB blocks)."""
    out = _Inflated(keep)
    # the next stream's first byte: never a copy of the rest per stream (review14i: many tiny streams, a
    # crafted gzip of 400 000 empty members, cost the square of their number)
    pos, last = 0, len(data.rstrip(b"\x00"))  # tar and gzip writers may pad the end with zeros
    zstd_seen = False  # a skippable frame (metadata) after a Zstandard frame is the same stream's (zstd skips it)
    while pos < last:
        rest = memoryview(data)[pos:]
        head = data[pos:pos + 16]
        zstd = head.startswith(ZSTD_MAGIC) or (_skippable(head) and (zstd_seen or (pos == 0 and zstd_after_skippable(data))))
        d: Any = (zlib.decompressobj(wbits=31) if head.startswith(b"\x1f\x8b") else
                  bz2.BZ2Decompressor() if head.startswith(b"BZh") else
                  lzma.LZMADecompressor() if head.startswith(b"\xfd7zXZ\x00") else
                  _lz4("frame").LZ4FrameDecompressor() if head.startswith(LZ4_MAGIC) else
                  _Lz4Legacy(rest) if head.startswith(LZ4_LEGACY_MAGIC) else
                  lzma.LZMADecompressor(format=lzma.FORMAT_ALONE) if not out.size and lzma_alone(head, named=True)
                  else _zstd().ZstdDecompressor() if zstd else None)
        zstd_seen = zstd_seen or zstd
        if d is None:
            return out.value(limit), say(Detail.STREAM_DATA_AFTER_END if out.size else Detail.NOT_A_COMPRESSED_STREAM)
        at, tail = 0, b""  # next input byte; zlib's input not yet used (unconsumed_tail)
        try:
            while not d.eof:
                if out.size >= limit:
                    return out.value(limit), None
                room = min(INFLATE_STEP, limit - out.size)
                if not isinstance(d, _ZLIB_TYPE):  # bzip2, xz, lzma, zstd: fed while they need input
                    piece = bytes(rest[at:at + INFLATE_FEED]) if d.needs_input else b""
                    if d.needs_input and not piece:
                        return out.value(limit), STREAM_ENDS_EARLY
                    at += len(piece)
                    out.add(d.decompress(piece, room))
                else:
                    piece = tail or bytes(rest[at:at + INFLATE_FEED])
                    if not tail:
                        at += len(piece)
                    if not piece:
                        return out.value(limit), STREAM_ENDS_EARLY
                    try:
                        out.add(inflate_keeping(d, piece, room))
                    except InflateBroken as e:  # keep what this piece inflated before the error (a bad CRC at the end)
                        out.add(e.before)
                        raise e.error from None
                    tail = d.unconsumed_tail
        except MissingBackend:
            raise
        except _Lz4Cut:
            return out.value(limit), STREAM_ENDS_EARLY
        except Exception as e:  # noqa: BLE001 - zlib.error, OSError, EOFError, LZMAError, ZstdError ...: a break
            return out.value(limit), f"{type(e).__name__}: {str(e)[:80]}" if str(e) else type(e).__name__
        pos += d.consumed if isinstance(d, _Lz4Legacy) else at - len(d.unused_data or b"")  # lz4's: None
        if ends is not None:
            ends.append(out.size)
        if isinstance(d, _ZLIB_TYPE) and pos < last and not data[pos]:
            # zeros after a gzip member (tape blocking, a padded copy): gzip and Python's gzip skip them and read
            # the next member (review14i: every member of such a tar.gz was called possibly damaged)
            pos = nonzero.start() if (nonzero := _NOT_ZERO.search(data, pos)) is not None else len(data)
    return out.value(limit), None


class _Lz4Cut(EOFError):
    """An LZ4 legacy stream cut (its last block, or that block's length, runs past the data): a cut, as a gzip or
    LZ4 frame that ends early is (review26i: it was called a damaged stream, the members before it "may be
    damaged"), not damage."""


class _Lz4Legacy:
    """The LZ4 legacy frame (``lz4 -l``; the Linux kernel's lz4 initramfs), with a decompressor's interface: the magic,
    then blocks of a 4-byte little-endian length and an LZ4 block of at most 8 MiB. No end mark: the stream ends where
    the data does, or where a length no block can have (zeros padding it, another stream's magic) stands. The whole
    stream is in hand (``data``): it is read from there, never fed."""

    _MOST = 8 << 20  # a legacy block inflates to at most 8 MiB
    _BOUND = _MOST + _MOST // 255 + 16  # LZ4_compressBound(8 MiB): no block is longer

    def __init__(self, data: memoryview) -> None:
        self.data, self.consumed, self.eof, self.needs_input = data, 4, False, False
        self.unused_data, self.pending, self.given = b"", b"", 0  # the block inflated, how much of it given out
        self.block = _lz4("block")

    def decompress(self, _piece: bytes, max_length: int) -> bytes:
        while self.given >= len(self.pending):
            at = self.consumed
            if at + 4 > len(self.data) and bytes(self.data[at:]).strip(b"\x00"):
                raise _Lz4Cut("the data ends inside an LZ4 legacy block's length")  # review26i: was "whole"
            n = int.from_bytes(self.data[at:at + 4], "little") if at + 4 <= len(self.data) else 0
            if not 0 < n <= self._BOUND or bytes(self.data[at:at + 4]) == LZ4_LEGACY_MAGIC:
                self.eof = True  # the data's end, zeros after it, or the next stream
                return b""
            if at + 4 + n > len(self.data):
                raise _Lz4Cut("an LZ4 legacy block runs past the end of the data")
            self.pending = self.block.decompress(bytes(self.data[at + 4:at + 4 + n]), uncompressed_size=self._MOST)
            self.consumed, self.given = at + 4 + n, 0
        # given out from an offset: slicing the rest off per read copied up to 8 MiB each time (review26i: a tar read
        # 10 KiB at a time from 100 MB of lz4 -l cost 2.6 s of CPU, the LZ4 frame format 0.15 s)
        out = self.pending[self.given:self.given + max_length]
        self.given += len(out)
        return out


class _Inflated:
    """What inflate_prefix has inflated: kept, or only counted."""

    def __init__(self, keep: bool) -> None:
        self.keep, self.size, self.buf = keep, 0, bytearray()

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.keep:
            self.buf += chunk

    def value(self, limit: int) -> bytes:
        return bytes(self.buf[:limit])


def _inflate_single(data: bytes, caps: ArchiveLimits) -> tuple[bytes, int, tuple[Status, str] | None, str | None]:
    """Inflate a .gz/.bz2/.xz stream, stopping at the first cap it passes.
    Returns (content, bytes inflated, why refused, why the stream broke after ``content``)."""
    ratio_limit = caps.whole_archive_limit(len(data))
    limit = min(caps.member_memory, caps.budget.remaining(), ratio_limit)
    content, broken = inflate_prefix(data, limit + 1)
    size = len(content)
    if size > limit:
        why = Status.BOMB if limit == ratio_limit else Status.TOO_LARGE
        return b"", size, (why, f"inflates past {limit} bytes from {len(data)} (ratio {caps.ratio}, caps)"), None
    if broken and data.startswith(b"BZh"):  # the whole blocks after the break (bzip2recover's rule)
        rec = bzip2_blocks.recover(data, limit, len(content))  # the decoder's bytes of the damaged block are made up
        if rec is not None:
            content = bzip2_blocks.joined(rec.head, rec.runs)
        if rec is not None and (rec.head or rec.runs):
            broken = join_details((say(Detail.STREAM_BREAKS, format="bzip2", n=len(rec.head), library=broken),
                                   say(Detail.BZIP2_BLOCKS_RECOVERED, lost=rec.lost, found=rec.found)))
    if broken and not content:
        raise ReadError(Status.CORRUPT, broken)
    caps.budget.charge(len(content))
    return content, len(content), None, broken


# ---------------------------------------------------------------- cpio (newc, crc, odc, binary)


class _Bytes(io.BytesIO):
    """The file-object interface dfvfs' cpio reader wants (get_size) over bytes in memory."""

    def get_size(self) -> int:
        return len(self.getbuffer())


class _CpioEntry(Protocol):
    """What leakscan reads and corrects of one of dfvfs' CPIOArchiveFileEntry objects."""

    size: int
    data_size: int
    data_offset: int
    mode: int | None


_CPIO_MAGIC = {"newc": b"070701", "crc": b"070702", "odc": b"070707", "bin-little-endian": b"\xc7\x71",
               "bin-big-endian": b"\x71\xc7"}
_SKIPS_NAMED = 5  # damaged headers skipped named one by one (a text-mode transfer shifts every one); the rest counted
_HP_DEVICES = (statmod.S_IFCHR, statmod.S_IFBLK, statmod.S_IFIFO, statmod.S_IFSOCK)
_NON_ZERO = re.compile(rb"[^\x00]")
_CPIO_KINDS = {statmod.S_IFCHR: "character device", statmod.S_IFBLK: "block device", statmod.S_IFIFO: "FIFO",
               statmod.S_IFSOCK: "socket"}
_COMPRESSED_EXT = {"gzip": ".gz", "bzip2": ".bz2", "xz": ".xz", "zstd": ".zst", "lzma": ".lzma", "lz4": ".lz4"}


def _cpio_reader() -> type:
    from dfvfs.lib import cpio
    from dfvfs.lib import errors as dfvfs_errors

    class CpioMembers(cpio.CPIOArchiveFile):
        """dfvfs' cpio reader, keeping every member in order (duplicates too) and, when a header is
        damaged, the members before it and where it stopped, instead of failing the whole archive."""

        members: list[Any]
        stopped: str
        skipped: list[str]  # the damaged headers read past, each with the bytes skipped to the next whole one
        cut: Any  # the member whose header is whole but whose data runs past the end (a cut archive), or None
        _file_entries: dict[str, Any]  # dfvfs' own index of the members (dfvfs has no type information)

        file_format: str  # dfvfs' name of the format being read (newc, crc, odc, bin-...), changed per part
        parts: list[tuple[int, str]]  # where each archive of a concatenated stream begins (initramfs), its format
        rest: int | None  # a compressed archive after the last TRAILER!!! (an initramfs' main part): read as a member
        junk: int | None  # bytes after the last TRAILER!!! that are no zeros and no archive
        skip_holds: bool  # the last skip may have landed in a cpio inside the damaged member (at its data)
        skip_end: int | None  # where that member's data ends, when its header's size fields read
        skip_at: int  # where the last damaged header skipped is

        def _ReadFileEntries(self, file_object: Any) -> None:  # noqa: N802 - dfvfs' interface
            self._file_entries, self.members, self.stopped, self.cut, self.skipped = {}, [], "", None, []
            self.parts, self.rest, self.junk = [(0, self.file_format)], None, None
            offset, trailer, since_skip, self.skip_holds, self.skip_end = 0, False, 0, False, None
            while offset < self._file_size:
                try:
                    entry = self._ReadFileEntry(file_object, offset)
                    if (entry.size <= 0 or entry.data_offset + entry.data_size > self._file_size) and \
                            not self._magic_at(file_object, offset):
                        # dfvfs checks no magic in a binary header: one read out of step (a name size damaged
                        # before it) takes random bytes for a size past the end; GNU cpio skips such junk
                        raise dfvfs_errors.FileFormatError("no header magic")
                except (dfvfs_errors.Error, ValueError, OSError, struct.error, AttributeError) as e:
                    why = say(Detail.CPIO_HEADER_UNREADABLE, at=offset, error=type(e).__name__)
                    resumed = self._next_header(file_object, offset)
                    if resumed is None:
                        self.stopped = why
                        return
                    # as GNU cpio reads on ("skipped N bytes of junk"): one damaged header hides no member after it
                    self.skipped.append(say(Detail.CPIO_SKIPPED_TO_HEADER, why=why, start=offset, end=resumed))
                    self.skip_at, since_skip = offset, len(self.members)
                    # a cpio inside the damaged member begins at its data; a header found past its data is this
                    # archive's next member (images26: a concatenated part after it was taken for a nested one)
                    start = _cpio_data_start(file_object.getvalue(), offset, self.file_format)
                    self.skip_holds = start is None or start == resumed
                    # a member whose size field reads too small for a cpio (an empty file, a directory: review26i,
                    # their data start is the next member's header) holds none; a trailer past its data is not one
                    size = _cpio_data_size(file_object.getvalue(), offset, self.file_format)
                    self.skip_end = start + size if start is not None and size is not None else None
                    if size is not None and size < _CPIO_SMALLEST[self.file_format]:
                        self.skip_holds = False
                    offset = resumed
                    continue
                self._hp_device(file_object, offset, entry)
                if entry.size <= 0 or entry.data_offset + entry.data_size > self._file_size:
                    self.stopped = say(Detail.CPIO_MEMBER_PAST_END, at=offset)
                    if entry.size > 0 and entry.data_offset <= self._file_size and entry.path != "TRAILER!!!":
                        self.cut = entry  # its name is whole: named, and read up to the cut
                    return
                offset += entry.size
                if entry.path == "TRAILER!!!":
                    # after a skip the trailer may be that of a cpio inside the member skipped (its data searched for
                    # the next header): the outer archive's members after it are read on, not ended there
                    resumed = (self._next_header(file_object, offset - 1) if self.skip_holds and
                               (self.skip_end is None or offset - entry.size < self.skip_end) else None)
                    if resumed is None:
                        following = self._after_trailer(file_object, offset)
                        if following is None:
                            trailer = True
                            break
                        offset = following  # the next archive of a concatenated stream (initramfs): read on
                        continue
                    why = say(Detail.CPIO_INNER_TRAILER, at=offset - entry.size)
                    self.skipped.append(say(Detail.CPIO_SKIPPED_TO_HEADER, why=why, start=offset, end=resumed))
                    # the members read since the skip lie inside the member whose header was damaged (a cpio in
                    # the cpio): theirs, not the outer archive's
                    for inner in self.members[since_skip:]:
                        inner.inside = self.skip_at
                    since_skip, self.skip_holds = len(self.members), False  # the next trailer is this archive's
                    offset = resumed
                    continue
                entry.part = len(self.parts) - 1
                self.members.append(entry)
            if not trailer:
                self.stopped = self.stopped or say(Detail.CPIO_NO_TRAILER)

        def _after_trailer(self, file_object: _Bytes, offset: int) -> int | None:
            """Where the next archive of a concatenated stream begins after a TRAILER!!! (an initramfs: microcode
            cpio, then the main one, uncompressed or compressed), skipping the zeros between; None at the end. A
            cpio of any format is read on (its format taken); a compressed one is kept as ``rest``, other bytes as
            ``junk`` (both said by the caller)."""
            buf = file_object.getvalue()
            found = _NON_ZERO.search(buf, offset)
            if found is None:
                return None
            at, was = found.start(), self.file_format
            for fmt, magic in _CPIO_MAGIC.items():
                if not buf.startswith(magic, at):
                    continue
                self.file_format = fmt
                try:
                    entry = self._ReadFileEntry(file_object, at)
                except (dfvfs_errors.Error, ValueError, OSError, struct.error, AttributeError):
                    entry = None
                if entry is not None and entry.size > 0 and entry.data_offset + entry.data_size <= self._file_size:
                    self.parts.append((at, fmt))
                    return at
                self.file_format = was
            if _compressed(buf[at:at + 16]):
                self.rest = at
            else:
                self.junk = at
            return None

        def _magic_at(self, file_object: _Bytes, offset: int) -> bool:
            """Whether the archive's header magic is at OFFSET (an unknown format: taken as there)."""
            magic = _CPIO_MAGIC.get(self.file_format)
            file_object.seek(offset)
            return magic is None or file_object.read(len(magic)) == magic

        def _next_header(self, file_object: _Bytes, offset: int) -> int | None:
            """Where the next whole header after OFFSET begins (its magic, a header that reads, a member inside
            the archive), or None. Only after a damaged header; tries at most 256 candidates."""
            magic = _CPIO_MAGIC.get(self.file_format)
            if magic is None:
                return None
            buf = file_object.getvalue()
            at = buf.find(magic, offset + 1)
            for _ in range(256):
                if at < 0:
                    return None
                try:
                    entry = self._ReadFileEntry(file_object, at)
                except (dfvfs_errors.Error, ValueError, OSError, struct.error, AttributeError):
                    entry = None
                if entry is not None and entry.size > 0 and entry.data_offset + entry.data_size <= self._file_size:
                    return at
                at = buf.find(magic, at + 1)
            return None

        def _hp_device(self, file_object: _Bytes, offset: int, entry: _CpioEntry) -> None:
            """HP-UX cpio (GNU cpio's hpodc and hpbin, written as odc and bin) keeps a device's, FIFO's or socket's
            number in the file-size field and sets its rdev to 1: read such a member as empty, as GNU cpio does
            (its data size taken for bytes stepped over the next header, and every member after it)."""
            if not entry.data_size or statmod.S_IFMT(entry.mode or 0) not in _HP_DEVICES:
                return
            if self.file_format == "odc":
                file_object.seek(offset + 42)
                field = file_object.read(6)
                rdev = int(field, 8) if field.isdigit() else -1
            elif self.file_format in ("bin-big-endian", "bin-little-endian"):
                file_object.seek(offset + 14)
                order = ">" if self.file_format == "bin-big-endian" else "<"
                rdev = struct.unpack(order + "H", file_object.read(2).ljust(2, b"\xff"))[0]
            else:
                return
            if rdev == 1:
                entry.size, entry.data_size = entry.data_offset - offset, 0

    return CpioMembers


def _cpio_data_start(data: bytes, at: int, fmt: str) -> int | None:
    """Where the data of the member whose (damaged) header is at AT begins, from its name-size field when that
    still reads (a cpio inside the member begins there), or None."""
    try:
        if fmt in ("newc", "crc"):
            return at + 110 + int(data[at + 94:at + 102], 16) + 3 & ~3
        if fmt == "odc":
            return at + 76 + int(data[at + 59:at + 65], 8)
        if fmt in ("bin-little-endian", "bin-big-endian"):
            order = "<" if fmt == "bin-little-endian" else ">"
            return at + 26 + struct.unpack_from(order + "H", data, at + 20)[0] + 1 & ~1
    except (ValueError, struct.error):
        return None
    return None


# the fewest bytes a cpio of each format takes (a header and the TRAILER!!! name): a member smaller holds none
_CPIO_SMALLEST = {"newc": 124, "crc": 124, "odc": 87, "bin-little-endian": 38, "bin-big-endian": 38}


def _cpio_data_size(data: bytes, at: int, fmt: str) -> int | None:
    """The size of the data of the member whose (damaged) header is at AT, when its size field still reads, or None."""
    try:
        if fmt in ("newc", "crc"):
            return int(data[at + 54:at + 62], 16)
        if fmt == "odc":
            return int(data[at + 65:at + 76], 8)
        if fmt in ("bin-little-endian", "bin-big-endian"):
            high, low = struct.unpack_from(("<" if fmt == "bin-little-endian" else ">") + "2H", data, at + 22)
            return high << 16 | low
    except (ValueError, struct.error):
        return None
    return None


def _damaged_name(data: bytes, at: int, fmt: str) -> str | None:
    """The name in a damaged cpio header at AT when its name-size field still reads (a size digit damaged leaves
    the name whole), or None."""
    fields = {"newc": (110, 94, 16), "crc": (110, 94, 16), "odc": (76, 59, 8)}.get(fmt)
    if fields is None:
        return None
    head, field, base = fields
    try:
        size = int(data[at + field:at + field + (8 if base == 16 else 6)], base)
    except ValueError:
        return None
    raw = data[at + head:at + head + size].rstrip(b"\x00")
    if not 0 < len(raw) < 4096 or b"\x00" in raw or any(c < 0x20 for c in raw):
        return None
    return decode_name(raw)[0]


class _CpioListing(Protocol):
    """What _damaged_members reads of a CpioMembers reader (dfvfs' class has no type information)."""

    members: list[Any]
    file_format: str


def _damaged_members(parent: Entry, hop: Hop, data: bytes,
                     reader: _CpioListing) -> dict[int, tuple[Location, Hop]]:
    """For each damaged header whose member held a cpio read after a skip (its TRAILER!!! met): the location its
    members hang under, ``backup.cpio » inner.cpio » inner.txt`` (the name from the damaged header when it reads,
    else where the header is)."""
    out: dict[int, tuple[Location, Hop]] = {}
    for at in {m.inside for m in reader.members if getattr(m, "inside", None) is not None}:
        name = _damaged_name(data, at, reader.file_format) or f"(member at byte {at}, header damaged)"
        out[at] = (parent.location.child(hop, name), Hop(hop.kind, name, {"format": f"cpio ({reader.file_format})", "header_damaged_at": at}))
    return out


def open_cpio(parent: Entry, data: bytes, ctx: ScanContext, caps: ArchiveLimits, hop: Hop) -> Opened:
    """cpio archives (newc, crc, odc, old binary both byte orders) through dfvfs' cpio reader. Members
    are stored, not compressed: each is a slice of the archive's bytes."""
    reader = _cpio_reader()(encoding="latin-1")  # latin-1 gives the raw name bytes back, decoded below
    reader.Open(_Bytes(data))  # an unknown signature raises: the archive is corrupt
    hop = Hop(hop.kind, hop.name, {**hop.detail, "format": f"cpio ({reader.file_format})"})

    # newc and crc store a hard-linked file's bytes once, with its last link; the others have size 0
    linked = {m.inode_number: m for m in reader.members
              if (m.number_of_links or 0) > 1 and m.data_size > 0 and statmod.S_ISREG(m.mode or 0)}

    hops = [hop] + [Hop(hop.kind, hop.name, {**hop.detail, "format": f"cpio ({fmt})", "archive": n + 1, "at": at})
                    for n, (at, fmt) in enumerate(reader.parts[1:], 1)]
    within = _damaged_members(parent, hop, data, reader)

    def items() -> Iterator[Any]:
        for m in reader.members:
            raw = m.path.encode("latin-1")
            path, was_utf8 = decode_name(raw)
            raw_hex = None if was_utf8 else raw.hex()
            inside = getattr(m, "inside", None)
            at_hop = hops[getattr(m, "part", 0)] if inside is None else within[inside][1]
            under = None if inside is None else within[inside][0]
            loc = (under or parent.location).child(at_hop, path, raw_hex)
            kind = statmod.S_IFMT(m.mode or 0)
            start, size = m.data_offset, m.data_size
            if kind == statmod.S_IFREG and not size and (m.number_of_links or 0) > 1 and m.inode_number in linked:
                start, size = linked[m.inode_number].data_offset, linked[m.inode_number].data_size
            if kind == statmod.S_IFDIR:
                continue
            if kind == statmod.S_IFLNK:
                yield Link(loc, decode_name(data[start:start + size])[0])
                continue
            if kind != statmod.S_IFREG:
                what = _CPIO_KINDS.get(kind, "file of no known type")  # type bits no Unix file has (0o170000)
                yield Skipped(loc, Status.SPECIAL_FILE, say(Detail.CPIO_SPECIAL, kind=what, mode=f"{m.mode or 0:06o}"))
                continue
            member = _Member(path, raw_hex, size, size, iso_utc(m.modification_time) if m.modification_time else None)
            blocked = caps.declared(size, None)
            yield _yield_member(parent, at_hop, member, ctx, caps,
                                partial(io.BytesIO, data[start:start + size]), blocked, under=under)
        if reader.rest is not None:  # the compressed archive after the first (an initramfs' main part): a member,
            # opened by the archive inspector as any compressed cpio is
            ext = _COMPRESSED_EXT[_compression_name(data[reader.rest:reader.rest + 16])]
            name = f"(archive {len(reader.parts) + 1} at byte {reader.rest}).cpio{ext}"
            member = _Member(name, None, len(data) - reader.rest, None, None)
            yield _yield_member(parent, hop, member, ctx, caps, partial(io.BytesIO, data[reader.rest:]),
                                caps.declared(len(data) - reader.rest, None))
        if reader.junk is not None:
            known = next((name for offset, magic, name in UNSUPPORTED_MAGIC
                          if not offset and data.startswith(magic, reader.junk)), None)
            yield Skipped(parent.location, Status.UNSUPPORTED,
                          say(Detail.CPIO_PART_UNSUPPORTED, at=reader.junk, n=len(data) - reader.junk, format=known)
                          if known else  # an lzop initramfs part: said as what it is (images26)
                          say(Detail.CPIO_AFTER_TRAILER, at=reader.junk, n=len(data) - reader.junk))
        for skipped in reader.skipped[:_SKIPS_NAMED]:
            yield Skipped(parent.location, Status.CORRUPT, skipped)
        if len(reader.skipped) > _SKIPS_NAMED:  # one row for the rest: a row per member buries the report
            yield Skipped(parent.location, Status.CORRUPT, say(Detail.CPIO_SKIPPED_MORE,
                                                                more=len(reader.skipped) - _SKIPS_NAMED))
        if reader.stopped:
            yield Skipped(parent.location, Status.CORRUPT, say(Detail.CPIO_STOPPED, why=reader.stopped))
        m = reader.cut
        if m is not None and statmod.S_ISREG(m.mode or 0):
            # a cut archive still names its last member, and what came before the cut is read (as tar does)
            raw = m.path.encode("latin-1")
            path, was_utf8 = decode_name(raw)
            content = data[m.data_offset:m.data_offset + m.data_size]
            member = _Member(path, None if was_utf8 else raw.hex(), m.data_size, m.data_size,
                             iso_utc(m.modification_time) if m.modification_time else None)
            # weighed by the bytes it has, as a cut tar member is: its header may claim 4 GiB
            blocked, charged = caps.declared(len(content), None), 0
            if blocked is None:
                caps.budget.charge(charged := len(content))
            entry = _yield_member(parent, hop, member, ctx, caps, partial(io.BytesIO, content), blocked, charged)
            if isinstance(entry, ArchiveMemberEntry):
                entry.damage = say(Detail.CPIO_MEMBER_CUT, n=len(content), size=m.data_size)
            yield entry

    return Opened(items)


OPENERS: dict[str, Callable[[Entry, bytes, ScanContext, ArchiveLimits, Hop], Opened]] = {
    "zip": open_zip,
    "7z": open_7z,
    "tar": open_tar,
    "compressed": open_compressed,
    "cpio": open_cpio,
}
# the third-party decoder behind each format, named when it crashes or hangs a worker
LIBRARIES = {"zip": "zipfile", "7z": "py7zr", "tar": "tarfile", "compressed": "gzip/bz2/lzma", "cpio": "dfvfs cpio"}
