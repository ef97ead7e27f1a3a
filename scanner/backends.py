"""Optional back-ends: the third-party readers one kind of source or file needs, and how to install them.

Each is imported where it is used, through :func:`load`, so leakscan runs without the ones a scan does
not need (``leakscan scan backup.zip`` needs no disk-image library). A missing back-end is never a
silent clean: a SOURCE that needs it is an error, a file that needs it is listed as ``unsupported``,
both with the command that installs it.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .details import Detail, say
from .errors import SourceError

# import name -> (distribution on PyPI, what it reads)
BACKENDS: dict[str, tuple[str, str]] = {
    "pytsk3": ("pytsk3", "disk images"),
    "dfvfs": ("dfvfs", "disk images"),
    "pyewf": ("libewf-python", "E01 (EnCase) images"),
    "smbprotocol": ("smbprotocol", "smb:// shares"),
    "py7zr": ("py7zr", ".7z archives"),
    "pypff": ("libpff-python", "Outlook stores (.pst, .ost)"),
    "tnefparse": ("tnefparse", "Outlook's TNEF wrapper (winmail.dat)"),
    "compressed_rtf": ("compressed-rtf", "Outlook's compressed RTF message bodies"),
    "striprtf": ("striprtf", "RTF message bodies (their text and table rows)"),
    "pypdf": ("pypdf", "files attached to PDFs"),
    "pyreadstat": ("pyreadstat", "SPSS, Stata and SAS data files (.sav, .dta, .sas7bdat, .xpt)"),
    "backports.zstd": ("backports.zstd", "Zstandard-compressed files (.zst, .tar.zst)"),
    "lz4": ("lz4", "LZ4-compressed files (.lz4, .tar.lz4, lz4 -l initramfs parts)"),
    "pyzipper": ("pyzipper", "AES-encrypted zip members (with --password-file)"),
    "pylnk": ("liblnk-python", "Windows shortcuts (.lnk) and jump lists"),
    "pyolecf": ("libolecf-python", "jump lists (automaticDestinations-ms)"),
    "pyregf": ("libregf-python", "registry hives (NTUSER.DAT, UsrClass.dat, SYSTEM, SOFTWARE)"),
    "pyfwsi": ("libfwsi-python", "shell items in registry hives and shortcuts"),
    "pyvhdi": ("libvhdi-python", "VHD/VHDX parent chains"),
    "pyqcow": ("libqcow-python", "QCOW2 backing files"),
    "pyvmdk": ("libvmdk-python", "VMDK extent files"),
    "pyphdi": ("libphdi-python", "Parallels extent files"),
    "pybde": ("libbde-python", "BitLocker startup key files (--bitlocker-startup-key)"),
    "distributed": ("distributed", "a dask.distributed scheduler (scan --scheduler)"),
}


class MissingBackend(SourceError):
    """A back-end a source or a file needs is not installed; the message says what to install."""

    def __init__(self, module: str) -> None:
        dist, what = BACKENDS[module]
        super().__init__(say(Detail.BACKEND_MISSING, what=what, dist=dist, install=dist))  # said: a detail too
        self.module = module


def load(module: str) -> ModuleType:
    """Import a back-end named in BACKENDS; MissingBackend when it is not installed.

    Only the back-end's own absence is converted: an error inside an installed back-end (a missing
    shared library, a broken dependency) propagates as it is, so it is never mistaken for "not installed".
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name != module:
            raise
        raise MissingBackend(module) from e
