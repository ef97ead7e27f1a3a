"""findings.json (schema ``leakscan/findings@1``): build it from a ScanResult (scanner.evidence loads it back).

The schema is documented in docs/reference.md (Outputs and findings.json); additions are additive. No
personal value is stored in clear: person records appear only masked (examples) or as keyed fingerprints.
"""

from __future__ import annotations

import functools
import getpass
import platform
import socket
import sys
from collections import defaultdict
from importlib import metadata
from typing import Any

from . import TOOL_NAME, __version__, completeness, rules
from .contracts import ScanResult
from .details import codes_of
from .evidence import FILE_DETAIL_CODES, FINDINGS, SCHEMA, SKIP_DETAIL_CODES
from .isolation import limit_notes

__all__ = ["FINDINGS", "SCHEMA", "build_findings", "duplicate_groups", "tool_info"]
# Every third-party library the package imports (distribution -> import name), whose version goes into
# tool.libraries of findings.json and the report. tests/test_layers.py keeps it equal to the imports
# written in scanner/ and reports/ (optional back-ends loaded by name included) and to pyproject.toml's
# runtime dependencies, so the list is what leakscan really uses.
LIBRARIES: dict[str, str] = {
    "pyahocorasick": "ahocorasick", "python-magic": "magic", "openpyxl": "openpyxl",
    "python-calamine": "python_calamine", "tqdm": "tqdm", "Jinja2": "jinja2", "charset-normalizer": "charset_normalizer",
    "msoffcrypto-tool": "msoffcrypto", "pytsk3": "pytsk3", "libewf-python": "pyewf", "dfvfs": "dfvfs",
    "smbprotocol": "smbprotocol", "py7zr": "py7zr", "pyzipper": "pyzipper", "pyxlsb": "pyxlsb", "olefile": "olefile", "jaconv": "jaconv",
    "Faker": "faker", "MarkupSafe": "markupsafe", "liblnk-python": "pylnk", "libolecf-python": "pyolecf",
    "libregf-python": "pyregf", "libfwsi-python": "pyfwsi", "lxml": "lxml", "libpff-python": "pypff",
    "tnefparse": "tnefparse", "compressed-rtf": "compressed_rtf", "striprtf": "striprtf",
    "pypdf": "pypdf",  # files attached to a PDF (scanner.inspectors.pdf_attachments)
    "pyreadstat": "pyreadstat",  # SPSS, Stata and SAS data files (scanner.statsdata)
    "lz4": "lz4",  # .lz4/.tar.lz4 and lz4 initramfs parts (images26)
    "backports.zstd": "backports.zstd",  # .zst files (Python 3.14+: the standard library's compression.zstd)
    # the image files' own headers (parents, backing files, extents), libyal bindings that come with dfvfs
    "libvhdi-python": "pyvhdi", "libqcow-python": "pyqcow", "libvmdk-python": "pyvmdk", "libphdi-python": "pyphdi",
    "libbde-python": "pybde",  # --bitlocker-startup-key: the .BEK file checked before the scan
    "distributed": "distributed",  # scan --scheduler only: the optional extra `dask`
}


def tool_info() -> dict[str, Any]:
    versions: dict[str, str | None] = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = None
    return {
        "name": TOOL_NAME,
        "version": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libraries": versions,
        "ruleset_sha256": rules.ruleset_sha256(),
        "rule_files": rules.ruleset_files(),
        "code_sha256": code_sha256(),
    }


