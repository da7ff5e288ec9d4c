"""Could a reading from the one parse stand in for trafilatura's quick extraction where a model is
confident? ``python -m benchmarks.container_reading [--thresholds 0.7,0.8,0.9] [--sample N]``.

Issue 13's part 4 asks for cleaning at or under ``trafilatura.extract``'s CPU, and suggests a
reading over the one lxml parse that stands in for trafilatura's where it is confident.
trafilatura's extraction is over half of the cleaner's CPU; the container reading here costs a
tenth of it. This command measures, before anything ships, what such a stand-in would give and
cost.

- **The container reading** (``container_reading``): each paragraph of 25 characters or more
  credits its text to its parent, and half of it to its grandparent (readability's way of scoring
  containers, without its class weights); the best-scored element is the container, widened to its
  parent while that holds 10% more paragraph text (a story told in sibling blocks). Its lines are
  the text of its innermost blocks (paragraphs, headings, list items, quotes, cells...), less those
  mostly link text.
- **The gate**: trees (scikit-learn's gradient boosting, seeded) over what the reading saw (its
  container's score, share of the page's paragraph text, link share, lines, how far it was widened,
  story words in its class or id) predict whether the reading agrees with the cleaner's own first
  reading of the page (trafilatura's quick extraction, and the slower readings it escalates to; word
  F1 of 0.98 or more between the two). The label needs no hand-checked
  truth, so every development page that reaches the extraction is an example, articles and not.
  Each page's gate probability is out of fold: 5 folds grouped by site.
- **End to end**: the cleaner is run again on every development page with its quick extraction
  replaced by the container reading wherever the page's out-of-fold probability is at or over a
  threshold, and scored as ``benchmarks.quality`` scores it (word F1 per set, articles kept,
  non-articles declined), each page's CPU measured interleaved with ``trafilatura.extract``, as
  ``benchmarks.clean_speed`` does (one round). The cleaner as it ships is the first row.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import attrs
import trafilatura
from lxml.html import HtmlElement

import cleaners.pipeline as pipeline
from benchmarks.quality import default_data_dir, load_truth, read_html, select
from benchmarks.scoring import page_word_score
from cleaners import CleaningError, clean_html
from cleaners.normalize import collapse_whitespace

SETS = ("aeb", "wcxb-dev", "wcxb-dev-other")
ARTICLE_SETS = ("aeb", "wcxb-dev")
FOLDS = 5
SEED = 0
AGREEMENT = 0.98
"""Word F1 between the two readings at and above which they agree."""
_MIN_PARAGRAPH = 25
_WIDENING = 1.1
_LINK_SHARE = 0.5
_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "figcaption", "td", "th")
_STORY_WORDS = ("article", "content", "body", "entry", "post", "story", "text", "main")
FEATURE_NAMES = ("container_score", "paragraph_characters", "paragraphs", "container_characters", "widenings",
                 "best_share", "container_share", "link_share", "lines", "visible", "reading_share",
                 "article_or_main", *(f"class_{word}" for word in _STORY_WORDS))


def _length(element: HtmlElement) -> int:
    return len(collapse_whitespace(element.text_content()))


def container_reading(tree: HtmlElement, visible: int) -> tuple[list[str], tuple[float, ...]]:
    """The container's lines and what the gate reads (``FEATURE_NAMES``); no lines when the page
    has no paragraph long enough to score."""
    body = tree.find("body")
    score: dict[HtmlElement, float] = defaultdict(float)
    below: dict[HtmlElement, float] = defaultdict(float)
    total = paragraphs = 0
    for paragraph in body.iter("p") if body is not None else ():
        length = _length(paragraph)
        parent = paragraph.getparent()
        if length < _MIN_PARAGRAPH or parent is None:
            continue
        total += length
        paragraphs += 1
        score[parent] += length
        if (grandparent := parent.getparent()) is not None:
            score[grandparent] += length / 2
        for ancestor in paragraph.iterancestors():
            below[ancestor] += length
    if not score:
        return [], (0.0,) * len(FEATURE_NAMES)
    best = container = max(score, key=score.__getitem__)
    widenings = 0
    while (parent := container.getparent()) is not None and parent.tag not in ("body", "html") \
            and below[parent] >= _WIDENING * below[container]:
        container, widenings = parent, widenings + 1
    lines: list[str] = []
    characters = link_characters = 0
    for block in container.iter(_BLOCKS):
        if next(block.iterdescendants(_BLOCKS), None) is not None:
            continue
        if not (text := collapse_whitespace(block.text_content())):
            continue
        links = min(len(text), sum(_length(link) for link in block.iter("a")))
        characters, link_characters = characters + len(text), link_characters + links
        if links <= _LINK_SHARE * len(text):
            lines.append(text)
    named = f"{container.get('class', '')} {container.get('id', '')}".lower()
    features = (score[best], total, paragraphs, below[container], widenings, below[best] / total,
                below[container] / total, link_characters / characters if characters else 0.0, len(lines),
                visible, sum(map(len, lines)) / visible if visible else 0.0,
                float(container.tag in ("article", "main")), *(float(word in named) for word in _STORY_WORDS))
    return lines, tuple(float(value) for value in features)


@attrs.frozen
class Page:
    set_name: str
    page_id: str
    url: str
    html: bytes
    truth: str

    @property
    def site(self) -> str:
        return (urlsplit(self.url).hostname or "").removeprefix("www.")


@attrs.frozen
class Observation:
    """Two readings of the tree the cleaner hands its extraction on one page: its first reading
    (trafilatura's quick extraction, and the slower readings it escalates to) and the container's."""

    page: Page
    quick: list[str]
    container: list[str]
    features: tuple[float, ...]

    @property
    def agrees(self) -> bool:
        return page_word_score("\n".join(self.container), "\n".join(self.quick)).f1 >= AGREEMENT


class _Observed(Exception):
    """Ends a cleaning once its extraction's input has been read twice: nothing after it is needed."""

    def __init__(self, observation: Observation) -> None:
        super().__init__()
        self.observation = observation


def observe(page: Page) -> Observation | None:
    """Both readings of the tree the cleaner hands its quick extraction (None: it never got there,
    the page having no body text)."""
    original = pipeline.extract_paragraphs

    def reading_twice(tree: HtmlElement, url: str | None, options: Any, *, visible: int | None = None,
                      **_: Any) -> tuple[list[str], bool]:
        container, features = container_reading(tree, visible or 0)
        quick, _ = original(tree, url, options, visible=visible)
        raise _Observed(Observation(page, quick, container, features))

    try:
        with mock.patch.object(pipeline, "extract_paragraphs", reading_twice), contextlib.suppress(CleaningError):
            clean_html(page.html, url=page.url)
    except _Observed as observed:
        return observed.observation
    return None


def out_of_fold(observations: Sequence[Observation]) -> list[float]:
    """Each page's probability that the two readings agree, from a gate fitted without its site."""
    import numpy as np
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.model_selection import GroupKFold

    inputs = np.array([o.features for o in observations])
    labels = np.array([int(o.agrees) for o in observations])
    sites = [o.page.site for o in observations]
    probabilities = np.zeros(len(observations))
    for fitting, held_out in GroupKFold(n_splits=FOLDS).split(inputs, labels, sites):
        gate = GradientBoostingClassifier(n_estimators=200, learning_rate=0.05, max_depth=3, random_state=SEED)
        gate.fit(inputs[fitting], labels[fitting])
        probabilities[held_out] = gate.predict_proba(inputs[held_out])[:, 1]
    return [float(p) for p in probabilities]


@attrs.frozen
class Outcome:
    """One run of the cleaner over the pages: per page, the body (None: declined) and CPU."""

    bodies: list[str | None]
    cleaner_cpu: list[float]
    trafilatura_cpu: list[float]


def run(pages: Sequence[Page], gated: set[str] | None) -> Outcome:
    """The cleaner on every page, its quick extraction replaced by the container's lines on the
    pages in ``gated`` (by page id), interleaved page by page with ``trafilatura.extract``."""
    original = pipeline.extract_paragraphs
    gated_page = [False]  # whether the page being cleaned is gated

    def standing_in(tree: HtmlElement, url: str | None, options: Any, *, visible: int | None = None,
                    thorough: bool = False, before_slower: Any = None) -> tuple[list[str], bool]:
        if not thorough and gated_page[0]:
            lines, _ = container_reading(tree, visible or 0)
            if lines:
                return lines, False
        return original(tree, url, options, visible=visible, thorough=thorough, before_slower=before_slower)

    bodies: list[str | None] = []
    ours: list[float] = []
    theirs: list[float] = []
    with mock.patch.object(pipeline, "extract_paragraphs", standing_in):
        for page in pages:
            gated_page[0] = gated is not None and f"{page.set_name}/{page.page_id}" in gated
            start = time.process_time()
            try:
                bodies.append(clean_html(page.html, url=page.url).articleBody or "")
            except CleaningError:
                bodies.append(None)
            ours.append(time.process_time() - start)
            start = time.process_time()
            trafilatura.extract(page.html, url=page.url)
            theirs.append(time.process_time() - start)
    return Outcome(bodies, ours, theirs)


def summary(pages: Sequence[Page], outcome: Outcome) -> dict[str, float]:
    """Word F1 per article set (a declined article scores 0), articles kept, non-articles declined,
    and CPU against trafilatura by mean and by median of the per-page sums."""
    figures: dict[str, float] = {}
    for set_name in ARTICLE_SETS:
        scores = [page_word_score(body or "", page.truth).f1
                  for page, body in zip(pages, outcome.bodies, strict=True) if page.set_name == set_name]
        figures[f"{set_name} word F1"] = statistics.fmean(scores) if scores else 0.0
    articles = [body is not None for page, body in zip(pages, outcome.bodies, strict=True)
                if page.set_name in ARTICLE_SETS]
    others = [body is None for page, body in zip(pages, outcome.bodies, strict=True)
              if page.set_name not in ARTICLE_SETS]
    figures["articles kept"] = statistics.fmean(articles) if articles else 0.0
    figures["non-articles declined"] = statistics.fmean(others) if others else 0.0
    figures["CPU by mean"] = sum(outcome.cleaner_cpu) / sum(outcome.trafilatura_cpu)
    figures["CPU by median"] = statistics.median(outcome.cleaner_cpu) / statistics.median(outcome.trafilatura_cpu)
    return figures


def load_pages(sample: int | None) -> list[Page]:
    data_dir = default_data_dir()
    pages = []
    for set_name in SETS:
        for row in select(load_truth(data_dir / set_name), sample, None):
            pages.append(Page(set_name, row.id, row.url, read_html(data_dir / set_name, row.id), row.body))
    return pages


def report(rows: Sequence[tuple[str, float | None, float | None, dict[str, float]]]) -> str:
    names = list(rows[0][3])
    lines = ["| stand-in | gated pages | gated pages that agree | " + " | ".join(names) + " |",
             "|---|---:|---:|" + "---:|" * len(names)]
    for label, gated, agreeing, figures in rows:
        values = " | ".join(f"{figures[name]:.3f}" if "CPU" not in name else f"{figures[name]:.2f}x" for name in names)
        shares = " | ".join("" if share is None else f"{share:.3f}" for share in (gated, agreeing))
        lines.append(f"| {label} | {shares} | {values} |")
    return "\n".join(lines)


def _thresholds(text: str) -> list[float]:
    values = [float(value) for value in text.split(",") if value.strip()]
    if not values or any(not 0.0 < value < 1.0 for value in values):
        raise argparse.ArgumentTypeError(f"thresholds must be between 0 and 1, comma-separated: {text!r}")
    return values


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.container_reading", description=__doc__.split("\n")[0])
    parser.add_argument("--thresholds", type=_thresholds, default=[0.7, 0.8, 0.9],
                        help="gate probabilities to try, comma-separated (default 0.7,0.8,0.9)")
    parser.add_argument("--sample", type=int, default=None, help="every Nth page of each set (default: all)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    pages = load_pages(args.sample)
    observations = [o for o in map(observe, pages) if o is not None]
    run(pages[:5], None)  # warm-up: imports, compiled patterns, lazily built tables, on both sides
    probabilities = out_of_fold(observations)
    print(f"observed {len(observations)} of {len(pages)} pages; the readings agree on "
          f"{statistics.fmean(o.agrees for o in observations):.3f}", file=sys.stderr)
    rows = [("none (the cleaner as it ships)", None, None, summary(pages, run(pages, None)))]
    for threshold in args.thresholds:
        chosen = [(o, p) for o, p in zip(observations, probabilities, strict=True) if p >= threshold]
        gated = {f"{o.page.set_name}/{o.page.page_id}" for o, _ in chosen}
        agreeing = statistics.fmean(o.agrees for o, _ in chosen) if chosen else 0.0
        rows.append((f"gate at {threshold:.2f}", len(chosen) / len(observations), agreeing,
                     summary(pages, run(pages, gated))))
    print(report(rows))
    print(f"\n{len(pages)} pages, {time.monotonic() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
