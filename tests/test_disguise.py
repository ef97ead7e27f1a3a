"""Files whose content contradicts their extension (scanner/inspectors/disguise.py): an .xlsx renamed photo.jpg, a
zip of the list named scan.pdf, a CSV named .log. They are examined by their content and reported as
``extension-mismatch``; real pictures and documents stay unexamined; a damaged disguised workbook is listed.

Before the content check, every disguised file here was passed over unseen (the ``--content-check off`` run
shows it): their extensions are ones no inspector reads, so the walk never opened them.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from archive_data import seven_zip, tar_bytes, zip_bytes
from conftest import CORPUS, report_text, run_leakscan
from image_data import fat_image
from pii_data import csv_bytes, encrypted_xlsx, ods_bytes, people, standard, xls_bytes, xlsx_bytes

from scanner.codes import LEAD_REASONS, Reason
from scanner.inspectors.disguise import HEAD_CHECK, check, family_of, table_head

PEOPLE = 20
MISMATCH = Reason.EXTENSION_MISMATCH


@pytest.fixture(scope="module")
def rows() -> list[list[object]]:
    return standard(people(PEOPLE, seed=7))


@pytest.fixture(scope="module")
def disguised(rows: list[list[object]]) -> dict[str, bytes]:
    """Person lists in every format leakscan reads, each under a name of another type."""
    xlsx = xlsx_bytes({"名簿": rows})
    return {
        "photo.jpg": xlsx,
        "old.png": xls_bytes({"名簿": rows}),
        "mail.msg": ods_bytes({"名簿": rows}),  # an .msg is an OLE2 file: a zip is not one
        "app.log": csv_bytes(rows),  # cp932, Excel's CSV
        "lib.dll": csv_bytes(rows, "utf-8", "\t"),
        "clients": csv_bytes(rows, "utf-16"),  # no extension at all; UTF-16 with a BOM
        "scan.pdf": zip_bytes({"data.xlsx": xlsx}),
        "song.mp3": seven_zip({"export.csv": csv_bytes(rows)}),
    }


def real_files() -> dict[str, bytes]:
    """Pictures, a PDF and a log written by other software, named as what they are: never examined."""
    found: dict[str, bytes] = {}
    spec = importlib.util.find_spec("distributed")  # the test extra: dask.distributed ships PNG pictures
    assert spec is not None and spec.origin is not None
    for png in sorted((Path(spec.origin).parent / "http" / "static" / "images").glob("*.png"))[:3]:
        found[png.name] = png.read_bytes()
    from pypdf import PdfWriter

    pdf = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "氏名,住所 memo"})
    writer.write(pdf)
    found["minutes.pdf"] = pdf.getvalue()
    log = CORPUS / "traces" / "plaso__setupapi.dev.log"
    if log.exists():
        found["install.log"] = log.read_bytes()  # a real Windows log under a plain name (text, not a table)
    elif os.environ.get("CI"):
        pytest.fail(f"corpus file missing: {log}")
    found["empty.jpg"] = b""
    return found


def _scan(source: Path, out: Path, *extra: str) -> dict:
    done = run_leakscan("scan", str(source), "--out", str(out), "--quiet", "--workers", "1", *extra, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _by_name(doc: dict) -> dict[str, dict]:
    """Hits by base name (an archive member by its path inside the archive)."""
    return {f["path"].rsplit(" » ", 1)[-1].rsplit("/", 1)[-1]: f for f in doc["files"]}


@pytest.fixture(scope="module")
def folder_scan(tmp_path_factory: pytest.TempPathFactory, disguised: dict[str, bytes]) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("disguise")
    share = root / "share"
    share.mkdir()
    for name, data in {**disguised, **real_files()}.items():
        (share / name).write_bytes(data)
    (share / "cut.jpg").write_bytes(disguised["photo.jpg"][: len(disguised["photo.jpg"]) // 2])
    (share / "locked.png").write_bytes(encrypted_xlsx(disguised["photo.jpg"], "not-given"))
    for p in share.iterdir():  # atime before mtime: a read that touched atime would move it (relatime too)
        os.utime(p, ns=(1_000_000_000, 2_000_000_000))
    return root, _scan(share, root / "out")


# -- the head check itself ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("head", [
    "氏名,フリガナ,住所,電話番号\r\n".encode("cp932"),
    "利用者番号,氏名,ふりがな,性別,生年月日,郵便番号,住所".encode()[:HEAD_CHECK],  # cut inside a character
    b"Name,Address,Phone\n",
    b'"Last Name","First Name","City"\n',
    "姓\t名\t住所\r\n".encode("utf-16"),  # with its BOM
])
def test_a_person_table_header_is_a_table(head: bytes) -> None:
    assert table_head(head)
    assert check("notes.log", head) is not None and check("notes.log", head).family == "table"


@pytest.mark.parametrize("head", [
    b"Name,Size,Modified\n",  # a file listing: a bare name is no person table
    b"2024-01-01 12:00:00,INFO,service started\n",
    b'{"name": "x", "address": "y"}',
    b"[Setup]\nname=foo\naddress=bar\n",
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01",  # JPEG
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"\xff\xfbP\xc4\x00\x00",  # an MP3 frame
    b"MZ\x90\x00\x03\x00\x00\x00",
    b"\x60\xea\x00\x00",  # ARJ's 2-byte magic is too weak to call every such file an archive
])
def test_other_content_is_no_disguise(head: bytes) -> None:
    assert check("file.jpg", head) is None and check("file.log", head) is None


def test_family_of_kept_for_the_last_head_is_its_family() -> None:
    """``family_of`` keeps its answer for the last head object (cheap21: a file's checks asked it up to four times):
    the answer for the same object with another ``lines``, for equal bytes in another object and for a head after
    another one is the one worked out afresh."""
    from scanner.inspectors.disguise import _family_of

    title = "職員名簿 2024\n".encode() + "氏名,住所,電話\n山田,東京,03\n".encode()
    heads = [title, b"%PDF-1.4\n" + bytes(100), b"From: a@example.jp\r\nSubject: x\r\n\r\n", b"PK\x03\x04" + bytes(60),
             b"", b"<html><table>", "氏名,住所\n".encode(), bytes(title)]
    for head in heads + heads[::-1]:
        for lines in (1, 5, 1):
            assert family_of(head, lines) == _family_of(head, lines), (head[:20], lines)
            assert family_of(bytes(bytearray(head)), lines) == _family_of(head, lines)
    assert family_of(title, 1) != family_of(title, 5)  # (the header on the second line: a table only within 5)


def test_a_pdf_under_another_format_s_name_is_a_disguise() -> None:
    """Session 15: a PDF saved as 報告書.jpg (its attached files unread: review14h) is the ``pdf`` family; under
    its own name or none (a download without an extension) it is no disguise."""
    head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    assert check("file.jpg", head).family == "pdf" and check("file.log", head).family == "pdf"  # type: ignore[union-attr]
    assert check("file.pdf", head) is None and check("noext", head) is None


def test_a_format_s_own_family_is_no_disguise() -> None:
    ole, zipped = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(56), b"PK\x03\x04" + bytes(60)
    assert check("mail.msg", ole) is None and check("tool.jar", zipped) is None  # Outlook items, Java archives
    assert check("mail.msg", zipped) is not None and check("photo.jpg", ole) is not None
    assert check("data.dat", zipped) is None and check("book.xlsx", zipped) is None  # unknown / read anyway
    # no extension claims no type: a container under such a name is sniffed by the inspectors anyway (a Mac's
    # .fseventsd/0000000017 is gzip, a backup_newc is cpio): no lead; only a text table is found through here
    assert check("noext", zipped) is None and check("noext", b"\x1f\x8b\x08" + bytes(20)) is None
    assert check("noext", "氏名,住所,電話番号\r\n".encode("cp932")) is not None
    assert family_of(b"7z\xbc\xaf\x27\x1c\x00\x04") == "archive"
    assert MISMATCH in LEAD_REASONS


# -- a folder -------------------------------------------------------------------------------------------------------
def test_disguised_person_lists_are_examined_by_content(folder_scan: tuple[Path, dict],
                                                         disguised: dict[str, bytes]) -> None:
    _, doc = folder_scan
    files = _by_name(doc)
    for name in disguised:
        hit = files[name]
        assert MISMATCH in hit["reasons"], name
        ext = name.rsplit(".", 1)[1] if "." in name else ""
        assert hit["type_mismatch"].startswith(f"named .{ext}," if ext else "named without an extension,"), hit
        assert any(r.startswith("extension-mismatch:") for r in hit["matched_rules"])
        if name not in ("scan.pdf", "song.mp3"):  # the tables themselves
            assert Reason.PII in hit["reasons"] and hit["pii"]["records"] == PEOPLE, name
            assert hit["status"] == "ok"
    # the archives' members are read as members of any archive
    assert files["data.xlsx"]["pii"]["records"] == PEOPLE and files["data.xlsx"]["path"].endswith("scan.pdf » data.xlsx")
    assert files["export.csv"]["pii"]["records"] == PEOPLE
    assert "Excel" in files["photo.jpg"]["type_mismatch"]  # libmagic names the content of the hits


def test_real_files_stay_unexamined(folder_scan: tuple[Path, dict]) -> None:
    _, doc = folder_scan
    listed = set(_by_name(doc)) | {s["path"].rsplit("/", 1)[-1] for s in doc["skipped"]}
    real = set(real_files())
    assert len(real) >= 4 and not real & listed


def test_a_damaged_disguised_workbook_is_listed_not_clean(folder_scan: tuple[Path, dict]) -> None:
    _, doc = folder_scan
    cut = _by_name(doc)["cut.jpg"]
    assert MISMATCH in cut["reasons"] and cut["status"] == "corrupt"
    assert [s["reason"] for s in doc["skipped"] if s["path"].endswith("/cut.jpg")] == ["corrupt"]


def test_heads_are_read_without_touching_atime(folder_scan: tuple[Path, dict]) -> None:
    root, _ = folder_scan
    assert {p.name: p.stat().st_atime_ns for p in (root / "share").iterdir()} == \
        {p.name: 1_000_000_000 for p in (root / "share").iterdir()}


def test_a_locked_disguised_workbook_is_listed_encrypted(folder_scan: tuple[Path, dict]) -> None:
    _, doc = folder_scan
    locked = _by_name(doc)["locked.png"]
    assert MISMATCH in locked["reasons"] and locked["status"] == "encrypted"
    assert [s["reason"] for s in doc["skipped"] if s["path"].endswith("/locked.png")] == ["encrypted"]


def test_report_names_the_disguise(folder_scan: tuple[Path, dict], tmp_path: Path) -> None:
    root, doc = folder_scan
    # found by their disguise alone (the archives, whose members hold the lists, and the damaged workbook): their own
    # group of leads; the disguised lists themselves are person files
    alone = sorted(n for n, f in _by_name(doc).items() if f["reasons"] == [MISMATCH])
    assert alone == ["cut.jpg", "locked.png", "scan.pdf", "song.mp3"] and doc["summary"]["disguised"] == len(alone)
    assert doc["summary"]["other_person_files"] >= 6
    html = (root / "out" / "report.html").read_text(encoding="utf-8")
    assert 'id="disguised"' in html and html.count('class="disguised-table"') <= 1
    assert "拡張子と内容が食い違う" in report_text(root / "out" / "report.html")
    again = shutil.copytree(root / "out", tmp_path / "out")
    done = run_leakscan("report", str(again), "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "content contradicts the extension" in report_text(again / "report.html")


def test_without_the_content_check_they_were_never_seen(tmp_path: Path, disguised: dict[str, bytes]) -> None:
    share = tmp_path / "share"
    share.mkdir()
    for name, data in disguised.items():
        (share / name).write_bytes(data)
    doc = _scan(share, tmp_path / "out", "--content-check", "off")
    assert not any(MISMATCH in f["reasons"] for f in doc["files"])
    # only the file without an extension holds a table a name could not rule out; its text was not read either
    assert not [f for f in doc["files"] if Reason.PII in f["reasons"]]


# -- inside a zip and inside a disk image ---------------------------------------------------------------------------
def test_disguised_members_of_a_zip(tmp_path: Path, disguised: dict[str, bytes]) -> None:
    share = tmp_path / "share"
    share.mkdir()
    members = {f"2019/{name}": data for name, data in disguised.items() if name in ("photo.jpg", "app.log", "old.png")}
    members.update({f"2019/{name}": data for name, data in real_files().items() if name.endswith(".png")})
    (share / "backup.zip").write_bytes(zip_bytes(members))
    doc = _scan(share, tmp_path / "out")
    hits = {f["path"].split(" » ", 1)[1]: f for f in doc["files"] if " » " in f["path"]}
    for name in ("photo.jpg", "app.log", "old.png"):
        hit = hits[f"2019/{name}"]
        assert MISMATCH in hit["reasons"] and hit["pii"]["records"] == PEOPLE
    assert not [p for p in hits if p.endswith(".png") and p != "2019/old.png"]


def test_disguised_files_in_a_disk_image(tmp_path: Path, disguised: dict[str, bytes]) -> None:
    if shutil.which("mcopy") is None and not os.environ.get("CI"):
        pytest.skip("mtools not installed")
    files = {f"/Users/staff/{name}": disguised[name] for name in ("photo.jpg", "scan.pdf", "app.log")}
    files.update({f"/Users/staff/{name}": data for name, data in real_files().items() if data})
    image = fat_image(tmp_path / "pc.img", files)
    doc = _scan(image, tmp_path / "out")
    files_found = _by_name(doc)
    for name in ("photo.jpg", "scan.pdf", "app.log"):
        assert MISMATCH in files_found[name]["reasons"], name
    assert files_found["photo.jpg"]["pii"]["records"] == PEOPLE == files_found["data.xlsx"]["pii"]["records"]
    assert not set(real_files()) & set(files_found)


# -- an SMB share: off by default (a round trip per file), on with --content-check all ------------------------------
def test_smb_share_checked_on_request(tmp_path: Path, disguised: dict[str, bytes]) -> None:
    from smb_data import PASSWORD, SambaServer, require_smbd

    require_smbd()
    share = tmp_path / "share"
    share.mkdir()
    for name in ("photo.jpg", "app.log", "song.mp3"):
        (share / name).write_bytes(disguised[name])
    for name, data in real_files().items():
        (share / name).write_bytes(data)
    # a tar: its magic at byte 257, fetched only when the first bytes call for it (session 8), over SMB too
    (share / "backup.jpg").write_bytes(tar_bytes({"list.csv": disguised["app.log"]}, mode="w"))
    srv = SambaServer(tmp_path / "samba", {"evidence": share})
    env = {"LEAKSCAN_SMB_PASSWORD": PASSWORD}
    try:
        srv.start()
        docs = {}
        for mode in ("auto", "all"):
            out = tmp_path / f"out-{mode}"
            done = run_leakscan("scan", srv.url("evidence"), "--out", str(out), "--quiet", "--content-check", mode,
                                env=env, timeout=120)
            assert done.returncode in (0, 1), done.stderr
            docs[mode] = _by_name(json.loads((out / "findings.json").read_text(encoding="utf-8")))
    finally:
        srv.kill()
    assert not docs["auto"]  # the default over SMB: names alone, as before (documented)
    assert {"photo.jpg", "app.log", "song.mp3", "export.csv", "backup.jpg", "list.csv"} == set(docs["all"])
    assert docs["all"]["photo.jpg"]["pii"]["records"] == PEOPLE and MISMATCH in docs["all"]["app.log"]["reasons"]


def test_a_disguised_copy_by_hash_is_read_again_for_the_notification_list(tmp_path: Path,
                                                                          disguised: dict[str, bytes]) -> None:
    """persons --export reads the leaked files again through the inspectors: a copy found by its hash under a
    picture's name must be read by its content there too, not passed over by its name."""
    import hashlib

    from openpyxl import load_workbook

    share = tmp_path / "share"
    share.mkdir()
    (share / "photo.jpg").write_bytes(disguised["photo.jpg"])
    hashes = tmp_path / "leaked.sha256"
    hashes.write_text(f"{hashlib.sha256(disguised['photo.jpg']).hexdigest()}  leaked.xlsx\n")
    doc = _scan(share, tmp_path / "out", "--known-hashes", str(hashes))
    hit = _by_name(doc)["photo.jpg"]
    assert {Reason.KNOWN_HASH, MISMATCH} <= set(hit["reasons"]) and doc["persons"]["records"] == PEOPLE
    target = tmp_path / "persons.xlsx"
    done = run_leakscan("persons", str(tmp_path / "out"), "--export", str(target), "--sources", str(share))
    assert done.returncode == 0, done.stderr
    assert "warning: #" not in done.stderr  # every leak-set file was read again
    rows = list(load_workbook(target).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert len(rows) == PEOPLE


def test_the_report_says_where_disguised_files_were_looked_for(tmp_path: Path) -> None:
    """The reader of the report learns whether files hidden under another extension were looked for: by default
    not on SMB shares (a range read per file), which the scope section says when an SMB share was scanned."""
    import copy

    from reports.html import render_report

    share = tmp_path / "share"
    share.mkdir()
    (share / "memo.txt").write_text("x", encoding="utf-8")
    doc = _scan(share, tmp_path / "out")
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "フォルダー・ディスクイメージ・書庫の中で行った" in report and "SMB 共有では行っていない" not in report
    smb = copy.deepcopy(doc)
    for detail in smb["scan"]["source_details"]:
        detail["kind"] = "smb"
    assert "SMB 共有では行っていない" in render_report(smb, "ja")
    assert "not on SMB shares" in render_report(smb, "en")
    off = _scan(share, tmp_path / "off", "--content-check", "off")
    assert "--content-check off" in (tmp_path / "off" / "report.html").read_text(encoding="utf-8")
    assert off["scan"]["settings"]["content_check"] == "off"
