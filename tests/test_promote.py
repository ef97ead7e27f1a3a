"""name-contains leads: counted apart from copies, promoted to a copy by content (same SHA-256, record overlap).

From the CLI: a lead alone leaves the exit code 0 but keeps a rescan from being clean; a lead with the
content of a copy, or holding the leaked records, is a copy (exit 1); merge promotes across scans.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run_cli, run_leakscan

from scanner.demo import client_list_xlsx, make_people
from scanner.promote import RECORD_OVERLAP, SAME_SHA256, Evidence, apply_to_findings, promotions

TARGET = "2017年度_集計.xlsx"


def E(reasons: set[str], sha: str | None, overlap: tuple = ()) -> Evidence:  # noqa: N802
    return Evidence(frozenset(reasons), sha, overlap)


def test_same_sha256_as_a_copy_promotes() -> None:
    hits = [E({"name"}, "a"), E({"name-contains"}, "a"), E({"name-contains"}, "b"), E({"known-hash"}, "b")]
    got = promotions(hits)
    assert got == {1: promotions(hits)[1], 2: promotions(hits)[2]}
    assert got[1].rule == SAME_SHA256 and got[1].files == (1,)
    assert got[2].files == (4,)


def test_leads_sharing_only_each_others_content_stay_leads() -> None:
    hits = [E({"name-contains"}, "a"), E({"name-contains"}, "a"), E({"name-keyword"}, "a"), E({"pii"}, "a")]
    assert promotions(hits) == {}


def test_record_overlap_promotes_and_carries_to_identical_leads() -> None:
    hits = [E({"name"}, "x"), E({"name-contains", "pii", "record-overlap"}, "c", (1,)), E({"name-contains"}, "c")]
    got = promotions(hits)
    assert got[1].rule == RECORD_OVERLAP and got[1].files == (1,)
    assert got[2].rule == SAME_SHA256 and got[2].files == (2,)


def test_same_sha256_is_preferred_over_record_overlap() -> None:
    hits = [E({"name", "pii"}, "a"), E({"name-contains", "pii", "record-overlap"}, "a", (1,))]
    assert promotions(hits)[1].rule == SAME_SHA256


def test_unreadable_lead_and_copies_are_not_promoted() -> None:
    hits = [E({"name"}, None), E({"name-contains"}, None), E({"name-variant", "name-contains"}, "a")]
    assert promotions(hits) == {}


def test_findings_entries_get_reason_rule_and_annotation() -> None:
    files = [{"id": 7, "reasons": ["name"], "sha256": "a", "matched_rules": ["name:exact"]},
             {"id": 9, "reasons": ["name-contains"], "sha256": "a", "matched_rules": ["name-contains:with-date"]}]
    assert apply_to_findings(files) == 1
    assert files[1]["reasons"] == ["name-contains", "name-variant"]
    assert files[1]["matched_rules"][-1] == f"name-variant:{SAME_SHA256}"
    assert files[1]["annotations"]["promoted"] == {"rule": SAME_SHA256, "files": [7]}


# ---------------------------------------------------------------- from the CLI


@pytest.fixture(scope="module")
def workbooks() -> dict[str, bytes]:
    people = make_people(40, seed=19)
    return {"list": client_list_xlsx(people), "cut": client_list_xlsx(people[5:30]),
            "other": client_list_xlsx(make_people(20, seed=91))}


def _scan(src: Path, out: Path, *extra: str):
    proc = run_leakscan("scan", str(src), "--name", TARGET, "--out", str(out), *extra)
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8")) if (out / "findings.json").is_file() else {}
    return proc, {f["path"].rsplit("/", 1)[-1]: f for f in doc.get("files", [])}, doc


def test_leads_promoted_or_not_from_the_cli(tmp_path: Path, workbooks: dict[str, bytes]) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / TARGET).write_bytes(workbooks["list"])
    (share / "【秘】2017年度_集計.xlsx").write_bytes(workbooks["list"])  # same bytes as the copy
    (share / "2017年度_集計_20170115.xlsx").write_bytes(workbooks["cut"])  # 25 of its persons
    (share / "2017年度_集計_グラフ.xlsx").write_bytes(workbooks["other"])  # other people: stays a lead
    (share / "2017年度_集計.pdf").write_bytes(b"%PDF-1.4 printout")  # cannot be tied: stays a lead
    proc, files, doc = _scan(share, tmp_path / "out")
    assert proc.returncode == 1, proc.stderr
    same = files["【秘】2017年度_集計.xlsx"]
    assert "name-variant" in same["reasons"] and same["annotations"]["promoted"]["rule"] == SAME_SHA256
    copy_id = files[TARGET]["id"]
    assert same["annotations"]["promoted"]["files"] == [copy_id]
    cut = files["2017年度_集計_20170115.xlsx"]
    assert "record-overlap" in cut["reasons"] and cut["annotations"]["promoted"]["rule"] == RECORD_OVERLAP
    for lead in ("2017年度_集計_グラフ.xlsx", "2017年度_集計.pdf"):
        assert "name-contains" in files[lead]["reasons"] and "name-variant" not in files[lead]["reasons"]
    assert re.search(r"leads \(not counted\):\s+names containing it 2", proc.stderr), proc.stderr
    assert re.search(r"copies of the named file:\s+3 ", proc.stderr), proc.stderr
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    start = report.index('id="contains-table"')
    contains = report[start:report.index("</table>", start)]
    assert "2017年度_集計_グラフ.xlsx" in contains and "【秘】" not in contains
    assert doc["summary"]["name_contains"] == 2 and "探索ファイル名を含む名前 2 件" in report
    # persons are counted from the named file only: promotion adds no leak-set file
    assert [f["path"].rsplit("/", 1)[-1] for f in doc["persons"]["files"]] == [TARGET]


def test_a_lead_alone_exits_0_and_keeps_a_rescan_from_being_clean(tmp_path: Path, workbooks) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "2017年度_集計.pdf").write_bytes(b"%PDF-1.4 printout")
    proc, files, _doc = _scan(share, tmp_path / "base")
    assert proc.returncode == 0, proc.stderr
    assert files["2017年度_集計.pdf"]["reasons"] == ["name-contains"]
    proc, _files, _doc = _scan(share, tmp_path / "rescan", "--baseline", str(tmp_path / "base"))
    assert proc.returncode == 1, proc.stderr
    diff = json.loads((tmp_path / "rescan" / "diff.json").read_text(encoding="utf-8"))
    assert diff["verdict"] == "remaining" and "name-contains" in diff["leak_reasons"]
    (share / "2017年度_集計.pdf").unlink()
    proc, _files, _doc = _scan(share, tmp_path / "rescan2", "--baseline", str(tmp_path / "base"))
    assert proc.returncode == 0, proc.stderr


def test_merge_promotes_a_lead_whose_copy_another_scan_found(tmp_path: Path, workbooks) -> None:
    pc1, pc2 = tmp_path / "pc1", tmp_path / "pc2"
    pc1.mkdir()
    pc2.mkdir()
    (pc1 / TARGET).write_bytes(workbooks["other"])
    (pc2 / "2017年度_集計（最新）.xlsx").write_bytes(workbooks["other"])
    proc, files, _ = _scan(pc2, tmp_path / "o2")
    assert proc.returncode == 0 and "name-variant" not in files["2017年度_集計（最新）.xlsx"]["reasons"]
    assert _scan(pc1, tmp_path / "o1")[0].returncode == 1
    proc = run_cli("merge", str(tmp_path / "o1"), str(tmp_path / "o2"), "--out", str(tmp_path / "m"), "--quiet")
    assert proc.returncode == 1, proc.stderr
    merged = json.loads((tmp_path / "m" / "findings.json").read_text(encoding="utf-8"))
    by = {f["path"].rsplit("/", 1)[-1]: f for f in merged["files"]}
    lead = by["2017年度_集計（最新）.xlsx"]
    assert "name-variant" in lead["reasons"]
    assert lead["annotations"]["promoted"] == {"rule": SAME_SHA256, "files": [by[TARGET]["id"]]}


def test_a_hit_under_another_name_with_a_copys_bytes_is_a_renamed_copy() -> None:
    """Session 8 (qa8): 報告書.docx holding the named file's very bytes was only "a file sharing the same persons";
    now a copy (reason name-variant, rule promoted-renamed-same-sha256). An empty copy ties no other empty file."""
    from scanner.promote import EMPTY_SHA256, RENAMED_SAME_SHA256

    hits = [E({"name", "pii"}, "a"), E({"pii", "record-overlap"}, "a", (1,)), E({"name-keyword"}, "a"),
            E({"pii"}, "b"), E({"name"}, EMPTY_SHA256), E({"pii-names"}, EMPTY_SHA256), E({"name-contains"}, "a")]
    got = promotions(hits)
    assert {i: p.rule for i, p in got.items()} == {1: RENAMED_SAME_SHA256, 2: RENAMED_SAME_SHA256, 6: SAME_SHA256}
    assert got[1].files == (1,)


def test_a_renamed_byte_identical_copy_counts_from_the_cli(tmp_path: Path) -> None:
    people = make_people(12, seed=88)
    data = client_list_xlsx(people)
    src = tmp_path / "share"
    (src / "pc").mkdir(parents=True)
    (src / "pc" / TARGET).write_bytes(data)
    (src / "pc" / "報告書.xlsx").write_bytes(data)
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", TARGET, "--out", str(out), "--quiet")
    assert run.returncode == 1, run.stderr
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    renamed = next(f for f in doc["files"] if f["path"].endswith("報告書.xlsx"))
    assert "name-variant" in renamed["reasons"]
    assert renamed["annotations"]["promoted"]["rule"] == "promoted-renamed-same-sha256"
    assert doc["summary"]["copies"] == 2
