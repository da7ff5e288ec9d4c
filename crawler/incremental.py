"""Incremental crawling: never fetch again an article the output already holds.

Listing pages (start pages, feeds, sitemaps, robots.txt) are always fetched, since they are where
new articles appear; any other URL already in the collected index is refused before download.
"""

from __future__ import annotations

from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from crawler.pipelines import DuplicatesPipeline

LISTING = "newsclean_listing"
"""Request meta key: True on listing pages, which are fetched even when already seen."""


class AlreadyCollected(IgnoreRequest):
    """The output already holds the article at this URL."""


class AlreadyCollectedMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if request.meta.get(LISTING):
            return
        duplicates = self.crawler.get_item_pipeline(DuplicatesPipeline)
        if duplicates is not None and duplicates.index.has_url(request.url):
            self.crawler.stats.inc_value("newsclean/already_collected")
            raise AlreadyCollected(f"{request.url} is already in the output")
