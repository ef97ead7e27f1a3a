"""The typed evidence document (scanner.evidence): lossless round trip, in step with the JSON schema, and
case folders built to deceive (issue 17): every one refused with exit 2 and one clear line, nothing read or
written outside the output folder."""

from __future__ import annotations

import copy
import json
import os
import re
import socket
import threading
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, report_text, run_cli

from scanner import evidence
from scanner.demo import LEAKED_NAME, client_list_xlsx, make_people
from scanner.evidence import EvidenceError, Finding, FindingsDoc
from scanner.models import Hop, Location
from scanner.output import write_manifest
from scanner.summary import summarise

SCHEMA = json.loads((ROOT / "scanner" / "schemas" / "findings.schema.json").read_text(encoding="utf-8"))


def _load(out: Path) -> dict:
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo(demo_run: tuple[Path, object]) -> Path:
    return demo_run[0] / "report"  # the session's demo run (conftest)


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small share: the leaked workbook twice, once inside a zip; scanned once (in-process)."""
    root = tmp_path_factory.mktemp("case")
    share = root / "share"
    (share / "PC01").mkdir(parents=True)
    book = client_list_xlsx(make_people(6, seed=3))
    (share / "PC01" / LEAKED_NAME).write_bytes(book)
    import zipfile

    with zipfile.ZipFile(share / "backup.zip", "w") as z:
        z.writestr(LEAKED_NAME, book)
    out = root / "out"
    done = run_cli("scan", str(share), "--name", LEAKED_NAME, "--out", str(out), "--quiet")
    assert done.returncode == 1, done.stderr
    return share, out


def _copy_case(out: Path, dest: Path, doc: dict | None = None) -> Path:
    dest.mkdir(parents=True)
    for p in out.iterdir():
        if p.is_file():
            (dest / p.name).write_bytes(p.read_bytes())
    if doc is not None:
        (dest / "findings.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return dest


# -- the document ----------------------------------------------------------------------------------
def test_demo_findings_round_trip_losslessly(demo: Path) -> None:
    raw = _load(demo)
    doc = FindingsDoc.from_json(raw)
    assert doc.to_json() == raw
    assert len(doc.files) == len(raw["files"]) > 10 and doc.persons is not None
    keys = [f.key() for f in doc.files]
    assert len(set(keys)) == len(keys)  # one identity key per finding
    assert all(isinstance(f.location, Location) for f in doc.files)
    jsonschema.Draft202012Validator(SCHEMA).validate(raw)


def test_schema_and_typed_document_describe_the_same_fields() -> None:
    defs = SCHEMA["$defs"]
    assert tuple(SCHEMA["required"]) == evidence.TOP_FIELDS
    assert tuple(SCHEMA["properties"]["scan"]["required"]) == evidence.SCAN_FIELDS
    assert tuple(defs["file"]["required"]) == evidence.FILE_FIELDS
    assert set(defs["file"]["properties"]) <= {*evidence.FILE_FIELDS, *evidence.OPTIONAL_FILE_FIELDS,
                                               evidence.FILE_DETAIL_CODES}
    skipped = SCHEMA["properties"]["skipped"]["items"]
    assert tuple(skipped["required"]) == evidence.SKIP_FIELDS
    assert set(skipped["properties"]) == {*evidence.SKIP_FIELDS, *evidence.OPTIONAL_SKIP_FIELDS,
                                          evidence.SKIP_DETAIL_CODES}
    # the value forms: the schema's patterns are the loader's
    assert defs["sha256"]["pattern"] == f"^{evidence.SHA256.pattern}$"
    assert defs["file"]["properties"]["md5"]["anyOf"][0]["pattern"] == f"^{evidence.MD5.pattern}$"
    assert re.fullmatch(defs["utc"]["pattern"], "2026-01-01T00:00:00Z")
    for text in ("2026-01-01T00:00:00Z", "2026-01-01T00:00:00.5Z", "2026-01-01 00:00:00", "yesterday", "2026-01-01"):
        assert bool(re.search(defs["utc"]["pattern"], text)) == bool(evidence.UTC.fullmatch(text)), text


def _mutations(raw: dict) -> list[tuple[str, dict]]:
    """Documents a schema-following reader must refuse, one defect each."""
    out: list[tuple[str, dict]] = []
    for key in evidence.FILE_FIELDS:
        d = copy.deepcopy(raw)
        del d["files"][0][key]
        out.append((f"files[0] without {key}", d))
    bad_values = {"sha256": "Z" * 64, "size": -1, "reasons": [], "deleted": "no", "container": {"kind": "x"},
                  "mtime": "last week", "id": 0, "raw_path_hex": "abc", "status": 7}
    for key, value in bad_values.items():
        d = copy.deepcopy(raw)
        d["files"][0][key] = value
        out.append((f"files[0].{key} = {value!r}", d))
    for key in ("started", "finished"):
        d = copy.deepcopy(raw)
        d["scan"][key] = "yesterday"
        out.append((f"scan.{key}", d))
    d = copy.deepcopy(raw)
    d["skipped"] = [{"path": 1}]
    out.append(("skipped[0].path", d))
    d = copy.deepcopy(raw)
    d["files"][0]["container"] = [{"kind": "archive"}]
    out.append(("hop without a name", d))
    return out


def test_the_loader_refuses_what_the_schema_refuses(case: tuple[Path, Path]) -> None:
    raw = _load(case[1])
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for what, doc in _mutations(raw):
        assert not validator.is_valid(doc), what
        with pytest.raises(EvidenceError):
            FindingsDoc.from_json(doc)


def test_error_names_the_field_never_the_value(case: tuple[Path, Path]) -> None:
    raw = _load(case[1])
    raw["files"][0]["sha256"] = "山田太郎の住所"
    with pytest.raises(EvidenceError) as e:
        FindingsDoc.from_json(raw, "x/findings.json")
    assert "files[0].sha256" in str(e.value) and "山田" not in str(e.value)


def test_identity_key_is_the_locations() -> None:
    loc = Location("/s", "名簿.xlsx", (Hop("archive", "/s/a.zip", {"format": "zip"}),))
    f = Finding(1, loc, loc.display(), False, 1, None, None, None, None, None, None, None, "0" * 64, "data", None,
                ("name",), (), "ok", "")
    again = Finding.from_json(f.to_json())
    assert again == f and again.key() == loc.key()


# -- case folders built to deceive ------------------------------------------------------------------
def _one_line_exit_2(done) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("leakscan: error:"), done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    return lines[0]


def test_symlinked_case_key_is_refused_by_merge(case: tuple[Path, Path], tmp_path: Path) -> None:
    secret = tmp_path / "id_ed25519"
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n-----END OPENSSH PRIVATE KEY-----\n")
    a = _copy_case(case[1], tmp_path / "a")
    b = _copy_case(case[1], tmp_path / "b")
    (b / "case.key").unlink()
    (b / "case.key").symlink_to(secret)
    line = _one_line_exit_2(run_cli("merge", str(a), str(b), "--out", str(tmp_path / "merged"), "--quiet"))
    assert "case.key" in line and "link" in line
    merged = tmp_path / "merged"
    assert not any("OPENSSH" in p.read_text(errors="replace") for p in merged.rglob("*") if p.is_file())


@pytest.mark.parametrize("content", [b"-----BEGIN OPENSSH PRIVATE KEY-----\n", b"ab" * 16 + b"\n", b"",
                                     b"g" * 64 + b"\n", b"0" * 64 + b"\n\nextra"])
def test_case_key_of_another_form_is_refused(case: tuple[Path, Path], tmp_path: Path, content: bytes) -> None:
    a = _copy_case(case[1], tmp_path / "a")
    b = _copy_case(case[1], tmp_path / "b")
    (b / "case.key").write_bytes(content)
    line = _one_line_exit_2(run_cli("merge", str(a), str(b), "--out", str(tmp_path / "merged"), "--quiet"))
    assert "case key" in line
    assert not (tmp_path / "merged" / "case.key").exists()


def test_case_key_copied_by_merge_is_the_checked_key(case: tuple[Path, Path], tmp_path: Path) -> None:
    a = _copy_case(case[1], tmp_path / "a")
    b = _copy_case(case[1], tmp_path / "b")
    done = run_cli("merge", str(a), str(b), "--out", str(tmp_path / "merged"), "--quiet")
    assert done.returncode == 1, done.stderr
    key = (case[1] / "case.key").read_bytes()
    assert (tmp_path / "merged" / "case.key").read_bytes() == key and len(key) == 65


def test_findings_json_that_is_a_link_a_fifo_or_not_json_is_refused(case: tuple[Path, Path], tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.json"
    outside.write_bytes((case[1] / "findings.json").read_bytes())
    linked = _copy_case(case[1], tmp_path / "linked")
    (linked / "findings.json").unlink()
    (linked / "findings.json").symlink_to(outside)
    fifo = _copy_case(case[1], tmp_path / "fifo")
    (fifo / "findings.json").unlink()
    os.mkfifo(fifo / "findings.json")
    garbage = _copy_case(case[1], tmp_path / "garbage")
    (garbage / "findings.json").write_bytes(b'{"schema": "leakscan/findings@1", "files": [NaN]}')
    deep = _copy_case(case[1], tmp_path / "deep")
    (deep / "findings.json").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    for folder in (linked, fifo, garbage, deep):
        for args in (["diff", str(case[1]), str(folder), "--out", str(tmp_path / f"d-{folder.name}")],
                     ["merge", str(case[1]), str(folder), "--out", str(tmp_path / f"m-{folder.name}")],
                     ["persons", str(folder)], ["verify", str(folder), "--sources"]):
            _one_line_exit_2(run_cli(*args, "--quiet") if args[0] in ("diff", "merge") else run_cli(*args))
        assert not (tmp_path / f"d-{folder.name}").exists() and not (tmp_path / f"m-{folder.name}").exists()


def test_baseline_with_malformed_times_is_a_clear_error(case: tuple[Path, Path], tmp_path: Path) -> None:
    raw = _load(case[1])
    raw["scan"]["started"] = "2026年1月1日"
    raw["scan"]["finished"] = None
    base = _copy_case(case[1], tmp_path / "base", raw)
    line = _one_line_exit_2(run_cli("diff", str(base), str(case[1]), "--out", str(tmp_path / "diff"), "--quiet"))
    assert "scan.started" in line
    assert not (tmp_path / "diff").exists()
    rescan = tmp_path / "rescan"
    line = _one_line_exit_2(run_cli("scan", str(case[0]), "--name", LEAKED_NAME, "--out", str(rescan), "--quiet",
                                    "--baseline", str(base)))
    assert not rescan.exists()  # refused before the scan, not after


def test_findings_naming_files_outside_the_sources_are_not_read(case: tuple[Path, Path], tmp_path: Path) -> None:
    share, out = case
    outside = tmp_path / "private.xlsx"
    outside.write_bytes((share / "PC01" / LEAKED_NAME).read_bytes())
    raw = _load(out)
    local = next(f for f in raw["files"] if not f["container"])
    escaping = dict(local, id=900, inner_path=f"{share}/PC01/../../{outside.name}", path="x", raw_path_hex=None)
    foreign = dict(local, id=901, source=str(tmp_path), inner_path=str(outside), path=str(outside))
    raw["files"] += [escaping, foreign]
    crafted = _copy_case(out, tmp_path / "crafted", raw)
    done = run_cli("verify", str(crafted), "--sources", str(share), "--json")
    rows = {r["path"]: r for r in json.loads(done.stdout)["sources"]}
    assert rows["x"]["status"] == "not-named" and rows["x"]["now_sha256"] is None
    assert rows[str(outside)]["status"] == "not-named" and rows[str(outside)]["now_sha256"] is None
    assert rows[local["path"]]["status"] == "match"
    assert done.returncode == 1
    # nothing named: nothing is read (not a terminal, so nothing is asked either)
    done = run_cli("verify", str(out), "--sources", "--json")
    assert {r["status"] for r in json.loads(done.stdout)["sources"]} == {"not-named"} and done.returncode == 1


class _Listener:
    """A TCP listener on 127.0.0.1 that records whether anybody connected (an SMB server stand-in)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join()
        self.sock.close()


