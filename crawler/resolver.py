"""The address guard where the connection is made: a name resolver that hands Twisted only the
addresses it approved.

Checking a host before download and letting the downloader resolve it again later leaves a gap: a
hostile name can answer the check with a public address and the connection, a moment later (TTL
0), with 169.254.169.254. Installed as Scrapy's ``TWISTED_DNS_RESOLVER`` (``DNS_RESOLVER`` before
Scrapy 2.13), this resolver sits under every connection the crawl makes: it resolves the name,
refuses the name when any answer is loopback, private, link-local, multicast, reserved,
unspecified or otherwise not global (``crawler.addresses.forbidden_reason``), and otherwise gives
Twisted exactly the answers it checked. So the address that was checked is the address that is
connected to.

A name with no address left fails to connect (Twisted's "no results for hostname lookup"), and
``ConnectRefusal`` turns that into ``ForbiddenAddress`` with the refused address, so the URL's
outcome is ``forbidden-address``, after redirects too, and it is not retried. The approved answers
are cached per name (``DNSCACHE_ENABLED``, ``DNSCACHE_SIZE``, for ``VERDICT_SECONDS``): a cached
answer is an approved one, so the cache keeps the speed without reopening the gap.
``ALLOW_PRIVATE_ADDRESSES`` turns the filter off; ``ALLOWED_PRIVATE_HOSTS`` names exceptions.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Self

from scrapy.resolver import HostResolution
from scrapy.utils.misc import load_object
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import IAddress, IHostnameResolver, IHostResolution, IResolutionReceiver
from zope.interface import implementer

from crawler.addresses import forbidden_reason, refusal

VERDICT_SECONDS = 300.0
"""How long a name's approved addresses are reused."""


@implementer(IResolutionReceiver)
class _Collector:
    """Receives the upstream answers, then decides what the real receiver gets."""

    def __init__(self, guard: GuardedResolver, receiver: IResolutionReceiver, host: str, port: int) -> None:
        self.guard, self.receiver, self.host, self.port = guard, receiver, host, port
        self.addresses: list[IAddress] = []

    def resolutionBegan(self, resolution: IHostResolution) -> None:  # Twisted's names
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: IAddress) -> None:
        self.addresses.append(address)

    def resolutionComplete(self) -> None:
        approved = self.guard.approve(self.host, self.addresses)
        for address in approved:
            self.receiver.addressResolved(address)
        self.receiver.resolutionComplete()


@implementer(IHostnameResolver)
class GuardedResolver:
    def __init__(self, reactor: Any, upstream: IHostnameResolver, allow_private: bool,
                 allowed_hosts: frozenset[str], cache_size: int) -> None:
        self.reactor = reactor
        self.upstream = upstream
        self.allow_private = allow_private
        self.allowed_hosts = allowed_hosts
        self.cache_size = cache_size
        self._approved: OrderedDict[str, tuple[float, list[IAddress]]] = OrderedDict()
        self.refused: OrderedDict[str, str] = OrderedDict()
        """Why a name's answers were all refused, by name (the latest 1,000 names)."""

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> Self:
        settings = crawler.settings
        upstream_path = settings.get("GUARD_UPSTREAM_RESOLVER")
        upstream = load_object(upstream_path)() if upstream_path else reactor.nameResolver
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(reactor, upstream, settings.getbool("ALLOW_PRIVATE_ADDRESSES"),
                   frozenset(h.lower() for h in settings.getlist("ALLOWED_PRIVATE_HOSTS")), cache_size)

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def _exempt(self, host: str, port: int) -> bool:
        return self.allow_private or host in self.allowed_hosts or f"{host}:{port}" in self.allowed_hosts

    def resolveHostName(self, resolutionReceiver: IResolutionReceiver, hostName: str,
                        portNumber: int = 0, addressTypes: Sequence[type[IAddress]] | None = None,
                        transportSemantics: str = "TCP") -> IHostResolution:
        host = hostName.lower()
        if self._exempt(host, portNumber):
            return self.upstream.resolveHostName(resolutionReceiver, hostName, portNumber, addressTypes,
                                                 transportSemantics)
        cached = self._approved.get(host)
        if cached is not None and cached[0] > time.monotonic():
            resolution = HostResolution(hostName)
            resolutionReceiver.resolutionBegan(resolution)
            for address in cached[1]:
                resolutionReceiver.addressResolved(_with_port(address, portNumber))
            resolutionReceiver.resolutionComplete()
            return resolution
        return self.upstream.resolveHostName(_Collector(self, resolutionReceiver, host, portNumber), hostName,
                                             portNumber, addressTypes, transportSemantics)

    def approve(self, host: str, addresses: list[IAddress]) -> list[IAddress]:
        """The answers that may be connected to: all of them, or none when any one is off limits
        (a name that answers with a public and a private address is refused, as before download)."""
        reasons = [refusal(host, ip, reason) for address in addresses
                   if (reason := forbidden_reason(ip := str(getattr(address, "host", ""))))]
        if reasons:
            self.refused[host] = reasons[0]
            while len(self.refused) > 1000:
                self.refused.popitem(last=False)
            return []
        self.refused.pop(host, None)
        if addresses and self.cache_size:
            self._approved[host] = (time.monotonic() + VERDICT_SECONDS, addresses)
            self._approved.move_to_end(host)
            while len(self._approved) > self.cache_size:
                self._approved.popitem(last=False)
        return addresses


def _with_port(address: IAddress, port: int) -> IAddress:
    if isinstance(address, IPv4Address | IPv6Address):
        return type(address)(address.type, address.host, port)
    return address


def refusal_for(host: str) -> str | None:
    """Why the installed resolver refused every address of ``host`` (None if it did not, or if the
    guard is not the reactor's resolver)."""
    from twisted.internet import reactor

    resolver = getattr(reactor, "nameResolver", None)
    return resolver.refused.get(host.lower()) if isinstance(resolver, GuardedResolver) else None
