"""persons.keying said and checked (Session 13, persons13).

Keying 14 keys a building's number below its wing (test_persons_rooms13), so a case of keying 13 and one of 14 do not
compare. Merge says "not combined" (in the report's language: the note was English in a Japanese report), verify
refuses a keying that is not the one its chains were written by, and a --baseline rescan under another keying says in
the remediation report (ja/en) and on the terminal that the person count changed its rules, not only its files.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import run_cli
from test_persons_rooms11 import BASE, NAME, _key, _remanifest, _roster, _scan

from scanner.evidence import EvidenceError, FindingsDoc
from scanner.persons.normalise import KEYING

ROWS = [(NAME, f"{BASE} メゾン2000 A棟305"), (NAME, f"{BASE} メゾン2001 A棟305")]


def _as_keying13(out: Path) -> None:
    """Rewrite a case's persons as a keying-13 case without record chains states them (the manifest made again), so
    it reads as a case an older leakscan wrote."""
    path = out / "findings.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    p = doc["persons"]
    for k in ("chains", "room_stages", "joined", "keying_id"):  # keying_id: from keying 15 on
        p.pop(k, None)
    p["keying"] = 13
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    _remanifest(out)


@pytest.fixture(scope="module")
def two_keyings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("keyings")
    key = _key()
    _roster(tmp_path / "s" / "名簿.csv", ROWS)
    _scan(tmp_path, "new", ["s"], key)
    _scan(tmp_path, "old", ["s"], key)
    _as_keying13(tmp_path / "old")
    return tmp_path


def test_a_merge_of_two_keyings_says_not_combined_in_the_reports_language(two_keyings):
    t = two_keyings
    proc = run_cli("merge", str(t / "old"), str(t / "new"), "--out", str(t / "m"), "--quiet")
    assert proc.returncode in (0, 1), proc.stderr
    merged = json.loads((t / "m" / "findings.json").read_text(encoding="utf-8"))
    assert "persons" not in merged and merged["merge"]["persons_keyings"] == f"13/{KEYING}"
    html = (t / "m" / "report.html").read_text(encoding="utf-8")
    assert "照合規則の版" in html and f"13/{KEYING}" in html
    assert "keyed persons with different rules" not in html  # the English note is no longer shown in ja
    assert run_cli("verify", str(t / "m")).returncode == 0
    assert run_cli("report", str(t / "m"), "--lang", "en").returncode == 0
    assert "different versions of the rules" in (t / "m" / "report.html").read_text(encoding="utf-8")


def _rescan(t: Path, out: str, baseline: str, *extra: str):
    (t / out).mkdir(mode=0o700)
    shutil.copy(t / "new" / "case.key", t / out / "case.key")
    return run_cli("scan", str(t / "s"), "--name", "名簿.csv", "--out", str(t / out), "--baseline", str(t / baseline),
                   *extra)


def test_a_baseline_rescan_under_another_keying_says_why_the_count_changed(two_keyings):
    t = two_keyings
    proc = _rescan(t, "re", "old")
    assert proc.returncode in (0, 1), proc.stderr
    diff = json.loads((t / "re" / "diff.json").read_text(encoding="utf-8"))
    assert diff["persons"]["baseline_keying"] == 13 and diff["persons"]["rescan_keying"] == KEYING
    assert diff["persons"]["same_keying"] is False
    assert f"13 -> {KEYING}" in proc.stdout + proc.stderr
    html = (t / "re" / "remediation.html").read_text(encoding="utf-8")
    assert 'id="persons-rekeyed"' in html and "照合規則の版が異なります" in html


def test_a_baseline_rescan_under_the_same_keying_says_nothing_of_rules(two_keyings):
    t = two_keyings
    proc = _rescan(t, "same", "new", "--quiet")
    assert proc.returncode in (0, 1), proc.stderr
    diff = json.loads((t / "same" / "diff.json").read_text(encoding="utf-8"))
    assert diff["persons"]["same_keying"] is True and diff["persons"]["baseline"] == diff["persons"]["rescan"]
    assert 'id="persons-rekeyed"' not in (t / "same" / "remediation.html").read_text(encoding="utf-8")


def _persons_doc(out: Path) -> dict:
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("keying", "said"), [(13, "not written by that keying"), (99, "another version"),
                                              ("14", "another version"), ([14], "another version")])
def test_verify_refuses_a_keying_its_chains_were_not_written_by(two_keyings, tmp_path, keying, said):
    """persons.keying edited by hand (the manifest made again): a keying 13 over chains with three room stages, a
    keying this version does not know, or no integer: refused when the case is read (verify, merge, report)."""
    t = tmp_path
    shutil.copytree(two_keyings / "new", t / "new")
    doc = _persons_doc(t / "new")
    doc["persons"]["keying"] = keying
    with pytest.raises(EvidenceError, match="keying") as e:
        FindingsDoc.from_json(doc, "findings.json")
    assert said in str(e.value)
    (t / "new" / "findings.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    _remanifest(t / "new")
    proc = run_cli("verify", str(t / "new"))
    assert proc.returncode != 0 and "keying" in proc.stdout + proc.stderr


def test_the_keyings_this_version_knows_include_its_own():
    from scanner.evidence import KEYING_ROOM_STAGES, ROOM_STAGES

    assert max(KEYING_ROOM_STAGES) == KEYING and KEYING_ROOM_STAGES[KEYING] == ROOM_STAGES


def test_the_not_combined_note_names_every_person_rule_file(two_keyings, tmp_path):
    """review13a: the note listed person_variants.toml and towns.tsv only; municipalities.toml and
    old_municipalities.toml are person rules too (merge.PERSON_RULE_FILES): a case scanned with another table is not
    combined either, and the note must say which files to compare."""
    from scanner.merge import PERSON_RULE_FILES

    proc = run_cli("merge", str(two_keyings / "old"), str(two_keyings / "new"), "--out", str(tmp_path / "m"), "--quiet")
    assert proc.returncode in (0, 1), proc.stderr
    note = json.loads((tmp_path / "m" / "findings.json").read_text(encoding="utf-8"))["merge"]["persons"]
    assert all(f in note for f in PERSON_RULE_FILES)
