"""The Redis client every cluster component uses: scrapy-redis's ``REDIS_URL`` / ``REDIS_PARAMS``
handling, plus patience when Redis goes away.

A worker whose Redis is unreachable (restarting, failing over, a network cut) waits: every command
is retried with exponential backoff (0.1 s doubling to 10 s) for as long as it takes, so nothing is
lost and nothing crashes, and the crawl carries on where it was when Redis answers again. The log
says so once when Redis goes away and once when it is back, not once per command. (While it waits
the worker does nothing else; downloads that time out meanwhile are retried as usual.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from redis import Redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry
from scrapy.settings import BaseSettings
from scrapy_redis.connection import get_redis_from_settings

logger = logging.getLogger(__name__)

T = TypeVar("T")


_waiting_for: set[str] = set()
"""Servers this process is waiting for: every client of one server shares the one log line."""


class PatientRetry(Retry):
    def __init__(self, where: str) -> None:
        super().__init__(ExponentialBackoff(cap=10.0, base=0.1), retries=-1,
                         supported_errors=(RedisConnectionError, RedisTimeoutError))
        self.where = where

    def call_with_retry(self, do: Callable[[], T], fail: Callable[..., Any], *args: Any, **kwargs: Any) -> T:
        def failed(error: Exception, *rest: Any) -> Any:
            if self.where not in _waiting_for:
                _waiting_for.add(self.where)
                logger.warning("Redis at %s is unreachable (%s): this worker waits for it", self.where, error)
            return fail(error, *rest)

        result = super().call_with_retry(do, failed, *args, **kwargs)
        if self.where in _waiting_for:
            _waiting_for.discard(self.where)
            logger.warning("Redis at %s answers again: the crawl carries on", self.where)
        return result


def redis_client(settings: BaseSettings) -> Redis:
    redis_settings = BaseSettings({name: settings[name] for name in settings if name.startswith("REDIS_")})
    redis_settings.set("REDIS_PARAMS", {**settings.getdict("REDIS_PARAMS"),
                                        "retry": PatientRetry(_address(settings.get("REDIS_URL") or "")),
                                        "retry_on_error": [RedisConnectionError, RedisTimeoutError]})
    return get_redis_from_settings(redis_settings)


def _address(url: str) -> str:
    """The server's address without a password (``redis://:secret@host`` -> ``host:port/db``)."""
    return url.rsplit("@", 1)[-1].split("://", 1)[-1]
