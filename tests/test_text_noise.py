"""Noise settled before charset-normalizer (scanner.textdecode.matches_nothing): whenever the pre-check says a
payload can match no encoding, charset-normalizer itself finds none, so every decoding plan, and so every
finding, is the one charset-normalizer would have led to. Checked on noise of every shape (the fake-name bench's
random bytes, control-heavy, high bytes only, UTF-16-like), on real text in many encodings and on damaged text
(flipped, truncated, joined), which must never be called noise."""

from __future__ import annotations

import random
import re

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


_OTHER_SCRIPTS = [("客户名单,地址,电话\r\n张三,北京市朝阳区建国路八十八号,13800138000\r\n", "gbk"),
                  ("客戶名單,地址,電話\r\n張三,臺北市信義區市府路一號,0912345678\r\n", "big5"),
                  ("고객명단,주소,전화\r\n홍길동,서울특별시 종로구 세종대로 1,010-1234-5678\r\n", "euc_kr"),
                  ("Фамилия,Адрес,Телефон\r\nИванов Иван,Москва ул. Тверская 1,495\r\n", "cp1251"),
                  ("Επώνυμο,Διεύθυνση\r\nΠαπαδόπουλος,Αθήνα οδός Σταδίου 5\r\n", "cp1253"),
                  ("שם,כתובת\r\nישראל ישראלי,תל אביב רחוב הרצל 5\r\n", "cp1255"),
                  ("الاسم,العنوان\r\nمحمد علي,القاهرة شارع النيل 5\r\n", "cp1256"),
                  ("ชื่อ,ที่อยู่\r\nสมชาย ใจดี,กรุงเทพมหานคร ถนนสุขุมวิท 5\r\n", "cp874")]


def test_japanese_tables_with_latin_beside_a_kanji_are_read_as_japanese() -> None:
    """charset-normalizer's mess detector is made for prose: Latin letters beside one kanji (Excel表, TEL済) are
    weird words to it, so such a strictly decoded cp932 table was read as Cyrillic or Greek, or doubted."""
    stock = "品番,名称\r\n" + "".join(f"A{i},Excel表{i}\r\n" for i in range(60))
    people = "氏名,住所,連絡1,連絡2,連絡3\r\n" + "".join(
        f"{p[0]},{p[1]},TEL済,FAX済,{'TEL済' if i % 2 else 'FAX済'}\r\n"
        for i, p in enumerate(pii_data.standard(pii_data.people(20))[1:]))
    for text in (stock, people):
        for codec in ("cp932", "euc_jp"):
            plan = plan_decoding(text.encode(codec))
            assert (plan.codec, plan.doubt) == (codec, None), (codec, text[:30])


def test_mess_detector_asked_only_when_the_text_is_not_plain_japanese(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check that spares clean Japanese the mess detector (~1.7 ms a file) changes no plan for noise, other
    scripts' 8-bit encodings, damaged or half-width-kana text: those still go to charset-normalizer."""
    rnd = random.Random(11)
    samples = _noise_samples()[::3] + _real_text() + [t.encode(c) for t, c in _OTHER_SCRIPTS]
    samples += [("ﾔﾏﾀﾞ ﾀﾛｳ,東京都\r\n" * 30).encode("cp932"), ("①㈱髙﨑,東京都\r\n" * 30).encode("cp932")]
    samples += [bytes(b ^ 0x80 if rnd.random() < 0.02 else b for b in s) for s in _real_text()[:6]]
    fast = [plan_decoding(s) for s in samples]
    plain = textdecode._JAPANESE_TEXT
    monkeypatch.setattr(textdecode, "_JAPANESE_TEXT", re.compile("(?!)"))  # the mess detector every time
    slow = [plan_decoding(s) for s in samples]
    assert fast == slow
    assert any(p.doubt for p in fast) and any(p.codec == "cp1251" for p in fast)

    import charset_normalizer.md

    def no_mess(*args: object) -> float:
        raise AssertionError("mess detector asked about plain Japanese")

    monkeypatch.setattr(textdecode, "_JAPANESE_TEXT", plain)
    monkeypatch.setattr(charset_normalizer.md, "mess_ratio", no_mess)
    rows = "\r\n".join(",".join(map(str, r)) for r in pii_data.standard(pii_data.people(30))) + "\r\n"
    for codec in ("cp932", "euc_jp"):
        assert plan_decoding(rows.encode(codec)).codec == codec


def _decoded_verdict(payload: bytes, monkeypatch: pytest.MonkeyPatch) -> bool:
    """matches_nothing with every codec decoding the payload (no single-byte table shortcut)."""
    with monkeypatch.context() as m:
        m.setattr(textdecode, "_charmap_marks", lambda codec: None)
        return matches_nothing(payload)


def test_single_byte_codecs_judged_from_their_tables_as_by_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 11: a single-byte codec's unprintable count is read from a table of its 256 bytes instead of the
    decoded text; the verdict is the decoding's on noise, real text and bytes near every threshold."""
    from charset_normalizer.constant import IANA_SUPPORTED

    tabled = [c for c in dict.fromkeys(IANA_SUPPORTED) if textdecode._charmap_marks(c) is not None]
    assert len(tabled) >= 50 and "cp1252" in tabled and "cp932" not in tabled and "utf_8" not in tabled
    rnd = random.Random(11)
    counted = bytes(b for b in range(256) if textdecode._UNPRINTABLE.match(bytes([b]).decode("latin-1")))
    samples = _noise_samples() + _real_text()
    for n in (1, 39, 40, 41, 79, 80, 81, 400, 2560):  # around (characters + 1) / 40 unprintable ones
        for k in range(4):
            plain = bytearray(rnd.choice(b"abc ,\n") for _ in range(n))
            for i in rnd.sample(range(n), min(n, (n + 1) // 40 + k - 1) if n > 1 else 0):
                plain[i] = rnd.choice(counted + b"\x81\x8d\x8f\x90\x9d\xa0\xff")
            samples.append(bytes(plain))
    for payload in samples:
        assert matches_nothing(payload) == _decoded_verdict(payload, monkeypatch), payload[:40]
