"""Article or not: one learned decision over features of how the page is built.

A crawl that follows links meets section, tag and author pages, product and service pages, forums
and docs; each still gives the extractor some text. Which is an article is told by how the page is
built, not by what it says: what it declares (JSON-LD and OpenGraph types, a publication date, an
author), how its text is shaped (words, paragraphs, their lengths, the share of the page's text the
story holds, the share that is links), what else it holds (forms, prices, code, comment threads,
repeated cards of links), the shape of its URL (depth, a date, a slug), and the words its markup
is built from (class and id names: "comment", "reply", "cart", "single", "post"). Never a site's name.

The model is a small gradient-boosted tree ensemble trained with scikit-learn by
``python -m benchmarks.train_article_model`` on the development pages, with the decision threshold
chosen by cross-validation grouped by site. The markup words enter it as one feature, the score of
a logistic regression over the words that at least three training sites use (fitted out of fold
for the trees, so they learn how far to trust it). It ships as ``article_model.json`` (trees as
arrays, word weights as a table) and is evaluated here in plain Python, so the runtime needs no
scikit-learn and the output is the same on every machine. Training data never goes in the package.
A second model, fitted the same way to news stories alone, ships as ``news_model.json`` for news
crawls (see ``MODEL_FILES``).
"""

from __future__ import annotations

import functools
import json
import math
import re
import struct
from collections import Counter
from importlib import resources
from typing import Any, Protocol
from urllib.parse import urlsplit

import attrs
from lxml import etree
from lxml.html import HtmlElement

from cleaners.metadata.declared import PageMetadata

_ALL_BODY_TEXT = etree.XPath("//body//text()", smart_strings=False)
_HIDDEN_BODY_TEXT = etree.XPath("//body//script/text() | //body//style/text()", smart_strings=False)
_LINK_TEXT = etree.XPath("//body//a//text()", smart_strings=False)
_JSONLD = etree.XPath("//script[@type='application/ld+json']/text()", smart_strings=False)
_TYPE = re.compile(r'"@type"\s*:\s*(\[[^\]]*\]|"[^"]*")')
# (The lookahead, which both branches imply, lets the search skip in C every position no price starts at.)
_PRICE = re.compile(r"(?=[$€£¥₹\d])(?:[$€£¥₹]\s?\d[\d.,]*|\d[\d.,]*\s?(?:€|EUR|USD|GBP|zł|kr)\b)")
_CURRENCY_MARKS = ("$", "€", "£", "¥", "₹", "EUR", "USD", "GBP", "zł", "kr")
"""Every price ``_PRICE`` finds holds one of these; text without any is searched no further."""
_DATE_IN_PATH = re.compile(r"/(?:19|20)\d\d(?:[/-]\d\d?)")
_LONG_NUMBER = re.compile(r"\d{5,}")
_CARD_HEADINGS = etree.XPath("//body//h2 | //body//h3 | //body//h4")
_CARD_TAGS = frozenset({"article", "li", "div"})
_PATH_WORD = re.compile(r"[^/._\-]+")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?$")
_SENTENCE_BREAK = re.compile(r"[.!?](?:\s|$)")
_PERSON = re.compile(r"(?=[ouwy])\b(?:(we|our|us|ours)|you|your|yours)\b")
"""Matched in lower-cased text; group 1 is set for the first person plural, not for the second person.
(The lookahead lets the search skip, in C, every position no such word can start at: a third less.)"""
_DIGIT = re.compile(r"\d")
_CLASS_NAMES = etree.XPath("//@class", smart_strings=False)
_ID_NAMES = etree.XPath("//@id", smart_strings=False)
_MARKUP_WORD = re.compile(r"[a-z]{3,}")

