"""Traces of the named file built by real tools (pylnk3, hivex, libgsf, mkfs.vfat + mtools): a PC whose user
opened 介護予防_利用者名簿.xlsx from a USB stick. Every trace found with its times, drive and device; damaged
copies listed as corrupt; traces change neither the exit code nor the person count; the report shows the
per-PC timeline in JST; the rescan diff lists the traces that remain."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pylnk3
import pytest

from scanner.demo import client_list_xlsx, mailing_list_csv, make_people
from tests import traces_data as td
from tests.conftest import run_leakscan
from tests.image_data import fat_image

pytestmark = pytest.mark.skipif(not td.have_tools(), reason="needs hivexregedit, gsf, mtools (see .ci/run)")

RECENT = "Users/staff/AppData/Roaming/Microsoft/Windows/Recent"
EXCEL_APP = "b8ab77100df80ab2"
USB_PATH = "E:\\" + td.LEAKED
SHARE_PATH = "\\\\NAS01\\共有\\介護\\介護予防_利用者名簿 - コピー.xlsx"
RECORDS_PATH = "C:\\Users\\staff\\Documents\\年賀状送付先.csv"


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def profile_files() -> dict[str, bytes]:
    """PC03: a user profile that opened the list from E: (a USB stick) and a copy on the NAS."""
    jump = td.jumplist([td.JumpEntry(USB_PATH, td.OPENED, 3), td.JumpEntry(SHARE_PATH, td.OPENED, 1)],
                       [td.lnk(USB_PATH), td.network_lnk(SHARE_PATH)])
    return {
        f"{RECENT}/介護予防_利用者名簿.lnk": td.lnk(USB_PATH),
        f"{RECENT}/議事録.lnk": td.lnk("C:\\Users\\staff\\Documents\\議事録.docx", drive_type=pylnk3.DRIVE_FIXED),
        f"{RECENT}/AutomaticDestinations/{EXCEL_APP}.automaticDestinations-ms": jump,
        "Users/staff/Desktop/共有の名簿.lnk": td.network_lnk(SHARE_PATH),
        "Users/staff/NTUSER.DAT": td.ntuser([USB_PATH, RECORDS_PATH]),
        "Windows/System32/config/SYSTEM": td.system(),
        "Windows/INF/setupapi.dev.log": td.setupapi_log(),
    }


def write(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        os.utime(p, (td.OPENED.timestamp(), td.OPENED.timestamp()))


def records_csv() -> bytes:
    return mailing_list_csv(make_people(40, seed=7))


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One tree with traces (and damaged copies), one without: scanned once each for the whole module."""
    base = tmp_path_factory.mktemp("traces")
    plain, full = base / "plain", base / "full"
    for root in (plain, full):
        write(root, {"PC03/Users/staff/Documents/年賀状送付先.csv": records_csv(),
                     f"PC01/共有/{td.LEAKED}": client_list_xlsx(make_people(30, seed=7))})
    write(full / "PC03", profile_files())
    good = profile_files()
    write(full / "PC04", {  # damaged copies: each must be listed as corrupt
        "Users/old/NTUSER.DAT": good["Users/staff/NTUSER.DAT"][:6000],
        f"{RECENT}/介護予防_利用者名簿.lnk": good[f"{RECENT}/介護予防_利用者名簿.lnk"][:90],
        f"{RECENT}/AutomaticDestinations/{EXCEL_APP}.automaticDestinations-ms":
            good[f"{RECENT}/AutomaticDestinations/{EXCEL_APP}.automaticDestinations-ms"][:1500],
        "Windows/System32/config/SYSTEM": good["Windows/System32/config/SYSTEM"][:4096] + b"\xff" * 4096,
    })
    out = {}
    for name, root in (("plain", plain), ("full", full)):
        done = run_leakscan("scan", str(root), "--name", td.LEAKED, "--out", str(base / f"out-{name}"), "--quiet")
        doc = json.loads((base / f"out-{name}" / "findings.json").read_text(encoding="utf-8"))
        out[name] = {"done": done, "doc": doc, "root": root, "out": base / f"out-{name}"}
    return out