@functools.cache
def code_sha256() -> str:
    """SHA-256 over leakscan's own code (every .py of the scanner and reports packages: name and bytes, sorted).
    The version number stays while the code changes; verify makes the exports and CSV lists again and compares
    bytes only for a case this very code wrote (review9h: other code of the same version and rules wrote them a
    little otherwise, and a genuine case was said to be copied in from another case)."""
    import hashlib
    from importlib.util import find_spec
    from pathlib import Path

    h = hashlib.sha256()
    for package in ("scanner", "reports"):
        spec = find_spec(package)
        if spec is None or not spec.origin:
            continue
        root = Path(spec.origin).parent
        for path in sorted(root.rglob("*.py")):
            h.update(f"{package}/{path.relative_to(root).as_posix()}".encode() + b"\0"
                     + hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in a bare container
        return ""


def duplicate_groups(files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every SHA-256 seen more than once, with the paths that hold it (largest groups first)."""
    by_hash: dict[str, list[str]] = defaultdict(list)
    for f in files:
        if f.get("sha256"):
            by_hash[f["sha256"]].append(f["path"])
    groups = [{"sha256": h, "count": len(p), "paths": p} for h, p in by_hash.items() if len(p) > 1]
    return sorted(groups, key=lambda g: (-g["count"], g["sha256"]))


def with_codes(entry: dict[str, Any], key: str, codes: str, recorded: bool = False) -> dict[str, Any]:
    """``entry`` with its detail text (``key``) also as detail codes (``codes``, scanner.details): the codes it
    was said with (scanner.details.Said), never read back from a text that may quote a hostile name; read back
    only from a detail that lost them (a case written before the codes, a detail replayed from the resume state).
    ``recorded``: an entry read from a case (merge) keeps the codes it has."""
    kept = entry.get(codes)
    if recorded and isinstance(kept, list) and kept and all(isinstance(d, dict) for d in kept):
        return entry
    if entry.get(key):
        entry[codes] = codes_of(entry[key])
    return entry


NOTE_CODES = "note_codes"  # a volume row's note (a truncated or overlapping partition ...), as said (Session 13)


def with_volume_codes(sources: list[dict[str, Any]], recorded: bool = False) -> list[dict[str, Any]]:
    """The source details with each volume's detail (an image's layers) also as detail codes (``detail_codes``)."""
    out = []
    for source in sources:
        volumes = source.get("volumes") if isinstance(source, dict) else None
        if isinstance(volumes, list):
            source = {**source, "volumes": [with_codes(with_codes(dict(v), "detail", SKIP_DETAIL_CODES, recorded),
                                                       "note", NOTE_CODES, recorded)
                                            if isinstance(v, dict) else v for v in volumes]}
        out.append(source)
    return out


def build_findings(result: ScanResult) -> dict[str, Any]:
    cfg = result.config
    files = [with_codes(h.to_json(), "status_detail", FILE_DETAIL_CODES) for h in result.hits]
    for i, f in enumerate(files):
        f["id"] = i + 1
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "tool": tool_info(),
        "case": {
            "id": cfg.case_id,
            "examiner": cfg.examiner,
            "witness": cfg.witness,
            "organisation": cfg.organisation,
            "names": list(cfg.names),
            "notes": list(cfg.notes),
            **({"breach": dict(cfg.breach)} if cfg.breach else {}),
        },
        "chain_of_custody": {
            "host": socket.gethostname(),
            "os_user": _os_user(),
            "platform": platform.platform(),
        },
        "scan": {
            "started": result.started,
            "finished": result.finished,
            "command_line": list(cfg.command_line) or list(sys.argv),
            "sources": list(cfg.sources),
            "source_details": with_volume_codes(result.sources),
            "source_errors": result.source_errors,
            "files_seen": result.files_seen,
            "bytes_read": result.bytes_read,
            "settings": cfg.settings(),
            "masked": not cfg.unmask,
        },
        "files": files,
        "duplicate_groups": duplicate_groups(files),
        "skipped": [with_codes(s.to_json(), "detail", SKIP_DETAIL_CODES) for s in result.skipped],
        "links": [link.to_json() for link in result.links],
    }
    incomplete = completeness.summary(doc)
    doc["scan"]["complete"] = incomplete is None  # False: part of a source went away (scanner.completeness)
    if incomplete is not None:
        doc["scan"]["incomplete"] = incomplete
    notes = limit_notes()
    if notes:  # a cap that could not be applied is stated, never passed over (normally absent)
        doc["scan"]["limit_notes"] = notes
    doc.update(result.extra)
    return doc
