"""When a worker is done with a request, and when the whole crawl is.

``LeaseRelease`` (a spider middleware) sends ``request_done`` once a callback's output has been
consumed, when it gave no page item: every request it discovered is in the shared queue by then,
so the lease on the page that listed them can end. A page that gives an item is done when the item
is written or dropped (the scheduler listens to the item signals); a request that fails is done in
the spider's errback, after its outcome line.

``ClusterIdle`` keeps an idle worker waiting while other workers still hold leases (their
requests may come back), and closes it once the frontier has been empty with no lease outstanding
for ``MAX_IDLE_TIME_BEFORE_CLOSE`` seconds (scrapy-redis's setting name; 0: wait for new seeds for
ever, as a service).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response

from crawler.cluster.scheduler import LeasingScheduler
from crawler.items import CrawledPage
from crawler.outcomes import request_done


class LeaseRelease:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        gave_page = False
        async for element in result:
            gave_page = gave_page or isinstance(element, CrawledPage)
            yield element
        if not gave_page and response.request is not None:
            self.crawler.signals.send_catch_log(request_done, request=response.request)

    def process_spider_exception(self, response: Response, exception: Exception) -> None:
        if response.request is not None:
            self.crawler.signals.send_catch_log(request_done, request=response.request)


class ClusterIdle:
    def __init__(self, crawler: Crawler, idle_seconds: float) -> None:
        self.crawler = crawler
        self.idle_seconds = idle_seconds
        self._idle_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler, crawler.settings.getfloat("MAX_IDLE_TIME_BEFORE_CLOSE"))
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        return extension

    def spider_idle(self) -> None:
        assert self.crawler.engine is not None
        scheduler = self.crawler.engine.scheduler
        if not isinstance(scheduler, LeasingScheduler):
            return
        if len(scheduler.queue) or scheduler.queue.leased():
            self._idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        self._idle_since = self._idle_since or now
        if not self.idle_seconds or now - self._idle_since < self.idle_seconds:
            raise DontCloseSpider
