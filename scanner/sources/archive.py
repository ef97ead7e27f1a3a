"""Archives met while walking any source (.zip, .7z, .tar and compressed tars): members become entries.

An archive is a container like an image or a share: its members are Entry objects one hop deeper
(``/share/backup_2017.zip » 介護予防_利用者名簿.xlsx``) and go through the same pipeline, so name rules,
hashes and spreadsheet inspection run on them unchanged. Everything stays in memory (member names are
display text, never paths on disk), and every byte inflated is counted against two caps, so a zip
bomb is refused instead of filling memory: ``max_archive_ratio`` (inflated / compressed) and
``max_archive_total`` (all bytes inflated from one top-level archive, nested ones included).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from ..config import ScanConfig
from ..errors import ReadError
from ..models import Entry, FileStat, Hop, Location, Skipped
from ..pipeline import Inspection, ScanContext

# Below this many inflated bytes the ratio is not checked: a small text file of spaces legitimately
# compresses 1000:1, and a few MiB of memory is harmless.
RATIO_GRACE = 1 << 20

ARCHIVE_EXTS = (".zip", ".7z", ".tar", ".cpio", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz",
                ".gz", ".bz2", ".xz")
# Archive formats met in Japanese offices that no installed library reads: listed, never silently passed.
UNSUPPORTED_EXTS = (".lzh", ".lha", ".rar", ".cab", ".arj")
# Other known types: never sniffed for archive bytes, so most files cost this inspector no read at all.
NOT_ARCHIVE_EXTS = frozenset({
    ".xls", ".csv", ".tsv", ".txt", ".doc", ".ppt", ".rtf", ".pdf", ".jtd", ".mdb", ".accdb", ".msg", ".eml",
    ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".mp3", ".mp4", ".mov", ".avi", ".wav",
    ".exe", ".dll", ".sys", ".so", ".msi", ".jar", ".apk", ".epub", ".py", ".js", ".html", ".htm", ".css",
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


class Budget:
    """Bytes inflated from one top-level archive and everything nested in it."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.used = 0

    def remaining(self) -> int:
        return max(self.total - self.used, 0)

    def charge(self, n: int) -> None:
        self.used += n
        if self.used > self.total:
            raise ReadError("too-large", f"archive content over the cap of {self.total} bytes (--max-archive-mb)")


@dataclass
class Caps:
    """The limits one archive is opened with."""

    ratio: int
    budget: Budget
    member_memory: int  # largest member held whole in memory (7z and tar members)

    def whole_archive_limit(self, packed: int) -> int:
        """Most bytes an archive of ``packed`` bytes may inflate to in all (solid 7z and compressed tars
        have no per-member compressed size, so the ratio applies to the archive as a whole)."""
        return max(RATIO_GRACE, self.ratio * packed)

    def declared(self, size: int, compressed: int | None) -> tuple[str, str] | None:
        """Refuse a member by what its header declares, before inflating a byte of it."""
        if size > self.budget.remaining():
            return ("too-large", f"declares {size} bytes; {self.budget.remaining()} left under the archive cap")
        if compressed is not None and size > RATIO_GRACE and size > self.ratio * max(compressed, 1):
            return ("bomb", f"declares {size} bytes from {compressed} compressed "
                            f"(ratio over {self.ratio}, --max-archive-ratio)")
        return None


def error_reason(e: BaseException) -> tuple[str, str]:
    """A third-party extraction error -> (reason, detail) for a ReadError or a Skipped."""
    text = str(e)[:200]
    low = text.casefold()
    if isinstance(e, ReadError):
        return e.reason, e.detail
    if "password" in low or "encrypt" in low or type(e).__name__ == "PasswordRequired":
        return "encrypted", text or type(e).__name__
    if isinstance(e, NotImplementedError) or type(e).__name__ == "UnsupportedCompressionMethodError":
        return "unsupported", text or type(e).__name__
    if isinstance(e, MemoryError):
        return "too-large", "out of memory while inflating"
    return "corrupt", f"{type(e).__name__}: {text}" if text else type(e).__name__


class _MemberReader(io.RawIOBase):
    """A member's inflated bytes, counted as they stream: over its declared size, over the ratio or over
    the archive budget, reading stops with a ReadError (the pipeline records it)."""

    def __init__(self, raw: IO[bytes], member: ArchiveMemberEntry) -> None:
        self._raw = raw
        self._m = member
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        try:
            chunk = self._raw.read(len(b))
        except ReadError:
            raise
        except Exception as e:  # noqa: BLE001 - zlib, zipfile, lzma ... errors are data about this member
            raise ReadError(*error_reason(e)) from e
        n = len(chunk)
        self._pos += n
        m = self._m
        if self._pos > m.size:
            raise ReadError("bomb", f"inflates past its declared size of {m.size} bytes")
        if (m.compressed is not None and self._pos > RATIO_GRACE
                and self._pos > m.caps.ratio * max(m.compressed, 1)):
            raise ReadError("bomb", f"inflates over ratio {m.caps.ratio} (--max-archive-ratio)")
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
                 mtime: str | None, time_note: str | None, opener: Callable[[], IO[bytes]], caps: Caps,
                 blocked: tuple[str, str] | None = None, charged: int = 0) -> None:
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

    def stat(self) -> FileStat:
        return FileStat(self.size, self._mtime, time_note=self._time_note)

    def open(self) -> IO[bytes]:
        if self.blocked:
            raise ReadError(*self.blocked)
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
    return sum(1 for h in location.containers if h.kind == "archive")


