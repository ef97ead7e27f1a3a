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
