"""split12: split series on an SMB share are joined as in a local folder (series_join): over SMB a complete
``customers.csv.001 ...`` listed ``.001`` "named like a disk image" and its other parts ended as nothing (the
people in them unchecked); ``X.zip.001 ...`` were listed part by part, unread. Parts over 1 MiB are read by the
workers over their own connection (SmbRef); smaller ones, fetched whole with their folder, travel as bytes."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli
from image_data import LEAKED, leaked_workbook
from smb_data import PASSWORD, SambaServer
from test_fixsplit11_plain_split import _csv
from test_split11_series import _split, _zip
from test_split12_partial import _complete_lines

ENV = {"LEAKSCAN_SMB_PASSWORD": PASSWORD}


def test_split_series_on_an_smb_share_are_joined(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    big = _csv(600) * 40  # 2.2 MB: parts over 1 MiB, read by the workers over SMB
    (share / "full").mkdir()
    _split(share / "full", "customers.csv", big, parts=2)
    (share / "gap").mkdir()
    gap = _split(share / "gap", "customers.csv", _csv(600), parts=4)
    gap[2].unlink()
    (share / "zip").mkdir()
    _split(share / "zip", "backup.zip", _zip(leaked_workbook(rows=12)), parts=3)
    server = SambaServer(tmp_path / "samba", {"ev": share}).start()
    try:
        out = tmp_path / "out"
        run = run_cli("scan", server.url("ev"), "--name", LEAKED, "--out", str(out), "--quiet", env=ENV)
        assert run.returncode in (0, 1), run.stderr
        doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
        files = {f["path"].split(" » ", 1)[1]: f for f in doc["files"]}
        listed = {s["path"].split(" » ", 1)[1]: s for s in doc["skipped"]}
        row = files["/full/customers.csv.001"]
        assert row["status"] == "ok" and row["pii"]["records"] == 600 * 40, row.get("pii")
        assert not [p for p in listed if p.startswith("/full/")], listed  # the parts are the file, read whole
        first = files["/gap/customers.csv.001"]
        assert first["pii"]["records"] == _complete_lines(gap[0].read_bytes() + gap[1].read_bytes(), True)
        assert first["status"] == "corrupt" and "customers.csv.003" in first["status_detail"]
        assert files["/gap/customers.csv.004"]["pii"]["records"] == _complete_lines(gap[3].read_bytes(), True)
        assert "read joined with part 1" in listed["/gap/customers.csv.002"]["detail"]
        member = files[f"/zip/backup.zip.001 » data/{LEAKED}"]
        assert member["status"] == "ok" and member["pii"]["records"] == 12, member
        assert not [p for p in listed if p.startswith("/zip/")], listed
        check = run_cli("verify", str(out), "--sources", server.url("ev"), "--json", env=ENV)
        rows = {r["path"].split(" » ", 1)[1]: r for r in json.loads(check.stdout)["sources"]}
        assert rows[f"/zip/backup.zip.001 » data/{LEAKED}"]["status"] == "match", rows
    finally:
        server.kill()
