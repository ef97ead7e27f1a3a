"""Files for the pool tests: workbooks whose parser crashes, aborts or hangs in a worker, and damaged PPMd 7z.

A decoder that segfaults on some input is real (pyppmd on a byte-flipped PPMd stream, seen in the field), but
which input crashes which version is not stable enough for a test. So the tests install ``FAULTS`` as a
``sitecustomize`` on the scan's PYTHONPATH (the workers inherit it): python-calamine's workbook reader then
really kills its process with SIGSEGV / SIGABRT, or hangs, when the workbook holds a marker member. The
scan, its workers and their signals are all real; only the choice of the victim is made by the test.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

FAULTS = '''
import os, signal, time

if os.environ.get("LEAKSCAN_TEST_STALL_SECONDS"):  # the no-CPU limit (scanner.isolation.Stall), shortened
    import importlib.abc, importlib.util, sys  # once the scan's own scanner.isolation is loaded (not here:
    # an installed copy would be taken before the script's folder is on the path)

    class _ShortStall(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name != "scanner.isolation":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            run = spec.loader.exec_module

            def exec_module(module):
                run(module)
                module.STALL_SECONDS = float(os.environ["LEAKSCAN_TEST_STALL_SECONDS"])

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, _ShortStall())


_opened = 0  # decoders this process has started (workbooks, PPMd streams): 1 = the first file it decodes
_tainted = False  # a decoder "corrupted this process's heap": the next decoder started here crashes


def _segfault():
    """Die as a crashing decoder does; first say so in $LEAKSCAN_TEST_FAULT_LOG (one line per crash: the
    process id and how many decoders it had started)."""
    log = os.environ.get("LEAKSCAN_TEST_FAULT_LOG")
    if log:
        with open(log, "a") as f:
            f.write(f"{os.getpid()}:{_opened}\\n")
    os.kill(os.getpid(), signal.SIGSEGV)


def _opening():
    """A decoder starts: it crashes when an earlier one left this process tainted."""
    global _opened
    _opened += 1
    if _tainted:
        _segfault()


def _taint():
    global _tainted
    _tainted = True


try:
    import pyppmd as _pp
except ImportError:
    _pp = None
if _pp is not None:
    _RealPpmd = _pp.Ppmd7Decoder

    class Ppmd7Decoder:
        """pyppmd's PPMd decoder, segfaulting on a stream whose bytes were changed to the test's marker."""

        def __init__(self, *args, **kwargs):
            _opening()
            self._real = _RealPpmd(*args, **kwargs)

        def decode(self, data, *args):
            if b"LEAKSCAN-PPMD-TAINT" in bytes(data):  # corrupts the heap, raises, lives on
                _taint()
                raise ValueError("damaged PPMd stream")
            if b"LEAKSCAN-PPMD" in bytes(data):
                _segfault()
            return self._real.decode(data, *args)

        def __getattr__(self, name):
            return getattr(self._real, name)

    _pp.Ppmd7Decoder = Ppmd7Decoder

try:
    import python_calamine as _pc
except ImportError:
    _pc = None
if _pc is not None:
    _Real = _pc.CalamineWorkbook

    class CalamineWorkbook:
        """python-calamine's reader, dying on the test's markers (see tests/pool_data.py)."""

        @staticmethod
        def from_filelike(f):
            data = f.read()
            decoded = os.environ.get("LEAKSCAN_TEST_DECODE_LOG")
            if decoded:  # one line per workbook decoded: the process id and the workbook's digest
                import hashlib
                with open(decoded, "a") as out:
                    out.write(f"{os.getpid()}:{hashlib.sha256(data).hexdigest()}\\n")
            _opening()
            if b"LEAKSCAN-FAULT-TAINT" in data:  # corrupts the heap silently: this workbook reads as usual
                _taint()
            if b"LEAKSCAN-FAULT-SEGV" in data:
                _segfault()
            if b"LEAKSCAN-FAULT-ABRT" in data:
                os.abort()
            if b"LEAKSCAN-FAULT-HANG" in data:
                time.sleep(3600)
            if b"LEAKSCAN-FAULT-MEM" in data:  # asks for a buffer no worker's memory cap allows (a forged size)
                bytearray(1 << 40)
            if b"LEAKSCAN-FAULT-LOCK" in data:  # waits on a lock it holds itself (libtsk on some ISO9660 images)
                import threading
                lock = threading.Lock()
                lock.acquire()
                lock.acquire()
            if b"LEAKSCAN-FAULT-FIFO" in data:  # reads a FIFO no one writes (blocks in open, at no CPU)
                with open(os.environ["LEAKSCAN_TEST_FIFO"], "rb") as fifo:
                    fifo.read()
            if b"LEAKSCAN-FAULT-SLOW" in data:  # a costly workbook: its decoder takes 0.1 s
                time.sleep(0.1)
            return _Real.from_filelike(io.BytesIO(data))

        def __getattr__(self, name):
            return getattr(_Real, name)

    import io
    _pc.CalamineWorkbook = CalamineWorkbook
'''

SEGV, ABRT, HANG = b"LEAKSCAN-FAULT-SEGV", b"LEAKSCAN-FAULT-ABRT", b"LEAKSCAN-FAULT-HANG"
MEM = b"LEAKSCAN-FAULT-MEM"  # the decoder asks for 1 TiB at once: refused under the worker's memory cap
LOCK = b"LEAKSCAN-FAULT-LOCK"  # the decoder waits for ever on a lock it holds (a self-deadlock, at no CPU)
FIFO = b"LEAKSCAN-FAULT-FIFO"  # the decoder opens the FIFO named by LEAKSCAN_TEST_FIFO, which no one writes
SLOW = b"LEAKSCAN-FAULT-SLOW"  # the workbook reads as usual, its decoder takes 0.1 s (costly work)
TAINT = b"LEAKSCAN-FAULT-TAINT"  # the workbook reads as usual, the next decoder its worker starts crashes
PPMD_CRASH = b"LEAKSCAN-PPMD"  # bytes of a PPMd stream changed to this make pyppmd segfault (FAULTS)
PPMD_TAINT = b"LEAKSCAN-PPMD-TAINT"  # ... make pyppmd raise, and the next decoder in that worker crash


def install_faults(folder: Path, crash_log: Path | None = None) -> dict[str, str]:
    """Write the sitecustomize into ``folder``; return the environment that makes a scan load it (and,
    with ``crash_log``, write one line there per decoder crash it causes)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(FAULTS, encoding="utf-8")
    env = {"PYTHONPATH": str(folder)}
    if crash_log is not None:
        env["LEAKSCAN_TEST_FAULT_LOG"] = str(crash_log)
    return env


