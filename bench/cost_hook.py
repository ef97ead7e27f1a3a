"""Per-step, per-kind CPU counters inside a real scan (every process of it), for bench/cost_steps.py.

Loaded by a ``sitecustomize`` that bench/cost_steps.py puts on PYTHONPATH, so the scan process, the zygote and every
worker load it at start-up (workers are fresh interpreters or forks of the zygote: PYTHONPATH reaches them).
``install()`` wraps, as each scanner module finishes loading (before any other module imports names from it), the
functions and methods named in ``TARGETS``: each call's thread CPU (``time.thread_time_ns``) is added to
(step, kind), inclusive and exclusive of the wrapped calls inside it. The kind is the extension of the file being
handled: set by the per-file entry points (``Dispatcher.entry`` in the scan process, ``run_task`` in a worker) and
inherited by every step under them (an archive member counts for its archive's kind); steps outside a file
(units out, outcomes in, outputs) have the kind ``*``. Each process writes its counters and its own CPU
(``RUSAGE_SELF``) to ``$LEAKSCAN_COST_DIR/PID.json``: a worker after each unit, the scan process at exit.

A measuring tool only: a wrapped call costs ~0.3-1 us more (two thread-clock reads), said in the table's notes.
"""

from __future__ import annotations

import atexit
import functools
import importlib.abc
import json
import os
import resource
import sys
import time
from typing import Any

_T = time.thread_time_ns
STATS: dict[tuple[str, str, str], list[int]] = {}  # (role, step, kind) -> [calls, inclusive ns, exclusive ns]
_STACK: list[int] = []  # wrapped children's time of each open call
_KIND = ["*"]
ROLE = ["scan"]


def _ext(name: object) -> str:
    if not isinstance(name, str):
        return "?"
    base = name.rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[dot:].casefold() if dot > 0 else "(none)"


def _wrap(fn: Any, step: str, kind: Any = None) -> Any:
    """``kind``: None inherit; a str: fixed; a callable of (args): set from the call (restored after it)."""
    if getattr(fn, "_cost_wrapped", False):
        return fn

    @functools.wraps(fn)
    def wrapped(*a: Any, **k: Any) -> Any:
        old = _KIND[0]
        if kind is not None:
            try:
                _KIND[0] = kind if isinstance(kind, str) else kind(a)
            except Exception:  # noqa: BLE001 - a measuring tool never changes the scan's behaviour
                _KIND[0] = "?"
        _STACK.append(0)
        t0 = _T()
        try:
            return fn(*a, **k)
        finally:
            dt = _T() - t0
            child = _STACK.pop()
            if _STACK:
                _STACK[-1] += dt
            s = STATS.setdefault((ROLE[0], step, _KIND[0]), [0, 0, 0])
            s[0] += 1
            s[1] += dt
            s[2] += dt - child
            _KIND[0] = old

    wrapped._cost_wrapped = True  # type: ignore[attr-defined]
    return wrapped


def _entry_kind(a: tuple[Any, ...]) -> str:
    return _ext(a[1].name)


def _task_kind(a: tuple[Any, ...]) -> str:
    return _ext(a[0].name)


def _unit(a: tuple[Any, ...]) -> str:
    ROLE[0] = "worker"
    return "*"


