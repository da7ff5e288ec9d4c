"""Pipelines: clean each fetched page off the reactor (applying the date window), then drop repeats.

Cleaning runs the very same ``cleaners`` code as the command line (``clean_to_record``) in a
process pool sized to the cores, so parsing never blocks downloads. Scrapy's scraper slot
(``SCRAPER_SLOT_MAX_ACTIVE_SIZE``) holds back new responses while the pool is busy, which keeps
memory bounded however long the crawl.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any, Self

import attrs
from scrapy import signals
from scrapy.crawler import Crawler

from cleaners import ChromeRules, CleanOptions
from cleaners.body.article_model import DEFAULT_MODEL
from cleaners.body.boilerplate import BoilerplateLearner
from cleaners.options import DEFAULT_MAX_BYTES
from cleaners.run.worker import clean_to_record, init_worker
from crawler.cluster.connection import redis_client
from crawler.cluster.keys import ClusterKeys
from crawler.cluster.scheduler import worker_name
from crawler.cluster.shared import SharedCollectedIndex
from crawler.collected import CollectedIndex, appended_outputs
from crawler.discovery import in_window, parse_when
from crawler.items import ArticleRecord, CrawledPage
from crawler.outcomes import Outcome, Rejected
from crawler.plan import PlanError, day

logger = logging.getLogger(__name__)


def _options(crawler: Crawler) -> CleanOptions:
    settings = crawler.settings
    return CleanOptions.with_rules_files(
        settings.getlist("CLEANER_RULES"),
        max_bytes=settings.getint("DOWNLOAD_MAXSIZE") or DEFAULT_MAX_BYTES,
        time_limit=settings.getfloat("CLEANER_TIME_LIMIT") or None,
        memory_limit_mb=settings.getint("CLEANER_MEMORY_LIMIT_MB") or None,
        article_model=settings.get("ARTICLE_MODEL") or DEFAULT_MODEL,
        article_threshold=None if settings.get("ARTICLE_THRESHOLD") is None else settings.getfloat("ARTICLE_THRESHOLD"),
    )


def date_window(spider: Any) -> tuple[date | None, date | None]:
    """The news spider's ``since``/``until``; for another project's spider, its ``since`` and
    ``until`` attributes (``-a since=2024-01-01``), checked when the pipeline opens."""
    if (plan := getattr(spider, "plan", None)) is not None:
        return plan.since, plan.until
    return day(getattr(spider, "since", None), "since"), day(getattr(spider, "until", None), "until")


class CleaningPipeline:
    """``CrawledPage`` in, article record out; pages that give no article are dropped with why, and so
    is an article published outside the spider's ``since``/``until`` window when no feed or sitemap
    dated it before fetching (a listed date decides alone, as the README promises)."""

    def __init__(self, crawler: Crawler, options: CleanOptions, workers: int) -> None:
        self.crawler = crawler
        self.options = options
        self.workers = workers
        self.site_options: dict[str, CleanOptions] = {}
        self.pool: Executor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        workers = crawler.settings.getint("CLEANER_WORKERS") or os.cpu_count() or 1
        return cls(crawler, _options(crawler), workers)

    def open_spider(self) -> None:
        try:
            date_window(self.crawler.spider)
        except PlanError as error:  # a foreign spider's -a since/until (the news spider's are checked earlier)
            logger.error("the spider's date window: %s; the crawl stops", error)
            engine = self.crawler.engine
            assert engine is not None
            asyncio.get_running_loop().call_soon(
                lambda: asyncio.ensure_future(engine.close_spider_async(reason="bad-argument")))
        context = multiprocessing.get_context("spawn")
        self.pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=init_worker,
                                        initargs=(self.options, os.getpid()))

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _options_for(self, rules_file: str | None) -> CleanOptions | None:
        if rules_file is None:
            return None
        if rules_file not in self.site_options:
            rules = self.options.rules.merged(ChromeRules.from_file(rules_file))
            self.site_options[rules_file] = attrs.evolve(self.options, rules=rules)
        return self.site_options[rules_file]

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, CrawledPage):
            return item
        assert self.pool is not None, "the pipeline is used before the spider opened"
        future = self.pool.submit(clean_to_record, item.page, self._options_for(item.rules_file))
        record = await asyncio.wrap_future(future)
        error = record.get("error")
        if error is None:
            if item.listed is None:
                self._check_date_window(record)
            return ArticleRecord(record)
        if error["kind"] == "not-article":
            raise Rejected(Outcome.NOT_ARTICLE, error["message"])
        raise Rejected(Outcome.CLEANING_ERROR, f"{error['kind']}: {error['message']}")

    def _check_date_window(self, record: dict[str, Any]) -> None:
        since, until = date_window(self.crawler.spider)
        if not in_window(parse_when(record.get("datePublished")), since, until):
            raise Rejected(Outcome.OUTSIDE_DATE_WINDOW,
                           f"published {record['datePublished']}, outside {since or '...'} to {until or '...'}")


class SiteBoilerplatePipeline:
    """Drops paragraphs that recur across a site's pages (see ``cleaners.body.boilerplate``), learning as
    the crawl goes, and writes what it learned to ``LEARNED_RULES_FILE`` as a rules file."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.learner = BoilerplateLearner()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.settings.get("LEARNED_RULES_FILE"))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleRecord):
            return item
        self.learner.observe(item)
        # The learner, being pure cleaning code, returns a plain dict when it drops lines; the later
        # pipelines and the outcome log know articles by their type, so the record keeps it.
        return ArticleRecord(self.learner.apply(item))

    def close_spider(self) -> None:
        if self.path:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            Path(self.path).write_text(self.learner.rules_toml(), encoding="utf-8")


class DuplicatesPipeline:
    """Drops an article whose URL, canonical URL or body fingerprint was already collected, in
    this crawl or in the output file an earlier crawl wrote (incremental crawling). With
    ``REDIS_URL`` the index is shared by every worker of the crawl (``crawler.cluster.shared``)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.index: CollectedIndex | SharedCollectedIndex = CollectedIndex()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def open_spider(self) -> None:
        outputs = appended_outputs(self.crawler)
        if self.crawler.settings.get("REDIS_URL"):
            assert self.crawler.spider is not None
            settings = self.crawler.settings
            self.index = SharedCollectedIndex(redis_client(settings),
                                              ClusterKeys.of(settings, self.crawler.spider.name),
                                              worker_name(self.crawler), settings.getfloat("LEASE_SECONDS"))
            for record in CollectedIndex.records(outputs):
                self.index.add(record)
            self.crawler.signals.connect(self._written, signal=signals.item_scraped)
        else:
            self.index = CollectedIndex.from_files(outputs)

    def _written(self, item: Any) -> None:
        """The feed wrote the article: its keys are collected for good."""
        if isinstance(item, ArticleRecord):
            self.index.add(item)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleRecord):
            return item
        if reason := self.index.claim(item):
            raise Rejected(Outcome.DUPLICATE, reason)
        return item
