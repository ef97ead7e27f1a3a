"""The output folder: created 0700, every file 0600, a sha256sum-compatible manifest, and the rules that
keep earlier evidence (and other people's files) safe.

Nothing here relies on the umask. An output folder holds leakscan's own files only: a folder that holds
anything else is refused, an earlier output of the same case is replaced only with ``--overwrite`` (and
only once the new outputs are complete), two runs never write into one folder at once (a lock file), and
every file is written through a fresh O_EXCL|O_NOFOLLOW temporary file, so a link planted in the folder
cannot redirect a write. The manifest lists leakscan's own outputs only, read in chunks.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import readonce
from .codes import VerifyStatus
from .errors import UsageError
from .jsonindent import dumps_indented

MANIFEST = "manifest.sha256"
LOCK = ".leakscan.lock"
CHUNK = 1 << 20
# Every file leakscan writes into an output folder (tests keep this in step with each module's constant).
# A folder holding only these is leakscan's; the manifest lists the ones present (journals excepted).
OUTPUTS = frozenset({"findings.json", "report.html", "report.pdf", "case.key", "scan-state.sqlite", "diff.json",
                     "remediation.html", "remediation.pdf", "findings.dfxml", "findings.case.jsonld", "copies.hashdeep",
                     "keyword-leads.csv", "skipped.csv"})
# Working files: a rerun's state until it completes, SQLite's journals, write_private's temporary files.
PENDING_STATE = "scan-state.next.sqlite"
_WORKING = re.compile(r"^(?:scan-state(?:\.next)?\.sqlite-journal|scan-state\.next\.sqlite|\..+\.[0-9a-f]{12}\.tmp)$")
# what makes a folder a *finished* output (of a scan or merge; of a diff)
_FINISHED = ((("findings.json", MANIFEST)), (("diff.json", MANIFEST)))

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC
_held: set[str] = set()  # output folders this process holds the lock of (the lock is re-entrant)


def is_leakscan_file(name: str) -> bool:
    """A name leakscan itself writes into an output folder (outputs, manifest, lock, working files)."""
    return name in OUTPUTS or name in (MANIFEST, LOCK) or bool(_WORKING.match(name))


def refuse_unfinished(folder: Path) -> None:
    """A folder holding a scan's state but no findings.json (the scan was stopped or crashed before its end) is
    said to be an unfinished scan, with the command that completes it, by every command that reads a case
    (it said "no such file" or "not a leakscan output folder"; Session 9)."""
    if folder.is_dir() and not os.path.lexists(folder / "findings.json") \
            and not os.path.lexists(folder / "diff.json") \
            and any(os.path.lexists(folder / n) for n in ("scan-state.sqlite", PENDING_STATE)):
        raise UsageError(f"{folder}: an unfinished scan (its state, no findings.json: stopped or crashed before "
                         f"its end); complete it with: leakscan scan --resume {folder}")


def is_working_file(name: str) -> bool:
    return name == LOCK or bool(_WORKING.match(name))


# -- creating the folder ----------------------------------------------------------------------------------

def prepare_out(out: Path) -> Path:
    """Create --out (0700) or check it is a writable folder; a problem is a UsageError.

    An existing folder is used as it is: never chmod'ed (it may be someone else's)."""
    try:
        _mkdirs_private(out)
        if not out.is_dir():
            raise UsageError(f"--out {out}: exists and is not a folder")
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


def refuse_overlap(out: Path, folders: list[tuple[str, str]]) -> None:
    """--out must neither be inside one of ``folders`` (label, path) nor contain one: a source, or a scan
    being merged or diffed, stays untouched (a manifest over it would read every file whole)."""
    mine = os.path.realpath(out)
    for label, text in folders:
        other = os.path.realpath(text)
        if mine == other or _within(mine, other):
            raise UsageError(f"--out {out} is inside the {label} {text}: evidence must stay untouched")
        if _within(other, mine):
            raise UsageError(f"--out {out} contains the {label} {text}: evidence must stay untouched; "
                             "choose an output folder outside it")


def _within(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip(os.sep) + os.sep)


# -- whose folder is it? -----------------------------------------------------------------------------------

def claim_out(out: Path, case_id: str, overwrite: bool) -> bool:
    """May this run write into ``out``? True when it replaces an earlier finished output (--overwrite).

    Allowed: a missing or empty folder, or one holding only a ``case.key`` copied in to share the key.
    A folder holding anything that is not leakscan's, or an unfinished scan, is refused; so is a finished
    output of another case; one of the same case needs --overwrite.
    """
    try:
        names = os.listdir(out)
    except FileNotFoundError:
        return False
    except NotADirectoryError as e:
        raise UsageError(f"--out {out}: exists and is not a folder") from e
    except OSError as e:
        raise UsageError(f"--out {out}: cannot list it ({e.strerror or e})") from e
    _refuse_if_busy(out)
    present = [n for n in names if not is_working_file(n)]
    foreign = [n for n in present if not is_leakscan_file(n) or not _regular(out / n)]
    if foreign:
        raise UsageError(f"--out {out} already holds {len(foreign)} file(s) or folder(s) that leakscan did not "
                         "write (or links): choose a new or empty output folder (nothing was written there)")
    if set(present) <= {"case.key"}:
        return False
    finished = next((f for f in _FINISHED if all(n in present for n in f)), None)
    if finished is None:
        if "scan-state.sqlite" in present:
            raise UsageError(f"--out {out} holds an unfinished leakscan output; continue it with: leakscan scan "
                             f"--resume {out} (or choose a new folder)")
        # a diff, merge or report cut short (a full disk, a kill) before its manifest: nothing to resume, and
        # nothing there is vouched for, so it may be replaced
        if not overwrite:
            raise UsageError(f"--out {out} holds a leakscan output that stopped before it was complete (no "
                             "manifest.sha256: a full disk or a killed run): add --overwrite to replace it, or "
                             "choose a new folder")
        return True
    earlier = _case_of(out / finished[0])
    if earlier is None:
        raise UsageError(f"--out {out}: its {finished[0]} is not readable leakscan output; choose a new folder")
    if earlier != case_id:
        raise UsageError(f"--out {out} holds the outputs of another case ({earlier or 'no case id'!r}, not "
                         f"{case_id or 'no case id'!r}): choose a new folder")
    if not overwrite:
        raise UsageError(f"--out {out} holds an earlier output of this case: add --overwrite to replace it "
                         "(the earlier files stay until the new ones are complete), or choose a new folder")
    return True


def _refuse_if_busy(out: Path) -> None:
    """Another run holds the folder's lock: say so (before anything else about its contents)."""
    import fcntl

    if os.path.realpath(out) in _held:
        return
    try:
        fd = os.open(out / LOCK, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC)
    except OSError:
        return  # no lock file (or not one of ours: the contents check says so)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError as e:
        raise UsageError(f"--out {out} is in use by another leakscan run; wait for it to finish or choose "
                         "another folder") from e
    finally:
        os.close(fd)


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _case_of(path: Path) -> str | None:
    """The case id an output file belongs to (findings.json: case.id; diff.json: the rescan's), or None."""
    try:
        doc = json.loads(read_nofollow(path, limit=1 << 30))
    except (OSError, ValueError, UsageError, RecursionError):
        return None
    if not isinstance(doc, dict):
        return None
    case = doc.get("case") if "case" in doc else (doc.get("rescan") or {}).get("case")
    return str((case or {}).get("id") or "") if isinstance(case, dict) else None


