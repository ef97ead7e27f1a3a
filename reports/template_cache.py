"""Compiled report templates kept between runs, so a scan does not compile Jinja2's templates each time.

Compiling the report's ~20 templates costs about 0.15-0.2 s of CPU, the largest single part of a scan of a
small folder. Jinja2's own bytecode cache (``jinja2.FileSystemBytecodeCache``) keeps each compiled template
keyed by its name and path and checks the SHA-1 of its source and the Python version before using it; the
folder it uses here is also named after the Jinja2 version and the environment's compile-time settings, so
a Jinja2 upgrade or a changed setting never loads code compiled for another. The same works from a checkout
and from an installed wheel (the templates are package data; their path is part of the key).

Where: only in ``$LEAKSCAN_CACHE_DIR`` when the examiner sets it (unset, ``off`` or empty: no cache, the
templates are compiled in memory). Off by default because a forensic tool must write nothing outside
``--out`` unless asked (it may run on a machine under examination). Never the evidence. Only compiled
template code is written there (no case data). A folder that cannot be made, is not a folder owned by this
user, or can be written by others is not used, and nothing is created under another user's folder (``sudo``
keeping that user's HOME); an unreadable or damaged cache file is compiled afresh.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import sys
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

log = logging.getLogger("leakscan")

CACHE_ENV = "LEAKSCAN_CACHE_DIR"
OFF = frozenset({"", "off", "0", "no", "none"})


def cache_root() -> Path | None:
    """The cache folder the examiner chose (not created here), or None: no cache unless asked for."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is None or chosen.strip().lower() in OFF:
        return None
    return Path(chosen).expanduser()


def settings_key(env: jinja2.Environment) -> str:
    """What makes compiled code differ besides the template's source: Jinja2's and Python's versions and the
    environment's compile-time settings (delimiters, whitespace control, extensions, autoescape, finalize, and the
    filters and tests there are with what each is handed besides its value)."""
    parts = (jinja2.__version__, sys.implementation.cache_tag, env.block_start_string, env.block_end_string,
             env.variable_start_string, env.variable_end_string, env.comment_start_string, env.comment_end_string,
             env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
             env.newline_sequence, env.keep_trailing_newline, env.optimized, env.is_async,
             sorted(env.extensions), getattr(env, "newstyle_gettext", None), env.undefined.__name__,
             env.autoescape("report.html.j2") if callable(env.autoescape) else env.autoescape,
             env.finalize is not None, getattr(env.finalize, "jinja_pass_arg", None),
             # the compiler hands a filter or test the context, eval context or environment when it asks for it
             # (@pass_context ...): code compiled before a filter changed so would call it with shifted arguments
             sorted((n, str(getattr(f, "jinja_pass_arg", None))) for n, f in env.filters.items()),
             sorted((n, str(getattr(f, "jinja_pass_arg", None))) for n, f in env.tests.items()))
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
    return f"jinja2-{jinja2.__version__}-{sys.implementation.cache_tag}-{digest}"


def _private_folder(path: Path) -> bool:
    """Make ``path`` (mode 0700) if missing; True only for a real folder of this user no one else can write."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode) or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    return not hasattr(os, "getuid") or st.st_uid == os.getuid()


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja2's file cache that never fails a report: a cache file it cannot read or write is ignored."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception as e:  # a damaged file (truncated pickle, bad marshal data): compile instead
            log.debug("template cache: %s unusable (%s); compiling", bucket.key[:12], type(e).__name__)
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError as e:  # full or read-only disk: the report is rendered all the same
            log.debug("template cache: not written (%s)", type(e).__name__)


def _mine(path: Path) -> bool:
    """Is the nearest existing folder at or above ``path`` this user's? (``sudo`` keeping another user's HOME:
    nothing is created in that user's home.)"""
    for folder in (path, *path.parents):
        try:
            st = os.stat(folder)
        except FileNotFoundError:
            continue
        except OSError:
            return False
        return not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return False


def template_cache(env: jinja2.Environment) -> TemplateCache | None:
    """A cache for ``env``'s compiled templates in the per-user folder, or None when off or unusable."""
    root = cache_root()
    if root is None or not _mine(root):
        return None
    folder = root / "templates" / settings_key(env)
    if not all(_private_folder(p) for p in (root, folder.parent, folder)):
        log.debug("template cache: folder unusable; templates are compiled")
        return None
    return TemplateCache(str(folder), "%s.j2c")
