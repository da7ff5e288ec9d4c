"""The cleaning-speed benchmark times both extractors on every page and reports mean and median ratios."""

from __future__ import annotations

import statistics

from benchmarks import clean_speed
from tests.conftest import fixture_body


def test_every_page_is_timed_for_both_and_a_page_keeps_its_lowest_time():
    pages = [(fixture_body(name), f"https://example.com/{name}") for name in ("wcxb-0031", "seed-plain")]
    best = clean_speed.measure(pages, rounds=2)
    assert set(best) == {"newsclean", "trafilatura"}
    assert all(len(times) == 2 and all(0 < t < 60_000 for t in times) for times in best.values())


def test_report_gives_both_ratios():
    text = clean_speed.report({"newsclean": [10.0, 30.0, 20.0], "trafilatura": [20.0, 20.0, 40.0]})
    mean_ratio = statistics.fmean([10, 30, 20]) / statistics.fmean([20, 20, 40])
    assert f"{mean_ratio:.2f}x by mean, 1.00x by median; median per-page ratio 0.50x" in text
    assert "| newsclean | 3 | 20.0 | 20.0 |" in text
