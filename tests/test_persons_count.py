"""Counting persons and record overlap on the generated scenario, in memory (no spreadsheet reader)."""

from __future__ import annotations

import os
import stat

import persons_data as pd
import pytest

from scanner.config import ScanConfig
from scanner.contracts import ScanResult
from scanner.models import Digests, FileHit, FileStat, Location, PersonRecord
from scanner.output import prepare_out
from scanner.persons.analysis import analyse
from scanner.persons.count import count, make_rows
from scanner.persons.keys import CASE_KEY, case_key, fingerprint
from scanner.persons.prints import file_prints


@pytest.fixture(scope="module")
def scenario() -> pd.Scenario:
    return pd.build()


def records(rows: list[pd.Row]) -> list[PersonRecord]:
    return [PersonRecord("名簿", i + 3, {"name": r.name, "reading": r.reading, "postcode": r.postcode,
                                        "address": r.address}) for i, r in enumerate(rows)]


def test_scenario_exercises_every_rule_at_least_twice(scenario):
    truth = pd.expected(scenario)
    assert set(truth["merges"]) == set(pd.RULE_NAMES)
    assert all(n >= 2 for n in truth["merges"].values())
    assert truth["probable_total"] >= 4
    versions = {f.relpath for f in scenario.files for r in f.rows if r.rule}
    assert len(versions) >= 2


def test_counts_match_the_truth(scenario):
    truth = pd.expected(scenario)
    rows, nameless = [], 0
    for i, f in enumerate(scenario.files):
        if f.role in ("leak", "copy", "reference"):
            got, n = make_rows(i, records(f.rows))
            rows += got
            nameless += n
    c = count(rows, nameless)
    assert (c.records, c.unique_exact, c.unique) == (truth["records"], truth["unique_exact"], truth["unique"])
    assert c.merges == truth["merges"]
    assert sum(c.merges.values()) == c.unique_exact - c.unique
    assert c.probable_total == truth["probable_total"]
    assert {p["rule"] for p in c.probable} == {"kanji_probable", "one_block_number"}
    assert c.review_total == c.unique_exact - c.unique  # one review pair per merged spelling


def test_review_pairs_are_masked_by_default(scenario):
    rows, _n = make_rows(0, records([pd._base(p) for p in scenario.people[:12]] +
                                    [pd._variant(p, "variant_kanji") for p in scenario.people[:12]]))
    masked = count(rows).review
    unmasked = count(rows, unmask=True)
    clear = unmasked.review_clear
    assert masked and len(masked) == len(clear)
    assert unmasked.review == masked  # the masked list is always there (findings.json keeps only it)
    assert "review_clear" not in count(rows).to_json()
    full_names = {p.name() for p in scenario.people[:12]} | {p.name(sei=p.variant_sei) for p in scenario.people[:12]}
    assert not any(r[s]["name"] in full_names for r in masked for s in "ab")
    assert all(r[s]["name"] in full_names for r in clear for s in "ab")


def test_records_without_name_are_not_persons():
    rows, nameless = make_rows(0, [PersonRecord("s", 2, {"name": " ", "address": "東京都小金井市本町1-2"}),
                                   PersonRecord("s", 3, {"name": "山田 太郎", "address": "東京都小金井市本町1-2"})])
    c = count(rows, nameless)
    assert (c.records, c.without_name, c.unique) == (2, 1, 1)


def test_case_key_is_private_and_reused(tmp_path):
    key = case_key(tmp_path)
    assert stat.S_IMODE(os.stat(tmp_path / CASE_KEY).st_mode) == 0o600
    assert case_key(tmp_path) == key and len(key) == 32
    a = fingerprint(key, "山田太郎", "東京都小金井市本町3-12-5")
    assert a == fingerprint(case_key(tmp_path), "山田太郎", "東京都小金井市本町3-12-5")
    assert a != fingerprint(b"x" * 32, "山田太郎", "東京都小金井市本町3-12-5")
    assert "山田" not in a


def _hit(path: str, reasons: list[str]) -> FileHit:
    return FileHit(Location("/share", path), FileStat(1), Digests("m", "s", path, 1), "xlsx", list(reasons))


def _prints(recs: list[PersonRecord], hit: FileHit, config: ScanConfig):
    """What a scan's worker hands over for a file: keyed fingerprints under the case key."""
    return file_prints(recs, case_key(prepare_out(config.out)), rows=hit.reasons != ["pii"])


def test_analysis_flags_derived_files_exactly(scenario, tmp_path):
    """Through result.prints, as the pipeline fills it: leak set by reason, overlap by fingerprints."""
    truth = pd.expected(scenario, min_overlap=10)
    config = ScanConfig(sources=["/share"], out=tmp_path / "out", min_overlap=10)
    result = ScanResult(config=config, started="")
    role_reasons = {"leak": ["name", "pii"], "copy": ["known-hash", "pii"], "derived": ["pii"], "unrelated": ["pii"]}
    for f in scenario.files:
        if f.role == "reference":
            continue  # needs the spreadsheet reader: covered by the CLI test
        result.hits.append(_hit(f.relpath, role_reasons[f.role]))
        result.prints[len(result.hits) - 1] = _prints(records(f.rows), result.hits[-1], config)
    analyse(result, [])
    persons = result.extra["persons"]
    leak_rows = [r for f in scenario.files if f.role in ("leak", "copy") for r in f.rows]
    assert persons["records"] == len(leak_rows)
    assert persons["unique_exact"] == len({(r.name, r.address) for r in leak_rows})
    for hit, f in zip(result.hits, [f for f in scenario.files if f.role != "reference"], strict=True):
        want = truth["overlap"].get(f.relpath)
        if want and want["flagged"]:
            assert "record-overlap" in hit.reasons
            assert hit.overlap["records"] == want["records"]
            assert hit.overlap["share_of_file"] == round(want["records"] / want["persons"], 4)
        else:
            assert "record-overlap" not in hit.reasons and hit.overlap is None
    matrix = result.extra["overlap"]["matrix"]
    assert all(matrix[i][j] == matrix[j][i] for i in range(len(matrix)) for j in range(len(matrix)))
    assert (tmp_path / "out" / CASE_KEY).is_file()


def test_min_overlap_threshold(scenario, tmp_path):
    truth = pd.expected(scenario)
    derived = next(f for f in scenario.files if f.role == "derived")
    shared = truth["overlap"][derived.relpath]["records"]
    for threshold, flagged in ((shared, True), (shared + 1, False)):
        config = ScanConfig(sources=["/share"], out=tmp_path / str(threshold), min_overlap=threshold)
        result = ScanResult(config=config, started="")
        result.hits += [_hit("leak.xlsx", ["name"]), _hit("derived.csv", ["pii"])]
        result.prints = {0: _prints(records(scenario.files[0].rows), result.hits[0], config),
                         1: _prints(records(derived.rows), result.hits[1], config)}
        analyse(result, [])
        assert ("record-overlap" in result.hits[1].reasons) is flagged


def test_fingerprint_is_plain_hmac_sha256():
    """Documented format, so another tool holding case.key can recompute it."""
    import hashlib
    import hmac

    key = bytes(range(32))
    assert fingerprint(key, "山田太郎", "東京都小金井市本町3-12-5") == hmac.new(
        key, "山田太郎\x1f東京都小金井市本町3-12-5".encode(), hashlib.sha256).hexdigest()
