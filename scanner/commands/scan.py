"""``leakscan scan SOURCE... --name FILE --out DIR``: walk, match, fingerprint, report."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..codes import COPY_REASONS, INCOMPLETE_REASONS, LOST_REASONS, Status
from ..config import LANGS, MiB, ScanConfig
from ..config import ScanConfig as D  # the option defaults are ScanConfig's: written once
from ..errors import UsageError
from ..i18n import _
from ..textsafe import shown
from . import argtypes, cluster_options
from .argtypes import EXIT_INCOMPLETE

if TYPE_CHECKING:
    from ..state import ScanState


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "scan",
        help=_("scan directories, disk images or SMB shares for the leaked file"),
        description=_("Walk each SOURCE read-only, find files by name, variant name, keyword and content, "
        "fingerprint every hit (SHA-256, SHA-1, MD5), and write findings.json, report.html and "
        "manifest.sha256 into --out."),
    )
    p.add_argument("sources", nargs="*", metavar="SOURCE",
                   help=_("a directory (mounted share), a disk image (raw/dd, E01, VHD ...), smb://[DOMAIN;]USER@HOST[:PORT]/SHARE[/PATH], or any other single file (a backup archive, a workbook), scanned as it is"))
    p.add_argument("--name", action="append", default=[], metavar="FILENAME", type=argtypes.file_name,
                   help=_("exact file name of the leaked file, no folder and no wildcard (repeatable); copies, re-saves "
                   "and owner files ~$NAME are found too"))
    p.add_argument("--out", type=argtypes.path, metavar="DIR",
                   help=_("output folder: new or empty (created 0700; files inside 0600), or an earlier output of this case "
                   "with --overwrite; never inside a scanned source nor containing one"))
    p.add_argument("--baseline", type=argtypes.path, metavar="OLD_OUT/findings.json",
                   help=_("an earlier scan's findings.json (or its folder): after this rescan, write diff.json and "
                   "remediation.html; exit 0 only when no copy remains and nothing was skipped"))
    p.add_argument("--baseline-sha256", metavar="HEX",
                   help=_("with --baseline: the SHA-256 of its findings.json written down when it was made; a "
                   "baseline that is not that very document is refused before the scan"))
    p.add_argument("--overwrite", action="store_true",
                   help=_("--out holds an earlier finished output of the same case: replace it (the earlier files "
                   "stay until the new ones are complete; a failed run replaces nothing)"))
    p.add_argument("--resume", type=argtypes.path, metavar="OUT",
                   help=_("continue an interrupted scan in OUT with its recorded settings (no other options needed)"))
    p.add_argument("--case-id", default="", metavar="ID", help=_("case number shown in the report"))
    p.add_argument("--examiner", default="", metavar="NAME", help=_("examiner's name shown in the report"))
    p.add_argument("--witness", default="", metavar="NAME", help=_("witness's name shown in the report (optional)"))
    p.add_argument("--organisation", default="", metavar="NAME", help=_("organisation shown in the report"))
    p.add_argument("--note", action="append", default=[], metavar="TEXT",
                   help=_("free-text note for the chain-of-custody block (repeatable)"))
    p.add_argument("--case-file", type=argtypes.path, metavar="FILE.toml",
                   help=_("the case block ([case] id, examiner, witness, organisation, notes) and the examiner's "
                   "breach-report items ([breach] cause, secondary_damage, response, publication) in one TOML "
                   "file; options given here win over it"))
    p.add_argument("--pdf", action="store_true",
                   help=_("also write report.pdf (and remediation.pdf) with headless Chromium, A4, Japanese fonts "
                   "embedded (checked before the scan)"))
    p.add_argument("--lang", choices=LANGS, default=D.lang, help=_("report language: {0} (default) or en").format(D.lang))
    p.add_argument("--quiet", action="store_true", help=_("no progress bar and no summary"))
    p.add_argument("--unmask", action="store_true",
                   help=_("show personal values in clear in the report (it says so); masked by default"))
    p.add_argument("--no-keywords", action="store_true",
                   help=_("do not report files whose names merely contain keywords such as 名簿 or 住所録"))
    p.add_argument("--max-inspect-mb", type=argtypes.int_at_least(1), default=D.max_inspect_bytes // MiB, metavar="MB",
                   help=_("largest file whose content is inspected (spreadsheets, archives); larger ones are listed as too-large (default {0})").format(D.max_inspect_bytes // MiB))
    p.add_argument("--max-cells", type=argtypes.int_at_least(1), default=D.max_cells, metavar="N",
                   help=_("most cells (rows x columns) read from one file, all its sheets and tables together; past it the rows read are examined and the file is listed as too-large (default {0:,})").format(D.max_cells))
    p.add_argument("--parse-timeout", type=argtypes.seconds, default=D.parse_timeout, metavar="SECONDS",
                   help=_("time limit for parsing one file; a file that takes longer is listed as timeout (default {0:g})").format(D.parse_timeout))
    p.add_argument("--content-check", choices=("auto", "all", "off"), default=D.content_check,
                   help=_("check the first 64 bytes of files whose extension nothing reads (.jpg, .pdf, .log ...) "
                          "against that extension, and examine disguised workbooks, archives and tables: auto = "
                          "local folders, disk images and archives; all = SMB shares too (a round trip per file); "
                          "off = never (default {0})").format(D.content_check))
    p.add_argument("--archive-depth", type=argtypes.int_at_least(0), default=D.archive_depth, metavar="N",
                   help=_("how deep to open archives inside archives (default {0}; 0 = do not open archives)").format(D.archive_depth))
    p.add_argument("--max-archive-mb", type=argtypes.int_at_least(1), default=D.max_archive_total // MiB, metavar="MB",
                   help=_("most bytes inflated from one archive, nested ones included; members past it are listed as too-large (default {0})").format(D.max_archive_total // MiB))
    p.add_argument("--max-archive-ratio", type=argtypes.int_at_least(1), default=D.max_archive_ratio, metavar="N",
                   help=_("largest inflated/compressed ratio of an archive member over 1 MiB; above it the member is refused as a bomb (default {0})").format(D.max_archive_ratio))
    p.add_argument("--known-hashes", type=argtypes.path, action="append", default=[], metavar="FILE",
                   help=_("digests of the leaked file (MD5, SHA-1 or SHA-256; one per line, sha256sum or hashdeep "
                   "format): any file with one of them is a copy (reason known-hash), whatever its name"))
    p.add_argument("--reference", type=argtypes.path, action="append", default=[], metavar="FILE",
                   help=_("the original list, when the organisation still has it: read (never changed) and counted "
                   "with the leak set, even outside the SOURCEs (repeatable)"))
    p.add_argument("--min-overlap", type=argtypes.int_at_least(1), default=D.min_overlap, metavar="N",
                   help=_("a personal-records file sharing at least N persons with the leak set is reported as record-overlap (default {0})").format(D.min_overlap))
    argtypes.add_password_file(p, "; with --resume, give it again or the recorded file is read again")
    p.add_argument("--accept", type=argtypes.path, metavar="FILE",
                   help=_("with --baseline: the examiner's out-of-scope list, one file per line: PATH <TAB> SHA-256 "
                   "<TAB> reason; a listed file (and what is inside it) with that very SHA-256 may remain, and "
                   "remediation.html lists it with the reason"))
    p.add_argument("--verify-images", action=argparse.BooleanOptionalAction, default=D.verify_images,
                   help=_("before walking a disk image, re-read all of it, compare its MD5/SHA-1 with the hashes "
                   "stored in it and hash each image file; on by default for E01/Ex01, --no-verify-images skips it"))
    p.add_argument("--luks-passphrase", action="store_true",
                   help=_("unlock LUKS volumes: the passphrase is read from $LEAKSCAN_LUKS_PASSPHRASE or asked "
                   "for on the terminal, never given on the command line and never written anywhere"))
    p.add_argument("--bitlocker-recovery-key", action="store_true",
                   help=_("unlock BitLocker volumes: the 48-digit recovery key, or the volume's password "
                   "(BitLocker To Go), is read from $LEAKSCAN_BITLOCKER_RECOVERY_KEY or asked for on the terminal, "
                   "never written anywhere"))
    p.add_argument("--bitlocker-startup-key", metavar="FILE",
                   help=_("unlock BitLocker volumes with a startup key file (.BEK, e.g. from the USB stick the PC "
                   "booted with); read by libbde, never copied or written anywhere"))
    p.add_argument("--apfs-password", action="store_true",
                   help=_("unlock encrypted APFS volumes (FileVault): the volume's password or its personal "
                   "recovery key is read from $LEAKSCAN_APFS_PASSWORD or asked for on the terminal, never written "
                   "anywhere"))
    p.add_argument("--smb-retry-window", type=argtypes.seconds, default=D.smb_retry_window, metavar="SECONDS",
                   help=_("when an SMB server goes away (reboot, network outage), keep trying to reconnect this long "
                   "before giving up; each outage is reported as it happens, and what could not be read after "
                   "giving up makes the scan incomplete (exit 3; --resume examines it) (default {0:g})").format(
                       D.smb_retry_window))
    p.add_argument("--smb-timeout", type=argtypes.seconds, default=D.smb_timeout, metavar="SECONDS",
                   help=_("longest wait for one answer from an SMB server before the connection counts as lost "
                   "(default {0:g})").format(D.smb_timeout))
    p.add_argument("--retry-unreadable", action="store_true",
                   help=_("with --resume: read again the files the scan listed as unreadable (after permissions were "
                   "fixed); files and folders lost to the source (connection, source-lost) are always retried"))
    p.add_argument("--strict-complete", action="store_true",
                   help=_("a Windows system folder that only the system may list (System Volume Information at a "
                   "volume's root: signatures/system_folders.toml) makes the scan incomplete (exit 3) like any folder "
                   "that could not be listed; by default it is listed as expected (system-folder) and the scan stays "
                   "complete"))
    p.add_argument("--workers", type=int, default=D.workers or None, metavar="N",
                   help=_("worker processes that read and decode files, each killable with its own memory cap and "
                   "time limit (default: one per core); the findings are the same for any N"))
    cluster_options.add_arguments(p)
    p.set_defaults(run=run)


def config_from_args(args: argparse.Namespace, argv: list[str]) -> ScanConfig:
    if not args.sources or args.out is None:
        raise UsageError("SOURCE and --out are required (or --resume OUT alone)")
    _refuse_repeated_sources(list(args.sources))
    if not args.name:
        print("leakscan: note: no --name given; only content and keyword rules apply", file=sys.stderr)
    from ..sources.image_sniff import whole_sets

    sources, segments = whole_sets(list(args.sources))
    for first in dict.fromkeys(f for _later, f in segments):  # pc08.E0*: the first segment reads the others
        later = [s for s, f in segments if f == first]
        shown = later[0] if len(later) == 1 else f"{later[0]} ... {later[-1]} ({len(later)} files)"
        print(f"leakscan: note: {shown}: later segments of {first}, read with it", file=sys.stderr)
    case: dict = {}
    breach: dict[str, str] = {}
    if args.case_file is not None:
        from ..casefile import read_case_file

        read = read_case_file(args.case_file)
        case, breach = read["case"], read["breach"]
    return ScanConfig(
        sources=sources, out=args.out, names=list(args.name), case_id=args.case_id or case.get("id", ""),
        examiner=args.examiner or case.get("examiner", ""), witness=args.witness or case.get("witness", ""),
        organisation=args.organisation or case.get("organisation", ""),
        notes=[*case.get("notes", []), *args.note], breach=breach, pdf=args.pdf,
        lang=args.lang, quiet=args.quiet, strict_complete=args.strict_complete, unmask=args.unmask,
        use_keywords=not args.no_keywords,
        max_inspect_bytes=args.max_inspect_mb * MiB, max_cells=args.max_cells,
        parse_timeout=args.parse_timeout, archive_depth=args.archive_depth, content_check=args.content_check,
        max_archive_total=args.max_archive_mb * MiB, max_archive_ratio=args.max_archive_ratio,
        command_line=["leakscan", *argv], baseline=args.baseline, baseline_sha256=_baseline_sha256(args),
        known_hashes=_known_hashes(args), references=[str(r) for r in args.reference], min_overlap=args.min_overlap,
        verify_images=args.verify_images, luks_passphrase=args.luks_passphrase,
        bitlocker_recovery_key=args.bitlocker_recovery_key, apfs_password=args.apfs_password,
        bitlocker_startup_key=os.path.abspath(args.bitlocker_startup_key) if args.bitlocker_startup_key else None,
        overwrite=args.overwrite, workers=_workers(args),
        smb_timeout=args.smb_timeout, smb_retry_window=args.smb_retry_window,
        password_file=str(args.password_file) if args.password_file else None, passwords=argtypes.passwords(args),
        accept=_accept(args),
        **cluster_options.values(args),  # type: ignore[arg-type]
    )


def _refuse_repeated_sources(sources: list[str]) -> None:
    """Each file is scanned once: the same SOURCE given twice (also through another spelling or a link), or a
    SOURCE inside a folder SOURCE, would list and count its files twice (one copy reported as two)."""
    seen: dict[str, str] = {}
    for text in sources:
        key = text.rstrip("/").casefold() if text.startswith("smb://") else os.path.realpath(text)
        if key in seen:
            raise UsageError(f"SOURCE {text} is given twice (also as {seen[key]}): give each source once")
        seen[key] = text
    folders = [(k, t) for k, t in seen.items() if not t.startswith("smb://") and os.path.isdir(k)]
    for key, text in seen.items():
        for folder, folder_text in folders:
            if key != folder and key.startswith(folder.rstrip(os.sep) + os.sep):
                raise UsageError(f"SOURCE {text} is inside the SOURCE {folder_text}, which scans it already: "
                                 "give the outer folder only")


def _baseline_sha256(args: argparse.Namespace) -> str | None:
    """--baseline-sha256 HEX, checked now: a mistyped value stops before the scan."""
    if args.baseline_sha256 is None:
        return None
    if args.baseline is None:
        raise UsageError("--baseline-sha256 needs --baseline: it is the value written down for that baseline")
    from ..anchor import expected_sha256

    return expected_sha256(args.baseline_sha256, "--baseline-sha256")


def _accept(args: argparse.Namespace) -> str | None:
    """--accept FILE, checked now: a malformed list stops before the scan, not after it."""
    if args.accept is None:
        return None
    if args.baseline is None:
        raise UsageError("--accept needs --baseline (or use it with leakscan diff): it is honoured by the diff")
    from ..accept import read_accept_file

    read_accept_file(args.accept)
    return str(args.accept)


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
        from ..evidence import require_case_path

        require_case_path(Path(config.baseline), "--baseline")
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
    from ..sources.volume_keys import read_volume_keys

    _check_out_apart(config)
    if config.pdf:  # no browser or no Japanese font: said before anything is scanned
        from ..pdf import check_ready

        check_ready()
    keys = read_volume_keys(config.luks_passphrase, config.bitlocker_recovery_key, config.apfs_password,
                            config.bitlocker_startup_key)  # memory only
    # on a cluster, the workers open the sources (this machine may not reach them)
    sources = [] if config.scheduler else [open_source(s, **source_options(config, s, keys)) for s in config.sources]
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
        complete = not result.source_errors and not any(s.reason in INCOMPLETE_REASONS for s in result.skipped)
        state.finish(complete)
    finally:
        progress.close()
        state.close()
    result.started = state.started
    doc = build_findings(result)
    if state.resumed:
        doc["scan"]["resumed"] = state.resumed
    if state.rerun and not complete and any(s.reason in LOST_REASONS for s in result.skipped):
        raise IncompleteRerun(f"the rescan into {config.out} is incomplete ({_lost_line(doc)}); the earlier outputs "
                              f"there were left as they were; when the source is back: leakscan scan --resume "
                              f"{config.out}")
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
        from ..publish import write_report
        from ..remediation import diff_findings, write_diff

        diff = diff_findings(config.baseline, config.out, Path(config.accept) if config.accept else None,
                             own_rescan=True, baseline_sha256=config.baseline_sha256)
        paths.update(write_diff(diff, config.out, config.lang))
        paths["report"] = write_report(doc, config.out, config.lang, diff)  # its summary says the verdict
    from ..publish import remove_stale_pdfs, write_pdfs

    printed = [p.name for k, p in paths.items() if k in ("report", "remediation")] if config.pdf else []
    remove_stale_pdfs(config.out, {Path(n).with_suffix(".pdf").name for n in printed})
    paths.update(write_pdfs(config.out, printed))
    paths["manifest"] = write_manifest(config.out)
    return doc, paths, diff




class IncompleteRerun(UsageError):
    """A rerun (--overwrite) lost part of a source: it replaces nothing and can be resumed (exit 3)."""


def _lost_line(doc: dict) -> str:
    from ..completeness import summary

    inc = summary(doc) or {}
    parts = []
    bugs = sum(sk.get("reason") == Status.INTERNAL_ERROR for sk in doc.get("skipped") or [])
    if (inc.get("not_examined") or 0) > bugs:
        parts.append(_("{0} folder(s) or file(s) not examined because the source went away or its walk stopped").format(
            inc["not_examined"] - bugs))
    if bugs:
        parts.append(_("{0} file(s) not examined because leakscan's own code failed on them").format(bugs))
    if inc.get("sources_not_opened"):
        parts.append(_("{0} SOURCE(s) not opened").format(len(inc["sources_not_opened"])))
    return "; ".join(parts)


def warn_incomplete(doc: dict, out: object) -> None:
    """The terminal's word that a scan is incomplete: what was not examined, and how to complete it."""
    from ..completeness import summary

    inc = summary(doc)
    if inc is None or not inc["not_examined"]:  # a SOURCE not opened at all has its own error line (exit 2)
        return
    print("leakscan: " + _("INCOMPLETE SCAN: {0}; what was found is not all there is").format(_lost_line(doc)),
          file=sys.stderr)
    for p in inc["paths"]:
        print("  " + _("not examined: {0}").format(shown(p)), file=sys.stderr)
    if inc["not_examined"] > len(inc["paths"]):
        print("  " + _("... and {0} more (findings.json: skipped, reason connection, source-lost or walk-stopped)").format(
            inc["not_examined"] - len(inc["paths"])), file=sys.stderr)
    if any(sk.get("reason") == Status.WALK_STOPPED for sk in doc.get("skipped") or []):
        print("leakscan: " + _("a disk image's walk stopped (a damaged or crafted image crashed or hung its "
                               "reader): check the image (--verify-images, another tool such as fls)"),
              file=sys.stderr)
    bugs = sum(sk.get("reason") == Status.INTERNAL_ERROR for sk in doc.get("skipped") or [])
    if bugs:  # a bug in leakscan, not damage to the files (images21: they were listed corrupt, the scan complete)
        print("leakscan: " + _("leakscan's own code failed on {0} file(s) (reason internal-error: a bug in leakscan, "
                               "not damage to the file): they were not examined; report it, and complete the scan "
                               "with a fixed leakscan").format(bugs), file=sys.stderr)
    print("leakscan: " + _("when the source is back, complete it with: {0}").format(
        f"leakscan scan --resume {shown(out)}"), file=sys.stderr)


