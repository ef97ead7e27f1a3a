"""review23o: real web pages docs23's ``html-cut`` took for cut pages (a false ``corrupt`` line on a whole page).

- A whole page followed by 64 KiB or more of NUL or space padding (a page carved from a disk image with its cluster's
  slack, a preallocated file): its ``</html>`` was looked for in the last 64 KiB of the padded bytes, not of the page.
- A page in the optional-tags style that keeps its ``<html lang=..>`` start tag (html-minifier's removeOptionalTags
  drops ``<head>``/``</head>``/``</body>``/``</html>`` but keeps an ``<html>`` with attributes; Google's HTML style):
  it has no ``</body>``/``</html>`` by design. A page that writes its optional end tags (``</head>``) and lost its
  ``</body>``/``</html>``, or one ending inside a tag or in its text, is still cut.
"""

from __future__ import annotations

from scanner.inspectors.spreadsheet import page_cut

WHOLE = b'<!DOCTYPE html>\n<html lang="ja">\n<head><meta charset="utf-8"><title>t</title></head>\n<body>\n' \
        b"<table><tr><td>a</td></tr></table>\n</body>\n</html>\n"


def test_a_whole_page_padded_with_nul_or_spaces_is_not_cut() -> None:
    assert not page_cut(WHOLE)
    assert not page_cut(WHOLE + b"\0" * 70_000)  # (before: html-cut)
    assert not page_cut(WHOLE + b" " * 70_000)  # (before: html-cut)
    assert page_cut(WHOLE[:-20] + b"\0" * 70_000)  # cut inside </body>, then padded: still cut


MINIFIED = (b"<!doctype html><html lang=ja><meta charset=utf-8><title>t</title><link rel=stylesheet href=a.css>"
            b"<table><tr><td>a<td>b</table><script>var a=1</script>")
GOOGLE_STYLE = b'<!DOCTYPE html>\n<html lang="en">\n<meta charset="utf-8">\n<title>Test</title>\n<p>Hello</p>\n'


def test_a_page_in_the_optional_tags_style_with_an_html_tag_is_not_cut() -> None:
    assert not page_cut(MINIFIED)  # (before: html-cut)
    assert not page_cut(GOOGLE_STYLE)  # (before: html-cut)
    assert not page_cut(MINIFIED.replace(b"<meta", b"<head><meta"))  # (<head> without </head>: before html-cut)


def test_a_page_cut_is_still_cut() -> None:
    at = WHOLE.index(b"<table")
    assert page_cut(WHOLE[:at])  # cut before its table, after </head> (docs23's case)
    assert page_cut(WHOLE[:at + 4])  # inside a tag
    assert page_cut(WHOLE[:WHOLE.index(b"</table>") + 8])  # after its table: </head> written, </body> lost
    assert page_cut(MINIFIED[:MINIFIED.index(b"<td>b") + 4] + b"ab")  # an optional-tags page cut in its text
    assert page_cut(WHOLE[:WHOLE.index(b"<title>") + 8])  # cut in its head's text


# --- a .ppt whose two nested containers' type bytes are damaged -------------------------------------------------------

def _flip(stream: bytes, kind: int, new: int) -> bytes:
    """``stream`` with the first container of type ``kind`` given the type ``new`` (its type bytes damaged)."""
    import struct

    at = stream.index(b"\x0f\x00" + struct.pack("<H", kind))
    return stream[:at + 2] + struct.pack("<H", new) + stream[at + 4:]


def test_a_deck_whose_two_nested_containers_types_are_damaged_is_read_and_said() -> None:
    """docs23 reads a container whose type is damaged on its own, kept when its records are sound; a container inside
    it whose type is damaged too was kept and said, and that saying made the outer one look unsound: the slide's
    person table was dropped and nothing said (the deck clean). Now the inner one's said type is not the outer's
    damage: the table is read and the damage said."""
    import io

    import olefile

    from scanner.ppt97 import read_ppt
    from tests.test_docs22 import ppt_bytes
    from tests.test_docs23 import rows
    from tests.test_embedded import ole_with_stream

    with olefile.OleFileIO(io.BytesIO(ppt_bytes(rows(2399)))) as ole:
        stream = ole.openstream("PowerPoint Document").read()
    pairs = {"slide+drawing": ((0x03EE, 0x13EE), (0x040C, 0x140C)), "drawing+dg": ((0x040C, 0x140C), (0xF002, 0xF102)),
             "dg+group": ((0xF002, 0xF102), (0xF003, 0xF103))}
    got = {}
    for name, ((a, a2), (b, b2)) in pairs.items():
        out = read_ppt(ole_with_stream("PowerPoint Document", _flip(_flip(stream, a, a2), b, b2)), lambda: None)
        got[name] = ([len(rows_) for _, rows_ in out.tables], out.damage is not None and "0x" in out.damage)
    assert got == {name: ([13], True) for name in pairs}  # (before: ([], False) each, the deck clean)


# --- a page opening with many comments -------------------------------------------------------------------------------

def test_a_file_opening_with_many_comments_is_checked_at_once() -> None:
    """docs23's page check (``<!-- -->`` comments, then ``<!DOCTYPE html``/``<html``) let one comment's lazy ``.*?``
    span the next ones: a file opening with n comments and no page tag after them was tried 2**n ways (20 comment
    lines 1.5 s, 30 hours; the scan hung on a template fragment opening with a licence banner). Now each comment ends
    at its first ``-->``: at once."""
    import subprocess
    import sys

    code = ("from scanner.inspectors.spreadsheet import page_cut\n"
            "d = b''.join(b'<!-- line %d of the licence -->\\n' % i for i in range(40)) + b'<div>fragment</div>\\n'\n"
            "assert not page_cut(d)\n"
            "assert page_cut(d.replace(b'<div>fragment</div>', b'<html><body><table><tr><td>a'))\n")
    try:
        done = subprocess.run([sys.executable, "-c", code], timeout=20, capture_output=True, check=False)
    except subprocess.TimeoutExpired:
        done = None
    assert done is not None and done.returncode == 0, done and done.stderr[-500:]  # (before: timed out)
