"""Header words -> what a column holds (signatures/pii_columns.toml), matched in one pass with pyahocorasick.

Header text is normalised before matching (NFKC, casefold, no spaces, underscores, brackets or trailing
digits): ``住所１`` / ``住所 (1)`` / ``【住所】`` all read ``住所``; ``customer_name`` and ``CustomerName``
read ``customername``. Words inside a longer header count (利用者氏名, Surname in full.), single-character
words only as the whole header (姓, 名), and a header holding an exclusion word (施設名, 保管場所, 会社名)
is not a person's column.

A header says more than a field: whose data it is (a role: 申込者氏名, 届先住所, Shipping Name) and in
which rendition (氏名（カタカナ） is the reading, 住所（ローマ字） another spelling of the address). Both are
read off the header before the field words, so ``届先氏名カナ`` is the recipient's reading.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import cache, lru_cache
from itertools import chain
from typing import cast

import ahocorasick

from .. import rules
from ..headerwords import TRAILING_DIGITS as _TRAILING_DIGITS
from ..headerwords import normalise as _normalise

# a header cell's normalisation (NFKC, casefold, no spaces, brackets, trailing digits) is scanner.headerwords', shared
# with the split set rules (the layers keep scanner.sources from importing the detectors; splits25)
_NUMBER = re.compile(r"(\d+)\D*$")

# fields a role or a rendition may qualify
PERSON_FIELDS = frozenset({"name", "name_family", "name_given", "reading", "reading_family", "reading_given",
                           "address", "postcode", "phone", "email", "birth", "sex", "age"})
_KANA_OF = {"name": "reading", "name_family": "reading_family", "name_given": "reading_given"}
CONTEXT_FIELDS = frozenset({"organisation", "employer", "position", "provider"})  # what the sheet is about, not a person's data


# Per-text memos of the header tests every candidate header cell goes through (a sheet's head rows are read by
# several helpers, and a share repeats its header words and cell texts across sheets): bounded LRUs, texts longer
# than _MEMO_LENGTH computed each time (a worker reads millions of cells; the memo holds at most
# _MEMO_SIZE x _MEMO_LENGTH characters a test). Only exact ``str`` keys: 1 == 1.0 == True share a key but not a text.
_MEMO_SIZE = 8192
_MEMO_LENGTH = 256


def normalise_header(text: object) -> str:
    """NFKC, casefold, drop spaces, underscores, hyphens, brackets and trailing digits (住所１ -> 住所, Address 1 ->
    address, ship-address-1 -> shipaddress)."""
    if type(text) is str and len(text) <= _MEMO_LENGTH:
        return _normalised(text)
    return _normalise(str(text))


@lru_cache(maxsize=_MEMO_SIZE)
def _normalised(text: str) -> str:
    return _normalise(text)


@dataclass(frozen=True)
class Header:
    """What one header cell says: field, whose (role, "" for the row's person) and rendition.

    ``rendition`` is "" for the field itself (a kana rendition of a name is already its ``reading``), "kana"
    for a kana spelling of an address, "latin" for a romaji or English spelling: such columns are never
    joined into the value. ``number`` is a trailing number (住所1, jusho5): numbered parts join in order.
    ``weak``: the word alone is common outside person tables (name), so the values must be names.
    """

    field: str
    role: str = ""
    rendition: str = ""
    number: int = 0
    weak: bool = False

    @property
    def main(self) -> bool:
        return self.rendition == ""


@dataclass(frozen=True)
class ColumnRules:
    automaton: ahocorasick.Automaton
    exact: dict[str, tuple[str, bool]]
    exclude: ahocorasick.Automaton
    officials: ahocorasick.Automaton
    parts: dict[str, int]
    roles: tuple[tuple[str, str], ...]  # (normalised word, role), longest first
    bare_role: dict[str, str]  # role -> field a bare role word names
    shares_address: frozenset[str]
    lends_address: frozenset[str]
    renditions: tuple[tuple[str, str], ...]  # (normalised word, kind), longest first
    role_words: tuple[str, ...]  # the role words, for one C-level startswith / endswith before the loop
    rendition_words: re.Pattern[str]  # any rendition word inside a header, likewise
    any_word: ahocorasick.Automaton  # every field, exact, role and exclusion word: a header holds one
    ascii_word_chars: frozenset[str]  # the characters of those words that are all ASCII (see _no_word)
    officials_not: tuple[str, ...] = ()  # longer words holding an officials word that are no such mark (役職名)
    business_roles: frozenset[str] = frozenset()  # roles whose address makes a business contact (work)
    staff: ahocorasick.Automaton | None = None  # our own staff in charge (担当者, 記入者): [staff] words
    workplaces: ahocorasick.Automaton | None = None  # where a staff roster's employees work (事業所): [staff] workplaces
    regions: frozenset[str] = frozenset()  # address headers naming a region only (State, 都道府県): [regions] words
    office_marks: tuple[str, ...] = ()  # a workplace's address (ビル, 階, 本社): [staff] office_marks, NFKC casefolded
    compounds: frozenset[str] = frozenset()  # Latin exclusion words ending in a field word (locationaddress, filename)
    own: tuple[str, ...] = ()  # words making a compound the person's own field again: [exclude] own
    elsewhere: frozenset[str] = frozenset()  # roles whose row address may be no home of theirs (owner): address_elsewhere
    joined: dict[str, str] = dc_field(default_factory=dict)  # words naming a field only joined to its words (ビル名・号室)
    premises: frozenset[str] = frozenset()  # address headers naming a building or a room only: [regions] premises
    prefectures: frozenset[str] = frozenset()  # address headers naming a prefecture only: [regions] prefectures
    region_joins: frozenset[str] = frozenset()  # a city joined to a region word (State/City): [regions] joined
    clients: tuple[str, ...] = ()  # whom a facility serves (利用者, 患者), after an exclusion word: [exclude] clients


def _automaton(words: list[str]) -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for w in words:
        key = normalise_header(w)
        if key:
            auto.add_word(key, key)
    if not words:
        auto.add_word("\x00", "\x00")
    auto.make_automaton()
    return auto


@cache
def column_rules() -> ColumnRules:
    data = rules.load("pii_columns")
    auto = ahocorasick.Automaton()
    exact: dict[str, tuple[str, bool]] = {}
    joined: dict[str, str] = {}
    parts: dict[str, int] = {}
    for col in data["column"]:
        field, weak = col["field"], bool(col.get("weak", False))
        parts[field] = int(col.get("part", parts.get(field, 0)))
        for w in col.get("words", []):
            key = normalise_header(w)
            auto.add_word(key, (len(key), field, weak))
            exact.setdefault(key, (field, weak))
        for w in col.get("exact", []):
            exact[normalise_header(w)] = (field, weak)
        for w in col.get("joined", []):
            joined[normalise_header(w)] = field
    auto.make_automaton()
    roles = sorted(((normalise_header(w), r["name"]) for r in data.get("role", []) for w in r["words"]),
                   key=lambda x: -len(x[0]))
    bare = {r["name"]: "name" for r in data.get("role", [])
            if r["name"] != "emergency_contact" and r.get("bare_is_name", True)}
    shares = frozenset(r["name"] for r in data.get("role", []) if r.get("shares_address"))
    lends = frozenset(r["name"] for r in data.get("role", []) if r.get("lends_address"))
    business = frozenset(r["name"] for r in data.get("role", []) if r.get("business"))
    rend = data.get("rendition", {})
    renditions = sorted(((normalise_header(w), kind) for kind in ("kana", "latin", "main") for w in rend.get(kind, [])),
                        key=lambda x: -len(x[0]))
    excluded = data.get("exclude", {}).get("words", [])
    any_word = ahocorasick.Automaton()  # the keys as the readings below look for them
    for key in (*exact, *(w for w, _ in roles), *(k for k, _ in auto.items()), *map(normalise_header, excluded)):
        if key:
            any_word.add_word(key, key)
    any_word.make_automaton()
    ascii_chars = frozenset(ch for key in any_word.keys() if key.isascii() for ch in key)
    latin_excluded = {k for k in map(normalise_header, excluded) if k.isascii()}
    compounds = frozenset(k for k in latin_excluded
                          if any(end == len(k) - 1 and length < len(k) for end, (length, _f, _w) in auto.iter(k)))
    own = tuple(normalise_header(w) for w in data.get("exclude", {}).get("own", []))
    return ColumnRules(auto, exact, _automaton(excluded), _automaton(data.get("officials", {}).get("words", [])),
                       parts, tuple(roles), bare, shares, lends, tuple(renditions), tuple(w for w, _ in roles),
                       re.compile("|".join(re.escape(w) for w, _ in renditions)), any_word, ascii_chars,
                       tuple(normalise_header(w) for w in data.get("officials", {}).get("not_words", [])), business,
                       _automaton(data.get("staff", {}).get("words", [])),
                       _automaton(data.get("staff", {}).get("workplaces", [])),
                       frozenset(map(normalise_header, data.get("regions", {}).get("words", []))),
                       tuple(unicodedata.normalize("NFKC", w).casefold()
                             for w in data.get("staff", {}).get("office_marks", [])), compounds, own,
                       frozenset(r["name"] for r in data.get("role", []) if r.get("address_elsewhere")), joined,
                       frozenset(map(normalise_header, data.get("regions", {}).get("premises", []))),
                       frozenset(map(normalise_header, data.get("regions", {}).get("prefectures", []))),
                       frozenset(map(normalise_header, data.get("regions", {}).get("joined", []))),
                       tuple(normalise_header(w) for w in data.get("exclude", {}).get("clients", [])))


def _holds_a_word(key: str) -> bool:
    """Some field, exact, role or exclusion word of the rules inside ``key``. Every reading below needs one:
    the exact words, the field words, a role word at an end, a rendition only around a part that reads as
    one of these, an exclusion word. Without one a cell is no header and no label (most cells of a sheet:
    its data), which one pass of an automaton says."""
    for _ in column_rules().any_word.iter(key):
        return True
    return False


def _no_word(text: str) -> bool:
    """An ASCII text none of whose characters (lower case) is in an ASCII word of the rules: a number, a date, a
    phone number, a code. Its key (normalise_header: NFKC and casefold leave ASCII ASCII and lower it, the rest
    only drops characters) then holds no word of any_word (a word with a non-ASCII character cannot be inside an
    ASCII key; an ASCII one needs its characters there), so _holds_a_word would say False, after NFKC, a regex
    and an automaton pass; this is two C-level passes over the text."""
    return text.isascii() and column_rules().ascii_word_chars.isdisjoint(text.lower())


def _excluded(key: str) -> bool:
    """An exclusion word in ``key`` as a word of its own (:func:`_whole_word`), not followed by a word naming whom the
    facility serves (保育所児童氏名, 施設入所者氏名: the client's own name; ``[exclude] clients``, review21w)."""
    r = column_rules()
    return any(_whole_word(key, end + 1 - len(word), word) and not key.startswith(r.clients, end + 1)
               for end, word in r.exclude.iter(key))


_MIN_WORD = 3  # a word of the header before a Latin word: a known word or an unknown one this long (Account Owner)


def _whole_word(key: str, start: int, word: str) -> bool:
    """Whether ``word``, found at ``start`` of a header's key, is a word of the header and not part of another word.

    Japanese words count wherever they stand (the script has no spaces: 施設名, 保管場所). A Latin word must start a
    word. The key has lost its spaces (Customer IP Address -> customeripaddress), so the letters before it are read
    as words: known words of the rules (street, home, customer) and what is left; a leftover of one or two letters is
    the start of a longer word (``venue`` in ``Avenue``: no venue), a longer one a word we do not know (Account Owner).
    Its end is free (Items, VenueName, ItemNo). A Latin word that is itself a kind of a person's field (locationaddress,
    filename: the address of a location) right after a word of ``[exclude] own`` is the person's own field again
    (Home Location Address, Current Location Address)."""
    if not word.isascii():
        return True
    r = column_rules()
    before = _LETTERS_BEFORE.search(key, max(0, start - _RUN), start)  # the words right before it (a long text's last)
    run = before.group() if before else ""
    if run and 0 < len(_unknown_tail(run)) < _MIN_WORD:
        return False
    return not run or word not in r.compounds or not run.endswith(r.own)


_LETTERS_BEFORE = re.compile(r"[a-z]+$")
_RUN = 24  # letters read before a word: enough for two or three words, and bounded for a long text's cell


def _unknown_tail(run: str) -> str:
    """What is left of ``run`` (Latin letters) after its longest start made of known words of the rules (any_word)."""
    words = column_rules().any_word
    ends = {0}
    for i in range(1, len(run) + 1):
        if any(i - j >= _MIN_WORD and words.exists(run[j:i]) for j in ends):
            ends.add(i)
    return run[max(ends):]


def _plain(key: str) -> Header | None:
    """Field words only (no role or rendition): exact words first, then the longest word inside."""
    r = column_rules()
    if key in r.exact:
        field, weak = r.exact[key]
        return Header(field, weak=weak)
    best: tuple[int, str, bool] | None = None
    for _end, (length, field, weak) in r.automaton.iter(key):
        if best is None or length > best[0]:
            best = (length, field, weak)
    if best is None:
        return None
    if best[1] in CONTEXT_FIELDS:
        return Header(best[1])  # 会社名, 所属: what the sheet is about, excluded words or not
    if _excluded(key):
        return None
    return Header(best[1], weak=best[2])


def _with_rendition(key: str, depth: int) -> Header | None:
    r = column_rules()
    if not r.rendition_words.search(key):
        return None  # no rendition word inside: the loop below would find none (most cells of a sheet)
    for word, kind in r.renditions:
        if key == word or word not in key:
            continue
        rest = key[:-len(word)] if key.endswith(word) else key[len(word):] if key.startswith(word) else None
        rest = _TRAILING_DIGITS.sub("", rest) if rest else rest  # 番地 2 (自宅) -> 番地2自宅 -> 番地
        if rest and len(rest) > 1 and rest.endswith("の") and key.endswith(word):
            rest = rest[:-1]  # 名のふりがな, 氏名のフリガナ (はがきデザインキット): the reading of 名, of 氏名
        if not rest:
            continue
        h = _classify(rest, depth + 1)
        if h is None or h.field not in PERSON_FIELDS or not h.main:
            continue
        if kind == "main":
            return h
        if kind == "kana" and h.field in _KANA_OF:
            return Header(_KANA_OF[h.field], h.role)
        if kind == "kana" and h.field.startswith("reading"):
            return h
        return Header(h.field, h.role, rendition=kind)
    return None


def _with_role(key: str, depth: int) -> Header | None:
    r = column_rules()
    if not (key.startswith(r.role_words) or key.endswith(r.role_words)):
        return None  # no role word at either end: the loop below would find none (most cells of a sheet)
    for word, role in r.roles:
        if key.startswith(word):
            rest = key[len(word):]
        elif key.endswith(word):
            rest = key[:-len(word)]
        else:
            continue
        if not rest:
            field = r.bare_role.get(role)
            return Header(field, role) if field else None
        if rest in ("名", "名前", "氏名", "nm") or rest == "名称" and role not in r.business_roles:
            # 保護者名: the guardian's name, not a given name; お届け先名称 / ご依頼主 名称１ (Sagawa e飛伝, Japan Post
            # ゆうプリR): the recipient's or sender's name, a person's or a firm's (the values decide), no thing's 名称;
            # a business role's 名称 is its firm's (会社名称, 勤務先名称: the organisation, the employer; review16b)
            return Header("name", role)
        h = _classify(rest, depth + 1, roles=False)
        if h is not None and h.field in PERSON_FIELDS:
            return Header(h.field, role, h.rendition, weak=h.weak)
    return None


def _classify(key: str, depth: int = 0, roles: bool = True) -> Header | None:
    if not key or depth > 3:
        return None
    r = column_rules()
    if key in r.exact:
        return _plain(key)
    if roles:  # before the exclusions: ShipAddress is no IP address
        h = _with_role(key, depth)
        if h is not None:
            return h
    if _excluded(key):
        plain = _plain(key)
        return plain if plain is not None and plain.field in CONTEXT_FIELDS else None
    h = _with_rendition(key, depth)
    return h if h is not None else _plain(key)


def read_header(text: object) -> Header | None:
    """What a header cell says (field, role, rendition, number), or None."""
    if not isinstance(text, str):
        return None
    return _read_header(text)


@lru_cache(maxsize=16384)
def _read_header(text: str) -> Header | None:
    """read_header for text (the same cells are read as headers twice, and header words recur across sheets)."""
    if _no_word(text):
        return None
    t = unicodedata.normalize("NFKC", text)
    key = normalise_header(t)
    if not key or len(key) > 300 or not _holds_a_word(key):
        return None
    h = _name_part(t) or _qualified(t, _classify(key)) or _joined_parts(t)
    if h is None:
        return None
    m = _NUMBER.search(t.strip())
    number = int(m.group(1)) if m and len(m.group(1)) <= 2 else 0
    return Header(h.field, h.role, h.rendition, number, h.weak) if number else h


_JOINER = re.compile(r"\s*[・/、,]\s*")  # after NFKC (／ is /, ， is ,)


def _joined_parts(text: str) -> Header | None:
    """A header joined of words that each name the same field only as a whole cell (``番地・建物``, ``丁目・番地・号室``:
    番地, 建物 and 号室 are address words as cells of their own, not inside others) names that field; parts naming
    different fields or nothing (姓・名, 住所・電話番号, 備考・番地) are left to the other readings."""
    parts = _JOINER.split(text.strip())
    if len(parts) < 2 or not all(parts):
        return None
    keys = [normalise_header(p) for p in parts]
    read = [_classify(k) for k in keys]
    first = next((h for h in read if h is not None), None)
    # a part that names the field only in such a header (ビル名, 号, 物件名: ビル名・号室, 番地・号) takes its neighbours'
    joined = column_rules().joined
    heads = [h if h is not None or first is None or joined.get(k) != first.field else first for h, k in zip(read, keys,
                                                                                                              strict=True)]
    if first is None or any(h is None or (h.field, h.role, h.rendition) != (first.field, first.role, first.rendition)
                            for h in heads):
        return None
    return Header(first.field, first.role, first.rendition, 0, any(h is not None and h.weak for h in heads))


_QUALIFIED = re.compile(r"(.+?)\s*[(（\[［【〔<＜](.+?)[)）\]］】〕>＞]\s*")


# a name's part written as a qualifier, the last bracketed text (入居者名（姓）, 氏名（漢字）（名）, お名前（セイ）)
_LAST_QUALIFIER = re.compile(r"(.+?)\s*[(（\[［【〔<＜]([^()（）\[\]［］【】〔〕<>＜＞]+)[)）\]］】〕>＞]\s*")
# or after a separator (入居者名_姓, 契約者名/名, 患者 セイ)
_SEPARATED_PART = re.compile(r"(.+?)[\s_/／・:：]+([^\s_/／・:：]+)")
# or after a bracketed qualifier of the whole (氏名(漢字)姓, 氏名（カナ）メイ: a care-software export's split name)
_AFTER_QUALIFIER = re.compile(r"(.+[)）\]］】〕>＞])\s*([^()（）\[\]［］【】〔〕<>＜＞\s]+)")
_PARTS = {"name_family": 0, "reading_family": 0, "name_given": 1, "reading_given": 1}
_HONORIFIC = re.compile(r"^[ごお御]|様")  # ご契約者様名: the word is 契約者名


def _part_split(text: str) -> tuple[str, Header] | None:
    """The text before a name's part and the part it names (``会員名（姓）`` -> 会員名, name_family; ``担当者 メイ`` -> 担当者,
    reading_given; ``氏名(漢字)姓`` -> 氏名(漢字), name_family), or None when no part word is written apart."""
    t = text.strip()
    for pattern in (_LAST_QUALIFIER, _SEPARATED_PART, _AFTER_QUALIFIER):
        m = pattern.fullmatch(t)
        if m is None:
            continue
        q = _classify(normalise_header(m.group(2)))
        if q is not None and q.field in _PARTS and not q.role:
            return m.group(1), q
    return None


def staff_name_part(text: object) -> str:
    """The part of a staff member's name a staff header holds: ``担当者(姓)`` / ``担当者 名`` -> name_family / name_given,
    ``担当者(セイ)`` -> reading_family, ``担当者フリガナ`` -> reading; "name" for the whole name (担当者名, 記入者: the
    bracketless 担当者名 is the whole name as it is usually written)."""
    if not isinstance(text, str):
        return "name"
    t = unicodedata.normalize("NFKC", text)
    split = _part_split(t)
    if split is not None and is_staff_header(split[0]):
        return split[1].field
    key = normalise_header(t)
    staff = column_rules().staff
    ends = [end for end, _w in staff.iter(key)] if staff is not None else []
    rest = key[max(ends) + 1:] if ends else ""
    h = _classify(rest) if rest not in ("", "名", "氏名", "名前") else None
    return h.field if h is not None and h.field.startswith("reading") and not h.role else "name"


def _name_part(text: str) -> Header | None:
    """A name or reading header qualified by the part it holds (``会員名（姓）``, ``入居者氏名（名）``, ``氏名（氏）``,
    ``申込者名（姓）``, ``お名前（セイ）``, ``ご契約者様名（姓）``): that part of the name or reading, for the role the text before
    the brackets names. Without this both halves read as the whole name and the given name was lost (a POS member
    export; session 10). The qualifier is any word of a name's part (姓, 氏, 苗字, 名, セイ, 姓カナ), in brackets or after a
    separator (入居者名_姓, 契約者名/名; review10a) or after a qualifier of the whole (氏名(漢字)姓: the family name alone was
    the name, every 佐藤 one person; tables13). Else None."""
    split = _part_split(text)
    if split is None:
        return None
    before, q = split
    base_key = normalise_header(before)
    base = _classify(base_key) if base_key else None
    if base is None and (plain := _HONORIFIC.sub("", base_key)) and plain != base_key:
        base = _classify(plain)
    if base is None or base.rendition or base.field not in ("name", "reading"):
        return None
    reading = base.field == "reading" or q.field.startswith("reading")
    field = ("reading_family", "reading_given") if reading else ("name_family", "name_given")
    return Header(field[_PARTS[q.field]], base.role, "", 0, base.weak)


def _qualified(text: str, h: Header | None) -> Header | None:
    """A header with a bracketed qualifier (``Name (confirmed)``, ``氏名（確認済）``, ``住所（新）``) names what the text
    before the brackets names, unless the qualifier is itself a word of ours (氏名（保護者）: a role, 住所（カタカナ）:
    a rendition, 氏名（会社名）: an organisation). Brackets are dropped from the key, so without this the words run
    together and a word inside the qualifier could win (confirmed holds firm: an organisation column)."""
    m = _QUALIFIED.fullmatch(text.strip())
    if m is None:
        return h
    base_key = normalise_header(m.group(1))
    base = _classify(base_key) if base_key else None
    if base is None or base.field not in PERSON_FIELDS or h == base:
        return h
    inner = normalise_header(m.group(2))
    r = column_rules()
    whole = (inner in r.exact or any(length == len(inner) for _e, (length, _f, _w) in r.automaton.iter(inner))
             or any(inner == w for w, _ in r.roles) or any(inner == w for w, _ in r.renditions)
             or _excluded(inner))
    return h if whole else base


def classify_header(text: object) -> str | None:
    """The field a header names for the row's own person (name, name_family, address, phone ...) or None.

    Role and rendition columns (届先氏名, 住所（ローマ字）) and what a sheet is about (会社名, 役職) give None
    here: see :func:`read_header`.
    """
    h = read_header(text)
    return h.field if h is not None and not h.role and h.main and h.field not in CONTEXT_FIELDS else None


def read_row(row: Sequence[object]) -> dict[int, Header]:
    """:func:`read_header` of every cell of a row, by column index (the cells that name something).

    Most rows searched for a header are data whose texts were read before and named nothing (a category,
    a town, a code seen in the rows above): such a row is passed over by one C-level set test. A text table's
    rows are all text: their new texts are mostly numbers, dates and codes (ASCII without a letter of an ASCII
    word: :func:`_no_word`), which the same set test and one :func:`_no_word` over them joined pass over."""
    texts = cast(set[str], set(filter(str.__instancecheck__, row)))
    if _NO_HEADER.issuperset(texts) or _no_word("".join(texts.difference(_NO_HEADER))):
        return {}
    out: dict[int, Header] = {}
    for i, v in enumerate(row):
        if isinstance(v, str):
            h = _read_header(v)
            if h is not None:
                out[i] = h
            elif len(v) > _NO_HEADER_LENGTH:
                pass  # long texts are read each time: the memory stays small whatever a sheet holds
            elif len(_NO_HEADER) < _NO_HEADER_MAX:
                _NO_HEADER.add(v)
            else:
                _NO_HEADER.clear()  # bounded: a long scan of many distinct cells starts afresh
    return out


def rows_name_nothing(rows: Iterable[Sequence[object]]) -> bool:
    """Whether :func:`read_row` would find nothing in any of ``rows`` by its first test, decided for them all at
    once: the texts of all the rows in one set, by the same two C-level tests (a superset of each row's texts is
    known to name nothing only if each row's texts are; ``_no_word`` of a concatenation is their conjunction). The
    rows past a sheet's header search (rows 21-100, searched for a late header) are mostly data seen before: one
    set for 21 rows instead of one a row. Nothing is remembered: where it says False the rows are read one by one.
    """
    texts = cast(set[str], set(filter(str.__instancecheck__, chain.from_iterable(rows))))
    return _NO_HEADER.issuperset(texts) or _no_word("".join(texts.difference(_NO_HEADER)))


_NO_HEADER: set[str] = set()  # texts read_row found to name nothing
_NO_HEADER_MAX = 32768
_NO_HEADER_LENGTH = 64


@lru_cache(maxsize=16384)
def is_label(text: str) -> bool:
    """A header word of ours or an excluded one (``is_excluded(text) or read_header(text) is not None``),
    cached: the rows above a sheet's data are read as headers twice."""
    if _no_word(text):
        return False
    key = normalise_header(text)  # the key of both (NFKC twice is NFKC once)
    if not key or len(key) > 300 or not _holds_a_word(key):
        return False
    return _is_excluded(text) or _read_header(text) is not None


def is_rendition_word(text: str) -> bool:
    """A header that is a rendition word alone (漢字, ローマ字, カナ): which spelling a column holds, under a merged
    header naming the field."""
    key = normalise_header(text)
    return bool(key) and any(key == word for word, _kind in column_rules().renditions)


def is_excluded(text: object) -> bool:
    """A header naming something other than a person's data (施設名, 保管場所, 担当者名, 会社名)."""
    if not isinstance(text, str):
        return False
    return _is_excluded(text)


@lru_cache(maxsize=16384)
def _is_excluded(text: str) -> bool:
    if _no_word(text):  # exclusion words are among any_word
        return False
    key = normalise_header(text)
    return bool(key) and len(key) <= 300 and _excluded(key)


def is_staff_header(text: object) -> bool:
    """A header naming our own staff member in charge of a row (担当者名, 記入者, 点検者): no person the list is about."""
    if type(text) is str and len(text) <= _MEMO_LENGTH:
        return _is_staff(text)
    return _holds(column_rules().staff, text)


@lru_cache(maxsize=_MEMO_SIZE)
def _is_staff(text: str) -> bool:
    return _holds(column_rules().staff, text)


def is_home_header(text: object) -> bool:
    """A header marking its field as the person's own (Home Address, Private Address, 自宅住所: ``[exclude] own``)."""
    if not isinstance(text, str):
        return False
    key = normalise_header(text)
    return key.startswith(column_rules().own) or "自宅" in key


def is_workplace_header(text: object) -> bool:
    """A header naming where an employee works (事業所, 営業所, 店舗名, 所属施設): signatures ``[staff] workplaces``."""
    return _holds(column_rules().workplaces, text)


def is_office_address(text: str) -> bool:
    """An address holding a mark of a workplace (丸の内ビル5階, 本社, 支店: signatures ``[staff] office_marks``)."""
    t = unicodedata.normalize("NFKC", text).casefold()
    return any(m in t for m in column_rules().office_marks)


def _holds(words: ahocorasick.Automaton | None, text: object) -> bool:
    """A header text holding one of ``words`` (after normalise_header)."""
    if not isinstance(text, str) or words is None:
        return False
    key = normalise_header(text)
    return bool(key) and len(key) <= 300 and any(True for _ in words.iter(key))


def is_region_header(text: object) -> bool:
    """An address header naming a region and no more (State, Province, 都道府県: signatures ``[regions]``), alone or
    joined to a city or another region (State/City, City, State, 都道府県・市区町村: ``[regions] joined``; wild21: an
    election's candidates at the "State/City" of their race were 30 persons of pandas' utf16_ex.txt)."""
    if not isinstance(text, str):
        return False
    key, rules = normalise_header(text), column_rules()
    if key in rules.regions:
        return True
    if len(key) > 100:
        return False
    parts = _REGION_JOINS.split(key)
    if len(parts) == 1:  # joined by a space or a ・ (gone in the key: statecity, 都道府県市区町村): the two words it is made of
        parts = next(([key[:i], key[i:]] for i in range(1, len(key)) if key[:i] in rules.regions or
                      key[i:] in rules.regions), parts)
    return len(parts) > 1 and all(p in rules.regions or p in rules.region_joins for p in parts) and \
        any(p in rules.regions for p in parts)


_REGION_JOINS = re.compile(r"[/,、・&+]")  # (after normalise_header: ／ is /, spaces are gone)


def is_joined_region_header(text: object) -> bool:
    """A region header joined to a city (State/City, City / State, 都道府県・市区町村), not a region word alone."""
    return is_region_header(text) and normalise_header(str(text)) not in column_rules().regions


def is_premises_header(text: object) -> bool:
    """An address header naming a building, a room or a house number and no place (Building Name, Room Number:
    signatures ``[regions]`` premises, review20p)."""
    return isinstance(text, str) and normalise_header(text) in column_rules().premises


def is_prefecture_header(text: object) -> bool:
    """An address header that is a prefecture's in Japanese exports only (pref, prefName: a preference or a preferred
    name in English data; signatures ``[regions]`` prefectures, review20p)."""
    return isinstance(text, str) and normalise_header(text) in column_rules().prefectures


def is_officials_header(text: object) -> bool:
    """A header only a list of public officials has (会派, 選挙区, 当選回数, 任期)."""
    if not isinstance(text, str):
        return False
    if type(text) is str and len(text) <= _MEMO_LENGTH:
        return _is_officials(text)
    return _officials(text)


@lru_cache(maxsize=_MEMO_SIZE)
def _is_officials(text: str) -> bool:
    return _officials(text)


def _officials(text: str) -> bool:
    key = normalise_header(text)
    for word in column_rules().officials_not:
        key = key.replace(word, "")
    return bool(key) and len(key) <= 300 and any(True for _ in column_rules().officials.iter(key))


def named_fields(text: object) -> frozenset[str]:
    """Every field word inside a header cell (``氏名\\n(フリガナ)`` names name and reading, ``住所／電話番号`` address and
    phone): more than one is a fused header, printed lists' way of putting two lines of a record under one cell."""
    if not isinstance(text, str) or _no_word(text):
        return frozenset()
    key = normalise_header(unicodedata.normalize("NFKC", text))
    return frozenset(field for _end, (_length, field, _weak) in column_rules().automaton.iter(key))


@cache
def _example_rules() -> tuple[frozenset[str], re.Pattern[str], int, frozenset[str]]:
    data = rules.load("pii_columns").get("example_rows", {})
    marks = frozenset(k for w in data.get("marks", []) if (k := normalise_header(w)))
    words = "|".join(re.escape(unicodedata.normalize("NFKC", w)) for w in data.get("prefixes", []))
    prefix = re.compile(rf"^\s*[(\[【〔<《]?\s*(?:{words})\s*[)\]】〕>》:：\s]" if words else r"(?!)")
    sheets = frozenset(k for w in data.get("form_sheets", []) if (k := normalise_header(w)))
    return marks, prefix, int(data.get("rows", 5)), sheets


def is_example_form(sheet: str, rows: Sequence[Sequence[object]]) -> bool:
    """A form filled in as an example: its sheet named so (記入例, 見本), or an example mark alone in a cell of ``rows``
    (the rows down to the person's name, the last) standing as a mark: in the title row, on a row of its own, or
    beside the name (【記入例】, （例）). A mark with text after it is a hint's label (``（例）`` ``令和6年4月1日``), and
    one after a label above the name is that field's value (申込区分 | 見本): a filled form keeps both (review9c).
    Hints below the name (``（例）昭和30年1月1日`` beside a birth date) are not looked at."""
    if normalise_header(sheet) in _example_rules()[3]:
        return True
    title = None
    for i, r in enumerate(rows):
        texts = [c for c, v in enumerate(r) if v is not None and str(v).strip()]
        title = i if title is None and texts else title
        for c in example_cells(r, prefixed=False):
            if any(d > c for d in texts):
                continue  # （例） then the hint's text
            if i == title or texts == [c] or i == len(rows) - 1:
                return True
    return False


def example_rows() -> int:
    """How many data rows under the header may be a template's example rows (signatures: ``example_rows.rows``)."""
    return _example_rules()[2]


def is_example_row(row: Sequence[object], prefixed: bool = True) -> bool:
    """A template's filled-in example (記入例, 例, サンプル, 見本 in a cell alone, or, when ``prefixed``, ``（例）``
    before a value)."""
    return bool(example_cells(row, prefixed))


def example_cells(row: Sequence[object], prefixed: bool = True) -> list[int]:
    """The columns of ``row`` whose cell marks an example (see :func:`is_example_row`)."""
    marks, prefix, _rows, _sheets = _example_rules()
    out = []
    for c, v in enumerate(row):
        if not isinstance(v, str) or not v or len(v) > 200:
            continue
        t = unicodedata.normalize("NFKC", v)
        if normalise_header(t) in marks or prefixed and prefix.match(t):
            out.append(c)
    return out


def is_bare_role(text: object) -> bool:
    """A header that is a role word alone (送付先, 申込者, 保護者): whose, not what; the values say which field."""
    if not isinstance(text, str):
        return False
    key = normalise_header(unicodedata.normalize("NFKC", text))
    return any(key == word for word, _role in column_rules().roles)


def part_order(field: str) -> int:
    return column_rules().parts.get(field, 0)


def role_shares_address(role: str) -> bool:
    """A role living at the row's address (a guardian): its record takes that address."""
    return role in column_rules().shares_address


def role_lends_address(role: str) -> bool:
    """A role whose address, when it has no name column of its own, is the address of the row's own person (the
    name without a role beside it): 宛名 | 送付先住所 is where that person's mail goes."""
    return role in column_rules().lends_address


def role_address_elsewhere(role: str) -> bool:
    """A role whose name beside the row's address is no resident's (a property's owner: 所有者 | 物件所在地): it takes the
    address and stays this role, so the report says the address may be the property's, not the person's home."""
    return role in column_rules().elsewhere


def role_is_business(role: str) -> bool:
    """A role whose address is a company's (会社住所): a name that has only this address is a business contact."""
    return role in column_rules().business_roles