def warn_unlisted(doc: dict) -> None:
    """Folders whose files were never listed (no permission, gone during the scan, an I/O or SMB listing error)
    and image volumes that could not be opened: named on the terminal even with --quiet. The scan is incomplete
    (Session 10: it ended complete with the exit code of what was found, as if they held nothing)."""
    from reports.details import detail_text

    from ..completeness import SHOWN_PATHS, unlisted_places
    from ..i18n import cli_language

    failed = {e.get("source") for e in doc["scan"].get("source_errors") or []}
    places = [p for p in unlisted_places(doc) if p.get("source") not in failed]  # its error line says it
    if not places:
        return
    print("leakscan: " + _("INCOMPLETE SCAN: {0} folder(s) or volume(s) could not be listed: the files in them were "
                           "not examined (see skipped.csv); scan them again once they can be read").format(len(places)),
          file=sys.stderr)
    for sk in places[:SHOWN_PATHS]:
        said = detail_text(str(sk.get("detail") or ""), str(sk.get("reason") or ""), cli_language(), sk.get("detail_codes"))
        print("  " + _("not listed: {0} ({1})").format(shown(sk.get("path") or ""), shown(said)),
              file=sys.stderr)
    if len(places) > SHOWN_PATHS:
        print("  " + _("... and {0} more (findings.json: scan.incomplete.unlisted)").format(len(places) - SHOWN_PATHS),
              file=sys.stderr)


