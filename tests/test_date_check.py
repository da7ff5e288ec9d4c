"""A declared publication date yields to the day shown beside the headline only when the
declaration's own stamps cannot be the story's date."""

from __future__ import annotations

import json

import pytest

from cleaners import clean_html
from cleaners.metadata.date_check import declared_day_in_doubt, shown_day_wins
from cleaners.metadata.declared import PageMetadata

STORY = "<p>" + "The council approved the harbour plan after a long debate about costs and dates. " * 8 + "</p>"


def _page(published: str, modified: str, shown: str) -> bytes:
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Harbour plan approved",
                     "datePublished": published, "dateModified": modified, "author": {"name": "Ann Lee"}})
    return (f"<html><head><script type='application/ld+json'>{ld}</script></head><body><article>"
            f"<h1>Harbour plan approved</h1><div class='meta'><span>{shown}</span></div>{STORY}{STORY}"
            "</article></body></html>").encode()


@pytest.mark.parametrize(("published", "modified", "in_doubt"), [
    ("2025-11-20T16:02:46+00:00", "2025-11-20T16:02:46+00:00", True),   # one stamp written twice
    ("2024-07-05T14:20:08+00:00", "2024-07-05T14:20:08-04:00", True),   # the same clock time, two offsets
    ("2025-12-19T22:02:58+00:00", "2025-12-19T22:02:45+00:00", True),   # modified before published
    ("2025-06-24", "2025-06-24", True),
    ("2025-11-20T16:02:46+00:00", "2025-11-21T09:00:00+00:00", False),  # a later edit: both can be true
    ("2025-11-20T16:02:46+00:00", None, False),
])
def test_which_declarations_are_in_doubt(published, modified, in_doubt):
    assert declared_day_in_doubt(PageMetadata(datePublished=published, dateModified=modified)) is in_doubt


def test_a_later_shown_day_never_replaces_the_declared_one():
    declared = PageMetadata(datePublished="2025-11-20T16:02:46+00:00", dateModified="2025-11-20T16:02:46+00:00")
    assert shown_day_wins(declared, "2024-05-14")
    assert not shown_day_wins(declared, "2025-12-01")


def test_the_shown_day_wins_over_a_stamp_written_twice():
    article = clean_html(_page("2025-11-20T16:02:46+00:00", "2025-11-20T16:02:46+00:00", "May 14, 2025"),
                         url="https://news.example/harbour")
    assert article.datePublished == "2025-05-14"


def test_the_declared_day_stands_when_the_page_was_edited_later():
    article = clean_html(_page("2025-11-20T16:02:46+00:00", "2025-11-22T10:00:00+00:00", "May 14, 2025"),
                         url="https://news.example/harbour")
    assert article.datePublished == "2025-11-20T16:02:46+00:00"
