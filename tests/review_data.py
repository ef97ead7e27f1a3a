"""Data for the reviewer's end-to-end tests: a share whose spreadsheets hold distinctive fake personal
values (Faker ja_JP, fixed seed), and helpers to look for those values in every byte leakscan writes.

The share exercises every path a value could escape by: a named leaked workbook, the same workbook
inside a zip, a cut-down cp932 CSV (record-overlap), and a damaged workbook whose cell text a parser
quotes in its error message.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scanner.demo import Person, make_people

SEED = 52097
LEAKED = "介護予防_利用者名簿.xlsx"
HEADER = ["No", "氏名", "フリガナ", "生年月日", "郵便番号", "住所", "電話番号", "個人番号"]


def my_number(body: str) -> str:
    """A 12-digit My Number with a valid check digit (the detector checks it) from 11 digits."""
    digits = [int(c) for c in reversed(body)]
    total = sum(p * (n + 1 if n <= 6 else n - 5) for n, p in enumerate(digits, 1))
    rem = total % 11
    return body + str(0 if rem <= 1 else 11 - rem)


@dataclass(frozen=True)
class Case:
    share: Path
    people: list[Person]
    numbers: list[str]
    broken_value: str  # the cell text the damaged workbook's parser error would quote

    def secrets(self) -> list[str]:
        """Every clear personal value written into the share (full values, not their masked forms)."""
        out = [self.broken_value]
        for p, num in zip(self.people, self.numbers, strict=True):
            out += [p.name, p.name.replace(" ", ""), p.kana, p.birth, p.postcode, p.address, p.phone, num]
        return out


def _rows(people: list[Person], numbers: list[str]) -> list[list[object]]:
    return [HEADER] + [[i, p.name, p.kana, p.birth, p.postcode, p.address, p.phone, n]
                       for i, (p, n) in enumerate(zip(people, numbers, strict=True), 1)]


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "利用者"
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def broken_xlsx(name: str, address: str) -> bytes:
    """A workbook whose name cell is typed as a number: calamine refuses it and openpyxl's error
    message quotes the cell (``invalid literal for int() with base 10: '<name>'``)."""
    good = xlsx_bytes([["氏名", "住所"], [name, address]])
    return rewrite_part(good, "xl/worksheets/sheet1.xml", lambda data: re.sub(
        r'<c r="A2"[^>]*>.*?</c>', f'<c r="A2" t="n"><v>{name}</v></c>', data.decode("utf-8")).encode("utf-8"))


def rewrite_part(package: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """The zip ``package`` with ``part``'s bytes passed through ``change``, every other member as it was."""
    zin = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info, change(data) if info.filename == part else data)
    return out.getvalue()


def build(root: Path, n: int = 24) -> Case:
    """The share under ``root/share``; the same seed always gives the same people."""
    people = make_people(n + 1, SEED)
    extra, people = people[-1], people[:-1]
    numbers = [my_number(f"{(SEED * (i + 7) * 7919) % 10**11:011d}") for i in range(n)]
    share = root / "share"
    for pc in ("PC01", "PC02", "PC03", "PC04"):
        (share / pc).mkdir(parents=True)
    leaked = xlsx_bytes(_rows(people, numbers))
    (share / "PC01" / LEAKED).write_bytes(leaked)
    with zipfile.ZipFile(share / "PC02" / "backup_2017.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(LEAKED, leaked)
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["氏名", "住所", "電話"])
    for p in people[:15]:
        w.writerow([p.name, p.address, p.phone])
    (share / "PC03" / "送付先.csv").write_bytes(buf.getvalue().encode("cp932", errors="replace"))
    broken_name = extra.name.replace(" ", "")
    (share / "PC04" / "名簿_破損.xlsx").write_bytes(broken_xlsx(broken_name, extra.address))
    return Case(share, people, numbers, broken_name)


def leaks_in_bytes(data: bytes, secrets: list[str]) -> list[str]:
    """Which secrets occur in ``data`` (UTF-8, and cp932 for the Japanese ones)."""
    found = []
    for s in secrets:
        forms = {s.encode("utf-8")}
        try:
            forms.add(s.encode("cp932"))
        except UnicodeEncodeError:
            pass
        if any(f in data for f in forms):
            found.append(s)
    return found


def leaks_in_tree(folder: Path, secrets: list[str], exclude: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """file name -> secrets found in it, for every file under ``folder`` (sqlite bytes included)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.name not in exclude:
            hit = leaks_in_bytes(p.read_bytes(), secrets)
            if hit:
                out[str(p.relative_to(folder))] = hit
    return out
