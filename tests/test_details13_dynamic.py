"""Session 13: the dynamic check the static guard (tests/test_detail_guard.py) lacks. A real scan of damaged files
(the damaged demo's formats, cut and flipped: workbooks, CSVs, archives, a FAT image and its E01, a shortcut and a
jump list; a split 7z series without its first part under a hostile name; a --reference that cannot be read) is
walked: EVERY detail findings.json holds (skipped, hits' status details, persons file rows, the never-listed
places, source errors, volume notes) has its codes recorded, each part said by a code (no ``{"text"}`` part), and
no ``library-error`` names as its "exception" a lower-case word (our own words read back as a library's error);
the Japanese report shows no English reason sentence outside quoted library text, paths and codes; skipped.csv
says each reason in Japanese too. An English sentence handed on through a variable, a join or a helper (what the
static guard cannot see) fails here."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.demo import LEAKED_NAME, build_share
from scanner.details import Detail, params_of
from tests.conftest import ROOT
from tests.remediation_data import _drop_dac
from tests.test_damaged_demo import SEED, mutants, originals
from tests.test_review12g import HOSTILE, _seven

KEEP = ("cut35", "flip8", "mixed-line")  # one cut, one flip (and a CSV's mixed encodings) per format: fast
SKIP_FORMATS = ("7z-ppmd",)  # its crashes are test_damaged_demo's; 7z-lzma stands for 7z here
_CODES = {d.value: d for d in Detail}
_LOWER_WORD = re.compile(r"[a-z]+")
# two English words in a row (jawords13: three let "split file" and "not here as a regular file"'s tail... pass)
ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,})+\b")
WORDS_3 = re.compile(r"\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}\b")  # outside a detail: three in a row
NAMES = ("The Sleuth Kit",)  # product names said as they are in the Japanese words


def _damaged(share: Path, work: Path) -> None:
    for fmt, make in originals(share, work).items():
        if fmt in SKIP_FORMATS:
            continue
        ext, data = make()
        rng = random.Random(f"{SEED}-{fmt}")
        for how, bad in mutants(fmt, data, rng):
            if how in KEEP:
                path = share / "ZZ_damaged" / fmt / f"{how}{ext}"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(bad)
    _damaged_parts(share / "ZZ_parts", work)
    data = _seven()
    n = len(data) // 3 + 1
    for i in (1, 2):  # a 7z series without its part .001, named with detail words
        (share / "ZZ_split" / f"{HOSTILE}.7z.{i + 1:03d}").parent.mkdir(parents=True, exist_ok=True)
        (share / "ZZ_split" / f"{HOSTILE}.7z.{i + 1:03d}").write_bytes(data[i * n:(i + 1) * n])


def _damaged_parts(folder: Path, work: Path) -> None:
    """What the damaged demo does not hold: a workbook whose pivot cache is cut or indexes past its items, an address
    book cut inside a card, a GPT disk whose primary table is damaged (read from its backup: volume notes)."""
    import shutil

    from tests.image_data import e01, ext_image, partitioned_disk, write_tree
    from tests.pii_data import people, standard
    from tests.test_caches import PS, RECORDS, pivot_book, recut, summary

    folder.mkdir(parents=True)
    book = pivot_book({"集計": summary(PS)}, standard(PS))
    (folder / "pivot-cut.xlsx").write_bytes(recut(book, RECORDS, lambda d: d[:len(d) // 2]))
    (folder / "pivot-index.xlsx").write_bytes(recut(book, RECORDS, lambda d: re.sub(
        rb'<r><n v="1"/><x v="\d+"/>', b'<r><n v="1"/><x v="99999"/>', d, count=1)))
    cards = "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{p.name}\r\nADR:;;{p.address};;;;\r\nEND:VCARD\r\n"
                    for p in people(6, seed=13))
    (folder / "cut.vcf").write_bytes(cards.encode()[:len(cards.encode()) * 2 // 3])
    # jawords13: an EWF set whose second segment is missing (media-file-missing: its byte range and kind said),
    # and a split CSV whose middle part stands there as a FIFO (said apart from the names, never inside them)
    (work / "z.raw").write_bytes(bytes(3 << 20))
    e01(work / "z.raw", work / "seg", segment="1MiB")
    (folder / "ewf").mkdir()
    for seg in sorted(work.glob("seg.E0*")):
        if seg.name != "seg.E02":
            shutil.copyfile(seg, folder / "ewf" / seg.name)
    rows = "".join(f"{i},item{i},{i * 7}\n" for i in range(3000)).encode()
    cut = len(rows) // 4 + 1
    (folder / "fifo").mkdir()
    for k in (1, 3, 4):
        (folder / "fifo" / f"stock.csv.{k:03d}").write_bytes(rows[(k - 1) * cut:k * cut])
    os.mkfifo(folder / "fifo" / "stock.csv.002")
    one = ext_image(work / "one.img", write_tree(work / "t1", {"first.txt": b"first\n"}), 1, "ext2")
    gpt = work / "gpt.img"
    partitioned_disk(gpt, [(one, "0FC63DAF-8483-4772-8E79-3D69D8477DE4")], label="gpt")
    shutil.copy(gpt, folder / "gpt-entry-flipped.img")
    with open(folder / "gpt-entry-flipped.img", "r+b") as f:  # p1's first LBA overwritten: read from the backup
        f.seek(1024 + 32)
        f.write(b"\xff\xff")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("details13")
    share = root / "share"
    build_share(share)
    (root / "work").mkdir()
    _damaged(share, root / "work")
    refused = share / "ZZ_refused"  # a folder and a file the OS refuses (mode 000, scanned without CAP_DAC_*):
    refused.mkdir()  # the OS-error sites (their errno said in words)
    (refused / "inside.csv").write_text("x\n", encoding="utf-8")
    (share / "ZZ_refused.csv").write_text("x\n", encoding="utf-8")
    for p in (refused, share / "ZZ_refused.csv"):
        p.chmod(0)
    reference = root / "ref" / LEAKED_NAME
    reference.parent.mkdir()
    reference.write_bytes(b"PK\x03\x04" + b"\x00" * 60)  # a --reference that is no workbook: a persons file row
    out = root / "out"
    try:
        done = subprocess.run([sys.executable, str(ROOT / "scan.py"), "scan", str(share), "--name", LEAKED_NAME,
                               "--reference", str(reference), "--out", str(out), "--quiet", "--parse-timeout", "20",
                               "--lang", "ja"], capture_output=True, text=True, timeout=600, cwd=ROOT,
                              preexec_fn=_drop_dac if os.geteuid() == 0 else None)
    finally:
        for p in (refused, share / "ZZ_refused.csv"):
            p.chmod(0o700)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert done.returncode in (1, 3), (done.returncode, done.stderr[-3000:])
    return out, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def details(doc: dict[str, Any]) -> Iterator[tuple[str, str, object]]:
    """(where, text, recorded codes) of every detail of a findings document."""
    for s in doc.get("skipped") or []:
        yield "skipped " + str(s.get("path")), s.get("detail") or "", s.get("detail_codes")
    for f in doc.get("files") or []:
        if f.get("status_detail"):
            yield "file " + str(f.get("path")), f["status_detail"], f.get("status_detail_codes")
    for f in (doc.get("persons") or {}).get("files") or []:
        if f.get("detail"):
            yield "persons file " + str(f.get("path")), f["detail"], f.get("detail_codes")
    scan = doc.get("scan") or {}
    for u in (scan.get("incomplete") or {}).get("unlisted") or []:
        if u.get("detail"):
            yield "unlisted " + str(u.get("path")), u["detail"], u.get("detail_codes")
    for e in scan.get("source_errors") or []:
        yield "source error " + str(e.get("source")), e.get("error") or "", e.get("error_codes")
    for s in scan.get("source_details") or []:
        for v in s.get("volumes") or []:
            if v.get("detail"):
                yield f"volume {s.get('source')} {v.get('name')}", v["detail"], v.get("detail_codes")
            if v.get("note"):
                yield f"volume note {s.get('source')} {v.get('name')}", v["note"], v.get("note_codes")


def escapes(codes: object, where: str = "") -> Iterator[str]:
    """What in recorded codes is not said by a code: a missing list, a ``{"text"}`` part, an unknown code, a
    library error whose exception is a lower-case word (our own words read back), in a nested detail too."""
    if not isinstance(codes, list) or not codes:
        yield f"{where}: no codes recorded"
        return
    for item in codes:
        code = item.get("code") if isinstance(item, dict) else None
        if code not in _CODES:
            yield f"{where}: a part no code says: {item!r}"[:400]
            continue
        if code == Detail.LIBRARY_ERROR and _LOWER_WORD.fullmatch(str(item.get("error"))):
            yield f"{where}: our own words read as a library's error {item.get('error')!r}"
        for name, kind in params_of(_CODES[code]).items():
            if kind == "detail":
                yield from escapes(item.get(name), f"{where} > {code}.{name}")


def english_runs(html: str) -> list[str]:
    """English sentences of a Japanese report outside quoted library text, paths, codes, styles and scripts: three
    English words in a row anywhere (rule names, commands and the evidence's own words are in <code> or are a pair);
    in a detail's words (``<span class="said">``, reports.details) two in a row, a parameter's plain <code> read
    too (jawords13: our English handed in as a parameter, "(bytes A to B of the media)", "FAT12 file system", was
    never looked at); only the library text quoted below a detail (``<code class="lib">``) is left out there."""
    text = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.DOTALL)
    said = re.findall(r'<span class="said">(.*?)</span>', text, flags=re.DOTALL)
    text = re.sub(r"<code[^>]*>.*?</code>", " ", text, flags=re.DOTALL)
    text = re.sub(r'<(td|span) class="path">.*?</\1>', " ", text, flags=re.DOTALL)
    lines = re.sub(r"<[^>]+>", "\n", text).split("\n")
    for name in NAMES:
        lines = [line.replace(name, " ") for line in lines]
    runs = {line.strip()[:200] for line in lines if WORDS_3.search(line)}
    for words in said:
        words = re.sub(r'<code class="lib">.*?</code>', " ", words, flags=re.DOTALL)
        words = re.sub(r"<[^>]+>", " ", words)
        for name in NAMES:
            words = words.replace(name, " ")
        if ENGLISH_SENTENCE.search(words):
            runs.add(words.strip()[:200])
    return sorted(runs)


def test_the_check_sees_an_escape() -> None:
    assert list(escapes([{"text": "lnk artefact: OSError"}]))
    assert list(escapes([{"code": "library-error", "error": "format", "library": "x"}]))
    assert list(escapes([{"code": "artefact-problem", "kind": "lnk", "why": [{"text": "OSError"}]}]))
    assert list(escapes(None))
    assert not list(escapes([{"code": "library-error", "error": "BadZipFile", "library": "x"}]))
    assert english_runs("<td>runs past the end of the image</td>") and not english_runs(
        '<td>壊れています<br><small><code class="lib">unable to open volume</code></small></td>')
    # jawords13: our English as a parameter (in a plain <code>), two words in a row; names, codes and numbers pass
    assert english_runs('<td><span class="said">読めません<code>(bytes 1 to 2 of the media)</code></span></td>')
    assert english_runs('<td><span class="said">split file の 1 番目の部分</span></td>')
    assert not english_runs('<td><span class="said">アクセス権がありません（<code>EACCES</code>）<code>名簿.zip.002</code>'
                            '<code>OLE2</code>、<code>8,355,840</code></span><br><small><code class="lib">Permission '
                            'denied</code></small></td>')


def test_every_detail_of_a_damaged_scan_is_said_by_codes(scanned: tuple[Path, dict[str, Any]]) -> None:
    _, doc = scanned
    seen = list(details(doc))
    kinds = {where.split(" ")[0] for where, _, _ in seen}
    assert {"skipped", "file", "persons", "unlisted", "volume"} <= kinds, kinds
    found = [e for where, _, codes in seen for e in escapes(codes, where)]
    assert not found, f"{len(found)} detail(s) not said by codes:\n" + "\n".join(found[:40])


def test_no_personal_value_and_no_raw_hostile_name_in_a_detail(scanned: tuple[Path, dict[str, Any]]) -> None:
    _, doc = scanned
    codes = json.dumps([c for _, _, c in details(doc)], ensure_ascii=False)
    from tests.pii_data import people
    from tests.test_caches import PS

    for value in ("090-", "東京都", "大阪府"):  # the demo's people's phones and addresses
        assert value not in codes
    for p in [*people(6, seed=13), *PS]:  # the address book's and the pivot cache's people
        assert p.name not in codes and p.address not in codes and p.phone not in codes
    split = [c for where, _, c in details(doc) if "ZZ_split" in where]
    assert split and all(not {"directory-not-readable", "lost-after-failing"}
                         & {i.get("code") for i in c if isinstance(i, dict)} for c in split)


def test_the_japanese_report_says_no_reason_in_english(scanned: tuple[Path, dict[str, Any]]) -> None:
    out, _ = scanned
    runs = english_runs((out / "report.html").read_text(encoding="utf-8"))
    assert not runs, f"{len(runs)} English sentence(s) in the Japanese report:\n" + "\n".join(runs[:30])


def test_skipped_csv_says_each_reason_in_japanese(scanned: tuple[Path, dict[str, Any]]) -> None:
    out, doc = scanned
    rows = list(csv.DictReader(io.StringIO((out / "skipped.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == len(doc["skipped"]) and rows
    for row in rows:
        assert row["detail_codes"] and row["detail_ja"], row
        words = re.sub(r"「[^」]*」", " ", row["detail_ja"])
        assert not ENGLISH_SENTENCE.search(words), row["detail_ja"]


def test_the_scan_reached_the_os_error_sites(scanned: tuple[Path, dict[str, Any]]) -> None:
    """The refused folder and file (mode 000, no CAP_DAC_*: EACCES for root too) are listed by their errno: the
    OS-error sites are among those the checks above walk (review13g #7: a root scan never reached them)."""
    out, doc = scanned
    codes = {Path(s["path"]).name: s.get("detail_codes") for s in doc["skipped"]}
    assert codes.get("ZZ_refused") == [{"code": "directory-os-error", "errno": "EACCES",
                                        "library": "Permission denied"}], codes.get("ZZ_refused")
    assert [c.get("code") for c in codes.get("ZZ_refused.csv") or []] == ["os-error"], codes.get("ZZ_refused.csv")
    assert "アクセス権がありません（<code>EACCES</code>）" in (out / "report.html").read_text(encoding="utf-8")
    said = {c.get("code") for _, _, c in details(doc) for c in (c or []) if isinstance(c, dict)}
    assert "media-file-missing" in said, sorted(c for c in said if c)  # the EWF set's missing segment
    fifo = [c for where, _, c in details(doc) if "stock.csv" in where]
    assert "series-parts-not-regular" in json.dumps(fifo), fifo


def test_os_errors_worker_endings_and_exception_names_are_said_in_japanese() -> None:
    """An OS error is its errno's name (Japanese words) with the OS text quoted; a worker's ending in words
    ("unknown cause", "unkillable") is said in Japanese; a parser's exception type alone is a code."""
    from reports.details import detail_text
    from scanner.details import codes_of, os_error, say

    denied = os_error(PermissionError(13, "Permission denied"))
    assert str(denied) == "OS error EACCES: Permission denied"
    assert codes_of(str(denied)) == codes_of(denied) == [{"code": "os-error", "errno": "EACCES",
                                                          "library": "Permission denied"}]
    assert detail_text(denied, "unreadable", "ja", codes_of(denied)).endswith("アクセス権がありません（EACCES）「Permission denied」")
    assert codes_of(os_error(OSError("no errno")))[0]["code"] == "library-error"
    for how, words in (("unknown cause", "原因不明"), ("unkillable", "停止できない")):
        said = say(Detail.WORKER_DIED, how=how, doing="while reading", gib=2)
        assert words in detail_text(said, "corrupt", "ja", codes_of(said))
    raised = say(Detail.ARTEFACT_PROBLEM, kind="lnk", why=say(Detail.RAISED, error="OSError"))
    assert not list(escapes(codes_of(raised))) and not list(escapes(codes_of(str(raised))))


def test_a_hostile_part_name_is_quoted_and_escaped_never_said() -> None:
    """A split series' part names are the evidence's file names: quoted as library text (escaped, control and bidi
    characters shown), never read as detail words, in the Japanese report."""
    from reports.details import detail_html
    from reports.html import visible
    from scanner.details import codes_of, join_details, say

    name = f"<script>x</script>; {HOSTILE}\u202e.7z"
    problem = join_details([say(Detail.SERIES_FIRST_MISSING, part=f"{name}.001"),
                            say(Detail.SERIES_PARTS_MISSING, parts=f"{name}.003")])
    said = say(Detail.SPLIT_SERIES_INCOMPLETE, n=2, kind="7z", whole=name, problem=problem,
               seen=say(Detail.SPLIT_NOT_EXAMINED))
    codes = codes_of(said)
    assert [c["code"] for c in codes[0]["problem"]] == ["series-first-missing", "series-parts-missing"]
    assert not list(escapes(codes))
    html = str(detail_html(said, "unsupported", "ja", visible, codes))
    assert "<script>" not in html and "&lt;script&gt;" in html and "\u202e" not in html
    said_part = html.split('<br>')[0]
    assert "directory" not in said_part and "最初の部分がありません" in said_part


def test_a_case_recorded_before_the_problem_was_coded_is_still_said() -> None:
    """Codes recorded by the previous version: the split series' problem (and a task's failure) were a library's
    message (a text); the Japanese report reads that text back and says its parts, never drops it."""
    from reports.details import detail_html, detail_text
    from reports.html import visible

    old = [{"code": "split-series-incomplete", "n": 2, "kind": "7z", "whole": "backup.7z",
            "problem": "part backup.7z.001 missing; missing: backup.7z.004", "seen": [{"code": "split-not-examined"}]}]
    text = ("part 2 of a 7z (backup.7z) whose parts are not all here (part backup.7z.001 missing; missing: "
            "backup.7z.004): not joined; its content was not examined; find the missing parts, put them beside the "
            "others and scan again")
    html = str(detail_html(text, "unsupported", "ja", visible, old))
    assert "最初の部分がありません" in html and "足りない部分があります" in html and "backup.7z.004" in html
    assert "最初の部分がありません" in detail_text(text, "unsupported", "ja", old)
    task = [{"code": "task-failed-every-try", "why": "KilledWorker: the workers running it died each time"}]
    assert "毎回停止しました" in detail_text("the task failed on every try (KilledWorker: ...)", "corrupt", "ja", task)
