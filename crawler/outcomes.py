"""One line per URL the crawl touched in ``outcomes.jsonl``: what happened to it, and why.

Anything that decides a URL's fate (the spider, a pipeline, a middleware, an errback) reports it
with the ``url_outcome`` signal or by raising ``Rejected``; this extension is the only writer.
Lines are flushed as they are written so a killed crawl keeps every outcome it decided.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from cleaners.redact import redact
from cleaners.write.report import FAILED_OUTCOMES
from crawler.items import ArticleRecord, CrawledPage
from crawler.responses import requested_url

logger = logging.getLogger(__name__)

url_outcome = object()
"""Signal: ``url_outcome(url, outcome, reason=None, status=None, final_url=None)``."""

outcome_recorded = object()
"""Signal: ``outcome_recorded(line)``: an outcome line was written (the WARC archive notes it)."""

request_done = object()
"""Signal: ``request_done(request)``: everything the request led to is recorded (its outcome line,
and the requests it discovered are scheduled). A shared frontier acknowledges it then; a page that
gives an item is acknowledged by the item signals instead."""


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
    ABSENT = "absent"


class Rejected(DropItem):
    """An item dropped for a reason that belongs in the outcomes file. Only a page that failed to
    clean is logged as a warning: a listing page, a duplicate or a page outside the date window
    is the crawl working as asked."""

    def __init__(self, outcome: Outcome, reason: str) -> None:
        super().__init__(f"{outcome}: {reason}")
        self.outcome = outcome
        self.reason = reason
        self.log_level = logging.WARNING if outcome is Outcome.CLEANING_ERROR else logging.INFO


FAILED = frozenset(Outcome(name) for name in FAILED_OUTCOMES)
"""Outcomes that mean a URL the crawl wanted gave nothing: the crawl exits with status 1."""

LISTINGS = frozenset({Outcome.FEED, Outcome.SITEMAP, Outcome.ROBOTS, Outcome.ABSENT})
"""Documents read for links; one may be fetched twice in a run (robots.txt by Scrapy and by
``site=``), but gets one line."""

FAILED_STAT = "newsclean/failed"


class OutcomeLog:
    """Writes ``OUTCOMES_FILE`` (JSONL, appended across runs; an empty setting writes no file), counts
    outcomes in the crawl's stats (``newsclean/outcome/<name>``, and ``newsclean/failed``) and
    ends the crawl's log with one summary line."""

    def __init__(self, crawler: Crawler, path: Path | None) -> None:
        self.crawler = crawler
        self.path = path
        self.counts: Counter[Outcome] = Counter()
        self._listings: set[str] = set()
        self._file: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("OUTCOMES_FILE")
        log = cls(crawler, Path(path) if path else None)
        crawler.signals.connect(log.open, signal=signals.spider_opened)
        crawler.signals.connect(log.close, signal=signals.spider_closed)
        crawler.signals.connect(log.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(log.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(log.record, signal=url_outcome)
        return log

    def open(self) -> None:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        logger.log(logging.WARNING if self.failed else logging.INFO, "%s", self.summary())

    @property
    def failed(self) -> int:
        return sum(n for outcome, n in self.counts.items() if outcome in FAILED)

    def summary(self) -> str:
        """"outcomes: 30 article, 2 not-article; failed 3 (http-error 2, network-error 1); in FILE"."""
        ordered = sorted(self.counts.items(), key=lambda item: (item[0] is not Outcome.ARTICLE, -item[1]))
        done = ", ".join(f"{n} {o}" for o, n in ordered if o not in FAILED) or "no article"
        line = f"outcomes: {done}"
        if failed := self.failed:
            kinds = ", ".join(f"{o} {n}" for o, n in ordered if o in FAILED)
            line += f"; failed {failed} ({kinds})"
        if self.counts[Outcome.FORBIDDEN_ADDRESS]:
            line += ("; private or loopback hosts were refused: allow them with -s ALLOW_PRIVATE_ADDRESSES=true "
                     "or -s ALLOWED_PRIVATE_HOSTS=host:port")
        return line + (f"; one line per URL in {self.path}" if self.path else "")

    def record(self, url: str, outcome: Outcome, reason: str | None = None, status: int | None = None,
               final_url: str | None = None) -> None:
        if outcome in LISTINGS:
            if url in self._listings:
                return
            self._listings.add(url)
        self.counts[outcome] += 1
        self.crawler.stats.inc_value(f"newsclean/outcome/{outcome}")
        if outcome in FAILED:
            self.crawler.stats.inc_value(FAILED_STAT)
        line: dict[str, Any] = {"url": url, "outcome": str(outcome)}
        if final_url and final_url != url:
            line["finalUrl"] = final_url
        if status is not None:
            line["status"] = status
        if reason:
            line["reason"] = redact(reason)
        line["time"] = datetime.now(UTC).isoformat(timespec="seconds")
        if self._file is not None:
            self._file.write(json.dumps(line, ensure_ascii=False) + "\n")
            self._file.flush()
        self.crawler.signals.send_catch_log(outcome_recorded, line=line)

    def item_scraped(self, item: Any, response: Any) -> None:
        if not isinstance(item, ArticleRecord):  # another project's own item (crawler.addon)
            return
        if response is None:
            self.record(item.get("url", ""), Outcome.ARTICLE)
        else:
            self.record(requested_url(response.request), Outcome.ARTICLE, final_url=response.url)

    def item_dropped(self, item: Any, response: Any, exception: Exception) -> None:
        if not isinstance(exception, Rejected) and not isinstance(item, CrawledPage | ArticleRecord):
            return  # another project's own item, dropped by its own pipeline
        url = requested_url(response.request) if response is not None else str(getattr(item, "url", ""))
        final_url = response.url if response is not None else None
        if isinstance(exception, Rejected):
            self.record(url, exception.outcome, exception.reason, final_url=final_url)
        else:
            self.record(url, Outcome.IGNORED, str(exception), final_url=final_url)

