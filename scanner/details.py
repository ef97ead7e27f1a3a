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
``{x:mail}`` a kind of mail file (eml, msg, mbox, pst ...), ``{x:archive}`` an archive format leakscan opens
(zip, 7z, tar, compressed, cpio), ``{x:lib}`` a library's message (verbatim, quoted in reports), ``{x:detail}`` another detail (read again).
Numbers, words and types are checked when a detail is said, so no personal value (a name, an address) can
enter one as such a parameter.
A bottom-floor module: it imports only the codes.
"""

from __future__ import annotations

import errno
import json
import logging
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from .codes import Code

log = logging.getLogger("leakscan")

SEP = "; "
MAX_RUN = 64  # the most parts one code takes (a nested detail): reading a detail back stays linear
_SLOT = re.compile(r"\{(\w+)(?::(d|list|word|exc|name|lib|detail|mail|archive))?\}")
_WORD = re.compile(r"[A-Za-z0-9.][A-Za-z0-9 ,._+()/#$~=-]{0,80}")  # ASCII only: no kana, no kanji, never a cell
_EXC = re.compile(r"[A-Za-z_]\w*(?:\.\w+)*")  # an exception's type: BadZipFile, LZMAError, zlib.error
_KIND_PATTERN = {"d": r"-?\d+", "exc": _EXC.pattern, "list": r"[^;]+?", "name": r"[^;\n]*?", "word": r"[^;:]+?", "lib": r"(?:(?!; ).)+",
                 "detail": r".+", "mail": r"(?:eml|emlx|msg|mbox|pst|ost|pab|dbx|tnef|olm)",
                 "archive": r"(?:zip|7z|tar|compressed|cpio)"}
MAIL_KINDS = frozenset({"eml", "emlx", "msg", "mbox", "pst", "ost", "pab", "dbx", "tnef", "olm"})
ARCHIVE_KINDS = frozenset({"zip", "7z", "tar", "compressed", "cpio"})  # inspectors.archive_formats.OPENERS


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
    UDIF_TRAILER_MISSING = "udif-trailer-missing", ("macOS disk image (.dmg) whose trailer is missing (its last 512 "
                                                    "bytes, the koly block, hold the only map of its compressed "
                                                    "chunks): cut short or damaged? its volumes are not examined; "
                                                    "scan a whole copy")
    DMG_UNRECOGNISED = "dmg-unrecognised", ("named .dmg but holds no macOS disk image structure: no trailer (koly), "
                                            "and its first bytes are no UDIF chunk (zlib, bzip2, LZFSE, xz or ADC) "
                                            "nor anything else leakscan recognises (random, wiped or encrypted "
                                            "bytes?): its volumes were not walked; only the file itself was checked")
    # -- folders that could not be listed (scanner.completeness and system_folders: FOLDER_NOT_LISTED, by code)
    DIRECTORY = "directory", "directory: {library:lib}"
    DIRECTORY_LISTING = "directory-listing", "directory listing: {library:lib}"
    DIRECTORY_NOT_READABLE = "directory-not-readable", "directory not readable: {library:lib}"
    SYSTEM_FOLDER_EXPECTED = "system-folder-expected", "system folder not readable (expected): {why:detail}"
    DIRECTORY_NOT_LISTED = "directory-not-listed", "directory not listed: {why:detail}"
    # a folder the OS refused (its errno said in the reader's words: EACCES) or an SMB server refused (its NT
    # status: STATUS_ACCESS_DENIED); ``directory`` with the bare text before Session 13 (jawords13)
    DIRECTORY_OS_ERROR = "directory-os-error", "directory: OS error {errno:word}: {library:lib}"
    DIRECTORY_NT_STATUS = "directory-nt-status", "directory: NT status {nt:word}"
    # -- tables: containers and formats (tables.unreadable_reason)
    ZIP_CORRUPT = "zip-corrupt", "damaged zip container"
    OLE_CORRUPT = "ole-corrupt", "damaged OLE2 container"
    OOXML_NO_WORKBOOK = "ooxml-no-workbook", "OOXML worksheet parts without a workbook part: sheets not read"
    OLE_OTHER = "ole-other", "OLE2 file without a workbook stream"
    ZIP_OTHER = "zip-other", "zip file that is not a workbook"
    BINARY = "binary", "binary content that is not a known workbook format"
    SIGNATURE_RESTORED = "signature-restored", ("{format:word} signature damaged ({n:d} of its first 8 bytes): read "
                                                "with it restored")
    SIGNATURE_NOT_RESTORED = "signature-not-restored", ("{format:word} signature damaged ({n:d} of its first 8 bytes): "
                                                        "not readable with it restored either")
    HEAD_RESTORED = "head-restored", ("{format:word} signature damaged ({n:d} of its first {size:d} bytes): read with "
                                      "it restored")
    HEAD_ZEROED = "head-zeroed", ("its first {n:d} bytes are zero (zeroed on disk): read as the {format:word} the rest "
                                  "of it is, its first part lost")
    DATA_BEFORE_ZIP = "data-before-zip", ("{n:d} bytes before its zip (a header or a stub saved with it, or a bad "
                                          "copy): read as the zip that follows them")
    DOCUMENT_ZEROED = "document-zeroed", ("its first {n:d} bytes are zero (zeroed on disk) and no zip directory "
                                          "follows them: nothing of the document is left to read")
    WORKBOOK_ZEROED = "workbook-zeroed", ("its first {n:d} of {size:d} bytes are zero (zeroed on disk): the workbook's "
                                          "header is lost and nothing after it could be read")
    XML_OTHER = "xml-other", "XML that is not an Excel 2003 XML Spreadsheet and holds no records"
    SHEETS_MISSING = "sheets-missing", "{reader:word}: {n:d} sheet(s) missing or unreadable"
    NO_SHEET_READ = "no-sheet-read", "{reader:word}: no sheet(s) missing or unreadable"
    PASSWORD_WORKBOOK = "password-workbook", "password-protected workbook ({inner:detail})"
    BIFF5_READER = "biff5-reader", "read by leakscan's BIFF5 reader"
    NUMBERED_REFS = "numbered-refs", "cell references given as column numbers, read as A1 references"
    LINE_MERGES = "line-merges", ("{n:d} merged range(s) of whole columns or rows (A:A, 1:1), which calamine and "
                                  "openpyxl refuse, left out: the cells read as stored")
    MERGE_REFS_ODD = "merge-refs-odd", ("{n:d} merged range(s) whose reference calamine and openpyxl refuse (empty, a "
                                        "part missing, two ranges), left out: the cells read as stored")
    MERGE_REFS_PLAIN = "merge-refs-plain", ("{n:d} merged range(s) written with $ or spaces, which calamine refuses, "
                                            "read as plain references")
    XLS_SST_EMPTY_CONTINUE = "xls-sst-empty-continue", ("{n:d} empty CONTINUE record(s) in the shared strings, on which "
                                                        "calamine stops: read without them")
    SHEET_STATE = "sheet-state", ("{n:d} sheet(s) whose visibility is no word of the schema (such as show), which "
                                  "calamine and openpyxl refuse: read as visible")
    TARGETS_FROM_ROOT = "sheet-targets-rooted", ("{n:d} target(s) of the workbook's relationships written from the "
                                                 "package root, not the workbook's folder, which calamine and openpyxl "
                                                 "do not find: read from the root")
    READER_FAILED = "reader-failed", "{reader:word}: {error:exc}"
    # -- tables: rows and encodings
    MIXED_ENCODINGS = "mixed-encodings", "mixed encodings: {encodings:list}, line by line"
    ROWS_UNREADABLE = "rows-unreadable", ("{n:d} rows unreadable (mostly U+FFFD or '?': their text was lost to a wrong "
                                          "decoding before this copy, or no encoding explains their bytes)")
    DECODING = "decoding", "decoding: {note:detail}"
    MARKUP_HEAD_LOST = "markup-head-lost", ("HTML table rows in a text that does not start as markup (its head lost or "
                                            "moved: damaged): read as HTML")
    HTML_IN_CELLS = "html-in-cells", "HTML table rows inside the cells of a delimited text (an export holding markup): read as HTML"
    NUL_WIDENED = "nul-widened", ("8-bit text widened byte by byte with NULs ({n:d} bytes; read as Latin-1 and saved as "
                                  "UTF-16 by some tool): read narrowed back")
    READ_ON_CAPPED = "read-on-capped", ("a header-less table's names were read on past its sample for the sheet's "
                                        "{n:d} rows at most: the rest decided by the rows read (staff at their "
                                        "workplaces may be counted as living there)")
    NARROW_HELD_CAPPED = "narrow-held-capped", ("narrower tables between a wide table's rows: past the sheet's {n:d} "
                                                "rows of them, the rest read in the wide table's columns (no record)")
    LONE_ROW_ALONE = "lone-row-alone", ("{n:d} lone row(s) holding a person's name and address beside a table that "
                                        "gave no person record (too few for a table of their own): not counted")
    CELLS_OUTSIDE = "cells-outside", "{n:d} cell(s) placed past the sheet's last row or column (damaged): not read"
    # -- damaged workbooks rebuilt from what is left
    SALVAGED_ZIP = "salvaged-zip", ("workbook rebuilt from its zip's local headers: {cut:d} part(s) cut after their last "
                                    "complete row, {lost:d} part(s) lost")
    SALVAGED_ROWS = "salvaged-rows", "{part:word}: {n:d} complete row(s) read up to the damage, the rest lost"
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
    PROTECTED_DOCUMENT = "protected-document", "password-protected document: {why:detail}"
    PROTECTED_PRESENTATION = "protected-presentation", "password-protected presentation: {why:detail}"
    PROTECTED_OFFICE_FILE = "protected-office-file", ("password-protected Office file (a workbook, a document or a "
                                                      "presentation: its encryption hides which): {why:detail}")
    DECRYPT_NOT_STARTED = "decrypt-not-started", ("its encryption header reads, but msoffcrypto-tool cannot start "
                                                  "decrypting it ({error:exc}; passwords not tried)")
    NO_PASSWORD_FILE = "no-password-file", "no --password-file given"
    PASSWORD_NEEDED = "password-needed", "password needed"
    PASSWORDS_NONE_OPEN = "passwords-none-open", "none of the {n:d} passwords of --password-file opens it"
    ENCRYPTION_NOT_OPENED = "encryption-not-opened", ("this kind of encryption cannot be opened here (passwords not "
                                                      "tried)")
    DECRYPT_FAILED = "decrypt-failed", "msoffcrypto-tool {error:exc}"
    DEFAULT_PASSWORD_NOT_DECRYPTED = "default-password-not-decrypted", "Excel's default password (VelvetSweatshop) fits its verifier, but msoffcrypto-tool could not decrypt it ({error:exc})"
    PASSWORD_FITS_NOT_DECRYPTED = "password-fits-not-decrypted", "password entry {n:d} of --password-file fits its verifier, but msoffcrypto-tool could not decrypt it ({error:exc})"
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
    # -- an LVM logical volume not examined (sources.image_layers: the group read from its own metadata)
    LVM_GROUP_UNREAD = "lvm-group-unread", ("logical volume {n:d} of a volume group of {pvs:d} physical volumes is "
                                            "{why:lib}: libvslvm opens no such group and leakscan assembles no such "
                                            "volume, so it is not examined; activate the group read-only on Linux "
                                            "(losetup -r, vgchange -ay) and scan the volume")
    LVM_PV_NOT_IN_IMAGE = "lvm-pv-not-in-image", ("logical volume {n:d} lies on a physical volume that is not in this "
                                                  "image (a volume group spanning two disks, one imaged?): not examined")
    LVM_PV_PARTLY_NOT_IN_IMAGE = "lvm-pv-partly-not-in-image", (
        "logical volume {n:d} ({shape:word}) lies partly on a physical volume that is not in this image (a volume "
        "group spanning two disks, one imaged?): not examined")
    LVM_A_PV_UNREADABLE = "lvm-a-pv-unreadable", "a physical volume of logical volume {n:d} cannot be read: {library:lib}"
    LVM_GROUP_DAMAGED = "lvm-group-damaged", ("logical volume {n:d} of a volume group of {pvs:d} physical volumes is "
                                              "{why:lib}: it is not examined; activate the group read-only on Linux "
                                              "(losetup -r, vgchange -ay) and scan the volume")
    LVM_METADATA_REFUSED = "lvm-metadata-refused", ("logical volume {n:d} is not read as its metadata says: {why:word} "
                                                    "(metadata lvm2 does not write: damaged or edited by hand?), "
                                                    "so it is not examined; restore the group's metadata from a "
                                                    "backup (/etc/lvm/backup) and scan the volume")
    LVM_RUN_PAST_PV = "lvm-run-past-pv", ("logical volume {n:d} ({shape:word}) lies past the end of a physical volume "
                                          "(the metadata puts a run at byte {start:d} of a volume of {end:d}: damaged "
                                          "metadata?): not examined")
    LVM_ITS_PV_UNREADABLE = "lvm-its-pv-unreadable", "its physical volume cannot be read: {library:lib}"
    LVM_PAST_PV_END = "lvm-past-pv-end", ("logical volume {n:d} lies past the end of its physical volume (the metadata "
                                          "puts {size:d} bytes at byte {start:d} of a volume of {end:d}: damaged "
                                          "metadata?): not examined")
    LV_READ_FROM_COPY = "lv-read-from-copy", ("{kind:word} logical volume read from its first intact copy, "
                                              "{leg:name} (lvm{at:d}, copy {k:d} of {n:d}, {state:detail}); the "
                                              "other copies are walked as their own volumes; its "
                                              "raid metadata sub-volumes (dm-raid superblock and bitmap, no files) "
                                              "are not walked")
    LVM_RAID_UNREAD = "lvm-raid-unread", ("logical volume {n:d} is a {kind:word} logical volume ({shape:detail}), which "
                                          "libvslvm does not read and leakscan does not assemble: not examined; "
                                          "activate its volume group read-only on Linux with every disk it spans "
                                          "(losetup -r, vgchange -ay) and scan /dev/{volume:name}; libvslvm: {library:lib}")
    LVM_RAID_UNREAD_JOINED = "lvm-raid-unread-joined", (
        "logical volume {n:d} of a volume group of {pvs:d} physical volumes is a {kind:word} logical volume "
        "({shape:detail}), which libvslvm does not read and leakscan does not assemble: not examined; activate its "
        "volume group read-only on Linux with every disk it spans (losetup -r, vgchange -ay) and scan "
        "/dev/{volume:name}")
    LV_COPIES_SAME = "lv-copies-same", "its copies {legs:list} read the same over the {mib:d} MiB compared"
    LV_COPIES_DIFFER = "lv-copies-differ", ("its copies {leg:name} and {other:name} differ in {n:d} block(s) of 64 "
                                            "KiB of the {mib:d} MiB compared (the first at byte {at:d}): the files "
                                            "are read from the first, and the other is walked as its own volume")
    # the layout of a RAID logical volume (image_lvm.raid_shapes), inside lvm-raid-unread; layouts by md's names
    LVM_RAID_SHAPE_PARITY = "lvm-raid-shape-parity", ("{layout:word} parity, {devices:d} devices ({data:d} data + "
                                                      "{parity:d} parity per stripe), {stripe:d} KiB stripes, "
                                                      "{segments:d} segment(s)")
    LVM_RAID_SHAPE_COPIES = "lvm-raid-shape-copies", ("{devices:d} devices, {copies:d} copies of each stripe, "
                                                      "{stripe:d} KiB stripes, {segments:d} segment(s)")
    LVM_RAID_SHAPE_STRIPED = "lvm-raid-shape-striped", ("{devices:d} devices, no parity, {stripe:d} KiB stripes, "
                                                        "{segments:d} segment(s)")
    # the sync state of a raid1/mirror volume's copies, inside lv-read-from-copy
    LV_COPIES_SYNC_UNKNOWN = "lv-copies-sync-unknown", "sync state unknown, no dm-raid superblock"
    LV_COPIES_IN_SYNC = "lv-copies-in-sync", "in sync by its dm-raid superblocks"
    LV_COPIES_OUT_OF_SYNC = "lv-copies-out-of-sync", ("{n:d} copy or copies failed, stale or recovering by its "
                                                      "dm-raid superblocks")
    LV_COPIES_NOT_SYNCED = "lv-copies-not-synced", ("copies not yet made the same past byte {at:d} (a resync not "
                                                    "finished by its dm-raid superblocks, or 0: created --nosync), "
                                                    "so they may differ there by no fault and are compared before "
                                                    "it only")
    LVM_KIND_UNREAD = "lvm-kind-unread", ("logical volume {n:d} is a {kind:word} logical volume, which libvslvm does "
                                          "not read: not examined (a snapshot's origin volume is walked as its own "
                                          "logical volume); libvslvm: {library:lib}")
    # -- a sparse bundle SOURCE refused (sources.image_bundle)
    BUNDLE_PLISTS_DAMAGED = "bundle-plists-damaged", ("macOS sparse bundle whose Info.plist is damaged ({used:lib}) and "
                                                      "whose copy Info.bckup is too ({backup:lib}): the disk's size and "
                                                      "band size are unknown, so its bands are not assembled")
    BUNDLE_BANDS_UNLISTED = "bundle-bands-unlisted", "macOS sparse bundle whose bands/ cannot be listed: {library:lib}"
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
    QCOW2_CUT_SHORT = "qcow2-cut-short", ("{name:name}: truncated QCOW2 file (cut short, or its tables damaged): its "
                                          "cluster tables place data up to byte {needed:d}, the file holds "
                                          "{held:d}; files, folders and deleted files stored in the part cut off "
                                          "are not examined")
    QCOW2_COMPRESSED_MISREAD = "qcow2-compressed-misread", (
        "{name:name}: {n:d} compressed cluster(s) (qemu-img convert -c) read by libqcow otherwise than qemu reads "
        "them (the first at disk byte {at:d}): files, folders and deleted files stored there are not examined; "
        "convert a copy (qemu-img convert -O raw) and scan it")
    QCOW2_ENCRYPTED = "qcow2-encrypted", ("{name:name}: QCOW2 file encrypted by qemu ({method:word}), which no "
                                          "library here decrypts: not examined; decrypt a copy with its key "
                                          "(qemu-img convert --object secret,id=s0,file=KEYFILE --image-opts "
                                          "driver=qcow2,file.filename=IMAGE,encrypt.key-secret=s0 -O raw disk.raw) "
                                          "and scan the copy")
    QCOW2_SNAPSHOTS = "qcow2-snapshots", ("{name:name}: {n:d} internal snapshot(s) (qemu-img snapshot) not examined: "
                                          "libqcow reads only the current disk; export each (qemu-img convert -l "
                                          "snapshot.name=NAME -O raw) and scan it")
    VHD_BLOCKS_PAST_END = "vhd-blocks-past-end", ("{name:name}: damaged VHD block table: {n:d} block(s) placed past "
                                                  "the file's data end (the first, disk block {block:d}, at byte "
                                                  "{at:d}; the data ends at byte {end:d}); files, folders and deleted "
                                                  "files stored in them are not examined")
    VHD_BLOCKS_ON_METADATA = "vhd-blocks-on-metadata", ("{name:name}: damaged VHD block table: {n:d} block(s) placed "
                                                        "over the image's own {what:list} (the first, disk block "
                                                        "{block:d}, at byte {at:d}); VHD keeps no checksum, so what "
                                                        "they read is not the disk's data")
    VHD_BLOCKS_OVERLAP = "vhd-blocks-overlap", ("{name:name}: damaged VHD block table: {n:d} block(s) share bytes "
                                                "with another block (the first, disk block {block:d} at byte {at:d}, "
                                                "with disk block {other:d}); VHD keeps no checksum, so one of them "
                                                "reads the other's data")
    VHD_BITMAP_DAMAGED = "vhd-bitmap-damaged", ("{name:name}: damaged VHD block bitmap: {n:d} block(s) hold data in "
                                                "sectors their bitmap marks unwritten, which read as zeros (the "
                                                "first, disk block {block:d}, at byte {at:d}); VHD keeps no checksum")
    QCOW2_REFCOUNTS_EXCEEDED = "qcow2-refcounts-exceeded", ("{name:name}: damaged QCOW2 tables: {n:d} cluster(s) "
                                                            "referenced more often than the file's own reference "
                                                            "counts allow (the first at byte {at:d}: {refs:d} "
                                                            "reference(s), counted {count:d}); a table pointer moved "
                                                            "to another place, or the file was copied while its VM "
                                                            "was writing to it: what is read there may not be the "
                                                            "disk's data (qemu-img check says the same)")
    QCOW2_CLUSTER_REUSED = "qcow2-cluster-reused", ("{name:name}: damaged QCOW2 tables: {n:d} cluster(s) used for "
                                                    "two kinds of structure at once (tables and disk data; the "
                                                    "first at byte {at:d}); a table pointer moved to another place, "
                                                    "so what is read there is not the disk's data")
    QCOW2_POINTER_MISALIGNED = "qcow2-pointer-misaligned", ("{name:name}: damaged QCOW2 tables: {n:d} table or "
                                                            "cluster pointer(s) off a cluster boundary (the first to "
                                                            "byte {at:d}); what is read there is not the disk's "
                                                            "data (qemu-img check says the same)")
    QCOW2_POINTER_PAST_END = "qcow2-pointer-past-end", ("{name:name}: damaged QCOW2 tables: {n:d} refcount table "
                                                        "or block pointer(s) past the file's end (the first to byte "
                                                        "{at:d}); its reference counts cannot be read, so tables "
                                                        "moved to another place go unseen")
    QCOW2_CLUSTERS_UNREFERENCED = "qcow2-clusters-unreferenced", ("{name:name}: damaged QCOW2 tables: {n:d} "
                                                                  "cluster(s) its reference counts say are in use "
                                                                  "are pointed to by no table (the first at byte "
                                                                  "{at:d}), a quarter or more of its data; an L1 or "
                                                                  "L2 table zeroed or moved (or the counts damaged), "
                                                                  "so the disk may read blank there and what those "
                                                                  "clusters hold is not read (qemu-img check calls "
                                                                  "them leaked)")
    VHD_CHECKSUM_MISMATCH = "vhd-checksum-mismatch", ("{name:name}: damaged VHD {what:list}: {n:d} checksum(s) do "
                                                      "not match the bytes (the first at byte {at:d}); the block "
                                                      "size, table place or disk size given there may be wrong, so "
                                                      "what is read may not be the disk's data (qemu refuses such "
                                                      "a file; libvhdi reads it)")
    VHD_FOOTER_COPY_DIFFERS = "vhd-footer-copy-differs", ("{name:name}: damaged VHD footer: the copy at byte 0 and "
                                                          "the footer at the end give another disk type, header "
                                                          "place or disk size; what is read may not be the disk's "
                                                          "data")
    QCOW2_ZEROS_FROM_BACKING = "qcow2-zeros-from-backing", ("{name:name}: {n:d} cluster(s) of this QCOW2 overlay "
                                                            "are marked as zeros (zeroed or discarded in the VM; "
                                                            "the first at disk byte {at:d}): qemu reads zeros "
                                                            "there, but libqcow reads the backing file's bytes, so "
                                                            "files found there may be the backing file's, not this "
                                                            "disk's; convert it (qemu-img convert -O raw) and scan "
                                                            "the copy")
    QCOW2_SNAPSHOT_READ = "qcow2-snapshot-read", ("internal QCOW2 snapshot {n:d} (qemu-img snapshot), read through its "
                                                  "own L1 table as a disk of {size:d} bytes: its files are the disk "
                                                  "as it was when the snapshot was taken")
    QCOW2_READ_HERE = "qcow2-read-here", ("QCOW2 image holding {n:d} compressed cluster(s) (qemu-img convert -c), "
                                          "read by leakscan's own QCOW2 reader as qemu reads it (libqcow reads some "
                                          "compressed clusters as zeros, without an error)")
    QCOW2_ZSTD_READ_HERE = "qcow2-zstd-read-here", ("QCOW2 image compressed with zstd ({n:d} compressed "
                                                    "cluster(s)), which libqcow does not read: read by leakscan's "
                                                    "own QCOW2 reader as qemu reads it")
    QCOW2_CUT_READ_HERE = "qcow2-cut-read-here", ("QCOW2 image cut short before a table libqcow needs to open it: "
                                                  "read by leakscan's own QCOW2 reader as far as the file goes "
                                                  "(what lies past its end is listed, never read as zeros)")
    MD_ARRAY_READ = "md-array-read", ("Linux md {level:word} array (metadata {version:word}, layout {layout:word}, "
                                      "chunk {chunk:d} bytes) rebuilt by leakscan read-only from {present:d} of its "
                                      "{slots:d} member images: {members:name}")
    MD_DEGRADED = "md-degraded", ("member slot(s) {slots:word} of this md {level:word} array not among the images "
                                  "(missing, stale or failed) or cut short in them (imaging stopped early): their "
                                  "data was rebuilt from parity or another copy, as md reads a degraded array")
    MD_MEMBER_STALE = "md-member-stale", ("{name:name}: member image of the md array whose event count {events:d} is "
                                          "behind the array's {newest:d} (failed, removed or being rebuilt before the "
                                          "last writes): left out as md leaves it out, so its older contents were not "
                                          "examined")
    MD_SUPERBLOCK_DAMAGED = "md-superblock-damaged", ("{name:name}: member image of the md array whose superblock "
                                                      "checksum does not match (damaged): left out as md leaves it "
                                                      "out, so its contents were not examined")
    MD_READ_WITH = "md-read-with", ("partition holding a member of a Linux md {level:word} array, read as the whole "
                                    "array with {name:name}: not walked on its own here")
    MD_ARRAY_UNREAD = "md-array-unread", ("Linux md {level:word} array not rebuilt: {why:lib}; member images found: "
                                          "{members:name}; assemble it read-only on Linux (losetup -r, mdadm "
                                          "--assemble --readonly) and scan the md device")
    MD_MEMBER_DUPLICATE = "md-member-duplicate", ("{name:name}: member image of the md array claiming slot {slot:d}, "
                                                  "which {other:name} already fills (the same disk imaged twice, or "
                                                  "a damaged superblock): not read, so its contents were not "
                                                  "examined unless it is a copy of that disk")
    MD_MEMBER_CONTRADICTED = "md-member-contradicted", ("{name:name}: member image of the md array claiming slot "
                                                        "{slot:d} at event count {events:d}, past the other members' "
                                                        "{newest:d}, whose superblocks agree with each other while "
                                                        "its own records them active at its count (md updates "
                                                        "every active member at once): a forged or reused "
                                                        "superblock, or that disk imaged after the others, left out; "
                                                        "the array was read from the others as they agree")
    MD_MEMBER_HASH_MISMATCH = "md-member-hash-mismatch", ("{name:name}: EWF image of an md member whose media as "
                                                          "read now does not match its stored {hashes:word} "
                                                          "({why:lib}): damaged or changed after acquisition (libewf "
                                                          "reads a damaged chunk without an error), so the array's "
                                                          "data read from it is not reliable")
    MD_STALE_COPY = "md-stale-copy", ("older copy of the md {level:word} array: member image {name:name}, whose event count "
                                      "{events:d} is behind the array's {newest:d} (failed or removed before the "
                                      "last writes), walked as a volume of its own: files deleted or changed since "
                                      "may be here as they were then")
    MD_LONE_MIRROR = "md-lone-mirror", ("the image holds the superblock of a Linux md raid1 array (slot {slot:d} of "
                                        "{slots:d}, metadata {version:word}) whose other members are not among the "
                                        "images, and starts with a partition table: walked as the disk it is (a "
                                        "raid1 member at data offset 0 holds the array's bytes itself)")
    MD_STALE_UNREAD = "md-stale-unread", ("its older copy (slot(s) {slots:word} of the md {level:word} array, the "
                                          "stale members of that moment) cannot be read on its own: {why:lib}; a "
                                          "raid4/5/6 or raid0 member holds a slice of each stripe, readable only with "
                                          "the other members as they were then, which moved on since")
    MD_IMAGES_UNREAD = "md-images-unread", ("image files among the SOURCEs or beside the members that their library "
                                            "refused (a missing member may be one of them; its superblock could "
                                            "not be read): {names:lib}")
    MD_LONE_MIRROR_READ = "md-lone-mirror-read", ("the only member image of this Linux md raid1 array (slot {slot:d} "
                                                  "of {slots:d}, metadata {version:word}) among the images: a raid1 "
                                                  "member holds a whole copy of the array, read from its data offset; "
                                                  "nothing was rebuilt (the other members were not imaged or not "
                                                  "handed over)")
    MD_MEMBERS_IN_ARCHIVE = "md-members-in-archive", ("md member image inside {container:name}: the other members of "
                                                      "its array are not looked for inside an archive (each member "
                                                      "is read alone); extract the archive and scan the folder, whose "
                                                      "members are read as one array")
    QCOW2_SNAPSHOT_UNREAD = "qcow2-snapshot-unread", ("internal QCOW2 snapshot {n:d} not read (its tables damaged or "
                                                      "cut short?): {library:lib}")
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
    SPLIT_IMAGE_OVER_CAP = "split-image-over-cap", ("{n:d} segments of a split disk image ({kind:word}, {size:d} "
                                                    "bytes together) inside {container:word} over --max-inspect-mb "
                                                    "({cap:d} bytes): its volumes were not walked; copy the segments "
                                                    "out and scan the first as a SOURCE")
    IMAGE_HEADER_ONLY = "image-header-only", ("the first structure of a disk image or volume ({kind:word}) alone, in a "
                                              "file of {size:d} bytes (under the 1,024 bytes any image holds): a cut "
                                              "image or a copy of its header; no file system in it to walk")
    LATER_SEGMENT = "later-segment", ("a later segment of an image set whose first segment ({first:lib}) is not beside "
                                      "it: not walked")
    FLAT_EXTENT_CUT = "flat-extent-cut", ("extent file cut short: {name:name} holds {actual:d} bytes where the descriptor "
                                          "says {size:d}; the disk after it (bytes {at:d} onwards: {after:name}) cannot be "
                                          "read, so the partitions and files there are not examined")
    # -- worker processes (scanner.pool): what the worker was doing is a short technical phrase
    WORKER_HUNG = "worker-hung", "no progress for {seconds:word} s {doing:name}; worker stopped"
    WORKER_HUNG_GAVE_UP = "worker-hung-gave-up", ("no progress for {seconds:word} s {doing:name}; worker stopped (gave up "
                                                  "after {n:d} workers)")
    WORKER_STALLED = "worker-stalled", ("no CPU used for {seconds:word} s {doing:name}: waiting for a lock, a pipe or a "
                                        "device that never answers; worker stopped")
    WORKER_STALLED_GAVE_UP = "worker-stalled-gave-up", ("no CPU used for {seconds:word} s {doing:name}: waiting for a "
                                                        "lock, a pipe or a device that never answers; worker stopped "
                                                        "(gave up after {n:d} workers)")
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
    SHEET_OVER_CELLS = "sheet-over-cells", "a sheet has more than {n:d} cells (--max-cells)"  # before Session 14
    FILE_OVER_CELLS = "file-over-cells", "more than {n:d} cells in the file's sheets and tables together (--max-cells)"
    # how far a file stopped by a cap was read and examined (inspectors.spreadsheet.analyse_bytes)
    READ_UP_TO = "read-up-to", ("examined up to row {row:d} of sheet or table {sheet:d} ({cells:d} cells read); "
                                "the rows after it and any later sheet were not read")
    PARSE_TOOK_LONGER = "parse-took-longer", "parsing took longer than {seconds:word} s"
    PARSER_STOPPED = "parser-stopped", "parsing took longer than {seconds:word} s; parser stopped"
    PARSER_STALLED = "parser-stalled", ("parser used no CPU for {seconds:word} s: waiting for a lock, a pipe or a "
                                        "device that never answers; parser stopped")
    PARSER_FAILED = "parser-failed", "parser process failed ({how:name})"
    PARSER_DIED = "parser-died", "parser process died ({how:name}); damaged file or memory cap {gib:d} GiB reached"
    # -- damaged containers of tables
    ZIP_ANOTHER_PACKAGE = "zip-another-package", "zip: another zip package before or after this one's members"
    ZIP_DEFLATE_DAMAGED = "zip-deflate-damaged", "zip: damaged deflate stream (zlib.error)"
    XLS_CHAIN_LOOPS = "xls-chain-loops", "xls: an OLE2 sector chain loops or leaves the file"
    XLS_DIMENSIONS_BAD = "xls-dimensions-bad", "xls: a DIMENSIONS record ends before it starts"
    # -- what a read table held (inspectors.spreadsheet._outcome)
    NO_RECORDS_DECODED = "no-records-decoded", "no person records in what could be decoded"
    VALUES_UNDECODED = "values-undecoded", ("{n:d} bytes of its values do not decode in its encoding (damaged bytes): "
                                            "those values are garbled, a name or address among them may be counted as "
                                            "another person or not at all")
    ROWS_MALFORMED = "rows-malformed", ("{n:d} row(s) out of step with the header's columns (a delimiter, quote or "
                                        "bytes damaged: the row's values shifted): their persons are not counted, or "
                                        "counted with values cut")
    STATS_ROWS_ZEROED = "stats-rows-zeroed", ("{n:d} of its {total:d} rows are empty and the file holds zeroed bytes "
                                              "(a block lost): their values are gone")
    MAC_JAPANESE = "mac-japanese", ("read as MacJapanese (classic Mac OS Shift_JIS, lines ended by CR): bytes 0xFD-0xFF "
                                    "are its (c) (tm) ... signs")
    NO_TABLE_DECODED = "no-table-decoded", "no table in what could be decoded"
    MARKUP_NO_TABLE = "markup-no-table", "{format:word} without any <table>"
    MARKUP_NO_WORKSHEET = "markup-no-worksheet", "{format:word} without any worksheet"
    TEXT_UNDELIMITED = "text-undelimited", "text without delimited rows, named {ext:name}"
    PARTIALLY_EXAMINED = "partially-examined", "partially examined: {what:detail}"
    APPLEDOUBLE = "appledouble", "AppleDouble companion (a Mac's Finder info, resource fork, attributes): no table"
    # -- archives leakscan does not read, or reads in part (inspectors.archive, archive_members.SplitPart)
    OLE_NO_HEADER = "ole-no-header", "embedded OLE object without a compound-file header"
    NOT_AN_ARCHIVE = "not-an-archive", "not a zip, 7z, tar, cpio or compressed file leakscan can read"
    NOT_AN_ARCHIVE_IS = "not-an-archive-is", ("no archive leakscan can read: its content is {what:word}, in which no "
                                              "reader found a table, a mail or an attachment")
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
                                                      "({problem:detail}): not joined; {seen:detail}; find the missing parts, "
                                                      "put them beside the others and scan again")
    SPLIT_SOME_EXAMINED = "split-some-examined", "the members stored whole in this part were examined; the rest were not"
    SPLIT_NOT_EXAMINED = "split-not-examined", "its content was not examined"
    # -- what is read of an incomplete series (split12)
    SPLIT_SERIES_PARTLY = "split-series-partly-read", ("part {n:d} of a {kind:word} ({whole:lib}) whose parts are not all "
                                                       "here ({problem:detail}): {seen:detail}; find the missing parts, put "
                                                       "them beside the others and scan again")
    SPLIT_RUN_READ = "split-run-read", ("parts {first:d} to {last:d} read joined, up to their last line end (complete rows "
                                        "only); what the missing parts held was not examined")
    SPLIT_FRAGMENT_READ = "split-fragment-read", ("parts {first:d} to {last:d} read joined from their first line end (a "
                                                  "piece without the file's first part: rows without a header row, those "
                                                  "cut at its edges left out); what the missing parts held was not "
                                                  "examined")
    SPLIT_PIECE_READ = "split-piece-read", ("parts {first:d} to {last:d} read joined as they are (a piece without the "
                                            "file's first part); what the missing parts held was not examined")
    SPLIT_PIECE_ALONE = "split-piece-alone", ("part {n:d} of a split file ({whole:lib}) inside a container, where the "
                                              "parts are not joined: {seen:detail}; join the parts and scan the result")
    SPLIT_PIECE_UNJOINED = "split-piece-unjoined", ("part {n:d} of a split text ({whole:lib}) that its folder's parts "
                                                    "do not join with (its first part is no text of it by content): "
                                                    "{seen:detail}; check the parts and scan them joined")
    SPLIT_PIECES_APART = "split-pieces-apart", ("part {n:d} of a split text ({whole:lib}) whose parts are in different "
                                                "encodings ({encodings:list}) where one ends inside a line: not one byte "
                                                "stream, so not joined; read on its own, whole; check which parts "
                                                "belong together")
    SPLIT_PIECES_UNLIKE = "split-pieces-unlike", ("a file named as a part of a split text ({whole:lib}) whose rows are "
                                                  "another table's than its other parts' (cells of other kinds in the "
                                                  "same columns): not rows of one table, so not joined; read on its "
                                                  "own, whole; check which parts belong together")
    SPLIT_JOINED_UNEVEN = "split-joined-uneven", ("{n:d} parts of a split text ({whole:lib}) in {sizes:d} sizes (not "
                                                  "one size but the last) read joined as rows of one text cut at line "
                                                  "ends (split -l, -C, -n l/N): a part copied short at a line end "
                                                  "cannot be told from such a cut; check the parts' sizes against the "
                                                  "source")
    SPLIT_SET_OVER_HOLD = "split-set-over-hold", ("{n:d} pieces of a split file ({whole:lib}, {size:d} bytes) inside "
                                                  "a container not joined: its split pieces are over the bytes it holds "
                                                  "in memory to join them ({cap:d} bytes, --max-inspect-mb); each piece "
                                                  "was examined alone, what they make together was not; extract them "
                                                  "and scan the folder")
    SPLIT_ALONE_READ = "split-alone-read", ("read on its own between its first and last line ends (rows cut at its edges "
                                            "left out, no header row)")
    SPLIT_ALONE_FIRST = "split-alone-first", "read on its own up to its last line end (the row cut at its end left out)"
    SPLIT_PREFIX_READ = "split-prefix-read", ("parts {first:d} to {last:d} read joined, up to the gap; what the missing "
                                              "parts held was not examined")
    SPLIT_READ_WITH = "split-read-with", ("read joined with part {first:d}: that part's row says what was read (when "
                                          "that row was not examined, this part was not either)")
    # -- a file cut by ``split`` with letters or as ``X.partN`` whose first piece nothing joins (rar14)
    SPLIT_PIECE_OF = "split-piece-of", ("piece {n:d} of a file cut into pieces ({whole:lib}, first piece "
                                        "{first:lib}): {seen:detail}")
    SPLIT_HEADERLESS = "split-headerless", ("a piece after the first has no header of its own: not examined (the "
                                            "first piece's row says what the file is); join the pieces in order "
                                            "(cat) and scan the result")
    SPLIT_GAPS_ZEROED = "split-gaps-zeroed", ("read with each missing part as zero bytes ({n:d} bytes in all): the members "
                                              "wholly in the parts present were examined; one across a gap fails its check")
    SPLIT_7Z_HEADER_ABSENT = "split-7z-header-absent", ("its 7z header (at byte {at:d}) lies in part {part:d}, which is not "
                                                        "here: no member can be listed")
    SPLIT_ZIP_END_ABSENT = "split-zip-end-absent", ("no end of central directory in its {n:d} joined parts (the last one here "
                                                    "is {last:lib}): the series' last part may be missing; what it held "
                                                    "was not examined")
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
    TEXT_CUT_IN_QUOTE = "text-cut-in-quote", ("the text ends inside a quoted cell opened on line {line:d} (no closing "
                                              "quote, no line end): the file is cut; rows after it are lost")
    TEXT_BLOCK_END = "text-block-end", ("its size is {n:d} whole 4 KiB blocks and it ends at a line end: a copy cut at a "
                                        "block's end looks the same, rows after it cannot be ruled out")
    NUL_BLOCK = "nul-block", ("a block of {n:d} NUL bytes inside the text at byte {at:d} (zeroed or lost on disk): whatever it "
                          "held is lost")
    MEMBER_BREAKS_AFTER = "member-breaks-after", ("member data breaks after {n:d} bytes ({why:detail}): only the bytes "
                                                  "before the break were read")
    ZIP_STORED_START_LOST = "zip-stored-start-lost", ("stored zip member whose local header and first bytes are lost "
                                                      "(zeroed: a lost first part of its series, or a zeroed block): "
                                                      "{n:d} of its {size:d} bytes kept, from the first line start "
                                                      "after the loss")
    ZIP_MEMBER_LOCAL_CUT = "zip-member-local-cut", "zip member read from its local header: {why:detail}; only the bytes before were read"
    # the same damage of a member that no reader takes (server.log, a .bin): its bytes were kept, never read
    MEMBER_BREAKS_UNREAD = "member-breaks-unread", ("member data breaks after {n:d} bytes ({why:detail}): the bytes "
                                                    "before the break were kept, but no reader takes this file")
    ZIP_MEMBER_LOCAL_CUT_UNREAD = "zip-member-local-cut-unread", ("zip member from its local header: {why:detail}; the "
                                                                  "bytes before were kept, but no reader takes this file")
    MEMBER_CUT_AFTER = "member-cut-after", "cut after {n:d} of {size:d} bytes"
    CRC_MISMATCH = "crc-mismatch", "CRC mismatch"
    DATA_CUT = "data-cut", "its data is cut"
    ZIP_LOCAL_HEADER_CUT = "zip-local-header-cut", "its local header is cut"
    ZIP_DATA_TO_END = "zip-data-to-end", "its data runs to the end of the file"
    ZIP_NO_DESCRIPTOR = "zip-no-descriptor", "no descriptor with a matching CRC"
    DEFLATE_DAMAGED = "deflate-damaged", "deflate data damaged ({library:lib})"
    # -- archive members (archive_members.error_reason): the library's message kept
    OUT_OF_MEMORY_INFLATING = "out-of-memory-inflating", "out of memory while inflating"
    OUT_OF_MEMORY_PARSING = "out-of-memory-parsing", "out of memory while parsing"
    LIBRARY_ERROR = "library-error", "{error:exc}: {library:lib}"
    # -- a volume that is no file system, media missing from an image (scanner.completeness reads these codes)
    SWAP_NOT_CARVED = "swap-not-carved", ("{volume:name}: {swap:name}: not a file system (not carved); it may hold "
                                          "fragments of files that were open; carve it with another tool if that matters")
    BOOT_CODE_NOT_CARVED = "boot-code-not-carved", ("{volume:name}: boot loader code (GRUB's core image): not a file "
                                                    "system (not carved); carve it with another tool if that matters")
    MEDIA_FILE_MISSING = "media-file-missing", ("{what:word} file missing: {names:lib}; the media after the gap{span:name} "
                                                "cannot be read, so the partitions and files there are not examined; put "
                                                "every segment in one folder and scan again")
    EXTENT_READ_AS_ZEROS = "extent-read-as-zeros", ("extent file missing: {names:lib}; those bytes of the disk were "
                                                    "read as zeros in its place and the extents present were read, "
                                                    "so a file with blocks there is examined with zeros for them; "
                                                    "put every extent in one folder and scan again")

    # -- file systems inside a disk image (sources.image_fs, image_dfvfs)
    CONTENT_ENDS_AT = "content-ends-at", "content ends at byte {pos:d} of {size:d}"
    SIZE_NEGATIVE = "size-negative", ("its file system or archive declares a negative size ({size:d} bytes): a damaged "
                                      "entry; its content was not read")
    DFVFS_NO_STREAM = "dfvfs-no-stream", "dfvfs gives no data stream for this entry"
    DFVFS_NO_ROOT = "dfvfs-no-root", "dfvfs finds no root directory in this file system"
    DFVFS_READ_FAILED = "dfvfs-read-failed", "dfvfs could not read byte {pos:d}: {library:lib}"
    DFVFS_OPEN_FAILED = "dfvfs-open-failed", "dfvfs could not open it: {library:lib}"
    ENTRY_NOT_READABLE = "entry-not-readable", "entry not readable: {library:lib}"
    DIRECTORY_CONTENT_WALKED = "directory-content-walked", "directory content already walked"
    DIRECTORY_CONTENT_WALKED_LOOP = "directory-content-walked-loop", "directory content already walked (a loop, or a deleted directory whose clusters were reused)"
    DEEPER_THAN = "deeper-than", "deeper than {n:d} directories"
    DELETED_DIRECTORY_GONE = "deleted-directory-gone", "deleted directory; its metadata is gone or reused"
    TSK_READ_FAILED = "tsk-read-failed", "The Sleuth Kit could not read byte {pos:d}: {library:lib}"
    DELETED_TSK_UNREADABLE = "deleted-tsk-unreadable", "deleted; The Sleuth Kit cannot read its content ({library:lib})"
    ENTRY_UNKNOWN_TYPE = "entry-unknown-type", "entry of unknown type"
    # -- a SOURCE gone during the scan (sources.local/image lost(), the source-lost wrappers of local and pipeline)
    FOLDER_UNREACHABLE = "folder-unreachable", "the scanned folder cannot be reached any more ({library:lib})"
    FOLDER_UNMOUNTED = "folder-unmounted", "the scanned folder was unmounted or replaced during the scan"
    IMAGE_FILE_GONE = "image-file-gone", "the image file went away during the scan (gone or unreachable)"
    IMAGE_FILE_REPLACED = "image-file-replaced", "the image file went away during the scan (replaced)"
    IMAGE_PART_GONE = "image-part-gone", "file {n:d} of the image went away during the scan (gone or unreachable)"
    IMAGE_PART_REPLACED = "image-part-replaced", "file {n:d} of the image went away during the scan (replaced)"
    FOLDER_UNREACHABLE_THEN = "folder-unreachable-then", "the scanned folder cannot be reached any more ({library:lib}) ({then:detail})"
    FOLDER_UNMOUNTED_THEN = "folder-unmounted-then", "the scanned folder was unmounted or replaced during the scan ({then:detail})"
    LOST_AFTER_FAILING = "lost-after-failing", "{why:detail} (it failed as {reason:word}: {then:detail})"
    # -- SMB shares (sources.smb, smb_client) and a distributed scan's parts (scanner.cluster)
    NAME_NOT_UTF16 = "name-not-utf16", "name is not valid UTF-16; cannot be opened by name"
    CHANGED_OVER_SMB = "changed-over-smb", "changed while it was read over SMB ({what:lib})"
    SMB_SAME_DIRECTORY = "smb-same-directory", "same directory as {first:lib} (SMB file ID {file_id:word}): a symbolic link followed by the server or a loop; walked once"
    SMB_NO_FILE_IDS = "smb-no-file-ids", "server gives no file IDs; stopped at depth {n:d}"
    SMB_DISAPPEARED = "smb-disappeared", "disappeared during the scan ({status:lib})"
    CONNECTION_LOST = "connection-lost", "connection lost: {error:exc}"
    # why an SMB connection is given up (smb_client: the client's ``dead``, a Dropped's text; read back from its words)
    SMB_NO_ANSWER = "smb-no-answer", "no answer from the server in {seconds:word} s"
    SMB_GIVEN_UP = "smb-given-up", ("connection lost ({why:lib}); not back after {seconds:d} s of retrying "
                                    "(last: {last:lib})")
    SMB_LOST_AGAIN = "smb-lost-again", "connection lost again after each of 3 reconnects on the same request ({why:lib})"
    SMB_NOT_CONNECTED = "smb-not-connected", "not connected to the server"
    TASK_FAILED_EVERY_TRY = "task-failed-every-try", "the task failed on every try ({why:detail})"
    NO_WORKER_OPENS = "no-worker-opens", "no worker could open it: {why:detail}"
    # -- mail: messages, stores, attachments (inspectors.mail*)
    MAIL_OVER_CAP = "mail-over-cap", "{kind:mail}: {size:d} bytes > cap {cap:d} (--max-inspect-mb)"
    MSG_NO_STREAM = "msg-no-stream", "msg: no Outlook message stream (__substg1.0_) found"
    DBX_NO_LIBRARY = "dbx-no-library", "Outlook Express mail folder (.dbx): no installed library reads it; its messages and attachments were not examined"
    MAIL_STORE_NOT_IN_PLACE = "mail-store-not-in-place", "{kind:mail} over --max-inspect-mb that cannot be read in place"
    EMLX_PROBLEM = "emlx-problem", "emlx: {why:detail}"
    MAIL_NUL_BLOCK = "mail-nul-block", "{kind:mail}: a block of {n:d} NUL bytes at byte {at:d} (zeroed or lost on disk): what it held is lost"
    MAIL_MORE_NOT_LISTED = "mail-more-not-listed", "{kind:mail}: {n:d} more messages or attachments {status:word}, not listed one by one (over {rows:d} rows)"
    STORE_CUT = "store-cut", "{kind:mail}: the store is cut: it holds {size:d} of the {declared:d} bytes its header declares; what could be read was examined"
    MAIL_PROBLEM = "mail-problem", "{kind:mail}: {why:detail}"
    MBOX_MESSAGE_OVER_CAP = "mbox-message-over-cap", "mbox: message {n:d} is over --max-inspect-mb: not examined"
    MBOX_MESSAGE_UNREADABLE = "mbox-message-unreadable", "mbox: message {n:d} unreadable ({error:exc})"
    MBOX_MESSAGE_NUL_BLOCK = "mbox-message-nul-block", "mbox: message {number:d} holds a block of {n:d} NUL bytes (zeroed or lost on disk): what it held is lost"
    MBOX_STOPPED = "mbox-stopped", "mbox: reading stopped at message {n:d} ({seconds:word} s of CPU, --parse-timeout): the rest was not examined"
    ATTACHED_MESSAGE_TOO_DEEP = "attached-message-too-deep", "an attached message inside {depth:d} containers; not opened (--archive-depth {limit:d})"
    ATTACHMENT_OVER_CAP = "attachment-over-cap", "attachment of {size:d} bytes over --max-inspect-mb"
    SEVENZ_CODER_UNREAD = "sevenz-coder-unread", "7z {coder:word} coder: py7zr cannot decode this archive's data ({error:exc}: {library:lib}); 7-Zip or libarchive (bsdtar) reads it"
    # -- files attached to a PDF (scanner.inspectors.pdf_attachments)
    PDF_UNREADABLE = "pdf-unreadable", "PDF naming an attached file could not be read: {why:detail}; its attachments were not examined"
    PDF_CUT = "pdf-cut", "PDF cut short after {n:d} bytes (no %%EOF at its end): what followed, its attached files too, is lost"
    PDF_MENDED = "pdf-mended", "PDF naming an attached file could not be read as written ({why:detail}): its objects were read without its cross-reference table; the attached files found so were examined, others may be lost"
    # -- a PDF's page text (scanner.pdftext, pdftext24)
    PDF_TEXT_PASSWORD = "pdf-text-password", "PDF encrypted with an open password: its page text was not examined"
    PDF_TEXT_UNREAD = "pdf-text-unread", "PDF could not be opened to read its page text ({error:exc}): its pages were not examined"
    PDF_TEXT_PAGES_UNREAD = "pdf-text-pages-unread", "PDF: the text of {n:d} of its {pages:d} pages could not be read (damaged): what they show was not examined"
    PDF_TEXT_RECOVERED = "pdf-text-recovered", "PDF: pypdf had to recover damaged content {n:d} times while reading the page text: text may be lost or garbled"
    PDF_PAGES_OVER_CAP = "pdf-pages-over-cap", "PDF of {n:d} pages: the text of the first {cap:d} was examined, the rest not (page cap)"
    PDF_TEXT_OVER_CAP = "pdf-text-over-cap", "PDF page text over {cap:d} characters: the first {n:d} pages were examined, the rest not (text cap)"
    PDF_PAGE_OVER_CAP = "pdf-page-over-cap", "PDF: {n:d} of its {pages:d} pages hold more text than one page is read for ({runs:d} text runs, {tokens:d} content tokens): their text was not examined (page cap)"
    PDF_TEXT_UNDECODABLE = "pdf-text-undecodable", "PDF: the text of {n:d} of its {pages:d} pages does not decode ({share:d} in 100 of its characters unassigned, private-use, glyph names, letters its font has no glyph for, kanji rare in Japanese and Chinese alike, or scripts mixed in a word: a font without a usable ToUnicode map): what they show was not examined for persons"
    PDF_TEXT_VERTICAL = "pdf-text-vertical", "PDF: {n:d} of its {pages:d} pages set vertically (Japanese vertical writing; {listed:d} of them headed as a person list), read column by column: numbers set sideways may be out of place, persons among them missed"
    PDF_NO_TEXT_LAYER = "pdf-no-text-layer", "PDF of {pages:d} pages holding pictures and no text (a scan without a text layer): not examined for persons (it needs OCR)"
    PDF_PASSWORD = "pdf-password", "PDF encrypted with an open password: its attached files were not examined"
    PDF_SECURITY_UNREAD = "pdf-security-unread", "PDF encryption not readable ({why:detail}): its attached files were not examined"
    PDF_ATTACHMENT_NOT_FOUND = "pdf-attachment-not-found", "PDF names an attached file, but none could be found in its structure (damaged?)"
    PDF_LIST_UNREAD = "pdf-list-unread", "PDF: its attachment list could not be read ({why:detail}); attachments listed there were not examined"
    PDF_PAGES_UNREAD = "pdf-pages-unread", "PDF: its pages could not be read ({why:detail}); files attached to them were not examined"
    PDF_TREE_LOOP = "pdf-tree-loop", "PDF: its attachment list loops (a node met twice): read once"
    PDF_TREE_TOO_DEEP = "pdf-tree-too-deep", "PDF: its attachment list nests deeper than {n:d} levels: the deeper ones were not read"
    PDF_TOO_MANY = "pdf-too-many", "PDF: more than {n:d} attached files; the rest were not examined"
    PDF_ATTACHMENT_NO_STREAM = "pdf-attachment-no-stream", "PDF attachment without its file stream (damaged): not examined"
    PDF_ATTACHMENT_UNREAD = "pdf-attachment-unread", "PDF attachment could not be decoded: {why:detail}"
    PDF_ATTACHMENT_RECOVERED = "pdf-attachment-recovered", "PDF attachment stream damaged (cut, or its checksum fails): the {n:d} bytes decoded were examined; what is missing or altered is lost"
    PDF_ATTACHMENT_OVER_LIMIT = "pdf-attachment-over-limit", "PDF attachment inflates past {cap:d} bytes (--max-inspect-mb, --max-archive-mb): a decompression bomb? not examined"
    TNEF_TOO_DEEP = "tnef-too-deep", "TNEF (winmail.dat) inside {depth:d} containers; its attachments not read (--archive-depth {limit:d})"
    CHARSET_UNKNOWN = "charset-unknown", "body charset label '{label:lib}' is unknown: read as {found:lib}"
    CHARSET_MISFIT = "charset-misfit", "body charset label '{label:lib}' does not fit its bytes: read as {found:lib}"
    RTF_BODY_CUT = "rtf-body-cut", "compressed RTF body cut: {n:d} of its {size:d} bytes; not read"
    RTF_BODY_NO_LIBRARY = "rtf-body-no-library", "the message body is RTF: {library:lib}; a table pasted into it was not examined"
    RTF_BODY_DAMAGED = "rtf-body-damaged", "RTF body damaged ({error:exc}): a table pasted into it was not examined"
    YENC_NO_LIBRARY = "yenc-no-library", "a yEnc-encoded file in the body (=ybegin): no installed library decodes it; not examined"
    UUENCODED_DAMAGED = "uuencoded-damaged", "uuencoded file damaged ({why:lib}): what decoded was examined"
    MIME_DELIMITER_REPAIRED = "mime-delimiter-repaired", "a MIME delimiter line damaged: read again repaired"
    HEADER_BLOCK_REPAIRED = "header-block-repaired", "header block damaged (lines that are no header field inside it): read again repaired"
    CUT_IN_HEADER = "cut-in-header", "cut inside its header block (it ends mid-line, before any body): its body and attachments are missing"
    NO_MAIL_HEADER = "no-mail-header", "no mail header could be read"
    MIME_PARTS_OVER = "mime-parts-over", "more than {n:d} MIME parts: the rest not read"
    MAIL_ENCRYPTED_PART = "mail-encrypted-part", "{kind:word} part: the message is encrypted (S/MIME or PGP); its attachments cannot be read"
    CONTENT_TYPE_REPAIRED = "content-type-repaired", "a part's Content-Type is damaged but its body holds the MIME parts of its boundary: read as multipart"
    MIME_PARTS_IN_BODY = "mime-parts-in-body", "a text body holds delimited MIME parts its headers did not announce (a damaged header or delimiter line): read as parts"
    MIME_TOO_DEEP = "mime-too-deep", "multiparts nested deeper than the mail parser can follow (about a thousand levels): the message's parts were not read"
    MIME_PARTS_IN_BODY_UNREAD = "mime-parts-in-body-unread", "a text body holds MIME part headers and base64 lines whose delimiters are lost: not read as parts"
    MIME_STRUCTURE_DAMAGED = "mime-structure-damaged", "MIME structure damaged ({why:lib}): the message may be cut; parts after the damage may be missing"
    TRANSFER_ENCODING_REPAIRED = "transfer-encoding-repaired", "a part's Content-Transfer-Encoding header name is damaged ({name:lib}): its value decoded the part"
    UUENCODE_NO_BEGIN = "uuencode-no-begin", "a part sent as x-uuencode holds no 'begin' line: not decoded"
    BODY_NOT_DECODED = "body-not-decoded", "message body could not be decoded ({error:exc})"
    BODY_DAMAGED = "body-damaged", "message body damaged ({why:lib}): what decoded was examined"
    ATTACHMENT_NOT_DECODED = "attachment-not-decoded", "attachment body could not be decoded ({error:exc})"
    ATTACHMENT_DAMAGED = "attachment-damaged", "attachment body damaged ({why:lib}): what decoded was examined"
    MSG_NOT_COMPOUND = "msg-not-compound", "msg: not a readable compound file ({error:exc}: {library:lib})"
    MSG_NO_STREAMS = "msg-no-streams", "msg: a compound file without Outlook message streams (__substg1.0_)"
    MSG_ENTRIES_UNREACHED = "msg-entries-unreached", "msg: {n:d} directory entries in use are not reached from the root (damaged directory): attachments may be lost"
    MSG_COMPOUND_DAMAGED = "msg-compound-damaged", "msg: compound file damaged ({why:lib}): its body and attachments beyond the damage may be lost"
    MSG_CHAIN_LOOPS = "msg-chain-loops", "msg: the compound file's directory chain loops back on itself (damaged FAT): the entries after the loop (a body, attachments) are lost"
    MSG_NAMES_DAMAGED = "msg-names-damaged", "msg: {n:d} stream or storage name(s) damaged (not an Outlook property name): what they hold (a body, an attachment) was not read"
    MSG_BODY_UNREADABLE = "msg-body-unreadable", "msg body unreadable ({error:exc})"
    MSG_ATTACHMENT_UNREADABLE = "msg-attachment-unreadable", "msg attachment unreadable ({error:exc})"
    OLE_ATTACHMENT = "ole-attachment", "an OLE object attachment (attach method 6): not read"
    OUTLOOK_ITEMS_TOO_DEEP = "outlook-items-too-deep", "attached Outlook items nested over {n:d} deep"
    MSG_ATTACHMENT_NO_DATA = "msg-attachment-no-data", "msg attachment without its data stream"
    MSG_ATTACHMENT_SHORT = "msg-attachment-short", "msg attachment holds {n:d} of {size:d} bytes"
    SMIME_ENCRYPTED = "smime-encrypted", "an S/MIME encrypted message: its attachments cannot be read"
    PFF_NOT_OPENED = "pff-not-opened", "libpff could not open the store ({library:lib})"
    PFF_NO_ROOT = "pff-no-root", "libpff: the store has no root folder"
    PST_FOLDERS_OVER = "pst-folders-over", "more than {n:d} folders: the rest not read"
    PST_MESSAGES_NOT_LISTED = "pst-messages-not-listed", "folder {folder:lib}: messages not listed ({library:lib})"
    PST_MESSAGE_UNREADABLE = "pst-message-unreadable", "folder {folder:lib}: message {n:d} of {count:d} unreadable ({library:lib})"
    PST_STOPPED = "pst-stopped", "reading stopped after {n:d} messages ({seconds:word} s of CPU, --parse-timeout): the rest of the store was not examined"
    PST_SUBFOLDERS_NOT_LISTED = "pst-subfolders-not-listed", "folder {folder:lib}: sub-folders not listed ({library:lib})"
    PST_SUBFOLDER_UNREADABLE = "pst-subfolder-unreadable", "folder {folder:lib}: sub-folder {n:d} of {count:d} unreadable ({library:lib})"
    PST_ORPHANS_STOPPED = "pst-orphans-stopped", "reading stopped at orphan item {n:d} of {count:d} (--parse-timeout): the rest of the deleted items was not examined"
    PST_BODY_UNREADABLE = "pst-body-unreadable", "message body unreadable ({library:lib})"
    PST_ATTACHMENT_UNREADABLE = "pst-attachment-unreadable", "attachment unreadable ({library:lib})"
    ATTACHMENT_SHORT = "attachment-short", "attachment holds {n:d} of {size:d} bytes"
    OUTLOOK_ITEM_OVER_CAP = "outlook-item-over-cap", "an attached Outlook item of {size:d} bytes over --max-inspect-mb"
    PST_ITEM_NO_LIBRARY = "pst-item-no-library", "an attached Outlook item inside a .pst/.ost: {library:lib}; not read"
    ITEM_BODY_UNREADABLE = "item-body-unreadable", "attached item body unreadable ({library:lib})"
    PST_ITEM_ATTACHMENTS_UNREAD = "pst-item-attachments-unread", "an Outlook item attached inside a .pst/.ost: its own attachments are not read (libpff gives no access to them; save the item as .msg to examine them)"
    PST_ITEM_ATTACHMENTS_UNREAD_IF_ANY = "pst-item-attachments-unread-if-any", "an Outlook item attached inside a .pst/.ost: its own attachments, if any, are not read (libpff gives no access to them; save the item as .msg to examine them)"
    PST_ITEM_BODY_OUTSIDE = "pst-item-body-outside", "an Outlook item attached inside a .pst/.ost: its {bodies:word} body is kept outside the item's own block (a sub-node libpff gives no access to): a table pasted into it was not examined"
    TNEF_NO_LIBRARY = "tnef-no-library", "TNEF (winmail.dat): {library:lib}; its attachments were not read"
    TNEF_CRAFTED = "tnef-crafted", "TNEF (winmail.dat) damaged: an object at byte {at:d} claims more properties than it holds bytes; not read"
    TNEF_UNREADABLE = "tnef-unreadable", "TNEF (winmail.dat) unreadable ({error:exc})"
    TNEF_CHECKSUMS = "tnef-checksums", "{what:word} damaged: {bad:d} of {n:d} objects fail their checksum (cut or altered): what could be read was examined"
    TNEF_NO_VERSION = "tnef-no-version", "{what:word} damaged: no TNEF version object; what could be read was examined"
    TNEF_CUT = "tnef-cut", "{what:word} cut: its objects end at byte {at:d} of {size:d} (the last one is incomplete): what could be read was examined"
    TNEF_ITEMS_TOO_DEEP = "tnef-items-too-deep", "Outlook items attached inside TNEF nested over {n:d} deep"
    TNEF_ATTACHMENT_UNREADABLE = "tnef-attachment-unreadable", "TNEF attachment unreadable ({error:exc})"
    # -- tar, cpio, 7z and compressed streams damaged or over a cap (inspectors.archive_formats)
    NOT_EXTRACTED = "not-extracted", "not extracted"
    SEVENZ_MEMBER_OVER = "sevenz-member-over", "7z member over {limit:d} bytes (declared size or memory cap)"
    SEVENZ_BOMB = "sevenz-bomb", "7z declares {n:d} bytes from {size:d} (ratio over {ratio:word})"
    SEVENZ_HEADER_CRC = "sevenz-header-crc", "7z {what:word} CRC does not match: the archive's header is damaged"
    SEVENZ_HEADER_STREAMS = "sevenz-header-streams", ("7z header lists members of {taken:d} bytes but its streams hold "
                                                      "{held:d}: the archive's header is damaged")
    SEVENZ_HEADER_UNACCOUNTED = "sevenz-header-unaccounted", ("{n:d} bytes of packed data before the 7z header belong "
                                                              "to no stream it lists: the archive's header is damaged")
    SEVENZ_ATTRIBUTES_DAMAGED = "sevenz-attributes-damaged", ("{n:d} 7z member(s) marked as a folder or link hold "
                                                              "data: the archive's header is damaged; read as files")
    SEVENZ_HEADER_SALVAGED = "sevenz-header-salvaged", ("members read as the damaged header lists them (names and sizes "
                                                        "may be wrong; a member whose own CRC matches is sound data)")
    SEVENZ_MEMBER_OVER_MEMORY = "sevenz-member-over-memory", "7z member of {size:d} bytes over the in-memory cap {cap:d}"
    TAR_STREAM_DAMAGED = "tar-stream-damaged", "tar: {format:word} stream damaged ({library:lib}): members read from it may hold damaged bytes"
    DATA_AFTER_STREAM = "data-after-stream", "data after the end of the {format:word} stream (not part of it): not examined; what the stream holds is whole"
    TAR_MEMBER_MAY_BE_DAMAGED = "tar-member-may-be-damaged", "the tar's {format:word} stream damaged ({library:lib}): this member's bytes may be damaged"
    TAR_UNREADABLE_AFTER = "tar-unreadable-after", "tar: unreadable after {n:d} members: {why:detail}"
    TAR_AFTER_MEMBER = "tar-after-member", "tar: after member {n:d}: {why:detail}"
    TAR_MEMBERS_AFTER_NOT_READ = "tar-members-after-not-read", "tar: members after the first {n:d} not read: {why:detail}"
    TAR_BEFORE_MEMBER = "tar-before-member", "tar: before member {n:d}: {why:detail}"
    ZEROED_HEADER_BLOCK = "zeroed-header-block", "a zeroed header block, data after it not read"
    PAX_NO_RECORDS = "pax-no-records", "an extended header (type {type:lib}) of {size:d} bytes holds no pax records: a damaged type flag; the member it was is lost"
    TAR_MEMBER_NO_PATH = "tar-member-no-path", "tar: member {n:d} has no path for a name ({size:d} bytes, control characters): a damaged header; a member may be lost"
    TAR_MEMBER_OVER = "tar-member-over", "tar member of {size:d} bytes over the in-memory cap"
    TAR_MEMBER_OVER_CAP = "tar-member-over-cap", "tar member of {size:d} bytes over the in-memory cap {cap:d}"
    TAR_SPECIAL = "tar-special", "tar {kind:word}: not read"
    TAR_BOMB = "tar-bomb", "tar declares {n:d} bytes from {size:d} (ratio over {ratio:word})"
    TAR_BOMB_AFTER = "tar-bomb-after", "tar: members after {path:lib} not read (decompression bomb)"
    CPIO_STOPPED = "cpio-stopped", "cpio: {why:detail}; members after it not read"
    CPIO_SKIPPED_TO_HEADER = ("cpio-skipped-to-header", "cpio: {why:detail}; the member there not read, bytes {start:d} to "
                              "{end:d} skipped to the next whole header and the members after it read")
    CPIO_SKIPPED_MORE = "cpio-skipped-more", ("cpio: {more:d} more damaged headers skipped to the next whole header "
                                               "each; the members after them read as their headers say, which may "
                                               "be cut or shifted (a text-mode copy shifts every header)")
    CPIO_INNER_TRAILER = "cpio-inner-trailer", ("TRAILER!!! record at byte {at:d}, read after a skipped header, ends a "
                                                 "cpio archive inside the member skipped, not this one")
    CPIO_AFTER_TRAILER = "cpio-after-trailer", ("cpio: {n:d} bytes after the TRAILER!!! record, from byte {at:d}, are "
                                                 "neither zeros nor another cpio or compressed archive: not read")
    CPIO_PART_UNSUPPORTED = "cpio-part-unsupported", ("cpio: the archive part from byte {at:d} ({n:d} bytes) is "
                                                       "compressed with {format:word}, which no library leakscan has "
                                                       "reads: not read")
    CPIO_SPECIAL = "cpio-special", "cpio {kind:word} (mode {mode:word}): not read"
    TAR_SKIPPED_TO_HEADER = ("tar-skipped-to-header", "tar: header at byte {start:d} damaged ({error:lib}); the member "
                             "there not read, its bytes skipped to the next whole header at byte {end:d} and the "
                             "members after it read")
    TAR_MEMBER_READ_DAMAGED = ("tar-member-read-damaged", "tar: header at byte {start:d}: {why:detail}; its member "
                               "read from byte {data:d} to {stop:d} {basis:detail}, and the members after it from the "
                               "next whole header at byte {end:d}")
    TAR_BY_SIZE = "tar-by-size", "as its size field says (a whole header or the end follows there)"
    TAR_BY_INNER_END = "tar-by-inner-end", "up to the end-of-archive blocks of the tar it holds"
    TAR_HEADER_BAD = "tar-header-bad", "the header does not read ({error:lib})"
    TAR_NEGATIVE_SIZE = "tar-negative-size", ("its header declares a negative size ({size:d} bytes), so where its data "
                                              "ends is unknown")
    TAR_SKIPPED_PAST = ("tar-skipped-past", "tar: header at byte {start:d}: {why:detail}; the member there not read, "
                        "its bytes skipped to the next whole header at byte {end:d} and the members after it read")
    TAR_INNER_END = ("tar-inner-end", "tar: end-of-archive blocks at byte {start:d}, read after a skipped header, end "
                     "a tar inside the member skipped, not this one; skipped to the next whole header at byte {end:d} "
                     "and the members after it read")
    TAR_AFTER_END = ("tar-after-end", "tar: end-of-archive blocks at byte {start:d}, then a whole tar header at byte "
                     "{end:d} (another tar joined after this one, or a member's header zeroed): the members from there "
                     "read")
    TAR_DATA_AFTER_END = ("tar-data-after-end", "tar: {n:d} bytes after the end-of-archive blocks, from byte {at:d}, "
                          "hold no tar header (bytes a tool appended, such as a checksum): not read")
    CPIO_HEADER_UNREADABLE = "cpio-header-unreadable", "header at byte {at:d} unreadable ({error:exc})"
    CPIO_MEMBER_PAST_END = "cpio-member-past-end", "member at byte {at:d} runs past the end of the archive"
    CPIO_NO_TRAILER = "cpio-no-trailer", "no TRAILER!!! record: the archive is truncated"
    CPIO_MEMBER_CUT = "cpio-member-cut", "cpio member cut after {n:d} of {size:d} bytes: only the bytes before the cut were read"
    TAR_MEMBER_CUT = "tar-member-cut", "tar member cut after {n:d} of {size:d} bytes ({why:detail})"
    TAR_STOPPED = "tar-stopped", "tar: {why:detail}; members after it not read"
    ONLY_BEFORE_BREAK = "only-before-break", "{why:detail}: only the bytes before the break were read"
    BREAK_UNREAD = "break-unread", "{why:detail}: the bytes before the break were kept, but no reader takes this file"
    STREAM_BREAKS = "stream-breaks", "{format:word} stream breaks after {n:d} inflated bytes ({library:lib})"
    COMPRESSED_BREAK = "compressed-break", "compressed: {why:detail}"
    BZIP2_BLOCKS_RECOVERED = "bzip2-blocks-recovered", ("{lost:d} of {found:d} bzip2 blocks lost: the whole blocks "
                                                        "after them were decoded alone and kept (rows cut at line "
                                                        "ends where blocks are lost)")
    # -- archive caps, embedded objects of documents (inspectors.archive_members, embedded, legacy_embedded)
    ARCHIVE_PROBLEM = "archive-problem", "{kind:archive}: {why:detail}"
    ARCHIVE_OVER_CAP = "archive-over-cap", "archive content over the cap of {cap:d} bytes (--max-archive-mb)"
    DECLARES_OVER_LEFT = "declares-over-left", "declares {size:d} bytes; {left:d} left under the archive cap"
    DECLARES_BOMB = "declares-bomb", "declares {size:d} bytes from {compressed:d} compressed (ratio over {ratio:word}, --max-archive-ratio)"
    INFLATES_PAST_DECLARED = "inflates-past-declared", "inflates past its declared size of {size:d} bytes"
    INFLATES_OVER_RATIO = "inflates-over-ratio", "inflates over ratio {ratio:word} (--max-archive-ratio)"
    OLE_NO_STREAM = "ole-no-stream", "embedded OLE object: its directory lists no stream"
    OLE10NATIVE_PAST_END = "ole10native-past-end", "Ole10Native: data of {size:d} bytes past the stream's end"
    OLE10NATIVE_HEADER_CUT = "ole10native-header-cut", "Ole10Native: a Package header cut short ({n:d} bytes)"
    # -- PowerPoint 97-2003 presentations (scanner.ppt97, docs22)
    PPT_UNREADABLE = "ppt-unreadable", "PowerPoint 97-2003: its compound file could not be read ({error:exc})"
    PPT95_NOT_READ = "ppt95-not-read", "PowerPoint 95 presentation (its Current User stream of {n:d} bytes): its text and tables are not read"
    PPT_TOO_MANY_RECORDS = "ppt-too-many-records", "PowerPoint 97-2003: more than {n:d} records; the rest not read"
    PPT_RECORDS_DAMAGED = "ppt-records-damaged", ("PowerPoint 97-2003: {n:d} record(s) run past their container or "
                                                  "are cut (the first: {at:word}); read up to the damage")
    PACKAGE_FOREIGN_MEMBER = "package-foreign-member", ("{n:d} member(s) that are none of its format's own parts (a "
                                                        "file hidden in the document?), each examined as a file of its "
                                                        "own: {members:name}")
    EMBEDDED_LOST_FROM_DIRECTORY = "embedded-lost-from-directory", "{n:d} embedded object(s) named by local headers are not in the zip directory (a damaged entry): not examined"
    STREAM_SHORT = "stream-short", "{stream:lib} stream holds {n:d} of {size:d} bytes"
    STREAM_OVER_FILE = "stream-over-file", "{stream:lib} stream declares {size:d} bytes, more than the {left:d} its compound file has left for it (its sectors shared with another stream, or a chain that loops): not read"
    EMBEDDED_OLE_PROBLEM = "embedded-ole-problem", "embedded OLE object: {why:detail}"
    OLE_COMPOBJ_NO_STREAM = "ole-compobj-no-stream", "embedded OLE object: its CompObj names {named:word} but it holds no stream of that class (workbook, WordDocument, PowerPoint Document, Package or Ole10Native)"
    EMBEDDED_ODF_PROBLEM = "embedded-odf-problem", "embedded OpenDocument object: {why:detail}"
    OLE_STREAM_BLOCKED = "ole-stream-blocked", "embedded OLE object: {stream:lib} stream {why:detail}"
    STREAM_BLOCKED = "stream-blocked", "{stream:lib} stream {why:detail}"
    # -- a compressed stream (.gz .bz2 .xz) that does not inflate to its end (inspectors.archive_formats.inflate_prefix)
    STREAM_ENDS_EARLY = "stream-ends-early", "the stream ends early"
    STREAM_DATA_AFTER_END = "stream-data-after-end", "data after the end of the stream"
    NOT_A_COMPRESSED_STREAM = "not-a-compressed-stream", "not a gzip, bzip2 or xz stream"
    LEGACY_EMBEDDED = "legacy-embedded", "{kind:word} embedded objects: {why:detail}"
    DIRECTORY_ENTRIES_UNREACHED = "directory-entries-unreached", "{n:d} directory entries in use are not reached from the root (damaged directory): embedded objects may be lost"
    COMPOUND_DAMAGED = "compound-damaged", "compound file damaged ({why:lib}): embedded objects beyond the damage may be lost"
    COMPOUND_CHAIN_LOOPS = "compound-chain-loops", "the compound file's directory chain loops back on itself (damaged FAT): the entries after the loop (embedded objects) are lost"
    NO_PPT_STREAM = "no-ppt-stream", "no PowerPoint Document stream is reached from the directory's root"
    OBJECT_STORAGES_ASTRAY = "object-storages-astray", "{n:d} object storage(s) outside an ObjectPool (a damaged name): not read"
    OBJECT_RECORDS_OVER = "object-records-over", "more than {n:d} object storage records; not read"
    NO_OBJECT_RECORD = "no-object-record", "the presentation lists embedded objects, but no object storage record (ExOleObjStg) could be read"
    OBJDATA_GROUPS_OVER = "objdata-groups-over", "more than {n:d} objdata groups; the rest not read"
    OBJDATA_OVER_CAP = "objdata-over-cap", "objdata over the archive cap (--max-archive-mb)"
    RTF_CUT = "rtf-cut", "the RTF file ends with {n:d} group(s) still open (cut short?): the objects after the cut are absent"
    XLS_WORKBOOK_NO_BOF = "xls-workbook-no-bof", "the workbook stream ({n:d} bytes, {zeros:d} of them NUL) does not begin with a BOF record (zeroed or overwritten): no worksheet could be read"
    # no longer written (ole19: an object's storage is written whole by scanner.cfbwrite); kept for older findings
    WORKBOOK_STREAM_OVER_6MIB = "workbook-stream-over-6mib", "workbook stream over 6 MiB: no room for it in a one-level FAT"
    RECORD_CUT = "record-cut", "record cut after {n:d} of {size:d} bytes"
    # -- disk images: UDIF and sparse bundles damaged, nested images (sources.image, image_bundle, sparse_bundle, inspectors.image)
    UDIF_PARTLY_DAMAGED = "udif-partly-damaged", "UDIF disk image partly damaged (libmodi refused it whole: {refusal:lib}); read table by table: {parts:detail}; the partitions and files there may be missing or damaged"
    UDIF_TABLE_DAMAGED = "udif-table-damaged", 'block table "{name:lib}" damaged ({why:lib}): {where:detail}'
    UDIF_SECTORS_ZEROED = "udif-sectors-zeroed", "the sectors no intact table covers ({ranges:lib}) read as zeros"
    UDIF_NONE_UNCOVERED = "udif-none-uncovered", "no sector left uncovered"
    UDIF_MORE_TABLES_DAMAGED = "udif-more-tables-damaged", "{n:d} more block tables damaged"
    UDIF_UNDECODED = "udif-undecoded", "chunks compressed as {kinds:lib} cannot be decoded here: files there are listed corrupt"
    BUNDLE_DAMAGED = "bundle-damaged", "macOS sparse bundle damaged: {bands:detail}; files whose bytes lie there may be damaged"
    BUNDLE_DAMAGED_MORE = "bundle-damaged-more", "macOS sparse bundle damaged: {bands:detail} (and {more:d} more); files whose bytes lie there may be damaged"
    BAND_UNEXAMINABLE = "band-unexaminable", "band {name:lib} cannot be examined ({library:lib}): read as zeros"
    BAND_NOT_REGULAR = "band-not-regular", "band {name:lib} is not a regular file: read as zeros"
    BAND_PAST_END = "band-past-end", "band {name:lib} lies past the disk's end ({size:d} bytes): not read"
    BAND_SHORT = "band-short", "band {name:lib} is {size:d} bytes of {wanted:d} (cut short?): its last {missing:d} bytes read as zeros"
    BAND_LONG = "band-long", "band {name:lib} is {size:d} bytes, longer than the band size ({wanted:d}): only its first bytes are part of the disk"
    BUNDLE_TOO_DEEP = "bundle-too-deep", "macOS sparse bundle inside {n:d} images: not opened; scan it as a SOURCE"
    BUNDLE_FOLDER_PROBLEM = "bundle-folder-problem", "macOS sparse bundle (this folder): {why:detail}"
    NESTED_WALK_STOPPED = "nested-walk-stopped", "nested image: walk stopped ({error:exc})"
    NESTED_WALK_INTERNAL_ERROR = "nested-walk-internal-error", ("nested image: walk stopped by leakscan's own code "
                                                                "({error:exc} at {where:word}): a bug in leakscan, not "
                                                                "damage to the image; the rest of it not examined")
    BUNDLE_ENCRYPTED = "bundle-encrypted", "encrypted macOS sparse bundle disk image ({shape:name}; its token holds an encrcdsa header): its bands need the image's password and no library here decrypts them: not examined; attach it on a Mac with the password (hdiutil attach) and scan the volume, or a decrypted copy (hdiutil convert -format UDRO)"
    BUNDLE_IN_FOLDER_WALK = "bundle-in-folder-walk", "macOS sparse bundle disk image ({shape:name}): met inside a folder walk, its bands are not walked one by one (each is a slice of the disk, not a file) and the disk inside is not examined here; scan the bundle folder itself as a SOURCE (copy it out first when it is on a share or inside an image): leakscan then assembles its bands and walks the disk (or on a Mac `hdiutil convert NAME.sparsebundle -format UDRO -o disk.dmg` and scan that)"
    # -- markup tables, recycle bins, usage traces, xlsb
    MHTML_NO_HTML = "mhtml-no-html", "MHTML without an HTML part"
    SPREADSHEETML_ENTITIES = "spreadsheetml-entities", "SpreadsheetML with entity declarations (never expanded; Excel writes none)"
    SPREADSHEETML_DAMAGED = "spreadsheetml-damaged", "SpreadsheetML: {error:exc}"
    RECYCLE_NOT_I_FILE = "recycle-not-i-file", "not a recycle bin $I file"
    RECYCLE_NOT_INFO2 = "recycle-not-info2", "not a recycle bin INFO2 file"
    INFO2_DAMAGED_RECORDS = "info2-damaged-records", "INFO2: {n:d} damaged record(s) not read"
    INFO2_OVER = "info2-over", "INFO2 of {size:d} bytes: the first {n:d} read"
    ARTEFACT_PROBLEM = "artefact-problem", "{kind:word} artefact: {why:detail}"
    ARTEFACT_PARTLY_READ = "artefact-partly-read", "{kind:word} artefact partly read: {why:detail}"
    XLSB_TRUNCATED = "xlsb-truncated", "xlsb: a binary part is truncated"
    XLSB_NO_END = "xlsb-no-end", "xlsb: a binary part ends before its End record"
    XLSB_NO_WORKBOOK = "xlsb-no-workbook", "xlsb: no xl/workbook.bin"
    XLSB_ROWS_BAD = "xlsb-rows-bad", "xlsb: rows out of order or past row 1048576"
    XLSB_CELL_BAD = "xlsb-cell-bad", "xlsb: cell outside a row or past column XFD"
    # -- markup tables cut short (scanner.markup)
    HTML_CUT_IN_TABLE = "html-cut-in-table", "HTML ends inside a table after row {n:d}"
    HTML_CUT = "html-cut", "HTML page cut after {n:d} bytes (no </html>, or inside a tag): what followed is lost"
    SPREADSHEETML_CUT_ERROR = "spreadsheetml-cut-error", "SpreadsheetML ends inside worksheet after row {n:d} ({error:exc})"
    SPREADSHEETML_CUT = "spreadsheetml-cut", "SpreadsheetML ends inside worksheet after row {n:d}"
    GNUMERIC_ENTITIES = "gnumeric-entities", "Gnumeric XML with entity declarations (never expanded; Gnumeric writes none)"
    GNUMERIC_DAMAGED = "gnumeric-damaged", "Gnumeric XML: {error:exc}"
    GNUMERIC_CUT_ERROR = "gnumeric-cut-error", "Gnumeric XML ends inside a sheet after row {n:d} ({error:exc})"
    GNUMERIC_CUT = "gnumeric-cut", "Gnumeric XML ends inside a sheet after row {n:d}"
    ODS_CONTENT_READ = "ods-content-read", "read from its content.xml"
    ODS_CONTENT_DAMAGED = "ods-content-damaged", "content.xml: {error:exc}"
    ODS_CONTENT_CUT = "ods-content-cut", "content.xml ends inside a table after row {n:d} ({error:exc})"
    ODS_MEMBER_CRC = "ods-member-crc", "a member of the package fails its CRC (damaged)"
    FODS_DAMAGED = "fods-damaged", "flat OpenDocument spreadsheet XML: {error:exc}"
    FODS_CUT = "fods-cut", "flat OpenDocument spreadsheet XML ends inside a table after row {n:d} ({error:exc})"
    # -- tables inside word-processing documents (scanner.doctables)
    DOCUMENT_ZIP_DAMAGED = "document-zip-damaged", "document zip directory unreadable ({error:exc}): parts read from their local headers"
    DOCUMENT_PART_DAMAGED = "document-part-damaged", "{part:word}: damaged member ({error:exc}), read as far as it inflates"
    DOCUMENT_MEMBER_DAMAGED = "document-member-damaged", "{part:word}: damaged member ({error:exc}), one the document's text is not read from"
    DOCUMENT_PART_CUT = "document-part-cut", "document part cut short after {n:d} bytes"
    FLAT_PART_BASE64 = "flat-part-base64", ("{part:word}: its base64 text is damaged, {n:d} bytes decoded before the "
                                            "damage")
    FLAT_PART_ALTERED = "flat-part-altered", ("{part:word}: its base64 text decodes to damaged bytes (a zip member "
                                              "fails its CRC, or bits are set past the last byte): a letter of it was "
                                              "changed")
    DOCUMENT_PART_MISSING = "document-part-missing", ("{part:word}: listed by the package, missing from it (its name "
                                                      "or its tags damaged?): what it held was not read")
    DOCUMENT_NAMESPACE_ODD = "document-namespace-odd", ("{part:word}: its tables' namespace is none of its format's "
                                                        "(DrawingML's, WordprocessingML's: its name damaged?): read as "
                                                        "its format's")
    DOCUMENT_NO_BODY = "document-no-body", "{part:word} (the document body) is missing from the package"
    DOCUMENT_XML_DAMAGED = "document-xml-damaged", "{part:word}: XML damaged ({error:exc}) after {n:d} table rows"
    DOCUMENT_CUT_IN_TABLE = "document-cut-in-table", "{part:word} ends inside a table after row {n:d}"
    RTF_TEXT_CUT = "rtf-text-cut", "RTF ends with {n:d} groups open (cut short): text after the cut is lost"
    RTF_CUT_IN_TABLE = "rtf-cut-in-table", "RTF ends inside a table after row {n:d}"
    RTF_MARKS_DAMAGED = "rtf-marks-damaged", ("RTF holding tables with {n:d} control words a byte off a table mark or "
                                              "control bytes in its text (damaged bytes): rows or cells may be merged, "
                                              "shifted or lost")
    WORD97_TABLES_UNREAD = "word97-tables-unread", "Word 97-2003 document holding tables ({n:d} cell marks): its tables could not be read (their paragraph properties are lost or say no table)"
    WORD6_NOT_READ = "word6-not-read", "Word 6.0/95 document ({n:d} table cell marks in its text): its tables are not read"
    WORD97_PIECES_DAMAGED = "word97-pieces-damaged", "Word 97-2003 text unreadable ({why:word})"
    WORD97_PARAGRAPHS_DAMAGED = "word97-paragraphs-damaged", "Word 97-2003 paragraph properties damaged ({why:word})"
    WORDML_NAMESPACE_DAMAGED = "wordml-namespace-damaged", ("Word 2003 XML whose namespace name is damaged "
                                                            "({name:lib}): read as Word 2003 XML")
    WORD97_ROW_CELLS = "word97-row-cells", "{n:d} table rows of this Word 97-2003 document hold another number of cells than their table definition says (a cell mark lost or added by damage): their cells may be shifted"
    WORD97_MARKS_UNPLACED = "word97-marks-unplaced", "{n:d} table cell marks of this Word 97-2003 document belong to no table read (their paragraph properties are lost): their cells are not read"
    # -- SQLite databases (scanner.sqlitedb)
    SQLITE_HEADER_CUT = "sqlite-header-cut", "SQLite database: its 100-byte header is cut short ({n:d} bytes)"
    SQLITE_PAGE_SIZE = "sqlite-page-size", "SQLite database: the header's page size is invalid (damaged header)"
    SQLITE_WAL_MODE = "sqlite-wal-mode", "SQLite database in WAL mode: read from this file; the frames of a -wal file beside it are not applied (that file is listed on its own)"
    SQLITE_CUT = "sqlite-cut", "SQLite database cut short: {have:d} of the {pages:d} pages its header counts (the missing pages read as empty)"
    SQLITE_PARTIAL_PAGE = "sqlite-partial-page", "SQLite database ends inside a page ({n:d} bytes of its last page)"
    SQLITE_SCHEMA = "sqlite-schema", "SQLite database: its schema cannot be read ({error:exc}); no table read"
    SQLITE_TABLES_OVER = "sqlite-tables-over", "SQLite database with more than {n:d} tables: not read"
    SQLITE_TABLE_DAMAGED = "sqlite-table-damaged", "SQLite table damaged after row {n:d} ({error:exc}): rows after it not read"
    SQLITE_CONTACTS_JOINED = "sqlite-contacts-joined", ("Android contacts database: its data rows (one attribute a row) "
                                                         "joined into one row per raw contact")
    SQLITE_CONTACTS_DELETED = "sqlite-contacts-deleted", ("Android contacts database: {n:d} of its contacts are marked "
                                                           "deleted on the phone; their data is still in the file and "
                                                           "they are counted with the others")
    SQLITE_TABLE_PAGES = "sqlite-table-pages", ("SQLite table damaged after row {n:d} ({error:exc}): {more:d} more row(s) "
                                                 "read from its intact pages past the damage, page by page")
    SQLITE_WAL_FILE = "sqlite-wal-file", "SQLite write-ahead log (-wal) with {n:d} frame(s): its frames are not read (the database beside it is read from its main file)"
    SQLITE_ENCRYPTED = "sqlite-encrypted", "named {ext:word} without a SQLite header and its bytes look random: an encrypted SQLite database (SQLCipher, SEE, wxSQLite3) most likely; not read without its key"
    SQLITE_NOT_DB = "sqlite-not-db", "named {ext:word} without a SQLite header (not a SQLite database, or its first page is damaged): not read"
    # -- worker processes, the resume state, text lines, BIFF workbooks, lock files, re-read records
    WORKER_NOT_STARTED = "worker-not-started", "worker process did not start ({why:lib})"
    WORKER_START_TIMEOUT = "worker-start-timeout", "worker process did not start within {seconds:word} s ({why:lib})"
    SCAN_ENDED_TWICE = "scan-ended-twice", "the scan ended twice while this file was being examined; not examined again (it may crash or exhaust the machine)"
    WORKER_LOST_TIMES = "worker-lost-times", "worker process {how:name} before examining it, {n:d} times"
    LINE_TOO_LONG = "line-too-long", "a line longer than {n:d} MiB (text table line cap)"
    NO_RECORDS_SHEET = "no-records-sheet", "no personal-records sheet found"
    PART_MISSING = "part-missing", "part missing"
    CIPHER_NOT_OPENED = "cipher-not-opened", "password-protected workbook: cipher {cipher:name} is not one msoffcrypto-tool opens (passwords not tried)"
    LOCK_FILE_DAMAGED = "lock-file-damaged", "lock file: {library:lib}"
    BIFF_NO_WORKSHEET = "biff-no-worksheet", "{what:word} without a worksheet (a chart or macro sheet)"
    BIFF_FILEPASS = "biff-filepass", "{what:word} with a password (FILEPASS): not decrypted"
    BIFF_NO_READER = "biff-no-reader", "{what:word}: no reader"
    # -- what a file named like a table holds instead (inspectors.spreadsheet)
    UNREAD_TABLE_FORMAT = "unread-table-format", "{what:word} ({ext:word}): no reader for this format; not examined"
    XPORT_CUT = "xport-cut", ("SAS transport file cut: it ends {n:d} bytes into an 80-byte record (it holds whole "
                              "records only): the rows before the cut were read, those after it are absent")
    STATS_UNREADABLE = "stats-unreadable", "statistics data file ({kind:word}) that could not be read ({library:lib}): damaged or cut?"
    STATS_SAS_UNREAD = "stats-sas-unread", ("SAS data file that ReadStat cannot read ({library:lib}) although its header "
                                            "is whole and the file as long as it says: a feature ReadStat lacks (a "
                                            "dataset of no variables ...) or damage inside a page; not examined")
    STATS_VERSION_UNREAD = "stats-version-unread", ("Stata data file of format {n:d} (the first Stata releases): no "
                                                    "reader here takes that format; not examined")
    DBF_NOT_DBASE = "dbf-not-dbase", ("named .dbf but its header is no dBase table's (damaged, or another program's "
                                      "file such as an Oracle data file): not read")
    DBF_HEADER_DAMAGED = "dbf-header-damaged", ("dBase table whose header is damaged (its first {n:d} bytes give no "
                                                "field list): not read")
    DBF_FIELDS_DAMAGED = "dbf-fields-damaged", ("dBase table whose field list is damaged after {n:d} fields: those "
                                                "fields were read, the later ones are absent")
    DBF_CUT = "dbf-cut", ("dBase table cut: {n:d} of the {total:d} records its header counts are absent (the records "
                          "before the cut were read)")
    DBF_MORE_RECORDS = "dbf-more-records", ("dBase table holding {n:d} whole records more than the {total:d} its "
                                            "header counts (its count damaged, or records appended): all were read")
    DBF_LAYOUT_DIFFERS = "dbf-layout-differs", ("dBase table whose fields fill {n:d} bytes of a record its header says "
                                                "is {size:d} bytes: its rows may be misread (a damaged header)")
    DBF_RECORDS_SHIFTED = "dbf-records-shifted", ("dBase table: {n:d} of its {total:d} records do not open with a "
                                                  "deletion flag (bytes zeroed, lost or added there): the records "
                                                  "after them read where they line up with the table's end, these as "
                                                  "they lie (their values may be empty or shifted)")
    DBF_MEMO_UNREAD = "dbf-memo-unread", ("dBase table with {n:d} memo fields: their text is kept in a separate memo "
                                          "file (.fpt/.dbt) not read with the table")
    DBF_MEMO_MISSING = "dbf-memo-missing", ("dBase table with {n:d} memo fields whose memo file (.fpt/.dbt of the same "
                                            "name) is not beside it: their text was not read")
    DBF_MEMO_ALONE = "dbf-memo-alone", ("memo file of a dBase table (.fpt/.dbt) with no table of its name beside it "
                                        "(removed, renamed, or beside another case of it): its memo values are read "
                                        "only with their table, so they were not examined")
    DBF_MEMO_UNREADABLE = "dbf-memo-unreadable", ("dBase table with {n:d} memo fields whose memo file beside it could "
                                                  "not be read ({why:detail}): their text was not read")
    DBF_MEMO_DAMAGED = "dbf-memo-damaged", ("memo file beside the dBase table: {n:d} of the {total:d} memo values "
                                            "read point past its end or to a damaged block (read as empty or as far as "
                                            "they go)")
    DBF_MEMO_TOO_LARGE = "dbf-memo-too-large", ("memo file beside the dBase table is larger than the inspect limit: "
                                                "{n:d} of the {total:d} memo values lie past its first {mib:d} MiB "
                                                "and were not read (raise --max-inspect-mb)")
    DBF_MEMO_READ = "dbf-memo-read", ("memo text read from {name:name} beside the table: that file holds these "
                                      "memo values (a copy or a removal of the table is one of both files)")
    DBF_MEMO_BINARY = "dbf-memo-binary", ("dBase table with {n:d} binary memo fields (pictures, OLE objects) in its "
                                          "memo file: not examined")
    # -- Microsoft Access databases (scanner.access)
    ACCESS_NOT_ACCESS = "access-not-access", ("named {ext:word} but its first bytes are no Access database's (damaged, "
                                              "or another program's file): not read")
    ACCESS_HEADER_DAMAGED = "access-header-damaged", ("Access database whose header is damaged (its first {n:d} bytes): "
                                                      "not read")
    ACCESS_UNSUPPORTED = "access-unsupported", "{what:word}: no reader for its encoded pages; not examined"
    ACCESS_VERSION_UNKNOWN = "access-version-unknown", ("Access database of a version no reader here knows (version byte "
                                                        "{n:d}): not read")
    ACCESS_ENCRYPTED = "access-encrypted", ("Access database ({version:word}) encrypted with a password: not examined; "
                                            "open it in Access with its password and save an unencrypted copy")
    ACCESS_CATALOG_DAMAGED = "access-catalog-damaged", ("Access database whose catalog (MSysObjects) is damaged: no "
                                                        "table found, not read")
    ACCESS_CATALOG_PARTIAL = "access-catalog-partial", ("Access database whose catalog (MSysObjects) lacks {n:d} of "
                                                        "the {total:d} objects it counts (damaged or cut): tables may "
                                                        "be missing from those read")
    ACCESS_TABLES_OVER = "access-tables-over", "Access database with more than {n:d} tables: not read"
    ACCESS_CUT = "access-cut", ("Access database cut inside a page (its last {n:d} bytes are no whole page): the pages "
                                "after the cut are absent")
    ACCESS_READ = "access-read", "Access database, {version:word}, text read as {encoding:word}"
    ACCESS_ENCODED = "access-encoded", ("Access database encoded (Jet's \"encrypt database\", with the key in its own "
                                        "header): its pages were decoded and read")
    ACCESS_LINKED = "access-linked", ("Access database with {n:d} linked table(s): their rows are kept in another "
                                      "database or server, not in this file")
    ACCESS_DEFINITION_DAMAGED = "access-definition-damaged", ("Access table whose definition (page {page:d}) is "
                                                              "damaged: its rows were not read")
    ACCESS_ROWS_DAMAGED = "access-rows-damaged", ("Access table with {n:d} damaged row(s) and {pages:d} damaged data "
                                                  "page(s): not read (the other rows were)")
    ACCESS_ROWS_MISSING = "access-rows-missing", ("Access table: {n:d} of the {total:d} rows its definition counts "
                                                  "were not found (pages cut off, zeroed or damaged)")
    ACCESS_DELETED_READ = "access-deleted-read", ("Access table with {n:d} row(s) marked deleted whose bytes are still in "
                                                  "the file: read and counted with the others")
    ACCESS_PAGES_FREED = "access-pages-freed", ("Access table with {n:d} data page(s) naming it that its page map no "
                                                "longer lists (freed: rows of earlier states of the table): not read")
    ACCESS_PAGES_UNMAPPED = "access-pages-unmapped", ("Access table read from {n:d} data page(s) naming it that no page "
                                                      "map lists (the map lost or damaged, or its pages lacking rows): "
                                                      "{rows:d} row(s) read where its definition counts {total:d}; rows "
                                                      "of freed pages (earlier states of the table) may be among them")
    ACCESS_OBJECTS_UNREAD = "access-objects-unread", ("Access table with {kinds:list} columns: their contents (files "
                                                      "and objects) are not examined")
    ACCESS_CODE_PAGE_GUESSED = "access-code-page-guessed", ("Access 97 database whose header names no code page known "
                                                            "here ({n:d}): its text read as {encoding:word}, the code "
                                                            "page its names and first rows read best in (a guess)")
    ACCESS_OBJECT_CUT = "access-object-cut", ("Access OLE object or attachment read short ({why:list}): {n:d} of its "
                                              "{size:d} bytes examined")
    ACCESS_OBJECT_OVER = "access-object-over", ("Access OLE object or attachment of {size:d} bytes over the in-memory "
                                                "cap {cap:d}: not examined")
    ACCESS_OBJECT_DAMAGED = "access-object-damaged", ("Access OLE object or attachment whose wrapping is damaged "
                                                      "({why:lib}): its file not examined")
    ACCESS_DROPPED_TABLE = "access-dropped-table", ("Access table no catalog entry names (dropped, or its entry lost) "
                                                    "whose definition is still on page {page:d}: its rows read from the "
                                                    "data pages naming it and counted")
    ACCESS_MEMO_CUT = "access-memo-cut", ("Access table with {n:d} memo value(s) read short ({why:list}): their text "
                                          "after the cut is not examined")
    SPSS_ENCRYPTED = "spss-encrypted", ("SPSS data file ({ext:word}) saved with a password (an encrypted wrapper): not "
                                        "examined; open it in SPSS with its password and save an unencrypted copy")
    TEXT_THEN_BINARY = "text-then-binary", "{what:word} at its start, binary bytes further on: not read as a table"
    NOT_A_TABLE_NAMED = "not-a-table-named", "{other:lib} named {ext:name}: not a table"
    # -- session 12: the last English-only details (biffold, contracts, a split part, a .msg under another name, the
    # image walker's name)
    BIFF_CUT_IN_HEADER = "biff-cut-in-header", "{what:word}: the record stream ends inside a record header at byte {at:d}"
    BIFF_RECORD_PAST_END = "biff-record-past-end", "{what:word}: a record runs past the end of the file at byte {at:d}"
    BIFF_NO_EOF = "biff-no-eof", "{what:word}: the record stream ends without the sheet's EOF record"
    ROWS_AFTER_LOST = "rows-after-lost", "rows after it lost"
    INSPECTOR_FAILED = "inspector-failed", "inspector {inspector:word} failed: {error:exc}"
    INSPECTOR_INTERNAL_ERROR = "inspector-internal-error", ("leakscan's own code failed in inspector {inspector:word} "
                                                            "({error:exc} at {where:word}): a bug in leakscan, not "
                                                            "damage to the file; not examined")
    SPLIT_PART_ALONE = "split-part-alone", "opened alone as {kind:archive}: {why:detail}"
    MSG_OTHER_NAME_BREAKS = "msg-other-name-breaks", ("an Outlook message (.msg) under this name: its directory chain "
                                                      "breaks ({error:exc}) before a body or attachment; not read as a "
                                                      "mail or a table")
    MSG_OTHER_NAME_LOOPS = "msg-other-name-loops", ("an Outlook message (.msg) under this name: its directory chain "
                                                    "loops (a damaged FAT) before a body or attachment; not read as a "
                                                    "mail or a table")
    WALKER_TSK = "walker-tsk", "The Sleuth Kit (deleted entries included)"
    WALKER_DFVFS = "walker-dfvfs", "dfvfs ({library:word}): allocated entries only, deleted files are not listed"
    # -- parts of a workbook no reader here decodes (tables' macro sheets, scanner.caches): said in "partially examined"
    MACRO_SHEET_ERROR = "macro-sheet-error", "macro sheet not examined ({error:exc})"
    MACRO_SHEET_NO_READER = "macro-sheet-no-reader", "macro sheet not examined (no reader found it)"
    PIVOT_BIFF5_UNREAD = "pivot-biff5-unread", "pivot cache not examined (xls BIFF5 storage {storage:lib})"
    PIVOT_XLSB_UNREAD = "pivot-xlsb-unread", "{n:d} pivot cache(s) not examined (xlsb binary part: {part:lib})"
    DATA_MODEL_UNREAD = "data-model-unread", "data model not read (Power Pivot, XPress9-compressed: {part:lib})"
    # -- a worker's result (scanner.isolation)
    OUT_OF_MEMORY_WORKER = "out-of-memory-worker", "out of memory while parsing (worker memory cap)"
    RESULT_TOO_LARGE = "result-too-large", "result too large to return"
    RESULT_NOT_TRANSFERABLE = "result-not-transferable", "result not transferable: {error:exc}"
    # -- a file read again for its persons (persons.reread, persons --export / verify)
    REREAD_NO_READER = "reread-no-reader", "no spreadsheet reader available"
    REREAD_OUTSIDE_SOURCE = "reread-outside-source", "its recorded path lies outside its source: not read"
    REREAD_CHANGED = "reread-changed", "SHA-256 is now {now:word}, the scan recorded {then:word}"
    REREAD_WALK_STOPPED = "reread-walk-stopped", "not found again, and the walk of its image stopped part-way: {why:detail}"
    REREAD_GONE = "reread-gone", "not found again in its source"
    # -- a hit checked again at its source (verify --sources)
    VERIFY_GONE = "verify-gone", "no file at this path any more"
    VERIFY_NOT_FOUND = "verify-not-found", "not found at its place (gone, or changed and no longer matching)"
    VERIFY_NOT_WALKED = "verify-not-walked", "not walked again: {why:detail}"
    VERIFY_NOT_HASHED = "verify-not-hashed", ("still at its place; never read in the scan (see its status): no "
                                              "SHA-256 to compare")
    VERIFY_SIZE_DIFFERS = "verify-size-differs", ("never read in the scan, and its size differs: {then:d} -> {now:d} "
                                                  "bytes")
    VERIFY_MTIME_DIFFERS = "verify-mtime-differs", ("never read in the scan, and its modification time differs: "
                                                    "{then:name} -> {now:name}")
    REFERENCE_CHANGED = "reference-changed", "the reference file changed since the scan"
    NOT_IN_FINDINGS = "not-in-findings", "not listed in findings.json"
    SOURCE_NOT_NAMED = "source-not-named", ("its source is not among the sources named on the command line (nor "
                                            "confirmed): not read again")
    # -- a SOURCE image that cannot be opened (scan.source_errors)
    SIGNED_UNOPENED = "signed-unopened", ("{format:word} image signature at the start, but it cannot be opened as one "
                                          "(a truncated or damaged copy?): {why:detail}")
    NOT_RECOGNISED_BY_DFVFS = "not-recognised-by-dfvfs", "not recognised by dfvfs"
    EWF_SEGMENT_FILES_MISSING = "ewf-segment-files-missing", "EWF image not readable: segment file missing: {names:lib}; {why:detail}"
    EWF_TRUNCATED = "ewf-truncated", "EWF image not readable: truncated, or a segment (.E02/.Ex02 ...) missing; {why:detail}"
    EWF_SIGNATURE_UNREADABLE = "ewf-signature-unreadable", "EWF signature, but not readable"
    # -- leakscan's own words once read back as a library's (Session 12 audit): MHTML damage, text decoding notes
    MHTML_CTE_NAME_DAMAGED = "mhtml-cte-name-damaged", ("MHTML: an HTML part's Content-Transfer-Encoding header name "
                                                        "is damaged ({name:lib})")
    MHTML_BASE64_DAMAGED = "mhtml-base64-damaged", "MHTML: an HTML part's base64 is damaged"
    MHTML_BASE64_CUT = "mhtml-base64-cut", ("MHTML: an HTML part's base64 is cut or damaged ({dropped:d} byte(s) outside "
                                            "base64, {left:d} left over): decoded as far as it goes")
    BYTES_REPLACED = "bytes-replaced", "partial ({n:d} bytes replaced)"
    NO_ENCODING_NOISE = "no-encoding-noise", "no recognisable encoding (reads as noise in {codec:word})"
    NO_ENCODING_UNDECODABLE = "no-encoding-undecodable", ("no recognisable encoding ({replaced:d} of {high:d} non-ASCII "
                                                          "bytes undecodable as UTF-8, cp932 or EUC-JP)")
    BIFF_FORMAT = "biff-format", "format: {what:word}, text in {codec:word}"
    BIFF_FORMAT_GUESSED = "biff-format-guessed", "format: {what:word}, text in {codec:word} (no CODEPAGE record: guessed)"
    QUOTING_CAPS = "quoting-caps", ("quoting: a quoted field from line {line:d} runs beyond the record caps; read line "
                                    "by line from there")
    QUOTING_UNCLOSED = "quoting-unclosed", ("quoting: a quoted field from line {line:d} runs to the end of the file "
                                            "unclosed; read line by line from there")
    QUOTING_LINES = "quoting-lines", ("quoting: a quoted field from line {line:d} runs over {n:d} lines; read line by "
                                      "line from there")
    IMAGE_OPEN_STOPPED = "image-open-stopped", "the image could not be opened: {why:detail}"
    IMAGE_WALKER_FAILED = "image-walker-failed", "the image walker failed: {why:detail}"
    DFVFS_LAYERS_UNREAD = "dfvfs-layers-unread", "dfvfs could not read the layers of the image: {library:lib}"
    DFVFS_FORMAT_UNKNOWN = "dfvfs-format-unknown", "dfvfs could not recognise the image format: {library:lib}"
    NOTHING_WALKABLE = "nothing-walkable", "nothing in the image could be walked: {reasons:detail}"
    NO_PARTITION_FOUND = "no-partition-found", "no partition, volume or file system found"
    EWF_VERIFIED_ONE_NOTHING = "ewf-verified-one-nothing", (
        "EWF image complete, its stored {hashes:word} matches (the media is as acquired): nothing in the image could "
        "be walked: {reasons:detail}")
    EWF_VERIFIED_NOTHING = "ewf-verified-nothing", (
        "EWF image complete, its stored {hashes:word} match (the media is as acquired): nothing in the image could be "
        "walked: {reasons:detail}")
    EWF_UNVERIFIED_NOTHING = "ewf-unverified-nothing", (
        "EWF image opened whole (not verified: --verify-images re-reads it against its stored hashes): nothing in the "
        "image could be walked: {reasons:detail}")
    EWF_DAMAGED_NOTHING = "ewf-damaged-nothing", (
        "EWF image damaged (its stored hashes do not match, or the verify pass stopped): nothing in the image could "
        "be walked: {reasons:detail}")
    EWF_UNREADABLE_NOTHING = "ewf-unreadable-nothing", (
        "EWF image not readable (truncated, or a segment missing?): nothing in the image could be walked: "
        "{reasons:detail}")
    MEDIA_FILE_NOT_REGULAR = "media-file-not-regular", ("{role:word} file {name:lib} is {what:word}: not followed "
                                                        "(evidence is read only where it lies)")
    QCOW2_FEATURE_UNREAD = "qcow2-feature-unread", ("QCOW2 image using {features:lib}, which libqcow does not read: "
                                                    "not examined; convert it with qemu-img (qemu-img convert -O raw "
                                                    "IMAGE disk.raw) and scan the copy ({library:lib})")
    IMAGE_UNOPENED = "image-unopened", "cannot open the {format:word} image ({library:lib})"
    IMAGE_UNOPENED_MISSING = "image-unopened-missing", "cannot open the {format:word} image: {missing:lib} ({library:lib})"
    IMAGE_CHAIN_FILE_MISSING = "image-chain-file-missing", (
        "cannot open the {format:word} image: a file further down its chain of backing or parent files is missing: "
        "{missing:lib}")
    QCOW2_BACKING_FORMAT_UNREAD = "qcow2-backing-format-unread", (
        "cannot open the QCOW image: its backing file {name:name} is a {format:word} image, which leakscan does not "
        "read as a backing disk: not examined; convert the chain with qemu-img (qemu-img convert -O raw IMAGE "
        "disk.raw) and scan the copy")
    IMAGE_PARENT_MISMATCH = "image-parent-mismatch", (
        "cannot open the {format:word} image: its parent {written:name} was found as {found:name}, which is another "
        "disk (its identifier {own:word}; the child expects {expected:word}): the right parent file is needed "
        "({library:lib})")
    IMAGE_PARENT_LOOP = "image-parent-loop", ("cannot open the {format:word} image: the parent chain loops back to "
                                              "{name:name} ({chain:name}), a damaged or crafted header; none of its "
                                              "files read")
    IMAGE_PARENT_CHAIN_LONG = "image-parent-chain-long", ("cannot open the {format:word} image: the parent chain is "
                                                          "longer than {n:d} images (at {name:name}); none of its "
                                                          "files read")
    EWF_NOT_FIRST_SEGMENT = "ewf-not-first-segment", (
        "segment {n:d} of an EWF set, not its first: it is read with the set's first segment (.E01/.Ex01) when both "
        "are in one folder; scan that folder or the first segment as a SOURCE")
    EWF_NOT_READABLE = "ewf-not-readable", "not a readable EWF image ({library:lib})"
    EWF_SEGMENTS_NOT_FOUND = "ewf-segments-not-found", "EWF segments not found ({library:lib})"
    IMAGE_ENDS_EARLY = "image-ends-early", "image ends early at byte {at:d} of {size:d}"
    # -- an SMB SOURCE that cannot be reached (scan.source_errors)
    SMB_NO_PASSWORD_GIVEN = "smb-no-password-given", "no SMB password given"
    SMB_NO_PASSWORD = "smb-no-password", ("no SMB password: set {env:word} (standard input is not a terminal, so "
                                          "leakscan cannot ask for it)")
    SMB_ROOT_UNLISTED = "smb-root-unlisted", "cannot list {path:lib} on //{host:lib}/{share:lib}: {why:detail}"
    SMB_NO_SUCH_FOLDER = "smb-no-such-folder", "no such folder on the share"
    SMB_LOGIN_REFUSED = "smb-login-refused", "SMB login refused for {account:lib} on {host:lib}: wrong user name or password"
    SMB_LOGIN_REFUSED_STATUS = "smb-login-refused-status", ("SMB login refused for {account:lib} on {host:lib}: wrong "
                                                            "user name or password ({status:word})")
    SMB_NO_SHARE = "smb-no-share", "no share named {share:lib} on {host:lib}"
    SMB_SHARE_DENIED = "smb-share-denied", "access to share {share:lib} on {host:lib} denied for {account:lib}"
    SMB_SERVER_REFUSED = "smb-server-refused", "SMB server {host:lib} refused the connection: {status:lib}"
    SMB_CANNOT_CONNECT = "smb-cannot-connect", "cannot connect to {host:lib}:{port:d}: {why:lib}"
    # -- Session 13 (the dynamic audit: tests/test_details13_dynamic.py): what reached a detail without a code
    RAISED = "raised", "the parser raised {error:exc}"  # an exception's type alone (isolation.guarded): never its message
    OS_ERROR = "os-error", "OS error {errno:word}: {library:lib}"  # an OSError: its errno's name, the OS's own text quoted
    ARTEFACT_PART_FAILED = "artefact-part-failed", "{where:name}: damaged, not read ({error:exc})"
    HIVE_TRUNCATED = "hive-truncated", "hive truncated: {size:d} of {declared:d} bytes"
    SHELLBAGS_OVER = "shellbags-over", "{where:name}: more than {n:d} shell bags, rest not read"
    JUMPLIST_STREAM_FAILED = "jumplist-stream-failed", "stream {entry:word}: not readable ({error:exc})"
    EMBEDDED_OBJECT_PROBLEM = "embedded-object-problem", "object {name:lib}: {why:detail}"
    MORE_PROBLEMS = "more-problems", "{n:d} more"
    NO_WORKER_OPENS_ON = "no-worker-opens-on", "worker {worker:lib}: {why:detail}"
    WORKER_OTHER_DIRECTORY = "worker-other-directory", "not the directory the scan process listed"
    WORKER_OTHER_IMAGE = "worker-other-image", "not the disk image surveyed"
    TASK_WORKERS_KILLED = "task-workers-killed", "KilledWorker: the workers running it died each time"
    DASK_SCHEDULER_LOST = "dask-scheduler-lost", ("the connection to the Dask scheduler was lost before this part "
                                                  "finished ({error:exc}); complete the scan with --resume")
    # -- a volume row's note (scan.source_details[].volumes[].note, ``note_codes``)
    RUNS_PAST_IMAGE_END = "runs-past-image-end", ("runs past the end of the image: {held:d} of its {described:d} bytes "
                                                  "are in the image (truncated image?); what lies in the part cut off "
                                                  "cannot be examined")
    TABLE_READ_DIRECTLY = "table-read-directly", ("the partition table was read directly; the library refused it: "
                                                  "{library:lib}")
    GPT_BACKUP_ONLY = "gpt-backup-only", ("listed only by the backup GPT at the disk's end ({name:name} there), not by "
                                          "the primary: walked as well")
    PARTITIONS_OVERLAP = "partitions-overlap", ("overlaps {others:name} in the partition table (damaged, or edited by "
                                                "hand); the bytes they share are walked in each")
    FS_AFTER_OVERLAP = "fs-after-overlap", ("a file system inside {name:name}, {at:d} bytes after its start, where "
                                            "{other:name} it overlaps ends (its table entry's start moved?): walked "
                                            "there")
    FILE_BLOCKS_READ_AS_ZEROS = "file-blocks-read-as-zeros", ("{n:d} bytes of its blocks lie in {names:name}, missing "
                                                               "and read as zeros: its content and hash are not the "
                                                               "original file's")
    PARTITION_WALKED_MOVED = "partition-walked-moved", ("{name:name}: no file system at the start its table entry "
                                                         "gives; its file system was found and walked as {moved:name}")
    LV_READ_JOINED = "lv-read-joined", "logical volume {shape:word}, read joined by leakscan from its metadata"
    LV_RUNS_PAST_PV = "lv-runs-past-pv", ("runs past the end of its physical volume: {held:d} of its {size:d} bytes are "
                                          "in it (damaged metadata?); the rest cannot be examined")
    QCOW_BACKING_SHORT = "qcow-backing-short", ("its QCOW2 backing file {name:name} holds {size:d} of the disk's "
                                                "{end:d} bytes: the rest reads as zeros (a disk grown after its backing "
                                                "file was made, or a backing file cut short?)")
    BANDS_ABSENT = "bands-absent", ("{absent:d} of {n:d} bands absent: read as zeros, as macOS reads them (never "
                                    "written, or lost in a copy)")
    # -- a workbook's caches (scanner.caches): which cache, and what is wrong with it
    CACHE_PIVOT = "cache-pivot", "pivot cache {n:d} ({part:lib})"
    CACHE_PIVOT_STORAGE = "cache-pivot-storage", "pivot cache ({part:lib})"
    CACHE_EXTERNAL = "cache-external-link", "external-link cache {n:d} ({part:lib})"
    CACHE_UNREADABLE = "cache-unreadable", "{what:detail}: not readable ({error:exc})"
    CACHE_FAILED = "cache-failed", "{what:detail}: not read: {why:detail}"
    CACHE_NO_RECORDS = "cache-no-records", "{what:detail}: no records kept"
    CACHE_CELLS_PAST_ITEMS = "cache-cells-past-items", ("{what:detail}: cells index past the cache items or out of "
                                                        "step: {count:d} (left empty)")
    CACHE_NO_EOF = "cache-no-eof", "{what:detail}: the cache stream ends before its EOF record (cut or damaged)"
    CACHE_DTD = "cache-dtd", "{what:detail}: a DTD in the part (never expanded; Excel writes none)"
    CACHE_XML_BREAKS = "cache-xml-breaks", "{what:detail}: XML ends or breaks ({error:exc})"
    CACHE_PART_DAMAGED = "cache-part-damaged", "{what:detail}: part damaged ({error:exc})"
    CACHE_RECORDS_MISSING = "cache-records-missing", "{what:detail}: records part missing ({part:lib})"
    CACHE_RECORDS_UNREADABLE = "cache-records-unreadable", "{what:detail}: records part not readable ({error:exc})"
    CACHE_CELLS_PAST_SHARED = "cache-cells-past-shared", ("{what:detail}: cells index past the shared items: {count:d} "
                                                          "(left empty)")
    CACHE_RECORDS_BREAK = "cache-records-break", "{what:detail}: records break off ({error:exc})"
    CACHE_RECORDS_STRAY = "cache-records-stray", ("{what:detail}: records out of place: {count:d} (cells outside a "
                                                  "cached sheet, or unknown records inside one: not read)")
    CACHE_ENDS_IN_SHEET = "cache-ends-in-sheet", "{what:detail}: the part ends inside a cached sheet"
    # -- damaged tables said by leakscan's own readers (vcard, biffold, markup, tables)
    VCARD_UNCLOSED = "vcard-unclosed", ("{n:d} card(s) without END:VCARD (a cut or damaged file): cards or lines may "
                                        "be lost")
    SQL_ROWS_UNPARSED = "sql-rows-unparsed", ("SQL dump: {n:d} value list(s) could not be parsed (damaged): skipped, the "
                                              "rows after them read")
    UTF16_REALIGNED = "utf16-realigned", ("UTF-16 text out of step by one byte at {n:d} place(s) (a byte added or "
                                          "lost there): read on in step after that line, the line itself damaged")
    SQL_DUMP_CUT = "sql-dump-cut", "SQL dump cut short (it ends inside a statement, or its closing line is missing): rows may be lost"
    SYLK_CUT = "sylk-cut", "SYLK spreadsheet cut short (no end record): {n:d} row(s) read, rows after them may be lost"
    SYLK_OUTSIDE = "sylk-outside", "SYLK spreadsheet: {n:d} cell(s) placed outside any sheet's size (damaged), not read"
    SYLK_RECORDS_DAMAGED = "sylk-records-damaged", ("SYLK spreadsheet: {n:d} cell record(s) whose separator or field "
                                                    "letter is damaged: a cell may be lost or read at the place of the "
                                                    "one before it")
    DIF_LINES_DAMAGED = "dif-lines-damaged", ("DIF spreadsheet: {n:d} line(s) out of step (a line lost, added or "
                                              "damaged): read on from the next value, a value there may be lost")
    JSON_DAMAGED = "json-damaged", "JSON damaged or cut ({error:exc}): the {n:d} record(s) that still parse were read"
    JSON_KEY_MENDED = "json-key-mended", ("JSON: {n:d} record(s) hold a key one character off the key the other records "
                                          "hold (a damaged byte): read under the others' key")
    # -- XML exports of records (scanner.xmlrecords, xml19)
    XML_RECORDS_CUT = "xml-records-cut", ("XML cut short (it ends inside its elements): the {records:d} record(s) "
                                          "before the cut were read")
    XML_RECORDS_DAMAGED = "xml-records-damaged", ("XML damaged in {n:d} place(s), the first on line {line:d}: read on "
                                                  "from the next element after each; {records:d} record(s) read")
    XML_RECORDS_DAMAGED_CUT = "xml-records-damaged-cut", ("XML damaged in {n:d} place(s), the first on line {line:d}, "
                                                          "and cut short: {records:d} record(s) read")
    XML_RECORDS_DAMAGED_STOPPED = "xml-records-damaged-stopped", (
        "XML damaged in more than {n:d} places, the first on line {line:d}: the rest was not read; {records:d} "
        "record(s) read")
    XML_TOO_DEEP = "xml-too-deep", ("XML nested deeper than {limit:d} elements (on line {line:d}), past the XML "
                                    "parser's limit: nothing from that depth on was read; {records:d} record(s) read")
    XML_RECORD_KINDS_LEFT = "xml-record-kinds-left", "XML: {n:d} more kind(s) of record not read (the first 32 are)"
    XML_FIELDS_BY_VALUE = "xml-fields-by-value", ("XML whose records name their fields by values (<field name=\"name\">, "
                                                  "a FileMaker export's FIELD NAME), a person's among them: not read")
    XML_PATHS_LEFT = "xml-paths-left", "XML with more than {n:d} different paths of elements: elements past them not read"
    VCARD_ZEROED = "vcard-zeroed", ("a block of NUL bytes inside the address book (zeroed or lost on disk): cards in it "
                                    "are lost")
    BIFF_ODD_SHEET_TYPE = "biff-odd-sheet-type", ("{what:word}: a sheet's BOF record names sheet type {kind:word}, read "
                                                  "as a worksheet")
    SPREADSHEETML_ENDS_AFTER = "spreadsheetml-ends-after", "SpreadsheetML ends after worksheet {n:d} ({error:exc})"
    BIFF5_CALAMINE_MISREADS = "biff5-calamine-misreads", ("read by leakscan's BIFF5 reader (calamine misreads the text "
                                                          "of this Excel 5/95 workbook)")
    # -- a GPT read directly (sources.image_sniff): what is wrong with its copies (a volume row's note, a slot's skip)
    GPT_HEADER_CHECKSUM = "gpt-header-checksum", "its header's checksum does not match"
    GPT_ENTRIES_CHECKSUM = "gpt-entries-checksum", "its partition entries' checksum does not match"
    GPT_HEADER_MISSING = "gpt-header-missing", "its header is missing"
    GPT_ENTRY_NONSENSE = "gpt-entry-nonsense", ("its GPT entry makes no sense: it ends (sector {last:d}) before it starts "
                                                "(sector {start:d}); where its data lie is not known, so it is not "
                                                "examined")
    GPT_PRIMARY_DAMAGED = "gpt-primary-damaged", ("the primary GPT at the start of the disk is damaged ({why:detail}); the "
                                                  "partitions were read from the backup GPT at the disk's end")
    GPT_PRIMARY_DAMAGED_ENTRIES = "gpt-primary-damaged-entries", (
        "the primary GPT at the start of the disk is damaged ({why:detail}); the partitions were read from the backup "
        "GPT at the disk's end, whose entries' checksum holds although {other:detail}")
    GPT_NO_WHOLE_BACKUP = "gpt-no-whole-backup", ("the GPT is damaged ({why:detail}) and no whole backup GPT was found: "
                                                  "its entries were read as they stand")
    GPT_BACKUP_DIFFERS_AT = "gpt-backup-differs-at", "{name:name} at byte {at:d}, {size:d} bytes in the backup"
    GPT_BACKUP_DIFFERS_ABSENT = "gpt-backup-differs-absent", "{name:name} absent or unusable in the backup"
    GPT_BACKUP_DISAGREES = "gpt-backup-disagrees", (
        "the backup GPT at the disk's end disagrees with the primary GPT ({differ:detail}): the primary, whose checksums "
        "hold, was walked (edited by hand, to hide a partition, or an older layout?)")
    GPT_BACKUP_DISAGREES_WALKED = "gpt-backup-disagrees-walked", (
        "the backup GPT at the disk's end disagrees with the primary GPT ({differ:detail}): the primary, whose checksums "
        "hold, was walked, and what only the backup lists as backup-pN (edited by hand, to hide a partition, or an "
        "older layout?)")
    # -- a worker's memory cap not applied (isolation: scan.limit_notes), a sparse bundle read from its plist's copy
    WORKER_CAP_NOT_APPLIED = "worker-cap-not-applied", ("worker memory cap of {gib:d} GiB not applied ({why:detail}): a "
                                                        "decompression bomb in a file can use all memory of this machine")
    NO_RESOURCE_MODULE = "no-resource-module", "no resource module on this platform"
    SETRLIMIT_FAILED = "setrlimit-failed", "setrlimit(RLIMIT_AS) failed: {error:exc}"
    BUNDLE_PLIST_FROM_BACKUP = "bundle-plist-from-backup", ("Info.plist damaged ({used:lib}): the disk's size and band "
                                                            "size were read from its copy Info.bckup")
    BACKEND_MISSING = "backend-missing", ("reading {what:lib} needs the Python package {dist:word}, which is not "
                                          "installed (python3 -m pip install {install:word})")
    # -- what is wrong with an incomplete split series (split_series.Series.problem)
    SERIES_FIRST_MISSING = "series-first-missing", "part {part:lib} missing"
    SERIES_PARTS_MISSING = "series-parts-missing", "missing: {parts:lib}"
    SERIES_PARTS_NOT_REGULAR = "series-parts-not-regular", "not here as regular files: {parts:lib}"
    SERIES_PARTS_SHORT = "series-parts-short", "shorter than the first part: {parts:lib}"
    SERIES_LAST_LONGER = "series-last-longer", ("last part longer than the first, and the joined parts are not the "
                                                "archive's own length: {parts:lib}")

_ORDER: tuple[Detail, ...] = ()


@cache
def _pattern(code: Detail) -> tuple[re.Pattern[str], dict[str, str]]:
    """The regular expression that reads ``code``'s template back, and its slots' kinds."""
    return re.compile(_pattern_text(code.meaning), re.DOTALL), _kinds(code)


@cache
def _kinds(code: Detail) -> dict[str, str]:
    """``code``'s slots and their kinds, without compiling its pattern (``say`` needs only these: ~100 us a code)."""
    return {m.group(1): m.group(2) or "word" for m in _SLOT.finditer(code.meaning)}


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
    return dict(_kinds(code))


