"""The benchmark's metrics on tiny hand-made texts, and one small end-to-end run of the harness.

Expected values are worked out by hand in the comments, so a change to the scoring that
would move published-comparable figures shows up here first.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import quality, scoring
from benchmarks.extractors import EXTRACTORS, html_to_text
from benchmarks.scoring import PageShingleScore, WordScore

# --- tokens and shingles ------------------------------------------------------------------


def test_tokens_are_unicode_word_runs_with_case_kept() -> None:
    assert scoring.tokens("Hello, wörld! 42_x — Ünïcode") == ["Hello", "wörld", "42_x", "Ünïcode"]


def test_shingles_are_a_multiset_of_four_grams() -> None:
    # "a b c d a b c d": abcd, bcda, cdab, dabc, abcd -> abcd twice.
    assert scoring.shingles(scoring.tokens("a b c d a b c d")) == {
        ("a", "b", "c", "d"): 2, ("b", "c", "d", "a"): 1, ("c", "d", "a", "b"): 1, ("d", "a", "b", "c"): 1,
    }


def test_short_text_is_one_shorter_shingle_and_empty_text_none() -> None:
    assert scoring.shingles(["a", "b"]) == {("a", "b"): 1}
    assert scoring.shingles([]) == {}


# --- AEB shingle score, per page ------------------------------------------------------------


def test_page_shingle_score_counts_overlap() -> None:
    # predicted abcd bcde cdef; truth abcd bcde cdex dexy -> TP 2, FP 1, FN 2.
    score = scoring.page_shingle_score("a b c d e f", "a b c d e x y")
    assert score == PageShingleScore(precision=pytest.approx(2 / 3), recall=0.5)


def test_page_shingle_score_counts_repeats_once_each() -> None:
    # predicted abcd x2 + 3 others (5); truth abcd x1 -> TP 1, FP 4, FN 0.
    score = scoring.page_shingle_score("a b c d a b c d", "a b c d")
    assert score == PageShingleScore(precision=0.2, recall=1.0)


def test_page_shingle_score_keeps_case() -> None:
    assert scoring.page_shingle_score("The cat sat down", "the cat sat down") == PageShingleScore(0.0, 0.0)


def test_punctuation_and_spacing_do_not_matter_to_shingles() -> None:
    assert scoring.page_shingle_score("a, b.\n\nc d!", "a b c d") == PageShingleScore(1.0, 1.0)


def test_empty_prediction_is_left_out_of_precision_but_scores_zero_recall() -> None:
    assert scoring.page_shingle_score("", "a b") == PageShingleScore(precision=None, recall=0.0)
    assert scoring.page_shingle_score(" ... ", "a b") == PageShingleScore(precision=None, recall=0.0)


def test_empty_against_empty_is_a_perfect_page() -> None:
    assert scoring.page_shingle_score("", "") == PageShingleScore(1.0, 1.0)


def test_prediction_of_an_empty_truth_scores_zero() -> None:
    assert scoring.page_shingle_score("x", "") == PageShingleScore(0.0, 0.0)


# --- AEB shingle score, over pages ----------------------------------------------------------


def test_shingle_score_is_f1_of_the_means() -> None:
    # P mean over the two pages with a precision: (0.5 + 1.0) / 2 = 0.75;
    # R mean over all three: (1.0 + 0.0 + 0.5) / 3 = 0.5; F1 = 2 * 0.75 * 0.5 / 1.25 = 0.6.
    pages = [PageShingleScore(0.5, 1.0), PageShingleScore(None, 0.0), PageShingleScore(1.0, 0.5)]
    score = scoring.shingle_score(pages)
    assert (score.precision, score.recall, score.f1) == (0.75, 0.5, pytest.approx(0.6))
    assert (score.pages, score.precision_pages) == (3, 2)


def test_shingle_score_of_no_pages_is_zero() -> None:
    score = scoring.shingle_score([])
    assert (score.precision, score.recall, score.f1, score.pages) == (0.0, 0.0, 0.0, 0)


# --- WCXB word F1 ---------------------------------------------------------------------------


def test_word_bag_is_lowercased_with_counts() -> None:
    assert scoring.word_bag("The cat, THE end") == {"the": 2, "cat": 1, "end": 1}


def test_page_word_score() -> None:
    # predicted {the: 2, cat: 1}, truth {the: 1, dog: 1}: TP 1, P 1/3, R 1/2, F1 = (1/3) / (5/6) = 0.4.
    score = scoring.page_word_score("The cat the", "the dog")
    assert score == WordScore(precision=pytest.approx(1 / 3), recall=0.5, f1=pytest.approx(0.4))


def test_page_word_score_empty_sides() -> None:
    assert scoring.page_word_score("", "words here") == WordScore(0.0, 0.0, 0.0)
    assert scoring.page_word_score("", "") == WordScore(1.0, 1.0, 1.0)
    assert scoring.page_word_score("noise", "") == WordScore(0.0, 0.0, 0.0)


def test_word_score_averages_per_page_f1() -> None:
    # F1 (1.0 + 0.4) / 2 = 0.7; P (1 + 1/3) / 2 = 2/3; R (1 + 0.5) / 2 = 0.75.
    score = scoring.word_score([WordScore(1.0, 1.0, 1.0), WordScore(1 / 3, 0.5, 0.4)])
    assert score == WordScore(precision=pytest.approx(2 / 3), recall=0.75, f1=pytest.approx(0.7))


# --- metadata -------------------------------------------------------------------------------


def test_normalise_name() -> None:
    normalised = scoring.normalise_name("  Breaking: Fed Raises Rates — Again!  ")
    assert normalised == "breaking fed raises rates again"
    assert scoring.normalise_name(None) == ""


def test_headline_matches_after_normalising() -> None:
    assert scoring.headline_matches("Fed raises rates -- again", "Fed Raises Rates: Again")
    assert not scoring.headline_matches("Fed raises rates | The Paper", "Fed raises rates")
    assert not scoring.headline_matches(None, "Fed raises rates")


def test_date_matches_on_the_day() -> None:
    assert scoring.date_matches("2025-09-04T12:50:36+00:00", "2025-09-04")
    assert not scoring.date_matches("2025-09-05", "2025-09-04")
    assert not scoring.date_matches(None, "2025-09-04")
    assert not scoring.date_matches("", "2025-09-04")


def test_authors_match_as_sets_of_normalised_names() -> None:
    assert scoring.authors_match(["Jane Doe", "JOHN  smith."], ["john smith", "Jane Doe", "jane doe"])
    assert not scoring.authors_match([], ["Jane Doe"])
    assert not scoring.authors_match(["Dylan Bailey", "MS"], ["Dylan Bailey, MS"])
    assert scoring.authors_match(["", " - "], [])


def test_accuracy() -> None:
    result = scoring.accuracy([True, False, True, True])
    assert (result.correct, result.total, result.value) == (3, 4, 0.75)
    assert scoring.accuracy([]).value == 0.0


# --- harness pieces -------------------------------------------------------------------------


def _rows(count: int) -> list[quality.TruthRow]:
    return [quality.TruthRow(id=str(i), url=f"https://example.com/{i}", body="") for i in range(count)]


def test_sample_takes_every_kth_page_and_limit_the_first() -> None:
    # 181 pages, about 2 wanted: step ceil(181 / 2) = 91 -> pages 0 and 91.
    assert [row.id for row in quality.select(_rows(181), sample=2, limit=None)] == ["0", "91"]
    assert [row.id for row in quality.select(_rows(10), sample=20, limit=3)] == ["0", "1", "2"]
    assert len(quality.select(_rows(10), sample=None, limit=None)) == 10


def test_truth_row_expects_only_non_empty_fields() -> None:
    row = quality.TruthRow(id="1", url="u", body="", headline="A title", authors=(" ",), date="")
    assert row.expects(quality.Field.HEADLINE)
    assert not row.expects(quality.Field.AUTHORS)
    assert not row.expects(quality.Field.DATE)


def test_html_to_text_keeps_blocks_apart() -> None:
    markup = "<div><p>end</p><p>start<br>next <b>bold</b>word</p><ul><li>a</li><li>b</li></ul></div>"
    assert html_to_text(markup) == "end\nstart\nnext boldword\na\nb"
    assert html_to_text("   ") == ""


# --- end to end -----------------------------------------------------------------------------


def test_main_prints_a_row_per_extractor(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "quality.json"

    assert quality.main(["--sample", "2", "--json", str(out)]) == 0

    lines = capsys.readouterr().out.splitlines()
    header = lines[0]
    for column in ("aeb shingle F1", "wcxb-dev word F1", "wcxb-dev shingle F1", "wcxb-dev headline acc",
                   "wcxb-dev date acc", "wcxb-dev authors acc", "CPU ms/page", "× trafilatura"):
        assert column in header
    rows = [line for line in lines[2:] if line.startswith("| ")]
    assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == list(EXTRACTORS)
    assert all(row.count("|") == header.count("|") for row in rows)
    assert "- Pages: aeb 2, wcxb-dev 2." in lines[-1]

    figures = json.loads(out.read_text(encoding="utf-8"))
    assert list(figures["extractors"]) == list(EXTRACTORS)
    assert figures["extractors"]["trafilatura"]["speed_ratio_vs_trafilatura"] == 1.0
    assert figures["extractors"]["newsclean"]["sets"]["aeb"]["pages"] == 2
    assert len(figures["pages"]["wcxb-dev"]["newsclean"]) == 2


# --- the cross-validated table ------------------------------------------------------------


def test_the_cross_validated_table_prices_declined_articles_at_zero_and_also_shows_the_kept_ones_alone() -> None:
    """Two articles per set, one declined: the word F1 averages 0.9 and 0 (0.45), the F1 where kept
    is the kept page's 0.9, and detection counts one article declined in four and one other page in two."""
    from benchmarks.cross_validation import render

    kept, declined = WordScore(precision=0.9, recall=0.9, f1=0.9), WordScore(precision=0.0, recall=0.0, f1=0.0)
    shingles = scoring.shingle_score([PageShingleScore(precision=0.9, recall=0.9)])
    per_set = {"word": scoring.word_score([kept, declined]), "word_kept": scoring.word_score([kept]),
               "shingle": shingles, "pages": 2, "declined": 1}
    table = render({"newsclean": {"aeb": per_set, "wcxb-dev": per_set, "others": {"pages": 2, "declined": 1}}})
    header, _, row = table.splitlines()[:3]
    cells = dict(zip(header.strip("| ").split(" | "), row.strip("| ").split(" | "), strict=True))
    assert cells["aeb word F1"] == cells["wcxb-dev word F1"] == "0.450"
    assert cells["aeb word F1 where kept"] == cells["wcxb-dev word F1 where kept"] == "0.900"
    assert cells["articles kept"] == "0.500"
    assert cells["non-articles declined"] == "0.500"


