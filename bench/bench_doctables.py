"""What reading tables inside documents (scanner.doctables, session 17) costs: CPU of ``scan`` over a folder of real
Word, OpenDocument text and RTF documents (fixed seed), by one checkout against another, runs alternated.

The documents are what an office share holds: letters and minutes of 0.5-20 KB of text, a third of them with a table
of items or meetings (5-40 rows), a few with tab-aligned lines, ten with a person table (Faker ja_JP). Each checkout
scans the same folder (``scan DOCS --out OUT --quiet --workers 2``); CPU is the scan process tree's user + system
time (``RUSAGE_CHILDREN``), the median of ``--runs``.

    python bench/bench_doctables.py --base /tmp/base --docs 3000
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.make_share import ITEMS, PLACES, TOPICS  # noqa: E402
from tests.document_data import (  # noqa: E402
    docx_bytes,
    docx_with_table,
    odt_bytes,
    odt_with_table,
    people_rows,
    rtf_text,
    rtf_with_table,
    w_para,
    w_table,
)

SEED = 20261206


def _words(rnd: random.Random, size: int) -> list[str]:
    """Paragraphs of office words, ``size`` characters in all."""
    out, line = [], []
    for _ in range(max(1, size // 6)):
        line.append(rnd.choice(ITEMS + PLACES + TOPICS))
        if rnd.random() < 0.08:
            out.append("".join(line))
            line = []
    return [*out, "".join(line)]


def _items(rnd: random.Random) -> list[list[str]]:
    rows = [["品名", "数量", "単価", "備考"]]
    rows += [[rnd.choice(ITEMS), str(rnd.randint(1, 50)), str(rnd.randint(100, 9000)), rnd.choice(["", "至急"])]
             for _ in range(rnd.randint(5, 40))]
    return rows


def _document(rnd: random.Random, index: int, tables: float = 0.33) -> tuple[str, bytes]:
    kind = rnd.choices(["docx", "odt", "rtf"], [70, 15, 15])[0]
    paras = _words(rnd, int(500 * (40 ** rnd.random())))
    table = _items(rnd) if rnd.random() < tables else None
    tabbed = rnd.random() < 0.05
    if kind == "docx":
        body = "".join(w_para(p) for p in paras)
        if table:
            body += w_table(table) + w_para("以上")
        if tabbed:
            body += "".join(w_para(f"{rnd.choice(TOPICS)}").replace("</w:t></w:r>", "</w:t></w:r><w:r><w:tab/></w:r>")
                            for _ in range(3))
        return f"{index:05d}.docx", docx_bytes(body)
    if kind == "odt":
        body = "".join(f"<text:p>{p}</text:p>" for p in paras)
        if table:
            from tests.document_data import odf_table

            body += odf_table(table)
        return f"{index:05d}.odt", odt_bytes(body)
    text = "\\par\n".join(rtf_text(p) for p in paras)
    if table:
        data = rtf_with_table(table).decode("ascii").replace("\\pard ", "\\pard " + text + "\\par\n", 1)
    else:
        data = "{\\rtf1\\ansi\\ansicpg932{\\fonttbl{\\f0\\fnil\\fcharset128 MS Mincho;}}\\pard " + text + "\\par}"
    return f"{index:05d}.rtf", data.encode("ascii")


def build(root: Path, docs: int, tables: float = 0.33) -> None:
    marker = root.with_name(root.name + f".{docs}.{tables}.built")
    if marker.exists():
        return
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    rnd = random.Random(SEED)
    for i in range(docs):
        name, data = _document(rnd, i, tables)
        folder = root / f"{TOPICS[i // 40 % len(TOPICS)]}{i // 480:02d}"
        folder.mkdir(exist_ok=True)
        (folder / name).write_bytes(data)
    rows = people_rows(40)
    for i, make in enumerate([docx_with_table] * 6 + [odt_with_table] * 2 + [rtf_with_table] * 2):
        ext = {docx_with_table: "docx", odt_with_table: "odt", rtf_with_table: "rtf"}[make]
        (root / f"名簿{i}.{ext}").write_bytes(make(rows[:1] + rows[1 + i:1 + i + 20]))
    marker.touch()


def cpu_of(checkout: Path, docs: Path, out: Path) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one scan by ``checkout``."""
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run([sys.executable, str(checkout / "scan.py"), "scan", str(docs), "--out", str(out), "--quiet",
                    "--workers", "2"], cwd=checkout, check=False, capture_output=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", type=Path, required=True, help="the checkout to compare with (e.g. main unpacked)")
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path("/tmp/bench_doctables"))
    ap.add_argument("--tables", type=float, default=0.33, help="share of the documents holding an item table")
    ap.add_argument("--share", type=Path, help="scan this folder instead of the generated documents")
    a = ap.parse_args()
    docs = a.share or a.work / "docs"
    if a.share is None:
        build(docs, a.docs, a.tables)
    times: dict[str, list[tuple[float, float]]] = {"base": [], "this": []}
    for _ in range(a.runs):
        for label, checkout in (("base", a.base), ("this", ROOT)):
            times[label].append(cpu_of(checkout, docs, a.work / f"out-{label}"))
    for label, got in times.items():
        print(f"{label}: CPU median {statistics.median(c for c, _ in got):.2f} s, wall {statistics.median(w for _, w in got):.2f} s "
              f"(runs {', '.join(f'{c:.2f}' for c, _ in got)})")


if __name__ == "__main__":
    main()
