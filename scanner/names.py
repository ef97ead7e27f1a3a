"""File-name rules: the named file, the names its copies really get, lock files, leads, keywords.

Everything is compared on an NFKC + casefolded copy of the name (so ``介護予防＿利用者名簿.XLSX``
equals ``介護予防_利用者名簿.xlsx`` and macOS NFD names equal NFC ones); the original name is kept
for display. The rules are data: signatures/name_variants.toml (decorations, lock files, contains
hints, mojibake readings) and signatures/keywords.toml.

A name is classified once, strongest first:

* ``name`` (rule ``exact``): the named file's own name;
* ``name-variant``: ``[prefix decorations] STEM [suffix decorations] EXT [after-name decorations]`` with
  every part explained by a decoration rule, or a lock file (``~$``, ``.~lock.…#``) of such a name;
* ``name-contains``: the whole stem with other text around it (a lead, see scanner.promote);
* then keywords (``name-keyword``), independently.

Names that do not match as they are may be mojibake (cp932 read as cp437 ...): they are tried again as
the bytes they were misread from, with the mojibake rule named in front of the rule found.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

import ahocorasick

from . import rules
from .codes import Reason

# the reasons the name rules give, strongest first
NAME_REASONS = (Reason.NAME, Reason.NAME_VARIANT, Reason.NAME_CONTAINS, Reason.NAME_KEYWORD)
# the rules of [stem] in name_variants.toml: the named stem in another format, counted as the named file
NO_EXTENSION_GIVEN = "no-extension-given"
EXTENSION_NOT_FOUND = "extension-not-found"

_nfkc = unicodedata.normalize

# Characters that mojibake of Japanese names is made of (Latin-1 and Windows-1252 letters, code page 437
# box drawing and Greek, combining accents of their macOS NFD forms, half-width katakana and the 縺/繧/繝 of UTF-8 kana read as cp932). A name without
# any of them is never tried as mojibake, so ordinary names cost one regular-expression search at most.
_MOJIBAKE_HINT = re.compile(
    "[\u0080-\u024f\u02c6\u02dc\u0300-\u036f\u0391-\u03c9\u2013-\u2122\u207f\u20a7\u2219-\u2321\u2500-\u25a0"
    "\uff61-\uff9f縺繧繝]"
    # and the escapes of names saved encoded: %E4%BB%8B (a URL path), =?ISO-2022-JP?B?…?= (a mail header; =_…_= on
    # Windows, where ? cannot be in a name)
    r"|%[0-9A-Fa-f]{2}|=[?_][\w-]+[?_][BbQq][?_]")
# an RFC 2047 encoded word as a file system keeps it: ? (forbidden on Windows) may stand as _
_ADJACENT_WORDS = re.compile(r"([?_]=)\s+(?==[?_][\w-]+[?_][BbQq][?_])")  # the space between two words is no text
# (one stand-in for ? throughout a word: in a Q word written with ?, a _ is a space, and "_=" inside it no end)
_ENCODED_WORD = re.compile(
    r"=(?P<q>[?_])(?P<charset>[A-Za-z0-9-]+(?:\*[A-Za-z-]+)?)(?P=q)(?P<kind>[BbQq])(?P=q)(?P<text>[^?\s]*?)(?P=q)=")


_CP1252_UNDEFINED = frozenset("\x81\x8d\x8f\x90\x9d")


def _c1_bytes(err: UnicodeError) -> tuple[bytes, int]:
    """Encode error handler: Windows shows cp1252's five undefined bytes as the C1 controls of the same
    number; turn those back into their bytes (any other unencodable character stays an error)."""
    if isinstance(err, UnicodeEncodeError):
        chunk = err.object[err.start:err.end]
        if all(c in _CP1252_UNDEFINED for c in chunk):
            return bytes(ord(c) for c in chunk), err.end
    raise err


codecs.register_error("leakscan-c1", _c1_bytes)


def normalise_name(name: str) -> str:
    """NFKC + casefold, with Windows' ignored trailing dots and spaces removed."""
    return _nfkc("NFKC", name).casefold().rstrip(". ")


