"""Train the article-or-not model and judge it by cross-validation grouped by site:
``python -m benchmarks.train_article_model [--write]``.

Pages: ``aeb`` and ``wcxb-dev`` are articles, ``wcxb-dev-other`` is not; for the news model
(``--model news``) the articles are ``aeb``'s news stories alone, and the ``wcxb-dev`` pages (blog
posts, guides, reviews, service pages written as prose) are left out of its fitting and reported
apart. Each page goes through
the shipped cleaner up to its decision (the same code path: a recording decider takes the features
of the first reading that has text); a page with no text at all is declined before any model.

Judged by 5-fold cross-validation grouped by site (no site in both the fitting and the scoring
folds), with the decision threshold chosen inside each fitting part by repeated inner grouped
4-fold runs (the highest threshold that keeps ``KEEP_TARGET`` of its articles over all the runs'
held-out scores: see ``choose_threshold``), so the held-out figures price the threshold's choice
too. The markup words' logistic regression is stacked under the trees the same way: the trees
are fitted on its scores out of an inner grouped 4-fold run, so they learn how far it holds on
sites it has not seen, and it counts only words that ``MARKUP_MIN_SITES`` sites of the fitting
part use (a word of one site's theme is not a rule). The shipped model is then fitted on every
page, its threshold chosen the same way over all pages with repeated 5-fold runs. ``--write``
writes it to its file in ``cleaners/body/`` (``MODEL_FILES``) with its seed, library versions and
figures; without it the command reports, and says whether it reproduces the shipped file.
``--audit N`` also lists the N articles the model finds least article-like and the N other pages
it finds most article-like, each by its mean held-out score: the pages whose labels to check first
when you label pages of your own (and the ones that set the threshold). ``--contested 10,20,40``
judges the model again, by the same cross-validation, without each count of those pages on each
side: how far settling them would take the decision. The pages are picked by the model's own
held-out scores, so each figure is an upper bound on what settling that many labels buys.

Needs scikit-learn (``pip install -e '.[train]'``); the runtime does not.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs

from benchmarks.quality import PROJECT_ROOT, default_data_dir, read_html
from cleaners import CleanOptions, Page, clean
from cleaners.body.article_model import DEFAULT_MODEL, MODEL_FILES, MODEL_INPUTS, ArticleFeatures
from cleaners.errors import CleaningError

SEED = 20261203
KEEP_TARGET = 0.99
FOLDS, INNER_FOLDS = 5, 4
MODEL_DIR = PROJECT_ROOT / "cleaners" / "body"
ARTICLE_SETS = {"general": ("aeb", "wcxb-dev"), "news": ("aeb",)}
"""The sets whose pages each model is fitted to keep (see ``article_model.MODEL_FILES``)."""
PARAMETERS = {"n_estimators": 300, "max_depth": 3, "learning_rate": 0.05, "subsample": 0.8,
              "min_samples_leaf": 5, "init": "zero", "random_state": SEED}
MARKUP_PARAMETERS = {"C": 0.05, "max_iter": 3000}
MARKUP_MIN_SITES = 3
THRESHOLD_REPEATS = 8


@attrs.define
class Recorder:
    """A decider that says "article" and keeps the features of the last reading it was shown: the
    one the cleaner keeps (a page read twice shows its quick reading first)."""

    threshold: float = 0.5
    features: ArticleFeatures | None = None

    def score(self, features: ArticleFeatures) -> float:
        self.features = features
        return 1.0


@attrs.frozen
class Example:
    set_name: str
    page_id: str
    site: str
    kind: str
    """``article``, or the non-article page type (``listing``, ``product``...)."""
    features: tuple[float, ...] | None
    """None: the cleaner found no text at all (declined before any model)."""
    markup_words: frozenset[str] = frozenset()

    @property
    def label(self) -> int:
        return int(self.kind == "article")


def fitted_on(example: Example, kind: str) -> bool:
    """Whether the model of this kind is fitted on the page: every non-article, and the articles of
    its ``ARTICLE_SETS``."""
    return not example.label or example.set_name in ARTICLE_SETS[kind]


def _site(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def load_examples(data_dir: Path) -> list[Example]:
    examples = []
    for set_name in ("aeb", "wcxb-dev", "wcxb-dev-other"):
        set_dir = data_dir / set_name
        with (set_dir / "truth.jsonl").open(encoding="utf-8") as lines:
            rows = [json.loads(line) for line in lines if line.strip()]
        for row in rows:
            recorder = Recorder()
            page = Page(body=read_html(set_dir, row["id"]), url=row["url"], source=row["id"])
            with contextlib.suppress(CleaningError):
                clean(page, CleanOptions(article_decider=recorder, time_limit=None))
            kind = "article" if set_name != "wcxb-dev-other" else str(row.get("pageType") or "other")
            seen = recorder.features
            examples.append(Example(set_name, row["id"], _site(row["url"]), kind, seen.values if seen else None,
                                    seen.markup_words if seen else frozenset()))
        print(f"read {set_name}: {len(rows)} pages", file=sys.stderr)
    return examples


@attrs.frozen
class MarkupModel:
    """The logistic regression over markup words, with the words it counts (in column order)."""

    vocabulary: tuple[str, ...]
    regression: Any

    @classmethod
    def fit(cls, examples: Sequence[Example]) -> MarkupModel:
        from sklearn.linear_model import LogisticRegression

        sites: dict[str, set[str]] = {}
        for example in examples:
            for word in example.markup_words:
                sites.setdefault(word, set()).add(example.site)
        vocabulary = tuple(sorted(word for word, where in sites.items() if len(where) >= MARKUP_MIN_SITES))
        model = cls(vocabulary, LogisticRegression(**MARKUP_PARAMETERS))
        model.regression.fit(model._matrix(examples), [e.label for e in examples])
        return model

    def _matrix(self, examples: Sequence[Example]) -> Any:
        from scipy.sparse import csr_matrix

        column = {word: index for index, word in enumerate(self.vocabulary)}
        rows, columns = [], []
        for row, example in enumerate(examples):
            for word in sorted(example.markup_words & column.keys()):
                rows.append(row)
                columns.append(column[word])
        return csr_matrix(([1.0] * len(rows), (rows, columns)), shape=(len(examples), len(self.vocabulary)))

    def scores(self, examples: Sequence[Example]) -> Any:
        return self.regression.decision_function(self._matrix(examples))


@attrs.frozen
class FittedModel:
    """The trees over ``MODEL_INPUTS`` and the markup model whose score is their last input."""

    trees: Any
    markup: MarkupModel

    def probabilities(self, examples: Sequence[Example]) -> Any:
        return self.trees.predict_proba(_inputs(examples, self.markup.scores(examples)))[:, 1]


def _inputs(examples: Sequence[Example], markup_scores: Any) -> Any:
    import numpy as np

    return np.column_stack([np.array([e.features for e in examples]), markup_scores])


def _fit(examples: Sequence[Example]) -> FittedModel:
    """The markup model on every page given, and the trees on its scores for each page from a
    markup model fitted without that page's site."""
    import numpy as np
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.model_selection import GroupKFold

    markup_scores = np.zeros(len(examples))
    for fit_part, score_part in GroupKFold(n_splits=INNER_FOLDS).split(examples, groups=[e.site for e in examples]):
        inner = MarkupModel.fit([examples[i] for i in fit_part])
        markup_scores[score_part] = inner.scores([examples[i] for i in score_part])
    trees = GradientBoostingClassifier(**PARAMETERS).fit(_inputs(examples, markup_scores), [e.label for e in examples])
    return FittedModel(trees, MarkupModel.fit(examples))