def encodable(value: str) -> str:
    """``value`` as text that can be written: a file name that is not UTF-8 (its bytes surrogate-escaped, as a
    folder listing gives it) decoded as the walk shows it (cp932, else its bytes escaped). Total."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        raw = value.encode("utf-8", "surrogateescape") if _escaped_only(value) else value.encode("utf-8", "replace")
    try:
        return raw.decode("cp932")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


def _escaped_only(value: str) -> bool:
    return all(not 0xD800 <= ord(c) <= 0xDFFF or 0xDC80 <= ord(c) <= 0xDCFF for c in value)


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
    value = encodable(value)
    if kind == "word" and not _WORD.fullmatch(value):
        return None
    if kind == "exc" and not _EXC.fullmatch(value):
        return None
    if (kind == "mail" and value not in MAIL_KINDS) or (kind == "archive" and value not in ARCHIVE_KINDS):
        return None
    if kind == "name" and (SEP in value or "\n" in value):
        return None
    return value


class Said(str):
    """A detail's English text together with the codes it was said with (``codes``: what :func:`read_details`
    gives for a text, but recorded when the detail is written). findings.json records these codes as they are:
    a detail quoting a library's message may hold any words (a hostile file name quoted by The Sleuth Kit reading
    "... (it failed as corrupt: ...)"), and reading such a text back could take its own code away (review11d #5).
    A ``Said`` compares, hashes and serialises as its text; it keeps its codes through pickling (worker
    processes) but not through JSON, f-strings or slicing: such a text is read back (:func:`codes_of`)."""

    __slots__ = ("codes",)
    codes: list[dict[str, Any]]

    def __new__(cls, text: str, codes: list[dict[str, Any]]) -> Said:
        out = super().__new__(cls, text)
        out.codes = codes
        return out

    def __reduce__(self) -> tuple[Any, ...]:
        return (Said, (str(self), self.codes))


_NOT_PLAIN: Any = object()
_PLAIN_LEAVES = frozenset({str, int, bool, type(None)})


def _plain_copy(value: object, depth: int = 0) -> Any:
    """A copy of codes made only of dicts with text keys, lists, texts (``str`` itself, not a subclass), ints,
    booleans and None: what ``json.loads(json.dumps(value))`` gives for them, without the text round trip (a
    detail's codes are copied for each fake spreadsheet settled in the scan process). ``_NOT_PLAIN`` for anything
    else (a ``Said`` inside, a float, a tuple, a deep nest): the caller then makes the JSON round trip."""
    kind = type(value)
    if kind in _PLAIN_LEAVES:
        return value
    if depth > 50:
        return _NOT_PLAIN
    if kind is list:
        out = []
        for item in value:  # type: ignore[attr-defined]
            copied = _plain_copy(item, depth + 1)
            if copied is _NOT_PLAIN:
                return _NOT_PLAIN
            out.append(copied)
        return out
    if kind is dict:
        got = {}
        for key, item in value.items():  # type: ignore[attr-defined]
            if type(key) is not str:
                return _NOT_PLAIN
            copied = _plain_copy(item, depth + 1)
            if copied is _NOT_PLAIN:
                return _NOT_PLAIN
            got[key] = copied
        return got
    return _NOT_PLAIN


def codes_of(text: object) -> list[dict[str, Any]]:
    """The codes of a detail: as said (a :class:`Said`, a copy), else read back from its text (a detail that
    lost its codes on the way: a case written before them, the resume state, a text built without :func:`join_details`).
    Total: what cannot be read gives ``[{"text": ...}]``."""
    try:
        if isinstance(text, Said) and isinstance(text.codes, list):
            copied = _plain_copy(text.codes)
            return copied if copied is not _NOT_PLAIN else json.loads(json.dumps(text.codes, ensure_ascii=False))
        return read_details(str(text)) if text else []
    except Exception:  # noqa: BLE001 - runs while a failure is recorded: never raises
        log.debug("detail codes not read", exc_info=True)
        return [{"text": str(text)}]


def join_details(parts: Iterable[str]) -> str:
    """Detail parts joined with "; ", the codes of each kept (a :class:`Said` when any part is one). Total: a part
    that is no text is written as its ``str``."""
    parts = [p if isinstance(p, str) else str(p) for p in parts if p]
    text = SEP.join(parts)
    if not any(isinstance(p, Said) for p in parts):
        return text
    return Said(text, [c for p in parts for c in codes_of(p)])


_DOING = re.compile(r"(?:while reading|in the (?P<step>\S+) inspector)(?: \((?P<decoder>.*)\))?"
                    r"(?P<member>, on an archive member)?")


def _errno_of(e: BaseException) -> tuple[str | None, str]:
    """An OS error's errno name (EACCES; None without one) and the OS's own text."""
    return errno.errorcode.get(getattr(e, "errno", None) or -1), str(getattr(e, "strerror", None) or e or type(e).__name__)


def os_error(e: BaseException) -> str:
    """An OS error as a detail: its errno's name (EACCES, EIO: said in the reader's words) and the OS's own text
    quoted; an error without an errno as a library's error. Total: runs while a failure is recorded."""
    try:
        name, text = _errno_of(e)
        if name:
            return say(Detail.OS_ERROR, errno=name, library=text)
        return say(Detail.LIBRARY_ERROR, error=type(e).__name__, library=text)
    except Exception:  # noqa: BLE001 - never raises
        return say(Detail.RAISED, error=type(e).__name__)


def directory_error(e: BaseException) -> str:
    """A folder the OS would not open, as a detail: its errno's name said in the reader's words (EACCES), the OS's
    own text quoted; without an errno the bare text (``directory``). Total: runs while a failure is recorded."""
    try:
        name, text = _errno_of(e)
        if name:
            return say(Detail.DIRECTORY_OS_ERROR, errno=name, library=text)
        return say(Detail.DIRECTORY, library=text)
    except Exception:  # noqa: BLE001 - never raises
        return say(Detail.RAISED, error=type(e).__name__)


# a member's damage that says its bytes before a break "were read", and what it says when no reader takes the
# member (review13e #7): the claim replaced, the parameters (and the inner detail's codes) kept
_UNREAD = {Detail.ONLY_BEFORE_BREAK: Detail.BREAK_UNREAD, Detail.MEMBER_BREAKS_AFTER: Detail.MEMBER_BREAKS_UNREAD,
           Detail.ZIP_MEMBER_LOCAL_CUT: Detail.ZIP_MEMBER_LOCAL_CUT_UNREAD}


def unread(damage: str) -> str:
    """``damage`` (a member's, said when it was given up to a break) for a member that no reader took: a part that
    says its bytes "were read" says they were kept, unread. Total: any other detail is returned as it is."""
    try:
        items = codes_of(damage)
        old = next((d for d in _UNREAD if len(items) == 1 and items[0].get("code") == d.value), None)
        if old is None:
            return damage
        code = _UNREAD[old]
        head, tail = _SLOT.split(old.meaning)[0], _SLOT.split(old.meaning)[-1]
        new_tail = _SLOT.split(code.meaning)[-1]
        text = str(damage)
        if not (text.startswith(head) and text.endswith(tail)):
            return damage
        new_head = _SLOT.split(code.meaning)[0]
        return Said(new_head + text[len(head):len(text) - len(tail)] + new_tail, [{**items[0], "code": code.value}])
    except Exception:  # noqa: BLE001 - runs while a failure is recorded: never raises
        log.debug("damage not re-said", exc_info=True)
        return damage


_SPAN = re.compile(r"(?: \(bytes (?P<start>\d+) (?:to (?P<end>\d+) of the media|onwards of the disk)\))?"
                   r"(?: \((?P<sizes>extent file .+?): read as far as both go\))?"
                   r"(?: \(present but after the cut, so not read: (?P<between>.+)\))?")
_EXTENT_SIZE = re.compile(r"extent file (.+?) holds (\d+) bytes where the descriptor says (\d+)(?:, |$)")


def span_parts(text: object) -> dict[str, Any] | None:
    """The parts of ``media-file-missing``'s ``{span:name}`` (sources.image: the bytes of the media a missing
    segment or extent leaves unread, the extent files cut short, those present after the cut), read back so a
    report says them in its own words; None for an empty span or other text. Total."""
    found = _SPAN.fullmatch(text) if isinstance(text, str) and text else None
    if found is None:
        return None
    sizes = [(m[1], int(m[2]), int(m[3])) for m in _EXTENT_SIZE.finditer(found["sizes"] or "")]
    if found["sizes"] and "".join(m[0] for m in _EXTENT_SIZE.finditer(found["sizes"])) != found["sizes"]:
        return None
    return {"start": int(found["start"]) if found["start"] else None,
            "end": int(found["end"]) if found["end"] else None, "sizes": sizes,
            "between": found["between"].split(", ") if found["between"] else []}


def doing(step: str | None, decoder: str | None, member: bool) -> str:
    """What a worker was doing when it died or hung (``{doing:name}`` of WORKER_DIED / WORKER_HUNG), in the
    English of findings.json; :func:`doing_parts` reads it back so a report says it in its own language."""
    said = f"in the {step} inspector" if step else "while reading"
    if decoder:
        said += f" ({decoder})"
    return said + (", on an archive member" if member else "")


def doing_parts(text: object) -> dict[str, Any] | None:
    """The step (None: reading), decoder and member flag of a :func:`doing` phrase; None for other text. Total."""
    found = _DOING.fullmatch(text) if isinstance(text, str) else None
    if found is None:
        return None
    return {"step": found["step"], "decoder": found["decoder"], "member": bool(found["member"])}


def say(code: Detail, **params: object) -> str:
    """The English text of ``code`` with its parameters (checked: counts, short ASCII words, library text): a
    :class:`Said` carrying its codes (the parameters as given, another detail's codes as it was said).

    Total, since it runs while a file's failure is being recorded: a value not of its slot's kind (it could be a
    cell's text) or a missing one is written as ``?`` and logged without the value; it never raises."""
    kinds = _kinds(code)  # (read only: the cached dict itself, no copy a call)
    filled: dict[str, str] = {}
    item: dict[str, Any] = {"code": code.value}
    for name, kind in kinds.items():
        given = params.get(name)
        text = _checked(kind, given) if name in params else None
        if text is None:
            log.debug("detail %s: parameter %s %s; written as ?", code.value, name,
                      "absent" if name not in params else "refused (its value is not written)")
            text = "?"
        filled[name] = text
        if kind == "detail":
            item[name] = codes_of(given if text != "?" else text)
        elif kind == "d":
            item[name] = int(text) if text != "?" else text
        elif kind == "list":
            item[name] = text.split(" + ")
        else:
            item[name] = text
    if not kinds.keys() >= params.keys():
        for name in set(params) - set(kinds):
            log.debug("detail %s: unknown parameter %s ignored", code.value, name)
    return Said(_plain(code).format_map(filled), [item])


@cache
def _plain(code: Detail) -> str:
    """``code``'s text with its slots as ``str.format`` fields (``{n:d}`` -> ``{n}``), made once a code: every
    ``say`` made it again with a regex substitution (~8 us of ~20, issue 11: a fake document's listing says two or
    three details)."""
    return _SLOT.sub(lambda m: "{" + m.group(1) + "}", code.meaning)


def _value(kind: str, text: str) -> Any:
    if kind == "d":
        return int(text)
    if kind == "list":
        return text.split(" + ")
    if kind == "detail":
        return read_details(text)
    return text


# Tried before any other code: a wrapper around another code's sentence whose own words are few but distinctive
# ("{why} (it failed as {reason}: {then})" around "the scanned folder cannot be reached any more (...)")
_FIRST = ("lost-after-failing",)
# Tried after the codes with as many words of their own: any "Word: text" reads as an exception and its message
_LAST = ("library-error",)


def forget_patterns() -> None:
    """Empty every cache of the codes' sentences (a test that rewords a code, before and after)."""
    global _ORDER
    for cached in (_pattern, _kinds, _plain, _spanning, _run_pattern, _read_json, _rank, _literal_ends):
        cached.cache_clear()
    _ORDER = ()


def _specific_first() -> tuple[Detail, ...]:
    global _ORDER
    if not _ORDER:  # the most literal text first: "device, pipe or socket: not read" before "{kind}: not read"
        _ORDER = tuple(sorted(Detail, key=lambda c: (c.value not in _FIRST, -len(_SLOT.sub("", c.meaning)),
                                                  c.value in _LAST)))
    return _ORDER


@cache
def _rank() -> dict[Detail, int]:
    """Each code's place in the order codes are tried (the most specific first)."""
    return {code: i for i, code in enumerate(_specific_first())}


class _Head:
    """The head a run's first part must start with for ``code`` to say the run (see ``_spanning``): the words before
    the head's first parameter are compared first, and the head's pattern is compiled only for a part that has
    them (a scan reads a few detail texts; compiling the ~280 heads up front cost ~25 ms in every process that
    read one, the scan's and each worker's)."""

    __slots__ = ("code", "words", "text", "pattern")

    def __init__(self, code: Detail, words: str, text: str | None) -> None:
        self.code, self.words, self.text = code, words, text
        self.pattern: re.Pattern[str] | None = None

    def match(self, part: str) -> bool:
        if self.text is None:  # the head's pattern would be ".*?" + the words: the words anywhere in the part
            return self.words in part
        if not part.startswith(self.words):  # what the pattern's literal start asks
            return False
        if self.pattern is None:
            self.pattern = re.compile(self.text, re.DOTALL)
        return self.pattern.match(part) is not None


@cache
def _spanning() -> tuple[_Head, ...]:
    """The codes whose text may span parts ("; " in their sentence, or another detail in it), each with the
    head (its sentence up to the first "; " or nested detail) that the run's first part starts with: only those
    codes can say a run of parts, so a run is tried only where one of them starts."""
    out = []
    for code in _specific_first():
        nested = re.search(r"\{\w+:detail\}", code.meaning)
        ends = [i for i in (code.meaning.find(SEP), nested.start() if nested else -1) if i >= 0]
        if ends and min(ends) == 0:  # it starts with another detail: its head is its first words after that one
            after = code.meaning[nested.end():] if nested else ""
            out.append(_Head(code, _SLOT.split(after)[0].split(SEP)[0], None))
        elif ends or (lib := _inner_lib(code.meaning)) is not None:  # (a library message inside its sentence may
            head = code.meaning[:min(ends)] if ends else code.meaning[:lib]  # hold "; ")
            first = _SLOT.search(head)
            out.append(_Head(code, head[:first.start()] if first else head, _pattern_text(head)))
    return tuple(out)


def _inner_lib(template: str) -> int | None:
    """Where the first library message (``{x:lib}``) after some words of the sentence and followed by more of it
    starts in ``template`` ("{name}: walk stopped ({library})": the second), else None: a library's own message may
    hold "; " (The Sleuth Kit's "failed to read contents of symbolic link; expected ..."), so such a sentence may
    span parts (review11d). Its head (the sentence before it) has words of its own: only a part starting with them
    tries a run."""
    for m in _SLOT.finditer(template):
        if m.group(2) == "lib" and 0 < m.start() and template[m.start() - 1] != "}" and m.end() < len(template):
            return m.start()
    return None


def _tail(template: str) -> str:
    """The words ``template`` ends with after its last parameter: a run it says ends with them."""
    return _SLOT.split(template)[-1] if _SLOT.search(template) else template


@cache
def _run_pattern(code: Detail) -> re.Pattern[str]:
    """``code``'s pattern for a run of parts: a library message followed by more of its sentence may hold "; "."""
    out, at = [], 0
    for m in _SLOT.finditer(code.meaning):
        out.append(re.escape(code.meaning[at:m.start()]))
        inner = m.group(2) == "lib" and m.end() < len(code.meaning)
        out.append(f"(?P<{m.group(1)}>{'.+?' if inner else _KIND_PATTERN[m.group(2) or 'word']})")
        at = m.end()
    out.append(re.escape(code.meaning[at:]))
    return re.compile("".join(out), re.DOTALL)


def _read_run(text: str, code: Detail) -> dict[str, Any]:
    """A run of parts as ``code`` whose library message holds "; " (its pattern for runs), or ``{"text": text}``."""
    m = _run_pattern(code).fullmatch(text)
    if m is None:
        return {"text": text}
    kinds = _pattern(code)[1]
    return {"code": code.value, **{k: _value(kinds[k], v) for k, v in m.groupdict().items()}}


@cache
def _literal_ends(code: Detail) -> tuple[str, str]:
    """The words ``code``'s template starts with before its first parameter and ends with after its last (all of it
    without one): every text its pattern matches starts and ends with them, so a text that does not is not tried
    (nor its pattern compiled: a scan reads a few detail texts, and compiling the ~470 patterns they were tried
    against cost ~0.08 s; the ~130 templates that start with a parameter are told apart by their ends)."""
    slots = list(_SLOT.finditer(code.meaning))
    if not slots:
        return code.meaning, code.meaning
    return code.meaning[:slots[0].start()], code.meaning[slots[-1].end():]


def read_part(text: str, codes: tuple[Detail, ...] | None = None) -> dict[str, Any]:
    """One part of a detail as its code and parameters, or ``{"text": text}`` when no code says it."""
    for code in codes if codes is not None else _specific_first():
        head, tail = _literal_ends(code)
        if not text.startswith(head) or not text.endswith(tail):
            continue
        pattern, kinds = _pattern(code)
        m = pattern.fullmatch(text)
        if m is not None:
            return {"code": code.value, **{k: _value(kinds[k], v) for k, v in m.groupdict().items()}}
    return {"text": text}


def read_details(text: str) -> list[dict[str, Any]]:
    """A detail text as the codes it is made of, in order; parts no code says are ``{"text": ...}``. Parts are
    joined by "; "; a code whose own sentence holds "; ", or that takes another detail (``{inner:detail}``),
    takes the longest run of parts it says.

    A scan writes the same few details for thousands of files (4,470 skipped entries of a 20,000-file share say
    6 texts), and reading one tries every code's pattern: the reading of a text is kept (as JSON, so each caller
    gets objects of its own to change), for texts up to CACHED_DETAIL characters."""
    if len(text) > CACHED_DETAIL:
        return _read_details(text)
    return json.loads(_read_json(text))


CACHED_DETAIL = 1024  # the texts a scan repeats are a sentence or two; a long one (many parts) is read as it comes


@lru_cache(maxsize=2048)
def _read_json(text: str) -> str:
    return json.dumps(_read_details(text), ensure_ascii=False)


def _read_details(text: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    parts = text.split(SEP) if text else []
    i = 0
    while i < len(parts):
        alone = read_part(parts[i])
        spanning = tuple(head.code for head in _spanning() if head.match(parts[i]))
        if spanning and "code" in alone:  # a code that says this part alone wins over a looser code's run
            rank = _rank()
            spanning = tuple(code for code in spanning if rank[code] <= rank[Detail(alone["code"])])
        item, j = alone, i + 1
        for code in spanning:  # the most specific code first, each with its longest run
            if SEP not in code.meaning and "detail}" not in code.meaning:  # a library message holding "; ":
                if alone.get("code") == code.value:  # the part says it whole: the next part is another
                    continue
                tail = _tail(code.meaning)  # its shortest run, tried only where a part ends as its sentence does
                found = next((((said, k) for k in range(i + 2, min(len(parts), i + MAX_RUN) + 1)
                               if parts[k - 1].endswith(tail)
                               and "code" in (said := _read_run(SEP.join(parts[i:k]), code)))), None)
            else:
                found = next((((said, k) for k in range(min(len(parts), i + MAX_RUN), i + 1, -1)
                               if "code" in (said := read_part(SEP.join(parts[i:k]), (code,))))), None)
            if found is not None:
                item, j = found
                break
        out.append(item)
        i = j
    return out


def has_codes(text: str) -> bool:
    """Whether every part of a detail text is said by a code (none left as bare text)."""
    def coded(items: list[dict[str, Any]]) -> bool:
        return all("code" in d and all(coded(v) for v in d.values() if isinstance(v, list) and v
                                       and isinstance(v[0], dict)) for d in items)
    return coded(read_details(text))


# What a skipped entry's detail says about a place (scanner.completeness): codes, never a sentence's first words.
# A folder whose listing failed (the detail's first code):
FOLDER_NOT_LISTED = frozenset({Detail.DIRECTORY, Detail.DIRECTORY_OS_ERROR, Detail.DIRECTORY_NT_STATUS,
                               Detail.DIRECTORY_LISTING, Detail.DIRECTORY_NOT_READABLE,
                               Detail.DIRECTORY_NOT_LISTED, Detail.DIRECTORY_DISAPPEARED, Detail.DIRECTORY_REPLACED})
# a volume that holds no file system to list (swap, boot loader code): not an unlisted place
NOT_A_FILE_SYSTEM = frozenset({Detail.SWAP_NOT_CARVED, Detail.BOOT_CODE_NOT_CARVED})
# an image whose media is partly missing (the detail's first code): the partitions there are not listed
MEDIA_LOST = frozenset({Detail.MEDIA_FILE_MISSING, Detail.EXTENT_READ_AS_ZEROS, Detail.TRUNCATED_TABLE, Detail.TRUNCATED_FS,
                        Detail.FLAT_EXTENT_CUT, Detail.QCOW2_CUT_SHORT,
                        Detail.VHD_BLOCKS_PAST_END, Detail.VHD_BLOCKS_ON_METADATA, Detail.VHD_BLOCKS_OVERLAP,
                        Detail.VHD_BITMAP_DAMAGED, Detail.QCOW2_REFCOUNTS_EXCEEDED,
                        Detail.QCOW2_POINTER_MISALIGNED, Detail.QCOW2_CLUSTER_REUSED, Detail.QCOW2_POINTER_PAST_END,
                        Detail.QCOW2_COMPRESSED_MISREAD,
                        Detail.VHD_CHECKSUM_MISMATCH, Detail.VHD_FOOTER_COPY_DIFFERS,
                        Detail.MD_MEMBER_STALE, Detail.MD_SUPERBLOCK_DAMAGED,  # an md member left out
                        Detail.MD_MEMBER_DUPLICATE, Detail.MD_MEMBER_CONTRADICTED, Detail.MD_MEMBER_HASH_MISMATCH,
                        Detail.MD_ARRAY_UNREAD})  # an md array not rebuilt: none of its files listed
