"""review17g: the session-17 damage fixes (damage17) tried on real layouts: JSON values one after another without
a constructor (jq's and the legacy mongo shell's prints), plain JSON Lines and cut JSON kept off the lenient
rewrite, dBase code page guesses and record flags on real writers' layouts.

People are Faker ja_JP with a fixed seed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from faker import Faker

from scanner import jsontables
from scanner.sheet import Caps
from tests.test_wild13 import _scan

SEED = 2026121717


def _people(n: int) -> list[dict[str, object]]:
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    return [{"name": fake.name(), "tel": fake.phone_number(), "address": fake.address()} for _ in range(n)]


def _read(data: bytes) -> list[tuple[int, list[str]]]:
    out = []
    for sheet in jsontables.iter_json(data, Caps()):
        rows = list(sheet.rows)
        out.append((len(rows) - 1, list(sheet.damage)))
    return out


def test_json_documents_one_after_another_without_a_constructor_are_read_whole(tmp_path: Path) -> None:
    """``jq '.[]' users.json`` and the legacy shell's ``find({}, {_id: 0}).pretty()`` print documents one after
    another, each valid JSON: damage17 read only those with an ``ObjectId(..)`` whole; these were listed `corrupt`
    (json-damaged) with every record read."""
    people = _people(20)
    jq = "\n".join(json.dumps(p, ensure_ascii=False, indent=2) for p in people) + "\n"
    shell = "\n".join(json.dumps(p, ensure_ascii=False, indent="\t", separators=(",", " : ")) for p in people) + "\n"
    books = {"users_jq.json": jq.encode(), "users_pretty.txt": shell.encode()}
    findings = _scan(tmp_path, books)
    hits = {Path(f["path"]).name: f for f in findings["files"]}
    listed = {Path(s["path"]).name: s for s in findings["skipped"]}
    for name in books:
        assert name not in listed, (name, listed.get(name))
        assert hits[name]["pii"]["records"] == 20, (name, hits.get(name))


def test_plain_json_lines_and_a_cut_json_are_not_rewritten(monkeypatch: pytest.MonkeyPatch) -> None:
    """A JSON Lines log and a cut minified JSON are plain JSON: read as before without the lenient rewrite (which
    made a valid 50 MB JSON Lines log 4x slower, bench/README.md); a JSONC file still goes through it."""
    calls: list[int] = []
    real = jsontables._relaxed

    def counted(text: str, budget: object) -> object:
        calls.append(len(text))
        return real(text, budget)  # type: ignore[arg-type]

    monkeypatch.setattr(jsontables, "_relaxed", counted)
    people = _people(30)
    lines = "".join(json.dumps(p | {"score": float("nan"), "url": "http://x/*y*/"}, ensure_ascii=False) + "\n"
                    for p in people).encode()
    assert _read(lines) == [(30, [])]
    cut = json.dumps(people, ensure_ascii=False, separators=(",", ":")).encode()[:-40]
    ((n, damage),) = _read(cut)
    assert 25 <= n < 30 and damage and "damaged" in damage[0], (n, damage)
    assert _read(lines[:-10]) and not calls  # a log cut in its last line: JSON Lines, damaged, never rewritten
    jsonc = ("// users\n" + json.dumps(people, ensure_ascii=False, indent=2).replace("\n  }", ",\n  }")).encode()
    assert _read(jsonc) == [(30, [])] and calls


def test_a_python_print_with_tuples_and_wrapped_long_values_is_read_whole(tmp_path: Path) -> None:
    """``pprint.pprint(users)`` wraps a value longer than its width into adjacent string literals, and a tuple prints
    in parentheses (``repr`` too): damage17's rewrite kept both, so every record failed (0 of 20, `json-damaged`)."""
    import pprint

    people = [p | {"address": f"{p['address']} {p['address']}", "tags": ("vip", "dm")} for p in _people(20)]
    books = {"users_pprint.txt": pprint.pformat({"users": people}).encode(),
             "users_repr.txt": repr(people).encode()}
    assert b"'\n" in books["users_pprint.txt"]  # a value wrapped
    findings = _scan(tmp_path, books)
    hits = {Path(f["path"]).name: f for f in findings["files"]}
    listed = {Path(s["path"]).name: s for s in findings["skipped"]}
    for name in books:
        assert name not in listed, (name, listed.get(name))
        assert hits[name]["pii"]["records"] == 20, (name, hits.get(name))


