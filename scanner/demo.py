"""A synthetic care organisation's share, generated with Faker ja_JP and a fixed seed (never real data).

Used by ``leakscan demo`` and by the tests. It reproduces, by construction, the figures of the real case
that prompted leakscan: the leaked client list turns up 10 times on the organisation's PCs (under its
own name and under copy names, identical copies and re-saved versions, one inside a backup zip); the
copies found by the leaked file's name (the leak set) hold 2,382 records, 1,117 distinct name + address
strings, and 1,077 persons once 40 re-typed spellings are merged back (DOMAIN.md section 3). Around
them: an Excel owner file (with its user), a printout whose name holds the list's name (a lead), a
mailing list cut down from the list (found by its records only), keyword leads, decoys, a cp932 file
name, a symbolic link and a FIFO.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import random
import re
import struct
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import rules
from .detectors.lockfile import make_mso_owner

LEAKED_NAME = "介護予防_利用者名簿.xlsx"
ARCHIVE = "PC07/backup/backup_2017.zip"
DERIVED = "PC05/Users/staff/Documents/年賀状送付先_2017.csv"
HEADER = ["No", "氏名", "フリガナ", "性別", "生年月日", "郵便番号", "住所", "電話番号", "要介護度"]

# The real case: copies found holding records, records in the leak set, distinct strings, persons.
CASE = {"copies": 10, "records": 2382, "unique_exact": 1117, "unique": 1077}
PEOPLE = CASE["unique"]
# Three versions of the list (indexes into the people): 3 x 400 + 2 x 300 + 1 x 582 = 2,382 records.
ORIGINAL = range(0, 400)  # the list as it leaked (November 2016): five plain copies and the zip member
UPDATE = range(250, 550)  # re-saved in April 2017 (150 clients gone, 150 new): PC04, copied to PC02
LATEST = range(495, 1077)  # the list as kept in October 2017 on PC03's desktop
UPDATE_COPY = "PC02/Documents/介護予防_利用者名簿.xlsx"  # identical to PC04's re-save
LATEST_COPY = "PC03/Desktop/介護予防_利用者名簿.xlsx"
# How staff re-typed a client, and the normalisation rule that merges the spelling back
# (docs/reference.md "Counting the people affected"); five clients each, 25 in the update and 15 in the latest list.
RETYPINGS = {
    "wide_digits": "nfkc",  # ３丁目１２番５号
    "name_wide_space": "nfkc",  # 山田　太郎 (NFKC turns the ideographic space into an ASCII one)
    "name_no_space": "spaces",  # 山田太郎
    "variant_kanji": "variant_kanji",  # 髙橋, 山﨑, 渡邊, 齋藤, 中嶋
    "kanji_block": "kanji_numerals",  # 三丁目十二番五号
    "hyphen_block": "block_words",  # 3-12-5
    "long_vowel_block": "block_words",  # 3ー12ー5 (the katakana long vowel mark typed for a hyphen)
    "no_prefecture": "prefecture",  # 八王子市… without 東京都
}
RETYPED_EACH = 5
# The day the demo's dates count back from (the latest list's "平成29年10月現在"), never today: Faker's own
# date_of_birth counts back from the clock, so the workbooks, their SHA-256 and the report changed every day.
AS_OF = datetime.date(2017, 10, 1)


def birth_date(fake: object, minimum_age: int = 0, maximum_age: int = 115,
               as_of: datetime.date = AS_OF) -> datetime.date:
    """Faker's ``date_of_birth`` counted back from ``as_of`` instead of today: one draw of the seeded generator
    (as Faker's is), so the same seed gives the same date on any day. Used by the demo and the tests' data."""
    start = years_before(as_of, maximum_age + 1)
    end = years_before(as_of, minimum_age)
    born: datetime.date = fake.date_between_dates(start, end)  # type: ignore[attr-defined]
    return born if born != start else born + datetime.timedelta(days=1)


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` earlier (29 February -> 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


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
        birth = birth_date(fake, minimum_age=65, maximum_age=98)
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
    table = rules.load("municipalities")["municipalities"]
    return sorted(m for m, pref in table.items() if pref == "東京都" and m.endswith("市"))


_VARIANT_KANJI = {"高": "髙", "崎": "﨑", "辺": "邊", "斎": "齋", "沢": "澤", "浜": "濱", "広": "廣", "島": "嶋"}
_WIDE = str.maketrans("0123456789", "０１２３４５６７８９")
_ADDRESS = re.compile(r"^(東京都)(.+?市)(.*?)(\d+)丁目(\d+)番(\d+)号$")


def _kanji(n: int) -> str:
    """1..99 in kanji numerals as staff write block numbers: 5 -> 五, 12 -> 十二, 30 -> 三十."""
    digits = "〇一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def retyped(p: Person, kind: str) -> Person | None:
    """The same client as another member of staff typed them: one difference of kind ``kind``
    (see RETYPINGS), or None when the kind does not apply (no variant kanji in the name).

    Counting must merge these back (DOMAIN.md section 3), so unique persons < distinct strings.
    """
    m = _ADDRESS.match(p.address)
    if not m:
        return None
    pref, city, town, a, b, c = m.groups()
    name, address = p.name, p.address
    if kind == "wide_digits":
        address = address.translate(_WIDE)
    elif kind == "hyphen_block":
        address = f"{pref}{city}{town}{a}-{b}-{c}"
    elif kind == "long_vowel_block":
        address = f"{pref}{city}{town}{a}ー{b}ー{c}"
    elif kind == "kanji_block":
        address = f"{pref}{city}{town}{_kanji(int(a))}丁目{_kanji(int(b))}番{_kanji(int(c))}号"
    elif kind == "no_prefecture":
        address = address[len(pref):]
    elif kind == "name_wide_space":
        name = name.replace(" ", "\u3000")
    elif kind == "name_no_space":
        name = name.replace(" ", "")
    elif kind == "variant_kanji":
        at = next((i for i, ch in enumerate(name) if ch in _VARIANT_KANJI), None)
        if at is None:
            return None
        name = name[:at] + _VARIANT_KANJI[name[at]] + name[at + 1:]
    else:
        raise ValueError(kind)
    return replace(p, name=name, address=address)


def _retyped_clients(people: list[Person]) -> dict[str, dict[int, tuple[str, Person]]]:
    """Which clients are re-typed in which version: {version: {person index: (kind, retyped person)}}.

    Each re-typed client also appears typed as generated in an earlier version, so every re-typing
    adds one distinct string and no person.
    """
    pools = {"update": [i for i in UPDATE if i in ORIGINAL],
             "latest": [i for i in LATEST if i in UPDATE and i not in ORIGINAL]}
    share = {"update": 25, "latest": 15}
    kinds = [k for _ in range(RETYPED_EACH) for k in RETYPINGS]  # round robin: both versions get every kind
    out: dict[str, dict[int, tuple[str, Person]]] = {"update": {}, "latest": {}}
    used_kanji: set[str] = set()  # 髙, 﨑, 邊, 齋 ... each once while names allow it
    slot = 0
    for version, n in share.items():
        for kind in kinds[slot:slot + n]:
            found = [(i, typed) for i in pools[version]
                     if i not in out[version] and (typed := retyped(people[i], kind)) is not None]
            if not found:
                raise RuntimeError(f"no client left to re-type as {kind}")
            if kind == "variant_kanji":
                found.sort(key=lambda c: bool(set(c[1].name) & used_kanji))  # stable: unused kanji first
                used_kanji |= set(found[0][1].name) & set(_VARIANT_KANJI.values())
            i, typed = found[0]
            out[version][i] = (kind, typed)
        slot += n
    return out


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
    ws = wb.worksheets[0]  # a new workbook's one sheet (wb.active may be None for the type checker)
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


def simple_xlsx(rows: Sequence[Sequence[object]], sheet: str = "Sheet1") -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.worksheets[0]  # a new workbook's one sheet (wb.active may be None for the type checker)
    ws.title = sheet
    for r in rows:
        ws.append(list(r))
    return _save(wb)


def _cp932_zip(member: str, data: bytes) -> bytes:
    """A zip as Japanese Windows' Explorer writes it: the member name in cp932, flag bit 11 clear."""
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


def _leak_set_truth(leak_rows: list[list[tuple[int, Person]]], retypings: list[str]) -> dict[str, object]:
    """The generator's own count of what it wrote into the leak set (no normaliser involved)."""
    rows = [r for rows in leak_rows for r in rows]
    merges = Counter(RETYPINGS[k] for k in retypings)
    return {
        "records": len(rows),
        "unique_exact": len({(p.name.strip(), p.address.strip()) for _i, p in rows}),
        "unique": len({i for i, _p in rows}),
        "merges": dict(sorted(merges.items())),  # rules with at least one merge
    }


def build_share(root: Path, seed: int = 20161101) -> dict[str, object]:
    """Write the demo organisation under ``root``; return what a scan should find (for tests)."""
    people = make_people(PEOPLE, seed)
    typed = _retyped_clients(people)
    versions: dict[str, list[tuple[int, Person]]] = {
        "original": [(i, people[i]) for i in ORIGINAL],
        "update": [(i, typed["update"].get(i, ("", people[i]))[1]) for i in UPDATE],
        "latest": [(i, typed["latest"].get(i, ("", people[i]))[1]) for i in LATEST],
    }
    original = client_list_xlsx([p for _i, p in versions["original"]])
    update = client_list_xlsx([p for _i, p in versions["update"]], title="利用者名簿（平成29年4月更新）")
    latest = client_list_xlsx([p for _i, p in versions["latest"]],
                              title="介護予防事業 利用者名簿（平成29年10月現在）")
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
    resaved = "PC04/作業/介護予防_利用者名簿.xlsx"  # same name, other content
    resaved_csv = "PC04/作業/介護予防_利用者名簿.csv"
    _write(root / resaved, update, t0 + 86400 * 150)
    _write(root / UPDATE_COPY, update, t0 + 86400 * 152)
    _write(root / resaved_csv, client_list_csv([p for _i, p in versions["update"]]), t0 + 86400 * 151)
    _write(root / LATEST_COPY, latest, t0 + 86400 * 340)
    # a backup archive made on Japanese Windows: member name in cp932 without the UTF-8 flag
    _write(root / ARCHIVE, _cp932_zip(LEAKED_NAME, original), t0 + 86400 * 30)
    # a mailing list cut down from the client list (other name, split columns, cp932): found by records
    _write(root / DERIVED, mailing_list_csv(people[20:80]), t0 + 86400 * 60)
    owner = "PC02/Desktop/~$介護予防_利用者名簿.xlsx"
    _write(root / owner, make_mso_owner("staff"), t0)  # Excel's 165 bytes: the Office user name twice
    # a printout kept under a name that holds the list's name: a lead (name-contains), not a copy
    printout = "PC04/作業/介護予防_利用者名簿_印刷用.pdf"
    _write(root / printout, b"%PDF-1.4\n% printout of the client list (demo: no content)\n%%EOF\n", t0 + 86400 * 152)
    # decoys: an ordinary budget, a staff roll (keyword lead, no addresses), meeting notes
    _write(root / "PC01/Documents/予算_2016.xlsx", simple_xlsx([["項目", "金額"], ["消耗品", 12000], ["研修", 30000]]))
    _write(root / "PC03/職員名簿.xlsx", simple_xlsx([["氏名", "所属"], *[[p.name, "介護課"] for p in people[:5]]]))
    _write(root / "PC01/Documents/会議メモ.txt", "定例会議 議事メモ\n".encode())
    # a file name written by an old Japanese Windows client: cp932 bytes, not UTF-8
    cp932_dir = os.fsencode(root / "PC06")
    os.makedirs(cp932_dir, exist_ok=True)
    with open(os.path.join(cp932_dir, "利用者名簿_旧.xls".encode("cp932")), "wb") as f:
        f.write("項目,金額\r\n消耗品,12000\r\n研修,30000\r\n".encode("cp932"))  # an old system's CSV saved as .xls
    _write(root / "PC06/README.txt", b"old PC\n")
    # things a walker must not follow or block on
    link = root / "PC01/shortcut_to_PC03"
    if not link.is_symlink():
        link.symlink_to(root / "PC03")
    fifo = root / "PC01/pipe"
    if not fifo.exists() and hasattr(os, "mkfifo"):
        os.mkfifo(fifo)

    # PC03's user profile: the list opened from a USB stick (E:), as Windows recorded it (leakscan's traces)
    from .demo_traces import profile_artefacts

    traces = {}
    for rel, (data, when) in profile_artefacts(LEAKED_NAME).items():
        _write(root / "PC03" / rel, data, when.timestamp())
        traces[rel] = "PC03/" + rel

    member = f"{ARCHIVE} » {LEAKED_NAME}"
    # the leak set: the copies found by the leaked file's own name (reason `name`), with their rows
    leak_set = {identical[0]: "original", identical[2]: "original", member: "original",
                resaved: "update", UPDATE_COPY: "update", LATEST_COPY: "latest"}
    record_copies = [*identical, member, resaved, UPDATE_COPY, resaved_csv, LATEST_COPY]
    retypings = [kind for v in ("update", "latest") for kind, _p in typed[v].values()]  # one string each
    return {
        "people": people,
        "leaked_name": LEAKED_NAME,
        "identical": identical,  # the same bytes written as plain files
        "duplicate_group": [*identical, member],  # with the zip member: one group
        "duplicate_groups": [[*identical, member], [resaved, UPDATE_COPY]],  # largest first
        # every file the name rules must report as a copy (name or name-variant), relative to root
        "copies": [*record_copies, owner],
        "record_copies": record_copies,  # the copies holding records: "the leaked file turns up 10 times"
        "owner_file": owner,  # Excel's ~$ file: a lead (the list was open on PC02), no records
        "contains_lead": printout,  # its name holds the list's name: a lead, counted apart from copies
        "leak_set": sorted(leak_set),
        "archive_member": member,  # identical to the original, inside a zip
        "derived": [DERIVED],  # no name rule finds it: record overlap does
        # what the generator wrote into the leak set: records, distinct strings, persons, merges per rule
        "persons": _leak_set_truth([versions[v] for v in leak_set.values()], retypings),
        "retyped": {v: {i: kind for i, (kind, _p) in typed[v].items()} for v in typed},
        # leads by keyword, not copies (PC03's Recent shortcut is named after the list, so it holds 名簿)
        "keyword_only": ["PC03/職員名簿.xlsx", "PC06/利用者名簿_旧.xls",
                         *(p for p in traces.values() if p.endswith(".lnk"))],
        "trace_artefacts": sorted(traces.values()),  # PC03: shortcut, NTUSER.DAT, SYSTEM, setupapi.dev.log
        "cp932": ["PC06/利用者名簿_旧.xls"],
        "decoys": ["PC01/Documents/予算_2016.xlsx", "PC01/Documents/会議メモ.txt", "PC06/README.txt"],
        "links": ["PC01/shortcut_to_PC03"],
        "special": ["PC01/pipe"],
    }
