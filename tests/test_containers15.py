"""Containers whose later part is unread while the file passed as ok (session 15): an RTF letter cut between its
objects, a .ppt whose object record is damaged in the head the pre-check reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.pii_data import csv_bytes, people, standard, xls_bytes, xlsx_bytes
from tests.test_containers import LEAK, _scan, native, ole_package, rtf

N_XLS, N_XLSX, N_CSV = 6, 7, 8


def letter() -> bytes:
    return rtf([
        ("Excel.Sheet.8", xls_bytes({"名簿": standard(people(N_XLS, seed=151))})),
        ("Excel.Sheet.12", ole_package(xlsx_bytes({"名簿": standard(people(N_XLSX, seed=152))}))),
        ("Package", native(LEAK, csv_bytes(standard(people(N_CSV, seed=153))))[4:]),
    ])


def _listed(doc: dict, path: str) -> list[dict]:
    return [s for s in doc["skipped"] if s["path"] == path]


@pytest.fixture(scope="module")
def cut_letters(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict[str, bytes]]:
    whole = letter()
    second = whole.index(b"{\\object", whole.index(b"{\\object") + 1)
    third = whole.index(b"{\\object", second + 1)
    made = {
        "whole.rtf": whole,
        "cut_between.rtf": whole[:second],  # the first object whole, the two after it absent
        "cut_in_objclass.rtf": whole[:whole.index(b"\\objclass", third) + 6],  # before the third's objdata
        "cut_after_two.rtf": whole[:third + 1],
    }
    share = tmp_path_factory.mktemp("rtf15") / "share"
    share.mkdir()
    for name, data in made.items():
        (share / name).write_bytes(data)
    return share, _scan(share, tmp_path_factory.mktemp("rtf15-out"), "--name", LEAK), made


def test_an_rtf_cut_between_its_objects_is_listed(cut_letters: tuple[Path, dict, dict[str, bytes]]) -> None:
    """An RTF letter cut after its first object (a copy stopped part-way) read its first object and passed as ok
    with the later objects absent. The document group is never closed: listed corrupt, coded ``rtf-cut``,
    the objects before the cut still examined."""
    share, doc, _ = cut_letters
    hits = {f["path"]: f for f in doc["files"]}
    for name, read in (("cut_between.rtf", 1), ("cut_in_objclass.rtf", 2), ("cut_after_two.rtf", 2)):
        listed = _listed(doc, f"{share}/{name}")
        assert listed and listed[0]["reason"] == "corrupt", (name, doc["skipped"])
        assert '"rtf-cut"' in json.dumps(listed[0]["detail_codes"]), listed
        assert len([p for p in hits if p.startswith(f"{share}/{name} » ")]) == read, (name, list(hits))
    assert hits[f"{share}/cut_between.rtf » object1 (Excel.Sheet.8)"]["pii"]["records"] == N_XLS
    assert not _listed(doc, f"{share}/whole.rtf")  # the whole letter is no damage
    assert len([p for p in hits if p.startswith(f"{share}/whole.rtf » ")]) == 3


PPT_N = 5


@pytest.fixture(scope="module")
def flipped_decks(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict[str, bytes]]:
    """A deck whose ExOleEmbedContainer record header (in the head of its PowerPoint Document stream, the part the
    pre-check reads) has one bit flipped: each of its 32 bits, one copy each."""
    from tests.test_containers import slides_ppt

    deck = slides_ppt(ole_package(xlsx_bytes({"名簿": standard(people(PPT_N, seed=154))})))
    at = deck.index(b"\x0f\x00\xcc\x0f")
    made = {}
    for bit in range(32):
        flipped = bytearray(deck)
        flipped[at + bit // 8] ^= 1 << bit % 8
        made[f"deck_bit{bit:02d}.ppt"] = bytes(flipped)
    share = tmp_path_factory.mktemp("ppt15") / "share"
    share.mkdir()
    for name, data in made.items():
        (share / name).write_bytes(data)
    return share, _scan(share, tmp_path_factory.mktemp("ppt15-out")), made


def test_a_deck_whose_object_record_header_is_flipped_is_read(flipped_decks: tuple[Path, dict, dict[str, bytes]]) -> None:
    """One flipped bit in the embedded-object record of a deck's head hid the record from the pre-check: the
    deck passed as one without objects and its workbook was never examined. The object list's damaged
    structure now takes the deck to the worker, which finds the object's storage record and reads it."""
    share, doc, made = flipped_decks
    hits = {f["path"]: f for f in doc["files"]}
    for name in made:
        read = [h for p, h in hits.items() if p.startswith(f"{share}/{name} » ")]
        assert read and read[0]["pii"]["records"] == PPT_N, (name, [s for s in doc["skipped"] if name in s["path"]])
