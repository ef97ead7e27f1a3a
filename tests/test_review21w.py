"""Review of wild21 (session 21): inputs an investigator meets that wild21's change read wrongly.

1. A Stata file holding EUC-JP text with one damaged byte: UTF-8, CP932 and EUC-JP fail, and wild21's new last
   encoding, Windows-1252 (which takes every byte EUC-JP uses), converted every string: the file was read as mojibake
   with status ok and its persons lost without a listing (before wild21 it was listed `corrupt`); an SPSS file the
   same. A Windows-1252
   reading whose texts are mostly EUC-JP (or UTF-8) after all is the damaged file it is: `corrupt`.
2. Client lists whose name header names the facility the person uses: wild21 made 保育所, 診療所, 助産所 and 技工所
   exclusion words (a column naming the row's facility, as 施設名), and an exclusion word anywhere in a header makes
   it no person's column: a nursery's children (保育所児童氏名 | 住所 | 電話番号), a clinic's patients (診療所患者氏名),
   a midwife home's mothers (助産所利用者氏名) were persons before wild21 and nothing after; a care home's residents
   (施設入所者氏名) and a service's users (事業所利用者氏名) were nothing already. A facility word followed by a word
   naming whom it serves (利用者, 入所者, 児童, 患者 ...: ``[exclude] clients``) names that person: their own column.
3. A real SAS file (pandas' airline.sas7bdat, cars.sas7bdat) with a 512-byte sector zeroed inside its pages: ReadStat
   says "Invalid file ...", "A row in the file was not the expected length", "File did not contain the expected
   number of rows", and wild21's `unsupported` (`stats-sas-unread`: the header is whole and the length right) told the
   investigator it was a feature ReadStat lacks: 16 of 19 single-byte flips of pandas' readable files and every sector
   loss inside a page. `unsupported` is kept for ReadStat's words of a limit (no memory for a dataset of no variables:
   pandas' zero_variables.sas7bdat; an unsupported compression or character set); damage is `corrupt` again.
"""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path
from typing import Any

from tests.conftest import ScanCases, own_lines
from tests.pii_data import people, standard, xlsx_bytes
from tests.test_wild21 import latin1_118, western

N = 12
cases = ScanCases("review21w")
scanned = cases.fixture()


def encoded_118(rows: list[list[object]], encoding: str) -> bytes:
    """A Stata 118 file (pyreadstat writes UTF-8) whose texts were then put in ``encoding``, each in its own field
    (as a tool that wrote its bytes unconverted leaves them)."""
    import pandas as pd
    import pyreadstat

    header, body = rows[0], rows[1:]
    frame = pd.DataFrame([[str(c) for c in r] for r in body], columns=[f"v{i}" for i in range(len(header))])
    with tempfile.TemporaryDirectory() as tmp:
        pyreadstat.write_dta(frame, f"{tmp}/u.dta", column_labels=[str(h) for h in header], version=14)
        data = (Path(tmp) / "u.dta").read_bytes()
    for text in sorted({str(c) for r in rows for c in r if not str(c).isascii()}, key=lambda t: -len(t.encode())):
        utf8, other = text.encode(), text.encode(encoding)
        assert utf8 in data, text
        data = data.replace(utf8, other.ljust(len(utf8), b"\0"))
    return data


def encoded_sav(rows: list[list[object]], encoding: str) -> bytes:
    """An SPSS file (pyreadstat writes UTF-8 and says so) whose texts were then put in ``encoding``, space-padded."""
    import pandas as pd
    import pyreadstat

    header, body = rows[0], rows[1:]
    frame = pd.DataFrame([[str(c) for c in r] for r in body], columns=[f"v{i}" for i in range(len(header))])
    with tempfile.TemporaryDirectory() as tmp:
        pyreadstat.write_sav(frame, f"{tmp}/u.sav", column_labels=[str(h) for h in header])
        data = (Path(tmp) / "u.sav").read_bytes()
    for text in sorted({str(c) for r in rows for c in r if not str(c).isascii()}, key=lambda t: -len(t.encode())):
        utf8, other = text.encode(), text.encode(encoding)
        assert utf8 in data, text
        data = data.replace(utf8, other.ljust(len(utf8), b" "))
    return data


def _damaged(data: bytes, text: str, encoding: str, at: int, value: int) -> bytes:
    """``data`` with the byte ``at`` of ``text`` (in ``encoding``) set to ``value``."""
    start = data.index(text.encode(encoding))
    out = bytearray(data)
    out[start + at] = value
    return bytes(out)


@cases.case
def _euc() -> dict[str, bytes]:
    rows = standard(people(N, seed=2121))
    whole = encoded_118(rows, "euc_jp")
    name = str(rows[3][1])
    spss = encoded_sav(rows, "euc_jp")
    return {"euc.dta": whole,
            "euc_ff.dta": _damaged(whole, name, "euc_jp", 0, 0xFF),  # a lead byte that is no EUC-JP byte
            "euc_space.dta": _damaged(whole, name, "euc_jp", 1, 0x20),  # a trail byte lost to a space
            "euc.sav": spss, "euc_ff.sav": _damaged(spss, name, "euc_jp", 0, 0xFF),  # SPSS takes the same fallbacks
            "latin1.dta": latin1_118(western())}  # wild21's Windows-1252 file stays read


