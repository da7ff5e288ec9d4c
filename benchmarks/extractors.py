"""The extractors under comparison, each behind one small adapter with the same shape.

Every adapter takes the page's raw bytes and URL, so each tool decodes the page its own way
(as it would in the wild) and no tool is helped by our decoding. The body call is what the
runner times; metadata a tool only gives from a second, slower call is fetched by a separate
untimed ``metadata`` hook so the speed column compares like with like.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import lxml.html
import readability
import trafilatura
from lxml.etree import ParserError

import cleaners


class Field(StrEnum):
    """The metadata fields an extractor may report (and so be scored on)."""

    HEADLINE = "headline"
    DATE = "datePublished"
    AUTHORS = "authors"


@dataclass(frozen=True)
class Extraction:
    """What one extractor made of one page; fields it does not report stay ``None``."""

    body: str = ""
    headline: str | None = None
    authors: tuple[str, ...] | None = None
    date: str | None = None


class NoArticle(Exception):
    """The extractor declined the page on purpose; scored as an empty prediction, not an error."""


@dataclass(frozen=True)
class Extractor:
    """A named tool: a timed ``extract`` and, optionally, an untimed ``metadata`` pass."""

    name: str
    extract: Callable[[bytes, str], Extraction]
    fields: frozenset[Field] = frozenset()
    metadata: Callable[[bytes, str], Extraction] | None = field(default=None)


def newsclean_with(options: cleaners.CleanOptions | None) -> Callable[[bytes, str], Extraction]:
    """The cleaner with these options (cross-validation passes each fold's article model)."""
    return lambda html, url: _newsclean(html, url, options)


def _newsclean(html: bytes, url: str, options: cleaners.CleanOptions | None = None) -> Extraction:
    try:
        article = cleaners.clean_html(html, url=url, options=options)
    except cleaners.CleaningError as error:
        raise NoArticle(str(error)) from error
    return Extraction(
        body=article.articleBody,
        headline=article.headline,
        authors=tuple(author.name for author in article.authors),
        date=article.datePublished,
    )


def _trafilatura(html: bytes, url: str) -> Extraction:
    return Extraction(body=trafilatura.extract(html, url=url) or "")


def _trafilatura_recall(html: bytes, url: str) -> Extraction:
    return Extraction(body=trafilatura.extract(html, url=url, favor_recall=True) or "")


def _trafilatura_precision(html: bytes, url: str) -> Extraction:
    return Extraction(body=trafilatura.extract(html, url=url, favor_precision=True) or "")


def _trafilatura_metadata(html: bytes, url: str) -> Extraction:
    """Trafilatura's own metadata; it joins several authors with ``"; "``, so split there."""
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if document is None:
        return Extraction()
    authors = tuple(name.strip() for name in (document.author or "").split(";") if name.strip())
    return Extraction(headline=document.title, authors=authors, date=document.date)


def _readability(html: bytes, url: str) -> Extraction:
    document = readability.Document(html, url=url)
    return Extraction(body=html_to_text(document.summary()), headline=document.short_title())


_BLOCK_TAGS = (
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre",
    "section", "table", "td", "th", "tr", "ul",
)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, one line per block, so words in adjacent blocks never fuse.

    ``text_content()`` alone would glue ``<p>end</p><p>start`` into one token ("endstart"),
    which the shingle metric would punish as if readability had lost the words.
    """
    try:
        root = lxml.html.fromstring(markup)
    except ParserError:  # an empty or whitespace-only summary
        return ""
    for element in root.iter(*_BLOCK_TAGS, "br"):
        element.tail = "\n" + (element.tail or "")
        if element.tag != "br":
            element.text = "\n" + (element.text or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


EXTRACTORS: dict[str, Extractor] = {
    extractor.name: extractor
    for extractor in (
        Extractor("newsclean", _newsclean, frozenset(Field)),
        Extractor("trafilatura", _trafilatura, frozenset(Field), metadata=_trafilatura_metadata),
        Extractor("trafilatura-precision", _trafilatura_precision),
        Extractor("trafilatura-recall", _trafilatura_recall),
        Extractor("readability-lxml", _readability, frozenset({Field.HEADLINE})),
    )
}
"""Every extractor the harness knows, in table order; ``trafilatura`` is the speed yardstick."""
