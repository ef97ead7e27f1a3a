"""Keys for encrypted volumes (LUKS passphrase, BitLocker recovery key or password): from an environment variable or
a prompt, never from the command line, and never written anywhere.

The keys live only in this process's memory: they are not part of ScanConfig (which is saved in the
scan state and findings.json), their repr hides them, and the dfvfs key chain they are handed to is
emptied when the image is closed. A resumed scan asks again.
"""

from __future__ import annotations

import getpass
import os
import re
import sys
import unicodedata
from dataclasses import dataclass

from ..errors import UsageError

LUKS_ENV = "LEAKSCAN_LUKS_PASSPHRASE"
BITLOCKER_ENV = "LEAKSCAN_BITLOCKER_RECOVERY_KEY"
RECOVERY_PASSWORD = re.compile(r"\d{6}(?:-\d{6}){7}")  # a BitLocker recovery password: 8 groups of 6 digits


@dataclass(frozen=True, repr=False)
class VolumeKeys:
    """Secrets given by the examiner; ``for_type`` hands them to dfvfs as its credential identifiers."""

    luks_passphrase: str | None = None
    bitlocker_recovery_key: str | None = None

    def __repr__(self) -> str:  # a traceback or a debug log must never print a secret
        given = [n for n in ("luks_passphrase", "bitlocker_recovery_key") if getattr(self, n)]
        return f"VolumeKeys(given={given})"

    def __bool__(self) -> bool:
        return bool(self.luks_passphrase or self.bitlocker_recovery_key)

    def for_type(self, type_indicator: str) -> list[tuple[str, str]]:
        """(dfvfs credential identifier, value) pairs to try on one kind of encrypted volume."""
        if type_indicator == "LUKSDE" and self.luks_passphrase:
            return [("password", self.luks_passphrase)]
        if type_indicator == "BDE" and self.bitlocker_recovery_key:
            # the 48-digit recovery password, or the volume's password (BitLocker To Go, a data drive): libbde
            # refuses a password set as recovery password, and dfvfs sets both when both are in its key chain
            given = self.bitlocker_recovery_key
            recovery = recovery_password(given)
            if recovery is not None:
                return [("recovery_password", recovery)]
            return [("password", given)]
        return []


def recovery_password(given: str) -> str | None:
    """The 48-digit BitLocker recovery password in libbde's form (8 groups of 6 joined by ``-``) when ``given`` is
    one however it was typed (without dashes, with spaces, full-width digits from a Japanese input method);
    None for anything else (a password)."""
    text = unicodedata.normalize("NFKC", given).strip()
    if RECOVERY_PASSWORD.fullmatch(text):
        return text
    digits = re.sub(r"[\s-]", "", text)
    if len(digits) == 48 and digits.isascii() and digits.isdigit() and re.fullmatch(r"\d{6}(?:[\s-]*\d{6}){7}", text):
        return "-".join(digits[i:i + 6] for i in range(0, 48, 6))
    return None


def _secret(env: str, prompt: str, option: str) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        raise UsageError(f"{option}: set {env} in the environment, or run from a terminal to be asked "
                         "(a key is never taken on the command line)")
    try:
        value = getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt) as e:
        raise UsageError(f"{option}: no key entered") from e
    if not value:
        raise UsageError(f"{option}: no key entered")
    return value


def read_volume_keys(luks: bool, bitlocker: bool) -> VolumeKeys:
    """Ask for the keys the examiner said they have (environment first, then a prompt on the terminal)."""
    return VolumeKeys(
        _secret(LUKS_ENV, "LUKS passphrase: ", "--luks-passphrase") if luks else None,
        _secret(BITLOCKER_ENV, "BitLocker recovery key (48 digits) or password: ", "--bitlocker-recovery-key")
        if bitlocker else None,
    )
