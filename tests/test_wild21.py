"""Third-party files swept in session 21 (wild21) and the leftovers of wild20's sweep, rebuilt with generated data.

1. A Stata 118 file (which declares UTF-8) whose text is Latin-1 (pandas' stata1_encoding_118.dta: a file written by
   a tool that put its Windows-1252 bytes in unconverted; pandas reads it with a warning): UTF-8, CP932 and EUC-JP
   were tried and the file was listed `corrupt`, its persons unread.
2. A SAS data file ReadStat cannot read though nothing in it is damaged (pandas' zero_variables.sas7bdat: a dataset of
   no variables, "Unable to allocate memory") was listed `corrupt` ("damaged or cut?"); it is `unsupported` now, with
   ReadStat's words, when the header is whole and the file as long as its header says (header length + pages x page
   size); a file whose header is not (pandas' corrupt.sas7bdat, a cut copy) stays `corrupt`.
3. A very wide Stata file (pandas' stata1_119.dta.gz: one row of 32,999 variables) was read twice: a metadata-only
   read, then the rows; each pyreadstat call costs time quadratic in the variables (its duplicate-name check runs
   over a list: 5.5 s a call for 33,000), and the file flipped between read and `timeout` with the machine's load. The
   first read now takes the metadata with the first 16 rows: one call for a file of up to 15 rows where there were
   two, never more than before.
4. A list of election candidates with the region of their race (pandas' utf16_ex.txt: Country | State/City | Title |
   ... | candidate names; Santiago, Managua, Aragua) counted 30 persons at a "State/City" address. A header naming a
   region and a city joined (State/City, City/State, 都道府県・市区町村) names a region like State alone does: with no
   street, town or address column beside it and place names alone below it, it is no address to write to, and the
   names are a name list (a lead), never persons. The rule is the region's, not the election's: a job agency's
   "Candidate Name | Address | City" list stays persons, and so does a list whose State/City column sits beside a
   street address.
5. Takamatsu city's open data (CC BY 4.0; 標準的なデータセット): registers of licensed facilities name each one's
   licensee beside the facility's address. 歯科技工所一覧 (`歯科技工所名 | 開設者 | 法人代表者 | 所在地 | 開設日`, the headers
   spaced with U+3000) counted its 64 licensees as persons at their laboratories, 助産所一覧 its 14 midwives: a column
   naming a 技工所, 助産所, 診療所 or 保育所 (…所名) names the row's facility like 施設名 and 事業所名 do. Its register of halls
   (`施設名称１ | 施設所在地１ | 申請者名 | 申請者代表者名 | 申請者住所１`) counted 香川県知事 and 高松市長, the applicants for the
   public halls, as 9 persons: a prefecture + 知事 or a municipality + 長 is an office, no person's name.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ScanCases, own_lines

N = 12
DATA = Path(__file__).parent / "data" / "tables"
cases = ScanCases("wild21")
scanned = cases.fixture()


def western(n: int = N, seed: int = 2021) -> list[list[object]]:
    """A German customer list (Faker de_DE): names and addresses with umlauts and ß."""
    from faker import Faker

    fake = Faker("de_DE")
    fake.seed_instance(seed)
    rows: list[list[object]] = [["Name", "Address", "Phone"]]
    rows += [[fake.name(), f"{fake.street_address()}, {fake.postcode()} {fake.city()}", fake.phone_number()]
             for _ in range(n)]
    return rows


def latin1_118(rows: list[list[object]]) -> bytes:
    """A Stata 118 file (pyreadstat writes UTF-8) whose texts were then put in Latin-1, each in its own field."""
    import tempfile

    import pandas as pd
    import pyreadstat

    header, body = rows[0], rows[1:]
    frame = pd.DataFrame([[str(c) for c in r] for r in body], columns=[str(h) for h in header])
    with tempfile.TemporaryDirectory() as tmp:
        pyreadstat.write_dta(frame, f"{tmp}/u.dta", version=14)
        data = (Path(tmp) / "u.dta").read_bytes()
    for text in sorted({str(c) for r in body for c in r if not str(c).isascii()}, key=lambda t: -len(t.encode())):
        utf8, latin = text.encode(), text.encode("latin-1")
        assert utf8 in data, text
        data = data.replace(utf8, latin.ljust(len(utf8), b"\0"))
    return data


@cases.case
def _latin1() -> dict[str, bytes]:
    return {"kunden118.dta": latin1_118(western())}


def test_stata_118_file_holding_latin1_text_is_read(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "latin1")
    assert lines["skipped"] == [], lines["skipped"]
    assert [h["pii"]["records"] for h in lines["files"]] == [N], lines["files"]
    assert json.dumps(lines).isascii()  # (masked samples only)


def test_latin1_list_is_a_person_list_when_read_as_utf8() -> None:
    """The test's own ground: the same rows as text are the person list the Latin-1 file must give."""
    from scanner.detectors.pii import analyse_sheet

    found = analyse_sheet("s", western())
    assert found is not None and found.count == N


