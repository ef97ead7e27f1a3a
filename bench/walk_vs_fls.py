#!/usr/bin/env python3
"""Issue #10's benchmark, images20's method: ``ImageSource(IMAGE).entries()`` drained PASSES times in one process,
``time.process_time`` around each pass (the open apart), the best warm pass against ``fls -r -p IMAGE`` (getrusage of
the child). CPU, not wall: the machine is shared.

Usage: PYTHONPATH=CHECKOUT python3 bench/walk_vs_fls.py IMAGE [PASSES]"""

from __future__ import annotations

import resource
import subprocess
import sys
import time

from scanner.sources.image import ImageSource


def main() -> None:
    image, passes = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(["fls", "-r", "-p", image], stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    fls = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    times, n = [], 0
    with ImageSource(image) as src:
        for _ in range(passes):
            t = time.process_time()
            n = sum(1 for _ in src.entries())
            times.append(time.process_time() - t)
    best = min(times[1:] or times)
    print(f"fls {fls:.3f} passes {' '.join(f'{x:.3f}' for x in times)} entries {n} best/fls {best / fls:.2f}")


if __name__ == "__main__":
    main()
