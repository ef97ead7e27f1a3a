"""tinytext24 (issue 11): a tiny text whose rows can hold no person skips the classifier (``holds_no_person``); its
reading (encoding, notes, damage) and findings are the same as with the classifier run. Compared both ways over
every text of at most 512 bytes in the corpus and tests/data and over generated edge cases: names, names with
addresses on one line, headers only, damaged bytes, every encoding the reader decodes, label and form shapes."""
from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest
from faker import Faker

from scanner.detectors.pii import RECORD_SINK
from scanner.inspectors import spreadsheet
from scanner.inspectors.spreadsheet import TINY_TEXT, analyse_bytes, holds_no_person
from scanner.sheet import Caps
from scanner.tables import sniff_format

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / ".." / "shared" / "corpus"
ENCODINGS = ("utf-8", "utf-8-sig", "cp932", "euc_jp", "iso2022_jp", "utf-16", "utf-16-le", "utf-16-be", "utf-32",
             "latin-1", "cp1252")


def inspected(data: bytes, shortcut: bool, monkeypatch: pytest.MonkeyPatch) -> str:
    """analyse_bytes of ``data`` as a text and as sniffed, with the records handed over, as one comparable text."""
    monkeypatch.setattr(spreadsheet, "TINY_TEXT", TINY_TEXT if shortcut else -1)
    out = []
    for fmt in dict.fromkeys(("text", sniff_format(data))):
        records: list[object] = []
        token = RECORD_SINK.set(records.append)
        try:
            try:
                out.append(repr(analyse_bytes(data, fmt, Caps())))
            except Exception as e:  # noqa: BLE001 - the same failure both ways is the same answer
                out.append(f"raised {type(e).__name__}: {e}")
            out.append(repr(records))
        finally:
            RECORD_SINK.reset(token)
    return "\n".join(out)


def _corpus_texts() -> list[bytes]:
    found = []
    for top in (CORPUS, ROOT / "tests" / "data"):
        for p in sorted(top.rglob("*")) if top.is_dir() else ():
            if not p.is_file() or p.is_symlink() or not 0 < (size := p.stat().st_size):
                continue
            if size <= TINY_TEXT:
                found.append(p.read_bytes())
            elif size <= 1 << 22 and sniff_format(head := p.read_bytes()[:4096]) == "text":
                found += [head[:n] for n in (64, 200, 512)]  # a real text's first bytes (a copy cut short)
    return list(dict.fromkeys(found))


def _generated() -> list[bytes]:
    fake = Faker("ja_JP")
    fake.seed_instance(20261207)
    west = Faker("en_US")
    west.seed_instance(20261207)
    rng = random.Random(20261207)
    texts: list[str] = ["", "\n", "memo\n", "memo\nmemo\n", "memo\r\nmemo\r\n", "memo\rmemo\r", "memo", "\n\n\n",
                        "name\n", "name,address\n", "氏名,住所\n", "氏名\n", "氏名\t住所\t電話\n", "Name\nJohn Smith\n",
                        "〒100-0001\n東京都千代田区千代田1-1\n山田 太郎 様\n", "100-0001\n", "abc-defg\n", "様\n",
                        '"a\nb"\n', '"memo\n', "氏名：山田 太郎\n住所：東京都新宿区西新宿2-8-1\n", "a\x00b\n", "\x00\x00\n"]
    for _ in range(40):
        name, address = fake.name(), fake.address().replace("\n", " ")
        texts += [name, f"{name}\n", f"{name} {address}\n", f"{name},{address}\n", f"{name}\t{address}\n",
                  f"氏名,住所\n{name},{address}\n", f"氏名\n{name}\n住所\n{address}\n", f"〒{fake.postcode()}\n{address}\n{name} 様\n",
                  f"{west.name()}\n", f"{west.name()} {west.address()}\n", f"name,address\n{west.name()},{west.street_address()}\n",
                  "\n".join(west.word() for _ in range(rng.randint(1, 12))) + "\n",
                  "\n".join(fake.word() for _ in range(rng.randint(1, 12))) + "\n",
                  f"{west.word()} {west.word()}\n{west.word()}\n", f"{fake.phone_number()}\n", f"{west.word()}-{west.word()}\n"]
    out: list[bytes] = []
    for t in texts:
        for enc in ENCODINGS:
            try:
                b = t.encode(enc)
            except UnicodeEncodeError:
                continue
            if len(b) <= TINY_TEXT:
                out.append(b)
        b = t.encode("utf-8")
        if b:  # damaged: a byte flipped, cut in a character, a NUL inserted
            i = rng.randrange(len(b))
            out += [b[:i] + bytes([b[i] ^ 0x80]) + b[i + 1:], b[:max(1, len(b) - 1)], b[:i] + b"\0" + b[i:]]
    out += [("memo\n" * n).encode() for n in range(1, 103)]  # up to 510 bytes: every row in the classifier's sample
    out += [b"memo\n" * 102 + b"\n\n"]
    out += [codecs.BOM_UTF16_LE + "memo\n".encode("utf-16-le") * 50]
    return list(dict.fromkeys(out))


def test_the_shortcut_is_taken_for_tiny_memo_texts() -> None:
    assert holds_no_person([["memo"], ["memo"], []])
    assert not holds_no_person([["memo", "x"]])
    assert not holds_no_person([["東京都"]])
    assert not holds_no_person([["100-0001"]])
    assert not holds_no_person([["a\nb"]])


@pytest.mark.parametrize("which", ["corpus", "generated"])
def test_tiny_texts_inspect_the_same_with_and_without_the_shortcut(which: str, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _corpus_texts() if which == "corpus" else _generated()
    assert len(texts) >= (50 if which == "corpus" else 1000)
    differ = [t[:40] for t in texts if inspected(t, True, monkeypatch) != inspected(t, False, monkeypatch)]
    assert differ == []
