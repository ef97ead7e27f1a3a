"""Mail opened like archives (session 7): an insider e-mails the client list to himself, and the copy sits as an
attachment in a saved message (.eml, .msg, .emlx), a Thunderbird mbox (``Inbox``, no extension) or an Outlook
store (.pst/.ost). Each attachment is a child one container hop deeper, examined by the same rules (name,
content, hashes); the hop shows no address and only the start of the subject. Damaged mail is listed."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from pathlib import Path

import pytest

from scanner.inspectors.mail import detect
from scanner.inspectors.mail_mime import looks_like_headers, read_message
from scanner.inspectors.mail_parts import shown_subject
from tests import mail_data as md
from tests.conftest import run_leakscan

SUBJECT = "顧客リスト送付"  # shown as 顧客… only
SENDER = "insider.taro@example.jp"
ROSTER_ROWS, CSV_ROWS = 30, 20


def _scan(share: Path, out: Path, *args: str) -> dict:
    proc = run_leakscan("scan", str(share), "--out", str(out), "--quiet", *args)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert (out / "findings.json").exists(), proc.stderr
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _hits(doc: dict) -> dict[str, dict]:
    return {f["path"]: f for f in doc["files"]}


def _skips(doc: dict) -> list[tuple[str, str, str]]:
    return [(s["path"], s["reason"], s["detail"]) for s in doc["skipped"]]


@pytest.fixture(scope="module")
def mailbox(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    """One share of mail, scanned once; the attachments sent are kept beside it (``sent/``) to compare hashes."""
    work = tmp_path_factory.mktemp("mail")
    share = work / "share"
    (share / "Thunderbird" / "Mail" / "Local Folders").mkdir(parents=True)
    roster, listing = md.roster(ROSTER_ROWS), md.roster_csv(CSV_ROWS)  # openpyxl stamps the time: made once
    (work / "sent").mkdir()
    (work / "sent" / "roster.xlsx").write_bytes(roster)
    (work / "sent" / "listing.csv").write_bytes(listing)
    for style in md.NAME_STYLES:  # one saved message per way of writing a Japanese file name
        (share / f"{style}.eml").write_bytes(md.message([(md.ROSTER_NAME, roster, style)], subject=SUBJECT,
                                                        sender=SENDER))
    (share / "qp.eml").write_bytes(md.message([(md.CSV_NAME, listing, "rfc2047-sjis")], cte="quoted-printable"))
    (share / "stdlib.eml").write_bytes(md.plain(md.ROSTER_NAME, roster))
    inbox = [md.plain("memo.txt", b"no list here"), md.message([(md.ROSTER_NAME, roster, "rfc2231-utf8")]),
             md.message([(md.CSV_NAME, listing, "raw-cp932")], subject="再送")]
    (share / "Thunderbird" / "Mail" / "Local Folders" / "Inbox").write_bytes(md.mbox(inbox))
    (share / "12345.emlx").write_bytes(md.emlx(md.message([(md.ROSTER_NAME, roster, "rfc2047-utf8")])))
    (share / "fwd.eml").write_bytes(md.forwarded(md.message([(md.ROSTER_NAME, roster, "rfc2047-iso2022jp")])))
    (share / "zipped.eml").write_bytes(md.message([("backup.zip", md.zipped({"2017/" + md.ROSTER_NAME: roster}),
                                                    "rfc2231-utf8")]))
    (share / "message.dat").write_bytes(md.message([(md.ROSTER_NAME, roster, "rfc2231-utf8")]))  # by content
    (share / "winmail.eml").write_bytes(md.tnef_message())
    (share / "plain.msg").write_bytes(md.msg_file(work, "連絡", []))  # no attachment: not even read
    (share / "secret.eml").write_bytes(md.smime_message())
    (share / "secret.msg").write_bytes(md.msg_file(work, "名簿", [("smime.p7m", bytes(300))], "IPM.Note.SMIME"))
    msg = md.msg_file(work, SUBJECT, [(md.ROSTER_NAME, roster),
                                      ("転送", {"subject": "再送 名簿", "attachments": [(md.CSV_NAME, listing)]})])
    (share / "保存.msg").write_bytes(msg)
    (share / "outer.eml").write_bytes(md.message([("報告.msg", msg, "rfc2231-utf8")]))
    (share / "saved.dat").write_bytes(msg)  # an Outlook message under another name: its directory tells
    (share / "renamed.msg").write_bytes(roster)  # a workbook renamed as mail: read by its content (disguise)
    (share / "renamed.eml").write_bytes(listing)
    cut = md.message([(md.ROSTER_NAME, roster, "rfc2231-utf8")])
    (share / "cut.eml").write_bytes(cut[: len(cut) * 2 // 3])
    (share / "cut.msg").write_bytes(msg[: len(msg) // 2])
    (share / "junk.pst").write_bytes(b"!BDN" + bytes(2000))
    (share / "junk.eml").write_bytes(b"\x00\x01binary junk" * 50)
    (share / "no-blank-line.eml").write_bytes(b"From: a@example.jp\r\nSubject: x\r\n" + "本文だけ".encode() * 200)
    (share / "Inbox.dbx").write_bytes(b"\xcf\xad\x12\xfe\xc5\xfd\x74\x6f" + bytes(600))  # Outlook Express
    (share / "cut.emlx").write_bytes(md.emlx(cut)[: len(cut) // 2])
    out = work / "out"
    doc = _scan(share, out, "--name", md.ROSTER_NAME)
    return share, out, doc


def test_every_japanese_name_encoding_finds_the_attachment(mailbox: tuple[Path, Path, dict]) -> None:
    share, _, doc = mailbox
    hits = _hits(doc)
    for style in md.NAME_STYLES:
        hit = hits.get(f"{share}/{style}.eml » {md.ROSTER_NAME}")
        assert hit is not None, (style, sorted(hits))
        assert "name" in hit["reasons"] and "pii" in hit["reasons"], (style, hit["reasons"])
        assert hit["pii"]["records"] == ROSTER_ROWS
    raw = hits[f"{share}/raw-cp932.eml » {md.ROSTER_NAME}"]
    assert raw["raw_path_hex"] == md.ROSTER_NAME.encode("cp932").hex()  # the name's bytes are kept


def test_the_attachment_is_the_same_file(mailbox: tuple[Path, Path, dict]) -> None:
    """Decoded attachments hash as the file that was sent (base64 and quoted-printable alike)."""
    import hashlib

    share, _, doc = mailbox
    hits = _hits(doc)
    roster = (share.parent / "sent" / "roster.xlsx").read_bytes()
    for path in (f"{share}/stdlib.eml » {md.ROSTER_NAME}", f"{share}/保存.msg » {md.ROSTER_NAME}"):
        assert hits[path]["sha256"] == hashlib.sha256(roster).hexdigest(), path
    qp = hits[f"{share}/qp.eml » {md.CSV_NAME}"]
    assert qp["sha256"] == hashlib.sha256((share.parent / "sent" / "listing.csv").read_bytes()).hexdigest()
    assert qp["pii"]["records"] == CSV_ROWS


def test_hop_shows_date_and_masked_subject_only(mailbox: tuple[Path, Path, dict]) -> None:
    share, out, doc = mailbox
    hits = _hits(doc)
    hit = hits[f"{share}/rfc2231-utf8.eml » {md.ROSTER_NAME}"]
    assert hit["container"] == [{"kind": "archive", "name": f"{share}/rfc2231-utf8.eml",
                                 "detail": {"format": "eml", "date": "2026-11-03T00:12:00Z", "subject": "顧客…"}}]
    for path in out.iterdir():  # no output holds the subject or the sender's address
        if path.is_file() and path.suffix != ".sqlite":
            text = path.read_bytes().decode("utf-8", "replace")
            assert SUBJECT not in text and SENDER not in text, path.name


def test_mbox_messages_are_hops_of_their_own(mailbox: tuple[Path, Path, dict]) -> None:
    share, _, doc = mailbox
    hits = _hits(doc)
    inbox = f"{share}/Thunderbird/Mail/Local Folders/Inbox"
    hit = hits[f"{inbox} » #2 2026-11-03T00:12Z 「顧客…」 » {md.ROSTER_NAME}"]
    assert [h["detail"]["format"] for h in hit["container"]] == ["mbox", "message"]
    third = hits[f"{inbox} » #3 2026-11-03T00:12Z 「再送」 » {md.CSV_NAME}".replace("「再送」", "「再…」")]
    assert third["pii"]["records"] == CSV_ROWS
    assert not any(p.startswith(f"{inbox} » #1 ") for p in hits)  # the first holds no attachment worth a hit


def test_emlx_by_content_and_nested_containers(mailbox: tuple[Path, Path, dict]) -> None:
    share, _, doc = mailbox
    hits = _hits(doc)
    assert f"{share}/12345.emlx » {md.ROSTER_NAME}" in hits
    assert f"{share}/message.dat » {md.ROSTER_NAME}" in hits  # a saved message under another name
    assert f"{share}/zipped.eml » backup.zip » 2017/{md.ROSTER_NAME}" in hits
    forwarded = [p for p in hits if p.startswith(f"{share}/fwd.eml » message 1 ")]
    assert forwarded == [f"{share}/fwd.eml » message 1 2026-11-03T00:12Z 「顧客…」 » {md.ROSTER_NAME}"]


def test_msg_with_an_attached_outlook_item(mailbox: tuple[Path, Path, dict]) -> None:
    share, _, doc = mailbox
    hits = _hits(doc)
    assert hits[f"{share}/保存.msg » {md.ROSTER_NAME}"]["pii"]["records"] == ROSTER_ROWS
    inner = [p for p in hits if p.startswith(f"{share}/保存.msg » message 1 ")]
    assert inner == [f"{share}/保存.msg » message 1 2026-11-03T00:12Z 「再送…」 » {md.CSV_NAME}"]
    assert hits[inner[0]]["pii"]["records"] == CSV_ROWS
    # a .msg attached to a mail is opened in turn
    assert f"{share}/outer.eml » 報告.msg » {md.ROSTER_NAME}" in hits
    assert hits[f"{share}/saved.dat » {md.ROSTER_NAME}"]["container"][0]["detail"]["format"] == "msg"


def test_damaged_and_partial_mail_is_listed(mailbox: tuple[Path, Path, dict]) -> None:
    share, _, doc = mailbox
    skips = _skips(doc)

    def listed(path: str, reason: str, words: str = "") -> bool:
        return any(p == path and r == reason and words in d for p, r, d in skips)

    assert listed(f"{share}/cut.eml", "corrupt", "MIME structure damaged")
    assert listed(f"{share}/cut.msg", "corrupt", "msg:")
    assert listed(f"{share}/junk.pst", "corrupt", "libpff")
    assert listed(f"{share}/cut.emlx", "corrupt", "cut")
    assert listed(f"{share}/winmail.eml » winmail.dat", "corrupt", "TNEF")  # a wrapper of zeros (session 8: read)
    assert listed(f"{share}/Inbox.dbx", "unsupported", "Outlook Express")
    assert listed(f"{share}/junk.eml", "corrupt", "no mail header")
    assert not any(p.startswith(f"{share}/no-blank-line.eml") for p, _, _ in skips)  # headers, then a body
    assert listed(f"{share}/secret.eml", "encrypted", "S/MIME")
    assert listed(f"{share}/secret.msg", "encrypted", "S/MIME")
    hits = _hits(doc)
    assert hits[f"{share}/cut.eml » {md.ROSTER_NAME}"]["status"] == "corrupt"  # a hit by name, never clean


def test_a_workbook_renamed_as_mail_is_read_as_a_workbook(mailbox: tuple[Path, Path, dict]) -> None:
    share, _, doc = mailbox
    hits = _hits(doc)
    for name, rows in (("renamed.msg", ROSTER_ROWS), ("renamed.eml", CSV_ROWS)):
        hit = hits[f"{share}/{name}"]
        assert "pii" in hit["reasons"] and "extension-mismatch" in hit["reasons"], (name, hit["reasons"])
        assert hit["pii"]["records"] == rows
    assert not any(p.startswith((f"{share}/renamed.msg", f"{share}/renamed.eml")) for p, _, _ in _skips(doc))


def test_messages_without_attachments_are_not_listed(mailbox: tuple[Path, Path, dict]) -> None:
    share, _, doc = mailbox
    assert not any(p.startswith(f"{share}/plain.msg") for p, _, _ in _skips(doc))
    assert not any(p.startswith(f"{share}/plain.msg") for p in _hits(doc))


def test_report_shows_the_hop(mailbox: tuple[Path, Path, dict]) -> None:
    share, out, _ = mailbox
    html = (out / "report.html").read_text(encoding="utf-8").replace("<wbr>", "")
    assert f"保存.msg » {md.ROSTER_NAME}" in html
    assert "「顧客…」" in html


def test_persons_export_reads_attachments_again(mailbox: tuple[Path, Path, dict], tmp_path: Path) -> None:
    """The notification list reads each leaked attachment again, through its mail, and finds the same persons."""
    share, out, _ = mailbox
    proc = run_leakscan("persons", str(out), "--export", str(tmp_path / "list.xlsx"), "--sources", str(share))
    assert proc.returncode == 0, proc.stderr
    assert "not read again" not in proc.stderr and "missing" not in proc.stderr, proc.stderr
    assert (tmp_path / "list.xlsx").stat().st_size > 0


def test_depth_limit_applies_to_mail(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "a.eml").write_bytes(md.message([(md.ROSTER_NAME, md.roster(5), "rfc2231-utf8")]))
    doc = _scan(share, tmp_path / "out", "--name", md.ROSTER_NAME, "--archive-depth", "0")
    assert (f"{share}/a.eml", "too-deep") in [(p, r) for p, r, _ in _skips(doc)]


def test_a_huge_mbox_is_bounded_and_says_so(tmp_path: Path) -> None:
    """An mbox whose messages take longer than --parse-timeout (CPU) to read: the ones read are given, the rest
    is not, and the mbox is listed ``timeout`` with where reading stopped. Run in this process (through the
    inspector) so that the worker's own clock, which a loaded machine can trip first, plays no part."""
    from scanner.config import ScanConfig
    from scanner.inspectors.mail import MailInspector
    from scanner.models import FileStat, Location, Skipped
    from scanner.pipeline import scan_context

    messages = [md.message([(f"{i}.csv", b"x,y\r\n1,2\r\n", "rfc2231-utf8")]) for i in range(400)]
    data = md.mbox(messages)
    config = ScanConfig(sources=[], out=tmp_path / "out", names=[md.ROSTER_NAME], parse_timeout=0.02)
    ctx = scan_context(config)

    class Mbox:
        location, name, deleted = Location("/share", "/share/Inbox"), "Inbox", False

        def stat(self) -> FileStat:
            return FileStat(len(data))

    children = list(MailInspector(config).inspect(Mbox(), data, "", ctx).children)  # type: ignore[arg-type]
    stopped = [c for c in children if isinstance(c, Skipped) and c.reason == "timeout"]
    assert len(stopped) == 1 and "the rest was not examined" in stopped[0].detail
    read = [c for c in children if not isinstance(c, Skipped)]
    assert 0 < len(read) < 400
    assert len(read) == int(stopped[0].detail.split("message ")[1].split(" ")[0]) - 1


