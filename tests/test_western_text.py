"""Session 6: a well-formed Western-European text table (Windows-1252 / ISO-8859-1) is read as what it is.

cp932 decodes most Western bytes without an error (``Année`` becomes ``Ann`` + a kanji, ``Ä`` a half-width
kana), and charset-normalizer names no language for a file with a handful of accents, so such files were
read as mojibake or listed ``corrupt: no recognisable encoding`` (a false damage claim in an evidence report).
The Western texts here are written the way other software writes them (hotel statistics, engineering tables,
a price list, one copyright sign), none of them the files the rule was checked on; the Japanese ones are the
shapes most like Western text (one-kanji cells, half-width kana only, an ASCII header over 64 KiB before the
Japanese rows) and must stay Japanese; damaged Japanese stays ``partial`` / ``corrupt``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.config import ScanConfig
from scanner.contracts import Inspection
from scanner.inspectors.spreadsheet import SpreadsheetInspector
from scanner.sources.single import SingleFileEntry
from scanner.textdecode import decode_text, plan_decoding
from tests import pii_data as D


def inspect(tmp_path: Path, name: str, data: bytes) -> Inspection:
    path = tmp_path / name
    path.write_bytes(data)
    config = ScanConfig(sources=[str(tmp_path)], out=tmp_path / "unused", parse_timeout=30)
    return SpreadsheetInspector(config).inspect(SingleFileEntry(str(path)), data, "", None)


WESTERN = {
    "hotel-fr": "Classement;Quartier;Date;Année;Taux d'occupation;Prix moyen\r\n" + "".join(
        f"{s} étoiles;Élysée;01-0{m}-13;2013;0,{m}1;{80 + m},20 €\r\n" for s in (3, 4) for m in range(1, 9)),
    "profile-de": "PROFIL,Quergefälle,Größe,Straße,h1\r\n" + "".join(
        f"P{i}.2,2.50%,{i}0 m²,Hauptstraße {i},26{i}.1\r\n" for i in range(40)),
    "parts-no": "Del,Ø,Vinkel,Merknad\n" + "".join(f"E{i},Ø{30 + i},{i * 5}°,blå/grønn\n" for i in range(30)),
    "prices-es": "Artículo,Descripción,Precio\n" + "".join(
        f"{i},Señal «{i}» – año {2000 + i},{i},50 €\n" for i in range(25)),
    "quotes-en": 'Note,Value\n"the “narrow” network",1\n"carved out” field",2\nit’s done…,3\n',
    "stations-fr": "Code,Libellé,Remarque\n" + "".join(
        f"{i},Station météo {i},rattachée à la ligne {i} où passe le train\n" for i in range(30)),
    "one-sign": "id,name\n1,english\n2,©\n",
    "pound": "£1",
}


@pytest.mark.parametrize("name", sorted(WESTERN))
def test_western_text_is_cp1252_and_not_damaged(tmp_path, name):
    text = WESTERN[name]
    data = text.encode("cp1252")
    decoded, encoding = decode_text(data)
    assert encoding == "cp1252" and decoded == text
    ins = inspect(tmp_path, f"{name}.csv", data)
    assert ins.status == "ok", (ins.status, ins.detail)


def test_latin1_bytes_read_as_cp1252(tmp_path):
    text = "Nom;Prénom;Ville\r\n" + "".join(f"Dupont{i};Hélène;Besançon\r\n" for i in range(20))
    assert decode_text(text.encode("latin-1")) == (text, "cp1252")


def test_western_person_list_shows_its_names(tmp_path):
    rows = [["Last Name", "First Name", "Address", "City"]] + [
        [f"Müller{i}", "José", f"Straße {i}", "Zürich"] for i in range(30)]
    data = D.csv_bytes(rows, "cp1252")
    assert plan_decoding(data).encoding == "cp1252"
    assert decode_text(data)[0].splitlines()[1] == "Müller0,José,Straße 0,Zürich"


JAPANESE = {
    "one-kanji-cells": ["ID,性別,年齢"] + [f"{i},{'男女'[i % 2]},{60 + i % 30}" for i in range(300)],
    "half-width-kana": ["ｺｰﾄﾞ,ﾌﾘｶﾞﾅ,ｷﾝｶﾞｸ"] + [f"{i},ﾔﾏﾀﾞ ﾀﾛｳ,{i * 100}" for i in range(100)],
    "kanji-beside-latin": ["code,name,note"] + [f"{i},A棟{i}号室,TEL番号あり" for i in range(100)],
    "one-kanji-status": ["ID,区分"] + [f"{i},{'済未可否'[i % 4]}" for i in range(100)],
}


@pytest.mark.parametrize("encoding", ["cp932", "euc_jp"])
@pytest.mark.parametrize("name", sorted(JAPANESE))
def test_japanese_text_most_like_western_stays_japanese(name, encoding):
    text = "\r\n".join(JAPANESE[name]) + "\r\n"
    assert decode_text(text.encode(encoding)) == (text, encoding)


def test_japanese_rows_after_a_long_ascii_head_are_not_western():
    """The head (64 KiB) holds no Japanese at all: the whole file decides, not its head."""
    head = "code,comment\r\n" + "".join(f"{i},plain ascii note\r\n" for i in range(3000))
    tail = "".join(f"{i},山田太郎,東京都三鷹市{i}\r\n" for i in range(300))
    data = (head + tail).encode("cp932")
    data.decode("cp1252")  # every byte is cp1252 too: only the reading of the whole file tells
    assert len(head) > 65536
    text, encoding = decode_text(data)
    assert encoding == "cp932" and text == head + tail


def test_damaged_japanese_is_still_listed(tmp_path):
    """A cp932 person list with bytes nothing decodes keeps its damage note; a Western reading must not hide it."""
    rows = D.standard(D.people(30, seed=4))
    data = bytearray(D.csv_bytes(rows, "cp932"))
    for at in (len(data) // 3, len(data) // 2, 2 * len(data) // 3):
        data[at:at + 2] = b"\x85\x85"  # no cp932 character starts with 0x85
    ins = inspect(tmp_path, "名簿.csv", bytes(data))
    assert ins.pii and ins.pii["encoding"].startswith("cp932"), ins.pii
    assert "partial" in ins.pii.get("decoding", ""), ins.pii
