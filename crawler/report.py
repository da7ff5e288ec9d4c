"""Extension: the crawl report (``cleaners.write.report``), written to ``REPORT_FILE`` when the crawl ends.

It is fed as the crawl goes (each outcome line, each article written), so it describes this crawl
only, whatever the appended output files held before; ``newsclean report OUTPUT_DIR`` describes
the files instead. Its tallies are bounded (see ``cleaners.write.report``), so a crawl of days holds
no more than one of minutes.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from cleaners.write.report import ReportData, write_report
from crawler.items import ArticleRecord
from crawler.outcomes import outcome_recorded

logger = logging.getLogger(__name__)


class CrawlReport:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.data = ReportData()
        self.started = datetime.now(UTC)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not (path := crawler.settings.get("REPORT_FILE")):
            raise NotConfigured("REPORT_FILE is empty")
        report = cls(Path(path))
        crawler.signals.connect(report._outcome, signal=outcome_recorded)
        crawler.signals.connect(report._article, signal=signals.item_scraped)
        crawler.signals.connect(report._write, signal=signals.spider_closed)
        return report

    def _outcome(self, line: dict[str, Any]) -> None:
        self.data.add_outcome(line)

    def _article(self, item: Any) -> None:
        if isinstance(item, ArticleRecord):
            self.data.add_article(item)

    def _write(self, spider: Spider, reason: str) -> None:
        title = f"Crawl report: {spider.name}, started {self.started:%Y-%m-%d %H:%M} UTC ({reason})"
        try:
            write_report(self.data, self.path, title)
        except OSError as error:
            logger.error("the crawl report %s cannot be written: %s", self.path, error.strerror or error)
            return
        logger.info("crawl report: %s", self.path)
