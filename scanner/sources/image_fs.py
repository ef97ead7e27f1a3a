"""Walk one file system of a disk image with The Sleuth Kit (pytsk3), deleted entries included.

TSK lists unallocated directory entries and orphan inodes (``$OrphanFiles``), which is why it is the
back-end here. The walk is iterative and loop-safe: a directory (by metadata address) is entered
once, depth is capped, symbolic links are recorded and never followed, and a directory TSK cannot
read (a corrupt or looping cluster chain) becomes a Skipped, never a hang or a crash.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import pytsk3

from ..codes import Status
from ..details import Detail, say
from ..errors import ReadError
from ..models import FileStat, Hop, Link, Location, Skipped
from .local import decode_name
from .memo_beside import MEMO_EXTS, MEMO_HEADER, lone_memos

MAX_DEPTH = 256

FS_LABELS = {
    int(pytsk3.TSK_FS_TYPE_FAT12): "FAT12",
    int(pytsk3.TSK_FS_TYPE_FAT16): "FAT16",
    int(pytsk3.TSK_FS_TYPE_FAT32): "FAT32",
    int(pytsk3.TSK_FS_TYPE_EXFAT): "exFAT",
    int(pytsk3.TSK_FS_TYPE_NTFS): "NTFS",
    int(pytsk3.TSK_FS_TYPE_EXT2): "ext2",
    int(pytsk3.TSK_FS_TYPE_EXT3): "ext3",
    int(pytsk3.TSK_FS_TYPE_EXT4): "ext4",
    int(pytsk3.TSK_FS_TYPE_HFS): "HFS+",
    int(pytsk3.TSK_FS_TYPE_ISO9660): "ISO9660",
    int(pytsk3.TSK_FS_TYPE_APFS): "APFS",
    int(pytsk3.TSK_FS_TYPE_FFS1): "UFS1",
    int(pytsk3.TSK_FS_TYPE_FFS1B): "UFS1",
    int(pytsk3.TSK_FS_TYPE_FFS2): "UFS2",
    int(pytsk3.TSK_FS_TYPE_YAFFS2): "YAFFS2",
}
LOCAL_TIME_FS = {"FAT12", "FAT16", "FAT32", "exFAT"}
FAT_TIME_NOTE = ("FAT: local time of the PC that wrote it (no time zone stored), 2 s resolution; "
                 "access time is a date only")

# pytsk3 20260715 gives enum fields (flags, types) as plain ints, older releases as enum objects: int() on each costs
# ~40 ns, twice per entry of a walk (walk_fs skips it when the module's own constants are plain ints)
_PLAIN_INTS = type(pytsk3.TSK_FS_META_TYPE_REG) is int and type(pytsk3.TSK_FS_NAME_FLAG_UNALLOC) is int
_NAME_UNALLOC = int(pytsk3.TSK_FS_NAME_FLAG_UNALLOC)
_META_ALLOC = int(pytsk3.TSK_FS_META_FLAG_ALLOC)
_M_REG, _M_DIR, _M_LNK = int(pytsk3.TSK_FS_META_TYPE_REG), int(pytsk3.TSK_FS_META_TYPE_DIR), int(pytsk3.TSK_FS_META_TYPE_LNK)
_M_VIRT, _M_VIRT_DIR = int(pytsk3.TSK_FS_META_TYPE_VIRT), int(pytsk3.TSK_FS_META_TYPE_VIRT_DIR)
_NAME_TO_META = {
    int(pytsk3.TSK_FS_NAME_TYPE_REG): _M_REG,
    int(pytsk3.TSK_FS_NAME_TYPE_DIR): _M_DIR,
    int(pytsk3.TSK_FS_NAME_TYPE_LNK): _M_LNK,
    int(pytsk3.TSK_FS_NAME_TYPE_VIRT): _M_VIRT,
    int(pytsk3.TSK_FS_NAME_TYPE_VIRT_DIR): _M_VIRT_DIR,
    int(pytsk3.TSK_FS_NAME_TYPE_FIFO): int(pytsk3.TSK_FS_META_TYPE_FIFO),
    int(pytsk3.TSK_FS_NAME_TYPE_CHR): int(pytsk3.TSK_FS_META_TYPE_CHR),
    int(pytsk3.TSK_FS_NAME_TYPE_BLK): int(pytsk3.TSK_FS_META_TYPE_BLK),
    int(pytsk3.TSK_FS_NAME_TYPE_SOCK): int(pytsk3.TSK_FS_META_TYPE_SOCK),
}
_SPECIAL = {
    int(pytsk3.TSK_FS_META_TYPE_FIFO): "fifo",
    int(pytsk3.TSK_FS_META_TYPE_CHR): "device",
    int(pytsk3.TSK_FS_META_TYPE_BLK): "device",
    int(pytsk3.TSK_FS_META_TYPE_SOCK): "socket",
    int(pytsk3.TSK_FS_META_TYPE_WHT): "whiteout",
    int(pytsk3.TSK_FS_META_TYPE_SHAD): "shadow inode",
}
_DATA = int(pytsk3.TSK_FS_ATTR_TYPE_NTFS_DATA)
_DEFAULT_ATTR = (int(pytsk3.TSK_FS_ATTR_TYPE_DEFAULT), -1)
NTFS_METAFILE = "NTFS system file: listed, content not read"


def fs_label(fs: Any) -> str:
    """TSK's file-system type as a person names it (FAT32, NTFS, ext4 ...)."""
    ftype = int(fs.info.ftype)
    return FS_LABELS.get(ftype, f"type 0x{ftype:x}")


