"""Site-level boilerplate: a paragraph that recurs on many pages of one site is chrome, even when
no rule names it ("SHARE YOUR STORY", a standing promo, a disclaimer).

Works on article records, after cleaning, so it serves a folder of saved pages (two passes: learn
from all, then apply) and a crawl (one pass: a line is dropped once it has been seen often enough).
A line counts once per page, and must appear on at least ``min_pages`` pages *and* on
``min_share`` of the pages seen from that site: a sentence quoted by two or three articles of a
site stays. What was learned can be written as a rules file (``rules_toml``) to use or edit.

Cost per page is flat however long the crawl. Lines are counted under a 64-bit hash of their
normalised text, never their text, and with lossy counting (Manku and Motwani, 2002): every
``window`` pages of a site, a line whose count could not reach a ``1 / window`` share of the pages
is forgotten. A line that is really on ``min_share`` of the pages (far above ``1 / window``) is never
forgotten, and its count is short by at most one per window of pages it missed. So each site holds
the lines of at most about two windows of pages plus its repeated lines, and a page costs one hash
and one lookup per paragraph. Only a line's text when it first counts as learned is kept, for the
rules file.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import attrs

from cleaners.body.chrome import normalise_line
from cleaners.keys import key64
from cleaners.pipeline import fingerprint

DEFAULT_MIN_PAGES = 4
DEFAULT_MIN_SHARE = 0.3
DEFAULT_WINDOW = 64
"""Pages of one site between two prunings; a line must be on more than 1/64 of the pages to stay."""
_MIN_LINE_CHARS = 12


def _host(record: dict[str, Any]) -> str:
    return (urlsplit(record.get("url") or "").hostname or "").removeprefix("www.")


def _paragraphs(record: dict[str, Any]) -> list[str]:
    return [p for p in record.get("articleBody", "").split("\n\n") if p]


def line_key(paragraph: str) -> int | None:
    """A paragraph's identity for counting: a 64-bit hash of its normalised text (None: too short
    to be worth learning)."""
    text = normalise_line(paragraph)
    if len(text) < _MIN_LINE_CHARS:
        return None
    return key64(text)


_ONE = 1 << 32
"""A line's count and error share one int: ``count * _ONE + error`` (a tuple would triple its size)."""


@attrs.define
class SiteCounts:
    """One site's lossy line counts: ``counts[key] = count * _ONE + error``, where ``error`` is the
    number of windows that had passed before the line was (re)counted: it may have been on up to one
    page per window then."""

    pages: int = 0
    counts: dict[int, int] = attrs.field(factory=dict)
    examples: dict[int, str] = attrs.field(factory=dict)
    """The text of each line that reached the learned threshold, as first seen."""


class BoilerplateLearner:
    def __init__(self, min_pages: int = DEFAULT_MIN_PAGES, min_share: float = DEFAULT_MIN_SHARE,
                 window: int = DEFAULT_WINDOW) -> None:
        self.min_pages = min_pages
        self.min_share = min_share
        self.window = window
        self.sites: dict[str, SiteCounts] = {}

    def observe(self, record: dict[str, Any]) -> None:
        """Count the record's paragraphs (each once) for its site."""
        if "error" in record or not (host := _host(record)):
            return
        site = self.sites.setdefault(host, SiteCounts())
        site.pages += 1
        window_number = (site.pages - 1) // self.window
        keys: dict[int, str] = {}
        for paragraph in _paragraphs(record):
            if (key := line_key(paragraph)) is not None:
                keys.setdefault(key, paragraph)
        for key, paragraph in keys.items():
            value = site.counts.get(key, window_number) + _ONE
            site.counts[key] = value
            if key not in site.examples and self._is_learned(value // _ONE, site.pages):
                site.examples[key] = paragraph
        if site.pages % self.window == 0:
            self._prune(site, site.pages // self.window)

    @staticmethod
    def _prune(site: SiteCounts, windows: int) -> None:
        """Forget every line that cannot have been on more than one page per window so far."""
        site.counts = {key: value for key, value in site.counts.items()
                       if value // _ONE + value % _ONE > windows}

    def _is_learned(self, count: int, pages: int) -> bool:
        return count >= self.min_pages and count >= self.min_share * pages

    def is_boilerplate(self, host: str, paragraph: str) -> bool:
        site = self.sites.get(host)
        if site is None or (key := line_key(paragraph)) is None or key not in site.counts:
            return False
        return self._is_learned(site.counts[key] // _ONE, site.pages)

    def apply(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record without its site's learned lines; they join ``metadata.removedChrome``."""
        if "error" in record or (host := _host(record)) not in self.sites:
            return record
        kept, removed = [], []
        for paragraph in _paragraphs(record):
            (removed if self.is_boilerplate(host, paragraph) else kept).append(paragraph)
        if not removed or not kept:
            return record
        body = "\n\n".join(kept)
        metadata = {**record["metadata"], "removedChrome": [*record["metadata"]["removedChrome"], *removed],
                    "fingerprint": fingerprint(body)}
        return {**record, "articleBody": body, "metadata": metadata}

    def learned(self, host: str) -> dict[str, int]:
        """The lines learned for a site now, with the number of pages each was counted on."""
        site = self.sites.get(host)
        if site is None:
            return {}
        counts: Counter[str] = Counter()
        for key, text in site.examples.items():
            count = site.counts.get(key, 0) // _ONE
            if self._is_learned(count, site.pages):
                counts[text] = count
        return dict(counts)

    def rules_toml(self) -> str:
        """What was learned, as a chrome-rules file with one ``[sites."host".lines]`` table per site."""
        lines = ["# Site boilerplate learned by newsclean: paragraphs seen on many pages of one site.",
                 "# Review, then pass this file with --rules (command line) or CLEANER_RULES (crawl).", ""]
        for host in sorted(self.sites):
            learned = self.learned(host)
            if not learned:
                continue
            lines.append(f'[sites."{host}".lines]')
            lines.append(f"# {self.sites[host].pages} pages seen")
            lines.append("exact = [")
            lines += [f"  {json.dumps(text, ensure_ascii=False)},  # on {count} pages"
                      for text, count in sorted(learned.items())]
            lines += ["]", ""]
        return "\n".join(lines)
