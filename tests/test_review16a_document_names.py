"""review16a: a person list (CSV) renamed as an Office document (名簿.docx, 資料.doc, 会議.pptx, 議事.odt ...) is found by
its content. Those names were not in the disguise check's table: a CSV named .docx was no package with embeddings nor
an OLE document with objects, no inspector wanted it and its people ended as nothing (no hit, no skip), while the same
bytes named .jpg or .pdf were found. (A workbook under .odt/.odp, an .xls under .docx/.pptx:
tests/test_fix16b_disguised_names.py.)"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import scan_findings
from tests.pii_data import csv_bytes, people, standard

ROWS = standard(people(12, seed=16))
DOCUMENTS = (".docx", ".doc", ".pptx", ".ppt", ".odt", ".odp")




def test_a_list_named_as_an_office_document_is_found(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    contents = {"csv": csv_bytes(ROWS, "utf-8"), "cp932": csv_bytes(ROWS), "tsv": csv_bytes(ROWS, "utf-8", "\t")}
    for kind, data in contents.items():
        for ext in DOCUMENTS:
            (tree / f"{kind}_{ext[1:]}{ext}").write_bytes(data)
    found = scan_findings(tree, tmp_path / "out")
    missed = []
    for path in sorted(tree.iterdir()):
        hits = [h for h in found["files"] if h["path"] == str(path)]
        if sum((h.get("pii") or {}).get("records", 0) for h in hits) != len(ROWS) - 1:
            missed.append((path.name, [h["status"] for h in hits],
                           [s["reason"] for s in found["skipped"] if s["path"] == str(path)]))
    assert not missed, "\n".join(map(str, missed))


def test_a_workbook_named_as_a_legacy_document_is_read(tmp_path: Path) -> None:
    """An .xlsx or .xls renamed 資料.doc / 会議.ppt / 議事.rtf: the archive inspector wants those names for their objects,
    saw a zip and opened the workbook's XML parts as members (an .xls: its compound file as a Word document's), no
    table among them: its people ended as nothing, as a workbook named .7z did (the same check,
    tests/test_review16a_workbook_archive_names.py)."""
    from tests.pii_data import xls_bytes, xlsx_bytes

    tree = tmp_path / "tree"
    tree.mkdir()
    for ext in (".doc", ".ppt", ".rtf", ".DOC"):
        (tree / f"xlsx{ext}").write_bytes(xlsx_bytes({"名簿": ROWS}))
        (tree / f"xls{ext}").write_bytes(xls_bytes({"名簿": ROWS}))  # an Excel 97-2003 compound file: read as Word's
    found = scan_findings(tree, tmp_path / "out")
    for path in sorted(tree.iterdir()):
        records = sum((h.get("pii") or {}).get("records", 0) for h in found["files"] if h["path"] == str(path))
        assert records == len(ROWS) - 1, (path.name, [h for h in found["files"] if h["path"] == str(path)])
