"""The output folder: created 0700, every file 0600, and a sha256sum-compatible manifest.

The scanner must not become the next leak, so nothing here relies on the umask.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .codes import VerifyStatus
from .errors import UsageError

MANIFEST = "manifest.sha256"


def prepare_out(out: Path) -> Path:
    """Create --out (0700) or check it is a writable folder; a problem is a UsageError."""
    try:
        _mkdirs_private(out)
        if not out.is_dir():
            raise UsageError(f"--out {out}: exists and is not a folder")
        os.chmod(out, 0o700)
    except FileExistsError as e:
        raise UsageError(f"--out {out}: exists and is not a folder") from e
    except OSError as e:
        raise UsageError(f"--out {out}: cannot create or use it ({e.strerror or e})") from e
    if not os.access(out, os.W_OK | os.X_OK):
        raise UsageError(f"--out {out}: not writable")
    return out


def _mkdirs_private(out: Path) -> None:
    """mkdir -p where every folder leakscan creates is 0700: ``Path.mkdir(parents=True)`` would make
    the missing parents 0777 minus the umask (world-writable under umask 000, so another user could
    swap the output folder)."""
    missing = []
    for p in (out, *out.parents):
        if p.exists() or p.is_symlink():
            break
        missing.append(p)
    for p in reversed(missing):
        try:
            os.mkdir(p, 0o700)
        except FileExistsError:
            continue  # made by someone else meanwhile: checked by the caller, not changed here
        os.chmod(p, 0o700)  # the umask may have taken bits from 0700 too


def write_private(path: Path, data: bytes | str) -> Path:
    """Write a file readable by its owner only (0600), replacing any earlier one."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
    return path


def write_json(path: Path, obj: Any) -> Path:
    return write_private(path, json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False) + "\n")


def write_manifest(out: Path) -> Path:
    """``manifest.sha256`` over every other regular file in --out (recursively), sha256sum format."""
    lines = []
    for p in sorted(out.rglob("*")):
        if not p.is_file() or p.name == MANIFEST or p.name.startswith("."):
            continue
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
        rel = p.relative_to(out).as_posix()
        lines.append(f"{digest}  {rel}\n")
    return write_private(out / MANIFEST, "".join(lines))


def check_manifest(out: Path) -> list[tuple[str, str]]:
    """Re-check the manifest like ``sha256sum -c``: return (file, problem) for every mismatch."""
    problems: list[tuple[str, str]] = []
    manifest = out / MANIFEST
    if not manifest.is_file():
        return [(MANIFEST, VerifyStatus.MISSING)]
    listed = set()
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        digest, _, rel = line.partition("  ")
        listed.add(rel)
        p = out / rel
        if not p.is_file():
            problems.append((rel, VerifyStatus.MISSING))
        elif hashlib.sha256(p.read_bytes()).hexdigest() != digest:
            problems.append((rel, VerifyStatus.CHANGED))
    return problems
