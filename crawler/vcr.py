"""Replay and record HTTP with vcrpy cassettes inside Scrapy's downloader.

vcrpy patches Python HTTP libraries, and Twisted is not one of them, so this downloader middleware
uses vcrpy's own ``Cassette``, matchers and record modes directly (no library is patched).
It sits next to the downloader (priority 950): a replayed response is returned from
``process_request`` and then flows through every other middleware's ``process_response``
(redirects, decompression, robots.txt) exactly as a live one would; responses are recorded raw,
before decompression, so replay is faithful.

Settings: ``VCR_CASSETTE`` (path; unset turns the middleware off) and ``VCR_RECORD_MODE``
(``none``: replay only, a request missing from the cassette is refused and counted in the stats
as ``vcr/missing``; ``once``: record a new cassette, replay an existing one; ``new_episodes``:
replay what is there and record the rest; ``all``: record everything again).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes
from vcr.cassette import Cassette
from vcr.matchers import method, uri
from vcr.record_mode import RecordMode
from vcr.request import Request as VcrRequest

logger = logging.getLogger(__name__)
# vcrpy logs every interaction it loads at INFO, whole response bodies included: a crawl's log
# would be the cassette again. Our own line says how many responses were loaded.
logging.getLogger("vcr").setLevel(logging.WARNING)

REPLAYED = "vcr"


class MissingFromCassette(IgnoreRequest):
    """A request the cassette has no answer for, in a mode that may not record it."""


def _vcr_request(request: Request) -> VcrRequest:
    headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in request.headers.items()}
    return VcrRequest(request.method, request.url, request.body or None, headers)


def _recorded_response(response: Response) -> dict[str, Any]:
    try:
        message = HTTPStatus(response.status).phrase
    except ValueError:
        message = ""
    headers = {k.decode("latin-1"): [v.decode("latin-1") for v in values] for k, values in response.headers.items()}
    return {"status": {"code": response.status, "message": message}, "headers": headers,
            "body": {"string": response.body}}


def _replayed_response(request: Request, recorded: dict[str, Any]) -> Response:
    headers = Headers({k: v for k, v in recorded.get("headers", {}).items()})
    body = recorded.get("body", {}).get("string") or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    response_class = responsetypes.from_args(headers=headers, url=request.url, body=body)
    return response_class(url=request.url, status=int(recorded["status"]["code"]), headers=headers, body=body,
                          flags=[REPLAYED], request=request)


class VcrMiddleware:
    def __init__(self, crawler: Crawler, cassette: Cassette) -> None:
        self.crawler = crawler
        self.cassette = cassette

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("VCR_CASSETTE")
        if not path:
            raise NotConfigured  # no message: Scrapy would log one WARNING per crawl for a feature not asked for
        mode_name = str(crawler.settings.get("VCR_RECORD_MODE", "none")).lower()
        try:
            mode = RecordMode(mode_name)
        except ValueError as error:
            modes = ", ".join(m.value for m in RecordMode)
            raise ValueError(f"VCR_RECORD_MODE {mode_name!r} is not one of {modes}") from error
        cassette = Cassette.load(path=str(path), record_mode=mode, match_on=(method, uri),
                                 allow_playback_repeats=True)
        middleware = cls(crawler, cassette)
        crawler.signals.connect(middleware.save, signal=signals.spider_closed)
        logger.info("VCR cassette %s: %d recorded responses, mode %s", path, len(cassette), mode.value)
        return middleware

    def process_request(self, request: Request) -> Response | None:
        candidate = _vcr_request(request)
        if self.cassette.can_play_response_for(candidate):
            self.crawler.stats.inc_value("vcr/replayed")
            return _replayed_response(request, self.cassette.play_response(candidate))
        if self.cassette.write_protected:
            self.crawler.stats.inc_value("vcr/missing")
            raise MissingFromCassette(f"{request.method} {request.url} is not in the cassette {self.cassette.path}")
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        if REPLAYED not in response.flags:
            self.cassette.append(_vcr_request(request), _recorded_response(response))
            self.crawler.stats.inc_value("vcr/recorded")
        return response

    def save(self) -> None:
        self.cassette._save()  # vcrpy saves on leaving its context manager; we have no context to leave
