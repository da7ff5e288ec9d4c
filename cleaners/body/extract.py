"""The story's paragraphs, from trafilatura's main-content extraction run on our parsed tree.

trafilatura's own extractor runs first on its own (``fast``). Its comparison with other
algorithms (readability, jusText) is for pages where that extraction holds little of the page's
text, the sign of a missed article body; on the other pages it costs a third of the time and
more often adds a comment thread or a teaser list than text that was missed.

When trafilatura finds no article container it falls back to gathering the page's loose
paragraphs, which leaves out the story's headings and lists; its recall mode gathers those too,
so on such a page the extraction is run again in that mode.

An extraction that still holds only a small part of the page's text may have kept one block of a
story told in several (an introduction, then entries in containers of their own), so
readability-lxml, which joins a story's sibling blocks, gives a second reading there, taken or
merged in page order when it holds ours and much more (``_fuller_reading``).
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections import Counter
from collections.abc import Callable
from copy import copy, deepcopy
from typing import Any

import trafilatura
from lxml import etree
from lxml.html import HtmlElement, fromstring
from readability import Document
from trafilatura import main_extractor
from trafilatura.settings import Extractor

from cleaners.metadata.scan import BODY_STRING
from cleaners.normalize import collapse_whitespace
from cleaners.options import CleanOptions

# trafilatura logs a warning for every page it finds no content in; our records say it instead.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)
# readability logs a traceback for a page it cannot parse; the fallback then finds nothing, and says so.
logging.getLogger("readability").setLevel(logging.CRITICAL)

# Below this share of the page's visible text an extraction may have missed the body (the
# share trafilatura itself uses to escalate to its recall mode).
UNDER_EXTRACTION_SHARE = 0.2
# An extraction holding this band of the page's visible text may have left story sections out;
# readability is asked for its reading, used when it holds twice our words and more than half of
# them (see ``_fuller_reading``).
# (Below the band the extraction is not part of a story but a different block, or nothing, and
# readability's larger reading there tends to be the page's listing.)
SECOND_OPINION_SHARES = (0.15, 0.3)
SECOND_OPINION_GROWTH = 2.0
SECOND_OPINION_CONTAINMENT = 0.85
SECOND_OPINION_MERGE = 0.55
# A line is placed in the page by this many of its first characters, if it has enough of them.
_PLACING_CHARS = 80
_MIN_PLACING_CHARS = 20
_WORD = re.compile(r"\w+")
_BODY_TEXT_LENGTH = etree.XPath("string-length(normalize-space(//body))")
_HIDDEN = etree.XPath("//body//script | //body//style | //body//noscript")
_NORMALIZED_LENGTH = etree.XPath("string-length(normalize-space(.))")


class _FellBackToLooseParagraphs(Exception):
    """Raised out of trafilatura's loose-paragraph recovery to end an extraction whose text is
    about to be thrown away (see ``_quick_extract``)."""


class _LooseParagraphWatch:
    """Stands in for trafilatura's ``recover_wild_text``, which it calls when its container search
    found too little and it falls back to gathering the page's loose paragraphs. The watch notes,
    per thread, that this happened; asked to (``stop``), it ends the extraction there by raising
    ``_FellBackToLooseParagraphs`` instead.

    (trafilatura says so otherwise only in a debug message. Reading that message meant enabling
    the extractor's debug logging, which builds a log record for each of the hundreds of debug
    calls of every extraction: it made ``trafilatura.extract`` 8% slower, for us and for every
    other trafilatura call in the process.)"""

    def __init__(self, recover: Callable[..., Any] | None) -> None:
        self._recover = recover
        self._state = threading.local()

    @property
    def watches(self) -> bool:
        """Whether there is a recovery function to stand in for."""
        return self._recover is not None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._state.fell_back = True
        if getattr(self._state, "stop", False) or self._recover is None:
            raise _FellBackToLooseParagraphs
        return self._recover(*args, **kwargs)

    def reset(self, *, stop: bool = False) -> None:
        self._state.fell_back = False
        self._state.stop = stop

    def fell_back(self) -> bool:
        return getattr(self._state, "fell_back", False)


# trafilatura's extractor looks the function up in its module at each call, so the watch sees
# every fallback, whichever stage of its cascade makes it. (A trafilatura that renamed it would
# still be read, only never again in recall mode; the tests say so rather than every import.)
_LOOSE_PARAGRAPHS = _LooseParagraphWatch(getattr(main_extractor, "recover_wild_text", None))
if _LOOSE_PARAGRAPHS.watches:
    main_extractor.recover_wild_text = _LOOSE_PARAGRAPHS


def extract_paragraphs(tree: HtmlElement, url: str | None, options: CleanOptions, *,
                       visible: int | None = None, thorough: bool = False,
                       before_slower: Callable[[list[str]], None] | None = None) -> tuple[list[str], bool]:
    """Main-content paragraphs in page order (empty when the page has no article text), and
    whether trafilatura's full cascade gave them.

    ``visible`` is the page's visible text length (``visible_length``), measured before its
    storyless parts were dropped; when not given it is measured on ``tree``.

    ``thorough`` runs the full cascade at once; otherwise it runs only when the quick extraction
    holds little of the page's text. Before each slower reading (the cascade, readability's second
    opinion) ``before_slower`` sees the lines read so far and has its chance to stop the page by
    raising: each costs several times the quick extraction. trafilatura copies the tree it is
    given, so the caller's tree stays intact.
    """
    visible = visible_length(tree) if visible is None else visible
    text = "" if thorough else _quick_extract(tree, url, options)
    if not thorough and len(text) < UNDER_EXTRACTION_SHARE * visible:
        thorough = True
        if before_slower is not None:
            before_slower(_lines(text))
    if thorough:
        text = _extract(tree, url, options, fast=False)
    lines = _lines(text)
    low, high = SECOND_OPINION_SHARES
    if low * visible <= len(text) < high * visible:
        if before_slower is not None:
            before_slower(lines)
        lines = _fuller_reading(tree, lines)
    return lines, thorough


def _lines(text: str) -> list[str]:
    return [line for line in map(collapse_whitespace, text.splitlines()) if line]


def _fuller_reading(tree: HtmlElement, lines: list[str]) -> list[str]:
    """readability's reading of the page when it holds twice our words: the story's other
    sections, which trafilatura left out (link-rich paragraphs, a run of sections in containers of
    their own). When it holds most of ours too it is taken whole; when it holds more than half of
    ours, the two readings are merged in page order (trafilatura kept the story's opening block,
    readability the sections after it); otherwise readability took a different block of the page,
    and ours stands."""
    theirs = readability_paragraphs(tree)
    ours_words, their_words = _word_bag(lines), _word_bag(theirs)
    ours_total = sum(ours_words.values())
    if sum(their_words.values()) < SECOND_OPINION_GROWTH * ours_total:
        return lines
    shared = sum((ours_words & their_words).values())
    if shared >= SECOND_OPINION_CONTAINMENT * ours_total:
        return theirs
    if shared > SECOND_OPINION_MERGE * ours_total:
        return _in_page_order(tree, [lines, theirs])
    return lines


def _in_page_order(tree: HtmlElement, readings: list[list[str]]) -> list[str]:
    """The distinct lines of several readings sorted by where they appear in the page's text. A
    line is placed by its opening; one too short to place surely ("2", "Share"), or not found,
    stays just before the next placed line of its own reading (after the last, at the end)."""
    page = collapse_whitespace(BODY_STRING(tree))
    placed: dict[str, tuple[int, int, int]] = {}
    for source, reading in enumerate(readings):
        found = [page.find(line[:_PLACING_CHARS]) if len(line) >= _MIN_PLACING_CHARS else -1 for line in reading]
        anchor = len(page)
        for order in range(len(reading) - 1, -1, -1):
            anchor = found[order] if found[order] >= 0 else anchor
            placed.setdefault(reading[order], (anchor, source, order))
    return sorted(placed, key=placed.__getitem__)


def _word_bag(lines: list[str]) -> Counter[str]:
    return Counter(word for line in lines for word in _WORD.findall(line.casefold()))


def _quick_extract(tree: HtmlElement, url: str | None, options: CleanOptions) -> str:
    """The quick extraction, taken again in recall mode when it had to fall back to loose
    paragraphs (unless the caller asked for precision or recall).

    The first extraction's text is then only needed if the recall one finds nothing, so it is
    ended where it falls back (its recovery, rescue and escalation stages cost as much as the
    main pass on such pages) and run again in full only in that case."""
    rerun_in_recall = not (options.favor_precision or options.favor_recall)
    _LOOSE_PARAGRAPHS.reset(stop=rerun_in_recall)
    try:
        text: str | None = _extract(tree, url, options, fast=True)
    except _FellBackToLooseParagraphs:
        text = None
    finally:
        fell_back = _LOOSE_PARAGRAPHS.fell_back()
        _LOOSE_PARAGRAPHS.reset()
    if not (fell_back and rerun_in_recall):
        return text or ""
    if recalled := _extract(tree, url, options, fast=True, favor_recall=True):
        return recalled
    # (When trafilatura's own recall escalation fell back, it swallowed the signal: run again too.)
    return _extract(tree, url, options, fast=True)


def _extract(tree: HtmlElement, url: str | None, options: CleanOptions, *, fast: bool,
             favor_recall: bool = False) -> str:
    settings = _extraction_settings(url, fast, options.favor_precision, options.favor_recall or favor_recall)
    document = trafilatura.bare_extraction(tree, url=url, options=settings)
    return document.text if document is not None and document.text else ""


def _extraction_settings(url: str | None, fast: bool, favor_precision: bool, favor_recall: bool) -> Extractor:
    """trafilatura's settings for one extraction: the body as text, tables in, comments out, no
    metadata. Built once per kind of reading and copied with the page's address: building them
    reads values out of trafilatura's configuration and formats today's date, a quarter of a
    millisecond each time, on every extraction of every page."""
    settings = copy(_settings(fast, favor_precision, favor_recall))
    settings.url = settings.source = url
    return settings


@functools.cache
def _settings(fast: bool, favor_precision: bool, favor_recall: bool) -> Extractor:
    """One template per kind of reading, kept for the process (at most eight). The date it was built
    on bounds only trafilatura's metadata extraction, which is off, so a crawl that runs for days
    reads the same with it."""
    return Extractor(output_format="python", fast=fast, precision=favor_precision, recall=favor_recall,
                     comments=False, tables=True, with_metadata=False)


def visible_length(tree: HtmlElement) -> int:
    """Characters of text a reader could see on the page, whitespace collapsed: the body's text
    less its scripts and styles (measured so, in C, it costs a third of walking the text nodes)."""
    hidden = sum(int(_NORMALIZED_LENGTH(element)) + 1 for element in _HIDDEN(tree))
    return max(0, int(_BODY_TEXT_LENGTH(tree)) - hidden)


def readability_paragraphs(tree: HtmlElement) -> list[str]:
    """Paragraphs by readability's scoring (readability-lxml), one per block element: the two
    algorithms fail on different pages."""
    try:
        # A copy of the tree, not its serialisation: readability prunes what it is given, and
        # reparsing the page (twice when its first, ruthless pass finds too little) costs more.
        summary = Document(deepcopy(tree)).summary(html_partial=True)
    except (ValueError, TypeError, etree.LxmlError):
        return []
    if not summary:
        return []
    lines: list[str] = []
    _block_lines(fromstring(summary), lines, [])
    return lines


_BLOCK_TAGS = frozenset({"address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption",
                         "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "main", "ol",
                         "p", "pre", "section", "table", "td", "th", "tr", "ul", "br"})


def _block_lines(element: HtmlElement, lines: list[str], run: list[str]) -> None:
    """Text of ``element`` split into lines at block boundaries: a link or an emphasis inside a
    paragraph stays in its line, a new paragraph, list item or cell starts one."""
    block = element.tag in _BLOCK_TAGS
    if block:
        _end_line(lines, run)
    if element.text:
        run.append(element.text)
    for child in element:
        if isinstance(child.tag, str):
            _block_lines(child, lines, run)
        elif child.tail:
            run.append(child.tail)
    if block:
        _end_line(lines, run)
    if element.tail:
        run.append(element.tail)


def _end_line(lines: list[str], run: list[str]) -> None:
    if line := collapse_whitespace("".join(run)):
        lines.append(line)
    run.clear()
