"""examine.read_capped: the bytes a worker gets, up to --max-inspect-mb + 1, read without allocating the whole
cap for a small file; a file that holds more than its stat said (it grew) is still read up to the cap + 1, so
the caller sees it is over the cap or has changed, exactly as a read of cap + 1 bytes would show."""

from __future__ import annotations

import io

import pytest

from scanner.examine import read_capped


@pytest.mark.parametrize("actual,said,cap", [
    (64, 64, 1000), (0, 0, 1000), (64, 10, 1000), (5000, 10, 1000), (1000, 1000, 1000), (1001, 1000, 1000),
    (10, 64, 1000), (2000, 2000, 1000),
])
def test_same_bytes_as_a_read_of_cap_plus_one(actual: int, said: int, cap: int) -> None:
    data = bytes(range(256)) * (actual // 256 + 1)
    data = data[:actual]
    expected = io.BufferedReader(io.BytesIO(data)).read(cap + 1)
    assert read_capped(io.BufferedReader(io.BytesIO(data)), said, cap) == expected
