"""Real export layouts of Japanese offices, municipalities and companies (session 10), written as the programs write
them, with values from Faker ja_JP (fixed seeds, tests/person_tables_data.py): never real data.

Where each header layout comes from (checked with the search tool, session 10; NOTES-exports10.md has the details):

- 宛名職人 full CSV (61 columns, ``姓 | 名 | 姓かな | 名かな | 姓名 | 姓名かな | … | 自宅〒 | 自宅住所1-3 | … | 会社〒 | 会社住所1-3
  | … | 連名 | 連名ふりがな | 連名敬称 | 連名誕生日 | … | 誕生日 | 性別``): the header converters from Google Contacts / Eight
  to 宛名職人 write (public GitHub code, e.g. ``services/eight_to_atena.py``, ``google2atena.py``).
- Eight 名刺 export (``会社名 | 部署名 | 役職 | 姓 | 名 | e-mail | 郵便番号 | 住所 | TEL会社 | TEL部門 | TEL直通 | Fax | 携帯電話
  | URL | 名刺交換日``): the fixed columns the same converters read (``EIGHT_FIXED``).
- 筆ぐるめ import list ``氏名 | 敬称 | 郵便番号 | 住所1 | 住所2 | 電話番号``: a temple's Apps Script that writes lists for
  筆ぐるめ (public GitHub code, "列名は 氏名／敬称／郵便番号／住所1／住所2／電話番号").
- Word 差し込み印刷 address list (``敬称 | 名 | 姓 | 会社名 | 住所 1 | 住所 2 | 市区町村 | 都道府県 | 郵便番号 | 国/地域 | 自宅電話 |
  勤務先電話 | 電子メール アドレス``): Word's 新しいリストの入力 fields (Microsoft KB 294688 describes the list), Western order.
- Excel 住所録 templates (Office テンプレート style): a merged title row, 〒 merged over two cells (3 + 4 digits), 都道府県 in
  its own column, フリガナ in half-width kana, 和暦 birth dates.
- 介護ソフト 利用者一覧 (カイポケ / ほのぼのNEXT / ワイズマン style exports, whose exact headers are not published):
  利用者コード, 被保険者番号, 利用者氏名, ﾌﾘｶﾞﾅ, 和暦 生年月日, 要介護度, 認定有効期間, 居宅介護支援事業所, 担当ケアマネ; the
  nenkin.go.jp 届書作成プログラム CSV asks for 被保険者氏名(カナ) and 生年月日 元号 | 年月日 (two columns).
- 住民記録 extract (住民基本台帳 standard terms: 世帯番号, 続柄, 方書, 住定年月日), saved as Excel "Unicode テキスト"
  (UTF-16LE with BOM, tab-separated): a household is several persons at one address.
- POS / CRM member export with bracketed name parts (会員名（姓） | 会員名（名）, スマレジ-style, approximated) and a 自治会
  roster with the open-data address split (都道府県 | 市区郡 | 町村字 | 番地 | 建物名・部屋番号); a care home's 入居者台帳
  (部屋番号 | 入居者名（姓） | 入居者名（名） | フリガナ（セイ） | フリガナ（メイ） | … | 住民票住所), constructed.
- 選挙人名簿抄本 style (投票区 | 頁 | 番号 | 住所 | 氏名 | 生年月日 | 性別, municipal 閲覧 pages) under a title row.
- Negatives, 自治体標準オープンデータセット (デジタル庁; field names as public code reading them uses: 全国地方公共団体コード,
  ID, 地方公共団体名, 名称, 名称_カナ, 名称_英字, 所在地_連結表記, 所在地_都道府県, 所在地_市区町村, 所在地_町字, 所在地_番地以下,
  建物名等(方書), 緯度, 経度, 電話番号, 内線番号, 連絡先メールアドレス, 郵便番号, 法人番号, 団体名, …): AED設置箇所一覧,
  指定緊急避難場所一覧, 医療機関一覧; 介護サービス事業所一覧 (推奨データセット: 介護サービス事業所名称, 実施サービス, 住所, 方書,
  法人の名称, ...) as UTF-16LE (a ward publishes its open data in UTF-16 LE); a chain's 店舗一覧 with its 店長.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

import jaconv

from tests import person_tables_data as T

Rows = list[list[object]]


@dataclass(frozen=True)
class Layout:
    """One file of a layout: its name and bytes, and what leakscan must find in it."""

    filename: str
    data: bytes
    kind: str | None                                   # persons / business, None: no person table
    records: int = 0
    persons: set[tuple[str, str]] = field(default_factory=set)   # (name without spaces, whole address)
    postcodes: dict[str, str] = field(default_factory=dict)      # name without spaces -> postal code, where given


def csv_bytes(rows: Rows, enc: str = "cp932", delimiter: str = ",") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n", delimiter=delimiter).writerows(rows)
    text = buf.getvalue()
    if enc == "utf-16":  # Excel's "Unicode テキスト": UTF-16LE with BOM
        return text.encode("utf-16")
    return text.encode(enc)


def xlsx_bytes(rows: Rows, merges: tuple[str, ...] = ()) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "住所録"
    for row in rows:
        ws.append([None if v == "" else v for v in row])
    for rng in merges:
        ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def half_kana(text: str) -> str:
    return jaconv.z2h(text, kana=True, ascii=False, digit=False)


_ERAS = ((dt.date(2019, 5, 1), "令和", "R"), (dt.date(1989, 1, 8), "平成", "H"), (dt.date(1926, 12, 25), "昭和", "S"),
         (dt.date(1912, 7, 30), "大正", "T"), (dt.date(1868, 1, 1), "明治", "M"))


def wareki(iso: str, short: bool = False) -> str:
    """昭和12年03月04日 (or S12.3.4 with ``short``)."""
    d = dt.date.fromisoformat(iso)
    start, era, letter = next(e for e in _ERAS if d >= e[0])
    year = d.year - start.year + 1
    if short:
        return f"{letter}{year}.{d.month}.{d.day}"
    return f"{era}{'元' if year == 1 else year}年{d.month:02d}月{d.day:02d}日"


def _truth(ps: list[T.JaPerson]) -> set[tuple[str, str]]:
    return {(p.name_unspaced, p.address) for p in ps}


def _codes(ps: list[T.JaPerson]) -> dict[str, str]:
    return {p.name_unspaced: p.postcode for p in ps}


def _pc(p: T.JaPerson) -> tuple[str, str]:
    head, tail = p.postcode.split("-")
    return head, tail


# --- person tables ------------------------------------------------------------------------------------------

ATENA_SHOKUNIN = ["姓", "名", "姓かな", "名かな", "姓名", "姓名かな", "ミドルネーム", "ミドルネームかな", "敬称", "ニックネーム", "旧姓",
                  "宛先", "自宅〒", "自宅住所1", "自宅住所2", "自宅住所3", "自宅電話", "自宅IM ID", "自宅E-mail", "自宅URL",
                  "自宅Social", "会社〒", "会社住所1", "会社住所2", "会社住所3", "会社電話", "会社IM ID", "会社E-mail", "会社URL",
                  "会社Social", "その他〒", "その他住所1", "その他住所2", "その他住所3", "その他電話", "その他IM ID", "その他E-mail",
                  "その他URL", "その他Social", "会社名かな", "会社名", "部署名1", "部署名2", "役職名", "連名", "連名ふりがな", "連名敬称",
                  "連名誕生日", "メモ1", "メモ2", "メモ3", "メモ4", "メモ5", "備考1", "備考2", "備考3", "誕生日", "性別", "血液型", "趣味",
                  "性格"]


def atena_shokunin_full() -> Layout:
    """The 61-column 宛名職人 CSV: 姓名 beside 姓 | 名, the home address over 自宅住所1-3, a company on every fourth card
    (with its own 会社〒 | 会社住所1), a spouse in 連名 on every third card."""
    ps = T.ja_people(10, seed=1001)
    rows: Rows = [ATENA_SHOKUNIN]
    joint = set()
    for i, p in enumerate(ps):
        r = dict.fromkeys(ATENA_SHOKUNIN, "")
        r.update({"姓": p.family, "名": p.given, "姓かな": jaconv.kata2hira(p.family_kana),
                  "名かな": jaconv.kata2hira(p.given_kana), "姓名": p.name, "姓名かな": jaconv.kata2hira(p.kana), "敬称": "様",
                  "宛先": "自宅", "自宅〒": p.postcode, "自宅住所1": p.prefecture + p.city + p.town, "自宅住所2": p.block,
                  "自宅住所3": p.building, "自宅電話": p.phone, "自宅E-mail": p.email, "誕生日": p.birth.replace("-", "/"),
                  "性別": p.sex})
        if i % 4 == 0:
            r.update({"会社〒": "100-0005", "会社住所1": "東京都千代田区丸の内1-1-1", "会社名": f"株式会社{p.town}",
                      "部署名1": "総務部", "役職名": "課長", "会社電話": "03-1111-2222"})
        if i % 3 == 0:
            r.update({"連名": "花子", "連名ふりがな": "はなこ", "連名敬称": "様"})
            joint.add((p.family + "花子", p.address))
        rows.append([r[h] for h in ATENA_SHOKUNIN])
    return Layout("年賀状2025_宛名職人.csv", csv_bytes(rows, "utf-8-sig"), "persons", len(ps), _truth(ps) | joint,
                  _codes(ps))


def fudegurume_list() -> Layout:
    """The list a temple writes for 筆ぐるめ to read: 氏名 / 敬称 / 郵便番号 / 住所1 / 住所2 / 電話番号 (cp932)."""
    ps = T.ja_people(10, seed=1002)
    rows: Rows = [["氏名", "敬称", "郵便番号", "住所1", "住所2", "電話番号"]]
    rows += [[p.name, "様", p.postcode, p.prefecture + p.city + p.town + p.block, p.building, p.phone] for p in ps]
    return Layout("筆ぐるめ取込用.csv", csv_bytes(rows), "persons", len(ps), _truth(ps), _codes(ps))


def word_merge_list() -> Layout:
    """Word 差し込み印刷's address list saved to Excel: Western order (住所 1 = street, then 市区町村, 都道府県)."""
    ps = T.ja_people(10, seed=1003)
    rows: Rows = [["敬称", "名", "姓", "会社名", "住所 1", "住所 2", "市区町村", "都道府県", "郵便番号", "国/地域", "自宅電話",
                   "勤務先電話", "電子メール アドレス"]]
    rows += [["様", p.given, p.family, "", p.town + p.block, p.building, p.city, p.prefecture, p.postcode, "日本", p.phone, "",
              p.email] for p in ps]
    return Layout("差し込み印刷_宛先リスト.xlsx", xlsx_bytes(rows), "persons", len(ps), _truth(ps), _codes(ps))


