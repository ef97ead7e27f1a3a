"""Value validators for personal data in cells (DOMAIN.md section 2): each is a pure function on one value.

Used to confirm a column that its header suggests, and to find columns of header-less sheets. Every
comparison runs on an NFKC copy; the original text is never rewritten.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache

from .. import rules

EXCEL_EPOCH = dt.date(1899, 12, 30)
_HYPHENS = "－‐−―ーｰ—–‑"
_HYPHEN_RE = re.compile(f"[{_HYPHENS}]")


def nfkc(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def _digits_only(text: str) -> str:
    return re.sub(r"[\s\-()]", "", _HYPHEN_RE.sub("-", text))


# --- numbers with check digits ---------------------------------------------------------------------

def my_number_valid(value: object) -> bool:
    """個人番号: 12 digits, check digit from weights 6,5,4,3,2,7,6,5,4,3,2 (hyphens/spaces allowed)."""
    d = _digits_only(nfkc(value))
    if not re.fullmatch(r"\d{12}", d):
        return False
    weights = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    r = sum(int(c) * w for c, w in zip(d[:11], weights, strict=True)) % 11
    return int(d[11]) == (0 if r <= 1 else 11 - r)


def corporate_number_valid(value: object) -> bool:
    """法人番号: 13 digits, the first is 9 - (sum Pn*Qn mod 9), Pn counted from the right, Qn 1 odd / 2 even."""
    d = _digits_only(nfkc(value))
    if not re.fullmatch(r"\d{13}", d):
        return False
    body = d[1:][::-1]
    total = sum(int(c) * (1 if i % 2 == 0 else 2) for i, c in enumerate(body))
    return int(d[0]) == 9 - total % 9


# --- postal codes and phones -----------------------------------------------------------------------

_POSTCODE = re.compile(r"(?<![\d-])〒?\s*(\d{3})-(\d{4})(?![\d-])")
_POSTCODE_BARE = re.compile(r"^(?:〒\s*)?(\d{7})$")


def find_postcode(value: object, labelled: bool = False) -> str | None:
    """A postal code as NNN-NNNN. Seven bare digits count only next to 〒 or in a 郵便番号 column."""
    t = _HYPHEN_RE.sub("-", nfkc(value))
    m = _POSTCODE.search(t)
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    m = _POSTCODE_BARE.match(t.strip())
    if m and (labelled or t.startswith("〒")):
        return f"{m.group(1)[:3]}-{m.group(1)[3:]}"
    return None


def normalise_phone(value: object) -> str | None:
    """Digits of a Japanese phone number (+81 -> 0) when it has a valid shape, else None."""
    t = nfkc(value)
    if re.search(r"[^\d\s\-()+]", _HYPHEN_RE.sub("-", t)):
        return None
    d = _digits_only(t)
    if d.startswith("+81"):
        d = "0" + d[3:].lstrip("0")
    if not d.isdigit():
        return None
    if re.fullmatch(r"0[5789]0\d{8}", d):
        return d
    if re.fullmatch(r"0[1-9]\d{8}", d) and not re.match(r"0[5789]0", d):
        return d  # fixed line: 10 digits; 050/070/080/090 numbers always have 11
    return None


# a phone of a plan other than Japan's: North American (504-621-8927, (504) 621-8927, 1-504-621-8927, 001-504-621-8927:
# area code and exchange never start with 0 or 1, a 4-digit line) or written with its country code (+44 20 7946 0958)
_NANP = re.compile(r"(?:(?:\+?1|001)[\s.\-]?)?\(?[2-9]\d\d\)?[\s.\-]?[2-9]\d\d[\s.\-]\d{4}")
_INTERNATIONAL = re.compile(r"\+[1-9][\d\s.\-()]{7,18}\d")
# Japan's country code without the '+' (81-90-1234-5678) or after an international prefix (0081-3-..., 010-81-...)
_JAPAN_CODE = re.compile(r"(?:00|010[\s\-]?)?81[\s\-]")
# what follows a phone in its cell: an extension (-123, 内線12, ext. 12, x123, #12) or a switchboard mark ((代), 代表)
_PHONE_TAIL = re.compile(r"\s*(?:\((?:代|代表)\)|代表|(?:内線|ext\.?|x|#)\s*\d{1,5}|-\s*\d{1,5})$", re.IGNORECASE)


def looks_like_phone(v: object) -> bool:
    """A phone number that fits a numbering plan: Japan's (:func:`normalise_phone`: 10 digits 0[1-9], 11 for
    050/070/080/090; or written as one, a digit off: 045-8766-2073), North America's or one written with its country
    code. Grouped digits of another kind are no phone: a parcel or lot number 010-00966-000 (010 is Japan's
    international prefix; a 3-digit last group), a code 12-3456-7890 without a leading 0 (tables13). A number of such
    a plan stays one with an extension or a switchboard mark after it (03-1234-5678-123, 内線12, （代）) or with
    Japan's country code written without the '+' (81-90-1234-5678): often the only contact of a 連絡網's rows, and no
    part of the address column beside it (review13d)."""
    t = nfkc(v).strip()
    if _fits_a_plan(t, loose=True):
        return True
    if _DOTTED_PHONE.fullmatch(t) and _fits_a_plan(t.replace(".", "-"), loose=True):
        return True
    head = _PHONE_TAIL.sub("", t, count=1)
    return head != t and _fits_a_plan(head, loose=False)


def lost_zero_phone(v: object) -> bool:
    """Digits that are a Japanese phone with its leading 0 put back (a number cell lost it: 312345678, 9012345678)."""
    t = nfkc(v)
    return t.isdigit() and len(t) in (9, 10) and t[0] != "0" and normalise_phone("0" + t) is not None


def _fits_a_plan(t: str, loose: bool) -> bool:
    """``loose``: the Japanese shape a digit off counts too (a whole cell; not a number cut from its tail)."""
    digits = sum(ch.isdigit() for ch in t)
    if not 10 <= digits <= 15 or not all(ch.isdigit() or ch in " -()+." for ch in t):
        return False
    if (m := _JAPAN_CODE.match(t)) is not None and normalise_phone("+81" + t[m.end():]):
        return True
    return bool(normalise_phone(t) or loose and _JAPANESE_SHAPE.fullmatch(t) or _NANP.fullmatch(t)
                or _INTERNATIONAL.fullmatch(t))


# a mobile or IP phone (070/080/090/050, the next digit never 0) saved as a number: its leading 0 lost (9012345678).
# Alone it is no phone (an order or member number of a fixed 80/90 prefix looks the same): header-less only in a column
# that mixes such mobiles with fixed lines so saved (headerless._lost_zero_phones), else under a phone header
LOST_ZERO_MOBILE = re.compile(r"[5789]0[1-9]\d{7}")
# written with dots (03.1234.5678, 090.1234.5678): three groups, the last of four digits (no decimal number or version)
_DOTTED_PHONE = re.compile(r"0\d{1,4}\.\d{1,4}\.\d{4}")
# a Japanese number as written, one digit off the plan (045-8766-2073, typed with a digit too many): the trunk 0, an
# area code not starting 0 and not Japan's international prefix 010, a 4-digit subscriber number last
_JAPANESE_SHAPE = re.compile(r"0(?!10)[1-9]\d{0,3}[\s\-(）)]+\d{2,4}[\s\-]+\d{4}")


# --- dates -----------------------------------------------------------------------------------------

ERAS = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018,
        "明": 1867, "大": 1911, "昭": 1925, "平": 1988, "令": 2018,
        "M": 1867, "T": 1911, "S": 1925, "H": 1988, "R": 2018}
_ERA_DATE = re.compile(
    r"^(明治|大正|昭和|平成|令和|明|大|昭|平|令|[MTSHR])\s*(元|\d{1,2})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$",
    re.IGNORECASE)
_ISO_DATE = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def excel_serial_date(value: float) -> dt.date | None:
    """An Excel date serial (1900 system, epoch 1899-12-30) within 1900..2100, else None."""
    if isinstance(value, bool) or not 1 <= value < 73051:
        return None
    return EXCEL_EPOCH + dt.timedelta(days=int(value))


def parse_date(value: object, serials: bool = False) -> dt.date | None:
    """A date from a cell: date objects, 和暦 text (昭和20年5月3日, S20.5.3, ㍼20年5月3日), 1945/05/03.

    ``serials``: also read a bare number as an Excel serial (only in a column labelled as a date).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):
        return excel_serial_date(float(value)) if serials else None
    t = nfkc(value)  # NFKC turns ㍼ into 昭和 and full-width digits into ASCII
    if not t:
        return None
    if t.endswith("生") or t.endswith("生まれ"):  # 昭和20年5月3日生 (履歴書, 申込書): a birth date
        t = t.removesuffix("まれ").removesuffix("生").rstrip()
    m = _ERA_DATE.match(t)
    if m:
        era = m.group(1).upper() if m.group(1).isascii() else m.group(1)
        year = 1 if m.group(2) == "元" else int(m.group(2))
        return _date(ERAS[era] + year, int(m.group(3)), int(m.group(4)))
    m = _ISO_DATE.match(t)
    if m:
        return _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if serials and re.fullmatch(r"\d{4,5}(?:\.0+)?", t):
        return excel_serial_date(float(t))
    return None


