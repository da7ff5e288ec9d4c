"""Normalisers: whitespace, dates to ISO 8601, author names, language codes, headlines.

Each takes what a page wrote and returns the normalised value or ``None`` when the input is not
usable, so the extraction stage can try its next source.
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Iterable
from datetime import UTC, datetime

from dateutil import parser as date_parser
from dateutil.parser import UnknownTimezoneWarning

_INVISIBLE_CHARACTERS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARACTERS), None)
# Searched first: a translate() looks every character up in a dict, a search runs in C.
_ANY_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARACTERS}]")
_EARLIEST_YEAR = 1990
_AUTHOR_PREFIX = re.compile(
    r"^\s*(by|von|par|por|di|door|av|af|text|(?:written|posted|authored|words|reported|recipe|story|articles?) by|words"
    r"|authors?|contributors?)(?:\s*[:\-]\s*|\s+)",
    re.IGNORECASE)
# Credits for other roles in the same byline ("Updated by", "Reviewed by", "Photos by"): not authors.
_OTHER_ROLE_CREDIT = re.compile(
    r"\b(?:(?:medically |fact[- ]?)?(?:updated|reviewed|edited|checked|illustrated|translated)|photos?|photographs?"
    r"|illustrations?|video)\s+by\b.*", re.IGNORECASE)
# "BySummer Swann": a byline whose "By" lost its space in the markup.
_GLUED_BY = re.compile(r"^By(?=[A-Z][a-z])")
# Degrees and certifications after a name ("Jane Doe, MD, PhD"): not people.
_CREDENTIAL = re.compile(r"^[A-Z]{2,5}$|^([A-Z][a-z]?\.){1,4}$|^(?i:ph\.?\s?d|m\.?d|esq|jr|sr)\.?$|®|™")
_NOT_A_PERSON_PHRASE = re.compile(r"^(the author|(about|meet) (the )?(authors?|writers?)\b|more (about|from|by)\b"
                                  r"|view (all|more)\b|see all\b|all posts\b)",
                                  re.IGNORECASE)
# Separators between names; the one-letter conjunctions of other languages ("e", "y") only in lower
# case and standing alone, so a middle initial ("Sarah E. Needleman") is never a separator; a spaced
# dash or slash only before "The" (a paper after the name), since bylines keep "Laura / House Plant House".
_AUTHOR_SPLIT = re.compile(r"\s*(?:[,;&|])\s*|\s+(?:and|And|AND|und|et|y|e)\s+|\s+[-–—/]\s+(?=The\s)")
# A byline's date label run on after the name ("Jane Doe Published", "Jane Doe / Updated 3 May").
_BYLINE_DATE_LABEL = re.compile(r"(?:\s*[/·•–—-]\s*|\s+)(?:last\s+)?(?:published|updated|posted|modified)\b.*$",
                                re.IGNORECASE)
# "Jane Doe of Reuters", "Jane Doe for The Independent": a person, then where they write.
_PERSON_OF_PUBLICATION = re.compile(
    r"^(?P<name>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){1,3})\s+(?:of|for|at|from)\s+(?:the\s+)?[A-Z0-9].*$")
# Share buttons read as a byline: a social network is never an author.
_SOCIAL_NETWORKS = frozenset(
    "facebook twitter x instagram linkedin youtube tiktok pinterest whatsapp telegram threads reddit snapchat "
    "mastodon bluesky flipboard email e-mail print share rss".split())
_NOT_A_NAME = re.compile(r"https?://|www\.|@|\d|\.(com|org|net)\b|©|\bcopyright\b", re.IGNORECASE)
_ROLE_WORDS = frozenset(
    "staff reporter correspondent editor writer contributor columnist journalist agency team desk newsroom webmaster "
    "undefined null none unknown "
    "admin administrator published updated photographer senior chief associated press bureau news newsdesk web "
    "digital online sports business metro city national international world wire wires media editorial".split()
)
# A byline part ending in one of these is a job title ("Shipping Expert", "Senior Editor").
_ROLE_NOUNS = frozenset(
    "expert editor writer reporter correspondent director manager specialist analyst consultant dietitian "
    "coach founder cofounder co-founder officer president contributor columnist producer strategist scientist "
    "engineer designer photographer staff team desk ceo cto cfo coo educator horticulturalist horticulturist "
    "attorney lawyer nutritionist therapist physician researcher professor instructor trainer advisor adviser "
    "executive planner".split()
)
# A byline part that says what its person does for whom ("Sr. Director of Operations", "CEO at Acme").
_ROLE_OF = re.compile(r"^(?P<role>.+?)\s+(?:of|at|for)\s+\S", re.IGNORECASE)
# Job titles of one person, cut off a name they run on from ("Team", "Desk" name a group: kept).
_PERSONAL_TITLES = frozenset(
    "writer editor reporter correspondent columnist contributor founder cofounder co-founder producer director "
    "manager".split())
# A name keeps at least this many words when a job title is cut off its end.
_MIN_NAME_WORDS = 2
# A class name or a slug ("css-toyj"), or a day or month on its own, is no name.
_CODE_TOKEN = re.compile(r"^[a-z]+(?:-[a-z0-9]+)+$")
# A month's name or its abbreviation ("Dec", "Dec.", "December", "Sept"), for patterns of shown dates.
MONTH_NAME = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_CALENDAR_WORDS = frozenset(
    "mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday saturday sunday "
    "jan feb mar apr jun jul aug sep sept oct nov dec january february march april june july august september "
    "october november december".split())
_HEADLINE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " • ", " ~ ")
# Zone abbreviations pages print after a time; dateutil knows none of them by itself.
_ZONE_OFFSETS = {name: int(hours * 3600) for name, hours in {
    "UTC": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "IST": 5.5,
    "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7,
    "MDT": -6, "PST": -8, "PDT": -7, "ET": -5, "PT": -8,
}.items()}
_LANGUAGE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]+)*$")


def collapse_whitespace(text: str) -> str:
    """One space between words; invisible characters (zero-width, soft hyphen) removed."""
    if _ANY_INVISIBLE.search(text):
        text = text.translate(_INVISIBLE)
    return " ".join(text.split())


def clean_text(value: object) -> str | None:
    """Declared text as readers see it: entities decoded ("&#8211;" is "–"), whitespace collapsed."""
    if not isinstance(value, str):
        return None
    text = collapse_whitespace(html.unescape(value))
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


def parse_loose_date(text: str, now: datetime | None = None) -> str | None:
    """The day in a short visible text ("Published March 3, 2024", "3 Mar 2024 | 5 min read"),
    as YYYY-MM-DD; None when no plausible full date (day, month and year) is in it."""
    numbers = re.findall(r"\d+", text)
    if not any(len(n) == 4 for n in numbers) or len(numbers) < 2:  # a year and a day, at least
        return None
    try:
        with warnings.catch_warnings():  # a zone name dateutil does not know only matters for the time
            warnings.simplefilter("ignore", UnknownTimezoneWarning)
            moment, _ = date_parser.parse(text, fuzzy_with_tokens=True, default=datetime(1, 1, 1),
                                          tzinfos=_ZONE_OFFSETS)
    except (ValueError, OverflowError, TypeError):
        return None
    latest = (now or datetime.now(UTC)).year + 1
    return moment.date().isoformat() if _EARLIEST_YEAR <= moment.year <= latest else None


def _is_bare_day(text: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}|\d{4}/\d{2}/\d{2}|\d{8}", text)) or ":" not in text


def split_author_names(raw: str) -> list[str]:
    """Turn a byline or an author field into clean person names, in order."""
    text = _GLUED_BY.sub("", collapse_whitespace(html.unescape(raw)))
    text = _AUTHOR_PREFIX.sub("", text)
    names = []
    for index, part in enumerate(_AUTHOR_SPLIT.split(text)):
        name = _AUTHOR_PREFIX.sub("", _OTHER_ROLE_CREDIT.sub("", part))
        name = _BYLINE_DATE_LABEL.sub("", name).strip(" .:-–—»«•·⋅")
        if not name or (index and _is_job_title(name)):  # "TOM KRISHER, AP Auto Writer": his job, not a name
            continue
        if index and name.startswith("The "):  # "Jane Doe, The Guardian": the paper, not a second person
            continue
        if person := _PERSON_OF_PUBLICATION.match(name):
            name = person["name"]
        name = _without_trailing_role(name)
        if _looks_like_name(name):
            names.append(name)
    return names


def _without_trailing_role(name: str) -> str:
    """"Rachel MacDonald Writer" -> "Rachel MacDonald": a job title run on after the name."""
    words = name.split()
    while len(words) > _MIN_NAME_WORDS and words[-1].casefold() in _PERSONAL_TITLES:
        words.pop()
    return " ".join(words)


def _is_job_title(part: str) -> bool:
    """A byline part after a name that ends like a job title ("Jane Doe, Shipping Expert"), or
    names one before saying where ("Sr. Director of Operations", "CEO of Acme")."""
    if part.split()[-1].casefold() in _ROLE_NOUNS:
        return True
    role = _ROLE_OF.match(part)
    return bool(role) and role["role"].split()[-1].casefold() in _ROLE_NOUNS


def _looks_like_name(name: str) -> bool:
    if not name or len(name) > 60 or _NOT_A_NAME.search(name):
        return False
    if _CREDENTIAL.search(name) or _NOT_A_PERSON_PHRASE.search(name):
        return False
    if " " not in name and re.search(r"[._]", name):  # a user name ("andrew.keaveney"), not a person's
        return False
    if _CODE_TOKEN.match(name) or name.casefold().rstrip(".") in _CALENDAR_WORDS:  # "css-toyj", "Sat"
        return False
    words = name.split()
    if not 1 <= len(words) <= 5 or name.casefold() in _SOCIAL_NETWORKS:
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
    for separator in _HEADLINE_SEPARATORS:
        if separator not in headline:
            continue
        head, _, tail = headline.rpartition(separator)
        if head and names_site(tail, site_names):
            return head.strip()
        first, _, rest = headline.partition(separator)
        if rest and names_site(first, site_names, variants=False):  # "Brand Weekly #18 – Story" keeps its series
            return rest.strip()
    return headline


# A phrase longer than this is a subtitle even when it mentions the site ("What Vanguard's clients
# should know"), not the site's name.
_MAX_SITE_NAME_WORDS = 4
# Shorter names are too likely to occur inside unrelated words ("ft", "bbc" is fine, "ap" is not).
_MIN_CONTAINED_NAME = 5


_HOSTNAME = re.compile(r"(?:[\w-]+\.)*[\w-]+\.[a-z]{2,6}", re.IGNORECASE)


def names_site(phrase: str, site_names: Iterable[str], *, variants: bool = True) -> bool:
    """Whether ``phrase`` is the site's name, or (with ``variants``) a short variant of it.

    The names come from ``og:site_name``, the publisher and the host's labels, which rarely spell
    the name exactly as a title suffix does ("Bridgestone Tires" on ``tires.bridgestone.com``,
    "DianaHR" on ``getdianahr.com``, "Newegg.com"), so a short phrase after a title separator
    also names the site when one squashed form contains the other. Without ``variants`` the phrase
    must be the name or a part of it ("Filmmaker" of "Filmmaker Magazine"): a heading that merely
    starts with the brand ("Austin Hardware Catalog") is not the site's name.
    """
    if _HOSTNAME.fullmatch(phrase.strip()):  # "davidbau.com", "Newegg.com": the site's address as its name
        phrase = max(phrase.strip().split("."), key=len)
    squashed = _squashed(phrase)
    if not squashed or len(phrase.split()) > _MAX_SITE_NAME_WORDS:
        return False
    for name in site_names:
        key = _squashed(name) if name else ""
        if not key:
            continue
        if squashed == key or (len(squashed) >= _MIN_CONTAINED_NAME and squashed in key):
            return True
        if variants and len(key) >= _MIN_CONTAINED_NAME and key in squashed:
            return True
    return False


_WORD = re.compile(r"\w+")


def _squashed(text: str) -> str:
    return "".join(_WORD.findall(text.casefold()))


def language_code(raw: str | None) -> str | None:
    """The primary ISO 639 subtag of a language tag or locale ("en-GB", "en_US" -> "en")."""
    if not raw:
        return None
    match = _LANGUAGE.match(raw.strip().split(",")[0].strip())
    return match.group(1).lower() if match else None
