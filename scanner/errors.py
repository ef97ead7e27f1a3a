"""One exception root for leakscan; third-party errors are converted at the boundary with ``from``.

Messages never carry personal values: only paths, codes and library error text.
"""

from __future__ import annotations

from .codes import Status


def error_name(e: BaseException) -> str:
    """Name a third-party (parser) error without its message, for details, logs and findings.

    Parser messages quote the data they choked on (openpyxl: ``invalid literal for int() with base 10:
    '山田太郎'``), and in a spreadsheet that data is personal, so only the exception's type is kept.
    """
    return type(e).__name__


class LeakscanError(Exception):
    """Root of every error leakscan raises on purpose."""


class UsageError(LeakscanError):
    """The user asked for something impossible (missing source, unwritable --out ...): exit 2."""


class SourceError(LeakscanError):
    """A whole source could not be opened (image unreadable, SMB login refused).

    ``skipped`` lists the parts that were recognised but could not be read (an image's encrypted or
    unsupported volumes), so each is reported with its own reason beside the source error.
    """

    skipped: list = []  # set on the instance when there is something to list
    details: dict | None = None  # what was learnt of the source before it failed (an image's source_details)


class ReadError(LeakscanError):
    """One entry could not be read; recorded as skipped with ``reason`` and the scan goes on."""

    def __init__(self, reason: Status, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class WorkerError(LeakscanError):
    """No worker process could be started (the interpreter cannot be run, no process may be created)."""


class RuleError(LeakscanError):
    """A rule file in signatures/ is malformed."""
