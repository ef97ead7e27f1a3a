"""Rooms, wings and building numbers in the person count, through the CLI (Session 11).

Each case is a roster of Faker ja_JP persons (fixed seed) with a few planted rows: the same name in rooms or wings
of one building, a building whose name ends in digits (メゾン2000), and scans merged with ``leakscan merge``. The
count must be what one scan of every row gives (tests/test_persons_retyped.py holds the Session 10 room cases).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import run_cli
from faker import Faker

from scanner.persons.normalise import room_path

BASE = "東京都小金井市本町3-12-5"
NAME = "山田 花子"


def _fillers(seed: int, n: int = 12) -> list[tuple[str, str]]:
    """Other persons of the roster: Faker ja_JP names and addresses (a fixed seed), each once."""
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    out: dict[str, str] = {}
    while len(out) < n:
        out.setdefault(fake.name(), fake.address())
    return list(out.items())


def _roster(path: Path, planted: list[tuple[str, str]], seed: int = 11, n: int = 12) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = _fillers(seed, n) + planted
    path.write_text("氏名,住所\n" + "".join(f"{name},{addr}\n" for name, addr in rows), encoding="utf-8")


def _scan(tmp_path: Path, out: str, sources: list[str], key: bytes, *extra: str) -> dict:
    folder = tmp_path / out
    folder.mkdir(mode=0o700)
    (folder / "case.key").write_bytes(key)
    os.chmod(folder / "case.key", 0o600)
    proc = run_cli("scan", *(str(tmp_path / s) for s in sources), "--name", "名簿.csv", "--out", str(folder),
                   "--quiet", *extra)
    assert proc.returncode == 1, proc.stderr
    return json.loads((folder / "findings.json").read_text(encoding="utf-8"))


def _merge(tmp_path: Path, out: str, *inputs: str) -> dict:
    proc = run_cli("merge", *(str(tmp_path / i) for i in inputs), "--out", str(tmp_path / out), "--quiet")
    assert proc.returncode in (0, 1), proc.stderr
    assert run_cli("verify", str(tmp_path / out)).returncode == 0
    return json.loads((tmp_path / out / "findings.json").read_text(encoding="utf-8"))


def _key() -> bytes:
    return os.urandom(32).hex().encode() + b"\n"


# ---------------------------------------------------------------- 1. merge = one scan of both
MERGE_CASES = {
    # A: room 205 and a copy without the room (joined to 205 there); C: room 305. One scan: the copy stays apart.
    "山田 花子": ([f"{BASE} コーポ山田205号室", BASE], [f"{BASE} コーポ山田305号室"], 3),
    # A: 205 + a copy without the room; C: the copy without the room only. One scan: one person.
    "佐藤 恵子": ([f"{BASE} コーポ山田205号室", BASE], [BASE], 1),
    # A: A棟101 and a copy without the wing (joined); C: B棟101. One scan: A101, B101 and the 101 copy apart.
    "鈴木 陽子": ([f"{BASE} コーポ山田A棟101", f"{BASE} コーポ山田101号室"], [f"{BASE} コーポ山田B棟101号室"], 3),
    # A: 205; C: 305 and a copy without the room (joined to 305 there). One scan: three.
    "高橋 直美": ([f"{BASE} コーポ山田205号室"], [f"{BASE} コーポ山田305号室", BASE], 3),
}


@pytest.fixture(scope="module")
def two_scans(tmp_path_factory) -> Path:
    """Scans A and C (one case key), one scan of both, and ``leakscan merge`` of A and C."""
    root = tmp_path_factory.mktemp("rooms11")
    _roster(root / "a" / "名簿.csv", [(name, x) for name, (a, _c, _n) in MERGE_CASES.items() for x in a], seed=11)
    _roster(root / "c" / "名簿.csv", [(name, x) for name, (_a, c, _n) in MERGE_CASES.items() for x in c], seed=12)
    key = _key()
    for out, sources in (("oa", ["a"]), ("oc", ["c"]), ("both", ["a", "c"])):
        _scan(root, out, sources, key)
    _merge(root, "m", "oa", "oc")
    return root


def _persons(folder: Path) -> dict:
    return json.loads((folder / "findings.json").read_text(encoding="utf-8"))["persons"]


def test_merging_two_scans_counts_rooms_as_one_scan_of_both(two_scans):
    """Rooms (and wings) resolved differently in two scans: merge gives what one scan of both gives, fingerprints
    included (Session 10 kept each scan's resolution: 山田 9 persons against 8, 佐藤 2 against 1 …)."""
    both, merged = _persons(two_scans / "both"), _persons(two_scans / "m")
    assert both["unique"] == 24 + sum(n for _a, _c, n in MERGE_CASES.values())
    for field in ("unique", "unique_exact", "merges", "records", "review_total"):
        assert merged[field] == both[field], field
    assert merged["fingerprints"] == both["fingerprints"]
    assert merged["chains"] == both["chains"]


def test_a_case_without_room_stages_merges_as_before_with_a_note(two_scans, tmp_path):
    """A findings.json written before Session 11 (chains end with each record's person, no room_stages, no joined)
    still merges: rooms as each scan resolved them, and the merge says so."""
    import shutil

    from scanner.evidence import check_persons

    shutil.copytree(two_scans / "oa", tmp_path / "oa")
    shutil.copytree(two_scans / "oc", tmp_path / "oc")
    old = _as_session10(tmp_path / "oa")
    check_persons(old, "persons")  # the old form still reads and its figures check out
    proc = run_cli("merge", str(tmp_path / "oa"), str(tmp_path / "oc"), "--out", str(tmp_path / "m"), "--quiet")
    assert proc.returncode in (0, 1), proc.stderr
    merged = json.loads((tmp_path / "m" / "findings.json").read_text(encoding="utf-8"))
    p = merged["persons"]
    assert "room_stages" not in p
    assert "rooms as each input told them apart" in merged["merge"]["persons"]
    assert p["unique"] == len(set(old["fingerprints"]) | set(_persons(tmp_path / "oc")["fingerprints"]))
    assert p["unique"] != _persons(two_scans / "both")["unique"]  # as before: not what one scan of both gives
    check_persons(p, "persons")


def _as_session10(out: Path) -> dict:
    """Rewrite a case's persons the way Session 10 wrote them (and its manifest, so verify reads it)."""
    from scanner.evidence import chain_figures

    path = out / "findings.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    p = doc["persons"]
    rules = len(p["rules"])
    _distinct, person = chain_figures(p["chains"], rules, len(p["room_stages"]))
    p["chains"] = sorted(",".join(c.split(",")[:rules] + [person[c] if person[c] != _last(c, rules) else ""])
                         for c in p["chains"])
    del p["room_stages"]
    p.pop("joined", None)
    p.pop("keying_id", None)  # written from keying 15 on over chains with room stages
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    _remanifest(out)
    return p


def _last(chain: str, rules: int) -> str:
    current = ""
    for part in chain.split(",")[:rules]:
        current = part or current
    return current


def _remanifest(out: Path) -> None:
    from scanner.output import write_manifest

    write_manifest(out)


# ---------------------------------------------------------------- 2. wings
@pytest.mark.parametrize(("a", "b", "persons"), [
    ("コーポ山田A棟101", "コーポ山田B棟101", 2),
    ("コーポ山田 1号棟 101号室", "コーポ山田 2号棟 101号室", 2),
    ("グランハイツ東館205", "グランハイツ西館205", 2),
    ("一番館205号室", "二番館205号室", 2),
    ("コーポ山田A棟101号室", "コーポ山田A-101", 1),
    ("コーポ山田Ａ棟　１０１号", "コーポ山田 A棟101号室", 1),
    ("コーポ山田A棟101", "コーポ山田101号室", 1),  # the wing left out, one wing holds the room: one person
    ("2号棟205", "第2号棟205号室", 1),
    # review11e: a wing numbered in Roman numerals (NFKC: Ⅱ -> II) was no wing, so Ⅱ棟101 joined the only wing
    # holding 101 (Ⅰ棟 -> I): two persons counted as one; a letter wing after a name ending in digits (メゾン2000
    # A-201) was no wing either (the letter's look-behind kept 3F301 a floor), so A-201 and B-201 were one person
    ("サンハイツⅠ棟101", "サンハイツⅡ棟101", 2),
    ("サンハイツⅡ棟101", "サンハイツⅢ棟101号室", 2),
    ("サンハイツⅡ棟101", "サンハイツ2号棟101", 1),
    ("メゾン2000 A-201", "メゾン2000 B-201", 2),
    ("メゾン2000 A-201", "メゾン2000A棟201号室", 1),
])
def test_wings_are_part_of_the_building(tmp_path, a, b, persons):
    _roster(tmp_path / "s" / "名簿.csv", [(NAME, f"{BASE} {a}"), (NAME, f"{BASE} {b}")])
    p = _scan(tmp_path, "o", ["s"], _key())["persons"]
    assert p["unique"] == 12 + persons


def test_a_room_without_its_wing_where_two_wings_hold_it_is_kept_apart(tmp_path):
    _roster(tmp_path / "s" / "名簿.csv", [(NAME, f"{BASE} コーポ山田A棟101"), (NAME, f"{BASE} コーポ山田B棟101"),
                                         (NAME, f"{BASE} コーポ山田101号室")])
    p = _scan(tmp_path, "o", ["s"], _key())["persons"]
    assert p["unique"] == 12 + 3
    assert "other_room" in {x["rule"] for x in p["probable"]}


@pytest.mark.parametrize(("building", "path"), [
    ("コーポ山田A棟101", "101\x1fA"), ("コーポ山田 B-205", "205\x1fB"), ("B205", "205\x1fB?"),  # persons17: basement or wing B
    ("1号棟205号室", "205\x1f1"), ("東館101", "101\x1f東"), ("1館205号室", "205\x1f1"),
    ("コーポ山田205号室", "205"), ("3F 301", "301"), ("3F301", "301"), ("2F-301", "301"), ("II棟101", "101\x1f2"),
    ("メゾン2000A-201", "201\x1fA\x1f2000"), ("IV号棟101号室", "101\x1f4"), ("B1F 101", "101\x1fB1"), ("A棟", ""), ("コーポ山田A棟", ""),
])
def test_room_path(building, path):
    assert room_path(building) == path


@pytest.mark.parametrize("building", ["コーポ٣٠٥", "٣棟305号室", "コーポ３０５", "३०५号室", "A棟"])
def test_room_path_is_total(building):
    """Digits of other scripts (NFKC keeps Arabic-Indic ٣٠٥) matched the room patterns and raised KeyError in
    the kanji-numeral reader: the worker's records of that file were lost. Now they name no room (or the room)."""
    from scanner.persons.normalise import staged_keys_and_room

    assert isinstance(room_path(building), str)
    assert isinstance(staged_keys_and_room(NAME, f"{BASE} {building}")[1], str)


# ---------------------------------------------------------------- 3. a number in the building's name
@pytest.mark.parametrize(("a", "b", "persons"), [
    ("メゾン2000", "メゾン2000 305号室", 1),
    ("メゾン2000 305号室", "メゾン2000 405号室", 2),
    ("メゾン2000-305", "メゾン2000 305号室", 1),
    ("サンハイツ1000", "サンハイツ1000 201", 1),
    ("パレス12345", "パレス12345 101号室", 1),
])
def test_a_number_in_the_building_name_is_no_room(tmp_path, a, b, persons):
    _roster(tmp_path / "s" / "名簿.csv", [(NAME, f"{BASE} {a}"), (NAME, f"{BASE} {b}")])
    p = _scan(tmp_path, "o", ["s"], _key())["persons"]
    assert p["unique"] == 12 + persons


@pytest.mark.parametrize(("building", "path"), [
    # Session 12: the building's number is its wing when no wing is named (メゾン2000 vs メゾン2001 at one block)
    ("メゾン2000", ""), ("メゾン2000 305号室", "305\x1f2000"), ("メゾン2000-305", "305\x1f2000"), ("パレス12345", ""),
    ("コーポ山田205", "205"), ("ハイツ1203", "1203"),
])
def test_room_path_of_a_numbered_building(building, path):
    assert room_path(building) == path


# ---------------------------------------------------------------- 4. the overlap matrix
@pytest.mark.parametrize(("leaked", "other"), [
    ("コーポ山田205号室", "コーポ山田305号室"),
    ("サンハイツⅠ棟101", "サンハイツⅡ棟101"),  # review11e: Ⅱ棟 read no wing joined Ⅰ棟: 13 shared
    ("メゾン2000 A-201", "メゾン2000 B-201"),  # review11e: a letter after digits read no wing: 13 shared
])
def test_the_overlap_matrix_tells_rooms_apart_as_the_count_does(tmp_path, leaked, other):
    """The leaked list holds 山田 花子 in room 205; another list on the share holds a 山田 花子 in room 305 (another
    person, the count says) and the same fillers: the files share the fillers, not her. A copy without the room
    (the only room: her) is shared. The same with wings."""
    fillers = 12
    _roster(tmp_path / "s" / "名簿.csv", [(NAME, f"{BASE} {leaked}")], n=fillers)
    _roster(tmp_path / "s" / "顧客一覧.csv", [(NAME, f"{BASE} {other}")], n=fillers)
    _roster(tmp_path / "s" / "宛名.csv", [(NAME, BASE)], n=fillers)
    doc = _scan(tmp_path, "o", ["s"], _key())
    o = doc["overlap"]
    ids = [f["id"] for f in o["files"]]
    paths = {f["id"]: Path(f["path"]).name for f in o["files"]}
    by_name = {paths[i]: k for k, i in enumerate(ids)}
    m = o["matrix"]
    assert m[by_name["名簿.csv"]][by_name["顧客一覧.csv"]] == fillers
    assert m[by_name["名簿.csv"]][by_name["宛名.csv"]] == fillers + 1
    assert o["files"][by_name["顧客一覧.csv"]]["persons"] == fillers + 1


def test_the_export_lists_wings_as_the_scan_counted_them(tmp_path):
    """``persons --export`` reads the files again and keys wings the same way: every person the scan counted is on
    the list (exit 0, not INCOMPLETE), the wingless copy once, marked to check."""
    import openpyxl

    _roster(tmp_path / "s" / "名簿.csv", [(NAME, f"{BASE} コーポ山田A棟101"), (NAME, f"{BASE} コーポ山田B-101"),
                                         (NAME, f"{BASE} コーポ山田101号室")])
    p = _scan(tmp_path, "o", ["s"], _key())["persons"]
    proc = run_cli("persons", str(tmp_path / "o"), "--sources", str(tmp_path / "s"), "--export", str(tmp_path / "l.xlsx"))
    assert proc.returncode == 0, proc.stderr
    ws = openpyxl.load_workbook(tmp_path / "l.xlsx").worksheets[0]
    assert ws.max_row - 1 == p["unique"] == 12 + 3


# ---------------------------------------------------------------- review11e: stored keys against the chains
def _no_persons_fingerprint(p: dict) -> None:
    p["fingerprints"] = sorted([*p["fingerprints"][1:], "cd" * 32])  # as many, one of them no person's


def _joined_of_no_record(p: dict) -> None:
    p["joined"] = sorted([*p["joined"], "ab" * 32])


def _wing_changed(p: dict) -> None:
    """One record's wing part replaced: the count stays, its person's fingerprint names no person of the chains (the
    wing is the second of the room stages: room, wing, building number, then the links of keying 16)."""
    wing = len(p["rules"]) + 2  # the key after trimming and after each rule, the room, then the wing
    i = next(i for i, c in enumerate(p["chains"]) if c.split(",")[wing])
    parts = p["chains"][i].split(",")
    parts[wing] = "0123456789abcdef"
    p["chains"][i] = ",".join(parts)
    p["chains"].sort()


def _joined_emptied(p: dict) -> None:
    p["joined"] = []


def _joined_removed(p: dict) -> None:
    del p["joined"]


@pytest.mark.parametrize("edit", [_no_persons_fingerprint, _joined_of_no_record, _wing_changed, _joined_emptied,
                                  _joined_removed])
def test_a_case_whose_stored_keys_do_not_match_its_chains_is_refused(tmp_path, edit):
    """review11e: verify checked the person count against the chains, not which persons: a fingerprint that is no
    person of the chains, a joined key of no record, a wing part changed all passed verify (report remade) and
    went into a merge; ``joined`` emptied or removed by hand was merged as each scan resolved it. The persons'
    fingerprints are exactly the persons the chains give, joined exactly the keys of records that joined a person
    below them (a scan and a merge with room stages always write it)."""
    _roster(tmp_path / "s" / "名簿.csv", [(NAME, f"{BASE} コーポ山田A棟101"), (NAME, f"{BASE} コーポ山田101号室")])
    doc = _scan(tmp_path, "o", ["s"], _key())
    assert doc["persons"]["joined"] and run_cli("verify", str(tmp_path / "o")).returncode == 0
    edit(doc["persons"])
    (tmp_path / "o" / "findings.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    _remanifest(tmp_path / "o")
    verify = run_cli("verify", str(tmp_path / "o"))
    assert verify.returncode == 1 and "findings.json.persons" in verify.stdout, verify.stdout
    merge = run_cli("merge", str(tmp_path / "o"), str(tmp_path / "o"), "--out", str(tmp_path / "m"), "--quiet")
    assert merge.returncode == 2 and "findings.json.persons" in merge.stderr, merge.stderr
    assert not (tmp_path / "m").exists()


def test_a_session10_scan_merged_with_a_session11_scan_of_the_same_rows(tmp_path):
    """review11e: a Session 10 scan keys 山田 in A棟101 as room 101, a Session 11 scan as room 101 of wing A. Merged,
    each such record was two persons (the union of both inputs' persons): 20 residents of wing A gave 40 persons,
    more than the 20 records, and the merged findings.json was refused by its own verify (review_total < 0). One
    chain a record, as one scan writes them: the merge counts the 20."""
    from persons_data import key_and_room as record_key_and_room

    from scanner.persons.keys import scan_key
    from scanner.persons.prints import Keyed

    fake = Faker("ja_JP")
    fake.seed_instance(5)
    names = list(dict.fromkeys(fake.name() for _ in range(40)))[:20]
    planted = [(name, f"{BASE} コーポ山田A棟{101 + i}号室") for i, name in enumerate(names)]
    _roster(tmp_path / "s" / "名簿.csv", planted, n=5)
    key = _key()
    new = _scan(tmp_path, "new", ["s"], key)["persons"]
    shutil.copytree(tmp_path / "new", tmp_path / "old")
    old = _as_session10(tmp_path / "old")
    keyed = Keyed(scan_key(tmp_path / "old"))
    session10 = {}  # a planted record's first chain part -> its Session 10 person (the room without the wing)
    for name, address in planted:
        (name_key, address_key), room = record_key_and_room(name, address)
        session10[keyed(name.strip(), address.strip())[:8].hex()] = keyed(
            name_key, f"{address_key}\x1f{room.partition(chr(0x1f))[0]}").hex()
    wing_persons = set()
    for i, chain in enumerate(old["chains"]):
        parts = chain.split(",")
        if parts[0] in session10:
            wing_persons.add(parts[-1])
            old["chains"][i] = ",".join([*parts[:-1], session10[parts[0]][:16]])
    assert len(wing_persons) == 20
    old["chains"].sort()
    old["fingerprints"] = sorted([f for f in old["fingerprints"] if f[:16] not in wing_persons] + list(session10.values()))
    doc = json.loads((tmp_path / "old" / "findings.json").read_text(encoding="utf-8"))
    doc["persons"] = old
    (tmp_path / "old" / "findings.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    _remanifest(tmp_path / "old")
    merged = _merge(tmp_path, "m", "old", "new")["persons"]
    assert merged["unique"] == new["unique"] == 25 and merged["review_total"] == 0
