"""The web-poet page object in a scrapy-poet project made in a temporary folder: a spider that asks
for ``zyte_common_items.Article`` gets our cleaner's record."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.crawling import crawl_environment
from tests.sites.server import Site, serving
from tests.sites.small import _listing, article_page

SETTINGS = """
BOT_NAME = "poetic"
SPIDER_MODULES = ["poetic.spiders"]
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
    (tmp_path / "scrapy.cfg").write_text("[settings]\ndefault = poetic.settings\n")
    (tmp_path / "poetic" / "spiders").mkdir(parents=True)
    (tmp_path / "poetic" / "__init__.py").write_text("")
    (tmp_path / "poetic" / "settings.py").write_text(SETTINGS)
    (tmp_path / "poetic" / "spiders" / "__init__.py").write_text("")
    (tmp_path / "poetic" / "spiders" / "poetic.py").write_text(SPIDER)
    site = Site()
    with serving(site) as base:
        site.add("/news/3.html", article_page(base, 3))
        site.add("/", _listing("Small Gazette", ["/news/3.html"]))
        environment = {k: v for k, v in crawl_environment().items() if k != "SCRAPY_SETTINGS_MODULE"}
        command = [sys.executable, "-m", "scrapy", "crawl", "poetic", "-a", f"urls={base}/news/3.html,{base}/"]
        result = subprocess.run(command, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300,
                                check=False)
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
