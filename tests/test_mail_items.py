"""Where a copy of a client list hides in mail beyond a plain attachment or body (session 9): an Outlook store's
Contacts folder (an address book is a person table), an Outlook item forwarded inside a TNEF winmail.dat, an
HTML table kept only as RTF (``\\fromhtml1``), a file sent as Content-Transfer-Encoding x-uuencode, a text and
an HTML body side by side in multipart/mixed (read once), a .msg saved under another name whose only
personal data is its body, and the mail stores a care office PC holds (Thunderbird's extensionless Inbox and
Sent, Apple Mail .emlx, Gmail Takeout .mbox, Becky! .bmf, Windows Live Mail .eml), all through the CLI."""

from __future__ import annotations

import binascii
import gzip
import io
import json
import random
import struct
from email import policy
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest

from scanner.inspectors.mail_body import fromhtml
from tests import mail_data as md
from tests.conftest import run_leakscan
from tests.pii_data import people, standard

ROWS = 12
PEOPLE = people(ROWS, seed=909)  # Faker ja_JP, fixed seed
TABLE = standard(PEOPLE)
SHIPPED = Path(__file__).parent / "data" / "mail"
IMESSAGE = bytes.fromhex("0703020000000000c000000000000046")  # [MS-OXTNEF]: an attached message's TNEF stream


def _message(part: Message, subject: str = "顧客リストです") -> bytes:
    part["From"] = "insider.hanako@example.jp"
    part["To"] = "outside@example.com"
    part["Subject"] = Header(subject, "utf-8").encode()
    part["Date"] = "Tue, 03 Nov 2026 09:12:00 +0900"
    return part.as_bytes(policy=policy.SMTP)


def _tsv() -> str:
    return "名簿です。\n\n" + "\n".join("\t".join(str(c) for c in r) for r in TABLE) + "\n"


def _html() -> str:
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in TABLE)
    return f"<html><body><p>名簿です</p><table border=1>{rows}</table></body></html>"


def _one_cell_a_line() -> str:
    """The plain text Outlook keeps beside an HTML table: a cell a line (no delimiter: not tabular)."""
    return "名簿です\r\n\r\n" + "\r\n".join(str(c) for r in TABLE for c in r) + "\r\n"


def _rtf_fromhtml(html_rows: list[list[object]]) -> bytes:
    """An HTML table encapsulated in RTF as [MS-OXRTFEX] lays it out (what Outlook keeps for an HTML message):
    tags in {\\*\\htmltagN ...} groups, cell text outside \\htmlrtf runs (cp932 escapes and \\uN), RTF-only
    markup between \\htmlrtf and \\htmlrtf0."""
    def text(value: object, wide: bool) -> str:
        s = str(value)
        if s.isascii():
            return s
        if wide:
            return "".join(f"\\u{ord(ch) if ord(ch) < 32768 else ord(ch) - 65536}?" for ch in s)
        return "".join(f"\\'{b:02x}" for b in s.encode("cp932"))

    out = [r"{\rtf1\ansi\ansicpg932\fromhtml1 \deff0{\fonttbl{\f0\fswiss\fcharset128 MS PGothic;}}",
           r"{\colortbl\red0\green0\blue0;}\uc1\pard\plain\f0\fs24",
           r"{\*\htmltag19 <html>}{\*\htmltag50 <body>}{\*\htmltag64 <p>}\htmlrtf {\htmlrtf0 " + text("名簿です", False)
           + r"\htmlrtf }\htmlrtf0 {\*\htmltag72 </p>}", r"{\*\htmltag96 <table border=1>}\htmlrtf {\trowd\htmlrtf0 "]
    for n, row in enumerate(html_rows):
        cells = "".join(r"{\*\htmltag84 <td>}\htmlrtf {\htmlrtf0 " + text(c, n % 2 == 1) + r"\htmlrtf }\htmlrtf0 "
                        r"{\*\htmltag92 </td>}" for c in row)
        out.append(r"{\*\htmltag80 <tr>}" + cells + r"\htmlrtf\row\htmlrtf0 {\*\htmltag88 </tr>}")
    out.append(r"{\*\htmltag104 </table>}\htmlrtf }\htmlrtf0 {\*\htmltag58 </body>}{\*\htmltag27 </html>}}")
    return "\r\n".join(out).encode("ascii")


