"""Authors read from the labelled byline beside the headline, for pages that declare none."""

from __future__ import annotations

import lxml.html
import pytest

import cleaners
from cleaners.metadata.near_headline import story_heading
from cleaners.metadata.shown_byline import shown_byline

_STORY = "".join(f"<p>Paragraph {n} of the story, long enough to be kept as article text by the cleaner.</p>"
                 for n in range(8))


def _byline(tree: lxml.html.HtmlElement, headline: str) -> list[str]:
    return shown_byline(tree, story_heading(tree, headline))


def _tree(body: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html><body>{body}</body></html>")


@pytest.mark.parametrize("byline, names", [
    ('<p>By <a href="/a">Ann Lee</a> · Dec 20, 2025 · 5 min read</p>', ["Ann Lee"]),
    ("<div>Written by</div><div>Edzel Tabing</div>", ["Edzel Tabing"]),
    ('<span><i class="icon"></i> by <a href="/author/amanda/">Amanda Smith</a></span>', ["Amanda Smith"]),
    ("<p>by: Ziyi Xu, Dec 17, 2025</p>", ["Ziyi Xu"]),
    ('<span>Posted by <a href="/u">BeauHD</a> on Friday December 19</span>', ["BeauHD"]),
    ("<p>Written by Moses Kim and Kate Shokurova</p>", ["Moses Kim", "Kate Shokurova"]),
    ('<p>By <a href="/a">Jane Doe</a> and <a href="/b">John Roe</a></p>', ["Jane Doe", "John Roe"]),
    ('<p>By <a href="/a">A. J. Neal</a> <a href="/pdf">View In Digital Edition</a></p>', ["A. J. Neal"]),
    ('<span>Written by: <a href="/a">Emily Walker</a><a href="/b">Casey McDevitt</a></span>', ["Emily Walker"]),
])
def test_labelled_bylines_near_the_headline(byline, names):
    assert _byline(_tree(f"<h1>Bread at home</h1>{byline}{_STORY}"), "Bread at home") == names


def test_by_inside_a_sentence_or_far_from_the_headline_is_no_byline():
    assert _byline(_tree(f"<h1>Bread at home</h1><p>Bylaws matter.</p>{_STORY}"), "Bread at home") == []
    far = "".join(f"<p>Line {n}</p>" for n in range(20))
    assert _byline(_tree(f"<h1>Bread at home</h1>{far}<p>By Ann Lee</p>"), "Bread at home") == []


def test_a_shown_byline_replaces_the_site_named_as_author():
    page = ('<html><head><meta name="author" content="USA TODAY"><title>Bread at home</title></head><body>'
            f'<h1>Bread at home</h1>{{}}{_STORY}</body></html>')
    with_byline = cleaners.clean_html(page.format("<p>By Brian Truitt</p>").encode(),
                                      url="https://www.usatoday.example/story/bread")
    assert [a.name for a in with_byline.authors] == ["Brian Truitt"]
    without = cleaners.clean_html(page.format("").encode(), url="https://www.usatoday.example/story/bread")
    assert [a.name for a in without.authors] == ["USA TODAY"]


def test_an_author_box_under_the_story_names_the_author_but_a_sentence_does_not():
    box = '<div class="bio"><h3>Written by Cassidy Horton</h3><p>Cassidy writes about money.</p></div>'
    assert _byline(_tree(f"<h1>Bread at home</h1>{_STORY}{_STORY}{box}"), "Bread at home") == ["Cassidy Horton"]
    sentence = ("<p>Python has a separate <a href='/r'>RegEx library</a> written by <a href='/x'>Matthew Barnett</a>"
                " in C, which handles Unicode case folding correctly for the German example.</p>")
    assert _byline(_tree(f"<h1>Bread at home</h1>{_STORY}{_STORY}{sentence}"), "Bread at home") == []


def test_a_classed_byline_stops_at_the_date_glued_to_the_name():
    tree = _tree(f'<h1>Bread at home</h1>{_STORY}<p class="author">Andrew Gerrand<br>4 August 2010</p>')
    assert _byline(tree, "Bread at home") == ["Andrew Gerrand"]
    glued = '<div class="post-author">Russell Miller<span>Dec 12, 2025</span></div>'
    tree = _tree(f"<h1>Bread at home</h1>{_STORY}{glued}")
    assert _byline(tree, "Bread at home") == ["Russell Miller"]
    labelled = _tree(f"<h1>Bread at home</h1>{_STORY}{_STORY}<h3>Author</h3><p>Lisa D. Ellis</p>")
    assert _byline(labelled, "Bread at home") == ["Lisa D. Ellis"]


def test_the_name_in_an_author_box_counts_but_not_its_biography():
    box = ('<div class="author-box"><div class="author-box__avatar"><img alt="Picture of Liz Kenny"></div>'
           '<div class="author-box__text"><h4 class="author-box__name">Liz Kenny</h4>'
           '<p class="author-box__bio">Liz helps consultants build their practice and writes weekly.</p></div></div>')
    assert _byline(_tree(f"<h1>Bread at home</h1>{_STORY}{_STORY}{box}"), "Bread at home") == ["Liz Kenny"]


def test_the_site_credited_beside_a_person_is_not_a_second_author():
    page = ('<html><head><meta property="og:site_name" content="Futurism"><title>Water plumes</title>'
            '<script type="application/ld+json">{"@type": "NewsArticle", "author": [{"@type": "Person",'
            ' "name": "Victor Tangermann"}, {"@type": "Person", "name": "Futurism"}]}</script></head>'
            f"<body><h1>Water plumes</h1>{_STORY}</body></html>")
    article = cleaners.clean_html(page.encode(), url="https://futurism.example/plumes")
    assert [a.name for a in article.authors] == ["Victor Tangermann"]


def test_a_sentence_opening_with_by_a_menu_and_a_copyright_line_are_no_bylines():
    sentence = "<p>By following the tips below, you stay safe</p>"
    assert _byline(_tree(f"<h1>Bread at home</h1>{sentence}{_STORY}"), "Bread at home") == []
    menu = '<ul><li class="menu-item authorities-board">Code of Ethics and Conduct</li></ul>'
    assert _byline(_tree(f"<h1>Bread at home</h1>{_STORY}{_STORY}{menu}"), "Bread at home") == []
    footer = '<footer><p class="site-author">© The Pennsylvania State University</p></footer>'
    assert _byline(_tree(f"<h1>Bread at home</h1>{_STORY}{_STORY}{footer}"), "Bread at home") == []
    assert _byline(_tree(f"<h1>Bread at home</h1><p>by ibby</p>{_STORY}"), "Bread at home") == ["ibby"]