# --- sex -------------------------------------------------------------------------------------------

_SEX = {"男": "男", "男性": "男", "女": "女", "女性": "女", "m": "男", "male": "男", "f": "女", "female": "女",
        "おとこ": "男", "おんな": "女"}


def parse_sex(value: object) -> str | None:
    """男 or 女 from 男/女/男性/女性/M/F/Male/Female; None for anything else (numeric codes are ambiguous)."""
    return _SEX.get(nfkc(value).casefold())


# --- names and addresses ---------------------------------------------------------------------------

_PREF = re.compile(r"(東京都|北海道|(?:京都|大阪)府|[^\s\d]{2,3}県)")
_MUNI = re.compile(r"[^\s\d]{1,6}?(?:市|区|町|村|郡)")
_BLOCK = re.compile(r"\d|[一二三四五六七八九十]+丁目|番地|番|号")
_ORG = re.compile(r"株式会社|有限会社|合同会社|\(株\)|\(有\)|㈱|㈲|法人|協会|組合|センター|病院|医院|クリニック|"
                  r"施設|事業所|学校|大学|役所|役場|ホーム|会館|工場|支店|本店|営業所|"
                  r"事務所|商店|商事|商会|建設|工務店|薬局|銀行|"  # review9c: 山田・田中法律事務所, 鈴木商店 were persons
                  # review16b: a role's 名称 (納品先名称, 請求先名称) names shops and branches (イオン 幕張店), nurseries,
                  # clinics, restaurants and a firm's department; no person's name ends in 店
                  r"\S店(?=[\s(（]|$)|歯科|保育園|幼稚園|こども園|農園|喫茶|レストラン|食堂|美容室|整骨院|接骨院|"
                  r"(?:経理|総務|営業|人事|購買|資材|業務|管理|庶務)部(?=[\s(（]|$)|"
                  r"\b(?:inc|ltd|llc|corp|co|company|gmbh)\b\.?|"
                  # European legal forms (tables15: Nom | Adresse over Bailly Henry et Fils, Clerc SARL, Louis S.A.S.),
                  # the short ones in capitals only (Sa, Ag are no legal form); those of two capitals only after the
                  # firm's name and last: B.V. Raju, KG Nair, S.A. Khan are people's initials (review15e)
                  r"\bet fils\b|\b(?-i:SAS|SARL|EURL|SNC|SCI|ApS|SpA|Srl)(?!\w)|"
                  r"(?<!\w)(?-i:S\.A\.(?:S\.|R\.L\.)|S\.p\.A\.|S\.r\.l\.|A/S)|"
                  r"(?<=[\w.])[\s,]+(?-i:SA|AG|KG|BV|NV|SL|S\.A\.|S\.L\.|B\.V\.|N\.V\.)(?!\w)\W*$", re.IGNORECASE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々〆ヶ]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_PERSON_SPACED = re.compile(r"^[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々〆ヶ]{1,5}[ \u3000]"
                            r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々〆ヶ]{1,6}$")


