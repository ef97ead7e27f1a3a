"""Shell item lists (PIDLs) -> a readable path, with libfwsi (libyal, the same family as dfvfs).

Shell items are how Explorer names what it showed: a volume (``E:\\``), folders and files (8.3 name
plus the long name in an extension block), network locations (``\\\\server\\share``) and virtual
folders (My Computer, Control Panel, libraries). Virtual folders are kept as ``<GUID>`` markers so a
path is never invented; a file entry's times are the ones the item recorded (local FAT times, 2 s).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyfwsi

# Shell folders that stand for "this computer": a volume item after them starts the real path.
_COMPUTER = {"20d04fe0-3aea-1069-a2d8-08002b30309d"}


@dataclass
class ShellPath:
    path: str  # "E:\\介護予防\\利用者名簿.xlsx", "\\\\nas\\share\\x.xlsx", "<GUID>\\folder"
    complete: bool  # True when it starts at a volume or a network location (a real location)
    last_modified: str | None = None  # the last item's own modification time, when recorded


def _long_name(item: pyfwsi.item) -> str | None:
    for block in item.extension_blocks:
        if isinstance(block, pyfwsi.file_entry_extension) and block.long_name:
            return block.long_name
    return None


def item_path(items: list[pyfwsi.item]) -> ShellPath:
    """Join the items of one list into a path (each item one component)."""
    parts: list[str] = []
    complete = False
    modified = None
    for item in items:
        modified = None
        if isinstance(item, pyfwsi.volume):
            name = (item.name or "").rstrip("\\")
            parts, complete = ([name] if name else [f"<{item.identifier or 'volume'}>"]), bool(name)
        elif isinstance(item, pyfwsi.network_location):
            parts, complete = [(item.location or "").rstrip("\\")], bool(item.location)
        elif isinstance(item, pyfwsi.file_entry):
            parts.append(_long_name(item) or item.name or "?")
            try:
                when = item.modification_time
            except (OSError, ValueError):  # a damaged FAT date
                when = None
            modified = when.isoformat() if when is not None else None  # local FAT time: no Z
        elif isinstance(item, pyfwsi.compressed_folder):
            parts.append(item.name or "?")
        elif isinstance(item, pyfwsi.root_folder):
            guid = (item.shell_folder_identifier or "").lower()
            if guid not in _COMPUTER:
                parts.append(f"<{guid}>")
        else:  # property views, control panel, URIs ...: a marker, never a guessed name
            ident = getattr(item, "known_folder_identifier", None) or getattr(item, "shell_folder_identifier", None)
            parts.append(f"<{ident or f'0x{item.class_type:02x}'}>")
    if complete and len(parts) == 1:
        return ShellPath(parts[0] + "\\", True, modified)
    return ShellPath("\\".join(parts), complete, modified)


def parse_item_list(data: bytes, codepage: str = "cp932") -> ShellPath | None:
    """A whole shell item list (BagMRU value, OpenSavePidlMRU value, LNK target IDs); None when empty."""
    items = pyfwsi.item_list()
    items.copy_from_byte_stream(data, ascii_codepage=codepage)
    found = list(items.items)
    return item_path(found) if found else None
