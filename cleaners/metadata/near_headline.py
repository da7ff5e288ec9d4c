"""The element that shows the story's headline, and the text printed around it.

Themes put the date and the byline right above or below the headline, often in elements with
no telling class ("Dec 12, 2025", "By Ann Lee"), so that text is read by position: the text nodes
nearest the headline first, alternating between after and before it.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import zip_longest

from lxml import etree
from lxml.html import HtmlElement

from cleaners.metadata.headline import H1_HEADINGS
from cleaners.normalize import clean_text

# Text nodes after and before the headline, nearest first (``preceding`` counts backwards).
_AFTER = etree.XPath("following::text()[normalize-space()][position() <= 20]")
_BEFORE = etree.XPath("preceding::text()[normalize-space()][position() <= 4]")
_SHOWING = etree.XPath("//body//text()[normalize-space(.) = $headline]")
_NOT_TEXT_PARENTS = frozenset({"script", "style", "noscript", "template", "option", "title"})

TextNode = etree._ElementUnicodeResult


def story_heading(tree: HtmlElement, headline: str | None) -> HtmlElement | None:
    """The element that shows the headline: an ``<h1>`` holding it, else any element whose whole
    text it is. Without a headline, the page's first ``<h1>``. The other ``<h1>`` of a page that
    does not show its headline in one belong to other stories or to the site."""
    headings = H1_HEADINGS(tree)
    if not headline:
        return headings[0] if headings else None
    wanted = headline.casefold()
    for heading in headings:
        if wanted in (clean_text(heading.text_content()) or "").casefold():
            return heading
    for text in _SHOWING(tree, headline=" ".join(headline.split())):
        owner = text_owner(text)
        if owner is not None and owner.tag not in _NOT_TEXT_PARENTS:
            return owner
    return None


def text_around(heading: HtmlElement) -> Iterator[TextNode]:
    """Visible text nodes near the heading, nearest first, after and before it in turn."""
    for pair in zip_longest(_AFTER(heading), _BEFORE(heading)):
        for node in pair:
            if node is None:
                continue
            owner = text_owner(node)
            if owner is not None and owner.tag not in _NOT_TEXT_PARENTS:
                yield node


def text_owner(node: TextNode) -> HtmlElement | None:
    """The element a text node is inside (for a tail, the parent of the element it follows)."""
    parent = node.getparent()
    return parent.getparent() if node.is_tail and parent is not None else parent
