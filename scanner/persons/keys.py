"""Keyed record fingerprints: HMAC-SHA256 over a person's normalised key, with a per-case key.

The key lives in the output folder (case.key, 0600) and is reused when present, so a rescan or a merge
into the same folder compares fingerprints; without the key a fingerprint says nothing about the person.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from pathlib import Path

from ..evidence import EvidenceError, read_case_file
from ..output import write_private

CASE_KEY = "case.key"
KEY_BYTES = 32
# exactly what case_key writes: 64 lowercase hex digits and a newline (a CR LF or no newline tolerated)
_KEY_FORM = re.compile(rb"([0-9a-f]{64})\r?\n?")


def read_key_file(path: Path) -> bytes | None:
    """The key in a case.key, checked as untrusted input: a regular file (never a link, a FIFO or a
    device), holding 64 hex digits and nothing else. None when there is none; anything else: exit 2."""
    if not os.path.lexists(path):
        return None
    data = read_case_file(path, limit=128)
    m = _KEY_FORM.fullmatch(data)
    if m is None:
        raise EvidenceError(f"{path}: not a leakscan case key (expected {KEY_BYTES * 2} hex digits)")
    return bytes.fromhex(m.group(1).decode("ascii"))


def key_text(key: bytes) -> str:
    """A key as case.key holds it."""
    return key.hex() + "\n"


def case_key(out: Path, new: bytes | None = None) -> bytes:
    """Read ``OUT/case.key`` or create it (``new``, else 32 random bytes; hex, 0600)."""
    path = out / CASE_KEY
    key = read_key_file(path)
    if key is None:
        key = new or secrets.token_bytes(KEY_BYTES)
        write_private(path, key_text(key))
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
    return read_key_file(out / CASE_KEY) or secrets.token_bytes(KEY_BYTES)


def key_id(key: bytes) -> str:
    """Which case key a scan's fingerprints were made with, without giving the key away (findings.json
    ``persons.key_id``): merge and persons refuse a case.key that is not the one the fingerprints were made
    with (a key copied from another case would make every person look new)."""
    return hmac.new(key, b"leakscan/case-key-id", hashlib.sha256).hexdigest()[:16]


def check_key_id(persons: dict, key: bytes | None, where: Path) -> None:
    """A case.key that does not belong to the fingerprints recorded with ``persons`` (a findings.json section)
    is refused in one line (exit 2); a folder without case.key, or a findings.json written before key ids
    were recorded, is not checked (merge then does not combine its persons; the list cannot be checked)."""
    recorded = persons.get("key_id") if isinstance(persons, dict) else None
    if recorded is None or key is None:  # no key in the folder (kept apart): nothing to compare, nothing combined
        return
    if key_id(key) != recorded:
        raise EvidenceError(f"{where / CASE_KEY}: not the key this scan's person fingerprints were made with "
                            "(replaced or copied from another case?); put the scan's own case.key back")
    proof = persons.get("keying_id")
    if proof is not None and proof != keying_id(key, persons.get("keying"), persons.get("chains")):
        raise EvidenceError(f"{where}: persons.keying_id is not the proof of its persons.keying over its record chains "
                            "(the keying or the chains edited, or the proof taken from another case)")


def keying_id(key: bytes, keying: object, chains: object) -> str:
    """The proof of a case's ``persons.keying`` (keying 15 on, evidence.PROVEN_KEYING): its keying and its record
    chains under the case key, so that a keying edited over chains of one format (14 and 15), or a proof taken from
    another case of the key, no longer matches (checked by check_key_id wherever the case key is)."""
    text = json.dumps([keying, sorted(chains) if isinstance(chains, list) else None], separators=(",", ":"))
    return hmac.new(key, b"leakscan/persons-keying\x1f" + text.encode(), hashlib.sha256).hexdigest()[:16]
