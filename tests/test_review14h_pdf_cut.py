"""review14h: a PDF cut before its cross-reference table (a download's .part, a copy that stopped), whose attached
file is whole in the bytes, was listed corrupt "could not be read" and its person list never examined: pypdf opens
nothing without a startxref. It now rebuilds the table from the objects (as it does for a wrong startxref)."""

from __future__ import annotations

from pathlib import Path

from tests.test_pdf_attachments import PEOPLE, _hits, _listed_pdf, _object_stream_pdf
from tests.test_wild13 import _scan
from tests.test_wild14 import _csv_bytes


def test_pdf_cut_before_its_xref_gives_its_attachments(tmp_path: Path) -> None:
    listed = _listed_pdf({"顧客名簿.csv": _csv_bytes()})
    packed = _object_stream_pdf("名簿.csv", _csv_bytes())
    findings = _scan(tmp_path, {"報告書.pdf": listed[:listed.rfind(b"xref")],
                                "acrobat.pdf": packed[:packed.rfind(b"7 0 obj")]})
    hits = _hits(findings)
    assert sorted((Path(p).name, n) for p, n in hits) == [("acrobat.pdf » 名簿.csv", PEOPLE),
                                                          ("報告書.pdf » 顧客名簿.csv", PEOPLE)], (hits, findings["skipped"])
    rows = {(Path(s["path"]).name, s["reason"]) for s in findings["skipped"]}
    assert rows == {("報告書.pdf", "corrupt"), ("acrobat.pdf", "corrupt")}, findings["skipped"]