def choose_threshold(examples: Sequence[Example], runs: list[list[float]]) -> float:
    """The highest threshold that keeps ``KEEP_TARGET`` of the articles over the held-out scores of
    every run of ``repeated_out_of_fold``, pooled. One run's quantile rests on the ten or so
    lowest-scoring articles and on which sites happened to share a fold: from one run to the next
    it moved between 0.02 and 0.05."""
    labels = [e.label for e in examples]
    article_scores = sorted(score for scores in runs for score, label in zip(scores, labels, strict=True) if label)
    return article_scores[int(len(article_scores) * (1 - KEEP_TARGET))]


def repeated_out_of_fold(examples: Sequence[Example], folds: int) -> list[list[float]]:
    """Each page's held-out score in each of ``THRESHOLD_REPEATS`` grouped ``folds``-fold runs,
    each dealing the sites into folds anew (seeded, so the same every time); one process per core."""
    from joblib import Parallel, delayed

    runs = Parallel(n_jobs=-1)(delayed(_out_of_fold)(examples, folds, SEED + run) for run in range(THRESHOLD_REPEATS))
    return list(runs)


def _out_of_fold(examples: Sequence[Example], folds: int, seed: int) -> list[float]:
    """Each page's score from a model fitted without its site, the sites dealt into folds by ``seed``."""
    from sklearn.model_selection import GroupKFold

    scores = [0.0] * len(examples)
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for fit_part, score_part in splitter.split(examples, groups=[e.site for e in examples]):
        model = _fit([examples[p] for p in fit_part])
        for position, probability in zip(score_part, model.probabilities([examples[p] for p in score_part]),
                                         strict=True):
            scores[position] = float(probability)
    return scores


