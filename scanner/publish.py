"""Write a scan's outputs into --out: findings.json, report.html, then manifest.sha256 over them all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reports.html import render_report
from reports.lists import LEADS_CSV, SKIPPED_CSV, leads_csv, skipped_csv

from .output import write_json, write_manifest, write_private
from .store import FINDINGS

REPORT = "report.html"
CLEAR_KEYS = frozenset({"examples_clear", "name_clear"})  # --unmask values for the report only


def without_clear_values(doc: dict[str, Any]) -> dict[str, Any]:
    """findings.json never holds clear personal values: drop the --unmask examples kept for the report."""
    files = doc.get("files") or []
    persons = doc.get("persons") or {}
    if "review_clear" in persons or "probable_clear" in persons:  # person pairs shown clear (--unmask)
        doc = {**doc, "persons": {k: v for k, v in persons.items() if not k.endswith("_clear")}}
    parts = ("sheets", "leads")  # person sheets and name-only leads both carry examples
    if not any(CLEAR_KEYS & s.keys() for f in files for p in parts for s in (f.get("pii") or {}).get(p, [])) \
            and not any("user_clear" in ((f.get("annotations") or {}).get("lock") or {}) for f in files):
        return doc
    clean = dict(doc)
    clean["files"] = []
    for f in files:
        if f.get("pii"):
            pii = dict(f["pii"])
            for p in parts:
                if p in pii:
                    pii[p] = [{k: v for k, v in s.items() if k not in CLEAR_KEYS} for s in pii[p]]
            f = {**f, "pii": pii}
        lock = (f.get("annotations") or {}).get("lock")
        if lock and "user_clear" in lock:  # a lock file's user name in clear (--unmask): report only
            f = {**f, "annotations": {**f["annotations"], "lock": {k: v for k, v in lock.items() if k != "user_clear"}}}
        clean["files"].append(f)
    return clean


def write_findings(doc: dict[str, Any], out: Path, lang: str) -> dict[str, Path]:
    """Write findings.json and report.html (0600, each replacing an earlier one only once complete)."""
    paths = {"findings": write_json(out / FINDINGS, without_clear_values(doc))}
    paths["report"] = write_private(out / REPORT, render_report(doc, lang))
    paths["leads_csv"] = write_private(out / LEADS_CSV, leads_csv(doc))  # the report shows the first rows only
    paths["skipped_csv"] = write_private(out / SKIPPED_CSV, skipped_csv(doc))
    return paths


def publish_findings(doc: dict[str, Any], out: Path, lang: str) -> dict[str, Path]:
    """Write findings.json and report.html (0600) and refresh the manifest; return the paths."""
    paths = write_findings(doc, out, lang)
    paths["manifest"] = write_manifest(out)
    return paths
