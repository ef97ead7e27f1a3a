"""The name rules give the same answer wherever a name is found: a local tree (NFD and cp932 bytes), zip
members (cp932 without the UTF-8 flag, flagged UTF-8, macOS NFD without the flag), a FAT image (long names,
deleted entries), an ext4 image (NFD and cp932 bytes), an SMB share, and a recycle bin's $I file.

Every positive example of every rule in signatures/name_variants.toml, built for a keyword-free named file,
plus leads and look-alikes, is put into each source; each must come back with the reason and rule that
the rules give the plain name (which tests/test_name_rules.py checks against the TOML).
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from archive_data import zip_bytes, zip_raw_names
from image_data import ext_image, fat_image, write_tree
from smb_data import PASSWORD, SambaServer
from test_name_rules import ENTRIES, expand, look_alikes
from tree_data import write_raw

from scanner.codes import Reason
from scanner.config import ScanConfig
from scanner.inspectors.archive import ArchiveInspector
from scanner.inspectors.recyclebin import RecycleBinInspector, make_i_file
from scanner.names import NameRules, split_ext
from scanner.pipeline import ScanResult, run_scan
from scanner.sources.image import ImageSource
from scanner.sources.local import LocalSource
from scanner.sources.smb import SmbSource

TARGET = "2017年度_集計.xlsx"  # holds no keyword: only the name rules can find its copies
WINDOWS_FORBIDDEN = set('\\/:*?"<>|') | {chr(c) for c in range(32)}


def _names() -> dict[str, tuple[str, str] | None]:
    """name -> (reason, rule) the rules give it as a plain string, or None (quiet) for look-alikes."""
    rules = NameRules([TARGET])
    out: dict[str, tuple[str, str] | None] = {}
    for _s, entry in ENTRIES:
        for template in entry["examples"]:
            name = expand(template, TARGET)
            # a leading space (rule space-before-name) is tried on local files (tests/test_copy_names15.py):
            # SMB clients and FAT drivers strip it
            if name and not set(name) & WINDOWS_FORBIDDEN and name == name.strip():
                m = next(m for m in rules.match(name) if m.reason != Reason.NAME_KEYWORD)
                out[name] = (m.reason, m.rule)
    for name in ("2017年度 集計.xlsx", "2017年度集計.xlsx", "2017年度-集計 - コピー.xlsx"):  # separator-variant
        m = next(m for m in rules.match(name) if m.reason != Reason.NAME_KEYWORD)
        out[name] = (m.reason, m.rule)
    _stem, ext = split_ext(TARGET)
    for other in look_alikes(TARGET):
        out[other + ext] = None
        out[f"{other} - コピー{ext}"] = None
    return out


NAMES = _names()
CONTENT = b"not a workbook: the names are under test"


def _expected(transform=lambda n: n) -> dict[str, tuple[str, str] | None]:
    return {transform(n): v for n, v in NAMES.items()}


def _found(result: ScanResult) -> dict[str, tuple[str, str]]:
    """Base name of each hit -> (reason, rule) of its name rule."""
    out = {}
    for h in result.hits:
        base = h.location.path.replace("\\", "/").rsplit("/", 1)[-1]
        named = [r for r in h.matched_rules if not r.startswith(Reason.NAME_KEYWORD)]
        if named:
            reason, _, rule = named[0].partition(":")
            out[base] = (reason, rule)
    return out


def _scan(tmp: Path, sources: list, inspectors: list | None = None) -> ScanResult:
    config = ScanConfig(sources=[s.text for s in sources], out=tmp / "out", names=[TARGET], quiet=True)
    return run_scan(config, sources, inspectors=[] if inspectors is None else inspectors)


def _check(found: dict[str, tuple[str, str]], expected: dict[str, tuple[str, str] | None], where: str) -> None:
    wanted = {n: v for n, v in expected.items() if v is not None}
    quiet = [n for n, v in expected.items() if v is None]
    missing = {n: v for n, v in wanted.items() if found.get(n) != v}
    assert not missing, f"{where}: rules not met as for the plain name: {missing} (found {[found.get(n) for n in missing]})"
    loud = [n for n in quiet if n in found]
    assert not loud, f"{where}: look-alikes reported: {loud}"
    assert len(wanted) > 40 and len(quiet) > 5


def test_the_examples_cover_every_kind(tmp_path: Path) -> None:
    reasons = {v[0] for v in NAMES.values() if v}
    assert reasons == {"name", "name-variant", "name-contains"}
    assert any(v and v[1].startswith("cp932-as-cp437") for v in NAMES.values())


def test_local_tree_in_nfc_nfd_and_cp932_bytes(tmp_path: Path) -> None:
    nfd = lambda n: unicodedata.normalize("NFD", n)  # noqa: E731
    for name in NAMES:
        (tmp_path / "nfc").mkdir(exist_ok=True)
        (tmp_path / "nfc" / name).write_bytes(CONTENT)
        (tmp_path / "nfd").mkdir(exist_ok=True)
        (tmp_path / "nfd" / nfd(name)).write_bytes(CONTENT)
    cp932 = {}
    for name, v in NAMES.items():
        try:
            raw = name.encode("cp932")
        except UnicodeEncodeError:
            continue
        write_raw(tmp_path / "cp932", raw, CONTENT)
        cp932[raw.decode("cp932")] = v  # 〜 comes back as ～: Windows' mapping of the same byte pair
    for folder, expected in (("nfc", _expected()), ("nfd", _expected(nfd)), ("cp932", cp932)):
        result = _scan(tmp_path, [LocalSource(str(tmp_path / folder))])
        _check(_found(result), expected, folder)
    raw_hits = [h for h in _scan(tmp_path, [LocalSource(str(tmp_path / "cp932"))]).hits]
    raw_hits = [h for h in raw_hits if not h.location.path.isascii()]  # %XX and =?..?= names are ASCII in any code
    assert raw_hits and all(h.location.raw_path_hex for h in raw_hits)  # really read from non-UTF-8 bytes


def test_zip_members_cp932_utf8_and_macos_nfd(tmp_path: Path) -> None:
    cp932_members, utf8_members, nfd_members = [], {}, []
    for i, name in enumerate(NAMES):
        try:
            cp932_members.append((f"d{i:02d}/".encode() + name.encode("cp932"), CONTENT))
        except UnicodeEncodeError:
            pass
        utf8_members[f"d{i:02d}/{name}"] = CONTENT
        nfd_members.append((f"d{i:02d}/{unicodedata.normalize('NFD', name)}".encode(), CONTENT))
    share = tmp_path / "share"
    share.mkdir()
    (share / "windows.zip").write_bytes(zip_raw_names(cp932_members))
    (share / "flagged.zip").write_bytes(zip_bytes(utf8_members))
    (share / "macos.zip").write_bytes(zip_raw_names(nfd_members))
    config = ScanConfig(sources=[str(share)], out=tmp_path / "out", names=[TARGET], quiet=True)
    result = run_scan(config, [LocalSource(str(share))], inspectors=[ArchiveInspector(config)])
    for archive, transform in (("windows.zip", lambda n: n), ("flagged.zip", lambda n: n),
                               ("macos.zip", lambda n: unicodedata.normalize("NFD", n))):
        hits = [h for h in result.hits if h.location.containers and h.location.containers[-1].name.endswith(archive)]
        found = _found(_Hits(hits))
        expected = _expected(transform)
        if archive == "windows.zip":
            expected = {n.encode("cp932").decode("cp932"): v for n, v in expected.items() if _cp932(n)}
        _check(found, expected, archive)


class _Hits:
    def __init__(self, hits: list) -> None:
        self.hits = hits


def _cp932(name: str) -> bool:
    try:
        name.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


def test_fat_image_long_names_and_deleted_entries(tmp_path: Path) -> None:
    folded: dict[str, str] = {}
    for n in NAMES:  # FAT ignores case: one of '….xlk' and '….XLK'
        folded.setdefault(n.upper(), n)
    expected = {n: NAMES[n] for n in folded.values()}
    live = {f"live/{n}": CONTENT for n in expected}
    # mdel takes its argument as a pattern: names with [ ] are only written, not deleted
    gone = {f"gone/{n}": CONTENT + n.encode() for n in expected if not set(n) & set("[]*?")}
    img = fat_image(tmp_path / "fat.img", live, deleted=gone)
    result = _scan(tmp_path, [ImageSource(str(img))])
    live_hits = _Hits([h for h in result.hits if "/live/" in h.location.path and not h.deleted])
    gone_hits = _Hits([h for h in result.hits if "/gone/" in h.location.path and h.deleted])
    _check(_found(live_hits), expected, "FAT")
    deleted = {n: v for n, v in expected.items() if f"gone/{n}" in gone}
    _check(_found(gone_hits), deleted, "FAT deleted")  # TSK keeps a deleted entry's long name


def test_ext4_image_with_nfd_and_cp932_byte_names(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    write_tree(tree, {f"nfd/{unicodedata.normalize('NFD', n)}": CONTENT for n in NAMES})
    cp932 = {}
    for name, v in NAMES.items():
        if _cp932(name):
            write_raw(tree / "cp932", name.encode("cp932"), CONTENT)
            cp932[name.encode("cp932").decode("cp932")] = v
    img = ext_image(tmp_path / "ext.img", tree, size_mib=8)
    result = _scan(tmp_path, [ImageSource(str(img))])
    nfd_hits = _Hits([h for h in result.hits if "/nfd/" in h.location.path])
    cp932_hits = _Hits([h for h in result.hits if "/cp932/" in h.location.path])
    _check(_found(nfd_hits), _expected(lambda n: unicodedata.normalize("NFD", n)), "ext4 NFD")
    _check(_found(cp932_hits), cp932, "ext4 cp932")


def test_smb_share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    share = tmp_path / "share"
    write_tree(share, {n: CONTENT for n in NAMES})
    srv = SambaServer(tmp_path / "samba", {"names": share})
    monkeypatch.setenv("LEAKSCAN_SMB_PASSWORD", PASSWORD)
    try:
        srv.start()
        source = SmbSource(srv.url("names"))
        result = _scan(tmp_path, [source])
    finally:
        srv.kill()
    _check(_found(result), _expected(), "SMB")


def test_recycle_bin_info_files_name_copies_and_leads(tmp_path: Path) -> None:
    """$I files carry the original name: a copy name is a name-variant, a contained name a lead."""
    bin_dir = tmp_path / "$RECYCLE.BIN" / "S-1-5-21-1-2-3-1001"
    bin_dir.mkdir(parents=True)
    originals = {"$IAAAAA1.xlsx": "2017年度_集計 2.xlsx", "$IAAAAA2.xlsx": "【秘】2017年度_集計.xlsx",
                 "$IAAAAA3.xlsx": "2016年度_集計.xlsx"}
    for i_name, original in originals.items():
        (bin_dir / i_name).write_bytes(make_i_file(f"C:\\Users\\staff\\Desktop\\{original}", len(CONTENT)))
        (bin_dir / ("$R" + i_name[2:])).write_bytes(CONTENT)
    config = ScanConfig(sources=[str(tmp_path)], out=tmp_path / "out", names=[TARGET], quiet=True)
    result = run_scan(config, [LocalSource(str(tmp_path))], inspectors=[RecycleBinInspector(config)])
    by_name = {h.location.path.rsplit("/", 1)[-1]: h for h in result.hits}
    assert by_name["$IAAAAA1.xlsx"].reasons == ["name-variant"]
    assert by_name["$RAAAAA1.xlsx"].reasons == ["name-variant"]
    assert "name-variant:macos-number" in by_name["$RAAAAA1.xlsx"].matched_rules
    assert by_name["$IAAAAA2.xlsx"].reasons == ["name-contains"]
    assert "name-contains:with-mark" in by_name["$RAAAAA2.xlsx"].matched_rules
    assert "$IAAAAA3.xlsx" not in by_name and "$RAAAAA3.xlsx" not in by_name


def test_every_name_is_a_valid_file_name_somewhere() -> None:
    """The example names exclude only characters Windows forbids (the SMB and FAT tests need that)."""
    assert all(not set(n) & WINDOWS_FORBIDDEN and n == n.strip() for n in NAMES)
    assert os.sep not in "".join(NAMES)
