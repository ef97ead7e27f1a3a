"""review25o: docs25's include fragments and notes read from their local headers, pushed with real-shaped input.

- A deck whose zip directory names its notes twice, otherwise than their local header (two directory entries for one
  member, each a damaged name): the notes were read once per entry, every person counted twice.
People are Faker ja_JP with fixed seeds (tests.test_docs23.rows, via tests.test_docs25).
"""

from __future__ import annotations

import struct
from pathlib import Path

from tests.pii_data import records_of
from tests.test_docs25 import _notes_apart


def _directory_twice(deck: bytes, name: bytes, other: bytes) -> bytes:
    """``deck`` with its directory entry for ``name`` written a second time as ``other`` (the same local header)."""
    eocd = deck.rindex(b"PK\x05\x06")
    size, offset = struct.unpack_from("<II", deck, eocd + 12)
    directory = deck[offset:offset + size]
    start = directory.rindex(b"PK\x01\x02", 0, directory.index(name))
    nlen, elen, clen = struct.unpack_from("<HHH", directory, start + 28)
    entry = directory[start:start + 46 + nlen + elen + clen]
    total = struct.unpack_from("<H", deck, eocd + 10)[0]
    end = bytearray(deck[eocd:])
    struct.pack_into("<HHI", end, 8, total + 1, total + 1, size + len(entry))
    return deck[:offset] + directory + entry.replace(name, other) + bytes(end)


def test_notes_named_apart_twice_in_the_directory_are_read_once(tmp_path: Path) -> None:
    once = tmp_path / "notes_apart.pptx"
    once.write_bytes(_notes_apart(2561, True, False))
    twice = tmp_path / "notes_apart_twice.pptx"
    twice.write_bytes(_directory_twice(once.read_bytes(), b"notesSlidf1.xml", b"notesSlidg1.xml"))
    counts = len(records_of(once)), len(records_of(twice))  # (counts only: no person in an assertion's message)
    assert counts == (12, 12)  # (before: (12, 24), the notes read once per directory entry)


def test_an_end_tag_of_a_script_with_attributes_ends_the_script() -> None:
    """An end tag written with attributes (Apache Tika's test-documents/testHTMLBadScript.html: ``</script language>``)
    ends the script as a browser ends it; the walk ran on to the page's end and took the whole optional-tags page for
    one cut inside its script (html-cut)."""
    from scanner.inspectors.spreadsheet import page_cut
    from scanner.pageends import open_at_end

    page = (b'<!DOCTYPE html>\n<title>t</title>\n<script language="JavaScript">var cool = 1;</script language>\n'
            b"<p>This is a test.</p>\n")
    assert open_at_end(page) == {}  # (before: {b"script": 1})
    assert not page_cut(page, "testHTMLBadScript.html")  # (before: True)
    assert page_cut(page[:page.index(b"</script")], "testHTMLBadScript.html")  # cut inside the script: still cut


def _detail(path: Path) -> str:
    from scanner.config import ScanConfig
    from scanner.inspectors.spreadsheet import SpreadsheetInspector
    from scanner.persons.reread import path_entry

    inspector = SpreadsheetInspector(ScanConfig(sources=[str(path)], out=path.parent / "out"))
    return inspector.inspect(path_entry(str(path)), path.read_bytes(), "", None).detail or ""


def test_a_person_table_fragment_named_as_an_include_cut_before_its_persons_is_cut(tmp_path: Path) -> None:
    """pandas' ``to_html`` of persons saved as ``side.html``/``menu.html`` and cut before its first person (after its
    header row, after a ``<td>``): an include's name took it for a page's top left open by design (docs25), clean."""
    from tests.test_docs25 import _fragment

    frag = _fragment(2562)
    body = frag.index(b"<tbody>")
    cuts = {"side.html": frag[:frag.index(b"</tr>") + 5], "menu.html": frag[:frag.index(b"<td>", body) + 4],
            "nav.html": frag[:body + 7]}
    said = {}
    for name, data in cuts.items():
        (tmp_path / name).write_bytes(data)
        said[name] = "HTML ends inside a table" in _detail(tmp_path / name)
    assert said == dict.fromkeys(cuts, True)  # (before: all False)


def test_start_tags_never_closed_are_walked_in_linear_time() -> None:
    """A damaged page of start tags that lack their ``>`` (``<div <div <div ..``, one ``>`` at the end): each tag looked
    for its ``>`` to the end of the page, quadratic (2 MB: 5.3 s CPU; 4 MiB, WALK_MOST, ~20 s of a worker)."""
    import time

    from scanner.pageends import open_at_end

    page = b"<!doctype html><title>t</title>" + b"<div " * 400000 + b"><p>a</p>"
    start = time.process_time()
    assert open_at_end(page) == {b"div": 400000}
    assert time.process_time() - start < 1.5  # (before: 5.3 s; now ~0.3 s)


def test_a_page_cut_right_after_its_html_or_head_start_tag_is_cut() -> None:
    """A person list page cut right after ``<html lang="ja">`` or ``<head>`` (a carved or half-downloaded copy): said
    html-cut at cda4a1f5, clean since docs25 made html/head/body optional-end (for minify-html's empty page ending in
    ``<body>``, which stays whole: a page never ends in its ``<html>`` or ``<head>``)."""
    from scanner.inspectors.spreadsheet import page_cut

    top = b'<!DOCTYPE html>\n<html lang="ja">\n'
    assert page_cut(top, "meibo.html")  # (before: False)
    assert page_cut(top + b"<head>\n", "meibo.html")  # (before: False)
    assert page_cut(b"<html><HEAD>", "meibo.html")  # (before: False)
    assert not page_cut(b"<!doctype html><html lang=en><title>x</title><body>", "meibo.html")  # (docs25, kept)
