"""``leakscan merge`` of scans whose sources overlap: every examined file once, persons as one scan counts them.

The demo share (Faker ja_JP, fixed seed) is cut into three folders: dir1 = PC01+PC02, dir2 = PC03+PC04,
dir3 = PC05+PC06. Scan A = {dir1, dir2}, scan B = {dir2, dir3} and scan W = {dir1, dir2, dir3}, all with one
case key: merge(A, B) must give W's figures (the PPC is told the number of people, so a file scanned twice
must not add its records twice). The identical copies lie in several folders (the same bytes at two places
are two copies of the same records).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import run_cli
from remediation_data import load, share, with_case_key

from scanner.demo import LEAKED_NAME, client_list_xlsx, make_people

PERSON_FIGURES = ("records", "unique_exact", "unique", "without_name", "merges", "review_total", "fingerprints",
                  "chains")


@pytest.fixture(scope="module")
def overlap(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("overlap")
    src = share(root)
    dirs = {}
    for name, pcs in (("dir1", ("PC01", "PC02")), ("dir2", ("PC03", "PC04")), ("dir3", ("PC05", "PC06"))):
        dirs[name] = root / name
        dirs[name].mkdir()
        for pc in pcs:
            shutil.move(str(src / pc), dirs[name] / pc)
    keyed = with_case_key(root / "w")
    outs = {"w": keyed, "a": with_case_key(root / "a", keyed), "b": with_case_key(root / "b", keyed)}
    for out, scanned in (("a", ("dir1", "dir2")), ("b", ("dir2", "dir3")), ("w", ("dir1", "dir2", "dir3"))):
        run = run_cli("scan", *(str(dirs[d]) for d in scanned), "--name", LEAKED_NAME, "--quiet",
                      "--out", str(outs[out]), "--case-id", out)
        assert run.returncode == 1, run.stderr
    return {**dirs, **outs, "root": root}


def _no_host(doc: dict) -> None:
    assert doc["chain_of_custody"].pop("host")


def _files(doc: dict) -> list[tuple[str, str | None]]:
    return sorted((f["path"], f["sha256"]) for f in doc["files"])


def test_overlapping_scans_merge_to_the_figures_of_one_scan_of_the_union(overlap: dict[str, Path]):
    case = overlap["root"] / "case"
    run = run_cli("merge", str(overlap["a"]), str(overlap["b"]), "--out", str(case))
    assert run.returncode == 1, run.stderr
    assert "scanned by more than one input" in run.stderr
    merged, whole, a, b = (load(overlap[k]) if k != "m" else load(case) for k in ("m", "w", "a", "b"))
    # the test means something: dir2's hits and persons are in both inputs
    assert set(_files(a)) & set(_files(b))
    assert a["persons"]["records"] + b["persons"]["records"] > whole["persons"]["records"]
    # every hit once, and the duplicate groups of the whole
    assert _files(merged) == _files(whole)
    assert sorted((g["sha256"], g["count"]) for g in merged["duplicate_groups"]) == \
        sorted((g["sha256"], g["count"]) for g in whole["duplicate_groups"])
    # the persons: distinct records, merged persons, the merges per rule, every counted file once
    for figure in PERSON_FIGURES:
        assert merged["persons"][figure] == whole["persons"][figure], figure
    assert sorted((f["path"], f["sha256"], f["records"]) for f in merged["persons"]["files"]) == \
        sorted((f["path"], f["sha256"], f["records"]) for f in whole["persons"]["files"])
    assert merged["merge"]["persons"].startswith("combined")
    # the summary the report and the terminal quote, and each source and skip once
    assert merged["summary"]["persons"] == whole["summary"]["persons"]
    assert sorted(merged["scan"]["sources"]) == sorted(whole["scan"]["sources"])
    assert sorted(json.dumps(s, sort_keys=True) for s in merged["skipped"]) == \
        sorted(json.dumps(s, sort_keys=True) for s in whole["skipped"])
    assert merged["merge"]["overlapping_sources"] == [str(overlap["dir2"])]
    assert run_cli("verify", str(case)).returncode == 0


def test_a_file_changed_between_the_scans_is_two_files(overlap: dict[str, Path], tmp_path: Path):
    """Same place, other bytes (edited between scan A and a later scan of dir2): not the same file, so both
    versions are listed and the records of both counted."""
    a = load(overlap["a"])
    shared = next(f for f in a["persons"]["files"] if f["path"].startswith(str(overlap["dir2"])) and f["records"])
    path = Path(shared["path"])
    before = path.read_bytes()
    later = with_case_key(tmp_path / "later", overlap["w"])
    try:
        path.write_bytes(client_list_xlsx(make_people(30), title="利用者名簿（修正）"))
        run = run_cli("scan", str(overlap["dir2"]), "--name", LEAKED_NAME, "--quiet", "--out", str(later))
        assert run.returncode == 1, run.stderr
    finally:
        path.write_bytes(before)
    run = run_cli("merge", str(overlap["a"]), str(later), "--out", str(tmp_path / "case"), "--quiet")
    assert run.returncode == 1, run.stderr
    merged, again = load(tmp_path / "case"), load(later)
    edited = next(f for f in again["persons"]["files"] if f["path"] == shared["path"])
    assert edited["sha256"] != shared["sha256"]
    assert sorted(f["sha256"] for f in merged["files"] if f["path"] == shared["path"]) == \
        sorted([shared["sha256"], edited["sha256"]])
    counted = {(f["path"], f["sha256"]): f["records"] for f in merged["persons"]["files"]}
    assert counted[shared["path"], shared["sha256"]] == shared["records"]
    # dir2 was not the same in both scans: its files seen / bytes read are not counted once, but said to be an
    # upper bound (Session 7)
    assert (merged["merge"]["counts"]["exact"], merged["merge"]["counts"]["reason"]) == (False, "different-figures")
    assert counted[shared["path"], edited["sha256"]] == edited["records"] == 30
    assert merged["persons"]["records"] == sum(counted.values())


def _edited(folder: Path, dest: Path, change) -> Path:
    """A copy of a case folder whose findings.json was edited by hand and its manifest made again (what a
    forger with the folder can do: the manifest is a checksum list, not a signature)."""
    from scanner.output import write_manifest

    shutil.copytree(folder, dest)
    doc = load(dest)
    change(doc)
    (dest / "findings.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    write_manifest(dest)
    return dest


def test_inputs_scanned_with_other_settings_or_another_version(overlap: dict[str, Path], tmp_path: Path):
    """Other names or limits: merged, with a warning naming the settings and same_scope false. Another
    leakscan version (other person rules): the persons are not combined, each input's count is kept."""
    other = with_case_key(tmp_path / "other", overlap["w"])
    run = run_cli("scan", str(overlap["dir3"]), "--name", LEAKED_NAME, "--name", "別名簿.xlsx", "--quiet",
                  "--out", str(other))
    assert run.returncode == 1, run.stderr
    run = run_cli("merge", str(overlap["a"]), str(other), "--out", str(tmp_path / "case"), "--quiet")
    assert run.returncode == 1, run.stderr
    assert "different settings (names)" in run.stderr
    merged = load(tmp_path / "case")
    assert merged["merge"]["same_scope"] is False and merged["merge"]["scope_differences"] == ["names"]
    assert merged["merge"]["persons"].startswith("combined")

    def older(doc: dict) -> None:
        doc["tool"]["version"] = "0.0.9"

    aged = _edited(overlap["b"], tmp_path / "aged", older)
    run = run_cli("merge", str(overlap["a"]), str(aged), "--out", str(tmp_path / "case2"), "--quiet")
    assert run.returncode == 1, run.stderr
    assert "different settings (version)" in run.stderr
    merged = load(tmp_path / "case2")
    assert "persons" not in merged and merged["merge"]["persons"].startswith("not combined")
    assert [i["persons_unique"] for i in merged["merge"]["inputs"]] == \
        [load(overlap["a"])["persons"]["unique"], load(overlap["b"])["persons"]["unique"]]


