"""``json.dumps(obj, ensure_ascii=False, indent=2)``, byte for byte, with most values written by the C encoder.

With ``indent`` the standard library encodes in pure Python (Python 3.11's C encoder has no indent): one
generator step per value (findings.json is 5 MB on a 20,000-file share). Here only the containers are walked in
Python; each run of a container's items that are no containers (a finding's scalar fields, a list of codes) is
encoded whole by the C encoder with an item separator that carries the newline and that depth's indent. That is
exactly what the indenting encoder writes between such items (``",\\n" + indent``, ``": "`` between a key and its
value, nothing inside strings, which the C encoder escapes on its own), so only the run's brackets are cut off.
A str key is encoded as the standard encoder does; a non-str key (the standard encoder's coercion), an unencodable
value or a circle: the whole document goes to ``json.dumps``, which then writes it or says what it says.
tests/test_json_indent.py compares the two on real findings, hostile names and special values. share-20000's
findings.json: 0.105 -> 0.078 s (pick23).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

_STEP = 2
_KEY = encode_basestring  # a str key (or value) as the indenting encoder writes it (ensure_ascii=False)
_encoders: dict[int, Any] = {}  # depth -> the C encoder with that depth's separators


class _Fallback(Exception):
    """Something this writer does not reproduce itself: the standard encoder writes the whole document."""


def dumps_indented(obj: object) -> str:
    """``json.dumps(obj, ensure_ascii=False, indent=2)`` (the same str)."""
    try:
        out: list[str] = []
        _write(obj, 0, out)
        return "".join(out)
    except (_Fallback, TypeError, ValueError, RecursionError):
        return json.dumps(obj, ensure_ascii=False, indent=_STEP)


def _flat_encoder(depth: int) -> Any:
    """The C encoder (as ``JSONEncoder(ensure_ascii=False, separators=...).iterencode(o, _one_shot=True)`` makes
    it) writing a flat container's items at ``depth`` + 1 as the indenting one does; no circle check (a flat
    container holds no container)."""
    enc = _encoders.get(depth)
    if enc is None:
        if c_make_encoder is None:
            raise _Fallback
        enc = _encoders[depth] = c_make_encoder(None, _refuse, encode_basestring, None, ": ",
                                                ",\n" + " " * (_STEP * (depth + 1)), False, False, True)
    return enc


def _refuse(o: object) -> object:
    raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")


_CONTAINERS = (dict, list, tuple)


def _write(obj: object, depth: int, out: list[str]) -> None:
    """``obj`` at ``depth``: a flat container, or each run of a container's items that are no containers, encoded
    whole by the C encoder; only the containers inside are walked here."""
    if isinstance(obj, dict):
        if not obj:
            out.append("{}")
            return
        for k in obj:
            if not isinstance(k, str):
                raise _Fallback  # (non-str keys: the standard encoder's coercion, kept in one place)
        inner = "\n" + " " * (_STEP * (depth + 1))
        enc = _flat_encoder(depth)
        out.append("{" + inner)
        run: dict[str, Any] = {}
        first = True
        for key, value in obj.items():
            if not isinstance(value, _CONTAINERS):
                run[key] = value
                continue
            if run:
                out.append(_run_text(enc, run, first, inner))
                run = {}
                first = False
            out.append(f"{_KEY(key)}: " if first else f",{inner}{_KEY(key)}: ")
            first = False
            _write(value, depth + 1, out)
        if run:
            out.append(_run_text(enc, run, first, inner))
        out.append("\n" + " " * (_STEP * depth) + "}")
        return
    if isinstance(obj, _CONTAINERS):
        if not obj:
            out.append("[]")
            return
        inner = "\n" + " " * (_STEP * (depth + 1))
        enc = _flat_encoder(depth)
        out.append("[" + inner)
        items: list[Any] = []
        first = True
        for value in obj:
            if not isinstance(value, _CONTAINERS):
                items.append(value)
                continue
            if items:
                out.append(_run_text(enc, items, first, inner))
                items = []
                first = False
            if not first:
                out.append("," + inner)
            first = False
            _write(value, depth + 1, out)
        if items:
            out.append(_run_text(enc, items, first, inner))
        out.append("\n" + " " * (_STEP * depth) + "]")
        return
    out.append(_scalar(obj))  # a scalar (or what the encoder's default refuses: TypeError)


def _run_text(enc: Callable[[object, int], Iterable[str]], run: object, first: bool, inner: str) -> str:
    """A run of leaf items encoded whole, brackets cut: the container's items as the indenting encoder lays them."""
    text = "".join(enc(run, 0))[1:-1]
    return text if first else "," + inner + text


def _scalar(obj: object) -> str:
    """A value that is no container, as the indenting encoder writes it."""
    if isinstance(obj, str):
        return str(_KEY(obj))
    return "".join(_flat_encoder(0)(obj, 0))
