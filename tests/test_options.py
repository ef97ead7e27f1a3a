"""Meaningless option values are refused in one line with exit 2, before anything is read or written.
In-process (cli.main): option checks need no subprocess."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.cli import main

BAD_SCAN_OPTIONS = [
    (["--parse-timeout", "nan"], "--parse-timeout"),
    (["--parse-timeout", "inf"], "--parse-timeout"),
    (["--parse-timeout", "-1"], "--parse-timeout"),
    (["--parse-timeout", "0"], "--parse-timeout"),
    (["--parse-timeout", "ten"], "--parse-timeout"),
    (["--max-inspect-mb", "-1"], "--max-inspect-mb"),
    (["--max-inspect-mb", "0"], "--max-inspect-mb"),
    (["--max-cells", "0"], "--max-cells"),
    (["--max-cells", "1.5"], "--max-cells"),
    (["--max-archive-mb", "0"], "--max-archive-mb"),
    (["--max-archive-ratio", "0"], "--max-archive-ratio"),
    (["--archive-depth", "-1"], "--archive-depth"),
    (["--min-overlap", "0"], "--min-overlap"),
    (["--name", ""], "--name"),
    (["--name", "  "], "--name"),
    (["--name", ".."], "--name"),
    (["--name", "*.xlsx"], "wildcards are not supported"),
    (["--name", "名簿?.xlsx"], "wildcards are not supported"),
    (["--name", "C:\\Users\\staff\\名簿.xlsx"], "file name only"),
    (["--name", "docs/名簿.xlsx"], "file name only"),
    (["--out", ""], "--out"),
    (["--baseline", ""], "--baseline"),
    (["--known-hashes", ""], "--known-hashes"),
    (["--reference", ""], "--reference"),
]


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize(("extra", "said"), BAD_SCAN_OPTIONS)
def test_meaningless_scan_values_are_one_line_exit_2(extra: list[str], said: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    share, out = tmp_path / "share", tmp_path / "out"
    share.mkdir()
    argv = ["scan", str(share), "--name", "名簿.xlsx", "--out", str(out), *extra]
    assert said in _refused(argv, capsys)
    assert not out.exists()  # refused before anything was written


@pytest.mark.parametrize("argv", [
    ["verify", ""], ["diff", "a", "b", "--out", ""], ["merge", "a", "--out", ""], ["persons", ""],
    ["demo", "--out", ""], ["scan", "--resume", ""],
])
def test_empty_paths_are_usage_errors_in_every_command(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert "must not be empty" in _refused(argv, capsys)


def test_sensible_values_still_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "名簿[1].xlsx").write_bytes(b"x")  # brackets are legal in Windows names (browser caches)
    code = main(["scan", str(share), "--name", "名簿[1].xlsx", "--out", str(tmp_path / "out"), "--quiet",
                 "--parse-timeout", "0.5", "--max-cells", "1", "--archive-depth", "0", "--max-inspect-mb", "1"])
    assert code == 1  # the exact name was found
