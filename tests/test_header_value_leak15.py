"""A sender line taken for a list's header (「氏名：小川 花子 | 住所：… | 電話：…」 above a header-less list) put that
person's name, address and phone unmasked into the column names of report.html and findings.json (found by fix15b,
session 15). Column names are written as they are, like column letters, so a header cell written label：value is
shown by its label alone."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from conftest import run_cli
from pii_data import people


def test_a_labelled_sender_line_taken_for_the_header_leaves_no_personal_value_in_any_output(tmp_path: Path) -> None:
    persons = people(41, seed=77)
    sender = persons[0]
    src = tmp_path / "src"
    src.mkdir()
    with (src / "list.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([f"氏名：{sender.name}", f"住所：{sender.address}", f"電話：{sender.phone}"])
        w.writerows([p.name, p.address, p.phone] for p in persons[1:])
    out = tmp_path / "out"
    scan = run_cli("scan", str(src), "--out", str(out), "--quiet")
    assert scan.returncode == 0, scan.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    sheets = [s for f in doc["files"] for s in (f.get("pii") or {}).get("sheets") or []]
    assert sheets and all(s["records"] >= 39 for s in sheets), sheets
    assert sheets[0]["columns"] == {"name": ["氏名"], "address": ["住所"], "phone": ["電話"]}, sheets[0]["columns"]
    given = sender.name.split()[1]
    for path in out.iterdir():
        text = path.read_bytes().decode("utf-8", errors="replace")
        for value in (sender.name, given, sender.address, sender.phone):
            assert value not in text, (path.name, "a personal value of the sender line")
