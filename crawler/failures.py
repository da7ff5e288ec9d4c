"""What a request that gave no usable response comes to, as an outcome line: one mapping shared
by the spider's errback and the middleware that records Scrapy's own robots.txt fetches."""

from __future__ import annotations

import attrs
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError

from crawler.guard import ForbiddenAddress
from crawler.incremental import AlreadyCollected
from crawler.outcomes import Outcome
from crawler.vcr import MissingFromCassette


@attrs.frozen
class Reported:
    """An outcome line to write: what came of a URL, why, and the HTTP status if there was one."""

    outcome: Outcome
    reason: str
    status: int | None = None


def status_outcome(status: int, probe: bool) -> Reported:
    """An HTTP error status; a well-known file that a site need not have (a probe) is ``absent``."""
    if probe and status in (404, 410):
        return Reported(Outcome.ABSENT, f"HTTP {status}: the site has no such file, which is allowed", status)
    return Reported(Outcome.HTTP_ERROR, f"HTTP {status}", status)


def failure_outcome(error: BaseException, probe: bool = False) -> Reported:
    message = str(error)
    if isinstance(error, HttpError):
        return status_outcome(error.response.status, probe)
    if isinstance(error, AlreadyCollected):
        return Reported(Outcome.ALREADY_COLLECTED, message)
    if isinstance(error, ForbiddenAddress):
        return Reported(Outcome.FORBIDDEN_ADDRESS, message)
    if isinstance(error, MissingFromCassette):
        return Reported(Outcome.NOT_IN_CASSETTE, message)
    if _over_size_limit(error, message):
        return Reported(Outcome.TOO_LARGE, message or "download cancelled past DOWNLOAD_MAXSIZE")
    if isinstance(error, IgnoreRequest) and "robots.txt" in message:
        return Reported(Outcome.ROBOTS_DISALLOWED, "forbidden by robots.txt")
    if isinstance(error, IgnoreRequest):
        return Reported(Outcome.IGNORED, message or type(error).__name__)
    return Reported(Outcome.NETWORK_ERROR, f"{type(error).__name__}: {error}".rstrip(": "))


def _over_size_limit(error: BaseException, message: str) -> bool:
    """A download cut off at DOWNLOAD_MAXSIZE (declared, received or inflated past it)."""
    text = message.lower()
    return "max size" in text or "maxsize" in text or isinstance(error, DownloadCancelledError | CancelledError)
