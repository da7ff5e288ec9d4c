"""Hostile pages meet the command line and the crawl's cleaning call alike: each gives an error
record or a clean result, within the per-page time limit, and never a traceback."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from cleaners import CleanOptions, Page
from cleaners.run.worker import clean_to_record
from tests.conftest import fixture_body

STORY = fixture_body("seed-plain")


def hostile_pages() -> dict[str, bytes]:
    paragraphs = "".join(f"<p>Paragraph number {i} has a few words in it.</p>" for i in range(100_000))
    return {
        "deeply-nested.html": b"<html><body>" + b"<div>" * 5000 + STORY + b"</div>" * 5000 + b"</body></html>",
        "script-only.html": b"<html><head><script>var a = 1;</script></head><body><script>go()</script></body></html>",
        "many-paragraphs.html": f"<html><body>{paragraphs}</body></html>".encode(),
        "nul-bytes.html": STORY.replace(b"<p>The US", b"<p>The\x00 US"),
        "mixed-encodings.html": STORY.replace(b"Biden", "Bidén".encode("latin-1")),
        "binary-as-html.html": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 100,
        "gzip-bomb.html.gz": gzip.compress(b"<html><body><p>" + b"A" * (40 * 1024 * 1024) + b"</p></body></html>"),
        "empty.html": b"",
    }


EXPECTED = {
    "deeply-nested.html": "too-deep",
    "script-only.html": "not-article",
    "many-paragraphs.html": "timeout",
    "nul-bytes.html": "article",
    "mixed-encodings.html": "article",
    "binary-as-html.html": "binary",
    "gzip-bomb.html.gz": "too-large",
    "empty.html": "empty",
}


def _kind(record: dict) -> str:
    return record["error"]["kind"] if "error" in record else "article"


def test_command_line_and_crawl_cleaning_agree_on_hostile_pages(tmp_path):
    for name, body in hostile_pages().items():
        (tmp_path / name).write_bytes(body)
    result = subprocess.run([sys.executable, "-m", "cleaners", str(tmp_path), "--time-limit", "3", "--jobs", "2"],
                            capture_output=True, text=True, timeout=300, check=False)
    assert "Traceback" not in result.stderr
    by_file = {Path(r["error"]["input"] if "error" in r else r["metadata"]["source"]).name: _kind(r)
               for r in map(json.loads, result.stdout.splitlines())}
    assert by_file == EXPECTED

    options = CleanOptions(time_limit=3)
    for name, body in hostile_pages().items():
        if name.endswith(".gz"):
            continue  # a crawl gets bodies already inflated (and capped) by Scrapy
        record = clean_to_record(Page(body=body, url=f"https://hostile.example/{name}", source="crawl"), options)
        assert _kind(record) == EXPECTED[name], name
    nul = clean_to_record(Page(body=hostile_pages()["nul-bytes.html"], source="crawl"), options)
    assert "\x00" not in nul["articleBody"]
