"""Data for the damaged-input tests and bench/damage_sweep.py (damage18): a generated Western European person table
(invented name parts combined by a seeded generator: a cp1252 table needs accented Latin, which Faker ja_JP has
not) and a dBase III writer with any code page mark."""

from __future__ import annotations

import random
import struct

LATIN_FIRST = ["Françoise", "Hélène", "Jérôme", "Amélie", "Gaëlle", "Loïc", "Zoé", "Cécile", "Mathéo", "Renée",
               "Noémie", "Stéphane", "Agnès", "Björn", "Søren", "Joël", "Inès", "Léa", "Raphaël", "Chloé"]
LATIN_LAST = ["Dupré", "Lefèvre", "Bézier", "Mercié", "Garçon", "Fabrègue", "Thérond", "Rivière", "Noël", "Achère",
              "Brûlé", "Lemaître", "Sénéchal", "Vézina", "Pétain", "Després", "Hébert", "Mérieux", "Gérard", "Côté"]
LATIN_STREETS = ["rue des Érables", "allée des Châtaigniers", "chemin de la Forêt", "rue de l'Église",
                 "place du Marché", "rue Ferréol", "quai de la Vénerie", "avenue des Frênes"]
LATIN_TOWNS = ["Besançon", "Orléans", "Nîmes", "Valençay", "Sète", "Béziers", "Évreux", "Fréjus"]


def latin_people(n: int, seed: int) -> list[list[str]]:
    """Generated Western European people (invented name parts combined by a seeded generator, not Faker ja_JP: a
    cp1252 table needs accented Latin): NAME, ADDRESS, TEL, BIRTHDAY."""
    rng = random.Random(seed)
    rows = [["NAME", "ADDRESS", "TEL", "BIRTHDAY"]]
    for _ in range(n):
        rows.append([f"{rng.choice(LATIN_FIRST)} {rng.choice(LATIN_LAST)}",
                     f"{rng.randrange(1, 99)} {rng.choice(LATIN_STREETS)}, {rng.choice(LATIN_TOWNS)}",
                     f"0{rng.randrange(1, 6)} {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)} "
                     f"{rng.randrange(10, 99)}", f"19{rng.randrange(40, 99)}{rng.randrange(1, 13):02d}"
                     f"{rng.randrange(1, 29):02d}"])
    return rows


def dbf_of(rows: list[list[str]], encoding: str, code_page: int = 0, widths: tuple[int, ...] = (40, 80, 20, 8),
           kinds: str = "CCCD") -> bytes:
    """A dBase III table of ``rows`` (header first) in ``encoding`` with code page mark ``code_page`` (0: none)."""
    fields = list(zip(rows[0], kinds, widths, strict=True))
    record_len = 1 + sum(widths)
    header_len = 32 + 32 * len(fields) + 1
    out = bytearray(struct.pack("<B3BIHH", 3, 124, 5, 1, len(rows) - 1, header_len, record_len) + bytes(17)
                    + bytes([code_page]) + bytes(2))
    out += b"".join(struct.pack("<11sc4xBB14x", n.encode("ascii")[:10], k.encode(), w, 0) for n, k, w in fields)
    out += b"\x0d"
    for row in rows[1:]:
        out += b" " + b"".join(str(v).encode(encoding)[:w].ljust(w) for (_, _, w), v in zip(fields, row, strict=True))
    return bytes(out + b"\x1a")


def dbf_with_memo(rows: list[list[str]], kind: str = "fpt", memo_columns: tuple[int, ...] = (0, 2),
                  encoding: str = "cp932") -> tuple[bytes, bytes]:
    """(table, memo file) of ``rows`` (header first, every column text) whose ``memo_columns`` are memo fields kept in
    the memo file (damage19): ``fpt`` FoxPro 2.x (.fpt: 64-byte blocks, big-endian type and length before each
    value), ``dbt3`` dBase III (.dbt: 512-byte blocks, each value ending in 1A 1A), ``dbt4`` dBase IV (.dbt: the
    block size at byte 20, each value opening with FF FF 08 00 and its length). A memo field is 10 bytes: its first
    block's number in ASCII digits; the other fields 60 bytes of text. Code page cp932 (byte 29: 0x13)."""
    version = {"fpt": 0xF5, "dbt3": 0x83, "dbt4": 0x8B}[kind]
    block = 64 if kind == "fpt" else 512
    fields = [(str(name), "M" if k in memo_columns else "C", 10 if k in memo_columns else 60)
              for k, name in enumerate(rows[0])]
    record_len = 1 + sum(w for _, _, w in fields)
    header_len = 32 + 32 * len(fields) + 1
    table = bytearray(struct.pack("<B3BIHH", version, 124, 5, 1, len(rows) - 1, header_len, record_len) + bytes(17)
                      + bytes([0x13]) + bytes(2))
    table += b"".join(struct.pack("<11sc4xBB14x", n.encode("ascii")[:10], k.encode(), w, 0) for n, k, w in fields)
    table += b"\x0d"
    memo = bytearray(bytes(512))
    for row in rows[1:]:
        table += b" "
        for (_, k, w), value in zip(fields, row, strict=True):
            text = str(value).encode(encoding)
            if k == "C":
                table += text[:w].ljust(w)
                continue
            number = len(memo) // block
            if kind == "fpt":
                memo += struct.pack(">II", 1, len(text)) + text
            elif kind == "dbt3":
                memo += text + b"\x1a\x1a"
            else:
                memo += b"\xff\xff\x08\x00" + (len(text) + 8).to_bytes(4, "little") + text
            memo += bytes(-len(memo) % block)
            table += str(number).encode().rjust(w)
    if kind == "fpt":
        memo[0:4] = (len(memo) // block).to_bytes(4, "big")
        memo[6:8] = block.to_bytes(2, "big")
    else:
        memo[0:4] = (len(memo) // block).to_bytes(4, "little")
        if kind == "dbt4":
            memo[20:22] = block.to_bytes(2, "little")
    return bytes(table + b"\x1a"), bytes(memo)
