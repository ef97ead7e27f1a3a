"""Review of the detail codes (review10f): what reaches a detail's parameters is shown safely in the Japanese
report, and reading a detail back stays cheap however many parts it has."""

from __future__ import annotations

import scanner.details as details
from reports.details import detail_html
from reports.html import visible
from scanner.details import Detail, read_details, say


def test_a_volume_name_with_bidi_or_control_characters_is_shown_visibly_in_japanese() -> None:
    # a volume or layer name is a lenient ``name`` parameter: an APFS/VSS location may hold any character
    text = say(Detail.APFS_VOLUME_UNREADABLE, name="vol\u202etxt.exe\x1b[2J", library="unable to open")
    html = str(detail_html(text, "corrupt", "ja", visible))
    assert "\u202e" not in html and "\x1b" not in html
    assert "⟨U+202E⟩" in html and "⟨U+001B⟩" in html


def test_reading_a_detail_of_many_parts_back_is_linear(monkeypatch) -> None:
    # a workbook of many sheets, each with its damage, makes a detail of as many parts ("; "); it is read back
    # when findings.json is written (in the scan's own process) and when a report is rendered
    calls = 0
    real = details.read_part

    def counted(text: str, codes=None):
        nonlocal calls
        calls += 1
        return real(text, codes)

    monkeypatch.setattr(details, "read_part", counted)
    n = 300
    text = "; ".join(say(Detail.CELLS_OUTSIDE, n=i) for i in range(n))
    items = read_details(text)
    assert [i["code"] for i in items] == ["cells-outside"] * n
    assert calls <= 4 * n, calls


def test_a_merge_records_the_detail_codes_of_every_input_even_one_written_before_them(tmp_path, monkeypatch) -> None:
    import json
    import os
    import zipfile

    import scanner.store as store
    from tests.conftest import run_cli

    share = tmp_path / "share"
    share.mkdir()
    os.mkfifo(share / "pipe.fifo")
    with zipfile.ZipFile(share / "cut.zip", "w") as z:
        z.writestr("a.txt", "x" * 4000)
    (share / "cut.zip").write_bytes((share / "cut.zip").read_bytes()[:-30])
    with monkeypatch.context() as m:  # a case written before the codes: findings.json has none
        m.setattr(store, "with_codes", lambda entry, key, codes: entry)
        assert run_cli("scan", str(share), "--out", str(tmp_path / "old"), "--quiet").returncode in (0, 1, 3)
    assert run_cli("scan", str(share), "--out", str(tmp_path / "new"), "--quiet").returncode in (0, 1, 3)
    old = json.loads((tmp_path / "old" / "findings.json").read_text(encoding="utf-8"))
    assert old["skipped"] and not any("detail_codes" in s for s in old["skipped"])
    for order in (("old", "new"), ("new", "old")):
        out = tmp_path / f"merged-{order[0]}"
        done = run_cli("merge", *(str(tmp_path / o) for o in order), "--out", str(out), "--quiet")
        assert done.returncode in (0, 1, 3), done.stderr
        merged = json.loads((out / "findings.json").read_text(encoding="utf-8"))
        assert merged["skipped"]
        for s in merged["skipped"]:
            assert s["detail_codes"] == read_details(s["detail"]), s


def test_a_split_archive_part_named_with_look_alike_letters_is_said_without_error() -> None:
    # "zİp"/"zıp" match "zip" case-insensitively in Unicode: the part's kind then held a non-ASCII word, which
    # say() refuses (the archive would have ended as an internal error instead of its split-part detail)
    from scanner.inspectors.archive_members import split_part

    for name in ("名簿.zİp.001", "名簿.zıp.002", "名簿.zip.００２"):
        part = split_part(name)
        assert part is None or read_details(part.detail(name))[0]["code"] == "split-part"
    part = split_part("名簿; 旧.7Z.002")
    assert part is not None and read_details(part.detail("名簿; 旧.7Z.002"))
