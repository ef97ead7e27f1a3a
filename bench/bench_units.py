"""How a scan's files reach the workers and what that costs the scan process (issue 11, batch24).

One scan of SOURCE in this process (2 workers, a resume state in a temporary --out), counted where the pool and the
state are driven: units sent (files a unit), the workers' outcome messages, worker processes started, and the thread
CPU of the scan process's pool and state methods (nested ones are counted inside their callers too: ``_submit``
holds ``in_flight``, ``_send`` and a ``_pump``; ``collect`` holds ``_poll`` and ``_read``; ``_apply`` holds
``record``). Then each worker-bound file kind's own work, warm, in this process as a worker runs it (``run_task``
with risky parsers inline, as ``isolation.InlineWorker``): what a file costs wherever it is examined, however it is
batched.

    PYTHONPATH=. python bench/bench_units.py /tmp/leakscan-bench-fake/tree-200000/d00
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scanner import isolation, pipeline, pool, work  # noqa: E402
from scanner import state as state_mod  # noqa: E402
from scanner.config import ScanConfig  # noqa: E402
from scanner.demo import LEAKED_NAME  # noqa: E402
from scanner.sources import open_source  # noqa: E402
from scanner.state import ScanState  # noqa: E402

spent: collections.Counter[str] = collections.Counter()
calls: collections.Counter[str] = collections.Counter()


def timed(cls: type, name: str) -> None:
    """Count the thread CPU and the calls of ``cls.name``."""
    f: Callable[..., Any] = getattr(cls, name)
    label = f"{cls.__name__}.{name}"

    def run(*a: Any, **k: Any) -> Any:
        t = time.thread_time()
        try:
            return f(*a, **k)
        finally:
            spent[label] += time.thread_time() - t
            calls[label] += 1

    setattr(cls, name, run)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source")
    ap.add_argument("--rounds", type=int, default=3, help="warm rounds of each kind's run_task")
    a = ap.parse_args()
    units: collections.Counter[int] = collections.Counter()
    sent: list[work.FileTask] = []
    settings: list[work.WorkerSettings] = []
    messages = [0, 0]
    send, took = pool.WorkerPool._send, pool.WorkerPool._took

    def counted_send(self: pool.WorkerPool, s: Any, unit: list[work.FileTask]) -> None:
        units[len(unit)] += 1
        sent.extend(unit)
        settings[:] = [self.settings]
        send(self, s, unit)

    def counted_took(self: pool.WorkerPool, s: Any, unit: list[work.FileTask], outcomes: list[Any]) -> None:
        messages[0] += 1
        messages[1] += len(outcomes)
        took(self, s, unit, outcomes)

    pool.WorkerPool._send = counted_send  # type: ignore[method-assign]
    pool.WorkerPool._took = counted_took  # type: ignore[method-assign]
    timed(isolation.Worker, "start")
    for cls, name in [(pool.WorkerPool, "_send"), (pool.WorkerPool, "_read"), (pool.WorkerPool, "_poll"),
                      (pool.WorkerPool, "collect"), (state_mod.ScanState, "in_flight"),
                      (state_mod.ScanState, "record"), (state_mod.ScanState, "flush"),
                      (pipeline.Dispatcher, "_submit"), (pipeline.Dispatcher, "_apply"),
                      (pipeline.Dispatcher, "_task"), (pipeline.Dispatcher, "_run_here")]:
        timed(cls, name)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        config = ScanConfig(sources=[a.source], names=[LEAKED_NAME], out=out)
        state = ScanState.create(out, config, "bench")
        t = time.thread_time()
        pipeline.run_scan(config, [open_source(a.source)], workers=2, state=state)
        state.close()
        main_cpu = time.thread_time() - t
    print(f"scan process main thread CPU {main_cpu:.3f} s; load {os.getloadavg()[0]:.1f}")
    print(f"units sent {sum(units.values())}, files in them {len(sent)}; files a unit: {sorted(units.items())}")
    print(f"outcome messages {messages[0]} carrying {messages[1]} outcomes; workers started {calls['Worker.start']}")
    for label, cpu in spent.most_common():
        if label != "Worker.start":
            print(f"  {cpu:7.3f} s {calls[label]:7d} calls {cpu / calls[label] * 1e6:8.1f} us  {label}")
    if not sent:
        return
    isolation.shared_worker = isolation.InlineWorker  # type: ignore[assignment,assignment]
    for module in list(sys.modules.values()):  # modules that took the name at import: as a worker, inline
        if getattr(module, "__name__", "").startswith("scanner.") and hasattr(module, "shared_worker"):
            module.shared_worker = isolation.InlineWorker
    ctx = work.context_for(settings[0])
    kinds: dict[str, list[work.FileTask]] = collections.defaultdict(list)
    for task in sent:
        size = task.size
        kinds[f"{os.path.splitext(task.name)[1].lower()} {'<=512 B' if size <= 512 else '<=64 KiB' if size <= 65536 else 'larger'}"].append(task)
    print("each kind's run_task, warm (thread CPU a file, best of the rounds):")
    for kind, tasks in sorted(kinds.items(), key=lambda kv: -len(kv[1])):
        best = float("inf")
        for _ in range(a.rounds + 1):  # the first round warms caches and lazy imports
            t = time.thread_time()
            for task in tasks:
                work.run_task(task, ctx)
            best = min(best, time.thread_time() - t)
        print(f"  {kind:22s} {len(tasks):6d} files {best / len(tasks) * 1e6:8.1f} us")


if __name__ == "__main__":
    main()
