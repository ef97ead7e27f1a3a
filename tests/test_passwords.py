"""--password-file: encrypted workbooks (msoffcrypto-tool), zip (ZipCrypto, WinZip AES) and 7z archives (encrypted
content and encrypted headers) are opened with the examiner's passwords; the file says which entry opened it, and
no password is ever written: not in findings.json, the report, the CSV lists, the state, the manifest, the logs."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import py7zr
import pytest
import pyzipper
from conftest import run_cli, run_leakscan
from msoffcrypto.format.ooxml import OOXMLFile

from scanner.codes import Reason, Status
from scanner.config import ScanConfig
from scanner.demo import client_list_xlsx, make_people
from scanner.errors import UsageError
from scanner.inspectors.spreadsheet import SpreadsheetInspector
from scanner.models import Location
from scanner.passwords import byte_forms, entries, read_password_file
from scanner.pipeline import run_scan
from scanner.sources import open_source

# passwords nobody would find by chance in an output: each must never show up anywhere
ZIP_PW = "Zc-7qL9Kp"  # ZipCrypto, typed on Japanese Windows (cp932 bytes for the kanji)
ZIP_JA_PW = "社外秘Qw4"
AES_PW = "Ae5-mX2ツ"
SEVEN_PW = "7z-Hn3Vb"
BOOK_PW = "Bk8=パスワード"
WRONG = ["Wr0ng-One", "", "Wr0ng-Two"]
ALL = [ZIP_PW, ZIP_JA_PW, AES_PW, SEVEN_PW, BOOK_PW, *[w for w in WRONG if w]]
NAME = "介護予防_利用者名簿.xlsx"


def _encrypted_book(book: bytes, password: str) -> bytes:
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(book)).encrypt(password, out)
    return out.getvalue()


def _zipcrypto(tmp: Path, members: dict[str, bytes], password: bytes) -> bytes:
    """A ZipCrypto archive written by Info-ZIP's zip (what most Japanese office tools write), password as bytes."""
    if shutil.which("zip") is None:
        if os.environ.get("CI"):
            pytest.fail("zip missing in CI")
        pytest.skip("zip not installed (allowed outside CI only)")
    work = tmp / f"zip-{len(list(tmp.iterdir()))}"
    work.mkdir()
    for name, data in members.items():
        (work / name).write_bytes(data)
    subprocess.run([b"zip", b"-q", b"-P", password, b"out.zip", *[n.encode() for n in members]], cwd=work, check=True)
    return (work / "out.zip").read_bytes()