def _compressed(rtf: bytes) -> bytes:
    import compressed_rtf

    return bytes(compressed_rtf.compress(rtf, compressed=True))


def _tnef_forwarding(inner: bytes) -> bytes:
    """A winmail.dat whose only attachment is an Outlook item (attach method 5): attAttachment holds
    PR_ATTACH_METHOD and PR_ATTACH_DATA_OBJ (an object: the IMessage GUID, then the item's own TNEF stream)."""
    value = IMESSAGE + inner
    props = (struct.pack("<I", 2) + struct.pack("<HHI", 0x0003, 0x3705, 5)
             + struct.pack("<HHII", 0x000D, 0x3701, 1, len(value)) + value + bytes(-len(value) % 4))
    out = struct.pack("<IH", 0x223E9F78, 0x0102)
    out += md._tnef_object(1, 0x9006, 0x0008, struct.pack("<I", 0x10000))
    out += md._tnef_object(1, 0x9007, 0x0006, struct.pack("<II", 932, 0))
    out += md._tnef_object(2, 0x9002, 0x0006, struct.pack("<HIIHHH", 1, 0xFFFFFFFF, 0, 0, 0, 0)[:14])
    out += md._tnef_object(2, 0x9005, 0x0006, props)
    return out


def _uuencoded(data: bytes, name: str) -> str:
    lines = "".join(binascii.b2a_uu(data[i:i + 45]).decode("ascii") for i in range(0, len(data), 45))
    return f"begin 644 {name}\n{lines}`\nend\n"


def _uu_part(data: bytes, name: str | None, kind: tuple[str, str], encoding: str, begin: str = "file.bin") -> Message:
    part = MIMENonMultipart(*kind, **({"name": name} if name else {}))
    part.set_payload(_uuencoded(data, begin))
    part["Content-Transfer-Encoding"] = encoding
    if name:
        part.add_header("Content-Disposition", "attachment", filename=name)
    return part


def _mixed(*parts: Message) -> Message:
    outer = MIMEMultipart("mixed")
    for p in parts:
        outer.attach(p)
    return outer


def _with_attachment(name: str, data: bytes) -> Message:
    att = MIMEApplication(data, "octet-stream")
    att.add_header("Content-Disposition", "attachment", filename=name)
    return _mixed(MIMEText("添付します。", "plain", "utf-8"), att)


