"""Exports other tools read: findings.dfxml against the DFXML schema, findings.case.jsonld by the CASE
project's own validator (case_validate), copies.hashdeep by a real hashdeep matching and auditing the share.

The scan covers a folder (copies under their own and copy names, one inside a zip, one with a control
character and a comma in its name) and a FAT image holding a deleted copy (DFXML unalloc).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import run_leakscan
from image_data import fat_image
from lxml import etree

from scanner.demo import client_list_xlsx, make_people
from scanner.summary import classify

LEAKED = "訪問先一覧.xlsx"
SCHEMA = Path(__file__).parent / "data" / "dfxml_schema" / "dfxml.xsd"
DFXML_NS = {"d": "http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML"}


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} missing in CI")
        pytest.skip(f"{name} not installed (allowed outside CI only)")
    return found


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("exports")
    book = client_list_xlsx(make_people(12, seed=5))
    share = base / "share"
    for rel, data in {f"PC01/{LEAKED}": book, "PC02/訪問先一覧 - コピー.xlsx": book,
                      "PC03/訪問先一覧 (2).xlsx": book + b"\0",  # a re-save with other bytes
                      "PC04/\x1b[31m,訪問先一覧.xlsx": b"hostile name only", "PC04/予算.xlsx": b"other"}.items():
        (share / rel).parent.mkdir(parents=True, exist_ok=True)
        (share / rel).write_bytes(data)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(LEAKED, book)
    (share / "PC05").mkdir()
    (share / "PC05" / "backup.zip").write_bytes(archive.getvalue())
    image = fat_image(base / "pc06.raw", {"DOCS/OTHER.TXT": b"x"}, deleted={f"/DOCS/{LEAKED}": book})
    out = base / "out"
    done = run_leakscan("scan", str(share), str(image), "--name", LEAKED, "--name", f"\x1b[31m,{LEAKED}",
                        "--out", str(out), "--quiet")
    assert done.returncode == 1, done.stderr
    return {"share": share, "out": out, "doc": json.loads((out / "findings.json").read_text("utf-8"))}


def test_exports_are_private_and_in_the_manifest(scanned: dict) -> None:
    out = scanned["out"]
    listed = {line.split("  ", 1)[1] for line in (out / "manifest.sha256").read_text().splitlines()}
    for name in ("findings.dfxml", "findings.case.jsonld", "copies.hashdeep"):
        assert name in listed
        assert (out / name).stat().st_mode & 0o777 == 0o600
    assert subprocess.run(["sha256sum", "-c", "--quiet", "manifest.sha256"], cwd=out).returncode == 0


def test_dfxml_is_valid_and_holds_every_hit(scanned: dict) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    tree = etree.parse(str(scanned["out"] / "findings.dfxml"))
    schema.assertValid(tree)
    objects = tree.findall("d:fileobject", DFXML_NS)
    files = scanned["doc"]["files"]
    assert len(objects) == len(files)
    by_name = {o.findtext("d:filename", namespaces=DFXML_NS): o for o in objects}
    for f in files:
        o = by_name[f["path"].replace("\x1b", "⟨U+001B⟩")]
        assert o.findtext("d:filesize", namespaces=DFXML_NS) == str(f["size"])
        digests = {h.get("type"): h.text for h in o.findall("d:hashdigest", DFXML_NS)}
        assert digests == {k.upper(): f[k] for k in ("md5", "sha1", "sha256") if f[k]}
        deleted = o.findtext("d:unalloc", namespaces=DFXML_NS) == "1"
        assert deleted == bool(f["deleted"]) and (o.findtext("d:alloc", namespaces=DFXML_NS) == "1") != deleted
        if f["mtime"]:
            assert o.findtext("d:mtime", namespaces=DFXML_NS) == f["mtime"]
    assert any(f["deleted"] for f in files)  # the image's deleted copy is there, as unalloc


def test_dfxml_check_can_fail() -> None:
    """The schema check is real: a fileobject with an unknown digest type is refused."""
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    bad = etree.fromstring(b'<dfxml xmlns="http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML" '
                           b'version="2.0.0-beta.0"><metadata/><fileobject><hashdigest type="CRC99">00'
                           b'</hashdigest></fileobject></dfxml>')
    assert not schema.validate(bad)


def test_case_jsonld_conforms_to_case(scanned: dict) -> None:
    validate = _tool("case_validate")
    path = scanned["out"] / "findings.case.jsonld"
    done = subprocess.run([validate, str(path)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "Conforms: True" in done.stdout, done.stdout[-3000:]
    graph = json.loads(path.read_text("utf-8"))["@graph"]
    files = [n for n in graph if n["@type"] == "uco-observable:File"]
    assert len(files) == len(scanned["doc"]["files"])
    sha256 = {h["uco-types:hashValue"]["@value"] for n in files for facet in n["uco-core:hasFacet"]
              for h in facet.get("uco-observable:hash", []) if h["uco-types:hashMethod"] == "SHA256"}
    assert sha256 == {f["sha256"] for f in scanned["doc"]["files"] if f["sha256"]}
    [action] = [n for n in graph if n["@type"] == "case-investigation:InvestigativeAction"]
    assert {r["@id"] for r in action["uco-action:result"]} == {n["@id"] for n in files}


def test_case_check_can_fail(tmp_path: Path) -> None:
    validate = _tool("case_validate")
    bad = tmp_path / "bad.jsonld"
    bad.write_text(json.dumps({"@context": {"uco-observable": "https://ontology.unifiedcyberontology.org/uco/observable/",
                                            "xsd": "http://www.w3.org/2001/XMLSchema#"},
                               "@graph": [{"@id": "urn:x:f", "@type": "uco-observable:FileFacet",
                                           "uco-observable:sizeInBytes": {"@type": "xsd:string", "@value": "big"}}]}))
    done = subprocess.run([validate, str(bad)], capture_output=True, text=True, timeout=600)
    assert done.returncode != 0 and "Conforms: False" in done.stdout


def test_hashdeep_finds_and_audits_the_copies_on_the_share(scanned: dict, tmp_path: Path) -> None:
    """hashdeep, knowing only copies.hashdeep, finds the copies leakscan found on the share (not the
    re-save with other bytes, not the zip member), and its audit says which known copies are gone."""
    hashdeep = _tool("hashdeep")
    known = scanned["out"] / "copies.hashdeep"
    share = scanned["share"]
    copies = classify(scanned["doc"])["copies"]
    on_disk = {f["path"] for f in copies if f["source"] == str(share) and not f["container"]}
    assert len(copies) == 6 and len(on_disk) == 4  # the zip member and the image's deleted copy are apart
    done = subprocess.run([hashdeep, "-m", "-k", str(known), "-r", str(share)], capture_output=True, text=True,
                          timeout=120)
    assert set(done.stdout.splitlines()) == on_disk, done.stderr
    # remediation: delete one copy from a copy of the share; the audit counts the rest and names the gone one
    again = tmp_path / "share"
    shutil.copytree(share, again)
    (again / "PC02" / "訪問先一覧 - コピー.xlsx").unlink()
    done = subprocess.run([hashdeep, "-m", "-k", str(known), "-r", str(again)], capture_output=True, text=True,
                          timeout=120)
    assert len(done.stdout.splitlines()) == len(on_disk) - 1
    audit = subprocess.run([hashdeep, "-a", "-vv", "-k", str(known), "-r", str(again)], capture_output=True,
                           text=True, timeout=120)
    assert audit.returncode != 0 and "Audit failed" in audit.stdout + audit.stderr
