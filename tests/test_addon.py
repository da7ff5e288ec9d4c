"""The add-on in another Scrapy project: a project created in a temporary folder, with its own
spider, enables ``crawler.addon.NewsClean`` and runs ``scrapy crawl`` there."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from tests.scrapy_project import crawl_in, make_project
from tests.sites.server import Site, serving
from tests.sites.small import _listing, article_page

SETTINGS = """
ROBOTSTXT_OBEY = False
CLEANER_WORKERS = 1
OUTCOMES_FILE = "outcomes.jsonl"
ADDONS = {"crawler.addon.NewsClean": 300}
FEEDS = {"all.jsonl": {"format": "jsonlines", "overwrite": True},
         "articles.parquet": {"format": "parquet", "overwrite": True}}
"""

SPIDER = """
import scrapy

from crawler.items import CrawledPage


class TheirSpider(scrapy.Spider):
    name = "theirs"

    async def start(self):
        for url in self.urls.split(","):
            yield scrapy.Request(url)

    def parse(self, response):
        if response.url.endswith("/news/1.html"):
            yield CrawledPage.from_response(response)  # the documented page item
        else:
            yield response  # or the response itself
        yield {"their": "own item", "url": response.url}
"""


def _project(folder: Path) -> None:
    make_project(folder, "theirs", SETTINGS, SPIDER)


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_another_project_gets_article_records_outcomes_and_the_date_window(tmp_path):
    _project(tmp_path)
    site = Site()
    with serving(site) as base:
        for number in range(1, 7):
            site.add(f"/news/{number}.html", article_page(base, number))
        site.add("/", _listing("Small Gazette", [f"/news/{n}.html" for n in range(1, 7)]))
        urls = [f"{base}/", *(f"{base}/news/{n}.html" for n in range(1, 7))]
        result = crawl_in(tmp_path, "theirs", "-a", "urls=" + ",".join(urls), "-a", "until=2024-01-05")
    assert result.returncode == 0, result.stderr[-3000:]
    records = _lines(tmp_path / "all.jsonl")
    articles = sorted((r for r in records if "articleBody" in r), key=lambda r: r["url"])
    assert [a["url"] for a in articles] == [f"{base}/news/{n}.html" for n in range(1, 6)]
    assert articles[0]["headline"] == "Council extends tram line, part 1"
    assert articles[0]["authors"] == [{"name": "Alex Reporter"}]
    assert articles[0]["datePublished"].startswith("2024-01-01")
    their_own = [r for r in records if "their" in r]
    assert sorted(r["url"] for r in their_own) == sorted(urls), "the project's own items pass untouched"
    assert all(set(r) == {"their", "url"} for r in their_own)
    assert sorted(r["url"] for r in pq.read_table(tmp_path / "articles.parquet").to_pylist()) == [
        a["url"] for a in articles]
    outcomes = {line["url"]: line["outcome"] for line in _lines(tmp_path / "outcomes.jsonl")}
    assert outcomes == {f"{base}/": "not-article", f"{base}/news/6.html": "outside-date-window",
                        **{f"{base}/news/{n}.html": "article" for n in range(1, 6)}}
    assert (tmp_path / "output" / "learned-rules.toml").exists()


def test_a_bad_date_window_closes_their_crawl_at_start_naming_it(tmp_path):
    _project(tmp_path)
    site = Site()
    with serving(site) as base:
        site.add("/news/1.html", article_page(base, 1))
        result = crawl_in(tmp_path, "theirs", "-a", f"urls={base}/news/1.html", "-a", "since=2024-13-01")
    assert "since: '2024-13-01' is not a date (YYYY-MM-DD); the crawl stops" in result.stderr
    assert "'finish_reason': 'bad-argument'" in result.stderr and "Traceback" not in result.stderr
    assert not site.requests, "nothing was fetched"
    assert not (tmp_path / "all.jsonl").exists() or not (tmp_path / "all.jsonl").read_text().strip()
