"""Does a findings.json agree with itself? The figures a reader quotes, recomputed from what they count.

manifest.sha256 is a checksum list, not a signature: anyone holding the case folder can edit findings.json
and make the manifest again. Such an edit is caught where it contradicts the rest of the document: the
summary (copies, places, persons) against the hits and the person section, the duplicate groups against the
hits' SHA-256 and paths (the person figures against their fingerprints and chains are checked on reading,
scanner.evidence). verify lists a contradiction; merge, report and persons refuse the folder.
"""

from __future__ import annotations

from typing import Any

from .errors import UsageError
from .store import duplicate_groups
from .summary import summarise


def contradictions(doc: dict[str, Any]) -> list[str]:
    """What the document says against itself (empty when it agrees)."""
    found = []
    raw = dict(doc)
    stated = raw.pop("summary", None)
    if isinstance(stated, dict):
        computed: Any = summarise(raw)
        if not _same_code(doc):  # another version may define a figure otherwise: the person figures only
            stated, computed = stated.get("persons"), computed.get("persons")
        if stated != computed:
            found.append("its summary does not agree with its own findings (edited?)")
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


def require_consistent(doc: dict[str, Any], where: str) -> None:
    """Refuse (exit 2, one line) a findings document that contradicts itself."""
    found = contradictions(doc)
    if found:
        raise UsageError(f"{where}: {found[0]}; not used (check it with leakscan verify)")


def _same_code(doc: dict[str, Any]) -> bool:
    """Written by this leakscan with these rules (its summary is then exactly what summarise gives)."""
    tool = doc.get("tool") if isinstance(doc.get("tool"), dict) else {}
    from . import __version__, rules

    return (tool or {}).get("version") == __version__ and (tool or {}).get("ruleset_sha256") == rules.ruleset_sha256()