def test_a_dbase_writer_that_flags_live_records_with_nul_is_no_damage_when_its_first_record_is_deleted(
        tmp_path: Path) -> None:
    """A writer opening live records with 0x00 (infused/dbf's mazovia.dbf) and its first record deleted (``*``):
    damage17 learnt the 0x00 flag from the first record alone and said every later record shifted (corrupt)."""
    from scanner.dbase import dbf_sheets
    from tests.test_dbase16 import _table, dbf_bytes

    data = bytearray(dbf_bytes(_table(), deleted=frozenset({0})))
    header_len, size = int.from_bytes(data[8:10], "little"), int.from_bytes(data[10:12], "little")
    for start in range(header_len + size, len(data) - 1, size):
        assert data[start] == 0x20
        data[start] = 0
    ((sheet),) = list(dbf_sheets(bytes(data), Caps()))
    rows = list(sheet.rows)
    assert len(rows) - 1 == int.from_bytes(data[4:8], "little") and not sheet.damage, sheet.damage
    zeroed = bytes(data[:header_len + 3 * size]) + bytes(size) + bytes(data[header_len + 4 * size:])
    ((sheet),) = list(dbf_sheets(zeroed, Caps()))
    list(sheet.rows)
    assert any("deletion flag" in d for d in sheet.damage), sheet.damage  # a zeroed record is damage still


def test_the_rewrite_reads_a_comment_close_inside_a_string_and_an_unclosed_comment_after_it() -> None:
    """The tokens after the last ``*/`` are read without block comments (a ``/*`` there never closes: each one was
    tried to the text's end, 73 s for a 200 KB print of them, bench/README.md); a ``*/`` inside a string (a cron
    field) is still a string's, and a text's tokens are the same either way."""
    from scanner.sheet import CellBudget

    people = _people(5)
    text = ("/* users */ [\n" + ",\n".join(f"{{name: '{p['name']}', cron: '*/5 * * * *', tel: '{p['tel']}'}}"
                                           for p in people) + "\n] // end /* not closed\n")
    assert jsontables._tokens(text) == jsontables._TOKEN.findall(text)
    relaxed = jsontables._relaxed(text, CellBudget(Caps()))
    assert relaxed is not None and relaxed[1] == 0
    docs = jsontables._sequence(relaxed[0])
    assert docs == [[{"name": p["name"], "cron": "*/5 * * * *", "tel": p["tel"]} for p in people]], docs
    hostile = "[{a: 1}, " + "/* x " * 50
    assert jsontables._tokens(hostile) == jsontables._TOKEN.findall(hostile)


def test_a_json_relative_damaged_before_its_first_bare_key_is_still_rewritten() -> None:
    """The rewrite runs only where the text is a relative (above); a mongosh print or a Python dict printed whose
    first byte is flipped is one all the same (its bare keys and quotes follow): its records read, damage said."""
    from tests.test_damage17 import _mongosh
    from tests.test_damage17 import _people as _users

    for text in (_mongosh(_users()), repr({"users": _users()})):
        data = bytearray(text.encode())
        data[0] ^= 0x40
        sheets = _read(bytes(data))
        assert sum(n for n, _ in sheets) == 30 and any("damaged" in d for _, ds in sheets for d in ds), sheets


def test_a_letter_with_commas_ending_without_a_line_end_is_no_cut_table(tmp_path: Path) -> None:
    """A plain letter whose line before the signature holds two commas, its body ending with no line end (as many
    clients send it): damage17 took the prose line for a table's header and the signature for its first row cut,
    and listed the message `corrupt` (`text-cut-in-row`). A header's cells are short labels, not a sentence."""
    from email.message import EmailMessage

    bodies = {"signature.eml": "Hello Tanaka-san,\n\nWe met on Monday, Tuesday, and Wednesday.\nBest",
              "regards.eml": "Thanks for the call, the documents, and the list.\nRegards, Taro"}
    books = {}
    for name, body in bodies.items():
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = "a@example.com", "b@example.com", "hello"
        msg.set_content(body)
        books[name] = msg.as_bytes().rstrip(b"\n")
    findings = _scan(tmp_path, books)
    assert not findings["skipped"], findings["skipped"]
