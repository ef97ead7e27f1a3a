"""review12g: detail codes recorded as said (details12) across the branches merged beside it.

A split 7z series without its first part (its header unreadable: the opener raises) was listed with the
series' sentence and the opener's error appended by an f-string (split12's ``_with_gaps``), which dropped the
codes: findings.json read the text back, so the Japanese report showed two unexplained English parts, and a
series named with detail words (``x; directory not readable: ... (it failed as corrupt: ...)``) recorded
``directory-not-readable`` / ``lost-after-failing`` codes taken from its name.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import py7zr
from conftest import run_cli

HOSTILE = "x; directory not readable: evil (it failed as corrupt: gone)"


def _seven() -> bytes:
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", filters=[{"id": py7zr.FILTER_COPY}]) as z:
        for i in range(3):
            z.writestr(("氏名,電話番号\n" + "".join(f"名前{i}{k},090-0000-{k:04d}\n" for k in range(200))).encode(),
                       f"list{i}.csv")
    return buf.getvalue()


def _codes(items: list) -> list[str]:
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            out.append(item.get("code", "<text>"))
            for value in item.values():
                if isinstance(value, list) and value and isinstance(value[0], dict):
                    out += _codes(value)
    return out


def test_a_7z_series_without_its_first_part_keeps_its_codes(tmp_path: Path) -> None:
    data = _seven()
    n = len(data) // 3 + 1
    src = tmp_path / "src"
    for folder, base in (("a", "backup.7z"), ("b", HOSTILE + ".7z")):
        (src / folder).mkdir(parents=True)
        for i in (1, 2):  # part .001 missing: the 7z's start header is zeros, the opener raises
            (src / folder / f"{base}.{i + 1:03d}").write_bytes(data[i * n:(i + 1) * n])
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--out", str(out), "--lang", "ja")
    assert run.returncode == 0, run.stderr
    doc = json.loads((out / "findings.json").read_text())
    rows = {s["path"]: s for s in doc["skipped"]}
    for folder, base in (("a", "backup.7z"), ("b", HOSTILE + ".7z")):
        row = rows[str(src / folder / f"{base}.002")]
        codes = _codes(row["detail_codes"])
        assert codes[0] == "split-series-partly-read", row
        assert "<text>" not in codes, row  # every part of the detail said by a code
        assert not {"directory-not-readable", "lost-after-failing"} & set(codes), row
    assert doc["scan"]["complete"] is True


# pytsk3's entries of a directory holding LEAKSCAN-WALK-OSERR raise OSError when their metadata is read (the
# split11 injection), the library's message quoting a hostile path: the words of the source-lost wrapper
WALK_FAULT = '''
try:
    import pytsk3 as _tsk
except ImportError:
    _tsk = None

if _tsk is not None:
    _Real = _tsk.FS_Info

    class _Raising:
        def __init__(self, real):
            self._real = real

        @property
        def info(self):
            raise OSError("cannot read /B/名簿 (it failed as corrupt: directory listing: gone)")

        def __getattr__(self, name):
            return getattr(self._real, name)

    class FS_Info:
        def __init__(self, *args, **kwargs):
            self._real = _Real(*args, **kwargs)

        def open_dir(self, *args, **kwargs):
            out = []
            for f in self._real.open_dir(*args, **kwargs):
                name = f.info.name.name or b""
                out.append(_Raising(f) if b"LEAKSCAN-WALK-OSERR" in name else f)
            return out

        def __getattr__(self, name):
            return getattr(self._real, name)

    _tsk.FS_Info = FS_Info
'''


def test_verify_sources_takes_a_walk_stopped_by_its_codes_not_its_words(tmp_path: Path) -> None:
    """A file system whose walk raised part-way on ``verify --sources`` (split11): the hits past the break were not
    looked for, so they are ``unreadable`` (not walked again), not ``missing``. verify decided it by reading the
    detail's text back: a library message quoting a hostile path read as ``lost-after-failing`` and the hit was
    said missing (the evidence gone) though it was never looked for."""
    from conftest import run_leakscan
    from image_data import LEAKED, fat_image, leaked_workbook
    from remediation_data import with_case_key

    book = leaked_workbook(rows=5)
    image = fat_image(tmp_path / "disk.img", {f"/A/{LEAKED}": book, "/B/LEAKSCAN-WALK-OSERR.TXT": b"marker",
                                              f"/C/{LEAKED}": book})
    out = with_case_key(tmp_path / "out")
    done = run_leakscan("scan", str(image), "--name", LEAKED, "--out", str(out), "--quiet", timeout=300)
    assert done.returncode in (0, 1), done.stderr
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(WALK_FAULT, encoding="utf-8")
    run = run_leakscan("verify", str(out), "--sources", str(image), "--json", env={"PYTHONPATH": str(site)},
                       timeout=300)
    rows = {r["path"].rsplit("/", 1)[-1] if "»" not in r["path"] else r["path"].split("»")[-1].strip(): r
            for r in json.loads(run.stdout)["sources"]}
    statuses = sorted(r["status"] for r in json.loads(run.stdout)["sources"])
    assert "missing" not in statuses, json.loads(run.stdout)["sources"]
    assert "unreadable" in statuses, json.loads(run.stdout)["sources"]
    assert rows


def test_a_system_folder_is_told_by_the_codes_it_was_said_with(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """system_folders read the listing's detail back from its text: a library message holding the source-lost
    wrapper's words (a mount path with parentheses) read as ``lost-after-failing``, and the expected system folder
    was listed unreadable (a scan said incomplete for it)."""
    from scanner import system_folders
    from scanner.codes import Status
    from scanner.details import Detail, read_details, say
    from scanner.models import Location, Skipped

    root = "/evidence/d"
    monkeypatch.setattr(system_folders, "windows_volume_root", lambda path, table: path == root)
    detail = say(Detail.DIRECTORY, library="access denied (it failed as corrupt: gone)")
    assert read_details(str(detail))[0]["code"] != "directory"  # its text alone reads as another code
    refused = Skipped(Location(root, f"{root}/System Volume Information"), Status.UNREADABLE, detail)
    assert system_folders.expected(refused).reason == Status.SYSTEM_FOLDER


def test_a_cut_compressed_file_is_said_as_a_stream_that_ends_early(tmp_path: Path) -> None:
    """A .bz2 cut short was listed "compressed: the stream ends early", an English literal passed as a nested
    detail: read back, it recorded ``stream-blocked`` (an OLE stream named "the" that was blocked) and the
    Japanese report said so."""
    import bz2

    from scanner.details import Detail, read_details, say

    src = tmp_path / "src"
    src.mkdir()
    data = bz2.compress(("氏名,電話番号\n" + "".join(f"名前{k},090-0000-{k:04d}\n" for k in range(3000))).encode())
    (src / "list.csv.bz2").write_bytes(data[: len(data) // 2])
    out = tmp_path / "out"
    run = run_cli("scan", str(src), "--out", str(out), "--lang", "ja")
    assert run.returncode == 0, run.stderr
    doc = json.loads((out / "findings.json").read_text())
    [row] = [s for s in doc["skipped"] if s["path"].endswith("list.csv.bz2")]
    assert row["detail"] == "compressed: the stream ends early", row
    codes = _codes(row["detail_codes"])
    assert codes == ["archive-problem", "stream-ends-early"], row
    # a case written before the code reads the same text back as a stream that ends early too
    assert _codes(read_details(row["detail"]))[-1] == "stream-ends-early"
    for text, code in (("data after the end of the stream", Detail.STREAM_DATA_AFTER_END),
                       ("not a gzip, bzip2 or xz stream", Detail.NOT_A_COMPRESSED_STREAM)):
        assert str(say(code)) == text and _codes(read_details(f"compressed: {text}"))[-1] == code.value


def test_a_damaged_workbook_and_its_objects_keep_the_codes_they_were_said_with() -> None:
    """A damaged workbook whose embedded objects were not examined either: the two details were joined by an
    f-string (spreadsheet._add_objects_status) and read back from the text (50 rows of the damaged demo)."""
    from scanner.codes import Status
    from scanner.contracts import Inspection
    from scanner.details import Detail, Said, say
    from scanner.inspectors.spreadsheet import _add_objects_status

    lib = "x (it failed as corrupt: directory listing: gone)"
    found = Inspection(status=Status.CORRUPT, detail=say(Detail.ZIP_CORRUPT))
    parts = Inspection(status=Status.CORRUPT, detail=say(Detail.ZIP_DIRECTORY_UNREADABLE, library=lib))
    _add_objects_status(found, parts, say(Detail.EMBEDDED_NOT_EXAMINED, inner=parts.detail))
    assert isinstance(found.detail, Said)
    assert _codes(found.detail.codes) == ["zip-corrupt", "embedded-not-examined", "zip-directory-unreadable"]


def test_merge_keeps_the_codes_said_by_a_newer_input_of_the_same_skip() -> None:
    """An input written before Session 12 recorded its codes read back from the text: a folder whose name holds the
    source-lost wrapper's words recorded ``lost-after-failing``. Merged with a rescan that said
    ``directory-not-readable`` for the same folder (same place, reason, text), the first input's codes were kept:
    the folder was no longer counted among the places never listed."""
    from scanner import completeness, merge
    from scanner.details import Detail, read_details, say

    said = say(Detail.DIRECTORY_NOT_READABLE,
               library="tsk_fs_dir_open: cannot read /名簿 p1: walk stopped (x) (it failed as corrupt: gone)")
    old = {"path": "img » fs » /d", "reason": "corrupt", "detail": str(said), "detail_codes": read_details(said),
           "container": [{"kind": "fs"}], "inner_path": "/d"}
    new = {**old, "detail_codes": said.codes}
    assert completeness.unlisted_kind(old) is None and completeness.unlisted_kind(new) == "folder"
    identity = ("img", "corrupt", str(said))
    [kept] = merge._skipped_once([(dict(old), identity), (dict(new), identity)])
    assert completeness.unlisted_kind(kept) == "folder"
    [kept] = merge._skipped_once([(dict(new), identity), (dict(old), identity)])
    assert completeness.unlisted_kind(kept) == "folder"


def test_every_label_says_every_parameter_that_is_not_quoted() -> None:
    """The every-code audit (test_details12_every_code) passes a label that drops a parameter (its row is still
    Japanese): each label must hold every parameter of its code but a library's message (quoted after it)."""
    import re

    from reports.labels import Labels
    from scanner.details import Detail, params_of

    for lang in ("ja", "en"):
        labels = Labels(lang)
        dropped = {code.value: sorted(set(params_of(code)) - set(re.findall(r"\{(\w+)", labels["detail_" + code.value]))
                                      - {n for n, k in params_of(code).items() if k == "lib"})
                   for code in Detail}
        assert not {k: v for k, v in dropped.items() if v}, lang


