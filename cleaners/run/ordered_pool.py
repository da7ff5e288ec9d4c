"""Map a function over a stream in worker processes, in order, with a bounded number in flight.

``ProcessPoolExecutor.map`` submits the whole input before yielding the first result, so a stream
of a million WARC records would be held in memory at once. Here at most ``ahead`` inputs are
submitted beyond the one being waited for; results come back in input order. Inputs that need no
work (``Ready``) pass through in their place.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Generic, TypeVar

import attrs

T = TypeVar("T")
R = TypeVar("R")


@attrs.frozen
class Ready(Generic[R]):
    """A result known without work, kept in its input's place."""

    value: R


def ordered_map(pool: ProcessPoolExecutor | None, function: Callable[[T], R], inputs: Iterable[T | Ready[R]],
                ahead: int) -> Iterator[R]:
    """``function`` over ``inputs`` in ``pool`` (None: in this process), results in input order."""
    if pool is None:
        for item in inputs:
            yield item.value if isinstance(item, Ready) else function(item)
        return
    pending: deque[Future[Any] | Ready[R]] = deque()
    for item in inputs:
        pending.append(item if isinstance(item, Ready) else pool.submit(function, item))
        while len(pending) > ahead:
            yield _result(pending.popleft())
    while pending:
        yield _result(pending.popleft())


def _result(entry: Future[Any] | Ready[Any]) -> Any:
    return entry.value if isinstance(entry, Ready) else entry.result()
