"""A Scrapy response as the cleaners' ``Page`` record: the only place the two meet."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy.http import Response

from cleaners import Page


def page_from_response(response: Response) -> Page:
    """The page as fetched: the URL first asked for, the one that answered, headers and time."""
    redirects = response.request.meta.get("redirect_urls") if response.request is not None else None
    requested = redirects[0] if redirects else (response.request.url if response.request else response.url)
    return Page(
        body=response.body,
        url=requested,
        final_url=response.url,
        headers=dict(response.headers.to_unicode_dict()),
        fetched_at=datetime.now(UTC),
        source="crawl",
    )