def test_an_input_without_its_case_key_is_merged_without_combining_persons(overlap: dict[str, Path],
                                                                            tmp_path: Path):
    """A folder handed over without case.key (kept apart): merged, its persons not combined, never refused."""
    keyless = tmp_path / "keyless"
    shutil.copytree(overlap["b"], keyless)
    (keyless / "case.key").unlink()
    run = run_cli("merge", str(overlap["a"]), str(keyless), "--out", str(tmp_path / "case"), "--quiet")
    assert run.returncode == 1, run.stderr
    merged = load(tmp_path / "case")
    assert "persons" not in merged and merged["merge"]["persons"].startswith("not combined")


def test_a_file_one_scan_could_not_read_and_the_other_read_is_one_examined_file(overlap: dict[str, Path],
                                                                                 tmp_path: Path):
    """A copy locked (mode 000) while dir2 was scanned again: that scan lists it unreadable; scan A read it.
    Merged, it is one file (A's, hashed and counted), not an unread copy beside a read one."""
    from remediation_data import run_without_dac

    a = load(overlap["a"])
    counted = next(f for f in a["persons"]["files"] if f["path"].startswith(str(overlap["dir2"])) and f["records"])
    path = Path(counted["path"])
    locked = with_case_key(tmp_path / "locked", overlap["w"])
    os.chmod(path, 0)
    try:
        run = run_without_dac("scan", str(overlap["dir2"]), "--name", LEAKED_NAME, "--quiet", "--out", str(locked))
        assert run.returncode == 1, run.stderr
    finally:
        os.chmod(path, 0o644)
    again = load(locked)
    assert any(s["path"] == counted["path"] and s["reason"] == "unreadable" for s in again["skipped"])
    run = run_cli("merge", str(overlap["a"]), str(locked), "--out", str(tmp_path / "case"), "--quiet")
    assert run.returncode == 1, run.stderr
    merged = load(tmp_path / "case")
    assert [f["sha256"] for f in merged["files"] if f["path"] == counted["path"]] == [counted["sha256"]]
    assert not [s for s in merged["skipped"] if s["path"] == counted["path"]]
    assert merged["persons"]["records"] == a["persons"]["records"]
    assert merged["persons"]["unique"] == a["persons"]["unique"]


