"""Red team of the copy names (Session 9): every name a copy of the named file really gets, from Windows,
macOS, Linux, Office, browsers, sync clients and people, written here from how those programs name files, not
from signatures/name_variants.toml's examples (tests/test_name_rules.py checks those).

For a Japanese and an ASCII named file, each given with and without its extension:
* a copy name must be a hit (reason ``name`` or ``name-variant``) whose every rule has plain words in both
  languages (the report says why it matched);
* a name people edit by hand (a date, a version, 【最新】, _修正, _old, another type) must be a lead
  (``name-contains``): shown apart, promoted to a copy by its content;
* an unrelated name (``名簿.xlsx`` for ``介護予防利用者名簿.xlsx``, a temporary file without the name) must meet
  no name rule.
One scan of a tree holding them (NFD names on disk, a zip, recycle bins of Vista+ and XP) checks the same
from the outputs.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import zipfile
from pathlib import Path

import pytest

from scanner.codes import Reason
from scanner.names import NameRules, rule_catalogue

JA, ASCII = "介護予防利用者名簿", "Riyosha_Meibo"
HIT = (Reason.NAME, Reason.NAME_VARIANT)


def _full_width(text: str) -> str:
    return text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})


def copy_names(s: str, e: str = ".xlsx") -> list[str]:
    """Names programs give a copy of ``s + e`` (each with where it comes from)."""
    return [
        # Windows Explorer (Vista+: ja, en; XP: ja, en), 'keep both', Office owner / AutoRecover / backup
        f"{s} - コピー{e}", f"{s} - コピー (2){e}", f"{s} - Copy{e}", f"{s} - Copy (2){e}",
        f"コピー ～ {s}{e}", f"コピー (2) ～ {s}{e}", f"Copy of {s}{e}", f"Copy (2) of {s}{e}", f"{s} (2){e}",
        f"~${s}{e}", f"{s}((自動回復済み)){e}", f"{s} (自動回復済み){e}", f"{s} (version 1).xlsb",
        f"{s} (バージョン 1).xlsb", f"バックアップ ～ {s}.xlk", f"Backup of {s}.xlk", f"{s} のバックアップ.xlk",
        f"{s}{e}.tmp", f"{s} (Autosaved){e}", f"{s} (Recovered){e}", f"{s} [Repaired]{e}",
        f"{s}((Unsaved-307945728302395760)).xlsb",
        # macOS Finder (ja, en; Duplicate, Keep Both), AppleDouble, NFD, Trash duplicates
        f"{s} のコピー{e}", f"{s} のコピー 2{e}", f"{s} copy{e}", f"{s} copy 2{e}", f"{s} 2{e}", f"._{s}{e}", f".{s}{e}.icloud", f".{s}{e}",
        unicodedata.normalize("NFD", f"{s} のコピー{e}"), unicodedata.normalize("NFD", f"{s}{e}"),
        f"{s} 10.27.33{e}", f"{s} 2.27.33 PM{e}",
        # Linux file managers, LibreOffice lock, editors' backups
        f".~lock.{s}{e}#", f"{s} (copy){e}", f"{s} (another copy){e}", f"{s} (3rd copy){e}",
        f"{s} (21st copy){e}", f"{s} (copy 2){e}", f"{s} (コピー){e}", f"{s}{e}~",
        # browsers, downloads, sync clients, mail attachments
        f"{s} (1){e}", f"{s}(1){e}", f"{s}{e}.crdownload", f"{s}{e}.part", f"{s}{e}.download",
        f"{s}-PCNAME{e}", f"{s}-DESKTOP-7Q2K1AB{e}", f"{s} (conflicted copy 2023-04-01){e}",
        f"{s} (山田太郎の競合コピー 2023-04-01){e}", f"{s}-1{e}", f"{s}[1]{e}", f"{s} (2023_04_01 01_23_45 UTC){e}",
        f"{s}_DiskStation_Apr-01-102733-2023_Conflict{e}",
        # re-saved, full width, upper case, backups
        f"{s}.xls", f"{s}.csv", f"{s}.ods", f"{s}.xlsm", f"{s}{e.upper()}", _full_width(s) + e,
        f"{s}{e}.bak", f"{s}.bak", f"{s}{e}:Zone.Identifier", f"{s}{e}~RF1a2b3c.TMP", f"{s}{e}.trashinfo",
    ]


def edited_names(s: str, e: str = ".xlsx") -> list[str]:
    """Names people give a copy by hand: leads, not copies."""
    return [f"{s}_20230401{e}", f"{s}(2023.4.1){e}", f"{s}_R5.4.1{e}", f"{s} 令和5年度{e}", f"【最新】{s}{e}",
            f"{s}_v2{e}", f"{s}_修正{e}", f"{s}_old{e}", f"{s}_bak{e}", f"{s} 最終版{e}", f"{s}.pdf", f"{s}.zip",
            f"{s}(2023.4.1) - コピー{e}", f"{s} 23.04.01{e}"]


UNRELATED = {
    JA: ["名簿.xlsx", "利用者名簿.xlsx", "介護予防.xlsx", "予防利用者名簿 - コピー.xlsx", "Unconfirmed 123456.crdownload",
         "~WRL0001.tmp", "~ar1234.xar", "介護予防利用者名.xlsx", "._名簿.xlsx", ".名簿.xlsx.icloud"],
    ASCII: ["Meibo.xlsx", "Riyosha.xlsx", "Riyosha_Meibox.xlsx", "XRiyosha_Meibo.xlsx", "._Meibo.xlsx",
            "Riyosha_Meib.xlsx", "Meibo_Riyosha.xlsx"],
}


def _rules(given: str) -> NameRules:
    return NameRules([given], use_keywords=False)


def _strongest(rules: NameRules, name: str):
    return next(iter(rules.match(name)), None)


@pytest.mark.parametrize("given", [f"{JA}.xlsx", JA, f"{ASCII}.xlsx", ASCII])
def test_every_copy_name_is_a_hit_with_words_for_its_rules(given: str) -> None:
    rules, words = _rules(given), rule_catalogue()
    stem = given.removesuffix(".xlsx")
    missed = []
    for name in copy_names(stem):
        m = _strongest(rules, name)
        if m is None or m.reason not in HIT:
            missed.append((name, m and (m.reason.value, m.rule)))
            continue
        for part in m.rule.split("+"):
            assert words[part]["label_ja"] and words[part]["label_en"], (name, part)
    assert missed == []


@pytest.mark.parametrize("given", [f"{JA}.xlsx", JA, f"{ASCII}.xlsx", ASCII])
def test_hand_edited_names_are_leads(given: str) -> None:
    rules = _rules(given)
    stem = given.removesuffix(".xlsx")
    wrong = [(n, m and (m.reason.value, m.rule)) for n in edited_names(stem)
             for m in [_strongest(rules, n)] if m is None or m.reason != Reason.NAME_CONTAINS]
    assert wrong == []


@pytest.mark.parametrize("given", [f"{JA}.xlsx", JA, f"{ASCII}.xlsx", ASCII])
def test_unrelated_names_stay_out(given: str) -> None:
    rules = _rules(given)
    stem = given.removesuffix(".xlsx")
    found = [(n, [(m.reason.value, m.rule) for m in rules.match(n)]) for n in UNRELATED[stem]]
    assert [f for f in found if f[1]] == []


def test_new_rules_say_why_in_the_findings_words() -> None:
    """The rule names the new copies are explained by (not a catch-all): one per program family."""
    rules = _rules(f"{JA}.xlsx")
    expect = {f"{JA} (another copy).xlsx": "linux-copy", f"{JA} 10.27.33.xlsx": "macos-trash-time",
              f"._{JA}.xlsx": "appledouble", f"バックアップ ～ {JA}.xlk": "excel-backup-ja-old",
              f"{JA}.xlsx.crdownload": "partial-download", f"{JA}.xlsx.tmp": "temp-suffix",
              f"{JA}((自動回復済み)).xlsx": "autorecover-saved",
              f"._{JA} - コピー.xlsx.part": "appledouble+windows-copy-ja+partial-download"}
    got = {n: _strongest(rules, n).rule for n in expect}  # type: ignore[union-attr]
    assert got == expect


# ---------------------------------------------------------------- from the CLI, on a tree holding them

CLI_NAMES = [f"{JA}.xlsx", ASCII]  # one with its extension, one without
# a 4 KiB AppleDouble file holding Finder info only (what Finder writes beside any file without other metadata)
APPLEDOUBLE = (b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        \x00\x02" + b"\x00\x00\x00\x09\x00\x00\x00\x32"
               + b"\x00\x00\x0e\xb0" + b"\x00\x00\x00\x02\x00\x00\x0e\xe2\x00\x00\x01\x1e").ljust(4096, b"\x00")
OWNER = b"\x06yamada".ljust(54, b" ") + "\x06yamada".encode("utf-16-le").ljust(111, b" ")  # an Office owner file
DC1 = b"the leaked workbook, deleted on Windows XP: "  # its SHA-256 is known to the examiner (--known-hashes)


def _tree(root: Path) -> dict[str, str]:
    """Every name above on disk (NFD ones as NFD), a zip with a macOS __MACOSX companion, a Vista+ recycle bin
    ($I v1 and v2) and an XP one (INFO2 + Dc files): relative path -> expected class (hit, lead, none)."""
    from scanner.inspectors.recyclebin import make_i_file, make_info2

    expected: dict[str, str] = {}
    for stem in (JA, ASCII):
        folder = root / stem[:3]
        folder.mkdir(parents=True)
        for kind, names in (("hit", copy_names(stem)), ("lead", edited_names(stem)), ("none", UNRELATED[stem])):
            for name in names:
                (folder / name).write_bytes(b"")  # empty: names decide (an empty file ties no lead to a copy)
                expected[f"{stem[:3]}/{name}"] = kind
        # a Mac's AppleDouble companions and Office owner files are alike byte for byte (Finder info only; the same
        # user name): the named file's ones must not make other files "copies" by their SHA-256 (review, Session 9)
        for name, kind, data in ((f"._{stem}.xlsx", "hit", APPLEDOUBLE), ("._職員名簿.xlsx", "none", APPLEDOUBLE),
                                 (f"._{stem}_最新.xlsx", "lead", APPLEDOUBLE), (f"~${stem}.xlsx", "hit", OWNER),
                                 ("~$職員名簿.xlsx", "none", OWNER)):
            (folder / name).write_bytes(data)
            expected[f"{stem[:3]}/{name}"] = kind
        short = "介護予" if stem == JA else "RIYOSH"  # an 8.3 alias alone: a lead (the prefilter must let it in)
        (folder / f"{short}~1.XLS").write_bytes(stem.encode() + b"8.3")
        expected[f"{stem[:3]}/{short}~1.XLS"] = "lead"
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr(f"{stem}.xlsx", b"a")
            z.writestr(f"__MACOSX/._{stem}.xlsx", b"b")
        (folder / "送付.zip").write_bytes(buf.getvalue())
        expected.update({f"{stem[:3]}/送付.zip » {stem}.xlsx": "hit",
                         f"{stem[:3]}/送付.zip » __MACOSX/._{stem}.xlsx": "hit"})
        vista = folder / "$RECYCLE.BIN" / "S-1-5-21-1-2-3-1001"
        vista.mkdir(parents=True)
        for code, original, version in (("AB12CD", f"{stem} - コピー.xlsx", 2), ("XY34ZZ", f"{stem}.xlsx", 1)):
            (vista / f"$I{code}.xlsx").write_bytes(make_i_file(f"C:\\Users\\u\\Desktop\\{original}", 5, version=version))
            (vista / f"$R{code}.xlsx").write_bytes(b"r" * 5)
            expected.update({f"{stem[:3]}/$RECYCLE.BIN/S-1-5-21-1-2-3-1001/$I{code}.xlsx": "hit",
                             f"{stem[:3]}/$RECYCLE.BIN/S-1-5-21-1-2-3-1001/$R{code}.xlsx": "hit"})
        xp = folder / "RECYCLER" / "S-1-5-21-1-2-3-1003"
        xp.mkdir(parents=True)
        desk = "C:\\Documents and Settings\\u\\デスクトップ\\"
        (xp / "INFO2").write_bytes(make_info2([f"{desk}{stem} のコピー.xlsx", f"{desk}会議資料.docx",
                                               f"{desk}Copy of {stem}.xlsx"], [4000, 10, 4000], removed=frozenset({3})))
        (xp / "Dc1.xlsx").write_bytes(DC1 + stem.encode())  # found by its hash, paired after the walk
        (xp / "Dc2.docx").write_bytes(b"minutes")
        expected.update({f"{stem[:3]}/RECYCLER/S-1-5-21-1-2-3-1003/INFO2": "hit",
                         f"{stem[:3]}/RECYCLER/S-1-5-21-1-2-3-1003/Dc1.xlsx": "hit",
                         f"{stem[:3]}/RECYCLER/S-1-5-21-1-2-3-1003/Dc2.docx": "none"})
        # both bins collected into a zip by a Windows tool: member paths with backslashes (review, Session 9)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("RECYCLER\\S-1-5-21-1-2-3-1003\\INFO2", (xp / "INFO2").read_bytes())
            z.writestr("RECYCLER\\S-1-5-21-1-2-3-1003\\Dc1.xlsx", DC1 + stem.encode())
            z.writestr("$RECYCLE.BIN\\S-1-5-21-1-2-3-1001\\$IAB12CD.xlsx", (vista / "$IAB12CD.xlsx").read_bytes())
            z.writestr("$RECYCLE.BIN\\S-1-5-21-1-2-3-1001\\$RAB12CD.xlsx", b"r" * 5)
        (folder / "回収.zip").write_bytes(buf.getvalue())
        for member in ("RECYCLER\\S-1-5-21-1-2-3-1003\\INFO2", "RECYCLER\\S-1-5-21-1-2-3-1003\\Dc1.xlsx",
                       "$RECYCLE.BIN\\S-1-5-21-1-2-3-1001\\$IAB12CD.xlsx", "$RECYCLE.BIN\\S-1-5-21-1-2-3-1001\\$RAB12CD.xlsx"):
            expected[f"{stem[:3]}/回収.zip » {member}"] = "hit"
    return expected


@pytest.fixture(scope="module")
def tree_result(tmp_path_factory: pytest.TempPathFactory):
    """The tree scanned in this process with every inspector and post-scan analysis, as the CLI does (one
    CLI run of the same tree costs 5 s of worker starts; the names are decided in the scan process either way)."""
    from scanner.config import ScanConfig
    from scanner.pipeline import run_scan
    from scanner.registry import inspectors_for
    from scanner.sources.local import LocalSource

    root = tmp_path_factory.mktemp("copies")
    src = root / "share"
    expected = _tree(src)
    known = [hashlib.sha256(DC1 + stem.encode()).hexdigest() for stem in (JA, ASCII)]
    config = ScanConfig(sources=[str(src)], out=root / "out", names=CLI_NAMES, quiet=True, known_hashes=known,
                        content_check="off")  # names and hashes decide here; the fake workbooks are not read
    result = run_scan(config, [LocalSource(str(src))], inspectors=inspectors_for(config), workers=0)
    return src, expected, result


@pytest.fixture(scope="module")
def tree_scan(tree_result) -> tuple[dict[str, str], dict[str, dict]]:
    src, expected, result = tree_result
    files = {unicodedata.normalize("NFC", h.location.display().removeprefix(str(src) + "/")): h.to_json()
             for h in result.hits}
    return expected, files


def test_tree_finds_every_copy_as_a_hit_and_every_edit_as_a_lead(tree_scan) -> None:
    expected, files = tree_scan
    wrong = []
    for rel, kind in expected.items():
        f = files.get(unicodedata.normalize("NFC", rel))
        reasons = set(f["reasons"]) if f else set()
        got = "hit" if reasons & {"name", "name-variant"} else "lead" if "name-contains" in reasons else "none"
        if got != kind:
            wrong.append((rel, kind, f and f["matched_rules"]))
    assert wrong == []


def test_recycle_bins_give_the_original_name_and_its_rules(tree_scan) -> None:
    _expected, files = tree_scan
    for stem in (JA, ASCII):
        xp = f"{stem[:3]}/RECYCLER/S-1-5-21-1-2-3-1003/"
        info2, dc1 = files[xp + "INFO2"], files[xp + "Dc1.xlsx"]
        assert "recycle-bin:info2" in info2["matched_rules"]
        recycled = info2["annotations"]["recycled"]
        assert [r["stored_as"] for r in recycled] == ["Dc1.xlsx", "Dc3.xlsx"]  # not the unrelated 会議資料.docx
        assert [r["removed"] for r in recycled] == [False, True]
        assert dc1["annotations"]["recycled_from"].endswith(f"{stem} のコピー.xlsx")
        assert any(r.startswith("name-variant:no-copy-ja") for r in dc1["matched_rules"]), dc1["matched_rules"]
        assert "recycle-bin:content" in dc1["matched_rules"] and "known-hash" in dc1["reasons"]
        vista = f"{stem[:3]}/$RECYCLE.BIN/S-1-5-21-1-2-3-1001/"
        assert files[vista + "$RAB12CD.xlsx"]["annotations"]["recycled_from"].endswith(f"{stem} - コピー.xlsx")


def test_report_says_why_each_copy_matched(tree_scan) -> None:
    """Every rule a hit of the tree matched has plain words in both languages (what the report prints)."""
    from reports.rulewords import rule_words

    _expected, files = tree_scan
    rules = {r for f in files.values() for r in f["matched_rules"] if r.split(":", 1)[0] in ("name", "name-variant")}
    assert {"name-variant:linux-copy", "name-variant:macos-trash-time", "name-variant:appledouble",
            "name-variant:excel-backup-ja-old", "name-variant:partial-download", "name-variant:temp-suffix"} <= rules
    for rule in rules:
        for lang in ("ja", "en"):
            assert rule_words(rule, lang) != rule, (rule, lang)
    assert "Linux" in rule_words("name-variant:linux-copy", "ja")


# ---------------------------------------------------------------- XP / 9x INFO2, damaged ones


def test_info2_of_both_formats_names_the_stored_files() -> None:
    from scanner.inspectors.recyclebin import make_info2, parse_info2

    paths = [f"C:\\My Documents\\{JA}.xlsx", "C:\\My Documents\\memo"]
    parsed = parse_info2(make_info2(paths, [10, 20], filetime=133_000_000_000_000_000))
    assert parsed is not None and parsed.damaged == 0
    nt = parsed.records
    assert [r.original_path for r in nt] == paths
    assert [r.stored_as for r in nt] == ["Dc1.xlsx", "Dc2"] and nt[0].deleted_at.startswith("2022-")  # type: ignore[union-attr]
    old = parse_info2(make_info2(paths, nt=False))  # 95/98: ANSI (cp932) paths only, 8.3 names in RECYCLED
    assert old is not None and old.records[0].original_path == paths[0] and old.records[0].stored_as == "Dc1.xls"
    gone = parse_info2(make_info2(paths, removed=frozenset({1}), nt=False))  # restored: first ANSI byte zeroed
    assert gone is not None and gone.records[0].removed and gone.records[0].original_path == "?" + paths[0][1:]
    cut = parse_info2(make_info2(paths)[:-100])  # a cut record is counted as damaged, the others read
    assert cut is not None and cut.damaged == 1 and len(cut.records) == 1


def test_damaged_info2_is_none_or_records_never_an_exception() -> None:
    import random

    from scanner.inspectors.recyclebin import make_info2, parse_info2

    good = make_info2([f"C:\\Documents and Settings\\u\\{JA} - コピー.xlsx"] * 3, [1, 2, 3])
    rng = random.Random(9)
    assert parse_info2(good[:19]) is None and parse_info2(b"") is None and parse_info2(b"\x05" + b"\0" * 40) is None
    for _ in range(300):
        data = bytearray(good[:rng.randrange(len(good) + 1)])
        for _flip in range(rng.randrange(4)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        parsed = parse_info2(bytes(data))
        assert parsed is None or all(isinstance(r.original_path, str) and r.stored_as.startswith("D")
                                     for r in parsed.records)
    for _ in range(100):
        parse_info2(bytes(rng.randrange(256) for _ in range(rng.randrange(2000))))


# ---------------------------------------------------------------- 8.3 short names: leads


@pytest.mark.parametrize("given", [f"{JA}.xlsx", JA, f"{ASCII}.xlsx", ASCII])
def test_short_names_are_leads_that_say_so(given: str) -> None:
    """A file known only by its 8.3 short name (a FAT entry whose long-name entries are lost, as TSK lists a
    deleted one with _ for its first character; a copy made by a DOS-era tool) holds the start of the stem
    only: a lead (rule short-name), never a copy; another extension or another start stays out."""
    rules = _rules(given)
    short = "介護予" if given.startswith(JA) else "RIYOSH"
    leads = [f"{short}~1.XLS", f"{short}~2.XLS", f"{short.lower()}~12.xls", f"_{short[1:]}~1.XLS", f"{short}~1.CSV"]
    got = {n: [(m.reason.value, m.rule) for m in rules.match(n)] for n in leads}
    assert got == {n: [("name-contains", "short-name")] for n in leads}
    quiet = [f"{short}~1.DOC", f"{short}~1", f"{short}1.XLS", f"{short[:-1]}X~1.XLS", f"{short}~A.XLS", "名簿~1.XLS",
             f"X{short}~1.XLS"]
    assert {n: rules.match(n) for n in quiet} == {n: [] for n in quiet}


def test_short_names_need_a_long_enough_start() -> None:
    """名簿.xlsx's short name 名簿~1.XLS is two ordinary characters: no lead (as name-contains needs 4)."""
    assert NameRules(["名簿.xlsx"], use_keywords=False).match("名簿~1.XLS") == []
    assert NameRules(["ab.xlsx"], use_keywords=False).match("AB~1.XLS") == []