def _scan(share: Path, out: Path, *args: str) -> tuple[dict, str]:
    proc = run_leakscan("scan", str(share), "--out", str(out), *args)
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads((out / "findings.json").read_text(encoding="utf-8")), proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, str, bytes]:
    work = tmp_path_factory.mktemp("mailitems")
    share = work / "share"
    roster = md.roster(15)
    tsv_cp932 = _tsv().replace("\n", "\r\n").encode("cp932")
    item = md.tnef([(md.ROSTER_NAME, roster)], body=tsv_cp932)
    plain_beside_html = {"__substg1.0_1000001F": _one_cell_a_line().encode("utf-16-le"),
                         "__substg1.0_10090102": _compressed(_rtf_fromhtml(TABLE))}
    body_only = {"__substg1.0_1000001F": _tsv().replace("\n", "\r\n").encode("utf-16-le")}
    profile = share / "AppData" / "Roaming" / "Thunderbird" / "Profiles" / "k3x.default" / "Mail" / "Local Folders"
    files: dict[str, bytes] = {
        "Outlook.pst": gzip.decompress((SHIPPED / "aspose-email__Outlook.pst.gz").read_bytes()),
        "forwarded-item.eml": md.with_tnef(_tnef_forwarding(item)),
        "uu-attachment.eml": _message(_mixed(MIMEText("添付します。", "plain", "utf-8"),
                                             _uu_part(roster, md.ROSTER_NAME, ("application", "octet-stream"),
                                                      "x-uuencode"))),
        "uu-text.eml": _message(_uu_part(md.roster_csv(), None, ("text", "plain"), "x-uue", "riyosha.csv")),
        "mixed-pair.eml": _message(_mixed(MIMEText(_tsv(), "plain", "utf-8"), MIMEText(_html(), "html", "utf-8"))),
        "Windows Live Mail/Inbox/顧客.eml": _message(_with_attachment(md.ROSTER_NAME, roster)),
        "Windows Live Mail/Inbox/body.eml": _message(MIMEText(_tsv(), "plain", "iso-2022-jp")),
        "Mail/V10/INBOX.mbox/Messages/101.emlx": md.emlx(_message(_with_attachment(md.ROSTER_NAME, roster))),
        "Mail/V10/INBOX.mbox/Messages/102.emlx": md.emlx(_message(MIMEText(_html(), "html", "utf-8"))),
        "Mail/V10/INBOX.mbox/Messages/103.emlx": md.emlx(_message(MIMEText(_tsv(), "plain", "utf-8")))[:150],
        "Takeout/メール/すべてのメール（迷惑メール、ゴミ箱のメールを含む）.mbox": _takeout([
            _message(_with_attachment(md.ROSTER_NAME, roster)), _message(MIMEText(_html(), "html", "utf-8"))]),
        "Becky!/1a2b3c4d.mb/!!!!Inbox/0001.bmf": _becky([
            _message(_with_attachment(md.ROSTER_NAME, roster)), _message(MIMEText(_tsv(), "plain", "iso-2022-jp"))]),
    }
    for rel, data in files.items():
        (share / rel).parent.mkdir(parents=True, exist_ok=True)
        (share / rel).write_bytes(data)
    cut_store = _becky([_message(_with_attachment(md.ROSTER_NAME, roster)), _message(_with_attachment("b.xlsx", roster))])
    (share / "Becky!" / "1a2b3c4d.mb" / "!!!!Inbox" / "0002.bmf").write_bytes(cut_store[: len(cut_store) - 700])
    cut_takeout = _takeout([_message(MIMEText(_html(), "html", "utf-8")), _message(_with_attachment("c.xlsx", roster))])
    (share / "Takeout" / "メール" / "受信トレイ.mbox").write_bytes(cut_takeout[: len(cut_takeout) - 900])
    profile.mkdir(parents=True)
    (profile / "Inbox").write_bytes(md.mbox([_message(_with_attachment(md.ROSTER_NAME, roster))]))
    (profile / "Sent").write_bytes(md.mbox([_message(MIMEText("会議の件です。", "plain", "utf-8")),
                                            _message(MIMEText(_tsv(), "plain", "utf-8"))]))
    (profile / "Inbox.msf").write_bytes(b"// <!-- <mdb:mork:z v=\"1.4\"/> -->\n")
    msgs = work / "msg"
    msgs.mkdir()
    (share / "rtf-only-html.msg").write_bytes(md.msg_file(msgs, "名簿", [], bodies=plain_beside_html))
    (share / "保存メール.dat").write_bytes(md.msg_file(msgs, "名簿", [], bodies=body_only))
    (share / "名簿メール").write_bytes(md.msg_file(msgs, "名簿", [], bodies=body_only))
    for ext in RENAMED:
        (share / f"保存{ext}").write_bytes(md.msg_file(msgs, "名簿", [], bodies=body_only))
    for n, p in enumerate(PEOPLE[:3]):  # contacts dragged out of Outlook: a .msg each (IPM.Contact)
        (share / "連絡先" / f"{n}.msg").parent.mkdir(exist_ok=True)
        (share / "連絡先" / f"{n}.msg").write_bytes(md.msg_file(msgs, p.name, [], "IPM.Contact", _contact_streams(p)))
    doc, out = _scan(share, work / "out")
    return share, doc, out, roster


RENAMED = (".doc", ".xls", ".txt", ".jpg")  # a .msg hidden under an Office, text or picture name


def _contact_streams(p: object) -> dict[str, bytes]:
    family, given = p.name.split(" ", 1)  # type: ignore[attr-defined]
    fields = {0x3001: p.name, 0x3A11: family, 0x3A06: given, 0x3A5B: p.postcode,  # type: ignore[attr-defined]
              0x3A5C: p.address[:3], 0x3A5D: p.address[3:], 0x3A09: p.phone}  # type: ignore[attr-defined]
    return {f"__substg1.0_{tag:04X}001F": text.encode("utf-16-le") for tag, text in fields.items()}


