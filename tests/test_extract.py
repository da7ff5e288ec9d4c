"""Body extraction: readability's reading split at blocks, never inside a paragraph; the reading so
far shown to the caller before each slower one (the cascade, readability's second opinion)."""

from __future__ import annotations

from collections.abc import Callable

import lxml.html
import pytest

from cleaners.body import extract as extract_module
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


def test_readability_reads_a_copy_and_leaves_the_page_as_it_was():
    """readability drops hidden elements from what it is given; the pipeline's tree is read again
    after it (the article features, the chunk finder)."""
    html = (f"<html><body><div hidden><p>Hidden note.</p></div><p style='display:none'>Invisible.</p>"
            f"<article><p>{STORY}</p><p>{STORY}</p></article></body></html>")
    tree = lxml.html.document_fromstring(html)
    before = lxml.html.tostring(tree)
    lines = readability_paragraphs(tree)
    assert STORY in lines and "Hidden note." not in lines
    assert lxml.html.tostring(tree) == before


class _Declined(Exception):
    pass


def _page_between_rails(story: str, links: int) -> lxml.html.HtmlElement:
    """``story`` in a content block between two rails of ``links`` topic links each: the more
    links, the smaller the story's share of the page's text."""
    rail = "".join(f"<li><a href='/topic/{n}'>Topic page number {n} with a long enough title</a></li>"
                   for n in range(links))
    return lxml.html.document_fromstring(
        f"<html><body><ul class='menu'>{rail}</ul><div class='content'>{story}</div>"
        f"<ul class='more'>{rail}</ul></body></html>")


def _declining(shown: list[list[str]]) -> Callable[[list[str]], None]:
    """A ``before_slower`` that notes the lines it was shown, then stops the page."""
    def decline(lines: list[str]) -> None:
        shown.append(lines)
        raise _Declined
    return decline


def test_the_quick_reading_is_shown_before_the_cascade_and_can_stop_the_page():
    """When the quick extraction holds little of the page's text, the caller sees its lines before
    the cascade (several times slower) runs, and a decision raised there ends the page."""
    tree = _page_between_rails(f"<p>{STORY}</p>", links=150)
    shown: list[list[str]] = []
    with pytest.raises(_Declined):
        extract_paragraphs(tree, "https://news.example/topics/", CleanOptions(), before_slower=_declining(shown))
    assert shown and STORY in shown[0]
    lines, thorough = extract_paragraphs(tree, "https://news.example/topics/", CleanOptions(),
                                         before_slower=shown.append)
    assert thorough and len(shown) == 2 and lines


def test_the_reading_before_readability_s_second_opinion_is_shown_and_can_stop_the_page(
        monkeypatch: pytest.MonkeyPatch):
    """When the quick extraction holds a small part of the page's text (15-30%), the caller sees its
    lines before readability (several times slower) gives its second opinion, and a decision raised
    there ends the page before readability runs."""
    tree = _page_between_rails("".join(f"<p>{STORY} Part {n}.</p>" for n in range(3)), links=40)
    readings: list[int] = []
    real_reading = extract_module.readability_paragraphs

    def counted_reading(tree: lxml.html.HtmlElement) -> list[str]:
        readings.append(1)
        return real_reading(tree)

    monkeypatch.setattr(extract_module, "readability_paragraphs", counted_reading)
    shown: list[list[str]] = []
    with pytest.raises(_Declined):
        extract_paragraphs(tree, "https://news.example/harbour", CleanOptions(), before_slower=_declining(shown))
    assert readings == [] and f"{STORY} Part 2." in shown[0]
    lines, thorough = extract_paragraphs(tree, "https://news.example/harbour", CleanOptions(),
                                         before_slower=shown.append)
    assert readings == [1] and not thorough and len(shown) == 2 and f"{STORY} Part 0." in lines


LOOSE_PAGE = ("<html><body><div><div><h2>Harbour works</h2>"
              + "".join(f"<div><p>{STORY} Part {n}.</p></div>" for n in range(3))
              + "<div><ul><li>First step of the plan, as the council set it out in the meeting.</li>"
              "<li>Second step of the plan, with the budget the council agreed for it.</li></ul></div>"
              "</div></div></body></html>")


