"""The demo news site: real saved article pages behind a home page, sections, an RSS feed, a news
sitemap and robots.txt, under the made-up host ``demo-news.example``.

Articles are the first pages of Zyte's article-extraction benchmark (``../shared/benchmarks/aeb``,
MIT licence, copied to ``cassettes/LICENSE-aeb``) plus the two seed-shaped aggregator pages of
``tests/fixtures``. ``python -m tests.sites.record_demo`` records a crawl of it into
``cassettes/demo-news.yaml``, which ``make run`` and the crawl tests replay offline.
"""

from __future__ import annotations

import gzip
import html
import json
import re
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import attrs

from cleaners import clean_html
from crawler.discovery import parse_when
from tests.sites.server import Site

ROOT = Path(__file__).resolve().parents[2]
AEB = ROOT.parent / "shared" / "benchmarks" / "aeb"
FIXTURES = ROOT / "tests" / "fixtures"
DEMO_BASE = "http://demo-news.example"
AEB_ARTICLES = 25
SECTIONS = ("world", "business", "technology")


@attrs.frozen(kw_only=True)
class DemoArticle:
    path: str
    title: str
    published: datetime | None
    body: bytes


def _slug(url: str) -> str:
    tail = [p for p in re.split(r"[/?#]", url) if p][-1]
    return re.sub(r"[^a-z0-9]+", "-", tail.lower().removesuffix(".html").removesuffix(".php"))[:60].strip("-")


def demo_articles() -> list[DemoArticle]:
    sources: list[tuple[str, bytes]] = []
    rows = [json.loads(line) for line in (AEB / "truth.jsonl").read_text("utf-8").splitlines()]
    for row in rows[:AEB_ARTICLES]:
        sources.append((row["url"], gzip.decompress((AEB / "html" / f"{row['id']}.html.gz").read_bytes())))
    for name in ("seed-aggregator", "seed-plain"):
        sources.append((f"https://demo-news.example/{name}", (FIXTURES / name / "input.html").read_bytes()))
    articles = []
    for number, (url, body) in enumerate(sources, 1):
        record = clean_html(body, url=url)
        articles.append(DemoArticle(path=f"/articles/{number:02d}-{_slug(url)}.html",
                                    title=record.headline or f"Article {number}",
                                    published=parse_when(record.datePublished), body=body))
    return articles


def _page(title: str, links: list[tuple[str, str]], head: str = "") -> str:
    items = "\n".join(f'<li><a href="{href}">{html.escape(text)}</a></li>' for href, text in links)
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)} | Demo News"
            f"</title>{head}</head><body><nav><a href='/'>Home</a> "
            + " ".join(f"<a href='/section/{s}/'>{s.title()}</a>" for s in SECTIONS)
            + f"</nav><h1>{html.escape(title)}</h1><ul>{items}</ul>"
            "<footer>Demo News is a test site built from saved pages.</footer></body></html>")


def _rss(articles: list[DemoArticle], base: str) -> str:
    dated = sorted((a for a in articles if a.published), key=lambda a: a.published, reverse=True)[:10]
    items = "".join(
        f"<item><title>{html.escape(a.title)}</title><link>{base}{a.path}</link>"
        f"<pubDate>{format_datetime(a.published.astimezone(UTC))}</pubDate></item>" for a in dated)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Demo News</title>'
            f"<link>{base}/</link><description>Latest stories</description>{items}</channel></rss>")


def _news_sitemap(articles: list[DemoArticle], base: str) -> str:
    entries = []
    for article in articles:
        when = (f"<news:publication_date>{article.published.isoformat()}</news:publication_date>"
                if article.published else "")
        entries.append(f"<url><loc>{base}{article.path}</loc><news:news><news:publication>"
                       f"<news:name>Demo News</news:name><news:language>en</news:language></news:publication>"
                       f"{when}<news:title>{html.escape(article.title)}</news:title></news:news></url>")
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + "".join(entries) + "</urlset>")


def build_demo_site(base: str = DEMO_BASE) -> Site:
    """The whole site as routes; article bodies are served gzip-encoded, as news sites do."""
    articles = demo_articles()
    site = Site()
    feed_link = '<link rel="alternate" type="application/rss+xml" title="Demo News" href="/feed.xml">'
    latest = [(a.path, a.title) for a in articles[:10]]
    site.add("/", _page("Demo News", [*latest, ("/tag/archive/", "Archive"),
                                      ("/private/drafts.html", "Drafts"),
                                      (articles[0].path.replace(".html", "-copy.html"), articles[0].title)],
                        head=feed_link))
    for index, section in enumerate(SECTIONS):
        site.add(f"/section/{section}/", _page(section.title(), [(a.path, a.title) for a in articles[index::3]]))
    site.add("/tag/archive/", _page("Archive", [(a.path, a.title) for a in articles]))
    site.add("/private/drafts.html", _page("Drafts", []))
    for article in articles:
        site.add(article.path, gzip.compress(article.body, mtime=0), headers=(("Content-Encoding", "gzip"),))
    site.add(articles[0].path.replace(".html", "-copy.html"), articles[0].body)
    site.add("/feed.xml", _rss(articles, base), content_type="application/rss+xml; charset=utf-8")
    site.add("/sitemap.xml", '<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
             'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap>'
             f"<loc>{base}/news-sitemap.xml</loc></sitemap></sitemapindex>", content_type="application/xml")
    site.add("/news-sitemap.xml", _news_sitemap(articles, base), content_type="application/xml")
    site.add("/robots.txt", f"User-agent: *\nDisallow: /private/\n\nSitemap: {base}/sitemap.xml\n",
             content_type="text/plain")
    return site
