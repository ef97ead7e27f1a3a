"""Content type by python-magic on the first bytes of a hit, and the extension/content mismatch note."""

from __future__ import annotations

from functools import cache

from . import rules
from .names import split_ext

# A program (.exe) is read with a larger head than other files: its DOS and PE headers and its section table,
# from which scanner.inspectors.sfx tells a self-extractor (an archive appended) without another read.
PE_EXTS = (".exe",)
PE_HEAD = 4096


@cache
def _magic():
    try:
        import magic  # lazy: libmagic loads its database on first use

        return magic.Magic()
    except (ImportError, OSError):  # libmagic missing on this machine: types say so, the scan goes on
        return None


def content_type(head: bytes) -> str:
    """libmagic's description of the first bytes ("Microsoft Excel 2007+", "CSV text" ...)."""
    if not head:
        return "empty"
    m = _magic()
    if m is None:
        return "unknown (libmagic not installed)"
    try:
        return m.from_buffer(head)
    except Exception as e:  # libmagic errors are rare and must not stop a scan
        return f"unknown ({type(e).__name__})"


def mismatch(name: str, ctype: str) -> str | None:
    """A note when the content does not fit the extension (a renamed or disguised file)."""
    if name.startswith("~$"):  # Excel's owner (lock) file keeps the workbook's extension but never its format
        return None
    ext = split_ext(name)[1].casefold()
    expected = rules.load("content_types")["extensions"].get(ext)
    if not expected or ctype == "empty":
        return None
    low = ctype.casefold()
    if any(word in low for word in expected):
        return None
    return f"extension {ext} but content is {ctype}"
