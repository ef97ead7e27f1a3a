"""A 7z member whose data breaks, kept up to the break, that no reader wants (review13e).

split13 made every LZMA/LZMA2 break keep the bytes before it (and a PPMd MemoryError keep what was written). The
member then becomes an entry carrying its damage; when no inspector wants its name (``server.log``, ``photo.bin``)
and no name rule matches, examine returned before the damage was said: the member ended as nothing (no hit, no
skip). Before split13 the same member was listed ``corrupt`` ("LZMAError: Corrupt input data"). A stored member
whose CRC fails (kept whole since Session 12) ended as nothing the same way. Damaged variants only: the whole
archive gives no row (no person in it).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import py7zr
import pytest
from archive_data import seven_zip_fixed
from conftest import run_cli


@pytest.mark.parametrize("method", ["lzma2", "copy"])
def test_a_broken_7z_member_nothing_reads_is_listed(tmp_path: Path, method: str) -> None:
    r = random.Random(13)
    log = "".join(f"2024-01-01 10:00:{i % 60:02d},INFO,job {r.randint(0, 10**9)} done\n" for i in range(3000)).encode()
    filters = {"lzma2": py7zr.FILTER_LZMA2, "copy": py7zr.FILTER_COPY}[method]
    src = tmp_path / "src"
    src.mkdir()
    whole = seven_zip_fixed({"server.log": log}, [{"id": filters}])
    (src / "whole.7z").write_bytes(whole)
    data = bytearray(whole)
    header = 32 + int.from_bytes(data[12:20], "little")  # the packed data lies between byte 32 and the header
    data[32 + (header - 32) // 2] ^= 0xFF
    (src / "a.7z").write_bytes(bytes(data))
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--quiet")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    skipped = {s["path"]: s for s in doc["skipped"]}
    member = f"{src / 'a.7z'} » server.log"
    assert skipped.get(member, {}).get("reason") == "corrupt", skipped
    assert not any(p.startswith(str(src / "whole.7z")) for p in skipped), skipped
    # jawords13 (review13e #7): no reader read the kept bytes, so the detail does not say they "were read"
    assert "were read" not in skipped[member]["detail"], skipped[member]
    if method == "lzma2":
        assert "no reader takes this file" in skipped[member]["detail"], skipped[member]
