"""Re-render the reports of an existing output folder (``leakscan report``) without laundering it.

The folder's findings.json / diff.json are read back as untrusted input: never through a link, bounded,
and only when they still match the folder's manifest (a changed findings.json must not get a fresh
manifest that vouches for it). The JSON files are not rewritten; the reports, their PDFs and the
manifest are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reports.html import render, render_report

from .anchor import file_sha256
from .errors import UsageError
from .output import (
    MANIFEST,
    check_manifest,
    listed_names,
    read_nofollow,
    refuse_unfinished,
    write_manifest,
    write_private,
)
from .publish import REPORT, write_pdfs
from .remediation import DIFF_JSON, REMEDIATION
from .store import FINDINGS, SCHEMA

LIMIT = 1 << 30


def _load(out: Path, name: str) -> dict[str, Any] | None:
    try:
        data = read_nofollow(out / name, LIMIT)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise UsageError(f"{out / name}: cannot read it ({e.strerror or e}; a link is never followed)") from e
    from .evidence import parse_json

    doc = parse_json(data, str(out / name))  # strict, as every reader (Session 22: deep nesting crashed here)
    if not isinstance(doc, dict):
        raise UsageError(f"{out / name}: not a leakscan document")
    return doc


def rewrite_reports(out: Path, lang: str, case_file: Path | None, pdf: bool, scans: tuple[Path, ...] = (),
                    said: list[str] | None = None) -> list[Path]:
    """Write report.html / remediation.html (and their PDFs) again; return the files written. ``scans``: where a
    diff's scans are now (``report --scans``, as ``verify --scans``); ``said``: notes for the terminal (a diff.json
    recomputed from its scans, or why it was not)."""
    if not out.is_dir():
        raise UsageError(f"{out}: not a folder")
    listed = listed_names(out)
    present = [n for n in (FINDINGS, DIFF_JSON) if (out / n).exists() or (out / n).is_symlink()]
    if not present:
        refuse_unfinished(out)
        raise UsageError(f"{out}: neither {FINDINGS} nor {DIFF_JSON}: not a leakscan output folder")
    problems = [(f, p) for f, p in check_manifest(out) if f in (*present, MANIFEST)]
    unlisted = [n for n in present if n not in listed]
    if problems or unlisted:
        what = "; ".join([f"{f}: {p}" for f, p in problems] + [f"{n}: not in {MANIFEST}" for n in unlisted])
        raise UsageError(f"{out}: {what}: the reports are not written again from files the manifest does not "
                         "vouch for (check with leakscan verify)")
    written: list[Path] = []
    notes: list[str] = []  # recomputed()'s: a diff NOT recomputed is marked in the pages (case24b)
    from .verify import not_recomputed

    doc = _load(out, FINDINGS)
    diff = _load(out, DIFF_JSON)
    if diff is not None:
        from .diff import contradictions

        found = contradictions(diff)  # Session 22: an edited verdict was rendered and vouched for
        if not found and doc is not None:  # review22c: a rescan's hit struck from its diff
            import hashlib

            from .diff import unaccounted_hits

            raw = read_nofollow(out / FINDINGS, LIMIT)  # the bytes _load read (a changed file: the manifest says so)
            found = unaccounted_hits(diff, hashlib.sha256(raw).hexdigest(), doc.get("files"))
        if not found:  # case24: only verify recomputed it; a diff.json rewritten whole was rendered and vouched for
            from .verify import recomputed

            found = recomputed(diff, out, scans, notes)
        if found:
            raise UsageError(f"{out / DIFF_JSON}: {found[0]}; the reports are not written again from it "
                             "(check with leakscan verify)")
        if said is not None:
            said += notes or [_recomputed_note()]
    if doc is not None:
        if doc.get("schema") != SCHEMA:
            raise UsageError(f"{out / FINDINGS}: not a {SCHEMA} file")
        from .consistency import read_sound_findings

        # checked like every reader's: the manifest's bytes, its case.key, figures that agree (Session 9: the
        # case.key was not checked here, so another case's findings.json got a fresh report and manifest)
        read_sound_findings(out, whole_folder=False)
        doc = _for_report(doc, case_file)
        mine = diff if diff is not None and _is_rescan_of(diff, out) else None
        written.append(write_private(out / REPORT, render_report(doc, lang, mine, file_sha256(out / FINDINGS),
                                                                 not_recomputed(notes) and mine is not None)))
    if diff is not None:
        # case24b: a diff NOT recomputed (its scans nowhere) was said on the terminal only; the page says it too
        written.append(write_private(out / REMEDIATION, render("remediation.html.j2", diff, lang,
                                                               anchor=file_sha256(out / DIFF_JSON),
                                                               not_recomputed=not_recomputed(notes))))
    if pdf:
        written += list(write_pdfs(out, [p.name for p in written]).values())
    written.append(write_manifest(out))
    return written


def _recomputed_note() -> str:
    """What the terminal says of a diff.json report recomputed from the scans it names before rendering it (case24)."""
    from .i18n import _

    return _("diff.json: recomputed from the two scans it names (their findings.json of the SHA-256 it names): "
             "the same diff")


def _for_report(doc: dict[str, Any], case_file: Path | None) -> dict[str, Any]:
    """The document as the report shows it: masked (findings.json holds no clear values), with the case
    file's case block and breach items when one is given."""
    doc = {**doc, "scan": {**(doc.get("scan") or {}), "masked": True}}
    if case_file is not None:
        from .casefile import read_case_file

        read = read_case_file(case_file)
        case = dict(doc.get("case") or {})
        case.update({k: v for k, v in read["case"].items() if k != "notes" and v})
        case["notes"] = [*case.get("notes", []), *read["case"].get("notes", [])]
        if read["breach"]:
            case["breach"] = read["breach"]
        doc["case"] = case
    return doc


def _is_rescan_of(diff: dict[str, Any], out: Path) -> bool:
    """diff.json compares this folder's findings.json (a rescan with --baseline): its verdict belongs in
    the report's summary."""
    import hashlib

    try:
        digest = hashlib.sha256(read_nofollow(out / FINDINGS, LIMIT)).hexdigest()
    except OSError:
        return False
    return (diff.get("rescan") or {}).get("findings_sha256") == digest
