"""A leak scenario whose truth is known, for counting persons and finding derived copies.

A master list of people (Faker ja_JP, fixed seed) is written as several versions of the leaked list
with overlapping subsets; some people are written in variant forms (each normalisation rule of
DOMAIN.md section 3 at least twice), a few carry a typo that is only a *probable* match, and a
mailing list is derived from the leak (split columns, reordered, cp932 CSV). Every expected number
is computed from the generator's own truth (person ids and the rule used for each variant), never
typed in.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from faker import Faker
from openpyxl import Workbook

from scanner import rules
from scanner.persons.normalise import record_key_and_reading

SEED = 5150
RULE_NAMES = ["nfkc", "spaces", "excel_dates", "variant_kanji", "name_forms", "hyphens", "kanji_numerals", "block_words",
              "prefecture", "place_names", "building", "look_alikes", "long_vowels", "town",
              "old_municipality"]  # plan order: new rules last
# given names written in katakana, and the same name with the long vowel as ー (long_vowels)
LONG_VOWEL_NAMES = [("ユウコ", "ユーコ"), ("ヨウコ", "ヨーコ"), ("タロウ", "タロー"), ("ジョウジ", "ジョージ"), ("コウジ", "コージ"),
                    ("シュウヘイ", "シューヘイ")]
# real towns whose name holds a number or a variant kanji, and how staff type it: only the town
# gazetteer (signatures/towns.tsv) tells that both are one town (town)
GAZETTEER_TOWNS = [("北海道", "旭川市", "東光十三条", "東光13条"), ("北海道", "札幌市北区", "北十六条西", "北16条西"),
                   ("和歌山県", "和歌山市", "七番丁", "7番丁"), ("三重県", "名張市", "つつじが丘北三番町", "つつじが丘北3番町"),
                   ("東京都", "千代田区", "麹町", "麴町"), ("北海道", "上川郡東川町", "一号北", "1号北")]
# real towns of municipalities formed by a merger, and the old municipality's name (signatures/old_municipalities.toml)
OLD_MUNICIPALITY_TOWNS = [("埼玉県", "さいたま市浦和区", "高砂", "浦和市"), ("静岡県", "静岡市清水区", "旭町", "清水市"),
                          ("東京都", "西東京市", "東町", "保谷市"), ("東京都", "西東京市", "南町", "田無市")]
# surnames whose spelling has a variant form that must merge (DOMAIN.md: NFKC does not change them)
VARIANT_SURNAMES = [("高橋", "髙橋", "タカハシ"), ("山崎", "山﨑", "ヤマザキ"), ("宮崎", "宮嵜", "ミヤザキ"),
                    ("渡辺", "渡邊", "ワタナベ"), ("田辺", "田邉", "タナベ"), ("斎藤", "齋藤", "サイトウ"),
                    ("浜田", "濵田", "ハマダ"), ("浜口", "濱口", "ハマグチ"), ("沢井", "澤井", "サワイ"),
                    ("広瀬", "廣瀬", "ヒロセ"), ("島田", "嶋田", "シマダ")]
PROBABLE_SURNAMES = [("斎木", "斉木", "サイキ"), ("斎藤", "斉藤", "サイトウ")]
_NOT_IN_TOWNS = set("〇一二三四五六七八九十百千のノ之番丁号0123456789０１２３４５６７８９ＪＰ")
_KANJI = "〇一二三四五六七八九"
_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def kanji_number(n: int) -> str:
    """12 -> 十二, 20 -> 二十, 7 -> 七 (how block numbers are written in kanji)."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _KANJI[tens]) + "十" if tens else "") + (_KANJI[ones] if ones else "")


