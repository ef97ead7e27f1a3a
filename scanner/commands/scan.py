"""``leakscan scan SOURCE... --name FILE --out DIR``: walk, match, fingerprint, report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..codes import COPY_REASONS, Reason, Status
from ..config import LANGS, MiB, ScanConfig
from ..config import ScanConfig as D  # the option defaults are ScanConfig's: written once
from ..errors import UsageError
from ..sources.single import IMAGE_SUFFIXES
from ..textsafe import shown
from . import argtypes, cluster_options

if TYPE_CHECKING:
    from ..state import ScanState


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "scan",
        help="scan directories, disk images or SMB shares for the leaked file",
        description="Walk each SOURCE read-only, find files by name, variant name, keyword and content, "
        "fingerprint every hit (SHA-256, SHA-1, MD5), and write findings.json, report.html and "
        "manifest.sha256 into --out.",
    )
    p.add_argument("sources", nargs="*", metavar="SOURCE",
                   help="a directory (mounted share), a disk image (raw/dd, E01, VHD ...), smb://[DOMAIN;]USER@HOST[:PORT]/SHARE[/PATH], or any other single file (a backup archive, a workbook), scanned as it is")
    p.add_argument("--name", action="append", default=[], metavar="FILENAME", type=argtypes.file_name,
                   help="exact file name of the leaked file, no folder and no wildcard (repeatable); copies, re-saves "
                   "and owner files ~$NAME are found too")
    p.add_argument("--out", type=argtypes.path, metavar="DIR",
                   help="output folder: new or empty (created 0700; files inside 0600), or an earlier output of this case "
                   "with --overwrite; never inside a scanned source nor containing one")
    p.add_argument("--baseline", type=argtypes.path, metavar="OLD_OUT/findings.json",
                   help="an earlier scan's findings.json (or its folder): after this rescan, write diff.json and "
                   "remediation.html; exit 0 only when no copy remains and nothing was skipped")
    p.add_argument("--overwrite", action="store_true",
                   help="--out holds an earlier finished output of the same case: replace it (the earlier files "
                   "stay until the new ones are complete; a failed run replaces nothing)")
    p.add_argument("--resume", type=argtypes.path, metavar="OUT",
                   help="continue an interrupted scan in OUT with its recorded settings (no other options needed)")
    p.add_argument("--case-id", default="", metavar="ID", help="case number shown in the report")
    p.add_argument("--examiner", default="", metavar="NAME", help="examiner's name shown in the report")
    p.add_argument("--witness", default="", metavar="NAME", help="witness's name shown in the report (optional)")
    p.add_argument("--organisation", default="", metavar="NAME", help="organisation shown in the report")
    p.add_argument("--note", action="append", default=[], metavar="TEXT",
                   help="free-text note for the chain-of-custody block (repeatable)")
    p.add_argument("--lang", choices=LANGS, default=D.lang, help=f"report language: {D.lang} (default) or en")
    p.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    p.add_argument("--unmask", action="store_true",
                   help="show personal values in clear in the report (it says so); masked by default")
    p.add_argument("--no-keywords", action="store_true",
                   help="do not report files whose names merely contain keywords such as 名簿 or 住所録")
    p.add_argument("--max-inspect-mb", type=argtypes.int_at_least(1), default=D.max_inspect_bytes // MiB, metavar="MB",
                   help=f"largest file whose content is inspected (spreadsheets, archives); larger ones are listed as too-large (default {D.max_inspect_bytes // MiB})")
    p.add_argument("--max-cells", type=argtypes.int_at_least(1), default=D.max_cells, metavar="N",
                   help=f"largest sheet (rows x columns) read; a larger one is listed as too-large (default {D.max_cells:,})")
    p.add_argument("--parse-timeout", type=argtypes.seconds, default=D.parse_timeout, metavar="SECONDS",
                   help=f"time limit for parsing one file; a file that takes longer is listed as timeout (default {D.parse_timeout:g})")
    p.add_argument("--archive-depth", type=argtypes.int_at_least(0), default=D.archive_depth, metavar="N",
                   help=f"how deep to open archives inside archives (default {D.archive_depth}; 0 = do not open archives)")
    p.add_argument("--max-archive-mb", type=argtypes.int_at_least(1), default=D.max_archive_total // MiB, metavar="MB",
                   help=f"most bytes inflated from one archive, nested ones included; members past it are listed as too-large (default {D.max_archive_total // MiB})")
    p.add_argument("--max-archive-ratio", type=argtypes.int_at_least(1), default=D.max_archive_ratio, metavar="N",
                   help=f"largest inflated/compressed ratio of an archive member over 1 MiB; above it the member is refused as a bomb (default {D.max_archive_ratio})")
    p.add_argument("--known-hashes", type=argtypes.path, action="append", default=[], metavar="FILE",
                   help="digests of the leaked file (MD5, SHA-1 or SHA-256; one per line, sha256sum or hashdeep "
                   "format): any file with one of them is a copy (reason known-hash), whatever its name")
    p.add_argument("--reference", type=argtypes.path, action="append", default=[], metavar="FILE",
                   help="the original list, when the organisation still has it: read (never changed) and counted "
                   "with the leak set, even outside the SOURCEs (repeatable)")
    p.add_argument("--min-overlap", type=argtypes.int_at_least(1), default=D.min_overlap, metavar="N",
                   help="a personal-records file sharing at least N persons with the leak set is reported as "
                   f"record-overlap (default {D.min_overlap})")
    p.add_argument("--workers", type=int, default=D.workers or None, metavar="N",
                   help="worker processes that read and decode files, each killable with its own memory cap and "
                   "time limit (default: one per core); the findings are the same for any N")
    p.add_argument("--verify-images", action="store_true",
                   help="before walking a disk image, re-read all of it and compare its MD5/SHA-1 with the "
                   "hashes stored in it (E01); the report says whether it matched")
    cluster_options.add_arguments(p)
    p.set_defaults(run=run)


def config_from_args(args: argparse.Namespace, argv: list[str]) -> ScanConfig:
    if not args.sources or args.out is None:
        raise UsageError("SOURCE and --out are required (or --resume OUT alone)")
    if not args.name:
        print("leakscan: note: no --name given; only content and keyword rules apply", file=sys.stderr)
    return ScanConfig(
        sources=list(args.sources), out=args.out, names=list(args.name), case_id=args.case_id,
        examiner=args.examiner, witness=args.witness, organisation=args.organisation, notes=list(args.note),
        lang=args.lang, quiet=args.quiet, unmask=args.unmask, use_keywords=not args.no_keywords,
        max_inspect_bytes=args.max_inspect_mb * MiB, max_cells=args.max_cells,
        parse_timeout=args.parse_timeout, archive_depth=args.archive_depth,
        max_archive_total=args.max_archive_mb * MiB, max_archive_ratio=args.max_archive_ratio,
        command_line=["leakscan", *argv], baseline=args.baseline,
        known_hashes=_known_hashes(args), references=[str(r) for r in args.reference], min_overlap=args.min_overlap,
        verify_images=getattr(args, "verify_images", False), overwrite=args.overwrite, workers=_workers(args),
        **cluster_options.values(args),  # type: ignore[arg-type]
    )


def _workers(args: argparse.Namespace) -> int:
    if args.workers is None:
        return 0  # one per core, decided on the machine that runs the scan
    if args.workers < 1:
        raise UsageError(f"--workers {args.workers}: give at least 1 (default: one per core)")
    return int(args.workers)


def _known_hashes(args: argparse.Namespace) -> list[str]:
    from ..known_hashes import load_known_hashes

    digests = [d for path in args.known_hashes for d in load_known_hashes(path)]
    for ref in args.reference:
        if not Path(ref).is_file():
            raise UsageError(f"--reference {ref}: no such file")
    return list(dict.fromkeys(digests))


def _check_out_apart(config: ScanConfig) -> None:
    """--out neither inside a SOURCE nor containing one (a directory, an image or a single file), nor
    inside the baseline's output folder (an earlier output stays as it was)."""
    from ..output import refuse_overlap
    from ..remediation import findings_file

    folders = [("source", s) for s in config.sources if not s.startswith("smb://")]
    if config.baseline is not None:
        folders.append(("baseline folder", str(findings_file(config.baseline).parent)))
    refuse_overlap(config.out, folders)


