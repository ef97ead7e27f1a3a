"""Whether a scan examined all it was asked to: an *incomplete* scan is never read as a clean one.

A scan is incomplete when part of a source could not be listed or read because the source itself went
away (skip reasons ``connection`` and ``source-lost``: an SMB server that did not come back within the
retry window, a mount that disappeared, an image file gone), or when a SOURCE could not be opened at all.
Skips about one file (unreadable, encrypted, corrupt ...) do not make a scan incomplete: they are
listed, and a rescan's verdict is ``not-verified`` because of them, but nothing further can be done by
scanning again. A place that may hold files and was never listed is different (Session 10): a folder whose
listing failed (no permission, gone during the scan, an I/O error, an SMB listing error, a damaged directory
in an image, or one deeper than the image walk goes) or a volume of an image that could not be opened (encrypted, damaged, no readable file system,
media past a missing segment or the image's end) hides files nobody can name: the scan is incomplete too,
with those places in ``scan.incomplete.unlisted``. An incomplete scan says so everywhere: ``scan.complete``
false and ``scan.incomplete`` in findings.json, a banner at the top of the report, the terminal summary, its own exit code (3), and
a rescan verdict ``not-verified``; ``scan --resume OUT`` examines what was lost.

Everything here reads a findings document (a dict), so the report, the summary, diff and merge decide
the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .codes import INCOMPLETE_REASONS, Status
from .details import FOLDER_NOT_LISTED, MEDIA_LOST, NOT_A_FILE_SYSTEM, Detail, read_details

if TYPE_CHECKING:
    from .evidence import FindingsDoc

SHOWN_PATHS = 20  # paths named in the banner and the summary; all of them are in ``skipped``


def lost_skips(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The skipped entries lost to the source (``connection``, ``source-lost``, ``walk-stopped``) or to a bug in
    leakscan (``internal-error``): examined again by ``--resume``."""
    return [s for s in doc.get("skipped") or [] if s.get("reason") in INCOMPLETE_REASONS]


# A folder's listing failed: every source says so with one of the folder codes (scanner.details.FOLDER_NOT_LISTED)
# first; a loop or a deleted directory whose clusters are gone (``unrecoverable``) holds nothing more to list.
_FOLDER_REASONS = frozenset({Status.UNREADABLE, Status.VANISHED, Status.CORRUPT})
# A volume (partition, snapshot, file system) of an image that was not walked at all; swap and a BIOS boot
# partition (boot loader code) are no file system (scanner.sources.image_parttypes: ``not-a-file-system`` codes).
# An image whose media is partly missing (a segment or extent file, or its end): the partitions there are not
# listed (scanner.sources.image: MEDIA_LOST codes). Decided by detail codes, never by a detail's English words
# (a reworded sentence once made a scan complete): findings.json records them (``detail_codes``); a case written
# before them is read back from its text (scanner.details.read_details).
_VOLUME_REASONS = frozenset({Status.UNREADABLE, Status.CORRUPT, Status.ENCRYPTED, Status.UNSUPPORTED})


# An archive whose listing stopped part-way (cpio-stopped, tar-stopped, ...) is a FILE listed `corrupt` with the stop
# named ("members after it not read"), as a CSV cut mid-row is; it does not make the scan incomplete (lead, session 25:
# exit 3 is for folders and volumes never listed and for sources that went away; images25's exit-3 rule reverted so a
# share holding one damaged tarball does not always end "INCOMPLETE", which would teach examiners to ignore exit 3).


def detail_codes(skip: dict[str, Any]) -> list[str]:
    """The codes of a skipped entry's detail, nested ones included, in order: as recorded, or read back from its
    text for a case written before the codes (or with codes that are not a list of objects). Total: a detail that
    cannot be read gives no code."""
    recorded = skip.get("detail_codes")
    try:
        items = recorded if isinstance(recorded, list) and all(isinstance(d, dict) for d in recorded) \
            else read_details(str(skip.get("detail") or ""))
    except Exception:  # noqa: BLE001 - deciding completeness never fails the report; no code read is said below
        return []
    out: list[str] = []

    def walk(parts: list[Any]) -> None:
        for part in parts:
            if not isinstance(part, dict):
                continue
            if isinstance(part.get("code"), str):
                out.append(part["code"])
            for value in part.values():
                if isinstance(value, list) and value and isinstance(value[0], dict):
                    walk(value)
    walk(items)
    return out


