"""Body extraction: readability's reading split at blocks, never inside a paragraph; the quick
reading shown to the caller before the slow cascade."""

from __future__ import annotations

import lxml.html
import pytest

from cleaners.body.extract import extract_paragraphs, readability_paragraphs
from cleaners.options import CleanOptions

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


class _Declined(Exception):
    pass


def test_the_quick_reading_is_shown_before_the_cascade_and_can_stop_the_page():
    """When the quick extraction holds little of the page's text, the caller sees its lines before
    the cascade (several times slower) runs, and a decision raised there ends the page."""
    rail = "".join(f"<li><a href='/topic/{n}'>Topic page number {n} with a long enough title</a></li>"
                   for n in range(150))
    html = (f"<html><body><ul class='menu'>{rail}</ul><div class='content'><p>{STORY}</p></div>"
            f"<ul class='more'>{rail}</ul></body></html>")
    shown: list[list[str]] = []

    def decline(lines: list[str]) -> None:
        shown.append(lines)
        raise _Declined

    tree = lxml.html.document_fromstring(html)
    with pytest.raises(_Declined):
        extract_paragraphs(tree, "https://news.example/topics/", CleanOptions(), before_thorough=decline)
    assert shown and STORY in shown[0]
    lines, thorough = extract_paragraphs(tree, "https://news.example/topics/", CleanOptions(),
                                         before_thorough=shown.append)
    assert thorough and len(shown) == 2 and lines
