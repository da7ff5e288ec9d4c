"""``clean(page, options) -> Article``: the single entry point; the crawler and the command line
both call it (and any future source, such as a WARC reader, must too).

Stages, each reading the one parsed tree: metadata (read-only), source link (read-only), chrome
elements (prunes the tree), the publication date and the page's own article features (both read
scripts or icons), then what no reader sees is dropped (scripts, styles, drawings, the head's
metadata), the visible text length is measured, asides, footers and navigation are dropped, body
extraction, the article decision, chrome lines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC
from urllib.parse import urlsplit

from htmldate import find_date
from lxml.html import HtmlElement

from cleaners.article import Article, Author, CleaningMetadata, Image
from cleaners.body.article_model import ArticleModel, PageShape, page_features, page_shape
from cleaners.body.chrome import ChromeRules, drop_chrome_lines, prune_chrome, standfirst_echo
from cleaners.body.chunks import missing_chunks
from cleaners.body.extract import extract_paragraphs, readability_paragraphs, visible_length
from cleaners.body.storyless import drop_sides, drop_unseen
from cleaners.errors import CleaningError, FailureKind
from cleaners.metadata.date_check import declared_day_in_doubt, shown_day_wins
from cleaners.metadata.declared import PageMetadata, extract_metadata
from cleaners.metadata.near_headline import story_heading
from cleaners.metadata.shown_byline import shown_byline
from cleaners.metadata.shown_dates import ShownDates, shown_dates
from cleaners.metadata.source_link import find_source_url
from cleaners.normalize import names_site, parse_date, unique_names
from cleaners.options import CleanOptions
from cleaners.read.page import Page
from cleaners.read.parse import check_body, parse_html


def fingerprint(body: str) -> str:
    """A hash of the body that ignores case and spacing, for finding the same story twice."""
    normalised = " ".join(body.casefold().split())
    return "sha256:" + hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _host(url: str | None) -> str | None:
    return urlsplit(url).hostname if url else None


def clean(page: Page, options: CleanOptions | None = None) -> Article:
    """Turn one page into one article, or raise ``CleaningError`` saying why it is none."""
    options = options or CleanOptions()
    check_body(page.body, options.max_bytes)
    tree, encoding = parse_html(page.body, page.headers.get("content-type"))
    try:
        return _clean_tree(page, tree, encoding, options)
    except RecursionError as error:
        raise CleaningError(FailureKind.TOO_DEEP, "the page's structure is too deeply nested to walk") from error


def _clean_tree(page: Page, tree: HtmlElement, encoding: str, options: CleanOptions) -> Article:
    declared = extract_metadata(tree, page.address)
    url = page.address or declared.canonicalUrl
    source_url = find_source_url(tree, url, declared.canonicalUrl)
    rules = options.rules.for_host(_host(url))
    # Read before pruning, which may take the date and byline beside the headline with it; the
    # element showing the headline is looked for once, and only when a date or an author is missing.
    people = [name for name in declared.authors if not names_site(name, declared.siteNames)]
    read_shown_dates = not declared.datePublished or declared_day_in_doubt(declared)
    heading = story_heading(tree, declared.headline) if read_shown_dates or not people else None
    shown = shown_dates(tree, heading) if read_shown_dates else ShownDates()
    byline = [] if people else unique_names(shown_byline(tree, heading))
    prune_chrome(tree, rules)
    # htmldate reads dates out of the page's scripts too and the article decision reads marks such
    # as a comment icon's class, so both are settled before the scripts and drawings go; the
    # extraction is measured against all the text a reader sees, asides, footers and navigation included.
    published, published_raw = _publication_date(tree, url, declared, shown)
    shape = None if options.any_page else page_shape(tree, declared, url)
    drop_unseen(tree)
    visible = visible_length(tree)
    drop_sides(tree, visible)
    shows = {"shows_date": bool(shown.published), "shows_byline": bool(byline)}
    kept, removed = _story_lines(tree, url, declared, rules, options, shape, shows, visible)
    body = "\n\n".join(kept)
    # The site's own name as author ("USA TODAY") yields to a person's byline shown on the page.
    authors = people or byline or list(declared.authors)
    # "Victor Tangermann, Futurism": the site credited beside a person is not a second author.
    authors = [a for a in authors if not names_site(a, declared.siteNames, variants=False)] or authors
    return Article(
        url=url,
        canonicalUrl=declared.canonicalUrl,
        headline=declared.headline,
        articleSection=declared.articleSection,
        authors=tuple(Author(name=name) for name in authors),
        datePublished=published,
        datePublishedRaw=published_raw,
        dateModified=declared.dateModified,
        dateModifiedRaw=declared.dateModifiedRaw,
        inLanguage=declared.inLanguage,
        description=declared.description,
        articleBody=body,
        keywords=declared.keywords,
        mainImage=Image(url=declared.mainImage) if declared.mainImage else None,
        sourceUrl=source_url,
        metadata=CleaningMetadata(
            dateDownloaded=page.downloaded_at().astimezone(UTC).isoformat(),
            source=page.source,
            encoding=encoding,
            removedChrome=tuple(removed),
            fingerprint=fingerprint(body),
        ),
    )


def _story_lines(tree: HtmlElement, url: str | None, declared: PageMetadata, rules: ChromeRules,
                 options: CleanOptions, shape: PageShape | None,
                 shows: dict[str, bool], visible: int) -> tuple[list[str], list[str]]:
    """The story's lines and the chrome lines dropped from them, from the first candidate that
    finds text (see ``_candidates``), if the page reads as an article (``shape``: the page's own
    features, None under ``any_page``); ``shows``: the date and byline the page shows;
    ``visible``: the length of the text a reader sees on the page.

    A page that does not read as an article with the first reading that finds text is declined, not
    read again another way; on the development pages that rescued no article and kept 17 of the
    647 pages that are not, at five times an article's CPU. A slower reading (trafilatura's
    cascade where the quick extraction holds little of the page's text, readability's second
    opinion where it holds a small part) runs only for a page that reads as an article with the
    reading before it, and its own reading is judged too."""
    def as_story(paragraphs: list[str]) -> tuple[list[str], list[str]]:
        before, after = missing_chunks(tree, paragraphs)
        paragraphs = [*before, *paragraphs, *after]
        echoes = [declared.headline or "", *standfirst_echo(tree, declared.description, paragraphs)]
        return drop_chrome_lines(paragraphs, rules, echoes=echoes)

    def judge(kept: list[str]) -> None:
        if shape is None:
            return
        decider = options.article_decider or ArticleModel.shipped(options.article_model)
        threshold = decider.threshold if options.article_threshold is None else options.article_threshold
        score = decider.score(page_features(shape, kept, **shows))
        if score < threshold:
            raise CleaningError(FailureKind.NOT_ARTICLE, (
                f"the page does not read as an article (article score {score:.3f}, under {threshold:.3f}: "
                "see its declared type, text shape and links)"))

    def judge_before_slower(paragraphs: list[str]) -> None:
        if kept := as_story(paragraphs)[0]:
            judge(kept)

    for paragraphs in _candidates(tree, url, options, visible, None if options.any_page else judge_before_slower):
        kept, removed = as_story(paragraphs)
        if kept:
            judge(kept)
            return kept, removed
    raise CleaningError(FailureKind.NOT_ARTICLE, "no article text was found on the page")


def _candidates(tree: HtmlElement, url: str | None, options: CleanOptions, visible: int,
                before_slower: Callable[[list[str]], None] | None) -> Iterator[list[str]]:
    """Readings of the story, each tried only when the ones before found no text: the quick
    extraction (which runs the thorough one itself when it holds little of the page's text, and
    readability's second opinion when it holds a small part, each after ``before_slower`` has seen
    the lines so far), the thorough one if it has not run, and last readability's, which scores
    the page another way."""
    paragraphs, thorough_ran = extract_paragraphs(tree, url, options, visible=visible, before_slower=before_slower)
    yield paragraphs
    if not thorough_ran:
        paragraphs, _ = extract_paragraphs(tree, url, options, visible=visible, thorough=True,
                                           before_slower=before_slower)
        yield paragraphs
    if not paragraphs:
        yield readability_paragraphs(tree)


def _publication_date(tree: HtmlElement, url: str | None, declared: PageMetadata,
                      shown: ShownDates) -> tuple[str | None, str | None]:
    """The declared publication date, unless its stamps are in doubt and the page shows an earlier
    day (see ``date_check``); else the one the page shows, htmldate's guess, and last the update
    date the page shows or declares (a page's only date is still its date)."""
    if declared.datePublished:
        if shown.published and shown_day_wins(declared, shown.published[0]):
            return shown.published
        return declared.datePublished, declared.datePublishedRaw
    if shown.published:
        return shown.published
    found_date = find_date(tree, url=url, extensive_search=False, original_date=True)
    if found_date and (published := parse_date(found_date)):
        return published, found_date
    if shown.updated:
        return shown.updated
    return declared.dateModified, declared.dateModifiedRaw