def traces_of(doc: dict, kind: str) -> list[dict]:
    return [t for t in doc["traces"] if t["kind"] == kind]


def test_traces_never_change_exit_code_copies_or_persons(scans: dict) -> None:
    plain, full = scans["plain"], scans["full"]
    assert plain["done"].returncode == full["done"].returncode == 1, full["done"].stderr  # one copy, both
    def copies(doc: dict) -> list[str]:  # a shortcut named 名簿 stays a keyword lead, as any file would
        return [f["path"].rsplit("/", 1)[-1] for f in doc["files"] if f["reasons"] != ["name-keyword"]]

    assert copies(full["doc"]) == copies(plain["doc"]) == [td.LEAKED, "年賀状送付先.csv"]
    for key in ("records", "unique_exact", "unique"):
        assert full["doc"]["persons"][key] == plain["doc"]["persons"][key]
    assert "traces" not in plain["doc"]


def test_recent_shortcut_to_the_usb_stick(scans: dict) -> None:
    doc = scans["full"]["doc"]
    [lnk] = [t for t in traces_of(doc, "lnk") if t["referred_path"] == USB_PATH and "PC03" in t["pc"]]
    assert (lnk["pc_label"], lnk["profile"], lnk["referred_name"]) == ("PC03", "staff", td.LEAKED)
    assert lnk["matched"] == {"reason": "name", "rule": "exact", "target": td.LEAKED}
    assert lnk["times"]["target_modified"] == iso(td.OPENED)
    assert lnk["times"]["shortcut_modified"] == iso(td.OPENED)  # Recent: rewritten when the file is opened
    assert (lnk["drive_type"], lnk["volume_serial"], lnk["volume_label"]) == ("removable", "5A3C-91E2", "ＵＳＢメモリ")
    assert lnk["removable"] is True
    device = lnk["device"]
    assert (device["vendor"], device["product"], device["serial"]) == (td.USB["vendor"], td.USB["product"],
                                                                       td.USB["serial"])
    assert device["tied_by"] == "drive-letter" and device["first_connected"] == iso(td.PLUGGED)
    assert device["first_connected_local"] == "2016-11-14T10:19:38.120"  # setupapi.dev.log: the PC's own clock
    unrelated = [t for t in doc["traces"] if "議事録" in (t["referred_path"] or "")]
    assert unrelated == []  # shortcuts to other files are not reported


def test_jump_list_and_network_shortcut(scans: dict) -> None:
    doc = scans["full"]["doc"]
    jumps = {t["referred_path"]: t for t in traces_of(doc, "jumplist") if "PC03" in t["pc"]}
    usb, share = jumps[USB_PATH], jumps[SHARE_PATH]
    assert (usb["app_id"], usb["open_count"], usb["times"]["last_opened"]) == (EXCEL_APP, 3, iso(td.OPENED))
    assert usb["removable"] is True and usb["device"]["serial"] == td.USB["serial"]
    assert share["matched"]["reason"] == "name-variant" and share["removable"] is False
    [desk] = [t for t in traces_of(doc, "lnk") if t["referred_path"] == SHARE_PATH]
    assert desk["network_share"].startswith("\\\\NAS01\\共有") and desk["drive_type"] == "network"
    assert "shortcut_modified" not in desk["times"]  # a Desktop shortcut is not written by opening the file


def test_user_hive_mru_and_records_file(scans: dict) -> None:
    doc = scans["full"]["doc"]
    [office] = [t for t in traces_of(doc, "office-mru") if t["referred_path"] == USB_PATH]
    assert office["times"]["last_opened"] == iso(td.OPENED) and office["device"]["serial"] == td.USB["serial"]
    recent = {t["where"].split(" value")[0] for t in traces_of(doc, "recentdocs") if t["referred_name"] == td.LEAKED}
    assert recent == {"RecentDocs", "RecentDocs\\.xlsx"}
    records = [t for t in doc["traces"] if (t["matched"] or {}).get("reason") == "records-file"]
    assert {t["kind"] for t in records} >= {"office-mru", "recentdocs"}
    assert all(t["matched"]["file"].endswith("PC03/Users/staff/Documents/年賀状送付先.csv") for t in records)
    assert next(t for t in records if t["kind"] == "office-mru")["matched"]["rule"] == "name+folder"


