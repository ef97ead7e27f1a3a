"""Sources: each yields Entry, Skipped and Link values for one SOURCE argument.

``open_source(text)`` picks the kind: a directory, a disk image (recognised by content), or an
``smb://`` URL. Every source is a context manager; it connects in ``__enter__``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ..backends import load
from ..errors import UsageError
from .base import Source
from .image_sniff import cut_udif, first_segment, lone_segment, looks_like_image, read_ends
from .local import LocalSource
from .single import SingleFileSource

if TYPE_CHECKING:
    from ..config import ScanConfig
    from .volume_keys import VolumeKeys


def source_options(config: ScanConfig, text: str, keys: VolumeKeys | None = None) -> dict[str, object]:
    """Options one kind of source takes from the config (disk images: verify_images, volume keys, the other SOURCEs
    (peers: members of one Linux md array are read as the array once); SMB: its waits)."""
    if text.startswith("smb://"):
        return {"timeout": config.smb_timeout, "retry_window": config.smb_retry_window}
    return {"verify_images": config.verify_images, "keys": keys, "peers": tuple(config.sources)}


def open_source(text: str, **options: Any) -> Source:
    """Choose the source kind for one SOURCE argument; a user mistake is a UsageError."""
    if text.startswith("smb://"):
        load("smbprotocol")  # MissingBackend (with the install hint) before anything is scanned
        from .smb import SmbSource  # lazy: smbprotocol is slow to import and optional

        return SmbSource(text, **options)
    if os.path.isdir(text):
        from .image_bundle import has_strays, is_bundle_folder

        # a macOS sparse bundle given itself: read as the disk its bands make; one holding other files too is
        # walked as a folder, whose walk reads the disk through its Info.plist and lists or walks the rest
        if is_bundle_folder(text) and not has_strays(text):
            load("pytsk3")
            load("dfvfs")
            from .image import ImageSource

            return ImageSource(text, **options)
        return LocalSource(text)
    if os.path.isfile(text):
        first = first_segment(text)
        if first is not None:  # alone, a later segment is no image: its set is read from the first
            missing = "" if os.path.isfile(first) else " (not found beside it)"
            raise UsageError(f"{text}: a later segment of an image set; give its first segment {first}{missing}, "
                             "which reads every segment")
        lost = lone_segment(text)
        if lost is not None and not looks_like_image(text) and not _text(text):  # disk.002 alone: disk.001 missing
            raise UsageError(f"{text}: a later segment of an image set; give its first segment {lost} (not found "
                             "beside it), which reads every segment")
        if looks_like_image(text) or _cut_dmg(text):  # by content, without the image back-ends
            load("pytsk3")
            load("dfvfs")
            from .image import ImageSource  # lazy: pytsk3 and dfvfs load only when an image is scanned

            return ImageSource(text, **options)
        return SingleFileSource(text)  # an archive or a workbook given by itself
    if os.path.islink(text) and not os.path.exists(text):
        raise UsageError(f"{text}: a symbolic link that leads nowhere (broken, or a loop of links)")
    if os.path.lexists(text):
        raise UsageError(f"{text}: not a directory, disk image or smb:// URL")
    raise UsageError(f"{text}: no such file or directory")


def _cut_dmg(path: str) -> bool:
    """A file named .dmg whose trailer is gone and that nothing else recognises (the caller asked looks_like_image
    first; image_sniff.cut_udif): a damaged disk image, refused as a source
    (ImageSource), never taken for a plain file that leaves the scan complete."""
    if not path.casefold().endswith(".dmg"):
        return False
    try:
        head, tail, _ = read_ends(path)
    except OSError:
        return False
    return cut_udif(head, tail)


def _text(path: str) -> bool:
    """Whether a file's first 512 bytes are text or a zip, OLE2 file or 7z (a cut CSV or workbook's piece, read as
    the file it is: split_series.text_or_container)."""
    from .image_noatime import read_evidence
    from .split_series import text_or_container

    try:
        return text_or_container(read_evidence(path, 512))
    except OSError:
        return False
