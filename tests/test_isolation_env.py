"""review8b: the isolated worker (where untrusted bytes are decoded) is not given the examiner's volume keys through
its environment: they reach it, when an image needs them, over its connection, and a crash or an exploited decoder
there must not hold a BitLocker recovery key or an APFS password it was never meant to have."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.isolation import KEY_ENVS, Worker
from scanner.sources.volume_keys import APFS_ENV, BITLOCKER_ENV, LUKS_ENV


def test_volume_key_variables_are_not_inherited(monkeypatch: pytest.MonkeyPatch) -> None:
    assert {LUKS_ENV, BITLOCKER_ENV, APFS_ENV} == KEY_ENVS
    for k, env in enumerate((LUKS_ENV, BITLOCKER_ENV, APFS_ENV)):
        monkeypatch.setenv(env, f"secret-{k}-Ab3")
    worker = Worker()
    worker.start()
    try:
        environ = Path(f"/proc/{worker.pid}/environ").read_bytes()
    finally:
        worker.close()
    assert b"secret-" not in environ and b"PYTHONPATH=" in environ
