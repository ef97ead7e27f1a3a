"""Review of the detail codes (review10f): what reaches a detail's parameters is shown safely in the Japanese
report, and reading a detail back stays cheap however many parts it has."""

from __future__ import annotations

from reports.details import detail_html
from reports.html import visible
from scanner.details import Detail, say


def test_a_volume_name_with_bidi_or_control_characters_is_shown_visibly_in_japanese() -> None:
    # a volume or layer name is a lenient ``name`` parameter: an APFS/VSS location may hold any character
    text = say(Detail.APFS_VOLUME_UNREADABLE, name="vol\u202etxt.exe\x1b[2J", library="unable to open")
    html = str(detail_html(text, "corrupt", "ja", visible))
    assert "\u202e" not in html and "\x1b" not in html
    assert "⟨U+202E⟩" in html and "⟨U+001B⟩" in html