def cross_validate(examples: list[Example]) -> dict[str, Any]:
    """Held-out decisions with the threshold chosen inside each fitting part."""
    from sklearn.model_selection import GroupKFold

    kept: dict[int, bool] = {i: False for i, e in enumerate(examples) if e.features is None}
    usable = [i for i, e in enumerate(examples) if e.features is not None]
    groups = [examples[i].site for i in usable]
    thresholds = []
    for fit_part, score_part in GroupKFold(n_splits=FOLDS).split(usable, groups=groups):
        fit_examples = [examples[usable[p]] for p in fit_part]
        threshold = choose_threshold(fit_examples, repeated_out_of_fold(fit_examples, INNER_FOLDS))
        thresholds.append(threshold)
        held_out = _fit(fit_examples).probabilities([examples[usable[p]] for p in score_part])
        for position, probability in zip(score_part, held_out, strict=True):
            kept[usable[position]] = bool(probability >= threshold)
    return _figures(examples, kept) | {"thresholds": thresholds}


def _figures(examples: list[Example], kept: dict[int, bool]) -> dict[str, Any]:
    by_kind: Counter[str] = Counter()
    declined: Counter[str] = Counter()
    for i, example in enumerate(examples):
        key = example.set_name if example.label else example.kind
        by_kind[key] += 1
        declined[key] += not kept[i]
    articles = [i for i, e in enumerate(examples) if e.label]
    others = [i for i, e in enumerate(examples) if not e.label]
    return {"articles_kept": sum(kept[i] for i in articles) / len(articles),
            "non_articles_declined": sum(not kept[i] for i in others) / len(others),
            "pages": {k: {"pages": by_kind[k], "declined": declined[k]} for k in sorted(by_kind)}}


def operating_points(examples: list[Example], usable: list[Example], runs: list[list[float]]) -> list[dict[str, Any]]:
    """For a user choosing ``ARTICLE_THRESHOLD``: at rounded thresholds, the share of each set's
    pages kept, from every page's held-out scores in every run (pages with no text are declined at
    any)."""
    points = []
    pages = Counter(e.set_name if e.label else "non-articles" for e in examples)
    for threshold in (0.05, 0.1, 0.2, 0.3, 0.5, 0.7):
        kept = Counter(e.set_name if e.label else "non-articles" for scores in runs
                       for e, s in zip(usable, scores, strict=True) if s >= threshold)
        points.append({"threshold": threshold, **{f"{name}_kept": round(kept[name] / pages[name] / len(runs), 3)
                                                   for name in sorted(pages)}})
    return points


def kept_elsewhere(model: FittedModel, threshold: float, left_out: list[Example]) -> dict[str, float]:
    """The share of each left-out set's articles (the ``wcxb-dev`` pages, for the news model) the
    fitted model keeps: pages of sites it was not fitted on, bar the rare site with pages in both."""
    shares: dict[str, float] = {}
    for set_name in sorted({e.set_name for e in left_out}):
        pages = [e for e in left_out if e.set_name == set_name]
        usable = [e for e in pages if e.features is not None]
        kept = sum(p >= threshold for p in model.probabilities(usable)) if usable else 0
        shares[set_name] = round(float(kept) / len(pages), 3)
    return shares


