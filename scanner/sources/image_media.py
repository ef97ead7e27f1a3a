"""The storage layer of a disk image: recognise it by content, open it read-only for The Sleuth Kit.

Raw and split raw images are read with ``os.pread`` on descriptors opened ``O_RDONLY|O_NOATIME``;
E01 through pyewf over file objects opened the same way (so the evidence keeps its access time);
VMDK, VHD/VHDX, QCOW2 and the other formats dfvfs knows through dfvfs' own file object. Each is
handed to TSK as a ``pytsk3.Img_Info`` subclass, and every file system is then opened at its offset.
"""

from __future__ import annotations

import hashlib
import ntpath
import os
import re
import stat
from collections.abc import Callable
from typing import Any, Protocol

import pytsk3

from ..backends import load
from ..details import Detail, say
from ..errors import SourceError
from .image_noatime import list_evidence_folder, open_evidence
from .image_parents import parent_candidates, vhd_parent_by_identifier
from .image_sniff import (
    EWF2_SIGNATURE,
    EWF_SEGMENT_NAME,
    ewf_head,
    ewf_segment_number,
    split_gap,
    split_segments,
)


class RawImage(pytsk3.Img_Info):
    """One or more raw segment files as one image, read with ``os.pread`` (no Python file buffering)."""

    def __init__(self, paths: list[str], lengths: list[int] | None = None) -> None:
        """LENGTHS: how much of each file is the image's (the rest of a longer one is not read)."""
        self._fds: list[int] = []
        self._starts: list[int] = []
        self._sizes: list[int] = []
        self.paths = list(paths)
        self._capped = lengths is not None
        total = 0
        try:
            for i, p in enumerate(paths):
                fd = open_evidence(p)
                self._fds.append(fd)
                size = os.fstat(fd).st_size if lengths is None else min(os.fstat(fd).st_size, lengths[i])
                self._starts.append(total)
                self._sizes.append(size)
                total += size
        except OSError:
            self.close()
            raise
        self._size = total
        pytsk3.Img_Info.__init__(self, url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

    def close(self) -> None:
        for fd in self._fds:
            os.close(fd)
        self._fds = []

    def read(self, offset: int, size: int) -> bytes:
        if not self._fds:
            raise OSError("image already closed")
        if len(self._fds) == 1 and not self._capped:  # (a device's size reads 0: not capped)
            return os.pread(self._fds[0], size, offset)
        out = []
        for fd, start, seg in zip(self._fds, self._starts, self._sizes, strict=True):
            if size <= 0:
                break
            if offset >= start + seg:
                continue
            chunk = os.pread(fd, min(size, start + seg - offset), offset - start)
            if not chunk:
                break
            out.append(chunk)
            offset += len(chunk)
            size -= len(chunk)
        return b"".join(out)

    def get_size(self) -> int:
        return self._size


class _NoAtimeFile:
    """The file-object interface pyewf needs (read, seek, tell, get_size) over an O_NOATIME descriptor."""

    def __init__(self, path: str) -> None:
        self._fd = open_evidence(path)
        self._pos = 0
        self._size = os.fstat(self._fd).st_size

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self._size - self._pos
        data = os.pread(self._fd, size, self._pos)
        self._pos += len(data)
        return data

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._size}[whence]
        self._pos = base + offset
        return self._pos

    def tell(self) -> int:
        return self._pos

    def get_offset(self) -> int:
        return self._pos

    def get_size(self) -> int:
        return self._size

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class EwfImage(pytsk3.Img_Info):
    """An EnCase image (all its segments) through pyewf, with the hashes stored at acquisition."""

    def __init__(self, path: str) -> None:
        pyewf = load("pyewf")

        self.paths = ewf_segment_paths(path)
        number = ewf_segment_number(self.paths[0])
        if len(self.paths) == 1 and number is not None and number > 1:
            raise SourceError(say(Detail.EWF_NOT_FIRST_SEGMENT, n=number))
        self._files = [_NoAtimeFile(p) for p in self.paths]
        self._handle = pyewf.handle()
        try:
            self._handle.open_file_objects(self._files, "r")
        except OSError as e:
            self._close_files()
            raise SourceError(say(Detail.EWF_NOT_READABLE, library=str(e))) from e
        self.media_size = self._handle.get_media_size()
        self.readable = self._readable_end()
        pytsk3.Img_Info.__init__(self, url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

    def _readable_end(self) -> int:
        """Bytes of the media the opened segments hold. With a segment missing, pyewf.glob stops at the gap
        and libewf fails every read past it; The Sleuth Kit probes the end of the image while recognising a
        file system, and one failed probe would make it refuse every partition. So the image presents
        itself as long as its readable part (found by bisection), as a truncated raw image would."""
        size = self.media_size

        def readable(offset: int) -> bool:
            try:
                self._handle.read_buffer_at_offset(1, offset)
                return True
            except OSError:
                return False

        if size <= 0 or readable(size - 1):
            return size
        low, high = 0, size - 1  # low: readable (or 0), high: not
        if not readable(0):
            return 0
        while high - low > 512:
            mid = (low + high) // 2
            if readable(mid):
                low = mid
            else:
                high = mid
        return high - high % 512  # libewf's chunks end on a sector: the one multiple of 512 in (low, high]

    def _close_files(self) -> None:
        for f in self._files:
            f.close()
        self._files = []

    def close(self) -> None:
        try:
            self._handle.close()
        except OSError:
            pass
        self._close_files()

    def read(self, offset: int, size: int) -> bytes:
        return self._handle.read_buffer_at_offset(size, offset)

    def get_size(self) -> int:
        return self.readable

    def stored_hashes(self) -> dict[str, str]:
        """The MD5 / SHA-1 (/ SHA-256) written into the image when it was acquired."""
        out = {}
        for key, value in (self._handle.get_hash_values() or {}).items():
            if value:
                out[key.lower().replace("-", "")] = value.lower()
        return out

    def headers(self) -> dict[str, str]:
        """Acquisition headers (case number, examiner, dates ...) as text."""
        try:
            values = self._handle.get_header_values() or {}
        except OSError:
            return {}
        return {str(k): str(v) for k, v in values.items() if v}

    def format_name(self) -> str:
        first = self.paths[0].lower()
        if first.endswith(".e01"):
            return "EWF (E01)"
        if first.endswith(".ex01"):
            return "EWF2 (Ex01)"
        return "EWF2 (Ex01)" if ewf_head(self.paths[0]).startswith(EWF2_SIGNATURE) else "EWF (E01)"


class EwfShared:
    """leakscan's pyewf handle (EwfImage) as the file-like object dfvfs' EWF back-end reads (``read``/``seek``/
    ``get_offset``/``get_media_size``), with an offset of its own (the reads go by offset: the walk's reads through
    the handle never move dfvfs'). Closing it leaves the handle to its EwfImage. images23: dfvfs opened the E01
    again with pyewf (every segment's tables read twice per SOURCE)."""

    def __init__(self, image: EwfImage) -> None:
        self._image, self._at = image, 0

    def read(self, size: int | None = None) -> bytes:
        end = self._image.media_size if size is None or size < 0 else min(self._at + size,
                                                                           self._image.media_size)
        if end <= self._at:
            return b""
        data = self._image.read(self._at, end - self._at)
        self._at += len(data)
        return data

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> None:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._at, os.SEEK_END: self._image.media_size}[whence]
        if base + offset < 0:
            raise OSError("Invalid offset value out of bounds.")
        self._at = base + offset

    def get_offset(self) -> int:
        return self._at

    def get_media_size(self) -> int:
        return self._image.media_size

    def get_size(self) -> int:
        return self._image.media_size

    def close(self) -> None:
        """The handle is its EwfImage's, closed with it."""


