"""Client lists that travel in mail without being a neat attachment (session 8): a spreadsheet pasted into the
body (tab or comma rows, space-aligned rows, an HTML <table>), a file uuencoded in the text, a file inside a
TNEF winmail.dat. Each is a child of its message, read by the same readers as any file; the hop of a body is
``(body).txt`` / ``(body).html`` and shows no address and no more of the subject than two characters."""

from __future__ import annotations

import base64
import binascii
import json
import unicodedata
from email import policy
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest

from scanner.codes import Status
from scanner.inspectors.mail_body import body_text, looks_tabular, uu_files
from scanner.inspectors.mail_tnef import read_tnef
from tests import mail_data as md
from tests.conftest import run_leakscan
from tests.pii_data import people, standard

SUBJECT = "顧客リストです"
SENDER = "insider.hanako@example.jp"
ROWS = 12
PEOPLE = people(ROWS, seed=181)  # Faker ja_JP, fixed seed
TABLE = standard(PEOPLE)


def _message(part: Message, subject: str = SUBJECT) -> bytes:
    part["From"] = SENDER
    part["To"] = "outside@example.com"
    part["Subject"] = Header(subject, "utf-8").encode()
    part["Date"] = "Tue, 03 Nov 2026 09:12:00 +0900"
    return part.as_bytes(policy=policy.SMTP)


def _delimited(sep: str) -> str:
    return "お世話になっております。\n名簿を貼ります。\n\n" + "\n".join(sep.join(str(c) for c in r) for r in TABLE) + "\n\n以上\n"


