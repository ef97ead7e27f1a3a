"""Every declared runtime dependency is what the package imports, under its real distribution name
(tests/test_layers.py checks the two lists are the same; this checks each pairing against the installed
metadata, so a mislabelled library cannot pass)."""

from __future__ import annotations

import re
from importlib import metadata

from scanner.store import LIBRARIES


def _key(dist: str) -> str:
    return re.sub(r"[-_.]+", "-", dist).lower()


def _top(module: str) -> str:
    return module.partition(".")[0]


def test_each_imported_module_comes_from_its_declared_distribution() -> None:
    provided = metadata.packages_distributions()  # keyed by top-level name (``backports`` of backports.zstd)
    wrong = {module: (dist, provided.get(_top(module))) for dist, module in LIBRARIES.items()
             if _key(dist) not in {_key(d) for d in provided.get(_top(module), [])}}
    assert not wrong, f"module: (declared distribution, distributions that really provide it): {wrong}"
