"""Content inspectors: each looks at one file's bytes and says what it found (scanner.contracts.Inspector).

They are listed in scanner/registry.py. They import the contracts, never the pipeline.
"""
