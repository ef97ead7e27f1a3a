"""Person records as keyed fingerprints (what a scan's workers hand over): the same counts as the clear rows,
no clear value in them, and a sheet's records streamed into them without keeping the rows."""

from __future__ import annotations

import pickle
import random
import sys

import persons_data as pd
import pytest

from scanner.detectors.pii import EXAMPLES, RECORD_SINK, SINK_CHUNK, analyse_sheet
from scanner.models import PersonRecord
from scanner.persons.count import count, make_rows
from scanner.persons.prints import PrintBuilder, file_prints

KEY = bytes(range(32))


@pytest.fixture(scope="module")
def scenario() -> pd.Scenario:
    return pd.build()


def _records(rows: list[pd.Row], sheet: str = "名簿") -> list[PersonRecord]:
    return [PersonRecord(sheet, i + 2, {"name": r.name, "reading": r.reading, "postcode": r.postcode,
                                        "address": r.address}) for i, r in enumerate(rows)]


def test_counting_fingerprints_gives_the_counts_of_the_clear_rows(scenario) -> None:
    files = [f for f in scenario.files if f.role in ("leak", "copy")]
    clear, nameless = [], 0
    keyed, keyed_nameless = [], 0
    for i, f in enumerate(files):
        got, n = make_rows(i, _records(f.rows))
        clear += got
        nameless += n
        found = file_prints(_records(f.rows), KEY, rows=True)
        for r in found.rows or []:
            r.file = i
        keyed += found.rows or []
        keyed_nameless += found.nameless
    a, b = count(clear, nameless), count(keyed, keyed_nameless)
    assert (a.records, a.unique_exact, a.unique, a.merges) == (b.records, b.unique_exact, b.unique, b.merges)
    assert (a.review_total, a.probable_total) == (b.review_total, b.probable_total) and a.probable_total
    # the same pairs are shown, masked (the order of probable pairs follows the keys, so compare as sets)
    assert sorted(map(repr, a.review)) == sorted(map(repr, b.review))
    assert sorted(map(repr, a.probable)) == sorted(map(repr, b.probable))
    with_clear = count(keyed, keyed_nameless, unmask=True)
    assert with_clear.review_clear == with_clear.review  # prints made without --unmask carry no clear spelling


def test_fingerprints_hold_no_clear_value(scenario) -> None:
    f = next(f for f in scenario.files if f.role == "leak")
    blob = pickle.dumps(file_prints(_records(f.rows), KEY, rows=True))
    for r in f.rows:  # the masked spelling keeps a family name and a municipality (山田 ** / 東京都小金井市***)
        given = r.name.split()[1:] or [r.name[2:]]
        for part in (r.name, *given, r.address, r.reading):
            if len(part) >= 2:
                assert part.encode() not in blob, part


def test_only_distinct_persons_of_a_file_that_is_not_counted() -> None:
    recs = [PersonRecord("s", i, {"name": "山田 太郎" if i % 2 else "鈴木 花子", "address": "東京都小金井市本町1-2-3"})
            for i in range(10)] + [PersonRecord("s", 11, {"name": "不明", "address": "x"})]
    found = file_prints(recs, KEY, rows=False)
    assert (found.records, found.nameless, len(found.persons), found.rows) == (11, 1, 2, None)


def test_a_sheet_streams_its_records_into_the_sink_keeping_only_examples() -> None:
    rnd = random.Random(3)
    family, given = ["山田", "鈴木", "佐藤", "田中"], ["太郎", "花子", "一郎", "美咲"]
    rows: list[list[object]] = [["氏名", "住所", "電話番号"]]
    for i in range(SINK_CHUNK * 2 + 123):  # a person lives at one address (tables15: a name at many is nobody's home)
        f, g = rnd.randrange(len(family)), rnd.randrange(len(given))
        rows.append([f"{family[f]} {given[g]}", f"東京都小金井市本町{f + 1}-{g + 1}-{(f * 7 + g) % 9 + 1}",
                     f"042-3{i % 100:02d}-{i % 10000:04d}"])
    plain = analyse_sheet("名簿", iter(rows))
    build = PrintBuilder(KEY, rows=True)
    token = RECORD_SINK.set(build)
    try:
        streamed = analyse_sheet("名簿", iter(rows))
    finally:
        RECORD_SINK.reset(token)
    assert plain is not None and streamed is not None
    assert len(streamed.rows) == EXAMPLES and len(plain.rows) == len(rows) - 1 == build.total
    assert streamed.count == plain.count and streamed.roles() == plain.roles()
    assert streamed.examples() == plain.examples()
    assert file_prints(plain.records, KEY, rows=True).persons == build.result().persons


