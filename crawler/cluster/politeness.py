"""Politeness held across the cluster: ten workers do not hit a site ten times harder than one.

Each worker's Scrapy keeps its own per-domain slots, which know nothing of the other workers. With
``REDIS_URL`` this downloader middleware also takes a cluster-wide slot for the request's host
before it is downloaded: at most ``CONCURRENT_REQUESTS_PER_DOMAIN`` requests to one host at once in
the whole cluster, started at least ``DOWNLOAD_DELAY`` seconds apart. A slot is given back when the
response (or the failure) comes back; a killed worker's slots are free as soon as its heartbeat is
``LEASE_SECONDS`` old (and any slot after ``DOWNLOAD_TIMEOUT`` plus a margin), so a dead worker does
not block a site. Waiting for a slot is an asyncio sleep: the
worker goes on with other hosts meanwhile.

Without a delay (``DOWNLOAD_DELAY=0``) a slot given back is kept by the worker for a moment
(``IDLE_SLOT_SECONDS``) and handed to its next request to the same host without asking Redis, for
at most ``SLOT_REUSE_SECONDS`` after it was taken. The cluster-wide limit is unchanged (a kept slot
is still taken in Redis), and a busy worker asks Redis once per slot per second instead of once
per request: that round trip, blocking the reactor, was most of the frontier's overhead. Other
workers wait at most that second for a slot this one is using. With a delay every start is
checked in Redis, since the gap between starts is kept across the cluster.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Self
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from twisted.internet.task import LoopingCall

from crawler.cluster.batch import Batcher
from crawler.cluster.connection import redis_client
from crawler.cluster.keys import ClusterKeys
from crawler.cluster.scheduler import worker_name

SLOT = "newsclean_cluster_slot"
IDLE_SLOT_SECONDS = 0.1
"""A slot given back waits this long for the worker's next request to its host, then goes to Redis."""
SLOT_REUSE_SECONDS = 1.0
"""A slot is handed on within the worker for this long after Redis granted it, then given back."""

# KEYS: the host's slot set, the host's next start time, heartbeats. ARGV: concurrency, delay ms,
# token ("worker:n"), hold ms, heartbeat timeout ms. Returns 0 when the slot is taken, else how many
# ms to wait before asking again (50 while the host has all its slots taken: one may come back any
# moment). A slot whose worker stopped beating is free at once.
_ACQUIRE = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms)
for _, token in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local beat = redis.call('HGET', KEYS[3], string.match(token, '^(.*):%d+$'))
  if not beat or ms - tonumber(beat) > tonumber(ARGV[5]) then redis.call('ZREM', KEYS[1], token) end
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 50 end
local next_start = tonumber(redis.call('GET', KEYS[2]) or '0')
if ms < next_start then return next_start - ms end
redis.call('ZADD', KEYS[1], ms + tonumber(ARGV[4]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
if tonumber(ARGV[2]) > 0 then
  redis.call('SET', KEYS[2], ms + tonumber(ARGV[2]), 'PX', tonumber(ARGV[2]))
end
return 0
"""


class ClusterPoliteness:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.server = redis_client(settings)
        self.concurrency = max(1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        self.delay_ms = int(settings.getfloat("DOWNLOAD_DELAY") * 1000)
        self.hold_ms = int((settings.getfloat("DOWNLOAD_TIMEOUT") + 30) * 1000)
        self.heartbeat_ms = int(settings.getfloat("LEASE_SECONDS") * 1000)
        self.worker = worker_name(crawler)
        self._tokens = itertools.count()
        self._acquire = self.server.register_script(_ACQUIRE)
        self.batcher = Batcher(self.server)
        self._keys: ClusterKeys | None = None
        self._kept: defaultdict[str, list[_KeptSlot]] = defaultdict(list)
        """Per host's slot set: slots this worker took, gave back, and may hand on (no delay only)."""
        self._sweep = LoopingCall(self._give_back_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        crawler.signals.connect(middleware._give_back_all, signal=signals.spider_closed)
        return middleware

    def _keys_or_fail(self) -> ClusterKeys:
        if self._keys is None:
            assert self.crawler.spider is not None
            self._keys = ClusterKeys.of(self.crawler.settings, self.crawler.spider.name)
        return self._keys

    def _slot_keys(self, request: Request) -> tuple[str, str]:
        base = self._keys_or_fail().base
        host = (urlsplit(request.url).hostname or "").lower()
        return f"{base}:slots:{host}", f"{base}:next:{host}"

    async def process_request(self, request: Request) -> None:
        slots, next_start = self._slot_keys(request)
        if kept := self._kept.get(slots):
            slot = kept.pop()
            request.meta[SLOT] = (slots, slot.token, slot.granted)
            return
        token = f"{self.worker}:{next(self._tokens)}"
        while wait := int(self._acquire(keys=[slots, next_start, self._keys_or_fail().heartbeats],
                                        args=[self.concurrency, self.delay_ms, token, self.hold_ms,
                                              self.heartbeat_ms])):
            await asyncio.sleep(wait / 1000)
        request.meta[SLOT] = (slots, token, time.monotonic())

    def _release(self, request: Request) -> None:
        taken = request.meta.pop(SLOT, None)
        if not taken:
            return
        slots, token, granted = taken
        now = time.monotonic()
        if self.delay_ms == 0 and now - granted < SLOT_REUSE_SECONDS:
            self._kept[slots].append(_KeptSlot(token, granted, now))
            if not self._sweep.running:
                self._sweep.start(IDLE_SLOT_SECONDS, now=False)
        else:
            self.batcher.command("ZREM", slots, token)

    def _give_back_idle(self) -> None:
        """Slots kept longer than a moment, or held past their reuse time, go back to Redis."""
        now = time.monotonic()
        for slots, kept in list(self._kept.items()):
            keep = [slot for slot in kept if now - slot.idle_since < IDLE_SLOT_SECONDS
                    and now - slot.granted < SLOT_REUSE_SECONDS]
            for slot in kept:
                if slot not in keep:
                    self.batcher.command("ZREM", slots, slot.token)
            if keep:
                self._kept[slots] = keep
            else:
                del self._kept[slots]
        if not self._kept and self._sweep.running:
            self._sweep.stop()

    def _give_back_all(self) -> None:
        for slots, kept in self._kept.items():
            for slot in kept:
                self.batcher.command("ZREM", slots, slot.token)
        self._kept.clear()
        if self._sweep.running:
            self._sweep.stop()
        self.batcher.flush()

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)


@dataclass(frozen=True)
class _KeptSlot:
    token: str
    granted: float
    """``time.monotonic()`` when Redis granted the slot."""
    idle_since: float
