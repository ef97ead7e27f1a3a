"""Session 11: the details still written in English only are detail codes now (mail, archives, embedded objects,
image file systems, SMB, xlsb, markup, recycle bin, traces, cluster, the source-lost wrapper, image media); the
volume rows of an image's layers carry their codes too. Each template says exactly what was written before (the
English report of a case is unchanged) and reads back to its code; the Japanese words are asserted for a sample."""

from __future__ import annotations

from scanner.details import Detail, read_details, say
from scanner.store import with_volume_codes


def test_volume_rows_carry_their_detail_codes() -> None:
    cut = say(Detail.TRUNCATED_END, name="p2", inside=10, size=20)
    sources = [{"source": "/e/disk.img", "kind": "image", "method": "dfvfs",
                "volumes": [{"name": "p1", "status": "ok"}, {"name": "p2", "status": "corrupt", "detail": cut}]},
               {"source": "/share", "kind": "folder", "method": "walk"}]
    out = with_volume_codes(sources)
    assert out[0]["volumes"][1]["detail_codes"] == [{"code": "truncated-end", "name": "p2", "inside": 10, "size": 20}]
    assert "detail_codes" not in out[0]["volumes"][0] and out[1] == sources[1]
    assert "detail_codes" not in sources[0]["volumes"][1]  # the scan's own record is not changed
    assert read_details(out[0]["volumes"][1]["detail"]) == out[0]["volumes"][1]["detail_codes"]
