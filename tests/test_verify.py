"""``leakscan verify``: the manifest of an output folder, and the hits re-hashed at their sources."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import run_cli, run_leakscan
from remediation_data import KEPT, MODIFIED, copy_out, load, share

from scanner.demo import LEAKED_NAME


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("verify")
    src = share(root)
    with zipfile.ZipFile(src / "PC03/backup_2017.zip", "w") as z:
        z.writestr(LEAKED_NAME, (src / KEPT).read_bytes())
    out = root / "out"
    run = run_leakscan("scan", str(src), "--name", LEAKED_NAME, "--out", str(out), "--quiet")
    assert run.returncode == 1, run.stderr
    return src, out


def test_untouched_output_and_sources_verify(scanned: tuple[Path, Path]):
    src, out = scanned
    run = run_cli("verify", str(out))
    assert run.returncode == 0, run.stdout + run.stderr
    run = run_cli("verify", str(out), "--sources", str(src), "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    rows = json.loads(run.stdout)["sources"]
    assert rows and all(r["status"] == "match" for r in rows)
    assert any(" » " in r["path"] for r in rows)  # the archive member was reached by walking its source again


def test_one_changed_byte_of_the_report_fails(scanned: tuple[Path, Path], tmp_path: Path):
    out = copy_out(scanned[1], tmp_path / "copy")
    report = out / "report.html"
    data = bytearray(report.read_bytes())
    data[len(data) // 2] ^= 0x01
    report.write_bytes(bytes(data))
    run = run_cli("verify", str(out))
    assert run.returncode == 1
    assert "OUTPUT CHANGED: report.html" in run.stdout


def test_missing_or_unlisted_output_files_fail(scanned: tuple[Path, Path], tmp_path: Path):
    out = copy_out(scanned[1], tmp_path / "copy")
    (out / "extra.html").write_text("<p>added later</p>")
    run = run_cli("verify", str(out))
    assert run.returncode == 1 and "extra.html" in run.stdout
    (out / "extra.html").unlink()
    (out / "findings.json").unlink()
    run = run_cli("verify", str(out))
    assert run.returncode == 1 and "OUTPUT MISSING: findings.json" in run.stdout


@pytest.mark.parametrize("name", ["report.html", "copies.hashdeep", "findings.dfxml", "skipped.csv"])
def test_an_output_removed_with_its_manifest_line_fails(name: str, scanned: tuple[Path, Path], tmp_path: Path):
    """Session 21: report.html (or an export) deleted and its line cut from manifest.sha256 left a folder verify
    called intact ("every file matches"): every output a scan always writes beside findings.json is required."""
    out = copy_out(scanned[1], tmp_path / "copy")
    (out / name).unlink()
    manifest = out / "manifest.sha256"
    manifest.write_text("".join(line for line in manifest.read_text().splitlines(keepends=True)
                                if not line.rstrip("\n").endswith("  " + name)))
    run = run_cli("verify", str(out))
    assert run.returncode == 1 and f"OUTPUT MISSING: {name}" in run.stdout, run.stdout
    assert "every file matches" not in run.stdout
    for command in (["persons", str(out)], ["merge", str(out), "--out", str(tmp_path / "m")],
                    ["diff", str(out), str(scanned[1]), "--out", str(tmp_path / "d")]):
        used = run_cli(*command)  # a folder verify refuses is not used either
        assert used.returncode == 2 and name in used.stderr and "Traceback" not in used.stderr, (command, used.stderr)
    # `leakscan report` writes report.html again from the findings.json the manifest vouches for; a missing export
    # is not vouched for by the manifest it makes again
    assert run_cli("report", str(out)).returncode == 0
    assert run_cli("verify", str(out)).returncode == (0 if name == "report.html" else 1)


def test_every_export_removed_with_its_manifest_line_fails(scanned: tuple[Path, Path], tmp_path: Path):
    """Session 22: the five exports and CSV lists deleted together with their manifest lines left a folder that looked
    like one of a leakscan before the exports (none listed: none required), verify "every file matches". findings.json
    (the case's anchor) records what was written beside it (``scan.outputs``): each is required."""
    exports = ("findings.dfxml", "findings.case.jsonld", "copies.hashdeep", "keyword-leads.csv", "skipped.csv")
    out = copy_out(scanned[1], tmp_path / "copy")
    assert sorted(load(out)["scan"]["outputs"]) == sorted([*exports, "report.html"])
    manifest = out / "manifest.sha256"
    for name in exports:
        (out / name).unlink()
    manifest.write_text("".join(line for line in manifest.read_text().splitlines(keepends=True)
                                if not line.rstrip("\n").endswith(exports)))
    run = run_cli("verify", str(out))
    assert run.returncode == 1 and all(f"OUTPUT MISSING: {name}" in run.stdout for name in exports), run.stdout
    assert "every file matches" not in run.stdout
    for command in (["persons", str(out)], ["merge", str(out), "--out", str(tmp_path / "m")],
                    ["diff", str(out), str(scanned[1]), "--out", str(tmp_path / "d")]):
        used = run_cli(*command)  # a folder verify refuses is not used either
        assert used.returncode == 2 and "Traceback" not in used.stderr, (command, used.stderr)
        assert any(name in used.stderr for name in exports), (command, used.stderr)
    assert run_cli("report", str(out)).returncode == 0  # report.html again; the manifest it makes still lacks them
    assert run_cli("verify", str(out)).returncode == 1


def test_outputs_struck_from_this_leakscans_findings_do_not_pass_as_an_old_folder(scanned: tuple[Path, Path],
                                                                                 tmp_path: Path):
    """review22c: ``scan.outputs`` deleted from findings.json with the five exports, report.html written again by
    ``leakscan report`` and the manifest made again: the folder read as one of a leakscan before the exports, verify
    "every file matches" (exit 0). A findings.json this leakscan wrote (its code, or a start to the microsecond,
    which the leakscans recording outputs write) without ``scan.outputs`` is edited."""
    from scanner.output import write_manifest

    exports = ("findings.dfxml", "findings.case.jsonld", "copies.hashdeep", "keyword-leads.csv", "skipped.csv")
    out = copy_out(scanned[1], tmp_path / "copy")
    doc = load(out)
    del doc["scan"]["outputs"]
    (out / "findings.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    for name in exports:
        (out / name).unlink()
    write_manifest(out)
    run_cli("report", str(out))  # report.html made again from the edited document (refused once it is caught)
    write_manifest(out)
    run = run_cli("verify", str(out))
    assert run.returncode == 1 and "every file matches" not in run.stdout, run.stdout
    assert "outputs" in run.stdout, run.stdout
    used = run_cli("diff", str(out), str(scanned[1]), "--out", str(tmp_path / "d"))
    assert used.returncode == 2 and "outputs" in used.stderr, used.stderr


def test_changed_or_gone_sources_fail(tmp_path: Path):
    src = share(tmp_path)
    with zipfile.ZipFile(src / "PC03/backup_2017.zip", "w") as z:
        z.writestr(LEAKED_NAME, (src / KEPT).read_bytes())
    out = tmp_path / "out"
    assert run_cli("scan", str(src), "--name", LEAKED_NAME, "--out", str(out), "--quiet").returncode == 1
    (src / MODIFIED).write_bytes(b"changed")
    (src / KEPT).unlink()
    run = run_cli("verify", str(out), "--sources", str(src), "--json")
    assert run.returncode == 1
    status = {r["path"].replace(str(src) + "/", ""): r["status"] for r in json.loads(run.stdout)["sources"]}
    assert status[MODIFIED] == "changed" and status[KEPT] == "missing"
    assert status[f"PC03/backup_2017.zip » {LEAKED_NAME}"] == "match"
    assert run_cli("verify", str(out)).returncode == 0  # the outputs themselves are intact
    shutil.rmtree(src)
    run = run_cli("verify", str(out), "--sources", str(src), "--json")
    rows = json.loads(run.stdout)["sources"]
    assert run.returncode == 1 and rows and all(r["status"] in ("missing", "unreachable") for r in rows)
    assert any(r["status"] == "unreachable" for r in rows)  # the archive member: its source cannot be opened


def _finder_ds_store() -> bytes:
    """A Finder .DS_Store's layout: 4-byte alignment, the "Bud1" buddy-allocator magic, the root block's offset
    and size twice, then the blocks (what is in them does not matter to verify, which never reads them)."""
    import struct

    return struct.pack(">I4sIII", 1, b"Bud1", 0x800, 0x800, 0x800) + bytes(16) + bytes(6144 - 36)


def _apple_double() -> bytes:
    """An AppleDouble ._NAME as macOS writes it beside a file on FAT/exFAT/SMB (magic 0x00051607, version 2,
    "Mac OS X" filler, two entries: Finder info (9) and an empty resource fork (2)), 4,096 bytes."""
    import struct

    head = struct.pack(">II16sH", 0x00051607, 0x00020000, b"Mac OS X        ", 2)
    entries = struct.pack(">III", 9, 50, 3760) + struct.pack(">III", 2, 3810, 286)
    return (head + entries).ljust(4096, b"\0")


def test_files_an_operating_system_adds_are_named_apart_and_anything_else_still_fails(scanned: tuple[Path, Path],
                                                                                       tmp_path: Path):
    """A case folder copied through a Mac (FAT, exFAT, SMB) gains a Finder .DS_Store per folder and an
    AppleDouble ._NAME beside each file; through Windows, Thumbs.db and desktop.ini. Every listed file is
    intact: each added file is named on a line of its own as the operating system's, and verify passes. A
    ._NAME that is not AppleDouble, or any other unlisted file, still fails."""
    out = copy_out(scanned[1], tmp_path / "copy")
    finder = _finder_ds_store()
    apple_double = _apple_double()
    added = {".DS_Store": finder, "._report.html": apple_double, "._findings.json": apple_double,
             "._.DS_Store": apple_double, "__MACOSX/._report.html": apple_double,  # a Mac's zip, unzipped
             "Thumbs.db": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
             "desktop.ini": "[.ShellClassInfo]\r\nIconResource=x\r\n".encode("utf-16")}
    for rel, data in added.items():
        (out / rel).parent.mkdir(exist_ok=True)
        (out / rel).write_bytes(data)
    run = run_cli("verify", str(out))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "NOT LISTED" not in run.stdout and "every file matches manifest.sha256" in run.stdout
    said = [line for line in run.stdout.splitlines() if "added by an operating system" in line]
    assert sorted(line.rsplit(": ", 1)[1] for line in said) == sorted(added)  # each on a line of its own
    report = json.loads(run_cli("verify", str(out), "--json").stdout)
    assert report["ok"] and sorted(report["os_files"]) == sorted(added) and not report["outputs"]
    (out / "._extra.html").write_text("<p>added later</p>")  # a ._ name is not enough: its bytes are not AppleDouble
    (out / "notes.txt").write_text("added later")
    run = run_cli("verify", str(out))
    assert run.returncode == 1
    assert "OUTPUT NOT LISTED IN THE MANIFEST: ._extra.html" in run.stdout
    assert "OUTPUT NOT LISTED IN THE MANIFEST: notes.txt" in run.stdout
