"""The credited original of a syndicated copy."""

from __future__ import annotations

import lxml.html
import pytest

from cleaners.metadata.source_link import find_source_url

PAGE = "https://aggregator.example/2024/story/"


def _find(body: str, canonical: str | None = None) -> str | None:
    return find_source_url(lxml.html.document_fromstring(f"<html><body>{body}</body></html>"), PAGE, canonical)


@pytest.mark.parametrize("text", ["Source link", "Source link ", "Original article", "Read more at Reuters",
                                  "Originally published on The Conversation", "Source"])
def test_credit_anchor_to_another_site(text):
    assert _find(f'<p><a href="https://news.example/a/1">{text}</a></p>') == "https://news.example/a/1"


def test_credit_anchor_to_the_same_site_is_navigation():
    assert _find('<a href="/category/source">Source link</a>') is None


def test_other_anchors_are_ignored():
    assert _find('<a href="https://news.example/a/1">The source link between the reports</a>') is None


def test_cross_domain_canonical_is_the_source():
    assert _find("<p>text</p>", canonical="https://original.example/story") == "https://original.example/story"
    assert _find("<p>text</p>", canonical="https://www.aggregator.example/2024/story/") is None
