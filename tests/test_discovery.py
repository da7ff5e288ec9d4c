"""Feeds and sitemaps: what they list, with dates; XML entities are never expanded."""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime

from crawler.discovery import in_window, parse_feed, parse_sitemap

BASE = "https://news.example/"


def test_rss_with_relative_links_and_dates():
    body = (b"<?xml version='1.0'?><rss version='2.0'><channel><item><title>A</title><link>/a.html</link>"
            b"<pubDate>Wed, 10 Apr 2024 06:12:44 GMT</pubDate></item><item><link>https://news.example/b</link>"
            b"</item></channel></rss>")
    listed = parse_feed(body, BASE)
    assert [item.url for item in listed] == ["https://news.example/a.html", "https://news.example/b"]
    assert listed[0].published == datetime(2024, 4, 10, 6, 12, 44, tzinfo=UTC)
    assert listed[1].published is None


def test_atom_and_json_feed():
    atom = (b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><link href='https://news.example/x'/>"
            b"<updated>2024-01-02T03:04:05Z</updated></entry></feed>")
    assert [i.url for i in parse_feed(atom, BASE)] == ["https://news.example/x"]
    json_feed = (b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"url": "/j", '
                 b'"date_published": "2024-01-02T00:00:00+02:00"}, {"id": "no-url"}]}')
    [item] = parse_feed(json_feed, BASE)
    assert item.url == "https://news.example/j" and item.published.utcoffset().total_seconds() == 7200


def test_news_sitemap_and_index():
    urlset = (b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' "
              b"xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'><url><loc>https://news.example/n</loc>"
              b"<news:news><news:publication_date>2024-03-01</news:publication_date><news:title>T</news:title>"
              b"</news:news></url><url><loc>https://news.example/m</loc><lastmod>2024-02-01</lastmod></url></urlset>")
    content = parse_sitemap(urlset, BASE)
    assert [(p.url, p.published.date(), p.title) for p in content.pages] == [
        ("https://news.example/n", date(2024, 3, 1), "T"), ("https://news.example/m", date(2024, 2, 1), None)]
    index = b"<sitemapindex><sitemap><loc>https://news.example/s1.xml.gz</loc></sitemap></sitemapindex>"
    assert parse_sitemap(index, BASE).sitemaps == ("https://news.example/s1.xml.gz",)


def test_entity_expansion_is_not_performed():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><urlset><url><loc>https://news.example/&lol3;</loc></url>'
            b"</urlset>")
    content = parse_sitemap(bomb, BASE)
    assert all("lollol" not in page.url for page in content.pages)


def test_garbage_gives_nothing_not_an_error():
    assert parse_sitemap(b"not xml at all", BASE).pages == ()
    assert parse_feed(gzip.compress(b"junk"), BASE) == []


def test_window_is_inclusive_and_keeps_unknown_dates():
    since, until = date(2024, 1, 2), date(2024, 1, 3)
    assert in_window(datetime(2024, 1, 2, 0, 0, tzinfo=UTC), since, until)
    assert in_window(datetime(2024, 1, 3, 23, 59, tzinfo=UTC), since, until)
    assert not in_window(datetime(2024, 1, 4, tzinfo=UTC), since, until)
    assert in_window(None, since, until)
