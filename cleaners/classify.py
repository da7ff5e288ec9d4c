"""Article or not: decided from the page itself, never from a list of sites.

An index, section, tag or author page still gives trafilatura some text (teasers, navigation);
what tells it apart is that the page does not declare itself an article and the text is short.
A page that does declare itself an article (JSON-LD type, ``og:type``, a publication time) is
believed with much less text, since news briefs are short.
"""

from __future__ import annotations

from cleaners.metadata import PageMetadata

MIN_WORDS_DECLARED_ARTICLE = 8
MIN_WORDS_UNDECLARED = 40


def declares_article(declared: PageMetadata) -> bool:
    return declared.isArticleType or declared.ogType == "article"


def not_article_reason(declared: PageMetadata, paragraphs: list[str]) -> str | None:
    """Why the page is not an article, or None when it is one."""
    if not paragraphs:
        return "no article text was found on the page"
    words = sum(len(p.split()) for p in paragraphs)
    declared_article = declares_article(declared) or declared.datePublished is not None
    minimum = MIN_WORDS_DECLARED_ARTICLE if declared_article else MIN_WORDS_UNDECLARED
    if words < minimum:
        kind = "a page declared as an article" if declared_article else "a page that does not declare itself an article"
        return f"only {words} words of text, too few for {kind} (minimum {minimum})"
    return None
