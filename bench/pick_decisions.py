"""The walk's cheap checks (``examine.pick``) of every file under FOLDERs, written as JSON lines (issue 11, pick23).

Run once with the old checkout and once with the new one, then compare the two files: a speed change in ``pick`` or
an inspector's ``wants`` must give every file the same decision (picked or not, the inspectors that want it, its
affinity and listing, what the checks recorded). Also what the scan process settles itself (``Dispatcher``'s
``_task`` path is not run: the decision is ``pick``'s). The files are chosen as the walk chooses them: by name
(``NamePrefilter.split``) and by the content check (``by_content``: a name nothing reads whose head contradicts it),
each asked with the walk's ``name_wanted``.

    PYTHONPATH=OLD python bench/pick_decisions.py /tmp/share-20000 ../shared/corpus > old.jsonl
    PYTHONPATH=NEW python bench/pick_decisions.py /tmp/share-20000 ../shared/corpus > new.jsonl
    cmp old.jsonl new.jsonl
"""

from __future__ import annotations

import json
import sys
import tempfile
import time

from scanner.config import ScanConfig
from scanner.demo import LEAKED_NAME
from scanner.examine import by_content, pick
from scanner.pipeline import scan_context
from scanner.sources.base import NameBatch
from scanner.sources.local import LocalSource
from scanner.work import FileOutcome


def main() -> None:
    roots = sys.argv[1:]
    ctx = scan_context(ScanConfig(sources=roots, names=[LEAKED_NAME], out=tempfile.mkdtemp()))
    names = [i.name for i in ctx.inspectors]
    n = picked = 0
    t0 = time.thread_time()
    out = sys.stdout
    for root in roots:
        with LocalSource(root) as src:
            for item in src.batches():
                if not isinstance(item, NameBatch):
                    out.write(json.dumps({"item": type(item).__name__, "repr": repr(item)[:300]}) + "\n")
                    continue
                named, by_rule = ctx.prefilter.split(item.names, item.framed)
                wanted = set(named)
                # as the walk does (``Dispatcher.batch``): the names picked, and those the content check adds
                chosen = {i: (i in wanted if by_rule is not None and i not in by_rule else None, entry)
                          for i, entry in by_content(ctx, item.names, named, item.entry,
                                                     heads=getattr(item, "heads", None))}
                for i, name in enumerate(item.names):
                    n += 1
                    row: dict[str, object] = {"path": chosen[i][1].location.path if i in chosen else name}
                    if i in chosen:
                        seen = FileOutcome()
                        if i not in wanted:
                            row["by_content"] = True
                        cand = pick(chosen[i][1], ctx, seen, chosen[i][0])
                        if cand is not None:
                            picked += 1
                            row.update(wanted=[names[w] for w in cand.wanted], affinity=cand.affinity,
                                       listed=list(cand.listed) if cand.listed else None, size=cand.stat.size,
                                       matches=[repr(m) for m in cand.matches])
                        row.update(recorded=[repr(s) for s in seen.skipped] + [repr(h) for h in seen.hits])
                    else:
                        row["prefilter"] = "not picked"
                    out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    print(f"files {n} picked {picked} pick thread CPU {time.thread_time() - t0:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
