"""Files other projects wrote (Session 19, wild19: ExcelDataReader, python-calamine, Apache Tika test-documents,
messytables' horror files, CleverCSV, pyexcel, the W3C CSVW repository, LibreOffice's sc/qa text files), scanned
whole: what was misread, each with its fix and a test on the real file or a file the test makes."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pytest

from scanner.detectors import person_names as N
from scanner.detectors.pii import analyse_sheet
from scanner.sheet import Caps
from scanner.tables import read_tables

DATA = Path(__file__).parent / "data" / "tables"
SEED = 20261219

# what a public-place list calls its places: a first name (a park or a street named after someone) + a place word
_PLACE_WORDS = ("Park", "Gardens", "Car Park", "Street Entrance", "Play Area", "Road", "Recreation Ground",
                "Park & Ride", "Square", "Library")
_HEADER = ["ExtractDate", "LocationText", "StreetAddress", "TownAddress", "Postcode"]


def _rows(names: list[str]) -> list[list[str]]:
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    return [_HEADER] + [["15/09/2014", n, fake.street_name().upper(), fake.city().upper(), fake.postcode()]
                        for n in names]


def _persons(rows: list[list[str]]) -> int:
    found = analyse_sheet("s", rows)
    return 0 if found is None or found.kind is None else len(found.records)


@pytest.fixture(scope="module")
def first_names() -> list[str]:
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    return [fake.first_name() for _ in range(30)]


def test_real_public_toilets_list_counts_nobody() -> None:
    """The W3C CSVW repository's Bath & North East Somerset public toilets (18 rows: ALICE PARK, HENRIETTA PARK,
    CHARLOTTE STREET CAR PARK under LocationText, the council as organisation) was 18 persons (`business`, a hit):
    the places' column, found by value, held a known first name in 70 % of its rows (Alice, Charlotte, Sydney)."""
    data = gzip.decompress((DATA / "csvw__banes_public_toilets.csv.gz").read_bytes())
    sheet = read_tables(data, Caps()).sheets[0]
    assert len(sheet.rows) == 19 and sheet.rows[1][5] == "CHARLOTTE STREET ENTRANCE"
    assert _persons(sheet.rows) == 0


def test_places_named_after_people_are_no_persons(first_names: list[str]) -> None:
    """Parks, car parks and streets named after someone (Alice Park, Kevin Street Entrance) under a header that is
    no person's field: no person. Before: 30 persons."""
    names = [f"{first} {_PLACE_WORDS[i % len(_PLACE_WORDS)]}".upper() for i, first in enumerate(first_names)]
    assert _persons(_rows(names)) == 0


def test_people_under_the_same_header_still_count() -> None:
    """The same columns holding people's names (Faker en_GB, some with a surname that is also a place word: Park,
    Hill, Green, Hall, Field) are still a person list."""
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    names = [f"{fake.first_name()} {['Park', 'Hill', 'Green', 'Hall', 'Field', fake.last_name()][i % 6]}"
             for i in range(30)]
    assert _persons(_rows(names)) == 30


@pytest.mark.parametrize(("value", "known"), [
    ("Alice Park", True), ("John Hill", True), ("Mary Green", True), ("Alice Road", False),
    ("Alice Street", True),  # Street is someone's name too (review19w: a place only between two words)
    ("CHARLOTTE STREET CAR PARK", False), ("Sydney Gardens", False), ("Odd Down Park & Ride", False),
    ("Victoria Road", False), ("Maria Anders", True), ("Smith", True),
])
def test_a_place_word_makes_no_name(value: str, known: bool) -> None:
    """A street or public-place word that is no known first or last name (Street, Road, Gardens, Car, Ride: Faker's
    street suffixes and a few public places, signatures/person_names.toml) takes a value out of the known names;
    Park, Hill, Green, Hall stay names."""
    assert N.latin_name_known(value) is known


def test_place_words_are_never_known_names() -> None:
    """The place words are built without any known first or last name (tools/make_person_names.py)."""
    d = N.name_data()
    assert d.latin_places and not (d.latin_places | d.latin_place_names) & (d.latin_first | d.latin_last)
    assert {"road", "gardens", "entrance"} <= d.latin_places and not d.latin_places & d.latin_place_names
    assert {"street", "car", "lake", "court"} <= d.latin_place_names  # someone's name: a place between two words


