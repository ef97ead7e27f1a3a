"""``leakscan demo``: build a synthetic organisation share and scan it, to see a report in 30 seconds."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import LANGS, ScanConfig
from ..errors import UsageError
from ..i18n import _
from . import argtypes


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help=_("scan a generated (fictitious) organisation share and write a sample report"),
        description=_("Build a synthetic care organisation's share (Faker ja_JP, fixed seed, no real data) "
        "with copies of a leaked client list, then scan it for 介護予防_利用者名簿.xlsx. It reproduces the "
        "real case's figures: 10 copies, 2,382 records, 1,117 distinct name + address strings, 1,077 persons."),
    )
    p.add_argument("--out", type=argtypes.path, default=Path("leakscan-demo"), metavar="DIR",
                   help=_("folder for the demo (default ./leakscan-demo): the share is built in DIR/share and "
                   "the report written to DIR/report"))
    p.add_argument("--lang", choices=LANGS, default=ScanConfig.lang, help=_("report language (default {0})").format(ScanConfig.lang))
    p.add_argument("--quiet", action="store_true", help=_("no progress bar and no summary"))
    p.add_argument("--pdf", action="store_true", help=_("also write report.pdf (headless Chromium, A4)"))
    p.set_defaults(run=run)


def run(args: argparse.Namespace, argv: list[str]) -> int:
    from ..demo import LEAKED_NAME, build_share
    from .scan import execute, summarise

    share = args.out / "share"
    try:
        build_share(share)
    except OSError as e:
        raise UsageError(f"--out {args.out}: cannot build the demo share there ({e.strerror or e})") from e
    if not args.quiet:
        print(f"demo share built in {share}", file=sys.stderr)
    config = ScanConfig(sources=[str(share)], out=args.out / "report", names=[LEAKED_NAME],
                        case_id="DEMO-0001", examiner="デモ 調査員", organisation="架空介護サービス（デモ）",
                        lang=args.lang, quiet=args.quiet, command_line=["leakscan", *argv], pdf=args.pdf,
                        overwrite=True)  # a rerun replaces the earlier demo report (only that: same case id)
    doc, paths = execute(config)
    if not args.quiet:
        summarise(doc, paths)
    print(paths["report"].resolve())
    return 0
