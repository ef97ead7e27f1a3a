"""review19x: XML exports of person records (scanner.xmlrecords, xml19) that still ended as nothing or held the worker.

- A record with tens of thousands of attributes: each record's attributes were collected with their values
  (lxml looks each value up along the element's attribute list: quadratic), 200,000 held the worker to its timeout.
- Records past the first 64 KiB (a .NET DataSet after a long inline XML Schema, an export whose settings block comes
  first): the head check saw no person's field names and the file was never read: no hit, no skip.
- A head whose bytes are not in the encoding it declares (``encoding="UTF-8"`` over Shift_JIS bytes, Shift_JIS declared
  over EUC-JP), or EUC-JP without a declaration: the element names were decoded as noise, the head check failed:
  nothing.
- Records naming their fields by values (``<field name="氏名">山田</field>`` repeated, FileMaker's FMPXMLRESULT): not
  read (xml19's note) and not said either: listed ``unsupported`` ``xml-fields-by-value`` here, read since xml20.
People are Faker ja_JP with a fixed seed (tests.xml19_data); nothing here is real.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scanner.errors import ReadError
from scanner.inspectors.disguise import column_field, records_head
from scanner.sheet import Caps
from scanner.xmlrecords import record_sheets
from tests import xml19_data as X
from tests.conftest import hit_of, scan_findings, skip_of

PERSONS = len(X.PEOPLE)


def _long_settings() -> str:
    """An export whose first 70 KiB are a settings block naming nobody, then the client records."""
    settings = "<settings>" + "".join(f'<opt k="{i}" v="x"/>' for i in range(4000)) + "</settings>"
    clients = "".join(f"<client><氏名>{p.name}</氏名><住所>{p.address}</住所><電話番号>{p.phone}</電話番号></client>"
                      for p in X.PEOPLE)
    return f'<?xml version="1.0"?>\n<export>{settings}<clients>{clients}</clients></export>\n'


def _dataset_long_schema() -> str:
    """A .NET DataSet of 31 tables whose inline XML Schema (180 KiB) comes before the records: the person table last."""
    other = "".join(f'<xs:element name="Other{t}"><xs:complexType><xs:sequence>'
                    + "".join(f'<xs:element name="Col{i:03d}" type="xs:string" minOccurs="0" />' for i in range(100))
                    + "</xs:sequence></xs:complexType></xs:element>" for t in range(30))
    schema = ('<xs:schema id="NewDataSet" xmlns="" xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element '
              'name="NewDataSet"><xs:complexType><xs:choice minOccurs="0" maxOccurs="unbounded">' + other +
              '<xs:element name="Table"><xs:complexType><xs:sequence><xs:element name="氏名" type="xs:string"/>'
              '<xs:element name="住所" type="xs:string"/><xs:element name="電話" type="xs:string"/></xs:sequence>'
              "</xs:complexType></xs:element></xs:choice></xs:complexType></xs:element></xs:schema>")
    rows = "".join(f"\n  <Table>\n    <氏名>{p.name}</氏名>\n    <住所>{p.address}</住所>\n    <電話>{p.phone}</電話>\n  </Table>"
                   for p in X.PEOPLE)
    return f'<?xml version="1.0" standalone="yes"?>\n<NewDataSet>\n  {schema}{rows}\n</NewDataSet>\n'


def _by_value() -> str:
    fields = "".join(f'<record><field name="氏名">{p.name}</field><field name="住所">{p.address}</field>'
                     f'<field name="電話番号">{p.phone}</field></record>' for p in X.PEOPLE)
    return f'<?xml version="1.0"?>\n<records>{fields}</records>\n'


def _filemaker() -> str:
    meta = "".join(f'<FIELD EMPTYOK="YES" MAXREPEAT="1" NAME="{n}" TYPE="TEXT"/>' for n in ("氏名", "住所", "電話番号"))
    rows = "".join(f'<ROW MODID="1" RECORDID="{i}"><COL><DATA>{p.name}</DATA></COL><COL><DATA>{p.address}</DATA></COL>'
                   f"<COL><DATA>{p.phone}</DATA></COL></ROW>" for i, p in enumerate(X.PEOPLE))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<FMPXMLRESULT xmlns="http://www.filemaker.com/fmpxmlresult">'
            f'<ERRORCODE>0</ERRORCODE><METADATA>{meta}</METADATA><RESULTSET FOUND="30">{rows}</RESULTSET></FMPXMLRESULT>\n')


NO_DECLARATION = X.elements().split("\n", 1)[1]
FILES = {
    "long-settings.xml": _long_settings().encode(),
    "dataset-long-schema.xml": _dataset_long_schema().encode(),
    "dataset-long-schema.dat": _dataset_long_schema().encode("utf-16-le"),  # (UTF-16 without a BOM, no .xml name)
    "utf8-declared-sjis.xml": X.elements(encoding="UTF-8").encode("cp932"),
    "sjis-declared-eucjp.xml": X.elements(encoding="Shift_JIS").encode("euc_jp"),
    "eucjp-undeclared.xml": NO_DECLARATION.encode("euc_jp"),
}


BY_VALUE = {"fields-by-value.xml": _by_value().encode(), "filemaker.xml": _filemaker().encode(),
            "filemaker.dat": _filemaker().encode("utf-16")}
SETTINGS = {"app.xml": ('<?xml version="1.0"?>\n<configuration>' + "".join(
    f'<add name="Setting{i}" value="{i}"/><property name="address.{i}" value="x"/>' for i in range(20)) + "</configuration>\n").encode(),
    "beans.xml": ('<?xml version="1.0"?>\n<beans>' + "".join(  # a Spring file's person beans: properties, no values
        f'<bean id="p{i}" class="Person"><property name="name" value="${{n{i}}}"/><property name="address" ref="a{i}"/>'
        f'<property name="phone" value="${{t{i}}}"/></bean>' for i in range(5)) + "</beans>\n").encode()}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("review19x")
    tree = root / "tree"
    tree.mkdir()
    for name, data in {**FILES, **BY_VALUE, **SETTINGS}.items():
        (tree / name).write_bytes(data)
    return tree, scan_findings(tree, root / "out")


@pytest.mark.parametrize("name", sorted(FILES))
def test_an_export_the_head_check_missed_is_read(scanned: tuple[Path, dict[str, Any]], name: str) -> None:
    tree, found = scanned
    hit = hit_of(found, tree / name)
    assert hit is not None, (name, skip_of(found, tree / name))
    assert hit["pii"]["records"] == PERSONS, hit["pii"]


@pytest.mark.parametrize("name", ["utf8-declared-sjis.xml", "sjis-declared-eucjp.xml", "eucjp-undeclared.xml"])
def test_the_head_check_reads_names_in_the_encoding_the_bytes_are_in(name: str) -> None:
    assert records_head(FILES[name][:65536])


def test_a_record_with_tens_of_thousands_of_attributes_is_read_without_a_quadratic_lookup() -> None:
    """Its attributes' values were all fetched (each one a walk along the element's list): 60,000 took minutes; the
    caps' 20 s is what the file would be listed ``timeout`` after."""
    attrs = " ".join(f'a{i}="{i}"' for i in range(60_000))
    people = "".join(f'<person 氏名="{p.name}" 住所="{p.address}" {attrs if i == 0 else ""}/>' for i, p in enumerate(X.PEOPLE))
    doc = f'<?xml version="1.0"?>\n<list>{people}</list>\n'.encode()
    try:
        rows = [row for sheet in record_sheets(doc, Caps(timeout=20.0), column_field) for row in sheet.rows]
    except ReadError as e:
        pytest.fail(f"not read: {e}")
    assert len(rows) == PERSONS + 1
    assert X.PEOPLE[0].name in rows[1] and X.PEOPLE[0].address in rows[1]


@pytest.mark.parametrize("name", sorted(BY_VALUE))
def test_records_naming_their_fields_by_values_are_read(scanned: tuple[Path, dict[str, Any]], name: str) -> None:
    """Listed ``xml-fields-by-value`` here first; read since xml20 (their columns named by the values)."""
    tree, found = scanned
    hit = hit_of(found, tree / name)
    assert hit is not None, (name, skip_of(found, tree / name))
    assert hit["pii"]["records"] == PERSONS, hit["pii"]


def test_settings_naming_things_by_values_stay_clean(scanned: tuple[Path, dict[str, Any]]) -> None:
    tree, found = scanned
    for name in SETTINGS:
        assert hit_of(found, tree / name) is None and skip_of(found, tree / name) is None, name
