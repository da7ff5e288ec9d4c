"""Redis key names of one crawl: ``REDIS_KEY_PREFIX`` (default ``newsclean``) and the spider's name.

Two crawls on one Redis keep apart by prefix (or database number in ``REDIS_URL``); the workers of
one crawl share every key.
"""

from __future__ import annotations

import attrs
from scrapy.settings import BaseSettings


@attrs.frozen
class ClusterKeys:
    base: str

    @classmethod
    def of(cls, settings: BaseSettings, spider_name: str) -> ClusterKeys:
        return cls(f"{settings.get('REDIS_KEY_PREFIX') or 'newsclean'}:{spider_name}")

    def _key(self, part: str) -> str:
        return f"{self.base}:{part}"

    # the frontier (crawler/cluster/queue.py)
    queue = property(lambda self: self._key("queue"))
    """Sorted set: request ids waiting, by priority then age."""
    requests = property(lambda self: self._key("requests"))
    """Hash: request id -> the serialized request, until it is acknowledged."""
    priorities = property(lambda self: self._key("priorities"))
    """Hash: request id -> its priority, to put an expired lease back in its place."""
    leases = property(lambda self: self._key("leases"))
    """Sorted set: request ids taken by a worker, by the time their lease runs out."""
    holders = property(lambda self: self._key("holders"))
    """Hash: request id -> the worker holding its lease."""
    counter = property(lambda self: self._key("counter"))
    # the rest of the crawl's state (crawler/cluster/shared.py)
    dupefilter = property(lambda self: self._key("dupefilter"))
    discovered = property(lambda self: self._key("discovered"))
    pages = property(lambda self: self._key("pages"))
    collected_urls = property(lambda self: self._key("collected:urls"))
    collected_texts = property(lambda self: self._key("collected:texts"))
    seeded = property(lambda self: self._key("seeded"))
    heartbeats = property(lambda self: self._key("heartbeats"))
    """Hash: worker -> when it last renewed its leases (ms, Redis clock)."""
    done = property(lambda self: self._key("done"))
    """Hash: worker -> requests it acknowledged (for watching the cluster)."""
