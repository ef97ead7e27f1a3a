"""A real remediation: the demo share scanned, changed in every way, rescanned with --baseline, diffed.

Phases on one tree (module fixture, each scan a real ``python scan.py`` subprocess):
1. baseline scan; 2. every kind of change, rescan -> copies remain (exit 1); 3. every copy removed but
one left unreadable -> not verified (exit 1); 4. that one removed too -> 残存なし (exit 0).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run_cli
from remediation_data import (
    ARCHIVE,
    DELETED,
    KEPT,
    MODIFIED,
    MOVED_FROM,
    MOVED_TO,
    NEW_DERIVED,
    PRINTOUT,
    RECYCLED_FROM,
    RECYCLED_I,
    RECYCLED_R,
    SAMBA_RECYCLE,
    UNCHANGED_CSV,
    UNREADABLE,
    change_everything,
    load,
    rel_paths,
    remove_all_copies,
    run_without_dac,
    share,
)

from scanner.demo import LEAKED_NAME
from scanner.demo_traces import RECENT

NAME = ["--name", LEAKED_NAME, "--quiet"]


@pytest.fixture(scope="module")
def phases(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("remediation")
    src = share(root)
    base = root / "base"
    runs = {"src": src, "base": base, "root": root}
    runs["base_run"] = run_without_dac("scan", str(src), *NAME, "--out", str(base), "--case-id", "2026-001")
    change_everything(src)
    runs["rescan"] = run_without_dac("scan", str(src), *NAME, "--out", str(root / "re1"),
                                     "--baseline", str(base / "findings.json"), "--case-id", "2026-001")
    runs["diff_cmd"] = run_without_dac("diff", str(base), str(root / "re1"), "--out", str(root / "d1"), "--quiet")
    remove_all_copies(src, keep_unreadable=True)
    runs["rescan2"] = run_without_dac("scan", str(src), *NAME, "--out", str(root / "re2"), "--baseline", str(base))
    remove_all_copies(src, keep_unreadable=False)
    runs["rescan3"] = run_without_dac("scan", str(src), *NAME, "--out", str(root / "re3"), "--baseline", str(base),
                                      "--lang", "en")
    return runs


RECENT_LNK = f"PC03/{RECENT}/{LEAKED_NAME.rsplit('.', 1)[0]}.lnk"  # the demo's shortcut: a keyword lead (名簿)


def test_baseline_scan_found_the_copies(phases: dict):
    assert phases["base_run"].returncode == 1, phases["base_run"].stderr
    paths = {f["path"] for f in load(phases["base"])["files"]}
    assert {str(phases["src"] / p) for p in [KEPT, UNREADABLE, MOVED_FROM, MODIFIED, *DELETED]} <= paths


def test_every_change_is_classified(phases: dict):
    run, src = phases["rescan"], phases["src"]
    assert run.returncode == 1, run.stderr
    diff = load(phases["root"] / "re1", "diff.json")
    e = diff["entries"]
    assert diff["schema"] == "leakscan/diff@1"
    assert rel_paths(e, "removed", src) == sorted([*DELETED, MOVED_FROM])
    assert rel_paths(e, "remaining", src) == sorted([KEPT, UNCHANGED_CSV, PRINTOUT, "PC03/職員名簿.xlsx",
                                                     "PC06/利用者名簿_旧.xls", RECENT_LNK])
    assert rel_paths(e, "changed", src) == [MODIFIED]
    assert rel_paths(e, "unverified", src) == [UNREADABLE]
    assert rel_paths(e, "relocated", src) == sorted([MOVED_TO, SAMBA_RECYCLE, f"{ARCHIVE} » {LEAKED_NAME}",
                                                     RECYCLED_R])
    assert rel_paths(e, "new", src) == sorted([NEW_DERIVED, RECYCLED_I])
    # the moved copy names every baseline path holding the same content (the five identical copies)
    moved = next(x for x in e if x["path"].endswith(MOVED_TO))
    assert len(moved["baseline_paths"]) == 5 and str(src / MOVED_FROM) in moved["baseline_paths"]
    # keyword-only leads are listed but are not leak-set hits
    leads = [x for x in e if x["path"].endswith("職員名簿.xlsx")]
    assert leads and not leads[0]["leak"]
    # a name holding the named file's whole name is: until it is looked at, it keeps the rescan from clean
    printout = next(x for x in e if x["path"].endswith(PRINTOUT))
    assert printout["leak"] and printout["reasons"][0] == "name-contains"
    assert diff["verdict"] == "remaining"
    assert {"remaining", "changed", "relocated", "new", "unverified", "skipped"} <= set(diff["verdict_reasons"])
    assert any(s["reason"] == "unreadable" and s["path"].endswith(UNREADABLE) for s in diff["not_verified"])
    lingering = {x["path"].replace(str(src) + "/", ""): x["lingering"] for x in diff["lingering"]}
    assert lingering[SAMBA_RECYCLE] == ["recycle-bin"]
    assert lingering[f"{ARCHIVE} » {LEAKED_NAME}"] == ["archive"]
    # the recycle bin: $R holds the content under a random name, $I names where it came from
    assert lingering[RECYCLED_R] == lingering[RECYCLED_I] == ["recycle-bin"]
    recycled = {x["path"].replace(str(src) + "/", ""): x for x in e if "RECYCLE" in x["path"]}
    assert recycled[RECYCLED_R]["annotations"]["recycled_from"] == RECYCLED_FROM
    assert recycled[RECYCLED_I]["annotations"]["recycled_from"] == recycled[RECYCLED_R]["annotations"]["recycled_from"]
    assert recycled[RECYCLED_R]["leak"] and recycled[RECYCLED_I]["leak"]
    assert diff["scope"]["same"]


def test_rescan_outputs_are_listed_in_the_manifest_and_report_the_verdict(phases: dict):
    out = phases["root"] / "re1"
    manifest = (out / "manifest.sha256").read_text()
    for name in ("findings.json", "report.html", "diff.json", "remediation.html"):
        assert f"  {name}\n" in manifest
    html = (out / "remediation.html").read_text().replace("<wbr>", "")  # paths may break after a separator
    assert 'data-verdict="remaining"' in html and "残存あり" in html
    assert html.index('id="verdict"') < html.index('id="class-remaining"')
    assert "新しいフォルダー/介護予防_利用者名簿 - コピー.xlsx" in html


def test_a_rescan_stripped_of_its_diff_does_not_verify(phases: dict, tmp_path: Path):
    """Session 21: diff.json and remediation.html of a rescan deleted with their manifest lines left a folder verify
    called intact, a plain scan to every reader: findings.json records the --baseline it was compared with."""
    import shutil

    out = tmp_path / "re1"
    shutil.copytree(phases["root"] / "re1", out)
    for name in ("diff.json", "remediation.html"):
        (out / name).unlink()
    manifest = out / "manifest.sha256"
    manifest.write_text("".join(line for line in manifest.read_text().splitlines(keepends=True)
                                if not line.endswith(("  diff.json\n", "  remediation.html\n"))))
    run = run_cli("verify", str(out))
    assert run.returncode == 1 and "OUTPUT MISSING: diff.json" in run.stdout, run.stdout


def test_diff_command_gives_the_same_result(phases: dict):
    assert phases["diff_cmd"].returncode == 1, phases["diff_cmd"].stderr
    a = (phases["root"] / "re1" / "diff.json").read_bytes()
    b = (phases["root"] / "d1" / "diff.json").read_bytes()
    assert a == b
    assert json.loads(b)["rescan"]["findings_sha256"]


def test_one_unreadable_copy_left_is_not_verified(phases: dict):
    run = phases["rescan2"]
    assert run.returncode == 1, run.stderr
    diff = load(phases["root"] / "re2", "diff.json")
    assert diff["verdict"] == "not-verified"
    assert diff["verdict_reasons"] == ["unverified", "skipped"]
    assert rel_paths(diff["entries"], "unverified", phases["src"]) == [UNREADABLE]
    assert "未確認" in (phases["root"] / "re2" / "remediation.html").read_text()


def test_everything_removed_is_clean(phases: dict):
    run = phases["rescan3"]
    diff = load(phases["root"] / "re3", "diff.json")
    assert run.returncode == 0, (run.stderr, diff["verdict_reasons"], diff["not_verified"])
    assert diff["verdict"] == "clean"
    assert diff["leak_counts"]["removed"] == 9  # every baseline leak-set hit, the printout lead (name-contains) included
    assert all(diff["leak_counts"][c] == 0 for c in ("remaining", "changed", "relocated", "new", "unverified"))
    html = (phases["root"] / "re3" / "remediation.html").read_text()
    assert 'data-verdict="clean"' in html and "No copy remains" in html


def test_errors_exit_2(phases: dict, tmp_path: Path):
    bad = tmp_path / "not-findings.json"
    bad.write_text("{}")
    run = run_without_dac("scan", str(phases["src"]), *NAME, "--out", str(tmp_path / "o"), "--baseline", str(bad))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    run = run_without_dac("diff", str(phases["base"]), str(tmp_path / "missing"), "--out", str(tmp_path / "d"))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    run = run_without_dac("scan", str(phases["src"]), *NAME, "--out", str(phases["base"]), "--baseline",
                          str(phases["base"]))
    assert run.returncode == 2 and "not this scan's --out" in run.stderr
    assert (phases["base"] / "findings.json").is_file()


def test_a_rescan_without_case_id_carries_the_baseline_s_and_says_so(phases: dict):
    """rescan2 gives --baseline but no --case-id: it is the same case (the remediation report's header and its
    findings say 2026-001, not "-"), and the terminal says where the number came from."""
    assert load(phases["root"] / "re2")["case"]["id"] == "2026-001"
    assert "case id 2026-001 taken from the baseline" in phases["rescan2"].stderr
    html = (phases["root"] / "re2" / "remediation.html").read_text()
    assert "2026-001 -" not in html and html.count("2026-001") >= 3  # running header and both table columns


def test_a_rescan_given_another_case_id_than_the_baseline_s_says_so(phases: dict, tmp_path: Path):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "memo.txt").write_text("nothing here", "utf-8")
    run = run_cli("scan", str(tmp_path / "s"), *NAME, "--out", str(tmp_path / "o"), "--baseline",
                  str(phases["base"]), "--case-id", "2026-002")
    assert "--case-id 2026-002 is not the baseline's case id 2026-001" in run.stderr, run.stderr
    assert load(tmp_path / "o")["case"]["id"] == "2026-002"  # what the examiner gave is what is recorded


def _next_second() -> None:
    """leakscan records when a scan began to the second: the next step begins in a later one."""
    import time

    time.sleep(1.05 - time.time() % 1)


def test_a_rescan_older_than_its_baseline_is_never_clean(tmp_path: Path):
    """Session 21: ``diff NEW OLD`` with the two scans swapped (the "rescan" made before the copy was there, the
    "baseline" after it) said every copy was removed: clean, exit 0. A rescan that began before its baseline ended
    shows nothing about what is left after it: not-verified, said why."""
    from scanner.demo import client_list_xlsx, make_people

    src = tmp_path / "share"
    src.mkdir()
    (src / "memo.txt").write_text("議事録", encoding="utf-8")
    earlier = tmp_path / "earlier"
    assert run_cli("scan", str(src), *NAME, "--out", str(earlier), "--quiet").returncode == 0
    _next_second()  # review21c: both scans began in one second in 4 runs of 6 (a warm process): never "swapped"
    (src / LEAKED_NAME).write_bytes(client_list_xlsx(make_people(8)))
    later = tmp_path / "later"
    assert run_cli("scan", str(src), *NAME, "--out", str(later), "--case-id", "2026-777").returncode == 1
    run = run_cli("diff", str(later), str(earlier), "--out", str(tmp_path / "swapped"))
    diff = load(tmp_path / "swapped", "diff.json")
    assert diff["leak_counts"]["removed"] == 1
    assert run.returncode == 1 and diff["verdict"] == "not-verified" and "order" in diff["verdict_reasons"]
    assert "order" in run.stderr and "Traceback" not in run.stderr
    html = (tmp_path / "swapped" / "remediation.html").read_text(encoding="utf-8")
    assert 'data-verdict="not-verified"' in html
    genuine = run_cli("diff", str(earlier), str(later), "--out", str(tmp_path / "forward"), "--quiet")
    assert genuine.returncode == 1 and "order" not in load(tmp_path / "forward", "diff.json")["verdict_reasons"]
    # two scans of two cases (case ids given to both, not the same) are said to be so, as scan --baseline says
    other = tmp_path / "other-case"
    assert run_cli("scan", str(src), *NAME, "--out", str(other), "--case-id", "2026-778").returncode == 1
    run = run_cli("diff", str(later), str(other), "--out", str(tmp_path / "two-cases"), "--quiet")
    assert run.returncode == 1 and "2026-777" in run.stderr and "2026-778" in run.stderr and "case id" in run.stderr


def test_two_scans_begun_in_one_second_are_ordered(tmp_path: Path):
    """Session 22: a scan's start was recorded to the second, so a baseline and a rescan begun in one second were
    "in order" both ways: ``diff LATER EARLIER`` (swapped, the copy made between them read as removed) was clean,
    exit 0. The start is recorded to the microsecond (the report still shows seconds, JST)."""
    import time

    from scanner.demo import client_list_xlsx, make_people

    src = tmp_path / "share"
    src.mkdir()
    (src / "memo.txt").write_text("議事録", encoding="utf-8")
    workbook = client_list_xlsx(make_people(8))
    for attempt in range(6):  # both scans begin in one second (a warm scan takes ~0.3 s)
        earlier, later = tmp_path / f"earlier{attempt}", tmp_path / f"later{attempt}"
        (src / LEAKED_NAME).unlink(missing_ok=True)
        time.sleep(1.02 - time.time() % 1)
        assert run_cli("scan", str(src), *NAME, "--out", str(earlier)).returncode == 0
        (src / LEAKED_NAME).write_bytes(workbook)
        assert run_cli("scan", str(src), *NAME, "--out", str(later)).returncode == 1
        starts = [load(out)["scan"]["started"] for out in (earlier, later)]
        if starts[0][:19] == starts[1][:19]:
            break
    else:
        pytest.skip("the machine is too slow for two scans in one second")
    run = run_cli("diff", str(later), str(earlier), "--out", str(tmp_path / "swapped"), "--quiet")
    diff = load(tmp_path / "swapped", "diff.json")
    assert run.returncode == 1 and diff["verdict"] == "not-verified" and "order" in diff["verdict_reasons"]
    forward = run_cli("diff", str(earlier), str(later), "--out", str(tmp_path / "forward"), "--quiet")
    assert "order" not in load(tmp_path / "forward", "diff.json")["verdict_reasons"], forward.stderr
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", s) for s in starts), starts
    assert starts[0] < starts[1]
    html = (later / "report.html").read_text(encoding="utf-8")  # the report shows the start to the second, JST
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d （日本時間）</td>", html)


def test_a_merge_of_merges_is_ordered_by_when_its_scans_began(tmp_path: Path):
    """Review 21c: the order check read a merged case's inputs' ``started``, and an input that is itself a merge
    records when it was merged, not when its scans began. ``diff NEW OLD`` with OLD a merge of merges of scans made
    before the copy was there (merged only after NEW was scanned) said the copy was removed: clean, exit 0; the same
    pair the right way round was not-verified for "order". A merge records its merged inputs' scans' starts."""
    from scanner.demo import client_list_xlsx, make_people

    src = tmp_path / "share"
    for pc in ("PC01", "PC02"):
        (src / pc).mkdir(parents=True)
        (src / pc / "memo.txt").write_text("議事録", encoding="utf-8")
    earlier = [tmp_path / "e1", tmp_path / "e2"]
    for pc, out in zip(("PC01", "PC02"), earlier, strict=True):
        assert run_cli("scan", str(src / pc), *NAME, "--out", str(out), "--quiet").returncode == 0
    _next_second()
    (src / "PC01" / LEAKED_NAME).write_bytes(client_list_xlsx(make_people(8)))
    later = [tmp_path / "l1", tmp_path / "l2"]
    for pc, out in zip(("PC01", "PC02"), later, strict=True):
        assert run_cli("scan", str(src / pc), *NAME, "--out", str(out), "--quiet").returncode == (pc == "PC01")
    assert run_cli("merge", *map(str, later), "--out", str(tmp_path / "later"), "--quiet").returncode == 1
    _next_second()
    inner, old = tmp_path / "m1", tmp_path / "old"  # the earlier scans merged into one case only now
    assert run_cli("merge", *map(str, earlier), "--out", str(inner), "--quiet").returncode == 0
    assert run_cli("merge", str(inner), "--out", str(old), "--quiet").returncode == 0
    run = run_cli("diff", str(tmp_path / "later"), str(old), "--out", str(tmp_path / "swapped"), "--quiet")
    diff = load(tmp_path / "swapped", "diff.json")
    assert diff["leak_counts"]["removed"] == 1
    assert run.returncode == 1 and diff["verdict"] == "not-verified" and "order" in diff["verdict_reasons"], diff
    genuine = run_cli("diff", str(old), str(tmp_path / "later"), "--out", str(tmp_path / "forward"), "--quiet")
    assert genuine.returncode == 1 and "order" not in load(tmp_path / "forward", "diff.json")["verdict_reasons"]


def test_a_rescan_of_one_scan_of_a_merged_baseline_is_not_clean(tmp_path: Path):
    """Review 21c: a merged case's settings are its first input's, and the scope check read the sources from them:
    a rescan of PC01 alone against the merge of PC01's and PC02's scans had "the same scope", PC02's copy (never
    looked at again, still on the share) was read as removed: clean, exit 0. The merged case's scope is every
    input's sources; a rescan of part of it is not-verified (scope), a rescan of all of it still compares."""
    from scanner.demo import client_list_xlsx, make_people

    src = tmp_path / "share"
    data = client_list_xlsx(make_people(8))
    outs = [tmp_path / "a", tmp_path / "b"]
    for pc, out in zip(("PC01", "PC02"), outs, strict=True):
        (src / pc).mkdir(parents=True)
        (src / pc / LEAKED_NAME).write_bytes(data)
        assert run_cli("scan", str(src / pc), *NAME, "--out", str(out), "--quiet").returncode == 1
    merged = tmp_path / "case"
    assert run_cli("merge", *map(str, outs), "--out", str(merged), "--quiet").returncode == 1
    (src / "PC01" / LEAKED_NAME).unlink()  # PC02's copy stays
    run = run_cli("scan", str(src / "PC01"), *NAME, "--out", str(tmp_path / "part"), "--baseline", str(merged),
                  "--quiet")
    diff = load(tmp_path / "part", "diff.json")
    assert run.returncode == 1 and diff["verdict"] == "not-verified" and "scope" in diff["verdict_reasons"], diff
    assert [d["field"] for d in diff["scope"]["differences"]] == ["sources"]
    run = run_cli("scan", str(src / "PC01"), str(src / "PC02"), *NAME, "--out", str(tmp_path / "whole"),
                  "--baseline", str(merged), "--quiet")
    diff = load(tmp_path / "whole", "diff.json")
    assert run.returncode == 1 and diff["scope"]["same"] and diff["leak_counts"]["remaining"] == 1, diff
    # inputs that looked for different things (one without keywords): the merged case has no one scope to compare
    other = tmp_path / "c"
    assert run_cli("scan", str(src / "PC02"), *NAME, "--out", str(other), "--no-keywords", "--quiet").returncode == 1
    assert run_cli("merge", str(outs[0]), str(other), "--out", str(tmp_path / "mixed"), "--quiet").returncode == 1
    run = run_cli("scan", str(src / "PC01"), str(src / "PC02"), *NAME, "--out", str(tmp_path / "again"),
                  "--baseline", str(tmp_path / "mixed"), "--quiet")
    diff = load(tmp_path / "again", "diff.json")
    assert run.returncode == 1 and [d["field"] for d in diff["scope"]["differences"]] == ["use_keywords"], diff
    html = (tmp_path / "again" / "remediation.html").read_text(encoding="utf-8")
    assert "統合した調査ごとに異なる" in html and "differs between the merged scans" not in html


