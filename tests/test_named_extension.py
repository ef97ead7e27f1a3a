"""--name with the wrong spreadsheet extension, a typo in it, or none: the copies are found and counted
whatever the examiner typed, and the terminal, the report and findings.json say how (scanner/named.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from test_name_rules import TARGETS, expand, forms

from scanner import rules
from scanner.codes import Reason
from scanner.demo import client_list_csv, client_list_xlsx, make_people
from scanner.models import Digests, FileHit, FileStat, Location
from scanner.named import apply_to_hits
from scanner.names import EXTENSION_NOT_FOUND, NO_EXTENSION_GIVEN, NameRules, named_target, split_ext

STEM_RULES = {r["name"]: r for r in rules.load("name_variants")["stem"]["rule"]}
STEM = "介護予防_利用者名簿"


# ---------------------------------------------------------------- the name rules for a bare stem

@pytest.mark.parametrize("target", TARGETS)
def test_bare_stem_examples(target: str) -> None:
    bare = split_ext(target)[0]
    r = NameRules([bare])
    entry = STEM_RULES[NO_EXTENSION_GIVEN]
    for template in entry["examples"]:
        for form in forms(expand(template, target), mojibake=False):
            m = next(m for m in r.match(form) if m.reason != Reason.NAME_KEYWORD)
            assert (m.reason, m.rule, m.target) == (Reason.NAME, NO_EXTENSION_GIVEN, bare), form
    for template in entry["not_examples"]:
        for form in forms(expand(template, target), mojibake=False):
            assert all(m.reason != Reason.NAME for m in r.match(form)), form
    # the bare name itself is the exact name; a decorated copy is a copy; another type is a lead
    assert r.match(bare)[0].rule == "exact"
    copy = r.match(f"{bare} - コピー.xlsx")[0]
    assert (copy.reason, copy.rule) == (Reason.NAME_VARIANT, f"windows-copy-ja+{NO_EXTENSION_GIVEN}")
    owner = r.match(f"~${bare}.xlsx")[0]
    assert (owner.reason, owner.rule) == (Reason.NAME_VARIANT, f"owner-file+{NO_EXTENSION_GIVEN}")
    assert r.match(f"{bare}.pdf")[0].reason == Reason.NAME_CONTAINS
    lead = r.match(f"{bare}_v2.xlsx")[0]  # a spreadsheet is no other type for a bare stem
    assert lead.reason == Reason.NAME_CONTAINS and "other-type" not in lead.rule


@pytest.mark.parametrize(("given", "ext"), [
    ("名簿.xlsx", ".xlsx"), ("名簿.XLS", ".xls"), ("名簿．ｘｌｓｘ", ".xlsx"), ("名簿.xlx", ".xlx"),
    ("名簿", ""), ("名簿 v1.2", ""), ("2017.01_名簿", ""), ("名簿.2017", ""), ("名簿.", ""),
])
def test_what_counts_as_a_typed_extension(given: str, ext: str) -> None:
    assert named_target(given)[2] == ext


def test_name_with_a_dot_but_no_extension_is_a_bare_stem() -> None:
    r = NameRules(["名簿 v1.2"])
    m = r.match("名簿 v1.2.xlsx")[0]
    assert (m.reason, m.rule) == (Reason.NAME, NO_EXTENSION_GIVEN)


# ---------------------------------------------------------------- after the walk

def _hit(path: str, rules_: NameRules) -> FileHit:
    name = path.rsplit("/", 1)[-1]
    found = [m for m in rules_.match(name) if m.reason != Reason.NAME_KEYWORD]
    return FileHit(Location("/share", path), FileStat(1), Digests("0" * 32, "0" * 40, "0" * 64, 1), "data",
                   [m.reason for m in found], matched_rules=[f"{m.reason}:{m.rule}" for m in found])


def test_extension_not_found_counts_the_stem_in_other_formats() -> None:
    given = f"{STEM}.xls"
    r = NameRules([given])
    paths = [f"PC01/{STEM}.xlsx", f"PC02/{STEM}.csv", f"PC03/{STEM} - コピー.xlsx", f"PC04/{STEM}.pdf",
             f"PC05/~${STEM}.xlsx", f"PC06/{STEM}_v2.xlsx", "PC07/" + f"{STEM}.xlsx".encode("cp932").decode("cp437")]
    hits = [_hit(p, r) for p in paths]
    section = apply_to_hits(hits, r)
    counted = [p for p, h in zip(paths, hits, strict=True) if Reason.NAME in h.reasons]
    assert counted == [paths[0], paths[1], paths[6]]  # mojibake recovered too
    for h in hits[:2]:
        assert f"{Reason.NAME}:{EXTENSION_NOT_FOUND}" in h.matched_rules
        assert Reason.NAME_VARIANT in h.reasons  # the name rule's own view stays beside it
    assert section == [{"name": given, "extension": ".xls", "found_as_given": 0,
                        "counted_by_stem": {".csv": 1, ".xlsx": 2}, "rule": EXTENSION_NOT_FOUND}]


def test_typo_in_the_extension() -> None:
    given = f"{STEM}.xlx"
    r = NameRules([given])
    hits = [_hit(f"PC01/{STEM}.xlsx", r)]
    assert hits[0].reasons == [Reason.NAME_CONTAINS]  # a lead by its name alone ...
    apply_to_hits(hits, r)
    assert Reason.NAME in hits[0].reasons  # ... counted once nothing has the name as typed


def test_found_as_given_changes_nothing() -> None:
    given = f"{STEM}.xls"
    r = NameRules([given])
    hits = [_hit(f"PC01/{STEM}.xls", r), _hit(f"PC02/{STEM}.xlsx", r)]
    before = [list(h.reasons) for h in hits]
    section = apply_to_hits(hits, r)
    assert [h.reasons for h in hits] == before
    assert section[0]["found_as_given"] == 1 and section[0]["rule"] is None and not section[0]["counted_by_stem"]


def test_each_name_decided_on_its_own() -> None:
    r = NameRules([f"{STEM}.xls", "2017年度_集計.xlsx"])
    hits = [_hit(f"a/{STEM}.xlsx", r), _hit("b/2017年度_集計.xlsx", r), _hit("c/2017年度_集計.csv", r)]
    section = apply_to_hits(hits, r)
    assert [Reason.NAME in h.reasons for h in hits] == [True, True, False]
    assert [e["rule"] for e in section] == [EXTENSION_NOT_FOUND, None]


# ---------------------------------------------------------------- from the command line

@pytest.fixture(scope="module")
def share(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("named") / "share"
    people = make_people(60, seed=7)
    book = client_list_xlsx(people[:40])
    files = {f"PC01/{STEM}.xlsx": book, f"PC02/Desktop/{STEM}.xlsx": book,
             f"PC03/{STEM} - コピー.xlsx": book, f"PC04/{STEM}.csv": client_list_csv(people[20:60]),
             f"PC04/{STEM}.pdf": b"%PDF-1.4\n%%EOF\n"}
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return {"root": root}


def _scan(share: dict[str, object], tmp_path: Path, name: str, *extra: str) -> tuple[object, dict]:
    out = tmp_path / "out"
    done = run_cli("scan", str(share["root"]), "--name", name, "--out", str(out), "--quiet", *extra)
    return done, json.loads((out / "findings.json").read_text("utf-8"))


def _counted(doc: dict) -> list[str]:
    return sorted(Path(f["path"]).name for f in doc["persons"]["files"])


def test_cli_right_extension_is_unchanged(share: dict[str, object], tmp_path: Path) -> None:
    done, doc = _scan(share, tmp_path, f"{STEM}.xlsx")
    assert done.returncode == 1 and "warning" not in done.stderr
    assert _counted(doc) == [f"{STEM}.xlsx"] * 2  # the .csv is a copy in another format: listed, not counted
    assert doc["persons"]["unique"] == 40
    assert doc["named_files"][0]["found_as_given"] == 2


@pytest.mark.parametrize("given", [f"{STEM}.xls", f"{STEM}.XLS", STEM, f"{STEM}.xlx"])
def test_cli_wrong_or_missing_extension_counts_the_copies(share: dict[str, object], tmp_path: Path,
                                                            given: str) -> None:
    done, doc = _scan(share, tmp_path, given)
    assert done.returncode == 1
    assert _counted(doc) == [f"{STEM}.csv", f"{STEM}.xlsx", f"{STEM}.xlsx"]
    assert doc["persons"]["unique"] == 60 and doc["persons"]["records"] == 120
    entry = doc["named_files"][0]
    assert entry["counted_by_stem"] == {".csv": 1, ".xlsx": 2}
    rule = NO_EXTENSION_GIVEN if given == STEM else EXTENSION_NOT_FOUND
    assert entry["rule"] == rule
    warning = [line for line in done.stderr.splitlines() if "warning" in line]
    assert len(warning) == 1 and given in warning[0] and ".xlsx 2" in warning[0] and ".csv 1" in warning[0]
    report = (tmp_path / "out" / "report.html").read_text("utf-8")
    assert 'class="warn named-file"' in report and "xlsx 2 件" in report
    # the decorated copy is a copy but not counted; the PDF stays a lead
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert Reason.NAME not in by_name[f"{STEM} - コピー.xlsx"]["reasons"]
    assert by_name[f"{STEM}.pdf"]["reasons"][0] == Reason.NAME_CONTAINS


def test_cli_nothing_of_the_stem_found(share: dict[str, object], tmp_path: Path) -> None:
    done, doc = _scan(share, tmp_path, "2017年度_集計.xls")
    assert done.returncode == 0 and "warning" not in done.stderr and "persons" not in doc
    assert doc["named_files"] == [{"name": "2017年度_集計.xls", "extension": ".xls", "found_as_given": 0,
                                   "counted_by_stem": {}, "rule": None}]


def test_merge_keeps_each_inputs_decision(share: dict[str, object], tmp_path: Path) -> None:
    root = share["root"]
    a, b = tmp_path / "a", tmp_path / "b"
    assert run_cli("scan", str(root / "PC01"), "--name", f"{STEM}.xls", "--out", str(a), "--quiet").returncode == 1
    assert run_cli("scan", str(root / "PC04"), "--name", f"{STEM}.csv", "--out", str(b), "--quiet").returncode == 1
    done = run_cli("merge", str(a), str(b), "--out", str(tmp_path / "m"), "--quiet")
    assert done.returncode == 1, done.stderr
    merged = json.loads((tmp_path / "m" / "findings.json").read_text("utf-8"))
    assert [(e["input"], e["rule"], e["found_as_given"]) for e in merged["named_files"]] == [
        (1, EXTENSION_NOT_FOUND, 0), (2, None, 1)]
    report = (tmp_path / "m" / "report.html").read_text("utf-8")
    assert report.count('class="warn named-file"') == 1


def test_hostile_named_files_section_is_refused(tmp_path: Path, share: dict[str, object]) -> None:
    out = tmp_path / "o"
    run_cli("scan", str(share["root"] / "PC01"), "--name", f"{STEM}.xls", "--out", str(out), "--quiet")
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    doc["named_files"][0]["counted_by_stem"] = ["<script>"]
    (out / "findings.json").write_text(json.dumps(doc), encoding="utf-8")
    done = run_cli("diff", str(out), str(out), "--out", str(tmp_path / "d"))
    assert done.returncode == 2 and "named_files[0]" in done.stderr and "<script>" not in done.stderr
