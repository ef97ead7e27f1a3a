"""case23: the case folder against damaged file systems and rewritten documents (real scans of generated data).

- A negative size from a damaged file system (TSK's signed TSK_OFF_T: an ext4 inode whose i_size_high has its top
  bit set) stopped the walk of the whole file system (ValueError in the image walker): every other file unexamined.
  Now the entry is listed as damaged with the size its file system declares, the rest is walked, and every reader of
  the case accepts that size; a negative size where leakscan read the bytes itself (a SHA-256) is refused.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_cli, run_leakscan
from tests.image_data import ext_image, leaked_workbook, write_tree

pytestmark = pytest.mark.skipif(not (shutil.which("mke2fs") and shutil.which("debugfs")), reason="e2fsprogs needed")


@pytest.fixture(scope="module")
def negative(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    """An ext4 image holding the named list (its inode's size made negative as TSK reads it) and a second copy
    of it under another folder (size intact), scanned through the CLI."""
    root = tmp_path_factory.mktemp("neg")
    data = leaked_workbook()
    tree = write_tree(root / "tree", {"damaged/利用者名簿.xlsx": data, "kept/利用者名簿.xlsx": data,
                                      "kept/note.txt": b"hello\n"})
    image = ext_image(root / "disk.img", tree, debugfs=["sif /damaged/利用者名簿.xlsx size_hi 0x80000000"])
    out = root / "case"
    done = run_leakscan("scan", str(image), "--name", "利用者名簿.xlsx", "--out", str(out), "--workers", "1",
                        timeout=300)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return image, out, {"done": done, "doc": json.loads((out / "findings.json").read_text("utf-8"))}


def test_a_negative_size_from_a_damaged_file_system_is_that_entry_alone(negative: tuple[Path, Path, dict]) -> None:
    _image, _out, got = negative
    doc = got["doc"]
    assert not [s for s in doc["skipped"] if s["reason"] == "walk-stopped"], doc["skipped"]
    by_path = {f["path"].rsplit("» ", 1)[-1]: f for f in doc["files"]}
    damaged, kept = by_path["/damaged/利用者名簿.xlsx"], by_path["/kept/利用者名簿.xlsx"]
    assert damaged["size"] < 0 and damaged["sha256"] is None and damaged["status"] == "corrupt"
    assert kept["sha256"] and kept["status"] == "ok"
    assert any(s["path"].endswith("/damaged/利用者名簿.xlsx") and s["reason"] == "corrupt" for s in doc["skipped"])
    assert got["done"].returncode == 1, got["done"].stderr[-2000:]


def test_a_case_holding_a_file_systems_negative_size_is_read_by_every_command(
        negative: tuple[Path, Path, dict], tmp_path: Path) -> None:
    image, out, _got = negative
    verify = run_cli("verify", str(out))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    persons = run_cli("persons", str(out))
    assert persons.returncode == 0, persons.stdout + persons.stderr
    merged = run_cli("merge", str(out), "--out", str(tmp_path / "merged"))
    assert merged.returncode in (0, 1), merged.stdout + merged.stderr
    again = run_leakscan("scan", str(image), "--name", "利用者名簿.xlsx", "--out", str(tmp_path / "rescan"),
                         "--workers", "1", "--baseline", str(out), timeout=300)
    assert again.returncode == 1 and "Traceback" not in again.stderr, again.stderr[-2000:]
    diff = json.loads((tmp_path / "rescan" / "diff.json").read_text("utf-8"))
    assert diff["verdict"] != "clean"


def test_a_negative_size_on_a_file_leakscan_read_is_refused(negative: tuple[Path, Path, dict],
                                                             tmp_path: Path) -> None:
    """A size leakscan itself knows (the file was read whole: it has a SHA-256) cannot be negative."""
    _image, out, _got = negative
    case = tmp_path / "case"
    shutil.copytree(out, case)
    doc = json.loads((case / "findings.json").read_text("utf-8"))
    kept = next(f for f in doc["files"] if f["sha256"])
    kept["size"] = -5
    (case / "findings.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", "utf-8")
    from scanner.output import write_manifest

    write_manifest(case)
    run_cli("report", str(case))  # as a tamperer would: the report and the manifest made again
    write_manifest(case)
    verify = run_cli("verify", str(case))
    assert verify.returncode == 1 and "findings.json" in verify.stdout, verify.stdout + verify.stderr
    assert run_cli("persons", str(case)).returncode == 2


# -- a ``leakscan diff`` diff.json rewritten whole ------------------------------------------------------------------

@pytest.fixture(scope="module")
def diffed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, Path]:
    """A share with the named list on two PCs, scanned; one copy deleted, the other kept; rescanned; diffed with
    ``leakscan diff`` (verdict remaining)."""
    root = tmp_path_factory.mktemp("diffed")
    data = leaked_workbook()
    share = write_tree(root / "share", {"PC01/利用者名簿.xlsx": data, "PC02/backup/利用者名簿.xlsx": data,
                                        "PC02/memo.txt": b"memo\n"})
    base, rescan, out = root / "base", root / "rescan", root / "diff"
    for folder in (base, rescan):
        done = run_leakscan("scan", str(share), "--name", "利用者名簿.xlsx", "--out", str(folder), "--workers", "1",
                            "--quiet", timeout=300)
        assert done.returncode == 1, done.stderr[-2000:]
        (share / "PC01" / "利用者名簿.xlsx").unlink(missing_ok=True)
    done = run_cli("diff", str(base), str(rescan), "--out", str(out), "--quiet")
    assert done.returncode == 1, done.stdout + done.stderr
    return share, base, rescan, out


def _rewritten_clean(diff: dict) -> dict:
    """diff.json rewritten as a forger would keep it consistent with itself: every entry of a copy that remains
    struck, the counts made again from what is left, the verdict clean."""
    from scanner.codes import CLASSES

    diff = dict(diff)
    diff["entries"] = [e for e in diff["entries"] if e["class"] == "removed"]
    diff["counts"] = {c: sum(1 for e in diff["entries"] if e["class"] == c) for c in CLASSES}
    diff["leak_counts"] = {c: sum(1 for e in diff["entries"] if e["class"] == c and e["leak"]) for c in CLASSES}
    diff["lingering"] = []
    diff["verdict"], diff["verdict_reasons"] = "clean", []
    return diff


def test_a_diff_folder_verifies_against_the_scans_it_names(diffed: tuple[Path, Path, Path, Path]) -> None:
    _share, _base, _rescan, out = diffed
    done = run_cli("verify", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    diff = json.loads((out / "diff.json").read_text("utf-8"))
    assert diff["verdict"] == "remaining"


def test_a_diff_json_rewritten_whole_is_recomputed_from_its_scans(diffed: tuple[Path, Path, Path, Path],
                                                                  tmp_path: Path) -> None:
    """review22c's left item: consistent with itself, not with the two scans it names: verify passed it."""
    from scanner.diff import contradictions
    from scanner.output import write_manifest

    _share, _base, _rescan, out = diffed
    case = tmp_path / "diff"
    shutil.copytree(out, case)
    forged = _rewritten_clean(json.loads((case / "diff.json").read_text("utf-8")))
    assert contradictions(forged) == []  # the forgery agrees with itself
    (case / "diff.json").write_text(json.dumps(forged, ensure_ascii=False, indent=2) + "\n", "utf-8")
    write_manifest(case)
    # as a forger would: remediation.html made again from it (case24: report recomputes it too and refuses)
    assert run_cli("report", str(case)).returncode == 2
    write_manifest(case)
    done = run_cli("verify", str(case))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "OUTPUT INCONSISTENT: diff.json" in done.stdout and "recomputed" in done.stdout, done.stdout


# -- a findings.json passed off as an older leakscan's: start cut to the second, code hash edited -------------------

def _as_older(case: Path, keep_exports: bool) -> None:
    """review22c's left item, as a forger would do it: scan.outputs struck, the start cut to the second, the code
    hash edited (so verify makes nothing again), the state kept apart, the exports kept or deleted with their
    manifest lines; report.html and the manifest made again."""
    from scanner.output import write_manifest

    doc = json.loads((case / "findings.json").read_text("utf-8"))
    del doc["scan"]["outputs"]
    doc["scan"]["started"] = doc["scan"]["started"].split(".")[0] + "Z"
    doc["tool"]["code_sha256"] = "0" * 64
    (case / "findings.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", "utf-8")
    (case / "scan-state.sqlite").unlink()
    if not keep_exports:
        for name in ("findings.dfxml", "findings.case.jsonld", "copies.hashdeep", "keyword-leads.csv", "skipped.csv"):
            (case / name).unlink()
    write_manifest(case)
    assert run_cli("report", str(case)).returncode in (0, 1)
    write_manifest(case)


@pytest.mark.parametrize("keep_exports", [True, False], ids=["exports-kept", "exports-deleted"])
def test_a_findings_json_passed_off_as_an_older_leakscans_fails_verify(
        diffed: tuple[Path, Path, Path, Path], tmp_path: Path, keep_exports: bool) -> None:
    _share, base, _rescan, _out = diffed
    case = tmp_path / "case"
    shutil.copytree(base, case)
    assert run_cli("verify", str(case)).returncode == 0
    _as_older(case, keep_exports)
    done = run_cli("verify", str(case))
    assert done.returncode == 1, done.stdout + done.stderr
    assert ("findings.dfxml" in done.stdout) if keep_exports else ("OUTPUT MISSING: findings.dfxml" in done.stdout)
    for command in (["merge", str(case), "--out", str(tmp_path / "merged")], ["persons", str(case)]):
        done = run_cli(*command)  # the readers refuse it too (exit 2, one line)
        assert done.returncode == 2 and "findings" in done.stderr, (command, done.stdout + done.stderr)


def test_a_diff_folder_moved_with_its_scans_still_verifies_and_alone_says_so(
        diffed: tuple[Path, Path, Path, Path], tmp_path: Path) -> None:
    """The case tree copied elsewhere (scans beside the diff folder): found by name and recomputed; the diff folder
    alone: its scans cannot be found, so it cannot be recomputed (said, exit 1), never passed unchecked."""
    _share, base, rescan, out = diffed
    for folder in (base, rescan, out):
        shutil.copytree(folder, tmp_path / "tree" / folder.name)
    done = run_cli("verify", str(tmp_path / "tree" / out.name))
    assert done.returncode == 0, done.stdout + done.stderr
    shutil.copytree(out, tmp_path / "alone" / out.name)
    shutil.rmtree(tmp_path / "tree")
    real = out.parent
    moved = real.with_name(real.name + "-moved")
    real.rename(moved)  # the recorded folders are gone too
    try:
        done = run_cli("verify", str(tmp_path / "alone" / out.name))
    finally:
        moved.rename(real)
    assert done.returncode == 1 and "cannot be recomputed" in done.stdout, done.stdout + done.stderr


# -- rerun after remediation: each way a copy can survive ------------------------------------------------------------

def _resaved(data: bytes) -> bytes:
    """The workbook saved again by openpyxl: the same records, other bytes."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    wb.properties.lastModifiedBy = "総務課"  # as Excel records who saved it
    buf = io.BytesIO()
    wb.save(buf)
    assert buf.getvalue() != data, "saved again to the same bytes"
    return buf.getvalue()


def _zipped(name: str, data: bytes) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return buf.getvalue()


def _remediations(data: bytes) -> dict[str, Callable[[Path], None]]:
    """case -> what was done to the share after the baseline (the verdict and classes expected: _EXPECTED)."""
    import os
    import time

    from tests.image_data import fat_image

    def renamed(share: Path) -> None:
        (share / "PC01/利用者名簿.xlsx").rename(share / "PC01/old_list.xlsx")

    def moved(share: Path) -> None:
        (share / "PC03").mkdir()
        (share / "PC01/利用者名簿.xlsx").rename(share / "PC03/利用者名簿.xlsx")

    def touched(share: Path) -> None:
        later = time.time() + 3600
        os.utime(share / "PC01/利用者名簿.xlsx", (later, later))

    def resaved(share: Path) -> None:
        (share / "PC01/利用者名簿.xlsx").write_bytes(_resaved(data))

    def zipped(share: Path) -> None:
        (share / "PC01/利用者名簿.xlsx").unlink()
        (share / "PC01/backup.zip").write_bytes(_zipped("利用者名簿.xlsx", data))

    def imaged(share: Path) -> None:
        (share / "PC01/利用者名簿.xlsx").unlink()
        fat_image(share / "PC01/usb.img", {"list/meibo.xlsx": data})

    def gone(share: Path) -> None:
        for p in ("PC01/利用者名簿.xlsx", "PC02/backup/利用者名簿.xlsx"):
            (share / p).unlink()

    def appeared(share: Path) -> None:
        gone(share)
        (share / "PC02/利用者名簿.xlsx").write_bytes(leaked_workbook(seed=9))  # another list under the name

    return {"renamed": renamed, "moved-to-another-pc": moved, "re-saved-same-bytes": touched,
            "re-saved-other-bytes": resaved, "zipped": zipped, "in-a-disk-image": imaged, "gone": gone,
            "appeared": appeared}


@pytest.fixture(scope="module")
def remediated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, set[str], int, str]]:
    """One baseline of a share; for each remediation, the share made again at the same path, changed, rescanned with
    --baseline: case -> (verdict, classes of the leak entries, exit code, stderr)."""
    root = tmp_path_factory.mktemp("remediated")
    data = leaked_workbook()
    files = {"PC01/利用者名簿.xlsx": data, "PC02/backup/利用者名簿.xlsx": data, "PC02/memo.txt": b"memo\n"}
    share = root / "share"
    write_tree(share, files)
    base = root / "base"
    done = run_leakscan("scan", str(share), "--name", "利用者名簿.xlsx", "--out", str(base), "--workers", "1",
                        "--quiet", timeout=300)
    assert done.returncode == 1, done.stderr[-2000:]
    got = {}
    for case, change in _remediations(data).items():
        shutil.rmtree(share)
        write_tree(share, files)
        change(share)
        out = root / f"rescan-{case}"
        done = run_leakscan("scan", str(share), "--name", "利用者名簿.xlsx", "--out", str(out), "--workers", "1",
                            "--quiet", "--baseline", str(base), timeout=300)
        diff = json.loads((out / "diff.json").read_text("utf-8"))
        got[case] = (diff["verdict"], {e["class"] for e in diff["entries"] if e["leak"]}, done.returncode,
                     done.stderr[-2000:])
    return got


# PC02's copy stays in every case but gone and appeared: remaining; PC01's is what each case changes
_EXPECTED = {
    "renamed": ("remaining", {"removed", "remaining", "relocated"}),
    "moved-to-another-pc": ("remaining", {"removed", "remaining", "relocated"}),
    "re-saved-same-bytes": ("remaining", {"remaining"}),
    "re-saved-other-bytes": ("remaining", {"changed", "remaining"}),
    "zipped": ("remaining", {"removed", "remaining", "relocated"}),
    "in-a-disk-image": ("remaining", {"removed", "remaining", "relocated"}),
    "gone": ("clean", {"removed"}),
    "appeared": ("remaining", {"removed", "new"}),
}


@pytest.mark.parametrize("case", list(_EXPECTED))
def test_each_remediation_gets_its_verdict(remediated: dict, case: str) -> None:
    verdict, classes = _EXPECTED[case]
    got_verdict, got_classes, code, err = remediated[case]
    assert "Traceback" not in err, err
    assert (got_verdict, got_classes) == (verdict, classes), err
    assert code == (0 if verdict == "clean" else 1), err



def _tar_with_a_negative_member(data: bytes) -> bytes:
    """A GNU tar whose first member's header declares a base-256 size of -2^40 (checksum made again: a damaged
    header, not a torn one), the second member intact."""
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        for name, body in (("利用者名簿.xlsx", data), ("memo.txt", b"memo\n")):
            info = tarfile.TarInfo(name)
            info.size = len(body)
            t.addfile(info, io.BytesIO(body))
    raw = bytearray(buf.getvalue())
    raw[124:136] = b"\xff" + (-(1 << 40)).to_bytes(12, "big", signed=True)[1:]
    raw[148:156] = b" " * 8
    raw[148:156] = (f"{sum(raw[:512]):06o}\0 ").encode()
    return bytes(raw)


def test_a_tar_member_declaring_a_negative_size_keeps_the_case_readable(tmp_path: Path) -> None:
    """Before: the member was a "bomb" whose negative size made verify, diff, merge and persons refuse the case."""
    share = write_tree(tmp_path / "share", {"PC01/backup.tar": _tar_with_a_negative_member(leaked_workbook())})
    out = tmp_path / "case"
    done = run_leakscan("scan", str(share), "--name", "利用者名簿.xlsx", "--out", str(out), "--workers", "1", "--quiet",
                        timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    member = next(f for f in doc["files"] if f["path"].endswith("» 利用者名簿.xlsx"))
    assert member["size"] == -(1 << 40) and member["status"] == "corrupt" and member["sha256"] is None
    assert "size-negative" in json.dumps(member["status_detail_codes"])
    done = run_cli("verify", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
