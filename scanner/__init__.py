"""leakscan: find, fingerprint and count copies of a leaked personal-data file."""

__version__ = "0.1.0"
TOOL_NAME = "leakscan"