def test_stores_over_the_inspect_cap_are_read_in_place(tmp_path: Path) -> None:
    """A Thunderbird Inbox or a .pst is often larger than --max-inspect-mb: an mbox is then streamed message by
    message (a message over the cap listed too-large), a .pst read by libpff through the file; a single
    message that large is too-large."""
    import random

    share = tmp_path / "share"
    (share / "Mail").mkdir(parents=True)
    rnd = random.Random(7)
    padding = [md.message([("pad.bin", rnd.randbytes(100_000), "rfc2231-utf8")]) for _ in range(10)]
    huge = md.message([("huge.bin", rnd.randbytes(1_200_000), "rfc2231-utf8")])
    roster = md.message([(md.ROSTER_NAME, md.roster(8), "rfc2047-iso2022jp")])
    (share / "Mail" / "Inbox").write_bytes(md.mbox([*padding, huge, roster]))
    (share / "big.eml").write_bytes(huge)
    (share / "big.msg").write_bytes(md.msg_file(tmp_path, "大容量", [("huge.bin", rnd.randbytes(1_200_000))]))
    doc = _scan(share, tmp_path / "out", "--name", md.ROSTER_NAME, "--max-inspect-mb", "1")
    inbox = f"{share}/Mail/Inbox"
    assert f"{inbox} » #12 2026-11-03T00:12Z 「顧客…」 » {md.ROSTER_NAME}" in _hits(doc)
    skips = _skips(doc)
    assert (inbox, "too-large") in [(p, r) for p, r, d in skips if "message 11 " in d]
    assert not any(p == inbox and "message 11 " not in d for p, _, d in skips)  # the mbox itself was read
    assert (f"{share}/big.eml", "too-large") in [(p, r) for p, r, _ in skips]
    assert [r for p, r, _ in skips if p == f"{share}/big.msg"] == ["too-large"]  # not "corrupt": only its head was given


