"""The crawl-growth benchmark: distinct pages, every one an article, and the quarter arithmetic.

No figure is asserted (they depend on the machine); what must hold is that the generated pages are
distinct articles with the site's shared chrome, and that a small crawl writes every one.
"""

from __future__ import annotations

from benchmarks import crawl_growth
from cleaners import clean_html


def test_pages_are_distinct_articles_sharing_the_site_promo():
    first, second = (clean_html(crawl_growth.article_page("http://g.example", n), url=f"http://g.example/a/{n}.html")
                     for n in (1, 2))
    assert first.articleBody != second.articleBody
    assert first.headline.endswith("(1)")
    assert crawl_growth.PROMO in first.articleBody, "the promo is site boilerplate for the learner to find"


def test_quarters_cut_cpu_per_page_at_pages_served():
    samples = [crawl_growth.Sample(float(s), served, cpu, rss, 50, site_cpu=cpu / 2, workers_cpu=cpu * 3)
               for s, (served, cpu, rss) in enumerate([(0, 0.0, 100), (25, 1.0, 110), (50, 2.0, 111), (75, 3.0, 111),
                                                        (100, 5.0, 112)])]
    cut = crawl_growth.quarters(samples, 100)
    assert [q.pages for q in cut] == [25, 25, 25, 25]
    assert [round(q.cpu_ms_per_page) for q in cut] == [40, 40, 40, 80]
    assert [round(q.site_cpu_ms_per_page) for q in cut] == [20, 20, 20, 40]
    assert [round(q.workers_cpu_ms_per_page) for q in cut] == [120, 120, 120, 240]


def test_a_small_crawl_writes_every_page(tmp_path):
    result = crawl_growth.run(300, tmp_path)
    assert result["exit"] == 0
    assert result["articles"] == 300
    assert len(result["quarters"]) == 4
