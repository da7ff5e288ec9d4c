"""Redis commands whose answer nobody waits for, sent together.

A round trip to Redis costs a worker about 0.1 ms of its own time; a page needs several (queue the
requests it yields, end its lease, give back its politeness slot). Those writes are collected and
sent in one pipeline at the end of the reactor's current turn. The pipeline keeps their order, so a
page's discovered requests are always queued before its lease ends: a worker killed before the
flush loses neither (the page, still leased, is done again by another worker).
"""

from __future__ import annotations

from typing import Any

from redis import Redis
from redis.client import Pipeline
from redis.commands.core import Script


class Batcher:
    def __init__(self, server: Redis) -> None:
        self.server = server
        self._pipeline: Pipeline | None = None

    def _open(self) -> Pipeline:
        if self._pipeline is None:
            from twisted.internet import reactor  # the one Scrapy installed; importing it earlier would install one

            self._pipeline = self.server.pipeline(transaction=False)
            reactor.callLater(0, self.flush)  # type: ignore[attr-defined]
        return self._pipeline

    @property
    def pending(self) -> bool:
        """Writes are waiting for the next flush."""
        return self._pipeline is not None

    def script(self, script: Script, keys: list[str], args: list[Any]) -> None:
        script(keys=keys, args=args, client=self._open())

    def command(self, *args: Any) -> None:
        self._open().execute_command(*args)

    def flush(self) -> None:
        if self._pipeline is not None:
            pipeline, self._pipeline = self._pipeline, None
            pipeline.execute()
