"""split12: session 11's small split-series leftovers: ``scan --resume --strict-complete`` on a scan started without
it was accepted and ignored (review11a #14); verify called a hit under a file system whose walk stopped ``missing``;
a case written before session 11 (``.001`` hashed alone) showed the untouched ``.001`` ``changed`` on a rescan."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli
from test_resume import _stopped_in

from scanner.demo import LEAKED_NAME, client_list_xlsx, make_people


def test_resume_refuses_strict_complete_the_scan_was_not_started_with(tmp_path: Path) -> None:
    start = tmp_path / "start"
    (start / "big").mkdir(parents=True)
    (start / "big" / LEAKED_NAME).write_bytes(client_list_xlsx(make_people(4, seed=5)))
    out = _stopped_in(start, "big", "--name", LEAKED_NAME)
    run = run_cli("scan", "--resume", str(out), "--strict-complete", "--quiet", cwd=start)
    assert run.returncode == 2, (run.returncode, run.stderr)
    assert "--strict-complete" in run.stderr and "Traceback" not in run.stderr, run.stderr
    done = run_cli("scan", "--resume", str(out), "--quiet", cwd=start)  # the state untouched by the refusal
    assert done.returncode == 1, done.stderr


def test_resume_accepts_strict_complete_the_scan_was_started_with(tmp_path: Path) -> None:
    start = tmp_path / "start"
    (start / "big").mkdir(parents=True)
    (start / "big" / LEAKED_NAME).write_bytes(client_list_xlsx(make_people(4, seed=5)))
    out = _stopped_in(start, "big", "--name", LEAKED_NAME, "--strict-complete")
    run = run_cli("scan", "--resume", str(out), "--strict-complete", "--quiet", cwd=start)
    assert run.returncode == 1, run.stderr


def test_verify_says_a_hit_under_a_file_system_whose_walk_stopped_was_not_walked_again(tmp_path: Path) -> None:
    """The rescan of verify --sources stops in a file system (the library fails mid-walk: "walk stopped", corrupt,
    split11): a hit after the stop was not looked for. It was called ``missing`` (gone); now unreadable, "not walked
    again" (as a walker's own walk-stopped already was)."""
    import json

    from conftest import run_leakscan
    from image_data import LEAKED, WALK_FAULTS, fat_image, leaked_workbook
    from remediation_data import with_case_key

    book = leaked_workbook(rows=5)
    image = fat_image(tmp_path / "disk.img", {f"/A/{LEAKED}": book, "/B/LEAKSCAN-WALK-OSERR.TXT": b"marker",
                                              f"/C/{LEAKED}": book})
    out = with_case_key(tmp_path / "out")
    done = run_leakscan("scan", str(image), "--name", LEAKED, "--out", str(out), "--quiet", timeout=300)
    assert done.returncode == 1, done.stderr  # no fault yet: both copies found
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(WALK_FAULTS, encoding="utf-8")
    run = run_leakscan("verify", str(out), "--sources", str(image), "--json", env={"PYTHONPATH": str(site)},
                       timeout=300)
    rows = {r["path"]: r for r in json.loads(run.stdout)["sources"]}
    after = [r for p, r in rows.items() if f"/C/{LEAKED}" in p]
    assert after, rows
    assert after[0]["status"] != "missing" and "not walked again" in after[0]["detail"], after


def test_a_baseline_from_before_session_11_shows_an_untouched_first_part_unchanged(tmp_path: Path) -> None:
    """A case written before Session 11 hashed ``X.7z.001`` alone; the rescan reads the series joined (the row's
    digests the joined archive's, the part's own in part_digests): the untouched ``.001`` showed ``changed``."""
    import json

    from image_data import leaked_workbook
    from remediation_data import load, remake_derived, with_case_key
    from test_split11_series import _seven, _split

    src = tmp_path / "src"
    src.mkdir()
    import hashlib

    seven = _seven(leaked_workbook(rows=6))
    parts = _split(src, "名簿一式.7z", seven)
    known = tmp_path / "known.txt"  # the archive as it was sent: its rows are hits in both scans
    known.write_text(hashlib.sha256(seven).hexdigest() + "\n", encoding="utf-8")
    base = with_case_key(tmp_path / "base")
    scan = ("scan", str(src), "--known-hashes", str(known), "--quiet")
    assert run_cli(*scan, "--out", str(base)).returncode == 1
    doc = load(base)
    [row] = [f for f in doc["files"] if f["path"] == str(parts[0])]
    own = row["annotations"].pop("part_digests")  # as an old case wrote it: the part hashed alone
    joined = row["sha256"]
    row.update(size=own["size"], md5=own["md5"], sha1=own["sha1"])
    if not row["annotations"]:
        del row["annotations"]
    text = json.dumps(doc, ensure_ascii=False, indent=2).replace(joined, own["sha256"])  # the counted file's too
    (base / "findings.json").write_text(text, encoding="utf-8")
    remake_derived(base)
    again = with_case_key(tmp_path / "again", base)
    run = run_cli(*scan, "--out", str(again), "--baseline", str(base))
    assert run.returncode in (0, 1), run.stderr
    entries = {e["path"]: e for e in load(again, "diff.json")["entries"]}
    assert entries[str(parts[0])]["class"] == "remaining", entries[str(parts[0])]
