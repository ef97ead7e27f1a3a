"""``leakscan verify OUT [--sources]``: check the outputs against their manifest, and the hits at their sources."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..i18n import _
from ..textsafe import shown
from . import argtypes

if TYPE_CHECKING:
    from ..scope import NamedSources


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "verify",
        help=_("re-check manifest.sha256 of an output folder (and, with --sources, re-hash every hit)"),
        description=_("Re-check every output file against manifest.sha256 (like sha256sum -c, and no unlisted "
        "file). With --sources, also re-hash every hit listed in findings.json where it was found and report "
        "any difference. Exit 0 only when everything matches, 1 when something differs, 2 on error."),
    )
    p.add_argument("out", type=argtypes.path, metavar="OUT", help=_("an output folder of leakscan scan, diff or merge"))
    p.add_argument("--sources", nargs="*", metavar="SOURCE",
                   help=_("also re-hash every hit at its source (read-only), for the SOURCEs named here (as given "
                   "to the scan: folders, images, smb:// URLs); a source findings.json names but you do not is "
                   "asked about at a terminal, else listed as not-named and not read"))
    p.add_argument("--expect-sha256", action="append", default=[], metavar="HEX",
                   help=_("the SHA-256 of findings.json (diff.json for a diff) written down when the case was made "
                   "(printed by scan, merge and diff, shown in the report): differences are found even when the "
                   "folder was edited and its manifest made again; may be given more than once"))
    p.add_argument("--scans", nargs="+", default=[], type=argtypes.path, metavar="FOLDER",
                   help=_("for a diff (or a scan --baseline folder): where its scans are now, when the case was "
                   "copied or moved and its folders renamed (a folder or its findings.json); the SHA-256 the diff "
                   "names decides which is which"))
    p.add_argument("--json", action="store_true", help=_("print the result as JSON on stdout"))
    argtypes.add_password_file(p, " (with --sources: for hits inside encrypted archives)")
    p.set_defaults(run=run)


def _shown(text: object) -> str:
    """A path for the terminal: control, format and bidi characters (hostile names) shown as ⟨U+XXXX⟩."""
    return shown(text)


def _matched(out: Path, expected: list[str]) -> str:
    """Which anchored documents the values written down are (findings.json, diff.json)."""
    from ..anchor import anchors

    return ", ".join(name for name, digest in anchors(out).items() if digest in expected)


def _check_named(named: NamedSources, recorded: list[str]) -> None:
    """--sources that stand for none of the scan's sources would make every hit "not-named" and end as
    "differences found", as if the evidence had changed: refused in one line (a typo, another case's source);
    one named beside the right ones is a warning."""
    unused = named.unused(recorded)
    listed = ", ".join(_shown(r) for r in recorded[:3]) + (" ..." if len(recorded) > 3 else "")
    if unused and len(unused) == len(named.texts):
        raise UsageError(f"--sources {' '.join(unused)}: none of the sources this scan recorded ({listed}); name "
                         "them as they were given to the scan")
    for text in unused:
        print(f"leakscan: warning: --sources {_shown(text)}: not a source this scan recorded; not used", file=sys.stderr)


def run(args: argparse.Namespace, argv: list[str]) -> int:
    from ..readonce import session

    with session():  # verify23: each file hashed (and each findings.json parsed) once in this verify
        return _run(args, argv)


def _run(args: argparse.Namespace, argv: list[str]) -> int:
    from reports.details import detail_text

    from ..evidence import FINDINGS, load_findings  # the machinery loads when the command runs
    from ..i18n import cli_language
    from ..scope import NamedSources, terminal_confirm
    from ..verify import (
        INCONSISTENT,
        MATCH,
        NOT_HASHED,
        check_outputs,
        not_recomputed,
        persons_apart,
        stated_keying,
        verify_sources,
    )

    if not args.out.is_dir():
        raise UsageError(f"{args.out}: not an output folder")
    if not any((args.out / n).is_file() for n in ("manifest.sha256", FINDINGS, "diff.json")):
        # a missing manifest beside real outputs is tampering (exit 1); no outputs at all is a wrong folder
        from ..output import refuse_unfinished

        refuse_unfinished(args.out)
        raise UsageError(f"{args.out}: not a leakscan output folder (no manifest.sha256 or {FINDINGS})")
    from ..anchor import anchors, check_expected, expected_sha256
    from ..output import os_added_files, working_files

    expected = [expected_sha256(v) for v in args.expect_sha256]  # a mistyped value stops before anything is read
    passwords = argtypes.passwords(args)
    scans = tuple(s.parent if s.name == FINDINGS and not s.is_dir() else s for s in args.scans)
    notes: list[str] = []
    problems = check_outputs(args.out, scans, notes)
    anchored = check_expected(args.out, expected)
    problems += anchored
    working = working_files(args.out)  # an interrupted rerun's state: not evidence, not listed, not a problem
    os_files = os_added_files(args.out) if (args.out / "manifest.sha256").is_file() else []  # named, not failed
    rows = []
    if args.sources is not None:
        if not (args.out / FINDINGS).is_file():
            raise UsageError(f"{args.out}: no {FINDINGS} to take the hits from")
        doc = load_findings(args.out / FINDINGS)
        named = NamedSources(args.sources, terminal_confirm())
        _check_named(named, list(doc.scan.sources))
        rows = verify_sources(doc, named, passwords)
    unread = [r for r in rows if r["status"] == NOT_HASHED]  # still there, never read: nothing to compare
    bad = [r for r in rows if r["status"] not in (MATCH, NOT_HASHED)]
    ok = not problems and not bad
    keying = stated_keying(args.out) if not problems else None  # a keying the chains cannot prove: said, not failed
    apart = persons_apart(args.out) if not problems else None  # a merge whose persons were not counted: said
    from ..consistency import EXPORT_LIMIT, exports_not_compared

    too_large = exports_not_compared(args.out)  # verify23: not compared with findings.json's start, said
    if args.json:
        print(json.dumps({"ok": ok, "outputs": problems, "sources": rows, "working_files": working,
                          "os_files": os_files, "anchors": anchors(args.out), "persons_keying_stated": keying,
                          "persons_not_combined": apart, "exports_not_compared": too_large,
                          "notes": notes, "diff_not_recomputed": not_recomputed(notes)},
                         ensure_ascii=False, indent=2))
    else:
        for p in problems:
            code, _sep, why = p["problem"].partition(": ")
            if code == INCONSISTENT:  # the file matches the manifest but contradicts itself
                print(f"OUTPUT {code.upper()}: {_shown(p['file'])}: {_shown(why)}")
            elif p in anchored:  # the value written down outside the folder: the one a forger cannot remake
                print("OUTPUT " + _("ANCHOR MISMATCH: {0}: the SHA-256 written down ({1}) is not the one the "
                                    "folder holds: the evidence document was changed or replaced").format(
                    _shown(p["file"]), p["expected"]))
            else:
                print(f"OUTPUT {p['problem'].upper()}: {_shown(p['file'])}")
        if not [p for p in problems if p not in anchored]:
            print(_("outputs: every file matches manifest.sha256"))
        if expected and not anchored:
            print(_("anchor: the SHA-256 written down matches {0}").format(_matched(args.out, expected)))
        if keying is not None:
            print(_("note: persons.keying {0} is stated by findings.json, not proven: keyings {1} write record chains "
                    "of one format, so the chains cannot tell which of them counted the persons").format(
                keying["keying"], "/".join(map(str, keying["same_format"]))))
        if apart is not None:
            print(_("note: the scans merged in this case were not counted together for persons (different case keys "
                    "or person rules: {0}); this case holds no person count: leakscan persons {1} names each scan's "
                    "count").format(apart, _shown(args.out)))
        for line in notes:  # case24: a diff.json naming no folders, recomputed or not (folders shown escaped)
            print(line)
        for name in too_large:
            print(_("note: {0} is larger than {1} bytes: its start of the scan was not compared with findings.json's "
                    "(not read)").format(_shown(name), EXPORT_LIMIT))
        for w in working:
            print(_("note: working file of an unfinished leakscan run (not an output): {0}").format(_shown(w)))
        for f in os_files:
            print(_("note: added by an operating system (Finder, Explorer) when the folder was copied or opened; "
                    "not leakscan's, not read: {0}").format(_shown(f)))
        for r in bad:
            said = detail_text(str(r["detail"] or ""), str(r["status"]), cli_language(), r.get("detail_codes"))
            print(f"SOURCE {r['status'].upper()}: {_shown(r['path'])}" + (f" ({_shown(said)})" if said else ""))
        for r in unread:
            print(_("note: never read in the scan, still at its place (no SHA-256 to compare; see its status): "
                    "{0}").format(_shown(r["path"])))
        if args.sources is not None:
            print(_("sources: {0} of {1} hits re-hashed and matching").format(len(rows) - len(bad) - len(unread),
                                                                             len(rows)))
    if not ok:
        print("leakscan: verify: " + _("differences found"), file=sys.stderr)
    return 0 if ok else 1
