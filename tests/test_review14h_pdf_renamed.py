"""review14h: a PDF carrying a person list, saved under another name (報告書.pdf.bak, a download's .part, .dat, no
extension) ended as nothing: only a .pdf name was ever asked; mail and workbooks are read by their content
under such names."""

from __future__ import annotations

from pathlib import Path

from tests.test_pdf_attachments import PEOPLE, _hits, _listed_pdf
from tests.test_wild13 import _scan
from tests.test_wild14 import _csv_bytes


def test_renamed_pdf_attachments_are_read(tmp_path: Path) -> None:
    pdf = _listed_pdf({"顧客名簿.csv": _csv_bytes()})
    names = ["報告書.pdf.bak", "報告書.pdf.part", "報告書.dat", "報告書"]
    findings = _scan(tmp_path, dict.fromkeys(names, pdf) | {"notes.dat": b"see %PDF-1.4 /EmbeddedFile\n" * 8})
    hits = _hits(findings)
    assert sorted(Path(p).name for p, _ in hits) == sorted(f"{n} » 顧客名簿.csv" for n in names), hits
    assert {n for _, n in hits} == {PEOPLE}, hits
    assert not [s for s in findings["skipped"] if "notes.dat" in s["path"]], findings["skipped"]
