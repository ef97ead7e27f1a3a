"""``leakscan persons OUT --export persons.xlsx``: the notification list of the persons affected.

findings.json holds counts and keyed fingerprints only, so this command reads the leaked files again
from where the scan found them (read-only, SHA-256 checked) and writes the deduplicated list for the
apology letters. It is the one output with personal data in clear: written 0600, only on request,
with a warning.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import stat
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..codes import MAIN_ROLE, SheetKind, Status, VerifyStatus
from ..config import ScanConfig
from ..errors import UsageError
from ..i18n import _
from ..output import write_private
from ..textsafe import shown
from . import argtypes
from .argtypes import EXIT_INCOMPLETE

# what a cell must not start with to be safe from formula injection (OWASP): = + - @ tab CR
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def role_label(role: str) -> str:
    """A role as the report names it in Japanese (pii_role_*: 所有者（住所は物件の所在地のことあり）, 世帯主), one wording for
    the report and the notification list (review16b: the list had its own, shorter table)."""
    from reports.labels import label

    return label(f"pii_role_{role}", "ja") or role

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ..evidence import FindingsDoc
    from ..scope import NamedSources


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "persons",
        help=_("show the persons affected; --export writes the notification list (.xlsx, personal data in clear)"),
        description=_("Print the person counts of a scan (records, distinct name + address strings, persons). With "
        "--export, read the leaked files again from where the scan found them (checking their SHA-256) and "
        "write the deduplicated list of persons (name, reading, postal code, address, role, in which files and "
        "how many times) as .xlsx, every value as text. That file holds personal data in clear: it is written 0600."),
    )
    p.add_argument("out", type=argtypes.path, metavar="OUT", help=_("the output folder of a scan (holding findings.json and case.key)"))
    p.add_argument("--export", type=argtypes.path, metavar="FILE.xlsx",
                   help=_("write the notification list here (personal data in clear, 0600)"))
    p.add_argument("--overwrite", action="store_true",
                   help=_("with --export: replace an existing file of that name (never done without it)"))
    p.add_argument("--sources", nargs="*", default=[], metavar="SOURCE",
                   help=_("with --export: the sources the leaked files may be read again from (as given to the scan; "
                   "--reference files too). A source findings.json names but you do not is asked about at a "
                   "terminal, else listed and not read"))
    argtypes.add_password_file(p, " (with --export: for leaked files that are encrypted or inside encrypted archives)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, argv: list[str]) -> int:
    from ..evidence import FINDINGS, read_findings  # the scan machinery loads when a command runs
    from ..scope import NamedSources, terminal_confirm

    doc, digest = read_findings(args.out)
    _require_vouched(args.out if args.out.is_dir() else args.out.parent, FINDINGS, digest, doc.persons)
    from ..consistency import require_consistent

    require_consistent(doc.to_json(), str(args.out / FINDINGS if args.out.is_dir() else args.out),
                       args.out if args.out.is_dir() else args.out.parent)
    persons = doc.persons
    if not persons:
        _refuse_not_combined(doc, args.out)
        raise UsageError(_("{0}: the scan found no leaked file to count (no --name, --known-hashes or --reference "
                           "hit)").format(args.out))
    if args.export is not None and args.export.suffix.lower() != ".xlsx":  # fail before printing anything
        raise UsageError(_("--export {0}: the notification list is written as .xlsx").format(args.export))
    if args.export is not None and not args.export.parent.is_dir():  # before every copy is read again
        raise UsageError(_("--export {0}: no folder {1} to write it in").format(args.export, args.export.parent))
    folder = args.out if args.out.is_dir() else args.out.parent
    if args.export is not None and folder.resolve() in args.export.resolve().parents:  # a sub-folder too
        raise UsageError(_("--export {0}: write it outside the output folder {1} (personal data in clear must not "
                           "sit among the evidence files)").format(args.export, folder))
    if args.export is not None:
        _refuse_export_in_sources(args.export, [*doc.scan.sources, *args.sources])
        _refuse_existing_export(args.export, args.overwrite)
    passwords = argtypes.passwords(args)  # a bad password file stops before anything is printed
    exact = "-" if persons.get("unique_exact") is None else persons["unique_exact"]  # None in a merged case
    print(_("records (duplicates included): {0}").format(persons["records"]), file=sys.stderr)
    print(_("distinct name + address:       {0}").format(exact), file=sys.stderr)
    print(_("persons:                       {0}").format(persons["unique"]), file=sys.stderr)
    if args.export is None:
        return 0
    people, problems, partial = collect(doc, args.out, NamedSources(args.sources, terminal_confirm()), passwords)
    for p in problems:
        print(_("leakscan: warning: {0}").format(shown(p)), file=sys.stderr)
    if not people and persons.get("unique"):  # Session 9: an empty list was written with exit 0
        raise UsageError(shown(_("--export {0}: no copy of the leaked files could be read again, so not one of the {1} "
                                 "persons is on the list; nothing written: name the sources the scan read with "
                                 "--sources (recorded: {2})").format(args.export, persons["unique"],
                                                                    ", ".join(doc.scan.sources))))
    write_export(args.export, people, doc, args.overwrite)
    print(_("leakscan: warning: {0} holds personal data IN CLEAR ({1} persons). It is readable by you only (0600); "
            "keep it out of shared folders and delete it when the letters are sent.").format(args.export, len(people)),
          file=sys.stderr)
    print(args.export)
    if partial:  # Session 10: a partial list exited 0, read by a script as the whole list
        print("leakscan: " + _("INCOMPLETE LIST: not every leaked file could be read again (see the warnings "
                               "above): persons the scan counted are missing from {0}").format(shown(args.export)),
              file=sys.stderr)
        return EXIT_INCOMPLETE
    return 0


def _refuse_not_combined(doc: FindingsDoc, out: Path) -> None:
    """A merged case whose inputs' persons could not be counted together (different case keys or person rules) holds
    no persons: said so, with each input's count and how to count them together; "the scan found no leaked file"
    was a wrong answer about a case whose scans found copies holding persons (Session 21)."""
    from ..evidence import persons_not_combined

    why = persons_not_combined(doc)
    if why is None:
        return
    merge = doc.sections.get("merge") or {}
    inputs = [i for i in merge.get("inputs") or [] if isinstance(i, dict)]
    counts = "; ".join(_("{0}: {1} persons (leakscan persons {0})").format(
        shown(str(i.get("folder"))), i.get("persons_unique") if type(i.get("persons_unique")) is int else "-")
        for i in inputs)
    if why == "case keys":
        raise UsageError(_("{0}: the scans merged here used different case keys (case.key), so their persons cannot "
                           "be counted together (one person in two scans would count twice). Each scan's own count: "
                           "{1}. To count them together: copy one case.key into every --out, scan again and merge "
                           "again").format(shown(str(out)), counts))
    raise UsageError(_("{0}: the scans merged here counted persons by different rules (leakscan version or person "
                       "rules), so their persons cannot be counted together. Each scan's own count: {1}. To count "
                       "them together: scan again with one leakscan version and merge again").format(
        shown(str(out)), counts))


def collect(doc: FindingsDoc, out: Path, named: NamedSources,
            passwords: tuple[str, ...] = ()) -> tuple[list[dict[str, Any]], list[str], bool]:
    """Re-read every leak-set file and group its rows into persons, as the scan counted them (only from the
    sources the examiner named or confirmed)."""
    # the person machinery and every inspector load here, not when the command line is parsed
    from ..details import Detail, say
    from ..persons.count import count, make_rows, probable_pairs, readings_of
    from ..persons.keys import CASE_KEY, fingerprint, read_key_file
    from ..persons.normalise import normalise_reading
    from ..persons.reread import Rereader, path_entry
    from ..registry import inspectors_for
    from ..scope import NOT_NAMED_DETAIL

    settings = doc.scan.settings
    config = ScanConfig(sources=list(doc.scan.sources), out=out,
                        max_inspect_bytes=_setting(settings, "max_inspect_bytes", ScanConfig.max_inspect_bytes),
                        max_cells=_setting(settings, "max_cells", ScanConfig.max_cells),
                        parse_timeout=float(_setting(settings, "parse_timeout", ScanConfig.parse_timeout)),
                        passwords=passwords)
    from ..image_walker import finder
    from ..work import WorkerSettings

    inspectors = inspectors_for(config)
    walker = WorkerSettings(config, tuple(i.name for i in inspectors), frozenset(), b"",
                            logging.getLogger("leakscan").getEffectiveLevel())
    reader = Rereader(config, inspectors, isolate=finder(walker))  # images: walked in a killable process
    by_id = {f.id: f for f in doc.files}
    problems: list[str] = []
    partial = False  # a leaked file not read again, or persons the scan counted missing from the list
    rows, labels = [], []
    persons = doc.persons or {}
    for i, f in enumerate(persons.get("files") or []):
        labels.append(f"#{f['id']} {f['path']}")
        if f["role"] == "reference":
            ref = f.get("source_path") or f["path"]
            if named.allows(ref):
                records, status, detail = reader.read(path_entry(ref))
            else:
                records, status, detail = None, VerifyStatus.NOT_NAMED, NOT_NAMED_DETAIL
            if status == Status.OK and f.get("sha256") and detail != f["sha256"]:
                records, status, detail = None, VerifyStatus.CHANGED, say(Detail.REFERENCE_CHANGED)
        elif f["id"] in by_id:
            records, status, detail = reader.recorded(by_id[f["id"]], named)
        else:
            records, status, detail = None, VerifyStatus.MISSING, say(Detail.NOT_IN_FINDINGS)
        if f.get("status", Status.OK) != Status.OK:
            continue  # not counted by the scan either
        if records is None:
            problems.append(_("#{0} {1}: not read again ({2}: {3}); its persons are missing from the list").format(
                f["id"], f["path"], status, detail))
            partial = True
            continue
        rows += make_rows(i, records)[0]
    counted = count(rows, unmask=True)
    folder = out if out.is_dir() else out.parent
    key = read_key_file(folder / CASE_KEY)  # checked (a regular file holding a key); never created here
    prints = {fingerprint(key, *k) for k in counted.persons} if key is not None else set()
    expected = set(persons.get("fingerprints") or [])
    if key is None:
        problems.append(_("no {0} in {1}: the list cannot be checked against the scan's count").format(CASE_KEY, folder))
    partial = partial or bool(expected and key is not None and expected - prints)
    if expected and key is not None and prints and prints.isdisjoint(expected):
        problems.append(_("not one person read again has a fingerprint the scan recorded: {0} in {1} is not the key "
                          "the scan counted with (replaced?), or every file changed").format(CASE_KEY, folder))
    elif expected and key is not None and prints != expected:
        problems.append(_("the files read again give {0} persons, the scan counted {1} ({2} missing, {3} new)").format(
            len(prints), len(expected), len(expected - prints), len(prints - expected)))
    review: dict[tuple[str, str], list[str]] = {}
    for rule, a, b in probable_pairs(list(counted.persons), readings_of(counted.persons)):
        note = {"kanji_probable": "斎/斉など似た漢字の別表記の可能性", "one_block_number": "番地が一つ違う別表記の可能性",
                "extra_number": "番地の末尾の数字（部屋番号または号）の有無が違う別表記の可能性",
                "no_address": "住所のない行と同一人物の可能性",
                "other_room": "同じ建物の別の部屋の同姓同名（別人として数えた。転居や部屋番号の誤りなら同一人物）",
                "kana_name": "カナで書かれた氏名がフリガナと一致"}
        for k in (a, b):
            review.setdefault(k, []).append(note.get(rule, rule))
    order = {label: i for i, label in enumerate(labels)}  # report order (#2 before #11), not string order
    people: list[dict[str, Any]] = []
    for key_, group in counted.persons.items():
        def most(field: str, group: list = group) -> str:
            values = Counter((r.fields.get(field) or "").strip() for r in group)
            values.pop("", None)
            return values.most_common(1)[0][0] if values else ""

        files = Counter(labels[r.file] for r in group)
        roles = dict.fromkeys(r.role or MAIN_ROLE for r in group)
        people.append({"name": most("name"), "reading": most("reading"), "postcode": most("postcode"),
                       "address": most("address"), "times": len(group),
                       "roles": "、".join(role_label(r) for r in roles),
                       "kind": "事業者の連絡先" if all(r.kind == SheetKind.BUSINESS for r in group) else "個人",
                       "files": "\n".join(f"{label} ({n})" for label, n in
                                          sorted(files.items(), key=lambda kv: order.get(kv[0], 0))),
                       "spellings": len({r.stages[0] for r in group}),
                       "check": "; ".join(dict.fromkeys(review.get(key_, [])))})
    people.sort(key=lambda p: (normalise_reading(p["reading"] or p["name"]), p["address"]))
    return people, problems, partial


def _setting(settings: dict[str, Any], name: str, default: int | float) -> int:
    """A cap recorded in findings.json (untrusted): a positive number, else the default."""
    v = settings.get(name, default)
    ok = isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v < float("inf")
    return v if ok else default  # type: ignore[return-value]


def as_text(value: object) -> object:
    """A cell value that a spreadsheet shows as text and never runs (OWASP CSV/formula injection).

    Numbers stay numbers; text is returned with characters openpyxl cannot store shown as ⟨U+XXXX⟩.
    The cell is then typed as a string and quote-prefixed by :func:`write_export`.
    """
    if not isinstance(value, str):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # lazy: only the export writes a workbook

    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", value)


def _append_text_row(ws: Worksheet, values: list[object]) -> None:
    """Append a row whose every text cell is a string cell, never a formula: ``=WEBSERVICE(…)``, ``+1``,
    ``-1``, ``@SUM``, a leading tab or CR stay text, and quotePrefix keeps them text when edited."""
    ws.append([as_text(v) for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if cell.value[:1] in FORMULA_STARTS:
                cell.quotePrefix = True


def _refuse_export_in_sources(export: Path, sources: list[str]) -> None:
    """Evidence is read-only: the notification list is never written into a scanned folder (a source the
    scan recorded, or one given with --sources)."""
    mine = os.path.realpath(export)
    for text in sources:
        if text.startswith("smb://"):
            continue
        folder = os.path.realpath(text)
        if mine == folder or mine.startswith(folder.rstrip(os.sep) + os.sep):
            raise UsageError(f"--export {export} is inside the source {text}: evidence must stay untouched; "
                             "write it outside the scanned folders")


def _require_vouched(folder: Path, findings: str, digest: str, persons: dict[str, Any] | None) -> None:
    """The counts and the key come from files the folder's manifest vouches for (an edited count or a
    swapped case.key is refused in one line, like merge and report do)."""
    import hashlib

    from ..evidence import read_case_file
    from ..output import require_intact, require_vouched
    from ..persons.keys import CASE_KEY, check_key_id, read_key_file

    require_vouched(folder, findings, digest)
    require_intact(folder)
    if os.path.lexists(folder / CASE_KEY):
        require_vouched(folder, CASE_KEY, hashlib.sha256(read_case_file(folder / CASE_KEY, 128)).hexdigest())
    check_key_id(persons or {}, read_key_file(folder / CASE_KEY), folder)


def _refuse_existing_export(path: Path, overwrite: bool) -> None:
    """An existing file at the export path is replaced only with --overwrite (and never a folder, a FIFO or a
    device, with or without it), checked before anything is read again."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as e:
        raise UsageError(f"--export {path}: cannot check it ({e.strerror or e})") from e
    if stat.S_ISDIR(st.st_mode):
        raise UsageError(f"--export {path}: is a folder; give the path of the .xlsx file to write")
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
        raise UsageError(f"--export {path}: exists and is not a regular file; choose another path")
    if not overwrite:
        raise UsageError(f"--export {path}: already exists (nothing was written); add --overwrite to replace it, "
                         "or choose another path")