_TIME_CACHE: dict[tuple[int, bool], str] = {}


def fs_time(sec: int, nano: int, local: bool) -> str | None:
    """TSK seconds -> ISO text. UTC file systems get ``...Z``; FAT gets its wall-clock time back.

    TSK turned the FAT wall-clock time into seconds with mktime(), so localtime() returns the time as
    written (no zone suffix, like DOS times in zip members). Seconds are cached: a walk formats
    hundreds of thousands of times and they cluster.
    """
    if not sec:
        return None
    base = _TIME_CACHE.get((sec, local))
    if base is None:
        try:
            base = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(sec) if local else time.gmtime(sec))
        except (OverflowError, OSError, ValueError):
            return None
        if len(_TIME_CACHE) > 65536:
            _TIME_CACHE.clear()
        _TIME_CACHE[(sec, local)] = base
    if local:
        return f"{base}.{nano // 1_000_000:03d}" if nano else base
    return f"{base}.{nano // 1000:06d}Z" if nano else f"{base}Z"


@dataclass(frozen=True)
class FsContext:
    """What every entry of one file system shares."""

    source: str
    hops: tuple[Hop, ...]
    fs: Any
    label: str
    # bytes of this file system (from its start) that a missing extent's stand-in gives as zeros: (start, end, the
    # extent file's name); a file with blocks there is marked (blocks_read_as_zeros)
    zeros: tuple[tuple[int, int, str], ...] = ()

    @property
    def local_times(self) -> bool:
        return self.label in LOCAL_TIME_FS

    def location(self, raw_path: bytes, text: str | None = None, utf8: bool = True) -> Location:
        """``text``/``utf8`` are the decoded path when the caller has it already (the walk does)."""
        if text is None:
            decoded = [decode_name(p) for p in raw_path.split(b"/")]
            text = "/".join(d[0] for d in decoded)
            utf8 = all(d[1] for d in decoded)
        return Location(self.source, text or "/", self.hops, None if utf8 else raw_path.hex())


def file_stat(meta: Any, size: int, local_times: bool) -> FileStat:
    note = FAT_TIME_NOTE if local_times else None
    if meta is None:
        return FileStat(size, time_note=note)
    lt = local_times
    return FileStat(size, fs_time(meta.mtime, meta.mtime_nano, lt), fs_time(meta.atime, meta.atime_nano, lt),
                    fs_time(meta.ctime, meta.ctime_nano, lt), fs_time(meta.crtime, meta.crtime_nano, lt), note)


class TskStream(io.RawIOBase):
    """One attribute of one TSK file as a read-only binary stream."""

    def __init__(self, tsk_file: Any, size: int, attr: tuple[int, int], deleted: bool) -> None:
        super().__init__()
        self._file = tsk_file
        self._size = size
        self._attr = attr
        self._deleted = deleted
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        n = min(len(buf), self._size - self._pos)
        if n <= 0:
            return 0
        try:
            data = self._file.read_random(self._pos, n, self._attr[0], self._attr[1])
        except (OSError, RuntimeError) as e:  # RuntimeError: the image reader itself failed
            reason = Status.UNRECOVERABLE if self._deleted else Status.UNREADABLE
            raise ReadError(reason, say(Detail.TSK_READ_FAILED, pos=self._pos, library=str(e))) from e
        if not data:
            reason = Status.UNRECOVERABLE if self._deleted else Status.CORRUPT
            raise ReadError(reason, say(Detail.CONTENT_ENDS_AT, pos=self._pos, size=self._size))
        buf[: len(data)] = data
        self._pos += len(data)
        return len(data)


