"""No secret in any log line: every log record is masked as it is made (``cleaners.redact``:
passwords in URLs, ``token=``-style values), whatever logged it: scrapy-redis, redis-py's errors
and their tracebacks, Scrapy's own lines, our messages.

A log record factory, not a handler filter: Scrapy replaces its root handler when a crawler
applies its settings, which would drop a filter set on the handler; the factory sees every record
of every logger. Installed by the ``SecretsOutOfLogs`` add-on, before anything logs a setting.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from scrapy.settings import BaseSettings

from cleaners.redact import redact

REDIS_URL_ENVIRONMENT = "NEWSCLEAN_REDIS_URL"
"""Where a worker can find ``REDIS_URL`` without it showing in the process list (``ps``)."""


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """The record with its message, and its traceback when it has one, masked."""
    message = record.getMessage()
    if (masked := redact(message)) != message:
        record.msg, record.args = masked, None
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    return record


def install_log_redaction() -> None:
    previous = logging.getLogRecordFactory()
    if getattr(previous, "masks_secrets", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return mask_record(previous(*args, **kwargs))

    factory.masks_secrets = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


class SecretsOutOfLogs:
    """Add-on: masks secrets in every log line; takes ``REDIS_URL`` from ``NEWSCLEAN_REDIS_URL``
    when the command line gives none."""

    def update_settings(self, settings: BaseSettings) -> None:
        install_log_redaction()
        if not settings.get("REDIS_URL") and (url := os.environ.get(REDIS_URL_ENVIRONMENT)):
            settings.set("REDIS_URL", url, priority="addon")