def test_usb_device_entry_and_timeline(scans: dict) -> None:
    doc = scans["full"]["doc"]
    [usb] = [t for t in traces_of(doc, "usb-device") if "PC03" in t["pc"]]
    assert usb["referred"] is True and usb["device"]["drive_letters"] == ["E:"]
    assert usb["times"] == {"first_connected": iso(td.PLUGGED), "first_connected_local": "2016-11-14T10:19:38.120",
                            "last_connected": iso(td.PLUGGED), "last_removed": iso(td.UNPLUGGED)}
    [pc] = [p for p in doc["trace_timeline"] if p["pc_label"] == "PC03"]
    times = [e["time"] for e in pc["events"] if e["time"] and e["time"].endswith("Z")]
    assert times == sorted(times) and iso(td.PLUGGED) in times and iso(td.OPENED) in times
    by_id = {t["id"]: t for t in doc["traces"]}
    assert {by_id[e["trace"]]["pc_label"] for e in pc["events"]} == {"PC03"}


def test_report_timeline_in_japanese_and_jst(scans: dict) -> None:
    html = (scans["full"]["out"] / "report.html").read_text(encoding="utf-8")
    section = html[html.index('id="traces"'):]
    assert "PC ごとの時系列" in section
    assert "2016-11-14 10:22:05 JST" in section  # 01:22:05 UTC
    assert f"{td.LEAKED} を PC03 でユーザー staff が開いた記録があります" in section
    assert f"USB: {td.USB['vendor']} {td.USB['product']}、シリアル {td.USB['serial']}" in section
    assert "初回接続 2016-11-14 10:19:40 JST" in section
    assert "2016-11-14 10:19:38（PC の現地時刻）" in section


def test_damaged_artefacts_are_corrupt_and_the_scan_goes_on(scans: dict) -> None:
    doc = scans["full"]["doc"]
    corrupt = {s["path"].split("/PC04/", 1)[1] for s in doc["skipped"] if s["reason"] == "corrupt"}
    assert corrupt == {"Users/old/NTUSER.DAT", f"{RECENT}/介護予防_利用者名簿.lnk",
                       f"{RECENT}/AutomaticDestinations/{EXCEL_APP}.automaticDestinations-ms",
                       "Windows/System32/config/SYSTEM"}
    assert not any("PC04" in t["pc"] for t in doc["traces"])


