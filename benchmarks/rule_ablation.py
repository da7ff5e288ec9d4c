"""Does each body rule still earn its place? ``python -m benchmarks.rule_ablation [--sample N]``.

Every page of ``aeb`` and ``wcxb-dev`` is cleaned with every rule on, then again with one rule
switched off, for each rule in turn. The rules are not fitted, so what cross-validation guards
against here is keeping a rule because it wins a few pages of a few sites: each rule's effect is
reported on two halves of the sites (split by a hash of the host), and a rule earns its place
when removing it loses word F1 on at least one half and gains on neither. A rule that is neutral
on both halves stays only for what the development pages do not hold (the seed pages' chrome,
which the fixture tests pin).

A switch replaces one module attribute (or one table of the built-in chrome rules) inside a
fresh worker process, so the shipped code runs unchanged otherwise; ``tests`` check that every
switch still names something that exists.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import statistics
import sys
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import attrs

from benchmarks.quality import default_data_dir, load_truth, read_html, select
from benchmarks.scoring import page_word_score
from cleaners import CleaningError, CleanOptions, Page, clean
from cleaners.body.chrome import ChromeRules

SETS = ("aeb", "wcxb-dev")


@attrs.frozen
class Switch:
    """One rule off: a module attribute replaced, or a table of the built-in rules emptied."""

    module: str | None = None
    attribute: str | None = None
    replacement: Any = None
    rules_table: str | None = None

    def apply(self) -> ChromeRules:
        """Switch the rule off in this process; returns the chrome rules to clean with."""
        rules = ChromeRules.default()
        if self.module and self.attribute:
            setattr(importlib.import_module(self.module), self.attribute, self.replacement)
        if self.rules_table:
            rules = attrs.evolve(rules, **{self.rules_table: type(getattr(rules, self.rules_table))()})
        return rules


def _nothing(*_: object) -> None:
    return None


def _no_chunks(*_: object) -> tuple[list[str], list[str]]:
    return [], []


def _no_echo(*_: object) -> list[str]:
    return []


def _no_renderings(*_: object) -> set[int]:
    return set()


def _our_reading(_tree: object, lines: list[str]) -> list[str]:
    return lines


class _NoFallbackSeen:
    """Stands in for the watch on trafilatura's loose-paragraph fallback: it never saw one."""

    def reset(self) -> None:
        return None

    def fell_back(self) -> bool:
        return False


SWITCHES: dict[str, Switch] = {
    "chrome element tokens": Switch(rules_table="tokens"),
    "chrome element xpaths": Switch(rules_table="xpaths"),
    "teaser link rails": Switch("cleaners.body.chrome", "prune_link_blocks", _nothing),
    "chrome lines (exact)": Switch(rules_table="exact"),
    "chrome lines (patterns)": Switch(rules_table="patterns"),
    "trailing link lists": Switch(rules_table="trailing"),
    "story rendered twice": Switch("cleaners.body.chrome", "_second_renderings", _no_renderings),
    "standfirst echo": Switch("cleaners.pipeline", "standfirst_echo", _no_echo),
    "split chunks joined": Switch("cleaners.pipeline", "missing_chunks", _no_chunks),
    "readability second opinion": Switch("cleaners.body.extract", "_fuller_reading", _our_reading),
    "recall rerun after loose paragraphs": Switch("cleaners.body.extract", "_LOOSE_PARAGRAPHS", _NoFallbackSeen()),
    "full cascade on under-extraction": Switch("cleaners.body.extract", "UNDER_EXTRACTION_SHARE", 0.0),
}


def _half(url: str) -> int:
    """Which half of the sites a page's host falls in."""
    return zlib.crc32((urlsplit(url).hostname or "").removeprefix("www.").encode()) % 2


def score_pages(switch_name: str | None, pages: Sequence[tuple[str, str, str, str]]) -> list[float]:
    """Word F1 of each page (set name, page id, URL, truth) with one rule off (None: all on).
    Runs in a worker process of its own (see ``main``), since a switch is not undone."""
    rules = SWITCHES[switch_name].apply() if switch_name else ChromeRules.default()
    data_dir = default_data_dir()
    scores = []
    for set_name, page_id, url, truth in pages:
        body = ""
        with contextlib.suppress(CleaningError):
            body = clean(Page(body=read_html(data_dir / set_name, page_id), url=url, source=page_id),
                         CleanOptions(rules=rules, time_limit=None)).articleBody or ""
        scores.append(page_word_score(body, truth).f1)
    return scores


def ablate(pages: Sequence[tuple[str, str, str, str]], names: Sequence[str], jobs: int,
           run: Callable[[str | None, Sequence[tuple[str, str, str, str]]], list[float]] = score_pages,
           ) -> dict[str | None, list[float]]:
    """Each page's word F1 with all rules on (key None) and with each named rule off."""
    keys: list[str | None] = [None, *names]
    with ProcessPoolExecutor(max_workers=jobs, max_tasks_per_child=1) as pool:
        futures = {key: pool.submit(run, key, pages) for key in keys}
        return {key: future.result() for key, future in futures.items()}


def report(pages: Sequence[tuple[str, str, str, str]], scores: dict[str | None, list[float]]) -> str:
    base = scores[None]
    lines = ["| rule switched off | aeb word F1 | wcxb-dev word F1 | effect on site half A | on half B | verdict |",
             "|---|---:|---:|---:|---:|---|"]
    for key, values in scores.items():
        means = [statistics.fmean(v for v, page in zip(values, pages, strict=True) if page[0] == s) for s in SETS]
        halves = [sum(v - b for v, b, page in zip(values, base, pages, strict=True) if _half(page[2]) == h)
                  for h in (0, 1)]
        if key is None:
            lines.append(f"| (none: the shipped cleaner) | {means[0]:.4f} | {means[1]:.4f} | | | |")
            continue
        verdict = ("earns its place" if min(halves) < -0.05 and max(halves) <= 0.05 else
                   "retire: removing it gains" if max(halves) > 0.05 and min(halves) >= -0.05 else
                   "mixed" if max(halves) > 0.05 else "neutral here")
        lines.append(f"| {key} | {means[0]:.4f} | {means[1]:.4f} | {halves[0]:+.2f} | {halves[1]:+.2f} | {verdict} |")
    lines += ["", "Effects are summed page F1 (removing the rule, minus the shipped cleaner) over each half's pages; "
              "a threshold of 0.05 page-F1 separates an effect from noise."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rule_ablation", description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=None, help="a deterministic sample of N pages per set")
    parser.add_argument("--rules", default=",".join(SWITCHES), help="comma-separated rule names (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.rules.split(",") if name.strip()]  # no rule name holds a comma
    if unknown := [name for name in names if name not in SWITCHES]:
        parser.error(f"unknown rule(s) {unknown}; known: {', '.join(SWITCHES)}")
    data_dir = default_data_dir()
    pages = [(set_name, row.id, row.url, row.body)
             for set_name in SETS for row in select(load_truth(data_dir / set_name), args.sample, None)]
    print(f"{len(pages)} pages, {len(names)} rules", file=sys.stderr)
    print(report(pages, ablate(pages, names, max(1, args.jobs))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
