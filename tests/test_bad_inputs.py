"""Bad inputs give a clear failure record naming the input, never a traceback, and never stop a batch."""

from __future__ import annotations

import gzip
import json

import pytest

from cleaners.cli import main
from tests.conftest import fixture_body

STORY = fixture_body("seed-plain")


def _write_bad_inputs(folder):
    (folder / "a-empty.html").write_bytes(b"")
    (folder / "b-binary.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (folder / "c-truncated.html.gz").write_bytes(gzip.compress(STORY)[:200])
    thirty_mb = b"<p>filler text</p>" * (30 * 1024 * 1024 // 18)
    (folder / "d-huge.html").write_bytes(b"<html><body>" + thirty_mb + b"</body></html>")
    nested = b"<div>" * 5000 + STORY + b"</div>" * 5000
    (folder / "e-deep.html").write_bytes(b"<html><body>" + nested + b"</body></html>")
    (folder / "f-not-html.html").write_bytes(b'{"json": "not a page"}\n' * 50)
    (folder / "g-good.html").write_bytes(STORY)
    wrong_charset = STORY.replace(b'charset="utf-8"', b'charset="iso-8859-1"')
    (folder / "h-wrong-charset.html").write_bytes(wrong_charset)
    navigation = b"<nav><a href='/a'>Home</a> <a href='/b'>About</a></nav>"
    (folder / "i-nav-only.html").write_bytes(b"<html><body>" + navigation + b"</body></html>")


def test_each_bad_input_gets_its_own_clear_failure(tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    _write_bad_inputs(pages)
    output = tmp_path / "out.jsonl"

    status = main([str(pages), "-o", str(output), "--jobs", "2"])

    records = [json.loads(line) for line in output.read_text("utf-8").splitlines()]
    kinds = [r["error"]["kind"] if "error" in r else "article" for r in records]
    assert kinds == ["empty", "binary", "unreadable", "too-large", "too-deep", "not-html", "article", "article",
                     "not-article"]
    for record in records:
        if "error" in record:
            assert record["error"]["input"].startswith(str(pages))
            assert record["error"]["message"]
    assert "â€" not in records[7]["articleBody"]
    assert records[7]["headline"] == records[6]["headline"]
    assert records[7]["articleBody"] == records[6]["articleBody"]
    assert status == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "cleaned 2, not an article 1, failed 6" in captured.err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_good_batch_exits_zero_in_input_order(tmp_path, jobs, capsys):
    for index in range(5):
        (tmp_path / f"page{index}.html").write_bytes(STORY.replace(b"<h1>", f"<h1>Page {index} ".encode()))
    output = tmp_path / "out.jsonl"
    assert main([str(tmp_path), "-o", str(output), "--jobs", jobs]) == 0
    headlines = [json.loads(line)["headline"] for line in output.read_text("utf-8").splitlines()]
    assert [h.split()[1] for h in headlines] == ["0", "1", "2", "3", "4"]
