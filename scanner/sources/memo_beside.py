"""A dBase table's memo file found beside it (damage19): ``X.dbf`` keeps its memo fields' text in ``X.fpt`` (FoxPro)
or ``X.dbt`` (dBase) of the same folder, the stem and extensions in any case. A source that lists a folder wraps
each table's entry (``MemoTable``) with its memo file's entry, or with none when it looked and found none; the
wrapped entry travels to a worker as its two refs (``MemoTableRef``), as a split series' parts do, and the table
reader gets the memo's bytes through ``memo_of`` (read-only, through the source's own ``open``). A source that
does not look (an archive's members, a disk image's files) leaves the entry bare: its memos are said unread.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, Protocol

from ..codes import Status
from ..dbase import MemoBeside
from ..details import Detail, os_error, say
from ..errors import ReadError
from ..models import Entry, FileStat, Location, Skipped
from .series_join import ref_or_bytes

_TABLE = re.compile(r"\.dbf\x00", re.IGNORECASE)
MEMO_EXTS = (".fpt", ".dbt")  # FoxPro's first: a folder holding both for one table is FoxPro's (dBase never
# writes .fpt)


def memos_in(names: Iterable[str]) -> dict[str, str | None]:
    """Each ``.dbf`` among a folder's plain file ``names`` -> the name of its memo file there (same stem, any case),
    or None (one regular-expression search first: nothing more for a folder without a ``.dbf``). A memo file of the
    table's own stem comes first; one whose stem differs in case goes to a table no memo file has exactly (a
    case-sensitive folder may hold ``same.dbf`` and ``SAME.DBF``, each with its memo file: review19d)."""
    listed = list(names)
    if not _TABLE.search("\0".join(listed) + "\0"):
        return {}
    by_key: dict[str, list[str]] = {}
    for name in listed:
        folded = name.casefold()
        if folded.endswith(MEMO_EXTS):
            by_key.setdefault(folded, []).append(name)
    found = {name: [m for ext in MEMO_EXTS for m in by_key.get(name[:-4].casefold() + ext, [])]
             for name in listed if name.casefold().endswith(".dbf")}
    own = {name: [m for m in memos if m[:-4] == name[:-4]] for name, memos in found.items()}
    taken = {m for memos in own.values() for m in memos}
    return {name: next(iter(own[name] or [m for m in memos if m not in taken]), None)
            for name, memos in found.items()}


_MEMO = re.compile(r"\.(?:fpt|dbt)\x00", re.IGNORECASE)
MEMO_HEADER = 512  # a memo file's header block (FoxPro, dBase III/IV): a file no longer than it holds no value


def lone_memos(names: Iterable[str]) -> list[str]:
    """The memo files (``.fpt``/``.dbt``) among a folder's plain file ``names`` that no table there reads
    (``memos_in``): their table removed or renamed (``X.dat``), or a second one of another case. Their values are
    read only with their table, so they are listed (review20d: such a file holding names ended as nothing)."""
    listed = list(names)
    if not _MEMO.search("\0".join(listed) + "\0"):
        return []
    read = {memo for memo in memos_in(listed).values() if memo is not None}
    return [name for name in listed if name.casefold().endswith(MEMO_EXTS) and name not in read]


def lone_memo_members(items: Iterable[Any]) -> Iterator[Any]:
    """A container's items (an archive's members) passed on as they come, then a ``dbf-memo-alone`` line for each
    memo file (.fpt/.dbt, more than its header) that no table of its folder reads (``lone_memos``), as a local
    folder or a share lists one (damage21: such a member of a zip, tar or 7z ended as nothing: no reader takes a
    memo file, and its table is not there to read it)."""
    folders: dict[str, list[str]] = {}
    memos: dict[tuple[str, str], Entry] = {}
    for item in items:
        yield item
        name = getattr(item, "name", None)
        if not isinstance(name, str) or not callable(getattr(item, "open", None)):
            continue  # (a Skipped or a Link: no file of the folder)
        path = item.location.path.replace("\\", "/")
        folder = path.rsplit("/", 1)[0] if "/" in path else ""
        folders.setdefault(folder, []).append(name)
        if name.casefold().endswith(MEMO_EXTS):
            memos.setdefault((folder, name), item)
    for folder, names in folders.items() if memos else ():
        for name in lone_memos(names):
            entry = memos.get((folder, name))
            if entry is not None and _larger_than_header(entry):
                yield Skipped(entry.location, Status.UNSUPPORTED, say(Detail.DBF_MEMO_ALONE))


def _larger_than_header(entry: Entry) -> bool:
    try:
        return entry.stat().size > MEMO_HEADER
    except (ReadError, OSError):
        return True  # (not known: listed all the same)


class _Ref(Protocol):
    def entry(self, location: Location, name: str, deleted: bool, st: FileStat) -> Entry: ...


def _beside(location: Location, name: str) -> Location:
    folder, sep, _ = location.path.rpartition("/")
    return dataclasses.replace(location, path=folder + sep + name, raw_path_hex=None)


class MemoTable:
    """A ``.dbf`` entry of a listed folder with its memo file's entry (``memo``; None: the folder holds none)."""

    def __init__(self, entry: Entry, memo: Entry | None) -> None:
        self._entry, self.memo = entry, memo

    def __getattr__(self, name: str) -> Any:
        return getattr(self._entry, name)

    def open(self) -> IO[bytes]:
        return self._entry.open()

    def stat(self) -> FileStat:
        return self._entry.stat()

    def ref(self) -> MemoTableRef | None:
        """The table's ref with its memo file's; a file with no ref of its own (a small file an SMB walk fetched
        whole) travels as its bytes read here (``PartBytes``, up to ``BYTES_HERE``); None when one can be had
        neither way (the scan process then examines the table itself, memo and all)."""
        own = ref_or_bytes(self._entry)
        if own is None:
            return None
        if self.memo is None:
            return MemoTableRef(own, None, "")
        found = ref_or_bytes(self.memo)
        return None if found is None else MemoTableRef(own, found, self.memo.name)


