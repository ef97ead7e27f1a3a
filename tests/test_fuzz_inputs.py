"""Mutation sweep: no crash or hang on a malformed file, and every file is accounted for.

Valid seeds (xlsx, xls, cp932 CSV, zip, 7z, tar.gz, a FAT image and its E01) are mutated
deterministically (tests/fuzz_data.py), scanned with the real CLI, and then every mutant must be in
``files[]``, in ``skipped[]``, or really parseable and clean: a file mentioned nowhere is re-inspected
in this process with the same inspectors, which must say ``ok`` with no personal data.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from scanner.config import ScanConfig
from scanner.contracts import Inspection, NoProgress, ScanContext, ScanResult
from scanner.errors import ReadError
from scanner.inspectors.archive import ARCHIVE_EXTS, ArchiveInspector
from scanner.inspectors.spreadsheet import SHEET_EXTENSIONS, SpreadsheetInspector
from scanner.models import Entry, Skipped
from scanner.names import NameRules
from scanner.sources.single import SingleFileEntry
from tests.conftest import ROOT
from tests.fuzz_data import (
    LEAKED,
    Mutant,
    build_tree,
    e01_mutants,
    e01_seed,
    fat_mutants,
    fat_seed,
    rezip,
    seeds,
    xlsx_content,
)

SCHEMA = json.loads((ROOT / "scanner" / "schemas" / "findings.schema.json").read_text(encoding="utf-8"))
TARGETS = [LEAKED, "介護予防_利用者名簿.csv"]
NAMES = [arg for name in TARGETS for arg in ("--name", name)]
SEP = " » "


def _cli(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """The real CLI; a hang is a test failure (TimeoutExpired), never a stuck suite."""
    return subprocess.run([sys.executable, str(ROOT / "scan.py"), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def _no_traceback(done: subprocess.CompletedProcess[str], what: str) -> None:
    assert "Traceback" not in done.stderr, (what, done.stderr[-3000:])
    assert done.returncode in (0, 1, 2, 3), (what, done.returncode, done.stderr[-2000:])  # 3: incomplete


def _findings(out: Path) -> dict[str, Any]:
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    return data


def _context(tree: Path) -> ScanContext:
    config = ScanConfig(sources=[str(tree)], out=tree.parent / "unused", names=TARGETS, parse_timeout=10)
    inspectors = [SpreadsheetInspector(config), ArchiveInspector(config)]
    return ScanContext(config, NameRules(config.names, True), inspectors, ScanResult(config, started=""), NoProgress())


def _why_not_clean(entry: Entry, ctx: ScanContext) -> list[str]:
    """Inspect one entry as the pipeline would, without the pipeline: every reason it is NOT a clean,
    fully examined file (an archive's members are inspected the same way)."""
    where = entry.location.display()
    problems: list[str] = []
    if ctx.rules.match(entry.name):
        problems.append(f"{where}: name rule hit")
    try:
        size = entry.stat().size
        with entry.open() as f:
            data = f.read()
    except (ReadError, OSError) as e:
        return [*problems, f"{where}: unreadable ({e})"]
    wanted = [i for i in ctx.inspectors if i.wants(entry, size, lambda: data[:512])]
    for inspector in wanted:
        ins: Inspection = inspector.inspect(entry, data, "", ctx)
        if ins.status != "ok" or ins.pii or ins.reasons:
            problems.append(f"{where}: {inspector.name} says {ins.status} {ins.detail!r} reasons={ins.reasons}")
        for child in ins.children:
            if isinstance(child, Skipped):
                problems.append(f"{child.location.display()}: skipped {child.reason} {child.detail!r}")
            elif hasattr(child, "open"):
                problems += _why_not_clean(child, ctx)
    return problems


def _content_ext(name: str) -> bool:
    low = name.casefold()
    return low.endswith(ARCHIVE_EXTS) or ("." + low.rsplit(".", 1)[-1]) in SHEET_EXTENSIONS


def test_mutated_tree_every_file_accounted(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    valid = seeds(tmp_path)
    made = build_tree(tree, valid)
    assert 190 <= len(made) <= 230  # tests/fuzz_data.py: every kind of damage, fewer repeats (206 files)
    out = tmp_path / "out"
    done = _cli("scan", str(tree), *NAMES, "--out", str(out), "--parse-timeout", "10", "--quiet", timeout=900)  # a hang guard, not a speed target: 35 s alone, minutes on a loaded machine
    _no_traceback(done, "tree scan")
    assert done.returncode in (0, 1), done.stderr[-2000:]  # a stopped archive is a corrupt file (lead, session 25)
    found = _findings(out)
    assert found["scan"]["source_errors"] == []
    listed = {f["path"] for f in found["files"]} | {s["path"] for s in found["skipped"]}
    # the sweep must exercise both outcomes, or it proves nothing
    assert any(s["reason"] == "corrupt" for s in found["skipped"])
    assert any("name" in f["reasons"] or "name-variant" in f["reasons"] for f in found["files"])
    assert any(f.get("pii") for f in found["files"])

    ctx = _context(tree)
    for ext, data in valid.items():  # the clean check can fail: every valid seed holds people
        seed_file = tmp_path / f"seed{ext}"
        seed_file.write_bytes(data)
        assert any("pii" in p for p in _why_not_clean(SingleFileEntry(str(seed_file)), ctx)), ext
    unaccounted: list[str] = []
    checked_clean = 0
    for path, mutation in sorted(made.items()):
        p = str(path)
        if p in listed or any(x.startswith(p + SEP) for x in listed):
            continue
        assert _content_ext(path.name), path  # every mutant has a spreadsheet or archive extension
        problems = _why_not_clean(SingleFileEntry(p), ctx)
        checked_clean += 1
        if problems:
            unaccounted.append(f"{path.relative_to(tree)} ({mutation}): {problems}")
    assert not unaccounted, "silently skipped:\n" + "\n".join(unaccounted)
    # a named mutant that could not be read is both a hit and a skip: the report never calls it clean
    skipped = {s["path"]: s["reason"] for s in found["skipped"]}
    for f in found["files"]:
        if f["status"] != "ok":
            assert skipped.get(f["path"]) == f["status"], f
    assert checked_clean < len(made)


@pytest.fixture(scope="module")
def image_sources(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, Path]]:
    """(label, expectation, path): each seed image unchanged, then its mutants."""
    work = tmp_path_factory.mktemp("fuzz_images")
    raw = fat_seed(work)
    ewf = e01_seed(work, raw)
    rng = random.Random(20261127)
    made: list[tuple[str, str, Path]] = []
    for label, data, mutants in (("fat", raw, fat_mutants(raw, rng)), ("e01", ewf, e01_mutants(ewf, rng))):
        suffix = ".img" if label == "fat" else ".E01"
        for m in [Mutant("seed", data, "found"), *mutants]:
            p = work / f"{label}_{m.name}{suffix}"
            p.write_bytes(m.data)
            made.append((f"{label}-{m.name}", m.expect, p))
    return made


# One interpreter scans a family of images one by one (``leakscan scan IMAGE`` each, through cli.main), so
# the sweep pays for one start-up, not one per mutant. A crash or a hang still fails the test, and the
# last "scanning" line on stderr names the image it happened on.
_SCAN_EACH = """
import contextlib, io, json, logging, sys
from scanner.cli import main
for label, args in json.loads(sys.argv[1]):
    print("scanning", label, file=sys.stderr, flush=True)
    out, err = io.StringIO(), io.StringIO()
    logging.getLogger().handlers.clear()  # each run sets up its own stderr log, as a fresh process would
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 2
    print(json.dumps([label, code, out.getvalue(), err.getvalue()]), flush=True)
"""


def _scan_images(items: list[tuple[str, str, Path]]) -> list[tuple[str, str, Path, subprocess.CompletedProcess[str]]]:
    runs = [(label, ["scan", str(path), *NAMES, "--out", str(path.parent / f"out_{label}"), "--parse-timeout", "10",
                     "--quiet"]) for label, _, path in items]
    try:
        done = subprocess.run([sys.executable, "-c", _SCAN_EACH, json.dumps(runs)], capture_output=True, text=True,
                              timeout=60 + 60 * len(runs), cwd=ROOT)
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f"hung: {(e.stderr or b'')[-500:]!r}") from None
    assert done.returncode == 0, ("the scanning process died", done.stderr[-3000:])
    by_label = {label: subprocess.CompletedProcess(args, code, out, err)
                for (label, args), (_, code, out, err) in zip(runs, map(json.loads, done.stdout.splitlines()),
                                                              strict=True)}
    return [(label, expect, path.parent / f"out_{label}", by_label[label]) for label, expect, path in items]


