"""What the BitLocker secret given with --bitlocker-recovery-key is handed to dfvfs as.

Found in session 7 QA on real BitLocker volumes (dissect.fve's test data, AGPL, not copied here): a volume
protected by a password (BitLocker To Go on a USB stick, a data drive) could not be opened, because every
value was handed to libbde as a recovery password, and libbde refuses a value that is not 48 digits before
it even tries the password (dfvfs sets both when both are in its key chain, so the password must be the only
one set). The 48-digit recovery password and a password are told apart by their form.
"""

from __future__ import annotations

import gzip
from pathlib import Path

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


# --- Session 8: BitLocker startup key files (.BEK) and APFS (FileVault) passwords --------------------------------

def test_startup_key_file_is_handed_to_libbde_with_the_recovery_key() -> None:
    keys = VolumeKeys(bitlocker_recovery_key=RECOVERY, bitlocker_startup_key="/keys/4A7C.BEK")
    assert keys.for_type("BDE") == [("startup_key", "/keys/4A7C.BEK"), ("recovery_password", RECOVERY)]
    assert VolumeKeys(bitlocker_startup_key="/keys/4A7C.BEK").for_type("BDE") == [("startup_key", "/keys/4A7C.BEK")]
    assert VolumeKeys(bitlocker_startup_key="/keys/4A7C.BEK").for_type("LUKSDE") == []


@pytest.mark.parametrize("given", ["ABCD-EFGH-IJKL-MNOP-QRST-UV12", " abcd-efgh-ijkl-mnop-qrst-uv12 ",
                                   "ＡＢＣＤ-ＥＦＧＨ-ＩＪＫＬ-ＭＮＯＰ-ＱＲＳＴ-ＵＶ１２"])
def test_an_apfs_personal_recovery_key_is_tried_as_one(given: str) -> None:
    assert VolumeKeys(apfs_password=given).for_type("APFS_CONTAINER") == [
        ("recovery_password", "ABCD-EFGH-IJKL-MNOP-QRST-UV12"), ("password", given)]


def test_an_apfs_password_is_a_password_and_only_for_apfs() -> None:
    keys = VolumeKeys(apfs_password="correct horse 1")
    assert keys.for_type("APFS_CONTAINER") == [("password", "correct horse 1")]
    assert keys.for_type("BDE") == [] and keys.for_type("LUKSDE") == []
    assert keys and "correct" not in repr(keys)


def test_libfsapfs_takes_both_credentials(corpus: Path, tmp_path: Path) -> None:
    """dfvfs' APFSUnlockVolume sets the password and the recovery password on a volume: libfsapfs accepts both
    kinds on a real volume (dfvfs' APFS container; not encrypted, so it stays unlocked)."""
    pyfsapfs = pytest.importorskip("pyfsapfs")
    raw = tmp_path / "c.raw"
    raw.write_bytes(gzip.decompress((corpus / "images" / "dfvfs__apfs.raw.gz").read_bytes()))
    container = pyfsapfs.container()
    container.open(str(raw))
    volume = container.get_volume(0)
    volume.set_password("correct horse 1")
    volume.set_recovery_password("ABCD-EFGH-IJKL-MNOP-QRST-UV12")
    assert volume.unlock() and not volume.is_locked()
    container.close()
