"""Scrapy's scheduler with its queue in memory even when ``JOBDIR`` is set.

Scrapy keeps a job's pending requests in disk queues whose index (``active.json``) is written only
when the crawl stops cleanly: after a SIGKILL the queue is lost, and after a clean stop followed by
a kill the stale index points into files that have since changed. A job here resumes from what it
wrote as it went instead: the frontier journal (``crawler/frontier.py``) holds every discovered
request, and the outcomes file says which ones finished (``crawler/dupefilter.py``). One resume path
then serves a Ctrl-C and a SIGKILL alike, and nothing is scheduled twice from two sources.
"""

from __future__ import annotations

from typing import Any

from scrapy.core.scheduler import Scheduler


class JournalledScheduler(Scheduler):
    def __init__(self, *args: Any, jobdir: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, jobdir=None, **kwargs)