def looks_like_address(value: object, strict: bool = False) -> bool:
    """An address: prefecture or municipality, and (strict) block numbers. Latin text passes when not strict; strict, a
    Japanese address written in English order (1-2-3 Nishishinjuku, Shinjuku-ku, Tokyo: :func:`looks_like_romaji_address`)."""
    t = nfkc(value)
    if len(t) < 2 or len(t) > 200 or parse_date(t) or _is_number(t):
        return False
    if _CJK.search(t):
        place = bool(_PREF.search(t) or _MUNI.search(t))
        return place and bool(_BLOCK.search(t)) if strict else place or bool(_BLOCK.search(t))
    return bool(_LATIN.search(t)) and (not strict or looks_like_romaji_address(t))


# a Japanese address in English order, as foreign residents' lists write it (tables26): a block number (1-2-3, 4-5)
# and a municipality with its romanised ending (Shinjuku-ku, Kawasaki-shi, Kita City) or a prefecture (Tokyo,
# Kanagawa-ken, Osaka Prefecture), in either order. A block number never starts with 0 (a phone's 03-1234-5678) nor
# follows a + (+81-3-…), and is no date (2024-05-01) nor a postcode alone (106-0032); an address's words are names, a
# sentence's lowercase words (Trip to Tokyo, Tokyo office, login from Osaka, 2-3 pm) are none (review26t: each of
# them with a date or a phone number was a strict address, and 30 such rows of an expense list 30 persons)
_ROMAJI_BLOCK = re.compile(r"(?<![\d+-])[1-9]\d{0,3}(?:-\d{1,4}){1,3}(?![\d-])")
_ROMAJI_NO_BLOCK = re.compile(r"(?:19|20)\d\d-\d{1,2}(?:-\d{1,2})?|\d{3}-\d{4}")
_ROMAJI_PLACE = re.compile(r"\b[A-Z][a-z]+(?:-(?:ku|shi|cho|machi|mura|son|gun|ken|to|fu|dori)|\s+(?:City|Ward|Town|"
                           r"Village|Prefecture))\b|\b(?:Tokyo|Osaka|Kyoto|Hokkaido)\b")
