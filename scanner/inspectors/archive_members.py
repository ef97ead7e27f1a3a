"""Archive members as entries, and the caps they are inflated under (a bomb is refused, not inflated).

A member is an Entry one hop deeper than its archive; its bytes are counted as they stream, against its
declared size, the inflate ratio (``--max-archive-ratio``) and the bytes left for the whole top-level
archive (``--max-archive-mb``), nested archives included. Shared by the archive inspector
(scanner.inspectors.archive) and the per-format listings (scanner.inspectors.archive_formats).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from ..backends import MissingBackend
from ..codes import Status
from ..details import Detail, join_details, say
from ..errors import ReadError
from ..isolation import decoding
from ..models import FileStat, Location
from ..sources.split_series import archive_part

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

# Below this many inflated bytes the ratio is not checked: a small text file of spaces legitimately
# compresses 1000:1, and a few MiB of memory is harmless.
RATIO_GRACE = 1 << 20

ARCHIVE_EXTS = (".zip", ".7z", ".tar", ".cpio", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz",
                ".gz", ".bz2", ".xz", ".lzma", ".tlz", ".zst", ".tzst", ".lz4", ".tar.lz4")
# Archive formats met in Japanese offices that no installed library reads: listed, never silently passed.
UNSUPPORTED_EXTS = (".lzh", ".lha", ".rar", ".cab", ".arj")
# (A Java archive .jar is a zip people put data files in, a CSV among the classes: sniffed like any zip, split16.)
# Names of zips no other inspector reads: a workbook or document renamed so is read here (docs18: .xlsx as .jar: nothing).
PLAIN_ZIP_EXTS = (".jar",)
# Other known types: never sniffed for archive bytes, so most files cost this inspector no read at all. A program
# (.exe) is looked at for an appended archive (a self-extractor) from its headers alone (scanner.inspectors.sfx).
NOT_ARCHIVE_EXTS = frozenset({
    ".xls", ".csv", ".tsv", ".txt", ".doc", ".ppt", ".rtf", ".pdf", ".jtd", ".mdb", ".accdb", ".msg", ".eml",
    ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".mp3", ".mp4", ".mov", ".avi", ".wav",
    ".dll", ".sys", ".so", ".msi", ".apk", ".epub", ".py", ".js", ".html", ".htm", ".css",
    ".xml", ".json", ".log", ".ini", ".lnk", ".url"})
# Office and OpenDocument files are zips too, but they are documents: never expanded as archives.
DOCUMENT_EXTS = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xlam", ".xlsb", ".docx", ".docm", ".dotx", ".dotm",
                 ".pptx", ".pptm", ".ppsx", ".potx", ".ods", ".odt", ".odp", ".odg", ".ots", ".ott")
DOCUMENT_MARKERS = ("[Content_Types].xml", "mimetype")

ZIP_MAGIC = b"PK\x03\x04"
ZIP_EMPTY_MAGIC = b"PK\x05\x06"
SEVENZ_MAGIC = b"7z\xbc\xaf\x27\x1c"
CPIO_ASCII_MAGIC = (b"070701", b"070702", b"070707")  # newc, crc, odc
CPIO_BINARY_MAGIC = (b"\xc7\x71", b"\x71\xc7")  # old binary, little and big endian
GZIP_MAGIC = b"\x1f\x8b\x08"  # deflate, the only method gzip defines
XZ_MAGIC = b"\xfd7zXZ\x00"
LZ4_MAGIC = b"\x04\x22\x4d\x18"  # the LZ4 frame format (lz4's default); read with python-lz4 since images26
LZ4_LEGACY_MAGIC = b"\x02\x21\x4c\x18"  # lz4 -l, the Linux kernel's lz4 (initramfs): read since images26
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"  # read with backports.zstd since Session 14 (was listed unsupported)


def zstd_after_skippable(head: bytes) -> bool:
    """Whether ``head`` opens with skippable frames (magic 0x184D2A50-5F, a 4-byte length, that many bytes: the
    metadata frame Zstandard and LZ4 share) followed, inside ``head``, by a Zstandard frame: a Zstandard file
    (zstd skips them; Session 15: such a file was listed unsupported). Followed by LZ4, or past ``head``: False."""
    at = 0
    for _ in range(64):
        if len(head) < at + 8 or head[at + 1:at + 4] != b"\x2a\x4d\x18" or not 0x50 <= head[at] <= 0x5F:
            break
        at += 8 + int.from_bytes(head[at + 4:at + 8], "little")
    return at > 0 and head[at:at + 4] == ZSTD_MAGIC
LZMA_EXTS = (".lzma", ".tlz")  # legacy LZMA-alone: no magic, so a file named so is read by a looser header check


def lzma_alone(head: bytes, named: bool = False) -> bool:
    """Whether ``head`` begins a legacy .lzma (LZMA-alone) stream, which has no magic: a properties byte, a
    dictionary size and the uncompressed size (all ones: unknown). Unnamed, only the usual header is taken (lc=3
    lp=0 pb=2, a power-of-two dictionary of 64 KiB-1 GiB, a plausible size), so other files are not taken for
    it; ``named`` (.lzma, .tlz) takes any valid properties (lc+lp <= 4, as liblzma's encoder writes; lzma -e
    writes lc=4 too) and any dictionary of 4 KiB-4 GiB (wild14: libarchive test_compat_lzma_2/3 ended as nothing)."""
    if len(head) < 13:
        return False
    props = head[0]
    dictionary = int.from_bytes(head[1:5], "little")
    size = int.from_bytes(head[5:13], "little")
    plausible = size == (1 << 64) - 1 or size < 1 << 40
    if named:
        lc, lp = props % 9, props // 9 % 5
        return props < 225 and lc + lp <= 4 and dictionary >= 1 << 12 and plausible
    return props == 0x5D and (dictionary & (dictionary - 1)) == 0 and 1 << 16 <= dictionary <= 1 << 30 and plausible


_OCTAL_FIELD = frozenset(b"01234567 \x00")
_HIGH_BYTES = bytes(range(0x80, 0x100))


def v7_tar(head: bytes) -> bool:
    """A pre-POSIX (V7) tar header, as GNU cpio -H tar, tar --format=v7 and old Unix backups write it: no magic,
    so its checksum must hold (what tarfile and libmagic check), with a name at the start and octal fields.
    Either sum tarfile and GNU tar accept: old Sun and NeXT tars summed signed chars, which differs with a name's
    bytes over 0x7f (a Shift_JIS name). Cheap refusals first: this is asked of every file without another
    archive's magic."""
    if len(head) < 512 or not head[0] or head[156] not in b"\x000123456" or not _OCTAL_FIELD.issuperset(head[148:156]):
        return False
    field = head[148:156].replace(b"\x00", b" ").split()  # one octal number, NUL- or space-ended
    if len(field) != 1 or not _OCTAL_FIELD.issuperset(head[100:136]):
        return False
    rest = head[:148] + head[156:512]
    unsigned = 256 + sum(rest)
    signed = unsigned - 256 * (len(rest) - len(rest.translate(None, _HIGH_BYTES)))  # each byte over 0x7f: -256
    return int(field[0], 8) in (unsigned, signed)