class ImageEntry:
    """A regular file inside a file system of a disk image (its default data attribute).

    Built for every file walked (100,000s per image), so it holds only what the listing has: its location,
    size and times are worked out from the TSK objects when asked for (hits, skips, picked files).
    """

    __slots__ = ("_ctx", "_raw", "_text", "_location", "name", "deleted", "_file", "_meta", "_lost")
    kind = "file"
    _attr = _DEFAULT_ATTR
    _location: Location

    def __init__(self, ctx: FsContext, raw_path: bytes | None, text: str, name: str, deleted: bool,
                 tsk_file: Any, meta: Any, lost: str = "") -> None:
        """``raw_path``: the path's bytes when they are not all UTF-8, else None (``text`` is then the path)."""
        self._ctx, self._raw, self._text = ctx, raw_path, text
        self.name = name
        self.deleted = deleted
        self._file = tsk_file
        self._meta = meta
        self._lost = lost  # why the content of a deleted entry cannot be recovered, if known already

    @property
    def location(self) -> Location:
        try:
            return self._location
        except AttributeError:  # not worked out yet (the slot is unset until then)
            raw = self._raw
            self._location = self._ctx.location(raw or b"", self._text, raw is None)
            return self._location

    def _size(self) -> int:
        meta = self._meta
        return int(meta.size) if meta is not None else 0

    def stat(self) -> FileStat:
        return file_stat(self._meta, self._size(), self._ctx.local_times)

    def walked(self) -> tuple[FsContext, str, str | None]:
        """(file system, decoded path, hex of the raw path when it is not UTF-8): its location as plain values."""
        raw = self._raw
        return self._ctx, self._text, None if raw is None else raw.hex()

    @property
    def damage(self) -> str | None:
        """Why its content as read is not the file's, when some of its blocks lie where a missing extent was read
        as zeros (images26: such a file was hashed ``ok``, the hash no evidence of the original); else None."""
        zeros = self._ctx.zeros
        if not zeros or self._lost:
            return None
        return blocks_read_as_zeros(self._file, self._ctx.fs, zeros)

    def open(self) -> IO[bytes]:
        if self._lost == NTFS_METAFILE:
            raise ReadError(Status.SPECIAL_FILE, self._lost)
        if self._lost:
            raise ReadError(Status.UNRECOVERABLE, self._lost)
        size, attr = self._size(), self._attr
        stream = TskStream(self._file, size, attr, self.deleted)
        if self.deleted and size:
            try:  # probe now, so an unrecoverable entry fails at open() with a clear reason
                self._file.read_random(0, min(size, 4096), attr[0], attr[1])
            except (OSError, RuntimeError) as e:
                raise ReadError(Status.UNRECOVERABLE, say(Detail.DELETED_TSK_UNREADABLE, library=str(e))) from e
        return io.BufferedReader(stream, buffer_size=1 << 20)


class ImageStreamEntry(ImageEntry):
    """An NTFS named data stream (``file.txt:stream``): its own attribute and size."""

    __slots__ = ("_stream",)

    def __init__(self, of: ImageEntry, raw_path: bytes | None, text: str, name: str, size: int,
                 attr: tuple[int, int]) -> None:
        """``of``: the file the stream belongs to (deleted or not, recoverable or not, as it is)."""
        super().__init__(of._ctx, raw_path, text, name, of.deleted, of._file, of._meta, of._lost)
        self._stream = (size, attr)

    @property
    def _attr(self) -> tuple[int, int]:  # type: ignore[override]
        return self._stream[1]

    def _size(self) -> int:
        return self._stream[0]


_RUN_NOT_ON_DISK = int(pytsk3.TSK_FS_ATTR_RUN_FLAG_SPARSE) | int(pytsk3.TSK_FS_ATTR_RUN_FLAG_FILLER)


