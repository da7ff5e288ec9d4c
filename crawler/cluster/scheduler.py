"""scrapy-redis's scheduler over the leased queue and a shared request filter.

Each request a worker takes stays leased to it until ``request_done`` (or an item signal) says its
outcome is recorded; meanwhile the worker renews the leases it holds every third of
``LEASE_SECONDS``. A worker that dies stops renewing, and its leases go back to the queue.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from crawler.cluster.batch import Batcher
from crawler.cluster.connection import redis_client
from crawler.cluster.filters import request_filter
from crawler.cluster.keys import ClusterKeys
from crawler.cluster.queue import LEASE, LeasedPriorityQueue
from crawler.outcomes import request_done

logger = logging.getLogger(__name__)

PREFETCH = 4
"""Requests a worker takes from the shared queue per round trip: few, so workers share the work."""


def worker_name(crawler: Crawler) -> str:
    """``REDIS_WORKER_NAME`` (default: the host's name) and the process id: a worker restarted
    under the same name is another worker, so what the dead one held is not taken for alive."""
    return f"{crawler.settings.get('REDIS_WORKER_NAME') or socket.gethostname()}-{os.getpid()}"


class LeasingScheduler(Scheduler):
    def __init__(self, server: Any, crawler: Crawler) -> None:
        super().__init__(server, persist=True)
        self.crawler = crawler
        self.stats = crawler.stats
        self.worker = worker_name(crawler)
        self.lease_seconds = crawler.settings.getfloat("LEASE_SECONDS")
        self.held: set[str] = set()
        self._renewal = LoopingCall(self._renew)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        server = redis_client(crawler.settings)
        scheduler = cls(server, crawler)
        crawler.signals.connect(scheduler._item_done, signal=signals.item_scraped)
        crawler.signals.connect(scheduler._item_done, signal=signals.item_dropped)
        crawler.signals.connect(scheduler._item_done, signal=signals.item_error)
        crawler.signals.connect(scheduler._request_done, signal=request_done)
        return scheduler

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.keys = ClusterKeys.of(self.crawler.settings, spider.name)
        self.batcher = Batcher(self.server)
        self.queue = LeasedPriorityQueue(self.server, spider, self.keys.queue, keys=self.keys, worker=self.worker,
                                         lease_seconds=self.lease_seconds, batcher=self.batcher,
                                         prefetch=PREFETCH)
        self.df = request_filter(self.crawler.settings.get("SEEN_FILTER"))(self.server, self.keys.dupefilter,
                                                                           self.crawler)
        self._renewal.start(max(1.0, self.lease_seconds / 3), now=True)
        # The URL is logged as given: the log's filter (crawler.secrets) masks its password.
        logger.info("worker %s joined the frontier %s in Redis at %s: %d queued, %d leased", self.worker,
                    self.keys.base, self.crawler.settings.get("REDIS_URL"), len(self.queue), self.queue.leased())

    def close(self, reason: str) -> None:
        if self._renewal.running:
            self._renewal.stop()
        self.batcher.flush()

    def enqueue_request(self, request: Request) -> bool:
        lease = request.meta.get(LEASE)
        if request.dont_filter:
            queued = self.queue.push(request)
        elif (seen := self.df.checked_in_push(request)) is not None:
            queued = self.queue.push(request, seen)
        else:
            queued = not self.df.request_seen(request) and self.queue.push(request)
        if not queued:
            self.df.log(request, self.spider)
            if lease:  # a redirect to a URL already scheduled: nothing more to do for this one
                self._ack([lease])
            return False
        if lease:
            self.held.discard(lease)
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        request = self.queue.pop()
        if request is not None:
            self.held.add(request.meta[LEASE])
            if self.stats:
                self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        """False: the shared queue is not this worker's backlog. The engine pulls from it while it
        has room; once it has nothing in flight it reports idle, and ``ClusterIdle`` decides
        between waking it (the queue holds work), keeping it (other workers hold leases) and
        closing it."""
        return False

    def _item_done(self, item: Any, response: Response | None = None, **kwargs: Any) -> None:
        if response is not None and response.request is not None:
            self._request_done(response.request)

    def _request_done(self, request: Request) -> None:
        if lease := request.meta.get(LEASE):
            self._ack([lease])

    def _ack(self, leases: list[str]) -> None:
        self.queue.ack(leases)
        self.held.difference_update(leases)

    def _renew(self) -> None:
        self.queue.renew(sorted(self.held | set(self.queue.waiting_here())))
