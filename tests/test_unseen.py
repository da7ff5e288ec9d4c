"""Scripts, styles and SVG drawings leave the tree once the metadata is read; what a reader sees
stays, and so does what later stages read (JSON-LD, the date htmldate finds in a script)."""

from __future__ import annotations

from lxml import etree

from cleaners import CleanOptions, clean_html
from cleaners.body.unseen import drop_unseen
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
