"""Keyed record fingerprints: HMAC-SHA256 over a person's normalised key, with a per-case key.

The key lives in the output folder (case.key, 0600) and is reused when present, so a rescan or a merge
into the same folder compares fingerprints; without the key a fingerprint says nothing about the person.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from ..errors import UsageError
from ..output import write_private

CASE_KEY = "case.key"


def case_key(out: Path, new: bytes | None = None) -> bytes:
    """Read ``OUT/case.key`` or create it (``new``, else 32 random bytes; hex, 0600)."""
    path = out / CASE_KEY
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        text = (new or secrets.token_bytes(32)).hex()
        write_private(path, text + "\n")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: cannot read the case key ({e})") from e
    try:
        key = bytes.fromhex(text)
    except ValueError as e:
        raise UsageError(f"{path}: not a leakscan case key") from e
    if len(key) < 16:
        raise UsageError(f"{path}: case key too short")
    return key


_KEYED: dict[bytes, hmac.HMAC] = {}


def fingerprint(key: bytes, name_key: str, address_key: str) -> str:
    """HMAC-SHA256 of ``name \\x1f address`` (both already normalised), as hex.

    The keyed state is built once per key and copied per record (faster than re-keying each time).
    """
    keyed = _KEYED.get(key)
    if keyed is None:
        keyed = _KEYED[key] = hmac.new(key, digestmod=hashlib.sha256)
    h = keyed.copy()
    h.update(f"{name_key}\x1f{address_key}".encode())
    return h.hexdigest()


def scan_key(out: Path) -> bytes:
    """The key a scan fingerprints persons with: ``OUT/case.key`` when it exists (a rerun, a resume), else a
    fresh one that the person analysis writes there (nothing is created in --out before the walk)."""
    if (out / CASE_KEY).is_file():
        return case_key(out)
    return secrets.token_bytes(32)
