"""A whole scan of a generated share: findings.json against its schema, hashes, groups, skips, links,
the manifest checked by the real ``sha256sum -c``, private permissions, and hostile names in the report."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from tree_data import HOSTILE_FILES, build_evidence_tree

from scanner.commands.scan import execute
from scanner.config import ScanConfig
from scanner.output import check_manifest

STRONG = {"name", "name-variant"}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("outputs")
    share, out = base / "share", base / "case" / "out"
    truth = build_evidence_tree(share)
    config = ScanConfig(sources=[str(share)], out=out, names=[str(truth["leaked_name"])], case_id="T-001",
                        examiner="試験 太郎", quiet=True, command_line=["leakscan", "scan", str(share)])
    old = os.umask(0)  # a careless umask must not make the outputs readable by others
    try:
        doc, paths = execute(config)
    finally:
        os.umask(old)
    return {"share": share, "out": out, "truth": truth, "doc": doc, "paths": paths,
            "json": json.loads((out / "findings.json").read_text(encoding="utf-8"))}


def _schema() -> dict:
    return json.loads(resources.files("scanner").joinpath("schemas/findings.schema.json").read_text("utf-8"))


def test_findings_json_is_valid_against_its_schema(scanned: dict) -> None:
    schema = _schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(scanned["json"])]
    assert errors == []
    assert scanned["json"] == json.loads(json.dumps(scanned["doc"], ensure_ascii=False))


def test_schema_rejects_broken_documents(scanned: dict) -> None:
    """The schema is not a rubber stamp: each of these breakages is caught."""
    validator = jsonschema.Draft202012Validator(_schema())
    doc = scanned["json"]
    breakages = [
        lambda d: d.update(schema="leakscan/findings@2"),
        lambda d: d["files"][0].update(sha256="ABC"),
        lambda d: d["files"][0].pop("reasons"),
        lambda d: d["scan"].update(started="2026-11-26 08:00:00"),
        lambda d: d["duplicate_groups"][0].update(count=1),
        lambda d: d["skipped"][0].pop("reason"),
        lambda d: d["files"][0].update(raw_path_hex="xyz"),
    ]
    for breakage in breakages:
        broken = json.loads(json.dumps(doc))
        breakage(broken)
        assert not validator.is_valid(broken)


def test_every_copy_found_and_nothing_else_called_a_copy(scanned: dict) -> None:
    share, truth, doc = scanned["share"], scanned["truth"], scanned["json"]
    strong = {f["path"] for f in doc["files"] if STRONG & set(f["reasons"])}
    assert strong == {str(share / rel) for rel in truth["copies"]}
    paths = {f["path"] for f in doc["files"]}
    for rel in truth["keyword_only"]:
        assert str(share / rel) in paths
    for rel in truth["decoys"] + truth["links"] + truth["special"]:
        assert str(share / rel) not in paths
    assert doc["case"]["names"] == [truth["leaked_name"]]
    members = sum(1 for rel in truth["copies"] if " » " in rel)  # archive members are entries too
    assert doc["scan"]["files_seen"] == members + sum(
        1 for p in share.rglob("*") if p.is_file() and not p.is_symlink())


def test_hashes_sizes_and_times_match_the_files(scanned: dict) -> None:
    for f in scanned["json"]["files"]:
        if f["container"]:  # an archive member: its bytes are checked by the duplicate-group test
            continue
        raw = bytes.fromhex(f["raw_path_hex"]) if f["raw_path_hex"] else os.fsencode(f["path"])
        with open(raw, "rb") as fh:
            data = fh.read()
        assert (f["md5"], f["sha1"], f["sha256"], f["size"]) == (
            hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest(), hashlib.sha256(data).hexdigest(),
            len(data))
        assert f["status"] == "ok" or f["status_detail"]
        st = os.lstat(raw)
        mtime = datetime.fromtimestamp(int(st.st_mtime), UTC).strftime("%Y-%m-%dT%H:%M:%S")
        assert f["mtime"].startswith(mtime) and f["mtime"].endswith("Z")


def test_duplicate_groups_are_the_identical_copies(scanned: dict) -> None:
    share, truth, doc = scanned["share"], scanned["truth"], scanned["json"]
    identical = {str(share / rel) for rel in truth["duplicate_group"]}
    group = [g for g in doc["duplicate_groups"] if set(g["paths"]) & identical]
    assert len(group) == 1 and set(group[0]["paths"]) == identical and group[0]["count"] == len(identical)
    by_sha: dict[str, int] = {}
    for f in doc["files"]:
        if f["sha256"]:
            by_sha[f["sha256"]] = by_sha.get(f["sha256"], 0) + 1
    assert {g["sha256"]: g["count"] for g in doc["duplicate_groups"]} == {h: n for h, n in by_sha.items() if n > 1}


def test_skipped_links_and_cp932(scanned: dict) -> None:
    share, truth, doc = scanned["share"], scanned["truth"], scanned["json"]
    skipped = {s["path"]: s["reason"] for s in doc["skipped"]}
    for rel in truth["special"]:
        assert skipped[str(share / rel)] == "special-file"
    assert {link["path"] for link in doc["links"]} == {str(share / rel) for rel in truth["links"]}
    for rel in truth["cp932"]:
        f = next(f for f in doc["files"] if f["path"] == str(share / rel))
        assert f["raw_path_hex"] == (os.fsencode(share / Path(rel).parent) + b"/" + Path(rel).name.encode("cp932")).hex()


def test_output_folder_and_files_are_private(scanned: dict) -> None:
    out: Path = scanned["out"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {"findings.json", "report.html", "manifest.sha256"} <= {p.name for p in files}
    for p in files:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p


def test_manifest_passes_sha256sum_and_catches_a_change(scanned: dict, tmp_path: Path) -> None:
    out: Path = scanned["out"]
    listed = {line.split("  ", 1)[1] for line in (out / "manifest.sha256").read_text().splitlines()}
    assert {"findings.json", "report.html"} <= listed
    done = subprocess.run(["sha256sum", "-c", "manifest.sha256"], cwd=out, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK") == len(listed)
    assert check_manifest(out) == []
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / "report.html").write_text("tampered", encoding="utf-8")
    done = subprocess.run(["sha256sum", "-c", "manifest.sha256"], cwd=copy, capture_output=True, text=True)
    assert done.returncode != 0 and "report.html: FAILED" in done.stdout
    assert check_manifest(copy) == [("report.html", "changed")]


def test_report_has_a_row_per_file_and_the_sections(scanned: dict) -> None:
    html = (scanned["out"] / "report.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<tr class="hit[ "]', html)) == len(scanned["json"]["files"])
    assert '<header id="case">' in html and '<nav id="toc">' in html
    assert '<section id="summary"' in html
    for section in ["copies", "leads", "breach", "not-examined", "limits", "method", "custody"]:
        assert f'<section id="{section}"' in html and f'href="#{section}"' in html
    for part in ["sources", "tool", "appendix", "verify", "signature"]:
        assert f'<h3 id="{part}">' in html
    assert "sha256sum -c manifest.sha256" in html
    assert scanned["json"]["scan"]["started"] in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    assert "<link" not in html and "<script" not in html.replace("&lt;script", "")


def test_hostile_names_are_escaped_and_made_visible(scanned: dict) -> None:
    html = (scanned["out"] / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<img" not in html  # every markup character escaped
    assert "&lt;script&gt;document.body.setAttribute(" in html
    assert "&lt;img src=x onerror=document.title=" in html
    assert "\u202e" not in html and "⟨U+202E⟩" in html  # the override shown, not obeyed
    assert "名簿\nforged" not in html and "⟨U+000A⟩" in html
    files = {f["path"] for f in scanned["json"]["files"]}
    for rel in HOSTILE_FILES:
        assert str(scanned["share"] / rel) in files  # kept verbatim in the JSON


def test_no_test_gives_an_absolute_literal_output_folder() -> None:
    """Tests run as root in CI: ``out=Path("/nonexistent")`` once made /nonexistent/case.key on the machine.
    Every output folder a test uses must be under its temporary folder (tmp_path)."""
    import ast

    offenders = []
    for test in sorted(Path(__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(test.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "out":
                literal = [c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant)]
                if any(isinstance(v, str) and v.startswith("/") and not v.startswith("/tmp/") for v in literal):
                    offenders.append(f"{test.name}:{node.value.lineno}")
    assert offenders == []