_SENTENCE_WORD = re.compile(r"(?<![\w-])[a-z]{2,}(?![\w-])")


def looks_like_romaji_address(value: object) -> bool:
    """A Japanese address written in Latin letters in English order: a block number and a romanised place (1-2-3
    Nishishinjuku, Shinjuku-ku, Tokyo; Roppongi 4-5-6, Minato-ku, Tokyo 106-0032), no word of a sentence."""
    t = nfkc(value)
    return (_ROMAJI_PLACE.search(t) is not None and _SENTENCE_WORD.search(t) is None
            and any(not _ROMAJI_NO_BLOCK.fullmatch(m[0]) for m in _ROMAJI_BLOCK.finditer(t)))


# a house's block number: 1-2-3, 2丁目3番4号, 三丁目, 123番地, 5番12号 (not a shelf's 1番棚 or a floor's 2階)
_HOUSE_BLOCK = re.compile(r"\d+\s*[-ー－―‐−の]\s*\d+|\d+\s*丁目|[一二三四五六七八九十]+丁目|\d+\s*番地|\d+\s*番\s*\d|\d+\s*号(?![棚庫室機館棟])")
# a rural or old-town lot number ending the address (軽井沢町大字長倉1234, 字比嘉210, 山下町123, 長倉1234番; a building may
# follow): after a town's name, not after a store room, shelf, floor, office or a katakana building (倉庫12, 棚12,
# 営業所3, 梅田支店2, ビル5)
_LOT_END = re.compile(r"(?<![\d\s\-庫棚室階館棟号番店社所課係\u30a0-\u30ffA-Za-z])\d{1,5}\s*番?(?=\s|$)")


def looks_like_home_address(value: object) -> bool:
    """A Japanese address down to a house: a prefecture or municipality and a block number after it (東京都多摩市三筋3丁目
    26番17号, 新宿区西新宿2-8-1), as people's own addresses are written; a place where things are kept (…区倉庫1番棚, 本館2階
    書庫) has none. Latin addresses with a street number pass too."""
    t = nfkc(value)
    if len(t) < 4 or len(t) > 200:
        return False
    if not _CJK.search(t):
        return bool(_STREET.match(t))
    place = _PREF.search(t) or _MUNI.search(t)
    return place is not None and (_HOUSE_BLOCK.search(t, place.end()) or _LOT_END.search(t, place.end())) is not None


_COMPANY = re.compile(r"株式会社|有限会社|合同会社|合資会社|合名会社|\(株\)|\(有\)|㈱|㈲")


def looks_like_company(value: object) -> bool:
    """A company's name by its legal form (山崎保険株式会社, (有)中村水産): a client's or supplier's, not a workplace's
    センター or ホーム."""
    return _COMPANY.search(nfkc(value)) is not None