def _ext_of(name: str, exts: tuple[str, ...]) -> bool:
    return name.casefold().endswith(exts)  # one C call over the tuple: this runs for every file walked


def _last_ext(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].casefold() if dot > 0 else ""


def sniff(head: bytes) -> str | None:
    """Archive format by the first bytes: zip, 7z, tar (ustar), cpio or None."""
    if head.startswith((ZIP_MAGIC, ZIP_EMPTY_MAGIC)):
        return "zip"
    if head.startswith(SEVENZ_MAGIC):
        return "7z"
    if head[257:262] == b"ustar":
        return "tar"
    if head.startswith(CPIO_ASCII_MAGIC) or _binary_cpio(head):
        return "cpio"
    return None


def _binary_cpio(head: bytes) -> bool:
    """Old binary cpio: a 2-byte magic is weak, so the first header must also hold together (a name
    length that fits, a NUL-terminated name right after the 26-byte header)."""
    if len(head) < 28 or head[:2] not in CPIO_BINARY_MAGIC:
        return False
    order = "little" if head[:2] == b"\xc7\x71" else "big"
    namesize = int.from_bytes(head[20:22], order)
    name = head[26:26 + namesize]
    return 1 < namesize <= 4096 and len(name) == namesize and name.endswith(b"\x00") and b"\x00" not in name[:-1]


def _first_zip_member(head: bytes) -> str:
    """Name of the first local file header (OOXML writes [Content_Types].xml first, ODF mimetype)."""
    if not head.startswith(ZIP_MAGIC) or len(head) < 30:
        return ""
    n = int.from_bytes(head[26:28], "little")
    return head[30:30 + n].decode("cp437")


class ArchiveInspector:
    """Opens archives and hands their members back to the pipeline as children."""

    name = "archive"
    skip_extensions = NOT_ARCHIVE_EXTS | frozenset(DOCUMENT_EXTS)  # wants_name as data (scanner.prefilter)

    def __init__(self, config: ScanConfig) -> None:
        self.config = config

    def wants_name(self, name: str) -> bool:
        """Name-only pre-check for the pipeline: documents and other known types are never sniffed."""
        return not (_ext_of(name, DOCUMENT_EXTS) or _last_ext(name) in NOT_ARCHIVE_EXTS)

    def wants(self, entry: Entry, size: int, head: Callable[[], bytes]) -> bool:
        if not self.wants_name(entry.name):
            return False
        if _ext_of(entry.name, ARCHIVE_EXTS + UNSUPPORTED_EXTS):
            return True
        if size < 22:  # smaller than an empty zip
            return False
        h = head()
        kind = sniff(h)
        return kind is not None and not (kind == "zip" and _first_zip_member(h) in DOCUMENT_MARKERS)

    def inspect(self, entry: Entry, data: bytes, ctype: str, ctx: ScanContext) -> Inspection:
        from . import archive_formats as fmt  # py7zr is slow to import; only when an archive is met

        cfg = self.config
        depth = archive_depth(entry.location)
        if depth >= cfg.archive_depth:
            return Inspection(status="too-deep",
                              detail=f"inside {depth} archives; not opened (--archive-depth {cfg.archive_depth})")
        if _ext_of(entry.name, UNSUPPORTED_EXTS) and sniff(data[:512]) is None:
            return Inspection(status="unsupported", detail=f"{_last_ext(entry.name)} archive: members not examined")
        parent_caps = getattr(entry, "caps", None)
        budget = parent_caps.budget if isinstance(parent_caps, Caps) else Budget(cfg.max_archive_total)
        caps = Caps(cfg.max_archive_ratio, budget, cfg.max_inspect_bytes)
        kind = sniff(data[:512]) or fmt.guess_by_name(entry.name, data)
        if kind is None:
            return Inspection(status="corrupt", detail="not a zip, 7z or tar archive")
        detail = {"format": "tar" if kind == "compressed" else kind}  # a lone .gz/.bz2/.xz file says so itself
        if entry.location.raw_path_hex:
            detail["raw_path_hex"] = entry.location.raw_path_hex
        hop = Hop("archive", entry.location.path, detail)
        try:
            opened = fmt.OPENERS[kind](entry, data, ctx, caps, hop)
        except Exception as e:  # noqa: BLE001 - a broken archive is data, not a crash
            reason, text = error_reason(e)
            return Inspection(status=reason, detail=f"{kind}: {text}")
        if opened.is_document and not _ext_of(entry.name, ARCHIVE_EXTS):
            return Inspection()  # an Office/OpenDocument file under another name: a document, not an archive
        return Inspection(status=opened.status, detail=opened.detail, children=_guard(opened.items(), entry, kind))


def _guard(items: Iterator, entry: Entry, kind: str) -> Iterator:
    """The pipeline walks children unguarded: a crash half-way through an archive becomes a Skipped."""
    try:
        yield from items
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001 - listing errors are data
        reason, text = error_reason(e)
        yield Skipped(entry.location, reason, f"{kind}: listing stopped: {text}")
