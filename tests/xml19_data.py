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


def pom(people: list[Person] = PEOPLE[:4]) -> str:
    """A Maven POM whose developers have names and e-mail addresses (a build file, no records)."""
    devs = "".join(f"<developer><id>dev{i}</id><name>{p.name}</name><email>dev{i}@example.org</email>"
                   f"<organization>Example</organization><roles><role>developer</role></roles></developer>"
                   for i, p in enumerate(people))
    deps = "".join(f"<dependency><groupId>org.example</groupId><artifactId>lib{i}</artifactId><version>1.{i}</version>"
                   f"</dependency>" for i in range(6))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">'
            "<modelVersion>4.0.0</modelVersion><groupId>org.example</groupId><artifactId>demo</artifactId>"
            f"<version>1.0</version><name>demo</name><developers>{devs}</developers>"
            f"<dependencies>{deps}</dependencies></project>\n")


def atom(people: list[Person] = PEOPLE[:5]) -> str:
    """An Atom feed whose entries have authors with names and e-mail addresses."""
    entries = "".join(f"<entry><title>お知らせ {i}</title><id>urn:x:{i}</id><updated>2024-01-0{i + 1}T00:00:00Z</updated>"
                      f"<author><name>{p.name}</name><email>a{i}@example.jp</email></author><summary>本文</summary></entry>"
                      for i, p in enumerate(people))
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>お知らせ</title>'
            f"<id>urn:x</id><updated>2024-01-01T00:00:00Z</updated>{entries}</feed>\n")


def rss(people: list[Person] = PEOPLE[:5]) -> str:
    items = "".join(f"<item><title>記事 {i}</title><link>https://example.jp/{i}</link><author>a{i}@example.jp ({p.name})"
                    f"</author><pubDate>Mon, 01 Jan 2024 00:00:00 +0900</pubDate></item>" for i, p in enumerate(people))
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>ブログ</title>{items}</channel></rss>\n'


def svg() -> str:
    shapes = "".join(f'<rect x="{i}" y="{i}" width="10" height="10" fill="#{i:06x}"/>' for i in range(40))
    return f'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">{shapes}</svg>\n'


def plist(people: list[Person] = PEOPLE[:3]) -> str:
    dicts = "".join(f"<dict><key>name</key><string>{p.name}</string><key>address</key><string>{p.address}</string></dict>"
                    for p in people)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
            f'"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0"><array>{dicts}</array></plist>\n')


def app_config() -> str:
    adds = "".join(f'<add key="Setting{i}" value="{i}"/>' for i in range(20))
    return ('<?xml version="1.0" encoding="utf-8"?>\n<configuration><appSettings>' + adds +
            '</appSettings><connectionStrings><add name="main" connectionString="Server=.;Database=care" '
            'providerName="System.Data.SqlClient"/></connectionStrings></configuration>\n')


def core_properties(person: Person = PEOPLE[0]) -> str:
    """An Office package's docProps/core.xml (its author's name)."""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties xmlns:cp="http://schemas.'
            'openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>名簿</dc:title><dc:creator>{person.name}</dc:creator><cp:lastModifiedBy>{person.name}"
            '</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">2024-01-01T00:00:00Z</dcterms:created>'
            "</cp:coreProperties>\n")