# Archive and compression formats no installed library reads, by their own magic (offset, bytes, name): a
# file in one of them is listed as unsupported whatever its name, never passed as clean.
UNSUPPORTED_MAGIC = (
    (0, b"Rar!\x1a\x07", "RAR"),
    (0, b"MSCF\x00\x00\x00\x00", "Microsoft Cabinet"),
    (0, b"\x60\xea", "ARJ"),
    (0, b"\x1f\x9d", "Unix compress (.Z)"),
    (0, b"LZIP", "lzip"),
    (0, b"\x89LZO\x00\r\n\x1a\n", "lzop"),
    (0, b"\xed\xab\xee\xdb", "RPM package"),
    (0, b"!<arch>\n", "ar archive (.a, .deb)"),
    (0, b"xar!", "XAR archive (.pkg, .xip)"),
    (0, b"MSWIM\x00\x00\x00", "Windows imaging (WIM)"),
    (0, b"LRZI", "lrzip"),
    (0, b"GRZipII\x00", "GRZip"),
    # a skippable frame (magic 0x184D2A50-5F, then its length) first: zstd's and LZ4's common frame for metadata
    *((0, bytes((0x50 + low,)) + b"\x2a\x4d\x18", "Zstandard or LZ4 (skippable frame first)") for low in range(16)),
)