# a facility by its name's ending (七尾市 避難所一覧: 矢田郷地区コミュニティセンター, 中島公民館, 能登島小学校, 和倉消防署; a head's
# office: 本町郵便局, 新宿駅, 駅前店, 湖畔ホテル: review17b): a row about a place, whose address is the place's (wild17); an
# organisation's legal or trade word (_ORG) says so too
_FACILITY_END = re.compile(r"(?:館|所|署|校|園|院|場|局|駅|店|ホテル|旅館|ホール|プラザ|ハウス|センター|寺|神社|教会|公園|広場|団地|庁舎)$")


def looks_like_facility(value: object) -> bool:
    """The name of a facility or an organisation (a public hall, a school, a clinic, a company), not of a person."""
    t = nfkc(value).strip()
    return 1 < len(t) <= 60 and (_FACILITY_END.search(t) is not None or _ORG.search(t) is not None)


def looks_like_name(value: object) -> bool:
    """A short personal name (CJK or Latin), not an organisation, number, date or long text."""
    t = nfkc(value)
    if not t or len(t) > 40 or _is_number(t) or parse_date(t) or _ORG.search(t):
        return False
    if not (_CJK.search(t) or _LATIN.search(t)):
        return False
    digits = sum(c.isdigit() for c in t)
    return digits <= 2 and "@" not in t and "http" not in t.casefold() and not _public_office(t)


_SPACES = re.compile(r"\s+")


@cache
def shop_types() -> tuple[str, ...]:
    """The trade words that before or after a katakana family name make a shop's name (理容イケダ, イケダ眼科:
    signatures/pii_columns.toml [facility_kana] shop_types), longest first."""
    words = rules.load("pii_columns").get("facility_kana", {}).get("shop_types", [])
    return tuple(sorted(words, key=len, reverse=True))


@cache
def workplace_marks() -> tuple[str, ...]:
    """The marks of a workplace that a plain address cell with no numeral and no place ending names alone (本社, 大阪支店):
    [staff] office_marks without its building_marks (ビル, 会館, センター: a home's building too, tables26), NFKC
    casefolded."""
    staff = rules.load("pii_columns").get("staff", {})
    buildings = set(staff.get("building_marks", []))
    return tuple(unicodedata.normalize("NFKC", m).casefold() for m in staff.get("office_marks", []) if m not in buildings)


@cache
def regions() -> frozenset[str]:
    """Japan's regions (東北, 関東, 近畿: signatures/pii_columns.toml [japanese_regions]): a column of them is no names."""
    return frozenset(rules.load("pii_columns").get("japanese_regions", {}).get("names", []))


@cache
def facility_kana_words() -> tuple[str, ...]:
    """The katakana words that end a facility's name after its place (テラス, ランド: signatures/pii_columns.toml
    [facility_kana])."""
    return tuple(rules.load("pii_columns").get("facility_kana", {}).get("words", []))


@cache
def facility_given_names() -> frozenset[str]:
    """The facility words that are also a given name (アリーナ, ロビー: signatures/pii_columns.toml [facility_kana])."""
    return frozenset(rules.load("pii_columns").get("facility_kana", {}).get("given_names", []))


def is_region_name(value: object) -> bool:
    """A region of Japan, whole or spread with spaces to a column's width (東北, 東　北). Only a column of them is no
    name column (:func:`scanner.detectors.pii._region_column`): 北　陸 (Kita Riku) and 東　海 (Azuma Kai) are real
    names too, persons in a list of names (tables22 refused every one: 2 of 10 persons lost, review22t)."""
    return _SPACES.sub("", nfkc(value)) in regions()


def _public_office(t: str) -> bool:
    """A public body's head written as the office (香川県知事, 高松市長, 香南町長): a licence register's applicant, no
    person's name (wild21: Takamatsu's register of halls counted 香川県知事 and 高松市長 as 9 persons)."""
    if t.endswith("知事"):
        return t[:-2].replace(" ", "") in PREFECTURES
    if not t.endswith(("市長", "区長", "町長", "村長")) or " " in t:
        return False
    body = t[:-1]  # (a prefecture before it: 香川県高松市長)
    bare = next((body[len(p):] for p in PREFECTURES if body.startswith(p) and len(body) > len(p)), body)
    if bare == body and body in _former_surnames():  # 北村長: 北村 長 more likely than the mayor of a village merged
        return False  # away (北村, 2006); written with its prefecture (北海道北村長) it is the office (tables22)
    return bare in _municipality_names()  # (not is_municipality, a pattern: 中村長, 大町長 are names; review21w)


