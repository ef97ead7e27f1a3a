"""Mail for the mail tests, built from lists at test time (nothing binary is checked in).

Messages are written with the standard library's ``email`` package; the Japanese attachment names are
encoded every way Japanese mailers write them: RFC 2231 (UTF-8, ISO-2022-JP, continuations), RFC 2047
encoded words inside the quoted ``filename`` (ISO-2022-JP, Shift_JIS, UTF-8: what Outlook and most
Japanese clients send), and raw 8-bit cp932 or UTF-8 in the header (broken or RFC 6532 mailers). The
.msg files are compound files written by libgsf's ``gsf createole`` from a folder tree named as
[MS-OXMSG] names its storages and streams.
"""

from __future__ import annotations

import base64
import struct
import subprocess
import urllib.parse
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

from tests.pii_data import csv_bytes, people, standard, xlsx_bytes, zip_bytes

ROSTER_NAME = "顧客名簿.xlsx"
CSV_NAME = "利用者一覧.csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def roster(n: int = 30, seed: int = 71) -> bytes:
    """A client list of fictitious people (Faker ja_JP, fixed seed)."""
    return xlsx_bytes({"顧客": standard(people(n, seed=seed))})


def roster_csv(n: int = 20, seed: int = 72) -> bytes:
    """The same kind of list as a CSV in cp932, as Excel saves it."""
    return csv_bytes(standard(people(n, seed=seed)), encoding="cp932")


def _b_word(text: str, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode('ascii')}?="


def _rfc2231(text: str, charset: str) -> str:
    return f"{charset}''{urllib.parse.quote(text.encode(charset), safe='')}"


# how the attachment's name is written in the Content-Disposition header
NAME_STYLES = ("rfc2231-utf8", "rfc2231-iso2022jp", "rfc2231-continued", "rfc2047-iso2022jp", "rfc2047-sjis",
               "rfc2047-utf8", "raw-cp932", "raw-utf8")


