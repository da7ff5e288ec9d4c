"""Pure article cleaning: one page in, one clean ``Article`` out. Never imports Scrapy."""

from __future__ import annotations

from cleaners.article import Article, Author, CleaningMetadata, Image, article_schema
from cleaners.body.chrome import ChromeRules, RulesError
from cleaners.errors import CleaningError, FailureKind, failure_record
from cleaners.options import CleanOptions
from cleaners.pipeline import clean
from cleaners.read.page import Page


def clean_html(html: str | bytes, url: str | None = None, options: CleanOptions | None = None) -> Article:
    """Clean a page held in memory; ``url`` is where it came from, when known."""
    body = html.encode("utf-8") if isinstance(html, str) else html
    headers = {"content-type": "text/html; charset=utf-8"} if isinstance(html, str) else {}
    return clean(Page(body=body, url=url, headers=headers), options)


__all__ = [
    "Article", "Author", "ChromeRules", "CleanOptions", "CleaningError", "CleaningMetadata",
    "FailureKind", "Image", "Page", "RulesError", "article_schema", "clean", "clean_html",
    "failure_record",
]