def execute(config: ScanConfig, state: ScanState | None = None) -> tuple[dict, dict]:
    """Run a whole scan from a config and write its outputs; return (findings, paths)."""
    doc, paths, _ = execute_with_diff(config, state)
    return doc, paths


def execute_with_diff(config: ScanConfig, state: ScanState | None = None) -> tuple[dict, dict, dict | None]:
    """Run a whole scan from a config: open sources, scan, write outputs. Returns (findings, paths, diff).

    The scan keeps a resumable state in --out (``state`` is given when resuming one). Into a folder that
    holds an earlier output of the same case (``config.overwrite``), nothing earlier is replaced until
    the new findings and report are written; a rerun in which no source could be opened replaces nothing.
    """
    from ..output import claim_out, locked, prepare_out
    from ..sources import open_source, source_options

    _check_out_apart(config)
    # on a cluster, the workers open the sources (this machine may not reach them)
    sources = [] if config.scheduler else [open_source(s, **source_options(config, s)) for s in config.sources]
    if state is None:
        claim_out(config.out, config.case_id, config.overwrite)  # a refused folder gets not even a lock file
    prepare_out(config.out)
    with locked(config.out):
        return _scan_locked(config, sources, state)


def _scan_locked(config: ScanConfig, sources: list, state: ScanState | None) -> tuple[dict, dict, dict | None]:
    from ..output import claim_out, write_manifest
    from ..pipeline import run_scan
    from ..progress import TqdmProgress
    from ..publish import write_findings
    from ..remediation import remove_stale
    from ..state import ScanState
    from ..store import build_findings
    from ..timeutil import now_utc

    if state is None:
        rerun = claim_out(config.out, config.case_id, config.overwrite)
        state = ScanState.create(config.out, config, now_utc(), rerun=rerun)
    progress = TqdmProgress(not config.quiet)
    try:
        if config.scheduler:
            from ..cluster import run_cluster_scan

            result = run_cluster_scan(config, progress, state)
        else:
            result = run_scan(config, sources, progress, state=state)
        state.finish()
    finally:
        progress.close()
        state.close()
    result.started = state.started
    doc = build_findings(result)
    if state.resumed:
        doc["scan"]["resumed"] = state.resumed
    if state.rerun and len({e["source"] for e in result.source_errors}) == len(config.sources):
        state.discard()
        raise UsageError(f"no SOURCE could be opened ({'; '.join(shown(e['error']) for e in result.source_errors)}); "
                         f"the earlier outputs in {config.out} were left as they were")
    paths = write_findings(doc, config.out, config.lang)
    state.commit()
    diff = None
    if config.baseline is None:
        remove_stale(config.out)  # an earlier rescan's diff must not sit beside these new findings
    else:
        from ..remediation import diff_findings, write_diff

        diff = diff_findings(config.baseline, config.out)
        paths.update(write_diff(diff, config.out, config.lang))
    paths["manifest"] = write_manifest(config.out)
    return doc, paths, diff




