"""Exports other forensic tools read, written beside findings.json from the same document:

- ``findings.dfxml``: Digital Forensics XML 2.0 (dfxml_schema), one ``fileobject`` per hit with its
  path, size, allocation (``unalloc`` for a deleted file), times, libmagic description and digests;
- ``findings.case.jsonld``: CASE/UCO JSON-LD: the tool, the scan as an investigative action, and one
  ``File`` observable per hit with its FileFacet and ContentDataFacet (hashes);
- ``copies.hashdeep``: a hashdeep known-file list (``%%%% HASHDEEP-1.0``) of the copies of the named
  file, so ``hashdeep -a -k copies.hashdeep -r SHARE`` (or ``-m``) can audit a share without leakscan.

No personal value is in them: paths and digests only, as in findings.json.
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from typing import Any

from reports.lists import LEADS_CSV, SKIPPED_CSV, leads_csv, skipped_csv

from .summary import classify

DFXML = "findings.dfxml"
CASE_JSONLD = "findings.case.jsonld"
HASHDEEP = "copies.hashdeep"
DFXML_NS = "http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML"
DC_NS = "http://purl.org/dc/elements/1.1/"
DFXML_VERSION = "2.0.0-beta.0"
# characters XML 1.0 cannot hold (control characters but tab, newline, carriage return; lone surrogates)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ID_SPACE = uuid.UUID("8d5c3f3e-2f4e-4f0a-9d55-6c6561b5ca6e")  # leakscan's namespace for stable ids


def _xml_text(value: object) -> str:
    """Text XML can carry: a character it cannot is written visibly as ⟨U+XXXX⟩ (as in the report)."""
    return _NOT_XML.sub(lambda m: f"⟨U+{ord(m.group(0)):04X}⟩", "" if value is None else str(value))


def exported(f: Mapping[str, Any]) -> dict[str, Any]:
    """The size and digests the exports give a row's path: they describe one byte string, the file at that path.

    * the first part of a joined split series (``X.7z.001``, ``X.zip`` of a spanned zip): the part's own
      (``annotations.part_digests``); the joined archive's (the row's) are in findings.json only, under no name
      of the exports (no file of those bytes exists at any path); a part not read again: no size, no digests;
    * a member read up to a break (``annotations.digests_partial``): its declared size, no digests (they cover only
      the bytes before the break; findings.json keeps them, persons --export checks them on re-read);
    * any other row: its own."""
    notes = f.get("annotations") or {}
    own = notes.get("part_digests") if isinstance(notes, Mapping) else None
    if isinstance(own, Mapping):
        if own.get("error") or own.get("size") is None:
            return {}
        return {k: own.get(k) for k in ("size", "md5", "sha1", "sha256")}
    out = {k: f.get(k) for k in ("size", "md5", "sha1", "sha256")}
    if isinstance(notes, Mapping) and notes.get("digests_partial"):
        out = {"size": f.get("size")}
    return out


# -- DFXML ----------------------------------------------------------------------------------------------------

def dfxml(doc: Mapping[str, Any]) -> bytes:
    """findings.dfxml for a findings document."""
    ET.register_namespace("", DFXML_NS)
    ET.register_namespace("dc", DC_NS)

    def el(parent: ET.Element, tag: str, text: object = None, **attrs: str) -> ET.Element:
        e = ET.SubElement(parent, f"{{{DFXML_NS}}}{tag}", attrs)
        if text is not None:
            e.text = _xml_text(text)
        return e

    root = ET.Element(f"{{{DFXML_NS}}}dfxml", {"version": DFXML_VERSION})
    meta = el(root, "metadata")
    ET.SubElement(meta, f"{{{DC_NS}}}type").text = "File hits"
    ET.SubElement(meta, f"{{{DC_NS}}}identifier").text = _xml_text((doc.get("case") or {}).get("id") or "")
    tool, scan = doc.get("tool") or {}, doc.get("scan") or {}
    creator = el(root, "creator", version="1.0")
    el(creator, "program", tool.get("name"))
    el(creator, "version", tool.get("version"))
    build = el(creator, "build_environment")
    for name, version in (tool.get("libraries") or {}).items():
        if version:
            el(build, "library", name=name, version=str(version))
    env = el(creator, "execution_environment")
    el(env, "host", (doc.get("chain_of_custody") or {}).get("host"))
    el(env, "command_line", " ".join(scan.get("command_line") or []))
    el(env, "username", (doc.get("chain_of_custody") or {}).get("os_user"))
    if scan.get("started"):
        el(env, "start_time", scan["started"])
    images = [s["source"] for s in scan.get("source_details") or [] if s.get("kind") == "image"]
    if images:
        source = el(root, "source")
        for image in images:
            el(source, "image_filename", image)
    for f in doc.get("files") or []:
        fo = el(root, "fileobject")
        el(fo, "filename", f.get("path"))
        el(fo, "id", f.get("id"))
        bytes_of = exported(f)
        if bytes_of.get("size") is not None:
            el(fo, "filesize", bytes_of["size"])
        if f.get("deleted"):
            el(fo, "unalloc", 1)
        else:
            el(fo, "alloc", 1)
        for ours, theirs in (("mtime", "mtime"), ("ctime", "ctime"), ("atime", "atime"), ("btime", "crtime")):
            if f.get(ours):
                el(fo, theirs, f[ours], **({} if f[ours].endswith("Z") else {"prec": "2"}))
        if f.get("type"):
            el(fo, "libmagic", f["type"])
        for kind in ("md5", "sha1", "sha256"):
            if bytes_of.get(kind):
                el(fo, "hashdigest", bytes_of[kind], type=kind.upper())
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


# -- CASE / UCO JSON-LD ----------------------------------------------------------------------------------------

CASE_CONTEXT = {
    "kb": "urn:leakscan:kb:",
    "case-investigation": "https://ontology.caseontology.org/case/investigation/",
    "uco-action": "https://ontology.unifiedcyberontology.org/uco/action/",
    "uco-core": "https://ontology.unifiedcyberontology.org/uco/core/",
    "uco-observable": "https://ontology.unifiedcyberontology.org/uco/observable/",
    "uco-tool": "https://ontology.unifiedcyberontology.org/uco/tool/",
    "uco-types": "https://ontology.unifiedcyberontology.org/uco/types/",
    "uco-vocabulary": "https://ontology.unifiedcyberontology.org/uco/vocabulary/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
_HASH_NAMES = {"md5": "MD5", "sha1": "SHA1", "sha256": "SHA256"}


def _iri(kind: str, *parts: object) -> str:
    """A stable node id: the same findings give the same graph."""
    return f"kb:{kind}-{uuid.uuid5(_ID_SPACE, chr(31).join(str(p) for p in (kind, *parts)))}"


def _typed(value: object, kind: str) -> dict[str, object]:
    return {"@type": f"xsd:{kind}", "@value": value}


def case_jsonld(doc: Mapping[str, Any]) -> str:
    """findings.case.jsonld for a findings document."""
    tool, scan, case = doc.get("tool") or {}, doc.get("scan") or {}, doc.get("case") or {}
    scope = (case.get("id"), scan.get("started"))
    tool_id = _iri("tool", tool.get("name"), tool.get("version"))
    graph: list[dict[str, Any]] = [{
        "@id": tool_id,
        "@type": "uco-tool:Tool",
        "uco-core:name": tool.get("name") or "leakscan",
        "uco-tool:version": str(tool.get("version") or ""),
        "uco-tool:toolType": "forensic file search",
    }]
    files = []
    for f in doc.get("files") or []:
        file_id = _iri("file", *scope, f.get("id"), f.get("path"))
        path = str(f.get("path") or "")
        facet: dict[str, Any] = {
            "@id": _iri("file-facet", *scope, f.get("id")),
            "@type": "uco-observable:FileFacet",
            "uco-observable:fileName": re.split(r"[/\\»]", path)[-1].strip(),
            "uco-observable:filePath": path,
            "uco-observable:isDirectory": False,
        }
        bytes_of = exported(f)
        if bytes_of.get("size") is not None:
            facet["uco-observable:sizeInBytes"] = _typed(bytes_of["size"], "integer")
        for ours, theirs in (("mtime", "modifiedTime"), ("atime", "accessedTime"), ("ctime", "metadataChangeTime"),
                             ("btime", "observableCreatedTime")):
            if f.get(ours) and f[ours].endswith("Z"):  # a local wall-clock time (FAT, zip) has no zone: left out
                facet[f"uco-observable:{theirs}"] = _typed(f[ours], "dateTime")
        facets = [facet]
        hashes = [{
            "@id": _iri("hash", *scope, f.get("id"), kind),
            "@type": "uco-types:Hash",
            "uco-types:hashMethod": name,  # xsd:string since UCO 1.4 (a HashNameVocab member)
            "uco-types:hashValue": _typed(bytes_of[kind], "hexBinary"),
        } for kind, name in _HASH_NAMES.items() if bytes_of.get(kind)]
        if hashes:
            content: dict[str, Any] = {"@id": _iri("content-facet", *scope, f.get("id")),
                                       "@type": "uco-observable:ContentDataFacet", "uco-observable:hash": hashes}
            if bytes_of.get("size") is not None:
                content["uco-observable:sizeInBytes"] = _typed(bytes_of["size"], "integer")
            facets.append(content)
        graph.append({"@id": file_id, "@type": "uco-observable:File", "uco-core:hasFacet": facets,
                      "uco-core:description": ", ".join(f.get("reasons") or [])})
        files.append({"@id": file_id})
    action: dict[str, Any] = {
        "@id": _iri("investigative-action", *scope),
        "@type": "case-investigation:InvestigativeAction",
        "uco-core:name": " ".join(scan.get("command_line") or ["leakscan"]),
        "uco-core:description": f"case {case.get('id') or '-'}: search for {', '.join(case.get('names') or [])}",
        "uco-action:instrument": {"@id": tool_id},
        "uco-action:result": files,
    }
    if scan.get("started"):
        action["uco-action:startTime"] = _typed(scan["started"], "dateTime")
    if scan.get("finished"):
        action["uco-action:endTime"] = _typed(scan["finished"], "dateTime")
    graph.append(action)
    return json.dumps({"@context": CASE_CONTEXT, "@graph": graph}, ensure_ascii=False, indent=2) + "\n"


# -- hashdeep --------------------------------------------------------------------------------------------------

def hashdeep(doc: Mapping[str, Any]) -> str:
    """copies.hashdeep: size, MD5, SHA-1, SHA-256 and path of each copy of the named file with digests."""
    lines = ["%%%% HASHDEEP-1.0", "%%%% size,md5,sha1,sha256,filename",
             f"## leakscan known-file list of the copies of: {_one_line(', '.join((doc.get('case') or {}).get('names') or []))}",
             "## audit a share with: hashdeep -a -k copies.hashdeep -r SHARE   (or -m to list the matches)", "##"]
    partial = 0
    for f in classify(doc)["copies"]:
        b = exported(f)
        if b.get("md5") and b.get("sha1") and b.get("sha256") and b.get("size") is not None:
            lines.append(f"{b['size']},{b['md5']},{b['sha1']},{b['sha256']},{_one_line(f.get('path'))}")
        elif (f.get("annotations") or {}).get("digests_partial"):
            partial += 1
    if partial:  # a hashdeep comment line: hashdeep reads "##" lines as comments
        lines.insert(5, f"## {partial} cop(ies) read only up to a break in their data are left out (findings.json: "
                        "annotations.digests_partial)")
    return "\n".join(lines) + "\n"


def _one_line(value: object) -> str:
    """A path on one line of a text list: control characters shown as ⟨U+XXXX⟩."""
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]", lambda m: f"⟨U+{ord(m.group(0)):04X}⟩", "" if value is None else str(value))


EXPORTS: dict[str, Callable[[Mapping[str, Any]], bytes | str]] = {DFXML: dfxml, CASE_JSONLD: case_jsonld, HASHDEEP: hashdeep}
# Every file written beside findings.json from that document alone (the exports, then the CSV lists the report
# shows the first rows of): publish writes them; verify makes them again, so a file copied in from another case
# (with the manifest made again) is seen not to belong to the findings.json beside it.
MADE_FROM_FINDINGS: dict[str, Callable[[dict[str, Any]], bytes | str]] = {
    **EXPORTS, LEADS_CSV: leads_csv, SKIPPED_CSV: skipped_csv}
