"""review16a: a saved mail (RFC 5322 headers, an .xlsx client list attached) or an mbox renamed as a picture, a PDF,
media or a document (holiday.jpg, scan.pdf, 資料.doc) is read as the mail it is. The disguise check had no mail family
(only an Excel single-file web page as ``mime``) and the mail inspector asked only about .msg/.pst heads: the
attachment's people ended as nothing (no hit, no skip). Real text files stay unread."""

from __future__ import annotations

import email.message
from pathlib import Path

from tests.conftest import scan_findings
from tests.pii_data import people, standard, xlsx_bytes

ROWS = standard(people(12, seed=16))


def _message() -> bytes:
    m = email.message.EmailMessage()
    m["From"] = "sender@example.jp"
    m["To"] = "someone@example.jp"
    m["Subject"] = "資料"
    m["Date"] = "Mon, 02 Mar 2026 10:00:00 +0900"
    m.set_content("添付のとおりです。")
    m.add_attachment(xlsx_bytes({"名簿": ROWS}), maintype="application", subtype="octet-stream", filename="list.xlsx")
    return bytes(m)




def test_a_mail_under_another_name_is_read_as_mail(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    message = _message()
    names = ["holiday.jpg", "scan.pdf", "song.mp3", "資料.doc", "報告.docx", "app.log", "message"]
    for name in names:
        (tree / name).write_bytes(message)
    (tree / "inbox.png").write_bytes(b"From sender@example.jp Mon Mar  2 10:00:00 2026\n" + message)  # an mbox
    (tree / "mime-first.jpg").write_bytes(b"MIME-Version: 1.0\n" + message.replace(b"MIME-Version: 1.0\n", b""))
    # (what an Excel single-file web page opens with too: told apart on a longer head)
    (tree / "readme.log").write_bytes(b"From: the build\nthis is no message at all\n" * 3)  # text, no mail
    found = scan_findings(tree, tmp_path / "out")
    for name in [*names, "inbox.png", "mime-first.jpg"]:
        inside = [h for h in found["files"] if h["path"].startswith(f"{tree / name} » ")]
        records = sum((h.get("pii") or {}).get("records", 0) for h in inside)
        assert records == len(ROWS) - 1, (name, [(h["path"], h["status"]) for h in found["files"]], found["skipped"])
    assert not [h for h in found["files"] if h["path"].startswith(str(tree / "readme.log"))]