PRODUCT_TYPES = {"product", "offer", "aggregateoffer", "productgroup", "individualproduct"}
DISCUSSION_TYPES = {"discussionforumposting", "qapage", "question", "answer", "faqpage", "comment"}
COLLECTION_TYPES = {"collectionpage", "itemlist", "searchresultspage", "profilepage", "breadcrumblist_only"}
SOFTWARE_TYPES = {"softwareapplication", "techarticle", "apireference", "softwaresourcecode", "howto", "course"}
SERVICE_TYPES = {"localbusiness", "organization", "service", "event", "place", "contactpage", "aboutpage"}

PATH_WORDS = {
    "docs": {"docs", "doc", "documentation", "api", "reference", "manual", "guide", "guides", "wiki", "kb", "help",
             "support", "faq"},
    "product": {"product", "products", "shop", "store", "item", "p", "dp", "buy", "collections", "catalog"},
    "forum": {"forum", "forums", "thread", "threads", "topic", "topics", "community", "questions", "t", "discussion",
              "board"},
    "listing": {"category", "categories", "tag", "tags", "section", "archive", "author", "page", "search", "list"},
    "service": {"services", "service", "solutions", "about", "contact", "pricing", "features", "careers", "company",
                "locations"},
}
"""Words that name what a section of a site holds, as its paths spell it in any site's URLs. None
for news: a section front lives under /news/ as its stories do."""

FEATURE_NAMES = (
    "declares_article", "declares_other_og_type", "has_date", "authors", "has_description",
    "jsonld_product", "jsonld_discussion", "jsonld_collection", "jsonld_software", "jsonld_service",
    "log_words", "log_paragraphs", "log_median_words", "short_paragraph_share", "long_paragraph_share",
    "log_page_words", "story_share", "link_density",
    "log_forms", "log_inputs", "log_buttons", "log_prices", "log_code_blocks", "log_tables",
    "log_h1", "log_h2", "log_time_elements", "log_articles", "log_comment_marks", "log_largest_card_group",
    "path_depth", "date_in_path", "slug_words", "long_number_in_path", "path_ends_with_slash", "has_query",
    "log_headline_words",
    "declares_modified", "declares_website", "declares_section", "declares_keywords", "declares_image",
    "shows_date", "shows_byline",
    "first_person_plural_rate", "second_person_rate", "digit_share", "sentence_end_share", "log_sentence_words",
    "colon_end_share", "heading_line_share",
    *(f"path_{kind}" for kind in PATH_WORDS),
)
MARKUP_SCORE = "markup_score"
MODEL_INPUTS = (*FEATURE_NAMES, MARKUP_SCORE)
"""What the trees read: the features, then the markup words' score (see ``ArticleModel``)."""
MODEL_FILES = {"general": "article_model.json", "news": "news_model.json"}
"""The shipped models, by what they call an article. ``general``: articles of every kind (news
stories, blog posts, guides, reviews), trained with ``aeb`` and ``wcxb-dev`` as articles. ``news``:
news stories, trained with ``aeb`` alone; a news crawl that follows links meets section fronts,
tag pages, shops and service pages, and this one declines far more of them for the same share of
news stories kept, at the cost of the guides and product reviews the general one keeps."""
DEFAULT_MODEL = "general"


def _float32(value: float) -> float:
    return float(struct.unpack("f", struct.pack("f", value))[0])


def _log(value: float) -> float:
    return math.log1p(max(0.0, value))


def _characters(texts: list[str]) -> int:
    return sum(map(len, map(str.strip, texts)))  # map() over builtins keeps the loop in C


def _visible_texts(tree: HtmlElement) -> list[str]:
    """The body's text nodes outside scripts and styles, in page order: all of them less those
    inside, which is a third of the cost of testing every node's parent in XPath. Both lists are in
    page order, so each hidden text is the next equal string in the whole list (a hidden string
    equal to an earlier visible one, in practice whitespace, trades places with it)."""
    texts = _ALL_BODY_TEXT(tree)
    hidden = _HIDDEN_BODY_TEXT(tree)
    if not hidden:
        return texts
    visible: list[str] = []
    index, count = 0, len(hidden)
    for text in texts:
        if index < count and text == hidden[index]:
            index += 1
        else:
            visible.append(text)
    return visible


