"""The shared frontier: a priority queue in Redis whose requests are leased, not popped.

scrapy-redis pops a request, so whatever a killed worker held is lost (Scrapy's JOBDIR has the same
gap, scrapy/scrapy#4106). Here taking a request moves its id from the queue to a lease that runs out
``LEASE_SECONDS`` later; the worker renews the leases of what it still holds, and acknowledges a
request once its outcome is recorded, which deletes it. A lease that runs out (its worker was
killed, or its machine is gone) puts the request back in the queue at its priority, for any worker.

Why a sorted set and not a Redis stream with a consumer group (XREADGROUP / XACK / XAUTOCLAIM,
which leases natively): a stream has no priorities, and the crawl needs them (feeds and sitemaps
wait behind the pages already listed). Every step is one Lua script, so it is atomic whichever
workers run it at once, and lease times come from the Redis server's clock, not the workers'.
"""

from __future__ import annotations

from typing import Any

from redis import Redis
from scrapy import Spider
from scrapy.http import Request
from scrapy_redis.queue import Base

from crawler.cluster.keys import ClusterKeys

LEASE = "newsclean_lease"
"""Request meta: the id of the queue entry a worker took the request from."""

# KEYS: queue, requests, priorities, counter, leases, holders, seen-request set. ARGV: priority,
# payload, lease to end, fingerprint to add to the seen set first ('' for none). Returns the new id,
# or false when the fingerprint was already seen (nothing queued, no lease ended).
_PUSH = """
if ARGV[4] ~= '' and redis.call('SADD', KEYS[7], ARGV[4]) == 0 then return false end
local id = string.format('%020d', redis.call('INCR', KEYS[4]))
redis.call('HSET', KEYS[2], id, ARGV[2])
redis.call('HSET', KEYS[3], id, ARGV[1])
redis.call('ZADD', KEYS[1], -tonumber(ARGV[1]), id)
if ARGV[3] ~= '' then
  redis.call('ZREM', KEYS[5], ARGV[3])
  redis.call('HDEL', KEYS[6], ARGV[3])
  redis.call('HDEL', KEYS[2], ARGV[3])
  redis.call('HDEL', KEYS[3], ARGV[3])
end
return id
"""

# KEYS: queue, requests, priorities, leases, holders. ARGV: lease milliseconds, worker, how many.
_TAKE = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', ms, 'LIMIT', 0, 1000)
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[4], id)
  redis.call('HDEL', KEYS[5], id)
  redis.call('ZADD', KEYS[1], -tonumber(redis.call('HGET', KEYS[3], id) or '0'), id)
end
local taken = {}
local popped = redis.call('ZPOPMIN', KEYS[1], tonumber(ARGV[3]))
for i = 1, #popped, 2 do
  local id = popped[i]
  local payload = redis.call('HGET', KEYS[2], id)
  if payload then
    redis.call('ZADD', KEYS[4], ms + tonumber(ARGV[1]), id)
    redis.call('HSET', KEYS[5], id, ARGV[2])
    table.insert(taken, id)
    table.insert(taken, payload)
  end
end
return taken
"""

# KEYS: requests, priorities, leases, holders, done. ARGV: worker, ids...
_ACK = """
local acked = 0
for i = 2, #ARGV do
  acked = acked + redis.call('ZREM', KEYS[3], ARGV[i])
  redis.call('HDEL', KEYS[1], ARGV[i])
  redis.call('HDEL', KEYS[2], ARGV[i])
  redis.call('HDEL', KEYS[4], ARGV[i])
end
redis.call('HINCRBY', KEYS[5], ARGV[1], acked)
return acked
"""

# KEYS: leases, heartbeats. ARGV: lease milliseconds, worker, ids... Renews only leases that still
# exist, and notes the worker's heartbeat.
_RENEW = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('HSET', KEYS[2], ARGV[2], ms)
local renewed = 0
for i = 3, #ARGV do
  renewed = renewed + redis.call('ZADD', KEYS[1], 'XX', 'CH', ms + tonumber(ARGV[1]), ARGV[i])
end
return renewed
"""


class LeasedPriorityQueue(Base):
    """scrapy-redis's queue interface (``push``, ``pop``, ``__len__``, ``clear``) over leases.

    ``pop`` returns a request whose ``meta[LEASE]`` names its entry; pushing a request that carries
    a lease (a retry or a redirect of a leased request) ends that lease in the same step, so the
    new entry takes over the duty of finishing it.
    """

    def __init__(self, server: Redis, spider: Spider, key: str, serializer: Any = None, *,
                 keys: ClusterKeys, worker: str, lease_seconds: float) -> None:
        super().__init__(server, spider, key, serializer)
        self.keys = keys
        self.worker = worker
        self.lease_ms = int(lease_seconds * 1000)
        self._push = server.register_script(_PUSH)
        self._take = server.register_script(_TAKE)
        self._ack = server.register_script(_ACK)
        self._renew = server.register_script(_RENEW)

    def __len__(self) -> int:
        return int(self.server.zcard(self.keys.queue))

    def leased(self) -> int:
        return int(self.server.zcard(self.keys.leases))

    def push(self, request: Request, seen: tuple[str, bytes] | None = None) -> bool:
        """Queue a request; with ``seen`` (a seen-request set and the request's fingerprint), only
        if the fingerprint is new, in the same round trip. False when it was not queued."""
        entry = self.push_encoded(request.priority, self._encode_request(request), request.meta.get(LEASE) or "",
                                  seen)
        return entry is not None

    def push_encoded(self, priority: int, payload: bytes, ending_lease: str = "",
                     seen: tuple[str, bytes] | None = None) -> str | None:
        """Queue a serialized request (scrapy-redis's format); its id, or None if ``seen`` says it was
        seen before."""
        k = self.keys
        seen_key, fingerprint = seen if seen is not None else (k.dupefilter, b"")
        entry = self._push(keys=[k.queue, k.requests, k.priorities, k.counter, k.leases, k.holders, seen_key],
                           args=[priority, payload, ending_lease, fingerprint])
        if entry is None:
            return None
        return entry.decode() if isinstance(entry, bytes) else str(entry)

    def pop(self, timeout: float = 0) -> Request | None:
        k = self.keys
        taken = self._take(keys=[k.queue, k.requests, k.priorities, k.leases, k.holders],
                           args=[self.lease_ms, self.worker, 1])
        if not taken:
            return None
        lease, payload = taken[0], taken[1]
        request = self._decode_request(payload)
        request.meta[LEASE] = lease.decode() if isinstance(lease, bytes) else lease
        return request

    def ack(self, leases: list[str]) -> int:
        k = self.keys
        return int(self._ack(keys=[k.requests, k.priorities, k.leases, k.holders, k.done],
                             args=[self.worker, *leases]))

    def renew(self, leases: list[str]) -> int:
        """Extend the leases this worker holds, and say it is alive."""
        return int(self._renew(keys=[self.keys.leases, self.keys.heartbeats],
                               args=[self.lease_ms, self.worker, *leases]))

    def clear(self) -> None:
        k = self.keys
        self.server.delete(k.queue, k.requests, k.priorities, k.leases, k.holders, k.counter)
