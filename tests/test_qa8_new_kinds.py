"""The Session 8 finding kinds end to end through the CLI, as a user runs it (qa8): one small synthetic
organisation (Faker ja_JP, fixed seeds) holding a client list pasted into mail bodies (.eml text and HTML,
.msg, a winmail.dat), a uuencoded attachment, a vCard address book, a sideways list, name-first labels,
disguised files (tar as .jpg, Excel HTML as .jpg, SpreadsheetML as .log, an .xlsx named .docx, an Excel .mht),
a cut .xlsx salvaged, copies named with other separators, %XX- and RFC 2047-encoded names. One scan, one
report in each language, one rescan after remediation; the checks read what the investigator reads."""

from __future__ import annotations

import base64
import binascii
import io
import json
import shutil
import tarfile
import urllib.parse
from email import policy
from email.header import Header
from email.message import Message
from email.mime.text import MIMEText
from pathlib import Path

import jsonschema
import lxml.html
import pytest

from tests import mail_data as md
from tests import person_tables_data as T
from tests.conftest import ROOT, run_leakscan
from tests.pii_data import csv_bytes, people, standard, xlsx_bytes
from tests.table_damage import html_table, mhtml, spreadsheetml

NAMED = "介護予防_利用者名簿.xlsx"
PEOPLE = people(12, seed=881)
ROWS = standard(PEOPLE)
SUBJECT = "利用者名簿の件"
SENDER = "insider.hanako@example.jp"


def _mail(part: Message) -> bytes:
    part["From"] = SENDER
    part["To"] = "outside@example.com"
    part["Subject"] = Header(SUBJECT, "utf-8").encode()
    part["Date"] = "Tue, 03 Nov 2026 09:12:00 +0900"
    return part.as_bytes(policy=policy.SMTP)


def _vcards(ps: list[T.JaPerson]) -> bytes:
    cards = []
    for p in ps:
        cards += ["BEGIN:VCARD", "VERSION:3.0", f"N:{p.family};{p.given};;;", f"FN:{p.name}",
                  f"ADR;type=HOME:;;{p.town}{p.block};{p.city};{p.prefecture};{p.postcode};日本", f"TEL:{p.phone}",
                  "END:VCARD"]
    return ("\r\n".join(cards) + "\r\n").encode()


def _sideways(ps: list[T.JaPerson]) -> list[list[object]]:
    return [["氏名"] + [p.name for p in ps], ["郵便番号"] + [p.postcode for p in ps],
            ["住所"] + [p.address for p in ps], ["電話番号"] + [p.phone for p in ps]]


def _labels(ps: list[T.JaPerson]) -> list[list[object]]:
    def label(p: T.JaPerson) -> str:
        return f"{p.name} 様\n〒{p.postcode}\n{p.prefecture}{p.city}{p.town}{p.block}"
    return [[label(a), label(b)] for a, b in zip(ps[::2], ps[1::2], strict=True)]


