"""macOS sparse bundle disk images (``NAME.sparsebundle``): a folder holding Info.plist, a ``token`` and
``bands/``, files of a fixed size that hold the disk in slices (band N is bytes N x band-size onwards; a band
never written is absent and reads as zeros).

Walked as a folder, the bands are meaningless pieces of a disk (a file system cut every 8 MiB); and libmodi,
the reader dfvfs uses for Apple images, reads a bundle's absent and present bands alike as zeros here. A bundle
given as the SOURCE is assembled and read as its disk (image_bundle, in the image walker's process); a folder
met during a walk that is a sparse bundle is listed once, as what it is, with how to scan it, and its bands
are not walked one by one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ..codes import Status
from ..details import Detail, say

BUNDLE_TYPE = "com.apple.diskimage.sparsebundle"
_PLIST_LIMIT = 1 << 16
_BAND = re.compile(r"0|[1-9a-f][0-9a-f]{0,15}")  # hdiutil names band N by N in lowercase hex, no leading zero
# what hdiutil keeps in a bundle's folder; anything else there is no part of the disk
BUNDLE_PARTS = frozenset({"Info.plist", "Info.bckup", "token", "bands", "lock"})


def band_number(name: str) -> int | None:
    """The band a file in bands/ is, by its name; None for any other name. One rule for the walk (what is
    left unwalked as a band) and the reader (image_bundle: what is read as one)."""
    return int(name, 16) if _BAND.fullmatch(name) else None


def bands_in(names: Iterable[str]) -> tuple[int, bool]:
    """(how many of NAMES, the entries of a bundle's bands/, are band files; whether bands/ holds anything else).
    Anything else there is no slice of the disk: then bands/ is walked as a folder, so nothing put there is
    hidden behind the bundle's row."""
    listed = [n for n in names if n not in (".", "..")]
    count = sum(1 for n in listed if band_number(n) is not None)
    return count, count != len(listed)


def _plist_facts(raw: bytes) -> dict[str, int] | None:
    """The bundle's facts from its Info.plist by a byte search, nothing parsed: this runs in the walk (the scan
    process, the image walker), where a C XML parser or a nested binary plist (RecursionError) would cost the
    whole walk (audit9). None when it does not name a sparse bundle; sizes only from an XML plist."""
    if b"diskimage-bundle-type" not in raw or BUNDLE_TYPE.encode() not in raw:
        return None
    facts: dict[str, int] = {}
    for key in ("band-size", "size"):
        found = re.search(rb"<key>" + key.encode() + rb"</key>\s{0,64}<integer>(\d{1,20})</integer>", raw)
        if found:
            facts[key] = int(found.group(1))
    return facts


def bundle_verdict(read: Callable[[bytes, int], bytes | None], bands: int | None) -> tuple[Status, str] | None:
    """What a folder is when its Info.plist names a sparse bundle: (status, detail), else None. READ(name,
    limit): the first bytes of one of the folder's files (None when unreadable); BANDS: how many band files
    ``bands/`` holds (None when it could not be listed)."""
    raw = read(b"Info.plist", _PLIST_LIMIT)
    if not raw:
        return None
    info = _plist_facts(raw)
    if info is None:
        return None
    band, size = info.get("band-size"), info.get("size")
    shape = ", ".join(p for p in (
        f"a disk of {size} bytes" if isinstance(size, int) else "",
        f"bands of {band} bytes" if isinstance(band, int) else "",
        f"{bands} band files present" if bands is not None else "") if p)
    token = read(b"token", 8) or b""
    if token.startswith(b"encrcdsa"):
        return Status.ENCRYPTED, say(Detail.BUNDLE_ENCRYPTED, shape=shape)
    return Status.UNSUPPORTED, say(Detail.BUNDLE_IN_FOLDER_WALK, shape=shape)
