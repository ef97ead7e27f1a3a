"""After the walk: keep the recorded paths that refer to the named file (same name rules as for files) or
to a person-records file the scan found, tie their drives to USB storage devices, and order them into a
per-PC timeline. Pure functions over what the inspector kept; the findings get ``traces``,
``trace_artefacts`` and ``trace_timeline``.

Traces are leads and context: they never become hits, so they change neither the exit code nor the count
of persons. Nothing is inferred beyond what an artefact records: a drive letter is tied to a device only
through ``MountedDevices`` (the device that had the letter when the hive was saved) or through a volume
serial number that ``EMDMgmt`` records for the device, and the report says which.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from typing import Any

from ..codes import Reason
from ..contracts import ScanContext, ScanResult
from ..names import NameRules
from .inspector import FoundArtefact
from .records import Device, Mount, Reference, TraceKind

RECORD_REASONS = frozenset({Reason.PII, Reason.RECORD_OVERLAP})
_DRIVE = re.compile(r"^([A-Za-z]):(?:\\|/|$)")
# the time that dates each kind of trace in the timeline, strongest first
EVENT_TIMES = ("last_opened", "shortcut_modified", "folder_opened", "target_accessed", "target_modified")


def _parts(path: str) -> list[str]:
    return [unicodedata.normalize("NFKC", p).casefold() for p in re.split(r"[\\/]", path) if p]


def base_name(path: str) -> str:
    parts = [p for p in re.split(r"[\\/]", path) if p]
    return parts[-1] if parts else ""


def _folder(path: str) -> str:
    """``E:\\a\\b.xlsx`` -> ``e:\\a``; ``E:\\b.xlsx`` -> ``e:``: for comparing with shell bag folders."""
    parts = _parts(path)
    return "\\".join(parts[:-1])


class _RecordFiles:
    """The scan's person-records files, by normalised base name."""

    def __init__(self, hits: list[Any]) -> None:
        self.by_name: dict[str, list[tuple[list[str], str]]] = defaultdict(list)
        for h in hits:
            if RECORD_REASONS & set(h.reasons):
                parts = _parts(h.location.path)
                if parts:
                    self.by_name[parts[-1]].append((parts, h.location.display()))

    def match(self, path: str) -> dict[str, Any] | None:
        ref = _parts(path)
        if not ref:
            return None
        for parts, shown in self.by_name.get(ref[-1], []):
            if len(ref) >= 2 and parts[-2:] == ref[-2:]:
                return {"reason": "records-file", "rule": "name+folder", "file": shown}
        same_name = self.by_name.get(ref[-1], [])
        if len(ref) == 1 and same_name:  # RecentDocs keeps the file name only
            return {"reason": "records-file", "rule": "name", "file": same_name[0][1]}
        return None


def _match(path: str, rules: NameRules, records: _RecordFiles) -> dict[str, Any] | None:
    name = base_name(path)
    if name:
        for m in rules.match(name):
            if m.reason in (Reason.NAME, Reason.NAME_VARIANT):
                return {"reason": str(m.reason), "rule": m.rule, "target": m.target}
    return records.match(path)


# -- devices ---------------------------------------------------------------------------------------

def _dev_key(d: Device | Mount) -> tuple[str, str]:
    return (d.product.casefold(), d.serial.casefold())


def _merge_devices(found: list[FoundArtefact]) -> dict[str, list[dict[str, Any]]]:
    """Every USB storage device per PC, merged over USBSTOR, setupapi, EMDMgmt and MountedDevices."""
    merged: dict[str, dict[tuple[str, str], dict[str, Any]]] = defaultdict(dict)
    for art in found:
        pc = art.owner.pc
        for d in art.traces.devices:
            if not d.serial:
                continue
            cur = merged[pc].setdefault(_dev_key(d), {
                "vendor": "", "product": "", "revision": "", "serial": d.serial, "friendly_name": "",
                "first_connected": None, "first_connected_local": None, "last_connected": None, "last_removed": None,
                "volume_serials": [], "volume_labels": [], "drive_letters": [], "sources": [], "artefacts": []})
            for f in ("vendor", "product", "revision", "friendly_name"):  # the registry's spelling first
                if getattr(d, f) and (not cur[f] or d.source != "setupapi"):
                    cur[f] = getattr(d, f)
            if d.source == "setupapi":  # local wall-clock time: never compared with UTC ones
                cur["first_connected_local"] = _earliest(cur["first_connected_local"], d.first_connected)
            else:
                cur["first_connected"] = _earliest(cur["first_connected"], d.first_connected)
            cur["last_connected"] = _latest(cur["last_connected"], d.last_connected)
            cur["last_removed"] = _latest(cur["last_removed"], d.last_removed)
            for f, values in (("volume_serials", d.volume_serials), ("volume_labels", d.volume_labels),
                              ("sources", [d.source]), ("artefacts", [art.location.display()])):
                cur[f] += [v for v in values if v not in cur[f]]
        for m in art.traces.mounts:
            if m.serial:
                dev = merged[pc].get(_dev_key(m))
                if dev is not None and m.letter not in dev["drive_letters"]:
                    dev["drive_letters"].append(m.letter)
    return {pc: list(devs.values()) for pc, devs in merged.items()}