# the 8.3 start of the three named files tests/test_name_rules.py tries, worked out by hand (6 cp932 bytes)
SHORT_FORMS = {"介護予防_利用者名簿.xlsx": "介護予", "2017年度_集計.xlsx": "2017年", "ケアプラン一覧.xlsx": "ケアプ"}


@pytest.mark.parametrize("target", sorted(SHORT_FORMS))
def test_short_name_examples_of_the_rule_file(target: str) -> None:
    from scanner import rules as rule_files

    spec = rule_files.load("name_variants")["short_name"]
    short = SHORT_FORMS[target]
    fill = {"{short}": short, "{short_tail}": short[1:], "{short_ext}": ".XLS"}

    def expand(template: str) -> str:
        for key, value in fill.items():
            template = template.replace(key, value)
        return template

    rules = _rules(target)
    for name in map(expand, spec["examples"]):
        assert [(m.reason, m.rule) for m in rules.match(name)] == [(Reason.NAME_CONTAINS, spec["name"])], name
    for name in map(expand, spec["not_examples"]):
        assert rules.match(name) == [], name


def test_recycle_bin_rules_have_plain_words_in_both_languages() -> None:
    """The report words the recycle-bin rules instead of printing their codes."""
    from reports.rulewords import rule_words

    for rule in ("recycle-bin:info", "recycle-bin:info2", "recycle-bin:content"):
        ja, en = rule_words(rule, "ja"), rule_words(rule, "en")
        assert ja != rule and en != rule and "ごみ箱" in ja and "recycle bin" in en
    assert rule_words("pii:name+address", "ja") == "pii:name+address"  # content rules keep their code


