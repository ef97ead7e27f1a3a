"""Review of speed19 (session 19): the walk's reads of a small file and the resume state, broken the way real files
and users would.

- A walked file replaced by a FIFO after the walk listed it: the image inspector's look at its ends
  (``image_sniff.read_ends``) opened it blocking, so the walk hung for ever; it is refused now and the file is
  listed (special-file), as every other check of it does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import ROOT

REPLACED_BY_FIFO = textwrap.dedent("""
    import os, sys
    import scanner.examine as examine
    from scanner.config import ScanConfig
    from scanner.contracts import ScanResult
    from scanner.pipeline import scan_context
    from scanner.sources import open_source
    from scanner.sources.base import NameBatch

    tree = sys.argv[1]
    config = ScanConfig(sources=[tree], out=tree + "-out")
    ctx = scan_context(config)
    sized = examine._sized

    def replaced(entry):  # listed as a file, then replaced by a FIFO before any byte is read
        got = sized(entry)
        os.unlink(entry.fs_path)
        os.mkfifo(entry.fs_path)
        return got

    examine._sized = replaced
    with open_source(tree) as source:
        for item in source.batches():
            if isinstance(item, NameBatch):
                for i in range(len(item.names)):
                    result = ScanResult(config=config, started="2026-01-01T00:00:00Z")
                    cand = examine.pick(item.entry(i), ctx, result)
                    print(item.names[i], cand is None, [str(s.reason) for s in result.skipped])
""")


def test_a_file_replaced_by_a_fifo_after_it_was_listed_is_listed_not_waited_for(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "backup.dat").write_bytes(bytes(range(256)) * 64)  # 16 KiB of no known format: the image check reads its ends
    done = subprocess.run([sys.executable, "-c", REPLACED_BY_FIFO, str(tree)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "backup.dat True ['special-file']", done.stdout
