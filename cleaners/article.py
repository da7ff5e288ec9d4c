"""The Article record: what every cleaned page becomes, in Zyte Article / schema.org names.

Every field but ``url`` may be unknown (``None``); ``to_dict`` still writes every key so the
JSONL schema is the same on every line. ``article.schema.json`` beside this module is the
published form of this class, and the tests validate output against it.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import attr
import attrs

CLEANER_VERSION = "0.1.0"


@attrs.frozen(kw_only=True)
class Author:
    """A person credited with the article, as a clean name ("Jane Doe", never "By Jane Doe")."""

    name: str


@attrs.frozen(kw_only=True)
class Image:
    """An image by its absolute URL."""

    url: str


@attrs.frozen(kw_only=True)
class CleaningMetadata:
    """How the record was made, so users can audit and deduplicate it."""

    dateDownloaded: str
    """ISO 8601 time (UTC) the page was fetched, or cleaned when the fetch time is unknown."""
    source: str
    """Where the page came from: a file path, ``crawl``, or a WARC file and record."""
    encoding: str
    """The character encoding the page was read with."""
    removedChrome: tuple[str, ...] = ()
    """Each paragraph the chrome stage dropped from the body, in page order."""
    fingerprint: str | None = None
    """``sha256:`` hex digest of the normalised body (casefolded, whitespace collapsed)."""
    cleanerVersion: str = CLEANER_VERSION


@attrs.frozen(kw_only=True)
class Article:
    """One clean news article."""

    url: str | None
    """The page's address: where it answered from, or its canonical when read from a file."""
    canonicalUrl: str | None = None
    """``<link rel=canonical>`` (or ``og:url``), absolute."""
    headline: str | None = None
    articleSection: str | None = None
    authors: tuple[Author, ...] = ()
    datePublished: str | None = None
    """ISO 8601; with a UTC offset when the page gives a time zone, a bare date when it gives only a day."""
    datePublishedRaw: str | None = None
    dateModified: str | None = None
    dateModifiedRaw: str | None = None
    inLanguage: str | None = None
    """ISO 639-1 language code (``en``)."""
    description: str | None = None
    articleBody: str = ""
    """Paragraphs separated by one blank line; whitespace normalised; no site chrome."""
    keywords: tuple[str, ...] = ()
    mainImage: Image | None = None
    sourceUrl: str | None = None
    """For syndicated copies: the original article this page credits."""
    metadata: CleaningMetadata | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: every key present, tuples as lists, unknown values as null."""
        return attr.asdict(self, retain_collection_types=False)


def article_schema() -> dict[str, Any]:
    """The JSON Schema of one output line (an article, or a record of why there is none)."""
    text = resources.files("cleaners").joinpath("article.schema.json").read_text("utf-8")
    return json.loads(text)