def test_the_news_models_cross_validated_table_counts_only_the_news_stories_as_articles() -> None:
    """With the news model, a declined wcxb-dev page still scores nothing in its set's columns, but
    'articles kept' counts aeb's pages alone, which the news model is fitted to keep."""
    from benchmarks.cross_validation import render

    page = WordScore(precision=1.0, recall=1.0, f1=1.0)
    shingles = scoring.shingle_score([PageShingleScore(precision=1.0, recall=1.0)])
    stories = {"word": scoring.word_score([page, page]), "word_kept": scoring.word_score([page, page]),
               "shingle": shingles, "pages": 2, "declined": 0}
    guides = {**stories, "word": scoring.word_score([page, WordScore(0.0, 0.0, 0.0)]), "declined": 1}
    results = {"newsclean": {"aeb": stories, "wcxb-dev": guides, "others": {"pages": 4, "declined": 3}}}
    for kind, kept in (("news", "1.000"), ("general", "0.750")):
        header, _, row = render(results, kind).splitlines()[:3]
        cells = dict(zip(header.strip("| ").split(" | "), row.strip("| ").split(" | "), strict=True))
        assert (cells["articles kept"], cells["wcxb-dev word F1"]) == (kept, "0.500")
        assert (cells["aeb kept"], cells["wcxb-dev kept"]) == ("1.000", "0.500")
    assert "with the news article model fitted without it" in render(results, "news")


