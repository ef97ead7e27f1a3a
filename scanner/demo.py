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
    people = []
    for _ in range(n):
        male = rnd.random() < 0.45
        last, first = fake.last_name_pair(), (fake.first_name_male_pair() if male else fake.first_name_female_pair())
        birth = fake.date_of_birth(minimum_age=65, maximum_age=98)
        people.append(Person(
            name=f"{last[0]} {first[0]}",
            kana=f"{last[1]} {first[1]}",
            sex="男" if male else "女",
            birth=birth.isoformat(),
            postcode=fake.postcode(),
            address=f"{fake.prefecture()}{fake.city()}{fake.town()}{fake.chome()}{fake.ban()}{fake.gou()}",
            phone=fake.phone_number(),
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


def _write(path: Path, data: bytes, mtime: float | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def build_share(root: Path, seed: int = 20161101) -> dict[str, object]:
    """Write the demo organisation under ``root``; return what a scan should find (for tests)."""
    people = make_people(120, seed)
    original = client_list_xlsx(people)
    resaved = client_list_xlsx(people[:100], title="利用者名簿（抜粋）")
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
        "identical": identical,  # one duplicate group
        # every file the name rules must report as a copy (name or name-variant), relative to root
        "copies": [*identical, "PC04/作業/介護予防_利用者名簿.xlsx", "PC04/作業/介護予防_利用者名簿.csv",
                   "PC02/Desktop/~$介護予防_利用者名簿.xlsx"],
        "keyword_only": ["PC03/職員名簿.xlsx", "PC06/利用者名簿_旧.xls"],  # leads by keyword, not copies
        "cp932": ["PC06/利用者名簿_旧.xls"],
        "decoys": ["PC01/Documents/予算_2016.xlsx", "PC01/Documents/会議メモ.txt", "PC06/README.txt"],
        "links": ["PC01/shortcut_to_PC03"],
        "special": ["PC01/pipe"],
    }
