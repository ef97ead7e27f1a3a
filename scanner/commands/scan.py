"""``leakscan scan SOURCE... --name FILE --out DIR``: walk, match, fingerprint, report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import MiB, ScanConfig
from ..errors import UsageError

STRONG_REASONS = {"name", "name-variant", "known-hash"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "scan",
        help="scan directories, disk images or SMB shares for the leaked file",
        description="Walk each SOURCE read-only, find files by name, variant name, keyword and content, "
        "fingerprint every hit (SHA-256, SHA-1, MD5), and write findings.json, report.html and "
        "manifest.sha256 into --out.",
    )
    p.add_argument("sources", nargs="+", metavar="SOURCE",
                   help="a directory (mounted share), a disk image (raw/dd, E01 ...) or smb://[DOMAIN;]USER@HOST[:PORT]/SHARE[/PATH]")
    p.add_argument("--name", action="append", default=[], metavar="FILENAME",
                   help="file name of the leaked file (repeatable); copies, re-saves and owner files ~$NAME are found too")
    p.add_argument("--out", required=True, type=Path, metavar="DIR",
                   help="output folder (created 0700; files inside 0600); never inside a scanned source")
    p.add_argument("--case-id", default="", metavar="ID", help="case number shown in the report")
    p.add_argument("--examiner", default="", metavar="NAME", help="examiner's name shown in the report")
    p.add_argument("--witness", default="", metavar="NAME", help="witness's name shown in the report (optional)")
    p.add_argument("--organisation", default="", metavar="NAME", help="organisation shown in the report")
    p.add_argument("--note", action="append", default=[], metavar="TEXT",
                   help="free-text note for the chain-of-custody block (repeatable)")
    p.add_argument("--lang", choices=["ja", "en"], default="ja", help="report language: ja (default) or en")
    p.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    p.add_argument("--unmask", action="store_true",
                   help="show personal values in clear in the report (it says so); masked by default")
    p.add_argument("--no-keywords", action="store_true",
                   help="do not report files whose names merely contain keywords such as 名簿 or 住所録")
    p.add_argument("--max-inspect-mb", type=int, default=256, metavar="MB",
                   help="largest file whose content is inspected (spreadsheets, archives); larger ones are listed as too-large (default 256)")
    p.add_argument("--max-cells", type=int, default=20_000_000, metavar="N",
                   help="largest sheet (rows x columns) read; a larger one is listed as too-large (default 20,000,000)")
    p.add_argument("--parse-timeout", type=float, default=120.0, metavar="SECONDS",
                   help="time limit for parsing one file; a file that takes longer is listed as timeout (default 120)")
    p.add_argument("--archive-depth", type=int, default=3, metavar="N",
                   help="how deep to open archives inside archives (default 3)")
    p.set_defaults(run=run)


def config_from_args(args: argparse.Namespace, argv: list[str]) -> ScanConfig:
    if not args.name:
        print("leakscan: note: no --name given; only content and keyword rules apply", file=sys.stderr)
    return ScanConfig(
        sources=list(args.sources), out=args.out, names=list(args.name), case_id=args.case_id,
        examiner=args.examiner, witness=args.witness, organisation=args.organisation, notes=list(args.note),
        lang=args.lang, quiet=args.quiet, unmask=args.unmask, use_keywords=not args.no_keywords,
        max_inspect_bytes=args.max_inspect_mb * MiB, max_cells=args.max_cells,
        parse_timeout=args.parse_timeout, archive_depth=args.archive_depth,
        command_line=["leakscan", *argv],
    )


def _check_out_not_in_source(config: ScanConfig) -> None:
    out = config.out.resolve()
    for s in config.sources:
        if s.startswith("smb://"):
            continue
        src = Path(s).resolve()
        if src.is_dir() and (out == src or src in out.parents):
            raise UsageError(f"--out {config.out} is inside the source {s}: evidence must stay untouched")


def execute(config: ScanConfig) -> tuple[dict, dict]:
    """Run a whole scan from a config: open sources, scan, write outputs. Returns (findings, paths)."""
    from ..output import prepare_out
    from ..pipeline import run_scan
    from ..progress import TqdmProgress
    from ..publish import publish_findings
    from ..sources import open_source
    from ..store import build_findings

    _check_out_not_in_source(config)
    sources = [open_source(s) for s in config.sources]
    prepare_out(config.out)
    progress = TqdmProgress(not config.quiet)
    try:
        result = run_scan(config, sources, progress)
    finally:
        progress.close()
    doc = build_findings(result)
    paths = publish_findings(doc, config.out, config.lang)
    return doc, paths


def summarise(doc: dict, paths: dict) -> None:
    files = doc["files"]
    strong = [f for f in files if STRONG_REASONS & set(f["reasons"])]
    print(f"copies of the named file: {len(strong)}", file=sys.stderr)
    print(f"files found in all:       {len(files)}", file=sys.stderr)
    print(f"duplicate groups:         {len(doc['duplicate_groups'])}", file=sys.stderr)
    print(f"not examined (skipped):   {len(doc['skipped'])}", file=sys.stderr)
    print(f"report:                   {paths['report']}", file=sys.stderr)


def exit_code(doc: dict) -> int:
    if doc["scan"].get("source_errors"):
        return 2
    return 1 if any(STRONG_REASONS & set(f["reasons"]) for f in doc["files"]) else 0


def run(args: argparse.Namespace, argv: list[str]) -> int:
    config = config_from_args(args, argv)
    doc, paths = execute(config)
    if not config.quiet:
        summarise(doc, paths)
    for e in doc["scan"].get("source_errors", []):
        print(f"leakscan: error: {e['source']}: {e['error']}", file=sys.stderr)
    return exit_code(doc)
