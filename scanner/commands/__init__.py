"""Sub-commands. Each module has ``add_parser(subparsers)``, which sets ``run(args, argv) -> exit code``."""

from . import demo, diff, merge, persons, scan, verify

COMMANDS = [scan, diff, verify, merge, persons, demo]
