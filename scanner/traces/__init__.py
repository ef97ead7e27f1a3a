"""Traces of use: what Windows recorded about the named file and the USB drives it went to.

Parsers (one module per artefact, libyal readers, run in the parser worker), the inspector that finds
artefacts during the walk, and the post-scan analysis that matches them with the name rules and the scan's
person-records files, ties drives to devices and orders the per-PC timeline. See docs/reference.md "Traces of use".
"""
