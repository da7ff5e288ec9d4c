"""The published JSON Schema: a line that breaks it is told apart as article or failure record,
and the validation error names the field at fault (not a dump of both alternatives)."""

from __future__ import annotations

import jsonschema
import pytest

from cleaners import article_schema, clean_html
from tests.conftest import fixture_body


@pytest.fixture(scope="module")
def validator():
    return jsonschema.Draft202012Validator(article_schema(),
                                           format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def record():
    return clean_html(fixture_body("seed-plain"), url="https://dailyledger.example/a.html").to_dict()


def test_a_cleaned_record_and_a_failure_record_are_valid(validator, record):
    validator.validate(record)
    validator.validate({"error": {"input": "x.html", "kind": "empty", "message": "the page is empty"}})


def test_an_article_missing_a_field_is_named(validator, record):
    broken = {key: value for key, value in record.items() if key != "headline"}
    [error] = validator.iter_errors(broken)
    assert error.message == "'headline' is a required property"


def test_a_wrongly_typed_field_is_named_with_its_path(validator, record):
    [error] = validator.iter_errors({**record, "authors": [{"name": 3}]})
    assert list(error.absolute_path) == ["authors", 0, "name"]


def test_a_failure_record_missing_its_kind_is_named(validator):
    [error] = validator.iter_errors({"error": {"input": "x.html", "message": "m"}})
    assert error.message == "'kind' is a required property"
