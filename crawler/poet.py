"""The cleaner as a web-poet page object returning ``zyte_common_items.Article``.

``pip install newsclean[poet]``. A scrapy-poet project then gets our cleaner by asking for the
item type in a callback::

    # settings.py
    ADDONS = {"scrapy_poet.Addon": 300}
    SCRAPY_POET_DISCOVER = ["crawler.poet"]

    # the spider
    def parse(self, response, article: Article): ...

``CleanArticlePage`` is registered for every URL (``handle_urls("")``, at web-poet's default
priority, so a site-specific rule of the project's own still wins). A page that is not an article
gives an ``Article`` whose ``metadata.probability`` is 0 and whose ``validationMessages`` say why,
Zyte's convention for "not an article"; an article has probability 1.

It lives beside the Scrapy glue because zyte-common-items loads Scrapy. Cleaning runs in the
calling process (web-poet page objects are plain code); a crawl that needs
the cleaning off the reactor uses the Scrapy add-on (``crawler.addon``) instead.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import attrs
from web_poet import WebPage, handle_urls
from zyte_common_items import Article, ArticleMetadata, Author, Breadcrumb, Image

from cleaners.read.page import Page
from cleaners.run.worker import clean_to_record


def article_from_record(record: dict[str, Any], url: str) -> Article:
    """Our record (or failure record) as Zyte's ``Article``."""
    if error := record.get("error"):
        metadata = ArticleMetadata(dateDownloaded=datetime.now(UTC).isoformat(timespec="seconds"), probability=0.0,
                                   validationMessages={"articleBody": [f"{error['kind']}: {error['message']}"]})
        return Article(url=url, metadata=metadata)
    image = record.get("mainImage")
    section = record.get("articleSection")
    return Article(
        url=record.get("url") or url,
        canonicalUrl=record.get("canonicalUrl"),
        headline=record.get("headline"),
        authors=[Author(name=a["name"], nameRaw=a["name"]) for a in record.get("authors") or []] or None,
        datePublished=record.get("datePublished"),
        datePublishedRaw=record.get("datePublishedRaw"),
        dateModified=record.get("dateModified"),
        dateModifiedRaw=record.get("dateModifiedRaw"),
        articleBody=record.get("articleBody"),
        inLanguage=record.get("inLanguage"),
        mainImage=Image(url=image["url"]) if image else None,
        breadcrumbs=[Breadcrumb(name=section)] if section else None,
        description=record.get("description"),
        metadata=ArticleMetadata(dateDownloaded=record["metadata"]["dateDownloaded"], probability=1.0),
    )


@handle_urls("")
@attrs.define
class CleanArticlePage(WebPage[Article]):
    """The fetched page, cleaned by the same code as the crawl and the command line."""

    async def to_item(self) -> Article:
        page = Page(body=self.response.body, url=str(self.response.url), final_url=str(self.response.url),
                    headers=dict(self.response.headers), fetched_at=datetime.now(UTC), source="crawl")
        return article_from_record(clean_to_record(page), str(self.response.url))