def excel_template() -> Layout:
    """An Excel 住所録 template filled in: merged title, a blank row, 〒 merged over 3 + 4 digits, 都道府県 in its own
    column, the rest of the address and the building apart, 電話番号 merged over 3 pieces, フリガナ in half-width kana, 和暦
    birth dates."""
    ps = T.ja_people(10, seed=1004)
    rows: Rows = [["住所録", "", "", "", "", "", "", "", "", "", "", ""],
                  ["", "", "", "", "", "", "", "", "", "", "作成日", "令和7年11月1日"],
                  ["No.", "氏名", "フリガナ", "郵便番号", "", "都道府県", "住所", "建物名", "電話番号", "", "", "生年月日"]]
    rows += [[i, p.name, half_kana(p.kana), *_pc(p), p.prefecture, p.city + p.town + p.block, p.building,
              *p.phone.split("-"), wareki(p.birth)] for i, p in enumerate(ps, 1)]
    return Layout("住所録_テンプレート.xlsx", xlsx_bytes(rows, ("A1:L1", "D3:E3", "I3:K3")), "persons", len(ps), _truth(ps),
                  _codes(ps))


def care_clients() -> Layout:
    """A 介護ソフト 利用者一覧 export (cp932): ﾌﾘｶﾞﾅ in half-width kana, 和暦 birth dates, the care office and the care
    manager's name (staff: never a person of the list), an emergency contact's name and phone."""
    ps = T.ja_people(12, seed=1005)
    staff = T.ja_people(3, seed=1105)
    rows: Rows = [["利用者コード", "被保険者番号", "利用者氏名", "ﾌﾘｶﾞﾅ", "性別", "生年月日", "年齢", "要介護度", "認定有効期間（開始）",
                   "認定有効期間（終了）", "郵便番号", "住所", "電話番号", "居宅介護支援事業所", "担当ケアマネジャー"]]
    rows += [[f"{i:06d}", f"{1234500000 + i}", p.name, half_kana(p.kana), p.sex, wareki(p.birth), 80 + i % 10,
              f"要介護{1 + i % 5}", "令和6年04月01日", "令和8年03月31日", p.postcode, p.address, p.phone,
              "ケアプランセンターさくら", staff[i % 3].name] for i, p in enumerate(ps, 1)]
    return Layout("利用者一覧_20251101.csv", csv_bytes(rows), "persons", len(ps), _truth(ps), _codes(ps))


