"""``leakscan merge OUT1 OUT2 ... --out CASE_OUT``: scans of many machines combined into one case."""

from __future__ import annotations

import argparse
import sys

from ..config import LANGS, ScanConfig
from ..errors import UsageError
from ..i18n import _
from ..output import claim_out, locked, prepare_out, refuse_overlap
from ..timeutil import now_utc
from . import argtypes
from .scan import exit_code, summarise


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "merge",
        help=_("combine the outputs of several scans (one per PC, image or share) into one case"),
        description=_("Combine several scans' findings.json into one: files, sources and skips from all, duplicate "
        "groups and person counts across all, one report.html and manifest.sha256 in --out."),
    )
    p.add_argument("outs", nargs="+", type=argtypes.path, metavar="OUT", help=_("output folders of leakscan scan"))
    p.add_argument("--out", required=True, type=argtypes.path, metavar="CASE_OUT", help=_("folder for the combined case"))
    p.add_argument("--overwrite", action="store_true",
                   help=_("--out holds an earlier merge of the same case: replace it (only once the new one is complete)"))
    p.add_argument("--lang", choices=LANGS, default=ScanConfig.lang, help=_("report language: {0} (default) or en").format(ScanConfig.lang))
    p.add_argument("--quiet", action="store_true", help=_("no summary on stderr"))
    p.set_defaults(run=run)


def run(args: argparse.Namespace, argv: list[str]) -> int:
    from ..evidence import require_case_path
    from ..merge import copy_case_key, merge_findings, warnings  # the machinery loads when the command runs
    from ..publish import publish_findings
    from ..remediation import findings_file

    for given in args.outs:
        require_case_path(given)
    out = args.out.resolve()
    if any(findings_file(o).parent.resolve() == out for o in args.outs):
        raise UsageError("--out must be a new folder, not one of the scans being merged")
    refuse_overlap(args.out, [("scan folder", str(findings_file(o).parent)) for o in args.outs])
    started = now_utc()
    doc = merge_findings(list(args.outs), ["leakscan", *argv], started, now_utc())
    case_id = str((doc.get("case") or {}).get("id") or "")
    claim_out(args.out, case_id, args.overwrite)  # refused before the folder is even created
    prepare_out(args.out)
    with locked(args.out):
        claim_out(args.out, case_id, args.overwrite)
        copy_case_key(list(args.outs), args.out)
        paths = publish_findings(doc, args.out, args.lang)
    for line in warnings(doc):
        print(f"leakscan: warning: {line}", file=sys.stderr)
    if not args.quiet:
        summarise(doc, paths)
        print(_("persons across scans:") + f"     {doc['merge']['persons']}", file=sys.stderr)
    return exit_code(doc)
