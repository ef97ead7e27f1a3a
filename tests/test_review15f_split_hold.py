"""A split series inside an archive whose pieces pass the hold (--max-inspect-mb of listed member bytes) is not
joined in part (review15f).

split15 holds an archive's part-named members for grouping up to --max-inspect-mb of their listed sizes; members
past it were passed on alone, the others grouped without them. A zip of ``x.7z.001 .002 .003`` whose pieces inflate
past the hold was grouped as ``.001`` + ``.002`` only: ``.001`` listed "its 7z header lies in part 3, which is not
here" and the terminal said a series had parts missing ("find those parts") though all three lay in the same
folder of the archive. A folder whose pieces do not all fit is now examined piece by piece as before split15, none
said to be missing.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import py7zr
from conftest import run_cli
from pii_data import csv_bytes, people, standard
from test_split15_series_in_archives import _pieces, _zip


def test_pieces_past_the_hold_are_not_said_missing(tmp_path: Path) -> None:
    table = csv_bytes(standard(people(50, seed=1515)), "utf-8")
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", filters=[{"id": py7zr.FILTER_COPY}]) as z:  # stored: ~2.7 MB of pieces
        z.writestr(table, "名簿.csv")
        z.writestr(bytes(2_700_000), "pad.bin")
    src = tmp_path / "src"
    src.mkdir()
    pieces = _pieces(buf.getvalue(), "x.7z", 3)  # ~0.9 MB each, the zip ~10 kB: two fit a 2 MB hold, not three
    (src / "send.zip").write_bytes(_zip({f"out/{k}": v for k, v in pieces.items()}))
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "nothing-named-so", "--out", str(out), "--max-inspect-mb", "2")
    assert run.returncode == 3, run.stderr[-2000:]  # images24: the set not joined is said (exit 3; was 0 unsaid)
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    over = [s for s in doc["skipped"] if [c["code"] for c in s["detail_codes"]][:1] == ["split-set-over-hold"]]
    assert [s["path"].rsplit(" » ", 1)[1] for s in over] == ["out/x.7z.001"], doc["skipped"]
    listed = {s["path"]: s["detail"] for s in doc["skipped"]}
    for name in pieces:  # every piece ends as a listed reason
        assert any(p.endswith(f"send.zip » out/{name}") for p in listed), (name, listed)
    assert not [d for d in listed.values() if "not here" in d or "missing" in d], listed
    assert doc["summary"]["split_series_incomplete"] == 0
    assert "parts missing" not in run.stderr