def _takeout(messages: list[bytes]) -> bytes:
    """Gmail Takeout's mbox: ``From <thread id>@xxx <date>`` separators, X-GM-THRID / X-Gmail-Labels first, CRLF."""
    out = b""
    for i, m in enumerate(messages):
        out += (f"From 17{i:017d}@xxx Tue Nov 03 00:12:00 +0000 2026\r\nX-GM-THRID: 17{i:017d}\r\n"
                "X-Gmail-Labels: =?UTF-8?B?5Y+X5L+h44OI44Os44Kk?=\r\n").encode("ascii") + m + b"\r\n"
    return out


def _becky(messages: list[bytes]) -> bytes:
    """Becky! Internet Mail's folder file (.bmf): messages one after another, each after a ``From ???@???``
    separator line, CRLF lines (what converters to mbox rely on)."""
    return b"".join(b"From ???@??? Tue Nov 03 09:12:00 2026\r\n" + m.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
                    + b"\r\n" for m in messages)


def _hits(doc: dict) -> dict[str, dict]:
    return {f["path"]: f for f in doc["files"]}


def _skips(doc: dict) -> list[tuple[str, str, str]]:
    return [(s["path"], s["reason"], s["detail"]) for s in doc["skipped"]]


def _records(hit: dict) -> int:
    pii = hit.get("pii") or {}
    return int(pii.get("records") or 0)


def test_a_contacts_folder_is_a_person_table(scanned: tuple[Path, dict, str, bytes]) -> None:
    """Aspose's Outlook.pst (MIT, written by Outlook) holds one IPM.Contact: its name and phones are a person
    row of the folder's address book, read as a table; before session 9 the store gave no such child."""
    share, doc, _, _ = scanned
    hits = _hits(doc)
    table = hits.get(f"{share}/Outlook.pst » Top of Personal Folders/Contacts/(contacts).csv")
    assert table is not None, sorted(hits)
    assert table["pii"]["lead_records"] == 1 and {"name", "phone"} <= set(table["pii"]["lead_fields"]), table["pii"]


def test_contact_rows_hold_the_person(tmp_path: Path) -> None:
    """Each contact item of a folder (libpff-shaped items, 12 Faker ja_JP people) is one row: surname and given
    name, postal code, prefecture + city + street, phones; a folder without contacts gives no table."""
    from scanner.inspectors.mail_outlook import Store
    from scanner.inspectors.mail_parts import contacts_table

    Contact = md.PffContact

    def contact(p: object) -> Contact:
        family, given = p.name.split(" ", 1)  # type: ignore[attr-defined]
        pref = p.address[:3]  # type: ignore[attr-defined]
        return Contact({0x001A: "IPM.Contact", 0x3A11: family, 0x3A06: given, 0x3A5B: p.postcode,  # type: ignore[attr-defined]
                        0x3A5C: pref, 0x3A59: "", 0x3A5D: p.address[3:], 0x3A09: p.phone})  # type: ignore[attr-defined]

    class Folder:
        def __init__(self, items: list[Contact], subs: list[Folder], name: str) -> None:
            self.items, self.subs, self.name = items, subs, name

        def get_number_of_sub_messages(self) -> int:
            return len(self.items)

        def get_sub_message(self, i: int) -> Contact:
            return self.items[i]

        def get_number_of_sub_folders(self) -> int:
            return len(self.subs)

        def get_sub_folder(self, i: int) -> Folder:
            return self.subs[i]

        def get_name(self) -> str:
            return self.name

    class File:
        def get_number_of_orphan_items(self) -> int:
            return 0

    store = object.__new__(Store)
    store._pff = type("pff", (), {"message": Contact})
    store.root = Folder([], [Folder([contact(p) for p in PEOPLE], [], "連絡先"), Folder([], [], "受信トレイ")], "")
    store._file, store.problems, store.messages_read, store.contacts, store.most = File(), [], 0, {}, 1 << 30
    store._named = {}  # no named address properties (set by Store.__init__ from the name-to-id map)
    assert len(list(store.messages(60.0))) == ROWS
    assert list(store.contacts) == ["連絡先"]
    text = contacts_table(store.contacts["連絡先"]).data.decode("utf-8-sig")  # type: ignore[union-attr]
    lines = text.splitlines()
    assert lines[0].startswith("氏名,郵便番号,住所,電話番号") and len(lines) == ROWS + 1
    for p, line in zip(PEOPLE, lines[1:], strict=True):
        assert line.split(",")[:4] == [p.name, p.postcode, p.address, p.phone], line


