"""The headline as the page shows it to readers.

Declared titles (JSON-LD ``headline``, ``og:title``, ``<title>``) are often written for search
engines and carry the site's name; the visible ``<h1>`` is what the story is called. So the
``<h1>`` that agrees with a declared title wins; a lone ``<h1>`` of a few words wins even when it
does not (the declared title is then the SEO variant); without a usable ``<h1>`` the declared
title is used with the site's name cut off. An ``<h1>`` is read without what themes nest in it
(dates, bylines), and a " | " template ("Story | Section | Site") is cut to its main part.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from cleaners.normalize import clean_text, names_site, strip_site_name

# The page's <h1> elements (near_headline finds the story's among them too).
H1_HEADINGS = etree.XPath("//body//h1")
_WORDS = re.compile(r"\w+")
_MAX_HEADLINE_CHARS = 300
# Token overlap (of the shorter title) above which an <h1> and a declared title name the same story.
_SAME_STORY = 0.6
# Among several <h1>, one that shortens the declared title still names the story when it holds
# this share of the title's words ("Defer, Panic, and Recover" of "... - The Go Programming Language").
_SHORTENED_STORY = 0.4
_MIN_LONE_H1_WORDS = 3
# A heading longer than this is a paragraph set in heading type (a page's pitch), not a title.
_MAX_HEADLINE_WORDS = 30
_PIPE = " | "
_HEADING_NOISE_TAGS = frozenset({"time", "div", "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "button", "script",
                                 "style", "noscript", "svg", "figure"})
# Nested parts that are not the title: dates, bylines, counters, and labels set before it
# ("Title:", a kicker such as "Analysis", a badge such as "Exclusive").
_HEADING_NOISE_CLASS = re.compile(r"date|time|byline|author|posted|comment|count|descriptor|kicker|eyebrow|badge",
                                  re.IGNORECASE)
_GENERIC_HOST_LABELS = frozenset({"www", "m", "amp", "news", "blog", "com", "org", "net", "co", "uk", "edu", "gov"})


def _tokens(text: str) -> set[str]:
    return set(_WORDS.findall(text.casefold()))


def _overlap(first: str, second: str) -> float:
    """Shared words over the shorter title's words: an ``<h1>`` that shortens the declared title."""
    a, b = _tokens(first), _tokens(second)
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _similarity(first: str, second: str) -> float:
    """Shared words over the longer title's words: among several ``<h1>``, a section heading or
    the logo's text is not the story's title merely because all its words occur in it."""
    a, b = _tokens(first), _tokens(second)
    return len(a & b) / max(len(a), len(b)) if a and b else 0.0


def _heading_text(heading: HtmlElement) -> str:
    """The heading's words without what themes nest inside it: a ``<time>``, a byline or a
    "posted on" line in a nested block; a ``<br>`` separates words rather than gluing them."""
    parts: list[str] = [heading.text or ""]
    for child in heading:
        if child.tag == "br":
            parts.append(" ")
        elif isinstance(child.tag, str) and not _is_heading_noise(child):
            parts.append(_heading_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _is_heading_noise(element: HtmlElement) -> bool:
    return element.tag in _HEADING_NOISE_TAGS or bool(_HEADING_NOISE_CLASS.search(element.get("class") or ""))


def host_names(url: str | None) -> list[str]:
    """Names a site may go by, read from its host ("home.tarkett.co.uk" -> "tarkett")."""
    host = (urlsplit(url).hostname or "") if url else ""
    return [label for label in host.split(".") if label and label not in _GENERIC_HOST_LABELS]


def _main_segment(headline: str) -> str:
    """The longest of " | "-separated parts: a visible headline does not use pipes, a title
    template does, to append a section, a subtitle or the site ("Story | Opinion | Site")."""
    parts = [part.strip() for part in headline.split(_PIPE)]
    return max(parts, key=lambda part: len(part.split())) if len(parts) > 1 else headline


def _pick(h1s: list[str], titles: list[str]) -> str | None:
    if h1s and titles:
        if len(h1s) == 1:
            lone = h1s[0]
            agrees = max(_overlap(lone, t) for t in titles) >= _SAME_STORY
            return lone if agrees or _MIN_LONE_H1_WORDS <= len(lone.split()) <= _MAX_HEADLINE_WORDS else titles[0]
        similarity, best = max(((max(_similarity(h, t) for t in titles), h) for h in h1s), key=lambda pair: pair[0])
        overlap = max(_overlap(best, t) for t in titles)
        if similarity >= _SAME_STORY or (overlap >= _SAME_STORY and similarity >= _SHORTENED_STORY):
            return best
        return titles[0]
    if h1s:
        return h1s[0]
    return titles[0] if titles else None


def choose_headline(tree: HtmlElement, declared: list[str | None], site_names: list[str]) -> str | None:
    titles = [strip_site_name(t, site_names) for t in declared if t]
    texts = (clean_text(_heading_text(h)) or clean_text(h.text_content()) for h in H1_HEADINGS(tree))
    h1s = list(dict.fromkeys(  # a page may repeat its <h1> for mobile and desktop layouts
        strip_site_name(text, site_names) for text in texts
        if text and len(text) <= _MAX_HEADLINE_CHARS and not names_site(text, site_names, variants=False)))
    headline = _pick(h1s, titles)
    return _main_segment(headline) if headline else None
