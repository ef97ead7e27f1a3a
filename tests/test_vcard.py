"""vCard address books (.vcf, scanner/vcard.py): a phone's or a mail client's contacts export is a person list.

Shapes rebuilt from the formats' own writers (values from Faker ja_JP, fixed seed, never real data): vCard 3.0 as
iPhone / macOS Contacts write it (``item1.ADR;type=HOME``, ``X-PHONETIC-*`` readings, CRLF), vCard 2.1 as Japanese
feature phones and older Android write it (Shift_JIS, ``CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE`` values with
soft line breaks, ``SOUND;X-IRMC-N`` readings), Google's export (3.0, UTF-8, ``ORG``). Before, .vcf was read by
nothing: an address book of persons was a silent clean.
"""

from __future__ import annotations

import quopri
from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.detectors.pii import SheetKind
from scanner.inspectors.spreadsheet import analyse_bytes
from scanner.pipeline import run_scan
from scanner.sheet import Caps
from scanner.sources import open_source
from scanner.tables import sniff_format
from tests import person_tables_data as T

JA = T.ja_people(12, seed=809)


def iphone(ps: list[T.JaPerson]) -> bytes:
    out = []
    for p in ps:
        out += ["BEGIN:VCARD", "VERSION:3.0", "PRODID:-//Apple Inc.//iPhone OS 17.0//EN", f"N:{p.family};{p.given};;;",
                f"FN:{p.name}", f"X-PHONETIC-FIRST-NAME:{p.given_kana}", f"X-PHONETIC-LAST-NAME:{p.family_kana}",
                f"item1.ADR;type=HOME;type=pref:;;{p.town}{p.block} {p.building};{p.city};{p.prefecture};{p.postcode};日本",
                "item1.X-ABADR:jp", f"TEL;type=CELL;type=VOICE;type=pref:{p.phone}",
                f"EMAIL;type=INTERNET;type=HOME:{p.email}", "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQ",
                " AAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8Q", "END:VCARD"]
    return ("\r\n".join(out) + "\r\n").encode()


def _qp(text: str) -> str:
    """QUOTED-PRINTABLE of Shift_JIS bytes, soft line breaks (``=`` CRLF) at 76 characters as phones write them."""
    return quopri.encodestring(text.encode("cp932")).decode().replace("=\n", "=\r\n")


def feature_phone(ps: list[T.JaPerson]) -> bytes:
    out = []
    for p in ps:
        adr = f";{p.building};{p.town}{p.block};{p.city};{p.prefecture};{p.postcode};日本国"
        out += ["BEGIN:VCARD", "VERSION:2.1",
                f"N;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:{_qp(p.family)};{_qp(p.given)};;;",
                f"SOUND;X-IRMC-N;CHARSET=SHIFT_JIS:{jaconv_h(p.family_kana)};{jaconv_h(p.given_kana)};;;",
                f"ADR;HOME;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:{_qp(adr)}", f"TEL;CELL:{p.phone}",
                "X-GNO:1", "END:VCARD"]
    return ("\r\n".join(out) + "\r\n").encode("cp932")


def jaconv_h(kana: str) -> str:
    import jaconv

    return jaconv.z2h(kana, kana=True)


def google(ps: list[T.JaPerson], company: bool) -> bytes:
    out = []
    for p in ps:
        out += ["BEGIN:VCARD", "VERSION:3.0", f"FN:{p.name}", f"N:{p.family};{p.given};;;",
                f"TEL;TYPE=CELL:{p.phone}", f"ADR;TYPE=HOME:;;{p.prefecture}{p.city}{p.town}{p.block};;;{p.postcode};JP",
                *([f"ORG:株式会社{p.town}商事;営業部", "TITLE:課長"] if company else []), "END:VCARD"]
    return ("\n".join(out) + "\n").encode()


def _read(data: bytes):
    fmt = sniff_format(data)
    assert fmt == "vcard"
    found, _, _ = analyse_bytes(data, fmt, Caps())
    return found


@pytest.mark.parametrize("writer", [iphone, feature_phone])
def test_an_address_book_is_a_person_list(writer):
    found = _read(writer(JA))
    assert len(found) == 1 and found[0].kind == SheetKind.PERSONS and found[0].count == len(JA)
    assert found[0].header_row is None  # no header row in the file
    first = found[0].examples(unmask=True)[0]
    assert first["name"] == JA[0].name
    assert first["address"].startswith(JA[0].prefecture + JA[0].city + JA[0].town + JA[0].block)
    assert first["postcode"] == JA[0].postcode and first["phone"] == JA[0].phone
    assert first["reading"].replace(" ", "") in (JA[0].family_kana + JA[0].given_kana,
                                                 jaconv_h(JA[0].family_kana + JA[0].given_kana))


def test_a_company_on_every_card_makes_business_contacts_and_no_address_a_lead():
    found = _read(google(JA, company=True))
    assert found[0].kind == SheetKind.BUSINESS and found[0].count == len(JA)
    no_address = b"".join(b"BEGIN:VCARD\nVERSION:3.0\nFN:" + p.name.encode() + b"\nTEL:" + p.phone.encode()
                          + b"\nEND:VCARD\n" for p in JA)
    found = _read(no_address)
    assert found[0].kind == SheetKind.NAMES and found[0].count == len(JA)


def test_a_damaged_address_book_keeps_the_cards_it_can_read():
    data = bytearray(iphone(JA))
    cut = data.index(b"BEGIN:VCARD", len(data) // 2)
    damaged = bytes(data[:cut + 30]) + b"\xff\xfe\x00garbage;;;:\r\n" + bytes(data[cut + 30:])
    found = _read(damaged)
    assert found and found[0].count >= len(JA) - 1
    found = _read(bytes(data[:len(data) * 2 // 3]))  # cut: the whole cards before the cut
    assert found and len(JA) // 2 <= found[0].count < len(JA)


def test_a_vcf_file_is_scanned_as_a_hit(tmp_path: Path):
    share = tmp_path / "share"
    share.mkdir()
    (share / "連絡先.vcf").write_bytes(feature_phone(JA))
    (share / "contacts.txt").write_bytes(iphone(JA[:5]))  # renamed: read by its content
    (share / "住所録.fwa").write_bytes(b"\x00\x01FWA" + bytes(range(256)) * 4)  # 筆まめ's own book: no reader
    (share / "Me.contact").write_bytes(b'<?xml version="1.0" encoding="UTF-8"?><c:contact xmlns:c="http://schemas'
                                       b'.microsoft.com/Contact"><c:NameCollection/></c:contact>' + b" " * 600)
    result = run_scan(ScanConfig(sources=[str(share)], out=tmp_path / "out"), [open_source(str(share))])
    hits = {Path(h.location.path).name: h.pii for h in result.hits}
    assert hits["連絡先.vcf"]["records"] == len(JA) and hits["連絡先.vcf"]["format"] == "vcard"
    assert hits["contacts.txt"]["records"] == 5
    skipped = {Path(s.location.path).name: (s.reason, s.detail) for s in result.skipped}
    assert set(skipped) == {"住所録.fwa", "Me.contact"}  # address books no reader takes: listed, never clean
    assert skipped["住所録.fwa"][0] == "unsupported" and "Fudemame address book" in skipped["住所録.fwa"][1]
    assert skipped["Me.contact"][0] == "unsupported" and "Windows Contacts" in skipped["Me.contact"][1]
