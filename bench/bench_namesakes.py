#!/usr/bin/env python3
"""Benchmark: persons wrongly merged and wrongly split on generated namesakes typed as client lists type them.

Seven sets, counted as the scan counts them (make_rows, count: keys, room paths, links, resolve_persons):
1. spellings (seeds 1-8): tests/retyped_data.py's master list (Faker ja_JP, real towns, families, the same name at
   another town, room twins) with every retyped spelling of DOMAIN.md section 3, plus residents of towns named after an
   old municipality (signatures/old_municipalities.toml [generated]) typed with the old name and today's, 斎藤/齋藤様/
   斉藤/サイトウ at one address (斎/斉 and a kana-only name are other persons: never merged), NBSP inside names, and
   buildings typed with 号 beside a namesake in room 305.
2. rooms (seeds 0-19, persons15's sweep): 1-3 namesakes at one address in numbered buildings with and without wings,
   each typed in full plus 0-2 shorter forms (no wing, the glued building alone, no number, room alone).
3. readings (seeds 0-19, persons17): namesakes in a basement room and wing B's room of one number (地下101, B棟101,
   B-101, a bare B101 for the only one), rooms glued to a kanji name before a long note (コーポ山田101 12345).
4. floors (seeds 0-19, persons18): namesakes on floors of an office building typed with no room (3F, 3階, ３Ｆ), a
   floor-only copy beside the room (3F, 301号室), the basement typed 地下階101, B-1-101, B01-101, BF101, B.101, (B1 101)
   beside a namesake in the other basement reading of that room.
5. units (seeds 0-19, persons19): namesakes in short units after the building (コーポ山田 1 / 2, A1 / A2, B1 / B2, A-1 /
   B-1, 3F-A / 3F-B), each typed one or two of the ways one unit is written (2, 2号室, -2, 2号; A1, A-1, A棟1号室; 3F-A,
   3階A), and a person in a room with a copy holding a code in brackets ((T1234) a telephone, (P101) a parking space).
6. not units (seeds 0-19, review19p): a trailing short number that is no unit, each person typed with and without the
   space (a lot after a town holding a number, 浜中町一番沢 12; after a hyphen written ー, 15ー 38; after a block in kanji
   numerals, 三丁目十二 5), a building's own number typed apart beside her room there (ハイツ 21, ハイツ21 101号室), and
   namesakes in a basement floor's unit and the ground floor's (地下1階A / B1F-A, 1階A).
7. leftovers (seeds 0-19, people20): a floor typed F2 beside 2F and a namesake on another floor, an era's year typed
   bare after the building (H30, R2) beside her room, units ending in 。/、 (2。 beside 2, a namesake in 3、), and 丁目
   typed with the town then 番 and 号 apart (本町3丁目十二 5, 本町3丁目12 5) beside the glued block and a namesake at the
   next 号.
over = truth persons merged into one counted person (an under-count), split = counted persons per truth person beyond one
(an over-count). Run against another revision with --tree DIR (a `git archive` of it; the places and old names are
drawn from this checkout's tables so both count the same rows).

Usage: python bench/bench_namesakes.py [--tree DIR] [--append]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import time
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from common import publish  # noqa: E402


def _worker(tree: Path) -> tuple[int, ...]:
    sys.path[:0] = [str(tree), str(tree / "tests")]
    import retyped_data as rd
    from faker import Faker

    from scanner.models import PersonRecord
    from scanner.persons.count import count, make_rows

    towns: dict[tuple[str, str], list[str]] = {}
    for line in (tree / "signatures" / "towns.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            _c, pref, muni, t = line.split("\t")
            towns[(pref, muni.split("郡")[-1])] = t.split("|")
    places = []
    table = tomllib.loads((ROOT / "signatures" / "old_municipalities.toml").read_text(encoding="utf-8"))
    for pref, name, successors, *_rest in table["generated"]["rows"]:
        stem = name[:-1]
        for muni in successors:
            town = next((t for t in towns.get((pref, muni), []) if t.startswith(name) and len(t) > len(name)
                         or t.startswith(stem) and len(t) > len(stem) + 1), None)
            if town:
                places.append((pref, name, town[len(name):] if town.startswith(name) else town[len(stem):], muni + town))
                break

    def tally(recs: list, truth: list) -> tuple[int, int, int]:
        group_of = {r.row: key for key, group in count(make_rows(0, recs)[0]).persons.items() for r in group}
        by_group, by_truth = defaultdict(set), defaultdict(set)
        for i, t in enumerate(truth):
            by_group[group_of[i]].add(t)
            by_truth[t].add(group_of[i])
        return len(by_truth), sum(len(v) - 1 for v in by_group.values()), sum(len(v) - 1 for v in by_truth.values())

    def spellings(seed: int) -> tuple[int, int, int]:
        rnd, fake = random.Random(seed), Faker("ja_JP")
        fake.seed_instance(seed)
        case = rd.build(n=150, seed=seed, extra=80, room_twins=True)
        recs, truth = [], []

        def add(name: str, address: str, pid: object) -> None:
            recs.append(PersonRecord("s", len(recs), {"name": name, "address": address}))
            truth.append(pid)

        for c in case.copies:
            for r in c.rows:
                pa = r.parts
                name = r.name.replace(" ", "\u00a0").replace("　", "\u00a0") if rnd.random() < 0.05 else r.name
                add(name, f"{pa['pref']}{pa['muni']}{pa['town']}{pa['block']}{pa['glued']}{r.note}", r.pid)
        for k, (pref, old, typed, today) in enumerate(rnd.sample(places, 60)):
            name, b = fake.name(), f"{rnd.randint(1, 9)}-{rnd.randint(1, 30)}-{rnd.randint(1, 30)}"
            add(name, f"{pref}{old}{typed}{b}", ("m", k))
            add(name.replace(" ", ""), f"{pref}{today}{b}", ("m", k))
            add(name, f"{pref}{today}{b}" + rnd.choice(["", " コーポ山田101号室"]), ("m", k))
            add(name, f"{pref}{today}9-9-9", ("m2", k))
        for k in range(40):
            given, address = fake.first_name(), f"東京都小金井市本町{rnd.randint(1, 5)}-{rnd.randint(1, 30)}-{k + 1}"
            add(f"斎藤 {given}", address, ("s", k))
            add(f"齋藤　{given}様", address, ("s", k))
            add(f"斉藤 {given}", address, ("s2", k))
            add(f"サイトウ {given}", address, ("s3", k))
        for k in range(30):
            name, address = fake.name(), f"東京都小金井市本町3-12-{k + 1} メゾン20{k + 10:02d}"
            add(name, address + "号", ("g", k))
            add(name, address + "号室", ("g", k))
            add(name, address + " 305号室", ("g2", k))
        return tally(recs, truth)

    def rooms(seed: int) -> tuple[int, int, int]:
        rnd, fake = random.Random(seed), Faker("ja_JP")
        fake.seed_instance(seed)
        recs, truth = [], []
        for _g in range(40):
            name, k, people = fake.name(), rnd.choice([1, 1, 2, 2, 3]), set()
            while len(people) < k:
                n = rnd.choice(["2000", "2001", "2002", "3001"])
                people.add((n, rnd.choice(["A", "B"]) if n in ("2000", "3001") else "", rnd.choice(["101", "305", "306"])))
            for n, w, r in sorted(people):
                forms = [f"メゾン{n} {w}棟{r}" if w else f"メゾン{n} {r}号室"]
                extra = ([f"メゾン{n} {r}号室"] if w else []) + [f"メゾン{n}", f"{r}号室"] + ([f"{w}棟{r}号室"] if w else [])
                for b in forms + rnd.sample(extra, rnd.choice([0, 1, 1, 2])):
                    recs.append(PersonRecord("s", len(recs), {"name": name, "address": f"東京都小金井市本町3-12-5 {b}"}))
                    truth.append((name, n, w, r))
        return tally(recs, truth)

    def readings(seed: int) -> tuple[int, int, int]:
        """persons17: namesakes at one address in a basement room and in wing B's room of one number (地下101, B棟101),
        and rooms glued to a kanji name before a long note (コーポ山田101 12345), each typed in full plus 0-2 other forms;
        a bare B101 (basement or wing B) typed for one of them only where it is the address's only B-reading of that
        room (an office that writes B101 for both is not told apart by anyone)."""
        rnd, fake = random.Random(seed), Faker("ja_JP")
        fake.seed_instance(seed)
        recs, truth = [], []
        for _g in range(40):
            name, room = fake.name(), rnd.choice(["101", "102", "201"])
            people = rnd.choice([["地下"], ["B"], ["地下", "B"], ["地下", "B"]])
            for who in people:
                forms = [f"地下{room}", f"地下{room}号室", f"B1 {room}"] if who == "地下" else \
                    [f"B棟{room}", f"B-{room}", f"B棟{room}号室"]
                typed = [forms[0]] + rnd.sample(forms[1:], rnd.choice([0, 1, 2]))
                if len(people) == 1 and rnd.random() < 0.3:
                    typed.append(f"B{room}")
                for b in typed:
                    if b == f"B1 {room}":
                        continue  # a named floor is another reading (B1): not typed for a floor nobody named
                    recs.append(PersonRecord("s", len(recs), {"name": name, "address": f"東京都小金井市本町3-12-5 コーポ山田{b}"}))
                    truth.append((name, who, room))
            name, rooms_ = fake.name(), rnd.sample(["101", "102", "305"], rnd.choice([1, 2]))
            for room in rooms_:
                note = str(rnd.randint(10000, 99999))
                for b in [f"コーポ山田{room} {note}"] + rnd.sample([f"コーポ山田{room}号室", f"コーポ山田 {room} {note}",
                                                                   f"コーポ山田{room}"], rnd.choice([1, 2])):
                    recs.append(PersonRecord("s", len(recs), {"name": name, "address": f"東京都小金井市本町1-2-3 {b}"}))
                    truth.append((name, "kanji", room))
        return tally(recs, truth)

    def floors(seed: int) -> tuple[int, int, int]:
        """persons18: namesakes on floors of one office building typed with no room (山田ビル3F, 3階, ３Ｆ), a floor-only copy
        beside the room typed elsewhere (3F and 301号室), and the basement typed other ways (地下階101, B-1-101, B01-101,
        BF101, B.101, (B101)) beside the spellings persons17 read."""
        rnd, fake = random.Random(seed), Faker("ja_JP")
        fake.seed_instance(seed)
        recs, truth = [], []

        def add(name: str, building: str, who: object) -> None:
            recs.append(PersonRecord("s", len(recs), {"name": name, "address": f"東京都小金井市本町2-4-6 {building}"}))
            truth.append(who)

        used: set[str] = set()

        def new_name() -> str:  # the namesakes are the ones planted: a name Faker draws twice would be two more
            while (name := fake.name()) in used:
                pass
            used.add(name)
            return name

        for _g in range(40):
            name, bld = new_name(), fake.building_name()
            for floor in rnd.sample(["2", "3", "4", "12"], rnd.choice([1, 2, 2])):
                forms = [f"{bld}{floor}F", f"{bld} {floor}階", f"{bld}{floor.translate(str.maketrans('0123456789', '０１２３４５６７８９'))}Ｆ"]
                for b in rnd.sample(forms, rnd.choice([1, 2])):
                    add(name, b, (name, floor))
            name = new_name()
            floor = rnd.choice(["2", "3", "5"])
            room = floor + rnd.choice(["01", "02", "05"])
            for b in [f"{bld}{floor}F", f"{bld} {room}号室"] + rnd.sample([f"{bld} {floor}F {room}", f"{bld}{room}"], 1):
                add(name, b, (name, room))
            name, room = new_name(), rnd.choice(["101", "102"])
            kind = rnd.choice(["B1", "地下", "B"])
            forms = {"B1": [f"{bld} B-1-{room}", f"{bld} B01-{room}", f"{bld} B1-{room}", f"{bld} (B1 {room})"],
                     "地下": [f"{bld} 地下階{room}", f"{bld} BF{room}", f"{bld} 地下{room}"],
                     "B": [f"{bld} B.{room}", f"{bld} B棟{room}", f"{bld} (B-{room})"]}[kind]
            for b in rnd.sample(forms, 2):
                add(name, b, (name, kind, room))
            if rnd.random() < 0.5:  # a namesake in the other basement reading of that room
                other = "B" if kind != "B" else "地下"
                add(name, f"{bld} {other}棟{room}" if other == "B" else f"{bld} 地下{room}", (name, other, room))
        return tally(recs, truth)

    def units(seed: int) -> tuple[int, int, int]:
        """persons19: namesakes in short units (1/2, A1/A2, B1/B2, A-1/B-1, 3F-A/3F-B) typed one or two ways each, and a
        copy holding a code in brackets beside the person's room."""
        rnd, fake = random.Random(seed), Faker("ja_JP")
        fake.seed_instance(seed)
        recs, truth = [], []
        used: set[str] = set()

        def add(name: str, building: str, who: object) -> None:
            recs.append(PersonRecord("s", len(recs), {"name": name, "address": f"東京都小金井市本町4-5-6 {building}"}))
            truth.append(who)

        def new_name() -> str:
            while (name := fake.name()) in used:
                pass
            used.add(name)
            return name

        def forms(b: str, unit: tuple[str, str]) -> list[str]:
            kind, u = unit
            if kind == "n":
                return [f"{b} {u}", f"{b} {u}号室", f"{b}-{u}", f"{b} {u}号"]
            if kind == "wing":  # A1: wing A's unit 1
                return [f"{b} {u[0]}{u[1:]}", f"{b} {u[0]}-{u[1:]}", f"{b} {u[0]}棟{u[1:]}号室"]
            floor, letter = u.split("-")
            return [f"{b} {floor}F-{letter}", f"{b} {floor}階{letter}", f"{b}{floor}F {letter}"]

        kinds = {"n": ["1", "2", "3", "12"], "wing": ["A1", "A2", "B1", "B2", "C1"], "floor": ["3-A", "3-B", "4-A"]}
        for _g in range(40):
            name, bld = new_name(), fake.building_name()
            kind = rnd.choice(list(kinds))
            for u in rnd.sample(kinds[kind], rnd.choice([1, 2, 2])):
                for b in rnd.sample(forms(bld, (kind, u)), rnd.choice([1, 2])):
                    add(name, b, (name, kind, u))
            name, room = new_name(), rnd.choice(["101", "203", "305"])
            add(name, f"{bld} {room}号室", (name, room))
            add(name, f"{bld} {rnd.choice(['(T1234)', '(x2345)', '(P101)', '(P12)'])}", (name, room))
        return tally(recs, truth)

    def not_units(seed: int) -> tuple[int, int, int]:
        """review19p: trailing short numbers that are no unit, typed with and without the space, and basement units."""
        rnd, fake = random.Random(seed), Faker("ja_JP")
        fake.seed_instance(seed)
        recs, truth = [], []
        used: set[str] = set()
        kanji = "一二三四五六七八九"
        towns = ["北海道厚岸郡浜中町一番沢", "秋田県にかほ市象潟町一丁目塩越", "岩手県岩手郡雫石町第3地割字大前田",
                 "宮城県登米市豊里町外一番江", "京都府京都市中京区河原町通2条上ル"]

        def add(name: str, address: str, who: object) -> None:
            recs.append(PersonRecord("s", len(recs), {"name": name, "address": address}))
            truth.append(who)

        for g in range(50):
            while (name := fake.name()) in used:
                pass
            used.add(name)
            a, b, c = rnd.randint(1, 9), rnd.randint(1, 9), rnd.randint(1, 40)
            kind = g % 5
            if kind == 0:
                town = rnd.choice(towns)
                forms = [f"{town} {c}", f"{town}{c}"]
            elif kind == 1:
                forms = [f"東京都三鷹市下連雀{a}丁目{b}ー {c}", f"東京都三鷹市下連雀{a}-{b}-{c}"]
            elif kind == 2:
                forms = [f"東京都小金井市本町{kanji[a - 1]}丁目{kanji[b - 1]} {c}", f"東京都小金井市本町{a}-{b}-{c}"]
            elif kind == 3:
                bld, n = fake.building_name(), rnd.choice(["2", "5", "21"])
                forms = [f"東京都小金井市本町{a}-{b}-{c} {bld} {n}", f"東京都小金井市本町{a}-{b}-{c} {bld}{n} 101号室"]
            else:
                bld = fake.building_name()
                for floor in ("地下1階A", "B1F-A", "1階A", "1F-A"):
                    add(name, f"東京都小金井市本町{a}-{b}-{c} {bld} {floor}", (name, floor.startswith(("地下", "B"))))
                continue
            for form in forms:
                add(name, form, name)
        return tally(recs, truth)

    def leftovers(seed: int) -> tuple[int, int, int]:
        """people20: a floor typed F2 beside 2F (and namesakes on F2 and F3), an era's year typed bare after the building
        (H30, R2, S50, S64; review20p: T1 was one, Taisho's year is a tower's name now) beside her room, a unit ending in
        。 (2。 / 3。 two namesakes, 2。 beside 2), and 丁目 typed with the town then 番 and 号 apart (本町3丁目十二 5,
        3丁目12 5) beside the glued block and a namesake at the next 号."""
        rnd, fake = random.Random(seed), Faker("ja_JP")
        fake.seed_instance(seed)
        recs, truth = [], []
        used: set[str] = set()
        kanji = "一二三四五六七八九十"

        def add(name: str, address: str, who: object) -> None:
            recs.append(PersonRecord("s", len(recs), {"name": name, "address": address}))
            truth.append(who)

        for g in range(40):
            while (name := fake.name()) in used:
                pass
            used.add(name)
            a, b, c = rnd.randint(1, 9), rnd.randint(1, 9), rnd.randint(1, 30)
            base, bld, kind = f"東京都小金井市本町{a}-{b}-{c} ", fake.building_name(), g % 4
            if kind == 0:
                f1, f2 = rnd.sample(range(1, 10), 2)
                add(name, f"{base}{bld} F{f1}", (name, f1))
                add(name, f"{base}{bld} {f1}F", (name, f1))
                add(name, f"{base}{bld} F{f2}", (name, f2))
            elif kind == 1:
                room = rnd.choice(["101", "203", "305"])
                add(name, f"{base}{bld} {room}号室", name)
                add(name, f"{base}{bld} {rnd.choice(['H30', 'R2', 'S50', 'S64', 'h31', 'R5'])}", name)
            elif kind == 2:
                u1, u2 = rnd.sample(range(1, 13), 2)
                add(name, f"{base}{bld} {u1}。", (name, u1))
                add(name, f"{base}{bld} {u1}", (name, u1))
                add(name, f"{base}{bld} {u2}、", (name, u2))
            else:
                ban = rnd.randint(1, 10)
                town = f"東京都小金井市本町{a}丁目"
                add(name, f"{town}{rnd.choice([kanji[ban - 1], str(ban)])} {c}", (name, c))
                add(name, f"東京都小金井市本町{a}-{ban}-{c}", (name, c))
                add(name, f"東京都小金井市本町{a}-{ban}-{c + 1}", (name, c + 1))
        return tally(recs, truth)

    a = [sum(x) for x in zip(*(spellings(s) for s in range(1, 9)), strict=True)]
    b = [sum(x) for x in zip(*(rooms(s) for s in range(20)), strict=True)]
    c = [sum(x) for x in zip(*(readings(s) for s in range(20)), strict=True)]
    d = [sum(x) for x in zip(*(floors(s) for s in range(20)), strict=True)]
    e = [sum(x) for x in zip(*(units(s) for s in range(20)), strict=True)]
    f = [sum(x) for x in zip(*(not_units(s) for s in range(20)), strict=True)]
    g = [sum(x) for x in zip(*(leftovers(s) for s in range(20)), strict=True)]
    return (*a, *b, *c, *d, *e, *f, *g)


