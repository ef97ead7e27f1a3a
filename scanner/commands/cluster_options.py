"""``scan --scheduler``: the options that send a scan's parts to a dask.distributed cluster (scanner.cluster)."""

from __future__ import annotations

import argparse

from ..i18n import _
from . import argtypes


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scheduler", default="", metavar="tls://HOST:8786",
                   help=_("run the scan on a dask.distributed cluster: each SOURCE (a directory: its top-level "
                   "folders) is a task for the scheduler's workers, which must reach the SOURCEs by the same path "
                   "or URL; the findings are merged here and say which worker scanned which part"))
    p.add_argument("--tls-ca", type=argtypes.path, metavar="FILE", help=_("CA certificate of a tls:// scheduler (PEM)"))
    p.add_argument("--tls-cert", type=argtypes.path, metavar="FILE", help=_("this client's TLS certificate (PEM)"))
    p.add_argument("--tls-key", type=argtypes.path, metavar="FILE", help=_("this client's TLS private key (PEM)"))
    p.add_argument("--insecure-wire", action="store_true",
                   help=_("accept a tcp:// scheduler: the case key, file names and masked samples cross the "
                   "network unencrypted (only on a closed network you trust)"))


def values(args: argparse.Namespace) -> dict[str, object]:
    """The ScanConfig fields these options set."""
    return {"scheduler": args.scheduler or "", "tls_ca": str(args.tls_ca or ""), "tls_cert": str(args.tls_cert or ""),
            "tls_key": str(args.tls_key or ""), "insecure_wire": bool(args.insecure_wire)}
