"""Compiled report templates kept per user (reports.template_cache): the report rendered from the cache equals
the one compiled afresh; a damaged, foreign or shared cache is not used and the report is rendered all the
same; the cache lives only where it is told to (never beside the case). Each render runs in a fresh
interpreter, since the environment is built once per process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_leakscan

RENDER = r"""
import json, sys
import reports
import reports.compiled
from reports.html import environment, render_report
if sys.argv[4:] != ["shipped"]:
    reports.compiled.TEMPLATES.clear()  # as if no shipped code matched: every template compiled (tools/templates.py)
doc = json.loads(open(sys.argv[1], encoding="utf-8").read())
cache = environment(sys.argv[3]).bytecode_cache
print(getattr(cache, "directory", "none"))
print(reports.__file__)
open(sys.argv[2], "w", encoding="utf-8").write(render_report(doc, sys.argv[3]))
print(environment(sys.argv[3]).get_template("report.html.j2").filename)
from reports.template_cache import settings_key
print(reports.compiled.KEY == settings_key(environment(sys.argv[3])))
"""


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's findings.json (copies, person counts, skips: most sections of the report)."""
    out = tmp_path_factory.mktemp("demo") / "case"
    done = run_leakscan("demo", "--out", str(out), "--quiet", env={"LEAKSCAN_CACHE_DIR": "off"})
    assert done.returncode in (0, 1), done.stderr
    return out / "report" / "findings.json"


def render(findings: Path, out: Path, cache: str, lang: str = "ja", path: Path = ROOT,
           shipped: bool = False) -> tuple[str, str]:
    """(the cache folder the renderer used or "none", the rendered HTML) from a fresh interpreter that imports
    the package from ``path`` (the checkout, a copy, an unpacked wheel). ``shipped``: the templates' code shipped
    in reports/compiled/ is used where it matches (what a scan does); else every template is compiled, through
    the cache when there is one (what a scan does with templates or a Jinja2 the shipped code was not made for)."""
    env = {**os.environ, "LEAKSCAN_CACHE_DIR": cache, "PYTHONPATH": str(path)}
    done = subprocess.run([sys.executable, "-c", RENDER, str(findings), str(out), lang, *(["shipped"] if shipped else [])],
                          cwd=out.parent, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    used, module, template, same_jinja2 = done.stdout.splitlines()
    assert Path(module).is_relative_to(path), module
    assert (Path(template).parent.name == "compiled") == (shipped and same_jinja2 == "True"), template
    return used, out.read_text(encoding="utf-8")


def cached(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.j2c"))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_cached_templates_render_the_same_report(findings: Path, tmp_path: Path, lang: str) -> None:
    _, fresh = render(findings, tmp_path / "fresh.html", "off", lang)
    cache = tmp_path / "cache"
    used, cold = render(findings, tmp_path / "cold.html", str(cache), lang)
    assert Path(used).parent.parent == cache and Path(used).name.startswith("jinja2-")
    files = cached(cache)
    assert len(files) >= 10  # the report and its sections
    written = {f: f.stat().st_mtime_ns for f in files}
    _, warm = render(findings, tmp_path / "warm.html", str(cache), lang)
    assert {f: f.stat().st_mtime_ns for f in cached(cache)} == written  # read, not compiled and written again
    assert fresh == cold == warm
    assert f'lang="{lang}"' in fresh
    for f in files:  # private: compiled code no one else may read or replace
        assert f.stat().st_mode & 0o077 == 0
    for folder in (cache, cache / "templates", Path(used)):
        assert folder.stat().st_mode & 0o077 == 0


def test_damaged_cache_files_are_compiled_afresh(findings: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _, good = render(findings, tmp_path / "good.html", str(cache))
    files = cached(cache)
    for i, f in enumerate(files):  # truncated, flipped, emptied, garbage after the valid 15-byte magic
        data = f.read_bytes()
        f.write_bytes([data[: len(data) // 2], bytes(b ^ 0x5A for b in data), b"", data[:15] + b"\x00" * 40][i % 4])
    _, again = render(findings, tmp_path / "again.html", str(cache))
    assert again == good
    _, healed = render(findings, tmp_path / "healed.html", str(cache))  # rewritten by the run before
    assert healed == good


def test_edited_template_is_not_served_from_the_cache(findings: Path, tmp_path: Path) -> None:
    """A copy of the package with one template changed: its cached code is the old one's, never used."""
    import shutil

    pkg = tmp_path / "pkg"
    for name in ("scanner", "reports", "signatures"):
        shutil.copytree(ROOT / name, pkg / name, ignore=shutil.ignore_patterns("__pycache__"))
    cache = tmp_path / "cache"
    _, before = render(findings, tmp_path / "before.html", str(cache), path=pkg)
    page = pkg / "reports" / "templates" / "report.html.j2"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<!-- edited --></body>"), encoding="utf-8")
    _, after = render(findings, tmp_path / "after.html", str(cache), path=pkg)
    assert "<!-- edited -->" in after and "<!-- edited -->" not in before
    assert after.replace("<!-- edited -->", "") == before


def test_unsafe_or_unusable_cache_folders_are_not_used(findings: Path, tmp_path: Path) -> None:
    _, fresh = render(findings, tmp_path / "fresh.html", "off")
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # anyone could plant compiled code here
    used, html = render(findings, tmp_path / "a.html", str(shared))
    assert used == "none" and html == fresh and not cached(shared)
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o700)
    link = tmp_path / "link"
    link.symlink_to(target)
    used, html = render(findings, tmp_path / "b.html", str(link))
    assert used == "none" and html == fresh and not cached(target)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    used, html = render(findings, tmp_path / "c.html", str(blocker))
    assert used == "none" and html == fresh


def test_no_cache_unless_asked_nothing_written_outside_out(tmp_path: Path) -> None:
    """No LEAKSCAN_CACHE_DIR: no cache anywhere (not $XDG_CACHE_HOME, not ~/.cache); a scan writes nothing
    outside its --out folder, as a forensic tool run on a machine under examination must."""
    env = {k: v for k, v in os.environ.items() if k != "LEAKSCAN_CACHE_DIR"}
    env |= {"XDG_CACHE_HOME": str(tmp_path / "xdg"), "HOME": str(tmp_path / "home")}
    empty = tmp_path / "share"
    empty.mkdir()
    (empty / "memo.txt").write_text("nothing here")
    done = subprocess.run([sys.executable, str(ROOT / "scan.py"), "scan", str(empty), "--name", "x.xlsx", "--out",
                           str(tmp_path / "case"), "--quiet"], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case", "share"]
    assert not cached(tmp_path / "case") and [p.name for p in empty.iterdir()] == ["memo.txt"]
    assert json.loads((tmp_path / "case" / "findings.json").read_text(encoding="utf-8"))["files"] == []


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to hand a folder to another user")
def test_nothing_is_created_in_another_users_home(findings: Path, tmp_path: Path) -> None:
    """As root with another user's HOME (sudo keeping HOME): no cache folder is made there."""
    home = tmp_path / "someone"
    home.mkdir()
    os.chown(home, 65534, 65534)
    _, fresh = render(findings, tmp_path / "fresh.html", "off")
    env = {k: v for k, v in os.environ.items() if k not in ("LEAKSCAN_CACHE_DIR", "XDG_CACHE_HOME")}
    done = subprocess.run([sys.executable, "-c", RENDER, str(findings), str(tmp_path / "a.html"), "ja"], cwd=tmp_path,
                          env={**env, "HOME": str(home), "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "none"
    assert list(home.iterdir()) == []
    assert (tmp_path / "a.html").read_text(encoding="utf-8") == fresh
