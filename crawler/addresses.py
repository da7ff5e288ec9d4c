"""Which addresses a crawl may fetch from: public unicast only, unless the user says otherwise.

A crawler that follows links and redirects can be steered at a cloud metadata service
(169.254.169.254), an admin page on the local network or the machine itself. The policy is
applied to the URL's host as written, and to every address its name resolves to.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https")
Resolver = Callable[[str, int], Iterable[str]]


class AddressRefused(ValueError):
    """The URL may not be fetched; the message says why, naming the address."""


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def forbidden_reason(address: str) -> str | None:
    """Why an IP address is off limits, or None for a public unicast address. IPv6 forms that carry
    an IPv4 address (mapped ``::ffff:127.0.0.1``, NAT64 ``64:ff9b::7f00:1``, 6to4) are judged by
    it; a zone (``fe80::1%eth0``) is ignored; anything not globally routable is refused."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        elif ip in NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        elif ip.sixtofour:
            ip = ip.sixtofour
    for kind, flag in (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
                       ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
                       ("private", ip.is_private), ("reserved", ip.is_reserved)):
        if flag:
            return f"{address} is a {kind} address"
    if not ip.is_global:
        return f"{address} is not a public address"
    return None


def refusal(host: str, address: str, reason: str) -> str:
    """"rebind.example resolves to 169.254.169.254: a link-local address"."""
    return f"{host} resolves to {address}: {reason.split(' is ', 1)[1]}"


def numeric_ipv4(host: str) -> str | None:
    """The IPv4 address a host written as a number means to the C library (``2130706433``,
    ``0x7f.1``, ``0177.0.0.1`` all mean 127.0.0.1), or None for a name."""
    if not host or not all(c in "0123456789abcdefx." for c in host.lower()) or not host[0].isdigit():
        return None
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return None


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolves a name to (empty when it cannot)."""
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)})
    except (OSError, UnicodeError):
        return []


def check_url(url: str, allow_private: bool = False, allowed_hosts: Iterable[str] = (),
              resolve: Resolver = system_resolver) -> None:
    """Raise ``AddressRefused`` when the URL must not be fetched.

    ``allowed_hosts`` lists ``host`` or ``host:port`` exceptions (an intranet site, a test server).
    A name that does not resolve is let through: the download fails on its own, with its own error.
    """
    parts = urlsplit(url)
    if parts.scheme not in ALLOWED_SCHEMES:
        raise AddressRefused(f"only http and https are fetched, not {parts.scheme or 'a relative URL'}")
    host = (parts.hostname or "").lower()
    if not host:
        raise AddressRefused("the URL has no host")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if allow_private or host in allowed_hosts or f"{host}:{port}" in allowed_hosts:
        return
    if reason := forbidden_reason(host):
        raise AddressRefused(reason)
    if (number := numeric_ipv4(host)) and (reason := forbidden_reason(number)):
        raise AddressRefused(refusal(host, number, reason))
    for address in resolve(host, port):
        if reason := forbidden_reason(address):
            raise AddressRefused(refusal(host, address, reason))
