"""What a scan costs before its first file: the classifiers and the person normalisation (their rules and
~100 compiled patterns) are imported only where a sheet is read or a person counted, and the back-ends of
images, SMB, Dask and the workbook readers only for what needs them, so a scan of a plain folder does not load
them; a folder with a person table still gets them and counts it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

HEAVY = ("scanner.detectors.pii", "scanner.detectors.values", "scanner.detectors.person_names",
         "scanner.persons.normalise", "scanner.persons.gazetteer", "scanner.persons.count",
         # back-ends of sources and formats this scan does not meet
         "pandas", "dfvfs", "pytsk3", "smbprotocol", "distributed", "dask", "python_calamine", "openpyxl", "lxml",
         "faker", "py7zr")

SCAN = r"""
import json, sys
from scanner.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as e:
    code = e.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def scan_modules(share: Path, out: Path, *extra: str) -> tuple[int, set[str]]:
    done = subprocess.run([sys.executable, "-c", SCAN, "scan", str(share), "--name", "介護予防_利用者名簿.xlsx",
                           "--out", str(out), "--quiet", *extra], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout.strip().splitlines()[-1])
    return doc["code"], set(doc["modules"])


def test_scan_without_spreadsheets_loads_no_classifier(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "議事録.txt").write_text("no table here\n", encoding="utf-8")
    (share / "写真.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    code, modules = scan_modules(share, tmp_path / "case")
    assert code == 0
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))
    assert "scanner.pipeline" in modules and "reports.html" in modules  # it did scan and render


def test_person_table_still_counts(tmp_path: Path) -> None:
    """A person table: its sheet is classified in the worker and its persons are counted here, so the
    normalisation is imported here on demand."""
    share = tmp_path / "share"
    share.mkdir()
    rows = ["氏名,住所,電話番号"] + [f"山田 太郎{i},東京都小金井市本町{i}-1-1,042-000-{i:04d}" for i in range(1, 6)]
    (share / "介護予防_利用者名簿.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, modules = scan_modules(share, tmp_path / "case", "--workers", "1")
    doc = json.loads((tmp_path / "case" / "findings.json").read_text(encoding="utf-8"))
    assert code == 1 and "scanner.persons.normalise" in modules
    assert [f["pii"]["records"] for f in doc["files"]] == [5]
    assert doc["persons"]["unique"] == 5


def test_spreadsheet_names_settled_here_load_no_classifier(tmp_path: Path) -> None:
    """Empty files and bytes no reader decodes, named .xlsx/.csv, are settled in the scan process (no worker):
    listed as before (the noise as unsupported, with its digest), and nothing there imports the classifiers or
    the person fingerprints, since nothing was decoded."""
    import random

    share = tmp_path / "share"
    share.mkdir()
    rnd = random.Random(3)
    for i in range(6):
        (share / f"集計_{i}.xlsx").write_bytes(b"")
        (share / f"集計_{i}.csv").write_bytes(b"")
        (share / f"雑_{i}.xlsx").write_bytes(bytes([0, 1, 2, 255]) + rnd.randbytes(200))
    code, modules = scan_modules(share, tmp_path / "case")
    doc = json.loads((tmp_path / "case" / "findings.json").read_text(encoding="utf-8"))
    assert code == 0
    assert not modules & {*HEAVY, "scanner.persons.prints"}, sorted(modules & {*HEAVY, "scanner.persons.prints"})
    noise = sorted(s["path"] for s in doc["skipped"])
    assert noise == sorted(str(share / f"雑_{i}.xlsx") for i in range(6))
    assert {s["reason"] for s in doc["skipped"]} == {"unsupported"} and all(s["sha256"] for s in doc["skipped"])
    assert doc["scan"]["files_seen"] == 18 and doc["scan"]["bytes_read"] == 6 * 204


# what answering from the parser alone must not load: each command imports its machinery in run()
MACHINERY = ("scanner.pipeline", "scanner.registry", "scanner.store", "scanner.remediation", "scanner.sources",
             "scanner.details", "scanner.inspectors", "reports.html", "jinja2")


def test_help_and_a_mistyped_option_load_no_machinery(tmp_path: Path) -> None:
    """``leakscan --help``, a command's --help and a mistyped option are answered from the command line's parser
    (help text, exit 0 or one line and exit 2), without the scan, store or report machinery (a command's module
    imported ``remediation`` at its top, which took ~290 modules for a --help)."""
    for argv, code in ((["--help"], 0), (["verify", "--help"], 0), (["persons", "--help"], 0),
                       (["scan", str(tmp_path), "--out", str(tmp_path / "out"), "--no-such-option"], 2)):
        done = subprocess.run([sys.executable, "-c", SCAN, *argv], cwd=ROOT, capture_output=True, text=True,
                              timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
        doc = json.loads(done.stdout.strip().splitlines()[-1])
        loaded = {m for m in doc["modules"] if m in MACHINERY or m.split(".")[0] == "jinja2"
                  or m.startswith(("scanner.sources.", "scanner.inspectors."))}
        assert doc["code"] == code and not loaded, (argv, sorted(loaded), done.stderr[-500:])
    assert not (tmp_path / "out").exists()
