"""findings.json's writer (scanner.jsonindent) gives json.dumps(indent=2)'s bytes exactly (issue 11, pick23).

The writer walks the containers in Python and encodes flat ones with the C encoder; these tests compare it with the
standard library's indenting encoder on a real scan of the demo share, on a scan of files with hostile names, and
on values the JSON encoder treats specially (StrEnum/IntEnum members, tuples, non-finite floats, non-str keys,
empty and deep containers, unencodable values)."""

from __future__ import annotations

import enum
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.codes import Reason, Status
from scanner.jsonindent import dumps_indented
from scanner.output import write_json
from tests.conftest import scan_findings


def _same(doc: Any) -> None:
    assert dumps_indented(doc) == json.dumps(doc, ensure_ascii=False, indent=2)


def test_the_demo_findings_are_written_byte_for_byte_as_the_indenting_encoder_writes_them(demo_run: Any) -> None:
    out, _ = demo_run
    raw = (out / "report" / "findings.json").read_bytes()
    doc = json.loads(raw)
    assert raw.decode("utf-8") == json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    _same(doc)
    assert len(doc["files"]) >= 10


HOSTILE = ["a\"b.csv", "back\\slash.csv", "tab\there.csv", "nl\nname.csv", "cr\rname.csv", "ctl\x01\x1f.csv",
           "del\x7f.csv", "sep\u2028\u2029.csv", "{[,:]}.csv", "名簿 \"引用\".csv", "emoji\U0001f600.csv",
           "bom\ufeff.csv", "nul-ish\\u0000.csv", " lead and trail .csv"]


def test_a_scan_of_hostile_names_is_written_byte_for_byte(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    row = "氏名,住所\n山田 太郎,東京都千代田区千代田1-1\n佐藤 花子,大阪府大阪市北区梅田1-2-3\n".encode()
    for name in HOSTILE:
        (share / name).write_bytes(row)
    raw_name = os.fsencode(share) + b"/bad\xff\xfe.csv"  # not UTF-8: surrogate-escaped, written as raw_path_hex
    with open(raw_name, "wb") as f:
        f.write(row)
    (share / "empty.xlsx").write_bytes(b"")
    (share / "fake.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    found = scan_findings(share, tmp_path / "out")
    raw = (tmp_path / "out" / "findings.json").read_bytes()
    assert raw.decode("utf-8") == json.dumps(found, ensure_ascii=False, indent=2) + "\n"
    _same(found)
    assert len(found["files"]) + len(found["skipped"]) >= len(HOSTILE)


class _Small(enum.IntEnum):
    ONE = 1


class _Key(enum.StrEnum):
    K = "k\"ey\n"


@pytest.mark.parametrize("doc", [
    {}, [], "", 0, None, True, 1.5, "a\u2028b\"\\", [[]], [{}], {"a": {}}, {"a": []}, [[], {}, [[[]]]],
    {"s": Status.CORRUPT, "r": [Reason.PII, Reason.NAME], Reason.NAME: 1},
    {"i": _Small.ONE, "f": [float("nan"), float("inf"), -float("inf"), 1e300, -0.0], _Key.K: {_Key.K: _Key.K}},
    {"t": (1, (2, 3), ()), "d": {"deep": [[[[{"x": [1, {"y": None}]}]]]]}},
    {"mixed": [1, "2", None, False, {"a": 1}, [2]], "after": "x"},
    {7: "int key", 2.5: "float", None: "none", True: "bool"},  # non-str keys: the standard coercion
    {"nested": {1: "int key inside"}, "flat": {"a": 1}},
    [{"path": "/s/" + name, "codes": [name, name], "n": i} for i, name in enumerate(HOSTILE)],
])
def test_values_the_encoder_treats_specially_are_written_as_json_dumps_writes_them(doc: Any) -> None:
    _same(doc)


def test_what_json_dumps_refuses_is_refused_alike(tmp_path: Path) -> None:
    for bad in ({"a": {"b": object()}}, [1, {2}], {"a": [1, b"bytes"]}):
        with pytest.raises(TypeError):
            json.dumps(bad, ensure_ascii=False, indent=2)
        with pytest.raises(TypeError):
            dumps_indented(bad)
    circle: list[Any] = [1]
    circle.append([circle])
    with pytest.raises(ValueError, match="Circular"):
        dumps_indented(circle)
    made = write_json(tmp_path / "x.json", {"a": [1, {"b": "名簿"}], "c": {}})
    assert made.read_text(encoding="utf-8") == json.dumps({"a": [1, {"b": "名簿"}], "c": {}}, ensure_ascii=False,
                                                         indent=2) + "\n"


class _Code(enum.IntEnum):
    ONE = 1


class _Key(enum.StrEnum):
    SEP = "b\u2028"


class _Str(str):
    pass


_TEXT = (st.text(st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=()),
                 max_size=6)
         | st.sampled_from(["\udcff", "a\udc80b", "\x00\x1f", "\u2028\u2029", "\U0001F600", '"\\/', "\ufeff"]))
_SCALARS = (st.none() | st.booleans() | st.integers() | st.floats() | _TEXT
            | st.sampled_from([_Code.ONE, _Key.SEP, _Str("s"), -0.0, 1e16, 1e-7, 2**63, 10**30]))
_KEYS = _TEXT | st.sampled_from([_Key.SEP, _Str("k")]) | st.integers() | st.booleans() | st.none() | st.floats()
_TREES = st.recursive(_SCALARS, lambda c: st.lists(c, max_size=5) | st.lists(c, max_size=3).map(tuple)
                      | st.dictionaries(_KEYS, c, max_size=5), max_leaves=30)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_TREES)
def test_random_documents_are_written_as_the_indenting_encoder_writes_them(obj: object) -> None:
    """review23p: random trees (empty containers at any depth, lone surrogates of non-UTF-8 names, controls,
    U+2028, non-BMP, NaN/Infinity, -0.0, big ints, enums, str subclasses, non-str keys) give json.dumps's str."""
    assert dumps_indented(obj) == json.dumps(obj, ensure_ascii=False, indent=2)