def test_mutated_images_as_sources(image_sources: list[tuple[str, str, Path]]) -> None:
    families = [[s for s in image_sources if s[0].startswith(f)] for f in ("fat-", "e01-")]
    assert sum(map(len, families)) == len(image_sources)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = [r for batch in pool.map(_scan_images, families) for r in batch]
    outcomes: dict[str, int] = {}
    for label, expect, out, done in results:
        _no_traceback(done, label)
        outcomes[label] = done.returncode
        if done.returncode == 2:  # the image could not be opened at all: one line, and a findings.json
            lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
            # one error line; an image whose stored hashes were checked may add its MISMATCH warning
            assert [ln for ln in lines if not ln.startswith("leakscan: warning:")] == lines[:1], (label, done.stderr)
            assert lines[0].startswith("leakscan: error:"), (label, done.stderr)
            assert expect != "found", (label, done.stderr)
            assert _findings(out)["scan"]["source_errors"], label
            continue
        found = _findings(out)
        if done.returncode == 3:  # a volume or folder of the image could not be listed: said, never clean
            assert "INCOMPLETE SCAN" in done.stderr and found["scan"]["complete"] is False, (label, done.stderr)
            assert found["scan"]["incomplete"]["unlisted"], label
        hits = [f for f in found["files"] if f["path"].endswith("/" + LEAKED)]
        (detail,) = found["scan"]["source_details"]
        if detail["kind"] == "file":  # no image recognised: read as one file, and the terminal says so
            assert "not recognised as a disk image" in done.stderr, (label, done.stderr)
            assert expect == "any", label
            continue
        if expect == "found":
            assert hits, (label, found["skipped"])
        elif expect == "listed":
            assert hits or found["skipped"], (label, done.stderr, detail)
        for hit in hits:  # a hit that could not be read whole is also listed as not examined
            if hit["status"] != "ok":
                assert any(s["path"] == hit["path"] for s in found["skipped"]), (label, hit)
    assert outcomes["fat-seed"] == 1 and outcomes["e01-seed"] == 1
    assert 2 in outcomes.values()  # some mutants really are broken images (a source error, one line)


