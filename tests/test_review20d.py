"""review20d: the review of damage20 (XML head decoding, records cut after a schema, md second copies, SYLK ``;``,
compressed QCOW2 clusters, dBase memo files). Each test failed before its fix.

People are Faker ja_JP with a fixed seed (tests/xml19_data.py); nothing here is real.
"""

from __future__ import annotations

import json
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


# --- a dBase memo file whose table is gone -----------------------------------------------------------------------

def test_a_memo_file_without_its_table_is_listed_not_silent(tmp_path: Path) -> None:
    """``X.fpt`` / ``X.dbt`` alone (the table removed) or beside ``X.dat`` (the table renamed): the names are in its
    text blocks, which are read only with their table; the file ended as nothing (damage20's memo-* ``table:removed``
    and memo-fpt-as-dat copies). Listed `unsupported` now (`dbf-memo-alone`). A memo file its table reads, a second
    one of another case that the table does not read, and a memo file holding no value (its header only): as said."""
    from tests.conftest import hit_of, run_leakscan, skip_of
    from tests.damage_data import dbf_with_memo
    from tests.document_data import people_rows

    rows = [["NAME", "KANA", "ADDRESS", "TEL"]] + [r[:4] for r in people_rows(12, seed=2209)[1:]]
    share = tmp_path / "share"
    for kind, ext in (("fpt", ".fpt"), ("dbt3", ".dbt"), ("dbt4", ".DBT")):
        table, memo = dbf_with_memo(rows, kind)
        for case in ("alone", "as_dat", "pair"):
            folder = share / f"{kind}_{case}"
            folder.mkdir(parents=True)
            (folder / f"CLIENT{ext}").write_bytes(memo)
            if case != "alone":
                (folder / ("CLIENT.dat" if case == "as_dat" else "CLIENT.dbf")).write_bytes(table)
    (share / "fpt_pair" / "client.FPT").write_bytes(dbf_with_memo(rows, "fpt")[1])  # not the one the table reads
    (share / "empty").mkdir()
    (share / "empty" / "NOTES.fpt").write_bytes(dbf_with_memo(rows[:1], "fpt")[1])  # a header, no value
    done = run_leakscan("scan", str(share), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet", timeout=180)
    assert "Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr[-2000:]
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    lone = [share / f"{kind}_{case}" / f"CLIENT{ext}" for kind, ext in (("fpt", ".fpt"), ("dbt3", ".dbt"),
                                                                          ("dbt4", ".DBT"))
            for case in ("alone", "as_dat")] + [share / "fpt_pair" / "client.FPT"]
    for path in lone:
        skip = skip_of(doc, path)
        assert skip is not None and skip["reason"] == "unsupported", (path, doc["skipped"])
        assert [c["code"] for c in skip["detail_codes"]] == ["dbf-memo-alone"], skip
    for kind, ext in (("fpt", ".fpt"), ("dbt3", ".dbt"), ("dbt4", ".DBT")):
        assert skip_of(doc, share / f"{kind}_pair" / f"CLIENT{ext}") is None  # read with its table
        hit = hit_of(doc, share / f"{kind}_pair" / "CLIENT.dbf")
        assert hit is not None and hit["pii"]["records"] == len(rows) - 1, hit
    assert skip_of(doc, share / "empty" / "NOTES.fpt") is None


def test_a_memo_file_without_its_table_on_an_smb_share_is_listed(tmp_path: Path) -> None:
    """Over SMB as in a local folder: a memo file no table reads is listed (`dbf-memo-alone`), the one its table
    reads is not."""
    from tests.conftest import run_cli
    from tests.damage_data import dbf_with_memo
    from tests.document_data import people_rows
    from tests.smb_data import PASSWORD, SambaServer

    rows = [["NAME", "KANA", "ADDRESS", "TEL"]] + [r[:4] for r in people_rows(12, seed=2210)[1:]]
    share = tmp_path / "share"
    share.mkdir()
    table, memo = dbf_with_memo(rows, "fpt")
    (share / "kokyaku.dbf").write_bytes(table)
    (share / "KOKYAKU.FPT").write_bytes(memo)
    (share / "meibo.FPT").write_bytes(memo)
    server = SambaServer(tmp_path / "samba", {"ev": share}).start()
    try:
        out = tmp_path / "out"
        run = run_cli("scan", server.url("ev"), "--out", str(out), "--quiet", env={"LEAKSCAN_SMB_PASSWORD": PASSWORD})
        assert run.returncode in (0, 1), run.stderr
        doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    finally:
        server.kill()
    lone = [s for s in doc["skipped"] if s["path"].endswith("/meibo.FPT")]
    assert [[c["code"] for c in s["detail_codes"]] for s in lone] == [["dbf-memo-alone"]], doc["skipped"]
    assert not [s for s in doc["skipped"] if s["path"].endswith("/KOKYAKU.FPT")], doc["skipped"]


# --- a schema document is no recordset ----------------------------------------------------------------------------

def _person_xsd() -> str:
    """A standalone XML Schema (.xsd) describing a person list: the records it describes live in other files."""
    fields = "".join(f'<xs:element name="{f}" type="xs:string" minOccurs="0"/>' for f in ("氏名", "フリガナ", "住所", "電話番号"))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            'elementFormDefault="qualified">\n<xs:element name="利用者一覧"><xs:complexType><xs:sequence>'
            f'<xs:element name="利用者" maxOccurs="unbounded"><xs:complexType><xs:sequence>{fields}</xs:sequence>'
            '</xs:complexType></xs:element></xs:sequence></xs:complexType></xs:element>\n'
            + "".join(f'<xs:simpleType name="code{i}"><xs:restriction base="xs:string"><xs:maxLength value="{i + 8}"/>'
                      "</xs:restriction></xs:simpleType>\n" for i in range(40)) + "</xs:schema>\n")


def test_a_cut_standalone_schema_is_no_recordset_cut() -> None:
    """damage20 counted a schema's declarations (``<xs:element name="氏名">``) as the fields of records that follow
    it, for an ADO recordset or a DataSet cut after its inline schema. A standalone .xsd declares the same and holds
    no records: cut short, it was listed `corrupt` `xml-records-cut` ("records lost"; a third-party queue.xsd declaring
    name and user-email so). The declarations count only under a root that is no schema; the cut recordsets still
    do."""
    from scanner.inspectors.disguise import records_head

    xsd = _person_xsd().encode()
    assert not records_head(xsd[:len(xsd) * 2 // 3])
    assert not records_head(xsd)
    dataset = X.dataset().encode()
    assert records_head(dataset[:dataset.find(b"</xs:schema>") + 20])
    ado = X.ado().encode()
    assert records_head(ado[:ado.find(b"<rs:data>") + 11])


def test_a_memo_file_given_alone_as_source_is_listed(tmp_path: Path) -> None:
    """``scan X.fpt``: the one file given as SOURCE is read without its table: listed (`dbf-memo-alone`), not nothing."""
    from tests.conftest import run_leakscan
    from tests.damage_data import dbf_with_memo
    from tests.document_data import people_rows

    rows = [["NAME", "KANA", "ADDRESS", "TEL"]] + [r[:4] for r in people_rows(6, seed=2213)[1:]]
    memo = tmp_path / "CLIENT.FPT"
    memo.write_bytes(dbf_with_memo(rows, "fpt")[1])
    done = run_leakscan("scan", str(memo), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet", timeout=120)
    assert "Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr[-2000:]
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert [[c["code"] for c in s["detail_codes"]] for s in doc["skipped"]] == [["dbf-memo-alone"]], doc["skipped"]