def summarise(doc: dict, paths: dict) -> None:
    files = doc["files"]
    strong = [f for f in files if COPY_REASONS & set(f["reasons"])]
    holding = sum(1 for f in strong if (f.get("pii") or {}).get("records"))
    print(f"copies of the named file: {len(strong)}" + (f" ({holding} holding person records)" if holding else ""),
          file=sys.stderr)
    leads = [f for f in files if Reason.NAME_CONTAINS in f["reasons"] and not COPY_REASONS & set(f["reasons"])]
    if leads:  # names holding the named file's name: leads until their content ties them to a copy
        print(f"names containing it:      {len(leads)} (leads, not counted as copies)", file=sys.stderr)
    print(f"files found in all:       {len(files)}", file=sys.stderr)
    print(f"duplicate groups:         {len(doc['duplicate_groups'])}", file=sys.stderr)
    print(f"not examined (skipped):   {len(doc['skipped'])}", file=sys.stderr)
    persons = doc.get("persons")
    if persons:
        exact = "-" if persons["unique_exact"] is None else persons["unique_exact"]  # None in a merged case
        unread = [f for f in persons.get("files", []) if f.get("status") != Status.OK]
        note = f"; NOT counted: {len(unread)} leaked file(s) that could not be read" if unread else ""
        print(f"persons affected:         {persons['unique']} (records {persons['records']}, "
              f"distinct name + address {exact}{note})", file=sys.stderr)
        derived = [f for f in files if Reason.RECORD_OVERLAP in f["reasons"]]
        print(f"files sharing records:    {len(derived)}", file=sys.stderr)
    traces = [t for t in doc.get("traces") or [] if t["kind"] != "usb-device"]
    if doc.get("trace_artefacts"):  # leads, not copies: counted apart, never in the exit code
        print(f"traces of use:            {len(traces)} on {len({t['pc'] for t in traces})} PC(s)", file=sys.stderr)
    print(f"report:                   {shown(paths['report'])}", file=sys.stderr)


