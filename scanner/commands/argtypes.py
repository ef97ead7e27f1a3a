"""argparse types that refuse meaningless values in one line (exit 2), before anything is read or written.

A value that silently means something else is worse than an error: ``--out ''`` is the current folder,
``--parse-timeout nan`` never times out, ``--name '*.xlsx'`` matches no file (names are exact).
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable
from pathlib import Path

WILDCARDS = "*?"
SEPARATORS = "/\\"

# the exit code of a command whose work is not all there (a scan that could not list or read part of its
# sources, a notification list missing copies that could not be read again): never 0, never "found"
EXIT_INCOMPLETE = 3


def path(text: str) -> Path:
    """A path that is not empty (``Path('')`` would silently be the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return Path(text)


def int_at_least(low: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, not {value}")
        return value

    parse.__name__ = f"whole number >= {low}"
    return parse


def seconds(text: str) -> float:
    """A finite, positive number of seconds (nan, inf, 0 and negative values mean no limit or no time)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text!r}")
    return value


PASSWORD_FILE_HELP = ("passwords to try on encrypted workbooks (msoffcrypto-tool) and zip/7z archives, one per line "
                      "(UTF-8); a file opened with one says which line, never the password, and no password is "
                      "written anywhere")


def add_password_file(parser: argparse.ArgumentParser, extra: str = "") -> None:
    parser.add_argument("--password-file", type=path, metavar="FILE", help=PASSWORD_FILE_HELP + extra)


def passwords(args: argparse.Namespace) -> tuple[str, ...]:
    """The passwords of ``--password-file`` (read and checked now: a bad file stops before anything is read)."""
    if getattr(args, "password_file", None) is None:
        return ()
    from ..passwords import read_password_file

    return read_password_file(args.password_file)


def file_name(text: str) -> str:
    """An exact file name: not empty, no folder, no wildcard (copies and re-saves are found from it). A name
    typed in bytes that are not UTF-8 is decoded as cp932, as names on disk are (sources.local.decode_name)."""
    if any("\udc80" <= c <= "\udcff" for c in text):
        from ..sources.local import decode_name

        text = decode_name(os.fsencode(text))[0]
    name = text.strip()
    if not name.rstrip(". "):
        raise argparse.ArgumentTypeError("a file name is needed, not an empty one")
    if any(c in text for c in SEPARATORS):
        raise argparse.ArgumentTypeError(
            f"{text!r} is a path: give the file name only (its last part), not the folder")
    if any(c in text for c in WILDCARDS):
        raise argparse.ArgumentTypeError(
            f"{text!r}: wildcards are not supported; give the exact name of the leaked file (its copies, "
            "re-saves and owner files are found from it; other name lists are found by the keyword rules)")
    return text
