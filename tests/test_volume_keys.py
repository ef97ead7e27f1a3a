"""What the BitLocker secret given with --bitlocker-recovery-key is handed to dfvfs as.

Found in session 7 QA on real BitLocker volumes (dissect.fve's test data, AGPL, not copied here): a volume
protected by a password (BitLocker To Go on a USB stick, a data drive) could not be opened, because every
value was handed to libbde as a recovery password, and libbde refuses a value that is not 48 digits before
it even tries the password (dfvfs sets both when both are in its key chain, so the password must be the only
one set). The 48-digit recovery password and a password are told apart by their form.
"""

from __future__ import annotations

import pytest

from scanner.sources.volume_keys import VolumeKeys

RECOVERY = "284867-596541-514998-422114-660297-261613-215424-199408"


@pytest.mark.parametrize("given", [RECOVERY, f" {RECOVERY}\n", RECOVERY.replace("-", ""), RECOVERY.replace("-", " "),
                                   RECOVERY.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))])
def test_a_48_digit_recovery_password_is_a_recovery_password(given: str) -> None:
    assert VolumeKeys(bitlocker_recovery_key=given).for_type("BDE") == [("recovery_password", RECOVERY)]


@pytest.mark.parametrize("given", ["password12!@", "パスワード 1", "284867-596541", RECOVERY + "-1",
                                   RECOVERY.replace("-", "")[:47], "2848675-96541" + RECOVERY[13:]])
def test_anything_else_is_the_volume_password(given: str) -> None:
    assert VolumeKeys(bitlocker_recovery_key=given).for_type("BDE") == [("password", given)]


def test_libbde_refuses_a_password_as_recovery_password() -> None:
    """Why they must be told apart: libbde rejects the value outright (the unlock then never happens)."""
    pybde = pytest.importorskip("pybde")
    volume = pybde.volume()
    with pytest.raises(OSError):
        volume.set_recovery_password("password12!@")
    volume.set_password("password12!@")  # accepted as a password


def test_keys_never_show_in_repr() -> None:
    keys = VolumeKeys(luks_passphrase="secret-1", bitlocker_recovery_key="secret-2")
    assert "secret" not in repr(keys) and "secret" not in str(keys)
