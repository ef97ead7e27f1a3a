"""Passwords the examiner hands over for encrypted workbooks and archives (``--password-file FILE``).

One password per line, exactly as typed (only the line end is removed; a blank line is no password). A
password is entry N of the file, N its line number: a file opened with one says "entry N", never the
password. Passwords live in ``ScanConfig.passwords`` only, for the inspectors (in worker processes too):
they are left out of the config's repr, of ``scan.settings`` (which records how many), of the resumable
state, of logs and of every output, and no error message quotes the file's content.
"""

from __future__ import annotations

import stat
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from .errors import UsageError
from .optionfile import read_option_file

MAX_FILE_BYTES = 1 << 20  # a password list, not a dictionary attack
# Excel encrypts a workbook saved with only "protect workbook structure" or as read-only recommended under
# this published default password and opens it without asking: always tried on workbooks
EXCEL_DEFAULT_PASSWORD = "VelvetSweatshop"
EXCEL_DEFAULT_ENTRY = 0  # its "entry": not a line of the examiner's file


def read_password_file(path: Path) -> tuple[str, ...]:
    """The file's lines (blank ones kept as "", so entry N is line N); a UsageError names the file and the
    problem, never a line's content."""
    raw, st = read_option_file(path, "--password-file", MAX_FILE_BYTES, " (one password per line)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise UsageError(f"--password-file {path}: line {line} is not UTF-8 text (save the file as UTF-8)") from None
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()  # the final line end
    if not any(lines):
        raise UsageError(f"--password-file {path}: holds no password")
    if st.st_mode & (stat.S_IRGRP | stat.S_IROTH):
        print(f"leakscan: warning: --password-file {path} can be read by other users (chmod 600 it)", file=sys.stderr)
    return tuple(lines)


def entries(passwords: Sequence[str], first: int | None = None) -> Iterator[tuple[int, str]]:
    """(entry number, password) of every non-blank line; entry ``first`` (the last one that fitted) first."""
    numbered = [(i, p) for i, p in enumerate(passwords, 1) if p]
    if first is not None:
        numbered.sort(key=lambda e: e[0] != first)
    yield from numbered


def byte_forms(password: str) -> list[bytes]:
    """A zip password's bytes as the tools write them: UTF-8 (7-Zip, WinZip AES, macOS) and cp932
    (Japanese Windows archivers such as Lhaplus and Explzh); the same bytes once for an ASCII password."""
    forms = [password.encode("utf-8")]
    try:
        forms.append(password.encode("cp932"))
    except UnicodeEncodeError:
        pass
    return list(dict.fromkeys(forms))


def opened_with(entry: int, what: str | None = None) -> dict[str, object]:
    """The note a file opened with a password gets (``annotations.password``): which entry, never the password."""
    note: dict[str, object] = ({"entry": None, "builtin": "excel-default"} if entry == EXCEL_DEFAULT_ENTRY
                               else {"entry": entry})
    if what:
        note["what"] = what
    return note