def test_csv_reader_agrees_on_the_real_file() -> None:
    """The reader reads the file as the standard library's csv does (every row, every cell)."""
    data = gzip.decompress((DATA / "csvw__banes_public_toilets.csv.gz").read_bytes())
    ours = read_tables(data, Caps()).sheets[0].rows
    theirs = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert [[c.strip() for c in r] for r in ours] == [[c.strip() for c in r] for r in theirs]


_REGISTRY_HEADER = ["sequenceNumber", "corporateNumber", "process", "correct", "updateDate", "changeDate", "name",
                    "nameImageId", "kind", "prefectureName", "cityName", "streetNumber", "addressImageId",
                    "prefectureCode", "cityCode", "postCode", "furigana", "hihyoji"]


def _registry(process: str, n: int = 60) -> list[list[str]]:
    """The National Tax Agency's corporate-number diff file (法人番号公表サイト 差分データ, as code4fukui/gBizINFO keeps
    one per day): a company per row, the same process word on every row (新規: registered that day), the company's
    registered address in three columns. Faker ja_JP companies and addresses."""
    import re

    from faker import Faker

    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    rows = [_REGISTRY_HEADER]
    for i in range(n):
        m = re.match(r"(.+?[都道府県])(.+?[市区町村])(.*)", fake.address())
        pref, city, street = m.groups() if m else ("東京都", "千代田区", fake.address())
        name = fake.company()
        rows.append([str(i + 1), f"{1010001000000 + i * 7}", process, "0", "2021-07-15", "2021-07-15", name, "",
                     name[:4] if name.startswith("株式") else "株式会社", pref, city, street, "", "13", "101",
                     fake.zipcode().replace("-", ""), "", "0"])
    return rows


def test_one_word_on_every_row_is_no_list_of_names() -> None:
    """A company registry's diff (code4fukui/gBizINFO, 120 of its 3,762 files sampled: 35 were a lead of 400-500
    'names'): its process column holds 新規 on every row, a word shaped like a name (新 | 規), which the header-less
    rules took for the only name column, spread over every company's address: a `names` lead of 60 rows. One name
    on every row is no list of people."""
    found = analyse_sheet("s", _registry("新規"))
    assert found is None or found.kind is None, (found.kind, found.columns)


def test_a_few_names_spread_over_places_stay_a_lead() -> None:
    """Two people over the places (tables16's landlord list, no header naming them): still a `names` lead."""
    rows = _registry("新規")
    for i, r in enumerate(rows[1:]):
        r[2] = ("山田 太郎", "佐藤 花子")[i % 2]
    found = analyse_sheet("s", rows)
    assert found is not None and found.kind == "names" and found.count == 60


def _dif(rows: list[list[str]]) -> bytes:
    """A DIF file as Excel's "DIF (Data Interchange Format)" save writes one (LibreOffice's sc/qa/unit/data/dif has the
    same layout): TABLE / VECTORS / TUPLES / DATA topics, then each row a BOT directive and each cell a type line and a
    value line (1,0 and a quoted text; 0,<number> and V), EOD at the end; Shift_JIS, CRLF."""
    out = ["TABLE", "0,1", '""', "VECTORS", f"0,{len(rows[0])}", '""', "TUPLES", f"0,{len(rows)}", '""', "DATA", "0,0",
           '""']
    for r in rows:
        out += ["-1,0", "BOT"]
        for c in r:
            out += ["1,0", '"' + c.replace('"', '""') + '"']
        out += ["0,42", "V"]  # a number column (the row's serial)
    out += ["-1,0", "EOD"]
    return ("\r\n".join(out) + "\r\n").encode("cp932")


