"""``scrapy crawl news`` end to end: the real Scrapy engine (a subprocess, as users run it) against a
real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import attrs
import pytest

from cleaners import clean_html
from crawler.outcomes import Outcome
from tests.conftest import fixture_body
from tests.crawling import run_crawl
from tests.sites.server import Site, serving
from tests.sites.small import ARTICLES, fill_small_site


@pytest.fixture(scope="module")
def small_site():
    site = Site()
    with serving(site) as base:
        fill_small_site(site, base)
        yield site, base


def _fresh(site: Site) -> None:
    site.requests.clear()


def _article_numbers(result) -> list[int]:
    return sorted(int(a["url"].rsplit("/", 1)[1].removesuffix(".html")) for a in result.articles
                  if a["url"].rsplit("/", 1)[1].removesuffix(".html").isdigit())


@pytest.mark.parametrize("feed", ["/rss.xml", "/atom.xml", "/feed.json"])
def test_feeds_of_each_format(small_site, tmp_path, feed, validate_record):
    _site, base = small_site
    result = run_crawl(tmp_path, {"feeds": base + feed})
    assert result.returncode == 0, result.log[-3000:]
    assert _article_numbers(result) == list(range(1, ARTICLES + 1))
    for article in result.articles:
        validate_record(article)
    assert result.outcome_of(feed) == ["feed"]


def test_sitemap_and_every_url_accounted_for(small_site, tmp_path):
    _site, base = small_site
    result = run_crawl(tmp_path, {"sitemaps": f"{base}/sitemap.xml"})
    assert _article_numbers(result) == list(range(1, ARTICLES + 1))
    # robots.txt, fetched by Scrapy itself for its rules, gets its line too.
    assert Counter(o["outcome"] for o in result.outcomes) == {"article": ARTICLES, "sitemap": 1, "robots": 1}
    assert all(a["authors"] == [{"name": "Alex Reporter"}] for a in result.articles)


def test_urls_file(small_site, tmp_path):
    _site, base = small_site
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# two articles and a missing page\n{base}/news/1.html\n{base}/news/2.html\n{base}/gone.html\n")
    result = run_crawl(tmp_path, {"urls_file": str(urls)})
    assert _article_numbers(result) == [1, 2]
    assert result.outcome_of("/gone.html") == ["http-error"]
    assert [o.get("status") for o in result.outcomes if o["url"].endswith("/gone.html")] == [404]


def test_site_discovers_feeds_and_sitemaps_and_obeys_robots(small_site, tmp_path):
    site, base = small_site
    _fresh(site)
    result = run_crawl(tmp_path, {"site": f"{base}/", "follow": "true", "max_depth": "1"})
    assert result.returncode == 0
    assert len(result.articles) == ARTICLES
    assert len({a["canonicalUrl"] for a in result.articles}) == ARTICLES
    assert len({a["metadata"]["fingerprint"] for a in result.articles}) == ARTICLES
    assert {"/rss.xml", "/atom.xml", "/sitemap.xml", "/robots.txt"} <= set(site.requests)
    assert "/private/draft.html" not in site.requests
    assert result.outcome_of("/private/draft.html") == ["disallowed-by-robots"]
    # A copy and its original: whichever is cleaned first is kept, the other is a duplicate.
    assert sorted(result.outcome_of("/news/copy.html") + result.outcome_of("/news/2.html")) == ["article",
                                                                                                "duplicate"]
    assert sorted(result.outcome_of("/news/same-text.html") + result.outcome_of("/news/1.html")) == [
        "article", "duplicate"]
    assert result.outcome_of(f"{base}/") == ["not-article"]
    fetched = {o["url"] for o in result.outcomes}
    assert len(fetched) == len(result.outcomes), "one outcome line per URL"


def test_following_respects_depth_allow_and_deny(small_site, tmp_path):
    site, base = small_site
    _fresh(site)
    shallow = run_crawl(tmp_path / "shallow", {"urls": f"{base}/section/a.html", "follow": "true", "max_depth": "1"})
    assert _article_numbers(shallow) == [1, 2]
    assert "/news/3.html" not in site.requests
    deep = run_crawl(tmp_path / "deep", {"urls": f"{base}/section/a.html", "follow": "true", "max_depth": "2",
                                         "deny": r"/news/[45]\.html"})
    assert _article_numbers(deep) == [1, 2, 3, 6]
    allowed = run_crawl(tmp_path / "allow", {"urls": f"{base}/section/a.html", "follow": "true", "max_depth": "2",
                                             "allow": r"/news/1\.html"})
    assert _article_numbers(allowed) == [1]


def test_date_window_skips_listed_pages_before_fetching(small_site, tmp_path):
    site, base = small_site
    _fresh(site)
    result = run_crawl(tmp_path, {"sitemaps": f"{base}/sitemap.xml", "since": "2024-01-03", "until": "2024-01-04"})
    assert _article_numbers(result) == [3, 4]
    assert not {"/news/1.html", "/news/2.html", "/news/5.html", "/news/6.html"} & set(site.requests)
    assert result.outcome_of("/news/1.html") == ["outside-date-window"]


def test_a_listed_date_decides_alone_and_a_url_listed_twice_gets_one_line(tmp_path):
    site = Site()
    with serving(site) as base:
        fill_small_site(site, base)
        # The sitemap dates 1 and 2 inside the window (their pages say they are older), and 4 outside.
        sitemap = "".join(f"<url><loc>{base}/news/{n}.html</loc><lastmod>{day}</lastmod></url>"
                          for n, day in ((1, "2024-01-10"), (2, "2024-01-10"), (4, "2024-01-20")))
        site.add("/dated.xml", f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{sitemap}</urlset>",
                 content_type="application/xml")
        # The feed lists 4 outside the window too, and 3 and 6 with no date (their pages decide).
        items = (f"<item><title>4</title><link>{base}/news/4.html</link>"
                 "<pubDate>Sat, 20 Jan 2024 09:00:00 +0000</pubDate></item>"
                 f"<item><title>3</title><link>{base}/news/3.html</link></item>"
                 f"<item><title>6</title><link>{base}/news/6.html</link></item>")
        site.add("/undated.xml", f"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>{items}"
                 "</channel></rss>", content_type="application/rss+xml")
        result = run_crawl(tmp_path, {"sitemaps": f"{base}/dated.xml", "feeds": f"{base}/undated.xml",
                                      "since": "2024-01-05", "until": "2024-01-14"})
    assert result.returncode == 0, result.log[-3000:]
    assert _article_numbers(result) == [1, 2, 6]
    assert result.outcome_of("/news/4.html") == ["outside-date-window"]
    assert "/news/4.html" not in site.requests
    assert result.outcome_of("/news/3.html") == ["outside-date-window"], "an undated entry: the page's date decides"


def test_date_window_applies_after_cleaning_when_nothing_lists_a_date(small_site, tmp_path):
    _site, base = small_site
    urls = ",".join(f"{base}/news/{n}.html" for n in (1, 2, 3))
    result = run_crawl(tmp_path, {"urls": urls, "since": "2024-01-02"})
    assert _article_numbers(result) == [2, 3]
    assert result.outcome_of("/news/1.html") == ["outside-date-window"]


def test_second_crawl_skips_what_the_output_has(small_site, tmp_path):
    site, base = small_site
    first = run_crawl(tmp_path, {"sitemaps": f"{base}/sitemap.xml"})
    assert len(first.articles) == ARTICLES
    _fresh(site)
    second = run_crawl(tmp_path, {"sitemaps": f"{base}/sitemap.xml"})
    assert len(second.articles) == ARTICLES, "nothing appended the second time"
    assert set(site.requests) <= {"/sitemap.xml", "/robots.txt"}, "no article fetched again"
    assert Counter(o["outcome"] for o in second.outcomes[-ARTICLES - 2:]) == {"already-collected": ARTICLES,
                                                                                 "sitemap": 1, "robots": 1}


def test_resume_with_jobdir_collects_each_article_once(small_site, tmp_path):
    _site, base = small_site
    settings = {"JOBDIR": str(tmp_path / "job"), "CLOSESPIDER_ITEMCOUNT": "1", "CONCURRENT_REQUESTS": "1",
                "DOWNLOAD_DELAY": "0.5"}
    first = run_crawl(tmp_path, {"sitemaps": f"{base}/sitemap.xml"}, settings=settings)
    assert "closespider_itemcount" in first.log
    assert 1 <= len(first.articles) < ARTICLES
    resumed = run_crawl(tmp_path, {"sitemaps": f"{base}/sitemap.xml"},
                        settings={"JOBDIR": str(tmp_path / "job")})
    assert _article_numbers(resumed) == list(range(1, ARTICLES + 1))


def test_pipeline_record_equals_command_line_record(small_site, tmp_path):
    site, base = small_site
    result = run_crawl(tmp_path, {"urls": f"{base}/news/3.html"})
    [crawled] = result.articles
    from_cli = clean_html(site.routes["/news/3.html"].body, url=f"{base}/news/3.html").to_dict()
    for record in (crawled, from_cli):
        record["metadata"].pop("dateDownloaded")
        record["metadata"].pop("source")
    assert crawled == from_cli


def test_bad_argument_is_a_usage_error_named_before_anything_starts(tmp_path):
    result = run_crawl(tmp_path, {"feeds": "ftp://example.com/feed"})
    assert result.returncode == 2
    assert "feeds: 'ftp://example.com/feed' is not an http(s) URL" in result.log
    assert "Spider opened" not in result.log
    assert result.articles == []
    dated = run_crawl(tmp_path, {"urls": "https://example.com/", "since": "2024-13-01"})
    assert dated.returncode == 2
    assert "since: '2024-13-01' is not a date" in dated.log


def test_article_threshold_setting_declines_what_the_default_keeps(small_site, tmp_path):
    _, base = small_site
    strict = run_crawl(tmp_path, {"urls": f"{base}/news/3.html"}, settings={"ARTICLE_THRESHOLD": "0.999"})
    assert strict.returncode == 0, strict.log[-2000:]
    assert strict.articles == [] and strict.outcome_of("/news/3.html") == ["not-article"]
    default = run_crawl(tmp_path, {"urls": f"{base}/news/3.html"})
    assert [a["url"] for a in default.articles] == [f"{base}/news/3.html"]


def test_article_model_setting_news_declines_a_guide_the_default_keeps(small_site, tmp_path):
    """The same blog guide served on the test site: written as an article by default, declined by
    the news model, which a crawl of news sites sets with ``ARTICLE_MODEL=news``."""
    site, base = small_site
    path = "/blog/what-accounting-software-do-successful-freelancers-use"
    site.add(path, fixture_body("wcxb-4252"))
    news = run_crawl(tmp_path, {"urls": f"{base}{path}"}, settings={"ARTICLE_MODEL": "news"})
    assert news.returncode == 0, news.log[-2000:]
    assert news.articles == [] and news.outcome_of(path) == ["not-article"]
    default = run_crawl(tmp_path, {"urls": f"{base}{path}"})
    assert [a["url"] for a in default.articles] == [f"{base}{path}"]


@pytest.mark.parametrize("problem", ["rules", "sites-rules", "output", "replay-mode", "threshold", "model"])
def test_usage_errors_exit_2_naming_what_is_wrong(tmp_path, problem):
    rules = tmp_path / "rules.toml"
    rules.write_text("[elements]\ntoken = ['promo']\n")
    sites = tmp_path / "sites.toml"
    sites.write_text('[[site]]\nurls = "https://example.com/"\nrules = "rules.toml"\n')
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    arguments = {"sites": str(sites)} if problem == "sites-rules" else {"urls": "https://example.com/"}
    settings = {"rules": {"CLEANER_RULES": str(rules)},
                "output": {"OUTCOMES_FILE": str(blocker / "outcomes.jsonl")},
                "replay-mode": {"VCR_CASSETTE": "c.yaml", "VCR_RECORD_MODE": "sometimes"},
                "threshold": {"ARTICLE_THRESHOLD": "1.5"}, "model": {"ARTICLE_MODEL": "blog"}}.get(problem, {})
    result = run_crawl(tmp_path, arguments, settings=settings)
    assert result.returncode == 2, result.log[-2000:]
    named = {"rules": "unknown key(s) ['token'] in [elements]", "sites-rules": "unknown key(s) ['token']",
             "output": f"OUTCOMES_FILE {blocker / 'outcomes.jsonl'} cannot be written",
             "replay-mode": "VCR_RECORD_MODE 'sometimes' is not one of",
             "threshold": "ARTICLE_THRESHOLD '1.5' is not an article score between 0 and 1",
             "model": "ARTICLE_MODEL 'blog' is not one of general, news"}[problem]
    assert named in result.log
    assert "Traceback" not in result.log


def test_exit_status_is_1_when_a_url_failed_and_0_when_none_did(small_site, tmp_path):
    _site, base = small_site
    failed = run_crawl(tmp_path / "a", {"urls": f"{base}/news/1.html,{base}/gone.html"})
    assert failed.returncode == 1
    assert _article_numbers(failed) == [1], "the article that could be fetched is still written"
    assert "outcomes: 1 article" in failed.log and "failed 1 (http-error 1)" in failed.log
    fine = run_crawl(tmp_path / "b", {"urls": f"{base}/news/1.html"})
    assert fine.returncode == 0
    assert "failed" not in fine.log.split("outcomes:")[-1].split("\n")[0]


def test_a_clean_crawl_logs_no_warning(small_site, tmp_path):
    _site, base = small_site
    result = run_crawl(tmp_path, {"site": f"{base}/"})
    assert result.returncode == 0
    assert "WARNING" not in result.log, [line for line in result.log.splitlines() if "WARNING" in line]
    # The well-known sitemap this site does not have is looked for, and is no failure.
    assert result.outcome_of("/news-sitemap.xml") == ["absent"]
    assert result.outcome_of("/robots.txt") == ["robots"], "robots.txt, read twice, has one line"


def test_demo_cassette_replays_offline(tmp_path, validate_record):
    from tests.sites.record_demo import CASSETTE, DEMO_ARGUMENTS

    result = run_crawl(tmp_path, DEMO_ARGUMENTS, settings={"VCR_CASSETTE": str(CASSETTE)})
    assert result.returncode == 0
    assert len(result.articles) >= 25
    for article in result.articles:
        validate_record(article)
    assert "vcr/missing" not in result.stats
    assert "'vcr/replayed'" in result.stats
    outcomes = Counter(o["outcome"] for o in result.outcomes)
    assert outcomes["article"] == len(result.articles)
    assert outcomes["not-in-cassette"] == 0
    seed = next(a for a in result.articles if a["url"].endswith("26-seed-aggregator.html"))
    assert seed["sourceUrl"].startswith("https://www.ft.com/")
    assert "Source link" not in seed["articleBody"]
    # The log names each dropped page and holds no page's markup (nor the cassette's).
    assert "Dropped http://demo-news.example/" in result.log
    assert "<html" not in result.log.lower()


def test_recording_then_replay_without_the_server(tmp_path):
    site = Site()
    cassette = tmp_path / "recorded.yaml"
    with serving(site) as base:
        fill_small_site(site, base)
        recorded = run_crawl(tmp_path / "rec", {"urls": f"{base}/news/1.html"},
                             settings={"VCR_CASSETTE": str(cassette), "VCR_RECORD_MODE": "once"})
    assert len(recorded.articles) == 1
    assert cassette.exists()
    replayed = run_crawl(tmp_path / "play", {"urls": f"{base}/news/1.html"},
                         settings={"VCR_CASSETTE": str(cassette), "VCR_RECORD_MODE": "none"})
    assert [a["articleBody"] for a in replayed.articles] == [a["articleBody"] for a in recorded.articles]
    missing = run_crawl(tmp_path / "miss", {"urls": f"{base}/news/2.html"},
                        settings={"VCR_CASSETTE": str(cassette), "VCR_RECORD_MODE": "none"})
    assert "'vcr/missing': 1" in missing.stats
    assert missing.outcome_of("/news/2.html") == ["not-in-cassette"]


def test_outcome_lines_are_valid_json_with_known_outcomes(small_site, tmp_path):
    _site, base = small_site
    run_crawl(tmp_path, {"site": f"{base}/"})
    known = {outcome.value for outcome in Outcome}
    lines = (tmp_path / "outcomes.jsonl").read_text("utf-8").splitlines()
    assert lines
    for line in lines:
        outcome = json.loads(line)
        assert outcome["outcome"] in known
        assert outcome["url"].startswith("http")


def test_network_error_has_an_outcome(tmp_path):
    result = run_crawl(tmp_path, {"urls": "http://127.0.0.1:9/news.html"}, settings={"RETRY_TIMES": "0"})
    assert result.outcome_of("127.0.0.1:9/news.html") == ["network-error"]


def test_project_root_has_scrapy_cfg():
    assert (Path(__file__).resolve().parents[1] / "scrapy.cfg").read_text().count("crawler.settings") == 1


def test_private_addresses_are_refused_directly_by_name_and_after_a_redirect(tmp_path):
    site = Site()
    with serving(site) as base:
        port = base.rsplit(":", 1)[1]
        site.add("/moved.html", b"", status=302, headers=(("Location", f"http://localhost:{port}/news/1.html"),))
        fill_small_site(site, base)
        result = run_crawl(tmp_path, {"urls": f"{base}/news/1.html,{base}/moved.html,http://localhost:{port}/news/2.html"},
                           settings={"ALLOW_PRIVATE_ADDRESSES": "false", "ALLOWED_PRIVATE_HOSTS": f"127.0.0.1:{port}"})
    assert [a["url"] for a in result.articles] == [f"{base}/news/1.html"]
    refused = [o for o in result.outcomes if o["outcome"] == "forbidden-address"]
    assert sorted((o["url"], o.get("finalUrl")) for o in refused) == sorted([
        (f"http://localhost:{port}/news/2.html", None),
        (f"{base}/moved.html", f"http://localhost:{port}/news/1.html"),
    ])
    assert all("resolves to 127.0.0.1: a loopback address" in o["reason"] for o in refused)
    assert "/news/2.html" not in site.requests
    assert result.returncode == 1


def test_a_refused_loopback_crawl_says_why_once_per_host_and_how_to_allow_it(tmp_path):
    site = Site()
    with serving(site) as base:
        fill_small_site(site, base)
        result = run_crawl(tmp_path, {"site": f"{base}/"}, settings={"ALLOW_PRIVATE_ADDRESSES": "false"})
    host = base.removeprefix("http://")
    warnings = [line for line in result.log.splitlines() if "WARNING" in line and "refusing every URL" in line]
    assert len(warnings) == 1, warnings
    assert host in warnings[0] and f"ALLOWED_PRIVATE_HOSTS={host}" in warnings[0]
    assert "ALLOW_PRIVATE_ADDRESSES=true" in warnings[0]
    assert result.returncode == 1
    assert result.articles == []
    refused = len([o for o in result.outcomes if o["outcome"] == "forbidden-address"])
    assert refused >= 4, "robots.txt, two well-known sitemaps and the home page"
    assert f"failed {refused} (forbidden-address {refused}); private or loopback hosts were refused" in result.log
    assert site.requests == []


def test_retry_after_is_honoured_and_bounded(tmp_path):
    site = Site()
    with serving(site) as base:
        fill_small_site(site, base)
        for number, wait in ((1, "1"), (2, "3600")):
            path = f"/news/{number}.html"
            site.routes[path] = attrs.evolve(site.routes[path], fail_first=1, fail_status=429,
                                             fail_headers=(("Retry-After", wait),))
        result = run_crawl(tmp_path, {"urls": f"{base}/news/1.html,{base}/news/2.html"})
    assert _article_numbers(result) == [1]
    assert site.requests.count("/news/1.html") == 2
    assert site.requests.count("/news/2.html") == 1, "a Retry-After past RETRY_AFTER_MAX is not retried"
    assert [o.get("status") for o in result.outcomes if o["url"].endswith("/news/2.html")] == [429]


def test_server_errors_are_retried_a_bounded_number_of_times(tmp_path):
    site = Site()
    with serving(site) as base:
        fill_small_site(site, base)
        site.routes["/news/3.html"] = attrs.evolve(site.routes["/news/3.html"], fail_first=2)
        site.routes["/news/4.html"] = attrs.evolve(site.routes["/news/4.html"], fail_first=99)
        result = run_crawl(tmp_path, {"urls": f"{base}/news/3.html,{base}/news/4.html"}, settings={"RETRY_TIMES": "2"})
    assert _article_numbers(result) == [3]
    assert site.requests.count("/news/4.html") == 3
    assert result.outcome_of("/news/4.html") == ["http-error"]


def test_a_calendar_trap_ends_at_the_page_limit(tmp_path):
    site = Site()
    with serving(site) as base:
        for month in range(1, 200):
            links = f"<a href='/calendar/{month + 1}/'>next</a><a href='/calendar/{month + 2}/'>skip</a>"
            site.add(f"/calendar/{month}/", f"<html><body><h1>Month {month}</h1>{links}</body></html>")
        result = run_crawl(tmp_path, {"urls": f"{base}/calendar/1/", "follow": "true", "max_depth": "100"},
                           settings={"MAX_PAGES_PER_SITE": "10"})
    fetched = [path for path in site.requests if path.startswith("/calendar/")]
    assert len(fetched) <= 11
    assert "page-limit" in {o["outcome"] for o in result.outcomes}
