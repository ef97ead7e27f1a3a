"""Command line: ``leakscan`` / ``python scan.py``. Parses arguments, runs a command, returns the exit code.

Exit codes: 0 completed (nothing of the named file found, or a clean rescan); 1 completed and copies of a
named file were found (or remain); 2 usage or fatal error; 3 incomplete (a scan that could not list part of
its sources, a persons --export that could not read every copy again). A user mistake is one line on stderr, never a
traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import LeakscanError, UsageError
from .i18n import _
from .logsafe import RedactingFormatter
from .textsafe import shown

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


class _Formatter(argparse.HelpFormatter):
    """argparse's help in the terminal's language (its "usage:" too)."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse that reports a user mistake in one line and exits 2, and speaks the terminal's language."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = _("positional arguments")
        self._optionals.title = _("options")
        for action in self._actions:
            if action.dest == "help":
                action.help = _("show this help message and exit")

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_ERROR, f"{self.prog}: {_('error')}: {message} ({_('see --help')})\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="leakscan",
        description=_("Find copies of a leaked personal-data file on shares and disk images, fingerprint "
        "them, count the people affected, and write an evidence report (HTML + JSON)."),
        epilog=_("Exit codes: 0 = completed, nothing found (or clean rescan); 1 = completed and copies found "
        "(or remain); 2 = usage or fatal error; 3 = incomplete: part of a source went away, or a folder or volume "
        "could not be listed (scan), or some copies could not be read again (persons --export)."),
    )
    parser.add_argument("-v", "--verbose", action="store_true", help=VERBOSE_HELP)
    parser.add_argument("--version", action=_Version, nargs=0,
                        help=_("print leakscan's version, its rule set's SHA-256 and the Python version, then exit"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    from .commands import COMMANDS  # here, not at import: Ctrl-C while they load is caught by main

    for module in COMMANDS:
        module.add_parser(sub)
    for command in sub.choices.values():  # `leakscan scan ... -v` as well as `leakscan -v scan ...`
        command.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=VERBOSE_HELP)
    return parser


class _Version(argparse.Action):
    """``--version``: one unwrapped line on stdout (argparse's own action wraps it), computed only when asked."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> None:
        print(version_line())
        parser.exit(EXIT_OK)


VERBOSE_HELP = "log debugging details (tracebacks of files that failed) to stderr"


def version_line() -> str:
    """What an examiner cites: the tool version, the SHA-256 of the rules it ships and the Python it runs on
    (findings.json records the same in ``tool``)."""
    import platform

    from . import __version__, rules

    return f"leakscan {__version__} (rules SHA-256 {rules.ruleset_sha256()}; Python {platform.python_version()})"


def _setup_logging(verbose: bool) -> None:
    """stderr logging whose tracebacks withhold third-party messages (they may quote personal data).

    ``-v`` turns on leakscan's own debug log only: libraries log what they parse at debug level
    (packets, decoded text), so they stay at warning level.
    """
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("leakscan: %(levelname)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    logging.getLogger("leakscan").setLevel(logging.DEBUG if verbose else logging.WARNING)


def _refuse_undecodable(args: argparse.Namespace) -> None:
    """A path typed with bytes that are not UTF-8 (a cp932 folder name pasted from an old share) reaches Python
    as lone surrogates, which no output can encode: refused in one line with the way round it, before
    anything is read or written. (--name is decoded as cp932 instead, as names on disk are.)"""
    for dest, value in vars(args).items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, str | Path) and any("\udc80" <= c <= "\udcff" for c in str(item)):
                if isinstance(item, str) and dest not in _PATH_TEXTS:  # a case id, a name, a note: text, no path
                    raise UsageError(f"--{dest.replace('_', '-')}: not valid UTF-8 text (typed on a terminal set to "
                                     "another encoding?); type it again in UTF-8")
                raise UsageError(f"{item}: this path is not valid UTF-8; give it through a link with a UTF-8 "
                                 "name (ln -s PATH /tmp/src) or rename the copy")


_PATH_TEXTS = frozenset({"sources", "source", "out", "resume"})  # arguments kept as text that name a path or URL


def _recordable(arg: str) -> str:
    """An argument as the outputs record the command line: a --name typed in non-UTF-8 bytes as it was
    decoded (cp932), since lone surrogates cannot be written."""
    if not any("\udc80" <= c <= "\udcff" for c in arg):
        return arg
    from .sources.local import decode_name

    return decode_name(os.fsencode(arg))[0]


def _machine_failure(args: argparse.Namespace, e: OSError | sqlite3.OperationalError) -> str:
    """One line for a failure of the machine (a full disk, an output folder gone): what, where, and for a
    scan, which keeps its state, how to go on once it is fixed. SQLite's messages are fixed texts (the scan
    state: "database or disk is full")."""
    out = getattr(args, "resume", None) or getattr(args, "out", None)
    what = (e.strerror or str(e)) if isinstance(e, OSError) else f"scan state: {e}"
    named = e.filename if isinstance(e, OSError) else None
    where = f" ({named})" if named else f" (output folder {out})" if out else ""
    state = isinstance(out, Path) and hasattr(args, "resume") and (out / "scan-state.sqlite").is_file()
    hint = f"; once fixed, continue with: leakscan scan --resume {out}" if state else ""
    return shown(f"{what}{where}{hint}")


def _refuse_options_before_the_command(parser: argparse.ArgumentParser, argv: list[str]) -> None:
    """``leakscan --lang en scan ...``: the command's options go after it. argparse would take the option's
    value for the command ("invalid choice: 'en'"); say what is wrong instead (exit 2, one line)."""
    commands = set(build_commands(parser))
    for arg in argv:
        if arg in commands or arg in ("--", "-h", "--help", "--version"):
            return
        if arg.startswith("-") and arg.split("=", 1)[0] not in ("-v", "--verbose"):
            command = next((a for a in argv if a in commands), "COMMAND")
            parser.exit(EXIT_ERROR, "leakscan: " + _("error") + ": " + _(
                "{0} goes after the command: leakscan {1} ... {0}").format(shown(arg.split("=", 1)[0]), command)
                + "\n")
        if not arg.startswith("-"):
            return  # not a command: argparse says so


def build_commands(parser: argparse.ArgumentParser) -> list[str]:
    """The command names (scan, diff ...)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


