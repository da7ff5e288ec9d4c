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

from crawler.cluster.batch import Batcher
from crawler.cluster.keys import ClusterKeys

LEASE = "newsclean_lease"
"""Request meta: the id of the queue entry a worker took the request from."""

# KEYS: queue, requests, priorities, counter, leases, holders, seen-request set. ARGV: priority,
# payload, lease to end, fingerprint to add to the seen set first ('' for none). Returns the new id,
# or false when the fingerprint was already seen: nothing is queued, and the lease ends (a redirect
# to a URL already scheduled leaves nothing to do).
_PUSH = """
local queued = false
if ARGV[4] == '' or redis.call('SADD', KEYS[7], ARGV[4]) == 1 then
  queued = string.format('%020d', redis.call('INCR', KEYS[4]))
  redis.call('HSET', KEYS[2], queued, ARGV[2])
  redis.call('HSET', KEYS[3], queued, ARGV[1])
  redis.call('ZADD', KEYS[1], -tonumber(ARGV[1]), queued)
end
if ARGV[3] ~= '' then
  redis.call('ZREM', KEYS[5], ARGV[3])
  redis.call('HDEL', KEYS[6], ARGV[3])
  redis.call('HDEL', KEYS[2], ARGV[3])
  redis.call('HDEL', KEYS[3], ARGV[3])
end
return queued
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
                 keys: ClusterKeys, worker: str, lease_seconds: float, batcher: Batcher | None = None,
                 prefetch: int = 1) -> None:
        super().__init__(server, spider, key, serializer)
        self.keys = keys
        self.worker = worker
        self.lease_ms = int(lease_seconds * 1000)
        self.batcher = batcher
        """With a batcher, pushes and acknowledgements go out with its next pipeline."""
        self.prefetch = prefetch
        """Requests taken per round trip; the rest wait here, leased (and renewed) like the first."""
        self._taken: list[tuple[str, bytes]] = []
        self._push = server.register_script(_PUSH)
        self._take = server.register_script(_TAKE)
        self._ack = server.register_script(_ACK)
        self._renew = server.register_script(_RENEW)

    def _encode_request(self, request: Request) -> bytes:
        """``Request.to_dict(spider=...)`` without its cost: Scrapy finds a callback's name by
        listing every method of the spider (``inspect.getmembers``, about 0.1 ms a request, twice);
        a bound method of the spider names itself."""
        data: dict[str, Any] = {"url": request.url, "callback": self._method_name(request.callback),
                                "errback": self._method_name(request.errback), "headers": dict(request.headers)}
        for attribute in request.attributes:
            data.setdefault(attribute, getattr(request, attribute))
        if type(request) is not Request:
            data["_class"] = f"{type(request).__module__}.{type(request).__name__}"
        return self.serializer.dumps(data)

    def _method_name(self, function: Any) -> Any:
        if not callable(function):
            return function
        name = getattr(function, "__name__", None)
        bound = getattr(self.spider, name, None) if name else None
        if getattr(function, "__self__", None) is self.spider and getattr(bound, "__func__", None) is getattr(
                function, "__func__", object()):
            return name
        raise ValueError(f"{function} is not a method of the spider {self.spider!r}: it cannot be queued in Redis")

    def __len__(self) -> int:
        return int(self.server.zcard(self.keys.queue))

    def leased(self) -> int:
        return int(self.server.zcard(self.keys.leases))

    def push(self, request: Request, seen: tuple[str, bytes] | None = None) -> bool:
        """Queue a request; with ``seen`` (a seen-request set and the request's fingerprint), only
        if the fingerprint is new, in the same step. Sent with the batcher's next pipeline if there
        is one (True: the answer is not awaited), else at once (False when it was not queued)."""
        payload, lease = self._encode_request(request), request.meta.get(LEASE) or ""
        if self.batcher is not None:
            self.batcher.script(self._push, self._push_keys(seen), [request.priority, payload, lease,
                                                                    seen[1] if seen else b""])
            return True
        return self.push_encoded(request.priority, payload, lease, seen) is not None

    def _push_keys(self, seen: tuple[str, bytes] | None) -> list[str]:
        k = self.keys
        return [k.queue, k.requests, k.priorities, k.counter, k.leases, k.holders, seen[0] if seen else k.dupefilter]

    def push_encoded(self, priority: int, payload: bytes, ending_lease: str = "",
                     seen: tuple[str, bytes] | None = None) -> str | None:
        """Queue a serialized request (scrapy-redis's format); its id, or None if ``seen`` says it was
        seen before."""
        entry = self._push(keys=self._push_keys(seen), args=[priority, payload, ending_lease, seen[1] if seen else b""])
        if entry is None:
            return None
        return entry.decode() if isinstance(entry, bytes) else str(entry)

    def pop(self, timeout: float = 0) -> Request | None:
        """The next request leased to this worker. When the queue looks empty while this worker
        still has writes waiting in the batcher, they go out and the queue is asked again: an idle
        worker's engine, woken by a request handed back to the queue, then finds it at once
        (without this it looked before the push was sent, and slept until its next 5-second
        heartbeat). A queue that has work is taken from without waiting for the batch."""
        if not self._taken:
            self._taken = self._take_some()
            if not self._taken and self.batcher is not None and self.batcher.pending:
                self.batcher.flush()
                self._taken = self._take_some()
        if not self._taken:
            return None
        lease, payload = self._taken.pop()
        request = self._decode_request(payload)
        request.meta[LEASE] = lease
        return request

    def _take_some(self) -> list[tuple[str, bytes]]:
        """Up to ``prefetch`` entries, leased to this worker, the first to hand out last."""
        k = self.keys
        taken = self._take(keys=[k.queue, k.requests, k.priorities, k.leases, k.holders],
                           args=[self.lease_ms, self.worker, self.prefetch])
        return [(taken[i].decode(), taken[i + 1]) for i in range(len(taken) - 2, -1, -2)]

    def waiting_here(self) -> list[str]:
        """Leases taken ahead and not handed to the engine yet (renewed with the others)."""
        return [lease for lease, _ in self._taken]

    def ack(self, leases: list[str]) -> None:
        k = self.keys
        keys, args = [k.requests, k.priorities, k.leases, k.holders, k.done], [self.worker, *leases]
        if self.batcher is not None:
            self.batcher.script(self._ack, keys, args)
        else:
            self._ack(keys=keys, args=args)

    def renew(self, leases: list[str]) -> int:
        """Extend the leases this worker holds, and say it is alive."""
        return int(self._renew(keys=[self.keys.leases, self.keys.heartbeats],
                               args=[self.lease_ms, self.worker, *leases]))

    def clear(self) -> None:
        k = self.keys
        self.server.delete(k.queue, k.requests, k.priorities, k.leases, k.holders, k.counter)
