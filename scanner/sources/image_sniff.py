"""What a file is, by its content alone: a disk image, a partition or file-system image, or neither.

Cheap first: the fixed signatures of the common container, volume and file-system formats in the first
4.5 KiB and the last 512 bytes (standard library only, so ``leakscan scan backup.zip`` works where the
image back-ends are not installed); then, for a file those do not name, dfvfs' own signature scanner
(pysigscan and The Sleuth Kit over the storage-media, volume-system and file-system specifications dfvfs
ships), which knows every format dfvfs can open. An image named ``.bin``, ``evidence`` or ``backup.jpg``
is recognised all the same. Image files are opened read-only without touching their access time
(``open_evidence``).
"""

from __future__ import annotations

import importlib.util
import os
import re
import stat
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from ..details import Detail, join_details, say
from .image_noatime import list_evidence_folder, open_evidence, read_evidence
from .image_parttypes import gpt_type

EWF_SIGNATURES = (b"EVF\x09\x0d\x0a\xff\x00", b"EVF2\x0d\x0a\x81\x00")
_SPLIT_RAW = re.compile(r"^(?P<stem>.*)\.(?P<num>\d{3})$")
_SPLIT_LETTERS = re.compile(r"^(?P<stem>.*)\.(?P<seq>[a-z]{2,3})$")  # GNU split: disk.img.aa, .ab ...


def signature_kind(head: bytes, tail: bytes = b"") -> str | None:
    """What the first 4 KiB (and the last 512 bytes) say the file is, or None.

    Container formats first (their own magic), then a partition table, then a file-system boot
    sector or superblock at its fixed offset.
    """
    if head.startswith(EWF_SIGNATURES):
        return "ewf"
    if head.startswith(b"KDMV") or head.startswith(b"# Disk DescriptorFile") or head.startswith(b"COWD"):
        return "vmdk"
    if head.startswith(b"vhdxfile"):
        return "vhdx"
    if head.startswith(b"conectix") or tail.startswith(b"conectix"):
        return "vhd"
    if head.startswith(b"QFI\xfb"):
        return "qcow"
    if len(head) >= 520 and head[512:520] == b"EFI PART":
        return "gpt"
    if len(head) >= 4104 and head[4096:4104] == b"EFI PART":
        return "gpt"
    boot = len(head) >= 512 and head[510:512] == b"\x55\xaa"
    if boot and head[3:11] == b"NTFS    ":
        return "ntfs"
    if boot and head[3:11] == b"EXFAT   ":
        return "exfat"
    if boot and (head[54:59] in (b"FAT12", b"FAT16") or head[82:87] == b"FAT32"):
        return "fat"
    if len(head) >= 1082 and head[1080:1082] == b"\x53\xef":
        return "ext"
    if len(head) >= 1026 and head[1024:1026] in (b"H+", b"HX"):
        return "hfs+"
    if boot and _mbr_has_partition(head):
        return "mbr"
    return None


def _mbr_has_partition(head: bytes) -> bool:
    """A plausible MBR: boot flags 0x00/0x80 and at least one non-empty partition entry."""
    found = False
    for i in range(4):
        e = head[446 + 16 * i: 462 + 16 * i]
        if e[0] not in (0x00, 0x80):
            return False
        if e[4] != 0 and int.from_bytes(e[12:16], "little") > 0:
            found = True
    return found


def mbr_partitions(head: bytes, read: Callable[[int, int], bytes] | None = None,
                   sector: int = 512) -> list[tuple[str, int, int]]:
    """MBR entries as (pN, byte offset, byte size): see ``mbr_entries``."""
    return [(name, off, size) for name, off, size, _ in mbr_entries(head, read, sector)]


def mbr_entries(head: bytes, read: Callable[[int, int], bytes] | None = None,
                sector: int = 512) -> list[tuple[str, int, int, int]]:
    """MBR entries as (pN, byte offset, byte size, type byte), read directly: the primary ones, then, with ``read``,
    the logical ones down the chain of extended boot records, named p5, p9, p13 ... as dfvfs names them
    (four slots per table).

    Only a fallback for when The Sleuth Kit refuses the table (a truncated image whose partitions run
    past its end): the partitions that are there can still be walked.
    """
    if len(head) < 512 or head[510:512] != b"\x55\xaa" or not _mbr_has_partition(head):
        return []
    out: list[tuple[str, int, int, int]] = []
    extended = 0
    for i in range(4):
        e = head[446 + 16 * i: 462 + 16 * i]
        ptype, start, count = e[4], int.from_bytes(e[8:12], "little"), int.from_bytes(e[12:16], "little")
        if ptype in (0x05, 0x0F, 0x85) and start and not extended:
            extended = start
        if ptype in (0x00, 0x05, 0x0F, 0x85, 0xEE) or not start or not count:
            continue  # empty, extended or GPT-protective
        out.append((f"p{i + 1}", start * sector, count * sector, ptype))
    if read is None or not extended:
        return out
    ebr, seen = extended, set()
    for table in range(1, 128):  # logical partitions: a chain of EBRs, each at most one partition + a link
        if ebr in seen:
            break  # a loop in the chain
        seen.add(ebr)
        try:
            block = read(ebr * sector, 512)
        except (OSError, RuntimeError):
            break
        if len(block) < 512 or block[510:512] != b"\x55\xaa":
            break
        first, link = block[446:462], block[462:478]
        start, count = int.from_bytes(first[8:12], "little"), int.from_bytes(first[12:16], "little")
        if first[4] and start and count:
            out.append((f"p{4 * table + 1}", (ebr + start) * sector, count * sector, first[4]))
        nxt = int.from_bytes(link[8:12], "little")
        if link[4] not in (0x05, 0x0F, 0x85) or not nxt:
            break
        ebr = extended + nxt
    return out