def resident_extract() -> Layout:
    """A 住民記録 extract saved as Excel "Unicode テキスト" (UTF-16LE, tabs): households of two or three persons at one
    address, 方書 (the building) in its own column."""
    ps = T.ja_people(12, seed=1006)
    rows: Rows = [["世帯番号", "続柄", "氏名", "氏名カナ", "生年月日", "性別", "郵便番号", "住所", "方書", "住定年月日"]]
    truth = set()
    codes = {}
    head = ps[0]
    for i, p in enumerate(ps):
        if i % 3 == 0:
            head = p
            relation = "世帯主"
        else:
            relation = "妻" if i % 3 == 1 else "子"
        name = f"{head.family} {p.given}"
        rows.append([f"{100000 + i // 3}", relation, name, f"{head.family_kana} {p.given_kana}", wareki(p.birth), p.sex,
                     head.postcode, head.prefecture + head.city + head.town + head.block, head.building, "平成20年04月01日"])
        truth.add((head.family + p.given, head.address))
        codes[head.family + p.given] = head.postcode
    return Layout("住民記録抽出.txt", csv_bytes(rows, "utf-16", "\t"), "persons", len(ps), truth, codes)


def elector_extract() -> Layout:
    """A 選挙人名簿抄本-style list under a title (投票区 | 頁 | 番号 | 住所 | 氏名 | 生年月日 | 性別), addresses within one city."""
    ps = T.ja_people(10, seed=1007)
    rows: Rows = [["選挙人名簿抄本", "", "", "", "", "", ""], ["第3投票区", "", "", "", "", "", ""],
                  ["投票区", "頁", "番号", "住所", "氏名", "生年月日", "性別"]]
    rows += [["3", "1", i, p.address, p.name, wareki(p.birth), p.sex] for i, p in enumerate(ps, 1)]
    return Layout("選挙人名簿_第3投票区.csv", csv_bytes(rows), "persons", len(ps), _truth(ps))


