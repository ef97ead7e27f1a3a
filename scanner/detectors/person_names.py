"""Is this text a person's name? Value tests by name data (signatures/person_names.toml), pure functions.

Japanese names are recognised by shape: a family part and a given part (1-4 characters each) whose every
kanji has been seen at that place in real names (namedivider's kanji statistics: 上 starts family names,
郎 ends given names), or whose given part is kana; place and organisation endings (町, 橋, 園, 会館) are not
names. A surname list (Faker ja_JP) confirms the common ones. Latin names are recognised by the first and
last names of many locales (Faker). Placeholders typed into templates (DocFirst, テスト, ○○) are not names.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from .. import rules

_KANA = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fc]")
_KANJI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff々〆ヶ]")
_CJK_NAME = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fc\u3400-\u9fff\uf900-\ufaff々〆ヶ]{2,8}")
_SPLIT = re.compile(r"[\s\u3000]+")
_LATIN_TOKEN = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'\-]*\.?")
# endings of places, buildings and organisations: 八王子町, 飯田橋, すみれ保育園, 市民会館, 第一小学校
_NOT_NAME_END = frozenset("都道府県市区町村郡丁番地号橋駅港園館院所署局課係室校社会店堂寺宮殿場庁舎寮荘邸宅台坂谷通線")
_NOT_NAME_WORDS = re.compile(r"センター|ホーム|クリニック|ハウス|ビル|マンション|ハイツ|コーポ|アパート|団地|住宅|公園|広場|"
                             r"株式|有限|合同|法人|組合|協会|施設|事業|病院|医院|学校|大学|幼稚|保育|役所|役場|公民|会館|"
                             r"支店|本店|工場|倉庫|営業|様方")
_PLACEHOLDER_TOKENS = frozenset({
    "first", "last", "second", "middle", "firstname", "lastname", "fullname", "surname", "name", "test", "tester",
    "sample", "dummy", "example", "placeholder", "docfirst", "docsecond", "doclast", "doc", "lorem", "ipsum",
    "xxx", "xxxx", "asdf", "qwerty", "null", "none", "unknown", "tbd", "todo", "n/a", "na", "foo", "bar", "baz",
    "customer", "user", "person", "member", "client", "employee", "your", "here"})
_PLACEHOLDER_JA = re.compile(r"テスト|サンプル|ダミー|見本|記入例|記載例|入力例|氏名|名前|○○|〇〇|◯◯|××|✕✕|△△|□□|"
                             r"＊＊|\*\*|某|なにがし|だれそれ|ほげ|ホゲ|ふが|フガ")
_REPEATED = re.compile(r"^(.)\1+$")
_PLACEHOLDER_ADDRESS = re.compile(
    r"street address|address line|your address|sample|dummy|placeholder|lorem|\btest\b|\bn/?a\b|"
    r"住所|テスト|サンプル|ダミー|記入例|○○|〇〇|◯◯|××|△△|＊＊|\*\*\*", re.IGNORECASE)


@dataclass(frozen=True)
class NameData:
    surnames: frozenset[str]
    given_names: frozenset[str]
    kanji: dict[str, tuple[int, ...]]
    latin_first: frozenset[str]
    latin_last: frozenset[str]
    us_states: frozenset[str]
    latin_places: frozenset[str]  # Road, Gardens, Entrance, Ride: words of places that are nobody's name
    latin_place_names: frozenset[str]  # Street, Lake, Court, Car, Forest: words of places that are someone's name


@cache
def name_data() -> NameData:
    data = rules.load("person_names")
    ja, latin = data["japanese"], data["latin"]
    return NameData(frozenset(ja["surnames"]), frozenset(ja["given_names"]),
                    {k: tuple(v) for k, v in ja["kanji"].items()},
                    frozenset(n.casefold() for n in latin["first_names"]),
                    frozenset(n.casefold() for n in latin["last_names"]),
                    frozenset(s.casefold() for s in data["places"]["us_states"]),
                    frozenset(data["places"]["latin_place_words"]), frozenset(data["places"]["latin_place_names"]))


def _nfkc(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


# --- Japanese -----------------------------------------------------------------------------------------

def _family_ok(part: str, kanji: dict[str, tuple[int, ...]]) -> bool:
    """Each kanji seen at its place in family names (first / inside / last); kana only as ヶ or の inside."""
    n = len(part)
    for i, ch in enumerate(part):
        stats = kanji.get(ch)
        if stats is None:
            if ch in "ノのヶケ" and 0 < i < n - 1:
                continue
            return False
        if n == 1:
            if stats[0] == 0 and stats[2] == 0:
                return False
        elif stats[0 if i == 0 else 2 if i == n - 1 else 1] == 0:
            return False
    return True


def _given_ok(part: str, kanji: dict[str, tuple[int, ...]]) -> bool:
    """Kana (はな, サクラ) or kanji seen at their place in given names. A kanji the statistics do not know
    at all passes (given names use rare kanji: 汐, 柚, 稀); a common kanji never seen at that place in a
    given name (内, 橋, 田 last) does not, which is what sets towns apart."""
    if all(_KANA.match(ch) for ch in part):
        return True
    n = len(part)
    for i, ch in enumerate(part):
        if _KANA.match(ch):
            continue  # 千代子 / みつ子 / 美ゆき: kana inside a kanji given name
        stats = kanji.get(ch)
        if stats is None:
            continue
        if n == 1:
            if stats[3] == 0 and stats[5] == 0:
                return False
        elif stats[3 if i == 0 else 5 if i == n - 1 else 4] == 0:
            return False
    return True


def japanese_name_shape(value: object) -> bool:
    """A Japanese personal name, written with or without a space: 上杉辰男, 山田 花子, 佐藤　みつ子.

    With a space the two halves are tested as family and given name; without one, every split into a
    family part (1-4) and a given part (1-4) is tried. Places and organisations fail on their endings.
    Short texts are cached: the same category and place words (会議室, 本庁舎) fill the columns of sheet
    after sheet made from one template, each tested here.
    """
    if type(value) is str and len(value) <= _CACHED_LENGTH:
        return _cached_name_shape(value)
    return _name_shape(value)


_CACHED_LENGTH = 64  # a cache of 16,384 such texts stays a few MiB whatever a sheet holds


@lru_cache(maxsize=16384)
def _cached_name_shape(value: str) -> bool:
    return _name_shape(value)


def family_shape(part: str) -> bool:
    """Is each kanji of ``part`` seen at its place in family names (北村: 北 first, 村 last)?"""
    return bool(part) and _family_ok(part, name_data().kanji)


def _name_shape(value: object) -> bool:
    t = _nfkc(value)
    parts = _SPLIT.split(t)
    if len(parts) > 2 or not 2 <= len(t) <= 12:
        return False
    joined = "".join(parts)
    if not _CJK_NAME.fullmatch(joined) or joined[-1] in _NOT_NAME_END or _NOT_NAME_WORDS.search(joined):
        return False
    if not _KANJI.match(joined):
        return False  # a name in kana only is a reading, not told from other kana words by shape
    kanji = name_data().kanji
    if len(parts) == 2:
        fam, giv = parts
        return 1 <= len(fam) <= 4 and 1 <= len(giv) <= 5 and _family_ok(fam, kanji) and _given_ok(giv, kanji)
    for cut in range(1, min(4, len(joined) - 1) + 1):
        fam, giv = joined[:cut], joined[cut:]
        if len(giv) <= 5 and _family_ok(fam, kanji) and _given_ok(giv, kanji):
            return True
    return False


def starts_with_surname(value: object) -> bool:
    """Begins with a surname of the list (佐藤, 鈴木 ...): confirms a column of names without spaces."""
    t = _nfkc(value)
    s = name_data().surnames
    return any(t[:n] in s for n in (1, 2, 3))


def japanese_given_name_shape(value: object) -> bool:
    """A given name alone (太郎, はな, 美ゆき): the half of a name split over two columns."""
    t = _nfkc(value)
    if not 1 <= len(t) <= 5 or not _CJK_NAME.fullmatch(t + t) or t[-1] in _NOT_NAME_END:
        return False
    return t in name_data().given_names or _given_ok(t, name_data().kanji)


def japanese_family_name_shape(value: object) -> bool:
    """A family name alone (山田, 上杉): the first half of a name split over two columns."""
    t = _nfkc(value)
    if not 1 <= len(t) <= 4 or not _KANJI.match(t) or t[-1] in _NOT_NAME_END:
        return False
    return t in name_data().surnames or _family_ok(t, name_data().kanji)


def one_split_name(first: str, second: str) -> bool:
    """Two cells that are one person's family and given names (氏名 | 山田 | 太郎 on a form), not two names: the
    first a surname of the list, the second a given name, neither spaced."""
    t1, t2 = _nfkc(first), _nfkc(second)
    return (bool(t1) and bool(t2) and not any(ch.isspace() for ch in t1 + t2)
            and t1 in name_data().surnames and japanese_given_name_shape(t2))


# --- 連名 (joint names of a household) ---------------------------------------------------------------------

@cache
def _joint_rules() -> tuple[frozenset[str], re.Pattern[str], tuple[str, ...], frozenset[str]]:
    data = rules.load("pii_columns").get("joint_names", {})
    seps = data.get("separators", "・")
    # the honorifics and titles masking takes off a name (様方, 社長, 院長: signatures/masking.toml) end a name here too
    titles = {*data.get("honorifics", []), *rules.load("masking").get("suffixes", [])}
    return (frozenset(data.get("headers", [])), re.compile(f"[{re.escape(seps)}]+"),
            tuple(sorted((_nfkc(t) for t in titles if _nfkc(t)), key=len, reverse=True)),
            frozenset(_nfkc(w) for w in data.get("not_names", [])))


def is_joint_header(key: str) -> bool:
    """A normalised header (columns.normalise_header) naming a 連名 or household-member column (連名, 連名1, 世帯員2,
    家族1氏名); digits anywhere are dropped, so 連名1敬称 (an honorific) is no such column."""
    return re.sub(r"\d", "", key) in _joint_rules()[0]


def family_of(name: str) -> str:
    """The family name of a Japanese full name: before its space, else the longest listed surname it starts with."""
    t = _nfkc(name).strip()
    if " " in t or "\u3000" in t:
        return t.replace("\u3000", " ").split(" ", 1)[0]
    surnames = name_data().surnames
    return next((t[:n] for n in (3, 2, 1) if len(t) > n and t[:n] in surnames), "")


_LATIN_JOINT = re.compile(r"[A-Za-z][A-Za-z .'-]{1,40}")


def _joint_part(part: str) -> tuple[str, bool] | None:
    """One name of a 連名 / household cell, its honorific dropped, and whether it is a full name (山田 花子, 鈴木花子)
    rather than a given name (花子); None when it is no name: a count (2人), a mark (有 / なし), a relation (妻, 長男),
    an honorific or 御中 alone, a company (review9c: each of these was a person at the row's address)."""
    _h, _seps, honorifics, not_names = _joint_rules()
    part = part.strip(" \u3000")
    for h in honorifics:
        if part.endswith(h) and len(part) > len(h):
            part = part[:-len(h)].rstrip(" \u3000")
            break
    t = _nfkc(part)
    if not t or t in not_names or t in honorifics or any(ch.isdigit() for ch in t):
        return None
    if _LATIN_JOINT.fullmatch(t):
        return part, True
    if " " in t:
        return (part, True) if japanese_name_shape(t) else None
    if (any(t[:n] in name_data().surnames and japanese_given_name_shape(t[n:]) for n in (2, 3) if len(t) > n)
            or len(t) >= 4 and japanese_name_shape(t)):
        return part, True  # 鈴木花子: a full name of its own, not a given name after the row's family name
    return (part, False) if japanese_given_name_shape(t) else None


def is_joint_cell(cell: str) -> bool:
    """Every part of a 連名 / household cell is a name (花子, 山田 花子; several with ・ or 、)."""
    parts = [p for p in _joint_rules()[1].split(cell) if p.strip(" \u3000")]
    return bool(parts) and all(_joint_part(p) is not None for p in parts)


def joint_names(first: str, cell: str) -> list[str]:
    """The persons a 連名 cell names beside the row's name ``first``: a given name alone (花子) takes the family name
    of ``first``; a full name (spaced, or starting with a surname) stays as it is; honorifics (様, くん) are dropped;
    parts that are no name (2人, なし, 妻, 御中) are left out."""
    return [name for name, _given in joint_persons(first, cell)]


def joint_persons(first: str, cell: str) -> list[tuple[str, bool]]:
    """joint_names, each with whether it was a given name alone (花子: its reading takes the row's family reading)."""
    family = ""
    out = []
    for raw in _joint_rules()[1].split(cell):
        got = _joint_part(raw)
        if got is None:
            continue
        part, full = got
        if full:
            out.append((part, False))
            continue
        family = family or family_of(first)
        out.append((f"{family} {part}" if family else part, True))
    return out


_JOINT_READING_WORDS = ("フリガナ", "ふりがな", "ヨミガナ", "よみがな", "ヨミ", "よみ", "読み", "カナ", "かな")


def is_joint_reading_header(key: str) -> bool:
    """連名フリガナ, 連名1ふりがな, 連名ヨミ (a normalised header): the reading of a 連名 column, no person of its own."""
    return any(key.endswith(w) and len(key) > len(w) and is_joint_header(key[:-len(w)]) for w in _JOINT_READING_WORDS)


def joint_readings(cell: str) -> list[str]:
    """The parts of a 連名 reading cell (ハナコ・イチロウ), split as the names are."""
    return [p.strip(" \u3000") for p in _joint_rules()[1].split(cell) if p.strip(" \u3000")]


def split_joint(name: str) -> tuple[str, str]:
    """``山田太郎・花子`` -> (山田太郎, 花子): a Japanese full name followed by the household's names in one cell;
    ("", "") when the cell is no such name (ジョン・スミス, a single name, 山田太郎・様)."""
    seps = _joint_rules()[1]
    m = seps.search(name)
    if m is None:
        return "", ""
    first, rest = name[:m.start()].strip(), name[m.end():].strip()
    if not first or not rest or not _KANJI.match(first) or not japanese_name_shape(first):
        return "", ""
    parts = [p for p in seps.split(rest) if p.strip(" \u3000")]
    if not parts or not all(_joint_part(p) is not None for p in parts):
        return "", ""
    return first, rest


# --- Latin --------------------------------------------------------------------------------------------

def latin_tokens(value: object) -> list[str]:
    return _LATIN_TOKEN.findall(_nfkc(value))


def known_first_name(token: str) -> bool:
    return token.strip(".").casefold() in name_data().latin_first


def known_last_name(token: str) -> bool:
    return token.strip(".").casefold() in name_data().latin_last


def latin_name_known(value: object) -> bool:
    """A Latin-script name holding a known first or last name (Maria Anders, Smith, J. Smith) and no place word (Alice
    Gardens, Charlotte Street Entrance: a place named after someone; wild19). A place word that is someone's name
    (Street, Lake, Court, Forest, Car) marks a place only between two other words (Charlotte Street Car Park): Jane
    Street, Emma Lake, Forest Whitaker are names (review19w: 4 such people in a list of 10 made it no list)."""
    t = _nfkc(value)
    tokens = latin_tokens(t)
    if not 1 <= len(tokens) <= 5 or len("".join(tokens)) < len(t.replace(" ", "").replace(",", "")) - 2:
        return False  # digits or symbols beside the letters: not a name
    d = name_data()
    words = [tok.strip(".").casefold() for tok in tokens]
    return (not any(w in d.latin_places for w in words) and not any(w in d.latin_place_names for w in words[1:-1])
            and any(w in d.latin_first or w in d.latin_last for w in words))


def is_us_state(value: object) -> bool:
    return _nfkc(value).casefold() in name_data().us_states


# --- placeholders -------------------------------------------------------------------------------------

def is_placeholder_name(value: object) -> bool:
    """A template's stand-in, not a person: DocFirst DocSecond, First Last, Test User, テスト, ○○ ○○, xxx."""
    t = _nfkc(value)
    if not t:
        return True
    compact = _SPLIT.sub("", t)
    if _REPEATED.match(compact) or _PLACEHOLDER_JA.search(compact):
        return True
    tokens = [tok.strip(".").casefold() for tok in latin_tokens(t)]
    if not tokens:
        return False
    if any(tok.startswith("doc") and tok[3:] in ("first", "second", "last", "third", "name") for tok in tokens):
        return True
    return all(tok in _PLACEHOLDER_TOKENS for tok in tokens)


def is_placeholder_address(value: object) -> bool:
    """A template's stand-in for an address: 44 Street Address, Address Line 1, 住所, ○○県○○市, test."""
    t = _nfkc(value)
    return bool(t) and bool(_PLACEHOLDER_ADDRESS.search(t))
