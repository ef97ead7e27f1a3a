"""Session 9: disguised and damaged person tables that ended as nothing, or as 'ok' with fewer records.

- a header row below line 5 of a ``.log`` (log lines before it), or below row 20 of a ``.txt`` whose first lines
  are log lines with commas (not one-cell notes);
- an HTML page whose ``<table>`` starts after its first 4 KiB (a long ``<head>``), named as a picture;
- a browser's saved page (Chrome/Edge "Save as MHTML", IE "Web archive"): quoted-printable or base64, either
  boundary style, the table in the page or in a frame;
- a cut or zeroed CSV / vCard: read ``ok`` with fewer records before; now ``corrupt`` with what was read.

Every file is built here from fictitious people (Faker ja_JP, fixed seed); nothing is tuned to the campaign's
files (bench/fuzz_campaign.py), which found the classes."""

from __future__ import annotations

import base64
import json
import quopri
from pathlib import Path

import mail_data as md
import pytest
from conftest import run_leakscan
from pii_data import csv_bytes, people, standard, xlsx_bytes
from test_vcard import iphone

from scanner.inspectors.spreadsheet import analyse_bytes
from scanner.sheet import Caps
from scanner.tables import read_tables, sniff_format, text_damage
from tests import person_tables_data as T

N = 14
ROWS = standard(people(N, seed=909))
LOG = "".join(f"2026-11-0{i % 9 + 1} 10:{i:02d}:00 INFO batch {i} done, worker=2, queue=main, took {i * 7} ms\n"
              for i in range(30))


def _table_html(rows: list[list[object]]) -> str:
    return "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows) + "</table>"


def _page(body: str, style_bytes: int = 0) -> str:
    style = ".c{color:#333;margin:0 auto}\n" * (style_bytes // 28)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>名簿</title><style>{style}</style></head>'
            f"<body><h1>利用者一覧</h1>{body}</body></html>")


def chrome_mhtml(pages: list[str]) -> bytes:
    """As Chrome/Edge save a page ("Save as MHTML"): ``From: <Saved by Blink>``, a boundary of dashes, each frame a
    quoted-printable text/html part without a charset (the page's meta says it)."""
    boundary = "----MultipartBoundary--kQ3bN8xVfQ2mW1pL7sZcT4yR9uE5oA6dH0gJ----"
    out = ["From: <Saved by Blink>", "Snapshot-Content-Location: https://intra.example.jp/care/list",
           "Subject: =?utf-8?Q?=E5=90=8D=E7=B0=BF?=", "Date: Tue, 3 Nov 2026 09:12:00 +0900", "MIME-Version: 1.0",
           'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="' + boundary + '"', "", ""]
    for i, page in enumerate(pages):
        qp = quopri.encodestring(page.encode("utf-8")).decode("ascii").replace("\n", "\r\n")
        out += [f"--{boundary}", "Content-Type: text/html", f"Content-ID: <frame-{i}@mhtml.blink>",
                "Content-Transfer-Encoding: quoted-printable", f"Content-Location: https://intra.example.jp/f{i}", "", qp]
    out += [f"--{boundary}", "Content-Type: text/css", "Content-Transfer-Encoding: quoted-printable",
            "Content-Location: cid:css-1@mhtml.blink", "", "body{margin:0}", f"--{boundary}--", ""]
    return "\r\n".join(out).encode("ascii")


def ie_mhtml(page: str) -> bytes:
    """As Internet Explorer saves a "Web archive, single file": ``----=_NextPart_000_...`` boundary, Shift_JIS, base64."""
    html = page.replace('charset="utf-8"', 'charset="shift_jis"').encode("cp932")
    return ("From: <Saved by Windows Internet Explorer 8>\r\nSubject: \r\nDate: Tue, 3 Nov 2026 09:12:00 +0900\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n"
            "\tboundary=\"----=_NextPart_000_0000_01DB2D1C.5A6B7C80\"\r\nX-MimeOLE: Produced By Microsoft MimeOLE V6.1\r\n"
            "\r\nThis is a multi-part message in MIME format.\r\n\r\n------=_NextPart_000_0000_01DB2D1C.5A6B7C80\r\n"
            "Content-Type: text/html;\r\n\tcharset=\"shift_jis\"\r\nContent-Transfer-Encoding: base64\r\n"
            "Content-Location: http://intra.example.jp/list.htm\r\n\r\n"
            + base64.encodebytes(html).decode("ascii").replace("\n", "\r\n")
            + "\r\n------=_NextPart_000_0000_01DB2D1C.5A6B7C80--\r\n").encode("ascii")


