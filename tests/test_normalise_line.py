"""The key chrome lines are compared by: case and punctuation ignored, the same for any text."""

from __future__ import annotations

import re

import pytest

from cleaners.body.chrome import normalise_line

_NON_ALPHANUMERIC = re.compile(r"[\W_]+")


@pytest.mark.parametrize(("line", "key"), [
    ("Related Articles", "related articles"),
    ("  - ADVERTISEMENT -  ", "advertisement"),
    ("Share_this:\tFacebook | X", "share this facebook x"),
    ("Top 10 (2024) e-mail@example.com", "top 10 2024 e mail example com"),
    ("Read More » Straße", "read more strasse"),
    ("Café “Noir” — 5 stars", "café noir 5 stars"),
    ("___", ""),
])
def test_lines_reduce_to_lower_case_words_and_digits_one_space_apart(line: str, key: str) -> None:
    assert normalise_line(line) == key


def test_every_ascii_character_is_treated_as_the_unicode_rule_treats_it():
    """Plain ASCII lines take a byte table; they must read exactly as the regular expression reads them."""
    every_ascii = "".join(map(chr, range(128)))
    for line in (every_ascii, every_ascii[::-1], "a" + every_ascii + "Z", every_ascii * 2):
        assert normalise_line(line) == _NON_ALPHANUMERIC.sub(" ", line.casefold()).strip()
