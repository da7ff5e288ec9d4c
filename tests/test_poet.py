"""The web-poet page object in a scrapy-poet project made in a temporary folder: a spider that asks
for ``zyte_common_items.Article`` gets our cleaner's record."""

from __future__ import annotations

import json

from tests.scrapy_project import crawl_in, make_project
from tests.sites.server import Site, serving
from tests.sites.small import _listing, article_page

SETTINGS = """
ROBOTSTXT_OBEY = False
ADDONS = {"scrapy_poet.Addon": 300}
SCRAPY_POET_DISCOVER = ["crawler.poet"]
FEEDS = {"articles.jsonl": {"format": "jsonlines", "overwrite": True}}
"""

SPIDER = """
import scrapy
from zyte_common_items import Article


class PoeticSpider(scrapy.Spider):
    name = "poetic"

    async def start(self):
        for url in self.urls.split(","):
            yield scrapy.Request(url)

    async def parse(self, response, article: Article):
        yield article
"""


def test_a_scrapy_poet_spider_asking_for_article_gets_the_cleaned_record(tmp_path):
    make_project(tmp_path, "poetic", SETTINGS, SPIDER)
    site = Site()
    with serving(site) as base:
        site.add("/news/3.html", article_page(base, 3))
        site.add("/", _listing("Small Gazette", ["/news/3.html"]))
        result = crawl_in(tmp_path, "poetic", "-a", f"urls={base}/news/3.html,{base}/")
    assert result.returncode == 0, result.stderr[-3000:]
    items = {item["url"]: item for line in (tmp_path / "articles.jsonl").read_text("utf-8").splitlines()
             if (item := json.loads(line))}
    article = items[f"{base}/news/3.html"]
    assert article["headline"] == "Council extends tram line, part 3"
    assert [(a["name"], a["nameRaw"]) for a in article["authors"]] == [("Alex Reporter", "Alex Reporter")]
    assert article["datePublished"].startswith("2024-01-03")
    assert article["canonicalUrl"] == f"{base}/news/3.html"
    assert "(Report 3.)" in article["articleBody"] and "Small Gazette" not in article["articleBody"]
    assert article["inLanguage"] == "en" and article["metadata"]["probability"] == 1.0
    listing = items[f"{base}/"]
    assert listing["metadata"]["probability"] == 0.0 and listing["articleBody"] is None
    assert listing["metadata"]["validationMessages"]["articleBody"][0].startswith("not-article")