def _spy_extractions(monkeypatch: pytest.MonkeyPatch, recall_finds: bool = True) -> list[bool]:
    """Record whether each trafilatura run was in recall mode; ``recall_finds=False`` makes the
    recall runs find nothing."""
    import cleaners.body.extract as extract

    real = extract._extract
    calls: list[bool] = []

    def spy(*args, favor_recall: bool = False, **kwargs):
        calls.append(favor_recall)
        if favor_recall and not recall_finds:
            return ""
        return real(*args, favor_recall=favor_recall, **kwargs)

    monkeypatch.setattr(extract, "_extract", spy)
    return calls


def test_a_page_of_loose_paragraphs_is_read_in_recall_mode(monkeypatch: pytest.MonkeyPatch):
    import trafilatura

    calls = _spy_extractions(monkeypatch)
    tree = lxml.html.document_fromstring(LOOSE_PAGE)
    lines, _ = extract_paragraphs(tree, "https://news.example/harbour", CleanOptions())
    recalled = trafilatura.bare_extraction(lxml.html.document_fromstring(LOOSE_PAGE), fast=True,
                                           favor_recall=True, include_comments=False, include_tables=True,
                                           with_metadata=False)
    assert calls[:2] == [False, True]
    assert lines == [" ".join(line.split()) for line in recalled.text.splitlines() if line.strip()]
    # The watch is off again: a precision reading of the same page runs once, to its end.
    calls.clear()
    lines, _ = extract_paragraphs(tree, "https://news.example/harbour", CleanOptions(favor_precision=True))
    assert calls[0] is False and lines


def test_when_recall_mode_finds_nothing_the_first_reading_is_kept(monkeypatch: pytest.MonkeyPatch):
    """The first extraction was ended early to save its time; it is run again in full."""
    calls = _spy_extractions(monkeypatch, recall_finds=False)
    lines, _ = extract_paragraphs(lxml.html.document_fromstring(LOOSE_PAGE), "https://news.example/harbour",
                                  CleanOptions())
    assert calls[:3] == [False, True, False]
    assert any(STORY in line for line in lines)


def test_watching_for_the_loose_paragraph_fallback_leaves_trafilaturas_debug_logging_off():
    """The watch wraps trafilatura's recovery function; it does not listen to its debug log, whose
    records cost every trafilatura call in the process 8% of its CPU."""
    import logging

    from trafilatura import main_extractor

    import cleaners.body.extract as extract

    assert main_extractor.recover_wild_text is extract._LOOSE_PARAGRAPHS
    assert not logging.getLogger("trafilatura.main_extractor").isEnabledFor(logging.DEBUG)


@pytest.mark.parametrize("fixture", ["wcxb-0031", "wcxb-4252", "seed-aggregator"])
@pytest.mark.parametrize(("fast", "precision", "recall"), [(True, False, False), (True, False, True),
                                                           (False, False, False), (True, True, False)])
def test_the_reused_extraction_settings_read_pages_as_trafilatura_s_own_keywords_do(fixture, fast, precision, recall):
    """trafilatura's settings are built once per kind of reading and copied with each page's
    address: every kind reads a real page exactly as the keyword arguments that build them afresh."""
    import trafilatura

    from tests.conftest import fixture_body, fixture_page_info

    html, url = fixture_body(fixture), fixture_page_info(fixture).get("url")
    options = CleanOptions(favor_precision=precision)
    ours = extract_module._extract(lxml.html.document_fromstring(html), url, options, fast=fast, favor_recall=recall)
    theirs = trafilatura.bare_extraction(lxml.html.document_fromstring(html), url=url, fast=fast,
                                         favor_precision=precision, favor_recall=recall, include_comments=False,
                                         include_tables=True, with_metadata=False)
    assert ours and ours == theirs.text


def test_each_page_gets_its_own_copy_of_the_settings_with_its_address():
    first = extract_module._extraction_settings("https://a.example/one", True, False, False)
    second = extract_module._extraction_settings("https://b.example/two", True, False, False)
    template = extract_module._settings(True, False, False)
    assert (first.url, second.url) == ("https://a.example/one", "https://b.example/two")
    assert first is not template and second is not template and template.url is None
    assert first.focus == "balanced" and first.fast and not first.comments and first.tables
    assert extract_module._extraction_settings(None, False, False, True).focus == "recall"
