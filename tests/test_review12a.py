"""review12a: staff rosters (staff12) and header-vs-values reading (wild12) on layouts their authors did not tune to.

Values: Faker ja_JP with fixed seeds; rural addresses built from public place names and random lot numbers, never
real people's data."""

from __future__ import annotations

import random

import pytest
from faker import Faker

from scanner.detectors.pii import SheetKind, analyse_sheet
from scanner.detectors.values import looks_like_home_address

Rows = list[list[object]]

# rural towns where a house is written as 大字/字 and a lot number, no 番地/丁目 (長倉1234, 字比嘉210)
_TOWNS = ["長野県北佐久郡軽井沢町大字長倉", "沖縄県島尻郡久米島町字比嘉", "岩手県岩手郡雫石町字長山",
          "熊本県阿蘇郡小国町大字宮原", "新潟県南魚沼市大字六日町", "京都府京都市中京区河原町通三条上る下丸屋町"]


def _people(n: int, seed: int) -> list[dict[str, str]]:
    fk = Faker("ja_JP")
    fk.seed_instance(seed)
    return [{"name": fk.name(), "address": fk.address(), "phone": fk.phone_number(), "company": fk.company()}
            for _ in range(n)]


def _rural(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return [f"{_TOWNS[i % len(_TOWNS)]}{rnd.randint(1, 3000)}" for i in range(n)]


@pytest.mark.parametrize("text", ["長野県北佐久郡軽井沢町大字長倉1234", "沖縄県島尻郡久米島町字比嘉２１０",
                                  "京都府京都市中京区河原町通三条上る下丸屋町390", "神奈川県横浜市中区山下町123",
                                  "長野県北佐久郡軽井沢町長倉1234番"])
def test_a_lot_number_without_banchi_is_a_house(text):
    assert looks_like_home_address(text)


@pytest.mark.parametrize("text", ["東京都江東区倉庫1番棚", "東京都港区本館2階書庫", "東京都新宿区倉庫2号棚",
                                  "大阪府堺市堺区第3倉庫12", "東京都港区", "千葉県市川市倉庫棚12",
                                  "大阪府大阪市北区梅田支店2", "東京都港区芝浦営業所3", "東京都港区芝浦ビル5", "東京都江東区倉庫 3"])
def test_a_store_room_with_a_number_is_still_no_house(text):
    assert not looks_like_home_address(text)


def test_a_rural_staff_roster_is_persons():
    """A care home in the country: its staff live at 大字長倉1234 (lot numbers without 番地). staff12's rule needs 80 %
    house addresses and took these for none: 80 employees with home addresses and phones ended as nothing."""
    people = _people(80, 1201)
    homes = _rural(80, 1201)
    rows: Rows = [["担当者名", "住所", "電話"]] + [[p["name"], a, p["phone"]] for p, a in zip(people, homes, strict=True)]
    found = analyse_sheet("職員", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 80


@pytest.mark.parametrize("company", ["取引先", "取引先名", "得意先", "仕入先", "業者名", ""])
def test_a_client_companys_contact_list_is_no_staff_roster(company):
    """取引先 | 担当者名 | 住所 | 電話: each row a client company, its contact person and the company's address (a
    business contact list, as 会社名 | 担当者名 is). Only 会社名/社名/企業名 headers were refused: the other company
    words (and an unlabelled column of company names) made 40 client contacts persons at "their homes"."""
    people, firms = _people(40, 1202), _people(40, 1203)
    rows: Rows = [[company, "担当者名", "住所", "電話"]] + [
        [f["company"], p["name"], f["address"], f["phone"]] for p, f in zip(people, firms, strict=True)]
    found = analyse_sheet("取引先", iter(rows))
    assert found is None or found.kind != SheetKind.PERSONS


def test_a_staff_roster_with_its_workplaces_stays_persons():
    """The company-column refusal above must not take a roster's own workplaces (a care company's センター) for clients."""
    people = _people(40, 1204)
    sites = ["訪問介護センター", "デイサービスセンター北", "本社"]
    rows: Rows = [["担当者名", "配属先", "住所", "電話"]] + [
        [p["name"], sites[i % 3], p["address"], p["phone"]] for i, p in enumerate(people)]
    found = analyse_sheet("職員", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 40


def test_a_header_over_the_wrong_columns_is_read_by_the_values_when_its_phones_still_fit():
    """wild12 reads a sheet by its values when its header names a name/address and no column's values fit it; a
    header whose 氏名 and 住所 are over each other's values (a damaged or hand-edited copy) with its 電話 still right
    was nothing: the phone column fitted, so the rule never ran, and 80 names and addresses ended clean."""
    people = _people(80, 1205)
    rows: Rows = [["氏名", "住所", "電話"]] + [[p["address"], p["name"], p["phone"]] for p in people]
    found = analyse_sheet("名簿", iter(rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 80


def test_a_headerless_comma_csv_with_semicolon_lists_in_a_cell_keeps_its_records():
    """review12a #4 (fixed in tables13): the semicolons all lie in one comma field, a small part of each row; split at
    them, the row's other cells would all fall into one field. The comma is the separator."""
    from scanner.sheet import Caps
    from scanner.tables import read_tables

    people = _people(60, 1206)
    text = "\r\n".join(",".join([p["name"], p["address"].replace(" ", ""), p["phone"], "A;B;C;D;E;F;G;H"])
                       for p in people)
    book = read_tables(text.encode("utf-8"), Caps())
    found = analyse_sheet(book.sheets[0].name, iter(book.sheets[0].rows))
    assert found is not None and found.kind == SheetKind.PERSONS and found.count == 60


def test_sniffing_a_package_does_not_inflate_a_huge_content_types_part():
    """wild12 reads [Content_Types].xml whole to tell a damaged package (zf.read): a 600 KiB file whose part inflates
    to 600 MiB of zeros took 1.2 GB of memory in the scan (c294b33: 40 MB); 10 MiB would be 10 GiB. The read is
    capped: a damaged part still shows in its local header or its first bytes."""
    import io
    import tracemalloc
    import zipfile

    from scanner.tables import sniff_format

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("_rels/.rels", "<Relationships/>")
        with z.open("[Content_Types].xml", "w", force_zip64=True) as f:
            for _ in range(64):
                f.write(bytes(1 << 20))
        z.writestr("word/document.xml", "<w:document/>")
    data = buf.getvalue()
    tracemalloc.start()
    try:
        fmt = sniff_format(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert fmt == "zip-other" and peak < 16 << 20


def _flagged_encrypted(members: dict[str, bytes]) -> bytes:
    """A zip whose members carry the encryption flag (ZipCrypto's bit 0): zipfile refuses to read them."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    out = bytearray(buf.getvalue())
    for magic, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = out.find(magic)
        while i >= 0:
            out[i + at] |= 1
            i = out.find(magic, i + 4)
    return bytes(out)


def test_an_encrypted_zip_holding_a_content_types_part_is_encrypted_not_a_crash(tmp_path):
    """wild12's [Content_Types].xml read let zipfile's RuntimeError (an encrypted member) out of sniff_format: an
    encrypted .zip holding that part was "corrupt: archive: RuntimeError" with its members unlisted (c294b33:
    encrypted, each member listed), the same file named .xlsx "corrupt: spreadsheet: RuntimeError"."""
    import json

    from conftest import run_leakscan

    people = _people(10, 1207)
    csv = "氏名,住所,電話\n" + "\n".join(f'{p["name"]},{p["address"]},{p["phone"]}' for p in people)
    data = _flagged_encrypted({"[Content_Types].xml": b"<Types/>", "meibo.csv": csv.encode()})
    share = tmp_path / "share"
    share.mkdir()
    (share / "enc.zip").write_bytes(data)
    (share / "enc.xlsx").write_bytes(data)
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    said = {s["path"].rsplit("/", 1)[-1]: s for s in doc["skipped"]}
    assert said["enc.zip"]["reason"] == "encrypted" and "enc.zip » meibo.csv" in said
    assert "RuntimeError" not in said["enc.xlsx"].get("detail", "")
