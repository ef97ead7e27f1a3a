"""Trace artefacts written by real Windows systems (plaso's test data in ../shared/corpus/traces): leakscan
reads what plaso's own tests say each one holds. Damaged copies of each are listed as corrupt."""

from __future__ import annotations

import json
import re
from pathlib import Path

import olefile
import pytest

from scanner.traces.artefacts import parse_artefact
from scanner.traces.jumplist import parse_jumplist
from scanner.traces.lnk import parse_lnk
from scanner.traces.registry import parse_hive
from scanner.traces.setupapi import parse_setupapi


@pytest.fixture(scope="module")
def traces(corpus: Path) -> Path:
    return corpus / "traces"


def _position(where: str) -> int:
    return int(re.search(r"MRU position (\d+)", where).group(1))


def test_shortcut_as_plaso_describes_it(traces: Path) -> None:
    """plaso tests/parsers/winlnk.py: example.lnk."""
    ref = parse_lnk((traces / "plaso__example.lnk").read_bytes())
    assert ref.times == {"target_created": "2009-07-13T23:29:02.849131Z",
                         "target_modified": "2009-07-14T01:39:18.220000Z",
                         "target_accessed": "2009-07-13T23:29:02.849131Z"}
    assert ref.size == 544768
    assert ref.path == ".\\migwiz\\migwiz.exe"  # no local path: the relative path is what it records
    assert ref.drive_type is None and ref.volume_serial is None


def test_user_hive_as_plaso_describes_it(traces: Path) -> None:
    """plaso tests/parsers/winreg_plugins/mrulistex.py and officemru.py: NTUSER-WIN7.DAT."""
    found = parse_hive((traces / "plaso__NTUSER-WIN7.DAT").read_bytes())
    assert found.hive_type == "ntuser" and not found.warnings
    recent = sorted((r for r in found.references if re.match(r"RecentDocs value", r.where)),
                    key=lambda r: _position(r.where))
    assert [r.path for r in recent] == [
        "The SHIELD", "captain_america_shield_by_almogrem-d48x9x8.jpg", "captain-america-shield-front.jpg",
        "Leadership", "followership.pdf", "leaderqualities.pdf", "htlhtl.pdf", "StarFury",
        "Earth_SA-26_Thunderbolt.jpg", "5031RR_BalancedLeadership.pdf", "SA-23E Mitchell-Hyundyne Starfury.docx",
        "StarFury.docx", "StarFury.zip", "VIBRANIUM.docx", "ADAMANTIUM-Background.docx", "Pictures",
        "nick_fury_77831.jpg", "Downloads", "wallpaper_medium.jpg"]
    assert recent[0].times == {"last_opened": "2012-04-01T13:52:39.113741Z"}  # the key's time: newest entry only
    assert all(not r.times for r in recent[1:])

    word = [r for r in found.references if r.kind == "office-mru" and "14.0\\Word" in r.where]
    assert [r.path.rsplit("\\", 1)[-1] for r in word] == [
        "SA-23E Mitchell-Hyundyne Starfury.docx", "Earthforce SA-26 Thunderbolt Star Fury.docx", "StarFury.docx",
        "VIBRANIUM.docx", "ADAMANTIUM-Background.docx"]
    assert word[0].path == "C:\\Users\\nfury\\Documents\\StarFury\\StarFury\\SA-23E Mitchell-Hyundyne Starfury.docx"
    assert word[0].times["last_opened"] == "2012-03-13T18:27:15.083000Z"  # [T01CD0146EA1EADB0]

    exe = sorted((r for r in found.references if r.where.startswith("OpenSavePidlMRU\\exe ")),
                 key=lambda r: _position(r.where))
    assert [r.path for r in exe] == ["P:\\Application Tools\\Firefox 6.0\\Firefox Setup 6.0.exe",
                                     "\\\\controller\\WebDavShare\\Firefox Setup 3.6.12.exe"]
    assert exe[0].times["last_opened"] == "2011-08-28T22:48:28.159308Z"


def test_device_log_names_the_usb_stick(traces: Path) -> None:
    """plaso tests/parsers/text_plugins/setupapi.py reads setupapi.dev.log; its one USB storage device is a
    Generic Flash Disk installed in the section that starts at 2016/11/22 23:50:30.938 (local time)."""
    found = parse_setupapi((traces / "plaso__setupapi.dev.log").read_bytes())
    assert [(d.vendor, d.product, d.revision, d.serial, d.first_connected) for d in found.devices] == [
        ("Generic", "Flash_Disk", "8.07", "99E2116A", "2016-11-22T23:50:30.938")]