@contextmanager
def locked(out: Path, named: str | None = None) -> Iterator[None]:
    """Hold ``OUT/.leakscan.lock`` (flock) while writing: a second run into the same folder is refused.

    The lock goes with the process (a killed scan leaves no stale lock); the empty file stays.
    Re-entrant within one process, so a command may lock around steps that lock again. ``named``: how the
    folder is named in a refusal (default ``--out OUT``; ``report`` and ``--resume`` name it as it was given)."""
    named = named or f"--out {out}"
    import fcntl

    key = os.path.realpath(out)
    if key in _held:
        yield
        return
    try:
        fd = os.open(out / LOCK, os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC, 0o600)
    except OSError as e:
        hint = ": copy the folder to a writable place and run the command there" if e.errno == errno.EROFS else ""
        raise UsageError(f"{named}: cannot write into it (its lock file {LOCK}: {e.strerror or e}){hint}") from e
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UsageError(f"{named}: {LOCK} is not a regular file")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise UsageError(f"{named} is in use by another leakscan run; wait for it to finish or choose "
                             "another folder") from e
        _held.add(key)
        try:
            yield
        finally:
            _held.discard(key)
    finally:
        os.close(fd)


# -- writing and reading files ------------------------------------------------------------------------------

def write_private(path: Path, data: bytes | str, replace: bool = True) -> Path:
    """Write a file readable by its owner only (0600), replacing any earlier one atomically.

    The bytes go to a fresh temporary name opened O_CREAT|O_EXCL|O_NOFOLLOW beside the target (a link
    planted under any name cannot redirect them), then are renamed over the target (a link there is
    replaced, not followed). The earlier file stays whole until the new one is complete. ``replace=False``:
    the complete file is hard-linked to its name instead, which fails with FileExistsError when anything
    (a file, a link, a folder) already has that name, even one that appeared while the file was written."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    dfd = os.open(path.parent, _DIR)
    try:
        fd, tmp = _fresh(dfd, path.name)
        try:
            os.fchmod(fd, 0o600)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            os.unlink(tmp, dir_fd=dfd)
            raise
        os.close(fd)
        if replace:
            os.replace(tmp, path.name, src_dir_fd=dfd, dst_dir_fd=dfd)
        else:
            try:
                _link_new(dfd, tmp, path.name)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp, dir_fd=dfd)
    finally:
        os.close(dfd)
    return path


def _link_new(dfd: int, tmp: str, name: str) -> None:
    """Give the complete file ``tmp`` the name ``name`` only if nothing has it (FileExistsError otherwise).
    A hard link does it atomically; where the file system has none (FAT/exFAT on a USB stick, some SMB
    mounts) the name is first taken with O_CREAT|O_EXCL (so no file of someone else is ever replaced) and the
    complete file renamed over that empty placeholder of our own."""
    try:
        os.link(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd, follow_symlinks=False)
        return
    except FileExistsError:
        raise
    except OSError as e:
        if e.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS):
            raise
    os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600, dir_fd=dfd))
    os.replace(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)


def _fresh(dfd: int, name: str) -> tuple[int, str]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
    for _ in range(100):
        tmp = f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(tmp, flags, 0o600, dir_fd=dfd), tmp
        except FileExistsError:
            continue
    raise OSError(errno.EEXIST, "no free temporary name", name)


def write_json(path: Path, obj: Any) -> Path:
    """``obj`` as ``json.dumps(obj, ensure_ascii=False, indent=2)`` and a newline (scanner.jsonindent: the same
    bytes, written by the C encoder)."""
    return write_private(path, dumps_indented(obj) + "\n")


def read_nofollow(path: Path, limit: int) -> bytes:
    """A small file leakscan wrote, never through a link; over ``limit`` bytes is a UsageError."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UsageError(f"{path}: not a regular file")
        data = f.read(limit + 1)
    if len(data) > limit:
        raise UsageError(f"{path}: larger than {limit} bytes; not a leakscan output")
    return data


