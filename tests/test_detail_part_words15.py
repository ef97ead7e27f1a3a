"""An image structure named in a detail's list slot is said in the reader's words (review15d #3: the Japanese
VHD sentences read "VHD のfooter copy、footer、dynamic headerが壊れています")."""

from __future__ import annotations

import re

from reports.details import detail_text
from scanner.details import Detail, codes_of, say


def test_vhd_structures_are_said_in_japanese_and_kept_in_english() -> None:
    said = say(Detail.VHD_CHECKSUM_MISMATCH, name="disk.vhd", what=["footer copy", "footer", "dynamic header"],
               n=3, at=0)
    ja = detail_text(str(said), "corrupt", "ja", codes_of(said))
    assert "先頭のフッターの写し、末尾のフッター、動的ヘッダー" in ja, ja
    assert not re.search(r"footer|dynamic header", ja), ja
    assert "footer copy + footer + dynamic header" in detail_text(str(said), "corrupt", "en", codes_of(said))
    on_meta = say(Detail.VHD_BLOCKS_ON_METADATA, name="disk.vhd", what=["block table", "parent locator"], n=2,
                  block=0, at=512)
    ja = detail_text(str(on_meta), "corrupt", "ja", codes_of(on_meta))
    assert "ブロック割り当て表、親ディスクの場所の記録" in ja and "parent locator" not in ja, ja


def test_a_word_without_its_own_label_is_shown_as_written() -> None:
    said = say(Detail.VHD_CHECKSUM_MISMATCH, name="disk.vhd", what=["footer", "odd part"], n=2, at=0)
    ja = detail_text(str(said), "corrupt", "ja", codes_of(said))
    assert "footer、odd part" in ja, ja  # all or none: one sentence never mixes the two
