"""Cleaning CPU against ``trafilatura.extract``, page by page, in one process:
``python -m benchmarks.clean_speed [--rounds 3] [--sample N] [--sets aeb,wcxb-dev]``.

Each page is cleaned by ``cleaners.clean_html`` (everything: decoding, the one parse, metadata,
the article decision and the body) and extracted by ``trafilatura.extract`` with its defaults (the
body only), one right after the other, the order alternating from page to page and round to round,
so both see the same machine state. A page's CPU time is its lowest over the rounds, the usual
way to take scheduler noise out of a repeated measurement. Reported: mean and median milliseconds
per page for each, their ratios, and the median of the per-page ratios. The article sets are the
default; ``--sets wcxb-dev-other`` measures the pages a crawl that follows links also meets
(listings, products, forums, docs), which are declined rather than cleaned. ``--by-path`` also
groups the pages by the slower readings the cleaner took on them (trafilatura's recall mode after a
fall-back to loose paragraphs, its full cascade on an under-extracted page, readability's second
opinion), found in a separate untimed pass, to show where the difference goes. ``--stages`` also
times each stage of ``clean()`` (the parse, metadata, chrome pruning, the article model's features,
trafilatura's extraction, readability, chrome lines...) in a pass of its own over the same pages,
each page then extracted by ``trafilatura.extract`` too, and prices each stage against that: where
the cleaner's own CPU goes.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from unittest import mock

import trafilatura

import cleaners.body.extract as body_extract
import cleaners.pipeline as pipeline
from benchmarks.quality import default_data_dir, load_truth, read_html, select
from cleaners import CleaningError, clean_html

SETS = ("aeb", "wcxb-dev")


def _newsclean(html: bytes, url: str) -> None:
    with contextlib.suppress(CleaningError):  # a declined page still spent its time
        clean_html(html, url=url)


def _trafilatura(html: bytes, url: str) -> None:
    trafilatura.extract(html, url=url)


def _cpu_ms(call: Callable[[bytes, str], None], html: bytes, url: str) -> float:
    start = time.process_time()
    call(html, url)
    return (time.process_time() - start) * 1000


def measure(pages: Sequence[tuple[bytes, str]], rounds: int) -> dict[str, list[float]]:
    """Each extractor's lowest CPU milliseconds per page over ``rounds`` interleaved rounds."""
    calls = {"newsclean": _newsclean, "trafilatura": _trafilatura}
    best = {name: [float("inf")] * len(pages) for name in calls}
    for html, url in pages[:5]:  # warm-up: imports, compiled patterns, lazily built tables
        for call in calls.values():
            call(html, url)
    for round_number in range(rounds):
        for index, (html, url) in enumerate(pages):
            order = list(calls) if (index + round_number) % 2 == 0 else list(reversed(calls))
            for name in order:
                best[name][index] = min(best[name][index], _cpu_ms(calls[name], html, url))
    return best


RECALL, CASCADE, READABILITY = "recall mode", "full cascade", "readability"


@contextlib.contextmanager
def _noting_readings(taken: set[str]) -> Iterator[None]:
    """Adds to ``taken`` the name of each slower reading the cleaner runs while inside."""
    extract, readability = body_extract._extract, body_extract.readability_paragraphs

    def noted_extract(*args: Any, fast: bool, favor_recall: bool = False, **kwargs: Any) -> str:
        if not fast:
            taken.add(CASCADE)
        elif favor_recall:
            taken.add(RECALL)
        return extract(*args, fast=fast, favor_recall=favor_recall, **kwargs)

    def noted_readability(*args: Any, **kwargs: Any) -> list[str]:
        taken.add(READABILITY)
        return readability(*args, **kwargs)

    with (mock.patch.object(body_extract, "_extract", noted_extract),
          mock.patch.object(body_extract, "readability_paragraphs", noted_readability),
          mock.patch.object(pipeline, "readability_paragraphs", noted_readability)):
        yield


def readings_taken(pages: Sequence[tuple[bytes, str]]) -> list[frozenset[str]]:
    """For each page, the slower readings the cleaner took (an untimed pass of its own)."""
    taken: list[frozenset[str]] = []
    for html, url in pages:
        noted: set[str] = set()
        with _noting_readings(noted):
            _newsclean(html, url)
        taken.append(frozenset(noted))
    return taken


def report_by_path(best: dict[str, list[float]], taken: Sequence[frozenset[str]]) -> str:
    """Mean CPU per group of pages that took the same slower readings, and each group's share of
    the difference between the two means."""
    groups: dict[frozenset[str], list[int]] = defaultdict(list)
    for index, readings in enumerate(taken):
        groups[readings].append(index)
    ours, theirs = best["newsclean"], best["trafilatura"]
    gap = sum(ours) - sum(theirs)
    lines = ["| slower readings taken | pages | newsclean mean ms | trafilatura mean ms | ratio | share of the gap |",
             "|---|---:|---:|---:|---:|---:|"]
    for readings, indexes in sorted(groups.items(), key=lambda item: -len(item[1])):
        mine, other = sum(ours[i] for i in indexes), sum(theirs[i] for i in indexes)
        name = " + ".join(sorted(readings)) or "none (the quick reading)"
        share = f"{(mine - other) / gap:.0%}" if gap else "–"
        lines.append(f"| {name} | {len(indexes)} | {mine / len(indexes):.1f} | {other / len(indexes):.1f} | "
                     f"{mine / other:.2f}x | {share} |")
    return "\n".join(lines)


