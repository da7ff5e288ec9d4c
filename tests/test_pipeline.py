"""The library entry points: ``clean(page)`` with what a crawl knows, ``clean_html`` for a string."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cleaners import CleaningError, FailureKind, Page, clean, clean_html
from tests.conftest import fixture_body

SEED = fixture_body("seed-plain")


def test_page_record_carries_fetch_facts_into_the_article():
    fetched = datetime(2024, 4, 10, 12, 0, tzinfo=UTC)
    page = Page(body=SEED.decode().encode("cp1252", "replace").replace(b"\x3f", b"?"),
                url="https://dailyledger.example/b", final_url="https://dailyledger.example/business/x.html",
                headers={"Content-Type": "text/html; charset=windows-1252"}, fetched_at=fetched, source="crawl")
    article = clean(page)
    assert article.url == "https://dailyledger.example/business/x.html"
    assert article.metadata.dateDownloaded == "2024-04-10T12:00:00+00:00"
    assert article.metadata.source == "crawl"
    assert article.metadata.encoding == "cp1252"


def test_str_input_and_fingerprint_ignores_spacing():
    first = clean_html(SEED.decode())
    second = clean_html(SEED.decode().replace("<p>The US", "<p>   The   US"))
    assert first.metadata.fingerprint == second.metadata.fingerprint
    assert first.metadata.fingerprint.startswith("sha256:")


def test_not_an_article_is_an_outcome_not_a_failure():
    with pytest.raises(CleaningError) as error:
        clean_html("<html><body><nav><a href='/'>Home</a></nav><p>Short teaser.</p></body></html>")
    assert error.value.kind is FailureKind.NOT_ARTICLE
    assert not error.value.is_failure


def test_page_without_url_uses_its_canonical():
    assert clean_html(SEED).url == "https://dailyledger.example/business/us-japan-alliance-upgrade.html"
