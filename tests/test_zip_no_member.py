"""Review of share9 (Session 9): a zip with no directory is settled corrupt in the scan process, without a reader,
only when no local header gives anything a reader would: a member's content, or a name that could be a lead. A
name cut by the end of the file, or one with a flipped byte whose data cannot be read (encrypted, a method
leakscan does not read), is still a name a worker lists and the name rules look at; and a local header whose
lengths run past the end does not hide the whole members after it."""

from __future__ import annotations

import io
import random
import struct
import zipfile
from pathlib import Path

from scanner.config import ScanConfig
from scanner.demo import LEAKED_NAME, client_list_csv, make_people
from scanner.inspectors.archive_formats import _zip_local_entries, zip_names_no_member
from scanner.pipeline import run_scan
from scanner.sources import open_source

NAMES = [LEAKED_NAME, "顧客名簿_2019.csv", "clients 2019.xlsx", "住所録（最新）.xls", "名簿🎌.xlsx"]


def _zip(name: str, data: bytes, encoding: str = "utf-8") -> bytes:
    """A one-member deflated zip, its name in ``encoding`` (cp932: no UTF-8 flag, as Japanese Windows writes it)."""
    raw = name.encode(encoding)
    placeholder = "n" * len(raw)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(placeholder if encoding != "utf-8" else name, data)
    return buf.getvalue().replace(placeholder.encode(), raw) if encoding != "utf-8" else buf.getvalue()


def _no_directory(data: bytes) -> bytes:
    return data[:data.find(b"PK\x01\x02")]


def _samples() -> list[tuple[str, bytes]]:
    rnd = random.Random(9)
    body = rnd.randbytes(300)
    out = []
    for name in NAMES:
        for encoding in ("utf-8", "cp932"):
            try:
                whole = _no_directory(_zip(name, body, encoding))
            except UnicodeEncodeError:
                continue
            n = struct.unpack_from("<H", whole, 26)[0]
            first = len(name[0].encode(encoding))  # a cut name holding one character at least
            out += [(f"cut {k} of {n}", whole[:30 + k]) for k in range(first, n)]  # cut inside the name
            for k in range(n):  # one byte of the name flipped to a control character, its data unreadable
                for field, value in ((6, 0x0001), (8, 12), (8, 14)):  # encrypted; bzip2; lzma
                    damaged = bytearray(whole)
                    damaged[30 + k] = rnd.choice([0, 1, 9, 10, 13, 0x1F, 0x7F])
                    if field == 6:
                        struct.pack_into("<H", damaged, 6, struct.unpack_from("<H", damaged, 6)[0] | value)
                    else:
                        struct.pack_into("<H", damaged, 8, value)
                    out.append((f"flipped {k} of {n}, field {field}={value}", bytes(damaged)))
    return out


def test_a_cut_or_damaged_member_name_is_no_noise() -> None:
    """Whenever the worker's local-header reader gives a name with text in it (a cut one, or one with a flipped
    byte), the check sends the zip to it: the name is listed and the name rules see it."""
    listed = 0
    for what, data in _samples():
        names = [info.filename for info, _c, _w in _zip_local_entries(data, 1 << 20)]
        if not any(names):  # a NUL flipped in: zipfile.ZipInfo cuts the name there, the reader gives none either
            continue
        listed += 1
        assert not zip_names_no_member(data), (what, names)
    assert listed > 500