def _sas(name: str) -> bytes:
    return gzip.decompress((DATA / f"pandas__{name}.sas7bdat.gz").read_bytes())


@cases.case
def _sas_unread() -> dict[str, bytes]:
    whole = _sas("zero_variables")
    return {"zero_variables.sas7bdat": whole, "corrupt.sas7bdat": _sas("corrupt"),
            "zero_cut.sas7bdat": whole[: len(whole) * 2 // 3]}


def test_sas_file_readstat_cannot_read_is_unsupported_unless_damaged(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "sas_unread")
    listed = {Path(s["path"]).name: (s["reason"], [c["code"] for c in s["detail_codes"]])
              for s in lines["skipped"]}
    assert listed == {"zero_variables.sas7bdat": ("unsupported", ["stats-sas-unread"]),
                      "corrupt.sas7bdat": ("corrupt", ["stats-unreadable"]),
                      "zero_cut.sas7bdat": ("corrupt", ["stats-unreadable"])}, lines["skipped"]


def _wide_dta(tmp: Path, rows: int, columns: int) -> bytes:
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame([[f"r{r}c{c}" for c in range(columns)] for r in range(rows)],
                         columns=[f"v{c}" for c in range(columns)])
    pyreadstat.write_dta(frame, str(tmp / "w.dta"), version=15)
    return (tmp / "w.dta").read_bytes()


@pytest.mark.parametrize(("rows", "chunk_cells", "calls"), [(1, 1 << 20, 1), (0, 1 << 20, 1), (16, 1 << 20, 2),
                                                             (40, 40, 4), (36, 40, 4)])
def test_stata_file_is_read_in_no_more_pyreadstat_calls_than_it_needs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: int, chunk_cells: int, calls: int) -> None:
    """A one-row (or empty) Stata file in one call (there were two: the metadata, then the rows); 40 or 36 rows of 4
    variables in chunks of 10 rows: the first 16 rows, then 10, 10 and the rest (or none): four calls (were six)."""
    import pyreadstat

    from scanner import statsdata
    from scanner.sheet import Caps

    data = _wide_dta(tmp_path, rows, 4)
    made: list[dict[str, object]] = []
    real = pyreadstat.read_dta

    def counted(*args: Any, **kw: Any) -> Any:
        made.append(kw)
        return real(*args, **kw)

    monkeypatch.setattr(pyreadstat, "read_dta", counted)
    monkeypatch.setattr(statsdata, "_CHUNK_CELLS", chunk_cells)
    (sheet,) = statsdata.stats_sheets(data, "dta", Caps())
    got = list(sheet.rows)
    assert got[0] == [f"v{c}" for c in range(4)] and len(got) == rows + 1, got
    assert got[1:] == [[f"r{r}c{c}" for c in range(4)] for r in range(rows)]
    assert len(made) == calls, made


def _candidates(region_header: str, seed: int = 21) -> list[list[object]]:
    """Candidates for office (Faker es names) with the region of their race: a few regions, several names each."""
    from faker import Faker

    fake = Faker("es_ES")
    fake.seed_instance(seed)
    regions = ["Santiago", "Managua", "Aragua", "Carabobo", "Zulia", "N/A"]
    rows: list[list[object]] = [["Country", region_header, "Title", "Date", "Candidate Name", "Twitter"]]
    rows += [["Venezuela", regions[i % len(regions)], "Governor", "12/16/12", fake.name(), f"@{fake.user_name()}"]
             for i in range(30)]
    return rows


def _tsv(rows: list[list[object]]) -> bytes:
    return "".join("\t".join(str(c) for c in r) + "\n" for r in rows).encode("utf-16")


@cases.case
def _regions() -> dict[str, bytes]:
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(2121)
    applicants = [["Candidate Name", "Address", "City", "State/City"]]
    applicants += [[fake.name(), fake.street_address(), fake.city(), fake.state()] for _ in range(N)]
    return {"candidates.txt": _tsv(_candidates("State/City")),
            "candidates2.txt": _tsv(_candidates("City / State", seed=22)),
            "applicants.txt": _tsv(applicants)}


def test_names_with_a_region_alone_are_no_persons(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "regions")
    got = {Path(h["path"]).name: (h["reasons"], h["pii"]["records"]) for h in lines["files"]}
    assert lines["skipped"] == [], lines["skipped"]
    assert got["applicants.txt"] == (["pii"], N), got
    for name in ("candidates.txt", "candidates2.txt"):
        assert name not in got or got[name][1] == 0, got


def test_region_header_words_read_as_their_toml_says() -> None:
    import tomllib

    from scanner.detectors.columns import is_region_header

    rules = tomllib.loads((Path(__file__).parents[1] / "signatures" / "pii_columns.toml").read_text("utf-8"))["regions"]
    assert [h for h in rules["positive"] if not is_region_header(h)] == []
    assert [h for h in rules["negative"] if is_region_header(h)] == []


def _licensed(kind: str, n: int = 20, seed: int = 2122) -> list[list[object]]:
    """A city's register of licensed facilities (as Takamatsu publishes them): each facility's name, its licensee
    (a person, often the sole proprietor), and the facility's address."""
    from tests.pii_data import people

    spaced = "\u3000".join
    rows: list[list[object]] = [["№", "\u3000" + spaced(f"{kind}名"), spaced("開設者"), "法人代表者", "latitude",
                                 "longitude", "所在地", "開設日"]]
    for i, p in enumerate(people(n, seed=seed), 1):
        rows.append([i, f"{p.name.split()[0]}デンタル工房" if kind == "歯科技工所" else f"助産院{p.kana.split()[1]}",
                     p.name.replace(" ", "\u3000"), "", f"34.{i:06d}", f"134.{i:06d}", p.address, f"2001/4/{i}"])
    return rows


@cases.case
def _facilities() -> dict[str, bytes]:
    from tests.pii_data import xlsx_bytes

    halls: list[list[object]] = [["業務種別", "施設名称１", "施設郵便番号", "施設所在地１", "申請者名", "申請者役職名",
                                  "申請者代表者名", "申請者都道府県名称", "申請者住所１", "許可番号"]]
    offices = [("香川県知事", "香川県", "高松市番町四丁目１番１０号"), ("高松市長", "香川県", "高松市番町一丁目８番１５号"),
               ("東京都知事", "東京都", "新宿区西新宿二丁目８番１号"), ("香南町長", "香川県", "高松市香南町岡１８６番地")]
    for i in range(12):
        office, pref, address = offices[i % len(offices)]
        halls.append(["興行場", f"市民ホール{i}", "760-0017", f"高松市番町{i + 1}丁目1番1号", office, "", "", pref,
                      address, f"第{i + 10}号"])
    return {"歯科技工所一覧.xlsx": xlsx_bytes({"Sheet1": _licensed("歯科技工所")}), "興行場一覧.xlsx": xlsx_bytes({"Sheet1": halls}),
            "助産所一覧.xlsx": xlsx_bytes({"Sheet1": _licensed("助産所", seed=2123)})}


def test_licensed_facility_registers_are_no_person_lists(scanned: dict[str, Any]) -> None:
    lines = own_lines(scanned, "facilities")
    assert lines["skipped"] == [], lines["skipped"]
    assert [(Path(h["path"]).name, h["pii"]) for h in lines["files"]] == [], lines["files"]
