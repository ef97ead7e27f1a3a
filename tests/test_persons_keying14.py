"""A keying the record chains cannot prove is said to be stated, not proven; keying 15 proves itself (Session 14).

Keyings 12 and 13 write record chains of one format (two room stages), and so do 14 and 15 (three): a case's chains
cannot tell which of two such keyings counted its persons, so a 13 edited to 12 (the manifest made again) read as
checked. persons14 made verify say so for such a case, and merge warn whenever it combined persons under such a keying:
for every new case too, since 15 shares 14's format (review14b: a note on every run hides the real ones). From keying 15
on a case records ``persons.keying_id``, an HMAC under its case.key of its keying and its record chains: verify, merge,
report and persons check it, so a new case says nothing, a 14 edited to 15 (or a 15 to 14, or a proof taken from
another case of the same key) is refused, and only an old case (keyings 12-14, no proof) is noted as stated.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import run_cli
from test_persons_keying13 import ROWS, _as_keying13
from test_persons_rooms11 import _key, _remanifest, _roster, _scan

from scanner.evidence import KEYING_ROOM_STAGES, keyings_of_one_format
from scanner.persons.normalise import KEYING

NOTE = "is stated by findings.json, not proven"
WARNING = "as the inputs state it"


def test_the_keyings_sharing_a_chain_format():
    assert keyings_of_one_format(12) == keyings_of_one_format(13) == (12, 13)
    assert keyings_of_one_format(14) == keyings_of_one_format(15) == (14, 15)
    assert keyings_of_one_format(16) == (16, 17, 18, 19, 20, 21, 22, 23) == keyings_of_one_format(KEYING)  # 16 added link stages; 17-23 kept them
    assert keyings_of_one_format(99) == keyings_of_one_format("13") == keyings_of_one_format(None) == ()
    for k in KEYING_ROOM_STAGES:  # a keying alone with its format is proven by its chains: nothing to say
        assert bool(keyings_of_one_format(k)) == (list(KEYING_ROOM_STAGES.values()).count(KEYING_ROOM_STAGES[k]) > 1)


def _edit(out: Path, **persons: object) -> None:
    """Set (None: drop) fields of a case's persons section, the manifest made again (a hand edit)."""
    path = out / "findings.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    for k, v in persons.items():
        if v is None:
            doc["persons"].pop(k, None)
        else:
            doc["persons"][k] = v
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    _remanifest(out)


def _three_room_stages(out: Path) -> dict[str, object]:
    """A case's room stages and chains as keying 14/15 wrote them (no link stages: persons15's keying 16 added them;
    these rows name no link, so their persons are the same)."""
    p = json.loads((out / "findings.json").read_text(encoding="utf-8"))["persons"]
    return {"room_stages": ["room", "wing", "number"], "chains": sorted(",".join(c.split(",")[:-3]) for c in p["chains"])}


def _rereport(out: Path) -> None:
    """The reports name the edited findings.json's SHA-256, as a forger would make them (the manifest again)."""
    import hashlib

    new = hashlib.sha256((out / "findings.json").read_bytes()).hexdigest()
    for html in out.glob("*.html"):
        text = html.read_text(encoding="utf-8")
        for old in set(re.findall(r"[0-9a-f]{64}", text)):
            text = text.replace(old, new)
        html.write_text(text, encoding="utf-8")
    _remanifest(out)


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    t = tmp_path_factory.mktemp("keying14")
    key = _key()
    _roster(t / "s" / "名簿.csv", ROWS)
    _roster(t / "s2" / "名簿.csv", ROWS[:1])
    _scan(t, "new", ["s"], key)
    for name in ("new2", "old", "k14", "k14b", "as15", "as14", "pasted"):  # copies of one scan (its manifest too)
        shutil.copytree(t / "new", t / name)
    _scan(t, "other", ["s2"], key)  # same case key, other chains
    _as_keying13(t / "old")
    assert run_cli("report", str(t / "old")).returncode == 0  # its reports made again from the edited findings.json
    for name in ("k14", "k14b", "as15"):  # a case keying 14 wrote: three room stages, no proof of its keying
        _edit(t / name, keying=14, keying_id=None, **_three_room_stages(t / name))
        assert run_cli("report", str(t / name)).returncode == 0, name  # its reports made again
    _edit(t / "as15", keying=15)  # a 14 case edited to say 15
    _edit(t / "as14", keying=14)  # a 15 case edited to say 14 (its proof left)
    other = json.loads((t / "other" / "findings.json").read_text(encoding="utf-8"))["persons"].get("keying_id", "0" * 16)
    _edit(t / "pasted", keying_id=other)  # a proof taken from another case of the same key
    for name in ("as15", "as14", "pasted"):  # the reports made again by hand (the report command refuses them)
        _rereport(t / name)
    return t


