"""Review of speed19 (session 19): the walk's reads of a small file and the resume state, broken the way real files
and users would.

- The resume state writes a file read with nothing found as fixed text (speed19): every outcome it records, under
  odd and non-UTF-8 names, with a link, a skip or a hit only, is the text json.dumps gives, and replays whole (a
  fast path that took a file with only a link or a skip for one with nothing found would lose it on resume).
- A walked file replaced by a FIFO after the walk listed it: the image inspector's look at its ends
  (``image_sniff.read_ends``) opened it blocking, so the walk hung for ever; it is refused now and the file is
  listed (special-file), as every other check of it does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import ROOT

from scanner.config import ScanConfig
from scanner.contracts import ScanResult
from scanner.models import Digests, FileHit, FileStat, Hop, Link, Location, Skipped
from scanner.state import ScanState

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


NAMES = ['/src/q"uote.txt', "/src/back\\slash.csv", "/src/new\nline.txt", "/src/tab\tname.doc", "/src/\x01ctl.pdf",
         "/src/名簿\ufffd.xlsx", "/src/絵文字😀.msg", "/src/%d%s%%.txt", "/src/" + "a" * 240 + ".rtf"]


def test_every_recorded_outcome_is_the_text_json_dumps_gives_and_replays(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    config = ScanConfig(sources=["/src"], out=str(out))
    state = ScanState.create(out, config, "2026-01-01T00:00:00Z")
    result = ScanResult(config=config, started="2026-01-01T00:00:00Z")
    expected: dict[str, str] = {}
    for n, path in enumerate(NAMES):
        raw = path.encode("utf-8", "replace").replace("\ufffd".encode(), b"\x96\xbc").hex() if "\ufffd" in path else None
        loc = Location("/src", path, (), raw)
        member = Location("/src", "/inner/" + path[5:], (Hop("archive", path),), raw)
        for kind in ("read", "link", "skip", "hit", "read-nothing-big"):
            key = f"{kind}\x1f{path}"
            m = result.mark()
            result.files_seen += 1
            result.bytes_read += 10 ** 12 + n if kind == "read-nothing-big" else 100 + n
            if kind == "link":
                result.links.append(Link(member, "../" + path[5:]))
            elif kind == "skip":
                result.skipped.append(Skipped(loc, "corrupt", f"cut at {n}"))
            elif kind == "hit":
                result.hits.append(FileHit(loc, FileStat(3), Digests("0" * 32, "0" * 40, "0" * 64, 3), "xlsx", ["name"]))
            expected[key] = json.dumps(ScanState._outcome(result, m, result.bytes_read - m.bytes_read),
                                       ensure_ascii=False)
            state.record(key, result, m)
    state.close()
    state = ScanState.resume(out)
    rows = dict(state._db.execute("SELECT key, outcome FROM done"))
    assert sorted(rows.values()) == sorted(expected.values())
    replayed = ScanResult(config=config, started="2026-01-01T00:00:00Z")
    assert all(state.replay(key, replayed) for key in expected)
    assert (replayed.files_seen, replayed.bytes_read) == (result.files_seen, result.bytes_read)
    assert [k.location.key() for k in replayed.links] == [k.location.key() for k in result.links]
    assert [s.location.key() for s in replayed.skipped] == [s.location.key() for s in result.skipped]
    assert len(replayed.hits) == len(NAMES)
    state.close()