@cache
def _former_surnames() -> frozenset[str]:
    """Former villages' and towns' names of one letter and 村 or 町 (no town of today's by that name) shaped as family
    names (北村, 西村, 大町: each kanji seen at its place in family names); 香南町, 高松市 are no one's name."""
    from .person_names import family_shape
    today = rules.load("municipalities")
    now = {*today.get("municipalities", {}), *today.get("ambiguous", {})}
    return frozenset(n for n in _municipality_names() - now if len(n) == 2 and n[1] in "村町" and family_shape(n))


@cache
def _municipality_names() -> frozenset[str]:
    """Every municipality's name as Japan Post writes it, today's (signatures/municipalities.toml: 高松市, 中村区,
    名古屋市中村区, 北区) and former (old_municipalities.toml: 香南町, merged into 高松市 in 2006)."""
    old = rules.load("old_municipalities")
    today = rules.load("municipalities")
    names = {*today.get("municipalities", {}), *today.get("ambiguous", {}),  # (北区, 府中市: several prefectures')
             *(o.get("name") for o in old.get("old", []) if isinstance(o, dict)),
             *(r[1] for r in old.get("generated", {}).get("rows", []) if isinstance(r, list) and len(r) > 1)}
    return frozenset(n for n in names if isinstance(n, str) and n)


def looks_like_spaced_name(value: object) -> bool:
    """A Japanese name written 姓 名 with a space: how header-less lists show people (place names have none)."""
    t = str(value).strip()
    return bool(_PERSON_SPACED.match(t)) and not _ORG.search(t) and not _PREF.match(t)


def _is_number(t: str) -> bool:
    return bool(re.fullmatch(r"[+\-]?[\d,]+(?:\.\d+)?", t))


# --- parts of split addresses, Latin addresses, damaged cells ------------------------------------------

PREFECTURES = frozenset(
    "北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 神奈川県 新潟県 富山県 石川県 "
    "福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 大阪府 兵庫県 奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 "
    "山口県 徳島県 香川県 愛媛県 高知県 福岡県 佐賀県 長崎県 熊本県 大分県 宮崎県 鹿児島県 沖縄県".split())
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^(?:https?://|www\.)", re.IGNORECASE)
_BLOCK_ONLY = re.compile(r"^[\d\-ー－―‐−丁目番地号のノ之\s#.,/]+$")
_BLOB = re.compile(r"[0-9A-Fa-f]{32,}|[A-Za-z0-9+/]{64,}")
_STREET = re.compile(r"^(?:\d+[A-Za-z]?(?:[-/]\d+[A-Za-z]?)?|P\.?\s?O\.?\s+Box\s+\d+)\s+[A-Za-z\u00c0-\u024f]", re.IGNORECASE)
_PLACE_WORDS = re.compile(r"^[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f .'\-]{1,40}$")
_ZIP = re.compile(r"^\d{5}(?:-\d{4})?$|^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$|^[A-Z]\d[A-Z]\s?\d[A-Z]\d$", re.IGNORECASE)
_LEADING_POSTCODE = re.compile(
    r"^\s*(?:〒\s*([0-9０-９]{3})\s*[-ー－―‐−]?\s*([0-9０-９]{4})|([0-9０-９]{3})\s*[-ー－―‐−]\s*([0-9０-９]{4}))[\s\u3000,、]*")


def is_email(value: object) -> bool:
    return bool(_EMAIL.match(nfkc(value)))


def is_blob(value: object) -> bool:
    """A run of hex or base64 (a photo or file pasted into a cell, or a line spilt from one): no address."""
    return bool(_BLOB.search(str(value)))


def is_prefecture(value: object) -> bool:
    """A prefecture alone (奈良県, 東京都, 北海道): the first column of a split address."""
    return nfkc(value) in PREFECTURES


def is_prefecture_name(value: object) -> bool:
    """A prefecture's name with or without 都/府/県, spaces dropped: statistics by prefecture pad two-character
    names to three with a full-width space (青　森), which reads like a spaced person's name."""
    t = re.sub(r"\s+", "", nfkc(value))
    return t in PREFECTURES or any(t + s in PREFECTURES for s in "都府県")


# a municipality alone, its prefecture and county before it at most (渋谷区, 横浜市磯子区, 香取郡多古町, 東京都新島村): the first
# column of an address split after the city (市区町村 | 町名番地), whose town need not end in 町 (中央1-2-3: tables19)
_MUNI_ALONE = re.compile(r"(?:東京都|北海道|(?:京都|大阪)府|[^\s\d]{2,3}県)?(?:[^\s\d]{1,5}郡)?[^\s\d]{1,5}?[市区町村]"
                         r"(?:[^\s\d]{1,4}?区)?")


def is_municipality(value: object) -> bool:
    """A municipality alone (渋谷区, 横浜市磯子区, 香取郡多古町): a split address's city column (:data:`_MUNI_ALONE`)."""
    return _MUNI_ALONE.fullmatch(nfkc(value).replace(" ", "").replace("\u3000", "")) is not None


# a town's name (kana or kanji, not a room, shelf, floor or office's word) and its block number, or the name alone: what
# follows a municipality column (中央1-2-3, 緑が丘3-4-5, 本町; not 会議室1-2, 倉庫3-1)
_TOWN_START = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々ヶ]{1,8}(?<![室棚庫階館棟号番店社所課係場])(?:\s*\d|$)")


