"""review15c: what containers15 added, broken with inputs it was not tuned to."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyreadstat

from tests.pii_data import people, standard
from tests.test_wild13 import _scan

N = 12


def _stata13_cp932(tmp_path: Path) -> bytes:
    """A Stata 13 (release 117) .dta as a Japanese Stata 13 user saved it: its strings (labels and values) in the
    Windows code page 932. Stata before 14 records no encoding; ReadStat takes it for Windows-1252."""
    rows = standard(people(N, seed=1515))
    cells = [[str(c) for c in r] for r in rows]
    swap: dict[str, tuple[bytes, bytes]] = {}  # text -> (ASCII mark of its cp932 length, its cp932 bytes)

    def placeholder(text: str) -> str:
        raw = text.encode("cp932")
        if raw.isascii():
            return text
        if text not in swap:
            n = len(swap)
            mark = (f"Z{n:05d}" if len(raw) >= 6 else f"%{chr(65 + n % 26)}{chr(65 + n // 26)}~")[:len(raw)]
            swap[text] = (mark.ljust(len(raw), "Q").encode(), raw)
        return swap[text][0].decode()

    labels = [placeholder(c) for c in cells[0]]
    df = pd.DataFrame([[placeholder(c) for c in r] for r in cells[1:]], columns=[f"v{i}" for i in range(len(labels))])
    path = tmp_path / "made.dta"
    pyreadstat.write_dta(df, str(path), version=13, column_labels=labels)
    data = path.read_bytes()
    for mark, raw in swap.values():
        assert mark in data
        data = data.replace(mark, raw)
    return data


def test_stata13_file_in_code_page_932_is_read(tmp_path: Path) -> None:
    """A Japanese Stata 13 file (Shift_JIS strings, no encoding recorded) was listed corrupt `stats-unreadable`
    (ReadStat: "Unable to convert string to the requested encoding"): its people were never read."""
    made = tmp_path / "made"
    made.mkdir()
    findings = _scan(tmp_path, {"panel.dta": _stata13_cp932(made)})
    hits = [f for f in findings["files"] if f.get("pii")]
    assert hits and hits[0]["pii"]["records"] == N, (hits, json.dumps(findings["skipped"])[:600])
    assert not findings["skipped"], findings["skipped"]


def _deep_mhtml(levels: int) -> bytes:
    """An Excel-style single-file web page whose HTML table sits ``levels`` multipart/related levels deep."""
    text = 'MIME-Version: 1.0\nContent-Type: multipart/related; boundary="b0"; type="text/html"\n\n--b0\n'
    text += "".join(f'Content-Type: multipart/related; boundary="b{i}"\n\n--b{i}\n' for i in range(1, levels))
    text += ('Content-Type: text/html; charset="utf-8"\n\n<html><body><table><tr><td>No</td><td>Note</td></tr>'
             "<tr><td>1</td><td>x</td></tr></table></body></html>\n")
    text += "".join(f"--b{i}--\n" for i in reversed(range(levels)))
    return text.encode()


def test_mhtml_nested_past_the_parser_is_listed_mime_too_deep(tmp_path: Path) -> None:
    """The MHTML reader parses with the same mail parser: a page nested ~1,500 levels deep was listed
    `reader-failed` "RecursionError" (the mail reader's fix, `mime-too-deep`, did not reach it)."""
    findings = _scan(tmp_path, {"book.mht": _deep_mhtml(1500)})
    (listed,) = findings["skipped"]
    assert listed["reason"] == "corrupt", listed
    assert [c["code"] for c in listed["detail_codes"]] == ["mime-too-deep"], listed["detail_codes"]


def test_every_dataset_of_a_sas_transport_library_is_read(tmp_path: Path) -> None:
    """A SAS XPORT file is a library: PROC COPY puts several datasets in one .xpt. ReadStat reads the first only:
    the people in the second ended as nothing (no record, nothing listed). Each dataset is read as its own table."""
    rows = standard(people(N, seed=1516))
    labels = [str(c) for c in rows[0]]
    df = pd.DataFrame([[str(c) for c in r] for r in rows[1:]], columns=[f"v{i}" for i in range(len(labels))])
    made = tmp_path / "made"
    made.mkdir()
    files = {}
    for version in (5, 8):
        first, second = made / f"first{version}.xpt", made / f"people{version}.xpt"
        pyreadstat.write_xport(pd.DataFrame({"x": [1.0, 2.0, 3.0]}), str(first), table_name="FIRST",
                               file_format_version=version)
        pyreadstat.write_xport(df, str(second), table_name="PEOPLE", column_labels=labels,
                               file_format_version=version)
        files[f"library{version}.xpt"] = first.read_bytes() + second.read_bytes()[240:]  # after the library header
    findings = _scan(tmp_path, files)
    hits = {f["path"].rsplit("/", 1)[1]: f for f in findings["files"] if f.get("pii")}
    for name in files:
        assert name in hits and hits[name]["pii"]["records"] == N, (name, hits.get(name), findings["skipped"])
    assert not findings["skipped"], findings["skipped"]


def test_a_cut_sas_transport_file_is_said_cut(tmp_path: Path) -> None:
    """An XPORT file has no row count: ReadStat reads the whole rows before a cut and says nothing (the branch's
    note "ReadStat reads no part of a cut file" holds for .sav/.dta only): a cut copy passed as `ok` with some of
    its people missing. Its records are kept and the file is listed cut (an XPORT file is whole 80-byte records)."""
    rows = standard(people(N, seed=1517))
    labels = [str(c) for c in rows[0]]
    df = pd.DataFrame([[str(c) for c in r] for r in rows[1:]], columns=[f"v{i}" for i in range(len(labels))])
    made = tmp_path / "made.xpt"
    pyreadstat.write_xport(df, str(made), table_name="PEOPLE", column_labels=labels)
    whole = made.read_bytes()
    findings = _scan(tmp_path, {"cut.xpt": whole[:len(whole) * 3 // 4 + 7], "whole.xpt": whole})
    hits = {f["path"].rsplit("/", 1)[1]: f for f in findings["files"] if f.get("pii")}
    assert hits["whole.xpt"]["status"] == "ok" and hits["whole.xpt"]["pii"]["records"] == N, hits["whole.xpt"]
    cut = hits["cut.xpt"]
    assert 0 < cut["pii"]["records"] < N, cut["pii"]
    assert cut["status"] == "corrupt" and '"xport-cut"' in json.dumps(cut["status_detail_codes"]), (
        cut["status"], cut.get("status_detail_codes"))


def test_the_datasets_of_an_xport_library_are_told_apart(tmp_path: Path) -> None:
    """Two datasets of people in one XPORT library: both read, each sheet under its dataset's name (both were
    called `xpt`: which dataset holds the people could not be told)."""
    made = tmp_path / "made"
    made.mkdir()
    parts = []
    for seed, table in ((1518, "STAFF"), (1519, "MEMBERS")):
        rows = standard(people(N, seed=seed))
        labels = [str(c) for c in rows[0]]
        df = pd.DataFrame([[str(c) for c in r] for r in rows[1:]], columns=[f"v{i}" for i in range(len(labels))])
        pyreadstat.write_xport(df, str(made / f"{table}.xpt"), table_name=table, column_labels=labels)
        parts.append((made / f"{table}.xpt").read_bytes())
    findings = _scan(tmp_path, {"library.xpt": parts[0] + parts[1][240:]})
    (hit,) = findings["files"]
    assert hit["pii"]["records"] == 2 * N, hit["pii"]
    names = [s["name"] for s in hit["pii"]["sheets"]]
    assert len(names) == 2 and len(set(names)) == 2, names
