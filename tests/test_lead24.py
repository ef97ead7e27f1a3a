"""Lead, session 24: findings of the merged whole that no single branch saw."""
from __future__ import annotations

import pytest

from scanner import details
from scanner.details import Detail, say


def test_a_reworded_code_is_said_in_its_new_words_after_forget_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    """other24 made each code's format template once (``details._plain``) but ``forget_patterns`` did not empty
    it: a code said before a test reworded it kept its old words, so test_completeness_codes / test_audit11 failed
    whenever an earlier test in the same worker had said the folder code (CI at dc3e4851: 2 failures, each passing
    alone)."""
    before = say(Detail.DIRECTORY, library="Permission denied")  # made and cached in its old words
    assert before.startswith("directory")
    details.forget_patterns()
    monkeypatch.setattr(Detail.DIRECTORY, "meaning", "folder could not be opened: {library:lib}")
    monkeypatch.setattr(details, "_ORDER", ())
    details.forget_patterns()
    try:
        assert say(Detail.DIRECTORY, library="Permission denied") == "folder could not be opened: Permission denied"
    finally:
        monkeypatch.undo()
        details.forget_patterns()
    assert say(Detail.DIRECTORY, library="Permission denied") == before


def _docx_with_damaged_embedding() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/embeddings/Microsoft_Excel_Worksheet.xlsx", b"PK\x03\x04" + bytes(range(256)) * 8)
        z.writestr("docProps/app.xml", "<Properties/>")
    data = bytearray(buf.getvalue())
    at = data.index(b"word/embeddings/Microsoft_Excel_Worksheet.xlsx") + 60  # inside the member's deflated bytes
    data[at] ^= 0xFF
    return bytes(data)


def test_a_damaged_embedded_object_is_not_said_again_as_a_damaged_unread_member() -> None:
    """docs24's check of members no reader opens counted ``word/embeddings/*``, which the embedded-object inspector
    examines (and lists when damaged) as a child: a document examined in a worker (a share's) was listed a second
    time, ``document-member-damaged`` on the embedding (CI at dc3e4851: test_smb_docs, share != local folder).
    A damaged docProps member is still said."""
    import io
    import zipfile

    from scanner.doctables import _unread_damage

    data = _docx_with_damaged_embedding()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert _unread_damage(z, {"word/document.xml"}, data) is None
    data = bytearray(data)
    props = data.index(b"docProps/app.xml") + len("docProps/app.xml")  # its local header's name, then its data
    data[props + 2] ^= 0xFF  # the docProps member's deflated bytes
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        said = _unread_damage(z, {"word/document.xml"}, bytes(data))
    assert said is not None and "docProps/app.xml" in said