def _organisation(root: Path, work: Path) -> None:
    named = xlsx_bytes({"利用者": ROWS})
    tsv = "お世話になっております。\n名簿を貼ります。\n\n" + "\n".join("\t".join(map(str, r)) for r in ROWS) + "\n\n以上\n"
    html = ('<html><head><meta charset="utf-8"></head><body><p>名簿です</p><table border="1">'
            + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in ROWS) + "</table></body></html>")
    uu = "".join(binascii.b2a_uu(named[i:i + 45]).decode() for i in range(0, len(named), 45))
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w", format=tarfile.USTAR_FORMAT) as t:
        data = csv_bytes(ROWS)
        info = tarfile.TarInfo("名簿.csv")
        info.size, info.mtime = len(data), 1_700_000_000
        t.addfile(info, io.BytesIO(data))
    web = mhtml(html_table(ROWS)).replace(b"MIME-Version: 1.0\r\n", b"MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\n", 1)
    body = {"__substg1.0_1000001F": tsv.replace("\n", "\r\n").encode("utf-16-le")}
    files = {
        NAMED: named,
        "共有/介護予防 利用者名簿.xlsx": named,
        "DL/" + urllib.parse.quote(NAMED): named,
        "添付/=?UTF-8?B?" + base64.b64encode(NAMED.encode()).decode() + "?=": named,
        "mail/plain.eml": _mail(MIMEText(tsv, "plain", "utf-8")),
        "mail/html.eml": _mail(MIMEText(html, "html", "utf-8")),
        "mail/uu.eml": _mail(MIMEText(f"添付します。\n\nbegin 644 {NAMED}\n{uu}`\nend\n", "plain", "utf-8")),
        "mail/winmail.eml": md.with_tnef(md.tnef([("顧客名簿.xlsx", named)], body=tsv.encode("cp932"))),
        "mail/body.msg": md.msg_file(work, SUBJECT, [], bodies=body),
        "連絡先/contacts.vcf": _vcards(T.ja_people(10, seed=883)),
        "名簿/連絡網.xlsx": xlsx_bytes({"連絡網": _sideways(T.ja_people(8, seed=884))}),
        "名簿/宛名ラベル.xlsx": xlsx_bytes({"ラベル": _labels(T.ja_people(12, seed=882))}),
        "写真/IMG_0001.jpg": tar.getvalue(),
        "写真/IMG_0002.jpg": html_table(ROWS),
        "ログ/app.log": spreadsheetml({"名簿": ROWS}),
        "文書/報告書.docx": named,
        "文書/名簿.mht": web,
        "壊れ/cut.xlsx": named[: len(named) * 2 // 3],
        "壊れ/" + NAMED: named[: len(named) * 2 // 3],  # a damaged copy of the named file: counted from its rows
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)


def _text(page: Path) -> str:
    tree = lxml.html.parse(str(page)).getroot()
    for node in tree.xpath("//script|//style"):
        node.drop_tree()
    return tree.text_content()


def _section(page: Path, section_id: str) -> str:
    tree = lxml.html.parse(str(page)).getroot()
    return " ".join(n.text_content() for n in tree.xpath(f'//*[@id="{section_id}"]'))


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("qa8")
    org = work / "org"
    _organisation(org, work)
    out = work / "out"
    scan = run_leakscan("scan", str(org), "--name", NAMED, "--out", str(out))
    shutil.copy(out / "report.html", work / "report.ja.html")
    english = run_leakscan("report", str(out), "--lang", "en")
    shutil.copy(out / "report.html", work / "report.en.html")
    persons = run_leakscan("persons", str(out))
    anchor = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    # remediation: some copies deleted, a renamed copy and a disguised page moved elsewhere
    for rel in (NAMED, "mail/plain.eml", "写真/IMG_0001.jpg", "連絡先/contacts.vcf", "文書/報告書.docx"):
        (org / rel).unlink()
    (org / "移動先").mkdir()
    (org / "共有/介護予防 利用者名簿.xlsx").rename(org / "移動先/介護予防 利用者名簿.xlsx")
    (org / "文書/名簿.mht").rename(org / "ログ/名簿.mht")
    import hashlib

    digest = hashlib.sha256((out / "findings.json").read_bytes()).hexdigest()
    rescan = run_leakscan("scan", str(org), "--name", NAMED, "--out", str(work / "out2"), "--baseline", str(out),
                          "--baseline-sha256", digest)
    return {"work": work, "out": out, "scan": scan, "english": english, "persons": persons, "doc": anchor,
            "digest": digest, "rescan": rescan, "diff": json.loads((work / "out2" / "diff.json").read_text("utf-8"))}


def _hits(doc: dict) -> dict[str, dict]:
    return {f["path"].split("/org/", 1)[1]: f for f in doc["files"]}


def test_the_terminal_shows_no_traceback_no_personal_value_and_the_anchor(case: dict) -> None:
    for proc in (case["scan"], case["english"], case["persons"], case["rescan"]):
        said = proc.stdout + proc.stderr
        assert "Traceback" not in said, said
        assert SENDER not in said and SUBJECT not in said
        assert not any(p.name in said or p.address in said for p in PEOPLE)
    assert case["scan"].returncode == 1 and case["rescan"].returncode == 1  # copies found; copies remain
    assert f"--expect-sha256 {case['digest']}" in case["scan"].stdout + case["scan"].stderr
    verify = run_leakscan("verify", str(case["out"]), "--expect-sha256", case["digest"])
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_findings_validate_and_the_person_figures_add_up(case: dict) -> None:
    doc = case["doc"]
    schema = json.loads((ROOT / "scanner" / "schemas" / "findings.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(doc)
    hits = _hits(doc)
    leak = [f for f in doc["persons"]["files"] if f["role"] == "leak"]
    assert doc["summary"]["persons"]["records"] == sum(f["records"] for f in leak) == 12 * len(leak)
    assert doc["summary"]["persons"]["distinct"] == doc["summary"]["persons"]["persons"] == len(PEOPLE)
    assert "records (duplicates included): " + str(12 * len(leak)) in case["persons"].stdout + case["persons"].stderr
    # every new kind is read for its persons: bodies, uuencode, TNEF, vCard, sideways, labels, disguises, salvage
    expected = {"mail/plain.eml » (body).txt": 12, "mail/html.eml » (body).html": 12, "mail/body.msg » (body).txt": 12,
                "mail/winmail.eml » winmail.dat » (body).txt": 12, "mail/uu.eml » " + NAMED: 12,
                "mail/winmail.eml » winmail.dat » 顧客名簿.xlsx": 12, "連絡先/contacts.vcf": 10, "名簿/連絡網.xlsx": 8,
                "名簿/宛名ラベル.xlsx": 12, "写真/IMG_0001.jpg » 名簿.csv": 12, "写真/IMG_0002.jpg": 12,
                "ログ/app.log": 12, "文書/報告書.docx": 12, "文書/名簿.mht": 12, "壊れ/cut.xlsx": 12}
    assert {k: (hits[k].get("pii") or {}).get("records") for k in expected} == expected
    copies = {k for k, f in hits.items() if {"name", "name-variant"} & set(f["reasons"])}
    assert copies == {NAMED, "壊れ/" + NAMED, "共有/介護予防 利用者名簿.xlsx", "DL/" + urllib.parse.quote(NAMED), "mail/uu.eml » " + NAMED,
                      "添付/=?UTF-8?B?" + base64.b64encode(NAMED.encode()).decode() + "?="}


def test_the_diff_classifies_every_new_kind(case: dict) -> None:
    got: dict[str, set[str]] = {}
    for e in case["diff"]["entries"]:
        got.setdefault(e["class"], set()).add(e["path"].split("/org/", 1)[1])
    assert {"mail/plain.eml » (body).txt", "写真/IMG_0001.jpg » 名簿.csv", "連絡先/contacts.vcf", NAMED,
            "文書/報告書.docx"} <= got["removed"]
    assert {"mail/html.eml » (body).html", "mail/body.msg » (body).txt", "ログ/app.log", "写真/IMG_0002.jpg",
            "壊れ/cut.xlsx", "名簿/連絡網.xlsx", "名簿/宛名ラベル.xlsx"} <= got["remaining"]
    assert got["relocated"] == {"移動先/介護予防 利用者名簿.xlsx", "ログ/名簿.mht"}
    moved = next(e for e in case["diff"]["entries"] if e["path"].endswith("移動先/介護予防 利用者名簿.xlsx"))
    assert "name-variant" in moved["reasons"] and any(p.endswith("共有/介護予防 利用者名簿.xlsx") for p in moved["baseline_paths"])


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_report_masks_and_keeps_mail_headers_to_two_characters(case: dict, lang: str) -> None:
    text = _text(case["work"] / f"report.{lang}.html")
    assert SENDER not in text and "outside@example.com" not in text and SUBJECT not in text
    assert not any(p.name in text or p.address in text or p.phone in text for p in PEOPLE)
    assert "森 **" in text or "** " in text  # masked examples are shown


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_report_says_mail_bodies_and_address_books_are_read(case: dict, lang: str) -> None:
    """The scope row 'content not inspected' said e-mail bodies were not read, while they are (session 8)."""
    scope = _section(case["work"] / f"report.{lang}.html", "limits")
    read, unread = ("内容を確認したファイル", "内容を確認していないファイル") if lang == "ja" else (
        "Content inspected", "Content not inspected")
    inspected = scope.split(read)[1].split(unread)[0]
    not_inspected = scope.split(unread)[1][:200]
    assert all(w in inspected for w in ({"ja": ("本文", "vCard", "winmail.dat"),
                                           "en": ("mail bodies", "vCard", "winmail.dat")}[lang]))
    assert ("メールの本文、" if lang == "ja" else "e-mail bodies and") not in not_inspected


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_mail_body_hop_is_explained_in_words(case: dict, lang: str) -> None:
    tree = lxml.html.parse(str(case["work"] / f"report.{lang}.html")).getroot()
    row = tree.xpath('//tr[@id=$i]', i=f"file-{_hits(case['doc'])['mail/html.eml » (body).html']['id']}")[0]
    words = {"ja": "メールの本文", "en": "body of the message"}[lang]
    assert words in row.text_content()
    other = tree.xpath('//tr[@id=$i]', i=f"file-{_hits(case['doc'])['名簿/連絡網.xlsx']['id']}")[0]
    assert words not in other.text_content()


def test_no_english_sentence_is_left_in_the_japanese_report(case: dict) -> None:
    text = _text(case["work"] / "report.ja.html")
    assert "the message's sent time" not in text  # the time note of mail (appendix)
    assert "other data" not in text and "その他のデータ" not in text  # the vCard's kind has words
    assert "メール: 送信日時" in text
    assert "アドレス帳（vCard）" in text  # the body's words for the .vcf (libmagic's stay in the appendix)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_salvaged_workbook_shows_its_records_beside_the_damage(case: dict, lang: str) -> None:
    tree = lxml.html.parse(str(case["work"] / f"report.{lang}.html")).getroot()
    row = tree.xpath('//tr[@id=$i]', i=f"file-{_hits(case['doc'])['壊れ/cut.xlsx']['id']}")[0]
    cells = row.xpath("./td")
    assert {"ja": "12 件の記録", "en": "12 records"}[lang] in cells[-1].text_content()
    assert {"ja": "破損", "en": "damaged"}[lang] in cells[-1].text_content()


def test_what_lingers_in_mail_is_said_to_be_in_mail_not_in_an_archive(case: dict) -> None:
    """A remaining mail body or attachment was listed as lingering 'archive' (docs: inside a zip/7z/tar)."""
    entries = {e["path"].split("/org/", 1)[1]: e for e in case["diff"]["entries"]}
    for path in ("mail/html.eml » (body).html", "mail/uu.eml » " + NAMED, "mail/winmail.eml » winmail.dat » (body).txt"):
        assert entries[path]["lingering"] == ["mail"], path
    assert entries["写真/IMG_0001.jpg » 名簿.csv"]["lingering"] == ["archive"]
    page = _text(case["work"] / "out2" / "remediation.html")
    assert "メールの中" in page


def test_the_remediation_report_explains_a_body_hop_too(case: dict) -> None:
    tree = lxml.html.parse(str(case["work"] / "out2" / "remediation.html")).getroot()
    rows = [r for r in tree.xpath("//tr") if "(body).html" in r.text_content()]
    assert rows and all("メールの本文に貼り付けられた表" in r.text_content() for r in rows)
    others = [r for r in tree.xpath("//tr") if "連絡網.xlsx" in r.text_content()]
    assert others and not any("メールの本文" in r.text_content() for r in others)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_not_examined_list_says_what_was_salvaged(case: dict, lang: str) -> None:
    """A cut workbook is listed 'could not be examined' while 12 of its records were read and counted."""
    tree = lxml.html.parse(str(case["work"] / f"report.{lang}.html")).getroot()
    row = [r for r in tree.xpath('//table[@id="skipped-table"]//tr') if "cut.xlsx" in r.text_content()][0]
    assert {"ja": "12 件の記録を読み", "en": "12 records were read"}[lang] in row.text_content()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_mail_member_time_is_said_to_be_the_sent_time_on_its_row(case: dict, lang: str) -> None:
    """The times of a mail body or attachment are the message's sent time, said only in the appendix before."""
    tree = lxml.html.parse(str(case["work"] / f"report.{lang}.html")).getroot()
    words = {"ja": "メールの送信日時", "en": "the message's sent time"}[lang]
    hits = _hits(case["doc"])
    for path in ("mail/html.eml » (body).html", "mail/uu.eml » " + NAMED):
        times = tree.xpath('//tr[@id=$i]/td[@class="times"]', i=f"file-{hits[path]['id']}")[0]
        assert words in times.text_content(), path
    times = tree.xpath('//tr[@id=$i]/td[@class="times"]', i=f"file-{hits['名簿/連絡網.xlsx']['id']}")[0]
    assert words not in times.text_content()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_scope_names_every_kind_of_name_searched(case: dict, lang: str) -> None:
    """The scope's names row listed copy names, re-saves and lock files only, not the names that found three of
    this scan's copies (separators changed, %XX escapes, RFC 2047 words)."""
    tree = lxml.html.parse(str(case["work"] / f"report.{lang}.html")).getroot()
    note = tree.xpath('//table[@id="scope-table"]//tr[1]/following-sibling::tr[1]//div[@class="note"]')[0].text_content()
    for words in {"ja": ("区切り文字", "%E4", "=?"), "en": ("separators", "%E4", "=?")}[lang]:
        assert words in note, words


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_damaged_leaked_copy_is_said_to_be_partly_counted(case: dict, lang: str) -> None:
    """A cut copy of the named file: its salvaged rows are counted, but the persons table said 'ok' and nothing
    said the figure may lack the rows after the damage."""
    counted = next(f for f in case["doc"]["persons"]["files"] if f["path"].endswith("壊れ/" + NAMED))
    assert counted["damaged"] == "corrupt" and counted["records"] > 0
    tree = lxml.html.parse(str(case["work"] / f"report.{lang}.html")).getroot()
    words = {"ja": "読めた行", "en": "rows that could be read"}[lang]
    row = [r for r in tree.xpath('//section[@id="persons"]//tr') if ("壊れ/" + NAMED) in r.text_content()][0]
    assert words in row.text_content()
    summary = _section(case["work"] / f"report.{lang}.html", "summary")
    assert words in summary
    said = case["scan"].stdout + case["scan"].stderr
    assert "partly read" in said


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_salvaged_copy_is_not_said_to_be_unread(case: dict, lang: str) -> None:
    """'1 of them could not be read' for a cut copy whose rows were read and counted: say 'in full or in part'."""
    summary = _section(case["work"] / f"report.{lang}.html", "summary")
    assert {"ja": "全部または一部", "en": "in full or in part"}[lang] in summary
    assert "could not be read in full or in part" in case["scan"].stdout + case["scan"].stderr


def test_a_relocated_copy_names_the_baseline_path_it_left(case: dict) -> None:
    """A moved copy listed all 7 baseline paths with its content; the one no longer there (where it came from)
    was not told apart from the 6 still in place."""
    tree = lxml.html.parse(str(case["work"] / "out2" / "remediation.html")).getroot()
    row = [r for r in tree.xpath("//tr") if "移動先/介護予防 利用者名簿.xlsx" in r.text_content()][0]
    items = {li.text_content().split("/org/", 1)[1].split(" （")[0]: li.text_content() for li in row.xpath(".//li")}
    assert "もう見つからない" in items["共有/介護予防 利用者名簿.xlsx"]
    assert "もう見つからない" not in items["DL/" + urllib.parse.quote(NAMED)]
