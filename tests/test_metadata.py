"""Metadata from JSON-LD (@graph, @id references, lists), meta tags and markup, in that order."""

from __future__ import annotations

import json

import lxml.html

from cleaners.metadata.declared import extract_metadata


def _tree(head: str, body: str = "", lang: str = "") -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html{lang}><head>{head}</head><body>{body}</body></html>")


def _ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_author_from_a_twitter_card_field_labelled_written_by():
    reading_time = '<meta name="twitter:label1" content="Est. reading time"><meta name="twitter:data1" content="7 min">'
    written_by = '<meta name="twitter:label2" content="Written by"><meta name="twitter:data2" content="Nawaz Dhandala">'
    assert extract_metadata(_tree(reading_time + written_by), "https://blog.example/p").authors == ("Nawaz Dhandala",)
    assert extract_metadata(_tree(reading_time), "https://blog.example/p").authors == ()


def test_jsonld_graph_with_author_reference():
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "@id": "p", "name": "Page title | Site"},
        {"@type": "NewsArticle", "headline": "The headline", "author": [{"@id": "#jane"}, {"@id": "#org"}],
         "datePublished": "2024-01-02T03:04:05+01:00", "articleSection": ["World", "Europe"],
         "keywords": "a, b", "image": {"@type": "ImageObject", "url": "/img.jpg"}, "inLanguage": "de-DE"},
        {"@type": "Person", "@id": "#jane", "name": "Jane Doe"},
        {"@type": "Organization", "@id": "#org", "name": "Site News"},
    ]}
    meta = extract_metadata(_tree(_ld(graph)), "https://site.example/a")
    assert meta.headline == "The headline"
    assert meta.authors == ("Jane Doe",)
    assert meta.datePublished == "2024-01-02T03:04:05+01:00"
    assert meta.articleSection == "World"
    assert meta.keywords == ("a", "b")
    assert meta.mainImage == "https://site.example/img.jpg"
    assert meta.inLanguage == "de"


def test_invalid_jsonld_is_skipped_and_meta_tags_are_used():
    head = ('<script type="application/ld+json">{not json</script>'
            '<meta property="og:title" content="OG title - Site"><meta property="og:site_name" content="Site">'
            '<meta property="article:published_time" content="2023-05-06T07:08:09Z">'
            '<meta name="author" content="By Ann Poe"><meta property="article:section" content="Sport">'
            '<link rel="canonical" href="/canon">')
    meta = extract_metadata(_tree(head, lang=' lang="fr-FR"'), "https://site.example/x?utm=1")
    assert meta.headline == "OG title"
    assert meta.datePublished == "2023-05-06T07:08:09+00:00"
    assert meta.datePublishedRaw == "2023-05-06T07:08:09Z"
    assert meta.authors == ("Ann Poe",)
    assert meta.articleSection == "Sport"
    assert meta.canonicalUrl == "https://site.example/canon"
    assert meta.inLanguage == "fr"


def test_markup_fallbacks():
    body = ('<a rel="category tag" href="/c/tech">Tech</a><h1>The only heading</h1>'
            '<span itemprop="author"><span itemprop="name">Kim Lee</span></span>'
            '<time itemprop="datePublished" datetime="2022-02-03">3 Feb</time>')
    meta = extract_metadata(_tree("<title>Title tag</title>", body), None)
    assert meta.headline == "The only heading"
    assert meta.articleSection == "Tech"
    assert meta.authors == ("Kim Lee",)
    assert meta.datePublished == "2022-02-03"


def test_breadcrumb_gives_the_section():
    crumbs = {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": "Home"},
        {"@type": "ListItem", "position": 2, "name": "Science"},
        {"@type": "ListItem", "position": 3, "name": "The article"}]}
    meta = extract_metadata(_tree(_ld(crumbs)), None)
    assert meta.articleSection == "Science"


def test_headline_among_several_h1_ignores_the_logo_and_section_headings():
    meta = extract_metadata(_tree(
        '<meta property="og:site_name" content="Filmmaker Magazine">'
        '<meta property="og:title" content="Poland to Park City: a festival dispatch">',
        "<div><h1>Filmmaker</h1></div><article><h1>Poland to Park City: a festival dispatch</h1></article>"
        "<aside><h1>Related Articles</h1></aside>"), "https://filmmakermagazine.example/dispatch")
    assert meta.headline == "Poland to Park City: a festival dispatch"


def test_headline_leaves_out_dates_and_bylines_nested_in_the_h1():
    meta = extract_metadata(_tree(
        "<title>Preparing a transition in Debusine</title>",
        '<h1><a href="/p"><time datetime="2025-12-18">Dec <span>18</span> 2025</time> Preparing a transition'
        ' in Debusine</a><div class="meta"><span class="posted-on">Posted by Colin</span></div></h1>'),
        "https://blog.example/p")
    assert meta.headline == "Preparing a transition in Debusine"


def test_headline_leaves_out_labels_set_before_it_in_the_h1():
    meta = extract_metadata(_tree(
        "<title>Scalable merging of language models</title>",
        '<h1><span class="descriptor">Title:</span>Scalable merging of language models</h1>'),
        "https://papers.example/abs/1")
    assert meta.headline == "Scalable merging of language models"


def test_headline_keeps_the_main_part_of_a_piped_title_and_breaks_lines_at_br():
    meta = extract_metadata(_tree(
        "<title>How meditation rewires brains | Opinion | The Ledger</title>"), "https://ledger.example/a")
    assert meta.headline == "How meditation rewires brains"
    meta = extract_metadata(_tree("", "<h1>WEEKEND<br>CODING<br><span>AGENT</span></h1>"), "https://x.example/a")
    assert meta.headline == "WEEKEND CODING AGENT"


def test_a_heading_that_starts_with_the_brand_is_still_a_headline():
    meta = extract_metadata(_tree("<title>Catalog Index</title>", "<h1>Austin Hardware Catalog</h1>"),
                            "https://www.austinhardware.example/catalog")
    assert meta.headline == "Austin Hardware Catalog"


def test_dates_of_a_page_node_when_no_node_is_an_article():
    graph = {"@graph": [{"@type": "WebSite", "name": "Krioda"},
                        {"@type": "WebPage", "datePublished": "2024-03-17T19:47:39+00:00",
                         "dateModified": "2024-05-03T10:57:58+00:00"}]}
    meta = extract_metadata(_tree(_ld(graph)), "https://krioda.example/apps")
    assert (meta.datePublished, meta.dateModified) == ("2024-03-17T19:47:39+00:00", "2024-05-03T10:57:58+00:00")
    with_article = {"@graph": [*graph["@graph"], {"@type": "Article", "datePublished": "2024-03-18"}]}
    assert extract_metadata(_tree(_ld(with_article)), "https://krioda.example/apps").datePublished == "2024-03-18"
