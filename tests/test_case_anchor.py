"""The case's external anchor (Session 7): the SHA-256 of findings.json, printed by scan / merge / report and shown
in report.html, is what the examiner writes into the complaint; ``verify --expect-sha256`` compares it.

The forger here is the careful one: findings.json edited so that it still agrees with itself (summary and groups
made again) and manifest.sha256 made again. Without the value written down, verify cannot see it (a checksum list
is no signature); with it, verify fails naming the document. diff and ``scan --baseline`` check their inputs like
merge, report and persons do: a baseline the manifest does not vouch for, or that contradicts itself, is refused.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_cli
from remediation_data import load, remake_derived, share

from scanner.demo import LEAKED_NAME
from scanner.output import write_manifest


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    root = tmp_path_factory.mktemp("anchor")
    src = share(root)
    out = root / "out"
    run = run_cli("scan", str(src), "--name", LEAKED_NAME, "--out", str(out), "--case-id", "A-1")
    assert run.returncode == 1, run.stderr
    return src, out, run.stderr


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _keyword_lead_removed(doc: dict) -> None:
    """A lead taken out of the list (not a copy, not counted), the summary and groups made to agree."""
    lead = next(f for f in doc["files"] if f["reasons"] == ["name-keyword"])
    doc["files"].remove(lead)


def _examiner_changed(doc: dict) -> None:
    doc["case"]["examiner"] = "別人 花子"


def _forged(out: Path, dest: Path, edit: Callable[[dict], None]) -> Path:
    """The careful forger: the edit, then the duplicate groups, the summary and the manifest made again."""
    from scanner.store import duplicate_groups
    from scanner.summary import summarise

    shutil.copytree(out, dest)
    doc = load(dest)
    edit(doc)
    doc["duplicate_groups"] = duplicate_groups(doc["files"])
    doc.pop("summary")
    doc["summary"] = summarise(doc)
    (dest / "findings.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), "utf-8")
    write_manifest(dest)
    return dest


def test_scan_prints_the_anchor_and_the_report_shows_it(case: tuple[Path, Path, str]) -> None:
    _src, out, stderr = case
    digest = _sha(out / "findings.json")
    assert re.search(rf"^findings.json SHA-256: +{digest}$", stderr, re.M), stderr
    assert re.search(rf"^to check it later: +leakscan verify .* --expect-sha256 {digest}$", stderr, re.M), stderr
    report = (out / "report.html").read_text("utf-8")
    assert f"--expect-sha256 {digest}" in report
    assert _sha(out / "report.html") not in report  # the report cannot and does not claim its own hash


def test_verify_takes_the_value_as_copied_back_from_paper(case: tuple[Path, Path, str]) -> None:
    _src, out, _ = case
    digest = _sha(out / "findings.json")
    grouped = " ".join(digest[i:i + 16] for i in range(0, 64, 16)).upper()  # as printed in the report
    run = run_cli("verify", str(out), "--expect-sha256", grouped)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "anchor: the SHA-256 written down matches findings.json" in run.stdout
    wide = "\u3000".join(digest[i:i + 16] for i in range(0, 64, 16)).translate(  # typed with a Japanese IME
        {c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert run_cli("verify", str(out), "--expect-sha256", wide).returncode == 0


@pytest.mark.parametrize("edit", [_keyword_lead_removed, _examiner_changed], ids=["lead-removed", "examiner"])
def test_a_consistent_forgery_is_caught_by_the_anchor(edit: Callable[[dict], None], case: tuple[Path, Path, str],
                                                       tmp_path: Path) -> None:
    _src, out, _ = case
    written_down = _sha(out / "findings.json")
    forged = _forged(out, tmp_path / "forged", edit)
    remake_derived(forged)  # every file made from it made again (Session 9: verify ties them to findings.json)
    plain = run_cli("verify", str(forged))
    assert plain.returncode == 0, plain.stdout  # self-consistent and re-manifested: invisible without the anchor
    run = run_cli("verify", str(forged), "--expect-sha256", written_down)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"ANCHOR MISMATCH: findings.json: the SHA-256 written down ({written_down})" in run.stdout
    assert "Traceback" not in run.stderr
    as_json = json.loads(run_cli("verify", str(forged), "--expect-sha256", written_down, "--json").stdout)
    assert not as_json["ok"] and as_json["anchors"]["findings.json"] == _sha(forged / "findings.json")
    japanese = run_cli("verify", str(forged), "--expect-sha256", written_down, env={"LANG": "ja_JP.UTF-8"})
    assert japanese.returncode == 1 and "記録値の不一致" in japanese.stdout


def test_report_again_keeps_the_anchor(case: tuple[Path, Path, str], tmp_path: Path) -> None:
    """`report --lang en` rewrites report.html and the manifest (whose SHA-256 changes), not findings.json."""
    _src, out, _ = case
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    digest, manifest = _sha(copy / "findings.json"), _sha(copy / "manifest.sha256")
    run = run_cli("report", str(copy), "--lang", "en")
    assert run.returncode == 0, run.stderr
    assert re.search(rf"^findings.json SHA-256: +{digest}$", run.stderr, re.M), run.stderr
    assert _sha(copy / "findings.json") == digest and _sha(copy / "manifest.sha256") != manifest
    assert f"--expect-sha256 {digest}" in (copy / "report.html").read_text("utf-8")
    assert run_cli("verify", str(copy), "--expect-sha256", digest).returncode == 0


@pytest.mark.parametrize("value", ["abc", "", "g" * 64, "0" * 63])
def test_a_mistyped_value_is_one_line(value: str, case: tuple[Path, Path, str]) -> None:
    _src, out, _ = case
    run = run_cli("verify", str(out), "--expect-sha256", value)
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "--expect-sha256" in run.stderr


def test_merge_and_diff_print_their_anchor(case: tuple[Path, Path, str], tmp_path: Path) -> None:
    _src, out, _ = case
    merged = run_cli("merge", str(out), "--out", str(tmp_path / "merged"))
    assert merged.returncode == 1, merged.stderr
    assert re.search(rf"^findings.json SHA-256: +{_sha(tmp_path / 'merged' / 'findings.json')}$", merged.stderr, re.M)
    diff = run_cli("diff", str(out), str(tmp_path / "merged"), "--out", str(tmp_path / "diff"))
    assert diff.returncode in (0, 1), diff.stderr
    assert re.search(rf"^diff.json SHA-256: +{_sha(tmp_path / 'diff' / 'diff.json')}$", diff.stderr, re.M)
    assert f"--expect-sha256 {_sha(tmp_path / 'diff' / 'diff.json')}" in \
        (tmp_path / "diff" / "remediation.html").read_text("utf-8")
    assert run_cli("verify", str(tmp_path / "diff"), "--expect-sha256",
                   _sha(tmp_path / "diff" / "diff.json")).returncode == 0


def _summary_edited(doc: dict) -> None:
    doc["summary"]["copies"] -= 1


@pytest.mark.parametrize("remanifest", [False, True], ids=["manifest-kept", "manifest-made-again"])
def test_diff_and_rescan_refuse_a_tampered_baseline(remanifest: bool, case: tuple[Path, Path, str],
                                                    tmp_path: Path) -> None:
    src, out, _ = case
    bad = tmp_path / "bad"
    shutil.copytree(out, bad)
    doc = load(bad)
    _summary_edited(doc)
    (bad / "findings.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), "utf-8")
    if remanifest:
        write_manifest(bad)
    said = "summary does not agree" if remanifest else "does not match its manifest.sha256"
    for args in (["diff", str(bad), str(out), "--out", str(tmp_path / "d")],
                 ["diff", str(out), str(bad), "--out", str(tmp_path / "d")],
                 ["scan", str(src), "--name", LEAKED_NAME, "--out", str(tmp_path / "re"), "--baseline", str(bad)],
                 ["scan", str(src), "--name", LEAKED_NAME, "--out", str(tmp_path / "re"),
                  "--baseline", str(bad / "findings.json")]):
        run = run_cli(*args)
        assert run.returncode == 2, (args, run.stderr)
        assert said in run.stderr and "Traceback" not in run.stderr, run.stderr
        assert len(run.stderr.strip().splitlines()) == 1, run.stderr
        assert not (tmp_path / "d").exists() and not (tmp_path / "re").exists()  # refused before anything is written


def test_the_original_kept_as_diff_json_does_not_vouch_for_a_forged_findings(case: tuple[Path, Path, str],
                                                                             tmp_path: Path) -> None:
    """The forger keeps the original findings.json's bytes beside the forgery under the other anchored name
    (diff.json) and makes the manifest again: the value written down for findings.json must still fail."""
    _src, out, _ = case
    written_down = _sha(out / "findings.json")
    forged = tmp_path / "forged"
    shutil.copytree(out, forged)
    shutil.copyfile(out / "findings.json", forged / "diff.json")
    _forged(forged, tmp_path / "forged2", _keyword_lead_removed)
    run = run_cli("verify", str(tmp_path / "forged2"), "--expect-sha256", written_down)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "ANCHOR MISMATCH" in run.stdout


def test_an_anchored_document_that_is_no_document_is_a_mismatch_not_a_crash(case: tuple[Path, Path, str],
                                                                             tmp_path: Path) -> None:
    """findings.json replaced by 100,000 nested lists (the manifest made again): the value written down is
    not found, in one verdict (before: an internal RecursionError while reading the document's kind)."""
    _src, out, _ = case
    written_down = _sha(out / "findings.json")
    forged = tmp_path / "forged"
    shutil.copytree(out, forged)
    (forged / "findings.json").write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    write_manifest(forged)
    run = run_cli("verify", str(forged), "--expect-sha256", written_down)
    assert run.returncode == 1 and "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    assert "ANCHOR MISMATCH" in run.stdout


def test_diff_and_rescan_refuse_a_forged_baseline_by_its_written_down_value(case: tuple[Path, Path, str],
                                                                            tmp_path: Path) -> None:
    """Session 8: a baseline kept self-consistent by a forger passes diff's own checks; the value written down for
    it (``--baseline-sha256``) does not. Refused before anything is compared, scanned or written."""
    src, out, _ = case
    written_down = _sha(out / "findings.json")
    forged = _forged(out, tmp_path / "forged", _keyword_lead_removed)
    assert run_cli("diff", str(forged), str(out), "--out", str(tmp_path / "plain")).returncode in (0, 1)
    run = run_cli("diff", str(forged), str(out), "--out", str(tmp_path / "d"), "--baseline-sha256", written_down)
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert "--baseline-sha256" in run.stderr and written_down in run.stderr and not (tmp_path / "d").exists()
    ok = run_cli("diff", str(out), str(out), "--out", str(tmp_path / "ok"), "--baseline-sha256",
                 written_down.upper())
    assert ok.returncode in (0, 1) and (tmp_path / "ok" / "diff.json").is_file(), ok.stderr
    rescan = run_cli("scan", str(src), "--name", LEAKED_NAME, "--out", str(tmp_path / "re"), "--baseline",
                     str(forged), "--baseline-sha256", written_down)
    assert rescan.returncode == 2 and "--baseline-sha256" in rescan.stderr, rescan.stderr
    assert not (tmp_path / "re" / "findings.json").exists()
    alone = run_cli("scan", str(src), "--out", str(tmp_path / "alone"), "--baseline-sha256", written_down)
    assert alone.returncode == 2 and "needs --baseline" in alone.stderr, alone.stderr


@pytest.mark.parametrize("command", ["diff", "scan"])
def test_a_mistyped_baseline_value_names_its_own_option(command: str, case: tuple[Path, Path, str],
                                                        tmp_path: Path) -> None:
    src, out, _ = case
    args = [str(out), str(out)] if command == "diff" else [str(src), "--baseline", str(out)]
    run = run_cli(command, *args, "--out", str(tmp_path / "o"), "--baseline-sha256", "abc")
    assert run.returncode == 2 and "--baseline-sha256" in run.stderr and "--expect-sha256" not in run.stderr, \
        run.stderr


def test_baseline_value_given_on_resume_is_checked_not_ignored(case: tuple[Path, Path, str], tmp_path: Path) -> None:
    """A rescan stopped before publishing, resumed with the value written down: a value that is not the baseline's
    stops the resume (it was dropped without a word); one given to a scan that has no baseline is a usage error."""
    src, out, _ = case
    rescan = tmp_path / "rescan"
    assert run_cli("scan", str(src), "--name", LEAKED_NAME, "--baseline", str(out), "--out", str(rescan),
                   "--quiet").returncode in (0, 1)
    (rescan / "findings.json").unlink()  # as if the scan had stopped before publishing
    wrong = run_cli("scan", "--resume", str(rescan), "--baseline-sha256", "0" * 64, "--quiet")
    assert wrong.returncode == 2 and "changed or replaced" in wrong.stderr, wrong.stderr
    assert not (rescan / "findings.json").exists()
    right = run_cli("scan", "--resume", str(rescan), "--baseline-sha256", _sha(out / "findings.json"), "--quiet")
    assert right.returncode in (0, 1) and (rescan / "diff.json").exists(), right.stderr


def test_a_baseline_given_with_resume_is_refused(case: tuple[Path, Path, str], tmp_path: Path) -> None:
    """--resume keeps the recorded baseline: another --baseline given with it was ignored without a word."""
    src, out, _ = case
    rescan = tmp_path / "rescan"
    assert run_cli("scan", str(src), "--name", LEAKED_NAME, "--out", str(rescan), "--quiet").returncode in (0, 1)
    (rescan / "findings.json").unlink()  # as if the scan had stopped before publishing
    run = run_cli("scan", "--resume", str(rescan), "--baseline", str(out), "--quiet")
    assert run.returncode == 2 and "--baseline" in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert not (rescan / "diff.json").exists()
