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
_BODY_TEXT = etree.XPath("//body//text()[not(parent::script or parent::style)]")
_LINK_TEXT = etree.XPath("//body//a//text()")


def _characters(texts: list[str]) -> int:
    return sum(len(text.strip()) for text in texts)


def link_density(tree: HtmlElement) -> float:
    """Share of the page's visible text that sits inside links."""
    total = _characters(_BODY_TEXT(tree))
    return min(1.0, _characters(_LINK_TEXT(tree)) / total) if total else 0.0


def declares_article(declared: PageMetadata) -> bool:
    return declared.isArticleType or declared.ogType == "article"


def not_article_reason(declared: PageMetadata, paragraphs: list[str], tree: HtmlElement) -> str | None:
    """Why the page is not an article, or None when it is one."""
    if not paragraphs:
        return "no article text was found on the page"
    counts = sorted(len(p.split()) for p in paragraphs)
    words = sum(counts)
    declared_article = declares_article(declared) or declared.datePublished is not None
    if not declared_article and counts[len(counts) // 2] < LISTING_MEDIAN_WORDS:
        density = link_density(tree)  # costly, so only measured when the cheaper signals point to a listing
        if density > LISTING_LINK_DENSITY:
            return (f"a listing page: {density:.0%} of its text is links and the extracted lines are titles, "
                    "and it does not declare itself an article")
    minimum = MIN_WORDS_DECLARED_ARTICLE if declared_article else MIN_WORDS_UNDECLARED
    if words < minimum:
        kind = "a page declared as an article" if declared_article else "a page that does not declare itself an article"
        return f"only {words} words of text, too few for {kind} (minimum {minimum})"
    return None
