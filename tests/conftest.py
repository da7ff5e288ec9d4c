"""Shared test helpers: fixture folders (web-poet style: an input page, its URL, the expected record)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cleaners import article_schema

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_names() -> list[str]:
    return sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.json").exists())


def fixture_input(name: str) -> Path:
    folder = FIXTURES / name
    return next(folder.glob("input.html*"))


def fixture_body(name: str) -> bytes:
    path = fixture_input(name)
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


def fixture_page_info(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name / "page.json").read_text("utf-8"))


def fixture_expected(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name / "expected.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def validate_record():
    """Validate one output line against the published JSON Schema."""
    validator = jsonschema.Draft202012Validator(article_schema(),
                                                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

    def validate(record: dict[str, Any]) -> None:
        validator.validate(record)

    return validate
