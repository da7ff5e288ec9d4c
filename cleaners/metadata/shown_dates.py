"""Dates the page shows its readers, for pages that declare no publication date.

Themes print the date beside the headline, just above or just below it ("Dec 12, 2025",
"Published on Oct 21, 2025", "17.05.2021"), often in an element with no telling class. So the
text right around the story's heading is read first, then elements whose class says date. A
date introduced as an update ("Updated Feb 11, 2026") is kept apart: it is the page's date only
when the page shows no other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

from cleaners.metadata.near_headline import TextNode, text_around
from cleaners.metadata.scan import BODY_STRING, body_descendants, body_texts_matching
from cleaners.normalize import MONTH_NAME, parse_loose_date

# A line that names its date: "Published: 3 May 2024", "Posted on Oct 21, 2025", "Last updated: ...".
_DATE_LABEL = re.compile(
    r"^\W*(published|posted|originally published|last updated|updated|modified)\b(?:\s+on)?\s*:?\s", re.IGNORECASE)
_MAYBE_LABELLED_DATES = re.compile("ublished|osted|pdated|odified")
_PREVIOUS_TEXT = etree.XPath("preceding::text()[normalize-space()][1]")
_DATE_CLASS = re.compile("date|publish|posted")
_MAX_DATE_CHARS = 60
# A month's name, or day, month and year in figures: "2025" alone or "10 tips for 2025" is no date.
_DATE_SHAPE = re.compile(rf"\b{MONTH_NAME}\b|\b\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}\b", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})\b")
_FULL_YEAR = 1000
_MONTHS = 12
_UPDATE_WORDS = re.compile(r"\b(updated?|modified|edited|revised|reviewed)\b", re.IGNORECASE)
# A label such as "Updated" printed in its own element just before the date.
_MAX_LABEL_CHARS = 24


@dataclass(frozen=True)
class ShownDates:
    """The publication and update days a page shows, as (ISO day, raw text) pairs."""

    published: tuple[str, str] | None = None
    updated: tuple[str, str] | None = None


def shown_dates(tree: HtmlElement, heading: HtmlElement | None) -> ShownDates:
    """The dates printed around the headline, else in date-classed elements, else in a line
    anywhere that says what its date is ("Published: 3 May 2024", "Last updated: ...")."""
    days = _DayReader(tree)
    near = _near_headline(heading, days)
    if near.published:
        return near
    for element in _classed_dates(tree):
        text = " ".join(element.text_content().split())
        if text and len(text) <= _MAX_DATE_CHARS and not _UPDATE_WORDS.search(text) and (iso := days.read(text)):
            return ShownDates(published=(iso, text), updated=near.updated)
    published = updated = None
    for node in body_texts_matching(tree, _MAYBE_LABELLED_DATES):
        text = " ".join(str(node).split())
        if len(text) > _MAX_DATE_CHARS or not (label := _DATE_LABEL.match(text)) or not (iso := days.read(text)):
            continue
        if label[1].casefold().endswith("updated") or label[1].casefold() == "modified":
            updated = updated or (iso, text)
        else:
            published = published or (iso, text)
    return ShownDates(published=published, updated=near.updated or updated)


def _classed_dates(tree: HtmlElement) -> Iterator[HtmlElement]:
    """``<time>`` elements without a machine-readable date, and elements whose class says date,
    published or posted and that hold nothing but text and ``<span>``s."""
    for element in body_descendants(tree):
        undated_time = element.tag == "time" and element.get("datetime") is None
        classes = element.get("class")
        if undated_time or (classes and _DATE_CLASS.search(classes) and all(c.tag == "span" for c in element)):
            yield element


def _near_headline(heading: HtmlElement | None, days: _DayReader) -> ShownDates:
    """The dates in the text around the story's heading (see ``near_headline.story_heading``)."""
    if heading is None:
        return ShownDates()
    updated = None
    for node in text_around(heading):
        text = " ".join(str(node).split())
        if len(text) > _MAX_DATE_CHARS or not (iso := days.read(text)):
            continue
        if _UPDATE_WORDS.search(text) or _labelled_update(node):
            updated = updated or (iso, text)
            continue
        return ShownDates(published=(iso, text), updated=updated)
    return ShownDates(updated=updated)


class _DayReader:
    """Reads shown dates as days. "10/12/2023" could be read day first or month first; the
    site's convention decides, and the page tells it when another of its numeric dates has a
    first or second number above 12 ("12/18/2025" is month first). Without that, it is no date."""

    def __init__(self, tree: HtmlElement) -> None:
        self._tree = tree
        self._day_first: bool | None = None
        self._convention_read = False

    def read(self, text: str) -> str | None:
        if not _DATE_SHAPE.search(text):
            return None
        numeric = _NUMERIC_DATE.search(text)
        if numeric and _ambiguous(numeric):
            day_first = self._convention()
            if day_first is None:
                return None
            first, second, year = int(numeric[1]), int(numeric[2]), int(numeric[3])
            day, month = (first, second) if day_first else (second, first)
            return parse_loose_date(f"{year:04d}-{month:02d}-{day:02d}") if year >= _FULL_YEAR else None
        return parse_loose_date(text)

    def _convention(self) -> bool | None:
        if not self._convention_read:
            self._convention_read = True
            for match in _NUMERIC_DATE.finditer(BODY_STRING(self._tree)):
                if not _ambiguous(match) and int(match[1]) != int(match[2]):
                    self._day_first = int(match[1]) > _MONTHS
                    break
        return self._day_first


def _ambiguous(numeric: re.Match[str]) -> bool:
    first, second = int(numeric[1]), int(numeric[2])
    return first != second and first <= _MONTHS and second <= _MONTHS


def _labelled_update(node: TextNode) -> bool:
    """Whether the text just before the date's element is a short "Updated" label."""
    if node.is_tail:
        return False
    label = _PREVIOUS_TEXT(node.getparent())
    return bool(label) and len(label[0].strip()) <= _MAX_LABEL_CHARS and bool(_UPDATE_WORDS.search(label[0]))