def test_outlook_store_over_the_cap_is_read_in_place(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "Outlook.pst").write_bytes(_shipped("aspose-email__Outlook.pst"))  # 3.2 MiB
    doc = _scan(share, tmp_path / "out", "--name", "Blue hills.jpg", "--max-inspect-mb", "1")
    assert [p for p in _hits(doc) if p.endswith(" » Blue hills.jpg")]
    assert not [p for p, r, _ in _skips(doc) if p == f"{share}/Outlook.pst" and r == "too-large"]


# ---------------------------------------------------------------- recognising mail by content


@pytest.mark.parametrize("head", [
    b"From: a@example.jp\r\nTo: b@example.jp\r\nSubject: x\r\n\r\nbody",
    b"Received: from mx (mx [192.0.2.1])\r\n\tby host; Tue, 3 Nov 2026 09:00:00 +0900\r\nFrom: a@example.jp\r\n",
    b"Return-Path: <a@example.jp>\nX-Original-To: b\nDelivered-To: b\nMessage-ID: <1@x>\n",
])
def test_headers_are_mail(head: bytes) -> None:
    assert looks_like_headers(head)
    assert detect(head, "noname") == "eml"


@pytest.mark.parametrize("head", [
    b"From,To,Subject\r\nsato,tanaka,hello\r\n",  # a CSV of mail fields
    b"\xe6\xb0\x8f\xe5\x90\x8d,\xe4\xbd\x8f\xe6\x89\x80\r\n",
    b"Subject line without colon\nDate 2026\n",
    b"<html><head><title>From: x</title>",
    b"From the desk of the director: notes\n",  # an mbox separator needs header fields after it
])
def test_other_text_is_not_mail(head: bytes) -> None:
    assert detect(head, "notes") is None


