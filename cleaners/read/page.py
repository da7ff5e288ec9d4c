"""The one input record every source (a crawl, a saved file, a WARC record) becomes before cleaning.

Keeping a single frozen record means the crawler, the command line and the WARC reader cannot
drift apart: they only differ in how they fill it in.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import attrs


def _lowercase_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (headers or {}).items()}


@attrs.frozen(kw_only=True)
class Page:
    """A fetched or saved page, exactly as it arrived.

    ``url`` is the address that was asked for (or the one the user gave), ``final_url`` the one
    that answered after redirects; both may be unknown for a saved file, in which case the
    cleaner falls back on the page's own canonical or ``og:url``.
    """

    body: bytes
    url: str | None = None
    final_url: str | None = None
    headers: Mapping[str, str] = attrs.field(factory=dict, converter=_lowercase_headers)
    fetched_at: datetime | None = None
    source: str = "memory"

    @property
    def address(self) -> str | None:
        """The best known address of the page: where it answered from, else where it was asked."""
        return self.final_url or self.url

    def downloaded_at(self) -> datetime:
        return self.fetched_at or datetime.now(UTC)