@dataclass
class Person:
    pid: int
    sei: str
    mei: str
    sei_kana: str
    mei_kana: str
    postcode: str
    pref: str
    city: str
    town: str
    block: tuple[int, int, int]
    building: str
    hyphen_style: bool  # block written 3-12-5 rather than 3丁目12番5号
    variant_sei: str = ""  # the variant-kanji spelling of the surname, if it has one
    probable_sei: str = ""  # a similar but different kanji (斉 for 斎)

    def name(self, sei: str | None = None, sep: str = " ") -> str:
        return f"{sei or self.sei}{sep}{self.mei}"

    def reading(self) -> str:
        return f"{self.sei_kana} {self.mei_kana}"

    def block_text(self, form: str = "") -> str:
        c, b, g = self.block
        if form == "kanji":
            return f"{kanji_number(c)}丁目{kanji_number(b)}番{kanji_number(g)}号"
        if form == "hyphen" or (not form and self.hyphen_style):
            return f"{c}-{b}-{g}"
        return f"{c}丁目{b}番{g}号"

    def address(self, form: str = "", pref: bool = True, building: bool = True, sep: str = "") -> str:
        block = self.block_text(form)
        text = f"{self.pref if pref else ''}{sep}{self.city}{self.town}{block}"
        return f"{text} {self.building}" if building and self.building else text


@dataclass
class Row:
    """One rendered row and its truth: who it is and which rule (if any) its spelling exercises."""

    pid: int
    name: str
    reading: str
    postcode: str
    address: str
    rule: str = ""  # the one normalisation rule this spelling needs, "" for the base form
    probable: str = ""  # a probable-only spelling (counted as another person by design)


@dataclass
class File:
    relpath: str
    role: str  # leak, copy, reference, derived, unrelated
    rows: list[Row]
    fmt: str = "xlsx"  # xlsx, or csv (cp932, split and reordered columns)


@dataclass
class Scenario:
    people: list[Person]
    files: list[File] = field(default_factory=list)
    outsiders: list[Person] = field(default_factory=list)  # people who are not in the leaked list

    def leak_rows(self) -> list[Row]:
        return [r for f in self.files if f.role in ("leak", "copy", "reference") for r in f.rows]


def _variant(p: Person, rule: str) -> Row:
    """The person written so that exactly ``rule`` is needed to see it is the same person."""
    name, address = p.name(), p.address()
    if rule == "nfkc":
        if p.pid % 2:
            address = address.translate(_FULL)
        else:
            name = f"{p.sei[0]}\U000e0100{p.sei[1:]} {p.mei}"  # an IVS selector after the first kanji
    elif rule == "spaces":
        if p.pid % 2:
            name = p.name(sep="")
        else:
            address = p.address(sep=" ")
    elif rule == "variant_kanji":
        name = p.name(sei=p.variant_sei)
    elif rule == "name_forms":  # 様 typed after the name, or the reading in brackets
        name = f"{p.name()} 様" if p.pid % 2 else f"{p.name()}（{p.reading()}）"
    elif rule == "place_names":  # 大字/字 written before the town
        address = address.replace(p.city + p.town, f"{p.city}{'大字' if p.pid % 2 else '字'}{p.town}", 1)
    elif rule == "excel_dates":  # 3-12-5 typed in its own cell: Excel made it a date
        c, b, g = p.block
        block = f"{2000 + c}-{b:02d}-{g:02d}" if p.pid % 2 else f"{2000 + c}/{b}/{g}"
        address = f"{p.pref}{p.city}{p.town}{block}" + (f" {p.building}" if p.building else "")
    elif rule == "hyphens":
        address = p.address().replace("-", "ー" if p.pid % 2 else "−")
    elif rule == "kanji_numerals":
        address = p.address(form="kanji")
    elif rule == "block_words":
        address = p.address(form="hyphen")
    elif rule == "prefecture":
        address = p.address(pref=False)
    elif rule == "look_alikes":  # 巿 (U+5DFF) typed or converted for 市
        address = address.replace("市", "巿", 1)
    elif rule == "long_vowels":
        name = f"{p.sei} {dict(LONG_VOWEL_NAMES)[p.mei]}"
    elif rule == "town":
        variant = next(v for _p, _c, t, v in GAZETTEER_TOWNS if t == p.town)
        address = address.replace(p.city + p.town, p.city + variant, 1)
    elif rule == "old_municipality":  # the address as written before the merger
        old = next(o for _p, c, t, o in OLD_MUNICIPALITY_TOWNS if c == p.city and t == p.town)
        address = address.replace(p.city + p.town, old + p.town, 1)
    elif rule == "building":
        # with a building: written without it; without one: a building and room added
        address = p.address(building=False) if p.building else f"{p.address()} コーポ{p.town}{p.pid % 9 + 1}01"
    return Row(p.pid, name, p.reading(), p.postcode, address, rule=rule)