@pytest.fixture(scope="module")
def dif_findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    from faker import Faker

    from tests.conftest import scan_findings

    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    rows = [["氏名", "住所", "電話番号"]] + [[fake.name(), fake.address(), fake.phone_number()] for _ in range(40)]
    data = _dif(rows)
    share = tmp_path_factory.mktemp("dif")
    (share / "名簿.dif").write_bytes(data)
    (share / "名簿_dif.csv").write_bytes(data)  # saved as DIF under a text table's name
    (share / "名簿.dat").write_bytes(data)  # a name nobody knows
    (share / "cut.dif").write_bytes(data[:len(data) // 2])
    (share / "empty_cells.dif").write_bytes(b'TABLE\r\n0,1\r\n"Sheet1"\r\nDATA\r\n0,0\r\n""\r\n-1,0\r\nBOT\r\n0,1\r\nV\r\n'
                                            b'1,0\r\n"String1"\r\n1,0\r\n""\r\n0,0\r\nNA\r\n-1,0\r\nEOD\r\n')
    doc = scan_findings(share, tmp_path_factory.mktemp("dif-out"))
    out = {Path(f["path"]).name: f for f in doc["files"]}
    for s in doc["skipped"]:
        out.setdefault(Path(s["path"]).name, {"skipped": s})
    return out


@pytest.mark.parametrize("name", ["名簿.dif", "名簿_dif.csv", "名簿.dat"])
def test_dif_person_list_is_read(dif_findings: dict[str, dict], name: str) -> None:
    """A DIF person list was listed `unsupported` ("DIF spreadsheet (.dif): no reader for this format"; LibreOffice's
    own test file too); under .csv it was read as a text of two-line values and under .dat it ended as nothing.
    Now its 40 persons are read under any of these names."""
    f = dif_findings[name]
    assert f.get("status") == "ok" and f["pii"]["records"] == 40, f


def test_dif_cut_short_keeps_its_rows_and_says_so(dif_findings: dict[str, dict]) -> None:
    f = dif_findings["cut.dif"]
    assert f["status"] == "corrupt" and 15 <= f["pii"]["records"] < 40, f


def test_dif_values_read_as_libreoffice_writes_them() -> None:
    """Numbers (0,<n> V), texts (1,0 and the text), NA and empty texts; nothing past EOD."""
    from scanner.dif import iter_dif

    data = (b'TABLE\n0,1\n"Sheet1"\nVECTORS\n0,3\n""\nTUPLES\n0,2\n""\nDATA\n0,0\n""\n-1,0\nBOT\n0,1\nV\n1,0\n"a ""b"""\n'
            b'0,0\nNA\n-1,0\nBOT\n1,0\n""\n0,-2.5\nV\n-1,0\nEOD\n1,0\n"after"\n')
    sheet = next(iter_dif(data, Caps()))
    assert sheet.rows == [[1, 'a "b"', ""], ["", -2.5]] and not sheet.damage


def _old_line_winners(data: bytes, start: int, candidates: tuple[str, ...]) -> str:
    """textdecode._line_winners as written before wild19 (one expression over the whole text)."""
    import re

    from scanner.textdecode import _strict_choice

    wins = dict.fromkeys(candidates, 0)
    for m in re.finditer(rb"[^\r\n]*[\x80-\xff][^\r\n]*", data[start:]):
        codec = _strict_choice(m.group(), candidates, None)
        if codec:
            wins[codec] += 1
    return max(candidates, key=lambda c: (wins[c], -candidates.index(c)))


def _mixed_texts() -> list[tuple[bytes, int]]:
    import random

    from faker import Faker

    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    rnd = random.Random(SEED)
    texts = []
    for i in range(40):
        lines = []
        for _ in range(rnd.randint(0, 12)):
            codec = rnd.choice(("ascii", "utf-8", "cp932", "euc_jp", "bad"))
            if codec == "ascii":
                lines.append(("x" * rnd.randint(0, 300) + ",1,2").encode())
            elif codec == "bad":
                lines.append(b"ginia; Prince George\x89\xdb\xaas and M")
            else:
                lines.append(f"{fake.name()},{fake.address()}".encode(codec))
        eol = rnd.choice((b"\r\n", b"\r", b"\n", b"\n\n"))
        data = eol.join(lines) + (eol if i % 2 else b"")
        texts.append((data, rnd.randint(0, 3) if data else 0))
    return texts


def test_line_winners_equal_the_expression_as_written() -> None:
    """Each line taken whole (no backtracking over ASCII lines: messytables' horror_211.csv, 2.3 MB of 1,900-byte
    CR lines with one byte that is no UTF-8, took 15 s of CPU in this function and was listed `timeout` on a loaded
    machine; 0.1 s now, bench/README.md) gives the winner the one expression gave, on texts of mixed encodings."""
    from scanner.textdecode import JAPANESE, _line_winners

    for data, start in _mixed_texts():
        assert _line_winners(data, start, JAPANESE) == _old_line_winners(data, start, JAPANESE), (data[:80], start)


def test_line_winners_take_lines_whole_in_one_pass() -> None:
    """The lines are found by an expression with no run before its class (one pass over each line)."""
    from scanner import textdecode as T

    assert T._LINE_TEXT.pattern == rb"[^\r\n]+"
