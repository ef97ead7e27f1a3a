"""review23c: case23's case-folder checks against the folders examiners really hand on (real scans, real CLI).

- A diff folder (or a ``scan --baseline`` folder) copied to another disk with its scans under other names, or alone,
  could not be verified by any means: verify looked only where the scans were and beside the diff, said "OUTPUT
  INCONSISTENT ... cannot be recomputed" and gave no way to name where the scans are now. ``verify --scans FOLDER``
  names them; a diff that is not theirs still fails.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_cli, run_leakscan
from tests.image_data import leaked_workbook, write_tree


@pytest.fixture(scope="module")
def usb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A baseline, a ``scan --baseline`` rescan and a ``leakscan diff`` of the two, made in one tree; then copied to
    another disk under the examiner's own names (01-baseline, 02-rescan, 03-diff) and the original tree removed."""
    root = tmp_path_factory.mktemp("r23c")
    data = leaked_workbook()
    share = write_tree(root / "share", {"PC01/利用者名簿.xlsx": data, "PC02/backup/利用者名簿.xlsx": data,
                                        "PC02/memo.txt": b"memo\n"})
    made = root / "made"
    base, rescan, diff = made / "base", made / "rescan", made / "diff"
    done = run_leakscan("scan", str(share), "--name", "利用者名簿.xlsx", "--out", str(base), "--workers", "1",
                        "--quiet", timeout=300)
    assert done.returncode == 1, done.stderr[-2000:]
    (share / "PC01" / "利用者名簿.xlsx").unlink()
    done = run_leakscan("scan", str(share), "--name", "利用者名簿.xlsx", "--out", str(rescan), "--workers", "1",
                        "--quiet", "--baseline", str(base / "findings.json"), timeout=300)
    assert done.returncode == 1, done.stderr[-2000:]
    done = run_cli("diff", str(base), str(rescan), "--out", str(diff), "--quiet")
    assert done.returncode == 1, done.stdout + done.stderr
    disk = root / "disk"
    for folder, name in ((base, "01-baseline"), (rescan, "02-rescan"), (diff, "03-diff")):
        shutil.copytree(folder, disk / name)
    shutil.rmtree(made)
    return disk


def test_a_diff_copied_under_other_names_is_verified_against_the_scans_named(usb: Path) -> None:
    alone = run_cli("verify", str(usb / "03-diff"))  # review24c: found by SHA-256 among the folders beside it
    assert alone.returncode == 0, alone.stdout + alone.stderr
    named = run_cli("verify", str(usb / "03-diff"), "--scans", str(usb / "01-baseline"), str(usb / "02-rescan"))
    assert named.returncode == 0, named.stdout + named.stderr
    by_file = run_cli("verify", str(usb / "03-diff"), "--scans", str(usb / "01-baseline" / "findings.json"),
                      str(usb / "02-rescan" / "findings.json"))
    assert by_file.returncode == 0, by_file.stdout + by_file.stderr


def test_a_rescan_folder_copied_under_another_name_is_verified_against_its_baseline_named(usb: Path) -> None:
    alone = run_cli("verify", str(usb / "02-rescan"))  # review24c: its baseline found beside it by SHA-256
    assert alone.returncode == 0, alone.stdout + alone.stderr
    named = run_cli("verify", str(usb / "02-rescan"), "--scans", str(usb / "01-baseline"))
    assert named.returncode == 0, named.stdout + named.stderr


