"""Sub-commands. Each module has ``add_parser(subparsers)``, which sets ``run(args, argv) -> exit code``."""

from . import demo, scan

COMMANDS = [scan, demo]
