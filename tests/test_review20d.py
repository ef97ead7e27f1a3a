"""review20d: the review of damage20 (XML head decoding, records cut after a schema, md second copies, SYLK ``;``,
compressed QCOW2 clusters, dBase memo files). Each test failed before its fix.

People are Faker ja_JP with a fixed seed (tests/xml19_data.py); nothing here is real.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import xml19_data as X

# declared encodings that name no 8-bit text codec: a UTF-16/32 one over 8-bit bytes (a .NET DataSet's GetXml()
# saved in the system code page keeps encoding="utf-16"), codecs of bytes (zlib, bz2, base64), of text (rot13),
# IDNA, punycode, "undefined"
ODD_DECLARED = ("utf-16", "UTF-32", "zlib", "bz2_codec", "base64", "rot13", "idna", "punycode", "undefined", "uu")


@pytest.mark.parametrize("codec", ODD_DECLARED)
def test_an_8bit_export_declaring_no_8bit_codec_is_decoded_not_raised(codec: str) -> None:
    """The head check decoded an 8-bit export (no BOM, no NULs) with the codec its declaration names: UTF-16 raised
    UnicodeError ("stream does not start with BOM"), zlib/bz2 decompressed, rot13 raised TypeError, and since
    damage20's "replace" IDNA and punycode raised too; in the scan process: the whole scan ended, "internal error"."""
    from scanner.inspectors.disguise import records_head
    from scanner.xmlrecords import head_text, tail_names

    text = X.elements().replace('encoding="UTF-8"', f'encoding="{codec}"')
    data = text.encode("cp932")
    assert "<氏名>" in head_text(data[:16384])
    assert records_head(data[:16384])
    assert "氏名" in tail_names(data[:4096], data[-4096:])


def test_a_scan_goes_on_past_an_export_declaring_utf16_in_shift_jis(tmp_path: Path) -> None:
    """Through the CLI: the export is read (its 30 persons), the scan does not end in an internal error."""
    from tests.conftest import hit_of, scan_findings

    share = tmp_path / "share"
    share.mkdir()
    data = X.elements().replace('encoding="UTF-8"', 'encoding="utf-16"').encode("cp932")
    (share / "利用者.xml").write_bytes(data)
    (share / "利用者.dat").write_bytes(data)
    doc = scan_findings(share, tmp_path / "out")
    for name in ("利用者.xml", "利用者.dat"):
        hit = hit_of(doc, share / name)
        assert hit is not None and hit["pii"]["records"] == len(X.PEOPLE), (name, doc["skipped"])
