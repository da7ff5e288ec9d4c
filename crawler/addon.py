"""The cleaner as a Scrapy add-on, for projects with their own spiders.

In the project's ``settings.py``::

    ADDONS = {"crawler.addon.NewsClean": 300}

Its spiders then yield, for each article page, the response itself or
``crawler.items.CrawledPage.from_response(response)`` (which can name a chrome-rules file), and get:

- the article record of ``article.schema.json`` in their feeds (``-o articles.jsonl`` or
  ``-o articles.parquet``), cleaned off the reactor in the cleaning process pool
  (``CLEANER_WORKERS``), with the site boilerplate learned as the crawl goes;
- repeats dropped (URL, canonical URL, body fingerprint; across runs when the feed is appended);
- the date window: a spider's ``since`` and ``until`` (``-a since=2024-01-01``) drop articles
  published outside it;
- the outcomes file (``OUTCOMES_FILE``): one line per page yielded, article or why not;
- the crawl report (``REPORT_FILE``).

The project's own items, and anything else its spiders yield, pass through untouched. Settings the
project sets itself win over the defaults below (an add-on's priority is under the project's).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy.http import Response
from scrapy.settings import BaseSettings

from crawler.items import CrawledPage

DEFAULTS = {
    "OUTCOMES_FILE": "output/outcomes.jsonl",
    "REPORT_FILE": "output/report.html",
    "LEARNED_RULES_FILE": "output/learned-rules.toml",
    "CLEANER_WORKERS": 0,
    "CLEANER_TIME_LIMIT": 30,
    "CLEANER_MEMORY_LIMIT_MB": 2048,
    "CLEANER_RULES": [],
    "PARQUET_ROW_GROUP_ROWS": 1000,
}
PIPELINES = {
    "crawler.pipelines.CleaningPipeline": 100,
    "crawler.pipelines.SiteBoilerplatePipeline": 150,
    "crawler.pipelines.DuplicatesPipeline": 300,
}
EXPORTERS = {
    "jsonlines": "crawler.export.FlushingJsonLinesItemExporter",
    "jsonl": "crawler.export.FlushingJsonLinesItemExporter",
    "parquet": "crawler.export.ParquetItemExporter",
}


class NewsClean:
    """``ADDONS = {"crawler.addon.NewsClean": 300}``: see the module's docstring."""

    def update_settings(self, settings: BaseSettings) -> None:
        for name, value in DEFAULTS.items():
            settings.set(name, value, priority="addon")
        for path, order in PIPELINES.items():
            settings.setdefault_in_component_priority_dict("ITEM_PIPELINES", path, order)
        settings.setdefault_in_component_priority_dict("SPIDER_MIDDLEWARES", "crawler.addon.ResponsesAsPages", 1000)
        settings.setdefault_in_component_priority_dict("EXTENSIONS", "crawler.export.TornLineRepair", -10)
        settings.setdefault_in_component_priority_dict("EXTENSIONS", "crawler.outcomes.OutcomeLog", 0)
        settings.setdefault_in_component_priority_dict("EXTENSIONS", "crawler.report.CrawlReport", 10)
        exporters = settings["FEED_EXPORTERS"]
        for name, path in EXPORTERS.items():
            if name not in exporters:
                exporters[name] = path


def _as_page(output: Any) -> Any:
    return CrawledPage.from_response(output) if isinstance(output, Response) else output


class ResponsesAsPages:
    """Spider middleware: a response a spider yields becomes the page item to clean (Scrapy itself
    accepts only requests and items from a callback)."""

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        for output in result:
            yield _as_page(output)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for output in result:
            yield _as_page(output)