def blocks_read_as_zeros(tsk_file: pytsk3.File, fs: pytsk3.FS_Info, zeros: tuple[tuple[int, int, str], ...]) -> str | None:
    """The detail for a file whose non-resident runs (data, and the indirect blocks TSK lists with them) meet a
    span read as zeros: how many of its bytes and which extent files; None when none does (or TSK lists no runs)."""
    try:
        size = int(fs.info.block_size)
        hit: dict[str, int] = {}
        for attr in tsk_file:
            if not int(attr.info.flags) & int(pytsk3.TSK_FS_ATTR_NONRES):
                continue
            for run in attr:
                if int(run.flags) & _RUN_NOT_ON_DISK or not run.len:
                    continue
                start = int(run.addr) * size
                end = start + int(run.len) * size
                for lo, hi, name in zeros:
                    if start < hi and lo < end:
                        hit[name] = hit.get(name, 0) + min(end, hi) - max(start, lo)
    except (OSError, RuntimeError):
        return None
    if not hit:
        return None
    return say(Detail.FILE_BLOCKS_READ_AS_ZEROS, n=sum(hit.values()), names=", ".join(hit))


def _lost_reason(meta: Any, deleted: bool) -> str:
    """Why a deleted entry's content is gone before even trying, or "" when TSK may recover it."""
    if not deleted:
        return ""
    if meta is None or not meta.addr:
        return "deleted; only the directory entry is left (no metadata address)"
    if int(meta.flags) & _META_ALLOC:
        return "deleted; its metadata now belongs to another file"
    if meta.size == 0:
        return "deleted; size and block pointers were cleared"
    return ""


def _ntfs_entry_reused(meta: Any, name_info: Any) -> str:
    """Why a deleted NTFS name's MFT entry no longer holds its file, or "": deleting a file moves the
    entry's sequence number on by one; more means the entry was used by another file (and freed) since."""
    if meta is None:
        return ""
    name_seq, entry_seq = int(name_info.meta_seq), int(meta.seq)
    if name_seq and entry_seq not in (name_seq, name_seq + 1):
        return (f"deleted; its MFT entry was used by another file since (sequence {entry_seq}, the name's "
                f"{name_seq}): what is there is not this file's content")
    return ""


def _orphan_meta(fs: Any, f: Any, addr: int) -> tuple[Any, Any]:
    """TSK lists orphan files by address only; open the metadata itself to learn type and size."""
    try:
        full = fs.open_meta(inode=addr)
    except (OSError, RuntimeError):
        return f, None
    return full, full.info.meta


def _ntfs_metafile(meta: Any, raw_path: bytes) -> bool:
    """NTFS system files ($MFT, $LogFile, $BadClus:$Bad ...): MFT entries 0-23 and /$Extend/."""
    return (meta is not None and int(meta.addr) < 24) or raw_path.startswith(b"/$Extend/")


def _named_streams(tsk_file: Any) -> list[tuple[bytes, int, int, int]]:
    """NTFS alternate data streams (named $DATA attributes): (name, type, id, size)."""
    out = []
    try:
        for attr in tsk_file:
            info = attr.info
            if int(info.type) == _DATA and info.name:
                out.append((info.name, int(info.type), int(info.id), int(info.size)))
    except (OSError, RuntimeError):
        return []
    return out


@dataclass
class _Dir:
    """A directory waiting to be listed: metadata address, raw and decoded path, depth, deleted."""

    addr: int
    raw: bytes
    text: str
    utf8: bool
    depth: int
    gone: bool


