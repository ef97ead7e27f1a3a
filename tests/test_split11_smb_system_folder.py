"""Session 11: ``System Volume Information`` refused at the root of an SMB share (a ``D$`` share) is listed as
``system-folder`` and the scan stays complete; the same name refused deeper is an unlisted folder (incomplete).
Samba runs without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH so mode-000 folders are really refused."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli
from smb_data import PASSWORD, SambaServer, refused

from scanner.demo import LEAKED_NAME

SVI = "System Volume Information"


def test_system_volume_information_at_a_share_root_is_expected(tmp_path: Path) -> None:
    share = tmp_path / "share"
    (share / SVI).mkdir(parents=True)
    (share / "部署" / SVI).mkdir(parents=True)
    (share / "部署" / "memo.txt").write_text("memo\n", encoding="utf-8")
    with refused(share / SVI, share / "部署" / SVI):
        server = SambaServer(tmp_path / "samba", {"d": share}, without_dac=True).start()
        try:
            out = tmp_path / "out"
            run = run_cli("scan", server.url("d"), "--name", LEAKED_NAME, "--out", str(out), "--quiet",
                          env={"LEAKSCAN_SMB_PASSWORD": PASSWORD})
            strict = run_cli("scan", server.url("d"), "--name", LEAKED_NAME, "--out", str(tmp_path / "strict"),
                             "--quiet", "--strict-complete", env={"LEAKSCAN_SMB_PASSWORD": PASSWORD})
        finally:
            server.kill()
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    by = {s["path"]: s for s in doc["skipped"]}
    [root] = [s for p, s in by.items() if p.endswith(f"/{SVI}") and "部署" not in p]
    [deep] = [s for p, s in by.items() if p.endswith(f"部署/{SVI}")]
    assert root["reason"] == "system-folder" and "ACCESS_DENIED" in root["detail"], root
    assert deep["reason"] == "unreadable"
    assert run.returncode == 3 and [Path(u["path"]).name for u in doc["scan"]["incomplete"]["unlisted"]] == [SVI]
    assert "部署" in doc["scan"]["incomplete"]["unlisted"][0]["path"]
    report = (out / "report.html").read_text(encoding="utf-8")  # its own part of the report, in Japanese
    section = report[report.index('id="system-folders"'):]
    assert "読めないのが通常のシステムフォルダー" in section and SVI in section
    # --strict-complete: the old rule, the root's refusal is an unlisted folder too (review11a: moved here from the
    # local test, a plain local folder being no Windows volume root)
    doc = json.loads((tmp_path / "strict" / "findings.json").read_text("utf-8"))
    assert strict.returncode == 3
    assert sorted(s["reason"] for s in doc["skipped"] if s["path"].endswith(SVI)) == ["unreadable", "unreadable"]
