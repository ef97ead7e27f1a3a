"""SMB connections of one process, kept for the next file: how a worker reads tasks' files (SmbRef).

A worker process examines the files it is sent one after another; logging in costs several round
trips (NEGOTIATE, two SESSION_SETUPs, TREE_CONNECT), so each process keeps one logged-in client per
share and options, made on first use and reused for every later file of that share. Each process has
its own connections: nothing is shared across processes, and the scan's own walk keeps its own client.
The password comes from LEAKSCAN_SMB_PASSWORD in the worker as in the scan process (a password typed at
the prompt is never handed to other processes: SmbEntry.ref() returns None then).

A server that is away when a worker first needs it is waited for like a dropped connection (within the
retry window), and the worker tells its parent how long each wait may last, so an outage is not taken
for a hung decoder; a client that gave up (``dead``) is replaced by a new one for the next file, so one
outage does not cost every later file of this worker.
"""

from __future__ import annotations

from typing import Any

from .. import isolation
from .smb_client import Client, Target

_clients: dict[tuple[Target, tuple[tuple[str, Any], ...]], Client] = {}


def client_for(target: Target, password: str, options: dict[str, Any]) -> Client:
    """This process's client for ``target`` (connected lazily, on its first request: Client.retrying)."""
    key = (target, tuple(sorted(options.items())))
    client = _clients.get(key)
    if client is None or client.dead:
        if client is not None:
            client.close()
        client = Client(target, password, **options)
        client.on_wait = _still_working
        client.waiting = getattr(isolation, "outside_wait", client.waiting)
        _clients[key] = client
    return client


def _still_working(seconds: float) -> None:
    """Waiting for the server through an outage is work, not a hang: the parent that watches this worker
    (scanner.isolation's mark, where the process pool provides it) gets the time the next wait may take."""
    mark = getattr(isolation, "mark", None)
    if mark is not None:
        mark(None, seconds)


def close_all() -> None:
    """Log off every share this process connected to (a worker that exits)."""
    while _clients:
        _, client = _clients.popitem()
        client.close(graceful=True)
