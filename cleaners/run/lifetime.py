"""Worker processes end with the process that started them.

A crawl or a batch killed with SIGKILL gets no chance to stop its process pool: its workers, and
the resource tracker that outlives them, would live on as orphans holding about 100 MB each.
Linux sends a child a signal of its choice when its parent dies (``PR_SET_PDEATHSIG``); every pool
worker asks for SIGKILL that way, and the resource tracker exits by itself once the last process
holding its pipe is gone.

This needs the worker's parent to be the process that owns the pool: the ``fork`` and ``spawn``
start methods give that, ``forkserver`` does not (its workers are children of the fork server,
which stays alive as long as they do), so the crawl starts its workers with ``spawn``.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def exit_with_parent(owner: int) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux; elsewhere a no-op).

    ``owner`` is the PID of the process that started this one: if it died before this call (a
    spawned worker takes a second to import before its initializer runs), exit now instead.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return  # not allowed here (a sandbox); the worker then lives as long as its pool's pipes
    if os.getppid() != owner:
        os._exit(1)