def split_ext(name: str) -> tuple[str, str]:
    """``("名簿 - コピー", ".xlsx")``; a leading dot (``.profile``) is not an extension."""
    dot = name.rfind(".")
    if dot <= 0:
        return name, ""
    return name[:dot], name[dot:]


@dataclass(frozen=True)
class NameMatch:
    reason: Reason  # name, name-variant, name-contains or name-keyword
    rule: str  # which rules, joined by "+": "exact", "owner-file+windows-copy-ja", "with-date", "keyword:meibo"
    target: str | None = None  # the --name value it matched, if any


@dataclass(frozen=True)
class Decoration:
    name: str
    position: str  # prefix, suffix, after-name, extension
    regex: re.Pattern[str] | None
    extensions: frozenset[str]  # extensions this decoration brings with it (.xlk)
    family: str | None  # the named file must be in this family for those extensions
    # a bare number ('-12', ' 4') right after a digit reads as that number going on (名簿_2023-12), not a duplicate
    not_after_digit: bool = False
    # an after-name decoration only meant after this prefix rule ('.' + name + '.Ab12Cd': rsync's temporary file);
    # a prefix decoration only meant with this after-name rule ('#' + name + '#': Emacs' auto-save file)
    needs: str | None = None


@dataclass(frozen=True)
class LockRule:
    name: str
    prefix: str
    suffix: str
    drop_leading: bool  # Word drops the first one or two characters of a long name
    format: str  # how its content is read (scanner/detectors/lockfile.py)


@dataclass(frozen=True)
class Mojibake:
    name: str
    shown_as: str  # the encoding the bytes were wrongly read with
    really: str  # the encoding they were written in


@dataclass(frozen=True)
class _Target:
    name: str  # the --name value as given (last path part)
    full: str  # normalised whole name
    stem: str
    ext: str  # "" when none was given (a bare stem: ``stem == full``)


# what counts as an extension typed after --name: a letter, then up to five letters or digits (.xlsx, .xls,
# a typo such as .xlx); ``名簿 v1.2`` or ``2017.01_名簿`` end in no extension, they are bare stems
_TYPED_EXT = re.compile(r"\.[a-z][a-z0-9]{0,5}")


def named_target(given: str) -> tuple[str, str, str]:
    """(normalised whole name, stem, extension) of a --name value; a bare stem has extension ""."""
    n = normalise_name(given)
    stem, ext = split_ext(n)
    return (n, stem, ext) if _TYPED_EXT.fullmatch(ext) else (n, n, "")


@dataclass(frozen=True)
class _Hint:
    name: str
    regex: re.Pattern[str] | None


@cache
def _variants() -> dict[str, Any]:
    return rules.load("name_variants")


@cache
def decorations() -> tuple[Decoration, ...]:
    return tuple(
        Decoration(d["name"], d["position"], re.compile(d["pattern"]) if "pattern" in d else None,
                   frozenset(e.casefold() for e in d.get("extensions", [])), d.get("family"),
                   d.get("not_after_digit") is True, d.get("needs"))
        for d in _variants().get("decoration", []))


# a number after the whole name: a rotated or numbered copy (名簿.csv.1, 名簿.xlsx.2024, a split series' 1000th part
# 名簿.csv.1000), or GNU ``cp --backup=numbered``'s ``.~1~`` (Session 13)
_NUMBERED = r"\.\d{1,8}|\.~\d{1,4}~"


@cache
def _after_name() -> re.Pattern[str]:
    """Any suffix after a whole name that leaves its content a copy of the file (backup, temporary copy, partial
    download, Office's save file: the ``after-name`` decorations that are no marker) or a number."""
    markers = marker_rules()
    suffixes = [d.regex.pattern for d in decorations()
                if d.position == "after-name" and d.regex is not None and d.name not in markers and d.needs is None]
    return re.compile(f"(?:{'|'.join([*suffixes, _NUMBERED])})$", re.IGNORECASE)


