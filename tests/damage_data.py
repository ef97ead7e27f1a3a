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
