"""Log formatting that cannot leak personal values through tracebacks (``-v`` debug logs).

A traceback's last line is the exception message, and third-party parser messages quote the data they
failed on (a cell holding a name). Frames and exception types are kept (they locate the bug); messages
are kept only for leakscan's own errors (written without personal values) and OS errors (paths).
"""

from __future__ import annotations

import logging
import traceback
from types import TracebackType

from .errors import LeakscanError
from .textsafe import shown

_SAFE_MESSAGES = (LeakscanError, OSError)
_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def _lines(te: traceback.TracebackException, seen: set[int]) -> list[str]:
    seen.add(id(te))
    out: list[str] = []
    if te.__cause__ is not None and id(te.__cause__) not in seen:
        out += [*_lines(te.__cause__, seen), _CAUSE]
    elif te.__context__ is not None and not te.__suppress_context__ and id(te.__context__) not in seen:
        out += [*_lines(te.__context__, seen), _CONTEXT]
    if te.stack:
        out += ["Traceback (most recent call last):\n", *te.stack.format()]
    kind = te.exc_type
    name = getattr(kind, "__qualname__", str(kind))
    if kind is not None and issubclass(kind, _SAFE_MESSAGES):
        out += list(te.format_exception_only())
    else:
        out.append(f"{name}: (message withheld: it may quote personal data)\n")
    return out


def safe_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` (and its causes) with third-party exception messages withheld."""
    te = traceback.TracebackException(type(exc), exc, exc.__traceback__)
    return "".join(_lines(te, set())).rstrip("\n")


class RedactingFormatter(logging.Formatter):
    """A logging formatter whose tracebacks never carry third-party exception messages, and whose
    messages show control characters of hostile file names as ⟨U+XXXX⟩ (no raw ANSI escapes)."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's interface
        return shown(super().formatMessage(record))

    def formatException(self, ei: tuple[type[BaseException], BaseException, TracebackType | None]  # noqa: N802
                        | tuple[None, None, None]) -> str:
        if ei[1] is None:
            return ""
        return safe_traceback(ei[1])
