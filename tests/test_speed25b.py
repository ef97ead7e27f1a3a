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