# What ``--stages`` times: the functions ``clean()`` calls, none inside another, by the name it calls
# them by (in the pipeline's namespace), and trafilatura's extraction and readability's reading
# inside the body's (readability is also the pipeline's last fallback).
STAGES = {
    "the parse": [(pipeline, "check_body"), (pipeline, "parse_html")],
    "declared metadata": [(pipeline, "extract_metadata")],
    "source link": [(pipeline, "find_source_url")],
    "shown dates and byline": [(pipeline, "story_heading"), (pipeline, "shown_dates"), (pipeline, "shown_byline"),
                               (pipeline, "unique_names")],
    "chrome pruning": [(pipeline, "prune_chrome")],
    "publication date": [(pipeline, "_publication_date")],
    "article model: page features": [(pipeline, "page_shape")],
    "article model: text features": [(pipeline, "page_features")],
    "storyless parts dropped": [(pipeline, "drop_unseen"), (pipeline, "visible_length"), (pipeline, "drop_sides")],
    "trafilatura's extraction": [(body_extract, "_extract")],
    "readability's reading": [(body_extract, "readability_paragraphs"), (pipeline, "readability_paragraphs")],
    "missing chunks": [(pipeline, "missing_chunks")],
    "chrome lines": [(pipeline, "standfirst_echo"), (pipeline, "drop_chrome_lines")],
    "fingerprint": [(pipeline, "fingerprint")],
}


@contextlib.contextmanager
def _timing_stages(spent: dict[str, float]) -> Iterator[None]:
    """Adds to ``spent`` the CPU seconds each stage of ``STAGES`` takes while inside."""
    def timed(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[stage] += time.process_time() - start
        return call

    with contextlib.ExitStack() as patches:
        for stage, parts in STAGES.items():
            for module, name in parts:
                patches.enter_context(mock.patch.object(module, name, timed(stage, getattr(module, name))))
        yield


def stage_times(pages: Sequence[tuple[bytes, str]]) -> dict[str, float]:
    """Mean CPU milliseconds a page for each stage, for the whole of ``clean()`` ("total") and for
    ``trafilatura.extract`` ("trafilatura") on each page right after it, from one pass of its own
    over ``pages``."""
    spent: dict[str, float] = defaultdict(float)
    total = theirs = 0.0
    with _timing_stages(spent):  # the spies sit on the cleaner's functions only: trafilatura.extract runs as it is
        for html, url in pages:
            total += _cpu_ms(_newsclean, html, url)
            theirs += _cpu_ms(_trafilatura, html, url)
    times = {stage: spent[stage] * 1000 / len(pages) for stage in STAGES}
    return times | {"total": total / len(pages), "trafilatura": theirs / len(pages)}


def report_stages(times: dict[str, float]) -> str:
    """Each stage's mean CPU a page, largest first, and as a share of ``trafilatura.extract``'s in
    the same pass."""
    trafilatura_ms = times["trafilatura"]
    lines = ["| stage of clean() | CPU ms a page | share of trafilatura.extract's CPU |", "|---|---:|---:|"]
    stages = {name: ms for name, ms in times.items() if name not in ("total", "trafilatura")}
    rest = times["total"] - sum(stages.values())
    for name, ms in [*sorted(stages.items(), key=lambda item: -item[1]), ("the rest (the flow, the record)", rest)]:
        lines.append(f"| {name} | {ms:.2f} | {ms / trafilatura_ms:.1%} |")
    lines.append(f"| all of clean() | {times['total']:.2f} | {times['total'] / trafilatura_ms:.1%} |")
    lines += ["", f"One pass of its own, each page cleaned and then extracted by trafilatura.extract "
              f"({trafilatura_ms:.2f} ms a page in this pass); timing the stages adds a little to the cleaner's total."]
    return "\n".join(lines)


def report(best: dict[str, list[float]]) -> str:
    ours, theirs = best["newsclean"], best["trafilatura"]
    lines = ["| | pages | mean CPU ms/page | median CPU ms/page |", "|---|---:|---:|---:|"]
    for name, times in best.items():
        lines.append(f"| {name} | {len(times)} | {statistics.fmean(times):.1f} | {statistics.median(times):.1f} |")
    per_page = [a / b for a, b in zip(ours, theirs, strict=True) if b > 0]
    lines += ["", f"newsclean / trafilatura: {statistics.fmean(ours) / statistics.fmean(theirs):.2f}x by mean, "
              f"{statistics.median(ours) / statistics.median(theirs):.2f}x by median; "
              f"median per-page ratio {statistics.median(per_page):.2f}x"]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.clean_speed", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; a page keeps its lowest time")
    parser.add_argument("--sample", type=int, default=None, help="a deterministic sample of N pages per set")
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated benchmark sets (default: %(default)s)")
    parser.add_argument("--by-path", action="store_true",
                        help="also group the pages by the slower readings the cleaner took on them")
    parser.add_argument("--stages", action="store_true",
                        help="also time each stage of clean() in a pass of its own, against trafilatura's")
    args = parser.parse_args(argv)
    data_dir = default_data_dir()
    set_names = [name.strip() for name in args.sets.split(",") if name.strip()]
    if missing := [name for name in set_names if not (data_dir / name).is_dir()]:
        parser.error(f"no benchmark set {', '.join(missing)} in {data_dir}")
    pages = []
    for set_name in set_names:
        for row in select(load_truth(data_dir / set_name), args.sample, None):
            pages.append((read_html(data_dir / set_name, row.id), row.url))
    print(f"{len(pages)} pages from {', '.join(set_names)}, {args.rounds} rounds", file=sys.stderr)
    best = measure(pages, max(1, args.rounds))
    print(report(best))
    if args.by_path:
        print()
        print(report_by_path(best, readings_taken(pages)))
    if args.stages:
        print()
        print(report_stages(stage_times(pages)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