def test_text_only_messages_need_no_reading() -> None:
    from scanner.inspectors.mail_mime import text_only

    assert text_only(b"From: a@example.jp\r\nSubject: x\r\nDate: Tue, 3 Nov 2026 09:00:00 +0900\r\n\r\nbody")
    assert text_only(b"From: a@example.jp\nContent-Type: text/plain;\n charset=utf-8\n\nbody")
    assert not text_only(md.message([(md.CSV_NAME, b"a", "rfc2231-utf8")])[:512])  # multipart
    assert not text_only(b"From: a@example.jp\nContent-Type: application/pdf\n\n%PDF")  # one part, a file
    assert not text_only(b"From: a@example.jp\nContent-Type: text/csv; name=list.csv\n\na,b")  # a named part
    assert not text_only(b"From: a@example.jp\nReceived: " + b"x" * 600)  # headers past the head: read
    assert not text_only(b"\x00\x01junk\n\nmore")  # not headers at all: the worker lists it
    typed = b"From: a@example.jp\nSubject: x\n" + "本文".encode() * 50  # no blank line: a body typed after
    assert not text_only(typed) and text_only(typed, complete=True)
    parts = md.message([(md.CSV_NAME, b"a", "rfc2231-utf8")])
    assert not text_only(parts, complete=True)
    assert not text_only(b"From: a@example.jp\nSubject: x\nContent-Type: application/zip\nPK", complete=True)


