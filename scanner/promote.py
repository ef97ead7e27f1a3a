"""Promote a name-contains lead to a copy when its content ties it to one.

A file whose name holds the named file's whole stem with other text (``【秘】2017年度_集計.xlsx``) is a
lead, counted apart from copies. Its content decides: when its SHA-256 equals that of a copy (found by
name, name variant or known hash, or promoted already), or when it shares at least --min-overlap persons
with the leak set (reason ``record-overlap``), it is a copy: reason ``name-variant`` is added, with rule
``promoted-same-sha256`` or ``promoted-record-overlap`` and ``annotations.promoted`` naming the files it
is tied to. Any other hit (a person list under another name, a disguised file, a mail attachment, a keyword
name) whose SHA-256 equals a copy's is a renamed copy, byte for byte: the same, with rule
``promoted-renamed-same-sha256`` (Session 8: an investigator calls ``報告書.docx`` holding the named file's very
bytes a copy; it was only a file "sharing the same persons"). A lock file or a marker file (scanner.summary: ``~$``,
``._``, a recycle-bin record) ties nothing: named as a copy, it holds none of its content, and such files are alike
byte for byte (Session 9 review). Pure functions over (reasons, sha256, overlap) so a
scan and a merge of scans use the same rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .codes import COPY_REASONS, Reason
from .contracts import ScanContext
from .models import FileHit
from .summary import is_lock_file, is_marker

SAME_SHA256 = "promoted-same-sha256"
RECORD_OVERLAP = "promoted-record-overlap"
RENAMED_SAME_SHA256 = "promoted-renamed-same-sha256"
# no content ties nothing: an empty copy (a name hit that is an empty file) makes no other empty file a copy
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


class LeadPromotion:
    """The post-scan analysis registered in scanner/registry.py, after the person count (record overlap)."""

    name = "promotion"
    what = "promoting name-contains leads"

    def __call__(self, ctx: ScanContext) -> None:
        apply_to_hits(ctx.result.hits)


@dataclass(frozen=True)
class Evidence:
    """What promotion reads of one hit."""

    reasons: frozenset[str]
    sha256: str | None
    overlap_files: tuple[Any, ...] = ()  # the leak-set file ids it shares persons with (record-overlap)
    # False for a lock file or a marker file (scanner.summary): named as a copy, it holds none of the content, and
    # its bytes (an owner file's user name, a Mac's Finder-info-only ._ file) are those of other such files
    holds_content: bool = True


@dataclass(frozen=True)
class Promotion:
    rule: str  # SAME_SHA256 or RECORD_OVERLAP
    files: tuple[Any, ...]  # file ids (1-based positions) of the copies, or the leak-set ids shared with


def promotions(hits: Sequence[Evidence]) -> dict[int, Promotion]:
    """Index -> promotion for every name-contains lead whose content ties it to a copy.

    The same SHA-256 as a copy is the stronger tie and is tried first; record overlap next; a lead
    promoted either way makes leads with its SHA-256 copies too, until nothing changes.
    """
    out: dict[int, Promotion] = {}

    def open_lead(i: int, h: Evidence) -> bool:
        return i not in out and Reason.NAME_CONTAINS in h.reasons and not h.reasons & COPY_REASONS

    def open_other(i: int, h: Evidence) -> bool:
        return i not in out and Reason.NAME_CONTAINS not in h.reasons and not h.reasons & COPY_REASONS

    while True:
        copies: dict[str, list[int]] = {}
        for i, h in enumerate(hits):
            if h.sha256 and h.sha256 != EMPTY_SHA256 and h.holds_content and (h.reasons & COPY_REASONS or i in out):
                copies.setdefault(h.sha256, []).append(i)
        same = {i: tuple(j + 1 for j in copies.get(h.sha256 or "", []) if j != i)
                for i, h in enumerate(hits) if open_lead(i, h)}
        new = {i: Promotion(SAME_SHA256, files) for i, files in same.items() if files}
        renamed = {i: tuple(j + 1 for j in copies.get(h.sha256 or "", []) if j != i)
                   for i, h in enumerate(hits) if open_other(i, h)}
        new.update({i: Promotion(RENAMED_SAME_SHA256, files) for i, files in renamed.items() if files})
        if not new:
            new = {i: Promotion(RECORD_OVERLAP, tuple(h.overlap_files)) for i, h in enumerate(hits)
                   if open_lead(i, h) and Reason.RECORD_OVERLAP in h.reasons}
        if not new:
            return out
        out.update(new)


def holds_content(f: Mapping[str, Any]) -> bool:
    """Not a lock file nor a marker file: its SHA-256 may tie another file to it as a copy."""
    return not is_lock_file(f) and not is_marker(f)


def apply_to_hits(hits: list[FileHit]) -> int:
    """Promote FileHit objects in place (after the person analysis); return how many."""
    found = promotions([Evidence(frozenset(h.reasons), h.digests.sha256 if h.digests else None,
                                 tuple((h.overlap or {}).get("files") or ()),
                                 holds_content({"reasons": h.reasons, "matched_rules": h.matched_rules}))
                        for h in hits])
    for i, p in found.items():
        h = hits[i]
        h.reasons.append(Reason.NAME_VARIANT)
        h.matched_rules.append(f"{Reason.NAME_VARIANT}:{p.rule}")
        h.annotations = {**(h.annotations or {}), "promoted": {"rule": p.rule, "files": list(p.files)}}
    return len(found)


def apply_to_findings(files: list[dict[str, Any]]) -> int:
    """Promote findings.json file entries in place (a merge of scans); ids are the entries' ``id``."""
    ids = [f.get("id", i + 1) for i, f in enumerate(files)]
    found = promotions([Evidence(frozenset(f.get("reasons") or ()), f.get("sha256"),
                                 tuple((f.get("overlap") or {}).get("files") or ()), holds_content(f)) for f in files])
    for i, p in found.items():
        f = files[i]
        f["reasons"] = [*f.get("reasons", []), Reason.NAME_VARIANT]
        f["matched_rules"] = [*f.get("matched_rules", []), f"{Reason.NAME_VARIANT}:{p.rule}"]
        linked = [ids[j - 1] for j in p.files] if p.rule in (SAME_SHA256, RENAMED_SAME_SHA256) else list(p.files)
        f["annotations"] = {**(f.get("annotations") or {}), "promoted": {"rule": p.rule, "files": linked}}
    return len(found)
