"""Retry-After values: seconds or an HTTP date."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.retry import retry_after_seconds


def test_seconds_and_dates():
    now = datetime(2024, 4, 10, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120", now) == 120
    assert retry_after_seconds(b"Wed, 10 Apr 2024 12:00:30 GMT", now) == 30
    assert retry_after_seconds(b"Wed, 10 Apr 2024 11:00:00 GMT", now) == 0
    assert retry_after_seconds(b"soon", now) is None
    assert retry_after_seconds(None, now) is None
