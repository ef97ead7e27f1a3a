"""Noise settled before charset-normalizer (scanner.textdecode.matches_nothing): whenever the pre-check says a
payload can match no encoding, charset-normalizer itself finds none, so every decoding plan, and so every
finding, is the one charset-normalizer would have led to. Checked on noise of every shape (the fake-name bench's
random bytes, control-heavy, high bytes only, UTF-16-like), on real text in many encodings and on damaged text
(flipped, truncated, joined), which must never be called noise."""

from __future__ import annotations

import random

import pytest
from charset_normalizer import from_bytes

from scanner import textdecode
from scanner.textdecode import matches_nothing, plan_decoding
from tests import pii_data
from tests.conftest import CORPUS


def _noise_samples() -> list[bytes]:
    rnd = random.Random(2026)
    out = [rnd.randbytes(rnd.randint(16, 400)) for _ in range(500)]  # as bench_fake_names.py writes them
    out += [rnd.randbytes(n) for n in (1, 2, 3, 7, 31, 32, 33, 511, 512, 1023, 2559, 2560, 2561)]
    high = bytes(range(0x80, 0x100))
    out += [bytes(rnd.choice(high) for _ in range(rnd.randint(8, 300))) for _ in range(100)]
    ctrl = bytes(range(0, 32))
    out += [bytes(rnd.choice(ctrl + high) for _ in range(rnd.randint(8, 300))) for _ in range(100)]
    text = "氏名,住所\r\n山田 太郎,東京都小金井市本町1-1\r\n".encode("cp932")
    out += [bytes(b if rnd.random() > 0.2 else rnd.randrange(256) for b in text * rnd.randint(1, 20))
            for _ in range(150)]  # damaged beyond rescue, and not
    out += ["".join(chr(rnd.randrange(0x4E00, 0x9FFF)) for _ in range(40)).encode("utf-16-le")[:-1] + b"\x01"
            for _ in range(20)]
    return out


def _real_text() -> list[bytes]:
    rows = "\r\n".join(",".join(map(str, r)) for r in pii_data.standard(pii_data.people(30))) + "\r\n"
    out = [rows.encode(c) for c in ("utf-8", "cp932", "euc_jp", "utf-16-le", "utf-16", "iso2022_jp")]
    out += ["Name,Street,City\r\nJosé Müller,Hauptstraße 5,Köln\r\n".encode(c) for c in ("cp1252", "latin-1")]
    out += ["Фамилия,Адрес\r\nИванов,Москва\r\n".encode("cp1251"), b"memo\n", b"a,b\r\n1,2\x1a"]
    sjis = rows.encode("cp932")
    out += [sjis[: len(sjis) * k // 10] for k in range(1, 10)]  # truncated at every tenth
    out += [sjis[:200] + b"\xff\xfe\x85" + sjis[200:], rows.encode("utf-8")[:300] + sjis[300:]]  # flipped, joined
    out += [p.read_bytes() for p in CORPUS.glob("spreadsheets/**/*.[cC][sS][vV]")]
    return out


def test_noise_called_noise_is_what_charset_normalizer_finds_nothing_in() -> None:
    samples = _noise_samples()
    proved = [s for s in samples if matches_nothing(s)]
    assert len(proved) > len(samples) // 3  # the pre-check settles most noise ...
    wrong = [s for s in proved if from_bytes(s).best() is not None]
    assert wrong == []  # ... and never one in which charset-normalizer finds an encoding


def test_real_and_damaged_text_is_never_called_noise() -> None:
    texts = _real_text()
    assert len(texts) > 20
    for data in texts:
        assert not matches_nothing(data), data[:40]


@pytest.mark.parametrize("seed", range(3))
def test_decoding_plans_unchanged(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan for each sample equals the plan made with charset-normalizer asked every time."""
    rnd = random.Random(seed)
    samples = [rnd.randbytes(rnd.randint(16, 400)) for _ in range(60)] + _real_text()[:12]
    fast = [plan_decoding(s) for s in samples]
    monkeypatch.setattr(textdecode, "matches_nothing", lambda payload: False)
    slow = [plan_decoding(s) for s in samples]
    assert fast == slow
    assert any(p.doubt for p in fast)


def test_out_of_scope_payloads_are_not_judged() -> None:
    rnd = random.Random(5)
    noise = rnd.randbytes(3000)
    assert not matches_nothing(noise)  # more than one chunk: charset-normalizer samples it, not the whole
    assert not matches_nothing(b"\xef\xbb\xbf" + rnd.randbytes(100))  # a signature: that codec is favoured
    assert not matches_nothing(b'<?xml encoding="cp1252"?>' + bytes(range(1, 9)) * 10)  # a declared charset
    assert not matches_nothing(b"")
