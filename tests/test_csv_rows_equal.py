"""The CSV reader's quote-less lines read without the csv module (issue 11) give the csv module's rows.

``textrows.csv_rows`` splits a line without a quote at the delimiter itself and hands only quoted lines to a
``csv.reader`` (the reader and the generator it pulled every line through cost ~1 us a row). The plain
definition is written out here (``reference_rows``): every line through one ``csv.reader``, as before. Both
must give the same rows and the same runaway notes (their line numbers too) for lines as ``readlines`` cuts
them and for any list of strings, with the record caps as shipped and made tiny (so a line past the field
size limit and a quoted field past the line or character cap are reached).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner import textrows
from scanner.textrows import _excel_text, _looks_like_record, _Runaway, csv_rows, line_row


def reference_rows(lines: Iterable[str], delimiter: str, note: Callable[[str], None]) -> Iterator[list[str]]:
    """csv_rows as it was: every line through the csv module's reader."""
    source = iter(lines)
    held: list[str] = []
    count = [0]
    ended = [False]

    def tape() -> Iterator[str]:
        chars = 0
        for line in source:
            held.append(line)
            if len(held) > 1:
                chars = chars + len(line) if len(held) > 2 else len(held[0]) + len(line)
                if len(held) > textrows.MAX_RECORD_LINES or chars > textrows.MAX_RECORD_CHARS:
                    raise _Runaway
            yield line
        ended[0] = True

    reader = csv.reader(tape(), delimiter=delimiter)
    width = 0
    while True:
        count[0] += len(held)
        held.clear()
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, _Runaway):
            why = "beyond the record caps"
        else:
            if ended[0] and held:
                why = "to the end of the file unclosed"
            elif len(held) == 1:
                width = max(width, len(row))
                yield _excel_text(row) if '="' in held[0] else row
                continue
            elif not any(_looks_like_record(ln, delimiter, width) for ln in held[1:]):
                yield _excel_text(row)
                continue
            else:
                why = f"over {len(held)} lines"
        note(f"quoting: a quoted field from line {count[0] + 1} runs {why}; read line by line from there")
        for line in held:
            yield _excel_text(line_row(line, delimiter))
        for line in source:
            yield _excel_text(line_row(line, delimiter))
        return


def both(lines: list[str], delimiter: str) -> None:
    def run(how: Callable[..., Iterator[list[str]]]) -> tuple[object, list[str]]:
        notes: list[str] = []
        try:
            return list(how(lines, delimiter, notes.append)), notes
        except Exception as e:  # noqa: BLE001 - the same failure is the same answer
            return repr(e), notes

    assert run(csv_rows) == run(reference_rows)


PIECES = ["a", "山田", ",", ";", "\t", '"', '""', "'", " ", "=", '="', "\n", "\r", "\r\n", "\x00", "\ufffd", "?", "0"]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@pytest.fixture
def tiny_caps(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(textrows, "MAX_RECORD_LINES", 3)
    monkeypatch.setattr(textrows, "MAX_RECORD_CHARS", 12)
    old = csv.field_size_limit(12)
    try:
        yield
    finally:
        csv.field_size_limit(old)


@settings(max_examples=400, deadline=None)
@given(texts, st.sampled_from([",", "\t", ";"]))
def test_lines_of_a_text_read_as_the_csv_module_reads_them(text: str, delimiter: str) -> None:
    both(io.StringIO(text, newline="").readlines(), delimiter)


@settings(max_examples=250, deadline=None)
@given(st.lists(texts, max_size=8), st.sampled_from([",", "\t"]))
def test_any_lines_read_as_the_csv_module_reads_them(lines: list[str], delimiter: str) -> None:
    both(lines, delimiter)  # a line end inside a line, several at its end, none: what readlines never gives


@pytest.mark.parametrize("seed", range(3))
def test_record_caps_reached_as_before(tiny_caps: None, seed: int) -> None:
    import random

    rnd = random.Random(seed)
    for _ in range(800):
        text = "".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 40)))
        both(io.StringIO(text, newline="").readlines(), ",")
        both([text, *text.split("\n")], ",")


def test_known_cases() -> None:
    cases = ["a,b\r\n,\n\n山田,\"x\ny\",z\n", "a\rb\n", "a,b\r\r\n", '="0312",x\n', "x,\"open\nmore,1,2\n3,4\n",
             "\ufffd\ufffd\ufffd,?\n", ",,\n", ""]
    for text in cases:
        both(io.StringIO(text, newline="").readlines(), ",")
        both([text], ",")
    assert list(csv_rows(["a,b\n", "\n", "c\r\n"], ",", print)) == [["a", "b"], [], ["c"]]
