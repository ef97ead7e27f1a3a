"""report.html -> report.pdf with headless Chromium (``--pdf``, ``leakscan report OUT --pdf``).

Why Chromium: it is the engine the report is tested in (first screen, A4 page count, hash blocks), it
honours the report's print stylesheet (``@page`` size A4, running header with page x/y) and embeds the
fonts it uses as subsets, and it needs no Python dependency. A Japanese font must be installed (Debian:
fonts-noto-cjk or fonts-ipafont), or the PDF would show empty boxes: both are checked before the scan.

Chromium writes into a private temporary folder (0700) with a throw-away profile, no network and no
extensions; the PDF is then written into --out like every output (0600, O_EXCL temporary name).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import LeakscanError, UsageError
from .output import write_private

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--disable-gpu", "--no-pdf-header-footer", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions", "--no-first-run",
         "--mute-audio", "--disable-dev-shm-usage", "--disable-quic", "--proxy-server=127.0.0.1:9",
         "--run-all-compositor-stages-before-draw", "--virtual-time-budget=5000")
INSTALL_HINT = "install Chromium (Debian: apt-get install chromium)"
FONT_HINT = "install a Japanese font (Debian: apt-get install fonts-noto-cjk, or fonts-ipafont-gothic)"
TIMEOUT = 300


class PdfError(LeakscanError):
    """The PDF could not be written (the HTML report is complete)."""


def browser() -> str | None:
    """The Chromium to print with: $LEAKSCAN_CHROMIUM, else the first of BROWSERS on the PATH."""
    chosen = os.environ.get("LEAKSCAN_CHROMIUM")
    if chosen:
        return shutil.which(chosen)
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def japanese_font() -> bool | None:
    """Is a font with Japanese glyphs installed (fontconfig, which Chromium uses)? None when unknown."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        done = subprocess.run([fc_list, ":lang=ja", "family"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(done.stdout.strip())


def check_ready() -> str:
    """Before a scan with --pdf: the browser and a Japanese font are there, or a UsageError says what to
    install (nothing is scanned or written)."""
    found = browser()
    if found is None:
        raise UsageError(f"--pdf needs headless Chromium, which was not found: {INSTALL_HINT}; "
                         "or leave out --pdf and print report.html from a browser")
    if japanese_font() is False:
        raise UsageError(f"--pdf: no Japanese font is installed, the PDF would show empty boxes: {FONT_HINT}")
    return found


def print_pdf(html: Path, pdf: Path) -> Path:
    """Print ``html`` (a report in --out) to ``pdf`` (0600) with headless Chromium."""
    exe = check_ready()
    work = Path(tempfile.mkdtemp(prefix="leakscan-pdf-"))  # 0700, removed below
    try:
        target = work / "out.pdf"
        sandbox = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []  # root has no sandbox
        cmd = [exe, *FLAGS, *sandbox, f"--user-data-dir={work / 'profile'}", f"--print-to-pdf={target}",
               html.resolve().as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as e:
            raise PdfError(f"{pdf.name}: Chromium did not finish within {TIMEOUT} s") from e
        except OSError as e:
            raise PdfError(f"{pdf.name}: Chromium could not be started ({e.strerror or e})") from e
        try:
            data = target.read_bytes()
        except OSError:
            data = b""
        if done.returncode != 0 or not data.startswith(b"%PDF-"):
            last = (done.stderr.strip().splitlines() or ["no output"])[-1][:300]
            raise PdfError(f"{pdf.name}: Chromium failed (exit {done.returncode}: {last})")
        return write_private(pdf, data)
    finally:
        shutil.rmtree(work, ignore_errors=True)
