"""Whether a scan examined all it was asked to: an *incomplete* scan is never read as a clean one.

A scan is incomplete when part of a source could not be listed or read because the source itself went
away (skip reasons ``connection`` and ``source-lost``: an SMB server that did not come back within the
retry window, a mount that disappeared, an image file gone), or when a SOURCE could not be opened at all.
Skips about one file (unreadable, encrypted, corrupt ...) do not make a scan incomplete: they are
listed, and a rescan's verdict is ``not-verified`` because of them, but nothing further can be done by
scanning again. An incomplete scan says so everywhere: ``scan.complete`` false and ``scan.incomplete``
in findings.json, a banner at the top of the report, the terminal summary, its own exit code (3), and
a rescan verdict ``not-verified``; ``scan --resume OUT`` examines what was lost.

Everything here reads a findings document (a dict), so the report, the summary, diff and merge decide
the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .codes import LOST_REASONS

if TYPE_CHECKING:
    from .evidence import FindingsDoc

SHOWN_PATHS = 20  # paths named in the banner and the summary; all of them are in ``skipped``


def lost_skips(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The skipped entries lost to the source (``connection``, ``source-lost``)."""
    return [s for s in doc.get("skipped") or [] if s.get("reason") in LOST_REASONS]


def unlisted_folders(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The skipped folders whose files were never listed (no permission, gone during the scan; Session 9): not
    an outage of the source, so the scan stays complete, but what they held was not examined and the terminal
    says so even with --quiet. Every source writes such a skip's detail as ``directory…``."""
    from .codes import Status

    return [s for s in doc.get("skipped") or [] if s.get("reason") in (Status.UNREADABLE, Status.VANISHED)
            and str(s.get("detail") or "").startswith("directory")]


def summary(doc: dict[str, Any]) -> dict[str, Any] | None:
    """``scan.incomplete`` for a findings document: None when the scan is complete."""
    lost = lost_skips(doc)
    errors = list((doc.get("scan") or {}).get("source_errors") or [])
    if not lost and not errors:
        return None
    by_source: dict[str, int] = {}
    for s in lost:
        by_source[s.get("source") or ""] = by_source.get(s.get("source") or "", 0) + 1
    return {
        "not_examined": len(lost),  # folders and files listed in ``skipped`` as connection / source-lost
        "by_source": [{"source": k, "not_examined": v} for k, v in by_source.items()],
        "sources_not_opened": [e.get("source") or "" for e in errors],
        "paths": [s.get("path") or "" for s in lost[:SHOWN_PATHS]],
    }


def is_complete(doc: dict[str, Any] | FindingsDoc) -> bool:
    """``scan.complete`` when recorded; for findings written before it existed, judged from the skips.

    ``doc`` is a findings dict or a loaded ``evidence.FindingsDoc`` (read by its fields)."""
    if isinstance(doc, dict):
        scan = doc.get("scan") or {}
        flag = scan.get("complete")
        reasons = [s.get("reason") for s in doc.get("skipped") or []]
        errors = scan.get("source_errors")
    else:
        flag = doc.scan.extra.get("complete")
        reasons = [s.reason for s in doc.skipped]
        errors = doc.scan.source_errors
    if isinstance(flag, bool):
        return flag
    return not errors and not any(r in LOST_REASONS for r in reasons)
