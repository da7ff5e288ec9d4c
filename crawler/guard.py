"""Refuses, before download, any request (a start URL, a followed link, a redirect) whose host is
or resolves to a loopback, private, link-local or multicast address, or whose scheme is not
http(s). Redirects pass through here again, since Scrapy schedules them as new requests.

Settings: ``ALLOW_PRIVATE_ADDRESSES`` (default False: for intranet crawls and tests) and
``ALLOWED_PRIVATE_HOSTS`` (``host`` or ``host:port`` exceptions, keeping the rest refused).
"""

from __future__ import annotations

import asyncio
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from crawler.addresses import AddressRefused, check_url, system_resolver


class ForbiddenAddress(IgnoreRequest):
    """A request refused by the address policy."""


class AddressGuardMiddleware:
    def __init__(self, crawler: Crawler, allow_private: bool, allowed_hosts: frozenset[str]) -> None:
        self.crawler = crawler
        self.allow_private = allow_private
        self.allowed_hosts = allowed_hosts

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        hosts = frozenset(h.lower() for h in crawler.settings.getlist("ALLOWED_PRIVATE_HOSTS"))
        return cls(crawler, crawler.settings.getbool("ALLOW_PRIVATE_ADDRESSES"), hosts)

    async def process_request(self, request: Request) -> None:
        loop = asyncio.get_running_loop()
        try:
            # Name resolution blocks, so it runs in a thread, never on the reactor.
            await loop.run_in_executor(None, check_url, request.url, self.allow_private, self.allowed_hosts,
                                       system_resolver)
        except AddressRefused as error:
            self.crawler.stats.inc_value("newsclean/forbidden_address")
            raise ForbiddenAddress(f"refused {request.url}: {error}") from error
