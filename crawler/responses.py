"""A Scrapy response as the cleaners' ``Page`` record: the only place the two meet."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy.http import Request, Response

from cleaners import Page


def requested_url(request: Request) -> str:
    """The URL first asked for, before any redirect."""
    redirects = request.meta.get("redirect_urls")
    return redirects[0] if redirects else request.url


def page_from_response(response: Response) -> Page:
    """The page as fetched: the URL first asked for, the one that answered, headers and time."""
    return Page(
        body=response.body,
        url=requested_url(response.request) if response.request is not None else response.url,
        final_url=response.url,
        headers=dict(response.headers.to_unicode_dict()),
        fetched_at=datetime.now(UTC),
        source="crawl",
    )
