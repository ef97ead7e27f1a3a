"""Session 25 (damage25): damaged and oddly laid-out person lists that read as nothing or as clean.

In process (``analyse_bytes``, review24d's ``_read``): each list is generated (Faker ja_JP people, the suite's
``people_rows``, fixed seeds); each test was committed failing before its fix."""

from __future__ import annotations

import random

from scanner.inspectors.spreadsheet import analyse_bytes
from scanner.sheet import Caps
from scanner.tables import sniff_format
from tests.document_data import people_rows
from tests.test_fixed23 import _width


def _pad(value: str, width: int, how: str, rnd: random.Random) -> str:
    """``value`` padded to ``width`` display columns: ASCII spaces, full-width spaces (U+3000, a space for an odd
    column), or both in either order (a list typed by hand and edited by several people)."""
    gap = max(width - _width(value), 1)
    if how == "space" or gap < 2:
        return value + " " * gap
    if how == "full":
        return value + "\u3000" * (gap // 2) + " " * (gap % 2)
    k = rnd.randint(0, gap // 2)  # mixed
    if rnd.random() < 0.5:
        return value + " " * (gap - 2 * k) + "\u3000" * k
    return value + "\u3000" * k + " " * (gap - 2 * k)


def padded_list(rows: list[list[str]], kind: str, hows: dict[int, str], sep: str = "", seed: int = 0) -> str:
    """``rows`` aligned by hand (fixed23's ``aligned``: each column its longest value and two blanks wide;
    ``pushed``: the longest running into the gap), column ``i`` padded as ``hows[i]`` says (ASCII by default);
    ``sep`` a tab or a comma between the padded cells (a TSV/CSV whose cells keep their padding)."""
    rnd = random.Random(seed)
    ws = [sorted(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    widths = [w[-1] + 2 if kind == "aligned" else max(w[-2] + 2, w[-1] + 1) for w in ws]
    out = []
    for r in rows:
        cells = [_pad(v, w, hows.get(i, "space"), rnd) if i < len(r) - 1 else v
                 for i, (v, w) in enumerate(zip(r, widths, strict=True))]
        out.append(sep.join(cells).rstrip() if not sep else sep.join(cells))
    return "\r\n".join(out) + "\r\n"


def read_names(data: bytes, names: set[str]) -> tuple[list[str], int, int]:
    """The damage a reading says, the persons counted and how many of them have their whole name (姓 and 名, spaces
    aside) in the name field (a name cut at its 姓 名 space, or glued to its kana, is another person's print)."""
    findings, _, reading = analyse_bytes(data, sniff_format(data), Caps())
    counted = whole = 0
    for f in findings:
        if f.kind.name == "NAMES":
            continue
        counted += f.count
        whole += sum(r.fields.get("name", "").replace(" ", "").replace("\u3000", "") in names for r in f.records)
    return list(reading.damage), counted, whole


PADDINGS = {"full01": {0: "full", 1: "full"}, "full0": {0: "full"}, "full1": {1: "full"},
            "mixed01": {0: "mixed", 1: "mixed"}, "mixed0full1": {0: "mixed", 1: "full"}}


def _padded_lists() -> dict[str, tuple[bytes, set[str]]]:
    """Hand-aligned lists of 5-200 persons, name and/or kana padded with U+3000 (alone or mixed with ASCII spaces),
    aligned or pushed, as text (no separator), tab- or comma-separated with the padding kept, cp932 and UTF-8."""
    out = {}
    for n in (5, 13, 15, 20, 40, 200):
        for s in range(2 if n < 200 else 1):
            rows = [list(r) for r in people_rows(n, seed=2500 + 10 * n + s)]
            names = {r[0].replace(" ", "") for r in rows[1:]}
            for label, hows in PADDINGS.items():
                for sep, ext in (("", "prn"), ("\t", "tsv"), (",", "csv")):
                    for kind in ("aligned", "pushed"):
                        text = padded_list(rows, kind, hows, sep, seed=n + s)
                        for enc in ("cp932", "utf-8"):
                            out[f"{n}_{s}_{label}_{kind}_{enc}.{ext}"] = (text.encode(enc), names)
    # (found by the sweep) 9 of 12 names of the longest width: after b520b4c3 still name and kana one column
    rows = [list(r) for r in people_rows(12, seed=7122)]
    out["12_7122_full0_aligned_cp932.prn"] = (padded_list(rows, "aligned", {0: "full"}, seed=14).encode("cp932"),
                                              {r[0].replace(" ", "") for r in rows[1:]})
    return out


def test_a_list_padded_with_full_width_spaces_counts_every_person_whole() -> None:
    """fixed24b's silent miss: an aligned list of 13+ persons whose name and kana columns are padded with U+3000
    read 0 persons, `ok` (main cda4a1f5: the longest values' one U+3000 of padding was read as a character from 12
    lines on, so the name, kana and address columns were one); names padded alone: each person counted with the
    family name as the name and the given name glued to the kana (another person's print). Every list: every
    person counted, each with the whole name."""
    bad = {}
    for name, (data, names) in _padded_lists().items():
        n = int(name.split("_")[0])
        damage, counted, whole = read_names(data, names)
        if damage or counted != n or whole != n:
            bad[name] = (damage, counted, whole)
    assert not bad, (len(bad), dict(list(bad.items())[:20]))


def _one_column_books() -> dict[str, tuple[bytes, set[str]]]:
    """The same hand-aligned lists pasted into a workbook a line a cell (column A, or C; .xlsx by openpyxl, .xls by
    xlwt): a .prn or a mail's list opened in Excel without the text import wizard."""
    import io

    import openpyxl
    import xlwt

    out = {}
    for n in (5, 15, 40):
        rows = [list(r) for r in people_rows(n, seed=2600 + n)]
        names = {r[0].replace(" ", "") for r in rows[1:]}
        for label, hows in (("space", {}), ("full01", {0: "full", 1: "full"}), ("mixed01", {0: "mixed", 1: "mixed"})):
            lines = [ln for ln in padded_list(rows, "aligned", hows, seed=n).split("\r\n") if ln]
            for col in (0, 2):
                wb = openpyxl.Workbook()
                ws = wb.active
                for i, ln in enumerate(lines, 1):
                    ws.cell(i, col + 1, ln)
                buf = io.BytesIO()
                wb.save(buf)
                out[f"{n}_{label}_{col}.xlsx"] = (buf.getvalue(), names)
            book = xlwt.Workbook()
            sh = book.add_sheet("名簿")
            for i, ln in enumerate(lines):
                sh.write(i, 0, ln)
            buf = io.BytesIO()
            book.save(buf)
            out[f"{n}_{label}_0.xls"] = (buf.getvalue(), names)
    return out


def test_an_aligned_list_in_one_column_of_a_sheet_counts_every_person() -> None:
    """An aligned list a line a cell in one column of a sheet read 0 persons, `ok`, whatever its padding (main
    cda4a1f5: 27 of 27 workbooks): the sheet's one column is cut at its blank columns as a fixed-width text is."""
    bad = {}
    for name, (data, names) in _one_column_books().items():
        n = int(name.split("_")[0])
        damage, counted, whole = read_names(data, names)
        if damage or counted != n or whole != n:
            bad[name] = (damage, counted, whole)
    assert not bad, (len(bad), bad)


def _shifted_pushed() -> dict[str, bytes]:
    """fixed24b's shifted no-phone lists, "pushed" (the longest values run into a one-blank gap): 4-15 persons, the
    third line's or a middle person's row (no phone) lost 3 bytes at its first gap (its later columns 3 to the left),
    cp932."""
    from tests.test_fixed23 import _aligned

    out = {}
    for n in range(4, 16):
        for s in range(3):
            for line in (2, n // 2 + 1):
                rows = [list(r) for r in people_rows(n, seed=2470 + 10 * n + s)]
                rows[line][3] = ""
                lines = _aligned(rows, "pushed", set()).split(b"\r\n")
                at = lines[line].find(b"  ")
                lines[line] = lines[line][:at] + lines[line][at + 3:]
                out[f"{n}_{s}_{line}.prn"] = b"\r\n".join(lines)
    return out


def test_a_pushed_list_with_one_shifted_row_is_read_and_said() -> None:
    """A pushed list whose one row lost 3 bytes: the row's values land on the other lines' blank columns, no column
    boundary is left (or a wrong one) and the whole list read as nothing, `ok` (fixed24b's 4 of 24; main cda4a1f5: 17
    of 72 here). The columns are those of the other lines when one line alone stands on two blank columns or more
    and crosses two of their boundaries: the persons read, the shifted row said (`rows-malformed`)."""
    from tests.test_review24d import _read

    bad = {}
    for name, data in _shifted_pushed().items():
        n = int(name.split("_")[0])
        damage, counted = _read(data)
        if not damage or counted < n - 1:
            bad[name] = (damage, counted)
    assert not bad, (len(bad), bad)