class MemoTableRef:
    """How a worker re-creates a ``MemoTable``: the table's ref, its memo file's ref and name (or none)."""

    __slots__ = ("table", "memo", "memo_name")

    def __init__(self, table: _Ref, memo: _Ref | None, memo_name: str) -> None:
        self.table, self.memo, self.memo_name = table, memo, memo_name

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return (MemoTableRef, (self.table, self.memo, self.memo_name))

    def entry(self, location: Location, name: str, deleted: bool, st: FileStat) -> MemoTable:
        table = self.table.entry(location, name, deleted, st)
        if self.memo is None:
            return MemoTable(table, None)
        return MemoTable(table, self.memo.entry(_beside(location, self.memo_name), self.memo_name, False, st))


def memo_for(entry: Entry, memos: dict[str, str | None], make: Callable[[str], Entry]) -> Entry:
    """``entry`` wrapped with its memo file when it is a listed folder's table (``memos``: ``memos_in``'s answer;
    ``make(name)``: the source's entry of another file of the same folder), else itself."""
    if entry.name not in memos:
        return entry
    memo = memos[entry.name]
    return MemoTable(entry, make(memo) if memo is not None else None)


def memo_of(entry: Entry, most: int) -> MemoBeside | None:
    """The memo file beside a table entry as the table reader takes it: None when the entry's source did not look;
    else its bytes (up to ``most``), that there is none, or why it could not be read. Total."""
    if not isinstance(entry, MemoTable):
        return None
    memo = entry.memo
    if memo is None:
        return MemoBeside(missing=True)
    try:
        with memo.open() as f:
            data = bytes(f.read(most + 1))
        return MemoBeside(memo.name, data[:most], cut_at=most if len(data) > most else 0)
    except ReadError as e:
        return MemoBeside(memo.name, error=e.detail)
    except (OSError, ValueError) as e:
        return MemoBeside(memo.name, error=os_error(e))