def starts_with_town(value: object) -> bool:
    """A town's name with its block number or alone (:data:`_TOWN_START`): the column after a municipality's."""
    return _TOWN_START.match(nfkc(value).strip()) is not None


# people20: a town of Japan Post's list (signatures/towns.tsv, the gazetteer's) and its block of two or three numbers, with
# no municipality before it in the cell or in a column (本町2-5-10, 緑が丘3丁目4-5, 新町5-26-5 コーポ山田101): a home's
# address typed by someone who left out the city (a town-level list). Never a word that is no town (会議室1-2, 倉庫3-1)
_TOWN_BLOCK = re.compile(r"([\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff々ヶ]{1,12}?)(?:[一二三四五六七八九十]{1,3}丁目)?\s*\d{1,4}(?:丁目|番地?|[-ー‐])\s*\d{1,4}"
                         r"(?:(?:番地?|号|[-ー‐])\s*\d{1,4})?(?:号|番地?)?(?!\d)")


@cache
def _town_names() -> frozenset[str]:
    """Every town name of signatures/towns.tsv (117,212 in the 2026 data), without the municipality."""
    return frozenset(t for row in rules.load_table("towns") if len(row) == 4 for t in row[3].split("|"))


# review20p: towns of the list that are a wing, an office or a direction alone (本館, 新館, 西館, 本部, 東, 北: a town
# somewhere), a staff list's seat or desk before its numbers (本館3-1, 東1-2): 40 staff were persons at 本館1-1
_NOT_TOWN = re.compile(r"[東西南北上下中前後内外左右]|[本新旧別東西南北中上下]?[館棟部室局課]")


def is_town_block(value: object) -> bool:
    """A known town's name and its block, nothing before (:data:`_TOWN_BLOCK`); never a wing, an office or a direction
    alone (:data:`_NOT_TOWN`)."""
    m = _TOWN_BLOCK.match(nfkc(value).strip())
    return m is not None and not _NOT_TOWN.fullmatch(m.group(1)) and m.group(1) in _town_names()


# a care level or a resident's status (要介護3, 要支援1, 事業対象者, 自立, 入所中, 入院中, 死亡): a client list's column that is
# never a part of the address before it, constant at a care home or not (tables19: …5番9号要介護3)
_CARE_WORD = re.compile(r"(?:要介護(?:度)?\s*[1-5一二三四五]|要支援\s*[12一二]|経過的要介護|事業対象者|自立|非該当|"
                        r"(?:認定)?申請中|在宅|死亡|転出|(?:施設)?(?:入所|入居|入院|退所|退居|退院)(?:中|済み?)?)")


def is_care_word(value: object) -> bool:
    """A care level or a resident's status alone (:data:`_CARE_WORD`)."""
    return _CARE_WORD.fullmatch(nfkc(value).strip()) is not None


