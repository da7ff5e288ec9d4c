"""Retries that honour ``Retry-After``: a 429 or 503 that asks for a pause gets it (bounded by
``RETRY_AFTER_MAX``), and one that asks for longer is not retried at all, so a crawl never
hammers a server that said to wait, nor hangs waiting for it. Retries stay capped by
``RETRY_TIMES`` as in Scrapy's own middleware, which this one replaces."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Self

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.utils.response import response_status_message


def retry_after_seconds(value: bytes | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    retry_after_max: float

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = super().from_crawler(crawler)
        middleware.retry_after_max = crawler.settings.getfloat("RETRY_AFTER_MAX")
        return middleware

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is not None:
            if wait > self.retry_after_max:
                self.crawler.stats.inc_value("retry/retry_after_too_long")
                return response
            self.crawler.stats.inc_value("retry/retry_after_honoured")
            await asyncio.sleep(wait)
        return self._retry(request, response_status_message(response.status)) or response
