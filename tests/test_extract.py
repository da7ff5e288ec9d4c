"""Body extraction helpers: readability's reading split at blocks, never inside a paragraph."""

from __future__ import annotations

import lxml.html

from cleaners.body.extract import readability_paragraphs

STORY = " ".join(["The council met on Tuesday to discuss the harbour works and the budget for next year."] * 4)


def test_readability_lines_break_at_blocks_and_keep_links_inside_their_paragraph():
    html = (f"<html><body><nav><a href='/'>Home</a></nav><article><h2>What was <em>decided</em></h2>"
            f"<p>{STORY} Read the <a href='/minutes'>full minutes</a> online.</p>"
            f"<ul><li>First <b>item</b> of the plan</li><li>Second item</li></ul><p>{STORY}<br>After a break.</p>"
            "</article></body></html>")
    lines = readability_paragraphs(lxml.html.document_fromstring(html))
    assert f"{STORY} Read the full minutes online." in lines
    assert "First item of the plan" in lines
    assert "Second item" in lines
    assert "After a break." in lines
    assert "full minutes" not in lines
