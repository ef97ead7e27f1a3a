"""Write a scan's outputs into --out: findings.json (with its summary), report.html, then manifest.sha256
over them all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reports.html import render_report

from .anchor import file_sha256
from .exports import MADE_FROM_FINDINGS
from .output import write_json, write_manifest, write_private
from .store import FINDINGS
from .summary import summarise

REPORT = "report.html"
REPORT_PDF = "report.pdf"
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


def add_summary(doc: dict[str, Any]) -> dict[str, Any]:
    """Put the key figures (scanner.summary) into ``doc`` as ``summary``, right after ``case``."""
    summary = summarise(doc)
    items = [(k, v) for k, v in doc.items() if k != "summary"]
    doc.clear()
    for k, v in items:
        doc[k] = v
        if k == "case":
            doc["summary"] = summary
    doc.setdefault("summary", summary)
    return doc


def write_findings(doc: dict[str, Any], out: Path, lang: str) -> dict[str, Path]:
    """Write findings.json (with its summary), the exports and CSV lists beside it, and report.html (0600,
    each replacing an earlier one only once complete)."""
    # what is written beside it, recorded in the anchored document (Session 22: the five exports deleted with their
    # manifest lines looked like a folder of a leakscan before the exports): verify and the readers require each
    doc["scan"]["outputs"] = [REPORT, *MADE_FROM_FINDINGS]
    add_summary(doc)
    clean = without_clear_values(doc)
    paths = {"findings": write_json(out / FINDINGS, clean)}
    for name, export in MADE_FROM_FINDINGS.items():  # DFXML, CASE/UCO JSON-LD, hashdeep, the CSV lists
        paths[name] = write_private(out / name, export(clean))
    paths["report"] = write_report(doc, out, lang)
    return paths


def write_report(doc: dict[str, Any], out: Path, lang: str, diff: dict[str, Any] | None = None) -> Path:
    """report.html for ``doc``; after a rescan, with its verdict in the summary box; with the SHA-256 of the
    findings.json written beside it (the case's anchor, scanner.anchor)."""
    return write_private(out / REPORT, render_report(doc, lang, diff, file_sha256(out / FINDINGS)))


def publish_findings(doc: dict[str, Any], out: Path, lang: str) -> dict[str, Path]:
    """Write findings.json and report.html (0600) and refresh the manifest; return the paths."""
    paths = write_findings(doc, out, lang)
    paths["manifest"] = write_manifest(out)
    return paths


def write_pdfs(out: Path, html_names: list[str]) -> dict[str, Path]:
    """report.pdf / remediation.pdf beside each of ``html_names`` in ``out`` (headless Chromium)."""
    from .pdf import print_pdf

    paths = {}
    for name in html_names:
        html = out / name
        paths[html.stem + "_pdf"] = print_pdf(html, html.with_suffix(".pdf"))
    return paths


def remove_stale_pdfs(out: Path, keep: set[str]) -> None:
    """A PDF from an earlier run that this run did not print must not sit beside the new findings."""
    for name in (REPORT_PDF, "remediation.pdf"):
        if name not in keep:
            (out / name).unlink(missing_ok=True)
