"""The documentation is the investigator's manual: every command, option, findings.json field and reason
code it names must be real, and every field and code the scanner writes must be in it. "README" here is
the documentation as one text (conftest.DOCS: README.md, docs/reference.md, docs/guide.ja.md); a section
is looked up in that text, whichever file holds it.

Everything is taken from the README text, the --help output, the scanner's source and real scans (the demo
share, a small recycle-bin tree, a merge, the third-party robust spreadsheets); nothing is listed by hand.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, documentation, run_cli, run_leakscan

from scanner.codes import SKIP_REASONS, Status, VerifyStatus
from scanner.inspectors.recyclebin import make_i_file

README = documentation()
LEAKED = "介護予防_利用者名簿.xlsx"


def _commands() -> list[str]:
    from scanner.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)


COMMANDS = _commands()
CODE_BLOCK = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
# leakscan [global options] COMMAND rest, or python scan.py ...
INVOCATION = re.compile(r"(?:\bleakscan|\bpython3?\s+scan\.py)((?:\s+-{1,2}[a-z][\w-]*)*)\s+([a-z][\w-]*)(.*)")
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def section(title: str) -> str:
    """The text under '## title' up to the next '## ' heading, in whichever documentation file holds it."""
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    assert m, f"README has no '## {title}' section"
    return m.group(1)


def code_lines() -> list[str]:
    """Lines of every fenced block (continuations joined, comments dropped) and every inline code span."""
    lines = []
    for block in CODE_BLOCK.findall(README):
        for line in block.replace("\\\n", " ").splitlines():
            lines.append(re.sub(r"\s#\s.*$", "", line))
    prose = CODE_BLOCK.sub("", README)
    lines += re.findall(r"`([^`\n]+)`", prose)
    return lines


def invocations() -> list[tuple[str, str, list[str], str]]:
    """(global options, command, options after it, the line) for each leakscan call the README shows."""
    found = []
    for line in code_lines():
        for part in re.split(r"\s(?:&&|\|\||\||;)\s", line):  # ; inside a quoted URL stays
            m = INVOCATION.search(part)
            if m:
                found.append((m.group(1), m.group(2), OPTION.findall(m.group(3)), part.strip()))
                continue
            m = re.match(rf"^({'|'.join(COMMANDS)})\s+(--.*)$", part.strip())  # `scan --baseline`
            if m:
                found.append(("", m.group(1), OPTION.findall(m.group(2)), part.strip()))
    return found


@pytest.fixture(scope="module")
def helps() -> dict[str, str]:
    """The --help text of the program ('') and of each command, as a user sees it."""
    out = {}
    for cmd in ["", *COMMANDS]:
        proc = run_cli(*([cmd] if cmd else []), "--help", timeout=60)
        assert proc.returncode == 0, proc.stderr
        out[cmd] = proc.stdout
    return out


def test_readme_shows_calls_of_every_command() -> None:
    shown = {cmd for _g, cmd, _o, _l in invocations()}
    assert shown == set(COMMANDS), f"README shows {sorted(shown)}, the CLI has {COMMANDS}"


def test_every_option_in_a_readme_command_exists(helps: dict[str, str]) -> None:
    calls = invocations()
    assert len(calls) >= 10
    wrong = []
    for global_opts, cmd, opts, line in calls:
        if cmd not in COMMANDS:
            wrong.append(f"{line!r}: no command {cmd!r}")
            continue
        wrong += [f"{line!r}: leakscan has no {g}" for g in global_opts.split() if g not in helps[""]]
        wrong += [f"{line!r}: {cmd} has no {o}" for o in opts if o not in OPTION.findall(helps[cmd])]
    assert not wrong, "\n".join(wrong)


def test_every_option_named_alone_exists_in_some_command(helps: dict[str, str]) -> None:
    """`--max-cells`, `--lang en` ...: an option named in prose must belong to a command."""
    known = {o for text in helps.values() for o in OPTION.findall(text)}
    named = {m.group(0) for line in code_lines() for m in [re.match(r"--[a-z][a-z0-9-]*", line)] if m}
    assert named, "README names no option in inline code"
    assert not named - known, f"options in the README that no command has: {sorted(named - known)}"


# ---------------------------------------------------------------- findings.json field table


def field_table() -> list[tuple[list[str], str]]:
    """Rows of the findings.json table: (names in the first cell, the meaning cell)."""
    text = section("Outputs and findings.json")
    m = re.search(r"^\| field \| meaning \|\n\|[- |]+\|\n((?:\|.*\|\n)+)", text, re.M)
    assert m, "no '| field | meaning |' table"
    rows = []
    for line in m.group(1).splitlines():
        first, meaning = [c.strip() for c in line.strip("|").split("|", 1)]
        rows.append((re.findall(r"`([^`]+)`", first), meaning.strip(" |")))
    return rows


def documented() -> dict[str, dict[str, str]]:
    """{'top': {key: meaning}, 'scan': {...}, 'files': {...}} as the table names them."""
    out: dict[str, dict[str, str]] = {"top": {}, "scan": {}, "files": {}}
    in_files = False
    for names, meaning in field_table():
        for name in names:
            if name.startswith("."):
                assert in_files, f"{name} is not under files[]"
                out["files"][name[1:]] = meaning
                continue
            in_files = name == "files[]"
            top, _, sub = name.removesuffix("[]").partition(".")
            out["top"].setdefault(top, meaning)
            if sub:
                out[top][sub] = meaning
    return out


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("readme")


@pytest.fixture(scope="module")
def demo(demo_run: tuple[Path, Any]) -> Path:
    """The session's demo run (conftest): its folder holds share/ and report/."""
    return demo_run[0]


