"""Plain words for the rules a file met (``name-variant:owner-file+windows-copy-ja``), in the report's language.

The words live beside the rules, in signatures/name_variants.toml and keywords.toml (``label_ja``,
``label_en``); a rule without words (content rules such as ``pii:name+address``) is shown as its code.
"""

from __future__ import annotations

from scanner.names import rule_catalogue


def rule_words(matched_rule: str, lang: str = "ja") -> str:
    """``reason:rule+rule`` -> the rules' labels joined with `` + ``; the code itself when none is known."""
    _reason, _, rule = matched_rule.partition(":")
    catalogue = rule_catalogue()
    key = "label_en" if lang == "en" else "label_ja"
    whole = catalogue.get(matched_rule)  # a rule named with its reason (recycle-bin:info)
    if whole is not None and whole.get(key):
        return str(whole[key])
    words = []
    for part in rule.split("+") if rule else []:
        entry = catalogue.get(part)
        if entry is None or not entry.get(key):
            return matched_rule
        words.append(entry[key])
    return " + ".join(words) or matched_rule
