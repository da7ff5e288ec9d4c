"""Elements that hold no story, dropped from the tree once the metadata, the publication date
(htmldate reads dates in scripts and meta tags) and the article decision's page features (an
icon's class is one of them) have been read from it; asides, footers and navigation once the
page's visible text length has been measured too (after the scripts go, when it costs least).

- Scripts (other than JSON-LD, which the body extractor's rescue reads), styles and SVG
  drawings: no reader sees them.
- The head's meta tags, links and title: read by the metadata stage, by nothing after it.
- ``<aside>``, ``<footer>`` and ``<nav>``: trafilatura deletes all three before it looks for the
  story. One that holds much of the page's text stays: an unclosed ``<aside>`` can wrap the whole
  page, and the fallback reading (readability's) then finds the story in it.

Every stage after the metadata walks the tree again (the extractor copies it three times and
runs some forty XPath expressions over its copies): dropping them once, in C, costs less than
carrying them through every walk. Asides, footers and the head's metadata are a fifth of the
nodes of a typical development page, and a twelfth of the extractor's time goes with them;
navigation is a sixth of what is left after them.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from cleaners.body.chrome import STORY_CONTAINER_SHARE

_UNSEEN_TAGS = ("script", "style", "svg")
_SIDE_TAGS = ("aside", "footer", "nav")
_KEPT_SCRIPT_TYPE = "application/ld+json"


def drop_unseen(tree: HtmlElement) -> None:
    """Remove what no reader sees: scripts (JSON-LD kept), styles, drawings and the head's
    metadata, keeping the text after each."""
    head = tree.find("head")
    candidates = [*tree.iter(*_UNSEEN_TAGS), *(head if head is not None else ())]
    _drop([element for element in candidates
           if element.tag != "script" or element.get("type") != _KEPT_SCRIPT_TYPE])


def drop_sides(tree: HtmlElement, visible: int) -> None:
    """Remove asides, footers and navigation, keeping the text after each, unless one holds as much of the
    page's ``visible`` text (``extract.visible_length``, measured before) as a story's container."""
    most = STORY_CONTAINER_SHARE * visible
    _drop([element for element in tree.iter(*_SIDE_TAGS) if _text_length(element) <= most])


def _text_length(element: HtmlElement) -> int:
    return len(" ".join(element.text_content().split()))


def _drop(elements: list[HtmlElement]) -> None:
    for element in elements:
        if element.getparent() is not None:
            element.drop_tree()
