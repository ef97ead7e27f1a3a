"""Helpers the benchmark scripts share: large hit files made once, and results printed or appended."""

from __future__ import annotations

import argparse
import io
import random
import subprocess
import tarfile
from pathlib import Path

BENCH_README = Path(__file__).resolve().parent / "README.md"


def big_files(folder: Path, count: int, size: int) -> list[Path]:
    """``count`` files of ``size`` random bytes named like copies of the leaked file (kept between runs)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        p = folder / f"介護予防_利用者名簿 ({i + 1}).xlsx"
        if not p.exists() or p.stat().st_size != size:
            p.write_bytes(random.Random(i).randbytes(size))
        paths.append(p)
    return paths


def publish(text: str, append: bool) -> None:
    """Print a result section; with --append, add it to bench/README.md as well."""
    print(text)
    if append:
        with open(BENCH_README, "a", encoding="utf-8") as f:
            f.write(text)


def bench_args(doc: str, work: str = "/tmp/leakscan-bench") -> argparse.ArgumentParser:
    """The options every benchmark takes: --work (where data is built), --runs, --append."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--work", type=Path, default=Path(work), help="folder for the generated data")
    ap.add_argument("--runs", type=int, default=3, help="timed runs of each command (median reported)")
    ap.add_argument("--append", action="store_true", help="append the result section to bench/README.md")
    return ap


def other_revision(root: Path, rev: str, dest: Path) -> str:
    """``scanner`` and ``signatures`` of revision ``rev`` of the repository at ``root``, written under ``dest`` (git
    archive); returns the revision's short hash."""
    archive = subprocess.run(["git", "archive", rev, "scanner", "signatures"], cwd=root, capture_output=True,
                             check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return subprocess.run(["git", "rev-parse", "--short", rev], cwd=root, capture_output=True, text=True,
                          check=True).stdout.strip()
