"""A client list and copies of it retyped the way offices retype lists, with the truth of who is who.

One master list (Faker ja_JP names, real municipalities and towns from signatures/towns.tsv, fixed seed)
is written again by several "typists": each row of each copy picks its own spelling of every part that
staff vary (digit width, dash character, 丁目/番地/号 or hyphens, kanji numerals, 大字/字, 郡, the ward or
the designated city left out, the prefecture left out, ヶ/ケ/が/ヵ, old kanji in names, building and room
forms, spaces in names, 様/殿, furigana in hiragana or katakana, a postal code inside the address cell,
a trailing note) and its own column layout (one address cell, or 2-5 columns). The truth is the set of
person ids in the copies: families at one address, the same name at another address and the same name in
another room of one building are different people and are planted on purpose.

Every spelling here is one DOMAIN.md section 3 says must merge; nothing is tuned to the normaliser.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from faker import Faker
from openpyxl import Workbook

SEED = 90909
DASHES = ["-", "－", "‐", "―", "−", "ｰ", "ー", "‑"]
SEPARATORS = [".", "．", "/", "・", "･", "〜", "～", "_"]  # typed between block numbers in place of a dash
KANJI_DIGITS = "〇一二三四五六七八九"
_FULL = str.maketrans("0123456789", "０１２３４５６７８９")
_HALF_KANA = {ord(k): v for k, v in zip("アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンァィゥェォャュョッー",
                                       "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｧｨｩｪｫｬｭｮｯｰ", strict=True)}
# surnames with a variant spelling DOMAIN.md says to merge (NFKC leaves the variant as it is)
VARIANT_SURNAMES = [("高橋", "髙橋", "たかはし"), ("山崎", "山﨑", "やまざき"), ("渡辺", "渡邊", "わたなべ"),
                    ("渡辺", "渡邉", "わたなべ"), ("斎藤", "齋藤", "さいとう"), ("浜田", "濵田", "はまだ"),
                    ("宮崎", "宮嵜", "みやざき"), ("島田", "嶋田", "しまだ"), ("沢井", "澤井", "さわい")]
# places: (prefecture, municipality as Japan Post writes it, how it may be typed without a part)
# designated-city wards, Tokyo's 23 wards, county towns, and plain cities
MUNICIPALITIES = ["横浜市港北区", "大阪市北区", "名古屋市中区", "さいたま市浦和区", "福岡市博多区", "千代田区", "世田谷区",
                  "練馬区", "足立区", "小金井市", "八王子市", "松本市", "金沢市", "高崎市", "倉敷市", "西多摩郡瑞穂町",
                  "比企郡小川町", "愛甲郡愛川町", "三方上中郡若狭町", "龍ケ崎市", "鎌ケ谷市", "袖ケ浦市", "姶良郡湧水町"]
_NOT_IN_TOWN = set("〇一二三四五六七八九十百千のノ之番丁号条線通区0123456789")
_NO_IN_TOWN = set("のノ之")  # 桜ノ丘, 駒之町: allowed in a town (Session 10), typed ノ/之/の at random
ROOM_KINDS = ["コーポ", "ハイツ", "メゾン", "レジデンス", "パレス"]


def kanji_number(n: int) -> str:
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else KANJI_DIGITS[tens]) + "十" if tens else "") + (KANJI_DIGITS[ones] if ones else "")


def kanji_large(n: int) -> str:
    """1811 -> 千八百十一 (番地 up to 9999 written in kanji)."""
    out = ""
    for value, unit in ((1000, "千"), (100, "百")):
        k, n = divmod(n, value)
        if k:
            out += ("" if k == 1 else KANJI_DIGITS[k]) + unit
    return out + kanji_number(n)


@cache
def _table() -> dict[str, tuple[str, list[str]]]:
    """Every municipality of signatures/towns.tsv -> (prefecture, towns)."""
    out: dict[str, tuple[str, list[str]]] = {}
    for line in (Path(__file__).resolve().parents[1] / "signatures" / "towns.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line:
            continue
        _code, pref, muni, towns = line.split("\t")
        out[muni] = (pref, towns.split("|"))
    return out


def _towns(extra: int = 0, seed: int = SEED) -> dict[str, tuple[str, list[str]]]:
    """municipality -> (prefecture, its towns usable as a street address: no numerals, no 条/丁/番), for
    MUNICIPALITIES and ``extra`` more drawn from the whole table."""
    table = _table()
    munis = list(MUNICIPALITIES)
    if extra:
        munis += random.Random(seed).sample(sorted(set(table) - set(munis)), extra)
    out = {}
    for muni in munis:
        usable = [t for t in table[muni][1] if t and not ((_NOT_IN_TOWN - _NO_IN_TOWN) & set(t)) and len(t) <= 6]
        if usable:
            out[muni] = (table[muni][0], usable)
    return out


def placed_without_prefecture(p: Person) -> bool:
    """Only one municipality of that name (county left out) in the country has the town: the prefecture
    may be left out (美浜町和田 is not: Fukui, Aichi and Wakayama each have a 美浜町; 中央区日本橋 is not: Tokyo's
    and Osaka's 中央区 both have a 日本橋)."""
    county = _COUNTY.match(p.muni)
    name = county[2] if county else p.muni
    same = [m for m in _table() if m != p.muni and (m == name or m.endswith("郡" + name) or m.endswith("市" + name))]
    return not any(p.town in _table()[m][1] for m in same)


def town_unique_in_city(muni: str, town: str) -> bool:
    """Only one ward of the designated city has this town: the ward may be left out (名古屋市葵 is not, 東区
    and 中区 both have a 葵: no normaliser can tell, so the typist writes the ward)."""
    city = muni.split("市", 1)[0] + "市"
    return sum(1 for m, (_p, towns) in _table().items() if m.startswith(city) and m != muni and town in towns) == 0


@dataclass
class Person:
    pid: int
    sei: str
    mei: str
    sei_kana: str  # hiragana
    mei_kana: str
    variant_sei: str  # "" or an old/variant spelling of the surname
    pref: str
    muni: str
    town: str
    block: tuple[int, ...]  # (丁目, 番, 号) or (番地, 号)
    building: str  # "" or the building name
    room: int  # 0 or the room number
    postcode: str


@dataclass
class Row:
    pid: int
    sei: str
    mei: str
    name: str  # the name cell as typed (sei + mei when the layout has one name column)
    reading: str
    postcode: str
    parts: dict[str, str]  # pref, muni, town, block, building: each as typed
    note: str = ""


@dataclass
class Copy:
    relpath: str
    layout: str
    rows: list[Row] = field(default_factory=list)


# ---------------------------------------------------------------- the master list
def build_people(n: int, rnd: random.Random, fake: Faker, room_twins: bool = False, extra: int = 0,
                 seed: int = SEED) -> list[Person]:
    from faker.providers.person.ja_JP import Provider as Names

    towns = _towns(extra, seed)
    munis = sorted(towns)
    firsts = sorted(set(Names.first_name_female_pairs) | set(Names.first_name_male_pairs))
    people: list[Person] = []
    seen: set[tuple[str, str, str]] = set()

    def add(p: Person) -> None:
        people.append(p)

    while len(people) < n:
        pid = len(people)
        if pid < 2 * len(VARIANT_SURNAMES) and pid % 2 == 0:
            sei, variant, sei_kana = VARIANT_SURNAMES[pid // 2]
        else:
            sei, sei_kana_k, _r = fake.last_name_pair()
            sei_kana, variant = _hira(sei_kana_k), ""
        mei, mei_kana_k, _r = rnd.choice(firsts)
        muni = munis[pid % len(munis)]
        pref, usable = towns[muni]
        town = rnd.choice(usable)
        if (sei, mei, muni + town) in seen:
            continue
        block = (rnd.randint(1, 9), rnd.randint(1, 30), rnd.randint(1, 30)) if rnd.random() < 0.7 else \
            (rnd.randint(1, 2999), rnd.randint(1, 30))
        building, room = "", 0
        if rnd.random() < 0.3:
            building = f"{rnd.choice(ROOM_KINDS)}{fake.last_name()}"
            room = rnd.randint(1, 5) * 100 + rnd.randint(1, 9)
        seen.add((sei, mei, muni + town))
        add(Person(pid, sei, mei, sei_kana, _hira(mei_kana_k), variant, pref, muni, town, block, building, room,
                   fake.zipcode()))
        kind = rnd.random()
        if kind < 0.15:  # a family member at the same address: another person
            mei2, kana2, _r = rnd.choice(firsts)
            if mei2 != mei:
                add(Person(len(people), sei, mei2, sei_kana, _hira(kana2), variant, pref, muni, town, block,
                           building, room, people[-1].postcode))
        elif kind < 0.22 and len(usable) > 1:  # the same name at another address (another town): another person
            add(Person(len(people), sei, mei, sei_kana, _hira(mei_kana_k), variant, pref, muni,
                       rnd.choice([t for t in usable if t != town]), block, building, room, fake.zipcode()))
        elif building and room_twins and kind < 0.6:  # the same name in another room of the same building: another person
            add(Person(len(people), sei, mei, sei_kana, _hira(mei_kana_k), variant, pref, muni, town, block,
                       building, room + 100, people[-1].postcode))
    return people


def _hira(kata: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in kata)


def _kata(hira: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in hira)


# ---------------------------------------------------------------- one typist's spelling of one row
def _digits(n: int, width: str) -> str:
    return str(n).translate(_FULL) if width == "full" else str(n)


def block_text(p: Person, rnd: random.Random) -> str:
    width = rnd.choice(["half", "half", "full"])
    dash = rnd.choice(DASHES)
    d = [_digits(x, width) for x in p.block]
    if len(p.block) == 2:
        style = rnd.choice(["banchi", "hyphen", "ban", "banchino", "kanji", "katakana_no", "ban_only", "separator"])
        if style == "ban_only":  # 1811番6: 番 for 番地, no 号
            return f"{d[0]}番{d[1]}"
        if style == "separator":  # 1811.6, 1811・6 (Session 10)
            return rnd.choice(SEPARATORS).join(d)
        if style == "kanji":  # 千八百十一番地の六
            return f"{kanji_large(p.block[0])}番地{rnd.choice(['の', ''])}{kanji_number(p.block[1])}"
        if style == "katakana_no":
            return f"{d[0]}番地{rnd.choice(['ノ', '之'])}{d[1]}"
        if style == "banchi":
            return f"{d[0]}番地{d[1]}" + rnd.choice(["", "号"])
        if style == "ban":
            return f"{d[0]}番{d[1]}号"
        if style == "banchino":
            return f"{d[0]}番地の{d[1]}"
        return f"{d[0]}{dash}{d[1]}"
    style = rnd.choice(["kanji_full", "chome_ban_go", "chome_hyphen", "hyphen", "hyphen", "kanji_hyphen", "banchi", "no",
                        "separator"])
    if style == "no":  # 3の12の5
        return "の".join(d)
    if style == "separator":  # 3.12.5, 3/12/5, 3・12・5 (Session 10)
        return rnd.choice(SEPARATORS).join(d)
    if style == "kanji_full":
        return "".join(f"{kanji_number(x)}{w}" for x, w in zip(p.block, ("丁目", "番", "号"), strict=True))
    if style == "chome_ban_go":
        return f"{d[0]}丁目{d[1]}番{d[2]}号"
    if style == "chome_hyphen":
        return f"{rnd.choice([d[0], kanji_number(p.block[0])])}丁目{d[1]}{dash}{d[2]}"
    if style == "kanji_hyphen":  # 三-五: kanji numerals joined by a dash
        return dash.join(kanji_number(x) for x in p.block)
    if style == "banchi":
        return f"{d[0]}丁目{d[1]}番地{d[2]}"
    return dash.join(d)


def building_text(p: Person, rnd: random.Random, dash: str) -> tuple[str, str]:
    """(text glued after the block, text for a building column): rooms as 101号室, -101, #101, 101."""
    if not p.building:
        return "", ""
    room = _digits(p.room, rnd.choice(["half", "full"]))
    form = rnd.choice(["goshitsu", "space", "glued", "hash", "room_only_dash", "wing"])
    if form == "wing":  # A棟101, Ａ棟 １０１号
        text = f"{p.building}{rnd.choice(['A', 'Ａ'])}棟{room}{rnd.choice(['', '号', '号室'])}"
        return " " + text, text
    if form == "goshitsu":
        text = f"{p.building}{rnd.choice(['', ' ', '　'])}{room}号室"
    elif form == "space":
        text = f"{p.building} {room}"
    elif form == "glued":
        text = f"{p.building}{room}"
    elif form == "hash":
        text = f"{p.building}#{room}" if rnd.random() < 0.5 else f"{p.building} ＃{room}"
    else:
        return f"{dash}{room}", f"{dash}{room}"
    return rnd.choice([" ", "　", ""]) + text, text


def place_text(p: Person, rnd: random.Random) -> tuple[str, str, str]:
    """(prefecture, municipality, town) as one typist writes them."""
    pref, muni, town = p.pref, p.muni, p.town
    county = _COUNTY.match(muni)
    if county and rnd.random() < 0.5:
        muni = county[2]  # 西多摩郡瑞穂町 typed 瑞穂町 (郡山市 is a city, not a county)
    if "市" in muni and muni.endswith("区") and rnd.random() < 0.4:
        city, ward = muni.split("市", 1)
        if rnd.random() < 0.5 or not town_unique_in_city(p.muni, p.town):
            muni = ward  # the designated city left out
        else:
            muni = city + "市"  # the ward left out
    if rnd.random() < 0.3 and not (muni != p.muni and muni.endswith("区")) and placed_without_prefecture(p):
        pref = ""  # prefecture left out (東京都 before a ward too; not before a ward alone: 北区松ケ枝町 is in Osaka and Kobe)
    ga = [c for c in "ヶケがヵ" if c in town + muni]
    if ga:
        other = rnd.choice("ヶケがヵ")
        town, muni = town.replace(ga[0], other), muni.replace(ga[0], other)
    no = [c for c in "ノ之の" if c in town]
    if no and rnd.random() < 0.5:  # 三ノ輪 typed 三の輪 or 三之輪 (Session 10)
        town = town.replace(no[0], rnd.choice("ノ之の"))
    if rnd.random() < 0.15 and p.pref != "東京都":
        town = rnd.choice(["大字", "字"]) + town
    if rnd.random() < 0.3:  # an old or variant kanji in the place name (宮崎 -> 宮﨑)
        town, muni = town.translate(_OLD_FORMS), muni.translate(_OLD_FORMS)
    if pref and pref != "北海道" and rnd.random() < 0.08:
        pref = pref[:-1]  # 埼玉小川町: 都/府/県 left out
    return pref, muni, town


_COUNTY = re.compile(r"^(.+?郡)(.+[町村])$")
_TO_HYPHEN = str.maketrans({d: "-" for d in DASHES})
_DATE_LIKE = re.compile(r"([1-9])[-/](\d{1,2})[-/](\d{1,2})")
_OLD_FORMS = str.maketrans({"崎": "﨑", "高": "髙", "辺": "邊", "島": "嶋", "沢": "澤", "浜": "濱", "広": "廣", "斎": "齋",
                            "桜": "櫻", "国": "國", "栄": "榮", "富": "冨"})


def name_text(p: Person, rnd: random.Random) -> tuple[str, str]:
    sei = p.variant_sei if p.variant_sei and rnd.random() < 0.5 else p.sei
    return sei, p.mei


def render(p: Person, rnd: random.Random) -> Row:
    sei, mei = name_text(p, rnd)
    name = sei + rnd.choice([" ", "　", "", ""]) + mei
    if rnd.random() < 0.15:
        name += rnd.choice(["様", " 様", "殿", "　様"])
    elif rnd.random() < 0.05:
        name += rnd.choice(["（長女）", "(代理人あり)", " ※入院中"])  # a staff note after the name
    reading = p.sei_kana + rnd.choice([" ", "　", ""]) + p.mei_kana
    if rnd.random() < 0.5:
        reading = _kata(reading)
    elif rnd.random() < 0.3:
        reading = unicodedata.normalize("NFKC", _kata(reading)).translate(_HALF_KANA)
    pref, muni, town = place_text(p, rnd)
    dash = rnd.choice(DASHES)
    block = block_text(p, rnd)
    glued, column = building_text(p, rnd, dash)
    note = rnd.choice(["", "", "", "", " ※要連絡", "（施設入所中）", " 不在多し", " ※2024年3月入所", "（R6.4退所）"])
    return Row(p.pid, sei, mei, name, reading, p.postcode,
               {"pref": pref, "muni": muni, "town": town, "block": block, "building": column, "glued": glued},
               note)


# ---------------------------------------------------------------- layouts
LAYOUTS = {
    "one": ["No.", "氏名", "フリガナ", "郵便番号", "住所", "電話番号"],
    "postcode_inside": ["氏名", "ふりがな", "住所", "備考"],
    "split2": ["姓", "名", "セイ", "メイ", "〒", "住所1", "住所2"],
    "split3": ["氏名", "カナ", "住所", "番地", "建物名"],
    "split5": ["氏名", "フリガナ", "都道府県", "市区町村", "町名", "番地", "建物名"],
    "split5b": ["利用者氏名", "ﾌﾘｶﾞﾅ", "都道府県", "市区町村", "町域", "丁目番地", "方書"],
    "split4": ["氏名", "ふりがな", "郵便番号", "都道府県", "住所", "部屋番号"],
    "building2": ["氏名", "フリガナ", "住所1", "住所2"],
}


def cells(r: Row, layout: str) -> list[str]:
    pa = r.parts
    sep = " " if r.pid % 5 == 0 else ""  # 東京都 小金井市 本町 3-12-5: spaces between the parts
    whole = f"{pa['pref']}{sep}{pa['muni']}{sep}{pa['town']}{pa['block']}{pa['glued']}"
    phone = f"090-{1000 + r.pid:04d}-{5678 + r.pid % 7:04d}"
    if layout == "one":
        return [str(r.pid), r.name, r.reading, r.postcode, whole + r.note, phone]
    if layout == "postcode_inside":
        return [r.name, r.reading, f"〒{r.postcode} {whole}", r.note.strip()]
    if layout == "split2":
        head = pa["pref"] + pa["muni"]
        return [r.sei, r.mei, *_kata(r.reading).replace("　", " ").split(" ", 1), r.postcode, head,
                pa["town"] + pa["block"] + pa["glued"]] if " " in r.reading.replace("　", " ") else \
            [r.sei, r.mei, _kata(r.reading), "", r.postcode, head, pa["town"] + pa["block"] + pa["glued"]]
    if layout == "split3":
        return [r.name, r.reading, pa["pref"] + pa["muni"] + pa["town"], pa["block"], _room_cell(pa["building"])]
    if layout in ("split5", "split5b"):
        return [r.name, r.reading, pa["pref"], pa["muni"], pa["town"], pa["block"], _room_cell(pa["building"])]
    if layout == "split4":
        return [r.name, r.reading, r.postcode, pa["pref"], pa["muni"] + pa["town"] + pa["block"],
                _room_cell(pa["building"])]
    if layout == "building2":  # 住所1: up to the block, 住所2: the building and room
        return [r.name, r.reading, whole[:len(whole) - len(pa["glued"])], _room_cell(pa["building"])]
    raise ValueError(layout)


def _room_cell(building: str) -> str:
    """A building column holds the building and room, or the room alone (106, not -106: the dash was only
    typed to join it to the block)."""
    return building.strip(" 　" + "".join(DASHES))


def xlsx_bytes(rows: list[Row], layout: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "名簿"
    ws.append(LAYOUTS[layout])
    heads = LAYOUTS[layout]
    block_col = heads.index("番地") if "番地" in heads else heads.index("丁目番地") if "丁目番地" in heads else -1
    for r in rows:
        values: list[object] = list(cells(r, layout))
        typed = unicodedata.normalize("NFKC", str(values[block_col])).translate(_TO_HYPHEN) if block_col >= 0 else ""
        m = _DATE_LIKE.fullmatch(typed)
        if m and r.pid % 2 == 0:  # 3-12-5 typed in its own cell: Excel made it the date 2003-12-05
            try:
                values[block_col] = datetime.datetime(2000 + int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                pass
        ws.append(values)
    for row in ws.iter_rows():
        for c in row:
            if not isinstance(c.value, datetime.datetime):
                c.data_type = "s"  # 3-12-5 stays text where Excel did not take it for a date
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows: list[Row], layout: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(LAYOUTS[layout])
    for r in rows:
        w.writerow(cells(r, layout))
    return buf.getvalue().encode("utf-8-sig")  # Excel's "CSV UTF-8": cp932 has no U+2011


@dataclass
class Case:
    people: list[Person]
    copies: list[Copy]

    def truth(self) -> dict[str, int]:
        rows = [r for c in self.copies for r in c.rows]
        return {"records": len(rows), "persons": len({r.pid for r in rows})}


def build(n: int = 90, copies: int = len(LAYOUTS), seed: int = SEED, room_twins: bool = False, extra: int = 0) -> Case:
    """The master list of ``n`` people and ``copies`` retyped copies (each keeps about 85% of the people).

    ``room_twins`` plants the same name in another room of one building (a different person that keys
    ignoring the room cannot tell apart: see tests/test_persons_retyped.py)."""
    rnd = random.Random(seed)
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    people = build_people(n, rnd, fake, room_twins, extra, seed)
    out = []
    for k, layout in enumerate(list(LAYOUTS)[:copies]):
        members = [p for p in people if rnd.random() < 0.85]
        out.append(Copy(f"copy{k}/利用者名簿.xlsx" if k % 2 == 0 else f"copy{k}/利用者名簿.csv", layout,
                        [render(p, rnd) for p in members]))
    return Case(people, out)


def write(case: Case, root: Path) -> list[Path]:
    paths = []
    for c in case.copies:
        path = root / c.relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(xlsx_bytes(c.rows, c.layout) if path.suffix == ".xlsx" else csv_bytes(c.rows, c.layout))
        paths.append(path)
    return paths
