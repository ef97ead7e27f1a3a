"""``leakscan diff OLD_OUT NEW_OUT --out DIFF_OUT``: what was removed, remains, moved or is new."""

from __future__ import annotations

import argparse
import sys

from ..config import LANGS, ScanConfig
from ..i18n import _
from . import argtypes


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "diff",
        help=_("compare a rescan with its baseline (removed, remaining, changed, relocated, new)"),
        description=_("Compare two scans' findings.json by each hit's path and SHA-256 and write diff.json, "
        "remediation.html and manifest.sha256 into --out. Exit 0 when no copy is left and nothing was "
        "skipped, 1 when copies remain or something could not be verified, 2 on error."),
    )
    p.add_argument("baseline", type=argtypes.path, metavar="OLD_OUT", help=_("the baseline output folder (or its findings.json)"))
    p.add_argument("rescan", type=argtypes.path, metavar="NEW_OUT", help=_("the rescan output folder (or its findings.json)"))
    p.add_argument("--out", required=True, type=argtypes.path, metavar="DIR", help=_("folder for diff.json and remediation.html"))
    p.add_argument("--overwrite", action="store_true",
                   help=_("--out holds an earlier diff of the same case: replace it (only once the new one is complete)"))
    p.add_argument("--lang", choices=LANGS, default=ScanConfig.lang, help=_("report language: {0} (default) or en").format(ScanConfig.lang))
    p.add_argument("--quiet", action="store_true", help=_("no summary on stderr"))
    p.add_argument("--baseline-sha256", metavar="HEX",
                   help=_("the SHA-256 of the baseline's findings.json written down when it was made (printed by its "
                   "scan, shown in its report): a baseline that is not that very document is refused"))
    p.add_argument("--accept", type=argtypes.path, metavar="FILE",
                   help=_("the examiner's out-of-scope list, one file per line: PATH <TAB> SHA-256 <TAB> reason; a "
                   "listed file (and what is inside it) with that very SHA-256 may remain, listed with the reason"))
    p.set_defaults(run=run)


def run(args: argparse.Namespace, argv: list[str]) -> int:
    from ..anchor import expected_sha256
    from ..diff import exit_code
    from ..evidence import require_case_path
    from ..output import claim_out, locked, prepare_out, refuse_overlap
    from ..remediation import diff_findings, findings_file, publish_diff, summarise
    from ..textsafe import shown

    baseline_sha256 = expected_sha256(args.baseline_sha256, "--baseline-sha256") if args.baseline_sha256 is not None else None
    for given in (args.baseline, args.rescan):
        require_case_path(given)
    refuse_overlap(args.out, [("scan folder", str(findings_file(f).parent)) for f in (args.baseline, args.rescan)])
    diff = diff_findings(args.baseline, args.rescan, args.accept, baseline_sha256=baseline_sha256)
    claim_out(args.out, str(((diff.get("rescan") or {}).get("case") or {}).get("id") or ""), args.overwrite)
    prepare_out(args.out)
    with locked(args.out):
        claim_out(args.out, str(((diff.get("rescan") or {}).get("case") or {}).get("id") or ""), args.overwrite)
        paths = publish_diff(diff, args.out, args.lang)
    ids = [str(((diff.get(side) or {}).get("case") or {}).get("id") or "") for side in ("baseline", "rescan")]
    if all(ids) and ids[0] != ids[1]:  # Session 21: as scan --baseline says it; a rescan of another case is said
        print("leakscan: warning: " + _("the rescan's case id {0} is not the baseline's case id {1}: two cases "
                                        "compared").format(shown(ids[1]), shown(ids[0])), file=sys.stderr)
    if (diff.get("baseline") or {}).get("findings_sha256") == (diff.get("rescan") or {}).get("findings_sha256"):
        # Session 9: a scan diffed with itself (the same folder twice, or a copy) proves nothing about today
        print("leakscan: " + _("warning: {0} is the same scan as the baseline {1} (the same findings.json): nothing "
                               "was scanned again; a remediation is checked by a new scan (scan SOURCE ... "
                               "--baseline OLD)").format(shown(str(args.rescan)), shown(str(args.baseline))),
              file=sys.stderr)
    if not args.quiet:
        print(summarise(diff, paths), file=sys.stderr)
        from ..anchor import print_anchors

        print_anchors(args.out)
    return exit_code(diff)
