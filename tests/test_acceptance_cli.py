"""Acceptance: command-line behaviour a first-time examiner ran into (exit codes, one-line errors).

- ``scan --resume`` on a scan that had finished silently walked the share again and rewrote the
  finished findings.json, report and manifest with today's state (the baseline evidence was gone);
- ``persons --export`` printed the counts before refusing a wrong suffix (not one line), and wrote the
  clear notification list into the output folder, where a later manifest picked it up.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli, run_leakscan

from scanner.demo import client_list_xlsx, make_people

LEAKED = "見守り対象者名簿.xlsx"


def _scanned(tmp_path: Path) -> tuple[Path, Path]:
    share = tmp_path / "share"
    (share / "PC01").mkdir(parents=True)
    (share / "PC01" / LEAKED).write_bytes(client_list_xlsx(make_people(12, seed=3)))
    (share / "PC02").mkdir()
    (share / "PC02" / LEAKED).write_bytes((share / "PC01" / LEAKED).read_bytes())
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--name", LEAKED, "--out", str(out), "--quiet")
    assert done.returncode == 1, done.stderr
    return share, out


def _one_line_error(done) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def test_resume_of_a_finished_scan_is_refused_and_leaves_its_evidence(tmp_path: Path) -> None:
    share, out = _scanned(tmp_path)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.name != "scan-state.sqlite"}
    (share / "PC02" / LEAKED).unlink()  # the share changed since: a replay would rewrite the findings
    line = _one_line_error(run_cli("scan", "--resume", str(out)))
    assert "finished" in line
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.name != "scan-state.sqlite"}
    assert after == before
    assert len(json.loads(before["findings.json"])["files"]) == 2
    assert run_cli("verify", str(out)).returncode == 0


def test_export_errors_are_one_line_and_never_inside_the_output_folder(tmp_path: Path) -> None:
    share, out = _scanned(tmp_path)
    line = _one_line_error(run_cli("persons", str(out), "--export", str(tmp_path / "p.csv")))
    assert ".xlsx" in line
    line = _one_line_error(run_cli("persons", str(out), "--export", str(out / "p.xlsx")))
    assert "outside the output folder" in line
    assert not (out / "p.xlsx").exists()
    done = run_cli("persons", str(out), "--export", str(tmp_path / "p.xlsx"), "--sources", str(share))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "p.xlsx").is_file()


def test_progress_bar_moves_on_a_slow_scan_of_few_files(monkeypatch) -> None:
    """Batched by 256 files only, a scan of a few large files showed "0 files" until it ended."""
    import io
    import sys

    from scanner import progress as progress_module

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    clock = [1000.0]
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: clock[0])
    bar = progress_module.TqdmProgress(True)
    bar.file()
    clock[0] += 1.0
    bar.bytes(5 * 1048576)
    assert bar._bar.n == 1 and "5.0 MiB" in str(bar._bar.postfix)
    clock[0] += 1.0
    bar.file()
    assert bar._bar.n == 2
    bar.close()


def test_export_lists_files_in_report_order_not_string_order(tmp_path: Path) -> None:
    import openpyxl

    share = tmp_path / "share"
    book = client_list_xlsx(make_people(5, seed=5))
    for i in range(1, 12):
        (share / f"PC{i:02d}").mkdir(parents=True)
        (share / f"PC{i:02d}" / LEAKED).write_bytes(book)
    out = tmp_path / "out"
    assert run_cli("scan", str(share), "--name", LEAKED, "--out", str(out), "--quiet").returncode == 1
    target = tmp_path / "persons.xlsx"
    done = run_cli("persons", str(out), "--export", str(target), "--sources", str(share))
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(target).worksheets[0]
    header = [c.value for c in sheet[1]]
    files = sheet.cell(2, header.index("ファイル") + 1).value.splitlines()
    ids = [int(line.split()[0].lstrip("#")) for line in files]
    assert ids == sorted(ids) and len(ids) == 11


def test_unopenable_image_is_one_line_and_unrecognised_image_is_warned(tmp_path: Path) -> None:
    from image_data import e01, fat_image

    raw = fat_image(tmp_path / "pc.raw", {f"/{LEAKED}": b"x" * 100})
    image = e01(raw, tmp_path / "pc")
    truncated = tmp_path / "trunc.E01"
    truncated.write_bytes(image.read_bytes()[:2000])
    line = _one_line_error(run_leakscan("scan", str(truncated), "--name", LEAKED, "--out", str(tmp_path / "o1")))
    assert "trunc.E01" in line  # no summary of a scan that walked nothing above the error
    wiped = tmp_path / "wiped.dd"
    wiped.write_bytes(bytes(1 << 20))
    done = run_leakscan("scan", str(wiped), "--name", LEAKED, "--out", str(tmp_path / "o2"), "--quiet")
    assert done.returncode == 0
    assert "wiped.dd: not recognised as a disk image" in done.stderr


def test_image_hash_mismatch_is_said_on_the_terminal(tmp_path: Path) -> None:
    """--verify-images found the E01 altered: the report said MISMATCH, the terminal said nothing."""
    from image_data import e01, fat_image

    raw = fat_image(tmp_path / "pc.raw", {f"/Users/{LEAKED}": client_list_xlsx(make_people(5, seed=9))})
    image = e01(raw, tmp_path / "pc")
    data = bytearray(image.read_bytes())
    at = data.find(b"PK\x03\x04")
    assert at > 0
    data[at + 200] ^= 0x55
    image.write_bytes(bytes(data))
    done = run_leakscan("scan", str(image), "--name", LEAKED, "--out", str(tmp_path / "out"), "--verify-images",
                        "--quiet")
    lines = [line for line in done.stderr.splitlines() if "MISMATCH" in line]
    assert len(lines) == 1 and "pc.E01" in lines[0] and "MD5 stored" in lines[0], done.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert doc["scan"]["source_details"][0]["verified"] is False


def test_verify_of_a_folder_that_is_no_output_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not an output")
    done = run_cli("verify", str(tmp_path))
    assert done.returncode == 2 and "not a leakscan output folder" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
