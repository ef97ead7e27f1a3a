"""Linux md member images written without root (mdadm --create needs a block device): the array's bytes laid out
as the kernel lays them (drivers/md/raid0.c, raid1.c, raid5.c raid5_compute_sector, raid10.c near copies), each
member with an md superblock (1.0/1.1/1.2: struct mdp_superblock_1, 0.90: mdp_super_t) whose checksum is the
kernel's. The layout is written here independently of scanner/sources/image_md.py (stripe by stripe, from the
kernel's tables), so a mistake in one is not copied into the other."""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

MD_MAGIC = 0xA92B4EFC
SECTOR = 512


_MUL2 = bytes(((b << 1) ^ 0x11D) & 0xFF if b & 0x80 else b << 1 for b in range(256))  # x g in GF(2^8), 0x11d


def _xor(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "little") ^ int.from_bytes(b, "little")).to_bytes(len(a), "little")


def _q(chunks: list[bytes]) -> bytes:
    """raid6 Q syndrome: sum of g^i * D_i over GF(2^8), polynomial 0x11d (lib/raid6), by Horner from the last."""
    out = bytes(len(chunks[0]))
    for d in reversed(chunks):
        out = _xor(out.translate(_MUL2), d)
    return out


def _stripe_roles(level: int, layout: int, n: int, stripe: int) -> tuple[list[int], int | None, int | None]:
    """([member of data chunk 0, 1, ...], P member, Q member) of STRIPE, written out per layout as the kernel's
    comments draw them (left-symmetric: parity walks from the last member down, data starts right after it)."""
    if level == 4:
        return list(range(n - 1)), n - 1, None
    if level == 5:
        p = {0: n - 1 - stripe % n, 2: n - 1 - stripe % n, 1: stripe % n, 3: stripe % n, 4: 0, 5: n - 1}[layout]
        if layout in (2, 3):
            return [(p + 1 + i) % n for i in range(n - 1)], p, None
        return [r for r in range(n) if r != p], p, None
    # raid6
    if layout in (2, 3):
        p = n - 1 - stripe % n if layout == 2 else stripe % n
        q = (p + 1) % n
        return [(p + 2 + i) % n for i in range(n - 2)], p, q
    if layout in (0, 1):
        p = n - 1 - stripe % n if layout == 0 else stripe % n
        q = 0 if p == n - 1 else p + 1
        return [r for r in range(n) if r not in (p, q)], p, q
    if layout == 4:
        return list(range(2, n)), 0, 1
    return list(range(n - 2)), n - 2, n - 1


