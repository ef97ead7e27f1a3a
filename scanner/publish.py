"""Write a scan's outputs into --out: findings.json, report.html, then manifest.sha256 over them all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .output import write_json, write_manifest, write_private
from .store import FINDINGS

REPORT = "report.html"


def publish_findings(doc: dict[str, Any], out: Path, lang: str) -> dict[str, Path]:
    """Write findings.json and report.html (0600) and refresh the manifest; return the paths."""
    from reports.html import render_report

    paths = {"findings": write_json(out / FINDINGS, doc)}
    paths["report"] = write_private(out / REPORT, render_report(doc, lang))
    paths["manifest"] = write_manifest(out)
    return paths
