"""A keying the record chains cannot prove is said to be stated, not proven (Session 14, persons14).

Keyings 12 and 13 write record chains of one format (two room stages), and so do 14 and 15 (three): a case's chains
cannot tell which of two such keyings counted its persons, so a 13 edited to 12 (the manifest made again) read as
checked. verify now says, for such a case, that its keying is stated by findings.json and which keyings share its
format (terminal, --json), and merge says it when it combines persons under such a keying. A keying whose chains only
it writes says nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from test_persons_keying13 import ROWS, _as_keying13
from test_persons_rooms11 import _key, _roster, _scan

from scanner.evidence import KEYING_ROOM_STAGES, keyings_of_one_format
from scanner.persons.normalise import KEYING


def test_the_keyings_sharing_a_chain_format():
    assert keyings_of_one_format(12) == keyings_of_one_format(13) == (12, 13)
    assert KEYING in keyings_of_one_format(KEYING)
    assert keyings_of_one_format(99) == keyings_of_one_format("13") == keyings_of_one_format(None) == ()
    for k in KEYING_ROOM_STAGES:  # a keying alone with its format is proven by its chains: nothing to say
        assert bool(keyings_of_one_format(k)) == (list(KEYING_ROOM_STAGES.values()).count(KEYING_ROOM_STAGES[k]) > 1)


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    t = tmp_path_factory.mktemp("keying14")
    key = _key()
    _roster(t / "s" / "名簿.csv", ROWS)
    _scan(t, "new", ["s"], key)
    _scan(t, "new2", ["s"], key)
    _scan(t, "old", ["s"], key)
    _as_keying13(t / "old")
    assert run_cli("report", str(t / "old")).returncode == 0  # its reports made again from the edited findings.json
    return t


@pytest.mark.parametrize(("case", "keying", "same"), [("old", 13, "12/13"), ("new", KEYING, None)])
def test_verify_says_a_keying_is_stated_when_its_chains_cannot_prove_it(cases, case, keying, same):
    same = same or "/".join(map(str, keyings_of_one_format(KEYING)))
    proc = run_cli("verify", str(cases / case))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"persons.keying {keying} is stated by findings.json, not proven: keyings {same}" in proc.stdout
    proc = run_cli("verify", str(cases / case), "--json")
    stated = json.loads(proc.stdout)["persons_keying_stated"]
    assert stated == {"keying": keying, "same_format": [int(x) for x in same.split("/")]}
    ja = run_cli("verify", str(cases / case), env={"LANG": "ja_JP.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""})
    assert f"persons.keying {keying} は findings.json の記載で、証明されていません" in ja.stdout


def test_merge_says_persons_were_combined_under_a_stated_keying(cases):
    proc = run_cli("merge", str(cases / "new"), str(cases / "new2"), "--out", str(cases / "m"))
    assert proc.returncode in (0, 1), proc.stderr
    merged = json.loads((cases / "m" / "findings.json").read_text(encoding="utf-8"))
    assert merged["persons"]["keying"] == KEYING
    assert f"persons combined under persons.keying {KEYING} as the inputs state it" in proc.stderr
    assert run_cli("verify", str(cases / "m")).returncode == 0