# module -> [(attribute path, step, kind)]
TARGETS: dict[str, list[tuple[str, str, Any]]] = {
    "scanner.fingerprint": [("hash_stream", "hash", None), ("hash_bytes", "hash", None)],
    "scanner.contenttype": [("content_type", "libmagic", None)],
    "scanner.contracts": [("run_inspector", "inspect", None)],
    "scanner.inspectors.disguise": [("look", "look (content check)", None)],
    "scanner.examine": [("pick", "pick", None), ("finish", "finish", None), ("_read_steady", "read (worker)", None),
                        ("read_once", "read_once", None), ("_by_content", "content check", None),
                        ("LazyHead.__call__", "head read", None)],
    "scanner.work": [("run_task", "task", _task_kind), ("run_unit", "unit", _unit),
                     ("FileOutcome.of", "outcome built", None)],
    "scanner.isolation": [("report", "outcomes sent (worker)", None), ("guarded", "guarded call", None)],
    "scanner.pipeline": [("Dispatcher.entry", "file (scan)", _entry_kind), ("Dispatcher.batch", "folder batch", "*"),
                         ("Dispatcher._task", "task built", None), ("Dispatcher._run_here", "settled here", None),
                         ("Dispatcher._flush", "units out", "*"), ("Dispatcher._pump", "outcomes in", "*"),
                         ("Dispatcher._apply", "outcome merged", "*"), ("run_scan", "run_scan", "*"),
                         ("finish_scan", "analyses", "*")],
    "scanner.store": [("build_findings", "build_findings", "*")],
    "scanner.publish": [("write_findings", "outputs written", "*")],
    "scanner.output": [("write_manifest", "manifest", "*")],
    "scanner.state": [("ScanState.record", "state writes", None), ("ScanState.in_flight", "state writes", None)],
}
INSPECTOR_METHODS = ("wants", "wants_disguised", "settles_here")


def _patch(module: Any, name: str) -> None:
    for path, step, kind in TARGETS.get(name, []):
        owner, _, attr = path.rpartition(".")
        obj = getattr(module, owner) if owner else module
        if name == "scanner.contracts" and attr == "run_inspector":
            setattr(obj, attr, _inspect_wrapper(getattr(obj, attr)))
            continue
        setattr(obj, attr, _wrap(getattr(obj, attr), step, kind))
    if name == "scanner.work":  # a worker writes its counters after each unit (it may end by a signal)
        module.run_unit = _after_unit(module.run_unit)
    if name == "scanner.registry":
        for cls in module.INSPECTORS:
            for meth in INSPECTOR_METHODS:
                if meth in vars(cls):
                    setattr(cls, meth, _wrap(vars(cls)[meth], f"{meth}:{cls.name}", None))


def _inspect_wrapper(fn: Any) -> Any:
    wrapped_by_name: dict[str, Any] = {}

    @functools.wraps(fn)
    def run_inspector(inspector: Any, *a: Any, **k: Any) -> Any:
        name = getattr(inspector, "name", "?")
        w = wrapped_by_name.get(name)
        if w is None:
            w = wrapped_by_name[name] = _wrap(fn, f"inspect:{name}", None)
        return w(inspector, *a, **k)

    return run_inspector


class _Loader(importlib.abc.Loader):
    def __init__(self, inner: Any, name: str) -> None:
        self.inner, self.name = inner, name

    def create_module(self, spec: Any) -> Any:
        return self.inner.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self.inner.exec_module(module)
        _patch(module, self.name)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname not in TARGETS and fullname != "scanner.registry":
            return None
        for finder in sys.meta_path:
            if finder is self:
                continue
            spec = getattr(finder, "find_spec", lambda *_: None)(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _Loader(spec.loader, fullname)
                return spec
        return None


def dump() -> None:
    where = os.environ.get("LEAKSCAN_COST_DIR")
    if not where:
        return
    r = resource.getrusage(resource.RUSAGE_SELF)
    doc = {"pid": os.getpid(), "role": ROLE[0], "cpu": r.ru_utime + r.ru_stime,
           "stats": [[*k, *v] for k, v in STATS.items()]}
    tmp = os.path.join(where, f".{os.getpid()}.tmp")
    with open(tmp, "w") as f:
        json.dump(doc, f)
    os.replace(tmp, os.path.join(where, f"{os.getpid()}.json"))


def install() -> None:
    if not os.environ.get("LEAKSCAN_COST_DIR"):
        return
    sys.meta_path.insert(0, _Finder())
    atexit.register(dump)


def _after_unit(fn: Any) -> Any:
    @functools.wraps(fn)
    def run_unit(*a: Any, **k: Any) -> Any:
        try:
            return fn(*a, **k)
        finally:
            dump()

    return run_unit