def test_an_outlook_item_forwarded_inside_tnef_is_read(scanned: tuple[Path, dict, str, bytes]) -> None:
    """A winmail.dat whose attachment is an Outlook item: the item's own file and pasted table are found (they
    were `unsupported`, examined as a file only)."""
    share, doc, _, roster = scanned
    hits = _hits(doc)
    inner = [p for p in hits if p.startswith(f"{share}/forwarded-item.eml » winmail.dat » message 1")]
    assert any(p.endswith(f" » {md.ROSTER_NAME}") for p in inner), sorted(hits)
    body = [hits[p] for p in inner if p.endswith(" » (body).txt")]
    assert body and _records(body[0]) == ROWS, inner
    formats = [h["detail"]["format"] for h in hits[next(p for p in inner if p.endswith(md.ROSTER_NAME))]["container"]]
    assert formats == ["eml", "tnef", "attached-message"], formats
    assert not [s for s in _skips(doc) if s[0].startswith(f"{share}/forwarded-item.eml")], _skips(doc)


def test_an_html_table_kept_only_as_rtf_is_read_as_html(scanned: tuple[Path, dict, str, bytes]) -> None:
    """A .msg with a plain text (a cell a line) and the HTML encapsulated in compressed RTF (\\fromhtml1), no
    PR_HTML: the table is read from the RTF's HTML, once."""
    share, doc, _, _ = scanned
    hits = _hits(doc)
    children = [p for p in hits if p.startswith(f"{share}/rtf-only-html.msg » ")]
    assert children == [f"{share}/rtf-only-html.msg » (body).html"], sorted(hits)
    assert _records(hits[children[0]]) == ROWS


def test_fromhtml_follows_the_encapsulation_rules() -> None:
    """Tags come from htmltag groups, text outside \\htmlrtf runs in the RTF code page or \\uN (its fallback
    dropped), escaped braces kept; RTF that encapsulates nothing is not HTML; crafted nesting is bounded."""
    html = fromhtml(_rtf_fromhtml([["山田 太郎", "東京都"], ["髙橋 ①", "x"]]).decode("ascii"))
    assert html is not None and "<td>山田 太郎</td><td>東京都</td>" in html and "<td>髙橋 ①</td>" in html, html
    assert "\\" not in html and "trowd" not in html
    assert fromhtml(r"{\rtf1\ansi{\fonttbl{\f0 A;}}\trowd a\cell b\cell\row}") is None
    assert fromhtml(r"{\rtf1\fromhtml1 {\*\htmltag4 \{x\}}\htmlrtf hidden\htmlrtf0 shown}") == "{x}shown"
    deep = "{\\rtf1\\fromhtml1 " + "{" * 50_000 + "<td>" + "}" * 50_000 + "}"
    assert fromhtml(deep) == "<td>"


def test_x_uuencode_parts_are_files(scanned: tuple[Path, dict, str, bytes]) -> None:
    """Content-Transfer-Encoding x-uuencode / x-uue: the file is decoded and examined by its name (the part's,
    else the begin line's), with the bytes sent; a text part sent so is no body."""
    share, doc, _, roster = scanned
    hits = _hits(doc)
    import hashlib

    hit = hits.get(f"{share}/uu-attachment.eml » {md.ROSTER_NAME}")
    assert hit is not None and hit["sha256"] == hashlib.sha256(roster).hexdigest(), sorted(hits)
    text = [p for p in hits if p.startswith(f"{share}/uu-text.eml » ")]
    assert text == [f"{share}/uu-text.eml » riyosha.csv"] and _records(hits[text[0]]) > 0, text


def test_plain_and_html_side_by_side_in_mixed_are_read_once(scanned: tuple[Path, dict, str, bytes]) -> None:
    share, doc, _, _ = scanned
    children = [p for p in _hits(doc) if p.startswith(f"{share}/mixed-pair.eml » ")]
    assert children == [f"{share}/mixed-pair.eml » (body).html"], children