def export(model: FittedModel, threshold: float, figures: dict[str, Any], counts: dict[str, int],
           kind: str = DEFAULT_MODEL) -> dict[str, Any]:
    import numpy as np
    import sklearn

    trees = []
    for (estimator,) in model.trees.estimators_:
        tree = estimator.tree_
        trees.append({"feature": [int(f) for f in tree.feature], "threshold": [float(t) for t in tree.threshold],
                      "left": [int(n) for n in tree.children_left], "right": [int(n) for n in tree.children_right],
                      "value": [float(v) for v in tree.value[:, 0, 0]]})
    markup = model.markup
    weights = dict(zip(markup.vocabulary, (float(w) for w in markup.regression.coef_[0]), strict=True))
    return {"feature_names": list(MODEL_INPUTS), "learning_rate": PARAMETERS["learning_rate"],
            "threshold": threshold, "trees": trees,
            "markup": {"intercept": float(markup.regression.intercept_[0]), "weights": weights},
            "training": {"command": "python -m benchmarks.train_article_model"
                                    + ("" if kind == DEFAULT_MODEL else f" --model {kind}") + " --write",
                         "articles": list(ARTICLE_SETS[kind]), "seed": SEED,
                         "parameters": {k: v for k, v in PARAMETERS.items() if k != "random_state"},
                         "markup_parameters": {**MARKUP_PARAMETERS, "min_sites": MARKUP_MIN_SITES},
                         "pages": counts, "scikit_learn": sklearn.__version__, "numpy": np.__version__,
                         "python": platform.python_version(), "cross_validated": figures}}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.train_article_model",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(ARTICLE_SETS), default=DEFAULT_MODEL,
                        help="general (aeb and wcxb-dev as articles, the default) or news (aeb alone)")
    parser.add_argument("--write", action="store_true",
                        help=f"write the model to its file in {MODEL_DIR.relative_to(PROJECT_ROOT)}/")
    parser.add_argument("--data", type=Path, default=None, help="the benchmarks folder (default ../shared/benchmarks)")
    parser.add_argument("--audit", type=int, default=0, metavar="N",
                        help="also list the N articles scored least like articles held out, and the N other "
                        "pages scored most like them: the labels to check first")
    parser.add_argument("--contested", type=_counts, default=(), metavar="N[,N...]",
                        help="also cross-validate again without the N articles scored least like articles and "
                        "the N other pages scored most like them, for each N (about 3 minutes each)")
    args = parser.parse_args(argv)
    if args.audit < 0:
        parser.error(f"--audit takes a count of pages, 0 or more (got {args.audit})")
    started = time.monotonic()
    loaded = load_examples(args.data or default_data_dir())
    examples = [e for e in loaded if fitted_on(e, args.model)]
    figures = cross_validate(examples)
    usable = [e for e in examples if e.features is not None]
    runs = repeated_out_of_fold(usable, FOLDS)
    threshold = choose_threshold(usable, runs)
    figures["operating_points"] = operating_points(examples, usable, runs)
    model = _fit(usable)
    if left_out := [e for e in loaded if not fitted_on(e, args.model)]:
        figures["left_out_articles_kept"] = kept_elsewhere(model, threshold, left_out)
    counts = dict(Counter(e.kind if not e.label else e.set_name for e in examples))
    exported = export(model, threshold, figures, counts, args.model)
    print(report(figures, threshold, time.monotonic() - started))
    if args.audit > 0:
        print(label_audit(usable, runs, args.audit))
    if args.contested:
        print(report_without_contested(without_contested(examples, usable, runs, args.contested)))
    text = json.dumps(exported, indent=None, separators=(",", ":")) + "\n"
    model_file = MODEL_DIR / MODEL_FILES[args.model]
    if args.write:
        model_file.write_text(text, encoding="utf-8")
        print(f"written: {model_file}")
    elif model_file.exists():
        shipped = json.loads(model_file.read_text("utf-8"))
        same = all(shipped.get(part) == exported[part] for part in ("trees", "markup", "threshold"))
        print("reproduces the shipped model" if same else "differs from the shipped model (--write to replace it)")
    target = figures["articles_kept"] >= KEEP_TARGET and figures["non_articles_declined"] >= 0.92
    return 0 if target else 1


def _counts(text: str) -> tuple[int, ...]:
    """``--contested``'s counts: whole numbers of pages, 1 or more, comma-separated."""
    try:
        counts = tuple(int(part) for part in text.split(","))
    except ValueError:
        counts = ()
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"takes counts of pages, 1 or more, comma-separated (got {text!r})")
    return counts


