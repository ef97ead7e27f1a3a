"""Detail codes: every sentence leakscan writes itself into a detail (a skipped entry's ``detail``, a file's
``status_detail``, a volume's ``detail``), as a code with its parameters.

A ``Detail`` member is a code and its English sentence, a template with named parameters:
``Detail.MIXED_ENCODINGS`` is ``mixed encodings: {encodings:list}, line by line``. Code writes a detail with
:func:`say` (``say(Detail.MIXED_ENCODINGS, encodings=["cp932", "utf-8"])`` -> ``mixed encodings: cp932 +
utf-8, line by line``), so the English text of findings.json stays what it was, and :func:`read_details` turns
any detail text back into its codes (``[{"code": "mixed-encodings", "encodings": ["cp932", "utf-8"]}]``): the
one way back, for details joined with "; ", details that crossed a worker process or the resume state, and
details of cases written before the codes existed. findings.json records the codes beside the text
(``detail_codes``, ``status_detail_codes``); the reports label each code in the reader's language
(reports/labels.py: ``detail_<code>``) and show a library's own message (third-party exception text, kept
verbatim for the examiner) after it, quoted. A part no code explains is shown quoted after the reason's own
explanation.

Parameters are typed by their template: ``{n:d}`` a whole number (a count, a cap), ``{x:list}`` short
words joined with " + ", ``{x:word}`` one short technical word (a format, an encoding), ``{x:exc}`` an
exception's type, ``{x:name}`` the name of a volume or layer in an image (a path the report shows anyway),
``{x:lib}`` a library's message (verbatim, quoted in reports), ``{x:detail}`` another detail (read again).
Numbers, words and types are checked when a detail is said, so no personal value (a name, an address) can
enter one as such a parameter.
A bottom-floor module: it imports only the codes.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from typing import Any

from .codes import Code

log = logging.getLogger("leakscan")

SEP = "; "
MAX_RUN = 64  # the most parts one code takes (a nested detail): reading a detail back stays linear
_SLOT = re.compile(r"\{(\w+)(?::(d|list|word|exc|name|lib|detail))?\}")
_WORD = re.compile(r"[A-Za-z0-9.][A-Za-z0-9 ,._+()/#$~=-]{0,80}")  # ASCII only: no kana, no kanji, never a cell
_EXC = re.compile(r"[A-Za-z_]\w*(?:\.\w+)*")  # an exception's type: BadZipFile, LZMAError, zlib.error
_KIND_PATTERN = {"d": r"-?\d+", "exc": _EXC.pattern, "list": r"[^;]+?", "name": r"[^;\n]*?", "word": r"[^;:]+?", "lib": r"(?:(?!; ).)+",
                 "detail": r".+"}


class Detail(Code):
    """A sentence leakscan writes into a detail; ``meaning`` is its English template."""

    # -- sizes and caps
    BYTES_OVER_CAP = "bytes-over-cap", "{size:d} bytes > cap {cap:d}"
    KIND_BYTES_OVER_CAP = "kind-bytes-over-cap", "{kind:word}: {size:d} bytes > cap {cap:d}"
    # -- what a file is not
    SPECIAL_NOT_READ = "special-not-read", "{kind:word}: not read"
    DEVICE_NOT_READ = "device-not-read", "device, pipe or socket: not read"
    CPIO_SPECIAL_NOT_READ = "cpio-special-not-read", "cpio device, fifo or socket: not read"
    NOT_A_DISK_IMAGE = "not-a-disk-image", ("named like a disk image but not recognised as one (no partition table or "
                                            "file system leakscan can read): its volumes were not walked; only the file "
                                            "itself was checked")
    # -- folders that could not be listed (scanner.completeness finds them by their "directory" start)
    DIRECTORY = "directory", "directory: {library:lib}"
    DIRECTORY_LISTING = "directory-listing", "directory listing: {library:lib}"
    DIRECTORY_NOT_READABLE = "directory-not-readable", "directory not readable: {library:lib}"
    SYSTEM_FOLDER_EXPECTED = "system-folder-expected", "system folder not readable (expected): {why:detail}"
    DIRECTORY_NOT_LISTED = "directory-not-listed", "directory not listed: {library:lib}"
    # -- tables: containers and formats (tables.unreadable_reason)
    ZIP_CORRUPT = "zip-corrupt", "damaged zip container"
    OLE_CORRUPT = "ole-corrupt", "damaged OLE2 container"
    OOXML_NO_WORKBOOK = "ooxml-no-workbook", "OOXML worksheet parts without a workbook part: sheets not read"
    OLE_OTHER = "ole-other", "OLE2 file without a workbook stream"
    ZIP_OTHER = "zip-other", "zip file that is not a workbook"
    BINARY = "binary", "binary content that is not a known workbook format"
    XML_OTHER = "xml-other", "XML that is not an Excel 2003 XML Spreadsheet"
    SHEETS_MISSING = "sheets-missing", "{reader:word}: {n:d} sheet(s) missing or unreadable"
    NO_SHEET_READ = "no-sheet-read", "{reader:word}: no sheet(s) missing or unreadable"
    PASSWORD_WORKBOOK = "password-workbook", "password-protected workbook ({inner:detail})"
    BIFF5_READER = "biff5-reader", "read by leakscan's BIFF5 reader"
    NUMBERED_REFS = "numbered-refs", "cell references given as column numbers, read as A1 references"
    READER_FAILED = "reader-failed", "{reader:word}: {error:exc}"
    # -- tables: rows and encodings
    MIXED_ENCODINGS = "mixed-encodings", "mixed encodings: {encodings:list}, line by line"
    ROWS_UNREADABLE = "rows-unreadable", ("{n:d} rows unreadable (mostly U+FFFD or '?': their text was lost to a wrong "
                                          "decoding before this copy, or no encoding explains their bytes)")
    DECODING = "decoding", "decoding: {note:lib}"
    CELLS_OUTSIDE = "cells-outside", "{n:d} cell(s) placed past the sheet's last row or column (damaged): not read"
    # -- damaged workbooks rebuilt from what is left
    SALVAGED_ZIP = "salvaged-zip", ("workbook rebuilt from its zip's local headers: {cut:d} part(s) cut after their last "
                                    "complete row, {lost:d} part(s) lost")
    EMBEDDED_NOT_EXAMINED = "embedded-not-examined", "embedded objects not examined: {inner:detail}"
    ZIP_DIRECTORY_UNREADABLE = "zip-directory-unreadable", "zip: central directory unreadable ({library:lib})"
    LOCAL_HEADERS = "local-headers", "members read from their local headers"
    # -- nesting
    INSIDE_ARCHIVES = "inside-archives", "inside {depth:d} archives; not opened (--archive-depth {limit:d})"
    INSIDE_CONTAINERS = "inside-containers", "inside {depth:d} containers; not opened (--archive-depth {limit:d})"
    INSIDE_ARCHIVES_OBJECTS = "inside-archives-objects", "inside {depth:d} archives (--archive-depth {limit:d})"
    # -- member names that would escape their folder (archive_members.unsafe_member_name)
    UNSAFE_NUL = "unsafe-nul", "{kind:word} member name holds a NUL character; never extracted, read in memory"
    UNSAFE_ABSOLUTE = "unsafe-absolute", "{kind:word} member name is an absolute path; never extracted, read in memory"
    UNSAFE_DRIVE = "unsafe-drive", ("{kind:word} member name starts with a drive letter; never extracted, read in "
                                    "memory")
    UNSAFE_PARENT = "unsafe-parent", "{kind:word} member name climbs out of its folder (..); never extracted, read in memory"
    # -- encryption
    PROTECTED_FORMAT = "protected-format", "password-protected {format:word} ({marker:lib})"
    PROTECTED_WORKBOOK = "protected-workbook", "password-protected workbook: {why:detail}"
    NO_PASSWORD_FILE = "no-password-file", "no --password-file given"
    PASSWORD_NEEDED = "password-needed", "password needed"
    PASSWORDS_NONE_OPEN = "passwords-none-open", "none of the {n:d} passwords of --password-file opens it"
    ENCRYPTION_NOT_OPENED = "encryption-not-opened", ("this kind of encryption cannot be opened here (passwords not "
                                                      "tried)")
    DECRYPT_FAILED = "decrypt-failed", "msoffcrypto-tool {error:exc}"
    MEMBERS_ENCRYPTED = "members-encrypted", "{format:word}: members encrypted: {why:detail}"
    MEMBER_ENCRYPTED = "member-encrypted", "{format:word} member encrypted: {why:detail}"
    HEADER_ENCRYPTED = "header-encrypted", "header encrypted, member names unreadable: {why:detail}"
    ZIP_MEMBERS_ENCRYPTED = "zip-members-encrypted", "zip: {left:d} of {n:d} members encrypted"
    ZIP_MEMBERS_ENCRYPTED_SOME_OPENED = "zip-members-encrypted-some-opened", ("zip: {left:d} of {n:d} members encrypted "
                                                                              "({opened:d} opened with --password-file)")
    # -- layers of a disk image (sources.image_layers): the library's message kept
    NESTED_TOO_DEEP = "nested-too-deep", "volumes nested more than {n:d} deep; not followed"
    LAYER_DATA_UNREADABLE = "layer-data-unreadable", "the data of this layer cannot be read: {library:lib}"
    LAYER_UNREADABLE = "layer-unreadable", "{layer:word} not readable: {library:lib}"
    LVM_VOLUME_UNOPENED = "lvm-volume-unopened", ("logical volume {n:d} of the volume group cannot be opened (a physical "
                                                  "volume it lies on is not in this image?): libvslvm: {library:lib}")
    VSS_UNREADABLE = "vss-unreadable", "Volume Shadow Copies present but not readable: {library:lib}"
    VSS_ELSEWHERE = "vss-elsewhere", ("{name:name}: this shadow copy keeps its data on another volume (not in this "
                                      "image); its files cannot be read")
    VSS_STORE_UNREADABLE = "vss-store-unreadable", "{name:name}: shadow copy store not readable: {library:lib}"
    APFS_EMPTY = "apfs-empty", "APFS container holds no volume"
    APFS_VOLUME_UNREADABLE = "apfs-volume-unreadable", "{name:name}: APFS volume not readable: {library:lib}"
    APFS_LOCKED = "apfs-locked", "{name:name}: encrypted APFS volume; {why:detail}; not examined"
    VOLUME_UNOPENED = "volume-unopened", "{label:word} volume that {reader:word} cannot open: {library:lib}; not examined"
    VOLUME_LOCKED = "volume-locked", "{label:word} encrypted volume; {why:detail}; not examined"
    KEY_NOT_UNLOCKING = "key-not-unlocking", "the key given does not unlock it"
    NEEDS_LUKS_KEY = "needs-luks-key", "needs a LUKS passphrase (--luks-passphrase)"
    NEEDS_BITLOCKER_KEY = "needs-bitlocker-key", ("needs a BitLocker recovery key or password (--bitlocker-recovery-key), "
                                                  "or its startup key file (--bitlocker-startup-key FILE.BEK)")
    NEEDS_APFS_KEY = "needs-apfs-key", ("needs the volume's password or its personal recovery key (FileVault; "
                                        "--apfs-password)")
    NEEDS_CS_KEY = "needs-cs-key", "needs the Core Storage password; leakscan does not take it"
    # -- a file system a disk image's layer does not open (sources.image._no_fs_detail): The Sleuth Kit's reason kept
    TRUNCATED_START = "truncated-start", ("{name:name}: starts at byte {offset:d}, past the end of the image ({size:d} "
                                          "bytes): truncated image")
    TRUNCATED_END = "truncated-end", ("{name:name}: runs past the end of the image: {inside:d} of its {size:d} bytes "
                                      "are in the image (truncated image)")
    DFVFS_SAW = "dfvfs-saw", "{name:name}: dfvfs saw {fs:word}"
    NO_FS_RECOGNISED = "no-fs-recognised", "{name:name}: no file system recognised"
    SUPERBLOCK_UNOPENED = "superblock-unopened", ("{name:name}: an {fs:word} at its start ({size:d} bytes), but no library "
                                                  "here opens it (damaged or cut short?)")
    LVM_REFUSED = "lvm-refused", ("{name:name}: an LVM physical volume, but libvslvm cannot open its volume group: "
                                  "{library:lib}")
    TSK_SAYS = "tsk-says", "The Sleuth Kit: {library:lib}"
    # -- a SOURCE disk image cut short, changed or empty (sources.image)
    TRUNCATED_TABLE = "truncated-table", ("truncated image: its partition table describes {end:d} bytes, the image holds {size:d}; partitions "
                                      "(or parts of them) past its end are not examined, and logical partitions whose boot record lay "
                                      "there are not listed")
    TRUNCATED_FS = "truncated-fs", ("truncated image: its {what:word} describes {described:d} bytes, the image holds {held:d}; files, "
                                "folders and deleted files stored in the part cut off are not examined")
    IMAGE_CHANGED = "image-changed", "the image file changed during the scan: {changed:lib}"
    FS_WALK_STOPPED = "fs-walk-stopped", "{name:lib}: walk stopped ({library:lib})"
    FS_LISTS_NOTHING = "fs-lists-nothing", ("{name:lib}: the file system lists no file at all; it may be empty or its directories damaged "
                                        "(check the image with --verify-images)")
    # -- a disk image inside a source (inspectors.image)
    IMAGE_NOT_OPENED = "image-not-opened", "disk image ({kind:word}): {library:lib}"
    IMAGE_TOO_DEEP = "image-too-deep", "disk image ({kind:word}) inside {n:d} images: not opened; scan it as a SOURCE"
    IMAGE_OVER_CAP = "image-over-cap", ("disk image ({kind:word}) of {size:d} bytes inside {container:word} over "
                                        "--max-inspect-mb ({cap:d} bytes): its volumes were not walked; copy it out and "
                                        "scan it as a SOURCE")
    LATER_SEGMENT = "later-segment", ("a later segment of an image set whose first segment ({first:lib}) is not beside "
                                      "it: not walked")
    FLAT_EXTENT_CUT = "flat-extent-cut", ("extent file cut short: {name:name} holds {actual:d} bytes where the descriptor "
                                          "says {size:d}; the disk after it (bytes {at:d} onwards: {after:name}) cannot be "
                                          "read, so the partitions and files there are not examined")
    # -- worker processes (scanner.pool): what the worker was doing is a short technical phrase
    WORKER_HUNG = "worker-hung", "no progress for {seconds:word} s {doing:name}; worker stopped"
    WORKER_HUNG_GAVE_UP = "worker-hung-gave-up", ("no progress for {seconds:word} s {doing:name}; worker stopped (gave up "
                                                  "after {n:d} workers)")
    WORKER_DIED = "worker-died", ("worker process died ({how:name}) {doing:name}: damaged data, or the worker memory cap "
                                  "of {gib:d} GiB reached")
    WORKER_DIED_GAVE_UP = "worker-died-gave-up", ("worker process died ({how:name}) {doing:name}: damaged data, or the "
                                                  "worker memory cap of {gib:d} GiB reached (gave up after {n:d} workers)")
    WORKER_UNREACHABLE = "worker-unreachable", "worker process unreachable ({error:exc})"
    WORKER_INTERNAL_ERROR = "worker-internal-error", "internal error in the worker: {library:lib}"
    # -- the walk of a SOURCE disk image (scanner.image_walker)
    WALK_STOPPED_AFTER = "walk-stopped-after", ("{where:name}: walk stopped after {n:d} entries listed; the rest of "
                                                "{rest:name} was not examined: {why:lib}")
    WALKER_STOPS = "walker-stops", ("the image walker stopped {n:d} time(s) in this file system; each time the directory "
                                    "or file it was on is listed as walk-stopped and the walk went on")
    # -- caps and time limits of table readers (tables, sheet, isolation)
    INFLATES_OVER_CAP = "inflates-over-cap", "inflates to {size:d} bytes > cap {cap:d}"
    CELLS_REACH_CELL = "cells-reach-cell", "cells reach {n:d} cells (first to last cell) > cap {cap:d}"
    CELLS_REACH_REFERENCE = "cells-reach-reference", "cells reach {n:d} cells (first to last reference) > cap {cap:d}"
    CELLS_REACH_MAX = "cells-reach-max", "cells reach {n:d} cells (> {cap:d}, --max-cells)"
    DECLARED_SIZE_OVER = "declared-size-over", "declared sheet size {n:d} cells > cap {cap:d}"
    SHEET_OVER_CELLS = "sheet-over-cells", "a sheet has more than {n:d} cells (--max-cells)"
    PARSE_TOOK_LONGER = "parse-took-longer", "parsing took longer than {seconds:word} s"
    PARSER_STOPPED = "parser-stopped", "parsing took longer than {seconds:word} s; parser stopped"
    PARSER_FAILED = "parser-failed", "parser process failed ({how:name})"
    PARSER_DIED = "parser-died", "parser process died ({how:name}); damaged file or memory cap {gib:d} GiB reached"
    # -- damaged containers of tables
    ZIP_ANOTHER_PACKAGE = "zip-another-package", "zip: another zip package before or after this one's members"
    ZIP_DEFLATE_DAMAGED = "zip-deflate-damaged", "zip: damaged deflate stream (zlib.error)"
    XLS_CHAIN_LOOPS = "xls-chain-loops", "xls: an OLE2 sector chain loops or leaves the file"
    XLS_DIMENSIONS_BAD = "xls-dimensions-bad", "xls: a DIMENSIONS record ends before it starts"
    # -- what a read table held (inspectors.spreadsheet._outcome)
    NO_RECORDS_DECODED = "no-records-decoded", "no person records in what could be decoded"
    NO_TABLE_DECODED = "no-table-decoded", "no table in what could be decoded"
    MARKUP_NO_TABLE = "markup-no-table", "{format:word} without any <table>"
    MARKUP_NO_WORKSHEET = "markup-no-worksheet", "{format:word} without any worksheet"
    TEXT_UNDELIMITED = "text-undelimited", "text without delimited rows, named {ext:name}"
    PARTIALLY_EXAMINED = "partially-examined", "partially examined: {what:lib}"
    APPLEDOUBLE = "appledouble", "AppleDouble companion (a Mac's Finder info, resource fork, attributes): no table"
    # -- archives leakscan does not read, or reads in part (inspectors.archive, archive_members.SplitPart)
    OLE_NO_HEADER = "ole-no-header", "embedded OLE object without a compound-file header"
    NOT_AN_ARCHIVE = "not-an-archive", "not a zip, 7z, tar, cpio or compressed file leakscan can read"
    ARCHIVE_NO_LIBRARY = "archive-no-library", ("{format:word} archive or compressed data: no installed library reads it; its content was not "
                                          "examined")
    ARCHIVE_MEMBERS_NOT_EXAMINED = "archive-members-not-examined", "{ext:lib} archive: members not examined"
    SFX_NO_LIBRARY = "sfx-no-library", ("self-extracting {format:word} archive: no installed library reads it; its content was not "
                                  "examined")
    ARCHIVE_LISTING_STOPPED = "archive-listing-stopped", "{format:word}: listing stopped: {why:detail}"
    SPANNED_LAST = "spanned-last", ("the last of the {n:d} parts of a spanned zip ({parts:lib} hold the rest): the members stored whole "
                                "in this part were examined; the rest were not; join them (zip -s 0 {name:lib} --out whole.zip, "
                                "or 7-Zip) and scan the result")
    SPLIT_PART = "split-part", ("part {n:d} of a {kind:word} ({whole:lib}): leakscan does not join the parts of an archive; {seen:detail}; "
                            "join them ({how:lib}) and scan the result")
    SPLIT_SERIES_INCOMPLETE = "split-series-incomplete", ("part {n:d} of a {kind:word} ({whole:lib}) whose parts are not all here "
                                                      "({problem:lib}): not joined; {seen:detail}; find the missing parts, "
                                                      "put them beside the others and scan again")
    SPLIT_SOME_EXAMINED = "split-some-examined", "the members stored whole in this part were examined; the rest were not"
    SPLIT_NOT_EXAMINED = "split-not-examined", "its content was not examined"
    # -- a folder SOURCE's walk (sources.local): what changed under it while it was scanned
    NOT_REGULAR_WHEN_OPENED = "not-regular-when-opened", "not a regular file when opened"
    NOT_INSIDE_SOURCE = "not-inside-source", "not a path inside the source"
    FILE_DISAPPEARED = "file-disappeared", "file disappeared during the scan"
    SOURCE_FOLDER_GONE = "source-folder-gone", "the source folder is gone"
    FOLDER_DISAPPEARED = "folder-disappeared", "folder disappeared during the scan"
    FOLDER_REPLACED = "folder-replaced", "folder replaced during the scan ({library:lib}); not followed"
    FOLDER_REPLACED_ON_PATH = "folder-replaced-on-path", ("folder replaced during the scan (a symbolic link or another folder on "
                                                          "its path); not followed")
    DIRECTORY_REPLACED = "directory-replaced", ("directory replaced during the scan (by a symbolic link, or a folder on"
                                                " its path was); not followed")
    BECAME_SYMLINK = "became-symlink", "became a symbolic link during the scan"
    FILE_DISAPPEARED_PATH_GONE = "file-disappeared-path-gone", "file disappeared (a folder on its path is gone)"
    PATH_NOW_LINK = "path-now-link", "a folder on its path is now a symbolic link or a file: not followed"
    DIRECTORY_DISAPPEARED = "directory-disappeared", "directory disappeared during the scan"
    DIRECTORY_WALKED = "directory-walked", "directory already walked (bind mount or loop)"
    DISAPPEARED = "disappeared", "disappeared during the scan"
    # -- text tables and zip members cut or zeroed (tables.text_damage, archive_formats local headers)
    TEXT_CUT_IN_ROW = "text-cut-in-row", ("the text ends inside a row ({last:d} of {cells:d} cells, no line end): the file is cut; rows after "
                                      "it are lost")
    NUL_BLOCK = "nul-block", ("a block of {n:d} NUL bytes inside the text at byte {at:d} (zeroed or lost on disk): whatever it "
                          "held is lost")
    ZIP_MEMBER_LOCAL_CUT = "zip-member-local-cut", "zip member read from its local header: {why:detail}; only the bytes before were read"
    MEMBER_CUT_AFTER = "member-cut-after", "cut after {n:d} of {size:d} bytes"
    CRC_MISMATCH = "crc-mismatch", "CRC mismatch"
    DATA_CUT = "data-cut", "its data is cut"
    DEFLATE_DAMAGED = "deflate-damaged", "deflate data damaged ({library:lib})"
    # -- archive members (archive_members.error_reason): the library's message kept
    OUT_OF_MEMORY_INFLATING = "out-of-memory-inflating", "out of memory while inflating"
    OUT_OF_MEMORY_PARSING = "out-of-memory-parsing", "out of memory while parsing"
    LIBRARY_ERROR = "library-error", "{error:exc}: {library:lib}"


_ORDER: tuple[Detail, ...] = ()


@cache
def _pattern(code: Detail) -> tuple[re.Pattern[str], dict[str, str]]:
    """The regular expression that reads ``code``'s template back, and its slots' kinds."""
    kinds = {m.group(1): m.group(2) or "word" for m in _SLOT.finditer(code.meaning)}
    return re.compile(_pattern_text(code.meaning), re.DOTALL), kinds


def _pattern_text(template: str) -> str:
    out, at = [], 0
    for m in _SLOT.finditer(template):
        out.append(re.escape(template[at:m.start()]))
        out.append(f"(?P<{m.group(1)}>{_KIND_PATTERN[m.group(2) or 'word']})")
        at = m.end()
    out.append(re.escape(template[at:]))
    return "".join(out)


def params_of(code: Detail) -> dict[str, str]:
    """The parameters of a code and their kinds (``{"n": "d"}``)."""
    return dict(_pattern(code)[1])


def _checked(kind: str, value: object) -> str | None:
    """``value`` as its slot's text, or None when it is not of the slot's kind (never written then)."""
    if kind == "d":
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else None
    if kind == "list":
        if not isinstance(value, list | tuple):
            return None
        words = list(value)
        ok = words and all(isinstance(w, str) and _WORD.fullmatch(w) and " + " not in w for w in words)
        return " + ".join(words) if ok else None
    if not isinstance(value, str):
        return None
    if kind == "word" and not _WORD.fullmatch(value):
        return None
    if kind == "exc" and not _EXC.fullmatch(value):
        return None
    if kind == "name" and (SEP in value or "\n" in value):
        return None
    return value


def say(code: Detail, **params: object) -> str:
    """The English text of ``code`` with its parameters (checked: counts, short ASCII words, library text).

    Total, since it runs while a file's failure is being recorded: a value not of its slot's kind (it could be a
    cell's text) or a missing one is written as ``?`` and logged without the value; it never raises."""
    kinds = params_of(code)
    filled: dict[str, str] = {}
    for name, kind in kinds.items():
        text = _checked(kind, params[name]) if name in params else None
        if text is None:
            log.debug("detail %s: parameter %s %s; written as ?", code.value, name,
                      "absent" if name not in params else "refused (its value is not written)")
            text = "?"
        filled[name] = text
    for name in set(params) - set(kinds):
        log.debug("detail %s: unknown parameter %s ignored", code.value, name)
    plain = _SLOT.sub(lambda m: "{" + m.group(1) + "}", code.meaning)
    return plain.format_map(filled)


def _value(kind: str, text: str) -> Any:
    if kind == "d":
        return int(text)
    if kind == "list":
        return text.split(" + ")
    if kind == "detail":
        return read_details(text)
    return text


def _specific_first() -> tuple[Detail, ...]:
    global _ORDER
    if not _ORDER:  # the most literal text first: "device, pipe or socket: not read" before "{kind}: not read"
        _ORDER = tuple(sorted(Detail, key=lambda c: -len(_SLOT.sub("", c.meaning))))
    return _ORDER


@cache
def _spanning() -> tuple[tuple[Detail, re.Pattern[str]], ...]:
    """The codes whose text may span parts ("; " in their sentence, or another detail in it), each with the
    pattern of its head (its sentence up to the first "; " or nested detail) that the run's first part starts with:
    only those codes can say a run of parts, so a run is tried only where one of them starts."""
    out = []
    for code in _specific_first():
        nested = re.search(r"\{\w+:detail\}", code.meaning)
        ends = [i for i in (code.meaning.find(SEP), nested.start() if nested else -1) if i >= 0]
        if ends:
            out.append((code, re.compile(_pattern_text(code.meaning[:min(ends)]), re.DOTALL)))
    return tuple(out)


def read_part(text: str, codes: tuple[Detail, ...] | None = None) -> dict[str, Any]:
    """One part of a detail as its code and parameters, or ``{"text": text}`` when no code says it."""
    for code in codes if codes is not None else _specific_first():
        pattern, kinds = _pattern(code)
        m = pattern.fullmatch(text)
        if m is not None:
            return {"code": code.value, **{k: _value(kinds[k], v) for k, v in m.groupdict().items()}}
    return {"text": text}


def read_details(text: str) -> list[dict[str, Any]]:
    """A detail text as the codes it is made of, in order; parts no code says are ``{"text": ...}``. Parts are
    joined by "; "; a code whose own sentence holds "; ", or that takes another detail (``{inner:detail}``),
    takes the longest run of parts it says."""
    out: list[dict[str, Any]] = []
    parts = text.split(SEP) if text else []
    i = 0
    while i < len(parts):
        spanning = tuple(code for code, head in _spanning() if head.match(parts[i]))
        for j in range(min(len(parts), i + MAX_RUN) if spanning else i + 1, i, -1):
            item = read_part(SEP.join(parts[i:j]), spanning if j > i + 1 else None)
            if "code" in item or j == i + 1:
                out.append(item)
                i = j
                break
    return out


def has_codes(text: str) -> bool:
    """Whether every part of a detail text is said by a code (none left as bare text)."""
    def coded(items: list[dict[str, Any]]) -> bool:
        return all("code" in d and all(coded(v) for v in d.values() if isinstance(v, list) and v
                                       and isinstance(v[0], dict)) for d in items)
    return coded(read_details(text))
