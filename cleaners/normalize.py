"""Normalisers: whitespace, dates to ISO 8601, author names, language codes, headlines.

Each takes what a page wrote and returns the normalised value or ``None`` when the input is not
usable, so the extraction stage can try its next source.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from dateutil import parser as date_parser

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_EARLIEST_YEAR = 1990
_AUTHOR_PREFIX = re.compile(r"^\s*(by|von|par|por|di|door|av|af|text|written by|posted by|words)\s*[:\-]?\s+",
                            re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\|)\s*", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"https?://|www\.|@|\d|\.(com|org|net)\b", re.IGNORECASE)
_ROLE_WORDS = frozenset(
    "staff reporter correspondent editor writer contributor columnist journalist agency team desk newsroom "
    "admin administrator published updated photographer senior chief associated press bureau news".split()
)
_HEADLINE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ")
# Zone abbreviations pages print after a time; dateutil knows none of them by itself.
_ZONE_OFFSETS = {name: int(hours * 3600) for name, hours in {
    "UTC": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "IST": 5.5,
    "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7,
    "MDT": -6, "PST": -8, "PDT": -7, "ET": -5, "PT": -8,
}.items()}
_LANGUAGE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]+)*$")


def collapse_whitespace(text: str) -> str:
    """One space between words; invisible characters (zero-width, soft hyphen) removed."""
    return " ".join(text.translate(_INVISIBLE).split())


def clean_text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = collapse_whitespace(value)
    return text or None


def parse_date(raw: str | None, now: datetime | None = None) -> str | None:
    """ISO 8601 form of a date the page wrote, or None when it is not a plausible date.

    A value with a time zone keeps its offset; a bare day stays a bare day (no invented time).
    """
    if not raw:
        return None
    text = raw.strip()
    if re.fullmatch(r"\d{10}(\d{3})?", text):
        moment = datetime.fromtimestamp(int(text[:10]), UTC)
        return moment.isoformat()
    try:
        moment = date_parser.isoparse(text)
    except (ValueError, OverflowError):
        try:
            moment = date_parser.parse(text, fuzzy=False, tzinfos=_ZONE_OFFSETS)
        except (ValueError, OverflowError, TypeError):
            return None
    latest = (now or datetime.now(UTC)).year + 1
    if not _EARLIEST_YEAR <= moment.year <= latest:
        return None
    if _is_bare_day(text):
        return moment.date().isoformat()
    return moment.isoformat()


def _is_bare_day(text: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}|\d{4}/\d{2}/\d{2}|\d{8}", text)) or ":" not in text


def split_author_names(raw: str) -> list[str]:
    """Turn a byline or an author field into clean person names, in order."""
    text = collapse_whitespace(raw)
    text = _AUTHOR_PREFIX.sub("", text)
    names = []
    for part in _AUTHOR_SPLIT.split(text):
        name = _AUTHOR_PREFIX.sub("", part).strip(" .:-–—")
        if _looks_like_name(name):
            names.append(name)
    return names


def _looks_like_name(name: str) -> bool:
    if not name or len(name) > 60 or _NOT_A_NAME.search(name):
        return False
    words = name.split()
    if not 1 <= len(words) <= 5:
        return False
    return not all(word.casefold() in _ROLE_WORDS for word in words)


def unique_names(names: list[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for name in names:
        key = name.casefold()
        if key not in seen:
            seen.add(key)
            result.append(name)
    return result


def strip_site_name(headline: str, site_names: list[str]) -> str:
    """Drop a "| Site Name" style suffix or prefix when it names the site."""
    keys = {collapse_whitespace(n).casefold() for n in site_names if n}
    for separator in _HEADLINE_SEPARATORS:
        if separator not in headline:
            continue
        head, _, tail = headline.rpartition(separator)
        if tail.casefold() in keys and head:
            return head.strip()
        first, _, rest = headline.partition(separator)
        if first.casefold() in keys and rest:
            return rest.strip()
    return headline


def language_code(raw: str | None) -> str | None:
    """The primary ISO 639 subtag of a language tag or locale ("en-GB", "en_US" -> "en")."""
    if not raw:
        return None
    match = _LANGUAGE.match(raw.strip().split(",")[0].strip())
    return match.group(1).lower() if match else None
