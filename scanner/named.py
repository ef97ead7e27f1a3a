"""The named file under the extension the examiner typed, or by its stem alone: decided after the walk.

The examiner types the name the insider gave, and may get the extension wrong or leave it out. A bare
stem (``--name 介護予防_利用者名簿``) is matched by the name rules directly: that stem in any format of the
stem family (signatures/name_variants.toml ``[stem]``) is the named file (rule ``no-extension-given``).
When no file has the name as typed (``--name 名簿.xls`` while the copies are ``名簿.xlsx``), the files with
the same stem in another format of that family are the named file: reason ``name`` is added with rule
``extension-not-found``, so their persons are counted. Either way findings.json ``named_files`` says, for
each --name, how many files had it as typed and which extensions were counted in its place; the terminal
and the report show it. When the name as typed was found, other formats stay copies (``other-extension``),
listed but not counted, exactly as before.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .codes import Reason
from .contracts import ScanContext
from .models import FileHit, Location
from .names import EXTENSION_NOT_FOUND, NO_EXTENSION_GIVEN, NameRules, named_target, split_ext


class NamedExtension:
    """The post-scan analysis registered in scanner/registry.py, before the person count."""

    name = "named_files"
    what = "matching the named files' extensions"

    def __call__(self, ctx: ScanContext) -> None:
        if ctx.rules.targets:
            ctx.result.extra["named_files"] = apply_to_hits(ctx.result.hits, ctx.rules)


def base_name(location: Location) -> str:
    """The name the name rules saw: the last part of the path (archives from Windows may use backslashes)."""
    path = location.path
    if location.containers and location.containers[-1].kind == "archive":
        path = path.replace("\\", "/")
    return path.rstrip("/").rsplit("/", 1)[-1]


def apply_to_hits(hits: list[FileHit], rules: NameRules) -> list[dict[str, Any]]:
    """Add reason ``name`` (rule extension-not-found) where the name as typed was found nowhere; return the
    ``named_files`` section: one entry per --name value."""
    names = [base_name(h.location) for h in hits]
    exact: Counter[str] = Counter()
    by_stem: dict[str, Counter[str]] = {t: Counter() for t in rules.targets}
    for name in names:
        m = next((m for m in rules.match(name) if m.reason == Reason.NAME), None)
        if m is None or m.target is None:
            continue
        if m.rule.endswith(NO_EXTENSION_GIVEN):
            by_stem[m.target][split_ext(name)[1].casefold()] += 1
        else:
            exact[m.target] += 1
    out = []
    for target in dict.fromkeys(rules.targets):
        ext = named_target(target)[2]
        rule = None if ext else NO_EXTENSION_GIVEN
        if ext and not exact[target]:
            for h, name in zip(hits, names, strict=True):
                if rules.stem_target(name) == target and Reason.NAME not in h.reasons:
                    h.reasons.append(Reason.NAME)
                    h.matched_rules.append(f"{Reason.NAME}:{EXTENSION_NOT_FOUND}")
                    by_stem[target][split_ext(name)[1].casefold()] += 1
            rule = EXTENSION_NOT_FOUND if by_stem[target] else None
        out.append({"name": target, "extension": ext, "found_as_given": exact[target],
                    "counted_by_stem": dict(sorted(by_stem[target].items())), "rule": rule})
    return out


def notices(section: list[dict[str, Any]]) -> list[str]:
    """One line per --name whose copies were counted under another extension than the one typed (English,
    for the terminal; the report words it in its own language from the same section)."""
    lines = []
    for e in section or []:
        counted = ", ".join(f"{ext or '(none)'} {n}" for ext, n in (e.get("counted_by_stem") or {}).items())
        if e.get("rule") == EXTENSION_NOT_FOUND:
            lines.append(f"--name {e['name']}: no file has this name as given; counted as the named file: the same "
                         f"name with another extension ({counted})")
        elif e.get("rule") == NO_EXTENSION_GIVEN and counted:
            lines.append(f"--name {e['name']} has no extension: counted as the named file: the same name with "
                         f"any spreadsheet extension ({counted})")
    return lines
