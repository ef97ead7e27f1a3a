"""An .eml cut inside its header block (Session 10, from the damage campaign): it was neither read nor listed.

A message whose bytes end in the middle of a header line, before the blank line that starts its body, carries
the sign of its damage (a complete message ends its lines): its body and attachments are gone, so it is listed
corrupt. A whole message, and one that is only headers but ends its last line, are not.
"""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

from conftest import run_cli


def _message(attachment: bool) -> bytes:
    msg = EmailMessage()
    msg["From"] = "sender@example.jp"
    msg["To"] = "office@example.jp"
    msg["Subject"] = "名簿の送付"
    msg.set_content("添付のとおりです。\n")
    if attachment:
        msg.add_attachment(b"\x00" * 4000, maintype="application", subtype="octet-stream", filename="list.bin")
    return msg.as_bytes()


def test_an_eml_cut_inside_its_header_is_listed(tmp_path: Path) -> None:
    raw, plain = _message(True), _message(False)
    src = tmp_path / "src"
    src.mkdir()
    (src / "cut.eml").write_bytes(raw[:raw.index(b"Subject") + 12])  # mid-line, before the body
    (src / "whole.eml").write_bytes(raw)
    (src / "headers-only.eml").write_bytes(plain[:plain.index(b"\n\n") + 1])  # ends its last line: no sign
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--name", "名簿.xlsx", "--out", str(out), "--quiet")
    assert run.returncode == 0, run.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    listed = {Path(s["path"]).name: s for s in doc["skipped"]}
    assert set(listed) == {"cut.eml"}, doc["skipped"]
    assert listed["cut.eml"]["reason"] == "corrupt" and "cut inside its header" in listed["cut.eml"]["detail"]



def test_the_walks_zeroed_block_check_is_the_patterns(tmp_path: Path) -> None:
    """walk22: the walk's check of an .eml for a zeroed block (``wants``) is a bytes search for 16 NULs, no longer the
    pattern tried at every byte: for NUL runs of 1-40 bytes at the start, in the headers, in the body and at the end
    of real messages (with and without an attachment), it answers as ``_ZEROED`` does, and ``wants`` with it."""
    from scanner.config import ScanConfig
    from scanner.inspectors.mail import _ZEROED, NUL_RUN, MailInspector
    from scanner.sources.local import LocalSource

    made = {}
    for k, raw in enumerate((_message(False), _message(True))):
        for at in (0, 7, raw.index(b"Subject"), len(raw) // 2, len(raw) - 1, len(raw)):
            for n in (0, 1, 15, 16, 17, 40):
                data = raw[:at] + b"\x00" * n + raw[at:]
                assert (NUL_RUN in data) is (_ZEROED.search(data) is not None)
                name = f"m{k}-{at}-{n}.eml"
                (tmp_path / name).write_bytes(data)
                made[name] = _ZEROED.search(data) is not None
    inspector = MailInspector(ScanConfig(sources=[str(tmp_path)], out=str(tmp_path / "unused")))
    answers = {}
    for entry in LocalSource(str(tmp_path)).entries():
        size = entry.stat().size
        answers[entry.name] = inspector.wants(entry, size, lambda e=entry: e.open().read(512))
    assert set(answers) == set(made)
    assert all(answers[n] for n, zeroed in made.items() if zeroed)  # every zeroed block goes to the worker
    assert not answers["m0-0-0.eml"] and not answers["m0-7-15.eml"]  # a plain message, a short run: not wanted


def test_the_kept_header_end_is_the_one_worked_out() -> None:
    """walk22: ``_header_end`` keeps its last answer for the same bytes object (asked three times of one .eml by the
    walk's checks); another object, equal bytes in another object, a bytearray changed under its identity, a
    large object (not kept) are each worked out afresh."""
    from scanner.inspectors import mail_mime

    whole, cut = _message(True), _message(False)[:40]
    for data in (whole, cut, whole + b"\r\n\r\nmore", b"x" * (1 << 17) + b"\n\nbody", b"", b"\n", b"a\n\n"):
        expected = mail_mime._find_header_end(data)
        assert mail_mime._header_end(data) == expected == mail_mime._header_end(data)
        assert mail_mime._header_end(bytes(bytearray(data))) == expected
    changing = bytearray(b"From: a\nSubject: b\n\nbody")
    assert mail_mime._header_end(changing) == (18, 20)
    changing[18:20] = b"xx"
    assert mail_mime._header_end(changing) is None
    assert mail_mime.text_only(b"From: a\nSubject: b\n\nbody") and not mail_mime.text_only(
        b"From: a\nSubject: b\nContent-Type: application/pdf;\n\tname=x.pdf\n\nbody")
