"""Refuses, before download, any request (a start URL, a followed link, a redirect) whose host is
or resolves to a loopback, private, link-local or multicast address, or whose scheme is not
http(s). Redirects pass through here again, since Scrapy schedules them as new requests.

Names are resolved through the crawl's own resolver (``crawler.resolver.GuardedResolver``), which
also sits under every connection: the check here gives the refusal early and names it, and the
resolver makes sure that what is connected to is what was checked (``ConnectRefusal`` reports a
connection it refused as ``forbidden-address``).

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
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IAddress, IHostResolution, IResolutionReceiver
from zope.interface import implementer

from crawler.addresses import ALLOWED_SCHEMES, AddressRefused, check_url, system_resolver
from crawler.resolver import VERDICT_SECONDS, GuardedResolver, refusal_for

logger = logging.getLogger(__name__)


class ForbiddenAddress(IgnoreRequest):
    """A request refused by the address policy."""


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
        """Why the URL's host is refused, or None. The scheme and an address written in the URL are
        checked here; a name, by the crawl's resolver (the one its connections use), or, when
        another resolver was installed, by the system's, in a thread."""
        from twisted.internet import reactor

        resolver = getattr(reactor, "nameResolver", None)
        guarded = isinstance(resolver, GuardedResolver)
        try:
            if guarded:
                check_url(url, self.allow_private, self.allowed_hosts, resolve=lambda host, port: [])
            else:
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(None, check_url, url, self.allow_private, self.allowed_hosts,
                                           system_resolver)
        except AddressRefused as error:
            return str(error)
        if guarded:
            parts = urlsplit(url)
            host = parts.hostname or ""
            await maybe_deferred_to_future(_resolve(resolver, host, parts.port or 0))
            return refusal_for(host)
        return None


@implementer(IResolutionReceiver)
class _Done:
    def __init__(self) -> None:
        self.finished: Deferred[None] = Deferred()

    def resolutionBegan(self, resolution: IHostResolution) -> None:  # Twisted's names
        pass

    def addressResolved(self, address: IAddress) -> None:
        pass

    def resolutionComplete(self) -> None:
        self.finished.callback(None)


def _resolve(resolver: GuardedResolver, host: str, port: int) -> Deferred[None]:
    done = _Done()
    resolver.resolveHostName(done, host, port)
    return done.finished


class ConnectRefusal:
    """Downloader middleware close to the downloader (before retries): a connection the guarded
    resolver refused (every address of the name was off limits) becomes ``ForbiddenAddress``, so its
    outcome is ``forbidden-address`` with the address named, and it is not retried."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, DNSLookupError | CannotResolveHostError):
            host = (urlsplit(request.url).hostname or "").lower()
            if reason := refusal_for(host):
                self.crawler.stats.inc_value("newsclean/forbidden_address")
                raise ForbiddenAddress(f"refused {request.url}: {reason}")
