"""The floor plan holds: import contracts (import-linter), no import circle anywhere, a registry that names its
members and fails loudly, optional back-ends that are only needed where used, and a library list that is
what the package really imports."""

from __future__ import annotations

import ast
import io
import json
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import grimp
import pytest
from conftest import ROOT, run_leakscan

from scanner.backends import BACKENDS, MissingBackend, load
from scanner.codes import Status
from scanner.contracts import Inspection
from scanner.registry import ANALYSES, INSPECTORS, Registry, RegistryError
from scanner.store import LIBRARIES

LEAKED = "介護予防_利用者名簿.xlsx"


def test_import_contracts_hold() -> None:
    """``lint-imports`` with the contracts in pyproject.toml: layers, inspectors apart from the pipeline."""
    done = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                           "sys.exit(lint_imports_command())", "--no-cache"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"Contracts: [4-9]\d* kept, 0 broken", done.stdout), done.stdout


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        found.append(sorted(comp))
    return found


def test_no_import_circle_between_any_two_modules() -> None:
    """Every import counts (inside functions and TYPE_CHECKING blocks too): the graph has no cycle."""
    graph = grimp.build_graph("scanner", "reports", cache_dir=None)
    assert "scanner.contracts" in graph.modules  # the checkout's package, not an installed one
    edges = {m: {i for i in graph.find_modules_directly_imported_by(m) if i.split(".")[0] in ("scanner", "reports")}
             for m in graph.modules}
    assert _cycles(edges) == []
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]  # the check works


# ---------------------------------------------------------------- the registry


def test_registry_names_every_member_once() -> None:
    assert INSPECTORS.names() == ["spreadsheet", "archive", "mail", "pdf", "recycle-bin", "lock-file", "traces", "traces-devicelog",
                                  "image"]
    assert ANALYSES.names() == ["recycled_pairing", "named_files", "persons", "promotion", "traces"]
    for cls in INSPECTORS:
        assert callable(cls.wants) and callable(cls.inspect)


class _Dummy:
    name = "spreadsheet"

    def __init__(self, config: object) -> None:
        self.config = config

    def wants(self, *a: object) -> bool:
        return False

    def inspect(self, *a: object) -> Inspection:
        return Inspection()


def test_registry_refuses_a_duplicate_or_nameless_member() -> None:
    with pytest.raises(RegistryError, match="'spreadsheet'"):
        Registry("inspector", [*INSPECTORS, _Dummy])
    with pytest.raises(RegistryError, match="no name"):
        Registry("analysis", [lambda ctx: None])
    extended = Registry("inspector", INSPECTORS)
    _Dummy.name = "windows-traces"
    try:
        extended.register(_Dummy)  # adding an inspector is one line
        assert extended.names()[-1] == "windows-traces" and len(extended) == len(INSPECTORS) + 1
    finally:
        _Dummy.name = "spreadsheet"


BLOCKER = '''import sys
BLOCKED = {blocked!r}
class _Blocker:
    """Simulates packages that are not installed (and breaks none that are)."""
    def find_spec(self, name, path=None, target=None):
        if name in BLOCKED or name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, _Blocker())
'''


