"""Generated trees and name lists for the walking-skeleton tests (local walk, names, outputs, CLI, report).

Everything is built from lists here at test time; no binary fixture is checked in. Workbooks come from
scanner.demo (Faker ja_JP, fixed seed) so the content is realistic and never real.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from pathlib import Path

from scanner.config import ScanConfig
from scanner.contracts import ScanResult
from scanner.pipeline import run_scan
from scanner.sources.local import LocalSource

LEAKED = "介護予防_利用者名簿.xlsx"

# (file name, rule expected in matched_rules) for every copy decoration Windows, Excel and users make
VARIANTS: list[tuple[str, str]] = [
    ("介護予防_利用者名簿 - コピー.xlsx", "windows-copy-ja"),
    ("介護予防_利用者名簿 - コピー (3).xlsx", "windows-copy-ja"),
    ("介護予防_利用者名簿 - Copy.xlsx", "windows-copy-en"),
    ("介護予防_利用者名簿 - Copy (2).xlsx", "windows-copy-en"),
    ("コピー ～ 介護予防_利用者名簿.xlsx", "windows-copy-ja-old"),
    ("コピー (2) ～ 介護予防_利用者名簿.xlsx", "windows-copy-ja-old"),
    ("Copy of 介護予防_利用者名簿.xlsx", "copy-of"),
    ("Copy (2) of 介護予防_利用者名簿.xlsx", "copy-of"),
    ("介護予防_利用者名簿 (2).xlsx", "numbered"),
    ("介護予防_利用者名簿(12).xlsx", "numbered"),
    ("介護予防_利用者名簿のコピー.xlsx", "no-copy-ja"),
    ("介護予防_利用者名簿のコピー2.xlsx", "no-copy-ja"),
    ("介護予防_利用者名簿 - コピー - コピー.xlsx", "windows-copy-ja+windows-copy-ja"),
    ("介護予防_利用者名簿.xls", "other-extension"),
    ("介護予防_利用者名簿.csv", "other-extension"),
    ("介護予防_利用者名簿.ods", "other-extension"),
    ("介護予防_利用者名簿.xlsm", "other-extension"),
    ("介護予防_利用者名簿.xlsb", "other-extension"),
    ("介護予防_利用者名簿 - コピー.csv", "windows-copy-ja+other-extension"),
    ("~$介護予防_利用者名簿.xlsx", "owner-file"),  # short form: ~$ + the whole name
    ("~$予防_利用者名簿.xlsx", "owner-file"),  # long form: ~$ replaces the first two characters
    ("~$介護予防_利用者名簿 - コピー.xlsx", "owner-file+windows-copy-ja"),
    # macOS, sync clients, Office backups and AutoRecover, LibreOffice, backup tools
    ("介護予防_利用者名簿 2.xlsx", "macos-number"),
    ("介護予防_利用者名簿 copy 2.xlsx", "macos-copy"),
    ("介護予防_利用者名簿 のコピー 2.xlsx", "no-copy-ja"),
    ("介護予防_利用者名簿-DESKTOP-7Q2K1.xlsx", "onedrive-machine"),
    ("介護予防_利用者名簿 (conflicted copy 2017-01-15).xlsx", "sync-conflict"),
    ("Backup of 介護予防_利用者名簿.xlk", "excel-backup-en"),
    ("介護予防_利用者名簿 のバックアップ.xlk", "excel-backup-ja"),
    ("介護予防_利用者名簿 (バージョン 1).xlsb", "autorecover-version"),
    ("介護予防_利用者名簿 (Autosaved).xlsx", "autorecover-saved"),
    (".~lock.介護予防_利用者名簿.xlsx#", "lock-libreoffice"),
    ("介護予防_利用者名簿.xlsx.bak", "backup-suffix"),
    ("介護予防_利用者名簿.bak", "backup-extension"),
]

# names that hold the whole stem with other text: leads (name-contains), with the hint the report shows
LEADS: list[tuple[str, str]] = [
    ("介護予防_利用者名簿_2017年度版.xlsx", "with-date+with-version"),
    ("介護予防_利用者名簿_20170115.xlsx", "with-date"),
    ("【秘】介護予防_利用者名簿.xlsx", "with-mark"),
    ("介護予防_利用者名簿（最新）.xlsx", "with-status"),
    ("旧介護予防_利用者名簿.xlsx", "with-status"),
    ("介護予防_利用者名簿 - 修正版.xlsx", "with-version+with-status"),
    ("介護予防_利用者名簿_v2.xlsx", "with-version"),
    ("介護予防_利用者名簿.pdf", "other-type"),
    ("介護予防_利用者名簿.xlsx.pdf", "other-type"),
    ("介護予防_利用者名簿_グラフ.xlsx", "with-text"),
]

# the same name written differently: NFKC (full-width, case) and macOS NFD
SAME_NAME: list[str] = [
    "介護予防＿利用者名簿.XLSX",
    "介護予防_利用者名簿.XLSX",
    "介護予防_利用者名簿.xlsx.",  # Windows ignores trailing dots
]

# names that must NOT be a copy of the leaked file (they may still be leads or keyword leads)
NOT_COPIES: list[str] = [
    "介護予防_職員名簿.xlsx",  # a different stem
    "介護予防_利用者名簿.pdf",  # same stem, not a spreadsheet extension
    "介護予防_利用者名簿.docx",
    "介護予防_利用者名簿_2017年度版.xlsx",  # the stem plus other words
    "旧介護予防_利用者名簿.xlsx",
    "介護予防_利用者名簿 - 修正版.xlsx",
    "介護予防_利用者名簿.xlsx.pdf",
    "介護予防_利用者名簿",  # no extension
    "~$介護予防_利用者名簿.pdf",
    "~$護予防_利用者名簿.xlsx",  # one character dropped from a 10-character stem: no Office short form
    "コピー介護予防_利用者名簿.xlsx",  # no ～ separator
    "予算_2016.xlsx",
    "介護予防_利用者名簿.xlsx.lnk",  # a shortcut (Recent items): a trace of use, not a copy or a lead
]

# look-alikes: no name rule at all (keyword leads allowed): a part of the name, a truncated name, another stem
LOOK_ALIKES: list[str] = [
    "介護予防_職員名簿.xlsx",
    "介護予防.xlsx",
    "利用者名簿.xlsx",
    "介護予防_利用者名.xlsx",
    "護予防_利用者名簿.xlsx",
    "~$護予防_利用者名簿.xlsx",
    "介護予防_利用者名 - コピー.csv",
    "介護予防_利用者名簿.xlsx.lnk",  # shortcuts are traces (scanner/traces), reported there
    "介護予防_利用者名簿 - ショートカット.lnk",
    "予算_2016.xlsx",
]

# keyword rule -> (names that must trigger it, names that must not trigger any keyword)
KEYWORDS: dict[str, list[str]] = {
    "meibo": ["職員名簿.xlsx", "めいぼ.csv", "会員名簿2020.xls"],
    "jushoroku": ["住所録.xlsx", "年賀状_宛名.csv", "顧客住所一覧.xlsx"],
    "kojin-joho": ["個人情報一覧.xlsx", "マイナンバー管理.xlsx", "個人番号.txt", "個人ﾃﾞｰﾀ.xlsx"],
    "kokyaku": ["顧客リスト.xlsx", "入居者一覧.xlsx", "被保険者台帳.xls", "利用者一覧.csv"],
    "english": ["Customer List 2020.xlsx", "CLIENT LIST.csv", "AddressBook.vcf", "Mailing List.txt"],
}
NO_KEYWORD: list[str] = ["予算_2016.xlsx", "会議メモ.txt", "名刺.png", "顧問契約.pdf", "customer.xlsx", "list.csv"]


def nfd(name: str) -> str:
    """A name as macOS stores it (decomposed: ピ becomes ヒ + U+309A)."""
    return unicodedata.normalize("NFD", name)


def write_files(root: Path, files: dict[str, bytes]) -> Path:
    """Write ``{relative path: content}`` under ``root`` (parents created)."""
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return root


def write_raw(folder: Path, raw_name: bytes, data: bytes) -> bytes:
    """Write a file whose name is raw bytes (e.g. cp932, not valid UTF-8); return its full raw path."""
    folder.mkdir(parents=True, exist_ok=True)
    raw = os.fsencode(folder) + b"/" + raw_name
    with open(raw, "wb") as f:
        f.write(data)
    return raw


def scan_dirs(roots: list[Path], names: list[str], out: Path | None = None, use_keywords: bool = True,
              sources: list | None = None) -> ScanResult:
    """Scan in-process with the walking skeleton only (no content inspectors): names and fingerprints."""
    if out is None:  # post-scan analyses may keep files (a case key) in --out
        out = Path(tempfile.mkdtemp(prefix="leakscan-test-out-"))
    config = ScanConfig(sources=[str(r) for r in roots], out=out, names=names,
                        use_keywords=use_keywords, quiet=True)
    srcs = sources if sources is not None else [LocalSource(str(r)) for r in roots]
    return run_scan(config, srcs, inspectors=[])


def hit_paths(result: ScanResult) -> dict[str, list[str]]:
    """Display path -> reasons, for every hit."""
    return {h.location.display(): list(h.reasons) for h in result.hits}


def deep_dirs(root: Path, total_bytes: int = 5000, component: int = 200) -> Path:
    """A chain of folders whose full path is longer than ``total_bytes`` (beyond PATH_MAX = 4096).

    Built with dir_fd steps, since the full path is too long for one system call.
    """
    root.mkdir(parents=True, exist_ok=True)
    levels = total_bytes // (component + 1) + 1
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for i in range(levels):
            name = f"{i:03d}" + "d" * (component - 3)
            os.mkdir(name, dir_fd=fd)
            nxt = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = nxt
        wfd = os.open(LEAKED, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(wfd, b"deep copy\n")
        os.close(wfd)
    finally:
        os.close(fd)
    return root


# Hostile names: markup, a bidi override that disguises the extension, a newline. "/" cannot be in a
# name, so the <script> element is split over a folder and a file: the displayed path holds it whole.
HOSTILE_DIR = "<script>document.body.setAttribute('data-pwned','1')<"
HOSTILE_FILES = [
    HOSTILE_DIR + "/script>名簿.xlsx",
    "PC09/<img src=x onerror=document.title='pwned'>名簿.xlsx",
    "PC09/名簿\u202excod.xlsx",  # shows as 名簿xlsx.doc in a bidi-aware viewer
    "PC09/名簿\nforged row.xlsx",
]


def build_evidence_tree(root: Path) -> dict[str, object]:
    """The demo organisation share plus hostile names; returns the demo's truth and the hostile paths."""
    from scanner.demo import build_share

    truth = build_share(root)
    write_files(root, {rel: b"hostile name, harmless content " + rel.encode() for rel in HOSTILE_FILES})
    return {**truth, "hostile": [str(root / rel) for rel in HOSTILE_FILES]}
