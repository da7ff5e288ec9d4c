"""A small news site for crawl tests: articles, sections, three feed formats, a news sitemap,
robots.txt, a listing page, a disallowed page and two kinds of duplicate."""

from __future__ import annotations

import html
import json
from datetime import date

from tests.sites.server import Site

STORY = (
    "The city council voted on Tuesday to extend the tram line to the northern districts, a project "
    "that has been debated for more than a decade and that residents say will cut their commute in half.",
    "Supporters argued that the extension would bring new businesses to neighbourhoods that have long been "
    "cut off from the centre, while opponents questioned the cost and the timetable of the works.",
    "The first trams are expected to run on the new section in three years, the mayor said after the vote, "
    "adding that the council would publish the full budget before the end of the month.",
)
ARTICLES = 6


def published(number: int) -> date:
    return date(2024, 1, number)


def article_page(base: str, number: int, canonical: str | None = None, story_of: int | None = None) -> str:
    """An article with JSON-LD, a byline and three paragraphs that name its own number."""
    story_number = story_of or number
    title = f"Council extends tram line, part {number}"
    body = "".join(f"<p>{html.escape(text)} (Report {story_number}.)</p>" for text in STORY)
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
            "datePublished": f"{published(number).isoformat()}T09:00:00+00:00",
            "author": {"@type": "Person", "name": "Alex Reporter"}}
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title} | Small Gazette</title>"
            f"<link rel='canonical' href='{canonical or f'{base}/news/{number}.html'}'>"
            f"<script type='application/ld+json'>{json.dumps(data)}</script></head>"
            f"<body><nav><a href='/'>Home</a> <a href='/section/a.html'>Section A</a></nav>"
            f"<article><h1>{title}</h1><p class='byline'>By Alex Reporter</p>{body}</article>"
            "<footer>Small Gazette</footer></body></html>")


def _listing(title: str, links: list[str], head: str = "") -> str:
    items = "".join(f"<li><a href='{href}'>Link to {html.escape(href)} on the site</a></li>" for href in links)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
            f"<body><h1>{title}</h1><ul>{items}</ul></body></html>")


def _rss(base: str) -> str:
    items = "".join(f"<item><title>Part {n}</title><link>{base}/news/{n}.html</link>"
                    f"<pubDate>{published(n).strftime('%a, %d %b %Y')} 09:00:00 +0000</pubDate></item>"
                    for n in range(1, ARTICLES + 1))
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>Small Gazette</title>{items}</channel></rss>"


def _atom(base: str) -> str:
    entries = "".join(f"<entry><title>Part {n}</title><link href='{base}/news/{n}.html'/><id>n{n}</id>"
                      f"<updated>{published(n).isoformat()}T09:00:00Z</updated></entry>"
                      for n in range(1, ARTICLES + 1))
    return f"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>SG</title>{entries}</feed>"


def _json_feed(base: str) -> str:
    items = [{"id": str(n), "url": f"{base}/news/{n}.html", "title": f"Part {n}",
              "date_published": f"{published(n).isoformat()}T09:00:00Z"} for n in range(1, ARTICLES + 1)]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "SG", "items": items})


def _sitemap(base: str) -> str:
    urls = "".join(f"<url><loc>{base}/news/{n}.html</loc><news:news><news:publication_date>"
                   f"{published(n).isoformat()}</news:publication_date><news:title>Part {n}</news:title>"
                   "</news:news></url>" for n in range(1, ARTICLES + 1))
    return ("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' "
            f"xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'>{urls}</urlset>")


def fill_small_site(site: Site, base: str) -> None:
    """Add every route of the small site, whose absolute links use ``base``."""
    feeds = ("<link rel='alternate' type='application/rss+xml' href='/rss.xml'>"
             "<link rel='alternate' type='application/atom+xml' href='/atom.xml'>")
    site.add("/", _listing("Small Gazette", ["/section/a.html", "/private/draft.html", "/news/copy.html",
                                             "/news/same-text.html"], head=feeds))
    site.add("/section/a.html", _listing("Section A", ["/news/1.html", "/news/2.html", "/section/b.html"]))
    site.add("/section/b.html", _listing("Section B", [f"/news/{n}.html" for n in range(3, ARTICLES + 1)]))
    for number in range(1, ARTICLES + 1):
        site.add(f"/news/{number}.html", article_page(base, number))
    site.add("/news/copy.html", article_page(base, 2, canonical=f"{base}/news/2.html"))
    site.add("/news/same-text.html", article_page(base, 1, canonical=f"{base}/news/same-text.html"))
    site.add("/private/draft.html", article_page(base, 9))
    site.add("/rss.xml", _rss(base), content_type="application/rss+xml")
    site.add("/atom.xml", _atom(base), content_type="application/atom+xml")
    site.add("/feed.json", _json_feed(base), content_type="application/feed+json")
    site.add("/sitemap.xml", _sitemap(base), content_type="application/xml")
    site.add("/robots.txt", f"User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemap.xml\n",
             content_type="text/plain")
