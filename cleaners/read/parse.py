"""Page bytes to one lxml tree, checked for the faults that would make every later stage wrong.

The tree built here is the only parse of the page: metadata, the chrome stage and the body
extractor all read it.
"""

from __future__ import annotations

import codecs
import re

import lxml.html
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction

from cleaners.errors import CleaningError, FailureKind
from cleaners.read.decode import looks_binary, read_text, repair_mojibake

_ANY_TAG = re.compile(rb"<\s*(!doctype|html|head|body|p|div|article|main|title|meta|span|section|h[1-6])\b",
                      re.IGNORECASE)


def _parser() -> lxml.html.HTMLParser:
    """lxml.html's parser, with every element an ``HtmlElement``: lxml.html's own class lookup
    (form controls get their own classes) runs in Python for each element touched, which costs
    about a twentieth of a page's cleaning; the default lookup runs in C."""
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                                  collect_ids=False, default_doctype=False)
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity))
    return parser


def check_body(body: bytes, max_bytes: int) -> None:
    """Reject what is not worth decoding, naming the reason."""
    if not body.strip():
        raise CleaningError(FailureKind.EMPTY, "the page is empty")
    if len(body) > max_bytes:
        raise CleaningError(FailureKind.TOO_LARGE,
                            f"the page is {len(body):,} bytes, over the limit of {max_bytes:,}")
    if looks_binary(body):
        raise CleaningError(FailureKind.BINARY, "the content is binary (an image, archive or other non-text file)")


def parse_html(body: bytes, content_type: str | None) -> tuple[HtmlElement, str]:
    """The page's tree and the encoding it was read with.

    The parser is always fed UTF-8 with the encoding stated, so no declaration inside the page
    can make libxml2 decode it differently from ``read_text``; a UTF-8 page is fed as it came, unless
    it was garbled upstream and repaired.
    """
    as_read, encoding = read_text(body, content_type)
    text = repair_mojibake(as_read)
    if encoding == "utf-8" and text is as_read:
        utf8 = body.removeprefix(codecs.BOM_UTF8)
    else:
        utf8 = text.encode("utf-8", "surrogatepass")
    if not _ANY_TAG.search(utf8, 0, 1 << 20):
        raise CleaningError(FailureKind.NOT_HTML, "the content has no HTML markup")
    parser = _parser()
    try:
        tree = lxml.html.document_fromstring(utf8, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise CleaningError(FailureKind.NOT_HTML, f"the HTML cannot be parsed ({error})") from error
    if any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in parser.error_log):
        raise CleaningError(FailureKind.TOO_DEEP,
                            "elements are nested deeper than the parser's limit of 256 levels")
    return tree, encoding
