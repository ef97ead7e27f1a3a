"""Sub-commands. Each module has ``add_parser(subparsers)``, which sets ``run(args, argv) -> exit code``.

Every command module is imported to build the parser, on every call (``leakscan --help`` too), so a
command imports the scan machinery (pipeline, inspectors, store ...) inside ``run``, not at the top.
"""

from . import demo, diff, merge, persons, report, scan, verify

COMMANDS = [scan, diff, verify, merge, persons, report, demo]
