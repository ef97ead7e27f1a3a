"""Acceptance: what an examiner reads in the reports and on the terminal after real scans.

Each test reproduces something found by running leakscan as a first-time user: English left in the
Japanese report, a false "extension does not fit" on every password-protected workbook, a Japanese
list separator in the English report, "None" shown for a merged count, and Ctrl-C without a hint.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, run_leakscan
from msoffcrypto.format.ooxml import OOXMLFile

from reports.html import render_report
from scanner.demo import client_list_xlsx, make_people
from scanner.timeutil import to_jst

LEAKED = "見守り対象者名簿.xlsx"


def _text(html: str) -> str:
    """The report as a person reads it: tags dropped, entities of interest decoded."""
    return re.sub(r"<[^>]+>", " ", html).replace("&amp;", "&")


def _share(root: Path) -> Path:
    people = make_people(30, seed=7)
    book = client_list_xlsx(people)
    (root / "PC01").mkdir(parents=True)
    (root / "PC01" / LEAKED).write_bytes(book)
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(book)).encrypt("secret", encrypted)
    (root / "PC02").mkdir()
    (root / "PC02" / LEAKED).write_bytes(encrypted.getvalue())
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"2019/{LEAKED}", book)
    (root / "PC03").mkdir()
    (root / "PC03" / "backup.zip").write_bytes(archive.getvalue())
    (root / "PC03" / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    os.mkfifo(root / "PC03" / "pipe")
    return root


@pytest.fixture(scope="module")
def share(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The share (read by every scan, changed by none), built once for the module."""
    return _share(tmp_path_factory.mktemp("acceptance") / "share")


