"""review20s: text whose bytes end in a long run of NULs (a tail zeroed after a crash, a preallocated export, a PDF
padded with NULs under .txt or .dat). The zeroed-block check (``textdecode.zeroed_blocks``, and the vCard reader's
own) searched ``\\x00{16,}(?=[^\\x00])``, which tries every NUL of a final run as a start: ~n**2/2 steps, 16 s of CPU
for speed20's 64 KiB PDF named .txt, about an hour for a 1 MiB tail, so such a file was listed `timeout` (or not,
as the machine's load went) and its persons never read. Each file here is read whole, its persons found.

People are Faker ja_JP with a fixed seed (tests/pii_data.py); nothing here is real.
"""

from __future__ import annotations

import io
import random
import re
from pathlib import Path

import pytest

from scanner.textdecode import zeroed_blocks
from tests import person_tables_data as T
from tests.conftest import hit_of, scan_findings
from tests.pii_data import csv_bytes, people, standard
from tests.test_qa8_new_kinds import _vcards

TAIL = 1 << 20  # NULs after the text: quadratic, an hour of CPU; read whole now in milliseconds
N = 12


def _pdf_with_list(rows: list[list[object]]) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(200, 200)
    w.add_attachment("名簿.csv", csv_bytes(rows, encoding="utf-8"))  # stored as it is: its text in the PDF's bytes
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("nul_tail")
    tree = root / "share"
    tree.mkdir()
    rows = standard(people(N, seed=2020))
    pdf = _pdf_with_list(rows)
    pdf += bytes(4 * (1 << 16) - len(pdf))  # padded with NULs (speed20's was 64 KiB: 16 s; this one 256 KiB)
    files = {"名簿_末尾ゼロ.csv": csv_bytes(rows) + bytes(TAIL), "連絡先.vcf": _vcards(T.ja_people(N, seed=2021)) + bytes(TAIL),
             "報告.txt": pdf, "報告.dat": pdf}
    for name, data in files.items():
        (tree / name).write_bytes(data)
    return tree, scan_findings(tree, root / "out", "--parse-timeout", "10")


@pytest.mark.parametrize("name", ["名簿_末尾ゼロ.csv", "連絡先.vcf", "報告.txt", "報告.dat"])
def test_text_ending_in_a_long_nul_run_is_read_whole(scanned: tuple[Path, dict], name: str) -> None:
    tree, found = scanned
    assert not [s for s in found["skipped"] if s["path"].startswith(str(tree / name))]  # no `timeout`
    hit = hit_of(found, tree / name) or hit_of(found, Path(f"{tree / name} » 名簿.csv"))  # .dat: the PDF's list
    assert hit is not None and "pii" in hit["reasons"] and hit["status"] == "ok", hit
    assert hit["pii"]["records"] == N, hit["pii"]


def test_zeroed_blocks_are_the_nul_runs_with_bytes_after_them() -> None:
    """The same blocks as the old pattern's on text with NUL runs of every length, inside and at the end."""
    old = re.compile(rb"\x00{16,}(?=[^\x00])")
    rnd = random.Random(2020)
    for _ in range(2000):
        data = b"".join(rnd.choice([b"a,b\r\n", b"\x00" * rnd.randrange(1, 40), b"x"]) for _ in range(rnd.randrange(0, 8)))
        assert list(zeroed_blocks(data)) == [(m.start(), m.end() - m.start()) for m in old.finditer(data)], data
