"""XML exports of person records, written as care and municipal systems, ADO and .NET write them, for the tests of
scanner.xmlrecords (xml19). People are Faker ja_JP with a fixed seed (scanner.demo.make_people)."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from scanner.demo import Person, make_people

PEOPLE = make_people(30, seed=2026120719)
_CITY = re.compile(r"(東京都)(.+?[市区町村])(.+)")


def address_parts(address: str) -> tuple[str, str, str]:
    m = _CITY.match(address)
    assert m is not None, address
    return m.group(1), m.group(2), m.group(3)


def _declared(encoding: str) -> str:
    return f'<?xml version="1.0" encoding="{encoding}"?>\n'


def elements(people: list[Person] = PEOPLE, encoding: str = "UTF-8", indent: bool = True) -> str:
    """``<利用者一覧><利用者><氏名>…</氏名>…</利用者>…``, as a care system's export."""
    nl = "\n  " if indent else ""
    body = "".join(f"{nl}<利用者><利用者番号>{i + 1:06d}</利用者番号><氏名>{escape(p.name)}</氏名><フリガナ>{p.kana}</フリガナ>"
                   f"<性別>{p.sex}</性別><生年月日>{p.birth}</生年月日><郵便番号>{p.postcode}</郵便番号>"
                   f"<住所>{escape(p.address)}</住所><電話番号>{p.phone}</電話番号><要介護度>{p.care}</要介護度></利用者>"
                   for i, p in enumerate(people))
    return f'{_declared(encoding)}<利用者一覧 作成日="2024-01-01" 件数="{len(people)}">{body}\n</利用者一覧>\n'


def attributes(people: list[Person] = PEOPLE) -> str:
    """``<row name="…" address="…"/>`` repeated."""
    body = "".join(f"\n  <row id=\"{i}\" name={quoteattr(p.name)} kana={quoteattr(p.kana)} address={quoteattr(p.address)} "
                   f"tel={quoteattr(p.phone)}/>" for i, p in enumerate(people))
    return f"{_declared('UTF-8')}<rows>{body}\n</rows>\n"


def nested(people: list[Person] = PEOPLE) -> str:
    """A record whose address is in parts (``<住所><都道府県>…``) and whose name is in a group with its reading."""
    body = []
    for p in people:
        pref, city, rest = address_parts(p.address)
        body.append(f"\n <client><基本情報><氏名>{p.name}</氏名><カナ氏名>{p.kana}</カナ氏名></基本情報>"
                    f"<住所><都道府県>{pref}</都道府県><市区町村>{city}</市区町村><番地>{rest}</番地></住所>"
                    f"<連絡先><電話>{p.phone}</電話></連絡先><services><service><name>訪問介護</name><date>2024-01-0{len(body) % 9 + 1}</date></service>"
                    f"<service><name>通所介護</name><date>2024-02-01</date></service></services></client>")
    return f"{_declared('UTF-8')}<export xmlns=\"urn:example:care:1\">{''.join(body)}\n</export>\n"


def ado(people: list[Person] = PEOPLE) -> str:
    """An ADO recordset saved as XML (Recordset.Save adPersistXML): an XDR schema, then ``<z:row>`` attributes."""
    fields = ("氏名", "フリガナ", "住所", "電話番号")
    schema = "".join(f"<s:AttributeType name='{f}' rs:number='{i + 1}' rs:nullable='true' rs:writeunknown='true'>"
                     f"<s:datatype dt:type='string' dt:maxLength='255'/></s:AttributeType>" for i, f in enumerate(fields))
    rows = "".join(f"\n<z:row 氏名={quoteattr(p.name)} フリガナ={quoteattr(p.kana)} 住所={quoteattr(p.address)} "
                   f"電話番号={quoteattr(p.phone)}/>" for p in people)
    return ("<xml xmlns:s='uuid:BDC6E3F0-6DA3-11d1-A2A3-00AA00C14882' xmlns:dt='uuid:C2F41010-65B3-11d1-A29F-00AA00C14882'"
            " xmlns:rs='urn:schemas-microsoft-com:rowset' xmlns:z='#RowsetSchema'>\n<s:Schema id='RowsetSchema'>"
            f"<s:ElementType name='row' content='eltOnly'>{schema}<s:extends type='rs:rowbase'/></s:ElementType>"
            f"</s:Schema>\n<rs:data>{rows}\n</rs:data>\n</xml>\n")


def dataset(people: list[Person] = PEOPLE) -> str:
    """A .NET DataSet.WriteXml(XmlWriteMode.WriteSchema): an inline XML Schema, then ``<Table>`` records."""
    cols = ("Name", "Kana", "Address", "Tel")
    schema = ("<xs:schema id=\"NewDataSet\" xmlns=\"\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
              "xmlns:msdata=\"urn:schemas-microsoft-com:xml-msdata\"><xs:element name=\"NewDataSet\" msdata:IsDataSet=\"true\">"
              "<xs:complexType><xs:choice minOccurs=\"0\" maxOccurs=\"unbounded\"><xs:element name=\"Table\"><xs:complexType>"
              "<xs:sequence>" + "".join(f"<xs:element name=\"{c}\" type=\"xs:string\" minOccurs=\"0\" />" for c in cols) +
              "</xs:sequence></xs:complexType></xs:element></xs:choice></xs:complexType></xs:element></xs:schema>")
    rows = "".join(f"\n  <Table>\n    <Name>{p.name}</Name>\n    <Kana>{p.kana}</Kana>\n    <Address>{p.address}</Address>\n"
                   f"    <Tel>{p.phone}</Tel>\n  </Table>" for p in people)
    return f"<?xml version=\"1.0\" standalone=\"yes\"?>\n<NewDataSet>\n  {schema}{rows}\n</NewDataSet>\n"
