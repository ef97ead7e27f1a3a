"""Every code leakscan writes into findings.json and diff.json, with its meaning beside it, and the named
sets of codes the rest of the code decides by (modelled on httpx's ``_status_codes.py``).

Codes are ``StrEnum`` members: they compare equal to, hash like and serialise as their plain strings,
so ``Status.TOO_LARGE == "too-large"`` and the JSON written is the same as with bare strings. Documents
read back from JSON hold plain strings; compare them with the members. A bottom-floor module: it
imports nothing from leakscan. Labels for the report live in the gettext catalogues (reports/labels.py: code_label), keyed by these values.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """A code with its meaning (``.meaning``): one line an investigator can read."""

    meaning: str

    def __new__(cls, value: str, meaning: str = "") -> Code:
        member = str.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        return member


class Status(Code):
    """What became of one file: ``ok``, or why it was not (fully) examined. A file's ``status`` in
    findings.json, the ``reason`` of a skipped entry, and the status of a leaked file in the person count.
    A skipped file is not a clean file."""

    OK = "ok", "examined completely"
    UNREADABLE = "unreadable", "the OS, TSK or the SMB server refused the read (permissions, I/O error)"
    VANISHED = "vanished", ("deleted or moved during the scan (also a folder swapped for a symbolic link, or "
                            "reached through one, after it was listed: not followed)")
    CHANGED_DURING_READ = "changed-during-read", ("the file changed while it was hashed (bytes read differ from "
                                                  "the size listed, or size or modified time moved during the "
                                                  "read); read twice, no hashes kept; or a disk image whose file "
                                                  "changed during the scan")
    SPECIAL_FILE = "special-file", "FIFO, socket, device, NTFS system file: never opened"
    LOOP = "loop", "a directory already walked (bind mount, hard-link loop, Samba link)"
    PATH_TOO_LONG = "path-too-long", "deeper than 256 directories in a disk image"
    ENCRYPTED = "encrypted", ("password-protected workbook, archive or archive member; an encrypted volume in a "
                              "disk image (LUKS, BitLocker, APFS) without its key")
    CORRUPT = "corrupt", "damaged file, container or directory; a parser error or crash"
    UNSUPPORTED = "unsupported", "a format leakscan cannot read, or whose reader is not installed"
    TOO_LARGE = "too-large", "over --max-inspect-mb, --max-cells or --max-archive-mb"
    TIMEOUT = "timeout", "parsing took longer than --parse-timeout"
    TOO_DEEP = "too-deep", "an archive nested deeper than --archive-depth, or a disk image inside 3 images"
    BOMB = "bomb", "an archive member over --max-archive-ratio, or inflating past its declared size"
    UNRECOVERABLE = "unrecoverable", "a deleted file in a disk image whose content cannot be recovered"
    EMPTY_VOLUME = "empty-volume", "a file system in an image that lists no file at all (damaged or empty)"
    CONNECTION = "connection", ("the SMB server went away and did not come back within --smb-retry-window "
                                "before this file or directory was read, or the Dask scheduler was lost before "
                                "this part of a distributed scan finished (the scan is incomplete: --resume)")
    SOURCE_LOST = "source-lost", ("the SOURCE itself went away before this file or folder was read: a mount "
                                  "unmounted or disconnected, the scanned folder removed or replaced, a disk image's "
                                  "file gone or unreadable (the scan is incomplete: --resume)")
    WALK_STOPPED = "walk-stopped", ("the walk of a SOURCE disk image stopped part-way: its walker process crashed, "
                                    "hung or reached its memory cap in one file system (a damaged or crafted image); "
                                    "what was listed before is examined, the rest of that file system is not, the "
                                    "ones after it are walked again (the scan is incomplete)")
    SYSTEM_FOLDER = "system-folder", ("a Windows system folder at a volume's root that only the system may list "
                                      "(System Volume Information: signatures/system_folders.toml): not examined, "
                                      "expected there; the scan stays complete unless --strict-complete")
    SOURCE_ERROR = "source-error", "a whole SOURCE could not be opened (also in scan.source_errors)"
    NO_RECORDS = "no-records", "a leaked file read completely, but no personal-records sheet found in it"
    UNSAFE_NAME = "unsafe-name", ("an archive member whose name would escape its folder if extracted (.., absolute, "
                                  "drive letter, NUL): listed; its content is still read in memory and examined")
    NAMES_ONLY = "names-only", "a leaked file holding only lists of names without addresses: nobody counted"
    INTERNAL_ERROR = "internal-error", ("leakscan's own code failed on this file (a bug in leakscan, not damage to the "
                                        "file): the stage is named; the file was not (fully) examined and the scan is "
                                        "incomplete (--resume examines it again)")


# Codes a skipped entry can carry (the reason table of docs/reference.md): every status but ok and the person-count ones.
SKIP_REASONS = frozenset(Status) - {Status.OK, Status.NO_RECORDS, Status.NAMES_ONLY}

# Skip reasons that cannot hide file content (FIFOs, sockets, devices; a directory walked already):
# listed, but they do not make a rescan's verdict "not verified".
NO_CONTENT_SKIPS = frozenset({Status.SPECIAL_FILE, Status.LOOP, Status.UNSAFE_NAME})  # unsafe-name: a notice;
# the member itself is examined (or listed under its own reason when it cannot be)

# Skip reasons meaning the source went away (or its walk stopped), not that something is wrong with the file: a
# scan with any of them (or with a SOURCE that could not be opened) is incomplete (``scan.complete`` false, its own exit
# code), and ``scan --resume`` examines exactly these again.
LOST_REASONS = frozenset({Status.CONNECTION, Status.SOURCE_LOST, Status.WALK_STOPPED})
# Skip reasons that make a scan incomplete (and that ``scan --resume`` examines again): the lost ones, and a file
# leakscan's own code failed on (images21: it was ``corrupt`` and the scan complete, a bug passed off as damage)
INCOMPLETE_REASONS = LOST_REASONS | {Status.INTERNAL_ERROR}


class Reason(Code):
    """Why a file is a hit (a file's ``reasons`` in findings.json)."""

    NAME = "name", "the leaked file's name (NFKC, case-insensitive)"
    NAME_VARIANT = "name-variant", ("a name a copy gets (OS, sync client, Office backup or AutoRecover, another "
                                    "spreadsheet extension), a lock file ~$NAME or .~lock.NAME#, a recycle-bin "
                                    "file that held it, or a name-contains lead its content tied to a copy")
    NAME_CONTAINS = "name-contains", ("the whole name of the named file with other text around it (a date, a "
                                      "version, 【秘】): a strong lead, counted apart from copies")
    NAME_KEYWORD = "name-keyword", "a keyword in the file name (名簿, 住所録 ...): a lead, not a copy"
    KNOWN_HASH = "known-hash", "its MD5, SHA-1 or SHA-256 is one of --known-hashes"
    PII = "pii", "a sheet holds person records (names with addresses), business contacts included"
    PII_NAMES = "pii-names", ("a sheet lists persons without addresses (name with phone, e-mail, birth date "
                              "or an ID number): a lower-severity lead, never counted as persons")
    RECORD_OVERLAP = "record-overlap", "shares at least --min-overlap persons with the leak set"
    EXTENSION_MISMATCH = "extension-mismatch", ("its content contradicts its extension (a workbook, a zip or OLE2 "
                                                "container, an archive or a person table named .jpg, .pdf, .log "
                                                "..., or without an extension): examined by its content; a lead")


# The hop formats of mail (scanner.inspectors.mail: a message file, a store, a message in a store or attached
# to one, a winmail.dat): what sits under one is in mail, not in an archive.
MAIL_HOP_FORMATS = frozenset({"eml", "emlx", "mbox", "msg", "pst", "ost", "pab", "tnef", "message",
                              "attached-message"})

# A copy of the named file: what the terminal summary counts as copies, and what makes a scan exit 1.
COPY_REASONS = frozenset({Reason.NAME, Reason.NAME_VARIANT, Reason.KNOWN_HASH})

# The leak set whose persons are counted: the named file under its own name or with its known bytes.
# Variants (renamed copies; owner files and marker files such as recycle-bin $I files, listed apart by
# scanner.summary) are not counted,
# so the person figures stay those of the leaked file itself (the demo's 2,382 / 1,117 / 1,077).
COUNTED_REASONS = frozenset({Reason.NAME, Reason.KNOWN_HASH})

# Hits that are, or hold, the leaked data: any of them left in a rescan blocks a clean verdict. A keyword
# in a file name alone (名簿, 住所録) and a list of names without addresses are leads, not copies: listed
# and classified, never blocking. A name holding the named file's whole name (name-contains) blocks: until
# someone has looked at it, the copies are not known to be gone.
LEAK_REASONS = COPY_REASONS | {Reason.NAME_CONTAINS, Reason.PII, Reason.RECORD_OVERLAP}
LEAD_REASONS = frozenset({Reason.NAME_KEYWORD, Reason.PII_NAMES, Reason.EXTENSION_MISMATCH})


class SheetKind(Code):
    """What a personal-data sheet holds (a sheet's ``kind`` in findings.json)."""

    PERSONS = "persons", "private persons with names and addresses"
    BUSINESS = "business", ("persons beside an organisation column (business contacts): personal data all the "
                            "same, counted as persons and reported as their own class")
    NAMES = "names", "persons without any address column: a lead, never counted as persons"


# The role of the row's own person in findings.json (``roles``); other roles (applicant, recipient,
# guardian ...) are named by signatures/pii_columns.toml.
MAIN_ROLE = "person"


class Rejection(Code):
    """Why a row with a name and an address did not become a person (a sheet's ``rejected`` keys)."""

    PLACEHOLDER = "placeholder", "a template's stand-in: DocFirst DocSecond, 44 Street Address, テスト, ○○"
    NOT_A_NAME = "not-a-name", "the name cell holds no personal name (a number, an organisation, a blob)"
    NOT_AN_ADDRESS = "not-an-address", ("the address holds no address (hex or base64 spilt from a CSV line "
                                        "broken inside a field, an e-mail, a bare number)")
    HEADER_REPEATED = "header-repeated", "the header row again (files joined one after another)"
    EXAMPLE = "example", "a template's filled-in example row (記入例, 例, サンプル, 見本): left out of the persons"
    NAME_ELSEWHERE = "name-elsewhere", ("the name stands at several other addresses of the table, or beside another "
                                        "person's: someone in charge of places (an asset's manager, the staff at "
                                        "customers' houses), a sender beside the recipients' addresses; no resident")
    LONE_ROW = "lone-row", ("a name and an address on a lone row narrower than the table around it (a header-less "
                            "list's single entry pasted among an export's rows): too few for a table of its own, said "
                            "beside it, never counted")
    NO_ADDRESS = "no-address", ("a name beside a phone, e-mail or birth date and no address: a row of a names-only list "
                                "on the same sheet as a person table (a lead's row), said beside it, never counted")


class DiffClass(Code):
    """Where a hit went between a baseline scan and a rescan (each hit gets exactly one class)."""

    REMOVED = "removed", "the baseline path holds no hit any more"
    REMAINING = "remaining", "same path, same SHA-256"
    CHANGED = "changed", "same path, other content"
    UNVERIFIED = "unverified", "the baseline path is still there but could not be read in the rescan"
    RELOCATED = "relocated", "a new path whose SHA-256 equals a baseline hit's (renamed, moved or copied)"
    NEW = "new", "a new path with content never seen in the baseline"


BASELINE_CLASSES = (DiffClass.REMOVED, DiffClass.REMAINING, DiffClass.CHANGED, DiffClass.UNVERIFIED)
RESCAN_CLASSES = (DiffClass.RELOCATED, DiffClass.NEW)
CLASSES = BASELINE_CLASSES + RESCAN_CLASSES
# classes of a leak-set hit that keep the verdict from being clean
BLOCKING = frozenset(CLASSES) - {DiffClass.REMOVED}


class Verdict(Code):
    """The rescan's verdict."""

    CLEAN = "clean", "no leak-set hit is left and everything in scope was examined"
    REMAINING = "remaining", "some leak-set hit is remaining, changed, relocated or new"
    NOT_VERIFIED = "not-verified", "nothing is known to remain, but something could not be checked"


class VerdictReason(Code):
    """Why the verdict is not clean (``verdict_reasons`` in diff.json)."""

    REMAINING = "remaining", "a leak-set hit remains at its place"
    CHANGED = "changed", "a leak-set hit's place holds other content"
    RELOCATED = "relocated", "a leak-set hit's content is at another place"
    NEW = "new", "a new leak-set hit"
    UNVERIFIED = "unverified", "a baseline hit could not be read again"
    INCOMPLETE = "incomplete", ("the rescan (or the baseline) is incomplete: part of a source went away during it, "
                                "or a folder or volume could not be listed (scan.complete false); complete it before "
                                "judging")
    SKIPPED = "skipped", "something in the rescan was skipped"
    SCOPE = "scope", "the rescan's scope differs from the baseline's"
    ORDER = "order", ("the rescan began before the baseline did (the two scans swapped, or a rescan made earlier): it "
                      "cannot show what is left after the baseline")


class Lingering(Code):
    """Places where a deleted copy lingers (``lingering`` in diff.json entries)."""

    RECYCLE_BIN = "recycle-bin", "a recycle bin or trash folder"
    OWNER_FILE = "owner-file", "an Office owner file ~$NAME or a LibreOffice lock file .~lock.NAME#"
    AUTORECOVER = "autorecover", "an Office AutoRecover or AutoSave file"
    ARCHIVE = "archive", "a member of an archive"
    MAIL = "mail", "inside a mail message or store: an attachment or a table pasted into a body"
    SNAPSHOT = "snapshot", "a snapshot folder (@GMT-...)"
    DELETED = "deleted", "a deleted entry in a disk image"


class AcceptStatus(Code):
    """What became of one line of the examiner's out-of-scope list (``--accept``) in a rescan's diff."""

    APPLIED = "applied", "the rescan saw that path with that very SHA-256: it (and what is inside it) may remain"
    CHANGED = "changed", "the path holds other content now: not accepted"
    NOT_HASHED = "not-hashed", "the path was seen but could not be hashed: not accepted"
    NOT_FOUND = "not-found", "nothing at that path in the rescan"


class VerifyStatus(Code):
    """What re-checking a recorded hit at its source found (``verify --sources``; also re-reading a leaked
    file for the person list, and the manifest check of an output folder)."""

    MATCH = "match", "the same SHA-256 as recorded"
    CHANGED = "changed", "other content than recorded"
    MISSING = "missing", "no file at the recorded place any more"
    UNREADABLE = "unreadable", "there, but could not be read"
    UNREACHABLE = "unreachable", "its source could not be opened"
    NOT_HASHED = "not-hashed", "never read in the scan (see its status)"
    NOT_NAMED = "not-named", ("its source was not named on the command line nor confirmed, or its recorded path "
                              "lies outside its source: not read again")