def _text_only_by_patterns(head: bytes, complete: bool = False) -> bool:
    """text_only as it was written before its literal pre-checks: the three patterns over the header block."""
    import re

    from scanner.inspectors.mail_mime import _CONTENT_TYPE, _HEADER_END, _NAMED, BODY_TYPES

    if not looks_like_headers(head):
        return False
    end = _HEADER_END.search(head)
    if end is None and not complete:
        return False
    block = re.sub(rb"\r?\n[ \t]+", b" ", head if end is None else head[:end.start()])
    if any(k.strip().lower() not in BODY_TYPES for k in _CONTENT_TYPE.findall(block)):
        return False
    return _NAMED.search(block) is None


def test_text_only_pre_checks_answer_as_the_patterns() -> None:
    """The walk's checks of every .eml find the header end with bytes.find (text_only, body_may_hold_table) and run
    each pattern only where its literal occurs: the same answer as the patterns alone, on random header blocks,
    bodies and line ends, and the same span as the header-end pattern."""
    import random

    from scanner.inspectors.mail_mime import _HEADER_END, _header_end, text_only

    rnd = random.Random(8)
    bits = [b"From: a@example.jp", b"Subject: x", b"Date: Tue, 3 Nov 2026", b"Content-Type: text/plain",
            b"CONTENT-TYPE:text/csv", b"content-type: multipart/mixed", b"Content-Type: application/pdf",
            b"Content-Disposition: attachment", b"content-disposition:inline", b" name=a.csv", b"\tNAME*0*=x",
            b"filename=b", b"nam", b"e=", b"\r", b"\n", b"\r\n", b"\n\n", b"\r\n\r\n", b"\n\r\n", b"\n ",
            b"\n\t", " 本文 ".encode(), b"Received: by x", b"x" * 40, b"Content-Transfer-Encoding: base64",
            b"content-transfer-encoding:BASE64", b"a,b,c", b"1,2,3", b"<table>", b"\t", b"\r\r"]
    for _ in range(4000):
        head = b"".join(rnd.choice(bits) for _ in range(rnd.randint(0, 24)))
        if rnd.random() < 0.8:
            head = b"From: a@example.jp" + rnd.choice([b"\n", b"\r\n"]) + head
        for complete in (False, True):
            assert text_only(head, complete) == _text_only_by_patterns(head, complete), (head, complete)
        found = _HEADER_END.search(head)
        assert _header_end(head) == (None if found is None else found.span()), head