def test_files_seen_and_bytes_read_are_those_of_one_scan_of_the_union(overlap: dict[str, Path], tmp_path: Path):
    """Session 7: each scan records every source's own figures, so a source two inputs scanned alike is counted
    once; the report says the figures are exact."""
    case = tmp_path / "case"
    run = run_cli("merge", str(overlap["a"]), str(overlap["b"]), "--out", str(case), "--lang", "en")
    assert run.returncode == 1, run.stderr
    merged, whole, a, b = (load(p) for p in (case, overlap["w"], overlap["a"], overlap["b"]))
    assert a["scan"]["files_seen"] + b["scan"]["files_seen"] > whole["scan"]["files_seen"]  # the test means something
    for figure in ("files_seen", "bytes_read"):
        assert merged["scan"][figure] == whole["scan"][figure], figure
        assert merged["merge"]["counts"]["inputs_sum"][figure] == a["scan"][figure] + b["scan"][figure]
    assert merged["merge"]["counts"]["exact"] is True
    assert "count them once" in run.stderr
    assert "exact: a source scanned by several inputs is counted once" in (case / "report.html").read_text("utf-8")


def _without_own_figures(folder: Path, dest: Path) -> Path:
    """The same scan as leakscan wrote it before Session 7: no figures of its own per source."""
    from scanner.output import write_manifest

    shutil.copytree(folder, dest)
    doc = load(dest)
    for s in doc["scan"]["source_details"]:
        s.pop("files_seen"), s.pop("bytes_read")
    (dest / "findings.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), "utf-8")
    write_manifest(dest)
    return dest


def test_figures_that_cannot_be_exact_are_said_to_be_an_upper_bound(overlap: dict[str, Path], tmp_path: Path):
    older = _without_own_figures(overlap["b"], tmp_path / "older")
    inner = tmp_path / "inner"
    scanned = run_cli("scan", str(overlap["dir2"] / "PC03"), "--name", LEAKED_NAME, "--quiet", "--out", str(inner))
    assert scanned.returncode == 1, scanned.stderr
    for other, reason in ((older, "no-own-figures"), (inner, "nested")):
        case = tmp_path / f"case-{reason}"
        run = run_cli("merge", str(overlap["a"]), str(other), "--out", str(case), "--lang", "en")
        assert run.returncode == 1, run.stderr
        merged, a, b = load(case), load(overlap["a"]), load(other)
        counts = merged["merge"]["counts"]
        assert (counts["exact"], counts["reason"]) == (False, reason)
        assert merged["scan"]["files_seen"] == a["scan"]["files_seen"] + b["scan"]["files_seen"]
        assert "are an upper bound" in run.stderr
        assert "upper bound (the true figure is at most this)" in (case / "report.html").read_text("utf-8")


@pytest.mark.parametrize("how", ["folder-inside", "other-spelling"])
def test_a_source_inside_another_inputs_source_is_not_counted_twice(how: str, overlap: dict[str, Path],
                                                                    tmp_path: Path):
    """Session 7: PC03 scanned on its own (or dir2 given as a relative path) and merged with scan A, which
    scanned it as part of dir2 (as an absolute path): the same files on the same machine under two SOURCE
    texts. Was: every hit there listed twice and counted twice (copies 12 for 10)."""
    root = overlap["root"]
    again = with_case_key(tmp_path / "again", overlap["w"])
    if how == "folder-inside":
        run = run_cli("scan", str(overlap["dir2"] / "PC03"), "--name", LEAKED_NAME, "--quiet", "--out", str(again))
    else:
        run = run_cli("scan", "dir2", "--name", LEAKED_NAME, "--quiet", "--out", str(again), cwd=root)
    assert run.returncode == 1, run.stderr
    assert load(again)["files"]  # the test means something: the second scan found hits there
    case = tmp_path / "case"
    run = run_cli("merge", str(overlap["a"]), str(again), "--out", str(case), "--quiet")
    assert run.returncode == 1, run.stderr
    merged, a = load(case), load(overlap["a"])
    assert _files(merged) == _files(a)
    assert merged["summary"]["copies"] == a["summary"]["copies"]
    assert merged["summary"]["persons"] == a["summary"]["persons"]
    assert (merged["merge"]["counts"]["exact"], merged["merge"]["counts"]["reason"]) == (False, "nested")
    assert run_cli("verify", str(case)).returncode == 0


def test_inputs_that_record_no_host_are_not_taken_for_one_machine(overlap: dict[str, Path], tmp_path: Path):
    """Session 8: two inputs without chain_of_custody.host (an older version, or a hand-made case) may come from
    two PCs that both have a folder of that name: the second one's hits must not be folded into the first's
    (a hit dropped is a silent miss; a hit listed twice is visible). Was: /dir2/PC03 taken for part of /dir2."""

    again = with_case_key(tmp_path / "again", overlap["w"])
    run = run_cli("scan", str(overlap["dir2"] / "PC03"), "--name", LEAKED_NAME, "--quiet", "--out", str(again))
    assert run.returncode == 1, run.stderr
    inputs = [_edited(out, tmp_path / f"nohost-{name}", _no_host) for name, out in (("a", overlap["a"]),
                                                                                   ("again", again))]
    case = tmp_path / "case"
    run = run_cli("merge", *map(str, inputs), "--out", str(case), "--quiet")
    assert run.returncode == 1, run.stderr
    merged, a, alone = load(case), load(inputs[0]), load(inputs[1])
    assert len(merged["files"]) == len(a["files"]) + len(alone["files"])
    assert merged["merge"]["counts"]["reason"] != "nested"


def test_inputs_that_record_no_host_keep_their_own_files_under_the_same_folder(overlap: dict[str, Path],
                                                                                tmp_path: Path):
    """review8b: the rule above for the very same folder text. Two inputs with no host that both scanned /…/dir2
    may be two PCs each with such a folder: the second one's files there (same path, same bytes: a copy made on
    both PCs) were folded into the first's and dropped, and their files seen subtracted once."""

    inputs = [_edited(overlap[name], tmp_path / f"nohost-{name}", _no_host) for name in ("a", "b")]
    case = tmp_path / "case"
    run = run_cli("merge", *map(str, inputs), "--out", str(case), "--quiet")
    assert run.returncode == 1, run.stderr
    merged, a, b = load(case), load(inputs[0]), load(inputs[1])
    assert len(merged["files"]) == len(a["files"]) + len(b["files"])
    assert merged["scan"]["files_seen"] == a["scan"]["files_seen"] + b["scan"]["files_seen"]
    assert merged["merge"]["overlapping_sources"] == []


def test_the_same_folder_path_on_another_volume_is_another_place(overlap: dict[str, Path], tmp_path: Path):
    """Session 8 (review8b): two PC disks mounted in turn at one path of the analysis host and scanned into two
    cases: the same host, the same path, identical copies at the same places. Merged as one place, the second
    disk's copies were dropped. The scan records the folder's file-system id (statvfs f_fsid); the merge keeps
    folders on other volumes apart, and the same volume scanned twice is still one place."""
    from scanner.sources.local import LocalSource

    assert LocalSource(str(overlap["dir2"])).describe()["volume"].startswith("fsid:")
    first = with_case_key(tmp_path / "first", overlap["w"])
    second = with_case_key(tmp_path / "second", overlap["w"])
    for out in (first, second):
        run = run_cli("scan", str(overlap["dir2"]), "--name", LEAKED_NAME, "--quiet", "--out", str(out))
        assert run.returncode == 1, run.stderr
    same = run_cli("merge", str(first), str(second), "--out", str(tmp_path / "same"), "--quiet")
    assert same.returncode == 1 and len(load(tmp_path / "same")["files"]) == len(load(first)["files"]), same.stderr
    def other_disk(doc: dict) -> None:  # the other PC's disk, mounted at the same path
        doc["scan"]["source_details"][0]["volume"] = "fsid:5ca1ab1e"

    second = _edited(second, tmp_path / "second-disk", other_disk)
    run = run_cli("merge", str(first), str(second), "--out", str(tmp_path / "two"), "--quiet")
    assert run.returncode == 1, run.stderr
    merged = load(tmp_path / "two")
    assert len(merged["files"]) == 2 * len(load(first)["files"])
    assert merged["summary"]["copies"] == 2 * load(first)["summary"]["copies"]
    assert merged["merge"]["overlapping_sources"] == [] and merged["merge"]["counts"]["exact"]


def test_a_folder_on_a_file_system_without_an_id_is_told_apart_by_what_was_seen(overlap: dict[str, Path],
                                                                                 tmp_path: Path):
    """Session 9: FUSE file systems (ewfmount, ntfs-3g, sshfs) give no f_fsid, so no ``volume`` is recorded. Two PC
    disks mounted there in turn were one place, and the second disk's identical copies were dropped without a
    word. Inputs that saw a different number of files there are two places (their files kept); inputs that saw
    the same are taken for one, and the warning says the file system could not be identified."""
    first = with_case_key(tmp_path / "first", overlap["w"])
    second = with_case_key(tmp_path / "second", overlap["w"])
    for out in (first, second):
        run = run_cli("scan", str(overlap["dir2"]), "--name", LEAKED_NAME, "--quiet", "--out", str(out))
        assert run.returncode == 1, run.stderr

    def fuse(doc: dict) -> None:
        assert doc["scan"]["source_details"][0].pop("volume")

    def other_fuse_disk(doc: dict) -> None:  # the other PC's disk: more files, the same copies at the same paths
        fuse(doc)
        doc["scan"]["source_details"][0]["files_seen"] += 7
        doc["scan"]["files_seen"] += 7

    a, same, other = (_edited(first, tmp_path / "fuse-a", fuse), _edited(second, tmp_path / "fuse-b", fuse),
                      _edited(second, tmp_path / "fuse-other", other_fuse_disk))
    run = run_cli("merge", str(a), str(other), "--out", str(tmp_path / "two"), "--quiet")
    assert run.returncode == 1, run.stderr
    merged = load(tmp_path / "two")
    assert len(merged["files"]) == 2 * len(load(first)["files"])
    run = run_cli("merge", str(a), str(same), "--out", str(tmp_path / "one"))
    assert run.returncode == 1, run.stderr
    assert len(load(tmp_path / "one")["files"]) == len(load(first)["files"])
    assert "no file-system id" in run.stderr, run.stderr
    # review9h: the report the police reads says it too (the merge section only counted "duplicates dropped")
    report = (tmp_path / "one" / "report.html").read_text(encoding="utf-8")
    warned = report.split('id="merge-unidentified"', 1)
    assert len(warned) == 2 and str(overlap["dir2"]) in warned[1].split("</tr>", 1)[0], report[-3000:]
    assert 'id="merge-unidentified"' not in (tmp_path / "two" / "report.html").read_text(encoding="utf-8")