def _aligned() -> str:
    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "FWA" else 1 for c in s)

    cells = [[str(c) for c in r] for r in TABLE]
    widths = [max(width(row[i]) for row in cells) + 2 for i in range(len(cells[0]))]
    lines = ["".join(c + " " * (w - width(c)) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "各位\n\n" + "\n".join(lines) + "\n\n-- \n総務課\n"


def _html() -> str:
    rows = "".join("<tr>" + "".join(f'<td style="border:1px">{c}</td>' for c in r) + "</tr>" for r in TABLE)
    return f'<html><head><meta charset="utf-8"></head><body><div>名簿です</div><table border="1">{rows}</table></body></html>'


def _based(text: str, subtype: str, charset: str, raw: bytes | None = None) -> Message:
    """A text part in base64 whose bytes (``raw``) may not be in the charset its label says."""
    part = MIMENonMultipart("text", subtype, charset=charset)
    part.set_payload(base64.b64encode(raw if raw is not None else text.encode(charset)).decode("ascii"))
    part["Content-Transfer-Encoding"] = "base64"
    return part


def _rtf() -> bytes:
    """The table as Outlook's rich text keeps one pasted from Excel: \\trowd ... \\cell ... \\row, cp932 escapes."""
    def escaped(value: object) -> str:
        return "".join(f"\\'{b:02x}" for b in str(value).encode("cp932")) if not str(value).isascii() else str(value)

    rows = "".join(r"\trowd\cellx1000\cellx2000 \intbl " + "".join(escaped(c) + r"\cell " for c in r) + r"\row" + "\r\n"
                   for r in TABLE)
    return (r"{\rtf1\ansi\ansicpg932\deff0{\fonttbl{\f0\fnil\fcharset128 MS PGothic;}}\f0 " + "\r\n"
            + r"\par " + rows + "}").encode("ascii")


def _uuencoded(name: str, data: bytes) -> str:
    lines = "".join(binascii.b2a_uu(data[i:i + 45]).decode("ascii") for i in range(0, len(data), 45))
    return f"添付します。\n\nbegin 644 {name}\n{lines}`\nend\n"


def _scan(share: Path, out: Path, *args: str) -> tuple[dict, str]:
    proc = run_leakscan("scan", str(share), "--out", str(out), *args)
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads((out / "findings.json").read_text(encoding="utf-8")), proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict, str]:
    work = tmp_path_factory.mktemp("mailbody")
    share = work / "share"
    share.mkdir()
    roster = md.roster(15)
    tsv, csv = _delimited("\t"), _delimited(",")
    files = {
        "jis.eml": _message(MIMEText(tsv, "plain", "iso-2022-jp")),
        "sjis-qp.eml": _message(_qp(csv, "shift_jis")),
        "utf8-b64.eml": _message(_based(tsv, "plain", "utf-8")),
        "aligned.eml": _message(MIMEText(_aligned(), "plain", "utf-8")),
        "alternative.eml": _message(_alternative(tsv, _html())),
        "gmail.eml": _message(_based(_html(), "html", "utf-8")),
        "prose.eml": _message(MIMEText("いつもお世話になっております。\n来週の会議の件です。\n" * 20, "plain", "utf-8")),
        "wrong-label.eml": _message(_based(csv, "plain", "iso-2022-jp", raw=csv.encode("cp932"))),
        "uu.eml": _message(MIMEText(_uuencoded(md.ROSTER_NAME, roster), "plain", "utf-8")),
        "uu-cut.eml": _message(MIMEText(_uuencoded(md.ROSTER_NAME, roster)[:1500], "plain", "utf-8")),
        "yenc.eml": _message(MIMEText("=ybegin line=128 size=9 name=list.xlsx\nxxxxxxxxx\n=yend size=9\n", "plain",
                                      "utf-8")),
        "winmail.eml": md.with_tnef(md.tnef([(md.ROSTER_NAME, roster)], body=tsv.encode("cp932"))),
        "winmail-cut.eml": md.with_tnef(md.tnef([(md.ROSTER_NAME, roster)])[:3000]),
        "Inbox": md.mbox([_message(MIMEText("no table here", "plain", "utf-8")),
                          _message(MIMEText(tsv, "plain", "utf-8"))]),
    }
    cut = _message(_based(csv, "plain", "utf-8"))
    files["cut-body.eml"] = cut[: len(cut) - 200]
    body = {"__substg1.0_1000001F": tsv.replace("\n", "\r\n").encode("utf-16-le")}
    files["body.msg"] = md.msg_file(work, SUBJECT, [], bodies=body)
    files["html.msg"] = md.msg_file(work, SUBJECT, [], bodies={
        **body, "__substg1.0_10130102": _html().replace('charset="utf-8"', 'charset="shift_jis"').encode("cp932")})
    import compressed_rtf  # the writer of the test's rich-text body (the reader is what leakscan uses)

    files["rtf.msg"] = md.msg_file(work, SUBJECT, [], bodies={"__substg1.0_10090102": compressed_rtf.compress(_rtf())})
    files["rtf-bad.msg"] = md.msg_file(work, SUBJECT, [], bodies={"__substg1.0_10090102": bytes(300)})
    files["item.msg"] = md.msg_file(work, "転送", [("転送", {"subject": SUBJECT, "attachments": [], "bodies": body})])
    for name, data in files.items():
        (share / name).write_bytes(data)
    out = work / "out"
    doc, terminal = _scan(share, out, "--name", md.ROSTER_NAME)
    return share, out, doc, terminal


def _qp(text: str, charset: str) -> Message:
    part = MIMENonMultipart("text", "plain", charset=charset)
    import quopri

    part.set_payload(quopri.encodestring(text.encode("cp932")).decode("ascii"))
    part["Content-Transfer-Encoding"] = "quoted-printable"
    return part


def _alternative(plain: str, html: str) -> Message:
    outer = MIMEMultipart("alternative")
    outer.attach(MIMEText(plain, "plain", "utf-8"))
    outer.attach(MIMEText(html, "html", "utf-8"))
    return outer


def _hits(doc: dict) -> dict[str, dict]:
    return {f["path"]: f for f in doc["files"]}


def _skips(doc: dict) -> list[tuple[str, str, str]]:
    return [(s["path"], s["reason"], s["detail"]) for s in doc["skipped"]]


def test_a_table_pasted_into_a_body_is_a_person_file(scanned: tuple[Path, Path, dict, str]) -> None:
    share, _, doc, _ = scanned
    hits = _hits(doc)
    for name, child in (("jis.eml", "(body).txt"), ("sjis-qp.eml", "(body).txt"), ("utf8-b64.eml", "(body).txt"),
                        ("aligned.eml", "(body).txt"), ("gmail.eml", "(body).html"), ("body.msg", "(body).txt"),
                        ("html.msg", "(body).html"), ("rtf.msg", "(body).txt"), ("Inbox", "#2 2026-11-03T00:12Z 「顧客…」 » (body).txt")):
        hit = hits.get(f"{share}/{name} » {child}")
        assert hit is not None, (name, sorted(hits))
        assert "pii" in hit["reasons"], (name, hit["reasons"])
        assert hit["pii"]["records"] == ROWS, (name, hit["pii"]["records"])
    # plain text and HTML alternatives of one message: one table, the rows counted once
    alternative = [p for p in hits if p.startswith(f"{share}/alternative.eml")]
    assert alternative == [f"{share}/alternative.eml » (body).html"]
    assert not any(p.startswith(f"{share}/prose.eml") for p in hits)  # prose is not a table
    inner = [p for p in hits if p.startswith(f"{share}/item.msg » ")]  # an Outlook item attached to a .msg
    assert inner == [f"{share}/item.msg » message 1 2026-11-03T00:12Z 「顧客…」 » (body).txt"]


def test_the_body_hop_shows_no_address_and_two_characters_of_the_subject(
        scanned: tuple[Path, Path, dict, str]) -> None:
    share, out, doc, terminal = scanned
    hit = _hits(doc)[f"{share}/jis.eml » (body).txt"]
    assert hit["container"] == [{"kind": "archive", "name": f"{share}/jis.eml",
                                 "detail": {"format": "eml", "date": "2026-11-03T00:12:00Z", "subject": "顧客…"}}]
    personal = [SUBJECT, SENDER, "outside@example.com"] + [p.name for p in PEOPLE] + [p.address for p in PEOPLE]
    for path in out.iterdir():  # the outputs and the terminal hold no subject, address or person
        if path.is_file() and path.suffix != ".sqlite":
            text = path.read_bytes().decode("utf-8", "replace")
            assert not [v for v in personal if v in text], path.name
    assert not [v for v in personal if v in terminal]


def test_uuencoded_and_tnef_files_are_attachments(scanned: tuple[Path, Path, dict, str]) -> None:
    share, _, doc, _ = scanned
    hits = _hits(doc)
    for path in (f"{share}/uu.eml » {md.ROSTER_NAME}", f"{share}/winmail.eml » winmail.dat » {md.ROSTER_NAME}"):
        assert "name" in hits[path]["reasons"] and hits[path]["pii"]["records"] == 15, path
    body = hits[f"{share}/winmail.eml » winmail.dat » (body).txt"]  # the body inside the wrapper (cp932)
    assert body["pii"]["records"] == ROWS
    assert [h["detail"]["format"] for h in body["container"]] == ["eml", "tnef"]


def test_damaged_bodies_and_wrappers_are_listed(scanned: tuple[Path, Path, dict, str]) -> None:
    share, _, doc, _ = scanned
    skips, hits = _skips(doc), _hits(doc)

    def listed(path: str, reason: str, words: str) -> bool:
        return any(p == path and r == reason and words in d for p, r, d in skips)

    assert listed(f"{share}/wrong-label.eml » (body).txt", "corrupt", "charset label 'iso-2022-jp' does not fit")
    assert hits[f"{share}/wrong-label.eml » (body).txt"]["pii"]["records"] == ROWS  # read all the same
    assert hits[f"{share}/cut-body.eml » (body).txt"]["status"] == "corrupt"
    assert listed(f"{share}/uu-cut.eml » {md.ROSTER_NAME}", "corrupt", "no 'end' line")
    assert listed(f"{share}/yenc.eml", "unsupported", "yEnc")
    assert listed(f"{share}/winmail-cut.eml » winmail.dat", "corrupt", "TNEF")
    assert listed(f"{share}/rtf-bad.msg", "corrupt", "RTF body")


def test_the_walk_leaves_prose_alone() -> None:
    """Only a body that looks tabular is read as a table (and only such a text-only .eml costs a worker)."""
    from scanner.inspectors.mail_mime import body_may_hold_table

    assert looks_tabular(_delimited("\t"), html=False) and looks_tabular(_aligned(), html=False)
    assert looks_tabular(_html(), html=True)
    assert not looks_tabular("いつもお世話になっております。\n会議は3時、場所は会議室、です。\n" * 10, html=False)
    assert not looks_tabular("<html><body><p>no table</p></body></html>", html=True)
    english = ("Hi Stephen,\n\nSue has a problem.  Can you help us, please?  It is urgent.\nI am away, but Sue, Ralph "
               "and I will call.  Thanks.\nRegards,\nMark Simpson                  Software Engineer\n") * 3
    assert not looks_tabular(english, html=False)  # commas and two spaces after a full stop are not columns
    assert body_may_hold_table(_message(MIMEText(_delimited(","), "plain", "iso-2022-jp")), complete=True)
    assert not body_may_hold_table(_message(MIMEText("本文だけです。\n" * 30, "plain", "iso-2022-jp")), complete=True)


@pytest.mark.parametrize(("label", "raw", "problem"), [
    ("iso-2022-jp", b"\x1b$B|b66-!\x1b(B", None),  # Windows' ISO-2022-JP (CP50220): IBM/NEC extensions 髙 ①
    ("shift_jis", "髙橋①".encode("cp932"), None),  # Shift_JIS labels are read as cp932 (DOMAIN.md 5)
    ("us-ascii", "café".encode(), None),  # an ASCII label over 8-bit text: read as unlabelled
    ("utf-8", "髙橋".encode("cp932"), "does not fit"),
    ("x-unknown-9", b"abc", "is unknown"),
])
def test_body_charsets(label: str, raw: bytes, problem: str | None) -> None:
    text, found = body_text(raw, label)
    assert (found is None) if problem is None else (found is not None and problem in found[1]), (label, found)
    if problem is None:
        assert text in ("髙橋①", "café"), text


def test_uuencode_damage_is_said() -> None:
    text = _uuencoded("a.bin", bytes(range(200)))
    kept, files, problems = uu_files(text)
    assert files[0].data == bytes(range(200)) and files[0].problem is None and "begin" not in kept
    broken = text.replace("\nM", "\n\u3042", 1)  # one line no longer uuencode
    files = uu_files(broken)[1]
    assert files[0].problem is not None and "did not decode" in files[0].problem[1]
    assert uu_files("=ybegin line=128 size=3 name=x\n")[2][0][0] == Status.UNSUPPORTED


def test_cut_and_crafted_tnef_never_hang_and_are_listed() -> None:
    good = md.tnef([("a.csv", b"x" * 500), ("b.csv", b"y" * 500)])
    assert [(a.name, len(a.data or b"")) for a in read_tnef(good).attachments] == [("a.csv", 500), ("b.csv", 500)]
    assert read_tnef(good).problems == []
    for size in range(7, len(good), 37):  # cut anywhere: listed corrupt, never raised
        assert any(status == Status.CORRUPT for status, _ in read_tnef(good[:size]).problems), size
    # a properties object that claims four billion properties (tnefparse would loop over them): refused
    crafted = good + md._tnef_object(1, 0x9003, 0x0006, b"\xff\xff\xff\xff" + bytes(8))
    assert "claims more properties" in read_tnef(crafted).problems[0][1]


class _StoreItem:
    """A message as libpff gives it: the plain text in UTF-8, the HTML as stored (here cp932), no record sets."""

    def __init__(self, plain: bytes | None, html: bytes | None, rtf: bytes | None = None) -> None:
        self.plain, self.html, self.rtf = plain, html, rtf

    def get_rtf_body(self) -> bytes | None:
        return self.rtf

    def get_plain_text_body(self) -> bytes | None:
        return self.plain

    def get_html_body(self) -> bytes | None:
        return self.html

    def get_number_of_record_sets(self) -> int:
        return 0


def test_store_message_bodies() -> None:
    """A .pst/.ost message's body (libpff's plain text and HTML) is read by the same rule as a saved message's."""
    from scanner.inspectors.mail_outlook import _pst_body
    from scanner.inspectors.mail_parts import Mail

    tsv = _delimited("\t")
    html = _html().replace('charset="utf-8"', 'charset="shift_jis"').encode("cp932")
    for item, name in ((_StoreItem(tsv.encode(), html), "(body).html"), (_StoreItem(tsv.encode(), None), "(body).txt"),
                       (_StoreItem(_uuencoded("a.csv", b"x,y\n").encode(), None), "a.csv"),
                       (_StoreItem(None, None, _rtf()), "(body).txt")):  # libpff gives RTF decompressed
        mail = Mail()
        _pst_body(item, mail)
        assert [a.name for a in mail.attachments] == [name], [a.name for a in mail.attachments]
    mail = Mail()
    _pst_body(_StoreItem("本日の会議は中止です。".encode(), None), mail)
    assert mail.attachments == [] and mail.problems == []
