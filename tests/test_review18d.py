"""review18d: damage18's damaged heads and zeroed documents, as a share would show them.

People are Faker ja_JP with a fixed seed (tests/document_data.people_rows); every file is generated here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.document_data import docx_with_table, people_rows

ROWS = people_rows(30)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One CLI scan of every file below (built once for the module)."""
    from tests.conftest import scan_findings

    tree = tmp_path_factory.mktemp("share")
    docx = docx_with_table(ROWS)
    files = {
        "zeroed.docx": bytes(len(docx)), "zeroed.odt": bytes(4096), "zeroed-head-cut.docx": bytes(600) + docx[600:1500],
    }
    for name, data in files.items():
        (tree / name).write_bytes(data)
    return scan_findings(tree, tmp_path_factory.mktemp("out"))


def _listed(found: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {Path(s["path"]).name: s for s in found["skipped"]}


def test_a_zeroed_document_without_a_directory_is_listed(scanned: dict[str, Any]) -> None:
    """A Word/OpenDocument file zeroed whole (a save lost on a crash: its size kept, its bytes zero) or zeroed at
    its head and cut before its directory: damage18 sent it to a worker (its zeroed head) which found no zip to
    restore and said nothing: no hit and no listing. Listed `corrupt` now."""
    listed = _listed(scanned)
    for name in ("zeroed.docx", "zeroed.odt", "zeroed-head-cut.docx"):
        assert name in listed and listed[name]["reason"] == "corrupt", (name, sorted(listed))
        assert "document-zeroed" in json.dumps(listed[name]), listed[name]


