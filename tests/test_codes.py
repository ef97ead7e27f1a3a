"""Codes are StrEnums with their meaning beside them: one definition each, written as members, never bare."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from conftest import ROOT

from scanner import codes
from scanner.codes import (
    COPY_REASONS,
    COUNTED_REASONS,
    LEAK_REASONS,
    NO_CONTENT_SKIPS,
    SKIP_REASONS,
    Reason,
    Status,
)

FAMILIES = [codes.Status, codes.Reason, codes.DiffClass, codes.Verdict, codes.VerdictReason, codes.Lingering,
            codes.VerifyStatus, codes.SheetKind, codes.Rejection]
# Families whose values must never be written as bare strings in the code. "name" and "pii" are also the
# names of findings.json fields (f["name"], f.get("pii")), so they are left to the review.
GUARDED = [codes.Status, codes.Reason, codes.DiffClass, codes.Verdict, codes.VerdictReason, codes.VerifyStatus]
FIELD_NAMES = {"name", "pii", "skipped"}  # also keys of findings.json (scanner.evidence)
KEY_CALLS = {"get", "getattr", "hasattr", "pop", "setdefault"}


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.__name__)
def test_every_code_says_what_it_means(family: type[codes.Code]) -> None:
    for member in family:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", member), member
        assert len(member.meaning) > 10, f"{family.__name__}.{member.name} has no meaning beside it"


def test_codes_are_their_strings_in_json_and_in_comparisons() -> None:
    doc = {"status": Status.TOO_LARGE, "reasons": [Reason.NAME_VARIANT]}
    assert json.dumps(doc) == '{"status": "too-large", "reasons": ["name-variant"]}'
    loaded = json.loads(json.dumps(doc))
    assert loaded["status"] == Status.TOO_LARGE and Status(loaded["status"]) is Status.TOO_LARGE
    assert COPY_REASONS & set(loaded["reasons"])  # plain strings read back meet the named sets
    assert f"{Status.BOMB}" == "bomb" and "status_" + Status.BOMB == "status_bomb"


def test_named_sets_say_one_thing_each() -> None:
    assert COUNTED_REASONS < COPY_REASONS < LEAK_REASONS  # counted persons are copies; copies are leaks
    assert Reason.NAME_KEYWORD not in LEAK_REASONS  # a keyword in a name is a lead, never a copy
    assert LEAK_REASONS == set(Reason) - codes.LEAD_REASONS  # a lead (a keyword, names without addresses) never blocks
    assert Reason.PII_NAMES not in LEAK_REASONS
    assert Status.OK not in SKIP_REASONS and Status.NO_RECORDS not in SKIP_REASONS
    assert Status.NAMES_ONLY not in SKIP_REASONS
    assert NO_CONTENT_SKIPS < SKIP_REASONS
    assert set(codes.CLASSES) == set(codes.DiffClass) and codes.DiffClass.REMOVED not in codes.BLOCKING


def _bare_codes(path: Path, values: set[str]) -> list[tuple[int, str]]:
    """String constants equal to a code, except docstrings, dict keys, subscripts and key look-ups."""
    tree = ast.parse(path.read_text("utf-8"))
    not_codes: set[int] = set()
    for n in ast.walk(tree):
        body = getattr(n, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):
            not_codes.add(id(body[0].value))  # a docstring
        if isinstance(n, ast.Dict):
            not_codes.update(id(k) for k in n.keys if k is not None)
        elif isinstance(n, ast.Subscript):
            not_codes.add(id(n.slice))
        elif isinstance(n, ast.Call):
            fn = n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")
            if fn in KEY_CALLS:
                not_codes.update(id(a) for a in n.args)
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value in values
            and id(n) not in not_codes]


def test_no_code_is_written_as_a_bare_string() -> None:
    values = {str(m) for family in GUARDED for m in family} - FIELD_NAMES
    files = [*(ROOT / "scanner").rglob("*.py"), *(ROOT / "reports").glob("*.py")]
    exempt = {ROOT / "scanner" / "codes.py", ROOT / "reports" / "strings.py"}  # the codes; the labels
    found = {str(p.relative_to(ROOT)): bare for p in files if p not in exempt and (bare := _bare_codes(p, values))}
    assert len(files) > 40
    assert not found, f"codes written as bare strings (use scanner.codes): {found}"


def test_the_check_sees_a_bare_code(tmp_path: Path) -> None:
    """The check above can fail: a module that writes a skip reason as a string is caught."""
    module = tmp_path / "m.py"
    module.write_text('"""doc: corrupt"""\nfrom x import ReadError\n'
                      'def f(d):\n    d.get("corrupt")\n    raise ReadError("corrupt", "damaged")\n', "utf-8")
    assert _bare_codes(module, {"corrupt"}) == [(5, "corrupt")]