# ---------------------------------------------------------------- regressions for what the sweep found


def _inspect(name: str, data: bytes, tmp_path: Path) -> Inspection:
    path = tmp_path / name
    path.write_bytes(data)
    ctx = _context(tmp_path)
    return SpreadsheetInspector(ctx.config).inspect(SingleFileEntry(str(path)), data, "", ctx)


def test_stray_bom_does_not_hide_the_records(tmp_path: Path) -> None:
    """A BOM that the bytes after it do not fit used to decode the whole file as replacement characters
    (UTF-8 BOM) or CJK noise (UTF-16 BOM): 12 people read as a clean file, listed nowhere."""
    plain = seeds(tmp_path)[".csv"]  # cp932
    for label, data in (("utf8-bom", b"\xef\xbb\xbf" + plain), ("utf16-bom", b"\xff\xfe" + plain),
                        ("utf16-bom-cut", b"\xff\xfe" + plain[:-1])):
        ins = _inspect(f"{label}.csv", data, tmp_path)
        assert ins.status == "ok" and ins.pii and ins.pii["records"] == 12, (label, ins.status, ins.pii)
    # a real UTF-8 file with one damaged byte is still read as UTF-8, not as cp932 mojibake
    utf8 = bytearray(plain.decode("cp932").encode("utf-8-sig"))
    utf8[len(utf8) // 2] = 0xFF
    ins = _inspect("damaged-utf8.csv", bytes(utf8), tmp_path)
    assert ins.pii and ins.pii["records"] >= 11, ins


def test_zeroed_block_in_a_csv_is_still_text(tmp_path: Path) -> None:
    """A CSV with a zero-filled block (recovered from a damaged disk) was 'binary content': its people
    were listed as unsupported instead of counted. Zeros only at the end are padding, not damage."""
    plain = seeds(tmp_path)[".csv"]
    cut = plain.index(b"\r\n", len(plain) // 2) + 2  # whole rows before and after the hole
    ins = _inspect("recovered.csv", plain[:cut] + bytes(4096) + plain[cut:], tmp_path)
    # Session 9 (damage9): the rows are all counted, and the hole makes the copy `corrupt` (what it held is lost)
    assert ins.status == "corrupt" and ins.pii and ins.pii["records"] == 12, (ins.status, ins.detail)
    ins = _inspect("padded.csv", plain + bytes(8192), tmp_path)
    assert ins.status == "ok" and ins.pii and ins.pii["records"] == 12, (ins.status, ins.detail)


def test_workbook_with_a_missing_sheet_part_is_corrupt(tmp_path: Path) -> None:
    """calamine refuses a workbook whose sheet part is gone; openpyxl, the fallback, silently dropped the
    sheet, so the file was 'ok, no personal data' though its sheet was never read."""
    valid = seeds(tmp_path)[".xlsx"]
    broken = next(m for m in xlsx_content(valid, random.Random(1)) if m.name == "content-no-sheet")
    ins = _inspect("no-sheet.xlsx", broken.data, tmp_path)
    assert ins.status == "corrupt" and "missing" in ins.detail, (ins.status, ins.detail)
    two = rezip(_two_sheets(valid), {"xl/worksheets/sheet2.xml": None})  # one of two sheets missing
    ins = _inspect("half.xlsx", two, tmp_path)
    assert ins.status == "corrupt", (ins.status, ins.detail, ins.pii)
    assert _inspect("valid.xlsx", valid, tmp_path).pii  # the check itself leaves a sound workbook alone


def _two_sheets(xlsx: bytes) -> bytes:
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx))
    wb.copy_worksheet(wb.worksheets[0]).title = "控え"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _members(name: str, data: bytes, tmp_path: Path) -> tuple[list[str], list[Skipped]]:
    """Archive members (names) and skips, as the archive inspector hands them to the pipeline."""
    path = tmp_path / name
    path.write_bytes(data)
    ctx = _context(tmp_path)
    ins = ArchiveInspector(ctx.config).inspect(SingleFileEntry(str(path)), data, "", ctx)
    children = list(ins.children)
    return [c.name for c in children if not isinstance(c, Skipped)], [c for c in children if isinstance(c, Skipped)]


