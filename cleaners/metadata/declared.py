"""Article metadata from the page's own declarations: JSON-LD first, then meta tags, then markup.

Sources are tried from the most to the least reliable; each field keeps the first usable value.
What the page does not declare is left to ``fallback_metadata`` (trafilatura's and htmldate's
heuristics), which is slower and so only runs for the fields still missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

import attrs
from lxml import etree
from lxml.html import HtmlElement

from cleaners.metadata.headline import choose_headline, host_names
from cleaners.metadata.jsonld import JsonLd, load_nodes
from cleaners.normalize import (
    clean_text,
    language_code,
    parse_date,
    split_author_names,
    unique_names,
)

_PUBLISHED_META = (
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "publishdate", "publish-date", "pubdate", "parsely-pub-date", "sailthru.date", "dc.date.issued",
    "dcterms.created", "dc.date", "date", "article.published", "cxenseparse:recs:publishtime",
    "published", "publish_date", "publication_date", "date_published",
)
_MODIFIED_META = (
    "article:modified_time", "og:updated_time", "og:article:modified_time", "datemodified",
    "last-modified", "dcterms.modified", "article.updated",
)
_AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator",
                "byl", "og:article:author", "cxenseparse:author")
_SECTION_META = ("article:section", "parsely-section", "section", "og:article:section",
                 "cxenseparse:recs:articlesection")
_KEYWORD_META = ("news_keywords", "keywords", "article:tag", "parsely-tags")


@attrs.frozen(kw_only=True)
class PageMetadata:
    canonicalUrl: str | None = None
    headline: str | None = None
    articleSection: str | None = None
    authors: tuple[str, ...] = ()
    datePublished: str | None = None
    datePublishedRaw: str | None = None
    dateModified: str | None = None
    dateModifiedRaw: str | None = None
    inLanguage: str | None = None
    description: str | None = None
    keywords: tuple[str, ...] = ()
    mainImage: str | None = None
    siteNames: tuple[str, ...] = ()
    """Every name the site goes by: its declared name, its publisher's, and its host's labels."""
    isArticleType: bool = False
    """The JSON-LD node found is one of the article types (not just any typed node)."""
    ogType: str | None = None


def _meta_tags(tree: HtmlElement) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for meta in _META_WITH_CONTENT(tree):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv")
        content = meta.get("content", "").strip()
        if key and content:
            tags.setdefault(key.strip().lower(), []).append(content)
    return tags


def _first(tags: dict[str, list[str]], keys: Iterable[str]) -> str | None:
    for key in keys:
        for value in tags.get(key, ()):
            return value
    return None


def _absolute(base: str | None, href: str | None) -> str | None:
    if not href or not href.strip():
        return None
    url = urljoin(base or "", href.strip())
    return url if urlsplit(url).scheme in ("http", "https") else None


def _text_of(value: object) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return clean_text(value)


def _image_url(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return value if isinstance(value, str) else None


def _keywords(value: object) -> list[str]:
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [k for k in (clean_text(i) for i in items if isinstance(i, str)) if k]


def _dated(candidates: Iterable[str | None]) -> tuple[str | None, str | None]:
    for raw in candidates:
        if isinstance(raw, str) and (iso := parse_date(raw)):
            return iso, raw.strip()
    return None, None


def _markup_section(tree: HtmlElement) -> str | None:
    """WordPress and most CMSs mark category links with rel="category"."""
    links = _CATEGORY_LINKS(tree)
    return clean_text(links[0].text_content()) if links else None


def _markup_authors(tree: HtmlElement) -> list[str]:
    for xpath in _AUTHOR_MARKUP:
        # itertext, not text_content: "Emily Walker<span>Casey McDevitt</span>" is two people
        names = [n for el in xpath(tree) for n in split_author_names(" ".join(el.itertext()))]
        if names:
            return names
    return []


_CARD_FIELDS = 4
_CARD_AUTHOR_LABEL = re.compile(r"(written|posted) by|author|by", re.IGNORECASE)


def _card_label_authors(tags: dict[str, list[str]]) -> list[str]:
    """The author a Twitter card states as a labelled field (``twitter:label1`` "Written by",
    ``twitter:data1`` the name), as SEO plugins write it on pages that name no author otherwise."""
    for number in range(1, _CARD_FIELDS + 1):
        label = _first(tags, (f"twitter:label{number}",))
        if label and _CARD_AUTHOR_LABEL.fullmatch(label.strip()):
            return [n for raw in tags.get(f"twitter:data{number}", ()) for n in split_author_names(raw)]
    return []


_META_WITH_CONTENT = etree.XPath("//meta[@content]")
_CANONICAL_HREFS = etree.XPath(
    "//link[@href][contains(concat(' ', translate(@rel, 'CANONICAL', 'canonical'), ' '), ' canonical ')]/@href")
_CATEGORY_LINKS = etree.XPath("//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]")
# Microdata through the attribute axis, which libxml2 scans faster than it tests every element.
_AUTHOR_MARKUP = tuple(map(etree.XPath, (
    "//@itemprop[. = 'author']/parent::*//*[@itemprop='name']", "//@itemprop[. = 'author']/parent::*",
    "//a[@rel='author']")))
# The parser puts <title> in <head>; a search of the whole tree is for fragments without one.
_HEAD_TITLE = etree.XPath("/html/head/title")
_ANY_TITLE = etree.XPath("//title")
_ITEMPROP_DATES = etree.XPath("//@itemprop[. = 'datePublished' or . = 'dateModified']/parent::*")
_PUBDATE_TIMES = etree.XPath("//time[@pubdate]/@datetime")


def _markup_dates(tree: HtmlElement) -> dict[str, list[str | None]]:
    """Microdata dates by property, in page order (one pass over the tree for both)."""
    dates: dict[str, list[str | None]] = {"datePublished": [], "dateModified": []}
    for element in _ITEMPROP_DATES(tree):
        dates[element.get("itemprop")].append(element.get("datetime") or element.get("content"))
    return dates


def extract_metadata(tree: HtmlElement, page_url: str | None) -> PageMetadata:
    """Everything the page declares about itself; nothing here reads the story's text."""
    ld = JsonLd(load_nodes(tree))
    tags = _meta_tags(tree)
    canonical = None
    for href in _CANONICAL_HREFS(tree):
        canonical = _absolute(page_url, href)
        break
    canonical = canonical or _absolute(page_url, _first(tags, ("og:url",)))
    site_name = _first(tags, ("og:site_name", "application-name", "twitter:site"))
    publisher = ld.get("publisher")
    site_names = [site_name or "", publisher.get("name", "") if isinstance(publisher, dict) else ""]

    titles = _HEAD_TITLE(tree) or _ANY_TITLE(tree)
    names = [n for n in site_names if isinstance(n, str) and n] + host_names(canonical or page_url)
    headline = choose_headline(tree, [_text_of(ld.get("headline")), clean_text(_first(tags, ("og:title",))),
                                      clean_text(_first(tags, ("twitter:title",))),
                                      clean_text(titles[0].text_content()) if titles else None], names)

    authors = [n for raw in ld.names("author") or ld.names("creator") for n in split_author_names(raw)]
    if not authors:
        for key in _AUTHOR_META:
            authors = [n for raw in tags.get(key, ()) for n in split_author_names(raw)]
            if authors:
                break
    if not authors:
        authors = _markup_authors(tree) or _card_label_authors(tags)

    markup_dates = _markup_dates(tree)
    published, published_raw = _dated([
        ld.page_date("datePublished"), ld.page_date("dateCreated"),
        *[v for key in _PUBLISHED_META for v in tags.get(key, ())],
        *markup_dates["datePublished"],
        *_PUBDATE_TIMES(tree),
    ])
    modified, modified_raw = _dated([
        ld.page_date("dateModified"),
        *[v for key in _MODIFIED_META for v in tags.get(key, ())],
        *markup_dates["dateModified"],
    ])

    html = tree if tree.tag == "html" else tree.getroottree().getroot()
    language = (language_code(html.get("lang") or html.get("xml:lang"))
                or language_code(_text_of(ld.get("inLanguage")))
                or language_code(_first(tags, ("og:locale", "content-language", "language", "dc.language"))))

    keywords = _keywords(ld.get("keywords"))
    if not keywords:
        for key in _KEYWORD_META:
            keywords = [k for raw in tags.get(key, ()) for k in _keywords(raw)]
            if keywords:
                break

    return PageMetadata(
        canonicalUrl=canonical,
        headline=headline,
        articleSection=(_text_of(ld.get("articleSection")) or clean_text(_first(tags, _SECTION_META))
                        or _markup_section(tree) or clean_text(ld.breadcrumb_section())),
        authors=tuple(unique_names(authors)),
        datePublished=published,
        datePublishedRaw=published_raw,
        dateModified=modified,
        dateModifiedRaw=modified_raw,
        inLanguage=language,
        description=clean_text(_first(tags, ("description", "og:description", "twitter:description")))
        or _text_of(ld.get("description")),
        keywords=tuple(dict.fromkeys(keywords)),
        mainImage=_absolute(canonical or page_url, _image_url(ld.get("image"))
                            or _first(tags, ("og:image", "og:image:url", "twitter:image", "twitter:image:src"))),
        siteNames=tuple(names),
        isArticleType=bool(ld.article),
        ogType=(_first(tags, ("og:type",)) or "").strip().lower() or None,
    )
