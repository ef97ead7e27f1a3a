"""speed25b (issue 11): the scan process's walk checks are bounded and settle each file once."""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from scanner.examine import LazyHead
from scanner.sources.single import SingleFileEntry


def _plain_pdf(size: int) -> bytes:
    """A real PDF (pypdf) of more than ``size`` bytes naming no attached file: a page whose content stream is
    comments (a scanned document's weight)."""
    w = PdfWriter()
    page = w.add_blank_page(200, 200)
    stream = DecodedStreamObject()
    stream.set_data(b"% scanned page\n" * (size // 15 + 1))
    page[NameObject("/Contents")] = w._add_object(stream)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


class _Counted(SingleFileEntry):
    """A local file whose reads are counted (what the scan process read of it)."""

    read = 0

    def open(self) -> IO[bytes]:
        f = super().open()
        outer = self

        class _F(io.RawIOBase):
            def readable(self) -> bool:
                return True

            def readinto(self, b: bytearray) -> int:  # type: ignore[override]
                n = f.readinto(b)  # type: ignore[attr-defined]
                outer.read += n or 0
                return n or 0

            def close(self) -> None:
                f.close()
                super().close()

        return io.BufferedReader(_F(), 1 << 16)


def test_a_pdf_grown_past_its_listed_size_is_not_read_whole_in_the_scan_process(tmp_path: Path) -> None:
    """A PDF listed at 1 MiB that is 24 MiB when its names are searched (written on after the walk's stat, or a
    source whose listed size is stale) was read to its end by the scan process's ``wants`` (a 200 MB one: 462 ms of
    the walk's CPU). Past SEARCH_HERE_BYTES the search stops and the PDF is wanted: a worker reads it (as any PDF
    listed over the bound). A PDF within the bound is searched whole here, as before."""
    from scanner.inspectors.pdf_attachments import BLOCK, SEARCH_HERE_BYTES, PdfInspector

    path = tmp_path / "scan.pdf"
    path.write_bytes(_plain_pdf(1 << 20))
    listed = path.stat().st_size
    inspector = PdfInspector.__new__(PdfInspector)
    entry = _Counted(str(path))
    assert not inspector.wants(entry, listed, LazyHead(entry, 512))  # names nothing: settled here, read whole
    assert entry.read >= listed
    path.write_bytes(_plain_pdf(6 * SEARCH_HERE_BYTES))  # it grew since the walk listed it
    entry = _Counted(str(path))
    assert inspector.wants(entry, listed, LazyHead(entry, 512))
    assert entry.read <= SEARCH_HERE_BYTES + BLOCK + (1 << 16), entry.read  # (+ the test buffer's read-ahead)


def _old_visible(value: object, seps: bool) -> str:
    """reports.html's ``visible`` / ``path_text`` as they were (one character at a time): the reference."""
    from markupsafe import Markup, escape

    from scanner.textsafe import is_hidden

    text = "" if value is None else str(value)
    out = []
    for ch in text:
        if is_hidden(ch):
            out.append(Markup('<span class="cc">⟨U+{:04X}⟩</span>').format(ord(ch)))
        else:
            out.append(escape(ch))
            if seps and ch in "/\\»":
                out.append(Markup("<wbr>"))
    return str(Markup("").join(out))


def test_visible_and_path_text_give_what_they_gave_one_character_at_a_time() -> None:
    """The report's ``visible`` and ``path`` filters escape a text with no hidden character whole (the report of
    a 200,000-file tree shows thousands of paths; each was escaped a character at a time): the same markup for the
    demo share's and ../shared/corpus' paths, hostile names and random text from every plane (hidden characters of
    each category, spaces, separators, quotes)."""
    import os
    import random

    from markupsafe import Markup

    from reports.html import path_text, visible

    texts: list[object] = [None, "", 3, 1.5, Markup("<b>x</b>"), "a/b\\c»d", "&<>'\"", "名簿\u202e.xlsx", "a\u3000b",
                           "tab\there", "nl\nx", "zw\u200bj", "\ud800", "\U000f0000", "\u0378", "a b/c d", "🙂/📁"]
    for root in ("../shared/corpus", "tests/data"):
        for folder, _dirs, files in os.walk(root):
            texts.extend(os.path.join(folder, f) for f in files[:50])
            texts.extend(os.fsdecode(os.fsencode(folder) + b"/\xff\xfe" + os.fsencode(f)) for f in files[:5])
    rnd = random.Random(25)
    pool = "/\\»&<>'\" \u3000\u00a0\u200b\u202e\u2028\u2029\x00\x1b\x7f\ue000\ufeff名簿aZ9."
    for _ in range(5000):
        texts.append("".join(rnd.choice(pool) if rnd.random() < 0.5 else chr(rnd.randrange(0x110000))
                             for _ in range(rnd.randint(0, 30))))
    for text in texts:
        assert str(visible(text)) == _old_visible(text, False), repr(text)
        assert str(path_text(text)) == _old_visible(text, True), repr(text)
        assert isinstance(visible(text), Markup) and isinstance(path_text(text), Markup)


def test_a_name_not_ending_in_a_digit_is_no_piece_whatever_the_rest() -> None:
    """``pick`` asks ``_piece_listed`` (and builds a local file's location) only for a name ending in an ASCII digit:
    for every other name it says "" in a folder and in a container alike, so nothing is lost by not asking. Names:
    every file under ../shared/corpus and tests/data, split pieces of each kind, and random names ending in digits of
    other scripts (٣, ３), letters and signs."""
    import os
    import random

    from scanner.examine import _piece_listed, may_be_piece

    names = ["customers.csv.002", "customers.csv.001", "x.7z.002", "x.zip.003", "名簿.xlsx.002", "a.b.0002", "a.txt.٠٠٢",
             "a.txt.００２", "a.txt.002 ", "a.txt.002\u200b", "", ".002", "a.002", "a.csv.1000", "a.jpg.002", "a.e01.002"]
    for root in ("../shared/corpus", "tests/data"):
        for _folder, _dirs, files in os.walk(root):
            names.extend(files)
    rnd = random.Random(25)
    tails = ["0", "9", "٣", "３", "a", "Z", ".", " ", "\u200b", "名", "\n", "\r"]
    for _ in range(3000):
        stem = "".join(rnd.choice("ab名.0123456789_-") for _ in range(rnd.randint(0, 12)))
        names.append(f"{stem}.{rnd.choice(['csv', 'txt', 'xlsx', 'rar', 'zip', 'jpg', 'dat'])}.{rnd.randint(0, 1200):03d}"
                     + (rnd.choice(tails) if rnd.random() < 0.5 else ""))
    asked = 0
    for name in names:
        if not may_be_piece(name):  # (the guard itself, not a copy of it: review25s)
            assert _piece_listed(name) == "" and _piece_listed(name, folder=True) == "", name
        else:
            asked += bool(_piece_listed(name) or _piece_listed(name, folder=True))
    assert asked > 100  # the test has teeth: pieces are among the names