def warn_split_series(doc: dict) -> None:
    """One line, even with --quiet, when split series have parts missing (fixsplit12, review12c #4): what those parts
    held was not examined. A count, no names (skipped.csv names the parts); the scan stays complete (a fact about the
    evidence: resuming cannot find a part that is not there)."""
    from ..summary import split_series_incomplete

    n = (doc.get("summary") or {}).get("split_series_incomplete")
    n = split_series_incomplete(doc) if n is None else n
    if n:
        print("leakscan: " + _("{0} split series with parts missing: what the missing parts held was not examined "
                               "(skipped.csv names them); find those parts, put them beside the others and scan "
                               "again").format(n), file=sys.stderr)


def summarise(doc: dict, paths: dict) -> None:
    """The key figures on the terminal: findings.json ``summary`` (scanner/summary.py), in the report's words
    and the terminal's language."""
    from ..completeness import is_complete
    from ..summary import summarise as key_figures

    s = doc.get("summary") or key_figures(doc)
    detail = _("same name {0}, renamed copies or re-saves {1}, same content (hash) {2}").format(
        s["copies_by_name"], s["copies_renamed"], s["copies_by_hash"])
    if s["copies_deleted"]:
        detail += "; " + _("deleted {0}").format(s["copies_deleted"])
    if s["copies_unread"]:
        detail += "; " + _("{0} could not be read in full or in part").format(s["copies_unread"])
    if not is_complete(doc):
        detail += "; " + _("INCOMPLETE scan: part of the sources was not examined, see above")
    rows = [(_("copies of the named file"), f"{s['copies']} ({detail})")]
    if s["places"]:
        rows.append(("  " + _("found in"), ", ".join(shown(p) for p in s["places"])))
    if s["lock_files"]:
        rows.append(("  " + _("lock files (~$)"), _("{0} (listed apart, not copies)").format(s["lock_files"])))
    if s.get("markers"):  # absent from a findings.json written before Session 9
        rows.append(("  " + _("marker files (._, $I)"),
                     _("{0} (listed apart, not copies)").format(s["markers"])))
    persons = s.get("persons")
    if persons:
        distinct = "-" if persons["distinct"] is None else persons["distinct"]  # None in a merged case
        text = _("{0} (records {1}, distinct name + address {2})").format(persons["persons"], persons["records"],
                                                                          distinct)
        if persons["unread_files"]:
            text = text[:-1] + "; " + _("NOT counted: {0} leaked file(s) that could not be read").format(
                persons["unread_files"]) + ")"
        damaged = sum(1 for f in (doc.get("persons") or {}).get("files") or [] if f.get("damaged"))
        if damaged:
            text = text[:-1] + "; " + _("partly read: {0} damaged leaked file(s), counted from the rows read").format(
                damaged) + ")"
        rows.append((_("persons affected"), text))
    other = str(s["record_overlap"])
    if s["other_person_files"]:
        other += " (" + _("other person lists: {0}").format(s["other_person_files"]) + ")"
    rows.append((_("other files, same persons"), other))
    leads = {_("names containing it"): s.get("name_contains", 0), _("keyword names"): s["keyword_leads"],
             _("name lists without addresses"): s["names_only_lists"],
             _("content contradicting the extension"): s.get("disguised", 0)}
    if any(leads.values()):
        rows.append((_("leads (not counted)"), ", ".join(f"{k} {v}" for k, v in leads.items() if v)))
    rows.append((_("not examined (skipped)"), str(s["not_examined"])))
    traces = [t for t in doc.get("traces") or [] if t["kind"] != "usb-device"]
    if doc.get("trace_artefacts"):  # leads, not copies: counted apart, never in the exit code
        rows.append((_("traces of use"), _("{0} on {1} PC(s)").format(len(traces), len({t["pc"] for t in traces}))))
    rows.append((_("report"), shown(paths["report"])))
    if "findings" in paths:  # the value to write into the complaint, and how to check it later (scanner.anchor)
        from ..anchor import anchor_rows

        rows += anchor_rows(Path(paths["findings"]).parent)
    width = max(_width(label) for label, _value in rows) + 1  # the values start one column after the longest ":"
    print("\n".join(label + ":" + " " * (width - _width(label)) + value for label, value in rows), file=sys.stderr)


