"""Load a baseline and a rescan, diff them, and write diff.json + remediation.html into an output folder.

Used by ``leakscan scan --baseline`` and ``leakscan diff``, so both give the same diff for the same
two findings.json files (the diff records each file's SHA-256, which ties it to that evidence).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from reports.html import render

from .accept import read_accept_file
from .anchor import file_sha256, require_anchor
from .codes import AcceptStatus
from .consistency import read_sound_findings
from .diff import compute_diff
from .evidence import findings_path, read_findings
from .output import write_json, write_manifest, write_private

DIFF_JSON = "diff.json"
REMEDIATION = "remediation.html"
REMEDIATION_PDF = "remediation.pdf"


findings_file = findings_path  # a findings.json path, or the output folder holding one


def diff_findings(baseline: Path, rescan: Path, accept: Path | None = None, own_rescan: bool = False,
                  baseline_sha256: str | None = None) -> dict[str, Any]:
    """Read and check both findings.json files (a UsageError if either is not one) and diff them, honouring
    the examiner's out-of-scope list when one is given (``--accept``). Both are used only when sound
    (scanner.consistency: vouched for by their manifest, agreeing with themselves): a verdict of ``clean``
    against an edited baseline would prove nothing. ``own_rescan``: the rescan is the findings.json this run
    has just written (``scan --baseline``; its manifest is written after the diff). ``baseline_sha256``: the
    value the examiner wrote down for the baseline (``--baseline-sha256``), the one thing a forger who keeps the
    baseline folder self-consistent cannot remake (scanner.anchor)."""
    base, b_sha = read_sound_findings(baseline)
    if baseline_sha256 is not None:
        require_anchor(b_sha, baseline_sha256, "--baseline-sha256")
    new, n_sha = read_findings(rescan) if own_rescan else read_sound_findings(rescan)
    accepted = read_accept_file(accept) if accept is not None else None
    diff = compute_diff(base, new, base_sha256=b_sha, new_sha256=n_sha, accept=accepted)
    for side, given in (("baseline", baseline), ("rescan", rescan)):  # where verify finds them again (case23)
        diff[side]["folder"] = os.path.abspath(findings_file(given).parent)
    return diff


def write_diff(diff: dict[str, Any], out: Path, lang: str) -> dict[str, Path]:
    """Write diff.json and remediation.html (0600, each replacing an earlier one only once complete)."""
    paths = {"diff": write_json(out / DIFF_JSON, diff)}
    paths["remediation"] = write_private(out / REMEDIATION, render("remediation.html.j2", diff, lang,
                                                                   anchor=file_sha256(paths["diff"])))
    return paths


def publish_diff(diff: dict[str, Any], out: Path, lang: str) -> dict[str, Path]:
    """Write diff.json and remediation.html (0600) into ``out`` and refresh its manifest."""
    paths = write_diff(diff, out, lang)
    paths["manifest"] = write_manifest(out)
    return paths


def remove_stale(out: Path) -> None:
    """Remove an earlier diff from ``out`` once a rerun without --baseline has written new findings there
    (it compared the earlier findings, not these)."""
    for name in (DIFF_JSON, REMEDIATION, REMEDIATION_PDF):
        (out / name).unlink(missing_ok=True)


def summarise(diff: dict[str, Any], paths: dict[str, Path]) -> str:
    """A few lines for the terminal (paths only, no personal values)."""
    from .i18n import _

    lc = diff["leak_counts"]
    lines = [_("rescan verdict:") + f"           {diff['verdict']}"
             + (f" ({', '.join(diff['verdict_reasons'])})" if diff["verdict_reasons"] else "")]
    accepted = diff.get("accepted")
    taken = {c: sum(1 for e in diff["entries"] if e["class"] == c and e["leak"] and e.get("accepted")) for c in lc}
    lines += [f"  {c + ':':<23} {lc[c]}" + (f" ({taken[c]} accepted as out of scope)" if taken[c] else "") for c in lc]
    lines.append("  " + _("not examined:") + f"           {len(diff['not_verified'])}")
    if accepted is not None:  # the exceptions the examiner stated, and lines of the list that matched nothing
        unused = [a for a in accepted["lines"] if a["status"] != AcceptStatus.APPLIED]
        lines.append(f"  accepted (--accept):    {sum(taken.values())} hit(s), {len(accepted['skipped'])} skipped "
                     f"file(s); {len(unused)} line(s) of the list matched nothing as listed")
    if not diff["scope"]["same"]:
        lines.append("  " + _("scope differs from the baseline:") + " "
                     + ", ".join(d["field"] for d in diff["scope"]["differences"]))
    persons = diff.get("persons") or {}
    if not persons.get("same_keying", True):  # the person count changed its rules between the scans: say so
        lines.append("  " + _("persons counted by other rules (persons.keying):") + " "
                     + f"{persons.get('baseline_keying') or '-'} -> {persons.get('rescan_keying') or '-'}")
    said = {("baseline", "case keys"): _("baseline persons: not counted (a merge of scans with different case keys)"),
            ("baseline", "rules"): _("baseline persons: not counted (a merge of scans counted by different rules)"),
            ("rescan", "case keys"): _("rescan persons: not counted (a merge of scans with different case keys)"),
            ("rescan", "rules"): _("rescan persons: not counted (a merge of scans counted by different rules)")}
    for side in ("baseline", "rescan"):  # Session 21: a merge whose inputs' persons were not counted together
        line = said.get((side, str(persons.get(f"{side}_not_combined"))))
        if line is not None:
            lines.append("  " + line)
    lines.append(_("remediation report:") + f"       {paths['remediation']}")
    return "\n".join(lines)