def behind_suffix(name: str) -> str:
    """The name a backup, temporary-copy, download or number suffix was put after (``名簿.xlsx.bak`` ->
    ``名簿.xlsx``, ``名簿.csv.1000`` -> ``名簿.csv``, ``名簿.xlsx.1.bak`` -> ``名簿.xlsx``), or "" when the name ends
    in none. Two suffixes at most; a name that would be left with no stem is no such name."""
    found, rest = "", name
    for _ in range(2):
        m = _after_name().search(rest)
        if m is None or m.start() == 0:
            break
        found = rest = rest[:m.start()]
    return found if split_ext(found)[0] else ""


@cache
def lock_rules() -> tuple[LockRule, ...]:
    return tuple(LockRule(d["name"], d["prefix"], d["suffix"], d["drop_leading"], d["format"])
                 for d in _variants().get("lock", []))


@cache
def marker_rules() -> frozenset[str]:
    """Rules (``marker = true`` in name_variants.toml) whose files mark a copy but hold none of its content: an
    AppleDouble companion, a download mark, a trash or recycle-bin record, an iCloud placeholder."""
    return frozenset(name for name, d in _catalogue().items() if d.get("marker") is True)


@cache
def mojibake_rules() -> tuple[Mojibake, ...]:
    return tuple(Mojibake(d["name"], d["shown_as"], d["really"]) for d in _variants().get("mojibake", []))


def rule_catalogue() -> Mapping[str, Mapping[str, Any]]:
    """Every name rule by its code, with origin, description and labels (keywords as ``keyword:<name>``)."""
    return MappingProxyType(_catalogue())


@cache
def _catalogue() -> dict[str, dict[str, Any]]:
    v = _variants()
    out: dict[str, dict[str, Any]] = {}
    for section in ("rule", "decoration", "lock", "mojibake", "promotion", "recycle"):
        for d in v.get(section, []):
            out[d["name"]] = {**d, "section": section}
    for section in ("spelling", "short_name"):
        if v.get(section):
            out[v[section]["name"]] = {**v[section], "section": section}
    for d in v.get("stem", {}).get("rule", []):
        out[d["name"]] = {**d, "section": "stem"}
    for d in v.get("contains", {}).get("hint", []):
        out[d["name"]] = {**d, "section": "contains"}
    for d in rules.load("keywords").get("keyword", []):
        out[f"keyword:{d['name']}"] = {**d, "section": "keyword"}
    return out


def recover_mojibake(name: str, rule: Mojibake) -> str | None:
    """The name as it was before ``rule``'s misreading, or None when the round trip is not exact. Two readings
    are escapes, not code pages: ``percent`` (%XX bytes in ``really``) and ``mime-word`` (RFC 2047 words, each
    in the charset it declares)."""
    text = _nfkc("NFC", name)  # an unpacked mojibake name may sit on a macOS volume, decomposed
    try:
        if rule.shown_as == "percent":
            out = _unpercent(text, rule.really) if "%" in text else text
        elif rule.shown_as == "mime-word":
            out = _unwords(_ADJACENT_WORDS.sub(r"\1", text)) if "=" in text else text
        else:
            out = text.encode(rule.shown_as, errors="leakscan-c1").decode(rule.really)
    except (UnicodeError, LookupError, ValueError):
        return None
    return out if out != text else None


def _unpercent(text: str, encoding: str) -> str:
    """%XX escapes as the bytes of ``encoding``. Text beside them stays as it is (`` - コピー`` added by Explorer to a
    downloaded name), so the whole name goes through ``encoding``: a cp932 trail byte that URL quoting leaves as
    an ASCII letter (ア = %83A) joins the byte before it."""
    from urllib.parse import unquote_to_bytes

    return unquote_to_bytes(text.encode(encoding)).decode(encoding)


