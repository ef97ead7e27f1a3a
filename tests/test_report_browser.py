"""report.html in a real browser (headless Chromium): a row per copy, no script runs, prints to PDF.

A control page with the same hostile markup left unescaped proves the check can fail: there the
script runs and the dumped DOM shows it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tree_data import HOSTILE_DIR, build_evidence_tree

from scanner.commands.scan import execute
from scanner.config import ScanConfig

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--mute-audio", "--disable-dev-shm-usage"]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium missing in CI (.ci/run installs it)")
        pytest.skip("chromium not installed (allowed outside CI only)")
    return found


def _run(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    return subprocess.run([_chromium(), *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                          text=True, timeout=120)


def dump_dom(page: Path, tmp: Path) -> str:
    done = _run(tmp, "--virtual-time-budget=2000", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert "<html" in done.stdout
    return done.stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("browser")
    share = base / "share"
    truth = build_evidence_tree(share)
    config = ScanConfig(sources=[str(share)], out=base / "out", names=[str(truth["leaked_name"])],
                        case_id="<b>T-002</b>", examiner="試験 花子", quiet=True,
                        command_line=["leakscan", "scan", str(share)])
    doc, paths = execute(config)
    return {"base": base, "doc": json.loads(Path(paths["findings"]).read_text("utf-8")),
            "html": Path(paths["report"])}


def _pwned(dom: str) -> bool:
    body = re.search(r"<body[^>]*>", dom)
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    return bool(body and "data-pwned" in body.group(0)) or bool(title and title.group(1).strip() == "pwned")


def test_control_page_shows_that_scripts_would_be_seen(tmp_path: Path) -> None:
    page = tmp_path / "control.html"
    page.write_text(f"<!DOCTYPE html><html><head><title>ok</title></head><body><p>{HOSTILE_DIR}/script></p>"
                    "<img src=x onerror=\"document.title='pwned'\"></body></html>", encoding="utf-8")
    assert _pwned(dump_dom(page, tmp_path))


def test_report_renders_a_row_per_copy_and_runs_no_script(report: dict, tmp_path: Path) -> None:
    dom = dump_dom(report["html"], tmp_path)
    files = report["doc"]["files"]
    assert len(files) >= 10
    assert len(re.findall(r'<tr class="hit[ "]', dom)) == len(files)
    assert not _pwned(dom)
    assert "<script" not in dom and "<img" not in dom
    assert "document.body.setAttribute('data-pwned','1')" in dom.replace("&#39;", "'")  # shown as text
    assert "⟨U+202E⟩" in dom and "\u202e" not in dom
    assert "&lt;b&gt;T-002&lt;/b&gt;" in dom  # the case id too is text, not markup
    summary = report["doc"]["summary"]
    assert f'data-summary="copies">{summary["copies"]}<' in dom


def test_report_prints_to_pdf(report: dict, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    done = _run(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report["html"].as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(data) > 20_000 and b"/Type /Page" in data and data.rstrip().endswith(b"%%EOF")
