"""The case's external anchor: the SHA-256 of findings.json (of diff.json in a diff's folder), printed at the end
of scan, merge, diff and report and shown in report.html, for the examiner to write into the complaint.

manifest.sha256 is a checksum list, not a signature: whoever holds the folder can edit findings.json, keep it
consistent with itself and make the manifest again. A value written down outside the folder (the complaint, the
breach report, the examiner's notes) cannot be remade; ``leakscan verify OUT --expect-sha256 HEX`` compares it.

Why findings.json and not the manifest: the manifest lists report.html, which cannot hold its own hash, and
``leakscan report`` (another language, a PDF, the breach items) writes the report and the manifest again, so
the manifest's SHA-256 changes while the evidence does not. findings.json is the evidence document every
report is made from, and nothing rewrites it after the run that wrote it; the report shows its SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
import unicodedata
from pathlib import Path

from . import readonce
from .errors import UsageError

FINDINGS = "findings.json"
DIFF = "diff.json"
ANCHORED = (FINDINGS, DIFF)  # the evidence documents of a scan / merge (findings) and of a diff (diff)

_KIND = {FINDINGS: "leakscan/findings@", DIFF: "leakscan/diff@"}  # the schema each anchored name must hold
_SEPARATORS = re.compile(r"[\s:\-]+")
_HEX64 = re.compile(r"[0-9a-f]{64}")


def expected_sha256(text: str, option: str = "--expect-sha256") -> str:
    """A SHA-256 as the examiner copies it back from paper: any case, full-width or not, in groups separated by
    spaces, colons or dashes (the report prints it in groups of 16). Anything else is a usage error (exit 2)."""
    value = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).lower()  # full-width digits typed in Japanese
    if not _HEX64.fullmatch(value):
        raise UsageError(f"{option}: not a SHA-256 value (64 hexadecimal digits; {len(value)} characters given)")
    return value


def require_anchor(actual: str, expected: str, option: str) -> None:
    """An input case used only when its findings.json is the one written down: a baseline kept self-consistent
    by a forger (manifest remade) passes every other check. A usage error (exit 2) before anything is written."""
    if actual != expected:
        raise UsageError(f"{option}: the baseline's findings.json has SHA-256 {actual}, not the value written down "
                         f"({expected}): it was changed or replaced; nothing was compared or written")


def file_sha256(path: Path) -> str:
    """SHA-256 of a file leakscan wrote, read in chunks, never through a link or from a FIFO."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(f"{path}: not a regular file")
        return readonce.digest(st, lambda: hashlib.file_digest(f, "sha256").hexdigest())


def anchors(out: Path) -> dict[str, str]:
    """The anchored documents in ``out`` and their SHA-256 (a document that is missing, a link or not a
    regular file is left out: it anchors nothing)."""
    found = {}
    for name in ANCHORED:
        try:
            found[name] = file_sha256(out / name)
        except (OSError, UsageError):
            continue
    return found


def check_expected(out: Path, expected: list[str]) -> list[dict[str, str]]:
    """Every value written down that no anchored document of ``out`` has any more: (file, problem) rows as
    verify lists them. Each value must be the SHA-256 of findings.json or diff.json as they are now."""
    if not expected:
        return []
    now = {name: digest for name, digest in anchors(out).items() if _holds_its_kind(out / name, name)}
    problems = []
    for value in expected:
        if value in now.values():
            continue
        have = "; ".join(f"{name} is {digest}" for name, digest in now.items()) or "no findings.json or diff.json"
        problems.append({"file": " / ".join(now) or FINDINGS, "expected": value,
                         "problem": f"anchor mismatch: the SHA-256 written down ({value}) is not what the folder "
                                    f"holds ({have}): the evidence document was changed or replaced"})
    return problems


def _holds_its_kind(path: Path, name: str) -> bool:
    """Whether an anchored document is the kind its name says: the original findings.json kept as diff.json
    beside a forged findings.json would otherwise vouch for the forgery (a value matches "a" document)."""
    try:
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)), "rb") as f:
            schema = json.load(f).get("schema")
    except (OSError, ValueError, AttributeError, RecursionError):  # RecursionError: 100,000 nested lists
        return False
    return isinstance(schema, str) and schema.startswith(_KIND[name])


def anchor_rows(out: Path) -> list[tuple[str, str]]:
    """The anchors as rows of the terminal summary (label, value): each document's SHA-256, then the command that
    checks it later (the value to write into the complaint)."""
    from .i18n import _
    from .textsafe import shown

    found = anchors(out)
    rows = [(_("{0} SHA-256").format(name), digest) for name, digest in found.items()]
    if found:
        rows.append((_("to check it later"), f"leakscan verify {shown(out)} --expect-sha256 {next(iter(found.values()))}"))
    return rows


def print_anchors(out: Path) -> None:
    """The anchors on the terminal (stderr, after a summary of its own): aligned ``label: value`` lines."""
    rows = anchor_rows(out)
    width = max((len(label) for label, _value in rows), default=0) + 1
    for label, value in rows:
        print(label + ":" + " " * (width - len(label)) + value, file=sys.stderr)