def test_a_merged_baseline_of_scans_with_other_settings_compares_per_source(tmp_path: Path):
    """Session 22 (review21c's trade-off): a merged case whose inputs used different scope settings (PC02 scanned
    with --no-keywords) had no one value for that setting, so every rescan differed in it: not-verified (scope) even
    for the same per-PC scans rescanned once the copies were gone; such a case could never be clean. Each input's
    scope settings are recorded per source in the merge and compared per source."""
    from scanner.demo import client_list_xlsx, make_people

    src = tmp_path / "share"
    data = client_list_xlsx(make_people(8))
    flags = {"PC01": [], "PC02": ["--no-keywords"]}
    for pc in flags:
        (src / pc).mkdir(parents=True)
        (src / pc / LEAKED_NAME).write_bytes(data)
        assert run_cli("scan", str(src / pc), *NAME, *flags[pc], "--out", str(tmp_path / f"b-{pc}")).returncode == 1
    base = tmp_path / "base"
    assert run_cli("merge", *(str(tmp_path / f"b-{pc}") for pc in flags), "--out", str(base), "--quiet").returncode == 1
    for pc in flags:
        (src / pc / LEAKED_NAME).unlink()
        assert run_cli("scan", str(src / pc), *NAME, *flags[pc], "--out", str(tmp_path / f"r-{pc}")).returncode == 0
    again = tmp_path / "again"
    assert run_cli("merge", *(str(tmp_path / f"r-{pc}") for pc in flags), "--out", str(again),
                   "--quiet").returncode == 0
    run = run_cli("diff", str(base), str(again), "--out", str(tmp_path / "d"), "--quiet")
    diff = load(tmp_path / "d", "diff.json")
    assert diff["scope"]["same"] and diff["verdict"] == "clean" and run.returncode == 0, diff["scope"]
    assert diff["leak_counts"]["removed"] == 2
    # a merge of merges keeps each scan's settings: the baseline merged again with a third, plain scan of PC01
    assert run_cli("scan", str(src / "PC01"), *NAME, "--out", str(tmp_path / "third")).returncode == 0
    assert run_cli("merge", str(base), str(tmp_path / "third"), "--out", str(tmp_path / "base2"),
                   "--quiet").returncode == 1
    run = run_cli("diff", str(tmp_path / "base2"), str(again), "--out", str(tmp_path / "d1"), "--quiet")
    assert load(tmp_path / "d1", "diff.json")["scope"]["same"], load(tmp_path / "d1", "diff.json")["scope"]
    # PC02 rescanned with keywords (PC01's settings): it looked for other things than its baseline did
    assert run_cli("scan", str(src / "PC02"), *NAME, "--out", str(tmp_path / "r-kw")).returncode == 0
    assert run_cli("merge", str(tmp_path / "r-PC01"), str(tmp_path / "r-kw"), "--out", str(tmp_path / "other"),
                   "--quiet").returncode == 0
    run = run_cli("diff", str(base), str(tmp_path / "other"), "--out", str(tmp_path / "d2"), "--quiet")
    diff = load(tmp_path / "d2", "diff.json")
    assert run.returncode == 1 and diff["verdict"] == "not-verified" and "scope" in diff["verdict_reasons"]
    assert [(d["field"], d.get("sources")) for d in diff["scope"]["differences"]] == [
        ("use_keywords", [str(src / "PC02")])], diff["scope"]
    # one scan of both PCs with one setting cannot match both inputs' settings
    run = run_cli("scan", str(src / "PC01"), str(src / "PC02"), *NAME, "--out", str(tmp_path / "one"), "--baseline",
                  str(base))
    diff = load(tmp_path / "one", "diff.json")
    assert run.returncode == 1 and [d["field"] for d in diff["scope"]["differences"]] == ["use_keywords"], diff
    # a merged rescan against a plain scan of both PCs (the same, the other way round)
    assert run_cli("scan", str(src / "PC01"), str(src / "PC02"), *NAME, "--out", str(tmp_path / "plain"),
                   "--no-keywords").returncode == 0
    run = run_cli("diff", str(tmp_path / "plain"), str(again), "--out", str(tmp_path / "d3"), "--quiet")
    assert [d["field"] for d in load(tmp_path / "d3", "diff.json")["scope"]["differences"]] == ["use_keywords"]


