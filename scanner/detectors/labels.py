"""Address labels: one person's postal code, address and name in one cell, a line each.

Label sheets and mail-merge lists keep a whole label in a cell (宛先: ``〒184-0004⏎東京都小金井市本町3-12-5⏎
コーポ本町101⏎山田 太郎 様``), one cell per person, often several labels to a row (an A4 sheet of 2 x 5). No column
holds one field, so neither the table rules nor the form rules see a person. Here a cell is a label when its lines
are, in order, an optional postal code, an address (a municipality and block numbers) with an optional building
line, and last a Japanese name (honorifics taken off). Pure functions over cell text.
"""

from __future__ import annotations

from ..masking import name_core
from . import person_names as N
from . import values as V

MAX_LABEL = 400  # characters: a label is a few short lines
MAX_LINES = 6


def label_fields(text: str) -> dict[str, str] | None:
    """``{"name", "address", "postcode"?}`` of a label cell, or None when the cell is not one."""
    if "\n" not in text or len(text) > MAX_LABEL:
        return None
    lines = [t.strip() for t in text.replace("\r", "\n").split("\n") if t.strip()]
    if not 2 <= len(lines) <= MAX_LINES:
        return None
    name = name_core(lines[-1])
    if not name or not (N.japanese_name_shape(V.nfkc(name)) or V.looks_like_spaced_name(name)):
        return None
    fields = {"name": name}
    body = lines[:-1]
    code, rest = V.split_leading_postcode(body[0]) if body[0][:1] in "〒0123456789０１２３４５６７８９" else ("", body[0])
    if code:
        fields["postcode"] = code
        body = [rest.strip(), *body[1:]] if rest.strip() else body[1:]
    elif (alone := V.find_postcode(body[0])) and len(V.nfkc(body[0]).replace("〒", "").strip()) <= 8:
        fields["postcode"], body = alone, body[1:]
    if not body or not V.looks_like_address(body[0], strict=True) or not V.starts_with_prefecture(body[0]) and not (
            V._MUNI.match(V.nfkc(body[0]))):
        return None
    fields["address"] = "".join(body[:2])  # the address and a building line; a third line is a company or a note
    return fields
