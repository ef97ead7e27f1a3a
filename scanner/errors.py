"""One exception root for leakscan; third-party errors are converted at the boundary with ``from``.

Messages never carry personal values: only paths, codes and library error text.
"""


class LeakscanError(Exception):
    """Root of every error leakscan raises on purpose."""


class UsageError(LeakscanError):
    """The user asked for something impossible (missing source, unwritable --out ...): exit 2."""


class SourceError(LeakscanError):
    """A whole source could not be opened (image unreadable, SMB login refused)."""


class ReadError(LeakscanError):
    """One entry could not be read; recorded as skipped with ``reason`` and the scan goes on."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class RuleError(LeakscanError):
    """A rule file in signatures/ is malformed."""
