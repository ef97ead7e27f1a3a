"""Session 25 review of speed25a and speed25b (review25s): what their fast paths dropped.

Each test was committed failing before its fix; the scans run the CLI once for the module (``ScanCases``)."""

from __future__ import annotations

import io
import os
import zipfile
from typing import Any

from tests.conftest import ScanCases, own_lines

cases = ScanCases("review25s")
scanned = cases.fixture()


@cases.case
def _piece_nl() -> dict[str, bytes]:
    """A zip holding later pieces of split files whose names end in a line feed (a hostile or damaged name: a zip or
    tar member, an ext4 file may be so named). ``split_series._PIECE`` ends in ``$``, which matches before a final
    line feed, so ``_piece_listed`` took them as pieces and they were listed ``split-piece-alone``; speed25b's guard
    (a piece's name ends in an ASCII digit) passed over them: nothing wants a .docx/.log piece of random bytes, so
    they ended as nothing."""
    junk = os.urandom(3000)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("報告.docx.002\n", junk)
        z.writestr("server.log.004\n", junk[::-1])
    return {"pieces_nl.zip": buf.getvalue()}


def test_a_piece_whose_name_ends_in_a_line_feed_is_still_listed(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "piece_nl")
    said = {s["path"].split(" » ")[-1]: s for s in lines["skipped"]}
    for name in ("報告.docx.002\n", "server.log.004\n"):
        assert name in said, (name, sorted(said))
        assert [d["code"] for d in said[name]["detail_codes"]] == ["split-piece-alone"], said[name]


def test_the_piece_guard_never_hides_what_piece_listed_says() -> None:
    """``examine.may_be_piece`` (the guard before ``_piece_listed``) is True for every name ``_piece_listed`` lists, in
    a container and in a folder: names ending in each character, a line feed and a carriage return among them."""
    import random

    from scanner.examine import _piece_listed, may_be_piece

    rnd = random.Random(2505)
    tails = ["", "\n", "\r", "\r\n", "\n\n", " ", "\t", "\u2028", "\x85", "\x00", "３", "a"]
    names = [f"{stem}.{ext}.{n:03d}{tail}" for stem in ("名簿", "a b", "x.y") for ext in ("csv", "docx", "log", "txt", "bin")
             for n in (1, 2, 37, 999) for tail in tails]
    names += ["".join(rnd.choice("ab.0123456789\n\r ") for _ in range(rnd.randint(0, 14))) for _ in range(5000)]
    listed = 0
    for name in names:
        said = _piece_listed(name) or _piece_listed(name, folder=True)
        listed += bool(said)
        assert not said or may_be_piece(name), repr(name)
    assert listed > 50