def member_roster() -> Layout:
    """A 会員名簿 (UTF-8 with BOM): 〒 split 3 + 4 (``〒上3桁 | 〒下4桁``), the address over 都道府県 | 市区町村 | 町域 | 番地 |
    建物名, ｶﾅ in half-width kana, birth dates as S45.3.4."""
    ps = T.ja_people(10, seed=1008)
    rows: Rows = [["会員番号", "氏名", "ｶﾅ", "〒上3桁", "〒下4桁", "都道府県", "市区町村", "町域", "番地", "建物名", "電話番号",
                   "生年月日", "入会日"]]
    rows += [[f"M{i:04d}", p.name, half_kana(p.kana), *_pc(p), p.prefecture, p.city, p.town, p.block, p.building, p.phone,
              wareki(p.birth, short=True), "2020/04/01"] for i, p in enumerate(ps, 1)]
    return Layout("会員名簿.csv", csv_bytes(rows, "utf-8-sig"), "persons", len(ps), _truth(ps), _codes(ps))


def eight_cards() -> Layout:
    """Eight's 名刺 export: every address is the card's company address (business contacts)."""
    ps = T.ja_people(10, seed=1009)
    rows: Rows = [["会社名", "部署名", "役職", "姓", "名", "e-mail", "郵便番号", "住所", "TEL会社", "TEL部門", "TEL直通", "Fax",
                   "携帯電話", "URL", "名刺交換日"]]
    rows += [[f"株式会社{p.town}", "営業部", "部長", p.family, p.given, p.email, p.postcode, p.address, p.phone, "", "", "",
              "", "https://example.co.jp", "2024/05/01"] for p in ps]
    return Layout("Eight_名刺一覧.csv", csv_bytes(rows, "utf-8"), "business", len(ps), _truth(ps), _codes(ps))


