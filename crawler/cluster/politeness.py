"""Politeness held across the cluster: ten workers do not hit a site ten times harder than one.

Each worker's Scrapy keeps its own per-domain slots, which know nothing of the other workers. With
``REDIS_URL`` this downloader middleware also takes a cluster-wide slot for the request's host
before it is downloaded: at most ``CONCURRENT_REQUESTS_PER_DOMAIN`` requests to one host at once in
the whole cluster, started at least ``DOWNLOAD_DELAY`` seconds apart. A slot is given back when the
response (or the failure) comes back; a killed worker's slots are free as soon as its heartbeat is
``LEASE_SECONDS`` old (and any slot after ``DOWNLOAD_TIMEOUT`` plus a margin), so a dead worker does
not block a site. Waiting for a slot is an asyncio sleep: the
worker goes on with other hosts meanwhile.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Self
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.http import Request, Response

from crawler.cluster.batch import Batcher
from crawler.cluster.connection import redis_client
from crawler.cluster.keys import ClusterKeys
from crawler.cluster.scheduler import worker_name

SLOT = "newsclean_cluster_slot"

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

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

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
        token = f"{self.worker}:{next(self._tokens)}"
        slots, next_start = self._slot_keys(request)
        while wait := int(self._acquire(keys=[slots, next_start, self._keys_or_fail().heartbeats],
                                        args=[self.concurrency, self.delay_ms, token, self.hold_ms,
                                              self.heartbeat_ms])):
            await asyncio.sleep(wait / 1000)
        request.meta[SLOT] = (slots, token)

    def _release(self, request: Request) -> None:
        if taken := request.meta.pop(SLOT, None):
            self.batcher.command("ZREM", *taken)

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)
