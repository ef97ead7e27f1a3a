"""Write scanner/eras.py: which rule sets (``tool.ruleset_sha256``) a leakscan could have recorded before each
case-folder feature that must not be struck alone (case24).

A forger who strips every field newer than a feature (and deletes the files it writes) makes a folder that reads as
one of a leakscan before it. What he cannot strip is the rule set the document names: the rule set of every commit in
this repository's history is computed here from git's objects (as ``scanner.rules.ruleset_sha256`` computed it at that
commit: the TOML files of signatures/, and the TSV files too from ff16f1ca), and for each feature the rule sets held by
a commit that does not descend from the feature's commit are listed. A document naming any other rule set (a later
one, an unknown one) was written by a leakscan that has the feature. Only a digest of each rule set's SHA-256 is kept
(so the table gives no old value away: a forger needs a folder or a copy of leakscan of that time).

Run it from a checkout with its history when a new feature of this kind is added (add the feature below first):
``python3 tools/make_eras.py`` (``--check``: exit 1 when scanner/eras.py differs).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "scanner" / "eras.py"
TSV_FROM = "ff16f1ca"  # rules.load_table: the rule-set hash covers signatures/*.tsv from here on
# feature -> the commit that brought it (what must exist in a document of a leakscan descending from it)
FEATURES = {
    "exports": "74992560",  # findings.dfxml, findings.case.jsonld, copies.hashdeep, keyword-leads.csv, skipped.csv
    "code_sha256": "e9ae0a16",  # findings.json tool.code_sha256
    "diff_folders": "3efd95b1",  # diff.json baseline.folder / rescan.folder (case23)
}


def _git(*args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(["git", "-C", str(ROOT), *args], input=data, capture_output=True, check=True).stdout


def _descendants(commit: str) -> set[str]:
    full = _git("rev-parse", commit).decode().strip()
    return {full} | set(_git("rev-list", "--ancestry-path", f"{full}..HEAD").decode().split())


def rulesets() -> dict[str, str]:
    """commit -> the rule set SHA-256 its leakscan recorded."""
    commits = _git("rev-list", "HEAD").decode().split()
    with_tsv = _descendants(TSV_FROM)
    listed: dict[str, list[tuple[str, str]]] = {}
    for commit in commits:
        rows = _git("ls-tree", commit, "signatures/").decode("utf-8").splitlines()
        suffixes = (".toml", ".tsv") if commit in with_tsv else (".toml",)
        listed[commit] = sorted((line.split("\t", 1)[1].removeprefix("signatures/"), line.split()[2])
                                for line in rows if line.split()[1] == "blob"
                                and line.split("\t", 1)[1].endswith(suffixes))
    blobs = sorted({blob for files in listed.values() for _name, blob in files})
    out = _git("cat-file", "--batch", data="".join(b + "\n" for b in blobs).encode())
    digests: dict[str, bytes] = {}
    at = 0
    for blob in blobs:  # "<sha> blob <size>\n<bytes>\n"
        end = out.index(b"\n", at)
        size = int(out[at:end].split()[2])
        digests[blob] = hashlib.sha256(out[end + 1:end + 1 + size]).digest()
        at = end + 1 + size + 1
    found = {}
    for commit, files in listed.items():
        h = hashlib.sha256()
        for name, blob in files:
            h.update(name.encode() + b"\0" + digests[blob])
        found[commit] = h.hexdigest()
    return found


def table() -> str:
    by_commit = rulesets()
    lines = ['"""Rule sets of leakscans before each case-folder feature (written by tools/make_eras.py; do not edit).',
             "",
             "Each value is the SHA-256 of a rule set's SHA-256 (``tool.ruleset_sha256``) that a commit not descending",
             "from the feature's commit recorded: a document naming any other rule set was written by a leakscan that",
             'has the feature (scanner.era)."""', "", "BEFORE: dict[str, frozenset[str]] = {"]
    for feature, commit in FEATURES.items():
        has = _descendants(commit)
        before = sorted({hashlib.sha256(r.encode()).hexdigest() for c, r in by_commit.items() if c not in has})
        lines.append(f'    "{feature}": frozenset({{  # before {commit}: {len(before)} rule sets')
        lines += [f'        "{d}",' for d in before]
        lines.append("    }),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = table()
    if "--check" in argv:
        same = TARGET.is_file() and TARGET.read_text("utf-8") == text
        print("scanner/eras.py is in step" if same else "scanner/eras.py differs: run python3 tools/make_eras.py")
        return 0 if same else 1
    TARGET.write_text(text, "utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
