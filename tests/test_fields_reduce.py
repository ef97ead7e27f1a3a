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
