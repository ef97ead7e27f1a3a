"""Session 12: a detail's codes are recorded when it is said (scanner.details.Said), never read back from a text
that quotes a library's message: a hostile folder name quoted by The Sleuth Kit, holding the words of the
source-lost wrapper ("... (it failed as corrupt: ...)", review11d #5) and of other codes, once made the folder's
detail read back as ``lost-after-failing``: the folder's own code (``directory-not-readable``) was gone, the
folder was not counted as never listed and the scan said complete. Cases written before the codes (no
``detail_codes``) are still read back from their text."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

from conftest import run_leakscan
from image_data import LEAKED, ext_image, leaked_workbook, write_tree
from remediation_data import load, with_case_key

from reports.html import render_report
from scanner import completeness
from scanner.details import Detail, codes_of, join_details, read_details, say

# a folder name as a seized disk may hold it: the source-lost wrapper's words, a walk-stopped sentence, a zip code
HOSTILE = "名簿 p1: walk stopped (x) (it failed as corrupt: directory listing: gone)"
PLAIN = "退職者"  # a second refused folder with an ordinary name (read back in the old-case check)

# pytsk3 refuses to list the two folders above, its message naming the folder (as TSK messages name paths)
FAULT = '''
try:
    import pytsk3 as _tsk
except ImportError:
    _tsk = None

if _tsk is not None:
    _Real = _tsk.FS_Info
    _REFUSED = {}

    class FS_Info:
        def __init__(self, *args, **kwargs):
            self._real = _Real(*args, **kwargs)

        def open_dir(self, *args, **kwargs):
            inode = kwargs.get("inode")
            if inode in _REFUSED:
                raise OSError("tsk_fs_dir_open: cannot read directory /" + _REFUSED[inode])
            out = list(self._real.open_dir(*args, **kwargs))
            for f in out:
                name = (f.info.name.name or b"").decode("utf-8", "replace")
                if (name.startswith("名簿") or name == "退職者") and f.info.meta is not None:
                    _REFUSED[int(f.info.meta.addr)] = name
            return out

        def __getattr__(self, name):
            return getattr(self._real, name)

    _tsk.FS_Info = FS_Info
'''


def _scan(tmp_path: Path) -> tuple[Path, subprocess.CompletedProcess[str]]:
    book = leaked_workbook(rows=5)
    tree = write_tree(tmp_path / "tree", {f"/A/{LEAKED}": book, f"/{HOSTILE}/{LEAKED}": book,
                                          f"/{PLAIN}/{LEAKED}": book})
    image = ext_image(tmp_path / "disk.img", tree, fs="ext2")
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(FAULT, encoding="utf-8")
    out = with_case_key(tmp_path / "out")
    done = run_leakscan("scan", str(image), "--name", LEAKED, "--out", str(out), "--quiet", "--lang", "ja",
                        env={"PYTHONPATH": str(site)}, timeout=300)
    return out, done


def test_a_hostile_folder_name_quoted_by_the_library_keeps_the_folder_unlisted(tmp_path: Path) -> None:
    out, done = _scan(tmp_path)
    doc = load(out)
    refused = {s["path"].rsplit("/", 1)[-1]: s for s in doc["skipped"] if s.get("inner_path", "").strip("/")
               in (HOSTILE, PLAIN)}
    assert set(refused) == {HOSTILE, PLAIN}, doc["skipped"]
    hostile = refused[HOSTILE]
    assert HOSTILE in hostile["detail"] and "(it failed as corrupt:" in hostile["detail"]
    # the text alone reads as the wrapper (what the case said before): the recorded codes say what was written
    assert read_details(hostile["detail"])[0]["code"] == "lost-after-failing"
    assert [c["code"] for c in hostile["detail_codes"]] == ["directory-not-readable"]
    assert hostile["detail_codes"][0]["library"] == f"tsk_fs_dir_open: cannot read directory /{HOSTILE}"
    assert done.returncode == 3, done.stderr
    assert doc["scan"]["complete"] is False
    unlisted = {u["path"] for u in doc["scan"]["incomplete"]["unlisted"]}
    assert {hostile["path"], refused[PLAIN]["path"]} <= unlisted
    # the Japanese report says the folder's own reason, the library's message (with the name) quoted apart
    html = (out / "report.html").read_text(encoding="utf-8")
    cell = html[html.index("tsk_fs_dir_open: cannot read directory") - 600:]
    assert "元の失敗" not in html  # lost-after-failing's words: never said for this folder
    assert "ディレクトリ" in cell or "フォルダ" in cell
    # re-rendered from the case (report command, merge) the recorded codes are kept
    merged = tmp_path / "merged"
    run = run_leakscan("merge", str(out), "--out", str(with_case_key(merged)), "--quiet", timeout=120)
    assert run.returncode in (0, 1, 3), run.stderr
    mdoc = load(merged)
    [m] = [s for s in mdoc["skipped"] if s["path"] == hostile["path"]]
    assert [c["code"] for c in m["detail_codes"]] == ["directory-not-readable"]
    assert mdoc["scan"]["complete"] is False and hostile["path"] in {u["path"] for u in mdoc["scan"]["incomplete"]["unlisted"]}

    # a case written before the codes (no detail_codes, no scan.complete: main before codes11) is read back from
    # its text: the ordinary folder is still a folder never listed and said in Japanese
    old = copy.deepcopy(doc)
    for s in old["skipped"]:
        s.pop("detail_codes", None)
    for f in old["files"]:
        f.pop("status_detail_codes", None)
    old["scan"].pop("complete", None)
    old["scan"].pop("incomplete", None)
    [plain] = [s for s in old["skipped"] if s["path"] == refused[PLAIN]["path"]]
    assert completeness.unlisted_kind(plain) == "folder"
    assert completeness.is_complete(old) is False
    ja = render_report(old, "ja")
    assert "tsk_fs_dir_open: cannot read directory /" + PLAIN in ja


def test_codes_are_those_said_not_those_the_text_reads_back_as() -> None:
    library = f"tsk_fs_dir_open: cannot read directory /{HOSTILE}"
    said = say(Detail.DIRECTORY_NOT_READABLE, library=library)
    assert read_details(said)[0]["code"] == "lost-after-failing"
    assert codes_of(said) == [{"code": "directory-not-readable", "library": library}]
    assert codes_of(str(said)) == read_details(said)  # a text that lost its codes: read back
    joined = join_details([said, say(Detail.ZIP_CORRUPT)])
    assert codes_of(joined) == [{"code": "directory-not-readable", "library": library}, {"code": "zip-corrupt"}]
    nested = say(Detail.LOST_AFTER_FAILING, why=say(Detail.ZIP_CORRUPT), reason="corrupt", then=said)
    assert codes_of(nested)[0]["then"] == [{"code": "directory-not-readable", "library": library}]


def test_said_keeps_its_codes_through_a_worker_process() -> None:
    said = say(Detail.DIRECTORY_NOT_READABLE, library=f"x /{HOSTILE}")
    code = ("import pickle, sys, json; s = pickle.loads(sys.stdin.buffer.read()); "
            "sys.stdout.write(json.dumps(s.codes, ensure_ascii=False))")
    import pickle
    done = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(said), capture_output=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    assert json.loads(done.stdout) == [{"code": "directory-not-readable", "library": f"x /{HOSTILE}"}]


def test_a_detail_replayed_by_resume_keeps_the_codes_it_was_said_with(tmp_path: Path) -> None:
    """The --resume state keeps each detail's codes (skips and hits): a replayed folder detail quoting a hostile
    name is written with its own code, not read back as the wrapper."""
    from scanner.codes import Reason, Status
    from scanner.config import ScanConfig
    from scanner.contracts import ResultMark, ScanResult
    from scanner.models import Digests, FileHit, FileStat, Location, Skipped
    from scanner.state import ScanState
    from scanner.store import with_codes

    library = f"tsk_fs_dir_open: cannot read directory /{HOSTILE}"
    said = say(Detail.DIRECTORY_NOT_READABLE, library=library)
    config = ScanConfig(sources=(str(tmp_path),), out=str(tmp_path / "out"))
    result = ScanResult(config=config, started="2026-01-01T00:00:00Z")
    mark = ResultMark(0, 0, 0, 0, 0)
    result.skipped.append(Skipped(Location(str(tmp_path), f"/{HOSTILE}"), Status.CORRUPT, said))
    hit = FileHit(Location(str(tmp_path), "/a.xlsx"), FileStat(3, None, None, None, None, None),
                  Digests("0" * 32, "0" * 40, "0" * 64, 3), "xlsx", [Reason.NAME], status=Status.CORRUPT,
                  status_detail=said)
    result.hits.append(hit)
    result.bytes_read = 3
    out = tmp_path / "out"
    out.mkdir()
    state = ScanState.create(out, config, "2026-01-01T00:00:00Z")
    state.record("k", result, mark)
    state.flush()
    state.close()
    again = ScanState.resume(out)
    replayed = ScanResult(config=config, started="2026-01-01T00:00:00Z")
    assert again.replay("k", replayed)
    [skip] = replayed.skipped
    assert skip.detail == said
    entry = with_codes(skip.to_json(), "detail", "detail_codes")
    assert [c["code"] for c in entry["detail_codes"]] == ["directory-not-readable"]
    [h] = replayed.hits
    entry = with_codes(h.to_json(), "status_detail", "status_detail_codes")
    assert [c["code"] for c in entry["status_detail_codes"]] == ["directory-not-readable"]
    again.close()