@pytest.fixture(scope="module")
def real_docs(base: Path, demo: Path) -> list[dict[str, Any]]:
    """findings.json of the demo, of a tree with a recycle-bin pair ($I/$R), and of their merge."""
    tree = base / "tree" / "$RECYCLE.BIN" / "S-1-5-21-1-2-3-1001"
    tree.mkdir(parents=True)
    content = (demo / "share" / "PC01" / "Documents" / LEAKED).read_bytes()
    (tree / "$RK3J9Q2.xlsx").write_bytes(content)
    (tree / "$IK3J9Q2.xlsx").write_bytes(make_i_file(f"C:\\Users\\staff\\Documents\\{LEAKED}", len(content)))
    proc = run_leakscan("scan", str(base / "tree"), "--name", LEAKED, "--out", str(base / "bin"), "--quiet")
    assert proc.returncode == 1, proc.stderr
    proc = run_leakscan("merge", str(demo / "report"), str(base / "bin"), "--out", str(base / "merged"),
                        "--quiet")
    assert proc.returncode == 1, proc.stderr
    docs = [json.loads((d / "findings.json").read_text(encoding="utf-8"))
            for d in (demo / "report", base / "bin", base / "merged")]
    assert any(f.get("annotations") for f in docs[1]["files"]), "the recycle-bin pair gave no annotations"
    return docs


def _written_keys(docs: list[dict[str, Any]]) -> dict[str, set[str]]:
    return {"top": {k for d in docs for k in d},
            "scan": {k for d in docs for k in d["scan"]},
            "files": {k for d in docs for f in d["files"] for k in f}}


def _code_literals() -> set[str]:
    """Every string the code writes literally, and the error keys of the registered analyses."""
    from scanner.registry import ANALYSES

    return {n.value for py in (ROOT / "scanner").rglob("*.py") for n in ast.walk(ast.parse(py.read_text("utf-8")))
            if isinstance(n, ast.Constant) and isinstance(n.value, str)} | {f"{a.name}_error" for a in ANALYSES}


def test_every_documented_field_is_written(real_docs: list[dict[str, Any]]) -> None:
    """A field the table names is in a real findings.json; one that only some scans have ('only ...')
    must at least be written by the code."""
    written, doc, literals = _written_keys(real_docs), documented(), _code_literals()
    missing = []
    for part in ("top", "scan", "files"):
        for key, meaning in doc[part].items():
            if key in written[part]:
                continue
            if re.search(r"\bonly\b", meaning) and key in literals:
                continue  # e.g. scan.resumed, persons_error: real, but not in these scans
            missing.append(f"{part}: {key}")
    assert not missing, f"README documents fields no scan writes: {missing}"


def test_every_written_field_is_documented(real_docs: list[dict[str, Any]]) -> None:
    written, doc = _written_keys(real_docs), documented()
    undocumented = [f"{part}: {k}" for part in written for k in sorted(written[part] - set(doc[part]))]
    assert not undocumented, f"findings.json fields missing from the README table: {undocumented}"


