"""An outcome line for the robots.txt files Scrapy fetches for itself.

Scrapy's ``RobotsTxtMiddleware`` downloads each host's robots.txt outside the spider, so no
callback or errback of ours sees it; this downloader middleware, on the engine's side of the
others, records what came of it. A robots.txt the site does not have (404, 410) is ``absent``:
nothing is disallowed, nothing failed.
"""

from __future__ import annotations

from typing import Self
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK

from crawler.failures import Reported, failure_outcome, status_outcome
from crawler.outcomes import Outcome, url_outcome
from crawler.responses import requested_url


def _fetched_by_scrapy(request: Request) -> bool:
    return request.callback is NO_CALLBACK and urlsplit(request.url).path == "/robots.txt"


class RobotsOutcomeMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if _fetched_by_scrapy(request):
            if 200 <= response.status < 300:
                self._record(request, Reported(Outcome.ROBOTS, "read for its rules"), response.url)
            else:
                self._record(request, status_outcome(response.status, probe=True), response.url)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if _fetched_by_scrapy(request):
            self._record(request, failure_outcome(exception, probe=True), request.url)

    def _record(self, request: Request, result: Reported, final_url: str) -> None:
        self.crawler.signals.send_catch_log(url_outcome, url=requested_url(request), outcome=result.outcome,
                                            reason=result.reason, status=result.status, final_url=final_url)
