"""Which file names need any work at all: the name rules and the content inspectors' name pre-checks, combined.

On a share of millions of files nearly every name matches no rule and has an extension no content inspector
reads (documents, media). Those files must cost little more than listing them: no stat, no entry object, no
call of their own. Inspectors therefore declare up front which names they never want:

* ``skip_extensions``: casefolded last extensions (``".pdf"``) for which ``wants_name`` is False;
* ``only_prefixes``: when set, ``wants_name`` is False for every name not starting with one of them, in any
  letter case (Windows names are case-insensitive: ``SetupAPI.dev.log`` is ``setupapi.dev.log``).

For one name the combined check is one set look-up on its extension. For a folder of names it is a few
passes in C over the names joined by NUL (which no file name holds): the name-rule automaton, and one
regular expression that counts the names ending in a skipped extension; only an inconclusive folder (a
workbook, an archive, a ``$I`` file among the names) is checked name by name. An inspector that declares
nothing but has ``wants_name`` is asked per name; one that has neither wants every file, and so does a
scan with known hashes (every file is hashed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Sequence

from .names import NameRules


class NamePrefilter:
    """Picks, from a folder's file names, the ones the pipeline must examine (stat, maybe read)."""

    def __init__(self, rules: NameRules, inspectors: Sequence[object], known_hashes: frozenset[str]) -> None:
        # object, not contracts.Inspector: only the optional name checks are read (getattr), and the
        # contracts import this module
        self.rules = rules
        self.everything = bool(known_hashes)  # every file is hashed: nothing can be left out by name
        self._calls: list[Callable[[str], bool]] = []
        prefixes: list[str] = []
        skip: frozenset[str] | None = None  # extensions every extension-based inspector leaves alone
        # per inspector, the extensions it declares it never wants (None: asked about every name it gets)
        self._own_skips: list[frozenset[str] | None] = []
        self._asked: dict[str, tuple[int, ...]] = {}  # casefolded last extension -> inspectors worth asking
        # ``examine.pick``'s decision table: (path, extension, inspectors asked, bytes) of a small plain file ->
        # (wanted, whether its checks read an empty file's head)
        self.decisions: dict[tuple[bool, str, tuple[int, ...], bytes], tuple[tuple[int, ...], bool]] = {}
        # extensions whose files the table never decides: those under which an inspector's checks read more than a
        # file's extension, size and bytes (its ``reads_beyond_bytes``, contracts); None (the table off) when an
        # inspector declares nothing about it (review26s: the soundness of the table by declaration, not by audit)
        self.untabled: frozenset[str] | None = frozenset()
        for ins in inspectors:
            declared = getattr(ins, "reads_beyond_bytes", None)
            self.untabled = None if declared is None or self.untabled is None else self.untabled | declared
        # inspectors wanting names only with their declared prefixes (casefolded): asked only about those names
        self._prefixed: list[tuple[int, tuple[str, ...]]] = []
        for ins in inspectors:
            exts = getattr(ins, "skip_extensions", None)
            only = getattr(ins, "only_prefixes", None)
            # as below: declared prefixes decide alone (DeviceLogInspector inherits TraceInspector's extensions)
            self._own_skips.append(frozenset(e for e in exts if _plain_ext(e)) if exts is not None and only is None
                                   else None)
            if only is not None:
                self._prefixed.append((len(self._own_skips) - 1, tuple(p.casefold() for p in only)))
            if exts is None and only is None:
                call = getattr(ins, "wants_name", None)
                if call is None:
                    self.everything = True
                else:
                    self._calls.append(call)
            elif only is not None:
                prefixes.extend(only)  # wanted at most with these prefixes (whatever its extensions say)
            elif exts is not None:
                mine = frozenset(e for e in exts if _plain_ext(e))
                skip = mine if skip is None else skip & mine
        self._prefixed_all = tuple(p for _, own in self._prefixed for p in own)  # one test before the per-inspector one
        # no extension-based inspector: an extension alone never makes a name wanted
        self._by_ext = skip is not None
        self._skip = skip or frozenset()
        self._prefixes = tuple(dict.fromkeys(p.casefold() for p in prefixes))  # compared casefolded
        self._prefix_len = max((len(p) for p in self._prefixes), default=0)
        # one pass over a framed folder, one match at most per name (each starts at the NUL before it):
        # group 1 non-empty = a name starting with a wanted prefix or with a dot (no extension for
        # split_ext); group 1 empty = a name whose last extension is a skipped one (exact case)
        special = "|".join([*(f"(?i:{re.escape(p)})" for p in self._prefixes), *([r"\."] if self._by_ext else [])]) \
            or "(?!)"
        exts = "|".join(sorted((re.escape(e[1:]) for e in self._skip), key=len, reverse=True))
        tail = rf"|[^\0]*\.(?:{exts})(?=\0)" if exts else ""
        self._bulk = re.compile(rf"\0(?:({special}){tail})") if (exts or self._prefixes) else None

    def wanted(self, name: str) -> bool:
        """Whether some inspector may want ``name`` (a superset of asking each one's ``wants_name``)."""
        if self.everything:
            return True
        if self._prefixes and name[:self._prefix_len].casefold().startswith(self._prefixes):
            return True
        if self._by_ext:
            dot = name.rfind(".")
            if dot <= 0 or name[dot:].casefold() not in self._skip:
                return True
        for call in self._calls:
            if call(name):
                return True
        return False

    def asked(self, name: str) -> tuple[int, ...]:
        """Indices (ascending) of the inspectors whose ``wants`` may be true for ``name``: all but those whose
        ``skip_extensions`` hold its last extension (an inspector declares there, as data, the names its
        ``wants_name`` rejects: no size or content could make ``wants`` true for them). One dictionary look-up
        per name instead of one ``wants`` call per inspector (a spreadsheet name is wanted by one of seven).
        An inspector that declares ``only_prefixes`` is asked only about a name starting with one of them (in any
        letter case, as ``wanted`` reads them): its ``wants_name`` is False for any other name, so ``wants`` is
        too (the device-log inspector was asked about every picked file, building its location each time)."""
        dot = name.rfind(".")
        ext = name[dot:].casefold() if dot > 0 else ""
        found = self._asked.get(ext)
        if found is None:
            unprefixed = {i for i, _ in self._prefixed}
            found = tuple(i for i, skip in enumerate(self._own_skips)
                          if i not in unprefixed and (skip is None or ext not in skip))
            if len(self._asked) < 4096:  # hostile names may each have an extension of their own: bounded
                self._asked[ext] = found
        if self._prefixed and (low := name[:self._prefix_len].casefold()).startswith(self._prefixed_all):
            more = [i for i, own in self._prefixed if low.startswith(own)]
            if more:
                found = tuple(sorted({*found, *more}))
        return found

    def pick(self, names: list[str], framed: str | None = None) -> Sequence[int]:
        """Indices (ascending) of the names to examine; every other one is only counted as seen.

        ``framed`` is ``"\\0" + "\\0".join(names) + "\\0"`` when the caller has it already.
        """
        return self.split(names, framed)[0]

    def split(self, names: list[str], framed: str | None = None) -> tuple[Sequence[int], Container[int] | None]:
        """``pick``, and the indices of the names that may meet a name rule (None: not known, ask ``rules.match``).
        A picked name outside them meets no rule and is ``wanted`` (that is why it was picked): the walk's
        cheap checks (``examine.pick``) need not ask either again for it."""
        n = len(names)
        if self.everything or not n:
            return range(n), None
        if framed is None:
            framed = "\0" + "\0".join(names) + "\0"
        if framed.count("\0") != n + 1:  # a name holding NUL (no file system allows it): no bulk answers
            return [i for i, name in enumerate(names) if self.wanted(name) or self.rules.match(name)], None
        by_rule = self.rules.maybe_matching(framed)
        if by_rule is None:
            return range(n), None
        if not (self._by_ext or self._prefixes or self._calls):
            return by_rule, frozenset(by_rule)  # no inspector wants any name: the name rules alone decide
        if self._bulk is not None and not self._calls:
            found = self._bulk.findall(framed)
            # every name ends in a skipped extension, none starts with a prefix or a dot: nothing wanted
            if (len(found) == n or not self._by_ext) and found.count("") == len(found):
                return by_rule, frozenset(by_rule)
        picked = set(by_rule)
        picked.update(i for i, name in enumerate(names) if self.wanted(name))
        return sorted(picked), frozenset(by_rule)


def _plain_ext(ext: str) -> bool:
    """A last extension as ``split_ext`` makes it: one leading dot, something after it, already casefolded."""
    return len(ext) > 1 and ext.startswith(".") and "." not in ext[1:] and ext == ext.casefold()