def test_listed_subkeys_match_the_real_objects(real_docs: list[dict[str, Any]]) -> None:
    """Rows such as `tool` | `name`, `version` ...: the listed keys are exactly the object's keys."""
    checked = 0
    for names, meaning in field_table():
        if len(names) != 1 or "." in names[0] or "[" in names[0] or not meaning.startswith("`"):
            continue
        listed = {k for k in re.findall(r"`([a-z_0-9]+)`", meaning)}
        objects = [d[names[0]] for d in real_docs if isinstance(d.get(names[0]), dict)]
        if not objects:
            continue
        real = {k for o in objects for k in o}
        assert listed == real, f"{names[0]}: README lists {sorted(listed)}, findings.json has {sorted(real)}"
        checked += 1
    assert checked >= 4  # tool, case, chain_of_custody, merge


def test_the_notification_list_is_refused_anywhere_inside_the_output_folder(real_docs: list[dict[str, Any]],
                                                                            demo: Path) -> None:
    """README: 'The export must be written outside the output folder' — a sub-folder is inside too."""
    out = demo / "report"
    (out / "sub").mkdir()
    try:
        proc = run_cli("persons", str(out), "--export", str(out / "sub" / "persons.xlsx"))
        assert proc.returncode == 2, proc.stderr
        assert "outside the output folder" in proc.stderr
        assert not (out / "sub" / "persons.xlsx").exists()
    finally:
        (out / "sub").rmdir()


# ---------------------------------------------------------------- skip reasons and statuses

def reason_table() -> set[str]:
    text = section("Outputs and findings.json")
    m = re.search(r"^\| reason \| what it means \|\n\|[- |]+\|\n((?:\|.*\|\n)+)", text, re.M)
    assert m, "no skip-reason table"
    return {re.search(r"`([^`]+)`", line).group(1) for line in m.group(1).splitlines()}  # type: ignore[union-attr]


def test_every_skip_reason_is_in_the_reason_table() -> None:
    """The README's reason table is exactly codes.SKIP_REASONS; every status code is named somewhere."""
    table = reason_table()
    assert table == set(SKIP_REASONS), (f"missing from the README table: {sorted(set(SKIP_REASONS) - table)}; "
                                        f"not a skip reason: {sorted(table - set(SKIP_REASONS))}")
    spans = set(re.findall(r"`([^`\n]+)`", README))
    assert not set(Status) - spans, f"codes the README never names: {sorted(set(Status) - spans)}"


def _runtime_codes(docs: list[dict[str, Any]]) -> set[str]:
    return ({s["reason"] for d in docs for s in d["skipped"]}
            | {f["status"] for d in docs for f in d["files"]}) - {"ok"}


def test_codes_of_real_scans_are_in_the_reason_table(real_docs: list[dict[str, Any]], corpus: Path,
                                                     tmp_path: Path) -> None:
    proc = run_cli("scan", str(corpus / "spreadsheets" / "robust"), "--out", str(tmp_path / "out"),
                        "--quiet", timeout=300)
    assert proc.returncode == 0, proc.stderr
    robust = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    codes = _runtime_codes([*real_docs, robust])
    assert {"special-file", "encrypted", "corrupt", "unsupported"} <= codes
    assert not codes - reason_table(), f"codes seen in real scans, missing from the README: {codes - reason_table()}"


# ---------------------------------------------------------------- quick start and its figures


def quick_start_commands() -> list[str]:
    lines = [ln.strip() for b in CODE_BLOCK.findall(section("Quick start")) for ln in b.splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#")]


def test_quick_start_has_exactly_the_two_commands_ci_runs() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2, commands
    install_demo, install_test = commands
    first = shlex.split(install_demo)
    assert first[:5] == ["python3", "-m", "pip", "install", "."] and first[-2:] == ["leakscan", "demo"], install_demo
    ci_lines = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines()
                if ln.strip() and not ln.lstrip().startswith("#")]
    ci_tests = [ln for ln in ci_lines if "pytest" in ln]
    assert ci_tests == [install_test], f".ci/run runs {ci_tests}, the README says {install_test!r}"
    assert shlex.split(install_test)[-3:] == ["python3", "-m", "pytest"]