def ewf_segment_paths(path: str) -> list[str]:
    """The segment files of the EWF set PATH starts. pyewf.glob finds them by name (pc.E01, pc.E02 ...); a
    segment that is not named like one (an E01 renamed ``evidence``, or held in memory as an archive member)
    is its own only file: a single-segment image is then read whole, and the first segment of a larger set
    for what it holds (``ewf_unnamed_continues`` says the rest cannot be found by name)."""
    pyewf = load("pyewf")
    try:
        return list(pyewf.glob(path))
    except (OSError, TypeError) as e:
        if ewf_segment_number(path) is not None and not EWF_SEGMENT_NAME.search(path):
            return [path]
        raise SourceError(say(Detail.EWF_SEGMENTS_NOT_FOUND, library=str(e))) from e


def next_ewf_segment_name(name: str) -> str | None:
    """pc.E01 -> pc.E02 (pc.Ex01 -> pc.Ex02 ...); None for a name that is not a segment's."""
    if not EWF_SEGMENT_NAME.search(name):
        return None
    stem, ext = name.rsplit(".", 1)
    following = _next_ewf_extension(ext)
    return f"{stem}.{following}" if following else None


def ewf_unnamed_continues(paths: list[str]) -> bool:
    """A lone EWF segment, not named like one, whose last section says another segment follows."""
    return len(paths) == 1 and not EWF_SEGMENT_NAME.search(paths[0]) and _ewf_section_at_end(paths[0]) == b"next"