def disposition(name: str, style: str) -> bytes:
    """The Content-Disposition header line naming ``name`` the ``style`` way (raw bytes: some styles are 8-bit)."""
    if style == "rfc2231-utf8":
        return f"Content-Disposition: attachment; filename*={_rfc2231(name, 'utf-8')}".encode("ascii")
    if style == "rfc2231-iso2022jp":
        return f"Content-Disposition: attachment; filename*={_rfc2231(name, 'iso-2022-jp')}".encode("ascii")
    if style == "rfc2231-continued":
        value = _rfc2231(name, "utf-8")
        half = value.find("%", len(value) // 2)
        return (f"Content-Disposition: attachment;\r\n filename*0*={value[:half]};\r\n"
                f" filename*1*={value[half:]}").encode("ascii")
    if style.startswith("rfc2047-"):
        charset = {"rfc2047-iso2022jp": "iso-2022-jp", "rfc2047-sjis": "shift_jis", "rfc2047-utf8": "utf-8"}[style]
        return f'Content-Disposition: attachment;\r\n filename="{_b_word(name, charset)}"'.encode("ascii")
    encoding = {"raw-cp932": "cp932", "raw-utf8": "utf-8"}[style]
    return b'Content-Disposition: attachment; filename="' + name.encode(encoding) + b'"'


def message(attachments: list[tuple[str, bytes, str]], subject: str = "顧客リスト送付",
            date: str = "Tue, 03 Nov 2026 09:12:00 +0900", boundary: str = "==leakscan-test==",
            sender: str = "staff@example.jp", cte: str = "base64", extra: bytes = b"") -> bytes:
    """A multipart/mixed message (CRLF lines) with a short text body and the given attachments (name, bytes,
    name style from NAME_STYLES). Built by hand around the ``email`` package's encoders, since some name
    styles are not something a conforming writer produces."""
    head = (f"From: {sender}\r\nTo: {sender}\r\nSubject: {_b_word(subject, 'iso-2022-jp')}\r\nDate: {date}\r\n"
            f"Message-ID: <{_message_number(subject, date, boundary)}@example.jp>\r\nMIME-Version: 1.0\r\n"
            f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n').encode("ascii") + extra + b"\r\n"
    body = MIMEText("資料を送ります。", "plain", "iso-2022-jp").as_bytes(policy=policy.SMTP)
    parts = [body]
    for name, data, style in attachments:
        kind = XLSX if name.endswith(".xlsx") else "text/csv" if name.endswith(".csv") else "application/octet-stream"
        if cte == "base64":
            payload = base64.encodebytes(data).replace(b"\n", b"\r\n")
        else:
            import quopri

            # text lines in CRLF, as MIME has them on the wire
            payload = quopri.encodestring(data.replace(b"\r\n", b"\n")).replace(b"\n", b"\r\n")
        parts.append(f"Content-Type: {kind}\r\nContent-Transfer-Encoding: {cte}\r\n".encode("ascii")
                     + disposition(name, style) + b"\r\n\r\n" + payload)
    sep = f"--{boundary}".encode("ascii")
    out = head + b"This is a multi-part message in MIME format.\r\n"
    for p in parts:
        out += sep + b"\r\n" + p + b"\r\n"
    return out + sep + b"--\r\n"


def _message_number(*parts: str) -> int:
    """A Message-ID number from the message's own words: the same in every run (``hash`` of a str is salted per
    process, so the bytes of a fixture changed from run to run)."""
    import zlib

    return zlib.crc32("\x00".join(parts).encode("utf-8")) % 10**12


def forwarded(inner: bytes, subject: str = "転送: 顧客リスト") -> bytes:
    """A message carrying another one as an attachment (message/rfc822), as 'forward as attachment' sends it."""
    outer = MIMEMultipart()
    outer["From"] = "staff@example.jp"
    outer["To"] = "home@example.jp"
    outer["Subject"] = Header(subject, "iso-2022-jp").encode()
    outer["Date"] = "Wed, 04 Nov 2026 08:00:00 +0900"
    outer.attach(MIMEText("転送します", "plain", "utf-8"))
    from email import message_from_bytes
    from email.mime.message import MIMEMessage

    outer.attach(MIMEMessage(message_from_bytes(inner)))
    return outer.as_bytes(policy=policy.SMTP)


def zipped(members: dict[str, bytes]) -> bytes:
    return zip_bytes(members, stored=())  # dated FIXED_TIME: the same bytes in every run


def plain(name: str, data: bytes) -> bytes:
    """A message written by the ``email`` package's own API (EmailMessage.add_attachment: RFC 2231 UTF-8)."""
    msg = EmailMessage()
    msg["From"] = "a@example.jp"
    msg["To"] = "b@example.jp"
    msg["Subject"] = "名簿"
    msg["Date"] = "Thu, 05 Nov 2026 10:00:00 +0900"
    msg.set_content("添付します")
    main, sub = (XLSX.split("/") if name.endswith(".xlsx") else ("application", "octet-stream"))
    msg.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return msg.as_bytes(policy=policy.SMTP)


def tnef_message() -> bytes:
    """A message whose attachment is a TNEF winmail.dat (Outlook's rich-text wrapper), as Exchange sends it."""
    part = MIMEApplication(b"\x78\x9f\x3e\x22" + b"\x00" * 60, "ms-tnef")
    part.add_header("Content-Disposition", "attachment", filename="winmail.dat")
    outer = MIMEMultipart()
    outer["From"] = "a@example.jp"
    outer["Subject"] = Header("資料", "utf-8").encode()
    outer.attach(MIMEText("本文", "plain", "utf-8"))
    outer.attach(part)
    return outer.as_bytes(policy=policy.SMTP)


def smime_message() -> bytes:
    """An S/MIME encrypted message: the whole content (attachments included) is one enveloped smime.p7m."""
    part = MIMEApplication(b"\x30\x82\x01\x00" + bytes(200), "pkcs7-mime", smime_type="enveloped-data",
                           name="smime.p7m")
    part.add_header("Content-Disposition", "attachment", filename="smime.p7m")
    part["From"] = "a@example.jp"
    part["Subject"] = Header("名簿", "utf-8").encode()
    return part.as_bytes(policy=policy.SMTP)


def mbox(messages: list[bytes]) -> bytes:
    """An mbox as Thunderbird keeps one (a ``From `` line before each message, ``>From `` escaping, LF lines)."""
    out = b""
    for i, m in enumerate(messages):
        body = m.replace(b"\r\n", b"\n")
        body = b"\n".join(b">" + line if line.startswith(b"From ") else line for line in body.split(b"\n"))
        out += f"From - Tue Nov  3 09:1{i}:00 2026\nX-Mozilla-Status: 0001\n".encode("ascii") + body.rstrip(b"\n")
        out += b"\n\n"
    return out


def emlx(message_bytes: bytes) -> bytes:
    """Apple Mail's .emlx: the message's length on the first line, the message, then an XML property list."""
    plist = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
             b'"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>\n'
             b"\t<key>flags</key>\n\t<integer>8590195713</integer>\n</dict>\n</plist>\n")
    return f"{len(message_bytes):<10}\n".encode("ascii") + message_bytes + plist


# ---------------------------------------------------------------- .msg ([MS-OXMSG]) via gsf createole

PT_LONG, PT_SYSTIME, PT_UNICODE, PT_BINARY, PT_OBJECT = 0x0003, 0x0040, 0x001F, 0x0102, 0x000D


def _properties(entries: list[tuple[int, int, bytes]], header: int) -> bytes:
    """A __properties_version1.0 stream: a header (32 bytes top-level, 24 embedded, 8 attachment) and
    16-byte entries (tag, flags, 8-byte value or size)."""
    out = b"\x00" * header
    for prop, ptype, value in entries:
        out += struct.pack("<IIQ", (prop << 16) | ptype, 6, 0)[:8] + value.ljust(8, b"\x00")[:8]
    return out


def _filetime(iso: str) -> bytes:
    from datetime import datetime

    seconds = datetime.fromisoformat(iso).timestamp()
    return struct.pack("<Q", int((seconds + 11_644_473_600) * 10_000_000))


def _write_message(folder: Path, subject: str, attachments: list[tuple[str, bytes] | tuple[str, dict]],
                   header: int, sent: str = "2026-11-03T00:12:00+00:00", message_class: str = "IPM.Note",
                   bodies: dict[str, bytes] | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for stream, content in (bodies or {}).items():  # e.g. {"__substg1.0_1000001F": text in UTF-16LE}
        (folder / stream).write_bytes(content)
    (folder / "__substg1.0_0037001F").write_bytes(subject.encode("utf-16-le"))
    (folder / "__substg1.0_001A001F").write_bytes(message_class.encode("utf-16-le"))
    (folder / "__properties_version1.0").write_bytes(_properties([(0x0039, PT_SYSTIME, _filetime(sent))], header))
    for i, (name, content) in enumerate(attachments):
        att = folder / f"__attach_version1.0_#{i:08X}"
        att.mkdir()
        (att / "__substg1.0_3707001F").write_bytes(name.encode("utf-16-le"))
        (att / "__substg1.0_3001001F").write_bytes(name.encode("utf-16-le"))
        if isinstance(content, dict):  # an attached Outlook item (attach method 5): a message storage
            (att / "__properties_version1.0").write_bytes(_properties([(0x3705, PT_LONG, struct.pack("<I", 5))], 8))
            _write_message(att / "__substg1.0_3701000D", content["subject"], content["attachments"], 24,
                           bodies=content.get("bodies"))
        else:
            (att / "__properties_version1.0").write_bytes(_properties([(0x3705, PT_LONG, struct.pack("<I", 1))], 8))
            (att / "__substg1.0_37010102").write_bytes(content)


def msg_file(workdir: Path, subject: str, attachments: list[tuple[str, bytes] | tuple[str, dict]],
             message_class: str = "IPM.Note", bodies: dict[str, bytes] | None = None) -> bytes:
    """An Outlook .msg (a compound file) with the given attachments: (name, bytes) for a file, (name,
    {"subject": ..., "attachments": [...]}) for an attached Outlook item holding its own attachments."""
    tree = workdir / "msgtree"
    if tree.exists():
        import shutil

        shutil.rmtree(tree)
    _write_message(tree, subject, attachments, 32, message_class=message_class, bodies=bodies)
    out = workdir / "out.msg"
    names = sorted(p.name for p in tree.iterdir())
    subprocess.run(["gsf", "createole", str(out), *names], cwd=tree, check=True, capture_output=True)
    return out.read_bytes()


# ---------------------------------------------------------------- TNEF (winmail.dat)

def _tnef_object(level: int, name: int, kind: int, data: bytes) -> bytes:
    """One TNEF object: level, id, type, length, data, 16-bit checksum (sum of the data bytes)."""
    return (bytes([level]) + struct.pack("<HHI", name, kind, len(data)) + data
            + struct.pack("<H", sum(data) & 0xFFFF))


def tnef(files: list[tuple[str, bytes]], body: bytes | None = None) -> bytes:
    """A winmail.dat as [MS-OXTNEF] lays it out: signature, key, the TNEF version and OEM code page, the body
    (attBody, 8-bit), then per file attAttachRendData, attAttachTitle (8-bit name) and attAttachData."""
    out = struct.pack("<IH", 0x223E9F78, 0x0102)
    out += _tnef_object(1, 0x9006, 0x0008, struct.pack("<I", 0x10000))
    out += _tnef_object(1, 0x9007, 0x0006, struct.pack("<II", 932, 0))
    if body is not None:
        out += _tnef_object(1, 0x800C, 0x0002, body)
    for name, data in files:
        out += _tnef_object(2, 0x9002, 0x0006, bytes(14))
        out += _tnef_object(2, 0x8010, 0x0001, name.encode("cp932") + b"\x00")
        out += _tnef_object(2, 0x800F, 0x0006, data)
    return out


def with_tnef(winmail: bytes) -> bytes:
    """A message carrying a winmail.dat as Exchange sends one (application/ms-tnef)."""
    part = MIMEApplication(winmail, "ms-tnef")
    part.add_header("Content-Disposition", "attachment", filename="winmail.dat")
    outer = MIMEMultipart()
    outer["From"] = "a@example.jp"
    outer["Subject"] = Header("資料", "utf-8").encode()
    outer.attach(MIMEText("本文", "plain", "utf-8"))
    outer.attach(part)
    return outer.as_bytes(policy=policy.SMTP)


class PffStringEntry:
    """A string property (PT_UNICODE) as libpff's record entry gives it."""

    def __init__(self, tag: int, text: str) -> None:
        self.tag, self.text = tag, text

    def get_entry_type(self) -> int:
        return self.tag

    def get_value_type(self) -> int:
        return 0x001F

    def get_data(self) -> bytes:
        return self.text.encode("utf-16-le")


class PffContact:
    """A contact item as libpff gives it: one record set of string properties (FIELDS: property tag -> text),
    no time, subject, body or attachment."""

    def __init__(self, fields: dict[int, str]) -> None:
        self.entries = [PffStringEntry(t, v) for t, v in fields.items()]

    def get_number_of_record_sets(self) -> int:
        return 1

    def get_record_set(self, _index: int) -> PffContact:
        return self

    def get_number_of_entries(self) -> int:
        return len(self.entries)

    def get_entry(self, k: int) -> PffStringEntry:
        return self.entries[k]

    def get_client_submit_time(self) -> None:
        return None

    get_delivery_time = get_creation_time = get_client_submit_time

    def get_subject(self) -> str:
        return ""

    def get_html_body(self) -> None:
        return None

    get_plain_text_body = get_rtf_body = get_html_body

    def get_number_of_attachments(self) -> int:
        return 0

    def get_identifier(self) -> int:
        return 7
