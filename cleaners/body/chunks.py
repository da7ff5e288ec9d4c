"""Parts of a story that its template split across several containers.

Some publishers cut the body into chunks around ad slots and rails, each chunk in a container
of the same markup (``<div class="body__container">`` three times over). An extractor that scores
containers keeps the best one and drops the rest. The container the story's first paragraph
sits in is found, and the other elements of exactly the same tag and class that hold real
paragraphs are taken as the rest of the story, in page order.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from cleaners.normalize import collapse_whitespace

# How far above the first paragraph the chunk container may sit.
_MAX_CONTAINER_DEPTH = 4
_ANCHOR_CHARS = 60
_PARAGRAPHS_STARTING = etree.XPath("//body//p[starts-with(normalize-space(.), $prefix)]")
_SAME_CONTAINER = etree.XPath("//*[name() = $tag][@class = $classes]")
_BLOCKS = etree.XPath(".//p | .//h2 | .//h3 | .//h4 | .//blockquote")
_LINKED_TEXT = etree.XPath(".//a//text()", smart_strings=False)
_WORDS = re.compile(r"\w+")
_MAX_COMMON_ANCESTOR_LEVELS = 3
# A chunk is story text when it holds a few real paragraphs with few links in them.
_MIN_CHUNK_PARAGRAPHS = 2
_MIN_PARAGRAPH_WORDS = 15
_MAX_LINK_SHARE = 0.3


def missing_chunks(tree: HtmlElement, paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Paragraphs of the story's other chunks: those before the extracted one, those after."""
    if not paragraphs:
        return [], []
    container = _chunk_container(tree, paragraphs[0])
    if container is None:
        return [], []
    siblings = _SAME_CONTAINER(tree, tag=container.tag, classes=container.get("class"))
    if len(siblings) < 2:
        return [], []
    known = set(paragraphs)
    before: list[str] = []
    after: list[str] = []
    seen_container = False
    for chunk in siblings:
        if chunk is container:
            seen_container = True
            continue
        if _nested(chunk, container) or not _near(chunk, container):
            continue
        lines = _story_paragraphs(chunk)
        if lines and not known.intersection(lines):
            (after if seen_container else before).extend(lines)
    return before, after


def _chunk_container(tree: HtmlElement, first_paragraph: str) -> HtmlElement | None:
    prefix = first_paragraph[:_ANCHOR_CHARS]
    anchors = _PARAGRAPHS_STARTING(tree, prefix=prefix)
    if len(anchors) != 1:
        return None
    for depth, ancestor in enumerate(anchors[0].iterancestors()):
        if depth >= _MAX_CONTAINER_DEPTH or ancestor.tag in ("body", "html"):
            return None
        if ancestor.get("class", "").strip():
            return ancestor
    return None


def _near(chunk: HtmlElement, container: HtmlElement) -> bool:
    """Whether the two share an ancestor a few levels up: the chunks of one story sit in one
    column; a list of other stories' teasers in the same markup sits elsewhere on the page."""
    ancestors = list(container.iterancestors())[:_MAX_COMMON_ANCESTOR_LEVELS]
    return any(a is b for a in chunk.iterancestors() for b in ancestors)


def _nested(first: HtmlElement, second: HtmlElement) -> bool:
    return any(a is second for a in first.iterancestors()) or any(a is first for a in second.iterancestors())


def _story_paragraphs(chunk: HtmlElement) -> list[str]:
    """The chunk's paragraphs when it reads as story text; none when it is a rail or a list."""
    lines = []
    words = linked = real = 0
    for block in _BLOCKS(chunk):
        if any(parent in ("p", "blockquote") for parent in (a.tag for a in block.iterancestors())):
            continue
        text = collapse_whitespace(block.text_content())
        if not text:
            continue
        count = len(_WORDS.findall(text))
        words += count
        linked += sum(len(_WORDS.findall(text)) for text in _LINKED_TEXT(block))
        real += block.tag == "p" and count >= _MIN_PARAGRAPH_WORDS
        lines.append(text)
    if real < _MIN_CHUNK_PARAGRAPHS or linked > _MAX_LINK_SHARE * words:
        return []
    return lines