def test_store_and_message_magic() -> None:
    assert detect(b"!BDN\x00\x00\x00\x00SM" + bytes(20), "x") == "pst"
    assert detect(b"!BDN\x00\x00\x00\x00SO" + bytes(20), "x") == "ost"
    assert detect(b"From MAILER-DAEMON Tue Nov  3 09:00:00 2026\nFrom: a@example.jp\nSubject: x\n", "") == "mbox"
    assert detect(b"1234      \nFrom: a@example.jp\nSubject: x\n", "") == "emlx"


def test_subject_mask_never_shows_more_than_two_characters() -> None:
    assert shown_subject("Re: 山田太郎様 ご契約") == "山田…"
    assert shown_subject("FW: RE: 転送: 名簿") == "名…"
    assert shown_subject("") == ""


def test_raw_8bit_name_keeps_its_bytes() -> None:
    mail = read_message(md.message([(md.CSV_NAME, b"a,b\r\n", "raw-cp932")]))
    assert [a.name for a in mail.attachments] == [md.CSV_NAME]
    assert mail.attachments[0].raw_hex == md.CSV_NAME.encode("cp932").hex()


# ---------------------------------------------------------------- files other software wrote

# Public Outlook stores kept gzipped beside the tests (tests/data/mail/README.md: origin, licence, hash)
SHIPPED = Path(__file__).resolve().parent / "data" / "mail"


def _shipped(name: str) -> bytes:
    """A public store from tests/data/mail (always there: part of the repository)."""
    return gzip.decompress((SHIPPED / f"{name}.gz").read_bytes())


