"""Person tables as people really write them (issue 16), generated with Faker ja_JP / en_US and fixed seeds.

Each layout returns rows (lists of cells) plus the people it holds, so a test can assert the record count,
the assembled address and reading, and what must stay quiet. Never real data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from scanner.demo import birth_date

Rows = list[list[object]]


@dataclass(frozen=True)
class JaPerson:
    family: str
    given: str
    family_kana: str
    given_kana: str
    family_roman: str
    given_roman: str
    sex: str
    birth: str
    phone: str
    email: str
    postcode: str
    prefecture: str
    city: str
    town: str
    block: str
    building: str

    @property
    def name(self) -> str:
        return f"{self.family} {self.given}"

    @property
    def name_unspaced(self) -> str:
        return self.family + self.given

    @property
    def kana(self) -> str:
        return f"{self.family_kana} {self.given_kana}"

    @property
    def roman(self) -> str:
        return f"{self.given_roman} {self.family_roman}"

    @property
    def address(self) -> str:
        """The whole address as the five columns give it, joined."""
        return self.prefecture + self.city + self.town + self.block + self.building


@dataclass(frozen=True)
class EnPerson:
    first: str
    last: str
    company: str
    street: str
    city: str
    county: str
    state: str
    zip: str
    phone: str
    phone2: str
    email: str
    web: str


def ja_people(n: int, seed: int = 16) -> list[JaPerson]:
    from faker import Faker

    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        male = rnd.random() < 0.5
        last = fake.last_name_pair()
        first = fake.first_name_male_pair() if male else fake.first_name_female_pair()
        building = f"{fake.building_name()}{fake.building_number()}" if rnd.random() < 0.5 else ""
        out.append(JaPerson(
            family=last[0], given=first[0], family_kana=last[1], given_kana=first[1], family_roman=last[2],
            given_roman=first[2], sex="男" if male else "女",
            birth=birth_date(fake, minimum_age=20, maximum_age=90).isoformat(),
            phone=f"0{rnd.choice([3, 6, 45, 52, 90, 80])}-{rnd.randint(1000, 9999)}-{rnd.randint(1000, 9999)}",
            email=fake.free_email(), postcode=fake.zipcode(), prefecture=fake.prefecture(), city=fake.city(),
            town=fake.town(), block=f"{rnd.randint(1, 9)}-{rnd.randint(1, 30)}-{rnd.randint(1, 20)}",
            building=building))
    return out


def en_people(n: int, seed: int = 16) -> list[EnPerson]:
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    out = []
    for _ in range(n):
        city = fake.city()
        out.append(EnPerson(
            first=fake.first_name(), last=fake.last_name(), company=fake.company(), street=fake.street_address(),
            city=city, county=f"{fake.last_name()}", state=fake.state_abbr(include_territories=False),
            zip=fake.zipcode(), phone=fake.numerify("###-###-####"), phone2=fake.numerify("###-###-####"),
            email=fake.free_email(), web=f"http://www.{fake.domain_name()}"))
    return out


# --- Japanese layouts ------------------------------------------------------------------------------------

def five_column_address(ps: list[JaPerson]) -> Rows:
    """The dummy-data / web-export layout: ``住所`` over five columns, the other four headers blank."""
    rows: Rows = [["連番", "氏名", "氏名（カタカナ）", "性別", "電話番号", "郵便番号", "住所", "", "", "", "", "生年月日"]]
    rows += [[i, p.name, p.kana, p.sex, p.phone, p.postcode, p.prefecture, p.city, p.town, p.block, p.building,
              p.birth] for i, p in enumerate(ps, 1)]
    return rows


def merged_header_address(ps: list[JaPerson]) -> Rows:
    """Two header rows: ``住所`` merged above 都道府県 / 市区町村 / 町域 / 番地 / 建物名."""
    rows: Rows = [["氏名", "", "住所", "", "", "", ""], ["", "フリガナ", "都道府県", "市区町村", "町域", "番地", "建物名"]]
    rows += [[p.name, p.kana, p.prefecture, p.city, p.town, p.block, p.building] for p in ps]
    return rows


def numbered_address(ps: list[JaPerson]) -> Rows:
    rows: Rows = [["氏名", "ふりがな", "郵便番号", "住所1", "住所2", "住所3", "住所4", "住所5"]]
    rows += [[p.name, p.kana, p.postcode, p.prefecture, p.city, p.town, p.block, p.building] for p in ps]
    return rows


def renditions(ps: list[JaPerson]) -> Rows:
    """Kanji / kana / romaji triplets for the name and the address."""
    rows: Rows = [["氏名", "氏名（カタカナ）", "氏名（ローマ字）", "郵便番号", "住所", "住所（カタカナ）", "住所（ローマ字）"]]
    rows += [[p.name, p.kana, p.roman, p.postcode, p.address, _kana_address(p), _roman_address(p)] for p in ps]
    return rows


def split_renditions(ps: list[JaPerson]) -> Rows:
    """A split name with its kana and romaji halves: 姓 | 名 | 姓（カタカナ） | 名（カタカナ） | 姓（ローマ字） | 名（ローマ字）."""
    rows: Rows = [["姓", "名", "姓（カタカナ）", "名（カタカナ）", "姓（ローマ字）", "名（ローマ字）", "郵便番号", "住所"]]
    rows += [[p.family, p.given, p.family_kana, p.given_kana, p.family_roman, p.given_roman, p.postcode, p.address]
             for p in ps]
    return rows


def romaji_headers(ps: list[JaPerson]) -> Rows:
    rows: Rows = [["namae", "rubi", "denwa", "yuubinbango", "jusho1", "jusho2", "jusho3", "jusho4", "jusho5", "tanjobi"]]
    rows += [[p.name, p.kana, p.phone, p.postcode, p.prefecture, p.city, p.town, p.block, p.building, p.birth]
             for p in ps]
    return rows


def english_identifiers(ps: list[JaPerson]) -> Rows:
    rows: Rows = [["user_id", "user_name", "name_kana", "zip", "addr", "tel", "mail_address", "birth_date"]]
    rows += [[1000 + i, p.name, p.kana, p.postcode, p.address, p.phone, p.email, p.birth] for i, p in enumerate(ps)]
    return rows


def glued_postcode(ps: list[JaPerson]) -> Rows:
    """No postal-code column: the code typed in front of the address (〒123-4567 東京都…)."""
    rows: Rows = [["顧客名", "フリガナ", "住所", "電話"]]
    rows += [[p.name, p.kana, f"〒{p.postcode} {p.address}", p.phone] for p in ps]
    return rows


def headerless_unspaced(ps: list[JaPerson]) -> Rows:
    """No header; names without a space; the address over a prefecture column and the columns after it."""
    return [[p.name_unspaced, p.postcode, p.prefecture, p.city, p.town, p.block, p.building, p.phone] for p in ps]


def applicant_recipient(ps: list[JaPerson]) -> Rows:
    """An order table: the applicant and the recipient each with their own postal code and address."""
    rows: Rows = [["注文番号", "申込者氏名", "申込者郵便番号", "申込者住所", "届先氏名", "届先郵便番号", "届先住所", "商品"]]
    half = len(ps) // 2
    for i, (a, b) in enumerate(zip(ps[:half], ps[half:2 * half], strict=True)):
        rows.append([f"A{i:04d}", a.name, a.postcode, a.address, b.name, b.postcode, b.address, "りんご 5kg"])
    return rows


def guardians(ps: list[JaPerson]) -> Rows:
    """A school list: the child, the guardian at the same address, and an emergency contact with a phone."""
    rows: Rows = [["児童氏名", "保護者氏名", "住所", "電話番号", "緊急連絡先氏名", "緊急連絡先電話"]]
    third = len(ps) // 3
    for c, g, e in zip(ps[:third], ps[third:2 * third], ps[2 * third:3 * third], strict=True):
        rows.append([c.name, f"{c.family} {g.given}", c.address, c.phone, e.name, e.phone])
    return rows


def names_only(ps: list[JaPerson]) -> Rows:
    """Persons without any address: name, phone, e-mail, birth date (a lead, never counted)."""
    rows: Rows = [["氏名", "フリガナ", "電話番号", "メールアドレス", "生年月日"]]
    rows += [[p.name, p.kana, p.phone, p.email, p.birth] for p in ps]
    return rows


def placeholders(ps: list[JaPerson]) -> tuple[Rows, int]:
    """A real list with template rows left in it: (rows, placeholder rows)."""
    rows: Rows = [["氏名", "住所", "電話番号"]]
    rows += [[p.name, p.address, p.phone] for p in ps]
    stand_ins = [["テスト 太郎", "東京都○○区○○町1-2-3", "03-0000-0000"], ["○○ ○○", "東京都千代田区1-1", ""],
                 ["山田 花子", "住所", ""]]
    rows[3:3] = stand_ins
    return rows, len(stand_ins)


# --- English layouts -------------------------------------------------------------------------------------

US500_HEADER = ["first_name", "last_name", "company_name", "address", "city", "county", "state", "zip", "phone1",
                "phone2", "email", "web"]


def us_list(ps: list[EnPerson], header: bool = True) -> Rows:
    """first, last, company, street, city, county, state, ZIP, phone, phone, e-mail, web (with or without header)."""
    rows: Rows = [list(US500_HEADER)] if header else []
    rows += [[p.first, p.last, p.company, p.street, p.city, p.county, p.state, p.zip, p.phone, p.phone2, p.email,
              p.web] for p in ps]
    return rows


def business_contacts(ps: list[EnPerson]) -> Rows:
    """A customer table of a company: ContactName beside CompanyName and the company's address."""
    rows: Rows = [["CustomerID", "CompanyName", "ContactName", "ContactTitle", "Address", "City", "Region", "PostalCode",
                   "Country", "Phone"]]
    rows += [[f"C{i:04d}", p.company, f"{p.first} {p.last}", "Sales Manager", p.street, p.city, p.state, p.zip, "USA",
              p.phone] for i, p in enumerate(ps)]
    return rows


