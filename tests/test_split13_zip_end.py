"""A zip series missing its LAST part (Session 13, split13): no gap shows in the part numbers, the end of central
directory went with the part. Said as a part that may be missing (``split-zip-end-absent``), counted in
``summary.split_series_incomplete``; members before the cut still read."""

from __future__ import annotations

from pathlib import Path

from pii_data import csv_bytes, people, standard
from test_split13_series import _cut, _scan


def test_a_zip_series_missing_its_last_part_says_a_part_may_be_missing(tmp_path: Path) -> None:
    """``X.zip.001 … .003`` of a 4-part zip: no gap in the numbers, the end of central directory gone with the last
    part. Before: "damaged zip container … members read from their local headers", with no word of a part."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for k in range(4):
            z.writestr(f"名簿{k}.csv", csv_bytes(standard(people(60, seed=40 + k)), "utf-8"))
    src = tmp_path / "src"
    (src / "cut").mkdir(parents=True)
    (src / "whole").mkdir()
    data = buf.getvalue()
    cut = _cut(src / "cut", "clients.zip", data, 4)
    whole = _cut(src / "whole", "clients.zip", data, 4)
    cut[-1].unlink()
    rows, skipped = _scan(tmp_path, src)
    row = skipped[str(cut[0])]
    assert row["reason"] == "corrupt" and "split-zip-end-absent" in {c["code"] for c in row["detail_codes"]}, row
    assert "clients.zip.003" in row["detail"] and "last part may be missing" in row["detail"], row["detail"]
    inside = [f for p, f in rows.items() if p.startswith(f"{cut[0]} » ")]
    assert sum((f.get("pii") or {}).get("records") or 0 for f in inside) > 0  # members before the cut still read
    assert str(whole[0]) not in skipped  # the whole series says nothing of the kind
    assert sum((f.get("pii") or {}).get("records") or 0 for p, f in rows.items()
               if p.startswith(f"{whole[0]} » ")) == 240
