"""Review of wild21 (session 21): inputs an investigator meets that wild21's change read wrongly.

1. A Stata file holding EUC-JP text with one damaged byte: UTF-8, CP932 and EUC-JP fail, and wild21's new last
   encoding, Windows-1252 (which takes every byte EUC-JP uses), converted every string: the file was read as mojibake
   with status ok and its persons lost without a listing (before wild21 it was listed `corrupt`). A Windows-1252
   reading whose texts are mostly EUC-JP (or UTF-8) after all is the damaged file it is: `corrupt`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from tests.conftest import ScanCases, own_lines
from tests.pii_data import people, standard
from tests.test_wild21 import latin1_118, western

N = 12
cases = ScanCases("review21w")
scanned = cases.fixture()


def encoded_118(rows: list[list[object]], encoding: str) -> bytes:
    """A Stata 118 file (pyreadstat writes UTF-8) whose texts were then put in ``encoding``, each in its own field
    (as a tool that wrote its bytes unconverted leaves them)."""
    import pandas as pd
    import pyreadstat

    header, body = rows[0], rows[1:]
    frame = pd.DataFrame([[str(c) for c in r] for r in body], columns=[f"v{i}" for i in range(len(header))])
    with tempfile.TemporaryDirectory() as tmp:
        pyreadstat.write_dta(frame, f"{tmp}/u.dta", column_labels=[str(h) for h in header], version=14)
        data = (Path(tmp) / "u.dta").read_bytes()
    for text in sorted({str(c) for r in rows for c in r if not str(c).isascii()}, key=lambda t: -len(t.encode())):
        utf8, other = text.encode(), text.encode(encoding)
        assert utf8 in data, text
        data = data.replace(utf8, other.ljust(len(utf8), b"\0"))
    return data


def _damaged(data: bytes, text: str, encoding: str, at: int, value: int) -> bytes:
    """``data`` with the byte ``at`` of ``text`` (in ``encoding``) set to ``value``."""
    start = data.index(text.encode(encoding))
    out = bytearray(data)
    out[start + at] = value
    return bytes(out)


@cases.case
def _euc() -> dict[str, bytes]:
    rows = standard(people(N, seed=2121))
    whole = encoded_118(rows, "euc_jp")
    name = str(rows[3][1])
    return {"euc.dta": whole,
            "euc_ff.dta": _damaged(whole, name, "euc_jp", 0, 0xFF),  # a lead byte that is no EUC-JP byte
            "euc_space.dta": _damaged(whole, name, "euc_jp", 1, 0x20),  # a trail byte lost to a space
            "latin1.dta": latin1_118(western())}  # wild21's Windows-1252 file stays read


def test_damaged_euc_jp_stata_file_is_corrupt_not_mojibake(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "euc")
    hits = {Path(h["path"]).name: h["pii"]["records"] for h in lines["files"]}
    listed = {Path(s["path"]).name: (s["reason"], [c["code"] for c in s["detail_codes"]]) for s in lines["skipped"]}
    assert hits == {"euc.dta": N, "latin1.dta": N}, (hits, listed)
    assert listed == {"euc_ff.dta": ("corrupt", ["stats-unreadable"]),
                      "euc_space.dta": ("corrupt", ["stats-unreadable"])}, listed
