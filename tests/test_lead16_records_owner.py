"""所有者 in a contact list: a CRM's record owner (one staff member down the rows) is no person of the list; owners who
differ row by row beside tenants at their addresses are (tables16's owner role)."""
from __future__ import annotations

from scanner.detectors.pii import SheetKind
from scanner.inspectors.spreadsheet import analyse_bytes
from scanner.sheet import Caps
from scanner.tables import sniff_format
from tests.test_jp_export_layouts_s9 import JA, _csv


def _owners(owner_of) -> tuple[int, set[str]]:
    rows = [["氏名", "住所", "電話", "所有者"]] + [[p.name, p.address, p.phone, owner_of(i)] for i, p in enumerate(JA)]
    data = _csv(rows)
    found, _, _ = analyse_bytes(data, sniff_format(data), Caps())
    assert len(found) == 1 and found[0].kind == SheetKind.PERSONS
    with_address = sum(1 for r in found[0].records if r.fields.get("address"))
    return with_address, {r.fields["name"] for r in found[0].records if not r.fields.get("address")}


def test_one_staff_owner_down_the_rows_is_no_person():
    with_address, owners = _owners(lambda i: "営業 太郎")
    assert with_address == len(JA) and owners == set()


def test_owners_that_differ_row_by_row_are_kept():
    names = [p.name for p in JA]
    with_address, owners = _owners(lambda i: names[(i + 1) % len(names)])
    assert with_address == len(JA) and len(owners) == len(JA)
