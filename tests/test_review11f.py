"""Review of salvage11 (Session 11): what its new salvage paths did to files that were not damaged."""

from __future__ import annotations

from pathlib import Path

from tests.pii_data import csv_bytes
from tests.test_damage11 import ROWS
from tests.test_fuzz_campaign import _inspect, _records


def test_real_utf16_with_latin1_signs_is_not_narrowed(tmp_path: Path) -> None:
    """Excel's "Unicode text" (UTF-16LE, BOM, tabs) of a Japanese list with amounts in yen and sizes (¥1,200,
    30×40cm, 20°C): each of those signs is one UTF-16 unit U+00A0-U+00FF beside ASCII, so the file held the runs
    of (byte, NUL) pairs the NUL-widening check looks for, and ¥ (A5), × (D7), ° (B0) narrowed are half-width
    kana in cp932, which decodes them: the real UTF-16 file was "narrowed" to a mix of both, every record lost
    (40 -> 0) and the file listed corrupt as widened. Also BE and without BOM, and a Western price list."""
    rows = [[*ROWS[0], "金額", "備考"]] + [
        [*r, f"¥{(i + 1) * 1200:,}", f"30×{i}cm 20°C"] for i, r in enumerate(ROWS[1:])]
    for codec, bom in (("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b"")):
        ins = _inspect(tmp_path, "list.txt", bom + csv_bytes(rows, codec, delimiter="\t"))
        assert _records(ins) == len(ROWS) - 1 and ins.status == "ok", (codec, bom, ins.status, ins.detail)
    western = "item,price,note\r\n" + "".join(f"item {i},¥{i * 100},{i}°C ±{i}\r\n" for i in range(60))
    ins = _inspect(tmp_path, "prices.csv", b"\xff\xfe" + western.encode("utf-16-le"))
    assert "NUL" not in (ins.detail or ""), ins.detail


def test_real_utf16_portuguese_list_is_not_narrowed(tmp_path: Path) -> None:
    """A Brazilian staff list saved as UTF-16 (João, Gonçalves, Conceição, informação): every character is one
    unit U+0000-U+00FF, so the whole file is one run of (byte, NUL) pairs, and its letters narrowed (ã ç before
    a letter) are cp932 lead and trail bytes of rare kanji, which decode: the sound file was listed corrupt as
    NUL-widened and read as cp932 mojibake. A widened cp932 or UTF-8 text holds bytes 0x80-0x9F (kanji and
    kana leads, UTF-8 continuation bytes), C1 controls no real UTF-16 text holds."""
    west = "nome,cidade,telefone\r\n" + "".join(
        f"João Gonçalves {i},Conceição da informação,+55 11 9{i:04d}-{i:04d}\r\n" for i in range(50))
    for codec, bom in (("utf-16-le", b"\xff\xfe"), ("utf-16-be", b""), ("utf-16-le", b"")):
        ins = _inspect(tmp_path, "staff.csv", bom + west.encode(codec))
        assert "NUL" not in (ins.detail or "") and ins.status == "ok", (codec, ins.status, ins.detail)


def test_csv_with_html_cells_is_not_called_damaged(tmp_path: Path) -> None:
    """A sound CSV export of a web form or CMS whose body cells hold an HTML table (one person per cell): the
    CSV read finds no person table, the new shuffled-HTML rule reads it as HTML and finds them (good), but
    listed the sound file ``corrupt`` ("its head lost or moved: damaged"). Its lines start as CSV rows, not
    as markup: it is a text holding HTML, read as HTML, not damaged."""
    from tests.test_damage11 import _html_mutants

    head = "<tr>" + "".join(f"<th>{h}</th>" for h in ROWS[0]) + "</tr>"
    rows = [["id", "posted", "body"]] + [
        [str(i), "2026-01-01", f"<table>{head}<tr>" + "".join(f"<td>{v}</td>" for v in r) + "</tr></table>"]
        for i, r in enumerate(ROWS[1:])]
    ins = _inspect(tmp_path, "export.csv", csv_bytes(rows, "utf-8"))
    assert _records(ins) == len(ROWS) - 1 and ins.status == "ok", (ins.status, ins.detail)
    assert "HTML" in ins.detail, ins.detail
    shuffled = _inspect(tmp_path, "page.xls", _html_mutants()["shuffle0"])  # a damaged page stays damaged
    assert shuffled.status == "corrupt" and "head lost" in shuffled.detail, (shuffled.status, shuffled.detail)