def test_rows_seen_before_are_fingerprinted_as_the_first_time(scenario) -> None:
    """Copies of a file (and a person listed twice) reuse the keyed parts made for the first one (a memo keyed
    by the case key, holding no clear value): the same prints as made fresh, a RowPrint of its own per row
    (the counter sets each row's file), another case key never meeting those entries, --unmask made fresh."""
    from scanner.persons import prints

    rows = [r for f in scenario.files if f.role in ("leak", "copy") for r in f.rows][:300]
    records = _records(rows + rows[:40])  # a person listed twice
    other = bytes(range(1, 33))

    def fresh(key: bytes, unmask: bool = False) -> object:
        prints._MADE.clear()
        return file_prints(records, key, rows=True, unmask=unmask)

    first, first_other, first_clear = fresh(KEY), fresh(other), fresh(KEY, unmask=True)
    prints._MADE.clear()
    again = [file_prints(records, KEY, rows=True) for _ in range(2)]
    assert again[0] == first and again[1] == first
    assert file_prints(records, other, rows=True) == first_other != first
    assert file_prints(records, KEY, rows=True, unmask=True) == first_clear
    assert all(r.clear is None for r in again[1].rows or [])
    assert not any(a is b for a, b in zip(again[0].rows or [], again[1].rows or [], strict=True))
    assert len(prints._MADE) == 2 * len({(r.name, r.address, r.reading) for r in rows})
    blob = pickle.dumps(prints._MADE)
    assert not any(r.name.encode() in blob or r.address.encode() in blob for r in rows[:50])


def test_rows_whose_values_hold_the_memo_separator_are_not_taken_for_each_other() -> None:
    """The memo of a row's keyed parts is keyed by its (name, address, reading): a name ending in a unit
    separator (a cell's _x001F_) must not meet another row's name and address joined the other way; each row
    gets its own prints, the same as made fresh (review8e: ``山田\\x1f太郎 | 東京都`` took ``山田 | 太郎\\x1f東京都``'s)."""
    from scanner.persons import prints

    first = _records([pd.Row(1, "山田\x1f太郎", "", "", "東京都小金井市本町1-2")])
    second = _records([pd.Row(2, "山田", "", "", "太郎\x1f東京都小金井市本町1-2")])
    prints._MADE.clear()
    alone = file_prints(second, KEY, rows=True)
    prints._MADE.clear()
    file_prints(first, KEY, rows=True)
    assert file_prints(second, KEY, rows=True) == alone


def _deep_size(obj: object, seen: set[int]) -> int:
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)
    if isinstance(obj, dict):
        return size + sum(_deep_size(k, seen) + _deep_size(v, seen) for k, v in obj.items())
    if isinstance(obj, tuple | list | set | frozenset):
        return size + sum(_deep_size(x, seen) for x in obj)
    return size


def test_the_row_memo_stays_small_in_every_worker(scenario) -> None:
    """The memo lives as long as its worker (each worker of a scan, the scan process too): full, it must hold
    well under the memory a worker reads files with. An entry of a row is 2-6 KiB (its staged digests and tokens;
    more with allocator overhead): 65,536 entries were 150-400 MiB per process (review8e); the bound keeps
    it under 64 MiB."""
    from scanner.persons import prints

    rows = [r for f in scenario.files if f.role in ("leak", "copy") for r in f.rows][:300]
    prints._MADE.clear()
    file_prints(_records(rows), KEY, rows=True)
    per_entry = _deep_size(prints._MADE, set()) / len(prints._MADE)
    prints._MADE.clear()
    assert prints._MADE_MAX * per_entry < 64 * 2**20, per_entry


def test_rooms_are_told_apart_on_fingerprints_as_on_clear_rows_and_never_in_clear() -> None:
    """Session 10: the room that tells two persons of one name and building apart travels keyed with its person
    (HMAC of name key, address key and room), so the keyed count equals the clear one and the truth."""
    import retyped_data as rd

    case = rd.build(n=40, copies=3, seed=4, room_twins=True)
    clear, keyed = [], []
    for i, c in enumerate(case.copies):
        recs = [PersonRecord("s", j + 2, {"name": r.name, "reading": r.reading, "address":
                                          "".join(r.parts[k] for k in ("pref", "muni", "town", "block", "glued"))})
                for j, r in enumerate(c.rows)]
        clear += make_rows(i, recs)[0]
        found = file_prints(recs, KEY, rows=True)
        blob = pickle.dumps(found)
        for p in case.people:
            if p.room:
                assert f"\x1f{p.room}".encode() not in blob and str(p.room).encode() not in blob
        for r in found.rows or []:
            r.file = i
        keyed += found.rows or []
    a, b = count(clear), count(keyed)
    assert a.unique == b.unique == case.truth()["persons"]
    assert (a.merges, a.probable_total) == (b.merges, b.probable_total)
    assert any(p["rule"] == "other_room" for p in b.probable)