def _sha256_fd(fd: int) -> str:
    h = hashlib.sha256()
    while chunk := os.read(fd, CHUNK):
        h.update(chunk)
    return h.hexdigest()


# -- the manifest -------------------------------------------------------------------------------------------

def write_manifest(out: Path) -> Path:
    """``manifest.sha256`` over leakscan's own outputs in --out (sha256sum format), each read in chunks
    and never through a link; any other file there is not ours to vouch for (and is never read)."""
    lines = []
    dfd = os.open(out, _DIR)
    try:
        for name in sorted(os.listdir(dfd)):
            if name not in OUTPUTS:
                continue
            try:
                fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC, dir_fd=dfd)
            except OSError:
                continue  # a link or a special file under our name: not an output, so not vouched for
            try:
                if stat.S_ISREG(os.fstat(fd).st_mode):
                    lines.append(f"{_sha256_fd(fd)}  {name}\n")
            finally:
                os.close(fd)
    finally:
        os.close(dfd)
    return write_private(out / MANIFEST, "".join(lines))


_LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")
MANIFEST_LIMIT = 16 << 20
FINDINGS_NAME = "findings.json"
DOCUMENT_LIMIT = 4 << 30  # as evidence.MAX_DOCUMENT_BYTES: a bound, not a limit


def check_manifest(out: Path) -> list[tuple[str, str]]:
    """Re-check the manifest like ``sha256sum -c``: (file, problem) for every mismatch.

    Only names inside the folder are followed: no absolute path, no '..', no link anywhere on the way
    (each part opened O_NOFOLLOW under the folder's descriptor); files are read in chunks."""
    try:
        text = read_nofollow(out / MANIFEST, MANIFEST_LIMIT).decode("utf-8")
    except FileNotFoundError:
        return [(MANIFEST, VerifyStatus.MISSING)]
    except (OSError, UnicodeDecodeError, UsageError):
        return [(MANIFEST, "not a readable manifest (a link, not UTF-8, or too large)")]
    problems: list[tuple[str, str]] = []
    listed = set()
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = _LINE.match(line)
        if m is None:
            problems.append((f"{MANIFEST} line {n}", "not a manifest line"))
            continue
        digest, rel = m.group(1).lower(), m.group(2)
        listed.add(rel)
        problems += [(rel, p) for p in [_check_listed(out, rel, digest)] if p]
    return problems + [(name, VerifyStatus.MISSING) for name in unlisted_required(listed, _declared(out, listed))]


