"""What a web page leaves open at its end: the block containers whose end tag HTML requires (docs25).

A page written in HTML's optional-tags style (no ``</body>``, ``</html>``, ``</li>``, ``</td>``: html-minifier's and
minify-html's output, Google's style guide) may end after any element, so a page cut right after an end tag
(``</li>`` of its menu, before its person table) looked whole. A list, a table, a ``<div>`` or a ``<nav>`` must be
closed (their end tags are never optional): one still open at the end is a cut (or an include's top, see
``scanner.inspectors.spreadsheet.page_cut``). Comments and raw text (scripts, styles, titles) are skipped as a browser
skips them, so a ``<div>`` written inside a script is no element.
"""

from __future__ import annotations

import re

# block containers whose end tag is required (HTML's "optional tags" leave these out of the list: html, head, body,
# p, li, dt, dd, rt, rp, optgroup, option, colgroup, caption, thead, tbody, tfoot, tr, td, th)
_CONTAINERS = (b"table", b"ul", b"ol", b"dl", b"div", b"section", b"article", b"nav", b"main", b"aside", b"header",
               b"footer", b"form", b"blockquote", b"figure", b"select", b"menu", b"details", b"fieldset", b"pre")
_RAW = (b"script", b"style", b"textarea", b"title", b"xmp")  # their content is text, not tags
_TAG = re.compile(rb"<!--|<(/?)(" + b"|".join(_CONTAINERS + _RAW) + rb")(?=[\s/>])", re.IGNORECASE)
_TAG_REST = re.compile(rb"[^<>]*?(/?)>")  # the rest of a start tag, ``/`` before its ``>`` for an empty element
_RAW_END = {name: re.compile(rb"</" + name + rb"(?:[\s/][^>]*)?>", re.IGNORECASE) for name in _RAW}  # (an end tag's
# attributes are ignored by a browser, ``</script language>``: review25o, Tika's testHTMLBadScript ran to the end)


WALK_MOST = 4 << 20  # a page walked tag by tag at most (~3 us a container tag under load: a 10 MB page of 700,000
# took 2.3 s); a larger one is left to page_cut's other signs


def open_at_end(data: bytes) -> dict[bytes, int]:
    """The required-end containers ``data`` (a page's bytes, an ASCII-based encoding) opened and did not close, each
    with how many are open; a comment or raw-text element left unterminated is reported under its name
    (``b"<!--"``, ``b"script"``): the page ends inside it. An end tag with nothing open is ignored, as a browser
    ignores it. Nothing for a page over WALK_MOST."""
    if len(data) > WALK_MOST:
        return {}
    depth: dict[bytes, int] = {}
    pos = 0
    while (m := _TAG.search(data, pos)) is not None:
        if m.group(0) == b"<!--":
            end = data.find(b"-->", m.end())
            if end < 0:
                return {b"<!--": 1}
            pos = end + 3
            continue
        name = m.group(2).lower()
        if name in _RAW_END:
            if not m.group(1):
                end_tag = _RAW_END[name].search(data, m.end())
                if end_tag is None:
                    return {name: 1}
                pos = end_tag.end()
                continue
        elif m.group(1):
            if depth.get(name):
                depth[name] -= 1
        else:
            rest = _TAG_REST.match(data, m.end())  # (up to the next ``<`` at most: a page of ``<div <div ..`` with
            # no ``>`` looked to its end for each, quadratic, review25o)
            if rest is None or not rest.group(1):  # (``<div/>``: an XHTML page's empty element)
                depth[name] = depth.get(name, 0) + 1
        pos = m.end()
    return {name: n for name, n in depth.items() if n}
