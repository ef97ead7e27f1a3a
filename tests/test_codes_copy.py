"""``details.codes_of`` copies a detail's codes without the JSON text round trip when they are plain JSON values
(Session 13: a copy for every fake spreadsheet settled in the scan process); the copy is what the round trip gives.

The values are drawn from a seeded generator (review13f: a hypothesis strategy of nested values cost ~5 s of CI for
50 examples): a few thousand nests of every kind the round trip treats apart (ints as large as Python holds, floats
and -0.0/inf, str and int subclasses, non-text keys that JSON turns into text, tuples, nests past the copy's depth
limit), in well under a second."""

from __future__ import annotations

import enum
import json
import random
from typing import Any

from scanner.codes import Status
from scanner.details import _NOT_PLAIN, Detail, Said, _plain_copy, codes_of, join_details, say


class _Level(enum.IntEnum):
    HIGH = 3


_LEAVES: list[Any] = [None, True, False, 0, -1, 7, 2**64, -(2**100), "", "\x00", "名簿", "\ud800", 'a"b\\c\n',
                      "\u2028", 0.0, -0.0, 1.5, 1e308, float("inf"), Status.CORRUPT, _Level.HIGH, say(Detail.BINARY)]
_KEYS: list[Any] = ["", "code", "n", "名前", "\x00", 1, True, None, 2.5, Status.OK]


def _value(rnd: random.Random, depth: int) -> Any:
    pick = rnd.random()
    if depth <= 0 or pick < 0.4:
        return rnd.choice(_LEAVES)
    items = [_value(rnd, depth - 1) for _ in range(rnd.randint(0, 4))]
    if pick < 0.65:
        return items
    if pick < 0.7:
        return tuple(items)
    keys = _KEYS if rnd.random() < 0.2 else _KEYS[:4]  # mostly text keys: the copy's own path
    return {rnd.choice(keys): item for item in items}


def _deep(levels: int) -> list[Any]:
    nest: Any = "bottom"
    for i in range(levels):
        nest = [nest] if i % 2 else {"k": nest}
    return [{"code": "x", "nest": nest}]


def _types(value: Any) -> Any:
    """The value's shape as the types of everything in it (a StrEnum kept where JSON gives a str shows)."""
    if isinstance(value, dict):
        return (type(value), [(type(k), _types(v)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return (type(value), [_types(v) for v in value])
    return type(value)


def _containers(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [value, *(c for v in value.values() for c in _containers(v))]
    if isinstance(value, list):
        return [value, *(c for v in value for c in _containers(v))]
    return []


def test_codes_copied_as_the_json_round_trip_gives() -> None:
    rnd = random.Random(13)
    plain = 0
    cases = [[{rnd.choice(_KEYS[:4]): _value(rnd, 5) for _ in range(rnd.randint(0, 4))}
              for _ in range(rnd.randint(0, 4))] for _ in range(1000)]
    cases += [_deep(40), _deep(49), _deep(51), _deep(200)]
    for codes in cases:
        copied = codes_of(Said("x", codes))
        expected = json.loads(json.dumps(codes, ensure_ascii=False))
        assert json.dumps(copied, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False), codes
        assert copied == expected
        assert _types(copied) == _types(expected)
        mine = {id(c) for c in _containers(codes)}
        assert not any(id(c) in mine for c in _containers(copied))  # a copy: no container shared, at any depth
        plain += _plain_copy(codes) is not _NOT_PLAIN
    assert plain > 300  # most cases stay on the copy's own path, not the fallback


def test_codes_of_a_said_inside_codes_are_plain_text() -> None:
    inner = say(Detail.BINARY)
    said = Said("y", [{"code": "decoding", "note": inner}])  # a Said kept as a value: written as its text
    copied = codes_of(said)
    assert copied == [{"code": "decoding", "note": str(inner)}] and type(copied[0]["note"]) is str
    joined = join_details([say(Detail.ZIP_CORRUPT), say(Detail.BINARY)])
    assert codes_of(joined) == [{"code": "zip-corrupt"}, {"code": "binary"}]


def test_codes_that_hold_themselves_are_read_totally() -> None:
    codes: list[Any] = [{"code": "x"}]
    codes[0]["self"] = codes  # the JSON round trip raises (circular): codes_of never does
    assert codes_of(Said("z", codes)) == [{"text": "z"}]
