#!/usr/bin/env python3
"""leakscan command-line entry: ``python scan.py --help``."""

import sys

if __name__ == "__main__":
    try:
        from scanner.cli import main
    except KeyboardInterrupt:  # Ctrl-C while Python loads leakscan: one line, as anywhere else
        print("leakscan: interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(main())
