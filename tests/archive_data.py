"""Archives for the archive tests, built from lists at test time (nothing binary is checked in).

Zips whose names are raw cp932 without the UTF-8 flag are written by zipfile with same-length ASCII
placeholder names, then the placeholders are replaced by the raw bytes in the local and central
headers (CRCs do not cover names), which is exactly what Japanese Windows' Explorer writes.
"""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import tarfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

import openpyxl
from faker import Faker

from scanner.demo import birth_date

LEAK_NAME = "介護予防_利用者名簿.xlsx"
DOS_TIME = (2017, 3, 1, 10, 20, 30)


def roster_xlsx(seed: int = 4, rows: int = 25) -> bytes:
    """A small care-roster workbook of fictitious people (Faker ja_JP, fixed seed)."""
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "利用者一覧"
    ws.append(["氏名", "フリガナ", "郵便番号", "住所", "電話番号", "生年月日"])
    for _ in range(rows):
        ws.append([fake.name(), fake.kana_name(), fake.postcode(), fake.address(), fake.phone_number(),
                   birth_date(fake, minimum_age=65, maximum_age=99).isoformat()])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def zip_raw_names(members: list[tuple[bytes | str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip whose member names are the given raw bytes, written without the UTF-8 flag (bit 11);
    a ``str`` name is written the ordinary way (UTF-8 with the flag when not ASCII)."""
    buf = io.BytesIO()
    swaps: list[tuple[bytes, bytes]] = []
    with zipfile.ZipFile(buf, "w", method) as z:
        for i, (raw, content) in enumerate(members):
            if isinstance(raw, str):
                z.writestr(zipfile.ZipInfo(raw, date_time=DOS_TIME), content, compress_type=method)
                continue
            placeholder = (f"{i:03d}" + "~" * len(raw))[: len(raw)]
            swaps.append((placeholder.encode("ascii"), raw))
            info = zipfile.ZipInfo(placeholder, date_time=DOS_TIME)
            info.compress_type = method
            z.writestr(info, content)
    data = buf.getvalue()
    for placeholder, raw in swaps:
        assert data.count(placeholder) == 2, "placeholder must appear once in each header"
        data = data.replace(placeholder, raw)
    return data


def zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """An ordinary zip; zipfile sets the UTF-8 flag on non-ASCII names."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, content in members.items():
            z.writestr(zipfile.ZipInfo(name, date_time=DOS_TIME), content, compress_type=method)
    return buf.getvalue()


def nested_zip(levels: int, inner_name: str, content: bytes) -> bytes:
    """level1.zip containing level2.zip ... containing inner_name (``levels`` archives in all)."""
    data = zip_bytes({inner_name: content})
    for n in range(levels, 1, -1):
        data = zip_bytes({f"level{n}.zip": data}, method=zipfile.ZIP_STORED)
    return data


def zip_tool_encrypted(workdir: Path, files: dict[str, bytes], password: str,
                       plain: dict[str, bytes] | None = None) -> bytes:
    """A real ZipCrypto archive made by Info-ZIP ``zip -P``; ``plain`` members are added unencrypted."""
    if shutil.which("zip") is None:
        raise RuntimeError("Debian package zip is required for the encrypted-zip tests")
    src = workdir / "zipsrc"
    src.mkdir()
    for name, content in {**files, **(plain or {})}.items():
        (src / name).write_bytes(content)
    out = workdir / "enc.zip"
    subprocess.run(["zip", "-q", "-P", password, str(out), *files], cwd=src, check=True)
    if plain:
        subprocess.run(["zip", "-q", str(out), *plain], cwd=src, check=True)
    data = out.read_bytes()
    shutil.rmtree(src)
    out.unlink()
    return data


def seven_zip(members: dict[str, bytes], password: str | None = None, header_encryption: bool = False) -> bytes:
    import py7zr

    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", password=password, header_encryption=header_encryption) as z:
        for name, content in members.items():
            z.writestr(content, name)
    return buf.getvalue()


def seven_zip_fixed(members: dict[str, bytes], filters: list[dict[str, Any]] | None = None,
                    digest: bool = False) -> bytes:
    """A 7z as py7zr writes it, the same bytes in every run (py7zr stamps members with the time of writing).
    ``digest``: with the CRC of its decoded header in its EncodedHeader (the unpack digest 7-Zip writes and py7zr
    does not), and the header checksums made to agree."""
    from unittest import mock

    import py7zr
    from py7zr.archiveinfo import HeaderStreamsInfo
    from py7zr.py7zr import ArchiveTimestamp

    buf = io.BytesIO()
    fixed = ArchiveTimestamp.from_datetime(1_700_000_000.0)
    with mock.patch.object(ArchiveTimestamp, "from_now", staticmethod(lambda: fixed)), \
            py7zr.SevenZipFile(buf, "w", filters=filters) as z:
        for name, content in members.items():
            z.writestr(content, name)
    data = buf.getvalue()
    if not digest:
        return data
    offset, size = struct.unpack_from("<QQ", data, 12)
    at = 32 + offset
    header = data[at:at + size]
    streams = HeaderStreamsInfo.retrieve(io.BytesIO(header[1:]))
    folder, packed = streams.unpackinfo.folders[0], streams.packinfo.packsizes[0]
    src = 32 + streams.packinfo.packpos
    decoded = folder.get_decompressor(packed).decompress(io.BytesIO(data[src:src + packed]), folder.unpacksizes[-1])
    assert header.endswith(b"\x00\x00")  # the end of its UnpackInfo, then of the header: the digest goes before
    header = header[:-2] + b"\x0a\x01" + struct.pack("<I", zlib.crc32(decoded)) + b"\x00\x00"
    tail = struct.pack("<QQI", offset, len(header), zlib.crc32(header))
    return data[:8] + struct.pack("<I", zlib.crc32(tail)) + tail + data[32:at] + header


def tar_bytes(members: dict[str, bytes], mode: str = "w:gz", symlinks: dict[str, str] | None = None,
              fifos: tuple[str, ...] = ()) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as t:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mtime = 1488363630
            t.addfile(info, io.BytesIO(content))
        for name, target in (symlinks or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            t.addfile(info)
        for name in fifos:
            info = tarfile.TarInfo(name)
            info.type = tarfile.FIFOTYPE
            t.addfile(info)
    return buf.getvalue()


def zero_bomb_zip(path: Path, mib: int, name: str = "zeros.bin") -> None:
    """A small zip that inflates to ``mib`` MiB of zeros (about 1000:1)."""
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z, z.open(name, "w", force_zip64=True) as f:
        for _ in range(mib):
            f.write(chunk)


def lying_zip(mib: int, declared: int, name: str = "report.csv") -> bytes:
    """A zip whose headers declare ``declared`` bytes for a member that really inflates to ``mib`` MiB."""
    data = bytearray(zip_bytes({name: bytes(mib << 20)}))
    assert data[:4] == b"PK\x03\x04"
    struct.pack_into("<I", data, 22, declared)  # local header: uncompressed size
    cd = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, cd + 24, declared)  # central directory: uncompressed size
    return bytes(data)


def corrupt_zip(members: dict[str, bytes]) -> bytes:
    """A zip cut short: its central directory is gone."""
    data = zip_bytes(members)
    return data[: len(data) // 2]