# ---------------------------------------------------------------- review (Session 9): what counts as a copy

# Files that mark a copy of the named file but hold none of its content (what a ~$ owner file is to an open file)
MARKER_NAMES = ["._{s}.xlsx", "{s}.xlsx:Zone.Identifier", "{s}.xlsx.trashinfo", ".{s}.xlsx.icloud"]
# Files named as a copy that hold (part of) its bytes: copies
CONTENT_NAMES = ["{s}.xlsx.part", "{s}.xlsx.tmp", "{s}.xlsx~RF1a2b3c.TMP", "{s} (copy).xlsx", "{s} 10.27.33.xlsx"]


def test_marker_files_are_not_counted_as_copies(tree_scan) -> None:
    """An AppleDouble companion, a Zone.Identifier stream, a trash record, an iCloud placeholder, a recycle bin's
    $I / INFO2 record hold none of the list: like the ~$ owner file they are listed apart (summary ``markers``),
    never in "copies of the named file"; the content-bearing ones (.part, .tmp, $R, Dc1) stay copies."""
    from scanner.summary import classify, summarise

    _expected, files = tree_scan
    groups = classify({"files": list(files.values())})
    group_of = {id(f): g for g, fs in groups.items() for f in fs}
    where = {rel: group_of[id(f)] for rel, f in files.items()}
    for stem in (JA, ASCII):
        top, vista, xp = stem[:3], f"{stem[:3]}/$RECYCLE.BIN/S-1-5-21-1-2-3-1001/", f"{stem[:3]}/RECYCLER/S-1-5-21-1-2-3-1003/"
        for name in MARKER_NAMES:
            assert where[f"{top}/{name.format(s=stem)}"] == "markers", name.format(s=stem)
        for name in CONTENT_NAMES:
            assert where[f"{top}/{name.format(s=stem)}"] == "copies", name.format(s=stem)
        assert where[f"{top}/~${stem}.xlsx"] == "lock_files"
        assert {where[p] for p in (xp + "INFO2", vista + "$IAB12CD.xlsx", vista + "$IXY34ZZ.xlsx",
                                   f"{top}/送付.zip » __MACOSX/._{stem}.xlsx")} == {"markers"}
        assert where[xp + "Dc1.xlsx"] == where[vista + "$RAB12CD.xlsx"] == "copies"
    summary = summarise({"files": list(files.values())})
    assert summary["markers"] == len(groups["markers"]) >= 2 * (len(MARKER_NAMES) + 3)
    assert summary["copies"] == len(groups["copies"])