def exit_code(doc: dict) -> int:
    if doc["scan"].get("source_errors"):
        return 2
    return 1 if any(COPY_REASONS & set(f["reasons"]) for f in doc["files"]) else 0


def run(args: argparse.Namespace, argv: list[str]) -> int:
    from ..output import locked
    from ..state import ScanState

    if args.resume is None:
        return _run(config_from_args(args, argv), None)
    if args.sources or args.out is not None or args.overwrite:
        raise UsageError("--resume OUT continues a scan with its recorded settings: give no SOURCE, --out or "
                         "--overwrite")
    if not args.resume.is_dir():
        raise UsageError(f"--resume {args.resume}: not a folder")
    with locked(args.resume):  # a second --resume of a running scan is refused before its state is touched
        state = ScanState.resume(args.resume)
        config = state.config(args.resume)
        config.quiet = config.quiet or args.quiet
        if args.workers is not None:  # how many processes is not what is found: a resume may choose again
            config.workers = _workers(args)
        if args.scheduler:  # where the parts run is not what is found either (a scheduler restarted elsewhere)
            config.__dict__.update(cluster_options.values(args))
        return _run(config, state)


def _run(config: ScanConfig, state: ScanState | None) -> int:
    if config.scheduler:
        from ..backends import load
        from ..cluster import check_scheduler

        load("distributed")  # not installed: the install hint, before anything is written
        check_scheduler(config)
    if config.baseline is not None:
        from ..evidence import load_findings
        from ..remediation import findings_file

        load_findings(findings_file(config.baseline))  # a wrong baseline fails before the scan, not after
        if findings_file(config.baseline).resolve().parent == config.out.resolve():
            raise UsageError("--baseline must be an earlier scan's folder, not this scan's --out")
    doc, paths, diff = execute_with_diff(config, state)
    errors = doc["scan"].get("source_errors", [])
    if not config.quiet and len({e["source"] for e in errors}) < len(config.sources):
        summarise(doc, paths)  # when no source could be opened, the error line alone says it (one line)
    for e in errors:
        print(f"leakscan: error: {shown(e['source'])}: {shown(e['error'])}", file=sys.stderr)
    for d in doc["scan"].get("source_details", []):
        if d.get("verified") is False:  # the report says MISMATCH; the terminal must not stay silent
            computed = d.get("computed_hashes") or {}
            pairs = "; ".join(f"{k.upper()} stored {v}, computed {computed.get(k, '-')}"
                              for k, v in (d.get("image_hashes") or {}).items())
            print(f"leakscan: warning: {shown(d['source'])}: image hash MISMATCH ({pairs}): the image was changed "
                  "or damaged after acquisition; what was found in it (or not) is not reliable", file=sys.stderr)
        if d.get("kind") == "file" and Path(d["source"]).suffix.casefold() in IMAGE_SUFFIXES:  # said, not silent
            print(f"leakscan: warning: {shown(d['source'])}: not recognised as a disk image (no partition table or "
                  "file system leakscan can read); only its own name and content were checked", file=sys.stderr)
    if diff is None:
        return exit_code(doc)
    from ..diff import exit_code as diff_exit_code
    from ..remediation import summarise as summarise_diff

    if not config.quiet:
        print(summarise_diff(diff, paths), file=sys.stderr)
    return diff_exit_code(diff)
