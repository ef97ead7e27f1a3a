"""review21d: damage21's checks on real, undamaged inputs. A zip member's real name (commas, quotes, a Mac
``__MACOSX/._`` copy, a deep path) read from its local headers must stay its name (the file-name rules look for it),
and a real EUC-JP-MS export (① ㈱ Ⅲ, 髙 﨑 德 as IBM extensions) must not be called damaged.

People are Faker ja_JP with a fixed seed (tests/document_data.py); nothing here is real.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from tests.conftest import ScanCases, own_lines
from tests.document_data import people_rows

N = 12
cases = ScanCases("review21d")
scanned = cases.fixture()

REAL_NAMES = ("山田, 太郎, 履歴書.csv", '報告 "最終" 版.csv', "__MACOSX/名簿/._顧客名簿.csv",
              "名簿/深い/フォルダ/の/中/にある/とても/長い/名前/の/顧客一覧/2023年度/全件/顧客名簿_最新.csv", "a.csv")


def _zip(names: tuple[str, ...], method: int) -> bytes:
    from tests.pii_data import csv_bytes

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for k, name in enumerate(names):
            z.writestr(name, csv_bytes(people_rows(N, seed=2130 + k), "cp932"))
    return out.getvalue()


@cases.case
def _real_zip_names() -> dict[str, bytes]:
    made = {}
    for method, label in ((zipfile.ZIP_STORED, "stored"), (zipfile.ZIP_DEFLATED, "deflated")):
        data = _zip(REAL_NAMES, method)
        first, last = data.index(b"PK\x01\x02"), data.rindex(b"PK\x01\x02")
        made[f"names_no_directory_{label}.zip"] = data[:first]  # the directory cut off: local headers only
        made[f"names_half_directory_{label}.zip"] = data[:(first + last) // 2]  # the longest name's record lost
    return made


def test_a_real_member_name_read_from_local_headers_is_kept(scanned: dict[str, Any]) -> None:
    """damage21 named a local header's name `damaged-name-at-OFFSET` when it held two commas, two of ``"<>|*?``, or
    was longer than every name of the central directory records left: real names (``山田, 太郎, 履歴書.csv``, a
    quoted word, a deep path whose directory record was cut off) lost the name the file-name rules look for. A
    name after which the member's data ends where the next zip record starts is whole, whatever it holds."""
    lines = own_lines(scanned, "real_zip_names")
    for zip_name in scanned["books"]["real_zip_names"]:
        members = {e["path"].split(" » ", 1)[1] for e in lines["files"] if Path(e["path"].split(" » ")[0]).name == zip_name}
        assert members == set(REAL_NAMES), (zip_name, sorted(members))


# EUC-JP-MS (MySQL eucjpms, PHP eucJP-win, iconv EUC-JP-MS) writes NEC row 13 as AD xx and the IBM extensions as
# 8F F3-F4 xx; Python's euc_jp decodes neither (bytes from `iconv -t EUC-JP-MS`)
EUCJP_MS = {"①": b"\xad\xa1", "㈱": b"\xad\xea", "Ⅲ": b"\xad\xb7", "髙": b"\x8f\xf4\xfb", "﨑": b"\x8f\xf4\xbd",
            "德": b"\x8f\xf4\xbe"}


def _eucjp_ms_csv() -> bytes:
    from tests.pii_data import csv_bytes

    rows = people_rows(N, seed=2140)
    for k, (ch, _) in enumerate(EUCJP_MS.items()):
        rows[1 + k][1] = "ﾀｶﾊｼ ｲﾁﾛｳ"  # a host export's half-width ﾌﾘｶﾞﾅ beside the vendor characters
        rows[1 + k][2] += f" {ch}号室" if k < 3 else ""
        rows[1 + k][0] = ch + rows[1 + k][0][1:] if k >= 3 else rows[1 + k][0]
    rows[N] = ["德永 次郎", "ﾄｸﾅｶﾞ ｼﾞﾛｳ", "愛知県名古屋市中区栄3-2-1", "052-345-6789"]  # cp932 decodes it whole: mojibake
    data = csv_bytes([[v.translate({ord(c): f"<{i}>" for i, c in enumerate(EUCJP_MS)}) for v in r] for r in rows],
                     "euc_jp")
    for i, code in enumerate(EUCJP_MS.values()):
        data = data.replace(f"<{i}>".encode(), code)
    return data


@cases.case
def _eucjp_ms() -> dict[str, bytes]:
    data = _eucjp_ms_csv()
    at = data.index(b"\r\n", data.index(b"\r\n", data.index(b"\r\n") + 2) + 2) - 4  # inside the 2nd person's phone
    return {"eucjp_ms.csv": data, "eucjp_ms_damaged.csv": data[:at] + b"\xff" + data[at + 1:]}


def test_a_real_eucjp_ms_export_is_not_called_damaged(scanned: dict[str, Any]) -> None:
    """An EUC-JP-MS CSV holding ① ㈱ Ⅲ (NEC row 13) and 髙 﨑 德 (IBM extensions) was `ok` with a "decoding:
    partial" note before damage21 and `corrupt` (`values-undecoded`: "damaged bytes") after it, a real export
    called damaged. Its vendor characters are no damage: `ok` again, the note kept; a byte 0xFF in the same file
    (no EUC-JP-MS character holds one) is still `values-undecoded`."""
    lines = own_lines(scanned, "eucjp_ms")
    hits = {Path(h["path"]).name: h for h in lines["files"]}
    assert hits["eucjp_ms.csv"]["pii"]["records"] == N, hits["eucjp_ms.csv"]["pii"]
    assert hits["eucjp_ms.csv"]["status"] == "ok", hits["eucjp_ms.csv"].get("status_detail")
    assert hits["eucjp_ms_damaged.csv"]["status"] == "corrupt", hits["eucjp_ms_damaged.csv"].get("status_detail")
    assert "values-undecoded" in [c["code"] for c in hits["eucjp_ms_damaged.csv"]["status_detail_codes"]]


