"""Log lines that name a page instead of printing it.

Scrapy's default formatter writes the whole item after "Dropped:" and after a pipeline error; our
item is a fetched page, so every non-article page of a crawl would put its HTML in the log. The
page is named by its address here; the outcomes file keeps the details.
"""

from __future__ import annotations

from typing import Any

from scrapy import logformatter
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.items import CrawledPage


def _named(item: Any) -> Any:
    if isinstance(item, CrawledPage):
        return item.page.address or "(a page without an address)"
    return item


class PageNamingLogFormatter(logformatter.LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Response | Failure | None,
                spider: Any) -> logformatter.LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        result["msg"] = "Dropped %(item)s: %(exception)s"
        result["args"] = {**result["args"], "item": _named(item)}
        return result

    def item_error(self, item: Any, exception: BaseException, response: Response | Failure | None,
                   spider: Any) -> logformatter.LogFormatterResult:
        result = super().item_error(item, exception, response, spider)
        result["args"] = {**result["args"], "item": _named(item)}
        return result
