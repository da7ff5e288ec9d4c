"""Decoding: BOM, HTTP charset, <meta charset>, then detection; wrong declarations recovered."""

from __future__ import annotations

import pytest

from cleaners import clean_html
from cleaners.read.decode import decode_html, looks_binary


def test_http_charset_wins_over_nothing():
    text, encoding = decode_html("<p>Größe</p>".encode("cp1252"), "text/html; charset=windows-1252")
    assert text == "<p>Größe</p>"
    assert encoding == "cp1252"


def test_meta_charset_is_read():
    body = '<meta charset="iso-8859-2"><p>Łódź</p>'.encode("iso-8859-2")
    text, _ = decode_html(body)
    assert "Łódź" in text


def test_bom_beats_a_wrong_declaration():
    body = b"\xef\xbb\xbf" + '<meta charset="latin-1"><p>café</p>'.encode()
    text, encoding = decode_html(body, "text/html; charset=latin-1")
    assert "café" in text and encoding == "utf-8"


def test_utf8_page_declared_latin1_is_read_as_utf8():
    body = '<meta charset="iso-8859-1"><p>naïve café — “quoted”</p>'.encode()
    text, encoding = decode_html(body)
    assert "naïve café — “quoted”" in text
    assert encoding == "utf-8"


def test_utf8_declaration_that_does_not_decode_falls_back_to_detection():
    sentence = ("Le président a déclaré que la réforme des retraites serait présentée à l'Assemblée "
                "nationale après l'été. Les syndicats ont réagi très vivement à cette annonce.")
    body = f'<meta charset="utf-8"><p>{sentence}</p>'.encode("cp1252")
    text, encoding = decode_html(body)
    assert sentence in text
    assert encoding != "utf-8"


def test_utf16_with_bom():
    text, _ = decode_html("<p>hello</p>".encode("utf-16"))
    assert text == "<p>hello</p>"


@pytest.mark.parametrize("body, binary", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, True),
    (b"%PDF-1.7 ...", True),
    (bytes(range(256)) * 10, True),
    (b"<html><body><p>text</p></body></html>", False),
    ("<p>é</p>".encode("utf-16"), False),
])
def test_binary_sniffing(body, binary):
    assert looks_binary(body) is binary




def test_double_encoded_utf8_is_repaired():
    garbled = "It’s the Earth’s turn — doesn’t it?".encode().decode("latin-1")
    text, encoding = decode_html(f"<p>{garbled}</p>".encode())
    assert "It’s the Earth’s turn — doesn’t it?" in text
    assert encoding == "utf-8"


def test_a_garbled_utf8_page_is_repaired_in_the_cleaned_record():
    story = "The council’s plan — which residents didn’t expect — goes ahead next spring. " * 6
    page = (f"<html><head><meta charset='utf-8'><title>Council’s plan</title></head><body>"
            f"<article><h1>Council’s plan goes ahead</h1><p>{story}</p><p>{story}</p></article></body></html>")
    garbled = page.encode().decode("latin-1").encode()
    article = clean_html(garbled, url="https://news.example/plan")
    assert article.headline == "Council’s plan goes ahead"
    assert "didn’t expect" in article.articleBody


def test_a_single_quoted_mojibake_example_is_left_alone():
    body = "<p>Our old forum showed “Ã¤” instead of “ä”.</p>".encode()
    text, _ = decode_html(body)
    assert "“Ã¤”" in text


def test_each_garbled_run_is_repaired_and_the_data_around_it_comes_through():
    """Repair works run by run: the story's garbled lines and a script's garbled data far from any
    markup (a run of megabytes on product pages) are each repaired, and the data around them
    comes through as it was."""
    story = "The council’s plan — which residents didn’t expect — goes ahead. "
    data = ("x" * 300 + " ") * 50 + "“NOMAD®”" + (" " + "y" * 300) * 50
    page = (f"<html><body><p>{story}</p>"
            f"<script>{data}</script><p>{story}</p></body></html>")
    garbled = page.replace(story, story.encode().decode("latin-1")).replace(
        "“NOMAD®”", "“NOMAD®”".encode().decode("latin-1"))
    text, _ = decode_html(garbled.encode())
    assert text.count(story) == 2
    assert "“NOMAD®”" in text
    assert "x" * 300 + " " + "x" * 300 in text and "y" * 300 + " " + "y" * 300 in text
