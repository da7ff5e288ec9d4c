"""Article feeds that survive a kill.

JSON Lines: every record is flushed as it is written, and a line torn by a kill mid-write is cut
off before the next run appends to the file. Parquet (``-o articles.parquet``): records go through
``cleaners.write.parquet.ParquetArticles``, which journals each one and seals row groups as the crawl goes.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from typing import IO, Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exporters import BaseItemExporter, JsonLinesItemExporter

from cleaners.write.jsonl import repair_torn_tail
from crawler.collected import appended_jsonl_outputs
from crawler.items import ArticleRecord

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


class ParquetItemExporter(BaseItemExporter):
    """``-o FILE.parquet`` (format ``parquet``). For a local file, records are written next to it
    as the crawl goes and nothing is lost to a kill; a remote feed (S3, FTP...) is built in a
    temporary folder and handed to Scrapy's storage whole at the end, so a kill loses it."""

    def __init__(self, file: IO[bytes], *, row_group_rows: int, **kwargs: Any) -> None:
        from cleaners.write.parquet import ParquetArticles  # pyarrow only for crawls that write Parquet

        super().__init__(dont_fail=True, **kwargs)
        self.file = file
        name = getattr(file, "name", None)
        self._scratch: Path | None = None
        if isinstance(name, str) and Path(name).is_file():
            path, overwrite = Path(name), "w" in getattr(file, "mode", "")
        else:
            self._scratch = Path(tempfile.mkdtemp(prefix="newsclean-parquet-"))
            path, overwrite = self._scratch / "articles.parquet", True
        self.writer = ParquetArticles(path, overwrite=overwrite, row_group_rows=row_group_rows)
        self._warned = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, file: IO[bytes], **kwargs: Any) -> Self:
        return cls(file, row_group_rows=crawler.settings.getint("PARQUET_ROW_GROUP_ROWS"), **kwargs)

    def start_exporting(self) -> None:
        self.writer.open()

    def export_item(self, item: Any) -> None:
        if not isinstance(item, ArticleRecord):
            if not self._warned:
                logger.warning("the Parquet feed %s holds article records only; other items are left out of it "
                               "(write them to another feed)", self.writer.path)
                self._warned = True
            return
        self.writer.write(ItemAdapter(item).asdict())

    def finish_exporting(self) -> None:
        self.writer.close()
        if self._scratch is not None:
            with self.writer.path.open("rb") as built:
                shutil.copyfileobj(built, self.file)
            shutil.rmtree(self._scratch, ignore_errors=True)
