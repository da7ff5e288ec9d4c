"""Every response the crawl fetches, kept as WARC (``WARC_DIR``, default ``output/warc/``).

A downloader middleware next to the downloader (priority 900: after the cassette replay at 950,
before decompression at 590), so it sees each response as the server sent it: its headers and its
body bytes before ``Content-Encoding`` is undone. Robots.txt, sitemaps, feeds and redirects pass
here too. Each response is written with the request that asked for it, in one write, before the
spider sees the page: an article in the JSONL always has its response in the archive. When the
URL's outcome line is written, a ``metadata`` record names it (``WARC-Refers-To`` the response).

Twisted has already undone a chunked transfer, so the response's ``Transfer-Encoding`` header is
kept as ``X-Crawler-Transfer-Encoding`` (Common Crawl's convention) and readers take the body as
it is stored. A response replayed from a cassette carries ``Newsclean-Replayed-From``.
"""

from __future__ import annotations

import os
import socket
from collections import OrderedDict
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached
from warcio.statusandheaders import StatusAndHeaders

from cleaners.write.warc_writer import RotatingWarcWriter, warc_date
from crawler.outcomes import Outcome, outcome_recorded
from crawler.vcr import REPLAYED

_REMEMBERED = 10_000
"""Responses whose outcome is not written yet, remembered for the metadata record's reference;
only pages in flight are waiting, so the oldest beyond this many are forgotten."""


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _header_pairs(headers: Any, rename: dict[str, str] | None = None) -> list[tuple[str, str]]:
    pairs = []
    for name, values in headers.items():
        text = name.decode("latin-1")
        text = (rename or {}).get(text.lower(), text)
        pairs += [(text, value.decode("latin-1")) for value in values]
    return pairs


class WarcArchive:
    def __init__(self, crawler: Crawler, writer: RotatingWarcWriter, cassette: str | None) -> None:
        self.crawler = crawler
        self.writer = writer
        self.cassette = cassette
        self._responses: OrderedDict[str, str] = OrderedDict()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        folder = settings.get("WARC_DIR")
        if not folder:
            raise NotConfigured  # no message: Scrapy would log a warning for a feature turned off
        name = f"{settings.get('REDIS_WORKER_NAME') or socket.gethostname()}-{os.getpid()}"
        writer = RotatingWarcWriter(Path(folder), name, prefix=settings.get("WARC_PREFIX"),
                                    max_size=settings.getint("WARC_MAX_SIZE"),
                                    gzip_level=settings.getint("WARC_GZIP_LEVEL"),
                                    info={"crawler": f"scrapy crawl {crawler.spidercls.name}",
                                          "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore"})
        archive = cls(crawler, writer, settings.get("VCR_CASSETTE"))
        crawler.signals.connect(archive.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(archive.outcome, signal=outcome_recorded)
        return archive

    def process_response(self, request: Request, response: Response) -> Response:
        parts = urlparse_cached(request)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        request_head = StatusAndHeaders(f"{request.method} {target} HTTP/1.1",
                                        [("Host", parts.netloc), *_header_pairs(request.headers)],
                                        is_http_request=True)
        response_head = StatusAndHeaders(
            f"{response.status} {_reason(response.status)}".strip(),
            _header_pairs(response.headers, {"transfer-encoding": "X-Crawler-Transfer-Encoding"}),
            protocol=response.protocol or "HTTP/1.1")
        fetched = {"WARC-Date": warc_date(datetime.now(UTC))}
        if response.ip_address is not None:
            fetched["WARC-IP-Address"] = str(response.ip_address)
        if REPLAYED in response.flags and self.cassette:
            fetched["Newsclean-Replayed-From"] = Path(self.cassette).name
        _, response_id = self.writer.write([
            (request.url, "request", request.body, request_head, dict(fetched)),
            (response.url, "response", response.body, response_head, dict(fetched)),
        ])
        self._responses[response.url] = response_id
        while len(self._responses) > _REMEMBERED:
            self._responses.popitem(last=False)
        return response

    def outcome(self, line: dict[str, Any]) -> None:
        """The URL's outcome line, as a ``metadata`` record beside its response (or alone, for a
        fetch that failed); outcomes decided without fetching (robots, date window) are not
        archived."""
        url = line.get("finalUrl") or line["url"]
        response_id = self._responses.pop(url, None) or self._responses.pop(line["url"], None)
        if response_id is None and line["outcome"] != Outcome.NETWORK_ERROR:
            return
        fields = "".join(f"{key}: {' '.join(str(value).split())}\r\n" for key, value in line.items())
        headers = {"Content-Type": "application/warc-fields"}
        if response_id:
            headers["WARC-Refers-To"] = response_id
        self.writer.write([(url, "metadata", fields.encode("utf-8"), None, headers)])

    def spider_closed(self) -> None:
        self.writer.close()
