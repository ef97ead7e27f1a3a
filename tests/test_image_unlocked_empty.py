"""An encrypted volume that its key unlocks but whose decrypted data hold no file system leakscan reads.

Found in session 7 QA on dissect.fve's BitLocker test volumes (unlocked with their recovery password, or
with no key at all when protection is suspended: a clear key): the listing said only "no file system
recognised; The Sleuth Kit: ... Possible encryption detected (High entropy)", which reads as a wrong key.
It must say the volume was unlocked (the key is right) and what its decrypted data are. Built here with
cryptsetup on a file (LUKS1; its data area decrypts to noise), so no fetched image is needed.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_leakscan
from tests.image_data import LEAKED, luks_image

pytestmark = pytest.mark.skipif(not shutil.which("cryptsetup"), reason="cryptsetup is needed")
PASSPHRASE = "correct horse"


def test_unlocked_volume_without_file_system_says_it_was_unlocked(tmp_path: Path) -> None:
    noise = tmp_path / "noise.raw"
    noise.write_bytes(os.urandom(1 << 20))
    vol = luks_image(tmp_path / "crypt.img", noise, PASSPHRASE)
    out = tmp_path / "out"
    proc = run_leakscan("scan", str(vol), "--luks-passphrase", "--name", LEAKED, "--out", str(out), "--quiet",
                        env={**os.environ, "LEAKSCAN_LUKS_PASSPHRASE": PASSPHRASE})
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    (layer,) = [s for s in doc["skipped"] if s["reason"] != "source-error"]
    assert layer["container"][-1]["detail"].get("encryption") == "LUKS"
    assert "LUKS volume unlocked" in layer["detail"] and "decrypted" in layer["detail"], layer["detail"]
    assert PASSPHRASE not in json.dumps(doc) and PASSPHRASE not in proc.stderr
