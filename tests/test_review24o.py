"""review24o: docs24's document leftovers pushed with damaged third-party-shaped input.

- A Word header or a deck's speaker notes holding a person list, its name damaged in the zip directory only (its
  local header whole): the walk's cheap check (``zip_without_tables``) looked only at the parts the directory names,
  found no table, and settled the file clean: no line (python-docx and python-pptx files, every byte of the name
  flipped: 11 of 16 headers, 26 of 31 notes silent). The reader itself says ``document-member-damaged``.
- A .docx whose ``word/document.xml`` is damaged in both its directory entry and its local header (a flipped bit):
  no document kind, no line at all (17 of 17 python-docx copies); now ``corrupt`` ``document-no-body``.
- The unread-member CRC pass (docs24) reads members straight from the package's bytes; on any doubt zipfile reads
  it (the same verdict on 2,326 damaged third-party copies).
People are Faker ja_JP with fixed seeds (tests.pii_data via tests.test_docs23.rows).
"""

from __future__ import annotations

import io
import random
import zipfile

from tests.conftest import ScanCases
from tests.test_docs23 import rows
from tests.test_docs24 import _rename_in_directory

cases = ScanCases("review24o")
scanned = cases.fixture()


def _rename_both(data: bytes, old: bytes, new: bytes) -> bytes:
    """``data`` with the member ``old`` named ``new`` in its local header and its directory entry."""
    out = _rename_in_directory(data, old, new)
    at = out.index(old)
    return out[:at] + new + out[at + len(old):]


def _header_docx(seed: int) -> bytes:
    from tests.document_data import W_NS, docx_bytes, w_para, w_table

    header = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr xmlns:w="{W_NS}">{w_table([list(r) for r in rows(seed)])}</w:hdr>'
    return docx_bytes(w_para("本文"), {"word/header1.xml": header})



def test_the_unread_member_pass_from_bytes_agrees_with_zipfile() -> None:
    from scanner import doctables

    rnd = random.Random(2410)
    whole = _header_docx(24104)
    said = 0
    for _ in range(300):
        data = bytearray(whole)
        data[rnd.randrange(len(data))] ^= 1 << rnd.randrange(8)
        try:
            zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
        except zipfile.BadZipFile:
            continue
        read = {"word/document.xml", "word/header1.xml"}
        verdict = doctables._unread_damage(zf, read)
        said += verdict is not None
        assert doctables._unread_damage(zf, read, bytes(data)) == verdict
    assert said > 20  # (damage in an unread member is found at all)
