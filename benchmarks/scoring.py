"""The metrics of ``../shared/benchmarks/README.md``, as pure functions of text.

Kept apart from the runner so every rule of the published scoring (tokens, shingles, which
pages enter which mean) can be unit-tested on hand-made strings; a figure we print must be
comparable with the figures the field publishes, so these follow the README to the letter.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import fmean

SHINGLE_SIZE = 4

_TOKEN = re.compile(r"\w+")
_NON_WORD = re.compile(r"\W+")


def tokens(text: str) -> list[str]:
    """Unicode ``\\w+`` runs with case kept: the AEB tokeniser, language-neutral on purpose."""
    return _TOKEN.findall(text)


def shingles(words: Sequence[str], size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """The multiset of ``size``-grams; a text shorter than ``size`` (but not empty) is one shingle.

    Without the short-text rule a two-word prediction of a two-word truth could never match.
    """
    if not words:
        return Counter()
    span = max(1, len(words) - size + 1)
    return Counter(tuple(words[i : i + size]) for i in range(span))


@dataclass(frozen=True)
class Counts:
    """Multiset overlap of a prediction with its truth: true/false positives, false negatives."""

    tp: int
    fp: int
    fn: int


def overlap(predicted: Counter, truth: Counter) -> Counts:
    """TP = size of the multiset intersection; FP and FN are what is left on each side."""
    tp = sum((predicted & truth).values())
    return Counts(tp=tp, fp=predicted.total() - tp, fn=truth.total() - tp)


@dataclass(frozen=True)
class PageShingleScore:
    """One page's shingle precision (``None`` when it must stay out of the mean) and recall."""

    precision: float | None
    recall: float


def page_shingle_score(predicted: str, truth: str) -> PageShingleScore:
    """Score one page by the AEB rules.

    A prediction with no tokens has no precision to speak of, so it is left out of the
    precision mean; it still costs full recall. A page with nothing missed and nothing extra
    (FP = FN = 0, including empty against empty) scores 1 for both. A 0/0 ratio otherwise
    (a non-empty prediction of an empty truth has TP + FN = 0) scores 0: it is all noise.
    """
    predicted_words = tokens(predicted)
    counts = overlap(shingles(predicted_words), shingles(tokens(truth)))
    if counts.fp == counts.fn == 0:
        return PageShingleScore(precision=1.0, recall=1.0)
    if not predicted_words:
        return PageShingleScore(precision=None, recall=0.0)
    return PageShingleScore(
        precision=_ratio(counts.tp, counts.tp + counts.fp),
        recall=_ratio(counts.tp, counts.tp + counts.fn),
    )


@dataclass(frozen=True)
class ShingleScore:
    """Means over pages, and F1 of the two means (not the mean of per-page F1s), as AEB does."""

    precision: float
    recall: float
    f1: float
    pages: int
    precision_pages: int
    """How many pages entered the precision mean (those whose prediction had tokens)."""


def shingle_score(pages: Iterable[PageShingleScore]) -> ShingleScore:
    """Average per-page scores; an empty run scores 0 rather than dividing by zero."""
    scores = list(pages)
    precisions = [s.precision for s in scores if s.precision is not None]
    precision = fmean(precisions) if precisions else 0.0
    recall = fmean(s.recall for s in scores) if scores else 0.0
    return ShingleScore(
        precision=precision,
        recall=recall,
        f1=harmonic_mean(precision, recall),
        pages=len(scores),
        precision_pages=len(precisions),
    )


def word_bag(text: str) -> Counter[str]:
    """Lowercased ``\\w+`` words with their counts: the WCXB unit of comparison."""
    return Counter(word.lower() for word in tokens(text))


@dataclass(frozen=True)
class WordScore:
    """Word-bag precision, recall and F1; per page, or averaged over pages."""

    precision: float
    recall: float
    f1: float


def page_word_score(predicted: str, truth: str) -> WordScore:
    """Per-page bag-of-words P/R/F1; two empty texts agree fully, one empty side scores 0."""
    predicted_bag, truth_bag = word_bag(predicted), word_bag(truth)
    if not predicted_bag and not truth_bag:
        return WordScore(precision=1.0, recall=1.0, f1=1.0)
    counts = overlap(predicted_bag, truth_bag)
    precision = _ratio(counts.tp, counts.tp + counts.fp)
    recall = _ratio(counts.tp, counts.tp + counts.fn)
    return WordScore(precision=precision, recall=recall, f1=harmonic_mean(precision, recall))


def word_score(pages: Iterable[WordScore]) -> WordScore:
    """WCXB averages the per-page F1 (unlike AEB); P and R are averaged alongside for context."""
    scores = list(pages)
    if not scores:
        return WordScore(precision=0.0, recall=0.0, f1=0.0)
    return WordScore(
        precision=fmean(s.precision for s in scores),
        recall=fmean(s.recall for s in scores),
        f1=fmean(s.f1 for s in scores),
    )


def normalise_name(text: str | None) -> str:
    """Lowercase, runs of non-word characters to one space, ends stripped.

    So that punctuation, dashes and spacing differences in a headline or a name do not count
    as a miss.
    """
    return _NON_WORD.sub(" ", (text or "").lower()).strip()


def headline_matches(predicted: str | None, truth: str) -> bool:
    """Headlines agree once both are normalised."""
    return normalise_name(predicted) == normalise_name(truth)


def date_matches(predicted: str | None, truth: str) -> bool:
    """Dates agree on the day (first ten characters): time and zone are out of scope."""
    return bool(predicted) and predicted[:10] == truth[:10]


def author_set(names: Iterable[str]) -> frozenset[str]:
    """Normalised names as a set, blanks dropped: order and duplicates do not matter."""
    return frozenset(filter(None, map(normalise_name, names)))


def authors_match(predicted: Iterable[str], truth: Iterable[str]) -> bool:
    """Author lists agree as sets of normalised names."""
    return author_set(predicted) == author_set(truth)


@dataclass(frozen=True)
class Accuracy:
    """Share of pages right, out of the pages that were scored."""

    correct: int
    total: int

    @property
    def value(self) -> float:
        return _ratio(self.correct, self.total)


def accuracy(matches: Iterable[bool]) -> Accuracy:
    """Count the hits in a sequence of per-page verdicts."""
    verdicts = list(matches)
    return Accuracy(correct=sum(verdicts), total=len(verdicts))


def harmonic_mean(precision: float, recall: float) -> float:
    """F1 = 2PR/(P+R), and 0 when both are 0."""
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0
