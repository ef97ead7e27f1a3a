"""Baseline vs rescan for traces: set arithmetic on each trace's identity key. Traces are leads, so this
never enters the verdict; it lists what remains (a Recent shortcut to a deleted copy is worth knowing
after remediation), what is gone and what is new."""

from __future__ import annotations

from typing import Any

_KEEP = ("kind", "pc", "pc_label", "profile", "referred_path", "referred_name", "where", "times", "removable",
         "device", "matched", "artefact", "artefacts")


def _brief(t: dict[str, Any]) -> dict[str, Any]:
    return {"key": t.get("key"), **{k: t.get(k) for k in _KEEP if k in t}}


def diff_traces(base: dict[str, Any], new: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """``remaining`` (in both scans), ``gone`` (baseline only) and ``new`` (rescan only)."""
    b = {t["key"]: t for t in _listed(base) if isinstance(t, dict) and isinstance(t.get("key"), str)}
    n = {t["key"]: t for t in _listed(new) if isinstance(t, dict) and isinstance(t.get("key"), str)}
    return {"remaining": [_brief(n[k]) for k in n if k in b],
            "gone": [_brief(b[k]) for k in b if k not in n],
            "new": [_brief(n[k]) for k in n if k not in b]}


def _listed(doc: dict[str, Any]) -> list[Any]:
    """The traces of a document read from a case folder (untrusted: anything but a list is none)."""
    traces = doc.get("traces")
    return traces if isinstance(traces, list) else []
