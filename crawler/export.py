"""JSON Lines that survive a kill: every record is flushed as it is written, and a line torn by a
kill mid-write is cut off before the next run appends to the file."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exporters import JsonLinesItemExporter

from crawler.collected import appended_jsonl_outputs

logger = logging.getLogger(__name__)


class FlushingJsonLinesItemExporter(JsonLinesItemExporter):
    """Scrapy's JSON Lines exporter, flushed after each record so a killed crawl keeps every line
    it reported as written."""

    def export_item(self, item: Any) -> None:
        super().export_item(item)
        self.file.flush()


def repair_torn_tail(path: Path) -> int:
    """Cut a last line that has no newline (a write the kill interrupted); returns bytes removed."""
    if not path.is_file() or path.stat().st_size == 0:
        return 0
    with path.open("rb+") as stream:
        size = stream.seek(0, os.SEEK_END)
        stream.seek(max(0, size - 1))
        if stream.read(1) == b"\n":
            return 0
        keep = 0
        position = size
        while position > 0:
            start = max(0, position - 65536)
            stream.seek(start)
            chunk = stream.read(position - start)
            newline = chunk.rfind(b"\n")
            if newline >= 0:
                keep = start + newline + 1
                break
            position = start
        stream.truncate(keep)
        return size - keep


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
