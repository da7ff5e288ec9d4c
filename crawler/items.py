"""What the spider hands to the pipelines: a fetched page, not yet cleaned."""

from __future__ import annotations

from datetime import datetime

import attrs

from cleaners import Page


@attrs.frozen(kw_only=True)
class CrawledPage:
    """A fetched page and the site rules it is cleaned with; the cleaning pipeline turns it into an
    article record (a dict in the cleaners' schema) or drops it with an outcome."""

    page: Page
    rules_file: str | None = None
    listed: datetime | None = None
    """The publication date a feed or sitemap listed the page with: the date window was applied to
    it before fetching, so the page's own date is not checked again."""