def _unwords(text: str) -> str:
    """Every encoded word decoded strictly; the bytes of adjacent words of one charset are joined first (a
    character some mailer cut across two words, as email.header.decode_header reads them too)."""
    out: list[str] = []
    pending, charset, at = b"", "", 0
    for m in _ENCODED_WORD.finditer(text):
        word_charset = m["charset"].split("*")[0].lower()
        if m.start() != at or word_charset != charset:
            out += [pending.decode(charset) if pending else "", text[at:m.start()]]
            pending = b""
        pending, charset, at = pending + _word_bytes(m), word_charset, m.end()
    out += [pending.decode(charset) if pending else "", text[at:]]
    return "".join(out)


def _word_bytes(m: re.Match[str]) -> bytes:
    """One encoded word's bytes, decoded strictly (B: base64, where a / a file system refused may stand as _ or
    -; Q)."""
    import base64
    import binascii
    import quopri

    kind, payload = m["kind"].upper(), m["text"]
    try:
        if kind == "B":
            payload = payload.replace("_", "/").replace("-", "/")
            return base64.b64decode(payload + "=" * (-len(payload) % 4), validate=True)
        return quopri.decodestring(payload.replace("_", " ").encode("ascii"), header=True)
    except (binascii.Error, ValueError) as e:
        raise ValueError("not an encoded word") from e


def _respelling(t: _Target, spelling: Mapping[str, Any]) -> re.Pattern[str] | None:
    """The target's stem with separators ([spelling]) allowed, left out or changed between any two of its other
    characters (``介護予防_利用者名簿``: ``介護予防 利用者名簿``, ``介護予防利用者名簿``, ``介護予防-利用者 名簿``), for stems
    that keep ``min_stem_chars`` characters without them; None for shorter ones."""
    if not spelling:
        return None
    seps = spelling["separators"]
    # the long-vowel mark (ー) an IME gives for a typed hyphen: a separator after a character that is not kana
    vowel = spelling.get("long_vowel", "")
    after_word = f"(?:{seps}|{vowel})*" if vowel else f"{seps}*"
    # Inside a number the stem holds together no separator may come in (名簿_1_12 is not 名簿_11_2, 2019 not
    # 201_9); between numbers or words they may change or go (名簿_2019-01-15 as 名簿 20190115).
    parts: list[str] = []
    core = 0
    prev, gap = "", False
    for ch in t.stem:
        if re.fullmatch(seps, ch) or (vowel and prev and not _kana(prev) and re.fullmatch(vowel, ch)):
            gap = True
            continue
        if prev:
            glued_digits = not gap and prev.isascii() and prev.isdigit() and ch.isascii() and ch.isdigit()
            parts.append("" if glued_digits else after_word if not _kana(prev) else f"{seps}*")
        parts.append(re.escape(ch))
        core += 1
        prev, gap = ch, False
    if core < int(spelling.get("min_stem_chars", 4)):
        return None
    return re.compile("".join(parts))


def _kana(ch: str) -> bool:
    """Hiragana or katakana (the long-vowel mark ー included): after it, ー lengthens the sound."""
    return "\u3041" <= ch <= "\u30ff"


def short_base(stem: str, spec: Mapping[str, Any]) -> str:
    """The start of a normalised stem as Windows writes it in an 8.3 short name: spaces and dots left out,
    characters a short name cannot hold as ``_``, up to ``base_bytes`` bytes of the OEM code page (whole
    characters only)."""
    keep: list[str] = []
    size, limit, encoding = 0, int(spec.get("base_bytes", 6)), str(spec.get("encoding", "cp932"))
    for ch in stem:
        if ch in " .":
            continue
        if ch in str(spec.get("replaced", "")):
            ch = "_"
        try:
            width = len(ch.encode(encoding))
        except UnicodeEncodeError:
            ch, width = "_", 1
        if size + width > limit:
            break
        keep.append(ch)
        size += width
    return "".join(keep)


def _ascii_alnum_joint(a: str, b: str) -> bool:
    """Two ASCII digits, or two ASCII letters, side by side: one word or number, not a stem and its text."""
    return a.isascii() and b.isascii() and ((a.isdigit() and b.isdigit()) or (a.isalpha() and b.isalpha()))


