"""review12g #8: what a worker was doing when it died or hung ("in the archive inspector", "while reading") is
said in the report's language, not left in English inside the Japanese words."""

from __future__ import annotations

import re

import pytest

from reports.details import detail_html, detail_text
from scanner.codes import Status
from scanner.details import Detail, doing, read_details, say

DOINGS = [doing("archive", "py7zr (PPMd: pyppmd)", True), doing(None, None, False), doing("mail", None, False),
          doing(None, "pyppmd", True)]


@pytest.mark.parametrize("what", DOINGS)
def test_what_a_dead_worker_was_doing_is_said_in_japanese(what: str) -> None:
    detail = say(Detail.WORKER_DIED, how="SIGSEGV", doing=what, gib=6)
    assert read_details(detail)[0]["code"] == "worker-died"
    for shown in (detail_text(detail, Status.CORRUPT, "ja"), str(detail_html(detail, Status.CORRUPT, "ja", str))):
        assert not re.search(r"inspector|while reading|archive member", shown), shown
        assert "SIGSEGV" in shown
        if "py7zr" in what:  # the decoder is a library's name: kept as it is
            assert "py7zr (PPMd: pyppmd)" in shown
    assert detail_text(detail, Status.CORRUPT, "en") == detail  # English as recorded


def test_a_hung_worker_and_the_old_wording_read_back() -> None:
    old = "no progress for 30 s in the archive inspector (py7zr); worker stopped"  # a case written before
    shown = detail_text(old, Status.TIMEOUT, "ja")
    assert "inspector" not in shown and "py7zr" in shown, shown