def walk_fs(ctx: FsContext, before_listing: Callable[[], str | None] | None = None) -> Iterator[Any]:
    """Yield ImageEntry, Link and Skipped for everything under the root of ``ctx.fs``; ``before_listing`` is
    called before each directory is listed (the walker process sends what it has then: scanner.image_walker).
    When it returns a detail, that directory is not listed but listed as ``walk-stopped`` with it (a walker
    died listing it before)."""
    fs = ctx.fs
    root = int(fs.info.root_inum)
    seen: set[Any] = {root, _dir_key(ctx, _open_meta(fs, root), root)}
    stack = [_Dir(root, b"", "", True, 0, False)]
    local_times, ntfs, plain = ctx.local_times, ctx.label == "NTFS", _PLAIN_INTS
    while stack:
        d = stack.pop()
        if before_listing is not None and (stopped := before_listing()) is not None:
            yield Skipped(ctx.location(d.raw, d.text, d.utf8), Status.WALK_STOPPED, stopped)
            continue
        try:
            listing = list(fs.open_dir(inode=d.addr))
        except (OSError, RuntimeError) as e:
            yield Skipped(ctx.location(d.raw, d.text, d.utf8), Status.UNRECOVERABLE if d.gone else Status.CORRUPT,
                          say(Detail.DIRECTORY_NOT_READABLE, library=str(e)))
            continue
        subdirs: list[_Dir] = []
        # what every entry of this directory shares, out of the per-entry loop (run 10^5-10^6 times an image)
        raw_dir, text_dir, dir_utf8, dir_gone = d.raw + b"/", d.text + "/", d.utf8, d.gone
        at_root_fat = d.depth == 0 and local_times
        memos: list[tuple[str, bytes, str, bool, bool, Any]] = []  # the memo files (.fpt/.dbt) among its files
        for f in listing:
            info = f.info  # each pytsk3 attribute read builds a wrapper object: read each once
            name_info = info.name
            raw = name_info.name
            if not raw or raw in (b".", b".."):
                continue
            try:
                name, ok = raw.decode("utf-8"), True
            except UnicodeDecodeError:
                name, ok = decode_name(raw)
            text, utf8 = text_dir + name, dir_utf8 and ok
            meta = info.meta
            deleted = dir_gone or (name_info.flags if plain else int(name_info.flags)) & _NAME_UNALLOC != 0
            reused = ""
            if meta is None and deleted and int(name_info.meta_addr):
                # TSK attaches no metadata to a deleted name whose NTFS MFT entry moved on to the next
                # sequence number (Windows and ntfs-3g do that when a file is deleted): opened by address,
                # as fls and icat do, so the deleted file is listed and recovered, not an unknown entry
                f, meta = _orphan_meta(fs, f, int(name_info.meta_addr))
                reused = _ntfs_entry_reused(meta, name_info) if ntfs else ""
            mtype = (meta.type if plain else int(meta.type)) if meta is not None else 0
            if not mtype:  # metadata wiped (type undefined): the directory entry still says what it was
                mtype = _NAME_TO_META.get(int(name_info.type), 0)
            if mtype == _M_REG:
                if at_root_fat and raw.endswith(b"(Volume Label Entry)"):
                    continue  # FAT volume label: TSK shows it as a file, it holds no data
                if ntfs:
                    yield from _file_entries(ctx, f, meta, raw_dir + raw, text, utf8, name, deleted, reused)
                else:  # the common case inline: one entry, no generator; raw bytes kept only when not UTF-8
                    yield ImageEntry(ctx, None if utf8 else raw_dir + raw, text, name, deleted, f, meta,
                                     _lost_reason(meta, deleted) if deleted else "")
                if name[-1] in "tT" and name[-2:-1] in "pPbB" and name[-4:].casefold() in MEMO_EXTS:  # (a char at a time:
                    # .txt/.dat/.csv stop at the first or second)
                    memos.append((name, raw_dir + raw, text, utf8, deleted, meta))
                continue
            child = _Dir(0, raw_dir + raw, text, utf8, d.depth + 1, d.gone)
            if mtype in (_M_DIR, _M_VIRT_DIR):
                child.addr = int(meta.addr) if meta is not None else int(name_info.meta_addr)
                child.gone = deleted or mtype == _M_VIRT_DIR  # $OrphanFiles holds deleted files only
                key = _dir_key(ctx, f, child.addr)
                problem = _cannot_enter(child, meta, deleted, key in seen)
                if problem:
                    yield Skipped(ctx.location(child.raw, child.text, child.utf8), *problem)
                else:
                    seen.add(key)
                    subdirs.append(child)
                    if raw == b"bands" and not deleted and (bundle := _sparse_bundle(ctx, listing, child)):
                        yield Skipped(ctx.location(d.raw, d.text, d.utf8), *bundle[:2])  # bands: slices of a disk
                        if not bundle[2]:  # bands/ holds bands only: not walked as files
                            subdirs.remove(child)
            elif mtype == _M_LNK:
                link = meta.link if meta is not None else b""
                target = decode_name(link)[0] if isinstance(link, bytes) else str(link or "")
                yield Link(ctx.location(child.raw, child.text, child.utf8), target)
            elif mtype != _M_VIRT:  # _M_VIRT: $MBR, $FAT1, $FAT2 are TSK's views of FS structures
                loc = ctx.location(child.raw, child.text, child.utf8)
                if mtype in _SPECIAL:
                    yield Skipped(loc, Status.SPECIAL_FILE, say(Detail.SPECIAL_NOT_READ, kind=_SPECIAL[mtype]))
                else:
                    yield Skipped(loc, Status.UNRECOVERABLE if deleted else Status.CORRUPT, say(Detail.ENTRY_UNKNOWN_TYPE))
        if memos:
            yield from _lone_memos(ctx, listing, memos)
        stack.extend(reversed(subdirs))


