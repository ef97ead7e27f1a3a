"""Session 9 audit fixes (fixmsg9): a damaged .msg under a workbook's name read by nobody (the spreadsheet inspector
left it to the mail inspector, which did not take it); the plain/HTML comparison of a multipart/mixed message
decoding every HTML part again for each plain part. Fictitious people (Faker ja_JP, fixed seed)."""

from __future__ import annotations

import struct
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest

from scanner.codes import Status
from scanner.config import ScanConfig
from scanner.inspectors.mail import MailInspector
from scanner.inspectors.mail_mime import read_message
from scanner.inspectors.spreadsheet import SpreadsheetInspector
from scanner.sources.single import SingleFileEntry
from tests import mail_data as md
from tests.pii_data import people, standard
from tests.test_review9f import _directory_loops_on_itself

TABLE = standard(people(10, seed=9391))


def _first_directory_sector_lost(msg: bytes) -> bytes:
    """The header's first directory sector past the end of the file: no directory entry reads."""
    lost = bytearray(msg)
    struct.pack_into("<I", lost, 0x30, 4000)
    return bytes(lost)


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("fixmsg9")
    body = "\r\n".join("\t".join(str(c) for c in r) for r in TABLE).encode("utf-16-le")
    msg = md.msg_file(work, "名簿", [], bodies={"__substg1.0_1000001F": body})
    (work / "share").mkdir()
    paths = {}
    for how, damage in (("loops", _directory_loops_on_itself), ("breaks", _first_directory_sector_lost)):
        paths[how] = work / "share" / how / "名簿.xls"
        paths[how].parent.mkdir()
        paths[how].write_bytes(damage(msg))
    return paths


@pytest.mark.parametrize("how", ["loops", "breaks"])
def test_a_damaged_msg_named_xls_is_read_or_listed(damaged: dict[str, Path], how: str) -> None:
    """A .msg holding a pasted table whose directory chain loops or breaks before its body, saved as 名簿.xls: the
    mail inspector does not take it (its probe sees no body); the spreadsheet inspector then must list it, not
    pass it over as "the mail inspector reads it"."""
    looped = damaged[how]
    config = ScanConfig(sources=[str(looped.parent)], out=looped.parent.parent / "out")
    entry, data = SingleFileEntry(str(looped)), looped.read_bytes()
    mail_reads = MailInspector(config).wants(entry, len(data), lambda: data[:4096])
    found = SpreadsheetInspector(config).inspect(entry, data, "", None)
    assert mail_reads or found.status == Status.CORRUPT, (mail_reads, found)
    if how == "loops":  # a broken first sector is listed "damaged OLE2 container" (olefile's own check) already
        assert "Outlook" in found.detail and how in found.detail, found.detail


def test_a_whole_short_msg_named_xls_is_no_skipped_file(tmp_path: Path) -> None:
    """A whole .msg whose body is one line, saved as 名簿.xls: the mail inspector passes it over (nothing to read)
    and so does the spreadsheet inspector; the damaged one above is the only one listed."""
    msg = md.msg_file(tmp_path, "連絡", [], bodies={"__substg1.0_1000001F": "了解です".encode("utf-16-le")})
    path = tmp_path / "share" / "名簿.xls"
    path.parent.mkdir()
    path.write_bytes(msg)
    config = ScanConfig(sources=[str(path.parent)], out=tmp_path / "out")
    found = SpreadsheetInspector(config).inspect(SingleFileEntry(str(path)), msg, "", None)
    assert found.status == Status.OK and not found.pii, found


def _many_parts(plain: str, html: str, count: int) -> bytes:
    outer = MIMEMultipart("mixed")
    for _ in range(count):
        outer.attach(MIMEText(plain, "plain", "utf-8"))
    for _ in range(3):
        outer.attach(MIMEText(html, "html", "utf-8"))
    return outer.as_bytes()


TSV = "\n".join("\t".join(str(c) for c in r) for r in TABLE) + "\n"
HTML = "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in TABLE) + "</table>"


def test_many_plain_parts_beside_the_same_html_are_one_text() -> None:
    """40 plain parts holding the HTML's table: each is the HTML's text, so all are one group (one body child)."""
    bodies = [a for a in read_message(_many_parts(TSV, HTML, 40)).attachments if a.name.startswith("(body)")]
    single = [a for a in read_message(_many_parts(TSV, HTML, 1)).attachments if a.name.startswith("(body)")]
    assert [a.name for a in bodies] == [a.name for a in single] == ["(body).html"] * 3, [a.name for a in bodies]


def test_many_plain_parts_beside_another_html_are_texts_of_their_own() -> None:
    """The same plain parts beside an HTML of other people: every plain part stays a text of its own."""
    other = standard(people(10, seed=9392))
    html = "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in other) + "</table>"
    bodies = [a for a in read_message(_many_parts(TSV, html, 40)).attachments if a.name.startswith("(body)")]
    single = [a for a in read_message(_many_parts(TSV, html, 1)).attachments if a.name.startswith("(body)")]
    assert [a.name for a in single] == ["(body).txt", *["(body).html"] * 3], [a.name for a in single]
    assert [a.name for a in bodies] == [*["(body).txt"] * 40, *["(body).html"] * 3], [a.name for a in bodies]