def decoded(log: Path) -> list[tuple[int, str]]:
    """(process id, SHA-256 of the workbook) per workbook python-calamine was asked to read (the scan's
    environment had LEAKSCAN_TEST_DECODE_LOG=log), in order."""
    if not log.exists():
        return []
    return [(int(pid), digest) for pid, digest in (line.split(":") for line in log.read_text().split())]


def crashes(log: Path) -> int:
    """How many decoder crashes FAULTS caused so far (0 when the log does not exist)."""
    return len(crash_lines(log))


def crash_lines(log: Path) -> list[tuple[int, int]]:
    """(process id, decoders that process had started) per crash, in order."""
    if not log.exists():
        return []
    return [(int(pid), int(n)) for pid, n in (line.split(":") for line in log.read_text().split())]


def ppmd_7z(text: bytes, crash: bool = False, marker: bytes = PPMD_CRASH) -> bytes:
    """A PPMd-compressed .7z of one CSV (``list.csv``); ``crash``: bytes in the middle of its PPMd stream
    changed (to ``marker``: PPMD_CRASH, the damage that segfaults pyppmd; or PPMD_TAINT)."""
    import py7zr

    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", filters=[{"id": py7zr.FILTER_PPMD, "order": 6, "mem": 24}]) as z:
        z.writestr(text, "list.csv")
    data = bytearray(buf.getvalue())
    if crash:  # the packed stream starts after the 32-byte signature header; the 7z header sits at the end
        at = 32 + (len(data) - 32 - 200) // 2
        data[at:at + len(marker)] = marker
    return bytes(data)


def with_marker(workbook: bytes, marker: bytes) -> bytes:
    """The workbook with one more (stored) part holding ``marker``: still a valid .xlsx."""
    buf = io.BytesIO(workbook)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_STORED) as z:
        z.writestr("customXml/leakscan-test.txt", marker)
    return buf.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def flipped_ppmd_7z(folder: Path, count: int, seed: int = 9) -> list[Path]:
    """``count`` PPMd-compressed .7z files of a CSV, each with one to three bytes of its stream changed."""
    import py7zr

    rnd = random.Random(seed)
    words = ["山田", "太郎", "東京都", "小金井市", "本町", "花子", "鈴木", "一郎", "八王子市", "介護", "要支援1"]
    text = "\n".join(",".join(rnd.choice(words) + str(rnd.randint(1, 9999)) for _ in range(6))
                     for _ in range(2000)).encode("utf-8")
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", filters=[{"id": py7zr.FILTER_PPMD, "order": 6, "mem": 24}]) as z:
        z.writestr(text, "list.csv")
    good = buf.getvalue()
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(count):
        b = bytearray(good)
        for _ in range(rnd.randint(1, 3)):
            b[rnd.randrange(32, len(b) - 64)] = rnd.randrange(256)
        path = folder / f"backup_{i:03d}.7z"
        path.write_bytes(bytes(b))
        out.append(path)
    return out


def patch_everywhere(folder: Path, code: str) -> dict[str, str]:
    """A ``sitecustomize`` that runs ``code`` in every process of a scan (the scan and its workers, which
    examine the files): how a test puts a failing or chatty parser where the parsing happens. Returns
    the environment for the CLI run."""
    root = Path(__file__).resolve().parent.parent
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(f"import sys\nsys.path.insert(0, {str(root)!r})\n{code}\n",
                                             encoding="utf-8")
    return {"PYTHONPATH": str(folder)}