def lay_out(array: bytes, level: int, n: int, chunk: int, layout: int = 2) -> list[bytes]:
    """Each member's data area for the array's bytes ARRAY (padded to whole stripes)."""
    if level == 1:
        return [array] * n
    if level == 10:
        # md(4): near copies on adjacent devices; far copies: the whole first layout repeated FAR times down the
        # devices, each repeat moved NEAR devices on (within a far set: all devices, or FAR x NEAR of them when
        # layout bit 17 says so); offset: each row of chunks followed by its copies, moved the same way
        near, far, offset, sets = layout & 0xFF, (layout >> 8) & 0xFF or 1, bool(layout & 0x10000), layout >> 17
        width = n if sets == 0 else far * near
        assert n % width == 0, "far sets that do not divide the devices are not written here"
        chunks = [array[i:i + chunk].ljust(chunk, b"\0") for i in range(0, len(array), chunk)]
        rows = -(-len(chunks) * near // n)
        members = [bytearray(rows * far * chunk) for _ in range(n)]
        for number, data in enumerate(chunks):
            for k in range(near):
                row, dev = divmod(number * near + k, n)
                for f in range(far):
                    moved = dev // width * width + (dev % width + f * near) % width
                    at = row * far + f if offset else f * rows + row
                    members[moved][at * chunk:(at + 1) * chunk] = data
        return [bytes(m) for m in members]
    data_disks = n - {0: 0, 4: 1, 5: 1, 6: 2}[level]
    width = chunk * data_disks
    stripes = -(-len(array) // width)
    array = array.ljust(stripes * width, b"\0")
    members = [bytearray() for _ in range(n)]
    for s in range(stripes):
        chunks = [array[s * width + i * chunk:s * width + (i + 1) * chunk] for i in range(data_disks)]
        if level == 0:
            for i, c in enumerate(chunks):
                members[i] += c
            continue
        roles, p, q = _stripe_roles(level, layout, n, s)
        for r, c in zip(roles, chunks, strict=True):
            members[r] += c
        parity = bytes(chunk)
        for c in chunks:
            parity = _xor(parity, c)
        assert p is not None
        members[p] += parity
        if q is not None:  # the syndrome's order: the members in turn from the one after Q (raid5.c raid6_d0)
            start = 0 if q == n - 1 else q + 1
            by_member = dict(zip(roles, chunks, strict=True))
            members[q] += _q([by_member[(start + i) % n] for i in range(n) if (start + i) % n not in (p, q)])
    return [bytes(m) for m in members]


def _csum1(sb: bytearray, max_dev: int) -> int:
    size = 256 + max_dev * 2
    total = sum(struct.unpack_from(f"<{size // 4}I", sb))
    if size % 4 == 2:
        total += struct.unpack_from("<H", sb, size - 2)[0]
    return ((total & 0xFFFFFFFF) + (total >> 32)) & 0xFFFFFFFF


def super1(version: str, level: int, layout: int, chunk: int, n: int, size: int, data_offset: int, data_size: int,
           super_offset: int, dev: int, events: int, roles: list[int], uuid: bytes, name: bytes = b"nas:0") -> bytes:
    """A struct mdp_superblock_1 (little-endian), 1 KiB, checksummed."""
    sb = bytearray(1024)
    struct.pack_into("<IIII", sb, 0, MD_MAGIC, 1, 0, 0)
    sb[16:32] = uuid
    sb[32:32 + len(name)] = name
    struct.pack_into("<QiIQII", sb, 64, 1700000000, level, layout, size // SECTOR, chunk // SECTOR, n)
    struct.pack_into("<QQQQ", sb, 128, data_offset // SECTOR, data_size // SECTOR, super_offset // SECTOR, 0)
    struct.pack_into("<I", sb, 160, dev)
    sb[168:184] = bytes([dev]) * 16
    struct.pack_into("<QQQ", sb, 192, 1700000100, events, 0xFFFFFFFFFFFFFFFF)
    struct.pack_into("<I", sb, 220, len(roles))
    struct.pack_into(f"<{len(roles)}H", sb, 256, *roles)
    struct.pack_into("<I", sb, 216, _csum1(sb, len(roles)))
    return bytes(sb)


def super0(level: int, layout: int, chunk: int, n: int, size: int, dev: int, events: int, uuid: bytes) -> bytes:
    """An mdp_super_t (0.90, little-endian host), 4 KiB, checksummed."""
    w = [0] * 1024
    w[0:4] = [MD_MAGIC, 0, 90, 0]
    w[5], w[6], w[7], w[8], w[9], w[10] = struct.unpack_from("<I", uuid)[0], 1700000000, level & 0xFFFFFFFF, \
        size // 1024, n, n
    w[13:16] = struct.unpack_from("<III", uuid, 4)
    w[32], w[33], w[34], w[35] = 1700000100, 1, n, n
    w[39], w[40] = events & 0xFFFFFFFF, events >> 32
    w[64], w[65] = layout, chunk
    for d in range(n):
        w[128 + 32 * d:128 + 32 * d + 5] = [d, 8, 16 * d, d, 6]
    w[992:997] = [dev, 8, 16 * dev, dev, 6]  # active, in sync
    w[38] = 0
    total = sum(w)
    w[38] = ((total & 0xFFFFFFFF) + (total >> 32)) & 0xFFFFFFFF
    return struct.pack("<1024I", *w)


def write_members(folder: Path, array: bytes, level: int, n: int, chunk: int = 64 * 1024, layout: int = 2,
                  version: str = "1.2", stem: str = "disk", events: list[int] | None = None) -> list[Path]:
    """Member images FOLDER/STEM0.img ... of an md array holding ARRAY, as mdadm --create --metadata=VERSION would
    leave them (data offset 1 MiB for 1.1/1.2, 0 for 1.0 and 0.90); the array's UUID follows from STEM."""
    uuid = hashlib.md5(stem.encode()).digest()
    datas = lay_out(array, level, n, chunk, layout)
    per = max(len(d) for d in datas)
    per = -(-per // (chunk or 65536)) * (chunk or 65536)  # mdadm rounds a member's used size (raid1: to 64 KiB)
    out = []
    for dev, data in enumerate(datas):
        ev = events[dev] if events else 20
        data = data.ljust(per, b"\0")
        size = per if level not in (0, -1) else 0
        if version in ("1.1", "1.2"):
            data_offset = 1 << 20
            at = 0 if version == "1.1" else 4096
            member = bytearray(data_offset + per + 64 * 1024)
            member[data_offset:data_offset + per] = data
            member[at:at + 1024] = super1(version, level, layout, chunk, n, size, data_offset, per, at, dev, ev,
                                          list(range(n)), uuid)
        elif version == "1.0":
            total = per + 64 * 1024
            at = ((total // SECTOR - 16) & ~7) * SECTOR
            member = bytearray(total)
            member[:per] = data
            member[at:at + 1024] = super1(version, level, layout, chunk, n, size, 0, per, at, dev, ev,
                                          list(range(n)), uuid)
        else:  # 0.90: the superblock in the last 64 KiB-aligned 64 KiB
            total = per + 128 * 1024
            total -= total % (64 * 1024)
            member = bytearray(total)
            member[:per] = data
            at = total - 64 * 1024
            member[at:at + 4096] = super0(level, layout, chunk, n, per, dev, ev, uuid)
        path = folder / f"{stem}{dev}.img"
        path.write_bytes(bytes(member))
        out.append(path)
    return out
