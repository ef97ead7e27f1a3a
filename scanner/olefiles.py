"""A compound file's bytes that olefile failed to open are not parsed again in the same inspection (issue 11).

An inspector asks olefile about one file's bytes more than once: the archive inspector's format sniff
(``tables._ole_kind``) and its embedded objects (``legacy_embedded.doc_objects``) each opened
``olefile.OleFileIO`` of the same bytes; a compound file olefile cannot open (a damaged .doc, random bytes behind the
OLE2 signature: every fake .doc of a share) was parsed twice and failed twice the same way. While :func:`held_ole`
holds a bytes object, a failure opening it is kept and raised again to the next opener of those very bytes (the same
object), as a new exception of the same type and args, without a second parse. An open that succeeds is not shared
(each caller reads its own streams). Failures that depend on the moment (MemoryError, RecursionError) are not kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass
from io import BytesIO
from typing import Any


@dataclass(slots=True)
class _Held:
    data: bytes
    error: Exception | None = None


_HELD: ContextVar[_Held | None] = ContextVar("leakscan_held_ole", default=None)


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NOTHING = nullcontext()  # bytes that are no compound file: nothing to hold (every other file an inspector reads)


def held_ole(data: bytes) -> AbstractContextManager[None]:
    """While inside, :func:`ole_file` of these very bytes (the same object) fails once at most; an inner hold of the
    same bytes shares the outer one. Only bytes that start as a compound file are held (olefile is asked of no other:
    a restored signature is a new object)."""
    return _held(data) if data.startswith(OLE_MAGIC) else _NOTHING


@contextmanager
def _held(data: bytes) -> Iterator[None]:
    held = _HELD.get()
    if held is not None and held.data is data:
        yield
        return
    token = _HELD.set(_Held(data))
    try:
        yield
    finally:
        _HELD.reset(token)


def _again(error: Exception) -> Exception:
    """A new exception of ``error``'s type and args (the kept one when it cannot be made again the same)."""
    try:
        again = type(error)(*error.args)
    except Exception:  # noqa: BLE001 - an exception not made again from its args: the one kept
        return error
    return again if type(again) is type(error) and str(again) == str(error) else error


def ole_file(data: bytes) -> Any:
    """``olefile.OleFileIO(io.BytesIO(data))`` (an olefile object: olefile ships no type information); for the held
    bytes, an open that failed before raises again without parsing."""
    import olefile  # a dependency of msoffcrypto-tool

    held = _HELD.get()
    if held is None or held.data is not data:
        return olefile.OleFileIO(BytesIO(data))
    if held.error is not None:
        raise _again(held.error)
    try:
        return olefile.OleFileIO(BytesIO(data))
    except (MemoryError, RecursionError):
        raise
    except Exception as e:
        held.error = e
        raise
