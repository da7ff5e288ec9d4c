"""Secrets out of text that reaches a log line or an output file.

A user passes ``REDIS_URL=rediss://crawler:password@host:6380/0`` on the command line; Scrapy logs
its overridden settings at start-up, and an error message can quote a URL. Every URL's password
(``scheme://user:password@``) and every ``password=`` / ``token=`` style query value is shown as
``***``; the user name, host and port stay, since they say where without giving access.
"""

from __future__ import annotations

import re

_URL_PASSWORD = re.compile(r"(?P<start>\b[a-z][a-z0-9+.\-]*://[^:/@\s'\"]*):(?P<secret>[^@/\s'\"]+)@", re.IGNORECASE)
_QUERY_SECRET = re.compile(r"(?P<start>[?&;](?:password|passwd|pwd|pass|token|secret|api[_-]?key|access[_-]?key)=)"
                           r"(?P<secret>[^&\s'\"#]+)", re.IGNORECASE)
MASK = "***"


def redact(text: str) -> str:
    """``text`` with URL passwords and secret query values masked."""
    if "://" not in text and "=" not in text:
        return text
    text = _URL_PASSWORD.sub(lambda m: f"{m['start']}:{MASK}@", text)
    return _QUERY_SECRET.sub(lambda m: f"{m['start']}{MASK}", text)
