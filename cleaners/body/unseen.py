"""Elements no reader sees, dropped from the tree once the metadata, the publication date (htmldate
reads dates in scripts) and the article decision's page features (an icon's class is one of them)
have been read from it.

Scripts (other than JSON-LD, which the body extractor's rescue reads), styles and SVG drawings
hold no story text, and every stage after the metadata walks the tree again (the extractor
copies it and runs some forty XPath expressions over its copies): dropping them once, in C,
costs less than carrying them through every walk.
"""

from __future__ import annotations

from lxml.html import HtmlElement

_UNSEEN_TAGS = ("script", "style", "svg")
_KEPT_SCRIPT_TYPE = "application/ld+json"


def drop_unseen(tree: HtmlElement) -> None:
    """Remove scripts (JSON-LD kept), styles and SVG drawings, keeping the text that follows each."""
    unseen = [element for element in tree.iter(*_UNSEEN_TAGS)
              if element.tag != "script" or element.get("type") != _KEPT_SCRIPT_TYPE]
    for element in unseen:
        if element.getparent() is not None:
            element.drop_tree()