def pos_members() -> Layout:
    """A POS / CRM member export (スマレジ-style; the vendor's exact header is not published, these are the usual ones):
    the name and its reading split with the part in brackets (``会員名（姓） | 会員名（名） | 会員名カナ（姓） | …``), the
    prefecture in its own column. Before: 会員名（姓） and 会員名（名） were both the whole name (only the family name kept)."""
    ps = T.ja_people(10, seed=1015)
    rows: Rows = [["会員ID", "会員コード", "会員名（姓）", "会員名（名）", "会員名カナ（姓）", "会員名カナ（名）", "性別", "生年月日",
                   "郵便番号", "都道府県", "住所", "電話番号", "メールアドレス", "ポイント", "最終来店日"]]
    rows += [[i, f"C{i:05d}", p.family, p.given, p.family_kana, p.given_kana, p.sex, p.birth, p.postcode, p.prefecture,
              p.city + p.town + p.block + p.building, p.phone, p.email, 120 + i, "2025/10/01"] for i, p in enumerate(ps, 1)]
    return Layout("会員データ_export.csv", csv_bytes(rows, "utf-8-sig"), "persons", len(ps), _truth(ps), _codes(ps))


def ward_roster() -> Layout:
    """A 自治会 roster whose address follows the open-data split (都道府県 | 市区郡 | 町村字 | 番地 | 建物名・部屋番号). Before:
    町村字 was no address word, so every address lost its town (大阪府袖ケ浦市9-4-12)."""
    ps = T.ja_people(10, seed=1016)
    rows: Rows = [["班", "氏名", "都道府県", "市区郡", "町村字", "番地", "建物名・部屋番号", "電話番号"]]
    rows += [[f"{1 + i % 3}班", p.name, p.prefecture, p.city, p.town, p.block, p.building, p.phone] for i, p in enumerate(ps)]
    return Layout("自治会名簿.csv", csv_bytes(rows), "persons", len(ps), _truth(ps))


