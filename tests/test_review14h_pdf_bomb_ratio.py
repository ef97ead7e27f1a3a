"""review14h: a deflate bomb attached to a PDF was inflated up to --max-inspect-mb (256 MiB) before its ratio was
checked (a 612 KB PDF took the worker to 577 MB): pypdf's output cap must be the ratio's limit for that stream,
as an archive member is stopped at ratio x packed while it inflates."""

from __future__ import annotations

import zlib

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject, TextStringObject

from tests.test_pdf_attachments import _write


def test_bomb_stops_at_the_ratio_not_at_the_memory_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner.inspectors import pdf_attachments
    from scanner.inspectors.archive_members import ArchiveLimits, InflateBudget

    w = PdfWriter()
    w.add_blank_page(10, 10)
    stream = StreamObject()
    stream._data = zlib.compress(b"\0" * (64 << 20), 9)  # ~64 KB packed
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
    spec = DictionaryObject({NameObject("/Type"): NameObject("/Filespec"), NameObject("/F"): TextStringObject("b.csv"),
                             NameObject("/EF"): DictionaryObject({NameObject("/F"): w._add_object(stream)})})
    w._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/EmbeddedFiles"): DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("b.csv"), w._add_object(spec)])})})
    data = _write(w)

    biggest = []
    import pypdf.filters
    inflate = pypdf.filters.FlateDecode.decode

    def spy(*args: object, **kwargs: object) -> bytes:
        out = inflate(*args, **kwargs)  # type: ignore[arg-type]
        biggest.append(len(out))
        return out

    monkeypatch.setattr(pypdf.filters.FlateDecode, "decode", staticmethod(spy))
    caps = ArchiveLimits(ratio=100, budget=InflateBudget(1 << 30), member_memory=256 << 20)
    found = pdf_attachments.read_attachments(data, caps)
    (one,) = found.attached
    assert one.data is None and one.problem is not None and one.problem[0] == "bomb", one.problem
    packed = len(stream._data)
    assert max(biggest, default=0) <= 100 * packed + 1, (biggest, packed)  # stopped at the ratio, not at 256 MiB
