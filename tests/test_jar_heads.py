"""A Java archive's classes looked at cheaply, what hides among them still found (fix17a, issue 11).

Every member of a ``.jar`` with an extension no inspector knows (``.class``) had its first 512 bytes read to check
for a workbook or a table; the member's buffered reader inflated up to 8 KiB for them (~10 ms a Maven jar). A member
whose first inflated bytes are a compiled class (CAFEBABE) now has only those 512 bytes inflated (``class_head``);
any other goes through its reader as before, so a workbook or a person CSV renamed ``X.class``, or under any name in
a jar, is still read.
"""

from __future__ import annotations

import io
import random
import shutil
import struct
import subprocess
import tarfile
import zipfile
from pathlib import Path

import image_data
import pytest
from pii_data import csv_bytes, people, standard, xlsx_bytes
from test_split13_series import _scan

from scanner import examine
from scanner.config import ScanConfig
from scanner.demo import LEAKED_NAME
from scanner.inspectors.archive_formats import class_head
from scanner.pipeline import scan_context
from scanner.sources.local import LocalSource
from scanner.work import FileOutcome

N = 30


def _class(seed: int, size: int = 3000) -> bytes:
    """Bytes shaped like a compiled class: its magic and version, then a constant pool's repetitive names."""
    rnd = random.Random(seed)
    words = [b"java/lang/Object", b"Code", b"LineNumberTable", b"<init>", b"()V", b"SourceFile", b"StackMapTable"]
    body = b"".join(rnd.choice(words) + bytes([rnd.randrange(256)]) for _ in range(size // 8))
    return b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + body[:size]


def test_a_class_head_is_what_its_reader_gives_and_nothing_else_is_taken() -> None:
    buf = io.BytesIO()
    table = csv_bytes(standard(people(N, seed=171)), "utf-8")
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a/Big.class", _class(1, 20000))
        z.writestr("a/Small.class", _class(2, 600))
        z.writestr("a/Tiny.class", _class(3, 100))  # under 512 bytes: its reader checks its CRC, as before
        z.writestr(zipfile.ZipInfo("a/Stored.class"), _class(4))  # stored, not deflated
        z.writestr("a/Util.class", table)  # a CSV renamed as a class
        z.writestr("lib/名簿.class", xlsx_bytes({"名簿": standard(people(N, seed=172))}))
    data = buf.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        got = {i.filename: (class_head(data, i, 512), z.read(i)[:512]) for i in z.infolist()}
    for name in ("a/Big.class", "a/Small.class", "a/Stored.class"):
        head, read = got[name]
        assert head == read and len(head) == 512, name
    for name in ("a/Tiny.class", "a/Util.class", "lib/名簿.class"):
        assert got[name][0] is None, name


def test_tables_among_classes_are_still_read(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    jar = src / "app.jar"
    with zipfile.ZipFile(jar, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nMain-Class: app.Main\r\n\r\n")
        for k in range(40):
            z.writestr(f"app/C{k}.class", _class(k, 1500 + 97 * k))
        z.writestr("app/Util.class", csv_bytes(standard(people(N, seed=173)), "utf-8"))
        z.writestr("app/Sheet.class", xlsx_bytes({"名簿": standard(people(N, seed=174))}))
        z.writestr("res/blob", xlsx_bytes({"名簿": standard(people(N, seed=175))}))
    (src / "Report.class").write_bytes(xlsx_bytes({"名簿": standard(people(N, seed=176))}))
    rows, skipped = _scan(tmp_path, src)
    for member in (f"{jar} » app/Util.class", f"{jar} » app/Sheet.class", f"{jar} » res/blob", str(src / "Report.class")):
        assert rows[member]["pii"]["records"] == N, (member, rows.get(member), skipped.get(member))
    assert not [p for p in (*rows, *skipped) if "/C" in p and p.endswith(".class")]  # the classes: nothing to list


# a class whose first constants are a person table's header and rows (the likeliest text to look like a table)
_JAVA = """public class Roster {
    static final String TABLE = "氏名,住所,電話番号\\n山田太郎,東京都千代田区1-1,03-1234-5678\\n";
    static final String TSV = "name\\taddress\\tphone\\n";
    public static void main(String[] a) { System.out.println(TABLE + TSV); }
}
"""


def _real_classes(tmp: Path) -> dict[str, bytes]:
    """Classes compiled by javac here and the JDK's own (jrt-fs.jar), when this machine has them."""
    found: dict[str, bytes] = {}
    javac = shutil.which("javac")
    if javac is not None:
        (tmp / "Roster.java").write_text(_JAVA, encoding="utf-8")
        subprocess.run([javac, "-encoding", "UTF-8", "-d", str(tmp), str(tmp / "Roster.java")], check=True,
                       capture_output=True)
        found["Roster.class"] = (tmp / "Roster.class").read_bytes()
        jrt = Path(javac).resolve().parent.parent / "lib" / "jrt-fs.jar"
        if jrt.is_file():
            with zipfile.ZipFile(jrt) as z:
                classes = [i for i in z.infolist() if i.filename.endswith(".class")]
                for info in classes[:: max(1, len(classes) // 40)]:
                    found[info.filename.replace("/", "_")] = z.read(info)
    return found


@pytest.mark.parametrize("mode", ["auto", "off"])
def test_no_inspector_wants_a_compiled_class_so_it_is_settled_before_asking_them(
        mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``examine.compiled_class`` settles a CAFEBABE head under a .class name without asking the inspectors and the
    content check (a .jar's thousands of members): it must be what they all answer, for real and generated classes
    of any size, under any case of the name."""
    tree = tmp_path / "tree"
    tree.mkdir()
    classes = _real_classes(tmp_path)
    classes |= {f"Made{seed}.class": _class(seed, size) for seed, size in enumerate((20, 300, 511, 512, 600, 3000, 9000))}
    for name, data in classes.items():
        (tree / name).write_bytes(data)
        (tree / (name[:-6] + ".CLASS")).write_bytes(data)
    (tree / "Util.class").write_bytes(csv_bytes(standard(people(N, seed=177)), "utf-8"))  # asked as before: wanted
    config = ScanConfig(sources=[str(tree)], names=[LEAKED_NAME], out=str(tmp_path / "unused"), content_check=mode)

    def picked() -> dict[str, tuple[int, ...] | None]:
        ctx = scan_context(config)
        out: dict[str, tuple[int, ...] | None] = {}
        with LocalSource(str(tree)) as source:
            for batch in source.batches():
                for i in range(len(getattr(batch, "names", []))):
                    entry = batch.entry(i)  # type: ignore[union-attr]
                    cand = examine.pick(entry, ctx, FileOutcome())
                    out[entry.name] = None if cand is None else cand.wanted
        return out

    assert all(examine.compiled_class(name, lambda data=data: data[:512]) for name, data in classes.items())  # (else
    # the comparison below would hold without the settle ever running)
    settled = picked()
    monkeypatch.setattr(examine, "compiled_class", lambda name, head: False)
    asked = picked()
    assert settled == asked
    assert len(asked) == 2 * len(classes) + 1
    assert bool(asked.pop("Util.class")) == (mode == "auto")  # a table named as a class is read (unless the
    # content check is off: an extension nobody knows is then not sniffed for one)
    assert set(asked.values()) == {None}  # no inspector wants any class: nothing to read, nothing listed


# Files that start CAFEBABE under a .class name and are no compiled class (review18e): an inspector reads each. A disk
# image's first bytes are boot code or unused (ext's 1 KiB boot block), a tar's are its first member's name, a Mach-O
# universal binary starts CAFEBABE too (its architecture count where a class has its version)
def _crafted(tmp: Path) -> tuple[dict[str, bytes], dict[str, int]]:
    """The files, and the records each holds where the scan must find them (a file in an image, a tar member)."""
    table = csv_bytes(standard(people(N, seed=178)), "utf-8")
    stage = tmp / "stage"
    stage.mkdir()
    (stage / "meibo.csv").write_bytes(table)
    ext = bytearray(image_data.ext_image(tmp / "e.img", stage, 4).read_bytes())
    ext[:8] = CLASS_START  # ext's boot block (its first KiB) is not read by the file system
    fat = image_data.fat_image(tmp / "f.img", {"meibo.csv": table})
    disk = tmp / "disk.raw"
    image_data.partitioned_disk(disk, [(fat, "6")])
    mbr = bytearray(disk.read_bytes())
    mbr[:8] = CLASS_START  # boot code: the partition table is at 446
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w", format=tarfile.GNU_FORMAT, errors="surrogateescape") as t:
        for name in (CLASS_START.decode("utf-8", "surrogateescape"), "meibo.csv"):
            info = tarfile.TarInfo(name)
            info.size = len(table)
            t.addfile(info, io.BytesIO(table))
    fat_header = CAFE + struct.pack(">I6I", 2, 7, 3, 4096, len(table), 12, 0)  # a Mach-O universal binary's
    files = {"Ext.class": bytes(ext), "Mbr.class": bytes(mbr), "Tar.class": tar.getvalue(),
             "Mail.class": CAFE + b"From: a@example.com\r\nSubject: x\r\n\r\n" + table,  # a table under a title line
             "Fat.class": fat_header.ljust(4096, b"\0") + table}
    found = {"Ext.class » fs (ext4) » /meibo.csv": N, "Mbr.class » p1 (FAT16) » /meibo.csv": N, "Tar.class » meibo.csv": N}
    return files, found


CAFE = b"\xca\xfe\xba\xbe"
CLASS_START = CAFE + b"\x00\x00\x00\x34"  # and a class's version (Java 8): what compiled_class settles


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], dict[str, int]]:
    tmp = tmp_path_factory.mktemp("crafted")
    tree = tmp / "tree"
    tree.mkdir()
    files, found = _crafted(tmp)
    for name, data in files.items():
        (tree / name).write_bytes(data)
    return tree, files, found


def _picked(tree: Path, mode: str) -> dict[str, tuple[str, ...] | None]:
    config = ScanConfig(sources=[str(tree)], names=[LEAKED_NAME], out=str(tree.parent / "unused"), content_check=mode)
    ctx = scan_context(config)
    out: dict[str, tuple[str, ...] | None] = {}
    with LocalSource(str(tree)) as source:
        for batch in source.batches():
            for i in range(len(getattr(batch, "names", []))):
                entry = batch.entry(i)  # type: ignore[union-attr]
                cand = examine.pick(entry, ctx, FileOutcome())
                out[entry.name] = None if cand is None else tuple(ctx.inspectors[k].name for k in cand.wanted)
    return out


@pytest.mark.parametrize("mode", ["auto", "off", "all"])
def test_a_file_starting_cafebabe_that_is_no_class_is_asked_about_as_before(
        mode: str, crafted: tuple[Path, dict[str, bytes], dict[str, int]], monkeypatch: pytest.MonkeyPatch) -> None:
    tree, files, _ = crafted
    shaped = {name for name, data in files.items() if examine.compiled_class(name, lambda data=data: data[:512])}
    assert shaped == {"Ext.class", "Mbr.class", "Tar.class"}  # these two inspectors, which look past the magic, are
    # asked about them (the others are not); a Mach-O binary and text behind the magic are no class: all are asked
    settled = _picked(tree, mode)
    monkeypatch.setattr(examine, "compiled_class", lambda name, head: False)
    asked = _picked(tree, mode)
    assert settled == asked
    assert asked["Ext.class"] == asked["Mbr.class"] == ("image",) and asked["Tar.class"] == ("archive",)
    assert asked["Fat.class"] is None  # a Mach-O universal binary: nothing reads one


def test_disk_images_and_a_tar_named_as_classes_are_read(
        crafted: tuple[Path, dict[str, bytes], dict[str, int]], tmp_path: Path) -> None:
    tree, _, found = crafted
    rows, skipped = _scan(tmp_path, tree)
    for member, records in found.items():
        path = f"{tree}/{member}"
        assert ((rows.get(path) or {}).get("pii") or {}).get("records") == records, (member, sorted(rows), skipped)


def test_the_cheap_first_looks_of_the_image_and_archive_inspectors_answer_as_the_full_ones() -> None:
    """Asked about every class a .jar holds (above), the image inspector counts a head's halves before its distinct
    byte values, and the archive inspector matches all its start magics in one call: the same answers."""
    from scanner.inspectors import archive, image

    rnd = random.Random(180)
    heads = [rnd.randbytes(512) for _ in range(300)]  # ciphertext: ~221 values
    heads += [bytes(rnd.randrange(lo, lo + span) for _ in range(512))
              for lo, span in ((0, 256), (0, 200), (40, 216), (0, 128), (128, 128), (60, 140)) for _ in range(50)]
    heads += [_class(seed, 600)[:512] for seed in range(50)]
    heads += [bytes(rnd.choices(range(256), k=512, weights=[8 if b < 128 else 1 for b in range(256)])) for _ in range(200)]
    heads += [bytes(rnd.choices(range(256), k=512, weights=[1 if b < 128 else 8 for b in range(256)])) for _ in range(200)]
    for k in (71, 72, 73):  # 128 values of one half, k of the other: 200 exactly at k = 72, the halves' bound
        for one, other in ((range(128), range(128, 128 + k)), (range(128, 256), range(k))):
            body = [*one, *other, *rnd.choices(list(one), k=512 - 128 - k)]
            rnd.shuffle(body)
            heads.append(bytes(body))
    verdicts = [image._many_values(h) for h in heads]
    assert verdicts == [len(set(h)) >= 200 for h in heads]
    assert 50 < sum(verdicts) < len(heads) - 50  # both answers met, near the threshold too
    for offset, magic, name in archive.UNSUPPORTED_MAGIC:
        head = (b"\0" * offset + magic + rnd.randbytes(64))
        assert archive.sniff_unsupported(head) == name and archive.sniff_unsupported(b"\xca" + head) is None
