"""Review of damage9 (Session 9): healthy text tables its damage signs listed ``corrupt``, and silent classes left.

A false ``corrupt`` on an evidence file misleads the report as much as a silent clean: these files are whole.
- a CSV ending with the DOS end-of-file mark (Ctrl-Z, 0x1A) after its last line end, as MS-DOS era and host
  exports (全銀 and 汎用機 transfers, COPY /A) still write: read as a last row of one cell "without a line end";
- a fixed-field export whose fields are padded with NUL bytes (C structs written as text): every padding run is a
  "zeroed block";
- a ragged CSV (rows that leave out their trailing empty cells, as hand-made and many exporters write) without a
  final line end: its short last row is the file's own style, not a cut.

Every file is built here from fictitious people (Faker ja_JP, fixed seed)."""

from __future__ import annotations

from pii_data import csv_bytes, people, standard

from scanner.inspectors.spreadsheet import analyse_bytes
from scanner.sheet import Caps
from scanner.tables import sniff_format

ROWS = standard(people(12, seed=1909))


def _read(data: bytes) -> tuple[int, list[str]]:
    found, _, reading = analyse_bytes(data, sniff_format(data), Caps())
    return sum(len(s.rows) for s in found), reading.damage


def test_a_csv_ending_with_the_dos_end_of_file_mark_is_whole() -> None:
    data = csv_bytes(ROWS, "cp932", newline="\r\n")
    rows, damage = _read(data + b"\x1a")
    assert rows == _read(data)[0] > 0 and damage == []
    cut = data[:data.index(b"\r\n", len(data) // 2) + 9]  # still a cut: the mark does not hide one
    assert _read(cut)[1] != []


def test_nul_padded_fields_are_no_zeroed_block() -> None:
    padded = b"".join(b",".join(str(c).encode("cp932").ljust(64, b"\x00") for c in r) + b"\r\n" for r in ROWS)
    rows, damage = _read(padded)
    assert rows > 0 and damage == []
    plain = csv_bytes(ROWS, "cp932")
    assert _read(plain[:200] + bytes(512) + plain[712:])[1] != []  # one block zeroed on disk stays damage


def test_a_ragged_csv_without_a_final_line_end_is_whole() -> None:
    lines = []
    for i, r in enumerate(ROWS):
        cells = ["" if v is None else str(v) for v in r]
        if i and i % 3 == 0:
            cells = cells[:3]  # trailing empty cells left out, as hand-made lists do
        lines.append(",".join(cells))
    ragged = "\r\n".join(lines[:-1] + [",".join(lines[-1].split(",")[:3])]).encode("cp932")
    rows, damage = _read(ragged)
    assert rows > 0 and damage == []
    uniform = csv_bytes(ROWS, "cp932")
    assert _read(uniform[:uniform.index(b"\r\n", len(uniform) // 2) + 9])[1] != []  # a regular table cut: damage


def test_an_address_book_padded_with_nuls_or_ending_with_the_dos_mark_is_whole() -> None:
    """NUL padding after the last card (a copy into preallocated space, a card image) and the DOS end-of-file mark
    lose no card: the same rule as a text table's (only a NUL block with text after it is a zeroed one)."""
    from test_vcard import iphone

    from tests import person_tables_data as T

    data = iphone(T.ja_people(6, seed=1919))
    for whole in (data + bytes(4096), data + b"\x1a", data + b"\x1a" + bytes(100)):
        rows, damage = _read(whole)
        assert rows == 6 and damage == [], damage
    zeroed = data[:300] + bytes(64) + data[364:]
    assert any("NUL" in d for d in _read(zeroed)[1])