def _prices(text: str) -> int:
    if not any(mark in text for mark in _CURRENCY_MARKS):
        return 0
    return len(_PRICE.findall(text))


def _jsonld_types(tree: HtmlElement) -> set[str]:
    types: set[str] = set()
    for text in _JSONLD(tree):
        for match in _TYPE.finditer(text):
            types.update(t.lower() for t in re.findall(r'"([^"]+)"', match.group(1)))
    return types


_COUNTED_TAGS = ("form", "input", "select", "textarea", "button", "pre", "code", "table", "h1", "h2", "time",
                 "article")
_BODIES = etree.XPath("//body")
_COMMENT_MARKS = etree.XPath(
    # "comment", "Comment", "COMMENT" in a class or id (a translate() to lower case costs four times as
    # much), found from the attributes up (a union counts an element once): testing every element costs
    # a third more
    "count(//body//*/@class[contains(., 'omment') or contains(., 'OMMENT')]/.. "
    "| //body//*/@id[contains(., 'omment') or contains(., 'OMMENT')]/..)")


def _element_counts(tree: HtmlElement) -> Counter[str]:
    """How many of each counted element the body holds (an input only when it is not hidden), from
    one walk that libxml2 filters by tag: an XPath count per kind walks the whole tree each time."""
    counts: Counter[str] = Counter()
    for body in _BODIES(tree):
        for element in body.iterdescendants(*_COUNTED_TAGS):
            if element.tag != "input" or element.get("type") != "hidden":
                counts[element.tag] += 1
    counts["comment_marks"] = int(_COMMENT_MARKS(tree))
    return counts


def _largest_card_group(tree: HtmlElement) -> int:
    """The most elements sharing one tag and class that each hold a link and a heading: a
    listing's cards. Found by walking up from the headings, which costs a third of asking every
    element whether it holds one."""
    holders: set[HtmlElement] = set()
    for heading in _CARD_HEADINGS(tree):
        for ancestor in heading.iterancestors():
            if ancestor in holders:
                break
            if ancestor.tag in _CARD_TAGS and ancestor.get("class"):
                holders.add(ancestor)
    groups = Counter((e.tag, e.get("class")) for e in holders if e.find(".//a") is not None)
    return max(groups.values(), default=0)


def _text_shape(paragraphs: list[str]) -> dict[str, float]:
    """How the story's prose reads: sentences that end, who it addresses (a service page says "we"
    and "you", a report rarely does), figures, and lines that are headings or lead into a list."""
    text = " ".join(paragraphs)
    words = max(1, len(text.split()))
    lines = max(1, len(paragraphs))
    persons = _PERSON.findall(text.lower())
    first_plural = sum(1 for group in persons if group)
    # A sentence's end is in a line's last three characters (mark, closing quote, newline).
    ends = [bool(_SENTENCE_END.search(p, len(p) - 3)) for p in paragraphs]
    return {
        "first_person_plural_rate": 100 * first_plural / words,
        "second_person_rate": 100 * (len(persons) - first_plural) / words,
        "digit_share": len(_DIGIT.findall(text)) / max(1, len(text)),
        "sentence_end_share": sum(ends) / lines,
        "log_sentence_words": _log(words / max(1, len(_SENTENCE_BREAK.findall(text)))),
        "colon_end_share": sum(1 for p in paragraphs if p.rstrip().endswith(":")) / lines,
        "heading_line_share": sum(1 for p, end in zip(paragraphs, ends, strict=True)
                                  if not end and len(p.split()) <= 8) / lines,
    }


def markup_words(tree: HtmlElement) -> frozenset[str]:
    """The words the page's markup is named with: its class and id values, lower-cased, split at
    anything but the letters a to z (class names are ASCII in practice), words of three letters or
    more. Each distinct value is read once."""
    return frozenset(_MARKUP_WORD.findall(" ".join({*_CLASS_NAMES(tree), *_ID_NAMES(tree)}).lower()))


