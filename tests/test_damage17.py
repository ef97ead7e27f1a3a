"""damage17: damaged inputs for the readers of session 16 (bench/damage_sweep.py ``--formats s16``) and the damage
leftovers of session 16, each through the CLI: a generated file and its damaged copies.

People are Faker ja_JP with a fixed seed; the dumps are written as the tools write them (mongosh's and the legacy
mongo shell's prints, Python's ``repr`` of a dict, a JSONC file with comments and trailing commas).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from faker import Faker

from tests.conftest import ScanCases, own_lines

SEED = 20261217
N = 30


def _people(n: int = N) -> list[dict[str, object]]:
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    return [{"name": fake.name(), "kana": fake.kana_name(), "address": {"full": fake.address()},
             "tel": fake.phone_number(), "active": i % 3 != 0, "note": None if i % 2 else "it's \"vip\""}
            for i in range(n)]


def _by_name(findings: dict) -> tuple[dict[str, dict], dict[str, dict]]:
    hits = {Path(f["path"]).name: f for f in findings["files"]}
    listed = {Path(s["path"]).name: s for s in findings["skipped"]}
    return hits, listed


CASES = ScanCases("damage17")  # every test's files in one share, scanned once (one scan.py run, not one a test)
_case = CASES.case
scanned = CASES.fixture()


def _mongosh(people: list[dict[str, object]]) -> str:
    """``db.users.find().toArray()`` as mongosh prints it: bare keys, single quotes, ``ObjectId('..')``,
    ``ISODate('..')``, ``Long('..')``."""
    def value(v: object) -> str:
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k}: {value(x)}" for k, x in v.items()) + " }"
        if v is None:
            return "null"
        if isinstance(v, bool):
            return "true" if v else "false"
        return "'" + str(v).replace("\\", "\\\\").replace("'", "\\'") + "'"

    docs = []
    for i, p in enumerate(people):
        fields = [f"    _id: ObjectId('65a1{i:020x}')", *(f"    {k}: {value(v)}" for k, v in p.items()),
                  "    createdAt: ISODate('2024-01-02T03:04:05.000Z')", f"    visits: Long('{i * 7}')"]
        docs.append("  {\n" + ",\n".join(fields) + "\n  }")
    return "[\n" + ",\n".join(docs) + "\n]\n"


def _legacy_mongo(people: list[dict[str, object]]) -> str:
    """``db.users.find().pretty()`` in the legacy mongo shell: one document after another (no array, no comma),
    ``"key" : value``, ``ObjectId("..")``, ``NumberLong(..)``, ``ISODate("..")``."""
    docs = []
    for i, p in enumerate(people):
        body = json.dumps(p, ensure_ascii=False, indent="\t", separators=(",", " : "))[1:-2]
        docs.append(f'{{\n\t"_id" : ObjectId("65a1{i:020x}"),{body},\n\t"visits" : NumberLong({i * 7}),\n'
                    f'\t"createdAt" : ISODate("2024-01-02T03:04:05Z")\n}}')
    return "\n".join(docs) + "\n"


def _jsonc(people: list[dict[str, object]]) -> str:
    """A settings-style export with comments (``//`` and ``/* */``) and trailing commas (VS Code's JSONC)."""
    text = json.dumps({"users": people}, ensure_ascii=False, indent=2)
    text = text.replace('"users": [', '/* exported 2024-07-01 */\n  "users": [ // the member list')
    return "// member export\n" + text.replace("\n    }", ",\n    }").replace("\n  ]", ",\n  ]")


@_case
def _dumps() -> dict[str, bytes]:
    people = _people()
    books = {"users_mongosh.txt": _mongosh(people).encode(), "users_pretty.txt": _legacy_mongo(people).encode(),
             "users_repr.txt": repr({"users": people}).encode(), "users.jsonc": _jsonc(people).encode(),
             "users_comment.json": _jsonc(people).encode()}
    return books


def test_jsonc_mongo_shell_and_python_dumps_are_read_whole(scanned: dict[str, Any]) -> None:
    """A mongosh print, the legacy shell's ``.pretty()`` documents, a Python dict printed (``repr``) and a JSONC
    file: session 16 read none of their people from the mongo/Python prints (listed `corrupt` with 0 records: the
    sweep's seeds) and called the JSONC file damaged (`json-damaged`); each is the whole list, undamaged."""
    findings = own_lines(scanned, "dumps")
    books = scanned["books"]["dumps"]
    hits, listed = _by_name(findings)
    for name in books:
        assert name not in listed, (name, listed.get(name))
        assert hits.get(name, {}).get("pii", {}).get("records") == N, (name, hits.get(name))


@_case
def _damaged_dumps() -> dict[str, bytes]:
    people = _people()
    copies = {}
    for name, text in (("mongosh", _mongosh(people)), ("pretty", _legacy_mongo(people)),
                       ("repr", repr({"users": people}))):
        data = text.encode()
        copies[f"{name}_cut.txt"] = data[:len(data) // 2]
        flipped = bytearray(data)
        at = data.index(b"'" if name != "pretty" else b'"', len(data) // 2)
        flipped[at] ^= 0x40
        copies[f"{name}_flip.txt"] = bytes(flipped)
    return copies


def test_damaged_mongo_shell_and_python_dumps_keep_their_records_and_say_so(scanned: dict[str, Any]) -> None:
    """Cut in the middle, a byte flipped in a value's quote: the records before (and around) the damage are read
    and the file is listed `corrupt` (`json-damaged`), never ok and never nothing."""
    findings = own_lines(scanned, "damaged_dumps")
    copies = scanned["books"]["damaged_dumps"]
    hits, listed = _by_name(findings)
    for name in copies:
        records = hits.get(name, {}).get("pii", {}).get("records", 0)
        assert 0 < records <= N, (name, hits.get(name), listed.get(name))
        assert '"json-damaged"' in json.dumps(listed.get(name, {}).get("detail_codes")), (name, listed.get(name))


@_case
def _dbase_code_page() -> dict[str, bytes]:
    from tests.test_review16e_dbase import _dbase7, _table_in

    tables = {"utf8.dbf": _table_in("utf-8", 0), "cp932.dbf": _table_in("cp932", 0), "plus.dbf": _dbase7()}
    books = {}
    for name, data in tables.items():
        header_len = int.from_bytes(data[8:10], "little")
        damaged = bytearray(data)
        lead = rb"[\xe3-\xe9][\x80-\xbf]{2}" if name == "utf8.dbf" else rb"[\x88-\x9f][\x40-\xfc]"  # a character's
        at = re.compile(lead).search(data, header_len + (len(data) - header_len) // 2).start()  # first byte, in a text
        damaged[at] = 0xFF if name == "utf8.dbf" else 0x85  # no character's (first) byte in that code page
        books[name] = bytes(damaged)
    return books


def test_a_dbase_table_without_a_code_page_keeps_it_past_one_damaged_value(scanned: dict[str, Any]) -> None:
    """A UTF-8 (QGIS) or cp932 table that names no code page, one byte of one value flipped: session 16 wanted every
    value to decode and read the whole table as cp1252 (30 people of mojibake, `ok`: 28 of 30 counted, or none of a
    dBase 7 table). The code page that explains all values but a few is kept and the replaced bytes are said (as a
    text table's are: ``decoding: partial``)."""
    findings = own_lines(scanned, "dbase_code_page")
    books = scanned["books"]["dbase_code_page"]
    hits, listed = _by_name(findings)
    for name in books:
        pii = hits.get(name, {}).get("pii", {})
        assert pii.get("records", 0) >= N - 1 and "bytes replaced" in pii.get("decoding", ""), (name, pii)


@_case
def _dbase_shifted() -> dict[str, bytes]:
    from tests.test_dbase16 import _table, dbf_bytes

    data = dbf_bytes(_table())
    header_len, size = int.from_bytes(data[8:10], "little"), int.from_bytes(data[10:12], "little")
    middle = header_len + size * 12 + 40
    books = {"zeroed.dbf": data[:middle] + bytes(512) + data[middle + 512:],
             "repeated.dbf": data[:middle + 16] + data[middle:middle + 16] + data[middle + 16:]}
    return books


def test_a_dbase_table_with_bytes_zeroed_or_repeated_among_its_records_says_so(scanned: dict[str, Any]) -> None:
    """A 512-byte block zeroed over records, 16 bytes repeated (a bad copy) in the middle: the records after read
    shifted or empty and the table passed `ok` with fewer people (dbf-iii 36 and 37 of 40, dBase 7 27 of 30 in the
    sweep). A record that does not open with a deletion flag (space or ``*``) is damage and is said; after bytes
    added the records are read from where they line up with the table's end again (all but the damaged one)."""
    findings = own_lines(scanned, "dbase_shifted")
    books = scanned["books"]["dbase_shifted"]
    hits, listed = _by_name(findings)
    for name in books:
        assert hits.get(name, {}).get("pii", {}).get("records", 0) >= (N - 1 if name == "repeated.dbf" else 10), name
        assert '"dbf-records-shifted"' in json.dumps(listed.get(name, {}).get("detail_codes")), (name, listed.get(name))


@_case
def _key_case() -> dict[str, bytes]:
    people = _people(40)
    mixed = [{("Tel" if i < 3 else "tel"): p["tel"], "name": p["name"],
              ("Address" if i < 3 else "address"): p["address"]} for i, p in enumerate(people)]
    typo = [{"tel": p["tel"], "name": p["name"], ("adress" if i == 7 else "address"): p["address"]}
            for i, p in enumerate(people)]
    typo[7]["adress"] = typo[7].pop("adress")
    books = {"mixed_case.json": json.dumps(mixed, ensure_ascii=False).encode(),
             "flipped.json": json.dumps(typo, ensure_ascii=False).replace('"adress"', '"addrexs"').encode()}
    return books


def test_keys_differing_only_in_case_are_one_column_and_no_damage(scanned: dict[str, Any]) -> None:
    """An export whose older records say ``Tel``/``Address`` and newer ``tel``/``address`` (an app's versions, a
    hand-merged list): session 16 mended them as a damaged byte and listed the file `corrupt` (`json-key-mended`).
    Real exports hold both spellings: read as one column, not damage. A key one letter off stays mended and said."""
    findings = own_lines(scanned, "key_case")
    hits, listed = _by_name(findings)
    assert "mixed_case.json" not in listed, listed.get("mixed_case.json")
    assert hits["mixed_case.json"]["pii"]["records"] == 40, hits.get("mixed_case.json")
    assert '"json-key-mended"' in json.dumps(listed.get("flipped.json", {}).get("detail_codes")), listed


@_case
def _utf16_script() -> dict[str, bytes]:
    from tests.test_wild15 import sqlserver_script

    data = b"\xff\xfe" + sqlserver_script().encode("utf-16-le")
    middle = data.index("INSERT".encode("utf-16-le"), len(data) // 2) + 101  # inside a row's values
    books = {"stray.sql": data[:middle] + b"\x41" + data[middle:], "lost.sql": data[:middle] + data[middle + 1:],
             "cut.sql": data[:middle]}
    return books


def test_a_utf16_script_with_one_stray_byte_says_so_not_cut(scanned: dict[str, Any]) -> None:
    """An SSMS script (UTF-16, BOM) with one byte added inside a row, and one with a byte lost: the text is read in
    step again after the line (every row but that one read) and the file said out of step there
    (`utf16-realigned`); session 16 said it `sql-dump-cut` (its odd length), which it is not. A script cut at an odd
    byte stays cut."""
    from tests.test_wild15 import ROWS

    findings = own_lines(scanned, "utf16_script")
    hits, listed = _by_name(findings)
    for name in ("stray.sql", "lost.sql"):
        codes = json.dumps(listed.get(name, {}).get("detail_codes"))
        assert '"utf16-realigned"' in codes and '"sql-dump-cut"' not in codes, (name, codes)
        assert hits[name]["pii"]["records"] >= len(ROWS) - 2, hits[name]["pii"]
    assert '"sql-dump-cut"' in json.dumps(listed["cut.sql"]["detail_codes"]), listed["cut.sql"]


def _sylk_people() -> bytes:
    from tests.test_wild16 import _sylk

    rows: list[list[object]] = [["氏名", "フリガナ", "住所", "電話番号"]]
    rows += [[p["name"], p["kana"], p["address"]["full"], p["tel"]] for p in _people(40)]
    return _sylk(rows)


@_case
def _sylk_as_txt() -> dict[str, bytes]:
    data = _sylk_people()
    books = {}
    for i, at in enumerate((0, 3, 5, 12, 13)):
        b = bytearray(data)
        b[at] ^= 0xFF
        books[f"flip{i}.txt" if i % 2 else f"flip{i}.csv"] = bytes(b)
    return books


def test_a_sylk_file_named_txt_with_a_damaged_first_record_is_read_as_sylk(scanned: dict[str, Any]) -> None:
    """A SYLK file saved as .txt (or .csv) whose ``ID;PWXL`` or second record has a flipped byte: its name says no
    SYLK and the sniff wanted both first records whole, so it was read as a semicolon text (a few cells a row, its
    people unread or fewer). Its lines are SYLK cell records all the same: read as SYLK."""
    findings = own_lines(scanned, "sylk_as_txt")
    books = scanned["books"]["sylk_as_txt"]
    hits, listed = _by_name(findings)
    got = {name: hits.get(name, {}).get("pii", {}).get("records") for name in books}
    assert got == dict.fromkeys(books, 40), (got, listed)


@_case
def _sylk_zeroed() -> dict[str, bytes]:
    data = _sylk_people()
    return {"zeroed.slk": data[:191] + bytes(4096) + data[191 + 4096:]}


def test_a_sylk_file_with_a_zeroed_block_says_so(scanned: dict[str, Any]) -> None:
    """A 4 KiB block zeroed after its first records (the sweep's sylk-slk zero4096@191: nothing, no reason): the
    block is said (`nul-block`) with the cells read after it."""
    findings = own_lines(scanned, "sylk_zeroed")
    _hits, listed = _by_name(findings)
    assert '"nul-block"' in json.dumps(listed.get("zeroed.slk", {}).get("detail_codes")), listed.get("zeroed.slk")


@_case
def _mail_cut() -> dict[str, bytes]:
    from email import policy
    from email.header import Header
    from email.mime.text import MIMEText

    from bench.fuzz_campaign import person_rows

    people = person_rows(40, SEED)
    text = ("お世話になっております。\n名簿を貼ります。\n\n" + "\n".join("\t".join(map(str, r)) for r in people)
            + "\n\n以上\n")
    part = MIMEText(text, "plain", "iso-2022-jp")
    part["From"], part["To"] = "insider@example.jp", "outside@example.com"
    part["Subject"] = Header("顧客リストです", "utf-8").encode()
    part["Date"] = "Tue, 03 Nov 2026 09:12:00 +0900"
    whole = part.as_bytes(policy=policy.SMTP)
    body = whole.index(b"\r\n\r\n") + 4
    first_row = body + sum(len(ln) + 2 for ln in whole[body:].split(b"\r\n")[:4])  # after greeting, blank, header
    row_end = whole.index(b"\r\n", first_row)
    tabs = [i for i in range(first_row, row_end) if whole[i] == 9]
    books = {"in_first_cell.eml": whole[:first_row + 8], "in_third_cell.eml": whole[:tabs[1] + 12],
             "in_last_cell.eml": whole[:row_end - 3]}
    return books


def test_a_mail_whose_body_table_is_cut_inside_its_first_row_is_listed(scanned: dict[str, Any]) -> None:
    """A message pasting a person table (ISO-2022-JP, tab-separated) cut inside the table's first row: with the
    header line and part of one row there was no table by the body's rule (three lines sharing a count; fix16a took
    a cut line after two), so a cut in the row's first cell or in its last ended as nothing and one in between read
    a row fragment `ok` (0-1 record, nothing said). Each is now a table body: a row with fewer cells than the header
    is `text-cut-in-row`, a row cut in its last cell gives its person."""
    findings = own_lines(scanned, "mail_cut")
    hits = {Path(f["path"].split(" » ")[0]).name: f for f in findings["files"]}
    listed = {Path(s["path"].split(" » ")[0]).name: json.dumps(s.get("detail_codes")) for s in findings["skipped"]}
    for name in ("in_first_cell.eml", "in_third_cell.eml"):
        assert '"text-cut-in-row"' in listed.get(name, ""), (name, listed.get(name), hits.get(name))
    assert hits.get("in_last_cell.eml", {}).get("pii", {}).get("records") == 1, hits.get("in_last_cell.eml")


def test_json_relatives_keep_numbers_dates_and_dotted_constructors() -> None:
    """The token rewrite keeps what a print holds beside the people: exponent numbers, a trailing comma, a Python
    ``datetime.date(..)`` (its arguments' text) and ``Decimal('..')``, escapes, documents one after another."""
    from scanner.jsontables import _relaxed, _sequence
    from scanner.sheet import Caps, CellBudget

    budget = CellBudget(Caps())
    printed = "{'d': datetime.date(2020, 1, 2), 'x': Decimal('1.5'), 'n': None, 'e': 'it\\'s \\xe9', 'f': 1e5,}"
    assert _sequence((_relaxed(printed, budget) or ("", 0))[0]) == [{"d": "2020,1,2", "x": "1.5", "n": None, "e": "it's é",
                                                           "f": 1e5}]
    shell = '{ _id: ObjectId("65a"), n: NumberLong(12), t: new Date("2020-01-01") } // c\n{ _id: ObjectId("65b") }'
    assert _sequence((_relaxed(shell, budget) or ("", 0))[0]) == [{"_id": "65a", "n": 12, "t": "2020-01-01"}, {"_id": "65b"}]
    assert _relaxed('[{"name": "a", "n": 1e5}]', budget) is None  # plain JSON: nothing rewritten


@_case
def _xls_zeroed() -> dict[str, bytes]:
    seed = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "spreadsheets" / "positive" / \
        "calamine__biff5-rich-text-string.xls"
    if not seed.is_file():
        return {}  # the third-party corpus is not here: its test is skipped
    data = seed.read_bytes()
    return {"zeroed.xls": data[:4665] + bytes(4096) + data[4665 + 4096:], "whole.xls": data}


def test_a_third_party_xls_whose_workbook_stream_opens_zeroed_says_so(scanned: dict[str, Any]) -> None:
    """calamine's biff5-rich-text-string.xls (../shared/corpus, 11 people) with 4 KiB zeroed from byte 4,665 (the
    corpus sweep: the start of its Workbook stream, its BOF record among the zeros): read `ok` with 3 people, nothing
    said, since the zeroed-records check ran only on a stream whose BOF names BIFF5/8. A stream that opens with 16+
    NUL bytes and has records up to an EOF after them is zeroed (`nul-block`)."""
    if not scanned["books"]["xls_zeroed"]:
        pytest.skip("the third-party corpus is not here")
    findings = own_lines(scanned, "xls_zeroed")
    hits, listed = _by_name(findings)
    assert "whole.xls" not in listed and hits["whole.xls"]["pii"]["records"] == 11, hits.get("whole.xls")
    assert '"nul-block"' in json.dumps(listed.get("zeroed.xls", {}).get("detail_codes")), listed.get("zeroed.xls")


@_case
def _json_zeroed() -> dict[str, bytes]:
    people = _people()
    text = _mongosh(people)
    data = text.encode()
    middle = data.index(b"name: '", len(data) // 2) + 6
    books = {"zeroed.txt": data[:1108] + bytes(4096) + data[1108 + 4096:],
             "bare.txt": data[:middle] + b"x" + data[middle + 1:]}  # its opening quote flipped: a bare word
    return books


def test_a_json_relative_with_a_zeroed_block_or_a_bare_word_is_listed(scanned: dict[str, Any]) -> None:
    """The rewrite is lenient (a bare word becomes a string): a print whose damage leaves bare words as values, or a
    block zeroed inside it (the decoder drops NULs; the sweep: 22 of 40 people, `ok`), must still be listed."""
    findings = own_lines(scanned, "json_zeroed")
    hits, listed = _by_name(findings)
    assert '"nul-block"' in json.dumps(listed.get("zeroed.txt", {}).get("detail_codes")), listed.get("zeroed.txt")
    assert '"json-damaged"' in json.dumps(listed.get("bare.txt", {}).get("detail_codes")), (listed, hits.get("bare.txt"))
