"""vCard address books (.vcf: a phone's or a mail client's contacts export) as one table of persons.

An insider's address-book export is a typical leak: iPhone / macOS Contacts and Google write vCard 3.0 in UTF-8,
Japanese feature phones and older Android write vCard 2.1 in Shift_JIS with QUOTED-PRINTABLE values, Outlook
writes one card per file. Each card becomes a row under a header the person-table rules already know
(氏名 | フリガナ | 郵便番号 | 住所 | 電話番号 | メールアドレス | 会社名 | 生年月日), so a card is counted like a
table row: a name with an address is a person, a name with a phone only a lead, a company beside it a business
contact. Only the few properties those fields need are read (N, FN, ADR, TEL, EMAIL, ORG, BDAY, the phonetic
names); a malformed line is skipped and the next card still read. A small reader rather than ``vobject``: the
latter wants decoded text, while 2.1 files keep the charset per property (``CHARSET=SHIFT_JIS`` on QP bytes), and
it gives up at the first malformed line, losing the rest of a damaged file.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator

from .details import Detail, say
from .sheet import Caps, CellBudget, Sheet
from .textdecode import zeroed_block

HEADER = ["氏名", "フリガナ", "郵便番号", "住所", "電話番号", "メールアドレス", "会社名", "生年月日"]
_COL = {h: i for i, h in enumerate(HEADER)}
MAX_CARD_LINES = 2000  # a card longer than this is no contact (a photo is one long folded line, joined)
_PROP = re.compile(rb"^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)((?:;[^:]*)?):", re.S)  # item1.ADR;TYPE=HOME:...
_CHARSETS = {"shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "utf-8": "utf-8",
             "euc-jp": "euc-jp", "iso-2022-jp": "iso-2022-jp"}


_FIRST_CARD = re.compile(rb"(?im)^[ \t]*BEGIN:VCARD[ \t]*\r?$\s*^(?:VERSION|FN|N)[;:]")
PREAMBLE_LINES = 3  # title or note lines before the first card (an export's heading, a pasted note)


def _starts_a_card(head: bytes) -> bool:
    """The text starts with a card, or with a short preamble (at most PREAMBLE_LINES short lines) and then a card."""
    if b"begin:vcard" not in head.lower():  # (both tests below need it, in any ASCII case: one pass in C, issue 11)
        return False
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").upper().startswith(b"BEGIN:VCARD"):
        return True
    m = _FIRST_CARD.search(head[:4096])
    if m is None:
        return False
    before = [ln for ln in re.split(rb"\r\n|\r|\n", head[:m.start()]) if ln.strip()]
    return len(before) <= PREAMBLE_LINES and all(len(ln) <= 200 for ln in before)


def _utf16_codec(data: bytes) -> str | None:
    """The UTF-16 codec of a vCard saved as "Unicode" (Windows, some Outlook and Android exports), else None."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        codec = "utf-16"
    elif data[1:2] == b"\x00" and data[:1] != b"\x00":
        codec = "utf-16-le"
    elif data[:1] == b"\x00" and data[1:2] != b"\x00":
        codec = "utf-16-be"
    else:
        return None
    head = data[:8192].decode(codec, "ignore").encode("utf-8", "ignore")
    return codec if _starts_a_card(head) else None


def is_vcard(data: bytes) -> bool:
    """The file starts with a vCard (a UTF-8 BOM, blank lines and a short preamble allowed; UTF-16 too)."""
    return _starts_a_card(data[:4096]) or _utf16_codec(data) is not None