def shopify_orders(ps: list[EnPerson]) -> Rows:
    """Billing and shipping persons in one row."""
    rows: Rows = [["Name", "Email", "Billing Name", "Billing Address1", "Billing City", "Billing Zip", "Billing Province",
                   "Shipping Name", "Shipping Address1", "Shipping City", "Shipping Zip", "Shipping Province"]]
    half = len(ps) // 2
    for i, (a, b) in enumerate(zip(ps[:half], ps[half:2 * half], strict=True)):
        rows.append([f"#{1000 + i}", a.email, f"{a.first} {a.last}", a.street, a.city, a.zip, a.state,
                     f"{b.first} {b.last}", b.street, b.city, b.zip, b.state])
    return rows


def employees_csv_with_broken_line(ps: list[EnPerson]) -> tuple[bytes, int]:
    """A Northwind-like employee export whose address holds a line break, written without quotes.

    The break splits one record in two: the first half is the person with the first address line; the
    second half starts with the apartment, then the city and state land in the name columns (a person
    ``Seattle WA``) and the hex of the photo where the address is. Returns (CSV bytes, persons in it).
    """
    lines = ["EmployeeID,LastName,FirstName,Title,TitleOfCourtesy,BirthDate,HireDate,Address,City,Region,PostalCode,"
             "Country,HomePhone,Extension,Photo,Notes"]
    for i, p in enumerate(ps):
        photo = "0x" + "".join(f"{(i * 37 + k * 11) % 256:02X}" for k in range(80))
        rest = f"{p.city},{p.state},{p.zip},USA,{p.phone},{4000 + i},{photo},Education includes a BA."
        head = f"{i + 1},{p.last},{p.first},Sales Representative,Ms.,1968-12-08,1992-05-01"
        if i == len(ps) // 2:
            lines.append(f"{head},{p.street}")  # the line break typed inside the address
            lines.append(f"Apt. 2A,{rest}")
        else:
            lines.append(f"{head},{p.street},{rest}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8"), len(ps)


