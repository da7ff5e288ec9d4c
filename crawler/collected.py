"""What the crawl has already collected: article URLs and body fingerprints.

Seeded from the JSONL files the crawl appends to (its ``FEEDS``), so a second crawl with the same
output skips what it already has, and a crawl resumed with ``JOBDIR`` never writes an article twice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from w3lib.url import canonicalize_url

from cleaners.keys import key64

logger = logging.getLogger(__name__)


def url_key(url: str) -> str:
    """A URL as compared for repeats: canonical query order, no fragment, no ``www.``."""
    canonical = canonicalize_url(url)
    parts = urlsplit(canonical)
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path}{'?' + parts.query if parts.query else ''}"


JSONL_FORMATS = ("jsonlines", "jl", "jsonl")


def _appended_local_feeds(crawler: Crawler, formats: tuple[str, ...]) -> list[Path]:
    paths = []
    for uri, options in crawler.settings.getdict("FEEDS").items():
        uri = str(uri)
        if "%(" in uri or options.get("overwrite", False):
            continue
        if options.get("format") not in formats:
            continue
        scheme = urlsplit(uri).scheme
        if scheme in ("", "file") or len(scheme) == 1:  # a bare path (or a Windows drive letter)
            paths.append(Path(uri.removeprefix("file://")))
    return paths


def appended_jsonl_outputs(crawler: Crawler) -> list[Path]:
    """Local JSON Lines feeds the crawl appends to (an overwritten feed starts empty)."""
    return _appended_local_feeds(crawler, JSONL_FORMATS)


def appended_outputs(crawler: Crawler) -> list[Path]:
    """Local article feeds the crawl appends to, JSON Lines and Parquet: what they hold is collected."""
    return _appended_local_feeds(crawler, (*JSONL_FORMATS, "parquet"))


class CollectedIndex:
    """Keys of what was collected: URL keys (``url_key``) and body fingerprints, each held as a
    64-bit hash (``cleaners.keys``), about 60 bytes an entry however long the URL: at most three
    entries an article, so a million articles cost under 200 MB, and a lookup is one set probe."""

    def __init__(self) -> None:
        self.urls: set[int] = set()
        self.fingerprints: set[int] = set()

    @classmethod
    def from_files(cls, paths: Iterable[Path]) -> CollectedIndex:
        index = cls()
        for record in cls.records(paths):
            index.add(record)
        return index

    @staticmethod
    def records(paths: Iterable[Path]) -> Iterator[dict[str, Any]]:
        """The article records of JSONL and Parquet files (failure records and bad lines skipped)."""
        for path in paths:
            if path.suffix == ".parquet":
                from cleaners.write.parquet import read_articles  # pyarrow only for crawls that write Parquet

                yield from read_articles(path, columns=["url", "canonicalUrl", "metadata"])
                continue
            if not path.is_file():
                continue
            with path.open(encoding="utf-8", errors="replace") as lines:
                for number, line in enumerate(lines, 1):
                    try:
                        record = json.loads(line)
                    except ValueError:
                        logger.warning("%s line %d is not valid JSON; skipped", path, number)
                        continue
                    if isinstance(record, dict) and "error" not in record:
                        yield record

    def add(self, record: dict[str, Any]) -> None:
        for address in (record.get("url"), record.get("canonicalUrl")):
            if address:
                self.urls.add(key64(url_key(address)))
        if fingerprint := (record.get("metadata") or {}).get("fingerprint"):
            self.fingerprints.add(key64(fingerprint))

    def has_url(self, url: str) -> bool:
        return key64(url_key(url)) in self.urls

    def claim(self, record: dict[str, Any]) -> str | None:
        """Why the record repeats an article already collected, or None after adding it."""
        if reason := self.duplicate_reason(record):
            return reason
        self.add(record)
        return None

    def duplicate_reason(self, record: dict[str, Any]) -> str | None:
        for name, address in (("URL", record.get("url")), ("canonical URL", record.get("canonicalUrl"))):
            if address and self.has_url(address):
                return f"its {name} {address} is already collected"
        fingerprint = (record.get("metadata") or {}).get("fingerprint")
        if fingerprint and key64(fingerprint) in self.fingerprints:
            return "the same text is already collected under another URL"
        return None
