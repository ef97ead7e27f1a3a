"""Stored zip members whose start is lost, many of them (review14c).

split14's ``_stored_after_loss`` looked for the next member's header by walking every header offset from the
first for each member whose header is zeros: a lost ``.001`` over a zip of many small stored members (tens of
thousands in the zeroed part) cost the square of their number. Each member finds its next header by bisection.
"""

from __future__ import annotations

import io
import zipfile

from test_review14c_bzip2_hostile import Counted

from scanner.inspectors import archive_formats


def test_each_member_finds_the_next_header_without_walking_them_all() -> None:
    n = 2000
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for i in range(n):
            z.writestr(f"m{i}.txt", f"id,name\n{i},row\n")
    data = bytearray(buf.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        infos = z.infolist()
        start_dir = z.start_dir
    data[:start_dir] = bytes(start_dir)  # every local header and its data lost (a lost first part)
    ends = Counted(sorted({i.header_offset for i in infos} | {start_dir}))
    Counted.reads = 0
    for info in infos:
        assert archive_formats._stored_after_loss(bytes(data), info, ends) == b""
    assert Counted.reads < 40 * n, Counted.reads  # was n * n / 2
