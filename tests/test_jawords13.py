"""Session 13 (jawords13): what the Japanese report said in English or said untrue, found by review13e/f/g: a missing
EWF segment's byte range and kind (review13g #4); a refused folder's OS error and an SMB server's NT status
(review13g #5); a split part there under its name but no regular file (review13g #6); a member's bytes said "read"
where no reader read them (review13e #7); a signature said "read with it restored" where nothing was read
(review13f #4). Cases written before keep their English text and still render."""

from __future__ import annotations

import json
import re
from pathlib import Path

from reports.details import detail_html, detail_text
from scanner.details import Detail, codes_of, join_details, say, unread

ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def _english(ja: str, allowed: tuple[str, ...] = ()) -> set[str]:
    """English words of a terminal detail outside its 「」 quotes."""
    return {w for w in ENGLISH_WORD.findall(re.sub(r"「[^」]*」", " ", ja)) if w not in allowed}


def _visible(value: object) -> object:
    from markupsafe import escape
    return escape(str(value))


def test_a_missing_segment_s_byte_range_and_kind_are_said_in_japanese() -> None:
    said = say(Detail.MEDIA_FILE_MISSING, what="segment", names="ev.E02 (looked for /cases/ev.E02)",
               span=" (bytes 8355840 to 16777216 of the media)")
    assert str(said).startswith("segment file missing: ev.E02") and "(bytes 8355840 to 16777216 of the media)" in said
    ja = detail_text(said, "unreadable", "ja", codes_of(said))
    assert not _english(ja), ja
    assert "セグメント" in ja and "8,355,840" in ja and "16,777,216" in ja, ja
    html = str(detail_html(said, "unreadable", "ja", _visible, codes_of(said)))  # type: ignore[arg-type]
    assert "of the media" not in html and "segment" not in html.replace("ev.E02", ""), html


def test_a_missing_extent_s_span_is_said_in_japanese_its_file_names_quoted_as_names() -> None:
    span = (" (bytes 1048576 onwards of the disk) (extent file d-f001.vmdk holds 512 bytes where the descriptor says"
            " 1024: read as far as both go) (present but after the cut, so not read: d-f003.vmdk)")
    said = say(Detail.MEDIA_FILE_MISSING, what="extent", names="d-f002.vmdk (looked for /c/d-f002.vmdk)", span=span)
    html = str(detail_html(said, "unreadable", "ja", _visible, codes_of(said)))  # type: ignore[arg-type]
    text = re.sub(r"<code[^>]*>.*?</code>", " ", html)
    assert not {w for w in ENGLISH_WORD.findall(re.sub(r"<[^>]+>", " ", text)) if w not in ("said",)}, html
    assert "<code>d-f001.vmdk</code>" in html and "<code>d-f003.vmdk</code>" in html and "1,048,576" in html, html


def test_an_old_case_s_unreadable_span_is_still_shown() -> None:
    said = say(Detail.MEDIA_FILE_MISSING, what="segment", names="ev.E02", span=" (something else)")
    assert "something else" in detail_text(said, "unreadable", "ja", codes_of(said))


def test_a_refused_local_folder_is_said_by_its_errno(tmp_path: Path) -> None:
    """A folder the OS refuses (mode 000, read without CAP_DAC_*: EACCES even for root) is listed with its errno in
    the reader's words, as a refused file is (it was ``directory`` with "Permission denied" quoted)."""
    from remediation_data import run_without_dac

    src = tmp_path / "src"
    (src / "staff").mkdir(parents=True)
    (src / "open.txt").write_text("memo\n", encoding="utf-8")
    (src / "staff" / "a.txt").write_text("x\n", encoding="utf-8")
    (src / "staff").chmod(0)
    try:
        out = tmp_path / "out"
        run = run_without_dac("scan", str(src), "--out", str(out), "--quiet", "--lang", "ja")
    finally:
        (src / "staff").chmod(0o700)
    assert run.returncode == 3 and "Traceback" not in run.stderr, run.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    [skip] = [s for s in doc["skipped"] if s["path"] == str(src / "staff")]
    assert skip["detail_codes"] == [{"code": "directory-os-error", "errno": "EACCES", "library": "Permission denied"}]
    assert str(src / "staff") in {u["path"] for u in doc["scan"]["incomplete"]["unlisted"]}
    ja = detail_text(skip["detail"], skip["reason"], "ja", skip["detail_codes"])
    assert "アクセス権がありません（EACCES）" in ja and not _english(ja, ("EACCES",)), ja


def test_an_smb_folder_refusal_is_said_by_its_nt_status() -> None:
    said = say(Detail.DIRECTORY_NT_STATUS, nt="STATUS_ACCESS_DENIED")
    assert said == "directory: NT status STATUS_ACCESS_DENIED"
    ja = detail_text(said, "unreadable", "ja", codes_of(said))
    assert "アクセスが拒否されました（STATUS_ACCESS_DENIED）" in ja, ja
    other = say(Detail.DIRECTORY_NT_STATUS, nt="STATUS_SOMETHING_NEW")  # no words for it: shown as the status
    assert "STATUS_SOMETHING_NEW" in detail_text(other, "unreadable", "ja", codes_of(other))


