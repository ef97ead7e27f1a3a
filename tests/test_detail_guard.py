"""No new detail in English only: every sentence leakscan writes itself into a detail goes through
scanner.details.say (a code with its parameters, said in both languages). A static scan of scanner/ finds a text
literal or f-string given as a detail (``detail=``, ``ReadError(Status.X, "...")``, ``Skipped(..., "...")``,
``Inspection``/``Opened``/``failed`` arguments, a ``(Status.X, "...")`` pair). The files below still hold such
details from before the codes (the Japanese report quotes them after the reason's Japanese explanation): the
counts may only shrink. Convert a detail to a ``Detail`` code (scanner/details.py, its words in
reports/locale/*/report.po) and lower its file's count here; a new detail in English only fails this test."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# _fail: a layer of an image not examined (sources.image_layers: LVM); BundleRefused (``refuse``): a sparse bundle
# SOURCE refused (sources.image_bundle) -- both missed by the guard until review11d
CARRIERS = {"ReadError", "Inspection", "Skipped", "failed", "failed_part", "Opened", "SourceLost", "_fail",
            "BundleRefused", "refuse"}

# file -> how many English-only details it still writes (shrink only)
ENGLISH_ONLY = {
    "biffold.py": 1,
    "contracts.py": 1,
    "inspectors/archive.py": 1,
    "inspectors/spreadsheet.py": 1,
    "sources/image.py": 1,
}


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


def _is_status(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Status"


def english_only(tree: ast.AST) -> list[int]:
    """Lines where a text literal or f-string becomes a detail without a code."""
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
    return lines


def test_the_scan_finds_an_english_only_detail() -> None:
    code = ('raise ReadError(Status.CORRUPT, f"bad {x}")\n'
            'yield Skipped(loc, Status.VANISHED, "gone")\n'
            'return Inspection(status=Status.UNSUPPORTED, detail="no table")\n'
            'return Status.CORRUPT, "damaged"\n'
            'raise ReadError(Status.CORRUPT, say(Detail.ZIP_CORRUPT))\n'
            'return Inspection(status=Status.OK, detail="")\n')
    assert sorted(english_only(ast.parse(code))) == [1, 2, 3, 4]


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
