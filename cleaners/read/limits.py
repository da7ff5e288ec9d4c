"""Per-page time and memory limits, so one hostile page (100,000 paragraphs, a parser trap) costs
a failure record instead of a stalled or killed batch.

The time limit is a timer signal, so it applies on the main thread of the process that cleans
(the command line's process or a pool worker); the memory limit caps the address space of a
worker process, where a ``MemoryError`` then ends the page, not the worker.
"""

from __future__ import annotations

import resource
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from cleaners.errors import CleaningError, FailureKind


class _PageTimeout(BaseException):
    """Raised by the timer inside cleaning; a BaseException so no library swallows it."""


def _on_timer(signum: int, frame: FrameType | None) -> None:
    raise _PageTimeout


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Turn cleaning that runs past ``seconds`` into a ``timeout`` failure."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_timer)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _PageTimeout as error:
        raise CleaningError(FailureKind.TIMEOUT, f"cleaning took longer than the limit of {seconds:g} s") from error
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def cap_memory(megabytes: int | None) -> None:
    """Cap this process's address space (call it in a worker process, never in a crawler)."""
    if not megabytes:
        return
    limit = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