def test_a_damaged_udif_block_table_is_said_with_codes_whatever_its_name() -> None:
    """A UDIF's damaged block tables were English f-strings (``block table "NAME" damaged (...): ...``) joined with
    "; " into a nested detail: read back, a table named in the image's own plist with a walk-stopped sentence
    recorded ``fs-walk-stopped`` and the image counted as a volume never listed (scan incomplete, exit 3)."""
    from scanner import completeness
    from scanner.details import Detail, join_details, say
    from scanner.sources import image_udif

    info = image_udif.UdifInfo("x.dmg", 100, [], 2)
    name = 'x"; p1: walk stopped (y); "z'
    image_udif.note_damage(info, [(name, "no mish header")], [(0, 10)])
    said = say(Detail.UDIF_PARTLY_DAMAGED, refusal="libmodi: bad", parts=join_details(info.damaged))
    codes = _codes(said.codes)
    assert codes == ["udif-partly-damaged", "udif-table-damaged", "udif-sectors-zeroed"], said.codes
    row = {"detail": str(said), "reason": "corrupt", "container": [{"kind": "image", "name": "x.dmg"}], "inner_path": ""}
    assert completeness.unlisted_kind({**row, "detail_codes": said.codes}) is None
    assert completeness.unlisted_kind(row) == "volume"  # its text read back (a case written before): the name's words
    assert str(info.damaged[0]) == f'block table "{name}" damaged (no mish header): the sectors no intact table covers (0-9) read as zeros'
    many = image_udif.UdifInfo("x.dmg", 100, [], 2)
    image_udif.note_damage(many, [(str(i), "bad") for i in range(image_udif.NAMED_DAMAGE + 3)], [])
    assert _codes(join_details(many.damaged).codes)[-2:] == ["udif-none-uncovered", "udif-more-tables-damaged"]
