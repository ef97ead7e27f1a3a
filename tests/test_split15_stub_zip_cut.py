"""A zip behind a shell stub, cut into parts, whose last part is cut too (Session 15, split15; split14's "left").

``setup.zip.001`` begins as text (the script); split14 joins the series as the zip it is when its last bytes hold
the zip's end of central directory. With the last part cut before that record the series was read as text: its
members unread ("binary content"). A series whose first part is text and whose last bytes are no text but hold zip
records (central directory or local headers) is a zip after all: joined, its members read from their local headers
(listed ``corrupt``). A CSV cut under the same names stays text.
"""

from __future__ import annotations

from pathlib import Path

from pii_data import csv_bytes, people, standard
from test_split13_series import _records, _scan
from test_split14_stub_zip import cut, stub_zip


def test_a_stub_zip_series_with_its_end_cut_is_read_as_a_zip(tmp_path: Path) -> None:
    src = tmp_path / "src"
    data = stub_zip()
    for k, lost in enumerate((30, 200, 2000)):  # into the end record, the directory, the last member's data
        parts = cut(src / f"cut{k}", data)
        parts[-1].write_bytes(parts[-1].read_bytes()[:-lost])
    table = csv_bytes(standard(people(200, seed=162)), "utf-8")
    (src / "text").mkdir(parents=True)
    size = -(-len(table) // 3)
    for i in range(3):
        (src / "text" / f"list.zip.{i + 1:03d}").write_bytes(table[i * size:(i + 1) * size])
    hits, skipped = _scan(tmp_path, src)
    for k in range(3):
        first = src / f"cut{k}" / "setup.zip.001"
        assert hits[f"{first} » 名簿.csv"]["pii"]["records"] == 240, (k, sorted(hits))
        member = hits.get(f"{first} » 会員.csv") or {}
        if k == 0:  # only the end record lost: every member whole
            assert member["pii"]["records"] == 60
        else:  # the last member cut (or lost with the directory): read to the cut, or the series listed
            assert member.get("status") == "corrupt" or skipped.get(f"{first} » 会員.csv") or skipped.get(str(first))
    assert _records(hits, src / "text" / "list.zip.001") == 200
