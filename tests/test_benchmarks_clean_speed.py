"""The cleaning-speed benchmark times both extractors on every page and reports mean and median ratios."""

from __future__ import annotations

import statistics

import cleaners.body.extract as body_extract
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


def test_pages_are_grouped_by_the_slower_readings_the_cleaner_took():
    loose = ("<html><body><div><div><h2>Harbour works</h2>"
             + "".join(f"<div><p>{' '.join(['The council met to discuss the harbour works.'] * 6)} Part {n}.</p></div>"
                       for n in range(3)) + "</div></div></body></html>").encode()
    pages = [(fixture_body("seed-aggregator"), "https://example.com/a"), (loose, "https://example.com/b"),
             (fixture_body("wcxb-0073"), "https://example.com/c")]
    taken = clean_speed.readings_taken(pages)
    assert taken == [frozenset(), frozenset({clean_speed.RECALL}), frozenset({clean_speed.READABILITY})]
    assert body_extract._extract.__name__ == "_extract"  # the spies are gone
    text = clean_speed.report_by_path({"newsclean": [10.0, 40.0], "trafilatura": [10.0, 20.0]},
                                      [frozenset(), frozenset({clean_speed.RECALL})])
    assert "| recall mode | 1 | 40.0 | 20.0 | 2.00x | 100% |" in text
    assert "| none (the quick reading) | 1 | 10.0 | 10.0 | 1.00x | 0% |" in text


def test_each_stage_of_clean_is_timed_none_twice_and_the_spies_are_gone():
    """A page that takes readability's second opinion (wcxb-0073) and a plain one: the stages'
    times add up to no more than the whole call, trafilatura's extraction and readability's reading
    are among them, and the cleaner's functions are its own again after the pass."""
    import cleaners.pipeline as pipeline

    pages = [(fixture_body("wcxb-0073"), "https://example.com/c"), (fixture_body("seed-plain"), "https://example.com/d")]
    times = clean_speed.stage_times(pages)
    assert set(times) == {*clean_speed.STAGES, "total", "trafilatura"}
    assert times["trafilatura"] > 0
    stages = sum(ms for name, ms in times.items() if name not in ("total", "trafilatura"))
    assert 0 < stages <= times["total"]
    for stage in ("the parse", "trafilatura's extraction", "readability's reading", "article model: page features"):
        assert times[stage] > 0, stage
    assert pipeline.parse_html.__name__ == "parse_html" and body_extract._extract.__name__ == "_extract"
    assert body_extract.readability_paragraphs is pipeline.readability_paragraphs


def test_the_stage_report_puts_the_largest_first_and_prices_each_against_trafilatura():
    text = clean_speed.report_stages({"the parse": 2.0, "trafilatura's extraction": 10.0, "total": 15.0,
                                      "trafilatura": 20.0})
    rows = text.splitlines()[2:6]
    assert rows == ["| trafilatura's extraction | 10.00 | 50.0% |", "| the parse | 2.00 | 10.0% |",
                    "| the rest (the flow, the record) | 3.00 | 15.0% |",
                    "| all of clean() | 15.00 | 75.0% |"]
    assert "trafilatura.extract (20.00 ms a page in this pass)" in text
