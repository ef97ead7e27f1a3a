"""SPSS, Stata and SAS data files read as person tables through pyreadstat (session 15: they were listed
`unsupported`, wild14): variable labels are the header the person detector reads; damaged copies are listed."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyreadstat

from tests.pii_data import people, standard
from tests.test_wild13 import _scan

N = 12


def _frame() -> tuple[pd.DataFrame, list[str]]:
    rows = standard(people(N, seed=155))
    labels = [str(c) for c in rows[0]]
    names = [f"v{i}" for i in range(len(labels))]  # short ASCII variable names, the Japanese words as labels
    return pd.DataFrame([[str(c) for c in r] for r in rows[1:]], columns=names), labels


def _written(tmp_path: Path, kind: str) -> bytes:
    df, labels = _frame()
    path = tmp_path / f"w.{kind}"
    {"sav": pyreadstat.write_sav, "dta": pyreadstat.write_dta, "xpt": pyreadstat.write_xport}[kind](
        df, str(path), column_labels=labels)
    return path.read_bytes()


def test_statistics_data_files_are_read_as_person_tables(tmp_path: Path) -> None:
    made = tmp_path / "made"
    made.mkdir()
    sav, dta, xpt = (_written(made, k) for k in ("sav", "dta", "xpt"))
    files = {"survey.sav": sav, "panel.dta": dta, "transport.xpt": xpt, "survey.dat": sav,
             "cut.sav": sav[:len(sav) // 2], "cut.dta": dta[:len(dta) * 2 // 3]}
    flipped = bytearray(sav)
    flipped[len(sav) // 3] ^= 0xFF
    files["flip.sav"] = bytes(flipped)
    findings = _scan(tmp_path, files)
    hits = {f["path"].rsplit("/", 1)[1]: f for f in findings["files"] if f.get("pii")}
    for name in ("survey.sav", "panel.dta", "transport.xpt", "survey.dat"):
        assert hits[name]["pii"]["records"] == N, (name, hits.get(name), findings["skipped"])
    listed = {s["path"].rsplit("/", 1)[1]: s for s in findings["skipped"]}
    for name in ("cut.sav", "cut.dta"):  # ReadStat reads nothing of a cut file: listed, never a silent clean
        assert listed[name]["reason"] == "corrupt", listed.get(name)
        assert '"stats-unreadable"' in json.dumps(listed[name]["detail_codes"]), listed[name]
    assert "flip.sav" in hits or "flip.sav" in listed, (hits.keys(), listed)  # records or a listed reason
    assert not {"survey.sav", "panel.dta", "transport.xpt", "survey.dat"} & set(listed), listed


def test_damaged_statistics_files_end_as_records_or_listed(tmp_path: Path) -> None:
    """Cuts at seven places and flipped bytes at seeded places of a .sav and a .dta: each ends with records or a
    listed reason, never as nothing."""
    import random

    made = tmp_path / "made"
    made.mkdir()
    files = {}
    for kind in ("sav", "dta"):
        whole = _written(made, kind)
        for k in range(1, 8):
            files[f"cut{k}.{kind}"] = whole[:len(whole) * k // 8]
        for seed in range(4):
            rnd, flipped = random.Random(f"{kind}:{seed}"), bytearray(whole)
            for _ in range(1 + seed):
                flipped[rnd.randrange(len(flipped))] ^= 1 << rnd.randrange(8)
            files[f"flip{seed}.{kind}"] = bytes(flipped)
    findings = _scan(tmp_path, files)
    seen = {f["path"].rsplit("/", 1)[1] for f in findings["files"] if f.get("pii")}
    seen |= {s["path"].rsplit("/", 1)[1] for s in findings["skipped"]}
    assert set(files) <= seen, sorted(set(files) - seen)


def test_a_file_whose_dates_python_cannot_hold_is_read(tmp_path: Path) -> None:
    """haven's datetime.sav (MIT): pyreadstat's date conversion fails on it ("date value out of range") and it was
    listed corrupt `stats-unreadable`; it is read with its dates as the numbers stored, nothing listed."""
    import gzip

    from tests.conftest import ROOT

    data = gzip.decompress((ROOT / "tests" / "data" / "tables" / "haven__datetime.sav.gz").read_bytes())
    findings = _scan(tmp_path, {"datetime.sav": data})
    assert not findings["skipped"], findings["skipped"]


def test_value_labels_are_applied(tmp_path: Path) -> None:
    """A coded variable reads as its value labels, as SPSS and Stata show it (split16; review15c #5): a prefecture
    stored as 13 labelled 東京都 is 東京都 in the row, so an address split into a coded prefecture and its rest
    keeps its prefecture; a value without a label stays the number."""
    from scanner.sheet import Caps
    from scanner.tables import read_tables

    rows = standard(people(N, seed=156))
    codes = {"東京都": 13, "大阪府": 27, "北海道": 1}
    frame = pd.DataFrame({"name": [str(r[1]) for r in rows[1:]],
                          "pref": [float(codes["東京都" if i % 2 else "大阪府"]) for i in range(N)],
                          "other": [5.0] * N})
    labels = {code: name for name, code in codes.items()}
    for kind, write in (("sav", pyreadstat.write_sav), ("dta", pyreadstat.write_dta)):
        path = tmp_path / f"coded.{kind}"
        write(frame, str(path), column_labels=["氏名", "都道府県", "区分"],
              variable_value_labels={"pref": labels, "other": {1: "一般"}})
        (sheet,) = read_tables(path.read_bytes(), Caps(), kind).sheets
        got = list(sheet.rows)
        assert got[0] == ["氏名", "都道府県", "区分"], got[0]
        assert {r[1] for r in got[1:]} == {"東京都", "大阪府"}, (kind, got[1:3])
        assert {r[2] for r in got[1:]} == {5}, (kind, got[1:3])  # no label for 5: the number
