"""The original of a syndicated copy: the article an aggregator page credits.

Aggregator themes end a copied story with an anchor reading "Source link", "Original article" or
"Read more at ..."; some set a canonical URL on the original's domain instead. Either way the
link leaves the page's own site, which is what separates it from internal navigation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from cleaners.normalize import collapse_whitespace

_CREDIT_TEXT = re.compile(
    r"(source( link| article)?|original( article| story| post| source)?|read (the )?original( article)?"
    r"|read (more|the full (article|story)) (at|on)( .{1,60})?|originally (published|appeared) (at|on|in)( .{1,60})?"
    r"|view (the )?original( article)?|via)\W*",
    re.IGNORECASE,
)
_MAX_ANCHOR_TEXT = 80
# Cheap tests before the regex; a loop over the anchors costs half of an XPath that tests their text.
_CREDIT_WORD = re.compile(r"source|original|read\s|via", re.IGNORECASE)


def _credit_anchors(tree: HtmlElement) -> Iterator[HtmlElement]:
    """Links whose whole text is a credit ("Source link", "Read more at ...")."""
    for anchor in tree.iter("a"):
        if anchor.get("href") is None:
            continue
        raw = anchor.text_content()
        if len(raw) > 4 * _MAX_ANCHOR_TEXT or not _CREDIT_WORD.search(raw):
            continue
        text = collapse_whitespace(raw)
        if len(text) <= _MAX_ANCHOR_TEXT and _CREDIT_TEXT.fullmatch(text):
            yield anchor


def _site(url: str | None) -> str:
    host = (urlsplit(url).hostname or "") if url else ""
    return host.removeprefix("www.")


def find_source_url(tree: HtmlElement, page_url: str | None, canonical_url: str | None) -> str | None:
    """The credited original's absolute URL, or None when the page is not a credited copy."""
    own_site = _site(page_url)
    for anchor in _credit_anchors(tree):
        href = urljoin(page_url or "", anchor.get("href", "").strip())
        if urlsplit(href).scheme in ("http", "https") and _site(href) not in ("", own_site):
            return href
    if own_site and canonical_url and _site(canonical_url) not in ("", own_site):
        return canonical_url
    return None