def _declared(out: Path, listed: set[str]) -> set[str]:
    """The outputs the listed findings.json says were written beside it (``scan.outputs``, Session 22), leakscan's
    own names only. Nothing when it is not listed or cannot be read as JSON: the manifest check and the readers say
    why; a findings.json of a leakscan before Session 22 records none."""
    if FINDINGS_NAME not in listed:
        return set()

    def no_constant(name: str) -> None:
        raise ValueError(name)

    try:  # verify23: the loader's strict parse of these very bytes, when this verify made one
        doc = readonce.parsed(os.stat(out / FINDINGS_NAME, follow_symlinks=False))
        if doc is None:
            doc = json.loads(read_nofollow(out / FINDINGS_NAME, DOCUMENT_LIMIT).decode("utf-8"),
                             parse_constant=no_constant)
    except (OSError, UsageError, UnicodeDecodeError, ValueError, RecursionError):
        return set()
    scan = doc.get("scan") if isinstance(doc, dict) else None
    outputs = scan.get("outputs") if isinstance(scan, dict) else None
    declared = {o for o in outputs if isinstance(o, str) and o in OUTPUTS} if isinstance(outputs, list) else set()
    return declared | (set(_TOGETHER) if _exports_era(doc) else set())


def _exports_era(doc: object) -> bool:
    """Written by a leakscan that wrote the exports and CSV lists (2026-12-04) beside it, by what it holds that came
    after them and cannot be struck alone (case23: ``scan.outputs`` struck, the start cut to the second and the code
    hash edited passed as a folder of a leakscan before the exports): ``tool.code_sha256`` (12-05, any value), or
    ``persons.keying_id`` (keying 15 on; the loader refuses such a keying without it); case24: or a rule set no
    leakscan before the exports recorded (scanner.era: with those fields struck too it read as a 12-03 folder)."""
    from .era import may_predate, ruleset_of

    tool = doc.get("tool") if isinstance(doc, dict) else None
    persons = doc.get("persons") if isinstance(doc, dict) else None
    return (isinstance(tool, dict) and "code_sha256" in tool) or (isinstance(persons, dict) and "keying_id" in persons) \
        or not may_predate("exports", ruleset_of(doc))


# What a finished folder always holds beside its document (Session 21: report.html deleted together with its manifest
# line left a folder verify called intact). The exports and CSV lists are written together (publish.write_findings):
# one listed means every one (a folder of a leakscan before them lists none of them).
_BESIDE = {"findings.json": ("report.html",), "diff.json": ("remediation.html",)}
_TOGETHER = ("findings.dfxml", "findings.case.jsonld", "copies.hashdeep", "keyword-leads.csv", "skipped.csv")


def unlisted_required(listed: set[str], declared: set[str] | None = None) -> list[str]:
    """The outputs a manifest listing ``listed`` must list too, and does not (``declared``: the ones its
    findings.json says were written)."""
    need = {name for document, beside in _BESIDE.items() if document in listed for name in beside} | (declared or set())
    if "findings.json" in listed and listed & set(_TOGETHER):
        need |= set(_TOGETHER)
    return sorted(need - listed)


def listed_digest(out: Path, name: str) -> str | None:
    """The SHA-256 the folder's manifest lists for ``name`` (None: not listed, or no readable manifest)."""
    try:
        text = read_nofollow(out / MANIFEST, MANIFEST_LIMIT).decode("utf-8", "replace")
    except (OSError, UsageError):
        return None
    found = {m.group(2): m.group(1).lower() for line in text.splitlines() if (m := _LINE.match(line))}
    return found.get(name)


def require_vouched(out: Path, name: str, digest: str) -> None:
    """Refuse (exit 2) an output file whose bytes, as read (``digest``), are not the ones the folder's
    manifest lists: a findings.json or case.key changed after the run is not used to count, merge or report
    (a changed file must not reach a new case folder that vouches for it)."""
    listed = listed_digest(out, name)
    if listed == digest:
        return
    what = "is not listed in its manifest.sha256" if listed is None else "does not match its manifest.sha256"
    raise UsageError(f"{out / name} {what} (changed or added after leakscan wrote the folder): not used; "
                     f"check it with: leakscan verify {out}")


