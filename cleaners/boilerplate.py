"""Site-level boilerplate: a paragraph that recurs on many pages of one site is chrome, even when
no rule names it ("SHARE YOUR STORY", a standing promo, a disclaimer).

Works on article records, after cleaning, so it serves a folder of saved pages (two passes: learn
from all, then apply) and a crawl (one pass: a line is dropped once it has been seen often enough).
A line counts once per page, and must appear on at least ``min_pages`` pages *and* on
``min_share`` of the pages seen from that site: a sentence quoted by two or three articles of a
site stays. What was learned can be written as a rules file (``rules_toml``) to use or edit.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any
from urllib.parse import urlsplit

from cleaners.chrome import normalise_line
from cleaners.pipeline import fingerprint

DEFAULT_MIN_PAGES = 4
DEFAULT_MIN_SHARE = 0.3
_MIN_LINE_CHARS = 12


def _host(record: dict[str, Any]) -> str:
    return (urlsplit(record.get("url") or "").hostname or "").removeprefix("www.")


def _paragraphs(record: dict[str, Any]) -> list[str]:
    return [p for p in record.get("articleBody", "").split("\n\n") if p]


class BoilerplateLearner:
    def __init__(self, min_pages: int = DEFAULT_MIN_PAGES, min_share: float = DEFAULT_MIN_SHARE) -> None:
        self.min_pages = min_pages
        self.min_share = min_share
        self.pages: Counter[str] = Counter()
        self.line_pages: dict[str, Counter[str]] = defaultdict(Counter)
        self.examples: dict[tuple[str, str], str] = {}

    def observe(self, record: dict[str, Any]) -> None:
        """Count the record's paragraphs (each once) for its site."""
        if "error" in record or not (host := _host(record)):
            return
        self.pages[host] += 1
        for paragraph in dict.fromkeys(_paragraphs(record)):
            key = normalise_line(paragraph)
            if len(key) >= _MIN_LINE_CHARS:
                self.line_pages[host][key] += 1
                self.examples.setdefault((host, key), paragraph)

    def learned(self, host: str) -> set[str]:
        pages = self.pages[host]
        return {key for key, count in self.line_pages[host].items()
                if count >= self.min_pages and count >= self.min_share * pages}

    def apply(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record without its site's learned lines; they join ``metadata.removedChrome``."""
        if "error" in record or not (learned := self.learned(_host(record))):
            return record
        kept, removed = [], []
        for paragraph in _paragraphs(record):
            (removed if normalise_line(paragraph) in learned else kept).append(paragraph)
        if not removed or not kept:
            return record
        body = "\n\n".join(kept)
        metadata = {**record["metadata"], "removedChrome": [*record["metadata"]["removedChrome"], *removed],
                    "fingerprint": fingerprint(body)}
        return {**record, "articleBody": body, "metadata": metadata}

    def rules_toml(self) -> str:
        """What was learned, as a chrome-rules file with one ``[sites."host".lines]`` table per site."""
        lines = ["# Site boilerplate learned by newsclean: paragraphs seen on many pages of one site.",
                 "# Review, then pass this file with --rules (command line) or CLEANER_RULES (crawl).", ""]
        for host in sorted(self.pages):
            learned = sorted(self.learned(host))
            if not learned:
                continue
            lines.append(f'[sites."{host}".lines]')
            lines.append(f"# {self.pages[host]} pages seen")
            lines.append("exact = [")
            lines += [f"  {json.dumps(self.examples[(host, key)], ensure_ascii=False)},"
                      f"  # on {self.line_pages[host][key]} pages" for key in learned]
            lines += ["]", ""]
        return "\n".join(lines)
