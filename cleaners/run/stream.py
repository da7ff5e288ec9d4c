"""The one cleaning stream behind ``python -m cleaners`` and the many-archives runner: inputs (saved
files and WARC files) in order, each page cleaned by ``clean()`` in a process pool with a bounded
number in flight, then the site boilerplate dropped with a bounded look-ahead."""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any

import attrs

from cleaners.body.boilerplate import BoilerplateLearner
from cleaners.errors import failure_record
from cleaners.options import CleanOptions
from cleaners.read.page import Page
from cleaners.read.warc_reader import ReadCounter, Wanted, is_warc, read_warc
from cleaners.run.ordered_pool import Ready, ordered_map
from cleaners.run.worker import clean_input, init_worker

TASKS_PER_WORKER = 200
"""Pages a worker process cleans before a fresh one takes over: a large page leaves the worker's
heap fragmented, and over thousands of pages each worker would keep growing."""

BOILERPLATE_LOOKAHEAD = 300
"""Records a site's boilerplate is learned ahead of: each record is cleaned of the lines its site
repeats across every record before it and the next 300 (a folder of up to 300 pages is learned
whole before any is written). Memory stays bounded however long a WARC stream is."""


@attrs.define
class Tally:
    """What the inputs held besides pages: WARC records that give no page, by kind."""

    skipped: Counter[str] = attrs.field(factory=Counter)
    read: ReadCounter = attrs.field(factory=ReadCounter)


def tasks(paths: list[str], url: str | None, max_bytes: int, wanted: Wanted,
          tally: Tally) -> Iterator[str | Page | Ready[dict[str, Any]]]:
    """Every page of the inputs, in order: a file's path, a WARC response's page, or a ready
    error record for a WARC record that cannot be read."""
    for path in paths:
        if not is_warc(Path(path)):
            yield path
            continue
        for item in read_warc(Path(path), max_bytes, wanted, tally.read):
            if item.page is not None:
                yield item.page
            elif item.error is not None:
                yield Ready(failure_record(f"{path}@{item.offset}", item.error, item.url))
            else:
                tally.skipped[item.skipped or "unknown"] += 1


def records(work: Iterable[str | Page | Ready[dict[str, Any]]], url: str | None, options: CleanOptions,
            jobs: int) -> Iterator[dict[str, Any]]:
    task = partial(clean_input, url=url)
    if jobs == 1:
        init_worker(options)
        yield from ordered_map(None, task, work, 0)
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=init_worker, initargs=(options, os.getpid()),
                             max_tasks_per_child=TASKS_PER_WORKER) as pool:
        yield from ordered_map(pool, task, work, ahead=jobs * 8)


def without_site_boilerplate(cleaned: Iterable[dict[str, Any]],
                             learner: BoilerplateLearner) -> Iterator[dict[str, Any]]:
    """Learn each site's repeated lines from every record so far and the next
    ``BOILERPLATE_LOOKAHEAD``, and drop them."""
    held: deque[dict[str, Any]] = deque()
    for record in cleaned:
        learner.observe(record)
        held.append(record)
        if len(held) > BOILERPLATE_LOOKAHEAD:
            yield learner.apply(held.popleft())
    while held:
        yield learner.apply(held.popleft())


def clean_stream(paths: list[str], options: CleanOptions, *, jobs: int = 1, url: str | None = None,
                 wanted: Wanted | None = None, limit: int | None = None, learner: BoilerplateLearner | None = None,
                 tally: Tally | None = None) -> Iterator[dict[str, Any]]:
    """Every record of the inputs, in order (``learner``: drop site boilerplate with it)."""
    work: Iterable[str | Page | Ready[dict[str, Any]]] = tasks(paths, url, options.max_bytes, wanted or Wanted(),
                                                               tally or Tally())
    if limit is not None:
        work = islice(work, limit)
    cleaned = records(work, url, options, jobs)
    return without_site_boilerplate(cleaned, learner) if learner is not None else cleaned
