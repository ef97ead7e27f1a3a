"""Which members of an Office Open XML or OpenDocument package are the format's own parts, and which are not.

A member that is none of them (a workbook added at the package's root, a CSV nested under ``embeddings/sub/``) is
how an insider hides a file inside a document: it is examined by content as an embedded object is
(scanner.inspectors.embedded). A real document's members are all own parts, so it costs nothing more.
"""

from __future__ import annotations

import re

# parts of any folder: XML parts and their relationships, DrawingML/VML drawings, binary parts (an .xlsb's sheets,
# VBA projects, printer settings, ActiveX controls), signatures, embedded fonts
# an XPS/OpenXPS document's XML parts (ECMA-388: its sequence names documents and pages by Source attributes, no
# relationship does; sweep22: POI's testPPT.xps was said to hide its own pages)
_XPS_SUFFIXES = (".fdseq", ".fdoc", ".fpage", ".frag", ".struct", ".dict")
_OWN_SUFFIXES = (".xml", ".rels", ".vml", ".bin", ".sigs", ".psdsxs", ".odttf", ".fntdata", ".rdf", ".data", ".psmdcp",
                 *_XPS_SUFFIXES)
# folders whose members are all the package's own (properties, custom XML, signatures, ODF manifest, settings, macros)
_OWN_FOLDERS = ("docprops/", "customxml/", "_xmlsignatures/", "meta-inf/", "configurations2/", "basic/", "dialogs/",
                "scripts/", "docmetadata/", "package/services/")
# folders of pictures, sounds, videos and fonts: own parts when they are those (a workbook there is not)
_MEDIA_FOLDER = re.compile(r"(?:^|/)(?:media|pictures|thumbnails|objectreplacements|fonts|ink)/[^/]+$")
_MEDIA_SUFFIXES = (".png", ".jpeg", ".jpg", ".jpe", ".jfif", ".gif", ".bmp", ".dib", ".tif", ".tiff", ".emf", ".wmf",
                   ".emz", ".wmz", ".svg", ".svm", ".wdp", ".hdp", ".jxr", ".pict", ".pct", ".ico", ".webp", ".heic",
                   ".wav", ".mp3", ".m4a", ".wma", ".mid", ".aiff", ".mp4", ".m4v", ".mov", ".wmv", ".avi", ".mpg",
                   ".mpeg", ".pdf", ".eps", ".ttf", ".otf", ".eot", ".woff", ".woff2", ".pfb", ".glb", ".3mf")
# (xl/metadata: an XML part without a suffix, in a city's open-data workbook and two of Apache POI's test files)
_OWN_NAMES = ("[content_types].xml", "mimetype", "layout-cache", "manifest.rdf", "xl/metadata")
# a part directly in an embeddings folder, or an ODF object (its folder, or a compound file stored whole): the
# embedded objects themselves, examined already (scanner.inspectors.embedded)
_OBJECT = re.compile(r"^(?:(?:[^/]+/)?embeddings/[^/]+|Object \d+(?:/.*)?)$", re.IGNORECASE)


def is_foreign_member(name: str) -> bool:
    """Whether a package member named ``name`` is none of its format's own parts nor an embedded object."""
    path = name.replace("\\", "/")
    low = path.casefold()
    if not low or low.endswith("/") or low in _OWN_NAMES or _OBJECT.match(path):
        return False
    if "/" in low and low.endswith(_OWN_SUFFIXES) and "/embeddings/" not in f"/{low}":
        return False  # (a part at the root is [Content_Types].xml or an ODF part: below)
    if "/" not in low:  # an ODF package's content.xml, styles.xml, meta.xml, settings.xml; an .xlsb whose parts its
        return not low.endswith((".xml", ".rdf", ".bin", *_XPS_SUFFIXES))  # relationships moved to the root (workbook.bin: read so)
    if low.startswith(_OWN_FOLDERS):
        return False
    if _MEDIA_FOLDER.search(low):
        return not (low.endswith(_MEDIA_SUFFIXES) or "." not in low.rsplit("/", 1)[1])  # (ODF: Object 1, no suffix)
    return True