def home_residents() -> Layout:
    """A care home's 入居者台帳 whose name and reading are split with the part in brackets under any name word
    (``入居者名（姓） | 入居者名（名） | フリガナ（セイ） | フリガナ（メイ）``) and the address is 住民票住所. Before: 入居者名（姓）
    and 入居者名（名） were both the whole name (only the family name kept)."""
    ps = T.ja_people(10, seed=1017)
    rows: Rows = [["部屋番号", "入居者名（姓）", "入居者名（名）", "フリガナ（セイ）", "フリガナ（メイ）", "生年月日", "要介護度", "住民票住所",
                   "電話番号"]]
    rows += [[201 + i, p.family, p.given, p.family_kana, p.given_kana, wareki(p.birth), f"要介護{1 + i % 5}", p.address,
              p.phone] for i, p in enumerate(ps)]
    return Layout("入居者台帳.xlsx", xlsx_bytes(rows), "persons", len(ps), _truth(ps))


PERSON_LAYOUTS = (atena_shokunin_full, fudegurume_list, word_merge_list, excel_template, care_clients, resident_extract,
                  elector_extract, member_roster, eight_cards, pos_members, ward_roster, home_residents)


# --- negatives: published lists of places -----------------------------------------------------------------------

OPEN_DATA_HEAD = ["全国地方公共団体コード", "ID", "地方公共団体名", "名称", "名称_カナ", "名称_英字", "所在地_連結表記", "所在地_都道府県",
                  "所在地_市区町村", "所在地_町字", "所在地_番地以下", "建物名等(方書)", "緯度", "経度"]


def _place(p: T.JaPerson, i: int, name: str) -> list[object]:
    return ["132101", f"{i:03d}", "東京都小金井市", name, "", "", p.address, p.prefecture, p.city, p.town, p.block,
            p.building, f"{35.6 + i / 1000:.6f}", f"{139.5 + i / 1000:.6f}"]


def aed_sites() -> Layout:
    ps = T.ja_people(12, seed=1010)
    head = OPEN_DATA_HEAD + ["設置位置", "電話番号", "内線番号", "連絡先メールアドレス", "郵便番号", "法人番号", "団体名", "利用可能曜日",
                             "開始時間", "終了時間", "利用可能日時特記事項", "小児対応設備の有無", "写真データ", "備考"]
    rows: Rows = [head] + [_place(p, i, f"{p.town}公民館") + ["1階事務室前", p.phone, "", "", p.postcode, "", "", "月火水木金",
                                                              "09:00", "17:00", "", "有", "", ""] for i, p in enumerate(ps)]
    return Layout("aed_list.csv", csv_bytes(rows, "utf-8-sig"), None)


def evacuation_sites() -> Layout:
    ps = T.ja_people(12, seed=1011)
    head = OPEN_DATA_HEAD + ["電話番号", "災害種別_洪水", "災害種別_崖崩れ、土石流及び地滑り", "災害種別_高潮", "災害種別_地震",
                             "災害種別_津波", "災害種別_大規模な火事", "災害種別_内水氾濫", "災害種別_火山現象", "指定避難所との住所同一",
                             "想定収容人数", "対象となる町会・自治会", "URL", "備考"]
    rows: Rows = [head] + [_place(p, i, f"{p.town}小学校") + [p.phone, "1", "", "", "1", "", "1", "1", "", "1", 300 + i,
                                                            f"{p.town}町会", "", ""] for i, p in enumerate(ps)]
    return Layout("指定緊急避難場所一覧.csv", csv_bytes(rows), None)


def medical_institutions() -> Layout:
    ps = T.ja_people(12, seed=1012)
    head = OPEN_DATA_HEAD + ["医療機関の種類", "電話番号", "FAX番号", "郵便番号", "法人番号", "診療科目", "診療日", "診療開始時間",
                             "診療終了時間", "病床数", "URL", "備考"]
    rows: Rows = [head] + [_place(p, i, f"{p.family}内科クリニック") + ["診療所", p.phone, "", p.postcode, "", "内科,小児科",
                                                                     "月火水金土", "09:00", "18:00", 0, "", ""]
                           for i, p in enumerate(ps)]
    return Layout("医療機関一覧.csv", csv_bytes(rows), None)