def _forged_clean(case: Path, edit=None) -> None:  # type: ignore[no-untyped-def]
    """diff.json rewritten as a forger keeps it consistent with itself (the copy that remains struck, counts made
    again, verdict clean), then ``edit`` applied; remediation.html and the manifest made again."""
    from scanner.codes import CLASSES
    from scanner.diff import contradictions
    from scanner.output import write_manifest

    diff = json.loads((case / "diff.json").read_text("utf-8"))
    assert [e for e in diff["entries"] if e["class"] == "remaining"], diff["counts"]
    diff["entries"] = [e for e in diff["entries"] if e["class"] == "removed"]  # the copy that remains struck
    diff["counts"] = {c: sum(1 for e in diff["entries"] if e["class"] == c) for c in CLASSES}
    diff["leak_counts"] = {c: sum(1 for e in diff["entries"] if e["class"] == c and e["leak"]) for c in CLASSES}
    diff["lingering"] = []
    diff["verdict"], diff["verdict_reasons"] = "clean", []
    assert contradictions(diff) == []  # agrees with itself: only the scans named can say it is not theirs
    if edit is not None:
        edit(diff)
    (case / "diff.json").write_text(json.dumps(diff, ensure_ascii=False, indent=2) + "\n", "utf-8")
    write_manifest(case)
    assert run_cli("report", str(case)).returncode == 2  # case24: report recomputes (or checks the form) and refuses
    write_manifest(case)


def test_scans_named_do_not_vouch_for_a_diff_that_is_not_theirs(usb: Path, tmp_path: Path) -> None:
    case = tmp_path / "03-diff"
    shutil.copytree(usb / "03-diff", case)
    _forged_clean(case)
    done = run_cli("verify", str(case), "--scans", str(usb / "01-baseline"), str(usb / "02-rescan"))
    assert done.returncode == 1 and "OUTPUT INCONSISTENT: diff.json" in done.stdout, done.stdout + done.stderr
    alone = tmp_path / "alone" / "03-diff"  # review24c: not beside its scans (they are found there by SHA-256)
    shutil.copytree(usb / "03-diff", alone)
    other = run_cli("verify", str(alone), "--scans", str(usb / "02-rescan"), str(usb / "02-rescan"))
    assert other.returncode == 1, other.stdout + other.stderr  # the baseline's SHA-256 is held by neither


@pytest.mark.parametrize("edit", [
    lambda d: d["rescan"].pop("folder"),
    lambda d: d["baseline"].pop("folder"),
    lambda d: d["baseline"].update(folder=None),
    lambda d: d["rescan"].update(folder=["/elsewhere"]),
], ids=["rescan-folder-struck", "baseline-folder-struck", "baseline-folder-null", "rescan-folder-list"])
def test_a_forged_diff_with_one_folder_struck_is_not_passed_as_an_older_leakscans(usb: Path, tmp_path: Path,
                                                                                  edit) -> None:  # type: ignore[no-untyped-def]
    """A diff.json of a leakscan before case23 records no folder on either side; one side's folder struck or of
    another type is no leakscan's form, and passed unchecked (verify exit 0 on a forged clean verdict)."""
    case = tmp_path / "03-diff"
    shutil.copytree(usb / "03-diff", case)
    _forged_clean(case, edit)
    done = run_cli("verify", str(case), "--scans", str(usb / "01-baseline"), str(usb / "02-rescan"))
    assert done.returncode == 1 and "OUTPUT INCONSISTENT: diff.json" in done.stdout, done.stdout + done.stderr


def test_diff_and_baseline_refuse_a_baseline_passed_off_as_an_older_leakscans(usb: Path, tmp_path: Path) -> None:
    """case23 made ``diff`` and ``scan --baseline`` read the exports beside a baseline (a start cut to the second, the
    exports kept); only verify, merge and persons were tested: with that check removed from their reader, a
    doctored baseline was diffed and the test suite passed."""
    from scanner.output import write_manifest

    case = tmp_path / "base"
    shutil.copytree(usb / "01-baseline", case)
    doc = json.loads((case / "findings.json").read_text("utf-8"))
    del doc["scan"]["outputs"]
    doc["scan"]["started"] = doc["scan"]["started"].split(".")[0] + "Z"
    doc["tool"]["code_sha256"] = "0" * 64
    (case / "findings.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", "utf-8")
    (case / "scan-state.sqlite").unlink()
    write_manifest(case)
    assert run_cli("report", str(case)).returncode in (0, 1)
    write_manifest(case)
    done = run_cli("diff", str(case), str(usb / "02-rescan"), "--out", str(tmp_path / "diff"), "--quiet")
    assert done.returncode == 2 and "findings.dfxml" in done.stderr, done.stdout + done.stderr
    assert not (tmp_path / "diff" / "diff.json").exists()


