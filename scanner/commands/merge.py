"""``leakscan merge OUT1 OUT2 ... --out CASE_OUT``: scans of many machines combined into one case."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import LANGS, ScanConfig
from ..errors import UsageError
from ..output import prepare_out
from ..timeutil import now_utc
from .scan import exit_code, summarise


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "merge",
        help="combine the outputs of several scans (one per PC, image or share) into one case",
        description="Combine several scans' findings.json into one: files, sources and skips from all, duplicate "
        "groups and person counts across all, one report.html and manifest.sha256 in --out.",
    )
    p.add_argument("outs", nargs="+", type=Path, metavar="OUT", help="output folders of leakscan scan")
    p.add_argument("--out", required=True, type=Path, metavar="CASE_OUT", help="folder for the combined case")
    p.add_argument("--lang", choices=LANGS, default=ScanConfig.lang, help=f"report language: {ScanConfig.lang} (default) or en")
    p.add_argument("--quiet", action="store_true", help="no summary on stderr")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, argv: list[str]) -> int:
    from ..merge import copy_case_key, merge_findings  # the machinery loads when the command runs
    from ..publish import publish_findings

    out = args.out.resolve()
    if any(o.resolve() == out for o in args.outs):
        raise UsageError("--out must be a new folder, not one of the scans being merged")
    started = now_utc()
    doc = merge_findings(list(args.outs), ["leakscan", *argv], started, now_utc())
    prepare_out(args.out)
    copy_case_key(list(args.outs), args.out)
    paths = publish_findings(doc, args.out, args.lang)
    if not args.quiet:
        summarise(doc, paths)
        print(f"persons across scans:     {doc['merge']['persons']}", file=sys.stderr)
    return exit_code(doc)
