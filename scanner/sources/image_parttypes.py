"""What a partition without a file system is: its type in the partition table, and what its bytes say.

An examiner told "p2: no file system recognised" must go and look; told "Microsoft Reserved (MSR): empty
(all zero)" or "Linux swap" they know at once. The type comes from the table itself (the GPT entry's type
GUID, the MBR entry's type byte: both read directly, matched to the layer by its offset), the content from
a few reads: the swap signature at the end of the first page, and zero samples spread over the partition
(never a read of the whole of it: a partition may be gigabytes).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from ..codes import Status
from ..details import Detail, say

Read = Callable[[int, int], bytes]

# GPT partition type GUIDs (UEFI spec, Microsoft, freedesktop.org discoverable partitions, Apple)
GPT_TYPES = {
    "c12a7328-f81f-11d2-ba4b-00a0c93ec93b": "EFI System",
    "e3c9e316-0b5c-4db8-817d-f92df00215ae": "Microsoft Reserved (MSR)",
    "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7": "Microsoft basic data",
    "de94bba4-06d1-4d40-a16a-bfd50179d6ac": "Windows Recovery",
    "5808c8aa-7e8f-42e0-85d2-e1e90434cfb3": "Windows LDM metadata (dynamic disk)",
    "af9b60a0-1431-4f62-bc68-3311714a69ad": "Windows LDM data (dynamic disk)",
    "e75caf8f-f680-4cee-afa3-b001e56efc2d": "Windows Storage Spaces",
    "0fc63daf-8483-4772-8e79-3d69d8477de4": "Linux file system",
    "4f68bce3-e8cd-4db1-96e7-fbcaf984b709": "Linux root (x86-64)",
    "933ac7e1-2eb4-4f13-b844-0e14e2aef915": "Linux /home",
    "bc13c2ff-59e6-4262-a352-b275fd6f7172": "Linux extended boot",
    "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f": "Linux swap",
    "e6d6d379-f507-44c2-a23c-238f2a3df928": "Linux LVM",
    "a19d880f-05fc-4d3b-a006-743f0f84911e": "Linux RAID",
    "ca7d7ccb-63ed-4c53-861c-1742536059cc": "Linux LUKS",
    "21686148-6449-6e6f-744e-656564454649": "BIOS boot",
    "7c3457ef-0000-11aa-aa11-00306543ecac": "Apple APFS",
    "48465300-0000-11aa-aa11-00306543ecac": "Apple HFS+",
    "426f6f74-0000-11aa-aa11-00306543ecac": "Apple Boot (Recovery HD)",
    "53746f72-6167-11aa-aa11-00306543ecac": "Apple Core Storage",
    "516e7cb6-6ecf-11d6-8ff8-00022d09712b": "FreeBSD UFS",
    "516e7cb5-6ecf-11d6-8ff8-00022d09712b": "FreeBSD swap",
    "6a898cc3-1dd2-11b2-99a6-080020736631": "ZFS (Solaris /usr, Apple ZFS)",
}
# MBR partition type bytes an examiner meets on PCs
MBR_TYPES = {
    0x01: "FAT12", 0x04: "FAT16 (< 32 MiB)", 0x06: "FAT16", 0x07: "NTFS / exFAT", 0x0B: "FAT32 (CHS)",
    0x0C: "FAT32 (LBA)", 0x0E: "FAT16 (LBA)", 0x11: "hidden FAT12", 0x12: "OEM recovery / diagnostics",
    0x14: "hidden FAT16", 0x16: "hidden FAT16", 0x17: "hidden NTFS / exFAT", 0x1B: "hidden FAT32",
    0x1C: "hidden FAT32 (LBA)", 0x1E: "hidden FAT16 (LBA)", 0x27: "Windows Recovery (hidden NTFS)",
    0x42: "Windows dynamic disk (LDM)", 0x82: "Linux swap", 0x83: "Linux", 0x8E: "Linux LVM",
    0xA5: "FreeBSD", 0xA6: "OpenBSD", 0xA8: "Apple UFS", 0xAB: "Apple Boot", 0xAF: "Apple HFS / HFS+",
    0xDE: "Dell utility", 0xEF: "EFI System", 0xFB: "VMware VMFS", 0xFD: "Linux RAID (autodetect)",
}
# partition types that hold a boot loader's code and never a file system (GPT BIOS boot: GRUB's core.img);
# like swap, listed as not examined, and no folder or volume left unlisted (scanner.completeness)
BOOT_CODE_TYPES = frozenset({"21686148-6449-6e6f-744e-656564454649"})
SWAP_SIGNATURES = {b"SWAPSPACE2": "Linux swap", b"SWAP-SPACE": "Linux swap (old format)",
                   b"S1SUSPEND": "Linux swap holding a hibernation image", b"ULSUSPEND": "Linux swap holding a hibernation image",
                   b"LINHIB0001": "Linux swap holding a hibernation image"}
PAGE_SIZES = (4096, 8192, 16384, 65536)  # the swap signature ends the first page, whatever its size
SAMPLES = 256  # zero check: this many 4 KiB reads spread over the partition, plus its first and last 64 KiB
SAMPLE = 4096
EDGE = 65536
# a larger partition zero at every sample is read through up to this size (an unformatted 300 GB one stays listed);
# no time limit: the verdict depends only on the bytes, never on machine load (review11a #12); a read that stops
# coming is the walker's no-progress watch's (progress is reported at each step)
READ_THROUGH_BYTES = 16 << 30
WHOLE_BELOW = 256 << 20  # a partition this small is read whole (an MSR of 16-128 MiB: well under a second)


@dataclass(frozen=True)
class Verdict:
    """What an unwalked partition is: listed as not examined (``skip``) or only described (a note)."""

    skip: bool
    reason: Status
    detail: str


def type_name(kind: int | str | None) -> str | None:
    """An MBR type byte or a GPT type GUID as an examiner names it (the raw code when unknown)."""
    if kind is None:
        return None
    if isinstance(kind, int):
        return f"{MBR_TYPES.get(kind, 'type')} (0x{kind:02x})"
    return GPT_TYPES.get(kind, f"type {kind}")


def gpt_type(entry: bytes) -> str:
    """The type GUID of a GPT entry, as text (GUIDs are stored mixed-endian)."""
    return str(uuid.UUID(bytes_le=bytes(entry[:16])))


def swap_kind(read: Read, size: int) -> str | None:
    """Linux swap (or a hibernation image in it), from the signature at the end of the first page."""
    for page in PAGE_SIZES:
        if page > size:
            break
        tail = read(page - 10, 10)
        for signature, name in SWAP_SIGNATURES.items():
            if tail.endswith(signature) or tail.startswith(signature):
                return name
    return None


def _not_zero(read: Read, offset: int, n: int) -> bool:
    """Whether ``n`` bytes at ``offset`` hold data, or could not all be read (a short read is bytes not seen,
    never zeros: review11a)."""
    got = read(offset, n)
    return len(got) != n or bool(got.strip(b"\0"))


def _read_through(read: Read, size: int, progress: Callable[[], None] | None) -> bool:
    """Every byte read in 1 MiB (4 MiB past 256 MiB) steps: True all zero, False data seen (or a short read).
    ``progress`` is called after each step (the walker's clock: a long read is not a hang)."""
    step = 1 << 20 if size <= WHOLE_BELOW else 4 << 20
    for off in range(0, size, step):
        if _not_zero(read, off, min(step, size - off)):
            return False
        if progress is not None:
            progress()
    return True


def looks_all_zero(read: Read, size: int, progress: Callable[[], None] | None = None) -> tuple[bool, str]:
    """(all zero?, how it was checked): the whole partition when small, else its first and last 64 KiB and
    evenly spread 4 KiB samples; zero at every sample and no larger than READ_THROUGH_BYTES, it is then read
    through (Session 11: an unformatted partition made every scan of its disk incomplete), with no time limit
    (the verdict depends on the bytes only: review11a #12). A sampled check can miss data between samples: said
    in the text."""
    if size <= 0:
        return False, ""
    if size <= WHOLE_BELOW:
        return (True, f"all {size} bytes read") if _read_through(read, size, progress) else (False, "")
    spots = [(0, EDGE), (size - EDGE, EDGE)]
    stride = (size - 2 * EDGE) // (SAMPLES + 1)
    spots += [(EDGE + stride * (i + 1), SAMPLE) for i in range(SAMPLES)]
    for off, n in spots:
        if _not_zero(read, off, n):
            return False, ""
    sampled = (f"its first and last {EDGE // 1024} KiB and {SAMPLES} samples of {SAMPLE // 1024} KiB spread "
               f"over its {size} bytes read, all zero; not read whole")
    if size <= READ_THROUGH_BYTES:
        return (True, f"all {size} bytes read") if _read_through(read, size, progress) else (False, "")
    return True, sampled + f" (over {READ_THROUGH_BYTES >> 30} GiB: not read through)"


def describe(name: str, kind: int | str | None, read: Read, size: int | None, why: str = "",
             progress: Callable[[], None] | None = None) -> Verdict | None:
    """Why partition ``name`` holds no file system that can be walked, or None to keep the generic message.

    Linux swap is listed as not examined (it may hold fragments of any file that was in memory; leakscan
    does not carve); a partition whose bytes were all read and are all zero holds nothing to examine and is only
    described (one too large to read whole and zero at every sample is listed: the rest was not seen);
    any other is listed as not examined, naming its type (``why``: what the file-system libraries said)."""
    label = type_name(kind)
    typed = f"{name} ({label})" if label else name
    if not size:
        return None
    try:
        swap = swap_kind(read, size)
        if swap is not None:
            typed = name if label and label.startswith("Linux swap") else typed
            return Verdict(True, Status.UNSUPPORTED, say(Detail.SWAP_NOT_CARVED, volume=typed, swap=swap))
        zero, how = looks_all_zero(read, size, progress)
    except (OSError, RuntimeError):
        return None
    if kind in BOOT_CODE_TYPES and not zero:  # boot loader code by definition: no file system to list (review10g)
        return Verdict(True, Status.UNSUPPORTED, say(Detail.BOOT_CODE_NOT_CARVED, volume=typed))
    if zero and how.startswith("all "):  # every byte read (read through past WHOLE_BELOW: Session 11)
        return Verdict(False, Status.EMPTY_VOLUME, f"{typed}: empty (all zero): no file system and no data ({how})")
    if zero:  # only samples were read: what lies between them was not seen, so it is listed, never "empty"
        return Verdict(True, Status.UNSUPPORTED, f"{typed}: no file system; {how}: the bytes between the samples "
                       "were not examined")
    if label is None:
        return None
    return Verdict(True, Status.UNSUPPORTED, f"{typed}: holds data but no file system leakscan can read; not "
                   "examined" + (f"; The Sleuth Kit: {why}" if why else ""))
