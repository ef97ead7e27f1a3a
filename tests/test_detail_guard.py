"""No new detail in English only: every sentence leakscan writes itself into a detail goes through
scanner.details.say (a code with its parameters, said in both languages). A static scan of scanner/ finds a text
literal or f-string given as a detail (``detail=``, ``ReadError(Status.X, "...")``, ``Skipped(..., "...")``,
``Inspection``/``Opened``/``failed`` arguments, a ``(Status.X, "...")`` pair, a re-read's ``(records, Status.X,
"...")``, a sheet's ``unread=[...]``, a ``SourceError``, a sentence helper's ``return "..."``). Since Session 12 no
file holds one: say a new detail with a ``Detail`` code (scanner/details.py, its words in
reports/locale/*/report.po); a detail in English only fails this test."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# _fail: a layer of an image not examined (sources.image_layers: LVM); BundleRefused (``refuse``): a sparse bundle
# SOURCE refused (sources.image_bundle) -- both missed by the guard until review11d
CARRIERS = {"ReadError", "Inspection", "Skipped", "failed", "failed_part", "Opened", "SourceLost", "_fail",
            "BundleRefused", "refuse", "SourceError", "lost_part"}
# Session 12 (review11d #7): what the guard did not see -- a re-read's outcome ``(records, Status.X, "...")``
# (persons.reread), a sheet's ``unread=[...]`` parts (tables' macro sheets, caches), and a SOURCE's error
# (``SourceError``: scan.source_errors, said in the report's Japanese too; image.py ``_signed_unopened``) and a
# helper returning a sentence that becomes one of these (a ``return "..."`` in a function named below)
SENTENCE_HELPERS = {"_signed_unopened", "_ewf_unreadable", "msg_directory_damage"}
STATUSES = {"Status", "VerifyStatus"}
# lists whose texts become parts of a detail (a sheet's damage/notes/unread, an artefact's warnings)
PART_LISTS = {"damage", "notes", "unread", "warnings"}

# file -> how many English-only details it still writes (shrink only): none since Session 12
ENGLISH_ONLY: dict[str, int] = {}


def _is_text(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(node.value.strip())
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.IfExp):
        return _is_text(node.body) or _is_text(node.orelse)
    return False


def _name(node: ast.AST) -> str:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def _is_status(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in STATUSES


def english_only(tree: ast.AST) -> list[int]:
    """Lines where a text literal or f-string becomes a detail (or a part of one) without a code."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            lines += [kw.value.lineno for kw in node.keywords if kw.arg in ("detail", "status_detail")
                      and _is_text(kw.value)]
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in CARRIERS:
                lines += [a.lineno for a in node.args if _is_text(a)]
        if isinstance(node, ast.Tuple) and len(node.elts) == 2 and _is_status(node.elts[0]) and _is_text(node.elts[1]):
            lines.append(node.elts[1].lineno)
        if isinstance(node, ast.Tuple) and len(node.elts) == 3 and _is_status(node.elts[1]) and _is_text(node.elts[2]):
            lines.append(node.elts[2].lineno)  # a re-read's outcome: (records, status, detail)
        if isinstance(node, ast.Call):
            lines += [e.lineno for kw in node.keywords if kw.arg == "unread" and isinstance(kw.value, ast.List)
                      for e in kw.value.elts if _is_text(e)]
        # Session 13 (details13): a sheet's damage and notes, an artefact's warnings (joined into a detail), a
        # volume row's note, appended or assigned as English (the dynamic audit found them: caches, vcard, GPT ...)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("append", "insert", "extend") and _name(node.func.value) in PART_LISTS):
            lines += [a.lineno for a in node.args if _is_text(a) or (isinstance(a, ast.List)
                                                                      and any(_is_text(e) for e in a.elts))]
        if isinstance(node, ast.Call):
            lines += [e.lineno for kw in node.keywords if kw.arg in PART_LISTS and isinstance(kw.value, ast.List)
                      for e in kw.value.elts if _is_text(e)]
        if isinstance(node, ast.Assign) and _is_text(node.value) and any(
                _name(t) in ("damage", "note") or (isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant)
                                                   and t.slice.value == "note") for t in node.targets):
            lines.append(node.value.lineno)
        if isinstance(node, ast.Dict):
            lines += [v.lineno for k, v in zip(node.keys, node.values, strict=True)
                      if isinstance(k, ast.Constant) and k.value == "note" and _is_text(v)]
        if isinstance(node, ast.FunctionDef) and node.name in SENTENCE_HELPERS:
            lines += [r.value.lineno for r in ast.walk(node) if isinstance(r, ast.Return) and r.value is not None
                      and _is_text(r.value)]
    return sorted(set(lines))


def test_the_scan_finds_an_english_only_detail() -> None:
    code = ('raise ReadError(Status.CORRUPT, f"bad {x}")\n'
            'yield Skipped(loc, Status.VANISHED, "gone")\n'
            'return Inspection(status=Status.UNSUPPORTED, detail="no table")\n'
            'return Status.CORRUPT, "damaged"\n'
            'raise ReadError(Status.CORRUPT, say(Detail.ZIP_CORRUPT))\n'
            'return Inspection(status=Status.OK, detail="")\n'
            'return None, Status.WALK_STOPPED, f"not found again: {why}"\n'
            'yield Sheet("", [], unread=[f"macro sheet not examined ({why})"])\n'
            'raise SourceError(f"cannot open the {name} image")\n'
            'def _signed_unopened(self):\n    return f"{name} image signature at the start"\n'
            'return None, Status.OK, read.digests.sha256\n'
            'sheet.damage.append(f"{what}: XML ends ({e})")\n'
            'yield Sheet("", [], damage=[f"{what}: not readable"])\n'
            'layer.facts["note"] = f"runs past the end: {n}"\n'
            'out.warnings.append(say(Detail.HIVE_TRUNCATED, size=1, declared=2))\n'
            'facts = {"note": "read joined"}\n')
    assert sorted(english_only(ast.parse(code))) == [1, 2, 3, 4, 7, 8, 9, 11, 13, 14, 15, 17]


def test_no_new_detail_is_written_in_english_only() -> None:
    found: Counter[str] = Counter()
    where: dict[str, list[int]] = {}
    for path in sorted((ROOT / "scanner").rglob("*.py")):
        rel = path.relative_to(ROOT / "scanner").as_posix()
        lines = english_only(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            found[rel], where[rel] = len(lines), lines
    grown = {f: (n, ENGLISH_ONLY.get(f, 0), where[f]) for f, n in found.items() if n > ENGLISH_ONLY.get(f, 0)}
    assert not grown, f"a detail in English only (say it with scanner.details.say): {grown}"
    shrunk = {f: (found.get(f, 0), n) for f, n in ENGLISH_ONLY.items() if found.get(f, 0) < n}
    assert not shrunk, f"fewer English-only details than allowed: lower their counts in ENGLISH_ONLY: {shrunk}"
