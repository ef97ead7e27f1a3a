"""Crafted case folders (Session 22): a real scan's findings.json made hostile (non-finite or huge numbers, wrong
types, deep nesting, duplicate keys, impossible times, a merge section of the wrong shape, links out of the folder),
the manifest made again as a tamperer would. Every reader (verify, persons, report, merge, diff, scan --baseline)
gives a clear one-line error, never an internal error, and never a clean verdict from it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import run_cli

from scanner.demo import LEAKED_NAME, client_list_xlsx, make_people
from scanner.output import write_manifest


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """A scan holding the named file, and a scan of the share after it was deleted (the rescan)."""
    root = tmp_path_factory.mktemp("hostile")
    src = root / "share"
    src.mkdir()
    (src / LEAKED_NAME).write_bytes(client_list_xlsx(make_people(8)))
    good = root / "good"
    assert run_cli("scan", str(src), "--name", LEAKED_NAME, "--out", str(good), "--quiet").returncode == 1
    (src / LEAKED_NAME).unlink()
    after = root / "after"
    assert run_cli("scan", str(src), "--name", LEAKED_NAME, "--out", str(after), "--quiet").returncode == 0
    yield {"root": root, "src": src, "good": good, "after": after}


def _edit(doc: dict, where: str, value: object) -> str:
    """``doc`` with the value at a dotted path replaced, as JSON."""
    doc = json.loads(json.dumps(doc))
    *path, last = where.split(".")
    at = doc
    for k in path:
        at = at[int(k)] if isinstance(at, list) else at[k]
    at[int(last) if isinstance(at, list) else last] = value
    return json.dumps(doc, ensure_ascii=False)


def _texts(text: str, doc: dict) -> dict[str, Callable[[], str]]:
    deep = "[" * 100_000 + "]" * 100_000
    return {
        "nan": lambda: text.replace('"files_seen": ', '"files_seen": NaN, "x": ', 1),
        "infinite": lambda: text.replace('"files_seen": ', '"files_seen": 1e999, "x": ', 1),
        "huge-int": lambda: text.replace('"files_seen": ', '"files_seen": ' + "9" * 5000 + ", \"x\": ", 1),
        "deep": lambda: text.replace('"links": [', '"links": [' + deep + ",", 1),
        "duplicate-keys": lambda: text.replace('"case": {', '"case": {"id": "other"}, "case": {', 1),
        "duplicate-files": lambda: text.replace('"files": [', '"files": [], "files": [', 1),
        "impossible-time": lambda: _edit(doc, "scan.started", "9999-99-99T00:00:00Z"),
        "reason-not-text": lambda: _edit(doc, "files.0.reasons", [[1]]),
        "merge-inputs-text": lambda: _edit(doc, "merge", {"inputs": "abc", "persons": "combined"}),
        "merge-input-types": lambda: _edit(doc, "merge", {"inputs": [{"folder": 1, "sources": [[2]], "started": 3}],
                                                        "persons": 5, "scope_differences": {"x": 1}}),
        "outputs-not-names": lambda: _edit(doc, "scan.outputs", {"x": 1}),
        "outputs-paths": lambda: _edit(doc, "scan.outputs", ["../../etc/passwd"]),
        "summary-list": lambda: _edit(doc, "summary", [1, 2]),
        "size-negative": lambda: _edit(doc, "files.0.size", -1),
    }


NAMES = list(_texts("", {}))


def _commands(folder: Path, case: dict[str, Path], name: str) -> list[list[str]]:
    root, after = case["root"], case["after"]
    return [["verify", str(folder)], ["persons", str(folder)], ["report", str(folder)],
            ["merge", str(folder), str(after), "--out", str(root / f"{name}-merge")],
            ["diff", str(folder), str(after), "--out", str(root / f"{name}-diff")],
            ["scan", str(case["src"]), "--name", LEAKED_NAME, "--out", str(root / f"{name}-rescan"), "--baseline",
             str(folder)]]


def _refused(folder: Path, case: dict[str, Path], name: str) -> None:
    for command in _commands(folder, case, name):
        run = run_cli(*command)
        said = (command[0], run.returncode, run.stderr[-400:])
        assert "internal error" not in run.stderr and "Traceback" not in run.stderr, said
        assert run.returncode == (1 if command[0] == "verify" else 2), said
        if command[0] != "verify":
            assert "error:" in run.stderr, said


@pytest.mark.parametrize("name", NAMES)
def test_a_hostile_findings_json_is_refused_in_one_line(name: str, case: dict[str, Path]) -> None:
    folder = case["root"] / name
    shutil.copytree(case["good"], folder)
    text = (case["good"] / "findings.json").read_text(encoding="utf-8")
    (folder / "findings.json").write_text(_texts(text, json.loads(text))[name](), encoding="utf-8")
    write_manifest(folder)
    _refused(folder, case, name)


@pytest.mark.parametrize("name", ["findings.json", "case.key", "report.html"])
def test_a_case_file_linked_out_of_the_folder_is_not_followed(name: str, case: dict[str, Path]) -> None:
    """A case file replaced by a link to a copy outside the folder (the manifest made again): never read through."""
    folder = case["root"] / f"link-{name}"
    shutil.copytree(case["good"], folder)
    outside = case["root"] / f"outside-{name}"
    shutil.copyfile(folder / name, outside)
    (folder / name).unlink()
    (folder / name).symlink_to(outside)
    write_manifest(folder)
    before = outside.read_bytes()
    commands = _commands(folder, case, f"link-{name}")
    for command in [c for c in commands if c[0] != "report"] + [c for c in commands if c[0] == "report"]:
        run = run_cli(*command)
        said = (command[0], run.returncode, run.stderr[-400:])
        assert "internal error" not in run.stderr and "Traceback" not in run.stderr, said
        # `report` writes report.html again from the vouched findings.json: the link is replaced, never written through
        assert run.returncode != 0 or (command[0], name) == ("report", "report.html"), said
    assert outside.read_bytes() == before and not (folder / name).is_symlink() if name == "report.html" else True


def _diff_folder(case: dict[str, Path], name: str, edit: Callable[[dict], None]) -> Path:
    """A diff of the case's scan against a scan of the same share (the copy still there: remaining), its diff.json
    edited and the manifest made again."""
    folder = case["root"] / f"diff-{name}"
    assert run_cli("diff", str(case["good"]), str(case["good"]), "--out", str(folder), "--quiet").returncode == 1
    doc = json.loads((folder / "diff.json").read_text(encoding="utf-8"))
    assert doc["verdict"] == "remaining"
    edit(doc)
    (folder / "diff.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    write_manifest(folder)
    return folder


DIFF_EDITS: dict[str, Callable[[dict], None]] = {
    "verdict-clean": lambda d: d.update(verdict="clean", verdict_reasons=[]),
    "verdict-list": lambda d: d.update(verdict=[1]),
    "entries-text": lambda d: d.update(entries="x"),
    "impossible-time": lambda d: d["baseline"].update(started="9999-99-99T00:00:00Z"),
    "counts-none": lambda d: d.update(counts=None),
    # review22c: the copies that remain marked accepted (no --accept list was given): clean was rendered and verified
    "accepted-forged": lambda d: (d.update(verdict="clean", verdict_reasons=[]),
                                  [e.update(accepted={"line": 1, "reason": "kept"}) for e in d["entries"]]),
    # ... or with an accept list whose line names another file
    "accepted-other-file": lambda d: (d.update(verdict="clean", verdict_reasons=[], accepted={
        "file": "a.tsv", "sha256": "0" * 64, "skipped": [], "lines": [
            {"line": 1, "path": "/elsewhere/x.xlsx", "sha256": "1" * 64, "reason": "kept", "status": "applied",
             "covers": 1}]}), [e.update(accepted={"line": 1, "reason": "kept"}) for e in d["entries"]]),
}


@pytest.mark.parametrize("name", list(DIFF_EDITS))
def test_a_hostile_diff_json_is_refused_and_never_shown_clean(name: str, case: dict[str, Path]) -> None:
    """Session 22: diff.json was read by no checker: an edited verdict ("clean" over copies that remain) or a field
    of another type was rendered by `leakscan report` into remediation.html (exit 0), the manifest made again, and
    verify then said every file matches; an impossible time crashed the report (internal error). A diff.json whose
    verdict does not follow from its own entries, or of another shape, is refused (report exit 2, verify exit 1)."""
    folder = _diff_folder(case, name, DIFF_EDITS[name])
    run = run_cli("report", str(folder))
    assert run.returncode == 2 and "error:" in run.stderr and "internal error" not in run.stderr, run.stderr
    assert "clean" not in (folder / "remediation.html").read_text(encoding="utf-8").split("data-verdict=")[1][:12]
    run = run_cli("verify", str(folder))
    assert run.returncode == 1 and "internal error" not in run.stderr, (run.stdout, run.stderr)
    assert "diff.json" in run.stdout, run.stdout


def _zip64_member(name: str, declared: int) -> bytes:
    """A zip whose one member ``name`` declares ``declared`` bytes in its ZIP64 extra field (a damaged or crafted
    archive as found on a PC: the central directory says what it likes)."""
    import io
    import struct
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, b"x" * 1000)
    data = bytearray(buf.getvalue())
    cd = data.find(b"PK\x01\x02")
    name_len = struct.unpack_from("<H", data, cd + 28)[0]
    extra = struct.pack("<HHQ", 1, 8, declared)
    struct.pack_into("<I", data, cd + 24, 0xFFFFFFFF)
    struct.pack_into("<H", data, cd + 30, len(extra))
    data[cd + 46 + name_len:cd + 46 + name_len] = extra
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<I", data, end + 12, struct.unpack_from("<I", data, end + 12)[0] + len(extra))
    return bytes(data)


def _tar_member(name: str, declared: int) -> bytes:
    """A GNU tar whose one member ``name`` declares ``declared`` bytes in base-256 (any size the 12-byte field holds,
    as GNU tar writes sizes over 8 GiB; here a damaged header)."""
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        info = tarfile.TarInfo(name)
        info.size = 600
        t.addfile(info, io.BytesIO(b"y" * 600))
    raw = bytearray(buf.getvalue())
    raw[124:136] = b"\x80" + declared.to_bytes(11, "big")
    raw[148:156] = b" " * 8
    raw[148:156] = b"%06o\0 " % sum(raw[:512])
    return bytes(raw)


def test_a_member_declaring_a_size_beyond_63_bits_keeps_the_case_readable(case: dict[str, Path]) -> None:
    """review22c: Session 22 bounded every integer of findings.json at 2^63-1, but a file's ``size`` is what its
    source declares: a zip member's ZIP64 size (unsigned 64 bits: 2^64-1 in a damaged archive) or a tar member's
    base-256 size (10^25), recorded by the scan as the too-large or bomb copy it is. The scan wrote the case, and
    then verify said OUTPUT INCONSISTENT, diff, merge, report and ``scan --baseline`` refused it (exit 2): the
    remediation of that case could never be checked (main afb90976 read it: verify 0, diff 1)."""
    root = case["root"] / "declared"
    src = root / "share"
    src.mkdir(parents=True)
    (src / "backup.zip").write_bytes(_zip64_member(LEAKED_NAME, (1 << 64) - 1))
    (src / "backup.tar").write_bytes(_tar_member(LEAKED_NAME, 10**25))
    out = root / "out"
    assert run_cli("scan", str(src), "--name", LEAKED_NAME, "--out", str(out), "--quiet").returncode == 1
    sizes = sorted(f["size"] for f in json.loads((out / "findings.json").read_text(encoding="utf-8"))["files"])
    assert sizes == [(1 << 64) - 1, 10**25], sizes  # recorded as declared (the scan's word; not changed here)
    verify = run_cli("verify", str(out))
    assert verify.returncode == 0 and "every file matches" in verify.stdout, (verify.stdout, verify.stderr)
    for command in (["report", str(out)], ["persons", str(out)],
                    ["merge", str(out), str(case["good"]), "--out", str(root / "merge")],
                    ["diff", str(out), str(case["after"]), "--out", str(root / "diff")],
                    ["scan", str(case["src"]), "--name", LEAKED_NAME, "--out", str(root / "rescan"), "--baseline",
                     str(out)]):
        run = run_cli(*command)
        assert run.returncode in (0, 1, 3) and "error:" not in run.stderr, (command, run.returncode, run.stderr[-400:])


def test_a_diff_with_an_accept_list_still_reports_and_verifies(case: dict[str, Path]) -> None:
    """The copy that remains, listed in an --accept file (kept on purpose): clean, and report and verify vouch for
    it (the check of accepted entries refuses only what no accept list applied)."""
    good = case["good"]
    hit = json.loads((good / "findings.json").read_text(encoding="utf-8"))["files"][0]
    accept = case["root"] / "accept.tsv"
    accept.write_text(f"{hit['path']}\t{hit['sha256']}\tkept on purpose\n", encoding="utf-8")
    folder = case["root"] / "diff-accepted"
    run = run_cli("diff", str(good), str(good), "--out", str(folder), "--accept", str(accept), "--quiet")
    assert run.returncode == 0, run.stderr
    assert run_cli("report", str(folder)).returncode == 0
    run = run_cli("verify", str(folder))
    assert run.returncode == 0 and "every file matches" in run.stdout, run.stdout


def test_a_rescans_diff_json_must_account_for_every_hit_beside_it(case: dict[str, Path]) -> None:
    """review22c: in a ``scan --baseline`` folder the copy that remains struck from diff.json's entries (counts made
    again, verdict clean, the manifest made again) was shown clean and verified: the entries agreed with themselves.
    A diff.json that names the findings.json beside it (``rescan.findings_sha256``) must hold an entry for each of
    its hits (that path and SHA-256, not removed); a true rescan folder still verifies."""
    kept = case["root"] / "rescan-kept"
    (case["src"] / LEAKED_NAME).write_bytes(client_list_xlsx(make_people(8)))  # the copy is back (or never went)
    try:
        run = run_cli("scan", str(case["src"]), "--name", LEAKED_NAME, "--out", str(kept), "--quiet",
                      "--baseline", str(case["good"]))
    finally:
        (case["src"] / LEAKED_NAME).unlink()
    assert run.returncode == 1, run.stderr
    assert run_cli("verify", str(kept)).returncode == 0
    doc = json.loads((kept / "diff.json").read_text(encoding="utf-8"))
    assert doc["verdict"] != "clean" and any(e["class"] != "removed" for e in doc["entries"])
    doc["entries"] = [e for e in doc["entries"] if e["class"] == "removed"]
    doc["counts"] = {c: sum(1 for e in doc["entries"] if e["class"] == c) for c in doc["counts"]}
    doc["leak_counts"] = {c: sum(1 for e in doc["entries"] if e["class"] == c and e["leak"]) for c in doc["counts"]}
    doc["lingering"] = []
    doc.update(verdict="clean", verdict_reasons=[])
    (kept / "diff.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    write_manifest(kept)
    run = run_cli("report", str(kept))
    assert run.returncode == 2 and "internal error" not in run.stderr, run.stderr
    run = run_cli("verify", str(kept))
    assert run.returncode == 1 and "diff.json" in run.stdout, run.stdout