def test_damaged_euc_jp_stata_file_is_corrupt_not_mojibake(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "euc")
    hits = {Path(h["path"]).name: h["pii"]["records"] for h in lines["files"]}
    listed = {Path(s["path"]).name: (s["reason"], [c["code"] for c in s["detail_codes"]]) for s in lines["skipped"]}
    assert hits == {"euc.dta": N, "euc.sav": N, "latin1.dta": N}, (hits, listed)
    assert listed == {"euc_ff.dta": ("corrupt", ["stats-unreadable"]), "euc_space.dta": ("corrupt", ["stats-unreadable"]),
                      "euc_ff.sav": ("corrupt", ["stats-unreadable"])}, listed


CLIENT_HEADERS = {"nursery.xlsx": "保育所児童氏名", "nursery2.xlsx": "保育所入所児童氏名", "clinic.xlsx": "診療所患者氏名",
                  "midwife.xlsx": "助産所利用者氏名", "carehome.xlsx": "施設入所者氏名", "service.xlsx": "事業所利用者氏名"}


@cases.case
def _clients() -> dict[str, bytes]:
    out = {}
    for i, (name, header) in enumerate(CLIENT_HEADERS.items()):
        rows: list[list[object]] = [[header, "生年月日", "住所", "電話番号"]]
        rows += [[p.name, p.birth, p.address, p.phone] for p in people(N, seed=2130 + i)]
        out[name] = xlsx_bytes({"Sheet1": rows})
    return out


def test_a_facility_s_clients_are_persons(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "clients")
    got = {Path(h["path"]).name: h["pii"]["records"] for h in lines["files"]}
    assert lines["skipped"] == [], lines["skipped"]
    assert got == dict.fromkeys(CLIENT_HEADERS, N), got


def test_a_facility_s_own_columns_stay_excluded() -> None:
    """The facility's name, address and officer stay its own (wild21's registers; 施設名, 保育所長氏名)."""
    from scanner.detectors.columns import is_excluded

    own = ["施設名", "保育所名", "診療所所在地", "歯科技工所名", "保育所長氏名", "施設長氏名", "事業所代表者氏名", "希望保育所"]
    assert [h for h in own if not is_excluded(h)] == []
    assert [h for h in CLIENT_HEADERS.values() if is_excluded(h)] == []


DATA = Path(__file__).parent / "data" / "tables"


def _pandas_sas(name: str) -> bytes:
    return gzip.decompress((DATA / f"pandas__{name}.sas7bdat.gz").read_bytes())


def _zeroed(data: bytes, at: int) -> bytes:
    """``data`` with the 512-byte sector at ``at`` zeroed (a bad sector imaged as zeros)."""
    return data[:at] + bytes(512) + data[at + 512:]


@cases.case
def _sas_damage() -> dict[str, bytes]:
    airline, cars = _pandas_sas("airline"), _pandas_sas("cars")
    flipped = bytearray(airline)
    flipped[4083] ^= 0xFF
    return {"airline.sas7bdat": airline, "airline_z3584.sas7bdat": _zeroed(airline, 3584),
            "airline_z4096.sas7bdat": _zeroed(airline, 4096), "airline_f4083.sas7bdat": bytes(flipped),
            "cars_z5120.sas7bdat": _zeroed(cars, 5120), "zero_variables_r.sas7bdat": _pandas_sas("zero_variables")}


def test_sas_file_damaged_inside_its_pages_is_corrupt(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "sas_damage")
    listed = {Path(s["path"]).name: (s["reason"], [c["code"] for c in s["detail_codes"]]) for s in lines["skipped"]}
    damaged = ("corrupt", ["stats-unreadable"])
    assert listed == {"airline_z3584.sas7bdat": damaged, "airline_z4096.sas7bdat": damaged,
                      "airline_f4083.sas7bdat": damaged, "cars_z5120.sas7bdat": damaged,
                      "zero_variables_r.sas7bdat": ("unsupported", ["stats-sas-unread"])}, listed


def test_a_name_ending_in_mura_cho_is_no_office() -> None:
    from scanner.detectors.values import looks_like_name

    names = ["中村長", "木村長", "田村長", "野村長", "大町長", "小町長", "今村長", "西村長", "奥村長"]
    offices = ["香川県知事", "東京都知事", "高松市長", "香南町長", "中村区長", "名古屋市中村区長", "北区長", "香川県高松市長",
               "大町市長", "大町町長", "檜原村長"]
    assert [n for n in names if not looks_like_name(n)] == []
    assert [o for o in offices if looks_like_name(o)] == []