def test_findings_naming_an_smb_host_do_not_connect_to_it(case: tuple[Path, Path], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    share, out = case
    listener = _Listener()
    try:
        monkeypatch.setenv("LEAKSCAN_SMB_PASSWORD", "examiner-secret")
        raw = _load(out)
        url = f"smb://chosa@127.0.0.1:{listener.port}/share"
        for f in raw["files"]:
            f["source"] = url
        raw["scan"]["sources"] = [url]
        raw.pop("summary")  # a careful forger: the summary and the manifest made again to agree with the edit
        raw["summary"] = summarise(raw)  # (else persons refuses the folder at once)
        crafted = _copy_case(out, tmp_path / "crafted", raw)
        write_manifest(crafted)
        done = run_cli("verify", str(crafted), "--sources", str(share), "--json")
        # Session 7: a --sources that names none of the recorded sources is refused (it read nothing anyway)
        assert done.returncode == 2 and "none of the sources this scan recorded" in done.stderr
        done = run_cli("persons", str(crafted), "--export", str(tmp_path / "p.xlsx"), "--sources", str(share))
        # Session 9: no copy read again writes no (empty) list: exit 2, with why for each copy
        assert done.returncode == 2 and "not-named" in done.stderr and "nothing written" in done.stderr
        assert listener.connections == 0
    finally:
        listener.close()


def test_a_confirmed_source_is_read_and_an_unconfirmed_one_is_not(case: tuple[Path, Path],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner.evidence import load_findings
    from scanner.scope import NamedSources
    from scanner.verify import verify_sources

    share, out = case
    doc = load_findings(out)
    asked: list[str] = []

    def answer(yes: bool):
        def confirm(source: str) -> bool:
            asked.append(source)
            return yes
        return confirm

    rows = verify_sources(doc, NamedSources([], answer(True)))
    assert {r["status"] for r in rows} == {"match"} and asked == [str(share)]  # asked once per source
    rows = verify_sources(doc, NamedSources([], answer(False)))
    assert {r["status"] for r in rows} == {"not-named"}


# -- hops ------------------------------------------------------------------------------------------
def test_a_folder_named_like_a_hop_never_reads_like_one(tmp_path: Path) -> None:
    import zipfile

    share = tmp_path / "share"
    fake = share / "backup_2017.zip » 旧PC"
    fake.mkdir(parents=True)
    book = client_list_xlsx(make_people(3, seed=9))
    (fake / LEAKED_NAME).write_bytes(book)
    with zipfile.ZipFile(share / "backup_2017.zip", "w") as z:
        z.writestr(f"旧PC/{LEAKED_NAME}", book)
    out = tmp_path / "out"
    assert run_cli("scan", str(share), "--name", LEAKED_NAME, "--out", str(out), "--quiet").returncode == 1
    doc = FindingsDoc.from_json(_load(out))
    shown = {f.path: f for f in doc.files}
    real = [p for p, f in shown.items() if f.containers]
    plain = [p for p, f in shown.items() if not f.containers]
    assert len(real) == 1 and len(plain) == 1
    assert " » " in real[0] and " » " not in plain[0] and "⟨U+00BB⟩" in plain[0]
    assert Location.parse_display(real[0])[-1] == f"旧PC/{LEAKED_NAME}"
    assert len(Location.parse_display(plain[0])) == 1
    html = report_text(out / "report.html")
    # every "zip » " the report shows is the real member (wherever the report lists it), never the folder
    assert html.count("backup_2017.zip » ") == html.count(real[0]) > 0
    assert html.count(plain[0]) > 0


# -- archive members with unsafe names ---------------------------------------------------------------
def _seven_zip(path: Path, members: list[tuple[str, bytes]]) -> None:
    """A 7z whose member names py7zr would refuse to write: written under placeholders of the same length,
    then the (uncompressed) header patched and its CRCs recomputed."""
    import struct
    import zlib

    import py7zr

    placeholders = [("X" * len(n)) if n != n.encode("ascii", "ignore").decode() or ".." in n or n.startswith("/")
                    else n for n, _ in members]
    with py7zr.SevenZipFile(path, "w") as z:
        z.encoded_header_mode = False  # a plain header, so names can be patched
        for placeholder, (_name, data) in zip(placeholders, members, strict=True):
            z.writestr(data, placeholder)
    raw = bytearray(path.read_bytes())
    for placeholder, (name, _data) in zip(placeholders, members, strict=True):
        a, b = placeholder.encode("utf-16-le"), name.encode("utf-16-le")
        if a != b:
            i = raw.index(a)
            raw[i:i + len(a)] = b
    offset, size = struct.unpack_from("<QQ", raw, 12)
    struct.pack_into("<I", raw, 28, zlib.crc32(raw[32 + offset:32 + offset + size]))
    struct.pack_into("<I", raw, 8, zlib.crc32(raw[12:32]))
    path.write_bytes(bytes(raw))


def test_unsafe_member_names_are_listed_and_the_other_members_still_read(tmp_path: Path) -> None:
    import io
    import tarfile
    import zipfile

    share = tmp_path / "share"
    share.mkdir()
    book = client_list_xlsx(make_people(40, seed=1))
    bad = ["../../../../tmp/leakscan-x.txt", "/etc/leakscan-abs.txt", "C:/Windows/x.txt"]
    _seven_zip(share / "b.7z", [(bad[0], b"x"), (LEAKED_NAME, book)])
    with zipfile.ZipFile(share / "b.zip", "w") as z:
        for name in bad:
            z.writestr(name, b"x")
        z.writestr(LEAKED_NAME, book)
    with tarfile.open(share / "b.tar", "w") as t:
        for name, data in [(n, b"x") for n in bad] + [(LEAKED_NAME, book)]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    out = tmp_path / "out"
    assert run_cli("scan", str(share), "--name", LEAKED_NAME, "--out", str(out), "--quiet").returncode == 1
    doc = _load(out)
    held = {f["path"].split(" » ")[0].rsplit(".", 1)[-1] for f in doc["files"] if "pii" in f["reasons"]}
    assert held == {"7z", "zip", "tar"}  # the workbook beside the bad name is read in every format
    unsafe = {(s["path"].split(" » ")[0].rsplit(".", 1)[-1], s["inner_path"]) for s in doc["skipped"]
              if s["reason"] == "unsafe-name"}
    assert unsafe == {("7z", bad[0]), *(("zip", n) for n in bad), *(("tar", n) for n in bad)}
    assert not [s for s in doc["skipped"] if s["reason"] != "unsafe-name"]
    assert doc["persons"]["unique"] == 40
    assert not Path("/tmp/leakscan-x.txt").exists() and not Path("/etc/leakscan-abs.txt").exists()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "unsafe archive member name" not in html and "危険な名前" in html  # labelled, in Japanese by default


# -- long lists ------------------------------------------------------------------------------------
def test_a_flood_of_keyword_leads_is_summarised_and_listed_in_full_beside_the_report(tmp_path: Path) -> None:
    import csv
    import zipfile

    from reports.lists import FIRST_ROWS

    share = tmp_path / "share"
    share.mkdir()
    n = 3 * FIRST_ROWS
    with zipfile.ZipFile(share / "backup.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(n):
            z.writestr(f"名簿/{i % 7}/名簿{i}.csv", b"")
        z.writestr('=HYPERLINK("http://x")名簿.csv', b"")  # its inner path starts with '='
    out = tmp_path / "out"
    assert run_cli("scan", str(share), "--name", "x.xlsx", "--out", str(out), "--quiet").returncode == 0
    doc = _load(out)
    leads = [f for f in doc["files"] if f["reasons"] == ["name-keyword"]]
    assert len(leads) == n + 1  # findings.json keeps every one
    html = (out / "report.html").read_text(encoding="utf-8")
    table = html.split('id="keyword-table"', 1)[1].split("</table>", 1)[0]
    assert table.count('<tr class="hit') == FIRST_ROWS
    summary = html.split('id="keyword-table-summary"', 1)[1].split("</div>", 1)[0]
    assert f"全 {n + 1} 件" in summary and "keyword-leads.csv" in summary
    assert summary.count('<td class="path">') == 7 + 1  # the folders, counted
    rows = list(csv.reader((out / "keyword-leads.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == n + 2 and rows[0][1] == "path"
    assert {r[1] for r in rows[1:]} == {f["path"] for f in leads}
    assert "'=HYPERLINK(\"http://x\")名簿.csv" in {r[8] for r in rows[1:]}  # the inner path, kept as text
    assert not any(c.startswith(("=", "+", "-", "@")) for r in rows for c in r)  # no formula a spreadsheet would run
    listed = (out / "manifest.sha256").read_text(encoding="utf-8")
    assert "keyword-leads.csv" in listed and "skipped.csv" in listed
    assert run_cli("verify", str(out)).returncode == 0
