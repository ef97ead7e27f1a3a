"""The demo's PC03 profile: its artefacts read by the libyal parsers and by hivex (an independent reader), and
its scan shows the timeline: the list opened from a USB stick, the stick's connection, in JST."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from scanner.demo import LEAKED_NAME, build_share
from scanner.demo_traces import OPENED, PLUGGED, STICK


@pytest.fixture(scope="module")
def share(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("demo") / "share"
    return root, build_share(root)


@pytest.mark.skipif(not shutil.which("hivexregedit"), reason="hivex not installed (see .ci/run)")
def test_demo_hives_read_by_hivex(share: tuple[Path, dict]) -> None:
    root, truth = share
    system = root / next(p for p in truth["trace_artefacts"] if p.endswith("SYSTEM"))
    text = subprocess.run(["hivexregedit", "--export", str(system), "\\"], capture_output=True, check=True).stdout
    assert f"Disk&Ven_{STICK['vendor']}&Prod_{STICK['product']}".encode() in text
    assert b'"\\\\DosDevices\\\\E:"=hex(3):5f,00,3f,00,3f,00,5f,00,55,00,53,00' in text  # _??_US...


def test_demo_pc03_timeline(share: tuple[Path, dict], tmp_path: Path, leakscan) -> None:
    root, truth = share
    out = tmp_path / "out"
    done = leakscan("scan", str(root / "PC03"), "--name", LEAKED_NAME, "--out", str(out), "--quiet")
    assert done.returncode == 1, done.stderr  # PC03 holds copies: the traces do not change that
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    read = {a["path"].split(str(root) + "/", 1)[1] for a in doc["trace_artefacts"]}
    assert read == set(truth["trace_artefacts"])
    [lnk] = [t for t in doc["traces"] if t["kind"] == "lnk"]
    assert lnk["referred_path"] == f"E:\\{LEAKED_NAME}" and lnk["removable"] is True
    assert lnk["device"]["serial"] == STICK["serial"] and lnk["device"]["first_connected"] == \
        PLUGGED.isoformat().replace("+00:00", "Z")
    assert lnk["times"]["shortcut_modified"] == OPENED.isoformat().replace("+00:00", "Z")
    html = (out / "report.html").read_text(encoding="utf-8")
    section = html[html.index('id="traces"'):]
    assert "2016-11-14 10:22:05 JST" in section and "2016-11-14 10:19:40 JST" in section
    assert f"シリアル {STICK['serial']}" in section