def test_a_merged_rescan_is_ordered_per_source(tmp_path: Path):
    """Review 21c: the order check compared the rescan's first scan with the baseline's last, across machines: PCs
    scanned one after another (PC01's baseline, its rescan once cleaned, then PC02's baseline and rescan), both
    merged, was not-verified ("order") although each PC was rescanned after its own baseline; no such case could
    ever be clean. Each rescan scan is ordered after the baseline scans of its sources; swapped, still "order"."""
    from scanner.demo import client_list_xlsx, make_people

    src = tmp_path / "share"
    data = client_list_xlsx(make_people(8))
    base, re = [tmp_path / "b1", tmp_path / "b2"], [tmp_path / "r1", tmp_path / "r2"]
    for pc, b, r in zip(("PC01", "PC02"), base, re, strict=True):
        (src / pc).mkdir(parents=True)
        (src / pc / LEAKED_NAME).write_bytes(data)
        _next_second()
        assert run_cli("scan", str(src / pc), *NAME, "--out", str(b), "--quiet").returncode == 1
        (src / pc / LEAKED_NAME).unlink()
        _next_second()
        assert run_cli("scan", str(src / pc), *NAME, "--out", str(r), "--quiet").returncode == 0
    assert run_cli("merge", *map(str, base), "--out", str(tmp_path / "base"), "--quiet").returncode == 1
    assert run_cli("merge", *map(str, re), "--out", str(tmp_path / "re"), "--quiet").returncode == 0
    run = run_cli("diff", str(tmp_path / "base"), str(tmp_path / "re"), "--out", str(tmp_path / "d"), "--quiet")
    diff = load(tmp_path / "d", "diff.json")
    assert run.returncode == 0 and diff["verdict"] == "clean" and diff["leak_counts"]["removed"] == 2, diff
    run = run_cli("diff", str(tmp_path / "re"), str(tmp_path / "base"), "--out", str(tmp_path / "s"), "--quiet")
    assert run.returncode == 1 and "order" in load(tmp_path / "s", "diff.json")["verdict_reasons"]
