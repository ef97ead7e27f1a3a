"""The pii decision through the real pipeline: a labelled generated corpus, the third-party corpus files
(positive expectations from ../shared/corpus/README.md) and every robust file, plus the CLI end to end."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from scanner.config import ScanConfig
from scanner.inspectors.spreadsheet import SpreadsheetInspector
from scanner.persons.reread import path_entry
from scanner.pipeline import run_scan
from scanner.sources import open_source
from tests import pii_data as D
from tests.conftest import run_leakscan


def _scan(root: Path, tmp: Path, **cfg):
    config = ScanConfig(sources=[str(root)], out=tmp / "out", **cfg)
    return run_scan(config, [open_source(str(root))])


def _records(path: Path, tmp: Path) -> list:
    """The clear person records the spreadsheet inspector reads from one file (they never leave the worker
    in a scan: the scan keeps keyed fingerprints)."""
    config = ScanConfig(sources=[str(path)], out=tmp / "out")
    entry = path_entry(str(path))
    return list(SpreadsheetInspector(config).inspect(entry, path.read_bytes(), "", None).records or [])


def _by_name(result) -> tuple[dict[str, object], dict[str, object]]:
    hits = {Path(h.location.path).name: h for h in result.hits}
    skipped = {Path(s.location.path).name: s for s in result.skipped}
    return hits, skipped


def test_labelled_corpus_precision_and_recall(tmp_path):
    corpus = D.labelled_corpus(tmp_path / "share")
    assert len(corpus) >= 100
    result = _scan(tmp_path / "share", tmp_path)
    assert not result.skipped, [s.to_json() for s in result.skipped]
    found = {h.location.path: h for h in result.hits if "pii" in h.reasons}
    tp = sum(1 for f in corpus if f.positive and str(f.path) in found)
    fp = sum(1 for f in corpus if not f.positive and str(f.path) in found)
    fn = [str(f.path) for f in corpus if f.positive and str(f.path) not in found]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + len(fn))
    assert (precision, recall) == (1.0, 1.0), (fp, fn)
    for f in corpus:
        if f.positive:
            hit = found[str(f.path)]
            assert hit.pii["records"] == f.records, f.path
            idx = result.hits.index(hit)
            assert result.prints[idx].records == f.records  # keyed fingerprints of every record, for counting


def test_person_records_for_counting(tmp_path):
    ps = D.people(5)
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "list.xls").write_bytes(D.xls_bytes({"名簿": D.split_columns(ps)}))
    result = _scan(tmp_path / "s", tmp_path)
    assert result.prints[0].records == 5 and len(result.prints[0].persons) == 5
    recs = _records(tmp_path / "s" / "list.xls", tmp_path)
    assert [r.fields["name"] for r in recs] == [p.name for p in ps]
    assert [r.fields["address"] for r in recs] == [p.address for p in ps]
    assert recs[0].sheet == "名簿" and recs[0].row == 2
    assert set(recs[0].fields) <= {"name", "reading", "address", "postcode", "phone", "birth", "sex"}


def test_every_sheet_of_a_workbook(tmp_path):
    ps = D.people(9)
    data = D.xlsx_bytes({"表紙": [["名簿"]], "A地区": D.titled(ps[:4]), "B地区": D.headerless(ps[4:])})
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "backup.dat").write_bytes(data)  # renamed: found by content
    result = _scan(tmp_path / "s", tmp_path)
    pii = result.hits[0].pii
    assert pii["records"] == 9
    # sheet names may be a client's name: masked, and found again by their position in the workbook
    assert [(s["index"], s["name"], s["header_row"], s["records"]) for s in pii["sheets"]] == [
        (2, "A**", 3, 4), (3, "B**", None, 5)]


def test_encrypted_workbook_with_a_matching_name_is_still_a_hit(tmp_path):
    (tmp_path / "s").mkdir()
    data = D.encrypted_xlsx(D.xlsx_bytes({"名簿": D.standard(D.people(3))}))
    (tmp_path / "s" / "利用者名簿.xlsx").write_bytes(data)
    (tmp_path / "s" / "other.xlsx").write_bytes(data)
    result = _scan(tmp_path / "s", tmp_path, names=["利用者名簿.xlsx"])
    hits, skipped = _by_name(result)
    assert hits["利用者名簿.xlsx"].status == "encrypted" and "name" in hits["利用者名簿.xlsx"].reasons
    assert skipped["other.xlsx"].reason == "encrypted" and "other.xlsx" not in hits


def test_corpus_positive_files(corpus, tmp_path):
    result = _scan(corpus / "spreadsheets" / "positive", tmp_path)
    hits, skipped = _by_name(result)
    assert not skipped
    contact = hits["poi__51626_contact.xlsx"].pii
    assert contact["records"] == 1
    assert contact["sheets"][0]["columns"]["name"] == ["Last Name", "First Name"]
    assert contact["sheets"][0]["columns"]["address"][0] == "Address 1"
    roll = hits["calamine__biff5-rich-text-string.xls"].pii
    assert roll["sheets"][0]["header_row"] == 3
    assert roll["records"] == 11  # 13 electors, 2 without an address
    assert "calamine__issue444.xls" not in hits  # names without addresses
    assert "hanzo__13TOKYO.CSV" not in hits  # postal-code data: addresses without people


ROBUST_EXPECTED = {
    "poi__password.xls": "encrypted",
    "poi__protected_passtika.xlsx": "encrypted",
    "calamine__pass_protected.ods": "encrypted",
    # poi__Simple.xlsb (Excel 2007 beta): calamine panics, the pyxlsb fallback reads it (tests/test_xlsb.py)
    # test_files__CRLFX5_2.XLS, an Excel 2.x worksheet (BIFF2, no OLE2 container): read since session 6
    # (scanner/biffold.py, tests/test_old_excel.py); it was "unsupported"
    "calamine__too_small.xls": "unsupported",  # one line of text named .xls: no table in it
    "calamine__issue252.xlsx": "corrupt",
    "poi__poc-xmlbomb.xlsx": "corrupt",
    "poi__clusterfuzz-testcase-minimized-POIHSSFFuzzer-5175219985448960.xls": "corrupt",
}


def test_corpus_robust_files_through_the_cli(corpus, tmp_path):
    robust = corpus / "spreadsheets" / "robust"
    proc = run_leakscan("scan", str(robust), "--out", str(tmp_path / "out"), "--quiet", timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr and "panicked" not in proc.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    skipped = {Path(s["path"]).name: s for s in doc["skipped"]}
    hits = {Path(f["path"]).name: f for f in doc["files"]}
    for name, reason in ROBUST_EXPECTED.items():
        assert skipped[name]["reason"] == reason, (name, skipped.get(name))
        assert skipped[name]["detail"]
    assert set(skipped) == set(ROBUST_EXPECTED)  # every other file was read to the end (ok, no records)
    assert not hits


def test_cli_pii_hit_without_clear_values(tmp_path):
    ps = D.people(6, seed=99)
    share = tmp_path / "share"
    share.mkdir()
    (share / "顧客.csv").write_bytes(D.csv_bytes(D.titled(ps), "cp932"))
    proc = run_leakscan("scan", str(share), "--out", str(tmp_path / "out"), "--quiet", "--name", "nothing.xlsx")
    assert proc.returncode == 0, proc.stderr
    findings = (tmp_path / "out" / "findings.json").read_text(encoding="utf-8")
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    doc = json.loads(findings)
    hit = next(f for f in doc["files"] if "pii" in f["reasons"])
    assert hit["pii"]["records"] == 6 and hit["pii"]["sheets"][0]["header_row"] == 3
    assert hit["sha256"] and hit["pii"]["fields"][:3] == ["name", "reading", "address"]
    assert 'id="pii-table"' in report
    for p in ps:
        for clear in (p.name, p.address, p.phone, p.kana):
            assert clear not in findings and clear not in report
    assert ps[0].name.split(" ")[0] + " **" in report  # masked example


def test_cli_unmask_shows_clear_examples_in_the_report_only(tmp_path):
    ps = D.people(4, seed=98)
    share = tmp_path / "share"
    share.mkdir()
    (share / "list.xlsx").write_bytes(D.xlsx_bytes({"名簿": D.standard(ps)}))
    proc = run_leakscan("scan", str(share), "--out", str(tmp_path / "out"), "--quiet", "--unmask")
    assert proc.returncode == 0, proc.stderr
    findings = (tmp_path / "out" / "findings.json").read_text(encoding="utf-8")
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert 'id="pii-unmasked"' in report
    assert ps[0].name in report and ps[0].address in report
    assert all(p.name not in findings and p.address not in findings for p in ps)


def test_wareki_formatted_excel_dates_are_read_as_values(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["氏名", "住所", "生年月日"])
    ws.append(["山田 太郎", "東京都小金井市本町3-12-5", dt.date(1945, 5, 3)])
    ws["C2"].number_format = '[$-ja-JP-x-gannen]ggge"年"m"月"d"日";@'
    ws.append(["山田 花子", "東京都小金井市本町3-12-5", 16560])
    ws["C3"].number_format = '[$-411]ggge"年"m"月"d"日"'
    share = tmp_path / "s"
    share.mkdir()
    wb.save(share / "wareki.xlsx")
    assert [r.fields["birth"] for r in _records(share / "wareki.xlsx", tmp_path)] == ["1945-05-03", "1945-05-03"]