def _width(text: str) -> int:
    """Columns a label takes on a terminal (East Asian wide characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def exit_code(doc: dict) -> int:
    """2 a SOURCE could not be opened; 3 incomplete (part of a source went away, or a folder or volume could not
    be listed); 1 copies found; 0 none."""
    from ..completeness import is_complete

    if doc["scan"].get("source_errors"):
        return 2
    if not is_complete(doc):
        return EXIT_INCOMPLETE
    return 1 if any(COPY_REASONS & set(f["reasons"]) for f in doc["files"]) else 0


def run(args: argparse.Namespace, argv: list[str]) -> int:
    from ..output import locked
    from ..state import ScanState

    if args.resume is None:
        if args.retry_unreadable:
            raise UsageError("--retry-unreadable goes with --resume OUT (it reads again what that scan could not)")
        return _run(config_from_args(args, argv), None)
    if args.sources or args.out is not None or args.overwrite or args.baseline is not None:
        raise UsageError("--resume OUT continues a scan with its recorded settings: give no SOURCE, --out, "
                         "--overwrite or --baseline (its baseline is the one recorded)")
    if not args.resume.is_dir():
        raise UsageError(f"--resume {args.resume}: not a folder")
    for name in ("resume", "password_file", "accept", "tls_ca", "tls_cert", "tls_key"):  # given now: from here
        if getattr(args, name, None):
            setattr(args, name, Path(os.path.abspath(getattr(args, name))))
    with locked(args.resume, f"--resume {args.resume}"):  # a second --resume of a running scan is refused before its state is touched
        state = ScanState.resume(args.resume, retry_unreadable=args.retry_unreadable)
        config = state.config(args.resume)
        if args.strict_complete and not config.strict_complete:  # what counts as complete is the scan's, from its
            # start: a part judged by one rule and the rest by another would be neither (review11a #14)
            raise UsageError(_("--resume {0}: the scan was started without --strict-complete and continues with its "
                               "recorded settings; to judge system folders strictly, start a new scan with "
                               "--strict-complete").format(args.resume))
        _work_where_started(state.started_in, config)
        config.quiet = config.quiet or args.quiet
        if args.workers is not None:  # how many processes is not what is found: a resume may choose again
            config.workers = _workers(args)
        _resume_passwords(config, args)
        if args.baseline_sha256 is not None:  # the value written down, checked against the recorded baseline
            config.baseline_sha256 = _baseline_sha256(argparse.Namespace(baseline_sha256=args.baseline_sha256,
                                                                         baseline=config.baseline))
        if args.accept is not None:
            config.accept = _accept(argparse.Namespace(accept=args.accept, baseline=config.baseline))
        if args.scheduler:  # where the parts run is not what is found either (a scheduler restarted elsewhere)
            config.__dict__.update(cluster_options.values(args))
        return _run(config, state)


def _recorded_relative_paths(config: ScanConfig) -> list[str]:
    """The paths the scan recorded as typed relative to the folder it was started in."""
    paths = [s for s in config.sources if not s.startswith("smb://")]
    paths += [str(p) for p in (config.baseline, config.password_file, config.accept, config.tls_ca,
                               config.tls_cert, config.tls_key, *config.references) if p]
    return [p for p in paths if not os.path.isabs(p)]


def _work_where_started(started_in: str | None, config: ScanConfig) -> None:
    """A resume run from another folder reads the scan's relative paths where the scan started (never a
    same-named folder here, which would be scanned as the evidence): it works in that folder from now on."""
    relative = _recorded_relative_paths(config)
    if not relative:
        return
    if started_in is None:  # a state written before the folder was recorded: only a clear word is possible
        missing = [p for p in relative if not os.path.exists(p)]
        if missing:
            raise UsageError(_("--resume {0}: the scan recorded {1} relative to the folder it was started in: "
                               "run --resume from that folder").format(config.out, ", ".join(missing)))
        return
    if os.path.realpath(started_in) == os.path.realpath(os.getcwd()):
        return
    if not os.path.isdir(started_in):
        raise UsageError(_("--resume {0}: the scan was started in {1}, which is gone: its relative paths ({2}) "
                           "cannot be read").format(config.out, started_in, ", ".join(relative)))
    os.chdir(started_in)
    print("leakscan: note: " + _("resumed in {0}, the folder the scan was started in: its relative paths ({1}) "
                                 "are read from there").format(shown(started_in), shown(", ".join(relative))),
          file=sys.stderr)


def _resume_passwords(config: ScanConfig, args: argparse.Namespace) -> None:
    """The state records the password file's path, never a password: read it again (or the one given now)."""
    if args.password_file is not None:
        config.password_file = str(args.password_file)
    if config.password_file is None:
        return
    from ..passwords import read_password_file

    try:
        config.passwords = read_password_file(Path(config.password_file))
    except UsageError as e:
        raise UsageError(f"{e} (the interrupted scan used it: give --password-file FILE with --resume)") from None


