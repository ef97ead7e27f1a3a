"""Values pickled for every file or row between the scan process and its workers are pickled by position
(``models.fields_reduce``): the round trip gives an equal value, every field is carried (none may be left to a
default on the other side), and the pickle is no longer than the dataclasses' own."""

from __future__ import annotations

import dataclasses
import pickle
from array import array

import pytest

from scanner.codes import Reason, Status
from scanner.contracts import Poison
from scanner.examine import Candidate
from scanner.models import FileHit, FilePrints, FileStat, Location, RowPrint, Skipped
from scanner.names import NameMatch
from scanner.work import BytesRef, FileOutcome, FileTask

LOC = Location("/src", "/src/a/名簿.csv")
STAT = FileStat(5, "2026-12-06T08:49:03.643025Z", "2026-12-06T08:49:03.642328Z", None, None, "note")
CAND = Candidate([NameMatch(Reason.NAME_KEYWORD, "keyword:名簿")], STAT, (0, 2), "recycle:$R1")
ROW = RowPrint((b"k1", b"k2"), ("山田 **", "東京都***"), ("山田", "東京都"), frozenset({"a"}),  # type: ignore[arg-type]
               frozenset({b"r"}), "guardian", "business", 4, (b"r1",))
PRINTS = FilePrints(3, 1, array("Q", [1, 2]), [ROW], array("Q", [7, 0, 0]))

VALUES = [
    CAND,
    BytesRef(b"memo\n"),
    FileTask(LOC, "名簿.csv", True, CAND, BytesRef(b"x"), seq=7, poisoned={"": Poison("spreadsheet", Status.CORRUPT, "d")},
             attempts=2, fresh=True, resent=True),
    FileOutcome(hits=[FileHit(LOC, STAT, None, "text/csv", [Reason.PII])], skipped=[Skipped(LOC, Status.CORRUPT, "x")],
                prints={0: PRINTS}, extra={"traces": [1]}, files_seen=2, bytes_read=5, inspected=1,
                logs=[(30, "line")], recycle=True),
    ROW,
    PRINTS,
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_round_trip_carries_every_field(value: object) -> None:
    back = pickle.loads(pickle.dumps(value))
    assert type(back) is type(value) and back == value
    for f in dataclasses.fields(value):  # type: ignore[arg-type]
        assert f.init, f"{type(value).__name__}.{f.name}: not an __init__ parameter, cannot be pickled by position"
        assert getattr(back, f.name) == getattr(value, f.name), f.name
    assert type(value).__reduce__ is not object.__reduce__


def _pickled_by_position() -> list[type]:
    """Every class of the scanner package pickled by ``fields_reduce``: its own or inherited (the modules that name
    it are imported, so a class added later is found without being listed here)."""
    import importlib
    from pathlib import Path

    from scanner.models import fields_reduce

    root = Path(__file__).resolve().parents[1]
    found: list[type] = []
    for path in sorted((root / "scanner").rglob("*.py")):
        if "fields_reduce" not in path.read_text(encoding="utf-8"):
            continue
        module = importlib.import_module(".".join(path.relative_to(root).with_suffix("").parts))
        found += [v for v in vars(module).values()
                  if isinstance(v, type) and v.__module__ == module.__name__ and v.__reduce__ is fields_reduce]
    return found


def test_every_field_of_every_class_pickled_by_position_is_carried() -> None:
    """Each field set to a value of its own (none its default): the round trip gives each back, so a field added
    later to any such class cannot be silently dropped or left to its default on the other side (review13f)."""
    classes = _pickled_by_position()
    assert {c.__name__ for c in classes} >= {"Candidate", "BytesRef", "FileTask", "FileOutcome", "RowPrint",
                                             "FilePrints"}
    for cls in classes:
        assert dataclasses.is_dataclass(cls), cls
        own = {f.name: f"{cls.__name__}.{f.name}" for f in dataclasses.fields(cls)}
        for f in dataclasses.fields(cls):
            assert f.init and not f.kw_only, f"{cls.__name__}.{f.name}: not a positional __init__ parameter"
        value = cls(**own)
        back = pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        assert type(back) is cls
        assert {name: getattr(back, name) for name in own} == own, cls.__name__