def test_a_marker_name_holding_the_records_is_a_copy() -> None:
    """A file named like a marker whose content is the list (a copy hidden as ``._NAME``) is a copy."""
    from scanner.summary import classify

    hidden = {"path": f"/s/._{JA}.xlsx", "reasons": ["name-variant", "pii"],
              "matched_rules": ["name-variant:appledouble", "pii:name+address"], "pii": {"records": 30}}
    mark = {"path": f"/s/._{JA}.xlsx", "reasons": ["name-variant"], "matched_rules": ["name-variant:appledouble"]}
    assert classify({"files": [hidden]})["copies"] == [hidden]
    assert classify({"files": [mark]})["markers"] == [mark]
    # a recycle bin's $R holds what its original held: a deleted ._NAME is a marker, a deleted copy a copy
    deleted_mark = {"path": "/s/$RECYCLE.BIN/S-1/$RAB12CD.xlsx", "reasons": ["name-variant"],
                    "matched_rules": ["name-variant:appledouble", "recycle-bin:content"]}
    deleted_copy = {**deleted_mark, "matched_rules": ["name-variant:windows-copy-ja", "recycle-bin:content"]}
    assert classify({"files": [deleted_mark]})["markers"] == [deleted_mark]
    assert classify({"files": [deleted_copy]})["copies"] == [deleted_copy]


