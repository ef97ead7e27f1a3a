"""Which case-folder features the leakscan that wrote a document had, told by the rule set it names (case24).

A field or file a feature writes can be struck together with every later one (a findings.json stripped to look like one
of 2026-12-03, its exports deleted; a diff.json with both scans' folders struck), and the document then reads as one of
a leakscan before the feature. The rule set it names (``tool.ruleset_sha256``; a diff names each scan's) is tied to
what was found with it; scanner/eras.py lists, for each feature, the rule sets of every leakscan before it (from git
history, tools/make_eras.py). A document naming any other rule set (a later one, one made up, none) was written by a
leakscan that has the feature, so what the feature writes must be there.
"""

from __future__ import annotations

import hashlib

from .eras import BEFORE


def may_predate(feature: str, ruleset: object) -> bool:
    """A leakscan before ``feature`` (a key of eras.BEFORE) recorded the rule set ``ruleset``: only then may a document
    naming it lack what the feature writes. Total."""
    return isinstance(ruleset, str) and hashlib.sha256(ruleset.encode()).hexdigest() in BEFORE.get(feature, ())


def ruleset_of(doc: object) -> object:
    """A findings document's ``tool.ruleset_sha256`` (None when it has none). Total."""
    tool = doc.get("tool") if isinstance(doc, dict) else None
    return tool.get("ruleset_sha256") if isinstance(tool, dict) else None
