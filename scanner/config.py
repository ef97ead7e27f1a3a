"""ScanConfig: everything a scan was asked to do, as plain data (no argparse in here).

It is recorded in findings.json (``scan.settings``) so a rescan can prove it used the same scope. Its
defaults are the command line's defaults too (scanner/commands read them from here): written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

MiB = 1 << 20
LANGS = ["ja", "en"]  # report languages; the first is the default


@dataclass
class ScanConfig:
    sources: list[str]
    out: Path
    names: list[str] = field(default_factory=list)
    case_id: str = ""
    examiner: str = ""
    witness: str = ""
    organisation: str = ""
    notes: list[str] = field(default_factory=list)
    lang: str = LANGS[0]
    quiet: bool = False
    strict_complete: bool = False  # a denied Windows system folder at a volume root makes the scan incomplete too
    unmask: bool = False
    use_keywords: bool = True
    # content inspection caps (spreadsheets, archives): a file over the cap is listed as too-large
    max_inspect_bytes: int = 256 * MiB
    max_cells: int = 20_000_000
    parse_timeout: float = 120.0
    archive_depth: int = 3
    # files whose extension no inspector reads (.jpg, .pdf, .log ...): their first 64 bytes checked against the
    # extension (scanner.inspectors.disguise). auto: local folders, disk images, archives; all: SMB shares too; off: none
    content_check: str = "auto"
    max_archive_total: int = 4096 * MiB
    max_archive_ratio: int = 200
    known_hashes: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    min_overlap: int = 10
    baseline: Path | None = None
    # --baseline-sha256: the baseline findings.json's SHA-256 as written down (the complaint): checked before use
    baseline_sha256: str | None = None
    verify_images: bool | None = None  # None: E01/Ex01 verified, other formats not
    # the examiner has a key for encrypted volumes; the keys themselves are never part of the config
    luks_passphrase: bool = False
    bitlocker_recovery_key: bool = False
    apfs_password: bool = False
    bitlocker_startup_key: str | None = None  # path of a .BEK file (its bytes are never copied)
    workers: int = 0  # worker processes that examine files; 0 = one per core
    # a dask.distributed scheduler that runs the scan's parts on its workers (scanner.cluster); "" = this machine
    scheduler: str = ""
    tls_ca: str = ""  # --tls-ca/--tls-cert/--tls-key: the client's TLS files for a tls:// scheduler
    tls_cert: str = ""
    tls_key: str = ""
    insecure_wire: bool = False  # a tcp:// scheduler accepted: the case key travels unencrypted
    overwrite: bool = False  # --out may hold an earlier finished output of the same case, replaced at the end
    # SMB: how long one request may wait for an answer, and how long an outage is retried before the
    # server is given up (what is left is then listed as ``connection``: the scan is incomplete)
    smb_timeout: float = 60.0
    smb_retry_window: float = 300.0
    pdf: bool = False  # also write report.pdf (and remediation.pdf) with headless Chromium
    breach: dict[str, str] = field(default_factory=dict)  # the examiner's breach-report items (--case-file)
    command_line: list[str] = field(default_factory=list)
    # --password-file: its path is recorded (a resumed scan reads it again); the passwords themselves are for
    # the inspectors only: never in repr, settings, the state or any output (scanner.passwords)
    password_file: str | None = None
    passwords: tuple[str, ...] = field(default=(), repr=False, compare=False, metadata={"secret": True})
    # --accept: the examiner's out-of-scope list a rescan's diff honours (scanner.accept); read when diffing
    accept: str | None = None

    def to_record(self) -> dict[str, object]:
        """The configuration as the resumable state keeps it: plain values, secrets left out."""
        return {f.name: (str(v) if isinstance(v, Path) else v) for f in fields(self)
                if not f.metadata.get("secret") for v in [getattr(self, f.name)]}

    def settings(self) -> dict[str, object]:
        """The part of the configuration that decides what is found (scope and rules), for the JSON."""
        return {
            "sources": list(self.sources),
            "names": list(self.names),
            "use_keywords": self.use_keywords,
            "max_inspect_bytes": self.max_inspect_bytes,
            "max_cells": self.max_cells,
            "parse_timeout": self.parse_timeout,
            "archive_depth": self.archive_depth,
            "content_check": self.content_check,
            "max_archive_total": self.max_archive_total,
            "max_archive_ratio": self.max_archive_ratio,
            "known_hashes_count": len(self.known_hashes),
            "references": list(self.references),
            "min_overlap": self.min_overlap,
            "passwords_count": sum(1 for p in self.passwords if p),  # how many were tried, never which
        }
