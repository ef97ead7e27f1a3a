"""Privacy sweep: clear names, addresses and phone numbers planted everywhere a careless scanner could pick
them up (cells with honorifics, English names, formulas and their cached values, sheet names, file names,
a parser error) must not reach any file leakscan writes (the state database included), the -v log or the
terminal. File names are evidence: the path of a *hit* is recorded as found (findings.json and the report
must let the police find the file); a file that is not a hit leaves its name nowhere."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile

import pytest
from conftest import run_leakscan
from review_data import broken_xlsx, leaks_in_bytes, leaks_in_tree

from scanner.demo import Person, make_people

LEAKED = "介護予防_利用者名簿.xlsx"
HONORIFICS = [" 様", "様", "　殿", "さん", " 御中", ""]
ENGLISH = [("Margaret Thompson", "Flat 3, 12 Kingsway, London"), ("Mr. Jonathan Whitfield", "44 Elm Road, Leeds")]


def _no_space(name: str) -> str:
    return name.replace(" ", "").replace("\u3000", "")


def _with_formulas(data: bytes, cached: dict[str, str]) -> bytes:
    """Give formula cells a cached value (as Excel saves them); openpyxl writes none."""
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            raw = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                text = raw.decode("utf-8")
                for ref, value in cached.items():
                    text = re.sub(rf'<c r="{ref}"><f>(.*?)</f><v\s*/?>(?:</v>)?</c>',
                                  lambda m, v=value, r=ref: f'<c r="{r}" t="str"><f>{m.group(1)}</f>'
                                  f'<v>{html.escape(v)}</v></c>', text)
                raw = text.encode("utf-8")
            zout.writestr(info, raw)
    return out.getvalue()


def _workbook(people: list[Person], per_client: Person) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "利用者"
    ws.append(["No", "氏名", "フリガナ", "郵便番号", "住所", "電話番号", "備考"])
    cached = {}
    for i, p in enumerate(people, 2):
        name = p.name + HONORIFICS[i % len(HONORIFICS)]
        if i % len(HONORIFICS) == 3:
            name = name.replace(" ", "\u3000")  # a full-width space
        note = f'=IF(TRUE,"{_no_space(p.name)}様 ご家族連絡済","")'  # a formula quoting the name
        cached[f"G{i}"] = f"{_no_space(p.name)}様 ご家族連絡済"
        ws.append([i - 1, name, p.kana, p.postcode, p.address, p.phone, note])
    for j, (name, address) in enumerate(ENGLISH, len(people) + 2):
        ws.append([j - 1, name, "", "", address, "", ""])
    client = wb.create_sheet(f"{_no_space(per_client.name)}様")  # a sheet per client, named after them
    client.append(["氏名", "住所", "電話番号"])
    client.append([per_client.name, per_client.address, per_client.phone])
    buf = io.BytesIO()
    wb.save(buf)
    return _with_formulas(buf.getvalue(), cached)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from scanner.demo import client_list_xlsx, simple_xlsx

    root = tmp_path_factory.mktemp("privacy")
    people = make_people(40, seed=90210)
    rows, per_client, hit_named, photo, invoice, phoned, broken = (
        people[:24], people[30], people[31], people[32], people[33], people[34], people[35])
    share = root / "share"
    for pc in ("PC01", "PC02", "PC03", "PC04"):
        (share / pc).mkdir(parents=True)
    (share / "PC01" / LEAKED).write_bytes(_workbook(rows, per_client))
    (share / "PC02" / f"{_no_space(hit_named.name)}様_連絡先.xlsx").write_bytes(client_list_xlsx([hit_named, *rows[:3]]))
    (share / "PC03" / f"{_no_space(photo.name)}さんの写真.jpg").write_bytes(b"\xff\xd8\xff\xe0 not much of a photo")
    (share / "PC03" / f"{_no_space(invoice.name)}様_請求書.xlsx").write_bytes(
        simple_xlsx([["項目", "金額"], ["利用料", 12000]]))  # a spreadsheet read, no personal records
    (share / "PC04" / f"{phoned.phone}.txt").write_bytes(b"call back")
    (share / "PC04" / "名簿_破損.xlsx").write_bytes(broken_xlsx(_no_space(broken.name), broken.address))
    content = []
    for p in [*rows, per_client, hit_named, broken]:
        given = p.name.split(" ")[-1]
        content += [p.kana, p.address, p.phone, p.postcode, p.birth]
        if p is not hit_named:  # his name is also in his file's path, recorded as evidence (checked apart)
            content += [p.name, _no_space(p.name)] + ([given] if len(given) >= 2 else [])
    for name, address in ENGLISH:
        content += [name.removeprefix("Mr. "), name.split()[-1], name.split()[-2], address]
    return {
        "share": share, "root": root,
        "content": content,  # from cells and sheet names: never anywhere
        "sheet": [f"{_no_space(per_client.name)}様"],
        "not_hits": [_no_space(photo.name), _no_space(invoice.name), phoned.phone],  # file names: never anywhere
        "hit_path": _no_space(hit_named.name),  # the path of a hit: only where paths are recorded
    }


def _paths_only(doc: object, secret: str, key: str = "") -> list[str]:
    """Keys under which ``secret`` occurs in ``doc`` other than path fields."""
    if isinstance(doc, dict):
        return [k for kk, v in doc.items() for k in _paths_only(v, secret, kk)]
    if isinstance(doc, list):
        return [k for v in doc for k in _paths_only(v, secret, key)]
    if isinstance(doc, str) and secret in doc and key not in ("path", "inner_path", "paths", "baseline_paths"):
        return [key]
    return []


def test_nothing_personal_in_any_output_log_or_terminal(planted: dict) -> None:
    share, root = planted["share"], planted["root"]
    out, rescan = root / "out", root / "rescan"
    never = planted["content"] + planted["sheet"] + planted["not_hits"]
    runs = [run_leakscan("-v", "scan", str(share), "--name", LEAKED, "--out", str(out), "--min-overlap", "3")]
    assert runs[0].returncode == 1, runs[0].stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    # the scenario went through every path: the named copy with pii, the per-client sheet, the damaged file
    sheets = [s for f in doc["files"] for s in (f.get("pii") or {}).get("sheets", [])]
    assert len(sheets) >= 3 and any(s["index"] == 2 for s in sheets)
    assert any(s["reason"] == "corrupt" for s in doc["skipped"])
    assert doc["persons"]["unique"] >= 24
    runs += [run_leakscan("-v", "scan", str(share), "--name", LEAKED, "--out", str(rescan), "--baseline", str(out)),
             run_leakscan("-v", "verify", str(out), "--sources", str(share)),
             run_leakscan("-v", "persons", str(out))]
    for done in runs:
        assert done.returncode in (0, 1), done.stderr
        assert leaks_in_bytes(done.stdout.encode(), never + [planted["hit_path"]]) == [], done.stdout
        assert leaks_in_bytes(done.stderr.encode(), never + [planted["hit_path"]]) == [], done.stderr
    for folder in (out, rescan):
        assert leaks_in_tree(folder, never) == {}, folder  # findings, report, state database, diff, key
        assert _paths_only(json.loads((folder / "findings.json").read_text(encoding="utf-8")),
                           planted["hit_path"]) == []
    assert planted["hit_path"] in (out / "findings.json").read_text(encoding="utf-8")  # the evidence path stays


def test_unmask_shows_sheet_names_in_the_report_only(planted: dict) -> None:
    out = planted["root"] / "unmasked"
    done = run_leakscan("scan", str(planted["share"]), "--name", LEAKED, "--out", str(out), "--unmask", "--quiet")
    assert done.returncode == 1, done.stderr
    assert leaks_in_bytes((out / "report.html").read_bytes(), planted["sheet"]) == planted["sheet"]
    assert leaks_in_tree(out, planted["sheet"] + planted["not_hits"], exclude=frozenset({"report.html"})) == {}
