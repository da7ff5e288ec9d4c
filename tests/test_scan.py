"""One-pass searches of the body: page order, tails, and no text from scripts or styles."""

from __future__ import annotations

import re

import lxml.html

from cleaners.metadata.near_headline import text_owner
from cleaners.metadata.scan import body_elements_with_class, body_texts_matching

PAGE = """<html><head><title>Written by the head</title></head><body class="author-page">
<script>var label = "Written by a script";</script>
<div class="Byline">Written by <a href="/a/ann">Ann Lee</a> written by tail</div>
<noscript><p>Written by noscript</p></noscript>
<p>Story text. <em>Written by</em> after emphasis</p>
<span class="post-author">Bo Chan</span>
</body></html>"""


def test_text_nodes_come_in_page_order_with_tails_and_without_hidden_text():
    tree = lxml.html.document_fromstring(PAGE)
    nodes = list(body_texts_matching(tree, re.compile("ritten by")))
    assert [" ".join(str(node).split()) for node in nodes] == ["Written by", "written by tail", "Written by"]
    assert [text_owner(node).tag for node in nodes] == ["div", "div", "em"]
    assert [node.is_tail for node in nodes] == [False, True, False]


def test_classes_are_searched_inside_the_body_only():
    tree = lxml.html.document_fromstring(PAGE)
    found = list(body_elements_with_class(tree, re.compile("byline|author", re.IGNORECASE)))
    assert [element.tag for element in found] == ["div", "span"]


def test_a_page_without_the_words_anywhere_yields_nothing_and_one_with_them_in_a_tail_yields_the_tail():
    quiet = lxml.html.document_fromstring("<html><body><p>Story text.</p><div>More <b>bold</b></div></body></html>")
    assert list(body_texts_matching(quiet, re.compile("ritten by"))) == []
    tail = lxml.html.document_fromstring("<html><body><p>Story <b>text</b> written by Ann Lee</p></body></html>")
    assert [str(node) for node in body_texts_matching(tail, re.compile("ritten by"))] == [" written by Ann Lee"]