def _base(p: Person) -> Row:
    return Row(p.pid, p.name(), p.reading(), p.postcode, p.address())


def _cities() -> list[tuple[str, str]]:
    table = rules.load("municipalities")["municipalities"]
    return sorted((c, pref) for c, pref in table.items() if c.endswith("市") and "郡" not in c)


def build(n: int = 160, seed: int = SEED) -> Scenario:
    """The people and every file of the scenario (nothing written yet)."""
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    rnd = random.Random(seed)
    from faker.providers.address.ja_JP import Provider as Addr
    from faker.providers.person.ja_JP import Provider as Names

    towns = [t for t in Addr.towns if not _NOT_IN_TOWNS & set(t)]
    cities = _cities()
    firsts = list(Names.first_name_female_pairs) + list(Names.first_name_male_pairs)
    seen: set[tuple[str, str]] = set()
    people: list[Person] = []
    while len(people) < n:
        pid = len(people)
        if pid < 2 * len(VARIANT_SURNAMES):
            sei, variant, kana = VARIANT_SURNAMES[pid % len(VARIANT_SURNAMES)]
            probable = ""
        elif pid < 2 * len(VARIANT_SURNAMES) + len(PROBABLE_SURNAMES):
            sei, probable, kana = PROBABLE_SURNAMES[pid - 2 * len(VARIANT_SURNAMES)]
            variant = ""
        else:
            sei, kana, _r = fake.last_name_pair()
            variant = probable = ""
        mei, mei_kana, _r = rnd.choice(firsts)
        if (sei, mei) in seen:
            continue
        seen.add((sei, mei))
        city, pref = rnd.choice(cities)
        building = f"{rnd.choice(Addr.building_names)}{fake.last_name()} {rnd.randint(1, 9)}0{rnd.randint(1, 9)}" \
            if rnd.random() < 0.3 else ""
        people.append(Person(pid, sei, mei, kana, mei_kana, fake.zipcode(), pref, city, rnd.choice(towns),
                             (rnd.randint(1, 29), rnd.randint(1, 29), rnd.randint(1, 29)), building,
                             hyphen_style=rnd.random() < 0.4, variant_sei=variant, probable_sei=probable))
    sc = Scenario(people)

    # which people are written in which variant form: every rule at least twice, in two versions
    ids = list(range(2 * len(VARIANT_SURNAMES) + len(PROBABLE_SURNAMES), n))
    rnd.shuffle(ids)
    v2_ids = set(range(0, int(n * 0.8)))
    v3_ids = set(range(int(n * 0.3), n))
    plan: dict[str, list[int]] = {}
    for rule in RULE_NAMES:
        if rule == "variant_kanji":
            plan[rule] = [p.pid for p in people if p.variant_sei][:6]
            continue
        wanted = [i for i in ids if ((people[i].hyphen_style == (rule == "hyphens")) or rule not in
                  ("hyphens", "kanji_numerals", "block_words"))
                  and (rule != "excel_dates" or (people[i].hyphen_style and people[i].block[0] <= 9
                                             and people[i].block[1] <= 12))][:4]
        plan[rule] = wanted
        ids = [i for i in ids if i not in wanted]
    for k, pid in enumerate(plan["long_vowels"]):  # their given name is written in katakana
        people[pid].mei = people[pid].mei_kana = LONG_VOWEL_NAMES[k % len(LONG_VOWEL_NAMES)][0]
    for k, pid in enumerate(plan["town"]):  # they live in a real town whose name the gazetteer knows
        people[pid].pref, people[pid].city, people[pid].town, _typed = GAZETTEER_TOWNS[k % len(GAZETTEER_TOWNS)]
    for k, pid in enumerate(plan["old_municipality"]):  # they live in a town of a merged municipality
        people[pid].pref, people[pid].city, people[pid].town, _old = OLD_MUNICIPALITY_TOWNS[k % len(OLD_MUNICIPALITY_TOWNS)]
    variant_of = {pid: rule for rule, pids in plan.items() for pid in pids}

    def version(members: set[int]) -> list[Row]:
        return [_base(p) for p in people if p.pid in members]

    # V1: the list as it left the office; V2 and V3: older/newer versions with variant spellings
    v1 = [_base(p) for p in people]
    half = {pid for i, pid in enumerate(sorted(variant_of)) if i % 2 == 0}
    v2 = [(_variant(people[r.pid], variant_of[r.pid]) if r.pid in half and r.pid in v2_ids else _base(people[r.pid]))
          for r in version(v2_ids)]
    v3 = [(_variant(people[r.pid], variant_of[r.pid]) if r.pid in variant_of and r.pid not in half else _base(people[r.pid]))
          for r in version(v3_ids)]
    # the variant people not in V3 (or V2) are written in V2 (or V3) too, so each rule is seen twice
    for pid in sorted(variant_of):
        target = v3 if pid in half else v2
        if not any(r.pid == pid and r.rule for r in target):
            target.append(_variant(people[pid], variant_of[pid]))
    v3 += v3[:3]  # rows repeated inside one file
    probable_people = [p for p in people if p.probable_sei]
    for p in probable_people:  # 斉 for 斎: probable, never merged
        v3.append(Row(p.pid, p.name(sei=p.probable_sei), p.reading(), p.postcode, p.address(),
                      probable="kanji_probable"))
    for p in people[-2:]:  # one block number mistyped: probable, never merged
        c, b, g = p.block
        typo = Person(**{**p.__dict__, "block": (c, b, g % 29 + 1)})
        v2.append(Row(p.pid, p.name(), p.reading(), p.postcode, typo.address(), probable="one_block_number"))

    sc.files = [
        File("honbu/介護予防_利用者名簿.xlsx", "leak", v1),
        File("jimu/old/介護予防_利用者名簿.xlsx", "leak", v2),
        File("kojin/USB/介護予防_利用者名簿.xlsx", "leak", v3),
        File("backup/20240412.xlsx", "copy", list(v1)),  # same bytes as V1: found by --known-hashes
    ]
    # a mailing list cut from the leak: split and reordered columns, cp932 CSV, a few new people
    leaked_ids = sorted({r.pid for f in sc.files for r in f.rows})
    picked = rnd.sample(leaked_ids, 40)
    outsiders = _outsiders(fake, rnd, towns, cities, 8, start=10_000)
    sc.outsiders += outsiders
    derived = [_variant(people[i], "block_words") if people[i].hyphen_style is False and i % 3 == 0 else _base(people[i])
               for i in picked] + [_base(p) for p in outsiders]
    sc.files.append(File("eigyo/宛名ラベル_2024.csv", "derived", derived, fmt="csv"))
    # a staff list sharing only three people: below --min-overlap
    staff_out = _outsiders(fake, rnd, towns, cities, 12, 20_000)
    sc.outsiders += staff_out
    staff = [_base(people[i]) for i in picked[:3]] + [_base(p) for p in staff_out]
    sc.files.append(File("somu/職員名簿.xlsx", "unrelated", staff))
    # the organisation's current original list, outside the share: everyone, plus two new clients
    new_clients = _outsiders(fake, rnd, towns, cities, 2, 30_000)
    sc.outsiders += new_clients
    sc.files.append(File("reference/利用者名簿_原本.xlsx", "reference", v1 + [_base(p) for p in new_clients]))
    return sc