def test_a_msg_under_another_name_with_a_body_table(scanned: tuple[Path, dict, str, bytes]) -> None:
    """A .msg whose only personal data is a pasted table, saved without extension, as .dat, or under an Office,
    text or picture name: its body is read (as .doc it was a silent clean; as .xls/.txt 'unsupported, OLE2
    file without a workbook stream'), and no other inspector lists it."""
    share, doc, _, _ = scanned
    hits = _hits(doc)
    assert not [s for s in _skips(doc) if "/保存" in s[0] or "名簿メール" in s[0]], _skips(doc)
    for name in ("保存メール.dat", "名簿メール", *(f"保存{ext}" for ext in RENAMED)):
        hit = hits.get(f"{share}/{name} » (body).txt")
        assert hit is not None and _records(hit) == ROWS, (name, sorted(hits))


def test_contacts_saved_as_msg_are_persons(scanned: tuple[Path, dict, str, bytes]) -> None:
    """Contacts dragged out of Outlook (a .msg each, IPM.Contact, no attachment or body): each is a one-person
    table with the name, address and phone (the walk sent no such .msg to a worker before)."""
    share, doc, _, _ = scanned
    hits = _hits(doc)
    for n in range(3):
        hit = hits.get(f"{share}/連絡先/{n}.msg » (contact).csv")
        assert hit is not None, sorted(hits)
        pii = hit["pii"]
        assert _records(hit) + int(pii.get("lead_records") or 0) == 1, pii


@pytest.mark.parametrize(("store", "attachment", "body"), [
    ("AppData/Roaming/Thunderbird/Profiles/k3x.default/Mail/Local Folders/Inbox", "#1", None),
    ("AppData/Roaming/Thunderbird/Profiles/k3x.default/Mail/Local Folders/Sent", None, "#2"),
    ("Mail/V10/INBOX.mbox/Messages/101.emlx", "", None),
    ("Mail/V10/INBOX.mbox/Messages/102.emlx", None, ""),
    ("Takeout/メール/すべてのメール（迷惑メール、ゴミ箱のメールを含む）.mbox", "#1", "#2"),
    ("Becky!/1a2b3c4d.mb/!!!!Inbox/0001.bmf", "#1", "#2"),
    ("Windows Live Mail/Inbox/顧客.eml", "", None),
    ("Windows Live Mail/Inbox/body.eml", None, ""),
])
def test_the_mail_stores_of_an_office_pc(scanned: tuple[Path, dict, str, bytes], store: str, attachment: str | None,
                                         body: str | None) -> None:
    """Each store finds the attachment copy (same bytes as the roster) and the pasted table (12 records) of the
    message it was put in (``#n``: the message's number in an mbox-like store; "": a one-message file)."""
    share, doc, _, roster = scanned
    import hashlib

    hits = _hits(doc)
    mine = {p: h for p, h in hits.items() if p.startswith(f"{share}/{store} » ")}
    if attachment is not None:
        copies = [h for p, h in mine.items() if p.endswith(f" » {md.ROSTER_NAME}") and f" » {attachment}" in
                  f" » {p[len(str(share)) + len(store) + 4:]}"]
        assert copies and copies[0]["sha256"] == hashlib.sha256(roster).hexdigest(), sorted(mine)
    if body is not None:
        tables = [h for p, h in mine.items() if p.endswith((" » (body).txt", " » (body).html"))
                  and (not body or f" » {body} " in p)]
        assert tables and _records(tables[0]) == ROWS, sorted(mine)


def test_unreadable_mail_is_listed_and_nothing_leaks(scanned: tuple[Path, dict, str, bytes]) -> None:
    """A cut .emlx, a Becky! folder file and a Takeout mbox cut inside their last message's attachment are listed
    corrupt with their reason (what came before them still read); no address, name or more than two characters of
    a subject is on the terminal or in findings.json."""
    share, doc, out, _ = scanned
    skips = _skips(doc)
    assert (f"{share}/Mail/V10/INBOX.mbox/Messages/103.emlx", "corrupt") in [(p, r) for p, r, _ in skips]
    for store in ("Becky!/1a2b3c4d.mb/!!!!Inbox/0002.bmf", "Takeout/メール/受信トレイ.mbox"):
        said = [(p, r, d) for p, r, d in skips if p.startswith(f"{share}/{store} » #2 ")]
        assert said and all(r == "corrupt" for _, r, _ in said), (store, skips)
    hits = _hits(doc)
    assert any(p.startswith(f"{share}/Becky!/1a2b3c4d.mb/!!!!Inbox/0002.bmf » #1 ") for p in hits), sorted(hits)
    assert any(p.startswith(f"{share}/Takeout/メール/受信トレイ.mbox » #1 ") for p in hits), sorted(hits)
    text = json.dumps(doc, ensure_ascii=False) + out
    for secret in ("insider.hanako@example.jp", "顧客リストです", PEOPLE[0].name, PEOPLE[0].phone):
        assert secret not in text, secret


