"""fix16b (review16a defects 3b and 5b): content decides, whatever the document's name. An .xlsx renamed 議事.odt /
会議.odp, an .xls renamed 報告.docx / 会議.pptx, and a saved mail or mbox (an .xlsx list attached) renamed 名簿.xls,
資料.rtf, page.html or data.xml ended as nothing (no hit, no skip): the inspector those names belong to took the file,
found no object or table in it and passed it clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import scan_findings
from tests.pii_data import people, standard, xls_bytes, xlsx_bytes
from tests.test_review16a_mail_disguised import _message

ROWS = standard(people(12, seed=16))




def _records(found: dict[str, Any], path: Path, inside: bool = False) -> int:
    hits = [h for h in found["files"] if (h["path"].startswith(f"{path} » ") if inside else h["path"] == str(path))]
    return sum((h.get("pii") or {}).get("records", 0) for h in hits)


def test_an_xlsx_named_as_an_opendocument_is_read(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    for ext in (".odt", ".odp", ".ODT"):
        (tree / f"xlsx{ext}").write_bytes(xlsx_bytes({"名簿": ROWS}))
    found = scan_findings(tree, tmp_path / "out")
    for path in sorted(tree.iterdir()):
        assert _records(found, path) == len(ROWS) - 1, (path.name, found["files"], found["skipped"])


def test_an_xls_named_as_an_office_package_is_read(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    for ext in (".docx", ".pptx", ".docm", ".pptm", ".DOCX"):
        (tree / f"xls{ext}").write_bytes(xls_bytes({"名簿": ROWS}))
    found = scan_findings(tree, tmp_path / "out")
    for path in sorted(tree.iterdir()):
        assert _records(found, path) == len(ROWS) - 1, (path.name, found["files"], found["skipped"])


def test_a_mail_named_as_a_workbook_or_markup_is_read_as_mail(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    message = _message()
    names = ["名簿.xls", "資料.rtf", "page.html", "data.xml", "list.xlsx", "list.ods", "sheet.csv"]
    for name in names:
        (tree / name).write_bytes(message)
    (tree / "inbox.xls").write_bytes(b"From sender@example.jp Mon Mar  2 10:00:00 2026\n" + message)  # an mbox
    found = scan_findings(tree, tmp_path / "out")
    for name in [*names, "inbox.xls"]:
        assert _records(found, tree / name, inside=True) == len(ROWS) - 1, (
            name, [(h["path"], h["status"]) for h in found["files"]], found["skipped"])


def test_damaged_disguised_files_end_as_records_or_a_reason(tmp_path: Path) -> None:
    """Each of the three kinds cut at several offsets and with bytes flipped (fixed seeds): a hit or a listed reason,
    never nothing."""
    import random

    tree = tmp_path / "tree"
    tree.mkdir()
    bodies = {"議事.odt": xlsx_bytes({"名簿": ROWS}), "報告.docx": xls_bytes({"名簿": ROWS}), "名簿.xls": _message()}
    for name, data in bodies.items():
        stem, ext = name.rsplit(".", 1)
        for cut in (len(data) // 4, len(data) // 2, len(data) - 100):
            (tree / f"{stem}_cut{cut}.{ext}").write_bytes(data[:cut])
        for seed in range(3):
            rng = random.Random(seed)
            flipped = bytearray(data)
            for at in rng.sample(range(512, len(data)), 8):
                flipped[at] ^= 0xFF
            (tree / f"{stem}_flip{seed}.{ext}").write_bytes(bytes(flipped))
    found = scan_findings(tree, tmp_path / "out")
    seen = {h["path"].split(" » ")[0] for h in found["files"]} | {s["path"].split(" » ")[0] for s in found["skipped"]}
    silent = sorted(p.name for p in tree.iterdir() if str(p) not in seen)
    assert not silent, silent