# a case folder may be handed over without these (case.key kept apart: persons are then not combined; the state
# left behind): a missing one does not stop merge, diff or persons (verify still names it)
_MAY_BE_KEPT_APART = frozenset({"case.key", "scan-state.sqlite"})


def require_intact(out: Path) -> None:
    """Refuse (exit 2) a case folder whose manifest does not vouch for it as a whole (Session 9): a line naming
    a file out of the folder, a listed file changed, gone or a link. Merge, diff, ``--baseline`` and persons used
    such a folder without a word when only its findings.json line was right, while verify said it was not intact."""
    problems = [(f, p) for f, p in check_manifest(out) if not (f in _MAY_BE_KEPT_APART and p == VerifyStatus.MISSING)]
    if problems:
        what, why = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise UsageError(f"{out}: {what}: {why}{more}: its {MANIFEST} does not vouch for the folder; not used: "
                         f"check it with: leakscan verify {out}")


def listed_names(out: Path) -> set[str]:
    """The names the manifest lists (whatever they are)."""
    try:
        text = read_nofollow(out / MANIFEST, MANIFEST_LIMIT).decode("utf-8", "replace")
    except (OSError, UsageError):
        return set()
    return {m.group(2) for line in text.splitlines() if (m := _LINE.match(line))}


def _check_listed(out: Path, rel: str, digest: str) -> str:
    parts = rel.split("/")
    if rel.startswith("/") or "\0" in rel or any(p in ("", ".", "..") for p in parts):
        return "outside the output folder: not followed"
    fds = [os.open(out, _DIR)]
    try:
        for part in parts[:-1]:
            fds.append(os.open(part, _DIR | _NOFOLLOW, dir_fd=fds[-1]))
        fd = os.open(parts[-1], os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC, dir_fd=fds[-1])
    except FileNotFoundError:
        return VerifyStatus.MISSING
    except OSError as e:
        if e.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            return "a symbolic link: not followed"
        return f"unreadable ({e.strerror or e})"
    finally:
        for d in fds:
            os.close(d)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return "not a regular file"
        return "" if readonce.digest(st, lambda: _sha256_fd(fd)) == digest else VerifyStatus.CHANGED
    finally:
        os.close(fd)


def unlisted_files(out: Path) -> list[str]:
    """Every entry under ``out`` (links and folders included, never followed) that the manifest does not
    list, leakscan's lock and working files and what an operating system adds (:func:`os_added_files`)
    excepted: something added to the evidence folder."""
    return [rel for rel, by_os in _unlisted(out) if not by_os]


def os_added_files(out: Path) -> list[str]:
    """Unlisted files an operating system writes into a folder it copies or shows (Session 9): a Mac's Finder
    ``.DS_Store`` and AppleDouble ``._NAME`` (on FAT, exFAT, SMB; in a zip under ``__MACOSX``), Windows'
    ``Thumbs.db`` and ``desktop.ini``. Named apart by verify, never read as evidence, not a difference."""
    return [rel for rel, by_os in _unlisted(out) if by_os]


_OS_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})  # compared case-blind, as FAT and NTFS do
_APPLE_DOUBLE = (b"\x00\x05\x16\x07\x00\x01\x00\x00", b"\x00\x05\x16\x07\x00\x02\x00\x00")  # magic, version 1/2


def _added_by_os(path: str, name: str) -> bool:
    """By its name (and, for a ``._`` name, which any file may have, by its AppleDouble header); a link is not."""
    if name.casefold() in _OS_NAMES:
        return not os.path.islink(path)
    if not name.startswith("._"):
        return False
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC)
    except OSError:
        return False
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode) and os.read(fd, 8) in _APPLE_DOUBLE
    finally:
        os.close(fd)


def _unlisted(out: Path) -> list[tuple[str, bool]]:
    """(path, added by an operating system) of every unlisted entry under ``out``."""
    listed = listed_names(out)
    found: list[tuple[str, bool]] = []

    def walk(folder: Path, prefix: str) -> None:
        with os.scandir(folder) as it:
            for e in sorted(it, key=lambda e: e.name):
                rel = prefix + e.name
                if e.is_dir(follow_symlinks=False):
                    walk(Path(e.path), rel + "/")
                elif rel not in listed and rel != MANIFEST and not (not prefix and is_working_file(e.name)):
                    found.append((rel, _added_by_os(e.path, e.name)))

    walk(out, "")
    return found


def working_files(out: Path) -> list[str]:
    """Leakscan's own working files in ``out`` (an unfinished rerun's state, temporary files)."""
    return sorted(n for n in os.listdir(out) if is_working_file(n) and n != LOCK)