def _file_codec(data: bytes) -> str:
    """The codec of values without a CHARSET: UTF-8 when the whole file is, else Shift_JIS (a Japanese phone's)."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp932"


def _lines(data: bytes) -> Iterator[bytes]:
    """Logical lines: folded lines (a leading space or tab) joined, QUOTED-PRINTABLE soft breaks (``=`` at the end)
    joined with the next line."""
    pending = b""
    for raw in re.split(rb"\r\n|\r|\n", data):
        if raw[:1] in (b" ", b"\t") and pending:
            pending += raw[1:]
            continue
        if pending.endswith(b"=") and b"QUOTED-PRINTABLE" in pending.split(b":", 1)[0].upper():
            pending = pending[:-1] + raw
            continue
        if pending:
            yield pending
        pending = raw
    if pending:
        yield pending


def _value(params: bytes, raw: bytes, codec: str) -> str:
    ps = params.decode("latin-1").upper()
    if "QUOTED-PRINTABLE" in ps:
        raw = quopri.decodestring(raw)
    m = re.search(r"CHARSET=\"?([A-Z0-9_-]+)", ps)
    use = _CHARSETS.get(m.group(1).lower(), codec) if m else codec
    try:
        return raw.decode(use, "replace")
    except LookupError:
        return raw.decode(codec, "replace")


def _parts(value: str) -> list[str]:
    """A structured value's components (``;``-separated; ``\\;`` and ``\\,`` escaped), unescaped and stripped."""
    out = [p.replace("\\,", ",").replace("\\n", " ").replace("\\N", " ").replace("\\\\", "\\").strip()
           for p in re.split(r"(?<!\\);", value)]
    return [p.replace("\\;", ";") for p in out]


def _address(parts: list[str]) -> tuple[str, str]:
    """(postal code, address) of an ADR value: post box; extended (building); street; locality; region; code;
    country. Japanese order: region, locality, street, building (a street that already holds the region is the
    whole address, as some exports write it)."""
    parts = (parts + [""] * 7)[:7]
    _box, extended, street, locality, region, code, _country = parts
    if region and street.startswith(region):
        region = ""
    if locality and street.startswith(locality):
        locality = ""
    address = "".join(p for p in (region, locality, street) if p)
    if extended:
        address = f"{address} {extended}" if address else extended
    return code, address


def _row(card: dict[str, str]) -> list[object]:
    """The card's cells; the name is FN (the name as shown), else N's family and given names."""
    row: list[object] = [""] * len(HEADER)
    for k, v in card.items():
        if k in _COL:
            row[_COL[k]] = v
    if not row[_COL["氏名"]]:
        row[_COL["氏名"]] = " ".join(p for p in (card.get("姓", ""), card.get("名", "")) if p)
    if not row[_COL["住所"]] and card.get("_label"):
        code, address = _label_address(card["_label"])
        row[_COL["住所"]] = address
        if code and not row[_COL["郵便番号"]]:
            row[_COL["郵便番号"]] = code
    return row


_COUNTRY_LINE = re.compile(r"(?i)日本国?|japan|jp|jpn")
_LABEL_CODE = re.compile(r"^\s*〒?\s*(\d{3})[-ー－‐]?(\d{4})\s*")


def _label_address(value: str) -> tuple[str, str]:
    """(postal code, address) of a LABEL (a formatted address, used when a card has no ADR): its lines (real or
    ``\\n``-escaped) without the country line; a leading 〒 code split off."""
    text = value.replace("\\n", "\n").replace("\\N", "\n").replace("\\,", ",")
    lines = [ln.strip() for ln in re.split(r"\r\n|\r|\n", text) if ln.strip()]
    lines = [ln for ln in lines if not _COUNTRY_LINE.fullmatch(ln)]
    code = ""
    if lines and (m := _LABEL_CODE.match(lines[0])):
        code = f"{m.group(1)}-{m.group(2)}"
        lines[0] = lines[0][m.end():]
        lines = [ln for ln in lines if ln]
    return code, " ".join(lines)


