"""The crawl report: written when a crawl ends and by ``newsclean report``, bounded however long
the crawl, and rendered by headless Chromium with no console message and no request."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cleaners.write.report import FAILED_OUTCOMES, MAX_BINS, MAX_CHROME_LINES, MAX_REASONS, ReportData
from tests.browser import render
from tests.crawling import ROOT, crawl_environment, run_crawl
from tests.sites.server import Site, serving
from tests.sites.small import fill_small_site

NEWSCLEAN = str(Path(sys.executable).parent / "newsclean")


def _png_rows(png: bytes) -> int:
    """How many distinct pixel rows the screenshot has: a blank page has one."""
    height = struct.unpack(">I", png[20:24])[0]
    chunks, position = [], 8
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position:position + 8])
        if kind == b"IDAT":
            chunks.append(png[position + 8:position + 8 + length])
        position += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    stride = len(raw) // height
    return len({raw[row * stride + 1:(row + 1) * stride] for row in range(height)})


def test_the_tallies_stay_bounded_over_a_long_crawl():
    data = ReportData()
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(60_000):  # ten days, a URL every 15 s, every chrome line distinct
        moment = start + timedelta(seconds=15 * n)
        data.add_outcome({"url": f"https://a.example/{n}", "outcome": "http-error" if n % 7 == 0 else "article",
                          "reason": f"HTTP {n}", "time": moment.isoformat()})
        data.add_article({"url": f"https://a.example/{n}", "articleBody": "word " * (n % 900),
                          "metadata": {"removedChrome": [f"Share story {n}", "Subscribe"]}})
    assert len({start for start, _ in data.timeline}) <= MAX_BINS
    assert sum(data.timeline.values()) == 60_000
    assert len(data.chrome) <= MAX_CHROME_LINES and data.chrome["Subscribe"] == 60_000
    assert len(data.failures) <= MAX_REASONS + len(FAILED_OUTCOMES)
    assert sum(f.count for f in data.failures.values()) == -(-60_000 // 7)


def test_a_crawl_writes_its_report_and_newsclean_report_remakes_it_and_chromium_renders_it(tmp_path):
    site = Site()
    with serving(site) as base:
        fill_small_site(site, base)
        out = tmp_path / "out"
        result = run_crawl(out, {"urls": f"{base}/news/1.html,{base}/news/2.html,{base}/news/broken.html,{base}/"},
                           settings={"REPORT_FILE": str(out / "report.html")})
    assert result.returncode == 1, result.log[-2000:]  # the 404 is a failure
    crawl_report = (out / "report.html").read_text("utf-8")
    for title in ("Pages fetched over time, by outcome", "Outcomes by kind", "Top 1 sites by articles",
                  "Article length", "Failures, by reason"):
        assert title in crawl_report
    assert "/news/broken.html" in crawl_report and "http-error" in crawl_report

    made = subprocess.run([NEWSCLEAN, "report", str(out), "-o", str(tmp_path / "again.html")], capture_output=True,
                          text=True, timeout=120, check=False, env=crawl_environment())
    assert made.returncode == 0, made.stderr
    assert "2 articles" in made.stderr

    served = Site()
    served.add("/report.html", crawl_report)
    with serving(served) as report_base:
        shown = render(f"{report_base}/report.html")
    assert shown.console == [], shown.console
    assert served.requests == ["/report.html"], "the report loads nothing"
    assert _png_rows(shown.screenshot) > 100, "the screenshot shows the charts"


def test_page_text_in_the_report_is_inert(tmp_path):
    """Reasons, URLs and chrome lines that carry markup, scripts, maths and a javascript: link."""
    folder = tmp_path / "output"
    folder.mkdir()
    served = Site()
    with serving(served) as base:
        hostile = {"url": "javascript:alert(1)", "outcome": "http-error", "time": "2024-01-01T00:00:00+00:00",
                   "reason": f"<script>alert(1)</script><img src='{base}/leak.png'>"}
        (folder / "outcomes.jsonl").write_text(json.dumps(hostile) + "\n")
        article = {"url": "https://a.example/1", "articleBody": "Words here.",
                   "metadata": {"removedChrome": [f"<img src={base}/leak2.png onerror=alert(2)>", "$x^{2}$ <b>"]}}
        (folder / "articles.jsonl").write_text(json.dumps(article) + "\n")
        made = subprocess.run([NEWSCLEAN, "report", str(folder)], capture_output=True, text=True, timeout=120,
                              check=False, env=crawl_environment())
        assert made.returncode == 0, made.stderr
        page = (folder / "report.html").read_text("utf-8")
        assert "<script>" not in page and "<img" not in page and 'href="javascript:' not in page
        served.add("/report.html", page)
        shown = render(f"{base}/report.html")
    assert shown.console == [], shown.console
    assert served.requests == ["/report.html"]


def test_report_of_a_folder_without_outputs_is_a_usage_error(tmp_path):
    made = subprocess.run([NEWSCLEAN, "report", str(tmp_path)], capture_output=True, text=True, timeout=60,
                          check=False, cwd=ROOT)
    assert made.returncode == 2 and str(tmp_path) in made.stderr and "Traceback" not in made.stderr


def _hostile_page(base: str) -> str:
    leak = f"fetch('{base}/leak-title')"
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>\"><script>{leak}</script> Council votes on budget</title>"
            f"<link rel='canonical' href=\"javascript:fetch('{base}/leak-canonical')\">"
            "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"datePublished\": "
            "\"2024-03-05T10:00:00Z\", \"author\": {\"name\": \"Ann Lee\"}}</script></head><body><article>"
            f"<h1>Council votes on budget <script>{leak}</script></h1>"
            "<p>The city council voted on Tuesday to approve the budget for next year after a long debate "
            "about the cost of repairing roads and schools across the district.</p>"
            "<p>Click to share on &lt;script&gt;alert(1)&lt;/script&gt;</p>"
            "<p>Members said the plan would raise spending on parks and libraries while holding property "
            "taxes at the level set two years ago, and that a review would follow in the spring.</p>"
            f"<p>Click to share on &lt;img src={base}/leak-img onerror=alert(2)&gt;</p>"
            "</article></body></html>")


def test_a_hostile_page_cannot_run_anything_in_the_crawl_report(tmp_path):
    """Script in the title, in chrome lines and in a URL, a javascript: canonical: the report shows
    them as text, and in headless Chromium nothing runs and nothing is requested."""
    site = Site()
    with serving(site) as base:
        site.add("/news/council-votes-on-budget.html", _hostile_page(base))
        hostile_url = f"{base}/news/<script>fetch('{base}/leak-url')</script>.html"
        out = tmp_path / "out"
        run_crawl(out, {"urls": f"{base}/news/council-votes-on-budget.html,{hostile_url}"})
        report = (out / "report.html").read_text("utf-8")
        assert "Click to share on &lt;script&gt;alert(1)&lt;/script&gt;" in report, "the chrome line, as text"
        assert "leak-url" in report, "the hostile URL, as text and an http link"
        assert "<script" not in report.lower() and "<img" not in report.lower() and "javascript:" not in report
        site.requests.clear()
        site.add("/report.html", report)
        shown = render(f"{base}/report.html")
    assert shown.console == [], shown.console
    assert site.requests == ["/report.html"], "no injected script ran, no request left the page"
