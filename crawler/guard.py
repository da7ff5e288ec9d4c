"""Refuses, before download, any request (a start URL, a followed link, a redirect) whose host is
or resolves to a loopback, private, link-local or multicast address, or whose scheme is not
http(s). Redirects pass through here again, since Scrapy schedules them as new requests.

Settings: ``ALLOW_PRIVATE_ADDRESSES`` (default False: for intranet crawls and tests) and
``ALLOWED_PRIVATE_HOSTS`` (``host`` or ``host:port`` exceptions, keeping the rest refused).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Self
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from crawler.addresses import ALLOWED_SCHEMES, AddressRefused, check_url, system_resolver

logger = logging.getLogger(__name__)


class ForbiddenAddress(IgnoreRequest):
    """A request refused by the address policy."""


# A host's verdict is reused for this long, so a crawl does not resolve a name for every page.
VERDICT_SECONDS = 300.0


class AddressGuardMiddleware:
    def __init__(self, crawler: Crawler, allow_private: bool, allowed_hosts: frozenset[str]) -> None:
        self.crawler = crawler
        self.allow_private = allow_private
        self.allowed_hosts = allowed_hosts
        self._verdicts: dict[tuple[str, str, int | None], tuple[float, str | None]] = {}
        self._warned: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        hosts = frozenset(h.lower() for h in crawler.settings.getlist("ALLOWED_PRIVATE_HOSTS"))
        return cls(crawler, crawler.settings.getbool("ALLOW_PRIVATE_ADDRESSES"), hosts)

    async def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        key = (parts.scheme, (parts.hostname or "").lower(), parts.port)
        cached = self._verdicts.get(key)
        if cached is None or cached[0] < time.monotonic():
            cached = (time.monotonic() + VERDICT_SECONDS, await self._verdict(request.url))
            self._verdicts[key] = cached
        if cached[1] is not None:
            self.crawler.stats.inc_value("newsclean/forbidden_address")
            if parts.scheme in ALLOWED_SCHEMES and parts.hostname:
                self._warn_once(parts.netloc.lower(), cached[1])
            raise ForbiddenAddress(f"refused {request.url}: {cached[1]}")

    def _warn_once(self, host: str, why: str) -> None:
        """One WARNING per refused host, naming the settings that allow it: a crawl of a loopback or
        intranet site otherwise ends with nothing written and no word why."""
        if host in self._warned:
            return
        self._warned.add(host)
        logger.warning("refusing every URL on %s: %s. To crawl it, set -s ALLOWED_PRIVATE_HOSTS=%s "
                       "(or -s ALLOW_PRIVATE_ADDRESSES=true for every private host)", host, why, host)

    async def _verdict(self, url: str) -> str | None:
        """Why the URL's host is refused, or None; name resolution runs in a thread, off the reactor."""
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, check_url, url, self.allow_private, self.allowed_hosts, system_resolver)
        except AddressRefused as error:
            return str(error)
        return None