class Stopped(KeyboardInterrupt):
    """SIGTERM (a terminal closed, a service manager or ``timeout`` stopping the run): stopped as Ctrl-C stops
    it, the scan's state kept, and said so (the default action ends the process without a word)."""


def _stop(signum: int, frame: object) -> None:
    raise Stopped


def _catch_sigterm() -> object:
    """SIGTERM raises Stopped in this (main) thread; the previous handler, to restore (None: not set here)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _stop)


def _restore_sigterm(previous: object) -> None:
    import signal

    if previous is not None:
        signal.signal(signal.SIGTERM, previous)  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; Ctrl-C at any moment, even while the commands load or the options are read, is one
    line and exit 130 (Session 9: it was a traceback of the import that was running)."""
    try:
        return _main(argv)
    except KeyboardInterrupt as e:  # before a command started (those are caught in _main, with their resume)
        stopped = isinstance(e, Stopped)
        print("leakscan: " + (_("stopped (SIGTERM)") if stopped else _("interrupted")), file=sys.stderr)
        return 143 if stopped else 130


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    _refuse_options_before_the_command(parser, argv)
    args = parser.parse_args(argv)
    _setup_logging(args.verbose)
    previous = _catch_sigterm()
    try:
        _refuse_undecodable(args)
        return int(args.run(args, [_recordable(a) for a in argv]))
    except LeakscanError as e:  # UsageError included; the message may quote a hostile path
        print(f"leakscan: {_('error')}: {shown(e)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt as e:  # Ctrl-C or SIGTERM: a scan's state is kept, so say how to go on
        out = (getattr(args, "resume", None) or getattr(args, "out", None)) if hasattr(args, "resume") else None
        stopped = isinstance(e, Stopped)
        if out:
            what = _("stopped (SIGTERM); continue with: {0}") if stopped else _("interrupted; continue with: {0}")
            print("leakscan: " + what.format(f"leakscan scan --resume {shown(out)}"), file=sys.stderr)
        else:
            print("leakscan: " + (_("stopped (SIGTERM)") if stopped else _("interrupted")), file=sys.stderr)
        return 143 if stopped else 130
    except BrokenPipeError:
        return EXIT_ERROR
    except (OSError, sqlite3.OperationalError) as e:  # the output folder or the machine failed us: one line
        logging.getLogger("leakscan").debug("fatal", exc_info=True)
        print(f"leakscan: {_('error')}: {_machine_failure(args, e)}", file=sys.stderr)
        return EXIT_ERROR
    except MemoryError:  # a crafted or huge input on a small machine: say so, not "internal error"
        logging.getLogger("leakscan").debug("out of memory", exc_info=True)
        print(f"leakscan: {_('error')}: out of memory (an input too large for this machine's memory)", file=sys.stderr)
        return EXIT_ERROR
    except Exception as e:  # a bug: one line (its message may quote data), the traceback with -v
        logging.getLogger("leakscan").debug("internal error", exc_info=True)
        print(f"leakscan: internal error: {type(e).__name__} (run with -v for the traceback)", file=sys.stderr)
        return EXIT_ERROR
    finally:
        _restore_sigterm(previous)


if __name__ == "__main__":
    sys.exit(main())