def run(tree: Path) -> tuple[int, ...]:
    """The figures of one tree, counted in a fresh interpreter that imports that tree's scanner."""
    code = (f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); import bench_namesakes as b; "
            f"print(b._worker(__import__('pathlib').Path({str(tree)!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": ""}).stdout
    return tuple(int(x) for x in out.strip().strip("()").split(","))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tree", type=Path, help="another revision (a git archive of it) to count the same rows")
    ap.add_argument("--append", action="store_true", help="append the result to bench/README.md")
    args = ap.parse_args()
    trees = [("this checkout", ROOT)] + ([(f"--tree {args.tree}", args.tree)] if args.tree else [])
    lines = [f"### bench_namesakes.py ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})", "",
             f"`python bench/bench_namesakes.py{' --tree DIR' if args.tree else ''}`: {platform.machine()}, "
             f"Python {platform.python_version()}.", "",
             "| tree | spellings: truth persons | wrongly merged | wrongly split | rooms: truth persons | wrongly merged "
             "| wrongly split | readings: truth persons | wrongly merged | wrongly split | floors: truth persons "
             "| wrongly merged | wrongly split | units: truth persons | wrongly merged | wrongly split "
             "| not units: truth persons | wrongly merged | wrongly split "
             "| leftovers: truth persons | wrongly merged | wrongly split |",
             "| --- |" + " ---: |" * 21]
    for label, tree in trees:
        figures = run(tree)
        lines.append(f"| {label} | " + " | ".join(f"{x:,}" for x in figures) + " |")
    publish("\n".join(lines) + "\n", args.append)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