class NameRules:
    """Compiled name rules for one scan: --name targets plus the keyword automaton."""

    def __init__(self, targets: list[str], use_keywords: bool = True) -> None:
        v = _variants()
        decos = decorations()
        self._prefix = [d for d in decos if d.position == "prefix"]
        # prefix rules that count only together with an after-name rule (Emacs' '#' + name + '#')
        self._paired = {d.name: d.needs for d in self._prefix if d.needs}
        self._suffix = [d for d in decos if d.position == "suffix"]
        self._after = [(d, re.compile(f"(?:{d.regex.pattern})$")) for d in decos
                       if d.position == "after-name" and d.regex is not None]
        self._ext_decos = [d for d in decos if d.position == "extension"]
        self._by_name = {d.name: d for d in decos}
        self._families = [frozenset(e.casefold() for e in exts) for exts in v["families"].values()]
        self._family_by_name = {k: frozenset(e.casefold() for e in exts) for k, exts in v["families"].items()}
        self._stem_family = self._family_by_name[v["stem"]["family"]]  # the named file's formats, by its stem
        self._locks = lock_rules()
        self._lock_prefixes = tuple(lk.prefix for lk in self._locks)
        self._mojibake = mojibake_rules()
        contains = v.get("contains", {})
        self._min_contains = int(contains.get("min_stem_chars", 4))
        self._not_contains = frozenset(e.casefold() for e in contains.get("not_extensions", []))
        self._hints = [_Hint(h["name"], re.compile(h["pattern"]) if "pattern" in h else None)
                       for h in contains.get("hint", [])]
        self.targets = [t.replace("\\", "/").rsplit("/", 1)[-1] for t in targets]
        self._targets: list[_Target] = []
        self._exact: dict[str, _Target] = {}
        for t in self.targets:
            n, stem, ext = named_target(t)
            target = _Target(t, n, stem, ext)
            self._targets.append(target)
            self._exact.setdefault(n, target)
        spelling = v.get("spelling", {})
        self._spelling_rule = str(spelling.get("name", "separator-variant"))
        self._respell = [(r, t) for t in self._targets for r in [_respelling(t, spelling)] if r is not None]
        short = v.get("short_name", {})
        self._short_rule = str(short.get("name", "short-name"))
        self._short: list[tuple[re.Pattern[str], _Target]] = []
        short_words: list[str] = []
        for target in self._targets if short else ():
            base = short_base(target.stem, short)
            if len(base) < int(short.get("min_base_chars", 3)):
                continue
            width = 1 + int(short.get("ext_chars", 3))
            family = next((f for f in self._families if target.ext in f), frozenset()) if target.ext else self._stem_family
            exts = sorted({e[:width] for e in (*family, target.ext) if e})
            self._short.append((re.compile(
                f"(?:{re.escape(base)}|_{re.escape(base[1:])})~\\d{{1,6}}(?:{'|'.join(map(re.escape, exts))})"), target))
            short_words += [f"{base}~", f"_{base[1:]}~"]
        self._keywords = ahocorasick.Automaton()
        if use_keywords:
            for kw in rules.load("keywords").get("keyword", []):
                for word in kw["words"]:
                    self._keywords.add_word(normalise_name(word), kw["name"])
        self._has_keywords = len(self._keywords) > 0
        if self._has_keywords:
            self._keywords.make_automaton()
        # One automaton over every keyword, every target stem, every exact name and the lock prefixes: a
        # name with no hit in it matches nothing (unless it is mojibake), decided in one C pass per name
        # (or per folder: see maybe_matching).
        self._any: ahocorasick.Automaton | None = None
        locks = list(self._lock_prefixes) if self._targets else []
        words = [w for w in (*(t.stem for t in self._targets), *self._exact, *locks, *short_words,
                             *(k for k, _ in self._keywords.items())) if w]
        if words:
            self._any = ahocorasick.Automaton()
            for w in words:
                self._any.add_word(w, None)
            self._any.make_automaton()

    # ---------------------------------------------------------------- the bulk pre-check

    def maybe_matching(self, framed: str) -> list[int] | None:
        """Indices (ascending) of the names that may meet a rule; every other name meets none.

        ``framed`` is a folder's names joined by NUL, with a NUL before the first and after the last:
        one NFKC + casefold and one automaton pass for the whole folder instead of one per name. NUL is in
        no file name, NFKC maps nothing to it and never composes across it, and casefolding works per
        character, so the result is the names' normalised forms framed the same way. Names that may be
        mojibake (a cheap character test on the whole folder first) are recovered and checked one by one.
        None means "ask ``match`` for each name" (an empty target name, which no automaton word can stand for).
        """
        if "" in self._exact:
            return None
        if self._any is None:
            return []
        text = _nfkc("NFKC", framed).casefold()
        found = {text.count("\0", 0, end) - 1 for end, _ in self._any.iter(text)}
        for pattern, _t in self._respell:  # the named stem with its separators written another way
            found.update(text.count("\0", 0, m.start()) - 1 for m in pattern.finditer(text))
        if self._mojibake and _MOJIBAKE_HINT.search(framed):
            for i, name in enumerate(framed.split("\0")[1:-1]):
                if i not in found and _MOJIBAKE_HINT.search(name) and any(
                        self._may_meet(normalise_name(r)) for _m, r in self._recovered(name)):
                    found.add(i)
        return sorted(found)

    def _may_meet(self, n: str) -> bool:
        """A normalised name holds an automaton word, or a target's stem with other separators."""
        return (self._any is not None and next(self._any.iter(n), None) is not None) or \
            any(p.search(n) is not None for p, _t in self._respell)

    # ---------------------------------------------------------------- one name

    def match(self, name: str) -> list[NameMatch]:
        """All rules a base name meets, strongest first. Cheap: no I/O.

        Called for every file walked, so a name that cannot match returns after one normalisation,
        one dictionary look-up, one automaton pass and one character test.
        """
        n = _nfkc("NFKC", name).casefold().rstrip(". ")
        hit = n in self._exact or (self._any is not None and next(self._any.iter(n), None) is not None)
        hinted = bool(self._mojibake) and _MOJIBAKE_HINT.search(name) is not None
        respelt = self._respelt(n) if self._respell else None
        if not hit and not hinted and respelt is None:
            return []
        found: list[NameMatch] = []
        strong = self._name_match(n) if hit and self._targets else None
        keyword_text = [n] if hit else []
        if strong is None and respelt is not None:
            strong = self._respelt_match(respelt)
        if strong is None and hinted:
            for rule, recovered in self._recovered(name):
                r = normalise_name(recovered)
                m = (self._name_match(r) or self._respelt_match(self._respelt(r))) if self._targets else None
                if m is not None:
                    strong = NameMatch(m.reason, f"{rule.name}+{m.rule}", m.target)
                    keyword_text.append(r)
                    break
                if self._has_keywords and not keyword_text:
                    keyword_text.append(r)
        if strong is not None:
            found.append(strong)
        if self._has_keywords:
            seen: set[str] = set()
            for text in keyword_text:
                for _end, kw in self._keywords.iter(text):
                    if kw not in seen:
                        seen.add(kw)
                        found.append(NameMatch(Reason.NAME_KEYWORD, f"keyword:{kw}"))
        return found

    def lock_rule(self, name: str) -> LockRule | None:
        """The lock-file rule a name's form follows (``~$…``, ``.~lock.…#``), whatever it locks."""
        n = normalise_name(name)
        for lk in self._locks:
            if n.startswith(lk.prefix) and n.endswith(lk.suffix) and len(n) > len(lk.prefix) + len(lk.suffix):
                return lk
        return None

    def _respelt(self, n: str) -> str | None:
        """``n`` with a target's stem written as given where it stands with other separators; None when none does."""
        for pattern, t in self._respell:
            m = pattern.search(n)
            if m is not None and m.group() != t.stem:
                return n[:m.start()] + t.stem + n[m.end():]
        return None

    def _respelt_match(self, respelt: str | None) -> NameMatch | None:
        """What a name rewritten by ``_respelt`` meets, as a renamed name: a copy, never the named file itself."""
        m = self._name_match(respelt) if respelt is not None else None
        if m is None:
            return None
        reason = Reason.NAME_VARIANT if m.reason == Reason.NAME else m.reason
        return NameMatch(reason, self._spelling_rule if m.rule == "exact" else f"{self._spelling_rule}+{m.rule}",
                         m.target)

    def _recovered(self, name: str) -> Iterator[tuple[Mojibake, str]]:
        for rule in self._mojibake:
            r = recover_mojibake(name, rule)
            if r is not None:
                yield rule, r

    def _name_match(self, n: str) -> NameMatch | None:
        """The strongest of exact, lock file, copy and contains for a normalised name."""
        if n in self._exact:
            return NameMatch(Reason.NAME, "exact", self._exact[n].name)
        for lk in self._locks:
            if not (n.startswith(lk.prefix) and n.endswith(lk.suffix)):
                continue
            rest = n[len(lk.prefix):len(n) - len(lk.suffix)]
            if not rest:
                continue
            copy = self._copy(rest, lk.drop_leading)
            if copy is not None:
                return NameMatch(Reason.NAME_VARIANT, "+".join([lk.name, *copy[0]]), copy[1].name)
            lead = self._contains(rest)
            if lead is not None:
                return NameMatch(Reason.NAME_CONTAINS, "+".join([lk.name, *lead[0]]), lead[1].name)
        copy = self._copy(n, False)
        if copy is not None and any(self._paired.get(r, r) not in copy[0] for r in copy[0] if r in self._paired):
            copy = None  # a prefix meant only with its after-name rule, alone ('#名簿.xlsx'): no copy's form
        if copy is not None:
            if copy[0] == [NO_EXTENSION_GIVEN]:  # a bare stem given: that stem in a spreadsheet format is it
                return NameMatch(Reason.NAME, NO_EXTENSION_GIVEN, copy[1].name)
            return NameMatch(Reason.NAME_VARIANT, "+".join(copy[0]), copy[1].name)
        lead = self._contains(n)
        if lead is not None:
            return NameMatch(Reason.NAME_CONTAINS, "+".join(lead[0]), lead[1].name)
        for pattern, t in self._short:  # an 8.3 alias: the start of the stem only, a lead
            if pattern.fullmatch(n):
                return NameMatch(Reason.NAME_CONTAINS, self._short_rule, t.name)
        return None

    # ---------------------------------------------------------------- copies

    def _copy(self, n: str, drop: bool) -> tuple[list[str], _Target] | None:
        """(rules, target) when every part of ``n`` around a target stem is a decoration; [] = exact."""
        if n in self._exact:
            return [], self._exact[n]
        for deco, tail in self._after:
            m = tail.search(n)
            if m and m.start() > 0:
                inner = self._copy(n[:m.start()], drop)
                if inner is not None and (deco.needs is None or inner[0][:1] == [deco.needs]):
                    return [*inner[0], deco.name], inner[1]
        stem, ext = split_ext(n)
        for t in self._targets:
            for start, end, dropped in self._stem_places(stem, t, drop):
                pre = self._decompose(stem[:start], self._prefix) if not dropped else []
                if pre is None:
                    continue
                suf = self._decompose(stem[end:], self._suffix, stem[end - 1:end])
                if suf is None:
                    continue
                used = pre + suf
                ext_rules = self._ext_rules(ext, t, used)
                if ext_rules is not None:
                    return used + ext_rules, t
        return None

    def _stem_places(self, stem: str, t: _Target, drop: bool) -> Iterator[tuple[int, int, int]]:
        """(start, end, characters dropped) of each place ``t``'s stem stands in ``stem``.

        With ``drop`` (an Office owner file), also Word's short forms at the start: the first two
        characters dropped from a name of 8 or more, the first one from a name of exactly 7.
        """
        if not t.stem:
            return
        i = stem.find(t.stem)
        while i >= 0:
            yield i, i + len(t.stem), 0
            i = stem.find(t.stem, i + 1)
        if drop:
            for k, fits in ((2, lambda n: n >= 8), (1, lambda n: n == 7)):
                short = t.stem[k:]
                if len(short) >= 3 and not short.startswith(".") and stem.startswith(short) and fits(len(stem) + k):
                    yield 0, len(short), k

    def _decompose(self, text: str, decos: list[Decoration], before: str = "") -> list[str] | None:
        """The decorations that make up ``text`` exactly, left to right; None when some text is left. ``before``:
        the last character of the stem ``text`` follows (a digit there keeps ``not_after_digit`` decorations out)."""
        if not text:
            return []
        for d in decos:
            if d.not_after_digit and before.isdigit():
                continue
            m = d.regex.match(text) if d.regex is not None else None
            if m and m.end() > 0:
                rest = self._decompose(text[m.end():], decos)  # after a program's own text: its forms
                if rest is not None:
                    return [d.name, *rest]
        return None

    def _ext_rules(self, ext: str, t: _Target, used: list[str]) -> list[str] | None:
        """Rules that explain the extension (``[]``: the named file's own), None when nothing does."""
        if ext == t.ext:
            return []
        if not t.ext:
            return [NO_EXTENSION_GIVEN] if ext in self._stem_family else None
        for name in used:
            d = self._by_name[name]
            if ext in d.extensions and (d.family is None or t.ext in self._family_by_name.get(d.family, ())):
                return []
        for d in self._ext_decos:
            if ext in d.extensions:
                return [d.name]
        if self._same_family(ext, t.ext):
            return ["other-extension"]
        return None

    def stem_target(self, name: str) -> str | None:
        """The --name value (with an extension) whose stem ``name`` is, with another extension of the stem
        family (``名簿.xlsx`` for ``--name 名簿.xls``; mojibake recovered): the named file itself when no file
        has the extension typed (scanner.named decides that after the walk). None otherwise."""
        names = [normalise_name(name)]
        if self._mojibake and _MOJIBAKE_HINT.search(name):
            names += [normalise_name(r) for _rule, r in self._recovered(name)]
        for n in names:
            stem, ext = split_ext(n)
            for t in self._targets:
                if t.ext and stem == t.stem and ext != t.ext and ext in self._stem_family:
                    return t.name
        return None

    def _same_family(self, a: str, b: str) -> bool:
        return any(a in fam and b in fam for fam in self._families)

    # ---------------------------------------------------------------- leads

    def _contains(self, n: str) -> tuple[list[str], _Target] | None:
        """(hints, target) when ``n`` holds a target's whole stem with other text around it."""
        stem, ext = split_ext(n)
        if ext in self._not_contains:  # a shortcut named after the file: a trace of use (scanner/traces)
            return None
        for t in self._targets:
            if len(t.stem) < self._min_contains:
                continue
            i = stem.find(t.stem)
            while i >= 0:
                end = i + len(t.stem)
                joined = (i > 0 and _ascii_alnum_joint(stem[i - 1], t.stem[0])) or \
                         (end < len(stem) and _ascii_alnum_joint(t.stem[-1], stem[end]))
                if not joined:
                    return self._hint_names(stem[:i] + "\0" + stem[end:], ext, t), t
                i = stem.find(t.stem, i + 1)
        return None

    def _hint_names(self, around: str, ext: str, t: _Target) -> list[str]:
        """What the text around the stem is, in the words of the contains hints."""
        found = [h.name for h in self._hints if h.regex is not None and h.regex.search(around)]
        same_type = self._same_family(ext, t.ext) or (not t.ext and ext in self._stem_family)
        if ext != t.ext and not same_type:
            found.append("other-type")
        return found or ["with-text"]
