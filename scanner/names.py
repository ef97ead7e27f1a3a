"""File-name rules: the named file, its copy variants, Excel owner files, and keyword leads.

Everything is compared on an NFKC + casefolded copy of the name (so ``介護予防＿利用者名簿.XLSX``
equals ``介護予防_利用者名簿.xlsx`` and macOS NFD names equal NFC ones); the original name is kept
for display. Rules come from signatures/name_variants.toml and signatures/keywords.toml.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ahocorasick

from . import rules
from .codes import Reason

_nfkc = unicodedata.normalize


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
    reason: Reason  # name, name-variant or name-keyword
    rule: str  # which rule: "exact", "owner-file", "windows-copy-ja", "other-extension", "keyword:meibo" ...
    target: str | None = None  # the --name value it matched, if any


@dataclass(frozen=True)
class _Decoration:
    name: str
    regex: re.Pattern[str]


class NameRules:
    """Compiled name rules for one scan: --name targets plus the keyword automaton."""

    def __init__(self, targets: list[str], use_keywords: bool = True) -> None:
        variants = rules.load("name_variants")
        self._decorations = [
            _Decoration(d["name"], re.compile(d["pattern"])) for d in variants.get("decoration", [])
        ]
        self._sheet_exts = {e.casefold() for e in variants["spreadsheet"]["extensions"]}
        self._owner_prefix = variants["owner_file"]["prefix"]
        self.targets = [t.replace("\\", "/").rsplit("/", 1)[-1] for t in targets]
        self._exact: dict[str, str] = {}
        self._stems: dict[str, list[tuple[str, str]]] = {}
        for t in self.targets:
            n = normalise_name(t)
            self._exact[n] = t
            stem, ext = split_ext(n)
            self._stems.setdefault(self._strip(stem)[0], []).append((ext, t))
        self._keywords = ahocorasick.Automaton()
        if use_keywords:
            for kw in rules.load("keywords").get("keyword", []):
                for word in kw["words"]:
                    self._keywords.add_word(normalise_name(word), kw["name"])
        self._has_keywords = len(self._keywords) > 0
        if self._has_keywords:
            self._keywords.make_automaton()
        # One automaton over every keyword, every bare target stem, every exact name and the owner-file
        # prefix: a name with no hit in it matches nothing, decided in one C pass per name (or per folder:
        # see maybe_matching).
        self._any: ahocorasick.Automaton | None = None
        owner = [self._owner_prefix] if self._stems else []
        words = [w for w in (*self._stems, *self._exact, *owner, *(k for k, _ in self._keywords.items())) if w]
        if words:
            self._any = ahocorasick.Automaton()
            for w in words:
                self._any.add_word(w, None)
            self._any.make_automaton()

    def _strip(self, stem: str) -> tuple[str, list[str]]:
        """Remove copy decorations until none applies; return the bare stem and the rules used."""
        used: list[str] = []
        changed = True
        while changed and stem:
            changed = False
            for d in self._decorations:
                new = d.regex.sub("", stem, count=1).strip()
                if new != stem and new:
                    stem, changed = new, True
                    used.append(d.name)
        return stem, used

    def _variant(self, normalised: str) -> NameMatch | None:
        stem, ext = split_ext(normalised)
        bare, used = self._strip(stem)
        for target_ext, target in self._stems.get(bare, []):
            same_family = ext == target_ext or (ext in self._sheet_exts and target_ext in self._sheet_exts)
            if not same_family:
                continue
            if ext != target_ext:
                used = [*used, "other-extension"]
            if used:
                return NameMatch(Reason.NAME_VARIANT, "+".join(used), target)
        return None

    def maybe_matching(self, framed: str) -> list[int] | None:
        """Indices (ascending) of the names that may meet a rule; every other name meets none.

        ``framed`` is a folder's names joined by NUL, with a NUL before the first and after the last:
        one NFKC + casefold and one automaton pass for the whole folder instead of one per name. NUL is in
        no file name, NFKC maps nothing to it and never composes across it, and casefolding works per
        character, so the result is the names' normalised forms framed the same way. None means "ask
        ``match`` for each name" (an empty target name, which no automaton word can stand for).
        """
        if "" in self._exact:
            return None
        if self._any is None:
            return []
        text = _nfkc("NFKC", framed).casefold()
        found = [end for end, _ in self._any.iter(text)]
        if not found:
            return []
        return sorted({text.count("\0", 0, end) - 1 for end in found})

    def match(self, name: str) -> list[NameMatch]:
        """All rules a base name meets, strongest first. Cheap: no I/O.

        Called for every file walked, so a name that cannot match returns after one normalisation,
        one dictionary look-up and one automaton pass.
        """
        n = _nfkc("NFKC", name).casefold().rstrip(". ")
        if (n not in self._exact and not n.startswith(self._owner_prefix)
                and (self._any is None or next(self._any.iter(n), None) is None)):
            return []
        found: list[NameMatch] = []
        if n in self._exact:
            found.append(NameMatch(Reason.NAME, "exact", self._exact[n]))
        elif self._stems:
            if n.startswith(self._owner_prefix):
                rest = n[len(self._owner_prefix):]
                for full, target in self._exact.items():
                    if rest == full or (len(full) > len(rest) >= 3 and full[2:] == rest and not rest.startswith(".")):
                        found.append(NameMatch(Reason.NAME_VARIANT, "owner-file", target))
                        break
                else:
                    v = self._variant(rest)
                    if v:
                        found.append(NameMatch(Reason.NAME_VARIANT, "owner-file+" + v.rule, v.target))
            elif any(stem in n for stem in self._stems):  # a variant holds the bare stem: cheap test first
                v = self._variant(n)
                if v:
                    found.append(v)
        if self._has_keywords:
            seen: set[str] = set()
            for _end, kw in self._keywords.iter(n):
                if kw not in seen:
                    seen.add(kw)
                    found.append(NameMatch(Reason.NAME_KEYWORD, f"keyword:{kw}"))
        return found