@pytest.mark.parametrize("given", [f"{JA}.xlsx", f"{ASCII}.xlsx", "名簿.xlsx"])
def test_dates_written_like_a_trash_time_are_leads_not_copies(given: str) -> None:
    """Finder's Trash time ' 10.27.33' must not take a date people write: 令和5年4月1日 as ' 5.04.01' or
    ' R5.04.01', 1 Dec 2023 as ' 1.12.23', a version ' 1.10.20' (H.MM.SS whose MM is a month and SS a day)."""
    rules = _rules(given)
    stem = given.removesuffix(".xlsx")
    for text in (" 5.04.01", " 1.12.23", " 9.10.20", " 3.01.31"):
        got = [(m.reason, m.rule) for m in rules.match(f"{stem}{text}.xlsx")]
        assert all(reason != Reason.NAME_VARIANT for reason, _rule in got), (text, got)
    for text in (" 10.27.33", " 9.44.01", " 2.27.33 PM", " 23.59.01", " 5.04.45"):
        got = [(m.reason, m.rule) for m in rules.match(f"{stem}{text}.xlsx")]
        assert got[:1] == [(Reason.NAME_VARIANT, "macos-trash-time")], (text, got)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_report_names_what_a_recycle_bin_record_says(tree_result, lang: str) -> None:
    """The report gives a recycle bin's facts beside its files: each INFO2 record that names a copy, with the name
    it is stored under, its deletion time and whether it was restored or purged; the original place of a $I, $R
    or Dc file. Without them a Dc1.xlsx or a $RAB12CD.xlsx means nothing to the reader."""
    import re

    from reports.html import render_report
    from scanner.store import build_findings

    _src, _expected, result = tree_result
    html = render_report(build_findings(result), lang)
    text = re.sub(r"<[^>]+>", "", html)
    desk = "C:\\Documents and Settings\\u\\デスクトップ\\"
    for stem in (JA, ASCII):
        assert f"{desk}{stem} のコピー.xlsx → Dc1.xlsx" in text
        assert f"{desk}Copy of {stem}.xlsx → Dc3.xlsx" in text
        assert f"C:\\Users\\u\\Desktop\\{stem} - コピー.xlsx" in text  # the $I / $R pair's original place
    assert "会議資料.docx" not in text  # a record naming another file is not the case's business
    assert ("復元または削除済み" if lang == "ja" else "restored or purged") in text


