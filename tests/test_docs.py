"""The documentation's shape: a short README that keeps the two quick-start commands and links into docs/,
links that resolve, commands in the guides that the real argument parser accepts, docs/ in the source
distribution, and tools/split_readme.py, which moves the README's reference sections to docs/reference.md,
idempotent and losing nothing. (What the text says is checked against the code in tests/test_readme.py.)"""

from __future__ import annotations

import importlib.util
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from types import ModuleType

import pytest
from conftest import DOCS, ROOT

from scanner.cli import build_parser

CODE_BLOCK = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
MAX_README_LINES = 150


def _split_readme() -> ModuleType:
    spec = importlib.util.spec_from_file_location("split_readme", ROOT / "tools" / "split_readme.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["split_readme"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


split = _split_readme()


def _text(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------- the short README


def test_readme_is_short_and_keeps_the_two_quick_start_commands() -> None:
    readme = _text("README.md")
    assert len(readme.splitlines()) <= MAX_README_LINES, "README.md grew: move reference text to docs/reference.md"
    _head, sections = split.parse(readme)
    quick = next(s for s in sections if s.title == "Quick start")
    commands = [ln.strip() for block in CODE_BLOCK.findall(quick.text + "\n") for ln in block.splitlines()
                if ln.strip() and not ln.strip().startswith("#")]
    ci = [ln.strip() for ln in _text(".ci/run").splitlines() if "pytest" in ln and not ln.lstrip().startswith("#")]
    assert commands == ["python3 -m pip install . && leakscan demo", *ci], commands
    assert "docs/reference.md" in readme and "docs/guide.ja.md" in readme


def _anchors(path: Path) -> set[str]:
    """GitHub's anchors of every heading of a Markdown file (outside fenced code)."""
    found, fenced = set(), False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and (m := re.match(r"#{1,6} (.+)", line)):
            found.add(split.anchor(m.group(1)))
    return found


@pytest.mark.parametrize("name", DOCS)
def test_every_link_resolves(name: str) -> None:
    """A relative link names a file of the checkout, and its #anchor a heading of that file."""
    doc = ROOT / name
    links = LINK.findall(CODE_BLOCK.sub("", doc.read_text(encoding="utf-8")))
    assert links, f"{name} links nowhere"
    broken = []
    for target in links:
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue  # a web address
        path, _hash, fragment = target.partition("#")
        file = (doc.parent / path).resolve() if path else doc
        if not file.exists() or ROOT.resolve() not in [file, *file.parents]:
            broken.append(f"{target}: no such file")
        elif fragment and file.suffix == ".md" and fragment not in _anchors(file):
            broken.append(f"{target}: no such heading")
    assert not broken, f"{name}: {broken}"


# ---------------------------------------------------------------- commands in the guides


def _shown_commands(text: str) -> list[str]:
    """Each `leakscan ...` line of the fenced blocks (continuations joined, comments dropped) and inline spans."""
    lines = [ln for block in CODE_BLOCK.findall(text) for ln in block.replace("\\\n", " ").splitlines()]
    lines += re.findall(r"`([^`\n]+)`", CODE_BLOCK.sub("", text))
    found = []
    for line in (part for ln in lines for part in re.split(r"\s&&\s", ln)):
        words = shlex.split(line, comments=True) if "leakscan" in line else []
        while words and re.match(r"^[A-Z_]+=", words[0]):  # VAR=value leakscan ...
            words.pop(0)
        if words[:1] == ["leakscan"] and len(words) > 1 and words[1] != "...":  # `leakscan ...`: any command
            found.append(shlex.join(words[1:]))
    return found


@pytest.mark.parametrize("name", ["README.md", "docs/guide.ja.md"])
def test_commands_in_the_guides_parse(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Every command the README's and the Japanese guide's examples show is accepted by the real parser."""
    commands = _shown_commands(_text(name))
    assert len(commands) >= 5
    wrong = []
    for command in commands:
        try:
            build_parser().parse_args(shlex.split(command))
        except SystemExit as e:
            wrong.append(f"leakscan {command}: {capsys.readouterr().err.strip() or e.code}")
    assert not wrong, "\n".join(wrong)


def test_the_guide_walks_through_every_command() -> None:
    shown = {shlex.split(c)[0] for c in _shown_commands(_text("docs/guide.ja.md"))}
    parser = build_parser()
    sub = next(a for a in parser._actions if a.choices and a.dest != "help")
    assert shown == set(sub.choices), f"the guide shows {sorted(shown)}"


# ---------------------------------------------------------------- tools/split_readme.py


def test_the_repository_is_split() -> None:
    """Running the split on the checkout changes nothing (the lead re-runs it after merges)."""
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "split_readme.py"), "--check"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_every_known_section_is_in_the_readme_or_the_reference() -> None:
    """The script's lists and the files agree: each section it knows is where it says, none is lost."""
    readme = [s.title for s in split.parse(_text("README.md"))[1]]
    reference = [s.title for s in split.parse(_text("docs/reference.md"))[1]]
    assert readme == list(split.README_SECTIONS)
    assert [t for t in reference if t in split.REFERENCE_ORDER] == list(split.REFERENCE_ORDER)
    assert set(split.ORIGINAL_ORDER) == set(split.README_SECTIONS) | set(split.REFERENCE_ORDER)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the checkout's README.md and docs/ (the script writes only these)."""
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    for name in ("reference.md", "guide.ja.md", "design.md"):
        shutil.copy(ROOT / "docs" / name, tmp_path / "docs" / name)
    return tmp_path


def _run(root: Path, *args: str) -> int:
    return int(split.main(["--root", str(root), *args]))


def test_join_then_split_gives_the_same_files(tree: Path) -> None:
    readme, reference = _text("README.md"), _text("docs/reference.md")
    assert _run(tree, "--join") == 0
    whole = (tree / "README.md").read_text(encoding="utf-8")
    assert not (tree / "docs" / "reference.md").exists()
    titles = [s.title for doc in (readme, reference) for s in split.parse(doc)[1]]
    assert sorted(s.title for s in split.parse(whole)[1]) == sorted(titles)
    assert "](#usage)" in whole and "docs/reference.md#" not in whole
    assert _run(tree) == 0
    assert (tree / "README.md").read_text(encoding="utf-8") == readme
    assert (tree / "docs" / "reference.md").read_text(encoding="utf-8") == reference
    assert _run(tree) == 0 and _run(tree, "--check") == 0  # and again: nothing changes
    assert (tree / "README.md").read_text(encoding="utf-8") == readme


NEW_SECTION = """## Dask cluster

Scanning on several machines: see [Name rules](#name-rules), [the quick start](#quick-start) and
[bench/README.md](bench/README.md).

```sh
## not a heading: a line inside a code block
```

### Workers

Each worker reads one source."""


def test_a_section_the_script_does_not_know_moves_to_the_reference(tree: Path) -> None:
    """Another branch adds a section to the whole README: the split keeps it, after the section it
    followed, with its links still resolving from docs/; joining gives back the same whole README."""
    _run(tree, "--join")
    whole = (tree / "README.md").read_text(encoding="utf-8")
    whole = whole.replace("\n## Archives\n", f"\n{NEW_SECTION}\n\n## Archives\n", 1)
    whole += "\n## Zeta\n\nLast words.\n"
    (tree / "README.md").write_text(whole, encoding="utf-8")
    assert _run(tree) == 0
    readme = (tree / "README.md").read_text(encoding="utf-8")
    reference = (tree / "docs" / "reference.md").read_text(encoding="utf-8")
    assert "Dask cluster" not in readme and "Zeta" not in readme
    titles = [s.title for s in split.parse(reference)[1]]
    assert titles[titles.index("SMB shares") + 1] == "Dask cluster" and titles[-1] == "Zeta"
    assert "## not a heading" in reference and "- [Dask cluster](#dask-cluster)\n  - [Workers](#workers)" in reference
    assert "[Name rules](#name-rules)" in reference and "[the quick start](../README.md#quick-start)" in reference
    assert "[bench/README.md](../bench/README.md)" in reference
    assert _run(tree, "--check") == 0
    assert _run(tree, "--join") == 0
    assert (tree / "README.md").read_text(encoding="utf-8") == whole


def test_a_section_in_both_files_is_refused(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A whole README put back beside a split reference whose sections were edited since: refused (exit 2)
    rather than one side silently winning; nothing is written."""
    reference = (tree / "docs" / "reference.md").read_text(encoding="utf-8")
    _run(tree, "--join")
    (tree / "docs" / "reference.md").write_text(reference.replace("## SMB shares\n", "## SMB shares\n\nEdited.\n"),
                                                encoding="utf-8")
    before = (tree / "README.md").read_text(encoding="utf-8")
    assert _run(tree) == 2
    assert "SMB shares" in capsys.readouterr().err
    assert (tree / "README.md").read_text(encoding="utf-8") == before


# ---------------------------------------------------------------- where docs/ ships


def test_the_source_distribution_carries_the_docs(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__",
                                                             "tests", "bench", ".*_cache", "leakscan-demo*"))
    done = subprocess.run([sys.executable, "-c", "import sys; from setuptools import build_meta; "
                           "print(build_meta.build_sdist(sys.argv[1]))", str(tmp_path / "dist")],
                          cwd=src, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with tarfile.open(tmp_path / "dist" / done.stdout.split()[-1]) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {"README.md", *DOCS, "docs/design.md"} <= names