def _earliest(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else min(a, b)


def _latest(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else max(a, b)


def _mounts(found: list[FoundArtefact]) -> dict[str, dict[str, Mount]]:
    out: dict[str, dict[str, Mount]] = defaultdict(dict)
    for art in found:
        for m in art.traces.mounts:
            known = out[art.owner.pc].get(m.letter)
            if known is None or (m.serial and not known.serial):
                out[art.owner.pc][m.letter] = m
    return out


def _device_for(ref: Reference, pc: str, devices: dict[str, list[dict[str, Any]]],
                mounts: dict[str, dict[str, Mount]]) -> tuple[bool | None, dict[str, Any] | None]:
    """(removable, device) for the volume a referred path was on."""
    pc_devices = devices.get(pc, [])
    device, tie = None, None
    if ref.volume_serial:
        device = next((d for d in pc_devices if ref.volume_serial in d["volume_serials"]), None)
        tie = "volume-serial" if device else None
    letter = _DRIVE.match(ref.path)
    mount = mounts.get(pc, {}).get(letter.group(1).upper() + ":") if letter else None
    if device is None and mount is not None and mount.serial:
        device = next((d for d in pc_devices if _dev_key(mount) == (d["product"].casefold(), d["serial"].casefold())),
                      {"vendor": mount.vendor, "product": mount.product, "serial": mount.serial})
        tie = "drive-letter"
    removable: bool | None = None
    if ref.drive_type == "removable" or device is not None or (mount is not None and mount.removable):
        removable = True
    elif ref.drive_type in ("fixed", "network", "cdrom", "ramdisk") or ref.network_share or ref.path.startswith("\\\\"):
        removable = False
    if device is None:
        return removable, None
    info = {k: device.get(k) for k in ("vendor", "product", "revision", "serial", "friendly_name", "first_connected",
                                       "first_connected_local", "last_connected", "last_removed") if device.get(k)}
    info["tied_by"] = tie
    when = _event_time(ref.times)
    first = device.get("first_connected")
    if tie == "drive-letter" and when and when[0].endswith("Z") and first and when[0] < first:
        info["tie_note"] = "recorded-before-first-connection"
    return removable, info


def _event_time(times: dict[str, str | None]) -> tuple[str, str] | None:
    for name in EVENT_TIMES:
        if times.get(name):
            return times[name], name  # type: ignore[return-value]
    return None


# -- the analysis ----------------------------------------------------------------------------------

def _artefact_json(art: FoundArtefact) -> dict[str, Any]:
    loc = art.location
    return {"path": loc.display(), "source": loc.source, "inner_path": loc.path, "raw_path_hex": loc.raw_path_hex,
            "container": loc.to_json(), "deleted": art.deleted, "kind": art.traces.artefact}


def _item(art: FoundArtefact, ref: Reference, match: dict[str, Any], devices: dict[str, list[dict[str, Any]]],
          mounts: dict[str, dict[str, Mount]]) -> dict[str, Any]:
    times = {k: v for k, v in ref.times.items() if v}
    if ref.kind == TraceKind.LNK:
        in_recent = any(p == "recent" for p in _parts(art.location.path)[:-1])
        if in_recent:  # Windows writes a Recent shortcut when the file is opened, and rewrites it each time
            if art.stat.btime:
                times["shortcut_created"] = art.stat.btime
            if art.stat.mtime:
                times["shortcut_modified"] = art.stat.mtime
    removable, device = _device_for(ref, art.owner.pc, devices, mounts)
    item: dict[str, Any] = {
        "kind": ref.kind,
        "artefact": _artefact_json(art),
        "pc": art.owner.pc, "pc_label": art.owner.label, "profile": art.owner.profile,
        "referred_path": ref.path, "referred_name": base_name(ref.path), "where": ref.where,
        "times": times, "time_note": art.stat.time_note if "shortcut_modified" in times else None,
        "drive_type": ref.drive_type, "volume_serial": ref.volume_serial, "volume_label": ref.volume_label,
        "network_share": ref.network_share, "target_size": ref.size, "hostname": ref.hostname,
        "app_id": ref.app_id, "open_count": ref.open_count,
        "matched": match, "removable": removable, "device": device,
    }
    item["key"] = "\x1f".join([art.location.key(), ref.kind, ref.where, ref.path.casefold()])
    return item


def analyse_traces(result: ScanResult) -> None:
    """Fill ``result.extra`` with the traces that refer to the named file or a person-records file."""
    found: list[FoundArtefact] = list(getattr(result, "traces", []) or [])
    if not found:
        return
    rules = NameRules(list(result.config.names), use_keywords=False)
    records = _RecordFiles(result.hits)
    devices, mounts = _merge_devices(found), _mounts(found)
    items: list[dict[str, Any]] = []
    bags: list[tuple[FoundArtefact, Reference]] = []
    for art in found:
        for ref in art.traces.references:
            if ref.kind == TraceKind.SHELLBAG:
                bags.append((art, ref))
            match = _match(ref.path, rules, records)
            if match is not None:
                items.append(_item(art, ref, match, devices, mounts))
    folders = {(i["pc"], _folder(i["referred_path"])): i["referred_path"] for i in items if _folder(i["referred_path"])}
    for art, ref in bags:  # folders browsed that hold a referred file: context for the timeline
        held = folders.get((art.owner.pc, "\\".join(_parts(ref.path))))
        if held is not None and not any(i["key"].startswith(art.location.key()) and i["where"] == ref.where for i in items):
            items.append(_item(art, ref, {"reason": "folder", "rule": "holds", "file": held}, devices, mounts))
    tied = {(i["pc"], (i.get("device") or {}).get("serial", "").casefold()) for i in items if i.get("device")}
    for pc, devs in sorted(devices.items()):
        label = next((a.owner.label for a in found if a.owner.pc == pc), pc)
        for d in devs:
            items.append({
                "kind": str(TraceKind.USB_DEVICE), "artefact": None, "artefacts": d["artefacts"], "pc": pc,
                "pc_label": label, "profile": "", "referred_path": None, "referred_name": None, "where": "",
                "times": {k: d[k] for k in ("first_connected", "first_connected_local", "last_connected", "last_removed")
                          if d[k]},
                "removable": True, "matched": None, "referred": (pc, d["serial"].casefold()) in tied,
                "device": {k: d[k] for k in ("vendor", "product", "revision", "serial", "friendly_name", "volume_serials",
                                             "volume_labels", "drive_letters", "sources") if d[k]},
                "key": "\x1f".join([pc, "usb-device", d["vendor"].casefold(), d["product"].casefold(),
                                    d["serial"].casefold()]),
            })
    for n, item in enumerate(items, 1):
        item["id"] = n
    result.extra["traces"] = items
    result.extra["trace_artefacts"] = [
        {**_artefact_json(a), "pc": a.owner.pc, "profile": a.owner.profile, "hive_type": a.traces.hive_type or None,
         "references": len(a.traces.references), "devices": len(a.traces.devices), "warnings": a.traces.warnings}
        for a in found]
    result.extra["trace_timeline"] = timeline(items)


def timeline(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per PC, every dated trace and the connections of the devices they are tied to, oldest first."""
    by_pc: dict[str, dict[str, Any]] = {}
    for item in items:
        pc = by_pc.setdefault(item["pc"], {"pc": item["pc"], "pc_label": item["pc_label"], "events": []})
        if item["kind"] == TraceKind.USB_DEVICE:
            if not item.get("referred"):
                continue
            local_only = not item["times"].get("first_connected")  # a local time is shown only if no UTC one
            for name in ("first_connected", "first_connected_local", "last_connected", "last_removed"):
                if item["times"].get(name) and (name != "first_connected_local" or local_only):
                    pc["events"].append({"time": item["times"][name], "time_kind": name, "trace": item["id"]})
            continue
        when = _event_time(item["times"])
        pc["events"].append({"time": when[0] if when else None, "time_kind": when[1] if when else None,
                             "trace": item["id"]})
    out = []
    for pc in sorted(by_pc.values(), key=lambda p: p["pc"]):
        if pc["events"]:
            # UTC times in order; local wall-clock times (no zone) cannot be placed among them: after them
            pc["events"].sort(key=lambda e: (e["time"] is None, not (e["time"] or "").endswith("Z"),
                                             (e["time"] or "")[:19]))
            out.append(pc)
    return out


def merge_traces(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """The traces sections of several findings documents as one (``leakscan merge``): same key kept once."""
    items: list[dict[str, Any]] = []
    seen: set[str | None] = set()
    for doc in docs:
        for t in doc.get("traces") or []:
            if isinstance(t, dict) and t.get("key") not in seen:
                seen.add(t.get("key"))
                items.append({**t, "id": len(items) + 1})
    artefacts = [a for doc in docs for a in doc.get("trace_artefacts") or []]
    if not artefacts:
        return {}
    return {"traces": items, "trace_artefacts": artefacts, "trace_timeline": timeline(items)}


class TraceAnalysis:
    """The post-scan analysis registered in scanner/registry.py (a ``contracts.Analysis``)."""

    name = "traces"
    what = "reading traces of use"

    def __call__(self, ctx: ScanContext) -> None:
        analyse_traces(ctx.result)