@pytest.fixture(scope="module")
def scanned(share: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """``scan SHARE --name LEAKED --quiet``, run once: (its output folder, the finished process)."""
    out = tmp_path_factory.mktemp("scanned") / "out"
    return out, run_leakscan("scan", str(share), "--name", LEAKED, "--out", str(out), "--quiet")


@pytest.fixture(scope="module")
def scanned_pc01(share: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``scan SHARE/PC01 --name LEAKED --quiet`` (the workbook alone), run once: its output folder."""
    out = tmp_path_factory.mktemp("scanned-pc01") / "out"
    done = run_leakscan("scan", str(share / "PC01"), "--name", LEAKED, "--out", str(out), "--quiet")
    assert done.returncode == 1, done.stderr
    return out


def test_japanese_report_has_no_english_left_in_sources_skips_and_times(scanned: tuple) -> None:
    out, done = scanned
    assert done.returncode == 1, done.stderr
    text = _text((out / "report.html").read_text(encoding="utf-8"))
    for english in ("read-only logical walk", "local time of the computer", "but content is", " special-file ",
                    " corrupt ", " encrypted "):
        assert english not in text, english
    for japanese in ("フォルダー", "読み取り専用で走査", "書庫を作った PC の現地時刻", "特殊ファイル", "破損・読取不能",
                     "暗号化（パスワード保護）"):
        assert japanese in text, japanese


def test_encrypted_workbook_is_not_a_disguised_file(scanned: tuple) -> None:
    """A password-protected .xlsx is an OLE2 container: libmagic says "CDFV2 Encrypted", which is normal."""
    import json

    out = scanned[0]
    files = json.loads((out / "findings.json").read_text(encoding="utf-8"))["files"]
    enc = [f for f in files if f["status"] == "encrypted"]
    assert enc and "Encrypted" in enc[0]["type"]
    assert enc[0]["type_mismatch"] is None


def test_english_report_lists_kinds_of_data_with_english_commas(share: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_leakscan("scan", str(share), "--name", LEAKED, "--out", str(out), "--quiet", "--lang", "en")
    html = (out / "report.html").read_text(encoding="utf-8")
    row = re.search(r"Kinds of personal data</th><td>(.*?)</td>", html)
    assert row and "name, " in row.group(1) and "、" not in row.group(1)


def test_merged_scans_never_show_none_for_the_exact_count(share: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(mode=0o700)
    b.mkdir(mode=0o700)
    (a / "case.key").write_bytes(os.urandom(32).hex().encode() + b"\n")
    (b / "case.key").write_bytes((a / "case.key").read_bytes())
    for folder, src in ((a, share / "PC01"), (b, share / "PC03")):
        os.chmod(folder / "case.key", 0o600)
        done = run_leakscan("scan", str(src), "--name", LEAKED, "--out", str(folder), "--quiet")
        assert done.returncode == 1, done.stderr
    merged = tmp_path / "m"
    done = run_leakscan("merge", str(a), str(b), "--out", str(merged))
    assert done.returncode == 1, done.stderr
    assert "None" not in done.stderr
    text = _text((merged / "report.html").read_text(encoding="utf-8"))
    assert " None " not in text and "None件" not in text and "None" not in text


def test_zero_merges_are_shown_as_zero_not_minus_zero(scanned_pc01: Path) -> None:
    html = (scanned_pc01 / "report.html").read_text(encoding="utf-8")
    merges = html[html.index('id="persons-merges"'):]
    merges = merges[:merges.index("</table>")]
    assert "−0<" not in merges and ">0</td>" in merges


def test_failed_person_count_is_not_reported_as_none(scanned_pc01: Path) -> None:
    import json

    doc = json.loads((scanned_pc01 / "findings.json").read_text(encoding="utf-8"))
    doc.pop("persons")
    doc["persons_error"] = "ValueError: counting persons failed (run with -v for details)"
    html = render_report(doc, "ja")
    row = re.search(r"本人の数</th><td>(.*?)</td>", html, re.S)
    assert row and "集計できませんでした" in row.group(1)


def test_ctrl_c_says_how_to_resume(tmp_path: Path) -> None:
    share = tmp_path / "share"
    for i in range(30):
        (share / f"d{i}").mkdir(parents=True)
        (share / f"d{i}" / f"住所録_{i}.txt").write_text(f"memo {i}\n", encoding="utf-8")
    out = tmp_path / "out"
    env = {**os.environ, "LEAKSCAN_TEST_HOOK_DELAY_PER_FILE": "0.2"}
    proc = subprocess.Popen([sys.executable, str(ROOT / "scan.py"), "scan", str(share), "--name", LEAKED,
                             "--out", str(out), "--quiet"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not (out / "scan-state.sqlite").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and f"leakscan scan --resume {out}" in lines[0], err


def test_breach_date_range_keeps_local_zip_times_apart_from_utc(scanned: tuple) -> None:
    """A zip member's MS-DOS time is local wall-clock time: it must not be shown as a UTC bound."""
    out = scanned[0]
    html = (out / "report.html").read_text(encoding="utf-8")
    row = re.search(r"コピーの更新日時の範囲（日本時間）: ([^<]+?) – ([^<]+?)<br>同（FAT・zip の PC の現地時刻）: ([^<]+?) – ([^<]+?)<",
                    html)
    assert row, html[html.index("breach-table"):][:1500]
    files = json.loads((out / "findings.json").read_text(encoding="utf-8"))["files"]
    utc = sorted(f["mtime"] for f in files if f["mtime"] and f["mtime"].endswith("Z") and "name" in f["reasons"])
    local = sorted(f["mtime"] for f in files if f["mtime"] and not f["mtime"].endswith("Z"))
    assert local and utc
    assert (row.group(1), row.group(2)) == (to_jst(utc[0]).removesuffix(" JST"), to_jst(utc[-1]).removesuffix(" JST"))
    assert (row.group(3), row.group(4)) == (local[0].replace("T", " "), local[-1].replace("T", " "))


def test_e01_acquisition_record_and_deleted_copy_are_in_the_report(tmp_path: Path) -> None:
    """The examiner must see who acquired the image (E01 headers) and which copy was deleted (削除済み)."""
    from image_data import e01, fat_image

    book = client_list_xlsx(make_people(10, seed=11))
    raw = fat_image(tmp_path / "pc08.raw", {f"/Users/staff/{LEAKED}": book},
                    deleted={"/Users/staff/見守り対象者名簿 - コピー.xlsx": book})
    image = e01(raw, tmp_path / "pc08")
    out = tmp_path / "out"
    done = run_leakscan("scan", str(image), "--name", LEAKED, "--out", str(out), "--quiet")
    assert done.returncode == 1, done.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    sources = _text(html[html.index('id="sources"'):html.index('id="tool"')])
    assert "取得時の記録 事案番号: 2026-001" in sources and "取得者: examiner" in sources
    deleted_rows = re.findall(r'<tr class="hit deleted[^>]*>.*?</tr>', html, re.S)
    assert len(deleted_rows) == 1 and "削除済み" in deleted_rows[0] and "コピー" in deleted_rows[0]


def test_removed_class_and_deleted_badge_use_different_words(tmp_path: Path) -> None:
    """On an image rescan "削除済み 0" sat above rows badged 削除済み (deleted but recoverable, so remaining)."""
    from image_data import fat_image

    book = client_list_xlsx(make_people(10, seed=12))
    raw = fat_image(tmp_path / "pc.raw", {f"/Users/staff/{LEAKED}": book},
                    deleted={"/Users/staff/見守り対象者名簿 - コピー.xlsx": book})
    base, again = tmp_path / "base", tmp_path / "again"
    run_leakscan("scan", str(raw), "--name", LEAKED, "--out", str(base), "--quiet")
    done = run_leakscan("scan", str(raw), "--name", LEAKED, "--out", str(again), "--baseline", str(base), "--quiet")
    assert done.returncode == 1, done.stderr
    html = (again / "remediation.html").read_text(encoding="utf-8")
    removed_label = re.search(r'<tr><th>([^<]*)</th><td id="count-removed">', html).group(1)
    assert "削除済み" in html  # the deleted copy's badge
    assert "削除済み" not in removed_label


def test_person_count_warns_when_a_leaked_copy_could_not_be_read(share: Path, tmp_path: Path) -> None:
    """An encrypted copy found by name is in the leak set but its persons are unknown: say so by the number."""
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--name", LEAKED, "--out", str(out))
    assert "NOT counted: 1 leaked file(s)" in done.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    row = re.search(r"本人の数</th><td>(.*?)</td>", html, re.S)
    assert row and "読み取れなかったコピー 1 件" in row.group(1)


def test_scope_differences_are_in_words_not_python_values(share: Path, scanned_pc01: Path, tmp_path: Path) -> None:
    a, b = scanned_pc01, tmp_path / "b"
    run_leakscan("scan", str(share / "PC01"), "--name", LEAKED, "--name", "別.xlsx", "--no-keywords",
                 "--out", str(b), "--quiet")
    done = run_leakscan("diff", str(a), str(b), "--out", str(tmp_path / "d"), "--quiet")
    assert done.returncode == 1, done.stderr
    html = (tmp_path / "d" / "remediation.html").read_text(encoding="utf-8")
    scope = _text(html[html.index('id="scope"'):html.index('id="counts"')])
    assert "探索したファイル名" in scope and f"{LEAKED}、別.xlsx" in scope
    assert "はい" in scope and "いいえ" in scope
    for raw in ("use_keywords", "True", "False", "['"):
        assert raw not in scope, raw


def test_merge_with_different_case_keys_explains_in_japanese_and_shows_each_count(share: Path, scanned_pc01: Path,
                                                                                   tmp_path: Path) -> None:
    a, b = scanned_pc01, tmp_path / "b"
    run_leakscan("scan", str(share / "PC03"), "--name", LEAKED, "--out", str(b), "--quiet")
    done = run_leakscan("merge", str(a), str(b), "--out", str(tmp_path / "m"), "--quiet")
    assert done.returncode == 1, done.stderr
    html = (tmp_path / "m" / "report.html").read_text(encoding="utf-8")
    assert "not combined" not in html
    row = re.search(r"本人の数</th><td>(.*?)</td>", html, re.S)
    assert row and "統合していません" in row.group(1)  # not "なし": each scan did count persons
    merge = html[html.index('id="merge"'):]
    counts = re.findall(r'<td class="num">(\d+)</td><td class="num">(\d+|-)</td></tr>', merge)
    assert [c[1] for c in counts] == ["30", "30"]


def test_masked_review_table_says_how_to_see_the_spellings(scanned_pc01: Path) -> None:
    """Masked, both spellings of a merged pair read "山田 **": the examiner needs to know how to compare them."""
    html = (scanned_pc01 / "report.html").read_text(encoding="utf-8")
    section = html[html.index('id="persons"'):]
    assert "--unmask を付けて同じスキャンを別の出力フォルダーに実行" in section
