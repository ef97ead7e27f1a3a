"""Mistakes at the terminal (Session 9). Ctrl-C at any moment of a command, even while leakscan is still
starting: one line and exit 130, never a traceback (an examiner who pressed Ctrl-C right after Enter got
Python's traceback of the import that was running). Text typed in bytes that are not UTF-8 (an examiner's
name from a cp932 terminal) is named as that option's text, not as "this path"."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT, run_cli

# a finder that raises KeyboardInterrupt when the commands are imported: Ctrl-C at that very moment
_INTERRUPT_IMPORT = """
import runpy, sys
class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            raise KeyboardInterrupt
        return None
sys.meta_path.insert(0, Interrupt())
sys.argv = ["scan.py", *{argv!r}]
runpy.run_path("scan.py", run_name="__main__")
"""


@pytest.mark.parametrize("module", ["scanner.commands", "scanner.cli"])
def test_ctrl_c_while_leakscan_starts_is_one_line(module: str, tmp_path) -> None:
    code = _INTERRUPT_IMPORT.format(module=module, argv=["verify", str(tmp_path)])
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 130, run.stderr
    assert "Traceback" not in run.stderr and run.stderr.strip() == "leakscan: interrupted", run.stderr


def test_ctrl_c_while_the_options_are_read_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import scanner.cli

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(scanner.cli, "build_parser", interrupted)
    run = run_cli("verify", "/nonexistent-folder")
    assert run.returncode == 130 and run.stderr.strip() == "leakscan: interrupted", run.stderr


@pytest.mark.parametrize("option", ["--case-id", "--examiner", "--note"])
def test_text_that_is_not_utf8_names_its_option(option: str, tmp_path) -> None:
    typed = b"\x92\xb2\x8d\xb8".decode("utf-8", "surrogateescape")  # 調査 in cp932
    (tmp_path / "src").mkdir()
    run = run_cli("scan", str(tmp_path / "src"), "--name", "a.xlsx", "--out", str(tmp_path / "out"), option, typed)
    assert run.returncode == 2, run.stderr
    assert option in run.stderr and "not valid UTF-8" in run.stderr and "path" not in run.stderr, run.stderr
    assert not (tmp_path / "out").exists()


def test_a_folder_that_could_not_be_listed_is_said_on_the_terminal_even_with_quiet(tmp_path) -> None:
    """A subfolder without permission (a colleague's home folder on a share) holds files nobody examined: it was
    one line of skipped.csv and "not examined (skipped): 1" among the figures, and with --quiet not a word, while
    the exit code said nothing was found. The terminal now names the folders whose files were not listed."""
    import os

    from remediation_data import run_without_dac

    from scanner.demo import LEAKED_NAME

    src = tmp_path / "src"
    (src / "others" / "staff01").mkdir(parents=True)
    (src / "others" / "staff01" / LEAKED_NAME).write_bytes(b"PK\x03\x04 not read")
    (src / "open.txt").write_text("memo\n", encoding="utf-8")
    os.chmod(src / "others" / "staff01", 0)
    try:
        run = run_without_dac("scan", str(src), "--name", LEAKED_NAME, "--out", str(tmp_path / "out"), "--quiet")
    finally:
        os.chmod(src / "others" / "staff01", 0o700)
    assert run.returncode == 3, run.stderr  # incomplete: its files were never listed (Session 10)
    assert "1 folder(s) or volume(s) could not be listed" in run.stderr and "others/staff01" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
