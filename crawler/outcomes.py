"""One line per URL the crawl touched in ``outcomes.jsonl``: what happened to it, and why.

Anything that decides a URL's fate (the spider, a pipeline, a middleware, an errback) reports it
with the ``url_outcome`` signal or by raising ``Rejected``; this extension is the only writer.
Lines are flushed as they are written so a killed crawl keeps every outcome it decided.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawler.responses import requested_url

url_outcome = object()
"""Signal: ``url_outcome(url, outcome, reason=None, status=None, final_url=None)``."""


class Outcome(StrEnum):
    ARTICLE = "article"
    NOT_ARTICLE = "not-article"
    DUPLICATE = "duplicate"
    ALREADY_COLLECTED = "already-collected"
    OUTSIDE_DATE_WINDOW = "outside-date-window"
    ROBOTS_DISALLOWED = "disallowed-by-robots"
    FORBIDDEN_ADDRESS = "forbidden-address"
    PAGE_LIMIT = "page-limit"
    TOO_LARGE = "too-large"
    HTTP_ERROR = "http-error"
    NETWORK_ERROR = "network-error"
    CLEANING_ERROR = "cleaning-error"
    FEED = "feed"
    SITEMAP = "sitemap"
    ROBOTS = "robots"
    NOT_IN_CASSETTE = "not-in-cassette"
    IGNORED = "ignored"


class Rejected(DropItem):
    """An item dropped for a reason that belongs in the outcomes file. Only a page that failed to
    clean is logged as a warning: a listing page, a duplicate or a page outside the date window
    is the crawl working as asked."""

    def __init__(self, outcome: Outcome, reason: str) -> None:
        super().__init__(f"{outcome}: {reason}")
        self.outcome = outcome
        self.reason = reason
        self.log_level = logging.WARNING if outcome is Outcome.CLEANING_ERROR else logging.INFO


class OutcomeLog:
    """Writes ``OUTCOMES_FILE`` (JSONL, appended across runs; empty setting turns it off)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("OUTCOMES_FILE")
        if not path:
            raise NotConfigured("OUTCOMES_FILE is empty")
        log = cls(Path(path))
        crawler.signals.connect(log.open, signal=signals.spider_opened)
        crawler.signals.connect(log.close, signal=signals.spider_closed)
        crawler.signals.connect(log.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(log.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(log.record, signal=url_outcome)
        return log

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("a", encoding="utf-8")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def record(self, url: str, outcome: Outcome, reason: str | None = None, status: int | None = None,
               final_url: str | None = None) -> None:
        line: dict[str, Any] = {"url": url, "outcome": str(outcome)}
        if final_url and final_url != url:
            line["finalUrl"] = final_url
        if status is not None:
            line["status"] = status
        if reason:
            line["reason"] = reason
        line["time"] = datetime.now(UTC).isoformat(timespec="seconds")
        if self._file is not None:
            self._file.write(json.dumps(line, ensure_ascii=False) + "\n")
            self._file.flush()

    def item_scraped(self, item: dict[str, Any], response: Any) -> None:
        if response is None:
            self.record(item.get("url", ""), Outcome.ARTICLE)
        else:
            self.record(requested_url(response.request), Outcome.ARTICLE, final_url=response.url)

    def item_dropped(self, item: Any, response: Any, exception: Exception) -> None:
        url = requested_url(response.request) if response is not None else str(getattr(item, "url", ""))
        final_url = response.url if response is not None else None
        if isinstance(exception, Rejected):
            self.record(url, exception.outcome, exception.reason, final_url=final_url)
        else:
            self.record(url, Outcome.IGNORED, str(exception), final_url=final_url)

