"""A story split into several containers of the same markup is read whole."""

from __future__ import annotations

import lxml.html

import cleaners
from cleaners.body.chunks import missing_chunks


def _paragraphs(prefix: str, count: int) -> str:
    return "".join(f"<p>{prefix} paragraph {n} goes on with enough words to read as a real part of the story.</p>"
                   for n in range(count))


def _chunk(prefix: str, count: int) -> str:
    return f'<div class="grid"><div class="body__container">{_paragraphs(prefix, count)}</div><aside>Ad</aside></div>'


def test_the_other_chunks_of_the_story_come_back_in_page_order():
    page = (f"<html><body><h1>Banking</h1><article><div class='chunks'>{_chunk('First', 4)}{_chunk('Second', 3)}"
            f"{_chunk('Third', 2)}</div></article></body></html>")
    tree = lxml.html.document_fromstring(page)
    first = [p.text_content() for p in tree.xpath("//p")][:4]
    before, after = missing_chunks(tree, first)
    assert before == []
    assert [line.split()[0] for line in after] == ["Second"] * 3 + ["Third"] * 2
    article = cleaners.clean_html(page.encode(), url="https://news.example/banking")
    assert "Third paragraph 1" in article.articleBody


def test_teasers_elsewhere_in_the_same_markup_are_not_chunks():
    teasers = "".join(_chunk(f"Teaser{n}", 2) for n in range(3))
    page = (f"<html><body><main><div><div>{_chunk('Story', 5)}</div></div></main>"
            f"<footer><div><div><section>{teasers}</section></div></div></footer></body></html>")
    tree = lxml.html.document_fromstring(page)
    story = [p.text_content() for p in tree.xpath("//p")][:5]
    assert missing_chunks(tree, story) == ([], [])