def _path_words(path: str) -> dict[str, float]:
    words = set(_PATH_WORD.findall(path.lower()))
    return {f"path_{kind}": float(bool(words & vocabulary)) for kind, vocabulary in PATH_WORDS.items()}


@attrs.frozen
class PageShape:
    """What the article decision reads from the page itself, measured once per page on the tree as
    the chrome pruning leaves it: before the scripts and drawings go (an icon's "comment" class
    is one of the marks of a listing) and whichever readings of the story are then judged."""

    values: dict[str, float]
    """The features that do not depend on the story's text, by name."""
    page_words: int
    markup_words: frozenset[str]


def page_shape(tree: HtmlElement, declared: PageMetadata, url: str | None) -> PageShape:
    """The page's own features: what it declares, its text and link share, what else it holds,
    and its URL's shape."""
    body_texts = _visible_texts(tree)
    page_characters = _characters(body_texts)
    page_words = sum(map(len, map(str.split, body_texts)))
    types = _jsonld_types(tree)
    path = urlsplit(url or "").path
    segments = [s for s in path.split("/") if s]
    slug = re.sub(r"\.\w{2,5}$", "", segments[-1]) if segments else ""
    text = " ".join(body_texts)
    elements = _element_counts(tree)
    values = {
        "declares_article": float(declared.isArticleType or declared.ogType == "article"),
        "declares_other_og_type": float(bool(declared.ogType) and declared.ogType != "article"),
        "has_date": float(declared.datePublished is not None),
        "authors": float(min(3, len(declared.authors))),
        "has_description": float(bool(declared.description)),
        "jsonld_product": float(bool(types & PRODUCT_TYPES)),
        "jsonld_discussion": float(bool(types & DISCUSSION_TYPES)),
        "jsonld_collection": float(bool(types & COLLECTION_TYPES)),
        "jsonld_software": float(bool(types & SOFTWARE_TYPES)),
        "jsonld_service": float(bool(types & SERVICE_TYPES)),
        "log_page_words": _log(page_words),
        "link_density": min(1.0, _characters(_LINK_TEXT(tree)) / page_characters) if page_characters else 0.0,
        "log_forms": _log(elements["form"]),
        "log_inputs": _log(elements["input"] + elements["select"] + elements["textarea"]),
        "log_buttons": _log(elements["button"]),
        "log_prices": _log(_prices(text)),
        "log_code_blocks": _log(elements["pre"] + elements["code"]),
        "log_tables": _log(elements["table"]),
        "log_h1": _log(elements["h1"]),
        "log_h2": _log(elements["h2"]),
        "log_time_elements": _log(elements["time"]),
        "log_articles": _log(elements["article"]),
        "log_comment_marks": _log(elements["comment_marks"]),
        "log_largest_card_group": _log(_largest_card_group(tree)),
        "path_depth": float(min(8, len(segments))),
        "date_in_path": float(bool(_DATE_IN_PATH.search(path))),
        "slug_words": float(min(20, len([w for w in re.split(r"[-_]+", slug) if w]))),
        "long_number_in_path": float(bool(_LONG_NUMBER.search(path))),
        "path_ends_with_slash": float(path.endswith("/") or not segments),
        "has_query": float(bool(urlsplit(url or "").query)),
        "log_headline_words": _log(len((declared.headline or "").split())),
        "declares_modified": float(declared.dateModified is not None),
        "declares_website": float(declared.ogType == "website"),
        "declares_section": float(bool(declared.articleSection)),
        "declares_keywords": float(bool(declared.keywords)),
        "declares_image": float(bool(declared.mainImage)),
        **_path_words(path),
    }
    return PageShape(values, page_words, markup_words(tree))


@attrs.frozen
class ArticleFeatures:
    """What the decision reads: the features in ``FEATURE_NAMES`` order, and the markup's words."""

    values: tuple[float, ...]
    markup_words: frozenset[str] = frozenset()


