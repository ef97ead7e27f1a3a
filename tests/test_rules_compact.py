"""The pre-parsed rule files (signatures/<name>.compact.json, scanner.rules.COMPACT) hold exactly what their
TOML says, are used only while made from the TOML's current bytes, and give the same name tests."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tomllib

import pytest

from scanner import rules
from tests.conftest import ROOT

SIGNATURES = ROOT / "signatures"


@pytest.mark.parametrize("name", rules.COMPACT)
def test_compact_form_equals_the_toml(name: str) -> None:
    """Fails when the TOML was edited and tools/compact_rules.py not run (the TOML is the source)."""
    toml = (SIGNATURES / f"{name}.toml").read_bytes()
    doc = json.loads((SIGNATURES / f"{name}{rules.COMPACT_SUFFIX}").read_bytes())
    assert doc["toml_sha256"] == hashlib.sha256(toml).hexdigest(), "run python3 tools/compact_rules.py"
    assert doc["rules"] == tomllib.loads(toml.decode("utf-8"))
    assert rules.compact_form(name, toml) == tomllib.loads(toml.decode("utf-8"))
    assert rules.load(name) == tomllib.loads(toml.decode("utf-8"))


def test_tool_check_agrees() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "compact_rules.py"), "--check"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("name", rules.COMPACT)
def test_compact_form_of_other_bytes_is_not_used(name: str) -> None:
    """An edited TOML (one byte more, a changed value) with the old compact form: the TOML is parsed."""
    toml = (SIGNATURES / f"{name}.toml").read_bytes()
    assert rules.compact_form(name, toml + b"\n") is None
    assert rules.compact_form(name, toml.replace(b'"', b"'", 1)) is None
    assert rules.compact_form("keywords", (SIGNATURES / "keywords.toml").read_bytes()) is None  # none made


def test_load_falls_back_to_the_toml(monkeypatch: pytest.MonkeyPatch) -> None:
    """With every compact form unusable, load() parses the TOML and returns the same rules."""
    from scanner.detectors import person_names as N

    fast = N.name_data()
    monkeypatch.setattr(rules, "compact_form", lambda name, toml: None)
    rules.load.cache_clear()
    N.name_data.cache_clear()
    try:
        slow = N.name_data()
        assert slow == fast and len(slow.surnames) > 10 and len(slow.latin_first) > 1000
        assert rules.load("municipalities") == tomllib.loads((SIGNATURES / "municipalities.toml").read_text("utf-8"))
    finally:
        rules.load.cache_clear()
        N.name_data.cache_clear()


def test_json_cannot_hold_toml_dates() -> None:
    with pytest.raises(rules.RuleError):
        rules.make_compact(b"when = 2026-12-05T06:00:00Z\n")