def _without(tmp_path: Path, *modules: str) -> dict[str, str]:
    """Environment for a leakscan subprocess in which ``modules`` cannot be imported."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(BLOCKER.format(blocked=set(modules)), encoding="utf-8")
    return {"PYTHONPATH": str(site)}


def test_a_member_that_fails_to_import_stops_the_scan(tmp_path: Path) -> None:
    """No silent clean: without its archive inspector, leakscan refuses to scan (exit 2, no findings)."""
    share = tmp_path / "share"
    share.mkdir()
    (share / LEAKED).write_bytes(b"x")
    done = run_leakscan("scan", str(share), "--name", LEAKED, "--out", str(tmp_path / "out"), "--quiet",
                        env=_without(tmp_path, "scanner.inspectors.archive"))
    assert done.returncode == 2, done.stderr
    assert "ModuleNotFoundError" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out" / "findings.json").exists()


# ---------------------------------------------------------------- optional back-ends


def test_load_names_what_to_install() -> None:
    assert load("py7zr").__name__ == "py7zr"
    BACKENDS["leakscan_no_such_backend"] = ("leakscan-no-such", "nothing")
    try:
        with pytest.raises(MissingBackend, match=r"pip install leakscan-no-such"):
            load("leakscan_no_such_backend")
    finally:
        del BACKENDS["leakscan_no_such_backend"]


def _zip_with_leaked_name() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(f"backup/{LEAKED}", b"not really a workbook")
    return buf.getvalue()


def test_archive_and_workbook_sources_need_no_image_backend(tmp_path: Path) -> None:
    """``leakscan scan backup.zip`` without pytsk3, dfvfs and pyewf: scanned, the copy found."""
    backup = tmp_path / "backup.zip"
    backup.write_bytes(_zip_with_leaked_name())
    env = _without(tmp_path, "pytsk3", "dfvfs", "pyewf")
    done = run_leakscan("scan", str(backup), "--name", LEAKED, "--out", str(tmp_path / "out"), "--quiet", env=env)
    assert done.returncode == 1, done.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert [f["inner_path"] for f in doc["files"]] == [f"backup/{LEAKED}"]


def test_a_disk_image_without_its_backend_is_an_error_with_the_install_hint(tmp_path: Path) -> None:
    image = tmp_path / "usb.img"
    boot = bytearray(4608)
    boot[54:59], boot[510:512] = b"FAT12", b"\x55\xaa"  # a FAT boot sector: recognised by content alone
    image.write_bytes(bytes(boot))
    env = _without(tmp_path, "pytsk3", "dfvfs", "pyewf")
    done = run_leakscan("scan", str(image), "--name", LEAKED, "--out", str(tmp_path / "out"), "--quiet", env=env)
    assert done.returncode == 2, done.stderr
    assert "pip install pytsk3" in done.stderr and "Traceback" not in done.stderr


def test_smb_without_smbprotocol_is_an_error_with_the_install_hint(tmp_path: Path) -> None:
    done = run_leakscan("scan", "smb://user@192.0.2.1/share", "--name", LEAKED, "--out", str(tmp_path / "out"),
                        "--quiet", env={**_without(tmp_path, "smbprotocol"), "LEAKSCAN_SMB_PASSWORD": "x"},
                        timeout=60)
    assert done.returncode == 2, done.stderr
    assert "pip install smbprotocol" in done.stderr and "Traceback" not in done.stderr


def test_a_7z_without_py7zr_is_listed_unsupported_with_the_install_hint(tmp_path: Path) -> None:
    py7zr = pytest.importorskip("py7zr")
    share = tmp_path / "share"
    share.mkdir()
    with py7zr.SevenZipFile(share / "backup.7z", "w") as z:
        z.writestr(b"x", LEAKED)
    done = run_leakscan("scan", str(share), "--name", LEAKED, "--out", str(tmp_path / "out"), "--quiet",
                        env=_without(tmp_path, "py7zr"))
    assert done.returncode == 0, done.stderr  # the member was never seen: no copy found, but not clean
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    (skip,) = doc["skipped"]
    assert skip["reason"] == Status.UNSUPPORTED and "pip install py7zr" in skip["detail"]


# ---------------------------------------------------------------- the memory cap of the parser worker

FAILING_SETRLIMIT = '''import resource
def _refuse(*args):
    raise OSError(1, "Operation not permitted")
resource.setrlimit = _refuse
'''


def test_a_memory_cap_that_cannot_be_set_is_logged_and_stated(tmp_path: Path) -> None:
    from openpyxl import Workbook

    share = tmp_path / "share"
    share.mkdir()
    wb = Workbook()
    wb.active.append(["氏名", "住所"])
    wb.save(share / "list.xlsx")  # a binary workbook: parsed in the worker
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(FAILING_SETRLIMIT, encoding="utf-8")
    done = run_leakscan("scan", str(share), "--out", str(tmp_path / "out"), "--quiet",
                        env={"PYTHONPATH": str(site)})
    assert done.returncode == 0, done.stderr
    assert "memory cap" in done.stderr and "not applied" in done.stderr  # logged
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    (note,) = doc["scan"]["limit_notes"]
    assert "setrlimit" in note and "PermissionError" in note
    assert 'id="limit-notes"' in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_a_normal_scan_states_no_limit_note(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "a.csv").write_text("氏名,住所\n", encoding="utf-8")
    done = run_leakscan("scan", str(share), "--out", str(tmp_path / "out"), "--quiet")
    assert done.returncode == 0, done.stderr
    assert "limit_notes" not in json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))["scan"]


# ---------------------------------------------------------------- dependencies


def _third_party_imports() -> set[str]:
    found = set(BACKENDS)  # loaded by name through scanner.backends.load
    for py in [*(ROOT / "scanner").rglob("*.py"), *(ROOT / "reports").rglob("*.py")]:
        for n in ast.walk(ast.parse(py.read_text("utf-8"))):
            if isinstance(n, ast.Import):
                found |= {a.name.split(".")[0] for a in n.names}
            elif isinstance(n, ast.ImportFrom) and n.level == 0 and n.module:
                found.add(n.module.split(".")[0])
    # _typeshed: the standard library's type-only module (imported under TYPE_CHECKING, never at run time)
    return {m for m in found if m not in sys.stdlib_module_names and m not in ("scanner", "reports", "_typeshed")}


def _key(dist: str) -> str:
    return re.sub(r"[-_.]+", "-", dist).lower()


def test_the_library_list_is_what_the_package_imports() -> None:
    """tool.libraries (findings.json, report) names exactly the third-party modules the code imports."""
    assert set(LIBRARIES.values()) == _third_party_imports()


def test_every_runtime_dependency_is_imported_and_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    optional = project["optional-dependencies"]["dask"]  # scan --scheduler: imported only when it is given
    declared = {_key(re.split(r"[<>=!~ \[]", d, maxsplit=1)[0]) for d in [*project["dependencies"], *optional]}
    assert declared == {_key(d) for d in LIBRARIES}, "pyproject's dependencies differ from what the code imports"
