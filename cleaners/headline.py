"""The headline as the page shows it to readers.

Declared titles (JSON-LD ``headline``, ``og:title``, ``<title>``) are often written for search
engines and carry the site's name; the visible ``<h1>`` is what the story is called. So the
``<h1>`` that agrees with a declared title wins; a lone ``<h1>`` of a few words wins even when it
does not (the declared title is then the SEO variant); without a usable ``<h1>`` the declared
title is used with the site's name cut off.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from cleaners.normalize import clean_text, strip_site_name

_H1 = etree.XPath("//body//h1")
_WORDS = re.compile(r"\w+")
_MAX_HEADLINE_CHARS = 300
# Token overlap (of the shorter title) above which an <h1> and a declared title name the same story.
_SAME_STORY = 0.6
_MIN_LONE_H1_WORDS = 3
_GENERIC_HOST_LABELS = frozenset({"www", "m", "amp", "news", "blog", "com", "org", "net", "co", "uk", "edu", "gov"})


def _tokens(text: str) -> set[str]:
    return set(_WORDS.findall(text.casefold()))


def _overlap(first: str, second: str) -> float:
    a, b = _tokens(first), _tokens(second)
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def host_names(url: str | None) -> list[str]:
    """Names a site may go by, read from its host ("home.tarkett.co.uk" -> "tarkett")."""
    host = (urlsplit(url).hostname or "") if url else ""
    return [label for label in host.split(".") if label and label not in _GENERIC_HOST_LABELS]


def _is_site_name(text: str, site_names: list[str]) -> bool:
    squashed = "".join(_WORDS.findall(text.casefold()))
    return any(squashed == "".join(_WORDS.findall(name.casefold())) for name in site_names if name)


def choose_headline(tree: HtmlElement, declared: list[str | None], site_names: list[str]) -> str | None:
    titles = [t for t in declared if t]
    h1s = [text for text in (clean_text(h.text_content()) for h in _H1(tree))
           if text and len(text) <= _MAX_HEADLINE_CHARS and not _is_site_name(text, site_names)]
    if h1s and titles:
        best = max(h1s, key=lambda h: max(_overlap(h, t) for t in titles))
        if max(_overlap(best, t) for t in titles) >= _SAME_STORY:
            return best
        if len(h1s) == 1 and len(best.split()) >= _MIN_LONE_H1_WORDS:
            return best
    elif h1s:
        return h1s[0]
    return strip_site_name(titles[0], site_names) if titles else None