def gpt_partitions(read: Callable[[int, int], bytes], size: int | None = None) -> list[tuple[str, int, int]]:
    """GPT entries as (pN, byte offset, byte size): see ``gpt_table``."""
    return [(name, off, length) for name, off, length, _ in gpt_entries(read, size)]


def gpt_entries(read: Callable[[int, int], bytes], size: int | None = None) -> list[tuple[str, int, int, str]]:
    """GPT entries as (pN, byte offset, byte size, type GUID): see ``gpt_table``."""
    table = gpt_table(read, size)
    return table.entries if table else []


@dataclass
class GptTable:
    """A GPT read directly: its usable entries, the slots whose entry makes no sense (pN, why), and what was
    wrong with the copy at the start of the disk (empty when the primary GPT is whole)."""

    entries: list[tuple[str, int, int, str]]
    bad: list[tuple[str, str]] = field(default_factory=list)
    damage: str = ""
    backup_only: list[tuple[str, int, int, str]] = field(default_factory=list)  # a disagreeing backup's own entries


_ENTRIES_WRONG = str(Detail.GPT_ENTRIES_CHECKSUM.meaning)  # found in the joined text of what is wrong


_MAX_OFFSET = 1 << 62  # bytes: no disk is larger, and os.pread refuses past 2**63


