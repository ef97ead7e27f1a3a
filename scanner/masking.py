"""Mask personal values for reports, logs and the terminal: 山田 ** / 東京都小金井市***.

Masks never reveal the length of what they hide. ``--unmask`` turns this off for the report only.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"[\s\u3000\u00a0]+")
# prefecture (optional) + the first municipality unit (市, 区, 町, 村, 郡 ... 市区 of a designated city)
_MUNICIPALITY = re.compile(
    r"^((?:東京都|北海道|(?:京都|大阪)府|.{2,3}県)?"
    r"(?:[^\d\s０-９]{1,6}?郡)?[^\d\s０-９]{1,6}?(?:市[^\d\s０-９]{1,4}?区|市|区|町|村))"
)


def mask_name(value: str) -> str:
    """Keep the family name (the part before a space) or the first characters; hide the rest."""
    v = value.strip()
    if not v:
        return ""
    parts = _SPACE.split(v)
    if len(parts) > 1:
        return f"{parts[0]} **"
    if v.isascii():
        return f"{v[:1]}**"
    keep = 1 if len(v) <= 3 else 2
    return f"{v[:keep]}**"


def mask_address(value: str) -> str:
    """Keep prefecture and municipality (東京都小金井市), hide the town, block numbers and building."""
    v = value.strip()
    if not v:
        return ""
    m = _MUNICIPALITY.match(unicodedata.normalize("NFC", v))
    if m:
        return f"{m.group(1)}***"
    return f"{v[:3]}***" if len(v) > 3 else "***"


def mask_value(value: object) -> str:
    """Any other personal value (phone, birth date, number): first character, then ***.

    A short value (sex, an age, a care level) would be given away by its first character, so it is
    hidden whole.
    """
    v = str(value).strip()
    if not v:
        return ""
    if len(v) <= 4:
        return "***"
    return f"{v[:1]}***"


def mask_field(field: str, value: object) -> str:
    """Mask a value by the kind of data it is (name, reading, address, or anything else)."""
    if field in ("name", "reading", "name_kana"):
        return mask_name(str(value))
    if field == "address":
        return mask_address(str(value))
    return mask_value(value)
