"""``leakscan merge``: two halves of a share scanned apart and merged equal one scan of the whole."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli
from remediation_data import load, share, with_case_key

from scanner.demo import LEAKED_NAME


def _files(doc: dict) -> set[tuple[str, str | None]]:
    return {(f["path"], f["sha256"]) for f in doc["files"]}


def _groups(doc: dict) -> set[tuple[str, tuple[str, ...]]]:
    return {(g["sha256"], tuple(sorted(g["paths"]))) for g in doc["duplicate_groups"]}


def test_merge_of_two_halves_equals_one_scan_of_the_whole(tmp_path: Path):
    src = share(tmp_path)
    halves = [[str(src / p) for p in ("PC01", "PC02", "PC03")], [str(src / p) for p in ("PC04", "PC05", "PC06")]]
    key_holder = with_case_key(tmp_path / "whole")
    outs = [with_case_key(tmp_path / "a", key_holder), with_case_key(tmp_path / "b", key_holder)]
    common = ["--name", LEAKED_NAME, "--quiet"]
    for half, out in zip(halves, outs, strict=True):
        assert run_cli("scan", *half, *common, "--out", str(out), "--case-id", out.name).returncode == 1
    assert run_cli("scan", str(src), *common, "--out", str(key_holder)).returncode == 1
    run = run_cli("merge", *map(str, outs), "--out", str(tmp_path / "case"))
    assert run.returncode == 1, run.stderr

    merged, whole, a, b = load(tmp_path / "case"), load(key_holder), load(outs[0]), load(outs[1])
    assert _files(merged) == _files(whole)
    assert _files(a) and _files(b) and not (_files(a) & _files(b))
    assert _groups(merged) == _groups(whole)
    # the five identical copies span both halves: one group only once merged
    assert max(g["count"] for g in merged["duplicate_groups"]) == 5
    assert max((g["count"] for g in a["duplicate_groups"]), default=0) < 5
    assert [f["id"] for f in merged["files"]] == list(range(1, len(merged["files"]) + 1))
    assert {s["path"] for s in merged["skipped"]} == {s["path"] for s in whole["skipped"]}
    assert sorted(merged["scan"]["sources"]) == sorted(halves[0] + halves[1])
    # persons across both scans: same case key, so the keyed fingerprints compare
    assert merged["persons"]["fingerprints"] == whole["persons"]["fingerprints"]
    assert merged["persons"]["unique"] == len(whole["persons"]["fingerprints"])
    assert merged["merge"]["persons"].startswith("combined")
    assert [i["case"]["id"] for i in merged["merge"]["inputs"]] == ["a", "b"]
    html = (tmp_path / "case" / "report.html").read_text()
    for i in merged["merge"]["inputs"]:  # each scan's chain of custody is in the one report
        assert i["findings_sha256"] in html and i["chain_of_custody"]["host"] in html
    assert run_cli("verify", str(tmp_path / "case")).returncode == 0


def test_same_scan_twice_is_not_counted_twice_and_other_keys_are_not_combined(tmp_path: Path):
    src = share(tmp_path)
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):  # each with its own random case key
        assert run_cli("scan", str(src), "--name", LEAKED_NAME, "--quiet", "--out", str(out)).returncode == 1
    run = run_cli("merge", str(a), str(a), str(b), "--out", str(tmp_path / "case"), "--quiet")
    assert run.returncode == 1, run.stderr
    merged, one = load(tmp_path / "case"), load(a)
    assert _files(merged) == _files(one) and len(merged["files"]) == len(one["files"])
    assert merged["merge"]["duplicate_hits_dropped"] == len(one["files"])  # a given twice is merged once
    assert "persons" not in merged and merged["merge"]["persons"].startswith("not combined")
    run = run_cli("merge", str(a), "--out", str(a))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    # Session 21: persons of such a merge said "the scan found no leaked file to count" (exit 2), a wrong answer
    # about a case whose scans found copies holding persons: it says why they cannot be counted together and how
    case = str(tmp_path / "case")
    run = run_cli("persons", case)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "no leaked file" not in run.stderr
    assert "different case keys" in run.stderr and "case.key" in run.stderr
    for out in (a, b):  # each input's own count, and the command that gives it
        assert f"leakscan persons {out}" in run.stderr
    assert str(load(a)["persons"]["unique"]) in run.stderr
    ja = run_cli("persons", case, env={"LANG": "ja_JP.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""})
    assert ja.returncode == 2 and "case.key" in ja.stderr and "no leaked file" not in ja.stderr
    run = run_cli("persons", case, "--export", str(tmp_path / "list.xlsx"))
    assert run.returncode == 2 and "different case keys" in run.stderr and not (tmp_path / "list.xlsx").exists()
    run = run_cli("verify", case)  # the outputs match; the case's missing count is said, not read as none
    assert run.returncode == 0 and "not counted together" in run.stdout and f"leakscan persons {case}" in run.stdout
    # a rescan with the merged case as its baseline: the baseline's persons were not counted, said so
    rescan = run_cli("scan", str(src), "--name", LEAKED_NAME, "--out", str(tmp_path / "re"), "--baseline", case)
    assert rescan.returncode == 1 and "Traceback" not in rescan.stderr
    assert "different case keys" in rescan.stderr
    diff = load(tmp_path / "re", "diff.json")
    assert diff["persons"]["baseline"] is None and diff["persons"]["baseline_not_combined"] == "case keys"
    html = (tmp_path / "re" / "remediation.html").read_text(encoding="utf-8")
    assert 'id="persons-not-combined"' in html


def test_a_merge_of_a_merge_whose_persons_were_not_combined_is_not_combined(tmp_path: Path):
    """Review 21c: a merged case whose inputs' persons could not be counted together (different case keys), merged
    again with one more scan, took the one scan's persons as the whole case's: 3 PCs with 20 persons each (60), the
    outer merge said "combined", 20 persons. Merged with a scan that found nothing, it said "the scan found no leaked
    file to count" (the wrong answer Session 21 removed from the first merge). An input that holds no person count
    for that reason leaves the merge without one, said the same way."""
    from scanner.demo import client_list_xlsx, make_people

    people = make_people(60)
    outs = {}
    for n, pc in enumerate(("PC01", "PC02", "PC03")):
        (tmp_path / "share" / pc).mkdir(parents=True)
        (tmp_path / "share" / pc / LEAKED_NAME).write_bytes(client_list_xlsx(people[20 * n:20 * n + 20]))
        outs[pc] = tmp_path / pc.lower()  # each with its own random case key
        run = run_cli("scan", str(tmp_path / "share" / pc), "--name", LEAKED_NAME, "--quiet", "--out", str(outs[pc]))
        assert run.returncode == 1 and load(outs[pc])["persons"]["unique"] == 20, run.stderr
    (tmp_path / "share" / "PC04").mkdir()
    empty = with_case_key(tmp_path / "pc04", outs["PC03"])
    assert run_cli("scan", str(tmp_path / "share" / "PC04"), "--name", LEAKED_NAME, "--quiet",
                   "--out", str(empty)).returncode == 0
    inner = tmp_path / "m1"
    assert run_cli("merge", str(outs["PC01"]), str(outs["PC02"]), "--out", str(inner), "--quiet").returncode == 1
    assert "persons" not in load(inner)
    for other, name in ((outs["PC03"], "m2"), (empty, "m3")):
        run = run_cli("merge", str(inner), str(other), "--out", str(tmp_path / name), "--quiet")
        assert run.returncode == 1, run.stderr
        merged = load(tmp_path / name)
        assert "persons" not in merged, (name, merged["persons"]["unique"])
        assert merged["merge"]["persons"].startswith("not combined: the inputs used different case keys")
        run = run_cli("persons", str(tmp_path / name))
        assert run.returncode == 2 and "different case keys" in run.stderr and "no leaked file" not in run.stderr
        assert f"leakscan persons {inner}" in run.stderr
