"""Lead, session 24: findings of the merged whole that no single branch saw."""
from __future__ import annotations

import pytest

from scanner import details
from scanner.details import Detail, say


def test_a_reworded_code_is_said_in_its_new_words_after_forget_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    """other24 made each code's format template once (``details._plain``) but ``forget_patterns`` did not empty
    it: a code said before a test reworded it kept its old words, so test_completeness_codes / test_audit11 failed
    whenever an earlier test in the same worker had said the folder code (CI at dc3e4851: 2 failures, each passing
    alone)."""
    before = say(Detail.DIRECTORY, library="Permission denied")  # made and cached in its old words
    assert before.startswith("directory")
    details.forget_patterns()
    monkeypatch.setattr(Detail.DIRECTORY, "meaning", "folder could not be opened: {library:lib}")
    monkeypatch.setattr(details, "_ORDER", ())
    details.forget_patterns()
    try:
        assert say(Detail.DIRECTORY, library="Permission denied") == "folder could not be opened: Permission denied"
    finally:
        monkeypatch.undo()
        details.forget_patterns()
    assert say(Detail.DIRECTORY, library="Permission denied") == before