def page_features(shape: PageShape, paragraphs: list[str], *, shows_date: bool = False,
                  shows_byline: bool = False) -> ArticleFeatures:
    """The features of a page (``page_shape``) and the story text read from it. ``shows_date`` and
    ``shows_byline``: the page shows a date or a byline it does not declare."""
    counts = sorted(len(p.split()) for p in paragraphs) or [0]
    words = sum(counts)
    values = {
        **shape.values,
        "log_words": _log(words),
        "log_paragraphs": _log(len(paragraphs)),
        "log_median_words": _log(counts[len(counts) // 2]),
        "short_paragraph_share": sum(1 for c in counts if c < 8) / len(counts),
        "long_paragraph_share": sum(1 for c in counts if c >= 40) / len(counts),
        "story_share": min(1.0, words / shape.page_words) if shape.page_words else 0.0,
        "shows_date": float(shows_date),
        "shows_byline": float(shows_byline),
        **_text_shape(paragraphs),
    }
    return ArticleFeatures(tuple(values[name] for name in FEATURE_NAMES), shape.markup_words)


@functools.cache
def _load_shipped(kind: str) -> ArticleModel:
    text = resources.files("cleaners.body").joinpath(MODEL_FILES[kind]).read_text("utf-8")
    return ArticleModel.from_json(json.loads(text))


class ArticleDecider(Protocol):
    threshold: float

    def score(self, features: ArticleFeatures) -> float: ...


@attrs.frozen
class ArticleModel:
    """Trees fitted on raw scores (scikit-learn's gradient boosting with a zero start): the article
    probability is the logistic of ``learning_rate`` times the sum of the trees' leaf values. The
    trees read ``MODEL_INPUTS``: the features, then the markup score, a logistic regression's
    decision value (``markup_intercept`` plus the weights of the page's markup words)."""

    feature_names: tuple[str, ...]
    learning_rate: float
    trees: tuple[tuple[tuple[int, ...], tuple[float, ...], tuple[int, ...], tuple[int, ...], tuple[float, ...]], ...]
    """Each tree: feature index per node (-2 at a leaf), threshold, left child, right child, value."""
    threshold: float
    """The probability at and above which a page is an article."""
    markup_weights: dict[str, float] = attrs.field(factory=dict, hash=False)
    markup_intercept: float = 0.0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ArticleModel:
        if tuple(data["feature_names"]) != MODEL_INPUTS:
            raise ValueError("the article model was trained on other features; retrain it")
        trees = tuple((tuple(t["feature"]), tuple(t["threshold"]), tuple(t["left"]), tuple(t["right"]),
                       tuple(t["value"])) for t in data["trees"])
        markup = data["markup"]
        return cls(tuple(data["feature_names"]), float(data["learning_rate"]), trees, float(data["threshold"]),
                   {word: float(weight) for word, weight in markup["weights"].items()}, float(markup["intercept"]))

    @staticmethod
    def shipped(kind: str = DEFAULT_MODEL) -> ArticleModel:
        """The model of that kind in the package (see ``MODEL_FILES``), loaded once per process."""
        return _load_shipped(kind)

    def markup_score(self, words: frozenset[str]) -> float:
        """The markup words' decision value; summed exactly, so the order of the words cannot move it."""
        weights = self.markup_weights
        return self.markup_intercept + math.fsum(weights[word] for word in words if word in weights)

    def raw_score(self, inputs: tuple[float, ...]) -> float:
        """The trees' sum over ``MODEL_INPUTS`` values, times the learning rate."""
        features = tuple(_float32(value) for value in inputs)  # scikit-learn's trees compare in float32
        total = 0.0
        for feature, threshold, left, right, value in self.trees:
            node = 0
            while feature[node] >= 0:
                node = left[node] if features[feature[node]] <= threshold[node] else right[node]
            total += value[node]
        return self.learning_rate * total

    def score(self, features: ArticleFeatures) -> float:
        """The probability that the page is an article."""
        raw = self.raw_score((*features.values, self.markup_score(features.markup_words)))
        return 1.0 / (1.0 + math.exp(-raw)) if raw > -700 else 0.0