def test_no_lead_of_a_damaged_zip_head_is_settled_away() -> None:
    """Zips cut within their first header's reach, with flipped bytes, methods and flags: whenever the check says
    "nothing", the worker's reader gives no content and no name the name rules hit (main's check lost the name
    hits of about two in five such samples)."""
    from scanner.names import NameRules

    rules = NameRules([LEAKED_NAME], True)
    rnd = random.Random(12)
    settled = 0
    for name in (LEAKED_NAME, "住所録/利用者一覧.xlsx", "顧客名簿_2019年度版_最新.xlsx"):
        whole = _zip(name, b"x" * 100)
        for _ in range(300):
            data = bytearray(whole[:rnd.randint(30, 90)])
            for _ in range(rnd.randint(0, 2)):
                data[rnd.randrange(len(data))] = rnd.randrange(256)
            if rnd.random() < 0.3:
                struct.pack_into("<H", data, 8, rnd.choice([12, 14, 99]))
            if rnd.random() < 0.3:
                struct.pack_into("<H", data, 6, 1)
            if not zip_names_no_member(bytes(data)):
                continue
            settled += 1
            for info, content, _why in _zip_local_entries(bytes(data), 1 << 20):
                assert not content and not (info.filename and rules.match(info.filename)), (bytes(data), info.filename)
    assert settled  # noise is still settled: a name byte or two that is no text


def test_noise_after_a_zip_signature_is_still_settled() -> None:
    """The share's fake documents (a zip writer's first bytes, then noise) still give nothing: settled here."""
    rnd = random.Random(20261205)
    head = b"PK\x03\x04\x14\x00\x06\x00"
    settled = sum(zip_names_no_member(head + rnd.randbytes(rnd.randint(1000, 60000))) for _ in range(300))
    assert settled >= 285, settled


def _damaged_first_header(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    body = bytearray(_no_directory(buf.getvalue()))
    struct.pack_into("<H", body, 26, 0xFFF0)  # the first name's length runs past the end of the file
    return bytes(body)


def test_a_header_running_past_the_end_does_not_hide_the_members_after_it() -> None:
    person = client_list_csv(make_people(4, seed=3))
    data = _damaged_first_header({"memo.txt": b"memo " * 40, "顧客名簿.csv": person})
    got = {info.filename: (content, why) for info, content, why in _zip_local_entries(data, 1 << 20)}
    assert got["顧客名簿.csv"] == (person, ""), got.keys()


def test_hostile_runs_of_cut_headers_name_one_member() -> None:
    """Reading on after a header that runs past the end must not make a member (with a name of up to 64 KiB) of
    every such header of hostile bytes: one is named, the whole ones after it are read."""
    header = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, 0, 0, 0, 0xFFF0, 0)
    hostile = (header + b"\x01\x02") * 2048
    assert len(list(_zip_local_entries(hostile, 1 << 20))) == 1
    person = client_list_csv(make_people(2, seed=4))
    tail = _damaged_first_header({"memo.txt": b"m", "名簿.csv": person})
    got = [(info.filename, content) for info, content, _w in _zip_local_entries(hostile + tail, 1 << 20)]
    assert len(got) == 2 and got[-1] == ("名簿.csv", person), [g[0][:20] for g in got]


def test_scan_lists_the_leads_of_cut_and_damaged_zips_for_any_worker_count(tmp_path: Path) -> None:
    """From the CLI's scan: the member names of cut and damaged zips (none named as a hit itself) are hits, the
    member after a damaged header is read (its person records), the same for 0 and 2 workers."""
    tree = tmp_path / "share"
    tree.mkdir()
    person = client_list_csv(make_people(4, seed=3))
    whole = _no_directory(_zip(LEAKED_NAME, person))
    n = len(LEAKED_NAME.encode())
    flipped = bytearray(whole)
    flipped[31] = 1
    struct.pack_into("<H", flipped, 8, 12)  # bzip2: named, not read
    files = {"backup1.zip": whole[:30 + n - 5], "backup2.zip": bytes(flipped),
             "backup3.zip": _damaged_first_header({"memo.txt": b"memo " * 40, "顧客名簿.csv": person})}
    for name, data in files.items():
        (tree / name).write_bytes(data)
    found = {}
    for workers in (0, 2):
        config = ScanConfig(sources=[str(tree)], names=[LEAKED_NAME], out=str(tmp_path / f"out{workers}"))
        result = run_scan(config, [open_source(str(tree))], workers=workers)
        found[workers] = sorted((h.location.key(), str(h.status), tuple(map(str, h.reasons))) for h in result.hits)
    assert found[0] == found[2]
    by_file = {name: [h for h in found[0] if name in h[0]] for name in files}
    assert all(by_file.values()), by_file
    assert any("pii" in h[2] for h in by_file["backup3.zip"]), by_file["backup3.zip"]


