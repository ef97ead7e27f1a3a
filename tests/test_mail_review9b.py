"""Review of session 9's mail work (review9b) on inputs it was not tuned to: a .msg saved under an Office or text
name whose compound-file directory is damaged after its first sector (no more a silent clean), RTF
``\\fromhtml1`` surrogate pairs (an emoji in an Outlook HTML message), hostile property-context bytes of an
Outlook item attached inside a store."""

from __future__ import annotations

import gzip
import json
import random
import struct
from pathlib import Path

import pytest

from scanner.inspectors.mail_body import fromhtml
from scanner.inspectors.mail_pstitem import NotAPropertyContext, properties
from tests import mail_data as md
from tests.conftest import run_leakscan
from tests.pii_data import people, standard

PEOPLE = people(12, seed=9092)  # Faker ja_JP, fixed seed (not the author's 909)
TABLE = standard(PEOPLE)
SHIPPED = Path(__file__).parent / "data" / "mail"
DAMAGED_NAMES = ("名簿.msg", "名簿.xls", "名簿.txt", "名簿.doc", "名簿")


def _tsv() -> str:
    return "送付します。\r\n\r\n" + "\r\n".join("\t".join(str(c) for c in r) for r in TABLE) + "\r\n"


def _directory_chain_cut(msg: bytes) -> bytes:
    """The .msg with the FAT link after its first directory sector pointing past the end of the file (a cut or
    overwritten copy): the first four directory entries (the message's own streams) still read."""
    first_dir, fat_sid = struct.unpack_from("<I", msg, 0x30)[0], struct.unpack_from("<I", msg, 0x4C)[0]
    damaged = bytearray(msg)
    struct.pack_into("<I", damaged, (fat_sid + 1) * 512 + first_dir * 4, 4000)
    return bytes(damaged)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    work = tmp_path_factory.mktemp("review9b")
    share = work / "share"
    share.mkdir()
    msg = md.msg_file(work, "名簿", [], bodies={"__substg1.0_1000001F": _tsv().encode("utf-16-le")})
    for name in DAMAGED_NAMES:
        (share / name).write_bytes(_directory_chain_cut(msg))
    for name in DAMAGED_NAMES[:2]:  # a flipped byte in the body stream's directory name (random flips found it)
        (share / f"名前{name}").write_bytes(msg.replace("__substg1.0_1000001F".encode("utf-16-le"),
                                                        "__subYtg1.0_1000001F".encode("utf-16-le")))
    lost = bytearray(msg)
    struct.pack_into("<I", lost, 0x30, 4000)  # the header's first directory sector past the end: no entry read
    (share / "名簿2.xls").write_bytes(bytes(lost))
    proc = run_leakscan("scan", str(share), "--out", str(work / "out"))
    assert "Traceback" not in proc.stderr, proc.stderr
    return share, json.loads((work / "out" / "findings.json").read_text(encoding="utf-8"))


def test_a_renamed_msg_with_a_damaged_directory_is_never_a_silent_clean(scanned: tuple[Path, dict]) -> None:
    """A .msg holding a pasted client table, as .msg or saved as .xls / .txt / .doc / without an extension, whose
    directory chain breaks after its first sector: its rows are read, or it is listed with why. "ok" with nothing
    was the result for all but the extensionless one (olefile reads on past the broken link, its parsing issues
    were not said). The same for a flipped byte in the body stream's name (an unknown stream is damage)."""
    share, doc = scanned
    skipped = {s["path"] for s in doc["skipped"]}
    for name in (*DAMAGED_NAMES, "名簿2.xls", *(f"名前{n}" for n in DAMAGED_NAMES[:2])):
        path = f"{share}/{name}"
        rows = sum(int((f.get("pii") or {}).get("records") or 0) for f in doc["files"]
                   if f["path"].startswith(f"{path} » "))
        listed = any(p == path or p.startswith(f"{path} » ") for p in skipped)
        assert rows or listed, (name, [f["path"] for f in doc["files"]], sorted(skipped))