def _gpt_copy(read: Callable[[int, int], bytes], at: int, sector: int) -> tuple[GptTable, str] | None:
    """The GPT header at byte AT with its entry array, and what its checksums say ("" when both hold). Offsets
    come from the disk's own bytes: one past what a file offset can be (a flipped high bit) is no table here
    (os.pread raised OverflowError, and the image was lost: audit9)."""
    if not 0 <= at < _MAX_OFFSET:
        return None
    header = read(at, sector)
    if len(header) < 92 or header[:8] != b"EFI PART":
        return None
    length = int.from_bytes(header[12:16], "little")
    length = length if 92 <= length <= sector else 92
    first = int.from_bytes(header[72:80], "little")
    count = min(int.from_bytes(header[80:84], "little"), 1024)
    size = int.from_bytes(header[84:88], "little")
    if size < 128 or size > 4096 or not first or first * sector >= _MAX_OFFSET:
        return None
    table = read(first * sector, count * size)
    wrong = []
    if zlib.crc32(header[:16] + bytes(4) + header[20:length]) != int.from_bytes(header[16:20], "little"):
        wrong.append(say(Detail.GPT_HEADER_CHECKSUM))
    if len(table) < count * size or zlib.crc32(table) != int.from_bytes(header[88:92], "little"):
        wrong.append(say(Detail.GPT_ENTRIES_CHECKSUM))
    out = GptTable([])
    for i in range(min(count, len(table) // size)):
        e = table[i * size:(i + 1) * size]
        if not any(e[:16]):
            continue
        start, last = int.from_bytes(e[32:40], "little"), int.from_bytes(e[40:48], "little")
        if start and last >= start:
            out.entries.append((f"p{i + 1}", start * sector, (last - start + 1) * sector, gpt_type(e)))
        else:
            out.bad.append((f"p{i + 1}", say(Detail.GPT_ENTRY_NONSENSE, last=last, start=start)))
    return out, join_details(wrong)


def gpt_table(read: Callable[[int, int], bytes], size: int | None = None) -> GptTable | None:
    """The disk's GPT read directly, or None: the primary copy (header at LBA 1, for 512- and 4096-byte
    sectors) when its checksums hold, else the backup copy at the disk's last sector (where Windows, parted
    and sfdisk read it from then), else the primary as it is.

    Only a fallback for when the libraries refuse or misread the table: libvsgpt wants the backup header
    too, which a truncated acquisition (the end of the disk cut off) no longer has, and The Sleuth Kit reads
    the primary only, so a disk whose first sectors were overwritten showed just its protective MBR entry.
    A backup is looked for only behind a protective MBR or a primary header, never in any disk's last sector.
    """
    head = read(0, 512)
    protective = len(head) >= 512 and head[510:512] == b"\x55\xaa" and any(
        head[446 + 16 * i + 4] == 0xEE for i in range(4))
    for sector in (512, 4096):
        primary = _gpt_copy(read, sector, sector)
        if primary is not None and not primary[1]:
            primary[0].damage, primary[0].backup_only = _backup_disagrees(read, primary[0], sector)
            return primary[0]
        if primary is None and not protective:
            continue
        places = []
        if primary is not None:
            places.append(int.from_bytes(read(sector + 32, 8), "little") * sector)
        if size and size >= 2 * sector:
            places.append(size - sector)
        why = primary[1] if primary is not None else say(Detail.GPT_HEADER_MISSING)
        entries_whole = None  # a backup whose header is damaged but whose entry array's checksum holds
        for at in dict.fromkeys(places):
            backup = _gpt_copy(read, at, sector) if at > sector else None
            if backup is not None and not backup[1]:
                backup[0].damage = say(Detail.GPT_PRIMARY_DAMAGED, why=why)
                return backup[0]
            if backup is not None and _ENTRIES_WRONG not in backup[1] and entries_whole is None:
                entries_whole = backup
        if entries_whole is not None and (primary is None or _ENTRIES_WRONG in primary[1]):
            entries_whole[0].damage = say(Detail.GPT_PRIMARY_DAMAGED_ENTRIES, why=why, other=entries_whole[1])
            return entries_whole[0]
        if primary is not None:
            primary[0].damage = say(Detail.GPT_NO_WHOLE_BACKUP, why=primary[1])
            return primary[0]
    return None


def _backup_disagrees(read: Callable[[int, int], bytes], primary: GptTable,
                      sector: int) -> tuple[str, list[tuple[str, int, int, str]]]:
    """What a whole backup GPT lists that a whole primary does not (("", []) when they agree, or the backup is
    absent or damaged): the note, and the backup's entries the primary lacks or places elsewhere. The primary
    is trusted and walked; what only the backup lists (a hand-edited table, one edited to hide a partition, or
    an older layout) is walked as well, under its own name, never passed over."""
    backup = _gpt_copy(read, int.from_bytes(read(sector + 32, 8), "little") * sector, sector)
    if backup is None or backup[1]:
        return "", []
    ours, theirs = ({e[0]: e[1:3] for e in t.entries} | {b[0]: None for b in t.bad} for t in (primary, backup[0]))
    if ours == theirs:
        return "", []
    differ = []
    for name in sorted(ours.keys() | theirs.keys(), key=lambda n: int(n[1:])):
        if ours.get(name) != theirs.get(name):
            where = theirs.get(name)
            differ.append(say(Detail.GPT_BACKUP_DIFFERS_AT, name=name, at=where[0], size=where[1]) if where
                          else say(Detail.GPT_BACKUP_DIFFERS_ABSENT, name=name))
    only = [e for e in backup[0].entries if ours.get(e[0]) != e[1:3]]
    return say(Detail.GPT_BACKUP_DISAGREES_WALKED if only else Detail.GPT_BACKUP_DISAGREES,
               differ=join_details(differ)), only


def partition_types(read: Callable[[int, int], bytes], size: int | None = None) -> dict[int, int | str]:
    """Byte offset -> type (GPT type GUID, or MBR type byte) of every partition the table lists."""
    try:
        gpt = gpt_entries(read, size)
        if gpt:
            return {off: kind for _, off, _, kind in gpt}
        return {off: kind for _, off, _, kind in mbr_entries(read(0, 512), read)}
    except (OSError, RuntimeError, OverflowError):
        return {}


def table_end(read: Callable[[int, int], bytes]) -> int:
    """The last byte the disk's partition table describes (every GPT entry, or every primary MBR entry with
    the extended partition that holds the logical ones), or 0 without a table. An image shorter than
    that was cut short: what lies past its end is not there to walk."""
    parts = gpt_partitions(read)
    if parts:
        return max(off + size for _, off, size in parts)
    head = read(0, 512)
    if len(head) < 512 or head[510:512] != b"\x55\xaa" or not _mbr_has_partition(head):
        return 0
    if any(head[446 + 16 * i + 4] == 0xEE for i in range(4)):
        return 0  # a protective MBR whose GPT was not readable: it says nothing about the partitions
    end = 0
    for i in range(4):
        e = head[446 + 16 * i: 462 + 16 * i]
        if e[4]:
            end = max(end, (int.from_bytes(e[8:12], "little") + int.from_bytes(e[12:16], "little")) * 512)
    return end


_EWF_LATER = re.compile(r"^(?P<stem>.*)\.(?P<kind>[Ee][x-z]|[EeSsLl])(?P<seq>\d\d|[A-Za-z]{2})$")


def first_segment(path: str) -> str | None:
    """The first segment of the set PATH is a later segment of (``pc08.E02`` -> ``pc08.E01``, ``pc09.001`` ->
    ``pc09.000`` when that exists, ``pc09.002`` -> ``pc09.001``), or None when PATH is a first segment or no
    segment at all. An EWF name counts only when the file holds an EWF segment header."""
    m = _EWF_LATER.match(path)
    if m and m.group("seq") not in ("01",):
        try:
            head = read_evidence(path, 8)
        except OSError:
            return None
        if head.startswith(EWF_SIGNATURES):
            kind = m.group("kind")
            return f"{m.group('stem')}.{kind[0]}x01" if len(kind) == 2 else f"{m.group('stem')}.{kind}01"
        return None
    if path.casefold().endswith(".vmdk"):
        return vmdk_descriptor_of(path)
    m = _SPLIT_LETTERS.match(path)
    if m and set(m.group("seq")) != {"a"}:
        first = f"{m.group('stem')}.{'a' * len(m.group('seq'))}"
        if os.path.isfile(first) and path in split_segments(first):
            return first
    m = _SPLIT_RAW.match(path)
    if m and int(m.group("num")) >= 1:
        stem, num = m.group("stem"), int(m.group("num"))
        for start in (0, 1):
            first = f"{stem}.{start:03d}"
            if start < num and os.path.isfile(first) and path in split_segments(first):
                return first
    return None


# the extension before a split raw image's number (disk.dd.002): none, or an image's (split_series.IMAGE_EXTS, kept
# here too: this module imports no source module)
_SEGMENT_EXTS = frozenset({"dd", "img", "raw", "iso", "bin", "dmg", "vmdk", "vhd", "vhdx", "qcow2", "qcow", "aff",
                           "e01", "ex01", "mem", "dump", "dsk", "ima", "image"})


def missing_first(path: str, exists: Callable[[str], bool] = os.path.lexists) -> str | None:
    """The first segment a later split raw segment PATH names (``disk.002`` or ``disk.dd.002`` -> ``disk.001``,
    ``disk.dd.001``) when neither it nor a ``.000`` is beside it; else None (a first segment, a segment of a set whose
    first is there, or no segment name: ``X.csv.002`` is a split file's piece, split_series'). images21: such
    segments (the middle of a disk: no file system starts there) were examined as plain files and listed nowhere,
    the scan complete; what decides is the caller's (an image by content is walked as it is, text is a cut file's).
    ``exists(path)``: whether a file of that path is there (a folder's listing: ``split_series.segments_in``)."""
    stem = _segment_stem(path, later=True)
    if stem is None or exists(f"{stem}.000") or exists(f"{stem}.001"):
        return None
    return f"{stem}.001"


def _segment_stem(path: str, later: bool) -> str | None:
    """The stem of a split raw segment's name (``disk`` of ``disk.002``, ``disk.dd`` of ``disk.dd.002``) numbered
    2 or more (``later``) or exactly 1, its extension none or a disk image's; else None."""
    m = _SPLIT_RAW.match(path)
    if m is None or (int(m.group("num")) < 2 if later else int(m.group("num")) != 1):
        return None
    stem = m.group("stem")
    base = os.path.basename(stem)
    ext = base.rsplit(".", 1)[1].casefold() if "." in base else ""
    return None if not base or (ext and ext not in _SEGMENT_EXTS) else stem


def missing_zero(path: str, exists: Callable[[str], bool] = os.path.lexists) -> str | None:
    """The ``.000`` a ``disk.001`` (or ``disk.dd.001``) beside its ``disk.002`` names when no ``disk.000`` is there:
    GNU ``split -d`` numbers from ``.000``, so such a ``.001`` that holds no disk image by content (the caller's) is
    the middle of a disk whose first segment is lost. review22i: it was listed ``not-a-disk-image`` and the scan
    complete (exit 0), the rest of the disk never read; else None (``missing_first`` says a later ``.002`` ...)."""
    stem = _segment_stem(path, later=False)
    if stem is None or exists(f"{stem}.000") or not exists(f"{stem}.002"):
        return None
    return f"{stem}.000"


_PACKED = (b"BZh", b"\xfd7zXZ")  # bzip2 and xz, besides OTHER_FORMATS' gzip and zstd


def lone_segment(path: str) -> str | None:
    """``missing_first(PATH)`` when the file may be the middle of a disk: it holds at least a sector and its first
    bytes are no other file format's nor text (``other_format``: gzip, SQLite, tar, PDF, zip ..., bzip2, xz).
    review21i: an ordinary file numbered so (a gzip'd list ``backup.003``, an SQLite ``clients.002``, a tar, an
    8-byte ``tiny.002``), read as what it is, was listed later-segment too, the scan incomplete (exit 3) and, given as
    the SOURCE, refused asking for a ``backup.001`` that never was. A segment that starts with a file system is an
    image by content, walked as it is (the caller's)."""
    return _if_segment(path, missing_first(path), 512)


def lost_zero(path: str) -> str | None:
    """``missing_zero(PATH)`` when the file, no disk image by content (the caller's), may be a disk's middle
    (``segment_head``): a text, gzip or SQLite ``notes.001`` beside ``notes.002`` is read as what it is."""
    return _if_segment(path, missing_zero(path), SEGMENT_HEAD)


def _if_segment(path: str, first: str | None, head_size: int) -> str | None:
    """FIRST (the segment PATH's name says is missing) when PATH's first ``head_size`` bytes may be a disk's middle
    (``segment_head``) or cannot be read (said as the segment it is named like, never passed over); else None."""
    if first is None:
        return None
    try:
        head = read_evidence(path, head_size)
        size = os.stat(path).st_size
    except OSError:
        return first
    return first if segment_head(head, size, path) else None


SEGMENT_HEAD = 4096  # the first bytes ``segment_head`` is asked about (libmagic names most formats by far fewer)


def segment_head(head: bytes, size: int | None, name: str = "") -> bool:
    """Whether a file of SIZE bytes whose first bytes (512 or more read) are HEAD may be the middle of a disk: a
    sector at least, no other file format's first bytes nor text (``other_format``; bzip2, xz), and, unless SIZE
    is whole sectors, nothing libmagic recognises (``recognised``). images22: a program ``setup.002``, a video
    ``clip.002``, an ELF ``tool.002`` (formats ``OTHER_FORMATS`` does not list) were listed later-segment, the scan
    incomplete (exit 3). review22i: a real segment of a split disk begins wherever the split falls, often at a
    file's first block (1,325 of 254,206 split points of an ext4 holding programs: an ELF, or mid-file bytes
    libmagic names), so a name alone was read as a plain file, the rest of the disk in it never read, the scan
    complete: a raw segment is whole sectors (``split -b``, dd, FTK's raw segments), so only a size that is not,
    or a program whose headers end it exactly there (``_program_end``: a segment beginning with one goes on past
    it), lets libmagic's name clear it (a size unknown, None: a segment). NAME named as an image's segment
    (``case.dd.002``, ``disk.img.003``: ``image_named``) is one whatever file it begins with: review22i, one that
    began in a text file the disk holds (7,630 of 79,258 non-empty 4 KiB split points of an ext4) was read as text,
    the rest of the disk never read; no text, gzip or SQLite file is named so."""
    if len(head) < 512 or (not image_named(name) and (other_format(head) or head.startswith(_PACKED))):
        return False
    return not (size is not None and (size % 512 != 0 or _program_end(head) == size) and recognised(head))


def image_named(name: str) -> bool:
    """NAME (a path or a bare name) is a split raw image's segment by an image's extension before its number
    (``case.dd.002``, ``disk.img.003``, ``x.raw.010``), not only by its number (``notes.002``: a cut file too)."""
    m = _SPLIT_RAW.match(os.path.basename(name))
    base = m.group("stem") if m else ""
    return "." in base and base.rsplit(".", 1)[1].casefold() in _SEGMENT_EXTS


def _program_end(head: bytes) -> int | None:
    """Where a Windows (PE) or ELF program whose headers HEAD holds ends by those headers (its sections' raw data
    and its signature; an ELF's section header table, written last), or None: a whole program file is that long,
    a disk's segment that begins with one goes on past it (review22i). No library listed reads PE headers."""
    try:
        if head.startswith(b"\x7fELF") and head[4] in (1, 2) and head[5] in (1, 2):
            order = "<" if head[5] == 1 else ">"
            if head[4] == 1:
                shoff, = struct.unpack_from(order + "I", head, 32)
                shentsize, shnum = struct.unpack_from(order + "HH", head, 46)
            else:
                shoff, = struct.unpack_from(order + "Q", head, 40)
                shentsize, shnum = struct.unpack_from(order + "HH", head, 58)
            return shoff + shentsize * shnum if shoff else None
        if head.startswith(b"MZ"):
            pe, = struct.unpack_from("<I", head, 0x3C)
            if head[pe:pe + 4] != b"PE\0\0":
                return None
            count, optional = struct.unpack_from("<H", head, pe + 6)[0], struct.unpack_from("<H", head, pe + 20)[0]
            magic, = struct.unpack_from("<H", head, pe + 24)
            dirs = pe + 24 + {0x10B: 96, 0x20B: 112}[magic]
            cert_at, cert_size = struct.unpack_from("<II", head, dirs + 4 * 8) if optional >= dirs - pe - 24 + 40 \
                else (0, 0)
            table = pe + 24 + optional
            ends = [sum(struct.unpack_from("<II", head, table + 40 * k + 16)) for k in range(count)]
            return max([*ends, cert_at + cert_size]) if ends else None
    except (struct.error, KeyError, IndexError):  # headers past HEAD or malformed: no end known
        return None
    return None


# MIME types libmagic gives random bytes (20,000 random 4 KiB heads, images22: 5.5 % named something, by a magic of
# a byte or two: an OpenPGP key packet, a DOS COM program's jump, an MPEG sync word, a zlib header, a MIDI SysEx, a
# Targa, HPGL, an Amiga font, a SaveDsk floppy, a byte-swapped cpio); text is ``other_format``'s. An encrypted
# volume's middle is random: named so, it stays a segment
_WEAK_MIME = frozenset({"application/octet-stream", "application/x-dosexec", "application/zlib", "audio/mpeg",
                        "audio/x-mp4a-latm", "audio/x-syx", "application/vnd.hp-hpgl", "font/x-amiga-font",
                        "text/pgp", "application/pgp-keys", "image/x-tga", "application/x-ibm-dsk",
                        "application/x-cpio", "application/x-empty", "inode/x-empty"})


_STRUCTURED = 48  # distinct values among a header's first 64 bytes below which it is no random run (random: ~57)


def recognised(head: bytes) -> bool:
    """Whether libmagic names the format of a file by its first bytes with a magic random bytes do not pass
    (``_WEAK_MIME`` left out; a Windows program is named by its PE header: a DOS COM program's one-byte jump is
    not), and those bytes are a header's, not a random run: fewer than 48 distinct values among the first 64 (a
    program's, a font's, a video's: 10-43; random bytes: ~57, and libmagic still named 18 of 45,000 random heads
    past ``_WEAK_MIME``, each with 51 or more). False when libmagic is missing (the file stays what its name says:
    a segment, listed)."""
    if len(set(head[:64])) >= _STRUCTURED:
        return False
    try:
        import magic

        kind = magic.from_buffer(head[:4096], mime=True).casefold()
    except Exception:  # noqa: BLE001 - libmagic missing or failing: no format named
        return False
    return kind not in _WEAK_MIME and not kind.startswith("text/")


_VMDK_EXTENT = re.compile(rb'^\s*(?:RW|RDONLY|NOACCESS)\s+\d+\s+\w+\s+"([^"]+)"', re.M)


def vmdk_descriptor_of(path: str) -> str | None:
    """The VMDK descriptor beside PATH that names PATH as one of its extents (``disk.vmdk`` for
    ``disk-flat.vmdk`` or ``disk-s001.vmdk``), or None: such an extent is read through its descriptor, and
    walked on its own it would list the same disk twice."""
    folder, name = os.path.split(path)
    try:
        siblings = [n for n in list_evidence_folder(folder) if n.casefold().endswith(".vmdk") and n != name]
    except OSError:
        return None
    for sibling in sorted(siblings):
        other = os.path.join(folder, sibling)
        try:
            if os.path.getsize(other) > 64 * 1024:
                continue  # a descriptor file is text of a few hundred bytes (a sparse extent embeds its own)
            text = read_evidence(other, 64 * 1024)
        except OSError:
            continue
        if not text.startswith(b"# Disk DescriptorFile"):
            continue
        names = [os.path.basename(m.group(1).decode("utf-8", "replace").replace("\\", "/"))
                 for m in _VMDK_EXTENT.finditer(text)]
        if name in names:
            return other
    return None


def whole_sets(sources: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """SOURCEs with the later segments of a set left out when its first segment is a SOURCE too (``leakscan
    scan pc08.E0*``: the first reads them all; alone, each later one would be a failed image of its own).
    Returns (sources kept, [(segment left out, its first segment)])."""
    given = {os.path.abspath(s) for s in sources if not s.startswith("smb://")}
    kept, dropped = [], []
    for s in sources:
        first = None if s.startswith("smb://") or not os.path.isfile(s) else first_segment(s)
        if first is not None and os.path.abspath(first) in given:
            dropped.append((s, first))
        else:
            kept.append(s)
    return kept, dropped


def split_segments(path: str) -> list[str]:
    """Every consecutive segment of a split raw image that exists, starting with ``path``: what libsmraw (the
    reader dfvfs recognises split images with) globs, so ``disk.img.aa``/``.ab`` (GNU split), ``disk.000``
    and ``disk.dd.001`` are all read whole; without libsmraw, ``disk.000``/``disk.001`` only."""
    if importlib.util.find_spec("pysmraw") is not None:
        pysmraw = importlib.import_module("pysmraw")  # libsmraw (installed with dfvfs); no type information
        try:
            found = [str(p) for p in pysmraw.glob(path)]
        except (OSError, TypeError, ValueError, RuntimeError):  # RuntimeError: "invalid naming schema" (disk.002 alone)
            found = []
        if found and found[0] == path and all(os.path.isfile(p) for p in found):
            return found
    m = _SPLIT_RAW.match(path)
    if not m:
        return [path]
    stem, num = m.group("stem"), int(m.group("num"))
    segs = []
    while os.path.isfile(f"{stem}.{num:03d}"):
        segs.append(f"{stem}.{num:03d}")
        num += 1
    return segs or [path]


def split_gap(segments: list[str]) -> list[str]:
    """The segments missing between the last one read and a later one present (``disk.001`` gone while
    ``disk.002`` and ``disk.003`` are there; ``.ab`` gone beside ``.ac``): the readers stop at the gap, so the
    media after it is not read, and without this the image reads as merely truncated. Only a real series
    counts: its first member (``.000``/``.001``, ``.aa``/``.aaa``) and another present, so ``sda.img`` with the
    ``sda.log`` ddrescue or dc3dd writes beside it (``.img``/``.log`` spelt like GNU split pieces) is no gap."""
    last = segments[-1]
    folder, name = os.path.split(last)
    for pattern, key in ((_SPLIT_RAW, "num"), (_SPLIT_LETTERS, "seq")):
        m = pattern.match(name)
        if not m:
            continue
        stem, seq = m.group("stem"), m.group(key)
        width, digits = len(seq), seq.isdigit()

        def number(text: str, digits: bool = digits) -> int:
            return int(text) if digits else sum((ord(c) - 97) * 26 ** i for i, c in enumerate(reversed(text)))

        def spelt(n: int, width: int = width, digits: bool = digits) -> str:
            if digits:
                return f"{n:0{width}d}"
            return "".join(chr(97 + (n // 26 ** i) % 26) for i in reversed(range(width)))

        try:
            later = [number(m2.group(key)) for f in list_evidence_folder(folder)
                     if (m2 := pattern.match(f)) and m2.group("stem") == stem and len(m2.group(key)) == width]
        except OSError:
            return []
        here, beyond = number(seq), [n for n in later if n > number(seq)]
        if not beyond or min(later) > (1 if digits else 0) or len(later) < 2:
            return []  # no series start (.000/.001, .aa/.aaa) present: sda.img beside sda.log is one image
        return [os.path.join(folder, f"{stem}.{spelt(n)}") for n in range(here + 1, max(beyond))
                if n not in later]
    return []


HEAD = 4608
TAIL = 512
# first bytes -> format, for the formats signature_kind leaves out (encrypted volumes, APFS, XFS, UDIF ...)
_HEAD_SIGNATURES = (
    (0, b"LUKS\xba\xbe", "luks"),
    (0, b"XFSB", "xfs"),
    (32, b"NXSB", "apfs"),
    (3, b"-FVE-FS-", "bitlocker"),
    (0, b"sprs", "sparseimage"),
    (0, b"WithoutFreeSpace", "parallels"),
    (0, b"WithouFreSpacExt", "parallels"),
    (512, b"LABELONE", "lvm"),
    (1024, b"LABELONE", "lvm"),
    (512, b"PM\x00\x00", "apm"),
    (0, b"ER\x02\x00", "apm"),
    (4096, b"\xfc\x4e\x2b\xa9\x01\x00\x00\x00", "md"),  # a Linux md member, superblock 1.2 (image_md)
    (0, b"\xfc\x4e\x2b\xa9\x01\x00\x00\x00", "md"),  # 1.1
)


def described_size(head: bytes) -> tuple[str, int] | None:
    """(what, bytes) a bare file system or container says it spans, from its own superblock or boot sector:
    APFS container (nx_block_size x nx_block_count), XFS (sb_blocksize x sb_dblocks), NTFS (bytes per sector x
    sectors); None for anything else, or a head too short to hold the fields. An image shorter than this was
    cut short, though the libraries (libfsapfs, libfsxfs) may walk what is left without a word."""
    if len(head) < 48:
        return None
    if head[32:36] == b"NXSB":
        block, count = struct.unpack_from("<IQ", head, 36)
        what = "APFS container"
    elif head[:4] == b"XFSB":
        block, count = struct.unpack_from(">IQ", head, 4)
        what = "XFS file system"
    elif head[3:11] == b"NTFS    ":
        block, count = struct.unpack_from("<H", head, 11)[0], struct.unpack_from("<Q", head, 40)[0]
        what = "NTFS file system"
    else:
        return None
    if not (512 <= block <= 1 << 16 and block & (block - 1) == 0) or not 0 < count < 1 << 48:
        return None  # not a plausible superblock: no claim made on it
    return what, block * count


def encrypted_dmg(head: bytes, tail: bytes = b"") -> int | None:
    """The header version of an encrypted macOS disk image (hdiutil -encryption): 2 when it starts with
    "encrcdsa" (what current macOS writes), 1 when its last 8 bytes are "cdsaencr"; None otherwise."""
    if head.startswith(b"encrcdsa"):
        return 2
    if tail.endswith(b"cdsaencr"):
        return 1
    return None


def encrypted_dmg_detail(version: int) -> str:
    return (f"encrypted macOS disk image (hdiutil -encryption, AES; header version {version}): its contents "
            "need the image's password, and no library here decrypts it (dfvfs/libmodi read UDIF but not "
            "its encryption): not examined; attach it on a Mac with the password (hdiutil attach) and scan the "
            "volume, or a decrypted copy (hdiutil convert -format UDRW)")


# first bytes of other file formats (documents, archives, media, databases): never a UDIF's first chunk, which
# is zlib, bzip2, LZFSE or xz (their signatures are left out here), ADC (no signature) or raw disk bytes
OTHER_FORMATS = (b"PK\x03\x04", b"PK\x05\x06", b"\x89PNG", b"\x1f\x8b", b"%PDF", b"\xff\xd8\xff",
                 b"\xd0\xcf\x11\xe0", b"7z\xbc\xaf", b"Rar!", b"OggS", b"ID3", b"fLaC", b"RIFF", b"GIF8",
                 b"\x28\xb5\x2f\xfd", b"MSCF", b"II*\x00", b"MM\x00*", b"\x1aE\xdf\xa3", b"wOFF", b"OTTO",
                 b"SQLite format 3\x00", b"!BDN", b"070701", b"070702", b"070707")
# a Lotus 1-2-3 release 3 and later worksheet's BOF record: opcode 0, 26 bytes, version 0x1000-0x1006 (.wk3, .wk4, and
# .123 of 1-2-3 97/Millennium: named with a number, no disk segment; wild22), file type 4
_LOTUS_BOF = re.compile(rb"\x00\x00\x1a\x00[\x00-\x06]\x10\x04\x00")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]")
_TEXT_MIN = 64  # bytes of text with no control byte: compressed chunks hold one within a few dozen bytes


def other_format(head: bytes) -> bool:
    """The first bytes are another file format's (a zip, an Office file, a PDF, a tar ...) or text: a file named
    .dmg that is neither a UDIF nor a cut one, but a file renamed (read as what it is). HEAD shorter than 64 bytes
    is the whole file: a short note is text when it is UTF-8 with no control byte and does not start as a UDIF
    chunk does (zlib's header, "BZh", "bvx"); UTF-16 text by its byte-order mark or its NUL bytes."""
    if head.startswith(OTHER_FORMATS) or head[257:262] == b"ustar" or _LOTUS_BOF.match(head):
        return True
    if _utf16_text(head):
        return True
    if len(head) >= _TEXT_MIN:
        return _CONTROL.search(head) is None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return bool(head) and _CONTROL.search(head) is None and not _signed_chunk(head)


def _utf16_text(head: bytes) -> bool:
    """HEAD (a file's first bytes) is UTF-16 text: a byte-order mark, or a NUL byte in most code units on one side
    (Latin text; chunk data and raw disks have no such pattern), then characters with no control character."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        order, body = ("utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be"), head[2:]
    elif len(head) >= 8 and max(head[1::2].count(0), head[0::2].count(0)) * 4 >= len(head) * 3 // 2:
        order, body = ("utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"), head
    else:
        return False
    body = body[: len(body) // 2 * 2]
    try:
        text = body.decode(order)
    except UnicodeDecodeError:  # an unpaired surrogate: a cut at the head's end leaves at most one
        text = body[:-2].decode(order, errors="replace")
        if "\ufffd" in text:
            return False
    return bool(text) and _CONTROL.search(text.encode("latin-1", errors="replace")) is None


# the first bytes of a UDIF chunk that carries a signature: bzip2, LZFSE (bvx1, bvx2, bvxn, bvx-, bvx$), xz
_CHUNK_SIGNATURES = (b"BZh", b"bvx", b"\xfd7zXZ\x00")


def _signed_chunk(head: bytes) -> bool:
    """HEAD starts as a zlib stream or a signed chunk does (or is a piece of one's signature)."""
    if head[:1] == b"x" and (len(head) == 1 or (head[0] * 256 + head[1]) % 31 == 0):
        return True
    return any(head.startswith(sig) or sig.startswith(head) for sig in _CHUNK_SIGNATURES if head)


def udif_chunk(head: bytes) -> bool:
    """HEAD (a file's first bytes) starts as a UDIF's first stored chunk would: a zlib stream (CM 8 and a valid
    header check), a bzip2, LZFSE or xz signature, or an ADC stream whose codes hold (its first a literal run; every
    copy reaching back only into what was already written). Random or wiped bytes fail it; a raw (uncompressed)
    chunk is a disk's first bytes, which ``image_kind`` recognises when they hold a table or a file system."""
    if len(head) < 2:
        return False
    if head[0] & 0x0F == 8 and head[0] >> 4 <= 7 and (head[0] * 256 + head[1]) % 31 == 0 and not head[1] & 0x20:
        return _inflates(head)
    if head.startswith(b"BZh") and len(head) >= 10:  # bzip2: a block (or the end of an empty stream) follows
        return head[3:4] in b"123456789" and head[4:10] in (b"1AY&SY", b"\x17rE8P\x90")
    if head.startswith(b"bvx"):  # LZFSE: bvx1, bvx2 (compressed blocks), bvxn (LZVN), bvx- (stored), bvx$ (end)
        return len(head) >= 4 and head[3:4] in b"12n-$"
    if head.startswith(b"\xfd7zXZ\x00"):
        return True
    return _adc_holds(head)


def _inflates(head: bytes) -> bool:
    """HEAD (a zlib header first) inflates without an error up to its end, or to 1 MiB of output."""
    try:
        zlib.decompressobj().decompress(head, 1 << 20)
    except zlib.error:
        return False
    return True


def _adc_holds(data: bytes) -> bool:
    """DATA starts as an ADC stream (Apple Data Compression, libmodi's decoder) that compresses: codes read up to
    DATA's end, and copies (repeats of what was written) make at least a quarter of the bytes written. Any bytes
    starting with a high bit read as a literal run: without copies that is no structure at all (random bytes
    under 1 KiB passed as one in session 14: 36 of 150)."""
    i, written, copied = 0, 0, 0
    while i < len(data):
        code = data[i]
        if code & 0x80:  # a literal run of (code & 0x7f) + 1 bytes
            i, written = i + 1 + (code & 0x7F) + 1, written + (code & 0x7F) + 1
            continue
        if code & 0x40:  # copy (code & 0x3f) + 4 bytes from a 16-bit distance
            if i + 2 >= len(data):
                break
            distance, length, i = (data[i + 1] << 8 | data[i + 2]) + 1, (code & 0x3F) + 4, i + 3
        else:  # copy ((code >> 2) & 0xf) + 3 bytes from a 10-bit distance
            if i + 1 >= len(data):
                break
            distance, length, i = ((code & 0x03) << 8 | data[i + 1]) + 1, ((code >> 2) & 0x0F) + 3, i + 2
        if distance > written:
            return False
        written, copied = written + length, copied + length
    return copied > 0 and copied * 4 >= written


def cut_udif(head: bytes, tail: bytes) -> bool:
    """A macOS disk image (UDIF) cut short: its trailer (koly, the last 512 bytes: UDIF's only signature and the
    only map of its chunks) is gone. The callers check that the name ends ".dmg" and that nothing else recognises
    the file (``image_kind`` is None): then it is a damaged UDIF when its first bytes start as a UDIF chunk does
    (``udif_chunk``: zlib, bzip2, LZFSE, xz, or ADC, whose codes are checked) - never for another file format's
    first bytes or text (``other_format``: a file renamed .dmg, read as itself), nor for random or wiped bytes,
    which hold no UDIF structure at all (listed dmg-unrecognised, not called a damaged UDIF)."""
    return (bool(head) and not tail.startswith(b"koly") and encrypted_dmg(head, tail) is None
            and not other_format(head) and udif_chunk(head))


def quick_kind(head: bytes, tail: bytes = b"") -> str | None:
    """The format the fixed signatures name, or None (then only dfvfs' scanner can tell)."""
    if encrypted_dmg(head, tail) is not None:
        return "encrypted-dmg"
    for offset, magic, kind in _HEAD_SIGNATURES:
        if head[offset:offset + len(magic)] == magic:
            return kind
    if tail.startswith(b"koly"):
        return "udif"
    return signature_kind(head, tail)


def read_ends(path: str) -> tuple[bytes, bytes, int]:
    """The first HEAD and last TAIL bytes of a file and its size. Opened without blocking, and only a regular file or
    a device is read (OSError otherwise): a walked file replaced by a FIFO since it was listed blocked the open, and
    the walk, for ever."""
    fd = open_evidence(path, os.O_NONBLOCK)
    try:
        st = os.fstat(fd)
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISBLK(st.st_mode)):
            raise OSError(f"not a regular file or a device: {os.path.basename(path)}")
        size = st.st_size
        head = os.pread(fd, HEAD, 0)
        tail = os.pread(fd, TAIL, size - TAIL) if size >= 2 * TAIL else b""
    finally:
        os.close(fd)
    return head, tail, size


def signed_as_image(path: str) -> bool:
    """Whether the local file at PATH signs as a disk image in its first 4.5 KiB or its last 512 bytes: the image
    inspector's test of a local file met in a folder walk (the md member that reads an array must be one it opens)."""
    try:
        head, tail, _ = read_ends(path)
    except OSError:
        return False
    return quick_kind(head, tail) is not None


def dfvfs_kind(path: str) -> str | None:
    """dfvfs' signature scanner: the first storage-media, volume-system or file-system type it finds."""
    if importlib.util.find_spec("dfvfs") is None:  # not installed: the fixed signatures alone decided
        return None
    from dfvfs.analyzer import analyzer
    from dfvfs.lib import errors
    from dfvfs.path import factory

    from .image_noatime import dfvfs_without_atime

    dfvfs_without_atime()
    spec = factory.Factory.NewPathSpec("OS", location=os.path.abspath(path))
    for scan in (analyzer.Analyzer.GetStorageMediaImageTypeIndicators,
                 analyzer.Analyzer.GetVolumeSystemTypeIndicators,
                 analyzer.Analyzer.GetFileSystemTypeIndicators):
        try:
            found = scan(spec)
        except (errors.Error, OSError, RuntimeError, ValueError):
            continue
        if found:
            return str(found[0])
    return None


def image_kind(path: str) -> str | None:
    """What kind of disk, volume or file-system image the file at ``path`` is, or None."""
    try:
        head, tail, size = read_ends(path)
    except OSError:
        return None
    kind = quick_kind(head, tail)
    if kind is not None or size < 512:  # a VMDK descriptor is a few hundred bytes of text
        return kind
    from .image_md import md_super

    if md_super(path) is not None:  # a Linux md member whose superblock is at its end (1.0, 0.90)
        return "md"
    return dfvfs_kind(path)


def looks_like_image(path: str) -> bool:
    """True when the file's content says it is a disk image, partition image or a format dfvfs opens."""
    return image_kind(path) is not None


EWF1_SIGNATURES = (b"EVF\x09\x0d\x0a\xff\x00", b"LVF\x09\x0d\x0a\xff\x00")  # E01/s01, L01
EWF2_SIGNATURE = b"EVF2\r\n\x81\x00"
EWF_SEGMENT_NAME = re.compile(r"\.(?:[EeSsLl]|[Ee][x-z]|[Ll][x-z])[0-9A-Za-z]{2}$")


def ewf_head(path: str) -> bytes:
    try:
        fd = open_evidence(path)
    except OSError:
        return b""
    try:
        return os.pread(fd, 16, 0)
    finally:
        os.close(fd)


def ewf_segment_number(path: str) -> int | None:
    """Which segment of its set an EWF file is, from its own file header (EWF1: 2 bytes at offset 9; EWF2:
    4 bytes at offset 12); None when it is no EWF segment."""
    return ewf_segment_of_head(ewf_head(path))


def ewf_segment_of_head(head: bytes) -> int | None:
    """``ewf_segment_number`` for the first 16 bytes already read (a file inside an image or an archive)."""
    if head[:8] in EWF1_SIGNATURES and len(head) >= 11:
        return int.from_bytes(head[9:11], "little")
    if head.startswith(EWF2_SIGNATURE) and len(head) >= 16:
        return int.from_bytes(head[12:16], "little")
    return None
