"""Session 16 copy names, through the CLI: GNU Emacs' auto-save file ``#NAME#`` (a copy of the buffer) and its lock
``.#NAME`` (a link to ``user@host.pid:boot``, or a file holding that text where no link can be made).

Left out on purpose (notes of split16): Google Drive for desktop's conflict names and LibreOffice 7.1+'s backup
names could not be checked against their sources here; the forms leakscan already knows (``NAME (1).xlsx``,
``NAME.xlsx.bak``, ``NAME.bak``) stay as they are.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli

from scanner.demo import client_list_xlsx, make_people
from scanner.detectors.lockfile import LockFormatError, parse_emacs_lock

NAME = "利用者名簿_2019.xlsx"


def test_emacs_auto_save_and_lock_files_are_a_copy_and_a_lock(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    names = [f"#{NAME}#", f"#{NAME}", f"{NAME}#", f"##{NAME}#", "#利用者名簿_2018.xlsx#"]
    for i, name in enumerate(names):
        (share / name).write_bytes(client_list_xlsx(make_people(3, seed=1600 + i)))
    (share / f".#{NAME}").write_bytes(b"yamada@pc01.12345:1700000000")
    out = tmp_path / "out"
    done = run_cli("scan", str(share), "--name", NAME, "--out", str(out), "--quiet")
    assert done.returncode == 1, done.stderr[-2000:]
    files = {Path(f["path"]).name: f for f in json.loads((out / "findings.json").read_text("utf-8"))["files"]}
    assert "name-variant:emacs-autosave-open+emacs-autosave" in files[f"#{NAME}#"]["matched_rules"]
    lock = files[f".#{NAME}"]
    assert "name-variant:lock-emacs" in lock["matched_rules"], lock
    assert lock["annotations"]["lock"] == {"format": "emacs-lock", "user": None, "account": "yamada", "host": "pc01"}
    for name in (f"#{NAME}", f"{NAME}#", f"##{NAME}#"):  # one '#' alone, or two: no Emacs form, a lead at most
        assert "name-variant" not in files.get(name, {}).get("reasons", []), files.get(name)
    assert not {"name", "name-variant", "name-contains"} & set(files.get("#利用者名簿_2018.xlsx#", {}).get("reasons", []))


def test_an_emacs_lock_that_says_no_user_and_host_is_a_format_error() -> None:
    for data in (b"", b"yamada", b"yamada@pc01", b"\xff\xfe", b"a b@c.1"):
        try:
            parse_emacs_lock(data)
        except LockFormatError:
            continue
        raise AssertionError(data)
