"""smb:// URLs written by a hurried investigator: user names holding '@' and a ';' domain, passwords typed
into the URL in every shape. A password is refused (exit 2) and never echoed, in any output."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.errors import UsageError
from scanner.sources.smb import parse_url
from tests.conftest import run_leakscan

SECRET = "S3cretPw!"


def test_user_with_at_and_domain_is_split_at_the_last_at() -> None:
    t = parse_url("smb://OFFICE;chosa@example.lg.jp@fs01.example.lg.jp/共有/介護課")
    assert (t.domain, t.user, t.host, t.port, t.share, t.path) == (
        "OFFICE", "chosa@example.lg.jp", "fs01.example.lg.jp", 445, "共有", "/介護課")
    t = parse_url("smb://chosa%40example.lg.jp@fs01:4450/s")  # the same, percent-encoded
    assert (t.user, t.host, t.port) == ("chosa@example.lg.jp", "fs01", 4450)


def test_snapshot_folders_keep_their_at() -> None:
    t = parse_url("smb://u@fs01:445/share/@GMT-2024.01.01-00.00.00/PC01")
    assert (t.host, t.share, t.path) == ("fs01", "share", "/@GMT-2024.01.01-00.00.00/PC01")
    assert parse_url("smb://u@[2001:db8::7]:445/share/@GMT-2024.01.01-00.00.00").host == "2001:db8::7"


@pytest.mark.parametrize("url", [
    f"smb://OFFICE;chosa@example.lg.jp:{SECRET}@fs01/share",  # the case that leaked: split at the first '@'
    f"smb://chosa@example.lg.jp:{SECRET}@fs01:445/share/x",
    f"smb://u:{SECRET}@fs01/share",
    f"smb://u:{SECRET}/x@fs01/share",  # '/' in the password
    f"smb://u:{SECRET}#x@fs01/share",
    f"smb://u%3A{quote(SECRET, safe='')}@fs01/share",  # encoded ':'
    f"smb://OFFICE;u:{quote(SECRET + '@x', safe='')}@fs01/share",
    "smb://chosa@example.lg.jp:123/x@fs01/share",  # a password of digits reads as a port: '@' after the host
])
def test_password_in_url_refused_and_not_echoed(url: str) -> None:
    with pytest.raises(UsageError) as e:
        parse_url(url)
    message = str(e.value)
    assert "password" in message
    assert SECRET not in message and "123/x" not in message and "chosa" not in message


_chars = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(user=_chars, password=_chars, domain=st.one_of(st.just(""), _chars), path=st.text(max_size=10))
def test_any_password_is_refused_and_never_echoed(user: str, password: str, domain: str, path: str) -> None:
    """Whatever the user name, domain and password hold, USER:PASSWORD@ never gets through."""
    prefix = f"{domain};" if domain else ""
    url = f"smb://{prefix}{user}:{password}@fs01.example.lg.jp/share/{path}"
    with pytest.raises(UsageError) as e:
        parse_url(url)
    if len(password) >= 3:  # (a password that is a word of the message itself, "end", is counted as often as there)
        with pytest.raises(UsageError) as plain:
            parse_url(url.replace(f":{password}@", ":\u2603\u2603\u2603@", 1))
        assert str(e.value).count(password) <= str(plain.value).count(password)


def test_cli_refuses_and_writes_nothing(tmp_path: Path) -> None:
    """Exit 2, one line, and the password nowhere: not on the terminal, not in --out (never created)."""
    out = tmp_path / "out"
    url = f"smb://OFFICE;chosa@example.lg.jp:{SECRET}@127.0.0.1:1/share"
    done = run_leakscan("-v", "scan", url, "--name", "x.xlsx", "--out", str(out), timeout=60,
                        env={"LEAKSCAN_SMB_PASSWORD": "unused"})
    assert done.returncode == 2, done.stderr
    assert SECRET not in done.stderr + done.stdout and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 2  # the no --name note is not here: one error line
    assert not out.exists() or not any(SECRET.encode() in p.read_bytes() for p in out.rglob("*") if p.is_file())