def _contested(usable: Sequence[Example], runs: list[list[float]],
               count: int) -> tuple[list[int], list[int], list[float]]:
    """The positions in ``usable`` of the ``count`` articles with the lowest mean held-out score
    over the runs and of the ``count`` non-articles with the highest, and every page's mean."""
    means = [sum(scores[i] for scores in runs) / len(runs) for i in range(len(usable))]
    ranked = sorted(range(len(usable)), key=lambda i: (means[i], usable[i].set_name, usable[i].page_id))
    articles = [i for i in ranked if usable[i].label][:count]
    others = [i for i in reversed(ranked) if not usable[i].label][:count]
    return articles, others, means


def label_audit(usable: Sequence[Example], runs: list[list[float]], count: int) -> str:
    """The ``count`` articles with the lowest mean held-out score over the runs and the ``count``
    non-articles with the highest: where a wrong label shows, since a page scored from sites the
    model never saw looks like what it is built like, whatever its label says. The lowest articles
    are also what sets the threshold (``choose_threshold``)."""
    articles, others, means = _contested(usable, runs, count)
    lines = []
    for title, chosen in ((f"articles scored least like articles (held out, mean of {len(runs)} runs)", articles),
                          (f"other pages scored most like articles (held out, mean of {len(runs)} runs)", others)):
        lines += ["", title, "", "| score | set | id | site | labelled |", "|---:|---|---|---|---|"]
        for i in chosen:
            page = usable[i]
            lines.append(f"| {means[i]:.3f} | {page.set_name} | {page.page_id} | {page.site} | {page.kind} |")
    return "\n".join(lines)


def without_contested(examples: list[Example], usable: Sequence[Example], runs: list[list[float]],
                      counts: Sequence[int]) -> list[dict[str, Any]]:
    """For each count, the held-out figures of ``cross_validate`` over ``examples`` less that many
    contested pages on each side (``label_audit``'s lists): what settling their labels would buy at
    most, since the model's own scores picked them."""
    rows = []
    for count in counts:
        articles, others, _ = _contested(usable, runs, count)
        left_out = {usable[i] for i in (*articles, *others)}
        rest = [e for e in examples if e not in left_out]
        figures = cross_validate(rest)
        rows.append({"count": count, "articles": sum(e.label for e in rest),
                     "others": sum(not e.label for e in rest), **figures})
    return rows


def report_without_contested(rows: Sequence[dict[str, Any]]) -> str:
    lines = ["", "without the contested pages (each count on each side, picked by the held-out scores above: "
             "an upper bound on what settling their labels buys)", "",
             "| contested pages left out, each side | articles | other pages | articles kept | non-articles declined "
             "| fold thresholds |", "|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        thresholds = row["thresholds"]
        lines.append(f"| {row['count']} | {row['articles']} | {row['others']} | {row['articles_kept']:.3f} | "
                     f"{row['non_articles_declined']:.3f} | {min(thresholds):.3f}-{max(thresholds):.3f} |")
    return "\n".join(lines)


def report(figures: dict[str, Any], threshold: float, seconds: float) -> str:
    lines = ["| pages (cross-validated, grouped by site) | pages | declined | kept |", "|---|---:|---:|---:|"]
    for kind, row in figures["pages"].items():
        lines.append(f"| {kind} | {row['pages']} | {row['declined']} | {row['pages'] - row['declined']} |")
    lines += ["", f"articles kept: {figures['articles_kept']:.3f} (target >= {KEEP_TARGET}); non-articles declined: "
              f"{figures['non_articles_declined']:.3f} (target >= 0.92)",
              f"fold thresholds: {', '.join(f'{t:.3f}' for t in figures['thresholds'])}; shipped threshold: "
              f"{threshold:.3f}; {seconds:.0f} s", ""]
    sets = sorted(key.removesuffix("_kept") for key in figures["operating_points"][0]
                  if key.endswith("_kept") and key != "non-articles_kept")
    lines += ["| ARTICLE_THRESHOLD (out-of-fold scores) | " + " | ".join(f"{name} kept" for name in sets)
              + " | non-articles declined |", "|---:|" + "---:|" * (len(sets) + 1)]
    lines += [f"| {p['threshold']:g} | " + " | ".join(f"{p[name + '_kept']:.3f}" for name in sets)
              + f" | {1 - p['non-articles_kept']:.3f} |" for p in figures["operating_points"]]
    for name, share in figures.get("left_out_articles_kept", {}).items():
        lines.append(f"\nleft out of the fitting: {name} articles kept at the shipped threshold {share:.3f}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