def write_export(path: Path, people: list[dict[str, Any]], doc: FindingsDoc, overwrite: bool = False) -> None:
    """The .xlsx (openpyxl), written 0600 through output.write_private; every value written as text."""
    from openpyxl import Workbook  # lazy: only the export writes a workbook

    wb = Workbook()
    ws = wb.worksheets[0]  # a new workbook's one sheet (wb.active may be None for the type checker)
    ws.title = "本人一覧"
    ws.append(["No.", "氏名", "フリガナ", "郵便番号", "住所", "役割", "区分", "件数", "表記の数", "ファイル", "要確認"])
    for i, p in enumerate(people, 1):
        _append_text_row(ws, [i, p["name"], p["reading"], p["postcode"], p["address"], p["roles"], p["kind"],
                              p["times"], p["spellings"], p["files"], p["check"]])
    for col, width in zip("ABCDEFGHIJK", (6, 18, 20, 10, 48, 14, 12, 6, 8, 60, 30), strict=True):
        ws.column_dimensions[col].width = width
    info = wb.create_sheet("説明")
    case = doc.case
    for row in (["事案番号", case.get("id", "")], ["調査担当者", case.get("examiner", "")],
                ["本人の数", len(people)], ["スキャン開始", doc.scan.started],
                ["役割", "本人以外の役割（申込者、届先、保護者、世帯主、緊急連絡先、保証人、所有者）の人も一人として数えています。"],
                ["区分", "事業者の連絡先は、会社名の列と並んで書かれた人です（個人情報保護法上の個人データとして数えています）。"],
                ["注意", "個人情報を含みます。取扱いに注意し、用が済んだら削除してください。"]):
        _append_text_row(info, list(row))
    buf = io.BytesIO()
    wb.save(buf)
    try:
        write_private(path, buf.getvalue(), replace=overwrite)  # a file that appeared meanwhile: not replaced
    except FileExistsError as e:
        raise UsageError(f"--export {path}: appeared while the list was made (nothing was written); add "
                         "--overwrite to replace it") from e
    except OSError as e:
        raise UsageError(f"--export {path}: cannot write it ({e.strerror or e})") from e
