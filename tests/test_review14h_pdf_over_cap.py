"""review14h: a PDF over --max-inspect-mb without any attachment was listed too-large (bytes-over-cap) since a PDF
over 4 MiB is wanted unsearched (the worker searches it): the pipeline never calls an inspector that does not open
the file itself for a file over the cap. It ended as a false skip on every large scanned document; one naming an
attachment must still be listed too-large."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_leakscan
from tests.test_pdf_attachments import _large_pdf
from tests.test_wild14 import _csv_bytes


def test_large_pdf_over_the_cap(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "scan.pdf").write_bytes(_large_pdf({}, 5 << 20))
    (share / "報告書.pdf").write_bytes(_large_pdf({"顧客名簿.csv": _csv_bytes()}, 5 << 20))
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--out", str(out), "--quiet", "--max-inspect-mb", "4")
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    findings = json.loads((out / "findings.json").read_text())
    listed = {Path(s["path"]).name: (s["reason"], s["detail"]) for s in findings["skipped"]}
    assert "scan.pdf" not in listed, listed
    assert listed["報告書.pdf"][0] == "too-large" and "PDF with attachments" in listed["報告書.pdf"][1], listed
