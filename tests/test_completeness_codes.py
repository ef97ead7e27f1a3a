"""Whether a scan is complete is decided by detail codes, never by a detail's English words (Session 11).

scanner.completeness once read "directory…", "segment file missing…", "truncated image…" and "not a file system
(not carved)" in the English text: a detail reworded in English would silently make a scan with an unlisted folder
complete (exit 0, no banner). Here the English sentence of the folder code is reworded in the running process and
the scan still counts as incomplete; a case written before the codes (no ``detail_codes``) is judged by reading its
text back into codes.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from scanner import details
from scanner.completeness import detail_codes, is_complete, summary, unlisted_kind
from scanner.demo import LEAKED_NAME
from scanner.details import Detail, say
from tests.conftest import run_cli


def _reword(monkeypatch: pytest.MonkeyPatch, code: Detail, template: str) -> None:
    """Give ``code`` another English sentence in this process (its caches of patterns emptied before and after)."""
    details.forget_patterns()
    monkeypatch.setattr(code, "meaning", template)
    monkeypatch.setattr(details, "_ORDER", ())
    details.forget_patterns()


@pytest.fixture
def reworded(monkeypatch: pytest.MonkeyPatch) -> object:
    for code, template in ((Detail.DIRECTORY, "folder could not be opened: {library:lib}"),
                           (Detail.DIRECTORY_OS_ERROR, "folder could not be opened: OS error {errno:word}: {library:lib}"),
                           (Detail.DIRECTORY_LISTING, "folder could not be read: {library:lib}")):
        _reword(monkeypatch, code, template)
    yield
    monkeypatch.undo()
    details.forget_patterns()


def test_a_reworded_folder_detail_still_makes_the_scan_incomplete(tmp_path: Path, reworded: object,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    (src / "others" / "staff01").mkdir(parents=True)
    (src / "others" / "staff01" / "memo.txt").write_text("memo\n", encoding="utf-8")
    (src / "open.txt").write_text("memo\n", encoding="utf-8")
    from scanner.sources import local
    real = local.open_deep

    def refused(path: bytes, flags: int) -> int:  # a folder the OS refuses (root reads mode-000 folders anyway)
        if path.rstrip(b"/").endswith(b"staff01"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real(path, flags)
    monkeypatch.setattr(local, "open_deep", refused)
    run = run_cli("scan", str(src), "--name", LEAKED_NAME, "--out", str(out), "--quiet")
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    skip = next(s for s in doc["skipped"] if s["path"].endswith("staff01"))
    assert skip["detail"].startswith("folder could not be opened: "), skip  # the English words changed ...
    assert skip["detail_codes"][0]["code"] == "directory-os-error"  # ... the code did not (its errno: jawords13)
    assert doc["scan"]["complete"] is False, doc["scan"]
    assert [u["path"] for u in doc["scan"]["incomplete"]["unlisted"]] == [skip["path"]]
    assert run.returncode == 3, run.stderr


def _skip(detail: str, reason: str, inner: str | None = None, hops: list[dict[str, str]] | None = None,
          codes: list[dict[str, object]] | None = None) -> dict[str, object]:
    out: dict[str, object] = {"path": "/x", "reason": reason, "detail": detail, "container": hops or [],
                              "inner_path": inner}
    if codes is not None:
        out["detail_codes"] = codes
    return out


IMAGE = [{"kind": "image", "name": "disk.E01"}]
PART = [{"kind": "image", "name": "disk.E01"}, {"kind": "partition", "name": "p2"}]


def test_recorded_codes_decide_not_the_words() -> None:
    # a folder code recorded beside words no code reads: still a folder never listed
    assert unlisted_kind(_skip("dossier illisible", "unreadable", codes=[{"code": "directory", "library": "x"}])) \
        == "folder"
    # words that begin like a folder's, recorded with another code: not a folder
    assert unlisted_kind(_skip("directory of names", "corrupt", codes=[{"code": "zip-corrupt"}])) is None
    swap = say(Detail.SWAP_NOT_CARVED, volume="p2 (Linux swap)", swap="Linux swap")
    assert unlisted_kind(_skip(swap, "unsupported", "/", PART)) is None
    assert unlisted_kind(_skip("whatever", "unsupported", "/", PART, codes=[{"code": "swap-not-carved"}])) is None
    assert unlisted_kind(_skip("not a file system (not carved)", "unsupported", "/", PART,
                               codes=[{"code": "no-fs-recognised", "name": "p2"}])) == "volume"
    missing = say(Detail.MEDIA_FILE_MISSING, what="segment", names="disk.E02 (looked for /e/disk.E02)",
                  span=" (bytes 10 to 20 of the media)")
    assert unlisted_kind(_skip(missing, "unreadable", "", IMAGE)) == "volume"
    assert unlisted_kind(_skip("x", "unreadable", "", IMAGE, codes=[{"code": "media-file-missing"}])) == "volume"


@pytest.mark.parametrize(("detail", "reason", "inner", "hops", "kind"), [
    ("directory: Permission denied", "unreadable", None, None, "folder"),
    ("directory listing: Input/output error", "unreadable", None, None, "folder"),
    ("directory not readable: tsk_fs_dir_open: damaged", "corrupt", None, None, "folder"),
    ("directory disappeared during the scan", "vanished", None, None, "folder"),
    ("directory already walked (bind mount or loop)", "loop", None, None, None),
    ("file disappeared during the scan", "vanished", None, None, None),
    ("segment file missing: pc08.E03 (looked for /e/pc08.E03); the media after the gap (bytes 1 to 2 of the media) "
     "cannot be read, so the partitions and files there are not examined; put every segment in one folder and scan "
     "again", "unreadable", "", IMAGE, "volume"),
    ("p2 (Linux swap): Linux swap: not a file system (not carved); it may hold fragments of files that were open; "
     "carve it with another tool if that matters", "unsupported", "/", PART, None),
    ("p2: no file system recognised", "unsupported", "/", PART, "volume"),
])
def test_a_case_written_before_the_codes_is_judged_by_its_text_read_back(
        detail: str, reason: str, inner: str | None, hops: list[dict[str, str]] | None, kind: str | None) -> None:
    skip = _skip(detail, reason, inner, hops)
    assert unlisted_kind(skip) == kind
    doc = {"scan": {"source_errors": []}, "skipped": [skip]}
    assert is_complete(doc) is (kind is None)
    assert (summary(doc) is None) is (kind is None)


def test_reading_the_codes_never_fails() -> None:
    for bad in ({"detail_codes": "directory", "detail": "directory: x", "reason": "unreadable"},
                {"detail_codes": [1, None], "detail": None, "reason": "unreadable"},
                {"detail_codes": [{"code": 3, "x": [{"code": None}]}], "reason": "corrupt", "container": [{}],
                 "inner_path": "/"},
                {"detail": object(), "reason": "unreadable"}):
        detail_codes(bad)
        unlisted_kind(bad)