class InflateBudget:
    """Bytes inflated from one top-level archive and everything nested in it."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.used = 0

    def remaining(self) -> int:
        return max(self.total - self.used, 0)

    def charge(self, n: int) -> None:
        self.used += n
        if self.used > self.total:
            raise ReadError(Status.TOO_LARGE, say(Detail.ARCHIVE_OVER_CAP, cap=self.total))


@dataclass
class ArchiveLimits:
    """The limits one archive is opened with (not to be confused with tables.Caps, a workbook's parse caps)."""

    ratio: int
    budget: InflateBudget
    member_memory: int  # largest member held whole in memory (7z and tar members)

    def whole_archive_limit(self, packed: int) -> int:
        """Most bytes an archive of ``packed`` bytes may inflate to in all (solid 7z and compressed tars
        have no per-member compressed size, so the ratio applies to the archive as a whole)."""
        return max(RATIO_GRACE, self.ratio * packed)

    def declared(self, size: int, compressed: int | None) -> tuple[Status, str] | None:
        """Refuse a member by what its header declares, before inflating a byte of it."""
        if size > self.budget.remaining():
            return (Status.TOO_LARGE, say(Detail.DECLARES_OVER_LEFT, size=size, left=self.budget.remaining()))
        if compressed is not None and size > RATIO_GRACE and size > self.ratio * max(compressed, 1):
            return (Status.BOMB, say(Detail.DECLARES_BOMB, size=size, compressed=compressed, ratio=str(self.ratio)))
        return None


# a name quoted in a library's message: zipfile quotes member names as it decoded them (cp437 for names
# written on Japanese Windows: mojibake), and a member name may be a person's; the location names the member
# (a repr of bytes holding both quote characters escapes the one it is quoted with: review14h, pypdf quotes 80 of
# a PDF's bytes so, and a name after an escaped quote showed)
_QUOTED = re.compile(r"b?'(?:[^'\\]|\\.)*'|b?\"(?:[^\"\\]|\\.)*\"|b?'[^']*'|b?\"[^\"]*\"")


def error_reason(e: BaseException) -> tuple[Status, str]:
    """A third-party extraction error -> (reason, detail) for a ReadError or a Skipped (quoted names left out)."""
    text = _QUOTED.sub("(name)", str(e))[:200]
    low = text.casefold()
    if isinstance(e, ReadError):
        return e.reason, e.detail
    if isinstance(e, MissingBackend):
        return Status.UNSUPPORTED, str(e)
    if "password" in low or "encrypt" in low or type(e).__name__ == "PasswordRequired":
        return Status.ENCRYPTED, text or type(e).__name__
    if isinstance(e, NotImplementedError) or type(e).__name__ == "UnsupportedCompressionMethodError":
        return Status.UNSUPPORTED, text or type(e).__name__
    if isinstance(e, MemoryError):
        return Status.TOO_LARGE, say(Detail.OUT_OF_MEMORY_INFLATING)
    kind = type(e).__name__
    if kind[:1].islower():  # zlib.error, binascii.Error's kin: a bare "error" reads as our own word, not a library's
        kind = f"{type(e).__module__}.{kind}"
    return Status.CORRUPT, say(Detail.LIBRARY_ERROR, error=kind, library=text) if text else say(Detail.RAISED, error=kind)


MEMBER_STEP = 1 << 13  # inflated bytes asked of a member's reader at a time: a break loses at most about these


class _MemberReader(io.RawIOBase):
    """A member's inflated bytes, counted as they stream: over its declared size, over the ratio or over
    the archive budget, reading stops with a ReadError (the pipeline records it)."""

    def __init__(self, raw: IO[bytes], member: ArchiveMemberEntry) -> None:
        self._raw = raw
        self._m = member
        self._pos = 0
        self._broken = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        b = memoryview(buffer).cast("B")
        if self._broken:
            return 0
        try:
            chunk = self._raw.read(min(len(b), MEMBER_STEP))
        except ReadError:
            raise
        except Exception as e:  # noqa: BLE001 - zlib, zipfile, lzma ... errors are data about this member
            reason = error_reason(e)
            if self._pos and reason[0] == Status.CORRUPT:  # damaged data after some bytes: they are examined (a
                # flip in a zip member's deflate data lost every row before it: Session 11), the member corrupt
                broke = say(Detail.MEMBER_BREAKS_AFTER, n=self._pos, why=reason[1])
                if broke not in (self._m.damage or ""):  # (read again: the same break)
                    self._m.damage = join_details([self._m.damage or "", broke])
                self._broken = True
                return 0
            raise ReadError(*reason) from e
        n = len(chunk)
        self._pos += n
        m = self._m
        if self._pos > m.size:
            raise ReadError(Status.BOMB, say(Detail.INFLATES_PAST_DECLARED, size=m.size))
        if (m.compressed is not None and self._pos > RATIO_GRACE
                and self._pos > m.caps.ratio * max(m.compressed, 1)):
            raise ReadError(Status.BOMB, say(Detail.INFLATES_OVER_RATIO, ratio=str(m.caps.ratio)))
        if self._pos > m.charged:
            m.caps.budget.charge(self._pos - m.charged)
            m.charged = self._pos
        b[:n] = chunk
        return n

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


class ArchiveMemberEntry:
    """One member of an archive, examined like any file. ``blocked`` makes open() fail with that reason
    (an encrypted member or a refused bomb whose name still matched a rule)."""

    kind = "file"

    def __init__(self, location: Location, name: str, deleted: bool, size: int, compressed: int | None,
                 mtime: str | None, time_note: str | None, opener: Callable[[], IO[bytes]], caps: ArchiveLimits,
                 blocked: tuple[Status, str] | None = None, charged: int = 0) -> None:
        self.location = location
        self.name = name
        self.deleted = deleted
        self.size = size
        self.compressed = compressed
        self._mtime = mtime
        self._time_note = time_note
        self._opener = opener
        self.caps = caps  # nested archives share the top-level budget
        self.blocked = blocked
        self.charged = charged
        # set when the archive gave only part of the member (a cut .gz): what was read is examined, and
        # the member is corrupt, never a complete read
        self.damage: str | None = None
        # a mail body that looks tabular (scanner.inspectors.mail_body): read as a table whatever its markup
        self.read_as_table = False
        # a zip member's first bytes when it is a compiled Java class, inflating only those (``quick_head``)
        self.peek: Callable[[int], bytes | None] | None = None

    def stat(self) -> FileStat:
        return FileStat(self.size, self._mtime, time_note=self._time_note)

    def quick_head(self, size: int) -> bytes | None:
        """``open().read(size)`` of a compiled Java class in a zip (a .jar holds thousands), inflating those ``size``
        bytes alone and charged as the reader would; None for any other member, read through ``open`` as before
        (issue 11: its buffered read inflated up to 8 KiB of every member to look at 512 bytes)."""
        if self.peek is None or self.blocked:
            return None
        decoding(f"{self.location.containers[-1].detail.get('format', 'archive')} member data")
        head = self.peek(size)
        if head is None or len(head) - self.charged > self.caps.budget.remaining():
            return None  # (over the budget: ``open`` says so)
        if len(head) > self.charged:
            self.caps.budget.charge(len(head) - self.charged)
            self.charged = len(head)
        return head

    def open(self) -> IO[bytes]:
        if self.blocked:
            raise ReadError(*self.blocked)
        decoding(f"{self.location.containers[-1].detail.get('format', 'archive')} member data")
        try:
            raw = self._opener()
        except ReadError:
            raise
        except Exception as e:  # noqa: BLE001 - converted at the boundary
            raise ReadError(*error_reason(e)) from e
        return io.BufferedReader(_MemberReader(raw, self))


def member_base_name(path: str) -> str:
    """The base name the name rules see; archives from Windows may use backslashes."""
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def archive_depth(location: Location) -> int:
    """Containers a location is nested in, for --archive-depth: archives, documents and mail; a message inside
    a mail store (``"format": "message"``) is no level of its own, its store is."""
    return sum(1 for h in location.containers if h.kind == "archive" and h.detail.get("format") != "message")


_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe_member_name(path: str) -> Detail | None:
    """Why an archive member's name would escape its folder if it were extracted (``..``, an absolute
    path, a drive letter, a NUL), or None. leakscan never extracts to disk; the name is listed because an
    examiner should see it, and the member is still read in memory like any other."""
    if "\x00" in path:
        return Detail.UNSAFE_NUL
    parts = re.split(r"[\\/]", path)
    if path.startswith(("/", "\\")):
        return Detail.UNSAFE_ABSOLUTE
    if _DRIVE.match(path):
        return Detail.UNSAFE_DRIVE
    if ".." in parts:
        return Detail.UNSAFE_PARENT
    return None


# Parts of an archive cut into pieces (Session 10): ``X.z01`` ... beside ``X.zip`` (a spanned zip, PKZIP/WinZip/
# Info-ZIP ``zip -s``), ``X.zip.001`` ... and ``X.7z.001`` ... (split by 7-Zip, HJSplit, ``split``). Not joined:
# every part is listed (the first one's whole members are still examined), with how to join them.
_SPANNED_PART = re.compile(r"^(?P<stem>.+?)\.[zZ](?P<z>\d{2,3})$", re.ASCII)  # X.zip.NNN: split_series.archive_part


@dataclass(frozen=True)
class SplitPart:
    kind: str  # "spanned zip", "split zip", "split 7z"
    whole: str  # the name of the archive the parts make (X.zip, X.7z)
    number: int

    def detail(self, name: str, examined: bool = False, problem: str = "") -> str:
        if self.kind == "spanned zip":
            how = f"zip -s 0 {self.whole} --out whole.zip (Info-ZIP) or 7-Zip, with every part in one folder"
        else:
            how = (f"copy /b {self.whole}.001+{self.whole}.002+... joined-{self.whole} (Windows) or "
                   f"cat {self.whole}.[0-9]* > joined-{self.whole}")
        seen = say(Detail.SPLIT_SOME_EXAMINED if examined else Detail.SPLIT_NOT_EXAMINED)
        if problem:  # a series whose folder lacks a part (Session 11): named, nothing to join
            return say(Detail.SPLIT_SERIES_INCOMPLETE, n=self.number, kind=self.kind, whole=self.whole,
                       problem=problem, seen=seen)
        return say(Detail.SPLIT_PART, n=self.number, kind=self.kind, whole=self.whole, seen=seen, how=how)


def split_part(name: str) -> SplitPart | None:
    """The part of a split or spanned archive ``name`` is, from its name alone; None for any other name."""
    m = _SPANNED_PART.match(name)
    if m is not None:
        return SplitPart("spanned zip", f"{m['stem']}.zip", int(m["z"]))
    part = archive_part(name)
    return None if part is None else SplitPart(f"split {part[0]}", part[1], part[2])


def spanned_parts(data: bytes) -> int:
    """How many parts a zip's end record says its archive spans (1 for an ordinary zip, or no end record)."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65557))
    if at < 0 or at + 8 > len(data):
        return 1
    disk = int.from_bytes(data[at + 4:at + 6], "little")
    if disk == 0xFFFF:  # Zip64 (APPNOTE 4.4.1.4): the count is in the Zip64 locator just before the end record
        # (single-disk Zip64 archives of DotNetZip, zip_tricks ... say 0xFFFF here: review10g)
        locator = data[at - 20:at] if at >= 20 else b""
        return int.from_bytes(locator[16:20], "little") or 1 if locator[:4] == b"PK\x06\x07" else 1
    if disk > 999 or int.from_bytes(data[at + 6:at + 8], "little") > disk:  # no split writer numbers past .z999
        return 1  # nor puts the directory's start on a later disk than the last: damage (review20w: a zip with each
        # NUL written as the text "\00" read as "the last of the 12381 parts of a spanned zip")
    return disk + 1
