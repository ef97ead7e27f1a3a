"""Keys for encrypted volumes (LUKS passphrase, BitLocker recovery key or password, APFS password or recovery key):
from an environment variable or a prompt, never from the command line, and never written anywhere. A BitLocker
startup key is a file (.BEK, on the USB stick the PC booted with): its path is given, its bytes are read by libbde.

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
APFS_ENV = "LEAKSCAN_APFS_PASSWORD"
# an APFS (FileVault) personal recovery key: 6 groups of 4 letters or digits
APFS_RECOVERY_KEY = re.compile(r"[A-Z0-9]{4}(?:-[A-Z0-9]{4}){5}")
RECOVERY_PASSWORD = re.compile(r"\d{6}(?:-\d{6}){7}")  # a BitLocker recovery password: 8 groups of 6 digits


@dataclass(frozen=True, repr=False)
class VolumeKeys:
    """Secrets given by the examiner; ``for_type`` hands them to dfvfs as its credential identifiers."""

    luks_passphrase: str | None = None
    bitlocker_recovery_key: str | None = None
    apfs_password: str | None = None
    bitlocker_startup_key: str | None = None  # path of a .BEK file (not a secret itself; its bytes are)

    def __repr__(self) -> str:  # a traceback or a debug log must never print a secret
        given = [n for n in ("luks_passphrase", "bitlocker_recovery_key", "apfs_password", "bitlocker_startup_key")
                 if getattr(self, n)]
        return f"VolumeKeys(given={given})"

    def __bool__(self) -> bool:
        return bool(self.luks_passphrase or self.bitlocker_recovery_key or self.apfs_password
                    or self.bitlocker_startup_key)

    def for_type(self, type_indicator: str) -> list[tuple[str, str]]:
        """(dfvfs credential identifier, value) pairs to try on one kind of encrypted volume."""
        if type_indicator == "LUKSDE" and self.luks_passphrase:
            return [("password", self.luks_passphrase)]
        if type_indicator == "BDE":
            pairs = [("startup_key", self.bitlocker_startup_key)] if self.bitlocker_startup_key else []
            if self.bitlocker_recovery_key:
                # the 48-digit recovery password, or the volume's password (BitLocker To Go, a data drive): libbde
                # refuses a password set as recovery password, and dfvfs sets both when both are in its key chain
                given = self.bitlocker_recovery_key
                recovery = recovery_password(given)
                pairs.append(("recovery_password", recovery) if recovery is not None else ("password", given))
            return pairs
        if type_indicator == "APFS_CONTAINER" and self.apfs_password:
            # libfsapfs tries the user password and the personal recovery key on their own protectors
            given = self.apfs_password
            key = unicodedata.normalize("NFKC", given).strip().upper()
            if APFS_RECOVERY_KEY.fullmatch(key):
                return [("recovery_password", key), ("password", given)]
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


def startup_key_file(path: str) -> str:
    """The .BEK file given with --bitlocker-startup-key, checked before the scan starts: libbde reads it (a file
    that is not a startup key is a usage error with libbde's reason, not a volume that stays locked)."""
    if not os.path.isfile(path):
        raise UsageError(f"--bitlocker-startup-key {path}: no such file (a BitLocker startup key, .BEK)")
    from ..backends import MissingBackend, load

    held = _held_in_memory(path)
    try:
        load("pybde").volume().read_startup_key(held)
    except MissingBackend as e:
        raise UsageError(f"--bitlocker-startup-key: {e}") from e
    except (OSError, ValueError) as e:
        reason = re.sub(r"\s*libbde_volume_read_startup_key: unable to open startup key file: .*$", "", str(e))
        raise UsageError(f"--bitlocker-startup-key {path}: not a BitLocker startup key file: {reason}") from e
    return held


# a .BEK is a few hundred bytes; more is no startup key (libbde says so on what was read)
_STARTUP_KEY_MAX = 1 << 16


def _held_in_memory(path: str) -> str:
    """A path libbde (and dfvfs, which hands libbde the path) can open that reads the .BEK's bytes from memory:
    the file (on the suspect's USB stick, evidence) is read once O_NOATIME, so its access time stays, and never
    copied to disk (a memfd of this process, opened by /proc/<pid>/fd/<n> from its workers too). Where there is
    no memfd the path itself."""
    from .image_noatime import open_evidence

    if not hasattr(os, "memfd_create") or not os.path.isdir(f"/proc/{os.getpid()}/fd"):
        return path
    fd = open_evidence(path)
    try:
        data = os.read(fd, _STARTUP_KEY_MAX)
    finally:
        os.close(fd)
    mem = os.memfd_create("leakscan-startup-key", 0)  # inherited by forked workers; lives as long as the scan
    os.write(mem, data)
    return f"/proc/{os.getpid()}/fd/{mem}"


def read_volume_keys(luks: bool, bitlocker: bool, apfs: bool = False, startup_key: str | None = None) -> VolumeKeys:
    """Ask for the keys the examiner said they have (environment first, then a prompt on the terminal)."""
    return VolumeKeys(
        _secret(LUKS_ENV, "LUKS passphrase: ", "--luks-passphrase") if luks else None,
        _secret(BITLOCKER_ENV, "BitLocker recovery key (48 digits) or password: ", "--bitlocker-recovery-key")
        if bitlocker else None,
        _secret(APFS_ENV, "APFS (FileVault) password or recovery key: ", "--apfs-password") if apfs else None,
        startup_key_file(startup_key) if startup_key else None,
    )
