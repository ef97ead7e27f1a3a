"""Review of damage9 (Session 9): healthy text tables its damage signs listed ``corrupt``, and silent classes left.

A false ``corrupt`` on an evidence file misleads the report as much as a silent clean: these files are whole.
- a CSV ending with the DOS end-of-file mark (Ctrl-Z, 0x1A) after its last line end, as MS-DOS era and host
  exports (全銀 and 汎用機 transfers, COPY /A) still write: read as a last row of one cell "without a line end";
- a fixed-field export whose fields are padded with NUL bytes (C structs written as text): every padding run is a
  "zeroed block";
- a ragged CSV (rows that leave out their trailing empty cells, as hand-made and many exporters write) without a
  final line end: its short last row is the file's own style, not a cut.

Every file is built here from fictitious people (Faker ja_JP, fixed seed)."""

from __future__ import annotations

from pathlib import Path

from pii_data import csv_bytes, people, standard

from scanner.inspectors.spreadsheet import analyse_bytes
from scanner.sheet import Caps
from scanner.tables import sniff_format

ROWS = standard(people(12, seed=1909))


def _read(data: bytes) -> tuple[int, list[str]]:
    found, _, reading = analyse_bytes(data, sniff_format(data), Caps())
    return sum(len(s.rows) for s in found), reading.damage


