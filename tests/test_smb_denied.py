"""A folder of an SMB share that the server refuses (Session 9): a colleague's home folder on the file server.

Samba runs as root in the tests (the SMB user is mapped onto root), and root reads a mode-000 folder; this
server is started with CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH dropped from its bounding set, so the folder is
really refused (``STATUS_ACCESS_DENIED``), as on a real server. The folder is listed as not examined with the
server's reason, and the terminal names it even with --quiet: what it holds was never looked at.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_cli
from smb_data import PASSWORD, SambaServer, refused

from scanner.demo import LEAKED_NAME, client_list_xlsx, make_people


@pytest.fixture(scope="module")
def denied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SambaServer, Path]]:
    root = tmp_path_factory.mktemp("smb-denied")
    share = root / "share"
    (share / "open").mkdir(parents=True)
    (share / "staff01").mkdir()
    people = make_people(12, seed=9093)
    (share / "open" / "memo.xlsx").write_bytes(client_list_xlsx(people[:3]))
    (share / "staff01" / LEAKED_NAME).write_bytes(client_list_xlsx(people))
    with refused(share / "staff01"):
        server = SambaServer(root / "samba", {"s": share}, without_dac=True).start()
        try:
            yield server, root
        finally:
            server.kill()


def test_a_refused_folder_is_listed_and_named_on_the_terminal(denied: tuple[SambaServer, Path]) -> None:
    server, root = denied
    out = root / "out"
    run = run_cli("scan", server.url("s"), "--name", LEAKED_NAME, "--out", str(out), "--quiet",
                  env={"LEAKSCAN_SMB_PASSWORD": PASSWORD})
    assert run.returncode == 3, run.stderr  # incomplete: the refused folder's files were never listed (Session 10)
    assert "1 folder(s) or volume(s) could not be listed" in run.stderr and "/staff01" in run.stderr, run.stderr
    assert "ACCESS_DENIED" in run.stderr and "Traceback" not in run.stderr
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    [skip] = [s for s in doc["skipped"] if s["path"].endswith("/staff01")]
    assert skip["reason"] == "unreadable" and "ACCESS_DENIED" in skip["detail"]
    # jawords13: the NT status is a code's word, said in the reader's language (it was quoted as a library's text)
    assert skip["detail_codes"] == [{"code": "directory-nt-status", "nt": "STATUS_ACCESS_DENIED"}], skip
    from reports.details import detail_text
    ja = detail_text(skip["detail"], skip["reason"], "ja", skip["detail_codes"])
    assert ja == "フォルダーの中身を一覧できませんでした：アクセスが拒否されました（STATUS_ACCESS_DENIED）", ja


def test_a_refused_start_folder_says_the_status_in_words(denied: tuple[SambaServer, Path]) -> None:
    """The folder the investigator named is refused: a source error whose reason is the NT status said by a code
    (session 14: it nested the bare ``STATUS_ACCESS_DENIED`` as a library's English text)."""
    server, root = denied
    out = root / "out-start"
    run = run_cli("scan", server.url("s") + "/staff01", "--name", LEAKED_NAME, "--out", str(out), "--quiet",
                  env={"LEAKSCAN_SMB_PASSWORD": PASSWORD})
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    [error] = doc["scan"]["source_errors"]
    [said] = error["error_codes"]
    assert said["code"] == "smb-root-unlisted", said
    assert said["why"] == [{"code": "directory-nt-status", "nt": "STATUS_ACCESS_DENIED"}], said