@cases.case
def _cp932_with_an_euc_row() -> dict[str, bytes]:
    from tests.pii_data import csv_bytes

    rows = people_rows(N, seed=2150)
    rows[6][1] = "ｽｽﾞｷ ｼﾛｳ"  # a host export's half-width ﾌﾘｶﾞﾅ
    lines = csv_bytes(rows, "cp932").split(b"\r\n")
    lines[6] = csv_bytes([rows[6]], "euc_jp").rstrip(b"\r\n")  # one row pasted from an EUC-JP export
    return {"cp932_one_euc_row.csv": b"\r\n".join(lines)}


def test_an_euc_jp_row_with_half_width_kana_in_a_cp932_table_is_read_in_euc_jp(scanned: dict[str, Any]) -> None:
    """A cp932 table with one row in EUC-JP (two exports joined) whose フリガナ is half-width: the row was read in
    cp932 with 2 bytes replaced (half-width kana and kanji noise), `ok` + a note before damage21, `corrupt`
    ("damaged bytes") after it. EUC-JP decodes the row whole as office text once half-width kana are allowed
    there: `ok`, "mixed encodings" said, no byte replaced."""
    hit, = own_lines(scanned, "cp932_with_an_euc_row")["files"]
    assert hit["pii"]["records"] == N, hit["pii"]
    assert hit["status"] == "ok", hit.get("status_detail")
    assert [c["code"] for c in hit["status_detail_codes"] or []] == ["mixed-encodings"], hit.get("status_detail")
    assert any("mixed encodings" in r for r in hit["pii"]["reading"]), hit["pii"]


def test_a_sylk_cell_comment_is_no_damage() -> None:
    """A SYLK cell record may carry a comment in an ``A`` field, text encoded as a ``K`` value's (SheetJS's notes on
    the format; Gnumeric's reader takes it): damage21 took any quoted text after another letter than K or E for a
    flipped value letter and said `sylk-records-damaged` of a whole file. A K flipped to C/O still is."""
    from scanner.details import codes_of
    from scanner.sheet import Caps
    from scanner.sylk import iter_sylk

    def said(data: str) -> list[str]:
        return [c["code"] for s in iter_sylk(data.encode("cp932"), Caps()) for d in s.damage for c in codes_of(d)]

    body = ('ID;PWXL;N;E\r\nC;Y1;X1;K"氏名"\r\nC;X2;K"住所"\r\nC;Y2;X1;K"山田 太郎";A"要確認 2023/4/1"\r\n'
            'C;X2;K"東京都新宿区西新宿2-8-1"\r\nE\r\n')
    assert said(body) == []
    assert said(body.replace(';K"東京都', ';C"東京都')) == ["sylk-records-damaged"]


WESTERN = ["Jürgen Müller", "Anna Schmidt", "Peter Weiß", "Eva Köhler", "Hans Groß", "Maria Bäcker", "Karl Löw",
           "Rita Brünn", "Otto Süß", "Lena Jäger", "Paul Kühn", "Ute Fröhlich"]


@cases.case
def _utf8_with_a_cp1252_row() -> dict[str, bytes]:
    lines = ["Name,Address,Phone,Email"] + [
        f"{n},{k + 1} Hauptstraße 10115 Berlin,+49 30 1234{k:03d},{n.split()[0].lower()}@example.de"
        for k, n in enumerate(WESTERN)]
    rows = [line.encode("cp1252" if k == 7 else "utf-8") for k, line in enumerate(lines)]  # Karl Löw: an ANSI row
    damaged = [line.encode() for line in lines]  # all UTF-8, one byte inserted after Köhler's ö: damage, not cp1252
    damaged[4] = damaged[4].replace("ö".encode(), "ö".encode() + b"\x81 ")
    return {"utf8_one_cp1252_row.csv": b"\r\n".join(rows) + b"\r\n",
            "utf8_damaged_row.csv": b"\r\n".join(damaged) + b"\r\n"}


def test_a_cp1252_row_in_a_utf8_table_is_read_in_cp1252(scanned: dict[str, Any]) -> None:
    """A UTF-8 CSV with one row saved by an ANSI editor (``Karl Löw`` in Windows-1252): the row was read in UTF-8
    with ö replaced, `ok` + a "decoding: partial" note before damage21, `corrupt` ("damaged bytes") after it. A
    row whose every byte past ASCII is a Windows-1252 letter (no UTF-8 continuation byte 0x80-0xBF) inside a
    Western word is read in Windows-1252: `ok`, "mixed encodings" said. A UTF-8 row with a stray continuation
    byte stays `values-undecoded`."""
    hits = {Path(h["path"]).name: h for h in own_lines(scanned, "utf8_with_a_cp1252_row")["files"]}
    hit = hits["utf8_one_cp1252_row.csv"]
    assert hit["pii"]["records"] == N, hit["pii"]
    assert hit["status"] == "ok", hit.get("status_detail")
    assert [c["code"] for c in hit["status_detail_codes"] or []] == ["mixed-encodings"], hit.get("status_detail")
    assert hits["utf8_damaged_row.csv"]["status"] == "corrupt", hits["utf8_damaged_row.csv"].get("status_detail")