def test_an_old_case_s_refused_folder_still_renders() -> None:
    old = "directory: Permission denied"
    ja = detail_text(old, "unreadable", "ja", [{"code": "directory", "library": "Permission denied"}])
    assert ja.startswith("フォルダーの中身を一覧できませんでした") and "「Permission denied」" in ja, ja


def test_a_split_part_there_but_no_regular_file_is_quoted_by_its_name_alone() -> None:
    from scanner.sources.split_series import Series

    series = Series("customers.csv", ("customers.csv.001", "customers.csv.003"), (10, 5),
                    missing=("customers.csv.002",), irregular=("customers.csv.002",), plain=True)
    problem = series.problem()
    assert [c["code"] for c in codes_of(problem)] == ["series-parts-not-regular"], codes_of(problem)
    said = say(Detail.SPLIT_SERIES_PARTLY, n=2, kind="split file", whole="customers.csv", problem=problem,
               seen=say(Detail.SPLIT_NOT_EXAMINED))
    ja = detail_text(said, "unsupported", "ja", codes_of(said))
    assert "「customers.csv.002」" in ja and not _english(ja), ja
    both = Series("x.7z", ("x.7z.001", "x.7z.004"), (10, 5), missing=("x.7z.002", "x.7z.003"), irregular=("x.7z.003",))
    assert [(c["code"], c["parts"]) for c in codes_of(both.problem())] == [
        ("series-parts-missing", "x.7z.002"), ("series-parts-not-regular", "x.7z.003")]


def test_bytes_kept_that_no_reader_read_are_not_said_read() -> None:
    why = say(Detail.STREAM_BREAKS, format="gzip", n=100, library="Compressed file ended")
    for damage in (say(Detail.ONLY_BEFORE_BREAK, why=why), say(Detail.MEMBER_BREAKS_AFTER, n=10, why=why),
                   say(Detail.ZIP_MEMBER_LOCAL_CUT, why=why)):
        kept = unread(damage)
        assert "were read" not in kept and "no reader takes this file" in kept, kept
        assert "gzip stream breaks after 100 inflated bytes (Compressed file ended)" in kept, kept
        [item] = codes_of(kept)
        assert item["code"].endswith("-unread") and item == codes_of(str(kept))[0], (item, codes_of(str(kept)))
        ja = detail_text(kept, "corrupt", "ja", codes_of(kept))
        assert "読んでいません" in ja and "読み取りました" not in ja, ja
    other = say(Detail.CPIO_MEMBER_CUT, n=1, size=2)
    assert unread(other) is other and unread(join_details([damage, damage])) == join_details([damage, damage])


def test_a_signature_restored_in_vain_is_not_said_read(tmp_path: Path) -> None:
    """Noise behind an OLE2-like head (signature 2 bytes off, FE FF, shift 9): nothing read, so not "read with it
    restored" (review13f #4)."""
    import random

    from scanner.config import ScanConfig
    from scanner.inspectors.spreadsheet import SpreadsheetInspector
    from scanner.persons.reread import path_entry
    from scanner.tables import OLE_MAGIC

    data = bytearray(random.Random(4).randbytes(4096))
    data[:8] = OLE_MAGIC
    data[0] ^= 0x01
    data[3] ^= 0x40
    data[0x1C:0x20] = b"\xfe\xff\x09\x00"
    path = tmp_path / "book.xls"
    path.write_bytes(bytes(data))
    got = SpreadsheetInspector(ScanConfig(sources=[str(path)], out=tmp_path / "out")).inspect(
        path_entry(str(path)), bytes(data), "", None)  # type: ignore[arg-type]
    assert got.status == "corrupt" and "read with it restored" not in (got.detail or ""), got.detail
    assert "not readable with it restored either" in (got.detail or ""), got.detail
    assert "読み取れませんでした" in detail_text(got.detail or "", "corrupt", "ja", codes_of(got.detail))


def test_a_cut_file_system_s_kind_is_said_in_japanese() -> None:
    """truncated-fs's ``what`` ("FAT12 file system", "APFS container", "LVM physical volume"): the format's name
    kept, the kind in words (the tightened dynamic check found "FAT12 file system" said in English)."""
    for what, words in (("FAT12 file system", "FAT12 ファイルシステム"), ("APFS container", "APFS コンテナー"),
                        ("LVM physical volume", "LVM 物理ボリューム")):
        said = say(Detail.TRUNCATED_FS, what=what, described=1048576, held=367001)
        ja = detail_text(said, "corrupt", "ja", codes_of(said))
        assert words in ja and not _english(ja, (what.split()[0], "FAT")), ja