def iter_vcards(data: bytes, caps: Caps) -> Sheet:
    """One sheet: the header row, then a row per card. A card whose END:VCARD line is missing (a damaged or cut
    file) ends at the next BEGIN:VCARD or at the end of the file: its person is counted, not dropped."""
    if (wide := _utf16_codec(data)) is not None:
        data = data.decode(wide, "replace").encode("utf-8")
    codec = _file_codec(data)
    budget = CellBudget(caps)

    def rows() -> Iterator[list[object]]:
        yield list(HEADER)
        card: dict[str, str] | None = None
        lines = unclosed = 0
        for n, line in enumerate(_lines(data)):
            if not n & 0x3FF:
                budget.tick()
            upper = line[:16].upper()
            if upper.startswith(b"BEGIN:VCARD"):
                if card is not None:  # the open card had no END:VCARD
                    unclosed += 1
                if card:
                    budget.add(len(HEADER))
                    yield _row(card)
                card, lines = {}, 0
                continue
            if upper.startswith(b"END:VCARD"):
                if card:
                    budget.add(len(HEADER))
                    yield _row(card)
                card = None
                continue
            if card is None or (lines := lines + 1) > MAX_CARD_LINES:
                continue
            m = _PROP.match(line)
            if m is None:
                continue  # a malformed line: skipped, the card and the next ones still read
            prop = m.group(1).upper()
            if prop not in _WANTED:
                continue
            value = _value(m.group(2), line[m.end():], codec)
            _take(card, prop, value)
        if card is not None:  # the file ends inside a card (cut): what was read of it is still a row
            unclosed += 1
        if card:
            budget.add(len(HEADER))
            yield _row(card)
        if not unclosed and not data.rstrip(b"\r\n\t \x00\x1a").upper().endswith(b"END:VCARD"):
            unclosed = 1  # cut inside a card's BEGIN line, or after it: the next cards are lost
        if unclosed:  # Session 9: a cut or damaged address book was read 'ok' with fewer persons
            sheet.damage.append(say(Detail.VCARD_UNCLOSED, n=unclosed))
        if zeroed_block(data) is not None:  # NUL padding after the last card loses nothing (review9f)
            sheet.damage.append(say(Detail.VCARD_ZEROED))

    sheet = Sheet("", rows())
    return sheet


_WANTED = frozenset({b"N", b"FN", b"ADR", b"LABEL", b"TEL", b"EMAIL", b"ORG", b"BDAY", b"SOUND", b"X-PHONETIC-LAST-NAME",
                     b"X-PHONETIC-FIRST-NAME", b"X-PHONETIC-FAMILY-NAME", b"X-PHONETIC-GIVEN-NAME"})


def _take(card: dict[str, str], prop: bytes, value: str) -> None:
    """The card's first value of each field (a second address or phone is the same person's)."""
    if prop == b"N":
        p = _parts(value) + ["", ""]
        if p[0] or p[1]:
            card.setdefault("姓", p[0])
            card.setdefault("名", p[1])
    elif prop == b"FN" and value.strip():
        card.setdefault("氏名", _parts(value)[0])
    elif prop == b"ADR":
        code, address = _address(_parts(value))
        if address and "住所" not in card:
            card["住所"] = address
            if code:
                card["郵便番号"] = code
    elif prop == b"LABEL":
        card.setdefault("_label", value)
    elif prop in (b"TEL", b"EMAIL", b"BDAY", b"ORG"):
        key = {b"TEL": "電話番号", b"EMAIL": "メールアドレス", b"BDAY": "生年月日", b"ORG": "会社名"}[prop]
        text = " ".join(p for p in _parts(value) if p) if prop == b"ORG" else value.strip()
        if text:
            card.setdefault(key, text)
    else:  # the reading: SOUND;X-IRMC-N (2.1, Japanese phones) or X-PHONETIC-* (Apple, Google)
        reading = " ".join(p for p in _parts(value) if p) if prop == b"SOUND" else value.strip()
        if reading:
            prior = card.get("フリガナ", "")
            last = prop in (b"X-PHONETIC-LAST-NAME", b"X-PHONETIC-FAMILY-NAME")
            card["フリガナ"] = (f"{reading} {prior}" if last else f"{prior} {reading}").strip()
