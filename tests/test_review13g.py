"""review13g: the Japanese words of details found by real damaged scans (`--lang ja`) the details13 audit did not
reach: a split series' kind ("split file", "split 7z") and an EWF image whose later segment is missing."""

from __future__ import annotations

import re

import pytest

from reports.details import detail_text
from scanner.details import Detail, codes_of, say

ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.mark.parametrize("kind", ["split file", "split zip", "split 7z", "spanned zip"])
def test_a_split_series_kind_is_said_in_japanese(kind: str) -> None:
    said = say(Detail.SPLIT_SERIES_PARTLY, n=2, kind=kind, whole="名簿.zip",
               problem=say(Detail.SERIES_FIRST_MISSING, part="名簿.zip.001"), seen=say(Detail.SPLIT_NOT_EXAMINED))
    ja = detail_text(said, "unsupported", "ja", codes_of(said))
    words = re.sub(r"「[^」]*」", " ", ja)
    assert not {w for w in ENGLISH_WORD.findall(words) if w not in ("zip",)}, ja


def test_a_missing_segment_is_said_not_read_as_the_os_refusing() -> None:
    """media-file-missing's names are the evidence's file names (quoted), never an uncoded part said by the
    reason's words ("the OS refused the read": the segment is absent, nothing refused it)."""
    said = say(Detail.MEDIA_FILE_MISSING, what="segment", names="ev.E02 (looked for /cases/ev.E02)",
               span=" (bytes 8355840 to 16777216 of the media)")
    codes = codes_of(said)
    assert all("text" not in n for n in codes[0]["names"] if isinstance(n, dict)), codes
    ja = detail_text(said, "unreadable", "ja", codes)
    assert "拒否" not in ja and "ev.E02" in ja, ja


def test_a_missing_segment_recorded_by_the_previous_version_is_still_quoted() -> None:
    """A case written before review13g recorded the names as a detail (a text part): still quoted, never dropped."""
    old = [{"code": "media-file-missing", "what": "segment", "names": [{"text": "ev.E02 (looked for /cases/ev.E02)"}],
            "span": " (bytes 1 to 2 of the media)"}]
    text = ("segment file missing: ev.E02 (looked for /cases/ev.E02); the media after the gap (bytes 1 to 2 of the "
            "media) cannot be read, so the partitions and files there are not examined; put every segment in one "
            "folder and scan again")
    ja = detail_text(text, "unreadable", "ja", old)
    assert "「ev.E02 (looked for /cases/ev.E02)」" in ja and "[{" not in ja, ja



@pytest.mark.parametrize("note", ["no input counted persons", "combined across 2 inputs"])
def test_a_merge_without_persons_is_said_in_japanese(note: str) -> None:
    """A merged case whose inputs counted no persons (merge.persons "no input counted persons"): the merge section
    showed that English sentence in the Japanese report."""
    from reports.html import render

    doc = {"merge": {"inputs": [], "persons": note, "duplicate_hits_dropped": 0, "counts": None}, "scan": {}}
    html = render("sections/merge.html.j2", doc, "ja", section_no=1)
    row = html.split("<table class=\"kv\">", 1)[1].split("</tr>", 1)[0]
    assert not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", re.sub(r"<[^>]+>", " ", row)), row
