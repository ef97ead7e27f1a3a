"""EWF2 (EnCase 7 Ex01) sets with a segment missing name the missing file, as EWF1 sets do (issue 10,
session 6).

No tool here writes EWF2 (ewf-tools' ewfacquire 20140813 writes EWF1 even with ``-f encase7-v2``; pyewf is
built read-only) and no public Ex01 test file was found, so the segment files are laid out by the test as
libewf's EWF2 specification describes them: the 32-byte file header (``EVF2\\r\\n\\x81\\x00``, version 2.1,
segment number, set GUID) and, at the end of each segment, the last section's 64-byte descriptor whose type
says ``next`` (0x0d: another segment follows) or ``done`` (0x0f: the last one). Only those bytes are read to
find a gap; the media itself is not readable, so the scan's error must name the missing segment.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from scanner.sources.image_media import _next_ewf_extension, _segment_order, ewf_missing_segments
from scanner.sources.image_sniff import first_segment
from tests.conftest import run_leakscan

NEXT, DONE = 0x0D, 0x0F


def segment(path: Path, number: int, last: int, set_id: uuid.UUID) -> Path:
    header = b"EVF2\r\n\x81\x00" + bytes([2, 1]) + (1).to_bytes(2, "little") + number.to_bytes(4, "little")
    descriptor = last.to_bytes(4, "little") + bytes(4) + (32).to_bytes(8, "little") + bytes(48)
    path.write_bytes(header + set_id.bytes_le + bytes(4096) + descriptor)
    return path


def ex01_set(folder: Path, count: int, missing: set[int]) -> list[Path]:
    set_id = uuid.UUID(int=0x1234)
    out = []
    for n in range(1, count + 1):
        if n not in missing:
            out.append(segment(folder / f"pc08.Ex{n:02d}", n, DONE if n == count else NEXT, set_id))
    return out


def test_ewf2_gap_in_the_middle_and_at_the_end(tmp_path: Path) -> None:
    ex01_set(tmp_path, 5, missing={3})
    first_two = [str(tmp_path / "pc08.Ex01"), str(tmp_path / "pc08.Ex02")]  # pyewf.glob stops at the gap
    assert ewf_missing_segments(first_two) == [str(tmp_path / "pc08.Ex03")]
    end = tmp_path / "end"
    end.mkdir()
    ex01_set(end, 4, missing={4})  # pc08.Ex03 says "next", nothing follows: the last segment is missing
    have = [str(end / f"pc08.Ex0{n}") for n in (1, 2, 3)]
    assert ewf_missing_segments(have) == [str(end / "pc08.Ex04")]
    whole = tmp_path / "whole"
    whole.mkdir()
    ex01_set(whole, 3, missing=set())  # the last segment says "done": nothing missing
    assert ewf_missing_segments([str(whole / f"pc08.Ex0{n}") for n in (1, 2, 3)]) == []


def test_ewf2_naming() -> None:
    assert [_next_ewf_extension(e) for e in ("Ex01", "Ex99", "ExAZ", "ExZZ", "E99", "e99", "EZZ")] == [
        "Ex02", "ExAA", "ExBA", "EyAA", "EAA", "eaa", "FAA"]
    assert _segment_order("Ex99") < _segment_order("ExAA") < _segment_order("ExZZ") < _segment_order("EyAA")


def test_later_ewf2_segment_points_to_the_first(tmp_path: Path) -> None:
    ex01_set(tmp_path, 3, missing=set())
    assert first_segment(str(tmp_path / "pc08.Ex03")) == str(tmp_path / "pc08.Ex01")
    assert first_segment(str(tmp_path / "pc08.Ex01")) is None
    ewf1_like = tmp_path / "disk.EXA"  # an EWF1 name (E + XA), not EWF2
    ewf1_like.write_bytes(b"EVF\x09\x0d\x0a\xff\x00" + bytes(100))
    assert first_segment(str(ewf1_like)) == str(tmp_path / "disk.E01")


def test_scan_of_an_ex01_set_with_a_gap_names_the_missing_segment(tmp_path: Path) -> None:
    ex01_set(tmp_path, 4, missing={2})
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(tmp_path / "pc08.Ex01"), "--name", "x.xlsx", "--out", str(out), "--quiet")
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 2, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    errors = json.dumps(doc["scan"]["source_errors"], ensure_ascii=False)
    assert "segment file missing: pc08.Ex02" in errors, errors
