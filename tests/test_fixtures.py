"""Every fixture folder: the cleaned record matches expected.json field by field, holds none of the
snippets that must not appear, and validates against the schema."""

from __future__ import annotations

import pytest

from cleaners import clean_html
from tests.conftest import fixture_body, fixture_expected, fixture_names, fixture_page_info


@pytest.fixture(params=fixture_names())
def cleaned(request):
    name = request.param
    record = clean_html(fixture_body(name), url=fixture_page_info(name)["url"]).to_dict()
    return name, record, fixture_expected(name)


def test_fields_match_expected(cleaned):
    _, record, expected = cleaned
    for field, value in expected.get("fields", {}).items():
        assert record[field] == value, f"field {field!r}"


def test_body_has_no_chrome(cleaned):
    _, record, expected = cleaned
    for snippet in expected.get("bodyNotContains", []):
        assert snippet not in record["articleBody"], snippet


def test_body_keeps_the_story(cleaned):
    _, record, expected = cleaned
    for snippet in expected.get("bodyContains", []):
        assert snippet in record["articleBody"], snippet


def test_body_keeps_the_page_order(cleaned):
    _, record, expected = cleaned
    positions = [record["articleBody"].find(snippet) for snippet in expected.get("bodyInOrder", [])]
    assert -1 not in positions
    assert positions == sorted(positions)


def test_removed_chrome_is_reported(cleaned):
    _, record, expected = cleaned
    for line in expected.get("removedChromeContains", []):
        assert line in record["metadata"]["removedChrome"]


def test_record_matches_schema(cleaned, validate_record):
    validate_record(cleaned[1])
