"""A synthetic care organisation's share, generated with Faker ja_JP and a fixed seed (never real data).

Used by ``leakscan demo`` and by the tests: several PCs' folders, the leaked client list under its own
name and under copy names, identical and re-saved copies, an Excel owner file, decoys, a symbolic link
and a FIFO.
"""

from __future__ import annotations

import csv
import io
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

LEAKED_NAME = "介護予防_利用者名簿.xlsx"
ARCHIVE = "PC07/backup/backup_2017.zip"
DERIVED = "PC05/Users/staff/Documents/年賀状送付先_2017.csv"
HEADER = ["No", "氏名", "フリガナ", "性別", "生年月日", "郵便番号", "住所", "電話番号", "要介護度"]


@dataclass(frozen=True)
class Person:
    name: str
    kana: str
    sex: str
    birth: str
    postcode: str
    address: str
    phone: str
    care: str


def make_people(n: int, seed: int = 20161101) -> list[Person]:
    """``n`` fictitious elderly people; the same seed always gives the same people."""
    from faker import Faker

    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    rnd = random.Random(seed)
    places = _tokyo_municipalities()
    people = []
    for _ in range(n):
        male = rnd.random() < 0.45
        last, first = fake.last_name_pair(), (fake.first_name_male_pair() if male else fake.first_name_female_pair())
        birth = fake.date_of_birth(minimum_age=65, maximum_age=98)
        block = f"{rnd.randint(1, 5)}丁目{rnd.randint(1, 30)}番{rnd.randint(1, 20)}号"
        phone = (f"090-{rnd.randint(1000, 9999)}-{rnd.randint(1000, 9999)}" if rnd.random() < 0.3
                 else f"042-{rnd.randint(300, 399)}-{rnd.randint(1000, 9999)}")
        people.append(Person(
            name=f"{last[0]} {first[0]}",
            kana=f"{last[1]} {first[1]}",
            sex="男" if male else "女",
            birth=birth.isoformat(),
            postcode=f"{rnd.randint(180, 208)}-{rnd.randint(0, 9999):04d}",
            address=f"東京都{rnd.choice(places)}{fake.town()}{block}",
            phone=phone,
            care=rnd.choice(["要支援1", "要支援2", "要介護1", "要介護2", "要介護3"]),
        ))
    return people


_FIXED_TIME = (2016, 11, 1, 9, 0, 0)


def _save(wb) -> bytes:
    """Save a workbook byte-for-byte reproducibly: fixed document times and zip member times.

    openpyxl stamps the current time into docProps/core.xml and every zip member, which would give
    the demo a different SHA-256 on every run.
    """
    import datetime
    import zipfile

    wb.properties.created = wb.properties.modified = datetime.datetime(*_FIXED_TIME)
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl sets "modified" to now on save
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2016-11-01T09:00:00Z", data)
            dst.writestr(fixed, data)
    return out.getvalue()


def _tokyo_municipalities() -> list[str]:
    """Real Tama-area municipalities from the shipped table, so demo addresses look like Tokyo ones."""
    from . import rules

    table = rules.load("municipalities")["municipalities"]
    return sorted(m for m, pref in table.items() if pref == "東京都" and m.endswith("市"))


def spelling_variant(p: Person) -> Person:
    """The same person as another member of staff typed them: full-width space, digits and hyphens.

    Counting must merge these back (DOMAIN.md section 3), so unique persons < distinct strings.
    """
    import unicodedata

    m = re.match(r"^(.*?)(\d+)丁目(\d+)番(\d+)号$", p.address)
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    address = f"{m.group(1)}{m.group(2)}－{m.group(3)}－{m.group(4)}".translate(wide) if m else p.address
    return Person(p.name.replace(" ", "\u3000"), unicodedata.normalize("NFKC", p.kana), p.sex, p.birth,
                  p.postcode, address, p.phone, p.care)


def mailing_list_csv(people: list[Person]) -> bytes:
    """A New Year card list cut down from the client list: split name and address columns, cp932."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["姓", "名", "郵便番号", "住所1", "住所2"])
    for p in people:
        family, given = p.name.split(" ", 1)
        m = re.match(r"^(東京都\w+?市)(.*)$", p.address)
        a1, a2 = (m.group(1), m.group(2)) if m else (p.address, "")
        w.writerow([family, given, p.postcode, a1, a2])
    return buf.getvalue().encode("cp932", errors="replace")


def person_row(i: int, p: Person) -> list[object]:
    return [i, p.name, p.kana, p.sex, p.birth, p.postcode, p.address, p.phone, p.care]


def client_list_xlsx(people: list[Person], title: str = "介護予防事業 利用者名簿（平成28年11月現在）") -> bytes:
    """The leaked workbook: a title in A1, a blank row, the header in row 3, one row per person."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "利用者一覧"
    ws.append([title])
    ws.append([])
    ws.append(HEADER)
    for i, p in enumerate(people, 1):
        ws.append(person_row(i, p))
    return _save(wb)


def client_list_csv(people: list[Person], encoding: str = "cp932") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADER)
    for i, p in enumerate(people, 1):
        w.writerow(person_row(i, p))
    return buf.getvalue().encode(encoding, errors="replace")


def simple_xlsx(rows: list[list[object]], sheet: str = "Sheet1") -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    return _save(wb)