def care_offices() -> Layout:
    """介護サービス事業所一覧 (推奨データセット) as UTF-16LE tab-separated text."""
    ps = T.ja_people(12, seed=1013)
    rows: Rows = [["都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "介護サービス事業所名称", "介護サービス事業所名称_カナ",
                   "実施サービス", "住所", "方書", "緯度", "経度", "電話番号", "FAX番号", "法人の名称", "法人番号", "定員", "URL", "備考"]]
    rows += [["132101", i, p.prefecture, p.city, f"デイサービス{p.town}", "", "通所介護", p.address, p.building, "35.7",
              "139.5", p.phone, "", f"社会福祉法人{p.town}会", "", 30, "", ""] for i, p in enumerate(ps, 1)]
    return Layout("kaigo_jigyousho.txt", csv_bytes(rows, "utf-16", "\t"), None)


def store_list() -> Layout:
    """A chain's 店舗一覧 with each store's manager: staff at the store's address, never private persons."""
    ps = T.ja_people(12, seed=1014)
    mgr = T.ja_people(12, seed=1114)
    rows: Rows = [["店舗コード", "店舗名", "郵便番号", "都道府県", "住所", "電話番号", "営業時間", "定休日", "店長"]]
    rows += [[f"S{i:03d}", f"{p.town}店", p.postcode, p.prefecture, p.city + p.town + p.block, p.phone, "10:00-20:00", "水曜日",
              m.name] for i, (p, m) in enumerate(zip(ps, mgr, strict=True), 1)]
    return Layout("店舗一覧.csv", csv_bytes(rows), None)


PLACE_LAYOUTS = (aed_sites, evacuation_sites, medical_institutions, care_offices, store_list)


def export_by_file(target) -> dict[str, dict[str, tuple[str, str | None]]]:
    """file name -> person's name without spaces -> (address, postal code), from ``persons --export``'s list."""
    from collections import defaultdict
    from pathlib import Path

    from openpyxl import load_workbook

    rows = list(load_workbook(target).worksheets[0].iter_rows(values_only=True))
    head = list(rows[0])
    out: dict[str, dict[str, tuple[str, str | None]]] = defaultdict(dict)
    for row in rows[1:]:
        r = dict(zip(head, row, strict=True))
        for line in str(r["ファイル"]).splitlines():
            path = line.split(" ", 1)[1].rsplit(" (", 1)[0]
            out[Path(path).name][str(r["氏名"]).replace(" ", "")] = (str(r["住所"]), r["郵便番号"])
    return out


def scan_and_export(root, files: dict[str, bytes]) -> tuple[dict[str, dict], dict[str, dict[str, tuple[str, str | None]]], dict]:
    """FILES written to ROOT/share, scanned through the CLI (each one named by ``--name``), then the
    notification list exported (``persons --export --sources``): (findings' files by name, the export by
    file as :func:`export_by_file`, findings.json)."""
    import json
    from pathlib import Path

    from conftest import run_leakscan

    share, out, target = root / "share", root / "out", root / "persons.xlsx"
    share.mkdir()
    names: list[str] = []
    for name, data in files.items():
        (share / name).write_bytes(data)
        names += ["--name", name]
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet", *names)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    done = run_leakscan("persons", str(out), "--export", str(target), "--sources", str(share))
    assert done.returncode == 0, done.stderr
    return {Path(f["path"]).name: f for f in doc["files"]}, export_by_file(target), doc


def assert_every_person_with_the_whole_address(export: dict[str, dict[str, tuple[str, str | None]]],
                                               layout: Layout) -> None:
    """The notification list has every person of LAYOUT's file, each with the whole address and postal code."""
    got = export[layout.filename]
    assert {(n, a) for n, (a, _) in got.items()} == layout.persons, layout.filename
    for name, code in layout.postcodes.items():
        assert got[name][1] == code, (layout.filename, name)
