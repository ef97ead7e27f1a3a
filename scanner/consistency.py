"""Does a findings.json agree with itself? The figures a reader quotes, recomputed from what they count.

manifest.sha256 is a checksum list, not a signature: anyone holding the case folder can edit findings.json
and make the manifest again. Such an edit is caught where it contradicts the rest of the document: the
summary (copies, places, persons) against the hits and the person section, the duplicate groups against the
hits' SHA-256 and paths (the person figures against their fingerprints and chains are checked on reading,
scanner.evidence). verify lists a contradiction; merge, report and persons refuse the folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .errors import UsageError
from .evidence import FINDINGS, FindingsDoc, read_case_file, read_findings
from .store import duplicate_groups
from .summary import summarise

EXPORT_LIMIT = 1 << 30  # an export larger than this is not read to compare its start (said: exports_not_compared)
EXPORTS_STARTED = ("findings.dfxml", "findings.case.jsonld")


def contradictions(doc: dict[str, Any]) -> list[str]:
    """What the document says against itself (empty when it agrees)."""
    found = []
    raw = dict(doc)
    stated = raw.pop("summary", None)
    if stated is not None and not isinstance(stated, dict):  # Session 22: a summary of another type was not checked
        found.append("its summary is not one leakscan writes (edited?)")
    if isinstance(stated, dict):
        computed: Any = summarise(raw)
        if not made_by_this_code(doc):  # other code may define a figure otherwise: the person figures only
            stated, computed = stated.get("persons"), computed.get("persons")
        if stated != computed:
            found.append("its summary does not agree with its own findings (edited?)")
    if _outputs_struck(doc):
        found.append("its scan.outputs is missing, though the leakscan that wrote it records them (edited?)")
    if _code_sha256_struck(doc):
        found.append("its tool.code_sha256 is missing, though the rule set it names is of a leakscan that records it "
                     "(edited?)")
    if doc.get("duplicate_groups") != duplicate_groups(doc.get("files") or []):
        found.append("its duplicate groups do not agree with the SHA-256 and paths of its hits (edited?)")
    hits = {f.get("id"): f for f in doc.get("files") or [] if isinstance(f, dict)}
    persons = doc.get("persons") if isinstance(doc.get("persons"), dict) else {}
    for counted in (persons or {}).get("files") or []:
        hit = hits.get(counted.get("id")) if counted.get("role") == "leak" else None
        if hit is not None and (hit.get("sha256"), hit.get("path")) != (counted.get("sha256"), counted.get("path")):
            found.append(f"counted file #{counted.get('id')} has another SHA-256 or path than its hit (edited?)")
            break
    return found


def _outputs_struck(doc: dict[str, Any]) -> bool:
    """A findings.json without ``scan.outputs`` that a leakscan recording them wrote (review22c: struck out with the
    exports, it passed as a folder of a leakscan before the exports): this very code, or a start to the microsecond
    (both came in Session 22, timeutil.now_utc). A folder of an earlier leakscan (to the second) keeps the old rule."""
    scan = doc.get("scan")
    if not isinstance(scan, dict) or "outputs" in scan:
        return False
    started = scan.get("started")
    return made_by_this_code(doc) or (isinstance(started, str) and "." in started)


def _code_sha256_struck(doc: dict[str, Any]) -> bool:
    """A findings.json without ``tool.code_sha256`` naming a rule set that no leakscan before the code hash (2026-12-05)
    recorded (case24: struck with every later field and the exports deleted, it read as a 12-03 folder)."""
    from .era import may_predate, ruleset_of

    tool = doc.get("tool")
    return isinstance(tool, dict) and "code_sha256" not in tool and not may_predate("code_sha256", ruleset_of(doc))


def exports_started(out: Path, doc: dict[str, Any]) -> list[tuple[str, str]]:
    """The exports state when the scan began (DFXML ``start_time``, CASE ``uco-action:startTime``: every leakscan that
    wrote them, from findings.json's ``scan.started``), whatever code wrote them: one that is not findings.json's was
    not made from it (case23: the start cut to the second, the code hash edited, so nothing was made again to
    compare; the exports kept passed). Read as bytes, nothing parsed as XML."""
    import re

    from .output import read_nofollow

    started = (doc.get("scan") or {}).get("started") if isinstance(doc.get("scan"), dict) else None
    found = []
    patterns = (("findings.dfxml", rb"<start_time>([^<]*)</start_time>", rb"<start_time[\s/>]"),
                ("findings.case.jsonld", rb'"uco-action:startTime":\s*\{[^}]*"@value":\s*"([^"]*)"',
                 rb'"uco-action:startTime"\s*:'))  # a key: a string value is never followed by a colon
    for name, pattern, mark in patterns:
        try:
            data: bytes | None = read_nofollow(out / name, EXPORT_LIMIT)
        except (OSError, UsageError):  # absent or a link: the manifest check says so; too large: exports_not_compared
            data = None
        if data is None:
            continue
        # case24 (verify23's open choice): the whole export is read and every start it states compared; leakscan
        # writes exactly one (a name cannot form one: XML escapes <, JSON escapes "). Before, the first alone was:
        # a forged start put ahead of the export's own passed, and so did an export whose start was struck.
        stated = [m.group(1).decode("utf-8", "replace") for m in re.finditer(pattern, data)]
        times = len(re.findall(mark, data))
        if any(s != started for s in stated):
            found.append((name, "states another start of the scan than the findings.json beside it (not made from "
                                "it: copied in from another case, or the findings.json edited)"))
        elif len(stated) != (1 if started else 0) or times != len(stated):
            found.append((name, f"states the start of the scan {times} times, not once in the "
                                "form leakscan writes it (edited?)"))
    return found


def exports_not_compared(out: Path) -> list[str]:
    """The exports in ``out`` too large (over EXPORT_LIMIT) for exports_started to read: their start was not compared
    with findings.json's, which verify says (review23c: such an export passed without a word). Never raises."""
    import stat

    found = []
    for name in EXPORTS_STARTED:
        try:
            st = os.lstat(out / name)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and st.st_size > EXPORT_LIMIT:
            found.append(name)
    return found


def require_consistent(doc: dict[str, Any], where: str, folder: Path | None = None) -> None:
    """Refuse (exit 2, one line) a findings document that contradicts itself, or (``folder``: the case folder holding
    it) the exports beside it (case23: a start cut to the second with the exports kept was merged and counted)."""
    found = contradictions(doc) + [f"{name} beside it {why}" for name, why in
                                   (exports_started(folder, doc) if folder is not None else [])]
    if found:
        raise UsageError(f"{where}: {found[0]}; not used (check it with leakscan verify)")


def same_code(doc: dict[str, Any]) -> bool:
    """Written by this leakscan with these rules (its summary is then exactly what summarise gives)."""
    tool = doc.get("tool") if isinstance(doc.get("tool"), dict) else {}
    from . import __version__, rules

    return (tool or {}).get("version") == __version__ and (tool or {}).get("ruleset_sha256") == rules.ruleset_sha256()


def made_by_this_code(doc: dict[str, Any]) -> bool:
    """Written by this very code (``tool.code_sha256``): the version number stays while the code changes, so only
    then are the summary and the files made from the document expected to be exactly what this code makes
    (review9h: a genuine case of another build of the same version and rules was "edited?")."""
    from .store import code_sha256

    tool = doc.get("tool") if isinstance(doc.get("tool"), dict) else {}
    return same_code(doc) and (tool or {}).get("code_sha256") == code_sha256()


def read_sound_findings(path: Path, whole_folder: bool = True) -> tuple[FindingsDoc, str]:
    """A findings.json (or the folder holding one) read as untrusted input and used only when it is sound: the
    bytes its folder's manifest lists, a case.key the manifest lists and the fingerprints were made with, and
    figures that agree with what they count. Anything else is refused in one line (exit 2), as merge, persons
    and report refuse it; returns the document and the SHA-256 of the bytes read."""
    import hashlib

    from .output import require_intact, require_vouched
    from .persons.keys import CASE_KEY, check_key_id, read_key_file

    doc, digest = read_findings(path)
    folder = path if path.is_dir() else path.parent
    require_vouched(folder, FINDINGS, digest)
    if whole_folder:  # report writes the reports again from a vouched findings.json, whatever became of them
        require_intact(folder)
    if os.path.lexists(folder / CASE_KEY):
        require_vouched(folder, CASE_KEY, hashlib.sha256(read_case_file(folder / CASE_KEY, 128)).hexdigest())
    check_key_id(doc.persons or {}, read_key_file(folder / CASE_KEY), folder)
    require_consistent(doc.to_json(), str(folder / FINDINGS), folder if whole_folder else None)
    return doc, digest