def english_placeholders(ps: list[EnPerson]) -> tuple[Rows, int]:
    rows: Rows = [["First Name", "Last Name", "Address", "City", "State", "Zip"]]
    rows += [[p.first, p.last, p.street, p.city, p.state, p.zip] for p in ps]
    rows.insert(2, ["DocFirst", "DocSecond", "44 Street Address", "City", "ST", "00000"])
    return rows, 1


# --- negatives: lists that are not private persons -----------------------------------------------------------

def facility_list(ps: list[JaPerson]) -> Rows:
    """Open-data facility list: 名称, 所在地, 電話番号 (and a few more)."""
    kinds = ["保育園", "公民館", "図書館", "児童館", "デイサービスセンター", "小学校"]
    rows: Rows = [["No", "名称", "名称_カナ", "所在地", "電話番号", "定員", "緯度", "経度"]]
    rows += [[i, f"{p.town}{kinds[i % 6]}", "", p.prefecture + p.city + p.town + p.block, p.phone, 30 + i,
              35.0 + i / 100, 139.0 + i / 100] for i, p in enumerate(ps)]
    return rows


def hospital_list(ps: list[JaPerson]) -> Rows:
    """A hospital list: a title row, then headers written with spaces; founders and managers are doctors."""
    rows: Rows = [["医療機関一覧（令和5年4月1日現在）"], [],
                  ["番 号", "医 療 機 関 名", "所 在 地", "電 話 番 号", "開 設 者", "管 理 者", "病 床 数"]]
    rows += [[i, f"{p.family}内科クリニック", p.prefecture + p.city + p.town + p.block, p.phone, p.name,
              ps[-1 - i].name, 19] for i, p in enumerate(ps)]
    return rows


def company_list(ps: list[JaPerson]) -> Rows:
    """A company list with the sales contact's name."""
    rows: Rows = [["会社名", "所在地", "電話番号", "業種", "営業担当者"]]
    rows += [[f"株式会社{p.family}商事", p.prefecture + p.city + p.town + p.block, p.phone, "卸売業", ps[-1 - i].name]
             for i, p in enumerate(ps)]
    return rows


def officials_list(ps: list[JaPerson]) -> Rows:
    """A council members' list: name, party group, constituency, address, phone."""
    rows: Rows = [["氏名", "ふりがな", "会派", "選挙区", "当選回数", "住所", "電話番号"]]
    rows += [[p.name, p.kana, "市民クラブ", p.city, 1 + i % 5, p.address, p.phone] for i, p in enumerate(ps)]
    return rows


def staff_directory(ps: list[JaPerson]) -> Rows:
    """An organisation's staff directory: name, department, title, direct line (no address)."""
    rows: Rows = [["氏名", "所属", "役職", "電話番号"]]
    rows += [[p.name, "福祉課", "主事", p.phone] for p in ps]
    return rows


NEGATIVES = {"facility": facility_list, "hospital": hospital_list, "company": company_list,
             "officials": officials_list, "staff": staff_directory}


def _kana_address(p: JaPerson) -> str:
    return "トウキョウトコガネイシホンチョウ" + p.block


def _roman_address(p: JaPerson) -> str:
    return f"{p.block} Honcho, Koganei-shi, Tokyo"
