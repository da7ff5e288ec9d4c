"""JSON Lines that survive a kill: every record is flushed as it is written, and a line torn by a
kill mid-write is cut off before the next run appends to the file."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exporters import JsonLinesItemExporter

from cleaners.jsonl import repair_torn_tail
from crawler.collected import appended_jsonl_outputs

logger = logging.getLogger(__name__)


class FlushingJsonLinesItemExporter(JsonLinesItemExporter):
    """Scrapy's JSON Lines exporter, flushed after each record so a killed crawl keeps every line
    it reported as written."""

    def export_item(self, item: Any) -> None:
        super().export_item(item)
        self.file.flush()


class TornLineRepair:
    """Extension: before the crawl appends, repair the article feeds and the outcomes file."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        paths = appended_jsonl_outputs(crawler)
        if outcomes := crawler.settings.get("OUTCOMES_FILE"):
            paths.append(Path(outcomes))
        for path in paths:
            if removed := repair_torn_tail(path):
                logger.warning("%s ended with a torn line (%d bytes, from an interrupted run): removed",
                               path, removed)
        return cls()