def unlisted_kind(skip: dict[str, Any]) -> str | None:
    """``folder`` or ``volume`` when a skipped entry is a place whose files were never listed; else None."""
    reason = skip.get("reason")
    if reason == Status.PATH_TOO_LONG:
        return "folder"  # path-too-long: a directory of an image deeper than its walk goes (review10g)
    codes = detail_codes(skip) if reason in _FOLDER_REASONS or reason in _VOLUME_REASONS else []
    if reason in _FOLDER_REASONS and codes[:1] and codes[0] in FOLDER_NOT_LISTED:
        return "folder"
    if reason == Status.UNSUPPORTED and codes[:1] == [Detail.LATER_SEGMENT]:
        return "volume"  # a split image's segment whose first is not there: its volumes never listed (images21)
    if reason == Status.UNSUPPORTED and codes[:1] == [Detail.SPLIT_SET_OVER_HOLD]:
        return "volume"  # a split set in an archive not joined: what its pieces make was never listed (images24)
    if reason == Status.UNSUPPORTED and codes[:1] == [Detail.SPLIT_IMAGE_OVER_CAP]:
        return "volume"  # a joined split image over --max-inspect-mb: its volumes never listed (splits24b)
    if reason == Status.CORRUPT and codes[:1] == [Detail.NESTED_WALK_STOPPED]:
        return "volume"  # an image met in a source whose walk its reader stopped: the rest never listed (images21)
    hops = skip.get("container") or []
    inner = skip.get("inner_path")
    if not hops or reason not in _VOLUME_REASONS:
        return None
    if inner == "/" and hops[-1].get("kind") != "archive" and not NOT_A_FILE_SYSTEM.intersection(codes):
        return "volume"
    # a file system whose walk raised part-way (Detail.FS_WALK_STOPPED, inner path ""): the rest of it was never
    # listed (review10g #7, Session 11)
    if inner == "" and (codes[:1] and codes[0] in MEDIA_LOST
                        or reason == Status.CORRUPT and Detail.FS_WALK_STOPPED in codes):
        return "volume"
    return None


def unlisted_places(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The skipped folders and volumes whose files were never listed: the scan is incomplete (Session 10)."""
    return [s for s in doc.get("skipped") or [] if unlisted_kind(s) is not None]


def summary(doc: dict[str, Any]) -> dict[str, Any] | None:
    """``scan.incomplete`` for a findings document: None when the scan is complete."""
    lost = lost_skips(doc)
    errors = list((doc.get("scan") or {}).get("source_errors") or [])
    unlisted = unlisted_places(doc)
    if not lost and not errors and not unlisted:
        return None
    by_source: dict[str, int] = {}
    for s in lost:
        by_source[s.get("source") or ""] = by_source.get(s.get("source") or "", 0) + 1
    return {
        "not_examined": len(lost),  # folders and files listed in ``skipped`` as connection / source-lost
        "by_source": [{"source": k, "not_examined": v} for k, v in by_source.items()],
        "sources_not_opened": [e.get("source") or "" for e in errors],
        "paths": [s.get("path") or "" for s in lost[:SHOWN_PATHS]],
        # places never listed (every one: the list is what an investigator must go and look at)
        "unlisted": [{"path": s.get("path") or "", "kind": unlisted_kind(s), "reason": s.get("reason"),
                      "detail": s.get("detail") or "",
                      **({"detail_codes": s["detail_codes"]} if isinstance(s.get("detail_codes"), list) else {})}
                     for s in unlisted],
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
    unlisted = unlisted_places(doc) if isinstance(doc, dict) else [s for s in doc.skipped
                                                                   if unlisted_kind(s.to_json()) is not None]
    return not errors and not any(r in INCOMPLETE_REASONS for r in reasons) and not unlisted