def _same_case_as(baseline_case: dict, config: ScanConfig) -> None:
    """A rescan checks the baseline's case: without --case-id it takes the baseline's number (said), and a
    different number given is said too, never silently another case."""
    theirs = str(baseline_case.get("id") or "")
    if not theirs or config.case_id == theirs:
        return
    if not config.case_id:
        config.case_id = theirs
        print("leakscan: note: " + _("case id {0} taken from the baseline (--case-id ID gives another)").format(
            shown(theirs)), file=sys.stderr)
    else:
        print("leakscan: warning: " + _("--case-id {0} is not the baseline's case id {1}: the rescan is recorded "
                                        "under {0}").format(shown(config.case_id), shown(theirs)), file=sys.stderr)


def _run(config: ScanConfig, state: ScanState | None) -> int:
    if config.scheduler:
        from ..backends import load
        from ..cluster import check_scheduler

        load("distributed")  # not installed: the install hint, before anything is written
        check_scheduler(config)
    if config.baseline is not None:
        from ..consistency import read_sound_findings
        from ..evidence import require_case_path
        from ..remediation import findings_file

        require_case_path(Path(config.baseline), "--baseline")
        baseline, digest = read_sound_findings(config.baseline)  # a wrong or tampered baseline fails before the scan
        _same_case_as(baseline.case, config)
        if config.baseline_sha256 is not None:
            from ..anchor import require_anchor

            require_anchor(digest, config.baseline_sha256, "--baseline-sha256")
        if findings_file(config.baseline).resolve().parent == config.out.resolve():
            raise UsageError("--baseline must be an earlier scan's folder, not this scan's --out")
    if config.accept is not None:  # a resumed scan's list is read again: one that is gone stops before the scan
        from ..accept import read_accept_file

        read_accept_file(Path(config.accept))
    try:
        doc, paths, diff = execute_with_diff(config, state)
    except IncompleteRerun as incomplete:
        print(f"leakscan: error: {shown(incomplete)}", file=sys.stderr)
        return EXIT_INCOMPLETE
    errors = doc["scan"].get("source_errors", [])
    warn_incomplete(doc, config.out)  # even with --quiet: an incomplete scan must never pass for a finished one
    warn_unlisted(doc)
    warn_split_series(doc)
    if not config.quiet and len({e["source"] for e in errors}) < len(config.sources):
        summarise(doc, paths)  # when no source could be opened, the error line alone says it (one line)
    from ..named import notices
    from ..sources.single import IMAGE_SUFFIXES

    for line in notices(doc.get("named_files") or []):  # the extension typed was not what was found: said loudly
        print(f"leakscan: warning: {shown(line)}", file=sys.stderr)
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
    code = diff_exit_code(diff)
    return EXIT_INCOMPLETE if code != 2 and exit_code(doc) == EXIT_INCOMPLETE else code
