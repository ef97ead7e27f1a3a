"""Access leftovers (session 18, access18): a Jet 3 database whose header names no code page, memos read short, OLE
object and attachment contents examined as children of the database.

Third-party files: jackcess' test databases (tests/data/tables/README.md). Person tables: tests/access_data.py.
"""

from __future__ import annotations

import json
import random
import struct

import pytest

from scanner.access import _JET3, _JET4, _Counts, _Database, access_sheets
from scanner.details import codes_of
from scanner.errors import ReadError
from scanner.sheet import Caps, CellBudget
from tests.access_data import _data_page, _row, jackcess, person_database, with_code_page
from tests.pii_data import people, standard
from tests.test_review17a import _with_memo_column

N = 12
P = _JET4.page


def _sheets(data: bytes) -> list[tuple[str, list[list[object]], list[str], list[str]]]:
    """(name, rows without the header, notes, unread) of every sheet."""
    out = []
    for s in access_sheets(data, CellBudget(Caps())):
        rows = [list(r) for r in s.rows][1:]
        out.append((s.name, rows, list(s.notes), list(s.unread)))
    return out


def _codes(said: list[str]) -> list[str]:
    return [c["code"] for n in said for c in codes_of(n)]


# ---------------------------------------------------------------- 1. a Jet 3 database naming no code page


def test_a_japanese_access97_database_naming_no_code_page_is_read_as_cp932() -> None:
    """An Access 97 person table written cp932 whose header's code page is 0: read as cp932 (its persons were
    mojibake in cp1252 before, lost silently), and the guess said."""
    rows = standard(people(N, seed=181))
    (name, read, notes, _), = _sheets(person_database(rows, "V1997", code_page=0))
    assert [r[1] for r in read] == [r[1] for r in rows[1:]]  # 氏名 as written
    assert read[0][6] == rows[1][6]  # 住所
    assert "access-code-page-guessed" in _codes(notes), notes
    assert any("read as cp932" in n for n in notes), notes


def test_western_access97_databases_naming_no_code_page_read_as_before() -> None:
    """jackcess' Jet 3 files (cp1252 in their header): read the same with the code page zeroed (guessed cp1252), and
    no guess said while the header names one. testIndexCodes holds every byte past ASCII between Latin letters (a
    byte cp1252 lacks makes it no strict cp1252; cp932 reads it as lone kana: not Japanese)."""
    for name in ("testIndexCodesV1997.mdb", "testV1997.mdb", "overflowTestV1997.mdb"):
        data = jackcess(name)
        named, guessed = _sheets(data), _sheets(with_code_page(data, 0))
        assert [s[:2] for s in named] == [s[:2] for s in guessed], name
        assert "access-code-page-guessed" not in _codes([n for s in named for n in s[2]])
        assert any("read as cp1252" in n for s in guessed for n in s[2] if "guess" in n), name
    every = [v for s in named for r in s[1] for v in r if isinstance(v, str) and not v.isascii()]
    assert not every  # (overflowTest: ASCII only)
    latin = [v for s in _sheets(jackcess("testIndexCodesV1997.mdb")) for r in s[1] for v in r
             if isinstance(v, str) and not v.isascii()]
    assert len(latin) > 400 and "AAÀAA" in latin


def test_a_damaged_access97_database_naming_no_code_page_is_listed_or_read() -> None:
    """Flipped and zeroed bytes in a Jet 3 database whose code page is guessed: rows or a listed reason, never
    another exception (the guess reads its catalog and rows before the reading proper)."""
    whole = person_database(standard(people(N, seed=183)), "V1997", code_page=0)
    rng = random.Random(18)
    for k in range(40):
        data = bytearray(whole[:rng.randrange(len(whole))] if k % 8 == 0 else whole)
        for _ in range(rng.randint(1, 30)):
            at = rng.randrange(len(data))
            if rng.random() < 0.2:
                data[at:at + 64] = bytes(64)[:len(data) - at]
            else:
                data[at] = rng.randrange(256)
        try:
            _sheets(bytes(data))
        except ReadError:
            pass


# ---------------------------------------------------------------- 2. memos read short


def _memo_database(memos: list[bytes]) -> bytes:
    """jackcess' overflowTestV2000 with column 0 a memo column and a row per memo head (its other columns "x")."""
    data = bytearray(person_database(standard(people(3, seed=184)), "V2000"))
    _with_memo_column(data)
    page = [n for n in range(len(data) // P)
            if data[n * P] == 1 and data[n * P + 4:n * P + 8] == (24).to_bytes(4, "little")][0]
    rows = [_row([m] + [b"x\x00"] * 8, [0, *range(2, 10)], 10, False) for m in memos]
    data[page * P:(page + 1) * P] = _data_page(rows, 24, False)
    struct.pack_into("<I", data, 24 * P + _JET4.num_rows, len(rows))
    return bytes(data)


def test_a_memo_read_short_is_said_and_the_table_partially_examined() -> None:
    """An inline memo holding fewer bytes than its head gives, and one whose long-value chain points back at itself:
    their text read as far as it goes, the table said partially examined (access-memo-cut); whole memos say nothing."""
    text = "備考あり".encode("utf-16-le")
    whole = (0x80000000 | len(text)).to_bytes(4, "little") + bytes(8) + text
    short = (0x80000000 | 400).to_bytes(4, "little") + bytes(8) + text
    (_, read, _, unread), = _sheets(_memo_database([whole, whole]))
    assert [r[0] for r in read] == ["備考あり", "備考あり"] and not unread
    (_, read, _, unread), = _sheets(_memo_database([whole, short]))
    assert [r[0] for r in read] == ["備考あり", "備考あり"]
    assert _codes(unread) == ["access-memo-cut"] and "1 memo value(s) read short (rows lost)" in unread[0], unread


def test_a_memo_chain_cut_by_the_file_budget_is_said() -> None:
    """The file-wide budget of long-value reads (review17a) ends a chain: said by its cause, like a loop."""
    data = person_database(standard(people(3, seed=185)), "V2000")
    n = len(data) // P
    lval = int.from_bytes(b"LVAL", "little")
    pages = _data_page([(n << 8 | 1).to_bytes(4, "little") + b"a\x00", bytes(4) + b"b\x00"], lval, False)
    db = _Database(data + pages, CellBudget(Caps()))
    head = (4).to_bytes(4, "little") + (n << 8).to_bytes(4, "little") + bytes(4)
    counts = _Counts()
    assert db._memo(head, counts) == "ab" and not counts.cut
    db.long_reads = 1
    assert db._memo(head, counts) == "a"
    assert counts.cut == {"file budget spent": 1}


def test_memo_cut_reasons_are_said_in_japanese() -> None:
    from reports.details import detail_text
    from scanner.details import Detail, say

    said = say(Detail.ACCESS_MEMO_CUT, n=2, why=["chain loops", "file budget spent", "longer than kept", "rows lost"])
    ja = detail_text(str(said), "unsupported", "ja", codes_of(said))
    assert "loop" not in ja and "budget" not in ja and "メモ" in ja, ja
    assert json.dumps(codes_of(said))
    assert _JET3.page == 2048  # (the formats these tests lay out)


@pytest.mark.parametrize("cut", [1000, 5000, 9000])
def test_a_cut_memo_database_is_listed_never_a_crash(cut: int) -> None:
    text = "備考".encode("utf-16-le")
    data = _memo_database([(0x80000000 | 400).to_bytes(4, "little") + bytes(8) + text] * 3)
    try:
        _sheets(data[:len(data) - cut])
    except ReadError:
        pass
