"""Publication dates read from what the page shows, for pages that declare none."""

from __future__ import annotations

import lxml.html

import cleaners
from cleaners.metadata.near_headline import story_heading
from cleaners.metadata.shown_dates import ShownDates, shown_dates

_STORY = "".join(f"<p>Paragraph {n} of the story, long enough to be kept as article text by the cleaner.</p>"
                 for n in range(8))


def _shown(tree: lxml.html.HtmlElement, headline: str) -> ShownDates:
    return shown_dates(tree, story_heading(tree, headline))


def _tree(body: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html><body>{body}</body></html>")


def test_the_date_printed_under_the_headline_in_an_unnamed_element():
    menu = "".join(f'<a href="/s{n}">Section {n}</a>' for n in range(6))
    tree = _tree(f'<aside><div class="x">Jan 3, 2020</div></aside><nav>{menu}</nav><h1>Bread at home</h1>'
                 '<div class="t-200">By Ann Lee</div><div class="t-200">October 3, 2024</div>' + _STORY)
    assert _shown(tree, "Bread at home").published == ("2024-10-03", "October 3, 2024")


def test_an_update_date_is_kept_apart_whether_worded_or_labelled():
    tree = _tree('<h1>Bread at home</h1><span>Updated May 6, 2025</span>' + _STORY)
    dates = _shown(tree, "Bread at home")
    assert dates.published is None
    assert dates.updated == ("2025-05-06", "Updated May 6, 2025")
    tree = _tree('<div><div>Last updated:</div><div>Dec 12, 2025</div></div><h1>Bread at home</h1>' + _STORY)
    assert _shown(tree, "Bread at home") == ShownDates(
        updated=("2025-12-12", "Dec 12, 2025"))


def test_numbers_that_only_look_like_dates_are_not_dates():
    tree = _tree("<h1>Bread at home</h1><p>Top 10 loaves of 2025</p>" + _STORY)
    assert _shown(tree, "Bread at home").published is None


def test_a_day_month_order_is_taken_from_the_pages_other_dates():
    ambiguous = "<h1>Bread at home</h1><span>10/12/2023</span>" + _STORY
    assert _shown(_tree(ambiguous), "Bread at home").published is None
    tree = _tree(ambiguous + "<footer>Comment posted 12/18/2025</footer>")
    assert _shown(tree, "Bread at home").published == ("2023-10-12", "10/12/2023")
    tree = _tree(ambiguous + "<footer>Comment posted 18.12.2025</footer>")
    assert _shown(tree, "Bread at home").published == ("2023-12-10", "10/12/2023")


def test_h1s_of_other_stories_are_not_the_headline():
    tree = _tree("<h1>Related: parks</h1><span>April 9, 2024</span>" + _STORY)
    assert _shown(tree, "Where to kayak in Houston").published is None
    assert _shown(tree, "Related: parks").published == ("2024-04-09", "April 9, 2024")


def test_cleaning_uses_the_shown_date_and_falls_back_to_the_update_date():
    page = f"<html><head><title>Bread at home</title></head><body><h1>Bread at home</h1>{{}}{_STORY}</body></html>"
    url = "https://bread.example/food/bread-at-home"
    shown = cleaners.clean_html(page.format("<p>Oct 21, 2025</p>").encode(), url=url)
    assert shown.datePublished == "2025-10-21"
    updated = cleaners.clean_html(page.format("<p>Updated Feb 11, 2026</p>").encode(), url=url)
    assert updated.datePublished == "2026-02-11"


def test_a_line_that_names_its_date_anywhere_on_the_page():
    far = "".join(f"<p>Line {n}</p>" for n in range(30))
    tree = _tree(f"<h1>Webcams</h1>{far}<p style='text-align:right'>Last updated: November 13, 2025</p>")
    dates = _shown(tree, "Webcams")
    assert (dates.published, dates.updated) == (None, ("2025-11-13", "Last updated: November 13, 2025"))
    tree = _tree(f"<h1>Webcams</h1>{far}<div>Published: 3 May 2024</div>")
    assert _shown(tree, "Webcams").published == ("2024-05-03", "Published: 3 May 2024")
