"""Request deduplication that a killed crawl can resume from without losing a URL.

Scrapy's job-directory dupefilter records a request as seen when it is scheduled; a crawl killed
while requests are in flight resumes with those URLs "seen" but never finished, so they are lost.
This filter instead resumes from what the crawl *finished*: every URL with a final line in the
outcomes file (an article only when its record is in the output too). Everything else the job had
discovered is scheduled again from its frontier journal (``crawler/frontier.py``), and its entry
points (start pages, feeds, sitemaps) are fetched again for what is new.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Self

from scrapy.crawler import Crawler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.http import Request
from scrapy.utils.job import job_dir

from crawler.collected import CollectedIndex, appended_outputs

logger = logging.getLogger(__name__)

# Outcomes after which a URL need not be fetched again when the same job resumes.
FINAL_OUTCOMES = frozenset({"not-article", "duplicate", "already-collected", "outside-date-window",
                            "disallowed-by-robots", "forbidden-address", "http-error", "cleaning-error"})


class FinishedRequestsDupeFilter(RFPDupeFilter):
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        dupefilter = cls(None, crawler.settings.getbool("DUPEFILTER_DEBUG"),
                         fingerprinter=crawler.request_fingerprinter)
        if job_dir(crawler.settings):
            dupefilter.load_finished(crawler)
        return dupefilter

    def load_finished(self, crawler: Crawler) -> None:
        collected = CollectedIndex.from_files(appended_outputs(crawler))
        path = Path(crawler.settings.get("OUTCOMES_FILE") or "")
        finished = 0
        if path.is_file():
            for line in path.read_text("utf-8", errors="replace").splitlines():
                try:
                    outcome = json.loads(line)
                except ValueError:
                    continue
                url = outcome.get("url")
                if not isinstance(url, str):
                    continue
                if outcome.get("outcome") in FINAL_OUTCOMES or (
                        outcome.get("outcome") == "article" and collected.has_url(url)):
                    self.request_seen(Request(url))
                    finished += 1
        logger.info("resuming: %d URLs already finished in %s", finished, path)
