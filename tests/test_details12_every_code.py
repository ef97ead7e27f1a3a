"""Session 12 audit: a case holding every detail code once (a skipped entry each, its codes recorded as said) is
rendered in Japanese and English. In Japanese every row says its reason in Japanese from its code (no label missing,
no part left unexplained, no English sentence outside a quoted library message); the banner's never-listed places
and a source error too. In English each row shows the text findings.json records."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from conftest import run_cli

from reports import lists
from reports.html import render_report, visible
from reports.labels import Labels
from scanner import completeness
from scanner.details import Detail, codes_of, params_of, say

SAMPLE = {"d": 3, "list": ["cp932", "utf-8"], "word": "zip", "exc": "BadZipFile", "name": "p1/vss1",
          "lib": "LIBMSG unable to open volume", "mail": "mbox", "archive": "7z"}
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}\b")  # three English words in a row
OPTIONS_SAID = ("--archive-depth", "--password-file", "--verify-images", "--luks-passphrase", "--bitlocker-recovery-key",
                "--bitlocker-startup-key", "--apfs-password", "--max-inspect-mb")


def _said(code: Detail) -> str:
    params: dict[str, Any] = {}
    for name, kind in params_of(code).items():
        params[name] = say(Detail.PASSWORD_NEEDED) if kind == "detail" else SAMPLE[kind]
    return say(code, **params)


@pytest.fixture(scope="module")
def every_code(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("every")
    (root / "share").mkdir()
    (root / "share" / "memo.txt").write_text("nothing here\n", encoding="utf-8")
    done = run_cli("scan", str(root / "share"), "--name", "名簿.xlsx", "--out", str(root / "case"), "--quiet")
    assert done.returncode in (0, 1), done.stderr
    doc = json.loads((root / "case" / "findings.json").read_text(encoding="utf-8"))
    source = doc["scan"]["sources"][0]
    doc["skipped"] = []
    for i, code in enumerate(Detail):
        text = _said(code)
        doc["skipped"].append({"path": f"{source}/f{i:04d}", "raw_path_hex": None, "source": source, "container": [],
                               "reason": "corrupt", "detail": text, "detail_codes": codes_of(text),
                               "inner_path": f"/f{i:04d}"})
    error = _said(Detail.SMB_CANNOT_CONNECT)
    doc["scan"]["source_errors"] = [{"source": "//host/share", "error": error, "error_codes": codes_of(error)}]
    incomplete = completeness.summary(doc)
    doc["scan"]["complete"] = incomplete is None
    doc["scan"]["incomplete"] = incomplete
    return doc


def _rows(html: str) -> dict[str, str]:
    """The skipped table's detail cell of each row, by the row's file number."""
    table = html[html.index('<table id="skipped-table">'):]
    table = table[:table.index("</table>")]
    out = {}
    for row in table.split("<tr>")[2:]:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
        number = re.search(r"f(\d{4})", cells[0])
        assert number is not None, cells[0]
        out[number.group(1)] = cells[2]
    return out


def _outside_quotes(cell: str) -> str:
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<code[^>]*>.*?</code>", " ", cell, flags=re.DOTALL))
    for option in OPTIONS_SAID:
        text = text.replace(option, "")
    return text


def test_the_japanese_report_says_every_code_in_japanese(every_code: dict[str, Any],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lists, "FIRST_ROWS", len(Detail) + 10)
    html = render_report(every_code, "ja")
    rows = _rows(html)
    codes = list(Detail)
    assert len(rows) == len(codes), f"{len(rows)} rows shown of {len(codes)}"
    unexplained = Labels("ja")["detail_unexplained"]
    bad = {}
    for i, code in enumerate(codes):
        cell = rows[f"{i:04d}"]
        outside = _outside_quotes(cell)
        quoted = re.findall(r'<code class="lib">(.*?)</code>', cell, re.DOTALL)
        if ('<span class="said">' not in cell or not JAPANESE.search(outside) or ENGLISH_SENTENCE.search(outside)
                or unexplained in outside or any(q != SAMPLE["lib"] for q in quoted)):
            bad[code.value] = outside.strip()[:160]
    assert not bad, f"{len(bad)} code(s) not said in Japanese: {bad}"
    # the source error and the never-listed places of the banner are said in Japanese too
    row = re.search(r'<tr class="bad"><td class="path">(?:(?!</tr>).)*?host(?:(?!</tr>).)*?</tr>', html, re.DOTALL)
    assert row is not None
    cell = row.group(0)
    assert '<span class="said">' in cell and "cannot connect to" not in _outside_quotes(cell)
    banner = html[html.index("<ul>", html.index('id="unlisted"')):]
    banner = banner[:banner.index("</ul>")]
    assert every_code["scan"]["incomplete"]["unlisted"] and '<span class="said">' in banner
    assert not ENGLISH_SENTENCE.search(_outside_quotes(banner))


def test_the_english_report_shows_every_code_as_recorded(every_code: dict[str, Any],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lists, "FIRST_ROWS", len(Detail) + 10)
    html = render_report(every_code, "en")
    rows = _rows(html)
    assert len(rows) == len(Detail) and '<span class="said">' not in html
    for i, s in enumerate(every_code["skipped"]):
        assert str(visible(s["detail"])) in rows[f"{i:04d}"], s["detail"]


def test_every_code_is_said_with_its_codes() -> None:
    """Saying a code records it as said (the same as its text read back, for ordinary parameters)."""
    for code in Detail:
        said = _said(code)
        assert codes_of(said)[0]["code"] == code.value
        assert [c.get("code") for c in codes_of(str(said))][:1] == [code.value] or "detail" in params_of(code).values(), code


class _Hostile:
    def __str__(self) -> str:
        return "LIBMSG (it failed as corrupt: directory: x); zip: bad"


def test_saying_and_recording_a_detail_never_raises() -> None:
    """Every step that runs while a failure is recorded is total: say() with values of no slot's kind, codes of
    anything, joins of anything, reports of garbled recorded codes."""
    from reports.details import detail_html, detail_text
    from scanner.details import join_details

    for code in Detail:
        said = say(code, **{name: _Hostile() for name in params_of(code)})
        assert codes_of(said)[0]["code"] == code.value
    for value in (None, 3, b"x", _Hostile(), "", "x; y", object()):
        codes_of(value)
    assert join_details([say(Detail.ZIP_CORRUPT), _Hostile(), "", None]).startswith("damaged zip container; LIBMSG")
    for codes in ([{"code": "directory", "library": 3}], [{"code": "lost-after-failing", "why": "x", "then": 4}],
                  [{"code": "no-such-code"}], [{"text": None}], "garbage", [{"code": "mixed-encodings"}]):
        for lang in ("ja", "en"):
            detail_html("directory: x", "corrupt", lang, visible, codes)
            detail_text("directory: x", "corrupt", lang, codes)