def _outsiders(fake: Faker, rnd: random.Random, towns: list[str], cities: list[tuple[str, str]], k: int,
               start: int) -> list[Person]:
    out = []
    for i in range(k):
        sei, kana, _r = fake.last_name_pair()
        mei, mei_kana, _r = fake.first_name_female_pair()
        city, pref = rnd.choice(cities)
        out.append(Person(start + i, sei, f"{mei}{'子美'[i % 2]}", kana, mei_kana, fake.zipcode(), pref, city,
                          rnd.choice(towns), (rnd.randint(30, 39), rnd.randint(1, 29), rnd.randint(1, 29)), "",
                          hyphen_style=False))
    return out


# ---------------------------------------------------------------- writing the files
def xlsx_bytes(rows: list[Row], title: str = "利用者一覧") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "名簿"
    ws.append([title])
    ws.append(["No.", "氏名", "フリガナ", "郵便番号", "住所", "電話番号"])
    for i, r in enumerate(rows, 1):
        ws.append([i, r.name, r.reading, r.postcode, r.address, f"090-{1000 + r.pid % 9000:04d}-{5678:04d}"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows: list[Row], people: dict[int, Person]) -> bytes:
    """cp932, no BOM, columns split (姓/名, 住所1/住所2) and reordered, as Excel would save it."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["郵便番号", "住所1", "住所2", "姓", "名", "セイ", "メイ"])
    for r in rows:
        sei, _sp, mei = r.name.partition(" ")
        p = people[r.pid]
        head = r.address.split(p.town, 1)[0] + p.town
        w.writerow([r.postcode, head, r.address[len(head):], sei, mei, p.sei_kana, p.mei_kana])
    return buf.getvalue().encode("cp932")


@dataclass
class Written:
    share: Path
    paths: dict[str, Path]  # relpath -> path
    reference: Path
    known_hashes: Path


def write(sc: Scenario, root: Path) -> Written:
    """Write the share (everything but the reference), the reference and a sha256sum file."""
    share = root / "share"
    paths: dict[str, Path] = {}
    cache: dict[int, bytes] = {}
    for f in sc.files:
        base = root if f.role == "reference" else share
        path = base / f.relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if f.fmt == "csv":
            data = csv_bytes(f.rows, _all_people(sc))
        else:
            key = id(f.rows) if f.role != "copy" else id(sc.files[0].rows)
            data = cache.get(key) or xlsx_bytes(f.rows)
            cache[key] = data
        path.write_bytes(data)
        paths[f.relpath] = path
    copy = next(f for f in sc.files if f.role == "copy")
    digest = hashlib.sha256(paths[copy.relpath].read_bytes()).hexdigest()
    known = root / "known.sha256"
    known.write_text(f"{digest}  {copy.relpath}\n", encoding="utf-8")
    ref = next(f for f in sc.files if f.role == "reference")
    return Written(share, paths, paths[ref.relpath], known)


def _all_people(sc: Scenario) -> dict[int, Person]:
    return {p.pid: p for p in sc.people + sc.outsiders}


# ---------------------------------------------------------------- the truth
def expected(sc: Scenario, min_overlap: int = 10) -> dict:
    """Every number the scan must report, from the generator's truth."""
    leak = sc.leak_rows()
    exact = {(r.name.strip(), r.address.strip()) for r in leak}
    persons = {r.pid for r in leak if not r.probable}
    probables = {(r.pid, r.probable, r.name, r.address) for r in leak if r.probable}
    merges = Counter()
    for rule in RULE_NAMES:
        merges[rule] = len({(r.pid, r.name, r.address) for r in leak if r.rule == rule})
    leak_people = persons | {pid for pid, *_ in probables}
    overlap = {}
    for f in sc.files:
        if f.role in ("derived", "unrelated"):
            ids = {r.pid for r in f.rows}
            shared = ids & persons
            overlap[f.relpath] = {"records": len(shared), "persons": len(ids),
                                  "flagged": len(shared) >= min_overlap}
    return {
        "records": len(leak),
        "unique_exact": len(exact),
        "unique": len(persons) + len(probables),
        "merges": dict(merges),
        "probable_total": len(probables),
        "overlap": overlap,
        "leak_people": leak_people,
    }


def key_and_room(name: str, address: str) -> tuple[tuple[str, str], str]:
    """record_key and the room path of the building part set aside (normalise.record_key_and_reading without the links
    after \x1e; persons16 removed the production function that did only this, used by tests alone)."""
    key, reading = record_key_and_reading(name, address)
    return key, reading.partition("\x1e")[0]