def test_tar_listing_that_stops_early_is_listed(tmp_path: Path) -> None:
    """tarfile takes a bad or zeroed header after the first member for the end of the archive: the
    members after it were dropped without a word, and the tar counted as fully examined."""
    import gzip
    import io
    import tarfile

    files = {f"m{i}/名簿{i}.csv": seeds(tmp_path)[".csv"] for i in range(3)}
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            t.addfile(info, io.BytesIO(content))
    tar = buf.getvalue()
    names, skips = _members("ok.tar", tar, tmp_path)
    assert len(names) == 3 and not skips  # end marker and padding: a clean end
    second = 512 + -(-len(files["m0/名簿0.csv"]) // 512) * 512
    zeroed = tar[:second] + bytes(512) + tar[second + 512:]
    names, skips = _members("zeroed.tar", zeroed, tmp_path)
    # review25i: a whole header after the zero block is read on (GNU tar -i), the row says the header zeroed
    assert len(names) == 2 and skips and skips[0].reason == "corrupt" and "header zeroed" in skips[0].detail, (
        names, skips)
    damaged = tar[:second] + b"\xff" * 512 + tar[second + 512:]  # bad checksum
    names, skips = _members("damaged.tar.gz", gzip.compress(damaged, mtime=0), tmp_path)
    # images25: read on past the damaged header to the next whole one, as GNU tar does (the third member read)
    assert len(names) == 2 and skips and "InvalidHeaderError" in skips[0].detail, (names, skips)
    assert "skipped to the next whole header" in skips[0].detail, skips
    names, skips = _members("cut.tar", tar[:second], tmp_path)  # cut at a member boundary, no end marker
    assert len(names) == 1 and not skips  # every member there was read whole
