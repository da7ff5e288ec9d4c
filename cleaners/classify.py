"""Article or not: decided from the page itself, never from a list of sites.

An index, section, tag or author page still gives trafilatura some text (teasers, navigation);
what tells it apart is that the page does not declare itself an article and either the text is
short, or it is a list of short lines on a page whose text is mostly links. A page that declares
itself an article (JSON-LD type, ``og:type``, a publication time) is believed with much less
text, since news briefs are short.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement

from cleaners.metadata import PageMetadata

MIN_WORDS_DECLARED_ARTICLE = 8
MIN_WORDS_UNDECLARED = 40
# A listing: most of the page's text is link text, and what was extracted reads as titles.
LISTING_LINK_DENSITY = 0.5
LISTING_MEDIAN_WORDS = 12
_ANCHORS = etree.XPath("//body//a")


def link_density(tree: HtmlElement) -> float:
    """Share of the page's visible text that sits inside links."""
    bodies = tree.xpath("//body")
    total = _visible_chars(bodies[0]) if bodies else 0
    if not total:
        return 0.0
    return min(1.0, sum(_visible_chars(a) for a in _ANCHORS(tree)) / total)


def _visible_chars(element: HtmlElement) -> int:
    """Characters of text, whitespace aside (text_content() glues words of adjacent elements)."""
    return sum(len(word) for word in element.text_content().split())


def declares_article(declared: PageMetadata) -> bool:
    return declared.isArticleType or declared.ogType == "article"


def not_article_reason(declared: PageMetadata, paragraphs: list[str], page_link_density: float) -> str | None:
    """Why the page is not an article, or None when it is one."""
    if not paragraphs:
        return "no article text was found on the page"
    counts = sorted(len(p.split()) for p in paragraphs)
    words = sum(counts)
    declared_article = declares_article(declared) or declared.datePublished is not None
    if (not declared_article and page_link_density > LISTING_LINK_DENSITY
            and counts[len(counts) // 2] < LISTING_MEDIAN_WORDS):
        return (f"a listing page: {page_link_density:.0%} of its text is links and the extracted lines "
                "are titles, and it does not declare itself an article")
    minimum = MIN_WORDS_DECLARED_ARTICLE if declared_article else MIN_WORDS_UNDECLARED
    if words < minimum:
        kind = "a page declared as an article" if declared_article else "a page that does not declare itself an article"
        return f"only {words} words of text, too few for {kind} (minimum {minimum})"
    return None