def test_a_settled_file_found_by_its_hash_is_typed_in_a_worker(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A fake document, a fake .msg or a small noise workbook settled by its bytes is a hit when its digest is a known hash: its content
    type comes from libmagic (a C parser of its bytes), which runs in a worker, never in the scan process; the
    hit and its digests are those of --workers 0."""
    import hashlib
    import os

    import scanner.examine as examine

    rnd = random.Random(31)
    tree = tmp_path / "share"
    tree.mkdir()
    files = {"fake.docx": b"PK\x03\x04\x14\x00\x06\x00" + rnd.randbytes(3000),
             "fake.msg": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rnd.randbytes(2000),
             "noise.xlsx": bytes([0, 1, 2, 3, 0xFF]) * 40}  # settled at 512 bytes (pipeline.SETTLE_BYTES)
    for name, data in files.items():
        (tree / name).write_bytes(data)
    known = [hashlib.sha256(d).hexdigest() for d in files.values()]
    typed_here: list[int] = []
    content_type = examine.content_type

    def watched(head: bytes) -> str:
        typed_here.append(os.getpid())
        return content_type(head)

    monkeypatch.setattr(examine, "content_type", watched)
    found = {}
    for workers in (0, 2):
        config = ScanConfig(sources=[str(tree)], known_hashes=known, out=str(tmp_path / f"out{workers}"))
        result = run_scan(config, [open_source(str(tree))], workers=workers)
        found[workers] = sorted((h.location.path, tuple(map(str, h.reasons)), h.digests, h.type) for h in result.hits)
        if workers:
            assert os.getpid() not in typed_here
        typed_here.clear()
    assert found[0] == found[2]
    assert [h[1] for h in found[2]] == [("known-hash",)] * 3 and all(h[3] for h in found[2]), found[2]


def test_the_kept_answer_is_the_answer_and_large_bytes_are_not_kept() -> None:
    """``zip_names_no_member`` keeps its answer for the last bytes object (cheap21: a fake document is asked about three
    times): the answer for it and for equal bytes in another object is the one worked out afresh, and bytes over
    KEPT_BYTES (a worker's whole archive) are not kept alive past the call."""
    import random

    from scanner.inspectors import archive_formats as fmt

    rnd = random.Random(5)
    samples = [b"PK\x03\x04" + rnd.randbytes(n) for n in (0, 40, 3000, 60000)] + [b"PK\x03\x04\x14\x00" + bytes(200), b""]
    for data in samples + samples[::-1]:
        assert fmt.zip_names_no_member(data) == fmt._names_no_member(data)  # noqa: SLF001
        assert fmt.zip_names_no_member(bytes(bytearray(data))) == fmt._names_no_member(data)  # noqa: SLF001
    large = b"PK\x03\x04" + rnd.randbytes(fmt.KEPT_BYTES)
    assert fmt.zip_names_no_member(large) == fmt._names_no_member(large)  # noqa: SLF001
    assert fmt._NO_MEMBER_LAST[0][0] is not large  # noqa: SLF001
    buffer = bytearray(b"PK\x03\x04" + rnd.randbytes(300))  # a mutable buffer is never kept: it may change
    first = fmt.zip_names_no_member(buffer)  # type: ignore[arg-type]
    buffer[:] = _zip_with_member()
    assert fmt.zip_names_no_member(buffer) is False and first is True  # type: ignore[arg-type]


def _zip_with_member() -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("memo.txt", b"x" * 100)
    return out.getvalue()
