"""Files other projects wrote (mikel/mail, libarchive, R haven/readxl/readODS, docx4j, python-docx, MSGReader,
msg-extractor, openpreserve format-corpus, py-pdf sample-files), scanned whole (Session 14, wild14): what ended
unread or was misread, each with its fix."""

from __future__ import annotations

import base64
import csv
import io
import json
import sys
from pathlib import Path

from tests.conftest import ROOT, run_leakscan

sys.path.insert(0, str(ROOT / "bench"))
from fuzz_campaign import person_rows  # noqa: E402

ROWS = person_rows(40, 20261214)


def _scan(tmp_path: Path, files: dict[str, bytes]) -> dict:
    """findings.json of a CLI scan over a share holding ``files`` (no traceback on the way)."""
    share = tmp_path / "share"
    share.mkdir()
    for name, data in files.items():
        (share / name).write_bytes(data)
    out = tmp_path / "out"
    done = run_leakscan("scan", str(share), "--out", str(out), "--quiet")
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return json.loads((out / "findings.json").read_text())


def _csv_bytes() -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(ROWS)
    return text.getvalue().encode("utf-8-sig")


def _unquoted_boundary_mail(boundary: str, subtype: str = "mixed") -> bytes:
    """A message whose multipart boundary is written without quotes although it holds '=' (Outlook Express's
    ``----=_NextPart_...``; mikel/mail spec/fixtures raw_email_with_illegal_boundary.eml,
    raw_email_bad_time.eml): every mail program takes the whole token; Python's default email policy stops the
    boundary at the '='."""
    att = base64.encodebytes(_csv_bytes()).decode("ascii")
    return (f"From: a@example.jp\r\nTo: b@example.jp\r\nSubject: list\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: multipart/{subtype};\r\n\tboundary={boundary}\r\n\r\n"
            f"This is a multi-part message in MIME format.\r\n\r\n"
            f"--{boundary}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nsee the list\r\n\r\n"
            f"--{boundary}\r\nContent-Type: text/csv; name=list.csv\r\nContent-Transfer-Encoding: base64\r\n"
            f"Content-Disposition: attachment; filename=list.csv\r\n\r\n{att}\r\n"
            f"--{boundary}--\r\n").encode("ascii")


def test_unquoted_boundary_with_equals_sign_is_read_not_corrupt(tmp_path: Path) -> None:
    """wild14: such a message was listed corrupt "RecursionError" (the repair of a damaged multipart read it
    again with the same cut boundary, for ever) and its attachment was never examined: 40 people unread."""
    mail = _unquoted_boundary_mail("----=_NextPart_000_0093_01C81419.EB75E850")
    alt = _unquoted_boundary_mail("----=_Part_13069834_15179892.1376435426074", "related")
    findings = _scan(tmp_path, {"oe.eml": mail, "related.eml": alt,
                                "box.mbox": b"From a@example.jp Sat Jan  1 00:00:00 2000\r\n" + mail})
    assert not findings["skipped"], findings["skipped"]
    got = sorted((Path(f["path"]).name, f["pii"]["records"]) for f in findings["files"] if f.get("pii"))
    assert [n for _, n in got] == [len(ROWS) - 1] * 3, got