def test_recycle_bins_in_an_archive_with_backslash_paths_pair_up(tree_scan) -> None:
    """A recycle bin collected into a zip by a Windows tool names its members with backslashes: the INFO2 record
    and the $I file still give the original name to the Dc and $R files beside them."""
    _expected, files = tree_scan
    for stem in (JA, ASCII):
        zipped = f"{stem[:3]}/回収.zip » "
        dc1 = files[zipped + "RECYCLER\\S-1-5-21-1-2-3-1003\\Dc1.xlsx"]
        assert (dc1.get("annotations") or {}).get("recycled_from", "").endswith(f"{stem} のコピー.xlsx"), dc1
        assert "recycle-bin:content" in dc1["matched_rules"]
        r = files[zipped + "$RECYCLE.BIN\\S-1-5-21-1-2-3-1001\\$RAB12CD.xlsx"]
        assert r["annotations"]["recycled_from"].endswith(f"{stem} - コピー.xlsx")


def test_an_info2_padded_past_its_cap_is_read_as_far_as_the_cap_and_says_so(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """An INFO2 grown past what a recycle bin holds (padded, hostile) is neither skipped unseen nor read without
    end: its first records are read, a copy named there is a hit, and the file says it was read in part."""
    from types import SimpleNamespace

    from scanner.codes import Status
    from scanner.config import ScanConfig
    from scanner.contracts import NoProgress, ScanContext, ScanResult
    from scanner.inspectors import recyclebin
    from scanner.inspectors.recyclebin import RecycleBinInspector, make_info2
    from scanner.models import Location

    MAX_INFO2 = 20 + 8 * 800  # the cap made small: the same code path at a test's size
    monkeypatch.setattr(recyclebin, "MAX_INFO2", MAX_INFO2)

    config = ScanConfig(sources=[str(tmp_path)], out=tmp_path / "out", names=[f"{JA}.xlsx"], quiet=True)
    ctx = ScanContext(config, NameRules(config.names, False), [], ScanResult(config, started=""), NoProgress())
    loc = Location(str(tmp_path), f"{tmp_path}/RECYCLER/S-1-5-21-1/INFO2")
    entry = SimpleNamespace(name="INFO2", kind="file", deleted=False, location=loc)
    first = make_info2([f"C:\\{JA} - コピー.xlsx"])
    filler = make_info2(["C:\\memo.txt"] * (MAX_INFO2 // 800 + 2))[20:]
    inspector = RecycleBinInspector(config)
    assert inspector.wants(entry, len(first) + len(filler), lambda: first[:64])  # type: ignore[arg-type]
    head_named = inspector.inspect(entry, first + filler, "", ctx)  # type: ignore[arg-type]
    assert head_named.status == Status.TOO_LARGE and head_named.rules == ["recycle-bin:info2"]
    assert str(MAX_INFO2) in head_named.detail
    tail_named = inspector.inspect(entry, make_info2(["C:\\memo.txt"])[:20] + filler + first[20:], "", ctx)  # type: ignore[arg-type]
    assert tail_named.status == Status.TOO_LARGE and not tail_named.reasons


def test_an_info2_record_whose_unicode_path_is_damaged_is_read_from_its_ansi_path() -> None:
    """Windows 2000/XP keeps each path twice (ANSI and UTF-16): a record whose UTF-16 copy is damaged (a carved or
    half-overwritten INFO2) still gives the original name from the other copy."""
    from scanner.inspectors.recyclebin import make_info2, parse_info2

    path = f"C:\\Documents and Settings\\u\\{JA} - コピー.xlsx"
    data = bytearray(make_info2([path]))
    wide = 20 + 280
    data[wide + 10:wide + 12] = b"\x00\xd8"  # an unpaired surrogate inside the UTF-16 path
    parsed = parse_info2(bytes(data))
    assert parsed is not None and [r.original_path for r in parsed.records] == [path]
    both_damaged = bytearray(data)
    both_damaged[22:24] = b"\x81\n"  # and bytes the ANSI code page cannot read: the UTF-16 one is kept, damage shown
    parsed = parse_info2(bytes(both_damaged))
    assert parsed is not None and "\ufffd" in parsed.records[0].original_path


@pytest.mark.parametrize("given", ["利用者名簿_2023.xlsx", "名簿_R5.xlsx", "Meibo2023.xlsx", "介護予防利用者名簿 第3版 1.xlsx"])
def test_a_bare_number_after_a_stem_ending_in_a_number_is_a_lead(given: str) -> None:
    """'-12' or ' 4' after a stem that ends in a number reads as that number going on (利用者名簿_2023-12: December's
    list; 名簿_R5 4: 令和5年4月), another document as often as a Safari or Finder duplicate: a lead, which its content
    (the same SHA-256, shared persons) still promotes to a copy. Brackets ('(2)', '[1]') stay the programs' copies."""
    rules = _rules(given)
    stem = given.removesuffix(".xlsx")
    for text in ("-1", "-12", " 2", " 4"):
        got = [(m.reason, m.rule) for m in rules.match(f"{stem}{text}.xlsx")]
        assert got and got[0][0] == Reason.NAME_CONTAINS, (text, got)
    for text in (" (2)", "[1]", " - コピー", " copy 2"):
        got = [(m.reason, m.rule) for m in rules.match(f"{stem}{text}.xlsx")]
        assert got and got[0][0] == Reason.NAME_VARIANT, (text, got)
    plain = _rules("利用者名簿.xlsx")  # a stem ending in a word keeps the duplicates' numbers as copies
    assert [m.rule for m in plain.match("利用者名簿-2.xlsx")] == ["download-hyphen-number"]
    assert [m.rule for m in plain.match("利用者名簿 2.xlsx")] == ["macos-number"]


def test_an_appledouble_companion_is_read_as_one_not_listed_as_an_unreadable_workbook(tmp_path: Path) -> None:
    """A Mac's '._NAME.xlsx' holding the AppleDouble header (Finder info, resource fork, attributes) is known for what
    it is: no table, nothing left unexamined; a '._' file with other bytes (a hidden workbook, junk) is read as
    before, and AppleDouble bytes under another name are not waved through."""
    from types import SimpleNamespace

    from scanner.codes import Status
    from scanner.config import ScanConfig
    from scanner.contracts import NoProgress, ScanContext, ScanResult
    from scanner.inspectors.spreadsheet import SpreadsheetInspector
    from scanner.models import Location

    config = ScanConfig(sources=[str(tmp_path)], out=tmp_path / "out", names=[f"{JA}.xlsx"], quiet=True)
    ctx = ScanContext(config, NameRules(config.names, False), [], ScanResult(config, started=""), NoProgress())

    def inspect(name: str, data: bytes):
        entry = SimpleNamespace(name=name, kind="file", deleted=False, location=Location(str(tmp_path), f"/u/{name}"))
        return SpreadsheetInspector(config).inspect(entry, data, "", ctx)  # type: ignore[arg-type]

    companion = inspect(f"._{JA}.xlsx", APPLEDOUBLE)
    assert companion.status == Status.OK and "AppleDouble" in companion.detail and not companion.reasons
    assert inspect(f"._{JA}.xlsx", b"\x01\x02junk" * 50).status == Status.UNSUPPORTED
    assert inspect(f"{JA}.xlsx", APPLEDOUBLE).status == Status.UNSUPPORTED
