"""What holds no story (scripts, styles, SVG drawings, the head's metadata, asides, footers and
navigation) leaves the tree once the metadata is read; the story stays, and so does what later
stages read (JSON-LD, the date htmldate finds in a script, the page's visible text length)."""

from __future__ import annotations

import pytest
from lxml import etree

from cleaners import CleanOptions, clean_html
from cleaners.body.extract import extract_paragraphs, visible_length
from cleaners.body.storyless import drop_sides, drop_unseen
from cleaners.read.parse import parse_html


def _tree(html: str) -> etree._Element:
    return parse_html(html.encode(), "text/html; charset=utf-8")[0]


def test_scripts_styles_and_drawings_go_and_the_text_after_them_stays():
    tree = _tree(
        "<html><head><style>p{color:red}</style></head><body>"
        "<p>Before <script>var x = 1;</script>after the script.</p>"
        "<p><svg><title>Share icon</title><path d='M0'/></svg>Shared text.</p>"
        "<script type='application/ld+json'>{\"@type\": \"NewsArticle\"}</script>"
        "</body></html>")
    drop_unseen(tree)
    drop_sides(tree, visible_length(tree))
    assert tree.xpath("//style | //svg | //script[not(@type='application/ld+json')]") == []
    assert tree.xpath("string(//p[1])") == "Before after the script."
    assert tree.xpath("string(//p[2])") == "Shared text."
    assert tree.xpath("//script[@type='application/ld+json']/text()") == ['{"@type": "NewsArticle"}']


def test_a_date_only_a_script_holds_is_still_found():
    story = "".join(f"<p>Paragraph {n} of the report says what the council decided and why it matters.</p>"
                    for n in range(12))
    html = ("<html><head><title>Council decides</title></head><body><h1>Council decides</h1>"
            f"<article>{story}</article>"
            "<script>window.page = {\"datePublished\": \"2024-03-05T10:00:00Z\"};</script></body></html>")
    article = clean_html(html, url="https://news.example/council-decides",
                         options=CleanOptions(any_page=True))
    assert article.datePublished is not None and article.datePublished.startswith("2024-03-05")
    assert "window.page" not in article.articleBody


def test_the_head_s_metadata_asides_footers_and_navigation_go_and_json_ld_stays():
    tree = _tree(
        "<html><head><title>Harbour</title><meta name='description' content='About the harbour'>"
        "<link rel='canonical' href='https://news.example/harbour'>"
        "<script type='application/ld+json'>{\"@type\": \"NewsArticle\"}</script></head><body>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/ports'>Ports</a></li></ul></nav>"
        "<article><p>The harbour reopens.</p><aside><p>Read more: ferries</p></aside>"
        "<p>Boats return on Monday.</p></article><footer><p>About us</p></footer></body></html>")
    drop_unseen(tree)
    drop_sides(tree, visible_length(tree))
    assert [element.tag for element in tree.find("head")] == ["script"]
    assert tree.xpath("//aside | //footer | //nav") == []
    assert tree.xpath("//p/text()") == ["The harbour reopens.", "Boats return on Monday."]


def test_the_extraction_is_measured_against_the_text_an_aside_held():
    """A story that holds a thirtieth of a page whose asides hold the rest is still a thin reading
    of the page: the share that sends the page on to the full cascade counts the asides' text."""
    story = "<p>The council met on Tuesday and voted to reopen the harbour to ferries next month.</p>"
    rail = "".join(f"<p>Elsewhere today, story number {n} from the archive told of another town's news.</p>"
                   for n in range(6))
    html = f"<html><body><article>{story}</article>{f'<aside>{rail}</aside>' * 5}</body></html>"
    tree = _tree(html)
    drop_unseen(tree)
    visible = visible_length(tree)
    drop_sides(tree, visible)
    _, thorough = extract_paragraphs(tree, "https://news.example/harbour", CleanOptions(), visible=visible)
    assert thorough
    _, thorough = extract_paragraphs(tree, "https://news.example/harbour", CleanOptions())
    assert not thorough


@pytest.mark.parametrize("opening", ["<header><aside class='popup'>Newsletter",
                                     "<nav class='menu'><a href='/'>Home</a>"])
def test_an_aside_or_navigation_block_that_wraps_the_page_keeps_its_story(opening):
    """An unclosed <aside> in a page's header, or an unclosed <nav>, swallows the rest of the page:
    it holds the story, so it stays."""
    story = "".join(f"<p>Paragraph {n} of the report says what the council decided about the harbour and why "
                    "the ferries will return next month.</p>" for n in range(8))
    html = (f"<html><head><title>Harbour</title></head><body>{opening}"
            f"<div class='entry'><h1>Harbour reopens</h1>{story}</div></body></html>")
    tree = _tree(html)
    drop_unseen(tree)
    drop_sides(tree, visible_length(tree))
    assert len(tree.xpath("//aside//p | //nav//p")) == 8
    article = clean_html(html, url="https://news.example/harbour", options=CleanOptions(any_page=True))
    assert "Paragraph 7 of the report" in article.articleBody