def test_jump_list_entries_join_their_shortcut_streams(traces: Path) -> None:
    """The corpus jump list (format 1, Windows 7): every DestList entry has its LNK stream, whose target is
    the DestList path; the stream names agree with olefile, an independent reader."""
    data = (traces / "plaso__1b4dd67f29cb1962.automaticDestinations-ms").read_bytes()
    found = parse_jumplist(data, "1b4dd67f29cb1962")
    with olefile.OleFileIO(data) as ole:
        streams = {e[0] for e in ole.listdir()}
    assert len(found.references) == len(streams - {"DestList"}) == 7
    assert {r.where.split()[-1] for r in found.references} == streams - {"DestList"}
    assert {r.hostname for r in found.references} == {"student-pc1"}
    assert all(r.app_id == "1b4dd67f29cb1962" and r.times["last_opened"].endswith("Z") for r in found.references)
    downloads = next(r for r in found.references if r.path.endswith("\\Downloads"))
    assert downloads.path == "C:\\Users\\bperry\\Downloads" and downloads.volume_serial == "8850-29E6"
    assert downloads.times["last_opened"] == "2015-08-29T15:32:44.034300Z" and downloads.open_count == 4


def test_user_classes_hive_shell_bags(traces: Path) -> None:
    """UsrClass.dat: the shell bags under Local Settings (Control Panel items, a volume by GUID)."""
    found = parse_hive((traces / "plaso__UsrClass.dat").read_bytes())
    assert found.hive_type == "usrclass" and not found.warnings
    bags = [r for r in found.references if r.kind == "shellbag"]
    assert len(bags) == 5
    assert bags[0].path == "<26ee0668-a00a-44d7-9371-beb064c98683>"  # Control Panel, never a made-up name
    assert all(r.times["folder_opened"].startswith("2016-10-09T") for r in bags)


@pytest.mark.parametrize("name, kind, damage", [
    ("plaso__example.lnk", "lnk", lambda d: d[:80]),
    ("plaso__1b4dd67f29cb1962.automaticDestinations-ms", "jumplist", lambda d: d[:5000]),
    ("plaso__NTUSER-WIN7.DAT", "hive", lambda d: d[:65536]),
    ("plaso__UsrClass.dat", "hive", lambda d: d[:4096] + b"\xff" * 64 + d[4160:]),
])
def test_damaged_artefacts_raise_for_the_worker(traces: Path, name: str, kind: str, damage) -> None:
    with pytest.raises((OSError, ValueError)):
        parse_artefact(kind, damage((traces / name).read_bytes()), name)


def test_scan_lists_damaged_copies_as_corrupt_and_reads_the_rest(traces: Path, tmp_path: Path, leakscan) -> None:
    profile = tmp_path / "src" / "PC09" / "Users" / "nfury"
    recent = profile / "AppData" / "Roaming" / "Microsoft" / "Windows" / "Recent"
    jumps = recent / "AutomaticDestinations"
    for d in (recent, jumps):
        d.mkdir(parents=True)
    hive = (traces / "plaso__NTUSER-WIN7.DAT").read_bytes()
    jump = (traces / "plaso__1b4dd67f29cb1962.automaticDestinations-ms").read_bytes()
    lnk = (traces / "plaso__example.lnk").read_bytes()
    (profile / "NTUSER.DAT").write_bytes(hive)
    bad = tmp_path / "src" / "PC10" / "Users" / "x"
    (bad / "Recent").mkdir(parents=True)
    (bad / "NTUSER.DAT").write_bytes(hive[:65536])
    (bad / "Recent" / "1b4dd67f29cb1962.automaticDestinations-ms").write_bytes(jump[:5000])
    (bad / "Recent" / "migwiz.lnk").write_bytes(lnk[:80])
    (bad / "Recent" / "renamed.dat").write_bytes(lnk[:200])  # found by its header, damaged all the same
    (jumps / "1b4dd67f29cb1962.automaticDestinations-ms").write_bytes(jump)
    out = tmp_path / "out"
    done = leakscan("scan", str(tmp_path / "src"), "--name", "VIBRANIUM.docx", "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr  # traces are no copies: nothing changes the exit code
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    corrupt = {Path(s["path"]).name for s in doc["skipped"] if s["reason"] == "corrupt"}
    assert corrupt == {"NTUSER.DAT", "1b4dd67f29cb1962.automaticDestinations-ms", "migwiz.lnk", "renamed.dat"}
    assert all(s["detail"] and "VIBRANIUM" not in s["detail"] for s in doc["skipped"])
    kinds = sorted(t["kind"] for t in doc["traces"])
    assert kinds == ["office-mru", "recentdocs", "recentdocs"]  # VIBRANIUM.docx: RecentDocs and .docx, Word MRU
    assert {t["profile"] for t in doc["traces"]} == {"nfury"} and {t["pc_label"] for t in doc["traces"]} == {"PC09"}
    assert len(doc["trace_artefacts"]) == 2 and doc["files"] == []