def test_a_csv_ending_with_the_dos_end_of_file_mark_is_whole() -> None:
    data = csv_bytes(ROWS, "cp932", newline="\r\n")
    rows, damage = _read(data + b"\x1a")
    assert rows == _read(data)[0] > 0 and damage == []
    cut = data[:data.index(b"\r\n", len(data) // 2) + 9]  # still a cut: the mark does not hide one
    assert _read(cut)[1] != []


def test_nul_padded_fields_are_no_zeroed_block() -> None:
    padded = b"".join(b",".join(str(c).encode("cp932").ljust(64, b"\x00") for c in r) + b"\r\n" for r in ROWS)
    rows, damage = _read(padded)
    assert rows > 0 and damage == []
    plain = csv_bytes(ROWS, "cp932")
    assert _read(plain[:200] + bytes(512) + plain[712:])[1] != []  # one block zeroed on disk stays damage


def test_a_ragged_csv_without_a_final_line_end_is_whole() -> None:
    lines = []
    for i, r in enumerate(ROWS):
        cells = ["" if v is None else str(v) for v in r]
        if i and i % 3 == 0:
            cells = cells[:3]  # trailing empty cells left out, as hand-made lists do
        lines.append(",".join(cells))
    ragged = "\r\n".join(lines[:-1] + [",".join(lines[-1].split(",")[:3])]).encode("cp932")
    rows, damage = _read(ragged)
    assert rows > 0 and damage == []
    uniform = csv_bytes(ROWS, "cp932")
    assert _read(uniform[:uniform.index(b"\r\n", len(uniform) // 2) + 9])[1] != []  # a regular table cut: damage


def test_an_address_book_padded_with_nuls_or_ending_with_the_dos_mark_is_whole() -> None:
    """NUL padding after the last card (a copy into preallocated space, a card image) and the DOS end-of-file mark
    lose no card: the same rule as a text table's (only a NUL block with text after it is a zeroed one)."""
    from test_vcard import iphone

    from tests import person_tables_data as T

    data = iphone(T.ja_people(6, seed=1919))
    for whole in (data + bytes(4096), data + b"\x1a", data + b"\x1a" + bytes(100)):
        rows, damage = _read(whole)
        assert rows == 6 and damage == [], damage
    zeroed = data[:300] + bytes(64) + data[364:]
    assert any("NUL" in d for d in _read(zeroed)[1])


def test_an_mbox_holding_a_zeroed_block_is_listed(tmp_path: Path) -> None:
    """A block of NULs inside a message of an mbox (zeroed on a damaged disk): what it held is lost. A saved .eml
    with one was listed corrupt (damage9); the same message in a Thunderbird Inbox was passed over as clean."""
    import mail_data as md

    from scanner.config import ScanConfig
    from scanner.inspectors.mail import MailInspector
    from scanner.models import FileStat, Location, Skipped
    from scanner.pipeline import scan_context

    plain = [md.message([(f"{i}.txt", b"hello\r\n", "rfc2231-utf8")]) for i in range(3)]
    plain[1] = plain[1][:40] + bytes(512) + plain[1][552:]
    data = md.mbox(plain)
    config = ScanConfig(sources=[], out=tmp_path / "out", names=[])

    class Mbox:
        location, name, deleted = Location("/share", "/share/Inbox"), "Inbox", False

        def stat(self) -> FileStat:
            return FileStat(len(data))

    def skips(mbox: bytes) -> list[Skipped]:
        children = MailInspector(config).inspect(Mbox(), mbox, "", scan_context(config)).children
        return [c for c in children if isinstance(c, Skipped)]

    zeroed = skips(data)
    assert [s.reason for s in zeroed] == ["corrupt"] and "NUL" in zeroed[0].detail, zeroed
    assert skips(md.mbox([md.message([(f"{i}.txt", b"hello\r\n", "rfc2231-utf8")]) for i in range(3)])) == []


def test_a_damaged_transfer_encoding_name_still_decodes_the_part() -> None:
    """One flipped byte in a part's ``Content-Transfer-Encoding`` header name (``Content-Transfer-Encodinf``):
    email takes the part as 7bit and hands back its base64 text; the attached list was never seen (silent)."""
    import base64

    import mail_data as md

    from scanner.inspectors.mail_mime import read_message

    roster = md.roster(4)
    sound = md.message([(md.ROSTER_NAME, roster, "rfc2231-utf8")])
    at = sound.index(b"Content-Transfer-Encoding: base64")
    for flipped in (b"Content-Transfer-Encodinf", b"Content-Tr@nsfer-Encoding", b"content-transfer-enc0ding"):
        mail = read_message(sound[:at] + flipped + sound[at + 25:])
        files = [a for a in mail.attachments if a.data == roster]
        assert files, [(a.name, (a.data or b"")[:20]) for a in mail.attachments]
        assert any(s == "corrupt" and "Content-Transfer-Encoding" in why for s, why in mail.problems), mail.problems
    assert read_message(sound).problems == [] and base64.b64encode(roster)[:20] not in sound[:at]


def test_a_base64_body_under_a_damaged_transfer_encoding_name_is_read() -> None:
    """The same damage on a one-part message whose body is a pasted list in base64: the walk's cheap check saw
    no base64 body and no table in the text, and never sent it to the worker; the worker read base64 text."""
    import base64

    from scanner.inspectors.mail_mime import body_may_hold_table, read_message, text_only

    tsv = "\n".join("\t".join("" if v is None else str(v) for v in r) for r in ROWS).encode("utf-8")
    body = base64.encodebytes(tsv).replace(b"\n", b"\r\n")
    for name in (b"Content-Transfer-Encoding", b"Content-Transfer-Encodinf", b"Content-Transfer=Encoding"):
        raw = (b"From: a@example.jp\r\nTo: b@example.jp\r\nSubject: list\r\nMIME-Version: 1.0\r\n"
               b"Content-Type: text/plain; charset=utf-8\r\n" + name + b": base64\r\n\r\n" + body)
        assert text_only(raw, complete=True) and body_may_hold_table(raw, True), name
        tables = [a for a in read_message(raw).attachments if a.data]
        person = str(ROWS[1][0])
        assert any(person in a.data.decode("utf-8", "replace") for a in tables if a.data), name


def test_a_short_note_without_a_final_line_end_is_no_cut_table() -> None:
    """A note typed in Notepad (no line end after its last line) whose first lines hold commas: no table above
    its last line, so nothing says a row was cut; it was listed corrupt (every .txt is read as a table)."""
    for note in ("本日の会議, 出席者: 担当A, 担当B, 担当C\r\n議題: 予算, 日程\r\n次回は来週の水曜日",
                 "件名: 訪問予定, 11月分\r\n\r\n詳細は別紙のとおり",
                 "連絡事項\r\n訪問, 11月分, 担当A\r\n詳細は別紙"):
        assert _read(note.encode("cp932"))[1] == [], note
    table = csv_bytes(ROWS[:3], "cp932")  # a header and two rows of as many cells above the cut
    assert _read(table[:table.rindex(b",", 0, len(table) - 20)])[1] != []
    first = table[:table.index(b"\r\n") + 30]  # cut inside the first record: the rest of the list is lost
    assert _read(first)[1] != []


def _directory_loops_on_itself(ole: bytes) -> bytes:
    """The FAT entry of the directory's first sector pointed back at that sector (a damaged FAT sector)."""
    import struct

    b = bytearray(ole)
    size = 1 << struct.unpack_from("<H", b, 30)[0]
    first_dir, fat0 = struct.unpack_from("<I", b, 48)[0], struct.unpack_from("<I", b, 76)[0]
    struct.pack_into("<I", b, (fat0 + 1) * size + 4 * first_dir, first_dir)
    return bytes(b)


def test_a_msg_whose_directory_chain_loops_is_listed(tmp_path: Path) -> None:
    """A .msg whose FAT sends its directory chain back to its first sector: olefile and the walk's probe saw the
    first sector's few entries (no body, no attachment) without an error, and the message was passed over."""
    import mail_data as md

    from scanner.inspectors.mail_outlook import msg_may_hold_attachments, read_msg
    from scanner.sources.single import SingleFileEntry

    body = "\r\n".join("\t".join(str(c) for c in r) for r in ROWS).encode("utf-16-le")
    sound = md.msg_file(tmp_path, "名簿", [], bodies={"__substg1.0_1000001F": body})
    assert not read_msg(sound).problems
    looped = _directory_loops_on_itself(sound)
    path = tmp_path / "looped.msg"
    path.write_bytes(looped)
    assert msg_may_hold_attachments(SingleFileEntry(str(path)), 1 << 20)
    problems = read_msg(looped).problems
    assert any(s == "corrupt" and "loop" in why for s, why in problems), problems


def test_a_browsers_saved_page_under_another_name_is_read(tmp_path: Path) -> None:
    """A page saved by Chrome/Edge ("Save as MHTML") or Internet Explorer ("Web archive") and renamed to a picture
    or left without an extension: the walk's disguise check knew only Excel's single-file pages; never read."""
    from test_damage9 import _inspect, _page, _table_html, chrome_mhtml, ie_mhtml

    from scanner.inspectors.disguise import check, look

    for name, data in (("page.jpg", chrome_mhtml([_page(_table_html(ROWS))])),
                       ("写真001.png", ie_mhtml(_page(_table_html(ROWS)))),
                       ("archive", chrome_mhtml([_page(_table_html(ROWS))]))):
        found, more = look(name, data[:65])
        if found is None and more:
            found = check(name, data[:more])
        assert found is not None and found.family == "mime", (name, found, more)
        inspection = _inspect(tmp_path, name, data)
        assert inspection.pii is not None and inspection.pii["records"] == len(ROWS) - 1, (name, inspection.status)


def test_a_web_page_whose_transfer_encoding_name_is_damaged_keeps_its_rows() -> None:
    """The same damage in a saved web page (Chrome's quoted-printable, IE's and Excel's base64): the page's HTML
    was read still encoded (no table, silent)."""
    from test_damage9 import _page, _table_html, chrome_mhtml, ie_mhtml

    for data in (chrome_mhtml([_page(_table_html(ROWS))]), ie_mhtml(_page(_table_html(ROWS)))):
        sound_rows, sound_damage = _read(data)
        assert sound_rows == len(ROWS) - 1 and sound_damage == []
        at = data.index(b"Content-Transfer-Encoding:")
        for flipped in (b"Contejt-Transfer-Encoding", b"Content-Transfer,Encoding"):
            rows, damage = _read(data[:at] + flipped + data[at + 25:])
            assert rows == sound_rows and any("Content-Transfer-Encoding" in d for d in damage), (flipped, damage)