def test_quick_start_figures_are_the_demo_scan(real_docs: list[dict[str, Any]]) -> None:
    text = " ".join(section("Quick start").split())
    m = re.search(r"hold ([\d,]+) records, ([\d,]+) distinct name \+ address strings and ([\d,]+) persons once "
                  r"([\d,]+) re-typed", text)
    assert m, "Quick start no longer states the demo's person figures"
    records, exact, unique, merged = (int(g.replace(",", "")) for g in m.groups())
    persons = real_docs[0]["persons"]
    assert (records, exact, unique) == (persons["records"], persons["unique_exact"], persons["unique"])
    assert merged == exact - unique
    groups = re.search(r"(\w+) duplicate groups", text)
    words = {"one": 1, "two": 2, "three": 3, "four": 4}
    assert groups and words[groups.group(1)] == len(real_docs[0]["duplicate_groups"])
    copies = re.search(r"copies of the named file:\s+(\d+) \(same name (\d+), renamed copies or re-saves (\d+), same "
                       r"content \(hash\) (\d+)\)`, on ([^;]+?), in", text)
    summary = real_docs[0]["summary"]
    assert copies, "Quick start no longer quotes the terminal's copies line"
    assert [int(g) for g in copies.groups()[:4]] == [summary[k] for k in ("copies", "copies_by_name", "copies_renamed",
                                                                          "copies_by_hash")]
    assert re.split(r", | and ", copies.group(5)) == summary["places"]
    overlap = re.search(r"other\s+files holding the same persons, (\d+)\)", text)
    assert overlap and int(overlap.group(1)) == summary["record_overlap"]


# ---------------------------------------------------------------- rescan classes, verdicts, verify statuses


def test_rescan_classes_and_verdicts_are_the_codes() -> None:
    from scanner import codes as diff

    text = section("Rescan, verify, resume and merge")
    m = re.search(r"^\| class \| meaning \|\n\|[- |]+\|\n((?:\|.*\|\n)+)", text, re.M)
    assert m, "no class table"
    table = [re.search(r"`([^`]+)`", line).group(1) for line in m.group(1).splitlines()]  # type: ignore[union-attr]
    assert table == list(diff.CLASSES)
    for verdict in diff.Verdict:
        assert f"- `{verdict}` (" in text, f"verdict {verdict} is not explained"
    leak = re.search(r"\*\*Verdict\.\*\*(.*?)\n\n", text, re.S).group(1)  # type: ignore[union-attr]
    assert set(re.findall(r"`([a-z-]+)`", leak)) >= diff.LEAK_REASONS
    no_content = re.search(r"Skips that cannot\s+hold file content(.*?)are listed", text, re.S).group(1)  # type: ignore[union-attr]
    assert set(re.findall(r"`([a-z-]+)`", no_content)) == diff.NO_CONTENT_SKIPS


def test_verify_statuses_are_the_codes() -> None:
    """verify --sources rows: every VerifyStatus, each named in the Verify part."""
    codes = set(VerifyStatus)
    text = re.search(r"^### Verify\n(.*?)(?=^\*\*|^### )", README, re.S | re.M).group(1)  # type: ignore[union-attr]
    named = set(re.findall(r"`([a-z-]+)`", text))
    assert len(codes) >= 5 and codes <= named, f"verify statuses missing from the README: {sorted(codes - named)}"


def test_diff_json_example_has_the_real_keys(real_docs: list[dict[str, Any]], base: Path, demo: Path) -> None:
    """The diff.json sketch in the README names the keys a real diff writes (demo scan against itself)."""
    out = demo / "report"
    proc = run_cli("diff", str(out), str(out), "--out", str(base / "diff"), "--quiet")
    assert proc.returncode == 1, proc.stderr  # every copy remains
    real = json.loads((base / "diff" / "diff.json").read_text(encoding="utf-8"))
    text = section("Rescan, verify, resume and merge")
    sketch = json.loads(re.search(r"```json\n(.*?)```", text, re.S).group(1))  # type: ignore[union-attr]
    assert list(sketch) == list(real)
    assert set(sketch["baseline"]) == set(real["baseline"])
    assert set(sketch["counts"]) == set(real["counts"]) and set(sketch["scope"]) == set(real["scope"])
    entry_keys = {k for e in real["entries"] for k in e}
    assert entry_keys <= set(sketch["entries"][0]) | {"baseline_sha256", "annotations"}
    assert "`baseline_sha256`" in text and "`annotations`" in text


def test_guide_figures_are_the_demo_scan(real_docs: list[dict[str, Any]]) -> None:
    """The Japanese guide's demo figures are the demo scan's summary, as the quick start's are."""
    guide = (ROOT / "docs" / "guide.ja.md").read_text(encoding="utf-8")
    m = re.search(r"コピー (\d+) 件、レコード ([\d,]+) 件、氏名と住所の組み合わせ ([\d,]+) 通り、本人 ([\d,]+) 人", guide)
    assert m, "the guide no longer states the demo's figures"
    copies, records, exact, unique = (int(g.replace(",", "")) for g in m.groups())
    persons = real_docs[0]["persons"]
    assert copies == real_docs[0]["summary"]["copies"]
    assert (records, exact, unique) == (persons["records"], persons["unique_exact"], persons["unique"])
