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
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.demo import LEAKED_NAME, build_share
from scanner.details import Detail, params_of
from tests.conftest import run_leakscan
from tests.test_damaged_demo import SEED, mutants, originals
from tests.test_review12g import HOSTILE, _seven

KEEP = ("cut35", "flip8", "mixed-line")  # one cut, one flip (and a CSV's mixed encodings) per format: fast
SKIP_FORMATS = ("7z-ppmd",)  # its crashes are test_damaged_demo's; 7z-lzma stands for 7z here
_CODES = {d.value: d for d in Detail}
_LOWER_WORD = re.compile(r"[a-z]+")
ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}\b")  # three English words in a row
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
    data = _seven()
    n = len(data) // 3 + 1
    for i in (1, 2):  # a 7z series without its part .001, named with detail words
        (share / "ZZ_split" / f"{HOSTILE}.7z.{i + 1:03d}").parent.mkdir(parents=True, exist_ok=True)
        (share / "ZZ_split" / f"{HOSTILE}.7z.{i + 1:03d}").write_bytes(data[i * n:(i + 1) * n])


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("details13")
    share = root / "share"
    build_share(share)
    (root / "work").mkdir()
    _damaged(share, root / "work")
    reference = root / "ref" / LEAKED_NAME
    reference.parent.mkdir()
    reference.write_bytes(b"PK\x03\x04" + b"\x00" * 60)  # a --reference that is no workbook: a persons file row
    out = root / "out"
    done = run_leakscan("scan", str(share), "--name", LEAKED_NAME, "--reference", str(reference), "--out", str(out),
                        "--quiet", "--parse-timeout", "20", "--lang", "ja", timeout=600)
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
    """English sentences of a Japanese report outside quoted library text, paths, codes, styles and scripts."""
    text = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.DOTALL)
    text = re.sub(r"<code[^>]*>.*?</code>", " ", text, flags=re.DOTALL)
    text = re.sub(r'<(td|span) class="path">.*?</\1>', " ", text, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", "\n", text)
    for name in NAMES:
        text = text.replace(name, " ")
    return sorted({line.strip()[:200] for line in text.split("\n") if ENGLISH_SENTENCE.search(line)})


def test_the_check_sees_an_escape() -> None:
    assert list(escapes([{"text": "lnk artefact: OSError"}]))
    assert list(escapes([{"code": "library-error", "error": "format", "library": "x"}]))
    assert list(escapes([{"code": "artefact-problem", "kind": "lnk", "why": [{"text": "OSError"}]}]))
    assert list(escapes(None))
    assert not list(escapes([{"code": "library-error", "error": "BadZipFile", "library": "x"}]))
    assert english_runs("<td>runs past the end of the image</td>") and not english_runs(
        "<td>壊れています<code>unable to open volume</code></td>")


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
    for value in ("090-", "東京都", "大阪府"):  # the demo's people's phones and addresses
        assert value not in codes
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