@pytest.mark.parametrize("status, codes", [
    ("no-records", []),  # read whole (no person sheet), its digests struck
    ("names-only", []),
    ("corrupt", [{"code": "content-ends-at", "pos": 10, "size": 20}]),  # damaged, but not a declared negative size
], ids=["no-records", "names-only", "corrupt-other"])
def test_a_negative_size_stands_only_on_an_entry_listed_size_negative(usb: Path, status: str, codes: list) -> None:
    """case23 let a negative size stand on any entry without a digest and not ``ok``; leakscan writes one only on the
    entry it lists corrupt with detail size-negative (examine.pick). Loader and schema refuse the others alike."""
    import jsonschema

    from scanner.evidence import EvidenceError, FindingsDoc

    schema = json.loads((Path("scanner") / "schemas" / "findings.schema.json").read_text("utf-8"))
    doc = json.loads((usb / "01-baseline" / "findings.json").read_text("utf-8"))
    entry = doc["files"][0]
    entry.update(size=-5, md5=None, sha1=None, sha256=None, status=status, status_detail_codes=codes)
    assert not jsonschema.Draft202012Validator(schema).is_valid(doc)
    with pytest.raises(EvidenceError):
        FindingsDoc.from_json(doc)
    entry.update(status="corrupt", status_detail_codes=[{"code": "size-negative", "size": -5}])
    assert jsonschema.Draft202012Validator(schema).is_valid(doc)
    FindingsDoc.from_json(doc)


def test_an_export_too_large_to_compare_is_said_not_passed_silently(usb: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """verify23: an export over the bound (1 GiB) was not compared with findings.json's start, without a word."""
    import scanner.consistency

    case = tmp_path / "base"
    shutil.copytree(usb / "01-baseline", case)
    plain = run_cli("verify", str(case))
    assert plain.returncode == 0 and "not compared" not in plain.stdout, plain.stdout + plain.stderr
    monkeypatch.setattr(scanner.consistency, "EXPORT_LIMIT", 64)  # both exports are larger than 64 bytes
    done = run_cli("verify", str(case))
    assert done.returncode == 0, done.stdout + done.stderr  # nothing differs: said, not failed
    said = [line for line in done.stdout.splitlines() if line.startswith("note:") and "not compared" in line]
    assert len(said) == 2 and any("findings.case.jsonld" in s for s in said), done.stdout


def test_a_diff_folders_verify_hashes_each_file_once(usb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """verify23: verify of a diff folder hashed each scan's findings.json three times (the SHA-256 the diff names, the
    loader, the scan's manifest check): now once per file, the others reuse it (same device, inode, size, times)."""
    import os

    import scanner.anchor
    import scanner.output

    hashed: list[tuple[int, int]] = []
    whole, by_fd = scanner.anchor.hashlib.file_digest, scanner.output._sha256_fd

    def file_digest(f: object, name: str) -> object:
        st = os.fstat(f.fileno())  # type: ignore[attr-defined]
        hashed.append((st.st_dev, st.st_ino))
        return whole(f, name)  # type: ignore[arg-type]

    def sha256_fd(fd: int) -> str:
        st = os.fstat(fd)
        hashed.append((st.st_dev, st.st_ino))
        return by_fd(fd)

    monkeypatch.setattr(scanner.anchor.hashlib, "file_digest", file_digest)
    monkeypatch.setattr(scanner.output, "_sha256_fd", sha256_fd)
    done = run_cli("verify", str(usb / "03-diff"), "--scans", str(usb / "01-baseline"), str(usb / "02-rescan"))
    assert done.returncode == 0, done.stdout + done.stderr
    base = os.stat(usb / "01-baseline" / "findings.json")
    assert hashed.count((base.st_dev, base.st_ino)) == 1, hashed
    assert len(hashed) == len(set(hashed)), hashed
