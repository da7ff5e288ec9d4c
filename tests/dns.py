"""Name resolvers for tests (``GUARD_UPSTREAM_RESOLVER``): a hostile name whose answers change."""

from __future__ import annotations

from collections.abc import Sequence

from scrapy.resolver import HostResolution
from twisted.internet.address import IPv4Address
from twisted.internet.interfaces import IAddress, IHostnameResolver, IHostResolution, IResolutionReceiver
from zope.interface import implementer

REBINDING_HOST = "rebind.test"
ANSWERS = ("93.184.216.34", "169.254.169.254")
"""The first answer is public; every later one is the cloud metadata service (TTL 0)."""


@implementer(IHostnameResolver)
class RebindingResolver:
    """``rebind.test`` answers as ``ANSWERS`` say; other names are not found."""

    def __init__(self) -> None:
        self.asked = 0

    def resolveHostName(self, resolutionReceiver: IResolutionReceiver, hostName: str, portNumber: int = 0,
                        addressTypes: Sequence[type[IAddress]] | None = None,
                        transportSemantics: str = "TCP") -> IHostResolution:
        resolution = HostResolution(hostName)
        resolutionReceiver.resolutionBegan(resolution)
        if hostName == REBINDING_HOST:
            self.asked += 1
            answer = ANSWERS[min(self.asked, len(ANSWERS)) - 1]
            resolutionReceiver.addressResolved(IPv4Address("TCP", answer, portNumber))
        resolutionReceiver.resolutionComplete()
        return resolution
