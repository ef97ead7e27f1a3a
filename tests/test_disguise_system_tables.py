"""review7b: a text table under a .log name or without an extension is a disguise lead only when it holds persons.
System images are full of tables whose header says name and address of machines (a network inventory, a DHCP
lease dump): ``name,address,netmask`` with host names and IP addresses is no person list, and must not become
an extension-mismatch lead in the report."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_leakscan
from faker import Faker


def test_tables_of_machines_under_log_names_are_no_leads(tmp_path: Path) -> None:
    fk = Faker("en_US")
    fk.seed_instance(77)
    share = tmp_path / "etc"
    share.mkdir()
    inventory = "name,address,netmask,gateway\n" + "".join(
        f"{fk.hostname()},{fk.ipv4_private()},255.255.255.0,{fk.ipv4_private()}\n" for _ in range(30))
    leases = "host,name,address,status\n" + "".join(
        f"{fk.mac_address()},{fk.hostname(0)},{fk.ipv4_private()},active\n" for _ in range(30))
    (share / "hosts.log").write_text(inventory, encoding="utf-8")
    (share / "leases").write_text(leases, encoding="utf-8")
    (share / "dhcp.log").write_text(leases, encoding="utf-8")
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--out", str(out), "--quiet", "--workers", "1", timeout=300)
    assert done.returncode in (0, 1), done.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert doc["scan"]["files_seen"] == 3
    assert [f["path"] for f in doc["files"]] == []