def _tsv_mail() -> bytes:
    from email import policy
    from email.mime.text import MIMEText

    part = MIMEText("名簿です。\n\n" + "\n".join("\t".join(str(c) for c in r) for r in ROWS) + "\n", "plain", "iso-2022-jp")
    part["From"], part["Subject"] = "a@example.jp", "list"
    return part.as_bytes(policy=policy.SMTP)


def _zeroed(data: bytes, at: int, size: int) -> bytes:
    return data[:at] + bytes(size) + data[at + size:]


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    tmp = tmp_path_factory.mktemp("damage9")
    share = tmp / "share"
    share.mkdir()
    csv_utf8 = csv_bytes(ROWS, "utf-8", newline="\n")
    files = {
        "export.log": LOG[:LOG.index("\n", 900) + 1].encode() + csv_utf8,  # header on line 12
        "notes.txt": LOG.encode("cp932") + csv_bytes(ROWS, "cp932"),  # header on line 31, log lines with commas above
        "page.jpg": _page(_table_html(ROWS), style_bytes=9000).encode(),  # <table> after 9 KiB, no Excel mark
        "chrome.mhtml": chrome_mhtml([_page(_table_html(ROWS))]),
        "frames.mhtml": chrome_mhtml([_page("<p>お知らせ</p>"), _page(_table_html(ROWS))]),  # the list in a frame
        "ie.mht": ie_mhtml(_page(_table_html(ROWS), style_bytes=3000)),
        "cut.csv": csv_utf8[:csv_utf8.index(b"\n", len(csv_utf8) // 2) + 12],  # cut inside a row
        "zeroed.csv": csv_utf8[:300] + bytes(512) + csv_utf8[812:],
        # Outlook's wrapper saved to disk by a mail client that cannot open it (Session 9: never read)
        "winmail.dat": md.tnef([("利用者名簿.xlsx", xlsx_bytes({"名簿": ROWS}))]),
        "ATT00002.dat": md.tnef([("名簿.csv", csv_bytes(ROWS, "cp932"))], body=b"see attached"),
        # a mail whose Content-Type line was zeroed on disk: its body table is no longer seen (Session 9: clean)
        "zeroed.eml": _zeroed(_tsv_mail(), 21, 256),
        "sound.eml": _tsv_mail(),
        # quiet: a log whose lines name a name and an address (no table), a page without a table
        "quiet.log": (LOG + "2026-11-09 11:00:00 氏名,住所,電話 の項目を更新\n処理件数 3 件\n" + LOG).encode(),
        "article.mhtml": chrome_mhtml([_page("<p>今月の行事: 秋祭り, 10月5日</p>", style_bytes=6000)]),
    }
    for name, data in files.items():
        (share / name).write_bytes(data)
    out = tmp / "out"
    proc = run_leakscan("scan", str(share), "--out", str(out))
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    return share, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _hits(doc: dict) -> dict[str, dict]:
    return {Path(h["path"]).name: h for h in doc["files"]}


def _records(hit: dict) -> int:
    return (hit.get("pii") or {}).get("records", 0)


def test_a_mail_with_a_zeroed_block_is_listed(scan: tuple[Path, dict]) -> None:
    skips = {Path(s["path"]).name: s for s in scan[1]["skipped"]}
    assert skips["zeroed.eml"]["reason"] == "corrupt" and "NUL bytes" in skips["zeroed.eml"]["detail"]
    hits = [h for h in scan[1]["files"] if h["path"].startswith(str(scan[0] / "sound.eml"))]
    assert "sound.eml" not in skips and sum(_records(h) for h in hits) == N


@pytest.mark.parametrize("name", ["winmail.dat", "ATT00002.dat"])
def test_a_winmail_dat_saved_to_disk_is_opened(scan: tuple[Path, dict], name: str) -> None:
    hits = [h for h in scan[1]["files"] if h["path"].startswith(str(scan[0] / name) + " » ")]
    assert hits and sum(_records(h) for h in hits) == N, [h["path"] for h in hits]


@pytest.mark.parametrize("name", ["export.log", "notes.txt"])
def test_a_header_below_log_lines_is_found(scan: tuple[Path, dict], name: str) -> None:
    hit = _hits(scan[1]).get(name)
    assert hit is not None and _records(hit) == N and hit.get("status", "ok") == "ok"


def test_a_table_after_a_long_head_under_a_pictures_name_is_found(scan: tuple[Path, dict]) -> None:
    hit = _hits(scan[1]).get("page.jpg")
    assert hit is not None and _records(hit) == N
    assert "extension-mismatch:.jpg>markup" in hit["matched_rules"]


@pytest.mark.parametrize("name", ["chrome.mhtml", "frames.mhtml", "ie.mht"])
def test_a_browsers_saved_page_holding_the_list_is_read(scan: tuple[Path, dict], name: str) -> None:
    hit = _hits(scan[1]).get(name)
    assert hit is not None and _records(hit) == N and hit.get("status", "ok") == "ok"


def test_pages_and_logs_without_a_person_table_stay_quiet(scan: tuple[Path, dict]) -> None:
    hits, skipped = _hits(scan[1]), {Path(s["path"]).name for s in scan[1]["skipped"]}
    assert not {"quiet.log", "article.mhtml"} & (set(hits) | skipped)


@pytest.mark.parametrize("name", ["cut.csv", "zeroed.csv"])
def test_a_cut_or_zeroed_csv_is_corrupt_with_the_rows_read(scan: tuple[Path, dict], name: str) -> None:
    hit = _hits(scan[1])[name]
    assert hit["status"] == "corrupt" and 0 < _records(hit) < N


def test_what_is_no_damage_in_a_text_table() -> None:
    whole = csv_bytes(ROWS, "utf-8", newline="\n")
    assert text_damage(whole.rstrip(b"\n"), 5, 5) == []  # no line end after a complete last row: ordinary
    assert text_damage(whole + bytes(4096), 5, 5) == []  # NUL padding at the end: nothing lost
    assert text_damage(whole[:-9], 5, 4) != [] and text_damage(whole[:200] + bytes(16) + whole[216:], 5, 5) != []
    wide = csv_bytes(ROWS, "utf-16le-bom")  # UTF-16: NUL bytes everywhere, never 16 in a row
    sheets = read_tables(wide, Caps()).sheets
    assert len(sheets[0].rows) == N + 1 and sheets[0].damage == []


@pytest.mark.parametrize("cut", [0.3, 0.77])
def test_a_cut_address_book_is_damaged_with_the_cards_read(cut: float) -> None:
    data = iphone(T.ja_people(10, seed=919))
    part = data[:int(len(data) * cut)]
    found, _, reading = analyse_bytes(part, sniff_format(part), Caps())
    assert found and 0 < len(found[0].rows) < 10
    assert any("END:VCARD" in d for d in reading.damage)
    found, _, reading = analyse_bytes(data, "vcard", Caps())
    assert len(found[0].rows) == 10 and reading.damage == []


def _tar_children(tmp_path: Path, name: str, data: bytes) -> list:
    from scanner.config import ScanConfig
    from scanner.contracts import NoProgress, ScanContext, ScanResult
    from scanner.inspectors.archive import ArchiveInspector
    from scanner.names import NameRules
    from scanner.sources.single import SingleFileEntry

    path = tmp_path / name
    path.write_bytes(data)
    config = ScanConfig(sources=[str(path)], out=tmp_path / "unused", names=[], parse_timeout=10)
    ctx = ScanContext(config, NameRules([], True), [], ScanResult(config, started=""), NoProgress())
    return list(ArchiveInspector(config).inspect(SingleFileEntry(str(path)), data, "", ctx).children)


def _header_index(tar: bytes, regular: int) -> int:
    """The index among all headers (pax ones too) of the ``regular``-th regular member's header."""
    at = index = seen = 0
    while True:
        size = int(tar[at + 124:at + 136].strip(b"\x00 ") or b"0", 8)
        if tar[at + 156:at + 157] in (b"0", b"\x00"):
            if seen == regular:
                return index
            seen += 1
        at += 512 + -(-size // 512) * 512
        index += 1


def _pax_tar(members: dict[str, bytes]) -> bytes:
    """A POSIX.1-2008 (pax) tar as Python writes it: long and non-ASCII names in real pax headers."""
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 1488363630.25  # a fractional mtime: a pax record too
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.mark.parametrize("flag", [b"x", b"g"])
@pytest.mark.parametrize("member", [0, 1, 2])
def test_a_tar_member_whose_type_became_a_pax_header_is_listed(tmp_path: Path, flag: bytes, member: int) -> None:
    """A member's type flag damaged to a pax header (checksum still valid): tarfile read its bytes as pax records,
    found none and went on without an error; the member was lost and the tar said 'ok'."""
    import gzip

    from fuzz_data import _tar_edit

    from scanner.models import Skipped

    members = {f"a/{i}-利用者.csv": csv_bytes(ROWS[:3 + i], "cp932") for i in range(3)}
    for tar, before in ((_pax_tar(members), 0), (_pax_tar({"b/" + "長い名前" * 30 + ".csv": b"x,y\n", **members}), 1)):
        sound = _tar_children(tmp_path, "sound.tar", tar)
        assert not [c for c in sound if isinstance(c, Skipped)], "real pax headers are no damage"
        damaged = gzip.decompress(_tar_edit(tar, _header_index(tar, member + before), slice(156, 157), flag))
        skips = [c for c in _tar_children(tmp_path, "damaged.tar", damaged) if isinstance(c, Skipped)]
        assert skips and all(s.reason == "corrupt" and "pax" in s.detail for s in skips), skips


def test_salvage_never_inflates_a_part_past_what_is_left_of_its_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cap over all parts was applied after each part was inflated up to the whole cap (a crafted cut workbook
    of many parts: many times the cap in memory before the cut). Each part is now inflated only up to what is
    left of the cap, asked before it is read."""
    import io
    import zipfile

    from scanner.inspectors import archive_formats, salvage

    rows = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>x{i}</t></is></c></row>' for i in range(1, 3000))
    sheet = f'<worksheet xmlns="{salvage.MAIN}"><sheetData>{rows}</sheetData></worksheet>'.encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n in range(1, 6):
            z.writestr(f"xl/worksheets/sheet{n}.xml", sheet)
    data = buf.getvalue()
    cut = data[:data.rfind(b"PK\x01\x02")]
    inflated: list[int] = []
    real = archive_formats._zip_local_entries

    def counting(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - the reader's own arguments
        for info, content, why in real(*args, **kwargs):
            inflated.append(len(content or b""))
            yield info, content, why

    monkeypatch.setattr(salvage, "_zip_local_entries", counting)
    limit = len(sheet) * 3 // 2
    made = salvage.rebuild(cut, limit)
    assert made and "stopped at the cap" in made[0][1]
    assert sum(inflated) <= limit, (sum(inflated), limit)


def _xlsb(rows: list[list[object]]) -> bytes:
    from tests.pii_data import xlsb_bytes

    return xlsb_bytes({"名簿": [[str(v) for v in r] for r in rows]})


def _inspect(tmp_path: Path, name: str, data: bytes):  # noqa: ANN202 - an Inspection
    from scanner.config import ScanConfig
    from scanner.inspectors.spreadsheet import SpreadsheetInspector
    from scanner.sources.single import SingleFileEntry

    path = tmp_path / name
    path.write_bytes(data)
    config = ScanConfig(sources=[str(path)], out=tmp_path / "out", names=[])
    return SpreadsheetInspector(config).inspect(SingleFileEntry(str(path)), data, "", None)  # type: ignore[arg-type]


def test_a_cut_xlsb_keeps_the_rows_before_the_cut(tmp_path: Path) -> None:
    """A cut .xlsb (BIFF12 parts, no zip directory) was 'corrupt' with 0 records even when only its last bytes were
    missing: salvage closed XML parts only. Its sheet and shared strings are now kept up to their last complete
    record; a cut before any name is left is still listed (corrupt, nothing counted)."""
    import zipfile

    data = _xlsb(ROWS)
    with zipfile.ZipFile(io_bytes(data)) as z:
        sst = z.getinfo("xl/sharedStrings.bin")
    cut_in_sst = sst.header_offset + 30 + len(sst.filename) + sst.compress_size * 3 // 4
    for cut in (len(data) - 1, len(data) - 22, cut_in_sst):
        ins = _inspect(tmp_path, "名簿.xlsb", data[:cut])
        assert ins.status == "corrupt" and ins.records is not None and 0 < len(ins.records) <= N, (cut, ins.detail)
    whole = _inspect(tmp_path, "名簿.xlsb", data)
    assert whole.status == "ok" and whole.records is not None and len(whole.records) == N
    early = _inspect(tmp_path, "名簿.xlsb", data[:400])
    assert early.status == "corrupt" and not early.records


def io_bytes(data: bytes):  # noqa: ANN201 - a BytesIO
    import io

    return io.BytesIO(data)


def test_a_msg_whose_body_stream_name_is_damaged_is_listed(tmp_path: Path) -> None:
    """One flipped byte in a body stream's name (``__substg1.°_1000001F``): the body (the pasted list) was not
    read, the walk's check saw no body and the message was passed over as clean. Such a name is said."""
    from scanner.inspectors.mail_outlook import msg_may_hold_attachments, read_msg
    from scanner.sources.single import SingleFileEntry

    body = "\r\n".join("\t".join(str(c) for c in r) for r in ROWS).encode("utf-16-le")
    sound = md.msg_file(tmp_path, "名簿", [], bodies={"__substg1.0_1000001F": body})
    assert not read_msg(sound).problems
    name = "__substg1.0_1000001F".encode("utf-16-le")
    assert sound.count(name) == 1
    for flipped in ("__substg1.\u00b0_1000001F", "__substg1.0_1000001G", "__subsTg1.0_1000001F"):
        damaged = sound.replace(name, flipped.encode("utf-16-le"))
        path = tmp_path / "damaged.msg"
        path.write_bytes(damaged)
        assert msg_may_hold_attachments(SingleFileEntry(str(path)), 1 << 20)
        problems = read_msg(damaged).problems
        assert [p[0] for p in problems] == ["corrupt"] and "name(s) damaged" in problems[0][1], (flipped, problems)


def test_a_cut_or_damaged_base64_web_page_keeps_its_rows() -> None:
    """Excel's single-file web page keeps its HTML in base64: cut or with a damaged byte, the email package handed
    back the base64 text itself, no table was found, and the page was quiet (Session 9 campaign: 21 of 40 damaged
    Excel .mht silent). The part is decoded as far as it goes and the file is corrupt with the rows read."""
    from table_damage import html_table, mhtml

    from scanner.errors import ReadError

    page = mhtml(html_table(ROWS))
    found, _, reading = analyse_bytes(page, "mhtml", Caps())
    assert len(found[0].rows) == N and reading.damage == []
    body = page.index(b"base64\r\n") + 60
    for damaged in (page[:len(page) * 2 // 3], page[:body] + b"*" + page[body + 1:], page[:body] + bytes(40) + page[body + 40:]):
        found, _, reading = analyse_bytes(damaged, "mhtml", Caps())
        assert found and 0 < len(found[0].rows) <= N and any("base64" in d or "cut" in d for d in reading.damage), reading.damage
    with pytest.raises(ReadError, match="cut"):
        analyse_bytes(page[:body + 8], "mhtml", Caps())  # nothing of the table left: corrupt, not a page without one


def test_a_damaged_content_type_name_keeps_the_attachments() -> None:
    """One flipped byte in the name of the top Content-Type header (``C/ntent-Type``): the message read as one text
    part, its attachments never read (Session 9 campaign: silent). The header whose value names a multipart boundary
    that cuts the body is taken for the damaged Content-Type; the walk's check sends such a message to the worker."""
    from scanner.inspectors.mail_mime import read_message, text_only
    from tests.mail_data import message

    raw = message([("利用者名簿.xlsx", xlsx_bytes({"名簿": ROWS}), "rfc2231-utf8"),
                   ("利用者.csv", csv_bytes(ROWS), "rfc2231-utf8")])
    assert not read_message(raw).problems
    for flipped in (b"C/ntent-Type", b"Content-Typo", b"Content-Tspe"):
        damaged = raw.replace(b"Content-Type: multipart/mixed", flipped + b": multipart/mixed", 1)
        mail = read_message(damaged)
        assert [a.name for a in mail.attachments] == ["利用者名簿.xlsx", "利用者.csv"], (flipped, mail.attachments)
        assert [p[0] for p in mail.problems] == ["corrupt"] and not text_only(damaged[:4096], complete=True)
