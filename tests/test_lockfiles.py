"""Lock files of the named file: the user name they hold, read by a bounded pure parser; damaged ones corrupt.

Office owner files are built byte for byte as LibreOffice writes them for Office (the layout its
msodocumentlockfile.cxx reverse-engineered from Office 2016), LibreOffice lock files as its
lockfilecommon.cxx writes them; every truncation, random bytes and flipped bytes must give a result or a
LockFormatError, never another exception.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.config import ScanConfig
from scanner.detectors.lockfile import (
    MAX_LOCK_BYTES,
    LockFormatError,
    make_libreoffice_lock,
    make_mso_owner,
    parse_libreoffice_lock,
    parse_mso_owner,
)
from scanner.inspectors.lockfile import LockFileInspector
from scanner.pipeline import run_scan
from scanner.registry import inspectors_for
from scanner.sources.local import LocalSource

TARGET = "2017年度_集計.xlsx"
USERS = ["staff", "山田 太郎", "髙橋 﨑子", "O'Brien, Pat; jr\\", "x" * 60]


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("word", [False, True])
def test_office_owner_file_gives_the_user(user: str, word: bool) -> None:
    data = make_mso_owner(user, word=word)
    assert len(data) == (162 if word else 165)
    assert parse_mso_owner(data).user == user[:52]


def test_office_owner_file_with_the_ansi_name_only() -> None:
    """Older writers leave the UTF-16 copy out: the cp932 (ANSI) name is read."""
    ansi = "介護 花子".encode("cp932")
    data = bytes([len(ansi)]) + ansi + b" " * (54 - len(ansi)) + b"\x00" * 110
    assert parse_mso_owner(data).user == "介護 花子"
    assert parse_mso_owner(b"\x05staff" + b" " * 49 + b"\x00" * 110).user == "staff"


@pytest.mark.parametrize("user", USERS)
def test_libreoffice_lock_gives_user_account_host_and_time(user: str) -> None:
    data = make_libreoffice_lock(user, "tyamada", "PC03", "15.01.2017 10:22",
                                 "file:///C:/Users/tyamada/AppData/Roaming/LibreOffice/4")
    info = parse_libreoffice_lock(data)
    assert (info.user, info.account, info.host, info.opened) == (user, "tyamada", "PC03", "2017-01-15T10:22:00")


def test_libreoffice_lock_without_a_user_name_or_time() -> None:
    info = parse_libreoffice_lock(b",tyamada,PC03,,file:///x;\n")
    assert (info.user, info.account, info.host, info.opened) == (None, "tyamada", "PC03", None)


@pytest.mark.parametrize(("parse", "data", "why"), [
    (parse_mso_owner, b"", "empty"),
    (parse_mso_owner, b"\x00" * 165, "length"),
    (parse_mso_owner, b"\x35" + b"A" * 10, "length"),  # says 53 characters: more than Office allows
    (parse_mso_owner, b"\x03\x01\x02\x03" + b"\x00" * 161, "neither"),  # control characters, no UTF-16
    (parse_libreoffice_lock, b"", "empty"),
    (parse_libreoffice_lock, b"\xff\xfe\x00", "UTF-8"),
    (parse_libreoffice_lock, "山田,tyamada,PC03".encode(), "end of entry"),
    (parse_libreoffice_lock, b"a,b,c;", "fields"),
    (parse_libreoffice_lock, b"a\\x,b,c,d,e;", "escape"),
    (parse_libreoffice_lock, b",,,,;", "no user"),
])
def test_damaged_lock_files_say_why(parse, data: bytes, why: str) -> None:
    with pytest.raises(LockFormatError, match=why):
        parse(data)


@pytest.mark.parametrize("data", [make_mso_owner("山田 太郎"), make_mso_owner("staff", word=True),
                                  make_libreoffice_lock("山田 太郎", "tyamada", "PC03", "15.01.2017 10:22", "file:///x")])
def test_every_truncation_and_flip_is_a_result_or_a_format_error(data: bytes) -> None:
    rnd = random.Random(19)
    mutants = [data[:n] for n in range(len(data))]
    for _ in range(300):
        b = bytearray(data)
        for _ in range(rnd.randint(1, 4)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        mutants.append(bytes(b))
    for m in mutants:
        for parse in (parse_mso_owner, parse_libreoffice_lock):
            try:
                info = parse(m)
            except LockFormatError:
                continue
            assert info.user is None or info.user.isprintable()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=MAX_LOCK_BYTES))
def test_any_bytes_are_a_result_or_a_format_error(data: bytes) -> None:
    for parse in (parse_mso_owner, parse_libreoffice_lock):
        try:
            parse(data)
        except LockFormatError:
            pass


# ---------------------------------------------------------------- in a scan


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("locks")
    share = root / "share"
    share.mkdir()
    files = {
        "~$2017年度_集計.xlsx": make_mso_owner("山田 太郎"),
        ".~lock.2017年度_集計.xlsx#": make_libreoffice_lock("山田 太郎", "tyamada", "PC03", "15.01.2017 10:22", "file:///x"),
        ".~lock.2017年度_集計 (2).xlsx#": b"\x00\x01 not a lock file",  # damaged: corrupt, still a hit
        "~$【秘】2017年度_集計.xlsx": make_mso_owner("staff"),  # lock of a lead: a lead with its user
        "~$予算.xlsx": make_mso_owner("staff"),  # another workbook's lock: nothing
        ".~lock.予算.xlsx#": b"garbage",  # another file's damaged lock: nothing, not even a skip
        "~$2017年度_集計 copy.xlsx": b"PK\x03\x04" + b"x" * (MAX_LOCK_BYTES + 10),  # too big for a lock file
    }
    for name, data in files.items():
        (share / name).write_bytes(data)
    out = {}
    for unmask in (False, True):
        config = ScanConfig(sources=[str(share)], out=root / f"out{unmask}", names=[TARGET], unmask=unmask, quiet=True)
        out[unmask] = run_scan(config, [LocalSource(str(share))])
    return {"share": share, "result": out[False], "clear": out[True]}


def _by_name(result) -> dict:
    return {h.location.path.rsplit("/", 1)[-1]: h for h in result.hits}


def test_lock_files_in_a_scan_list_their_users(scanned: dict) -> None:
    hits = _by_name(scanned["result"])
    assert hits["~$2017年度_集計.xlsx"].annotations["lock"] == {"format": "mso-owner", "user": "山田 **"}
    lo = hits[".~lock.2017年度_集計.xlsx#"]
    assert lo.reasons == ["name-variant"] and lo.status == "ok"
    assert lo.annotations["lock"] == {"format": "libreoffice-lock", "user": "山田 **", "account": "tyamada",
                                      "host": "PC03", "opened": "2017-01-15T10:22:00"}
    lead = hits["~$【秘】2017年度_集計.xlsx"]
    assert lead.reasons == ["name-contains"] and lead.annotations["lock"]["user"] == "s**"


def test_damaged_lock_file_is_a_corrupt_hit_and_listed_as_not_examined(scanned: dict) -> None:
    result = scanned["result"]
    bad = _by_name(result)[".~lock.2017年度_集計 (2).xlsx#"]
    assert bad.reasons == ["name-variant"] and bad.status == "corrupt"
    assert "lock file" in bad.status_detail and bad.annotations["lock"]["damaged"]
    assert any(s.location.path.endswith(".~lock.2017年度_集計 (2).xlsx#") and s.reason == "corrupt"
               for s in result.skipped)


def test_other_files_locks_and_big_files_are_left_alone(scanned: dict) -> None:
    result = scanned["result"]
    hits = _by_name(result)
    assert "~$予算.xlsx" not in hits and ".~lock.予算.xlsx#" not in hits
    assert not any("予算" in s.location.path for s in result.skipped)
    big = hits["~$2017年度_集計 copy.xlsx"]
    assert big.reasons == ["name-variant"] and "lock" not in (big.annotations or {})


def test_unmask_keeps_the_clear_user_for_the_report_only(scanned: dict, tmp_path: Path) -> None:
    from scanner.publish import publish_findings
    from scanner.store import build_findings

    result = scanned["clear"]
    lock = _by_name(result)["~$2017年度_集計.xlsx"].annotations["lock"]
    assert lock["user"] == "山田 **" and lock["user_clear"] == "山田 太郎"
    out = tmp_path / "out"
    out.mkdir()
    paths = publish_findings(build_findings(result), out, "ja")
    text = paths["findings"].read_text(encoding="utf-8")
    assert "山田 太郎" not in text and "user_clear" not in text
    assert "山田 太郎" in paths["report"].read_text(encoding="utf-8")
    masked = publish_findings(build_findings(scanned["result"]), tmp_path, "ja")
    assert "山田 太郎" not in masked["report"].read_text(encoding="utf-8")
    assert json.loads(text)["files"]


def test_inspector_declares_its_prefixes_and_is_registered(tmp_path: Path) -> None:
    config = ScanConfig(sources=["."], out=tmp_path, names=[TARGET])
    ins = LockFileInspector(config)
    assert set(ins.only_prefixes) == {"~$", ".~lock.", ".#"}  # Session 16: Emacs' lock
    assert any(isinstance(i, LockFileInspector) for i in inspectors_for(config))
    assert LockFileInspector(ScanConfig(sources=["."], out=tmp_path)).only_prefixes == ()
