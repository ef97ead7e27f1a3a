"""review11d: completeness decided by detail codes read back from the text: a library message holding the part
separator "; " (a real Sleuth Kit message: "hfs_dinode_copy: failed to read contents of symbolic link; expected
...") must not turn a walk that stopped part-way into an uncoded detail, and so a silently complete scan."""

from __future__ import annotations

from pathlib import Path

from conftest import run_leakscan
from image_data import LEAKED, WALK_FAULTS, fat_image, leaked_workbook
from remediation_data import load, with_case_key

from scanner import completeness
from scanner.details import Detail, read_details, say

TSK_SEMICOLON = ("hfs_dinode_copy: failed to read contents of symbolic link; expected 12 bytes but "
                 "tsk_fs_file_read() returned 0")


def test_a_walk_stopped_by_a_library_message_holding_the_separator_is_read_back_as_walk_stopped() -> None:
    text = say(Detail.FS_WALK_STOPPED, name="p1", library=TSK_SEMICOLON)
    assert text == f"p1: walk stopped ({TSK_SEMICOLON})"  # the English text unchanged
    assert read_details(text)[0]["code"] == Detail.FS_WALK_STOPPED.value
    skip = {"reason": "corrupt", "detail": text, "inner_path": "", "container": [{"kind": "image"}]}
    assert completeness.unlisted_kind(skip) == "volume"  # an old case's text read back too (no detail_codes)


def test_a_walk_stopped_with_a_semicolon_in_the_library_message_makes_the_scan_incomplete(tmp_path: Path) -> None:
    book = leaked_workbook(rows=5)
    image = fat_image(tmp_path / "disk.img", {f"/A/{LEAKED}": book, "/B/LEAKSCAN-WALK-OSERR.TXT": b"marker",
                                              f"/C/{LEAKED}": book})
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        WALK_FAULTS.replace("injected: the library failed reading an entry", TSK_SEMICOLON), encoding="utf-8")
    out = with_case_key(tmp_path / "out")
    done = run_leakscan("scan", str(image), "--name", LEAKED, "--out", str(out), "--quiet",
                        env={"PYTHONPATH": str(site)}, timeout=300)
    doc = load(out)
    [stop] = [s for s in doc["skipped"] if "walk stopped" in (s.get("detail") or "")]
    assert stop["detail_codes"][0]["code"] == Detail.FS_WALK_STOPPED.value
    assert done.returncode == 3, done.stderr
    assert doc["scan"]["complete"] is False
    assert "INCOMPLETE" in done.stderr


def test_a_part_said_whole_by_a_code_is_not_joined_to_the_next_by_its_library_message() -> None:
    # a library message may hold "; ", but a part that already says its code whole keeps the next part apart
    assert [d.get("code") for d in read_details("p1: walk stopped (x); p2: walk stopped (y)")] == \
        ["fs-walk-stopped", "fs-walk-stopped"]
    assert [d.get("code") for d in read_details("zip: central directory unreadable (bad); inside 3 archives "
                                                 "(--archive-depth 2)")] == ["zip-directory-unreadable",
                                                                             "inside-archives-objects"]


def test_library_messages_that_may_hold_the_separator_keep_reading_linear(monkeypatch) -> None:
    # every part starts like a walk that stopped and none ends it, or says nothing a code knows: the runs tried for
    # a library message holding "; " cost no more than the part-by-part reading
    import scanner.details as details

    text = "; ".join(["p1: walk stopped (x", "plain words"] * 300)
    budget = {"chars": (len(details.Detail) + 30) * len(text)}  # each code tried once a part: linear in the text
    real_pattern, real_run = details._pattern, details._run_pattern

    class Counted:
        def __init__(self, pattern) -> None:
            self._pattern = pattern

        def fullmatch(self, s: str):
            budget["chars"] -= len(s)
            if budget["chars"] < 0:
                raise AssertionError("read_details is not linear in the detail's length")
            return self._pattern.fullmatch(s)

    monkeypatch.setattr(details, "_pattern", lambda code: (Counted(real_pattern(code)[0]), real_pattern(code)[1]))
    monkeypatch.setattr(details, "_run_pattern", lambda code: Counted(real_run(code)))
    items = details._read_details(text)
    assert len(items) == 600 and not any(d.get("code") == "fs-walk-stopped" for d in items)


def test_a_refused_system_folder_is_known_by_its_detail_code_not_its_first_word(monkeypatch) -> None:
    # system_folders.expected took a refused listing by its detail starting with "directory": reworded, the
    # expected refusal of System Volume Information made every scan of a volume root incomplete again
    from test_completeness_codes import _reword

    import scanner.details as details
    from scanner import system_folders
    from scanner.codes import Status
    from scanner.models import Location, Skipped

    _reword(monkeypatch, Detail.DIRECTORY, "folder could not be opened: {library:lib}")
    monkeypatch.setattr(system_folders, "windows_volume_root", lambda path, table: path == "/D")  # an NTFS mount
    try:
        skip = Skipped(Location("/D", "/D/System Volume Information"), Status.UNREADABLE,
                       say(Detail.DIRECTORY, library="Permission denied"))
        assert system_folders.expected(skip).reason == Status.SYSTEM_FOLDER
    finally:
        monkeypatch.undo()  # the English sentence back, and the patterns read from the reworded one forgotten
        details.forget_patterns()
    other = Skipped(Location("/D", "/D/System Volume Information"), Status.UNREADABLE,
                    say(Detail.DIRECTORY_WALKED))  # no listing refused: kept as it is
    assert system_folders.expected(other).reason == Status.UNREADABLE


def test_a_status_named_inside_a_detail_is_said_in_japanese() -> None:
    # "pst: 3 more messages or attachments encrypted, not listed one by one": the status was shown as the raw
    # English code word in the Japanese report and terminal ("... が encrypted です")
    from reports.details import detail_text

    text = say(Detail.MAIL_MORE_NOT_LISTED, kind="pst", n=3, status="encrypted", rows=100)
    said = detail_text(text, "encrypted", "ja")
    assert "encrypted" not in said and "暗号化" in said, said
    lost = say(Detail.LOST_AFTER_FAILING, why=say(Detail.DIRECTORY_DISAPPEARED), reason="corrupt",
               then=say(Detail.ZIP_CORRUPT))
    said = detail_text(lost, "source-lost", "ja")
    assert "corrupt" not in said and "破損" in said, said
