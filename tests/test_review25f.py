"""review25f: pdf25's PDF page-text changes tried against damaged and honest inputs.

- a hand-written list (docs24's shape, its content stored uncompressed) whose ``BT`` was flipped by one byte: pypdf
  reads its text all the same (it does not need ``BT``), but pdf25's pre-check skipped every page without ``BT`` or
  ``Do``: 12 persons -> 0 persons, nothing said (a false clean);
- honest Japanese printouts (Chromium, IPA fonts) said ``pdf-text-undecodable``: a katakana menu (the prolonged sound
  mark ー is named KATAKANA-HIRAGANA, counted as a second script in every word holding it) and a mathematics test
  (α, β, θ inside Japanese sentences: Greek letters are JIS X 0208's own, row 6).
"""

from __future__ import annotations

import shutil

import pytest

from scanner.details import codes_of
from scanner.inspectors.spreadsheet import analyse_bytes
from scanner.sheet import Caps
from tests.test_pdf25 import tab_list

chromium = pytest.mark.skipif(shutil.which("chromium") is None and shutil.which("chromium-browser") is None,
                              reason="chromium not installed (.ci/run installs it)")


def _read(data: bytes) -> tuple[int, list[str]]:
    findings, _, reading = analyse_bytes(data, "pdf", Caps())
    return sum(f.count for f in findings), [c["code"] for n in reading.notes + reading.damage for c in codes_of(n)]


@pytest.mark.parametrize("flip", [b"BS", b"bT", b"B\x00"])
def test_a_list_whose_bt_was_flipped_is_still_read(flip: bytes) -> None:
    data = tab_list(2541)
    at = data.index(b"BT /F1")
    assert _read(data)[0] == 12  # the premise
    assert _read(data[:at] + flip + data[at + 2:])[0] == 12  # (before the fix: 0, nothing said)


MENU = ["ブレンドコーヒー", "アイスコーヒー", "カフェラテ", "ミルクティー", "レモンティー", "チーズケーキ", "ハンバーガー",
        "メロンソーダ", "ホットドッグ", "ソーセージ", "ピザトースト", "サラダ", "パンケーキ", "ジンジャーエール", "オレンジジュース"]
HONEST = {
    "menu": "<h1>メニュー</h1><table>" + "".join(f"<tr><td>{m}</td><td>{400 + 10 * i}円</td></tr>"
                                                for i, m in enumerate(MENU * 2)) + "</table>",
    "math": "<h1>数学 期末試験</h1>" + "".join(f"<p>問{i} 角αと角βの和をθとするとき、sinα＋sinβの値をθで表せ。"
                                                  "ただしα＞β＞0とする。</p>" for i in range(1, 16)),
    "lab": "<h1>検査結果</h1>" + "".join(f"<p>検体{i}：尿酸µｇ/ｄℓ、抵抗Ω、温度K、長さÅ、µ値ªº</p>" for i in range(1, 30)),
}


@chromium
@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_japanese_pages_are_not_said_undecodable(name: str) -> None:
    from tests.test_pdftext24 import printed

    data = printed("<!doctype html><html lang=ja><meta charset=utf-8><style>body{font-family:'IPAGothic'}</style>"
                   + HONEST[name] + "</html>")
    assert "pdf-text-undecodable" not in _read(data)[1]  # (before the fix: menu 12 in 100, math 17 in 100)


def forms_drawn(draws: int, paths: int) -> bytes:
    """A one-page PDF of ~9 KB whose content draws one Form XObject ``draws`` times; the form holds one text and
    ``paths`` path operators (deflated). pypdf parses and walks the form again at each ``Do``."""
    import zlib

    from tests.test_pdf25 import _pdf

    form = zlib.compress(b"BT /F1 9 Tf 20 20 Td (a) Tj ET " + b"0 0 m 1 1 l S\n" * paths)
    page = b"q " + b"/Fm0 Do " * draws + b"Q"
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Fm0 5 0 R >>"
                 b" /Font << /F1 6 0 R >> >> /Contents 4 0 R >>",
                 b"<< /Length %d >>\nstream\n" % len(page) + page + b"\nendstream",
                 b"<< /Type /XObject /Subtype /Form /BBox [0 0 100 100] /Resources << /Font << /F1 6 0 R >> >>"
                 b" /Filter /FlateDecode /Length %d >>\nstream\n" % len(form) + form + b"\nendstream",
                 b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


def test_a_form_drawn_again_and_again_is_stopped_by_the_clock() -> None:
    import time

    from scanner.codes import Status
    from scanner.errors import ReadError

    began = time.process_time()
    with pytest.raises(ReadError) as said:  # (before: ok after ~65 s CPU for 10 draws of a 300,000-path form, the
        analyse_bytes(forms_drawn(40, 100_000), "pdf", Caps(timeout=1))  # 1 s timeout unchecked: 40 draws ~100 s)
    assert said.value.reason in (Status.TIMEOUT, Status.TOO_LARGE), said.value
    assert time.process_time() - began < 8.0
