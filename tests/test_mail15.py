"""A mail nested about 1,000 multiparts deep (session 15, review14i): it was listed with Python's English
"RecursionError: maximum recursion depth exceeded ..." as its detail; now coded, in the reader's language."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_wild13 import _scan


def _nested(depth: int) -> bytes:
    body = (b'Content-Type: text/csv; name="list.csv"\r\nContent-Disposition: attachment; filename="list.csv"\r\n\r\n'
            b"name,address\r\n")
    for i in range(depth):
        b = b"b%d" % i
        body = b'Content-Type: multipart/mixed; boundary="%s"\r\n\r\n--%s\r\n' % (b, b) + body + b"\r\n--%s--\r\n" % b
    return b"From: a@example.com\r\nTo: b@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n" + body


def test_a_mail_nested_too_deep_is_listed_with_a_coded_detail(tmp_path: Path) -> None:
    mbox = b"From a@example.com Mon Jan  1 00:00:00 2024\n" + _nested(1000).replace(b"\r\n", b"\n")
    findings = _scan(tmp_path, {"deep.eml": _nested(1000), "shallow.eml": _nested(20), "Inbox": mbox})
    listed = {Path(s["path"]).name.split(" » ")[0]: s for s in findings["skipped"]}
    assert set(listed) == {"deep.eml", "Inbox"}, listed
    for name in ("deep.eml", "Inbox"):
        assert listed[name]["reason"] == "corrupt", listed[name]
        codes = json.dumps(listed[name]["detail_codes"])
        assert '"mime-too-deep"' in codes and "RecursionError" not in codes, listed[name]