def test_fromhtml_joins_surrogate_pairs() -> None:
    """RTF writes a character beyond the BMP (an emoji Outlook users type: 😊) as two \\uN halves; RTFDE's
    surrogate_pairs.rtf layout. Each half alone is no character: the HTML must hold the character itself (the
    body child is written as UTF-8, which a lone surrogate is not)."""
    rtf = (r"{\rtf1\ansi\ansicpg932\fromhtml1 {\*\htmltag64 <p>}{\uc1\u-10179 ?\u-8694 ?}"
           r"{\uc2\u-10179 ??\u-8694 ??}\htmlrtf {\htmlrtf0 \'96\'bc\'95\'eb\htmlrtf }\htmlrtf0 "
           r"\u55357\'3f\u56542\'3f{\*\htmltag72 </p>}}")
    html = fromhtml(rtf)
    assert html == "<p>\U0001F60A\U0001F60A名簿\U0001F4DE</p>", html
    html.encode("utf-8")  # no lone surrogate left
    assert fromhtml(r"{\rtf1\fromhtml1 {\*\htmltag64 <p>}\u-10179 ?x\u-8694 ?}") == "<p>\ufffdx\ufffd"


def test_hostile_property_contexts_cost_nothing_but_a_said_reason() -> None:
    """Random and mutated heap-on-node bytes (an attached item's block from a damaged store): the parser either
    gives properties or says NotAPropertyContext; no other exception, no allocation beyond the input."""
    rng = random.Random(92)
    base = bytearray(struct.pack("<HBBI", 12, 0xEC, 0xBC, 0x20) + bytes(4) + struct.pack("<BBBBI", 0xB5, 2, 6, 0, 0x40)
                     + struct.pack("<HHI", 0x0037, 0x001F, 0x60) + bytes(4) + struct.pack("<HH", 2, 0)
                     + struct.pack("<HHHH", 12, 20, 28, 36))
    struct.pack_into("<H", base, 0, len(base) - 12)
    for n in range(3000):
        data = bytearray(base) if n % 3 else bytearray(rng.randbytes(rng.randrange(0, 200)))
        for _ in range(rng.randrange(1, 6)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            found = properties(bytes(data))
        except NotAPropertyContext:
            continue
        assert all(v.data is None or len(v.data) <= len(data) for v in found.values())


def test_store_contacts_read_addresses_kept_as_named_properties() -> None:
    """Aspose's SampleContacts.pst (MIT, shipped gzipped): 3 of its 6 contacts hold an address only as the
    named property PidLidWorkAddress (PSETID_Address, LID 0x801B; its property id is per store, found through
    the store's name-to-id map). Outlook keeps a Business address so unless it is also the mailing address: the
    rows had a name and no address (and the folder's table was no finding at all)."""
    from scanner.inspectors.mail_outlook import Store

    store = Store(gzip.decompress((SHIPPED / "aspose-email__SampleContacts.pst.gz").read_bytes()))
    try:
        for _ in store.messages(60.0):
            pass
        rows = [row for found in store.contacts.values() for row in found]
    finally:
        store.close()
    assert len(rows) == 6, rows
    addresses = sorted(row[2] for row in rows if row[2])
    assert len(addresses) == 3 and any("Darwinia Loop" in a for a in addresses), addresses
    assert all("\r" not in a and "\n" not in a for a in addresses), addresses


def test_a_partial_home_address_does_not_hide_the_whole_one() -> None:
    """Outlook keeps three structured addresses (home, other, mailing) and the mailing one as text too. A contact
    whose home holds only its prefecture (an address book imported from a CSV, a half-filled form) and whose whole
    address is in the mailing or other fields: the row held "東京都" alone (an address cut to the prefecture is no
    address). A complete home address still wins over the others."""
    from scanner.inspectors.mail_outlook import contact_row

    for p in PEOPLE[:4]:
        family, given = p.name.split(" ", 1)
        pref, rest = p.address[:3], p.address[3:]
        mailing = {0x3A2A: p.postcode, 0x3A28: pref, 0x3A27: rest[:3], 0x3A29: rest[3:]}
        other = {0x3A61: p.postcode, 0x3A62: pref, 0x3A5F: rest[:3], 0x3A63: rest[3:]}
        text = {0x3A15: f"〒{p.postcode}\r\n{p.address}"}
        for whole in (mailing, other, text):
            row = contact_row(md.PffContact({0x3A11: family, 0x3A06: given, 0x3A5C: pref, **whole}))
            assert p.address in row[2] and row[0] == p.name, (whole, row)
        home = {0x3A5B: p.postcode, 0x3A5C: pref, 0x3A59: rest[:3], 0x3A5D: rest[3:]}
        elsewhere = {0x3A2A: "100-0001", 0x3A28: "東京都", 0x3A27: "千代田区", 0x3A29: "千代田1-1"}
        assert contact_row(md.PffContact({0x3A11: family, **home, **elsewhere}))[1:3] == [p.postcode, p.address]


def test_fromhtml_decodes_escapes_by_the_font_charset() -> None:
    """RTF's \\'xx bytes are in the code page of the current font's \\fcharset (128: Shift_JIS) when it names one,
    else the document's \\ansicpg: Japanese text under a \\fcharset128 font in an RTF whose \\ansicpg is 1252 (an
    English-locale Windows; RTFDE's test_hexencoded layout). It came out as cp1252 mojibake, so no name or
    address in the de-encapsulated table was readable."""
    def sjis(text: str) -> str:
        return "".join(f"\\'{b:02x}" for b in text.encode("cp932"))

    cells = "".join(r"{\*\htmltag84 <td>}\htmlrtf {\htmlrtf0 {\f1 " + sjis(str(c)) + r"}\htmlrtf }\htmlrtf0 "
                    r"{\*\htmltag92 </td>}" for c in TABLE[1][:3])
    rtf = (r"{\rtf1\ansi\ansicpg1252\fromhtml1 \deff0{\fonttbl{\f0\fswiss\fcharset0 Arial;}"
           r"{\f1\fnil\fcharset128 MS PGothic;}{\f2\fnil\fcharset2 Symbol;}}"
           r"{\*\htmltag80 <tr>}" + cells + r"{\*\htmltag88 </tr>}"
           r"\f0 caf\'e9 {\f1 \'82\'a0}\'e9}")
    html = fromhtml(rtf)
    assert html == "<tr>" + "".join(f"<td>{c}</td>" for c in TABLE[1][:3]) + "</tr>café あé", html


def _mixed_message(*parts: tuple[str, str]) -> bytes:
    from email import policy
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    outer = MIMEMultipart("mixed")
    for text, kind in parts:
        outer.attach(MIMEText(text, kind, "utf-8"))
    outer["From"], outer["Subject"] = "a@example.jp", "list"
    return outer.as_bytes(policy=policy.SMTP)


def _html_table(rows: list[list[object]]) -> str:
    return "<html><body><table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows) + \
        "</table></body></html>"


def test_bodies_side_by_side_in_mixed_are_one_text_only_when_they_are_the_same_text() -> None:
    """A text/plain and a text/html in multipart/mixed are the same text when they hold the same words: read once
    even beside a third body (a mailing list's footer part: the rows were counted twice); two different tables
    (a plain one and an HTML one of other people) are both read (the HTML one alone was kept, the other
    people's rows silently lost)."""
    from scanner.inspectors.mail_mime import read_message

    others = standard(people(12, seed=9093))
    tsv = "名簿\n\n" + "\n".join("\t".join(str(c) for c in r) for r in TABLE) + "\n"
    footer = "--\nメーリングリスト事務局\n"
    same = read_message(_mixed_message((tsv, "plain"), ("<p>名簿</p>" + _html_table(TABLE), "html"), (footer, "plain")))
    assert [a.name for a in same.attachments] == ["(body).html"], same.attachments
    both = read_message(_mixed_message((tsv, "plain"), (_html_table(others), "html")))
    assert sorted(a.name for a in both.attachments) == ["(body).html", "(body).txt"], both.attachments
    text = b"".join(a.data or b"" for a in both.attachments).decode("utf-8", "replace")
    assert PEOPLE[0].name in text and others[1][1] in text, text[:200]


def test_an_odd_compound_file_header_alone_is_no_damage(tmp_path: Path) -> None:
    """olefile also notes header oddities that lose nothing (a CLSID or reserved bytes some writers set): a .msg
    whose streams all read is not called corrupt for them; a broken directory link still is."""
    from scanner.inspectors.mail_outlook import read_msg

    msg = md.msg_file(tmp_path, "名簿", [], bodies={"__substg1.0_1000001F": _tsv().encode("utf-16-le")})
    odd = bytearray(msg)
    odd[0x08:0x18] = bytes(range(1, 17))  # header CLSID (must be zero)
    odd[0x22:0x28] = b"\x01" * 6  # reserved bytes (must be zero)
    mail = read_msg(bytes(odd))
    assert not mail.problems and [a.name for a in mail.attachments] == ["(body).txt"], mail
    assert [s for s, _ in read_msg(_directory_chain_cut(msg)).problems] == ["corrupt"]


def _uu(data: bytes, name: str) -> str:
    import binascii

    return f"begin 644 {name}\n" + "".join(binascii.b2a_uu(data[i:i + 45]).decode("ascii")
                                          for i in range(0, len(data), 45)) + "`\nend\n"


def test_x_uuencode_parts_keep_each_files_own_name() -> None:
    """A part sent as x-uuencode holding several files (`begin` lines a.xlsx and 名簿.csv in a part named
    files.uue): each file is named by its own begin line (the first was given the part's name, so a search
    for its name missed it); a begin line whose name is Shift_JIS (Japanese mailers of the 1990s) keeps it (it
    came out as U+FFFD: the email package replaces bytes it cannot decode)."""
    from scanner.inspectors.mail_mime import read_message

    first, second = md.roster(8), md.roster_csv(8)
    bundle = ("From: a@example.jp\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=BB\n\n"
              "--BB\nContent-Type: text/plain; charset=utf-8\n\nhi\n--BB\nContent-Type: application/octet-stream; "
              'name="files.uue"\nContent-Disposition: attachment; filename="files.uue"\n'
              "Content-Transfer-Encoding: x-uuencode\n\n" + _uu(first, "a.xlsx") + "\n" + _uu(second, "b.csv")
              + "\n--BB--\n").encode("ascii")
    found = read_message(bundle).attachments
    assert [(a.name, a.data) for a in found] == [("a.xlsx", first), ("b.csv", second)], [a.name for a in found]
    single = ("From: a@example.jp\nMIME-Version: 1.0\nContent-Type: application/octet-stream\n"
              "Content-Transfer-Encoding: x-uuencode\n\n" + _uu(second, "zzname")).encode("ascii")
    found = read_message(single.replace(b"zzname", "利用者名簿.csv".encode("cp932"))).attachments
    assert [(a.name, a.data) for a in found] == [("利用者名簿.csv", second)], [a.name for a in found]


def test_a_contact_attached_inside_a_store_is_a_person() -> None:
    """An Outlook contact forwarded as an item (attach method 5) inside a .pst/.ost: its block holds the person
    (name, address, phone) like a contact .msg, which gives a one-person (contact).csv; the store's attached
    contact gave its (empty) subject only."""
    from scanner.inspectors.mail_outlook import _pst_item
    from tests.test_mail_items import _Attachment, _property_context

    p = PEOPLE[3]
    family, given = p.name.split(" ", 1)
    fields = {0x001A: "IPM.Contact", 0x3A11: family, 0x3A06: given, 0x3A5B: p.postcode, 0x3A5C: p.address[:3],
              0x3A59: p.address[3:6], 0x3A5D: p.address[6:], 0x3A09: p.phone}
    block = _property_context([(tag, 0x001F, text.encode("utf-16-le")) for tag, text in fields.items()])
    assert _pst_item(_Attachment(block), 1 << 30).contact == [p.name, p.postcode, p.address, p.phone, "", ""]


def _mapi_unicode(props: dict[int, str]) -> bytes:
    """attMsgProps' MAPI property list ([MS-OXTNEF] 2.1.3.4): count, then per property type, id, one value of
    length + UTF-16LE text padded to 4 bytes."""
    out = struct.pack("<I", len(props))
    for tag, text in props.items():
        value = (text + "\0").encode("utf-16-le")
        out += struct.pack("<HHII", 0x001F, tag, 1, len(value)) + value + bytes(-len(value) % 4)
    return out


def test_a_contact_forwarded_inside_winmail_dat_is_a_person() -> None:
    """An Outlook contact forwarded as an item inside a TNEF winmail.dat (its own TNEF stream: attMessageClass
    IPM.Contact and the person in attMsgProps) is a one-person (contact).csv as a contact .msg is (it gave
    nothing: the item has no file and no body)."""
    from scanner.inspectors.mail_tnef import read_tnef
    from tests.test_mail_items import _tnef_forwarding

    p = PEOPLE[5]
    family, given = p.name.split(" ", 1)
    inner = struct.pack("<IH", 0x223E9F78, 0x0102) + md._tnef_object(1, 0x9006, 0x0008, struct.pack("<I", 0x10000))
    inner += md._tnef_object(1, 0x9007, 0x0006, struct.pack("<II", 932, 0))  # attOemCodepage
    inner += md._tnef_object(1, 0x8008, 0x0001, b"IPM.Contact\x00")
    inner += md._tnef_object(1, 0x9003, 0x0006, _mapi_unicode({
        0x3A11: family, 0x3A06: given, 0x3A5B: p.postcode, 0x3A5C: p.address[:3], 0x3A5D: p.address[3:],
        0x3A1C: p.phone}))
    mail = read_tnef(_tnef_forwarding(inner))
    assert [m.contact for m in mail.attached] == [[p.name, p.postcode, p.address, "", p.phone, ""]], mail


def test_a_contact_msg_reads_its_business_address_from_named_properties() -> None:
    """Aspose's Gmail/contact.msg (MIT, shipped gzipped): its only address is the Business one, which Outlook keeps
    as named properties (PidLidWorkAddressStreet/City/StateOrProvince/PostalCode, PSETID_Address, mapped by the
    .msg's own __nameid_version1.0 storage). The one-person row had a name and no address."""
    from scanner.inspectors.mail_outlook import read_msg

    contact = read_msg(gzip.decompress((SHIPPED / "aspose-email__Gmail-contact.msg.gz").read_bytes())).contact
    assert contact is not None and contact[:3] == ["Surname GivenName", "PostalCode", "StateOrProvinceCityStreet"], contact


def test_named_address_ids_that_equal_another_lid_are_not_mixed_up() -> None:
    """A store numbers its named properties freely: property id 0x801B may be PidLidWorkAddressStreet while
    PidLidWorkAddress (LID 0x801B) is property 0x8050. Each value must land on its own LID, whatever the order."""
    from scanner.inspectors.mail_outlook import contact_row

    p = PEOPLE[7]
    pref, rest = p.address[:3], p.address[3:]
    fields = {0x3A11: p.name, 0x801B: rest[3:], 0x801C: rest[:3], 0x801D: pref, 0x801E: p.postcode,
              0x8050: "〒" + p.postcode + " " + p.address}
    for named in ({0x801B: 0x8045, 0x801C: 0x8046, 0x801D: 0x8047, 0x801E: 0x8048, 0x8050: 0x801B},
                  {0x8050: 0x801B, 0x801E: 0x8048, 0x801D: 0x8047, 0x801C: 0x8046, 0x801B: 0x8045}):
        assert contact_row(md.PffContact(fields), named)[1:3] == [p.postcode, p.address], named
