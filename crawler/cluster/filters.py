"""The shared seen-request filter, exact or Bloom (``SEEN_FILTER``).

Exact: scrapy-redis's filter (one Redis set, ``SADD`` says whether a request is new), keyed by the
first 16 bytes of Scrapy's own request fingerprint.

Bloom: one Redis bitmap, for a filter of 100 million URLs and more. The exact filter costs Redis
about 70-90 bytes per request (see the README's figures); a Bloom filter sized for ``capacity`` URLs
at ``error_rate`` false positives needs ``-capacity * ln(error_rate) / ln(2)^2`` bits whatever the
URLs, about 1.8 bytes a URL at 0.1%. The price: a new URL is taken for seen with probability
``error_rate``, and that URL is then not fetched. Positions come from the fingerprint by double
hashing; one Lua script tests and sets them, atomically for every worker.
"""

from __future__ import annotations

import math
from typing import Any

from scrapy.crawler import Crawler
from scrapy.http import Request
from scrapy_redis.dupefilter import RFPDupeFilter


class SharedRequestFilter(RFPDupeFilter):
    """scrapy-redis's filter (one Redis set, ``SADD`` says whether a request is new), keyed by the
    first 16 bytes of Scrapy's own request fingerprint: half the size of scrapy-redis's hex SHA1,
    and the same notion of "same request" as the rest of the crawl. Never cleared on close: the
    crawl outlives any one worker."""

    def __init__(self, server: Any, key: str, crawler: Crawler) -> None:
        super().__init__(server, key, debug=crawler.settings.getbool("DUPEFILTER_DEBUG"))
        self.fingerprinter = crawler.request_fingerprinter

    def request_fingerprint(self, request: Request) -> bytes:  # type: ignore[override]
        return self.fingerprinter.fingerprint(request)[:16]

    def close(self, reason: str = "") -> None:
        return

    def checked_in_push(self, request: Request) -> tuple[str, bytes] | None:
        """The set and fingerprint for the queue to test and add in the same round trip as the push
        (None: test with ``request_seen`` first)."""
        return self.key, self.request_fingerprint(request)


MAX_BITS = 2**32
"""A Redis string holds at most 512 MiB."""

# KEYS: bitmap. ARGV: positions. Returns 1 if every bit was set (seen), after setting them all.
_TEST_AND_SET = """
local seen = 1
for i = 1, #ARGV do
  if redis.call('SETBIT', KEYS[1], ARGV[i], 1) == 0 then seen = 0 end
end
return seen
"""


def bloom_size(capacity: int, error_rate: float) -> tuple[int, int]:
    """(bits, hash functions) for ``capacity`` items at ``error_rate`` false positives."""
    bits = min(MAX_BITS, math.ceil(-capacity * math.log(error_rate) / math.log(2) ** 2))
    return bits, max(1, round(bits / capacity * math.log(2)))


def positions(fingerprint: bytes, bits: int, hashes: int) -> list[int]:
    first = int.from_bytes(fingerprint[:8], "little")
    second = int.from_bytes(fingerprint[8:16], "little") | 1
    return [(first + i * second) % bits for i in range(hashes)]


class BloomRequestFilter(SharedRequestFilter):
    def __init__(self, server: Any, key: str, crawler: Crawler) -> None:
        super().__init__(server, f"{key}:bloom", crawler)
        settings = crawler.settings
        self.bits, self.hashes = bloom_size(settings.getint("BLOOM_CAPACITY"), settings.getfloat("BLOOM_ERROR_RATE"))
        self._test_and_set = server.register_script(_TEST_AND_SET)

    def checked_in_push(self, request: Request) -> tuple[str, bytes] | None:
        return None

    def request_seen(self, request: Request) -> bool:
        return self.seen_fingerprint(self.request_fingerprint(request))

    def seen_fingerprint(self, fingerprint: bytes) -> bool:
        return bool(self._test_and_set(keys=[self.key], args=positions(fingerprint, self.bits, self.hashes)))


def request_filter(kind: str | None) -> type[SharedRequestFilter]:
    """``SEEN_FILTER``: ``exact`` (a Redis set of fingerprints) or ``bloom`` (a Redis bitmap)."""
    if kind == "bloom":
        return BloomRequestFilter
    if kind in (None, "", "exact"):
        return SharedRequestFilter
    raise ValueError(f"SEEN_FILTER {kind!r} is not exact or bloom")