def _cp932_zip(member: str, data: bytes) -> bytes:
    """A zip as Japanese Windows' Explorer writes it: the member name in cp932, flag bit 11 clear."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("placeholder", date_time=_FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
    raw = buf.getvalue()
    # rewrite the name in both headers with its cp932 bytes (same length field updated)
    name = member.encode("cp932")
    return _rename_single_member(raw, b"placeholder", name)


def _rename_single_member(raw: bytes, old: bytes, new: bytes) -> bytes:
    """Rebuild a one-member zip with another raw member name (zipfile always writes UTF-8 names)."""
    import struct

    lh_len = 30 + len(old)
    lh = bytearray(raw[:30])
    struct.pack_into("<H", lh, 26, len(new))
    comp_size = struct.unpack_from("<I", raw, 18)[0]
    body = raw[lh_len:lh_len + comp_size]
    cd_off = raw.index(b"PK\x01\x02")
    cd = bytearray(raw[cd_off:cd_off + 46])
    struct.pack_into("<H", cd, 28, len(new))
    struct.pack_into("<H", cd, 8, struct.unpack_from("<H", cd, 8)[0] & ~0x0800)
    struct.pack_into("<H", lh, 6, struct.unpack_from("<H", lh, 6)[0] & ~0x0800)
    new_lh = bytes(lh) + new
    new_cd = bytes(cd) + new
    eocd = bytearray(raw[raw.index(b"PK\x05\x06"):])
    struct.pack_into("<I", eocd, 12, len(new_cd))
    struct.pack_into("<I", eocd, 16, len(new_lh) + len(body))
    return new_lh + body + new_cd + bytes(eocd)


def _write(path: Path, data: bytes, mtime: float | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def build_share(root: Path, seed: int = 20161101) -> dict[str, object]:
    """Write the demo organisation under ``root``; return what a scan should find (for tests)."""
    people = make_people(120, seed)
    original = client_list_xlsx(people)
    variant_ids = set(range(0, 100, 10))  # ten people re-typed in the PC04 re-save
    resaved = client_list_xlsx([spelling_variant(p) if i in variant_ids else p for i, p in enumerate(people[:100])],
                               title="利用者名簿（抜粋）")
    t0 = 1478000000.0  # 2016-11-01
    identical = [
        "PC01/Documents/介護予防_利用者名簿.xlsx",
        "PC02/Desktop/介護予防_利用者名簿 - コピー.xlsx",
        "PC03/USB_backup/介護予防_利用者名簿.xlsx",
        "PC05/Users/staff/Downloads/介護予防_利用者名簿 (2).xlsx",
        "PC05/Users/staff/Documents/Copy of 介護予防_利用者名簿.xlsx",
    ]
    for rel in identical:
        _write(root / rel, original, t0)
    _write(root / "PC04/作業/介護予防_利用者名簿.xlsx", resaved, t0 + 86400)  # same name, other content
    _write(root / "PC04/作業/介護予防_利用者名簿.csv", client_list_csv(people[:100]), t0 + 86400 * 2)
    # a backup archive made on Japanese Windows: member name in cp932 without the UTF-8 flag
    _write(root / ARCHIVE, _cp932_zip(LEAKED_NAME, original), t0 + 86400 * 30)
    # a mailing list cut down from the client list (other name, split columns, cp932): found by records
    _write(root / DERIVED, mailing_list_csv(people[20:80]), t0 + 86400 * 60)
    _write(root / "PC02/Desktop/~$介護予防_利用者名簿.xlsx", b"\x05staff" + b" " * 49 + b"\x00" * 110, t0)
    # decoys: an ordinary budget, a staff roll (keyword lead, no addresses), meeting notes
    _write(root / "PC01/Documents/予算_2016.xlsx", simple_xlsx([["項目", "金額"], ["消耗品", 12000], ["研修", 30000]]))
    _write(root / "PC03/職員名簿.xlsx", simple_xlsx([["氏名", "所属"], *[[p.name, "介護課"] for p in people[:5]]]))
    _write(root / "PC01/Documents/会議メモ.txt", "定例会議 議事メモ\n".encode())
    # a file name written by an old Japanese Windows client: cp932 bytes, not UTF-8
    cp932_dir = os.fsencode(root / "PC06")
    os.makedirs(cp932_dir, exist_ok=True)
    with open(os.path.join(cp932_dir, "利用者名簿_旧.xls".encode("cp932")), "wb") as f:
        f.write(b"not really a workbook")
    _write(root / "PC06/README.txt", b"old PC\n")
    # things a walker must not follow or block on
    link = root / "PC01/shortcut_to_PC03"
    if not link.is_symlink():
        link.symlink_to(root / "PC03")
    fifo = root / "PC01/pipe"
    if not fifo.exists() and hasattr(os, "mkfifo"):
        os.mkfifo(fifo)
    return {
        "people": people,
        "leaked_name": LEAKED_NAME,
        "identical": identical,  # the same bytes written as plain files
        "duplicate_group": [*identical, f"{ARCHIVE} » {LEAKED_NAME}"],  # with the zip member: one group
        # every file the name rules must report as a copy (name or name-variant), relative to root
        "copies": [*identical, "PC04/作業/介護予防_利用者名簿.xlsx", "PC04/作業/介護予防_利用者名簿.csv",
                   "PC02/Desktop/~$介護予防_利用者名簿.xlsx", f"{ARCHIVE} » {LEAKED_NAME}"],
        "archive_member": f"{ARCHIVE} » {LEAKED_NAME}",  # identical to the original, inside a zip
        "derived": [DERIVED],  # no name rule finds it: record overlap does
        # persons in the leak set: 120 people; the ten re-typed ones add ten distinct strings
        "persons": {"unique": 120, "unique_exact": 120 + len(variant_ids)},
        "keyword_only": ["PC03/職員名簿.xlsx", "PC06/利用者名簿_旧.xls"],  # leads by keyword, not copies
        "cp932": ["PC06/利用者名簿_旧.xls"],
        "decoys": ["PC01/Documents/予算_2016.xlsx", "PC01/Documents/会議メモ.txt", "PC06/README.txt"],
        "links": ["PC01/shortcut_to_PC03"],
        "special": ["PC01/pipe"],
    }