def test_each_fold_of_the_news_model_is_fitted_without_the_pages_it_does_not_call_articles(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Three sets as the development data lays them out: news stories, other articles built like the
    non-articles (guides, directories), and non-articles. Fitted as the news model, on the same
    site folds as the general one, each fold keeps the held-out news stories and declines the
    guides: they were not articles in its fitting."""
    import numpy as np

    from benchmarks import train_article_model
    from benchmarks.cross_validation import fold_models
    from benchmarks.train_article_model import Example
    from cleaners.body.article_model import FEATURE_NAMES, ArticleFeatures

    monkeypatch.setattr(train_article_model, "THRESHOLD_REPEATS", 1)  # one inner run per fold: a quicker test
    rng = np.random.default_rng(3)

    def page(set_name: str, number: int, kind: str, shift: float) -> Example:
        values = rng.normal(size=len(FEATURE_NAMES))
        values[0] += shift
        words = frozenset(w for w in ("post", "entry", "card") if rng.random() < 0.5)
        return Example(set_name, str(number), f"site{number % 25}.example", kind, tuple(map(float, values)), words)

    examples = ([page("aeb", n, "article", 3) for n in range(60)]
                + [page("wcxb-dev", n, "article", -3) for n in range(60, 120)]
                + [page("wcxb-dev-other", n, "listing", -3) for n in range(120, 240)])
    fold_of, models = fold_models(examples, "news")

    def kept(set_name: str) -> int:
        return sum(models[fold].score(ArticleFeatures(e.features, e.markup_words)) >= models[fold].threshold
                   for e, fold in zip(examples, fold_of, strict=True) if e.set_name == set_name)

    assert kept("aeb") >= 58
    assert kept("wcxb-dev") <= 20 and kept("wcxb-dev-other") <= 40
    sites_by_fold = {fold: {e.site for e, f in zip(examples, fold_of, strict=True) if f == fold} for fold in range(5)}
    assert all(a.isdisjoint(b) for a in sites_by_fold.values() for b in sites_by_fold.values() if a is not b)


def test_the_article_model_option_is_refused_without_cross_validation(capsys: pytest.CaptureFixture[str]) -> None:
    """The shipped cleaner is scored as it ships; the option picks what each fold fits."""
    with pytest.raises(SystemExit) as exit_info:
        quality.parse_args(["--article-model", "news"])
    assert exit_info.value.code == 2
    assert "--article-model is for --cv" in capsys.readouterr().err
    assert quality.parse_args(["--cv", "--article-model", "news"]).article_model == "news"