def test_a_new_case_records_a_proof_of_its_keying(cases):
    p = json.loads((cases / "new" / "findings.json").read_text(encoding="utf-8"))["persons"]
    assert p["keying"] == KEYING and len(p["keying_id"]) == 16


def test_verify_says_nothing_of_a_new_cases_keying(cases):
    proc = run_cli("verify", str(cases / "new"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert NOTE not in proc.stdout and "note:" not in proc.stdout
    assert json.loads(run_cli("verify", str(cases / "new"), "--json").stdout)["persons_keying_stated"] is None


@pytest.mark.parametrize(("case", "keying", "same"), [("old", 13, "12/13"), ("k14", 14, "14/15")])
def test_verify_says_an_old_cases_keying_is_stated(cases, case, keying, same):
    proc = run_cli("verify", str(cases / case))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"persons.keying {keying} {NOTE}: keyings {same}" in proc.stdout
    proc = run_cli("verify", str(cases / case), "--json")
    stated = json.loads(proc.stdout)["persons_keying_stated"]
    assert stated == {"keying": keying, "same_format": [int(x) for x in same.split("/")]}
    ja = run_cli("verify", str(cases / case), env={"LANG": "ja_JP.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""})
    assert f"persons.keying {keying} は findings.json の記載で、証明されていません" in ja.stdout


@pytest.mark.parametrize("case", ["as15", "as14", "pasted"])
def test_an_edited_keying_or_proof_is_caught(cases, case):
    proc = run_cli("verify", str(cases / case))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "OUTPUT INCONSISTENT" in proc.stdout and "keying" in proc.stdout
    proc = run_cli("merge", str(cases / case), str(cases / "new"), "--out", str(cases / f"m-{case}"), "--quiet")
    assert proc.returncode == 2 and "keying" in proc.stderr


def test_merge_of_new_cases_warns_of_nothing_and_proves_its_keying(cases):
    proc = run_cli("merge", str(cases / "new"), str(cases / "new2"), "--out", str(cases / "m"))
    assert proc.returncode in (0, 1), proc.stderr
    merged = json.loads((cases / "m" / "findings.json").read_text(encoding="utf-8"))
    assert merged["persons"]["keying"] == KEYING and len(merged["persons"]["keying_id"]) == 16
    assert WARNING not in proc.stderr and "not proven" not in proc.stderr
    proc = run_cli("verify", str(cases / "m"))
    assert proc.returncode == 0 and NOTE not in proc.stdout, proc.stdout


def test_merge_of_old_cases_of_a_shared_format_still_warns(cases):
    proc = run_cli("merge", str(cases / "k14"), str(cases / "k14b"), "--out", str(cases / "m14"))
    assert proc.returncode in (0, 1), proc.stderr
    merged = json.loads((cases / "m14" / "findings.json").read_text(encoding="utf-8"))
    assert merged["persons"]["keying"] == 14 and "keying_id" not in merged["persons"]
    assert f"persons combined under persons.keying 14 {WARNING}" in proc.stderr
    assert NOTE in run_cli("verify", str(cases / "m14")).stdout