def test_damaged_forwarded_items_rtf_and_uuencode_parts_are_listed() -> None:
    """Cut or flipped copies of what session 9 reads never raise and never pass unsaid: a forwarded item's TNEF
    cut at every 97th byte, compressed RTF cut or flipped, an x-uuencode part without a begin line."""
    from scanner.inspectors.mail_body import rtf_table
    from scanner.inspectors.mail_mime import read_message
    from scanner.inspectors.mail_tnef import read_tnef

    winmail = _tnef_forwarding(md.tnef([(md.ROSTER_NAME, md.roster(5))], body=_tsv().encode("cp932")))
    for cut in range(60, len(winmail) - 1, 97):
        mail = read_tnef(winmail[:cut])
        said = mail.problems + [p for m in mail.attached for p in m.problems]
        assert said and all(s == "corrupt" for s, _ in said), (cut, said)
    rtf = _compressed(_rtf_fromhtml(TABLE))
    found, problem = rtf_table(rtf[: len(rtf) // 2])
    assert found is None and problem is not None and problem[0] == "corrupt", problem
    rng = random.Random(9)
    for _ in range(30):
        flipped = bytearray(rtf)
        for _ in range(5):
            flipped[rng.randrange(16, len(flipped))] ^= 0xFF
        rtf_table(bytes(flipped))  # garbage in: a table, nothing or a problem out, never an exception
    noise = "".join(rng.choice("{}\\'abc 0123\\u-htmltag*") for _ in range(50_000))
    assert fromhtml("{\\rtf1\\fromhtml1 " + noise) is not None  # linear in hostile tokens
    raw = _message(_mixed(MIMEText("本文", "plain", "utf-8"), _uu_part(b"", md.ROSTER_NAME,
                                                                         ("application", "octet-stream"), "x-uuencode")))
    broken = raw.replace(b"begin 644 file.bin", b"bigin 644 file.bin")
    mail = read_message(broken)
    assert [(a.name, a.problem and a.problem[0]) for a in mail.attachments] == [(md.ROSTER_NAME, "corrupt")]


def _property_context(props: list[tuple[int, int, bytes]]) -> bytes:
    """A property context as [MS-PST] 2.3.3 lays one out in a single block: heap header, the BTH header, its
    records (property id, type, value or HID), the values, then the page map of the allocations."""
    values, heap = [], 3  # allocations 1 and 2: the BTH header and its records
    for pid, ptype, v in props:
        values.append(struct.pack("<HHI", pid, ptype, int.from_bytes(v, "little") if ptype == 0x0003 else heap << 5))
        heap += ptype != 0x0003
    allocations = [struct.pack("<BBBBI", 0xB5, 2, 6, 0, 2 << 5), b"".join(values),
                   *(v for _, ptype, v in props if ptype != 0x0003)]
    body, offsets = b"", [12]
    for a in allocations:
        body += a
        offsets.append(12 + len(body))
    page_map = struct.pack("<HH", len(allocations), 0) + struct.pack(f"<{len(offsets)}H", *offsets)
    return struct.pack("<HBBII", 12 + len(body), 0xEC, 0xBC, 1 << 5, 0) + body + page_map


class _Attachment:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def get_size(self) -> int:
        return len(self.data)

    def read_buffer(self, size: int) -> bytes:
        return self.data[:size]


def test_an_outlook_item_attached_inside_a_store_is_read_from_its_own_block() -> None:
    """pypff gives no message for an item attached inside a .pst/.ost, only its node's bytes: its subject, time
    and a body table are read from them (12 records' rows); its own attachments and a body kept in a sub-node
    are said unsupported; the Aspose store's real attached items and damaged copies of them never raise."""
    import pypff

    from scanner.inspectors.mail_outlook import _pst_item

    tsv = _tsv().replace("\n", "\r\n")
    pc = _property_context([(0x0037, 0x001F, "\x01\x01名簿の転送".encode("utf-16-le")), (0x0E07, 0x0003, b"\x11\0\0\0"),
                            (0x1000, 0x001F, tsv.encode("utf-16-le"))])
    mail = _pst_item(_Attachment(pc), 1 << 30)
    assert mail.subject == "名簿の転送" and [a.name for a in mail.attachments] == ["(body).txt"], mail
    assert mail.attachments[0].data is not None and PEOPLE[0].name in mail.attachments[0].data.decode("utf-8-sig")
    assert [s for s, _ in mail.problems] == ["unsupported"] and "own attachments" in mail.problems[0][1]
    real = []
    store = pypff.file()
    store.open_file_object(io.BytesIO(gzip.decompress((SHIPPED / "aspose-email__Outlook.pst.gz").read_bytes())))
    stack = [store.get_root_folder()]
    while stack:
        folder = stack.pop()
        stack += [folder.get_sub_folder(i) for i in range(folder.get_number_of_sub_folders())]
        for i in range(folder.get_number_of_sub_messages()):
            message = folder.get_sub_message(i)
            if not isinstance(message, pypff.message):
                continue  # free/busy data
            for k in range(message.get_number_of_attachments()):
                attachment = message.get_attachment(k)
                real.append(attachment.read_buffer(attachment.get_size()) if attachment.get_size() < 4096 else b"")
    items = [data for data in real if data[2:4] == b"\xec\xbc"]  # the heap signature: an attached item's block
    assert len(items) == 4, len(items)
    rng = random.Random(5)
    for data in items:
        assert _pst_item(_Attachment(data), 1 << 30).subject.startswith("message ")
        for cut in range(0, len(data), 61):
            _pst_item(_Attachment(data[:cut]), 1 << 30)  # a cut block: said (unsupported/corrupt), never raised
        for _ in range(20):
            flipped = bytearray(data)
            for _ in range(4):
                flipped[rng.randrange(len(flipped))] ^= 0xFF
            _pst_item(_Attachment(bytes(flipped)), 1 << 30)
    store.close()


def test_a_store_rtf_body_libpff_cannot_give_is_damage_only_when_alone() -> None:
    """Aspose's passwordprotectedPST.pst: libpff fails on every message's RTF (``unable to retrieve RTF``); beside a
    plain text (read, the same text) that is no damage and the plain table is still read; alone it is said."""
    from scanner.inspectors.mail_outlook import _pst_body
    from scanner.inspectors.mail_parts import Mail

    class Item:
        def __init__(self, plain: bytes | None) -> None:
            self.plain = plain

        def get_html_body(self) -> None:
            return None

        def get_plain_text_body(self) -> bytes | None:
            return self.plain

        def get_rtf_body(self) -> bytes:
            raise OSError("pypff_message_get_rtf_body: unable to retrieve RTF body size.")

        def get_number_of_record_sets(self) -> int:
            return 0

    mail = Mail()
    _pst_body(Item(_tsv().encode()), mail)
    assert [a.name for a in mail.attachments] == ["(body).txt"] and mail.problems == []
    with pytest.raises(OSError):  # the caller lists it: "message body unreadable (OSError: ...)"
        _pst_body(Item(None), Mail())


def test_outlook_written_rtf_encapsulating_html_is_de_encapsulated() -> None:
    """Aspose's message3.msg (MIT, written by Outlook 2013): no PR_HTML, the HTML only inside compressed RTF. It
    comes out as Outlook's HTML document (Word's html with VML namespaces, through </html>), no RTF left in it."""
    import olefile

    from scanner.inspectors.mail_body import rtf_source

    data = gzip.decompress((SHIPPED / "aspose-email__message3.msg.gz").read_bytes())
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        assert not ole.exists("__substg1.0_10130102")
        source, problem = rtf_source(ole.openstream("__substg1.0_10090102").read())
    assert source is not None and problem is None
    html = fromhtml(source)
    assert html is not None and html.startswith('<html xmlns:v="urn:schemas-microsoft-com:vml"'), html[:80]
    assert html.rstrip().endswith("</body></html>") and "\\htmlrtf" not in html and "\\par" not in html
    assert html.count("<p class=MsoNormal>") >= 1 and html.count("<") == html.count(">")