def test_pst_written_by_outlook_and_its_damaged_copies(tmp_path: Path) -> None:
    """java-libpst's dist-list.pst opens (no file attachment: nothing listed); cut or flipped copies are listed."""
    pst = _shipped("java-libpst__dist-list.pst")
    share = tmp_path / "share"
    share.mkdir()
    (share / "good.pst").write_bytes(pst)
    (share / "cut.pst").write_bytes(pst[: len(pst) // 2])
    flipped = bytearray(pst)
    for i in range(0x200, len(flipped), 997):
        flipped[i] ^= 0xFF
    (share / "flipped.ost").write_bytes(bytes(flipped))
    doc = _scan(share, tmp_path / "out")
    reasons = {(p, r) for p, r, _ in _skips(doc)}
    assert (f"{share}/cut.pst", "corrupt") in reasons and (f"{share}/flipped.ost", "corrupt") in reasons
    assert not any(p.startswith(f"{share}/good.pst") for p, _ in reasons)


def test_outlook_store_with_attachments_and_its_damaged_copies(tmp_path: Path) -> None:
    """Aspose's example Outlook.pst (MIT): messages with files attached and Outlook items attached. Every file is
    a child of its message's hop; an attached item is a hop of its own (what libpff does not give is listed); a cut copy says it is
    cut and still gives what it holds; a copy with flipped bytes is listed."""
    pst = _shipped("aspose-email__Outlook.pst")
    share = tmp_path / "share"
    share.mkdir()
    (share / "Outlook.pst").write_bytes(pst)
    (share / "backup.dat").write_bytes(pst[: len(pst) // 2])  # a cut store under another name
    flipped = bytearray(pst)
    for i in range(0x1000, len(flipped), 4099):
        flipped[i] ^= 0x5A
    (share / "flipped.pst").write_bytes(bytes(flipped))
    doc = _scan(share, tmp_path / "out", "--name", "Blue hills.jpg")
    hits = _hits(doc)
    found = [p for p in hits if p.startswith(f"{share}/Outlook.pst » Top of Personal Folders/Inbox/#")]
    assert len(found) == 1 and found[0].endswith(" » Blue hills.jpg"), sorted(hits)
    hit = hits[found[0]]
    assert hit["size"] == 28521 and [h["detail"]["format"] for h in hit["container"]] == ["pst", "message"]
    assert hit["container"][1]["detail"]["store"] == "pst"
    skips = _skips(doc)
    # an attached Outlook item (Session 9): read from its own block (subject start, time, plain body); its HTML
    # body kept in a sub-node libpff does not give is said
    assert any(p.startswith(f"{share}/Outlook.pst » ") and " » message 1 2011-06-21T23:46Z 「me…」" in p
               and r == "unsupported" and "HTML body" in d for p, r, d in skips), skips
    assert (f"{share}/backup.dat", "corrupt") in [(p, r) for p, r, d in skips if "the store is cut" in d]
    assert any(p.startswith(f"{share}/backup.dat » ") for p in hits)  # what the cut copy holds is still examined
    assert any(p.startswith(f"{share}/flipped.pst") for p, _, _ in skips)


def test_an_mbox_of_empty_messages_lists_a_bounded_number_of_rows(tmp_path: Path) -> None:
    """An mbox of thousands of ``From `` separator lines and nothing else between them (damage, or a crafted
    file: a few bytes each) must not become one skipped row per line (a findings.json of millions of rows):
    the first rows are listed, the rest counted in a row that says how many; the real message after them is
    still read."""
    share = tmp_path / "share"
    share.mkdir()
    empty = 3000
    roster = md.message([(md.ROSTER_NAME, md.roster(5), "rfc2231-utf8")])
    data = md.mbox([md.plain("memo.txt", b"x")]) + b"From \n" * empty + md.mbox([roster])
    (share / "Inbox").write_bytes(data)
    doc = _scan(share, tmp_path / "out", "--name", md.ROSTER_NAME)
    assert [p for p in _hits(doc) if p.endswith(md.ROSTER_NAME)]
    rows = [(p, r, d) for p, r, d in _skips(doc) if p.startswith(f"{share}/Inbox")]
    assert len(rows) <= 1100, len(rows)
    counted = [int(d.split(" more ")[0].rsplit(" ", 1)[-1]) for _, _, d in rows if " not listed one by one" in d]
    assert len(rows) - len(counted) + sum(counted) == empty, rows[-3:]


def test_a_store_of_unreadable_messages_is_still_on_the_clock() -> None:
    """A damaged folder may claim billions of messages, each failing at once: the CPU budget (--parse-timeout)
    must end that loop too, and say so, not only a loop of readable messages."""
    from scanner.inspectors.mail_outlook import Store

    class Folder:
        def get_number_of_sub_messages(self) -> int:
            return 200_000

        def get_sub_message(self, i: int) -> None:
            raise OSError("libpff_item_tree_get_sub_node_by_index: invalid sub node")

        def get_number_of_sub_folders(self) -> int:
            return 0

    class File:
        def get_number_of_orphan_items(self) -> int:
            return 200_000

        def get_orphan_item(self, i: int) -> None:
            raise OSError("libpff_file_get_orphan_item_by_index: unable to retrieve orphan item")

    store = object.__new__(Store)
    store.root, store._file, store.problems, store.messages_read = Folder(), File(), [], 0
    assert list(store.messages(0.0)) == []
    assert store.problems[-1][0] == "timeout", store.problems[-1]
    assert len(store.problems) < 1000
    Folder.get_number_of_sub_messages = lambda self: 0  # type: ignore[method-assign]
    store.problems = []
    assert list(store.messages(0.0)) == []  # the deleted items left in the store are on the same clock
    assert [s for s, _ in store.problems] == ["timeout"] and "orphan item" in store.problems[0][1], store.problems


def test_unnamed_non_body_parts_are_examined(tmp_path: Path) -> None:
    """A part that is no message body (not text/plain or text/html) is a file even without a name or an
    ``attachment`` disposition: a workbook sent inline by a script, or a message whose only part is the CSV
    itself (``Content-Type: text/csv``, base64). Dropped as "a body", the client list in it was a silent clean."""
    share = tmp_path / "share"
    share.mkdir()
    roster, listing = md.roster(6), md.roster_csv(7)
    inline = md.message([("unused.xlsx", roster, "rfc2231-utf8")]).replace(
        b"Content-Disposition: attachment; filename*=utf-8''unused.xlsx", b"Content-Disposition: inline")
    assert b"unused" not in inline
    (share / "inline.eml").write_bytes(inline)
    single = (b"From: a@example.jp\r\nTo: b@example.jp\r\nSubject: list\r\nDate: Thu, 05 Nov 2026 10:00:00 +0900\r\n"
              b"MIME-Version: 1.0\r\nContent-Type: text/csv; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
              + base64.encodebytes(listing))
    (share / "single.eml").write_bytes(single)
    doc = _scan(share, tmp_path / "out", "--name", "nothing-by-this-name.xlsx")
    found = {p.split(" » ")[0]: h["pii"]["records"] for p, h in _hits(doc).items() if h.get("pii")}
    assert found == {f"{share}/inline.eml": 6, f"{share}/single.eml": 7}, (_hits(doc).keys(), _skips(doc))


def test_a_store_attachment_over_the_cap_is_too_large_not_read() -> None:
    """A .pst read in place (larger than --max-inspect-mb) may hold an attachment larger than the cap: it is
    listed too-large from its declared size, never read whole into memory first (under the worker's memory cap
    that ended as "corrupt: MemoryError")."""
    from scanner.inspectors.mail_outlook import _pst_attachment

    class Attachment:
        def get_number_of_record_sets(self) -> int:
            return 0

        def get_long_filename(self) -> str:
            return "顧客名簿.xlsx"

        def get_size(self) -> int:
            return 5 << 30

        def read_buffer(self, size: int) -> bytes:
            raise MemoryError

    found = _pst_attachment(Attachment(), 1, "IPM.Note", 256 << 20)
    assert found.name == "顧客名簿.xlsx" and found.data is None
    assert found.problem is not None and found.problem[0] == "too-large", found.problem


def test_a_streamed_mbox_never_holds_a_whole_long_line() -> None:
    """An mbox over --max-inspect-mb is streamed message by message; a line with no line end for gigabytes (a
    crafted file, or base64 written without line breaks) must not be read whole into memory to find the next
    ``From `` line. The messages given are the same as when the mbox is held whole."""
    import io

    from scanner.inspectors.mail_mime import mbox_messages, mbox_stream_messages

    class Stream(io.BytesIO):
        longest = 0

        def readline(self, size: int | None = -1) -> bytes:
            line = super().readline(size)
            Stream.longest = max(Stream.longest, len(line))
            return line

        def __next__(self) -> bytes:
            line = super().__next__()
            Stream.longest = max(Stream.longest, len(line))
            return line

    long_line = b"A" * (3 << 20) + b"From not a separator\n"
    data = md.mbox([md.plain("a.txt", b"x")]) + b"From \nSubject: y\n\n" + long_line + md.mbox([md.plain("b.txt", b"y")])
    most = 8 << 20
    streamed = list(mbox_stream_messages(Stream(data), most))
    assert Stream.longest <= 1 << 20, Stream.longest
    assert streamed == list(mbox_messages(data))


def test_an_mbox_named_file_without_separator_lines_is_read_as_one_message(tmp_path: Path) -> None:
    """A single saved message named ``.mbox`` (no ``From `` separator line at all) is read as the one message it
    holds, not as an mbox of none (nothing listed) nor a listing that stopped."""
    share = tmp_path / "share"
    share.mkdir()
    (share / "saved.mbox").write_bytes(md.message([(md.ROSTER_NAME, md.roster(5), "rfc2231-utf8")]))
    (share / "junk.mbox").write_bytes(bytes(range(1, 256)) * 40)  # no separator, no header: damage, said so
    doc = _scan(share, tmp_path / "out", "--name", md.ROSTER_NAME)
    assert [p for p in _hits(doc) if p.startswith(f"{share}/saved.mbox » ") and p.endswith(md.ROSTER_NAME)], \
        (list(_hits(doc)), _skips(doc))
    assert [r for p, r, _ in _skips(doc) if p.startswith(f"{share}/junk.mbox")] == ["corrupt"], _skips(doc)


def test_compound_file_without_message_stream_is_settled_by_its_bytes(tmp_path: Path) -> None:
    """A .msg whose bytes hold no Outlook message stream is corrupt by a byte search alone: a small one is
    settled in the scan process (``settles_here``, no worker round trip) and listed as a large one is, by the
    worker; anything with a message stream, or no compound file at all, is left to the worker."""
    import random

    from scanner.config import ScanConfig
    from scanner.inspectors.mail import MailInspector
    from scanner.inspectors.mail_outlook import MSG_MARK, OLE_MAGIC

    mail = MailInspector(ScanConfig(sources=[], out=tmp_path / "o", names=[]))
    rnd = random.Random(4)
    small, large = OLE_MAGIC + rnd.randbytes(300), OLE_MAGIC + rnd.randbytes(3000)
    assert mail.settles_here(small) and mail.settles_here(large)
    assert not mail.settles_here(OLE_MAGIC + rnd.randbytes(100) + MSG_MARK + bytes(50))
    assert not mail.settles_here(b"From: a@example.jp\r\nSubject: x\r\n\r\nbody") and not mail.settles_here(b"")
    share = tmp_path / "share"
    share.mkdir()
    (share / "小.msg").write_bytes(small)
    (share / "大.msg").write_bytes(large)
    (share / "雛形.oft").write_bytes(small[:200])
    run_leakscan("scan", str(share), "--name", md.ROSTER_NAME, "--out", str(tmp_path / "case"), "--quiet",
                 "--workers", "1")
    doc = json.loads((tmp_path / "case" / "findings.json").read_text(encoding="utf-8"))
    listed = {Path(s["path"]).name: (s["reason"], s["detail"], s["sha256"]) for s in doc["skipped"]}
    why = "msg: no Outlook message stream (__substg1.0_) found"
    assert listed == {"小.msg": ("corrupt", why, hashlib.sha256(small).hexdigest()),
                      "大.msg": ("corrupt", why, hashlib.sha256(large).hexdigest()),
                      "雛形.oft": ("corrupt", why, hashlib.sha256(small[:200]).hexdigest())}
