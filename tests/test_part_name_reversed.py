"""The folder guard of split series: ``holds_part_name`` (PART_NAME searched backwards) answers as PART_NAME does."""

from __future__ import annotations

import random

from scanner.sources.split_series import LISTED_EXTS, PART_NAME, PIECE_EXTS, holds_part_name

# the characters and words the pattern is made of, and some it must not take (other digits, letters, non-ASCII)
ALPHABET = [*"0123456789aAzZ._-pPaArRtTxXé名ſK\0 "] + sorted(PIECE_EXTS) + [e.upper() for e in PIECE_EXTS] \
    + ["part", ".part", "PART", ".001", ".z01", "aa", "aaa"]


def test_the_reversed_search_answers_as_part_name_on_random_texts() -> None:
    rnd = random.Random(16)
    found = 0
    for _ in range(60_000):
        text = "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 12)))
        if rnd.random() < 0.6:
            text += "\0"
        expected = PART_NAME.search(text) is not None
        found += expected
        assert holds_part_name(text) is expected, repr(text)
    assert found > 500  # the texts reach every kind of match, not only misses


def test_the_reversed_search_on_folders_of_names() -> None:
    names = ["文書_000123.jpg", "集計.csv", "x.zip", "backup.7z.001", "list.csv.aa", "setup.part1.rar", "a.rar.ab",
             "s.z01", "log01", "log.01", "a.cab-part12", "名簿.xlsx", "disk.E01", "v2", "film.mp4.0001", "AAA"]
    for i in range(len(names)):
        for j in range(i, len(names)):
            joined = "\0".join(names[i:j]) + "\0"
            assert holds_part_name(joined) is (PART_NAME.search(joined) is not None), names[i:j]


def test_every_alternative_at_its_bounds() -> None:
    """Each alternative of PART_NAME at the ends of its counts, preceded by every kind of character (the random texts
    above seldom build ``.part0001`` or ``x.rar.part1234``): a slip in one reversed alternative shows here."""
    before = ["", "a", "名", ".", "_", "-", "0", "9", " ", "\0", "é"]
    cores = [".001", ".0001", ".00001", ".z01", ".Z001", ".z0001", "aa", "aaa", "AAA", "00", "01", "02", "001",
             ".part1", ".part01", ".part001", ".part0001", ".part00001", ".PART1", ".part2", "part1", "x.part1"]
    cores += [f"{sep}{ext}{sep2}{tail}" for ext in sorted(LISTED_EXTS) for sep in "._-" for sep2 in ("", ".", "_", "-")
              for tail in ("ab", "abc", "abcd", "a", "01", "1", "001", "part1", "part1234", "part12345", "PART12")]
    checked = found = 0
    for core in cores:
        for lead in before:
            for end in ("\0", "\0x\0", "x\0", ""):
                text = lead + core + end
                expected = PART_NAME.search(text) is not None
                found += expected
                checked += 1
                assert holds_part_name(text) is expected, repr(text)
    assert found > checked // 5
