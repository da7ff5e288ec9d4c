"""Kinds of text seen getting into bodies on unseen pages, each written into one page around the same
story: form-validation messages, script error notices, donation boxes, category and tag labels
before the story, reader comments. None may reach the body, and the story must stay whole."""

from __future__ import annotations

import pytest

from cleaners import clean_html

STORY = [f"Paragraph {n} of the council story: the budget vote was delayed again on Tuesday after members "
         "argued over the cost of the new bridge, which has doubled since the plan was drawn up in 2019."
         for n in range(1, 7)]


def _page(before: str = "", inside: str = "", after: str = "") -> str:
    first, second = "".join(f"<p>{p}</p>" for p in STORY[:3]), "".join(f"<p>{p}</p>" for p in STORY[3:])
    return ("<!doctype html><html><head><title>Council delays budget vote | Gazette</title>"
            "<meta property='og:type' content='article'>"
            "<meta property='article:published_time' content='2024-05-02T10:00:00Z'></head>"
            "<body><nav><ul><li><a href='/'>Home</a></li><li><a href='/news/'>News</a></li></ul></nav>"
            f"<article><h1>Council delays budget vote</h1>{before}<div class='entry-content'>{first}{inside}{second}"
            f"</div>{after}</article></body></html>")


KINDS = {
    "form validation": _page(after=(
        "<form class='wpcf7-form'><p><label>Your email<input type='email'></label></p>"
        "<span class='wpcf7-not-valid-tip'>The field is required.</span><div class='wpcf7-response-output'>One or "
        "more fields have an error. Please check and try again.</div><button>Send</button></form>")),
    "script error": _page(inside=(
        "<div class='widget'><p>Something went wrong. Please try again later.</p></div>"
        "<noscript><p>Please enable JavaScript to view this content.</p></noscript>")),
    "donation box": _page(after=(
        "<div class='donate-box'><h3>Support our journalism</h3><p>We rely on readers like you. Make a donation "
        "today and help keep independent local news free for everyone.</p><a href='/donate'>Donate now</a></div>")),
    "category labels first": _page(before=(
        "<div class='post-categories'><a href='/c/politics'>Politics</a> <a href='/c/local'>Local</a></div>"
        "<ul class='post-tags'><li><a href='/t/budget'>Budget</a></li><li><a href='/t/bridge'>Bridge</a></li>"
        "<li><a href='/t/council'>Council</a></li></ul>")),
    "reader comments": _page(after=(
        "<section id='comments'><h3>3 thoughts on “Council delays budget vote”</h3><ol class='commentlist'>"
        "<li class='comment'><p>This council never gets anything done, the bridge was a mistake from day one.</p></li>"
        "<li class='comment'><p>Totally agree with the above, vote them all out next year and start over.</p></li>"
        "</ol><div id='respond'><h3>Leave a Reply</h3></div></section>")),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_only_the_story_reaches_the_body(kind):
    article = clean_html(KINDS[kind], url="https://gazette.example/news/2024/05/02/council-delays-budget-vote")
    assert article.articleBody.split("\n\n") == STORY
