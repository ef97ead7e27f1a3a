"""Real export layouts of Japanese offices, municipalities and companies, end to end through the CLI (session 10).

Layouts and their sources: tests/jp_exports10_data.py (宛名職人's 61 columns, 筆ぐるめ's import list, Word 差し込み印刷,
an Excel 住所録 template with merged title / 〒 / 電話番号 cells, a 介護ソフト 利用者一覧 with half-width ﾌﾘｶﾞﾅ and 和暦, a
住民記録 extract as UTF-16LE "Unicode テキスト", a 選挙人名簿抄本, a 会員名簿 with 〒上3桁 | 〒下4桁 and five address
columns, Eight's 名刺 export; negatives from 自治体標準オープンデータセット: AED, 避難場所, 医療機関, 介護サービス事業所 in
UTF-16LE, and a chain's 店舗一覧 with its managers; a POS 会員 export, a 自治会 roster and a care home's 入居者台帳). All files are scanned once as leaked files; each must be a person
table with its record count, and ``persons --export`` must list exactly its persons with whole addresses (the key the
person count uses is built from that address) and their postal codes.

Found wrong before (main 2146064): a postal code in two cells was lost whenever the two headers were not numbered
1 | 2: ``〒上3桁 | 〒下4桁`` (the digit counts read as piece numbers 3 and 4), ``郵便番号`` merged over two cells
(the second headerless) and ``郵便番号 | 郵便番号``; likewise ``電話番号`` merged over three cells. A POS member export's
``会員名（姓） | 会員名（名）`` were both read as the whole name (the given name lost, every 佐藤 of the list one person), and
a split address's ``町村字`` column was no address word (the town cut out of every address). Any name word qualified by
its part (``入居者名（姓） | 入居者名（名）``, ``お名前（セイ）``) was the whole name, and a care home's ``部屋番号`` left of the
name was glued in front of the 住民票住所 (``201熊本県…``).
"""

from __future__ import annotations

import pytest
from conftest import run_leakscan

from tests import jp_exports10_data as D

PERSONS = {L.filename: L for L in (f() for f in D.PERSON_LAYOUTS)}
PLACES = {L.filename: L for L in (f() for f in D.PLACE_LAYOUTS)}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    root = tmp_path_factory.mktemp("exports10")
    files, export, doc = D.scan_and_export(root, {L.filename: L.data for L in (*PERSONS.values(), *PLACES.values())})
    counts = run_leakscan("persons", str(root / "out"))
    assert counts.returncode == 0, counts.stderr
    return files, export, counts.stderr, doc["persons"]


@pytest.mark.parametrize("filename", sorted(PERSONS))
def test_a_real_export_is_a_person_table_with_every_record(scanned, filename):
    files, _, _, _ = scanned
    L = PERSONS[filename]
    hit = files[filename]
    assert hit["status"] == "ok" and "pii" in hit["reasons"], (filename, hit["status"], hit["reasons"])
    sheets = hit["pii"]["sheets"]
    assert [s["kind"] for s in sheets] == [L.kind], filename
    assert sheets[0]["records"] == L.records, filename
    assert sum(sheets[0]["roles"].values()) == len(L.persons), filename


@pytest.mark.parametrize("filename", sorted(PERSONS))
def test_the_notification_list_has_every_person_with_the_whole_address(scanned, filename):
    D.assert_every_person_with_the_whole_address(scanned[1], PERSONS[filename])


def test_the_person_count_is_the_sum_of_the_lists(scanned):
    _, _, printed, persons = scanned
    total = sum(len(L.persons) for L in PERSONS.values())
    assert (persons["records"], persons["unique"]) == (total, total)
    assert printed.splitlines()[2].split() == ["persons:", str(total)], printed


def test_a_postal_code_and_phone_merged_over_cells_are_whole(scanned):
    files, _, _, _ = scanned
    sheet = files["住所録_テンプレート.xlsx"]["pii"]["sheets"][0]
    assert {"postcode", "phone", "reading", "birth"} <= set(sheet["fields"]), sheet["fields"]
    assert "postcode" in files["会員名簿.csv"]["pii"]["sheets"][0]["fields"]


@pytest.mark.parametrize("filename", sorted(PLACES))
def test_published_lists_of_places_are_no_persons(scanned, filename):
    files, export, _, _ = scanned
    hit = files[filename]
    assert hit["status"] == "ok", (filename, hit["status"])
    assert "pii" not in hit["reasons"] and not (hit.get("pii") or {}).get("sheets"), (filename, hit.get("pii"))
    assert filename not in export
