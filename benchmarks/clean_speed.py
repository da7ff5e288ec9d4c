"""Cleaning CPU against ``trafilatura.extract``, page by page, in one process:
``python -m benchmarks.clean_speed [--rounds 3] [--sample N] [--sets aeb,wcxb-dev]``.

Each page is cleaned by ``cleaners.clean_html`` (everything: decoding, the one parse, metadata,
the article decision and the body) and extracted by ``trafilatura.extract`` with its defaults (the
body only), one right after the other, the order alternating from page to page and round to round,
so both see the same machine state. A page's CPU time is its lowest over the rounds, the usual
way to take scheduler noise out of a repeated measurement. Reported: mean and median milliseconds
per page for each, their ratios, and the median of the per-page ratios. The article sets are the
default; ``--sets wcxb-dev-other`` measures the pages a crawl that follows links also meets
(listings, products, forums, docs), which are declined rather than cleaned.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections.abc import Callable, Sequence

import trafilatura

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
    print(report(measure(pages, max(1, args.rounds))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
