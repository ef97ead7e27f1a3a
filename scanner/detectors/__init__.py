"""Detectors: pure functions over data already read (header words, cell values, rows of a sheet)."""
