"""What a spider hands to the pipelines (a fetched page, not yet cleaned) and what they hand on
(an article record).

``CrawledPage`` is the documented page item of the add-on (``crawler.addon``): another project's
spider yields ``CrawledPage.from_response(response)``, or the response itself."""

from __future__ import annotations

from datetime import datetime
from typing import Self

import attrs
from scrapy.http import Response

from cleaners import Page
from crawler.responses import page_from_response


@attrs.frozen(kw_only=True)
class CrawledPage:
    """A fetched page and the site rules it is cleaned with; the cleaning pipeline turns it into an
    article record (a dict in the cleaners' schema) or drops it with an outcome."""

    page: Page
    rules_file: str | None = None
    listed: datetime | None = None
    """The publication date a feed or sitemap listed the page with: the date window was applied to
    it before fetching, so the page's own date is not checked again."""

    @classmethod
    def from_response(cls, response: Response, rules_file: str | None = None) -> Self:
        """The page as fetched, cleaned with the built-in chrome rules plus ``rules_file`` (TOML)."""
        return cls(page=page_from_response(response), rules_file=rules_file)


class ArticleRecord(dict):  # type: ignore[type-arg]
    """An article record (the cleaners' schema) made by the cleaning pipeline. A plain dict to every
    exporter; the type tells the later pipelines and the outcome log which items are articles, so a
    project's own items pass through them untouched."""
