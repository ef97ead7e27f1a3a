"""scanner.diff on findings documents built from real ScanResults (no I/O): every class and the verdict."""

from __future__ import annotations

import hashlib

from scanner.config import ScanConfig
from scanner.contracts import ScanResult
from scanner.diff import CLEAN, NOT_VERIFIED, REMAINING, compute_diff, exit_code, lingering
from scanner.evidence import Finding, FindingsDoc
from scanner.models import Digests, FileHit, FileStat, Hop, Location, Skipped
from scanner.store import build_findings

SRC = "/mnt/share"


def _digests(content: bytes) -> Digests:
    return Digests(hashlib.md5(content).hexdigest(), hashlib.sha1(content).hexdigest(),
                   hashlib.sha256(content).hexdigest(), len(content))


def _doc(files: dict[str, bytes | None], reasons: dict[str, list[str]] | None = None,
         skipped: dict[str, str] | None = None, names: list[str] | None = None,
         sources: list[str] | None = None) -> FindingsDoc:
    """A findings document as build_findings writes it, for hits at ``path -> content``."""
    config = ScanConfig(sources=sources or [SRC], out=__import__("pathlib").Path("/tmp/unused"),
                        names=names or ["名簿.xlsx"])
    result = ScanResult(config=config, started="2026-01-01T00:00:00Z", finished="2026-01-01T00:01:00Z")
    for path, content in files.items():
        loc = Location(SRC, f"{SRC}/{path}")
        if " » " in path:
            outer, inner = path.split(" » ")
            loc = Location(SRC, inner, (Hop("archive", f"{SRC}/{outer}"),))
        result.hits.append(FileHit(loc, FileStat(len(content or b"")), _digests(content) if content else None,
                                   "data", (reasons or {}).get(path, ["name-variant"])))
    for path, reason in (skipped or {}).items():
        result.skipped.append(Skipped(Location(SRC, f"{SRC}/{path}"), reason, "test"))
    return FindingsDoc.from_json(build_findings(result))


