"""The story's paragraphs, from trafilatura's main-content extraction run on our parsed tree."""

from __future__ import annotations

import logging

import trafilatura
from lxml.html import HtmlElement

from cleaners.normalize import collapse_whitespace
from cleaners.options import CleanOptions

# trafilatura logs a warning for every page it finds no content in; our records say it instead.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)


def extract_paragraphs(tree: HtmlElement, url: str | None, options: CleanOptions) -> list[str]:
    """Main-content paragraphs in page order; empty when the page has no article text.

    trafilatura copies the tree it is given, so the caller's tree stays intact.
    """
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_precision=options.favor_precision,
        favor_recall=options.favor_recall,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
    )
    if document is None or not document.text:
        return []
    lines = (collapse_whitespace(line) for line in document.text.splitlines())
    return [line for line in lines if line]