def _aes_zip(members: dict[str, bytes], password: str) -> bytes:
    buf = io.BytesIO()
    with pyzipper.AESZipFile(buf, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as z:
        z.setpassword(password.encode("utf-8"))
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _seven(members: dict[str, bytes], password: str, header: bool) -> bytes:
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", password=password, header_encryption=header) as z:
        for name, data in members.items():
            z.writestr(data, name)
    return buf.getvalue()


@pytest.fixture(scope="module")
def book() -> bytes:
    return client_list_xlsx(make_people(30, seed=11))


@pytest.fixture(scope="module")
def share(tmp_path_factory: pytest.TempPathFactory, book: bytes) -> Path:
    tmp = tmp_path_factory.mktemp("pw")
    root = tmp / "share"
    files = {
        f"PC01/{NAME}": _encrypted_book(book, BOOK_PW),
        "PC02/backup.zip": _zipcrypto(tmp, {NAME: book, "memo.txt": b"memo"}, ZIP_PW.encode()),
        "PC03/送付.zip": _zipcrypto(tmp, {NAME: book}, ZIP_JA_PW.encode("cp932")),
        "PC04/aes.zip": _aes_zip({NAME: book, "readme.txt": b"x"}, AES_PW),
        "PC05/content.7z": _seven({NAME: book, "a.txt": b"a" * 100}, SEVEN_PW, header=False),
        "PC06/header.7z": _seven({NAME: book}, SEVEN_PW, header=True),
        "PC07/unrelated.zip": _zipcrypto(tmp, {"給与.csv": b"a,b\n1,2\n"}, b"nobody-knows-this"),
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, book: bytes) -> tuple[Path, Path]:
    """An encrypted workbook and a ZipCrypto backup holding it, with a two-line password file: for the commands
    that read a scan's sources again (resume, verify, persons)."""
    tmp = tmp_path_factory.mktemp("small")
    root = tmp / "share"
    (root / "PC01").mkdir(parents=True)
    (root / "PC01" / NAME).write_bytes(_encrypted_book(book, BOOK_PW))
    (root / "PC01" / "backup.zip").write_bytes(_zipcrypto(tmp, {NAME: book}, ZIP_PW.encode()))
    return root, _password_file(tmp / "pw.txt", [ZIP_PW, BOOK_PW])


def _password_file(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module")
def pwfile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # entries: 1 wrong, 2 blank, 3 wrong, 4 zip, 5 zip (kanji), 6 aes, 7 7z, 8 workbook
    return _password_file(tmp_path_factory.mktemp("pwfile") / "pw.txt", [*WRONG, ZIP_PW, ZIP_JA_PW, AES_PW, SEVEN_PW,
                                                                         BOOK_PW])


# ---------------------------------------------------------------- the password file

def test_password_file_lines_are_entries(tmp_path: Path) -> None:
    f = tmp_path / "p.txt"
    f.write_bytes("\ufeffone\r\n\n two \nパス\n".encode())
    f.chmod(0o600)
    got = read_password_file(f)
    assert got == ("one", "", " two ", "パス")  # spaces kept: they may be part of a password
    assert list(entries(got)) == [(1, "one"), (3, " two "), (4, "パス")]
    assert list(entries(got, first=4))[0] == (4, "パス")
    assert byte_forms("パス") == ["パス".encode(), "パス".encode("cp932")] and byte_forms("ab") == [b"ab"]


@pytest.mark.parametrize("content", [b"", b"\n\n", b"ok\n\xff\xfesecret-\x81\n", b"x" * ((1 << 20) + 1)])
def test_bad_password_files_are_refused_without_quoting_them(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "p.txt"
    f.write_bytes(content)
    with pytest.raises(UsageError) as e:
        read_password_file(f)
    assert "secret" not in str(e.value) and str(f) in str(e.value)


def test_password_file_must_be_a_regular_file(tmp_path: Path) -> None:
    real = _password_file(tmp_path / "real.txt", ["a"])
    (tmp_path / "link.txt").symlink_to(real)
    os.mkfifo(tmp_path / "fifo")
    for bad in (tmp_path / "link.txt", tmp_path / "fifo", tmp_path / "missing.txt", tmp_path):
        with pytest.raises(UsageError):
            read_password_file(bad)


def test_readable_password_file_is_warned_about(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "p.txt"
    f.write_text("a\n")
    f.chmod(0o644)
    read_password_file(f)
    assert "other users" in capsys.readouterr().err


# ---------------------------------------------------------------- workbooks

class _Entry:
    def __init__(self, name: str) -> None:
        self.name, self.location = name, Location("/x", name)


def _inspect(data: bytes, passwords: tuple[str, ...], name: str = "a.xlsx"):
    return SpreadsheetInspector(ScanConfig(["x"], Path("/nonexistent-out"), passwords=passwords)).inspect(
        _Entry(name), data, "", None)


@pytest.mark.parametrize(("name", "password"), [("poi__password.xls", "password"),
                                                ("poi__protected_passtika.xlsx", "tika")])
def test_corpus_workbooks_made_by_others(corpus: Path, name: str, password: str) -> None:
    """Apache POI's test files: an RC4 .xls and an agile-encrypted .xlsx, with the passwords POI's tests use."""
    data = (corpus / "spreadsheets" / "robust" / name).read_bytes()
    locked = _inspect(data, (), name)
    assert locked.status == Status.ENCRYPTED and "no --password-file" in locked.detail
    wrong = _inspect(data, ("nope", "still-no"), name)
    assert wrong.status == Status.ENCRYPTED and "none of the 2 passwords" in wrong.detail
    opened = _inspect(data, ("nope", "", password), name)
    assert opened.status == Status.OK, opened.detail
    assert opened.annotations == {"password": {"entry": 3}}


def test_encrypted_person_list_is_read_and_counted(book: bytes) -> None:
    data = _encrypted_book(book, BOOK_PW)
    found = _inspect(data, ("x", BOOK_PW))
    assert Reason.PII in found.reasons and found.pii["records"] == 30
    assert found.annotations == {"password": {"entry": 2}}
    # Excel's published default password is always tried: such a workbook opens without a password file
    default = _inspect(_encrypted_book(book, "VelvetSweatshop"), ())
    assert Reason.PII in default.reasons and default.annotations["password"]["builtin"] == "excel-default"


@pytest.mark.parametrize("damage", ["truncate", "flip", "zero-info"])
def test_damaged_encrypted_workbook_is_listed_not_crashed(book: bytes, damage: str) -> None:
    data = bytearray(_encrypted_book(book, BOOK_PW))
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        for i in range(2048, len(data), 97):
            data[i] ^= 0x5A
    else:
        i = data.find("EncryptionInfo".encode("utf-16-le"))
        data[i + 200:i + 1200] = bytes(1000)
    found = _inspect(bytes(data), (BOOK_PW,))
    assert found.status in (Status.CORRUPT, Status.ENCRYPTED, Status.UNSUPPORTED), found
    assert BOOK_PW not in found.detail


# ---------------------------------------------------------------- archives, through the pipeline

def _scan(share: Path, passwords: tuple[str, ...]):
    cfg = ScanConfig([str(share)], share.parent / "unused-out", names=[NAME], passwords=passwords)
    return run_scan(cfg, [open_source(str(share))])


def test_archives_stay_encrypted_without_passwords(share: Path) -> None:
    result = _scan(share, ())
    skipped = {s.location.display().removeprefix(str(share) + "/"): s for s in result.skipped}
    for rel in ("PC02/backup.zip", "PC03/送付.zip", "PC04/aes.zip", "PC05/content.7z", "PC06/header.7z"):
        assert skipped[rel].reason == Status.ENCRYPTED
        assert skipped[rel].sha256  # read whole, then found locked: an --accept list can name it
    assert skipped[f"PC01/{NAME}"].reason == Status.ENCRYPTED


def test_archives_open_with_the_right_entry(share: Path, pwfile: Path) -> None:
    result = _scan(share, read_password_file(pwfile))
    by_path = {h.location.display().removeprefix(str(share) + "/"): h for h in result.hits}
    expected = {"PC02/backup.zip": 4, "PC03/送付.zip": 5, "PC04/aes.zip": 6, "PC05/content.7z": 7, "PC06/header.7z": 7}
    for archive, entry in expected.items():
        hit = by_path[f"{archive} » {NAME}"]
        assert hit.status == Status.OK and Reason.PII in hit.reasons, (archive, hit.status_detail)
        assert hit.pii["records"] == 30
        assert hit.location.containers[-1].detail["password_entries"] == [entry]
    book = by_path[f"PC01/{NAME}"]
    assert book.status == Status.OK and book.annotations["password"] == {"entry": 8}
    left = {s.location.display().removeprefix(str(share) + "/"): s for s in result.skipped}
    assert set(left) == {"PC07/unrelated.zip", "PC07/unrelated.zip » 給与.csv"}
    assert "none of the 7 passwords" in left["PC07/unrelated.zip » 給与.csv"].detail
    # one read pass found everything: the persons of the six copies are one list's 30 persons
    assert result.extra["persons"]["unique"] == 30


def test_damaged_encrypted_archives(tmp_path: Path, book: bytes) -> None:
    good = {"zip": _zipcrypto(tmp_path, {NAME: book}, ZIP_PW.encode()), "7z": _seven({NAME: book}, SEVEN_PW, False)}
    root = tmp_path / "damaged"
    root.mkdir()
    for kind, data in good.items():
        (root / f"cut.{kind}").write_bytes(data[: len(data) * 2 // 3])
        flipped = bytearray(data)
        for i in range(64, len(flipped) - 64, 53):
            flipped[i] ^= 0xFF
        (root / f"flipped.{kind}").write_bytes(bytes(flipped))
    result = run_scan(ScanConfig([str(root)], tmp_path / "o", names=[NAME], passwords=(ZIP_PW, SEVEN_PW)),
                      [open_source(str(root))])
    seen = {s.location.display() for s in result.skipped} | {h.location.display() for h in result.hits}
    for name in ("cut.zip", "flipped.zip", "cut.7z", "flipped.7z"):  # each listed: never a silent clean
        assert any(p.startswith(str(root / name)) for p in seen), name
    assert all(h.status != Status.OK or not h.pii for h in result.hits if NAME in h.location.display())


# ---------------------------------------------------------------- nothing written, end to end

def _every_form(password: str) -> list[bytes]:
    forms = {password.encode("utf-8"), password.encode("utf-16-le"), json.dumps(password).encode()}
    try:
        forms.add(password.encode("cp932"))
    except UnicodeEncodeError:
        pass
    return sorted(forms)


def test_no_password_is_written_anywhere(share: Path, pwfile: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run_leakscan("-v", "scan", str(share), "--name", NAME, "--out", str(out), "--password-file", str(pwfile),
                        "--case-id", "PW-1")
    assert done.returncode == 1, done.stderr
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    assert doc["scan"]["settings"]["passwords_count"] == 7
    assert str(pwfile) in doc["scan"]["command_line"]  # its path, as typed
    state = sqlite3.connect(out / "scan-state.sqlite")
    config = json.loads(state.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0])
    assert config["password_file"] == str(pwfile) and "passwords" not in config
    state.close()
    written = [p for p in out.rglob("*") if p.is_file()]
    assert {p.name for p in written} >= {"findings.json", "report.html", "manifest.sha256", "scan-state.sqlite"}
    blobs = [(str(p), p.read_bytes()) for p in written] + [("stdout", done.stdout.encode()),
                                                            ("stderr", done.stderr.encode())]
    for password in ALL:
        for form in _every_form(password):
            leaked = [name for name, blob in blobs if form in blob]
            assert not leaked, (password, leaked)
    report = (out / "report.html").read_text("utf-8")
    assert "--password-file" in report and "8" in report  # "opened with the password on line 8"


def test_resume_reads_the_recorded_password_file_again(small: tuple[Path, Path], tmp_path: Path) -> None:
    share, pwfile = small
    out = tmp_path / "out"
    assert run_cli("scan", str(share), "--name", NAME, "--out", str(out), "--quiet",
                   "--password-file", str(pwfile)).returncode == 1
    first = json.loads((out / "findings.json").read_text("utf-8"))
    (out / "manifest.sha256").unlink()  # as if the scan had been killed before publishing
    moved = tmp_path / "moved.txt"
    pwfile.rename(moved)
    try:
        done = run_cli("scan", "--resume", str(out), "--quiet")
        assert done.returncode == 2 and "--password-file" in done.stderr
        done = run_cli("scan", "--resume", str(out), "--quiet", "--password-file", str(moved))
        assert done.returncode == 1, done.stderr
    finally:
        moved.rename(pwfile)
    again = json.loads((out / "findings.json").read_text("utf-8"))
    assert [f["status"] for f in again["files"]] == [f["status"] for f in first["files"]]
    assert again["persons"]["unique"] == first["persons"]["unique"] == 30


def test_verify_and_persons_export_take_the_password_file(small: tuple[Path, Path], tmp_path: Path) -> None:
    share, pwfile = small
    out = tmp_path / "out"
    run_cli("scan", str(share), "--name", NAME, "--out", str(out), "--quiet", "--password-file", str(pwfile))
    locked = run_cli("verify", str(out), "--sources", str(share), "--json")
    rows = {r["path"]: r["status"] for r in json.loads(locked.stdout)["sources"]}
    inside = [p for p in rows if " » " in p]
    assert inside and all(rows[p] != "match" for p in inside)  # encrypted members cannot be hashed again
    opened = run_cli("verify", str(out), "--sources", str(share), "--json", "--password-file", str(pwfile))
    assert opened.returncode == 0, opened.stdout
    export = tmp_path / "list.xlsx"
    done = run_cli("persons", str(out), "--export", str(export), "--sources", str(share), "--password-file", str(pwfile))
    assert done.returncode == 0 and "not read again" not in done.stderr, done.stderr
    import openpyxl

    assert openpyxl.load_workbook(export).active.max_row - 1 == 30
    without = run_cli("persons", str(out), "--export", str(tmp_path / "l2.xlsx"), "--sources", str(share))
    assert "not read again" in without.stderr


def test_zipfile_member_name_in_errors_never_quotes_a_password(share: Path) -> None:
    """zipfile's own messages name the member, never the password; ours name the entry count only."""
    with zipfile.ZipFile(share / "PC02/backup.zip") as z, pytest.raises(RuntimeError) as e:
        z.open(z.infolist()[0], pwd=b"Wr0ng-One").read()
    assert "Wr0ng-One" not in str(e.value)


def test_a_wrong_password_passing_the_check_byte_is_not_taken(tmp_path: Path) -> None:
    """ZipCrypto's one-byte check lets one wrong password in 256 through: on a stored member (nothing to
    inflate) only the CRC at the end tells; the right entry must still be found and named."""
    data = os.urandom(200_000)  # stored as is (-0): incompressible, larger than the trial read
    if shutil.which("zip") is None:
        if os.environ.get("CI"):
            pytest.fail("zip missing in CI")
        pytest.skip("zip not installed (allowed outside CI only)")
    work = tmp_path / "w"
    work.mkdir()
    (work / "名簿.bin").write_bytes(data)
    subprocess.run(["zip", "-q", "-0", "-P", ZIP_PW, "s.zip", "名簿.bin"], cwd=work, check=True)
    zf = zipfile.ZipFile(work / "s.zip")
    info = zf.infolist()[0]

    def passes_check(pw: str) -> bool:
        try:
            zf.open(info, pwd=pw.encode()).close()
        except RuntimeError:
            return False
        return True

    impostor = next(f"wrong-{i}" for i in range(100_000) if passes_check(f"wrong-{i}"))
    root = tmp_path / "share"
    root.mkdir()
    (root / "s.zip").write_bytes((work / "s.zip").read_bytes())
    result = run_scan(ScanConfig([str(root)], tmp_path / "o", names=["名簿.bin"], passwords=(impostor, ZIP_PW)),
                      [open_source(str(root))])
    (hit,) = [h for h in result.hits if h.location.containers]
    assert hit.status == Status.OK and hit.location.containers[-1].detail["password_entries"] == [2]
    import hashlib

    assert hit.digests.sha256 == hashlib.sha256(data).hexdigest()