class DfvfsImage(pytsk3.Img_Info):
    """Any storage format dfvfs opens (VMDK, VHD/VHDX, QCOW ...) through its file object."""

    def __init__(self, file_object: Any) -> None:
        self._file_object = file_object
        pytsk3.Img_Info.__init__(self, url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

    def close(self) -> None:
        self._file_object = None

    def read(self, offset: int, size: int) -> bytes:
        self._file_object.seek(offset, os.SEEK_SET)
        return self._file_object.read(size)

    def get_size(self) -> int:
        return self._file_object.get_size()


class Reader(Protocol):
    """A disk reader of leakscan's own (image_qcow.QcowReader; image_pathspec's readers)."""

    def read(self, offset: int, size: int) -> bytes: ...

    def get_size(self) -> int: ...

    def close(self) -> None: ...


class ReaderImage(pytsk3.Img_Info):
    """A reader of leakscan's own as The Sleuth Kit's image, read without dfvfs' file object in between."""

    def __init__(self, reader: Reader) -> None:
        self._reader: Reader | None = reader
        pytsk3.Img_Info.__init__(self, url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        self._reader = None

    def read(self, offset: int, size: int) -> bytes:
        if self._reader is None:
            raise OSError("image already closed")
        return self._reader.read(offset, size)

    def get_size(self) -> int:
        return self._reader.get_size() if self._reader is not None else 0


def media_hashes(read: Callable[[int, int], bytes], size: int, names: list[str],
                 chunk: int = 1 << 22) -> dict[str, str]:
    """Recompute the media hash over the whole image (``--verify-images``); one read pass."""
    algos = {n: hashlib.new({"md5": "md5", "sha1": "sha1", "sha256": "sha256"}[n]) for n in names}
    offset = 0
    while offset < size:
        data = read(offset, min(chunk, size - offset))
        if not data:
            raise SourceError(say(Detail.IMAGE_ENDS_EARLY, at=offset, size=size))
        for h in algos.values():
            h.update(data)
        offset += len(data)
    return {n: h.hexdigest() for n, h in algos.items()}


# dfvfs storage-media type -> the name an examiner knows the format by
GAP_NAMED = 5  # missing pieces of a split raw named one by one; the rest are counted in one row
FORMAT_NAMES = {"EWF": "EWF", "RAW": "raw", "OS": "raw", "VHDI": "VHD/VHDX", "VMDK": "VMDK", "QCOW": "QCOW",
                "PHDI": "Parallels HDD", "MODI": "macOS disk image (UDIF/sparse)", "SMDEV": "device",
                "SPARSEBUNDLE": "macOS sparse bundle"}


def _regular(path: str) -> bool:
    """Whether PATH is a regular file itself (lstat: a link is not followed, a FIFO not opened)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _sibling(path: str, name: str) -> str:
    """Where dfvfs looks for a parent or extent file: beside the image, by its base name."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return os.path.join(os.path.dirname(path), base)


def _file_row(path: str, role: str, expected: str | None = None) -> dict[str, Any]:
    try:
        size: int | None = os.stat(path).st_size
    except OSError:
        size = None
    row: dict[str, Any] = {"path": path, "role": role, "size": size}
    if size is None:
        row["missing"] = True
        row["expected"] = expected or os.path.basename(path)
    return row


def _next_ewf_extension(ext: str) -> str | None:
    """E01 -> E02 ... E99 -> EAA ... EZZ -> FAA (libewf's segment naming; s01 and L01 alike); EWF2: Ex01 ...
    Ex99 -> ExAA ... ExZZ -> EyAA ... EzZZ."""
    head, a, b = ext[:-2], ext[-2], ext[-1]
    if a.isdigit() and b.isdigit():
        n = int(a + b) + 1
        return f"{head}{n:02d}" if n <= 99 else f"{head}{'AA' if ext[:1].isupper() else 'aa'}"
    base = "A" if a.isupper() else "a"
    x = (ord(a) - ord(base)) * 26 + (ord(b) - ord(base)) + 1
    if x >= 26 * 26:
        first = chr(ord(head[-1]) + 1) if head else ""
        return None if not head or not first.isalpha() else f"{head[:-1]}{first}{base}{base}"
    return f"{head}{chr(ord(base) + x // 26)}{chr(ord(base) + x % 26)}"


EWF2_SECTIONS = {0x0D: b"next", 0x0F: b"done"}  # EWF2 section types (libewf's EWF2 specification)


def _ewf_section_at_end(path: str) -> bytes:
    """The type of a segment's last section: ``next`` (more segments follow) or ``done`` (the last).

    EWF1 (E01): the last section header's type string, 76 bytes before the end. EWF2 (Ex01): the last 64
    bytes are the last section's descriptor (EWF2 writes each descriptor after its section), its type first."""
    try:
        fd = open_evidence(path)
        try:
            size = os.fstat(fd).st_size
            if os.pread(fd, 8, 0) == b"EVF2\r\n\x81\x00":
                kind = int.from_bytes(os.pread(fd, 4, max(size - 64, 0)), "little")
                return EWF2_SECTIONS.get(kind, b"")
            return os.pread(fd, 16, max(size - 76, 0)).rstrip(b"\0")
        finally:
            os.close(fd)
    except OSError:
        return b""


def ewf_missing_segments(paths: list[str]) -> list[str]:
    """Segment files the set needs but the folder lacks, in order (pyewf.glob stops at the first gap, and
    libewf then reads the media up to there only, so everything past it would silently vanish).

    A segment whose last section is ``next`` says another follows; the names after a gap are checked up to
    the one that says ``done``.
    """
    if not paths or not re.search(r"\.(?:[EeSsLl]|[Ee][x-z])[0-9A-Za-z]{2}$", paths[-1]):
        return []
    missing: list[str] = []
    current = paths[-1]
    for _ in range(2000):  # E01..ZZZ at most; never a runaway loop
        if os.path.isfile(current) and _ewf_section_at_end(current) != b"next":
            break  # the last segment (done), or a format this check does not know
        stem, ext = current.rsplit(".", 1)
        nxt = _next_ewf_extension(ext)
        if nxt is None:
            break
        current = f"{stem}.{nxt}"
        if not os.path.isfile(current):
            missing.append(current)
            if len(missing) > 1 and not _any_later(stem, nxt):
                missing = missing[:1]  # nothing after the gap: the set just ends early
                break
    return missing


def _any_later(stem: str, ext: str) -> bool:
    """Does a segment file named after EXT exist beside STEM (a gap in the middle of the set)?"""
    folder, base = os.path.split(stem)
    try:
        names = list_evidence_folder(folder)
    except OSError:
        return False
    pattern = re.compile(re.escape(base) + r"\.(?:[EeSsLl]|[Ee][x-z])[0-9A-Za-z]{2}$")
    return any(_segment_order(n.rsplit(".", 1)[1]) > _segment_order(ext) for n in names if pattern.match(n))


def _segment_order(ext: str) -> int:
    a, b = ext[-2].upper(), ext[-1].upper()
    if a.isdigit() and b.isdigit():
        return int(a + b)
    letter = ext[-3].upper() if len(ext) >= 3 else "E"
    first = "X" if len(ext) >= 4 else "E"  # EWF2: ExAA, EyAA ...; EWF1: EAA, FAA ...
    return 100 + (ord(letter) - ord(first)) * 676 + (ord(a) - 65) * 26 + (ord(b) - 65)


def media_files(kind: str, path: str) -> list[dict[str, Any]]:
    """Every file the image is made of: segments (E01, split raw), extents (VMDK, Parallels), and the
    chain of parents of a differencing VHD/VHDX or backing files of a QCOW2 overlay.

    Read from the formats' own headers (libyal), so a missing parent is named even when the image
    cannot be opened at all.
    """
    if kind == "EWF":
        paths = ewf_segment_paths(path)
        rows = [_file_row(p, "segment") for p in paths] + [_file_row(p, "segment") for p in ewf_missing_segments(paths)]
        if ewf_unnamed_continues(paths):
            number = (ewf_segment_number(paths[0]) or 1) + 1
            rows.append({"path": paths[0], "role": "segment", "size": None, "missing": True,
                         "expected": f"segment {number} and after", "unnamed": True})
        return rows
    if kind in ("RAW", "OS"):
        segments = split_segments(path)
        rows = [_file_row(p, "segment") for p in segments]
        gap = split_gap(segments) if kind == "RAW" else []
        rows += [_file_row(p, "segment") for p in gap[:GAP_NAMED]]
        if len(gap) > GAP_NAMED:  # one row for the rest: a long gap named piece by piece buries the report
            rest = gap[GAP_NAMED:]
            rows.append({"path": rest[0], "role": "segment", "size": None, "missing": True,
                         "expected": f"{len(rest)} more ({os.path.basename(rest[0])} to {os.path.basename(rest[-1])}; "
                                     f"{len(gap)} missing in all)"})
        return rows
    rows = [_file_row(path, "image")]
    if kind == "VHDI":
        pyvhdi = load("pyvhdi")

        current, seen = path, {os.path.realpath(path)}
        while True:
            f, fobj = pyvhdi.file(), _NoAtimeFile(current)
            f.open_file_object(fobj)
            try:
                parent_id, parent_name = f.parent_identifier, f.parent_filename
            finally:
                f.close()
                fobj.close()
            if not parent_id:
                break
            candidate = _sibling(current, parent_name or "")
            if not _regular(candidate):  # a renamed copy beside it is the parent by its identifier (as dfvfs finds it)
                candidate = vhd_parent_by_identifier(os.path.dirname(current), str(parent_id), current) or candidate
            rows.append(_file_row(candidate, "parent", parent_name))
            if os.path.basename(candidate) != os.path.basename(_sibling(current, parent_name or "")):
                rows[-1]["found_by"] = f"identifier {parent_id} (named {parent_name} by the child)"
            if not _regular(candidate) or os.path.realpath(candidate) in seen:  # a link or FIFO: not opened
                break
            seen.add(os.path.realpath(candidate))
            current = candidate
    elif kind == "QCOW":
        pyqcow = load("pyqcow")

        current, seen, over = path, {os.path.realpath(path)}, path
        while True:
            f, fobj = pyqcow.file(), _NoAtimeFile(current)
            try:
                f.open_file_object(fobj)
            except OSError:
                fobj.close()
                backing = _qcow_read_here_backing(current)
                if backing is None:
                    if current == path:
                        raise
                    rows += _backing_format(rows[-1], over)  # raw, VMDK or VHD: read through its own back-end
                    break  # its own back-end's parents are not followed; the open of the image says what fails
            else:
                try:
                    backing = f.backing_filename
                finally:
                    f.close()
                    fobj.close()
            if not backing:
                break
            places = parent_candidates(current, backing)
            # the place dfvfs reads (the first regular file: image_parents._existing), else one that is there but
            # no regular file (refused, named: ImageSource._refuse_linked_files), else where it was looked for
            if not places:  # named as the image itself, from another folder: not here (never looked for there)
                rows.append({"path": os.path.join(os.path.dirname(current), ntpath.basename(backing.replace("/", "\\"))),
                             "role": "backing", "size": None, "missing": True, "expected": backing, "itself": True})
                break
            candidate = next((c for c in places if _regular(c)), next((c for c in places if os.path.lexists(c)),
                                                                       places[0]))
            rows.append(_file_row(candidate, "backing", backing))
            if not _regular(candidate) or os.path.realpath(candidate) in seen:  # a link or FIFO: not opened
                break
            seen.add(os.path.realpath(candidate))
            over, current = current, candidate
    elif kind in ("VMDK", "PHDI"):
        h, fobj = (load("pyvmdk").handle() if kind == "VMDK" else load("pyphdi").handle()), _NoAtimeFile(path)
        h.open_file_object(fobj)
        try:
            rows += _extent_rows(path, [d.filename for d in h.extent_descriptors])
            parent = getattr(h, "parent_filename", None)
        finally:
            h.close()
            fobj.close()
        current, seen = path, {os.path.realpath(path)}
        while parent and len(seen) < 32:  # a snapshot of a snapshot ...: the whole chain
            candidate = _sibling(current, parent)
            rows.append(_file_row(candidate, "parent", parent))
            if not _regular(candidate) or os.path.realpath(candidate) in seen:  # a link or FIFO: not opened
                break
            seen.add(os.path.realpath(candidate))
            current, h, fobj = candidate, load("pyvmdk").handle(), _NoAtimeFile(candidate)
            h.open_file_object(fobj)
            try:
                rows += _extent_rows(current, [d.filename for d in h.extent_descriptors])
                parent = h.parent_filename
            finally:
                h.close()
                fobj.close()
    # extent files that are the image itself (a monolithic VMDK) are listed once
    unique: dict[str, dict[str, Any]] = {}
    for row in rows:
        unique.setdefault(f"{os.path.realpath(row['path'])}{' (itself)' if row.get('itself') else ''}", row)
    return list(unique.values())


def _qcow_read_here_backing(path: str) -> str | None:
    """The backing file's name a QCOW2 file libqcow refuses (zstd compression) but image_qcow.QcowReader reads writes
    ("" for none), or None when it is no such file: its chain is QcowReader's (image_qcow.open_qcow) and listed."""
    from .image_qcow import QcowRefused, qcow_layout, unread_features

    try:
        fd = open_evidence(path)
        try:
            head = os.pread(fd, 112, 0)
            layout = qcow_layout(head)
            if not unread_features(head[:80]):  # refused by libqcow for another reason (damage): said by its open
                return None
            written = os.pread(fd, layout.backing_size, layout.backing_at) if layout.backing_at else b""
        finally:
            os.close(fd)
    except (OSError, QcowRefused):
        return None
    return written.decode("utf-8", "replace")


def _backing_format(row: dict[str, Any], overlay: str) -> list[dict[str, Any]]:
    """Name the format of a QCOW2 backing file libqcow does not open (as OVERLAY's header names it when raw); the
    extent files of a VMDK one."""
    from .image_backing import as_read, backing_format, declared_of

    try:
        fd = open_evidence(row["path"])
        try:
            size = os.fstat(fd).st_size
            kind = as_read(backing_format(os.pread(fd, 1024, 0), os.pread(fd, 8, max(size - 512, 0))),
                           declared_of(overlay))
        finally:
            os.close(fd)
    except OSError:
        return []
    row["format"] = kind.lower()
    if kind != "VMDK":
        return []
    h, fobj = load("pyvmdk").handle(), _NoAtimeFile(row["path"])
    try:
        h.open_file_object(fobj)
        try:
            return _extent_rows(row["path"], [d.filename for d in h.extent_descriptors])
        finally:
            h.close()
    except (OSError, RuntimeError):
        return []
    finally:
        fobj.close()


def vmdk_flat_prefix(path: str) -> tuple[list[tuple[str, int, int]], list[str]]:
    """The extent files before the first missing one of a VMDK made of flat extents only (``disk-f001.vmdk``,
    ``disk-f002.vmdk`` ... or ``disk-flat.vmdk``: the disk's bytes as they are, one after the other), when
    some extent is missing or cut short and the VMDK is no snapshot, each as (path, its file size, the size
    its descriptor gives it), and the names of the extents after them (not read); else ([], []). libvmdk
    opens no such VMDK, but these bytes are the disk's first part, read as a split raw image reads up to its
    gap. An extent is the disk's for the size the descriptor gives it, never more (bytes past that are no
    later extent's); one shorter than that (cut) ends the part that can be read."""
    from ..backends import load

    pyvmdk = load("pyvmdk")
    flat = (pyvmdk.extent_types.FLAT, pyvmdk.extent_types.VMFS_FLAT)
    h, fobj = pyvmdk.handle(), _NoAtimeFile(path)
    try:
        h.open_file_object(fobj)
        try:
            extents = [(d.filename, d.type, d.offset, d.size) for d in h.extent_descriptors]
            parent = getattr(h, "parent_filename", None)
        finally:
            h.close()
    except (OSError, RuntimeError, ValueError):
        return [], []
    finally:
        fobj.close()
    if parent or not extents or any(not n or kind not in flat or offset for n, kind, offset, _ in extents):
        return [], []
    present: list[tuple[str, int, int]] = []
    for name, _, _, size in extents:
        candidate = _sibling(path, name)
        try:
            st = os.lstat(candidate)  # a link (to a file elsewhere, to /dev/...) or a FIFO is no extent of this disk
        except OSError:
            break
        if not stat.S_ISREG(st.st_mode):
            break
        present.append((candidate, st.st_size, size))
        if st.st_size < size:  # a cut extent: the disk goes on nowhere after it
            break
    if len(present) == len(extents) and all(actual == size for _, actual, size in present):
        return [], []
    if len(present) == len(extents) and all(actual >= size for _, actual, size in present):
        return [], []  # every extent there, one longer than said: libvmdk's own refusal says so
    return present, [os.path.basename(str(n)) for n, _, _, _ in extents[len(present):]]


def _extent_rows(path: str, names: list[str | None]) -> list[dict[str, Any]]:
    """The extent files a VMDK names. A monolithic sparse VMDK (descriptor inside, one extent) is its own
    extent whatever it is called now (renamed, or read from memory): not a missing file."""
    present = [n for n in names if n]
    if len(present) == 1:
        try:
            fd = open_evidence(path)
            try:
                if os.pread(fd, 4, 0) == b"KDMV":
                    return []
            finally:
                os.close(fd)
        except OSError:
            pass
    return [_file_row(_sibling(path, n), "extent", n) for n in present]


def file_sha256(path: str, chunk: int = 1 << 22, progress: Callable[[], None] | None = None) -> str:
    """SHA-256 of one image file (segment, parent, extent) as stored, read O_NOATIME (``progress`` is called
    after each chunk)."""
    h = hashlib.sha256()
    fd = open_evidence(path)
    try:
        offset = 0
        while data := os.pread(fd, chunk, offset):
            h.update(data)
            offset += len(data)
            if progress is not None:
                progress()
    finally:
        os.close(fd)
    return h.hexdigest()


# image kinds whose disk a Linux md member image is read through (image_sniff.signature_kind: dfvfs' type indicator)
_MD_CONTAINERS = {"ewf": "EWF", "vmdk": "VMDK", "qcow": "QCOW", "vhd": "VHDI", "vhdx": "VHDI"}


def open_md_member(path: str) -> Any:
    """A Linux md member image opened for image_md (``image_md.MemberMedia``): a raw file; the segments of a split raw
    image joined; the disk of an E01 (pyewf), VMDK, QCOW2 or VHD/VHDX (dfvfs) — investigators image NAS disks in
    any of them. A later segment or an extent (read through its first segment or descriptor), a container whose
    files are not all regular files here, or one its library refuses: OSError."""
    from dfvfs.lib import errors as dfvfs_errors
    from dfvfs.path import factory
    from dfvfs.resolver import resolver

    from .image_md import MemberMedia, MemberUnread, open_raw
    from .image_sniff import first_segment, read_ends, signature_kind

    first = first_segment(path)
    if first is not None:
        raise OSError(f"read through {os.path.basename(first)}")
    head, tail, _ = read_ends(path)
    kind = _MD_CONTAINERS.get(signature_kind(head, tail) or "")
    if kind is None:
        segments = split_segments(path)
        # a segment lost between those present: the member reads as cut short there, the lost file said (image.py)
        gone = [f"{os.path.basename(p)} (looked for {p})" for p in split_gap(segments)]
        if len(segments) < 2:
            return MemberMedia(open_raw(path).media, [path], "raw", gone)
        return MemberMedia(RawImage(segments), segments, "raw (split)", gone)
    try:
        rows = media_files(kind, path)
    except Exception as e:  # noqa: BLE001 - a library's refusal of untrusted headers: not a member read here
        raise MemberUnread(f"{FORMAT_NAMES[kind]} image not read: {type(e).__name__}") from e
    parts = [row["path"] for row in rows if not row.get("missing")]
    gone = [f"{row['expected']} (looked for {row['path']})" for row in rows if row.get("missing")]
    if not all(_regular(p) for p in parts):
        raise MemberUnread(f"{FORMAT_NAMES[kind]} image reads a file that is no regular file here")
    try:
        if kind == "EWF":  # a segment lost: libewf reads the media up to the gap
            ewf = EwfImage(path)
            if not ewf.readable:  # cut before its first chunk: libewf opens it, but fails every read
                ewf.close()
                raise MemberUnread(f"{FORMAT_NAMES[kind]} image: none of its {ewf.media_size} bytes of media "
                                   "readable (cut short or damaged?)")
            return MemberMedia(ewf, parts, ewf.format_name(), gone)
        spec = factory.Factory.NewPathSpec(kind, parent=factory.Factory.NewPathSpec("OS", location=os.path.abspath(path)))
        return MemberMedia(DfvfsImage(resolver.Resolver.OpenFileObject(spec)), parts, FORMAT_NAMES[kind], gone)
    except (SourceError, RuntimeError, ValueError, dfvfs_errors.Error) as e:
        missing = f" ({', '.join(gone)})" if gone else ""
        raise MemberUnread(f"{FORMAT_NAMES[kind]} image not opened: {type(e).__name__}{missing}") from e