def starts_with_prefecture(value: object) -> bool:
    t = nfkc(value)
    return any(t.startswith(p) for p in (t[:3], t[:4])) and (t[:3] in PREFECTURES or t[:4] in PREFECTURES)


def looks_like_address_part(value: object) -> bool:
    """One part of a split address: municipality, town, block number, building or room (not a phone,
    e-mail, postal code or date typed as text). Excel dates count: a block typed as 3-12-5 becomes one."""
    if isinstance(value, dt.date | dt.datetime):
        return True
    t = nfkc(int(value) if isinstance(value, float) and value.is_integer() else value)
    if not t or len(t) > 120 or _EMAIL.match(t) or _URL.match(t) or is_blob(t):
        return False
    if normalise_phone(t) or looks_like_phone(t) or find_postcode(t, labelled=False) == t.lstrip("〒").strip():
        return False
    if parse_sex(t) or parse_date(t):
        return False
    if _CJK.search(t):
        return True
    if _BLOCK_ONLY.match(t):  # 3-12-5; but 045-8766-2073 (a phone with a digit too many) is no block: 0 leads
        # no phone either: 0 leading 10 digits or more, or 7 digits or more alone (a number cell's phone that lost its
        # 0, 312345678; no block or room has so many)
        return (any(c.isdigit() for c in t) and not (t[:1] == "0" and sum(c.isdigit() for c in t) >= 10)
                and not (t.isdigit() and len(t) >= 7))
    return bool(_LATIN.search(t))


def looks_like_latin_street(value: object) -> bool:
    """A street with a house number: 6649 N Blue Gum St, 12 High St, PO Box 12."""
    return bool(_STREET.match(nfkc(value)))


def is_place_name_alone(value: object) -> bool:
    """Latin text naming one place and nothing more (Texas, CA, New South Wales, Indiana): no number, no second part
    after a comma or a line break. A region or a city alone is no address to write to (a list of names with their home
    states is no list of addresses: POI 49325.xlsx, tables13); Japanese text is judged by its block numbers elsewhere."""
    t = nfkc(value).strip()
    return bool(t) and not _CJK.search(t) and not any(c.isdigit() or c in ",\n;" for c in t) and len(t.split()) <= 3


def looks_like_latin_place(value: object) -> bool:
    """A city, county or state written in Latin letters, without digits: New Orleans, Orleans, LA."""
    return bool(_PLACE_WORDS.match(nfkc(value)))


def looks_like_zip(value: object) -> bool:
    """A US ZIP (70116, 70116-1234), a UK or a Canadian postcode."""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return bool(_ZIP.match(str(int(value)).zfill(5)))  # a number cell dropped the ZIP's leading 0
    return bool(_ZIP.match(nfkc(value)))


def split_leading_postcode(text: str) -> tuple[str, str]:
    """``〒184-0004 東京都…`` -> (``184-0004``, ``東京都…``); text without a leading postal code -> ("", text)."""
    m = _LEADING_POSTCODE.match(text)
    if not m or m.end() >= len(text):
        return "", text
    a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    return unicodedata.normalize("NFKC", f"{a}-{b}"), text[m.end():]


# a town of one kanji with its block number (轟1-29-14, 泉2-3, 港3丁目4-5: a 町内会's list writes no city), not a counter
# or a place inside a building (第1-2, 棚1-2-3, 3号, 2階: tables18)
_ONE_KANJI_TOWN = re.compile(r"(?![第号棟棚階番室列段区画巻])[\u3400-\u9fff\uf900-\ufaff]\s*\d{1,4}\s*(?:丁目\s*\d{1,4}|-\s*\d{1,4})"
                             r"(?:\s*-\s*\d{1,4}){0,2}")


def plausible_address(value: object) -> bool:
    """A row's assembled address is really one: place words, not a blob, an e-mail or a bare number."""
    t = nfkc(value)
    if len(t) < 2 or len(t) > 300 or is_blob(t) or _EMAIL.match(t) or _URL.match(t) or _is_number(t):
        return False
    if _CJK.search(t):
        return len(_CJK.findall(t)) >= 2 or _ONE_KANJI_TOWN.fullmatch(_HYPHEN_RE.sub("-", t)) is not None  # 轟1−2−3
    letters = len(_LATIN.findall(t))
    return letters >= 3 and letters >= len(t.replace(" ", "")) * 0.3
