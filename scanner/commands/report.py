"""``leakscan report OUT [--pdf] [--lang en] [--case-file FILE]``: write the reports of an output folder
again from its findings.json / diff.json (another language, the examiner's breach-report items, a PDF)."""

from __future__ import annotations

import argparse
import sys

from ..config import LANGS, ScanConfig
from ..errors import UsageError
from ..i18n import _
from . import argtypes


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help=_("write report.html (and remediation.html) of an output folder again, optionally as PDF"),
        description=_("Render report.html from OUT/findings.json (and remediation.html from OUT/diff.json) again: "
        "in another language, with the examiner's breach-report items from --case-file, and with --pdf as "
        "report.pdf / remediation.pdf (headless Chromium, A4). The JSON files are not changed; they must "
        "match the folder's manifest, which is then refreshed. Personal values are shown masked (findings.json "
        "holds no clear values)."),
    )
    p.add_argument("out", type=argtypes.path, metavar="OUT", help=_("an output folder of scan, merge or diff"))
    p.add_argument("--pdf", action="store_true", help=_("also write report.pdf (and remediation.pdf)"))
    p.add_argument("--lang", choices=LANGS, default=ScanConfig.lang, help=_("report language (default {0})").format(ScanConfig.lang))
    p.add_argument("--case-file", type=argtypes.path, metavar="FILE.toml",
                   help=_("case block and breach-report items ([case], [breach]) shown in this report"))
    p.add_argument("--scans", nargs="+", default=[], type=argtypes.path, metavar="FOLDER",
                   help=_("for a diff (or a scan --baseline folder): where its scans are now, when the case was "
                   "copied or moved and its folders renamed (a folder or its findings.json); the SHA-256 the diff "
                   "names decides which is which"))
    p.add_argument("--quiet", action="store_true", help=_("print nothing but errors"))
    p.set_defaults(run=run)


def run(args: argparse.Namespace, argv: list[str]) -> int:
    from ..output import locked, refuse_unfinished
    from ..reportfolder import rewrite_reports

    if args.pdf:
        from ..pdf import check_ready

        check_ready()
    if not args.out.is_dir():  # checked before the lock file, which would be made in it
        raise UsageError(f"{args.out}: not an output folder (give the folder a scan wrote)")
    refuse_unfinished(args.out)  # before the lock file is made in it
    scans = tuple(s.parent if s.name == "findings.json" and not s.is_dir() else s for s in args.scans)
    said: list[str] = []
    with locked(args.out, str(args.out)):  # no --out here: the folder as given
        written = rewrite_reports(args.out, args.lang, args.case_file, args.pdf, scans, said)
    if not args.quiet:
        for line in said:  # case24: a diff.json is recomputed from its scans before it is rendered, and said
            print(line, file=sys.stderr)
        for path in written:
            print(path, file=sys.stderr)
        from ..anchor import print_anchors

        print_anchors(args.out)  # unchanged by this command: findings.json / diff.json are not rewritten
    return 0