def _lone_memos(ctx: FsContext, listing: list[Any], memos: list[tuple[str, bytes, str, bool, bool, Any]]
                ) -> Iterator[Skipped]:
    """The memo files of a directory that no table there reads (``memo_beside.lone_memos``; an image's walk
    gives a table no memo file), more than their header: listed ``dbf-memo-alone``, as in a local folder
    (damage21: a memo file in a disk image ended as nothing)."""
    names = []
    for f in listing:
        raw = f.info.name.name
        if raw and raw not in (b".", b".."):
            try:
                names.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                names.append(decode_name(raw)[0])
    lone = set(lone_memos(names))
    for name, raw_path, text, utf8, _deleted, meta in memos:
        size = int(meta.size) if meta is not None else MEMO_HEADER + 1
        if name in lone and size > MEMO_HEADER:
            yield Skipped(ctx.location(raw_path, text, utf8), Status.UNSUPPORTED, say(Detail.DBF_MEMO_ALONE))


def _sparse_bundle(ctx: FsContext, listing: list[Any], bands: _Dir) -> tuple[Status, str, bool] | None:
    """(status, detail, whether BANDS holds more than bands) when the directory holding BANDS is a macOS sparse
    bundle (its Info.plist says so: sparse_bundle); paid only by directories that hold a ``bands`` directory."""
    from .sparse_bundle import bands_in, bundle_verdict

    def read(name: bytes, limit: int) -> bytes | None:
        for f in listing:
            info = f.info
            if info.name.name == name and info.meta is not None and int(info.meta.type) == _M_REG:
                try:
                    return bytes(f.read_random(0, min(limit, int(info.meta.size))))
                except (OSError, RuntimeError):
                    return None
        return None

    try:
        count, other = bands_in(f.info.name.name.decode("utf-8", "replace") for f in ctx.fs.open_dir(inode=bands.addr))
    except (OSError, RuntimeError):
        return None  # bands/ not listed: walked as a directory, where its error is recorded
    verdict = bundle_verdict(read, count)
    return None if verdict is None else (*verdict, other)


def _open_meta(fs: Any, addr: int) -> Any:
    try:
        return fs.open_meta(inode=addr)
    except (OSError, RuntimeError):
        return None


def _dir_key(ctx: FsContext, f: Any, addr: int) -> Any:
    """What makes a directory the same directory twice.

    On FAT, TSK's metadata address is where the directory *entry* sits, so two entries pointing at
    one cluster look like two directories: there the first data block is the identity. Elsewhere
    (ext, NTFS, HFS+) the inode / MFT entry is.
    """
    if not ctx.local_times or f is None:
        return addr
    try:
        for attr in f:
            for run in attr:
                return ("block", int(run.addr))
    except (OSError, RuntimeError):
        pass
    return addr


def _cannot_enter(child: _Dir, meta: Any, deleted: bool, seen: bool) -> tuple[Status, str] | None:
    """(reason, detail) when a directory must not be walked: gone, already seen, too deep."""
    if deleted and (meta is None or int(meta.flags) & _META_ALLOC or not child.addr):
        return Status.UNRECOVERABLE, say(Detail.DELETED_DIRECTORY_GONE)
    if seen:
        return Status.LOOP, say(Detail.DIRECTORY_CONTENT_WALKED_LOOP)
    if child.depth > MAX_DEPTH:
        return Status.PATH_TOO_LONG, say(Detail.DEEPER_THAN, n=MAX_DEPTH)
    return None


def _file_entries(ctx: FsContext, f: Any, meta: Any, raw_path: bytes, text: str, utf8: bool, name: str,
                  deleted: bool, reused: str = "") -> Iterator[ImageEntry]:
    """The file itself and, on NTFS, each of its named data streams (``file.txt:stream``)."""
    lost = reused or _lost_reason(meta, deleted)
    ntfs = ctx.label == "NTFS"
    if ntfs and not lost and _ntfs_metafile(meta, raw_path):
        lost = NTFS_METAFILE
    entry = ImageEntry(ctx, None if utf8 else raw_path, text, name, deleted, f, meta, lost)
    yield entry
    if ntfs and meta is not None:
        for sname, stype, sid, ssize in _named_streams(f):
            sdecoded, ok = decode_name(sname)
            yield ImageStreamEntry(entry, None if utf8 and ok else raw_path + b":" + sname, f"{text}:{sdecoded}",
                                   f"{name}:{sdecoded}", ssize, (stype, sid))
