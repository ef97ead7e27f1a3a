"""Regenerate signatures/person_names.toml: the name data that header-less person columns are recognised by.

Run by hand when the sources change: ``pip install --no-deps namedivider-python`` then
``python tools/make_person_names.py > signatures/person_names.toml``. leakscan itself needs neither
package at run time: the table is shipped as data and read offline.

- Japanese surnames and given names: Faker's ja_JP person provider (MIT), the same data the tests and
  the demo draw their people from.
- Japanese name kanji: namedivider-python's ``assets/kanji.csv`` (MIT, rskmoi): for 848 kanji, how
  often each stands first, inside or last in a family name and in a given name. A string is shaped
  like a name when it splits into a family part and a given part whose every kanji has been seen in
  that position (scanner/detectors/person_names.py).
- Latin first and last names: Faker's person providers of the locales whose names turn up in sample
  databases and customer lists (English, Western and Northern European, Latin American, Turkish,
  Indian, Vietnamese and Indonesian), and the romaji of Faker's Japanese names.
- US states (names and postal abbreviations): Faker's en_US address provider.
- Latin place words (Road, Gardens, Entrance, Ride): Faker's en_US and en_GB street suffixes and a few words of
  public places (PUBLIC_PLACES), less every known first or last name (Park, Hill, Green, Hall stay names): a value
  holding one names a place (Charlotte Street Entrance), not a person. Those that are someone's name (a word of a
  Faker person provider's names in any locale, or PLACE_NAMES: Street, Lake, Court, Forest) are kept apart
  (latin_place_names): a value holding one marks a place only between two other words (Charlotte Street Car Park).
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import io
import re
import sys
from importlib import metadata
from pathlib import Path

LATIN_LOCALES = ("en_US", "en_GB", "en_IE", "en_IN", "de_DE", "de_AT", "fr_FR", "es_ES", "es_MX", "it_IT",
                 "pt_BR", "pt_PT", "nl_NL", "sv_SE", "da_DK", "no_NO", "fi_FI", "pl_PL", "cs_CZ", "hu_HU",
                 "ro_RO", "tr_TR", "vi_VN", "id_ID")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'\-]+")


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _array(name: str, values: list[str], per_line: int = 12) -> str:
    lines = [f"{name} = ["]
    for i in range(0, len(values), per_line):
        lines.append("  " + ", ".join(_q(v) for v in values[i:i + per_line]) + ",")
    lines.append("]")
    return "\n".join(lines)


def japanese() -> tuple[list[str], list[str]]:
    from faker.providers.person.ja_JP import Provider

    surnames = sorted({p[0] for p in Provider.last_name_pairs})
    given = sorted({p[0] for p in (*Provider.first_name_male_pairs, *Provider.first_name_female_pairs)})
    return surnames, given


def name_kanji() -> list[tuple[str, list[int]]]:
    spec = importlib.util.find_spec("namedivider")  # located, not imported (its imports are heavy)
    if spec is None or not spec.submodule_search_locations:
        sys.exit("pip install --no-deps namedivider-python first")
    path = Path(next(iter(spec.submodule_search_locations))) / "assets" / "kanji.csv"
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    cols = ("oc_family_first", "oc_family_other", "oc_family_last", "oc_given_first", "oc_given_other",
            "oc_given_last")
    return sorted((r["kanji"], [int(r[c]) for c in cols]) for r in rows)


def latin() -> tuple[list[str], list[str]]:
    first: set[str] = set()
    last: set[str] = set()
    for loc in LATIN_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female"):
            first |= {n for n in getattr(provider, attr, ()) or () if _LATIN.fullmatch(n)}
        last |= {n for n in getattr(provider, "last_names", ()) or () if _LATIN.fullmatch(n)}
    from faker.providers.person.ja_JP import Provider  # Japanese names in romaji (Yamada Taro)

    first |= {p[2] for p in (*Provider.first_name_male_pairs, *Provider.first_name_female_pairs)}
    last |= {p[2] for p in Provider.last_name_pairs}
    return sorted(first), sorted(last)


def us_states() -> list[str]:
    from faker.providers.address.en_US import Provider

    return sorted(set(Provider.states) | set(Provider.states_abbr))


# words of public places that are no street suffix (wild19: a council's list of public toilets, ALICE PARK,
# CHARLOTTE STREET CAR PARK, ROYAL VICTORIA PARK PLAY AREA, was 18 persons by their first names)
PUBLIC_PLACES = ("academy", "airport", "area", "beach", "car", "campus", "cemetery", "centre", "center", "cinema",
                 "clinic", "college", "depot", "entrance", "gardens", "garage", "hospital", "leisure", "library",
                 "market", "museum", "office", "path", "pavilion", "playground", "pool", "precinct", "quay",
                 "recreation", "ride", "school", "stadium", "station", "surgery", "theatre", "toilets", "university")


# English family and given names that are place words and in no Faker person provider (review19w: Ricki Lake,
# Margaret Court, David Lodge, Alicia Keys, Chris Pine, Dinah Shore, Adam Beach were no names)
PLACE_NAMES = ("beach", "camp", "court", "cove", "crest", "fort", "garden", "hollow", "keys", "lake", "land", "light",
               "lock", "lodge", "manor", "mill", "mount", "pike", "pine", "place", "pool", "port", "row", "rue", "shore",
               "spring", "street", "summit", "vista", "way", "well")


def _faker_name_words() -> set[str]:
    """Every word of every Faker person provider's first and last names, all locales (en's Forest, River, Brook,
    Cliff; en_NZ's Street, Pike, Way; hr_HR's Car)."""
    import pkgutil

    import faker.providers.person as person

    words: set[str] = set()
    for mod in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"faker.providers.person.{mod.name}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary", "last_names"):
            names = getattr(provider, attr, ()) or ()
            for n in names if isinstance(names, (tuple, list, dict)) else ():  # a few locales compute theirs
                words |= {w.casefold() for w in _LATIN.findall(n)}
    return words


def latin_place_words(first: list[str], last: list[str]) -> tuple[list[str], list[str]]:
    """Place words that are nobody's name (a value holding one is a place), and those that are someone's name
    somewhere (a value holding one between two other words is a place: Charlotte Street Car Park, not Picabo Street)."""
    from faker.providers.address.en_GB import Provider as GB
    from faker.providers.address.en_US import Provider as US

    names = {n.casefold() for n in (*first, *last)}
    words = {w.casefold() for w in (*US.street_suffixes, *GB.street_suffixes, *PUBLIC_PLACES)} - names
    someones = _faker_name_words() | set(PLACE_NAMES)
    return sorted(words - someones), sorted(words & someones)


def main() -> None:
    surnames, given = japanese()
    first, last = latin()
    out = [
        "# Name data for recognising person columns by their values (scanner/detectors/person_names.py).",
        f"# Generated by tools/make_person_names.py from Faker {metadata.version('faker')} (MIT) and",
        f"# namedivider-python {metadata.version('namedivider-python')} assets/kanji.csv (MIT); do not edit by hand.",
        "",
        "[japanese]",
        'description = "Japanese surnames and given names (Faker ja_JP)"',
        _array("surnames", surnames),
        _array("given_names", given),
        "",
        "# kanji -> [family first, family inside, family last, given first, given inside, given last]:",
        "# how often the kanji stands at that place in a family or given name (namedivider's statistics).",
        "[japanese.kanji]",
        *(f"{_q(k)} = {v}" for k, v in name_kanji()),
        "",
        "[latin]",
        f'description = "Latin-script first and last names (Faker: {", ".join(LATIN_LOCALES)}, ja_JP romaji)"',
        _array("first_names", first),
        _array("last_names", last),
        "",
        "[places]",
        'description = "US states, names and postal abbreviations (Faker en_US); Latin place words (Faker en_US and '
        'en_GB street suffixes and public places, no known name); latin_place_names: those that are someone\'s name '
        '(a Faker name word, any locale, or an English surname), a place only between two other words"',
        _array("us_states", us_states()),
        *(_array(k, v) for k, v in zip(("latin_place_words", "latin_place_names"), latin_place_words(first, last),
                                       strict=True)),
        "",
    ]
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
