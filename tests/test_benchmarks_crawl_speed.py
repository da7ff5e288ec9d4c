"""The crawl-speed benchmark end to end on a small site, and its stats parsing.

No timing is asserted (figures depend on the machine); what must hold is that every page is
fetched in both runs and, with cleaning on, every copy of a real page becomes its own article.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmarks import crawl_speed

PAGES = 30

STATS = """Dumping Scrapy stats:
{'downloader/response_count': 33,
 'elapsed_time_seconds': 2.5,
 'finish_time': datetime.datetime(2025, 1, 2, 3, 4, 7, 500000, tzinfo=datetime.timezone.utc),
 'items_per_minute': None,
 'log_count/INFO': 12,
 'start_time': datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
 'z/last_count': 7}
"""


def test_parse_stats_reads_numbers_and_times_without_evaluating() -> None:
    stats = crawl_speed.parse_stats(STATS)

    assert stats["downloader/response_count"] == 33  # the first line starts with the dict's brace
    assert stats["elapsed_time_seconds"] == 2.5
    assert stats["start_time"] == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert (stats["finish_time"] - stats["start_time"]).total_seconds() == 2.5
    assert stats["z/last_count"] == 7
    assert "items_per_minute" not in stats


def test_max_backlog_reads_the_logstats_lines() -> None:
    log = ("2025-01-02 03:04:05 [scrapy.extensions.logstats] INFO: Crawled 10 pages (at 600 pages/min), "
           "scraped 4 items (at 240 items/min)\n"
           "2025-01-02 03:04:06 [scrapy.extensions.logstats] INFO: Crawled 12 pages (at 120 pages/min), "
           "scraped 11 items (at 420 items/min)\n")

    assert crawl_speed.max_backlog(log) == 6


def test_main_crawls_a_small_site_with_cleaning_on_and_off(capsys: pytest.CaptureFixture[str],
                                                          tmp_path: Path) -> None:
    out = tmp_path / "crawl-speed.json"

    assert crawl_speed.main(["--pages", str(PAGES), "--json", str(out)]) == 0

    printed = capsys.readouterr().out
    rows = [line for line in printed.splitlines() if line.startswith("| cleaning ")]
    assert [row.split(" | ")[0] for row in rows] == ["| cleaning on", "| cleaning off"]
    assert all(row.split(" | ")[1:3] == [str(PAGES), str(PAGES)] for row in rows)
    assert "- Check: OK" in printed
    assert f"`python -m benchmarks.crawl_speed --pages {PAGES} --workers 0 --json {out}`" in printed

    figures = json.loads(out.read_text(encoding="utf-8"))
    on, off = figures["runs"]
    assert on["name"] == "cleaning on" and off["name"] == "cleaning off"
    assert on["items_written"] == PAGES and on["outcomes"] == {"article": PAGES}
    assert off["pages_fetched"] == PAGES
    assert figures["check_failures"] == []
