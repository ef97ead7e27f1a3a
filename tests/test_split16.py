"""Split pieces and containers, session 16 (split15's and review15f's leftovers), through the CLI.

* An archive encrypted with gpg beside it (``gpg -c X.tar.lz`` writes ``X.tar.lz.gpg``) was listed "piece 4,453 of
  a file cut into pieces ... first piece X.tar.lz.aaa missing" by its name alone: an OpenPGP packet opens it, no
  piece of a cut file does. (Session 15's ``X.tar.lz.sig`` is no piece on this tree: ``sig`` is place 12,383, past
  MAX_PARTS; a signature is told by its packet all the same.)
* A Java archive (``.jar``) holding a CSV was never opened (its extension was among the types never sniffed).
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from pathlib import Path

from pii_data import csv_bytes, people, standard
from split_helpers import scan_folder
from test_split13_series import _scan

from scanner.models import FileStat

N = 40
# the first bytes gpg 2.2 writes for ``gpg -c`` (a passphrase, AES-256, iterated and salted S2K): an old-format SKESK
# packet, then the encrypted data (random bytes stand for it here)
GPG_SYMMETRIC = bytes.fromhex("8c0d04090302273d524bcdcd169fffd2ec0168042f46fadb620a562b7c532697")
# a detached signature: gpg 2.2 --detach-sign with an ed25519 key (one v4 signature packet, old format, 119 bytes)
SIGNATURE = bytes.fromhex(
    "887504001608001d162104ef737ef274af82935727202dcadb5b13a63a8a0305026b159ac3000a0910cadb5b13a63a8a0338740100"
    "88aa52a44fc88e5c36044a6e22172f3736de044e4cb6e7e0fee8ec5cccc1e8a700fa03440aba9358e4eac6994a1f3d4317143d60"
    "734766a79ea91a2389a42d5e8d03")


def test_an_openpgp_file_beside_an_archive_is_no_piece(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "backup.tar.lz").write_bytes(random.Random(16).randbytes(5000))
    encrypted = src / "backup.tar.lz.gpg"
    encrypted.write_bytes(GPG_SYMMETRIC + random.Random(18).randbytes(5000))
    signature = src / "backup.rar.dsc"  # place 2,499 after a RAR's name: a piece by its name alone before
    signature.write_bytes(SIGNATURE)
    lone = src / "backup.tar.lz.ab"  # a later piece alone (its first piece lost): compressed bytes, still a piece
    lone.write_bytes(random.Random(17).randbytes(4000))
    _rows, skipped = _scan(tmp_path, src)
    for name in (encrypted, signature):
        assert "piece" not in (skipped.get(str(name)) or {}).get("detail", ""), skipped.get(str(name))
    assert "piece 2 of" in skipped[str(lone)]["detail"], skipped.get(str(lone))


def test_a_java_archive_holding_a_csv_is_opened(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    jar = src / "app.jar"
    with zipfile.ZipFile(jar, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nMain-Class: app.Main\r\n\r\n")
        z.writestr("app/Main.class", b"\xca\xfe\xba\xbe" + os.urandom(64))
        z.writestr("data/名簿.csv", csv_bytes(standard(people(N, seed=163)), "utf-8"))
    rows, _skipped = _scan(tmp_path, src)
    member = f"{jar} » data/名簿.csv"
    assert rows[member]["pii"]["records"] == N, rows.get(member)


def test_a_csv_cut_with_letters_is_joined_and_read(tmp_path: Path) -> None:
    """``split -b N list.csv list.csv.`` (list.csv.aa, .ab, .ac; ``-a 3``: .aaa ...): the pieces were read one by one
    (rows cut at every piece's ends, the later pieces without the header); joined now, every person counted."""
    from split_helpers import cut_into, letters

    table = csv_bytes(standard(people(300, seed=164)), "utf-8")
    src = tmp_path / "src"
    two = cut_into(src / "two", lambda i: f"名簿.csv.{letters(i)}", table, len(table) // 3 + 1)
    three = cut_into(src / "three", lambda i: f"list.tsv_{letters(i, 3)}", table, len(table) // 2 + 1)
    lost = cut_into(src / "lost", lambda i: f"名簿.csv.{letters(i)}", table, len(table) // 3 + 1)
    lost[1].unlink()
    notes = cut_into(src / "notes", lambda i: f"notes.{letters(i)}", b"a note\\n" * 400, 1000)  # no table's name
    rows, skipped = scan_folder(tmp_path, src)
    for pieces in (two, three):
        assert rows[str(pieces[0])]["pii"]["records"] == 300, rows.get(str(pieces[0]))
        assert not any((rows.get(str(p)) or {}).get("pii") for p in pieces[1:]), [rows[str(p)] for p in pieces[1:]]
    assert 0 < sum(((rows.get(str(p)) or {}).get("pii") or {}).get("records", 0) for p in lost if p.exists()) < 300
    assert not any(str(p) in skipped for p in notes)


class _Counted(io.BytesIO):
    """A seekable member stream that counts the bytes read from it."""

    read_total = 0

    def read(self, n: int | None = -1) -> bytes:
        got = super().read(n)
        _Counted.read_total += len(got)
        return got


class _Member:
    def __init__(self, name: str, data: bytes) -> None:
        self.name, self.data, self.kind, self.deleted = name, data, "file", False

    def stat(self) -> FileStat:
        return FileStat(size=len(self.data))

    def open(self) -> io.BytesIO:
        return _Counted(self.data)


def test_a_seekable_part_is_not_read_whole_for_its_tail() -> None:
    """review15f #7: grouping the parts in a container read every part forward to its end to get its last 64 KiB
    (a 4 GB ``x.7z.001`` in a disk image read whole once only to be grouped); a seekable part's tail is read alone."""
    from scanner.sources import series_join

    size = 4 << 20
    line = "山田 太郎,東京都千代田区千代田1-1,03-1234-5678\n".encode()
    text = line * (size // len(line) + 1)
    parts = {f"x.csv.{i:03d}": _Member(f"x.csv.{i:03d}", text[:size]) for i in (1, 2, 3)}  # a CSV's parts
    _Counted.read_total = 0
    series_join._member_reads(parts)  # type: ignore[arg-type]  # entries with name, stat, open
    assert _Counted.read_total < size, _Counted.read_total  # heads and tails only: was every part whole
