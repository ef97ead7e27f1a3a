"""review15b: a joined byte-split series is content-checked on the joined file's first bytes, not its first part's.

``examine.head_of`` (the bytes ``look`` asks for beyond the first 65: a page's ``<table>`` after a long ``<head>``, up
to 64 KiB) read a local entry through ``LocalEntry.read_head``, which opens the entry's own file: for the row of a
joined series (``JoinedEntry``, whose ``open`` joins the parts) that is its first part alone. A saved page of persons
named .jpg, split in 16 KiB parts, was found unsplit but its series ended as nothing (tree15 made ``quick_head`` and
``stat_sized`` defer to such an entry's own ``open``/``stat``; ``head_of`` kept the old way)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli


def _page(rows: int) -> bytes:
    from faker import Faker

    fake = Faker("ja_JP")
    Faker.seed(1515)
    style = "".join(f".c{i} {{ color: #{i:06x}; margin: {i % 7}px; }}\n" for i in range(900))  # ~35 KiB of <head>
    body = "".join(f"<tr><td>{fake.name()}</td><td>{fake.address()}</td><td>{fake.phone_number()}</td></tr>\n"
                   for _ in range(rows))
    return (f"<html><head><meta charset='utf-8'><style>\n{style}</style></head><body><table>"
            f"<tr><th>氏名</th><th>住所</th><th>電話番号</th></tr>\n{body}</table></body></html>\n").encode()


def _records(tmp_path: Path, src: Path) -> dict[str, int]:
    out = tmp_path / "out"
    run_cli("scan", str(src), "--out", str(out), "--quiet")
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return {Path(f["path"]).name: (f.get("pii") or {}).get("records", 0) for f in doc["files"]}


def test_a_split_page_of_persons_named_as_a_photo_is_read_joined(tmp_path: Path) -> None:
    data = _page(40)
    assert data.find(b"<table") > 16384  # past the first part
    src = tmp_path / "src"
    src.mkdir()
    for i in range(0, len(data), 16384):
        (src / f"photo.jpg.{i // 16384 + 1:03d}").write_bytes(data[i:i + 16384])
    whole = tmp_path / "whole"
    whole.mkdir()
    (whole / "photo.jpg").write_bytes(data)
    assert _records(tmp_path / "a", whole) == {"photo.jpg": 40}  # unsplit: a disguised page of 40 persons
    assert _records(tmp_path / "b", src) == {"photo.jpg.001": 40}  # split: the same, on its first part's row