def _classes(diff: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in diff["entries"]:
        out.setdefault(e["class"], []).append(e["path"].replace(SRC + "/", ""))
    return {k: sorted(v) for k, v in out.items()}


def test_nine_of_ten_identical_copies_removed_reports_nine_removed_and_one_remaining():
    copies = {f"PC{i:02d}/名簿.xlsx": b"same" for i in range(10)}
    base = _doc(copies)
    new = _doc({"PC07/名簿.xlsx": b"same"})
    diff = compute_diff(base, new)
    classes = _classes(diff)
    assert classes == {"removed": sorted(p for p in copies if p != "PC07/名簿.xlsx"), "remaining": ["PC07/名簿.xlsx"]}
    assert diff["leak_counts"]["removed"] == 9 and diff["leak_counts"]["remaining"] == 1
    assert diff["verdict"] == REMAINING and exit_code(diff) == 1


def test_move_change_and_new_copy_are_told_apart():
    base = _doc({"a/名簿.xlsx": b"v1", "b/名簿.xlsx": b"v1", "c/名簿.xlsx": b"c1"})
    new = _doc({"b/名簿.xlsx": b"v1", "c/名簿.xlsx": b"c2", "新しいフォルダー/名簿 - コピー.xlsx": b"v1",
                "d/名簿 (2).xlsx": b"derived"})
    diff = compute_diff(base, new)
    assert _classes(diff) == {"removed": ["a/名簿.xlsx"], "remaining": ["b/名簿.xlsx"], "changed": ["c/名簿.xlsx"],
                              "relocated": ["新しいフォルダー/名簿 - コピー.xlsx"], "new": ["d/名簿 (2).xlsx"]}
    reloc = next(e for e in diff["entries"] if e["class"] == "relocated")
    assert sorted(reloc["baseline_paths"]) == [f"{SRC}/a/名簿.xlsx", f"{SRC}/b/名簿.xlsx"]
    changed = next(e for e in diff["entries"] if e["class"] == "changed")
    assert changed["sha256"] == hashlib.sha256(b"c2").hexdigest()
    assert changed["baseline_sha256"] == hashlib.sha256(b"c1").hexdigest()
    assert all(e["path"] and "sha256" in e for e in diff["entries"])


def test_everything_removed_is_clean_and_exit_0():
    base = _doc({"a/名簿.xlsx": b"v1", "b/名簿.xlsx": b"v1"})
    diff = compute_diff(base, _doc({}, skipped={"PC01/pipe": "special-file"}))
    assert diff["verdict"] == CLEAN and diff["verdict_reasons"] == [] and exit_code(diff) == 0


def test_keyword_leads_do_not_block_but_are_classified():
    base = _doc({"職員名簿.xlsx": b"staff", "名簿.xlsx": b"v1"}, reasons={"職員名簿.xlsx": ["name-keyword"]})
    new = _doc({"職員名簿.xlsx": b"staff"}, reasons={"職員名簿.xlsx": ["name-keyword"]})
    diff = compute_diff(base, new)
    assert _classes(diff) == {"remaining": ["職員名簿.xlsx"], "removed": ["名簿.xlsx"]}
    assert diff["verdict"] == CLEAN and diff["counts"]["remaining"] == 1 and diff["leak_counts"]["remaining"] == 0


def test_a_skipped_file_is_not_a_clean_file():
    base = _doc({"a/名簿.xlsx": b"v1"})
    gone_but_skipped = compute_diff(base, _doc({}, skipped={"other/暗号化.xlsx": "encrypted"}))
    assert gone_but_skipped["verdict"] == NOT_VERIFIED and gone_but_skipped["verdict_reasons"] == ["skipped"]
    assert exit_code(gone_but_skipped) == 1
    at_its_place = compute_diff(base, _doc({}, skipped={"a/名簿.xlsx": "unreadable"}))
    assert _classes(at_its_place) == {"unverified": ["a/名簿.xlsx"]}
    assert at_its_place["verdict"] == NOT_VERIFIED
    unread_hit = compute_diff(base, _doc({"a/名簿.xlsx": None}))
    assert _classes(unread_hit) == {"unverified": ["a/名簿.xlsx"]} and unread_hit["verdict"] == NOT_VERIFIED


def test_scope_mismatch_is_stated_and_never_clean():
    base = _doc({"a/名簿.xlsx": b"v1"})
    new = _doc({}, names=["別の名簿.xlsx"], sources=[SRC, "/mnt/other"])
    diff = compute_diff(base, new)
    assert not diff["scope"]["same"]
    assert {d["field"] for d in diff["scope"]["differences"]} == {"names", "sources"}
    assert diff["verdict"] == NOT_VERIFIED and diff["verdict_reasons"] == ["scope"]
    swapped = _doc({}, sources=[SRC])
    assert compute_diff(base, swapped)["scope"]["same"]


def test_archive_members_and_raw_names_have_their_own_identity():
    base = _doc({"backup.zip » 名簿.xlsx": b"v1", "名簿.xlsx": b"v1"})
    f_zip, f_top = base.files
    assert f_zip.key() != f_top.key()
    assert f_top.key() == Location(SRC, f"{SRC}/名簿.xlsx").key()
    diff = compute_diff(base, _doc({"backup.zip » 名簿.xlsx": b"v1"}))
    remaining = [e for e in diff["entries"] if e["class"] == "remaining"]
    assert len(remaining) == 1 and remaining[0]["lingering"] == ["archive"]


def test_lingering_places_are_flagged():
    def kinds(path: str, **extra: object) -> list[str]:
        entry = {"id": 1, "source": "/share", "path": path, "inner_path": path, "raw_path_hex": None,
                 "container": [], "deleted": False, "size": 0, "mtime": None, "atime": None, "ctime": None,
                 "btime": None, "time_note": None, "md5": None, "sha1": None, "sha256": None, "type": "data",
                 "type_mismatch": None, "reasons": ["name"], "matched_rules": [], "status": "ok",
                 "status_detail": "", **extra}
        return lingering(Finding.from_json(entry))

    assert kinds("/C/$Recycle.Bin/S-1-5-21-1-2-3-1001/$RAB12CD.xlsx") == ["recycle-bin"]
    assert kinds("/share/.recycle/staff/名簿.xlsx") == ["recycle-bin"]
    assert kinds("/share/PC02/Desktop/~$名簿.xlsx") == ["owner-file"]
    assert kinds("/Users/a/AppData/Roaming/Microsoft/Excel/~ar3EE5.xar") == ["autorecover"]
    assert kinds("/Users/a/AutoRecovery save of 名簿.asd") == ["autorecover"]
    assert kinds("/share/@GMT-2016.11.01-00.00.00/名簿.xlsx") == ["snapshot"]
    assert kinds("/share/名簿.xlsx", deleted=True) == ["deleted"]
    assert kinds("/share/PC01/名簿.xlsx") == []


def test_recycle_bin_info_files_of_both_formats_name_the_original_path():
    from scanner.inspectors.recyclebin import make_i_file, parse_i_file

    original = "C:\\Users\\staff\\Desktop\\介護予防_利用者名簿 - コピー.xlsx"
    v2 = parse_i_file(make_i_file(original, 16213, 131_234_567_890_000_000, version=2))
    v1 = parse_i_file(make_i_file(original, 16213, 131_234_567_890_000_000, version=1))
    assert v1 and v2 and v1.original_path == v2.original_path == original
    assert (v1.version, v2.version) == (1, 2) and v2.size == 16213
    from datetime import datetime, timedelta

    expected = datetime(1601, 1, 1) + timedelta(microseconds=131_234_567_890_000_000 // 10)  # FILETIME epoch
    assert v2.deleted_at == expected.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert parse_i_file(b"\x03" + b"\x00" * 40) is None and parse_i_file(b"short") is None


def test_a_source_that_could_not_be_opened_is_an_error():
    base = _doc({"a/名簿.xlsx": b"v1"})
    new = _doc({})
    new.scan.source_errors.append({"source": SRC, "error": "no such file or directory"})
    diff = compute_diff(base, new)
    assert exit_code(diff) == 2 and diff["source_errors"]
