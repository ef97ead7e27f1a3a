"""The report templates' code shipped in reports/compiled/ (tools/templates.py, issue 11): in step with the
templates, the same report as templates compiled from their source, and never used for a template whose source
is not the one it was made from (an edited template, a damaged or missing module: the template is compiled)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_template_cache import findings, render  # noqa: F401 - findings is a fixture

TOOL = ROOT / "tools" / "templates.py"


def test_shipped_code_is_in_step_with_the_templates() -> None:
    spec = importlib.util.spec_from_file_location("leakscan_tool_templates", TOOL)
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.out_of_date() == [], "run python3 tools/templates.py"
    from reports.compiled import TEMPLATES

    assert "report.html.j2" in TEMPLATES and len(TEMPLATES) >= 20


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_shipped_code_renders_the_report_compiled_from_source(findings: Path, tmp_path: Path,  # noqa: F811
                                                               lang: str) -> None:
    _, fresh = render(findings, tmp_path / "fresh.html", "off", lang)
    _, shipped = render(findings, tmp_path / "shipped.html", "off", lang, shipped=True)
    assert shipped == fresh and f'lang="{lang}"' in fresh


def _package(tmp_path: Path) -> Path:
    pkg = tmp_path / "pkg"
    for name in ("scanner", "reports", "signatures"):
        shutil.copytree(ROOT / name, pkg / name, ignore=shutil.ignore_patterns("__pycache__"))
    return pkg


def test_edited_template_is_compiled_not_taken_from_shipped_code(findings: Path, tmp_path: Path) -> None:  # noqa: F811
    pkg = _package(tmp_path)
    _, before = render(findings, tmp_path / "before.html", "off", path=pkg, shipped=True)
    page = pkg / "reports" / "templates" / "sections" / "summary.html.j2"
    text = page.read_text(encoding="utf-8")
    assert "</section>" in text
    page.write_text(text.replace("</section>", "<!-- edited --></section>", 1), encoding="utf-8")
    _, after = render(findings, tmp_path / "after.html", "off", path=pkg, shipped=True)
    assert "<!-- edited -->" in after and "<!-- edited -->" not in before
    assert after.replace("<!-- edited -->", "") == before


def test_damaged_or_missing_shipped_code_is_compiled_instead(findings: Path, tmp_path: Path) -> None:  # noqa: F811
    """Modules that are not Python, not text or gone: those templates are compiled from their source."""
    _, fresh = render(findings, tmp_path / "fresh.html", "off")
    pkg = _package(tmp_path)
    compiled = pkg / "reports" / "compiled"
    (compiled / "t_report_html.py").write_text("def root(:\n", encoding="utf-8")
    (compiled / "t_sections_summary_html.py").unlink()
    (compiled / "t_sections_copies_html.py").write_bytes(b"\xff\xfe\x00garbage")
    script = ("import json, sys; from reports.html import environment, render_report; "
              "print(render_report(json.loads(open(sys.argv[1], encoding='utf-8').read()), 'ja'), end=''); "
              "print([environment('ja').get_template(n).filename.endswith('.j2') for n in sys.argv[2:]], file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", script, str(findings), "report.html.j2", "sections/summary.html.j2",
                           "sections/copies.html.j2"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(pkg), "LEAKSCAN_CACHE_DIR": "off"})
    assert done.returncode == 0, done.stderr
    assert done.stdout == fresh
    assert done.stderr.strip() == "[True, True, True]"  # compiled from their templates


def test_filter_taking_the_context_is_not_called_by_shipped_code_made_without(findings: Path,  # noqa: F811
                                                                             tmp_path: Path) -> None:
    """Jinja2 decides at compile time whether a filter is handed the context, eval context or environment
    (``@pass_context`` ...): a filter changed so is called by code compiled before with its arguments shifted.
    Such code is not used (the settings key holds each filter's and test's way of being called)."""
    script = ("import json, sys, jinja2; from reports.html import environment, number, render_report; "
              "env = environment('ja'); "
              "env.filters['num'] = jinja2.pass_environment(lambda e, n: number(n) if e is env else 'WRONG'); "
              "sys.argv[2:] or __import__('reports.compiled').compiled.TEMPLATES.clear(); "
              "print(render_report(json.loads(open(sys.argv[1], encoding='utf-8').read()), 'ja'), end='')")
    pages = []
    for shipped in ([], ["shipped"]):
        done = subprocess.run([sys.executable, "-c", script, str(findings), *shipped], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(ROOT), "LEAKSCAN_CACHE_DIR": "off"})
        assert done.returncode == 0, done.stderr[-2000:]
        pages.append(done.stdout)
    assert pages[0] == pages[1] and "WRONG" not in pages[1]


def test_check_finds_a_shipped_module_edited_by_hand(tmp_path: Path) -> None:
    """A module edited (or merged) by hand while its template stayed is code no template made: with the Jinja2
    and Python it was made for, ``tools/templates.py --check`` compares the code itself, not only the digests."""
    pkg = _package(tmp_path)
    shutil.copytree(ROOT / "tools", pkg / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    check = [sys.executable, str(pkg / "tools" / "templates.py"), "--check"]
    env = {**os.environ, "LEAKSCAN_CACHE_DIR": "off"}
    done = subprocess.run(check, cwd=pkg, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    module = pkg / "reports" / "compiled" / "t_sections_password_html.py"
    text = module.read_text(encoding="utf-8")
    assert "escape(" in text
    module.write_text(text.replace("escape(", "str(", 1), encoding="utf-8")  # one value no longer escaped
    done = subprocess.run(check, cwd=pkg, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 1 and "sections/password.html.j2" in done.stdout, done.stdout + done.stderr


def test_shipped_module_cut_short_but_valid_python_is_compiled_instead(findings: Path, tmp_path: Path) -> None:  # noqa: F811
    """A module that is Python but not a whole template's code (cut at a line, emptied): the template is
    compiled from its source, the report rendered all the same."""
    _, fresh = render(findings, tmp_path / "fresh.html", "off")
    pkg = _package(tmp_path)
    compiled = pkg / "reports" / "compiled"
    summary = compiled / "t_sections_summary_html.py"
    summary.write_text("".join(summary.read_text(encoding="utf-8").splitlines(True)[:3]), encoding="utf-8")
    (compiled / "t_sections_copies_html.py").write_text("", encoding="utf-8")
    _, shipped = render(findings, tmp_path / "shipped.html", "off", path=pkg, shipped=True)
    assert shipped == fresh
