"""Mail bodies that are hostile or shaped as real clients write them (session 8 review): a bogus charset label,
a ``begin`` line built to make a regular expression crawl, rows with a blank line between them. Each costs at
most its own body, never the message or the mbox around it, and nothing ends as a silent clean."""

from __future__ import annotations

import json
import signal
import struct
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scanner.codes import Status
from scanner.inspectors.mail_body import TEXT_BODY, body_text, looks_tabular, table_body, uu_files
from scanner.inspectors.mail_mime import body_may_hold_table, read_message
from scanner.sheet import Caps
from scanner.tables import read_text_table
from tests import mail_data as md

ROWS = ["氏名\t住所\t電話番号", "山田 太郎\t東京都小金井市本町1-2-3\t042-000-0001",
        "佐藤 花子\t大阪府堺市北区1-1\t072-000-0002", "鈴木 一郎\t札幌市中央区北1条西2\t011-000-0003"]


@contextmanager
def _limit(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block runs longer than ``seconds``."""
    def stop(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _eml(body: bytes, charset: str) -> bytes:
    return (b"From: a@example.jp\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=\""
            + charset.encode() + b"\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body)


def test_a_bogus_charset_label_is_said_and_the_rows_still_read() -> None:
    """'undefined' is a Python codec that refuses every byte with a bare UnicodeError: the message must not be
    lost (an mbox with it would be), the body is read as unlabelled text and said corrupt."""
    raw = "\n".join(ROWS).encode("utf-8")
    text, problem = body_text(raw, "undefined")
    assert "山田 太郎" in text
    assert problem is not None and problem[0] is Status.CORRUPT and "undefined" in problem[1]
    mail = read_message(_eml(raw, "undefined"))
    tables = [a for a in mail.attachments if a.body]
    assert [a.name for a in tables] == [TEXT_BODY]
    assert tables[0].problem is not None and tables[0].problem[0] is Status.CORRUPT


def test_a_begin_line_full_of_spaces_is_read_in_linear_time() -> None:
    """``begin 644 a<200,000 spaces>b``: a name pattern that backtracks over the spaces took minutes (the worker's
    time limit then cost the whole mbox or store holding the message)."""
    line = "begin 644 a" + " " * 200_000 + "b"
    with _limit(10):
        _text, files, _problems = uu_files(f"{line}\nM86)C\nend\n")
    assert len(files) == 1 and files[0].name.startswith("a ") and files[0].name.endswith("b")


def test_rows_with_a_blank_line_between_them_are_a_table() -> None:
    """Some clients (and people) leave a blank line between pasted rows: still a table for the worker and for
    the walk's cheap check; letter prose with blank lines is not."""
    body = "名簿です。\n\n" + "\n\n".join(ROWS) + "\n\n以上\n"
    assert looks_tabular(body, html=False)
    child = table_body(body, False, None)
    assert child is not None and child.name == TEXT_BODY
    assert body_may_hold_table(_eml(body.encode("utf-8"), "utf-8"), complete=True)
    prose = "Dear all,\n\nthe list is attached, as agreed, see below.\n\nRegards,\nHanako\n"
    assert not looks_tabular(prose, html=False)


def _tnef_with(name: int, props: bytes) -> bytes:
    return md.tnef([("a.txt", b"hello")]) + md._tnef_object(1, name, 0x0006, props)


_IMESSAGE = bytes.fromhex("0703020000000000c000000000000046")


def test_crafted_counts_inside_tnef_properties_are_refused(tmp_path: Path) -> None:
    """Counts tnefparse loops over without checking them against the bytes: a multi-valued property of 2^32
    values (it appends an object per value until memory runs out), a recipient row of 2^32 properties (4
    billion turns of a loop), the same inside an Outlook item embedded in an attachment. Each was minutes or
    the memory cap in the worker (costing a whole .pst holding the message); now listed corrupt at once. Read
    in a child process under a memory cap and a time limit, as the worker would (tnefparse swallows
    exceptions, so an alarm in this process could not stop it)."""
    many = 0xFFFFFFFF
    multi = struct.pack("<IHHI", 1, 0x1002, 0x0001, many)  # one property, PT_MV_SHORT, 2^32-1 values
    row = struct.pack("<II", 1, many)  # one recipient row claiming 2^32-1 properties
    inner = md.tnef([]) + md._tnef_object(1, 0x9003, 0x0006, multi)
    embedded = struct.pack("<IHHII", 1, 0x000D, 0x3701, 1, len(_IMESSAGE) + len(inner)) + _IMESSAGE + inner
    fine = _tnef_with(0x9003, struct.pack("<IHHI", 1, 0x1003, 0x0001, 2) + bytes(8))  # two 32-bit values
    for n, data in enumerate((_tnef_with(0x9003, multi), _tnef_with(0x9004, row), _tnef_with(0x9005, embedded), fine)):
        (tmp_path / f"{n}.dat").write_bytes(data)
    code = ("import json, resource, sys\n"
            "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
            "from scanner.inspectors.mail_tnef import read_tnef\n"
            "print(json.dumps([[why for _s, why in read_tnef(open(f, 'rb').read()).problems] for f in sys.argv[1:]]))")
    done = subprocess.run([sys.executable, "-c", code, *(str(tmp_path / f"{n}.dat") for n in range(4))],
                          capture_output=True, text=True, timeout=30, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr[-500:]
    found = json.loads(done.stdout)
    for problems in found[:3]:
        assert any("claims more" in why for why in problems), found
    assert found[3] == []


def test_a_table_in_a_quoted_reply_reads_the_values_without_the_quote_marks() -> None:
    """A reply quotes the pasted rows with '> ' (or '>> ' deeper in the chain): the names must be read as in the
    original, not as '> 山田 太郎' (masked to '> **' in the report, and a person apart from the original's in the
    distinct count when both are counted)."""
    for mark in ("> ", ">> ", "> > ", ">"):
        body = "返信します。\n\n" + "\n".join(f"{mark}{row}" for row in ROWS) + "\n"
        child = table_body(body, False, None)
        assert child is not None and child.data is not None
        rows = read_text_table(child.data, Caps()).sheets[0].rows
        cells = {str(c) for row in rows for c in row}
        assert {"氏名", "山田 太郎", "佐藤 花子", "鈴木 一郎"} <= cells, (mark, rows)


def test_rows_typed_with_full_width_commas_are_read() -> None:
    """Rows typed on a Japanese keyboard with the IME's comma (，) between the values: a table to the cheap
    check, the worker and the text table reader (which splits at ASCII delimiters only)."""
    body = "名簿です。\n" + "\n".join(row.replace("\t", "，") for row in ROWS) + "\n"
    assert looks_tabular(body, html=False)
    for charset in ("utf-8", "cp932", "euc-jp", "iso-2022-jp"):  # the walk sees the bytes as sent
        assert body_may_hold_table(_eml(body.encode(charset), charset), complete=True), charset
    child = table_body(body, False, None)
    assert child is not None and child.data is not None
    rows = read_text_table(child.data, Caps()).sheets[0].rows
    assert ["山田 太郎", "東京都小金井市本町1-2-3", "042-000-0001"] in [[str(c) for c in r] for r in rows]


def test_plain_and_html_alternatives_with_inline_images_give_one_table() -> None:
    """Outlook and Gmail send a body with a logo or a pasted picture as multipart/alternative [text/plain,
    multipart/related [text/html, image/png]]: the HTML is an alternative of the plain text one level down, and
    the same rows must be read once, not as (body).txt and (body).html."""
    from email.mime.image import MIMEImage
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    tsv = "\n".join(ROWS) + "\n"
    html = "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r.split("\t")) + "</tr>" for r in ROWS)
    related = MIMEMultipart("related")
    related.attach(MIMEText(html + "</table><img src='cid:logo'>", "html", "utf-8"))
    related.attach(MIMEImage(b"\x89PNG\r\n\x1a\n" + bytes(16), "png"))
    outer = MIMEMultipart("alternative")
    outer.attach(MIMEText(tsv, "plain", "utf-8"))
    outer.attach(related)
    outer["Subject"] = "x"
    mail = read_message(outer.as_bytes())
    assert [a.name for a in mail.attachments if a.body] == ["(body).html"]


def _flowed(line: str, width: int = 40) -> list[str]:
    """One line wrapped as Thunderbird sends text (format=flowed, RFC 3676): cut at a space, which stays at
    the end of the line to say the line goes on."""
    out = []
    while len(line) > width and (cut := line.rfind(" ", 0, width)) > 0:
        out.append(line[:cut + 1])
        line = line[cut + 1:]
    return [*out, line]


def test_rows_wrapped_by_format_flowed_are_joined() -> None:
    """Thunderbird wraps long lines of a plain-text body at spaces (format=flowed): a pasted row longer than the
    wrap is cut into several lines, so the rows neither looked tabular nor read as rows. Joined as RFC 3676
    says (a line ending in a space goes on), the rows are whole again."""
    rows = [r + "\t要介護1\t備考なし" for r in ROWS]
    rows[0] = "氏名\t住所\t電話番号\t区分\t備考"
    lines = [part for row in rows for part in _flowed(row.replace("本町", "本町 ").replace("堺市", "堺市 "))]
    assert len(lines) > len(rows)  # the wrap did cut rows
    body = "\r\n".join(["名簿です。 ", "よろしく。", "", *lines, "", "-- ", "総務"]) + "\r\n"
    raw = (b"From: a@example.jp\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8; "
           b"format=flowed\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body.encode("utf-8"))
    assert body_may_hold_table(raw, complete=True)  # the walk sends it to a worker
    tables = [a for a in read_message(raw).attachments if a.body]
    assert len(tables) == 1 and tables[0].data is not None
    read = [[str(c) for c in r] for r in read_text_table(tables[0].data, Caps()).sheets[0].rows]
    assert ["山田 太郎", "東京都小金井市本町 1-2-3", "042-000-0001", "要介護1", "備考なし"] in read, read


def test_labels_that_say_unknown_are_read_as_unlabelled() -> None:
    """'unknown-8bit' (Python's email package, mutt, mailing-list software write it for 8-bit text of unknown
    charset) and 'x-unknown' say there is no label: the text is read as an unlabelled body would be, not called
    a damaged one."""
    raw = "\n".join(ROWS).encode("cp932")
    for label in ("unknown-8bit", "x-unknown", "UNKNOWN"):
        text, problem = body_text(raw, label)
        assert "山田 太郎" in text and problem is None, (label, problem)


def test_space_aligned_rows_with_blank_lines_between_them_are_a_table() -> None:
    """The aligned form of the blank-line case: columns padded with spaces, an empty line after every row."""
    cells = [row.split("\t") for row in ROWS]
    widths = [max(len(r[i]) * 2 for r in cells) + 2 for i in range(3)]
    lines = ["".join(c + " " * (w - len(c) * (1 if c.isascii() else 2)) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in cells]
    body = "各位\n\n" + "\n\n".join(lines) + "\n\n以上\n"
    assert looks_tabular(body, html=False)
    child = table_body(body, False, None)
    assert child is not None and child.data is not None
    assert "以上" not in child.data.decode("utf-8") and "鈴木 一郎" in child.data.decode("utf-8")


def test_a_begin_line_without_end_does_not_hide_the_rows_after_it() -> None:
    """``begin 644 名簿.txt`` typed above a pasted table (or a uuencoded file cut before ``end``): the lines after
    it are still looked at as a table, and the cut block is listed."""
    text, files, _problems = uu_files("以下です。\nbegin 644 名簿.txt\n" + "\n".join(ROWS) + "\n")
    assert len(files) == 1 and files[0].problem is not None and files[0].problem[0] is Status.CORRUPT
    assert "鈴木 一郎" in text and looks_tabular(text, html=False)
