"""What feeds and sitemaps list: article URLs with the dates that let a crawl skip them unfetched.

Pure functions over response bodies (no Scrapy request objects), so they are tested on their own.
XML is parsed without entity expansion, DTD loading or network access.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any
from urllib.parse import urljoin, urlsplit

import attrs
import feedparser
from dateutil import parser as date_parser
from lxml import etree


@attrs.frozen(kw_only=True)
class Listed:
    """A URL a feed or sitemap points to, with what it says about it before we fetch it."""

    url: str
    published: datetime | None = None
    title: str | None = None


@attrs.frozen(kw_only=True)
class SitemapContent:
    pages: tuple[Listed, ...] = ()
    sitemaps: tuple[str, ...] = ()


def parse_when(raw: object) -> datetime | None:
    """A listing's date as an aware datetime (UTC when the listing gives no zone)."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        moment = date_parser.parse(raw.strip())
    except (ValueError, OverflowError, TypeError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_ENTITY_REFERENCE = re.compile(r"&[A-Za-z0-9#]+;")


def _http_url(base: str, href: object) -> str | None:
    """An absolute http(s) URL, or None (an unexpanded entity from a hostile feed is no link)."""
    if not isinstance(href, str) or not href.strip() or href.lstrip().startswith("&") or _ENTITY_REFERENCE.search(href):
        return None
    url = urljoin(base, href.strip())
    return url if urlsplit(url).scheme in ("http", "https") else None


def _json_feed(body: bytes, base_url: str) -> list[Listed] | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        return None
    listed = []
    for item in data.get("items") or []:
        if isinstance(item, dict) and (url := _http_url(base_url, item.get("url") or item.get("external_url"))):
            when = parse_when(item.get("date_published") or item.get("date_modified"))
            listed.append(Listed(url=url, published=when, title=item.get("title")))
    return listed


def _feedparser_date(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime(*parsed[:6], tzinfo=UTC)
    return None


def parse_feed(body: bytes, base_url: str) -> list[Listed]:
    """Entries of an RSS 2.0, Atom or JSON Feed document, in feed order."""
    stripped = body.lstrip()
    if stripped.startswith((b"{", b"[")):
        return _json_feed(stripped, base_url) or []
    parsed = feedparser.parse(BytesIO(body), resolve_relative_uris=False, sanitize_html=False)
    listed = []
    for entry in parsed.entries:
        if url := _http_url(base_url, entry.get("link")):
            listed.append(Listed(url=url, published=_feedparser_date(entry), title=entry.get("title")))
    return listed


def _safe_xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           recover=True, remove_comments=True, remove_pis=True)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _children_text(element: etree._Element) -> Iterator[tuple[str, str]]:
    for child in element.iter():
        if child is not element and child.text and child.text.strip():
            yield _local(child.tag), child.text.strip()


def parse_sitemap(body: bytes, base_url: str) -> SitemapContent:
    """A sitemap index's child sitemaps, or a urlset's pages with ``lastmod`` and news dates."""
    try:
        root = etree.fromstring(body, parser=_safe_xml_parser())
    except etree.XMLSyntaxError:
        return SitemapContent()
    if root is None:
        return SitemapContent()
    pages: list[Listed] = []
    sitemaps: list[str] = []
    for entry in root:
        fields = dict(_children_text(entry))
        url = _http_url(base_url, fields.get("loc"))
        if url is None:
            continue
        if _local(entry.tag) == "sitemap":
            sitemaps.append(url)
        elif _local(entry.tag) == "url":
            when = parse_when(fields.get("publication_date")) or parse_when(fields.get("lastmod"))
            pages.append(Listed(url=url, published=when, title=fields.get("title")))
    return SitemapContent(pages=tuple(pages), sitemaps=tuple(sitemaps))


def in_window(moment: datetime | date | None, since: date | None, until: date | None) -> bool:
    """Whether a date falls in [since, until] (both inclusive); an unknown date is kept."""
    if moment is None:
        return True
    day = moment.date() if isinstance(moment, datetime) else moment
    return (since is None or day >= since) and (until is None or day <= until)
