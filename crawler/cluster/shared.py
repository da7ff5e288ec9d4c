"""The crawl's memory, shared by every worker through Redis.

- ``SharedDiscovery``: the spider's set of discovered URLs (64-bit keys; ``SADD`` says whether a
  URL is new, so one worker alone decides each URL: fetch it, or refuse it with one outcome line),
  per-site page counts for ``MAX_PAGES_PER_SITE``, and which worker seeds the frontier. The URLs a
  page or a listing yields are decided together, in one round trip (a sitemap of 50,000 URLs too).
- ``SharedCollectedIndex``: URL, canonical URL and body-fingerprint keys of the articles written,
  checked and held in one atomic step, so two workers never both write the same article, and a
  worker killed between the check and the write does not keep the article from the others.
"""

from __future__ import annotations

from typing import Any

from redis import Redis
from scrapy.crawler import Crawler

from cleaners.keys import key64
from crawler.cluster.connection import redis_client
from crawler.cluster.keys import ClusterKeys
from crawler.cluster.scheduler import worker_name
from crawler.collected import url_key


def _packed(key: int) -> bytes:
    return key.to_bytes(8, "little")


# KEYS: discovered set, pages hash. ARGV: site, limit, then (URL key, wanted) pairs. For each URL:
# 0 found before, 1 new and counted against the site, 2 new but past the limit, 3 new and not wanted.
_DECIDE = """
local out = {}
local count = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local limit = tonumber(ARGV[2])
for i = 3, #ARGV, 2 do
  if redis.call('SADD', KEYS[1], ARGV[i]) == 0 then table.insert(out, 0)
  elseif ARGV[i + 1] == '0' then table.insert(out, 3)
  elseif limit > 0 and count >= limit then table.insert(out, 2)
  else count = count + 1; table.insert(out, 1) end
end
redis.call('HSET', KEYS[2], ARGV[1], count)
return out
"""


class SharedDiscovery:
    def __init__(self, server: Redis, keys: ClusterKeys, worker: str) -> None:
        self.server = server
        self.keys = keys
        self.worker = worker
        self._decide = server.register_script(_DECIDE)

    def decide(self, site: int, urls: list[str], wanted: list[bool], limit: int) -> list[int]:
        """Codes for URLs found together (see ``Verdict`` in the spider), in one round trip."""
        if not urls:
            return []
        args: list[Any] = [site, limit]
        for url, want in zip(urls, wanted, strict=True):
            args += [_packed(key64(url)), 1 if want else 0]
        return [int(code) for code in self._decide(keys=[self.keys.discovered, self.keys.pages], args=args)]

    def first_sight(self, url: str) -> bool:
        return bool(self.server.sadd(self.keys.discovered, _packed(key64(url))))

    def claim_seeding(self) -> bool:
        """True for the one worker that seeds the frontier from the crawl's inputs."""
        return bool(self.server.set(self.keys.seeded, self.worker, nx=True))


# A key of the index is "w" once its article is written, or "p:<worker>" while a worker holds it
# between the duplicate check and the write. A hold by a worker whose heartbeat stopped is void: it
# was killed before writing (or right after, and the page may then appear twice, never lost).
# KEYS: urls, texts, heartbeats. ARGV: heartbeat timeout ms, worker, text key (or ''), URL keys...
# Returns 0 (held for this worker), 1 (a URL is collected or held) or 2 (the text is).
_CLAIM = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local function taken(value)
  if not value then return false end
  if value == 'w' then return true end
  local holder = string.sub(value, 3)
  if holder == ARGV[2] then return false end
  local beat = redis.call('HGET', KEYS[3], holder)
  return beat ~= false and ms - tonumber(beat) < tonumber(ARGV[1])
end
for i = 4, #ARGV do
  if taken(redis.call('HGET', KEYS[1], ARGV[i])) then return 1 end
end
if ARGV[3] ~= '' and taken(redis.call('HGET', KEYS[2], ARGV[3])) then return 2 end
local hold = 'p:' .. ARGV[2]
for i = 4, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], hold) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], ARGV[3], hold) end
return 0
"""

# KEYS: urls, texts. ARGV: text key (or ''), URL keys...
_WRITTEN = """
for i = 2, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], 'w') end
if ARGV[1] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], 'w') end
return 1
"""


class SharedCollectedIndex:
    """The ``CollectedIndex`` interface over two Redis hashes of 8-byte keys: ``claim`` holds an
    article's keys for this worker (atomically, so two workers never both take the same article),
    ``add`` marks them written (after the feed wrote the line, and for what the output files hold)."""

    def __init__(self, server: Redis, keys: ClusterKeys, worker: str, heartbeat_timeout: float) -> None:
        self.server = server
        self.keys = keys
        self.worker = worker
        self.timeout_ms = int(heartbeat_timeout * 1000)
        self._claim = server.register_script(_CLAIM)
        self._written = server.register_script(_WRITTEN)

    @staticmethod
    def _url_keys(record: dict[str, Any]) -> list[bytes]:
        return [_packed(key64(url_key(a))) for a in (record.get("url"), record.get("canonicalUrl")) if a]

    @staticmethod
    def _text_key(record: dict[str, Any]) -> bytes | str:
        fingerprint = (record.get("metadata") or {}).get("fingerprint")
        return _packed(key64(fingerprint)) if fingerprint else ""

    def has_url(self, url: str) -> bool:
        return self.server.hget(self.keys.collected_urls, _packed(key64(url_key(url)))) == b"w"

    def add(self, record: dict[str, Any]) -> None:
        self._written(keys=[self.keys.collected_urls, self.keys.collected_texts],
                      args=[self._text_key(record), *self._url_keys(record)])

    def claim(self, record: dict[str, Any]) -> str | None:
        verdict = int(self._claim(keys=[self.keys.collected_urls, self.keys.collected_texts, self.keys.heartbeats],
                                  args=[self.timeout_ms, self.worker, self._text_key(record),
                                        *self._url_keys(record)]))
        if verdict == 1:
            return "its URL or canonical URL is already collected (by this or another worker)"
        if verdict == 2:
            return "the same text is already collected under another URL (by this or another worker)"
        return None


def shared_discovery(crawler: Crawler) -> SharedDiscovery:
    assert crawler.spider is not None
    return SharedDiscovery(redis_client(crawler.settings),
                           ClusterKeys.of(crawler.settings, crawler.spider.name), worker_name(crawler))
