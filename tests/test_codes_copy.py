"""``details.codes_of`` copies a detail's codes without the JSON text round trip when they are plain JSON values
(Session 13: a copy for every fake spreadsheet settled in the scan process); the copy is what the round trip gives."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.details import Detail, Said, codes_of, join_details, say

_leaves = st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.floats(allow_nan=False)
_values = st.recursive(_leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(max_size=5), inner, max_size=4) | st.tuples(inner), max_leaves=20)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=6), _values, max_size=4), max_size=4))
def test_codes_copied_as_the_json_round_trip_gives(codes: list) -> None:
    said = Said("x", codes)
    copied = codes_of(said)
    assert copied == json.loads(json.dumps(codes, ensure_ascii=False))
    assert json.dumps(copied, ensure_ascii=False) == json.dumps(codes, ensure_ascii=False)
    assert copied is not codes and all(a is not b for a, b in zip(copied, codes, strict=True))


def test_codes_of_a_said_inside_codes_are_plain_text() -> None:
    inner = say(Detail.BINARY)
    said = Said("y", [{"code": "decoding", "note": inner}])  # a Said kept as a value: written as its text
    copied = codes_of(said)
    assert copied == [{"code": "decoding", "note": str(inner)}] and type(copied[0]["note"]) is str
    joined = join_details([say(Detail.ZIP_CORRUPT), say(Detail.BINARY)])
    assert codes_of(joined) == [{"code": "zip-corrupt"}, {"code": "binary"}]
