"""Authors from the byline the page shows, for pages that declare none (or only the site).

Near the story's heading, a byline is a link to an author page, or a short text that starts
with a label ("By", "Written by", "Posted by", "Author:"). The name follows in the same text
("By Ann Lee"), in the same element ("By <a>Ann Lee</a>"), or, when the label stands alone
("Written by" in one element, the name in the next), in the next text on the page. Elsewhere on
the page only an explicit label counts ("Written by" in an author box, never "By", which opens
sentences too), and last an element whose class says byline or author. A byline ends where its
date, reading time or a separator starts.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from cleaners.metadata.near_headline import TextNode, text_around, text_owner
from cleaners.metadata.scan import body_elements_with_class, body_texts_matching
from cleaners.normalize import MONTH_NAME, split_author_names

_BYLINE_LABEL = re.compile(
    r"^(?:(?:written|posted|words|reported|article|story)\s+by|by|authors?|author\(s\)|contributors?)"
    r"(?:\s*:\s*|\s+|$)",
    re.IGNORECASE)
# Labels that say "author" whatever the line's place on the page ("By" alone does not: "By
# clicking Subscribe...").
_EXPLICIT_LABEL = re.compile(r"^(?:(?:written|posted|authored|article)\s+by(?:\s*:\s*|\s+|$)|authors?(?:\s*:\s*|$))",
                             re.IGNORECASE)
_MAYBE_EXPLICIT = re.compile("ritten by|osted by|uthored by|rticle by|uthor")
_MAX_BYLINE_CHARS = 120
# Bylines by class name: what themes call the element that credits the writer.
_BYLINE_CLASS = re.compile("byline|author", re.IGNORECASE)
_NOT_BYLINE_TAGS = frozenset({"script", "style", "img", "meta"})
_FIRST_TEXT = etree.XPath("(.//text()[normalize-space()])[1]")
_NOT_BYLINE_CLASS = ("comment", "avatar", "bio", "box", "description", "image", "img", "photo", "menu", "authorit")
# Paths of author pages, which themes link the byline's name to.
_AUTHOR_PATH = re.compile(r"/(?:authors?|contributors?|writers?|columnists?|byline|profiles?/authors?)/[^/?#]+"
                          r"|[?&]_?author=[^&#]+", re.IGNORECASE)
_LINK_DEPTH = 2
_MAX_LOWER_CASE_NAME_WORDS = 2
_PROSE_TAGS = frozenset({"p", "li", "blockquote", "td", "dd"})
# Where a byline goes on to the date or the reading time ("By Ann Lee · Dec 20 · 5 min read", "on Tuesday").
_BYLINE_END = re.compile(r"\s[-·•⋅|—–]\s|\s(?:on|at)\s|\d"
                         rf"|\b{MONTH_NAME}\s+\d", re.IGNORECASE)
_LEADING_DATE = re.compile(
    rf"^\W*(?:{MONTH_NAME}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{MONTH_NAME},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}"
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4})[\s·•⋅|,–—-]*", re.IGNORECASE)
_TEXT_INSIDE = etree.XPath("*//text()[normalize-space()]")
_NEXT_TEXT = etree.XPath("following::text()[normalize-space()][position() <= 2]")


def shown_byline(tree: HtmlElement, heading: HtmlElement | None) -> list[str]:
    """The names in the first labelled byline near the headline, else in the first line that says
    "Written by" (or "Posted by", "Author:") anywhere, as author boxes under the story do, else in
    the first short element whose class says byline or author; none when there is no such line."""
    for node in text_around(heading) if heading is not None else ():
        text = " ".join(str(node).split())
        if author_link := _author_link_text(node):
            names = _names([author_link])
        elif len(text) <= _MAX_BYLINE_CHARS and (label := _BYLINE_LABEL.match(text)) and _stands_alone(node):
            rest = text[label.end():]
            if rest and _opens_a_sentence(rest):
                continue
            names = _names([text] if rest else _after_label(node))
        else:
            continue
        if names:
            return names
    for node in body_texts_matching(tree, _MAYBE_EXPLICIT):
        text = " ".join(str(node).split())
        if len(text) > _MAX_BYLINE_CHARS or not (label := _EXPLICIT_LABEL.match(text)) or not _stands_alone(node):
            continue
        if names := _names([text] if text[label.end():] else _after_label(node)):
            return names
    return _classed_byline(tree)


def _opens_a_sentence(rest: str) -> bool:
    """"By following the tips below, ...": a lower-case word after the label, with more words
    after it, is a sentence going on, not a name ("by ibby" stays a byline)."""
    words = _BYLINE_END.split(rest)[0].split()
    return len(words) > _MAX_LOWER_CASE_NAME_WORDS and words[0][:1].islower()


def _stands_alone(node: TextNode) -> bool:
    """Whether the text is a line of its own, not the middle of a sentence in a paragraph ("a
    library written by <a>Ann Lee</a> in C"); a byline element may run on to the date and more."""
    owner = text_owner(node)
    if owner is None:
        return False
    return owner.tag not in _PROSE_TAGS or len(owner.text_content()) <= _MAX_BYLINE_CHARS


def _classed_byline(tree: HtmlElement) -> list[str]:
    for element in body_elements_with_class(tree, _BYLINE_CLASS):
        classes = element.get("class", "").lower()
        # "author-box__name" is the name in an author box, not the box with its biography
        excluded = any(word in classes for word in _NOT_BYLINE_CLASS) and "name" not in classes
        if element.tag in _NOT_BYLINE_TAGS or excluded:
            continue
        text = _spaced_text(element)
        if len(text) <= _MAX_BYLINE_CHARS and (names := _names([text])):
            return names
        if len(text) > _MAX_BYLINE_CHARS and (first := _FIRST_TEXT(element)) and (names := _names([first[0]])):
            return names  # an author box: the name on its first line, a biography after it
    return []


def _spaced_text(element: HtmlElement) -> str:
    """The element's text with its parts kept apart: "Ann Lee<span>Dec 12</span>" is two things."""
    return " ".join(" ".join(element.itertext()).split())


def _names(bylines: list[str]) -> list[str]:
    """The names in the first byline that has any: a byline may open with its date ("Dec 17, 2025
    Julian K. Arni", "Dec. 19, 2025 · Niko Matsakis"), and ends where the date or a separator is."""
    for byline in bylines:
        text = _LEADING_DATE.sub("", byline)
        names = [name for name in split_author_names(_BYLINE_END.split(text)[0]) if not _is_label(name)]
        if names:
            return names
    return []


def _author_link_text(node: TextNode) -> str | None:
    """The text of a link to the author's page ("/author/ann-lee"), which needs no label; the
    name may sit in an element inside the link (``<a href="/authors/ann"><span>Ann</span></a>``)."""
    owner = text_owner(node)
    if node.is_tail or owner is None:
        return None
    for element in (owner, *list(owner.iterancestors())[:_LINK_DEPTH]):
        if element.tag == "a":
            return str(node) if _AUTHOR_PATH.search(element.get("href") or "") else None
    return None


def _is_label(text: str) -> bool:
    label = _BYLINE_LABEL.match(text)
    return bool(label) and not text[label.end():]


def _after_label(label: TextNode) -> list[str]:
    """What may complete a label standing alone: the rest of its element (whole, then its first
    part, for "By <a>Ann Lee</a> View in digital edition"), else the next text on the page."""
    owner = text_owner(label)
    if owner is None:
        return []
    if not label.is_tail and (inside := _TEXT_INSIDE(owner)):
        first, whole = _names([str(inside[0])]), _names([_spaced_text(owner)])
        # "By <a>Ann Lee</a> and <a>Bo Chan</a>" reads whole; "By <a>Ann Lee</a> View in digital
        # edition" or two links run together ("Ann Lee Bo Chan") by their first part.
        return [", ".join(whole if first and first[0] in whole else first)]
    following = _NEXT_TEXT(label.getparent() if label.is_tail else owner)
    if label.is_tail:  # the tail itself comes first among the text after the element it follows
        following = following[1:]
    return [str(following[0])] if following else []
