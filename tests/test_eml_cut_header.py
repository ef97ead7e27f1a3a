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
