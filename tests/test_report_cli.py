"""The report's workflow from the command line: --case-file, leakscan report OUT (another language, the
examiner's items, refusing a changed findings.json), the rescan verdict in the summary box, --pdf checks
made before the scan, and stale PDFs never left beside new findings."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import run_leakscan

from scanner.demo import client_list_xlsx, make_people

LEAKED = "配食サービス利用者.xlsx"
CASE_FILE = """
[case]
id = "2026-077"
examiner = "調査 太郎"
organisation = "架空市 高齢福祉課"
notes = ["PC 2 台の共有フォルダー"]

[breach]
cause = "元職員による持ち出し"
publication = "ウェブサイトで公表（2026-03-05）"
"""


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("report-cli")
    share = base / "share"
    (share / "PC01").mkdir(parents=True)
    (share / "PC01" / LEAKED).write_bytes(client_list_xlsx(make_people(20, seed=3)))
    (share / "PC02").mkdir()
    (share / "PC02" / LEAKED).write_bytes((share / "PC01" / LEAKED).read_bytes())
    case_file = base / "case.toml"
    case_file.write_text(CASE_FILE, encoding="utf-8")
    out = base / "out"
    done = run_leakscan("scan", str(share), "--name", LEAKED, "--out", str(out), "--case-file", str(case_file),
                        "--examiner", "立会 次郎", "--quiet")
    assert done.returncode == 1, done.stderr
    return {"base": base, "share": share, "out": out, "case_file": case_file}


def test_case_file_fills_the_case_block_and_breach_items(case: dict) -> None:
    doc = json.loads((case["out"] / "findings.json").read_text("utf-8"))
    assert doc["case"]["id"] == "2026-077" and doc["case"]["organisation"] == "架空市 高齢福祉課"
    assert doc["case"]["examiner"] == "立会 次郎"  # the command line wins over the file
    assert doc["case"]["breach"] == {"cause": "元職員による持ち出し", "publication": "ウェブサイトで公表（2026-03-05）"}
    html = (case["out"] / "report.html").read_text("utf-8")
    breach = html[html.index('id="breach-table"'):html.index("</table>", html.index('id="breach-table"'))]
    assert "元職員による持ち出し" in breach and "ウェブサイトで公表" in breach
    assert breach.count('class="hint"') == 2  # ⑤ and ⑥ left for the examiner, said so


@pytest.mark.parametrize(("text", "says"), [
    ("[case]\nid = 7\n", "id must be a string"),
    ("[breach]\nreason = 'x'\n", "unknown key(s) in [breach]: reason"),
    ("[cases]\n", "unknown table(s) cases"),
    ("not toml = = 1", "not a UTF-8 TOML file"),
])
def test_a_wrong_case_file_is_refused_before_anything_is_written(tmp_path: Path, text: str, says: str) -> None:
    bad = tmp_path / "case.toml"
    bad.write_text(text, encoding="utf-8")
    (tmp_path / "share").mkdir()
    done = run_leakscan("scan", str(tmp_path / "share"), "--name", LEAKED, "--out", str(tmp_path / "out"),
                        "--case-file", str(bad), "--quiet")
    assert done.returncode == 2 and says in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", ["fifo", "link", "folder"])
def test_a_case_file_that_is_no_regular_file_is_refused_without_waiting(tmp_path: Path, kind: str) -> None:
    """A FIFO would block a plain open() for ever; a link is not followed (the same rule as --password-file
    and --accept: scanner/optionfile.py)."""
    real = tmp_path / "real.toml"
    real.write_text("[case]\nid = '1'\n", encoding="utf-8")
    bad = tmp_path / "case.toml"
    {"fifo": lambda: os.mkfifo(bad), "link": lambda: bad.symlink_to(real), "folder": bad.mkdir}[kind]()
    (tmp_path / "share").mkdir()
    done = run_leakscan("scan", str(tmp_path / "share"), "--name", LEAKED, "--out", str(tmp_path / "out"),
                        "--case-file", str(bad), "--quiet", timeout=60)
    assert done.returncode == 2 and "--case-file" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()


def test_pdf_without_a_browser_is_refused_before_the_scan(tmp_path: Path) -> None:
    (tmp_path / "share").mkdir()
    done = run_leakscan("scan", str(tmp_path / "share"), "--name", LEAKED, "--out", str(tmp_path / "out"), "--pdf",
                        env={"LEAKSCAN_CHROMIUM": "no-such-browser-here"})
    assert done.returncode == 2 and "--pdf needs headless Chromium" in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()


def test_report_command_writes_english_again_and_keeps_the_manifest_true(case: dict, tmp_path: Path) -> None:
    out = tmp_path / "out"
    subprocess.run(["cp", "-a", str(case["out"]), str(out)], check=True)
    before = (out / "findings.json").read_bytes()
    done = run_leakscan("report", str(out), "--lang", "en", "--quiet")
    assert done.returncode == 0, done.stderr
    html = (out / "report.html").read_text("utf-8")
    assert '<html lang="en">' in html and "Copies of the named file" in html
    assert "Cause" in html and "元職員による持ち出し" in html  # the items kept in findings.json
    assert (out / "findings.json").read_bytes() == before
    assert subprocess.run(["sha256sum", "-c", "--quiet", "manifest.sha256"], cwd=out).returncode == 0


def test_report_command_refuses_a_changed_findings_json(case: dict, tmp_path: Path) -> None:
    """Writing the report again must not launder a changed findings.json with a fresh manifest."""
    out = tmp_path / "out"
    subprocess.run(["cp", "-a", str(case["out"]), str(out)], check=True)
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    doc["summary"]["copies"] = 0
    (out / "findings.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    report = (out / "report.html").read_bytes()
    done = run_leakscan("report", str(out))
    assert done.returncode == 2 and "findings.json: changed" in done.stderr, done.stderr
    assert (out / "report.html").read_bytes() == report


def test_rescan_report_shows_the_verdict_in_its_summary(case: dict, tmp_path: Path) -> None:
    share = tmp_path / "share"
    subprocess.run(["cp", "-a", str(case["share"]), str(share)], check=True)
    base, again = tmp_path / "base", tmp_path / "again"
    assert run_leakscan("scan", str(share), "--name", LEAKED, "--out", str(base), "--quiet").returncode == 1
    (share / "PC02" / LEAKED).unlink()
    done = run_leakscan("scan", str(share), "--name", LEAKED, "--out", str(again), "--baseline", str(base), "--quiet")
    assert done.returncode == 1, done.stderr
    diff = json.loads((again / "diff.json").read_text("utf-8"))
    html = (again / "report.html").read_text("utf-8")
    m = re.search(r'data-summary="rescan.verdict" data-verdict="([a-z-]+)"', html)
    assert m and m.group(1) == diff["verdict"] == "remaining"
    assert json.loads((again / "findings.json").read_text("utf-8"))["summary"]["rescan"] is None


def test_a_rerun_without_pdf_removes_the_earlier_pdf(case: dict, tmp_path: Path) -> None:
    """report.pdf of an earlier run must not sit beside findings it does not show."""
    out = tmp_path / "out"
    subprocess.run(["cp", "-a", str(case["out"]), str(out)], check=True)
    (out / "report.pdf").write_bytes(b"%PDF-1.4 earlier")
    done = run_leakscan("scan", str(case["share"]), "--name", LEAKED, "--out", str(out), "--overwrite",
                        "--case-id", "2026-077", "--quiet")
    assert done.returncode == 1, done.stderr
    assert not (out / "report.pdf").exists()
    assert "report.pdf" not in (out / "manifest.sha256").read_text()
