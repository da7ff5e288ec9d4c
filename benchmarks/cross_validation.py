"""Cross-validated figures for the whole cleaner: ``python -m benchmarks.quality --cv``.

The development pages are pooled (``aeb`` and ``wcxb-dev`` articles, ``wcxb-dev-other`` pages that
are not) and cut into 5 folds grouped by site, so no site is in both the fitting and the scoring
folds. For each fold, the fitted part of the cleaner (the article model, with its threshold chosen
by repeated inner grouped runs, as ``benchmarks.train_article_model`` does) is fitted on the other folds,
and the cleaner with that model scores the fold's pages: body figures on its articles, and article
detection on all of them. The peers fit nothing, so they are scored as they are, on the same pages.

``--article-model news`` fits each fold's model as ``train_article_model --model news`` does, with
``aeb``'s news stories alone as the articles, on the same folds: the ``wcxb-dev`` pages are still
cleaned and scored, so the table shows what a news crawl gives up on them, while "articles kept"
counts the news stories the model is fitted to keep.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import scoring
from benchmarks.extractors import EXTRACTORS, Extractor, newsclean_with
from benchmarks.quality import SETS, load_truth, read_html, run_page, timed_extract
from benchmarks.train_article_model import (
    ARTICLE_SETS,
    FOLDS,
    INNER_FOLDS,
    Example,
    _fit,
    choose_threshold,
    export,
    fitted_on,
    load_examples,
    repeated_out_of_fold,
)
from cleaners import CleanOptions
from cleaners.body.article_model import DEFAULT_MODEL, ArticleModel

OTHERS = "wcxb-dev-other"


def fold_models(examples: list[Example], kind: str = DEFAULT_MODEL) -> tuple[list[int], list[ArticleModel]]:
    """Each page's fold, and per fold the article model of this kind fitted without it. The folds are
    cut over every page, whatever the kind, so both kinds are judged on the same site splits."""
    from sklearn.model_selection import GroupKFold

    fold_of = [0] * len(examples)
    splits = GroupKFold(n_splits=FOLDS).split(examples, [e.label for e in examples], [e.site for e in examples])
    for fold, (_, held_out) in enumerate(splits):
        for index in held_out:
            fold_of[index] = fold
    models = []
    for fold in range(FOLDS):
        fitting = [e for e, f in zip(examples, fold_of, strict=True)
                   if f != fold and e.features is not None and fitted_on(e, kind)]
        threshold = choose_threshold(fitting, repeated_out_of_fold(fitting, INNER_FOLDS))
        models.append(ArticleModel.from_json(export(_fit(fitting), threshold, {}, {})))
    return fold_of, models


def cross_validated(data_dir: Path, extractors: Sequence[Extractor], kind: str = DEFAULT_MODEL) -> dict[str, Any]:
    examples = load_examples(data_dir)
    fold_of, models = fold_models(examples, kind)
    where = {(e.set_name, e.page_id): i for i, e in enumerate(examples)}
    cleaners_by_fold = [Extractor("newsclean", newsclean_with(CleanOptions(article_decider=m, time_limit=None)))
                        for m in models]
    results: dict[str, Any] = {}
    for extractor in extractors:
        row: dict[str, Any] = {}
        for set_name in (*SETS, OTHERS):
            set_dir = data_dir / set_name
            records, declined = [], 0
            for truth in load_truth(set_dir):
                chosen = extractor
                if extractor.name == "newsclean":
                    chosen = cleaners_by_fold[fold_of[where[(set_name, truth.id)]]]
                html, name = read_html(set_dir, truth.id), f"{set_name}/{truth.id}"
                if set_name == OTHERS:
                    extraction, outcome, _, _ = timed_extract(chosen, html, truth.url, name)
                    declined += outcome != "ok" or not extraction.body.strip()
                else:
                    records.append(record := run_page(chosen, truth, html, name))
                    declined += record.outcome != "ok"
            if set_name == OTHERS:
                row["others"] = {"pages": len(load_truth(set_dir)), "declined": declined}
                continue
            row[set_name] = {"word": scoring.word_score(r.word for r in records),
                             "word_kept": scoring.word_score(r.word for r in records if r.outcome == "ok"),
                             "shingle": scoring.shingle_score(r.shingle for r in records),
                             "pages": len(records), "declined": declined}
        results[extractor.name] = row
    return results


def render(results: dict[str, Any], kind: str = DEFAULT_MODEL) -> str:
    """The table: word and shingle figures over every article (a declined one scores nothing), word F1
    over the articles the extractor kept (what its body text is worth where it gives one), and
    article detection: each set's share of pages kept, and "articles kept" over the sets the article
    model of this kind is fitted to keep."""
    article_sets = ARTICLE_SETS[kind]
    header = ["extractor", *(f"{s} word {m}" for s in SETS for m in ("P", "R", "F1")),
              *(f"{s} shingle F1" for s in SETS), *(f"{s} word F1 where kept" for s in SETS),
              *(f"{s} kept" for s in SETS), "articles kept", "non-articles declined"]
    lines = ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|"]
    for name, row in results.items():
        cells = [name]
        cells += [f"{getattr(row[s]['word'], m):.3f}" for s in SETS for m in ("precision", "recall", "f1")]
        cells += [f"{row[s]['shingle'].f1:.3f}" for s in SETS]
        cells += [f"{row[s]['word_kept'].f1:.3f}" for s in SETS]
        cells += [f"{1 - row[s]['declined'] / row[s]['pages']:.3f}" for s in SETS]
        kept = 1 - sum(row[s]["declined"] for s in article_sets) / sum(row[s]["pages"] for s in article_sets)
        cells += [f"{kept:.3f}", f"{row['others']['declined'] / row['others']['pages']:.3f}"]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "newsclean's figures are cross-validated: 5 folds grouped by site over the pooled development "
              f"pages, each fold cleaned with the {kind} article model fitted without it. The peers fit nothing. "
              f"'articles kept' counts the pages of {' and '.join(article_sets)}; an extractor that returns no text "
              "declines the page, which scores nothing in the word and shingle columns and is left out "
              "of 'word F1 where kept'."]
    return "\n".join(lines)


def main(data_dir: Path, extractor_names: Sequence[str], kind: str = DEFAULT_MODEL) -> int:
    print(render(cross_validated(data_dir, [EXTRACTORS[name] for name in extractor_names], kind), kind))
    return 0