def test_findings_validate_against_the_schema(scans: dict) -> None:
    import jsonschema

    schema = json.loads((Path(__file__).resolve().parents[1] / "scanner" / "schemas" /
                         "findings.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(scans["full"]["doc"], schema)


def test_profile_in_a_fat_image_with_a_deleted_shortcut(tmp_path: Path, leakscan) -> None:
    files = profile_files()
    lnk = files.pop(f"{RECENT}/介護予防_利用者名簿.lnk")
    image = fat_image(tmp_path / "pc03.img", files, deleted={f"{RECENT}/介護予防_利用者名簿.lnk": lnk}, size_mib=16)
    out = tmp_path / "out"
    done = leakscan("scan", str(image), "--name", td.LEAKED, "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    deleted = [t for t in traces_of(doc, "lnk") if t["artefact"]["deleted"]]
    assert [t["referred_path"] for t in deleted] == [USB_PATH]
    assert deleted[0]["device"]["serial"] == td.USB["serial"] and deleted[0]["pc_label"] == "pc03.img"
    assert {t["kind"] for t in doc["traces"]} >= {"jumplist", "office-mru", "recentdocs", "usb-device"}
    assert doc["trace_timeline"][0]["pc_label"] == "pc03.img"


def test_rescan_diff_lists_the_traces_that_remain(tmp_path: Path, leakscan) -> None:
    root = tmp_path / "src"
    write(root / "PC03", profile_files())
    copy = root / "PC03" / "Users" / "staff" / "Documents" / td.LEAKED
    write(root / "PC03", {f"Users/staff/Documents/{td.LEAKED}": client_list_xlsx(make_people(20, seed=3))})
    base = leakscan("scan", str(root), "--name", td.LEAKED, "--out", str(tmp_path / "base"), "--quiet")
    assert base.returncode == 1, base.stderr
    copy.unlink()  # remediation deletes the copy; the shortcuts and the hive stay
    (root / "PC03" / "Users" / "staff" / "Desktop" / "共有の名簿.lnk").unlink()
    done = leakscan("scan", str(root), "--name", td.LEAKED, "--out", str(tmp_path / "re"),
                    "--baseline", str(tmp_path / "base"), "--quiet")
    diff = json.loads((tmp_path / "re" / "diff.json").read_text(encoding="utf-8"))
    assert diff["verdict"] == "clean" and done.returncode == 0  # traces are leads: the verdict is about copies
    remaining = {(t["kind"], t["referred_path"]) for t in diff["traces"]["remaining"]}
    assert ("lnk", USB_PATH) in remaining and ("usb-device", None) in remaining
    assert [(t["kind"], t["referred_path"]) for t in diff["traces"]["gone"]] == [("lnk", SHARE_PATH)]
    html = (tmp_path / "re" / "remediation.html").read_text(encoding="utf-8")
    assert "残っている利用の記録" in html and USB_PATH in html


def test_volume_serial_ties_a_shortcut_to_its_stick(tmp_path: Path) -> None:
    """EMDMgmt (SOFTWARE hive, written by hivex) names the stick's volume serial: a shortcut on a drive letter
    MountedDevices gave to another device is still tied to the right stick, by its volume serial."""
    from scanner.config import ScanConfig
    from scanner.contracts import ScanResult
    from scanner.models import FileStat, Location
    from scanner.traces.analysis import analyse_traces
    from scanner.traces.artefacts import owner_of, parse_artefact
    from scanner.traces.inspector import FoundArtefact

    other = {"vendor": "I-O_DATA", "product": "USB_Flash_Disk", "revision": "2.00", "serial": "AA0000000001"}
    model = f"Disk&Ven_{td.USB['vendor']}&Prod_{td.USB['product']}&Rev_{td.USB['revision']}"
    emd = f"_??_USBSTOR#{model}#{td.USB['serial']}&0#{{53f56307-b6bf-11d0-94f2-00a0c91efb8b}}USBメモリ_{td.VOLUME_SERIAL}"
    files = {
        "PC05/Users/staff/Recent/a.lnk": td.lnk(USB_PATH),
        "PC05/Windows/System32/config/SYSTEM": td.system("E:", usb=other),  # E: last given to another stick
        "PC05/Windows/System32/config/SOFTWARE": td.hivex_hive(
            {f"Microsoft\\Windows NT\\CurrentVersion\\EMDMgmt\\{emd}": {"DiskSize": 0}}, "SOFTWARE"),
    }
    result = ScanResult(ScanConfig(sources=["/src"], out=tmp_path / "out", names=[td.LEAKED]), started="")
    for rel, data in files.items():
        loc = Location("/src", f"/src/{rel}")
        kind = "lnk" if rel.endswith(".lnk") else "hive"
        result.traces.append(FoundArtefact(loc, False, FileStat(len(data)), owner_of(loc),
                                           parse_artefact(kind, data, rel.rsplit("/", 1)[-1])))
    analyse_traces(result)
    [lnk] = [t for t in result.extra["traces"] if t["kind"] == "lnk"]
    assert lnk["device"]["tied_by"] == "volume-serial" and lnk["device"]["serial"] == td.USB["serial"]
    sticks = {t["device"]["serial"]: t for t in result.extra["traces"] if t["kind"] == "usb-device"}
    assert sticks[td.USB["serial"]]["device"]["volume_serials"] == ["5A3C-91E2"]
    assert sticks[td.USB["serial"]]["referred"] and not sticks[other["serial"]]["referred"]


def test_report_in_english(scans: dict) -> None:
    from reports.html import render_report

    html = render_report(scans["full"]["doc"], "en")
    section = html[html.index('id="traces"'):]
    assert "Timeline per PC" in section and f"{td.LEAKED} was opened on PC03 by user staff" in section
    assert "2016-11-14 10:22:05 JST" in section
