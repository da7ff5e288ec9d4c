"""Cleaning as a unit of work that always returns one JSON-ready record and never raises.

The command line and the crawler both clean pages in worker processes (cleaning is CPU work);
each worker is started with ``init_worker`` so the options, and their compiled rules, are built
once per process instead of once per page.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from cleaners.errors import CleaningError, FailureKind, failure_record
from cleaners.options import CleanOptions
from cleaners.pipeline import clean
from cleaners.read.limits import cap_memory, time_limit
from cleaners.read.page import Page
from cleaners.read.sources import page_from_file
from cleaners.run.lifetime import exit_with_parent

logger = logging.getLogger(__name__)

_process_options: CleanOptions | None = None


def init_worker(options: CleanOptions, owner: int | None = None) -> None:
    """Process-pool initializer: the options every task in this process uses, and, for a pool worker
    (``owner``: the PID of the process that started the pool), its memory cap and its end when the
    owner dies. Without ``owner`` (cleaning in the command line's own process) only the options."""
    global _process_options
    _process_options = options
    if owner is not None:
        cap_memory(options.memory_limit_mb)
        exit_with_parent(owner)


def _options() -> CleanOptions:
    return _process_options or CleanOptions()


def clean_to_record(page: Page, options: CleanOptions | None = None) -> dict[str, Any]:
    """An article record, or a failure record naming the page and why."""
    options = options or _options()
    try:
        with time_limit(options.time_limit):
            return clean(page, options).to_dict()
    except MemoryError:
        return failure_record(page.source, CleaningError(
            FailureKind.OUT_OF_MEMORY, f"cleaning needed more than the limit of {options.memory_limit_mb} MiB"),
            page.address)
    except CleaningError as error:
        return failure_record(page.source, error, page.address)
    except Exception as error:  # one page's bug must not stop a batch; the record says what happened
        logger.debug("unexpected error cleaning %s", page.source, exc_info=True)
        return failure_record(page.source, CleaningError(FailureKind.INTERNAL, f"{type(error).__name__}: {error}"),
                              page.address)


def clean_input(task: str | Page, url: str | None = None) -> dict[str, Any]:
    """Clean a saved file (its path) or a page read from an archive (used as a process-pool task)."""
    return clean_to_record(task) if isinstance(task, Page) else clean_file(task, url)


def clean_file(path: str, url: str | None = None) -> dict[str, Any]:
    """Read and clean one saved page (used as a process-pool task)."""
    options = _options()
    try:
        page = page_from_file(Path(path), url, options.max_bytes)
    except CleaningError as error:
        return failure_record(path, error, url)
    return clean_to_record(page, options)
