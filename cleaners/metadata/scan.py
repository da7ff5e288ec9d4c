"""One pass in Python over a page's body, for searches that test every text node or every class.

An XPath such as ``//body//text()[contains(., 'uthor')]`` evaluates its predicate through
libxml2's interpreter on each of a page's thousands of nodes; walking the tree once and testing
each string with a compiled pattern costs a half to a fifth of that, which matters because the
byline and date readers run on every page that declares no author or date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree
from lxml.html import HtmlElement

from cleaners.metadata.near_headline import TextNode

# Text inside these is not shown on the page.
_HIDDEN_TEXT_PARENTS = frozenset({"script", "style", "noscript", "template"})
_OWN_TEXT = etree.XPath("text()[1]")
_TAIL_TEXT = etree.XPath("following-sibling::node()[1][self::text()]")


# All the body's text as one string (scripts included), computed in C.
BODY_STRING = etree.XPath("string(//body)")
_ALL_TEXT = etree.XPath("string()")


def _body(tree: HtmlElement) -> HtmlElement:
    body = tree.find("body") if tree.tag == "html" else None
    return body if body is not None else tree


def body_texts_matching(tree: HtmlElement, pattern: re.Pattern[str]) -> Iterator[TextNode]:
    """Text nodes of the body, in page order, in which ``pattern`` is found (searched, not matched
    whole), outside scripts, styles and templates.

    ``pattern`` must find in a text whatever it finds in a part of it (words to look for, not
    anchors or lookarounds): on most pages it is nowhere in the body's whole text, which is one
    search in C, so the walk is skipped (on the development pages, three times in five)."""
    body = _body(tree)
    if not pattern.search(_ALL_TEXT(body)):
        return
    hidden = 0
    for event, element in etree.iterwalk(body, events=("start", "end")):
        if event == "start":
            if element.tag in _HIDDEN_TEXT_PARENTS:
                hidden += 1
            elif not hidden and (text := element.text) and pattern.search(text) and isinstance(element.tag, str):
                yield _OWN_TEXT(element)[0]
            continue
        if element.tag in _HIDDEN_TEXT_PARENTS:
            hidden -= 1
        if not hidden and element is not body and (tail := element.tail) and pattern.search(tail):
            yield _TAIL_TEXT(element)[0]


def body_descendants(tree: HtmlElement) -> Iterator[HtmlElement]:
    """The elements inside the body, in page order."""
    return _body(tree).iterdescendants(etree.Element)


def body_elements_with_class(tree: HtmlElement, pattern: re.Pattern[str]) -> Iterator[HtmlElement]:
    """Elements inside the body, in page order, in whose class attribute ``pattern`` is found."""
    for element in body_descendants(tree):
        classes = element.get("class")
        if classes and pattern.search(classes):
            yield element
